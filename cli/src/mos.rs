//! `osmos decode|encode|list mos`.
//!
//! Decoding takes UTF-8 or UTF-16 (either byte order, with or without BOM) XML: one or more
//! `<mos>` documents back to back (a capture of a MOS connection; cut with the stream
//! decoder), or a single message element without the envelope. Each prints as JSON: an
//! envelope as `{"offset": …, "mosID": …, "ncsID": …, "messageID": …, "message": {"<element>": {…}}}`,
//! a bare message as `{"offset": 0, "<element>": {…}}`; `offset` is where the message starts in
//! the input, in bytes. Encoding reads that JSON back and writes XML in schema order.

use std::io::Write;

use osmos::json::{FromJson, ToJson, Value};
use osmos::mos::messages::{Message, Mos, MESSAGES};
use osmos::mos::MosStreamDecoder;
use osmos::xml::Mode;

use crate::input;

fn print_json(v: &Value) {
    out!("{}", serde_json::to_string_pretty(v).expect("JSON values print"));
}

fn report(what: &str, errors: osmos::xml::DecodeErrors) -> String {
    let mut out = format!("{what}:");
    for e in errors {
        out.push_str(&format!("\n  {e}"));
    }
    out
}

/// Decodes every message of the input; prints one JSON document per message, with the byte
/// offset of its `<` in the input (`"offset"`, in the input's own encoding). With `strict`,
/// every deviation from the schema is an error (all of them are listed).
pub fn decode(path: &str, strict: bool) -> Result<(), String> {
    let mode = if strict { Mode::Strict } else { Mode::Lenient };
    let bytes = input::read(path)?;
    let text = osmos::mos::to_utf8(&bytes).map_err(|e| format!("input: {e}"))?;
    let root = osmos::xml::root_element(&text).unwrap_or("mos");
    if root != Mos::ELEMENT {
        let msg = Message::decode_body_with(&text, mode).map_err(|e| report("message", e))?;
        print_json(&input::with_offset(msg.to_json(), 0));
        return Ok(());
    }
    let mut stream = MosStreamDecoder::new();
    stream.push(&bytes);
    let mut count = 0;
    while let Some(next) = stream.next_message() {
        let m = next.map_err(|e| format!("message {count}: {e}"))?;
        let at = m.input_offset();
        let mos = Mos::decode_with(m.as_str(), mode).map_err(|e| {
            report(&format!("message {count} (at input byte {at}; offsets below count in its UTF-8 text)"), e)
        })?;
        print_json(&input::with_offset(mos.to_json(), at));
        count += 1;
    }
    stream.finish().map_err(|e| format!("after message {count}: {e}"))?;
    if count == 0 {
        return Err("no <mos> message in the input".into());
    }
    Ok(())
}

/// Encodes one JSON object, an array of them, or a stream of them: each an envelope or a
/// bare message. Writes XML text, one document per line, or with `utf16` the UTF-16BE wire
/// bytes (no BOM, no separator, as on a MOS 2.x connection).
pub fn encode(path: &str, utf16: bool) -> Result<(), String> {
    let docs = input::json_documents(path)?;
    let mut out = std::io::stdout().lock();
    for (i, doc) in docs.iter().enumerate() {
        let bare =
            doc.as_object().is_some_and(|o| o.len() == 1 && o.keys().all(|k| MESSAGES.iter().any(|m| m.element == k)));
        let xml = if bare {
            Message::from_json(doc).map_err(|e| format!("message {i}: {e}"))?.encode()
        } else {
            Mos::from_json(doc).map_err(|e| format!("message {i}: {e}"))?.encode()
        };
        let written = if utf16 { out.write_all(&osmos::xml::utf16be(&xml)) } else { writeln!(out, "{xml}") };
        written.map_err(|e| format!("stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("stdout: {e}"))
}
