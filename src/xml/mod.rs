//! XML support for osmos-generated bindings (MOS): a zero-copy pull decoder over a UTF-8
//! `&'a str`, the traits generated types implement, and the writing helpers their encoders use.
//!
//! # Decoding
//!
//! Input is one XML document already in UTF-8 (MOS 2.x/4.0 traffic is transcoded once by
//! [`crate::mos::wire::to_utf8`]; a document in bytes, by [`document_to_utf8`], which honours
//! its BOM and the `encoding` of its XML declaration: UTF-8, UTF-16, ISO-8859-1 and US-ASCII,
//! anything else refused with [`ErrorKind::Encoding`](crate::ErrorKind::Encoding)). The text
//! doors check the declaration too: a document declaring an encoding osmos does not read is
//! refused there, whoever decoded its bytes. Decoded values borrow from it: text is `Cow<'a, str>`,
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
//!   elements, element counts, length limits, enumeration values, patterns, empty typed values, stray
//!   text — and collects all of them ([`DecodeErrors`]) instead of stopping at the first.
//!   Only malformed XML stops it early.
//!
//! Every error is a [`DecodeError`](crate::DecodeError) with the path of the element (`roCreate.story[2].storyID`,
//! indexes counting from 0) and the byte offset in the UTF-8 input.
//!
//! # Encoding
//!
//! [`XmlEncode`] writes an element into a `String`, in schema order and with nothing invented:
//! absent optional elements and empty repeated elements are not written; kept unknown elements
//! go back between the known ones where they came in ([`UnknownElements`]). Text and attribute
//! values are escaped (`&`, `<`, `>`, and `"`, tab, CR, LF in attributes, CR in text so that it
//! survives line-end normalisation); raw content is written back unchanged.

mod decoder;
mod encoding;
mod errors;
mod escape;
mod kept;
mod mixed;
mod pattern;
mod raw;
mod text;
mod tokens;
mod values;
mod write;

#[cfg(test)]
mod tests;

pub use decoder::document::{decode_document, decode_document_lenient, decode_namespaced_document, root_element};
pub use decoder::fields::{Kept, Many, Order, Slot, Unknown, Wildcard};
pub use decoder::Decoder;
pub use encoding::{document_encoding, document_to_utf8, DocumentEncoding};
pub use errors::{DecodeErrors, Mode};
pub use escape::{escape_attr, escape_text};
pub use kept::{OtherAttributes, UnknownElement, UnknownElements, UnknownWriter};
pub use mixed::{MixedText, TextRun};
pub use pattern::Pattern;
pub use raw::RawXml;
pub use text::{Lenient, TextValue, XmlDecode, XmlEncode, XmlText};
pub use tokens::{Attr, AttrIter, Content, Start};
pub use values::{Base64, DateTime, Decimal, GYear, TimeZone};
pub use write::{
    attr, attr_opt, close, close_start, declare_namespace, declare_namespace_at, declare_prefix, elements,
    encode_string, encode_utf16be, open, text, text_element, utf16be, XSI,
};

/// The deepest element nesting the decoder can follow (root included); [`crate::Limits::max_depth`]
/// sets a lower bound per decode.
pub const MAX_DEPTH: usize = 64;

/// The most namespace declarations in scope at once (real documents have a handful): name
/// lookups go through them, so a bound keeps decoding linear.
pub const MAX_NAMESPACES: usize = 64;

/// The row of a generated `MESSAGES` table for an XML schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageInfo {
    /// The element name of the message.
    pub element: &'static str,
    /// The Rust type's name.
    pub rust_name: &'static str,
}
