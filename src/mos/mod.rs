//! MOS protocol: wire encodings, stream framing and typed values.

pub mod stream;
pub mod value;
pub mod wire;

pub use stream::{MosMessage, MosStreamDecoder};
pub use value::{Fraction, MessageId, MosDuration, MosNumber, MosTime, TimeZone, Trigger, ValueError};
pub use wire::{detect_encoding, sniff_encoding, to_utf8, to_utf8_with, utf8_to_utf16be, Encoding};
