//! JSON views (`osmos::json::{ToJson, FromJson}`) of the generated types, keyed by the
//! schema's own names so that `osmos decode` output reads like the schema.

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ident, Ctx};
use crate::ir::{Layout, Occur, TypeDef, TypeKind};

pub(crate) fn emit(ctx: &Ctx, t: &TypeDef) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let (to, from) = match &t.kind {
        TypeKind::Struct(s) => {
            let inserts = s.fields.iter().map(|f| {
                let id = field_ident(f);
                let key = &f.name;
                match f.occur {
                    Occur::One => quote!(m.insert(#key.into(), #rt::json::ToJson::to_json(&self.#id));),
                    Occur::Optional => quote! {
                        if let ::core::option::Option::Some(v) = &self.#id {
                            m.insert(#key.into(), #rt::json::ToJson::to_json(v));
                        }
                    },
                    Occur::Many { .. } => quote! {
                        if !self.#id.is_empty() {
                            m.insert(#key.into(), #rt::json::ToJson::to_json(&self.#id));
                        }
                    },
                }
            });
            // Kept unknown XML elements under a key no schema name can be.
            let unknown = s.unknown.as_ref().filter(|_| s.layout == Layout::Element).map(|u| super::naming::ident(u));
            let unknown_insert = unknown.as_ref().map(|id| {
                quote!(if !self.#id.is_empty() { m.insert("#unknown".into(), #rt::json::ToJson::to_json(&self.#id)); })
            });
            let unknown_read =
                unknown.as_ref().map(|id| quote!(#id: #rt::json::opt_field(obj, "#unknown")?.unwrap_or_default(),));
            let known = s.fields.iter().map(|f| f.name.as_str()).chain(unknown.as_ref().map(|_| "#unknown"));
            let reads = s.fields.iter().map(|f| {
                let id = field_ident(f);
                let key = &f.name;
                match f.occur {
                    Occur::One => quote!(#id: #rt::json::field(obj, #key)?,),
                    Occur::Optional => quote!(#id: #rt::json::opt_field(obj, #key)?,),
                    Occur::Many { .. } => quote!(#id: #rt::json::opt_field(obj, #key)?.unwrap_or_default(),),
                }
            });
            // Kept CBOR map entries are a wire matter (a proxy passing them on); the JSON view
            // shows the schema's fields only.
            let unknown_default = s.unknown.as_ref().filter(|_| s.layout != Layout::Element).map(|u| {
                let id = super::naming::ident(u);
                quote!(#id: ::core::default::Default::default(),)
            });
            // A table's entries as `[[key, value], …]` under its field name (keys need not be text).
            let table: Vec<_> = s.tables().map(|t| (t.name.as_str(), super::table_ident(t))).collect();
            let table_insert = table.iter().map(|(key, id)| {
                quote!(if !self.#id.is_empty() { m.insert(#key.into(), #rt::json::ToJson::to_json(&self.#id)); })
            });
            let table_read =
                table.iter().map(|(key, id)| quote!(#id: #rt::json::opt_field(obj, #key)?.unwrap_or_default(),));
            let known: Vec<&str> = known.chain(table.iter().map(|(k, _)| *k)).collect();
            let mut_m =
                if s.fields.is_empty() && unknown.is_none() && table.is_empty() { quote!(m) } else { quote!(mut m) };
            (
                quote! {
                    let #mut_m = #rt::json::Map::new();
                    #(#inserts)*
                    #(#table_insert)*
                    #unknown_insert
                    #rt::json::Value::Object(m)
                },
                quote! {
                    let obj = #rt::json::object(v, "an object")?;
                    #rt::json::deny_unknown(obj, &[#(#known),*])?;
                    Ok(#name { #(#reads)* #(#table_read)* #unknown_read #unknown_default })
                },
            )
        }
        TypeKind::Enum(_) => (
            quote!(#rt::json::Value::String(self.name().into())),
            quote! {
                let s = v.as_str().ok_or_else(|| #rt::json::expected("a string", v))?;
                Self::from_name(s).ok_or_else(|| #rt::DecodeError::new(#rt::ErrorKind::UnknownEnumValue(format!("{s:?}")), 0))
            },
        ),
        TypeKind::Choice(c) => {
            let to_arms = c.variants.iter().map(|v| {
                let id = super::variant_ident(&v.name, &v.rust_name);
                let key = &v.name;
                quote!(#name::#id(v) => (#key, #rt::json::ToJson::to_json(v)),)
            });
            let from_arms = c.variants.iter().map(|v| {
                let id = super::variant_ident(&v.name, &v.rust_name);
                let key = &v.name;
                quote!(#key => #rt::json::FromJson::from_json(value).map(#name::#id).map_err(|e| e.in_field(#key)),)
            });
            let names = c.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join("\", \"");
            let expected = format!("an object with one of \"{names}\"");
            (
                quote! {
                    let (k, v) = match self { #(#to_arms)* };
                    let mut m = #rt::json::Map::new();
                    m.insert(k.into(), v);
                    #rt::json::Value::Object(m)
                },
                quote! {
                    let obj = #rt::json::object(v, #expected)?;
                    let mut entries = obj.iter();
                    let (::core::option::Option::Some((k, value)), ::core::option::Option::None) = (entries.next(), entries.next()) else {
                        return Err(#rt::json::expected(#expected, v));
                    };
                    match k.as_str() {
                        #(#from_arms)*
                        _ => Err(#rt::json::expected(#expected, v)),
                    }
                },
            )
        }
        // A tagged rule's view is its content's: the JSON view shows no tags.
        TypeKind::Alias(_) if t.tagged().is_some() => {
            (quote!(#rt::json::ToJson::to_json(&self.0)), quote!(#rt::json::FromJson::from_json(v).map(#name)))
        }
        TypeKind::Alias(_) => return quote!(),
    };
    impls(ctx, t, to, from)
}

/// The `ToJson` and `FromJson` impls of `t`, around the bodies of their methods (`self`, and
/// the value `v`), in either JSON form.
pub(crate) fn impls(ctx: &Ctx, t: &TypeDef, to: TokenStream, from: TokenStream) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    let anon = ctx.anon_generics(t);
    quote! {
        impl #rt::json::ToJson for #name #anon {
            fn to_json(&self) -> #rt::json::Value { #to }
        }
        impl #generics #rt::json::FromJson for #name #generics {
            fn from_json(v: &#rt::json::Value) -> ::core::result::Result<Self, #rt::DecodeError> { #from }
        }
    }
}
