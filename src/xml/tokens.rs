//! Tokens the decoder hands generated code: start tags, attributes, content.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::attributes::Attributes;

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

/// The attributes of a start tag, read with [`Decoder::next_attribute`](super::Decoder::next_attribute).
#[derive(Clone)]
pub struct AttrIter<'a> {
    pub(super) attrs: Attributes<'a>,
    pub(super) element: &'a str,
    pub(super) offset: usize,
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

pub(super) enum Event<'a> {
    Start(Start<'a>),
    End(&'a str, usize),
    Text(&'a str, usize),
    CData(&'a str, usize),
    Eof,
}

pub(super) fn is_space_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

pub(super) fn is_blank(s: &str) -> bool {
    s.bytes().all(is_space)
}

/// The offset of `needle` in `haystack` at or after `from` (SIMD search: this runs once per tag).
pub(super) fn find(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let rest = haystack.as_bytes().get(from..)?;
    match needle.as_bytes() {
        [b] => memchr::memchr(*b, rest),
        n => memchr::memmem::find(rest, n),
    }
    .map(|i| from + i)
}
