//! Cutting a MOS byte stream into messages.
//!
//! MOS 2.x has no framing: a TCP connection carries `<mos>…</mos>` documents back to back in
//! UTF-16BE, split into packets anywhere, a character or a tag included (SPEC285 §2.1;
//! mos.md §5.1, §6.1). A message ends at the `</mos>` that matches its opening tag, not at the
//! first one, because payloads may embed MOS messages (mos.md §5.2).
//!
//! [`MosStreamDecoder`] transcodes every byte once into a UTF-8 buffer and scans every byte of
//! that buffer once, keeping its scan position, nesting depth and lexical state between pushes,
//! so the total work is linear in the stream length however the bytes are chunked.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Deref;

use crate::error::{DecodeError, ErrorKind};
use crate::mos::wire::{detect_encoding, Encoding, Utf16Decoder, SNIFF_LIMIT};

/// Default bound on one message, in bytes of UTF-8 text: large running orders with rich
/// payloads run to a few MiB, and a peer that never closes `<mos>` must not exhaust memory.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;

/// How much of a dropped message's start [`MosStreamDecoder::dropped_head`] keeps.
const DROPPED_HEAD: usize = 2048;

/// One message cut from the stream: the UTF-8 text of exactly one `<mos>` element, from its
/// `<` to the `>` of the matching end tag (or of `<mos/>`).
///
/// It borrows the decoder's buffer: decode it (or copy it) before pushing more bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MosMessage<'a> {
    text: &'a str,
    input_offset: usize,
}

impl<'a> MosMessage<'a> {
    /// The message text.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// Byte offset of the message's `<` in the input stream (in the stream's own encoding,
    /// counted from the first byte ever pushed): where to look in a capture.
    pub fn input_offset(&self) -> usize {
        self.input_offset
    }
}

impl Deref for MosMessage<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.text
    }
}

impl AsRef<str> for MosMessage<'_> {
    fn as_ref(&self) -> &str {
        self.text
    }
}

impl fmt::Display for MosMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// Lexical state of the scanner, kept between pushes so no byte is looked at twice (apart
/// from the few bytes of a delimiter that may be cut by a chunk boundary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Character data or markup that cannot hide `<mos`: looking for the next `<`.
    Text,
    /// Inside `<!--`, looking for `-->`.
    Comment,
    /// Inside `<![CDATA[`, looking for `]]>`.
    Cdata,
    /// Inside `<?`, looking for `?>` (the XML declaration is one).
    Pi,
    /// Inside a `<mos` start tag, looking for its `>` outside attribute quotes; `slash` says
    /// whether the byte before was `/` (a self-closing tag).
    StartTag { quote: Option<u8>, slash: bool },
    /// After `</mos`, looking for `>` past optional whitespace.
    EndTag,
}

/// What a `<` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    Comment,
    Cdata,
    Pi,
    MosStart,
    MosEnd,
    Other,
    /// The buffer ends before the markup can be told apart.
    NeedMore,
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Classifies the markup at the start of `rest` (which starts with `<`). `<mosID>`,
/// `<mosPayload>` and `<mos:x>` are other elements: `<mos` counts only when a delimiter of
/// the name follows it.
fn classify(rest: &[u8]) -> Markup {
    match rest.get(1) {
        None => Markup::NeedMore,
        Some(b'm') => mos_name(rest, 1, Markup::MosStart, true),
        Some(b'/') => match rest.get(2) {
            None => Markup::NeedMore,
            Some(b'm') => mos_name(rest, 2, Markup::MosEnd, false),
            Some(_) => Markup::Other,
        },
        Some(b'?') => Markup::Pi,
        Some(b'!') => {
            for (pattern, kind) in [(&b"<!--"[..], Markup::Comment), (b"<![CDATA[", Markup::Cdata)] {
                let n = pattern.len().min(rest.len());
                if rest[..n] == pattern[..n] {
                    return if n == pattern.len() { kind } else { Markup::NeedMore };
                }
            }
            Markup::Other
        }
        // Most markup is some other element's tag.
        Some(_) => Markup::Other,
    }
}

/// `kind` when `rest[name..]` is `mos` followed by the end of a name (`/` too in a start tag).
fn mos_name(rest: &[u8], name: usize, kind: Markup, start: bool) -> Markup {
    let tail = &rest[name..];
    if tail.iter().zip(b"mos").any(|(a, b)| a != b) {
        return Markup::Other;
    }
    match tail.get(3) {
        None => Markup::NeedMore,
        Some(&d) if d == b'>' || is_xml_space(d) || (start && d == b'/') => kind,
        Some(_) => Markup::Other,
    }
}

/// The next `<` in `text`. Markup is dense in MOS, so the first bytes are searched eight at a
/// time in a register (cheaper than setting up a vector search for a short distance).
fn next_lt(text: &[u8]) -> Option<usize> {
    const NEAR: usize = 32;
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    let mut i = 0;
    while let Some(w) = text.get(i..i + 8) {
        if i == NEAR {
            return memchr::memchr(b'<', &text[i..]).map(|at| i + at);
        }
        // The lowest byte equal to `<` is the lowest flagged one (exact for the first match).
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ (ONES * u64::from(b'<'));
        let found = x.wrapping_sub(ONES) & !x & (ONES << 7);
        if found != 0 {
            return Some(i + found.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    text[i..].iter().position(|&b| b == b'<').map(|at| i + at)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// UTF-16 code units of a stretch of UTF-8: one per character, two for a supplementary one.
fn utf16_units(text: &[u8]) -> usize {
    text.iter().map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0)).sum()
}

/// Cuts a MOS byte stream, pushed in arbitrary chunks, into whole messages.
///
/// ```
/// use osmos::mos::MosStreamDecoder;
///
/// let mut decoder = MosStreamDecoder::new();
/// decoder.push(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\r\n<mos><mosID>a</mos");
/// assert!(decoder.next_message().is_none());
/// decoder.push(b"ID><heartbeat/></mos>");
/// let message = decoder.next_message().unwrap().unwrap();
/// assert_eq!(message.as_str(), "<mos><mosID>a</mosID><heartbeat/></mos>");
/// ```
///
/// - Encoding: detected once from the first bytes with [`sniff_encoding`](crate::mos::sniff_encoding) (UTF-8, UTF-16BE
///   or UTF-16LE, with or without BOM), or fixed with [`MosStreamDecoder::with_encoding`].
///   UTF-16 is transcoded chunk by chunk; an odd trailing byte and the high half of a
///   surrogate pair wait for the next push. UTF-8 is buffered as it is and validated once per
///   message, so a message borrows straight from the received bytes.
/// - Before a message: anything that is not a `<mos` start tag is skipped and dropped —
///   whitespace, BOMs, an XML declaration, comments and processing instructions, stray end
///   tags, garbage. A comment or processing instruction there that runs longer than the
///   maximum message size is abandoned, so one stray `<!--` cannot hide all later messages.
/// - Inside a message: `<mos …>` start tags nest, `<mos/>` does not, and `<mos` inside
///   comments, CDATA sections, processing instructions and attribute values is ignored.
///   A DOCTYPE internal subset is not parsed.
/// - Errors do not stop the decoder: the next call continues after the failed message.
///   A message longer than the maximum size is an [`ErrorKind::Limit`] error as soon as
///   it is known to be too long; its buffered text is dropped and the decoder resumes at the
///   next `<mos` start tag, which may be one nested in the rest of the oversized message.
///   Invalid text (bad UTF-8, unpaired surrogates) inside a message is an
///   [`ErrorKind::InvalidUtf8`] error for that message; in skipped bytes it is ignored.
///
/// Error offsets and [`MosMessage::input_offset`] are byte offsets in the input stream.
#[derive(Debug, Clone)]
pub struct MosStreamDecoder {
    max_message_size: usize,
    encoding: Option<Encoding>,
    /// Bytes held until the encoding can be told.
    sniffed: Vec<u8>,
    /// How far `sniffed` was searched for the first `<`, and the zero bytes before it at even
    /// and odd offsets: resumed on each push, so sniffing is linear and its verdict depends on
    /// the bytes only, never on how they were chunked.
    sniff: (usize, usize, usize),
    utf16: Option<Utf16Decoder>,
    /// UTF-8 text: the input itself for a UTF-8 stream (not yet validated), else transcoded.
    /// Positions below are absolute: counted in text bytes from the start of the stream.
    buf: Vec<u8>,
    /// Absolute position of `buf[0]`.
    base: usize,
    /// Text before this position has been handed out or skipped and may be dropped.
    consumed: usize,
    /// Next position to scan.
    scan: usize,
    lex: Lex,
    /// Open `<mos>` elements of the current message.
    depth: usize,
    /// Where the current message's `<` is, once its start tag has been seen.
    msg_start: Option<usize>,
    /// Where the comment or processing instruction being skipped before a message started.
    construct_start: usize,
    /// Unpaired surrogates replaced by U+FFFD while transcoding: (text position, input offset).
    bad_text: VecDeque<(usize, usize)>,
    /// (text position, input offset) of a point whose input offset is known, for UTF-16
    /// streams where the two differ; advanced as text is dropped, so each byte is counted once.
    checkpoint: (usize, usize),
    /// The start of the last message dropped as too large, for [`MosStreamDecoder::dropped_head`].
    dropped_head: String,
}

impl Default for MosStreamDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl MosStreamDecoder {
    /// A decoder that detects the encoding from the first bytes.
    pub fn new() -> Self {
        MosStreamDecoder {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            encoding: None,
            sniffed: Vec::new(),
            sniff: (0, 0, 0),
            utf16: None,
            buf: Vec::new(),
            base: 0,
            consumed: 0,
            scan: 0,
            lex: Lex::Text,
            depth: 0,
            msg_start: None,
            construct_start: 0,
            bad_text: VecDeque::new(),
            checkpoint: (0, 0),
            dropped_head: String::new(),
        }
    }

    /// A decoder for a stream known to be in `encoding` (MOS 2.x: [`Encoding::Utf16Be`]).
    /// A BOM is then ordinary text before the first message and skipped as such.
    pub fn with_encoding(encoding: Encoding) -> Self {
        let mut decoder = Self::new();
        decoder.set_encoding(encoding);
        decoder
    }

    /// A decoder that cuts messages of up to [`crate::Limits::max_message_len`] bytes; decode
    /// each one inside [`crate::Limits::scope`] for the other bounds.
    pub fn with_limits(limits: crate::Limits) -> Self {
        Self::new().max_message_size(limits.max_message_len)
    }

    /// Sets the largest message accepted, in bytes of UTF-8 text (default
    /// [`DEFAULT_MAX_MESSAGE_SIZE`]); about half the UTF-16 size for ASCII-heavy text.
    #[must_use]
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// The stream's encoding, once known.
    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding
    }

    /// Bytes held in memory: the partial message, messages not yet taken, bytes kept for
    /// encoding detection, and text already handed out that has not been dropped yet.
    pub fn buffered_len(&self) -> usize {
        self.buf.len() + self.sniffed.len()
    }

    fn set_encoding(&mut self, encoding: Encoding) {
        self.encoding = Some(encoding);
        self.utf16 = match encoding {
            Encoding::Utf8 => None,
            Encoding::Utf16Be => Some(Utf16Decoder::new(true, 0)),
            Encoding::Utf16Le => Some(Utf16Decoder::new(false, 0)),
        };
    }

    /// Appends bytes received from the peer. Cheap: the bytes are transcoded (or copied)
    /// into the buffer; cutting happens in [`MosStreamDecoder::next_message`].
    pub fn push(&mut self, bytes: &[u8]) {
        if self.encoding.is_some() {
            self.feed(bytes);
            return;
        }
        if self.sniffed.is_empty() {
            // Usually the first push decides, and its bytes go straight to `feed`, uncopied.
            match self.sniff_step(bytes) {
                Some(encoding) => {
                    self.set_encoding(encoding);
                    self.feed(bytes);
                }
                None => self.sniffed.extend_from_slice(bytes),
            }
            return;
        }
        let mut held = std::mem::take(&mut self.sniffed);
        held.extend_from_slice(bytes);
        match self.sniff_step(&held) {
            Some(encoding) => {
                self.set_encoding(encoding);
                self.feed(&held);
            }
            None => self.sniffed = held,
        }
    }

    /// [`crate::mos::wire::sniff_encoding`]'s rules, resumable: a BOM decides; else the first
    /// `<` and the zero bytes before it; else, once a whole message's worth of bytes came
    /// without any `<`, the zero-byte pattern. Junk before the first message (up to the
    /// maximum message size) therefore never decides the encoding by itself.
    /// `p` is every byte pushed so far.
    fn sniff_step(&mut self, p: &[u8]) -> Option<Encoding> {
        for enc in [Encoding::Utf8, Encoding::Utf16Be, Encoding::Utf16Le] {
            if p.starts_with(enc.bom()) {
                return Some(enc);
            }
            if !p.is_empty() && enc.bom().starts_with(p) {
                return None;
            }
        }
        let limit = self.max_message_size.max(SNIFF_LIMIT);
        let (scanned, even, odd) = &mut self.sniff;
        let by_zeros = |even: usize, odd: usize| match even.cmp(&odd) {
            std::cmp::Ordering::Greater => Encoding::Utf16Be,
            std::cmp::Ordering::Less => Encoding::Utf16Le,
            std::cmp::Ordering::Equal => Encoding::Utf8,
        };
        while *scanned < p.len().min(limit) {
            let i = *scanned;
            match p[i] {
                b'<' if i % 2 == 1 && p[i - 1] == 0 => return Some(Encoding::Utf16Be),
                b'<' => {
                    let next = *p.get(i + 1)?;
                    return Some(if next == 0 { Encoding::Utf16Le } else { by_zeros(*even, *odd) });
                }
                0 if i % 2 == 0 => *even += 1,
                0 => *odd += 1,
                _ => {}
            }
            *scanned += 1;
        }
        (p.len() >= limit).then(|| by_zeros(*even, *odd))
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.compact();
        match self.utf16.as_mut() {
            None => self.buf.extend_from_slice(bytes),
            Some(decoder) => {
                // What ASCII text needs, in one allocation; other text grows the buffer.
                self.buf.reserve(bytes.len() / 2 + 1);
                let base = self.base;
                let bad_text = &mut self.bad_text;
                decoder.decode(bytes, &mut self.buf, &mut |input_offset, text_pos| {
                    bad_text.push_back((base + text_pos, input_offset));
                });
            }
        }
    }

    /// Drops consumed text, but only when at least as much is dropped as kept: each byte is
    /// then moved at most once on average, even when bytes arrive one at a time inside a
    /// large message.
    fn compact(&mut self) {
        let drop = self.consumed - self.base;
        if drop == 0 || drop < self.buf.len() - drop {
            return;
        }
        if self.utf16.is_some() {
            self.advance_checkpoint(self.consumed);
        }
        crate::work::add(self.buf.len() - drop);
        self.buf.drain(..drop);
        self.base = self.consumed;
        while self.bad_text.front().is_some_and(|&(pos, _)| pos < self.base) {
            self.bad_text.pop_front();
        }
    }

    fn advance_checkpoint(&mut self, to: usize) -> usize {
        let (text, input) = self.checkpoint;
        let end = self.base + self.buf.len();
        let input = match &self.utf16 {
            // Nearer the end of the text decoded so far, whose input offset the UTF-16 decoder
            // knows: count back from there. A connection's decoder between messages is at
            // the end, or a line break before it; counting forward would read the whole
            // previous message again.
            Some(decoder) if end - to < to - text => {
                crate::work::add(end - to);
                decoder.text_end_offset() - 2 * utf16_units(&self.buf[to - self.base..])
            }
            _ => {
                crate::work::add(to - text);
                input + 2 * utf16_units(&self.buf[text - self.base..to - self.base])
            }
        };
        self.checkpoint = (to, input);
        input
    }

    /// Input offset of absolute text position `pos`, which must not precede the checkpoint.
    fn input_offset(&mut self, pos: usize) -> usize {
        if self.utf16.is_some() {
            self.advance_checkpoint(pos)
        } else {
            pos
        }
    }

    /// The first bytes (up to 2 KiB of text) of the last message dropped as too large: enough
    /// to read its envelope and message kind, so that it can be answered with a NACK.
    pub fn dropped_head(&self) -> &str {
        &self.dropped_head
    }

    /// The next complete message, `None` when more bytes are needed, or an error for a
    /// message that could not be cut or is not valid text (the following call goes on with
    /// the rest of the stream).
    pub fn next_message(&mut self) -> Option<Result<MosMessage<'_>, DecodeError>> {
        let Some((start, end)) = self.scan() else {
            return self.need_more();
        };
        self.consumed = end;
        if end - start > self.max_message_size {
            return Some(Err(self.too_large(start)));
        }
        while self.bad_text.front().is_some_and(|&(pos, _)| pos < start) {
            self.bad_text.pop_front();
        }
        if let Some(&(pos, input_offset)) = self.bad_text.front() {
            if pos < end {
                while self.bad_text.front().is_some_and(|&(pos, _)| pos < end) {
                    self.bad_text.pop_front();
                }
                return Some(Err(DecodeError::new(ErrorKind::InvalidUtf8, input_offset)));
            }
        }
        let input_offset = self.input_offset(start);
        let bytes = &self.buf[start - self.base..end - self.base];
        Some(match std::str::from_utf8(bytes) {
            Ok(text) => Ok(MosMessage { text, input_offset }),
            // Only a UTF-8 stream can get here, where text positions are input offsets.
            Err(e) => Err(DecodeError::new(ErrorKind::InvalidUtf8, start + e.valid_up_to())),
        })
    }

    fn too_large(&mut self, start: usize) -> DecodeError {
        let head = &self.buf[(start - self.base).min(self.buf.len())..];
        self.dropped_head.clear();
        self.dropped_head.push_str(&String::from_utf8_lossy(&head[..head.len().min(DROPPED_HEAD)]));
        let message = format!("MOS message longer than {} bytes", self.max_message_size);
        DecodeError::new(ErrorKind::Limit(message), self.input_offset(start))
    }

    /// The scanner ran out of bytes: drop skipped text, enforce the size bound.
    fn need_more(&mut self) -> Option<Result<MosMessage<'_>, DecodeError>> {
        match self.msg_start {
            None => {
                self.consumed = self.scan;
                None
            }
            Some(start) => {
                // The message is not complete, so it will be longer than what is buffered.
                if self.base + self.buf.len() - start < self.max_message_size {
                    return None;
                }
                let error = self.too_large(start);
                self.msg_start = None;
                self.depth = 0;
                self.lex = Lex::Text;
                self.consumed = self.scan;
                Some(Err(error))
            }
        }
    }

    /// Scans from the saved position to the end of the buffer or the end of a message, whose
    /// absolute range it returns.
    fn scan(&mut self) -> Option<(usize, usize)> {
        let base = self.base;
        let buf = &self.buf;
        let mut p = self.scan - base;
        let found = loop {
            match self.lex {
                Lex::Text => {
                    // Other elements' tags, nearly all markup, are passed over here without
                    // going round the state machine.
                    let mut i = p;
                    let markup = loop {
                        let Some(off) = next_lt(&buf[i..]) else { break None };
                        i += off;
                        match classify(&buf[i..]) {
                            Markup::Other => i += 1,
                            // CDATA cannot occur outside an element: before a message it is garbage.
                            Markup::Cdata if self.msg_start.is_none() => i += 1,
                            markup => break Some(markup),
                        }
                    };
                    let Some(markup) = markup else {
                        p = buf.len();
                        break None;
                    };
                    match markup {
                        Markup::NeedMore => {
                            p = i;
                            break None;
                        }
                        Markup::Comment => {
                            self.lex = Lex::Comment;
                            self.construct_start = base + i;
                            p = i + 4;
                        }
                        Markup::Cdata => {
                            self.lex = Lex::Cdata;
                            p = i + 9;
                        }
                        Markup::Pi => {
                            self.lex = Lex::Pi;
                            self.construct_start = base + i;
                            p = i + 2;
                        }
                        Markup::MosStart => {
                            self.msg_start.get_or_insert(base + i);
                            self.lex = Lex::StartTag { quote: None, slash: false };
                            p = i + 4;
                        }
                        Markup::MosEnd => {
                            self.lex = Lex::EndTag;
                            p = i + 5;
                        }
                        // Passed over above.
                        Markup::Other => p = i + 1,
                    }
                }
                Lex::Comment | Lex::Cdata | Lex::Pi => {
                    let terminator: &[u8] = match self.lex {
                        Lex::Comment => b"-->",
                        Lex::Cdata => b"]]>",
                        _ => b"?>",
                    };
                    // Outside a message a stray `<!--` or `<?` must not swallow the rest of the
                    // stream: its terminator counts only within `max_message_size` bytes of its
                    // start, and past that the bytes are scanned as text again. The bound is a
                    // position in the stream, so where scanning resumes does not depend on how
                    // the bytes were chunked.
                    let bound = match self.msg_start {
                        None if self.lex != Lex::Cdata => {
                            self.construct_start.saturating_add(self.max_message_size).saturating_sub(base).max(p)
                        }
                        _ => usize::MAX,
                    };
                    let window = buf.len().min(bound);
                    match find(&buf[p..window], terminator) {
                        Some(off) => {
                            p += off + terminator.len();
                            self.lex = Lex::Text;
                        }
                        None if window == bound => {
                            p = bound;
                            self.lex = Lex::Text;
                        }
                        None => {
                            // Keep the bytes that may be the start of a cut terminator.
                            p = p.max(buf.len().saturating_sub(terminator.len() - 1));
                            break None;
                        }
                    }
                }
                Lex::StartTag { mut quote, mut slash } => {
                    let mut close = None;
                    for (off, &b) in buf[p..].iter().enumerate() {
                        if let Some(q) = quote {
                            if b == q {
                                quote = None;
                            }
                            continue;
                        }
                        match b {
                            b'"' | b'\'' => {
                                quote = Some(b);
                                slash = false;
                            }
                            b'>' => {
                                close = Some(p + off);
                                break;
                            }
                            b'/' => slash = true,
                            _ => slash = false,
                        }
                    }
                    let Some(j) = close else {
                        self.lex = Lex::StartTag { quote, slash };
                        p = buf.len();
                        break None;
                    };
                    p = j + 1;
                    self.lex = Lex::Text;
                    if !slash {
                        self.depth += 1;
                    } else if self.depth == 0 {
                        // `<mos/>` as the root: the whole message.
                        break self.msg_start.take().map(|start| (start, base + p));
                    }
                }
                Lex::EndTag => {
                    p += buf[p..].iter().take_while(|&&b| is_xml_space(b)).count();
                    let Some(&b) = buf.get(p) else { break None };
                    self.lex = Lex::Text;
                    // Anything but `>` makes it no end tag; rescan that byte as text.
                    if b == b'>' {
                        p += 1;
                        if self.msg_start.is_some() && self.depth > 0 {
                            self.depth -= 1;
                            if self.depth == 0 {
                                break self.msg_start.take().map(|start| (start, base + p));
                            }
                        }
                    }
                }
            }
        };
        crate::work::add(base + p - self.scan);
        self.scan = base + p;
        found
    }

    /// Declares the end of the input. Call it once [`MosStreamDecoder::next_message`] has
    /// returned `None`: it reports [`ErrorKind::Incomplete`] when the stream ended inside a
    /// character, a message or markup that may start one, and `Ok` when only skippable bytes
    /// were left.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        if self.encoding.is_none() {
            let held = std::mem::take(&mut self.sniffed);
            self.set_encoding(detect_encoding(&held));
            self.feed(&held);
            // The held bytes contain no `<` that could complete a message: scanning them only
            // moves past skippable bytes.
            let _ = self.scan();
            self.need_more();
        }
        if let Some(at) = self.utf16.as_ref().and_then(Utf16Decoder::pending) {
            return Err(DecodeError::new(ErrorKind::Incomplete, at));
        }
        let end = self.base + self.buf.len();
        let at = match self.msg_start {
            Some(start) => start,
            None if self.scan < end => self.scan,
            None => return Ok(()),
        };
        Err(DecodeError::new(ErrorKind::Incomplete, self.input_offset(at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_markup() {
        let cases: [(&[u8], Markup); 27] = [
            (b"<", Markup::NeedMore),
            (b"<m", Markup::NeedMore),
            (b"<mo", Markup::NeedMore),
            (b"<mos", Markup::NeedMore),
            (b"<mos>", Markup::MosStart),
            (b"<mos/", Markup::MosStart),
            (b"<mos ", Markup::MosStart),
            (b"<mos\t", Markup::MosStart),
            (b"<mos\r", Markup::MosStart),
            (b"<mos\n", Markup::MosStart),
            (b"<mosID>", Markup::Other),
            (b"<mosPayload>", Markup::Other),
            (b"<mos:x>", Markup::Other),
            (b"<Mos>", Markup::Other),
            (b"</", Markup::NeedMore),
            (b"</mos", Markup::NeedMore),
            (b"</mos>", Markup::MosEnd),
            (b"</mos ", Markup::MosEnd),
            (b"</mos/", Markup::Other),
            (b"</mosAbstract>", Markup::Other),
            (b"<!", Markup::NeedMore),
            (b"<!-", Markup::NeedMore),
            (b"<!--", Markup::Comment),
            (b"<![CDATA", Markup::NeedMore),
            (b"<![CDATA[", Markup::Cdata),
            (b"<!DOCTYPE", Markup::Other),
            (b"<?", Markup::Pi),
        ];
        for (bytes, expected) in cases {
            assert_eq!(classify(bytes), expected, "{:?}", String::from_utf8_lossy(bytes));
        }
        assert_eq!(classify(b"<a"), Markup::Other);
        assert_eq!(classify(b"<![CDATX"), Markup::Other);
    }

    #[test]
    fn finds_the_next_lt_near_and_far() {
        for len in 0..80 {
            for at in 0..len {
                let mut text = vec![b'x'; len];
                text[at] = b'<';
                // A second `<` later never hides the first; `<` + 1 and - 1 are not `<`.
                if at + 3 < len {
                    text[at + 3] = b'<';
                }
                if at > 0 {
                    text[at - 1] = b'<' - 1;
                }
                assert_eq!(next_lt(&text), Some(at), "len {len}, at {at}");
            }
            assert_eq!(next_lt(&vec![b'='; len]), None);
        }
    }

    #[test]
    fn counts_utf16_units_of_utf8() {
        assert_eq!(utf16_units(b""), 0);
        assert_eq!(utf16_units("<a>".as_bytes()), 3);
        assert_eq!(utf16_units("Ø€".as_bytes()), 2);
        assert_eq!(utf16_units("😀x".as_bytes()), 3);
        assert_eq!(utf16_units("\u{FFFD}".as_bytes()), 1);
    }

    #[test]
    fn consumed_text_is_dropped_only_when_it_outweighs_the_rest() {
        let mut decoder = MosStreamDecoder::new();
        decoder.push(b"<mos>a</mos><mos>bb");
        assert_eq!(decoder.next_message().unwrap().unwrap().as_str(), "<mos>a</mos>");
        assert!(decoder.next_message().is_none());
        assert_eq!(decoder.buffered_len(), 19);
        // 12 consumed bytes against 8 kept: dropped on the next push.
        decoder.push(b"b");
        assert_eq!(decoder.buffered_len(), 8);
        assert_eq!(decoder.base, 12);
        decoder.push(b"</mos>");
        let m = decoder.next_message().unwrap().unwrap();
        assert_eq!((m.as_str(), m.input_offset()), ("<mos>bbb</mos>", 12));
        // 14 consumed, nothing kept.
        decoder.push(b" ");
        assert_eq!(decoder.buffered_len(), 1);
    }

    #[test]
    fn utf16_input_offsets_survive_dropping_text() {
        let mut bytes = Vec::new();
        crate::mos::wire::utf8_to_utf16be("<mos>Ø😀</mos> \u{FEFF}<mos/>", &mut bytes);
        let mut decoder = MosStreamDecoder::new();
        let mut got = Vec::new();
        for b in &bytes {
            decoder.push(std::slice::from_ref(b));
            while let Some(m) = decoder.next_message() {
                let m = m.unwrap();
                got.push((m.as_str().to_string(), m.input_offset()));
            }
        }
        assert_eq!(got, [("<mos>Ø😀</mos>".to_string(), 0), ("<mos/>".to_string(), 32)]);
        assert_eq!(decoder.finish(), Ok(()));
    }
}
