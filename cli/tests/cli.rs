//! The `osmos` binary end to end: decode → encode gives the same bytes, errors exit non-zero
//! with the failing path, and `generate --check` agrees with the checked-in bindings.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn osmos(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run osmos");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

const FRAMES: &str = "0ba2000101a5006e4c6976696e6720526f6f6d20545601674d6f64656c205802840102030503686142336445366748048265656e2d55536566722d4652\n10a2000101626869\n";

#[test]
fn decode_then_encode_gives_the_same_bytes() {
    let decoded = osmos(&["decode", "openscreen", "-"], FRAMES);
    assert!(decoded.status.success(), "{}", String::from_utf8_lossy(&decoded.stderr));
    let json = String::from_utf8(decoded.stdout).unwrap();
    assert!(json.contains("\"display-name\": \"Living Room TV\""), "{json}");
    assert!(json.contains("\"message\": \"presentation-connection-message\""), "{json}");
    let encoded = osmos(&["encode", "openscreen", "-"], &json);
    assert!(encoded.status.success(), "{}", String::from_utf8_lossy(&encoded.stderr));
    assert_eq!(String::from_utf8(encoded.stdout).unwrap(), FRAMES.replace(' ', ""));
}

#[test]
fn invalid_input_exits_non_zero_with_the_path() {
    let out = osmos(&["decode", "openscreen", "-"], "4079a2006170016131");
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("presentation-change-event.connection-count"), "{err}");

    let out = osmos(&["encode", "openscreen", "-"], r#"{"message": "agent-info-request", "body": {}}"#);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("request-id"));

    let out = osmos(&["decode", "openscreen", "-"], "0aa1");
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("ends inside the frame"));
}

#[test]
fn generated_bindings_are_fresh() {
    let out = osmos(&["generate", "--check"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn generate_compiles_any_cddl_into_a_module() {
    let dir = std::env::temp_dir().join(format!("osmos-cli-test-{}", std::process::id()));
    let cddl = dir.join("ext.cddl");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&cddl, "; type key 50\nping = {\n  0: uint ; seq\n}\n").unwrap();
    let out = osmos(&["generate", "--cddl", cddl.to_str().unwrap(), "--out", dir.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.join("ext.rs")).unwrap();
    assert!(text.contains("pub struct Ping"));
    assert!(text.contains("const TYPE_KEY: u64 = 50u64;"));

    std::fs::write(&cddl, "ping = {\n  0: nope ; seq\n}\n").unwrap();
    let out = osmos(&["generate", "--cddl", cddl.to_str().unwrap(), "--out", dir.to_str().unwrap()], "");
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("error: unresolved name `nope`") && err.contains("--> ") && err.contains("ext.cddl:2:6"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn osmos_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run osmos");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

const MOS: &str = "<mos><ncsID>NCS</ncsID><mosID>m.example</mosID><messageID>0x0A</messageID>\
<roReq><roID>RO 1</roID></roReq></mos>";

#[test]
fn mos_utf16_decodes_to_json_and_encodes_back_in_spec_order() {
    let utf16: Vec<u8> = MOS.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let decoded = osmos_bytes(&["decode", "mos", "-"], &utf16);
    assert!(decoded.status.success(), "{}", String::from_utf8_lossy(&decoded.stderr));
    let json = String::from_utf8(decoded.stdout).unwrap();
    assert!(json.contains("\"roID\": \"RO 1\""), "{json}");
    let xml = osmos(&["encode", "mos", "-"], &json);
    assert!(xml.status.success(), "{}", String::from_utf8_lossy(&xml.stderr));
    assert_eq!(
        String::from_utf8(xml.stdout).unwrap().trim_end(),
        "<mos><mosID>m.example</mosID><ncsID>NCS</ncsID><messageID>10</messageID><roReq><roID>RO 1</roID></roReq></mos>"
    );
    let wire = osmos(&["encode", "mos", "-", "--utf16"], &json);
    assert!(wire.status.success());
    assert_eq!(&wire.stdout[..4], &[0, b'<', 0, b'm'], "UTF-16BE without BOM");
}

#[test]
fn mos_strict_decoding_lists_deviations_and_fails() {
    let out = osmos(&["decode", "mos", "-", "--strict"], MOS);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("mosID"), "{err}");
}

#[test]
fn generate_writes_the_derive_form_on_request() {
    let dir = std::env::temp_dir().join(format!("osmos-cli-derive-{}", std::process::id()));
    let cddl = dir.join("vendor.cddl");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&cddl, "; type key 50\nping = {\n  0: uint ; seq\n  ? \"note\": text .size (0..16)\n}\n").unwrap();
    let args = ["generate", "--cddl", cddl.to_str().unwrap(), "--out", dir.to_str().unwrap(), "--derive-form"];
    let out = osmos(&args, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.join("vendor.rs")).unwrap();
    for expected in [
        "#[derive(Debug, Clone, PartialEq, ::osmos::Message)]",
        "#[osmos(name = \"ping\", type_key = 50)]",
        "#[osmos(key = 0, name = \"seq\")]",
        "pub seq: u64,",
        "#[osmos(key = \"note\", name = \"note\", size(min = 0, max = 16))]",
        "pub note: Option<Cow<'a, str>>,",
        "#[derive(Debug, Clone, PartialEq, ::osmos::Messages)]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("impl"), "the derive form holds no impls:\n{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn generate_writes_owned_types_on_request() {
    let dir = std::env::temp_dir().join(format!("osmos-cli-owned-{}", std::process::id()));
    let xsd = dir.join("notice.xsd");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        &xsd,
        r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="notice"><xs:complexType><xs:sequence><xs:element name="text" type="xs:string"/></xs:sequence></xs:complexType></xs:element></xs:schema>"#,
    )
    .unwrap();
    let args = ["generate", "--xsd", xsd.to_str().unwrap(), "--out", dir.to_str().unwrap(), "--owned"];
    let out = osmos(&args, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.join("notice.rs")).unwrap();
    assert!(text.contains("pub struct Notice {"), "{text}");
    assert!(text.contains("pub text: ::std::borrow::Cow<'static, str>,"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn generate_writes_json_text_impls_for_a_schema_that_describes_json() {
    let dir = std::env::temp_dir().join(format!("osmos-cli-json-form-{}", std::process::id()));
    let cddl = dir.join("shapes.cddl");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&cddl, "shape = circle / square\ncircle = { type: \"circle\", r: float }\nsquare = { type: \"square\", side: float }\n")
        .unwrap();
    let args = ["generate", "--cddl", cddl.to_str().unwrap(), "--out", dir.to_str().unwrap(), "--json-form", "schema"];
    let out = osmos(&args, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.join("shapes.rs")).unwrap();
    // On without `--json`, untagged: dispatched on the `type` member, not on `{"circle": …}`.
    assert!(text.contains("impl ::osmos::json::FromJson for Shape {"), "{text}");
    assert!(text.contains("let tag = obj.get(\"type\");"), "{text}");
    // Bytes have no JSON form: an error at the field, exit code 1.
    std::fs::write(&cddl, "m = {\n  data: bytes,\n}\n").unwrap();
    let out = osmos(&args, "");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shapes.cddl:2:3") && err.contains("JSON has no byte strings"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

fn json_stream(out: &Output) -> Vec<serde_json::Value> {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::Deserializer::from_slice(&out.stdout).into_iter().map(Result::unwrap).collect()
}

/// Each frame of a capture carries the byte offset where it starts; `encode` ignores it.
#[test]
fn decode_reports_each_frames_byte_offset() {
    // 4 bytes, 8 bytes, then agent-info-request again behind a non-minimal 2-byte varint.
    let capture = "0aa10001\n10a2000101626869\n400aa10002\n";
    let docs = json_stream(&osmos(&["decode", "openscreen", "-"], capture));
    let offsets: Vec<u64> = docs.iter().map(|d| d["offset"].as_u64().unwrap()).collect();
    assert_eq!(offsets, [0, 4, 12]);
    assert_eq!(docs[2]["message"], "agent-info-request");
    assert_eq!(docs[2].as_object().unwrap().keys().next().unwrap(), "offset", "first, to scan by eye");

    let json = String::from_utf8(osmos(&["decode", "openscreen", "-"], capture).stdout).unwrap();
    let encoded = osmos(&["encode", "openscreen", "-"], &json);
    assert!(encoded.status.success(), "{}", String::from_utf8_lossy(&encoded.stderr));
    assert_eq!(String::from_utf8(encoded.stdout).unwrap(), "0aa10001\n10a2000101626869\n0aa10002\n");

    // A bad frame names its offset too.
    let out = osmos(&["decode", "openscreen", "-"], "0aa10001\n0aa1");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the frame at byte 4"));
}

/// MOS messages of a capture carry the byte offset of their `<` in the input's own encoding.
#[test]
fn decode_reports_each_mos_messages_byte_offset() {
    let second = "<mos><mosID>m</mosID><ncsID>n</ncsID><heartbeat><time>2009-04-11T17:20:42</time></heartbeat></mos>";
    let text = format!("{MOS}\r\n{second}");
    let docs = json_stream(&osmos(&["decode", "mos", "-"], &text));
    let offsets: Vec<u64> = docs.iter().map(|d| d["offset"].as_u64().unwrap()).collect();
    assert_eq!(offsets, [0, MOS.len() as u64 + 2]);

    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let docs = json_stream(&osmos_bytes(&["decode", "mos", "-"], &utf16));
    let offsets: Vec<u64> = docs.iter().map(|d| d["offset"].as_u64().unwrap()).collect();
    assert_eq!(offsets, [0, 2 * (MOS.len() as u64 + 2)], "UTF-16 input: offsets in its bytes");
    assert!(docs[1]["message"].get("heartbeat").is_some(), "{}", docs[1]);

    let json = String::from_utf8(osmos_bytes(&["decode", "mos", "-"], &utf16).stdout).unwrap();
    let xml = osmos(&["encode", "mos", "-"], &json);
    assert!(xml.status.success(), "{}", String::from_utf8_lossy(&xml.stderr));
    assert_eq!(String::from_utf8(xml.stdout).unwrap().lines().count(), 2);
}
