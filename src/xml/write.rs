//! What generated encoders call: tags, attributes, namespaces, and the scratch buffer that
//! makes one encode one allocation.

use super::escape::{escape_attr, escape_text};
use super::{XmlEncode, XmlText};

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

/// Appends ` xmlns:prefix="namespace"` (in a start tag, for an attribute of that namespace).
pub fn declare_prefix(out: &mut String, prefix: &str, namespace: &str) {
    out.push_str(" xmlns:");
    out.push_str(prefix);
    out.push_str("=\"");
    escape_attr(out, namespace);
    out.push('"');
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

/// An optional attribute: written as [`attr`] when present, nothing when absent. (One call
/// per optional attribute keeps the generated encoders small.)
pub fn attr_opt<'v, T: XmlText<'v>>(out: &mut String, name: &str, value: &Option<T>) {
    if let Some(v) = value {
        attr(out, name, v);
    }
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
