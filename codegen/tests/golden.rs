//! Golden files: each `golden/<construct>.cddl` generates exactly `golden/<construct>.rs`.
//! The root crate's `tests/constructs.rs` compiles those outputs and exercises them, so a golden
//! file is never just text. Set `OSMOS_BLESS=1` to rewrite them after an intended change.

use std::path::Path;

use osmos_codegen::{Builder, JsonForm, JsonImpls};

const CONSTRUCTS: &[&str] = &[
    "text_keys",
    "occurrences",
    "ranges",
    "tags_any",
    "sockets",
    "generics",
    "choices",
    "keep_unknown",
    "world",
    "tables",
    "map_choices",
    "array_groups",
    "json_text",
    "tagged_rules",
    "hygiene",
    "controls",
    "refused_before",
];

/// The builder for one construct; `keep_unknown` shows the proxy option, `json_text` the JSON
/// texts a schema describes.
fn builder(name: &str, cddl: &str) -> Builder {
    let form = if name == "json_text" { JsonForm::Schema } else { JsonForm::View };
    Builder::new()
        .module(name)
        .cddl(cddl)
        .json(JsonImpls::Feature("json".into()))
        .json_form(form)
        .keep_unknown_keys(name == "keep_unknown")
}

#[test]
fn generated_code_matches_golden_files() {
    let mut stale = Vec::new();
    for name in CONSTRUCTS {
        let cddl = format!("tests/golden/{name}.cddl");
        let text = builder(name, &cddl).generate().unwrap_or_else(|e| panic!("{cddl}: {e}"));
        let golden = Path::new("tests/golden").join(format!("{name}.rs"));
        if std::env::var_os("OSMOS_BLESS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(text.as_str()) {
            stale.push(golden.display().to_string());
        }
        // Same input, same bytes.
        let again = builder(name, &cddl).generate().unwrap();
        assert_eq!(text, again, "{name}: generation is not deterministic");
    }
    assert!(stale.is_empty(), "golden files differ (rerun with OSMOS_BLESS=1 if intended): {stale:?}");
}

/// The derive form of the shipped Open Screen schema: `tests/derived_openscreen.rs` compiles it
/// with `#[derive(osmos::Message)]` and checks it encodes like the expanded bindings.
#[test]
fn openscreen_derive_form_matches_golden() {
    let files: Vec<String> = osmos_codegen::shipped::SHIPPED
        .iter()
        .find(|(m, _)| *m == "openscreen")
        .map(|(_, f)| f.iter().map(|f| format!("../{f}")).collect())
        .expect("openscreen is shipped");
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let schema = osmos_codegen::shipped::builder("openscreen", &files).schema().expect("the shipped schema compiles");
    let text = osmos_codegen::rust::generate_derive_form(&schema).expect("every Open Screen type has a derive form");
    let golden = Path::new("tests/golden/openscreen_derived.rs");
    if std::env::var_os("OSMOS_BLESS").is_some() {
        std::fs::write(golden, &text).unwrap();
    } else {
        let old = std::fs::read_to_string(golden).unwrap_or_default();
        assert!(old == text, "{} differs (rerun with OSMOS_BLESS=1 if intended)", golden.display());
    }
    assert_eq!(text, osmos_codegen::rust::generate_derive_form(&schema).unwrap(), "not deterministic");
}
