//! The same Open Screen messages written by hand with minicbor-derive, as a careful user would
//! without osmos: borrowed text and bytes, maps with `#[n(k)]` keys, positional arrays, enums by
//! index, and a hand-written choice where minicbor-derive has none.
//!
//! (These types accept what osmos accepts on the benchmark inputs; they do not check everything
//! osmos checks, such as duplicate keys or enum membership on unknown values.)

use minicbor::data::Type;
use minicbor::decode::{self, Decoder};
use minicbor::encode::{self, Encoder, Write};
use minicbor::{Decode, Encode};

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct PresentationConnectionMessage<'a> {
    #[n(0)]
    pub connection_id: u64,
    #[b(1)]
    pub message: BytesOrText<'a>,
}

/// `bytes / text`, told apart by the data type.
#[derive(Debug, Clone, PartialEq)]
pub enum BytesOrText<'a> {
    Bytes(&'a [u8]),
    Text(&'a str),
}

impl<'b, C> Decode<'b, C> for BytesOrText<'b> {
    fn decode(d: &mut Decoder<'b>, _: &mut C) -> Result<Self, decode::Error> {
        match d.datatype()? {
            Type::Bytes => Ok(BytesOrText::Bytes(d.bytes()?)),
            Type::String => Ok(BytesOrText::Text(d.str()?)),
            t => Err(decode::Error::type_mismatch(t)),
        }
    }
}

impl<C> Encode<C> for BytesOrText<'_> {
    fn encode<W: Write>(&self, e: &mut Encoder<W>, _: &mut C) -> Result<(), encode::Error<W::Error>> {
        match self {
            BytesOrText::Bytes(b) => e.bytes(b)?.ok(),
            BytesOrText::Text(t) => e.str(t)?.ok(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct AgentInfoResponse<'a> {
    #[n(0)]
    pub request_id: u64,
    #[b(1)]
    pub agent_info: AgentInfo<'a>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct AgentInfo<'a> {
    #[b(0)]
    pub display_name: &'a str,
    #[b(1)]
    pub model_name: &'a str,
    #[n(2)]
    pub capabilities: Vec<AgentCapability>,
    #[b(3)]
    pub state_token: &'a str,
    #[b(4)]
    pub locales: Vec<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum AgentCapability {
    #[n(1)]
    ReceiveAudio,
    #[n(2)]
    ReceiveVideo,
    #[n(3)]
    ReceivePresentation,
    #[n(4)]
    ControlPresentation,
    #[n(5)]
    ReceiveRemotePlayback,
    #[n(6)]
    ControlRemotePlayback,
    #[n(7)]
    ReceiveStreaming,
    #[n(8)]
    SendStreaming,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct StreamingCapabilitiesResponse<'a> {
    #[n(0)]
    pub request_id: u64,
    #[b(1)]
    pub streaming_capabilities: StreamingCapabilities<'a>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct StreamingCapabilities<'a> {
    #[b(0)]
    pub receive_audio: Vec<ReceiveAudioCapability<'a>>,
    #[b(1)]
    pub receive_video: Vec<ReceiveVideoCapability<'a>>,
    #[b(2)]
    pub receive_data: Vec<ReceiveDataCapability<'a>>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct Format<'a> {
    #[b(0)]
    pub codec_name: &'a str,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct ReceiveAudioCapability<'a> {
    #[b(0)]
    pub codec: Format<'a>,
    #[n(1)]
    pub max_audio_channels: Option<u64>,
    #[n(2)]
    pub min_bit_rate: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct VideoResolution {
    #[n(0)]
    pub height: u64,
    #[n(1)]
    pub width: u64,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(array)]
pub struct Ratio {
    #[n(0)]
    pub antecedent: u64,
    #[n(1)]
    pub consequent: u64,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct VideoHdrFormat<'a> {
    #[b(0)]
    pub transfer_function: &'a str,
    #[b(1)]
    pub hdr_metadata: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct ReceiveVideoCapability<'a> {
    #[b(0)]
    pub codec: Format<'a>,
    #[n(1)]
    pub max_resolution: Option<VideoResolution>,
    #[n(2)]
    pub max_frames_per_second: Option<Ratio>,
    #[n(3)]
    pub max_pixels_per_second: Option<u64>,
    #[n(4)]
    pub min_bit_rate: Option<u64>,
    #[n(5)]
    pub aspect_ratio: Option<Ratio>,
    #[b(6)]
    pub color_gamut: Option<&'a str>,
    #[n(7)]
    pub native_resolutions: Option<Vec<VideoResolution>>,
    #[n(8)]
    pub supports_scaling: Option<bool>,
    #[n(9)]
    pub supports_rotation: Option<bool>,
    #[b(10)]
    pub hdr_formats: Option<Vec<VideoHdrFormat<'a>>>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct ReceiveDataCapability<'a> {
    #[b(0)]
    pub data_type: Format<'a>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct VideoFrame<'a> {
    #[n(0)]
    pub encoding_id: u64,
    #[n(1)]
    pub sequence_number: u64,
    #[n(2)]
    pub depends_on: Option<Vec<i64>>,
    #[n(3)]
    pub start_time: u64,
    #[n(4)]
    pub duration: Option<u64>,
    #[b(5)]
    #[cbor(with = "minicbor::bytes")]
    pub payload: &'a [u8],
    #[n(6)]
    pub video_rotation: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct RemotePlaybackStateEvent<'a> {
    #[n(0)]
    pub remote_playback_id: u64,
    #[b(1)]
    pub state: RemotePlaybackState<'a>,
}

/// The fields of `remote-playback-state` a periodic report carries; a `media-timeline / null`
/// field is an `Option` (null and absent are not told apart, which a careful user accepts).
#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct RemotePlaybackState<'a> {
    #[b(1)]
    pub source: Option<RemotePlaybackSource<'a>>,
    #[n(2)]
    pub loading: Option<Loading>,
    #[n(3)]
    pub loaded: Option<Loaded>,
    #[n(5)]
    pub epoch: Option<i64>,
    #[n(6)]
    pub duration: Option<f64>,
    #[n(7)]
    pub buffered_time_ranges: Option<Vec<MediaTimelineRange>>,
    #[n(8)]
    pub seekable_time_ranges: Option<Vec<MediaTimelineRange>>,
    #[n(9)]
    pub played_time_ranges: Option<Vec<MediaTimelineRange>>,
    #[n(10)]
    pub position: Option<f64>,
    #[n(11)]
    pub playback_rate: Option<f64>,
    #[n(12)]
    pub paused: Option<bool>,
    #[n(13)]
    pub seeking: Option<bool>,
    #[n(14)]
    pub stalled: Option<bool>,
    #[n(15)]
    pub ended: Option<bool>,
    #[n(16)]
    pub volume: Option<f64>,
    #[n(17)]
    pub muted: Option<bool>,
    #[n(18)]
    pub resolution: Option<VideoResolution>,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct RemotePlaybackSource<'a> {
    #[b(0)]
    pub url: &'a str,
    #[b(1)]
    pub extended_mime_type: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum Loading {
    #[n(0)]
    Empty,
    #[n(1)]
    Idle,
    #[n(2)]
    Loading,
    #[n(3)]
    NoSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum Loaded {
    #[n(0)]
    Nothing,
    #[n(1)]
    Metadata,
    #[n(2)]
    Current,
    #[n(3)]
    Future,
    #[n(4)]
    Enough,
}

#[derive(Debug, Clone, PartialEq, Encode, Decode)]
#[cbor(array)]
pub struct MediaTimelineRange {
    #[n(0)]
    pub start: f64,
    #[n(1)]
    pub end: f64,
}
