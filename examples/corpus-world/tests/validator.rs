//! The `cddl` crate's validator against our decoder, on our encoder's output: for top-level
//! rules of the CBOR corpus schemas, an instance is built from the IR
//! (`tests/support/instances.rs`, independent of the generated code), decoded with the
//! generated type, encoded again, and both the validator and our decoder judge those bytes.
//! Where they disagree the case is listed with the reason; a new disagreement fails.
#![cfg(corpus)]

#[allow(dead_code)]
#[path = "../../../tests/support/instances.rs"]
mod instances;

use std::path::PathBuf;

use instances::{instance, Fill};
use osmos::cbor::{from_slice, to_vec};

fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/cddl-world").join(file)
}

/// Our round trip of `bytes` as `$t`: the re-encoded bytes, which must decode again.
macro_rules! ours {
    ($t:ty) => {
        |bytes: &[u8]| -> Result<Vec<u8>, String> {
            let v = from_slice::<$t>(bytes).map_err(|e| format!("decode: {e}"))?;
            let again = to_vec(&v).map_err(|e| format!("encode: {e}"))?;
            from_slice::<$t>(&again).map_err(|e| format!("decode of our output: {e}"))?;
            Ok(again)
        }
    };
}

type RoundTrip = fn(&[u8]) -> Result<Vec<u8>, String>;

/// One outcome line per (schema, rule, fill) where the two disagree or we fail.
fn check(files: &[&str], rules: &[(&str, RoundTrip)]) -> Vec<String> {
    let mut b = osmos_codegen::Builder::new();
    let mut text = String::new();
    for f in files {
        b = b.cddl(corpus(f));
        text.push_str(&std::fs::read_to_string(corpus(f)).unwrap());
        text.push('\n');
    }
    let schema = b.schema().expect("the corpus schema compiles");
    let mut out = Vec::new();
    for (rule, round_trip) in rules {
        // The validator checks against the first rule.
        let cddl = format!("osmos-root = {rule}\n{text}");
        for fill in [Fill::Minimal, Fill::Full] {
            let bytes = instance(&schema, rule, fill);
            match round_trip(&bytes) {
                Err(e) => out.push(format!("{rule} {fill:?}: ours rejects the instance: {e}")),
                Ok(again) => {
                    if let Err(e) = cddl::validate_cbor_from_slice(&cddl, &again, Some(&["cbor"])) {
                        let e = e.to_string();
                        // The reason, without the value dump some messages carry.
                        let first = e.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
                        let first: String = first.split(", got ").next().unwrap_or(first).chars().take(140).collect();
                        out.push(format!("{rule} {fill:?}: validator rejects: {first}"));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn validator_agrees_with_our_decoder_on_our_output() {
    use corpus_world::{cose, coswid, eat, reputon, suit};
    let mut report = Vec::new();
    report.extend(check(
        &["cose-rfc9052.cddl"],
        &[
            ("COSE_Sign1", ours!(cose::CoseSign1)),
            ("COSE_Key", ours!(cose::CoseKey)),
            ("COSE_Mac0", ours!(cose::CoseMac0)),
        ],
    ));
    report.extend(check(&["rfc8610-reputon.cddl"], &[("reputation-object", ours!(reputon::ReputationObject))]));
    report.extend(check(&["coswid.cddl"], &[("concise-swid-tag", ours!(coswid::ConciseSwidTag))]));
    report.extend(check(&["eat-cbor.cddl", "coswid.cddl"], &[("Claims-Set", ours!(eat::ClaimsSet))]));
    report.extend(check(
        &["suit-manifest.cddl", "cose-rfc9052.cddl"],
        &[("SUIT_Command_Sequence", ours!(suit::SuitCommandSequence)), ("SUIT_Common", ours!(suit::SuitCommon))],
    ));
    eprintln!("{}", report.join("\n"));
    // Our decoder takes every instance and our output decodes again; SUIT_Command_Sequence
    // (spliced key/value groups) and the reputon pass the validator too. Where it disagrees:
    let expected: &[&str] = &[
        // The instances' protected headers are 0xab bytes, not the `bstr .cbor header_map`
        // the schema asks for: the generator keeps `.cbor` bytes unchecked (signatures cover
        // them) and so does the instance builder. Ours accepts, the validator rightly rejects.
        "COSE_Sign1 Minimal: validator rejects: error validating type choice at cbor location /0: error decoding embedded CBOR: I/O error",
        "COSE_Sign1 Full: validator rejects: error validating type choice at cbor location /0: error decoding embedded CBOR: I/O error",
        "COSE_Mac0 Minimal: validator rejects: error validating type choice at cbor location /0: error decoding embedded CBOR: I/O error",
        "COSE_Mac0 Full: validator rejects: error validating type choice at cbor location /0: error decoding embedded CBOR: I/O error",
        // The validator is wrong: `global-attributes` splices `* any-attribute` (`label => …`,
        // `label = text / int`), so integer keys are allowed; it wants text keys only. The
        // corpus's own CoSWID examples fail it the same way (SOURCE.txt).
        "concise-swid-tag Minimal: validator rejects: error validating type choice at cbor location : map requires entry key of type text",
        "concise-swid-tag Full: validator rejects: error validating type choice at cbor location : unexpected key Integer(Integer(0))",
        // The validator is wrong: `* $$Claims-Set-Claims` with `JC<…>` keys; it matches the
        // whole map against one claim's value (SOURCE.txt: it rejects valid EAT payloads).
        "Claims-Set Minimal: validator rejects: error validating group choice type choice group entry associated with rule \"Claims-Set-Claims\"",
        "Claims-Set Full: validator rejects: error validating group choice type choice group entry associated with rule \"Claims-Set-Claims\"",
        // `SUIT_Common` is a map (`{ ? suit-components => …, * $$SUIT_Common-extensions }`),
        // and the instance is one; the validator expects an array here. We have not traced
        // why inside the `cddl` crate (an upstream issue to file with this instance).
        "SUIT_Common Minimal: validator rejects: error validating at cbor location : expected array type",
        "SUIT_Common Full: validator rejects: error validating at cbor location : expected array type",
    ];
    let same = report.len() == expected.len() && report.iter().zip(expected).all(|(r, e)| r.starts_with(e));
    assert!(same, "{report:#?}");
}
