//! XML codecs for the generated types, on the runtime's `osmos::xml` decoder and writers.
//!
//! Per type: a struct with [`Layout::Element`] gets `XmlDecode` (attributes, then child
//! elements dispatched by name in any order, then the required-field checks) and `XmlEncode`
//! (attributes and children in schema order, absent optionals and empty repetitions left out);
//! an enumeration gets `XmlText` (its wire value), which gives it `XmlDecode`/`XmlEncode` through
//! the runtime's blanket impls; a choice dispatches on its alternatives' element names.
//!
//! For the schema: the `Message` enum over every element-named message with its dispatch on
//! the element name, the `MESSAGES` table, and on the envelope (the root element that carries
//! the message choice, `<mos>`) `decode`, `decode_with`, `encode` and `encode_utf16be`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ident, number, opt, slot, Ctx, Options};
use crate::ir::{
    ChoiceVariant, Constraint, Field, Key, Layout, Literal, MessageKey, Occur, Prim, Struct, Ty, TyKind, TypeDef,
    TypeKind,
};

pub(crate) fn emit(ctx: &Ctx, t: &TypeDef) -> TokenStream {
    match &t.kind {
        TypeKind::Struct(s) if s.layout == Layout::Element => struct_codec(ctx, t, s),
        TypeKind::Struct(_) => quote!(),
        TypeKind::Enum(e) => enum_codec(ctx, t, e),
        TypeKind::Choice(c) => choice_codec(ctx, t, &c.variants),
        TypeKind::Alias(_) => quote!(),
    }
}

/// How a value is read from text, if it is a text value at all.
enum ValueKind {
    /// Parsed from the element's text with `XmlText`.
    Text,
    /// Raw content (`RawXml`).
    Raw,
    /// A struct or choice with its own `XmlDecode`.
    Element,
}

fn value_kind(ctx: &Ctx, ty: &Ty) -> ValueKind {
    let eff = ctx.effective(ty);
    match eff.kind {
        TyKind::Prim(Prim::Any) => ValueKind::Raw,
        TyKind::Prim(_) => ValueKind::Text,
        TyKind::Named(n) => match ctx.get(n).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => ValueKind::Text,
            Some(TypeKind::Alias(_)) | None => ValueKind::Text,
            _ => ValueKind::Element,
        },
        // A Rust type the schema cannot see into decodes through its own `XmlDecode` (text
        // values get theirs from `XmlText`).
        TyKind::Rust { .. } => ValueKind::Element,
        TyKind::List { item, .. } => match value_kind(ctx, item) {
            ValueKind::Text => ValueKind::Text,
            _ => ValueKind::Element,
        },
    }
}

/// The Rust type a value is decoded as (aliases resolved, occurrence not included).
fn value_ty(ctx: &Ctx, ty: &Ty) -> TokenStream {
    let eff = ctx.effective(ty);
    ctx.rust_ty(&Ty::new(eff.kind.clone()))
}

/// Checks on a decoded text value `v` (a reference), as statements on `d` with the value's
/// element start tag `s`. Only lenient-tolerated constraints are checked: strict mode records them.
fn checks(ctx: &Ctx, ty: &Ty) -> Vec<TokenStream> {
    let eff = ctx.effective(ty);
    let mut out = Vec::new();
    for c in &eff.constraints {
        match (c, eff.kind) {
            (Constraint::Chars { min, max }, TyKind::Prim(Prim::Text)) => {
                let max = opt(*max);
                out.push(quote!(d.check_len(v.chars().count(), #min, #max, "characters", s.end);));
            }
            (Constraint::Size { min, max }, TyKind::Prim(Prim::Text | Prim::Bytes)) => {
                let max = opt(*max);
                out.push(quote!(d.check_len(v.len(), #min, #max, "bytes", s.end);));
            }
            (Constraint::Range { min, max }, kind) => {
                let (prim, value) = match kind {
                    TyKind::Prim(p @ (Prim::Uint | Prim::Int | Prim::Nint | Prim::Float { .. })) => {
                        (p.clone(), quote!(*v))
                    }
                    TyKind::Prim(Prim::TextValue(path)) if path.ends_with("MosNumber") => {
                        (Prim::Uint, quote!(u64::from(v.get())))
                    }
                    TyKind::Prim(Prim::TextValue(path)) if path.ends_with("MessageId") => {
                        (Prim::Int, quote!(i64::from(v.get())))
                    }
                    _ => continue,
                };
                let bound = |b: &Option<crate::ir::Bound>| match b {
                    Some(b) => match number(&b.value, &prim) {
                        Some(n) => {
                            let inc = b.inclusive;
                            quote!(::core::option::Option::Some((#n, #inc)))
                        }
                        None => quote!(::core::option::Option::None),
                    },
                    None => quote!(::core::option::Option::None),
                };
                let (lo, hi) = (bound(min), bound(max));
                out.push(match kind {
                    // A lenient value that did not parse is already a deviation: no range to check.
                    TyKind::Prim(Prim::TextValue(_)) => quote! {
                        if let ::core::option::Option::Some(v) = v.value() {
                            d.check_range(#value, #lo, #hi, s.end);
                        }
                    },
                    _ => quote!(d.check_range(#value, #lo, #hi, s.end);),
                });
            }
            _ => {}
        }
    }
    out
}

/// A decoder for one element holding a value of `ty`: a function or closure taking
/// `(&mut Decoder<'a>, &Start<'a>)`, returning `Result<T>` (`optional`: `Result<Option<T>>`,
/// `None` for an empty element of a typed value).
fn decoder(ctx: &Ctx, ty: &Ty, optional: bool) -> TokenStream {
    let rt = ctx.rt();
    match value_kind(ctx, ty) {
        ValueKind::Raw => quote!(#rt::xml::Decoder::raw),
        ValueKind::Element => {
            let t = value_ty(ctx, ty);
            quote!(<#t as #rt::xml::XmlDecode<'a>>::decode_element)
        }
        ValueKind::Text => {
            let t = value_ty(ctx, ty);
            let checks = checks(ctx, ty);
            match (optional, checks.is_empty()) {
                (false, true) => quote!(#rt::xml::Decoder::value::<#t>),
                (true, true) => quote!(#rt::xml::Decoder::opt_value::<#t>),
                (false, false) => quote!(|d, s| {
                    let v = d.value::<#t>(s)?;
                    {
                        let v = &v;
                        #(#checks)*
                    }
                    Ok(v)
                }),
                (true, false) => quote!(|d, s| {
                    let v = d.opt_value::<#t>(s)?;
                    if let ::core::option::Option::Some(v) = &v {
                        #(#checks)*
                    }
                    Ok(v)
                }),
            }
        }
    }
}

/// Whether an empty optional element of this type means absent (the decoder returns Option).
fn optional_decoder(ctx: &Ctx, ty: &Ty, occur: Occur) -> bool {
    occur == Occur::Optional && matches!(value_kind(ctx, ty), ValueKind::Text)
}

/// The choice type behind a `Key::Choice` field.
fn choice_of<'s>(ctx: &Ctx<'s>, ty: &'s Ty) -> Option<(&'s TypeDef, &'s [ChoiceVariant])> {
    let eff = ctx.effective(ty);
    let TyKind::Named(n) = eff.kind else { return None };
    let t = ctx.get(n)?;
    match &t.kind {
        TypeKind::Choice(c) => Some((t, &c.variants)),
        _ => None,
    }
}

/// The element that selects a choice alternative.
fn variant_element(ctx: &Ctx, v: &ChoiceVariant) -> String {
    if let Some(e) = &v.element {
        return e.clone();
    }
    let mut ty = &v.ty;
    if let TyKind::List { item, .. } = &ty.kind {
        ty = item;
    }
    match &ctx.effective(ty).kind {
        TyKind::Named(n) => n.clone(),
        _ => v.name.clone(),
    }
}

/// A list alternative: its item type.
fn list_item(v: &ChoiceVariant) -> Option<&Ty> {
    match &v.ty.kind {
        TyKind::List { item, .. } => Some(item),
        _ => None,
    }
}

/// Is every alternative a message (the envelope's message choice)?
fn is_message_choice(ctx: &Ctx, variants: &[ChoiceVariant]) -> bool {
    !variants.is_empty()
        && variants.iter().all(|v| match &ctx.effective(&v.ty).kind {
            TyKind::Named(n) => ctx.get(n).is_some_and(|t| t.message.is_some()),
            _ => false,
        })
}

/// One way a child element is taken in: which field, at which schema position.
struct Arm<'f> {
    field: &'f Field,
    pos: usize,
    /// The first position of the run of consecutive repeated fields this field is in.
    run: Option<usize>,
    /// For a choice field: the alternative this element selects.
    variant: Option<&'f ChoiceVariant>,
}

fn struct_codec<'s>(ctx: &Ctx<'s>, t: &'s TypeDef, s: &'s Struct) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    let anon = ctx.anon_generics(t);
    let keep = s.unknown.is_some();

    let attrs: Vec<&'s Field> = s.fields.iter().filter(|f| matches!(f.key, Key::Attribute(_))).collect();
    let content = s.fields.iter().find(|f| f.key == Key::Content);
    let children: Vec<&'s Field> = s.fields.iter().filter(|f| matches!(f.key, Key::Element(_) | Key::Choice)).collect();

    // ---- decode: attributes
    let attr_decode = if attrs.is_empty() {
        quote!(d.no_attributes(start)?;)
    } else {
        let decls = attrs.iter().map(|f| {
            let slot = slot(f);
            let ty = value_ty(ctx, &f.ty);
            quote!(let mut #slot: #rt::xml::Slot<#ty> = #rt::xml::Slot::Empty;)
        });
        let arms = attrs.iter().map(|f| {
            let Key::Attribute(a) = &f.key else { unreachable!() };
            let slot = slot(f);
            quote!(#a => d.attribute(&mut #slot, #a, a)?,)
        });
        quote! {
            #(#decls)*
            let mut attrs = d.attributes(start);
            while let ::core::option::Option::Some(a) = d.next_attribute(&mut attrs)? {
                match a.name {
                    #(#arms)*
                    _ => d.unknown_attribute(&a),
                }
            }
        }
    };

    // ---- decode: children and content
    let mut arms_by_tag: Vec<(String, Vec<Arm>)> = Vec::new();
    let mut add = |tag: String, arm: Arm<'s>| match arms_by_tag.iter_mut().find(|(t, _)| *t == tag) {
        Some((_, list)) => list.push(arm),
        None => arms_by_tag.push((tag, vec![arm])),
    };
    let runs = flattened_groups(&children);
    for (pos, f) in children.iter().enumerate() {
        let run = runs[pos];
        match &f.key {
            Key::Element(tag) => add(tag.clone(), Arm { field: f, pos, run, variant: None }),
            Key::Choice => {
                if let Some((_, variants)) = choice_of(ctx, &f.ty) {
                    for v in variants {
                        add(variant_element(ctx, v), Arm { field: f, pos, run, variant: Some(v) });
                    }
                }
            }
            _ => {}
        }
    }
    let child_decls = children.iter().map(|f| {
        let slot = slot(f);
        let ty = value_ty(ctx, &f.ty);
        match f.occur {
            Occur::Many { .. } => quote!(let mut #slot: #rt::xml::Many<#ty> = #rt::xml::Many::new();),
            _ => quote!(let mut #slot: #rt::xml::Slot<#ty> = #rt::xml::Slot::Empty;),
        }
    });
    let match_arms = arms_by_tag.iter().map(|(tag, arms)| {
        // Fields sharing a tag fill in schema order: the first while it is empty, then the next.
        let mut body = quote!();
        for (i, arm) in arms.iter().enumerate().rev() {
            let step = take_child(ctx, arm);
            body = if i + 1 == arms.len() {
                step
            } else {
                let slot = slot(arm.field);
                match arm.field.occur {
                    Occur::Many { .. } => step,
                    _ => quote!(if #slot.is_empty() { #step } else { #body }),
                }
            };
        }
        quote!(#tag => { #body })
    });
    let has_text_content = content.is_some_and(|c| !matches!(value_kind(ctx, &c.ty), ValueKind::Raw));
    let raw_content = content.filter(|c| matches!(value_kind(ctx, &c.ty), ValueKind::Raw));
    let order_decl = if children.is_empty() { quote!() } else { quote!(let mut order = #rt::xml::Order::default();) };
    let children_decode = if let Some(c) = raw_content {
        let slot = slot(c);
        quote!(let #slot = #rt::xml::Slot::Set(d.raw(start)?);)
    } else if has_text_content && children.is_empty() {
        let c = content.expect("content");
        let slot = slot(c);
        let dec = decoder(ctx, &c.ty, optional_decoder(ctx, &c.ty, c.occur));
        if optional_decoder(ctx, &c.ty, c.occur) {
            quote!(let #slot = d.content_opt(start, #dec)?;)
        } else {
            quote!(let #slot = d.content(start, #dec)?;)
        }
    } else if has_text_content {
        // Mixed: text runs between the children make up the content.
        let c = content.expect("content");
        let slot = slot(c);
        let ty = value_ty(ctx, &c.ty);
        let opt = optional_decoder(ctx, &c.ty, c.occur);
        quote! {
            let mut text: ::core::option::Option<::std::borrow::Cow<'a, str>> = ::core::option::Option::None;
            #order_decl
            let mut kept = #rt::xml::Kept::new(#keep);
            while let ::core::option::Option::Some(item) = d.next_content(start)? {
                match item {
                    #rt::xml::Content::Child(child) => {
                        #[allow(clippy::match_single_binding)]
                        match child.name {
                            #(#match_arms)*
                            _ => d.unknown(&child, &mut kept)?,
                        }
                    }
                    #rt::xml::Content::Text(raw, at) => {
                        let piece = d.unescape(raw, at)?;
                        #rt::xml::Decoder::append_text(&mut text, piece);
                    }
                    #rt::xml::Content::CData(t, _) => {
                        #rt::xml::Decoder::append_text(&mut text, ::std::borrow::Cow::Borrowed(t));
                    }
                }
            }
            let #slot = d.text_content::<#ty>(text, start, #opt)?;
        }
    } else {
        quote! {
            #order_decl
            let mut kept = #rt::xml::Kept::new(#keep);
            while let ::core::option::Option::Some(child) = d.next_child(start)? {
                #[allow(clippy::match_single_binding)]
                match child.name {
                    #(#match_arms)*
                    _ => d.unknown(&child, &mut kept)?,
                }
            }
        }
    };
    let uses_unknown = raw_content.is_none() && !(has_text_content && children.is_empty());

    // ---- decode: finishing
    let finishes = s.fields.iter().map(|f| {
        let id = field_ident(f);
        let slot = slot(f);
        let fname = match &f.key {
            Key::Element(tag) | Key::Attribute(tag) => tag.clone(),
            _ => f.name.clone(),
        };
        match (&f.key, f.occur) {
            (_, Occur::Many { min, max }) => {
                let max = opt(max);
                quote!(let #id = d.finish_many(#slot, #fname, #min, #max, start);)
            }
            (_, Occur::Optional) => quote!(let #id = d.finish_opt(#slot);),
            (Key::Choice, Occur::One) if uses_unknown => {
                let messages = choice_of(ctx, &f.ty).is_some_and(|(_, v)| is_message_choice(ctx, v));
                quote!(let #id = d.finish_choice(#slot, #fname, kept.first(), #messages, start);)
            }
            (_, Occur::One) => quote!(let #id = d.finish_one(#slot, #fname, start);),
        }
    });
    let inits = s.fields.iter().map(|f| {
        let id = field_ident(f);
        quote!(#id: #id?,)
    });
    let unknown_init = s.unknown.as_ref().map(|u| {
        let id = super::naming::ident(u);
        if uses_unknown {
            quote!(#id: kept.into_elements(),)
        } else {
            // Raw or simple content has no children to keep.
            quote!(#id: #rt::xml::UnknownElements::new(),)
        }
    });

    // ---- encode
    let attr_writes = attrs.iter().map(|f| {
        let Key::Attribute(a) = &f.key else { unreachable!() };
        let id = field_ident(f);
        match f.occur {
            Occur::One => quote!(#rt::xml::attr(out, #a, &self.#id);),
            _ => quote! {
                if let ::core::option::Option::Some(v) = &self.#id {
                    #rt::xml::attr(out, #a, v);
                }
            },
        }
    });
    let write_one = |f: &Field, v: TokenStream| {
        let tag = match &f.key {
            Key::Element(tag) => tag.clone(),
            _ => String::new(),
        };
        match &f.key {
            Key::Content => match value_kind(ctx, &f.ty) {
                ValueKind::Raw => quote!(out.push_str(#v.as_str());),
                _ => quote!(#rt::xml::text(out, #v);),
            },
            // Kept unknown elements go back before the known child they preceded.
            _ if keep => quote! {
                kept.known(out);
                #rt::xml::XmlEncode::encode_element(#v, #tag, out);
            },
            _ => quote!(#rt::xml::XmlEncode::encode_element(#v, #tag, out);),
        }
    };
    let mut body_writes = Vec::new();
    let mut done = BTreeSet::new();
    for f in s.fields.iter().filter(|f| !matches!(f.key, Key::Attribute(_))) {
        if done.contains(&f.name) {
            continue;
        }
        let id = field_ident(f);
        // A flattened repeated group is written group by group: the i-th value of each member.
        let group: Vec<&Field> = match children.iter().position(|c| std::ptr::eq(*c, f)).and_then(|p| runs[p]) {
            Some(g) => children.iter().zip(&runs).filter(|(_, r)| **r == Some(g)).map(|(c, _)| *c).collect(),
            None => Vec::new(),
        };
        if !group.is_empty() {
            let ids: Vec<_> = group.iter().map(|g| field_ident(g)).collect();
            let writes = group.iter().map(|g| {
                let gid = field_ident(g);
                let w = write_one(g, quote!(v));
                quote!(if let ::core::option::Option::Some(v) = self.#gid.get(i) { #w })
            });
            body_writes.push(quote! {
                let n = [#(self.#ids.len()),*].into_iter().max().unwrap_or(0);
                for i in 0..n {
                    #(#writes)*
                }
            });
            done.extend(group.iter().map(|g| g.name.clone()));
            continue;
        }
        body_writes.push(match f.occur {
            Occur::One => write_one(f, quote!(&self.#id)),
            Occur::Optional => {
                let w = write_one(f, quote!(v));
                quote!(if let ::core::option::Option::Some(v) = &self.#id { #w })
            }
            Occur::Many { .. } => {
                let w = write_one(f, quote!(v));
                quote!(for v in &self.#id { #w })
            }
        });
    }

    let (kept_start, kept_rest) = match &s.unknown {
        Some(u) => {
            let id = super::naming::ident(u);
            (quote!(let mut kept = self.#id.writer();), quote!(kept.rest(out);))
        }
        None => (quote!(), quote!()),
    };

    let decode_body = quote! {
        #attr_decode
        #(#child_decls)*
        #children_decode
        #(#finishes)*
        Ok(#name { #(#inits)* #unknown_init })
    };
    quote! {
        impl<'a> #rt::xml::XmlDecode<'a> for #name #generics {
            fn decode_element(d: &mut #rt::xml::Decoder<'a>, start: &#rt::xml::Start<'a>) -> ::core::result::Result<Self, #rt::DecodeError> {
                #decode_body
            }
        }
        impl #rt::xml::XmlEncode for #name #anon {
            fn encode_element(&self, tag: &str, out: &mut ::std::string::String) {
                #rt::xml::open(out, tag);
                #(#attr_writes)*
                let content = #rt::xml::close_start(out);
                #kept_start
                #(#body_writes)*
                #kept_rest
                #rt::xml::close(out, tag, content);
            }
        }
    }
}

/// Members of repeated groups (`ir::Field::group`): for each child field, the position of the
/// first field of its group, when it is in a group of two or more.
fn flattened_groups(children: &[&Field]) -> Vec<Option<usize>> {
    children
        .iter()
        .map(|f| {
            let id = f.group?;
            let first = children.iter().position(|c| c.group == Some(id))?;
            (children.iter().filter(|c| c.group == Some(id)).count() >= 2).then_some(first)
        })
        .collect()
}

/// The statements that take one child element into its field.
fn take_child(ctx: &Ctx, arm: &Arm) -> TokenStream {
    let f = arm.field;
    let slot = slot(f);
    let pos = arm.pos;
    let fname = match &f.key {
        Key::Element(tag) => tag.clone(),
        _ => f.name.clone(),
    };
    let order_name = match arm.variant {
        Some(v) => variant_element(ctx, v),
        None => fname.clone(),
    };
    let run = opt(arm.run);
    let order = quote!(d.order(&mut order, #pos, #run, #order_name, &child););
    let step = match (arm.variant, f.occur) {
        // A list alternative of a single choice: consecutive elements go into one list.
        (Some(v), Occur::One | Occur::Optional) if list_item(v).is_some() => {
            let (choice, _) = choice_of(ctx, &f.ty).expect("choice field");
            let cname = super::type_ident(choice);
            let var = super::variant_ident(&v.name, &v.rust_name);
            let item = list_item(v).expect("list");
            let dec = decoder(ctx, item, false);
            quote! {
                d.choice_item(
                    &mut #slot,
                    #fname,
                    &child,
                    &mut kept,
                    |c| match c {
                        #cname::#var(v) => ::core::option::Option::Some(v),
                        #[allow(unreachable_patterns)]
                        _ => ::core::option::Option::None,
                    },
                    #cname::#var,
                    #dec,
                )?;
            }
        }
        (_, Occur::Many { max, .. }) => {
            let dec = decoder(ctx, &f.ty, false);
            let max = opt(max);
            quote!(d.many(&mut #slot, &child, #max, &mut kept, #dec)?;)
        }
        (Some(_), _) => {
            let dec = decoder(ctx, &f.ty, false);
            quote!(d.one(&mut #slot, #fname, &child, &mut kept, #dec)?;)
        }
        (None, occur) => {
            if optional_decoder(ctx, &f.ty, occur) {
                let dec = decoder(ctx, &f.ty, true);
                quote!(d.one_opt(&mut #slot, #fname, &child, &mut kept, #dec)?;)
            } else {
                let dec = decoder(ctx, &f.ty, false);
                quote!(d.one(&mut #slot, #fname, &child, &mut kept, #dec)?;)
            }
        }
    };
    quote!(#order #step)
}

fn enum_codec(ctx: &Ctx, t: &TypeDef, e: &crate::ir::Enum) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let all_text = e.variants.iter().all(|v| matches!(v.value, Literal::Text(_)));
    let from = if all_text {
        let arms = e.variants.iter().map(|v| {
            let id = super::variant_ident(&v.name, &v.rust_name);
            let Literal::Text(value) = &v.value else { unreachable!() };
            quote!(#value => Ok(Self::#id),)
        });
        quote! {
            match text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n')) {
                #(#arms)*
                _ => Err(#rt::DecodeError::new(#rt::ErrorKind::UnknownEnumValue(format!("{:?}", &*text)), 0)),
            }
        }
    } else {
        let (value_ty, _) = super::types::enum_values(e);
        quote! {
            let value = text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n'));
            value
                .parse::<#value_ty>()
                .ok()
                .and_then(Self::from_value)
                .ok_or_else(|| #rt::DecodeError::new(#rt::ErrorKind::UnknownEnumValue(format!("{:?}", &*text)), 0))
        }
    };
    let to = if all_text {
        quote!(::std::borrow::Cow::Borrowed(self.value()))
    } else {
        quote!(::std::borrow::Cow::Owned(self.value().to_string()))
    };
    quote! {
        impl<'a> #rt::xml::XmlText<'a> for #name {
            fn from_text(text: ::std::borrow::Cow<'a, str>) -> ::core::result::Result<Self, #rt::DecodeError> {
                #from
            }
            fn to_text(&self) -> ::std::borrow::Cow<'_, str> {
                #to
            }
        }
    }
}

fn choice_codec(ctx: &Ctx, t: &TypeDef, variants: &[ChoiceVariant]) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    let anon = ctx.anon_generics(t);
    let mut seen = BTreeSet::new();
    let dec_arms = variants.iter().filter_map(|v| {
        let tag = variant_element(ctx, v);
        if !seen.insert(tag.clone()) {
            return None;
        }
        let var = super::variant_ident(&v.name, &v.rust_name);
        Some(match list_item(v) {
            Some(item) => {
                let dec = decoder(ctx, item, false);
                quote!(#tag => d.apply(start, #dec).map(|v| #name::#var(::std::vec![v])),)
            }
            None => {
                let dec = decoder(ctx, &v.ty, false);
                quote!(#tag => d.apply(start, #dec).map(#name::#var),)
            }
        })
    });
    let names: Vec<String> = variants.iter().map(|v| format!("<{}>", variant_element(ctx, v))).collect();
    let expected = format!("one of {}", names.join(", "));
    let enc_arms = variants.iter().map(|v| {
        let tag = variant_element(ctx, v);
        let var = super::variant_ident(&v.name, &v.rust_name);
        if list_item(v).is_some() {
            quote!(#name::#var(items) => #rt::xml::elements(out, #tag, items),)
        } else {
            quote!(#name::#var(v) => #rt::xml::XmlEncode::encode_element(v, #tag, out),)
        }
    });
    quote! {
        impl<'a> #rt::xml::XmlDecode<'a> for #name #generics {
            fn decode_element(d: &mut #rt::xml::Decoder<'a>, start: &#rt::xml::Start<'a>) -> ::core::result::Result<Self, #rt::DecodeError> {
                match start.name {
                    #(#dec_arms)*
                    other => Err(d.error(
                        #rt::ErrorKind::UnexpectedType { expected: #expected, found: format!("<{other}>") },
                        start.offset,
                    )),
                }
            }
        }
        impl #rt::xml::XmlEncode for #name #anon {
            fn encode_element(&self, _tag: &str, out: &mut ::std::string::String) {
                match self { #(#enc_arms)* }
            }
        }
    }
}

/// The envelope types: root elements (referenced by no other type) that carry a choice of
/// messages.
fn envelopes<'s>(ctx: &Ctx<'s>) -> Vec<&'s TypeDef> {
    let mut referenced = BTreeSet::new();
    fn refs<'t>(ty: &'t Ty, out: &mut BTreeSet<&'t str>) {
        match &ty.kind {
            TyKind::Named(n) => {
                out.insert(n.as_str());
            }
            TyKind::List { item, .. } => refs(item, out),
            TyKind::Prim(_) | TyKind::Rust { .. } => {}
        }
    }
    for t in &ctx.schema.types {
        match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| refs(&f.ty, &mut referenced)),
            TypeKind::Choice(c) => c.variants.iter().for_each(|v| refs(&v.ty, &mut referenced)),
            TypeKind::Alias(ty) => refs(ty, &mut referenced),
            TypeKind::Enum(_) => {}
        }
    }
    ctx.schema
        .types
        .iter()
        .filter(|t| t.message.is_none() && !referenced.contains(t.name.as_str()))
        .filter(|t| match &t.kind {
            TypeKind::Struct(s) if s.layout == Layout::Element => s
                .fields
                .iter()
                .any(|f| f.key == Key::Choice && choice_of(ctx, &f.ty).is_some_and(|(_, v)| is_message_choice(ctx, v))),
            _ => false,
        })
        .collect()
}

/// The `Message` enum, the `MESSAGES` table and the envelope's entry points.
pub(crate) fn emit_messages(ctx: &Ctx, options: &Options) -> TokenStream {
    let rt = ctx.rt();
    let msgs: Vec<(&TypeDef, &str)> = ctx
        .schema
        .messages()
        .filter_map(|(t, k)| match k {
            MessageKey::Element(e) => Some((t, e.as_str())),
            MessageKey::TypeKey(_) => None,
        })
        .collect();
    let mut items = Vec::new();
    if !msgs.is_empty() {
        items.push(message_enum(ctx, options, &msgs));
    }
    for env in envelopes(ctx) {
        let name = super::type_ident(env);
        let tag = &env.name;
        let generics = if ctx.borrows(env) { quote!(<'a>) } else { quote!() };
        let lt_decl = if ctx.borrows(env) { quote!() } else { quote!(<'a>) };
        let doc = format!(" The `<{tag}>` document: decoding from UTF-8 text, encoding to UTF-8 or UTF-16BE.");
        items.push(quote! {
            #[doc = #doc]
            impl #generics #name #generics {
                /// The root element's name.
                pub const ELEMENT: &'static str = #tag;

                /// Decodes a whole document leniently (see `osmos::xml`); errors carry the path
                /// below the root and the byte offset in `input`.
                pub fn decode #lt_decl (input: &'a str) -> ::core::result::Result<Self, #rt::DecodeError> {
                    Self::decode_with(input, #rt::xml::Mode::Lenient).map_err(#rt::DecodeError::from)
                }

                /// Decodes a whole document in the given mode; strict mode returns every
                /// deviation from the schema.
                pub fn decode_with #lt_decl (input: &'a str, mode: #rt::xml::Mode) -> ::core::result::Result<Self, #rt::xml::DecodeErrors> {
                    #rt::xml::decode_document(input, mode, ::core::option::Option::Some(#tag), true, <Self as #rt::xml::XmlDecode<'a>>::decode_element)
                }

                /// The document as UTF-8 XML, in schema order, without XML declaration.
                pub fn encode(&self) -> ::std::string::String {
                    #rt::xml::encode_string(|out| #rt::xml::XmlEncode::encode_element(self, #tag, out))
                }

                /// The document as UTF-16BE without BOM: the MOS 2.x wire form.
                pub fn encode_utf16be(&self) -> ::std::vec::Vec<u8> {
                    #rt::xml::encode_utf16be(|out| #rt::xml::XmlEncode::encode_element(self, #tag, out))
                }
            }
        });
    }
    quote!(#(#items)*)
}

fn message_enum(ctx: &Ctx, options: &Options, msgs: &[(&TypeDef, &str)]) -> TokenStream {
    let rt = ctx.rt();
    let borrows = msgs.iter().any(|(t, _)| ctx.borrows(t));
    let (generics, anon, stat, lt_decl) = if borrows {
        (quote!(<'a>), quote!(<'_>), quote!(<'static>), quote!())
    } else {
        (quote!(), quote!(), quote!(), quote!(<'a>))
    };
    let variants: Vec<_> = msgs.iter().map(|(t, _)| super::type_ident(t)).collect();
    let tys: Vec<_> = msgs.iter().map(|(t, _)| ctx.type_ref(&t.name)).collect();
    let tags: Vec<&str> = msgs.iter().map(|(_, e)| *e).collect();
    let rust_names: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
    let docs = msgs.iter().map(|(_, e)| format!(" `<{e}>`."));
    let count = msgs.len();
    let expected = "an object with one message element name as its only key";
    let json = ctx.json_gate(
        options,
        quote! {
            impl #rt::json::ToJson for Message #anon {
                /// `{"<element>": <message>}`.
                fn to_json(&self) -> #rt::json::Value {
                    let body = match self { #(Message::#variants(m) => #rt::json::ToJson::to_json(m),)* };
                    let mut m = #rt::json::Map::new();
                    m.insert(self.element_name().into(), body);
                    #rt::json::Value::Object(m)
                }
            }
            impl #generics #rt::json::FromJson for Message #generics {
                fn from_json(v: &#rt::json::Value) -> ::core::result::Result<Self, #rt::DecodeError> {
                    let obj = #rt::json::object(v, #expected)?;
                    let mut entries = obj.iter();
                    let (::core::option::Option::Some((k, body)), ::core::option::Option::None) = (entries.next(), entries.next()) else {
                        return Err(#rt::json::expected(#expected, v));
                    };
                    match k.as_str() {
                        #(#tags => #rt::json::FromJson::from_json(body).map(Message::#variants).map_err(|e| e.in_field(#tags)),)*
                        other => Err(#rt::DecodeError::new(#rt::ErrorKind::UnknownMessage(other.into()), 0)),
                    }
                }
            }
        },
    );
    quote! {
        /// Every message of the schema, told apart by element name.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Message #generics {
            #( #[doc = #docs] #variants(#tys), )*
        }

        /// The message table: element name and Rust type, in schema order.
        pub const MESSAGES: [#rt::xml::MessageInfo; #count] = [
            #( #rt::xml::MessageInfo { element: #tags, rust_name: #rust_names }, )*
        ];

        impl #generics Message #generics {
            /// The message's element name.
            pub fn element_name(&self) -> &'static str {
                match self { #(Message::#variants(_) => #tags,)* }
            }

            /// Decodes a message element on its own (no envelope) leniently; an element that is
            /// no message of the schema is `ErrorKind::UnknownMessage`.
            pub fn decode_body #lt_decl (input: &'a str) -> ::core::result::Result<Self, #rt::DecodeError> {
                Self::decode_body_with(input, #rt::xml::Mode::Lenient).map_err(#rt::DecodeError::from)
            }

            /// [`Message::decode_body`] in the given mode.
            pub fn decode_body_with #lt_decl (input: &'a str, mode: #rt::xml::Mode) -> ::core::result::Result<Self, #rt::xml::DecodeErrors> {
                #rt::xml::decode_document(input, mode, ::core::option::Option::None, false, <Self as #rt::xml::XmlDecode<'a>>::decode_element)
            }

            /// The message element as UTF-8 XML (no envelope).
            pub fn encode(&self) -> ::std::string::String {
                #rt::xml::encode_string(|out| #rt::xml::XmlEncode::encode_element(self, self.element_name(), out))
            }

            /// Copies whatever the message borrows from its input.
            pub fn into_owned(self) -> Message #stat {
                match self { #(Message::#variants(m) => Message::#variants(#rt::cbor::IntoOwned::into_owned(m)),)* }
            }
        }

        impl<'a> #rt::xml::XmlDecode<'a> for Message #generics {
            fn decode_element(d: &mut #rt::xml::Decoder<'a>, start: &#rt::xml::Start<'a>) -> ::core::result::Result<Self, #rt::DecodeError> {
                match start.name {
                    #( #tags => <#tys as #rt::xml::XmlDecode<'a>>::decode_element(d, start).map(Message::#variants), )*
                    other => Err(d.error(#rt::ErrorKind::UnknownMessage(other.into()), start.offset)),
                }
            }
        }

        impl #rt::xml::XmlEncode for Message #anon {
            fn encode_element(&self, _tag: &str, out: &mut ::std::string::String) {
                match self { #( Message::#variants(m) => #rt::xml::XmlEncode::encode_element(m, #tags, out), )* }
            }
        }

        #( impl #generics ::core::convert::From<#tys> for Message #generics {
            fn from(m: #tys) -> Self { Message::#variants(m) }
        } )*

        #json
    }
}
