//! Issue 10, finding 9: a capture with one bad message still prints the good ones (and fails),
//! and a capture is read in chunks, so a large file is not held whole.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn osmos(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run osmos");
    let mut stdin_pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin_pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn mos(id: &str) -> String {
    format!("<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>{id}</messageID><heartbeat><time>2009-04-11T17:20:42</time></heartbeat></mos>")
}

#[test]
fn a_bad_mos_message_does_not_hide_the_others() {
    for utf16 in [false, true] {
        let encode = |s: &str| if utf16 { osmos::xml::utf16be(s) } else { s.as_bytes().to_vec() };
        let mut capture = encode(&mos("1"));
        // Message 1 holds an invalid byte (a lone low surrogate in UTF-16, 0xff in UTF-8).
        let bad = mos("2");
        let (head, tail) = bad.split_at(bad.find("</messageID>").unwrap());
        capture.extend(encode(head));
        capture.extend(if utf16 { vec![0xdc, 0x00] } else { vec![0xff] });
        capture.extend(encode(tail));
        capture.extend(encode(&mos("3")));
        let out = osmos(&["decode", "mos", "-"], &capture);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "utf16 {utf16}: {stdout}");
        assert!(stdout.contains("\"messageID\": \"1\"") && stdout.contains("\"messageID\": \"3\""), "{stdout}");
        assert_eq!(stdout.matches("\"heartbeat\"").count(), 2, "{stdout}");
        assert!(stderr.contains("message 1"), "{stderr}");
        assert!(stderr.contains("1 of 3 messages"), "{stderr}");
    }
}

#[test]
fn a_mos_capture_larger_than_a_chunk_streams() {
    // 3,000 messages (~250 KiB): several reads, all printed.
    let capture: String = (0..3000).map(|i| mos(&i.to_string())).collect();
    let out = osmos(&["decode", "mos", "-"], capture.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().matches("\"heartbeat\"").count(), 3000);
}

#[test]
fn open_screen_frames_before_a_bad_one_are_printed() {
    // agent-info-request, then a frame with an unknown type key.
    let out = osmos(&["decode", "openscreen", "-"], b"0aa1000710a2000101626869\n3fa0\n");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(stdout.contains("agent-info-request") && stdout.contains("presentation-connection-message"), "{stdout}");
    assert!(stderr.contains("frame at byte 12"), "{stderr}");
    // Hex split across reads: 70,000 frames of `0aa10007` in hex (560 KB of text).
    let text = "0aa10007\n".repeat(70_000);
    let out = osmos(&["decode", "openscreen", "-"], text.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().matches("agent-info-request").count(), 70_000);
    // Odd digits and a stray character in later hex are errors with their place.
    let out = osmos(&["decode", "openscreen", "-"], b"0aa10007 0");
    assert!(String::from_utf8(out.stderr).unwrap().contains("odd number of digits"));
}
