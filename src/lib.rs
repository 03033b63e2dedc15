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
pub mod limits;
pub mod mos;
#[cfg(feature = "quic")]
pub mod quic;
#[cfg(any(feature = "quic", feature = "mos-ws"))]
mod tls;
pub mod varint;
pub mod xml;

/// Counts of work done by this thread (bytes re-read, items visited, entries compared), so
/// tests can show that a cost is linear in its input by counting rather than timing. Counted
/// only with the `count-work` feature (the tests' build): elsewhere `add` is nothing, so the
/// decoders' hot paths pay nothing for it. Not a stable API.
#[doc(hidden)]
pub mod work {
    #[cfg(feature = "count-work")]
    use std::cell::Cell;

    #[cfg(feature = "count-work")]
    thread_local!(static UNITS: Cell<u64> = const { Cell::new(0) });

    /// Adds `n` units of work.
    #[inline(always)]
    pub fn add(n: usize) {
        #[cfg(feature = "count-work")]
        UNITS.with(|u| u.set(u.get().wrapping_add(n as u64)));
        #[cfg(not(feature = "count-work"))]
        let _ = n;
    }

    /// The units counted since the last call, resetting the count (always 0 without the
    /// `count-work` feature).
    pub fn take() -> u64 {
        #[cfg(feature = "count-work")]
        return UNITS.with(|u| u.replace(0));
        #[cfg(not(feature = "count-work"))]
        0
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

pub use limits::Limits;

pub use error::{DecodeError, EncodeError, ErrorKind, Path, PathSegment};
