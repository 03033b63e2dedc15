//! Vendor payloads: the raw `mosExternalMetadata/mosPayload` span of a corpus sample decoded
//! into hand-written `#[derive(osmos::Element)]` structs (`RawXml::decode_content`) and encoded
//! back (`RawXml::from_content`), with the same lenient rules as generated types: unknown
//! vendor elements kept in place (`#[osmos(unknown)]`), reported by strict mode.
#![cfg(feature = "derive")]

use std::borrow::Cow;
use std::path::Path;

use osmos::mos::messages::{Mos, MosMessage};
use osmos::xml::{Mode, RawXml, UnknownElements};
use osmos::ErrorKind;

fn sample(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/mos/samples").join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(osmos::mos::wire::to_utf8(&bytes).expect("text").into_owned()),
        Err(e) => {
            // Under .ci/run a missing corpus must fail, not pass as a skip.
            assert!(
                std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
                "{}: {e}, and OSMOS_REQUIRE_CORPUS is set",
                path.display()
            );
            eprintln!("skipped: no MOS sample at {}", path.display());
            None
        }
    }
}

/// ENPS's story metadata (`http://…/schema/enps.dtd`), the fields a rundown tool reads; the
/// rest of what ENPS sends is kept.
#[derive(Debug, Clone, PartialEq, osmos::Element)]
struct EnpsStory<'a> {
    #[osmos(element = "MediaTime")]
    media_time: u64,
    #[osmos(element = "RevisionNumber")]
    revision: Option<u64>,
    #[osmos(element = "Creator")]
    creator: Cow<'a, str>,
    #[osmos(element = "TextTime")]
    text_time: u64,
    #[osmos(element = "ModBy")]
    mod_by: Option<Cow<'a, str>>,
    #[osmos(unknown)]
    rest: UnknownElements<'a>,
}

/// The element names of some XML content, in order, nesting included.
fn names(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed") {
            quick_xml::events::Event::Start(s) | quick_xml::events::Event::Empty(s) => out.push(s.name().0.to_owned()),
            quick_xml::events::Event::Eof => return out,
            _ => {}
        }
    }
}

#[test]
fn enps_story_payload_from_the_corpus() {
    let Some(text) = sample("roStorySend.openmos-go-enps_live.xml") else { return };
    let mos = Mos::decode(&text).expect("decodes");
    let MosMessage::RoStorySend(story) = &mos.message else { panic!("{:?}", mos.message) };
    let meta = &story.mos_external_metadata[0];
    assert!(meta.mos_schema.ends_with("enps.dtd"));
    let payload: EnpsStory = meta.mos_payload.decode_content("mosPayload", Mode::Lenient).expect("lenient");
    assert_eq!((payload.media_time, payload.revision, payload.text_time), (0, Some(5), 0));
    assert_eq!((payload.creator.as_ref(), payload.mod_by.as_deref()), ("OPERATOR", Some("OPERATOR")));
    // Borrowed from the message text, not copied.
    assert!(matches!(payload.creator, Cow::Borrowed(_)));
    let kept: Vec<&str> = payload.rest.iter().map(|e| e.name()).collect();
    assert_eq!(
        kept,
        [
            "CreatedDateTime",
            "pubApproved",
            "SourceTextTime",
            "Actual",
            "SourceMediaTime",
            "ModTime",
            "Owner",
            "ENPSItemType"
        ]
    );
    // Encoded back: every element, in the order ENPS sent them.
    let back = RawXml::from_content(&payload);
    assert_eq!(names(back.as_str()), names(meta.mos_payload.as_str()));
    let again: EnpsStory = back.decode_content("mosPayload", Mode::Lenient).expect("decodes again");
    assert_eq!(again, payload);

    // Strict mode reports each element the struct does not know, with its path and offset in
    // the payload.
    let errors = meta.mos_payload.decode_content::<EnpsStory>("mosPayload", Mode::Strict).expect_err("strict");
    let got: Vec<String> = errors.errors().iter().map(|e| e.path().to_string()).collect();
    let expected: Vec<String> = kept.iter().map(|k| format!("mosPayload.{k}")).collect();
    assert_eq!(got, expected);
    for e in errors.errors() {
        let leaf = e.path().to_string().rsplit('.').next().expect("leaf").to_owned();
        assert!(meta.mos_payload.as_str()[e.offset()..].starts_with(&format!("<{leaf}>")), "{e}");
    }

    // The edited payload goes back into the message; the rest of the message is unchanged.
    let mut edited = mos.clone();
    let MosMessage::RoStorySend(s) = &mut edited.message else { unreachable!() };
    let mut p = payload.clone();
    p.revision = Some(6);
    s.mos_external_metadata[0].mos_payload = RawXml::from_content(&p);
    let out = edited.encode();
    assert!(out.contains("<RevisionNumber>6</RevisionNumber><Creator>OPERATOR</Creator>"), "{out}");
    assert_eq!(Mos::decode(&out).as_ref(), Ok(&edited));
}

/// sofie-mos-connection's payload with attributes (`ncsItem.sofie-sample3_attrs_in_payload`).
#[derive(Debug, Clone, PartialEq, osmos::Element)]
struct Graphics<'a> {
    zone: Zone<'a>,
    #[osmos(unknown)]
    unknown: UnknownElements<'a>,
}

#[derive(Debug, Clone, PartialEq, osmos::Element)]
struct Zone<'a> {
    #[osmos(attribute = "name")]
    name: Cow<'a, str>,
    #[osmos(attribute = "sequence")]
    sequence: Option<Cow<'a, str>>,
    #[osmos(element = "variableNoAttr")]
    plain: Vec<Cow<'a, str>>,
    #[osmos(element = "variable")]
    variables: Vec<Variable<'a>>,
}

#[derive(Debug, Clone, PartialEq, osmos::Element)]
struct Variable<'a> {
    #[osmos(attribute = "name")]
    name: Option<Cow<'a, str>>,
    #[osmos(content)]
    value: Cow<'a, str>,
}

#[test]
fn payload_with_attributes_from_the_corpus() {
    let Some(text) = sample("ncsItem.sofie-sample3_attrs_in_payload.xml") else { return };
    let mos = Mos::decode(&text).expect("decodes");
    let MosMessage::NcsItem(n) = &mos.message else { panic!("{:?}", mos.message) };
    let raw = &n.item.mos_external_metadata[0].mos_payload;
    let g: Graphics = raw.decode_content("mosPayload", Mode::Lenient).expect("lenient");
    assert_eq!((g.zone.name.as_ref(), g.zone.sequence.as_deref()), ("graphics", Some("weather-tower")));
    assert_eq!(g.zone.plain, ["1,2,3,4"]);
    assert_eq!(g.zone.variables, [Variable { name: Some("locations".into()), value: "1,2,3,4".into() }]);
    // `objType` is not the struct's: kept, and written back before the zone, where it was.
    assert_eq!(g.unknown.iter().map(|e| e.xml.as_str()).collect::<Vec<_>>(), ["<objType>VIDEO</objType>"]);
    let back = RawXml::from_content(&g);
    assert_eq!(
        back.as_str(),
        "<objType>VIDEO</objType><zone name=\"graphics\" sequence=\"weather-tower\"><variableNoAttr>1,2,3,4</variableNoAttr>\
         <variable name=\"locations\">1,2,3,4</variable></zone>"
    );
    assert_eq!(names(back.as_str()), names(raw.as_str()));

    // A missing required attribute is an error naming the path, in lenient mode too.
    let bad = RawXml::new("<zone><variable>x</variable></zone>");
    let e = bad.decode_content::<Graphics>("mosPayload", Mode::Lenient).expect_err("no name");
    assert_eq!(e.first().kind(), &ErrorKind::MissingField("name"));
    assert_eq!(e.first().path().to_string(), "mosPayload.zone");
    // A payload that is one element decodes with `decode_element`.
    let one = RawXml::new(" <zone name=\"z\"><variable>v</variable></zone>\n");
    let z: Zone = one.decode_element(Mode::Strict).expect("one element");
    assert_eq!(RawXml::from_element(&z, "zone").as_str(), "<zone name=\"z\"><variable>v</variable></zone>");
    // Malformed payload content is an error, never a panic.
    for bad in ["<zone name='a'>", "</zone>", "<zone name='a'></x>", "<a/></mosPayload>"] {
        assert!(RawXml::new(bad).decode_content::<Graphics>("mosPayload", Mode::Lenient).is_err(), "{bad}");
    }
}
