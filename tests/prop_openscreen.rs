#![cfg(feature = "json")]
//! Property tests over every Open Screen message: arbitrary valid values, built from the schema
//! IR (`support/arbitrary_cbor.rs`), round-trip through the generated codecs (bytes → value →
//! bytes for their canonical encoding, value → bytes → value, the JSON view), and random
//! mutations of valid frames decode to something that re-encodes to a fixed point or fail
//! with an error, never a panic. Each property runs a few hundred cases: seconds in CI.

mod support;

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

/// (message name, frame, the value the frame's body encodes), for every message alike.
fn frames() -> impl Strategy<Value = (String, Vec<u8>, V)> {
    let schema: &'static Schema = Box::leak(Box::new(schema()));
    let gen = Gen::new(schema);
    let per_message: Vec<_> = schema
        .messages()
        .filter_map(|(t, key)| match key {
            MessageKey::TypeKey(k) => Some((t.name.clone(), *k)),
            MessageKey::Element(_) => None,
        })
        .map(|(name, key)| {
            gen.named(&name, 0).prop_map(move |v| {
                let mut frame = Vec::new();
                osmos::varint::encode(key, &mut frame);
                v.encode(&mut frame);
                (name.clone(), frame, v)
            })
        })
        .collect();
    assert_eq!(per_message.len(), 47);
    Union::new(per_message)
}

fn encode(m: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    m.encode_frame(&mut out).unwrap_or_else(|e| panic!("{e}: {m:?}"));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_values_round_trip((name, frame, _v) in frames()) {
        let (m, used) = Message::decode_frame(&frame)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", hex::encode(&frame)))
            .expect("complete");
        prop_assert_eq!(used, frame.len());
        prop_assert_eq!(m.name(), name.as_str());
        // bytes → value → bytes: the canonical input comes back byte for byte.
        let out = encode(&m);
        prop_assert_eq!(hex::encode(&out), hex::encode(&frame));
        // value → bytes → value.
        let (again, _) = Message::decode_frame(&out).unwrap().unwrap();
        prop_assert_eq!(&again, &m);
        // The JSON view is lossless.
        let json = osmos::json::ToJson::to_json(&m);
        let back: Message = osmos::json::FromJson::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        prop_assert_eq!(&back, &m.clone().into_owned());
        prop_assert_eq!(encode(&back), frame);
    }

    #[test]
    fn mutated_frames_decode_to_a_fixed_point_or_fail(
        (_name, frame, _v) in frames(),
        edits in prop::collection::vec((0u8..4, any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = frame;
        for (op, at, b) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = b,
                1 => bytes.insert(i, b),
                2 if i < bytes.len() => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        if let Ok(Some((m, used))) = Message::decode_frame(&bytes) {
            prop_assert!(used <= bytes.len());
            let once = encode(&m);
            let (again, used2) = Message::decode_frame(&once).unwrap().expect("own encoding is complete");
            prop_assert_eq!(used2, once.len());
            prop_assert_eq!(encode(&again), once);
        }
    }
}
