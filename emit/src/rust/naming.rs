//! Schema names → Rust identifiers: stable, readable, never a keyword, never a prelude type.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Names that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self"];

/// Prelude and generated-module names a type must not shadow.
const RESERVED_TYPES: &[&str] = &[
    "Result", "Option", "Some", "None", "Ok", "Err", "Vec", "String", "Box", "Cow", "Self", "Message", "Nullable",
    "RawCbor",
];

fn clean(name: &str) -> String {
    // `$socket` and `$$group` keep their word; other punctuation separates words.
    let s: String = name.trim_start_matches('$').chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) || s.is_empty() {
        format!("_{s}")
    } else {
        s
    }
}

/// The Rust type name for a schema name: `agent-info` → `AgentInfo`, `result` → `ResultType`.
pub fn type_name(name: &str) -> String {
    let mut s = clean(name).to_upper_camel_case();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("T{s}");
    }
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Type");
    }
    s
}

/// The Rust field name: `connection-id` → `connection_id`, `loop` → `r#loop`.
pub fn field_name(name: &str) -> String {
    let mut s = clean(name).to_snake_case();
    if s.trim_matches('_').is_empty() {
        // `"-"` or `"_"` leave no word, and `_` is no field name: a made-up one, which the
        // collision check reports like any other if it clashes.
        s = "unnamed".into();
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("_{s}");
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// An enum variant name: `receive-audio` → `ReceiveAudio`, `NOT READY` → `NotReady`.
pub fn variant_name(name: &str) -> String {
    let s = clean(name).to_upper_camel_case();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else if s == "Self" {
        "Self_".into()
    } else {
        s
    }
}

/// An identifier token, raw where the name is a keyword.
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) && !NOT_RAW.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("agent-info"), "AgentInfo");
        assert_eq!(type_name("result"), "ResultType");
        assert_eq!(type_name("$socket"), "Socket");
        assert_eq!(type_name("roCreate"), "RoCreate");
        assert_eq!(field_name("connection-id"), "connection_id");
        assert_eq!(field_name("playbackRate"), "playback_rate");
        assert_eq!(field_name("loop"), "loop");
        assert_eq!(ident("loop").to_string(), "r#loop");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(variant_name("NOT READY"), "NotReady");
        assert_eq!(variant_name("video-rotation-90"), "VideoRotation90");
        assert_eq!(variant_name("1"), "V1");
    }
}
