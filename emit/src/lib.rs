//! osmos-emit: the part of the osmos generator that knows no schema language.
//!
//! [`ir`] is the model every front end produces; [`rust`] prints it as Rust tokens (types and
//! their CBOR, XML and JSON codecs); [`keys`] holds the Open Screen type-key rules. The
//! generator (`osmos-codegen`, which adds the CDDL and XSD front ends and formatting) and the
//! derive macros (`osmos-macros`, which build the IR from annotated Rust types) both emit codecs
//! through this crate, so a derived type and a generated type of the same shape encode alike by
//! construction.

pub mod ir;
pub mod keys;
pub mod rust;
