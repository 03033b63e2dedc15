//! The `Message` enum over every type-keyed message: frame decoding dispatched on the type key,
//! frame encoding with the varint precomputed, and the message table.

use proc_macro2::TokenStream;
use quote::quote;

use super::{types::varint_bytes, Ctx, Options};
use crate::ir::MessageKey;

pub(crate) fn emit(ctx: &Ctx, options: &Options) -> TokenStream {
    let rt = ctx.rt();
    let msgs: Vec<_> = ctx
        .schema
        .messages()
        .filter(|(t, _)| t.external.is_none())
        .filter_map(|(t, k)| match k {
            MessageKey::TypeKey(k) => Some((t, *k)),
            MessageKey::Element(_) => None,
        })
        .collect();
    if msgs.is_empty() {
        return quote!();
    }
    let borrows = msgs.iter().any(|(t, _)| ctx.borrows(t));
    // Owned messages need no lifetime on the input.
    let (generics, anon, stat, input) = if borrows {
        (quote!(<'a>), quote!(<'_>), quote!(<'static>), quote!(&'a [u8]))
    } else {
        (quote!(), quote!(), quote!(), quote!(&[u8]))
    };
    let variants: Vec<_> = msgs.iter().map(|(t, _)| super::type_ident(t)).collect();
    let tys: Vec<_> = msgs.iter().map(|(t, _)| ctx.type_ref(&t.name)).collect();
    let names: Vec<&str> = msgs.iter().map(|(t, _)| t.name.as_str()).collect();
    let keys: Vec<u64> = msgs.iter().map(|(_, k)| *k).collect();
    let rust_names: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
    let varints = keys.iter().map(|k| {
        let b = varint_bytes(*k);
        quote!(&[#(#b),*])
    });
    let docs = msgs.iter().map(|(t, k)| format!(" `{}` (type key {k}).", t.name));
    let count = msgs.len();
    let json = ctx.json_gate(
        options,
        quote! {
            impl #rt::json::ToJson for Message #anon {
                /// `{"message": <name>, "type-key": <key>, "body": <message>}`.
                fn to_json(&self) -> #rt::json::Value {
                    let body = match self { #(Message::#variants(m) => #rt::json::ToJson::to_json(m),)* };
                    let mut m = #rt::json::Map::new();
                    m.insert("message".into(), #rt::json::Value::String(self.name().into()));
                    m.insert("type-key".into(), #rt::json::Value::from(self.type_key()));
                    m.insert("body".into(), body);
                    #rt::json::Value::Object(m)
                }
            }
            impl #generics #rt::json::FromJson for Message #generics {
                fn from_json(v: &#rt::json::Value) -> ::core::result::Result<Self, #rt::DecodeError> {
                    let obj = #rt::json::object(v, "an object {\"message\": …, \"body\": …}")?;
                    #rt::json::deny_unknown(obj, &["message", "type-key", "body"])?;
                    let name: ::std::borrow::Cow<'_, str> = #rt::json::field(obj, "message")?;
                    let body = obj.get("body").ok_or_else(|| #rt::DecodeError::new(#rt::ErrorKind::MissingField("body"), 0))?;
                    let msg = match &*name {
                        #(#names => #rt::json::FromJson::from_json(body).map(Message::#variants).map_err(|e| e.in_field(#names))?,)*
                        other => return Err(#rt::DecodeError::new(#rt::ErrorKind::UnknownMessage(other.into()), 0)),
                    };
                    if let ::core::option::Option::Some(k) = obj.get("type-key") {
                        if k.as_u64() != ::core::option::Option::Some(msg.type_key()) {
                            return Err(#rt::DecodeError::new(
                                #rt::ErrorKind::Constraint(format!("type-key {k} does not match message {name}")),
                                0,
                            ).in_field("type-key"));
                        }
                    }
                    Ok(msg)
                }
            }
        },
    );
    quote! {
        /// Every type-keyed message of the schema, for dispatch on the wire.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Message #generics {
            #( #[doc = #docs] #variants(#tys), )*
        }

        /// The message table: name, Rust type, type key and its varint bytes, in schema order.
        pub const MESSAGES: [#rt::frame::MessageInfo; #count] = [
            #( #rt::frame::MessageInfo { name: #names, rust_name: #rust_names, type_key: #keys, varint: #varints }, )*
        ];

        impl #generics Message #generics {
            /// The message's type key.
            pub fn type_key(&self) -> u64 {
                match self { #(Message::#variants(_) => #keys,)* }
            }

            /// The schema's name of the message.
            pub fn name(&self) -> &'static str {
                match self { #(Message::#variants(_) => #names,)* }
            }

            /// Appends `varint(type key) ‖ CBOR`; on error nothing is appended.
            pub fn encode_frame(&self, out: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), #rt::EncodeError> {
                match self { #(Message::#variants(m) => #rt::frame::Keyed::encode_frame(m, out),)* }
            }

            /// Decodes the frame at the start of `input`: the message and the bytes it used,
            /// `Ok(None)` when `input` ends inside the frame, or an error with the field path
            /// (rooted at the message name) and the byte offset in `input`.
            pub fn decode_frame(input: #input) -> ::core::result::Result<::core::option::Option<(Self, usize)>, #rt::DecodeError> {
                let ::core::option::Option::Some((key, n)) = #rt::varint::decode(input) else {
                    return Ok(::core::option::Option::None);
                };
                let mut d = #rt::cbor::Decoder::new(&input[n..]);
                let r = match key {
                    #( #keys => #rt::cbor::Decode::decode(&mut d).map(Message::#variants).map_err(|e| e.in_field(#names)), )*
                    k => return Err(#rt::DecodeError::new(#rt::ErrorKind::UnknownTypeKey(k), 0)),
                };
                match r {
                    Ok(m) => Ok(::core::option::Option::Some((m, n + d.position()))),
                    Err(e) if e.is_incomplete() => Ok(::core::option::Option::None),
                    Err(e) => Err(e.shifted(n)),
                }
            }

            /// Copies whatever the message borrows from its input.
            pub fn into_owned(self) -> Message #stat {
                match self { #(Message::#variants(m) => Message::#variants(#rt::cbor::IntoOwned::into_owned(m)),)* }
            }
        }

        impl<'a> #rt::frame::FrameDecode<'a> for Message #generics {
            const TYPE_KEYS: &'static [u64] = &[#(#keys),*];
            fn decode_frame(input: &'a [u8]) -> ::core::result::Result<::core::option::Option<(Self, usize)>, #rt::DecodeError> {
                Message::decode_frame(input)
            }
        }

        impl #rt::cbor::IntoOwned for Message #anon {
            type Owned = Message #stat;
            fn into_owned(self) -> Message #stat { Message::into_owned(self) }
        }

        impl #rt::frame::FrameEncode for Message #anon {
            fn type_key(&self) -> u64 { Message::type_key(self) }
            fn name(&self) -> &'static str { Message::name(self) }
            fn encode_frame(&self, out: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), #rt::EncodeError> {
                Message::encode_frame(self, out)
            }
        }

        #( impl #generics ::core::convert::From<#tys> for Message #generics {
            fn from(m: #tys) -> Self { Message::#variants(m) }
        } )*

        #json
    }
}
