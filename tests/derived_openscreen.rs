#![cfg(feature = "derive")]
//! One emitter, two forms: the derive form of the Open Screen schema (readable types with
//! `#[derive(osmos::Message)]`, `codegen/tests/golden/openscreen_derived.rs`) must behave exactly
//! like the expanded bindings in `osmos::openscreen`: the same bytes out for every corpus vector
//! and every schema-built instance, the same error (kind, path, offset) for every invalid input
//! and every truncation.

mod support;

use osmos::frame::{FrameDecode, FrameEncode};
use osmos::openscreen::Message;
use osmos_codegen::ir::{MessageKey, Schema};
use support::instances::{instance, Fill};

#[allow(clippy::all, dead_code)]
mod derived {
    include!("../codegen/tests/golden/openscreen_derived.rs");
}

/// Decodes with both forms; returns the re-encoded bytes or the error, which must agree.
fn both(frame: &[u8], what: &str) -> Result<Vec<u8>, String> {
    let expanded = Message::decode_frame(frame);
    let derived = <derived::Message as FrameDecode>::decode_frame(frame);
    match (expanded, derived) {
        (Ok(Some((a, na))), Ok(Some((b, nb)))) => {
            assert_eq!(na, nb, "{what}: bytes used");
            assert_eq!(a.type_key(), FrameEncode::type_key(&b), "{what}: type key");
            assert_eq!(a.name(), FrameEncode::name(&b), "{what}: name");
            let (mut ea, mut eb) = (Vec::new(), Vec::new());
            let ra = a.encode_frame(&mut ea).map_err(|e| e.to_string());
            let rb = FrameEncode::encode_frame(&b, &mut eb).map_err(|e| e.to_string());
            assert_eq!(ra, rb, "{what}: encode result");
            assert_eq!(hex::encode(&ea), hex::encode(&eb), "{what}: encoded bytes");
            Ok(ea)
        }
        (Ok(None), Ok(None)) => Err("incomplete".into()),
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{what}: error");
            assert_eq!(a.kind(), b.kind(), "{what}: error kind");
            Err(a.to_string())
        }
        (a, b) => panic!("{what}: the forms disagree: expanded {a:?}, derived {b:?}"),
    }
}

#[test]
fn corpus_vectors_give_identical_bytes_and_errors() {
    let Some(doc) = support::corpus_json("openscreen/vectors/osp_messages_generated.json") else { return };
    let (mut valid, mut invalid) = (0, 0);
    for v in doc["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let frame = hex::decode(v["frame_hex"].as_str().unwrap()).unwrap();
        match both(&frame, name) {
            Ok(out) => {
                assert!(v["valid"].as_bool().unwrap(), "{name}: decoded but is invalid");
                assert_eq!(hex::encode(out), hex::encode(&frame), "{name}: re-encoding");
                valid += 1;
            }
            Err(e) => {
                assert!(!v["valid"].as_bool().unwrap(), "{name}: {e}");
                invalid += 1;
            }
        }
    }
    assert_eq!((valid, invalid), (39, 3));
}

fn schema() -> Schema {
    let root = env!("CARGO_MANIFEST_DIR");
    let files: Vec<String> = osmos_codegen::shipped::SHIPPED
        .iter()
        .find(|(m, _)| *m == "openscreen")
        .map(|(_, f)| f.iter().map(|f| format!("{root}/{f}")).collect())
        .unwrap();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    osmos_codegen::shipped::builder("openscreen", &files).schema().expect("shipped schemas compile")
}

#[test]
fn every_message_in_every_fill_and_every_truncation_agrees() {
    let schema = schema();
    let mut count = 0;
    for (t, key) in schema.messages() {
        let MessageKey::TypeKey(key) = key else { continue };
        for fill in [Fill::Minimal, Fill::Full, Fill::Nulls] {
            let mut frame = Vec::new();
            osmos::varint::encode(*key, &mut frame);
            frame.extend(instance(&schema, &t.name, fill));
            let what = format!("{} {fill:?}", t.name);
            let out = both(&frame, &what).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(out, frame, "{what}");
            for cut in 0..frame.len() {
                assert_eq!(both(&frame[..cut], &what), Err("incomplete".into()), "{what} cut at {cut}");
            }
            // A corrupted byte: both forms fail (or succeed) alike.
            for at in 0..frame.len() {
                let mut bad = frame.clone();
                bad[at] ^= 0x5a;
                let _ = both(&bad, &format!("{what} with byte {at} flipped"));
            }
        }
        count += 1;
    }
    assert_eq!(count, 47);
}
