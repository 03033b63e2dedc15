#![cfg(feature = "json")]
//! The fuzz targets' oracles (`fuzz/oracles.rs`) on the seed corpus (`../shared/corpus`) and
//! on every input the fuzzers ever found (`fuzz/regressions/<target>/`), as a plain test: CI
//! replays them without nightly or libFuzzer.

#[cfg(feature = "derive")]
#[path = "../fuzz/extension.rs"]
mod extension;
#[path = "../fuzz/json_text.rs"]
mod json_text;
#[path = "../fuzz/oracles.rs"]
mod oracles;
mod support;

use std::path::Path;

fn regressions(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn frames() -> Vec<Vec<u8>> {
    let Some(v) = support::corpus_json("openscreen/vectors/osp_messages_generated.json") else { return Vec::new() };
    v["vectors"].as_array().unwrap().iter().map(|t| hex::decode(t["frame_hex"].as_str().unwrap()).unwrap()).collect()
}

fn files(dir: &str) -> Vec<Vec<u8>> {
    let Some(path) = support::corpus_path(dir) else { return Vec::new() };
    let mut out = Vec::new();
    let mut stack = vec![path];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            out.push(std::fs::read(&p).unwrap());
        }
    }
    out
}

#[test]
fn open_screen_seeds_and_regressions() {
    let frames = frames();
    for f in frames.iter().chain(&regressions("frame")) {
        oracles::frame(f);
    }
    // The whole vector set as one stream, with several chunkings (the first byte seeds them).
    let stream: Vec<u8> = frames.concat();
    for seed in 0..8u8 {
        oracles::frame_reader(&[&[seed][..], &stream].concat());
    }
    // Every vector cut short as well, so the reader's incomplete end is exercised.
    for f in &frames {
        oracles::frame_reader(&[&[7][..], &f[..f.len() - 1]].concat());
    }
    for r in regressions("frame_reader") {
        oracles::frame_reader(&r);
    }
}

#[test]
fn mos_seeds_and_regressions() {
    let samples = files("mos/samples");
    for s in samples.iter().chain(&regressions("mos")) {
        oracles::mos(s);
    }
    let mut stream = Vec::new();
    for s in &samples {
        if s.starts_with(b"<mos>") {
            stream.extend_from_slice(s);
        }
    }
    for seed in 0..4u8 {
        oracles::mos_stream(&[&[seed][..], &stream].concat());
        let utf16 = osmos::xml::utf16be(std::str::from_utf8(&stream).unwrap());
        oracles::mos_stream(&[&[seed][..], &utf16].concat());
    }
    for r in regressions("mos_stream") {
        oracles::mos_stream(&r);
    }
}

#[test]
fn cddl_seeds_and_regressions() {
    for f in files("cddl-world").iter().chain(&files("openscreen/history")).chain(&regressions("cddl")) {
        oracles::cddl(f);
    }
}

#[test]
fn xsd_seeds_and_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for sub in ["codegen/tests/diagnostics", "schemas/mos"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir.join(sub)).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        seeds.extend(
            paths.iter().filter(|p| p.extension().is_some_and(|e| e == "xsd")).map(|p| std::fs::read(p).unwrap()),
        );
    }
    // The MOS files include each other, which the oracle leaves out: their text without the
    // includes still goes through the front end.
    let bare: Vec<Vec<u8>> =
        seeds.iter().map(|s| String::from_utf8_lossy(s).replace("schemaLocation", "x").into_bytes()).collect();
    for s in seeds.iter().chain(&bare).chain(&regressions("xsd")) {
        oracles::xsd(s);
    }
}

#[cfg(feature = "derive")]
#[test]
fn extension_seeds_and_regressions() {
    // The standard vectors and two vendor frames (tests/derive_extension.rs) as one stream,
    // cut at several places, then every found input.
    let vendor = hex::decode(
        concat!(
            "32a400070182020102822 0fb3ff80000000000006b76656e646f722d6e6f7465626869",
            "6008a56178f50541aa0382010201182a0000"
        )
        .replace(' ', ""),
    )
    .unwrap();
    let stream: Vec<u8> = [frames().concat(), vendor].concat();
    for cut in [0u8, 1, 7, 100, 255] {
        extension::extension(&[&[cut][..], &stream].concat());
    }
    for r in regressions("extension") {
        extension::extension(&r);
    }
}

#[test]
fn json_text_seeds_and_regressions() {
    for s in json_text::SEEDS {
        json_text::json_text(s.as_bytes());
        // Every prefix: truncated texts fail cleanly.
        for cut in 0..s.len() {
            json_text::json_text(&s.as_bytes()[..cut]);
        }
    }
    for r in regressions("json_text") {
        json_text::json_text(&r);
    }
}
