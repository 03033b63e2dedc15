//! Open Screen framing: `varint(type key) ‖ one CBOR item`, frames back to back on a QUIC
//! stream with no length prefix. The end of a frame is where its CBOR item ends.

use crate::error::{DecodeError, ErrorKind};
use crate::Limits;

/// A set of messages that can be read from frames (the generated `Message` enum, or an enum
/// with `#[derive(osmos::Messages)]` that composes several sets).
pub trait FrameDecode<'a>: Sized {
    /// Every type key the set decodes; sets composed into one must not share a key.
    const TYPE_KEYS: &'static [u64];

    /// Decodes the frame at the start of `input`: `Ok(Some((message, bytes used)))`, or
    /// `Ok(None)` when `input` ends inside the frame and more bytes are needed.
    fn decode_frame(input: &'a [u8]) -> Result<Option<(Self, usize)>, DecodeError>;
}

/// Default bound on a single frame held by a [`FrameReader`] ([`Limits::max_frame_len`]).
pub const DEFAULT_MAX_FRAME: usize = 1 << 20;

/// Reassembles frames from the bytes of one stream, however they were split.
///
/// ```
/// use osmos::frame::FrameReader;
/// use osmos::openscreen::Message;
///
/// let mut reader = FrameReader::new();
/// reader.push(&[0x0a, 0xa1]); // agent-info-request, split mid-frame
/// assert!(reader.next_frame::<Message>().unwrap().is_none());
/// reader.push(&[0x00, 0x07]);
/// let msg = reader.next_frame::<Message>().unwrap().unwrap();
/// assert_eq!(msg.type_key(), 10);
/// ```
#[derive(Debug)]
pub struct FrameReader {
    buf: Vec<u8>,
    start: usize,
    /// In force while a frame is decoded; `max_frame_len` bounds what is held.
    limits: Limits,
    /// How far the incomplete frame at `start` was checked for completeness.
    scan: Scan,
    /// Bytes pending when the frame at `start` was last decoded in full and found incomplete
    /// (0: not yet). Decoding again only once the frame is complete or has doubled keeps the
    /// work per frame linear however finely the stream is chunked.
    tried: usize,
}

impl Default for FrameReader {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameReader {
    /// A reader with the default [`Limits`] (frames of up to [`DEFAULT_MAX_FRAME`] bytes).
    pub fn new() -> Self {
        Self::with_limits(Limits::DEFAULT)
    }

    /// A reader that fails once a frame holds more than `max_frame` bytes.
    pub fn with_max_frame(max_frame: usize) -> Self {
        Self::with_limits(Limits { max_frame_len: max_frame, ..Limits::DEFAULT })
    }

    /// A reader that decodes every frame under `limits`: a frame longer than
    /// `max_frame_len` fails as soon as that many bytes of it are pending (or at once when it
    /// arrived whole), and the other bounds apply inside each frame.
    pub fn with_limits(limits: Limits) -> Self {
        FrameReader { buf: Vec::new(), start: 0, limits, scan: Scan::default(), tried: 0 }
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > self.buf.len() / 2 {
            // Reclaim the consumed prefix once it dominates, so memory tracks unread bytes.
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet returned as frames.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// The next complete frame, `Ok(None)` until enough bytes arrived. After an error the
    /// stream cannot be resynchronised (frames carry no length): Open Screen closes the
    /// connection, with application error 404 for an unknown type key.
    ///
    /// An error inside a frame that is still incomplete is reported once the frame is
    /// complete, once its pending bytes have doubled since the last attempt, or by
    /// [`FrameReader::finish`]: re-decoding an unfinished frame on every push would make a
    /// frame sent in k pieces cost k times its length.
    pub fn next_frame<'s, M: FrameDecode<'s>>(&'s mut self) -> Result<Option<M>, DecodeError> {
        let start = self.start;
        let pending = self.buf.len() - start;
        let max_frame = self.limits.max_frame_len;
        if self.tried > 0 && pending < self.tried.saturating_mul(2) {
            match self.scan.run(&self.buf[start..]) {
                Scanned::NeedMore if pending > max_frame => return Err(self.too_large(pending)),
                Scanned::NeedMore => return Ok(None),
                Scanned::Done => {}
            }
        }
        let input: &'s [u8] = &self.buf[start..];
        crate::work::add(input.len());
        match self.limits.scope(|| M::decode_frame(input)) {
            Ok(Some((_, used))) if used > max_frame => Err(self.too_large(used)),
            Ok(Some((message, used))) => {
                self.start += used;
                self.scan = Scan::default();
                self.tried = 0;
                Ok(Some(message))
            }
            Ok(None) if input.len() > max_frame => Err(self.too_large(input.len())),
            Ok(None) => {
                self.tried = input.len().max(1);
                if self.scan.pos > 0 && self.scan.open.is_empty() {
                    // The scan thought the item complete and the decoder disagrees: trust the
                    // decoder, and stop asking the scan so this cannot repeat on every push.
                    self.scan.give_up();
                }
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Declares the end of the stream: `Ok` when no bytes are pending, else the error the
    /// pending frame has, [`ErrorKind::Incomplete`] when it is only cut short.
    pub fn finish<'s, M: FrameDecode<'s>>(&'s mut self) -> Result<(), DecodeError> {
        let input: &'s [u8] = &self.buf[self.start..];
        match self.limits.scope(|| M::decode_frame(input)) {
            _ if input.is_empty() => Ok(()),
            Ok(_) => Err(DecodeError::new(ErrorKind::Incomplete, input.len())),
            Err(e) => Err(e),
        }
    }

    fn too_large(&self, pending: usize) -> DecodeError {
        DecodeError::new(ErrorKind::Limit(format!("frame larger than {} bytes", self.limits.max_frame_len)), pending)
    }
}

/// Where a resumable well-formedness scan of one frame (`varint ‖ CBOR item`) stands: it only
/// tells whether the item may be complete, so each byte of a frame is looked at once however
/// it is chunked; the generated decoder still has the last word.
#[derive(Debug, Default)]
struct Scan {
    /// Next byte to look at, from the frame's start (0: the type key is not read yet).
    pos: usize,
    /// Items still expected at each open level, `None` for an indefinite one (until `ff`).
    open: Vec<Option<u64>>,
    /// The scan gave up (malformed or too deep): the decoder decides on doubling alone.
    gave_up: bool,
}

enum Scanned {
    NeedMore,
    /// Complete, or something only the decoder can judge.
    Done,
}

/// Deeper than any Open Screen message plus `any`'s depth cap: past it the decoder decides.
const SCAN_DEPTH: usize = 2 * crate::cbor::MAX_DEPTH;

impl Scan {
    fn run(&mut self, frame: &[u8]) -> Scanned {
        if self.gave_up {
            return Scanned::NeedMore;
        }
        if self.pos == 0 {
            let Some((_, used)) = crate::varint::decode(frame) else { return Scanned::NeedMore };
            self.pos = used;
            self.open.push(Some(1));
        }
        let from = self.pos;
        let result = self.step(frame);
        crate::work::add(self.pos - from);
        result
    }

    fn step(&mut self, frame: &[u8]) -> Scanned {
        loop {
            match self.open.last_mut() {
                None => return Scanned::Done,
                Some(Some(0)) => {
                    self.open.pop();
                    continue;
                }
                _ => {}
            }
            let Some(&first) = frame.get(self.pos) else { return Scanned::NeedMore };
            let indefinite = matches!(self.open.last(), Some(None));
            if first == 0xff {
                if !indefinite {
                    return self.give_up();
                }
                self.pos += 1;
                self.open.pop();
                continue;
            }
            let (major, info) = (first >> 5, first & 0x1f);
            let (arg, mut next) = match info {
                0..=27 => match crate::cbor::head_argument(frame, self.pos, info) {
                    Some(head) => head,
                    None => return Scanned::NeedMore,
                },
                31 if matches!(major, 2..=5) => (u64::from(info), self.pos + 1),
                _ => return self.give_up(),
            };
            let child = match (major, info) {
                (2..=5, 31) => Some(None),
                (2 | 3, _) => {
                    let end = usize::try_from(arg).ok().and_then(|n| next.checked_add(n));
                    match end {
                        Some(end) if end <= frame.len() => next = end,
                        _ => return Scanned::NeedMore,
                    }
                    None
                }
                (4, _) => Some(Some(arg)),
                (5, _) => match arg.checked_mul(2) {
                    Some(n) => Some(Some(n)),
                    None => return self.give_up(),
                },
                (6, _) => Some(Some(1)),
                _ => None,
            };
            if let Some(Some(n)) = self.open.last_mut() {
                *n -= 1;
            }
            self.pos = next;
            if let Some(child) = child {
                if self.open.len() >= SCAN_DEPTH {
                    return self.give_up();
                }
                self.open.push(child);
            }
        }
    }

    fn give_up(&mut self) -> Scanned {
        self.gave_up = true;
        self.open = Vec::new();
        Scanned::Done
    }
}

/// A set of messages that can be written as frames.
pub trait FrameEncode {
    /// The type key of this message.
    fn type_key(&self) -> u64;
    /// The schema's name of this message.
    fn name(&self) -> &'static str;
    /// Appends `varint(type key) ‖ CBOR`; on error nothing is appended.
    fn encode_frame(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError>;
}

/// Decodes the body of a frame whose type key (`header` bytes of varint) was read already: the
/// message and the frame's length, `Ok(None)` when `input` ends inside it, or an error whose path
/// starts at the message's name and whose offset counts from the frame's start.
pub fn decode_body<'a, T: crate::cbor::Decode<'a>>(
    input: &'a [u8],
    header: usize,
    name: &'static str,
) -> Result<Option<(T, usize)>, DecodeError> {
    let mut d = crate::cbor::Decoder::new(&input[header..]);
    match T::decode(&mut d) {
        Ok(m) => Ok(Some((m, header + d.position()))),
        Err(e) if e.is_incomplete() => Ok(None),
        Err(e) => Err(e.in_field(name).shifted(header)),
    }
}

/// Whether `keys` holds `key` (usable in constants).
pub const fn has_key(keys: &[u64], key: u64) -> bool {
    let mut i = 0;
    while i < keys.len() {
        if keys[i] == key {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether two key lists share a key (usable in constants: a composed message set checks its
/// members pairwise when it compiles).
pub const fn overlap(a: &[u64], b: &[u64]) -> bool {
    let mut i = 0;
    while i < a.len() {
        if has_key(b, a[i]) {
            return true;
        }
        i += 1;
    }
    false
}

/// A message with a type key (implemented by each generated message type).
pub trait Keyed: crate::cbor::Encode {
    /// The type key.
    const TYPE_KEY: u64;
    /// The schema's name of the message.
    const NAME: &'static str;
    /// The type key as a QUIC varint, computed when the bindings were generated.
    const VARINT: &'static [u8];

    /// Appends `varint(type key) ‖ CBOR`; on error nothing is appended.
    fn encode_frame(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError> {
        let len = out.len();
        out.extend_from_slice(Self::VARINT);
        crate::cbor::encode_into(self, out).map_err(|e| {
            out.truncate(len);
            e.in_field(Self::NAME)
        })
    }
}

/// What the message table says about one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageInfo {
    /// The schema's name.
    pub name: &'static str,
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// The type key.
    pub type_key: u64,
    /// The type key as a QUIC varint.
    pub varint: &'static [u8],
}
