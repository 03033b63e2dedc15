//! Issue 10, finding 8: schemas that made the generator panic or hang. A `build.rs` runs the
//! generator on whatever schema a user writes: it must end with a file:line:col error or code.

use osmos_codegen::{cddl, check, ir::Source, Error, Options};

fn generate(text: &str) -> Result<String, Vec<String>> {
    let sources = vec![Source { path: "t.cddl".into(), text: text.into() }];
    let schema = cddl::compile("t", sources).map_err(errors)?;
    check::check(&schema).map_err(|e| errors(Error::from(e)))?;
    Ok(osmos_codegen::rust::generate(&schema, &Options::default()))
}

fn errors(e: Error) -> Vec<String> {
    match e {
        Error::Schema(errs) => errs.iter().map(|e| e.to_string()).collect(),
        other => vec![other.to_string()],
    }
}

#[test]
fn text_keys_without_a_word_get_a_field_name() {
    for key in ["-", "_", "--", "$"] {
        let code = generate(&format!("m = {{ \"{key}\": uint }}\n")).unwrap();
        assert!(code.contains("pub unnamed: u64"), "{key}: {code}");
    }
    assert_eq!(
        generate("m = { \"-\": uint, \"_\": uint }\n").unwrap_err(),
        ["t.cddl:1:18: two fields of `m` become the Rust field `unnamed`"]
    );
}

#[test]
fn deep_nesting_is_an_error_before_the_parser_runs() {
    let deep = |d: usize, open: &str, close: &str| format!("m = {}uint{}\n", open.repeat(d), close.repeat(d));
    // 8 deep still compiles (Open Screen nests 3 deep).
    generate(&deep(8, "[", "]")).unwrap();
    for (open, close) in [("[", "]"), ("(", ")"), ("{ a: ", " }"), ("[ 1*2 ", " ]")] {
        let errs = generate(&deep(40, open, close)).unwrap_err();
        let col = 5 + 8 * open.len();
        assert_eq!(
            errs,
            [format!("t.cddl:1:{col}: CDDL nested more than 8 deep (the parser's time doubles per level)")],
            "{open}"
        );
    }
    // Brackets in comments and strings do not count.
    let text = format!("; {}\nm = {{ \"{}\": uint }}\n", "[".repeat(50), "(".repeat(50));
    generate(&text).unwrap();
    // Line and column of the ninth bracket on a later line.
    let errs = generate(&format!("a = uint\nm =\n  {}uint{}\n", "[".repeat(9), "]".repeat(9))).unwrap_err();
    assert_eq!(errs, ["t.cddl:3:11: CDDL nested more than 8 deep (the parser's time doubles per level)"]);
}
