//! The broadcast world's schemas as published (`../shared/corpus/xsd-broadcast/`: MPEG-DASH,
//! NewsML-G2, EBU-TT-D, SCTE 35) against their real documents: every instance decodes, strict
//! mode accepts the valid ones and says why for the others, the re-encoded document is equal
//! (see `common/mod.rs`), a fixed point, and still valid for `xmllint --schema`.
#![cfg(corpus_broadcast)]

use std::path::PathBuf;

use corpus_world::xsd_broadcast::{dash, ebutt, newsml, scte35};
use osmos::xml::Mode;

mod common;
use common::{diff, tree, Node};

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

/// Attribute values equal in the value space of their type: the encoder writes typed values in
/// canonical form (`segmentAlignment="0"` comes back `false`, `7.500` comes back `7.5`).
fn same_value(a: &str, b: &str) -> bool {
    let boolean = |s: &str| match s.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    };
    let number = |s: &str| s.trim().parse::<f64>().ok();
    a == b || (boolean(a).is_some() && boolean(a) == boolean(b)) || (number(a).is_some() && number(a) == number(b))
}

/// The first difference between the trees of two documents, attribute values compared by
/// [`same_value`].
fn difference(original: &str, encoded: &str) -> Option<String> {
    let d = diff(&tree(original, &[]), &tree(encoded, &[]), "")?;
    // `diff` compares attributes as sets; retry with values compared by value.
    let (a, b) = (tree_values(original), tree_values(encoded));
    if a.len() == b.len()
        && a.iter().zip(&b).all(|((p1, n1, v1), (p2, n2, v2))| p1 == p2 && n1 == n2 && same_value(v1, v2))
    {
        let (ta, tb) = (strip_attrs(tree(original, &[])), strip_attrs(tree(encoded, &[])));
        return diff(&ta, &tb, "");
    }
    Some(d)
}

/// Every attribute as (element path, name, value), in document order, names sorted per element.
fn tree_values(xml: &str) -> Vec<(String, String, String)> {
    fn walk(n: &Node, path: &str, out: &mut Vec<(String, String, String)>) {
        if let Node::Element { ns, local, attrs, children } = n {
            let here = format!("{path}/{{{ns}}}{local}");
            for (ans, name, value) in attrs {
                out.push((here.clone(), format!("{{{ans}}}{name}"), value.clone()));
            }
            for (i, c) in children.iter().enumerate() {
                walk(c, &format!("{here}[{i}]"), out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&tree(xml, &[]), "", &mut out);
    out
}

fn strip_attrs(n: Node) -> Node {
    match n {
        Node::Element { ns, local, children, .. } => Node::Element {
            ns,
            local,
            attrs: Default::default(),
            children: children.into_iter().map(strip_attrs).collect(),
        },
        t => t,
    }
}

/// What one instance did: its strict-mode deviations (empty: valid), its re-encoding, and the
/// first problem with it, if any.
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
                    let problem = Some(format!("decode: {e}"));
                    outcomes.push(Outcome { name, strict: vec![], encoded: String::new(), problem });
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
                Ok(_) => difference(&text, &encoded),
            };
            outcomes.push(Outcome { name, strict, encoded, problem });
        }
        outcomes
    }};
}

/// The four sets: (folder, top schema file, instances, outcomes).
fn all() -> Vec<(&'static str, &'static str, Vec<Outcome>)> {
    vec![
        ("dash", "dash/DASH-MPD.xsd", run!(dash, "dash")),
        ("newsml-g2", "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd", run!(newsml, "newsml-g2")),
        ("ebu-tt-d", "ebu-tt-d/ebutt_d.xsd", run!(ebutt, "ebu-tt-d")),
        ("scte35", "scte35/scte_35_20230713.xsd", run!(scte35, "scte35")),
    ]
}

#[test]
fn every_instance_decodes_strictly_and_reencodes_to_an_equal_document() {
    let mut counts = Vec::new();
    let mut failures = Vec::new();
    for (set, _, outcomes) in all() {
        counts.push((set, outcomes.len()));
        for o in &outcomes {
            // Every instance is valid as published (`xmllint --schema` agrees: see
            // `strict_xmllint.rs`), so strict mode must accept each one.
            if !o.strict.is_empty() {
                failures.push(format!("{set}/{}: strict: {}", o.name, o.strict.join("; ")));
            }
            if let Some(p) = &o.problem {
                failures.push(format!("{set}/{}: {p}", o.name));
            }
        }
    }
    assert_eq!(counts, [("dash", 35), ("newsml-g2", 15), ("ebu-tt-d", 31), ("scte35", 1)]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// NewsML-G2's `headline` and `description` extend the mixed `Label1Type` and `BlockType`: their
/// text is typed content, not lost (15 of the 30 items lost it before).
#[test]
fn newsml_headlines_keep_their_text() {
    let (_, text) = instances("newsml-g2").into_iter().find(|(n, _)| n.starts_with("LISTING_1_")).unwrap();
    let doc = newsml::NewsItem::decode(&text).unwrap();
    let headlines: Vec<String> = (doc.content_meta.as_ref().unwrap().choice_2.iter())
        .filter_map(|c| match c {
            newsml::ContentMetadataAfDTypeChoice::Headline(h) => Some(h.text.text().trim().to_owned()),
            _ => None,
        })
        .collect();
    assert!(!headlines.is_empty());
    for h in &headlines {
        assert!(!h.is_empty() && text.contains(h.as_str()), "{h:?}");
    }
}

/// The re-encoded instances validate against the published schemas (`xmllint --schema`,
/// `--nonet`): EBU-TT-D imports `http://www.w3.org/2001/xml.xsd`, which an XML catalog maps to
/// the copy beside NewsML-G2. DASH imports XLink's schema from the network, which is never
/// fetched: the catalog maps it to a stand-in with XLink 1.1's attribute types
/// (`common::xmllint_catalog`).
#[test]
fn reencoded_instances_validate_against_the_published_schemas() {
    if std::process::Command::new("xmllint").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
            "xmllint is missing, and OSMOS_REQUIRE_CORPUS is set"
        );
        eprintln!("skipped: xmllint is not installed");
        return;
    }
    let out = std::env::temp_dir().join(format!("osmos-xsd-broadcast-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let catalog = common::xmllint_catalog(&corpus().join(".."), &out);
    let mut checked = 0;
    for (set, schema, outcomes) in all() {
        for o in outcomes {
            let path = out.join(&o.name);
            std::fs::write(&path, &o.encoded).unwrap();
            let result = std::process::Command::new("xmllint")
                .args(["--noout", "--nonet", "--schema"])
                .arg(corpus().join(schema))
                .arg(&path)
                .env("XML_CATALOG_FILES", &catalog)
                .output()
                .expect("xmllint runs");
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert!(result.status.success(), "{set}/{}: {stderr}", o.name);
            checked += 1;
        }
    }
    assert_eq!(checked, 82);
    std::fs::remove_dir_all(&out).unwrap();
}

/// EBU-TT-D's `tts:`, `ttp:` attributes (global attributes of the imported TTML schemas,
/// referenced with `ref=`) and its `xml:` attributes (the XML namespace, known without its
/// schema) are typed fields, matched by namespace whatever the prefix, and strict mode checks
/// them: a missing `ttp:timeBase`, `tts:textAlign="middle"`, `xml:space="keep"`.
#[test]
fn ebu_tt_d_attributes_are_typed_and_checked() {
    let (_, text) = instances("ebu-tt-d").into_iter().find(|(n, _)| n == "textalign-center-001-ttml.xml").unwrap();
    let doc = ebutt::Tt::decode_with(&text, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.time_base, ebutt::TimeBase::Media);
    fn style(doc: &ebutt::Tt<'_>) -> Option<ebutt::TextAlign> {
        let paragraph = doc.head.styling.style.iter().find(|s| s.id == "paragraphStyle");
        let paragraph = paragraph.expect("paragraphStyle");
        // Typed, not kept raw: the attribute is not among the other attributes.
        assert!(paragraph.other_attributes.get("tts:textAlign").is_none());
        paragraph.text_align
    }
    assert_eq!(style(&doc), Some(ebutt::TextAlign::Center));
    assert_eq!((doc.lang.as_ref(), doc.other_attributes.get("xml:lang")), ("en", None));
    let space = text.replace("<tt ", "<tt xml:space=\"keep\" ");
    let errors = ebutt::Tt::decode_with(&space, Mode::Strict).unwrap_err();
    assert!(errors.errors().iter().any(|e| e.to_string().contains("keep")), "{errors}");
    let space = text.replace("<tt ", "<tt xml:space=\"preserve\" ");
    let v = ebutt::Tt::decode_with(&space, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.space, Some(ebutt::XmlSpace::Preserve));

    // Another prefix for the same namespace is the same attribute; written back with the
    // schema's prefix, declared where the document's declarations do not have it.
    let renamed = text
        .replace("tts:textAlign=", "s:textAlign=")
        .replace("<style ", "<style xmlns:s=\"http://www.w3.org/ns/ttml#styling\" ");
    let again = ebutt::Tt::decode_with(&renamed, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(style(&again), Some(ebutt::TextAlign::Center));
    assert!(again.encode().contains("tts:textAlign=\"center\""));
    assert!(difference(&renamed, &again.encode()).is_none());
    // A `textAlign` in no namespace is not TTML's.
    let plain = text.replace("tts:textAlign=", "textAlign=");
    let errors = ebutt::Tt::decode_with(&plain, Mode::Strict).unwrap_err();
    assert!(errors.errors().iter().any(|e| e.to_string().contains("textAlign")), "{errors}");

    let middle = text.replace("tts:textAlign=\"center\"", "tts:textAlign=\"middle\"");
    let errors = ebutt::Tt::decode_with(&middle, Mode::Strict).unwrap_err();
    let e = errors.first();
    assert!(e.to_string().contains("middle"), "{e}");
    assert!(e.path().to_string().contains("textAlign"), "{e}");

    let no_time_base = text.replace("ttp:timeBase=\"media\"", "");
    let errors = ebutt::Tt::decode_with(&no_time_base, Mode::Strict).unwrap_err();
    assert!(errors.errors().iter().any(|e| e.kind() == &osmos::ErrorKind::MissingField("ttp:timeBase")), "{errors}");
}
