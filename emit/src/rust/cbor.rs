//! CBOR codecs for the generated types, on minicbor's `Decoder`/`Encoder` via `osmos::cbor`.
//!
//! Maps decode in any key order, skip unknown integer and text keys (Open Screen extension
//! fields), reject duplicates and report missing keys; arrays take trailing optionals. Encoding
//! is deterministic: definite lengths, keys in ascending encoded order, shortest integers.

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ident, number, opt, slot, Ctx};
use crate::ir::{Constraint, Field, Key, Layout, Occur, Prim, Struct, Ty, TyKind, TypeDef, TypeKind};

pub(crate) fn emit(ctx: &Ctx, t: &TypeDef) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    let anon = ctx.anon_generics(t);
    let (decode, encode) = match &t.kind {
        TypeKind::Struct(s) if s.layout == Layout::Group => return group_items(ctx, t, s),
        TypeKind::Choice(c) if c.variants.iter().all(|v| is_group(ctx, &v.ty)) => return group_choice_items(ctx, t, c),
        TypeKind::Struct(s) if s.layout == Layout::Map => (map_decode(ctx, t, s), map_encode(ctx, t, s)),
        TypeKind::Struct(s) => (array_decode(ctx, t, s), array_encode(ctx, t, s)),
        TypeKind::Enum(e) => enum_codec(ctx, e),
        TypeKind::Choice(c) => choice_codec(ctx, t, c),
        TypeKind::Alias(ty) if t.tagged().is_some() => {
            let (dec, enc) = (decode_value(ctx, ty), encode_value(ctx, ty));
            (quote!(#dec.map(#name)), quote!(let v = &self.0; #enc Ok(())))
        }
        TypeKind::Alias(_) => return quote!(),
    };
    let majors = majors_of(ctx, &Ty::named(t.name.clone()));
    // A field that can only be `null` holds `()`, and its decoded value is bound like any other.
    let unit = match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| {
            let e = ctx.effective(&f.ty);
            !e.nullable && matches!(e.kind, TyKind::Prim(Prim::Null | Prim::Undefined))
        }),
        _ => false,
    };
    let allow = unit.then(|| quote!(#[allow(clippy::let_unit_value)]));
    quote! {
        #allow
        impl<'a> #rt::cbor::Decode<'a> for #name #generics {
            const MAJORS: u8 = #majors;
            fn decode(d: &mut #rt::cbor::Decoder<'a>) -> ::core::result::Result<Self, #rt::DecodeError> {
                #decode
            }
        }
        impl #rt::cbor::Encode for #name #anon {
            fn encode(&self, e: &mut #rt::cbor::Enc<'_>) -> ::core::result::Result<(), #rt::EncodeError> {
                #encode
            }
        }
    }
}

/// An expression of type `Result<T, DecodeError>` decoding one value of `ty` from `d`.
pub(crate) fn decode_value(ctx: &Ctx, ty: &Ty) -> TokenStream {
    let rt = ctx.rt();
    let eff = ctx.effective(ty);
    let mut expr = match eff.kind {
        TyKind::Prim(p) => match p {
            Prim::Uint => quote!(#rt::cbor::uint(d)),
            Prim::Int => quote!(#rt::cbor::int(d)),
            Prim::Nint => quote!(#rt::cbor::nint(d)),
            Prim::Float { bits: 64 } => quote!(#rt::cbor::float(d)),
            Prim::Float { .. } => quote!(#rt::cbor::float32(d)),
            Prim::Bool => quote!(#rt::cbor::boolean(d)),
            Prim::Text | Prim::TextValue(_) => ctx.owning(&Ty::new(eff.kind.clone()), quote!(#rt::cbor::text(d))),
            Prim::Bytes => ctx.owning(&Ty::new(eff.kind.clone()), quote!(#rt::cbor::bytes(d))),
            Prim::Any => ctx.owning(&Ty::new(eff.kind.clone()), quote!(#rt::cbor::any(d))),
            Prim::Null => quote!(#rt::cbor::null(d)),
            Prim::Undefined => quote!(#rt::cbor::undefined(d)),
        },
        TyKind::Named(_) | TyKind::Rust { .. } => quote!(#rt::cbor::Decode::decode(d)),
        TyKind::List { item, min, max } => {
            let item = decode_fn(ctx, item).unwrap_or_else(|| {
                let expr = decode_value(ctx, item);
                quote!(|d| #expr)
            });
            let max = opt(*max);
            quote!(#rt::cbor::list(d, #min, #max, #item))
        }
    };
    let checks = checks(ctx, eff.kind, &eff.constraints, quote!(v));
    if !checks.is_empty() {
        expr = quote! {{
            let pos = d.position();
            #expr.and_then(|v| {
                #( #checks.map_err(|k| #rt::DecodeError::new(k, pos))?; )*
                Ok(v)
            })
        }};
    }
    if let Some(tag) = eff.tag {
        expr = quote!(#rt::cbor::expect_tag(d, #tag).and_then(|()| #expr));
    }
    if eff.nullable {
        expr = quote! {
            match #rt::cbor::take_null(d) {
                Ok(true) => Ok(#rt::cbor::Nullable::Null),
                Ok(false) => #expr.map(#rt::cbor::Nullable::Value),
                Err(err) => Err(err),
            }
        };
    }
    expr
}

/// The decoding function itself, when a value needs nothing but one call.
fn decode_fn(ctx: &Ctx, ty: &Ty) -> Option<TokenStream> {
    let rt = ctx.rt();
    let eff = ctx.effective(ty);
    // Owned mode copies text, bytes and raw values after reading them.
    if eff.nullable || eff.tag.is_some() || !eff.constraints.is_empty() || ctx.copies(ty) {
        return None;
    }
    Some(match eff.kind {
        TyKind::Prim(p) => match p {
            Prim::Uint => quote!(#rt::cbor::uint),
            Prim::Int => quote!(#rt::cbor::int),
            Prim::Nint => quote!(#rt::cbor::nint),
            Prim::Float { bits: 64 } => quote!(#rt::cbor::float),
            Prim::Float { .. } => quote!(#rt::cbor::float32),
            Prim::Bool => quote!(#rt::cbor::boolean),
            Prim::Text | Prim::TextValue(_) => quote!(#rt::cbor::text),
            Prim::Bytes => quote!(#rt::cbor::bytes),
            Prim::Any => quote!(#rt::cbor::any),
            Prim::Null => quote!(#rt::cbor::null),
            Prim::Undefined => quote!(#rt::cbor::undefined),
        },
        TyKind::Named(_) | TyKind::Rust { .. } => quote!(#rt::cbor::Decode::decode),
        TyKind::List { .. } => return None,
    })
}

/// Statements encoding `v` (a reference to a value of `ty`) into `e`.
/// The value is in scope as `v`.
pub(crate) fn encode_value(ctx: &Ctx, ty: &Ty) -> TokenStream {
    let rt = ctx.rt();
    let eff = ctx.effective(ty);
    let checks = checks(ctx, eff.kind, &eff.constraints, quote!(*v));
    let write = match eff.kind {
        TyKind::Prim(p) => match p {
            Prim::Uint => quote!(#rt::cbor::write_uint(e, *v);),
            Prim::Int => quote!(#rt::cbor::write_int(e, *v);),
            Prim::Nint => quote! {
                if *v >= 0 {
                    return Err(#rt::cbor::invalid(#rt::ErrorKind::Constraint(format!("{} is not negative", v))));
                }
                #rt::cbor::write_int(e, *v);
            },
            Prim::Float { bits: 64 } => quote!(#rt::cbor::write_f64(e, *v);),
            // `float16` is a half on the wire (`float16-32` may be either: float32 holds all).
            Prim::Float { bits: 16 } => quote!(#rt::cbor::write_f16(e, *v)?;),
            Prim::Float { .. } => quote!(#rt::cbor::write_f32(e, *v);),
            Prim::Bool => quote!(#rt::cbor::write_bool(e, *v);),
            Prim::Text | Prim::TextValue(_) => quote!(#rt::cbor::write_text(e, v);),
            Prim::Bytes => quote!(#rt::cbor::write_bytes(e, v);),
            Prim::Any => quote!(#rt::cbor::raw(e, v.as_bytes());),
            Prim::Null => quote!(let _ = v; #rt::cbor::write_null(e);),
            Prim::Undefined => quote!(let _ = v; #rt::cbor::write_undefined(e);),
        },
        TyKind::Named(_) | TyKind::Rust { .. } => quote!(#rt::cbor::Encode::encode(v, e)?;),
        TyKind::List { item, min, max } => {
            let item = encode_value(ctx, item);
            let max = opt(*max);
            quote!(#rt::cbor::encode_items(e, v, #min, #max, |e, v| { #item Ok(()) })?;)
        }
    };
    let tag = eff.tag.map(|n| quote!(#rt::cbor::head(e, 6, #n);));
    let body = quote!(#( #checks.map_err(#rt::cbor::invalid)?; )* #tag #write);
    if eff.nullable {
        quote! {
            match v {
                #rt::cbor::Nullable::Null => #rt::cbor::write_null(e),
                #rt::cbor::Nullable::Value(v) => { #body }
            }
        }
    } else {
        body
    }
}

/// Constraint checks on the value `v` (by value for numbers; lengths go through `v` itself,
/// which auto-derefs), each an expression of type `Result<(), ErrorKind>`.
pub(crate) fn checks(ctx: &Ctx, kind: &TyKind, constraints: &[&Constraint], v: TokenStream) -> Vec<TokenStream> {
    let rt = ctx.rt();
    let prim = match kind {
        TyKind::Prim(p) => Some(p),
        _ => None,
    };
    let mut out = Vec::new();
    for c in constraints {
        match c {
            Constraint::Size { min, max } => {
                let max = opt(*max);
                out.push(quote!(#rt::cbor::check_len(v.len(), #min, #max, "bytes")));
            }
            Constraint::Chars { min, max } => {
                let max = opt(*max);
                out.push(quote!(#rt::cbor::check_len(v.chars().count(), #min, #max, "characters")));
            }
            Constraint::Range { min, max } => {
                let Some(p) = prim else { continue };
                let bound = |b: &Option<crate::ir::Bound>| match b {
                    Some(b) => match number(&b.value, p) {
                        Some(n) => {
                            let inc = b.inclusive;
                            Some(quote!(::core::option::Option::Some((#n, #inc))))
                        }
                        // A bound the Rust type cannot even hold (a negative minimum on `u64`) always holds.
                        None => Some(quote!(::core::option::Option::None)),
                    },
                    None => Some(quote!(::core::option::Option::None)),
                };
                let (lo, hi) = (bound(min), bound(max));
                out.push(quote!(#rt::cbor::check_range(#v, #lo, #hi)));
            }
            // Patterns are kept for documentation and XML validation; CBOR text has no runtime regex.
            Constraint::Pattern(_) => {}
        }
    }
    out
}

fn key_pattern(ctx: &Ctx, key: &Key) -> TokenStream {
    let rt = ctx.rt();
    match key {
        Key::Int(i) => {
            let i = *i as i128;
            quote!(#rt::cbor::MapKey::Int(#i))
        }
        Key::Text(t) => quote!(#rt::cbor::MapKey::Text(k) if k == #t),
        _ => unreachable!("map fields have integer or text keys"),
    }
}

/// A map decoder: each entry's key selects a field index (one-byte keys, the Open Screen norm,
/// by their encoded byte before any key is decoded; every other form through `map_key`), then
/// the field's decoder runs, emitted once. Unknown entries are skipped, or kept where the type
/// asks for them.
fn map_decode(ctx: &Ctx, t: &TypeDef, s: &Struct) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let slots: Vec<_> = s.fields.iter().map(slot).collect();
    let boxed = |i: usize| ctx.is_boxed(t, i);
    let decls = s.fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
        let ty = ctx.rust_ty(&f.ty);
        let ty = if boxed(i) { quote!(::std::boxed::Box<#ty>) } else { ty };
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let inits = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let id = field_ident(f);
        let fname = &f.name;
        match f.occur {
            Occur::One => quote!(#id: #slot.ok_or_else(|| #rt::cbor::missing(map.start, #fname))?,),
            _ => quote!(#id: #slot,),
        }
    });
    let (unknown_decl, unknown_stmt, unknown_init) = match &s.unknown {
        Some(u) => {
            let id = super::naming::ident(u);
            let kept = ctx.stored(quote!(kept));
            (
                quote!(let mut kept = #rt::cbor::UnknownKeys::new();),
                quote!(kept.keep(d, key_pos)?;),
                quote!(#id: #kept,),
            )
        }
        None => (quote!(), quote!(#rt::cbor::skip(d)?;), quote!()),
    };
    // A typed table takes the entries whose key is no field's but decodes as its key type;
    // the rest are skipped or kept as before.
    // Several tables (`{ * tstr => int, * int => text }`) try the key in schema order; their
    // key types start apart (the checker sees to it), so at most one reads it.
    let (mut table_decl, mut table_check, mut table_init, mut tries) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, tb) in s.tables().enumerate() {
        let (table, table_keys) = match i {
            0 => (quote::format_ident!("table"), quote::format_ident!("table_keys")),
            _ => (quote::format_ident!("table_{}", i + 1), quote::format_ident!("table_{}_keys", i + 1)),
        };
        let id = super::table_ident(tb);
        let tname = &tb.name;
        let (kdec, vdec) = (decode_value(ctx, &tb.key), decode_value(ctx, &tb.value));
        let (kt, vt) = (ctx.rust_ty(&tb.key), ctx.rust_ty(&tb.value));
        let (min, max) = (tb.min, opt(tb.max));
        // A key whose major type the key type cannot start with is not read again.
        let mask = majors_of(ctx, &tb.key);
        table_decl.push(quote! {
            let mut #table: ::std::vec::Vec<(#kt, #vt)> = ::std::vec::Vec::new();
            let mut #table_keys: ::std::vec::Vec<(usize, usize)> = ::std::vec::Vec::new();
        });
        table_check.push(quote!(#rt::cbor::check_table(d.input(), &mut #table_keys, #min, #max, map.start, #tname)?;));
        table_init.push(quote!(#id: #table,));
        tries.push((table, table_keys, mask, kdec, vdec, tname));
    }
    let first = !tries.is_empty();
    let unknown_stmt =
        tries.into_iter().rev().fold(unknown_stmt, |rest, (table, table_keys, mask, kdec, vdec, tname)| {
            quote! {
                let fits = d.input().get(key_pos).is_some_and(|b| ((#mask) >> (b >> 5)) & 1 != 0);
                let k = if fits {
                    d.set_position(key_pos);
                    #kdec.ok()
                } else {
                    ::core::option::Option::None
                };
                match k {
                    ::core::option::Option::Some(k) => {
                        let i = #table.len();
                        let v = #vdec.map_err(|err| err.at_index(i).in_field(#tname))?;
                        #table_keys.push((key_pos, key_end));
                        #table.push((k, v));
                    }
                    ::core::option::Option::None => {
                        d.set_position(key_end);
                        #rest
                    }
                }
            }
        });
    let unknown_stmt = if first { quote!(let key_end = d.position(); #unknown_stmt) } else { unknown_stmt };
    let entry = match s.fields.len() {
        // A map without fields still reads every entry.
        0 => quote! {
            let _ = #rt::cbor::map_key(d)?;
            #unknown_stmt
        },
        n => {
            // With one field there is no index to dispatch on.
            let index = |i: usize| (n > 1).then(|| quote!(#i));
            let fast = s.fields.iter().enumerate().filter_map(|(i, f)| match encoded_key(&f.key).as_slice() {
                [b] => {
                    let i = index(i);
                    Some(quote!(#b => { d.set_position(key_pos + 1); #i }))
                }
                _ => None,
            });
            let fast: Vec<_> = fast.collect();
            let slow_arms = s.fields.iter().enumerate().map(|(i, f)| {
                let pat = key_pattern(ctx, &f.key);
                let i = index(i);
                quote!(#pat => { #i })
            });
            let slow = quote! {
                match #rt::cbor::map_key(d)? {
                    #(#slow_arms)*
                    _ => {
                        #unknown_stmt
                        continue;
                    }
                }
            };
            let select =
                if fast.is_empty() { slow } else { quote!(match #rt::cbor::peek(d)? { #(#fast)* _ => #slow }) };
            let bodies = s.fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
                let dec = decode_value(ctx, &f.ty);
                let fname = &f.name;
                let wrap = boxed(i).then(|| quote!(let v = ::std::boxed::Box::new(v);));
                quote! {
                    let v = #dec.map_err(|err| err.in_field(#fname))?;
                    #wrap
                    #rt::cbor::set_once(&mut #slot, key_pos, #fname, v)?;
                }
            });
            if n == 1 {
                quote!(#select #(#bodies)*)
            } else {
                let arms = bodies.enumerate().map(|(i, body)| match i + 1 == n {
                    true => quote!(_ => { #body }),
                    false => quote!(#i => { #body }),
                });
                quote! {
                    let field: usize = #select;
                    match field { #(#arms)* }
                }
            }
        }
    };
    // An empty closed map (`params: {}`) skips its entries without looking at where they start.
    let used = !(s.fields.is_empty() && s.unknown.is_none() && s.table.is_none());
    let key_pos = used.then(|| quote!(let key_pos = d.position();));
    quote! {
        let mut map = #rt::cbor::Seq::map(d)?;
        #(#decls)*
        #unknown_decl
        #(#table_decl)*
        while map.next(d)? {
            #key_pos
            #entry
        }
        #(#table_check)*
        Ok(#name { #(#inits)* #(#table_init)* #unknown_init })
    }
}

/// The bytes a key encodes to, for deterministic (bytewise ascending) key order.
fn encoded_key(key: &Key) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = match key {
        Key::Int(i) => e.i64(*i).map(drop),
        Key::Text(t) => e.str(t).map(drop),
        _ => Ok(()),
    };
    e.into_writer()
}

fn map_encode(ctx: &Ctx, t: &TypeDef, s: &Struct) -> TokenStream {
    let rt = ctx.rt();
    let required = s.fields.iter().filter(|f| f.occur == Occur::One).count() as u64;
    let optional: Vec<_> = s
        .fields
        .iter()
        .filter(|f| f.occur != Occur::One)
        .map(|f| {
            let id = field_ident(f);
            quote!(u64::from(self.#id.is_some()))
        })
        .collect();
    let count = match (required, optional.as_slice()) {
        (_, []) => quote!(#required),
        (0, [first, rest @ ..]) => quote!(#first #(+ #rest)*),
        (_, rest) => quote!(#required #(+ #rest)*),
    };
    let mut fields: Vec<(usize, &Field)> = s.fields.iter().enumerate().collect();
    fields.sort_by_key(|(_, f)| encoded_key(&f.key));
    let unknown = s.unknown.as_ref().map(|u| super::naming::ident(u));
    let count = match &unknown {
        Some(id) => quote!(#count + self.#id.len() as u64),
        None => count,
    };
    let unknown_arg = match &unknown {
        Some(_) => quote!(::core::option::Option::Some(&mut unknown)),
        None => quote!(::core::option::Option::None),
    };
    // `0u64 + n` is what clippy calls an operation without effect.
    let count = if required == 0 && optional.is_empty() && (unknown.is_some() || s.table.is_some()) {
        let mut terms = Vec::new();
        if let Some(id) = &unknown {
            terms.push(quote!(self.#id.len() as u64));
        }
        if s.table.is_some() {
            terms.push(quote!(table.len() as u64));
        }
        quote!(#(#terms)+*)
    } else {
        count
    };
    // Every table's entries go into one writer, which sorts them by their encoded keys.
    let last = s.tables().count().saturating_sub(1);
    let writers: Vec<_> = s
        .tables()
        .enumerate()
        .map(|(i, tb)| {
            let id = super::table_ident(tb);
            let tname = &tb.name;
            let (kenc, venc) = (encode_value(ctx, &tb.key), encode_value(ctx, &tb.value));
            let (min, max) = (tb.min, opt(tb.max));
            let add = if i == 0 { quote!(#rt::cbor::TableWriter::new) } else { quote!(table.and) };
            let mutable = (i == last).then(|| quote!(mut));
            quote! {
                let #mutable table = #add(&self.#id, #min, #max, |ke, ve, (k, v)| {
                    {
                        let (e, v) = (ke, k);
                        #kenc
                    }
                    {
                        let e = ve;
                        #venc
                    }
                    Ok(())
                })
                .map_err(|err| err.in_field(#tname))?;
            }
        })
        .collect();
    let (table_start, count, table_rest) = match writers.as_slice() {
        [] => (quote!(), count, quote!()),
        _ => (
            quote!(#(#writers)*),
            if required == 0 && optional.is_empty() { count } else { quote!(#count + table.len() as u64) },
            quote!(table.rest(e, #unknown_arg)?;),
        ),
    };
    let writes = fields.iter().map(|&(i, f)| {
        let id = field_ident(f);
        let fname = &f.name;
        let unbox = ctx.is_boxed(t, i).then(|| quote!(let v = &**v;));
        // The key's bytes are known now: write them as they are.
        let key_bytes = encoded_key(&f.key);
        let key = quote!(#rt::cbor::raw(e, &[#(#key_bytes),*]););
        let value = encode_value(ctx, &f.ty);
        let table_before = s.table.as_ref().map(|_| {
            let bytes = encoded_key(&f.key);
            quote!(table.before(e, &[#(#bytes),*], #unknown_arg)?;)
        });
        let before = unknown.as_ref().map(|_| {
            let bytes = encoded_key(&f.key);
            quote!(unknown.before(e, &[#(#bytes),*])?;)
        });
        let write = quote! {
            #table_before
            #before
            #key
            #rt::cbor::encode_field(e, #fname, |e| { #value Ok(()) })?;
        };
        match f.occur {
            Occur::One => quote!({ let v = &self.#id; #write }),
            _ => quote!(if let ::core::option::Option::Some(v) = &self.#id { #unbox #write }),
        }
    });
    let writes: Vec<_> = writes.collect();
    let (start, finish) = match &unknown {
        Some(id) => (quote!(let mut unknown = self.#id.writer();), quote!(unknown.rest(e);)),
        None => (quote!(), quote!()),
    };
    quote! {
        #table_start
        #rt::cbor::head(e, 5, #count);
        #start
        #(#writes)*
        #table_rest
        #finish
        Ok(())
    }
}

/// An array with a repeated field (`[bstr, * bstr]`, `[+ (key, value)]`): the length counts
/// every item; absent optionals are left out.
fn repeated_array_encode(ctx: &Ctx, t: &TypeDef, s: &Struct) -> TokenStream {
    let rt = ctx.rt();
    let counts = s.fields.iter().map(|f| {
        let id = field_ident(f);
        match f.occur {
            Occur::One => quote!(1u64),
            Occur::Optional => quote!(u64::from(self.#id.is_some())),
            Occur::Many { .. } if is_group(ctx, &f.ty) => {
                quote!(self.#id.iter().map(#rt::cbor::Items::count).sum::<u64>())
            }
            Occur::Many { .. } => quote!(self.#id.len() as u64),
        }
    });
    let writes = s.fields.iter().enumerate().map(|(i, f)| {
        let id = field_ident(f);
        let fname = &f.name;
        let value = encode_value(ctx, &f.ty);
        let unbox = ctx.is_boxed(t, i).then(|| quote!(let v = &**v;));
        let write = quote!(#rt::cbor::encode_field(e, #fname, |e| { #value Ok(()) })?;);
        match f.occur {
            Occur::One => quote!({ let v = &self.#id; #write }),
            Occur::Optional => quote!(if let ::core::option::Option::Some(v) = &self.#id { #unbox #write }),
            Occur::Many { min, max } => {
                let maxt = opt(max);
                let item = if is_group(ctx, &f.ty) {
                    quote!(#rt::cbor::Items::encode_items(v, e))
                } else {
                    quote!(item(e, v))
                };
                let item_fn = (!is_group(ctx, &f.ty)).then(|| {
                    // The encoder has no `'a` in scope: the item's lifetime is elided.
                    let ty: TokenStream = ctx.rust_ty(&f.ty).to_string().replace("'a", "'_").parse().expect("a type");
                    quote! {
                        let item = |e: &mut #rt::cbor::Enc<'_>, v: &#ty| -> ::core::result::Result<(), #rt::EncodeError> {
                            #value
                            Ok(())
                        };
                    }
                });
                quote! {
                    #rt::cbor::check_count(self.#id.len(), #min, #maxt).map_err(|k| #rt::cbor::invalid(k).in_field(#fname))?;
                    #item_fn
                    for (i, v) in self.#id.iter().enumerate() {
                        #item.map_err(|err| err.at_index(i).in_field(#fname))?;
                    }
                }
            }
        }
    });
    let counts: Vec<_> = counts.collect();
    quote! {
        let len: u64 = #(#counts)+*;
        #rt::cbor::head(e, 4, len);
        #(#writes)*
        Ok(())
    }
}

/// Whether a type is a group spliced into arrays (a [`Layout::Group`] struct or a choice of them).
fn is_group(ctx: &Ctx, ty: &Ty) -> bool {
    let TyKind::Named(n) = &ty.kind else { return false };
    match ctx.get(n).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => s.layout == Layout::Group,
        Some(TypeKind::Choice(c)) => !c.variants.is_empty() && c.variants.iter().all(|v| is_group(ctx, &v.ty)),
        _ => false,
    }
}

/// `Items` for a group of array items: each field is the next item.
fn group_items(ctx: &Ctx, t: &TypeDef, s: &Struct) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    let reads = s.fields.iter().map(|f| {
        let id = field_ident(f);
        let fname = &f.name;
        let dec = decode_value(ctx, &f.ty);
        quote! {
            #rt::cbor::group_item(d, seq, #fname)?;
            let #id = #dec.map_err(|err| err.in_field(#fname))?;
        }
    });
    let writes = s.fields.iter().map(|f| {
        let id = field_ident(f);
        let fname = &f.name;
        let value = encode_value(ctx, &f.ty);
        quote!({ let v = &self.#id; #rt::cbor::encode_field(e, #fname, |e| { #value Ok(()) })?; })
    });
    let ids = s.fields.iter().map(field_ident);
    let n = s.fields.len() as u64;
    quote! {
        impl<'a> #rt::cbor::Items<'a> for #name #generics {
            fn decode_items(d: &mut #rt::cbor::Decoder<'a>, seq: &mut #rt::cbor::Seq) -> ::core::result::Result<Self, #rt::DecodeError> {
                #(#reads)*
                Ok(#name { #(#ids),* })
            }
            fn encode_items(&self, e: &mut #rt::cbor::Enc<'_>) -> ::core::result::Result<(), #rt::EncodeError> {
                #(#writes)*
                Ok(())
            }
            fn count(&self) -> u64 { #n }
        }
    }
}

/// `Items` for a choice of groups: tried in schema order from the same item, the first that
/// decodes wins (their first items are usually distinct constants, so a wrong one fails at
/// once); the error kept is the one that got furthest.
fn group_choice_items(ctx: &Ctx, t: &TypeDef, c: &crate::ir::Choice) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let generics = ctx.generics(t);
    let tries = c.variants.iter().enumerate().map(|(i, v)| {
        let id = super::variant_ident(&v.name, &v.rust_name);
        let ty = ctx.rust_ty(&v.ty);
        let keep = if i == 0 { quote!(err) } else { quote!(if err.offset() > best.offset() { err } else { best }) };
        quote! {
            let best = match <#ty as #rt::cbor::Items<'a>>::decode_items(d, seq) {
                Ok(v) => return Ok(#name::#id(v)),
                Err(err) => { d.set_position(pos); *seq = start.clone(); #keep }
            };
        }
    });
    let arms = c.variants.iter().map(|v| {
        let id = super::variant_ident(&v.name, &v.rust_name);
        quote!(#name::#id(v) => #rt::cbor::Items::encode_items(v, e),)
    });
    let counts = c.variants.iter().map(|v| {
        let id = super::variant_ident(&v.name, &v.rust_name);
        quote!(#name::#id(v) => #rt::cbor::Items::count(v),)
    });
    quote! {
        impl<'a> #rt::cbor::Items<'a> for #name #generics {
            fn decode_items(d: &mut #rt::cbor::Decoder<'a>, seq: &mut #rt::cbor::Seq) -> ::core::result::Result<Self, #rt::DecodeError> {
                let (pos, start) = (d.position(), seq.clone());
                #(#tries)*
                Err(best)
            }
            fn encode_items(&self, e: &mut #rt::cbor::Enc<'_>) -> ::core::result::Result<(), #rt::EncodeError> {
                match self { #(#arms)* }
            }
            fn count(&self) -> u64 {
                match self { #(#counts)* }
            }
        }
    }
}

fn array_decode(ctx: &Ctx, t: &TypeDef, s: &Struct) -> TokenStream {
    let rt = ctx.rt();
    let required = s.fields.iter().filter(|f| f.occur == Occur::One).count();
    let total = s.fields.len();
    let expect = if required == total { format!("{total} items") } else { format!("{required} to {total} items") };
    // Values are bound as their slots (`f_<field>`), never as the field itself: a field named
    // `d`, `seq` or `more` would shadow the decoder's own variables.
    let steps = s.fields.iter().enumerate().map(|(i, f)| {
        let id = slot(f);
        let fname = &f.name;
        let dec = decode_value(ctx, &f.ty);
        let read = quote!(#dec.map_err(|err| err.in_field(#fname))?);
        let read = if ctx.is_boxed(t, i) { quote!(::std::boxed::Box::new(#read)) } else { read };
        let last = i + 1 == s.fields.len();
        match f.occur {
            Occur::Many { min, max } if is_group(ctx, &f.ty) => {
                let item = ctx.rust_ty(&f.ty);
                let maxt = opt(max);
                quote! {
                    let #id: ::std::vec::Vec<#item> = if more {
                        #rt::cbor::group_list(d, &mut seq, #min, #maxt).map_err(|err| err.in_field(#fname))?
                    } else {
                        ::std::vec::Vec::new()
                    };
                }
            }
            Occur::Many { min, max } => {
                let maxt = opt(max);
                // Items are this field's while they can start as its type (`[2* bstr, ?nil]`).
                let fits = (!last).then(|| {
                    let mask = majors_of(ctx, &f.ty);
                    quote!(&& ((#mask) >> #rt::cbor::major(d)?) & 1 != 0)
                });
                quote! {
                    let mut #id = ::std::vec::Vec::new();
                    if more {
                        while seq.more(d)? #fits {
                            seq.next(d)?;
                            let i = #id.len();
                            #id.push(#dec.map_err(|err| err.at_index(i).in_field(#fname))?);
                        }
                        #rt::cbor::check_count(#id.len(), #min, #maxt)
                            .map_err(|k| #rt::DecodeError::new(k, seq.start).in_field(#fname))?;
                    }
                }
            }
            Occur::One => quote! {
                if !(more && seq.next(d)?) {
                    return Err(#rt::DecodeError::new(#rt::ErrorKind::Constraint(format!("array of {} items, expected {}", seq.count, #expect)), seq.start));
                }
                let #id = #read;
            },
            _ => quote! {
                more = more && seq.next(d)?;
                let #id = if more { ::core::option::Option::Some(#read) } else { ::core::option::Option::None };
            },
        }
    });
    let ids = s.fields.iter().map(field_ident);
    let slots = s.fields.iter().map(slot);
    let name = super::type_ident(t);
    let optional = s.fields.iter().any(|f| f.occur == Occur::Optional);
    let more = if optional { quote!(let mut more = true;) } else { quote!(let more = true;) };
    quote! {
        let mut seq = #rt::cbor::Seq::array(d, "array")?;
        #more
        #(#steps)*
        if more && seq.next(d)? {
            return Err(#rt::DecodeError::new(#rt::ErrorKind::Constraint(format!("array has more than {} items", #total)), seq.start));
        }
        Ok(#name { #(#ids: #slots),* })
    }
}

fn array_encode(ctx: &Ctx, t: &TypeDef, s: &Struct) -> TokenStream {
    let rt = ctx.rt();
    if s.fields.iter().any(|f| matches!(f.occur, Occur::Many { .. })) {
        return repeated_array_encode(ctx, t, s);
    }
    let required = s.fields.iter().filter(|f| f.occur == Occur::One).count() as u64;
    // Trailing optionals are written up to the last one present.
    let optionals: Vec<_> = s.fields.iter().filter(|f| f.occur != Occur::One).map(field_ident).collect();
    let count = if optionals.is_empty() {
        quote!(#required)
    } else {
        let checks = optionals.iter().enumerate().rev().map(|(i, id)| {
            let n = required + i as u64 + 1;
            quote!(if self.#id.is_some() { #n } else)
        });
        quote!(#(#checks)* { #required })
    };
    let mut index = 0u64;
    let writes = s.fields.iter().enumerate().map(|(i, f)| {
        let id = field_ident(f);
        let fname = &f.name;
        let value = encode_value(ctx, &f.ty);
        let unbox = ctx.is_boxed(t, i).then(|| quote!(let v = &**v;));
        let write = quote!(#unbox #rt::cbor::encode_field(e, #fname, |e| { #value Ok(()) })?;);
        match f.occur {
            Occur::One => quote!({ let v = &self.#id; #write }),
            _ => {
                index += 1;
                let pos = required + index;
                quote! {
                    match &self.#id {
                        ::core::option::Option::Some(v) => { #write }
                        ::core::option::Option::None if len >= #pos => {
                            return Err(#rt::cbor::invalid(#rt::ErrorKind::MissingField(#fname)));
                        }
                        ::core::option::Option::None => {}
                    }
                }
            }
        }
    });
    let writes: Vec<_> = writes.collect();
    quote! {
        let len: u64 = #count;
        #rt::cbor::head(e, 4, len);
        #(#writes)*
        Ok(())
    }
}

fn enum_codec(ctx: &Ctx, e: &crate::ir::Enum) -> (TokenStream, TokenStream) {
    let rt = ctx.rt();
    let (value_ty, _) = super::types::enum_values(e);
    let value_ty = value_ty.to_string();
    if value_ty.contains("u8") {
        let decode = quote! {
            let pos = d.position();
            let v = #rt::cbor::bytes(d)?;
            Self::from_value(&v).ok_or_else(|| #rt::cbor::unknown_bytes(pos, &v))
        };
        (decode, quote!(#rt::cbor::write_bytes(e, self.value()); Ok(())))
    } else if value_ty.contains("str") {
        let decode = quote! {
            let pos = d.position();
            let v = #rt::cbor::text(d)?;
            Self::from_value(&v).ok_or_else(|| #rt::cbor::unknown_value(pos, format!("{:?}", v)))
        };
        (decode, quote!(#rt::cbor::write_text(e, self.value()); Ok(())))
    } else if value_ty == "i64" {
        let decode = quote! {
            let pos = d.position();
            let v = #rt::cbor::int(d)?;
            Self::from_value(v).ok_or_else(|| #rt::cbor::unknown_value(pos, v))
        };
        (decode, quote!(#rt::cbor::write_int(e, self.value()); Ok(())))
    } else {
        let decode = quote! {
            let pos = d.position();
            let v = #rt::cbor::uint(d)?;
            Self::from_value(v).ok_or_else(|| #rt::cbor::unknown_value(pos, v))
        };
        (decode, quote!(#rt::cbor::write_uint(e, self.value()); Ok(())))
    }
}

fn choice_codec(ctx: &Ctx, t: &TypeDef, c: &crate::ir::Choice) -> (TokenStream, TokenStream) {
    let decode = trial_choice_decode(ctx, t, c).unwrap_or_else(|| first_byte_choice_decode(ctx, t, c));
    (decode, choice_encode(ctx, t, c))
}

/// The decoder of a choice whose alternatives can start with the same major type (COSE's
/// messages are all arrays, its tagged forms all tags): alternatives sharing the first byte's
/// major type are tried in schema order from the same position, and the first that decodes
/// wins, as a CDDL validator matches. The error kept is the one that got furthest, which names
/// what the input most likely meant. `None` when the first byte tells every alternative apart
/// (then nothing is tried twice) or a Rust type's major types are known only to the compiler.
fn trial_choice_decode(ctx: &Ctx, t: &TypeDef, c: &crate::ir::Choice) -> Option<TokenStream> {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    if c.variants.iter().any(|v| !dynamic_majors(ctx, &v.ty, 0).is_empty()) {
        return None;
    }
    let mut by_major: std::collections::BTreeMap<u8, Vec<&crate::ir::ChoiceVariant>> = Default::default();
    for v in &c.variants {
        for m in ctx.schema.major_types(&v.ty) {
            by_major.entry(m).or_default().push(v);
        }
    }
    if by_major.values().all(|vs| vs.len() < 2) {
        return None;
    }
    let expected = c.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(" or ");
    let arms = by_major.iter().map(|(m, vs)| {
        if let Some(arm) = map_dispatch_arm(ctx, t, vs, &expected) {
            return quote!(#m => { #arm });
        }
        let tries = vs.iter().enumerate().map(|(i, v)| {
            let id = super::variant_ident(&v.name, &v.rust_name);
            let dec = decode_value(ctx, &v.ty);
            let keep = if i == 0 { quote!(err) } else { quote!(if err.offset() > best.offset() { err } else { best }) };
            quote! {
                let r = #dec;
                let best = match r {
                    Ok(v) => return Ok(#name::#id(v)),
                    Err(err) => { d.set_position(pos); #keep }
                };
            }
        });
        quote!(#m => { #(#tries)* Err(best) })
    });
    Some(quote! {
        let pos = d.position();
        match #rt::cbor::major(d)? {
            #(#arms)*
            _ => Err(#rt::cbor::mismatch(d, pos, #expected)),
        }
    })
}

/// The decoder of a choice's map alternatives (two or more), picked by a key or a key's
/// value ([`MapDispatch`](crate::ir::MapDispatch)), or `None` if they are not all maps or
/// cannot be told apart (the checker reports that).
fn map_dispatch_arm(ctx: &Ctx, t: &TypeDef, vs: &[&crate::ir::ChoiceVariant], expected: &str) -> Option<TokenStream> {
    use crate::ir::{Literal, MapDispatch};
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let dispatch = ctx.schema.variants_dispatch(vs)?;
    let decode = |i: usize| {
        let v = vs[i];
        let id = super::variant_ident(&v.name, &v.rust_name);
        let dec = decode_value(ctx, &v.ty);
        quote!(#dec.map(#name::#id))
    };
    let (select, fallback) = match &dispatch {
        MapDispatch::ByValue { key, values } => {
            let pat = key_pattern(ctx, key);
            let mut texts = Vec::new();
            let mut ints = Vec::new();
            for (i, vals) in values.iter().enumerate() {
                for v in vals {
                    match v {
                        Literal::Text(s) => texts.push(quote!(#s => ::core::option::Option::Some(#i),)),
                        Literal::Int(n) => {
                            let n = *n as i64;
                            ints.push(quote!(#n => ::core::option::Option::Some(#i),));
                        }
                        _ => {}
                    }
                }
            }
            let text_arm = (!texts.is_empty())
                .then(|| quote!(3 => match &*#rt::cbor::text(d)? { #(#texts)* _ => ::core::option::Option::None },));
            let int_arm = (!ints.is_empty())
                .then(|| quote!(0 | 1 => match #rt::cbor::int(d)? { #(#ints)* _ => ::core::option::Option::None },));
            (
                quote! {
                    match k {
                        #pat => match #rt::cbor::peek(d)? >> 5 {
                            #text_arm
                            #int_arm
                            _ => ::core::option::Option::None,
                        },
                        _ => ::core::option::Option::None,
                    }
                },
                None,
            )
        }
        // Trying them in order is what the caller does anyway.
        MapDispatch::InOrder => return None,
        MapDispatch::ByKey(keys) => {
            let arms = keys.iter().enumerate().filter_map(|(i, k)| {
                let pat = key_pattern(ctx, k.as_ref()?);
                Some(quote!(#pat => ::core::option::Option::Some(#i),))
            });
            let arms: Vec<_> = arms.collect();
            (quote!(match k { #(#arms)* _ => ::core::option::Option::None }), keys.iter().position(Option::is_none))
        }
    };
    let arms = (0..vs.len()).filter(|i| Some(*i) != fallback).map(|i| {
        let dec = decode(i);
        quote!(::core::option::Option::Some(#i) => #dec,)
    });
    let rest = match fallback {
        Some(i) => decode(i),
        None => quote!(Err(#rt::cbor::mismatch(d, d.position(), #expected))),
    };
    Some(quote! {
        let which = #rt::cbor::map_dispatch(d, |k, d| {
            let _ = &d;
            Ok(#select)
        })?;
        match which {
            #(#arms)*
            _ => #rest,
        }
    })
}

fn first_byte_choice_decode(ctx: &Ctx, t: &TypeDef, c: &crate::ir::Choice) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let mut expected = Vec::new();
    let arms = c.variants.iter().map(|v| {
        let id = super::variant_ident(&v.name, &v.rust_name);
        expected.push(v.name.clone());
        let dec = decode_value(ctx, &v.ty);
        let majors: Vec<u8> = ctx.schema.major_types(&v.ty).into_iter().collect();
        if dynamic_majors(ctx, &v.ty, 0).is_empty() {
            quote!(#(#majors)|* => #dec.map(#name::#id),)
        } else {
            // A type the schema cannot see into (a derived field's Rust type) says which
            // major types it starts with through `Decode::MAJORS`, a constant.
            let mask = majors_of(ctx, &v.ty);
            quote!(m if (#mask) & (1u8 << m) != 0 => #dec.map(#name::#id),)
        }
    });
    let arms: Vec<_> = arms.collect();
    let expected = expected.join(" or ");
    quote! {
        match #rt::cbor::major(d)? {
            #(#arms)*
            _ => Err(#rt::cbor::mismatch(d, d.position(), #expected)),
        }
    }
}

fn choice_encode(ctx: &Ctx, t: &TypeDef, c: &crate::ir::Choice) -> TokenStream {
    let name = super::type_ident(t);
    let enc_arms = c.variants.iter().map(|v| {
        let id = super::variant_ident(&v.name, &v.rust_name);
        let value = encode_value(ctx, &v.ty);
        quote!(#name::#id(v) => { #value })
    });
    quote! {
        match self { #(#enc_arms)* }
        Ok(())
    }
}

/// `Decode::MAJORS` of a type, a constant expression: the bits the schema knows, or'ed with the `MAJORS` of the Rust types it cannot see into.
pub(crate) fn majors_of(ctx: &Ctx, ty: &Ty) -> TokenStream {
    let known: u8 = ctx.schema.major_types(ty).into_iter().fold(0, |m, b| m | (1 << b));
    let dynamic = dynamic_majors(ctx, ty, 0);
    quote!(#known #(| #dynamic)*)
}

/// `<T as Decode>::MAJORS` for each Rust type a value of `ty` can start as.
pub(crate) fn dynamic_majors(ctx: &Ctx, ty: &Ty, depth: usize) -> Vec<TokenStream> {
    let rt = ctx.rt();
    if ty.tag.is_some() || depth > 32 {
        return Vec::new();
    }
    match &ty.kind {
        TyKind::Rust { .. } => {
            let t = ctx.rust_ty(&Ty::new(ty.kind.clone()));
            vec![quote!(<#t as #rt::cbor::Decode<'a>>::MAJORS)]
        }
        TyKind::Named(n) => match ctx.get(n).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => dynamic_majors(ctx, inner, depth + 1),
            Some(TypeKind::Choice(c)) => {
                c.variants.iter().flat_map(|v| dynamic_majors(ctx, &v.ty, depth + 1)).collect()
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}
