//! The message catalogue: every message of a schema with its key, fields, types, occurrence,
//! limits and docs, read from the IR. `osmos generate` renders it to `generated/CATALOG.md`
//! (askama, `templates/catalog.md`); `osmos list` prints the same index as aligned text.
//!
//! Everything here is plain text in schema terms, so the Markdown and the terminal table show
//! the same cells; only the template adds Markdown (links, escaping of `|`).

use std::collections::BTreeSet;

use askama::Template;
use osmos_codegen::ir::{
    Bound, Constraint, Field, Key, Layout, Literal, MessageKey, Occur, Prim, Schema, Ty, TyKind, TypeDef, TypeKind,
};
use osmos_codegen::rust::naming;

/// What the catalogue shows of one schema.
pub struct SchemaView {
    /// Module name (`openscreen`, `mos`), also the anchor prefix.
    pub module: String,
    /// Where the types are in Rust (`osmos::mos::messages`).
    pub path: String,
    /// Heading: the protocol's name.
    pub title: String,
    /// Whether messages have type keys (CBOR) rather than element names (XML).
    pub keyed: bool,
    /// Messages, sorted by type key or element name.
    pub messages: Vec<Entry>,
    /// Structs the messages use that are not messages themselves, in order of first use.
    pub types: Vec<Entry>,
}

/// One message or struct.
pub struct Entry {
    /// Schema name.
    pub name: String,
    /// `module-name`, unique in the page.
    pub anchor: String,
    /// Type key (`16`) or element (`<roCreate>`); empty for a type that is no message.
    pub key: String,
    /// The type key's varint in hex; empty for XML.
    pub varint: String,
    /// Rust type name.
    pub rust: String,
    /// First sentence of the docs.
    pub summary: String,
    /// Doc lines, as in the schema.
    pub docs: Vec<String>,
    /// How the value is laid out (`map`, `array`, `element`, or what a non-struct is).
    pub shape: String,
    /// The fields (empty for non-struct messages).
    pub fields: Vec<Row>,
}

/// One field.
pub struct Row {
    pub name: String,
    pub key: String,
    pub ty: String,
    pub occur: String,
    pub limits: String,
    pub docs: String,
}

/// The page: both shipped schemas.
#[derive(Template)]
#[template(path = "catalog.md", escape = "none")]
struct Page<'a> {
    schemas: &'a [SchemaView],
}

/// Escapes a cell for a Markdown table: a `|` would end the cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Code in Markdown (`<roID>` would otherwise be read as HTML).
fn code(s: &str) -> String {
    format!("`{s}`")
}

/// A key cell: elements and attributes as code, integer keys as they are.
fn key_cell(s: &str) -> String {
    if s.starts_with(['<', '@', '"', '#']) {
        code(s)
    } else {
        s.to_owned()
    }
}

/// A Markdown table row of `cells`.
fn md_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let cells: Vec<String> = cells.into_iter().map(|c| if c.is_empty() { String::new() } else { cell(c) }).collect();
    format!("| {} |", cells.join(" | "))
}

impl Entry {
    /// The message's row in the index (the message links to its section). `keyed` by
    /// reference, as askama passes it.
    pub fn index_row(&self, keyed: &bool) -> String {
        let link = format!("[{}](#{})", self.name, self.anchor);
        let fields = self.fields.len().to_string();
        let varint = code(&self.varint);
        let key = key_cell(&self.key);
        let mut cells = vec![key.as_str()];
        if *keyed {
            cells.push(&varint);
        }
        cells.extend([link.as_str(), &self.rust, &fields, &self.summary]);
        md_row(cells)
    }
}

impl Row {
    /// The field's row in its message's table.
    pub fn md(&self) -> String {
        md_row([self.name.as_str(), &key_cell(&self.key), &code(&self.ty), &self.occur, &self.limits, &self.docs])
    }
}

/// Renders `generated/CATALOG.md`.
pub fn render(schemas: &[SchemaView]) -> Result<String, String> {
    let mut text = Page { schemas }.render().map_err(|e| format!("rendering the catalogue: {e}"))?;
    // askama drops the template's final newline; a text file ends with one.
    text.push('\n');
    Ok(text)
}

/// The protocol's name for headings, and the Rust module its types are in.
fn title_and_path(module: &str) -> (String, String) {
    match module {
        "openscreen" => ("Open Screen Protocol".into(), "osmos::openscreen".into()),
        "mos" => ("MOS".into(), "osmos::mos::messages".into()),
        other => (other.into(), other.into()),
    }
}

impl SchemaView {
    /// The catalogue of a checked schema.
    pub fn new(schema: &Schema) -> Self {
        // An extension's schema holds the standard types it builds on as `external`: not its own.
        let mut messages: Vec<(&TypeDef, &MessageKey)> =
            schema.messages().filter(|(t, _)| t.external.is_none()).collect();
        messages.sort_by(|a, b| a.1.cmp(b.1));
        let module = schema.name.clone();
        let mut seen: BTreeSet<&str> = messages.iter().map(|(t, _)| t.name.as_str()).collect();
        let mut used = Vec::new();
        for (t, _) in &messages {
            reachable(schema, t, &mut seen, &mut used);
        }
        let (title, path) = title_and_path(&module);
        SchemaView {
            title,
            path,
            keyed: messages.iter().all(|(_, k)| matches!(k, MessageKey::TypeKey(_))),
            messages: messages.iter().map(|(t, k)| entry(schema, &module, t, Some(k))).collect(),
            types: used.iter().map(|t| entry(schema, &module, t, None)).collect(),
            module,
        }
    }

    /// Adds another schema's messages (an extension's) after these.
    pub fn append(&mut self, other: SchemaView) {
        self.keyed &= other.keyed;
        self.messages.extend(other.messages);
        self.types.extend(other.types);
    }

    /// The index as aligned text, one message a line, sorted as in the catalogue.
    pub fn index_text(&self) -> String {
        let head: Vec<&str> = if self.keyed {
            vec!["type key", "varint", "message", "rust type", "fields", "summary"]
        } else {
            vec!["element", "message", "rust type", "fields", "summary"]
        };
        let rows = self.messages.iter().map(|m| {
            let mut r = vec![m.key.clone()];
            if self.keyed {
                r.push(m.varint.clone());
            }
            r.extend([m.name.clone(), m.rust.clone(), m.fields.len().to_string(), m.summary.clone()]);
            r
        });
        let right = if self.keyed { vec![0, 4] } else { vec![3] };
        aligned(&head, rows.collect(), &right)
    }

    /// One message's or type's fields as aligned text.
    pub fn entry_text(&self, name: &str) -> Option<String> {
        let e = self.messages.iter().chain(&self.types).find(|e| e.name == name || e.key == name)?;
        let mut out = e.name.clone();
        if !e.key.is_empty() {
            out.push_str(&format!("  {}", e.key));
        }
        if !e.varint.is_empty() {
            out.push_str(&format!(" (varint {})", e.varint));
        }
        out.push_str(&format!("  {}  {}\n", e.rust, e.shape));
        for d in &e.docs {
            out.push_str(&format!("  {d}\n"));
        }
        if !e.fields.is_empty() {
            let rows = e.fields.iter().map(|f| {
                vec![f.name.clone(), f.key.clone(), f.ty.clone(), f.occur.clone(), f.limits.clone(), f.docs.clone()]
            });
            out.push('\n');
            out.push_str(&aligned(&["field", "key", "type", "occurrence", "limits", "docs"], rows.collect(), &[]));
        }
        Some(out)
    }
}

/// Columns padded to their widest cell (in characters); `right` columns are right-aligned.
/// The last column is not padded, so lines carry no trailing spaces.
fn aligned(head: &[&str], rows: Vec<Vec<String>>, right: &[usize]) -> String {
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let head = head.iter().map(|h| h.to_string()).collect();
    for r in std::iter::once(head).chain(rows) {
        let last = r.len() - 1;
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
            let pad = w - c.chars().count();
            if i > 0 {
                line.push_str("  ");
            }
            if right.contains(&i) {
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            } else if i < last {
                line.push_str(c);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(c);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Non-message structs used (through fields, lists, aliases and choices) by `t`, depth first.
fn reachable<'s>(schema: &'s Schema, t: &'s TypeDef, seen: &mut BTreeSet<&'s str>, out: &mut Vec<&'s TypeDef>) {
    let tys: Vec<&Ty> = match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Choice(c) => c.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::Enum(_) => Vec::new(),
    };
    for ty in tys {
        let mut ty = ty;
        while let TyKind::List { item, .. } = &ty.kind {
            ty = item;
        }
        let TyKind::Named(n) = &ty.kind else { continue };
        let Some(def) = schema.get(n) else { continue };
        if !seen.insert(def.name.as_str()) {
            continue;
        }
        if matches!(def.kind, TypeKind::Struct(_)) {
            out.push(def);
        }
        reachable(schema, def, seen, out);
    }
}

fn rust_name(t: &TypeDef) -> String {
    t.external.clone().or_else(|| t.rust_name.clone()).unwrap_or_else(|| naming::type_name(&t.name))
}

/// The first sentence of the docs (up to 80 characters).
fn summary(docs: &[String]) -> String {
    let text = docs.join(" ");
    let text = text.trim();
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| !text[..i].ends_with("e.g") && !text[..i].ends_with("i.e"))
        .map_or(text.len(), |i| i + 1);
    let first = &text[..end];
    if first.chars().count() <= 80 {
        return first.to_owned();
    }
    let cut: String = first.chars().take(79).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

fn entry(schema: &Schema, module: &str, t: &TypeDef, key: Option<&MessageKey>) -> Entry {
    let (key, varint) = match key {
        Some(MessageKey::TypeKey(k)) => {
            let mut v = Vec::new();
            osmos::varint::encode(*k, &mut v);
            (k.to_string(), hex::encode(v))
        }
        Some(MessageKey::Element(e)) => (format!("<{e}>"), String::new()),
        None => (String::new(), String::new()),
    };
    let (shape, fields) = match &t.kind {
        TypeKind::Struct(s) => {
            let shape = match s.layout {
                Layout::Map => "map",
                Layout::Array => "array",
                Layout::Element => "element",
                Layout::Group => "group",
            };
            (shape.to_owned(), s.fields.iter().map(|f| row(schema, f)).collect())
        }
        TypeKind::Enum(_) => (format!("enumeration: {}", limits(schema, &Ty::named(&t.name)).join("; ")), Vec::new()),
        TypeKind::Choice(_) | TypeKind::Alias(_) => (ty_text(schema, &Ty::named(&t.name), true), Vec::new()),
    };
    Entry {
        name: t.name.clone(),
        anchor: format!("{module}-{}", t.name),
        key,
        varint,
        rust: rust_name(t),
        summary: summary(&t.docs),
        docs: t.docs.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect(),
        shape,
        fields,
    }
}

fn row(schema: &Schema, f: &Field) -> Row {
    let key = match &f.key {
        Key::Int(i) => i.to_string(),
        Key::Text(t) => format!("\"{t}\""),
        Key::Position(p) => format!("#{p}"),
        Key::Element(e) => format!("<{e}>"),
        Key::Attribute(a) => format!("@{a}"),
        Key::Content => "(text content)".into(),
        Key::Choice => choice_elements(schema, &f.ty),
        Key::AnyAttribute => "@*".into(),
        Key::AnyElement(_) => "<*>".into(),
    };
    let occur = match f.occur {
        Occur::One => "required".into(),
        Occur::Optional => "optional".into(),
        Occur::Many { min, max } => count("", min, max).unwrap_or_else(|| "any number".into()),
    };
    Row {
        name: f.name.clone(),
        key,
        ty: ty_text(schema, &f.ty, false),
        occur,
        limits: limits(schema, &f.ty).join("; "),
        docs: f.docs.iter().map(|d| d.trim()).filter(|d| !d.is_empty()).collect::<Vec<_>>().join(" "),
    }
}

/// The elements of an XML choice field: `<a> or <b>`.
fn choice_elements(schema: &Schema, ty: &Ty) -> String {
    let Some(TypeKind::Choice(c)) = named(schema, ty).map(|t| &t.kind) else { return "one of several".into() };
    let els: Vec<String> = c.variants.iter().filter_map(|v| v.element.as_ref()).map(|e| format!("<{e}>")).collect();
    if els.len() > 6 {
        format!("one of {} elements (see {})", els.len(), ty_text(schema, ty, false))
    } else {
        els.join(" or ")
    }
}

fn named<'s>(schema: &'s Schema, ty: &Ty) -> Option<&'s TypeDef> {
    match &ty.kind {
        TyKind::Named(n) => schema.get(n),
        _ => None,
    }
}

/// A type in schema terms: `uint`, `[1* text]`, `agent-info`, `microseconds (uint)`.
/// `expand` spells out a named choice or alias instead of naming it.
fn ty_text(schema: &Schema, ty: &Ty, expand: bool) -> String {
    let mut s = match &ty.kind {
        TyKind::Prim(p) => prim(p),
        TyKind::Rust { path, .. } => path.clone(),
        TyKind::List { item, min, max } => {
            let occ = match (min, max) {
                (0, None) => "*".to_owned(),
                (m, None) => format!("{m}*"),
                (m, Some(x)) => format!("{m}*{x}"),
            };
            format!("[{occ} {}]", ty_text(schema, item, false))
        }
        TyKind::Named(n) => match schema.get(n).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) if expand => ty_text(schema, inner, false),
            Some(TypeKind::Alias(inner)) => format!("{n} ({})", ty_text(schema, inner, false)),
            Some(TypeKind::Choice(c))
                if expand || (c.variants.len() <= 3 && c.variants.iter().all(|v| v.element.is_none())) =>
            {
                c.variants.iter().map(|v| ty_text(schema, &v.ty, false)).collect::<Vec<_>>().join(" / ")
            }
            _ => n.clone(),
        },
    };
    if let Some(tag) = ty.tag {
        s = format!("#6.{tag}({s})");
    }
    if ty.nullable {
        s.push_str(" / null");
    }
    s
}

fn prim(p: &Prim) -> String {
    match p {
        Prim::Uint => "uint".into(),
        Prim::Nint => "nint".into(),
        Prim::Int => "int".into(),
        Prim::Float { bits } => format!("float{bits}"),
        Prim::Bool => "bool".into(),
        Prim::Text => "text".into(),
        Prim::Bytes => "bytes".into(),
        Prim::Any => "any".into(),
        Prim::Null => "null".into(),
        Prim::Undefined => "undefined".into(),
        Prim::TextValue(path) => path.clone(),
    }
}

/// `what` between `min` and `max`, or `None` when unbounded.
fn count(what: &str, min: u64, max: Option<u64>) -> Option<String> {
    let sep = if what.is_empty() { "" } else { " " };
    match (min, max) {
        (0, None) => None,
        (m, None) => Some(format!("at least {m}{sep}{what}")),
        (m, Some(x)) if m == x => Some(format!("exactly {m}{sep}{what}")),
        (0, Some(x)) => Some(format!("at most {x}{sep}{what}")),
        (m, Some(x)) => Some(format!("{m} to {x}{sep}{what}")),
    }
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => format!("{f:?}"),
        Literal::Text(t) => format!("\"{t}\""),
        Literal::Bytes(b) => format!("h'{}'", hex::encode(b)),
        Literal::Bool(b) => b.to_string(),
    }
}

fn bound(b: &Bound, lower: bool) -> String {
    let op = match (lower, b.inclusive) {
        (true, true) => "≥",
        (true, false) => ">",
        (false, true) => "≤",
        (false, false) => "<",
    };
    format!("{op} {}", literal(&b.value))
}

/// The limits on a value, its aliases' included: sizes, character lengths, ranges, list
/// counts, patterns, enumerations and defaults.
fn limits(schema: &Schema, ty: &Ty) -> Vec<String> {
    let mut out = Vec::new();
    let mut ty = ty;
    // Aliases chain; the schema's checks reject cycles, the bound keeps this loop finite anyway.
    for _ in 0..=schema.types.len() {
        for c in &ty.constraints {
            out.extend(match c {
                Constraint::Size { min, max } => count("bytes", *min, *max),
                Constraint::Chars { min, max } => count("characters", *min, *max),
                Constraint::Range { min, max } => {
                    let parts: Vec<String> =
                        min.iter().map(|b| bound(b, true)).chain(max.iter().map(|b| bound(b, false))).collect();
                    Some(parts.join(", "))
                }
                Constraint::Pattern(p) => Some(format!("pattern `{p}`")),
            });
        }
        if let Some(d) = &ty.default {
            out.push(format!("default {}", literal(d)));
        }
        match &ty.kind {
            TyKind::List { item, min, max } => {
                out.extend(count("items", *min, *max));
                let inner = limits(schema, item);
                if !inner.is_empty() {
                    out.push(format!("each: {}", inner.join(", ")));
                }
                break;
            }
            TyKind::Named(n) => match schema.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) => ty = inner,
                Some(TypeKind::Enum(e)) => {
                    let values: Vec<String> = e
                        .variants
                        .iter()
                        .map(|v| match &v.value {
                            Literal::Text(t) if *t == v.name => format!("\"{t}\""),
                            value => format!("{} ({})", v.name, literal(value)),
                        })
                        .collect();
                    out.push(format!("one of {}", values.join(", ")));
                    break;
                }
                _ => break,
            },
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::list::shipped_view;

    fn page() -> String {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        let views: Vec<SchemaView> = ["openscreen", "mos"].iter().map(|m| shipped_view(m, root).unwrap()).collect();
        render(&views).unwrap()
    }

    /// Two renderings from the schemas agree byte for byte, and with the checked-in file.
    #[test]
    fn catalogue_is_fresh_and_deterministic() {
        let first = page();
        assert_eq!(first, page());
        let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/CATALOG.md")).unwrap();
        assert!(first == shipped, "generated/CATALOG.md is stale: run `cargo run -p osmos-cli -- generate`");
        assert!(first.ends_with("|\n") && !first.ends_with("\n\n"));
    }

    #[test]
    fn catalogue_rows_carry_keys_types_occurrence_and_limits() {
        let page = page();
        let has = |line: &str| assert!(page.lines().any(|l| l == line), "no line {line:?}");
        has("## Open Screen Protocol (`osmos::openscreen`): 47 messages");
        has("## MOS (`osmos::mos::messages`): 54 messages");
        has("| 16 | `10` | [presentation-connection-message](#openscreen-presentation-connection-message) \
             | PresentationConnectionMessage | 2 | A message between a controller and a presentation over a presentation… |");
        has("Type key 16 (varint `10`): `osmos::openscreen::PresentationConnectionMessage`, map.");
        has("| connection-id | 0 | `uint` | required |  | \
             From presentation-start-response or presentation-connection-open-response. |");
        has("| message | 1 | `bytes / text` | required |  | Binary data as bytes, a string as text. |");
        has("| confirmation-value | 0 | `bytes` | required | exactly 64 bytes | \
             The SPAKE2 confirmation value cA or cB (64 bytes). |");
        // A MOS length limit counts characters; an attribute; an enumeration.
        has("| roID | `<roID>` | `text` | required | at most 128 characters | \
             ID of the running order, unique in the NCS and the MOS. |");
        has(
            "| operation | `@operation` | `mosElementActionOperation` | required | \
             one of \"INSERT\", \"REPLACE\", \"MOVE\", \"DELETE\", \"SWAP\" | INSERT, REPLACE, MOVE, DELETE or SWAP. |",
        );
        // Sorted: by type key, by element name.
        let keys: Vec<u64> = page
            .lines()
            .filter_map(|l| l.strip_prefix("Type key "))
            .map(|l| l.split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(keys.len(), 47);
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        let elements: Vec<&str> = page.lines().filter_map(|l| l.strip_prefix("Element `")).collect();
        assert_eq!(elements.len(), 54);
        assert!(elements.windows(2).all(|w| w[0] < w[1]), "{elements:?}");
    }

    #[test]
    fn summaries_end_at_a_sentence_or_a_word() {
        assert_eq!(summary(&["An item, e.g. a clip. More.".into()]), "An item, e.g. a clip.");
        let long = ["word ".repeat(30)];
        let s = summary(&long);
        assert!(s.ends_with("word…") && s.chars().count() <= 80, "{s}");
    }

    #[test]
    fn columns_align_without_trailing_spaces() {
        let rows = vec![vec!["1".into(), "a".into(), "x".into()], vec!["100".into(), "bbb".into(), String::new()]];
        assert_eq!(aligned(&["n", "name", "doc"], rows, &[0]), "  n  name  doc\n  1  a     x\n100  bbb\n");
    }
}
