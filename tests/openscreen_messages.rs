#![cfg(feature = "json")]
//! Every Open Screen message round-trips: instances built from the schema IR (independently of
//! the generated code) decode, re-encode to the same bytes, and survive a JSON round trip.

mod support;

use osmos::frame::FrameReader;
use osmos::openscreen::{Message, MESSAGES};
use osmos_codegen::ir::{MessageKey, Schema};
use support::instances::{instance, Fill};

fn schema() -> Schema {
    let root = env!("CARGO_MANIFEST_DIR");
    osmos_codegen::Builder::new()
        .module("openscreen")
        .cddl(format!("{root}/schemas/openscreen/network.cddl"))
        .cddl(format!("{root}/schemas/openscreen/application.cddl"))
        .schema()
        .expect("shipped schemas compile")
}

fn frame(key: u64, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    osmos::varint::encode(key, &mut f);
    f.extend_from_slice(body);
    f
}

#[test]
fn every_message_round_trips_in_every_fill() {
    let schema = schema();
    let mut count = 0;
    for (t, key) in schema.messages() {
        let MessageKey::TypeKey(key) = key else { continue };
        for fill in [Fill::Minimal, Fill::Full, Fill::Nulls] {
            let bytes = frame(*key, &instance(&schema, &t.name, fill));
            let (msg, used) =
                Message::decode_frame(&bytes).unwrap_or_else(|e| panic!("{} {fill:?}: {e}", t.name)).expect("complete");
            assert_eq!(used, bytes.len());
            assert_eq!(msg.name(), t.name);
            let mut out = Vec::new();
            msg.encode_frame(&mut out).unwrap();
            assert_eq!(hex::encode(&out), hex::encode(&bytes), "{} {fill:?}", t.name);

            let json = osmos::json::ToJson::to_json(&msg);
            let back: Message = osmos::json::FromJson::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", t.name));
            assert_eq!(back, msg.clone().into_owned(), "{} {fill:?}: JSON round trip", t.name);
        }
        count += 1;
    }
    assert_eq!(count, 47);
    assert_eq!(MESSAGES.len(), 47);
}

#[test]
fn frames_split_at_every_byte_position() {
    let schema = schema();
    let mut stream = Vec::new();
    let mut expected = Vec::new();
    for (t, key) in schema.messages() {
        let MessageKey::TypeKey(key) = key else { continue };
        stream.extend(frame(*key, &instance(&schema, &t.name, Fill::Full)));
        expected.push(t.name.clone());
    }
    for split in 0..=stream.len() {
        let mut reader = FrameReader::new();
        let mut seen = Vec::new();
        for chunk in [&stream[..split], &stream[split..]] {
            reader.push(chunk);
            while let Some(m) = reader.next_frame::<Message>().unwrap() {
                seen.push(m.name().to_owned());
            }
        }
        assert_eq!(seen, expected, "split at {split}");
        assert!(reader.pending().is_empty());
    }
    // And one byte at a time.
    let mut reader = FrameReader::new();
    let mut seen = Vec::new();
    for b in &stream {
        reader.push(std::slice::from_ref(b));
        while let Some(m) = reader.next_frame::<Message>().unwrap() {
            seen.push(m.name().to_owned());
        }
    }
    assert_eq!(seen, expected);
}

#[test]
fn every_prefix_of_a_frame_is_incomplete_not_an_error() {
    let schema = schema();
    for (t, key) in schema.messages() {
        let MessageKey::TypeKey(key) = key else { continue };
        let bytes = frame(*key, &instance(&schema, &t.name, Fill::Full));
        for cut in 0..bytes.len() {
            assert_eq!(Message::decode_frame(&bytes[..cut]).unwrap(), None, "{} cut at {cut}", t.name);
        }
    }
}
