//! Proptest strategies for XML (MOS) schema types, built from the IR alone: a document of any
//! message as text, in schema order, with every child element, attribute and value the IR
//! requires and a random choice of the optional ones, repeated ones, choices and enumeration
//! values. Values are kept inside the XSD's own facets (lengths, MOS number, time and
//! trigger grammars), so the documents also validate against `schemas/mos` with xmllint.

use osmos_codegen::ir::{Constraint, Key, Layout, Literal, Occur, Prim, Schema, Ty, TyKind, TypeKind};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};

/// Strategies for the types of one XML schema.
pub struct XmlGen<'s> {
    schema: &'s Schema,
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn concat(parts: Vec<String>) -> String {
    parts.concat()
}

/// Text of `min..=max` characters (at least one: an empty optional element reads as absent),
/// with markup characters and non-ASCII among them; no leading or trailing space. A type with
/// patterns gets text matching one of them (XSD patterns are whole-value and, in one
/// restriction, alternatives), where the regex dialects agree.
fn text(ty: &Ty) -> BoxedStrategy<String> {
    let patterns: Vec<BoxedStrategy<String>> = ty
        .constraints
        .iter()
        .filter_map(|c| match c {
            // A whole-value pattern: proptest generates whole strings (and refuses anchors).
            Constraint::Pattern(p) if !p.is_empty() => Some(
                proptest::string::string_regex(p)
                    .unwrap_or_else(|e| panic!("no generator for the pattern {p:?}: {e}"))
                    .boxed(),
            ),
            _ => None,
        })
        .collect();
    if !patterns.is_empty() {
        return Union::new(patterns).prop_filter("a non-empty value", |s| !s.trim().is_empty()).boxed();
    }
    let (min, max) = ty
        .constraints
        .iter()
        .find_map(|c| match c {
            Constraint::Chars { min, max } | Constraint::Size { min, max } => {
                Some((*min as usize, max.map(|m| m as usize)))
            }
            _ => None,
        })
        .unwrap_or((0, None));
    let min = min.max(1);
    let max = max.unwrap_or(min + 10).min(min + 10).max(min);
    let alphabet: Vec<char> = "abcXYZ019-_.&<>\"'é中 ".chars().collect();
    prop::collection::vec(prop::sample::select(alphabet), min..=max)
        .prop_map(|chars| {
            let s: String = chars.into_iter().collect();
            // Spaces only inside: swap the ends for letters.
            let n = s.chars().count();
            s.chars().enumerate().map(|(i, c)| if c == ' ' && (i == 0 || i + 1 == n) { 'q' } else { c }).collect()
        })
        .boxed()
}

/// A value of a runtime value type, in its canonical text.
fn text_value(path: &str) -> BoxedStrategy<String> {
    match path {
        "mos::value::MessageId" => (1u32..100_000).prop_map(|n| n.to_string()).boxed(),
        "mos::value::MosNumber" => (0u32..1000).prop_map(|n| n.to_string()).boxed(),
        "mos::value::MosTime" => {
            (2000u32..2100, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60, 0u32..60, prop::option::of(0u32..1000))
                .prop_map(|(y, mo, d, h, mi, s, ms)| {
                    let frac = ms.map(|m| format!(",{m:03}")).unwrap_or_default();
                    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}")
                })
                .boxed()
        }
        "mos::value::MosDuration" => {
            (0u32..100, 0u32..60, 0u32..60).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")).boxed()
        }
        "mos::value::Trigger" => prop_oneof![
            Just("MANUAL".to_string()),
            Just("TIMED".to_string()),
            Just("CHAINED".to_string()),
            (0u32..1000, any::<bool>()).prop_map(|(n, plus)| format!("CHAINED {}{n}", if plus { '+' } else { '-' })),
        ]
        .boxed(),
        other => panic!("no text generator for {other}"),
    }
}

impl<'s> XmlGen<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        XmlGen { schema }
    }

    /// A whole `<mos>` document carrying the message `element` (a variant of the envelope's
    /// choice), header elements included unless the message is a plug-in message that goes
    /// without (the XSD's envelope is a choice of the two forms, which the IR flattens into
    /// optional header fields, so this list is not in the IR).
    pub fn document(&self, element: &str, type_name: &str) -> BoxedStrategy<String> {
        const HEADERLESS: &[&str] = &[
            "ncsAck",
            "ncsReqAppInfo",
            "ncsReqAppMode",
            "ncsStoryRequest",
            "ncsItemRequest",
            "ncsItem",
            "ncsReqAppClose",
        ];
        let body = self.element(element, type_name, 1);
        if HEADERLESS.contains(&element) {
            return body.prop_map(|body| format!("<mos>{body}</mos>")).boxed();
        }
        (text(&Ty::prim(Prim::Text)), text(&Ty::prim(Prim::Text)), text_value("mos::value::MessageId"), body)
            .prop_map(|(mos_id, ncs_id, id, body)| {
                format!(
                    "<mos><mosID>{}</mosID><ncsID>{}</ncsID><messageID>{id}</messageID>{body}</mos>",
                    escape(&mos_id, false),
                    escape(&ncs_id, false)
                )
            })
            .boxed()
    }

    /// The messages of the envelope's choice: (element name, type name).
    pub fn messages(&self) -> Vec<(String, String)> {
        let Some(TypeKind::Struct(mos)) = self.schema.get("mos").map(|t| &t.kind) else { panic!("no <mos>") };
        let choice = mos.fields.iter().find(|f| f.key == Key::Choice).expect("the message choice");
        let TyKind::Named(n) = &choice.ty.kind else { panic!("{choice:?}") };
        let Some(TypeKind::Choice(c)) = self.schema.get(n).map(|t| &t.kind) else { panic!("{n}") };
        c.variants
            .iter()
            .map(|v| {
                let TyKind::Named(t) = &v.ty.kind else { panic!("{v:?}") };
                (v.element.clone().expect("element name"), t.clone())
            })
            .collect()
    }

    /// `<name …>content</name>` for a value of `ty`.
    fn element_of(&self, name: &str, ty: &Ty, depth: usize) -> BoxedStrategy<String> {
        if let TyKind::List { item, min, max } = &ty.kind {
            // A choice alternative that repeats: a run of the same element.
            let min = *min as usize;
            let max = if depth > 5 { min } else { max.map_or(min + 2, |m| (m as usize).min(min + 2)) };
            return prop::collection::vec(self.element_of(name, item, depth + 1), min..=max).prop_map(concat).boxed();
        }
        let name = name.to_owned();
        match &ty.kind {
            TyKind::Named(t) if matches!(self.schema.get(t).map(|d| &d.kind), Some(TypeKind::Struct(_))) => {
                self.element(&name, t, depth)
            }
            _ => self.simple(ty).prop_map(move |v| format!("<{name}>{v}</{name}>")).boxed(),
        }
    }

    /// Escaped text of a simple type.
    fn simple(&self, ty: &Ty) -> BoxedStrategy<String> {
        match &ty.kind {
            TyKind::Prim(Prim::TextValue(path)) => text_value(path),
            TyKind::Prim(Prim::Any) => prop_oneof![
                text(ty).prop_map(|t| escape(&t, false)),
                text(ty).prop_map(|t| format!("<p class=\"x\">{}<b/></p>", escape(&t, false))),
            ]
            .boxed(),
            TyKind::Prim(Prim::Bool) => any::<bool>().prop_map(|b| b.to_string()).boxed(),
            TyKind::Prim(Prim::Uint) => (0u32..1000).prop_map(|n| n.to_string()).boxed(),
            TyKind::Prim(Prim::Int) => (-999i32..1000).prop_map(|n| n.to_string()).boxed(),
            TyKind::Prim(_) => text(ty).prop_map(|t| escape(&t, false)).boxed(),
            TyKind::Named(n) => match self.schema.get(n).map(|t| &t.kind) {
                Some(TypeKind::Enum(e)) => {
                    let values: Vec<String> = e
                        .variants
                        .iter()
                        .map(|v| match &v.value {
                            Literal::Text(t) => escape(t, false),
                            other => format!("{other:?}"),
                        })
                        .collect();
                    prop::sample::select(values).boxed()
                }
                Some(TypeKind::Alias(inner)) => self.simple(inner),
                other => panic!("{n} is not a simple type: {other:?}"),
            },
            other => panic!("not a simple type: {other:?}"),
        }
    }

    /// One element of the struct type `type_name`: attributes, then children in schema order.
    fn element(&self, name: &str, type_name: &str, depth: usize) -> BoxedStrategy<String> {
        let t = self.schema.get(type_name).unwrap_or_else(|| panic!("no type {type_name}"));
        let TypeKind::Struct(s) = &t.kind else { panic!("{type_name} is not an element type") };
        assert_eq!(s.layout, Layout::Element);
        let mut attributes: Vec<BoxedStrategy<String>> = Vec::new();
        let mut children: Vec<BoxedStrategy<String>> = Vec::new();
        let mut done_groups = Vec::new();
        for (i, f) in s.fields.iter().enumerate() {
            match &f.key {
                Key::Attribute(a) => {
                    let a = a.clone();
                    let value = self.simple(&f.ty).prop_map(move |v| format!(" {a}=\"{}\"", v.replace('"', "&quot;")));
                    attributes.push(match f.occur {
                        Occur::One => value.boxed(),
                        _ => prop::option::of(value).prop_map(Option::unwrap_or_default).boxed(),
                    });
                }
                Key::Content => children.push(self.simple(&f.ty)),
                _ if f.group.is_some() => {
                    let g = f.group.unwrap();
                    if done_groups.contains(&g) {
                        continue;
                    }
                    done_groups.push(g);
                    // A repeated sequence: each repetition holds every member once.
                    let members: Vec<BoxedStrategy<String>> = s.fields[i..]
                        .iter()
                        .filter(|m| m.group == Some(g))
                        .map(|m| self.child(m, depth, Occur::One))
                        .collect();
                    let (min, max) = match f.occur {
                        Occur::Many { min, max } => {
                            (min as usize, max.map_or(min as usize + 2, |m| (m as usize).min(min as usize + 2)))
                        }
                        Occur::Optional => (0, 1),
                        Occur::One => (1, 1),
                    };
                    let top = if depth > 5 { min } else { max };
                    children.push(prop::collection::vec(members.prop_map(concat), min..=top).prop_map(concat).boxed());
                }
                _ => children.push(self.child(f, depth, f.occur)),
            }
        }
        let name = name.to_owned();
        (attributes, children)
            .prop_map(move |(a, c)| {
                let (a, c) = (concat(a), concat(c));
                if c.is_empty() {
                    format!("<{name}{a}/>")
                } else {
                    format!("<{name}{a}>{c}</{name}>")
                }
            })
            .boxed()
    }

    /// The occurrences of one child field.
    fn child(&self, f: &osmos_codegen::ir::Field, depth: usize, occur: Occur) -> BoxedStrategy<String> {
        let one: BoxedStrategy<String> = match &f.key {
            Key::Element(e) => self.element_of(e, &f.ty, depth + 1),
            Key::Choice => {
                let TyKind::Named(n) = &f.ty.kind else { panic!("{f:?}") };
                let Some(TypeKind::Choice(c)) = self.schema.get(n).map(|t| &t.kind) else { panic!("{n}") };
                Union::new(
                    c.variants
                        .iter()
                        .map(|v| self.element_of(v.element.as_deref().expect("element"), &v.ty, depth + 1)),
                )
                .boxed()
            }
            other => panic!("{other:?}"),
        };
        match occur {
            Occur::One => one,
            Occur::Optional => prop::option::of(one).prop_map(Option::unwrap_or_default).boxed(),
            Occur::Many { min, max } => {
                let min = min as usize;
                let max = if depth > 5 { min } else { max.map_or(min + 2, |m| (m as usize).min(min + 2)) };
                prop::collection::vec(one, min..=max).prop_map(concat).boxed()
            }
        }
    }
}
