//! Real-world schemas (`../shared/corpus/cddl-world/`, `xsd-world/`): which compile, and which
//! construct stops the others. The report is printed (run with `--nocapture`); the assertions
//! hold the files that compile today to compiling, so a regression fails here.

use std::path::PathBuf;

use osmos_codegen::{Builder, Error};

/// Each corpus schema as its SOURCE.txt says to compile it: the files, in order.
const SCHEMAS: &[(&str, &[&str])] = &[
    ("cose", &["cddl-world/cose-rfc9052.cddl"]),
    ("suit", &["cddl-world/suit-manifest.cddl", "cddl-world/cose-rfc9052.cddl"]),
    ("coswid", &["cddl-world/coswid.cddl"]),
    ("eat", &["cddl-world/eat-cbor.cddl", "cddl-world/coswid.cddl"]),
    ("reputon", &["cddl-world/rfc8610-reputon.cddl"]),
    ("socketplug", &["cddl-world/rfc8610-socketplug.cddl"]),
    ("bidi", &["cddl-world/webdriver-bidi-remote.cddl"]),
    ("gpx", &["xsd-world/gpx-1.1.xsd"]),
    ("xmldsig", &["xsd-world/xmldsig-core-schema.xsd"]),
];

/// The schemas that compile today: each must keep compiling.
/// Every corpus schema, CDDL and XSD.
const COMPILING: &[&str] = &["cose", "suit", "coswid", "eat", "reputon", "socketplug", "bidi", "gpx", "xmldsig"];

fn corpus(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus").join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() {
        panic!("{} is absent, and OSMOS_REQUIRE_CORPUS is set", path.display());
    }
    eprintln!("skipped: {} is absent (a fresh clone without ../shared)", path.display());
    None
}

/// The builder for one corpus schema, or `None` when the corpus is absent.
pub fn builder(module: &str, files: &[&str]) -> Option<Builder> {
    let mut b = Builder::new().module(module);
    for f in files {
        let path = corpus(f)?;
        b = if f.ends_with(".xsd") { b.xsd(path) } else { b.cddl(path) };
    }
    Some(b)
}

#[test]
fn corpus_schemas_compile_or_say_why() {
    let mut report = Vec::new();
    let mut regressions = Vec::new();
    for (module, files) in SCHEMAS {
        let Some(b) = builder(module, files) else { return };
        match b.generate() {
            Ok(text) => report.push(format!("{module}: compiles ({} lines)", text.lines().count())),
            Err(Error::Schema(errs)) => {
                let first: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                let mut kinds: Vec<String> =
                    first.iter().map(|e| e.splitn(4, ':').nth(3).unwrap_or(e).trim().to_owned()).collect();
                kinds.sort();
                kinds.dedup_by(|a, b| a == b);
                report.push(format!(
                    "{module}: {} errors, {} kinds\n    {}",
                    first.len(),
                    kinds.len(),
                    kinds.join("\n    ")
                ));
                if COMPILING.contains(module) {
                    regressions.push(format!("{module}: {}", first.join("\n")));
                }
            }
            Err(other) => {
                report.push(format!("{module}: {other}"));
                if COMPILING.contains(module) {
                    regressions.push(format!("{module}: {other}"));
                }
            }
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(regressions.is_empty(), "{}", regressions.join("\n"));
}
