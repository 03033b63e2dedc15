//! The XSD construct goldens (`codegen/tests/golden/xsd_*.rs`) compiled and run: each decodes
//! its documents to the values the schema says and encodes them back to the expected bytes.

use osmos::xml::{self, Base64, DateTime, Decimal, GYear, Lenient, Mode, XmlDecode, XmlEncode};
use osmos::ErrorKind;

#[allow(dead_code)]
mod xsd_namespace {
    include!("../codegen/tests/golden/xsd_namespace.rs");
}
#[allow(dead_code)]
mod xsd_twice {
    include!("../codegen/tests/golden/xsd_twice.rs");
}
#[allow(dead_code)]
mod xsd_union {
    include!("../codegen/tests/golden/xsd_union.rs");
}
#[allow(dead_code)]
mod xsd_open_content {
    include!("../codegen/tests/golden/xsd_open_content.rs");
}
#[allow(dead_code)]
mod xsd_values {
    include!("../codegen/tests/golden/xsd_values.rs");
}
#[allow(dead_code)]
mod xsd_import {
    include!("../codegen/tests/golden/xsd_import.rs");
}

#[allow(dead_code)]
mod xsd_nillable {
    include!("../codegen/tests/golden/xsd_nillable.rs");
}

#[allow(dead_code)]
mod xsd_substitution {
    include!("../codegen/tests/golden/xsd_substitution.rs");
}

#[allow(dead_code)]
mod xsd_list {
    include!("../codegen/tests/golden/xsd_list.rs");
}

#[allow(dead_code)]
mod xsd_locals {
    include!("../codegen/tests/golden/xsd_locals.rs");
}

#[allow(dead_code)]
mod xsd_inherited_mixed {
    include!("../codegen/tests/golden/xsd_inherited_mixed.rs");
}

#[allow(dead_code)]
mod xsd_unqualified {
    include!("../codegen/tests/golden/xsd_unqualified.rs");
}

#[allow(dead_code)]
mod xsd_case {
    include!("../codegen/tests/golden/xsd_case.rs");
}

#[allow(dead_code)]
mod xsd_simple_restriction {
    include!("../codegen/tests/golden/xsd_simple_restriction.rs");
}

#[allow(dead_code)]
mod xsd_reached_twice {
    include!("../codegen/tests/golden/xsd_reached_twice.rs");
}

#[allow(dead_code)]
mod xsd_qualified_attrs {
    include!("../codegen/tests/golden/xsd_qualified_attrs.rs");
}

#[allow(dead_code)]
mod xsd_recursion {
    include!("../codegen/tests/golden/xsd_recursion.rs");
}

#[allow(dead_code)]
mod xsd_defaults {
    include!("../codegen/tests/golden/xsd_defaults.rs");
}

#[allow(dead_code)]
mod xsd_two_ns {
    include!("../codegen/tests/golden/xsd_two_ns.rs");
}

#[allow(dead_code)]
mod xsd_chameleon {
    include!("../codegen/tests/golden/xsd_chameleon.rs");
}

/// `xmllint --schema` on `document` against a golden schema: `Some(valid)`, `None` when xmllint
/// is not installed.
fn xmllint(schema: &str, document: &str) -> Option<bool> {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("osmos-xsd-constructs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file =
        dir.join(format!("{schema}-{:x}.xml", document.len() ^ document.bytes().map(usize::from).sum::<usize>()));
    std::fs::File::create(&file).unwrap().write_all(document.as_bytes()).unwrap();
    let xsd = format!("{}/codegen/tests/golden/{schema}.xsd", env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("xmllint").args(["--noout", "--schema", &xsd]).arg(&file).output().ok()?;
    let _ = std::fs::remove_file(&file);
    Some(out.status.success())
}

/// Our output validates where xmllint is installed (and the test says when it is not).
fn assert_valid(schema: &str, document: &str) {
    match xmllint(schema, document) {
        Some(valid) => assert!(valid, "xmllint rejects {document}"),
        None => eprintln!("skipped: xmllint is not installed"),
    }
}

/// A document of a schema without namespace, rooted at `root`.
fn decode<'a, T: XmlDecode<'a>>(input: &'a str, root: &'static str, mode: Mode) -> Result<T, xml::DecodeErrors> {
    xml::decode_document(input, mode, Some(root), false, T::decode_element)
}

fn encode<T: XmlEncode>(value: &T, root: &str) -> String {
    let mut out = String::new();
    value.encode_element(root, &mut out);
    out
}

#[test]
fn namespaces_match_by_uri_whatever_the_prefix() {
    use xsd_namespace::{Message, Notebook};
    let plain = r#"<notebook xmlns="urn:osmos:notes" owner="ann"><title>T</title><note id="n1">one</note><note>two</note></notebook>"#;
    let prefixed = r#"<n:notebook xmlns:n="urn:osmos:notes" owner="ann"><n:title>T</n:title><n:note id="n1">one</n:note><n:note>two</n:note></n:notebook>"#;
    let a = Notebook::decode(plain).unwrap();
    assert_eq!((a.title.as_ref(), a.owner.as_ref()), ("T", "ann"));
    assert_eq!(
        a.note.iter().map(|n| (n.value.as_ref(), n.id.as_deref())).collect::<Vec<_>>(),
        [("one", Some("n1")), ("two", None)]
    );
    // Written unprefixed, the namespace declared once on the root; the declaration read is kept
    // but the default one is the encoder's own.
    assert_eq!(a.encode(), plain);
    let b = Notebook::decode(prefixed).unwrap();
    assert_eq!((&b.title, &b.note), (&a.title, &a.note));
    assert_eq!(b.other_attributes.get("xmlns:n"), Some("urn:osmos:notes"));
    // `xml:lang` (declared by reference to the XML namespace) is a typed field, written with
    // the `xml` prefix, which is never declared.
    let lang = plain.replace(r#"owner="ann""#, r#"owner="ann" xml:lang="de""#);
    let c = Notebook::decode_with(&lang, Mode::Strict).unwrap();
    assert_eq!((c.lang.as_deref(), c.other_attributes.get("xml:lang")), (Some("de"), None));
    assert_eq!(c.encode(), lang);
    assert_eq!(
        b.encode(),
        r#"<notebook xmlns="urn:osmos:notes" owner="ann" xmlns:n="urn:osmos:notes"><title>T</title><note id="n1">one</note><note>two</note></notebook>"#
    );
    // Any global element is a document root through the message table.
    match Message::decode_body(r#"<note xmlns="urn:osmos:notes">x</note>"#).unwrap() {
        Message::Note(n) => assert_eq!(n.value, "x"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        Message::decode_body(r#"<x:note xmlns:x="urn:osmos:notes">x</x:note>"#).unwrap().encode(),
        r#"<note xmlns="urn:osmos:notes" xmlns:x="urn:osmos:notes">x</note>"#
    );

    // The right local name in another namespace (or none) is not the element.
    let e = Notebook::decode(r#"<notebook owner="a"><title>T</title></notebook>"#).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { expected: "notebook", .. }), "{e}");
    let wrong = r#"<notebook xmlns="urn:osmos:notes" owner="a"><title xmlns="urn:other">T</title></notebook>"#;
    let e = Notebook::decode(wrong).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::MissingField("title"));
    // Leniently, the foreign element is kept in place; strict mode reports it and the missing title.
    let errors = Notebook::decode_with(wrong, Mode::Strict).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors}");
    assert_eq!(errors.errors()[0].offset(), wrong.find("<title").unwrap());
    // A prefix nobody declared is malformed input at its element, with the path.
    let bad = r#"<notebook xmlns="urn:osmos:notes" owner="a"><title>T</title><q:note>x</q:note></notebook>"#;
    let e = Notebook::decode(bad).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Malformed(m) if m.contains("`q`")), "{e}");
    assert_eq!(e.offset(), bad.find("<q:note").unwrap());
    assert_eq!(e.path().to_string(), "notebook");
    // Declarations are scoped: `p` declared on one note is not in scope for the next.
    let scoped = r#"<notebook xmlns="urn:osmos:notes" owner="a"><title>T</title><p:note xmlns:p="urn:osmos:notes">1</p:note><p:note>2</p:note></notebook>"#;
    let e = Notebook::decode(scoped).unwrap_err();
    assert_eq!(e.offset(), scoped.rfind("<p:note").unwrap());
}

#[test]
fn an_element_twice_in_a_sequence_fills_both_fields_in_order() {
    use xsd_twice::StoryMove;
    let two = "<storyMove><roID>R</roID><storyID>A</storyID><storyID>B</storyID></storyMove>";
    let m: StoryMove = decode(two, "storyMove", Mode::Strict).unwrap();
    assert_eq!((m.story_id.as_ref(), m.story_id_2.as_deref()), ("A", Some("B")));
    assert_eq!(encode(&m, "storyMove"), two);
    let one: StoryMove =
        decode("<storyMove><roID>R</roID><storyID>A</storyID></storyMove>", "storyMove", Mode::Strict).unwrap();
    assert_eq!((one.story_id.as_ref(), one.story_id_2), ("A", None));
    // A third is one more than the schema allows: kept leniently, reported strictly.
    let three = "<storyMove><roID>R</roID><storyID>A</storyID><storyID>B</storyID><storyID>C</storyID></storyMove>";
    let m: StoryMove = decode(three, "storyMove", Mode::Lenient).unwrap();
    assert_eq!(encode(&m, "storyMove"), three);
    let errors = decode::<StoryMove>(three, "storyMove", Mode::Strict).unwrap_err();
    assert_eq!(errors.first().kind(), &ErrorKind::DuplicateField("storyID"));
    assert_eq!(errors.first().offset(), three.rfind("<storyID>").unwrap());
}

#[test]
fn a_list_is_a_vec_of_its_items() {
    use xsd_list::{Shape, WeekdaysItem};
    let doc = concat!(
        r#"<shape days="mon wed" tags="a b"><points>1 2.5 -3</points><color>0 0.5 1</color>"#,
        r#"<stamps>2026-12-01T10:00:00Z 2026-12-02T10:00:00+01:00</stamps></shape>"#
    );
    let s: Shape = decode(doc, "shape", Mode::Strict).unwrap();
    assert_eq!(s.points, [1.0, 2.5, -3.0]);
    assert_eq!(s.color.as_deref(), Some(&[0.0, 0.5, 1.0][..]));
    assert_eq!(s.days.as_deref(), Some(&[WeekdaysItem::Mon, WeekdaysItem::Wed][..]));
    assert_eq!(s.stamps.as_ref().map(Vec::len), Some(2));
    assert_eq!(encode(&s, "shape"), doc);
    // Any whitespace separates items; one space is written.
    let spaced = "<shape><points>\n  1\t2  </points></shape>";
    let s: Shape = decode(spaced, "shape", Mode::Strict).unwrap();
    assert_eq!(s.points, [1.0, 2.0]);
    assert_eq!(encode(&s, "shape"), "<shape><points>1 2</points></shape>");
    // `rgb` restricts the list to three items: strict mode reports four at the element.
    let four = "<shape><points/><color>0 0 0 1</color></shape>";
    let errs = decode::<Shape>(four, "shape", Mode::Strict).unwrap_err();
    let e = errs.first();
    assert!(e.to_string().contains("4 items"), "{e}");
    assert_eq!(e.path().to_string(), "shape.color");
    // An item outside its type is an error at the item, in either mode.
    let bad = "<shape><points>1 x 3</points></shape>";
    let errs = decode::<Shape>(bad, "shape", Mode::Lenient).unwrap_err();
    let e = errs.first();
    assert_eq!((e.path().to_string(), e.offset()), ("shape.points".to_owned(), 17), "{e}");
    let errs = decode::<Shape>(r#"<shape days="mon fri"><points/></shape>"#, "shape", Mode::Lenient).unwrap_err();
    assert!(errs.first().to_string().contains("fri"), "{errs:?}");
}

#[test]
fn a_nillable_element_is_nullable() {
    use osmos::cbor::Nullable;
    use xsd_nillable::Order;
    let doc = concat!(
        r#"<order xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><id>1</id>"#,
        r#"<quantity xsi:nil="true"/><discount xsi:nil="1"></discount>"#,
        r#"<address xsi:nil="true"/><note>a</note><note xsi:nil="true"/></order>"#
    );
    let o: Order = decode(doc, "order", Mode::Strict).unwrap();
    assert_eq!(o.quantity, Nullable::Null);
    assert_eq!(o.discount, Some(Nullable::Null));
    assert_eq!(o.address, Nullable::Null);
    assert_eq!(o.note, [Nullable::Value("a".into()), Nullable::Null]);
    // Null is written with its own `xsi` declaration, so the element stands on its own.
    let nil = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#;
    let out = encode(&o, "order");
    assert_eq!(out.matches(nil).count(), 4, "{out}");
    let again: Order = decode(&out, "order", Mode::Strict).unwrap();
    assert_eq!(again, o);
    // Values, and `xsi:nil="false"`, are values.
    let doc = r#"<order><id>1</id><quantity xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="false">3</quantity><address><city>Oslo</city></address></order>"#;
    let o: Order = decode(doc, "order", Mode::Strict).unwrap();
    assert_eq!(o.quantity, Nullable::Value(3));
    assert!(matches!(o.address, Nullable::Value(ref a) if a.city == "Oslo"));
    // A nil element with content: strict mode reports it at the content.
    let doc = r#"<order><id>1</id><quantity xsi:nil="true">3</quantity><address xsi:nil="true"/></order>"#;
    let errs = decode::<Order>(doc, "order", Mode::Strict).unwrap_err();
    assert!(errs.first().to_string().contains("is nil (xsi:nil) but has content"), "{errs:?}");
    assert_eq!(errs.first().offset(), doc.find(">3<").unwrap() + 1);
    let o: Order = decode(doc, "order", Mode::Lenient).unwrap();
    assert_eq!(o.quantity, Nullable::Null);
}

#[test]
fn a_substitution_group_head_stands_for_its_members() {
    use xsd_substitution::{Drawing, DrawingLabel, DrawingShape};
    let doc = concat!(
        r#"<drawing xmlns="urn:osmos:shapes"><title>Plan</title>"#,
        r#"<circle id="c"><radius>1</radius></circle><square id="s" side="2"/>"#,
        r#"<ring><radius>3</radius></ring></drawing>"#
    );
    let d = Drawing::decode_with(doc, Mode::Strict).unwrap();
    assert!(matches!(d.label, Some(DrawingLabel::Title(ref t)) if t == "Plan"));
    let kinds: Vec<&str> = d
        .shape
        .iter()
        .map(|s| match s {
            DrawingShape::Circle(c) if c.radius == 1.0 => "circle",
            DrawingShape::Square(s) if s.side == Some(2.0) => "square",
            DrawingShape::Ring(r) if r.radius == 3.0 => "ring",
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["circle", "square", "ring"]);
    assert_eq!(d.encode(), doc);
    // The abstract head is none of them: strict mode reports `<shape>`, lenient keeps it.
    let doc = r#"<drawing xmlns="urn:osmos:shapes"><circle><radius>1</radius></circle><shape/></drawing>"#;
    let errs = Drawing::decode_with(doc, Mode::Strict).unwrap_err();
    assert!(errs.first().to_string().contains("shape"), "{errs:?}");
    let d = Drawing::decode_with(doc, Mode::Lenient).unwrap();
    assert_eq!(d.encode(), doc);
}

#[test]
fn a_union_is_its_text() {
    use xsd_union::BoxType;
    let doc = r#"<box height="auto"><width>12</width></box>"#;
    let b: BoxType = decode(doc, "box", Mode::Strict).unwrap();
    assert_eq!((b.width.as_ref(), b.height.as_deref()), ("12", Some("auto")));
    assert_eq!(encode(&b, "box"), doc);
}

#[test]
fn open_content_keeps_what_the_schema_does_not_name() {
    use xsd_open_content::Entry;
    let doc = concat!(
        r#"<entry xmlns="urn:osmos:open" xmlns:v="urn:vendor">"#,
        r#"<method algorithm="urn:a">"#,
        "\n  ",
        r#"<length>64</length><v:hint>fast</v:hint>"#,
        "\n",
        r#"</method>"#,
        r#"<key name="k1">raw <b>key</b> text</key>"#,
        r#"<extensions><v:x a="1"/></extensions>"#,
        r#"<v:trailer/>"#,
        r#"</entry>"#
    );
    let e = Entry::decode_with(doc, Mode::Strict).unwrap();
    let m = &e.method[0];
    assert_eq!((m.algorithm.as_ref(), m.length.as_slice()), ("urn:a", &[64][..]));
    // Mixed content: the text between the children, and the `xs:any` element kept in place.
    assert_eq!(m.text.text(), "\n  \n");
    let runs: Vec<_> = m.text.runs().iter().map(|r| (r.position, r.kept, r.text.as_ref())).collect();
    assert_eq!(runs, [(0, 0, "\n  "), (1, 1, "\n")]);
    assert_eq!(m.any.iter().map(|u| (u.position, u.xml.as_str())).collect::<Vec<_>>(), [(1, "<v:hint>fast</v:hint>")]);
    // Raw content with attributes: a struct keeping both.
    let key = e.key.as_ref().unwrap();
    assert_eq!((key.name.as_ref(), key.content.as_str()), ("k1", "raw <b>key</b> text"));
    assert_eq!(e.extensions.as_ref().unwrap().as_str(), r#"<v:x a="1"/>"#);
    assert_eq!(e.any.iter().map(|u| u.xml.as_str()).collect::<Vec<_>>(), ["<v:trailer/>"]);
    // Encoding keeps every element and attribute, and each run of mixed text in its place.
    let out = e.encode();
    assert_eq!(out, doc);
    assert_eq!(Entry::decode(&out).unwrap().encode(), out);
}

/// `xs:any namespace="##other"` takes elements of another namespace only: one of the target
/// namespace, or of none, is a strict-mode deviation at the element (as `xmllint --schema`
/// says), and kept in place all the same in lenient mode; `xs:any` with no `namespace` (##any)
/// takes every element.
#[test]
fn a_wildcard_takes_only_the_namespaces_it_names() {
    use xsd_open_content::Entry;
    let doc = |trailer: &str| {
        format!(
            r#"<entry xmlns="urn:osmos:open" xmlns:v="urn:vendor"><method algorithm="urn:a"/><key name="k"><o:x xmlns:o="urn:osmos:open"/><y/></key>{trailer}</entry>"#
        )
    };
    assert!(Entry::decode_with(&doc("<v:trailer/>"), Mode::Strict).is_ok());
    for (trailer, found) in
        [("<stray/>", "<stray> of the namespace urn:osmos:open"), (r#"<stray xmlns=""/>"#, "<stray> of no namespace")]
    {
        let text = doc(trailer);
        let errors = Entry::decode_with(&text, Mode::Strict).unwrap_err();
        let e = errors.first();
        assert!(
            matches!(e.kind(), ErrorKind::UnexpectedType { expected, found: f }
                if *expected == "an element of a namespace xs:any takes here" && f == found),
            "{trailer}: {errors}"
        );
        assert_eq!(e.offset(), text.find(trailer).unwrap(), "{trailer}");
        let kept = Entry::decode_with(&text, Mode::Lenient).unwrap();
        assert_eq!(kept.any.iter().map(|u| u.xml.as_str()).collect::<Vec<_>>(), [trailer], "nothing lost");
        assert_eq!(kept.encode(), text);
    }
}

#[test]
fn values_are_exact_and_bounds_are_checked() {
    use xsd_values::Fix;
    let doc = r#"<fix lat="45.2735188510"><time>2020-12-18T06:15:50.250Z</time><year>2013</year><digest>Zm9v
YmFy</digest><ele>-0.50</ele></fix>"#;
    let f: Fix = decode(doc, "fix", Mode::Strict).unwrap();
    assert_eq!(f.lat, Lenient::Value(Decimal::new(452735188510, 10)));
    assert_eq!(f.ele, Some(Lenient::Value(Decimal::new(-50, 2))));
    let t = *f.time.value().unwrap();
    assert_eq!((t.year, t.second, t.nanos, t.fraction_digits), (2020, 50, 250_000_000, 3));
    assert_eq!(f.year.as_ref().and_then(|y| y.value()).map(|y: &GYear| y.year), Some(2013));
    assert_eq!(f.digest, Lenient::Value(Base64(b"foobar".to_vec())));
    // Digits, fraction and zone come back as written; base64 on one line.
    assert_eq!(
        encode(&f, "fix"),
        r#"<fix lat="45.2735188510"><time>2020-12-18T06:15:50.250Z</time><year>2013</year><digest>Zm9vYmFy</digest><ele>-0.50</ele></fix>"#
    );
    // latitude is -90..=90: strict mode reports 90.5 at the attribute; lenient keeps it.
    let out_of_range = doc.replace("45.2735188510", "90.5");
    let errors = decode::<Fix>(&out_of_range, "fix", Mode::Strict).unwrap_err();
    assert!(matches!(errors.first().kind(), ErrorKind::Constraint(_)), "{errors}");
    assert_eq!(errors.first().path().to_string(), "fix.lat");
    assert_eq!(errors.first().offset(), 0);
    assert!(decode::<Fix>(&out_of_range, "fix", Mode::Lenient).is_ok());
    // A value outside its grammar is kept as text (lenient) and reported (strict).
    let garbled = doc.replace("2020-12-18T06:15:50.250Z", "yesterday");
    let f: Fix = decode(&garbled, "fix", Mode::Lenient).unwrap();
    assert_eq!(f.time, Lenient::<DateTime>::Invalid("yesterday".into()));
    let errors = decode::<Fix>(&garbled, "fix", Mode::Strict).unwrap_err();
    assert!(matches!(errors.first().kind(), ErrorKind::InvalidValue(_)), "{errors}");
    assert_eq!(errors.first().path().to_string(), "fix.time");
    assert_eq!(errors.first().offset(), garbled.find("yesterday").unwrap());
}

#[test]
fn namespace_declarations_in_scope_are_bounded() {
    use xsd_namespace::Notebook;
    // Declarations on one element, within the bound: fine; beyond it, malformed input at the
    // element, found in time linear in the input.
    let decls = |n: usize| (0..n).map(|i| format!(r#" xmlns:p{i}="urn:p{i}""#)).collect::<String>();
    let doc =
        |n: usize| format!(r#"<notebook xmlns="urn:osmos:notes" owner="a"{}><title>T</title></notebook>"#, decls(n));
    assert!(Notebook::decode(&doc(xml::MAX_NAMESPACES - 1)).is_ok());
    let e = Notebook::decode(&doc(xml::MAX_NAMESPACES + 1)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Malformed(m) if m.contains("namespace declarations")), "{e}");
    assert_eq!(e.offset(), 0);
}

#[cfg(feature = "json")]
#[test]
fn json_views_keep_namespaced_documents_whole() {
    use osmos::json::{FromJson, ToJson};
    use xsd_open_content::Entry;
    let doc = r#"<e:entry xmlns:e="urn:osmos:open" xmlns:v="urn:vendor"><e:method algorithm="urn:a"><e:length>1</e:length><v:h/></e:method><v:t/></e:entry>"#;
    let e = Entry::decode(doc).unwrap();
    let json = e.to_json();
    assert_eq!(json["other_attributes"]["xmlns:e"], "urn:osmos:open");
    assert_eq!(json["any"][0]["xml"], "<v:t/>");
    let back = Entry::from_json(&json).unwrap();
    assert_eq!(back, e);
    use xsd_values::Fix;
    let f: Fix =
        decode(r#"<fix lat="1.50"><time>2020-01-01T00:00:00Z</time><digest>Zm9v</digest></fix>"#, "fix", Mode::Strict)
            .unwrap();
    let json = f.to_json();
    assert_eq!((json["lat"].as_str(), json["digest"].as_str()), (Some("1.50"), Some("Zm9v")));
    assert_eq!(Fix::from_json(&json).unwrap(), f);
}

#[test]
fn imported_components_keep_their_namespace() {
    use xsd_import::{Doc, DocChoice, Stars};
    let doc = r#"<d:doc xmlns:d="urn:osmos:doc" xmlns:c="urn:osmos:common"><d:title>T</d:title><c:author id="a"><c:name>N</c:name></c:author><d:rating>2</d:rating><c:note>x</c:note></d:doc>"#;
    let d = Doc::decode_with(doc, Mode::Strict).unwrap();
    assert_eq!((d.author[0].name.as_ref(), d.author[0].id.as_deref()), ("N", Some("a")));
    assert_eq!(d.rating, Some(Stars::V2));
    assert_eq!(d.choice, Some(DocChoice::Note("x".into())));
    // Written without prefixes: each imported element declares its namespace where it starts.
    let out = d.encode();
    assert_eq!(
        out,
        r#"<doc xmlns="urn:osmos:doc" xmlns:d="urn:osmos:doc" xmlns:c="urn:osmos:common"><title>T</title><author xmlns="urn:osmos:common" id="a"><name>N</name></author><rating>2</rating><note xmlns="urn:osmos:common">x</note></doc>"#
    );
    assert_eq!(Doc::decode_with(&out, Mode::Strict).unwrap().encode(), out);
    // `author` in the document's own namespace is not the imported one.
    let wrong =
        doc.replace("<c:author id=\"a\"><c:name>N</c:name></c:author>", "<d:author><d:name>N</d:name></d:author>");
    let e = Doc::decode(&wrong).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::MissingField("author"));
}

/// Schema names that are the generated code's own locals (`d`, `start`, `kept`, `out`…) are
/// fields like any other: the golden compiles, and every one of them round-trips.
#[test]
fn schema_names_never_shadow_generated_locals() {
    use xsd_locals::Locals;
    let attrs = r#"d="7" start="s" a="a" attrs="at" out="o" tag="t" content="c" kept="k" self="me" f_d="fd" v_d="vd""#;
    let names = [
        "d", "start", "a", "attrs", "text", "order", "kept", "item", "child", "raw", "at", "piece", "t", "v", "s", "c",
        "e", "m", "obj", "ns", "local", "input", "mode", "value", "other", "out", "tag", "content", "f_d", "v_d",
        "self",
    ];
    let children: String = names.iter().map(|n| format!("<{n}>{n}!</{n}>")).collect();
    let doc = format!(
        r#"<locals xmlns="urn:osmos:locals" {attrs}>{children}<S {attrs}>12</S><S d="1"/><n>n1</n><i>i1</i><n>n2</n><i>i2</i><variants>3</variants><mixed {attrs}>one <text>x</text><piece>y</piece></mixed></locals>"#
    );
    let v = Locals::decode_with(&doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.d.as_ref(), v.start.as_ref(), v.self_.as_deref()), ("d!", "start!", Some("self!")));
    assert_eq!((v.kept.as_deref(), v.out.as_deref(), v.v_d.as_deref()), (Some("kept!"), Some("out!"), Some("v_d!")));
    assert_eq!((v.d_attr, v.start_attr.as_deref(), v.self_attr.as_deref()), (Some(7), Some("s"), Some("me")));
    assert_eq!(v.s_2.len(), 2);
    assert_eq!((v.s_2[0].value.as_ref(), v.s_2[0].d, v.s_2[0].start.as_deref()), ("12", Some(7), Some("s")));
    assert_eq!((v.n.len(), v.i.len()), (2, 2));
    let mixed = v.mixed.as_ref().expect("mixed");
    assert_eq!((mixed.text.text().as_ref(), mixed.text_2.as_deref(), mixed.d), ("one ", Some("x"), Some(7)));
    assert_eq!(v.encode(), doc);
}

/// A type derived from a mixed type by extension (NewsML-G2's `headline`) keeps its text, and
/// text where the schema allows none is kept in place leniently and reported strictly.
#[test]
fn inherited_mixed_content_and_stray_text_are_never_dropped() {
    use xsd_inherited_mixed::Item;
    let doc = r#"<item xmlns="urn:osmos:g2"><headline role="r" hl="1">Storm &amp; rain</headline></item>"#;
    let v = Item::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.headline[0].text.text().as_ref(), v.headline[0].hl.as_deref()), ("Storm & rain", Some("1")));
    assert_eq!(v.encode(), doc);

    let stray = r#"<item xmlns="urn:osmos:g2"><headline>h</headline><code>lost?<part>p</part> no &amp; <![CDATA[<kept>]]></code></item>"#;
    let v = Item::decode(stray).unwrap();
    let code = v.code.as_ref().unwrap();
    assert_eq!(
        code.unknown.iter().map(|u| (u.position, u.xml.as_str())).collect::<Vec<_>>(),
        [(0, "lost?"), (1, " no &amp; "), (1, "<![CDATA[<kept>]]>")]
    );
    assert_eq!(v.encode(), stray);
    let errors = Item::decode_with(stray, Mode::Strict).unwrap_err();
    let offsets: Vec<usize> = errors.errors().iter().map(|e| e.offset()).collect();
    assert_eq!(offsets, [stray.find("lost?").unwrap(), stray.find(" no").unwrap(), stray.find("<![CDATA[").unwrap()]);
    assert!(errors.errors().iter().all(|e| e.to_string().contains("unexpected")), "{errors}");
}

/// Unqualified local elements of a namespaced schema are in no namespace: matched so, written
/// with `xmlns=""` under the encoder's default namespace, and the same document whatever the
/// root's prefix.
#[test]
fn unqualified_local_elements_are_in_no_namespace() {
    use xsd_unqualified::Order;
    let prefixed = r#"<o:order xmlns:o="urn:osmos:orders"><id>7</id><line><sku>A</sku><qty>2</qty></line><line><sku>B</sku><qty>1</qty></line><o:note>n</o:note></o:order>"#;
    let v = Order::decode_with(prefixed, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.id.as_ref(), v.line.len(), v.line[1].sku.as_ref(), v.line[1].qty), ("7", 2, "B", 1));
    assert_eq!(v.note.as_deref(), Some("n"));
    let out = v.encode();
    assert_eq!(
        out,
        r#"<order xmlns="urn:osmos:orders" xmlns:o="urn:osmos:orders"><id xmlns="">7</id><line xmlns=""><sku>A</sku><qty>2</qty></line><line xmlns=""><sku>B</sku><qty>1</qty></line><note>n</note></order>"#
    );
    // A fixed point (the declarations read are kept, the default one is the encoder's own).
    assert_eq!(Order::decode(&out).unwrap().encode(), out);
    // An `id` in the schema's namespace is not the unqualified `id`: strict mode says so.
    let wrong = r#"<order xmlns="urn:osmos:orders"><id>7</id><line><sku>A</sku><qty>2</qty></line></order>"#;
    let errors = Order::decode_with(wrong, Mode::Strict).unwrap_err();
    assert!(errors.errors().iter().any(|e| e.kind() == &ErrorKind::MissingField("id")), "{errors}");
}

/// Names Rust would merge get distinct Rust names from the generator: `TextType`/`textType` are
/// `TextType`/`TextType2`, the values `+`, `-`, `ok`, `OK` are `Plus`, `Minus`, `Ok`, `Ok2`; each
/// still reads and writes its own wire name.
#[test]
fn names_that_differ_only_in_case_or_punctuation_get_distinct_rust_names() {
    use xsd_case::{Doc, Sign, TextType, TextType2};
    let doc = r#"<doc xmlns="urn:osmos:case"><a><upper>U</upper></a><b><lower>l</lower></b><sign>+</sign><sign>-</sign><sign>ok</sign><sign>OK</sign></doc>"#;
    let v = Doc::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    let (a, b): (&TextType<'_>, &TextType2<'_>) = (&v.a, &v.b);
    assert_eq!((a.upper.as_ref(), b.lower.as_ref()), ("U", "l"));
    assert_eq!(v.sign, [Sign::Plus, Sign::Minus, Sign::Ok, Sign::Ok2]);
    assert_eq!(v.encode(), doc);
}

/// `xs:restriction` in `xs:simpleContent`: the text's facets narrow (a length, an
/// enumeration), attributes are prohibited or retyped, restrictions chain; strict mode checks
/// each narrowed facet, and the output validates.
#[test]
fn a_simple_content_restriction_narrows_text_and_attributes() {
    use xsd_simple_restriction::{ColourValue, Doc};
    let doc = r#"<doc xmlns="urn:osmos:restrict"><code scheme="s" weight="3">ab</code><code>abcd</code><colour scheme="c" weight="9">red</colour><count unit="kg">42</count></doc>"#;
    let v = Doc::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.code[0].value.as_ref(), v.code[0].scheme.as_deref(), v.code[0].weight), ("ab", Some("s"), Some(3)));
    assert_eq!((v.colour.value, v.colour.scheme.as_ref(), v.colour.weight), (ColourValue::Red, "c", Some(9)));
    assert_eq!((v.count.value, v.count.unit.as_deref()), (42, Some("kg")));
    assert_eq!(v.encode(), doc);
    assert_valid("xsd_simple_restriction", &v.encode());
    // Each restricted facet is checked: the length, the enumeration, the bound, the retyped
    // attribute's range, the prohibited attribute, the attribute made required.
    for (from, to) in [
        ("<code>abcd</code>", "<code>abcde</code>"),
        (">red<", ">green<"),
        (">42<", ">100<"),
        (r#"weight="3""#, r#"weight="12""#),
        (r#"scheme="s""#, r#"scheme="s" version="1""#),
        (r#" scheme="c""#, ""),
    ] {
        let bad = doc.replace(from, to);
        assert_ne!(bad, doc);
        assert!(Doc::decode_with(&bad, Mode::Strict).is_err(), "strict mode takes {bad}");
        assert_ne!(xmllint("xsd_simple_restriction", &bad), Some(true), "xmllint takes {bad}");
    }
    // Leniently the text that breaks a length or a bound is kept.
    let long = doc.replace("<code>abcd</code>", "<code>abcde</code>");
    assert_eq!(Doc::decode(&long).unwrap().code[1].value, "abcde");
}

/// The same element reached twice (one group referenced twice in a sequence; `a` in two
/// sequences of a choice, in different places; `x` in a choice's sequence and after the
/// choice) is a field per reach, filled in document order and written back in place.
#[test]
fn an_element_reached_twice_is_a_field_per_reach() {
    use xsd_reached_twice::{Doc, Either};
    let doc = r#"<doc xmlns="urn:osmos:reached"><pick><a>1</a><b>2</b></pick><pick><c>3</c><a>4</a></pick><from>1</from><to>2</to><sep>-</sep><from>3</from></doc>"#;
    let v = Doc::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    let p = &v.pick;
    assert_eq!(
        (p[0].a.as_deref(), p[0].b.as_deref(), p[0].c.as_deref(), p[0].a_2.as_deref()),
        (Some("1"), Some("2"), None, None)
    );
    assert_eq!(
        (p[1].a.as_deref(), p[1].b.as_deref(), p[1].c.as_deref(), p[1].a_2.as_deref()),
        (None, None, Some("3"), Some("4"))
    );
    assert_eq!((v.from, v.to, v.sep.as_ref(), v.from_2, v.to_2), (1, Some(2), "-", 3, None));
    assert_eq!(v.encode(), doc);
    assert_valid("xsd_reached_twice", &v.encode());
    // Without the optional `to`, the second `from` still goes to the second reach.
    let short = doc.replace("<to>2</to>", "");
    let v = Doc::decode_with(&short, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.from, v.to, v.from_2), (1, None, 3));
    assert_eq!(v.encode(), short);

    for (doc, x, z, x2) in [
        (r#"<either xmlns="urn:osmos:reached"><z>1</z><x>2</x></either>"#, None, Some("1"), Some("2")),
        (r#"<either xmlns="urn:osmos:reached"><x>1</x><y>y</y><x>2</x></either>"#, Some("1"), None, Some("2")),
    ] {
        let v = Either::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((v.x.as_deref(), v.z.as_deref(), v.x_2.as_deref()), (x, z, x2));
        assert_eq!(v.encode(), doc);
        assert_valid("xsd_reached_twice", doc);
    }
}

/// A chameleon include: the no-namespace file's components are in the including schema's
/// namespace, its unprefixed references resolve there, and its elements are matched there.
#[test]
fn a_chameleon_include_takes_the_includers_namespace() {
    use xsd_chameleon::{BoxType, Kind, Part};
    let doc = r#"<box xmlns="urn:osmos:chameleon"><label lang="en">Box</label><part><kind>bolt</kind></part><part><kind>nut</kind><label>n</label></part></box>"#;
    let v = BoxType::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.label.value.as_ref(), v.label.lang.as_deref()), ("Box", Some("en")));
    assert_eq!(v.part.iter().map(|p| p.kind).collect::<Vec<_>>(), [Kind::Bolt, Kind::Nut]);
    assert_eq!(v.part[1].label.as_ref().map(|l| l.value.as_ref()), Some("n"));
    assert_eq!(v.encode(), doc);
    assert_valid("xsd_chameleon", doc);
    // The included file's global element is a document root in the namespace.
    assert_eq!(Part::NAMESPACE, "urn:osmos:chameleon");
    let part = r#"<part xmlns="urn:osmos:chameleon"><kind>nut</kind></part>"#;
    assert_eq!(Part::decode_with(part, Mode::Strict).unwrap().encode(), part);
    // In no namespace, it is not.
    assert!(Part::decode("<part><kind>nut</kind></part>").is_err());
}

/// Qualified attributes (`attributeFormDefault="qualified"`, a global attribute) and the XML
/// namespace's are typed fields: matched by namespace URI whatever the prefix, written with the
/// schema's prefix (declared where needed; `xml` never), and an unprefixed one is not them.
#[test]
fn qualified_and_xml_attributes_are_typed_fields() {
    use xsd_qualified_attrs::{Doc, XmlSpace};
    let doc = r#"<p:doc xmlns:p="urn:osmos:qualified" p:version="2" xml:id="d1"><p:item p:kind="k" note="n" p:priority="3" xml:lang="en">one</p:item><p:item p:kind="j" xml:space="default"/></p:doc>"#;
    let v = Doc::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.version.as_deref(), v.id.as_deref()), (Some("2"), Some("d1")));
    let (a, b) = (&v.item[0], &v.item[1]);
    assert_eq!((a.value.as_ref(), a.kind.as_ref(), a.note.as_deref(), a.priority), ("one", "k", Some("n"), Some(3)));
    assert_eq!(
        (a.lang.as_deref(), a.space, b.kind.as_ref(), b.space),
        (Some("en"), None, "j", Some(XmlSpace::Default))
    );
    assert!(a.other_attributes.get("p:kind").is_none() && v.other_attributes.get("xml:id").is_none());
    let out = v.encode();
    assert_eq!(
        out,
        r#"<doc xmlns="urn:osmos:qualified" q:version="2" xml:id="d1" xmlns:q="urn:osmos:qualified" xmlns:p="urn:osmos:qualified"><item q:kind="k" note="n" q:priority="3" xml:lang="en" xmlns:q="urn:osmos:qualified">one</item><item q:kind="j" xml:space="default" xmlns:q="urn:osmos:qualified"/></doc>"#
    );
    assert_valid("xsd_qualified_attrs", &out);
    assert_eq!(Doc::decode_with(&out, Mode::Strict).unwrap().encode(), out);
    // `kind` without the namespace is another attribute: strict mode misses `q:kind`.
    let plain = doc.replace(r#"p:kind="k""#, r#"kind="k""#);
    let errors = Doc::decode_with(&plain, Mode::Strict).unwrap_err();
    assert!(errors.errors().iter().any(|e| e.kind() == &ErrorKind::MissingField("q:kind")), "{errors}");
    assert_ne!(xmllint("xsd_qualified_attrs", &plain), Some(true));
    // `xml:space` is checked.
    let space = doc.replace(r#"xml:space="default""#, r#"xml:space="keep""#);
    assert!(Doc::decode_with(&space, Mode::Strict).is_err());
}

/// Recursion XSD allows: a type derived from a type that contains it (the optional field
/// boxed), a group that contains itself through an element (the required field boxed), files
/// including each other.
#[test]
fn recursive_types_and_groups_decode_to_any_depth() {
    use xsd_recursion::{Doc, SumChoice};
    let doc = r#"<doc xmlns="urn:osmos:recursion"><tree><label>root</label><child><label>c</label><child><label>cc</label><weight>2</weight></child></child><weight>1</weight></tree><sum><lit>1</lit><neg><neg><lit>2</lit></neg></neg><sum><lit>3</lit></sum></sum><note><label>n</label></note></doc>"#;
    let v = Doc::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    let c = v.tree.child.as_deref().expect("child");
    let cc = c.child.as_deref().expect("grandchild");
    assert_eq!((v.tree.label.as_ref(), v.tree.weight, c.label.as_ref(), c.weight), ("root", Some(1), "c", None));
    assert_eq!((cc.label.as_ref(), cc.weight, cc.child.is_none()), ("cc", Some(2), true));
    let SumChoice::Sum(sum) = &v.choice else { panic!("{:?}", v.choice) };
    assert!(matches!(sum.choice[0], SumChoice::Lit(1)));
    let SumChoice::Neg(neg) = &sum.choice[1] else { panic!() };
    let SumChoice::Neg(inner) = &*neg.choice else { panic!() };
    assert!(matches!(*inner.choice, SumChoice::Lit(2)));
    assert!(matches!(&sum.choice[2], SumChoice::Sum(s) if matches!(s.choice[..], [SumChoice::Lit(3)])));
    // The element of the included file (which includes this one back).
    assert_eq!(v.note.as_ref().map(|n| n.label.as_ref()), Some("n"));
    assert_eq!(v.encode(), doc);
    assert_valid("xsd_recursion", doc);
    // Deep nesting is bounded by the decoder's depth limit, not the stack.
    let deep = format!(
        r#"<doc xmlns="urn:osmos:recursion"><tree><label>t</label></tree>{}<lit>0</lit>{}</doc>"#,
        "<neg>".repeat(5000),
        "</neg>".repeat(5000)
    );
    assert!(Doc::decode(&deep).is_err());
}

/// A default on an element whose complex type has simple content is its text's (an empty
/// element has none: `value_or_default()`), and an `xs:list` attribute's default is its items.
#[test]
fn defaults_on_simple_content_elements_and_list_attributes() {
    use xsd_defaults::Doc;
    let doc = r#"<doc xmlns="urn:osmos:defaults"><height unit="px"/><depth>3</depth><width/><title lang="en"/></doc>"#;
    let v = Doc::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.height.value, v.height.value_or_default(), v.height.unit.as_deref()), (None, 480, Some("px")));
    assert_eq!((v.depth.value, v.width.value_or_default()), (3, 640));
    assert_eq!((v.title.value.as_deref(), v.title.lang.as_deref()), (None, Some("en")));
    assert_eq!(v.title.value_or_default(), "untitled");
    assert_eq!((v.sizes_or_default(), v.tags_or_default()), (vec![1, 2, 3], vec!["a".into(), "b".into()]));
    assert_eq!(v.encode(), doc);
    assert_valid("xsd_defaults", doc);
    // Given values win.
    let given = r#"<doc xmlns="urn:osmos:defaults" sizes="4 5" tags="x"><height>7</height><depth>3</depth><width>8</width><title>T</title></doc>"#;
    let v = Doc::decode_with(given, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v.height.value_or_default(), v.width.value_or_default(), v.title.value_or_default()), (7, 8, "T"));
    assert_eq!((v.sizes_or_default(), v.tags_or_default()), (vec![4, 5], vec!["x".into()]));
    assert_eq!(v.encode(), given);
    // `depth` has no default: its text is required.
    assert!(Doc::decode_with(&doc.replace("<depth>3</depth>", "<depth/>"), Mode::Strict).is_err());
}

/// Two global elements with one local name in two namespaces (`title` and an imported
/// `dc:title`, as EBUCore has Dublin Core's): two Rust types, `Title` and `DcTitle`, two fields,
/// each element matched by its namespace URI and written in it.
#[test]
fn one_local_name_in_two_namespaces_is_two_types() {
    use xsd_two_ns::{DcTitle, Record, Title};
    let doc = r#"<record xmlns="urn:osmos:core" xmlns:dc="urn:osmos:dc"><title><main>M</main></title><dc:title lang="en">One</dc:title><dc:title>Two</dc:title><alt lang="de">Alt</alt><dc:creator>C</dc:creator></record>"#;
    let v = Record::decode_with(doc, Mode::Strict).unwrap_or_else(|e| panic!("{e}"));
    let (own, dc): (&Title<'_>, &[DcTitle<'_>]) = (&v.title, &v.dc_title);
    assert_eq!(own.main, "M");
    assert_eq!(
        dc.iter().map(|t| (t.value.as_ref(), t.lang.as_deref())).collect::<Vec<_>>(),
        [("One", Some("en")), ("Two", None)]
    );
    assert_eq!((v.alt.as_ref().map(|a| a.value.as_ref()), v.creator.as_deref()), (Some("Alt"), Some("C")));
    let out = v.encode();
    assert_eq!(
        out,
        r#"<record xmlns="urn:osmos:core" xmlns:dc="urn:osmos:dc"><title><main>M</main></title><title xmlns="urn:osmos:dc" lang="en">One</title><title xmlns="urn:osmos:dc">Two</title><alt lang="de">Alt</alt><creator xmlns="urn:osmos:dc">C</creator></record>"#
    );
    assert_valid("xsd_two_ns", &out);
    // Swapped namespaces are not the same elements: strict mode misses both.
    let swapped = doc.replace("<title><main>M</main></title>", "<dc:title><main>M</main></dc:title>");
    let errors = Record::decode_with(&swapped, Mode::Strict).unwrap_err();
    assert!(errors.errors().iter().any(|e| e.kind() == &ErrorKind::MissingField("title")), "{errors}");
    // The module's own `title` is a document root; the imported one is not.
    assert_eq!((Title::ELEMENT, Title::NAMESPACE), ("title", "urn:osmos:core"));
}
