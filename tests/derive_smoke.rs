#![cfg(feature = "derive")]
use osmos::cbor::{Nullable, RawCbor};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, osmos::Message)]
#[osmos(type_key = 50)]
pub struct VendorPing<'a> {
    #[osmos(key = 0)]
    pub request_id: u64,
    #[osmos(key = "vendor-note", size(max = 8))]
    pub note: Option<Cow<'a, str>>,
    #[osmos(key = 2, count(min = 1))]
    pub levels: Vec<Level>,
    #[osmos(key = 3)]
    pub extra: Option<Nullable<Payload<'a>>>,
    #[osmos(key = 4)]
    pub raw: Option<RawCbor<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, osmos::Message)]
pub enum Level {
    Low = 1,
    #[osmos(value = 2)]
    High,
}

#[derive(Debug, Clone, PartialEq, osmos::Message)]
pub enum Payload<'a> {
    Text(Cow<'a, str>),
    Point(Point),
}

#[derive(Debug, Clone, PartialEq, osmos::Message)]
#[osmos(array)]
pub struct Point {
    pub x: i64,
    pub y: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, osmos::Messages)]
#[allow(clippy::large_enum_variant)]
pub enum Both<'a> {
    Ping(VendorPing<'a>),
    #[osmos(set)]
    Std(osmos::openscreen::Message<'a>),
}

#[test]
fn smoke() {
    let m = VendorPing {
        request_id: 7,
        note: Some("hi".into()),
        levels: vec![Level::High],
        extra: Some(Nullable::Value(Payload::Point(Point { x: -1, y: Some(1.5) }))),
        raw: None,
    };
    let mut out = Vec::new();
    osmos::frame::Keyed::encode_frame(&m, &mut out).unwrap();
    println!("{}", hex::encode(&out));
    let (back, n) = <Both as osmos::frame::FrameDecode>::decode_frame(&out).unwrap().unwrap();
    assert_eq!(n, out.len());
    assert_eq!(back, Both::Ping(m));
}
