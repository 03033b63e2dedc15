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

/// The JSON documents of `path`: one value, an array of them, or several values in a row.
pub fn json_documents(path: &str) -> Result<Vec<serde_json::Value>, String> {
    let text = String::from_utf8(read(path)?).map_err(|_| "input is not UTF-8 JSON".to_string())?;
    let mut docs = Vec::new();
    for doc in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
        match doc.map_err(|e| format!("JSON: {e}"))? {
            serde_json::Value::Array(items) => docs.extend(items),
            other => docs.push(other),
        }
    }
    Ok(docs)
}
