//! `derive(Messages)`: an enum composing Open Screen messages and message sets into one set
//! that a `FrameReader` reads from a stream carrying all of them.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{Data, DeriveInput, Fields};

use crate::model::static_lifetimes;

enum Member<'v> {
    /// A `Keyed` message type.
    Message(&'v syn::Type),
    /// A set (`FrameDecode + FrameEncode`), marked `#[osmos(set)]`.
    Set(&'v syn::Type),
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(e) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "derive(Messages) is for enums: one variant per message or set",
        ));
    };
    let lifetime = match input.generics.params.len() {
        0 => false,
        1 if input.generics.lifetimes().next().is_some_and(|l| l.lifetime.ident == "a") => true,
        _ => {
            return Err(syn::Error::new_spanned(
                &input.generics,
                "derive(Messages) takes one lifetime, named `'a` (what decoded messages borrow from)",
            ))
        }
    };
    let mut members = Vec::new();
    for v in &e.variants {
        let ty = match &v.fields {
            Fields::Unnamed(u) if u.unnamed.len() == 1 => &u.unnamed[0].ty,
            _ => {
                return Err(syn::Error::new_spanned(
                    v,
                    "each variant holds one message or one message set: `Ping(Ping)`",
                ))
            }
        };
        let mut set = false;
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("osmos")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("set") {
                    set = true;
                    Ok(())
                } else {
                    Err(meta.error("expected `set` (the variant holds a message set such as `openscreen::Message`)"))
                }
            })?;
        }
        members.push((&v.ident, if set { Member::Set(ty) } else { Member::Message(ty) }));
    }
    if members.is_empty() {
        return Err(syn::Error::new_spanned(&input.ident, "a message set needs at least one variant"));
    }

    let name = &input.ident;
    let (generics, stat) = if lifetime { (quote!(<'a>), quote!(<'static>)) } else { (quote!(), quote!()) };
    let rt = quote!(::osmos);
    let static_ty = |t: &syn::Type| static_lifetimes(&t.to_token_stream().to_string());

    // The keys, as one constant array built from each member's keys.
    let member_keys: Vec<TokenStream> = members
        .iter()
        .map(|(_, m)| match m {
            Member::Message(t) => {
                let t = static_ty(t);
                quote!(&[<#t as #rt::frame::Keyed>::TYPE_KEY])
            }
            Member::Set(t) => {
                let t = static_ty(t);
                quote!(<#t as #rt::frame::FrameDecode<'static>>::TYPE_KEYS)
            }
        })
        .collect();
    let lens = member_keys.iter().map(|k| quote!((#k).len()));
    let fills = member_keys.iter().map(|k| {
        quote! {
            let keys: &[u64] = #k;
            let mut i = 0;
            while i < keys.len() { out[n] = keys[i]; n += 1; i += 1; }
        }
    });
    // Checked pairwise so the error names the two members.
    let mut clashes = Vec::new();
    for (i, (a, _)) in members.iter().enumerate() {
        for (j, (b, _)) in members.iter().enumerate().skip(i + 1) {
            let (ka, kb) = (&member_keys[i], &member_keys[j]);
            let msg = format!(
                "osmos: `{name}::{a}` and `{name}::{b}` claim the same type key; a frame must decode one way only"
            );
            clashes.push(quote!(assert!(!#rt::frame::overlap(#ka, #kb), #msg);));
        }
    }

    let decode_arms = members.iter().map(|(id, m)| match m {
        Member::Message(t) => quote! {
            if key == <#t as #rt::frame::Keyed>::TYPE_KEY {
                return #rt::frame::decode_body(input, n, <#t as #rt::frame::Keyed>::NAME)
                    .map(|o| o.map(|(m, used)| (#name::#id(m), used)));
            }
        },
        Member::Set(t) => quote! {
            if #rt::frame::has_key(<#t as #rt::frame::FrameDecode<'a>>::TYPE_KEYS, key) {
                return <#t as #rt::frame::FrameDecode<'a>>::decode_frame(input)
                    .map(|o| o.map(|(m, used)| (#name::#id(m), used)));
            }
        },
    });
    let key_arms = members.iter().map(|(id, m)| match m {
        Member::Message(t) => quote!(#name::#id(_) => <#t as #rt::frame::Keyed>::TYPE_KEY,),
        Member::Set(_) => quote!(#name::#id(m) => #rt::frame::FrameEncode::type_key(m),),
    });
    let name_arms = members.iter().map(|(id, m)| match m {
        Member::Message(t) => quote!(#name::#id(_) => <#t as #rt::frame::Keyed>::NAME,),
        Member::Set(_) => quote!(#name::#id(m) => #rt::frame::FrameEncode::name(m),),
    });
    let encode_arms = members.iter().map(|(id, m)| match m {
        Member::Message(_) => quote!(#name::#id(m) => #rt::frame::Keyed::encode_frame(m, out),),
        Member::Set(_) => quote!(#name::#id(m) => #rt::frame::FrameEncode::encode_frame(m, out),),
    });
    let owned_arms =
        members.iter().map(|(id, _)| quote!(#name::#id(m) => #name::#id(#rt::cbor::IntoOwned::into_owned(m)),));
    let froms = members.iter().map(|(id, m)| {
        let (Member::Message(t) | Member::Set(t)) = m;
        quote! {
            impl #generics ::core::convert::From<#t> for #name #generics {
                fn from(m: #t) -> Self { #name::#id(m) }
            }
        }
    });

    Ok(quote! {
        const _: () = {
            const LEN: usize = 0 #(+ #lens)*;
            const KEYS: [u64; LEN] = {
                let mut out = [0u64; LEN];
                let mut n = 0;
                #(#fills)*
                let _ = n;
                out
            };
            #(#clashes)*

            impl<'a> #rt::frame::FrameDecode<'a> for #name #generics {
                const TYPE_KEYS: &'static [u64] = &KEYS;
                fn decode_frame(input: &'a [u8]) -> ::core::result::Result<::core::option::Option<(Self, usize)>, #rt::DecodeError> {
                    let ::core::option::Option::Some((key, n)) = #rt::varint::decode(input) else {
                        return Ok(::core::option::Option::None);
                    };
                    #(#decode_arms)*
                    Err(#rt::DecodeError::new(#rt::ErrorKind::UnknownTypeKey(key), 0))
                }
            }

            impl #generics #rt::frame::FrameEncode for #name #generics {
                fn type_key(&self) -> u64 { match self { #(#key_arms)* } }
                fn name(&self) -> &'static str { match self { #(#name_arms)* } }
                fn encode_frame(&self, out: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), #rt::EncodeError> {
                    match self { #(#encode_arms)* }
                }
            }

            impl #generics #rt::cbor::IntoOwned for #name #generics {
                type Owned = #name #stat;
                fn into_owned(self) -> #name #stat { match self { #(#owned_arms)* } }
            }

            #(#froms)*
        };
    })
}
