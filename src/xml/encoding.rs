//! The character encoding of an XML document: its byte order mark and the `encoding="…"` of
//! its XML declaration (XML 1.0 §4.3.3 and Appendix F), honoured or refused, never guessed.
//!
//! The decoder reads UTF-8 text. [`document_to_utf8`] is the door for bytes: it finds the
//! encoding, checks that the BOM and the declaration agree, and transcodes once (UTF-8 input is
//! borrowed, not copied). The text doors (`decode_document` and what generated code calls)
//! check the declaration of text that is already decoded: a label of a supported encoding is
//! a fact about the bytes it came from and is accepted; any other label is refused there too.
//!
//! Supported: UTF-8, UTF-16 (either byte order, with or without BOM; MOS 2.x sends UTF-16BE
//! without either), ISO-8859-1 and US-ASCII, under their IANA names and aliases, compared
//! without regard to case. ISO-8859-1 is ISO-8859-1 as XML means it (byte `0x80` is U+0080),
//! not the WHATWG reading of the label as windows-1252 (byte `0x80` would become `€`). Any
//! other label (`Shift_JIS`, `windows-1252`, `EBCDIC-…`), UTF-32 and EBCDIC bytes are refused
//! with [`ErrorKind::Encoding`], naming the encoding, at the byte offset of the label (or 0).

use std::borrow::Cow;

use crate::error::{DecodeError, ErrorKind};
use crate::mos::wire::{to_utf8_with, Encoding};

/// The encoding a document is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentEncoding {
    /// UTF-8 (the default when neither a BOM nor a declaration says otherwise).
    Utf8,
    /// UTF-16, high byte first.
    Utf16Be,
    /// UTF-16, low byte first.
    Utf16Le,
    /// ISO-8859-1 (Latin-1): one byte per character, U+0000–U+00FF.
    Latin1,
    /// US-ASCII: bytes 0x00–0x7F only.
    Ascii,
}

impl DocumentEncoding {
    /// The name an XML declaration would give it.
    pub fn name(self) -> &'static str {
        match self {
            DocumentEncoding::Utf8 => "UTF-8",
            DocumentEncoding::Utf16Be => "UTF-16BE",
            DocumentEncoding::Utf16Le => "UTF-16LE",
            DocumentEncoding::Latin1 => "ISO-8859-1",
            DocumentEncoding::Ascii => "US-ASCII",
        }
    }
}

/// The family a declared label names: UTF-16 labels leave the byte order to the BOM or bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Utf8,
    Utf16(Option<bool>),
    Latin1,
    Ascii,
}

/// The family of an `encoding="…"` label, if it is one osmos reads.
fn family(label: &str) -> Option<Family> {
    const UTF8: &[&str] = &["utf-8", "utf8"];
    const UTF16: &[&str] = &["utf-16", "utf16", "ucs-2", "iso-10646-ucs-2", "csunicode"];
    const LATIN1: &[&str] = &[
        "iso-8859-1",
        "iso_8859-1",
        "iso_8859-1:1987",
        "iso8859-1",
        "iso-ir-100",
        "latin1",
        "l1",
        "ibm819",
        "cp819",
        "csisolatin1",
    ];
    const ASCII: &[&str] = &[
        "us-ascii",
        "ascii",
        "ansi_x3.4-1968",
        "ansi_x3.4-1986",
        "iso646-us",
        "us",
        "csascii",
        "iso-ir-6",
        "ibm367",
        "cp367",
    ];
    let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(label));
    if is(UTF8) {
        Some(Family::Utf8)
    } else if is(UTF16) {
        Some(Family::Utf16(None))
    } else if label.eq_ignore_ascii_case("utf-16be") {
        Some(Family::Utf16(Some(true)))
    } else if label.eq_ignore_ascii_case("utf-16le") {
        Some(Family::Utf16(Some(false)))
    } else if is(LATIN1) {
        Some(Family::Latin1)
    } else if is(ASCII) {
        Some(Family::Ascii)
    } else {
        None
    }
}

fn encoding_error(message: String, offset: usize) -> DecodeError {
    DecodeError::new(ErrorKind::Encoding(message), offset)
}

fn unsupported(label: &str, offset: usize) -> DecodeError {
    encoding_error(
        format!("the document declares encoding \"{label}\", which osmos does not read (it reads UTF-8, UTF-16, ISO-8859-1 and US-ASCII)"),
        offset,
    )
}

/// The `encoding` label of the XML declaration at the start of `text` (after whitespace), with
/// its offset in `text`; `None` without a declaration or without an encoding in it.
///
/// Only the declaration's own syntax is read (`<?xml`, whitespace, `name = "value"` pairs up to
/// `?>`); anything else at the start is left to the decoder.
fn declared(text: &[u8]) -> Option<(&str, usize)> {
    let start = text.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))?;
    let rest = &text[start..];
    if !rest.starts_with(b"<?xml") || !matches!(rest.get(5), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        return None;
    }
    let mut i = start + 5;
    // `?>` ends it: the first `?` followed by `>` (memchr: this runs on every decoded document).
    let end = i + memchr::memchr_iter(b'?', &text[i..]).find(|&q| text.get(i + q + 1) == Some(&b'>'))?;
    loop {
        while i < end && matches!(text[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let name_start = i;
        while i < end && !matches!(text[i], b'=' | b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let name = &text[name_start..i];
        while i < end && matches!(text[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if name.is_empty() || i >= end || text[i] != b'=' {
            return None;
        }
        i += 1;
        while i < end && matches!(text[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let quote = *text.get(i).filter(|q| matches!(q, b'"' | b'\''))?;
        let value_start = i + 1;
        let len = text[value_start..end].iter().position(|&b| b == quote)?;
        i = value_start + len + 1;
        if name == b"encoding" {
            let value = std::str::from_utf8(&text[value_start..value_start + len]).ok()?;
            return Some((value, value_start));
        }
    }
}

/// Checks the declaration of a document given as text (a `&str`, already decoded by someone):
/// a label of a supported encoding is accepted, any other refused. A text that starts with
/// U+FEFF came from a Unicode encoding, so a declaration of ISO-8859-1 or US-ASCII contradicts it.
pub(crate) fn check_text_declaration(text: &str) -> Result<(), DecodeError> {
    let bom = text.strip_prefix('\u{FEFF}').map_or(0, |_| '\u{FEFF}'.len_utf8());
    let Some((label, at)) = declared(&text.as_bytes()[bom..]) else {
        return Ok(());
    };
    match family(label) {
        None => Err(unsupported(label, bom + at)),
        Some(Family::Latin1 | Family::Ascii) if bom > 0 => Err(encoding_error(
            format!("the document starts with a byte order mark but declares encoding \"{label}\""),
            bom + at,
        )),
        Some(_) => Ok(()),
    }
}

/// Sniffs the first bytes: a BOM, or the bytes of `<?` in an encoding recognisable before any
/// declaration is read (XML 1.0 Appendix F). `Ok((encoding, BOM length))`; UTF-32 and EBCDIC are
/// refused, `Utf8` stands for every ASCII-compatible encoding until the declaration is read.
fn sniff(bytes: &[u8]) -> Result<(DocumentEncoding, usize), DecodeError> {
    let refuse = |name: &str| {
        Err(encoding_error(format!("the document is in {name}, which osmos does not read (it reads UTF-8, UTF-16, ISO-8859-1 and US-ASCII)"), 0))
    };
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] | [0x00, 0x00, 0x00, 0x3C, ..] => refuse("UTF-32BE"),
        [0xFF, 0xFE, 0x00, 0x00, ..] | [0x3C, 0x00, 0x00, 0x00, ..] => refuse("UTF-32LE"),
        [0x4C, 0x6F, 0xA7, 0x94, ..] => refuse("EBCDIC"),
        [0xEF, 0xBB, 0xBF, ..] => Ok((DocumentEncoding::Utf8, 3)),
        [0xFE, 0xFF, ..] => Ok((DocumentEncoding::Utf16Be, 2)),
        [0xFF, 0xFE, ..] => Ok((DocumentEncoding::Utf16Le, 2)),
        _ => Ok((
            match crate::mos::wire::detect_encoding(bytes) {
                Encoding::Utf8 => DocumentEncoding::Utf8,
                Encoding::Utf16Be => DocumentEncoding::Utf16Be,
                Encoding::Utf16Le => DocumentEncoding::Utf16Le,
            },
            0,
        )),
    }
}

/// The encoding `bytes` are in, from the BOM, the first bytes and the XML declaration, or why it
/// cannot be read: an encoding osmos does not read ([`ErrorKind::Encoding`] naming it, at the
/// offset of the label), or a declaration that contradicts the BOM or the bytes.
pub fn document_encoding(bytes: &[u8]) -> Result<DocumentEncoding, DecodeError> {
    let (sniffed, bom) = sniff(bytes)?;
    let (label, at) = match sniffed {
        DocumentEncoding::Utf16Be | DocumentEncoding::Utf16Le => {
            // The declaration is ASCII: its code units' low bytes are enough to read it, and a
            // character's offset in them is half its byte offset.
            let low = usize::from(sniffed == DocumentEncoding::Utf16Be);
            let narrow: Vec<u8> = bytes[bom..].iter().skip(low).step_by(2).take(1024).copied().collect();
            match declared(&narrow) {
                Some((label, at)) => (label.to_owned(), bom + 2 * at),
                None => return Ok(sniffed),
            }
        }
        _ => match declared(&bytes[bom..]) {
            Some((label, at)) => (label.to_owned(), bom + at),
            None => return Ok(sniffed),
        },
    };
    let Some(declared) = family(&label) else {
        return Err(unsupported(&label, at));
    };
    let what = match (bom > 0, sniffed) {
        (true, DocumentEncoding::Utf8) => "a UTF-8 byte order mark",
        (true, DocumentEncoding::Utf16Be) => "a UTF-16BE byte order mark",
        (true, _) => "a UTF-16LE byte order mark",
        (false, DocumentEncoding::Utf16Be) => "UTF-16BE bytes",
        (false, DocumentEncoding::Utf16Le) => "UTF-16LE bytes",
        (false, _) => "8-bit bytes",
    };
    let contradiction =
        || Err(encoding_error(format!("the document declares encoding \"{label}\" but starts with {what}"), at));
    match (sniffed, declared) {
        (DocumentEncoding::Utf8, Family::Utf8) => Ok(DocumentEncoding::Utf8),
        (DocumentEncoding::Utf8, Family::Latin1) if bom == 0 => Ok(DocumentEncoding::Latin1),
        (DocumentEncoding::Utf8, Family::Ascii) if bom == 0 => Ok(DocumentEncoding::Ascii),
        (DocumentEncoding::Utf16Be, Family::Utf16(None | Some(true))) => Ok(DocumentEncoding::Utf16Be),
        (DocumentEncoding::Utf16Le, Family::Utf16(None | Some(false))) => Ok(DocumentEncoding::Utf16Le),
        _ => contradiction(),
    }
}

/// A document in bytes as UTF-8 text, read in the encoding its BOM and XML declaration give
/// ([`document_encoding`]); the BOM is left out. UTF-8 (and ASCII-only ISO-8859-1 or US-ASCII)
/// input is borrowed; UTF-16 and ISO-8859-1 with characters above U+007F are transcoded once.
///
/// The declaration stays in the text (it names a supported encoding, so the text doors accept
/// it). Errors carry the byte offset in `bytes`: [`ErrorKind::Encoding`] for an encoding osmos
/// does not read, a declaration contradicting the BOM or the bytes, or a byte above 0x7F in a
/// US-ASCII document; [`ErrorKind::InvalidUtf8`] for bytes that are not UTF-8 or UTF-16.
/// Offsets of decoding errors in the returned text are offsets in that text, which differ
/// from the input's once it was transcoded.
///
/// ```
/// let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xE9</a>";
/// let text = osmos::xml::document_to_utf8(latin1).unwrap();
/// assert!(text.ends_with("<a>caf\u{e9}</a>"));
/// let sjis = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>";
/// let e = osmos::xml::document_to_utf8(sjis).unwrap_err();
/// assert!(matches!(e.kind(), osmos::ErrorKind::Encoding(m) if m.contains("Shift_JIS")));
/// assert_eq!(e.offset(), 30);
/// ```
pub fn document_to_utf8(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    match document_encoding(bytes)? {
        DocumentEncoding::Utf8 => to_utf8_with(bytes, Encoding::Utf8),
        DocumentEncoding::Utf16Be => to_utf8_with(bytes, Encoding::Utf16Be),
        DocumentEncoding::Utf16Le => to_utf8_with(bytes, Encoding::Utf16Le),
        DocumentEncoding::Ascii => match bytes.iter().position(|b| !b.is_ascii()) {
            Some(at) => Err(encoding_error(
                format!("byte 0x{:02X} in a document that declares encoding US-ASCII", bytes[at]),
                at,
            )),
            None => to_utf8_with(bytes, Encoding::Utf8),
        },
        DocumentEncoding::Latin1 => {
            if bytes.is_ascii() {
                return to_utf8_with(bytes, Encoding::Utf8);
            }
            Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
        }
    }
}
