//! What must hold for any input, shared by the fuzz targets and `tests/robust_fuzz_replay.rs`.
//! Each function panics when an oracle fails; a decoder panicking is a failure by itself.
#![allow(dead_code)]

use osmos::frame::FrameReader;
use osmos::mos::messages::Mos;
use osmos::mos::MosStreamDecoder;
use osmos::openscreen::Message;
use osmos::xml::Mode;
use osmos::ErrorKind;

/// Chunk sizes from a seed byte: 1..=64, varying.
fn chunks(data: &[u8], seed: u8) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let (mut at, mut s) = (0, u32::from(seed) | 1);
    while at < data.len() {
        s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = ((s >> 16) as usize % 64 + 1).min(data.len() - at);
        out.push(&data[at..at + n]);
        at += n;
    }
    out
}

/// Open Screen: a decoded frame re-encodes to a frame that decodes to the same encoding
/// (a fixed point after one step; values are compared by encoding since NaN != NaN).
pub fn frame(data: &[u8]) {
    let Ok(Some((m, used))) = Message::decode_frame(data) else { return };
    assert!(used <= data.len());
    let mut once = Vec::new();
    if m.encode_frame(&mut once).is_err() {
        // Decoding checks what encoding checks; a decoded value must encode.
        panic!("decoded value does not encode: {m:?}");
    }
    let (again, used2) = Message::decode_frame(&once).expect("own encoding decodes").expect("complete");
    assert_eq!(used2, once.len());
    let mut twice = Vec::new();
    again.encode_frame(&mut twice).expect("encodes");
    assert_eq!(once, twice, "encoding is not a fixed point");
    // The JSON view is lossless.
    let json = osmos::json::ToJson::to_json(&m);
    let back = <Message as osmos::json::FromJson>::from_json(&json).expect("JSON view reads back");
    let mut from_json = Vec::new();
    back.encode_frame(&mut from_json).expect("encodes");
    assert_eq!(once, from_json, "JSON view lost something");
}

#[derive(Debug, PartialEq)]
enum End {
    Clean,
    Error(ErrorKind, String, usize),
}

/// `FrameReader` fed in random chunks gives what decoding the whole stream in one go gives.
pub fn frame_reader(data: &[u8]) {
    let Some((&seed, stream)) = data.split_first() else { return };
    let mut whole = Vec::new();
    let mut at = 0;
    let whole_end = loop {
        if at == stream.len() {
            break End::Clean;
        }
        match Message::decode_frame(&stream[at..]) {
            Ok(Some((m, used))) => {
                whole.push(m.name());
                at += used;
            }
            Ok(None) => break End::Error(ErrorKind::Incomplete, String::new(), stream.len() - at),
            Err(e) => break End::Error(e.kind().clone(), e.path().to_string(), e.offset()),
        }
    };
    let mut reader = FrameReader::new();
    let mut parts = Vec::new();
    let mut chunked_end = None;
    'outer: for piece in chunks(stream, seed) {
        reader.push(piece);
        loop {
            match reader.next_frame::<Message>() {
                Ok(Some(m)) => parts.push(m.name()),
                Ok(None) => break,
                Err(e) => {
                    chunked_end = Some(End::Error(e.kind().clone(), e.path().to_string(), e.offset()));
                    break 'outer;
                }
            }
        }
    }
    let chunked_end = chunked_end.unwrap_or_else(|| match reader.finish::<Message>() {
        Ok(()) => End::Clean,
        Err(e) => End::Error(e.kind().clone(), e.path().to_string(), e.offset()),
    });
    assert_eq!(whole, parts);
    assert_eq!(whole_end, chunked_end);
}

/// MOS: strict success implies lenient success with the same value; lenient output decodes to
/// itself; the UTF-16BE form decodes to the same value.
pub fn mos(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lenient = Mos::decode_with(text, Mode::Lenient);
    let strict = Mos::decode_with(text, Mode::Strict);
    if let Ok(s) = &strict {
        let l = lenient.as_ref().expect("strict accepts, so lenient must");
        assert_eq!(s.encode(), l.encode());
    }
    let Ok(l) = lenient else { return };
    let out = l.encode();
    assert!(osmos_xml_well_formed_chars(&out), "output holds a character XML forbids: {out:?}");
    let again = Mos::decode_with(&out, Mode::Lenient).expect("own output decodes");
    assert_eq!(again.encode(), out, "encoding is not a fixed point");
    let utf16 = osmos::xml::utf16be(text);
    let back = osmos::mos::to_utf8(&utf16).expect("own UTF-16 transcodes");
    let l16 = Mos::decode_with(&back, Mode::Lenient).expect("UTF-16 form decodes");
    assert_eq!(l16.encode(), out);
}

fn osmos_xml_well_formed_chars(s: &str) -> bool {
    !s.chars()
        .any(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        && !s.contains("&#1;")
        && !s.contains("&#0;")
}

type Cut = Result<String, (ErrorKind, usize)>;
type StreamEnd = Result<(), (ErrorKind, usize)>;

fn stream_messages(pieces: &[&[u8]]) -> (Vec<Cut>, StreamEnd) {
    let mut d = MosStreamDecoder::new().max_message_size(4096);
    let mut out = Vec::new();
    for p in pieces {
        d.push(p);
        while let Some(m) = d.next_message() {
            out.push(m.map(|m| m.as_str().to_owned()).map_err(|e| (e.kind().clone(), e.offset())));
        }
    }
    (out, d.finish().map_err(|e| (e.kind().clone(), e.offset())))
}

/// What must not depend on chunking: everything up to the first message over the size bound.
/// After one, the decoder resumes at the next `<mos` it has not scanned yet, and how much it had
/// scanned when the bound was hit depends on the chunks (documented on `MosStreamDecoder`).
fn up_to_oversized((cuts, end): (Vec<Cut>, StreamEnd)) -> (Vec<Cut>, Option<StreamEnd>) {
    match cuts.iter().position(|c| matches!(c, Err((ErrorKind::Limit(_), _)))) {
        Some(i) => (cuts[..=i].to_vec(), None),
        None => (cuts, Some(end)),
    }
}

/// How much of a stream the byte-by-byte pass feeds one byte at a time (the rest goes in random
/// chunks). One push per byte, under the fuzzer's comparison tracing, is most of this target's cost
/// (about 100 ns a byte for the three passes, linear in the length from 4 to 700 KB: no push is
/// slower for what came before), and fed whole, the corpus's 40 to 80 KB seeds held the target to a
/// few hundred inputs a second. A message is at most 4096 bytes here (`stream_messages`), so every
/// state the cutter can be in is reachable within the first 4 KiB, where this pass still splits at
/// every byte; past it the random chunks split at every 32nd byte on average. `tests/mos_stream.rs`
/// feeds whole samples byte by byte without the bound.
const BYTEWISE: usize = 4096;

/// The MOS stream decoder cuts the same messages whole, in random chunks and byte by byte (up
/// to [`BYTEWISE`] bytes, in random chunks after that).
pub fn mos_stream(data: &[u8]) {
    let Some((&seed, stream)) = data.split_first() else { return };
    let whole = up_to_oversized(stream_messages(&[stream]));
    assert_eq!(whole, up_to_oversized(stream_messages(&chunks(stream, seed))), "random chunks");
    let (head, tail) = stream.split_at(stream.len().min(BYTEWISE));
    let bytes: Vec<&[u8]> = head.chunks(1).chain(chunks(tail, seed.wrapping_add(1))).collect();
    assert_eq!(whole, up_to_oversized(stream_messages(&bytes)), "byte by byte");
}

/// The XSD front end and the XML back end end in code or errors, never a panic. Schemas that
/// name other files are left out: `xs:include` of `/dev/zero` would read forever, and
/// loading files is not what is under test.
pub fn xsd(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.contains("schemaLocation") || text.len() > 64 * 1024 {
        return;
    }
    let path = std::env::temp_dir().join(format!("osmos-fuzz-xsd-{}.xsd", std::process::id()));
    std::fs::write(&path, text).expect("temp file");
    let compiled = osmos_codegen::xsd::compile("f", &[path]);
    let Ok(schema) = compiled else { return };
    if osmos_codegen::check::check(&schema).is_err() {
        return;
    }
    let _ = osmos_codegen::rust::generate(&schema, &osmos_codegen::Options::default());
}

/// The CDDL front end, checks and back end end in code or errors, never a panic.
pub fn cddl(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = vec![osmos_codegen::ir::Source { path: "f.cddl".into(), text: text.into() }];
    let Ok(schema) = osmos_codegen::cddl::compile("f", sources) else { return };
    if osmos_codegen::check::check(&schema).is_err() {
        return;
    }
    let _ = osmos_codegen::rust::generate(&schema, &osmos_codegen::Options::default());
}
