//! JSON for the generated types, with the schema's own field names (feature `json`), in one of
//! two forms the generator is asked for (`JsonForm`):
//!
//! - the *view* of CBOR and XML messages (the default, and what `osmos decode` prints), below;
//! - JSON *texts* a CDDL schema describes (WebDriver BiDi), whose rules are the schema's: see
//!   [`text`].
//!
//! The view is lossless so that `osmos decode` output can be fed back to `osmos encode`:
//! absent optional fields are absent keys, `null` is `null`, byte strings are lowercase hex,
//! enumeration values are their schema names, a choice is `{"<alternative>": value}`, a raw
//! `any` item is `{"cbor": "<hex>"}`, raw XML content is its text, and the MOS value types
//! (time, duration, number, message ID, trigger) are their canonical text.

use std::borrow::Cow;

pub use serde_json::{Map, Value};

pub mod text;
pub use text::{from_str, to_string};

use crate::cbor::{Nullable, RawCbor, Undefined};
use crate::error::{DecodeError, ErrorKind};
use crate::mos::value::{MessageId, MosDuration, MosNumber, MosTime, Trigger};
use crate::xml::{Lenient, RawXml, TextValue};

/// Converts a value to JSON.
pub trait ToJson {
    /// The JSON form.
    fn to_json(&self) -> Value;
}

/// Builds a value from its JSON form.
pub trait FromJson: Sized {
    /// Parses the JSON form; errors carry the path of the offending member.
    fn from_json(v: &Value) -> Result<Self, DecodeError>;
}

/// An error for a JSON value of the wrong shape.
pub fn expected(what: &'static str, v: &Value) -> DecodeError {
    let found = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    DecodeError::new(ErrorKind::UnexpectedType { expected: what, found: found.into() }, 0)
}

/// The object members of `v`.
pub fn object<'v>(v: &'v Value, what: &'static str) -> Result<&'v Map<String, Value>, DecodeError> {
    v.as_object().ok_or_else(|| expected(what, v))
}

/// A required member of an object.
pub fn field<T: FromJson>(obj: &Map<String, Value>, name: &'static str) -> Result<T, DecodeError> {
    match obj.get(name) {
        Some(v) => T::from_json(v).map_err(|e| e.in_field(name)),
        None => Err(DecodeError::new(ErrorKind::MissingField(name), 0)),
    }
}

/// An optional member of an object.
pub fn opt_field<T: FromJson>(obj: &Map<String, Value>, name: &'static str) -> Result<Option<T>, DecodeError> {
    obj.get(name).map(|v| T::from_json(v).map_err(|e| e.in_field(name))).transpose()
}

/// Rejects members the schema does not define, so a misspelt field is an error, not a default.
pub fn deny_unknown(obj: &Map<String, Value>, known: &[&str]) -> Result<(), DecodeError> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(DecodeError::new(ErrorKind::InvalidValue(format!("unknown member {k:?}")), 0)),
        None => Ok(()),
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Bytes from hex (either case, no separators).
pub fn unhex(s: &str) -> Result<Vec<u8>, DecodeError> {
    let bad = || DecodeError::new(ErrorKind::InvalidValue(format!("not hex: {s:?}")), 0);
    if s.len() % 2 != 0 {
        return Err(bad());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(bad))
        .collect()
}

/// Any JSON value, as it is (for reading texts whose shape is not a schema's).
impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}
impl FromJson for Value {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        Ok(v.clone())
    }
}

impl ToJson for u64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}
impl FromJson for u64 {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        v.as_u64().ok_or_else(|| expected("an unsigned integer", v))
    }
}
impl ToJson for i64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}
impl FromJson for i64 {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        v.as_i64().ok_or_else(|| expected("an integer", v))
    }
}
/// The bits of the NaN a JSON view writes as plain `"NaN"` (what CBOR's `f97e00` and
/// `fb7ff8000000000000` decode to); any other NaN keeps its bits as `"NaN:7ff8000000000001"`.
const CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

/// JSON has no NaN or infinities, and `null` already means CBOR null: non-finite floats
/// are the strings JavaScript's `String(x)` gives, so a JSON view stays lossless.
impl ToJson for f64 {
    fn to_json(&self) -> Value {
        if let Some(n) = serde_json::Number::from_f64(*self) {
            return Value::Number(n);
        }
        let text = if self.is_nan() {
            match self.to_bits() {
                CANONICAL_NAN => "NaN".to_owned(),
                bits => format!("NaN:{bits:016x}"),
            }
        } else if *self > 0.0 {
            "Infinity".to_owned()
        } else {
            "-Infinity".to_owned()
        };
        Value::String(text)
    }
}
impl FromJson for f64 {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        const WHAT: &str = "a number, \"NaN\", \"Infinity\" or \"-Infinity\"";
        match v {
            Value::String(s) => match s.as_str() {
                "NaN" => Ok(f64::from_bits(CANONICAL_NAN)),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                s => s
                    .strip_prefix("NaN:")
                    .and_then(|h| u64::from_str_radix(h, 16).ok())
                    .map(f64::from_bits)
                    .filter(|f| f.is_nan())
                    .ok_or_else(|| expected(WHAT, v)),
            },
            _ => v.as_f64().ok_or_else(|| expected(WHAT, v)),
        }
    }
}
impl ToJson for f32 {
    fn to_json(&self) -> Value {
        f64::from(*self).to_json()
    }
}
impl FromJson for f32 {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        f64::from_json(v).map(|f| f as f32)
    }
}
impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}
impl FromJson for bool {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        v.as_bool().ok_or_else(|| expected("a boolean", v))
    }
}
impl ToJson for () {
    fn to_json(&self) -> Value {
        Value::Null
    }
}
impl FromJson for () {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        v.is_null().then_some(()).ok_or_else(|| expected("null", v))
    }
}
/// JSON has no `undefined`: it is `null`, as `JSON.stringify` writes it in arrays.
impl ToJson for Undefined {
    fn to_json(&self) -> Value {
        Value::Null
    }
}
impl FromJson for Undefined {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        v.is_null().then_some(Undefined).ok_or_else(|| expected("null (undefined)", v))
    }
}
impl ToJson for Cow<'_, str> {
    fn to_json(&self) -> Value {
        Value::String(self.to_string())
    }
}
impl FromJson for Cow<'_, str> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        v.as_str().map(|s| Cow::Owned(s.to_owned())).ok_or_else(|| expected("a string", v))
    }
}
impl ToJson for Cow<'_, [u8]> {
    fn to_json(&self) -> Value {
        Value::String(hex(self))
    }
}
impl FromJson for Cow<'_, [u8]> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        let s = v.as_str().ok_or_else(|| expected("a hex string", v))?;
        unhex(s).map(Cow::Owned)
    }
}
impl ToJson for RawCbor<'_> {
    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("cbor".into(), Value::String(hex(self.as_bytes())));
        Value::Object(m)
    }
}
impl FromJson for RawCbor<'_> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        let obj = object(v, "an object {\"cbor\": \"<hex>\"}")?;
        let hex: Cow<'_, [u8]> = field(obj, "cbor")?;
        RawCbor::from_bytes(hex.into_owned()).map_err(|e| e.in_field("cbor"))
    }
}
impl ToJson for RawXml<'_> {
    fn to_json(&self) -> Value {
        Value::String(self.as_str().to_owned())
    }
}
impl FromJson for RawXml<'_> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        v.as_str().map(|s| RawXml::new(s.to_owned())).ok_or_else(|| expected("a string of raw XML", v))
    }
}

macro_rules! text_value_json {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::String(self.to_string())
            }
        }
        impl FromJson for $t {
            fn from_json(v: &Value) -> Result<Self, DecodeError> {
                let s = v.as_str().ok_or_else(|| expected($what, v))?;
                <$t>::parse(s).map_err(|e| e.into_decode_error(0))
            }
        }
    )*};
}
text_value_json!(
    MosTime => "a MOS time string",
    MosDuration => "a MOS duration string",
    MosNumber => "a MOS number string",
    MessageId => "a MOS messageID string",
    Trigger => "a MOS trigger string",
);

/// A lenient value is its text: the canonical form when it parsed, the text as received when not.
impl<T: ToJson> ToJson for Lenient<'_, T> {
    fn to_json(&self) -> Value {
        match self {
            Lenient::Value(v) => v.to_json(),
            Lenient::Invalid(t) => Value::String(t.to_string()),
        }
    }
}
impl<T: TextValue> FromJson for Lenient<'_, T> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        let s = v.as_str().ok_or_else(|| expected("a string", v))?;
        Ok(match T::parse(s) {
            Ok(x) => Lenient::Value(x),
            Err(_) => Lenient::Invalid(Cow::Owned(s.to_owned())),
        })
    }
}

impl<T: ToJson> ToJson for Nullable<T> {
    fn to_json(&self) -> Value {
        match self {
            Nullable::Null => Value::Null,
            Nullable::Value(v) => v.to_json(),
        }
    }
}
impl<T: FromJson> FromJson for Nullable<T> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        if v.is_null() {
            Ok(Nullable::Null)
        } else {
            T::from_json(v).map(Nullable::Value)
        }
    }
}
impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        let items = v.as_array().ok_or_else(|| expected("an array", v))?;
        items.iter().enumerate().map(|(i, x)| T::from_json(x).map_err(|e| e.at_index(i))).collect()
    }
}
/// A field through which a type contains itself: the value.
impl<T: ToJson> ToJson for Box<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}
impl<T: FromJson> FromJson for Box<T> {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        T::from_json(v).map(Box::new)
    }
}

/// A table entry (`* K => V`): `[key, value]`, since a key need not be text.
impl<K: ToJson, V: ToJson> ToJson for (K, V) {
    fn to_json(&self) -> Value {
        Value::Array(vec![self.0.to_json(), self.1.to_json()])
    }
}
impl<K: FromJson, V: FromJson> FromJson for (K, V) {
    fn from_json(v: &Value) -> Result<Self, DecodeError> {
        match v.as_array().map(Vec::as_slice) {
            Some([k, x]) => {
                Ok((K::from_json(k).map_err(|e| e.at_index(0))?, V::from_json(x).map_err(|e| e.at_index(1))?))
            }
            _ => Err(expected("a [key, value] array", v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
        assert_eq!(unhex("00AB7f").unwrap(), vec![0x00, 0xab, 0x7f]);
        assert!(unhex("abc").is_err());
        assert!(unhex("zz").is_err());
    }

    #[test]
    fn nullable_and_lists() {
        let v: Nullable<u64> = FromJson::from_json(&Value::Null).unwrap();
        assert_eq!(v, Nullable::Null);
        let e = Vec::<u64>::from_json(&serde_json::json!([1, "x"])).unwrap_err();
        assert_eq!(e.path().to_string(), "[1]");
    }
}
