#![cfg(feature = "discovery")]
//! The README's two commands: `osp_receiver` and `osp_controller` as two processes that find
//! each other over mDNS, authenticate with the PSK the receiver prints (typed into the
//! controller's stdin), exchange agent-info and run a presentation. Inside a private network
//! namespace (`unshare -rn`, multicast on its loopback), so no other agent answers.
//!
//! `cargo test` builds the examples next to the test binaries; a run filtered to this test
//! alone (`--test quic_examples`) does not, so it uses them as last built (`cargo build
//! --features discovery --examples`), or skips when there are none (fails under
//! `OSMOS_REQUIRE_CORPUS`, as `.ci/run` sets, where the examples are always built).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver as Lines;
use std::time::Duration;

const INNER: &str = "OSMOS_IN_NETNS";

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
    eprintln!("skipped: {} is not built (run `cargo test --features discovery` without --test)", path.display());
    None
}

/// Kills the process however the test ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A process's stdout lines through a thread, so a silent process fails the test instead of
/// hanging it.
fn lines(child: &mut Child) -> Lines<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).try_for_each(|l| tx.send(l)));
    rx
}

fn line(rx: &Lines<String>) -> String {
    rx.recv_timeout(Duration::from_secs(20)).expect("a line")
}

/// Runs the controller, typing into it what `psk` makes of the PSK the receiver prints.
fn controller(bin: &PathBuf, receiver: &Lines<String>, psk: impl Fn(&str) -> String) -> (bool, String, String) {
    let mut child = Command::new(bin)
        .args(["--loopback", "--wait", "10", "Living Room TV", "https://example.com/deck"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start osp_controller");
    let shown = line(receiver);
    let code = shown.strip_prefix("PSK ").and_then(|s| s.split(' ').next()).expect("a PSK line").to_owned();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", psk(&code)).unwrap();
    drop(stdin);
    // The controller bounds every wait itself (discovery, answers, authentication).
    let out = child.wait_with_output().expect("osp_controller output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn controller_and_receiver_processes_find_each_other_and_authenticate() {
    let (Some(receiver_bin), Some(controller_bin)) = (example("osp_receiver"), example("osp_controller")) else {
        return;
    };
    if std::env::var_os(INNER).is_none() {
        let probe = Command::new("unshare").args(["-rn", "ip", "link", "set", "lo", "up"]).output();
        if !probe.is_ok_and(|o| o.status.success()) {
            assert!(std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(), "unshare -rn is unavailable under .ci/run");
            eprintln!("skipped: no private network namespace (unshare -rn)");
            return;
        }
        let script = format!(
            "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && \
             {INNER}=1 exec '{}' --exact controller_and_receiver_processes_find_each_other_and_authenticate --nocapture",
            std::env::current_exe().unwrap().display()
        );
        let out = Command::new("unshare").args(["-rn", "sh", "-c", &script]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let mut receiver = Killed(
        Command::new(receiver_bin)
            .args(["--name", "Living Room TV", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start osp_receiver"),
    );
    let log = lines(&mut receiver.0);
    let addr = line(&log).strip_prefix("listening on ").expect("listening line").to_owned();
    let fingerprint = line(&log).strip_prefix("fingerprint ").expect("fingerprint line").to_owned();
    assert_eq!(fingerprint.len(), 44, "base64, as mDNS advertises it");
    assert_eq!(line(&log), "advertised as \"Living Room TV\" (_openscreen._udp)");

    let (ok, stdout, stderr) = controller(&controller_bin, &log, str::to_owned);
    assert!(ok, "{stdout}\n{stderr}");
    let expected = [
        format!("found \"Living Room TV\" at {addr} (fingerprint {fingerprint})"),
        "enter the PSK the receiver shows:".into(),
        "authenticated".into(),
        "agent-info: \"Living Room TV\" (osmos, verified), capabilities [ReceivePresentation]".into(),
        "presentation-url-availability-response: https://example.com/deck is [Available]".into(),
        "presentation-start-response: Success, connection id 1".into(),
        "sent presentation-connection-message \"hello, screen\"".into(),
        "presentation-connection-message: \"echo: hello, screen\"".into(),
        "presentation-termination-response: Success".into(),
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected, "{stderr}");
    // "<peer>: …" lines, up to the controller's close.
    let mut events = Vec::new();
    while events.last().is_none_or(|l: &String| !l.ends_with(": closed")) {
        events.push(line(&log));
    }
    let events: Vec<&str> = events.iter().map(|l| l.split_once(": ").expect("peer: event").1).collect();
    assert_eq!(
        events,
        [
            "authenticated",
            "received presentation-url-availability-request",
            "sent presentation-url-availability-response",
            "received presentation-start-request",
            "sent presentation-start-response",
            "received presentation-connection-message",
            "sent presentation-connection-message",
            "received presentation-termination-request",
            "sent presentation-termination-response",
            "closed"
        ]
    );

    // A mistyped PSK: both sides fail with proof-invalid, the controller exits 1.
    let (ok, stdout, stderr) = controller(&controller_bin, &log, |psk| format!("{psk}9"));
    assert!(!ok, "{stdout}");
    assert!(stderr.contains("proof-invalid") && stderr.contains("connection closed with error 401"), "{stderr}");
    let failed = line(&log);
    assert!(failed.starts_with("connection attempt failed: ") && failed.contains("proof-invalid"), "{failed}");
    println!("both runs as expected");
}
