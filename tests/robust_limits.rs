//! `osmos::Limits`: each bound, set small, gives its exact error (kind, path, offset) in every
//! decoder that has it; the defaults accept what they should.

use osmos::frame::FrameReader;
use osmos::mos::messages::Mos;
use osmos::mos::MosStreamDecoder;
use osmos::openscreen::Message;
use osmos::xml::Mode;
use osmos::{DecodeError, ErrorKind, Limits};

fn frame(hex_text: &str) -> Vec<u8> {
    hex::decode(hex_text.replace(' ', "")).unwrap()
}

fn decode_under(limits: Limits, bytes: &[u8]) -> DecodeError {
    limits.scope(|| Message::decode_frame(bytes)).expect_err("the limit must fail the frame")
}

fn limit(text: &str) -> ErrorKind {
    ErrorKind::Limit(text.into())
}

fn assert_error(e: &DecodeError, kind: ErrorKind, path: &str, offset: usize) {
    assert_eq!((e.kind(), e.path().to_string().as_str(), e.offset()), (&kind, path, offset), "{e}");
}

// presentation-connection-message {0: 7, 1: "hello"}
const PCM: &str = "10 a2 00 07 01 65 68656c6c6f";

#[test]
fn defaults_are_the_documented_ones() {
    let d = Limits::default();
    assert_eq!((d.max_depth, d.max_items, d.max_string_len), (64, 1 << 20, 1 << 20));
    assert_eq!((d.max_frame_len, d.max_message_len), (osmos::frame::DEFAULT_MAX_FRAME, 16 << 20));
    assert_eq!(osmos::limits::current(), d);
    // A frame at each bound exactly decodes.
    let exact = Limits { max_string_len: 5, max_items: 2, max_frame_len: 11, ..d };
    let mut reader = FrameReader::with_limits(exact);
    reader.push(&frame(PCM));
    assert!(reader.next_frame::<Message>().unwrap().is_some());
}

#[test]
fn frame_size() {
    let small = Limits { max_frame_len: 8, ..Limits::default() };
    // Whole: the complete 11-byte frame is refused.
    let mut reader = FrameReader::with_limits(small);
    reader.push(&frame(PCM));
    let e = reader.next_frame::<Message>().unwrap_err();
    assert_error(&e, limit("frame larger than 8 bytes"), "", 11);
    // Incomplete: refused once more than 8 bytes of it are pending.
    let mut reader = FrameReader::with_limits(small);
    reader.push(&frame(PCM)[..8]);
    assert!(reader.next_frame::<Message>().unwrap().is_none());
    reader.push(&frame(PCM)[8..9]);
    let e = reader.next_frame::<Message>().unwrap_err();
    assert_error(&e, limit("frame larger than 8 bytes"), "", 9);
}

#[test]
fn nesting_depth() {
    // agent-info-request {0: 1, "x": [[[[[0]]]]]}: the unknown value nests 6 levels deep.
    let f = frame("0a a2 0001 6178 8181818181 00");
    let e = decode_under(Limits { max_depth: 3, ..Limits::default() }, &f);
    assert_error(&e, ErrorKind::TooDeep, "agent-info-request", 9);
    assert!(Limits { max_depth: 6, ..Limits::default() }.scope(|| Message::decode_frame(&f)).is_ok());
    // MOS: <mos> is depth 1; heartbeat's unknown child nests 4 more.
    let doc = "<mos><mosID>m</mosID><ncsID>n</ncsID><heartbeat><a><b><c/></b></a></heartbeat></mos>";
    let e = Limits { max_depth: 3, ..Limits::default() }.scope(|| Mos::decode(doc)).unwrap_err();
    assert_error(&e, ErrorKind::TooDeep, "heartbeat.a", 51);
    // Strict mode stops there as well.
    let errors =
        Limits { max_depth: 3, ..Limits::default() }.scope(|| Mos::decode_with(doc, Mode::Strict)).unwrap_err();
    assert!(errors.errors().iter().any(|e| e.kind() == &ErrorKind::TooDeep && e.offset() == 51), "{errors}");
}

#[test]
fn item_counts() {
    let two = Limits { max_items: 2, ..Limits::default() };
    // A definite array of 3 in an unknown key's value fails at its header.
    let e = decode_under(two, &frame("0a a2 0001 6178 83010203"));
    assert_error(&e, limit("3 items, more than the limit of 2"), "agent-info-request", 6);
    // An indefinite one at its third item.
    let e = decode_under(two, &frame("0a a2 0001 6178 9f010203ff"));
    assert_error(&e, limit("more than the limit of 2 items or entries"), "agent-info-request", 9);
    // A map of 3 entries fails at its header.
    let e = decode_under(two, &frame("0a a3 0001 6178 00 6179 00"));
    assert_error(&e, limit("3 entries, more than the limit of 2"), "agent-info-request", 1);
    // A declared length far beyond the input fails at once, not as "incomplete".
    let e = decode_under(two, &frame("0a a2 0001 6178 9bffffffffffffffff"));
    assert_error(&e, limit("18446744073709551615 items, more than the limit of 2"), "agent-info-request", 6);
    // MOS: the fifth element of the document.
    let doc = "<mos><mosID>m</mosID><ncsID>n</ncsID><heartbeat><time>2024-01-01T00:00:00</time></heartbeat></mos>";
    let e = Limits { max_items: 4, ..Limits::default() }.scope(|| Mos::decode(doc)).unwrap_err();
    assert_error(&e, limit("more than 4 elements in the document"), "heartbeat", 48);
    assert!(Limits { max_items: 5, ..Limits::default() }.scope(|| Mos::decode(doc)).is_ok());
}

#[test]
fn string_lengths() {
    let four = Limits { max_string_len: 4, ..Limits::default() };
    let e = decode_under(four, &frame(PCM));
    assert_error(
        &e,
        limit("string of 5 bytes, more than the limit of 4"),
        "presentation-connection-message.message",
        5,
    );
    // Bytes, and the chunks of an indefinite text together.
    let e = decode_under(four, &frame("10 a2 0007 01 4501020304 05"));
    assert_error(
        &e,
        limit("string of 5 bytes, more than the limit of 4"),
        "presentation-connection-message.message",
        5,
    );
    let e = decode_under(four, &frame("10 a2 0007 01 7f 63616263 62 6465 ff"));
    assert_error(
        &e,
        limit("string of 5 bytes, more than the limit of 4"),
        "presentation-connection-message.message",
        5,
    );
    // cbor::from_slice_with_limits is the same bound without a frame.
    let e = osmos::cbor::from_slice_with_limits::<std::borrow::Cow<str>>(&frame("6568656c6c6f"), &four).unwrap_err();
    assert_error(&e, limit("string of 5 bytes, more than the limit of 4"), "", 0);
    // MOS text runs and start tags.
    let doc = "<mos><mosID>m</mosID><ncsID>n</ncsID><roReq><roID>123456</roID></roReq></mos>";
    let e = Limits { max_string_len: 4, ..Limits::default() }.scope(|| Mos::decode(doc)).unwrap_err();
    assert_error(&e, limit("start tag of 5 bytes, more than the limit of 4"), "", 5);
    let e = Limits { max_string_len: 5, ..Limits::default() }.scope(|| Mos::decode(doc)).unwrap_err();
    assert_error(&e, limit("text of 6 bytes, more than the limit of 5"), "roReq.roID", 50);
    assert!(Limits { max_string_len: 6, ..Limits::default() }.scope(|| Mos::decode(doc)).is_ok());
}

#[test]
fn message_size() {
    let doc = "<mos><mosID>m</mosID><ncsID>n</ncsID><roReq><roID>1</roID></roReq></mos>";
    let small = Limits { max_message_len: 40, ..Limits::default() };
    let e = small.scope(|| Mos::decode(doc)).unwrap_err();
    assert_error(&e, limit(&format!("message of {} bytes, more than the limit of 40", doc.len())), "", 40);
    // The stream decoder refuses to hold it.
    let mut stream = MosStreamDecoder::with_limits(small);
    stream.push(doc.as_bytes());
    let e = stream.next_message().unwrap().unwrap_err();
    assert_error(&e, limit("MOS message longer than 40 bytes"), "", 0);
    let fits = Limits { max_message_len: doc.len(), ..Limits::default() };
    assert!(fits.scope(|| Mos::decode(doc)).is_ok());
}
