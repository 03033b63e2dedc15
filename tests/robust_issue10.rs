#![cfg(all(feature = "json", feature = "count-work"))]
//! Regressions for the nine findings of issue 10, each with its reproducer: the exact error
//! (kind, path, offset) or a count of work at size n and 4n (never wall time).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use osmos::cbor::{Decode, Decoder};
use osmos::frame::FrameReader;
use osmos::json::{FromJson, ToJson};
use osmos::mos::messages::Mos;
use osmos::mos::MosStreamDecoder;
use osmos::openscreen::Message;
use osmos::xml::Mode;
use osmos::ErrorKind;

// ---- 1. memory amplification from a declared array length ---------------------------------

/// Tracks the largest single allocation made by the current thread while armed.
struct Largest;

thread_local!(static ARMED: Cell<bool> = const { Cell::new(false) }; static LARGEST: Cell<usize> = const { Cell::new(0) });

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ARMED.try_with(|a| {
            if a.get() {
                let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
            }
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ARMED.try_with(|a| {
            if a.get() {
                let _ = LARGEST.try_with(|l| l.set(l.get().max(new_size)));
            }
        });
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Largest = Largest;

fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    ARMED.with(|a| a.set(true));
    let r = f();
    ARMED.with(|a| a.set(false));
    (r, LARGEST.with(Cell::get))
}

#[test]
fn a_declared_array_length_reserves_no_more_than_the_bytes_left() {
    // receive-video-capability list declared 2^64-1 long, then n empty maps (each 1 byte on
    // the wire, ~200 bytes in memory; the first one already lacks a required field).
    for n in [4096usize, 16384] {
        let mut frame = hex::decode("407ba2000101a300800280019bffffffffffffffff").unwrap();
        frame.extend(std::iter::repeat_n(0xa0, n));
        // With the item limit lifted: by default the header alone is refused (`robust_limits.rs`).
        let unlimited = osmos::Limits { max_items: usize::MAX, ..osmos::Limits::default() };
        let (result, largest) =
            largest_allocation(|| unlimited.scope(|| Message::decode_frame(&frame).map(|r| r.is_some())));
        let e = result.unwrap_err();
        assert!(largest <= frame.len(), "n = {n}: largest allocation {largest} B for a {} B frame", frame.len());
        assert!(matches!(e.kind(), ErrorKind::MissingField(_)), "{e}");
    }
}

// ---- 2. FrameReader is linear however the frame is chunked ---------------------------------

/// Decoding work of a reader fed `frame` in `chunk`-byte pieces: bytes handed to the decoder
/// plus bytes scanned for completeness.
fn reader_work(frame: &[u8], chunk: usize) -> u64 {
    let mut reader = FrameReader::with_max_frame(usize::MAX);
    osmos::work::take();
    let mut got = 0;
    for piece in frame.chunks(chunk) {
        reader.push(piece);
        while let Some(m) = reader.next_frame::<Message>().unwrap() {
            assert_eq!(m.type_key(), 10);
            got += 1;
        }
    }
    assert_eq!(got, 1);
    osmos::work::take()
}

fn long_frame(n: usize) -> Vec<u8> {
    // agent-info-request { 0: request-id, 1: [_ 0, 0, …] } — an unknown key with a long
    // indefinite array, as in the issue.
    let mut f = hex::decode("0aa2000118639f").unwrap();
    f.extend(std::iter::repeat_n(0, n));
    f.push(0xff);
    f
}

#[test]
fn frame_reader_work_is_linear_in_the_frame() {
    let (small, large) = (reader_work(&long_frame(25_000), 100), reader_work(&long_frame(100_000), 100));
    eprintln!("FrameReader, 100-byte chunks: n = 25k: {small} units, 4n: {large} units");
    assert!(large <= 5 * small, "n: {small}, 4n: {large}");
    // Units: bytes handed to the decoder and scanned, plus items the decoder visits (two per
    // item of the skipped array) in each attempt.
    assert!(large <= 8 * 100_008, "more than 8 units per byte: {large}");
    // Byte by byte as well.
    let one = reader_work(&long_frame(25_000), 1);
    assert!(one <= 8 * 25_008, "byte by byte: {one}");
}

#[test]
fn frame_reader_still_reports_errors_in_unfinished_frames() {
    // presentation-change-event whose connection-count is text: an error long before the
    // frame ends. It surfaces once the pending bytes double, and `finish` has it too.
    let frame = hex::decode("4079a2006170016131").unwrap();
    let mut reader = FrameReader::new();
    let mut error = None;
    for b in &frame[..frame.len() - 1] {
        reader.push(std::slice::from_ref(b));
        if let Err(e) = reader.next_frame::<Message>() {
            error = Some(e);
            break;
        }
    }
    let e = error.expect("the error is reported before the frame ends");
    assert_eq!(e.path().to_string(), "presentation-change-event.connection-count");
    let mut reader = FrameReader::new();
    reader.push(&frame[..frame.len() - 1]);
    assert_eq!(
        reader.finish::<Message>().unwrap_err().path().to_string(),
        "presentation-change-event.connection-count"
    );
    let mut reader = FrameReader::new();
    reader.push(&hex::decode("0aa20001").unwrap());
    assert!(reader.next_frame::<Message>().unwrap().is_none());
    assert_eq!(*reader.finish::<Message>().unwrap_err().kind(), ErrorKind::Incomplete);
}

// ---- 3. strict MOS decoding is linear in the number of deviations --------------------------

fn strict_work(attributes: usize, children: usize) -> (u64, usize) {
    let mut xml = String::from("<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><heartbeat");
    for i in 0..attributes {
        xml.push_str(&format!(" a{i}=\"v\""));
    }
    xml.push('>');
    for i in 0..children {
        xml.push_str(&format!("<x{i}/>"));
    }
    xml.push_str("<time>2009-04-11T17:20:42</time></heartbeat></mos>");
    osmos::work::take();
    let errors = Mos::decode_with(&xml, Mode::Strict).unwrap_err();
    (osmos::work::take(), errors.len())
}

#[test]
fn strict_mos_work_is_linear_in_deviations() {
    for (a, c) in [(2_000, 0), (0, 2_000)] {
        let (w1, n1) = strict_work(a, c);
        let (w4, n4) = strict_work(4 * a, 4 * c);
        eprintln!("strict MOS, {a} attributes / {c} children: {w1} units; 4n: {w4}");
        assert_eq!((n1, n4), (a + c, 4 * (a + c)));
        // Units: deviations compared, plus the tokens and attributes read (a few per deviation).
        assert!(w4 <= 5 * w1.max(1) && w4 <= (3 * 4 * (a + c)) as u64, "n: {w1}, 4n: {w4}");
    }
}

// ---- 4. the MOS stream's encoding does not depend on chunking ------------------------------

#[test]
fn mos_stream_encoding_is_the_same_however_chunked() {
    let message = "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID><heartbeat/></mos>";
    let mut stream = vec![b'x'; 1024];
    stream.extend(osmos::xml::utf16be(message));
    for chunk in [stream.len(), 1024, 512, 1] {
        let mut d = MosStreamDecoder::new();
        let mut got = Vec::new();
        for piece in stream.chunks(chunk) {
            d.push(piece);
            while let Some(m) = d.next_message() {
                got.push(m.unwrap().as_str().to_owned());
            }
        }
        d.finish().unwrap();
        assert_eq!(got, [message], "chunks of {chunk}");
    }
}

// ---- 5. NaN and infinities survive the JSON view ------------------------------------------

#[test]
fn non_finite_floats_round_trip_through_json() {
    for (float, json) in [
        ("fb7ff8000000000000", "\"NaN\""),
        ("fb7ff0000000000000", "\"Infinity\""),
        ("fbfff0000000000000", "\"-Infinity\""),
        ("fb7ff8000000000001", "\"NaN:7ff8000000000001\""),
    ] {
        let frame = hex::decode(format!("13a30001010102a108{float}")).unwrap();
        let (m, _) = Message::decode_frame(&frame).unwrap().unwrap();
        let v = m.to_json();
        assert!(v.to_string().contains(json), "{v}");
        let back = Message::from_json(&v).unwrap();
        let mut out = Vec::new();
        osmos::frame::FrameEncode::encode_frame(&back, &mut out).unwrap();
        assert_eq!(hex::encode(out), hex::encode(&frame));
    }
    let e = f64::from_json(&serde_json::json!("nan")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnexpectedType { .. }), "{e}");
}

// ---- 6. characters XML forbids --------------------------------------------------------------

const HEAD: &str = "<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID>";

#[test]
fn forbidden_characters_are_deviations_and_never_written_raw() {
    for (body, offset, c) in [
        ("<roAck><roID>a&#1;b</roID><roStatus>OK</roStatus></roAck>", 14, "U+0001"),
        ("<roAck><roID>a&#xFFFE;b</roID><roStatus>OK</roStatus></roAck>", 14, "U+FFFE"),
        ("<roAck><roID>a\u{1}b</roID><roStatus>OK</roStatus></roAck>", 14, "U+0001"),
    ] {
        let xml = format!("{HEAD}{body}</mos>");
        let errors = Mos::decode_with(&xml, Mode::Strict).unwrap_err();
        let e = errors.first();
        assert_eq!(e.offset(), HEAD.len() + offset, "{e}");
        assert_eq!(e.path().to_string(), "roAck.roID");
        assert_eq!(*e.kind(), ErrorKind::Malformed(format!("character {c} is not allowed in XML")));
        let lenient = Mos::decode_with(&xml, Mode::Lenient).unwrap();
        let out = lenient.encode();
        assert!(!out.contains("&#1;") && !out.contains('\u{1}') && !out.contains('\u{FFFE}'), "{out}");
        assert!(out.contains("<roID>a\u{FFFD}b</roID>"), "{out}");
    }
    // Inside raw content: a strict deviation; lenient keeps the span with U+FFFD in its place.
    let xml = format!(
        "{HEAD}<roMetadataReplace><roID>1</roID><roSlug>s</roSlug><mosExternalMetadata><mosSchema>u</mosSchema>\
         <mosPayload><a>x&#0;y</a></mosPayload></mosExternalMetadata></roMetadataReplace></mos>"
    );
    let errors = Mos::decode_with(&xml, Mode::Strict).unwrap_err();
    let e = errors.first();
    assert_eq!(e.path().to_string(), "roMetadataReplace.mosExternalMetadata.mosPayload.a");
    assert_eq!(e.offset(), xml.find("&#0;").unwrap());
    let out = Mos::decode_with(&xml, Mode::Lenient).unwrap().encode();
    assert!(out.contains("<mosPayload><a>x\u{FFFD}y</a></mosPayload>"), "{out}");
}

// ---- 7. paths inside raw content; the offset of bad UTF-8 ----------------------------------

#[test]
fn raw_content_errors_name_each_element_once() {
    let xml = format!(
        "{HEAD}<roMetadataReplace><roID>1</roID><roSlug>s</roSlug><mosExternalMetadata><mosSchema>u</mosSchema>\
         <mosPayload><a></b></mosPayload></mosExternalMetadata></roMetadataReplace></mos>"
    );
    let e = Mos::decode_with(&xml, Mode::Lenient).unwrap_err();
    let e = e.first();
    assert_eq!(e.path().to_string(), "roMetadataReplace.mosExternalMetadata.mosPayload.a");
    assert_eq!(*e.kind(), ErrorKind::Malformed("expected </a>, found </b>".into()));
    assert_eq!(e.offset(), xml.find("</b>").unwrap());
}

#[test]
fn invalid_utf8_points_at_the_bad_byte() {
    // A definite text string: header at 0, bad byte (0xff) at 3.
    let bytes = [0x64, b'a', b'b', 0xff, b'c'];
    let e = <std::borrow::Cow<str> as Decode>::decode(&mut Decoder::new(&bytes)).unwrap_err();
    assert_eq!((e.kind().clone(), e.offset()), (ErrorKind::InvalidUtf8, 3));
    // Indefinite: 7f, chunk "ab" at 1..4, chunk with a bad byte at 5 + 1.
    let bytes = [0x7f, 0x62, b'a', b'b', 0x62, b'c', 0xc3, 0xff];
    let e = <std::borrow::Cow<str> as Decode>::decode(&mut Decoder::new(&bytes)).unwrap_err();
    assert_eq!((e.kind().clone(), e.offset()), (ErrorKind::InvalidUtf8, 6));
    // In a frame: presentation-connection-message's text payload, bad byte at 11.
    let frame = hex::decode("10a200010163686ffe").unwrap();
    let e = Message::decode_frame(&frame).unwrap_err();
    assert_eq!(e.path().to_string(), "presentation-connection-message.message");
    assert_eq!((e.kind().clone(), e.offset()), (ErrorKind::InvalidUtf8, 8));
}
