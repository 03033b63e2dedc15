//! Computed keys (`* K => V`): tables, open maps and what a key is on the CBOR wire.

use std::collections::HashMap;

use cddl::ast::{self, GroupEntry, MemberKey, Occur as AstOccur, RangeCtlOp, Type, Type1, Type2, TypeChoice};
use cddl::token::ControlOperator;

use crate::ir::{Field, Literal, Prim, Table, Ty, TyKind};

use super::syntax::{list_bounds, literal_of, rule_name, split_null, FieldName, KeyValue};
use super::Lowerer;

impl<'a> Lowerer<'a> {
    /// `any`, or a rule that is another name for it (`values = any`).
    pub(super) fn is_any(&self, ty: &Type) -> bool {
        let [c] = ty.type_choices.as_slice() else { return false };
        if c.type1.operator.is_some() {
            return false;
        }
        match &c.type1.type2 {
            Type2::Any { .. } => true,
            Type2::Typename { ident, generic_args: None, .. } if ident.ident == "any" => true,
            Type2::Typename { ident, generic_args: None, .. } => match self.index.get(&rule_name(ident)) {
                Some(&i) => self.rules[i].1.types.len() == 1 && self.is_any(&self.rules[i].1.types[0].value),
                None => false,
            },
            _ => false,
        }
    }

    /// A map key written as a name for one literal: `lbl` with `lbl = 1`, or `&(lbl: 1)`.
    pub(super) fn named_constant(&self, t2: &Type2) -> Option<FieldName> {
        match t2 {
            Type2::Typename { ident, generic_args: None, .. } if ident.socket.is_none() => {
                let value = match self.constant(t2) {
                    Some(v) => v,
                    None => match self.cbor_constant(t2, &HashMap::new(), 0) {
                        KeyValue::Lit(v) => v,
                        _ => return None,
                    },
                };
                Some(FieldName::Const(ident.ident.to_owned(), value))
            }
            Type2::ChoiceFromInlineGroup { group, .. } => {
                let [gc] = group.group_choices.as_slice() else { return None };
                let [(GroupEntry::ValueMemberKey { ge, .. }, _)] = gc.group_entries.as_slice() else { return None };
                let Some(MemberKey::Bareword { ident, .. }) = &ge.member_key else { return None };
                let [c] = ge.entry_type.type_choices.as_slice() else { return None };
                let value = c.type1.operator.is_none().then(|| self.constant(&c.type1.type2)).flatten()?;
                Some(FieldName::Const(ident.ident.to_owned(), value))
            }
            _ => None,
        }
    }

    /// A computed key (`* K => V`, `+ tstr => T`, `K => V`): the map's typed table.
    pub(super) fn table(
        &mut self,
        parent: &str,
        t1: &Type1<'a>,
        ge: &ast::ValueMemberKeyEntry<'a>,
        occur: Option<AstOccur>,
        optional: bool,
        span: ast::Span,
    ) {
        let (min, max) = match occur {
            None if self.repeated => (0, None),
            None => (1, Some(1)),
            Some(AstOccur::Optional { .. }) => (0, Some(1)),
            Some(o) => list_bounds(o).unwrap_or((0, None)),
        };
        let min = if optional || self.repeated { 0 } else { min };
        // A second table (`{ * tstr => int, * int => text }`) is a field of its own; hoisted
        // names count the tables so two unnamed ones do not meet.
        let n = self.tables.get(parent).map_or(0, |t| 1 + t.more.len());
        let name = self.splicing.clone().unwrap_or_else(|| "entries".into());
        let hint = if n == 0 { format!("{parent}-{name}") } else { format!("{parent}-{name}-{}", n + 1) };
        let key = self.lower_type1(t1, &format!("{hint}-key"));
        let value = self.lower_ty(&ge.entry_type, &format!("{hint}-value"));
        let span = self.span(span);
        let table = Table { name, key, value, min, max, span, more: Vec::new() };
        match self.tables.get_mut(parent) {
            Some(first) => first.more.push(table),
            None => {
                self.tables.insert(parent.to_owned(), table);
            }
        }
    }

    /// The tables of the map struct `name`, renamed where a field or another table has the name:
    /// several unnamed tables are named by their key types (`text-entries`, `int-entries`).
    pub(super) fn table_field(&mut self, name: &str, fields: &[Field]) -> Option<Box<Table>> {
        let mut table = self.tables.remove(name)?;
        let mut more = std::mem::take(&mut table.more);
        let ident = |n: &str| crate::rust::naming::field_name(n);
        let fields: Vec<String> = fields.iter().map(|f| crate::rust::field_ident(f).to_string()).collect();
        let mut taken = fields.clone();
        let several = !more.is_empty();
        for t in std::iter::once(&mut table).chain(more.iter_mut()) {
            if several && t.name == "entries" {
                t.name = format!("{}-entries", key_word(&t.key));
            }
            if fields.contains(&ident(&t.name)) {
                t.name = format!("{}-entries", t.name);
            }
            let base = t.name.clone();
            let mut i = 2;
            while taken.contains(&ident(&t.name)) {
                t.name = format!("{base}-{i}");
                i += 1;
            }
            taken.push(ident(&t.name));
        }
        table.more = more;
        Some(Box::new(table))
    }

    /// The one CBOR literal a key names once JSON-only alternatives are dropped: EAT writes
    /// its claim keys `JC<"eat_nonce", 10>`, that is `"eat_nonce" .feature "json" / 10 .feature
    /// "cbor"`, and a CBOR map holds only the second. Follows rules and generic arguments.
    pub(super) fn cbor_constant(&self, t2: &Type2<'a>, env: &HashMap<String, Type1<'a>>, depth: usize) -> KeyValue {
        if depth > 16 {
            return KeyValue::Unknown;
        }
        if let Some(l) = literal_of(t2) {
            return KeyValue::Lit(l);
        }
        match t2 {
            Type2::ParenthesizedType { pt, .. } => self.cbor_constant_of(pt, env, depth + 1),
            Type2::Typename { ident, generic_args, .. } if ident.socket.is_none() => {
                if let Some(t1) = env.get(ident.ident) {
                    return self.cbor_constant_t1(&t1.clone(), &HashMap::new(), depth + 1);
                }
                let Some(&i) = self.index.get(ident.ident) else { return KeyValue::Unknown };
                let def = &self.rules[i].1;
                let [rule] = def.types.as_slice() else { return KeyValue::Unknown };
                let params = def.generic_params();
                let mut inner = HashMap::new();
                match generic_args {
                    Some(args) if args.args.len() == params.len() => {
                        for (p, a) in params.iter().zip(&args.args) {
                            // An argument may name an outer parameter: resolve it now.
                            let arg = match &a.arg.type2 {
                                Type2::Typename { ident, generic_args: None, .. } if a.arg.operator.is_none() => {
                                    env.get(ident.ident).cloned().unwrap_or_else(|| (*a.arg).clone())
                                }
                                _ => (*a.arg).clone(),
                            };
                            inner.insert((*p).to_owned(), arg);
                        }
                    }
                    None if params.is_empty() => {}
                    _ => return KeyValue::Unknown,
                }
                self.cbor_constant_of(&rule.value, &inner, depth + 1)
            }
            _ => KeyValue::Unknown,
        }
    }

    pub(super) fn cbor_constant_t1(&self, t1: &Type1<'a>, env: &HashMap<String, Type1<'a>>, depth: usize) -> KeyValue {
        match &t1.operator {
            None => self.cbor_constant(&t1.type2, env, depth),
            Some(op) => match &op.operator {
                RangeCtlOp::CtlOp { ctrl: ControlOperator::FEATURE, .. } => match literal_of(&op.type2) {
                    Some(Literal::Text(f)) if f == "json" => KeyValue::JsonOnly,
                    _ => self.cbor_constant(&t1.type2, env, depth),
                },
                _ => KeyValue::Unknown,
            },
        }
    }

    pub(super) fn cbor_constant_of(&self, ty: &Type<'a>, env: &HashMap<String, Type1<'a>>, depth: usize) -> KeyValue {
        let mut found = KeyValue::JsonOnly;
        for c in &ty.type_choices {
            match (self.cbor_constant_t1(&c.type1, env, depth), &found) {
                (KeyValue::JsonOnly, _) => {}
                (KeyValue::Lit(l), KeyValue::JsonOnly) => found = KeyValue::Lit(l),
                _ => return KeyValue::Unknown,
            }
        }
        found
    }

    /// The choices of a type without `null` (and whether it was one), less the alternatives
    /// marked `.feature "json"` (EAT's `JC<json, cbor>`): the generated types speak CBOR.
    pub(super) fn cbor_choices<'t>(&self, ty: &'t Type<'a>) -> (Vec<&'t TypeChoice<'a>>, bool) {
        let (choices, nullable) = split_null(ty);
        let cbor: Vec<&TypeChoice<'a>> = choices.iter().copied().filter(|c| !self.json_only(&c.type1, 0)).collect();
        if cbor.is_empty() {
            (choices, nullable)
        } else {
            (cbor, nullable)
        }
    }

    /// `T .feature "json"`, or a rule that is (`JSON-ONLY<J> = J .feature "json"`).
    pub(super) fn json_only(&self, t1: &Type1, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        if let Some(op) = &t1.operator {
            return matches!(&op.operator, RangeCtlOp::CtlOp { ctrl: ControlOperator::FEATURE, .. })
                && matches!(literal_of(&op.type2), Some(Literal::Text(f)) if f == "json");
        }
        let Type2::Typename { ident, .. } = &t1.type2 else { return false };
        let Some(&i) = self.index.get(ident.ident) else { return false };
        match self.rules[i].1.types.as_slice() {
            [rule] => match rule.value.type_choices.as_slice() {
                [c] => self.json_only(&c.type1, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }

    /// The field that keeps a map's other entries, where the schema allows them.
    pub(super) fn open_field(&mut self, name: &str, fields: &[Field]) -> Option<String> {
        if !self.open_maps.remove(name) {
            return None;
        }
        let taken = fields.iter().any(|f| crate::rust::field_ident(f) == "unknown");
        Some(if taken { "unknown_entries" } else { "unknown" }.into())
    }
}

/// A word for a table's key type, naming the table where a map has several.
fn key_word(ty: &Ty) -> String {
    match &ty.kind {
        TyKind::Prim(p) => match p {
            Prim::Uint => "uint",
            Prim::Nint => "nint",
            Prim::Int => "int",
            Prim::Float { .. } => "float",
            Prim::Bool => "bool",
            Prim::Text | Prim::TextValue(_) => "text",
            Prim::Bytes => "bytes",
            _ => "other",
        }
        .into(),
        TyKind::Named(n) => n.clone(),
        TyKind::List { .. } => "list".into(),
        TyKind::Rust { .. } => "other".into(),
    }
}
