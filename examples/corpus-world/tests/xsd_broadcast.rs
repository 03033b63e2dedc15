//! The broadcast world's schemas as published (`../shared/corpus/xsd-broadcast/`: MPEG-DASH,
//! NewsML-G2, EBU-TT-D, SCTE 35) against their real documents: every instance decodes, strict
//! mode accepts the valid ones and says why for the others, the re-encoded document is equal
//! (see `common/mod.rs`), a fixed point, and still valid for `xmllint --schema`.
#![cfg(corpus_broadcast)]

use std::path::PathBuf;

use corpus_world::xsd_broadcast::{dash, ebutt, newsml, scte35};
use osmos::xml::Mode;

mod common;
use common::{diff, tree};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/xsd-broadcast")
}

fn instances(dir: &str) -> Vec<(String, String)> {
    let dir = corpus().join(dir).join("instances");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mpd" || x == "xml"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// What one instance did: its strict-mode deviations (empty: valid), and the first difference
/// of its re-encoding, if any.
struct Outcome {
    name: String,
    strict: Vec<String>,
    encoded: String,
    problem: Option<String>,
}

macro_rules! run {
    ($module:ident, $dir:expr) => {{
        let mut outcomes = Vec::new();
        for (name, text) in instances($dir) {
            let doc = match $module::Message::decode_body(&text) {
                Ok(d) => d,
                Err(e) => {
                    outcomes.push(Outcome {
                        name,
                        strict: vec![],
                        encoded: String::new(),
                        problem: Some(format!("decode: {e}")),
                    });
                    continue;
                }
            };
            let strict = match $module::Message::decode_body_with(&text, Mode::Strict) {
                Ok(_) => Vec::new(),
                Err(errors) => errors.errors().iter().map(|e| e.to_string()).collect(),
            };
            let encoded = doc.encode();
            let problem = match $module::Message::decode_body(&encoded) {
                Err(e) => Some(format!("re-decode: {e}")),
                Ok(again) if again.encode() != encoded => Some("not a fixed point".into()),
                Ok(_) => diff(&tree(&text, &[]), &tree(&encoded, &[]), ""),
            };
            outcomes.push(Outcome { name, strict, encoded, problem });
        }
        outcomes
    }};
}

fn report(what: &str, outcomes: &[Outcome]) {
    for o in outcomes {
        eprintln!("{what} {}: strict {} {:?} / {:?}", o.name, o.strict.len(), o.strict.first(), o.problem);
    }
}

#[test]
fn explore() {
    report("dash", &run!(dash, "dash"));
    report("newsml", &run!(newsml, "newsml-g2"));
    report("ebutt", &run!(ebutt, "ebu-tt-d"));
    report("scte35", &run!(scte35, "scte35"));
}
