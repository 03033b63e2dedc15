// Each test crate uses part of this module.
#![allow(dead_code)]

pub mod arbitrary_cbor;
pub mod arbitrary_xml;
pub mod instances;

use std::path::PathBuf;

/// A file of `../shared/corpus`, or `None` (with a note on stderr) when the corpus is absent, as
/// in a fresh clone. Under `.ci/run` (`OSMOS_REQUIRE_CORPUS=1`) an absent corpus is a failure.
pub fn corpus_path(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() {
        panic!("{} is absent, and OSMOS_REQUIRE_CORPUS is set", path.display());
    }
    eprintln!("skipped: {} is absent (a fresh clone without ../shared)", path.display());
    None
}

/// A JSON file of the corpus (see [`corpus_path`]).
pub fn corpus_json(relative: &str) -> Option<serde_json::Value> {
    let path = corpus_path(relative)?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Every MOS corpus sample as (file name, UTF-8 text), sorted, or `None` as [`corpus_path`] says.
pub fn mos_samples() -> Option<Vec<(String, String)>> {
    let dir = corpus_path("mos/samples")?;
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| {
            let bytes = std::fs::read(&p).expect("sample");
            let text = osmos::mos::to_utf8(&bytes).expect("sample text").into_owned();
            (p.file_name().expect("name").to_string_lossy().into_owned(), text)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 100, "expected the whole corpus, found {} samples", out.len());
    Some(out)
}
