//! Derive macros for osmos, re-exported by the runtime as `osmos::Message`, `osmos::Messages`
//! and `osmos::Element` (feature `derive`).
//!
//! A derive reads the Rust type and its `#[osmos(...)]` attributes into the generator's IR
//! (`osmos_emit::ir`) and prints its codecs with the generator's own emitter
//! (`osmos_emit::rust::derived`), so a derived type and a type generated from the same schema
//! encode and decode alike, byte for byte and error for error. The attribute reference is in the
//! runtime crate's documentation of `osmos::Message`.

mod attrs;
mod element;
mod messages;
mod model;

use proc_macro::TokenStream;

/// CBOR codecs for a hand-written type: a struct is a CBOR map (fields `#[osmos(key = 0)]` or
/// `#[osmos(key = "vendor-field")]`) or, with `#[osmos(array)]`, a positional array; an enum of
/// unit variants is an enumeration of values; an enum of one-field variants is a type choice.
/// `#[osmos(type_key = 50)]` on a struct makes it an Open Screen message (`Keyed`).
#[proc_macro_derive(Message, attributes(osmos))]
pub fn derive_message(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::derive(&input, model::Wire::Cbor).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// XML codecs for a hand-written element (a vendor payload inside a MOS `mosPayload`): fields
/// are child elements (`#[osmos(element = "name")]`, the default, named after the field),
/// attributes (`#[osmos(attribute = "name")]`) or the text content (`#[osmos(content)]`).
#[proc_macro_derive(Element, attributes(osmos))]
pub fn derive_element(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::derive(&input, model::Wire::Xml).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// A set of Open Screen messages read from one stream: an enum whose variants each hold one
/// `Keyed` message or another message set (the generated `osmos::openscreen::Message`), with
/// frame decoding dispatched on the type key and a compile-time check that no two variants
/// claim one key.
#[proc_macro_derive(Messages, attributes(osmos))]
pub fn derive_messages(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    messages::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}
