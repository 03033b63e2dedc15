//! The derive form of a schema: types annotated with `#[derive(osmos::Message)]` and
//! `#[osmos(...)]` attributes that say everything the codecs need, so the derive (which reads
//! them back into this same IR) writes exactly the codecs the expanded form carries.
//!
//! The attributes speak of one field at a time, so aliases are resolved here: a field whose
//! schema type is an alias gets the alias's target type and its tag, nullability and
//! constraints as attributes.

use proc_macro2::TokenStream;
use quote::quote;

use super::Ctx;
use crate::ir::{
    ChoiceVariant, Constraint, EnumVariant, Field, Key, Layout, Literal, MessageKey, Occur, Prim, Ty, TyKind, TypeDef,
    TypeKind,
};

/// `#[osmos(name = .., array, type_key = .., allow_any_key)]`.
pub(crate) fn container(t: &TypeDef) -> Result<TokenStream, String> {
    let name = &t.name;
    let mut parts = vec![quote!(name = #name)];
    if let TypeKind::Struct(s) = &t.kind {
        match s.layout {
            Layout::Array => parts.push(quote!(array)),
            Layout::Map => {}
            Layout::Element => return Err(format!("`{name}`: the derive form is for CBOR schemas")),
            Layout::Group => return Err(format!("`{name}`: a group spliced into an array has no derive form")),
        }
        if s.table.is_some() {
            return Err(format!("`{name}`: a typed table (`* K => V`) has no derive form"));
        }
    }
    if let TypeKind::Enum(e) = &t.kind {
        if e.variants.iter().any(|v| matches!(v.value, Literal::Bytes(_))) {
            return Err(format!("`{name}`: an enumeration of byte strings has no derive form"));
        }
    }
    if let Some(MessageKey::TypeKey(k)) = &t.message {
        let key = unsuffixed(*k);
        parts.push(quote!(type_key = #key));
        // The standard's own keys lie outside the extension ranges by design.
        if crate::keys::extension_problem(*k, false).is_some() {
            parts.push(quote!(allow_any_key));
        }
    }
    Ok(quote!(#[osmos(#(#parts),*)]))
}

/// A field's Rust type and attributes.
pub(crate) fn field(ctx: &Ctx, layout: Layout, f: &Field) -> Result<(TokenStream, TokenStream), String> {
    let (ty, mut parts) = value(ctx, &f.ty, true).map_err(|e| format!("field `{}`: {e}", f.name))?;
    let ty = match f.occur {
        Occur::One => ty,
        Occur::Optional => quote!(Option<#ty>),
        Occur::Many { .. } => return Err(format!("field `{}`: repeated fields are XML", f.name)),
    };
    let name = &f.name;
    parts.insert(0, quote!(name = #name));
    match (&f.key, layout) {
        (Key::Int(i), Layout::Map) => {
            let i = literal(&Literal::Int(i128::from(*i)));
            parts.insert(0, quote!(key = #i))
        }
        (Key::Text(t), Layout::Map) => parts.insert(0, quote!(key = #t)),
        (Key::Position(_), Layout::Array) => {}
        (k, _) => return Err(format!("field `{}`: {k} has no derive form", f.name)),
    }
    if let Some(d) = &f.ty.default {
        let d = literal(d);
        parts.push(quote!(default = #d));
    }
    Ok((ty, quote!(#[osmos(#(#parts),*)])))
}

/// `#[osmos(value = .., name = ..)]` on an enumeration value.
pub(crate) fn enum_value(v: &EnumVariant) -> TokenStream {
    let value = literal(&v.value);
    let name = &v.name;
    quote!(#[osmos(value = #value, name = #name)])
}

/// A choice alternative's Rust type and attributes.
pub(crate) fn variant(ctx: &Ctx, v: &ChoiceVariant) -> Result<(TokenStream, TokenStream), String> {
    let (ty, mut parts) = value(ctx, &v.ty, true).map_err(|e| format!("alternative `{}`: {e}", v.name))?;
    let name = &v.name;
    parts.insert(0, quote!(name = #name));
    Ok((ty, quote!(#[osmos(#(#parts),*)])))
}

/// The Rust type of a value with its aliases resolved, and the attribute parts that carry what
/// the aliases added. The derive gives a `Vec` field's attributes (but `count`) to its items, so
/// a list may not carry a tag or constraints of its own, nor bounds below the outermost list.
fn value(ctx: &Ctx, ty: &Ty, outer: bool) -> Result<(TokenStream, Vec<TokenStream>), String> {
    let eff = ctx.effective(ty);
    let (base, parts) = match eff.kind {
        TyKind::List { item, min, max } => {
            if eff.tag.is_some() || !eff.constraints.is_empty() {
                return Err("a tag or constraint on a whole list has no derive form".into());
            }
            let mut parts = Vec::new();
            if *min > 0 || max.is_some() {
                if !outer {
                    return Err("bounds on a nested list have no derive form".into());
                }
                let (min, max) = (unsuffixed(*min), max.map(unsuffixed));
                let max = max.map(|m| quote!(, max = #m));
                parts.push(quote!(count(min = #min #max)));
            }
            let (item_ty, item_parts) = value(ctx, item, false)?;
            parts.extend(item_parts);
            (quote!(Vec<#item_ty>), parts)
        }
        kind => {
            if let TyKind::Prim(Prim::TextValue(p)) = kind {
                return Err(format!("the runtime value `{p}` has no derive form in CBOR"));
            }
            let mut parts = Vec::new();
            if matches!(kind, TyKind::Prim(Prim::Nint)) {
                parts.push(quote!(nint));
            }
            if matches!(kind, TyKind::Prim(Prim::Float { bits: 16 })) {
                parts.push(quote!(float16));
            }
            if let Some(tag) = eff.tag {
                let tag = unsuffixed(tag);
                parts.push(quote!(tag = #tag));
            }
            parts.extend(eff.constraints.iter().filter_map(|c| constraint(c)));
            let ty = match kind {
                // Short names: the derive form starts with `use` items for these.
                TyKind::Prim(Prim::Text) => quote!(Cow<'a, str>),
                TyKind::Prim(Prim::Bytes) => quote!(Cow<'a, [u8]>),
                TyKind::Prim(Prim::Any) => quote!(RawCbor<'a>),
                kind => ctx.rust_ty(&Ty::new(kind.clone())),
            };
            (ty, parts)
        }
    };
    let base = if eff.nullable { quote!(Nullable<#base>) } else { base };
    Ok((base, parts))
}

fn constraint(c: &Constraint) -> Option<TokenStream> {
    let min_max = |min: &u64, max: &Option<u64>| {
        let min = unsuffixed(*min);
        let max = max.map(unsuffixed).map(|m| quote!(, max = #m));
        quote!((min = #min #max))
    };
    Some(match c {
        Constraint::Size { min, max } => {
            let mm = min_max(min, max);
            quote!(size #mm)
        }
        Constraint::Chars { min, max } => {
            let mm = min_max(min, max);
            quote!(chars #mm)
        }
        Constraint::Range { min, max } => {
            let mut bounds = Vec::new();
            if let Some(b) = min {
                let v = literal(&b.value);
                bounds.push(if b.inclusive { quote!(ge = #v) } else { quote!(gt = #v) });
            }
            if let Some(b) = max {
                let v = literal(&b.value);
                bounds.push(if b.inclusive { quote!(le = #v) } else { quote!(lt = #v) });
            }
            quote!(range(#(#bounds),*))
        }
        // Patterns are documentation on CBOR (no runtime regex), as in the expanded form.
        Constraint::Pattern(_) => return None,
    })
}

/// A literal as an unsuffixed Rust literal (negative numbers as `-N`).
fn literal(l: &Literal) -> TokenStream {
    match l {
        Literal::Int(i) if *i < 0 => {
            let n = proc_macro2::Literal::u128_unsuffixed(i.unsigned_abs());
            quote!(-#n)
        }
        Literal::Int(i) => {
            let n = proc_macro2::Literal::u128_unsuffixed(*i as u128);
            quote!(#n)
        }
        Literal::Float(f) if *f < 0.0 => {
            let n = proc_macro2::Literal::f64_unsuffixed(-f);
            quote!(-#n)
        }
        Literal::Float(f) => {
            let n = proc_macro2::Literal::f64_unsuffixed(*f);
            quote!(#n)
        }
        Literal::Text(t) => quote!(#t),
        Literal::Bool(b) => quote!(#b),
        Literal::Bytes(b) => {
            let b = proc_macro2::Literal::byte_string(b);
            quote!(#b)
        }
    }
}

fn unsuffixed(n: u64) -> proc_macro2::Literal {
    proc_macro2::Literal::u64_unsuffixed(n)
}
