//! Deliberately invalid variants of valid documents, made by editing their text at places found
//! with quick-xml's reader: each stays well-formed and breaks one rule of a schema (or, where
//! the schema happens to allow the edit, does not: `xmllint --schema` is the judge).

use quick_xml::events::Event;
use quick_xml::Reader;

/// The element [`Mutation::UnknownElement`] adds: with an attribute and text, which the
/// nothing-lost test looks for.
pub const UNKNOWN: &str = "<osmosUnknown note=\"unknown attribute\">unknown text</osmosUnknown>";

/// One kind of edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// The root element's first attribute that is not a namespace declaration or `xsi:`/`xml:`
    /// left out (it is required in most schemas).
    DropAttribute,
    /// [`UNKNOWN`] (in the root's default namespace) as the root's first child.
    UnknownElement,
    /// The same as the first child of the root's first child that has element children.
    UnknownElementDeep,
    /// A value of an enumerated attribute replaced with one outside the enumeration.
    Enumeration,
    /// The first two element children of the root with different names swapped.
    Reorder,
    /// `stray text` as the root's first content (element-only, in most schemas).
    Text,
    /// The same as the first content of the root's first child that has element children.
    TextDeep,
    /// A value of an attribute with a pattern (or a range or type facet) replaced with one that
    /// breaks it.
    Pattern,
}

impl Mutation {
    pub const ALL: [Mutation; 8] = [
        Mutation::DropAttribute,
        Mutation::UnknownElement,
        Mutation::UnknownElementDeep,
        Mutation::Enumeration,
        Mutation::Reorder,
        Mutation::Text,
        Mutation::TextDeep,
        Mutation::Pattern,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mutation::DropAttribute => "drop-attribute",
            Mutation::UnknownElement => "unknown-element",
            Mutation::UnknownElementDeep => "unknown-element-deep",
            Mutation::Enumeration => "enumeration",
            Mutation::Reorder => "reorder",
            Mutation::Text => "text",
            Mutation::TextDeep => "text-deep",
            Mutation::Pattern => "pattern",
        }
    }
}

/// An element of the document: its start tag's span, the end of its end tag (the start tag's
/// end for an empty element), its depth (root 0) and whether it has element children.
#[derive(Debug, Clone)]
struct Element {
    start: usize,
    tag_end: usize,
    end: usize,
    depth: usize,
    empty: bool,
    has_children: bool,
}

fn elements(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().unwrap();
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(_) | Event::Empty(_) => {
                let empty = matches!(event, Event::Empty(_));
                if let Some(&parent) = open.last() {
                    out[parent].has_children = true;
                }
                out.push(Element {
                    start: before,
                    tag_end: after,
                    end: after,
                    depth: open.len(),
                    empty,
                    has_children: false,
                });
                if !empty {
                    open.push(out.len() - 1);
                }
            }
            Event::End(_) => {
                let i = open.pop().unwrap();
                out[i].end = after;
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// The span of ` name="value"` (leading whitespace included) and of the value, for the first
/// attribute called `name` in the tag `xml[start..end]`.
fn attribute(xml: &str, start: usize, end: usize, name: &str) -> Option<((usize, usize), (usize, usize))> {
    let tag = &xml[start..end];
    let b = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        if !tag[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let mut j = at + name.len();
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let quote = *b.get(j)?;
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let value_start = j + 1;
        let len = tag[value_start..].find(char::from(quote))?;
        let lead = tag[..at].len() - tag[..at].trim_end().len();
        let whole = (start + at - lead, start + value_start + len + 1);
        return Some((whole, (start + value_start, start + value_start + len)));
    }
    None
}

/// The attribute names of the tag `xml[start..end]`, in order.
fn attribute_names(xml: &str, start: usize, end: usize) -> Vec<String> {
    let tag = &xml[start + 1..end];
    let tag = tag.trim_end_matches('>').trim_end_matches('/');
    let bytes = quick_xml::events::BytesStart::from_content(tag, tag.find(char::is_whitespace).unwrap_or(tag.len()));
    bytes.attributes().map(|a| a.unwrap().key.as_ref().to_owned()).collect()
}

/// `xml` with one edit of kind `m`, or `None` where the document has no place for it.
/// `enumerations` and `patterns` name attributes of the document's schema with a bad value for
/// each; the first that occurs is edited.
pub fn mutate(xml: &str, m: Mutation, enumerations: &[(&str, &str)], patterns: &[(&str, &str)]) -> Option<String> {
    let els = elements(xml);
    let root = els.first()?;
    let splice = |at: (usize, usize), with: &str| format!("{}{}{}", &xml[..at.0], with, &xml[at.1..]);
    let deep = || els.iter().find(|e| e.depth == 1 && e.has_children);
    match m {
        Mutation::DropAttribute => {
            let name = attribute_names(xml, root.start, root.tag_end).into_iter().find(|n| {
                !(n == "xmlns" || n.starts_with("xmlns:") || n.starts_with("xsi:") || n.starts_with("xml:"))
            })?;
            let (whole, _) = attribute(xml, root.start, root.tag_end, &name)?;
            Some(splice(whole, ""))
        }
        Mutation::UnknownElement | Mutation::Text | Mutation::UnknownElementDeep | Mutation::TextDeep => {
            let parent = if matches!(m, Mutation::UnknownElement | Mutation::Text) { root } else { deep()? };
            if parent.empty {
                return None;
            }
            let what = if matches!(m, Mutation::Text | Mutation::TextDeep) { "stray text" } else { UNKNOWN };
            Some(splice((parent.tag_end, parent.tag_end), what))
        }
        Mutation::Reorder => {
            let children: Vec<&Element> = els.iter().filter(|e| e.depth == 1).collect();
            let name = |e: &Element| {
                let tag = &xml[e.start + 1..e.tag_end];
                tag[..tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(tag.len())].to_owned()
            };
            let first = children.first()?;
            let second = children.iter().find(|e| name(e) != name(first))?;
            // Swap the first child with the first one of another name: the text between stays.
            let (a, b) = ((first.start, first.end), (second.start, second.end));
            Some(format!("{}{}{}{}{}", &xml[..a.0], &xml[b.0..b.1], &xml[a.1..b.0], &xml[a.0..a.1], &xml[b.1..]))
        }
        Mutation::Enumeration | Mutation::Pattern => {
            let table = if m == Mutation::Enumeration { enumerations } else { patterns };
            table.iter().find_map(|(name, bad)| {
                els.iter().find_map(|e| attribute(xml, e.start, e.tag_end, name)).map(|(_, value)| splice(value, bad))
            })
        }
    }
}
