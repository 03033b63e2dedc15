//! MOS stream framing against the corpus samples and hand-written edge cases: every sample
//! with a `<mos>` root, concatenated with junk between, must come back byte for byte however
//! the stream is chunked and whichever encoding carries it.

use std::path::Path;

use osmos::mos::wire::{encode_text, Encoding};
use osmos::mos::MosStreamDecoder;
use osmos::ErrorKind;

const ENCODINGS: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16Be, Encoding::Utf16Le];

/// A tiny deterministic generator, so failures reproduce without a `rand` dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[derive(Debug, Clone, Copy)]
enum Feed {
    Whole,
    ByteByByte,
    Random(u64),
}

const FEEDS: [Feed; 5] = [Feed::Whole, Feed::ByteByByte, Feed::Random(1), Feed::Random(7), Feed::Random(2024)];

/// What the decoder yields for a stream fed in a given way: messages as text with their
/// input offsets, or errors, in order; then the result of `finish`.
#[derive(Debug, PartialEq)]
enum Item {
    Message(String, usize),
    Error(ErrorKind, usize),
}

fn run(mut decoder: MosStreamDecoder, bytes: &[u8], feed: Feed) -> (Vec<Item>, Result<(), osmos::DecodeError>) {
    let mut items = Vec::new();
    let mut drain = |decoder: &mut MosStreamDecoder| {
        while let Some(result) = decoder.next_message() {
            items.push(match result {
                Ok(m) => Item::Message(m.as_str().to_string(), m.input_offset()),
                Err(e) => Item::Error(e.kind().clone(), e.offset()),
            });
        }
    };
    match feed {
        Feed::Whole => {
            decoder.push(bytes);
            drain(&mut decoder);
        }
        Feed::ByteByByte => {
            for b in bytes {
                decoder.push(std::slice::from_ref(b));
                drain(&mut decoder);
            }
        }
        Feed::Random(seed) => {
            let mut lcg = Lcg(seed);
            let mut rest = bytes;
            while !rest.is_empty() {
                // Mostly small chunks, sometimes large ones, sometimes empty pushes.
                let n = match lcg.next() % 10 {
                    0 => 0,
                    1 => (lcg.next() % 4096) as usize,
                    _ => (lcg.next() % 37) as usize + 1,
                }
                .min(rest.len());
                decoder.push(&rest[..n]);
                rest = &rest[n..];
                drain(&mut decoder);
            }
        }
    }
    let finished = decoder.finish();
    (items, finished)
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    encode_text(text, encoding, &mut out);
    out
}

/// Byte offset in `encoding` of the text before `prefix_len` bytes of UTF-8 `text`.
fn offset_in(text: &str, prefix_len: usize, encoding: Encoding) -> usize {
    encode(&text[..prefix_len], encoding).len()
}

/// Runs `text` through every encoding and feed and checks the yield against `expected`
/// (message texts found in `text` by position, or errors).
fn check_all(text: &str, expected: &[Expect], max: Option<usize>) {
    for encoding in ENCODINGS {
        let bytes = encode(text, encoding);
        let want: Vec<Item> = expected
            .iter()
            .map(|e| match e {
                Expect::Message(at, msg) => Item::Message(msg.to_string(), offset_in(text, *at, encoding)),
                Expect::Error(kind, at) => Item::Error(kind.clone(), offset_in(text, *at, encoding)),
            })
            .collect();
        for feed in FEEDS {
            for fixed in [false, true] {
                let mut decoder =
                    if fixed { MosStreamDecoder::with_encoding(encoding) } else { MosStreamDecoder::new() };
                if let Some(max) = max {
                    decoder = decoder.max_message_size(max);
                }
                let (items, finished) = run(decoder, &bytes, feed);
                assert_eq!(items, want, "{encoding:?} {feed:?} fixed={fixed}");
                assert_eq!(finished, Ok(()), "{encoding:?} {feed:?} fixed={fixed}");
            }
        }
    }
}

enum Expect {
    /// A message at this byte position of the UTF-8 text.
    Message(usize, &'static str),
    Error(ErrorKind, usize),
}

/// `Expect::Message` for `msg`, found in `text` at or after `from`.
fn msg_at(text: &str, from: usize, msg: &'static str) -> Expect {
    Expect::Message(from + text[from..].find(msg).expect("message in text"), msg)
}

#[test]
fn corpus_samples_concatenated_with_junk() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/mos/samples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        // Under .ci/run a missing corpus must fail, not pass as a skip.
        assert!(
            std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
            "{} is absent, and OSMOS_REQUIRE_CORPUS is set",
            dir.display()
        );
        eprintln!("skipped: corpus directory {} is absent", dir.display());
        return;
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    paths.sort();

    let mut samples = Vec::new();
    for path in &paths {
        let raw = std::fs::read(path).unwrap();
        let text = String::from_utf8(raw).unwrap_or_else(|_| panic!("{} is not UTF-8", path.display()));
        let body = text.trim_start_matches('\u{FEFF}').trim_matches(|c: char| c.is_ascii_whitespace());
        let root = body.strip_prefix("<mos").and_then(|r| r.chars().next());
        if matches!(root, Some('>' | '/' | ' ' | '\t' | '\r' | '\n')) {
            samples.push((path.file_name().unwrap().to_string_lossy().into_owned(), text.clone(), body.to_string()));
        }
    }
    assert!(samples.len() >= 40, "only {} samples with a <mos> root", samples.len());

    // Each sample alone, as its file is.
    for (name, text, body) in &samples {
        for encoding in ENCODINGS {
            let bytes = encode(text, encoding);
            for feed in [Feed::Whole, Feed::Random(3)] {
                let (items, finished) = run(MosStreamDecoder::new(), &bytes, feed);
                let at = offset_in(text, text.find("<mos").unwrap(), encoding);
                assert_eq!(items, [Item::Message(body.clone(), at)], "{name} {encoding:?} {feed:?}");
                assert_eq!(finished, Ok(()), "{name}");
            }
        }
    }

    // All of them in one stream, junk between.
    let junk = [
        "",
        "\r\n",
        "\u{FEFF}",
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n",
        "  garbage < > </mos> <mosID>x</mosID> &amp; ",
        "<!-- <mos>not a message</mos> -->",
        "<?pi <mos> ?>\t",
        "\u{FEFF}<?xml version=\"1.0\"?>",
        "Ø 😀 ]]> --> ?>",
    ];
    let mut stream = String::new();
    let mut expected = Vec::new();
    for (i, (_, _, body)) in samples.iter().enumerate() {
        stream.push_str(junk[i % junk.len()]);
        expected.push((stream.len(), body.clone()));
        stream.push_str(body);
    }
    stream.push_str("\r\n");
    for encoding in ENCODINGS {
        let bytes = encode(&stream, encoding);
        let want: Vec<Item> =
            expected.iter().map(|(at, body)| Item::Message(body.clone(), offset_in(&stream, *at, encoding))).collect();
        for feed in FEEDS {
            let (items, finished) = run(MosStreamDecoder::new(), &bytes, feed);
            assert_eq!(items.len(), want.len(), "{encoding:?} {feed:?}");
            for (got, want) in items.iter().zip(&want) {
                assert_eq!(got, want, "{encoding:?} {feed:?}");
            }
            assert_eq!(finished, Ok(()));
        }
    }

    // The same stream with a BOM in front of each encoding.
    for encoding in [Encoding::Utf16Be, Encoding::Utf16Le] {
        let mut bytes = encoding.bom().to_vec();
        bytes.extend(encode(&stream, encoding));
        let (items, _) = run(MosStreamDecoder::new(), &bytes, Feed::Random(5));
        assert_eq!(items.len(), expected.len());
        match &items[0] {
            Item::Message(text, at) => {
                assert_eq!(text, &expected[0].1);
                assert_eq!(*at, 2 + offset_in(&stream, expected[0].0, encoding));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn nested_mos_in_payload() {
    let first = "<mos><mosID>a.mos</mosID><ncsID>n</ncsID><mosObj><mosExternalMetadata>\
                 <mosPayload><mos><mosID>inner</mosID><mosObj><mosPayload><mos>\n<heartbeat/></mos>\
                 </mosPayload></mosObj></mos><mos/><mos a=\"x/>y\" b='>'>t</mos >\
                 <mosAbstract>&lt;mos&gt;</mosAbstract><mos:x>no</mos:x><mosX/></mosPayload>\
                 </mosExternalMetadata></mosObj></mos>";
    let second = "<mos\r\n><heartbeat><time>2009-04-11T14:22:07,125Z</time></heartbeat></mos>";
    let text = format!("{first}\n{second}");
    let text: &'static str = Box::leak(text.into_boxed_str());
    check_all(text, &[Expect::Message(0, first), msg_at(text, first.len(), second)], None);
}

#[test]
fn mos_in_comments_cdata_and_processing_instructions() {
    let first = "<mos><!-- </mos> <mos> --><roStorySend><storyBody><p><![CDATA[</mos><mos>]]]]></p>\
                 <?vendor </mos> <mos> ?><p>-->?>]]></p></storyBody></roStorySend><!----></mos>";
    let second = "<mos/>";
    let third = "<mos id='1'/>";
    let text: &'static str = Box::leak(format!("{first}{second} {third}").into_boxed_str());
    check_all(
        text,
        &[Expect::Message(0, first), msg_at(text, first.len(), second), msg_at(text, first.len(), third)],
        None,
    );
}

#[test]
fn junk_before_messages_is_skipped() {
    let msg = "<mos><mosID>x</mosID><heartbeat/></mos>";
    let text: &'static str = Box::leak(
        format!(
            "\u{FEFF}  \r\n\tgarbage <<< </mos> > <?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n\
             <!-- <mos></mos> --><!DOCTYPE mos>\n<mosID>stray</mosID>{msg}\0\0 trailing junk <mo"
        )
        .into_boxed_str(),
    );
    let msg_at = text.find(msg).unwrap();
    for encoding in ENCODINGS {
        let bytes = encode(text, encoding);
        for feed in FEEDS {
            let (items, finished) = run(MosStreamDecoder::new(), &bytes, feed);
            assert_eq!(
                items,
                [Item::Message(msg.to_string(), offset_in(text, msg_at, encoding))],
                "{encoding:?} {feed:?}"
            );
            // The stream ends inside `<mo`, which could have started a message.
            let at = offset_in(text, text.len() - 3, encoding);
            assert_eq!(finished.map_err(|e| (e.kind().clone(), e.offset())), Err((ErrorKind::Incomplete, at)));
        }
    }
}

#[test]
fn cdata_outside_a_message_is_garbage() {
    // CDATA cannot occur outside an element, so it does not hide a `<mos` there: a decoder
    // that honoured it could be kept from ever syncing by one stray `<![CDATA[`.
    let text = "<![CDATA[ <mos/> ]]><mos>a</mos>";
    check_all(text, &[Expect::Message(10, "<mos/>"), Expect::Message(20, "<mos>a</mos>")], None);
}

#[test]
fn junk_with_xml_declaration_and_comments_before_each_message() {
    let a = "<mos><mosID>a</mosID><heartbeat/></mos>";
    let b = "<mos><mosID>b</mosID><reqMachInfo/></mos>";
    let text: &'static str = Box::leak(
        format!(
            "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n{a}\r\n\
             <?xml version=\"1.0\" encoding=\"UTF-16\"?><!-- <mos>x</mos> -->{b}   garbage"
        )
        .into_boxed_str(),
    );
    check_all(text, &[msg_at(text, 0, a), msg_at(text, 0, b)], None);
}

#[test]
fn oversized_messages_are_errors_and_the_decoder_resyncs() {
    let big = format!("<mos><mosID>big</mosID><roCreate>{}</roCreate></mos>", "<story/>".repeat(40));
    let small = "<mos><heartbeat/></mos>";
    let text: &'static str = Box::leak(format!("{big}\r\n{small}{small}").into_boxed_str());
    let small_at = big.len() + 2;
    check_all(
        text,
        &[
            Expect::Error(ErrorKind::Limit("MOS message longer than 100 bytes".into()), 0),
            Expect::Message(small_at, small),
            Expect::Message(small_at + small.len(), small),
        ],
        Some(100),
    );
    // Exactly at the bound is accepted.
    check_all(small, &[Expect::Message(0, small)], Some(small.len()));
    check_all(
        small,
        &[Expect::Error(ErrorKind::Limit(format!("MOS message longer than {} bytes", small.len() - 1)), 0)],
        Some(small.len() - 1),
    );
}

#[test]
fn oversized_message_is_reported_before_it_ends_and_memory_stays_bounded() {
    let mut decoder = MosStreamDecoder::new().max_message_size(1000);
    decoder.push(b"<mos><roCreate>");
    assert!(decoder.next_message().is_none());
    let mut errors = 0;
    for _ in 0..10_000 {
        decoder.push(b"<story><mosID>x</mosID></story>");
        while let Some(result) = decoder.next_message() {
            let e = result.unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::Limit("MOS message longer than 1000 bytes".into()));
            assert_eq!(e.offset(), 0);
            errors += 1;
        }
        assert!(decoder.buffered_len() <= 2100, "{}", decoder.buffered_len());
    }
    assert_eq!(errors, 1);
    // The rest of the oversized message is skipped; the next message comes through.
    decoder.push(b"</roCreate></mos><mos><heartbeat/></mos>");
    let m = decoder.next_message().unwrap().unwrap();
    assert_eq!(m.as_str(), "<mos><heartbeat/></mos>");
    assert_eq!(m.input_offset(), 15 + 31 * 10_000 + 17);
    assert!(decoder.next_message().is_none());
    assert_eq!(decoder.finish(), Ok(()));
}

#[test]
fn a_never_closed_comment_before_a_message_is_abandoned() {
    let mut decoder = MosStreamDecoder::new().max_message_size(64);
    decoder.push(b"<!-- unterminated");
    assert!(decoder.next_message().is_none());
    decoder.push(&[b' '; 100]);
    assert!(decoder.next_message().is_none());
    decoder.push(b"<mos/>");
    assert_eq!(decoder.next_message().unwrap().unwrap().as_str(), "<mos/>");
}

#[test]
fn a_stray_construct_before_messages_ends_at_the_same_place_however_the_bytes_come() {
    // Outside a message, `<?` and `<!--` hide at most `max_message_size` bytes from their start:
    // scanning resumes there as text whether the stream comes whole, in chunks or byte by byte
    // (a fuzz finding: fed whole, the scan went past the bound and missed what followed).
    let max = 64;
    for opener in ["<?", "<!--"] {
        let junk = format!("{opener} never closed {}", "x".repeat(max));
        let text = format!("{junk}<mos><mosID>a</mosID></mos>tail");
        check_all(&text, &[msg_at(&text, junk.len(), "<mos><mosID>a</mosID></mos>")], Some(max));
        // A message that starts inside the bound is hidden, the same for every feed.
        let early = format!("{opener} <mos>hidden</mos>{}<mos/>", "y".repeat(max));
        let at = early.rfind("<mos/>").unwrap();
        check_all(&early, &[Expect::Message(at, "<mos/>")], Some(max));
    }
}

#[test]
fn invalid_text_inside_a_message_is_an_error_for_that_message_only() {
    // UTF-8: an invalid byte inside the second message, another in junk.
    let mut bytes = b"<mos>a</mos>\xFF<mos>b\xC3(</mos><mos>c</mos>".to_vec();
    let (items, finished) = run(MosStreamDecoder::new(), &bytes, Feed::ByteByByte);
    assert_eq!(
        items,
        [
            Item::Message("<mos>a</mos>".into(), 0),
            Item::Error(ErrorKind::InvalidUtf8, 19),
            Item::Message("<mos>c</mos>".into(), 27),
        ]
    );
    assert_eq!(finished, Ok(()));

    // UTF-16BE: a lone surrogate in junk, then one inside a message.
    bytes = encode("<mos>a</mos>", Encoding::Utf16Be);
    bytes.extend([0xDC, 0x00]);
    bytes.extend(encode("<mos>b", Encoding::Utf16Be));
    bytes.extend([0xD8, 0x00]);
    bytes.extend(encode("</mos><mos>c😀</mos>", Encoding::Utf16Be));
    for feed in FEEDS {
        let (items, finished) = run(MosStreamDecoder::new(), &bytes, feed);
        assert_eq!(
            items,
            [
                Item::Message("<mos>a</mos>".into(), 0),
                Item::Error(ErrorKind::InvalidUtf8, 38),
                Item::Message("<mos>c😀</mos>".into(), 52),
            ],
            "{feed:?}"
        );
        assert_eq!(finished, Ok(()));
    }
}

#[test]
fn finish_reports_what_was_cut_off() {
    let mut decoder = MosStreamDecoder::new();
    decoder.push(b"  <mos><mosID>a</mosID>");
    assert!(decoder.next_message().is_none());
    let e = decoder.finish().unwrap_err();
    assert_eq!((e.kind(), e.offset()), (&ErrorKind::Incomplete, 2));

    let mut decoder = MosStreamDecoder::new();
    let mut bytes = encode("<mos/>", Encoding::Utf16Be);
    bytes.push(0x00);
    decoder.push(&bytes);
    assert_eq!(decoder.next_message().unwrap().unwrap().as_str(), "<mos/>");
    assert!(decoder.next_message().is_none());
    let e = decoder.finish().unwrap_err();
    assert_eq!((e.kind(), e.offset()), (&ErrorKind::Incomplete, 12));

    let mut decoder = MosStreamDecoder::with_encoding(Encoding::Utf16Le);
    let mut bytes = encode("<mos/>", Encoding::Utf16Le);
    bytes.extend([0x3D, 0xD8]);
    decoder.push(&bytes);
    assert_eq!(decoder.next_message().unwrap().unwrap().as_str(), "<mos/>");
    assert!(decoder.next_message().is_none());
    let e = decoder.finish().unwrap_err();
    assert_eq!((e.kind(), e.offset()), (&ErrorKind::Incomplete, 12));

    // Junk only, too short to tell the encoding: nothing is missing.
    let mut decoder = MosStreamDecoder::new();
    decoder.push(b" \r\n");
    assert!(decoder.next_message().is_none());
    assert_eq!(decoder.encoding(), None);
    assert_eq!(decoder.finish(), Ok(()));
    assert_eq!(decoder.encoding(), Some(Encoding::Utf8));

    let mut decoder = MosStreamDecoder::new();
    assert_eq!(decoder.finish(), Ok(()));
}

#[test]
fn encoding_is_detected_once_from_the_first_bytes() {
    let mut decoder = MosStreamDecoder::new();
    decoder.push(&[0x00]);
    assert_eq!(decoder.encoding(), None);
    decoder.push(&[0x20, 0x00]);
    assert_eq!(decoder.encoding(), None);
    decoder.push(b"<");
    assert_eq!(decoder.encoding(), Some(Encoding::Utf16Be));
    decoder.push(&encode("mos/>", Encoding::Utf16Be));
    let m = decoder.next_message().unwrap().unwrap();
    assert_eq!((m.as_str(), m.input_offset()), ("<mos/>", 2));
}

#[test]
fn long_message_byte_by_byte_in_utf16_is_linear() {
    // Quadratic rescanning or copying would take minutes here; linear work takes well under
    // a second even unoptimised.
    let payload = "<p>TIDSMARKØR IKKE RØR &lt;mos&gt; 😀</p>".repeat(12_000);
    let msg = format!("<mos><roStorySend><storyBody>{payload}</storyBody></roStorySend></mos>");
    let bytes = encode(&msg, Encoding::Utf16Be);
    assert!(bytes.len() > 900_000);
    let (items, finished) = run(MosStreamDecoder::new(), &bytes, Feed::ByteByByte);
    assert_eq!(items, [Item::Message(msg, 0)]);
    assert_eq!(finished, Ok(()));
}

/// No bound at all (`usize::MAX`): a stray `<!--` before a message ends where its `-->` does,
/// and the bound's arithmetic cannot overflow.
#[test]
fn an_unbounded_decoder_takes_a_stray_comment_without_overflow() {
    let mut decoder = MosStreamDecoder::new().max_message_size(usize::MAX);
    decoder.push(b"junk <!-- a comment --> <mos><heartbeat/></mos>");
    let message = decoder.next_message().expect("one message").expect("decodes");
    assert_eq!(message.as_str(), "<mos><heartbeat/></mos>");
    assert!(decoder.next_message().is_none());
    assert_eq!(decoder.finish(), Ok(()));
}
