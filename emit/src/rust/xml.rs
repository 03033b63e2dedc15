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

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ident, number, opt, slot, Ctx, Options};
use crate::ir::{
    ChoiceVariant, Constraint, Field, Key, Layout, Literal, MessageKey, Occur, Prim, Struct, Ty, TyKind, TypeDef,
    TypeKind, Wildcard,
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

/// An element's wire name split into namespace and local name (`{ns}local`, see
/// `ir::Key::Element`).
fn split(tag: &str) -> (Option<&str>, &str) {
    match tag.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
        Some((ns, local)) => (Some(ns), local),
        None => (None, tag),
    }
}

/// The local name of an element's wire name: what the encoder writes (namespaced documents
/// are written without prefixes) and what errors name.
fn local(tag: &str) -> &str {
    split(tag).1
}

/// Whether the schema's elements are in a namespace: its decoders then resolve names against
/// namespace declarations (`Decoder::resolve`) instead of comparing them as written.
fn namespaced(ctx: &Ctx) -> bool {
    ctx.schema.types.iter().any(|t| match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| matches!(&f.key, Key::Element(e) if split(e).0.is_some())),
        TypeKind::Choice(c) => c.variants.iter().any(|v| v.element.as_deref().is_some_and(|e| split(e).0.is_some())),
        _ => matches!(&t.message, Some(MessageKey::Element(e)) if split(e).0.is_some()),
    })
}

/// The pattern that matches an element named `tag`: its name as written, or after
/// `let (ns, local) = d.resolve(..)?` in a namespaced schema, `(ns.as_deref(), local)`.
fn name_pattern(tag: &str, namespaced: bool) -> TokenStream {
    match (namespaced, split(tag)) {
        (false, _) => quote!(#tag),
        (true, (Some(ns), local)) => quote!((::core::option::Option::Some(#ns), #local)),
        (true, (None, local)) => quote!((::core::option::Option::None, #local)),
    }
}

/// The statement and expression a generated decoder matches an element by (see
/// [`name_pattern`]): `start` is a `&Start` expression, `name` its name as written.
fn name_scrutinee(start: TokenStream, name: TokenStream, namespaced: bool) -> (TokenStream, TokenStream) {
    if namespaced {
        (quote!(let (ns, local) = d.resolve(#start)?;), quote!((ns.as_deref(), local)))
    } else {
        (quote!(), name)
    }
}

/// The namespace each struct's element is in, and each choice's parent element: a child in
/// another namespace is written with its own default namespace declaration (an element of an
/// imported schema inside this one's).
fn element_namespaces<'s>(ctx: &Ctx<'s>) -> BTreeMap<&'s str, Option<&'s str>> {
    fn named(ty: &Ty) -> Option<&str> {
        match &ty.kind {
            TyKind::Named(n) => Some(n),
            TyKind::List { item, .. } => named(item),
            _ => None,
        }
    }
    let mut out = BTreeMap::new();
    for t in &ctx.schema.types {
        if let Some(MessageKey::Element(e)) = &t.message {
            out.insert(t.name.as_str(), split(e).0);
        }
        match &t.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    if let (Key::Element(e), Some(n)) = (&f.key, named(&f.ty)) {
                        out.insert(n, split(e).0);
                    }
                }
            }
            TypeKind::Choice(c) => {
                for v in &c.variants {
                    if let (Some(e), Some(n)) = (&v.element, named(&v.ty)) {
                        out.insert(n, split(e).0);
                    }
                }
            }
            _ => {}
        }
    }
    for t in &ctx.schema.types {
        if let TypeKind::Struct(s) = &t.kind {
            let own = out.get(t.name.as_str()).copied().flatten();
            for f in s.fields.iter().filter(|f| f.key == Key::Choice) {
                if let Some(n) = named(&f.ty) {
                    out.insert(n, own);
                }
            }
        }
    }
    out
}

/// Writing one child element: `write` (which appends `<tag …>…`), followed by a declaration of
/// the child's namespace when it is not its parent's.
fn in_namespace(
    rt: &TokenStream,
    write: TokenStream,
    tag: &str,
    child: Option<&str>,
    parent: Option<&str>,
) -> TokenStream {
    if child == parent {
        return write;
    }
    let ns = child.unwrap_or("");
    quote! {
        let at = out.len();
        #write
        #rt::xml::declare_namespace_at(out, at, #tag, #ns);
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

/// The same, borrowing from the input even in owned mode (attributes and text content are read
/// borrowed and copied when the struct is built).
fn borrowed_value_ty(ctx: &Ctx, ty: &Ty) -> TokenStream {
    let eff = ctx.effective(ty);
    ctx.borrowed_ty(&Ty::new(eff.kind.clone()))
}

/// Checks on a decoded text value `v` (a reference), as statements on `d` with the value's
/// element start tag `s`. Only lenient-tolerated constraints are checked: strict mode records them.
fn checks(ctx: &Ctx, ty: &Ty, at: &TokenStream) -> Vec<TokenStream> {
    let eff = ctx.effective(ty);
    let mut out = Vec::new();
    // An `xs:list`'s length facets count its items.
    if let TyKind::List { min, max, .. } = eff.kind {
        if *min > 0 || max.is_some() {
            let max = opt(*max);
            out.push(quote!(d.check_len(v.len(), #min, #max, "items", #at);));
        }
    }
    for c in &eff.constraints {
        match (c, eff.kind) {
            (Constraint::Chars { min, max }, TyKind::Prim(Prim::Text)) => {
                let max = opt(*max);
                out.push(quote!(d.check_len(v.chars().count(), #min, #max, "characters", #at);));
            }
            (Constraint::Size { min, max }, TyKind::Prim(Prim::Text | Prim::Bytes)) => {
                let max = opt(*max);
                out.push(quote!(d.check_len(v.len(), #min, #max, "bytes", #at);));
            }
            // `xs:pattern` on text: compiled once, on first use, into a static of its own.
            (Constraint::Pattern(p), TyKind::Prim(Prim::Text)) => {
                let rt = ctx.rt();
                out.push(quote!({
                    static PATTERN: #rt::xml::Pattern = #rt::xml::Pattern::new(#p);
                    d.check_pattern(&PATTERN, v, #at);
                }));
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
                    TyKind::Prim(Prim::TextValue(path)) if path.ends_with("xml::Decimal") => {
                        (Prim::Float { bits: 64 }, quote!(v.to_f64()))
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
                            d.check_range(#value, #lo, #hi, #at);
                        }
                    },
                    _ => quote!(d.check_range(#value, #lo, #hi, #at);),
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
    if ty.nullable {
        // A nillable element: `xsi:nil="true"` is null, anything else the value.
        let inner = decoder(ctx, &Ty { nullable: false, ..ty.clone() }, optional);
        let call = if optional { quote!(opt_nillable) } else { quote!(nillable) };
        return quote! {
            |d: &mut #rt::xml::Decoder<'a>, s: &#rt::xml::Start<'a>| d.#call(s, #inner)
        };
    }
    let copy = ctx.copies(ty);
    // With a default, an empty element is absent without deviation: the default applies.
    let opt_value = if ty.default.is_some() { quote!(opt_default) } else { quote!(opt_value) };
    match value_kind(ctx, ty) {
        ValueKind::Raw if copy => quote! {
            |d: &mut #rt::xml::Decoder<'a>, s: &#rt::xml::Start<'a>| d.raw(s).map(#rt::cbor::IntoOwned::into_owned)
        },
        ValueKind::Raw => quote!(#rt::xml::Decoder::raw),
        ValueKind::Element => {
            let t = value_ty(ctx, ty);
            quote!(<#t as #rt::xml::XmlDecode<'a>>::decode_element)
        }
        // Owned mode: read the borrowed form, check it, then copy it.
        ValueKind::Text if copy => {
            let t = borrowed_value_ty(ctx, ty);
            let checks = checks(ctx, ty, &quote!(s.end));
            let read = match optional {
                false if checks.is_empty() => quote!(let v = d.value::<#t>(s)?;),
                false => quote!(let v = d.value::<#t>(s)?; { let v = &v; #(#checks)* }),
                true if checks.is_empty() => quote!(let v = d.#opt_value::<#t>(s)?;),
                true => {
                    quote!(let v = d.#opt_value::<#t>(s)?; if let ::core::option::Option::Some(v) = &v { #(#checks)* })
                }
            };
            quote! {
                |d: &mut #rt::xml::Decoder<'a>, s: &#rt::xml::Start<'a>| {
                    #read
                    Ok(#rt::cbor::IntoOwned::into_owned(v))
                }
            }
        }
        ValueKind::Text => {
            let t = value_ty(ctx, ty);
            let checks = checks(ctx, ty, &quote!(s.end));
            match (optional, checks.is_empty()) {
                (false, true) => quote!(#rt::xml::Decoder::value::<#t>),
                (true, true) => quote!(#rt::xml::Decoder::#opt_value::<#t>),
                (false, false) => quote!(|d, s| {
                    let v = d.value::<#t>(s)?;
                    {
                        let v = &v;
                        #(#checks)*
                    }
                    Ok(v)
                }),
                (true, false) => quote!(|d, s| {
                    let v = d.#opt_value::<#t>(s)?;
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

/// The function `UnknownWriter` asks which field takes a kept element (by its name as
/// written), as the decoder's match arms do: the schema index of the last field that takes the
/// name, since a repetition is kept only when every field taking the name is full. In a
/// namespaced schema the prefix is left out (the decoder resolves it, the encoder cannot): a
/// foreign element with a known local name then also waits for that field, which only moves it
/// later, to the same place on every encode.
fn field_of(arms_by_tag: &[(String, Vec<Arm>)], ns: bool) -> TokenStream {
    let mut last: BTreeMap<&str, usize> = BTreeMap::new();
    for (tag, arms) in arms_by_tag {
        let name = if ns { local(tag) } else { tag.as_str() };
        let pos = arms.iter().map(|a| a.pos).max().expect("an arm per tag");
        let at = last.entry(name).or_insert(pos);
        *at = (*at).max(pos);
    }
    if last.is_empty() {
        return quote!(|_| ::core::option::Option::None);
    }
    let mut by_index: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (name, pos) in last {
        by_index.entry(pos).or_default().push(name);
    }
    let arms = by_index.iter().map(|(pos, names)| quote!(#(#names)|* => ::core::option::Option::Some(#pos),));
    let scrutinee = if ns { quote!(name.rsplit_once(':').map_or(name, |(_, local)| local)) } else { quote!(name) };
    quote! {
        |name: &str| match #scrutinee {
            #(#arms)*
            _ => ::core::option::Option::None,
        }
    }
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
    // `xs:any`: a field that keeps the other children in place, in strict mode too.
    let any = s.fields.iter().find(|f| matches!(f.key, Key::AnyElement(_)));
    let keep = s.unknown.is_some() || any.is_some();
    let kept_new = match any.map(|f| &f.key) {
        Some(Key::AnyElement(wildcards)) if wildcards.iter().any(|w| *w != Wildcard::Any) => {
            let wildcards = wildcards.iter().map(|w| match w {
                Wildcard::Any => quote!(#rt::xml::Wildcard::Any),
                Wildcard::In(list) => quote!(#rt::xml::Wildcard::In(&[#(#list),*])),
                Wildcard::Other(target) => quote!(#rt::xml::Wildcard::Other(#target)),
            });
            quote!(#rt::xml::Kept::open_to(&[#(#wildcards),*]))
        }
        Some(_) => quote!(#rt::xml::Kept::open()),
        None => quote!(#rt::xml::Kept::new(#keep)),
    };
    let ns = namespaced(ctx);
    let other = s.fields.iter().find(|f| f.key == Key::AnyAttribute);

    let attrs: Vec<&'s Field> = s.fields.iter().filter(|f| matches!(f.key, Key::Attribute(_))).collect();
    let content = s.fields.iter().find(|f| f.key == Key::Content);
    let children: Vec<&'s Field> = s.fields.iter().filter(|f| matches!(f.key, Key::Element(_) | Key::Choice)).collect();

    // ---- decode: attributes
    let other_decl = other.map(|f| {
        let slot = slot(f);
        quote!(let mut #slot = #rt::xml::OtherAttributes::new();)
    });
    let unknown_attr = match other {
        Some(f) => {
            let slot = slot(f);
            quote!(_ => d.other_attribute(&mut #slot, a),)
        }
        None => quote!(_ => d.unknown_attribute(&a),),
    };
    let attr_decode = if attrs.is_empty() && other.is_none() {
        quote!(d.no_attributes(start)?;)
    } else {
        let decls = attrs.iter().map(|f| {
            let slot = slot(f);
            let ty = borrowed_value_ty(ctx, &f.ty);
            quote!(let mut #slot: #rt::xml::Slot<#ty> = #rt::xml::Slot::Empty;)
        });
        // Unqualified attributes are matched by name; those of another namespace after them,
        // by namespace URI and local name, whatever the prefix.
        let mut ordered: Vec<&&Field> = attrs.iter().collect();
        ordered.sort_by_key(|f| qualified_attr(f).is_some());
        let arms = ordered.into_iter().map(|f| {
            let Key::Attribute(a) = &f.key else { unreachable!() };
            let slot = slot(f);
            let checks = checks(ctx, &f.ty, &quote!(start.offset));
            let (pattern, a) = match qualified_attr(f) {
                Some((ns, written, local)) => (quote!(_ if d.attribute_in(&a, #ns, #local)), written.to_owned()),
                None => (quote!(#a), a.clone()),
            };
            if checks.is_empty() {
                quote!(#pattern => d.attribute(&mut #slot, #a, a)?,)
            } else {
                // Bounds on an attribute (GPX's latitude): strict mode reports them at the
                // attribute, as it reports a value that does not parse.
                quote!(#pattern => {
                    d.attribute(&mut #slot, #a, a)?;
                    if let #rt::xml::Slot::Set(v) = &#slot {
                        d.in_attribute(#a, start.offset, |d| { #(#checks)* });
                    }
                })
            }
        });
        let take = if attrs.is_empty() {
            let slot = slot(other.expect("attributes to take"));
            quote!(d.other_attribute(&mut #slot, a);)
        } else {
            quote!(match a.name {
                #(#arms)*
                #unknown_attr
            })
        };
        quote! {
            #(#decls)*
            #other_decl
            let mut attrs = d.attributes(start);
            while let ::core::option::Option::Some(a) = d.next_attribute(&mut attrs)? {
                #take
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
        let ty = if f.ty.nullable { quote!(#rt::cbor::Nullable<#ty>) } else { ty };
        match f.occur {
            Occur::Many { .. } => quote!(let mut #slot: #rt::xml::Many<#ty> = #rt::xml::Many::new();),
            _ => quote!(let mut #slot: #rt::xml::Slot<#ty> = #rt::xml::Slot::Empty;),
        }
    });
    let (resolve_child, child_name) = name_scrutinee(quote!(&child), quote!(child.name), ns);
    let match_arms = arms_by_tag.iter().map(|(tag, arms)| {
        // Fields sharing a tag fill in schema order: the first while it is empty, then the next.
        // A field reached again later (one group referenced twice, `(a, b) | (c, a)`) is not
        // taken once a field between the two has been: the element is the later one.
        let mut body = quote!();
        for (i, arm) in arms.iter().enumerate().rev() {
            let step = take_child(ctx, arm);
            body = if i + 1 == arms.len() {
                step
            } else {
                let mut conditions = Vec::new();
                if !matches!(arm.field.occur, Occur::Many { .. }) {
                    let own = slot(arm.field);
                    conditions.push(quote!(#own.is_empty()));
                }
                for f in &children[arm.pos + 1..arms[i + 1].pos.max(arm.pos + 1)] {
                    let between = slot(f);
                    conditions.push(quote!(#between.is_empty()));
                }
                if conditions.is_empty() {
                    step
                } else {
                    quote!(if #(#conditions)&&* { #step } else { #body })
                }
            };
        }
        let pattern = name_pattern(tag, ns);
        quote!(#pattern => { #body })
    });
    let has_text_content = content.is_some_and(|c| !matches!(value_kind(ctx, &c.ty), ValueKind::Raw));
    // Mixed content whose text runs keep their places (`MixedText`), written by the kept writer.
    let mixed_runs = content.filter(|c| is_mixed_text(&c.ty));
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
    } else if let Some(c) = mixed_runs {
        // Mixed content: each text run kept in its place among the children.
        let slot = slot(c);
        quote! {
            let mut text = #rt::xml::MixedText::new();
            #order_decl
            let mut kept = #kept_new;
            while let ::core::option::Option::Some(item) = d.next_content(start)? {
                match item {
                    #rt::xml::Content::Child(child) => {
                        #resolve_child
                        #[allow(clippy::match_single_binding)]
                        match #child_name {
                            #(#match_arms)*
                            _ => d.unknown(&child, &mut kept)?,
                        }
                    }
                    #rt::xml::Content::Text(raw, at) => {
                        let (known, kept_before) = kept.place();
                        text.push(known, kept_before, d.unescape(raw, at)?);
                    }
                    #rt::xml::Content::CData(t, _) => {
                        let (known, kept_before) = kept.place();
                        text.push(known, kept_before, ::std::borrow::Cow::Borrowed(t));
                    }
                }
            }
            let #slot = #rt::xml::Slot::Set(text);
        }
    } else if has_text_content {
        // Mixed: text runs between the children make up the content.
        let c = content.expect("content");
        let slot = slot(c);
        let ty = borrowed_value_ty(ctx, &c.ty);
        let opt = optional_decoder(ctx, &c.ty, c.occur);
        quote! {
            let mut text: ::core::option::Option<::std::borrow::Cow<'a, str>> = ::core::option::Option::None;
            #order_decl
            let mut kept = #kept_new;
            while let ::core::option::Option::Some(item) = d.next_content(start)? {
                match item {
                    #rt::xml::Content::Child(child) => {
                        #resolve_child
                        #[allow(clippy::match_single_binding)]
                        match #child_name {
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
            let mut kept = #kept_new;
            while let ::core::option::Option::Some(child) = d.next_kept_child(start, &mut kept)? {
                #resolve_child
                #[allow(clippy::match_single_binding)]
                match #child_name {
                    #(#match_arms)*
                    _ => d.unknown(&child, &mut kept)?,
                }
            }
        }
    };
    let uses_unknown = raw_content.is_none() && !(has_text_content && children.is_empty());

    // ---- decode: finishing
    let any_finish = any.map(|f| {
        let id = finished(f);
        quote!(let #id: ::core::result::Result<_, #rt::DecodeError> = ::core::result::Result::Ok(kept.into_elements());)
    });
    let finishes = s.fields.iter().filter(|f| !matches!(f.key, Key::AnyElement(_))).map(|f| {
        let id = finished(f);
        let slot = slot(f);
        let fname = match &f.key {
            Key::Element(tag) | Key::Attribute(tag) => local(tag).to_owned(),
            _ => f.name.clone(),
        };
        match (&f.key, f.occur) {
            (Key::AnyAttribute, _) => {
                quote!(let #id: ::core::result::Result<_, #rt::DecodeError> = ::core::result::Result::Ok(#slot);)
            }
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
    let inits = s.fields.iter().enumerate().map(|(i, f)| {
        let id = field_ident(f);
        let local = finished(f);
        let value = ctx.stored(quote!(#local?));
        if ctx.is_boxed(t, i) {
            // The type contains itself through this field (`Schema::recursive_fields`).
            match f.occur {
                Occur::One => quote!(#id: ::std::boxed::Box::new(#value),),
                _ => quote!(#id: (#value).map(::std::boxed::Box::new),),
            }
        } else {
            quote!(#id: #value,)
        }
    });
    let unknown_init = s.unknown.as_ref().map(|u| {
        let id = super::naming::ident(u);
        if uses_unknown {
            let kept = ctx.stored(quote!(kept.into_elements()));
            quote!(#id: #kept,)
        } else {
            // Raw or simple content has no children to keep.
            quote!(#id: #rt::xml::UnknownElements::new(),)
        }
    });

    // ---- encode
    // An attribute of another namespace is written with its schema's prefix, declared on the
    // element unless the element's kept declarations have it already.
    let mut prefixes: Vec<(&str, &str, Vec<&Field>)> = Vec::new();
    for f in &attrs {
        if let Some((ns, written, _)) = qualified_attr(f) {
            let prefix = written.split_once(':').map_or("", |(p, _)| p);
            if prefix == "xml" {
                continue; // bound by definition, never declared
            }
            match prefixes.iter_mut().find(|(p, _, _)| *p == prefix) {
                Some((_, _, fs)) => fs.push(f),
                None => prefixes.push((prefix, ns, vec![f])),
            }
        }
    }
    let declarations = prefixes.iter().map(|(prefix, ns, fields)| {
        // Needed when a required attribute of the namespace is there, or an optional one is.
        let required = fields.iter().any(|f| f.occur == Occur::One);
        let present = fields.iter().map(|f| {
            let id = field_ident(f);
            quote!(self.#id.is_some())
        });
        let mut conditions = Vec::new();
        if !required {
            conditions.push(quote!((#(#present)||*)));
        }
        if let Some(o) = other {
            let id = field_ident(o);
            let xmlns = format!("xmlns:{prefix}");
            conditions.push(quote!(self.#id.get(#xmlns).is_none()));
        }
        let declare = quote!(#rt::xml::declare_prefix(out, #prefix, #ns););
        if conditions.is_empty() {
            declare
        } else {
            quote!(if #(#conditions)&&* { #declare })
        }
    });
    let attr_writes = attrs.iter().map(|f| {
        let Key::Attribute(a) = &f.key else { unreachable!() };
        let a = qualified_attr(f).map_or(a.as_str(), |(_, written, _)| written);
        let id = field_ident(f);
        match f.occur {
            Occur::One => quote!(#rt::xml::attr(out, #a, &self.#id);),
            _ => quote!(#rt::xml::attr_opt(out, #a, &self.#id);),
        }
    });
    let other_write = other.map(|f| {
        let id = field_ident(f);
        quote!(self.#id.write(out);)
    });
    let own_ns = if ns { element_namespaces(ctx).get(t.name.as_str()).copied().flatten() } else { None };
    // The schema index a field's values are written under (`UnknownWriter::known`): its place
    // among the children, or for a member of a flattened repeated group the group's first, since
    // the group's members are written interleaved and a kept repetition of any of them must wait
    // for the whole group.
    let field_index = |f: &Field| {
        let p = children.iter().position(|c| std::ptr::eq(*c, f)).expect("a child field");
        runs[p].unwrap_or(p)
    };
    let write_one = |f: &Field, v: TokenStream| {
        let (tag, child_ns) = match &f.key {
            Key::Element(tag) => (local(tag).to_owned(), split(tag).0),
            _ => (String::new(), own_ns),
        };
        let write =
            in_namespace(&rt, quote!(#rt::xml::XmlEncode::encode_element(#v, #tag, out);), &tag, child_ns, own_ns);
        match &f.key {
            Key::Content => match value_kind(ctx, &f.ty) {
                ValueKind::Raw => quote!(out.push_str(#rt::xml::RawXml::as_str(#v));),
                _ => quote!(#rt::xml::text(out, #v);),
            },
            // Kept unknown elements go back before the known child they preceded.
            _ if keep => {
                let index = field_index(f);
                quote! {
                    kept.known(out, #index);
                    #write
                }
            }
            _ => write,
        }
    };
    let mut body_writes = Vec::new();
    let mut done = BTreeSet::new();
    for f in s
        .fields
        .iter()
        .filter(|f| !matches!(f.key, Key::Attribute(_) | Key::AnyAttribute | Key::AnyElement(_)))
        .filter(|f| !(f.key == Key::Content && is_mixed_text(&f.ty)))
    {
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
        let boxed = s.fields.iter().position(|x| std::ptr::eq(x, f)).is_some_and(|i| ctx.is_boxed(t, i));
        body_writes.push(match f.occur {
            Occur::One if boxed => write_one(f, quote!(&*self.#id)),
            Occur::One => write_one(f, quote!(&self.#id)),
            Occur::Optional => {
                let w = write_one(f, if boxed { quote!(&**v) } else { quote!(v) });
                quote!(if let ::core::option::Option::Some(v) = &self.#id { #w })
            }
            Occur::Many { .. } => {
                let w = write_one(f, quote!(v));
                quote!(for v in &self.#id { #w })
            }
        });
    }

    let kept_field = s.unknown.as_ref().map(|u| super::naming::ident(u)).or_else(|| any.map(field_ident));
    let (kept_start, kept_rest) = match kept_field {
        Some(id) => {
            let field_of = field_of(&arms_by_tag, ns);
            let writer = match mixed_runs {
                Some(c) => {
                    let text = field_ident(c);
                    quote!(let mut kept = self.#id.writer_mixed(#field_of, &self.#text);)
                }
                None => quote!(let mut kept = self.#id.writer(#field_of);),
            };
            (writer, quote!(kept.rest(out);))
        }
        None => (quote!(), quote!()),
    };

    let decode_body = quote! {
        #attr_decode
        #(#child_decls)*
        #children_decode
        #(#finishes)*
        #any_finish
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
                // Declared just before the kept attributes, where a decode of this output
                // keeps the declaration: encoding the decoded output gives the same bytes.
                #(#declarations)*
                #other_write
                let content = #rt::xml::close_start(out);
                #kept_start
                #(#body_writes)*
                #kept_rest
                #rt::xml::close(out, tag, content);
            }
        }
    }
}

/// An attribute of another namespace (`{ns}prefix:local`, see the XSD front end): its
/// namespace, its name as written (`prefix:local`) and its local name.
fn qualified_attr(f: &Field) -> Option<(&str, &str, &str)> {
    let Key::Attribute(a) = &f.key else { return None };
    let (ns, written) = a.strip_prefix('{')?.split_once('}')?;
    let local = written.split_once(':').map_or(written, |(_, l)| l);
    Some((ns, written, local))
}

/// Whether a field holds mixed content's text runs (`osmos::xml::MixedText`).
fn is_mixed_text(ty: &Ty) -> bool {
    matches!(&ty.kind, TyKind::Rust { path, .. } if path.starts_with("::osmos::xml::MixedText"))
}

/// The local a decoder holds a field's finished value in. Schema names reach generated code
/// only through the prefixes `f_` (slots) and `v_` (finished values), which no local or
/// parameter of the emitter's own starts with: a field named `d`, `start` or `kept` cannot
/// shadow the decoder's (`codegen/tests/golden/xsd_locals.xsd`).
fn finished(f: &Field) -> proc_macro2::Ident {
    quote::format_ident!("v_{}", field_ident(f).to_string().trim_start_matches("r#"))
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
        Key::Element(tag) => local(tag).to_owned(),
        _ => f.name.clone(),
    };
    let order_name = match arm.variant {
        Some(v) => local(&variant_element(ctx, v)).to_owned(),
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
    let ns = namespaced(ctx);
    let (resolve, scrutinee) = name_scrutinee(quote!(start), quote!(start.name), ns);
    let mut seen = BTreeSet::new();
    let dec_arms = variants.iter().filter_map(|v| {
        let tag = variant_element(ctx, v);
        if !seen.insert(tag.clone()) {
            return None;
        }
        let pattern = name_pattern(&tag, ns);
        let var = super::variant_ident(&v.name, &v.rust_name);
        Some(match list_item(v) {
            Some(item) => {
                let dec = decoder(ctx, item, false);
                quote!(#pattern => d.apply(start, #dec).map(|v| #name::#var(::std::vec![v])),)
            }
            None => {
                let dec = decoder(ctx, &v.ty, false);
                quote!(#pattern => d.apply(start, #dec).map(#name::#var),)
            }
        })
    });
    let names: Vec<String> = variants.iter().map(|v| format!("<{}>", local(&variant_element(ctx, v)))).collect();
    let expected = format!("one of {}", names.join(", "));
    let fallback = if ns {
        quote!(_ => Err(d.error(
            #rt::ErrorKind::UnexpectedType { expected: #expected, found: format!("<{}>", start.name) },
            start.offset,
        )),)
    } else {
        quote!(other => Err(d.error(
            #rt::ErrorKind::UnexpectedType { expected: #expected, found: format!("<{other}>") },
            start.offset,
        )),)
    };
    let parent_ns = if ns { element_namespaces(ctx).get(t.name.as_str()).copied().flatten() } else { None };
    let enc_arms = variants.iter().map(|v| {
        let element = variant_element(ctx, v);
        let (child_ns, tag) = split(&element);
        let var = super::variant_ident(&v.name, &v.rust_name);
        match list_item(v) {
            Some(_) if child_ns != parent_ns => {
                let write = in_namespace(
                    &rt,
                    quote!(#rt::xml::XmlEncode::encode_element(v, #tag, out);),
                    tag,
                    child_ns,
                    parent_ns,
                );
                quote!(#name::#var(items) => for v in items { #write })
            }
            Some(_) => quote!(#name::#var(items) => #rt::xml::elements(out, #tag, items),),
            None if child_ns != parent_ns => {
                let write = in_namespace(
                    &rt,
                    quote!(#rt::xml::XmlEncode::encode_element(v, #tag, out);),
                    tag,
                    child_ns,
                    parent_ns,
                );
                quote!(#name::#var(v) => { #write })
            }
            None => quote!(#name::#var(v) => #rt::xml::XmlEncode::encode_element(v, #tag, out),),
        }
    });
    quote! {
        impl<'a> #rt::xml::XmlDecode<'a> for #name #generics {
            fn decode_element(d: &mut #rt::xml::Decoder<'a>, start: &#rt::xml::Start<'a>) -> ::core::result::Result<Self, #rt::DecodeError> {
                #resolve
                match #scrutinee {
                    #(#dec_arms)*
                    #fallback
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
    for (t, tag) in msgs.iter().filter(|(_, tag)| split(tag).0.is_some()) {
        items.push(document(ctx, t, tag));
    }
    for env in envelopes(ctx) {
        let name = super::type_ident(env);
        let tag = &env.name;
        let generics = if ctx.borrows(env) { quote!(<'a>) } else { quote!() };
        let lt_decl = if ctx.borrows(env) { quote!() } else { quote!(<'a>) };
        // Owned results need no lifetime on the input.
        let input = if ctx.borrows(env) { quote!(&'a str) } else { quote!(&str) };
        let doc = format!(" The `<{tag}>` document: decoding from UTF-8 text, encoding to UTF-8 or UTF-16BE.");
        items.push(quote! {
            #[doc = #doc]
            impl #generics #name #generics {
                /// The root element's name.
                pub const ELEMENT: &'static str = #tag;

                /// Decodes a whole document leniently (see `osmos::xml`); errors carry the path
                /// below the root and the byte offset in `input`.
                pub fn decode(input: #input) -> ::core::result::Result<Self, #rt::DecodeError> {
                    #rt::xml::decode_document_lenient(input, ::core::option::Option::Some(#tag), true, <Self as #rt::xml::XmlDecode<'_>>::decode_element)
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

/// A namespaced global element's entry points: a document with it as root, decoded whatever
/// prefix it uses, encoded with the namespace as the default.
fn document(ctx: &Ctx, t: &TypeDef, tag: &str) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let (ns, local) = split(tag);
    let ns = ns.expect("a namespaced element");
    let generics = if ctx.borrows(t) { quote!(<'a>) } else { quote!() };
    let lt_decl = if ctx.borrows(t) { quote!() } else { quote!(<'a>) };
    // Owned results need no lifetime on the input.
    let input = if ctx.borrows(t) { quote!(&'a str) } else { quote!(&str) };
    let doc = format!(" A document with root `<{local}>` in `{ns}`: decoding from UTF-8 text, encoding to UTF-8.");
    quote! {
        #[doc = #doc]
        impl #generics #name #generics {
            /// The root element's local name.
            pub const ELEMENT: &'static str = #local;
            /// The root element's namespace.
            pub const NAMESPACE: &'static str = #ns;

            /// Decodes a whole document leniently (see `osmos::xml`): the root must be this
            /// element in this namespace, with whatever prefix; errors carry the path below it
            /// and the byte offset in `input`.
            pub fn decode(input: #input) -> ::core::result::Result<Self, #rt::DecodeError> {
                Self::decode_with(input, #rt::xml::Mode::Lenient).map_err(#rt::DecodeError::from)
            }

            /// Decodes a whole document in the given mode; strict mode returns every deviation
            /// from the schema.
            pub fn decode_with #lt_decl (input: &'a str, mode: #rt::xml::Mode) -> ::core::result::Result<Self, #rt::xml::DecodeErrors> {
                #rt::xml::decode_namespaced_document(
                    input,
                    mode,
                    ::core::option::Option::Some((#ns, #local)),
                    <Self as #rt::xml::XmlDecode<'a>>::decode_element,
                )
            }

            /// The document as UTF-8 XML without XML declaration: elements in schema order and
            /// without prefix, the namespace declared on the root.
            pub fn encode(&self) -> ::std::string::String {
                #rt::xml::encode_string(|out| {
                    #rt::xml::XmlEncode::encode_element(self, #local, out);
                    #rt::xml::declare_namespace(out, #local, #ns);
                })
            }
        }
    }
}

fn message_enum(ctx: &Ctx, options: &Options, msgs: &[(&TypeDef, &str)]) -> TokenStream {
    let rt = ctx.rt();
    let ns = namespaced(ctx);
    let patterns: Vec<TokenStream> = msgs.iter().map(|(_, e)| name_pattern(e, ns)).collect();
    let namespaces: Vec<Option<&str>> = msgs.iter().map(|(_, e)| split(e).0).collect();
    let msgs: Vec<(&TypeDef, &str)> = msgs.iter().map(|(t, e)| (*t, local(e))).collect();
    let msgs = msgs.as_slice();
    let borrows = msgs.iter().any(|(t, _)| ctx.borrows(t));
    let (generics, anon, stat, lt_decl, input) = if borrows {
        (quote!(<'a>), quote!(<'_>), quote!(<'static>), quote!(), quote!(&'a str))
    } else {
        (quote!(), quote!(), quote!(), quote!(<'a>), quote!(&str))
    };
    let variants: Vec<_> = msgs.iter().map(|(t, _)| super::type_ident(t)).collect();
    let tys: Vec<_> = msgs.iter().map(|(t, _)| ctx.type_ref(&t.name)).collect();
    let tags: Vec<&str> = msgs.iter().map(|(_, e)| *e).collect();
    let rust_names: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
    let docs = msgs.iter().map(|(_, e)| format!(" `<{e}>`."));
    let count = msgs.len();
    let expected = "an object with one message element name as its only key";
    let (resolve, scrutinee) = name_scrutinee(quote!(start), quote!(start.name), ns);
    let unknown_message = if ns {
        quote!(_ => Err(d.error(#rt::ErrorKind::UnknownMessage(start.name.into()), start.offset)),)
    } else {
        quote!(other => Err(d.error(#rt::ErrorKind::UnknownMessage(other.into()), start.offset)),)
    };
    let decode_document = if ns {
        quote!(#rt::xml::decode_namespaced_document(input, mode, ::core::option::Option::None, <Self as #rt::xml::XmlDecode<'a>>::decode_element))
    } else {
        quote!(#rt::xml::decode_document(input, mode, ::core::option::Option::None, false, <Self as #rt::xml::XmlDecode<'a>>::decode_element))
    };
    let (declare, namespace_fn) = if ns {
        let nss = namespaces.iter().map(|n| match n {
            Some(n) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        });
        (
            quote! {
                if let ::core::option::Option::Some(ns) = self.namespace() {
                    #rt::xml::declare_namespace(out, self.element_name(), ns);
                }
            },
            quote! {
                /// The message element's namespace.
                pub fn namespace(&self) -> ::core::option::Option<&'static str> {
                    match self { #(Message::#variants(_) => #nss,)* }
                }
            },
        )
    } else {
        (quote!(), quote!())
    };
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
            pub fn decode_body(input: #input) -> ::core::result::Result<Self, #rt::DecodeError> {
                Self::decode_body_with(input, #rt::xml::Mode::Lenient).map_err(#rt::DecodeError::from)
            }

            /// [`Message::decode_body`] in the given mode.
            pub fn decode_body_with #lt_decl (input: &'a str, mode: #rt::xml::Mode) -> ::core::result::Result<Self, #rt::xml::DecodeErrors> {
                #decode_document
            }

            /// The message element as UTF-8 XML (no envelope).
            pub fn encode(&self) -> ::std::string::String {
                #rt::xml::encode_string(|out| {
                    #rt::xml::XmlEncode::encode_element(self, self.element_name(), out);
                    #declare
                })
            }
            #namespace_fn

            /// Copies whatever the message borrows from its input.
            pub fn into_owned(self) -> Message #stat {
                match self { #(Message::#variants(m) => Message::#variants(#rt::cbor::IntoOwned::into_owned(m)),)* }
            }
        }

        impl<'a> #rt::xml::XmlDecode<'a> for Message #generics {
            fn decode_element(d: &mut #rt::xml::Decoder<'a>, start: &#rt::xml::Start<'a>) -> ::core::result::Result<Self, #rt::DecodeError> {
                #resolve
                match #scrutinee {
                    #( #patterns => <#tys as #rt::xml::XmlDecode<'a>>::decode_element(d, start).map(Message::#variants), )*
                    #unknown_message
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
