//! XML support for osmos-generated bindings (MOS): a zero-copy pull decoder over a UTF-8
//! `&'a str`, the traits generated types implement, and the writing helpers their encoders use.
//!
//! # Decoding
//!
//! Input is one XML document already in UTF-8 (MOS 2.x/4.0 traffic is transcoded once by
//! [`crate::mos::wire::to_utf8`]). Decoded values borrow from it: text is `Cow<'a, str>`,
//! borrowed unless entities had to be expanded (or line ends normalised, or a comment split
//! the text); raw content ([`RawXml`]) is always a borrowed byte-for-byte slice.
//!
//! Tokenising uses quick-xml's public pieces ([`quick_xml::parser::ElementParser`] to find the
//! end of a tag outside quoted attribute values, [`quick_xml::events::attributes::Attributes`]
//! for attributes and their normalisation, [`quick_xml::escape::unescape`] for entities) driven
//! by [`Decoder`] directly rather than through `quick_xml::Reader`: the reader records every
//! open element name in an internal `String`/`Vec` (even with `check_end_names` off), which
//! would make every decode allocate. The decoder keeps its own fixed-size element stack
//! instead, which also gives each error its path and caps nesting at [`MAX_DEPTH`].
//!
//! Two [`Mode`]s:
//! - [`Mode::Lenient`] follows the MOS spec's tolerance (SPEC285 §2.1, DESIGN.md "Wire rules"):
//!   unknown attributes are skipped; unknown child elements, and repeated elements beyond what
//!   the schema allows, are kept byte for byte in the struct's [`UnknownElements`] when it has
//!   one (generated MOS types all do) and skipped otherwise; elements are accepted in
//!   any order, an empty optional element of a typed value (number, time, enumeration) counts
//!   as absent, self-closing elements, whitespace, comments, a BOM and an XML declaration are
//!   fine, and the value types accept hex and zero-padded numbers and the other variants they
//!   document. Length limits are not enforced. What cannot be represented is still an error:
//!   a missing required element, an enumeration value outside the set, a value that does not
//!   parse, a repeated single element of a type that keeps no unknown elements, malformed XML,
//!   an unknown message.
//! - [`Mode::Strict`] reports every deviation from the schema — unknown elements and
//!   attributes, elements out of schema order, missing required elements, repeated single
//!   elements, element counts, length limits, enumeration values, empty typed values, stray
//!   text — and collects all of them ([`DecodeErrors`]) instead of stopping at the first.
//!   Only malformed XML stops it early.
//!
//! Every error is a [`DecodeError`] with the path of the element (`roCreate.story[2].storyID`,
//! indexes counting from 0) and the byte offset in the UTF-8 input.
//!
//! # Encoding
//!
//! [`XmlEncode`] writes an element into a `String`, in schema order and with nothing invented:
//! absent optional elements and empty repeated elements are not written; kept unknown elements
//! go back between the known ones where they came in ([`UnknownElements`]). Text and attribute
//! values are escaped (`&`, `<`, `>`, and `"`, tab, CR, LF in attributes, CR in text so that it
//! survives line-end normalisation); raw content is written back unchanged.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::attributes::Attributes;
use quick_xml::parser::{ElementParser, Parser};

use crate::cbor::IntoOwned;
use crate::error::{DecodeError, ErrorKind};
use crate::mos::value::{MessageId, MosDuration, MosNumber, MosTime, Trigger};

mod values;
pub use values::{Base64, DateTime, Decimal, GYear, TimeZone};

/// The deepest element nesting the decoder can follow (root included); [`crate::Limits::max_depth`]
/// sets a lower bound per decode.
pub const MAX_DEPTH: usize = 64;

/// The most namespace declarations in scope at once (real documents have a handful): name
/// lookups go through them, so a bound keeps decoding linear.
pub const MAX_NAMESPACES: usize = 64;

// ---------------------------------------------------------------------------------------------
// Values

/// Raw XML content (`mosPayload`, `mosAbstract`, `xs:any`): the exact text between an
/// element's start and end tags, markup, entities, whitespace and attributes untouched.
///
/// Decoded, it borrows the input byte for byte; encoding writes it back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RawXml<'a>(pub Cow<'a, str>);

impl<'a> RawXml<'a> {
    /// Wraps XML text. It is written as is: it must be well-formed content.
    pub fn new(xml: impl Into<Cow<'a, str>>) -> Self {
        RawXml(xml.into())
    }

    /// The XML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the element had no content.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for RawXml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl IntoOwned for RawXml<'_> {
    type Owned = RawXml<'static>;
    fn into_owned(self) -> RawXml<'static> {
        RawXml(IntoOwned::into_owned(self.0))
    }
}

impl<'a> RawXml<'a> {
    /// Decodes the content as the content of an element `<tag>` of type `T`: a vendor's
    /// `mosPayload` (several child elements, perhaps text) read into a `#[derive(osmos::Element)]`
    /// struct whose fields are those children. `tag` only names the element in error paths.
    ///
    /// `T` borrows from this value. Error offsets count from the start of the content.
    pub fn decode_content<'s, T: XmlDecode<'s>>(&'s self, tag: &'static str, mode: Mode) -> Result<T, DecodeErrors> {
        let content: &'s str = &self.0;
        let mut d = Decoder::new(content, mode);
        // The content has no tags of its own: a start tag of that name with nothing in it and
        // an empty `tag` text stands for it, and the end of input is its end (`next_content`).
        let start = Start { name: tag, tag: "", empty: false, offset: 0, end: 0 };
        let result = d.push(tag, None, 0).and_then(|()| T::decode_element(&mut d, &start));
        d.pop();
        finish_document(&mut d, result)
    }

    /// Decodes the content as one element of type `T` (a payload that is a single vendor
    /// element, `<myGraphic>…</myGraphic>`); whitespace and comments may surround it.
    pub fn decode_element<'s, T: XmlDecode<'s>>(&'s self, mode: Mode) -> Result<T, DecodeErrors> {
        decode_document(&self.0, mode, None, false, T::decode_element)
    }

    /// The children, attributes dropped, of `value` encoded as an element: the inverse of
    /// [`RawXml::decode_content`].
    pub fn from_content<T: XmlEncode>(value: &T) -> RawXml<'static> {
        let mut out = String::new();
        value.encode_element("x", &mut out);
        // `<x …>content</x>` or `<x …/>`; attribute values have `>` escaped, so the first `>`
        // ends the start tag.
        let content = match out.strip_suffix("</x>") {
            Some(body) => body.find('>').map_or("", |gt| &body[gt + 1..]).to_owned(),
            None => String::new(),
        };
        RawXml(Cow::Owned(content))
    }

    /// `value` encoded as the element `<tag>`: the inverse of [`RawXml::decode_element`].
    pub fn from_element<T: XmlEncode>(value: &T, tag: &str) -> RawXml<'static> {
        let mut out = String::new();
        value.encode_element(tag, &mut out);
        RawXml(Cow::Owned(out))
    }
}

/// Child elements of an element that its type does not take in — elements the schema does not
/// know there (a vendor's own), and repetitions of an element beyond what the schema allows (a
/// second `mosExternalMetadata` where one is allowed) — kept whole and byte for byte, each with
/// its place among the known children, so that decoding and encoding again passes them on
/// unchanged.
///
/// Empty, it allocates nothing. Only [`Mode::Lenient`] keeps elements; strict mode reports
/// each as a deviation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct UnknownElements<'a>(pub Vec<UnknownElement<'a>>);

/// One kept element (see [`UnknownElements`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownElement<'a> {
    /// How many known children came before it: the encoder writes it after that many. A run
    /// of elements that fill one value (consecutive elements of a list alternative of a
    /// choice) counts once, and an empty optional element that decoded as absent not at all,
    /// so the count means the same to the encoder, which writes values in schema order. An
    /// element that repeats a field (a second `<ncsID>`) goes back after that field even if
    /// the count says earlier (see [`UnknownWriter::known`]).
    pub position: usize,
    /// The whole element, from its start tag to its end tag.
    pub xml: RawXml<'a>,
}

impl<'a> UnknownElement<'a> {
    /// The element's name, prefix included (empty if `xml` does not start with a tag).
    pub fn name(&self) -> &str {
        let tag = self.xml.as_str().strip_prefix('<').unwrap_or("");
        let end = tag.find(|c: char| is_space_char(c) || c == '/' || c == '>').unwrap_or(tag.len());
        &tag[..end]
    }
}

impl<'a> UnknownElements<'a> {
    /// None kept.
    pub const fn new() -> Self {
        UnknownElements(Vec::new())
    }

    /// Whether none was kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many were kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The kept elements, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, UnknownElement<'a>> {
        self.0.iter()
    }

    /// A writer that puts the kept elements back between the known children. `field_of` maps
    /// an element name to the schema index of the field that takes such elements, if any (the
    /// generated encoder's table of its decoder's match arms; the last field for a name that
    /// several fields share).
    pub fn writer(&self, field_of: fn(&str) -> Option<usize>) -> UnknownWriter<'_, 'a> {
        UnknownWriter { items: &self.0, next: 0, written: 0, field_of }
    }
}

impl IntoOwned for UnknownElements<'_> {
    type Owned = UnknownElements<'static>;
    fn into_owned(self) -> UnknownElements<'static> {
        UnknownElements(
            self.0.into_iter().map(|e| UnknownElement { position: e.position, xml: e.xml.into_owned() }).collect(),
        )
    }
}

/// JSON: `[{"position": 2, "xml": "<vendor/>"}, …]`, so that the CLI's views stay lossless.
#[cfg(feature = "json")]
impl crate::json::ToJson for UnknownElements<'_> {
    fn to_json(&self) -> crate::json::Value {
        let items = self.0.iter().map(|e| {
            let mut m = crate::json::Map::new();
            m.insert("position".into(), crate::json::Value::from(e.position));
            m.insert("xml".into(), crate::json::Value::String(e.xml.as_str().to_owned()));
            crate::json::Value::Object(m)
        });
        crate::json::Value::Array(items.collect())
    }
}

#[cfg(feature = "json")]
impl crate::json::FromJson for UnknownElements<'_> {
    fn from_json(v: &crate::json::Value) -> Result<Self, DecodeError> {
        const WHAT: &str = "an array of {\"position\": n, \"xml\": \"<element/>\"}";
        let items = v.as_array().ok_or_else(|| crate::json::expected(WHAT, v))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let obj = crate::json::object(item, WHAT).map_err(|e| e.at_index(i))?;
            crate::json::deny_unknown(obj, &["position", "xml"]).map_err(|e| e.at_index(i))?;
            let position: u64 = crate::json::field(obj, "position").map_err(|e| e.at_index(i))?;
            let xml: RawXml<'_> = crate::json::field(obj, "xml").map_err(|e| e.at_index(i))?;
            let position = usize::try_from(position).map_err(|_| {
                DecodeError::new(ErrorKind::InvalidValue("position out of range".into()), 0).at_index(i)
            })?;
            out.push(UnknownElement { position, xml });
        }
        Ok(UnknownElements(out))
    }
}

/// Writes kept elements back in place (see [`UnknownElements::writer`]).
#[derive(Debug)]
pub struct UnknownWriter<'u, 'a> {
    items: &'u [UnknownElement<'a>],
    next: usize,
    written: usize,
    field_of: fn(&str) -> Option<usize>,
}

impl UnknownWriter<'_, '_> {
    /// Called before each known child value, with the schema index of its field (for a
    /// flattened repeated group, of the group's first field): writes the kept elements that
    /// came before it.
    ///
    /// A kept element named like a field at `field` or after it waits until that field has
    /// been written, and the kept elements after it wait with it (they stay in document
    /// order). Such an element is a repetition the decoder kept because the field was full
    /// (a second `<ncsID>`, a `<story>` beyond a maximum); its position counts the known
    /// children before it in the *input*, and when those came out of schema order it can be
    /// smaller than the field's place in the output. Written before the field, it would be
    /// taken as the field's value by the next decode and the value kept in its place, so
    /// decode→encode would not be a fixed point (fuzz/regressions/mos/
    /// mos-escaped-gt-not-a-fixed-point: a raw `>` and an escaped `&gt;` swapped places).
    pub fn known(&mut self, out: &mut String, field: usize) {
        self.flush(out, self.written, field);
        self.written += 1;
    }

    /// Writes the kept elements not written yet (after the last known child).
    pub fn rest(&mut self, out: &mut String) {
        // No field comes after the last: nothing waits.
        self.flush(out, usize::MAX, usize::MAX);
    }

    fn flush(&mut self, out: &mut String, upto: usize, field: usize) {
        // Positions are in document order, so they never decrease: one pass over the list.
        while let Some(e) = self.items.get(self.next) {
            if e.position > upto || (self.field_of)(e.name()).is_some_and(|f| f >= field) {
                break;
            }
            out.push_str(e.xml.as_str());
            self.next += 1;
        }
    }
}

/// The attributes of an element of a namespaced schema that no field takes: namespace
/// declarations (`xmlns:gpxx="…"`), attributes of other namespaces (`xsi:schemaLocation`,
/// `xml:lang`) and, leniently, unknown ones, in document order, kept so that encoding writes
/// them back (raw content and kept elements use the prefixes they declare).
///
/// A default namespace declaration (`xmlns="…"`) is kept but not written: the encoder declares
/// the schema's namespace on the root and writes its elements without prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct OtherAttributes<'a>(pub Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl OtherAttributes<'_> {
    /// None kept.
    pub const fn new() -> Self {
        OtherAttributes(Vec::new())
    }

    /// Whether none was kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of the attribute written `name` (prefix included).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| &**v)
    }

    /// Writes them into a start tag being written.
    pub fn write(&self, out: &mut String) {
        for (name, value) in &self.0 {
            if name != "xmlns" {
                attr(out, name, value);
            }
        }
    }
}

impl IntoOwned for OtherAttributes<'_> {
    type Owned = OtherAttributes<'static>;
    fn into_owned(self) -> OtherAttributes<'static> {
        OtherAttributes(self.0.into_iter().map(|(n, v)| (IntoOwned::into_owned(n), IntoOwned::into_owned(v))).collect())
    }
}

/// JSON: `{"xmlns:gpxx": "http://…", …}`.
#[cfg(feature = "json")]
impl crate::json::ToJson for OtherAttributes<'_> {
    fn to_json(&self) -> crate::json::Value {
        let m = self.0.iter().map(|(n, v)| (n.to_string(), crate::json::Value::String(v.to_string())));
        crate::json::Value::Object(m.collect())
    }
}

#[cfg(feature = "json")]
impl crate::json::FromJson for OtherAttributes<'_> {
    fn from_json(v: &crate::json::Value) -> Result<Self, DecodeError> {
        let obj = crate::json::object(v, "an object of attribute names and values")?;
        let mut out = Vec::with_capacity(obj.len());
        for (k, v) in obj {
            let value = v.as_str().ok_or_else(|| crate::json::expected("a string", v).in_field(k.clone()))?;
            out.push((Cow::Owned(k.clone()), Cow::Owned(value.to_owned())));
        }
        Ok(OtherAttributes(out))
    }
}

/// How forgiving decoding is; see the [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// The spec's tolerance: skip what is unknown, accept any order and empty optionals.
    #[default]
    Lenient,
    /// Report every deviation from the schema, all of them.
    Strict,
}

/// Every error of one decode: one for [`Mode::Lenient`] (it stops at the first), all the
/// deviations found for [`Mode::Strict`], in document order of discovery. Never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeErrors(Vec<DecodeError>);

impl DecodeErrors {
    /// The errors.
    pub fn errors(&self) -> &[DecodeError] {
        &self.0
    }

    /// The first error.
    pub fn first(&self) -> &DecodeError {
        &self.0[0]
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: there is at least one error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors, owned.
    pub fn into_vec(self) -> Vec<DecodeError> {
        self.0
    }
}

impl fmt::Display for DecodeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeErrors {}

impl From<DecodeErrors> for DecodeError {
    /// The first error.
    fn from(e: DecodeErrors) -> Self {
        e.0.into_iter().next().expect("DecodeErrors is never empty")
    }
}

impl IntoIterator for DecodeErrors {
    type Item = DecodeError;
    type IntoIter = std::vec::IntoIter<DecodeError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The row of a generated `MESSAGES` table for an XML schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageInfo {
    /// The element name of the message.
    pub element: &'static str,
    /// The Rust type's name.
    pub rust_name: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Traits

/// A type decoded from one XML element (generated structs, choices, every [`XmlText`] value
/// and [`RawXml`]).
pub trait XmlDecode<'a>: Sized {
    /// Decodes the element whose start tag `start` the decoder has just read, consuming its
    /// content and end tag. The element name has been matched by the caller.
    fn decode_element(d: &mut Decoder<'a>, start: &Start<'a>) -> Result<Self, DecodeError>;
}

/// A type written as one XML element.
pub trait XmlEncode {
    /// Appends the element `<tag …>…</tag>` (or `<tag/>` when it has no content). Choices
    /// and message enums use their own alternative's element name and ignore `tag`.
    fn encode_element(&self, tag: &str, out: &mut String);
}

/// A value written as text: element content or an attribute value (strings, numbers,
/// enumerations, the MOS value types).
pub trait XmlText<'a>: Sized {
    /// Whether an empty (or all-whitespace) optional element or attribute means "absent".
    /// True for typed values, false for strings, where empty text is a value.
    const EMPTY_IS_ABSENT: bool = true;

    /// Parses the text (entities already expanded). Error offsets are relative to the text.
    fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError>;

    /// The text form, unescaped.
    fn to_text(&self) -> Cow<'_, str>;

    /// Appends the text form through `escape` ([`escape_text`] or [`escape_attr`]). Types
    /// whose text is computed (numbers, times) write it in place instead of into a new
    /// `String`, so an encode allocates only its output.
    fn write_text(&self, out: &mut String, escape: fn(&mut String, &str)) {
        escape(out, &self.to_text());
    }

    /// For values kept although they do not parse ([`Lenient::Invalid`]): why they do not,
    /// offset relative to the text. Strict mode reports it; lenient mode keeps the value.
    fn deviation(&self) -> Option<DecodeError> {
        None
    }
}

impl<'a, T: XmlText<'a>> XmlDecode<'a> for T {
    fn decode_element(d: &mut Decoder<'a>, start: &Start<'a>) -> Result<Self, DecodeError> {
        d.value(start)
    }
}

impl<'a, T: XmlText<'a>> XmlEncode for T {
    fn encode_element(&self, tag: &str, out: &mut String) {
        open(out, tag);
        let content = close_start(out);
        self.write_text(out, escape_text);
        close(out, tag, content);
    }
}

/// Appends `value`'s `Display` form through `escape` without a temporary `String`: the
/// canonical forms of numbers, times and IDs contain nothing to escape, so the text is written
/// in place and only checked (and, should it ever need it, escaped after all).
fn write_display(out: &mut String, value: &dyn fmt::Display, escape: fn(&mut String, &str)) {
    use fmt::Write;
    let start = out.len();
    // Writing into a `String` cannot fail.
    let _ = write!(out, "{value}");
    let plain = out.as_bytes()[start..]
        .iter()
        .all(|&b| !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\t' | b'\n' | b'\r' | 0xEF) && !is_forbidden_byte(b));
    if !plain {
        let raw = out.split_off(start);
        escape(out, &raw);
    }
}

impl<'a> XmlDecode<'a> for RawXml<'a> {
    fn decode_element(d: &mut Decoder<'a>, start: &Start<'a>) -> Result<Self, DecodeError> {
        d.raw(start)
    }
}

impl XmlEncode for RawXml<'_> {
    fn encode_element(&self, tag: &str, out: &mut String) {
        open(out, tag);
        let content = close_start(out);
        out.push_str(&self.0);
        close(out, tag, content);
    }
}

/// A text value with its own grammar, parsed by a runtime type (the IR's
/// `Prim::TextValue`: MOS time, duration, number, message ID, trigger). `Display` writes the
/// canonical form that `parse` reads back.
pub trait TextValue: Sized + fmt::Display {
    /// What the value is, for messages (`"MOS time"`).
    const NAME: &'static str;

    /// Parses the text; the error offset is relative to `text`.
    fn parse(text: &str) -> Result<Self, DecodeError>;
}

macro_rules! text_values {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl TextValue for $t {
            const NAME: &'static str = $name;
            fn parse(text: &str) -> Result<Self, DecodeError> {
                <$t>::parse(text).map_err(|e| e.into_decode_error(0))
            }
        }
        impl<'a> XmlText<'a> for $t {
            fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
                <$t as TextValue>::parse(&text)
            }
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn write_text(&self, out: &mut String, escape: fn(&mut String, &str)) {
                write_display(out, self, escape);
            }
        }
        impl IntoOwned for $t {
            type Owned = $t;
            fn into_owned(self) -> $t { self }
        }
    )*};
}
text_values!(
    MosTime => "MOS time",
    MosDuration => "MOS duration",
    MosNumber => "MOS number",
    MessageId => "MOS messageID",
    Trigger => "MOS trigger",
);

/// A typed value as a peer sent it: parsed, or — when its text does not follow the grammar
/// (an empty or garbled `<time>`, which real newsroom systems send) — the text itself, kept so
/// that decoding survives and encoding writes back exactly what came in. Strict mode reports
/// the invalid text as a deviation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lenient<'a, T> {
    /// The parsed value.
    Value(T),
    /// Text the value's grammar rejects, unchanged.
    Invalid(Cow<'a, str>),
}

impl<'a, T> Lenient<'a, T> {
    /// The parsed value, if the text was valid.
    pub fn value(&self) -> Option<&T> {
        match self {
            Lenient::Value(v) => Some(v),
            Lenient::Invalid(_) => None,
        }
    }

    /// The parsed value, or an `InvalidValue` error naming the text.
    pub fn valid(&self) -> Result<&T, DecodeError>
    where
        T: TextValue,
    {
        match self {
            Lenient::Value(v) => Ok(v),
            Lenient::Invalid(t) => Err(invalid(T::NAME, t)),
        }
    }
}

impl<T> From<T> for Lenient<'_, T> {
    fn from(v: T) -> Self {
        Lenient::Value(v)
    }
}

impl<'a, T: TextValue> XmlText<'a> for Lenient<'a, T> {
    fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
        Ok(match T::parse(&text) {
            Ok(v) => Lenient::Value(v),
            Err(_) => Lenient::Invalid(text),
        })
    }
    fn to_text(&self) -> Cow<'_, str> {
        match self {
            Lenient::Value(v) => Cow::Owned(v.to_string()),
            Lenient::Invalid(t) => Cow::Borrowed(t),
        }
    }
    fn write_text(&self, out: &mut String, escape: fn(&mut String, &str)) {
        match self {
            Lenient::Value(v) => write_display(out, v, escape),
            Lenient::Invalid(t) => escape(out, t),
        }
    }
    fn deviation(&self) -> Option<DecodeError> {
        match self {
            Lenient::Value(_) => None,
            Lenient::Invalid(t) => T::parse(t).err(),
        }
    }
}

impl<T: IntoOwned<Owned = T> + 'static> IntoOwned for Lenient<'_, T> {
    type Owned = Lenient<'static, T>;
    fn into_owned(self) -> Lenient<'static, T> {
        match self {
            Lenient::Value(v) => Lenient::Value(v),
            Lenient::Invalid(t) => Lenient::Invalid(IntoOwned::into_owned(t)),
        }
    }
}

impl<'a> XmlText<'a> for Cow<'a, str> {
    const EMPTY_IS_ABSENT: bool = false;
    fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
        Ok(text)
    }
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

fn invalid(what: &str, text: &str) -> DecodeError {
    DecodeError::new(ErrorKind::InvalidValue(format!("{what}: {text:?}")), 0)
}

fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start_matches(is_space_char).len()
}

macro_rules! number_text {
    ($($t:ty => $what:literal),*) => {$(
        impl<'a> XmlText<'a> for $t {
            fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
                text.trim_matches(is_space_char)
                    .parse::<$t>()
                    .map_err(|_| invalid($what, &text).shifted(leading_space(&text)))
            }
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn write_text(&self, out: &mut String, escape: fn(&mut String, &str)) {
                write_display(out, self, escape);
            }
        }
    )*};
}
number_text!(u64 => "not an unsigned integer", i64 => "not an integer", f64 => "not a number", f32 => "not a number");

impl<'a> XmlText<'a> for bool {
    fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
        match text.trim_matches(is_space_char) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(invalid("not a boolean", &text)),
        }
    }
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}

impl<'a> XmlText<'a> for () {
    fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
        if text.trim_matches(is_space_char).is_empty() {
            Ok(())
        } else {
            Err(invalid("expected no content", &text))
        }
    }
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }
}

/// `xs:hexBinary`.
impl<'a> XmlText<'a> for Cow<'a, [u8]> {
    fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
        let hex = text.trim_matches(is_space_char);
        if hex.len() % 2 != 0 {
            return Err(invalid("not hex", &text));
        }
        (0..hex.len())
            .step_by(2)
            .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<Vec<u8>>>()
            .map(Cow::Owned)
            .ok_or_else(|| invalid("not hex", &text))
    }
    fn to_text(&self) -> Cow<'_, str> {
        let mut out = String::with_capacity(self.len() * 2);
        self.write_text(&mut out, |out, hex| out.push_str(hex));
        Cow::Owned(out)
    }
    fn write_text(&self, out: &mut String, _: fn(&mut String, &str)) {
        // Hex digits need no escaping.
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for &b in self.iter() {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// `xs:list`: items separated by whitespace.
impl<'a, T: XmlText<'a>> XmlText<'a> for Vec<T> {
    const EMPTY_IS_ABSENT: bool = false;
    fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
        match text {
            Cow::Borrowed(s) => s
                .split(is_space_char)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    T::from_text(Cow::Borrowed(p)).map_err(|e| e.shifted(p.as_ptr() as usize - s.as_ptr() as usize))
                })
                .collect(),
            Cow::Owned(s) => s
                .split(is_space_char)
                .filter(|p| !p.is_empty())
                .map(|p| T::from_text(Cow::Owned(p.to_owned())))
                .collect(),
        }
    }
    fn to_text(&self) -> Cow<'_, str> {
        let mut out = String::new();
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&v.to_text());
        }
        Cow::Owned(out)
    }
    fn write_text(&self, out: &mut String, escape: fn(&mut String, &str)) {
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            v.write_text(out, escape);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// A start tag (or a self-closing tag) as read from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start<'a> {
    /// The element name, prefix included.
    pub name: &'a str,
    /// Everything between `<` and `>` (or `/>`): the name and the raw attributes.
    pub tag: &'a str,
    /// A self-closing tag `<name/>`: there is no content and no end tag.
    pub empty: bool,
    /// Byte offset of `<`.
    pub offset: usize,
    /// Byte offset after `>`: where the content starts.
    pub end: usize,
}

impl Start<'_> {
    /// True when the tag carries attributes (anything besides whitespace after the name).
    pub fn has_attributes(&self) -> bool {
        // `get`: content on its own (`RawXml::decode_content`) has an empty `tag`.
        self.tag.get(self.name.len()..).is_some_and(|rest| !rest.trim_matches(is_space_char).is_empty())
    }
}

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<'a> {
    /// The name, prefix included.
    pub name: &'a str,
    /// The normalised value (entities expanded, tab/CR/LF as spaces): borrowed unless that
    /// changed anything.
    pub value: Cow<'a, str>,
    /// Byte offset of the start tag that carries the attribute.
    pub offset: usize,
}

/// The attributes of a start tag, read with [`Decoder::next_attribute`].
#[derive(Clone)]
pub struct AttrIter<'a> {
    attrs: Attributes<'a>,
    element: &'a str,
    offset: usize,
}

impl fmt::Debug for AttrIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttrIter").field("element", &self.element).finish()
    }
}

/// What an element contains next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content<'a> {
    /// A child element's start tag.
    Child(Start<'a>),
    /// A run of character data (raw: entities not yet expanded) and its byte offset.
    Text(&'a str, usize),
    /// The content of a CDATA section and its byte offset.
    CData(&'a str, usize),
}

enum Event<'a> {
    Start(Start<'a>),
    End(&'a str, usize),
    Text(&'a str, usize),
    CData(&'a str, usize),
    Eof,
}

fn is_space_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(is_space)
}

/// The offset of `needle` in `haystack` at or after `from` (SIMD search: this runs once per tag).
fn find(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let rest = haystack.as_bytes().get(from..)?;
    match needle.as_bytes() {
        [b] => memchr::memchr(*b, rest),
        n => memchr::memmem::find(rest, n),
    }
    .map(|i| from + i)
}

// ---------------------------------------------------------------------------------------------
// Decoder

#[derive(Debug, Clone, Copy)]
struct Frame<'a> {
    name: &'a str,
    index: Option<usize>,
}

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
    known: usize,
    first: Unknown<'a>,
}

impl<'a> Kept<'a> {
    /// Nothing yet; `keep`: the type keeps unknown and surplus children (lenient mode only).
    /// Allocates nothing.
    pub const fn new(keep: bool) -> Self {
        Kept { elements: UnknownElements::new(), keep, open: false, known: 0, first: None }
    }

    /// For a type whose schema allows elements it does not name (`xs:any`): they are kept in
    /// strict mode too, and are no deviation. Allocates nothing.
    pub const fn open() -> Self {
        Kept { elements: UnknownElements::new(), keep: true, open: true, known: 0, first: None }
    }

    /// The first unknown child (for [`Decoder::finish_choice`]).
    pub fn first(&self) -> Unknown<'a> {
        self.first
    }

    /// The kept children.
    pub fn into_elements(self) -> UnknownElements<'a> {
        self.elements
    }
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

    fn push(&mut self, name: &'a str, index: Option<usize>, offset: usize) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH.min(self.limits.max_depth) {
            return Err(self.error(ErrorKind::TooDeep, offset));
        }
        self.stack[self.depth] = Frame { name, index };
        self.depth += 1;
        Ok(())
    }

    fn pop(&mut self) {
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

    fn next_event(&mut self) -> Result<Event<'a>, DecodeError> {
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

/// Decodes one document: skips a BOM, whitespace, the XML declaration, comments and a
/// document type declaration, reads the root element and hands it to `f`; only whitespace,
/// comments and processing instructions may follow it.
///
/// `root` names the element the root must be (`None`: any, `f` dispatches); with `hide_root`
/// the root is left out of error paths (the `<mos>` envelope).
pub fn decode_document<'a, T>(
    input: &'a str,
    mode: Mode,
    root: Option<&'static str>,
    hide_root: bool,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeErrors> {
    let mut d = Decoder::new(input, mode);
    let result = decode_root(&mut d, root, hide_root, f);
    finish_document(&mut d, result)
}

/// [`decode_document`] in lenient mode with its first error: what a generated `decode` returns,
/// without moving the decoded value from one `Result` type into another (a MOS envelope is
/// large: each move is a memcpy).
pub fn decode_document_lenient<'a, T>(
    input: &'a str,
    root: Option<&'static str>,
    hide_root: bool,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let mut d = Decoder::new(input, Mode::Lenient);
    let result = decode_root(&mut d, root, hide_root, f);
    if result.is_ok() && d.deviations.is_empty() {
        return result;
    }
    match finish_document(&mut d, result.map(drop)) {
        Err(errors) => Err(DecodeError::from(errors)),
        // Unreachable: a failed or deviating decode always finishes with an error.
        Ok(()) => Err(DecodeError::new(ErrorKind::Malformed("decoding failed".into()), 0)),
    }
}

/// [`decode_document`] for a schema with a target namespace: element names are resolved
/// against their namespace declarations ([`Decoder::resolve`]), and `root`, if given, is the
/// root element's `(namespace, local name)`, whatever prefix the document gives it.
pub fn decode_namespaced_document<'a, T>(
    input: &'a str,
    mode: Mode,
    root: Option<(&'static str, &'static str)>,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeErrors> {
    let mut d = Decoder::new(input, mode);
    d.track_namespaces();
    let result = decode_root(&mut d, None, false, |d, start| {
        if let Some((ns, local)) = root {
            let (found_ns, found) = d.resolve(start)?;
            if found_ns.as_deref() != Some(ns) || found != local {
                let found = match found_ns {
                    Some(n) => format!("root element <{found}> in namespace {n}"),
                    None => format!("root element <{found}> in no namespace"),
                };
                return Err(d.error(ErrorKind::UnexpectedType { expected: local, found }, start.offset));
            }
        }
        f(d, start)
    });
    finish_document(&mut d, result)
}

/// The outcome of a decode: the value, or every deviation (strict) or the error.
#[inline]
fn finish_document<T>(d: &mut Decoder<'_>, result: Result<T, DecodeError>) -> Result<T, DecodeErrors> {
    let seen = matches!(&result, Err(e) if e == &abandoned() || d.is_recorded(e));
    let mut deviations = std::mem::take(&mut d.deviations);
    match result {
        Ok(v) if deviations.is_empty() => Ok(v),
        Ok(_) => Err(DecodeErrors(deviations)),
        Err(e) => {
            if !seen {
                deviations.push(e);
            }
            if deviations.is_empty() {
                deviations.push(DecodeError::new(ErrorKind::Malformed("decoding failed".into()), 0));
            }
            Err(DecodeErrors(deviations))
        }
    }
}

/// The name of the root element of a document (after a BOM, whitespace, the XML declaration,
/// comments and a document type declaration), without decoding it.
pub fn root_element(input: &str) -> Result<&str, DecodeError> {
    decode_document(input, Mode::Lenient, None, false, |d, start| {
        d.pos = d.input.len();
        Ok(start.name)
    })
    .map_err(DecodeError::from)
}

fn decode_root<'a, T>(
    d: &mut Decoder<'a>,
    root: Option<&'static str>,
    hide_root: bool,
    f: impl FnOnce(&mut Decoder<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let max = d.limits.max_message_len;
    if d.input.len() > max {
        return Err(d.error(
            ErrorKind::Limit(format!("message of {} bytes, more than the limit of {max}", d.input.len())),
            max,
        ));
    }
    if d.input.starts_with('\u{FEFF}') {
        d.pos = '\u{FEFF}'.len_utf8();
    }
    let start = loop {
        match d.next_event()? {
            Event::Start(s) => break s,
            Event::Text(t, at) if !is_blank(t) => {
                return Err(d.malformed("text before the root element", at));
            }
            Event::Text(..) => {}
            Event::CData(_, at) => return Err(d.malformed("CDATA before the root element", at)),
            Event::End(name, at) => return Err(d.malformed(format!("end tag </{name}> before the root element"), at)),
            Event::Eof => return Err(d.malformed("no root element", d.input.len())),
        }
    };
    if let Some(expected) = root {
        if start.name != expected {
            let kind = ErrorKind::UnexpectedType { expected, found: format!("root element <{}>", start.name) };
            return Err(d.error(kind, start.offset));
        }
    }
    d.enter(&start, None)?;
    d.hidden = usize::from(hide_root);
    let value = f(d, &start);
    d.pop();
    d.hidden = 0;
    // The value stays where `f` put it (a MOS envelope is large: each move is a memcpy).
    if value.is_ok() {
        trailing(d)?;
    }
    value
}

/// Only blank text may follow the root element.
fn trailing(d: &mut Decoder<'_>) -> Result<(), DecodeError> {
    loop {
        match d.next_event()? {
            Event::Eof => return Ok(()),
            Event::Text(t, _) if is_blank(t) => {}
            Event::Text(_, at) | Event::CData(_, at) | Event::End(_, at) => {
                return Err(d.error(ErrorKind::TrailingBytes, at));
            }
            Event::Start(s) => return Err(d.error(ErrorKind::TrailingBytes, s.offset)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers

/// Declares `namespace` as the default namespace of the element `<tag …>` that `out` starts
/// with (the root of a document of a namespaced schema, written without prefixes).
pub fn declare_namespace(out: &mut String, tag: &str, namespace: &str) {
    declare_namespace_at(out, 0, tag, namespace);
}

/// [`declare_namespace`] for the element `<tag …>` written at `at` in `out` (a child in another
/// namespace than its parent; `""` undeclares the default).
pub fn declare_namespace_at(out: &mut String, at: usize, tag: &str, namespace: &str) {
    let mut decl = String::with_capacity(namespace.len() + 9);
    decl.push_str(" xmlns=\"");
    escape_attr(&mut decl, namespace);
    decl.push('"');
    out.insert_str(at + 1 + tag.len(), &decl);
}

/// Appends text content, escaped (`&`, `<`, `>`, and CR as `&#13;`).
pub fn escape_text(out: &mut String, text: &str) {
    escape_with(out, text, |_| None);
}

/// Appends an attribute value, escaped for double quotes (also tab, CR, LF, which attribute
/// normalisation would otherwise turn into spaces).
pub fn escape_attr(out: &mut String, text: &str) {
    escape_with(out, text, |b| match b {
        b'"' => Some("&quot;"),
        b'\t' => Some("&#9;"),
        b'\n' => Some("&#10;"),
        _ => None,
    });
}

/// Copies `text`, replacing the ASCII bytes `rep` names (and always `&`, `<`, `>`, CR).
/// Characters XML forbids even as references (C0 controls but tab, LF and CR; U+FFFE,
/// U+FFFF) become U+FFFD: a lenient decode keeps them, and our output must stay well-formed.
fn escape_with(out: &mut String, text: &str, rep: impl Fn(u8) -> Option<&'static str>) {
    let bytes = text.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (r, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'\r' => ("&#13;", 1),
            _ if is_forbidden_byte(b) => ("\u{FFFD}", 1),
            0xEF if is_nonchar_at(bytes, i) => ("\u{FFFD}", 3),
            _ => match rep(b) {
                Some(r) => (r, 1),
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        out.push_str(&text[last..i]);
        out.push_str(r);
        i += len;
        last = i;
    }
    out.push_str(&text[last..]);
}

fn is_forbidden_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')
}

/// U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`) at `i`.
fn is_nonchar_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i..i + 3).is_some_and(|t| t[0] == 0xEF && t[1] == 0xBF && t[2] >= 0xBE)
}

/// The code point a character reference at `text[i..]` (`&#…;`) stands for, and its length.
fn char_ref_at(text: &[u8], i: usize) -> Option<(u32, usize)> {
    let rest = text.get(i + 2..)?;
    if text.get(i..i + 2)? != b"&#" {
        return None;
    }
    let (digits, radix, skip) = match rest.first() {
        Some(b'x') => (&rest[1..], 16, 3),
        _ => (rest, 10, 2),
    };
    let end = digits.iter().take(12).position(|&b| b == b';')?;
    let value = std::str::from_utf8(&digits[..end]).ok().and_then(|d| u32::from_str_radix(d, radix).ok());
    // An unparsable or huge number is not a character either: report it as forbidden.
    Some((value.unwrap_or(u32::MAX), skip + end + 1))
}

fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Offset of the first character XML 1.0 forbids (§2.2): as a raw character, or with `refs`
/// also as a character reference, which is not well-formed either (§4.1).
pub(crate) fn forbidden_char(text: &str, refs: bool) -> Option<(usize, u32)> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if is_forbidden_byte(b) {
            return Some((i, u32::from(b)));
        }
        if b == 0xEF && is_nonchar_at(bytes, i) {
            return Some((i, if bytes[i + 2] == 0xBE { 0xFFFE } else { 0xFFFF }));
        }
        if refs && b == b'&' {
            if let Some((c, _)) = char_ref_at(bytes, i).filter(|&(c, _)| !is_xml_char(c)) {
                return Some((i, c));
            }
        }
    }
    None
}

/// `text` with every forbidden character (raw or referenced) replaced by U+FFFD.
fn replace_forbidden(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut last, mut i) = (0, 0);
    while i < bytes.len() {
        let len = match bytes[i] {
            b if is_forbidden_byte(b) => 1,
            0xEF if is_nonchar_at(bytes, i) => 3,
            b'&' => match char_ref_at(bytes, i) {
                Some((c, len)) if !is_xml_char(c) => len,
                _ => 0,
            },
            _ => 0,
        };
        if len == 0 {
            i += 1;
            continue;
        }
        out.push_str(&text[last..i]);
        out.push('\u{FFFD}');
        i += len;
        last = i;
    }
    out.push_str(&text[last..]);
    out
}

/// The XML Schema instance namespace, of `xsi:nil`.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A nillable element: null is `<tag xsi:nil="true"/>`, declaring the prefix where it is used
/// (the document's root may not).
impl<T: XmlEncode> XmlEncode for crate::cbor::Nullable<T> {
    fn encode_element(&self, tag: &str, out: &mut String) {
        match self {
            crate::cbor::Nullable::Value(v) => v.encode_element(tag, out),
            crate::cbor::Nullable::Null => {
                open(out, tag);
                out.push_str(" xmlns:xsi=\"");
                out.push_str(XSI);
                out.push_str("\" xsi:nil=\"true\"/>");
            }
        }
    }
}

/// Starts a start tag: `<tag`.
pub fn open(out: &mut String, tag: &str) {
    out.push('<');
    out.push_str(tag);
}

/// Appends ` name="value"`.
pub fn attr<'v, T: XmlText<'v>>(out: &mut String, name: &str, value: &T) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    value.write_text(out, escape_attr);
    out.push('"');
}

/// Ends a start tag with `>`; returns where the content starts (for [`close`]).
pub fn close_start(out: &mut String) -> usize {
    out.push('>');
    out.len()
}

/// Writes the end tag, or turns the start tag into `<tag/>` when no content was written.
pub fn close(out: &mut String, tag: &str, content_start: usize) {
    if out.len() == content_start {
        out.pop();
        out.push_str("/>");
    } else {
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

/// `<tag>text</tag>`, or `<tag/>` for empty text.
pub fn text_element(out: &mut String, tag: &str, text: &str) {
    open(out, tag);
    let content = close_start(out);
    escape_text(out, text);
    close(out, tag, content);
}

/// Appends a text value as content.
pub fn text<'v, T: XmlText<'v>>(out: &mut String, value: &T) {
    value.write_text(out, escape_text);
}

/// Appends an element for each value.
pub fn elements<T: XmlEncode>(out: &mut String, tag: &str, values: &[T]) {
    for v in values {
        v.encode_element(tag, out);
    }
}

thread_local! {
    /// Where documents are written before they are copied out at their exact length.
    static SCRATCH: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

/// A scratch buffer that grew beyond this is freed after use instead of kept by the thread.
const SCRATCH_KEEP: usize = 1 << 20;

/// Writes with `write` into this thread's scratch buffer and returns `finish` of the text. The
/// buffer is taken out while in use, so an encoder that encodes another document inside
/// (a payload) gets a fresh one instead of a conflict.
fn with_scratch<R>(write: impl FnOnce(&mut String), finish: impl FnOnce(&str) -> R) -> R {
    let mut buf = SCRATCH.with(std::cell::Cell::take);
    buf.clear();
    write(&mut buf);
    let result = finish(&buf);
    if buf.capacity() <= SCRATCH_KEEP {
        SCRATCH.with(|s| s.set(buf));
    }
    result
}

/// What `write` writes, in a `String` allocated once at its exact length. Writing straight into
/// a new `String` would reallocate as it doubles (about log2 of the length times); the text is
/// written into a per-thread scratch buffer instead, which keeps the capacity of the largest
/// document so far (up to 1 MiB), and copied out. Generated `encode` methods use this.
pub fn encode_string(write: impl FnOnce(&mut String)) -> String {
    with_scratch(write, str::to_owned)
}

/// What `write` writes, as UTF-16BE without BOM in one allocation (see [`encode_string`]).
pub fn encode_utf16be(write: impl FnOnce(&mut String)) -> Vec<u8> {
    with_scratch(write, utf16be)
}

/// The UTF-16BE bytes of `text`, without BOM (the MOS 2.x wire form), in one allocation.
pub fn utf16be(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2);
    crate::mos::wire::utf8_to_utf16be(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &str) -> Vec<String> {
        let mut d = Decoder::new(input, Mode::Lenient);
        let mut out = Vec::new();
        loop {
            match d.next_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(s)) => out.push(format!("S{}{}@{}", s.name, if s.empty { "/" } else { "" }, s.offset)),
                Ok(Event::End(n, at)) => out.push(format!("E{n}@{at}")),
                Ok(Event::Text(t, at)) => out.push(format!("T{t:?}@{at}")),
                Ok(Event::CData(t, at)) => out.push(format!("C{t:?}@{at}")),
                Err(e) => {
                    out.push(format!("!{e}"));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn tokenises() {
        assert_eq!(
            events("<?xml version='1.0'?><!-- c --><a x='>'>t<b/><![CDATA[<x>]]></a >"),
            ["Sa@31", "T\"t\"@40", "Sb/@41", "C\"<x>\"@45", "Ea@60"]
        );
        assert_eq!(events("<a"), ["!input ends inside a value (at byte 0)"]);
        assert_eq!(events("< a>"), ["!malformed input: bad start tag \"< a>\" (at byte 0)"]);
    }

    #[test]
    fn text_borrows_unless_expanded() {
        let input = "<a>x &amp; y</a>";
        let mut d = Decoder::new(input, Mode::Lenient);
        let Ok(Event::Start(s)) = d.next_event() else { panic!() };
        let t = d.text(&s).unwrap();
        assert_eq!(t, "x & y");
        assert!(matches!(t, Cow::Owned(_)));
        let input = "<a>plain</a>";
        let mut d = Decoder::new(input, Mode::Lenient);
        let Ok(Event::Start(s)) = d.next_event() else { panic!() };
        assert!(matches!(d.text(&s).unwrap(), Cow::Borrowed("plain")));
        let input = "<a>a\r\nb&#13;</a>";
        let mut d = Decoder::new(input, Mode::Lenient);
        let Ok(Event::Start(s)) = d.next_event() else { panic!() };
        assert_eq!(d.text(&s).unwrap(), "a\nb\r");
    }

    #[test]
    fn raw_is_byte_for_byte() {
        let input = "<p><x a=\"1\">t &amp; <y/></x>tail</p>";
        let mut d = Decoder::new(input, Mode::Lenient);
        let Ok(Event::Start(s)) = d.next_event() else { panic!() };
        let raw = d.raw(&s).unwrap();
        assert_eq!(raw.as_str(), "<x a=\"1\">t &amp; <y/></x>tail");
        assert!(matches!(raw.0, Cow::Borrowed(_)));
        let mut d = Decoder::new("<p><x></y></p>", Mode::Lenient);
        let Ok(Event::Start(s)) = d.next_event() else { panic!() };
        assert!(matches!(d.raw(&s).unwrap_err().kind(), ErrorKind::Malformed(_)));
    }

    #[test]
    fn depth_is_capped() {
        let deep = "<a>".repeat(MAX_DEPTH + 5);
        let r = decode_document(&deep, Mode::Lenient, None, false, |d, s| d.skip(s));
        assert_eq!(r.unwrap_err().first().kind(), &ErrorKind::TooDeep);
    }

    #[test]
    fn escapes() {
        let mut s = String::new();
        escape_text(&mut s, "a<b>&c\r\"");
        assert_eq!(s, "a&lt;b&gt;&amp;c&#13;\"");
        s.clear();
        escape_attr(&mut s, "\"x\"\t\n");
        assert_eq!(s, "&quot;x&quot;&#9;&#10;");
        s.clear();
        text_element(&mut s, "e", "");
        assert_eq!(s, "<e/>");
    }

    #[test]
    fn document_prolog_and_trailing() {
        let ok =
            decode_document("\u{FEFF} <?xml version=\"1.0\"?>\n<a/>\n", Mode::Lenient, Some("a"), false, |d, s| {
                d.skip(s)
            });
        assert!(ok.is_ok());
        let trailing = decode_document("<a/><b/>", Mode::Lenient, Some("a"), false, |d, s| d.skip(s));
        assert_eq!(trailing.unwrap_err().first().kind(), &ErrorKind::TrailingBytes);
        let wrong = decode_document("<b/>", Mode::Lenient, Some("a"), false, |d, s| d.skip(s));
        assert!(matches!(wrong.unwrap_err().first().kind(), ErrorKind::UnexpectedType { .. }));
    }

    #[test]
    fn attributes_borrow() {
        let input = "<a x = \"1\" y='2 &amp; 3'/>";
        let mut d = Decoder::new(input, Mode::Lenient);
        let Ok(Event::Start(s)) = d.next_event() else { panic!() };
        let mut it = d.attributes(&s);
        let mut attrs = Vec::new();
        while let Some(a) = d.next_attribute(&mut it).unwrap() {
            attrs.push(a);
        }
        assert_eq!(attrs[0].name, "x");
        assert!(matches!(attrs[0].value, Cow::Borrowed("1")));
        assert_eq!(attrs[1].value, "2 & 3");
    }

    /// A kept repetition of a field not written yet waits for it, and the kept elements after
    /// it wait with it, so they stay in document order; one of a field already written, or an
    /// unknown one, goes back at its position.
    #[test]
    fn kept_repetition_waits_for_its_field() {
        let kept = |position, xml| UnknownElement { position, xml: RawXml(Cow::Borrowed(xml)) };
        let items = UnknownElements(vec![kept(0, "<v/>"), kept(1, "<b>2</b>"), kept(1, "<w/>"), kept(3, "<a>2</a>")]);
        let field_of = |name: &str| match name {
            "a" => Some(0),
            "b" => Some(1),
            _ => None,
        };
        let mut w = items.writer(field_of);
        let mut out = String::new();
        for (field, value) in [(0, "<a>1</a>"), (1, "<b>1</b>"), (2, "<c/>"), (2, "<c/>")] {
            w.known(&mut out, field);
            out.push_str(value);
        }
        w.rest(&mut out);
        assert_eq!(out, "<v/><a>1</a><b>1</b><b>2</b><w/><c/><a>2</a><c/>");
    }
}
