//! MOS protocol: wire encodings, stream framing and typed values.

#[cfg(any(feature = "mos-tcp", feature = "mos-ws"))]
pub mod net;
pub mod stream;
pub mod value;
pub mod wire;

/// MOS messages, generated from `schemas/mos/mos.xsd`.
///
/// Every message element is a struct implementing [`crate::xml::XmlDecode`] and
/// [`crate::xml::XmlEncode`]; [`messages::Mos`] is the `<mos>` envelope (`decode`,
/// `decode_with`, `encode`, `encode_utf16be`) and [`messages::Message`] dispatches a message
/// element on its own by name.
pub mod messages {
    #[cfg(not(feature = "regenerate"))]
    include!("../../generated/mos.rs");
    #[cfg(feature = "regenerate")]
    include!(concat!(env!("OUT_DIR"), "/mos.rs"));
}

pub use stream::{MosMessage, MosStreamDecoder};
pub use value::{Fraction, MessageId, MosDuration, MosNumber, MosTime, TimeZone, Trigger, ValueError};
pub use wire::{detect_encoding, sniff_encoding, to_utf8, to_utf8_with, utf8_to_utf16be, Encoding};
