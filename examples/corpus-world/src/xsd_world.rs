//! `../shared/corpus/xsd-world/`: XML Schemas with a target namespace, compiled by `build.rs`.

/// GPX 1.1 (`http://www.topografix.com/GPX/1/1`): `Gpx::decode` reads a `.gpx` document.
pub mod gpx {
    include!(concat!(env!("OUT_DIR"), "/gpx.rs"));
}

/// XML Signature (`http://www.w3.org/2000/09/xmldsig#`): `Signature::decode` reads a
/// `<Signature>` document; `Message::decode_body` any global element of the schema.
pub mod xmldsig {
    include!(concat!(env!("OUT_DIR"), "/xmldsig.rs"));
}

/// GPX 1.1 as owned types (`Builder::owned`): decoded documents outlive their text.
pub mod gpx_owned {
    include!(concat!(env!("OUT_DIR"), "/gpx_owned.rs"));
}

/// XML Signature as owned types.
pub mod xmldsig_owned {
    include!(concat!(env!("OUT_DIR"), "/xmldsig_owned.rs"));
}
