//! MOS 2.x sessions on loopback: two osmos sessions ("Two Ports – Four Sockets"), and raw
//! sockets for silent, misbehaving and disappearing peers.
#![cfg(feature = "mos-tcp")]

#[path = "support/mos_net.rs"]
mod mos_net;

use std::collections::HashMap;
use std::time::Duration;

use mos_net::*;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::{Channel, Error, Event, IdPolicy, Incoming, Ports, Role, Session, SessionConfig};
use osmos::mos::{to_utf8_with, Encoding};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// Three ports nobody listens on now (bound, read and released).
fn free_ports() -> Ports {
    let port = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    Ports::new(port(), port(), port())
}

fn two_ports(ports: Ports) -> Ports {
    Ports { query: None, ..ports }
}

fn session_config(role: Role, ours: Ports, theirs: Ports) -> SessionConfig {
    SessionConfig::new(config().ack_timeout(Duration::from_millis(500)), role, "127.0.0.1")
        .listen("127.0.0.1", ours)
        .peer_ports(theirs)
        .heartbeats(Duration::from_millis(100), 3)
        .redial(Duration::from_millis(20), Duration::from_millis(200))
}

/// The next message event, skipping link state events.
async fn next_message(session: &Session) -> Incoming {
    loop {
        match timeout(Duration::from_secs(10), session.next()).await.expect("an event in time") {
            Some(Event::Message(incoming)) => return *incoming,
            Some(Event::Error { channel, error }) => panic!("{channel:?}: {error}"),
            Some(_) => {}
            None => panic!("the session stopped"),
        }
    }
}

async fn wait_for(mut done: impl FnMut() -> bool) {
    timeout(Duration::from_secs(10), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("in time");
}

fn ro_id(doc: &Mos<'_>) -> String {
    match &doc.message {
        MosMessage::RoCreate(ro) => ro.ro_id.to_string(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn both_sides_dial_both_ports_and_answer_on_the_socket_requests_came_in_on() {
    let (ncs_ports, device_ports) = (two_ports(free_ports()), two_ports(free_ports()));
    let newsroom = Session::start(session_config(Role::Newsroom, ncs_ports, device_ports)).await.unwrap();
    let device = Session::start(session_config(Role::Device, device_ports, ncs_ports)).await.unwrap();
    assert_eq!(newsroom.local_ports(), ncs_ports);

    let device_task = tokio::spawn(async move {
        let ro = next_message(&device).await;
        assert_eq!((ro.channel, ro.kind()), (Channel::Upper, "roCreate"));
        assert_eq!(ro_id(&ro.doc), "RO1");
        ro.reply(ro_ack("RO1", "OK")).await.unwrap();
        // Its own request goes on the lower port, over the socket the device opened.
        let ack = device.request(mos_obj("M1")).await.unwrap();
        assert_eq!(kind(&ack).0, "mosAck");
        device
    });
    let ack = newsroom.request(ro_create("RO1", 2)).await.unwrap();
    let MosMessage::RoAck(ro_ack) = &ack.message else { panic!("{ack:?}") };
    assert_eq!((ro_ack.ro_id.as_ref(), ro_ack.ro_status.as_ref()), ("RO1", "OK"));
    let obj = next_message(&newsroom).await;
    assert_eq!((obj.channel, obj.kind()), (Channel::Lower, "mosObj"));
    obj.reply(mos_ack("M1", "ACK")).await.unwrap();
    let device = device_task.await.unwrap();

    // Heartbeats on each dialed socket, both ways, answered by the other side.
    wait_for(|| {
        [&newsroom, &device].iter().all(|s| {
            [Channel::Lower, Channel::Upper]
                .iter()
                .all(|&c| s.link_status(c).up && s.link_status(c).heartbeats_answered >= 2)
        })
    })
    .await;
    assert_eq!(newsroom.link_status(Channel::Query), Default::default());
}

#[tokio::test]
async fn heartbeats_go_out_on_schedule_and_a_silent_peer_is_reported() {
    // A peer that accepts and reads but never answers.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let reader = tokio::spawn(async move {
        let (mut socket, _) = silent.accept().await.unwrap();
        let mut bytes = Vec::new();
        let mut buf = [0; 4096];
        // Reads until two heartbeats have arrived.
        while to_utf8_with(&bytes, Encoding::Utf16Be).map_or(0, |t| t.matches("<heartbeat>").count()) < 2 {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0);
            bytes.extend_from_slice(&buf[..n]);
        }
        (socket, silent)
    });
    let ours = two_ports(free_ports());
    let config = session_config(Role::Device, ours, Ports { lower: port, upper: 1, query: None })
        .heartbeats(Duration::from_millis(50), 2);
    let session =
        Session::start(SessionConfig { config: config.config.clone().ack_timeout(Duration::from_secs(5)), ..config })
            .await
            .unwrap();
    let started = std::time::Instant::now();
    loop {
        match timeout(Duration::from_secs(10), session.next()).await.unwrap().unwrap() {
            Event::PeerSilent { channel: Channel::Lower, missed } => {
                assert_eq!(missed, 2);
                break;
            }
            Event::Linked { .. } | Event::Unlinked { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    // Two heartbeats waited 50 ms each (the interval bounds the wait, not the 5 s ack timeout).
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let _kept = reader.await.unwrap();
}

#[tokio::test]
async fn a_request_unacknowledged_in_time_is_retried_with_its_message_id_and_delivered_once() {
    let (ncs_ports, device_ports) = (two_ports(free_ports()), two_ports(free_ports()));
    let newsroom = Session::start(session_config(Role::Newsroom, ncs_ports, device_ports).retries(3)).await.unwrap();
    let device = Session::start(session_config(Role::Device, device_ports, ncs_ports)).await.unwrap();
    let device_task = tokio::spawn(async move {
        let ro = next_message(&device).await;
        // Slower than the 500 ms ack timeout: the newsroom sends the same document again.
        tokio::time::sleep(Duration::from_millis(800)).await;
        ro.reply(ro_ack("RO1", "OK")).await.unwrap();
        // Nothing else arrives: the retries were recognised.
        let more = timeout(Duration::from_millis(1200), next_message(&device)).await;
        assert!(more.is_err(), "{:?}", more.map(|m| m.doc));
        kind(&ro.doc)
    });
    let ack = newsroom.request(ro_create("RO1", 1)).await.unwrap();
    let (delivered, sent_id) = device_task.await.unwrap();
    assert_eq!(delivered, "roCreate");
    assert_eq!(kind(&ack), ("roAck".into(), sent_id));
}

#[tokio::test]
async fn requests_wait_while_the_peer_is_away_and_the_queue_is_bounded() {
    let (ncs_ports, device_ports) = (two_ports(free_ports()), two_ports(free_ports()));
    let newsroom = std::sync::Arc::new(
        Session::start(session_config(Role::Newsroom, ncs_ports, device_ports).queue(2)).await.unwrap(),
    );
    let waiting: Vec<_> = (0..2)
        .map(|i| {
            let newsroom = newsroom.clone();
            tokio::spawn(async move { newsroom.request(ro_create(&format!("RO{i}"), 1)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let err = newsroom.request(ro_create("RO-X", 1)).await.unwrap_err();
    assert!(matches!(err, Error::QueueFull { channel: Channel::Upper, bound: 2 }), "{err:?}");
    // The device comes up: the two waiting requests go out.
    let device = Session::start(session_config(Role::Device, device_ports, ncs_ports)).await.unwrap();
    for _ in 0..2 {
        let ro = next_message(&device).await;
        let id = ro_id(&ro.doc);
        ro.reply(ro_ack(&id, "OK")).await.unwrap();
    }
    for request in waiting {
        assert_eq!(kind(&request.await.unwrap().unwrap()).0, "roAck");
    }
}

#[tokio::test]
async fn kill_and_restart_the_peer_mid_run_loses_nothing_acknowledged_and_delivers_nothing_twice() {
    const TOTAL: usize = 30;
    let (ncs_ports, device_ports) = (two_ports(free_ports()), two_ports(free_ports()));
    let newsroom = Session::start(session_config(Role::Newsroom, ncs_ports, device_ports).retries(5)).await.unwrap();
    let sender = tokio::spawn(async move {
        let mut acked = Vec::new();
        for i in 0..TOTAL {
            let ack = newsroom.request(ro_create(&format!("RO{i}"), 1)).await;
            let ack = ack.unwrap_or_else(|e| panic!("RO{i}: {e}"));
            let MosMessage::RoAck(ack) = &ack.message else { panic!() };
            acked.push(ack.ro_id.to_string());
        }
        acked
    });
    // Each incarnation of the device: what it received, in order.
    let run_device = |stop_after: Option<usize>| async move {
        let device = Session::start(session_config(Role::Device, device_ports, ncs_ports)).await.unwrap();
        let mut received = Vec::new();
        loop {
            let ro = match timeout(Duration::from_secs(3), next_message(&device)).await {
                Ok(ro) => ro,
                Err(_) => break,
            };
            let id = ro_id(&ro.doc);
            received.push(id.clone());
            if stop_after == Some(received.len()) {
                // Killed with this message received and not acknowledged.
                break;
            }
            ro.reply(ro_ack(&id, "OK")).await.unwrap();
        }
        drop(device);
        received
    };
    let first = run_device(Some(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = run_device(None).await;
    let acked = sender.await.unwrap();

    let expected: Vec<String> = (0..TOTAL).map(|i| format!("RO{i}")).collect();
    assert_eq!(acked, expected, "every request acknowledged, in order");
    for run in [&first, &second] {
        let mut counts = HashMap::new();
        for id in run.iter() {
            *counts.entry(id).or_insert(0) += 1;
        }
        assert!(counts.values().all(|&n| n == 1), "delivered twice to one incarnation: {run:?}");
    }
    assert_eq!(first.len(), 10);
    // The one unacknowledged when the device died comes again, to the new incarnation only.
    assert_eq!(second.first(), first.last());
    let mut all: Vec<_> = first.iter().chain(&second[1..]).cloned().collect();
    all.dedup();
    assert_eq!(all, expected);
}

/// Reads one document from a raw socket.
async fn read_document(socket: &mut TcpStream) -> Mos<'static> {
    let mut bytes = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let n = timeout(Duration::from_secs(5), socket.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0);
        bytes.extend_from_slice(&buf[..n]);
        if let Ok(text) = to_utf8_with(&bytes, Encoding::Utf16Be) {
            if text.ends_with("</mos>") {
                return osmos::cbor::IntoOwned::into_owned(Mos::decode(&text).unwrap());
            }
        }
    }
}

#[tokio::test]
async fn envelopes_naming_other_systems_are_nacked_under_the_reject_policy() {
    let ours = two_ports(free_ports());
    let config = session_config(Role::Device, ours, two_ports(free_ports())).ids(IdPolicy::Reject);
    let session = Session::start(config).await.unwrap();
    let mut raw = TcpStream::connect(("127.0.0.1", ours.upper)).await.unwrap();
    let wrong = "<mos><mosID>other.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>9</messageID>\
                 <roDelete><roID>RO9</roID></roDelete></mos>";
    let right = "<mos><mosID>device.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>10</messageID>\
                 <roDelete><roID>RO10</roID></roDelete></mos>";
    raw.write_all(&wire(&format!("{wrong}{right}"))).await.unwrap();
    let nack = read_document(&mut raw).await;
    assert_eq!(kind(&nack), ("roAck".into(), Some(9)));
    let MosMessage::RoAck(ack) = &nack.message else { panic!() };
    assert_eq!(ack.ro_id, "RO9");
    assert!(ack.ro_status.starts_with("NACK: mosID «other.mos» and ncsID «newsroom.mos»"), "{}", ack.ro_status);
    loop {
        match timeout(Duration::from_secs(5), session.next()).await.unwrap().unwrap() {
            Event::Error { channel: Channel::Upper, error: Error::WrongIds { mos_id, about, .. } } => {
                assert_eq!(mos_id, "other.mos");
                assert_eq!((about.kind.as_deref(), about.nacked), (Some("roDelete"), true));
                break;
            }
            Event::Linked { .. } | Event::Unlinked { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    let good = next_message(&session).await;
    assert_eq!(kind(&good.doc), ("roDelete".into(), Some(10)));
}

#[tokio::test]
async fn a_malformed_message_between_two_good_ones_is_nacked_and_reported() {
    let ours = two_ports(free_ports());
    let session = Session::start(session_config(Role::Device, ours, two_ports(free_ports()))).await.unwrap();
    let mut raw = TcpStream::connect(("127.0.0.1", ours.upper)).await.unwrap();
    let good = |id: u32| format!("<mos><messageID>{id}</messageID><roDelete><roID>RO{id}</roID></roDelete></mos>");
    let bad = "<mos><messageID>2</messageID><roDelete><roID>RO2</roID><roID>x</roDelete></mos>";
    // In one-byte segments.
    for byte in wire(&format!("{}{bad}{}", good(1), good(3))) {
        raw.write_all(&[byte]).await.unwrap();
    }
    assert_eq!(kind(&next_message(&session).await.doc), ("roDelete".into(), Some(1)));
    loop {
        match timeout(Duration::from_secs(5), session.next()).await.unwrap().unwrap() {
            Event::Error { channel: Channel::Upper, error: Error::Decode { about, .. } } => {
                assert_eq!(
                    (about.kind.as_deref(), about.message_id.map(|id| id.get()), about.nacked),
                    (Some("roDelete"), Some(2), true)
                );
                break;
            }
            Event::Linked { .. } | Event::Unlinked { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(kind(&next_message(&session).await.doc), ("roDelete".into(), Some(3)));
    let nack = read_document(&mut raw).await;
    assert_eq!(kind(&nack), ("roAck".into(), Some(2)));
}

#[tokio::test]
async fn a_slow_application_delays_its_answers_but_not_the_sessions_heartbeats() {
    let (ncs_ports, device_ports) = (two_ports(free_ports()), two_ports(free_ports()));
    let config = |role, ours, theirs| {
        let c = session_config(role, ours, theirs);
        SessionConfig { config: c.config.clone().ack_timeout(Duration::from_secs(5)), ..c }
    };
    let newsroom = Session::start(config(Role::Newsroom, ncs_ports, device_ports)).await.unwrap();
    let device = Session::start(config(Role::Device, device_ports, ncs_ports)).await.unwrap();
    wait_for(|| newsroom.link_status(Channel::Lower).heartbeats_answered > 0).await;
    let device_task = tokio::spawn(async move {
        // Reads nothing for a second: ten heartbeat intervals.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let ro = next_message(&device).await;
        ro.reply(ro_ack("RO1", "OK")).await.unwrap();
        device
    });
    let before = newsroom.link_status(Channel::Lower).heartbeats_answered;
    let ack = newsroom.request(ro_create("RO1", 1)).await.unwrap();
    assert_eq!(kind(&ack).0, "roAck");
    // The device's session answered the heartbeats on the lower port all along.
    let during = newsroom.link_status(Channel::Lower).heartbeats_answered - before;
    assert!(during >= 5, "{during}");
    let _device = device_task.await.unwrap();
    while let Ok(Some(event)) = timeout(Duration::from_millis(50), newsroom.next()).await {
        assert!(!matches!(event, Event::PeerSilent { .. }), "{event:?}");
    }
}

#[tokio::test]
async fn an_answer_sent_on_the_peers_own_socket_answers_our_request() {
    // A peer that answers on the socket it opened rather than on ours.
    let peer = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let peer_upper = peer.local_addr().unwrap().port();
    let ours = two_ports(free_ports());
    let theirs = Ports { lower: two_ports(free_ports()).lower, upper: peer_upper, query: None };
    // Heartbeats rare enough that the silent-peer check stays out of the way.
    let config = session_config(Role::Newsroom, ours, theirs).heartbeats(Duration::from_secs(30), 3).retries(0);
    let session = std::sync::Arc::new(Session::start(config).await.unwrap());
    let requesting = {
        let session = session.clone();
        tokio::spawn(async move { session.request(ro_create("RO7", 1)).await })
    };
    let (mut ours_to_peer, _) = timeout(Duration::from_secs(5), peer.accept()).await.unwrap().unwrap();
    let request = loop {
        let doc = read_document(&mut ours_to_peer).await;
        match &doc.message {
            MosMessage::Heartbeat(_) => {
                let id = kind(&doc).1.unwrap();
                let beat = format!(
                    "<mos><messageID>{id}</messageID><heartbeat><time>2026-12-07T20:00:00</time></heartbeat></mos>"
                );
                ours_to_peer.write_all(&wire(&beat)).await.unwrap();
            }
            _ => break doc,
        }
    };
    let (name, id) = kind(&request);
    assert_eq!(name, "roCreate");
    let id = id.unwrap();
    let mut peer_to_ours = TcpStream::connect(("127.0.0.1", ours.upper)).await.unwrap();
    let ack = |id: i32, ro: &str| {
        format!(
            "<mos><mosID>device.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>{id}</messageID>\
             <roAck><roID>{ro}</roID><roStatus>OK</roStatus></roAck></mos>"
        )
    };
    // An acknowledgement of nothing we sent is the application's to see; the right one is not.
    peer_to_ours.write_all(&wire(&ack(id + 100, "RO-OTHER"))).await.unwrap();
    let stray = next_message(&session).await;
    assert_eq!((stray.channel, kind(&stray.doc)), (Channel::Upper, ("roAck".into(), Some(id + 100))));
    peer_to_ours.write_all(&wire(&ack(id, "RO7"))).await.unwrap();
    let answer = timeout(Duration::from_secs(2), requesting).await.expect("answered, not timed out").unwrap().unwrap();
    let MosMessage::RoAck(ro_ack) = &answer.message else { panic!("{answer:?}") };
    assert_eq!((ro_ack.ro_id.as_ref(), kind(&answer).1), ("RO7", Some(id)));
    while let Ok(Some(event)) = timeout(Duration::from_millis(100), session.next()).await {
        assert!(!matches!(event, Event::Message(_)), "{event:?}");
    }
}
