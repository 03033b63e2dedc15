//! Raw XML content kept byte for byte.

use std::borrow::Cow;
use std::fmt;

use super::decoder::document::finish_document;
use super::{decode_document, DecodeErrors, Decoder, Mode, Start, XmlDecode, XmlEncode};
use crate::cbor::IntoOwned;

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
