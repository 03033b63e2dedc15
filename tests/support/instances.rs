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

/// Past this depth optional parts are left out, so recursive types (through boxed optional
/// fields) end.
const MAX_FULL_DEPTH: usize = 12;

/// The encoding of one value, on its own.
fn encoded(schema: &Schema, ty: &Ty, fill: Fill, depth: usize) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    value(schema, ty, fill, &mut e, depth);
    e.into_writer()
}

/// The items of one struct's fields in an array (a [`Layout::Group`] in a repeated field
/// spliced in), each encoded.
fn array_items(schema: &Schema, name: &str, fill: Fill, depth: usize, out: &mut Vec<Vec<u8>>) {
    let t = schema.get(name).unwrap_or_else(|| panic!("no type {name}"));
    let TypeKind::Struct(s) = &t.kind else { panic!("{name} is not a struct") };
    for f in &s.fields {
        match f.occur {
            Occur::One => {}
            Occur::Optional if fill != Fill::Minimal && depth <= MAX_FULL_DEPTH => {}
            Occur::Optional => continue,
            Occur::Many { min, .. } => {
                let n = if fill != Fill::Minimal && depth <= MAX_FULL_DEPTH { min.max(1) } else { min };
                for _ in 0..n {
                    match group_of(schema, &f.ty) {
                        Some(g) => array_items(schema, &g, fill, depth + 1, out),
                        None => out.push(encoded(schema, &f.ty, fill, depth + 1)),
                    }
                }
                continue;
            }
        }
        out.push(encoded(schema, &f.ty, fill, depth + 1));
    }
}

/// The group struct a repeated array field's items are (its first alternative for a choice).
fn group_of(schema: &Schema, ty: &Ty) -> Option<String> {
    let TyKind::Named(n) = &ty.kind else { return None };
    match &schema.get(n)?.kind {
        TypeKind::Struct(s) if s.layout == Layout::Group => Some(n.clone()),
        TypeKind::Choice(c) => group_of(schema, &c.variants.first()?.ty),
        _ => None,
    }
}

fn named(schema: &Schema, name: &str, fill: Fill, e: &mut Encoder<Vec<u8>>, depth: usize) {
    let t = schema.get(name).unwrap_or_else(|| panic!("no type {name}"));
    let full = fill != Fill::Minimal && depth <= MAX_FULL_DEPTH;
    match &t.kind {
        TypeKind::Struct(s) => {
            let present: Vec<_> = s.fields.iter().filter(|f| f.occur == Occur::One || full).collect();
            match s.layout {
                Layout::Map => {
                    let mut entries: Vec<(Vec<u8>, Vec<u8>)> =
                        present.iter().map(|f| (key_bytes(&f.key), encoded(schema, &f.ty, fill, depth + 1))).collect();
                    // A table's entry (one when filled, as many as it needs at least), unless
                    // its key is a field's.
                    if let Some(tb) = s.table.as_ref().filter(|tb| full || tb.min > 0) {
                        let key = encoded(schema, &tb.key, fill, depth + 1);
                        if !entries.iter().any(|(k, _)| *k == key) {
                            entries.push((key, encoded(schema, &tb.value, fill, depth + 1)));
                        }
                    }
                    entries.sort();
                    e.map(entries.len() as u64).unwrap();
                    for (k, v) in entries {
                        e.writer_mut().extend_from_slice(&k);
                        e.writer_mut().extend_from_slice(&v);
                    }
                }
                _ => {
                    let mut items = Vec::new();
                    array_items(schema, name, fill, depth, &mut items);
                    e.array(items.len() as u64).unwrap();
                    for item in items {
                        e.writer_mut().extend_from_slice(&item);
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
            Prim::Float { bits: 16 } => e.f16(1.5).map(drop).unwrap(),
            Prim::Float { .. } => e.f32(1.5).map(drop).unwrap(),
            Prim::Bool => e.bool(true).map(drop).unwrap(),
            Prim::Text | Prim::TextValue(_) => e.str(&"é".repeat(size_of(ty, 6) / 2)).map(drop).unwrap(),
            Prim::Bytes => e.bytes(&vec![0xab; size_of(ty, 3)]).map(drop).unwrap(),
            Prim::Any => e.array(1).and_then(|e| e.u8(7)).map(drop).unwrap(),
            Prim::Null => e.null().map(drop).unwrap(),
            Prim::Undefined => e.undefined().map(drop).unwrap(),
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
