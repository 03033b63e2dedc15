#![cfg(feature = "quic")]
//! The README's two commands: `osp_receiver` and `osp_controller` as two processes on loopback.
//!
//! `cargo test` builds the examples next to the test binaries; a run filtered to this test
//! alone (`--test quic_examples`) does not, so it uses them as last built (`cargo build
//! --features quic --examples`), or skips when there are none (fails under
//! `OSMOS_REQUIRE_CORPUS`, as `.ci/run` sets, where the examples are always built).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

fn example(name: &str) -> Option<PathBuf> {
    // target/<profile>/deps/<this test> → target/<profile>/examples/<name>
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let path = deps.parent()?.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("OSMOS_REQUIRE_CORPUS").is_some() {
        panic!("{} is not built, and OSMOS_REQUIRE_CORPUS is set", path.display());
    }
    eprintln!("skipped: {} is not built (run `cargo test --features quic` without --test)", path.display());
    None
}

/// Kills the receiver however the test ends.
struct Receiver(Child);

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn controller(path: &PathBuf, args: &[&str]) -> Output {
    Command::new(path).args(args).output().expect("run osp_controller")
}

#[test]
fn controller_and_receiver_processes_talk_over_loopback() {
    let (Some(receiver_bin), Some(controller_bin)) = (example("osp_receiver"), example("osp_controller")) else {
        return;
    };
    let mut receiver = Receiver(
        Command::new(receiver_bin)
            .arg("127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start osp_receiver"),
    );
    // The receiver's lines through a thread, so a silent receiver fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = receiver.0.stdout.take().unwrap();
    std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).try_for_each(|l| tx.send(l)));
    let line = || rx.recv_timeout(Duration::from_secs(10)).expect("a line from osp_receiver");
    let addr = line().strip_prefix("listening on ").expect("listening line").to_owned();
    let fingerprint = line().strip_prefix("fingerprint ").expect("fingerprint line").to_owned();

    let out = controller(&controller_bin, &[&addr, &fingerprint, "https://example.com/deck"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for expected in [
        "sent agent-info-request",
        "sent presentation-url-availability-request",
        "sent presentation-start-request",
        "agent-info-response: \"osmos example receiver\" (osmos), capabilities [ReceivePresentation]",
        "presentation-url-availability-response: https://example.com/deck is [Available]",
        "presentation-start-response: Success, connection id 1",
    ] {
        assert!(stdout.lines().any(|l| l == expected), "no line {expected:?} in\n{stdout}");
    }
    // "<peer>: …" lines, up to the controller's close.
    let mut log = Vec::new();
    while !log.last().is_some_and(|l: &String| l.ends_with(": closed")) {
        log.push(line());
    }
    let events: Vec<&str> = log.iter().map(|l| l.split_once(": ").expect("peer: event").1).collect();
    assert_eq!(
        events,
        [
            "connected",
            "received agent-info-request",
            "sent agent-info-response",
            "received presentation-url-availability-request",
            "sent presentation-url-availability-response",
            "received presentation-start-request",
            "sent presentation-start-response",
            "closed"
        ]
    );

    // Another receiver's fingerprint: refused, exit 1, the reason on stderr.
    let wrong = format!("00{}", &fingerprint[2..]);
    let out = controller(&controller_bin, &[&addr, &wrong]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "TLS handshake with {addr} failed: the certificate's fingerprint is {fingerprint}, expected {wrong}"
        )),
        "{stderr}"
    );
}
