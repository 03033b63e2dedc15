#![cfg(feature = "json")]
//! Property tests over every MOS message: documents built from the schema IR
//! (`support/arbitrary_xml.rs`) decode in strict mode, re-encode to a fixed point with equal
//! values, survive the JSON view, and random mutations of them decode (leniently or strictly)
//! to something that re-encodes to a fixed point, or fail with an error — never a panic.

mod support;

use osmos::mos::messages::Mos;
use osmos::xml::Mode;
use osmos_codegen::ir::Schema;
use proptest::prelude::*;
use proptest::strategy::Union;
use support::arbitrary_xml::XmlGen;

fn schema() -> Schema {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    osmos_codegen::xsd::compile("mos", &[root.join("schemas/mos/mos.xsd")]).expect("schema compiles")
}

/// (message element, document), for every message alike.
pub fn documents() -> impl Strategy<Value = (String, String)> {
    let schema: &'static Schema = Box::leak(Box::new(schema()));
    let gen = XmlGen::new(schema);
    let messages = gen.messages();
    assert!(messages.len() >= 54, "{} messages", messages.len());
    Union::new(
        messages.into_iter().map(|(element, t)| gen.document(&element, &t).prop_map(move |doc| (element.clone(), doc))),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn valid_documents_round_trip((element, doc) in documents()) {
        let strict = Mos::decode_with(&doc, Mode::Strict).unwrap_or_else(|e| panic!("{element}: {e}\n{doc}"));
        let lenient = Mos::decode(&doc).unwrap();
        prop_assert_eq!(&strict, &lenient);
        let once = strict.encode();
        let again = Mos::decode_with(&once, Mode::Strict).unwrap_or_else(|e| panic!("{element}: {e}\n{once}"));
        prop_assert_eq!(&again, &strict);
        prop_assert_eq!(again.encode(), once.clone());
        // The JSON view is lossless.
        let json = osmos::json::ToJson::to_json(&strict);
        let back: Mos = osmos::json::FromJson::from_json(&json).unwrap_or_else(|e| panic!("{element}: {e}\n{json}"));
        prop_assert_eq!(back.encode(), once.clone());
        // UTF-16BE, the MOS 2.x wire form, decodes to the same.
        let utf16 = strict.encode_utf16be();
        let text = osmos::mos::to_utf8(&utf16).unwrap();
        prop_assert_eq!(Mos::decode(&text).unwrap().encode(), once);
    }

    #[test]
    fn mutated_documents_decode_to_a_fixed_point_or_fail(
        (_element, doc) in documents(),
        edits in prop::collection::vec((0u8..4, any::<prop::sample::Index>(), prop::sample::select(b"<>/&;\"= ax#".to_vec())), 1..4),
    ) {
        let mut bytes = doc.into_bytes();
        for (op, at, b) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = b,
                1 => bytes.insert(i, b),
                2 if i < bytes.len() => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        for mode in [Mode::Lenient, Mode::Strict] {
            if let Ok(m) = Mos::decode_with(&text, mode) {
                let once = m.encode();
                let again = Mos::decode(&once).unwrap_or_else(|e| panic!("{e}\n{once}"));
                prop_assert_eq!(again.encode(), once);
            }
        }
    }
}
