//! Typed MOS text values: times, durations, numbers, message IDs and triggers.
//!
//! MOS carries every value as element text (SPEC285 §6). Each type here parses the spec form
//! plus the variants real systems send (lenient in), and its `Display` writes only the spec
//! form (strict out), so parsing canonical text and displaying it gives the same bytes back.
//!
//! Every parser trims surrounding XML whitespace (space, tab, CR, LF), because MOS vendors are
//! "encouraged to add CR/LF and Tabs within a message" and element text then carries them. An
//! empty value is an error here: whether an empty element means "absent" is for the generated
//! decoder to decide, not for the value grammar.

use std::fmt;
use std::str::FromStr;

use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while1, take_while_m_n};
use nom::character::complete::{char, one_of};
use nom::{IResult, Parser};

use crate::error::{DecodeError, ErrorKind};

/// A MOS value that does not parse: what was expected and where.
///
/// The offset counts characters from the start of the text given to `parse`, leading
/// whitespace included. Every grammar here accepts only ASCII, so everything before a failure
/// is ASCII and the offset is also a byte offset into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    type_name: &'static str,
    message: String,
    offset: usize,
}

impl ValueError {
    fn new(type_name: &'static str, message: impl Into<String>, offset: usize) -> Self {
        ValueError { type_name, message: message.into(), offset }
    }

    /// The value type that failed, e.g. `"MOS time"`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// What was wrong, e.g. `"month must be 01-12"`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Character (and byte) offset of the failure in the text given to `parse`.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The shared decode error ([`ErrorKind::InvalidValue`]) for a value whose text starts at
    /// byte `value_offset` of the decoder's input.
    pub fn into_decode_error(self, value_offset: usize) -> DecodeError {
        DecodeError::new(
            ErrorKind::InvalidValue(format!("{}: {}", self.type_name, self.message)),
            value_offset + self.offset,
        )
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} at character {}: {}", self.type_name, self.offset, self.message)
    }
}

impl std::error::Error for ValueError {}

impl From<ValueError> for DecodeError {
    /// The offset stays relative to the value; callers that know where the value starts use
    /// [`ValueError::into_decode_error`] or [`DecodeError::shifted`].
    fn from(e: ValueError) -> Self {
        e.into_decode_error(0)
    }
}

type NomError<'a> = nom::error::Error<&'a str>;

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Walks a value left to right so that every error can name the offset where it happened;
/// nom parsers do the matching, the cursor does the bookkeeping.
struct Cursor<'a> {
    type_name: &'static str,
    /// Length of the text given to `parse`, minus trailing whitespace.
    end: usize,
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(type_name: &'static str, text: &'a str) -> Self {
        let trimmed_end = text.trim_end_matches(is_xml_space);
        let rest = trimmed_end.trim_start_matches(is_xml_space);
        Cursor { type_name, end: trimmed_end.len(), rest }
    }

    fn pos(&self) -> usize {
        self.end - self.rest.len()
    }

    fn error(&self, message: impl Into<String>, offset: usize) -> ValueError {
        ValueError::new(self.type_name, message, offset)
    }

    fn take<O, P>(&mut self, mut parser: P, expected: &str) -> Result<O, ValueError>
    where
        P: Parser<&'a str, Output = O, Error = NomError<'a>>,
    {
        match parser.parse_complete(self.rest) {
            Ok((rest, out)) => {
                self.rest = rest;
                Ok(out)
            }
            Err(_) => Err(self.error(format!("expected {expected}"), self.pos())),
        }
    }

    fn try_take<O, P>(&mut self, mut parser: P) -> Option<O>
    where
        P: Parser<&'a str, Output = O, Error = NomError<'a>>,
    {
        match parser.parse_complete(self.rest) {
            Ok((rest, out)) => {
                self.rest = rest;
                Some(out)
            }
            Err(_) => None,
        }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn finish(&self) -> Result<(), ValueError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(self.error("unexpected characters after the value", self.pos()))
        }
    }

    /// A fixed-width decimal field such as `MM`, with its offset for range errors.
    fn fixed_digits(&mut self, width: usize, name: &str) -> Result<(u32, usize), ValueError> {
        let at = self.pos();
        // The error text is built only on failure: parsing a valid time allocates nothing.
        let Some(digits) = self.try_take(take_while_m_n(width, width, |c: char| c.is_ascii_digit())) else {
            return Err(self.error(format!("expected {width}-digit {name}"), at));
        };
        // At most 4 ASCII digits: cannot overflow.
        Ok((digits.bytes().fold(0, |n, d| n * 10 + u32::from(d - b'0')), at))
    }

    /// A MOS number (SPEC285 §2.1 "Numbers"): decimal, or hex after `0x` / `x`.
    fn number(&mut self) -> Result<(u64, usize), ValueError> {
        let at = self.pos();
        let hex = self.try_take(alt((tag_no_case("0x"), tag_no_case("x")))).is_some();
        let (digits, radix) = if hex {
            (self.take(take_while1(|c: char| c.is_ascii_hexdigit()), "hex digits")?, 16)
        } else {
            (self.take(take_while1(|c: char| c.is_ascii_digit()), "a number")?, 10)
        };
        let mut value: u64 = 0;
        for c in digits.chars() {
            let d = u64::from(c.to_digit(radix).unwrap_or(0));
            value = value
                .checked_mul(u64::from(radix))
                .and_then(|v| v.checked_add(d))
                .ok_or_else(|| self.error("number too large", at))?;
        }
        Ok((value, at))
    }
}

fn digits_1_2(input: &str) -> IResult<&str, &str> {
    take_while_m_n(1, 2, |c: char| c.is_ascii_digit())(input)
}

fn to_u32(digits: &str) -> u32 {
    digits.bytes().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

// ---------------------------------------------------------------------------------------------

/// The zone of a [`MosTime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeZone {
    /// `Z`: UTC.
    Utc,
    /// `±hh:mm`: minutes east of UTC, within ±23:59.
    Offset(i16),
}

/// A fraction of a second as it was written: `value` over `10^digits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fraction {
    value: u32,
    digits: u8,
}

impl Fraction {
    /// `value / 10^digits` seconds; `None` unless `1 <= digits <= 9` and `value < 10^digits`.
    pub fn new(value: u32, digits: u8) -> Option<Self> {
        ((1..=9).contains(&digits) && value < 10u32.pow(u32::from(digits))).then_some(Fraction { value, digits })
    }

    /// The digits as an integer (`125` for `,125`, `5` for `,005`).
    pub fn value(&self) -> u32 {
        self.value
    }

    /// How many digits were written (the spec's form has 3).
    pub fn digits(&self) -> u8 {
        self.digits
    }

    /// The fraction in nanoseconds.
    pub fn nanos(&self) -> u32 {
        self.value * 10u32.pow(9 - u32::from(self.digits))
    }
}

/// A MOS time (`time`, `created`, `changed`, `opTime`, `roEdStart`, `roCtrlTime`):
/// `YYYY-MM-DD'T'hh:mm:ss[,ddd]['Z'|±hh:mm]` (SPEC285 §6).
///
/// Accepted beyond the spec, because real systems send it (mos.md §5, corpus sample
/// `roElementStat.openmos-go-comma_fraction_time.xml`):
/// - `.` as well as `,` before the fraction, and 1 to 9 fraction digits instead of exactly 3;
/// - zone `Z` or `z`, `±hh:mm`, `±hhmm`, `±hh`, or no zone;
/// - `t` or a space instead of `T` (RFC 3339 §5.6 allows both);
/// - second `60` (a leap second, as ISO 8601 allows);
/// - surrounding whitespace.
///
/// Not accepted: one-digit fields, a missing seconds field, years outside `0000`–`9999`,
/// invalid calendar dates (`2023-02-29`).
///
/// `Display` writes `T`, a comma and exactly the fraction digits that were parsed, `Z` for UTC
/// and `±hh:mm` for an offset; an offset of zero written `-00:00` comes back as `+00:00`.
/// Equality is field by field (`,5` and `,500` differ; so do `Z` and `+00:00`): compare
/// [`MosTime::unix_millis`] for instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MosTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    fraction: Option<Fraction>,
    zone: Option<TimeZone>,
}

const TIME: &str = "MOS time";

fn is_leap_year(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible
/// low-level date algorithms").
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl MosTime {
    /// A time without fraction or zone; `None` if a field is out of range or the date does
    /// not exist.
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let valid = year <= 9999
            && (1..=12).contains(&month)
            && day >= 1
            && u32::from(day) <= days_in_month(u32::from(year), u32::from(month))
            && hour <= 23
            && minute <= 59
            && second <= 60;
        valid.then_some(MosTime { year, month, day, hour, minute, second, fraction: None, zone: None })
    }

    /// The same time with a fraction of a second.
    #[must_use]
    pub fn with_fraction(mut self, fraction: Option<Fraction>) -> Self {
        self.fraction = fraction;
        self
    }

    /// The same time with a zone; `None` if an offset is beyond ±23:59.
    pub fn with_zone(mut self, zone: Option<TimeZone>) -> Option<Self> {
        if let Some(TimeZone::Offset(m)) = zone {
            if m.unsigned_abs() > 23 * 60 + 59 {
                return None;
            }
        }
        self.zone = zone;
        Some(self)
    }

    /// The UTC time `millis` milliseconds after 1970-01-01T00:00:00Z, written with a
    /// three-digit fraction and `Z` as the spec's examples are; `None` outside years 0–9999.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        let days = millis.div_euclid(86_400_000);
        let ms_of_day = millis.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return None;
        }
        let secs = ms_of_day / 1000;
        let time = MosTime::new(
            year as u16,
            month as u8,
            day as u8,
            (secs / 3600) as u8,
            (secs / 60 % 60) as u8,
            (secs % 60) as u8,
        )?;
        time.with_fraction(Fraction::new((ms_of_day % 1000) as u32, 3)).with_zone(Some(TimeZone::Utc))
    }

    /// Milliseconds since 1970-01-01T00:00:00Z, fraction truncated. A time without a zone is
    /// taken as UTC (the spec leaves its meaning open); a leap second counts as the first
    /// second of the next minute.
    pub fn unix_millis(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), u32::from(self.month), u32::from(self.day));
        let secs = days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        let offset_secs = match self.zone {
            Some(TimeZone::Offset(m)) => i64::from(m) * 60,
            _ => 0,
        };
        let millis = self.fraction.map_or(0, |f| i64::from(f.nanos() / 1_000_000));
        (secs - offset_secs) * 1000 + millis
    }

    /// Parses a MOS time; see the type's documentation for what is accepted.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(TIME, text);
        let (year, _) = c.fixed_digits(4, "year")?;
        c.take(char('-'), "'-'")?;
        let (month, month_at) = c.fixed_digits(2, "month")?;
        c.take(char('-'), "'-'")?;
        let (day, day_at) = c.fixed_digits(2, "day")?;
        c.take(one_of("Tt "), "'T'")?;
        let (hour, hour_at) = c.fixed_digits(2, "hour")?;
        c.take(char(':'), "':'")?;
        let (minute, minute_at) = c.fixed_digits(2, "minute")?;
        c.take(char(':'), "':'")?;
        let (second, second_at) = c.fixed_digits(2, "second")?;

        if !(1..=12).contains(&month) {
            return Err(c.error("month must be 01-12", month_at));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(c.error(format!("day must be 01-{:02}", days_in_month(year, month)), day_at));
        }
        if hour > 23 {
            return Err(c.error("hour must be 00-23", hour_at));
        }
        if minute > 59 {
            return Err(c.error("minute must be 00-59", minute_at));
        }
        if second > 60 {
            return Err(c.error("second must be 00-60", second_at));
        }

        let fraction = if c.try_take(one_of(",.")).is_some() {
            let at = c.pos();
            let digits = c.take(take_while1(|ch: char| ch.is_ascii_digit()), "fraction digits")?;
            if digits.len() > 9 {
                return Err(c.error("at most 9 fraction digits", at));
            }
            Fraction::new(to_u32(digits), digits.len() as u8)
        } else {
            None
        };

        let zone = if c.try_take(one_of("Zz")).is_some() {
            Some(TimeZone::Utc)
        } else if let Some(sign) = c.try_take(one_of("+-")) {
            let (hours, hours_at) = c.fixed_digits(2, "zone hour")?;
            let minutes = if c.is_empty() {
                (0, c.pos())
            } else {
                c.try_take(char(':'));
                c.fixed_digits(2, "zone minute")?
            };
            if hours > 23 {
                return Err(c.error("zone hour must be 00-23", hours_at));
            }
            if minutes.0 > 59 {
                return Err(c.error("zone minute must be 00-59", minutes.1));
            }
            let total = (hours * 60 + minutes.0) as i16;
            Some(TimeZone::Offset(if sign == '-' { -total } else { total }))
        } else {
            None
        };
        c.finish()?;

        Ok(MosTime {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            fraction,
            zone,
        })
    }

    /// Year, 0–9999.
    pub fn year(&self) -> u16 {
        self.year
    }
    /// Month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// Day of the month, 1–31.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// Hour, 0–23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// Minute, 0–59.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// Second, 0–60 (60 only for a leap second).
    pub fn second(&self) -> u8 {
        self.second
    }
    /// The fraction of a second, if one was written.
    pub fn fraction(&self) -> Option<Fraction> {
        self.fraction
    }
    /// The zone, if one was written.
    pub fn zone(&self) -> Option<TimeZone> {
        self.zone
    }
}

impl fmt::Display for MosTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if let Some(fr) = self.fraction {
            write!(f, ",{:0width$}", fr.value, width = usize::from(fr.digits))?;
        }
        match self.zone {
            None => Ok(()),
            Some(TimeZone::Utc) => f.write_str("Z"),
            Some(TimeZone::Offset(m)) => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }
}

impl FromStr for MosTime {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        MosTime::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------

/// A MOS duration (`roEdDur`): `hh:mm:ss` (SPEC285 §6).
///
/// Accepted beyond the spec: any number of hour digits (a running order can be longer than a
/// day; up to `u32::MAX` hours), one-digit minutes and seconds, surrounding whitespace.
/// Not accepted: fractions of a second, negative durations, minutes or seconds above 59.
/// `Display` zero-pads every field to at least two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct MosDuration {
    hours: u32,
    minutes: u8,
    seconds: u8,
}

const DURATION: &str = "MOS duration";

impl MosDuration {
    /// `None` if minutes or seconds exceed 59.
    pub fn new(hours: u32, minutes: u8, seconds: u8) -> Option<Self> {
        (minutes <= 59 && seconds <= 59).then_some(MosDuration { hours, minutes, seconds })
    }

    /// `None` if the hours do not fit in a `u32`.
    pub fn from_secs(secs: u64) -> Option<Self> {
        let hours = u32::try_from(secs / 3600).ok()?;
        Some(MosDuration { hours, minutes: (secs / 60 % 60) as u8, seconds: (secs % 60) as u8 })
    }

    /// The whole duration in seconds.
    pub fn as_secs(&self) -> u64 {
        u64::from(self.hours) * 3600 + u64::from(self.minutes) * 60 + u64::from(self.seconds)
    }

    /// Hours.
    pub fn hours(&self) -> u32 {
        self.hours
    }
    /// Minutes, 0–59.
    pub fn minutes(&self) -> u8 {
        self.minutes
    }
    /// Seconds, 0–59.
    pub fn seconds(&self) -> u8 {
        self.seconds
    }

    /// Parses `hh:mm:ss`; see the type's documentation for what is accepted.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(DURATION, text);
        let hours_at = c.pos();
        let hours = c.take(take_while1(|ch: char| ch.is_ascii_digit()), "hours")?;
        let hours = hours
            .bytes()
            .try_fold(0u32, |n, d| n.checked_mul(10)?.checked_add(u32::from(d - b'0')))
            .ok_or_else(|| c.error("hours too large", hours_at))?;
        c.take(char(':'), "':'")?;
        let minutes_at = c.pos();
        let minutes = to_u32(c.take(digits_1_2, "minutes")?);
        c.take(char(':'), "':'")?;
        let seconds_at = c.pos();
        let seconds = to_u32(c.take(digits_1_2, "seconds")?);
        c.finish()?;
        if minutes > 59 {
            return Err(c.error("minutes must be 00-59", minutes_at));
        }
        if seconds > 59 {
            return Err(c.error("seconds must be 00-59", seconds_at));
        }
        Ok(MosDuration { hours, minutes: minutes as u8, seconds: seconds as u8 })
    }
}

impl fmt::Display for MosDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.hours, self.minutes, self.seconds)
    }
}

impl FromStr for MosDuration {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        MosDuration::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------

/// An unsigned MOS number up to `0xFFFFFFFF` (`itemEdStart`, `objDur`, `objTB`, ...).
///
/// Accepted: decimal; hex after `0x` or `x` (SPEC285 §2.1 "Numbers"), prefix and digits in any
/// case; leading zeros; surrounding whitespace. Not accepted: a sign, a fraction (a
/// fractional `objTB` such as `59.94` needs another type), digit separators.
///
/// `Display` writes decimal: the hex form is an allowed spelling of the same number, not a
/// different value, so it is not remembered (and `0x10 == 16`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct MosNumber(pub u32);

impl MosNumber {
    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// Parses a MOS number; see the type's documentation for what is accepted.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new("MOS number", text);
        let (value, at) = c.number()?;
        c.finish()?;
        u32::try_from(value).map(MosNumber).map_err(|_| c.error("number above 0xFFFFFFFF", at))
    }
}

impl From<u32> for MosNumber {
    fn from(n: u32) -> Self {
        MosNumber(n)
    }
}

impl From<MosNumber> for u32 {
    fn from(n: MosNumber) -> Self {
        n.0
    }
}

impl fmt::Display for MosNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for MosNumber {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        MosNumber::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------

/// A `messageID` (SPEC285 §4.1.6): a signed 32-bit integer, at least 1.
///
/// Accepted: decimal or hex, in the [`MosNumber`] spellings (leading zeros as in the corpus's
/// `00000008`, `0x`/`x` prefix, whitespace). Rejected: 0, a sign, anything above
/// `0x7FFFFFFF`. `Display` writes decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(i32);

impl MessageId {
    /// The ID a sender starts with and wraps back to.
    pub const FIRST: MessageId = MessageId(1);

    /// `None` unless `id >= 1`.
    pub fn new(id: i32) -> Option<Self> {
        (id >= 1).then_some(MessageId(id))
    }

    /// The ID.
    pub fn get(self) -> i32 {
        self.0
    }

    /// The ID a sender uses for its next message: incremented, wrapping to 1 after
    /// `i32::MAX` as SPEC285 §4.1.6 requires.
    #[must_use]
    pub fn next(self) -> Self {
        if self.0 == i32::MAX {
            MessageId::FIRST
        } else {
            MessageId(self.0 + 1)
        }
    }

    /// Parses a message ID; see the type's documentation for what is accepted.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new("MOS messageID", text);
        let (value, at) = c.number()?;
        c.finish()?;
        if value == 0 {
            return Err(c.error("messageID must be at least 1", at));
        }
        i32::try_from(value).map(MessageId).map_err(|_| c.error("messageID above 2147483647", at))
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for MessageId {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        MessageId::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------

/// `itemTrigger` / `roTrigger` (SPEC285 §6): `MANUAL`, `TIMED`, `CHAINED` or
/// `CHAINED <sign><samples>`.
///
/// Accepted beyond the spec: keywords in any case; any whitespace (or none) between `CHAINED`
/// and the offset; an offset without sign (taken as positive); the offset in hex, as every MOS
/// number may be; surrounding whitespace. `Display` writes upper case, one space and an
/// explicit sign (`CHAINED +35`); `CHAINED -0` comes back as `CHAINED +0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// `MANUAL`.
    Manual,
    /// `TIMED`.
    Timed,
    /// `CHAINED` without offset.
    Chained,
    /// `CHAINED ±n`: chained with an offset in samples (at most `0xFFFFFFFF` either way).
    ChainedOffset(i64),
}

impl Trigger {
    /// The chain offset in samples, for [`Trigger::ChainedOffset`].
    pub fn chain_offset(&self) -> Option<i64> {
        match self {
            Trigger::ChainedOffset(n) => Some(*n),
            _ => None,
        }
    }

    /// Parses a trigger; see the type's documentation for what is accepted.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new("MOS trigger", text);
        let keyword = c.take(
            alt((tag_no_case("MANUAL"), tag_no_case("TIMED"), tag_no_case("CHAINED"))),
            "MANUAL, TIMED or CHAINED",
        )?;
        let trigger = if keyword.eq_ignore_ascii_case("MANUAL") {
            Trigger::Manual
        } else if keyword.eq_ignore_ascii_case("TIMED") {
            Trigger::Timed
        } else {
            let spaced = c.try_take(take_while1(is_xml_space)).is_some();
            if c.is_empty() {
                Trigger::Chained
            } else {
                let sign = c.try_take(alt((tag("+"), tag("-"))));
                if !spaced && sign.is_none() {
                    return Err(c.error("expected ' ' or a sign after CHAINED", c.pos()));
                }
                let (samples, at) = c.number()?;
                if samples > u64::from(u32::MAX) {
                    return Err(c.error("offset above 0xFFFFFFFF samples", at));
                }
                let samples = samples as i64;
                Trigger::ChainedOffset(if sign == Some("-") { -samples } else { samples })
            }
        };
        c.finish()?;
        Ok(trigger)
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::Manual => f.write_str("MANUAL"),
            Trigger::Timed => f.write_str("TIMED"),
            Trigger::Chained => f.write_str("CHAINED"),
            Trigger::ChainedOffset(n) => {
                let sign = if *n < 0 { '-' } else { '+' };
                write!(f, "CHAINED {sign}{}", n.unsigned_abs())
            }
        }
    }
}

impl FromStr for Trigger {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Trigger::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(s: &str) -> MosTime {
        MosTime::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn time_err(s: &str) -> (String, usize) {
        let e = MosTime::parse(s).expect_err(s);
        (e.message().to_string(), e.offset())
    }

    #[test]
    fn time_spec_examples_round_trip() {
        for s in [
            "2009-04-11T14:22:07,125Z",
            "2009-04-11T14:22:07,125-05:00",
            "2009-04-11T14:22:07",
            "2009-04-11T14:22:07Z",
            "2009-04-11T14:22:07+01:30",
            "2022-03-29T20:05:07,453Z",
            "0000-01-01T00:00:00,0",
            "9999-12-31T23:59:59,999999999+23:59",
        ] {
            assert_eq!(time(s).to_string(), s);
        }
    }

    #[test]
    fn time_fields() {
        let t = time("2009-04-11T14:22:07,125-05:00");
        assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()), (2009, 4, 11, 14, 22, 7));
        let f = t.fraction().unwrap();
        assert_eq!((f.value(), f.digits(), f.nanos()), (125, 3, 125_000_000));
        assert_eq!(t.zone(), Some(TimeZone::Offset(-300)));
        let t = time("2009-04-11T14:22:07");
        assert_eq!((t.fraction(), t.zone()), (None, None));
        assert_eq!(time("2009-04-11T14:22:07Z").zone(), Some(TimeZone::Utc));
    }

    #[test]
    fn time_lenient_forms_display_canonically() {
        let cases = [
            ("2022-03-29T20:05:07.453Z", "2022-03-29T20:05:07,453Z"),
            ("2022-03-29t20:05:07z", "2022-03-29T20:05:07Z"),
            ("2022-03-29 20:05:07", "2022-03-29T20:05:07"),
            ("2022-03-29T20:05:07,4", "2022-03-29T20:05:07,4"),
            ("2022-03-29T20:05:07,050", "2022-03-29T20:05:07,050"),
            ("2022-03-29T20:05:07,123456789", "2022-03-29T20:05:07,123456789"),
            ("2022-03-29T20:05:07+0530", "2022-03-29T20:05:07+05:30"),
            ("2022-03-29T20:05:07-08", "2022-03-29T20:05:07-08:00"),
            ("2022-03-29T20:05:07-00:00", "2022-03-29T20:05:07+00:00"),
            ("  \r\n\t2022-03-29T20:05:07Z \n", "2022-03-29T20:05:07Z"),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:60Z"),
            ("2024-02-29T00:00:00", "2024-02-29T00:00:00"),
            ("2000-02-29T00:00:00", "2000-02-29T00:00:00"),
        ];
        for (input, canonical) in cases {
            assert_eq!(time(input).to_string(), canonical, "{input:?}");
        }
        let f = time("2022-03-29T20:05:07,050").fraction().unwrap();
        assert_eq!((f.value(), f.digits(), f.nanos()), (50, 3, 50_000_000));
        let f = time("2022-03-29T20:05:07.4").fraction().unwrap();
        assert_eq!(f.nanos(), 400_000_000);
        assert_eq!(time("2022-03-29T20:05:07+0530").zone(), Some(TimeZone::Offset(330)));
        assert_eq!(time("2022-03-29T20:05:07-08").zone(), Some(TimeZone::Offset(-480)));
    }

    #[test]
    fn time_rejects_with_offsets() {
        let cases: [(&str, &str, usize); 22] = [
            ("", "expected 4-digit year", 0),
            ("   ", "expected 4-digit year", 0),
            ("09-04-11T14:22:07", "expected 4-digit year", 0),
            ("2009/04/11T14:22:07", "expected '-'", 4),
            ("2009-4-11T14:22:07", "expected 2-digit month", 5),
            ("2009-13-11T14:22:07", "month must be 01-12", 5),
            ("2009-00-11T14:22:07", "month must be 01-12", 5),
            ("2009-04-31T14:22:07", "day must be 01-30", 8),
            ("2023-02-29T14:22:07", "day must be 01-28", 8),
            ("1900-02-29T14:22:07", "day must be 01-28", 8),
            ("2009-04-00T14:22:07", "day must be 01-30", 8),
            ("2009-04-11X14:22:07", "expected 'T'", 10),
            ("2009-04-11T24:00:00", "hour must be 00-23", 11),
            ("2009-04-11T14:60:07", "minute must be 00-59", 14),
            ("2009-04-11T14:22:61", "second must be 00-60", 17),
            ("2009-04-11T14:22", "expected ':'", 16),
            ("2009-04-11T14:22:07,", "expected fraction digits", 20),
            ("2009-04-11T14:22:07,1234567890", "at most 9 fraction digits", 20),
            ("2009-04-11T14:22:07+24:00", "zone hour must be 00-23", 20),
            ("2009-04-11T14:22:07+05:60", "zone minute must be 00-59", 23),
            ("2009-04-11T14:22:07+5", "expected 2-digit zone hour", 20),
            ("2009-04-11T14:22:07Z junk", "unexpected characters after the value", 20),
        ];
        for (input, message, offset) in cases {
            assert_eq!(time_err(input), (message.to_string(), offset), "{input:?}");
        }
        assert_eq!(time_err(" 2009-04-11T14:22:07+05:"), ("expected 2-digit zone minute".to_string(), 24));
        // The offset is relative to the text as given, leading whitespace included.
        assert_eq!(time_err("\t\n2009-13-11T14:22:07"), ("month must be 01-12".to_string(), 7));
    }

    #[test]
    fn time_unix_conversions() {
        let epoch = MosTime::from_unix_millis(0).unwrap();
        assert_eq!(epoch.to_string(), "1970-01-01T00:00:00,000Z");
        assert_eq!(MosTime::from_unix_millis(1_234_567_890_123).unwrap().to_string(), "2009-02-13T23:31:30,123Z");
        assert_eq!(MosTime::from_unix_millis(-1).unwrap().to_string(), "1969-12-31T23:59:59,999Z");
        assert_eq!(MosTime::from_unix_millis(951_782_400_000).unwrap().to_string(), "2000-02-29T00:00:00,000Z");
        assert_eq!(MosTime::from_unix_millis(253_402_300_799_999).unwrap().to_string(), "9999-12-31T23:59:59,999Z");
        assert_eq!(MosTime::from_unix_millis(253_402_300_800_000), None);
        assert_eq!(MosTime::from_unix_millis(-62_167_219_200_000).unwrap().to_string(), "0000-01-01T00:00:00,000Z");
        assert_eq!(MosTime::from_unix_millis(-62_167_219_200_001), None);

        assert_eq!(time("2009-02-13T23:31:30,123Z").unix_millis(), 1_234_567_890_123);
        assert_eq!(time("2009-02-13T23:31:30,1239").unix_millis(), 1_234_567_890_123);
        assert_eq!(time("2009-02-14T00:31:30,123+01:00").unix_millis(), 1_234_567_890_123);
        assert_eq!(time("2009-02-13T18:31:30,123-05:00").unix_millis(), 1_234_567_890_123);
        assert_eq!(time("1969-12-31T23:59:59,999Z").unix_millis(), -1);
        assert_eq!(time("2016-12-31T23:59:60Z").unix_millis(), 1_483_228_800_000);
        for ms in [-86_400_001i64, 0, 1, 68_169_600_000, 4_102_444_800_000, 1_709_164_799_999] {
            assert_eq!(MosTime::from_unix_millis(ms).unwrap().unix_millis(), ms);
        }
    }

    #[test]
    fn time_constructors() {
        let t = MosTime::new(2009, 4, 11, 14, 22, 7).unwrap();
        assert_eq!(t.to_string(), "2009-04-11T14:22:07");
        let t = t.with_fraction(Fraction::new(5, 2)).with_zone(Some(TimeZone::Offset(-90))).unwrap();
        assert_eq!(t.to_string(), "2009-04-11T14:22:07,05-01:30");
        assert_eq!(t, time("2009-04-11T14:22:07.05-0130"));
        assert_eq!(MosTime::new(2009, 2, 29, 0, 0, 0), None);
        assert_eq!(MosTime::new(2009, 1, 1, 24, 0, 0), None);
        assert_eq!(MosTime::new(10000, 1, 1, 0, 0, 0), None);
        assert_eq!(MosTime::new(2009, 1, 1, 0, 0, 0).unwrap().with_zone(Some(TimeZone::Offset(1440))), None);
        assert_eq!(Fraction::new(1000, 3), None);
        assert_eq!(Fraction::new(0, 0), None);
        assert_eq!(Fraction::new(0, 10), None);
        assert_eq!(Fraction::new(999_999_999, 9).map(|f| f.nanos()), Some(999_999_999));
        assert_ne!(time("2009-04-11T14:22:07,5Z"), time("2009-04-11T14:22:07,500Z"));
        assert_eq!("2009-04-11T14:22:07Z".parse::<MosTime>().unwrap(), time("2009-04-11T14:22:07Z"));
    }

    #[test]
    fn value_error_to_decode_error() {
        let e = MosTime::parse("2009-13-11T14:22:07").unwrap_err();
        assert_eq!(e.type_name(), "MOS time");
        assert_eq!(e.to_string(), "invalid MOS time at character 5: month must be 01-12");
        let d = e.clone().into_decode_error(100);
        assert_eq!(d.kind(), &ErrorKind::InvalidValue("MOS time: month must be 01-12".into()));
        assert_eq!(d.offset(), 105);
        let d: DecodeError = e.into();
        assert_eq!(d.offset(), 5);
        assert_eq!(d.in_field("time").to_string(), "time: invalid value: MOS time: month must be 01-12 (at byte 5)");
    }

    #[test]
    fn duration() {
        let d = MosDuration::parse("00:58:25").unwrap();
        assert_eq!((d.hours(), d.minutes(), d.seconds(), d.as_secs()), (0, 58, 25, 3505));
        assert_eq!(d.to_string(), "00:58:25");
        for (input, canonical, secs) in [
            ("25:00:00", "25:00:00", 90_000u64),
            ("123:04:05", "123:04:05", 123 * 3600 + 245),
            ("1:2:3", "01:02:03", 3723),
            (" 007:00:59\n", "07:00:59", 25_259),
            ("4294967295:59:59", "4294967295:59:59", 4_294_967_295 * 3600 + 3599),
        ] {
            let d = MosDuration::parse(input).unwrap();
            assert_eq!((d.to_string().as_str(), d.as_secs()), (canonical, secs), "{input:?}");
        }
        for (input, message, offset) in [
            ("", "expected hours", 0),
            ("00:60:00", "minutes must be 00-59", 3),
            ("00:00:60", "seconds must be 00-59", 6),
            ("00:00", "expected ':'", 5),
            ("00:000:00", "expected ':'", 5),
            ("00:00:00.5", "unexpected characters after the value", 8),
            ("-01:00:00", "expected hours", 0),
            ("4294967296:00:00", "hours too large", 0),
        ] {
            let e = MosDuration::parse(input).unwrap_err();
            assert_eq!((e.message(), e.offset()), (message, offset), "{input:?}");
        }
        assert_eq!(MosDuration::from_secs(3505), MosDuration::new(0, 58, 25));
        assert_eq!(MosDuration::from_secs(4_294_967_296 * 3600), None);
        assert_eq!(MosDuration::new(0, 60, 0), None);
        assert_eq!("01:00:00".parse::<MosDuration>().unwrap().as_secs(), 3600);
    }

    #[test]
    fn number() {
        for (input, value) in [
            ("0", 0u32),
            ("42", 42),
            ("00000008", 8),
            ("0xFF55", 0xFF55),
            ("xFF55", 0xFF55),
            ("0Xff55", 0xFF55),
            ("XfF55", 0xFF55),
            ("0x00000000FFFFFFFF", u32::MAX),
            ("4294967295", u32::MAX),
            (" \t12\r\n", 12),
        ] {
            let n = MosNumber::parse(input).unwrap();
            assert_eq!(n.get(), value, "{input:?}");
            assert_eq!(n.to_string(), value.to_string());
        }
        for (input, message, offset) in [
            ("", "expected a number", 0),
            ("4294967296", "number above 0xFFFFFFFF", 0),
            ("0x100000000", "number above 0xFFFFFFFF", 0),
            ("99999999999999999999999", "number too large", 0),
            ("0x", "expected hex digits", 2),
            (" x", "expected hex digits", 2),
            ("-1", "expected a number", 0),
            ("+1", "expected a number", 0),
            ("59.94", "unexpected characters after the value", 2),
            ("1 000", "unexpected characters after the value", 1),
            ("0xFG", "unexpected characters after the value", 3),
        ] {
            let e = MosNumber::parse(input).unwrap_err();
            assert_eq!((e.type_name(), e.message(), e.offset()), ("MOS number", message, offset), "{input:?}");
        }
        assert_eq!(MosNumber::from(7), MosNumber(7));
        assert_eq!(u32::from(MosNumber(7)), 7);
        assert_eq!("0x10".parse::<MosNumber>().unwrap(), MosNumber(16));
    }

    #[test]
    fn message_id() {
        for (input, value) in [
            ("1", 1),
            ("00000008", 8),
            ("0x7FFFFFFF", i32::MAX),
            ("x10", 16),
            ("2147483647", i32::MAX),
            (" 1125850 ", 1_125_850),
        ] {
            let id = MessageId::parse(input).unwrap();
            assert_eq!(id.get(), value, "{input:?}");
            assert_eq!(id.to_string(), value.to_string());
        }
        for (input, message, offset) in [
            ("0", "messageID must be at least 1", 0),
            ("0x0", "messageID must be at least 1", 0),
            ("2147483648", "messageID above 2147483647", 0),
            ("0xFFFFFFFF", "messageID above 2147483647", 0),
            ("-5", "expected a number", 0),
            ("", "expected a number", 0),
            ("xx", "expected hex digits", 1),
            ("12a", "unexpected characters after the value", 2),
        ] {
            let e = MessageId::parse(input).unwrap_err();
            assert_eq!((e.message(), e.offset()), (message, offset), "{input:?}");
        }
        assert_eq!(MessageId::new(0), None);
        assert_eq!(MessageId::new(-1), None);
        assert_eq!(MessageId::new(5).unwrap().next().get(), 6);
        assert_eq!(MessageId::new(i32::MAX).unwrap().next(), MessageId::FIRST);
        assert_eq!(MessageId::FIRST.get(), 1);
    }

    #[test]
    fn trigger() {
        for (input, value, canonical) in [
            ("MANUAL", Trigger::Manual, "MANUAL"),
            ("TIMED", Trigger::Timed, "TIMED"),
            ("CHAINED", Trigger::Chained, "CHAINED"),
            ("CHAINED -200", Trigger::ChainedOffset(-200), "CHAINED -200"),
            ("CHAINED +35", Trigger::ChainedOffset(35), "CHAINED +35"),
            ("CHAINED +0", Trigger::ChainedOffset(0), "CHAINED +0"),
            ("CHAINED -0", Trigger::ChainedOffset(0), "CHAINED +0"),
            ("manual", Trigger::Manual, "MANUAL"),
            (" Timed\n", Trigger::Timed, "TIMED"),
            ("chained   ", Trigger::Chained, "CHAINED"),
            ("CHAINED\t-200", Trigger::ChainedOffset(-200), "CHAINED -200"),
            ("CHAINED  35", Trigger::ChainedOffset(35), "CHAINED +35"),
            ("CHAINED-200", Trigger::ChainedOffset(-200), "CHAINED -200"),
            ("CHAINED +0x10", Trigger::ChainedOffset(16), "CHAINED +16"),
            ("CHAINED -4294967295", Trigger::ChainedOffset(-4_294_967_295), "CHAINED -4294967295"),
        ] {
            let t = Trigger::parse(input).unwrap();
            assert_eq!(t, value, "{input:?}");
            assert_eq!(t.to_string(), canonical);
        }
        assert_eq!(Trigger::ChainedOffset(-200).chain_offset(), Some(-200));
        assert_eq!(Trigger::Chained.chain_offset(), None);
        for (input, message, offset) in [
            ("", "expected MANUAL, TIMED or CHAINED", 0),
            ("AUTO", "expected MANUAL, TIMED or CHAINED", 0),
            ("MANUALLY", "unexpected characters after the value", 6),
            ("TIMED +5", "unexpected characters after the value", 5),
            ("CHAINED200", "expected ' ' or a sign after CHAINED", 7),
            ("CHAINED +", "expected a number", 9),
            ("CHAINED +-5", "expected a number", 9),
            ("CHAINED +1.5", "unexpected characters after the value", 10),
            ("CHAINED +4294967296", "offset above 0xFFFFFFFF samples", 9),
        ] {
            let e = Trigger::parse(input).unwrap_err();
            assert_eq!((e.message(), e.offset()), (message, offset), "{input:?}");
        }
        assert_eq!("TIMED".parse::<Trigger>().unwrap(), Trigger::Timed);
    }
}
