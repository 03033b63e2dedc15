//! JSON texts that a CDDL schema describes (WebDriver BiDi): what the impls generated with
//! `JsonForm::Schema` call. There, JSON is the wire, so the rules are the schema's own (RFC 8610
//! §2.1 read for JSON): a choice is untagged and told apart as a validator would, a positional
//! array is an array, a table's entries and an open map's extension members are members, and
//! values are checked against their constraints as they are read.
//!
//! `any` values and kept extension members are stored as CBOR items (the Rust types are shared
//! with the CBOR codec), converted as RFC 8949 §6 describes: losslessly for anything that came
//! from JSON.

use std::borrow::Cow;

use super::{expected, FromJson, Map, ToJson, Value};
use crate::cbor::{self, Decoder, Encode, RawCbor, UnknownKeys};
use crate::error::{DecodeError, EncodeError, ErrorKind};

/// Parses a JSON text into `T`. A text that is not JSON is `Malformed`, and so is an object
/// with a member name twice (RFC 8259 leaves it to the reader; a reader that keeps one of them
/// silently reads another message than its peer might), with the byte offset of the problem;
/// a value of the wrong shape has the path of the member at fault.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, DecodeError> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Unique
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| DecodeError::new(ErrorKind::Malformed(e.to_string()), byte_offset(text, e.line(), e.column())))?;
    T::from_json(&value)
}

/// Reads a JSON value like `serde_json::Value`'s own impl, refusing a member name twice.
struct Unique;

impl<'de> serde::de::DeserializeSeed<'de> for Unique {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Unique {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Unique)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if members.contains_key(&k) {
                return Err(serde::de::Error::custom(format!("member {k:?} appears twice")));
            }
            let v = map.next_value_seed(Unique)?;
            members.insert(k, v);
        }
        Ok(Value::Object(members))
    }
}

/// The byte offset of a 1-based line and column (serde_json reports those).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// Writes `value` as a JSON text, after the checks the encoder makes (ranges, lengths, counts):
/// a value built by hand that breaks a constraint is an error, never a text the peer rejects.
pub fn to_string<T: ToJson + Encode>(value: &T) -> Result<String, EncodeError> {
    cbor::to_vec(value)?;
    Ok(value.to_json().to_string())
}

/// The items of a JSON array.
pub fn array(v: &Value) -> Result<&[Value], DecodeError> {
    v.as_array().map(Vec::as_slice).ok_or_else(|| expected("an array", v))
}

/// A homogeneous array (`[* T]`) within its count bounds; errors name the item's index.
pub fn list<T>(
    v: &Value,
    min: u64,
    max: Option<u64>,
    mut item: impl FnMut(&Value) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let items = array(v)?;
    cbor::check_count(items.len(), min, max).map_err(|k| DecodeError::new(k, 0))?;
    items.iter().enumerate().map(|(i, x)| item(x).map_err(|e| e.at_index(i))).collect()
}

/// The items of a positional array (`[a, b, ? c]`): between `required` and `total` of them.
pub fn positional(v: &Value, required: usize, total: usize) -> Result<&[Value], DecodeError> {
    let items = array(v)?;
    if items.len() < required || items.len() > total {
        let want = if required == total { format!("{total}") } else { format!("{required} to {total}") };
        let kind = ErrorKind::Constraint(format!("array of {} items, expected {want} items", items.len()));
        return Err(DecodeError::new(kind, 0));
    }
    Ok(items)
}

/// A float: any JSON number (JSON does not tell `1` from `1.0`), nothing else.
pub fn float(v: &Value) -> Result<f64, DecodeError> {
    v.as_f64().ok_or_else(|| expected("a number", v))
}

/// A float as JavaScript's `JSON.stringify` writes it: integral values without a fraction
/// (`20`, not `20.0`), since a JSON peer cannot tell them apart anyway. `-0` keeps its sign
/// (`-0.0`), and non-finite values, which JSON cannot hold, are their `String(x)` text.
pub fn number(f: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below is a double
    if f.fract() == 0.0 && f.abs() < EXACT && !(f == 0.0 && f.is_sign_negative()) {
        Value::from(f as i64)
    } else {
        f.to_json()
    }
}

/// A required member that was absent.
pub fn missing(name: &'static str) -> DecodeError {
    DecodeError::new(ErrorKind::MissingField(name), 0)
}

/// A member the closed map does not define.
pub fn unknown_member(name: &str) -> DecodeError {
    DecodeError::new(ErrorKind::InvalidValue(format!("unknown member {name:?}")), 0)
}

/// An object whose dispatch member (`method`, `type`) holds a value no alternative has.
pub fn no_alternative(key: &'static str, v: Option<&Value>, what: &'static str) -> DecodeError {
    match v {
        None => DecodeError::new(ErrorKind::MissingField(key), 0),
        Some(v) => DecodeError::new(ErrorKind::UnknownEnumValue(format!("{v} (expected {what})")), 0).in_field(key),
    }
}

/// Keeps, of the failures of alternatives tried in order, the one that got deepest into the
/// value: it names what the input most likely meant (the first one on a tie).
pub fn keep_deeper(best: &mut Option<DecodeError>, err: DecodeError) {
    match best {
        Some(b) if depth(&err) <= depth(b) => {}
        _ => *best = Some(err),
    }
}

/// The failure of a choice whose alternatives were tried in order: the deepest, or the member
/// that held a value none of the skipped alternatives has where it goes deeper still (or
/// nothing was tried), or `none` when no alternative applied at all.
pub fn pick(
    best: Option<DecodeError>,
    skipped: Option<DecodeError>,
    none: impl FnOnce() -> DecodeError,
) -> DecodeError {
    match (best, skipped) {
        (Some(b), Some(s)) if depth(&s) > depth(&b) => s,
        (Some(b), _) => b,
        (None, Some(s)) => s,
        (None, None) => none(),
    }
}

fn depth(e: &DecodeError) -> usize {
    e.path().segments().count()
}

/// A table key's member name: the key's JSON form, which is a string for the text keys JSON
/// allows (the generator rejects other key types in JSON schemas).
pub fn member_name(key: Value) -> String {
    match key {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Members the schema does not name (`* text => any`), kept as CBOR entries.

/// Keeps the member `name: v` of an open map.
pub fn keep_member(unknown: &mut UnknownKeys<'_>, name: &str, v: &Value) -> Result<(), DecodeError> {
    let mut key = Vec::with_capacity(name.len() + 9);
    cbor::write_text(&mut cbor::Encoder::new(&mut key), name);
    let value = item_from_json(v).map_err(|e| e.in_field(name.to_owned()))?;
    unknown.0.push((RawCbor(Cow::Owned(key)), value));
    Ok(())
}

/// Adds the kept members to `m`, in the order they were kept.
pub fn put_members(unknown: &UnknownKeys<'_>, m: &mut Map<String, Value>) {
    for (k, v) in &unknown.0 {
        m.insert(member_name(item_to_json(k)), item_to_json(v));
    }
}

// ---------------------------------------------------------------------------------------------
// CBOR items ↔ JSON values (RFC 8949 §6).

/// A JSON value as a CBOR item (RFC 8949 §6.2): integers as integers, other numbers as float64,
/// objects as maps with text keys in member order. Nesting is bounded by
/// [`crate::Limits::max_depth`].
pub fn item_from_json(v: &Value) -> Result<RawCbor<'static>, DecodeError> {
    let mut out = Vec::new();
    write_json(&mut cbor::Encoder::new(&mut out), v, 0, crate::limits::current().max_depth)?;
    Ok(RawCbor(Cow::Owned(out)))
}

fn write_json(e: &mut cbor::Enc<'_>, v: &Value, depth: usize, max: usize) -> Result<(), DecodeError> {
    if depth >= max {
        return Err(DecodeError::new(ErrorKind::TooDeep, 0));
    }
    match v {
        Value::Null => cbor::write_null(e),
        Value::Bool(b) => cbor::write_bool(e, *b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => cbor::write_uint(e, u),
            (_, Some(i), _) => cbor::write_int(e, i),
            (_, _, f) => cbor::write_f64(e, f.unwrap_or(f64::NAN)),
        },
        Value::String(s) => cbor::write_text(e, s),
        Value::Array(items) => {
            cbor::head(e, 4, items.len() as u64);
            for (i, x) in items.iter().enumerate() {
                write_json(e, x, depth + 1, max).map_err(|err| err.at_index(i))?;
            }
        }
        Value::Object(members) => {
            cbor::head(e, 5, members.len() as u64);
            for (k, x) in members {
                cbor::write_text(e, k);
                write_json(e, x, depth + 1, max).map_err(|err| err.in_field(k.clone()))?;
            }
        }
    }
    Ok(())
}

/// A CBOR item as a JSON value (RFC 8949 §6.1): tags are dropped for their content, byte
/// strings become base64url text, `undefined` and non-finite floats become `null`, and a map
/// key that is not text becomes its JSON text. An item that is not well-formed CBOR (only
/// possible for one built by hand) is shown as `{"cbor": "<hex>"}`, as the JSON views show raw items.
pub fn item_to_json(raw: &RawCbor<'_>) -> Value {
    let mut d = Decoder::new(raw.as_bytes());
    match read_item(&mut d, 0, crate::limits::current().max_depth) {
        Ok(v) if d.position() == raw.as_bytes().len() => v,
        _ => raw.to_json(),
    }
}

fn read_item(d: &mut Decoder<'_>, depth: usize, max: usize) -> Result<Value, DecodeError> {
    if depth >= max {
        return Err(DecodeError::new(ErrorKind::TooDeep, d.position()));
    }
    let b = cbor::peek(d)?;
    Ok(match b >> 5 {
        0 => Value::from(cbor::uint(d)?),
        1 => match cbor::int(d) {
            Ok(i) => Value::from(i),
            // Below -2^63: JSON numbers are doubles anyway.
            Err(_) => {
                let pos = d.position();
                let n = d.int().map_err(|e| cbor::lift(d, pos, "an integer", e))?;
                Value::from(i128::from(n) as f64)
            }
        },
        2 => Value::String(base64url(&cbor::bytes(d)?)),
        3 => Value::String(cbor::text(d)?.into_owned()),
        4 => {
            let mut seq = cbor::Seq::array(d, "array")?;
            let mut items = Vec::new();
            while seq.next(d)? {
                items.push(read_item(d, depth + 1, max)?);
            }
            Value::Array(items)
        }
        5 => {
            let mut seq = cbor::Seq::map(d)?;
            let mut members = Map::new();
            while seq.next(d)? {
                let key = member_name(read_item(d, depth + 1, max)?);
                members.insert(key, read_item(d, depth + 1, max)?);
            }
            Value::Object(members)
        }
        6 => {
            let pos = d.position();
            d.tag().map_err(|e| cbor::lift(d, pos, "tag", e))?;
            read_item(d, depth + 1, max)?
        }
        _ => match b {
            0xf4 | 0xf5 => Value::Bool(cbor::boolean(d)?),
            0xf9..=0xfb => serde_json::Number::from_f64(cbor::float(d)?).map_or(Value::Null, Value::Number),
            // null, undefined and the other simple values.
            _ => {
                cbor::skip(d)?;
                Value::Null
            }
        },
    })
}

/// Base64url without padding (RFC 4648 §5), as RFC 8949 §6.1 converts byte strings.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            s.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_survive_cbor() {
        let v = serde_json::json!({"a": [1, -2, 1.5, "x", null, true, {"b": {}}], "z": 18446744073709551615u64});
        let raw = item_from_json(&v).unwrap();
        assert_eq!(item_to_json(&raw), v);
        // Member order is kept (CBOR maps have one too).
        let ordered = serde_json::json!({"z": 1, "a": 2});
        assert_eq!(item_to_json(&item_from_json(&ordered).unwrap()).to_string(), r#"{"z":1,"a":2}"#);
    }

    #[test]
    fn cbor_only_items_take_their_rfc_8949_json_form() {
        // {"t": 1(1.5), "b": h'00ff01', "u": undefined, 1: {1: 2}, "n": NaN}
        let raw = RawCbor::from_bytes(
            super::super::unhex("a56174c1fb3ff800000000000061624300ff016175f701a10102616ef97e00").unwrap(),
        )
        .unwrap();
        let expected = serde_json::json!({"t": 1.5, "b": "AP8B", "u": null, "1": {"1": 2}, "n": null});
        assert_eq!(item_to_json(&raw).to_string(), expected.to_string());
        // Not well-formed: shown raw, never a panic.
        assert_eq!(item_to_json(&RawCbor(Cow::Borrowed(&[0x82, 0x01]))), serde_json::json!({"cbor": "8201"}));
    }

    #[test]
    fn base64url_has_no_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn too_deep_json_is_an_error_not_a_stack_overflow() {
        let mut v = Value::Null;
        for _ in 0..1000 {
            v = Value::Array(vec![v]);
        }
        assert_eq!(item_from_json(&v).unwrap_err().kind(), &ErrorKind::TooDeep);
    }

    #[test]
    fn a_member_name_twice_is_malformed_where_it_repeats() {
        let text = r#"{"a": {"m": 1, "n": [], "m": 2}}"#;
        let e = from_str::<Value>(text).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Malformed(m) if m.contains("\"m\" appears twice")), "{e}");
        assert_eq!(e.offset(), text.rfind("\"m\"").unwrap() + 2, "at the repeated name");
        // Trailing content after the value is malformed too.
        assert!(matches!(from_str::<Value>("{} x").unwrap_err().kind(), ErrorKind::Malformed(_)));
        assert_eq!(from_str::<Value>(r#"{"m": [1, 2.5, "x", null, true, {"m": 1}]}"#).unwrap()["m"][5]["m"], 1);
    }

    #[test]
    fn numbers_read_exactly_and_write_back_the_same() {
        // serde_json's default parser may be one unit off in the last place; `float_roundtrip`.
        for text in
            ["2.3333333733333335e58", "23333333733333333333333333333333333333333333333333333333333", "0.1", "5e-324"]
        {
            let v: f64 = from_str(text).unwrap();
            assert_eq!(v, text.parse::<f64>().unwrap(), "{text}");
            assert_eq!(from_str::<f64>(&number(v).to_string()).unwrap().to_bits(), v.to_bits(), "{text}");
        }
    }

    #[test]
    fn parse_errors_have_byte_offsets() {
        let e = from_str::<u64>("[1,\n 2,,]").unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Malformed(_)), "{e}");
        assert_eq!(e.offset(), 7);
        let e = from_str::<u64>("\"x\"").unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnexpectedType { .. }), "{e}");
    }
}
