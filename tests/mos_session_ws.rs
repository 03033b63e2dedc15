//! MOS 4.0 sessions on loopback: two osmos sessions over WebSockets (one connection per
//! channel each way), and raw WebSocket peers for silent and misbehaving ones. The same
//! behaviour as `mos_session.rs` (MOS 2.x over TCP), through the same `Session`.
#![cfg(feature = "mos-ws")]

#[path = "support/mos_net.rs"]
mod mos_net;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use mos_net::*;
use osmos::mos::messages::{Mos, MosAckStatus, MosMessage};
use osmos::mos::net::ws::tokio_rustls::rustls::pki_types::ServerName;
use osmos::mos::net::ws::tokio_rustls::{TlsAcceptor, TlsConnector};
use osmos::mos::net::ws::tokio_tungstenite::tungstenite::client::IntoClientRequest;
use osmos::mos::net::ws::tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use osmos::mos::net::ws::tokio_tungstenite::tungstenite::Message;
use osmos::mos::net::ws::{self, tokio_tungstenite, ClientTls, ServerTls};
use osmos::mos::net::{Channel, Error, Event, IdPolicy, Incoming, Ports, Role, Session, SessionConfig, WsTransport};
use osmos::mos::{to_utf8_with, Encoding};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const USER: &str = "mos";
const PASSWORD: &str = "s3cret";

/// A port nobody listens on now (bound, read and released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One self-signed certificate for `localhost`, presented by both sides and trusted by both.
struct Pki {
    server: ServerTls,
    client: ClientTls,
}

fn pki() -> Pki {
    let (server, cert) = ServerTls::self_signed(&["localhost"]).unwrap();
    Pki { server, client: ClientTls::trust_pem(cert.as_bytes()).unwrap() }
}

fn url(port: u16) -> String {
    format!("wss://localhost:{port}/mos")
}

fn session_config(role: Role, ours: u16, theirs: u16, pki: &Pki) -> SessionConfig {
    let transport = WsTransport::new(ours, pki.server.clone(), url(theirs), pki.client.clone())
        .credentials((USER, PASSWORD), (USER, PASSWORD));
    let config = SessionConfig::websocket(config().ack_timeout(Duration::from_millis(500)), role, transport)
        .heartbeats(Duration::from_millis(100), 3)
        .redial(Duration::from_millis(20), Duration::from_millis(200));
    SessionConfig { listen: "127.0.0.1".into(), ..config }
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
        MosMessage::RoDelete(ro) => ro.ro_id.to_string(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn both_sides_dial_each_channel_and_answer_on_the_connection_requests_came_in_on() {
    let pki = pki();
    let (ncs_port, device_port) = (free_port(), free_port());
    let newsroom = Session::start(session_config(Role::Newsroom, ncs_port, device_port, &pki)).await.unwrap();
    let device = Session::start(session_config(Role::Device, device_port, ncs_port, &pki)).await.unwrap();
    assert_eq!(newsroom.local_ports(), Ports { lower: ncs_port, upper: ncs_port, query: None });

    let device_task = tokio::spawn(async move {
        let ro = next_message(&device).await;
        // The channel the newsroom's URL named: `ro`.
        assert_eq!((ro.channel, ro.kind()), (Channel::Upper, "roCreate"));
        assert_eq!(ro_id(&ro.doc), "RO1");
        let MosMessage::RoCreate(created) = &ro.doc.message else { unreachable!() };
        assert_eq!(created.ro_slug, "Journal de 20 h – édition spéciale 新闻");
        assert_eq!(created.story.len(), 2);
        ro.reply(ro_ack("RO1", "OK")).await.unwrap();
        let ack = device.request(mos_obj("M1")).await.unwrap();
        let MosMessage::MosAck(ack) = &ack.message else { panic!("{ack:?}") };
        assert_eq!((ack.obj_id.as_ref(), ack.status), ("M1", MosAckStatus::Ack));
        device
    });
    let ack = newsroom.request(ro_create("RO1", 2)).await.unwrap();
    let MosMessage::RoAck(ro_ack) = &ack.message else { panic!("{ack:?}") };
    assert_eq!((ro_ack.ro_id.as_ref(), ro_ack.ro_status.as_ref()), ("RO1", "OK"));
    let obj = next_message(&newsroom).await;
    assert_eq!((obj.channel, obj.kind()), (Channel::Lower, "mosObj"));
    let MosMessage::MosObj(m) = &obj.doc.message else { unreachable!() };
    assert_eq!(m.obj_slug, "Hôtel en feu");
    obj.reply(mos_ack("M1", "ACK")).await.unwrap();
    let device = device_task.await.unwrap();

    // Heartbeats on each dialed connection, both ways, answered by the other side.
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
async fn the_aux_channel_carries_the_search_messages_when_it_is_on() {
    let pki = pki();
    let (ncs_port, device_port) = (free_port(), free_port());
    let aux = |c: SessionConfig| {
        let osmos::mos::net::Transport::WebSocket(t) = c.transport else { unreachable!() };
        SessionConfig { transport: osmos::mos::net::Transport::WebSocket(Box::new(t.aux(true))), ..c }
    };
    let newsroom = Session::start(aux(session_config(Role::Newsroom, ncs_port, device_port, &pki))).await.unwrap();
    let device = Session::start(aux(session_config(Role::Device, device_port, ncs_port, &pki))).await.unwrap();
    assert_eq!(newsroom.local_ports().query, Some(ncs_port));
    let device_task = tokio::spawn(async move {
        let req = next_message(&device).await;
        assert_eq!((req.channel, req.kind()), (Channel::Query, "mosReqObjList"));
        req.reply(mos_ack("M1", "ACK")).await.unwrap();
        device
    });
    let request = message(
        "<mosReqObjList username=\"jbob\"><username>jbob</username><queryID>Q1</queryID>\
         <listReturnStart>1</listReturnStart><listReturnEnd>20</listReturnEnd>\
         <generalSearch>fire</generalSearch><mosSchema>http://x/schema.xsd</mosSchema></mosReqObjList>",
    );
    let ack = newsroom.request(request).await.unwrap();
    assert_eq!(kind(&ack).0, "mosAck");
    let _device = device_task.await.unwrap();
    wait_for(|| newsroom.link_status(Channel::Query).heartbeats_answered >= 1).await;
}

/// What a raw WebSocket server received on each connection: the URL asked for and the
/// documents' text.
type Received = Arc<Mutex<Vec<(String, Vec<String>)>>>;

/// A WebSocket server that accepts anyone, reads and never answers.
async fn silent_server(pki: &Pki) -> (u16, Received, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = TlsAcceptor::from(pki.server.rustls());
    let received: Received = Default::default();
    let seen = received.clone();
    let task = tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            tokio::spawn(async move {
                let tls = acceptor.accept(tcp).await.unwrap();
                let mut uri = String::new();
                // tungstenite's callback type: its error is the HTTP response to send.
                #[allow(clippy::result_large_err)]
                let record = |request: &Request, response: Response| {
                    uri = request.uri().to_string();
                    Ok(response)
                };
                let ws = tokio_tungstenite::accept_hdr_async(tls, record).await.unwrap();
                let at = {
                    let mut seen = seen.lock().unwrap();
                    seen.push((uri, Vec::new()));
                    seen.len() - 1
                };
                let (_keep, mut read) = ws.split();
                while let Some(Ok(Message::Binary(bytes))) = read.next().await {
                    let text = to_utf8_with(&bytes, Encoding::Utf16Be).unwrap().into_owned();
                    seen.lock().unwrap()[at].1.push(text);
                }
            });
        }
    });
    (port, received, task)
}

#[tokio::test]
async fn heartbeats_and_keep_alives_go_out_on_schedule_and_a_silent_peer_is_reported() {
    let pki = pki();
    let (port, received, _server) = silent_server(&pki).await;
    let mut config = session_config(Role::Device, free_port(), port, &pki).heartbeats(Duration::from_millis(200), 2);
    config.config = config.config.ack_timeout(Duration::from_secs(5));
    if let osmos::mos::net::Transport::WebSocket(t) = &mut config.transport {
        // Idle for 50 ms between heartbeats: keepAlives fill the gaps.
        **t = t.as_ref().clone().keep_alive(Some(Duration::from_millis(50)));
    }
    let session = Session::start(config).await.unwrap();
    let started = std::time::Instant::now();
    let mut silent = Vec::new();
    while silent.len() < 2 {
        match timeout(Duration::from_secs(10), session.next()).await.unwrap().unwrap() {
            Event::PeerSilent { channel, missed } => {
                assert_eq!(missed, 2);
                silent.push(channel);
            }
            Event::Linked { .. } | Event::Unlinked { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    silent.sort_by_key(|c| c.name());
    assert_eq!(silent, [Channel::Lower, Channel::Upper]);
    // Two heartbeats waited 200 ms each (the interval bounds the wait, not the 5 s ack timeout).
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let received = received.lock().unwrap().clone();
    let mut channels: Vec<_> = received.iter().map(|(uri, _)| uri.clone()).collect();
    channels.sort();
    channels.dedup();
    assert_eq!(channels, ["/mos?channel=mom", "/mos?channel=ro"]);
    for (uri, texts) in &received[..2] {
        let heartbeats = texts.iter().filter(|t| t.contains("<heartbeat>")).count();
        let keep_alives: Vec<_> = texts.iter().filter(|t| t.contains("<keepAlive")).collect();
        assert!(heartbeats >= 2, "{uri}: {texts:?}");
        assert!(!keep_alives.is_empty(), "{uri}: {texts:?}");
        // keepAlive: no messageID, no reply expected (reference/mos.md §6.4).
        assert!(keep_alives.iter().all(|t| !t.contains("messageID")), "{keep_alives:?}");
    }
}

#[tokio::test]
async fn a_request_unacknowledged_in_time_is_retried_with_its_message_id_and_delivered_once() {
    let pki = pki();
    let (ncs_port, device_port) = (free_port(), free_port());
    let newsroom =
        Session::start(session_config(Role::Newsroom, ncs_port, device_port, &pki).retries(3)).await.unwrap();
    let device = Session::start(session_config(Role::Device, device_port, ncs_port, &pki)).await.unwrap();
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
    let pki = pki();
    let (ncs_port, device_port) = (free_port(), free_port());
    let newsroom =
        Arc::new(Session::start(session_config(Role::Newsroom, ncs_port, device_port, &pki).queue(2)).await.unwrap());
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
    let device = Session::start(session_config(Role::Device, device_port, ncs_port, &pki)).await.unwrap();
    let mut got = Vec::new();
    for _ in 0..2 {
        let ro = next_message(&device).await;
        let id = ro_id(&ro.doc);
        ro.reply(ro_ack(&id, "OK")).await.unwrap();
        got.push(id);
    }
    got.sort();
    assert_eq!(got, ["RO0", "RO1"]);
    for (i, request) in waiting.into_iter().enumerate() {
        let ack = request.await.unwrap().unwrap();
        let MosMessage::RoAck(ack) = &ack.message else { panic!("{ack:?}") };
        assert_eq!(ack.ro_id, format!("RO{i}"));
    }
}

#[tokio::test]
async fn kill_and_restart_the_peer_mid_run_loses_nothing_acknowledged_and_delivers_nothing_twice() {
    const TOTAL: usize = 30;
    let pki = Arc::new(pki());
    let (ncs_port, device_port) = (free_port(), free_port());
    let newsroom =
        Session::start(session_config(Role::Newsroom, ncs_port, device_port, &pki).retries(5)).await.unwrap();
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
    let run_device = |stop_after: Option<usize>| {
        let pki = pki.clone();
        async move {
            let device = Session::start(session_config(Role::Device, device_port, ncs_port, &pki)).await.unwrap();
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
        }
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

type Raw = tokio_tungstenite::WebSocketStream<ws::tokio_rustls::client::TlsStream<TcpStream>>;

/// A bare WebSocket client on `channel`, for bytes a `Connection` never sends.
async fn raw_client(pki: &Pki, port: u16, channel: &str) -> Raw {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = TlsConnector::from(pki.client.rustls()).connect(name, tcp).await.unwrap();
    let mut request = format!("wss://localhost:{port}/mos?channel={channel}").into_client_request().unwrap();
    let token = data_encoding::BASE64.encode(format!("{USER}:{PASSWORD}").as_bytes());
    request.headers_mut().insert("authorization", format!("Basic {token}").parse().unwrap());
    tokio_tungstenite::client_async(request, tls).await.unwrap().0
}

/// The next document a raw client receives.
async fn read_document(raw: &mut Raw) -> Mos<'static> {
    loop {
        match timeout(Duration::from_secs(5), raw.next()).await.unwrap().unwrap().unwrap() {
            Message::Binary(bytes) => {
                let text = to_utf8_with(&bytes, Encoding::Utf16Be).unwrap();
                return osmos::cbor::IntoOwned::into_owned(Mos::decode(&text).unwrap());
            }
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn envelopes_naming_other_systems_are_nacked_under_the_reject_policy() {
    let pki = pki();
    let port = free_port();
    let config = session_config(Role::Device, port, free_port(), &pki).ids(IdPolicy::Reject);
    let session = Session::start(config).await.unwrap();
    let mut raw = raw_client(&pki, port, "ro").await;
    let wrong = "<mos><mosID>other.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>9</messageID>\
                 <roDelete><roID>RO9</roID></roDelete></mos>";
    let right = "<mos><mosID>device.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>10</messageID>\
                 <roDelete><roID>RO10</roID></roDelete></mos>";
    raw.send(Message::Binary(wire(wrong).into())).await.unwrap();
    raw.send(Message::Binary(wire(right).into())).await.unwrap();
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
    assert_eq!((good.channel, kind(&good.doc)), (Channel::Upper, ("roDelete".into(), Some(10))));
}

#[tokio::test]
async fn a_malformed_message_between_two_good_ones_is_nacked_and_reported() {
    let pki = pki();
    let port = free_port();
    let session = Session::start(session_config(Role::Newsroom, port, free_port(), &pki)).await.unwrap();
    let mut raw = raw_client(&pki, port, "mom").await;
    let good = |id: u32| format!("<mos><messageID>{id}</messageID><mosReqObj><objID>M{id}</objID></mosReqObj></mos>");
    let bad = "<mos><messageID>2</messageID><mosReqObj><objID>M2</objID><objID>x</mosReqObj></mos>";
    for text in [good(1).as_str(), bad, good(3).as_str()] {
        raw.send(Message::Binary(wire(text).into())).await.unwrap();
    }
    let first = next_message(&session).await;
    assert_eq!((first.channel, kind(&first.doc)), (Channel::Lower, ("mosReqObj".into(), Some(1))));
    loop {
        match timeout(Duration::from_secs(5), session.next()).await.unwrap().unwrap() {
            Event::Error { channel: Channel::Lower, error: Error::Decode { about, .. } } => {
                assert_eq!(
                    (about.kind.as_deref(), about.message_id.map(|id| id.get()), about.nacked),
                    (Some("mosReqObj"), Some(2), true)
                );
                break;
            }
            Event::Linked { .. } | Event::Unlinked { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(kind(&next_message(&session).await.doc), ("mosReqObj".into(), Some(3)));
    let nack = read_document(&mut raw).await;
    assert_eq!(kind(&nack), ("mosAck".into(), Some(2)));
}

#[tokio::test]
async fn an_answer_sent_on_the_peers_own_connection_answers_our_request() {
    let pki = pki();
    // The peer's server records what we send and answers nothing there.
    let (peer_port, received, _server) = silent_server(&pki).await;
    let ours = free_port();
    let mut config = session_config(Role::Newsroom, ours, peer_port, &pki).heartbeats(Duration::from_secs(30), 3);
    config.config = config.config.ack_timeout(Duration::from_secs(2));
    let session = Arc::new(Session::start(config.retries(0)).await.unwrap());
    // The peer's own connection to us, on the same channel.
    let mut peer_to_ours = raw_client(&pki, ours, "ro").await;
    let requesting = {
        let session = session.clone();
        tokio::spawn(async move { session.request(ro_create("RO7", 1)).await })
    };
    let mut id = None;
    wait_for(|| {
        let received = received.lock().unwrap();
        let sent = received.iter().filter(|(uri, _)| uri.ends_with("channel=ro")).flat_map(|(_, texts)| texts);
        id = sent.filter(|t| t.contains("<roCreate>")).find_map(|t| kind(&Mos::decode(t).unwrap()).1);
        id.is_some()
    })
    .await;
    let id = id.unwrap();
    let ack = |id: i32, ro: &str| {
        format!(
            "<mos><mosID>device.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>{id}</messageID>\
             <roAck><roID>{ro}</roID><roStatus>OK</roStatus></roAck></mos>"
        )
    };
    // An acknowledgement of nothing we sent is the application's to see; the right one is not.
    peer_to_ours.send(Message::Binary(wire(&ack(id + 100, "RO-OTHER")).into())).await.unwrap();
    let stray = next_message(&session).await;
    assert_eq!((stray.channel, kind(&stray.doc)), (Channel::Upper, ("roAck".into(), Some(id + 100))));
    peer_to_ours.send(Message::Binary(wire(&ack(id, "RO7")).into())).await.unwrap();
    let answer = timeout(Duration::from_secs(2), requesting).await.expect("answered, not timed out").unwrap().unwrap();
    let MosMessage::RoAck(ro_ack) = &answer.message else { panic!("{answer:?}") };
    assert_eq!((ro_ack.ro_id.as_ref(), kind(&answer).1), ("RO7", Some(id)));
    while let Ok(Some(event)) = timeout(Duration::from_millis(100), session.next()).await {
        assert!(!matches!(event, Event::Message(_)), "{event:?}");
    }
}
