//! Reading the `cddl` AST: rule names, comments, literals, occurrences and labels.

use cddl::ast::{self, Group, GroupEntry, MemberKey, Occur as AstOccur, Type, Type1, Type2, TypeChoice};
use cddl::token::{SocketPlug, Value};

use crate::ir::{Literal, Ty, TyKind};

pub(super) fn rule_name(ident: &ast::Identifier) -> String {
    match ident.socket {
        Some(SocketPlug::TYPE) => format!("${}", ident.ident),
        Some(SocketPlug::GROUP) => format!("$${}", ident.ident),
        None => ident.ident.to_owned(),
    }
}

pub(super) fn comments_of<'a>(c: &Option<ast::Comments<'a>>) -> Vec<&'a str> {
    c.as_ref().map(|c| c.0.iter().copied().filter(|s| *s != "\n").collect()).unwrap_or_default()
}

pub(super) fn doc_lines(comments: &[&str]) -> Vec<String> {
    comments
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        // A comment line `- item` is prose, not a Markdown list whose next lines would have
        // to be indented (EAT's comments are such lists).
        .map(|c| match c.strip_prefix("- ") {
            Some(rest) => format!("\\- {rest}"),
            None => c.to_owned(),
        })
        .collect()
}

pub(super) fn occur_of(o: &Option<ast::Occurrence>) -> Option<AstOccur> {
    o.as_ref().map(|o| o.occur)
}

pub(super) fn list_bounds(o: AstOccur) -> Option<(u64, Option<u64>)> {
    match o {
        AstOccur::ZeroOrMore { .. } => Some((0, None)),
        AstOccur::OneOrMore { .. } => Some((1, None)),
        AstOccur::Exact { lower, upper, .. } => Some((lower.unwrap_or(0) as u64, upper.map(|u| u as u64))),
        AstOccur::Optional { .. } => None,
    }
}

pub(super) fn literal_of(t2: &Type2) -> Option<Literal> {
    match t2 {
        Type2::UintValue { value, .. } => Some(Literal::Int(*value as i128)),
        Type2::IntValue { value, .. } => Some(Literal::Int(*value as i128)),
        Type2::FloatValue { value, .. } => Some(Literal::Float(*value)),
        Type2::TextValue { value, .. } => Some(Literal::Text(value.to_string())),
        Type2::UTF8ByteString { value, .. }
        | Type2::B16ByteString { value, .. }
        | Type2::B64ByteString { value, .. } => Some(Literal::Bytes(value.to_vec())),
        Type2::Typename { ident, generic_args: None, .. } if ident.socket.is_none() => match ident.ident {
            "true" => Some(Literal::Bool(true)),
            "false" => Some(Literal::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn value_literal(v: &Value) -> Option<Literal> {
    match v {
        Value::UINT(u) => Some(Literal::Int(*u as i128)),
        Value::INT(i) => Some(Literal::Int(*i as i128)),
        Value::FLOAT(f) => Some(Literal::Float(*f)),
        Value::TEXT(t) => Some(Literal::Text(t.to_string())),
        Value::BYTE(_) => None,
    }
}

pub(super) fn literal_name(l: &Literal) -> String {
    match l {
        Literal::Int(i) if *i < 0 => format!("minus-{}", -i),
        Literal::Int(i) => format!("v{i}"),
        Literal::Float(f) => format!("v{}", f.to_string().replace(['.', '-'], "_")),
        Literal::Text(t) => t.clone(),
        // `'ab'` (and `h'6162'`) is `ab`; other bytes are named by their hex digits (`h0102`).
        Literal::Bytes(b) => match std::str::from_utf8(b) {
            Ok(t)
                if t.starts_with(|c: char| c.is_ascii_alphabetic())
                    && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                t.to_string()
            }
            _ => format!("h{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
        },
        Literal::Bool(b) => b.to_string(),
    }
}

pub(super) fn is_null(t1: &Type1) -> bool {
    t1.operator.is_none()
        && matches!(&t1.type2, Type2::Typename { ident, generic_args: None, .. }
            if ident.socket.is_none() && (ident.ident == "null" || ident.ident == "nil"))
}

/// The name of the group entry's trailing `; name` comment, and any further comment lines.
pub(super) fn entry_comments<'a>(trailing: &Option<ast::Comments<'a>>, comma: &ast::OptionalComma<'a>) -> Vec<&'a str> {
    let mut c = comments_of(trailing);
    c.extend(comments_of(&comma.trailing_comments));
    c
}

/// What a key expression is on the CBOR wire (see `Lowerer::cbor_constant`).
pub(super) enum KeyValue {
    /// One literal.
    Lit(Literal),
    /// Nothing: every alternative is JSON-only.
    JsonOnly,
    /// Not a constant.
    Unknown,
}

pub(super) enum FieldName {
    Bare(String),
    Lit(Literal),
    /// A key written as a named constant: the field takes the constant's name.
    Const(String, Literal),
}

/// A name for a lowered type, for naming generic instances.
pub(super) fn ty_label(ty: &Ty) -> String {
    let base = match &ty.kind {
        TyKind::Named(n) => n.clone(),
        TyKind::Prim(p) => format!("{p:?}").to_lowercase().replace([' ', '{', '}', ':'], ""),
        TyKind::Rust { path, .. } => path.clone(),
        TyKind::List { item, .. } => format!("list-{}", ty_label(item)),
    };
    match ty.tag {
        Some(t) => format!("tag{t}-{base}"),
        None => base,
    }
}

/// A name for one alternative of a group choice: its first entry's key or group name.
pub(super) fn choice_label(gc: &ast::GroupChoice, i: usize) -> String {
    match gc.group_entries.first() {
        Some((entry, _)) => entry_label(entry, i),
        None => "empty".into(),
    }
}

pub(super) fn entry_label(entry: &GroupEntry, i: usize) -> String {
    match entry {
        GroupEntry::ValueMemberKey { ge, .. } => match &ge.member_key {
            Some(MemberKey::Bareword { ident, .. }) => ident.ident.to_owned(),
            Some(MemberKey::Value { value, .. }) => match value_literal(value) {
                Some(l) => literal_name(&l),
                None => format!("alt{i}"),
            },
            Some(MemberKey::Type1 { t1, .. }) => match &t1.type2 {
                Type2::Typename { ident, .. } => ident.ident.to_owned(),
                other => literal_of(other).map(|l| literal_name(&l)).unwrap_or_else(|| format!("alt{i}")),
            },
            _ => format!("alt{i}"),
        },
        GroupEntry::TypeGroupname { ge, .. } => rule_name(&ge.name),
        GroupEntry::InlineGroup { group, .. } => match group.group_choices.first() {
            Some(gc) => choice_label(gc, i),
            None => format!("alt{i}"),
        },
    }
}

/// The one type inside parentheses that the parser read as a group (`(tstr / int)`).
pub(super) fn paren_type<'g, 'a>(group: &'g Group<'a>) -> Option<&'g Type<'a>> {
    let [gc] = group.group_choices.as_slice() else { return None };
    match gc.group_entries.as_slice() {
        [(GroupEntry::ValueMemberKey { ge, .. }, _)] if ge.member_key.is_none() && ge.occur.is_none() => {
            Some(&ge.entry_type)
        }
        _ => None,
    }
}

/// The choices of a type without `null`, and whether `null` was one of them.
pub(super) fn split_null<'t, 'a>(ty: &'t Type<'a>) -> (Vec<&'t TypeChoice<'a>>, bool) {
    let mut nullable = false;
    let mut rest = Vec::new();
    for c in &ty.type_choices {
        if is_null(&c.type1) {
            nullable = true;
        } else {
            rest.push(c);
        }
    }
    (rest, nullable)
}
