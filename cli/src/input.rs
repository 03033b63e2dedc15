//! Reading command inputs: a file or stdin, as bytes; hex text is recognised and decoded.

use std::io::Read;

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

/// Binary input as is; text made only of hex digits and whitespace is decoded from hex.
pub fn bytes_or_hex(raw: Vec<u8>) -> Result<Vec<u8>, String> {
    let is_hex_text = !raw.is_empty() && raw.iter().all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace());
    if !is_hex_text {
        return Ok(raw);
    }
    let digits: String = raw.iter().filter(|b| !b.is_ascii_whitespace()).map(|&b| b as char).collect();
    hex::decode(&digits).map_err(|e| format!("hex input: {e}"))
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
