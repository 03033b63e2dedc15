//! What lenient decoding keeps although no field takes it: unknown and surplus child elements,
//! and the attributes of other namespaces.

use std::borrow::Cow;

use super::mixed::TextRun;
use super::tokens::is_space_char;
use super::{attr, escape_text, MixedText, RawXml};
use crate::cbor::IntoOwned;
#[cfg(feature = "json")]
use crate::error::{DecodeError, ErrorKind};

/// Child elements of an element that its type does not take in — elements the schema does not
/// know there (a vendor's own), and repetitions of an element beyond what the schema allows (a
/// second `mosExternalMetadata` where one is allowed) — kept whole and byte for byte, each with
/// its place among the known children, so that decoding and encoding again passes them on
/// unchanged.
///
/// Empty, it allocates nothing. Only [`Mode::Lenient`](super::Mode::Lenient) keeps elements; strict mode reports
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
        UnknownWriter { items: &self.0, next: 0, written: 0, field_of, text: &[], next_text: 0 }
    }

    /// [`UnknownElements::writer`] for mixed content: the writer puts the text runs back in
    /// their places too, between the known and the kept children.
    pub fn writer_mixed<'u>(
        &'u self,
        field_of: fn(&str) -> Option<usize>,
        text: &'u MixedText<'a>,
    ) -> UnknownWriter<'u, 'a> {
        UnknownWriter { items: &self.0, next: 0, written: 0, field_of, text: text.runs(), next_text: 0 }
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
    /// Mixed content's text runs, and the next one to write.
    text: &'u [TextRun<'a>],
    next_text: usize,
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
    #[inline]
    pub fn known(&mut self, out: &mut String, field: usize) {
        // Nearly always nothing is kept: then this is two comparisons.
        if self.next < self.items.len() || self.next_text < self.text.len() {
            self.flush(out, self.written, field);
        }
        self.written += 1;
    }

    /// Writes the kept elements not written yet (after the last known child).
    pub fn rest(&mut self, out: &mut String) {
        // No field comes after the last: nothing waits.
        self.flush(out, usize::MAX, usize::MAX);
    }

    fn flush(&mut self, out: &mut String, upto: usize, field: usize) {
        if !self.text.is_empty() {
            return self.flush_mixed(out, upto, field);
        }
        // Positions are in document order, so they never decrease: one pass over the list.
        while let Some(e) = self.items.get(self.next) {
            if e.position > upto || (self.field_of)(e.name()).is_some_and(|f| f >= field) {
                break;
            }
            out.push_str(e.xml.as_str());
            self.next += 1;
        }
    }

    /// [`UnknownWriter::flush`] with mixed content's text runs (out of line: the loop above is
    /// on every encoder's path for every child).
    #[inline(never)]
    fn flush_mixed(&mut self, out: &mut String, upto: usize, field: usize) {
        // A text run goes first once the children before it are out.
        loop {
            if let Some(t) = self.text.get(self.next_text) {
                if t.position <= upto && t.kept <= self.next {
                    escape_text(out, &t.text);
                    self.next_text += 1;
                    continue;
                }
            }
            let Some(e) = self.items.get(self.next) else { break };
            if e.position > upto || (self.field_of)(e.name()).is_some_and(|f| f >= field) {
                break;
            }
            out.push_str(e.xml.as_str());
            self.next += 1;
        }
        if upto == usize::MAX {
            // The end: runs that wait for kept elements held back above still go out.
            for t in &self.text[self.next_text..] {
                escape_text(out, &t.text);
            }
            self.next_text = self.text.len();
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
