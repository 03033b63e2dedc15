//! osmos runtime: the codecs, framing and value types that osmos-generated bindings use,
//! and the shipped bindings themselves (`osmos::openscreen`, `osmos::mos`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Generated code names the runtime `::osmos`, in this crate as in downstream crates.
extern crate self as osmos;

pub mod cbor;
pub mod error;
pub mod frame;
#[cfg(feature = "json")]
pub mod json;
pub mod mos;
#[cfg(feature = "quic")]
pub mod quic;
pub mod varint;
pub mod xml;

/// Counts of work done by this thread (bytes re-read, entries compared), so tests can show
/// that a cost is linear in its input by counting rather than timing. Not a stable API.
#[doc(hidden)]
pub mod work {
    use std::cell::Cell;

    thread_local!(static UNITS: Cell<u64> = const { Cell::new(0) });

    /// Adds `n` units of work.
    #[inline]
    pub fn add(n: usize) {
        UNITS.with(|u| u.set(u.get().wrapping_add(n as u64)));
    }

    /// The units counted since the last call, resetting the count.
    pub fn take() -> u64 {
        UNITS.with(|u| u.replace(0))
    }
}

/// Open Screen Protocol messages, generated from `schemas/openscreen/*.cddl`.
///
/// Every type-keyed message is a struct implementing [`cbor::Decode`], [`cbor::Encode`] and
/// [`frame::Keyed`]; [`openscreen::Message`] dispatches frames by type key.
pub mod openscreen {
    #[cfg(not(feature = "regenerate"))]
    include!("../generated/openscreen.rs");
    #[cfg(feature = "regenerate")]
    include!(concat!(env!("OUT_DIR"), "/openscreen.rs"));
}

/// The README's examples, compiled and run as doctests (they use the `derive` feature).
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "derive"))]
pub struct ReadmeDoctests;

#[cfg(feature = "derive")]
pub use osmos_macros::{Element, Message, Messages};

pub use error::{DecodeError, EncodeError, ErrorKind, Path, PathSegment};
