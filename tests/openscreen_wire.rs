//! Wire rules of DESIGN.md on hand-built frames: key order, unknown and duplicate keys,
//! required keys, enum membership, `T / null` versus absent, indefinite lengths, unknown type
//! keys, and encoders that refuse invalid values before writing.

use std::borrow::Cow;

use osmos::cbor::{Nullable, RawCbor};
use osmos::frame::Keyed;
use osmos::openscreen::*;
use osmos::ErrorKind;

fn decode(hex_frame: &str) -> Result<(Message<'static>, usize), osmos::DecodeError> {
    let bytes = hex::decode(hex_frame.replace(' ', "")).unwrap();
    Message::decode_frame(&bytes).map(|r| {
        let (m, used) = r.expect("complete frame");
        (m.into_owned(), used)
    })
}

fn encode(m: &Message) -> String {
    let mut out = Vec::new();
    m.encode_frame(&mut out).unwrap();
    hex::encode(out)
}

#[test]
fn keys_in_any_order_decode_and_reencode_ascending() {
    // remote-playback-modify-response (20) {1: 1, 0: 5, 2: {12: true, 10: 2.5}}
    let (m, _) = decode("14 a3 01 01 00 05 02 a2 0c f5 0a fb 4004000000000000").unwrap();
    let Message::RemotePlaybackModifyResponse(r) = &m else { panic!("{m:?}") };
    assert_eq!(r.request_id, 5);
    assert_eq!(r.result, ResultType::Success);
    let state = r.state.as_ref().unwrap();
    assert_eq!(state.paused, Some(true));
    assert_eq!(state.position, Some(2.5));
    assert_eq!(encode(&m), "14a30005010102a20afb40040000000000000cf5");
}

#[test]
fn unknown_int_and_text_keys_are_skipped_anywhere() {
    // agent-status-response (13) {0: 2, "x-vendor": [1, {"deep": h'00'}], 1: {0: "idle", 99: null}}
    let (m, _) =
        decode("0d a3 00 02 68 782d76656e646f72 82 01 a1 64 64656570 41 00 01 a2 00 64 69646c65 18 63 f6").unwrap();
    let Message::AgentStatusResponse(r) = &m else { panic!() };
    assert_eq!(r.request_id, 2);
    assert_eq!(r.status.as_ref().unwrap().status, "idle");
    assert_eq!(encode(&m), "0da20002 01a1006469646c65".replace(' ', ""));
}

#[test]
fn missing_required_key_names_field_and_offset() {
    // presentation-change-event (121) {0: "p"} without 1: connection-count
    let e = decode("4079 a1 00 61 70").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::MissingField("connection-count"));
    assert_eq!(e.path().to_string(), "presentation-change-event");
    assert_eq!(e.offset(), 2, "the map starts after the 2-byte type key");
}

#[test]
fn duplicate_keys_are_rejected() {
    let e = decode("0a a2 00 01 00 02").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::DuplicateField("request-id"));
    assert_eq!(e.offset(), 4, "at the second key");
}

#[test]
fn enum_values_outside_the_schema_are_errors_with_a_path() {
    // agent-info-event (120) {0: {0:"a",1:"b",2:[9],3:"c",4:[]}} — 9 is not an agent-capability
    let e = decode("4078 a1 00 a5 00 61 61 01 61 62 02 81 09 03 61 63 04 80").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownEnumValue("9".into()));
    assert_eq!(e.path().to_string(), "agent-info-event.agent-info.capabilities[0]");
    assert_eq!(e.offset(), 13);
}

#[test]
fn wrong_type_is_reported_with_what_was_found() {
    // presentation-change-event with connection-count as text
    let e = decode("4079 a2 00 61 70 01 61 31").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnexpectedType { expected: "unsigned integer", found: "text string".into() });
    assert_eq!(e.path().to_string(), "presentation-change-event.connection-count");
}

#[test]
fn null_and_absent_stay_distinct() {
    // remote-playback-state-event (21) {0: 1, 1: {5: null}} vs {1: {}} vs {1: {5: -7}}
    let (null, _) = decode("15 a2 00 01 01 a1 05 f6").unwrap();
    let (absent, _) = decode("15 a2 00 01 01 a0").unwrap();
    let (value, _) = decode("15 a2 00 01 01 a1 05 26").unwrap();
    let epoch = |m: &Message| match m {
        Message::RemotePlaybackStateEvent(e) => e.state.epoch,
        _ => panic!(),
    };
    assert_eq!(epoch(&null), Some(Nullable::Null));
    assert_eq!(epoch(&absent), None);
    assert_eq!(epoch(&value), Some(Nullable::Value(-7)));
    assert_eq!(encode(&null), "15a2000101a105f6");
    assert_eq!(encode(&absent), "15a2000101a0");
}

#[test]
fn indefinite_lengths_are_accepted_and_written_definite() {
    // presentation-url-availability-request (14) as an indefinite map with an indefinite array
    // and a chunked text string.
    let (m, used) = decode("0e bf 00 03 01 9f 7f 62 6874 63 7470 73 ff ff 02 18 64 03 01 ff").unwrap();
    let Message::PresentationUrlAvailabilityRequest(r) = &m else { panic!() };
    assert_eq!(r.urls, vec![Cow::<str>::Owned("https".into())]);
    assert_eq!(used, 22);
    assert_eq!(encode(&m), "0ea400030181656874747073021864 0301".replace(' ', ""));
}

#[test]
fn unknown_type_key_is_its_own_error() {
    let e = decode("3f a0").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownTypeKey(63));
    let e = decode("43 e8 a0").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnknownTypeKey(1000));
}

#[test]
fn non_minimal_type_key_varint_is_accepted() {
    let (m, used) = decode("40 0a a1 00 01").unwrap();
    assert_eq!(m.type_key(), 10);
    assert_eq!(used, 5);
}

#[test]
fn trailing_optional_array_item_and_too_many_items() {
    // audio-frame (22) [1, 960, h'01', {0: 20}] and with a fifth item
    let (m, _) = decode("16 84 01 19 03c0 41 01 a1 00 14").unwrap();
    let Message::AudioFrame(f) = &m else { panic!() };
    assert_eq!(f.optional.as_ref().unwrap().duration, Some(20));
    assert_eq!(encode(&m), "168401 1903c0 4101 a10014".replace(' ', ""));
    let e = decode("16 85 01 19 03c0 41 01 a0 00").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Constraint(c) if c.contains("more than 4")), "{e}");
}

#[test]
fn bytes_or_text_choice() {
    let (t, _) = decode("10 a2 00 01 01 62 6869").unwrap();
    let (b, _) = decode("10 a2 00 01 01 42 6869").unwrap();
    fn msg(m: &Message<'static>) -> PresentationConnectionMessageMessage<'static> {
        match m {
            Message::PresentationConnectionMessage(c) => c.message.clone(),
            _ => panic!(),
        }
    }
    assert_eq!(msg(&t), PresentationConnectionMessageMessage::Text("hi".into()));
    assert_eq!(msg(&b), PresentationConnectionMessageMessage::Bytes(Cow::Borrowed(b"hi")));
    let e = decode("10 a2 00 01 01 01").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { .. }), "{e}");
    assert_eq!(e.path().to_string(), "presentation-connection-message.message");
}

#[test]
fn encoder_refuses_values_the_peer_must_reject() {
    let bad = AuthSpake2Confirmation { confirmation_value: Cow::Borrowed(&[0u8; 63]) };
    let mut out = vec![0xee];
    let e = bad.encode_frame(&mut out).unwrap_err();
    assert_eq!(out, vec![0xee], "nothing written");
    assert_eq!(e.path().to_string(), "auth-spake2-confirmation.confirmation-value");
    assert!(matches!(e.kind(), ErrorKind::Constraint(c) if c.contains("63 bytes")));

    // [1* text] with no items.
    let empty = PresentationUrlAvailabilityRequest { request_id: 1, urls: vec![], watch_duration: 0, watch_id: 1 };
    let e = Message::from(empty).encode_frame(&mut out).unwrap_err();
    assert_eq!(e.path().to_string(), "presentation-url-availability-request.urls");
}

#[test]
fn frame_constants_are_precomputed() {
    assert_eq!(AuthCapabilities::TYPE_KEY, 1001);
    assert_eq!(AuthCapabilities::VARINT, &[0x43, 0xe9]);
    assert_eq!(AgentInfoRequest::VARINT, &[0x0a]);
    assert_eq!(MESSAGES.iter().find(|m| m.type_key == 132).unwrap().varint, &[0x40, 0x84]);
}

#[test]
fn float64_is_always_eight_bytes_and_narrow_floats_are_accepted() {
    // remote-playback-state-event with 10: position as a half float 1.5 (f9 3e00).
    let (m, _) = decode("15 a2 00 01 01 a1 0a f9 3e00").unwrap();
    assert_eq!(encode(&m), "15a2000101a10afb3ff8000000000000");
}

#[test]
fn any_value_is_kept_raw() {
    let raw = RawCbor::from_bytes(vec![0x82, 0x01, 0x02]).unwrap();
    assert_eq!(raw.as_bytes(), &[0x82, 0x01, 0x02]);
    assert!(RawCbor::from_bytes(vec![0x82, 0x01]).unwrap_err().is_incomplete());
}
