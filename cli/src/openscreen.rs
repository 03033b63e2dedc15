//! `osmos decode|encode|list openscreen`.

use osmos::json::{FromJson, ToJson};
use osmos::openscreen::{Message, MESSAGES};

use crate::extension::Extension;
use crate::input;

/// Decodes every frame of the input; prints one JSON document per frame. With an extension
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
                out!("{}", serde_json::to_string_pretty(&json).expect("JSON values print"));
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

/// Prints the message table, with an extension schema's messages after the standard ones.
pub fn list(with: Option<&str>) -> Result<(), String> {
    let ext = with.map(Extension::load).transpose()?;
    print_table();
    for (key, name) in ext.iter().flat_map(|e| e.table()) {
        let mut varint = Vec::new();
        osmos::varint::encode(key, &mut varint);
        let rust = osmos_codegen::rust::naming::type_name(name);
        out!("{key:>8}  {:<10}  {name:<42}  {rust}", hex::encode(varint));
    }
    Ok(())
}

/// The table `generate` prints too.
pub fn print_table() {
    out!("{:>8}  {:<10}  {:<42}  rust type", "type key", "varint", "message");
    for m in &MESSAGES {
        out!("{:>8}  {:<10}  {:<42}  {}", m.type_key, hex::encode(m.varint), m.name, m.rust_name);
    }
}
