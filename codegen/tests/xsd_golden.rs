//! Golden files for the XSD constructs: each `golden/xsd_<construct>.xsd` generates exactly
//! `golden/xsd_<construct>.rs`. The root crate's `tests/xsd_constructs.rs` compiles those
//! outputs and round-trips documents through them. `OSMOS_BLESS=1` rewrites them.

use std::path::Path;

use osmos_codegen::{Builder, JsonImpls};

const CONSTRUCTS: &[&str] = &[
    "xsd_namespace",
    "xsd_twice",
    "xsd_union",
    "xsd_open_content",
    "xsd_values",
    "xsd_import",
    "xsd_list",
    "xsd_nillable",
    "xsd_substitution",
    "xsd_locals",
    "xsd_inherited_mixed",
    "xsd_unqualified",
    "xsd_case",
    "xsd_simple_restriction",
    "xsd_reached_twice",
    "xsd_chameleon",
    "xsd_qualified_attrs",
    "xsd_recursion",
    "xsd_defaults",
    "xsd_two_ns",
];

#[test]
fn generated_code_matches_golden_files() {
    let mut stale = Vec::new();
    for name in CONSTRUCTS {
        let xsd = format!("tests/golden/{name}.xsd");
        let generate = || {
            let b = Builder::new().module(*name).xsd(&xsd).json(JsonImpls::Feature("json".into()));
            b.generate().unwrap_or_else(|e| panic!("{xsd}: {e}"))
        };
        let text = generate();
        let golden = Path::new("tests/golden").join(format!("{name}.rs"));
        if std::env::var_os("OSMOS_BLESS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(text.as_str()) {
            stale.push(golden.display().to_string());
        }
        assert_eq!(text, generate(), "{name}: generation is not deterministic");
    }
    assert!(stale.is_empty(), "golden files differ (rerun with OSMOS_BLESS=1 if intended): {stale:?}");
}

/// What the namespaced constructs look like in the generated code.
#[test]
fn namespaced_output_has_the_expected_shapes() {
    let text = std::fs::read_to_string("tests/golden/xsd_namespace.rs").unwrap();
    for needle in [
        // Names are resolved, matched on namespace URI and local name.
        "let (ns, local) = d.resolve(&child)?;",
        "(::core::option::Option::Some(\"urn:osmos:notes\"), \"note\") =>",
        // Attributes no field takes (namespace declarations first of all) are kept.
        "pub other_attributes: ::osmos::xml::OtherAttributes<'a>,",
        "_ => d.other_attribute(&mut f_other_attributes, a),",
        "self.other_attributes.write(out);",
        // Every global element is a document root, decoded by namespace, written unprefixed.
        "pub const NAMESPACE: &'static str = \"urn:osmos:notes\";",
        "::osmos::xml::decode_namespaced_document(",
        "::osmos::xml::declare_namespace(out, \"notebook\", \"urn:osmos:notes\");",
    ] {
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace(",)", ")");
        assert!(squeeze(&text).contains(&squeeze(needle)), "generated code lacks `{needle}`");
    }
    // A schema without namespace compares names as written, at no cost.
    let plain = std::fs::read_to_string("tests/golden/xsd_twice.rs").unwrap();
    assert!(!plain.contains("resolve") && !plain.contains("OtherAttributes"), "{plain}");
}
