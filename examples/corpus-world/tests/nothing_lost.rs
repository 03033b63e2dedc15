//! Nothing silently lost, anywhere: for every instance of the XML corpus
//! (`../shared/corpus/xsd-broadcast/*/instances`, `xsd-world/examples`, `mos/samples`), every
//! non-blank text and every attribute value of the input is found again in what lenient
//! decoding made of it — its typed fields or the parts it kept raw (`UnknownElements`, raw
//! content, `OtherAttributes`). "Found" is checked on the value's encoding, which writes
//! exactly what the value holds: each input text (whitespace collapsed) and attribute value
//! must occur among the output's, as many times, typed values compared by value (`0` and
//! `false`, `7.500` and `7.5`). Inputs lenient mode refuses outright (MOS's
//! `LENIENT_FAILURES`) are reported errors, not losses, and are listed.
#![cfg(all(corpus_xsd, corpus_broadcast))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use corpus_world::xsd_broadcast::{dash, ebutt, newsml, scte35};
use corpus_world::xsd_world::{gpx, xmldsig};
use quick_xml::events::Event;
use quick_xml::Reader;

mod common;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml" || x == "mpd" || x == "gpx"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// Every non-blank text (whitespace collapsed, CDATA included) and attribute value (namespace
/// declarations left out) of a document, read with quick-xml, with how often it occurs.
fn values(xml: &str) -> BTreeMap<String, usize> {
    let mut reader = Reader::from_str(xml);
    let mut out = BTreeMap::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut BTreeMap<String, usize>| {
        let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
        text.clear();
        if !t.is_empty() {
            *out.entry(t).or_insert(0) += 1;
        }
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                flush(&mut text, &mut out);
                for a in e.attributes() {
                    let a = a.unwrap();
                    let key = a.key.as_ref();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap();
                    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                    *out.entry(v).or_insert(0) += 1;
                }
            }
            Event::End(_) => flush(&mut text, &mut out),
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push_str(quick_xml::escape::resolve_predefined_entity(&r.xml10_content()).unwrap_or("")),
            },
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Equal as values: booleans (`0`/`false`), numbers (`7.500`/`7.5`), base64 with its line
/// breaks (`xs:base64Binary` ignores whitespace; the encoder writes one line).
fn same_value(a: &str, b: &str) -> bool {
    let base64 = |s: &str| {
        let squeezed: String = s.split_whitespace().collect();
        let alphabet = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
        (squeezed.len() >= 16 && squeezed.chars().all(alphabet)).then_some(squeezed)
    };
    let boolean = |s: &str| match s {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    };
    let number = |s: &str| s.parse::<f64>().ok().filter(|n| n.is_finite());
    a == b
        || (boolean(a).is_some() && boolean(a) == boolean(b))
        || (number(a).is_some() && number(a) == number(b))
        || (base64(a).is_some() && base64(a) == base64(b))
}

/// What of `input` is not in `output`: each value, as often as it is missing.
fn lost(input: &str, output: &str) -> Vec<String> {
    let mut have = values(output);
    let mut missing = Vec::new();
    for (v, n) in values(input) {
        for _ in 0..n {
            match have.get_mut(&v).filter(|c| **c > 0) {
                Some(c) => *c -= 1,
                None => {
                    let other = have.iter_mut().find(|(k, c)| **c > 0 && same_value(&v, k));
                    match other {
                        Some((_, c)) => *c -= 1,
                        None => missing.push(v.clone()),
                    }
                }
            }
        }
    }
    missing
}

/// Decodes leniently with `decode` and re-encodes; `Err` when lenient mode refuses the input.
fn check(set: &str, name: &str, text: &str, reencode: impl Fn(&str) -> Result<String, String>, out: &mut Vec<String>) {
    match reencode(text) {
        Ok(encoded) => {
            let missing = lost(text, &encoded);
            if !missing.is_empty() {
                out.push(format!("{set}/{name}: lost {missing:?}"));
            }
        }
        Err(e) => out.push(format!("{set}/{name}: refused: {e}")),
    }
}

/// MOS samples lenient decoding refuses with a reported error (see the root crate's
/// `tests/mos_codec.rs`, `LENIENT_FAILURES`, which checks each error): refused, not lost.
const MOS_REFUSED: &[&str] = &[
    "heartbeat.xml",
    "mosListAll.xml",
    "mosObj.sofie-out.xml",
    "roCreate.mosromgr-no_ncsID.xml",
    "roInvalidMos.mosromgr-unknown_message.xml",
    "roStoryMove.sofie-offspec_missing_second_storyID.xml",
    "roStorySend.osm-2_5.xml",
];

fn mos(text: &str) -> Result<String, String> {
    use osmos::mos::messages::{Message, Mos};
    if osmos::xml::root_element(text).map_err(|e| e.to_string())? == "mos" {
        Mos::decode(text).map(|m| m.encode()).map_err(|e| e.to_string())
    } else {
        Message::decode_body(text).map(|m| m.encode()).map_err(|e| e.to_string())
    }
}

macro_rules! via {
    ($module:ident) => {
        |t: &str| $module::Message::decode_body(t).map(|m| m.encode()).map_err(|e| e.to_string())
    };
}

#[test]
fn every_text_and_attribute_of_every_corpus_instance_is_kept() {
    let root = shared();
    let mut problems = Vec::new();
    let mut count = 0;
    let utf8 = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    for (set, module) in [("dash", 0), ("newsml-g2", 1), ("ebu-tt-d", 2), ("scte35", 3)] {
        for (name, bytes) in files(&root.join("xsd-broadcast").join(set).join("instances")) {
            let text = utf8(&bytes);
            match module {
                0 => check(set, &name, &text, via!(dash), &mut problems),
                1 => check(set, &name, &text, via!(newsml), &mut problems),
                2 => check(set, &name, &text, via!(ebutt), &mut problems),
                _ => check(set, &name, &text, via!(scte35), &mut problems),
            }
            count += 1;
        }
    }
    for (set, module) in [("gpx", 0), ("xmldsig", 1)] {
        for (name, bytes) in files(&root.join("xsd-world/examples").join(set)) {
            let text = utf8(&bytes);
            match module {
                0 => check(set, &name, &text, via!(gpx), &mut problems),
                _ => check(set, &name, &text, via!(xmldsig), &mut problems),
            }
            count += 1;
        }
    }
    let mut refused = Vec::new();
    for (name, bytes) in files(&root.join("mos/samples")) {
        let text = osmos::mos::to_utf8(&bytes).unwrap().into_owned();
        if MOS_REFUSED.contains(&name.as_str()) {
            refused.push(name.clone());
            assert!(mos(&text).is_err(), "mos/{name} now decodes: take it off MOS_REFUSED");
            continue;
        }
        check("mos", &name, &text, mos, &mut problems);
        count += 1;
    }
    assert_eq!(refused.len(), MOS_REFUSED.len());
    assert!(count >= 180, "expected the whole corpus, checked {count}");
    assert!(problems.is_empty(), "{} of {count} documents lose something:\n{}", problems.len(), problems.join("\n"));
}

/// The same over documents made invalid on purpose (`common/mutations.rs`, the variants
/// `strict_xmllint.rs` gives xmllint): an unknown element or stray text at the root or one level
/// down, elements swapped, an attribute dropped, a bad enumeration or pattern value. Lenient
/// mode keeps what it cannot place, or refuses the document with an error (a missing required
/// attribute, a value outside an enumeration cannot be represented): it never drops anything
/// silently.
#[test]
fn nothing_is_lost_from_mutated_documents_either() {
    use common::mutations::{mutate, Mutation};
    type Reencode = fn(&str) -> Result<String, String>;
    /// Attributes and bad values for them.
    type Values = &'static [(&'static str, &'static str)];
    let root = shared();
    let sets: [(&str, PathBuf, Reencode, Values, Values); 6] = [
        (
            "dash",
            root.join("xsd-broadcast/dash/instances"),
            via!(dash),
            &[("type", "sometimes")],
            &[("frameRate", "fast")],
        ),
        (
            "newsml-g2",
            root.join("xsd-broadcast/newsml-g2/instances"),
            via!(newsml),
            &[],
            &[("standardversion", "two"), ("qcode", "nocolon")],
        ),
        (
            "ebu-tt-d",
            root.join("xsd-broadcast/ebu-tt-d/instances"),
            via!(ebutt),
            &[("ttp:timeBase", "sundial")],
            &[("begin", "soon")],
        ),
        ("scte35", root.join("xsd-broadcast/scte35/instances"), via!(scte35), &[], &[("segmentationTypeId", "300")]),
        ("gpx", root.join("xsd-world/examples/gpx"), via!(gpx), &[], &[("lat", "123.5")]),
        ("xmldsig", root.join("xsd-world/examples/xmldsig"), via!(xmldsig), &[], &[]),
    ];
    let mut problems = Vec::new();
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = 0;
    for (set, dir, reencode, enumerations, patterns) in sets {
        for (name, bytes) in files(&dir) {
            let text = osmos::xml::document_to_utf8(&bytes).unwrap().into_owned();
            for m in Mutation::ALL {
                let Some(variant) = mutate(&text, m, enumerations, patterns) else { continue };
                count += 1;
                match reencode(&variant) {
                    Ok(encoded) => {
                        let missing = lost(&variant, &encoded);
                        if !missing.is_empty() {
                            problems.push(format!("{set}/{name} ({}): lost {missing:?}", m.name()));
                        }
                    }
                    Err(_) => *refused.entry(format!("{set} {}", m.name())).or_default() += 1,
                }
            }
        }
    }
    eprintln!("{count} mutated documents; refused with an error: {refused:?}");
    // Only what lenient mode cannot represent makes it refuse a document: a required
    // attribute that is missing (its field is not optional), a value outside an enumeration.
    // Bad pattern values, unknown elements, stray text and swapped elements are all kept.
    for kind in refused.keys() {
        assert!(kind.ends_with("drop-attribute") || kind.ends_with("enumeration"), "refused: {refused:?}");
    }
    assert!(count > 600, "{count}");
    assert!(problems.is_empty(), "{} mutated documents lose something:\n{}", problems.len(), problems.join("\n"));
}

/// The check itself sees a loss: a document whose re-encoding drops a text or an attribute.
#[test]
fn the_check_sees_a_dropped_text_or_attribute() {
    let input = r#"<a x="1" y="keep"><b>text</b><c>0</c></a>"#;
    assert!(lost(input, r#"<a x="1" y="keep"><b>text</b><c>false</c></a>"#).is_empty());
    assert_eq!(lost(input, r#"<a x="1"><b>text</b><c>0</c></a>"#), ["keep"]);
    assert_eq!(lost(input, r#"<a x="1" y="keep"><b/><c>0</c></a>"#), ["text"]);
    // Twice in, once out is a loss too.
    assert_eq!(lost(r#"<a><b>t</b><b>t</b></a>"#, r#"<a><b>t</b></a>"#), ["t"]);
}
