//! CBOR building blocks for generated codecs, on top of minicbor's `Decoder` and `Encoder`.
//!
//! Generated decoders call these helpers so that every failure carries an [`ErrorKind`] and a
//! byte offset, truncated input is always [`ErrorKind::Incomplete`] (a stream reader waits for
//! more bytes), and nothing allocates in proportion to a length the peer declared.

use std::borrow::Cow;

pub use minicbor::data::Tag;
pub use minicbor::{Decoder, Encoder};

use crate::error::{DecodeError, EncodeError, ErrorKind};

/// The encoder generated code writes with.
pub type Enc<'o> = Encoder<&'o mut Vec<u8>>;

/// How deep `any` values and skipped unknown values may nest by default
/// ([`crate::Limits::max_depth`] sets it per decode).
pub const MAX_DEPTH: usize = crate::Limits::DEFAULT.max_depth;

/// A type generated code can decode from CBOR, borrowing from the input.
pub trait Decode<'a>: Sized {
    /// The CBOR major types a value can start with, bit `m` for major type `m`. A choice between
    /// types dispatches on the first byte, so its alternatives' sets must not overlap; types that
    /// do not say (the default) claim all eight.
    const MAJORS: u8 = 0xff;

    /// Decodes one value at the decoder's position.
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError>;
}

/// A type generated code can encode to CBOR.
pub trait Encode {
    /// Appends the value. Constraints are checked before the bytes of the value they cover.
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError>;
}

/// Decodes one complete value from `input`; bytes after it are an error.
pub fn from_slice<'a, T: Decode<'a>>(input: &'a [u8]) -> Result<T, DecodeError> {
    let mut d = Decoder::new(input);
    let v = T::decode(&mut d)?;
    if d.position() != input.len() {
        return Err(DecodeError::new(ErrorKind::TrailingBytes, d.position()));
    }
    Ok(v)
}

/// [`from_slice`] under `limits` instead of the ones in force (see [`crate::limits`]).
pub fn from_slice_with_limits<'a, T: Decode<'a>>(input: &'a [u8], limits: &crate::Limits) -> Result<T, DecodeError> {
    limits.scope(|| from_slice(input))
}

/// Encodes a value into a new buffer.
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends a value to `out`; on error `out` is left as it was.
pub fn encode_into<T: Encode + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let len = out.len();
    let r = value.encode(&mut Encoder::new(&mut *out));
    if r.is_err() {
        out.truncate(len);
    }
    r
}

/// `T / null`: null is a value of its own, distinct from an absent field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The CBOR `null`.
    #[default]
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if not null.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// Maps the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(o: Option<T>) -> Self {
        o.map_or(Nullable::Null, Nullable::Value)
    }
}

/// One CBOR item of any type (`any`), kept as its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawCbor<'a>(pub Cow<'a, [u8]>);

impl<'a> RawCbor<'a> {
    /// The encoded item.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Checks that `bytes` hold exactly one well-formed item, then wraps them.
    pub fn from_bytes(bytes: impl Into<Cow<'a, [u8]>>) -> Result<Self, DecodeError> {
        let bytes = bytes.into();
        let mut d = Decoder::new(&bytes);
        skip(&mut d)?;
        if d.position() != bytes.len() {
            return Err(DecodeError::new(ErrorKind::TrailingBytes, d.position()));
        }
        Ok(RawCbor(bytes))
    }
}

/// The entries of a CBOR map whose keys the schema does not know (extension fields), kept as
/// their exact bytes by types that opt in (`Builder::keep_unknown_keys`, or a derived field
/// marked `#[osmos(unknown)]`), so a proxy passes them on. The encoder writes them among the
/// known keys in ascending order of their encoded key bytes, as deterministic encoding demands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct UnknownKeys<'a>(pub Vec<(RawCbor<'a>, RawCbor<'a>)>);

impl<'a> UnknownKeys<'a> {
    /// No entries.
    pub const fn new() -> Self {
        UnknownKeys(Vec::new())
    }

    /// Whether no entry was kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many entries were kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Keeps the entry whose key starts at `key_pos` and ends at the decoder's position; reads
    /// its value.
    pub fn keep(&mut self, d: &mut Decoder<'a>, key_pos: usize) -> Result<(), DecodeError> {
        let key = RawCbor(Cow::Borrowed(&d.input()[key_pos..d.position()]));
        let value = any(d)?;
        self.0.push((key, value));
        Ok(())
    }

    /// A writer that interleaves the entries with the known keys.
    pub fn writer(&self) -> UnknownWriter<'_, 'a> {
        let mut sorted: Vec<&(RawCbor<'a>, RawCbor<'a>)> = self.0.iter().collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        UnknownWriter { sorted, next: 0 }
    }
}

impl IntoOwned for UnknownKeys<'_> {
    type Owned = UnknownKeys<'static>;
    fn into_owned(self) -> UnknownKeys<'static> {
        UnknownKeys(self.0.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }
}

/// Writes kept unknown entries in key order between the known ones (see [`UnknownKeys`]).
#[derive(Debug)]
pub struct UnknownWriter<'u, 'a> {
    sorted: Vec<&'u (RawCbor<'a>, RawCbor<'a>)>,
    next: usize,
}

impl UnknownWriter<'_, '_> {
    /// Writes the entries whose keys sort before `key` (the encoded bytes of the known key about
    /// to be written); an entry with that very key is an error, since keys must be unique.
    pub fn before(&mut self, e: &mut Enc<'_>, key: &[u8]) -> Result<(), EncodeError> {
        while let Some((k, v)) = self.sorted.get(self.next) {
            match k.as_bytes().cmp(key) {
                std::cmp::Ordering::Less => {
                    raw(e, k.as_bytes());
                    raw(e, v.as_bytes());
                    self.next += 1;
                }
                std::cmp::Ordering::Equal => {
                    return Err(invalid(ErrorKind::Constraint("a kept unknown entry repeats a known key".into())))
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        Ok(())
    }

    /// Writes the remaining entries.
    pub fn rest(&mut self, e: &mut Enc<'_>) {
        for (k, v) in &self.sorted[self.next..] {
            raw(e, k.as_bytes());
            raw(e, v.as_bytes());
        }
        self.next = self.sorted.len();
    }
}

/// Detaches a decoded value from its input buffer.
pub trait IntoOwned {
    /// The same type with a `'static` lifetime.
    type Owned: 'static;
    /// Copies whatever is borrowed.
    fn into_owned(self) -> Self::Owned;
}

macro_rules! owned_as_is {
    ($($t:ty),*) => {$(
        impl IntoOwned for $t {
            type Owned = $t;
            fn into_owned(self) -> $t { self }
        }
    )*};
}
owned_as_is!(u64, i64, f64, f32, bool, (), Undefined);

impl IntoOwned for Cow<'_, str> {
    type Owned = Cow<'static, str>;
    fn into_owned(self) -> Cow<'static, str> {
        Cow::Owned(Cow::into_owned(self))
    }
}

impl IntoOwned for Cow<'_, [u8]> {
    type Owned = Cow<'static, [u8]>;
    fn into_owned(self) -> Cow<'static, [u8]> {
        Cow::Owned(Cow::into_owned(self))
    }
}

impl IntoOwned for RawCbor<'_> {
    type Owned = RawCbor<'static>;
    fn into_owned(self) -> Self::Owned {
        RawCbor(IntoOwned::into_owned(self.0))
    }
}

impl<T: IntoOwned> IntoOwned for Option<T> {
    type Owned = Option<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.map(IntoOwned::into_owned)
    }
}

impl<T: IntoOwned> IntoOwned for Nullable<T> {
    type Owned = Nullable<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.map(IntoOwned::into_owned)
    }
}

impl<T: IntoOwned> IntoOwned for Vec<T> {
    type Owned = Vec<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.into_iter().map(IntoOwned::into_owned).collect()
    }
}

/// A field through which a type contains itself.
impl<T: IntoOwned> IntoOwned for Box<T> {
    type Owned = Box<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        Box::new((*self).into_owned())
    }
}

/// A table entry (`* K => V`): key and value.
impl<K: IntoOwned, V: IntoOwned> IntoOwned for (K, V) {
    type Owned = (K::Owned, V::Owned);
    fn into_owned(self) -> Self::Owned {
        (self.0.into_owned(), self.1.into_owned())
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

fn describe(b: u8) -> String {
    match b >> 5 {
        0 => "unsigned integer".into(),
        1 => "negative integer".into(),
        2 => "byte string".into(),
        3 => "text string".into(),
        4 => "array".into(),
        5 => "map".into(),
        6 => "tag".into(),
        _ => match b {
            0xf4 | 0xf5 => "bool".into(),
            0xf6 => "null".into(),
            0xf7 => "undefined".into(),
            0xf9..=0xfb => "float".into(),
            0xff => "break".into(),
            _ => "simple value".into(),
        },
    }
}

/// The initial byte of the next item, or `Incomplete`.
#[inline]
pub fn peek(d: &Decoder<'_>) -> Result<u8, DecodeError> {
    d.input().get(d.position()).copied().ok_or_else(|| DecodeError::new(ErrorKind::Incomplete, d.position()))
}

/// The CBOR major type (0–7) of the next item.
#[inline]
pub fn major(d: &Decoder<'_>) -> Result<u8, DecodeError> {
    peek(d).map(|b| b >> 5)
}

/// A type-mismatch error for the item at `pos`, naming what was found there.
pub fn mismatch(d: &Decoder<'_>, pos: usize, expected: &'static str) -> DecodeError {
    match d.input().get(pos) {
        Some(&b) => DecodeError::new(ErrorKind::UnexpectedType { expected, found: describe(b) }, pos),
        None => DecodeError::new(ErrorKind::Incomplete, pos),
    }
}

/// Maps a minicbor error at `pos` onto our kinds.
pub fn lift(d: &Decoder<'_>, pos: usize, expected: &'static str, e: minicbor::decode::Error) -> DecodeError {
    // Additional information 28–30 is reserved in every major type (RFC 8949 §3): not a
    // value of another type, a head no encoder may write.
    if let Some(&b) = d.input().get(pos) {
        if (28..=30).contains(&(b & 0x1f)) {
            return DecodeError::new(
                ErrorKind::Malformed(format!("reserved additional information {} in head byte 0x{b:02x}", b & 0x1f)),
                pos,
            );
        }
    }
    if e.is_end_of_input() {
        DecodeError::new(ErrorKind::Incomplete, d.input().len())
    } else if e.is_type_mismatch() {
        mismatch(d, pos, expected)
    } else {
        let at = e.position().unwrap_or(pos);
        let msg = e.to_string();
        if msg.contains("utf-8") || msg.contains("utf8") || msg.contains("UTF-8") {
            DecodeError::new(ErrorKind::InvalidUtf8, at)
        } else if msg.contains("overflow") || msg.contains("out of range") {
            DecodeError::new(ErrorKind::Overflow, at)
        } else {
            DecodeError::new(ErrorKind::Malformed(msg), at)
        }
    }
}

macro_rules! prim {
    ($(#[$doc:meta])* $name:ident, $t:ty, $method:ident, $expected:literal) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(d: &mut Decoder<'_>) -> Result<$t, DecodeError> {
            let pos = d.position();
            d.$method().map_err(|e| lift(d, pos, $expected, e))
        }
    };
}

/// `uint`.
#[inline]
pub fn uint(d: &mut Decoder<'_>) -> Result<u64, DecodeError> {
    let pos = d.position();
    // Small values (0..=23) are the head byte itself: most keys, IDs and enumeration values.
    if let Some(&b) = d.input().get(pos) {
        if b < 0x18 {
            d.set_position(pos + 1);
            return Ok(u64::from(b));
        }
    }
    d.u64().map_err(|e| lift(d, pos, "unsigned integer", e))
}

/// The argument of the head at `pos` whose additional information is `info`, and where the
/// head ends; `None` when the input ends inside the head or `info` is not 0–27 (indefinite,
/// reserved). The one place outside minicbor that reads heads: the string fast paths and
/// `FrameReader`'s completeness scan share it.
#[inline(always)]
pub(crate) fn head_argument(input: &[u8], pos: usize, info: u8) -> Option<(u64, usize)> {
    match info {
        0..=23 => Some((u64::from(info), pos + 1)),
        24 => Some((u64::from(*input.get(pos + 1)?), pos + 2)),
        25..=27 => {
            let width = 1usize << (info - 24);
            let arg = input.get(pos + 1..pos + 1 + width)?;
            Some((arg.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)), pos + 1 + width))
        }
        _ => None,
    }
}

/// The payload of the definite string of major type `major` whose head is at `pos`, when all
/// of it is in `input`: `(start, end)`. `None` for anything else (another type, an indefinite
/// string, a reserved head, a payload not all there), which the callers leave to minicbor.
#[inline]
fn definite_string(input: &[u8], pos: usize, major: u8) -> Option<(usize, usize)> {
    // Subtracting the major type's base leaves the additional information 0..=31 for a head
    // of that type, and something larger for any other.
    let (len, start) = head_argument(input, pos, input.get(pos)?.wrapping_sub(major << 5))?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    // A string longer than some scope's `max_string_len` takes the slow path, which checks it.
    (end <= input.len() && !crate::limits::may_be_too_long(end - start)).then_some((start, end))
}
prim!(
    /// `bool`.
    boolean, bool, bool, "bool"
);

/// `int` (either sign), within `i64`.
#[inline]
pub fn int(d: &mut Decoder<'_>) -> Result<i64, DecodeError> {
    let pos = d.position();
    match peek(d)? >> 5 {
        0 | 1 => {
            let i = d.int().map_err(|e| lift(d, pos, "integer", e))?;
            i64::try_from(i).map_err(|_| DecodeError::new(ErrorKind::Overflow, pos))
        }
        _ => Err(mismatch(d, pos, "integer")),
    }
}

/// `nint`: a negative integer.
pub fn nint(d: &mut Decoder<'_>) -> Result<i64, DecodeError> {
    let pos = d.position();
    if major(d)? != 1 {
        return Err(mismatch(d, pos, "negative integer"));
    }
    int(d)
}

/// Any float width; half and single precision widen exactly.
#[inline]
pub fn float(d: &mut Decoder<'_>) -> Result<f64, DecodeError> {
    let pos = d.position();
    d.f64().map_err(|e| lift(d, pos, "float", e))
}

/// A float decoded into `f32` (for `float32` and `float16`).
pub fn float32(d: &mut Decoder<'_>) -> Result<f32, DecodeError> {
    let pos = d.position();
    d.f32().map_err(|e| lift(d, pos, "float", e))
}

/// `null`.
pub fn null(d: &mut Decoder<'_>) -> Result<(), DecodeError> {
    let pos = d.position();
    d.null().map_err(|e| lift(d, pos, "null", e))
}

/// CBOR's `undefined` (simple value 23): the RFC 8610 prelude's `undefined`, distinct from
/// `null` on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Undefined;

/// `undefined`.
pub fn undefined(d: &mut Decoder<'_>) -> Result<Undefined, DecodeError> {
    let pos = d.position();
    d.undefined().map(|()| Undefined).map_err(|e| lift(d, pos, "undefined", e))
}

/// Writes `undefined`.
#[inline]
pub fn write_undefined(e: &mut Enc<'_>) {
    e.writer_mut().push(0xf7);
}

/// Text: borrowed when the string has a definite length, owned when it came in chunks.
#[inline]
pub fn text<'a>(d: &mut Decoder<'a>) -> Result<Cow<'a, str>, DecodeError> {
    let pos = d.position();
    let input = d.input();
    if let Some((start, end)) = definite_string(input, pos, 3) {
        if let Ok(s) = std::str::from_utf8(&input[start..end]) {
            d.set_position(end);
            return Ok(Cow::Borrowed(s));
        }
    }
    if peek(d)? != 0x7f {
        let s = d.str().map_err(|e| utf8_at(d.input(), pos, lift(d, pos, "text string", e)))?;
        check_string_len(s.len(), pos)?;
        return Ok(Cow::Borrowed(s));
    }
    let mut s = String::new();
    let input = d.input();
    let iter = d.str_iter().map_err(|e| DecodeError::new(chunk_error(&e), pos))?;
    for chunk in iter {
        s.push_str(chunk.map_err(|e| utf8_at(input, pos, DecodeError::new(chunk_error(&e), pos)))?);
        check_string_len(s.len(), pos)?;
    }
    Ok(Cow::Owned(s))
}

/// [`crate::Limits::max_string_len`] for the string whose head is at `pos`. The test is inline,
/// the error out of line: this runs for every string.
#[inline]
fn check_string_len(len: usize, pos: usize) -> Result<(), DecodeError> {
    if crate::limits::too_long(len) {
        return Err(string_limit(len, pos));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn string_limit(len: usize, pos: usize) -> DecodeError {
    let max = crate::limits::current().max_string_len;
    over_limit(format!("string of {len} bytes, more than the limit of {max}"), pos)
}

#[cold]
#[inline(never)]
fn items_limit(declared: Option<u64>, what: &str, pos: usize) -> DecodeError {
    let max = crate::limits::current().max_items;
    match declared {
        None => over_limit(format!("more than the limit of {max} items or entries"), pos),
        Some(n) => over_limit(format!("{n} {what}, more than the limit of {max}"), pos),
    }
}

#[cold]
fn over_limit(message: String, pos: usize) -> DecodeError {
    DecodeError::new(ErrorKind::Limit(message), pos)
}

/// Moves an invalid-UTF-8 error from the text string's header at `pos` to the first bad byte,
/// which is where someone reading a hex dump needs to look. Only runs on the error path.
#[cold]
fn utf8_at(input: &[u8], pos: usize, e: DecodeError) -> DecodeError {
    // minicbor reports bad UTF-8 in an indefinite string's chunk as a plain decode error.
    let utf8 = match e.kind() {
        ErrorKind::InvalidUtf8 => true,
        ErrorKind::Malformed(m) => m.contains("utf-8") || m.contains("utf8") || m.contains("UTF-8"),
        _ => false,
    };
    if !utf8 {
        return e;
    }
    let bad_in = |(start, end): (usize, usize)| -> Option<usize> {
        std::str::from_utf8(&input[start..end]).err().map(|u| start + u.valid_up_to())
    };
    let found = if input.get(pos) == Some(&0x7f) {
        let mut at = pos + 1;
        let mut found = None;
        while let Some(chunk) = definite_string(input, at, 3) {
            if let Some(bad) = bad_in(chunk) {
                found = Some(bad);
                break;
            }
            at = chunk.1;
        }
        found
    } else {
        definite_string(input, pos, 3).and_then(bad_in)
    };
    match found {
        Some(at) => DecodeError::new(ErrorKind::InvalidUtf8, at),
        None => e,
    }
}

/// Bytes: borrowed when definite, owned when they came in chunks.
#[inline]
pub fn bytes<'a>(d: &mut Decoder<'a>) -> Result<Cow<'a, [u8]>, DecodeError> {
    let pos = d.position();
    let input = d.input();
    if let Some((start, end)) = definite_string(input, pos, 2) {
        d.set_position(end);
        return Ok(Cow::Borrowed(&input[start..end]));
    }
    if peek(d)? != 0x5f {
        let b = d.bytes().map_err(|e| lift(d, pos, "byte string", e))?;
        check_string_len(b.len(), pos)?;
        return Ok(Cow::Borrowed(b));
    }
    let mut v = Vec::new();
    let iter = d.bytes_iter().map_err(|e| DecodeError::new(chunk_error(&e), pos))?;
    for chunk in iter {
        v.extend_from_slice(chunk.map_err(|e| DecodeError::new(chunk_error(&e), pos))?);
        check_string_len(v.len(), pos)?;
    }
    Ok(Cow::Owned(v))
}

fn chunk_error(e: &minicbor::decode::Error) -> ErrorKind {
    if e.is_end_of_input() {
        ErrorKind::Incomplete
    } else {
        ErrorKind::Malformed(e.to_string())
    }
}

/// Any one item, kept raw.
pub fn any<'a>(d: &mut Decoder<'a>) -> Result<RawCbor<'a>, DecodeError> {
    let start = d.position();
    skip(d)?;
    Ok(RawCbor(Cow::Borrowed(&d.input()[start..d.position()])))
}

/// Skips one item of any type, nested at most [`crate::Limits::max_depth`] deep.
pub fn skip(d: &mut Decoder<'_>) -> Result<(), DecodeError> {
    skip_at(d, 0, crate::limits::current().max_depth)
}

fn skip_at(d: &mut Decoder<'_>, depth: usize, max: usize) -> Result<(), DecodeError> {
    crate::work::add(1);
    if depth >= max {
        return Err(DecodeError::new(ErrorKind::TooDeep, d.position()));
    }
    let pos = d.position();
    let b = peek(d)?;
    let lift = |d: &Decoder<'_>, e| lift(d, pos, "a CBOR item", e);
    match b >> 5 {
        0 => d.u64().map(drop).map_err(|e| lift(d, e)),
        1 => d.int().map(drop).map_err(|e| lift(d, e)),
        2 => {
            bytes(d)?;
            Ok(())
        }
        3 => {
            text(d)?;
            Ok(())
        }
        4 => {
            let mut arr = Seq::array(d, "array")?;
            while arr.next(d)? {
                skip_at(d, depth + 1, max)?;
            }
            Ok(())
        }
        5 => {
            let mut map = Seq::map(d)?;
            while map.next(d)? {
                skip_at(d, depth + 1, max)?;
                skip_at(d, depth + 1, max)?;
            }
            Ok(())
        }
        6 => {
            d.tag().map_err(|e| lift(d, e))?;
            skip_at(d, depth + 1, max)
        }
        _ => match b {
            0xf9..=0xfb => d.f64().map(drop).map_err(|e| lift(d, e)),
            0xff => Err(DecodeError::new(ErrorKind::Malformed("unexpected break".into()), pos)),
            0xfc..=0xfe => Err(DecodeError::new(ErrorKind::Malformed("reserved initial byte".into()), pos)),
            0xf8 => match d.input().get(pos + 1) {
                Some(_) => {
                    d.set_position(pos + 2);
                    Ok(())
                }
                None => Err(DecodeError::new(ErrorKind::Incomplete, d.input().len())),
            },
            // Simple values 0–23: false, true, null, undefined and the unassigned ones.
            _ => {
                d.set_position(pos + 1);
                Ok(())
            }
        },
    }
}

/// Expects tag `n` before the value it wraps.
pub fn expect_tag(d: &mut Decoder<'_>, n: u64) -> Result<(), DecodeError> {
    let pos = d.position();
    let tag = d.tag().map_err(|e| lift(d, pos, "tag", e))?;
    if tag.as_u64() != n {
        return Err(DecodeError::new(
            ErrorKind::UnexpectedType { expected: "a specific tag", found: format!("tag {}", tag.as_u64()) },
            pos,
        ));
    }
    Ok(())
}

/// True (and the null consumed) when the next item is `null`.
#[inline]
pub fn take_null(d: &mut Decoder<'_>) -> Result<bool, DecodeError> {
    if peek(d)? == 0xf6 {
        d.set_position(d.position() + 1);
        Ok(true)
    } else {
        Ok(false)
    }
}

/// The items of an array or the entries of a map, definite or indefinite.
#[derive(Debug, Clone)]
pub struct Seq {
    remaining: Option<u64>,
    /// Where the array or map started.
    pub start: usize,
    /// How many items (or entries) were read so far.
    pub count: u64,
}

impl Seq {
    /// Reads an array header; `expected` names the value for a type-mismatch error.
    #[inline]
    pub fn array(d: &mut Decoder<'_>, expected: &'static str) -> Result<Seq, DecodeError> {
        let start = d.position();
        // Arrays of up to 23 items (nearly all) have a one-byte head: read it here.
        let head = d.input().get(start).copied();
        if let Some(n @ 0..=23) = head.map(|b| b.wrapping_sub(0x80)) {
            d.set_position(start + 1);
            return Seq::limited(Some(u64::from(n)), start, "items");
        }
        let remaining = d.array().map_err(|e| lift(d, start, expected, e))?;
        Seq::limited(remaining, start, "items")
    }

    /// Reads a map header.
    #[inline]
    pub fn map(d: &mut Decoder<'_>) -> Result<Seq, DecodeError> {
        let start = d.position();
        let head = d.input().get(start).copied();
        if let Some(n @ 0..=23) = head.map(|b| b.wrapping_sub(0xa0)) {
            d.set_position(start + 1);
            return Seq::limited(Some(u64::from(n)), start, "entries");
        }
        let remaining = d.map().map_err(|e| lift(d, start, "map", e))?;
        Seq::limited(remaining, start, "entries")
    }

    #[inline(always)]
    fn limited(remaining: Option<u64>, start: usize, what: &'static str) -> Result<Seq, DecodeError> {
        if let Some(n) = remaining {
            if crate::limits::too_many_items(n) {
                return Err(items_limit(Some(n), what, start));
            }
        }
        Ok(Seq { remaining, start, count: 0 })
    }

    /// The declared length of a definite array or map.
    pub fn len(&self) -> Option<u64> {
        self.remaining.map(|r| r + self.count)
    }

    /// True for a definite, empty sequence.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// A capacity to reserve for items of type `T`: the declared length, but never more items
    /// than bytes are left, nor more memory than the bytes left (an item of a few wire bytes can
    /// be a large value in memory: one `a0` is a 200-byte struct), so a lying header cannot
    /// make us allocate.
    pub fn capacity_for<T>(&self, d: &Decoder<'_>) -> usize {
        let left = d.input().len().saturating_sub(d.position());
        self.remaining
            .map_or(0, |r| usize::try_from(r).unwrap_or(usize::MAX).min(left))
            .min(left / std::mem::size_of::<T>().max(1))
    }

    /// Whether another item follows, without advancing.
    #[inline]
    pub fn more(&self, d: &Decoder<'_>) -> Result<bool, DecodeError> {
        match self.remaining {
            Some(n) => Ok(n > 0),
            None => Ok(peek(d)? != 0xff),
        }
    }

    /// Advances to the next item; false at the end (the break byte of an indefinite one consumed).
    #[inline]
    pub fn next(&mut self, d: &mut Decoder<'_>) -> Result<bool, DecodeError> {
        crate::work::add(1);
        match &mut self.remaining {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                self.count += 1;
                Ok(true)
            }
            None => {
                if peek(d)? == 0xff {
                    d.set_position(d.position() + 1);
                    Ok(false)
                } else if crate::limits::too_many_items(self.count + 1) {
                    Err(items_limit(None, "", d.position()))
                } else {
                    self.count += 1;
                    Ok(true)
                }
            }
        }
    }
}

/// A map key as found on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum MapKey<'a> {
    /// An integer key.
    Int(i128),
    /// A text key.
    Text(Cow<'a, str>),
    /// Any other key (skipped by generated decoders).
    Other,
}

/// Reads a map key. Integer and text keys are returned; any other item is skipped.
#[inline]
pub fn map_key<'a>(d: &mut Decoder<'a>) -> Result<MapKey<'a>, DecodeError> {
    let pos = d.position();
    match peek(d)? >> 5 {
        0 | 1 => d.int().map(|i| MapKey::Int(i128::from(i))).map_err(|e| lift(d, pos, "map key", e)),
        3 => text(d).map(MapKey::Text),
        _ => skip(d).map(|_| MapKey::Other),
    }
}

/// Stores a decoded field, rejecting a second occurrence of its key.
#[inline]
pub fn set_once<T>(slot: &mut Option<T>, key_pos: usize, name: &'static str, value: T) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(DecodeError::new(ErrorKind::DuplicateField(name), key_pos));
    }
    *slot = Some(value);
    Ok(())
}

/// A required field that never came.
pub fn missing(start: usize, name: &'static str) -> DecodeError {
    DecodeError::new(ErrorKind::MissingField(name), start)
}

/// A value outside an enumeration.
pub fn unknown_value(pos: usize, value: impl std::fmt::Display) -> DecodeError {
    DecodeError::new(ErrorKind::UnknownEnumValue(value.to_string()), pos)
}

/// A byte string at `pos` that is none of an enumeration's values, named as CDDL writes it
/// (`h'0a0b'`).
pub fn unknown_bytes(pos: usize, value: &[u8]) -> DecodeError {
    let hex: String = value.iter().map(|b| format!("{b:02x}")).collect();
    unknown_value(pos, format_args!("h'{hex}'"))
}

/// Reads an array of `T`, checking the count bounds.
#[inline]
pub fn list<'a, T>(
    d: &mut Decoder<'a>,
    min: u64,
    max: Option<u64>,
    mut item: impl FnMut(&mut Decoder<'a>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut seq = Seq::array(d, "array")?;
    let mut out = Vec::with_capacity(seq.capacity_for::<T>(d));
    while seq.next(d)? {
        let i = out.len();
        if max.is_some_and(|m| i as u64 >= m) {
            return Err(DecodeError::new(ErrorKind::Constraint(count_text(min, max)), seq.start));
        }
        out.push(item(d).map_err(|e| e.at_index(i))?);
    }
    if (out.len() as u64) < min {
        return Err(DecodeError::new(ErrorKind::Constraint(count_text(min, max)), seq.start));
    }
    Ok(out)
}

fn count_text(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) if max == min => format!("exactly {min} items"),
        Some(max) => format!("{min} to {max} items"),
        None => format!("at least {min} items"),
    }
}

// ---------------------------------------------------------------------------------------------
// Constraints, shared by decoders (with an offset) and encoders.

/// Checks a length (bytes for CBOR `.size`, characters for XML) against its bounds.
pub fn check_len(len: usize, min: u64, max: Option<u64>, unit: &str) -> Result<(), ErrorKind> {
    let len = len as u64;
    if len < min || max.is_some_and(|m| len > m) {
        let want = match max {
            Some(m) if m == min => format!("exactly {min}"),
            Some(m) => format!("{min} to {m}"),
            None => format!("at least {min}"),
        };
        return Err(ErrorKind::Constraint(format!("{len} {unit}, expected {want}")));
    }
    Ok(())
}

/// Checks a count of items.
pub fn check_count(len: usize, min: u64, max: Option<u64>) -> Result<(), ErrorKind> {
    if (len as u64) < min || max.is_some_and(|m| len as u64 > m) {
        return Err(ErrorKind::Constraint(format!("{len} items, expected {}", count_text(min, max))));
    }
    Ok(())
}

/// Checks a number against optional bounds (`inclusive` per bound).
pub fn check_range<T: PartialOrd + std::fmt::Display>(
    v: T,
    min: Option<(T, bool)>,
    max: Option<(T, bool)>,
) -> Result<(), ErrorKind> {
    let low_ok = match &min {
        Some((m, true)) => v >= *m,
        Some((m, false)) => v > *m,
        None => true,
    };
    let high_ok = match &max {
        Some((m, true)) => v <= *m,
        Some((m, false)) => v < *m,
        None => true,
    };
    if low_ok && high_ok {
        return Ok(());
    }
    let lo = min.map(|(m, inc)| format!("{} {m}", if inc { ">=" } else { ">" }));
    let hi = max.map(|(m, inc)| format!("{} {m}", if inc { "<=" } else { "<" }));
    let bounds: Vec<String> = lo.into_iter().chain(hi).collect();
    Err(ErrorKind::Constraint(format!("{v} is not {}", bounds.join(" and "))))
}

// ---------------------------------------------------------------------------------------------
// Encoding. Writing into a `Vec` cannot fail, so minicbor's write errors never occur.

// Writers for generated encoders. The output is always a `Vec`, which cannot fail, so these
// write CBOR heads straight into it instead of going through minicbor's fallible calls (whose
// `Result`s cost a drop per value); the bytes are the same, in deterministic (shortest) form.

/// Writes a head: major type and argument, in the shortest form.
#[inline]
pub fn head(e: &mut Enc<'_>, major: u8, arg: u64) {
    let out = e.writer_mut();
    let m = major << 5;
    if arg < 24 {
        out.push(m | arg as u8);
    } else if arg <= u64::from(u8::MAX) {
        out.extend_from_slice(&[m | 24, arg as u8]);
    } else if arg <= u64::from(u16::MAX) {
        let b = (arg as u16).to_be_bytes();
        out.extend_from_slice(&[m | 25, b[0], b[1]]);
    } else if arg <= u64::from(u32::MAX) {
        let b = (arg as u32).to_be_bytes();
        out.extend_from_slice(&[m | 26, b[0], b[1], b[2], b[3]]);
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

/// Writes an unsigned integer.
#[inline]
pub fn write_uint(e: &mut Enc<'_>, v: u64) {
    head(e, 0, v);
}

/// Writes a signed integer.
#[inline]
pub fn write_int(e: &mut Enc<'_>, v: i64) {
    if v >= 0 {
        head(e, 0, v as u64);
    } else {
        head(e, 1, !(v as u64));
    }
}

/// Writes a text string.
#[inline]
pub fn write_text(e: &mut Enc<'_>, v: &str) {
    head(e, 3, v.len() as u64);
    e.writer_mut().extend_from_slice(v.as_bytes());
}

/// Writes a byte string.
#[inline]
pub fn write_bytes(e: &mut Enc<'_>, v: &[u8]) {
    head(e, 2, v.len() as u64);
    e.writer_mut().extend_from_slice(v);
}

/// Writes a float64, always as 8 bytes (Open Screen's rule).
#[inline]
pub fn write_f64(e: &mut Enc<'_>, v: f64) {
    let out = e.writer_mut();
    out.push(0xfb);
    out.extend_from_slice(&v.to_bits().to_be_bytes());
}

/// Writes a float16 as 2 bytes (`f9` then the half's bits). A value a half float does not
/// hold exactly is a `Constraint` error: the schema says `float16`, and rounding would put
/// another number on the wire. NaN is written as the half NaN.
pub fn write_f16(e: &mut Enc<'_>, v: f32) -> Result<(), EncodeError> {
    let half = half::f16::from_f32(v);
    if half.to_f32() != v && !v.is_nan() {
        return Err(invalid(ErrorKind::Constraint(format!("{v} is not a float16 value (nearest: {half})"))));
    }
    let out = e.writer_mut();
    out.push(0xf9);
    out.extend_from_slice(&half.to_bits().to_be_bytes());
    Ok(())
}

/// Writes a float32 as 4 bytes.
#[inline]
pub fn write_f32(e: &mut Enc<'_>, v: f32) {
    let out = e.writer_mut();
    out.push(0xfa);
    out.extend_from_slice(&v.to_bits().to_be_bytes());
}

/// Writes a boolean.
#[inline]
pub fn write_bool(e: &mut Enc<'_>, v: bool) {
    e.writer_mut().push(if v { 0xf5 } else { 0xf4 });
}

/// Writes null.
#[inline]
pub fn write_null(e: &mut Enc<'_>) {
    e.writer_mut().push(0xf6);
}

/// Encodes one field, adding its name to the path of any error.
#[inline]
pub fn encode_field<'o>(
    e: &mut Enc<'o>,
    name: &'static str,
    f: impl FnOnce(&mut Enc<'o>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    f(e).map_err(|err| err.in_field(name))
}

/// Encodes an array after checking its count bounds; errors name the item's index.
#[inline]
pub fn encode_items<'o, T>(
    e: &mut Enc<'o>,
    items: &[T],
    min: u64,
    max: Option<u64>,
    mut f: impl FnMut(&mut Enc<'o>, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    check_count(items.len(), min, max).map_err(invalid)?;
    head(e, 4, items.len() as u64);
    for (i, item) in items.iter().enumerate() {
        f(e, item).map_err(|err| err.at_index(i))?;
    }
    Ok(())
}

/// Appends an already-encoded item.
#[inline]
pub fn raw(e: &mut Enc<'_>, bytes: &[u8]) {
    e.writer_mut().extend_from_slice(bytes);
}

/// An encode error for a constraint violated by the value being written.
pub fn invalid(kind: ErrorKind) -> EncodeError {
    EncodeError::new(kind)
}

// ---------------------------------------------------------------------------------------------
// Decode/Encode for the Rust types the generated code maps primitives to, so user code can
// decode or encode a bare value with the same traits.

impl<'a> Decode<'a> for u64 {
    const MAJORS: u8 = 1 << 0;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        uint(d)
    }
}
impl<'a> Decode<'a> for i64 {
    const MAJORS: u8 = 0b11;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        int(d)
    }
}
impl<'a> Decode<'a> for f64 {
    const MAJORS: u8 = 1 << 7;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        float(d)
    }
}
impl<'a> Decode<'a> for bool {
    const MAJORS: u8 = 1 << 7;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        boolean(d)
    }
}
impl<'a> Decode<'a> for Undefined {
    const MAJORS: u8 = 1 << 7;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        undefined(d)
    }
}
impl<'a> Decode<'a> for Cow<'a, str> {
    const MAJORS: u8 = 1 << 3;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        text(d)
    }
}
impl<'a> Decode<'a> for Cow<'a, [u8]> {
    const MAJORS: u8 = 1 << 2;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        bytes(d)
    }
}
impl<'a> Decode<'a> for RawCbor<'a> {
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        any(d)
    }
}
impl<'a, T: Decode<'a>> Decode<'a> for Nullable<T> {
    const MAJORS: u8 = T::MAJORS | 1 << 7;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        if take_null(d)? {
            Ok(Nullable::Null)
        } else {
            T::decode(d).map(Nullable::Value)
        }
    }
}
impl<'a, T: Decode<'a>> Decode<'a> for Vec<T> {
    const MAJORS: u8 = 1 << 4;
    fn decode(d: &mut Decoder<'a>) -> Result<Self, DecodeError> {
        list(d, 0, None, T::decode)
    }
}

impl Encode for u64 {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        write_uint(e, *self);
        Ok(())
    }
}
impl Encode for i64 {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        write_int(e, *self);
        Ok(())
    }
}
impl Encode for f64 {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        write_f64(e, *self);
        Ok(())
    }
}
impl Encode for bool {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        write_bool(e, *self);
        Ok(())
    }
}
impl Encode for Undefined {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        write_undefined(e);
        Ok(())
    }
}
impl Encode for Cow<'_, str> {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        write_text(e, self);
        Ok(())
    }
}
impl Encode for Cow<'_, [u8]> {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        write_bytes(e, self);
        Ok(())
    }
}
impl Encode for RawCbor<'_> {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        raw(e, &self.0);
        Ok(())
    }
}
impl<T: Encode> Encode for Nullable<T> {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        match self {
            Nullable::Null => {
                write_null(e);
                Ok(())
            }
            Nullable::Value(v) => v.encode(e),
        }
    }
}
impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, e: &mut Enc<'_>) -> Result<(), EncodeError> {
        head(e, 4, self.len() as u64);
        for (i, v) in self.iter().enumerate() {
            v.encode(e).map_err(|err| err.at_index(i))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_text_and_bytes_are_owned() {
        // (_ "ab", "c") and (_ h'01', h'0203')
        let t = [0x7f, 0x62, b'a', b'b', 0x61, b'c', 0xff];
        let mut d = Decoder::new(&t);
        assert_eq!(text(&mut d).unwrap(), Cow::<str>::Owned("abc".into()));
        let b = [0x5f, 0x41, 1, 0x42, 2, 3, 0xff];
        let mut d = Decoder::new(&b);
        assert_eq!(bytes(&mut d).unwrap().as_ref(), &[1, 2, 3]);
    }

    #[test]
    fn truncation_is_incomplete_everywhere() {
        for input in [&[0x19, 0x01][..], &[0x63, b'a'], &[0x82, 0x01], &[0xbf, 0x01], &[0xfb, 0, 0]] {
            let mut d = Decoder::new(input);
            let e = skip(&mut d).unwrap_err();
            assert!(e.is_incomplete(), "{input:02x?}: {e}");
        }
    }

    #[test]
    fn skip_handles_every_simple_value() {
        let input = [0x86, 0xf4, 0xf5, 0xf6, 0xf7, 0xe0, 0xf8, 0x20];
        let mut d = Decoder::new(&input);
        skip(&mut d).unwrap();
        assert_eq!(d.position(), input.len());
        assert!(skip(&mut Decoder::new(&[0xf8])).unwrap_err().is_incomplete());
    }

    #[test]
    fn skip_caps_depth() {
        let input = vec![0x81; MAX_DEPTH + 10];
        assert!(skip(&mut Decoder::new(&[vec![0x81; MAX_DEPTH - 1], vec![0]].concat())).is_ok());
        let e = skip(&mut Decoder::new(&input)).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::TooDeep);
    }

    #[test]
    fn lying_length_does_not_allocate_its_claim() {
        // An array header claiming 2^32 items followed by two bytes, with the item limit
        // lifted (by default the header alone fails it).
        let input = [0x9b, 0, 0, 0, 1, 0, 0, 0, 0, 0x01, 0x02];
        let unlimited = crate::Limits { max_items: usize::MAX, ..crate::Limits::DEFAULT };
        unlimited.scope(|| {
            let mut d = Decoder::new(&input);
            let seq = Seq::array(&mut d, "array").unwrap();
            assert_eq!(seq.capacity_for::<u8>(&d), 2);
            let e = list(&mut Decoder::new(&input), 0, None, uint).unwrap_err();
            assert!(e.is_incomplete());
        });
        let e = list(&mut Decoder::new(&input), 0, None, uint).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Limit(_)), "{e}");
    }

    #[test]
    fn list_bounds() {
        let two = [0x82, 0x01, 0x02];
        assert_eq!(list(&mut Decoder::new(&two), 1, Some(2), uint).unwrap(), vec![1, 2]);
        let e = list(&mut Decoder::new(&two), 3, None, uint).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Constraint(_)));
        let e = list(&mut Decoder::new(&two), 0, Some(1), uint).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Constraint(_)));
        let e = list(&mut Decoder::new(&[0x82, 0x01, 0x61, b'x']), 0, None, uint).unwrap_err();
        assert_eq!(e.path().to_string(), "[1]");
        assert_eq!(e.offset(), 2);
    }

    #[test]
    fn mismatch_names_what_was_found() {
        let e = uint(&mut Decoder::new(&[0x61, b'x'])).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::UnexpectedType { expected: "unsigned integer", found: "text string".into() });
    }

    #[test]
    fn ranges() {
        assert!(check_range(5u64, Some((1, true)), Some((5, true))).is_ok());
        assert!(check_range(5u64, None, Some((5, false))).is_err());
        assert!(check_range(-1.5f64, Some((-1.0, true)), None).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Typed tables (`* K => V`): a map's entries beyond its fixed keys, as `Vec<(K, V)>`.

/// Checks a decoded table: the count bounds, and that no key occurs twice. `keys` are the
/// entries' key spans in `input`; comparing their bytes costs O(n log n), whatever the keys' type.
pub fn check_table(
    input: &[u8],
    keys: &mut [(usize, usize)],
    min: u64,
    max: Option<u64>,
    start: usize,
    name: &'static str,
) -> Result<(), DecodeError> {
    check_count(keys.len(), min, max).map_err(|k| DecodeError::new(k, start).in_field(name))?;
    keys.sort_by(|a, b| input[a.0..a.1].cmp(&input[b.0..b.1]).then(a.0.cmp(&b.0)));
    for w in keys.windows(2) {
        if input[w[0].0..w[0].1] == input[w[1].0..w[1].1] {
            return Err(DecodeError::new(ErrorKind::DuplicateField(name), w[1].0));
        }
    }
    Ok(())
}

/// Writes a table's entries in ascending order of their encoded keys, between a struct's fixed
/// keys (and its kept unknown entries), as deterministic encoding demands.
#[derive(Debug)]
pub struct TableWriter {
    sorted: Vec<(Vec<u8>, Vec<u8>)>,
    next: usize,
}

impl TableWriter {
    /// Encodes every entry (`f` writes the key into its first encoder, the value into the
    /// second) after checking the count bounds; two entries with the same key are an error.
    pub fn new<T>(
        items: &[T],
        min: u64,
        max: Option<u64>,
        f: impl FnMut(&mut Enc<'_>, &mut Enc<'_>, &T) -> Result<(), EncodeError>,
    ) -> Result<Self, EncodeError> {
        TableWriter { sorted: Vec::with_capacity(items.len()), next: 0 }.and(items, min, max, f)
    }

    /// Adds the entries of a map's next table (`{ * tstr => int, * int => text }`), as
    /// [`TableWriter::new`] does the first's; a key in two tables is an error too.
    pub fn and<T>(
        mut self,
        items: &[T],
        min: u64,
        max: Option<u64>,
        mut f: impl FnMut(&mut Enc<'_>, &mut Enc<'_>, &T) -> Result<(), EncodeError>,
    ) -> Result<Self, EncodeError> {
        check_count(items.len(), min, max).map_err(invalid)?;
        self.sorted.reserve(items.len());
        for (i, item) in items.iter().enumerate() {
            let (mut k, mut v) = (Vec::new(), Vec::new());
            f(&mut Encoder::new(&mut k), &mut Encoder::new(&mut v), item).map_err(|err| err.at_index(i))?;
            self.sorted.push((k, v));
        }
        self.sorted.sort_by(|a, b| a.0.cmp(&b.0));
        if self.sorted.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(invalid(ErrorKind::Constraint("two table entries have the same key".into())));
        }
        Ok(self)
    }

    /// How many entries the table has.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Writes the entries whose keys sort before `key` (a fixed key about to be written), each
    /// after the kept unknown entries that sort before it; a table key equal to a fixed key is
    /// an error.
    pub fn before(
        &mut self,
        e: &mut Enc<'_>,
        key: &[u8],
        mut unknown: Option<&mut UnknownWriter<'_, '_>>,
    ) -> Result<(), EncodeError> {
        while let Some((k, v)) = self.sorted.get(self.next) {
            match k.as_slice().cmp(key) {
                std::cmp::Ordering::Less => {
                    if let Some(u) = unknown.as_deref_mut() {
                        u.before(e, k)?;
                    }
                    raw(e, k);
                    raw(e, v);
                    self.next += 1;
                }
                std::cmp::Ordering::Equal => {
                    return Err(invalid(ErrorKind::Constraint("a table entry repeats a fixed key".into())))
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        Ok(())
    }

    /// Writes the remaining entries (interleaved with the remaining unknown ones).
    pub fn rest(&mut self, e: &mut Enc<'_>, unknown: Option<&mut UnknownWriter<'_, '_>>) -> Result<(), EncodeError> {
        let mut unknown = unknown;
        for (k, v) in &self.sorted[self.next..] {
            if let Some(u) = unknown.as_deref_mut() {
                u.before(e, k)?;
            }
            raw(e, k);
            raw(e, v);
        }
        self.next = self.sorted.len();
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Map alternatives (`{ a // b }`, a type choice of maps): told apart by a key or a key's value.

/// Looks through the map at the decoder's position, without moving it, for the entry that
/// selects an alternative: `select` gets each key, with the decoder at its value, and answers
/// the alternative's index or `None` to look further. `None` when no entry selects one.
/// One pass over the map; the alternative's decoder then reads it again.
pub fn map_dispatch<'a>(
    d: &Decoder<'a>,
    mut select: impl FnMut(MapKey<'a>, &mut Decoder<'a>) -> Result<Option<usize>, DecodeError>,
) -> Result<Option<usize>, DecodeError> {
    let mut p = d.clone();
    let mut map = Seq::map(&mut p)?;
    while map.next(&mut p)? {
        let key = map_key(&mut p)?;
        let value = p.position();
        // A value of another type than the selecting one's just does not select.
        if let Ok(Some(i)) = select(key, &mut p) {
            return Ok(Some(i));
        }
        p.set_position(value);
        skip(&mut p)?;
    }
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Groups spliced into arrays (`[+ (key, value) // …]`): items, not one item.

/// A group of array items that generated code reads and writes in the enclosing array.
pub trait Items<'a>: Sized {
    /// Reads the group's items from the array `seq` (each announced by `seq.next`).
    fn decode_items(d: &mut Decoder<'a>, seq: &mut Seq) -> Result<Self, DecodeError>;
    /// Writes the group's items (the enclosing array counted them with [`Items::count`]).
    fn encode_items(&self, e: &mut Enc<'_>) -> Result<(), EncodeError>;
    /// How many array items the group is.
    fn count(&self) -> u64;
}

/// The next item of a group: an error where the array ends if it ends first.
#[inline]
pub fn group_item(d: &mut Decoder<'_>, seq: &mut Seq, name: &'static str) -> Result<(), DecodeError> {
    let at = d.position();
    if seq.next(d)? {
        Ok(())
    } else {
        Err(DecodeError::new(ErrorKind::MissingField(name), at))
    }
}

/// Reads repeated groups until the array ends, checking the count bounds.
pub fn group_list<'a, T: Items<'a>>(
    d: &mut Decoder<'a>,
    seq: &mut Seq,
    min: u64,
    max: Option<u64>,
) -> Result<Vec<T>, DecodeError> {
    let mut out = Vec::new();
    while seq.more(d)? {
        let i = out.len();
        if max.is_some_and(|m| i as u64 >= m) {
            return Err(DecodeError::new(ErrorKind::Constraint(count_text(min, max)), seq.start));
        }
        out.push(T::decode_items(d, seq).map_err(|e| e.at_index(i))?);
    }
    if (out.len() as u64) < min {
        return Err(DecodeError::new(ErrorKind::Constraint(count_text(min, max)), seq.start));
    }
    Ok(out)
}
