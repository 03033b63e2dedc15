//! The real-world schemas the generator compiles, each in its own module (see `build.rs`).
//! Empty without `../shared/corpus`.

/// COSE (RFC 9052).
#[cfg(corpus)]
pub mod cose {
    include!(concat!(env!("OUT_DIR"), "/cose.rs"));
}

/// RFC 8610 Appendix examples: the reputon.
#[cfg(corpus)]
pub mod reputon {
    include!(concat!(env!("OUT_DIR"), "/reputon.rs"));
}

/// RFC 8610 Appendix examples: socket plugs.
#[cfg(corpus)]
pub mod socketplug {
    include!(concat!(env!("OUT_DIR"), "/socketplug.rs"));
}

/// The XML Schemas with a target namespace (GPX 1.1, XML Signature).
#[cfg(corpus_xsd)]
pub mod xsd_world;
