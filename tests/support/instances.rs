//! Builds CBOR instances of schema types straight from the IR, independently of the generated
//! code, in deterministic encoding (definite lengths, ascending keys, shortest integers).

use minicbor::Encoder;
use osmos_codegen::ir::{Constraint, Key, Layout, Literal, Occur, Prim, Schema, Ty, TyKind, TypeKind};

/// Which optional parts an instance includes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fill {
    /// Required fields only.
    Minimal,
    /// Every optional field, nullable values as values.
    Full,
    /// Every optional field, nullable values as null.
    Nulls,
}

pub fn instance(schema: &Schema, type_name: &str, fill: Fill) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    named(schema, type_name, fill, &mut e, 0);
    e.into_writer()
}

fn key_bytes(k: &Key) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    match k {
        Key::Int(i) if *i >= 0 => e.u64(*i as u64).map(drop).unwrap(),
        Key::Int(i) => e.i64(*i).map(drop).unwrap(),
        Key::Text(t) => e.str(t).map(drop).unwrap(),
        _ => {}
    }
    e.into_writer()
}

fn named(schema: &Schema, name: &str, fill: Fill, e: &mut Encoder<Vec<u8>>, depth: usize) {
    let t = schema.get(name).unwrap_or_else(|| panic!("no type {name}"));
    match &t.kind {
        TypeKind::Struct(s) => {
            let present: Vec<_> = s.fields.iter().filter(|f| f.occur == Occur::One || fill != Fill::Minimal).collect();
            match s.layout {
                Layout::Map => {
                    let mut present = present;
                    present.sort_by_key(|f| key_bytes(&f.key));
                    e.map(present.len() as u64).unwrap();
                    for f in present {
                        e.writer_mut().extend_from_slice(&key_bytes(&f.key));
                        value(schema, &f.ty, fill, e, depth + 1);
                    }
                }
                _ => {
                    e.array(present.len() as u64).unwrap();
                    for f in present {
                        value(schema, &f.ty, fill, e, depth + 1);
                    }
                }
            }
        }
        TypeKind::Enum(en) => literal(&en.variants.last().unwrap().value, e),
        TypeKind::Choice(c) => value(schema, &c.variants[0].ty, fill, e, depth + 1),
        TypeKind::Alias(ty) => value(schema, ty, fill, e, depth + 1),
    }
}

fn literal(l: &Literal, e: &mut Encoder<Vec<u8>>) {
    match l {
        Literal::Int(i) if *i >= 0 => e.u64(*i as u64).map(drop).unwrap(),
        Literal::Int(i) => e.i64(*i as i64).map(drop).unwrap(),
        Literal::Text(t) => e.str(t).map(drop).unwrap(),
        Literal::Float(f) => e.f64(*f).map(drop).unwrap(),
        Literal::Bytes(b) => e.bytes(b).map(drop).unwrap(),
        Literal::Bool(b) => e.bool(*b).map(drop).unwrap(),
    }
}

fn size_of(ty: &Ty, default: usize) -> usize {
    ty.constraints
        .iter()
        .find_map(|c| match c {
            Constraint::Size { min, .. } => Some(*min as usize),
            _ => None,
        })
        .unwrap_or(default)
}

fn value(schema: &Schema, ty: &Ty, fill: Fill, e: &mut Encoder<Vec<u8>>, depth: usize) {
    if ty.nullable && fill == Fill::Nulls {
        e.null().unwrap();
        return;
    }
    if let Some(tag) = ty.tag {
        e.tag(minicbor::data::Tag::new(tag)).unwrap();
    }
    match &ty.kind {
        TyKind::Prim(p) => match p {
            Prim::Uint => e.u64(1000).map(drop).unwrap(),
            Prim::Int => e.i64(-300).map(drop).unwrap(),
            Prim::Nint => e.i64(-2).map(drop).unwrap(),
            Prim::Float { bits: 64 } => e.f64(1.5).map(drop).unwrap(),
            Prim::Float { .. } => e.f32(1.5).map(drop).unwrap(),
            Prim::Bool => e.bool(true).map(drop).unwrap(),
            Prim::Text | Prim::TextValue(_) => e.str(&"é".repeat(size_of(ty, 6) / 2)).map(drop).unwrap(),
            Prim::Bytes => e.bytes(&vec![0xab; size_of(ty, 3)]).map(drop).unwrap(),
            Prim::Any => e.array(1).and_then(|e| e.u8(7)).map(drop).unwrap(),
            Prim::Null => e.null().map(drop).unwrap(),
        },
        TyKind::Named(n) => named(schema, n, fill, e, depth),
        TyKind::Rust { path, .. } => panic!("schemas from files name no Rust types (`{path}`)"),
        TyKind::List { item, min, .. } => {
            let n = if depth > 6 { *min } else { (*min).max(2) };
            e.array(n).unwrap();
            for _ in 0..n {
                value(schema, item, fill, e, depth + 1);
            }
        }
    }
}
