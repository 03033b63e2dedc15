//! The zoo's schemas, shared by `build.rs` (which generates and compiles them) and the tests
//! (which rebuild their IR for instances). Each schema puts one construct in every position a
//! field type can take, or names fields and rules after what the generated code or Rust
//! already uses.

/// Field types: every construct of RFC 8610 the generator translates, and some it may refuse
/// (a refusal is a clean error, which the tests check too).
pub const CONSTRUCTS: &[&str] = &[
    "uint",
    "int",
    "nint",
    "text",
    "bstr",
    "bool",
    "float16",
    "float32",
    "float64",
    "any",
    "null",
    "undefined",
    "uint / null",
    "text / null",
    "[* uint]",
    "[+ text]",
    "[2*3 bstr]",
    "{ * text => uint }",
    "{ a: uint, ? b: text }",
    "{ 1: uint, * int => text }",
    "[uint, text]",
    "[uint, ? text]",
    "[* [uint, text]]",
    "[* { x: uint }]",
    "#6.24(bstr)",
    "#6.1(int)",
    "#6.13(#6.11(uint))",
    "#6.5([uint, text])",
    "\"a\" / \"b\"",
    "1 / 2 / 3",
    "-1 / 1",
    "uint / text",
    "text / bstr / [* uint]",
    "0..10",
    "-5..5",
    "0.0..1.0",
    "uint .size 2",
    "int .size 1",
    "nint .size 2",
    "text .size (1..5)",
    "bstr .size 4",
    "uint .lt 10",
    "int .ge -3",
    "float .le 2.5",
    "text .regexp \"[a-z]+\"",
    "bstr .cbor uint",
    "bstr .cborseq uint",
    "uint .default 3",
    "tdate",
    "time",
    "uri",
    "number",
    "biguint",
    "bigint",
    "decfrac",
    "encoded-cbor",
    "&(a: 1, b: 2)",
    "true",
    "false",
    "1.5",
    "h'01' / h'02'",
    "\"a\" / \"b\" / \"a\"",
    "uint .bits flags",
    "any / uint",
    "{ x: uint } / { x: uint }",
    "[uint] / [uint, ? text]",
];

/// Field names: Rust keywords, prelude names, and the generated code's own locals.
pub const FIELD_NAMES: &[&str] = &[
    "type", "self", "super", "crate", "fn", "match", "loop", "async", "await", "dyn", "move", "ref", "static",
    "struct", "trait", "unsafe", "use", "where", "while", "box", "yield", "try", "abstract", "become", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "gen", "union", "mod", "pub", "impl", "let", "mut",
    "return", "in", "for", "if", "else", "as", "break", "continue", "const", "enum", "extern", "Result", "Option",
    "Some", "None", "Ok", "Vec", "String", "Cow", "core", "std", "osmos", "alloc", "_", "_1", "@a", "a.b", "d", "e",
    "v", "x", "m", "obj", "seq", "more", "map", "field", "key-pos", "start", "len", "out", "value", "table", "kept",
    "unknown", "entries", "f_x", "pos", "err", "i", "k", "n", "s", "w", "de", "ser", "fmt", "into", "from",
];

/// Rule names: Rust's prelude and derive names, the runtime's names, primitive type names.
pub const RULE_NAMES: &[&str] = &[
    "Result",
    "Option",
    "Box",
    "Vec",
    "String",
    "Cow",
    "Self",
    "Sized",
    "Send",
    "Sync",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Fn",
    "From",
    "Into",
    "Iterator",
    "PartialEq",
    "Eq",
    "Hash",
    "ToString",
    "Decode",
    "Encode",
    "Decoder",
    "Enc",
    "IntoOwned",
    "Nullable",
    "ToJson",
    "FromJson",
    "Value",
    "Map",
    "type",
    "crate",
    "super",
    "std",
    "core",
    "osmos",
    "_",
    "u64",
    "i64",
    "str",
    "f64",
    "usize",
    "Message",
    "Keyed",
];

/// Each construct in every position: map values under integer and text keys (required and
/// optional), array items, list items, a choice of the map and the array. JSON texts have text
/// member names only, so their variant of the schema leaves the integer keys out.
pub fn construct_schema(ty: &str, json: bool) -> String {
    let int_keys = if json { String::new() } else { format!("0: {ty}, ? 1: {ty}, ") };
    format!(
        "flags = &(a: 0, b: 1)\n\
         top-map = {{ {int_keys}\"d\": {ty}, ? \"e\": {ty} }}\n\
         top-array = [d: {ty}, e: {ty}, ? v: {ty}]\n\
         top-holder = {{ \"items\": [* {ty}] }}\n\
         top-choice = top-map / top-array\n"
    )
}

/// Every field name in a map and in an array, and every rule name as a type of its own.
pub fn names_schema(part: usize, json: bool) -> String {
    let types = ["uint", "text", "bstr", "[* uint]", "int / null"];
    let types = if json { &types[..2] } else { &types[..] };
    let fields: Vec<String> =
        FIELD_NAMES.iter().enumerate().map(|(i, n)| format!("{n}: {}", types[i % types.len()])).collect();
    match part {
        0 => format!("top-map = {{\n  {}\n}}\n", fields.join(",\n  ")),
        1 => format!("top-array = [\n  {}\n]\n", fields.join(",\n  ")),
        _ => {
            let mut out = String::from("top-array = [\n");
            for (i, r) in RULE_NAMES.iter().enumerate() {
                out += &format!("  f{i}: {r},\n");
            }
            out += "]\n";
            for (i, r) in RULE_NAMES.iter().enumerate() {
                let next = RULE_NAMES[(i + 1) % RULE_NAMES.len()];
                out += &match (i % 4, json) {
                    (0, false) => format!("{r} = {{ 0: uint, ? 1: {next} }}\n"),
                    (0, true) => format!("{r} = {{ \"a\": uint, ? \"b\": {next} }}\n"),
                    (1, _) => format!("{r} = [d: uint, e: text]\n"),
                    (2, _) => format!("{r} = \"a\" / \"b\"\n"),
                    (_, false) => format!("{r} = #6.{}(uint)\n", 100 + i),
                    (_, true) => format!("{r} = uint .le {}\n", 100 + i),
                };
            }
            out
        }
    }
}

/// Every schema of the zoo: (module name, CDDL text, modes it is generated in).
pub fn schemas() -> Vec<(String, String, &'static [&'static str])> {
    let cbor: &[&str] = &["view", "owned", "derive"];
    let json: &[&str] = &["text"];
    let mut out = Vec::new();
    for (i, ty) in CONSTRUCTS.iter().enumerate() {
        out.push((format!("construct_{i:02}"), construct_schema(ty, false), cbor));
        out.push((format!("construct_{i:02}_json"), construct_schema(ty, true), json));
    }
    for part in 0..3 {
        out.push((format!("names_{part}"), names_schema(part, false), cbor));
        out.push((format!("names_{part}_json"), names_schema(part, true), json));
    }
    out
}
