//! Byte-exact vectors from `../shared/corpus/openscreen/vectors/` (made with an independent CBOR
//! encoder): valid frames decode and re-encode to the same bytes, invalid ones fail with the
//! right error kind and path; QUIC varints decode, including non-minimal forms.

use std::path::PathBuf;

use osmos::openscreen::Message;
use osmos::{varint, ErrorKind};
use serde_json::Value;

fn corpus(file: &str) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/openscreen/vectors").join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("vector file is JSON")),
        Err(_) if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() => {
            panic!("{} is absent, and OSMOS_REQUIRE_CORPUS is set (.ci/run)", path.display())
        }
        Err(_) => {
            eprintln!("skipped: {} is absent (a fresh clone without ../shared)", path.display());
            None
        }
    }
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

#[test]
fn valid_vectors_decode_and_reencode_byte_for_byte() {
    let Some(doc) = corpus("osp_messages_generated.json") else { return };
    let mut checked = 0;
    for v in doc["vectors"].as_array().unwrap() {
        if !v["valid"].as_bool().unwrap() {
            continue;
        }
        let name = v["name"].as_str().unwrap();
        let frame = unhex(v["frame_hex"].as_str().unwrap());
        let (msg, used) = Message::decode_frame(&frame)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap_or_else(|| panic!("{name}: reported incomplete"));
        assert_eq!(used, frame.len(), "{name}: bytes used");
        assert_eq!(msg.type_key(), v["type_key"].as_u64().unwrap(), "{name}: type key");
        assert_eq!(msg.name(), v["cddl_rule"].as_str().unwrap(), "{name}: message");
        let mut out = Vec::new();
        msg.encode_frame(&mut out).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(hex::encode(&out), hex::encode(&frame), "{name}: re-encoding differs");
        checked += 1;
    }
    assert_eq!(checked, 39, "the corpus holds 39 valid vectors");
}

#[test]
fn invalid_vectors_fail_with_the_right_error() {
    let Some(doc) = corpus("osp_messages_generated.json") else { return };
    let mut checked = 0;
    for v in doc["vectors"].as_array().unwrap() {
        if v["valid"].as_bool().unwrap() {
            continue;
        }
        let name = v["name"].as_str().unwrap();
        let frame = unhex(v["frame_hex"].as_str().unwrap());
        let err = Message::decode_frame(&frame).expect_err(name);
        let (kind_ok, path) = match name {
            "NEG/auth-spake2-confirmation/63-bytes" => (
                matches!(err.kind(), ErrorKind::Constraint(c) if c.contains("63 bytes")),
                "auth-spake2-confirmation.confirmation-value",
            ),
            "NEG/agent-info-request/missing-request-id" => {
                (err.kind() == &ErrorKind::MissingField("request-id"), "agent-info-request")
            }
            "NEG/audio-frame/too-few-items" => {
                (matches!(err.kind(), ErrorKind::Constraint(c) if c.contains("expected 3 to 4 items")), "audio-frame")
            }
            other => panic!("unexpected negative vector {other}: add its expectation"),
        };
        assert!(kind_ok, "{name}: wrong error {err}");
        assert_eq!(err.path().to_string(), path, "{name}: path of {err}");
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn quic_varint_vectors() {
    let Some(doc) = corpus("quic_varint.json") else { return };
    for v in doc.as_array().unwrap() {
        let value = v["value"].as_u64().unwrap();
        let bytes = unhex(v["hex"].as_str().unwrap());
        assert_eq!(varint::decode(&bytes), Some((value, bytes.len())), "decode {}", v["hex"]);
        if bytes.len() == varint::encoded_len(value) {
            let mut out = Vec::new();
            varint::encode(value, &mut out);
            assert_eq!(out, bytes, "encode {value}");
        } else {
            // The non-minimal form (0x4025 == 37) decodes; our encoder writes the shortest one.
            assert!(bytes.len() > varint::encoded_len(value));
        }
    }
}
