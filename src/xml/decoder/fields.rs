//! What generated decoders collect fields with: attributes, child elements in and out of
//! schema order, kept elements, and the checks on finishing.

use std::borrow::Cow;
use std::fmt;

use super::super::escape::{forbidden_char, replace_forbidden};
use super::super::tokens::is_blank;
use quick_xml::events::attributes::Attributes;

use super::{abandoned, error_hash, Decoder};
use crate::error::{DecodeError, ErrorKind};
use crate::xml::{Attr, AttrIter, Content, Mode, RawXml, Start, UnknownElement, UnknownElements, XmlText};

/// A field value being collected by a generated decoder: empty, set, or failed (the failure
/// was recorded as a deviation in strict mode).
#[derive(Debug)]
pub enum Slot<T> {
    /// Not seen.
    Empty,
    /// Seen and decoded.
    Set(T),
    /// Seen, did not decode; the deviation is recorded.
    Failed,
}

impl<T> Slot<T> {
    /// True when nothing was seen yet.
    pub fn is_empty(&self) -> bool {
        matches!(self, Slot::Empty)
    }
}

/// The values of a repeated field being collected.
#[derive(Debug)]
pub struct Many<T> {
    items: Vec<T>,
    seen: usize,
    failed: bool,
}

impl<T> Many<T> {
    /// None yet; allocates nothing.
    pub fn new() -> Self {
        Many { items: Vec::new(), seen: 0, failed: false }
    }

    /// True when nothing was seen yet (as [`Slot::is_empty`]).
    pub fn is_empty(&self) -> bool {
        self.seen == 0
    }
}

impl<T> Default for Many<T> {
    fn default() -> Self {
        Many::new()
    }
}

/// Schema-order bookkeeping for strict mode: the position of the last child element seen.
#[derive(Debug, Clone, Copy, Default)]
pub struct Order {
    pos: usize,
    run: Option<usize>,
    name: &'static str,
}

/// The first unknown child element of an element (for reporting an unknown message).
pub type Unknown<'a> = Option<(&'a str, usize)>;

/// What a generated decoder collects besides its fields: the children it keeps although its
/// type does not take them in (when the type has [`UnknownElements`]), how many known children
/// it has taken (their position), and the first unknown child.
#[derive(Debug)]
pub struct Kept<'a> {
    elements: UnknownElements<'a>,
    keep: bool,
    /// The schema allows other elements here (`xs:any`): they are content, not deviations.
    open: bool,
    /// The namespaces those may be of (empty: any).
    wildcards: &'static [Wildcard],
    known: usize,
    first: Unknown<'a>,
}

impl<'a> Kept<'a> {
    /// Nothing yet; `keep`: the type keeps unknown and surplus children (lenient mode only).
    /// Allocates nothing.
    pub const fn new(keep: bool) -> Self {
        Kept { elements: UnknownElements::new(), keep, open: false, wildcards: &[], known: 0, first: None }
    }

    /// For a type whose schema allows elements it does not name (`xs:any`): they are kept in
    /// strict mode too, and are no deviation. Allocates nothing.
    pub const fn open() -> Self {
        Kept::open_to(&[])
    }

    /// [`Kept::open`] for `xs:any`s that take elements of some namespaces only: an element
    /// none of `wildcards` takes is kept all the same (nothing is lost) and strict mode
    /// reports it. In a schema without namespaces (the decoder does not track them) every
    /// element is taken.
    pub const fn open_to(wildcards: &'static [Wildcard]) -> Self {
        Kept { elements: UnknownElements::new(), keep: true, open: true, wildcards, known: 0, first: None }
    }

    /// The first unknown child (for [`Decoder::finish_choice`]).
    pub fn first(&self) -> Unknown<'a> {
        self.first
    }

    /// Where the next piece of content stands: how many known children and how many kept
    /// ones came before it (for [`crate::xml::MixedText::push`]).
    pub fn place(&self) -> (usize, usize) {
        (self.known, self.elements.0.len())
    }

    /// The kept children.
    pub fn into_elements(self) -> UnknownElements<'a> {
        self.elements
    }
}

impl<'a> Decoder<'a> {
    // ---- attributes -----------------------------------------------------------------------

    /// The attributes of `start`, for [`Decoder::next_attribute`].
    pub fn attributes(&self, start: &Start<'a>) -> AttrIter<'a> {
        let mut attrs = Attributes::new(start.tag, start.name.len().min(start.tag.len()));
        attrs.with_checks(false);
        AttrIter { attrs, element: start.name, offset: start.offset }
    }

    /// The next attribute, normalised; malformed attributes are an error.
    pub fn next_attribute(&self, iter: &mut AttrIter<'a>) -> Result<Option<Attr<'a>>, DecodeError> {
        crate::work::add(1);
        let offset = iter.offset;
        match iter.attrs.next() {
            None => Ok(None),
            Some(Ok(a)) => {
                let name = a.key.into_inner();
                match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                    Ok(value) => Ok(Some(Attr { name, value, offset })),
                    Err(e) => {
                        Err(self.error_in(name, None, ErrorKind::Malformed(format!("attribute value: {e}")), offset))
                    }
                }
            }
            Some(Err(e)) => Err(self.malformed(format!("attributes of <{}>: {e}", iter.element), offset)),
        }
    }

    /// Decodes an attribute into its slot.
    pub fn attribute<T: XmlText<'a>>(
        &mut self,
        slot: &mut Slot<T>,
        name: &'static str,
        attr: Attr<'a>,
    ) -> Result<(), DecodeError> {
        if !slot.is_empty() {
            let e = self.error_in(name, None, ErrorKind::DuplicateField(name), attr.offset);
            return Err(e);
        }
        if T::EMPTY_IS_ABSENT && is_blank(&attr.value) {
            let e = self.error_in(name, None, ErrorKind::InvalidValue("empty value".into()), attr.offset);
            self.recover(e)?;
            *slot = Slot::Failed;
            return Ok(());
        }
        match T::from_text(attr.value) {
            Ok(v) => {
                if self.mode == Mode::Strict {
                    if let Some(e) = v.deviation() {
                        let e = self.error_in(name, None, e.kind().clone(), attr.offset);
                        self.record(e);
                    }
                }
                *slot = Slot::Set(v);
            }
            Err(e) => {
                let e = self.error_in(name, None, e.kind().clone(), attr.offset);
                self.recover(e)?;
                *slot = Slot::Failed;
            }
        }
        Ok(())
    }

    /// Whether the attribute `a` is `local` in namespace `ns` (an attribute of another
    /// namespace the schema declares: `tts:textAlign`), whatever prefix the document binds to
    /// it. Unprefixed attributes are in no namespace.
    pub fn attribute_in(&self, a: &Attr<'a>, ns: &str, local: &str) -> bool {
        let Some((prefix, l)) = a.name.split_once(':') else { return false };
        if l != local {
            return false;
        }
        match prefix {
            "xml" => ns == "http://www.w3.org/XML/1998/namespace",
            "xmlns" => false,
            p => self.scope.iter().rev().find(|d| d.prefix == p).is_some_and(|d| d.uri == ns),
        }
    }

    /// An attribute the schema does not define: ignored (a deviation in strict mode, except
    /// namespace declarations and `xml:`/`xsi:` attributes).
    pub fn unknown_attribute(&mut self, attr: &Attr<'a>) {
        let name = attr.name;
        if name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xml:") || name.starts_with("xsi:") {
            return;
        }
        self.tolerated(|d| {
            d.error_in(
                name,
                None,
                ErrorKind::UnexpectedType {
                    expected: "an attribute the schema defines",
                    found: format!("attribute {name:?}"),
                },
                attr.offset,
            )
        });
    }

    /// Checks the attributes of an element whose type has none: each is an unknown attribute.
    pub fn no_attributes(&mut self, start: &Start<'a>) -> Result<(), DecodeError> {
        if !start.has_attributes() {
            return Ok(());
        }
        let mut attrs = self.attributes(start);
        while let Some(a) = self.next_attribute(&mut attrs)? {
            self.unknown_attribute(&a);
        }
        Ok(())
    }

    // ---- child elements -------------------------------------------------------------------

    /// Strict: records an element out of schema order (`pos` is the field's position).
    ///
    /// `run` is the first position of the run of consecutive repeated fields the field
    /// belongs to, if it is in one: a repeated sequence of several elements (roAck's
    /// `(storyID, itemID, objID, itemChannel?, status)*`) reaches the IR as one repeated field
    /// per element, so going back to the first field of the run starts the next repetition.
    pub fn order(&mut self, order: &mut Order, pos: usize, run: Option<usize>, name: &'static str, child: &Start<'a>) {
        let restart = run == Some(pos) && order.run == run;
        if pos >= order.pos || restart {
            *order = Order { pos, run, name };
            return;
        }
        let prev = order.name;
        self.tolerated(|d| {
            d.error_in(
                child.name,
                None,
                ErrorKind::Constraint(format!("element <{name}> out of order: the schema puts it before <{prev}>")),
                child.offset,
            )
        });
    }

    /// An element the schema does not know here: kept in lenient mode if the type keeps
    /// unknown elements, otherwise skipped with its subtree (a deviation in strict mode). The
    /// first one is remembered in `kept`.
    pub fn unknown(&mut self, child: &Start<'a>, kept: &mut Kept<'a>) -> Result<(), DecodeError> {
        if kept.first.is_none() {
            kept.first = Some((child.name, child.offset));
        }
        if kept.open {
            if !kept.wildcards.is_empty() && self.tracks_namespaces() {
                let (ns, _) = self.resolve(child)?;
                if !kept.wildcards.iter().any(|w| w.takes(ns.as_deref())) {
                    let found = match &ns {
                        Some(ns) => format!("<{}> of the namespace {ns}", child.name),
                        None => format!("<{}> of no namespace", child.name),
                    };
                    self.tolerated(|d| {
                        d.error_in(
                            child.name,
                            None,
                            ErrorKind::UnexpectedType {
                                expected: "an element of a namespace xs:any takes here",
                                found,
                            },
                            child.offset,
                        )
                    });
                }
            }
            self.skip(child)?;
            let xml = RawXml(Cow::Borrowed(&self.input[child.offset..self.pos]));
            kept.elements.0.push(UnknownElement { position: kept.known, xml });
            return Ok(());
        }
        self.tolerated(|d| {
            d.error_in(
                child.name,
                None,
                ErrorKind::UnexpectedType {
                    expected: "an element the schema defines here",
                    found: format!("unknown element <{}>", child.name),
                },
                child.offset,
            )
        });
        self.keep_or_skip(child, kept)
    }

    /// [`Decoder::next_child`] for a type that keeps what it does not take in: text where the
    /// schema allows none (not mixed) is kept among `kept`'s elements in lenient mode, byte for
    /// byte and in its place, instead of dropped; strict mode reports it as `next_child` does.
    pub fn next_kept_child(
        &mut self,
        parent: &Start<'a>,
        kept: &mut Kept<'a>,
    ) -> Result<Option<Start<'a>>, DecodeError> {
        loop {
            let (span, what) = match self.next_content(parent)? {
                None => return Ok(None),
                Some(Content::Child(s)) => return Ok(Some(s)),
                Some(Content::Text(t, _)) if is_blank(t) => continue,
                Some(Content::CData("", _)) => continue,
                Some(Content::Text(t, at)) => ((at, at + t.len()), "text"),
                // The span from `<![CDATA[` to `]]>`.
                Some(Content::CData(t, at)) => ((at, at + 9 + t.len() + 3), "CDATA"),
            };
            let (from, to) = span;
            self.tolerated(|d| d.error(ErrorKind::Constraint(format!("unexpected {what} in <{}>", parent.name)), from));
            if kept.keep && self.mode == Mode::Lenient {
                let raw = &self.input[from..to];
                let xml = match forbidden_char(raw, true) {
                    None => RawXml(Cow::Borrowed(raw)),
                    Some(_) => RawXml(Cow::Owned(replace_forbidden(raw))),
                };
                kept.elements.0.push(UnknownElement { position: kept.known, xml });
            }
        }
    }

    /// Reads the element `child` whole: kept (lenient mode, a type that keeps) or skipped.
    fn keep_or_skip(&mut self, child: &Start<'a>, kept: &mut Kept<'a>) -> Result<(), DecodeError> {
        self.skip(child)?;
        if kept.keep && self.mode == Mode::Lenient {
            // After the skip the decoder stands right after the end tag (or the `/>`).
            let span = &self.input[child.offset..self.pos];
            // As in `raw`: a character XML forbids never goes back out (fuzz/regressions/mos).
            let xml = match forbidden_char(span, true) {
                None => RawXml(Cow::Borrowed(span)),
                Some(_) => RawXml(Cow::Owned(replace_forbidden(span))),
            };
            kept.elements.0.push(UnknownElement { position: kept.known, xml });
        }
        Ok(())
    }

    /// One more of an element than the schema allows: kept (lenient, a type that keeps), a
    /// deviation (strict), or an error.
    fn surplus(&mut self, kind: ErrorKind, child: &Start<'a>, kept: &mut Kept<'a>) -> Result<(), DecodeError> {
        let e = self.error_in(child.name, None, kind, child.offset);
        if !kept.keep {
            self.deviation(e)?;
        } else if self.mode == Mode::Strict {
            self.record(e);
        }
        self.keep_or_skip(child, kept)
    }

    /// Decodes a single (required or optional) child element into its slot.
    pub fn one<T>(
        &mut self,
        slot: &mut Slot<T>,
        name: &'static str,
        child: &Start<'a>,
        kept: &mut Kept<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<T, DecodeError>,
    ) -> Result<(), DecodeError> {
        if !slot.is_empty() {
            return self.surplus(ErrorKind::DuplicateField(name), child, kept);
        }
        self.enter(child, None)?;
        let r = f(self, child);
        self.pop();
        match r {
            Ok(v) => {
                *slot = Slot::Set(v);
                kept.known += 1;
            }
            Err(e) => {
                self.recover(e)?;
                *slot = Slot::Failed;
            }
        }
        Ok(())
    }

    /// [`Decoder::one`] for decoders that may find the element empty, meaning absent.
    pub fn one_opt<T>(
        &mut self,
        slot: &mut Slot<T>,
        name: &'static str,
        child: &Start<'a>,
        kept: &mut Kept<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<Option<T>, DecodeError>,
    ) -> Result<(), DecodeError> {
        if !slot.is_empty() {
            return self.surplus(ErrorKind::DuplicateField(name), child, kept);
        }
        self.enter(child, None)?;
        let r = f(self, child);
        self.pop();
        match r {
            Ok(Some(v)) => {
                *slot = Slot::Set(v);
                kept.known += 1;
            }
            Ok(None) => {}
            Err(e) => {
                self.recover(e)?;
                *slot = Slot::Failed;
            }
        }
        Ok(())
    }

    /// Decodes one occurrence of a repeated child element. Beyond `max`, lenient decoding of a
    /// type that keeps unknown elements keeps it instead (strict mode counts it and reports the
    /// count).
    pub fn many<T>(
        &mut self,
        many: &mut Many<T>,
        child: &Start<'a>,
        max: Option<u64>,
        kept: &mut Kept<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<T, DecodeError>,
    ) -> Result<(), DecodeError> {
        let full = max.is_some_and(|m| many.seen as u64 >= m);
        if full && kept.keep && self.mode == Mode::Lenient {
            return self.keep_or_skip(child, kept);
        }
        let index = many.seen;
        many.seen += 1;
        self.enter(child, Some(index))?;
        let r = f(self, child);
        self.pop();
        match r {
            Ok(v) => {
                many.items.push(v);
                kept.known += 1;
            }
            Err(e) => {
                self.recover(e)?;
                many.failed = true;
            }
        }
        Ok(())
    }

    /// Runs a decoder for one element (for generated code that holds a decoder function).
    pub fn apply<T>(
        &mut self,
        start: &Start<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        f(self, start)
    }

    /// Decodes one occurrence of a list alternative of a choice field: consecutive elements
    /// of the same alternative go into one list (`take` finds it in the choice, `wrap` makes a
    /// new choice from a list). Another alternative after it is a repeated field.
    // Only generated code calls it; bundling the arguments would just move them into a struct.
    #[allow(clippy::too_many_arguments)]
    pub fn choice_item<C, T>(
        &mut self,
        slot: &mut Slot<C>,
        name: &'static str,
        child: &Start<'a>,
        kept: &mut Kept<'a>,
        take: impl Fn(&mut C) -> Option<&mut Vec<T>>,
        wrap: impl FnOnce(Vec<T>) -> C,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<T, DecodeError>,
    ) -> Result<(), DecodeError> {
        let index = match slot {
            Slot::Empty => Some(0),
            Slot::Set(c) => match take(c) {
                Some(items) => Some(items.len()),
                None => return self.surplus(ErrorKind::DuplicateField(name), child, kept),
            },
            Slot::Failed => None,
        };
        self.enter(child, index)?;
        let r = f(self, child);
        self.pop();
        match (r, &mut *slot) {
            // The list is one value to the encoder: it counts once among the known children.
            (Ok(v), Slot::Empty) => {
                *slot = Slot::Set(wrap(vec![v]));
                kept.known += 1;
            }
            (Ok(v), Slot::Set(c)) => {
                // `take` matched above, so this alternative is the one in the slot.
                if let Some(items) = take(c) {
                    items.push(v);
                }
            }
            (Ok(_), Slot::Failed) => {}
            (Err(e), _) => {
                self.recover(e)?;
                *slot = Slot::Failed;
            }
        }
        Ok(())
    }

    /// The content of an element whose type is a text value with attributes (simple content).
    pub fn content<T>(
        &mut self,
        start: &Start<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<T, DecodeError>,
    ) -> Result<Slot<T>, DecodeError> {
        match f(self, start) {
            Ok(v) => Ok(Slot::Set(v)),
            Err(e) => {
                self.recover(e)?;
                Ok(Slot::Failed)
            }
        }
    }

    /// [`Decoder::content`] for optional content that may be empty, meaning absent.
    pub fn content_opt<T>(
        &mut self,
        start: &Start<'a>,
        f: impl FnOnce(&mut Self, &Start<'a>) -> Result<Option<T>, DecodeError>,
    ) -> Result<Slot<T>, DecodeError> {
        match f(self, start) {
            Ok(Some(v)) => Ok(Slot::Set(v)),
            Ok(None) => Ok(Slot::Empty),
            Err(e) => {
                self.recover(e)?;
                Ok(Slot::Failed)
            }
        }
    }

    /// The text collected from mixed content, parsed as `T` (`optional`: empty is absent).
    pub fn text_content<T: XmlText<'a>>(
        &mut self,
        text: Option<Cow<'a, str>>,
        start: &Start<'a>,
        optional: bool,
    ) -> Result<Slot<T>, DecodeError> {
        let text = text.unwrap_or(Cow::Borrowed(""));
        if optional && T::EMPTY_IS_ABSENT && is_blank(&text) {
            return Ok(Slot::Empty);
        }
        match self.parse_text(text, start.end) {
            Ok(v) => Ok(Slot::Set(v)),
            Err(e) => {
                self.recover(e)?;
                Ok(Slot::Failed)
            }
        }
    }

    // ---- finishing ------------------------------------------------------------------------

    /// A required field's value, or the error for its absence.
    #[inline]
    pub fn finish_one<T>(&mut self, slot: Slot<T>, name: &'static str, parent: &Start<'a>) -> Result<T, DecodeError> {
        match slot {
            Slot::Set(v) => Ok(v),
            Slot::Failed => Err(abandoned()),
            Slot::Empty => {
                let e = self.error(ErrorKind::MissingField(name), parent.offset);
                if self.mode == Mode::Strict {
                    self.record(e.clone());
                }
                Err(e)
            }
        }
    }

    /// A required one-of-several field: like [`Decoder::finish_one`], except that when it is
    /// missing and `messages` is set, an unknown element in its place is reported as an
    /// unknown message.
    pub fn finish_choice<T>(
        &mut self,
        slot: Slot<T>,
        name: &'static str,
        unknown: Unknown<'a>,
        messages: bool,
        parent: &Start<'a>,
    ) -> Result<T, DecodeError> {
        // The slot is not moved on the way (a message choice is large: each move is a memcpy).
        if let (true, true, Some((tag, at))) = (messages, slot.is_empty(), unknown) {
            return Err(self.unknown_message(tag, at));
        }
        self.finish_one(slot, name, parent)
    }

    /// The error for an unknown element where a message was expected.
    #[cold]
    #[inline(never)]
    fn unknown_message(&mut self, tag: &str, at: usize) -> DecodeError {
        let e = self.error(ErrorKind::UnknownMessage(tag.to_owned()), at);
        if self.mode == Mode::Strict {
            // The unknown element deviation becomes this one.
            self.deviations.retain(|d| !(d.offset() == at && matches!(d.kind(), ErrorKind::UnexpectedType { .. })));
            self.recorded.clear();
            for (i, d) in self.deviations.iter().enumerate() {
                self.recorded.entry(error_hash(d)).or_default().push(i);
            }
            self.record(e.clone());
        }
        e
    }

    /// An optional field's value.
    pub fn finish_opt<T>(&mut self, slot: Slot<T>) -> Result<Option<T>, DecodeError> {
        match slot {
            Slot::Set(v) => Ok(Some(v)),
            Slot::Empty => Ok(None),
            Slot::Failed => Err(abandoned()),
        }
    }

    /// A repeated field's values, with its count checked against `min` and `max`.
    pub fn finish_many<T>(
        &mut self,
        many: Many<T>,
        name: &'static str,
        min: u64,
        max: Option<u64>,
        parent: &Start<'a>,
    ) -> Result<Vec<T>, DecodeError> {
        if many.failed {
            return Err(abandoned());
        }
        let n = many.seen as u64;
        let kind = if n == 0 && min > 0 {
            Some(ErrorKind::MissingField(name))
        } else if n < min {
            Some(ErrorKind::Constraint(format!("{n} <{name}> elements, at least {min} required")))
        } else {
            match max {
                Some(max) if n > max => {
                    Some(ErrorKind::Constraint(format!("{n} <{name}> elements, at most {max} allowed")))
                }
                _ => None,
            }
        };
        match kind {
            None => Ok(many.items),
            Some(kind) => {
                let e = self.error(kind, parent.offset);
                if self.mode == Mode::Strict {
                    self.record(e.clone());
                }
                Err(e)
            }
        }
    }

    /// Strict: records a length outside `min..=max` (characters or bytes, as `unit` says).
    pub fn check_len(&mut self, len: usize, min: u64, max: Option<u64>, unit: &str, offset: usize) {
        let len64 = len as u64;
        let bad = len64 < min || max.is_some_and(|m| len64 > m);
        if bad {
            let limit = match max {
                Some(m) if min > 0 => format!("{min} to {m}"),
                Some(m) => format!("at most {m}"),
                None => format!("at least {min}"),
            };
            self.tolerated(|d| d.error(ErrorKind::Constraint(format!("{len} {unit}, {limit} allowed")), offset));
        }
    }

    /// Strict only: records a deviation when `value` does not match `pattern` (an `xs:pattern`
    /// facet), unless the pattern uses what [`Pattern`](crate::xml::Pattern) does not implement.
    /// The IR does not carry the `whiteSpace` facet: a value that matches with its whitespace
    /// collapsed (as `xs:token` and its derivations are compared) is accepted too.
    pub fn check_pattern(&mut self, pattern: &crate::xml::Pattern, value: &str, offset: usize) {
        if self.mode != Mode::Strict || pattern.matches(value) != Some(false) {
            return;
        }
        let collapsed = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed != value && pattern.matches(&collapsed) == Some(true) {
            return;
        }
        let shown: String = value.chars().take(64).collect();
        let more = if shown.len() < value.len() { "…" } else { "" };
        let message = format!("{shown:?}{more} does not match the pattern {}", pattern.source());
        self.tolerated(|d| d.error(ErrorKind::Constraint(message), offset));
    }

    /// Runs checks on the value of the attribute `name` of the current element (start tag at
    /// `offset`), so that what they record names the attribute in its path.
    pub fn in_attribute(&mut self, name: &'a str, offset: usize, checks: impl FnOnce(&mut Self)) {
        if self.push(name, None, offset).is_ok() {
            checks(self);
            self.pop();
        }
    }

    /// Strict: records a number outside its range.
    pub fn check_range<T: PartialOrd + fmt::Display>(
        &mut self,
        v: T,
        min: Option<(T, bool)>,
        max: Option<(T, bool)>,
        offset: usize,
    ) {
        if let Err(kind) = crate::cbor::check_range(v, min, max) {
            self.tolerated(|d| d.error(kind, offset));
        }
    }
}

/// The namespaces an `xs:any` takes elements of, as generated code passes them to
/// [`Kept::open_to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wildcard {
    /// `##any`: every namespace, and none.
    Any,
    /// Elements of one of these namespaces (`""`: no namespace).
    In(&'static [&'static str]),
    /// `##other`: elements of a namespace, and not this one.
    Other(&'static str),
}

impl Wildcard {
    /// Whether an element of namespace `ns` (`None`: no namespace) is one the wildcard takes.
    pub fn takes(&self, ns: Option<&str>) -> bool {
        match *self {
            Wildcard::Any => true,
            Wildcard::In(list) => list.contains(&ns.unwrap_or("")),
            Wildcard::Other(target) => ns.is_some_and(|ns| ns != target),
        }
    }
}
