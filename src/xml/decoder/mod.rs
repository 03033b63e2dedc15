//! The pull decoder: tokens, the element stack and paths, namespaces, deviations, text.

use std::borrow::Cow;
use std::fmt;

use quick_xml::parser::{ElementParser, Parser};

use super::escape::{forbidden_char, replace_forbidden};
use super::tokens::{find, is_blank, is_space, is_space_char, Event};
use super::{Attr, Content, Mode, OtherAttributes, RawXml, Start, XmlText, MAX_DEPTH, MAX_NAMESPACES, XSI};
use crate::error::{DecodeError, ErrorKind};

pub(super) mod document;
pub(super) mod fields;

#[derive(Debug, Clone, Copy)]
struct Frame<'a> {
    name: &'a str,
    index: Option<usize>,
}

/// A pull decoder over one UTF-8 document; generated `XmlDecode` impls drive it.
pub struct Decoder<'a> {
    input: &'a str,
    pos: usize,
    mode: Mode,
    stack: [Frame<'a>; MAX_DEPTH],
    depth: usize,
    /// Leading stack frames left out of paths (the `<mos>` envelope).
    hidden: usize,
    deviations: Vec<DecodeError>,
    /// Indices into `deviations` by a hash of the error: a repeated deviation is found by
    /// hash, not by comparing with every one so far (which made strict decoding of a document
    /// full of deviations quadratic; all attributes of one element share an offset).
    recorded: std::collections::HashMap<u64, Vec<usize>>,
    /// Whether element names are resolved against namespace declarations (documents of a
    /// schema with a target namespace); off, names are compared as written and nothing below
    /// costs anything.
    namespaces: bool,
    /// The namespace declarations in scope, innermost last, each with the depth of the element
    /// that declares it.
    scope: Vec<NsDecl<'a>>,
    /// The limits in force when the decoder was made, and the elements started so far.
    limits: crate::Limits,
    elements: usize,
    /// Whether the input is long enough to break `max_string_len` or `max_items` (every
    /// element takes 3 bytes or more): when not, which is nearly always, tokens skip the checks.
    check_tokens: bool,
}

/// The prefix an attribute named `name` declares (`xmlns` → `""`, `xmlns:p` → `p`), if it is a
/// namespace declaration.
fn xmlns_prefix(name: &str) -> Option<&str> {
    match name.strip_prefix("xmlns")? {
        "" => Some(""),
        p => p.strip_prefix(':'),
    }
}

/// One namespace declaration in scope (`xmlns:p="uri"`; `prefix` is empty for `xmlns`).
#[derive(Debug, Clone)]
struct NsDecl<'a> {
    prefix: &'a str,
    uri: Cow<'a, str>,
    depth: usize,
}

impl fmt::Debug for Decoder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("pos", &self.pos)
            .field("mode", &self.mode)
            .field("depth", &self.depth)
            .field("deviations", &self.deviations.len())
            .finish()
    }
}

fn abandoned() -> DecodeError {
    DecodeError::new(ErrorKind::Constraint("value abandoned after a recorded deviation".into()), usize::MAX)
}

/// A hash of everything that makes two errors equal (`ErrorKind` holds no float, so its
/// `Debug` text stands for it), without allocating.
fn error_hash(e: &DecodeError) -> u64 {
    use std::hash::Hasher;
    struct H(std::collections::hash_map::DefaultHasher);
    impl fmt::Write for H {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut h = H(std::collections::hash_map::DefaultHasher::new());
    let _ = fmt::Write::write_fmt(&mut h, format_args!("{:?}{}{}", e.kind(), e.path(), e.offset()));
    h.0.finish()
}

fn is_fatal(e: &DecodeError) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Malformed(_)
            | ErrorKind::Incomplete
            | ErrorKind::TooDeep
            | ErrorKind::Limit(_)
            | ErrorKind::InvalidUtf8
            | ErrorKind::TrailingBytes
            | ErrorKind::Encoding(_)
    )
}

impl<'a> Decoder<'a> {
    /// A decoder at the start of `input`.
    pub fn new(input: &'a str, mode: Mode) -> Self {
        let limits = crate::limits::current();
        Decoder {
            input,
            pos: 0,
            mode,
            stack: [Frame { name: "", index: None }; MAX_DEPTH],
            depth: 0,
            hidden: 0,
            deviations: Vec::new(),
            recorded: std::collections::HashMap::new(),
            namespaces: false,
            scope: Vec::new(),
            limits,
            elements: 0,
            check_tokens: input.len() > limits.max_string_len || input.len() / 3 > limits.max_items,
        }
    }

    /// Resolves element names against namespace declarations from now on (see
    /// [`Decoder::resolve`]); generated decoders of namespaced schemas turn it on.
    pub fn track_namespaces(&mut self) {
        self.namespaces = true;
    }

    /// Whether [`Decoder::track_namespaces`] was called.
    pub fn tracks_namespaces(&self) -> bool {
        self.namespaces
    }

    /// The decoding mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// True in [`Mode::Strict`].
    pub fn is_strict(&self) -> bool {
        self.mode == Mode::Strict
    }

    /// Byte offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The input.
    pub fn input(&self) -> &'a str {
        self.input
    }

    // ---- errors ---------------------------------------------------------------------------

    fn with_path(&self, mut e: DecodeError) -> DecodeError {
        for f in self.stack[self.hidden.min(self.depth)..self.depth].iter().rev() {
            if let Some(i) = f.index {
                e = e.at_index(i);
            }
            e = e.in_field(f.name.to_owned());
        }
        e
    }

    /// An error at `offset` whose path is the current element path.
    pub fn error(&self, kind: ErrorKind, offset: usize) -> DecodeError {
        self.with_path(DecodeError::new(kind, offset))
    }

    /// An error whose path is the current path plus `name` (a child element or attribute).
    pub fn error_in(&self, name: &str, index: Option<usize>, kind: ErrorKind, offset: usize) -> DecodeError {
        let mut e = DecodeError::new(kind, offset);
        if let Some(i) = index {
            e = e.at_index(i);
        }
        self.with_path(e.in_field(name.to_owned()))
    }

    /// Strict: records a deviation and carries on. Lenient: returns it.
    pub fn deviation(&mut self, e: DecodeError) -> Result<(), DecodeError> {
        match self.mode {
            Mode::Lenient => Err(e),
            Mode::Strict => {
                self.record(e);
                Ok(())
            }
        }
    }

    /// Strict only: records a deviation that lenient mode tolerates.
    fn tolerated(&mut self, e: impl FnOnce(&Self) -> DecodeError) {
        if self.mode == Mode::Strict {
            let e = e(self);
            self.record(e);
        }
    }

    fn record(&mut self, e: DecodeError) {
        if e == abandoned() {
            return;
        }
        let same = self.recorded.entry(error_hash(&e)).or_default();
        crate::work::add(same.len());
        if !same.iter().any(|&i| self.deviations[i] == e) {
            same.push(self.deviations.len());
            self.deviations.push(e);
        }
    }

    fn is_recorded(&self, e: &DecodeError) -> bool {
        self.recorded.get(&error_hash(e)).is_some_and(|at| at.iter().any(|&i| self.deviations[i] == *e))
    }

    /// After a field failed to decode: lenient (and malformed input) propagates the error;
    /// strict records it and lets decoding go on.
    fn recover(&mut self, e: DecodeError) -> Result<(), DecodeError> {
        if self.mode == Mode::Lenient || is_fatal(&e) {
            return Err(e);
        }
        self.record(e);
        Ok(())
    }

    pub(in crate::xml) fn push(
        &mut self,
        name: &'a str,
        index: Option<usize>,
        offset: usize,
    ) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH.min(self.limits.max_depth) {
            return Err(self.error(ErrorKind::TooDeep, offset));
        }
        self.stack[self.depth] = Frame { name, index };
        self.depth += 1;
        Ok(())
    }

    pub(in crate::xml) fn pop(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.namespaces {
            self.unscope();
        }
    }

    /// Drops the namespace declarations of the elements left (out of line: `pop` stays small).
    #[inline(never)]
    fn unscope(&mut self) {
        while self.scope.last().is_some_and(|d| d.depth > self.depth) {
            self.scope.pop();
        }
    }

    /// Enters the child element `start` (its frame on the path; its namespace declarations in
    /// scope when names are resolved). Without namespaces, as cheap as `push`.
    #[inline]
    fn enter(&mut self, start: &Start<'a>, index: Option<usize>) -> Result<(), DecodeError> {
        self.push(start.name, index, start.offset)?;
        if self.namespaces {
            self.declare(start)?;
        }
        Ok(())
    }

    /// Puts the namespace declarations of the element just entered in scope (out of line:
    /// `enter` stays as small as `push`).
    #[inline(never)]
    fn declare(&mut self, start: &Start<'a>) -> Result<(), DecodeError> {
        if start.tag.contains("xmlns") {
            let mut attrs = self.attributes(start);
            while let Some(a) = self.next_attribute(&mut attrs)? {
                let Some(prefix) = xmlns_prefix(a.name) else { continue };
                if self.scope.len() >= MAX_NAMESPACES {
                    let msg = format!("more than {MAX_NAMESPACES} namespace declarations in scope");
                    return Err(self.malformed(msg, start.offset));
                }
                self.scope.push(NsDecl { prefix, uri: a.value, depth: self.depth });
            }
        }
        Ok(())
    }

    /// The namespace and local name of the element `start` (after [`Decoder::track_namespaces`];
    /// its own declarations count). An undeclared prefix is malformed input; an unprefixed name
    /// without a default namespace has none.
    pub fn resolve(&self, start: &Start<'a>) -> Result<(Option<Cow<'a, str>>, &'a str), DecodeError> {
        let (prefix, local) = start.name.split_once(':').unwrap_or(("", start.name));
        let mut found: Option<Cow<'a, str>> = None;
        // Declarations on the element itself come first; `start` is entered already when a
        // field's decoder resolves it, and not yet when its parent dispatches on it.
        if start.tag.contains("xmlns") {
            let mut attrs = self.attributes(start);
            while let Some(a) = self.next_attribute(&mut attrs)? {
                let Some(declared) = xmlns_prefix(a.name) else { continue };
                if declared == prefix {
                    found = Some(a.value);
                }
            }
        }
        let uri = match found {
            Some(uri) => uri,
            None => match self.scope.iter().rev().find(|d| d.prefix == prefix) {
                Some(d) => d.uri.clone(),
                None if prefix.is_empty() => return Ok((None, local)),
                None if prefix == "xml" => Cow::Borrowed("http://www.w3.org/XML/1998/namespace"),
                None => {
                    return Err(self
                        .malformed(format!("the prefix `{prefix}` of <{}> is not declared", start.name), start.offset))
                }
            },
        };
        // `xmlns=""` undeclares the default namespace.
        Ok((if uri.is_empty() { None } else { Some(uri) }, local))
    }

    /// An attribute no field of a namespaced element takes: kept in `other` (a namespace
    /// declaration or a qualified attribute as it is; an unknown unqualified one also, and it
    /// is a deviation in strict mode).
    pub fn other_attribute(&mut self, other: &mut OtherAttributes<'a>, attr: Attr<'a>) {
        if !attr.name.contains(':') && attr.name != "xmlns" {
            self.unknown_attribute(&attr);
        }
        other.0.push((Cow::Borrowed(attr.name), attr.value));
    }

    /// Strict: a character XML forbids in `text` (at `offset`) is a deviation. Lenient mode
    /// keeps it; writers replace it, so it never goes out raw.
    fn check_chars(&mut self, text: &str, offset: usize, refs: bool) {
        if self.mode == Mode::Strict {
            if let Some((i, c)) = forbidden_char(text, refs) {
                let e = self.malformed(format!("character U+{c:04X} is not allowed in XML"), offset + i);
                self.record(e);
            }
        }
    }

    /// [`crate::Limits::max_string_len`] for a text run, CDATA section or start tag at `offset`.
    #[cold]
    #[inline(never)]
    fn within_string_limit(&self, len: usize, what: &str, offset: usize) -> Result<(), DecodeError> {
        if len > self.limits.max_string_len {
            let max = self.limits.max_string_len;
            return Err(
                self.error(ErrorKind::Limit(format!("{what} of {len} bytes, more than the limit of {max}")), offset)
            );
        }
        Ok(())
    }

    /// [`crate::Limits`] for a start tag `len` bytes long at `offset`: its length and the
    /// document's element count.
    #[cold]
    #[inline(never)]
    fn count_element(&mut self, len: usize, offset: usize) -> Result<(), DecodeError> {
        self.within_string_limit(len, "start tag", offset)?;
        self.elements += 1;
        if self.elements > self.limits.max_items {
            let max = self.limits.max_items;
            return Err(self.error(ErrorKind::Limit(format!("more than {max} elements in the document")), offset));
        }
        Ok(())
    }

    fn malformed(&self, message: impl Into<String>, offset: usize) -> DecodeError {
        self.error(ErrorKind::Malformed(message.into()), offset)
    }

    // ---- tokens ---------------------------------------------------------------------------

    pub(in crate::xml) fn next_event(&mut self) -> Result<Event<'a>, DecodeError> {
        let input = self.input;
        let bytes = input.as_bytes();
        loop {
            crate::work::add(1);
            let at = self.pos;
            if at >= bytes.len() {
                return Ok(Event::Eof);
            }
            if bytes[at] != b'<' {
                let end = memchr::memchr(b'<', &bytes[at..]).map_or(bytes.len(), |i| at + i);
                if self.check_tokens {
                    self.within_string_limit(end - at, "text", at)?;
                }
                self.pos = end;
                self.check_chars(&input[at..end], at, true);
                return Ok(Event::Text(&input[at..end], at));
            }
            let rest = &input[at..];
            if rest.starts_with("</") {
                let Some(gt) = find(input, at + 2, ">") else {
                    return Err(self.error(ErrorKind::Incomplete, at));
                };
                let name = input[at + 2..gt].trim_end_matches(is_space_char);
                if name.is_empty() || name.bytes().any(|b| is_space(b) || b == b'<' || b == b'/') {
                    return Err(self.malformed(format!("bad end tag {:?}", &input[at..=gt]), at));
                }
                self.pos = gt + 1;
                return Ok(Event::End(name, at));
            }
            if rest.starts_with("<!--") {
                let Some(end) = find(input, at + 4, "-->") else {
                    return Err(self.error(ErrorKind::Incomplete, at));
                };
                self.pos = end + 3;
                continue;
            }
            if rest.starts_with("<![CDATA[") {
                let Some(end) = find(input, at + 9, "]]>") else {
                    return Err(self.error(ErrorKind::Incomplete, at));
                };
                if self.check_tokens {
                    self.within_string_limit(end - at - 9, "CDATA section", at)?;
                }
                self.pos = end + 3;
                self.check_chars(&input[at + 9..end], at + 9, false);
                return Ok(Event::CData(&input[at + 9..end], at));
            }
            if rest.starts_with("<!") {
                // A document type declaration: skip it, internal subset and quotes included.
                let mut depth = 0usize;
                let mut quote = None;
                let mut end = None;
                for (i, b) in rest.bytes().enumerate().skip(2) {
                    match (quote, b) {
                        (Some(q), _) if b == q => quote = None,
                        (Some(_), _) => {}
                        (None, b'"' | b'\'') => quote = Some(b),
                        (None, b'[') => depth += 1,
                        (None, b']') => depth = depth.saturating_sub(1),
                        (None, b'>') if depth == 0 => {
                            end = Some(at + i);
                            break;
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    return Err(self.error(ErrorKind::Incomplete, at));
                };
                if self.depth > 0 {
                    return Err(self.malformed("markup declaration inside an element", at));
                }
                self.pos = end + 1;
                continue;
            }
            if rest.starts_with("<?") {
                let Some(end) = find(input, at + 2, "?>") else {
                    return Err(self.error(ErrorKind::Incomplete, at));
                };
                self.pos = end + 2;
                continue;
            }
            // A start tag: find its `>` outside quoted attribute values.
            let mut parser = ElementParser::default();
            let Some(i) = parser.feed(&bytes[at + 1..]) else {
                return Err(self.error(ErrorKind::Incomplete, at));
            };
            let gt = at + 1 + i;
            if self.check_tokens {
                self.count_element(i, at)?;
            }
            let mut tag = &input[at + 1..gt];
            let empty = tag.ends_with('/');
            if empty {
                tag = &tag[..tag.len() - 1];
            }
            let name_len = tag.bytes().position(|b| is_space(b) || b == b'/').unwrap_or(tag.len());
            let name = &tag[..name_len];
            if name.is_empty() || name.bytes().any(|b| matches!(b, b'<' | b'>' | b'"' | b'\'' | b'=' | b'&')) {
                return Err(self.malformed(format!("bad start tag {:?}", &input[at..=gt]), at));
            }
            self.pos = gt + 1;
            self.check_chars(tag, at + 1, true);
            return Ok(Event::Start(Start { name, tag, empty, offset: at, end: gt + 1 }));
        }
    }

    /// The next piece of `parent`'s content, or `None` after its end tag.
    pub fn next_content(&mut self, parent: &Start<'a>) -> Result<Option<Content<'a>>, DecodeError> {
        if parent.empty {
            return Ok(None);
        }
        // A parent with an empty `tag` stands for content on its own (`RawXml::decode_content`):
        // the end of input ends it, and it has no end tag.
        let fragment = parent.tag.is_empty();
        match self.next_event()? {
            Event::Start(s) => Ok(Some(Content::Child(s))),
            Event::Text(t, at) => Ok(Some(Content::Text(t, at))),
            Event::CData(t, at) => Ok(Some(Content::CData(t, at))),
            Event::Eof if fragment => Ok(None),
            Event::End(name, at) if fragment => {
                Err(self.malformed(format!("end tag </{name}> without a start tag"), at))
            }
            Event::End(name, _) if name == parent.name => Ok(None),
            Event::End(name, at) => Err(self.malformed(format!("expected </{}>, found </{name}>", parent.name), at)),
            Event::Eof => Err(self.error(ErrorKind::Incomplete, self.input.len())),
        }
    }

    /// The next child element of `parent`, or `None` after its end tag. Text between
    /// children is skipped (a deviation in strict mode unless it is whitespace).
    pub fn next_child(&mut self, parent: &Start<'a>) -> Result<Option<Start<'a>>, DecodeError> {
        loop {
            match self.next_content(parent)? {
                None => return Ok(None),
                Some(Content::Child(s)) => return Ok(Some(s)),
                Some(Content::Text(t, at)) => {
                    if !is_blank(t) {
                        self.tolerated(|d| {
                            d.error(ErrorKind::Constraint(format!("unexpected text in <{}>", parent.name)), at)
                        });
                    }
                }
                Some(Content::CData(t, at)) => {
                    if !t.is_empty() {
                        self.tolerated(|d| {
                            d.error(ErrorKind::Constraint(format!("unexpected CDATA in <{}>", parent.name)), at)
                        });
                    }
                }
            }
        }
    }

    /// Whether the element `start` (a nillable element, entered) says `xsi:nil="true"`: then
    /// it is null, and its content, which must be empty, has been consumed (content there is a
    /// deviation in strict mode). The prefix is matched by namespace where names are resolved,
    /// as written (`xsi:`) where they are not.
    pub fn nil(&mut self, start: &Start<'a>) -> Result<bool, DecodeError> {
        if !start.tag.contains("nil") {
            return Ok(false);
        }
        let mut attrs = self.attributes(start);
        let mut nil = false;
        while let Some(a) = self.next_attribute(&mut attrs)? {
            let Some((prefix, "nil")) = a.name.split_once(':') else { continue };
            let xsi = match self.namespaces {
                true => self.scope.iter().rev().find(|d| d.prefix == prefix).is_some_and(|d| d.uri == XSI),
                false => prefix == "xsi",
            };
            if xsi {
                nil = matches!(a.value.trim_matches(is_space_char), "true" | "1");
            }
        }
        if !nil {
            return Ok(false);
        }
        let content = self.raw(start)?;
        if !content.as_str().trim_matches(is_space_char).is_empty() {
            let name = start.name;
            self.tolerated(|d| {
                d.error(ErrorKind::Constraint(format!("<{name}> is nil (xsi:nil) but has content")), start.end)
            });
        }
        Ok(true)
    }

    /// A nillable element's value: null where [`Decoder::nil`] says so, else what `f` reads.
    pub fn nillable<T>(
        &mut self,
        start: &Start<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<T, DecodeError>,
    ) -> Result<crate::cbor::Nullable<T>, DecodeError> {
        if self.nil(start)? {
            return Ok(crate::cbor::Nullable::Null);
        }
        f(self, start).map(crate::cbor::Nullable::Value)
    }

    /// [`Decoder::nillable`] for an optional element of simple type, which `f` reads as absent
    /// when empty.
    pub fn opt_nillable<T>(
        &mut self,
        start: &Start<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<Option<T>, DecodeError>,
    ) -> Result<Option<crate::cbor::Nullable<T>>, DecodeError> {
        if self.nil(start)? {
            return Ok(Some(crate::cbor::Nullable::Null));
        }
        f(self, start).map(|v| v.map(crate::cbor::Nullable::Value))
    }

    /// Skips the element `start` with its whole subtree.
    pub fn skip(&mut self, start: &Start<'a>) -> Result<(), DecodeError> {
        self.raw_span(start, false).map(drop)
    }

    /// The content of `start`; `on_stack` when the caller pushed `start` already (a field's
    /// decoder), so errors inside name it once.
    fn raw_span(&mut self, start: &Start<'a>, on_stack: bool) -> Result<&'a str, DecodeError> {
        if start.empty {
            return Ok("");
        }
        let base = self.depth;
        let result = self.raw_span_inner(start, on_stack);
        self.depth = base;
        result
    }

    fn raw_span_inner(&mut self, start: &Start<'a>, on_stack: bool) -> Result<&'a str, DecodeError> {
        if !on_stack {
            self.push(start.name, None, start.offset)?;
        }
        let base = self.depth - 1;
        loop {
            match self.next_event()? {
                Event::Start(s) => {
                    if !s.empty {
                        self.push(s.name, None, s.offset)?;
                    }
                }
                Event::Eof if start.tag.is_empty() && self.depth == base + 1 => {
                    return Ok(&self.input[start.end..]);
                }
                Event::End(name, at) if start.tag.is_empty() && self.depth == base + 1 => {
                    return Err(self.malformed(format!("end tag </{name}> without a start tag"), at));
                }
                Event::End(name, at) => {
                    let open = self.stack[self.depth - 1].name;
                    if name != open {
                        return Err(self.malformed(format!("expected </{open}>, found </{name}>"), at));
                    }
                    self.pop();
                    if self.depth == base {
                        return Ok(&self.input[start.end..at]);
                    }
                }
                Event::Text(..) | Event::CData(..) => {}
                Event::Eof => return Err(self.error(ErrorKind::Incomplete, self.input.len())),
            }
        }
    }

    /// The raw content of `start`, byte for byte.
    ///
    /// Characters XML forbids (`&#1;`, `&#xFFFE;`, raw control characters) are a deviation in
    /// strict mode; lenient mode replaces them with U+FFFD so the span never writes back as
    /// XML that is not well-formed.
    pub fn raw(&mut self, start: &Start<'a>) -> Result<RawXml<'a>, DecodeError> {
        // Pushed already when a field's decoder runs it: the frame names this very tag.
        let on_stack = self.depth > 0 && std::ptr::eq(self.stack[self.depth - 1].name.as_ptr(), start.name.as_ptr());
        let span = self.raw_span(start, on_stack)?;
        if forbidden_char(span, true).is_none() {
            return Ok(RawXml(Cow::Borrowed(span)));
        }
        Ok(RawXml(Cow::Owned(replace_forbidden(span))))
    }

    /// Expands entities and normalises line ends of a raw text run.
    pub fn unescape(&self, raw: &'a str, offset: usize) -> Result<Cow<'a, str>, DecodeError> {
        let bad = |e: quick_xml::escape::EscapeError| self.malformed(format!("bad reference in text: {e}"), offset);
        if !raw.contains('\r') {
            if !raw.contains('&') {
                return Ok(Cow::Borrowed(raw));
            }
            return quick_xml::escape::unescape(raw).map_err(bad);
        }
        let normalized = raw.replace("\r\n", "\n").replace('\r', "\n");
        match quick_xml::escape::unescape(&normalized) {
            Ok(Cow::Borrowed(_)) => Ok(Cow::Owned(normalized)),
            Ok(Cow::Owned(s)) => Ok(Cow::Owned(s)),
            Err(e) => Err(bad(e)),
        }
    }

    /// Appends a piece of text to `acc`, borrowing while there is only one piece.
    pub fn append_text(acc: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
        match acc {
            None => *acc = Some(piece),
            Some(_) if piece.is_empty() => {}
            Some(a) if a.is_empty() => *a = piece,
            Some(a) => a.to_mut().push_str(&piece),
        }
    }

    /// The text content of `start` (entities expanded, child elements skipped: a deviation in
    /// strict mode).
    pub fn text(&mut self, start: &Start<'a>) -> Result<Cow<'a, str>, DecodeError> {
        let mut acc = None;
        while let Some(c) = self.next_content(start)? {
            match c {
                Content::Text(raw, at) => {
                    let piece = self.unescape(raw, at)?;
                    Self::append_text(&mut acc, piece);
                }
                Content::CData(t, _) => Self::append_text(&mut acc, Cow::Borrowed(t)),
                Content::Child(child) => {
                    self.tolerated(|d| {
                        d.error_in(
                            child.name,
                            None,
                            ErrorKind::UnexpectedType { expected: "text", found: format!("element <{}>", child.name) },
                            child.offset,
                        )
                    });
                    self.skip(&child)?;
                }
            }
        }
        Ok(acc.unwrap_or(Cow::Borrowed("")))
    }

    /// A text value: the content of `start` parsed as `T`.
    pub fn value<T: XmlText<'a>>(&mut self, start: &Start<'a>) -> Result<T, DecodeError> {
        let text = self.text(start)?;
        self.parse_text(text, start.end)
    }

    /// A text value of an optional element: `None` when the element is empty and empty means
    /// absent for `T` (a deviation in strict mode).
    pub fn opt_value<T: XmlText<'a>>(&mut self, start: &Start<'a>) -> Result<Option<T>, DecodeError> {
        let text = self.text(start)?;
        if T::EMPTY_IS_ABSENT && is_blank(&text) {
            self.tolerated(|d| d.error(ErrorKind::InvalidValue("empty value".into()), start.end));
            return Ok(None);
        }
        self.parse_text(text, start.end).map(Some)
    }

    /// The text of an optional element whose declaration has a default, as `T`: empty, the
    /// default applies (absent, no deviation), as XML Schema says.
    pub fn opt_default<T: XmlText<'a>>(&mut self, start: &Start<'a>) -> Result<Option<T>, DecodeError> {
        let text = self.text(start)?;
        if text.is_empty() {
            return Ok(None);
        }
        self.parse_text(text, start.end).map(Some)
    }

    /// Parses text found at `offset` as `T`; errors carry the current path.
    pub fn parse_text<T: XmlText<'a>>(&mut self, text: Cow<'a, str>, offset: usize) -> Result<T, DecodeError> {
        let value = T::from_text(text).map_err(|e| {
            let at = offset.saturating_add(e.offset());
            self.error(e.kind().clone(), at)
        })?;
        // Only strict mode reports a kept invalid value (finding out why means parsing again).
        if self.mode == Mode::Strict {
            if let Some(e) = value.deviation() {
                let e = self.error(e.kind().clone(), offset.saturating_add(e.offset()));
                self.record(e);
            }
        }
        Ok(value)
    }
}
