//! The text encodings MOS messages travel in, and transcoding them to and from UTF-8.
//!
//! MOS 2.x sends UCS-2 big-endian over TCP without BOM or XML declaration (SPEC285 §2.1), MOS
//! 4.0 sends UTF-16BE in WebSocket binary frames, and files, test fixtures and MOS 3.x are
//! UTF-8, sometimes with a BOM (mos.md §4, §6). Decoders in this crate work on UTF-8 text, so
//! everything is transcoded once on the way in and once on the way out.
//!
//! Surrogate pairs are decoded as UTF-16 rather than rejected as "outside UCS-2": current
//! systems send text that needs them, and refusing a whole message over one emoji helps no one.

use std::borrow::Cow;

use crate::error::{DecodeError, ErrorKind};

/// A text encoding of MOS bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 (MOS 3.x, files, fixtures).
    Utf8,
    /// UTF-16, high byte first: what MOS 2.x and 4.0 put on the wire.
    Utf16Be,
    /// UTF-16, low byte first (off-spec, but what a Windows program writes by default).
    Utf16Le,
}

impl Encoding {
    /// The byte order mark of this encoding.
    pub fn bom(self) -> &'static [u8] {
        match self {
            Encoding::Utf8 => b"\xEF\xBB\xBF",
            Encoding::Utf16Be => b"\xFE\xFF",
            Encoding::Utf16Le => b"\xFF\xFE",
        }
    }

    /// The IANA name, as an XML declaration would write it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Utf16Le => "UTF-16LE",
        }
    }
}

/// How many bytes [`sniff_encoding`] reads without seeing a `<` before it decides from the
/// zero-byte pattern alone.
pub const SNIFF_LIMIT: usize = 1024;

/// Which of the two byte positions of a unit holds more zeros: ASCII text in UTF-16 has a zero
/// high byte, so the pattern gives the byte order away; no zeros at all means 8-bit text.
fn by_zero_pattern(bytes: &[u8]) -> Encoding {
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    if even > odd {
        Encoding::Utf16Be
    } else if odd > even {
        Encoding::Utf16Le
    } else {
        Encoding::Utf8
    }
}

/// The encoding of a stream from its first bytes, or `None` while they cannot tell yet.
///
/// In order: a BOM decides; otherwise the first `<` does (XML 1.0 Appendix F): `00 3C` is
/// UTF-16BE, `3C 00` UTF-16LE, `3C` next to non-zero bytes UTF-8, unless zero bytes before it
/// say otherwise. Every MOS message starts with `<`, and so does an XML declaration, so this
/// decides on the first markup whatever precedes it. Without any `<` in the first
/// [`SNIFF_LIMIT`] bytes the zero-byte pattern decides.
///
/// The `encoding="…"` label of an XML declaration is not consulted: a declaration written in
/// UTF-16 is recognised by its bytes (`00 3C 00 3F`), and a label that contradicts the bytes
/// is a sender's mistake that the MOS implementations we know ignore as well (they transcode
/// first and strip the declaration, mos.md §6.1).
pub fn sniff_encoding(prefix: &[u8]) -> Option<Encoding> {
    for (enc, bom) in [
        (Encoding::Utf8, Encoding::Utf8.bom()),
        (Encoding::Utf16Be, Encoding::Utf16Be.bom()),
        (Encoding::Utf16Le, Encoding::Utf16Le.bom()),
    ] {
        if prefix.starts_with(bom) {
            return Some(enc);
        }
        if !prefix.is_empty() && bom.starts_with(prefix) {
            return None;
        }
    }
    if let Some(i) = prefix.iter().position(|&b| b == b'<') {
        if i % 2 == 1 && prefix[i - 1] == 0 {
            return Some(Encoding::Utf16Be);
        }
        let next = *prefix.get(i + 1)?;
        if next == 0 {
            return Some(Encoding::Utf16Le);
        }
        return Some(by_zero_pattern(&prefix[..i + 2]));
    }
    (prefix.len() >= SNIFF_LIMIT).then(|| by_zero_pattern(prefix))
}

/// The encoding of a complete buffer: [`sniff_encoding`], falling back to the zero-byte
/// pattern (UTF-8 when there are no zeros, including for an empty buffer).
pub fn detect_encoding(bytes: &[u8]) -> Encoding {
    sniff_encoding(bytes).unwrap_or_else(|| by_zero_pattern(bytes))
}

/// A whole MOS message (or any text) as UTF-8, whatever encoding it arrived in.
///
/// Detects the encoding with [`detect_encoding`] and strips its BOM. UTF-8 input is borrowed,
/// UTF-16 is transcoded once. Errors carry the byte offset in `bytes`:
/// - [`ErrorKind::InvalidUtf8`] for an invalid UTF-8 sequence or an unpaired surrogate;
/// - [`ErrorKind::Incomplete`] when the buffer ends inside a character (an odd trailing byte
///   of UTF-16, a high surrogate without its low half, a cut UTF-8 sequence): a streaming
///   caller can wait for more bytes.
pub fn to_utf8(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    to_utf8_with(bytes, detect_encoding(bytes))
}

/// [`to_utf8`] for a known encoding (e.g. MOS 4.0 binary frames are UTF-16BE); a BOM of that
/// encoding is stripped.
pub fn to_utf8_with(bytes: &[u8], encoding: Encoding) -> Result<Cow<'_, str>, DecodeError> {
    let start = if bytes.starts_with(encoding.bom()) { encoding.bom().len() } else { 0 };
    let body = &bytes[start..];
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => Ok(Cow::Borrowed(s)),
            Err(e) => {
                let kind = if e.error_len().is_none() { ErrorKind::Incomplete } else { ErrorKind::InvalidUtf8 };
                Err(DecodeError::new(kind, start + e.valid_up_to()))
            }
        },
        Encoding::Utf16Be | Encoding::Utf16Le => {
            let mut decoder = Utf16Decoder::new(encoding == Encoding::Utf16Be, start);
            // ASCII-heavy text shrinks from two bytes to one per character. Bytes, not a
            // `String`: blocks of ASCII are appended whole, and the text is checked once at
            // the end, as the stream decoder does.
            let mut out = Vec::with_capacity(body.len() / 2);
            let mut first_error = None;
            decoder.decode(body, &mut out, &mut |at, _| {
                first_error.get_or_insert(at);
            });
            if let Some(at) = first_error {
                return Err(DecodeError::new(ErrorKind::InvalidUtf8, at));
            }
            if let Some(at) = decoder.pending() {
                return Err(DecodeError::new(ErrorKind::Incomplete, at));
            }
            // The decoder writes whole characters only, so this cannot fail; were it to, the
            // input would be reported as invalid rather than the process stopped.
            String::from_utf8(out).map(Cow::Owned).map_err(|_| DecodeError::new(ErrorKind::InvalidUtf8, start))
        }
    }
}

/// Appends `s` as UTF-16BE, the MOS 2.x wire encoding, without a BOM: the spec asks for none,
/// peers such as sofie-mos-connection send none, and a receiver that does not expect one sees
/// it as a stray U+FEFF before `<mos>`. Prepend [`Encoding::bom`] where a peer wants it.
pub fn utf8_to_utf16be(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() * 2);
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
}

/// Appends `s` as UTF-16LE, without a BOM (see [`utf8_to_utf16be`]).
pub fn utf8_to_utf16le(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() * 2);
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
}

/// Appends `s` in `encoding`, without a BOM.
pub fn encode_text(s: &str, encoding: Encoding, out: &mut Vec<u8>) {
    match encoding {
        Encoding::Utf8 => out.extend_from_slice(s.as_bytes()),
        Encoding::Utf16Be => utf8_to_utf16be(s, out),
        Encoding::Utf16Le => utf8_to_utf16le(s, out),
    }
}

/// Where transcoded text goes: a `String` for whole messages, the stream decoder's byte
/// buffer (which also holds raw UTF-8 input) for streams.
pub(crate) trait Utf8Sink {
    fn push_char(&mut self, c: char);
    fn text_len(&self) -> usize;
    /// Appends ASCII bytes (each below 0x80, so each is one character).
    fn push_ascii(&mut self, ascii: &[u8]) {
        for &b in ascii {
            self.push_char(char::from(b));
        }
    }
}

impl Utf8Sink for String {
    #[inline]
    fn push_char(&mut self, c: char) {
        self.push(c);
    }
    fn text_len(&self) -> usize {
        self.len()
    }
}

impl Utf8Sink for Vec<u8> {
    #[inline]
    fn push_ascii(&mut self, ascii: &[u8]) {
        self.extend_from_slice(ascii);
    }
    fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            self.push(c as u8);
        } else {
            self.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    fn text_len(&self) -> usize {
        self.len()
    }
}

/// Code units the ASCII fast path tests and narrows per step: a fixed size, so the compiler
/// turns both loops into a few vector instructions (about 1.5 instructions per character).
const ASCII_BLOCK: usize = 16;

/// MOS text is mostly ASCII: narrows the blocks of [`ASCII_BLOCK`] code units from `bytes[i..]`
/// whose units are all below 0x80, where `LOW` is the index of a unit's low byte (1 for
/// big-endian); returns where the first other block (or the tail) starts.
fn narrow_ascii<const LOW: usize, S: Utf8Sink>(bytes: &[u8], mut i: usize, out: &mut S) -> usize {
    // Per unit, read little-endian: the whole high byte and the top bit of the low byte.
    let mask: u64 = if LOW == 1 { 0x80FF_80FF_80FF_80FF } else { 0xFF80_FF80_FF80_FF80 };
    while let Some(block) = bytes.get(i..i + 2 * ASCII_BLOCK) {
        let block: &[u8; 2 * ASCII_BLOCK] = block.try_into().expect("a whole block");
        let any = block.chunks_exact(8).fold(0, |acc, w| acc | u64::from_le_bytes(w.try_into().expect("8 bytes")));
        if any & mask != 0 {
            break;
        }
        // Each word holds four units with the ASCII byte at bits 16k + 8 LOW; shifts pack them.
        let mut ascii = [0u8; ASCII_BLOCK];
        for (four, w) in ascii.chunks_exact_mut(4).zip(block.chunks_exact(8)) {
            let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) >> (8 * LOW);
            let x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
            four.copy_from_slice(&((x | (x >> 16)) as u32).to_le_bytes());
        }
        out.push_ascii(&ascii);
        i += 2 * ASCII_BLOCK;
    }
    i
}

/// UTF-16 to UTF-8 across arbitrary chunk boundaries: an odd trailing byte and a high
/// surrogate whose low half has not arrived are held until the next chunk.
#[derive(Debug, Clone)]
pub(crate) struct Utf16Decoder {
    big_endian: bool,
    odd: Option<u8>,
    /// A high surrogate and the input offset of its first byte.
    high: Option<(u16, usize)>,
    /// Input offset of the next byte `decode` receives.
    offset: usize,
}

impl Utf16Decoder {
    pub(crate) fn new(big_endian: bool, offset: usize) -> Self {
        Utf16Decoder { big_endian, odd: None, high: None, offset }
    }

    /// Input offset of the first byte not yet turned into text: where the text decoded so far
    /// ends in the input.
    pub(crate) fn text_end_offset(&self) -> usize {
        self.pending().unwrap_or(self.offset)
    }

    /// Input offset of the held partial character, if any.
    pub(crate) fn pending(&self) -> Option<usize> {
        match (self.high, self.odd) {
            (Some((_, at)), _) => Some(at),
            (None, Some(_)) => Some(self.offset - 1),
            (None, None) => None,
        }
    }

    /// Decodes a chunk. Each unpaired surrogate becomes U+FFFD and is reported to `on_error`
    /// with its input offset and the output length before the replacement, so the caller can
    /// tell which part of the text it spoils.
    pub(crate) fn decode<S: Utf8Sink>(&mut self, bytes: &[u8], out: &mut S, on_error: &mut dyn FnMut(usize, usize)) {
        let base = self.offset;
        self.offset += bytes.len();
        let mut i = 0;
        if let Some(first) = self.odd {
            let Some(&second) = bytes.first() else { return };
            self.odd = None;
            self.unit(self.combine(first, second), base - 1, out, on_error);
            i = 1;
        }
        while i + 1 < bytes.len() {
            if self.high.is_none() {
                i = if self.big_endian {
                    narrow_ascii::<1, S>(bytes, i, out)
                } else {
                    narrow_ascii::<0, S>(bytes, i, out)
                };
            }
            // A block that is not all ASCII (or the tail) goes unit by unit, so text without
            // ASCII is not tested block by block at every unit.
            let units_end = bytes.len() - (bytes.len() - i) % 2;
            let end = units_end.min(i + 2 * ASCII_BLOCK);
            while i < end {
                let unit = self.combine(bytes[i], bytes[i + 1]);
                if unit < 0x80 && self.high.is_none() {
                    out.push_ascii(&[unit as u8]);
                    i += 2;
                    continue;
                }
                self.unit(unit, base + i, out, on_error);
                i += 2;
            }
        }
        if i < bytes.len() {
            self.odd = Some(bytes[i]);
        }
    }

    fn combine(&self, a: u8, b: u8) -> u16 {
        if self.big_endian {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    }

    fn unit<S: Utf8Sink>(&mut self, unit: u16, at: usize, out: &mut S, on_error: &mut dyn FnMut(usize, usize)) {
        if let Some((high, high_at)) = self.high.take() {
            if (0xDC00..0xE000).contains(&unit) {
                let scalar = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                out.push_char(char::from_u32(scalar).unwrap_or(char::REPLACEMENT_CHARACTER));
                return;
            }
            on_error(high_at, out.text_len());
            out.push_char(char::REPLACEMENT_CHARACTER);
        }
        match unit {
            0xD800..=0xDBFF => self.high = Some((unit, at)),
            0xDC00..=0xDFFF => {
                on_error(at, out.text_len());
                out.push_char(char::REPLACEMENT_CHARACTER);
            }
            _ => out.push_char(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be(s: &str) -> Vec<u8> {
        let mut v = Vec::new();
        utf8_to_utf16be(s, &mut v);
        v
    }

    fn le(s: &str) -> Vec<u8> {
        let mut v = Vec::new();
        utf8_to_utf16le(s, &mut v);
        v
    }

    fn err(kind: ErrorKind, offset: usize) -> Result<Cow<'static, str>, DecodeError> {
        Err(DecodeError::new(kind, offset))
    }

    #[test]
    fn encodes_without_bom() {
        assert_eq!(be("<mos>"), b"\0<\0m\0o\0s\0>");
        assert_eq!(le("<mos>"), b"<\0m\0o\0s\0>\0");
        assert_eq!(be("Ø€😀"), [0x00, 0xD8, 0x20, 0xAC, 0xD8, 0x3D, 0xDE, 0x00]);
        assert_eq!(le("Ø€😀"), [0xD8, 0x00, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE]);
        let mut out = b"x".to_vec();
        encode_text("é", Encoding::Utf8, &mut out);
        encode_text("é", Encoding::Utf16Be, &mut out);
        encode_text("é", Encoding::Utf16Le, &mut out);
        assert_eq!(out, [b'x', 0xC3, 0xA9, 0x00, 0xE9, 0xE9, 0x00]);
    }

    #[test]
    fn encoding_names_and_boms() {
        assert_eq!(Encoding::Utf8.bom(), [0xEF, 0xBB, 0xBF]);
        assert_eq!(Encoding::Utf16Be.bom(), [0xFE, 0xFF]);
        assert_eq!(Encoding::Utf16Le.bom(), [0xFF, 0xFE]);
        assert_eq!(
            [Encoding::Utf8.name(), Encoding::Utf16Be.name(), Encoding::Utf16Le.name()],
            ["UTF-8", "UTF-16BE", "UTF-16LE"]
        );
    }

    #[test]
    fn sniffs_boms_and_markup() {
        use Encoding::*;
        let cases: Vec<(Vec<u8>, Option<Encoding>)> = vec![
            (vec![], None),
            (vec![0xEF], None),
            (vec![0xEF, 0xBB], None),
            (vec![0xEF, 0xBB, 0xBF], Some(Utf8)),
            (vec![0xFE], None),
            (vec![0xFE, 0xFF], Some(Utf16Be)),
            (vec![0xFF], None),
            (vec![0xFF, 0xFE], Some(Utf16Le)),
            (b"<".to_vec(), None),
            (b"<m".to_vec(), Some(Utf8)),
            (b" \r\n<mos>".to_vec(), Some(Utf8)),
            (vec![0x00], None),
            (vec![0x00, b'<'], Some(Utf16Be)),
            (vec![b'<', 0x00], Some(Utf16Le)),
            (be("  \r\n<mos>"), Some(Utf16Be)),
            (le("\t<mos>"), Some(Utf16Le)),
            (be("<?xml version=\"1.0\" encoding=\"UTF-16\"?><mos>"), Some(Utf16Be)),
            (le("<?xml version=\"1.0\" encoding=\"UTF-16\"?><mos>"), Some(Utf16Le)),
            // A label that contradicts the bytes loses.
            (b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><mos>".to_vec(), Some(Utf8)),
            (be(" "), None),
            // `<` as the high byte of U+3C41 after BE whitespace: the zeros decide.
            (vec![0x00, 0x20, 0x3C, 0x41], Some(Utf16Be)),
            (vec![b'x'; SNIFF_LIMIT - 1], None),
            (vec![b'x'; SNIFF_LIMIT], Some(Utf8)),
            (be(&" ".repeat(SNIFF_LIMIT / 2)), Some(Utf16Be)),
            (le(&" ".repeat(SNIFF_LIMIT / 2)), Some(Utf16Le)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff_encoding(&bytes), expected, "{bytes:02X?}");
        }
        assert_eq!(detect_encoding(b""), Utf8);
        assert_eq!(detect_encoding(b"<"), Utf8);
        assert_eq!(detect_encoding(&be(" ")), Utf16Be);
        assert_eq!(detect_encoding(&le(" ")), Utf16Le);
        assert_eq!(detect_encoding(&[0xEF, 0xBB]), Utf8);
    }

    #[test]
    fn utf8_is_borrowed_without_bom() {
        let text = "<mos><ncsID>TIDSMARKØR</ncsID></mos>";
        let got = to_utf8(text.as_bytes()).unwrap();
        assert!(matches!(got, Cow::Borrowed(_)));
        assert_eq!(got, text);
        let mut with_bom = Encoding::Utf8.bom().to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        let got = to_utf8(&with_bom).unwrap();
        assert!(matches!(got, Cow::Borrowed(_)));
        assert_eq!(got, text);
        assert_eq!(to_utf8(b"").unwrap(), "");
    }

    #[test]
    fn utf16_is_transcoded_with_or_without_bom() {
        let text = "<mos><ncsID>TIDSMARKØR 😀</ncsID></mos>";
        for bytes in [be(text), le(text)] {
            assert_eq!(to_utf8(&bytes).unwrap(), text);
        }
        let mut bytes = Encoding::Utf16Be.bom().to_vec();
        bytes.extend(be(text));
        assert_eq!(to_utf8(&bytes).unwrap(), text);
        let mut bytes = Encoding::Utf16Le.bom().to_vec();
        bytes.extend(le(text));
        assert_eq!(to_utf8(&bytes).unwrap(), text);
        // Only the first BOM is a BOM; later ones are U+FEFF text.
        let mut bytes = vec![0xFE, 0xFF, 0xFE, 0xFF];
        bytes.extend(be("<a/>"));
        assert_eq!(to_utf8(&bytes).unwrap(), "\u{FEFF}<a/>");
        assert_eq!(to_utf8_with(&be("\u{FEFF}é"), Encoding::Utf16Be).unwrap(), "é");
        assert_eq!(to_utf8_with(&be("é"), Encoding::Utf16Be).unwrap(), "é");
        assert_eq!(to_utf8_with(b"\xEF\xBB\xBF\xC3\xA9", Encoding::Utf8).unwrap(), "é");
    }

    #[test]
    fn errors_carry_byte_offsets() {
        // UTF-8: invalid byte, cut sequence at the end.
        assert_eq!(to_utf8(b"<mos>\xFF</mos>"), err(ErrorKind::InvalidUtf8, 5));
        assert_eq!(to_utf8(b"\xEF\xBB\xBF<a>\xC3("), err(ErrorKind::InvalidUtf8, 6));
        assert_eq!(to_utf8(b"<a>\xE2\x82"), err(ErrorKind::Incomplete, 3));
        assert_eq!(to_utf8(b"\xEF\xBB\xBF<a>\xC3"), err(ErrorKind::Incomplete, 6));

        let mut odd = be("<a>");
        odd.push(0x00);
        assert_eq!(to_utf8(&odd), err(ErrorKind::Incomplete, 6));
        let mut odd = vec![0xFE, 0xFF];
        odd.extend(be("<a>"));
        odd.push(0x00);
        assert_eq!(to_utf8(&odd), err(ErrorKind::Incomplete, 8));

        // A high surrogate at the end may still be completed.
        let mut high = be("<a>");
        high.extend([0xD8, 0x3D]);
        assert_eq!(to_utf8(&high), err(ErrorKind::Incomplete, 6));
        high.push(0xDE);
        assert_eq!(to_utf8(&high), err(ErrorKind::Incomplete, 6));

        // Unpaired surrogates in the middle cannot.
        let mut lone_high = be("<a>");
        lone_high.extend([0xD8, 0x3D]);
        lone_high.extend(be("</a>"));
        assert_eq!(to_utf8(&lone_high), err(ErrorKind::InvalidUtf8, 6));
        let mut lone_low = le("<a>");
        lone_low.extend([0x00, 0xDE]);
        lone_low.extend(le("</a>"));
        assert_eq!(to_utf8(&lone_low), err(ErrorKind::InvalidUtf8, 6));
        let mut both = vec![0xFF, 0xFE];
        both.extend(le("<a>"));
        both.extend([0x00, 0xDE]);
        both.push(0x00);
        assert_eq!(to_utf8(&both), err(ErrorKind::InvalidUtf8, 8));
        // A high surrogate followed by another high one: the first is the unpaired one.
        let mut two_high = be("<");
        two_high.extend([0xD8, 0x00, 0xD8, 0x00, 0xDC, 0x00]);
        assert_eq!(to_utf8(&two_high), err(ErrorKind::InvalidUtf8, 2));
    }

    #[test]
    fn decoder_carries_partial_characters_across_chunks() {
        let text = "<mos>Ø😀€ a</mos>";
        for big_endian in [true, false] {
            let bytes = if big_endian { be(text) } else { le(text) };
            for chunk in 1..=5 {
                let mut decoder = Utf16Decoder::new(big_endian, 0);
                let mut out = Vec::new();
                for piece in bytes.chunks(chunk) {
                    decoder.decode(piece, &mut out, &mut |at, _| panic!("error at {at}"));
                }
                assert_eq!(decoder.pending(), None);
                assert_eq!(String::from_utf8(out).unwrap(), text, "chunk {chunk}");
            }
        }
    }

    #[test]
    fn decoder_replaces_and_reports_unpaired_surrogates() {
        let mut bytes = be("ab");
        bytes.extend([0xDC, 0x00]); // lone low at 4
        bytes.extend(be("c"));
        bytes.extend([0xD8, 0x00]); // high at 8 followed by a non-surrogate
        bytes.extend(be("d"));
        bytes.extend([0xD8, 0x00]); // pending high at 12
        let mut decoder = Utf16Decoder::new(true, 100);
        let mut out = String::new();
        let mut errors = Vec::new();
        for piece in bytes.chunks(3) {
            decoder.decode(piece, &mut out, &mut |at, pos| errors.push((at, pos)));
        }
        assert_eq!(out, "ab\u{FFFD}c\u{FFFD}d");
        assert_eq!(errors, [(104, 2), (108, 6)]);
        assert_eq!(decoder.pending(), Some(112));
        decoder.decode(&[0xDC], &mut out, &mut |_, _| panic!());
        assert_eq!(decoder.pending(), Some(112));
        decoder.decode(&[0x00, 0x00], &mut out, &mut |_, _| panic!());
        assert_eq!(decoder.pending(), Some(116));
        assert_eq!(out, "ab\u{FFFD}c\u{FFFD}d\u{10000}");
    }

    #[test]
    fn ascii_blocks_and_other_text_mix_at_every_offset_and_split() {
        // ASCII runs on both sides of every block boundary, next to 2-, 3- and 4-byte
        // characters, `<` among them, in both byte orders and cut into two chunks anywhere.
        let mut texts = Vec::new();
        for run in [0, 1, 7, 15, 16, 17, 31, 32, 33, 47] {
            for other in ["Ø", "€", "😀", "\u{7F}", "\u{80}"] {
                let ascii: String = (0..run).map(|i| char::from(b'!' + (i % 90) as u8)).collect();
                texts.push(format!("{ascii}{other}<{ascii}{other}"));
                texts.push(format!("{other}{ascii}"));
            }
        }
        for text in &texts {
            for big_endian in [true, false] {
                let bytes = if big_endian { be(text) } else { le(text) };
                for cut in 0..=bytes.len() {
                    let mut decoder = Utf16Decoder::new(big_endian, 0);
                    let mut out = Vec::new();
                    decoder.decode(&bytes[..cut], &mut out, &mut |_, _| panic!("no bad text"));
                    decoder.decode(&bytes[cut..], &mut out, &mut |_, _| panic!("no bad text"));
                    assert_eq!(decoder.pending(), None);
                    assert_eq!(String::from_utf8(out).unwrap(), *text, "cut at {cut}, big-endian {big_endian}");
                }
            }
        }
    }
}
