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

/// CoSWID (RFC 9393).
#[cfg(corpus)]
pub mod coswid {
    include!(concat!(env!("OUT_DIR"), "/coswid.rs"));
}

/// The Entity Attestation Token (EAT) claims and tokens, with the CoSWID rules it uses.
#[cfg(corpus)]
pub mod eat {
    include!(concat!(env!("OUT_DIR"), "/eat.rs"));
}

/// WebDriver BiDi, remote end: commands and their parameters. The schema describes JSON texts:
/// with the `json` feature the types read and write them by the schema's rules
/// (`JsonForm::Schema`); they carry the same shapes over CBOR too.
#[cfg(corpus)]
pub mod bidi {
    include!(concat!(env!("OUT_DIR"), "/bidi.rs"));
}

/// SUIT manifests, with the COSE rules they use.
#[cfg(corpus)]
pub mod suit {
    include!(concat!(env!("OUT_DIR"), "/suit.rs"));
}

/// The XML Schemas with a target namespace (GPX 1.1, XML Signature).
#[cfg(corpus_xsd)]
pub mod xsd_world;

/// The broadcast world's XML Schemas (MPEG-DASH MPD, NewsML-G2, EBU-TT-D, SCTE 35).
#[cfg(corpus_broadcast)]
pub mod xsd_broadcast;
