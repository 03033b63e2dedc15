//! Types: a rule or an inline type → a type definition or a `Ty` (ranges, controls, tags,
//! literals, names).

use cddl::ast::{self, GenericArgs, Group, GroupEntry, RangeCtlOp, Type, Type1, Type2, TypeChoice};
use cddl::token::ControlOperator;

use crate::ir::{
    Bound, Choice, ChoiceVariant, Constraint, Enum, EnumVariant, Layout, Literal, Prim, Ty, TyKind, TypeKind,
};

use super::prelude::prelude;
use super::syntax::{literal_name, literal_of, paren_type, rule_name};
use super::Lowerer;

impl<'a> Lowerer<'a> {
    /// What a named type rule (or a hoisted inline type) becomes.
    pub(super) fn type_kind(&mut self, ty: &Type<'a>, name: &str, span: ast::Span) -> TypeKind {
        let (choices, nullable) = self.cbor_choices(ty);
        if nullable || choices.is_empty() {
            return TypeKind::Alias(self.lower_ty(ty, name));
        }
        if let [only] = choices.as_slice() {
            let t1 = &only.type1;
            if t1.operator.is_none() {
                match &t1.type2 {
                    // `foo = #6.11([uint, text])`: the rule is the tagged type, its inline
                    // content a type of its own.
                    Type2::TaggedData { .. } => {
                        return TypeKind::Alias(self.lower_type1(t1, &format!("{name}-content")));
                    }
                    // `a = ( b / c )`: the parentheses change nothing.
                    Type2::ParenthesizedType { pt, .. } => return self.type_kind(pt, name, span),
                    Type2::Map { group, span, .. } => {
                        return self.map_kind(name, *span, &|me: &mut Self, parent: &str| {
                            me.fields(group, Layout::Map, parent)
                        });
                    }
                    Type2::Array { group, span, .. } if self.list_of(group, name).is_none() => {
                        return self.array_kind(name, *span, group);
                    }
                    Type2::ChoiceFromInlineGroup { group, .. } => {
                        return TypeKind::Enum(Enum { variants: self.enum_variants(group) });
                    }
                    // `alg = 1`, a named constant (often a map key): a one-value enumeration.
                    t2 if matches!(literal_of(t2), Some(ref l) if !matches!(l, Literal::Bool(_))) => {
                        let value = literal_of(t2).expect("literal");
                        let variant =
                            EnumVariant { rust_name: None, name: literal_name(&value), value, docs: Vec::new() };
                        return TypeKind::Enum(Enum { variants: vec![variant] });
                    }
                    Type2::ChoiceFromGroup { ident, generic_args: None, span, .. } => {
                        if let Some(kind) = self.group_enum_kind(ident.ident, *span) {
                            return kind;
                        }
                    }
                    _ => {}
                }
            }
            return TypeKind::Alias(self.lower_type1(t1, name));
        }
        // Several alternatives: all literals make an enumeration, anything else a choice.
        let literals: Option<Vec<Literal>> = choices
            .iter()
            .map(|c| if c.type1.operator.is_none() { literal_of(&c.type1.type2) } else { None })
            .collect();
        if let Some(mut literals) = literals {
            // `"a" / "b" / "a"`: a value written twice is one alternative (RFC 8610 §2.2.2).
            let mut seen = Vec::new();
            literals.retain(|l| {
                !seen.contains(l) && {
                    seen.push(l.clone());
                    true
                }
            });
            if let [Literal::Float(_)] = literals.as_slice() {
                return TypeKind::Alias(self.literal_type(literals.remove(0), name, span));
            }
            let variants = literals
                .into_iter()
                .map(|value| EnumVariant { rust_name: None, name: literal_name(&value), value, docs: Vec::new() })
                .collect();
            return TypeKind::Enum(Enum { variants });
        }
        let mut variants: Vec<ChoiceVariant> = Vec::new();
        for c in &choices {
            let mut vname = self.variant_name(&c.type1);
            // `[2* text] / [2* int]`: both `array`, told apart by their position.
            if variants.iter().any(|v| v.name == vname) {
                vname = format!("{vname}-{}", variants.len() + 1);
            }
            let ty = self.lower_type1(&c.type1, &format!("{name}-{vname}"));
            variants.push(ChoiceVariant { rust_name: None, name: vname, ty, element: None });
        }
        let _ = span;
        // `bstr .cbor header_map / bstr .size 0`: a plain primitive takes every value of the
        // same primitive with constraints, so those alternatives add nothing.
        let plain: Vec<Ty> = variants
            .iter()
            .filter(|v| matches!(v.ty.kind, TyKind::Prim(_)) && v.ty == Ty::new(v.ty.kind.clone()))
            .map(|v| v.ty.clone())
            .collect();
        let mut kept: Vec<ChoiceVariant> = Vec::new();
        for v in variants {
            let subsumed = v.ty.tag.is_none()
                && !v.ty.nullable
                && plain.iter().any(|p| p.kind == v.ty.kind)
                && (v.ty != Ty::new(v.ty.kind.clone()) || kept.iter().any(|k| k.ty == v.ty));
            if !subsumed {
                kept.push(v);
            }
        }
        if let [only] = kept.as_slice() {
            return TypeKind::Alias(only.ty.clone());
        }
        TypeKind::Choice(Choice { variants: kept })
    }

    pub(super) fn variant_name(&self, t1: &Type1) -> String {
        match &t1.type2 {
            Type2::Typename { ident, .. } => ident.ident.to_owned(),
            // `{ script.DateLocalValue }` is that group's alternative, not an anonymous map.
            Type2::Map { group, .. } => self.group_map_ref(group).unwrap_or_else(|| "map".into()),
            Type2::Array { .. } => "array".into(),
            Type2::TaggedData { tag, .. } => match tag.as_ref().and_then(|t| t.as_literal()) {
                Some(n) => format!("tag{n}"),
                None => "tagged".into(),
            },
            other => literal_of(other).map(|l| literal_name(&l)).unwrap_or_else(|| "value".into()),
        }
    }

    /// A type in a field or alias position.
    pub(super) fn lower_ty(&mut self, ty: &Type<'a>, hint: &str) -> Ty {
        let (choices, nullable) = self.cbor_choices(ty);
        let mut out = match choices.as_slice() {
            [] => Ty::prim(Prim::Null),
            [only] => self.lower_type1(&only.type1, hint),
            _ => {
                let non_null = Type { type_choices: choices.iter().map(|c| (*c).clone()).collect(), span: ty.span };
                let kind = self.type_kind(&non_null, hint, ty.span);
                self.hoist(hint, Vec::new(), ty.span, kind)
            }
        };
        if nullable && !choices.is_empty() {
            out.nullable = true;
        }
        out
    }

    pub(super) fn lower_type1(&mut self, t1: &Type1<'a>, hint: &str) -> Ty {
        let Some(op) = &t1.operator else { return self.lower_type2(&t1.type2, hint) };
        match &op.operator {
            RangeCtlOp::RangeOp { is_inclusive, .. } => {
                let (lo, hi) = (self.constant(&t1.type2), self.constant(&op.type2));
                let (Some(lo), Some(hi)) = (lo, hi) else {
                    self.error(t1.span, "range bounds must be numbers");
                    return Ty::prim(Prim::Int);
                };
                let prim = match (&lo, &hi) {
                    (Literal::Int(a), Literal::Int(_)) if *a >= 0 => Prim::Uint,
                    (Literal::Int(_), Literal::Int(_)) => Prim::Int,
                    _ => Prim::Float { bits: 64 },
                };
                let mut ty = Ty::prim(prim);
                ty.constraints.push(Constraint::Range {
                    min: Some(Bound { value: lo, inclusive: true }),
                    max: Some(Bound { value: hi, inclusive: *is_inclusive }),
                });
                ty
            }
            RangeCtlOp::CtlOp { ctrl, .. } => {
                let mut ty = self.lower_type2(&t1.type2, hint);
                match ctrl {
                    ControlOperator::SIZE => match (self.size_arg(&op.type2), self.prim_of(&ty)) {
                        (Some((min, max)), Some(p @ (Prim::Uint | Prim::Int | Prim::Nint))) => {
                            if let Some(range) = int_size(&p, min, max) {
                                ty.constraints.push(range);
                            }
                        }
                        (Some((min, max)), Some(Prim::Text | Prim::Bytes)) => {
                            ty.constraints.push(Constraint::Size { min, max })
                        }
                        (Some((min, max)), None) if self.has_len(&ty) => {
                            ty.constraints.push(Constraint::Size { min, max })
                        }
                        (Some(_), _) => self.error(
                            t1.span,
                            "`.size` applies to text, bytes and integers (RFC 8610 §3.8.1); this type is none of them",
                        ),
                        (None, _) => self.error(t1.span, "`.size` takes a number or a range of numbers"),
                    },
                    ControlOperator::LT | ControlOperator::LE | ControlOperator::GT | ControlOperator::GE => {
                        let Some(v) = self.constant(&op.type2) else {
                            self.error(t1.span, "comparison operators take a number");
                            return ty;
                        };
                        if let Some(p) = self.prim_of(&ty).filter(|p| !is_number(p)) {
                            // RFC 8610 §3.8.6 compares numbers; on text it has no meaning a
                            // decoder could check.
                            let hint = match p {
                                Prim::Text | Prim::Bytes => "; to bound a length, use `.size (0..N)`",
                                _ => "",
                            };
                            self.error(t1.span, format!("`{ctrl}` compares numbers, not {}{hint}", prim_word(&p)));
                            return ty;
                        }
                        let (min, max) = match ctrl {
                            ControlOperator::LT => (None, Some(Bound { value: v, inclusive: false })),
                            ControlOperator::LE => (None, Some(Bound { value: v, inclusive: true })),
                            ControlOperator::GT => (Some(Bound { value: v, inclusive: false }), None),
                            _ => (Some(Bound { value: v, inclusive: true }), None),
                        };
                        ty.constraints.push(Constraint::Range { min, max });
                    }
                    ControlOperator::DEFAULT => match self.constant(&op.type2) {
                        Some(v) => ty.default = Some(v),
                        // `.default null`: absence already reads as no value.
                        None if matches!(&op.type2, Type2::Typename { ident, .. } if ident.ident == "null" || ident.ident == "nil") =>
                            {}
                        None => self.error(t1.span, "`.default` takes a literal value"),
                    },
                    // The embedded item stays its exact bytes: signatures (COSE, SUIT) cover
                    // them, and re-encoding could change them. Decode it with its own type.
                    ControlOperator::CBOR | ControlOperator::CBORSEQ
                        if matches!(self.prim_of(&ty), Some(Prim::Bytes)) => {}
                    // Validator notions the generated types do not check: a bit set is its
                    // integer or bytes, a feature annotation changes nothing on the wire, and
                    // `.ne` excludes one value the decoder lets through.
                    ControlOperator::BITS | ControlOperator::FEATURE | ControlOperator::NE => {}
                    ControlOperator::REGEXP | ControlOperator::PCRE => match literal_of(&op.type2) {
                        Some(Literal::Text(re)) => ty.constraints.push(Constraint::Pattern(re)),
                        _ => self.error(t1.span, "`.regexp` takes a text literal"),
                    },
                    other => {
                        self.error(t1.span, format!("control operator `{other}` is not supported by the generator"))
                    }
                }
                ty
            }
        }
    }

    pub(super) fn prim_of(&self, ty: &Ty) -> Option<Prim> {
        match &ty.kind {
            TyKind::Prim(p) => Some(p.clone()),
            TyKind::Named(n) => {
                let &i = self.index.get(n)?;
                let t = self.rules[i].1.types.first()?;
                match t.value.type_choices.as_slice() {
                    [c] => match &c.type1.type2 {
                        Type2::Typename { ident, .. } => prelude(ident.ident).map(|(p, _)| p),
                        _ => None,
                    },
                    _ => None,
                }
            }
            TyKind::List { .. } | TyKind::Rust { .. } => None,
        }
    }

    /// Whether a `.size` check on `ty` can count its length: a list, or a rule that is text or
    /// bytes behind an alias chain the generator can see.
    fn has_len(&self, ty: &Ty) -> bool {
        match &ty.kind {
            TyKind::List { .. } => true,
            TyKind::Named(n) => self.types.iter().find(|t| &t.name == n).is_some_and(|t| match &t.kind {
                TypeKind::Alias(inner) if inner.tag.is_none() => {
                    matches!(inner.kind, TyKind::Prim(Prim::Text | Prim::Bytes) | TyKind::List { .. })
                }
                _ => false,
            }),
            _ => false,
        }
    }

    pub(super) fn size_arg(&self, t2: &Type2) -> Option<(u64, Option<u64>)> {
        match t2 {
            Type2::UintValue { value, .. } => Some((*value as u64, Some(*value as u64))),
            Type2::ParenthesizedType { pt, .. } => match pt.type_choices.as_slice() {
                [TypeChoice { type1, .. }] => match &type1.operator {
                    None => self.size_arg(&type1.type2),
                    Some(op) => match (&op.operator, self.constant(&type1.type2), self.constant(&op.type2)) {
                        (RangeCtlOp::RangeOp { is_inclusive, .. }, Some(Literal::Int(a)), Some(Literal::Int(b))) => {
                            let b = if *is_inclusive { b } else { b - 1 };
                            Some((a as u64, Some(b as u64)))
                        }
                        _ => None,
                    },
                },
                _ => None,
            },
            Type2::Typename { ident, generic_args: None, .. } => match self.constant(t2) {
                Some(Literal::Int(n)) => Some((n as u64, Some(n as u64))),
                // `.size sizes` with `sizes = 1..4`: the named range.
                _ => {
                    let &i = self.index.get(ident.ident)?;
                    let [rule] = self.rules[i].1.types.as_slice() else { return None };
                    let [c] = rule.value.type_choices.as_slice() else { return None };
                    match &c.type1.operator {
                        Some(_) => self.size_arg(&Type2::ParenthesizedType {
                            pt: rule.value.clone(),
                            comments_before_type: None,
                            comments_after_type: None,
                            span: rule.value.span,
                        }),
                        None => None,
                    }
                }
            },
            _ => None,
        }
    }

    /// A literal, or a rule whose whole value is one literal.
    /// The literal `t2` is, directly or through rules that are one literal (`a = b`, `b = 1`);
    /// a chain of rules naming each other (`a = b`, `b = a`) is none.
    pub(super) fn constant(&self, t2: &Type2) -> Option<Literal> {
        let mut t2 = t2;
        for _ in 0..16 {
            if let Some(l) = literal_of(t2) {
                return Some(l);
            }
            let Type2::Typename { ident, generic_args: None, .. } = t2 else { return None };
            let &i = self.index.get(ident.ident)?;
            let t = self.rules[i].1.types.first()?;
            match t.value.type_choices.as_slice() {
                [c] if c.type1.operator.is_none() => t2 = &c.type1.type2,
                _ => return None,
            }
        }
        None
    }

    pub(super) fn lower_type2(&mut self, t2: &Type2<'a>, hint: &str) -> Ty {
        match t2 {
            Type2::Typename { ident, generic_args, span } => {
                if let Some(l) = literal_of(t2) {
                    return self.literal_type(l, hint, *span);
                }
                let ident = ident.clone();
                self.typename(&ident, generic_args.as_ref(), *span, hint)
            }
            Type2::ParenthesizedType { pt, .. } => self.lower_ty(pt, hint),
            Type2::Map { group, span, .. } => match self.group_map_ref(group) {
                Some(g) => self.group_struct(&g),
                None => {
                    let kind = self
                        .map_kind(hint, *span, &|me: &mut Self, parent: &str| me.fields(group, Layout::Map, parent));
                    self.hoist(hint, Vec::new(), *span, kind)
                }
            },
            Type2::Array { group, span, .. } => match self.list_of(group, hint) {
                Some((entry, min, max)) => {
                    let item_hint = format!("{hint}-item");
                    let item = match entry {
                        GroupEntry::ValueMemberKey { ge, .. } => self.lower_ty(&ge.entry_type, &item_hint),
                        GroupEntry::TypeGroupname { ge, span, .. } => {
                            self.typename(&ge.name, ge.generic_args.as_ref(), *span, &item_hint)
                        }
                        GroupEntry::InlineGroup { group, .. } => match paren_type(group) {
                            Some(ty) => self.lower_ty(ty, &item_hint),
                            None => unreachable!("list_of only returns keyless entries"),
                        },
                    };
                    Ty::new(TyKind::List { item: Box::new(item), min, max })
                }
                None => {
                    let kind = self.array_kind(hint, *span, group);
                    self.hoist(hint, Vec::new(), *span, kind)
                }
            },
            Type2::ChoiceFromInlineGroup { group, span, .. } => {
                let variants = self.enum_variants(group);
                self.hoist(hint, Vec::new(), *span, TypeKind::Enum(Enum { variants }))
            }
            Type2::ChoiceFromGroup { ident, generic_args: None, span, .. } => self.group_enum(ident.ident, *span),
            Type2::TaggedData { tag, t, span, .. } => {
                let mut ty = self.lower_ty(t, hint);
                match tag.as_ref().and_then(|t| t.as_literal()) {
                    Some(n) => {
                        if let Some(inner) = ty.tag {
                            // `#6.13(#6.11(body))`: a `Ty` holds one tag, so the inner tagged
                            // value becomes a tagged rule of its own, which reads its own tag.
                            let kind = TypeKind::Alias(ty);
                            ty = self.hoist(&format!("{hint}-tag{inner}"), Vec::new(), *span, kind);
                        }
                        ty.tag = Some(n);
                    }
                    None => self.error(*span, "a tag needs a literal number: `#6.N(T)`"),
                }
                ty
            }
            Type2::Any { .. } => Ty::prim(Prim::Any),
            // A byte-string literal (`h'01'`, `'ab'`) is a one-value enumeration like the others.
            Type2::UintValue { span, .. }
            | Type2::IntValue { span, .. }
            | Type2::FloatValue { span, .. }
            | Type2::TextValue { span, .. }
            | Type2::UTF8ByteString { span, .. }
            | Type2::B16ByteString { span, .. }
            | Type2::B64ByteString { span, .. } => {
                let l = literal_of(t2).expect("literal");
                self.literal_type(l, hint, *span)
            }
            Type2::ChoiceFromGroup { span, .. } => {
                self.error(*span, "generic groups as enumerations are not supported");
                Ty::prim(Prim::Any)
            }
            Type2::Unwrap { ident, generic_args, span, .. } => {
                // `~tagged`: the tag's content (`~time` is `number`, `~uri` is `text`).
                let ident = ident.clone();
                let ty = self.typename(&ident, generic_args.as_ref(), *span, hint);
                let ty = match &ty.kind {
                    TyKind::Named(n) => match self.types.iter().find(|t| &t.name == n).map(|t| &t.kind) {
                        Some(TypeKind::Alias(inner)) if inner.tag.is_some() => inner.clone(),
                        // A rule defined further down (`~oid` before `oid = #6.111(bstr)`): its tag's content.
                        None => match self.tagged_content(n) {
                            Some(inner) => return self.lower_ty(&inner, hint),
                            None => ty,
                        },
                        _ => ty,
                    },
                    _ => ty,
                };
                if ty.tag.is_none() {
                    self.error(
                        *span,
                        "the unwrap operator `~` works on tagged types (`~time`) and, as an entry of a map or array, on a map or array rule (`{ ~base, extra: int }`)",
                    );
                    return Ty::prim(Prim::Any);
                }
                Ty { tag: None, ..ty }
            }
            Type2::DataMajorType { mt, constraint, span } => {
                // RFC 8610 §3.6 and Appendix D: each shorthand that names a type the prelude
                // has is that type; the rest have no single Rust form and say how to write them.
                let info = constraint.as_ref().map(|c| c.as_literal());
                match (*mt, info) {
                    (0, None) => Ty::prim(Prim::Uint),
                    (1, None) => Ty::prim(Prim::Nint),
                    (2, None) => Ty::prim(Prim::Bytes),
                    (3, None) => Ty::prim(Prim::Text),
                    (4, None) => Ty::new(TyKind::List { item: Box::new(Ty::prim(Prim::Any)), min: 0, max: None }),
                    (7, Some(Some(20 | 21))) => Ty::prim(Prim::Bool),
                    (7, Some(Some(22))) => Ty::prim(Prim::Null),
                    (7, Some(Some(23))) => Ty::prim(Prim::Undefined),
                    (7, Some(Some(25))) => Ty::prim(Prim::Float { bits: 16 }),
                    (7, Some(Some(26))) => Ty::prim(Prim::Float { bits: 32 }),
                    (7, Some(Some(27))) => Ty::prim(Prim::Float { bits: 64 }),
                    (mt, info) => {
                        let written = match info {
                            Some(Some(n)) => format!("#{mt}.{n}"),
                            Some(None) => format!("#{mt}.<type>"),
                            None => format!("#{mt}"),
                        };
                        let instead = match mt {
                            5 => "write the map: `{ * any => any }`",
                            6 => "write the tag: `#6.N(type)`",
                            7 => "write the value's type: `bool`, `null`, `undefined`, `float16` … (`#7.20`–`#7.27` are taken)",
                            _ => "only `#0`–`#4` without additional information have a Rust form: write a range or `.size` instead",
                        };
                        self.error(
                            *span,
                            format!("the major-type shorthand `{written}` has no Rust form here; {instead}"),
                        );
                        Ty::prim(Prim::Any)
                    }
                }
            }
        }
    }

    /// For `~name` where `name` is a rule that is one map or array (not generic): the rule's
    /// name, and the layout and group of its body.
    pub(super) fn unwrap_rule(&self, ty: &Type<'a>) -> Option<(String, (Layout, &'a Group<'a>))> {
        let [c] = ty.type_choices.as_slice() else { return None };
        let Type2::Unwrap { ident, generic_args: None, .. } = &c.type1.type2 else { return None };
        if c.type1.operator.is_some() {
            return None;
        }
        let name = rule_name(ident);
        let &i = self.index.get(&name)?;
        let [rule] = self.rules[i].1.types.as_slice() else { return None };
        if rule.generic_params.is_some() {
            return None;
        }
        let [only] = rule.value.type_choices.as_slice() else { return None };
        if only.type1.operator.is_some() {
            return None;
        }
        match &only.type1.type2 {
            Type2::Map { group, .. } => Some((name, (Layout::Map, group))),
            Type2::Array { group, .. } => Some((name, (Layout::Array, group))),
            _ => None,
        }
    }

    /// The content type of a rule that is one tagged type (`oid = #6.111(bstr)` → `bstr`).
    pub(super) fn tagged_content(&self, name: &str) -> Option<Type<'a>> {
        let &i = self.index.get(name)?;
        let [rule] = self.rules[i].1.types.as_slice() else { return None };
        match rule.value.type_choices.as_slice() {
            [c] if c.type1.operator.is_none() => match &c.type1.type2 {
                Type2::TaggedData { t, .. } => Some(t.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A literal in a type position: a one-value enumeration.
    pub(super) fn literal_type(&mut self, l: Literal, hint: &str, span: ast::Span) -> Ty {
        if let Literal::Bool(b) = l {
            // `true`/`false` as a type: a `bool` that must be that value, checked both ways.
            let _ = span;
            let mut ty = Ty::prim(Prim::Bool);
            let at = Some(Bound { value: Literal::Bool(b), inclusive: true });
            ty.constraints.push(Constraint::Range { min: at.clone(), max: at });
            return ty;
        }
        if let Literal::Float(f) = l {
            // `x: 1.5`: a float that must be that value (enumerations hold integers and text).
            let mut ty = Ty::prim(Prim::Float { bits: 64 });
            let at = Some(Bound { value: Literal::Float(f), inclusive: true });
            ty.constraints.push(Constraint::Range { min: at.clone(), max: at });
            return ty;
        }
        let variant = EnumVariant { rust_name: None, name: literal_name(&l), value: l, docs: Vec::new() };
        self.hoist(hint, Vec::new(), span, TypeKind::Enum(Enum { variants: vec![variant] }))
    }

    pub(super) fn typename(
        &mut self,
        ident: &ast::Identifier<'a>,
        args: Option<&GenericArgs<'a>>,
        span: ast::Span,
        hint: &str,
    ) -> Ty {
        let name = rule_name(ident);
        if args.is_none() {
            if let Some(ty) = self.env.iter().rev().find_map(|e| e.get(&name)) {
                return ty.clone();
            }
        }
        match self.index.get(&name).copied() {
            Some(i) => {
                let def = &self.rules[i].1;
                if !def.groups.is_empty() {
                    self.error(
                        span,
                        format!("`{name}` is a group, used here as a type; write `{{ {name} }}` for a map of it"),
                    );
                    return Ty::prim(Prim::Any);
                }
                let params = def.generic_params();
                match (params.is_empty(), args) {
                    (true, None) => Ty::named(name),
                    (false, Some(args)) => self.instantiate(i, args, span),
                    (true, Some(_)) => {
                        self.error(span, format!("`{name}` takes no generic arguments"));
                        Ty::named(name)
                    }
                    (false, None) => {
                        self.error(span, format!("`{name}` is generic and needs arguments: `{name}<…>`"));
                        Ty::prim(Prim::Any)
                    }
                }
            }
            None if self.prelude_rule(&name) => Ty::named(name),
            // `[* true]`: a bare name in a group is parsed as a group reference.
            None if name == "true" || name == "false" => Ty::prim(Prim::Bool),
            None => match prelude(&name) {
                Some((prim, tag)) => {
                    let mut ty = Ty::prim(prim);
                    ty.tag = tag;
                    ty
                }
                None if name.starts_with('$') => {
                    // A type socket nobody has filled yet: any value may arrive there.
                    let _ = hint;
                    Ty::prim(Prim::Any)
                }
                // A dialect's marker, not a name: say whose and what RFC 8610 CDDL does instead.
                None if name.starts_with("_CDDL_CODEGEN_") => {
                    self.error(
                        span,
                        format!(
                            "`{name}` is a marker of cddl-codegen (dcSpark), not RFC 8610 CDDL: write the rule's \
                             type in CDDL (`bstr`, a map, …) and, to use a Rust type of your own for it, \
                             `Builder::replace(\"rule\", \"path::Type\")`"
                        ),
                    );
                    Ty::prim(Prim::Any)
                }
                None => {
                    self.error(span, format!("unresolved name `{name}`"));
                    Ty::prim(Prim::Any)
                }
            },
        }
    }
}

/// `.size` on an integer (RFC 8610 §3.8.1) bounds the bytes of its CBOR argument: `uint .size 2`
/// is `0..65535`, `int .size 1` is `-256..255`; a minimum size above one byte is a lower bound
/// on the magnitude of a `uint`. Eight bytes or more bound nothing a 64-bit value can exceed.
fn int_size(p: &Prim, min: u64, max: Option<u64>) -> Option<Constraint> {
    let cap = |n: u64| if n >= 8 { None } else { Some((1i128 << (8 * n)) - 1) };
    let top = max.and_then(cap);
    let bottom = match p {
        Prim::Uint if min >= 2 => cap(min - 1).map(|t| t + 1),
        Prim::Int | Prim::Nint => top.map(|t| -t - 1),
        _ => None,
    };
    let bound = |v: Option<i128>| v.map(|v| Bound { value: Literal::Int(v), inclusive: true });
    (top.is_some() || bottom.is_some()).then(|| Constraint::Range { min: bound(bottom), max: bound(top) })
}

fn is_number(p: &Prim) -> bool {
    matches!(p, Prim::Uint | Prim::Int | Prim::Nint | Prim::Float { .. })
}

fn prim_word(p: &Prim) -> &'static str {
    match p {
        Prim::Text | Prim::TextValue(_) => "text",
        Prim::Bytes => "bytes",
        Prim::Bool => "booleans",
        Prim::Null | Prim::Undefined => "null",
        _ => "this type",
    }
}
