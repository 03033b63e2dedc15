//! `--with my-extension.cddl`: frames of an extension schema next to the standard ones. The CLI
//! cannot compile Rust at run time, so it decodes extension messages by walking the schema's IR
//! into JSON, under the wire rules the generated decoders follow and with their runtime helpers
//! (`osmos::cbor`): unknown keys skipped, required keys, duplicate keys, enumerations, choices
//! told apart by their first byte, list bounds, `.size` and ranges. The JSON has the shape the
//! shipped bindings print. Standard type keys go to the shipped bindings.

use std::borrow::Cow;
use std::collections::BTreeMap;

use osmos::cbor::{self, Decoder, MapKey, Seq};
use osmos::json::{Map, ToJson, Value};
use osmos::{DecodeError, ErrorKind};
use osmos_codegen::ir::{
    Constraint, Key, Layout, Literal, MessageKey, Occur, Prim, Schema, Ty, TyKind, TypeDef, TypeKind,
};
use osmos_codegen::Builder;

/// An extension schema compiled against the shipped Open Screen schema.
pub struct Extension {
    schema: Schema,
    /// Type key → index of the extension's own message in `schema.types`.
    messages: BTreeMap<u64, usize>,
}

impl Extension {
    /// Compiles `path`. A capture is what it is, so any type key is accepted as long as it
    /// collides with no standard one (which would make dispatch ambiguous).
    pub fn load(path: &str) -> Result<Self, String> {
        let schema = Builder::new()
            .cddl(path)
            .extends_openscreen()
            .allow_any_type_key(true)
            .schema()
            .map_err(|e| crate::output::diagnostics(&e))?;
        let messages = schema
            .types
            .iter()
            .enumerate()
            .filter(|(_, t)| t.external.is_none())
            .filter_map(|(i, t)| match t.message {
                Some(MessageKey::TypeKey(k)) => Some((k, i)),
                _ => None,
            })
            .collect();
        Ok(Extension { schema, messages })
    }

    /// The extension's schema, the standard types it builds on included (as `external`).
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Decodes the frame at the start of `input` into `{"message", "type-key", "body"}`: the
    /// JSON and the bytes used, `Ok(None)` when `input` ends inside the frame.
    pub fn decode_frame(&self, input: &[u8]) -> Result<Option<(Value, usize)>, DecodeError> {
        let Some((key, header)) = osmos::varint::decode(input) else { return Ok(None) };
        let Some(&i) = self.messages.get(&key) else {
            return Ok(osmos::openscreen::Message::decode_frame(input)?.map(|(m, used)| (m.to_json(), used)));
        };
        let name = self.schema.types[i].name.as_str();
        let mut d = Decoder::new(&input[header..]);
        match self.named(&mut d, name) {
            Ok(body) => {
                let mut m = Map::new();
                m.insert("message".into(), Value::String(name.into()));
                m.insert("type-key".into(), Value::from(key));
                m.insert("body".into(), body);
                Ok(Some((Value::Object(m), header + d.position())))
            }
            Err(e) if e.is_incomplete() => Ok(None),
            Err(e) => Err(e.in_field(name.to_owned()).shifted(header)),
        }
    }

    fn named(&self, d: &mut Decoder<'_>, name: &str) -> Result<Value, DecodeError> {
        let pos = d.position();
        let Some(t) = self.schema.get(name) else {
            // `check` rejects unresolved names before a schema gets here.
            return Err(DecodeError::new(ErrorKind::Malformed(format!("schema has no type `{name}`")), pos));
        };
        match &t.kind {
            TypeKind::Alias(ty) => self.value(d, ty),
            TypeKind::Struct(s) if s.layout == Layout::Map => {
                let mut seq = Seq::map(d)?;
                let mut found: Vec<Option<Value>> = vec![None; s.fields.len()];
                while seq.next(d)? {
                    let key_pos = d.position();
                    let key = cbor::map_key(d)?;
                    let hit = s.fields.iter().position(|f| match (&f.key, &key) {
                        (Key::Int(a), MapKey::Int(b)) => i128::from(*a) == *b,
                        (Key::Text(a), MapKey::Text(b)) => a == b,
                        _ => false,
                    });
                    let Some(fi) = hit else {
                        cbor::skip(d)?;
                        continue;
                    };
                    let f = &s.fields[fi];
                    let v = self.value(d, &f.ty).map_err(|e| e.in_field(f.name.clone()))?;
                    cbor::set_once(&mut found[fi], key_pos, leak(&f.name), v)?;
                }
                let mut out = Map::new();
                for (f, v) in s.fields.iter().zip(found) {
                    match v {
                        Some(v) => {
                            out.insert(f.name.clone(), v);
                        }
                        None if f.occur == Occur::One => return Err(cbor::missing(seq.start, leak(&f.name))),
                        None => {}
                    }
                }
                Ok(Value::Object(out))
            }
            TypeKind::Struct(s) => {
                let total = s.fields.len();
                let required = s.fields.iter().filter(|f| f.occur == Occur::One).count();
                let mut seq = Seq::array(d, "array")?;
                let mut more = true;
                let mut out = Map::new();
                for f in &s.fields {
                    more = more && seq.next(d)?;
                    if !more {
                        if f.occur == Occur::One {
                            let expect =
                                if required == total { format!("{total}") } else { format!("{required} to {total}") };
                            let msg = format!("array of {} items, expected {expect} items", seq.count);
                            return Err(DecodeError::new(ErrorKind::Constraint(msg), seq.start));
                        }
                        break;
                    }
                    let v = self.value(d, &f.ty).map_err(|e| e.in_field(f.name.clone()))?;
                    out.insert(f.name.clone(), v);
                }
                if more && seq.next(d)? {
                    let msg = format!("array has more than {total} items");
                    return Err(DecodeError::new(ErrorKind::Constraint(msg), seq.start));
                }
                Ok(Value::Object(out))
            }
            TypeKind::Enum(e) => {
                let value = match cbor::major(d)? {
                    0 | 1 => Literal::Int(i128::from(cbor::int(d)?)),
                    2 => Literal::Bytes(cbor::bytes(d)?.into_owned()),
                    3 => Literal::Text(cbor::text(d)?.into_owned()),
                    _ => return Err(cbor::mismatch(d, pos, "enumeration value")),
                };
                match e.variants.iter().find(|v| v.value == value) {
                    Some(v) => Ok(Value::String(v.name.clone())),
                    None => Err(cbor::unknown_value(pos, literal_text(&value))),
                }
            }
            TypeKind::Choice(c) => {
                let major = cbor::major(d)?;
                let Some(v) = c.variants.iter().find(|v| self.schema.major_types(&v.ty).contains(&major)) else {
                    return Err(cbor::mismatch(d, pos, "one of the choice's alternatives"));
                };
                let value = self.value(d, &v.ty)?;
                let mut m = Map::new();
                m.insert(v.name.clone(), value);
                Ok(Value::Object(m))
            }
        }
    }

    /// One value of `ty`, seen through its aliases the way the generated decoders see it: null
    /// first, then the tag, then the value and every alias's constraints.
    fn value(&self, d: &mut Decoder<'_>, ty: &Ty) -> Result<Value, DecodeError> {
        let (kind, nullable, tag, constraints) = self.effective(ty);
        if nullable && cbor::take_null(d)? {
            return Ok(Value::Null);
        }
        if let Some(tag) = tag {
            cbor::expect_tag(d, tag)?;
        }
        let pos = d.position();
        let check = |r: Result<(), ErrorKind>| r.map_err(|k| DecodeError::new(k, pos));
        let value = match kind {
            TyKind::Prim(p) => match p {
                Prim::Uint => {
                    let v = cbor::uint(d)?;
                    for c in &constraints {
                        check(range(c, i128::from(v), int_bound))?;
                    }
                    v.to_json()
                }
                Prim::Int | Prim::Nint => {
                    let v = if *p == Prim::Nint { cbor::nint(d)? } else { cbor::int(d)? };
                    for c in &constraints {
                        check(range(c, i128::from(v), int_bound))?;
                    }
                    v.to_json()
                }
                Prim::Float { bits } => {
                    let v = if *bits == 64 { cbor::float(d)? } else { f64::from(cbor::float32(d)?) };
                    for c in &constraints {
                        check(range(c, v, float_bound))?;
                    }
                    v.to_json()
                }
                Prim::Bool => cbor::boolean(d)?.to_json(),
                Prim::Text | Prim::TextValue(_) => {
                    let v: Cow<'_, str> = cbor::text(d)?;
                    for c in &constraints {
                        check(size(c, v.len()))?;
                    }
                    v.to_json()
                }
                Prim::Bytes => {
                    let v: Cow<'_, [u8]> = cbor::bytes(d)?;
                    for c in &constraints {
                        check(size(c, v.len()))?;
                    }
                    v.to_json()
                }
                Prim::Any => cbor::any(d)?.to_json(),
                Prim::Null => {
                    cbor::null(d)?;
                    Value::Null
                }
                Prim::Undefined => cbor::undefined(d)?.to_json(),
            },
            TyKind::Named(n) => self.named(d, n)?,
            TyKind::List { item, min, max } => Value::Array(cbor::list(d, *min, *max, |d| self.value(d, item))?),
            TyKind::Rust { path, .. } => {
                let msg = format!("a Rust type (`{path}`) has no schema to decode by");
                return Err(DecodeError::new(ErrorKind::Malformed(msg), pos));
            }
        };
        Ok(value)
    }

    /// The type behind `ty`'s aliases, with the nullability, tag and constraints gathered on the way.
    fn effective<'s>(&'s self, ty: &'s Ty) -> (&'s TyKind, bool, Option<u64>, Vec<&'s Constraint>) {
        let (mut kind, mut nullable, mut tag) = (&ty.kind, ty.nullable, ty.tag);
        let mut constraints: Vec<&Constraint> = ty.constraints.iter().collect();
        let mut hops = 0;
        while let TyKind::Named(n) = kind {
            let Some(def @ TypeDef { kind: TypeKind::Alias(target), .. }) = self.schema.get(n) else { break };
            // A tagged rule reads its own tag when its type is read (`#6.13(inner)` nests).
            if def.tagged().is_some() {
                break;
            }
            hops += 1;
            if hops > self.schema.types.len() {
                break; // an alias cycle; `check` reports it
            }
            kind = &target.kind;
            nullable |= target.nullable;
            tag = tag.or(target.tag);
            constraints.extend(target.constraints.iter());
        }
        (kind, nullable, tag, constraints)
    }
}

/// Error kinds name fields as `&'static str` (the generated decoders pass literals); the few
/// names an error needs live as long as this one-shot process anyway.
fn leak(name: &str) -> &'static str {
    Box::leak(name.to_owned().into_boxed_str())
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Int(i) => i.to_string(),
        Literal::Text(t) => format!("{t:?}"),
        other => format!("{other:?}"),
    }
}

fn size(c: &Constraint, len: usize) -> Result<(), ErrorKind> {
    match c {
        Constraint::Size { min, max } => cbor::check_len(len, *min, *max, "bytes"),
        _ => Ok(()),
    }
}

fn range<T: PartialOrd + std::fmt::Display>(
    c: &Constraint,
    v: T,
    bound: fn(&Literal) -> Option<T>,
) -> Result<(), ErrorKind> {
    let Constraint::Range { min, max } = c else { return Ok(()) };
    let side = |b: &Option<osmos_codegen::ir::Bound>| b.as_ref().and_then(|b| Some((bound(&b.value)?, b.inclusive)));
    cbor::check_range(v, side(min), side(max))
}

fn int_bound(l: &Literal) -> Option<i128> {
    match l {
        Literal::Int(i) => Some(*i),
        Literal::Float(f) => Some(f.ceil() as i128),
        _ => None,
    }
}

fn float_bound(l: &Literal) -> Option<f64> {
    match l {
        Literal::Int(i) => Some(*i as f64),
        Literal::Float(f) => Some(*f),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor() -> Extension {
        Extension::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/vendor-extension/schemas/vendor.cddl"))
            .unwrap()
    }

    /// The schema walk and the generated decoders agree: every standard vector of the corpus,
    /// decoded by schema, prints the JSON the shipped bindings print.
    #[test]
    fn schema_walk_matches_the_generated_decoders() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/openscreen/vectors/osp_messages_generated.json");
        let Ok(text) = std::fs::read_to_string(path) else {
            // Under .ci/run a missing corpus must fail, not pass as a skip.
            assert!(
                std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
                "{path} is absent, and OSMOS_REQUIRE_CORPUS is set"
            );
            eprintln!("skipped: {path} is absent");
            return;
        };
        let ext = vendor();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let mut checked = 0;
        for v in doc["vectors"].as_array().unwrap() {
            let frame = hex::decode(v["frame_hex"].as_str().unwrap()).unwrap();
            let Ok(Some((shipped, used))) = osmos::openscreen::Message::decode_frame(&frame) else { continue };
            let (key, header) = osmos::varint::decode(&frame).unwrap();
            let t = ext.schema.messages().find(|(_, k)| **k == MessageKey::TypeKey(key)).unwrap().0;
            let mut d = Decoder::new(&frame[header..]);
            let walked = ext.named(&mut d, &t.name).unwrap_or_else(|e| panic!("{}: {e}", t.name));
            assert_eq!(header + d.position(), used, "{}", t.name);
            assert_eq!(walked, shipped.to_json()["body"], "{}", t.name);
            checked += 1;
        }
        assert!(checked >= 39, "only {checked} vectors checked");
    }
}
