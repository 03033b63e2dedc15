//! `Builder` options, as prost-build and typify users expect them: several inputs per module,
//! output file name, module name, visibility, derives and attributes for all types or one,
//! renames, replacement types, JSON views. Each test looks at the generated text; the
//! `examples/newsroom` crate compiles a module built with these options (clippy-clean).

use std::path::PathBuf;

use osmos_codegen::{Builder, Error, JsonImpls};

const PING: &str = "; type key 50\nping = {\n  0: uint ; request-id\n  1: stamp ; sent\n}\nstamp = #6.1(uint)\n";
const PONG: &str = "; type key 51\npong = {\n  0: uint ; request-id\n  ? 1: text ; note\n}\n";

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("builder-options").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("ping.cddl"), PING).unwrap();
    std::fs::write(d.join("pong.cddl"), PONG).unwrap();
    d
}

fn text(b: Builder) -> String {
    b.generate().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn several_inputs_one_module_named_and_placed() {
    let d = dir("inputs");
    let path = Builder::new()
        .cddl(d.join("ping.cddl"))
        .cddl(d.join("pong.cddl"))
        .module("wire")
        .out_dir(d.join("out"))
        .file_name("wire_gen.rs")
        .compile()
        .unwrap();
    assert_eq!(path, d.join("out/wire_gen.rs"));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("pub struct Ping") && text.contains("pub struct Pong"));
    assert!(text.contains("Ping(Ping)") && text.contains("Pong(Pong<'a>)"), "one Message set for both files");
    // The default name is the first file's stem.
    assert_eq!(Builder::new().cddl(d.join("ping.cddl")).module_name(), "ping");
}

#[test]
fn visibility_applies_to_top_level_items() {
    let d = dir("vis");
    let t = text(Builder::new().cddl(d.join("ping.cddl")).visibility("pub(crate)"));
    assert!(t.contains("pub(crate) struct Ping"), "{t}");
    assert!(t.contains("pub(crate) enum Message"), "{t}");
    assert!(!t.contains("pub struct") && !t.contains("pub enum") && !t.contains("pub type"), "{t}");
    assert!(t.contains("#[allow(dead_code)]"));
    // Fields and methods stay `pub`: the type's visibility bounds them.
    assert!(t.contains("pub request_id: u64"));
    let err = Builder::new().cddl(d.join("ping.cddl")).visibility("public").generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("not a Rust visibility")), "{err}");
}

#[test]
fn derives_and_attributes_for_all_types_or_one() {
    let d = dir("attrs");
    let t = text(
        Builder::new()
            .cddl(d.join("ping.cddl"))
            .derive("Eq")
            .type_attribute("ping", "#[doc(alias = \"echo\")] #[must_use]"),
    );
    let ping = t.find("pub struct Ping").unwrap();
    let head = &t[..ping];
    assert!(head.rfind("#[derive(Eq)]").is_some() && head.rfind("#[must_use]").is_some(), "{t}");
    assert!(head.contains("#[doc(alias = \"echo\")]"));
    let message = t.find("pub enum Message").unwrap();
    assert_eq!(t.matches("#[derive(Eq)]").count(), 3, "Ping, Stamp (a tagged rule is a newtype) and Message");
    assert!(t[ping..message].contains("#[derive(Eq)]"), "every struct and enum, the Message set too");
    assert_eq!(t.matches("#[must_use]").count(), 1, "only on `ping`");
    let err = Builder::new().cddl(d.join("ping.cddl")).type_attribute("nope", "#[must_use]").generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("no type `nope`")), "{err}");
    let err = Builder::new().cddl(d.join("ping.cddl")).type_attribute(".", "derive(Eq)").generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("is not an attribute")), "{err}");
}

#[test]
fn renames_change_the_identifier_and_every_reference() {
    let d = dir("rename");
    let t = text(Builder::new().cddl(d.join("ping.cddl")).rename("ping", "Probe").rename("stamp", "Stamp64"));
    assert!(t.contains("pub struct Probe") && !t.contains("struct Ping"), "{t}");
    assert!(t.contains("pub struct Stamp64(pub u64)"), "{t}");
    assert!(t.contains("pub sent: Stamp64"), "{t}");
    assert!(t.contains("Probe(Probe)"), "the Message variant follows: {t}");
    let err = Builder::new().cddl(d.join("ping.cddl")).rename("Ping", "X").generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("no type `Ping`")), "{err}");
    let err = Builder::new().cddl(d.join("ping.cddl")).rename("ping", "not an ident").generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("not a Rust identifier")), "{err}");
}

#[test]
fn replacement_types_are_referred_to_not_generated() {
    let d = dir("replace");
    let with_sender =
        format!("{PING}; type key 52\nhello = {{\n  0: sender ; from\n}}\nsender = {{\n  0: text ; name\n}}\n");
    std::fs::write(d.join("hello.cddl"), with_sender).unwrap();
    let t = text(Builder::new().cddl(d.join("hello.cddl")).replace("sender", "crate::people::Sender"));
    assert!(!t.contains("pub struct Sender"), "{t}");
    assert!(t.contains("pub from: crate::people::Sender<'a>"), "the lifetime follows the schema type: {t}");
    let err = Builder::new().cddl(d.join("ping.cddl")).replace("ping", "not a path!").generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("not a Rust path")), "{err}");
}

#[test]
fn json_views_are_opt_in() {
    let d = dir("json");
    let off = text(Builder::new().cddl(d.join("ping.cddl")));
    assert!(!off.contains("ToJson"), "no JSON views by default: the module needs only `osmos`");
    assert!(!off.contains("cfg(feature"), "no feature gates the including crate would have to declare");
    let on = text(Builder::new().cddl(d.join("ping.cddl")).json(JsonImpls::On));
    assert!(on.contains("::osmos::json::ToJson") && !on.contains("cfg(feature"), "{on}");
    let gated = text(Builder::new().cddl(d.join("ping.cddl")).json(JsonImpls::Feature("wire-json".into())));
    assert!(gated.contains("#[cfg(feature = \"wire-json\")]"));
}

#[test]
fn owned_types_have_no_lifetime_and_copy_what_they_read() {
    let d = dir("owned");
    let borrowed = text(Builder::new().cddl(d.join("pong.cddl")));
    assert!(borrowed.contains("pub struct Pong<'a>"), "{borrowed}");
    assert!(borrowed.contains("note: ::core::option::Option<::std::borrow::Cow<'a, str>>"), "{borrowed}");
    let owned = text(Builder::new().cddl(d.join("pong.cddl")).owned(true));
    assert!(owned.contains("pub struct Pong {"), "{owned}");
    assert!(owned.contains("note: ::core::option::Option<::std::borrow::Cow<'static, str>>"), "{owned}");
    assert!(owned.contains(".map(::osmos::cbor::IntoOwned::into_owned)"), "{owned}");
    assert!(owned.contains("pub enum Message {"), "{owned}");
    assert!(!owned.contains("Pong<'a>") && !owned.contains("Message<'a>"), "no type takes a lifetime: {owned}");

    let err = Builder::new().cddl(d.join("pong.cddl")).owned(true).derive_form(true).generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("derive form")), "{err}");
    let err = Builder::new().cddl(d.join("pong.cddl")).owned(true).extends_openscreen().generate().unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m.contains("extends_openscreen")), "{err}");
}
