//! The example crate's generated modules at work: frames through a stream reader, tags on the
//! wire, constraints, the Builder's derive and rename, and the XML notices.

use std::collections::HashSet;

use newsroom::newsroom::{Cue, Message, StoryDelete, StoryStatus, StoryUpdate};
use newsroom::rundown::{RundownPulled, RundownReady};
use osmos::cbor::Nullable;
use osmos::frame::FrameReader;
use osmos::xml::{Mode, RawXml};

fn update() -> StoryUpdate<'static> {
    StoryUpdate {
        story_id: 7,
        slug: "FIRE DOWNTOWN".into(),
        modified: "2026-12-01T18:00:00Z".into(),
        link: Some("https://news.example/7".into()),
        cues: vec![
            Cue { at: 0, label: "open".into(), duration: Some(2.5) },
            Cue { at: 2500, label: "vt".into(), duration: None },
        ],
        status: Some(Nullable::Value(StoryStatus::Ready)),
        checksum: vec![0xab; 4].into(),
    }
}

#[test]
fn frames_survive_any_split_of_the_stream() {
    let mut wire = Vec::new();
    Message::from(update()).encode_frame(&mut wire).unwrap();
    let delete = StoryDelete { story_id: 7, reason: "killed".into(), retries: None };
    Message::from(delete.clone()).encode_frame(&mut wire).unwrap();
    assert_eq!(wire[0], 60, "type key 60 is one varint byte");
    for split in 0..=wire.len() {
        let mut reader = FrameReader::new();
        let mut got = Vec::new();
        for part in [&wire[..split], &wire[split..]] {
            reader.push(part);
            while let Some(m) = reader.next_frame::<Message>().unwrap() {
                got.push(m.into_owned());
            }
        }
        assert_eq!(got, [Message::from(update()), Message::from(delete.clone())], "split at {split}");
    }
}

#[test]
fn tags_are_on_the_wire() {
    let mut wire = Vec::new();
    Message::from(update()).encode_frame(&mut wire).unwrap();
    let find = |needle: &[u8]| wire.windows(needle.len()).any(|w| w == needle);
    assert!(find(&[0x02, 0xc0, 0x74]), "tdate is tag 0 around a 20-byte text: {wire:02x?}");
    assert!(find(&[0x03, 0xd8, 0x20]), "uri is tag 32: {wire:02x?}");
    let mut wire = Vec::new();
    Message::from(StoryDelete { story_id: 1, reason: "x".into(), retries: Some(2) }).encode_frame(&mut wire).unwrap();
    assert!(wire.windows(3).any(|w| w == [0xd9, 0x04, 0xd2]), "#6.1234: {wire:02x?}");
    // A wrong tag is an error naming the field.
    let mut bad = wire.clone();
    let at = bad.windows(3).position(|w| w == [0xd9, 0x04, 0xd2]).unwrap();
    bad[at + 2] = 0xd3;
    let err = Message::decode_frame(&bad).unwrap_err();
    assert!(err.to_string().contains("reason"), "{err}");
}

#[test]
fn constraints_are_checked_before_anything_is_written() {
    let mut long = update();
    long.slug = "x".repeat(65).into();
    let mut wire = Vec::new();
    let err = Message::from(long).encode_frame(&mut wire).unwrap_err();
    assert!(err.to_string().contains("slug"), "{err}");
    assert!(wire.is_empty());
}

#[test]
fn builder_options_show_in_the_types() {
    // `type_attribute("story-delete", "#[derive(Eq, Hash)]")` and `rename("status", "StoryStatus")`.
    let mut seen = HashSet::new();
    seen.insert(StoryDelete { story_id: 1, reason: "a".into(), retries: None });
    seen.insert(StoryDelete { story_id: 1, reason: "a".into(), retries: None });
    assert_eq!(seen.len(), 1);
    assert_eq!(seen.iter().next().unwrap().retries_or_default(), 0, "`.default 0`");
    assert_eq!(StoryStatus::from_name("aired"), Some(StoryStatus::Aired));
}

#[test]
fn xml_notices_decode_leniently_and_encode_in_schema_order() {
    let text = "<rundownReady priority=\"2\"><story><slug>FIRE</slug><storyID>s1</storyID></story>\
                <vendorNote>kept</vendorNote><rundownID>r9</rundownID></rundownReady>";
    let raw = RawXml::new(text);
    let ready: RundownReady = raw.decode_element(Mode::Lenient).unwrap();
    assert_eq!((ready.rundown_id.as_ref(), ready.priority, ready.story.len()), ("r9", Some(2), 1));
    assert_eq!(ready.story[0].slug.as_deref(), Some("FIRE"));
    assert_eq!(ready.unknown.len(), 1, "the vendor element is kept, not lost");
    let out = RawXml::from_element(&ready, "rundownReady");
    assert!(out.as_str().contains("<storyID>s1</storyID><slug>FIRE</slug>"), "{}", out.as_str());
    assert!(out.as_str().contains("<vendorNote>kept</vendorNote>"), "{}", out.as_str());
    // Strict mode reports what lenient mode forgave.
    assert!(raw.decode_element::<RundownReady>(Mode::Strict).is_err());
    let raw = RawXml::new("<rundownPulled><rundownID>r9</rundownID></rundownPulled>");
    let pulled: RundownPulled = raw.decode_element(Mode::Strict).unwrap();
    assert_eq!(pulled.rundown_id, "r9");
}
