//! Reading command inputs: a file or stdin, as bytes; hex text is recognised and decoded.
//! Captures are read in chunks, so what is held in memory is bounded by the decoders' limits
//! (one frame, one message), not by the size of the file.

use std::io::Read;

/// How much of a capture is read at a time.
pub const CHUNK: usize = 64 * 1024;

/// A file or stdin (`-`), to read in chunks.
pub fn open(path: &str) -> Result<Box<dyn Read>, String> {
    if path == "-" {
        Ok(Box::new(std::io::stdin()))
    } else {
        std::fs::File::open(path).map(|f| Box::new(f) as Box<dyn Read>).map_err(|e| format!("{path}: {e}"))
    }
}

/// The next chunk of `r` (empty at the end).
pub fn chunk(r: &mut dyn Read, path: &str) -> Result<Vec<u8>, String> {
    let mut buf = Vec::with_capacity(CHUNK);
    r.take(CHUNK as u64).read_to_end(&mut buf).map_err(|e| format!("{path}: {e}"))?;
    Ok(buf)
}

/// Hex text read in chunks: whitespace is skipped and a digit pair may straddle two chunks.
/// Whether the input is hex is decided on its first chunk (`bytes_or_hex`'s rule).
#[derive(Debug, Default)]
pub struct Hex {
    odd: Option<u8>,
    /// Bytes of hex text seen, for error offsets.
    seen: usize,
}

impl Hex {
    /// True when `first` (a capture's first chunk) is hex text.
    pub fn is_hex(first: &[u8]) -> bool {
        !first.is_empty() && first.iter().all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
    }

    /// Appends the bytes `text` spells to `out`.
    pub fn decode(&mut self, text: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        for &b in text {
            self.seen += 1;
            if b.is_ascii_whitespace() {
                continue;
            }
            let Some(v) = (b as char).to_digit(16) else {
                return Err(format!("hex input: invalid character {:?} at byte {}", b as char, self.seen - 1));
            };
            match self.odd.take() {
                None => self.odd = Some(v as u8),
                Some(hi) => out.push((hi << 4) | v as u8),
            }
        }
        Ok(())
    }

    /// Ends the text: an odd digit left over is an error.
    pub fn finish(&self) -> Result<(), String> {
        match self.odd {
            Some(_) => Err("hex input: odd number of digits".into()),
            None => Ok(()),
        }
    }
}

/// The bytes of `path` (`-` is stdin).
pub fn read(path: &str) -> Result<Vec<u8>, String> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| format!("stdin: {e}"))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| format!("{path}: {e}"))
    }
}

/// The key `decode` adds to each message: where it starts in the input, in bytes.
pub const OFFSET: &str = "offset";

/// `json` (an object) with [`OFFSET`] first, so a capture's messages can be found in it.
pub fn with_offset(json: serde_json::Value, at: usize) -> serde_json::Value {
    let serde_json::Value::Object(fields) = json else { return json };
    let mut out = serde_json::Map::with_capacity(fields.len() + 1);
    out.insert(OFFSET.into(), at.into());
    out.extend(fields);
    serde_json::Value::Object(out)
}

/// The JSON documents of `path`: one value, an array of them, or several values in a row.
/// The [`OFFSET`] that `decode` adds is dropped, so its output encodes back as it is.
pub fn json_documents(path: &str) -> Result<Vec<serde_json::Value>, String> {
    let text = String::from_utf8(read(path)?).map_err(|_| "input is not UTF-8 JSON".to_string())?;
    let mut docs = Vec::new();
    for doc in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
        match doc.map_err(|e| format!("JSON: {e}"))? {
            serde_json::Value::Array(items) => docs.extend(items),
            other => docs.push(other),
        }
    }
    for doc in &mut docs {
        if let Some(fields) = doc.as_object_mut() {
            fields.shift_remove(OFFSET);
        }
    }
    Ok(docs)
}
