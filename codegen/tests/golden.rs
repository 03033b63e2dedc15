//! Golden files: each `golden/<construct>.cddl` generates exactly `golden/<construct>.rs`.
//! The root crate's `tests/constructs.rs` compiles those outputs and exercises them, so a golden
//! file is never just text. Set `OSMOS_BLESS=1` to rewrite them after an intended change.

use std::path::Path;

use osmos_codegen::{Builder, JsonImpls};

const CONSTRUCTS: &[&str] = &["text_keys", "occurrences", "ranges", "tags_any", "sockets", "generics", "choices"];

#[test]
fn generated_code_matches_golden_files() {
    let mut stale = Vec::new();
    for name in CONSTRUCTS {
        let cddl = format!("tests/golden/{name}.cddl");
        let text = Builder::new()
            .module(*name)
            .cddl(&cddl)
            .json(JsonImpls::Feature("json".into()))
            .generate()
            .unwrap_or_else(|e| panic!("{cddl}: {e}"));
        let golden = Path::new("tests/golden").join(format!("{name}.rs"));
        if std::env::var_os("OSMOS_BLESS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(text.as_str()) {
            stale.push(golden.display().to_string());
        }
        // Same input, same bytes.
        let again =
            Builder::new().module(*name).cddl(&cddl).json(JsonImpls::Feature("json".into())).generate().unwrap();
        assert_eq!(text, again, "{name}: generation is not deterministic");
    }
    assert!(stale.is_empty(), "golden files differ (rerun with OSMOS_BLESS=1 if intended): {stale:?}");
}
