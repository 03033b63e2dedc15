//! `Builder::owned(true)`: types without a lifetime parameter whose decoded values outlive the
//! buffer they came from, with the same wire format as the borrowing types.

use newsroom::{mos_owned, newsroom_owned, openscreen_owned, rundown_owned};
use osmos::cbor::{Decode, Nullable};
use osmos::xml::Mode;

/// Owned types are `'static` and can move to another thread.
fn assert_owned<T: 'static + Send>() {}

#[test]
fn owned_types_have_no_lifetime() {
    assert_owned::<newsroom_owned::StoryUpdate>();
    assert_owned::<newsroom_owned::Message>();
    assert_owned::<rundown_owned::RundownReady>();
    assert_owned::<openscreen_owned::Message>();
    assert_owned::<openscreen_owned::AgentInfoResponse>();
    assert_owned::<mos_owned::Mos>();
}

#[test]
fn cbor_values_outlive_their_buffer_and_encode_to_the_same_bytes() {
    let borrowed = newsroom::newsroom::StoryUpdate {
        story_id: 7,
        slug: "FIRE DOWNTOWN".into(),
        modified: "2026-12-01T18:00:00Z".into(),
        link: Some("https://news.example/7".into()),
        cues: vec![newsroom::newsroom::Cue { at: 0, label: "open".into(), duration: Some(2.5) }],
        status: Some(Nullable::Value(newsroom::newsroom::StoryStatus::Ready)),
        checksum: vec![0xab; 4].into(),
    };
    let mut wire = Vec::new();
    newsroom::newsroom::Message::from(borrowed).encode_frame(&mut wire).unwrap();

    // Decode from a buffer that is then dropped: the value keeps copies.
    let buffer = wire.clone();
    let (message, used) = newsroom_owned::Message::decode_frame(&buffer).unwrap().unwrap();
    assert_eq!(used, wire.len());
    drop(buffer);
    let handle = std::thread::spawn(move || message);
    let message = handle.join().unwrap();
    let newsroom_owned::Message::StoryUpdate(update) = &message else { panic!("got {message:?}") };
    assert_eq!(update.slug, "FIRE DOWNTOWN");
    assert_eq!(update.link.as_deref(), Some("https://news.example/7"));
    assert_eq!(update.cues[0].label, "open");
    assert_eq!(&*update.checksum, &[0xab; 4]);

    let mut again = Vec::new();
    message.encode_frame(&mut again).unwrap();
    assert_eq!(again, wire);
}

#[test]
fn owned_values_are_built_without_borrowing() {
    // Text from a `String` that goes away right after.
    let slug = String::from("WEATHER");
    let update = newsroom_owned::StoryUpdate {
        story_id: 8,
        slug: slug.clone().into(),
        modified: "2026-12-01T19:00:00Z".into(),
        link: None,
        cues: Vec::new(),
        status: Some(Nullable::Null),
        checksum: vec![1, 2].into(),
    };
    drop(slug);
    let mut wire = Vec::new();
    newsroom_owned::Message::from(update.clone()).encode_frame(&mut wire).unwrap();
    let (back, _) = newsroom::newsroom::Message::decode_frame(&wire).unwrap().unwrap();
    let newsroom::newsroom::Message::StoryUpdate(back) = back else { panic!() };
    assert_eq!(back.slug, "WEATHER");
    assert_eq!(back.status, Some(Nullable::Null));
}

#[test]
fn open_screen_frames_decode_owned_like_the_shipped_types() {
    use osmos::openscreen as std_osp;
    let info = std_osp::AgentInfo {
        display_name: "Living room".into(),
        model_name: "TV-9000".into(),
        capabilities: vec![std_osp::AgentCapability::ReceiveAudio],
        state_token: "tok-1".into(),
        locales: vec!["en-GB".into()],
    };
    let response = std_osp::AgentInfoResponse { request_id: 5, agent_info: info };
    let bytes_message = std_osp::PresentationConnectionMessage {
        connection_id: 3,
        message: std_osp::PresentationConnectionMessageMessage::Bytes(vec![0, 1, 2, 0xff].into()),
    };
    let mut wire = Vec::new();
    std_osp::Message::from(response).encode_frame(&mut wire).unwrap();
    std_osp::Message::from(bytes_message).encode_frame(&mut wire).unwrap();

    let owned: Vec<openscreen_owned::Message> = {
        let buffer = wire.clone();
        let mut at = 0;
        let mut out = Vec::new();
        while at < buffer.len() {
            let (m, n) = openscreen_owned::Message::decode_frame(&buffer[at..]).unwrap().unwrap();
            out.push(m);
            at += n;
        }
        out
    };
    let openscreen_owned::Message::AgentInfoResponse(r) = &owned[0] else { panic!("{:?}", owned[0]) };
    assert_eq!(r.agent_info.display_name, "Living room");
    assert_eq!(r.agent_info.locales, ["en-GB"]);
    let openscreen_owned::Message::PresentationConnectionMessage(m) = &owned[1] else { panic!() };
    assert_eq!(m.message, openscreen_owned::PresentationConnectionMessageMessage::Bytes(vec![0, 1, 2, 0xff].into()));
    let mut again = Vec::new();
    for m in &owned {
        m.encode_frame(&mut again).unwrap();
    }
    assert_eq!(again, wire);
}

#[test]
fn owned_decoding_reports_errors_like_the_borrowed_one() {
    // agent-info-response whose display name is not UTF-8.
    let mut wire = Vec::new();
    std_message().encode_frame(&mut wire).unwrap();
    let at = wire.windows(11).position(|w| w == b"Living room").unwrap();
    wire[at] = 0xff;
    let owned = openscreen_owned::Message::decode_frame(&wire).unwrap_err();
    let borrowed = osmos::openscreen::Message::decode_frame(&wire).unwrap_err();
    assert_eq!(owned.to_string(), borrowed.to_string());
    assert_eq!(owned.offset(), at);
}

fn std_message() -> osmos::openscreen::Message<'static> {
    let info = osmos::openscreen::AgentInfo {
        display_name: "Living room".into(),
        model_name: "TV".into(),
        capabilities: Vec::new(),
        state_token: "t".into(),
        locales: Vec::new(),
    };
    osmos::openscreen::AgentInfoResponse { request_id: 1, agent_info: info }.into()
}

const MOS: &str = "<mos><mosID>aveed.mos</mosID><ncsID>NCS</ncsID><messageID>42</messageID>\
<roCreate><roID>RO1</roID><roSlug>Evening &amp; late</roSlug><vendorThing>kept</vendorThing>\
<story><storyID>S1</storyID><storySlug>Fire</storySlug>\
<mosExternalMetadata><mosSchema>http://example.com/s</mosSchema>\
<mosPayload><a b=\"1\">raw <b/></a></mosPayload></mosExternalMetadata></story></roCreate></mos>";

#[test]
fn mos_documents_outlive_their_text_and_encode_like_the_shipped_types() {
    let text = MOS.to_string();
    let owned = mos_owned::Mos::decode(&text).unwrap();
    drop(text);
    let owned = std::thread::spawn(move || owned).join().unwrap();
    assert_eq!(owned.mos_id.as_deref(), Some("aveed.mos"));
    let mos_owned::MosMessage::RoCreate(ro) = &owned.message else { panic!("{:?}", owned.message) };
    assert_eq!(ro.ro_slug, "Evening & late");
    assert_eq!(ro.unknown.len(), 1, "the vendor element is kept");
    let meta = &ro.story[0].mos_external_metadata[0];
    assert_eq!(meta.mos_payload.as_str(), "<a b=\"1\">raw <b/></a>");

    let borrowed = osmos::mos::messages::Mos::decode(MOS).unwrap();
    assert_eq!(owned.encode(), borrowed.encode());
    assert_eq!(owned.encode_utf16be(), borrowed.encode_utf16be());
}

#[test]
fn mos_strict_mode_reports_the_same_deviations_owned() {
    let owned = mos_owned::Mos::decode_with(MOS, Mode::Strict).unwrap_err();
    let borrowed = osmos::mos::messages::Mos::decode_with(MOS, Mode::Strict).unwrap_err();
    assert_eq!(owned.to_string(), borrowed.to_string());
    assert!(owned.to_string().contains("vendorThing"), "{owned}");
}

#[test]
fn xml_attributes_and_lists_decode_owned() {
    let text = String::from(
        "<rundownReady priority=\"2\"><rundownID>R9</rundownID>\
         <story><storyID>a</storyID><slug>One</slug></story><story><storyID>b</storyID></story></rundownReady>",
    );
    let raw = osmos::xml::RawXml::new(text.as_str());
    let ready: rundown_owned::RundownReady = raw.decode_element(Mode::Strict).unwrap();
    drop(raw);
    drop(text);
    assert_eq!(ready.priority, Some(2));
    assert_eq!(ready.rundown_id, "R9");
    assert_eq!(ready.story.len(), 2);
    assert_eq!(ready.story[0].slug.as_deref(), Some("One"));
}

#[test]
fn owned_decode_is_the_decode_trait() {
    // The owned types implement the same runtime traits, for any input lifetime.
    fn decode_any<'a, T: Decode<'a>>(bytes: &'a [u8]) -> T {
        T::decode(&mut osmos::cbor::Decoder::new(bytes)).unwrap()
    }
    let mut wire = Vec::new();
    osmos::cbor::Encode::encode(
        &newsroom_owned::StoryDelete { story_id: 1, reason: "gone".into(), retries: Some(2) },
        &mut osmos::cbor::Enc::new(&mut wire),
    )
    .unwrap();
    let back: newsroom_owned::StoryDelete = decode_any(&wire);
    assert_eq!(back.reason, "gone");
}

#[test]
fn kept_unknown_entries_outlive_their_buffer() {
    // agent-info-response with a vendor entry 99: "xyz" after the two known keys.
    let mut wire = Vec::new();
    std_message().encode_frame(&mut wire).unwrap();
    assert_eq!(wire[1], 0xa2);
    wire[1] = 0xa3;
    wire.extend_from_slice(&[0x18, 0x63, 0x63, b'x', b'y', b'z']);
    let buffer = wire.clone();
    let (m, _) = openscreen_owned::Message::decode_frame(&buffer).unwrap().unwrap();
    drop(buffer);
    let openscreen_owned::Message::AgentInfoResponse(r) = &m else { panic!("{m:?}") };
    assert_eq!(r.unknown.len(), 1);
    let mut again = Vec::new();
    m.encode_frame(&mut again).unwrap();
    assert_eq!(again, wire, "the vendor entry is written back");
}
