//! `osmos decode|encode|list openscreen`.

use osmos::frame::FrameDecode;
use osmos::json::{FromJson, ToJson, Value};
use osmos::openscreen::{Message, MESSAGES};

use crate::input;

/// Decodes every frame of the input; prints one JSON document per frame.
pub fn decode(path: &str) -> Result<(), String> {
    let bytes = input::bytes_or_hex(input::read(path)?)?;
    let mut at = 0;
    while at < bytes.len() {
        match Message::decode_frame(&bytes[at..]) {
            Ok(Some((msg, used))) => {
                out!("{}", serde_json::to_string_pretty(&msg.to_json()).expect("JSON values print"));
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
    let text = String::from_utf8(input::read(path)?).map_err(|_| "input is not UTF-8 JSON".to_string())?;
    let mut docs = Vec::new();
    for doc in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
        match doc.map_err(|e| format!("JSON: {e}"))? {
            Value::Array(items) => docs.extend(items),
            other => docs.push(other),
        }
    }
    for (i, doc) in docs.iter().enumerate() {
        let msg = Message::from_json(doc).map_err(|e| format!("message {i}: {e}"))?;
        let mut out = Vec::new();
        msg.encode_frame(&mut out).map_err(|e| format!("message {i}: {e}"))?;
        out!("{}", hex::encode(out));
    }
    Ok(())
}

/// Prints the message table.
pub fn list() {
    print_table();
}

/// The table `generate` prints too.
pub fn print_table() {
    out!("{:>8}  {:<10}  {:<42}  rust type", "type key", "varint", "message");
    for m in &MESSAGES {
        out!("{:>8}  {:<10}  {:<42}  {}", m.type_key, hex::encode(m.varint), m.name, m.rust_name);
    }
}

#[allow(dead_code)]
fn assert_frame_decode<'a, T: FrameDecode<'a>>() {}
