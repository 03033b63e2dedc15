//! `osmos decode|encode|list openscreen`.

use osmos::json::{FromJson, ToJson};
use osmos::openscreen::Message;

use crate::extension::Extension;
use crate::input;

/// Decodes every frame of the input; prints one JSON document per frame as soon as it is
/// complete, with the byte offset where the frame starts (`"offset"`, which `encode` ignores),
/// so the frames before a bad one are printed. The capture is read in chunks and at most one
/// frame ([`osmos::frame::DEFAULT_MAX_FRAME`]) is held. With an extension schema, its messages
/// decode too (by schema, see `extension`).
pub fn decode(path: &str, with: Option<&str>) -> Result<(), String> {
    let ext = with.map(Extension::load).transpose()?;
    let mut reader = input::open(path)?;
    let mut hex: Option<input::Hex> = None;
    let mut pending: Vec<u8> = Vec::new();
    // Stream offset of `pending[0]`.
    let mut at = 0;
    let mut first = true;
    loop {
        let chunk = input::chunk(&mut *reader, path)?;
        if first {
            first = false;
            if input::Hex::is_hex(&chunk) {
                hex = Some(input::Hex::default());
            }
        }
        let end = chunk.is_empty();
        match hex.as_mut() {
            Some(h) => h.decode(&chunk, &mut pending)?,
            None => pending.extend_from_slice(&chunk),
        }
        let mut used_total = 0;
        while used_total < pending.len() {
            let rest = &pending[used_total..];
            let frame = match &ext {
                Some(ext) => ext.decode_frame(rest),
                None => Message::decode_frame(rest).map(|f| f.map(|(m, used)| (m.to_json(), used))),
            };
            match frame {
                Ok(Some((json, used))) => {
                    let json = input::with_offset(json, at + used_total);
                    out!("{}", serde_json::to_string_pretty(&json).expect("JSON values print"));
                    used_total += used;
                }
                Ok(None) if rest.len() > osmos::frame::DEFAULT_MAX_FRAME => {
                    let at = at + used_total;
                    return Err(format!(
                        "frame at byte {at}: larger than {} bytes and still incomplete",
                        osmos::frame::DEFAULT_MAX_FRAME
                    ));
                }
                Ok(None) => break,
                Err(e) => {
                    let at = at + used_total;
                    return Err(format!("frame at byte {at}: {}", e.clone().shifted(at)));
                }
            }
        }
        pending.drain(..used_total);
        at += used_total;
        if end {
            if let Some(h) = &hex {
                h.finish()?;
            }
            if !pending.is_empty() {
                return Err(format!("input ends inside the frame at byte {at}"));
            }
            return Ok(());
        }
    }
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
