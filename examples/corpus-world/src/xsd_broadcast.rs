//! `../shared/corpus/xsd-broadcast/`: the broadcast world's XML Schemas as published, compiled
//! by `build.rs`.

/// MPEG-DASH MPD (`urn:mpeg:dash:schema:mpd:2011`): `Mpd::decode` reads a `.mpd` manifest.
pub mod dash {
    include!(concat!(env!("OUT_DIR"), "/dash.rs"));
}

/// IPTC NewsML-G2 2.35, Power conformance (`http://iptc.org/std/nar/2006-10-01/`): news,
/// concept, knowledge, planning and package items.
pub mod newsml {
    include!(concat!(env!("OUT_DIR"), "/newsml.rs"));
}

/// EBU-TT-D subtitles (`http://www.w3.org/ns/ttml`, with EBU's and TTML's styling,
/// parameter and metadata namespaces): `Tt::decode` reads a document.
pub mod ebutt {
    include!(concat!(env!("OUT_DIR"), "/ebutt.rs"));
}

/// SCTE 35 splice information in XML (`http://www.scte.org/schemas/35`).
pub mod scte35 {
    include!(concat!(env!("OUT_DIR"), "/scte35.rs"));
}
