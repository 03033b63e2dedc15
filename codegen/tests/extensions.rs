//! Extension schemas: type keys must be extension keys (as for the derive), and a schema
//! compiled with `extends_openscreen` uses the standard names without copying their types.

use std::path::PathBuf;

use osmos_codegen::{Builder, Error};

/// Writes `text` to a file of its own and returns a builder for it; errors then name
/// `<dir>/<name>`, which the assertions strip back to `name`.
fn builder(name: &str, text: &str) -> (Builder, String) {
    let dir = std::env::temp_dir().join(format!("osmos-ext-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let prefix = format!("{}/", osmos_codegen::display(&dir));
    (Builder::new().cddl(&path), prefix)
}

fn errors(b: Builder, prefix: &str) -> Vec<String> {
    match b.generate() {
        Ok(_) => panic!("accepted"),
        Err(Error::Schema(errs)) => errs.iter().map(|e| e.to_string().replace(prefix, "")).collect(),
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

const MSG: &str = "{\n  0: uint ; x\n}\n";

#[test]
fn standard_type_key_is_rejected() {
    let (b, p) = builder("std-key.cddl", &format!("; type key 10\nmine = {MSG}"));
    assert_eq!(
        errors(b, &p),
        ["std-key.cddl:2:1: `mine`: type key 10 is taken by the standard Open Screen message `agent-info-request`"]
    );
}

#[test]
fn type_key_outside_the_extension_ranges_is_rejected() {
    let (b, p) = builder("range.cddl", &format!("; a comment first\n; type key 100\nmine = {MSG}"));
    assert_eq!(
        errors(b, &p),
        ["range.cddl:3:1: `mine`: type key 100 is outside the extension ranges (1 byte 49–63, 2 bytes \
          8193–16383, 4 bytes 536870913–1073741823); pick one inside them, or allow any key explicitly"]
    );
}

#[test]
fn every_range_is_accepted_and_any_key_on_request() {
    for key in [49u64, 63, 8193, 16383, (1 << 29) + 1, (1 << 30) - 1] {
        let (b, _) = builder(&format!("ok-{key}.cddl"), &format!("; type key {key}\nmine = {MSG}"));
        b.generate().unwrap_or_else(|e| panic!("{key}: {e}"));
    }
    let (b, _) = builder("any.cddl", &format!("; type key 10\nmine = {MSG}"));
    b.allow_any_type_key(true).generate().unwrap();
    // Even then a key must fit a QUIC varint (reported once, by the general check).
    let (b, p) = builder("zero.cddl", &format!("; type key 0\nmine = {MSG}"));
    assert_eq!(
        errors(b.allow_any_type_key(true), &p),
        ["zero.cddl:2:1: type key 0 of `mine` is outside 1…2^62−1 (a QUIC varint)"]
    );
}

#[test]
fn the_shipped_standard_keeps_compiling() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for (module, files) in osmos_codegen::shipped::SHIPPED {
        let files: Vec<String> = files.iter().map(|f| format!("{root}/{f}")).collect();
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        osmos_codegen::shipped::builder(module, &files).schema().unwrap_or_else(|e| panic!("{module}: {e}"));
    }
}

const VENDOR: &str = "\
; type key 50
caption-show-request = {
  request
  1: text ; caption
  2: microseconds ; duration
  ? 3: &result ; result
  ? 4: agent-capability ; needs
}
";

#[test]
fn standard_names_are_unresolved_without_extends() {
    let (b, p) = builder("plain.cddl", VENDOR);
    let errs = errors(b, &p);
    assert!(errs.contains(&"plain.cddl:5:6: unresolved name `microseconds`".to_owned()), "{errs:#?}");
}

#[test]
fn extension_refers_to_the_standard_types() {
    let (b, _) = builder("vendor.cddl", VENDOR);
    let b = b.extends_openscreen();
    let schema = b.schema().unwrap();
    // Every standard type is there for resolution, marked external; hoisted ones too.
    let external = |n: &str| schema.get(n).and_then(|t| t.external.clone());
    assert_eq!(external("microseconds").as_deref(), Some("::osmos::openscreen::Microseconds"));
    assert_eq!(external("result").as_deref(), Some("::osmos::openscreen::ResultType"));
    assert_eq!(
        external("agent-info-capabilities-item").or(external("agent-capability")).as_deref(),
        Some("::osmos::openscreen::AgentCapability")
    );
    assert_eq!(
        external("presentation-connection-message-message").as_deref(),
        Some("::osmos::openscreen::PresentationConnectionMessageMessage")
    );
    assert_eq!(schema.get("caption-show-request").unwrap().external, None);

    let text = b.generate().unwrap();
    for used in [
        "pub request_id: ::osmos::openscreen::RequestId,",
        "pub duration: ::osmos::openscreen::Microseconds,",
        "::core::option::Option<::osmos::openscreen::ResultType>",
        "::core::option::Option<::osmos::openscreen::AgentCapability>",
    ] {
        assert!(text.contains(used), "missing `{used}`");
    }
    // Nothing standard is copied: one struct, one message.
    assert_eq!(text.matches("pub struct ").count(), 1, "{text}");
    assert_eq!(text.matches("pub enum ").count(), 1, "{text}");
    assert!(text.contains("CaptionShowRequest(CaptionShowRequest<'a>)"));
    assert!(!text.contains("AgentInfoRequest"));
}

#[test]
fn extension_cannot_redefine_a_standard_rule() {
    let (b, p) = builder("redefine.cddl", "; type key 50\nmine = {\n  0: microseconds ; x\n}\n\nmicroseconds = int\n");
    assert_eq!(
        errors(b.extends_openscreen(), &p),
        ["redefine.cddl:6:1: `microseconds` is defined by the standard schema this one extends \
          (schemas/openscreen/application.cddl:46:1); an extension cannot redefine or extend a standard \
          rule, pick another name"]
    );
    let (b, p) = builder("alternate.cddl", "agent-capability /= &(teleport: 99)\n");
    let errs = errors(b.extends_openscreen(), &p);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with("alternate.cddl:1:1: `agent-capability` is defined by the standard schema"),
        "{errs:#?}"
    );
}

#[test]
fn extension_message_cannot_take_a_standard_key() {
    let (b, p) = builder("squat.cddl", &format!("; type key 11\nmine = {MSG}"));
    let errs = errors(b.extends_openscreen(), &p);
    assert!(
        errs.contains(
            &"squat.cddl:2:1: `mine`: type key 11 is taken by the standard Open Screen message `agent-info-response`"
                .to_owned()
        ),
        "{errs:#?}"
    );
}

#[test]
fn only_cddl_extends() {
    let err = Builder::new().xsd("x.xsd").extends_openscreen().schema().unwrap_err();
    assert_eq!(err.to_string(), "only a CDDL schema can extend the Open Screen schema");
}

#[test]
fn a_standard_message_under_its_own_name_and_key_is_no_squatter() {
    let (b, _) = builder("copy.cddl", "; type key 10\nagent-info-request = {\n  0: uint ; request-id\n}\n");
    b.generate().unwrap();
}

#[test]
fn keeping_unknown_keys_leaves_the_standard_types_alone() {
    let (b, _) = builder("keep.cddl", "; type key 50\nmine = {\n  0: agent-info-request ; inner\n}\n");
    let text = b.extends_openscreen().keep_unknown_keys(true).generate().unwrap();
    assert!(text.contains("pub inner: ::osmos::openscreen::AgentInfoRequest,"), "{text}");
    assert!(text.contains("pub unknown: ::osmos::cbor::UnknownKeys<'a>,"), "{text}");
}
