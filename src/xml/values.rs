//! XSD built-in value types that no Rust primitive holds exactly: `xs:decimal` (arbitrary
//! precision, written with the digits it came with), `xs:dateTime` and `xs:gYear` (with or
//! without a time zone, as written), `xs:base64Binary` (bytes). Generated code names them as
//! `Prim::TextValue` paths (`xml::Decimal`, …), so they arrive wrapped in [`Lenient`]: a value
//! outside the grammar is kept as its text.
//!
//! Each parses the XSD lexical form (surrounding whitespace collapsed) and writes it back the
//! way it came for every canonical input: `45.2735188510` keeps its trailing zero, `…:50.000Z`
//! its fraction and `Z`.
//!
//! [`Lenient`]: super::Lenient

use std::borrow::Cow;
use std::fmt;

use super::tokens::is_space_char;
use super::{TextValue, XmlText};
use crate::cbor::IntoOwned;
use crate::error::{DecodeError, ErrorKind};

fn bad(what: &str, text: &str) -> DecodeError {
    DecodeError::new(ErrorKind::InvalidValue(format!("{what}: {text:?}")), 0)
}

/// `xs:decimal`: a signed decimal number, exact (up to 38 significant digits), with the
/// number of fraction digits it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    /// `mantissa × 10^-scale` (`Decimal::new(2115, 1)` is `211.5`).
    pub const fn new(mantissa: i128, scale: u32) -> Self {
        Decimal { mantissa, scale }
    }

    /// The digits as an integer, sign included.
    pub const fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// How many of the digits are after the decimal point.
    pub const fn scale(&self) -> u32 {
        self.scale
    }

    /// The nearest `f64` (for arithmetic and range checks).
    pub fn to_f64(&self) -> f64 {
        // Through the decimal text: Rust's parser rounds correctly, a division would not.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Parses the XSD lexical form: `[+-]?(digits[.digits?] | .digits)`.
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let t = text.trim_matches(is_space_char);
        let err = || bad("not an xs:decimal", text);
        let (negative, body) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let mut mantissa: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or_else(|| bad("xs:decimal with more than 38 digits", text))?;
        }
        let scale = u32::try_from(frac.len()).map_err(|_| err())?;
        Ok(Decimal { mantissa: if negative { -mantissa } else { mantissa }, scale })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        if scale == 0 {
            return f.write_str(&digits);
        }
        let padded =
            if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale + 1 - digits.len())) } else { digits };
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{int}.{frac}")
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Decimal::new(v.into(), 0)
    }
}

/// A time zone of an XSD date/time value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeZone {
    /// `Z`.
    Utc,
    /// `+hh:mm` / `-hh:mm`, in minutes east of UTC (`+00:00` is `Offset(0)`, not `Utc`).
    Offset(i16),
}

impl TimeZone {
    /// Reads a time zone that makes up all of `t` (empty: none).
    fn parse(t: &str) -> Option<Option<TimeZone>> {
        match t.as_bytes() {
            [] => Some(None),
            [b'Z'] => Some(Some(TimeZone::Utc)),
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let h = two(*h1, *h2)?;
                let m = two(*m1, *m2)?;
                if m > 59 || h > 14 || (h == 14 && m > 0) {
                    return None;
                }
                let minutes = i16::from(h) * 60 + i16::from(m);
                Some(Some(TimeZone::Offset(if *sign == b'-' { -minutes } else { minutes })))
            }
            _ => None,
        }
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TimeZone::Utc => f.write_str("Z"),
            TimeZone::Offset(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                write!(f, "{sign}{:02}:{:02}", m.unsigned_abs() / 60, m.unsigned_abs() % 60)
            }
        }
    }
}

fn two(a: u8, b: u8) -> Option<u8> {
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
}

/// A year as XSD writes it: at least four digits, a leading `-` for years before 1 CE;
/// returns the year and the rest of `t`.
fn year(t: &str) -> Option<(i32, &str)> {
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    // More than four digits may not start with 0; year 0000 does not exist.
    if digits < 4 || (digits > 4 && body.starts_with('0')) {
        return None;
    }
    let y: i32 = body[..digits].parse().ok()?;
    if y == 0 {
        return None;
    }
    Some((if negative { -y } else { y }, &body[digits..]))
}

fn write_year(f: &mut fmt::Formatter<'_>, y: i32) -> fmt::Result {
    if y < 0 {
        f.write_str("-")?;
    }
    write!(f, "{:04}", y.unsigned_abs())
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `xs:dateTime`: `YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]`, with the fraction's digits and
/// the time zone (or its absence) as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// The year (negative before 1 CE).
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// 1–31, valid for the month.
    pub day: u8,
    /// 0–23 (24 only for `24:00:00`, the end of the day).
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–59.
    pub second: u8,
    /// Fraction of the second in nanoseconds.
    pub nanos: u32,
    /// How many fraction digits were written (0–9), so `.500` stays `.500`.
    pub fraction_digits: u8,
    /// The time zone, if any (a dateTime without one is local time).
    pub zone: Option<TimeZone>,
}

impl DateTime {
    /// Parses the XSD lexical form.
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let t = text.trim_matches(is_space_char);
        Self::parse_trimmed(t).ok_or_else(|| bad("not an xs:dateTime", text))
    }

    fn parse_trimmed(t: &str) -> Option<Self> {
        let (year, rest) = year(t)?;
        let b = rest.as_bytes();
        if b.len() < 15 || b[0] != b'-' || b[3] != b'-' || b[6] != b'T' || b[9] != b':' || b[12] != b':' {
            return None;
        }
        let month = two(b[1], b[2])?;
        let day = two(b[4], b[5])?;
        let hour = two(b[7], b[8])?;
        let minute = two(b[10], b[11])?;
        let second = two(b[13], b[14])?;
        let mut rest = &rest[15..];
        let (mut nanos, mut fraction_digits) = (0u32, 0u8);
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 || n > 9 {
                return None;
            }
            for d in frac[..n].bytes() {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            nanos *= 10u32.pow(9 - n as u32);
            fraction_digits = n as u8;
            rest = &frac[n..];
        }
        let zone = TimeZone::parse(rest)?;
        let end_of_day = hour == 24 && minute == 0 && second == 0 && nanos == 0;
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && (hour < 24 || end_of_day)
            && minute < 60
            && second < 60;
        valid.then_some(DateTime { year, month, day, hour, minute, second, nanos, fraction_digits, zone })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_year(f, self.year)?;
        write!(f, "-{:02}-{:02}T{:02}:{:02}:{:02}", self.month, self.day, self.hour, self.minute, self.second)?;
        if self.fraction_digits > 0 {
            let digits = format!("{:09}", self.nanos);
            write!(f, ".{}", &digits[..usize::from(self.fraction_digits.min(9))])?;
        }
        if let Some(z) = self.zone {
            write!(f, "{z}")?;
        }
        Ok(())
    }
}

/// `xs:gYear`: a year with an optional time zone (`2013`, `-0044`, `2013Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GYear {
    /// The year (negative before 1 CE).
    pub year: i32,
    /// The time zone, if written.
    pub zone: Option<TimeZone>,
}

impl GYear {
    /// Parses the XSD lexical form.
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let t = text.trim_matches(is_space_char);
        year(t)
            .and_then(|(year, rest)| Some(GYear { year, zone: TimeZone::parse(rest)? }))
            .ok_or_else(|| bad("not an xs:gYear", text))
    }
}

impl fmt::Display for GYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_year(f, self.year)?;
        if let Some(z) = self.zone {
            write!(f, "{z}")?;
        }
        Ok(())
    }
}

/// `xs:base64Binary`: bytes. Whitespace inside the text (line breaks in certificates and
/// signature values) is allowed and not kept; the text form is canonical base64 on one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64(pub Vec<u8>);

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Base64 {
    /// Parses base64 with `=` padding, ignoring whitespace.
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let err = || bad("not xs:base64Binary", text);
        let mut sextets = Vec::with_capacity(text.len());
        let mut padding = 0;
        for b in text.bytes() {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'=' => padding += 1,
                _ if padding > 0 => return Err(err()),
                _ => {
                    let v = ALPHABET.iter().position(|&a| a == b).ok_or_else(err)?;
                    sextets.push(v as u8);
                }
            }
        }
        if (sextets.len() + padding) % 4 != 0 || padding > 2 || (padding > 0 && sextets.len() % 4 == 0) {
            return Err(err());
        }
        let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
        for chunk in sextets.chunks(4) {
            let n = chunk.iter().fold(0u32, |acc, &s| (acc << 6) | u32::from(s)) << (6 * (4 - chunk.len()));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            // 4 sextets give 3 bytes, 3 give 2, 2 give 1; the unused bits must be zero.
            let keep = chunk.len() - 1;
            if keep < 3 && bytes[keep..].iter().any(|&b| b != 0) {
                return Err(err());
            }
            out.extend_from_slice(&bytes[..keep]);
        }
        Ok(Base64(out))
    }
}

impl fmt::Display for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(self.0.len().div_ceil(3) * 4);
        for chunk in self.0.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    s.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        f.write_str(&s)
    }
}

macro_rules! xsd_values {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl TextValue for $t {
            const NAME: &'static str = $name;
            fn parse(text: &str) -> Result<Self, DecodeError> {
                <$t>::parse(text)
            }
        }
        impl<'a> XmlText<'a> for $t {
            fn from_text(text: Cow<'a, str>) -> Result<Self, DecodeError> {
                <$t>::parse(&text)
            }
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
        impl IntoOwned for $t {
            type Owned = $t;
            fn into_owned(self) -> $t { self }
        }
    )*};
}
xsd_values!(Decimal => "xs:decimal", DateTime => "xs:dateTime", GYear => "xs:gYear", Base64 => "xs:base64Binary");

/// JSON: the XSD text form, as the XML has it (a decimal stays a string: its digits are exact).
#[cfg(feature = "json")]
macro_rules! xsd_values_json {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl crate::json::ToJson for $t {
            fn to_json(&self) -> crate::json::Value {
                crate::json::Value::String(self.to_string())
            }
        }
        impl crate::json::FromJson for $t {
            fn from_json(v: &crate::json::Value) -> Result<Self, DecodeError> {
                let s = v.as_str().ok_or_else(|| crate::json::expected($what, v))?;
                <$t>::parse(s)
            }
        }
    )*};
}
#[cfg(feature = "json")]
xsd_values_json!(
    Decimal => "an xs:decimal string",
    DateTime => "an xs:dateTime string",
    GYear => "an xs:gYear string",
    Base64 => "an xs:base64Binary string",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_digits() {
        for s in ["45.2735188510", "-0.5", "211", "0.000", "-180.0", "12345678901234567890.123456789"] {
            assert_eq!(Decimal::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Decimal::parse(" +.5 ").unwrap(), Decimal::new(5, 1));
        assert_eq!(Decimal::parse(".5").unwrap().to_string(), "0.5");
        assert_eq!(Decimal::parse("7.").unwrap().to_string(), "7");
        assert_eq!(Decimal::parse("-90.0").unwrap().to_f64(), -90.0);
        for s in ["", ".", "-", "1e5", "1.2.3", "0x10", "NaN", "1 2", "1234567890123456789012345678901234567890"] {
            assert!(matches!(Decimal::parse(s).unwrap_err().kind(), ErrorKind::InvalidValue(_)), "{s:?}");
        }
    }

    #[test]
    fn date_times_keep_fraction_and_zone() {
        for s in [
            "2020-12-18T06:15:50Z",
            "2013-01-01T12:00:00",
            "2009-10-17T18:37:26.500Z",
            "2001-02-03T04:05:06.123456789+05:30",
            "-0044-03-15T12:00:00-01:00",
            "2000-02-29T24:00:00",
            "12345-01-01T00:00:00+00:00",
        ] {
            assert_eq!(DateTime::parse(s).unwrap().to_string(), s);
        }
        let t = DateTime::parse("2020-12-18T06:15:50.25Z").unwrap();
        assert_eq!((t.year, t.month, t.day, t.hour, t.second, t.nanos), (2020, 12, 18, 6, 50, 250_000_000));
        assert_eq!(t.zone, Some(TimeZone::Utc));
        for s in [
            "2020-12-18",
            "2020-13-01T00:00:00",
            "2019-02-29T00:00:00",
            "2020-12-18T24:00:01",
            "2020-12-18T06:15:50.Z",
            "2020-12-18T06:15:50+15:00",
            "0000-01-01T00:00:00",
            "02020-01-01T00:00:00",
            "2020-12-18 06:15:50",
            "2020-12-18T06:15:50.1234567890Z",
        ] {
            assert!(DateTime::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn years() {
        for s in ["2013", "-0001", "2013Z", "2013-05:00", "10000"] {
            assert_eq!(GYear::parse(s).unwrap().to_string(), s);
        }
        for s in ["13", "0000", "2013-5", "2013 Z", "02013"] {
            assert!(GYear::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn base64_round_trips_and_ignores_whitespace() {
        for (text, bytes) in [("", &b""[..]), ("Zg==", b"f"), ("Zm8=", b"fo"), ("Zm9v", b"foo"), ("Zm9vYg==", b"foob")]
        {
            let v = Base64::parse(text).unwrap();
            assert_eq!(v.0, bytes);
            assert_eq!(v.to_string(), text);
        }
        assert_eq!(Base64::parse("\n  Zm9v\n  YmFy\n").unwrap().0, b"foobar");
        for s in ["Zg=", "Zg", "Z===", "Zh==", "Zm9v=", "Zm-v", "=Zm9", "Zg==Zg=="] {
            assert!(Base64::parse(s).is_err(), "{s:?}");
        }
    }
}
