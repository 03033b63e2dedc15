//! `osmos decode|encode|list openscreen`.

use osmos::json::{FromJson, ToJson};
use osmos::openscreen::Message;

use crate::extension::Extension;
use crate::input;

/// Decodes every frame of the input; prints one JSON document per frame, with the byte offset
/// where the frame starts (`"offset"`, which `encode` ignores). With an extension
/// schema, its messages decode too (by schema, see `extension`).
pub fn decode(path: &str, with: Option<&str>) -> Result<(), String> {
    let ext = with.map(Extension::load).transpose()?;
    let bytes = input::bytes_or_hex(input::read(path)?)?;
    let mut at = 0;
    while at < bytes.len() {
        let frame = match &ext {
            Some(ext) => ext.decode_frame(&bytes[at..]),
            None => Message::decode_frame(&bytes[at..]).map(|f| f.map(|(m, used)| (m.to_json(), used))),
        };
        match frame {
            Ok(Some((json, used))) => {
                out!("{}", serde_json::to_string_pretty(&input::with_offset(json, at)).expect("JSON values print"));
                at += used;
            }
            Ok(None) => return Err(format!("input ends inside the frame at byte {at}")),
            Err(e) => return Err(format!("frame at byte {at}: {}", e.clone().shifted(at))),
        }
    }
    Ok(())
}

/// Encodes one JSON message object, an array of them, or a stream of them; prints each frame as hex.
pub fn encode(path: &str) -> Result<(), String> {
    let docs = input::json_documents(path)?;
    for (i, doc) in docs.iter().enumerate() {
        let msg = Message::from_json(doc).map_err(|e| format!("message {i}: {e}"))?;
        let mut out = Vec::new();
        msg.encode_frame(&mut out).map_err(|e| format!("message {i}: {e}"))?;
        out!("{}", hex::encode(out));
    }
    Ok(())
}
