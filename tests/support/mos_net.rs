//! Messages and raw-peer helpers for the MOS transport tests (`mos_tcp.rs`, `mos_ws.rs`).
#![allow(dead_code)]

use std::time::Duration;

use osmos::cbor::IntoOwned;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::Config;

/// Short enough for tests that wait for something not to happen.
pub const ACK_TIMEOUT: Duration = Duration::from_millis(300);

pub fn config() -> Config {
    Config::new("device.mos", "newsroom.mos").ack_timeout(Duration::from_secs(5))
}

/// A message element parsed from its XML.
pub fn message(xml: &str) -> MosMessage<'static> {
    let doc = format!("<mos>{xml}</mos>");
    Mos::decode(&doc).unwrap_or_else(|e| panic!("{xml}: {e}")).message.into_owned()
}

/// A running order with text outside ASCII (two-byte UCS-2 characters), `stories` stories long.
pub fn ro_create(ro_id: &str, stories: usize) -> MosMessage<'static> {
    let mut xml = format!("<roCreate><roID>{ro_id}</roID><roSlug>Journal de 20 h – édition spéciale 新闻</roSlug>");
    for i in 0..stories {
        xml += &format!(
            "<story><storyID>S{i}</storyID><storySlug>Météo {i}</storySlug>\
             <item><itemID>I{i}</itemID><objID>M{i}</objID><mosID>device.mos</mosID></item></story>"
        );
    }
    message(&(xml + "</roCreate>"))
}

pub fn ro_ack(ro_id: &str, status: &str) -> MosMessage<'static> {
    message(&format!("<roAck><roID>{ro_id}</roID><roStatus>{status}</roStatus></roAck>"))
}

pub fn mos_obj(obj_id: &str) -> MosMessage<'static> {
    message(&format!(
        "<mosObj><objID>{obj_id}</objID><objSlug>Hôtel en feu</objSlug><objType>VIDEO</objType>\
         <objTB>59.94</objTB><objRev>1</objRev><objDur>1800</objDur><status>NEW</status>\
         <objAir>READY</objAir><createdBy>Chris</createdBy><created>2009-10-31T23:39:12</created>\
         <changedBy>Chris</changedBy><changed>2009-10-31T23:39:12</changed>\
         <description><p>Exterior footage</p></description></mosObj>"
    ))
}

pub fn mos_ack(obj_id: &str, status: &str) -> MosMessage<'static> {
    message(&format!(
        "<mosAck><objID>{obj_id}</objID><objRev>1</objRev><status>{status}</status>\
         <statusDescription>stored</statusDescription></mosAck>"
    ))
}

/// The UCS-2BE document a peer would send.
pub fn wire(text: &str) -> Vec<u8> {
    osmos::xml::utf16be(text)
}

/// A received document's message element name and messageID.
pub fn kind(doc: &Mos<'_>) -> (String, Option<i32>) {
    let id = doc.message_id.as_ref().and_then(|id| id.value()).map(|id| id.get());
    (osmos::mos::net::message_name(&doc.message).to_string(), id)
}
