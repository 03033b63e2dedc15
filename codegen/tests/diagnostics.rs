//! Rendered diagnostics, one snapshot per kind of schema error (CDDL and XSD) and per warning:
//! `tests/diagnostics/<case>.{cddl,xsd}` renders to `<case>.txt` exactly as `Builder::compile`'s
//! error shows it in a `build.rs` (and the CLI, without colour). `OSMOS_BLESS=1` rewrites the
//! snapshots.

use std::path::Path;

use osmos_codegen::{Builder, Error};

const DIR: &str = "tests/diagnostics";

/// What a build script would print for the schema: the error's rendering, or the warnings'.
fn rendered(schema: &Path) -> String {
    let path = schema.to_str().unwrap();
    let builder = if path.ends_with(".xsd") { Builder::new().xsd(path) } else { Builder::new().cddl(path) };
    match builder.schema_and_warnings() {
        Err(e @ Error::Schema(_)) => {
            // `main() -> Result<(), Box<dyn Error>>` prints `Error: {:?}`: that must be the rendering too.
            assert_eq!(format!("{e:?}"), format!("\n{e}"));
            assert_eq!(e.render(false), e.to_string());
            e.to_string()
        }
        Err(other) => panic!("{path}: not a schema error: {other}"),
        Ok((_, warnings)) => {
            assert!(!warnings.is_empty(), "{path}: compiled without a warning");
            warnings.iter().map(|w| w.render(false)).collect::<Vec<_>>().join("\n\n")
        }
    }
}

#[test]
fn every_diagnostic_renders_like_rustc() {
    let bless = std::env::var_os("OSMOS_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cddl" || e == "xsd"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "{cases:?}");
    let mut failed = Vec::new();
    for case in &cases {
        let got = rendered(case) + "\n";
        let snapshot = case.with_extension("txt");
        if bless {
            std::fs::write(&snapshot, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if got != want {
            failed.push(format!("{}:\n--- want\n{want}--- got\n{got}", snapshot.display()));
        }
    }
    assert!(failed.is_empty(), "stale snapshots (OSMOS_BLESS=1 rewrites them):\n{}", failed.join("\n"));
}

#[test]
fn colour_is_only_added_on_request() {
    let err = Builder::new().cddl(format!("{DIR}/cddl_unresolved.cddl")).schema().unwrap_err();
    let plain = err.render(false);
    let coloured = err.render(true);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b["), "{coloured}");
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
