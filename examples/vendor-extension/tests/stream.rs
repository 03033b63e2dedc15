//! Standard and vendor frames on one stream, read back through one `FrameReader` however the
//! stream is split.

use osmos::cbor::IntoOwned;
use osmos::frame::{FrameEncode, FrameReader};
use osmos::openscreen::{self, AgentCapability, AgentInfo, AgentInfoRequest, MediaTimelineRange, ResultType};
use vendor_extension::vendor::{self, CaptionShowRequest, CaptionShowResponse, VendorStatusEvent};
use vendor_extension::AnyMessage;

fn conversation() -> Vec<AnyMessage<'static>> {
    let info = AgentInfo {
        display_name: "Living room".into(),
        model_name: "VX-1".into(),
        capabilities: vec![AgentCapability::ReceiveAudio, AgentCapability::ReceiveVideo],
        state_token: "a1b2c3d4".into(),
        locales: vec!["en-GB".into()],
    };
    vec![
        AnyMessage::Standard(openscreen::Message::AgentInfoRequest(AgentInfoRequest { request_id: 1 })),
        AnyMessage::Vendor(vendor::Message::CaptionShowRequest(CaptionShowRequest {
            request_id: 2,
            caption: "Goal!".into(),
            duration: 3_000_000,
            window: Some(MediaTimelineRange { start: 10.0, end: 13.0 }),
        })),
        AnyMessage::Vendor(vendor::Message::CaptionShowResponse(CaptionShowResponse {
            request_id: 2,
            result: ResultType::Success,
        })),
        AnyMessage::Vendor(vendor::Message::VendorStatusEvent(VendorStatusEvent {
            agent_info: info,
            active: vec![AgentCapability::ReceiveVideo],
            battery_percent: Some(80),
        })),
    ]
}

fn stream(messages: &[AnyMessage<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        m.encode_frame(&mut out).unwrap();
    }
    out
}

/// Feeds `chunks` one by one and collects every frame, owned.
fn read_all(chunks: &[&[u8]]) -> Vec<AnyMessage<'static>> {
    let mut reader = FrameReader::new();
    let mut got = Vec::new();
    for chunk in chunks {
        reader.push(chunk);
        while let Some(m) = reader.next_frame::<AnyMessage>().unwrap() {
            got.push(m.into_owned());
        }
    }
    assert!(reader.pending().is_empty(), "left over: {:02x?}", reader.pending());
    got
}

#[test]
fn mixed_stream_round_trips() {
    let sent = conversation();
    let bytes = stream(&sent);
    assert_eq!(read_all(&[&bytes]), sent);
    // The vendor frames carry their own type keys: 50 (1-byte varint) and 8200 (`60 08`).
    assert_eq!(sent[1].type_key(), 50);
    assert_eq!(sent[3].type_key(), 8200);
}

#[test]
fn mixed_stream_split_at_every_byte() {
    let sent = conversation();
    let bytes = stream(&sent);
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(read_all(&[a, b]), sent, "split at {cut}");
    }
    let singles: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(read_all(&singles), sent);
}

#[test]
fn unknown_type_key_is_its_own_error() {
    // Key 60 is in the extension range but neither standard nor this vendor's.
    let mut reader = FrameReader::new();
    reader.push(&[60, 0xa0]);
    let err = reader.next_frame::<AnyMessage>().unwrap_err();
    assert!(matches!(err.kind(), osmos::ErrorKind::UnknownTypeKey(60)), "{err}");
}
