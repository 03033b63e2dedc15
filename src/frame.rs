//! Open Screen framing: `varint(type key) ‖ one CBOR item`, frames back to back on a QUIC
//! stream with no length prefix. The end of a frame is where its CBOR item ends.

use crate::error::{DecodeError, ErrorKind};

/// A set of messages that can be read from frames (the generated `Message` enum, or an enum
/// with `#[derive(osmos::Messages)]` that composes several sets).
pub trait FrameDecode<'a>: Sized {
    /// Every type key the set decodes; sets composed into one must not share a key.
    const TYPE_KEYS: &'static [u64];

    /// Decodes the frame at the start of `input`: `Ok(Some((message, bytes used)))`, or
    /// `Ok(None)` when `input` ends inside the frame and more bytes are needed.
    fn decode_frame(input: &'a [u8]) -> Result<Option<(Self, usize)>, DecodeError>;
}

/// Default bound on a single frame held by a [`FrameReader`].
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
    max_frame: usize,
}

impl Default for FrameReader {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameReader {
    /// A reader holding frames of up to [`DEFAULT_MAX_FRAME`] bytes.
    pub fn new() -> Self {
        Self::with_max_frame(DEFAULT_MAX_FRAME)
    }

    /// A reader that fails once an incomplete frame holds more than `max_frame` bytes.
    pub fn with_max_frame(max_frame: usize) -> Self {
        FrameReader { buf: Vec::new(), start: 0, max_frame }
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
    pub fn next_frame<'s, M: FrameDecode<'s>>(&'s mut self) -> Result<Option<M>, DecodeError> {
        let start = self.start;
        let input: &'s [u8] = &self.buf[start..];
        match M::decode_frame(input) {
            Ok(Some((message, used))) => {
                self.start += used;
                Ok(Some(message))
            }
            Ok(None) if input.len() > self.max_frame => Err(DecodeError::new(
                ErrorKind::Constraint(format!("frame larger than {} bytes", self.max_frame)),
                input.len(),
            )),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
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
