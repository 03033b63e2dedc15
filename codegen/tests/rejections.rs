//! What the generator cannot translate, or what a schema gets wrong, is an error naming the
//! file, line and column — never a panic, never silently wrong code.

use osmos_codegen::{cddl, check, ir::Source, Error};

fn errors(text: &str) -> Vec<String> {
    let sources = vec![Source { path: "t.cddl".into(), text: text.into() }];
    let result = cddl::compile("t", sources).and_then(|s| check::check(&s).map_err(Error::from));
    match result {
        Ok(()) => panic!("accepted:\n{text}"),
        Err(Error::Schema(errs)) => errs.iter().map(|e| e.to_string()).collect(),
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

fn assert_error(text: &str, expected: &str) {
    let errs = errors(text);
    assert!(errs.iter().any(|e| e == expected), "expected `{expected}`, got {errs:#?}");
}

#[test]
fn syntax_errors_have_line_and_column() {
    let errs = errors("a = {\n  0: uint ; x\n  1: (\n}\n");
    assert_eq!(errs, vec!["t.cddl:4:1: CDDL syntax: expected type value"]);
    assert!(errs[0].contains("CDDL syntax"), "{errs:?}");
}

#[test]
fn group_choices() {
    // In a map, alternatives must be told apart by a key or a key's value.
    assert_error(
        "m = {\n  (? a: uint) // (? a: text)\n}\n",
        "t.cddl:1:1: the map alternatives of `m` cannot be decoded: no key or key value tells the map alternatives `a`, `a-2` apart",
    );
    // A message is one map or array, not a choice of them.
    assert_error(
        "; type key 10\nm = {\n  0: uint // 1: text\n}\n",
        "t.cddl:2:1: message `m` must be a map or an array",
    );
    // In an array they are a choice of arrays, except inside a repeated group's alternative.
    assert_error(
        "m = [\n  * (uint, (text // bytes))\n]\n",
        "t.cddl:2:13: group choices (`//`) inside a repeated group are not supported; use a type choice of arrays",
    );
}

#[test]
fn a_renamed_value_that_meets_another_is_an_error() {
    // Next to `Infinity`, `-Infinity` is renamed `MinusInfinity`, which `minus-infinity` is too.
    let errs = errors("n = \"Infinity\" / \"-Infinity\" / \"minus-infinity\"\n");
    assert!(
        errs.iter().any(
            |e| e.ends_with("`-Infinity` and `minus-infinity` of `n` both become the Rust variant `MinusInfinity`")
        ),
        "{errs:#?}"
    );
}

#[test]
fn unwrapping_the_wrong_kind_of_rule() {
    assert_error(
        "a = { x: int }\nb = [ ~a ]\n",
        "t.cddl:2:7: `~a` is a map: its entries splice into a map, not an array",
    );
    assert_error("a = { ~a, x: int }\n", "t.cddl:1:7: `~a` unwraps a rule that contains itself");
}

#[test]
fn unsupported_control_operators() {
    assert_error(
        "m = {\n  0: uint .within flags ; f\n}\nflags = &(a: 0)\n",
        "t.cddl:2:6: control operator `.within` is not supported by the generator",
    );
}

#[test]
fn computed_keys() {
    // Two tables are two fields; their keys must start apart for a key to belong to one.
    assert_error(
        "m = {\n  * tstr => uint,\n  * text => int\n}\n",
        "t.cddl:3:3: the tables `text-entries` and `text-entries-2` of `m` both take keys of one CBOR major type: a key could belong to either",
    );
    assert_error(
        "m = {\n  * uint => uint,\n  * int => text\n}\n",
        "t.cddl:3:3: the tables `uint-entries` and `int-entries` of `m` both take keys of one CBOR major type: a key could belong to either",
    );
    assert_error("m = [\n  tstr => uint\n]\n", "t.cddl:2:3: computed keys (`K => V`) belong in maps, not arrays");
}

#[test]
fn unwrap_and_major_types() {
    assert_error("a = uint\nb = { x: ~a }\n", "t.cddl:2:10: the unwrap operator `~` works on tagged types (`~time`) and, as an entry of a map or array, on a map or array rule (`{ ~base, extra: int }`)");
    // `#0`–`#4` and `#7.20`–`#7.27` are the prelude's types (codegen/tests/golden/refused_before.cddl).
    // (`#6` alone is a tag without its number: "a tag needs a literal number".)
    for (written, instead) in [
        ("#5", "write the map: `{ * any => any }`"),
        ("#7", "write the value's type: `bool`, `null`, `undefined`, `float16` … (`#7.20`–`#7.27` are taken)"),
        ("#7.24", "write the value's type: `bool`, `null`, `undefined`, `float16` … (`#7.20`–`#7.27` are taken)"),
        ("#0.1", "only `#0`–`#4` without additional information have a Rust form: write a range or `.size` instead"),
    ] {
        assert_error(
            &format!("b = {{ 0: {written} ; x\n}}\n"),
            &format!("t.cddl:1:10: the major-type shorthand `{written}` has no Rust form here; {instead}"),
        );
    }
}

#[test]
fn unresolved_names() {
    assert_error("m = {\n  0: nothing-here ; x\n}\n", "t.cddl:2:6: unresolved name `nothing-here`");
}

#[test]
fn duplicate_type_keys() {
    assert_error(
        "; type key 12\na = { 0: uint ; x\n}\n; type key 12\nb = { 0: uint ; x\n}\n",
        "t.cddl:5:1: `b` reuses the type key 12 of `a`",
    );
}

#[test]
fn type_keys_out_of_range() {
    assert_error(
        "; type key 0\na = { 0: uint ; x\n}\n",
        "t.cddl:2:1: type key 0 of `a` is outside 1…2^62−1 (a QUIC varint)",
    );
    assert_error(
        "; type key 4611686018427387904\na = { 0: uint ; x\n}\n",
        "t.cddl:2:1: type key 4611686018427387904 of `a` is outside 1…2^62−1 (a QUIC varint)",
    );
}

#[test]
fn duplicate_field_keys() {
    assert_error("a = {\n  0: uint ; x\n  0: text ; y\n}\n", "t.cddl:3:3: field `y` of `a` reuses key 0 of `x`");
}

#[test]
fn messages_must_be_maps_or_arrays() {
    assert_error("; type key 10\na = uint\n", "t.cddl:2:1: message `a` must be a map or an array");
}

#[test]
fn repeated_map_entries() {
    assert_error("a = {\n  + 0: uint ; x\n}\n", "t.cddl:2:3: repeated entries (`*`, `+`, `n*m`) inside a map are not supported; wrap them in an array: `key: [* T]`");
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let errs = errors("a = { 0: x1 ; a\n}\nb = { 0: x2 ; b\n}\n");
    assert_eq!(errs.len(), 2, "{errs:?}");
}

#[test]
fn types_of_infinite_size() {
    assert_error(
        "a = {\n  0: b ; next\n}\nb = [a]\n",
        "t.cddl:1:1: `a` contains itself without an array in between; it would have infinite size",
    );
    // Rules naming each other, also as a map key: an error, not a stack overflow.
    assert_error(
        "a = b\nb = a\nm = { a => int }\n",
        "t.cddl:1:1: `a` contains itself without an array in between; it would have infinite size",
    );
    // Through an array it is fine: a tree.
    let sources = vec![Source { path: "t.cddl".into(), text: "tree = {\n  0: [* tree] ; children\n}\n".into() }];
    check::check(&cddl::compile("t", sources).unwrap()).unwrap();
}

#[test]
fn enumerations_of_floats_or_mixed_values() {
    assert_error(
        "m = 1.5 / 2.5\n",
        "t.cddl:1:1: enumeration `m` must list only integers (within 64 bits), only text strings or only byte strings",
    );
    assert_error(
        "m = 1 / \"a\"\n",
        "t.cddl:1:1: enumeration `m` must list only integers (within 64 bits), only text strings or only byte strings",
    );
}

#[test]
fn variants_that_collide_in_rust() {
    assert_error(
        "m = &(\n  big-one: 1\n  big_one: 2\n)\n",
        "t.cddl:1:1: `big-one` and `big_one` of `m` both become the Rust variant `BigOne`",
    );
}

/// Errors of a schema compiled for JSON texts (`JsonForm::Schema`), through the Builder.
fn json_errors(text: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("osmos-json-rejections-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.cddl");
    std::fs::write(&path, text).unwrap();
    let result = osmos_codegen::Builder::new().cddl(&path).json_form(osmos_codegen::JsonForm::Schema).generate();
    match result {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(Error::Schema(errs)) => {
            errs.iter().map(|e| e.to_string().replace(&format!("{}", path.display()), "t.cddl")).collect()
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

#[test]
fn what_json_cannot_hold() {
    let errs = json_errors(
        "m = {\n  1: text,\n  b: bytes,\n  t: #6.1(uint),\n  u: undefined,\n  ? w: { * int => text },\n}\n",
    );
    assert_eq!(
        errs,
        [
            "t.cddl:2:3: `m` field `key-1`: integer key 1: JSON member names are text",
            "t.cddl:3:3: `m` field `b`: a byte string: JSON has no byte strings",
            "t.cddl:4:3: `m` field `t`: tag 1: JSON has no tags",
            "t.cddl:5:3: `m` field `u`: `undefined`: JSON has no such value",
            "t.cddl:6:10: `m-w` table `entries`: its keys are not text: JSON member names are",
        ],
    );
    // The same schema compiles for CBOR, where all of it has a meaning.
    let dir = std::env::temp_dir().join(format!("osmos-json-rejections-{}", std::process::id()));
    assert!(osmos_codegen::Builder::new().cddl(dir.join("t.cddl")).generate().is_ok());
}

/// Maps with group choices nested in each other's alternatives multiply (64 alternatives per
/// level, five levels): the generator stops at a budget for the whole schema with an error,
/// where it would otherwise lower some 10^9 maps.
#[test]
fn nested_group_choices_stop_at_a_budget() {
    fn level(d: usize) -> String {
        let choices: Vec<String> = (0..6).map(|i| format!("(a{d}{i}: int // b{d}{i}: text)")).collect();
        let inner = if d < 4 { format!(", n: {}", level(d + 1)) } else { String::new() };
        format!("{{ {}{inner} }}", choices.join(", "))
    }
    let errs = errors(&format!("m = {}\n", level(0)));
    assert!(errs.iter().any(|e| e.contains("make more than 20000 alternatives")), "{errs:#?}");
}

#[test]
fn controls_that_have_no_meaning_on_their_type() {
    // RFC 8610 §3.8.6 compares numbers: on text it is an error, not a check that does not compile.
    assert_error(
        "a = [\n  name: text .le 4,\n]\n",
        "t.cddl:2:9: `.le` compares numbers, not text; to bound a length, use `.size (0..N)`",
    );
    assert_error(
        "a = [\n  b: bool .size 1,\n]\n",
        "t.cddl:2:6: `.size` applies to text, bytes and integers (RFC 8610 §3.8.1); this type is none of them",
    );
}

#[test]
fn errors_after_a_group_rule_without_parentheses_point_into_the_file() {
    // Parentheses are added around `g`'s body for the parser; positions stay the file's.
    assert_error("g = a: uint, b: text\nm = { g }\nn = { 1: nosuch }\n", "t.cddl:3:10: unresolved name `nosuch`");
    assert_error("g = a: uint,\n  b: text\nm = { g, 1: ( }\n", "t.cddl:3:15: CDDL syntax: expected type value");
}

#[test]
fn dialects_name_themselves_and_the_standard_spelling() {
    let errs = errors("a = [x: _CDDL_CODEGEN_EXTERN_TYPE_]\n");
    assert!(
        errs.iter()
            .any(|e| e.starts_with("t.cddl:1:9: `_CDDL_CODEGEN_EXTERN_TYPE_` is a marker of cddl-codegen (dcSpark)")
                && e.contains("Builder::replace")),
        "{errs:#?}"
    );
    let errs = errors("NOTE: '\\' line wrapping per RFC 8792\n\na = [uint,\\\n  text]\n");
    assert!(
        errs.iter().any(|e| e.starts_with("t.cddl:1:1: this file is folded for an RFC (RFC 8792 line wrapping)")),
        "{errs:#?}"
    );
}

#[test]
fn zcbor_dialect_names_zcbor_and_the_rfc_spelling() {
    // A label inside a type: in a type choice, as a map value, inside a tag, on an alternative.
    let label = "a label inside a type is zcbor's dialect, not RFC 8610 CDDL: name the entry that holds \
                 the type (`name: int`, `name: #6.0(tstr)`, `\"r\" => int`), and the values of a choice \
                 with an enumeration (`&(cat: 1, dog: 2)`)";
    assert_error("pet = [\n  name: tstr,\n  kind: (1 / (dog: 2)),\n]\n", &format!("t.cddl:3:14: `(dog:`: {label}"));
    assert_error("m = {\n  \"r\" : (result: int),\n}\n", &format!("t.cddl:2:9: `(result:`: {label}"));
    assert_error("s = [\n  #6.0(short: tstr),\n]\n", &format!("t.cddl:2:7: `(short:`: {label}"));
    assert_error("u = [\n  (u2: 3 / c4: 4)\n]\n", &format!("t.cddl:2:10: `/ c4:`: {label}"));
    // An occurrence after the label, and the older `**`.
    assert_error(
        "pet = [\n  names: +tstr,\n]\n",
        "t.cddl:2:3: `names: +`: an occurrence after the label is zcbor's dialect, not RFC 8610 CDDL: write it \
         before the entry (`+ names: tstr`, `? count: uint`, `3* flag: true`)",
    );
    assert_error(
        "l = [2**3 int]\n",
        "t.cddl:1:7: `**` is an occurrence of zcbor's older dialect, not RFC 8610 CDDL: write `n*m` (`2*3`)",
    );
    // The same shapes written as RFC 8610 compile.
    let sources = vec![Source {
        path: "t.cddl".into(),
        text: "pet = [\n  + names: tstr,\n  kind: &(cat: 1, dog: 2),\n  short: #6.0(tstr),\n]\nl = [2*3 int]\n\
               m = { \"r\" => int }\n"
            .into(),
    }];
    check::check(&cddl::compile("t", sources).unwrap()).unwrap();
}
