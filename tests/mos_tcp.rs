//! MOS 2.x over TCP on loopback: both sides of `osmos::mos::net::tcp`, and raw sockets for
//! what a well-behaved peer never does.
#![cfg(feature = "mos-tcp")]

#[path = "support/mos_net.rs"]
mod mos_net;

use std::time::Duration;

use mos_net::*;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::{heartbeat, tcp, Error};
use osmos::mos::{to_utf8_with, Encoding};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

async fn listener() -> (tcp::Listener, String) {
    let listener = tcp::Listener::bind("127.0.0.1:0", config()).await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    (listener, addr)
}

/// Reads from a raw socket until `</mos>` has arrived, as UTF-8 text.
async fn read_document(socket: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let n = timeout(Duration::from_secs(5), socket.read(&mut buf)).await.expect("a document in time").unwrap();
        assert!(n > 0, "the connection closed after {} bytes", bytes.len());
        bytes.extend_from_slice(&buf[..n]);
        let text = to_utf8_with(&bytes, Encoding::Utf16Be);
        if let Ok(text) = text {
            if text.ends_with("</mos>") {
                return text.into_owned();
            }
        }
    }
}

#[tokio::test]
async fn device_and_newsroom_exchange_acknowledged_messages() {
    let (listener, addr) = listener().await;
    let newsroom = tokio::spawn(async move {
        let (conn, _) = listener.accept().await.unwrap();
        // The device's mosObj, answered with a mosAck echoing its messageID.
        let obj = conn.recv().await.unwrap();
        let MosMessage::MosObj(m) = &obj.message else { panic!("{obj:?}") };
        assert_eq!(m.obj_id, "M1");
        assert_eq!(m.obj_slug, "Hôtel en feu");
        conn.reply(&obj, mos_ack("M1", "ACK")).await.unwrap();
        // Then a running order the other way, on the same socket.
        let ack = conn.request(ro_create("RO1", 3)).await.unwrap();
        assert_eq!(kind(&ack), ("roAck".into(), Some(1)));
        conn
    });
    let device = tcp::connect(&addr, &config()).await.unwrap();
    let ack = device.request(mos_obj("M1")).await.unwrap();
    assert_eq!(kind(&ack), ("mosAck".into(), Some(1)));
    let MosMessage::MosAck(m) = &ack.message else { panic!() };
    assert_eq!((m.obj_id.as_ref(), m.status_description.as_ref()), ("M1", "stored"));
    assert_eq!(ack.mos_id.as_deref(), Some("device.mos"));
    // The heartbeat is answered by the newsroom's connection itself, echoing the ID.
    let beat = device.request(heartbeat()).await.unwrap();
    assert_eq!(kind(&beat), ("heartbeat".into(), Some(2)));
    let ro = device.recv().await.unwrap();
    let MosMessage::RoCreate(m) = &ro.message else { panic!("{ro:?}") };
    assert_eq!(m.ro_slug, "Journal de 20 h – édition spéciale 新闻");
    assert_eq!(m.story.len(), 3);
    device.reply(&ro, ro_ack("RO1", "OK")).await.unwrap();
    let newsroom = newsroom.await.unwrap();
    device.close().await;
    assert!(matches!(newsroom.recv().await, Err(Error::Closed)));
}

#[tokio::test]
async fn documents_on_the_wire_are_ucs2_big_endian_and_heartbeats_are_answered() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let mut raw = TcpStream::connect(&addr).await.unwrap();
    let _conn = server.await.unwrap();
    let beat = "<mos><mosID>device.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>77</messageID>\
                <heartbeat><time>2026-01-01T00:00:00</time></heartbeat></mos>";
    raw.write_all(&wire(beat)).await.unwrap();
    let mut first = [0; 2];
    raw.peek(&mut first).await.unwrap();
    assert_eq!(first, [0x00, b'<'], "UCS-2BE without BOM");
    let answer = read_document(&mut raw).await;
    assert!(
        answer.starts_with(
            "<mos><mosID>device.mos</mosID><ncsID>newsroom.mos</ncsID><messageID>77</messageID><heartbeat><time>"
        ),
        "{answer}"
    );
    // The answer to a heartbeat is not answered again (SPEC285 §4.1.1: no endless loop):
    // nothing follows it.
    let mut buf = [0; 16];
    assert!(timeout(Duration::from_millis(200), raw.read(&mut buf)).await.is_err());
}

#[tokio::test]
async fn a_message_split_into_one_byte_segments_arrives_whole() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let raw = TcpStream::connect(&addr).await.unwrap();
    raw.set_nodelay(true).unwrap();
    let conn = server.await.unwrap();
    let doc = Mos {
        mos_id: Some("device.mos".into()),
        ncs_id: Some("newsroom.mos".into()),
        message_id: Some(osmos::mos::MessageId::new(5).unwrap().into()),
        message: ro_create("RO-SPLIT", 4),
        unknown: Default::default(),
    };
    let bytes = doc.encode_utf16be();
    let mut raw = raw;
    // Every byte its own segment: characters and tags are cut everywhere, odd offsets too.
    for byte in bytes.chunks(1) {
        raw.write_all(byte).await.unwrap();
        raw.flush().await.unwrap();
    }
    let received = timeout(Duration::from_secs(10), conn.recv()).await.unwrap().unwrap();
    assert_eq!(received, doc);
}

#[tokio::test]
async fn an_unanswered_request_times_out_with_a_clear_error() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap() });
    let conn = tcp::connect(&addr, &config().ack_timeout(ACK_TIMEOUT)).await.unwrap();
    let _silent_peer = server.await.unwrap();
    let started = tokio::time::Instant::now();
    let err = conn.request(ro_create("RO1", 1)).await.unwrap_err();
    assert!(started.elapsed() >= ACK_TIMEOUT);
    let Error::AckTimeout { message, message_id, after } = &err else { panic!("{err:?}") };
    assert_eq!((*message, message_id.map(|id| id.get()), *after), ("roCreate", Some(1), ACK_TIMEOUT));
    assert_eq!(err.to_string(), "no acknowledgement of roCreate (messageID 1) within 300ms");
    // The next request goes out with the next ID; an acknowledgement is not something to wait for.
    assert!(matches!(conn.request(ro_ack("RO1", "OK")).await, Err(Error::NoReply("roAck"))));
}

#[tokio::test]
async fn a_late_acknowledgement_of_another_message_is_not_taken_for_this_one() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let mut raw = TcpStream::connect(&addr).await.unwrap();
    let conn = std::sync::Arc::new(server.await.unwrap());
    let requester = conn.clone();
    let request = tokio::spawn(async move { requester.request(ro_create("RO1", 1)).await });
    let sent = read_document(&mut raw).await;
    assert!(sent.contains("<messageID>1</messageID><roCreate>"), "{sent}");
    let stale = "<mos><mosID>d</mosID><ncsID>n</ncsID><messageID>9</messageID><roAck><roID>RO0</roID><roStatus>OK</roStatus></roAck></mos>";
    let right = "<mos><mosID>d</mosID><ncsID>n</ncsID><messageID>1</messageID><roAck><roID>RO1</roID><roStatus>OK</roStatus></roAck></mos>";
    raw.write_all(&wire(&format!("{stale}{right}"))).await.unwrap();
    let ack = request.await.unwrap().unwrap();
    assert_eq!(kind(&ack), ("roAck".into(), Some(1)));
    // The stale one goes to the application.
    assert_eq!(kind(&conn.recv().await.unwrap()), ("roAck".into(), Some(9)));
}

#[tokio::test]
async fn a_peer_that_disconnects_mid_message_is_reported_with_the_bytes_received() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let mut raw = TcpStream::connect(&addr).await.unwrap();
    let conn = server.await.unwrap();
    let whole =
        wire("<mos><mosID>d</mosID><ncsID>n</ncsID><messageID>1</messageID><roReq><roID>RO1</roID></roReq></mos>");
    let half = &whole[..41];
    raw.write_all(&whole).await.unwrap();
    raw.write_all(half).await.unwrap();
    drop(raw);
    assert_eq!(kind(&conn.recv().await.unwrap()), ("roReq".into(), Some(1)));
    let err = conn.recv().await.unwrap_err();
    assert!(matches!(err, Error::Disconnected { received: 41 }), "{err:?}");
    assert_eq!(err.to_string(), "the peer disconnected in the middle of a message (41 bytes of it received)");
    // From then on the connection says why it ended.
    assert!(matches!(conn.recv().await, Err(Error::Disconnected { received: 41 })));
    assert!(matches!(conn.request(heartbeat()).await, Err(Error::Disconnected { .. })));
}

#[tokio::test]
async fn a_waiting_request_learns_that_the_peer_disconnected() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let mut raw = TcpStream::connect(&addr).await.unwrap();
    let conn = std::sync::Arc::new(server.await.unwrap());
    let requester = conn.clone();
    let request = tokio::spawn(async move { requester.request(mos_obj("M1")).await });
    read_document(&mut raw).await;
    let partial = wire("<mos><mosID>d</mosID><mosAck><objID>M1</objID>");
    raw.write_all(&partial).await.unwrap();
    drop(raw);
    let err = request.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Disconnected { received } if received == partial.len()), "{err:?}");
}

#[tokio::test]
async fn a_reset_in_the_middle_of_a_message_is_a_disconnection_like_a_fin() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let raw = TcpStream::connect(&addr).await.unwrap();
    let conn = server.await.unwrap();
    let whole = wire("<mos><messageID>1</messageID><roReq><roID>RO1</roID></roReq></mos>");
    let mut raw = raw;
    raw.write_all(&whole[..30]).await.unwrap();
    raw.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // SO_LINGER 0: closing sends a RST instead of a FIN.
    raw.set_zero_linger().unwrap();
    drop(raw);
    let err = timeout(Duration::from_secs(5), conn.recv()).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Disconnected { received: 30 }), "{err:?}");
}

#[tokio::test]
async fn an_oversized_message_is_nacked_dropped_and_the_connection_goes_on() {
    let listener = tcp::Listener::bind("127.0.0.1:0", config().max_message_size(1024)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let mut raw = TcpStream::connect(addr).await.unwrap();
    let conn = server.await.unwrap();
    let big = format!(
        "<mos><mosID>d</mosID><messageID>1</messageID><roCreate><roID>RO1</roID><roSlug>{}</roSlug></roCreate></mos>",
        "x".repeat(4000)
    );
    let small = "<mos><mosID>d</mosID><messageID>2</messageID><roReq><roID>RO2</roID></roReq></mos>";
    raw.write_all(&wire(&format!("{big}{small}"))).await.unwrap();
    let err = conn.recv().await.unwrap_err();
    let Error::TooLarge { max: 1024, about } = &err else { panic!("{err:?}") };
    assert_eq!(
        (about.kind.as_deref(), about.message_id.map(|id| id.get()), about.nacked),
        (Some("roCreate"), Some(1), true)
    );
    assert_eq!(err.to_string(), "roCreate (messageID 1) larger than the maximum of 1024 bytes; dropped, NACKed");
    assert_eq!(kind(&conn.recv().await.unwrap()), ("roReq".into(), Some(2)));
    // The peer got a NACK at once, echoing the messageID and the running order's ID.
    let nack = read_document(&mut raw).await;
    let nack = Mos::decode(&nack).unwrap();
    assert_eq!(kind(&nack), ("roAck".into(), Some(1)));
    let MosMessage::RoAck(ack) = &nack.message else { panic!() };
    assert_eq!(ack.ro_id, "RO1");
    assert_eq!(ack.ro_status, "NACK: larger than the maximum of 1024 bytes");
}

/// The connection's limits hold where messages are decoded too, not only where they are cut.
#[tokio::test]
async fn the_connection_limits_bound_each_decode() {
    let limits = osmos::Limits { max_string_len: 16, ..osmos::Limits::DEFAULT };
    let listener = tcp::Listener::bind("127.0.0.1:0", config().limits(limits)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let mut raw = TcpStream::connect(addr).await.unwrap();
    let conn = server.await.unwrap();
    let long = format!("<mos><mosID>d</mosID><roReq><roID>{}</roID></roReq></mos>", "x".repeat(40));
    let short = "<mos><messageID>4</messageID><roReq><roID>RO4</roID></roReq></mos>";
    raw.write_all(&wire(&format!("{long}{short}"))).await.unwrap();
    let err = conn.recv().await.unwrap_err();
    let Error::Decode { error: e, .. } = &err else { panic!("{err:?}") };
    assert!(matches!(e.kind(), osmos::ErrorKind::Limit(_)), "{err}");
    assert_eq!(kind(&conn.recv().await.unwrap()), ("roReq".into(), Some(4)));
}

#[tokio::test]
async fn an_undecodable_message_is_nacked_and_an_error_for_that_message_only() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(async move { listener.accept().await.unwrap().0 });
    let mut raw = TcpStream::connect(&addr).await.unwrap();
    let conn = server.await.unwrap();
    let good = |id: u32| format!("<mos><messageID>{id}</messageID><roReq><roID>RO{id}</roID></roReq></mos>");
    let bad = "<mos><mosID>d</mosID><messageID>7</messageID><mosReqObj><objID>M7</objID><objID>M8</mosReqObj></mos>";
    raw.write_all(&wire(&format!("{}{bad}{}", good(2), good(3)))).await.unwrap();
    assert_eq!(kind(&conn.recv().await.unwrap()), ("roReq".into(), Some(2)));
    let err = conn.recv().await.unwrap_err();
    let Error::Decode { error: e, about } = &err else { panic!("{err:?}") };
    assert_eq!(
        (about.kind.as_deref(), about.message_id.map(|id| id.get()), about.nacked),
        (Some("mosReqObj"), Some(7), true)
    );
    assert!(err.to_string().starts_with("mosReqObj (messageID 7) undecodable: "), "{err}");
    assert!(err.to_string().ends_with(", NACKed"), "{err}");
    assert!(e.offset() > 0);
    assert_eq!(kind(&conn.recv().await.unwrap()), ("roReq".into(), Some(3)));
    let nack = read_document(&mut raw).await;
    let nack = Mos::decode(&nack).unwrap();
    assert_eq!(kind(&nack), ("mosAck".into(), Some(7)));
    let MosMessage::MosAck(ack) = &nack.message else { panic!() };
    assert_eq!((ack.obj_id.as_ref(), ack.status.value()), ("M7", "NACK"));
    assert!(ack.status_description.contains(&e.to_string()), "{}", ack.status_description);
}

#[tokio::test]
async fn a_refused_connection_names_the_address() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let err = tcp::connect(&free, &config()).await.unwrap_err();
    let Error::Connect { addr, source } = &err else { panic!("{err:?}") };
    assert_eq!(addr, &free);
    assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(err.to_string().starts_with(&format!("connection to {free} refused: nothing is listening there")), "{err}");
}
