//! A vendor's Open Screen extension, the way a downstream crate writes one: a CDDL schema that
//! builds on the standard one, compiled by `build.rs`, and one message set for streams that
//! carry standard and vendor frames alike.

/// The vendor messages, generated from `schemas/vendor.cddl`.
pub mod vendor {
    include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
}

/// Every message this agent reads or writes. Deriving `Messages` checks at compile time that
/// no type key is claimed twice; an unknown key is still an error (Open Screen answers 404).
#[derive(Debug, Clone, PartialEq, osmos::Messages)]
#[allow(clippy::large_enum_variant)]
pub enum AnyMessage<'a> {
    /// The 47 standard messages.
    #[osmos(set)]
    Standard(osmos::openscreen::Message<'a>),
    /// The vendor's own.
    #[osmos(set)]
    Vendor(vendor::Message<'a>),
}
