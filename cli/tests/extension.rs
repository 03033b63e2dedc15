//! `--with my-extension.cddl`: a capture that carries vendor frames between standard ones
//! decodes (and lists) with the extension's schema, under the wire rules of generated code; and
//! `generate --extends openscreen` writes a module that refers to the standard types.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const VENDOR: &str = "examples/vendor-extension/schemas/vendor.cddl";

fn osmos(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run osmos");
    // A usage error exits before reading stdin; the broken pipe is no failure of the test.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn decode(hex: &str) -> Result<Vec<serde_json::Value>, String> {
    let out = osmos(&["decode", "openscreen", "--with", VENDOR, "-"], hex);
    if !out.status.success() {
        return Err(String::from_utf8(out.stderr).unwrap().trim_end().to_owned());
    }
    let text = String::from_utf8(out.stdout).unwrap();
    Ok(serde_json::Deserializer::from_str(&text).into_iter().map(Result::unwrap).collect())
}

/// agent-info-request (10), caption-show-request (50, with an unknown text key "x" and half
/// floats), caption-show-response (51), vendor-status-event (8200, a 2-byte varint).
const CAPTURE: &str = "0aa10001\n\
    32a500020165476f616c21021a002dc6c00382f94900f94a80617801\n\
    33a200020101\n\
    6008a300a50061410161420281010363746f6b04800181026f626174746572792d70657263656e741850\n";

#[test]
fn a_capture_with_extension_frames_decodes() {
    let docs = decode(CAPTURE).unwrap();
    let names: Vec<&str> = docs.iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(names, ["agent-info-request", "caption-show-request", "caption-show-response", "vendor-status-event"]);
    assert_eq!(docs[1]["type-key"], 50);
    assert_eq!(
        docs[1]["body"],
        serde_json::json!({"request-id": 2, "caption": "Goal!", "duration": 3000000,
                           "window": {"start": 10.0, "end": 13.0}})
    );
    assert_eq!(docs[2]["body"], serde_json::json!({"request-id": 2, "result": "success"}));
    assert_eq!(docs[3]["type-key"], 8200);
    assert_eq!(docs[3]["body"]["agent-info"]["capabilities"], serde_json::json!(["receive-audio"]));
    assert_eq!(docs[3]["body"]["active"], serde_json::json!(["receive-video"]));
    assert_eq!(docs[3]["body"]["battery-percent"], 80);
}

#[test]
fn extension_frames_follow_the_wire_rules() {
    let cases = [
        ("33a200020105", "error: frame at byte 0: caption-show-response.result: value 5 is not in the enumeration (at byte 5)"),
        ("33a3000201010002", "error: frame at byte 0: caption-show-response: field `request-id` appears twice (at byte 6)"),
        ("33a10002", "error: frame at byte 0: caption-show-response: missing required field `result` (at byte 1)"),
        (
            "0aa10001 6008a300a50061410161420281010363746f6b04800181026f626174746572792d70657263656e741865",
            "error: frame at byte 4: vendor-status-event.battery-percent: constraint violated: 101 is not <= 100 (at byte 44)",
        ),
        ("0aa10001 3ca0", "error: frame at byte 4: unknown type key 60 (at byte 4)"),
        ("33a20002", "error: input ends inside the frame at byte 0"),
    ];
    for (hex, expected) in cases {
        assert_eq!(decode(hex).unwrap_err(), expected, "{hex}");
    }
}

#[test]
fn list_shows_the_extension_messages_after_the_standard_ones() {
    let out = osmos(&["list", "openscreen", "--with", VENDOR], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 47 + 3);
    assert!(
        lines[48].split_whitespace().take(5).eq(["50", "32", "caption-show-request", "CaptionShowRequest", "4"]),
        "{text}"
    );
    assert!(
        lines[50].split_whitespace().take(4).eq(["8200", "6008", "vendor-status-event", "VendorStatusEvent"]),
        "{text}"
    );
}

#[test]
fn bad_extension_schemas_are_reported_with_their_location() {
    let dir = std::env::temp_dir().join(format!("osmos-cli-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cddl = dir.join("bad.cddl");
    std::fs::write(&cddl, "; type key 10\nmine = {\n  0: microseconds ; x\n}\n").unwrap();
    let out = osmos(&["decode", "openscreen", "--with", cddl.to_str().unwrap(), "-"], "0aa10001");
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("error: `mine` reuses the type key 10 of `agent-info-request`") && err.contains("bad.cddl:2:1"),
        "{err}"
    );
    let out = osmos(&["decode", "mos", "--with", cddl.to_str().unwrap(), "-"], "<mos/>");
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "error: --with applies to openscreen only\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn generate_extends_openscreen_and_checks_type_keys() {
    let dir = std::env::temp_dir().join(format!("osmos-cli-gen-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cddl, out_dir) = (dir.join("ext.cddl"), dir.to_str().unwrap());
    let cddl = cddl.to_str().unwrap();
    std::fs::write(cddl, "; type key 8193\nping = {\n  request\n  1: microseconds ; after\n}\n").unwrap();

    let out = osmos(&["generate", "--cddl", cddl, "--out", out_dir], "");
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("error: unresolved name `microseconds`"));

    let out = osmos(&["generate", "--cddl", cddl, "--extends", "openscreen", "--out", out_dir], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.join("ext.rs")).unwrap();
    assert!(text.contains("pub after: ::osmos::openscreen::Microseconds,"), "{text}");
    assert!(!text.contains("pub struct AgentInfo"), "{text}");

    std::fs::write(cddl, "; type key 100\nping = {\n  0: uint ; x\n}\n").unwrap();
    let out = osmos(&["generate", "--cddl", cddl, "--out", out_dir], "");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("error: `ping`: type key 100 is outside the extension ranges") && err.contains("ext.cddl:2:1"),
        "{err}"
    );
    let out = osmos(&["generate", "--cddl", cddl, "--allow-any-type-key", "--out", out_dir], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}
