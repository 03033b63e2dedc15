//! The mos-connection driver (`tests/interop/mos-connection/driver.js`, npm's
//! `@mos-connection/connector`) as a child process: commands on its stdin, JSON lines back.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use osmos::mos::net::Ports;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tokio::time::timeout;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/mos-connection")
}

/// Whether node and the installed package are there. Without them the test is skipped, and
/// fails under `.ci/run` (`OSMOS_REQUIRE_CORPUS=1`, where `npm ci` has installed it).
pub fn available() -> bool {
    let node = std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let installed = dir().join("node_modules/@mos-connection/connector/package.json").exists();
    if node && installed {
        return true;
    }
    let why = if node { "run `npm ci` in tests/interop/mos-connection" } else { "node is not installed" };
    assert!(
        std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
        "mos-connection interop: {why}, and OSMOS_REQUIRE_CORPUS is set"
    );
    eprintln!("skipped: mos-connection interop: {why}");
    false
}

/// Which side mos-connection plays.
#[derive(Debug, Clone, Copy)]
pub enum JsRole {
    Newsroom,
    Device,
}

pub struct Driver {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::UnboundedReceiver<Value>,
    /// Lines read while waiting for another.
    seen: VecDeque<Value>,
    /// Warnings and errors mos-connection reported.
    pub complaints: Vec<String>,
}

fn ports(p: Ports) -> Value {
    json!({ "lower": p.lower, "upper": p.upper, "query": p.query.unwrap_or(p.lower) })
}

impl Driver {
    /// Starts mos-connection as `role` named `our_id`, listening on `listen`, dialing `peer_id`
    /// at `peer` on 127.0.0.1; returns once it is set up.
    pub async fn start(role: JsRole, our_id: &str, peer_id: &str, listen: Ports, peer: Ports) -> Driver {
        let args = json!({
            "role": match role { JsRole::Newsroom => "ncs", JsRole::Device => "mos" },
            "ourId": our_id,
            "peerId": peer_id,
            "listen": ports(listen),
            "peer": ports(peer),
            "timeout": 2000,
            "heartbeat": 300,
        });
        let mut child = Command::new("node")
            .arg("driver.js")
            .arg(args.to_string())
            .current_dir(dir())
            // mos-connection reads and writes times in local time: fixed, so they can be compared.
            .env("TZ", "UTC")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                let value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("driver printed {line:?}: {e}"));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let mut driver = Driver { child, stdin, lines, seen: VecDeque::new(), complaints: Vec::new() };
        driver.wait_for(|v| v.get("ready").is_some()).await;
        driver
    }

    async fn next_line(&mut self) -> Value {
        let line = timeout(Duration::from_secs(20), self.lines.recv())
            .await
            .unwrap_or_else(|_| panic!("no line from mos-connection in 20 s; complaints: {:#?}", self.complaints))
            .unwrap_or_else(|| panic!("mos-connection exited; complaints: {:#?}", self.complaints));
        if let Some(fatal) = line.get("fatal") {
            panic!("mos-connection failed: {fatal}");
        }
        for key in ["warning", "error"] {
            if let Some(text) = line.get(key) {
                self.complaints.push(format!("{key}: {}", text.as_str().unwrap_or_default()));
            }
        }
        line
    }

    /// The first line (already seen or to come) `wanted` accepts.
    pub async fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.seen.iter().position(&wanted) {
            return self.seen.remove(at).unwrap();
        }
        loop {
            let line = self.next_line().await;
            if wanted(&line) {
                return line;
            }
            self.seen.push_back(line);
        }
    }

    /// Runs one command of the driver; its result (`data`), or its error text.
    pub async fn try_command(&mut self, name: &str) -> Result<Value, String> {
        self.stdin.write_all(format!("{name}\n").as_bytes()).await.unwrap();
        self.stdin.flush().await.unwrap();
        let done = self.wait_for(|v| v.get("done").and_then(Value::as_str) == Some(name)).await;
        if done["ok"] == json!(true) {
            Ok(done["data"].clone())
        } else {
            Err(done["error"].as_str().unwrap_or_default().to_string())
        }
    }

    /// Runs one command that must succeed.
    pub async fn command(&mut self, name: &str) -> Value {
        self.try_command(name)
            .await
            .unwrap_or_else(|e| panic!("{name} failed in mos-connection: {e}; complaints: {:#?}", self.complaints))
    }

    /// What mos-connection's handler for `kind` was given.
    pub async fn received(&mut self, kind: &str) -> Value {
        self.wait_for(|v| v.get("recv").and_then(Value::as_str) == Some(kind)).await["data"].clone()
    }

    /// How many lines for `kind` arrived and were not looked at yet.
    pub fn count_received(&mut self, kind: &str) -> usize {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push_back(line);
        }
        self.seen.iter().filter(|v| v.get("recv").and_then(Value::as_str) == Some(kind)).count()
    }

    /// Whether mos-connection reports its primary connection up: its heartbeats on the lower
    /// and the upper port answered. Polls for up to 10 s.
    pub async fn wait_connected(&mut self) -> Value {
        for _ in 0..100 {
            let status = self.command("status").await;
            if status["PrimaryConnected"] == json!(true) {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("mos-connection never saw its heartbeats answered; complaints: {:#?}", self.complaints);
    }

    /// Kills the process (no orderly close: its sockets are reset or closed by the kernel).
    pub async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }
}
