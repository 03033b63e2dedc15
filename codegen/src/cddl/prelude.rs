//! RFC 8610 Appendix D: the prelude names the generator knows.

use crate::ir::{Choice, ChoiceVariant, Field, Key, Layout, Occur, Prim, Span, Struct, Ty, TyKind, TypeDef, TypeKind};

use super::Lowerer;

impl<'a> Lowerer<'a> {
    /// RFC 8610 Appendix D names that are not one primitive: emitted as types on first use,
    /// unless the schema defines them itself.
    pub(super) fn prelude_rule(&mut self, name: &str) -> bool {
        let tagged = |n: &str, tag: u64| Ty { tag: Some(tag), ..Ty::named(n) };
        let prim_tagged = |p: Prim, tag: u64| Ty { tag: Some(tag), ..Ty::prim(p) };
        let choice = |alts: &[(&str, Ty)]| {
            TypeKind::Choice(Choice {
                variants: alts
                    .iter()
                    .map(|(n, ty)| ChoiceVariant { name: (*n).into(), rust_name: None, ty: ty.clone(), element: None })
                    .collect(),
            })
        };
        let (kind, doc) = match name {
            "number" => (
                choice(&[("int", Ty::prim(Prim::Int)), ("float", Ty::prim(Prim::Float { bits: 64 }))]),
                "An integer or a float (`number`, RFC 8610 Appendix D).",
            ),
            "time" => {
                (TypeKind::Alias(tagged("number", 1)), "Seconds since the epoch, tag 1 (`time`, RFC 8610 Appendix D).")
            }
            "biguint" => (
                TypeKind::Alias(prim_tagged(Prim::Bytes, 2)),
                "An unsigned bignum: big-endian bytes under tag 2 (RFC 8610 Appendix D).",
            ),
            "bignint" => (
                TypeKind::Alias(prim_tagged(Prim::Bytes, 3)),
                "A negative bignum (-1 - n): big-endian bytes under tag 3 (RFC 8610 Appendix D).",
            ),
            "bigint" => (
                choice(&[("biguint", Ty::named("biguint")), ("bignint", Ty::named("bignint"))]),
                "A bignum, positive or negative (RFC 8610 Appendix D).",
            ),
            "eb64url" => (
                TypeKind::Alias(prim_tagged(Prim::Any, 21)),
                "Any item, expected to be converted to base64url (tag 21).",
            ),
            "eb64legacy" => {
                (TypeKind::Alias(prim_tagged(Prim::Any, 22)), "Any item, expected to be converted to base64 (tag 22).")
            }
            "eb16" => {
                (TypeKind::Alias(prim_tagged(Prim::Any, 23)), "Any item, expected to be converted to base16 (tag 23).")
            }
            "cbor-any" => {
                (TypeKind::Alias(prim_tagged(Prim::Any, 55799)), "Any item under the self-described CBOR tag 55799.")
            }
            "decfrac" | "bigfloat" => {
                let (tag, exp) = if name == "decfrac" { (4, "e10") } else { (5, "e2") };
                let field = |n: &str, i: usize, ty: Ty| Field {
                    name: n.into(),
                    rust_name: None,
                    docs: Vec::new(),
                    key: Key::Position(i),
                    ty,
                    occur: Occur::One,
                    group: None,
                    span: Span::default(),
                };
                let inner = format!("{name}-value");
                if self.derived.insert(inner.clone()) {
                    let fields = vec![field(exp, 0, Ty::prim(Prim::Int)), field("m", 1, Ty::prim(Prim::Int))];
                    let docs = vec![format!("The exponent and mantissa of a `{name}`.")];
                    self.types.push(TypeDef {
                        name: inner.clone(),
                        rust_name: None,
                        external: None,
                        docs,
                        span: Span::default(),
                        message: None,
                        kind: TypeKind::Struct(Struct { layout: Layout::Array, fields, unknown: None, table: None }),
                    });
                }
                let doc = if tag == 4 {
                    "A decimal fraction m × 10^e10, tag 4 (RFC 8610 Appendix D)."
                } else {
                    "A binary float m × 2^e2, tag 5 (RFC 8610 Appendix D)."
                };
                (TypeKind::Alias(tagged(&inner, tag)), doc)
            }
            _ => return false,
        };
        if self.derived.insert(name.to_owned()) {
            // What it refers to first, so the schema's order reads top-down.
            let refs: Vec<String> = match &kind {
                TypeKind::Alias(Ty { kind: TyKind::Named(n), .. }) => vec![n.clone()],
                TypeKind::Choice(c) => c
                    .variants
                    .iter()
                    .filter_map(|v| match &v.ty.kind {
                        TyKind::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for r in refs {
                self.prelude_rule(&r);
            }
            self.types.push(TypeDef {
                name: name.to_owned(),
                rust_name: None,
                external: None,
                docs: vec![doc.into()],
                span: Span::default(),
                message: None,
                kind,
            });
        }
        true
    }
}

/// The RFC 8610 prelude names the generator maps, with the tag some of them imply.
pub(super) fn prelude(name: &str) -> Option<(Prim, Option<u64>)> {
    Some(match name {
        "uint" | "unsigned" => (Prim::Uint, None),
        "nint" => (Prim::Nint, None),
        "int" | "integer" => (Prim::Int, None),
        "float16" => (Prim::Float { bits: 16 }, None),
        "float32" | "float16-32" => (Prim::Float { bits: 32 }, None),
        "float64" | "float32-64" | "float" => (Prim::Float { bits: 64 }, None),
        "bool" => (Prim::Bool, None),
        "text" | "tstr" => (Prim::Text, None),
        "bytes" | "bstr" => (Prim::Bytes, None),
        "any" => (Prim::Any, None),
        "null" | "nil" => (Prim::Null, None),
        "undefined" => (Prim::Undefined, None),
        "tdate" => (Prim::Text, Some(0)),
        "uri" => (Prim::Text, Some(32)),
        "b64url" => (Prim::Text, Some(33)),
        "b64legacy" => (Prim::Text, Some(34)),
        "regexp" => (Prim::Text, Some(35)),
        "mime-message" => (Prim::Text, Some(36)),
        "encoded-cbor" => (Prim::Bytes, Some(24)),
        _ => return None,
    })
}
