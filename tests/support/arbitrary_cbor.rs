//! Proptest strategies for CBOR schema types, built from the IR alone (never from the generated
//! code): a value of any named type as a [`V`] tree that respects every constraint the IR
//! states (sizes, ranges, list counts, enumerations, choices, nullability, tags, optional
//! fields), and its deterministic encoding. The tree is also what an independent decoder's
//! reading of the bytes must match (`tests/oracle_cbor.rs`).

use std::collections::BTreeMap;

use osmos_codegen::ir::{Constraint, Key, Layout, Literal, Occur, Prim, Schema, Ty, TyKind, TypeKind};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};

/// A CBOR value as the schema says it must be on the wire.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// Major type 0.
    Uint(u64),
    /// Major type 1 (a negative value).
    Nint(i64),
    /// A float written in 8 bytes.
    F64(f64),
    /// A float written in 4 bytes.
    F32(f32),
    Bool(bool),
    Null,
    /// Simple value 23.
    Undefined,
    Text(String),
    Bytes(Vec<u8>),
    Array(Vec<V>),
    /// Entries in the order they are written: ascending encoded key.
    Map(Vec<(V, V)>),
    Tag(u64, Box<V>),
}

impl V {
    /// Deterministic encoding: shortest heads, definite lengths, keys sorted by their bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            V::Uint(u) => head(out, 0, *u),
            V::Nint(i) => head(out, 1, !(*i as u64)),
            V::F64(f) => {
                out.push(0xfb);
                out.extend_from_slice(&f.to_bits().to_be_bytes());
            }
            V::F32(f) => {
                out.push(0xfa);
                out.extend_from_slice(&f.to_bits().to_be_bytes());
            }
            V::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
            V::Null => out.push(0xf6),
            V::Undefined => out.push(0xf7),
            V::Text(t) => {
                head(out, 3, t.len() as u64);
                out.extend_from_slice(t.as_bytes());
            }
            V::Bytes(b) => {
                head(out, 2, b.len() as u64);
                out.extend_from_slice(b);
            }
            V::Array(items) => {
                head(out, 4, items.len() as u64);
                items.iter().for_each(|v| v.encode(out));
            }
            V::Map(entries) => {
                head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    k.encode(out);
                    v.encode(out);
                }
            }
            V::Tag(t, v) => {
                head(out, 6, *t);
                v.encode(out);
            }
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

fn head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

fn key_value(k: &Key) -> V {
    match k {
        Key::Int(i) if *i >= 0 => V::Uint(*i as u64),
        Key::Int(i) => V::Nint(*i),
        Key::Text(t) => V::Text(t.clone()),
        other => panic!("not a CBOR map key: {other:?}"),
    }
}

/// Strategies for the types of one schema.
pub struct Gen<'s> {
    schema: &'s Schema,
}

/// A type with the aliases it names looked through: their constraints, nullability and tag
/// joined to the use's own.
fn effective(schema: &Schema, ty: &Ty) -> Ty {
    let mut ty = ty.clone();
    for _ in 0..32 {
        let TyKind::Named(n) = &ty.kind else { break };
        let Some(TypeKind::Alias(inner)) = schema.get(n).map(|t| &t.kind) else { break };
        let mut next = inner.clone();
        next.nullable |= ty.nullable;
        if next.tag.is_none() {
            next.tag = ty.tag;
        }
        next.constraints.extend(ty.constraints.iter().cloned());
        ty = next;
    }
    ty
}

fn int_bound(b: &osmos_codegen::ir::Bound, upper: bool) -> i128 {
    let v = match &b.value {
        Literal::Int(i) => *i,
        Literal::Float(f) => {
            if upper {
                f.floor() as i128
            } else {
                f.ceil() as i128
            }
        }
        other => panic!("bound {other:?}"),
    };
    match (b.inclusive, upper) {
        (true, _) => v,
        (false, true) => v - 1,
        (false, false) => v + 1,
    }
}

/// The integer interval a type's constraints allow within `lo..=hi`.
fn int_range(ty: &Ty, mut lo: i128, mut hi: i128) -> (i128, i128) {
    for c in &ty.constraints {
        match c {
            Constraint::Range { min, max } => {
                if let Some(b) = min {
                    lo = lo.max(int_bound(b, false));
                }
                if let Some(b) = max {
                    hi = hi.min(int_bound(b, true));
                }
            }
            // `uint .size n`: fits in n bytes.
            Constraint::Size { max: Some(n), .. } if *n < 16 => hi = hi.min((1i128 << (8 * n)) - 1),
            _ => {}
        }
    }
    assert!(lo <= hi, "empty range for {ty:?}");
    (lo, hi)
}

fn size_bounds(ty: &Ty) -> (usize, usize) {
    ty.constraints
        .iter()
        .find_map(|c| match c {
            Constraint::Size { min, max } => Some((*min as usize, max.map_or(*min as usize + 12, |m| m as usize))),
            _ => None,
        })
        .unwrap_or((0, 12))
}

/// Text of `min..=max` bytes: any characters, cut back on a character boundary, padded with
/// ASCII.
fn text(min: usize, max: usize) -> BoxedStrategy<V> {
    prop::collection::vec(any::<char>(), 0..=max.min(12))
        .prop_map(move |chars| {
            let mut s = String::new();
            for c in chars {
                if s.len() + c.len_utf8() > max {
                    break;
                }
                s.push(c);
            }
            while s.len() < min {
                s.push('a');
            }
            V::Text(s)
        })
        .boxed()
}

fn literal(l: &Literal) -> V {
    match l {
        Literal::Int(i) if *i >= 0 => V::Uint(*i as u64),
        Literal::Int(i) => V::Nint(*i as i64),
        Literal::Text(t) => V::Text(t.clone()),
        Literal::Bool(b) => V::Bool(*b),
        Literal::Bytes(b) => V::Bytes(b.clone()),
        Literal::Float(f) => V::F64(*f),
    }
}

impl<'s> Gen<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        Gen { schema }
    }

    /// Any value of the named type.
    pub fn named(&self, name: &str, depth: usize) -> BoxedStrategy<V> {
        let t = self.schema.get(name).unwrap_or_else(|| panic!("no type {name}"));
        match &t.kind {
            TypeKind::Struct(s) => {
                let mut fields: Vec<BoxedStrategy<Option<(Key, V)>>> = Vec::new();
                for f in &s.fields {
                    let key = f.key.clone();
                    let value = self.ty(&f.ty, depth + 1);
                    fields.push(match f.occur {
                        Occur::One => value.prop_map(move |v| Some((key.clone(), v))).boxed(),
                        _ => prop::option::of(value.prop_map(move |v| (key.clone(), v))).boxed(),
                    });
                }
                match s.layout {
                    Layout::Map => fields
                        .prop_map(|entries| {
                            let mut sorted: BTreeMap<Vec<u8>, (V, V)> = BTreeMap::new();
                            for (k, v) in entries.into_iter().flatten() {
                                let k = key_value(&k);
                                sorted.insert(k.to_bytes(), (k, v));
                            }
                            V::Map(sorted.into_values().collect())
                        })
                        .boxed(),
                    // Positional: optional fields are trailing, so an absent one ends the array.
                    _ => fields
                        .prop_map(|items| V::Array(items.into_iter().map_while(|i| i.map(|(_, v)| v)).collect()))
                        .boxed(),
                }
            }
            TypeKind::Enum(e) => {
                let values: Vec<V> = e.variants.iter().map(|v| literal(&v.value)).collect();
                prop::sample::select(values).boxed()
            }
            TypeKind::Choice(c) => Union::new(c.variants.iter().map(|v| self.ty(&v.ty, depth + 1))).boxed(),
            TypeKind::Alias(ty) => self.ty(ty, depth + 1),
        }
    }

    /// Any value of a field's type.
    pub fn ty(&self, ty: &Ty, depth: usize) -> BoxedStrategy<V> {
        let ty = effective(self.schema, ty);
        let mut s = self.bare(&ty, depth);
        if let Some(tag) = ty.tag {
            s = s.prop_map(move |v| V::Tag(tag, Box::new(v))).boxed();
        }
        if ty.nullable {
            s = prop_oneof![1 => Just(V::Null), 3 => s].boxed();
        }
        s
    }

    fn bare(&self, ty: &Ty, depth: usize) -> BoxedStrategy<V> {
        match &ty.kind {
            TyKind::Prim(p) => match p {
                Prim::Uint => {
                    let (lo, hi) = int_range(ty, 0, u64::MAX as i128);
                    (lo as u64..=hi as u64).prop_map(V::Uint).boxed()
                }
                Prim::Int | Prim::Nint => {
                    let top = if *p == Prim::Nint { -1 } else { i64::MAX as i128 };
                    let (lo, hi) = int_range(ty, i64::MIN as i128, top);
                    (lo as i64..=hi as i64).prop_map(|i| if i >= 0 { V::Uint(i as u64) } else { V::Nint(i) }).boxed()
                }
                Prim::Float { bits: 64 } => {
                    prop::num::f64::NORMAL.prop_union(prop::num::f64::ZERO).prop_map(V::F64).boxed()
                }
                Prim::Float { .. } => prop::num::f32::NORMAL.prop_map(V::F32).boxed(),
                Prim::Bool => any::<bool>().prop_map(V::Bool).boxed(),
                Prim::Null => Just(V::Null).boxed(),
                Prim::Undefined => Just(V::Undefined).boxed(),
                Prim::Text | Prim::TextValue(_) => {
                    let (min, max) = size_bounds(ty);
                    text(min, max)
                }
                Prim::Bytes => {
                    let (min, max) = size_bounds(ty);
                    prop::collection::vec(any::<u8>(), min..=max).prop_map(V::Bytes).boxed()
                }
                // `any`: kept raw, so any well-formed item; a few shapes.
                Prim::Any => prop_oneof![
                    any::<u64>().prop_map(V::Uint),
                    text(0, 8),
                    prop::collection::vec(any::<u64>().prop_map(V::Uint), 0..3).prop_map(V::Array),
                ]
                .boxed(),
            },
            TyKind::Named(n) => self.named(n, depth),
            TyKind::Rust { path, .. } => panic!("schemas from files name no Rust types (`{path}`)"),
            TyKind::List { item, min, max } => {
                let min = *min as usize;
                let top = if depth > 5 { min } else { max.map_or(min + 3, |m| (m as usize).min(min + 3)) };
                prop::collection::vec(self.ty(item, depth + 1), min..=top).prop_map(V::Array).boxed()
            }
        }
    }
}
