#![cfg(feature = "json")]
//! ciborium, an independent CBOR decoder, reads every frame our encoder writes for arbitrary
//! valid Open Screen messages (built from the schema IR by `support/arbitrary_cbor.rs`), and
//! what it reads must be what the IR says, item by item: the major type, every map key in
//! order, every value.

mod support;

use ciborium::value::Value;
use osmos::openscreen::Message;
use osmos_codegen::ir::{MessageKey, Schema};
use proptest::prelude::*;
use proptest::strategy::Union;
use support::arbitrary_cbor::{Gen, V};

fn schema() -> Schema {
    let root = env!("CARGO_MANIFEST_DIR");
    osmos_codegen::Builder::new()
        .module("openscreen")
        .cddl(format!("{root}/schemas/openscreen/network.cddl"))
        .cddl(format!("{root}/schemas/openscreen/application.cddl"))
        .schema()
        .expect("shipped schemas compile")
}

fn messages() -> impl Strategy<Value = (String, u64, V)> {
    let schema: &'static Schema = Box::leak(Box::new(schema()));
    let gen = Gen::new(schema);
    Union::new(schema.messages().filter_map(|(t, key)| {
        let MessageKey::TypeKey(key) = *key else { return None };
        let name = t.name.clone();
        Some(gen.named(&name, 0).prop_map(move |v| (name.clone(), key, v)))
    }))
}

/// Where ciborium's reading and the IR's value first differ, or `None`.
fn differ(read: &Value, want: &V, at: &str) -> Option<String> {
    let same = match (read, want) {
        (Value::Integer(i), V::Uint(u)) => i128::from(*i) == i128::from(*u),
        (Value::Integer(i), V::Nint(n)) => i128::from(*i) == i128::from(*n) && *n < 0,
        (Value::Float(f), V::F64(g)) => f.to_bits() == g.to_bits(),
        (Value::Float(f), V::F32(g)) => *f == f64::from(*g),
        (Value::Bool(a), V::Bool(b)) => a == b,
        (Value::Null, V::Null) => true,
        // ciborium reads `undefined` as its `Null`.
        (Value::Null, V::Undefined) => true,
        (Value::Text(a), V::Text(b)) => a == b,
        (Value::Bytes(a), V::Bytes(b)) => a == b,
        (Value::Tag(t, inner), V::Tag(u, want)) => {
            return if t == u {
                differ(inner, want, &format!("{at}#6.{t}"))
            } else {
                Some(format!("{at}: tag {t}, want {u}"))
            }
        }
        (Value::Array(items), V::Array(want)) => {
            if items.len() != want.len() {
                return Some(format!("{at}: {} items, want {}", items.len(), want.len()));
            }
            return items.iter().zip(want).enumerate().find_map(|(i, (r, w))| differ(r, w, &format!("{at}[{i}]")));
        }
        (Value::Map(entries), V::Map(want)) => {
            if entries.len() != want.len() {
                return Some(format!("{at}: {} entries, want {}", entries.len(), want.len()));
            }
            return entries.iter().zip(want).find_map(|((rk, rv), (wk, wv))| {
                differ(rk, wk, &format!("{at} key")).or_else(|| differ(rv, wv, &format!("{at}.{wk:?}")))
            });
        }
        _ => false,
    };
    (!same).then(|| format!("{at}: ciborium read {read:?}, the IR says {want:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn ciborium_reads_what_the_ir_says((name, key, v) in messages()) {
        let mut frame = Vec::new();
        osmos::varint::encode(key, &mut frame);
        let header = frame.len();
        v.encode(&mut frame);
        let (m, _) = Message::decode_frame(&frame).unwrap_or_else(|e| panic!("{name}: {e}")).unwrap();
        // Our encoder's output, read by ciborium.
        let mut out = Vec::new();
        m.encode_frame(&mut out).unwrap();
        prop_assert_eq!(&out[..header], &frame[..header], "type key");
        let mut body = &out[header..];
        let read: Value = ciborium::de::from_reader(&mut body).unwrap_or_else(|e| panic!("{name}: ciborium: {e:?}"));
        prop_assert!(body.is_empty(), "{}: bytes after the item", name);
        if let Some(d) = differ(&read, &v, &name) {
            panic!("{d}");
        }
    }
}

#[test]
fn the_oracle_notices_a_difference() {
    let read: Value = ciborium::de::from_reader(&[0xa1, 0x00, 0x01][..]).unwrap();
    assert!(differ(&read, &V::Map(vec![(V::Uint(0), V::Uint(1))]), "m").is_none());
    assert!(differ(&read, &V::Map(vec![(V::Uint(0), V::Uint(2))]), "m").is_some());
    assert!(differ(&read, &V::Map(vec![(V::Uint(0), V::Nint(-2))]), "m").is_some());
    assert!(differ(&read, &V::Array(vec![V::Uint(0), V::Uint(1)]), "m").is_some());
}
