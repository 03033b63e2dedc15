//! Every command's exit code and messages: help with examples, usage errors (2), bad input and
//! schema errors (1, rendered like rustc), stale bindings (3, with a diff), warnings on stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn osmos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("NO_COLOR", "1")
        .output()
        .expect("run osmos")
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn temp(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-commands").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let out = osmos(&["--help"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("Examples:") && stdout.contains("osmos generate --check"), "{stdout}");
    assert!(stdout.contains("Exit codes:") && stdout.contains("3  generate --check"), "{stdout}");
    for cmd in ["generate", "decode", "encode", "list", "mos"] {
        assert_eq!(osmos(&[cmd, "--help"]).status.code(), Some(0), "{cmd} --help");
    }
    assert!(stdout.contains("osmos mos tap") && stdout.contains("osmos mos send"), "{stdout}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(osmos(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(osmos(&["decode", "klingon", "-"]).status.code(), Some(2));
    assert_eq!(osmos(&["generate", "--cddl", "x.cddl", "--json", "sometimes"]).status.code(), Some(2));
}

#[test]
fn bad_input_exits_1_with_a_message() {
    let out = osmos(&["decode", "openscreen", "/nonexistent/capture.bin"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.starts_with("error: /nonexistent/capture.bin"), "{stderr}");
    let out = osmos(&["decode", "openscreen", "--strict", "-"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("--strict applies to mos only"));
    let out = osmos(&["encode", "mos", "/nonexistent.json"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn list_prints_both_tables() {
    for protocol in ["openscreen", "mos"] {
        let out = osmos(&["list", protocol]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
        assert!(text(&out).0.lines().count() > 40, "{protocol}");
    }
}

/// `list` prints the catalogue's index: sorted, columns aligned, the same cells.
#[test]
fn list_is_the_catalogue_index_sorted_and_aligned() {
    let (stdout, _) = text(&osmos(&["list", "openscreen"]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1 + 47);
    assert!(lines[0].split_whitespace().take(4).eq(["type", "key", "varint", "message"]), "{stdout}");
    let at = lines[0].find("message").unwrap();
    for l in &lines[1..] {
        assert!(l.as_bytes()[at - 1] == b' ' && l.as_bytes()[at] != b' ', "aligned: {l:?}");
        assert_eq!(l.trim_end(), *l, "no trailing spaces");
    }
    let keys: Vec<u64> = lines[1..].iter().map(|l| l.split_whitespace().next().unwrap().parse().unwrap()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "sorted: {keys:?}");
    let row = lines.iter().find(|l| l.trim_start().starts_with("16 ")).unwrap();
    assert!(
        row.split_whitespace().take(5).eq([
            "16",
            "10",
            "presentation-connection-message",
            "PresentationConnectionMessage",
            "2"
        ]),
        "{row}"
    );
    let catalog = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/CATALOG.md")).unwrap();
    let summary = row.split("  2  ").nth(1).unwrap();
    assert!(catalog.contains(&format!("| 2 | {summary} |")), "the catalogue's summary: {summary}");

    let (stdout, _) = text(&osmos(&["list", "mos"]));
    let elements: Vec<&str> = stdout.lines().skip(1).map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(elements.len(), 54);
    assert!(elements.windows(2).all(|w| w[0] < w[1]), "sorted: {elements:?}");
}

#[test]
fn list_one_message_prints_its_fields() {
    let (stdout, _) = text(&osmos(&["list", "openscreen", "presentation-connection-message"]));
    let by_key = text(&osmos(&["list", "openscreen", "16"])).0;
    assert_eq!(stdout, by_key);
    assert!(stdout.starts_with("presentation-connection-message  16 (varint 10)  PresentationConnectionMessage  map\n"));
    let fields: Vec<Vec<&str>> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("field"))
        .map(|l| l.split_whitespace().take(4).collect())
        .collect();
    assert_eq!(fields[1], ["connection-id", "0", "uint", "required"]);
    assert_eq!(fields[2], ["message", "1", "bytes", "/"]);

    let (stdout, _) = text(&osmos(&["list", "mos", "<roCreate>"]));
    let row = stdout.lines().find(|l| l.starts_with("roSlug ")).unwrap();
    assert!(row.contains("at most 128 characters"), "{row}");

    let out = osmos(&["list", "mos", "noSuchMessage"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out).1, "error: no message or type `noSuchMessage` in mos\n");
    let out = osmos(&["list", "mos", "--root", "/nonexistent"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("/nonexistent/schemas/mos/mos.xsd is absent"), "{}", text(&out).1);
}

#[test]
fn schema_errors_exit_1_rendered_and_warnings_go_to_stderr() {
    let d = temp("schema");
    std::fs::write(d.join("bad.cddl"), "; type key 50\nping = {\n  0: nope ; x\n}\n").unwrap();
    std::fs::write(d.join("warn.cddl"), "; type key 50\nping = {\n  0: uint ; id\n  1: text\n}\n").unwrap();
    let dir = d.to_str().unwrap();
    let out = osmos(&["generate", "--cddl", &format!("{dir}/bad.cddl"), "--out", dir]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.starts_with("error: unresolved name `nope`\n"), "{stderr}");
    assert!(
        stderr.contains("bad.cddl:3:6\n") && stderr.contains("3 |   0: nope ; x") && stderr.contains("^^^^"),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b'), "no colour off a terminal");

    let out = osmos(&["generate", "--cddl", &format!("{dir}/warn.cddl"), "--out", dir]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with("warning: key 1 of `ping` has no name: the Rust field is `key_1`"), "{stderr}");
    assert!(stdout.contains("wrote"), "{stdout}");
    // --out modules need osmos alone: no JSON views, no feature gates, unless asked for.
    let module = std::fs::read_to_string(d.join("warn.rs")).unwrap();
    assert!(!module.contains("cfg(feature") && !module.contains("ToJson"));
    assert_eq!(
        osmos(&["generate", "--cddl", &format!("{dir}/warn.cddl"), "--out", dir, "--json", "on"]).status.code(),
        Some(0)
    );
    assert!(std::fs::read_to_string(d.join("warn.rs")).unwrap().contains("ToJson"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn generate_check_fails_after_a_schema_edit_and_passes_after_regeneration() {
    let root = temp("check");
    let repo = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    copy_dir(&repo.join("schemas"), &root.join("schemas"));
    copy_dir(&repo.join("generated"), &root.join("generated"));
    let root_arg = root.to_str().unwrap();
    let check = || osmos(&["generate", "--check", "--root", root_arg]);
    assert_eq!(check().status.code(), Some(0), "{}", text(&check()).1);

    let schema = root.join("schemas/openscreen/network.cddl");
    let edited = std::fs::read_to_string(&schema).unwrap().replacen(
        "0: uint ; psk-ease-of-input",
        "0: uint .le 100 ; psk-ease-of-input",
        1,
    );
    std::fs::write(&schema, edited).unwrap();
    let out = check();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("stale generated files") && stderr.contains("generated/openscreen.rs"), "{stderr}");
    assert!(stderr.contains("@@ line ") && stderr.contains("\n-") && stderr.contains("\n+"), "a short diff: {stderr}");
    assert!(!stderr.contains("generated/mos.rs"), "only what is stale: {stderr}");
    assert!(stderr.lines().count() < 60, "short: {stderr}");

    // The catalogue is checked like the bindings: a changed limit makes it stale too.
    assert!(stderr.contains("generated/CATALOG.md"), "{stderr}");

    let regen = osmos(&["generate", "--root", root_arg]);
    assert_eq!(regen.status.code(), Some(0), "{}", text(&regen).1);
    assert!(text(&regen).0.contains("wrote generated/openscreen.rs"));
    assert!(text(&regen).0.contains("wrote generated/CATALOG.md"));
    let catalog = std::fs::read_to_string(root.join("generated/CATALOG.md")).unwrap();
    assert!(catalog.contains("| psk-ease-of-input | 0 | `uint` | required | ≤ 100 |"), "the edit is in the catalogue");
    assert_eq!(check().status.code(), Some(0));
}
