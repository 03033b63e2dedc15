//! The derive path under the fuzzer: a vendor's extension set, written with
//! `#[derive(osmos::Message)]`/`#[derive(osmos::Messages)]` as `tests/derive_extension.rs` does,
//! composed with the standard messages. Shared by the `extension` target and
//! `tests/robust_fuzz_replay.rs` (feature `derive`).
#![allow(dead_code)]

use std::borrow::Cow;

use osmos::cbor::{Nullable, RawCbor, UnknownKeys};
use osmos::frame::{FrameDecode, FrameEncode, FrameReader};
use osmos::openscreen;

#[derive(Debug, Clone, PartialEq, osmos::Message)]
#[osmos(type_key = 50)]
pub struct VendorStatus<'a> {
    #[osmos(key = 0)]
    pub request_id: u64,
    #[osmos(key = 1, count(min = 1, max = 4))]
    pub levels: Vec<Level>,
    #[osmos(key = 2)]
    pub detail: Option<Nullable<Detail<'a>>>,
    #[osmos(key = "vendor-note", size(max = 8))]
    pub note: Option<Cow<'a, str>>,
    #[osmos(key = 3, range(ge = -10, le = 10))]
    pub offset: Option<i64>,
    #[osmos(key = 4)]
    pub blob: Option<RawCbor<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, osmos::Message)]
pub enum Level {
    Low = 1,
    #[osmos(value = 2, name = "high")]
    High,
}

#[derive(Debug, Clone, PartialEq, osmos::Message)]
pub enum Detail<'a> {
    Text(Cow<'a, str>),
    Point(Point),
}

#[derive(Debug, Clone, PartialEq, osmos::Message)]
#[osmos(array)]
pub struct Point {
    pub x: i64,
    pub y: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, osmos::Message)]
#[osmos(type_key = 8200)]
pub struct VendorProxy<'a> {
    #[osmos(key = 1)]
    pub id: u64,
    #[osmos(key = 5)]
    pub name: Cow<'a, [u8]>,
    #[osmos(unknown)]
    pub unknown: UnknownKeys<'a>,
}

#[derive(Debug, Clone, PartialEq, osmos::Messages)]
#[allow(clippy::large_enum_variant)]
pub enum Stream<'a> {
    #[osmos(set)]
    Standard(openscreen::Message<'a>),
    Status(VendorStatus<'a>),
    Proxy(VendorProxy<'a>),
}

/// A frame of the composed set re-encodes to a fixed point, and a reader fed the input in
/// two pieces (cut where the first byte says) returns the same frames as decoding it whole.
pub fn extension(data: &[u8]) {
    let Some((&cut, stream)) = data.split_first() else { return };
    let mut whole = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        match <Stream as FrameDecode>::decode_frame(&stream[at..]) {
            Ok(Some((m, used))) => {
                let mut once = Vec::new();
                m.encode_frame(&mut once).unwrap_or_else(|e| panic!("decoded value does not encode: {e}: {m:?}"));
                let (again, used2) =
                    <Stream as FrameDecode>::decode_frame(&once).expect("own encoding").expect("whole");
                assert_eq!(used2, once.len());
                let mut twice = Vec::new();
                again.encode_frame(&mut twice).expect("encodes");
                assert_eq!(once, twice, "encoding is not a fixed point");
                whole.push(once);
                at += used;
            }
            Ok(None) | Err(_) => break,
        }
    }
    let cut = usize::from(cut).min(stream.len());
    let mut reader = FrameReader::new();
    let mut chunked = Vec::new();
    'pieces: for piece in [&stream[..cut], &stream[cut..]] {
        reader.push(piece);
        loop {
            match reader.next_frame::<Stream>() {
                Ok(Some(m)) => {
                    let mut out = Vec::new();
                    m.encode_frame(&mut out).expect("encodes");
                    chunked.push(out);
                }
                Ok(None) => break,
                Err(_) => break 'pieces,
            }
        }
    }
    assert_eq!(whole, chunked, "chunking changed the frames");
}
