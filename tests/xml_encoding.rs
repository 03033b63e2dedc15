//! The XML declaration's `encoding` honoured on input (issue 17): documents in ISO-8859-1 (and
//! its aliases), US-ASCII, UTF-16 (BOM or not, either byte order) and UTF-8 (BOM or not) decode
//! to the same values through every door (`document_to_utf8` for bytes, then the generated
//! `decode`, `decode_with` and the message table's `decode_body`, the runtime's
//! `decode_document` and `root_element`); other encodings, and declarations that contradict the
//! BOM or the bytes, are refused with `ErrorKind::Encoding` naming the encoding, at its offset.

use std::borrow::Cow;

use osmos::xml::{self, document_encoding, document_to_utf8, DocumentEncoding, Mode};
use osmos::ErrorKind;

#[allow(dead_code)]
mod xsd_namespace {
    include!("../codegen/tests/golden/xsd_namespace.rs");
}
use xsd_namespace::{Message, Notebook};

const BODY: &str = "<notebook xmlns=\"urn:osmos:notes\" owner=\"Zoë\"><title>Café ©</title></notebook>";

fn declared(label: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"{label}\"?>\n{BODY}")
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character")).collect()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
    }
    out
}

/// Decodes `bytes` through every door and checks the values.
fn decodes(bytes: &[u8], what: &str) {
    let text = document_to_utf8(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    let check = |n: &Notebook<'_>| {
        assert_eq!(n.title, "Café ©", "{what}");
        assert_eq!(n.owner, "Zoë", "{what}");
    };
    check(&Notebook::decode(&text).unwrap_or_else(|e| panic!("{what}: {e}")));
    check(&Notebook::decode_with(&text, Mode::Strict).unwrap_or_else(|e| panic!("{what}: {e}")));
    match Message::decode_body_with(&text, Mode::Strict) {
        Ok(Message::Notebook(n)) => check(&n),
        other => panic!("{what}: {other:?}"),
    }
    assert_eq!(xml::root_element(&text).unwrap(), "notebook", "{what}");
    let title = xml::decode_document(&text, Mode::Lenient, Some("notebook"), false, |d, root| {
        let title = d.next_child(root)?.expect("a title");
        let t = d.text(&title)?.into_owned();
        while let Some(child) = d.next_child(root)? {
            d.skip(&child)?;
        }
        Ok(t)
    });
    assert_eq!(title.unwrap(), "Café ©", "{what}");
}

#[test]
fn latin1_bytes_decode_to_their_characters() {
    for label in [
        "ISO-8859-1",
        "iso-8859-1",
        "ISO_8859-1",
        "ISO_8859-1:1987",
        "latin1",
        "L1",
        "IBM819",
        "CP819",
        "csISOLatin1",
        "iso-ir-100",
    ] {
        let bytes = latin1(&declared(label));
        assert!(bytes.contains(&0xE9), "é is the byte 0xE9");
        assert_eq!(document_encoding(&bytes).unwrap(), DocumentEncoding::Latin1, "{label}");
        decodes(&bytes, label);
    }
    // Byte 0x80 is U+0080 in ISO-8859-1 (as libxml2 reads it), not `€` (windows-1252, which
    // WHATWG's label table would substitute).
    let text = document_to_utf8(b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\x80\xFF</a>").unwrap();
    assert!(text.ends_with("<a>\u{80}\u{FF}</a>"), "{text:?}");
    // ASCII-only Latin-1 is borrowed, not copied.
    let ascii = declared("ISO-8859-1").replace(['é', 'ë', '©'], "e");
    assert!(matches!(document_to_utf8(ascii.as_bytes()).unwrap(), Cow::Borrowed(_)));
    // UTF-8 bytes under a Latin-1 declaration are read as Latin-1, as any XML processor does.
    let utf8 = declared("ISO-8859-1");
    let mojibake = document_to_utf8(utf8.as_bytes()).unwrap();
    assert!(mojibake.contains("CafÃ© Â©"), "{mojibake}");
}

#[test]
fn utf8_with_and_without_bom_and_declaration() {
    for text in [declared("UTF-8"), declared("utf-8"), declared("utf8"), BODY.to_owned()] {
        let plain = document_to_utf8(text.as_bytes()).unwrap();
        assert!(matches!(plain, Cow::Borrowed(_)), "UTF-8 is borrowed");
        decodes(text.as_bytes(), &text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        decodes(&bom, "UTF-8 with BOM");
        // The BOM is left out of the text.
        assert_eq!(document_to_utf8(&bom).unwrap(), text);
    }
    // US-ASCII: a byte above 0x7F is an error at its offset.
    let ascii = declared("US-ASCII").replace(['é', 'ë', '©'], "e");
    assert_eq!(document_encoding(ascii.as_bytes()).unwrap(), DocumentEncoding::Ascii);
    let e = document_to_utf8(declared("US-ASCII").as_bytes()).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Encoding(m) if m.contains("0xC3") && m.contains("US-ASCII")), "{e}");
    assert_eq!(e.offset(), declared("US-ASCII").find('ë').unwrap());
}

#[test]
fn utf16_either_order_with_or_without_bom() {
    for label in [None, Some("UTF-16"), Some("utf-16"), Some("UTF-16BE"), Some("UTF-16LE"), Some("ISO-10646-UCS-2")] {
        let text = label.map_or_else(|| BODY.to_owned(), declared);
        for big_endian in [true, false] {
            if (label == Some("UTF-16BE") && !big_endian) || (label == Some("UTF-16LE") && big_endian) {
                continue;
            }
            for bom in [true, false] {
                let bytes = utf16(&text, big_endian, bom);
                let expected = if big_endian { DocumentEncoding::Utf16Be } else { DocumentEncoding::Utf16Le };
                let what = format!("{label:?} big-endian {big_endian} BOM {bom}");
                assert_eq!(document_encoding(&bytes).unwrap(), expected, "{what}");
                decodes(&bytes, &what);
                assert_eq!(document_to_utf8(&bytes).unwrap(), text, "{what}");
            }
        }
    }
}

#[test]
fn other_encodings_are_refused_naming_the_encoding_and_the_offset() {
    for label in ["Shift_JIS", "EBCDIC-US", "windows-1252", "ISO-8859-15", "UTF-32", "koi8-r"] {
        let text = declared(label);
        let at = text.find(label).unwrap();
        let refused = |e: osmos::DecodeError, door: &str| {
            assert!(matches!(e.kind(), ErrorKind::Encoding(m) if m.contains(label)), "{door} {label}: {e}");
            assert_eq!(e.offset(), at, "{door} {label}");
            assert!(e.to_string().contains(&format!("at byte {at}")), "{e}");
        };
        refused(document_to_utf8(text.as_bytes()).unwrap_err(), "bytes");
        refused(document_encoding(text.as_bytes()).unwrap_err(), "encoding");
        // The text doors refuse them too, in strict mode as a fatal error.
        refused(Notebook::decode(&text).unwrap_err(), "decode");
        let errors = Notebook::decode_with(&text, Mode::Strict).unwrap_err();
        assert_eq!(errors.errors().len(), 1, "{errors}");
        refused(errors.first().clone(), "strict");
        refused(Message::decode_body(&text).unwrap_err(), "decode_body");
        refused(xml::root_element(&text).unwrap_err(), "root_element");
        // In UTF-16 the label's offset counts bytes too.
        let wide = utf16(&text, true, true);
        let e = document_to_utf8(&wide).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Encoding(m) if m.contains(label)), "{e}");
        assert_eq!(e.offset(), 2 + 2 * at);
    }
    // UTF-32 and EBCDIC bytes are recognised before any declaration could be read.
    let mut utf32 = Vec::new();
    for c in declared("UTF-32").chars() {
        utf32.extend_from_slice(&u32::from(c).to_be_bytes());
    }
    let e = document_to_utf8(&utf32).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Encoding(m) if m.contains("UTF-32BE")), "{e}");
    // `<?xml` in EBCDIC (code page 037).
    let ebcdic = [0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40];
    let e = document_to_utf8(&ebcdic).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Encoding(m) if m.contains("EBCDIC")), "{e}");
    assert_eq!(e.offset(), 0);
}

#[test]
fn a_declaration_contradicting_the_bom_or_the_bytes_is_an_error() {
    let contradicts = |bytes: &[u8], label: &str, found: &str| {
        let e = document_to_utf8(bytes).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Encoding(m) if m.contains(label) && m.contains(found)),
            "{label} / {found}: {e}"
        );
        assert_eq!(document_encoding(bytes).unwrap_err(), e);
    };
    let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
    utf8_bom.extend_from_slice(declared("UTF-16").as_bytes());
    contradicts(&utf8_bom, "UTF-16", "UTF-8 byte order mark");
    let mut latin1_bom = b"\xEF\xBB\xBF".to_vec();
    latin1_bom.extend_from_slice(&latin1(&declared("ISO-8859-1")));
    contradicts(&latin1_bom, "ISO-8859-1", "UTF-8 byte order mark");
    contradicts(&utf16(&declared("UTF-8"), true, true), "UTF-8", "UTF-16BE byte order mark");
    contradicts(&utf16(&declared("ISO-8859-1"), false, true), "ISO-8859-1", "UTF-16LE byte order mark");
    contradicts(&utf16(&declared("UTF-16LE"), true, true), "UTF-16LE", "UTF-16BE byte order mark");
    contradicts(&utf16(&declared("UTF-16BE"), false, false), "UTF-16BE", "UTF-16LE bytes");
    contradicts(&utf16(&declared("UTF-8"), true, false), "UTF-8", "UTF-16BE bytes");
    contradicts(declared("UTF-16").as_bytes(), "UTF-16", "8-bit bytes");
    // As text, a U+FEFF says the bytes were Unicode: a Latin-1 declaration contradicts it.
    let text = format!("\u{FEFF}{}", declared("ISO-8859-1"));
    let e = Notebook::decode(&text).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Encoding(m) if m.contains("byte order mark")), "{e}");
    assert!(Notebook::decode(&format!("\u{FEFF}{}", declared("UTF-16"))).is_ok());
}
