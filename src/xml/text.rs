//! The traits generated types implement, and text values: strings, numbers, the MOS value
//! types, `xs:list`, and [`Lenient`] values that keep a garbled text.

use std::borrow::Cow;
use std::fmt;

use super::escape::{escape_text, is_forbidden_byte};
use super::tokens::is_space_char;
use super::write::{close, close_start, open};
use super::{Decoder, RawXml, Start};
use crate::cbor::IntoOwned;
use crate::error::{DecodeError, ErrorKind};
use crate::mos::value::{MessageId, MosDuration, MosNumber, MosTime, Trigger};

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

    /// Appends the text form through `escape` ([`escape_text`] or [`escape_attr`](super::escape_attr)). Types
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
pub(super) fn write_display(out: &mut String, value: &dyn fmt::Display, escape: fn(&mut String, &str)) {
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

pub(super) fn invalid(what: &str, text: &str) -> DecodeError {
    DecodeError::new(ErrorKind::InvalidValue(format!("{what}: {text:?}")), 0)
}

pub(super) fn leading_space(text: &str) -> usize {
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
