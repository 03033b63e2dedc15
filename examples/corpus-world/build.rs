//! Compiles the published schemas of `../shared/corpus/cddl-world/` (COSE, SUIT, CoSWID, EAT,
//! the RFC 8610 examples) that the generator supports, as a downstream crate would. The corpus
//! is not part of the repository: without it the crate builds empty (`cfg(corpus)` unset), and
//! under `OSMOS_REQUIRE_CORPUS` that is a failure.

use std::path::Path;

use osmos_codegen::{Builder, JsonForm, JsonImpls};

/// Module, then files in the order their SOURCE.txt gives.
pub const SCHEMAS: &[(&str, &[&str])] = &[
    ("cose", &["cose-rfc9052.cddl"]),
    ("reputon", &["rfc8610-reputon.cddl"]),
    ("socketplug", &["rfc8610-socketplug.cddl"]),
    // Typed tables, group choices in maps, JC<json, cbor> keys (issue 8).
    ("suit", &["suit-manifest.cddl", "cose-rfc9052.cddl"]),
    ("coswid", &["coswid.cddl"]),
    ("eat", &["eat-cbor.cddl", "coswid.cddl"]),
    // Describes JSON: its JSON impls follow the schema's rules (feature `json`), see below.
    ("bidi", &["webdriver-bidi-remote.cddl"]),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    xsd_world()?;
    xsd_broadcast()?;
    println!("cargo:rustc-check-cfg=cfg(corpus)");
    println!("cargo:rerun-if-env-changed=OSMOS_REQUIRE_CORPUS");
    let dir = Path::new("../../../shared/corpus/cddl-world");
    if !dir.exists() {
        if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() {
            return Err(format!("{} is absent, and OSMOS_REQUIRE_CORPUS is set", dir.display()).into());
        }
        println!("cargo:warning=skipped: {} is absent (a fresh clone without ../shared)", dir.display());
        return Ok(());
    }
    for (module, files) in SCHEMAS {
        let mut b = Builder::new().module(*module);
        for f in *files {
            b = b.cddl(dir.join(f));
        }
        if *module == "bidi" {
            // BiDi messages are JSON texts: read and written by the schema's own rules, behind
            // this crate's `json` feature (which enables `osmos/json`).
            b = b.json_form(JsonForm::Schema).json(JsonImpls::Feature("json".into()));
        }
        b.compile()?;
    }
    println!("cargo:rustc-cfg=corpus");
    Ok(())
}

/// XML Schemas with a target namespace (`../shared/corpus/xsd-world/`), module and file: every
/// one of them compiles. `cfg(corpus_xsd)` when they are present.
pub const XSD_SCHEMAS: &[(&str, &str)] = &[("gpx", "gpx-1.1.xsd"), ("xmldsig", "xmldsig-core-schema.xsd")];

fn xsd_world() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rustc-check-cfg=cfg(corpus_xsd)");
    let dir = Path::new("../../../shared/corpus/xsd-world");
    if !dir.exists() {
        if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() {
            return Err(format!("{} is absent, and OSMOS_REQUIRE_CORPUS is set", dir.display()).into());
        }
        println!("cargo:warning=skipped: {} is absent (a fresh clone without ../shared)", dir.display());
        return Ok(());
    }
    for (module, file) in XSD_SCHEMAS {
        Builder::new().module(*module).xsd(dir.join(file)).compile()?;
        // And as owned types (`Builder::owned`), which `tests/xsd_examples.rs` compares.
        Builder::new().module(format!("{module}_owned")).xsd(dir.join(file)).owned(true).compile()?;
    }
    println!("cargo:rustc-cfg=corpus_xsd");
    Ok(())
}

/// The broadcast world's XML Schemas as published (`../shared/corpus/xsd-broadcast/`), module
/// and top file (each includes or imports the rest). `cfg(corpus_broadcast)` when present.
pub const BROADCAST_SCHEMAS: &[(&str, &str)] = &[
    ("dash", "dash/DASH-MPD.xsd"),
    ("newsml", "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd"),
    ("ebutt", "ebu-tt-d/ebutt_d.xsd"),
    ("scte35", "scte35/scte_35_20230713.xsd"),
];

fn xsd_broadcast() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rustc-check-cfg=cfg(corpus_broadcast)");
    let dir = Path::new("../../../shared/corpus/xsd-broadcast");
    if !dir.exists() {
        if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() {
            return Err(format!("{} is absent, and OSMOS_REQUIRE_CORPUS is set", dir.display()).into());
        }
        println!("cargo:warning=skipped: {} is absent (a fresh clone without ../shared)", dir.display());
        return Ok(());
    }
    for (module, file) in BROADCAST_SCHEMAS {
        Builder::new().module(*module).xsd(dir.join(file)).compile()?;
    }
    println!("cargo:rustc-cfg=corpus_broadcast");
    Ok(())
}
