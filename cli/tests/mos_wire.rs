//! `osmos mos tap` and `osmos mos send` end to end, three processes: `send` talks to a device
//! (this test, on osmos's `tcp::Listener`) through `tap`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::{tcp, Config, Error};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// A device on a free port answering one roCreate; returns its port and what it received.
fn device() -> (u16, mpsc::Receiver<String>) {
    let (port_tx, port_rx) = mpsc::channel();
    let (seen_tx, seen) = mpsc::channel();
    std::thread::spawn(move || {
        runtime().block_on(async move {
            let listener = tcp::Listener::bind("127.0.0.1:0", Config::new("device.mos", "ncs.mos")).await.unwrap();
            port_tx.send(listener.local_addr().unwrap().port()).unwrap();
            let (conn, _) = listener.accept().await.unwrap();
            let ro = conn.recv().await.unwrap();
            let MosMessage::RoCreate(m) = &ro.message else { panic!("{ro:?}") };
            let ack = format!("<mos><roAck><roID>{}</roID><roStatus>OK</roStatus></roAck></mos>", m.ro_id);
            conn.reply(&ro, Mos::decode(&ack).unwrap().message).await.unwrap();
            seen_tx.send(ro.encode()).unwrap();
            assert!(matches!(conn.recv().await, Err(Error::Closed | Error::Disconnected { .. })));
        })
    });
    (port_rx.recv_timeout(Duration::from_secs(10)).unwrap(), seen)
}

#[test]
fn tap_forwards_unchanged_and_prints_each_message_and_send_prints_the_acknowledgement() {
    let (device_port, seen) = device();
    let tap_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut tap = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(["mos", "tap", &format!("127.0.0.1:{tap_port}=127.0.0.1:{device_port}"), "--messages", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = mpsc::channel();
    let stdout = tap.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let listening = lines.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(
        listening.ends_with(&format!("listening on 127.0.0.1:{tap_port}, forwarding to 127.0.0.1:{device_port}")),
        "{listening}"
    );

    // A bare message with a vendor element the schema does not know.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-mos-wire");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("roCreate.xml");
    std::fs::write(&file, "<roCreate><roID>RO1</roID><roSlug>Tapped</roSlug><vendorTag>x</vendorTag></roCreate>")
        .unwrap();
    let sent = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(["mos", "send", file.to_str().unwrap(), "--to", &format!("127.0.0.1:{tap_port}"), "--timeout", "10"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&sent.stdout);
    assert!(sent.status.success(), "{stdout}{}", String::from_utf8_lossy(&sent.stderr));
    assert!(
        stdout.starts_with("<mos><mosID>device.mos</mosID><ncsID>ncs.mos</ncsID><messageID>1</messageID><roAck><roID>RO1</roID><roStatus>OK</roStatus></roAck></mos>"),
        "{stdout}"
    );
    assert!(stdout.contains("\"roStatus\": \"OK\""), "{stdout}");

    // The device got the document unchanged, vendor element included.
    let received = seen.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(received.contains("<roSlug>Tapped</roSlug><vendorTag>x</vendorTag>"), "{received}");

    assert!(tap.wait().unwrap().success());
    let printed: Vec<String> = lines.try_iter().collect();
    let printed = printed.join("\n");
    assert!(printed.contains(&format!("→ 127.0.0.1:{device_port} roCreate messageID 1")), "{printed}");
    assert!(
        printed.contains(&format!("127.0.0.1:{device_port} → ")) && printed.contains("roAck messageID 1"),
        "{printed}"
    );
    // The strict-mode deviation is flagged, and the lenient decode printed as JSON.
    let flagged: Vec<_> = printed.lines().filter(|l| l.starts_with("  ! ")).collect();
    assert_eq!(flagged.len(), 1, "{printed}");
    assert!(flagged[0].contains("vendorTag"), "{printed}");
    assert!(printed.contains("\"roSlug\":\"Tapped\""), "{printed}");
}

#[test]
fn send_says_when_nobody_listens() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-mos-wire-refused");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("heartbeat.xml");
    std::fs::write(&file, "<heartbeat><time>2026-12-07T12:00:00</time></heartbeat>").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(["mos", "send", file.to_str().unwrap(), "--to", &format!("127.0.0.1:{free}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with(&format!("error: connection to 127.0.0.1:{free} refused")), "{stderr}");
}
