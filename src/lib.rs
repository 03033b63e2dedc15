//! osmos runtime: the codecs, framing and value types that osmos-generated bindings use,
//! and the shipped bindings themselves (`osmos::openscreen`, `osmos::mos`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod error;
pub mod mos;

pub use error::{DecodeError, EncodeError, ErrorKind, Path, PathSegment};
