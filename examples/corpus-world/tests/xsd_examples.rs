//! Every real document under `../shared/corpus/xsd-world/examples/` (GPX tracks, signed XML)
//! decoded with the types generated from its published schema, encoded again, and compared.
//!
//! "Equal document", as this test checks it, read with quick-xml's own namespace-resolving
//! reader (not osmos's):
//! - the same element tree: each element's namespace URI and local name, children in order;
//! - the same attributes as a set of (namespace URI, local name, value), namespace declarations
//!   left out (prefixes may change: the encoder writes the schema's namespace as the default);
//! - the same text, whitespace-normalised: runs of whitespace are one space and the ends are
//!   trimmed, and whitespace-only text between elements is dropped. In `xs:base64Binary`
//!   content (the schema's whitespace facet is `collapse` and base64 ignores whitespace) all
//!   whitespace is dropped, as the encoder writes base64 on one line;
//! - comments, processing instructions and the XML declaration are not compared (osmos does
//!   not keep them).
//!
//! Decoding the re-encoded document gives an encoding equal byte for byte (a fixed point).
#![cfg(corpus_xsd)]

use std::path::PathBuf;

use corpus_world::xsd_world::{gpx, gpx_owned, xmldsig, xmldsig_owned};

mod common;
use common::{diff, tree};

/// Elements of xmldsig whose content is `xs:base64Binary` (or a restriction of it).
const BASE64: &[&str] = &[
    "SignatureValue",
    "DigestValue",
    "P",
    "Q",
    "G",
    "Y",
    "J",
    "Seed",
    "PgenCounter",
    "Modulus",
    "Exponent",
    "X509SKI",
    "X509Certificate",
    "X509CRL",
    "PGPKeyID",
    "PGPKeyPacket",
    "SPKISexp",
];

fn examples(dir: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/xsd-world/examples").join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "gpx" || x == "xml"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn check(name: &str, original: &str, encoded: &str, again: &str) {
    if let Some(d) = diff(&tree(original, BASE64), &tree(encoded, BASE64), "") {
        panic!("{name}: the re-encoded document differs: {d}\n{encoded}");
    }
    assert_eq!(encoded, again, "{name}: encoding is not a fixed point");
}

/// Waypoints, route points and track points share GPX's `wptType`, and so one Rust type.
fn points<'d, 'a>(doc: &'d gpx::Gpx<'a>) -> Vec<&'d gpx::WptType<'a>> {
    let routes = doc.rte.iter().flat_map(|r| &r.rtept);
    let tracks = doc.trk.iter().flat_map(|t| &t.trkseg).flat_map(|s| &s.trkpt);
    doc.wpt.iter().chain(routes).chain(tracks).collect()
}

#[test]
fn gpx_examples_decode_and_reencode_to_equal_documents() {
    let files = examples("gpx");
    assert_eq!(files.len(), 8);
    let mut total = 0;
    for (name, text) in &files {
        let doc = gpx::Gpx::decode(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Every point's coordinates are in range and kept with their digits.
        for p in points(&doc) {
            let (lat, lon) = (p.lat.value().unwrap(), p.lon.value().unwrap());
            assert!((-90.0..=90.0).contains(&lat.to_f64()) && (-180.0..180.0).contains(&lon.to_f64()), "{name}");
            total += 1;
        }
        let encoded = doc.encode();
        let again = gpx::Gpx::decode(&encoded).unwrap_or_else(|e| panic!("{name} re-encoded: {e}\n{encoded}")).encode();
        check(name, text, &encoded, &again);
        // Strict mode: the examples validate against the schema.
        if let Err(e) = gpx::Gpx::decode_with(text, osmos::xml::Mode::Strict) {
            panic!("{name}: strict: {e}");
        }
    }
    // The points the eight files hold (counted independently: `cat *.gpx | grep -o
    // '<trkpt\b\|<rtept\b\|<wpt\b' | wc -l`).
    assert_eq!(total, 533);
}

#[test]
fn xmldsig_examples_decode_and_reencode_to_equal_documents() {
    let files = examples("xmldsig");
    assert_eq!(files.len(), 5);
    for (name, text) in &files {
        let doc = xmldsig::Signature::decode(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let encoded = doc.encode();
        let again = xmldsig::Signature::decode(&encoded)
            .unwrap_or_else(|e| panic!("{name} re-encoded: {e}\n{encoded}"))
            .encode();
        check(name, text, &encoded, &again);
        if let Err(e) = xmldsig::Signature::decode_with(text, osmos::xml::Mode::Strict) {
            panic!("{name}: strict: {e}");
        }
        // Any global element can be a root: the same document through the message table.
        match xmldsig::Message::decode_body(text) {
            Ok(xmldsig::Message::Signature(s)) => assert_eq!(s, doc),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn bounds_and_namespaces_are_checked() {
    let (_, text) = &examples("gpx")[0];
    // latitudeType is -90..=90: strict mode reports 95 with its path and offset; lenient keeps it.
    let at = text.find(" lat=\"").unwrap();
    let bad = format!("{} lat=\"95.0\"{}", &text[..at], &text[at + text[at..].find("\" ").unwrap() + 1..]);
    let errors = gpx::Gpx::decode_with(&bad, osmos::xml::Mode::Strict).unwrap_err();
    let e = errors.first();
    assert!(matches!(e.kind(), osmos::ErrorKind::Constraint(_)), "{e}");
    assert!(e.path().to_string().ends_with(".lat"), "{e}");
    assert_eq!(e.offset(), bad[..at].rfind('<').unwrap());
    let lenient = gpx::Gpx::decode(&bad).unwrap();
    assert!(lenient.encode().contains("lat=\"95.0\""));

    // The same document in another namespace is not a GPX 1.1 document.
    let other = text.replace("http://www.topografix.com/GPX/1/1\"", "http://www.topografix.com/GPX/1/0\"");
    let e = gpx::Gpx::decode(&other).unwrap_err();
    assert!(matches!(e.kind(), osmos::ErrorKind::UnexpectedType { .. }), "{e}");
    assert_eq!(e.offset(), other.find("<gpx").unwrap());

    // Prefixes do not matter, namespace URIs do: `<g:gpx xmlns:g=…>` is the same document, and
    // an undeclared prefix is malformed input at its element.
    let prefixed = "<g:gpx xmlns:g=\"http://www.topografix.com/GPX/1/1\" version=\"1.1\" creator=\"t\"><g:wpt lat=\"1\" lon=\"2\"><g:name>x</g:name></g:wpt></g:gpx>";
    let doc = gpx::Gpx::decode(prefixed).unwrap();
    assert_eq!(doc.wpt[0].name.as_deref(), Some("x"));
    assert_eq!(doc.encode(), "<gpx xmlns=\"http://www.topografix.com/GPX/1/1\" version=\"1.1\" creator=\"t\" xmlns:g=\"http://www.topografix.com/GPX/1/1\"><wpt lat=\"1\" lon=\"2\"><name>x</name></wpt></gpx>");
    let undeclared = prefixed.replace("<g:name>x</g:name>", "<h:name>x</h:name>");
    let e = gpx::Gpx::decode(&undeclared).unwrap_err();
    assert!(matches!(e.kind(), osmos::ErrorKind::Malformed(_)), "{e}");
    assert_eq!(e.offset(), undeclared.find("<h:name").unwrap());
    // An element of another namespace where GPX has its own is not taken: it is kept.
    let foreign = prefixed.replace("<g:name>x</g:name>", "<name xmlns=\"urn:x\">x</name>");
    let doc = gpx::Gpx::decode(&foreign).unwrap();
    assert_eq!(doc.wpt[0].name, None);
    assert_eq!(
        doc.wpt[0].unknown.iter().map(|u| u.xml.as_str()).collect::<Vec<_>>(),
        ["<name xmlns=\"urn:x\">x</name>"]
    );
}

/// The re-encoded documents validate against the published schemas (`xmllint --schema`), as the
/// examples themselves do.
#[test]
fn reencoded_documents_validate_against_the_published_schemas() {
    if std::process::Command::new("xmllint").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
            "xmllint is missing, and OSMOS_REQUIRE_CORPUS is set"
        );
        eprintln!("skipped: xmllint is not installed");
        return;
    }
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/xsd-world");
    let out = std::env::temp_dir().join(format!("osmos-xsd-world-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let mut files = Vec::new();
    for (name, text) in examples("gpx") {
        let path = out.join(&name);
        std::fs::write(&path, gpx::Gpx::decode(&text).unwrap().encode()).unwrap();
        files.push(("gpx-1.1.xsd", path));
    }
    for (name, text) in examples("xmldsig") {
        let path = out.join(&name);
        std::fs::write(&path, xmldsig::Signature::decode(&text).unwrap().encode()).unwrap();
        files.push(("xmldsig-core-schema.xsd", path));
    }
    for (schema, path) in &files {
        let result = std::process::Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(corpus.join(schema))
            .arg(path)
            .output()
            .expect("xmllint runs");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{}: {stderr}", path.display());
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn owned_types_decode_every_example_to_the_same_encoding() {
    for (name, text) in examples("gpx") {
        let borrowed = gpx::Gpx::decode(&text).unwrap().encode();
        let owned = gpx_owned::Gpx::decode(&text.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        drop(text);
        assert_eq!(owned.encode(), borrowed, "{name}");
    }
    for (name, text) in examples("xmldsig") {
        let borrowed = xmldsig::Signature::decode(&text).unwrap().encode();
        let owned = xmldsig_owned::Signature::decode(&text.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        drop(text);
        assert_eq!(owned.encode(), borrowed, "{name}");
    }
}
