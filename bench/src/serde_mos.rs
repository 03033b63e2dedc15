//! The MOS documents of the benchmark as owned structs read by quick-xml's serde support: what
//! a user without osmos writes (`#[derive(Deserialize)]`, `String` for text and times, `@` for
//! attributes, `$value` for the message choice and for mixed story bodies).
//!
//! It checks less than osmos: times stay strings, vendor payloads (`mosPayload`) are skipped
//! with `IgnoredAny` rather than kept, and the inline markup of `mosAbstract` and `<p>` is
//! read as text runs and tags without keeping its order.

use serde::de::IgnoredAny;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename = "mos")]
pub struct Mos {
    #[serde(rename = "mosID")]
    pub mos_id: String,
    #[serde(rename = "ncsID")]
    pub ncs_id: String,
    #[serde(rename = "messageID", default)]
    pub message_id: Option<String>,
    #[serde(rename = "$value")]
    pub message: Message,
}

#[derive(Debug, Deserialize)]
pub enum Message {
    #[serde(rename = "heartbeat")]
    Heartbeat(Heartbeat),
    #[serde(rename = "listMachInfo")]
    ListMachInfo(ListMachInfo),
    #[serde(rename = "roCreate")]
    RoCreate(RoCreate),
    #[serde(rename = "roStorySend")]
    RoStorySend(RoStorySend),
}

#[derive(Debug, Deserialize)]
pub struct Heartbeat {
    #[serde(default)]
    pub time: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListMachInfo {
    pub manufacturer: String,
    pub model: String,
    #[serde(rename = "hwRev")]
    pub hw_rev: String,
    #[serde(rename = "swRev")]
    pub sw_rev: String,
    #[serde(rename = "DOM")]
    pub dom: String,
    #[serde(rename = "SN")]
    pub sn: String,
    #[serde(rename = "ID")]
    pub id: String,
    pub time: String,
    #[serde(rename = "opTime", default)]
    pub op_time: Option<String>,
    #[serde(rename = "mosRev")]
    pub mos_rev: String,
    #[serde(rename = "supportedProfiles")]
    pub supported_profiles: SupportedProfiles,
}

#[derive(Debug, Deserialize)]
pub struct SupportedProfiles {
    #[serde(rename = "@deviceType")]
    pub device_type: String,
    #[serde(rename = "mosProfile")]
    pub profiles: Vec<MosProfile>,
}

#[derive(Debug, Deserialize)]
pub struct MosProfile {
    #[serde(rename = "@number")]
    pub number: u8,
    #[serde(rename = "$text")]
    pub supported: String,
}

#[derive(Debug, Deserialize)]
pub struct RoCreate {
    #[serde(rename = "roID")]
    pub ro_id: String,
    #[serde(rename = "roSlug")]
    pub ro_slug: String,
    #[serde(rename = "roEdStart", default)]
    pub ro_ed_start: Option<String>,
    #[serde(rename = "roEdDur", default)]
    pub ro_ed_dur: Option<String>,
    #[serde(default)]
    pub story: Vec<Story>,
}

#[derive(Debug, Deserialize)]
pub struct Story {
    #[serde(rename = "storyID")]
    pub story_id: String,
    #[serde(rename = "storySlug", default)]
    pub story_slug: Option<String>,
    #[serde(rename = "storyNum", default)]
    pub story_num: Option<String>,
    #[serde(default)]
    pub item: Vec<Item>,
}

/// `item` of a running order and `storyItem` of a story body.
#[derive(Debug, Deserialize)]
pub struct Item {
    #[serde(rename = "itemID")]
    pub item_id: String,
    #[serde(rename = "itemSlug", default)]
    pub item_slug: Option<String>,
    #[serde(rename = "objID")]
    pub obj_id: String,
    #[serde(rename = "mosID")]
    pub mos_id: String,
    #[serde(rename = "mosAbstract", default)]
    pub mos_abstract: Option<Inline>,
    #[serde(rename = "objPaths", default)]
    pub obj_paths: Option<ObjPaths>,
    #[serde(rename = "objDur", default)]
    pub obj_dur: Option<u64>,
    #[serde(rename = "objTB", default)]
    pub obj_tb: Option<u64>,
    #[serde(rename = "itemEdStart", default)]
    pub item_ed_start: Option<u64>,
    #[serde(rename = "itemEdDur", default)]
    pub item_ed_dur: Option<u64>,
    #[serde(rename = "itemUserTimingDur", default)]
    pub item_user_timing_dur: Option<u64>,
    #[serde(rename = "itemTrigger", default)]
    pub item_trigger: Option<String>,
    #[serde(rename = "mosExternalMetadata", default)]
    pub mos_external_metadata: Vec<ExternalMetadata>,
}

#[derive(Debug, Deserialize)]
pub struct ObjPaths {
    #[serde(rename = "objPath", default)]
    pub obj_path: Vec<ObjPath>,
    #[serde(rename = "objProxyPath", default)]
    pub obj_proxy_path: Vec<ObjPath>,
    #[serde(rename = "objMetadataPath", default)]
    pub obj_metadata_path: Vec<ObjPath>,
}

#[derive(Debug, Deserialize)]
pub struct ObjPath {
    #[serde(rename = "@techDescription")]
    pub tech_description: String,
    #[serde(rename = "$text")]
    pub path: String,
}

#[derive(Debug, Deserialize)]
pub struct ExternalMetadata {
    #[serde(rename = "mosScope", default)]
    pub mos_scope: Option<String>,
    #[serde(rename = "mosSchema")]
    pub mos_schema: String,
    #[serde(rename = "mosPayload")]
    pub mos_payload: IgnoredAny,
}

#[derive(Debug, Deserialize)]
pub struct RoStorySend {
    #[serde(rename = "roID")]
    pub ro_id: String,
    #[serde(rename = "storyID")]
    pub story_id: String,
    #[serde(rename = "storySlug", default)]
    pub story_slug: Option<String>,
    #[serde(rename = "storyNum", default)]
    pub story_num: Option<String>,
    #[serde(rename = "storyBody")]
    pub story_body: StoryBody,
    #[serde(rename = "mosExternalMetadata", default)]
    pub mos_external_metadata: Vec<ExternalMetadata>,
}

#[derive(Debug, Deserialize)]
pub struct StoryBody {
    #[serde(rename = "$value", default)]
    pub parts: Vec<BodyPart>,
}

#[derive(Debug, Deserialize)]
pub enum BodyPart {
    #[serde(rename = "p")]
    P(Inline),
    #[serde(rename = "storyItem")]
    StoryItem(Box<Item>),
    #[serde(rename = "$text")]
    Text(String),
}

/// Text with inline markup (`<b>`, `<em>`, …), as runs.
#[derive(Debug, Deserialize)]
pub struct Inline {
    #[serde(rename = "$value", default)]
    pub runs: Vec<Run>,
}

#[derive(Debug, Deserialize)]
pub enum Run {
    #[serde(rename = "$text")]
    Text(String),
    #[serde(rename = "b")]
    Bold(String),
    #[serde(rename = "em")]
    Emphasis(String),
}

/// Reads a whole document.
pub fn decode(text: &str) -> Result<Mos, quick_xml::DeError> {
    quick_xml::de::from_str(text)
}
