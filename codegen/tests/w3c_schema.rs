//! The project's own Open Screen schema (`schemas/openscreen/*.cddl`) against the CDDL the W3C
//! publishes (`shared/corpus/openscreen/`, commit 84c3e07 of w3c/openscreenprotocol).
//!
//! Our files are written by hand, with documentation, so this test is what keeps them honest:
//! compiled, they must describe exactly the same wire format as the W3C files (type names, type
//! keys, kinds, layouts, field keys, occurrences, value types, enum values). Docs and source
//! spans are ignored, and field names are compared after snake-casing (W3C writes
//! `playbackRate`, we write `playback-rate`; both become `playback_rate`).
//!
//! The W3C corpus lives next to the repository, not in it: without it these comparisons print
//! why they are skipped and pass, so a fresh clone still passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use osmos_codegen::ir::{Field, Key, MessageKey, Schema, TypeDef, TypeKind};
use osmos_codegen::rust::naming::field_name;

/// The 47 Open Screen messages of the 2024-09+ schema: type key, rule name, and whether the
/// Network Protocol's file holds it (the rest are the Application Protocol's).
const MESSAGES: &[(u64, &str, bool)] = &[
    (10, "agent-info-request", false),
    (11, "agent-info-response", false),
    (12, "agent-status-request", false),
    (13, "agent-status-response", false),
    (14, "presentation-url-availability-request", false),
    (15, "presentation-url-availability-response", false),
    (16, "presentation-connection-message", false),
    (17, "remote-playback-availability-request", false),
    (18, "remote-playback-availability-response", false),
    (19, "remote-playback-modify-request", false),
    (20, "remote-playback-modify-response", false),
    (21, "remote-playback-state-event", false),
    (22, "audio-frame", false),
    (23, "video-frame", false),
    (24, "data-frame", false),
    (103, "presentation-url-availability-event", false),
    (104, "presentation-start-request", false),
    (105, "presentation-start-response", false),
    (106, "presentation-termination-request", false),
    (107, "presentation-termination-response", false),
    (108, "presentation-termination-event", false),
    (109, "presentation-connection-open-request", false),
    (110, "presentation-connection-open-response", false),
    (113, "presentation-connection-close-event", false),
    (114, "remote-playback-availability-event", false),
    (115, "remote-playback-start-request", false),
    (116, "remote-playback-start-response", false),
    (117, "remote-playback-termination-request", false),
    (118, "remote-playback-termination-response", false),
    (119, "remote-playback-termination-event", false),
    (120, "agent-info-event", false),
    (121, "presentation-change-event", false),
    (122, "streaming-capabilities-request", false),
    (123, "streaming-capabilities-response", false),
    (124, "streaming-session-start-request", false),
    (125, "streaming-session-start-response", false),
    (126, "streaming-session-modify-request", false),
    (127, "streaming-session-modify-response", false),
    (128, "streaming-session-terminate-request", false),
    (129, "streaming-session-terminate-response", false),
    (130, "streaming-session-terminate-event", false),
    (131, "streaming-session-sender-stats-event", false),
    (132, "streaming-session-receiver-stats-event", false),
    (1001, "auth-capabilities", true),
    (1003, "auth-spake2-confirmation", true),
    (1004, "auth-status", true),
    (1005, "auth-spake2-handshake", true),
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Our schema files, in the repository.
fn ours(file: &str) -> PathBuf {
    manifest_dir().join("../schemas/openscreen").join(file)
}

/// The W3C corpus directory, or `None` (with the reason printed) when it is not there.
fn w3c_dir() -> Option<PathBuf> {
    let dir = manifest_dir().join("../../shared/corpus/openscreen");
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() {
        panic!("the W3C corpus ({}) is absent, and OSMOS_REQUIRE_CORPUS is set (.ci/run)", dir.display())
    } else {
        eprintln!("skipped: the W3C corpus ({}) is not present; only a full checkout has it", dir.display());
        None
    }
}

fn compile(name: &str, files: &[PathBuf]) -> Schema {
    let sources = osmos_codegen::read_all(files).unwrap_or_else(|e| panic!("reading {files:?}: {e}"));
    let schema = osmos_codegen::cddl::compile(name, sources).unwrap_or_else(|e| panic!("compiling {files:?}:\n{e}"));
    if let Err(errors) = osmos_codegen::check::check(&schema) {
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        panic!("checking {files:?}:\n{}", text.join("\n"));
    }
    schema
}

fn w3c_split(dir: &Path) -> Schema {
    compile("openscreen", &[dir.join("network_messages.cddl"), dir.join("application_messages.cddl")])
}

fn our_schema() -> Schema {
    compile("openscreen", &[ours("network.cddl"), ours("application.cddl")])
}

/// Type key → type name of every message in the schema.
fn type_keys(schema: &Schema) -> BTreeMap<u64, String> {
    let mut keys = BTreeMap::new();
    for (t, key) in schema.messages() {
        match key {
            MessageKey::TypeKey(k) => {
                if let Some(old) = keys.insert(*k, t.name.clone()) {
                    panic!("type key {k} is on both `{old}` and `{}`", t.name);
                }
            }
            MessageKey::Element(e) => panic!("`{}` has an XML element key `{e}` in a CDDL schema", t.name),
        }
    }
    keys
}

fn expected_keys(filter: impl Fn(bool) -> bool) -> BTreeMap<u64, String> {
    MESSAGES.iter().filter(|(_, _, network)| filter(*network)).map(|(k, n, _)| (*k, n.to_string())).collect()
}

fn assert_keys(what: &str, schema: &Schema, expected: &BTreeMap<u64, String>) {
    let got = type_keys(schema);
    let mut diffs = Vec::new();
    for (k, name) in expected {
        match got.get(k) {
            None => diffs.push(format!("type key {k} (`{name}`) is missing")),
            Some(n) if n != name => diffs.push(format!("type key {k} is on `{n}`, expected `{name}`")),
            Some(_) => {}
        }
    }
    for (k, name) in &got {
        if !expected.contains_key(k) {
            diffs.push(format!("unexpected type key {k} on `{name}`"));
        }
    }
    assert!(
        diffs.is_empty(),
        "{what}: {} type keys, expected {}:\n  {}",
        got.len(),
        expected.len(),
        diffs.join("\n  ")
    );
}

/// Every integer-keyed field must take its name from the trailing `; name` comment; the front
/// end names a field `key-N` only when that comment is missing.
fn assert_named_fields(what: &str, schema: &Schema) {
    let mut unnamed = Vec::new();
    let mut int_fields = 0;
    for t in &schema.types {
        let TypeKind::Struct(s) = &t.kind else { continue };
        for f in &s.fields {
            if let Key::Int(k) = f.key {
                int_fields += 1;
                if f.name.starts_with("key-") {
                    unnamed.push(format!("`{}` key {k} is named `{}`", t.name, f.name));
                }
            }
        }
    }
    assert!(int_fields > 0, "{what}: no integer-keyed fields at all");
    assert!(unnamed.is_empty(), "{what}: fields without a name comment:\n  {}", unnamed.join("\n  "));
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Choice(_) => "choice",
        TypeKind::Alias(_) => "alias",
    }
}

/// Compares two schemas on the wire format only; returns one line per difference.
fn wire_diff(a_name: &str, a: &Schema, b_name: &str, b: &Schema) -> Vec<String> {
    let mut diffs = Vec::new();
    let a_types: BTreeMap<&str, &TypeDef> = a.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let b_types: BTreeMap<&str, &TypeDef> = b.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for name in a_types.keys().filter(|n| !b_types.contains_key(*n)) {
        diffs.push(format!("type `{name}` is in {a_name} but not in {b_name}"));
    }
    for name in b_types.keys().filter(|n| !a_types.contains_key(*n)) {
        diffs.push(format!("type `{name}` is in {b_name} but not in {a_name}"));
    }
    for (name, ta) in &a_types {
        let Some(tb) = b_types.get(name) else { continue };
        if ta.message != tb.message {
            diffs
                .push(format!("type `{name}`: message key {:?} in {a_name}, {:?} in {b_name}", ta.message, tb.message));
        }
        match (&ta.kind, &tb.kind) {
            (TypeKind::Struct(sa), TypeKind::Struct(sb)) => {
                if sa.layout != sb.layout {
                    diffs.push(format!(
                        "type `{name}`: layout {:?} in {a_name}, {:?} in {b_name}",
                        sa.layout, sb.layout
                    ));
                }
                diff_fields(name, a_name, &sa.fields, b_name, &sb.fields, &mut diffs);
            }
            (TypeKind::Enum(ea), TypeKind::Enum(eb)) => {
                let va: Vec<_> = ea.variants.iter().map(|v| (&v.name, &v.value)).collect();
                let vb: Vec<_> = eb.variants.iter().map(|v| (&v.name, &v.value)).collect();
                if va != vb {
                    diffs.push(format!("enum `{name}`: variants {va:?} in {a_name}, {vb:?} in {b_name}"));
                }
            }
            (TypeKind::Choice(ca), TypeKind::Choice(cb)) => {
                let va: Vec<_> = ca.variants.iter().map(|v| (&v.name, &v.ty, &v.element)).collect();
                let vb: Vec<_> = cb.variants.iter().map(|v| (&v.name, &v.ty, &v.element)).collect();
                if va != vb {
                    diffs.push(format!("choice `{name}`: variants {va:?} in {a_name}, {vb:?} in {b_name}"));
                }
            }
            (TypeKind::Alias(ya), TypeKind::Alias(yb)) => {
                if ya != yb {
                    diffs.push(format!("alias `{name}`: {ya:?} in {a_name}, {yb:?} in {b_name}"));
                }
            }
            (ka, kb) => {
                diffs.push(format!("type `{name}`: a {} in {a_name}, a {} in {b_name}", kind_name(ka), kind_name(kb)))
            }
        }
    }
    diffs
}

fn diff_fields(ty: &str, a_name: &str, a: &[Field], b_name: &str, b: &[Field], diffs: &mut Vec<String>) {
    let by_key = |fields: &[Field]| -> BTreeMap<Key, usize> {
        fields.iter().enumerate().map(|(i, f)| (f.key.clone(), i)).collect()
    };
    let (ka, kb) = (by_key(a), by_key(b));
    if ka.len() != a.len() || kb.len() != b.len() {
        diffs.push(format!("type `{ty}`: duplicate field keys ({a_name}: {}, {b_name}: {})", a.len(), b.len()));
    }
    let keys: BTreeSet<&Key> = ka.keys().chain(kb.keys()).collect();
    for key in keys {
        let (fa, fb) = match (ka.get(key), kb.get(key)) {
            (Some(&i), Some(&j)) => (&a[i], &b[j]),
            (Some(&i), None) => {
                diffs.push(format!("type `{ty}`: field {key:?} (`{}`) is in {a_name} but not in {b_name}", a[i].name));
                continue;
            }
            (None, Some(&j)) => {
                diffs.push(format!("type `{ty}`: field {key:?} (`{}`) is in {b_name} but not in {a_name}", b[j].name));
                continue;
            }
            (None, None) => unreachable!(),
        };
        let at = format!("type `{ty}` field {key:?} (`{}`)", fa.name);
        if field_name(&fa.name) != field_name(&fb.name) {
            diffs.push(format!("{at}: named `{}` in {a_name}, `{}` in {b_name}", fa.name, fb.name));
        }
        if fa.occur != fb.occur {
            diffs.push(format!("{at}: occurrence {:?} in {a_name}, {:?} in {b_name}", fa.occur, fb.occur));
        }
        if fa.ty != fb.ty {
            diffs.push(format!("{at}: type {:?} in {a_name}, {:?} in {b_name}", fa.ty, fb.ty));
        }
    }
    // Declaration order is the order of the Rust struct's fields (and of an array's items).
    let order = |fields: &[Field]| fields.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
    if ka.keys().eq(kb.keys()) && order(a) != order(b) {
        diffs.push(format!("type `{ty}`: field order {:?} in {a_name}, {:?} in {b_name}", order(a), order(b)));
    }
}

fn assert_same_wire(a_name: &str, a: &Schema, b_name: &str, b: &Schema) {
    let diffs = wire_diff(a_name, a, b_name, b);
    assert!(
        diffs.is_empty(),
        "{a_name} and {b_name} differ on the wire ({} differences):\n  {}",
        diffs.len(),
        diffs.join("\n  ")
    );
}

#[test]
fn ours_describe_the_w3c_wire_format() {
    let Some(dir) = w3c_dir() else { return };
    let w3c = w3c_split(&dir);
    let ours = our_schema();
    assert_same_wire("W3C network+application", &w3c, "schemas/openscreen", &ours);
}

#[test]
fn w3c_split_files_have_47_type_keys_and_named_fields() {
    let Some(dir) = w3c_dir() else { return };
    let network = compile("network", &[dir.join("network_messages.cddl")]);
    assert_keys("W3C network_messages.cddl", &network, &expected_keys(|n| n));
    assert_eq!(type_keys(&network).len(), 4);
    assert_named_fields("W3C network_messages.cddl", &network);

    let application = compile("application", &[dir.join("application_messages.cddl")]);
    assert_keys("W3C application_messages.cddl", &application, &expected_keys(|n| !n));
    assert_eq!(type_keys(&application).len(), 43);
    assert_named_fields("W3C application_messages.cddl", &application);

    let both = w3c_split(&dir);
    assert_keys("W3C network+application", &both, &expected_keys(|_| true));
    assert_eq!(type_keys(&both).len(), 47);
}

#[test]
fn our_files_have_47_type_keys_and_named_fields() {
    let network = compile("network", &[ours("network.cddl")]);
    assert_keys("schemas/openscreen/network.cddl", &network, &expected_keys(|n| n));
    assert_eq!(type_keys(&network).len(), 4);
    assert_named_fields("schemas/openscreen/network.cddl", &network);

    let application = compile("application", &[ours("application.cddl")]);
    assert_keys("schemas/openscreen/application.cddl", &application, &expected_keys(|n| !n));
    assert_eq!(type_keys(&application).len(), 43);
    assert_named_fields("schemas/openscreen/application.cddl", &application);

    let both = our_schema();
    assert_keys("schemas/openscreen", &both, &expected_keys(|_| true));
    assert_eq!(type_keys(&both).len(), 47);
}

#[test]
fn w3c_appendix_has_the_same_47_type_keys() {
    let Some(dir) = w3c_dir() else { return };
    let appendix = compile("openscreen", &[dir.join("messages_appendix.cddl")]);
    assert_keys("W3C messages_appendix.cddl", &appendix, &expected_keys(|_| true));
    assert_eq!(type_keys(&appendix).len(), 47);
    assert_named_fields("W3C messages_appendix.cddl", &appendix);
    // The single-file appendix is the split files with the auth block moved (osp.md §1.1).
    assert_same_wire("W3C messages_appendix.cddl", &appendix, "W3C network+application", &w3c_split(&dir));
}

/// The comparison itself must notice a difference, or the tests above prove nothing.
#[test]
fn wire_diff_reports_a_changed_field() {
    let ours = our_schema();
    let mut changed = ours.clone();
    let t = changed.types.iter_mut().find(|t| t.name == "presentation-connection-close-event").expect("type");
    let TypeKind::Struct(s) = &mut t.kind else { panic!("not a struct") };
    let f = s.fields.iter_mut().find(|f| f.key == Key::Int(2)).expect("field 2");
    f.key = Key::Int(4);
    let diffs = wire_diff("a", &ours, "b", &changed);
    assert_eq!(
        diffs,
        [
            "type `presentation-connection-close-event`: field Int(2) (`error-message`) is in a but not in b",
            "type `presentation-connection-close-event`: field Int(4) (`error-message`) is in b but not in a",
        ]
    );
    assert!(wire_diff("a", &ours, "b", &ours).is_empty());

    let mut changed = ours.clone();
    let t = changed.types.iter_mut().find(|t| t.name == "remote-playback-state").expect("type");
    let TypeKind::Struct(s) = &mut t.kind else { panic!("not a struct") };
    let f = s.fields.iter_mut().find(|f| f.key == Key::Int(5)).expect("field 5");
    f.ty.nullable = false;
    let diffs = wire_diff("a", &ours, "b", &changed);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert!(diffs[0].starts_with("type `remote-playback-state` field Int(5) (`epoch`): type "), "{}", diffs[0]);
}
