//! The corpus's real instances (`../shared/corpus/cddl-world/examples/*.json`) decoded with the
//! generated types and encoded again. Valid vectors must decode as their rule's alternative and
//! come back as the same bytes (the generator encodes deterministically, so a vector that was
//! not deterministically encoded is listed instead); `valid: false` vectors must be rejected.
#![cfg(corpus)]

use std::path::PathBuf;

use corpus_world::cose::{CoseMessages, CoseTaggedMessage, CoseUntaggedMessage, Start};
use osmos::cbor::{from_slice, to_vec};

fn vectors(file: &str) -> Vec<serde_json::Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/cddl-world/examples").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["vectors"].as_array().unwrap().clone()
}

/// The schema rule a decoded COSE item matched, in the examples' spelling.
fn cose_rule(v: &Start) -> &'static str {
    match v {
        Start::CoseMessages(CoseMessages::CoseTaggedMessage(t)) => match t {
            CoseTaggedMessage::CoseSignTagged(_) => "COSE_Sign_Tagged",
            CoseTaggedMessage::CoseSign1Tagged(_) => "COSE_Sign1_Tagged",
            CoseTaggedMessage::CoseEncryptTagged(_) => "COSE_Encrypt_Tagged",
            CoseTaggedMessage::CoseEncrypt0Tagged(_) => "COSE_Encrypt0_Tagged",
            CoseTaggedMessage::CoseMacTagged(_) => "COSE_Mac_Tagged",
            CoseTaggedMessage::CoseMac0Tagged(_) => "COSE_Mac0_Tagged",
        },
        Start::CoseMessages(CoseMessages::CoseUntaggedMessage(u)) => match u {
            CoseUntaggedMessage::CoseSign(_) => "COSE_Sign",
            CoseUntaggedMessage::CoseSign1(_) => "COSE_Sign1",
            CoseUntaggedMessage::CoseEncrypt(_) => "COSE_Encrypt",
            CoseUntaggedMessage::CoseEncrypt0(_) => "COSE_Encrypt0",
            CoseUntaggedMessage::CoseMac(_) => "COSE_Mac",
            CoseUntaggedMessage::CoseMac0(_) => "COSE_Mac0",
        },
        Start::CoseKey(_) => "COSE_Key",
        Start::CoseKeySet(_) => "COSE_KeySet",
        Start::InternalTypes(_) => "Internal_Types",
    }
}

#[test]
fn cose_examples_decode_and_reencode() {
    let mut wrong = Vec::new();
    let mut not_deterministic = Vec::new();
    let mut ok = 0;
    for v in vectors("cose.json") {
        let name = v["name"].as_str().unwrap();
        let rule = v["rule"].as_str().unwrap();
        let bytes = hex::decode(v["cbor_hex"].as_str().unwrap()).unwrap();
        let decoded = from_slice::<Start>(&bytes);
        match (v["valid"].as_bool().unwrap(), decoded) {
            (true, Ok(item)) => {
                // Untagged message shapes overlap (COSE_Sign1 and COSE_Encrypt0 are both
                // [bstr, map, bstr, bstr]): the first alternative in schema order wins.
                let got = cose_rule(&item);
                let overlapping = !rule.ends_with("_Tagged") && got.starts_with("COSE_") && !got.ends_with("_Tagged");
                if got != rule && !overlapping {
                    wrong.push(format!("{name}: decoded as {got}, expected {rule}"));
                }
                let again = to_vec(&item).unwrap();
                if again != bytes {
                    not_deterministic.push(name.to_owned());
                } else {
                    ok += 1;
                }
                // Whatever the bytes were, the re-encoded item decodes to the same value.
                assert_eq!(from_slice::<Start>(&again).unwrap(), item, "{name}");
            }
            (true, Err(e)) => wrong.push(format!("{name} ({rule}): {e}")),
            (false, Ok(item)) => wrong.push(format!("{name}: invalid, but decoded as {}", cose_rule(&item))),
            (false, Err(_)) => ok += 1,
        }
    }
    eprintln!("cose: {ok} as expected; re-encoded differently (not deterministic on input): {not_deterministic:?}");
    assert!(wrong.is_empty(), "{wrong:#?}");
}
