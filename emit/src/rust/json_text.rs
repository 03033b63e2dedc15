//! JSON texts that a CDDL schema describes (`JsonForm::Schema`, WebDriver BiDi): the impls of
//! `osmos::json::{ToJson, FromJson}` follow the schema's own rules instead of the lossless view
//! of CBOR items ([`super::json`]). A choice is untagged: the JSON kind of the value picks the
//! alternatives that can match, and among maps the distinguishing member or member value the
//! generator computed for the CBOR decoder ([`MapDispatch`]) picks one; alternatives nothing
//! tells apart are tried in schema order, as a validator matches. A positional array is an
//! array, a table's entries and an open map's extension members are members, and every value
//! is checked against its constraints as it is read.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ident, Ctx};
use crate::ir::{Layout, Literal, MapDispatch, Occur, Prim, Struct, Ty, TyKind, TypeDef, TypeKind};

/// The JSON kinds a value can have, in the order a choice's arms test them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

const ALL: [Kind; 6] = [Kind::Null, Kind::Bool, Kind::Number, Kind::String, Kind::Array, Kind::Object];

pub(crate) fn emit(ctx: &Ctx, t: &TypeDef) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let (to, from) = match &t.kind {
        TypeKind::Struct(s) if s.layout == Layout::Array => array(ctx, t, s),
        TypeKind::Struct(s) => map(ctx, t, s),
        TypeKind::Enum(e) => {
            // The wire value itself: a string, or a number.
            let value_ty = super::types::enum_values(e).0.to_string();
            let (read, what) = match value_ty.as_str() {
                t if t.contains("str") => (quote!(v.as_str()), "a string"),
                "i64" => (quote!(v.as_i64()), "an integer"),
                _ => (quote!(v.as_u64()), "an unsigned integer"),
            };
            let from = quote! {
                let x = #read.ok_or_else(|| #rt::json::expected(#what, v))?;
                Self::from_value(x).ok_or_else(|| #rt::DecodeError::new(#rt::ErrorKind::UnknownEnumValue(v.to_string()), 0))
            };
            (quote!(#rt::json::Value::from(self.value())), from)
        }
        TypeKind::Choice(c) => {
            let to_arms = c.variants.iter().map(|v| {
                let id = super::variant_ident(&v.name, &v.rust_name);
                let to = to_value(ctx, &v.ty, quote!(v));
                quote!(#name::#id(v) => #to,)
            });
            (quote!(match self { #(#to_arms)* }), choice_from(ctx, t, c))
        }
        // `check::json_texts` refuses tags; a tagged rule of a CBOR schema is its content.
        TypeKind::Alias(ty) if t.tagged().is_some() => {
            let bare = Ty { tag: None, ..ty.clone() };
            let (to, from) = (to_value(ctx, &bare, quote!(&self.0)), from_value(ctx, &bare, quote!(v)));
            (to, quote!(#from.map(#name)))
        }
        TypeKind::Alias(_) => return quote!(),
    };
    super::json::impls(ctx, t, to, from)
}

/// A map: an object whose members are the fields, then the table's entries, then the kept
/// extension members; a member nothing takes is an error where the map is closed.
fn map(ctx: &Ctx, t: &TypeDef, s: &Struct) -> (TokenStream, TokenStream) {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let mut inserts = Vec::new();
    let mut arms = Vec::new();
    let mut slots = Vec::new();
    let mut inits = Vec::new();
    for (i, f) in s.fields.iter().enumerate() {
        let id = field_ident(f);
        let slot = super::slot(f);
        let key = member(f);
        let boxed = ctx.is_boxed(t, i);
        let to = to_value(ctx, &f.ty, quote!(v));
        let unbox = boxed.then(|| quote!(let v = &**v;));
        inserts.push(match f.occur {
            Occur::One => quote!({ let v = &self.#id; m.insert(#key.into(), #to); }),
            _ => quote! {
                if let ::core::option::Option::Some(v) = &self.#id { #unbox m.insert(#key.into(), #to); }
            },
        });
        let read = from_value(ctx, &f.ty, quote!(x));
        let read = quote!(#read.map_err(|e| e.in_field(#key))?);
        let read = if boxed { quote!(::std::boxed::Box::new(#read)) } else { read };
        arms.push(quote!(#key => #slot = ::core::option::Option::Some(#read),));
        let ty = ctx.struct_field_ty(t, i, f);
        let ty = if f.occur == Occur::One { quote!(::core::option::Option<#ty>) } else { ty };
        slots.push(quote!(let mut #slot: #ty = ::core::option::Option::None;));
        inits.push(match f.occur {
            Occur::One => quote!(#id: #slot.ok_or_else(|| #rt::json::text::missing(#key))?,),
            _ => quote!(#id: #slot,),
        });
    }
    let unknown = s.unknown.as_ref().map(|u| super::naming::ident(u));
    let keep = match &unknown {
        Some(_) => quote!(#rt::json::text::keep_member(&mut kept, k, x)?),
        None => quote!(return Err(#rt::json::text::unknown_member(k))),
    };
    // Each table in turn takes a member whose name reads as its key type; the rest are kept
    // or refused.
    let mut tries = Vec::new();
    for (i, table) in s.tables().enumerate() {
        let local = if i == 0 { quote::format_ident!("table") } else { quote::format_ident!("table_{}", i + 1) };
        let id = super::table_ident(table);
        let tname = &table.name;
        let to_key = to_value(ctx, &table.key, quote!(k));
        let to_val = to_value(ctx, &table.value, quote!(v));
        inserts.push(quote! {
            for (k, v) in &self.#id { m.insert(#rt::json::text::member_name(#to_key), #to_val); }
        });
        let key = from_value(ctx, &table.key, quote!(&name));
        let val = from_value(ctx, &table.value, quote!(x));
        let (min, max) = (table.min, super::opt(table.max));
        slots.push(quote!(let mut #local = ::std::vec::Vec::new();));
        inits.push(quote! {
            #id: {
                #rt::cbor::check_count(#local.len(), #min, #max).map_err(|k| #rt::DecodeError::new(k, 0).in_field(#tname))?;
                #local
            },
        });
        tries.push((local, key, val));
    }
    let rest = tries.into_iter().rev().fold(keep, |rest, (local, key, val)| {
        quote! {{
            let name = #rt::json::Value::String(k.clone());
            let key = #key;
            match key {
                Ok(key) => #local.push((key, #val.map_err(|e| e.in_field(k.clone()))?)),
                Err(_) => #rest,
            }
        }}
    });
    if let Some(id) = &unknown {
        inserts.push(quote!(#rt::json::text::put_members(&self.#id, &mut m);));
        slots.push(quote!(let mut kept = #rt::cbor::UnknownKeys::new();));
        inits.push(quote!(#id: kept,));
    }
    let mut_m = if inserts.is_empty() { quote!(m) } else { quote!(mut m) };
    let dispatch = if arms.is_empty() { quote!(#rest;) } else { quote!(match k.as_str() { #(#arms)* _ => #rest, }) };
    // A closed map without fields (`params: {}`) only has to be empty.
    let members = if arms.is_empty() && s.table.is_none() && unknown.is_none() {
        quote! {
            if let ::core::option::Option::Some(k) = obj.keys().next() {
                return Err(#rt::json::text::unknown_member(k));
            }
        }
    } else {
        quote!(for (k, x) in obj { #dispatch })
    };
    (
        quote! {
            let #mut_m = #rt::json::Map::new();
            #(#inserts)*
            #rt::json::Value::Object(m)
        },
        quote! {
            let obj = #rt::json::object(v, "an object")?;
            #(#slots)*
            #members
            Ok(#name { #(#inits)* })
        },
    )
}

/// A positional array (`[a, b, ? c]`): an array of the fields' values in order, trailing
/// optional ones up to the last present.
fn array(ctx: &Ctx, t: &TypeDef, s: &Struct) -> (TokenStream, TokenStream) {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let required = s.fields.iter().filter(|f| f.occur == Occur::One).count();
    let total = s.fields.len();
    let pushes = s.fields.iter().enumerate().map(|(i, f)| {
        let id = field_ident(f);
        let to = to_value(ctx, &f.ty, quote!(v));
        let unbox = ctx.is_boxed(t, i).then(|| quote!(let v = &**v;));
        match f.occur {
            Occur::One => quote!({ let v = &self.#id; items.push(#to); }),
            // A later optional present implies this one is (the decoder reads them in order).
            _ => quote!(if let ::core::option::Option::Some(v) = &self.#id { #unbox items.push(#to); }),
        }
    });
    let reads = s.fields.iter().enumerate().map(|(i, f)| {
        let id = field_ident(f);
        let fname = &f.name;
        let read = from_value(ctx, &f.ty, quote!(x));
        let read = quote!(#read.map_err(|e| e.in_field(#fname))?);
        let read = if ctx.is_boxed(t, i) { quote!(::std::boxed::Box::new(#read)) } else { read };
        match f.occur {
            Occur::One => quote!(#id: { let x = &items[#i]; #read },),
            _ => quote!(#id: match items.get(#i) {
                ::core::option::Option::Some(x) => ::core::option::Option::Some(#read),
                ::core::option::Option::None => ::core::option::Option::None,
            },),
        }
    });
    (
        quote! {
            let mut items = ::std::vec::Vec::with_capacity(#total);
            #(#pushes)*
            #rt::json::Value::Array(items)
        },
        quote! {
            let items = #rt::json::text::positional(v, #required, #total)?;
            Ok(#name { #(#reads)* })
        },
    )
}

/// An untagged choice: the value's JSON kind selects the alternatives that can have it; maps
/// among them are told apart by their distinguishing member, the rest tried in schema order.
fn choice_from(ctx: &Ctx, t: &TypeDef, c: &crate::ir::Choice) -> TokenStream {
    let rt = ctx.rt();
    let expected = c.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(" or ");
    let mut by_kind: BTreeMap<Kind, Vec<&crate::ir::ChoiceVariant>> = BTreeMap::new();
    for v in &c.variants {
        for k in kinds(ctx, &v.ty, 0) {
            by_kind.entry(k).or_default().push(v);
        }
    }
    let arms = by_kind.iter().map(|(kind, vs)| {
        let pat = match kind {
            Kind::Null => quote!(#rt::json::Value::Null),
            Kind::Bool => quote!(#rt::json::Value::Bool(_)),
            Kind::Number => quote!(#rt::json::Value::Number(_)),
            Kind::String => quote!(#rt::json::Value::String(_)),
            Kind::Array => quote!(#rt::json::Value::Array(_)),
            Kind::Object => quote!(#rt::json::Value::Object(_)),
        };
        let body = (*kind == Kind::Object)
            .then(|| by_member(ctx, t, vs))
            .flatten()
            .unwrap_or_else(|| in_order(ctx, t, vs, *kind == Kind::Object));
        quote!(#pat => { #body })
    });
    let arms: Vec<_> = arms.collect();
    let fallback = (by_kind.len() < ALL.len()).then(|| quote!(_ => Err(#rt::json::expected(#expected, v)),));
    quote! {
        match v {
            #(#arms)*
            #fallback
        }
    }
}

/// Alternatives tried in schema order; the failure kept is the one that got deepest. Among
/// objects, a map alternative whose fixed member (`type: "text"`) holds another value is not
/// tried: its failure would only say "not this one", and hide the real fault of the
/// alternative the value names.
fn in_order(ctx: &Ctx, t: &TypeDef, vs: &[&crate::ir::ChoiceVariant], objects: bool) -> TokenStream {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let read = |v: &crate::ir::ChoiceVariant| {
        let id = super::variant_ident(&v.name, &v.rust_name);
        let from = from_value(ctx, &v.ty, quote!(v));
        quote!(#from.map(#name::#id))
    };
    if let [only] = vs {
        return read(only);
    }
    // The first fixed member among the alternatives, and every value it has in them.
    let mut fixed: Option<(String, Vec<String>)> = None;
    let mut tries = Vec::new();
    for v in vs {
        let r = read(v);
        let attempt = quote! {
            match #r {
                Ok(v) => return Ok(v),
                Err(err) => #rt::json::text::keep_deeper(&mut best, err),
            }
        };
        let guard = objects.then(|| discriminant(ctx, &v.ty)).flatten();
        match guard {
            Some((key, vals)) if fixed.as_ref().is_none_or(|(k, _)| *k == key) => {
                let tests = vals.iter().map(literal_differs);
                let entry = fixed.get_or_insert_with(|| (key.clone(), Vec::new()));
                entry.1.extend(vals.iter().map(literal_text));
                tries.push(quote! {
                    match obj.get(#key) {
                        ::core::option::Option::Some(x) if #(#tests)&&* => skipped = true,
                        _ => #attempt,
                    }
                });
            }
            _ => tries.push(attempt),
        }
    }
    let expected = vs.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(" or ");
    let (setup, skipped) = match &fixed {
        Some((key, names)) => {
            let names = names.join(", ");
            (
                quote!(let obj = #rt::json::object(v, "an object")?; let mut skipped = false;),
                quote!(skipped.then(|| #rt::json::text::no_alternative(#key, obj.get(#key), #names))),
            )
        }
        None => (quote!(), quote!(::core::option::Option::None)),
    };
    quote! {
        #setup
        let mut best = ::core::option::Option::None;
        #(#tries)*
        Err(#rt::json::text::pick(best, #skipped, || #rt::json::expected(#expected, v)))
    }
}

/// The first required text-keyed member of a map alternative with fixed values, and them.
fn discriminant(ctx: &Ctx, ty: &Ty) -> Option<(String, Vec<Literal>)> {
    let s = ctx.schema.map_struct(ty)?;
    s.fields.iter().filter(|f| f.occur == Occur::One).find_map(|f| match &f.key {
        crate::ir::Key::Text(k) => ctx.schema.literal_values(&f.ty).map(|vals| (k.clone(), vals)),
        _ => None,
    })
}

/// Whether `x` (a `&Value`) is not the literal.
fn literal_differs(l: &Literal) -> TokenStream {
    match l {
        Literal::Text(s) => quote!(x.as_str() != ::core::option::Option::Some(#s)),
        Literal::Int(n) => {
            let n = *n as i64;
            quote!(x.as_i64() != ::core::option::Option::Some(#n))
        }
        Literal::Bool(b) => quote!(x.as_bool() != ::core::option::Option::Some(#b)),
        Literal::Float(f) => quote!(x.as_f64() != ::core::option::Option::Some(#f)),
        Literal::Bytes(_) => quote!(true),
    }
}

/// Map alternatives picked by a member or a member's value ([`MapDispatch`]); `None` when they
/// are not all maps of the schema or only trying them in order tells them apart.
fn by_member(ctx: &Ctx, t: &TypeDef, vs: &[&crate::ir::ChoiceVariant]) -> Option<TokenStream> {
    let rt = ctx.rt();
    let name = super::type_ident(t);
    let dispatch = ctx.schema.variants_dispatch(vs)?;
    let read = |i: usize| {
        let v = vs[i];
        let id = super::variant_ident(&v.name, &v.rust_name);
        let from = from_value(ctx, &v.ty, quote!(v));
        quote!(#from.map(#name::#id))
    };
    let text_key = |k: &crate::ir::Key| match k {
        crate::ir::Key::Text(s) => Some(s.clone()),
        _ => None,
    };
    Some(match dispatch {
        MapDispatch::ByValue { key, values } => {
            let key = text_key(&key)?;
            // One match per kind of literal: `method`/`type` values are text in practice.
            let (mut texts, mut ints, mut bools, mut names) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for (i, vals) in values.iter().enumerate() {
                let r = read(i);
                for l in vals {
                    names.push(literal_text(l));
                    match l {
                        Literal::Text(s) => texts.push(quote!(#s => return #r,)),
                        Literal::Int(n) => {
                            let n = *n as i64;
                            ints.push(quote!(#n => return #r,));
                        }
                        Literal::Bool(b) => bools.push(quote!(#b => return #r,)),
                        Literal::Float(_) | Literal::Bytes(_) => {}
                    }
                }
            }
            let by = |arms: Vec<TokenStream>, get: TokenStream| {
                (!arms.is_empty()).then(|| {
                    quote! {
                        if let ::core::option::Option::Some(x) = tag.and_then(#get) {
                            match x { #(#arms)* _ => {} }
                        }
                    }
                })
            };
            let texts = by(texts, quote!(#rt::json::Value::as_str));
            let ints = by(ints, quote!(#rt::json::Value::as_i64));
            let bools = by(bools, quote!(#rt::json::Value::as_bool));
            let what = names.join(", ");
            quote! {
                let obj = #rt::json::object(v, "an object")?;
                let tag = obj.get(#key);
                #texts
                #ints
                #bools
                Err(#rt::json::text::no_alternative(#key, tag, #what))
            }
        }
        MapDispatch::ByKey(keys) => {
            let fallback = keys.iter().position(Option::is_none);
            let mut ifs = Vec::new();
            for (i, k) in keys.iter().enumerate() {
                let Some(k) = k else { continue };
                let k = text_key(k)?;
                let r = read(i);
                ifs.push(quote!(if obj.contains_key(#k) { return #r; }));
            }
            let rest = match fallback {
                Some(i) => read(i),
                None => {
                    let expected = vs.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(" or ");
                    quote!(Err(#rt::json::expected(#expected, v)))
                }
            };
            quote! {
                let obj = #rt::json::object(v, "an object")?;
                #(#ifs)*
                #rest
            }
        }
        MapDispatch::InOrder => return None,
    })
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Text(s) => format!("{s:?}"),
        Literal::Int(n) => n.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
        Literal::Bytes(b) => format!("{b:?}"),
    }
}

/// The member name of a map field (text keys; the generator checks JSON schemas have no others).
fn member(f: &crate::ir::Field) -> String {
    match &f.key {
        crate::ir::Key::Text(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The JSON kinds a value of `ty` can have.
fn kinds(ctx: &Ctx, ty: &Ty, depth: usize) -> Vec<Kind> {
    let mut out = Vec::new();
    if ty.nullable {
        out.push(Kind::Null);
    }
    if depth > 32 {
        return ALL.to_vec();
    }
    match &ty.kind {
        TyKind::Prim(p) => out.extend(match p {
            Prim::Uint | Prim::Nint | Prim::Int | Prim::Float { .. } => vec![Kind::Number],
            Prim::Bool => vec![Kind::Bool],
            Prim::Text | Prim::TextValue(_) | Prim::Bytes => vec![Kind::String],
            Prim::Null | Prim::Undefined => vec![Kind::Null],
            Prim::Any => ALL.to_vec(),
        }),
        TyKind::List { .. } => out.push(Kind::Array),
        TyKind::Rust { .. } => out.extend(ALL),
        TyKind::Named(n) => match ctx.get(n).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => out.push(if s.layout == Layout::Array { Kind::Array } else { Kind::Object }),
            Some(TypeKind::Alias(inner)) => out.extend(kinds(ctx, inner, depth + 1)),
            Some(TypeKind::Enum(e)) => out.extend(e.variants.iter().map(|v| match v.value {
                Literal::Text(_) | Literal::Bytes(_) => Kind::String,
                Literal::Int(_) | Literal::Float(_) => Kind::Number,
                Literal::Bool(_) => Kind::Bool,
            })),
            Some(TypeKind::Choice(c)) => {
                for v in &c.variants {
                    out.extend(kinds(ctx, &v.ty, depth + 1));
                }
            }
            None => out.extend(ALL),
        },
    }
    out.sort();
    out.dedup();
    out
}

/// The JSON value of `v` (an expression: a reference to a value of `ty`).
fn to_value(ctx: &Ctx, ty: &Ty, v: TokenStream) -> TokenStream {
    let rt = ctx.rt();
    let eff = ctx.effective(ty);
    let bare = Ty::new(eff.kind.clone());
    if !needs_own(ctx, &bare) {
        return quote!(#rt::json::ToJson::to_json(#v));
    }
    let inner = |v: TokenStream| match eff.kind {
        TyKind::List { item, .. } => {
            let each = to_value(ctx, item, quote!(v));
            quote!(#rt::json::Value::Array(#v.iter().map(|v| #each).collect()))
        }
        TyKind::Prim(Prim::Float { bits: 64 }) => quote!(#rt::json::text::number(*#v)),
        TyKind::Prim(Prim::Float { .. }) => quote!(#rt::json::text::number(f64::from(*#v))),
        _ => quote!(#rt::json::text::item_to_json(#v)),
    };
    if eff.nullable {
        let value = inner(quote!(v));
        quote!(match #v {
            #rt::cbor::Nullable::Null => #rt::json::Value::Null,
            #rt::cbor::Nullable::Value(v) => #value,
        })
    } else {
        inner(v)
    }
}

/// Whether writing a value of `ty` needs more than the `ToJson` impls: `any` items (shown as
/// the JSON value they hold, not as the view's raw CBOR) and floats (written as JavaScript
/// writes numbers), directly or inside a list.
fn needs_own(ctx: &Ctx, ty: &Ty) -> bool {
    let eff = ctx.effective(ty);
    match eff.kind {
        TyKind::Prim(Prim::Any | Prim::Float { .. }) => true,
        TyKind::List { item, .. } => needs_own(ctx, item),
        _ => false,
    }
}

/// Whether `FromJson::from_json` alone reads a value of `ty` (nothing to check or convert).
fn reads_by_trait(ctx: &Ctx, ty: &Ty) -> bool {
    let eff = ctx.effective(ty);
    !eff.nullable
        && super::cbor::checks(ctx, eff.kind, &eff.constraints, quote!(v)).is_empty()
        && !matches!(eff.kind, TyKind::Prim(Prim::Any | Prim::Float { .. }) | TyKind::List { .. })
}

/// An expression of type `Result<T, DecodeError>` reading a value of `ty` from `x` (a `&Value`).
fn from_value(ctx: &Ctx, ty: &Ty, x: TokenStream) -> TokenStream {
    let rt = ctx.rt();
    let eff = ctx.effective(ty);
    let mut expr = match eff.kind {
        TyKind::Prim(Prim::Any) => quote!(#rt::json::text::item_from_json(x)),
        TyKind::Prim(Prim::Float { bits: 64 }) => quote!(#rt::json::text::float(x)),
        TyKind::Prim(Prim::Float { .. }) => quote!(#rt::json::text::float(x).map(|f| f as f32)),
        TyKind::List { item, min, max } => {
            let plain = |p: Prim| {
                let e = ctx.effective(item);
                !e.nullable && e.constraints.is_empty() && e.kind == &TyKind::Prim(p)
            };
            // A function alone where it is one (clippy's redundant closure).
            let each = if reads_by_trait(ctx, item) {
                quote!(#rt::json::FromJson::from_json)
            } else if plain(Prim::Any) {
                quote!(#rt::json::text::item_from_json)
            } else if plain(Prim::Float { bits: 64 }) {
                quote!(#rt::json::text::float)
            } else {
                let each = from_value(ctx, item, quote!(x));
                quote!(|x| #each)
            };
            let max = super::opt(*max);
            quote!(#rt::json::text::list(x, #min, #max, #each))
        }
        _ => quote!(#rt::json::FromJson::from_json(x)),
    };
    let checks = super::cbor::checks(ctx, eff.kind, &eff.constraints, quote!(v));
    if !checks.is_empty() && reads_by_trait(ctx, &Ty::new(eff.kind.clone())) {
        // The checks need the value's type, which the trait call leaves open.
        let t = ctx.rust_ty(&Ty::new(eff.kind.clone()));
        expr = quote!(<#t as #rt::json::FromJson>::from_json(x));
    }
    if !checks.is_empty() {
        expr = quote! {
            #expr.and_then(|v| {
                #( #checks.map_err(|k| #rt::DecodeError::new(k, 0))?; )*
                Ok(v)
            })
        };
    }
    if eff.nullable {
        expr = quote! {
            if x.is_null() { Ok(#rt::cbor::Nullable::Null) } else { #expr.map(#rt::cbor::Nullable::Value) }
        };
    }
    // Bound once: `x` may be an expression (a table key built from a member name).
    if x.to_string() == "x" {
        expr
    } else {
        quote!({ let x: &#rt::json::Value = #x; #expr })
    }
}
