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
///
/// A capture is read in chunks through the stream decoder, so memory is bounded by its
/// maximum message size, and a bad message (bad bytes, a decode error) is reported on stderr
/// while the messages around it are still printed; the command then fails, saying how many.
pub fn decode(path: &str, strict: bool) -> Result<(), String> {
    let mode = if strict { Mode::Strict } else { Mode::Lenient };
    let mut reader = input::open(path)?;
    let first = input::chunk(&mut *reader, path)?;
    if !is_envelope(&first) {
        // One bare message: read it whole, within the stream's size limit.
        let mut bytes = first;
        loop {
            let more = input::chunk(&mut *reader, path)?;
            if more.is_empty() {
                break;
            }
            bytes.extend_from_slice(&more);
            if bytes.len() > 2 * osmos::mos::stream::DEFAULT_MAX_MESSAGE_SIZE {
                return Err(format!(
                    "input: a message without <mos> envelope larger than {} bytes",
                    2 * osmos::mos::stream::DEFAULT_MAX_MESSAGE_SIZE
                ));
            }
        }
        let text = osmos::mos::to_utf8(&bytes).map_err(|e| format!("input: {e}"))?;
        let msg = Message::decode_body_with(&text, mode).map_err(|e| report("message", e))?;
        print_json(&input::with_offset(msg.to_json(), 0));
        return Ok(());
    }
    let mut stream = MosStreamDecoder::new();
    let (mut count, mut failed) = (0usize, 0usize);
    let mut chunk = first;
    loop {
        let end = chunk.is_empty();
        stream.push(&chunk);
        while let Some(next) = stream.next_message() {
            let index = count;
            count += 1;
            let m = match next {
                Ok(m) => m,
                Err(e) => {
                    failed += 1;
                    eprintln!("message {index}: {e}");
                    continue;
                }
            };
            let at = m.input_offset();
            match Mos::decode_with(m.as_str(), mode) {
                Ok(mos) => print_json(&input::with_offset(mos.to_json(), at)),
                Err(e) => {
                    failed += 1;
                    let what = format!("message {index} (at input byte {at}; offsets below count in its UTF-8 text)");
                    eprintln!("{}", report(&what, e));
                }
            }
        }
        if end {
            break;
        }
        chunk = input::chunk(&mut *reader, path)?;
    }
    let end = stream.finish().map_err(|e| format!("after message {count}: {e}"));
    match (count, failed) {
        (_, 0) => end?,
        (n, f) => {
            if let Err(e) = end {
                eprintln!("{e}");
            }
            return Err(format!("{f} of {n} messages could not be decoded (see above)"));
        }
    }
    if count == 0 {
        return Err("no <mos> message in the input".into());
    }
    Ok(())
}

/// Whether a capture's first chunk starts a `<mos>` envelope (or cannot tell: a capture is
/// the likelier input), decoding only as much of it as forms whole characters.
fn is_envelope(first: &[u8]) -> bool {
    let encoding = osmos::mos::detect_encoding(first);
    // Cut at most one character's bytes off the end until what is left transcodes.
    (0..4)
        .filter_map(|cut| first.len().checked_sub(cut))
        .find_map(|n| osmos::mos::to_utf8_with(&first[..n], encoding).ok())
        .is_none_or(|text| osmos::xml::root_element(&text).unwrap_or("mos") == Mos::ELEMENT)
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
