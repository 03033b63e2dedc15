//! A hand-written Rust type and its attributes, read into the generator's IR, checked, and
//! printed with the generator's emitter.

use std::collections::BTreeMap;

use heck::ToKebabCase;
use osmos_emit::ir::{
    Choice, ChoiceVariant, Enum, EnumVariant, Field, Key, Layout, Literal, MessageKey, Occur, Prim, Schema, Span,
    Struct, Ty, TyKind, TypeDef, TypeKind,
};
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, GenericParam, PathArguments, Type};

use crate::attrs;

/// Which codecs the derive writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Cbor,
    Xml,
}

pub fn derive(input: &DeriveInput, wire: Wire) -> syn::Result<TokenStream> {
    check_generics(input)?;
    let c = attrs::container(&input.attrs)?;
    let ident = input.ident.unraw().to_string();
    let name = c.name.clone().or_else(|| c.element.clone()).unwrap_or_else(|| match wire {
        Wire::Cbor => ident.to_kebab_case(),
        Wire::Xml => ident.clone(),
    });
    let kind = match (&input.data, wire) {
        (Data::Struct(s), Wire::Cbor) => TypeKind::Struct(cbor_struct(&s.fields, c.array.is_some())?),
        (Data::Struct(s), Wire::Xml) => TypeKind::Struct(crate::element::xml_struct(&s.fields)?),
        (Data::Enum(e), Wire::Cbor) if e.variants.iter().all(|v| v.fields.is_empty()) => {
            TypeKind::Enum(enumeration(input, e)?)
        }
        (Data::Enum(e), Wire::Cbor) => TypeKind::Choice(choice(e)?),
        (Data::Enum(_), Wire::Xml) => {
            return Err(syn::Error::new_spanned(&input.ident, "derive(Element) is for structs: one per element"))
        }
        (Data::Union(_), _) => return Err(syn::Error::new_spanned(&input.ident, "unions cannot be derived")),
    };
    if let (Some(span), false) = (c.array, matches!(input.data, Data::Struct(_))) {
        return Err(syn::Error::new(span, "`array` is for structs"));
    }
    let message = match c.type_key {
        Some((k, span)) => {
            if wire == Wire::Xml || !matches!(kind, TypeKind::Struct(_)) {
                return Err(syn::Error::new(
                    span,
                    "a type key makes a struct an Open Screen message; this is not a CBOR struct",
                ));
            }
            if let Some(problem) = osmos_emit::keys::extension_problem(k, c.allow_any_key) {
                return Err(syn::Error::new(span, problem));
            }
            Some(MessageKey::TypeKey(k))
        }
        None => None,
    };
    let t = TypeDef {
        name,
        rust_name: Some(ident),
        external: None,
        docs: Vec::new(),
        span: Span::default(),
        message,
        kind,
    };
    let choice_check = match &t.kind {
        TypeKind::Choice(ch) => choice_check(input, ch)?,
        _ => quote!(),
    };
    let schema = Schema {
        name: "derive".into(),
        wire: match wire {
            Wire::Cbor => osmos_emit::ir::Wire::Cbor,
            Wire::Xml => osmos_emit::ir::Wire::Xml,
        },
        sources: Vec::new(),
        types: vec![t],
    };
    let items = osmos_emit::rust::derived(&schema);
    Ok(quote!(#items #choice_check))
}

/// The emitter names its one lifetime `'a`; a derived type may have that one or none.
fn check_generics(input: &DeriveInput) -> syn::Result<()> {
    for p in &input.generics.params {
        match p {
            GenericParam::Lifetime(l) if l.lifetime.ident == "a" && input.generics.params.len() == 1 => {}
            GenericParam::Lifetime(l) => {
                return Err(syn::Error::new_spanned(
                    l,
                    "osmos derives take one lifetime, named `'a` (what decoded values borrow from)",
                ))
            }
            other => return Err(syn::Error::new_spanned(other, "osmos derives take no type or const parameters")),
        }
    }
    Ok(())
}

pub(crate) fn field_name(f: &syn::Field, it: &attrs::Item) -> String {
    it.name
        .clone()
        .unwrap_or_else(|| f.ident.as_ref().map(|i| i.unraw().to_string().to_kebab_case()).unwrap_or_default())
}

pub(crate) fn rust_name(f: &syn::Field) -> Option<String> {
    f.ident.as_ref().map(|i| i.unraw().to_string())
}

fn cbor_struct(fields: &Fields, array: bool) -> syn::Result<Struct> {
    let named = match fields {
        Fields::Named(n) => &n.named,
        Fields::Unit => {
            return Ok(Struct {
                layout: if array { Layout::Array } else { Layout::Map },
                fields: Vec::new(),
                unknown: None,
                table: None,
            })
        }
        Fields::Unnamed(u) => return Err(syn::Error::new_spanned(u, "osmos structs have named fields")),
    };
    let mut out = Vec::new();
    let mut keys: BTreeMap<String, proc_macro2::Span> = BTreeMap::new();
    let mut optional_seen: Option<&syn::Field> = None;
    let mut unknown = None;
    for (i, f) in named.iter().enumerate() {
        let it = attrs::item(&f.attrs)?;
        if let Some(span) = it.unknown {
            if array || last_ident(&f.ty).as_deref() != Some("UnknownKeys") || unknown.is_some() {
                return Err(syn::Error::new(
                    span,
                    "`unknown` marks one field of a map struct, of type `osmos::cbor::UnknownKeys<'a>`",
                ));
            }
            unknown = rust_name(f);
            continue;
        }
        let (ty, occur) = field_ty(&f.ty, &it)?;
        let key = if array {
            if let Some((_, span)) = it.key {
                return Err(syn::Error::new(span, "array fields are positional: drop `key`"));
            }
            if occur == Occur::One {
                if let Some(prev) = optional_seen {
                    return Err(syn::Error::new_spanned(
                        &f.ty,
                        format!(
                            "a required field after the optional `{}`: only trailing array items may be absent",
                            prev.ident.as_ref().map(|i| i.to_string()).unwrap_or_default()
                        ),
                    ));
                }
            } else {
                optional_seen = Some(f);
            }
            Key::Position(i)
        } else {
            let Some((lit, span)) = it.key.clone() else {
                return Err(syn::Error::new_spanned(
                    f.ident.as_ref().map(|i| i.to_token_stream()).unwrap_or_else(|| f.ty.to_token_stream()),
                    "a map field needs its wire key: `#[osmos(key = 0)]` or `#[osmos(key = \"name\")]`",
                ));
            };
            let key = match lit {
                Literal::Int(i) => {
                    Key::Int(i64::try_from(i).map_err(|_| syn::Error::new(span, "an integer map key fits in an i64"))?)
                }
                Literal::Text(t) => Key::Text(t),
                _ => unreachable!("attrs accepts int and text keys only"),
            };
            if let Some(first) = keys.insert(key.to_string(), span) {
                let mut e = syn::Error::new(span, format!("duplicate field key: {key} is used twice"));
                e.combine(syn::Error::new(first, format!("{key} is first used here")));
                return Err(e);
            }
            key
        };
        reject_xml_attrs(&it)?;
        out.push(Field {
            // A text key is the field's schema name, as in CDDL (`"vendor-note": text`).
            name: match (&it.name, &key) {
                (None, Key::Text(t)) => t.clone(),
                _ => field_name(f, &it),
            },
            rust_name: rust_name(f),
            docs: Vec::new(),
            key,
            ty,
            occur,
            group: None,
            span: Span::default(),
        });
    }
    Ok(Struct { layout: if array { Layout::Array } else { Layout::Map }, fields: out, unknown, table: None })
}

fn reject_xml_attrs(it: &attrs::Item) -> syn::Result<()> {
    if it.element.is_some() || it.attribute.is_some() || it.content {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "`element`, `attribute` and `content` are for derive(Element)",
        ));
    }
    Ok(())
}

/// A CBOR field's type and occurrence: `Option<T>` is an optional field, `Nullable<T>` a value
/// or null, `Vec<T>` an array, primitives map to CBOR types, other types are decoded through
/// their own `Decode`/`Encode`.
fn field_ty(ty: &Type, it: &attrs::Item) -> syn::Result<(Ty, Occur)> {
    if let Some(inner) = generic_arg(ty, "Option") {
        return Ok((value_ty(inner, it, true)?, Occur::Optional));
    }
    Ok((value_ty(ty, it, true)?, Occur::One))
}

/// The IR type of a Rust value type; `outer` is where the field's attributes apply.
fn value_ty(ty: &Type, it: &attrs::Item, outer: bool) -> syn::Result<Ty> {
    if let Some(inner) = generic_arg(ty, "Nullable") {
        let mut t = value_ty(inner, it, outer)?;
        t.nullable = true;
        return Ok(t);
    }
    if let Some(inner) = generic_arg(ty, "Vec") {
        if last_ident(inner).as_deref() == Some("u8") {
            return Err(syn::Error::new_spanned(
                ty,
                "a byte string is `Cow<'a, [u8]>` (borrowed from the input), not `Vec<u8>`",
            ));
        }
        let (min, max) = if outer { it.count.unwrap_or((0, None)) } else { (0, None) };
        // Constraints, tags and the like belong to the items.
        let item = value_ty(inner, it, false)?;
        let mut t = Ty::new(TyKind::List { item: Box::new(item), min, max });
        if outer {
            t.default = it.default.clone();
        }
        return Ok(t);
    }
    let kind = if is_cow_of(ty, "str") {
        TyKind::Prim(Prim::Text)
    } else if is_cow_of(ty, "[u8]") {
        TyKind::Prim(Prim::Bytes)
    } else if let Type::Tuple(t) = ty {
        if !t.elems.is_empty() {
            return Err(syn::Error::new_spanned(
                ty,
                "unsupported field type: tuples have no CBOR mapping; use a struct with `#[osmos(array)]`",
            ));
        }
        TyKind::Prim(Prim::Null)
    } else {
        match last_ident(ty).as_deref() {
            Some("u64") if it.nint => return Err(syn::Error::new_spanned(ty, "`nint` values are negative: use `i64`")),
            Some("u64") => TyKind::Prim(Prim::Uint),
            Some("i64") if it.nint => TyKind::Prim(Prim::Nint),
            Some("i64") => TyKind::Prim(Prim::Int),
            Some("f64") if it.float16 => return Err(syn::Error::new_spanned(ty, "`float16` values are `f32`")),
            Some("f64") => TyKind::Prim(Prim::Float { bits: 64 }),
            Some("f32") if it.float16 => TyKind::Prim(Prim::Float { bits: 16 }),
            Some("f32") => TyKind::Prim(Prim::Float { bits: 32 }),
            Some("bool") => TyKind::Prim(Prim::Bool),
            Some("RawCbor") => TyKind::Prim(Prim::Any),
            _ => {
                unsupported(ty)?;
                TyKind::Rust { path: ty.to_token_stream().to_string(), borrows: has_lifetime(ty) }
            }
        }
    };
    let mut t = Ty::new(kind);
    if outer || !matches!(t.kind, TyKind::List { .. }) {
        t.tag = it.tag;
        t.constraints = it.constraints.clone();
        if outer {
            t.default = it.default.clone();
        }
    }
    Ok(t)
}

/// Rust types with no wire mapping of their own, each with what to write instead.
pub(crate) fn unsupported(ty: &Type) -> syn::Result<()> {
    let hint = match ty {
        Type::Reference(_) => Some("references cannot be decoded into; use `Cow<'a, str>` or `Cow<'a, [u8]>`"),
        Type::Array(_) | Type::Slice(_) => Some("use `Vec<T>` for arrays, `Cow<'a, [u8]>` for byte strings"),
        Type::Tuple(_) => Some("tuples have no CBOR mapping; use a struct with `#[osmos(array)]`"),
        Type::Ptr(_) | Type::BareFn(_) | Type::TraitObject(_) | Type::ImplTrait(_) | Type::Never(_) => {
            Some("this type has no wire form")
        }
        _ => match last_ident(ty).as_deref() {
            Some("u8" | "u16" | "u32" | "u128" | "usize") => Some(
                "unsigned integers are `u64` (CDDL `uint`); bound them with `#[osmos(size(max = 4))]` or `range(..)`",
            ),
            Some("i8" | "i16" | "i32" | "i128" | "isize") => Some(
                "signed integers are `i64` (CDDL `int`, or `nint` with `#[osmos(nint)]`); bound them with `range(..)`",
            ),
            Some("String") => Some("text is `Cow<'a, str>`, borrowed from the input where it can be"),
            Some("char") => Some("a character is text: `Cow<'a, str>` with `#[osmos(chars = 1)]`"),
            Some("HashMap" | "BTreeMap" | "HashSet" | "BTreeSet") => {
                Some("maps of the wire are structs with `#[osmos(key = ..)]` fields")
            }
            Some("Box" | "Rc" | "Arc") => Some("decoded values are held inline; use the inner type"),
            Some("Cow") => Some("`Cow` holds `str` (text) or `[u8]` (bytes)"),
            _ => None,
        },
    };
    match hint {
        Some(h) => Err(syn::Error::new_spanned(ty, format!("unsupported field type `{}`: {h}", ty.to_token_stream()))),
        None => Ok(()),
    }
}

fn enumeration(input: &DeriveInput, e: &syn::DataEnum) -> syn::Result<Enum> {
    let mut variants = Vec::new();
    let mut values: BTreeMap<String, ()> = BTreeMap::new();
    for v in &e.variants {
        let it = attrs::item(&v.attrs)?;
        let (value, span) = match (&it.value, &v.discriminant) {
            (Some((l, span)), _) => (l.clone(), *span),
            (None, Some((_, expr))) => (attrs::literal(expr)?, expr.span()),
            (None, None) => {
                return Err(syn::Error::new_spanned(
                    v,
                    "an enumeration value needs its wire value: `#[osmos(value = 3)]`, `#[osmos(value = \"name\")]` or `= 3`",
                ))
            }
        };
        if !matches!(value, Literal::Int(_) | Literal::Text(_)) {
            return Err(syn::Error::new(span, "enumeration values are integers or text"));
        }
        if values.insert(format!("{value:?}"), ()).is_some() {
            return Err(syn::Error::new(span, "duplicate enumeration value"));
        }
        let ident = v.ident.unraw().to_string();
        variants.push(EnumVariant {
            name: it.name.clone().unwrap_or_else(|| ident.to_kebab_case()),
            rust_name: Some(ident),
            value,
            docs: Vec::new(),
        });
    }
    let text = variants.iter().filter(|v| matches!(v.value, Literal::Text(_))).count();
    if text != 0 && text != variants.len() {
        return Err(syn::Error::new_spanned(&input.ident, "an enumeration's values are all integers or all text"));
    }
    Ok(Enum { variants })
}

fn choice(e: &syn::DataEnum) -> syn::Result<Choice> {
    let mut variants = Vec::new();
    for v in &e.variants {
        let ty = match &v.fields {
            Fields::Unnamed(u) if u.unnamed.len() == 1 => &u.unnamed[0].ty,
            _ => {
                return Err(syn::Error::new_spanned(
                    v,
                    "a type choice's alternatives each hold one value (`Text(Cow<'a, str>)`); \
                     an enumeration has only unit variants",
                ))
            }
        };
        let it = attrs::item(&v.attrs)?;
        let ident = v.ident.unraw().to_string();
        variants.push(ChoiceVariant {
            name: it.name.clone().unwrap_or_else(|| ident.to_kebab_case()),
            rust_name: Some(ident),
            ty: value_ty(ty, &it, true)?,
            element: None,
        });
    }
    if variants.is_empty() {
        return Err(syn::Error::new(proc_macro2::Span::call_site(), "a choice needs at least one alternative"));
    }
    Ok(Choice { variants })
}

/// A choice is decoded by its first byte, so no two alternatives may start with one CBOR major
/// type. What the IR knows is checked here, with the alternative's span; Rust types only know
/// their `Decode::MAJORS`, which a constant checks when the crate compiles.
fn choice_check(input: &DeriveInput, ch: &Choice) -> syn::Result<TokenStream> {
    let schema =
        Schema { name: String::new(), wire: osmos_emit::ir::Wire::Cbor, sources: Vec::new(), types: Vec::new() };
    let syn::Data::Enum(e) = &input.data else { return Ok(quote!()) };
    let mut seen: BTreeMap<u8, &str> = BTreeMap::new();
    let mut masks = Vec::new();
    for (v, syn_v) in ch.variants.iter().zip(&e.variants) {
        for m in schema.major_types(&v.ty) {
            if let Some(prev) = seen.insert(m, &v.name) {
                return Err(syn::Error::new_spanned(
                    &syn_v.ident,
                    format!(
                        "the alternatives `{prev}` and `{}` can both start with CBOR major type {m}; \
                         a decoder tells alternatives apart by their first byte",
                        v.name
                    ),
                ));
            }
        }
        let known: u8 = schema.major_types(&v.ty).into_iter().fold(0, |m, b| m | (1 << b));
        let dynamic = match (&v.ty.kind, v.ty.tag) {
            (TyKind::Rust { path, .. }, None) => {
                let t = static_lifetimes(path);
                Some(quote!(<#t as ::osmos::cbor::Decode<'static>>::MAJORS))
            }
            _ => None,
        };
        masks.push(match dynamic {
            Some(d) => quote!(#known | #d),
            None => quote!(#known),
        });
    }
    if masks.len() < 2 || ch.variants.iter().all(|v| !matches!(v.ty.kind, TyKind::Rust { .. })) {
        return Ok(quote!());
    }
    let n = masks.len();
    let msg = format!(
        "osmos: two alternatives of `{}` can start with the same CBOR major type (see their `Decode::MAJORS`); \
         a decoder tells alternatives apart by their first byte",
        input.ident
    );
    Ok(quote! {
        const _: () = {
            let masks: [u8; #n] = [#(#masks),*];
            let mut seen = 0u8;
            let mut i = 0;
            while i < #n {
                assert!(seen & masks[i] == 0, #msg);
                seen |= masks[i];
                i += 1;
            }
        };
    })
}

/// A type's tokens with `'a` made `'static`, for use in a constant outside the impl.
pub fn static_lifetimes(path: &str) -> TokenStream {
    let ty: Type = syn::parse_str(path).expect("a type the derive read");
    relifetime(ty.into_token_stream())
}

fn relifetime(ts: TokenStream) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    let mut out = TokenStream::new();
    let mut after_quote = false;
    for tt in ts {
        let next = match tt {
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), relifetime(g.stream()));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            TokenTree::Ident(i) if after_quote && i == "a" => {
                TokenTree::Ident(proc_macro2::Ident::new("static", i.span()))
            }
            other => other,
        };
        after_quote = matches!(&next, TokenTree::Punct(p) if p.as_char() == '\'');
        out.extend([next]);
    }
    out
}

/// `T` of `Name<T>` when `ty` is `Name<T>` (by last path segment).
pub(crate) fn generic_arg<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else { return None };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

pub(crate) fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Group(g) => last_ident(&g.elem),
        Type::Paren(p) => last_ident(&p.elem),
        _ => None,
    }
}

/// `Cow<'_, str>` / `Cow<'_, [u8]>`.
pub(crate) fn is_cow_of(ty: &Type, inner: &str) -> bool {
    generic_arg(ty, "Cow").is_some_and(|t| t.to_token_stream().to_string().replace(' ', "") == inner)
}

pub(crate) fn has_lifetime(ty: &Type) -> bool {
    ty.to_token_stream().into_iter().any(|tt| contains_lifetime(&tt))
}

fn contains_lifetime(tt: &proc_macro2::TokenTree) -> bool {
    match tt {
        proc_macro2::TokenTree::Punct(p) => p.as_char() == '\'',
        proc_macro2::TokenTree::Group(g) => g.stream().into_iter().any(|t| contains_lifetime(&t)),
        _ => false,
    }
}
