//! The text of mixed content (`mixed="true"` with child elements: TTML's `<p>One<br/>line</p>`),
//! kept as runs in their places between the children, so that encoding puts each run back where
//! it was.

use std::borrow::Cow;

use crate::cbor::IntoOwned;
#[cfg(feature = "json")]
use crate::error::{DecodeError, ErrorKind};

/// The text runs of an element with mixed content, in document order.
///
/// [`MixedText::text`] is the text as one string; [`MixedText::runs`] says where each run
/// stands: after how many known children and how many kept unknown ones, which is where the
/// encoder writes it back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MixedText<'a>(pub Vec<TextRun<'a>>);

/// One run of text between children (see [`MixedText`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextRun<'a> {
    /// How many known children came before it (as [`super::UnknownElement::position`]).
    pub position: usize,
    /// How many kept unknown children came before it.
    pub kept: usize,
    /// The text, entities expanded.
    pub text: Cow<'a, str>,
}

impl<'a> MixedText<'a> {
    /// No text; allocates nothing.
    pub const fn new() -> Self {
        MixedText(Vec::new())
    }

    /// Text as one run before any child (what a writer of a new document usually wants).
    pub fn from_text(text: impl Into<Cow<'a, str>>) -> Self {
        MixedText(vec![TextRun { position: 0, kept: 0, text: text.into() }])
    }

    /// Appends a piece read at `(position, kept)`; pieces at one place (text split by an entity
    /// or a comment) make one run.
    pub fn push(&mut self, position: usize, kept: usize, piece: Cow<'a, str>) {
        match self.0.last_mut() {
            Some(last) if last.position == position && last.kept == kept => last.text.to_mut().push_str(&piece),
            _ => self.0.push(TextRun { position, kept, text: piece }),
        }
    }

    /// The runs, in document order.
    pub fn runs(&self) -> &[TextRun<'a>] {
        &self.0
    }

    /// All the text, the runs joined (borrowed when there is one run).
    pub fn text(&self) -> Cow<'_, str> {
        match self.0.as_slice() {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(&one.text),
            runs => Cow::Owned(runs.iter().map(|r| r.text.as_ref()).collect()),
        }
    }

    /// Whether there is no text (or only empty runs).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|r| r.text.is_empty())
    }
}

impl IntoOwned for MixedText<'_> {
    type Owned = MixedText<'static>;
    fn into_owned(self) -> MixedText<'static> {
        MixedText(
            self.0
                .into_iter()
                .map(|r| TextRun { position: r.position, kept: r.kept, text: Cow::Owned(r.text.into_owned()) })
                .collect(),
        )
    }
}

/// JSON: `[{"position": 0, "kept": 0, "text": "One"}, …]`, so that the CLI's views stay lossless.
#[cfg(feature = "json")]
impl crate::json::ToJson for MixedText<'_> {
    fn to_json(&self) -> crate::json::Value {
        let runs = self.0.iter().map(|r| {
            let mut m = crate::json::Map::new();
            m.insert("position".into(), crate::json::Value::from(r.position));
            m.insert("kept".into(), crate::json::Value::from(r.kept));
            m.insert("text".into(), crate::json::Value::String(r.text.as_ref().to_owned()));
            crate::json::Value::Object(m)
        });
        crate::json::Value::Array(runs.collect())
    }
}

#[cfg(feature = "json")]
impl crate::json::FromJson for MixedText<'_> {
    fn from_json(v: &crate::json::Value) -> Result<Self, DecodeError> {
        const WHAT: &str = "an array of {\"position\": n, \"kept\": n, \"text\": \"…\"}";
        let items = v.as_array().ok_or_else(|| crate::json::expected(WHAT, v))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let obj = crate::json::object(item, WHAT).map_err(|e| e.at_index(i))?;
            crate::json::deny_unknown(obj, &["position", "kept", "text"]).map_err(|e| e.at_index(i))?;
            let index = |n: u64| {
                usize::try_from(n).map_err(|_| {
                    DecodeError::new(ErrorKind::InvalidValue("position out of range".into()), 0).at_index(i)
                })
            };
            let position = index(crate::json::field(obj, "position").map_err(|e| e.at_index(i))?)?;
            let kept = index(crate::json::field(obj, "kept").map_err(|e| e.at_index(i))?)?;
            let text: Cow<'_, str> = crate::json::field(obj, "text").map_err(|e| e.at_index(i))?;
            out.push(TextRun { position, kept, text: Cow::Owned(text.into_owned()) });
        }
        Ok(MixedText(out))
    }
}
