//! `derive(Element)`: a hand-written XML element (a vendor payload inside a MOS
//! `mosPayload`) read into the IR for the generator's XML emitter.

use std::collections::BTreeMap;

use osmos_emit::ir::{Field, Key, Layout, Occur, Prim, Span, Struct, Ty, TyKind};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Fields, Type};

use crate::attrs;
use crate::model::{generic_arg, has_lifetime, is_cow_of, last_ident, unsupported};

pub(crate) fn xml_struct(fields: &Fields) -> syn::Result<Struct> {
    let named = match fields {
        Fields::Named(n) => &n.named,
        Fields::Unit => return Ok(Struct { layout: Layout::Element, fields: Vec::new(), unknown: None, table: None }),
        Fields::Unnamed(u) => return Err(syn::Error::new_spanned(u, "osmos elements have named fields")),
    };
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    let mut unknown = None;
    for f in named {
        let it = attrs::item(&f.attrs)?;
        if let Some(span) = it.unknown {
            if last_ident(&f.ty).as_deref() != Some("UnknownElements") || unknown.is_some() {
                return Err(syn::Error::new(
                    span,
                    "`unknown` marks one field of an element, of type `osmos::xml::UnknownElements<'a>`",
                ));
            }
            if it.key.is_some() || it.attribute.is_some() || it.element.is_some() || it.content {
                return Err(syn::Error::new(span, "an `unknown` field is not also an element, attribute or content"));
            }
            unknown = crate::model::rust_name(f);
            continue;
        }
        if let Some((_, span)) = it.key {
            return Err(syn::Error::new(
                span,
                "`key` is for CBOR maps; an element's fields are `element`, `attribute` or `content`",
            ));
        }
        let (ty, occur) = xml_field_ty(&f.ty, &it)?;
        let rust = f.ident.as_ref().map(|i| i.unraw().to_string()).unwrap_or_default();
        let key = match (&it.attribute, &it.element, it.content) {
            (Some(a), None, false) => Key::Attribute(a.clone()),
            (None, e, false) => Key::Element(e.clone().unwrap_or_else(|| rust.clone())),
            (None, None, true) => Key::Content,
            _ => return Err(syn::Error::new_spanned(&f.ty, "a field is one of `element`, `attribute` or `content`")),
        };
        if seen.insert(key.to_string(), ()).is_some() {
            return Err(syn::Error::new_spanned(&f.ty, format!("two fields are the same {key}")));
        }
        let name = it.name.clone().unwrap_or_else(|| match &key {
            Key::Element(e) | Key::Attribute(e) => e.clone(),
            _ => rust.clone(),
        });
        out.push(Field {
            name,
            rust_name: Some(rust),
            docs: Vec::new(),
            key,
            ty,
            occur,
            group: None,
            span: Span::default(),
        });
    }
    Ok(Struct { layout: Layout::Element, fields: out, unknown, table: None })
}

/// An XML field: `Option<T>` is optional, `Vec<T>` repeats the element, anything else is one.
fn xml_field_ty(ty: &Type, it: &attrs::Item) -> syn::Result<(Ty, Occur)> {
    if let Some(inner) = generic_arg(ty, "Option") {
        return Ok((xml_value_ty(inner, it)?, Occur::Optional));
    }
    if let Some(inner) = generic_arg(ty, "Vec") {
        let (min, max) = it.count.unwrap_or((0, None));
        return Ok((xml_value_ty(inner, it)?, Occur::Many { min, max }));
    }
    Ok((xml_value_ty(ty, it)?, Occur::One))
}

fn xml_value_ty(ty: &Type, it: &attrs::Item) -> syn::Result<Ty> {
    let kind = if is_cow_of(ty, "str") {
        TyKind::Prim(Prim::Text)
    } else if last_ident(ty).as_deref() == Some("RawXml") {
        TyKind::Prim(Prim::Any)
    } else {
        unsupported(ty)?;
        // Elements with their own derive, runtime values (`Lenient<'a, MosTime>`), enumerations:
        // anything with `XmlDecode`/`XmlEncode`.
        TyKind::Rust { path: ty.to_token_stream().to_string(), borrows: has_lifetime(ty) }
    };
    let mut t = Ty::new(kind);
    t.constraints = it.constraints.clone();
    Ok(t)
}
