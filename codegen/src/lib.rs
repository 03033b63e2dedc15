//! osmos-codegen: compiles CDDL and XSD schemas into Rust types with CBOR and XML codecs.
//!
//! Front ends ([`cddl`]) translate a schema into the [`ir`]; [`check`] validates the IR;
//! the back end ([`rust`]) prints Rust. [`Builder`] drives it all from a `build.rs`.

// Schema errors are the cold path and carry their rendering context (source, notes, hints):
// boxing every `Result<_, SchemaError>` would cost readability for no measurable gain.
#![allow(clippy::result_large_err)]

mod builder;
pub mod cddl;
pub mod check;
mod comment;
pub mod diagnostic;
mod lint;
mod output;
pub mod shipped;
pub mod xsd;

pub use builder::{display, read, read_all, write_if_changed, Builder, Extras};
pub use diagnostic::{Error, SchemaError, Severity};
pub use osmos_emit::{ir, keys};
pub use rust::{JsonForm, JsonImpls, Options};

/// The Rust back end: the shared emitters of `osmos-emit`, plus formatting and the header.
pub mod rust {
    pub use crate::output::{generate, generate_derive_form, header};
    pub use osmos_emit::rust::*;
}
