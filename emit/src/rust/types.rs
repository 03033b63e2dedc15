//! The data types: a struct per map/array/element, an enum per enumeration or choice, a type
//! alias per alias, each with docs from the schema and an `IntoOwned` impl.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{annotate, docs, field_ident, Ctx};
use crate::ir::{Literal, MessageKey, Occur, Prim, Ty, TyKind, TypeDef, TypeKind};

/// The type's definition and its impls.
pub(crate) fn emit(ctx: &Ctx, t: &TypeDef) -> TokenStream {
    let def = definition(ctx, t, Form::Expanded).unwrap_or_else(|e| unreachable!("expanded output always prints: {e}"));
    let impls = impls(ctx, t);
    quote!(#def #impls)
}

/// How a definition is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// Plain types; the back end prints their codecs next to them.
    Expanded,
    /// Types annotated for `#[derive(osmos::Message)]`, which writes the codecs.
    Derive,
}

/// The struct, enum or alias itself, documented from the schema. In [`Form::Derive`], a shape
/// the derive's attributes cannot express is an error.
pub(crate) fn definition(ctx: &Ctx, t: &TypeDef, form: Form) -> Result<TokenStream, String> {
    let derive = form == Form::Derive;
    let container = if derive { annotate::container(t)? } else { quote!() };
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    let mut doc_lines = if t.docs.is_empty() { vec![describe(t)] } else { t.docs.clone() };
    if !t.docs.is_empty() {
        doc_lines.push(String::new());
        doc_lines.push(describe(t));
    }
    let doc = docs(&doc_lines);
    Ok(match &t.kind {
        TypeKind::Struct(s) => {
            let mut fields = Vec::new();
            for (i, f) in s.fields.iter().enumerate() {
                let id = field_ident(f);
                let (ty, attrs) =
                    if derive { annotate::field(ctx, s.layout, f)? } else { (ctx.struct_field_ty(t, i, f), quote!()) };
                let mut lines = vec![format!("`{}` ({}).", f.name, f.key)];
                lines.extend(f.docs.iter().cloned());
                if let Some(d) = &f.ty.default {
                    lines.push(format!("Default when absent: `{}`.", literal_text(d)));
                }
                let doc = docs(&lines);
                fields.push(quote!(#doc #attrs pub #id: #ty,));
            }
            let default = if s.fields.is_empty() { quote!(Default,) } else { quote!() };
            let unknown = s.unknown.as_ref().map(|u| {
                let id = super::naming::ident(u);
                let lt = ctx.leaf_lifetime();
                let (ty, doc) = match s.layout {
                    crate::ir::Layout::Element => (
                        quote!(#rt::xml::UnknownElements<#lt>),
                        " Child elements the schema does not know (or more of them than it allows), kept as received and written back in place.",
                    ),
                    _ => (
                        quote!(#rt::cbor::UnknownKeys<#lt>),
                        " Entries with keys the schema does not know (extension fields), kept as received.",
                    ),
                };
                let marker = derive.then(|| quote!(#[osmos(unknown)]));
                quote!(#[doc = #doc] #marker pub #id: #ty,)
            });
            let table = s.tables().map(|t| {
                let id = super::table_ident(t);
                let (k, v) = (ctx.rust_ty(&t.key), ctx.rust_ty(&t.value));
                let doc = format!(
                    " The entries whose keys are none of the fields' (`{} => {}`), in wire order.",
                    super::ty_text(&t.key),
                    super::ty_text(&t.value)
                );
                quote!(#[doc = #doc] pub #id: ::std::vec::Vec<(#k, #v)>,)
            });
            let derives = if derive { quote!(#rt::Message) } else { quote!() };
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default #derives)]
                #container
                pub struct #name #generics { #(#fields)* #(#table)* #unknown }
            }
        }
        TypeKind::Enum(e) => {
            let defs = e.variants.iter().map(|v| {
                let id = super::variant_ident(&v.name, &v.rust_name);
                let mut lines = vec![format!("`{}` = `{}`.", v.name, literal_text(&v.value))];
                lines.extend(v.docs.iter().cloned());
                let doc = docs(&lines);
                let attrs = if derive { annotate::enum_value(v) } else { quote!() };
                quote!(#doc #attrs #id,)
            });
            let derives = if derive { quote!(, #rt::Message) } else { quote!() };
            quote! {
                #doc
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash #derives)]
                #container
                pub enum #name { #(#defs)* }
            }
        }
        TypeKind::Choice(c) => {
            if derive {
                // The derive tells alternatives apart by their first byte only; alternatives
                // tried in order (COSE's arrays, `any / uint`) have no derive form.
                let mut seen = std::collections::BTreeSet::new();
                for v in &c.variants {
                    if ctx.schema.major_types(&v.ty).into_iter().any(|m| !seen.insert(m)) {
                        return Err(format!(
                            "`{}`: alternative `{}` starts like an earlier one, which the derive cannot try in order",
                            t.name, v.name
                        ));
                    }
                }
            }
            let mut defs = Vec::new();
            for v in &c.variants {
                let id = super::variant_ident(&v.name, &v.rust_name);
                let (ty, attrs) = if derive { annotate::variant(ctx, v)? } else { (ctx.rust_ty(&v.ty), quote!()) };
                let doc = docs(&[format!("The `{}` alternative.", v.name)]);
                defs.push(quote!(#doc #attrs #id(#ty),));
            }
            let derives = if derive { quote!(, #rt::Message) } else { quote!() };
            // Alternatives stay inline even when their sizes differ: boxing one would cost an
            // allocation per decoded value, and decoding is meant to allocate nothing.
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq #derives)]
                #container
                #[allow(clippy::large_enum_variant)]
                pub enum #name #generics { #(#defs)* }
            }
        }
        TypeKind::Alias(ty) if t.tagged().is_some() => {
            if derive {
                return Err(format!(
                    "`{}` is a tagged type (`#6.{}(…)`), which the derive's attributes cannot express",
                    t.name,
                    ty.tag.unwrap_or_default()
                ));
            }
            let target = ctx.rust_ty(&Ty { tag: None, ..ty.clone() });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                pub struct #name #generics(pub #target);
            }
        }
        TypeKind::Alias(ty) => {
            let target = ctx.rust_ty(ty);
            quote!(#doc pub type #name #generics = #target;)
        }
    })
}

/// What a type gets besides its codecs, for generated and derived types alike: default
/// accessors, the `Keyed` constants of a message, enumeration values and names, `IntoOwned`.
pub(crate) fn impls(ctx: &Ctx, t: &TypeDef) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    match &t.kind {
        TypeKind::Struct(s) => {
            let owned_fields = s.fields.iter().map(|f| {
                let id = field_ident(f);
                let eff = ctx.effective(&f.ty);
                // A `null` field is `()`: nothing to own (and clippy's `unit_arg` forbids the call).
                if matches!(eff.kind, TyKind::Prim(Prim::Null)) && !eff.nullable && f.occur == Occur::One {
                    return quote!(#id: (),);
                }
                quote!(#id: #rt::cbor::IntoOwned::into_owned(self.#id),)
            });
            let message_consts = match &t.message {
                Some(MessageKey::TypeKey(k)) => {
                    let varint = varint_bytes(*k);
                    let schema_name = &t.name;
                    let anon = ctx.anon_generics(t);
                    quote! {
                        impl #rt::frame::Keyed for #name #anon {
                            const TYPE_KEY: u64 = #k;
                            const NAME: &'static str = #schema_name;
                            const VARINT: &'static [u8] = &[#(#varint),*];
                        }
                    }
                }
                _ => quote!(),
            };
            let owned_unknown = s.unknown.as_ref().map(|u| {
                let id = super::naming::ident(u);
                quote!(#id: #rt::cbor::IntoOwned::into_owned(self.#id),)
            });
            let owned_table = s.tables().map(|t| {
                let id = super::table_ident(t);
                quote!(#id: #rt::cbor::IntoOwned::into_owned(self.#id),)
            });
            let owned = into_owned(ctx, t, quote!(#name { #(#owned_fields)* #(#owned_table)* #owned_unknown }));
            let accessors: Vec<_> = s.fields.iter().filter_map(|f| default_accessor(ctx, f)).collect();
            let accessors =
                if accessors.is_empty() { quote!() } else { quote!(impl #generics #name #generics { #(#accessors)* }) };
            quote! {
                #accessors
                #message_consts
                #owned
            }
        }
        TypeKind::Enum(e) => {
            let variants: Vec<_> = e.variants.iter().map(|v| super::variant_ident(&v.name, &v.rust_name)).collect();
            let names = e.variants.iter().map(|v| v.name.as_str());
            let names2 = names.clone();
            let count = e.variants.len();
            let (value_ty, values) = enum_values(e);
            let param_ty = match value_ty.to_string() {
                t if t.contains("str") => quote!(&str),
                t if t.contains("u8") => quote!(&[u8]),
                _ => value_ty.clone(),
            };
            quote! {
                impl #name {
                    /// Every value, in schema order.
                    pub const ALL: [Self; #count] = [#(Self::#variants),*];
                    /// The value on the wire.
                    pub const fn value(self) -> #value_ty {
                        match self { #(Self::#variants => #values,)* }
                    }
                    /// The value for a wire value, if it is one of the enumeration.
                    pub fn from_value(v: #param_ty) -> ::core::option::Option<Self> {
                        Self::ALL.into_iter().find(|x| x.value() == v)
                    }
                    /// The schema's name of the value.
                    pub const fn name(self) -> &'static str {
                        match self { #(Self::#variants => #names,)* }
                    }
                    /// The value with that schema name.
                    pub fn from_name(name: &str) -> ::core::option::Option<Self> {
                        match name { #(#names2 => ::core::option::Option::Some(Self::#variants),)* _ => ::core::option::Option::None }
                    }
                }
                impl #rt::cbor::IntoOwned for #name {
                    type Owned = #name;
                    fn into_owned(self) -> #name { self }
                }
            }
        }
        TypeKind::Choice(c) => {
            let arms = c.variants.iter().map(|v| {
                let id = super::variant_ident(&v.name, &v.rust_name);
                quote!(#name::#id(v) => #name::#id(#rt::cbor::IntoOwned::into_owned(v)),)
            });
            into_owned(ctx, t, quote!(match self { #(#arms)* }))
        }
        TypeKind::Alias(_) if t.tagged().is_some() => {
            into_owned(ctx, t, quote!(#name(#rt::cbor::IntoOwned::into_owned(self.0))))
        }
        TypeKind::Alias(_) => quote!(),
    }
}

/// `<field>_or_default()` for an optional field whose schema gives a `.default` (numbers,
/// booleans and text).
fn default_accessor(ctx: &Ctx, f: &crate::ir::Field) -> Option<TokenStream> {
    use crate::ir::{Occur, Prim, TyKind};
    let lit = f.ty.default.as_ref()?;
    let eff = ctx.effective(&f.ty);
    if f.occur != Occur::Optional || eff.nullable {
        return None;
    }
    let id = field_ident(f);
    let getter = format_ident!("{}_or_default", field_ident(f).to_string().trim_start_matches("r#"));
    let doc = format!(" `{}`, or the schema's default `{}` when absent.", f.name, literal_text(lit));
    if let (TyKind::List { .. }, Literal::Text(t)) = (eff.kind, lit) {
        // An XSD list's default (checked by the front end): its text, read as the field is.
        let rt = ctx.rt();
        let ty = ctx.rust_ty(&f.ty);
        return Some(quote! {
            #[doc = #doc]
            pub fn #getter(&self) -> #ty {
                match &self.#id {
                    ::core::option::Option::Some(v) => v.clone(),
                    ::core::option::Option::None => {
                        <#ty as #rt::xml::XmlText>::from_text(::std::borrow::Cow::Borrowed(#t)).unwrap_or_default()
                    }
                }
            }
        });
    }
    let TyKind::Prim(prim) = eff.kind else { return None };
    let (ret, body) = match (prim, lit) {
        (Prim::Bool, Literal::Bool(b)) => (quote!(bool), quote!(self.#id.unwrap_or(#b))),
        (Prim::Text, Literal::Text(t)) => (quote!(&str), quote!(self.#id.as_deref().unwrap_or(#t))),
        (p, l) => {
            let n = super::number(l, p)?;
            (ctx.rust_ty(&f.ty), quote!(self.#id.unwrap_or(#n)))
        }
    };
    Some(quote! {
        #[doc = #doc]
        pub fn #getter(&self) -> #ret { #body }
    })
}

fn into_owned(ctx: &Ctx, t: &TypeDef, body: TokenStream) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    if ctx.borrows(t) {
        quote! {
            impl #rt::cbor::IntoOwned for #name<'_> {
                type Owned = #name<'static>;
                fn into_owned(self) -> #name<'static> { #body }
            }
        }
    } else {
        quote! {
            impl #rt::cbor::IntoOwned for #name {
                type Owned = #name;
                fn into_owned(self) -> #name { self }
            }
        }
    }
}

/// The Rust type of an enum's wire values and each variant's value.
pub(crate) fn enum_values(e: &crate::ir::Enum) -> (TokenStream, Vec<TokenStream>) {
    let all_text = e.variants.iter().all(|v| matches!(v.value, Literal::Text(_)));
    let any_negative = e.variants.iter().any(|v| matches!(v.value, Literal::Int(i) if i < 0));
    let all_bytes = e.variants.iter().all(|v| matches!(v.value, Literal::Bytes(_)));
    if all_bytes {
        // `h'01' / h'02'`: the exact bytes, compared whole.
        let vals = e.variants.iter().map(|v| match &v.value {
            Literal::Bytes(b) => {
                let b = proc_macro2::Literal::byte_string(b);
                quote!(#b)
            }
            _ => unreachable!(),
        });
        (quote!(&'static [u8]), vals.collect())
    } else if all_text {
        let vals = e.variants.iter().map(|v| match &v.value {
            Literal::Text(s) => quote!(#s),
            _ => unreachable!(),
        });
        (quote!(&'static str), vals.collect())
    } else if any_negative {
        let vals = e.variants.iter().map(|v| match &v.value {
            Literal::Int(i) => {
                let i = *i as i64;
                quote!(#i)
            }
            _ => quote!(0),
        });
        (quote!(i64), vals.collect())
    } else {
        let vals = e.variants.iter().map(|v| match &v.value {
            Literal::Int(i) => {
                let i = *i as u64;
                quote!(#i)
            }
            _ => quote!(0),
        });
        (quote!(u64), vals.collect())
    }
}

fn describe(t: &TypeDef) -> String {
    let what = match &t.kind {
        TypeKind::Struct(s) => match s.layout {
            crate::ir::Layout::Map => "map",
            crate::ir::Layout::Array => "array",
            crate::ir::Layout::Element => "element",
            crate::ir::Layout::Group => "group of array items",
        },
        TypeKind::Enum(_) => "enumeration",
        TypeKind::Choice(_) => "choice",
        TypeKind::Alias(Ty { tag: Some(n), .. }) if t.tagged().is_some() => {
            return format!("Schema type `{}`: its content under CBOR tag {n}, read and written with the tag.", t.name);
        }
        TypeKind::Alias(_) => "type",
    };
    match &t.message {
        Some(MessageKey::TypeKey(k)) => format!("Schema {what} `{}`, message type key {k}.", t.name),
        Some(MessageKey::Element(e)) => format!("Schema {what} `{}`, message `<{e}>`.", t.name),
        None => format!("Schema {what} `{}`.", t.name),
    }
}

pub(crate) fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Text(t) => format!("{t:?}"),
        Literal::Bytes(b) => format!("h'{}'", b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
        Literal::Bool(b) => b.to_string(),
    }
}

/// QUIC varint bytes of a type key, computed at generation time. (The runtime's
/// `osmos::varint` cannot be called from here: `osmos` depends on this crate for its
/// `regenerate` build; `tests/openscreen_wire.rs` checks the two agree.)
pub(crate) fn varint_bytes(k: u64) -> Vec<u8> {
    let len = if k < 1 << 6 {
        1
    } else if k < 1 << 14 {
        2
    } else if k < 1 << 30 {
        4
    } else {
        8
    };
    let prefix: u64 = match len {
        1 => 0,
        2 => 1 << 14,
        4 => 2 << 30,
        _ => 3 << 62,
    };
    (k | prefix).to_be_bytes()[8 - len..].to_vec()
}
