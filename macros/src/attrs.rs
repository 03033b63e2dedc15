//! `#[osmos(...)]` attributes, read into plain values with the span of what set them.

use osmos_emit::ir::{Bound, Constraint, Literal};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, UnOp};

/// Attributes on the type itself.
#[derive(Default)]
pub struct Container {
    /// `array`: a positional CBOR array instead of a map.
    pub array: Option<Span>,
    /// `type_key = N`: an Open Screen message with this type key.
    pub type_key: Option<(u64, Span)>,
    /// `allow_any_key`: a type key outside the extension ranges (or a standard one) on purpose.
    pub allow_any_key: bool,
    /// `name = "..."`: the schema name (error paths, `Keyed::NAME`, enumeration names).
    pub name: Option<String>,
    /// `element = "..."`: the XML element's name.
    pub element: Option<String>,
}

/// Attributes on a field, an enumeration value or a choice alternative.
#[derive(Default)]
pub struct Item {
    /// `key = 3` or `key = "text"`.
    pub key: Option<(Literal, Span)>,
    /// `name = "..."`.
    pub name: Option<String>,
    /// `value = 3` / `value = "text"` (enumerations).
    pub value: Option<(Literal, Span)>,
    /// `nint`: an `i64` that must be negative.
    pub nint: bool,
    /// `float16`: an `f32` written as a half (CDDL `float16`).
    pub float16: bool,
    /// `tag = N`: the value is wrapped in CBOR tag N.
    pub tag: Option<u64>,
    /// `count(min = .., max = ..)`: bounds on a `Vec`'s length.
    pub count: Option<(u64, Option<u64>)>,
    /// `size(..)`, `chars(..)`, `range(..)`.
    pub constraints: Vec<Constraint>,
    /// `default = ..`: the schema's default for an absent optional field.
    pub default: Option<Literal>,
    /// XML: `element = "..."`, `attribute = "..."`, `content`.
    pub element: Option<String>,
    pub attribute: Option<String>,
    pub content: bool,
    /// `unknown`: the field keeps what the schema does not know (`UnknownKeys`, `UnknownElements`).
    pub unknown: Option<Span>,
}

fn osmos_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("osmos"))
}

pub fn container(attrs: &[Attribute]) -> syn::Result<Container> {
    let mut c = Container::default();
    for attr in osmos_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            if p.is_ident("map") {
                Ok(())
            } else if p.is_ident("array") {
                c.array = Some(p.span());
                Ok(())
            } else if p.is_ident("type_key") {
                let e: Expr = meta.value()?.parse()?;
                c.type_key = Some((unsigned(&e)?, e.span()));
                Ok(())
            } else if p.is_ident("allow_any_key") {
                c.allow_any_key = true;
                Ok(())
            } else if p.is_ident("name") {
                c.name = Some(string(&meta.value()?.parse()?)?);
                Ok(())
            } else if p.is_ident("element") {
                c.element = Some(string(&meta.value()?.parse()?)?);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown osmos attribute on a type; expected `map`, `array`, `type_key = N`, \
                     `allow_any_key`, `name = \"...\"` or `element = \"...\"`",
                ))
            }
        })?;
    }
    Ok(c)
}

pub fn item(attrs: &[Attribute]) -> syn::Result<Item> {
    let mut it = Item::default();
    for attr in osmos_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            if p.is_ident("key") {
                let e: Expr = meta.value()?.parse()?;
                let lit = match literal(&e)? {
                    l @ (Literal::Int(_) | Literal::Text(_)) => l,
                    _ => return Err(syn::Error::new_spanned(&e, "a map key is an integer or a text string")),
                };
                it.key = Some((lit, e.span()));
            } else if p.is_ident("value") {
                let e: Expr = meta.value()?.parse()?;
                it.value = Some((literal(&e)?, e.span()));
            } else if p.is_ident("name") {
                it.name = Some(string(&meta.value()?.parse()?)?);
            } else if p.is_ident("nint") {
                it.nint = true;
            } else if p.is_ident("float16") {
                it.float16 = true;
            } else if p.is_ident("tag") {
                it.tag = Some(unsigned(&meta.value()?.parse()?)?);
            } else if p.is_ident("default") {
                it.default = Some(literal(&meta.value()?.parse()?)?);
            } else if p.is_ident("count") {
                let (min, max) = min_max(&meta)?;
                it.count = Some((min, max));
            } else if p.is_ident("size") {
                let (min, max) = min_max(&meta)?;
                it.constraints.push(Constraint::Size { min, max });
            } else if p.is_ident("chars") {
                let (min, max) = min_max(&meta)?;
                it.constraints.push(Constraint::Chars { min, max });
            } else if p.is_ident("range") {
                let (mut lo, mut hi) = (None, None);
                meta.parse_nested_meta(|m| {
                    let e: Expr = m.value()?.parse()?;
                    let value = match literal(&e)? {
                        // A bool bound: `range(ge = true, le = true)` is the type `true`.
                        l @ (Literal::Int(_) | Literal::Float(_) | Literal::Bool(_)) => l,
                        _ => return Err(syn::Error::new_spanned(&e, "a range bound is a number or a bool")),
                    };
                    let (slot, inclusive) = match () {
                        _ if m.path.is_ident("ge") => (&mut lo, true),
                        _ if m.path.is_ident("gt") => (&mut lo, false),
                        _ if m.path.is_ident("le") => (&mut hi, true),
                        _ if m.path.is_ident("lt") => (&mut hi, false),
                        _ => return Err(m.error("expected `ge`, `gt`, `le` or `lt`")),
                    };
                    *slot = Some(Bound { value, inclusive });
                    Ok(())
                })?;
                it.constraints.push(Constraint::Range { min: lo, max: hi });
            } else if p.is_ident("element") {
                it.element = Some(string(&meta.value()?.parse()?)?);
            } else if p.is_ident("attribute") {
                it.attribute = Some(string(&meta.value()?.parse()?)?);
            } else if p.is_ident("content") {
                it.content = true;
            } else if p.is_ident("unknown") {
                it.unknown = Some(p.span());
            } else {
                return Err(meta.error(
                    "unknown osmos attribute; expected `key`, `name`, `value`, `nint`, `float16`, `tag`, `count(..)`, \
                     `size(..)`, `chars(..)`, `range(..)`, `default`, `element`, `attribute`, `content` or `unknown`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(it)
}

/// `size = 4` (exactly) or `size(min = 1, max = 4)`.
fn min_max(meta: &syn::meta::ParseNestedMeta) -> syn::Result<(u64, Option<u64>)> {
    if meta.input.peek(syn::Token![=]) {
        let n = unsigned(&meta.value()?.parse()?)?;
        return Ok((n, Some(n)));
    }
    let (mut min, mut max) = (0, None);
    meta.parse_nested_meta(|m| {
        let n = unsigned(&m.value()?.parse()?)?;
        if m.path.is_ident("min") {
            min = n;
        } else if m.path.is_ident("max") {
            max = Some(n);
        } else {
            return Err(m.error("expected `min` or `max`"));
        }
        Ok(())
    })?;
    if max.is_some_and(|max| max < min) {
        return Err(meta.error("`max` is below `min`"));
    }
    Ok((min, max))
}

fn unsigned(e: &Expr) -> syn::Result<u64> {
    match literal(e)? {
        Literal::Int(i) => u64::try_from(i).map_err(|_| syn::Error::new_spanned(e, "expected an unsigned integer")),
        _ => Err(syn::Error::new_spanned(e, "expected an unsigned integer")),
    }
}

fn string(e: &Expr) -> syn::Result<String> {
    match literal(e)? {
        Literal::Text(t) => Ok(t),
        _ => Err(syn::Error::new_spanned(e, "expected a string")),
    }
}

/// A literal, negative numbers included.
pub fn literal(e: &Expr) -> syn::Result<Literal> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse::<i128>().map(Literal::Int),
            Lit::Float(f) => f.base10_parse::<f64>().map(Literal::Float),
            Lit::Str(s) => Ok(Literal::Text(s.value())),
            Lit::Bool(b) => Ok(Literal::Bool(b.value)),
            Lit::ByteStr(b) => Ok(Literal::Bytes(b.value())),
            _ => Err(syn::Error::new_spanned(e, "unsupported literal")),
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match literal(&u.expr)? {
            Literal::Int(i) => Ok(Literal::Int(-i)),
            Literal::Float(f) => Ok(Literal::Float(-f)),
            _ => Err(syn::Error::new_spanned(e, "only numbers can be negative")),
        },
        Expr::Group(g) => literal(&g.expr),
        _ => Err(syn::Error::new_spanned(e, "expected a literal")),
    }
}
