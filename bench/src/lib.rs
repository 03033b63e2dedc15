//! Benchmark cases: one operation each, on bytes every peer has been checked to handle.
//!
//! `run(case, n)` performs the case's operation `n` times; `benches/codecs.rs` times them with
//! criterion and `src/bin/icount.rs` runs them under valgrind to count instructions per
//! operation (the figure that holds on a noisy 2-core machine). Open Screen inputs are built
//! here; MOS inputs are corpus samples from `../shared/corpus/mos/samples` (absent in a fresh
//! clone: those cases are then left out).

pub mod alloc;
pub mod handwritten;
pub mod serde_mos;

use std::borrow::Cow;
use std::hint::black_box;
use std::sync::OnceLock;

use osmos::cbor::{from_slice, to_vec};
use osmos::openscreen as osp;

/// The Open Screen bodies and frames every case works on.
pub struct Inputs {
    pub cbor: Vec<(&'static str, Vec<u8>)>,
    pub mos: Vec<(&'static str, String)>,
}

fn agent_info_response() -> osp::AgentInfoResponse<'static> {
    osp::AgentInfoResponse {
        request_id: 1,
        agent_info: osp::AgentInfo {
            display_name: "Living Room TV".into(),
            model_name: "Model X".into(),
            capabilities: vec![
                osp::AgentCapability::ReceiveAudio,
                osp::AgentCapability::ReceiveVideo,
                osp::AgentCapability::ReceivePresentation,
                osp::AgentCapability::ReceiveRemotePlayback,
            ],
            state_token: "aB3dE6gH".into(),
            locales: vec!["en-US".into(), "fr-FR".into()],
        },
    }
}

fn video_capability(codec: &'static str) -> osp::ReceiveVideoCapability<'static> {
    osp::ReceiveVideoCapability {
        codec: osp::Format { codec_name: codec.into() },
        max_resolution: Some(osp::VideoResolution { height: 2160, width: 3840 }),
        max_frames_per_second: Some(osp::Ratio { antecedent: 60, consequent: 1 }),
        max_pixels_per_second: Some(497_664_000),
        min_bit_rate: Some(100_000),
        aspect_ratio: Some(osp::Ratio { antecedent: 16, consequent: 9 }),
        color_gamut: Some("rec2020".into()),
        native_resolutions: Some(vec![
            osp::VideoResolution { height: 1080, width: 1920 },
            osp::VideoResolution { height: 2160, width: 3840 },
        ]),
        supports_scaling: Some(true),
        supports_rotation: Some(false),
        hdr_formats: Some(vec![osp::VideoHdrFormat { transfer_function: "pq".into(), hdr_metadata: None }]),
    }
}

fn streaming_capabilities_response() -> osp::StreamingCapabilitiesResponse<'static> {
    let audio = |c: &'static str| osp::ReceiveAudioCapability {
        codec: osp::Format { codec_name: c.into() },
        max_audio_channels: Some(2),
        min_bit_rate: Some(64_000),
    };
    osp::StreamingCapabilitiesResponse {
        request_id: 3,
        streaming_capabilities: osp::StreamingCapabilities {
            receive_audio: vec![audio("opus"), audio("mp4a.40.2")],
            receive_video: vec![video_capability("vp09.00.10.08"), video_capability("av01.0.04M.08")],
            receive_data: vec![osp::ReceiveDataCapability { data_type: osp::Format { codec_name: "webvtt".into() } }],
        },
    }
}

fn video_frame(size: usize) -> osp::VideoFrame<'static> {
    osp::VideoFrame {
        encoding_id: 1,
        sequence_number: 4711,
        depends_on: Some(vec![-1]),
        start_time: 90_000,
        duration: Some(3000),
        payload: Cow::Owned((0..size).map(|i| i as u8).collect()),
        video_rotation: None,
        sync_time: None,
    }
}

/// A receiver's periodic report while playing: position, buffered and seekable ranges, rate,
/// volume, resolution (the message a controller receives most often).
fn remote_playback_state_event() -> osp::RemotePlaybackStateEvent<'static> {
    let range = |start, end| osp::MediaTimelineRange { start, end };
    osp::RemotePlaybackStateEvent {
        remote_playback_id: 12,
        state: osp::RemotePlaybackState {
            supports: None,
            source: Some(osp::RemotePlaybackSource {
                url: "https://media.example.com/news/evening-2026-12-01.m3u8".into(),
                extended_mime_type: "application/vnd.apple.mpegurl".into(),
            }),
            loading: Some(osp::RemotePlaybackStateLoading::Idle),
            loaded: Some(osp::RemotePlaybackStateLoaded::Enough),
            error: None,
            epoch: None,
            duration: Some(osmos::cbor::Nullable::Value(5400.0)),
            buffered_time_ranges: Some(vec![range(0.0, 634.5)]),
            seekable_time_ranges: Some(vec![range(0.0, 5400.0)]),
            played_time_ranges: None,
            position: Some(612.25),
            playback_rate: Some(1.0),
            paused: Some(false),
            seeking: Some(false),
            stalled: Some(false),
            ended: Some(false),
            volume: Some(0.8),
            muted: Some(false),
            resolution: Some(osmos::cbor::Nullable::Value(osp::VideoResolution { height: 1080, width: 1920 })),
            audio_tracks: None,
            video_tracks: None,
            text_tracks: None,
        },
    }
}

/// The Open Screen message names, as used in case names.
pub const CBOR_MESSAGES: [&str; 6] = [
    "presentation-connection-message",
    "agent-info-response",
    "streaming-capabilities-response",
    "remote-playback-state-event",
    "video-frame-1k",
    "video-frame-64k",
];

/// The MOS samples, as used in case names.
pub const MOS_SAMPLES: [(&str, &str); 4] = [
    ("heartbeat", "heartbeat.osm-2_6.xml"),
    ("listMachInfo", "listMachInfo.xml"),
    ("roCreate-20", "roCreate.xml"),
    ("roStorySend", "roStorySend.osm-2_8_3.xml"),
];

/// The inputs, built once.
pub fn inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let pcm = osp::PresentationConnectionMessage {
            connection_id: 7,
            message: osp::PresentationConnectionMessageMessage::Bytes(Cow::Owned((0..16).collect())),
        };
        let cbor = vec![
            (CBOR_MESSAGES[0], to_vec(&pcm).unwrap()),
            (CBOR_MESSAGES[1], to_vec(&agent_info_response()).unwrap()),
            (CBOR_MESSAGES[2], to_vec(&streaming_capabilities_response()).unwrap()),
            (CBOR_MESSAGES[3], to_vec(&remote_playback_state_event()).unwrap()),
            (CBOR_MESSAGES[4], to_vec(&video_frame(1024)).unwrap()),
            (CBOR_MESSAGES[5], to_vec(&video_frame(65536)).unwrap()),
        ];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/mos/samples");
        let mos = MOS_SAMPLES
            .iter()
            .filter_map(|(name, file)| {
                let text = std::fs::read_to_string(format!("{dir}/{file}")).ok()?;
                let text = if *name == "roCreate-20" { twenty_stories(&text) } else { text };
                // Bare message bodies travel in an envelope.
                let text = if text.contains("<mos>") {
                    text
                } else {
                    format!("<mos><mosID>x</mosID><ncsID>y</ncsID><messageID>1</messageID>{}</mos>", text.trim())
                };
                Some((*name, text))
            })
            .collect();
        Inputs { cbor, mos }
    })
}

/// The corpus `roCreate` with its first story repeated to 20.
fn twenty_stories(text: &str) -> String {
    let (Some(start), Some(end)) = (text.find("<story>"), text.rfind("</story>")) else { return text.to_owned() };
    let first_end = text[start..].find("</story>").map(|e| start + e + "</story>".len()).unwrap_or(end);
    let story = &text[start..first_end];
    let mut out = String::with_capacity(text.len() + 20 * story.len());
    out.push_str(&text[..start]);
    for _ in 0..20 {
        out.push_str(story);
    }
    out.push_str(&text[end + "</story>".len()..]);
    out
}

fn body(name: &str) -> &'static [u8] {
    &inputs().cbor.iter().find(|(n, _)| *n == name).expect("a known message").1
}

fn mos_text(name: &str) -> Option<&'static str> {
    inputs().mos.iter().find(|(n, _)| *n == name).map(|(_, t)| t.as_str())
}

/// Every case name: `<peer>/<operation>/<input>`.
pub fn cases() -> Vec<String> {
    let mut out = Vec::new();
    for m in CBOR_MESSAGES {
        for peer in ["osmos", "minicbor-derive", "ciborium-value"] {
            out.push(format!("{peer}/decode/{m}"));
            out.push(format!("{peer}/encode/{m}"));
        }
        out.push(format!("cddl-validator/validate/{m}"));
        out.push(format!("osmos/decode-owned/{m}"));
        out.push(format!("osmos/decode-frame/{m}"));
        out.push(format!("osmos/encode-frame/{m}"));
    }
    for (m, _) in &inputs().mos {
        out.push(format!("quick-xml-walk/decode/{m}"));
        out.push(format!("quick-xml-serde/decode/{m}"));
        out.push(format!("osmos/decode/{m}"));
        out.push(format!("osmos/encode/{m}"));
        out.push(format!("osmos/decode-utf16be-stream/{m}"));
        out.push(format!("osmos/decode-utf16be-long-lived/{m}"));
        out.push(format!("osmos/decode-utf16be-one-shot/{m}"));
    }
    out
}

macro_rules! cbor_case {
    ($op:expr, $n:expr, $bytes:expr, $osmos:ty, $derive:ty) => {{
        let bytes = $bytes;
        match $op {
            "osmos/decode" => repeat($n, || black_box(from_slice::<$osmos>(black_box(bytes)).is_ok() as u64)),
            "osmos/decode-owned" => repeat($n, || {
                let v = from_slice::<$osmos>(black_box(bytes)).unwrap();
                black_box(osmos::cbor::IntoOwned::into_owned(v));
                1
            }),
            "osmos/encode" => {
                let v = from_slice::<$osmos>(bytes).unwrap();
                repeat($n, || black_box(to_vec(black_box(&v)).unwrap().len() as u64))
            }
            "osmos/encode-frame" => {
                use osmos::frame::Keyed;
                let v = from_slice::<$osmos>(bytes).unwrap();
                repeat($n, || {
                    let mut out = Vec::new();
                    black_box(&v).encode_frame(&mut out).unwrap();
                    black_box(out.len() as u64)
                })
            }
            "minicbor-derive/decode" => {
                repeat($n, || black_box(minicbor::decode::<$derive>(black_box(bytes)).is_ok() as u64))
            }
            "minicbor-derive/encode" => {
                let v = minicbor::decode::<$derive>(bytes).unwrap();
                repeat($n, || black_box(minicbor::to_vec(black_box(&v)).unwrap().len() as u64))
            }
            "ciborium-value/decode" => {
                repeat($n, || black_box(ciborium::from_reader::<ciborium::Value, _>(black_box(bytes)).is_ok() as u64))
            }
            "ciborium-value/encode" => {
                let v: ciborium::Value = ciborium::from_reader(bytes).unwrap();
                repeat($n, || {
                    let mut out = Vec::new();
                    ciborium::into_writer(black_box(&v), &mut out).unwrap();
                    black_box(out.len() as u64)
                })
            }
            other => panic!("unknown operation {other}"),
        }
    }};
}

/// Runs `op` `n` times in a function of its own (one per case, never inlined), so a case's
/// instruction count does not move when other cases are added around it.
#[inline(never)]
fn repeat(n: u64, mut op: impl FnMut() -> u64) -> u64 {
    (0..n).map(|_| op()).sum()
}

/// Runs `case` `n` times; returns a checksum so nothing is optimised away.
pub fn run(case: &str, n: u64) -> u64 {
    let mut parts = case.splitn(3, '/');
    let (peer, op, input) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let op2 = format!("{peer}/{op}");
    if let Some(text) = mos_text(input) {
        return mos_case(&op2, n, text);
    }
    if op == "decode-frame" {
        let mut frame = Vec::new();
        let key = osp::MESSAGES.iter().find(|m| input.starts_with(m.name)).expect("a message").type_key;
        osmos::varint::encode(key, &mut frame);
        frame.extend_from_slice(body(input));
        return repeat(n, || {
            black_box(osp::Message::decode_frame(black_box(&frame)).unwrap().map_or(0, |(_, u)| u as u64))
        });
    }
    let bytes = body(input);
    if op2 == "cddl-validator/validate" {
        return cddl_validate(input, bytes, n);
    }
    match input {
        "presentation-connection-message" => cbor_case!(
            op2.as_str(),
            n,
            bytes,
            osp::PresentationConnectionMessage,
            handwritten::PresentationConnectionMessage
        ),
        "agent-info-response" => {
            cbor_case!(op2.as_str(), n, bytes, osp::AgentInfoResponse, handwritten::AgentInfoResponse)
        }
        "streaming-capabilities-response" => cbor_case!(
            op2.as_str(),
            n,
            bytes,
            osp::StreamingCapabilitiesResponse,
            handwritten::StreamingCapabilitiesResponse
        ),
        "remote-playback-state-event" => {
            cbor_case!(op2.as_str(), n, bytes, osp::RemotePlaybackStateEvent, handwritten::RemotePlaybackStateEvent)
        }
        "video-frame-1k" | "video-frame-64k" => {
            cbor_case!(op2.as_str(), n, bytes, osp::VideoFrame, handwritten::VideoFrame)
        }
        other => panic!("unknown input {other}"),
    }
}

/// The Open Screen CDDL as one document whose first rule, the validator's root, is `rule`.
pub fn cddl_with_root(rule: &str) -> String {
    let mut text = format!("bench-root = {rule}\n");
    for file in ["network.cddl", "application.cddl"] {
        let path = format!("{}/../schemas/openscreen/{file}", env!("CARGO_MANIFEST_DIR"));
        text.push_str(&std::fs::read_to_string(path).expect("the shipped Open Screen CDDL"));
        text.push('\n');
    }
    text
}

/// The `cddl` crate's validator on the message body: the schema is parsed once (set-up), each
/// operation decodes the bytes into the validator's CBOR value and validates it, which is what
/// `cddl::validate_cbor_from_slice` does after parsing the schema.
fn cddl_validate(input: &str, bytes: &[u8], n: u64) -> u64 {
    use cddl::validator::Validator;
    let rule = if input.starts_with("video-frame") { "video-frame" } else { input };
    let text = cddl_with_root(rule);
    let schema = cddl::cddl_from_str(&text, false).expect("the validator parses the Open Screen CDDL");
    repeat(n, || {
        let value = cddl::validator::cbor_value::decode_cbor(black_box(bytes)).expect("CBOR");
        let mut validator = cddl::validator::cbor::CBORValidator::new(&schema, value, None);
        black_box(validator.validate().is_ok() as u64)
    })
}

fn mos_case(op: &str, n: u64, text: &'static str) -> u64 {
    use osmos::mos::messages::Mos;
    match op {
        "quick-xml-walk/decode" => repeat(n, || black_box(walk(black_box(text)))),
        "quick-xml-serde/decode" => repeat(n, || black_box(serde_mos::decode(black_box(text)).is_ok() as u64)),
        "osmos/decode" => repeat(n, || black_box(Mos::decode(black_box(text)).is_ok() as u64)),
        "osmos/encode" => {
            let m = Mos::decode(text).unwrap();
            repeat(n, || black_box(m.encode().len() as u64))
        }
        "osmos/decode-utf16be-stream" => {
            let wire: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            repeat(n, || {
                let mut stream = osmos::mos::MosStreamDecoder::new();
                stream.push(black_box(&wire));
                let msg = stream.next_message().expect("a message").expect("decodes");
                black_box(Mos::decode(msg.as_str()).is_ok() as u64)
            })
        }
        // What a connection does: one stream decoder for its whole life.
        "osmos/decode-utf16be-long-lived" => {
            let wire: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            let mut stream = osmos::mos::MosStreamDecoder::new();
            repeat(n, || {
                stream.push(black_box(&wire));
                let msg = stream.next_message().expect("a message").expect("decodes");
                black_box(Mos::decode(msg.as_str()).is_ok() as u64)
            })
        }
        // The one-shot helper: transcode the whole document, then decode.
        "osmos/decode-utf16be-one-shot" => {
            let wire: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            repeat(n, || {
                let text = osmos::mos::to_utf8(black_box(&wire)).expect("UTF-16BE");
                black_box(Mos::decode(&text).is_ok() as u64)
            })
        }
        other => panic!("unknown operation {other}"),
    }
}

/// The baseline a hand-written XML reader starts from: every event of the document visited,
/// text unescaped, nothing kept.
pub fn walk(text: &str) -> u64 {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut n = 0u64;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return n,
            Ok(Event::Text(t)) => n += quick_xml::escape::unescape(&t).map_or(0, |s| s.len() as u64),
            Ok(_) => n += 1,
            Err(_) => return n,
        }
    }
}
