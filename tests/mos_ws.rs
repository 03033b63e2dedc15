//! MOS 4.0 over WebSockets over TLS on loopback: both sides of `osmos::mos::net::ws`, and a
//! raw tokio-tungstenite peer for frames a well-behaved peer never sends.
#![cfg(feature = "mos-ws")]

#[path = "support/mos_net.rs"]
mod mos_net;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use mos_net::*;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::ws::tokio_rustls::rustls::pki_types::ServerName;
use osmos::mos::net::ws::tokio_rustls::rustls::RootCertStore;
use osmos::mos::net::ws::tokio_rustls::{client::TlsStream, TlsConnector};
use osmos::mos::net::ws::tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use osmos::mos::net::ws::tokio_tungstenite::tungstenite::protocol::frame::Frame;
use osmos::mos::net::ws::tokio_tungstenite::tungstenite::Message;
use osmos::mos::net::ws::tokio_tungstenite::{self, WebSocketStream};
use osmos::mos::net::ws::{self, Accepted, ChannelIn, ClientConfig, ClientTls, Mode, Server, ServerConfig, ServerTls};
use osmos::mos::net::{heartbeat, Channel, Connection, Error};
use tokio::net::TcpStream;
use tokio::time::timeout;

const USER: &str = "ncs";
const PASSWORD: &str = "s3cret";

struct Setup {
    server: Server,
    url: String,
    cert: String,
}

async fn setup(configure: impl FnOnce(ServerConfig) -> ServerConfig) -> Setup {
    let (tls, cert) = ServerTls::self_signed(&["localhost"]).unwrap();
    let config = configure(ServerConfig::new(config(), tls).credentials(USER, PASSWORD));
    let server = Server::bind("127.0.0.1:0", config).await.unwrap();
    let url = format!("wss://localhost:{}/mos", server.local_addr().unwrap().port());
    Setup { server, url, cert }
}

fn client(setup: &Setup) -> ClientConfig {
    ClientConfig::new(config(), ClientTls::trust_pem(setup.cert.as_bytes()).unwrap()).credentials(USER, PASSWORD)
}

/// Both ends of one connection: the server's and the client's.
async fn pair(setup: Setup, client: ClientConfig, channel: Channel) -> (Connection, Accepted, Connection) {
    let url = setup.url.clone();
    let server = tokio::spawn(async move { setup.server.accept().await });
    let client = ws::connect(&url, channel, &client).await.unwrap();
    let (conn, accepted) = server.await.unwrap().unwrap();
    (conn, accepted, client)
}

type Raw = WebSocketStream<TlsStream<TcpStream>>;

/// A bare WebSocket client with the right credentials, for frames `Connection` never sends.
async fn raw(setup: &Setup, query: &str) -> Raw {
    let tls = ClientTls::trust_pem(setup.cert.as_bytes()).unwrap();
    let port = setup.server.local_addr().unwrap().port();
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let tls = TlsConnector::from(tls.rustls()).connect(ServerName::try_from("localhost").unwrap(), tcp).await.unwrap();
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
        "wss://localhost:{port}/mos?{query}"
    ))
    .unwrap();
    let token = data_encoding::BASE64.encode(format!("{USER}:{PASSWORD}").as_bytes());
    request.headers_mut().insert("authorization", format!("Basic {token}").parse().unwrap());
    tokio_tungstenite::client_async(request, tls).await.unwrap().0
}

/// Accepts with a raw client, returning the server's connection.
async fn raw_pair(setup: Setup, query: &str) -> (Connection, Raw) {
    let accepting = async { setup.server.accept().await.unwrap().0 };
    let (conn, raw) = tokio::join!(accepting, raw(&setup, query));
    (conn, raw)
}

fn doc(message: MosMessage<'static>, id: i32) -> Mos<'static> {
    Mos {
        mos_id: Some("device.mos".into()),
        ncs_id: Some("newsroom.mos".into()),
        message_id: Some(osmos::mos::MessageId::new(id).unwrap().into()),
        message,
        unknown: Default::default(),
    }
}

#[tokio::test]
async fn standard_mode_the_device_dials_its_channel_and_gets_acknowledgements() {
    let setup = setup(|c| c).await;
    let client = client(&setup);
    let (newsroom, accepted, device) = pair(setup, client, Channel::Lower).await;
    assert_eq!(
        (accepted.channel, accepted.mode, accepted.user.as_deref()),
        (Channel::Lower, Mode::Standard, Some(USER))
    );
    let answering = tokio::spawn(async move {
        let obj = newsroom.recv().await.unwrap();
        let MosMessage::MosObj(m) = &obj.message else { panic!("{obj:?}") };
        assert_eq!(m.obj_slug, "Hôtel en feu");
        newsroom.reply(&obj, mos_ack("M1", "ACK")).await.unwrap();
        newsroom
    });
    let ack = device.request(mos_obj("M1")).await.unwrap();
    assert_eq!(kind(&ack), ("mosAck".into(), Some(1)));
    let newsroom = answering.await.unwrap();
    // Heartbeats are answered by the connection, both ways.
    assert_eq!(kind(&device.request(heartbeat()).await.unwrap()), ("heartbeat".into(), Some(2)));
    assert_eq!(kind(&newsroom.request(heartbeat()).await.unwrap()), ("heartbeat".into(), Some(1)));
    device.close().await;
    assert!(matches!(newsroom.recv().await, Err(Error::Closed)));
}

#[tokio::test]
async fn passive_mode_the_newsroom_sends_its_requests_over_the_devices_connection() {
    let setup = setup(|c| c).await;
    let mut client = client(&setup);
    client.mode = Mode::Passive;
    let (newsroom, accepted, device) = pair(setup, client, Channel::Upper).await;
    assert_eq!((accepted.channel, accepted.mode), (Channel::Upper, Mode::Passive));
    let answering = tokio::spawn(async move {
        let ro = device.recv().await.unwrap();
        let MosMessage::RoCreate(m) = &ro.message else { panic!("{ro:?}") };
        assert_eq!((m.ro_id.as_ref(), m.story.len()), ("RO1", 2));
        device.reply(&ro, ro_ack("RO1", "OK")).await.unwrap();
    });
    let ack = newsroom.request(ro_create("RO1", 2)).await.unwrap();
    let MosMessage::RoAck(m) = &ack.message else { panic!("{ack:?}") };
    assert_eq!((m.ro_id.as_ref(), m.ro_status.as_ref()), ("RO1", "OK"));
    answering.await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_gets_401_and_nothing_is_processed() {
    let setup = setup(|c| c).await;
    let wrong = client(&setup).credentials(USER, "guess");
    let none = ClientConfig { credentials: None, ..client(&setup) };
    let right = client(&setup);
    let url = setup.url.clone();
    let server = tokio::spawn(async move {
        let first = setup.server.accept().await.map(|_| ());
        let second = setup.server.accept().await.map(|_| ());
        // The next client is served; nothing of the refused ones reached it.
        let (conn, accepted) = setup.server.accept().await.unwrap();
        let first_message = conn.recv().await.unwrap();
        (first, second, accepted, first_message)
    });
    let err = ws::connect(&url, Channel::Upper, &wrong).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized), "{err:?}");
    assert_eq!(
        err.to_string(),
        "authentication failed: HTTP 401 Unauthorized (wrong or missing user name or password)"
    );
    assert!(matches!(ws::connect(&url, Channel::Upper, &none).await, Err(Error::Unauthorized)));
    let device = ws::connect(&url, Channel::Upper, &right).await.unwrap();
    device.send(&doc(ro_ack("RO9", "OK"), 9)).await.unwrap();
    let (first, second, accepted, first_message) = server.await.unwrap();
    assert!(matches!(first, Err(Error::Unauthorized)), "{first:?}");
    assert!(matches!(second, Err(Error::Unauthorized)), "{second:?}");
    assert_eq!(accepted.user.as_deref(), Some(USER));
    assert_eq!(kind(&first_message), ("roAck".into(), Some(9)));
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_unless_the_client_opts_in() {
    let setup = setup(|c| c).await;
    let untrusting = ClientConfig { tls: ClientTls::from_roots(RootCertStore::empty()).unwrap(), ..client(&setup) };
    let opted_in = ClientConfig { tls: ClientTls::danger_accept_self_signed().unwrap(), ..client(&setup) };
    let url = setup.url.clone();
    let server = tokio::spawn(async move {
        let refused = setup.server.accept().await.map(|_| ());
        let accepted = setup.server.accept().await.map(|(_, a)| a.channel);
        (refused, accepted)
    });
    let err = ws::connect(&url, Channel::Lower, &untrusting).await.unwrap_err();
    assert!(matches!(err, Error::Tls(_)), "{err:?}");
    assert!(err.to_string().starts_with("TLS handshake failed: "), "{err}");
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    let _conn = ws::connect(&url, Channel::Lower, &opted_in).await.unwrap();
    let (refused, accepted) = server.await.unwrap();
    assert!(matches!(refused, Err(Error::Tls(_))), "{refused:?}");
    assert_eq!(accepted.unwrap(), Channel::Lower);
}

#[tokio::test]
async fn an_idle_connection_sends_keep_alive_without_message_id() {
    let every = Duration::from_millis(150);
    let setup = setup(|c| ServerConfig { keep_alive: Some(every), ..c }).await;
    let (_conn, mut raw) = raw_pair(setup, "channel=ro").await;
    let started = tokio::time::Instant::now();
    for _ in 0..2 {
        let frame = timeout(Duration::from_secs(5), raw.next()).await.unwrap().unwrap().unwrap();
        let Message::Binary(bytes) = frame else { panic!("{frame:?}") };
        assert_eq!(&bytes[..2], &[0, b'<'], "UCS-2BE without BOM");
        let text = osmos::mos::to_utf8(&bytes).unwrap();
        assert_eq!(text, "<mos><mosID>device.mos</mosID><ncsID>newsroom.mos</ncsID><keepAlive/></mos>");
    }
    assert!(started.elapsed() >= every * 2);
}

#[tokio::test]
async fn a_received_keep_alive_needs_no_answer_and_is_not_handed_on() {
    let setup = setup(|c| c).await;
    let mut client = client(&setup);
    client.keep_alive = Some(Duration::from_millis(50));
    let (newsroom, _, device) = pair(setup, client, Channel::Lower).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    device.send(&doc(ro_ack("RO1", "OK"), 4)).await.unwrap();
    assert_eq!(kind(&newsroom.recv().await.unwrap()), ("roAck".into(), Some(4)));
}

#[tokio::test]
async fn a_message_split_across_many_frames_arrives_whole() {
    let setup = setup(|c| c).await;
    let (conn, mut raw) = raw_pair(setup, "channel=ro").await;
    let sent = doc(ro_create("RO-FRAMES", 5), 3);
    let bytes = sent.encode_utf16be();
    let pieces: Vec<&[u8]> = bytes.chunks(7).collect();
    for (i, piece) in pieces.iter().enumerate() {
        let opcode = if i == 0 { OpCode::Data(Data::Binary) } else { OpCode::Data(Data::Continue) };
        raw.send(Message::Frame(Frame::message(piece.to_vec(), opcode, i + 1 == pieces.len()))).await.unwrap();
    }
    assert!(pieces.len() > 100);
    let received = timeout(Duration::from_secs(5), conn.recv()).await.unwrap().unwrap();
    assert_eq!(received, sent);
}

#[tokio::test]
async fn a_text_frame_is_refused_with_a_close_frame() {
    let setup = setup(|c| c).await;
    let (conn, mut raw) = raw_pair(setup, "channel=mom").await;
    let utf8 = "<mos><mosID>d</mosID><heartbeat><time>2026-01-01T00:00:00</time></heartbeat></mos>";
    raw.send(Message::text(utf8)).await.unwrap();
    let err = conn.recv().await.unwrap_err();
    assert!(matches!(err, Error::TextFrame), "{err:?}");
    assert_eq!(err.to_string(), "a WebSocket text frame: MOS 4.0 sends each message as UCS-2BE in a binary frame");
    let frame = timeout(Duration::from_secs(5), raw.next()).await.unwrap().unwrap().unwrap();
    let Message::Close(Some(close)) = frame else { panic!("{frame:?}") };
    assert_eq!(close.code, CloseCode::Unsupported);
    assert_eq!(close.reason.as_str(), "MOS 4.0 messages are UCS-2BE in binary frames");
}

#[tokio::test]
async fn a_peer_that_disconnects_mid_message_is_reported() {
    let setup = setup(|c| c).await;
    let (conn, mut raw) = raw_pair(setup, "channel=ro").await;
    let bytes = doc(ro_create("RO1", 3), 1).encode_utf16be();
    raw.send(Message::Frame(Frame::message(bytes[..200].to_vec(), OpCode::Data(Data::Binary), false))).await.unwrap();
    // Gone without a close frame or TLS close_notify.
    drop(raw);
    let err = timeout(Duration::from_secs(5), conn.recv()).await.unwrap().unwrap_err();
    let Error::Disconnected { received } = err else { panic!("{err:?}") };
    // The fragment and its frame header (2 bytes, 2 of length, 4 of mask).
    assert_eq!(received, 208);
}

#[tokio::test]
async fn an_oversized_message_is_refused() {
    let setup = setup(|c| ServerConfig { session: c.session.clone().max_message_size(1024), ..c }).await;
    let (conn, mut raw) = raw_pair(setup, "channel=ro").await;
    let big = doc(ro_create("RO-BIG", 40), 1).encode_utf16be();
    assert!(big.len() > 2048);
    raw.send(Message::binary(big)).await.unwrap();
    let err = timeout(Duration::from_secs(5), conn.recv()).await.unwrap().unwrap_err();
    // tungstenite refuses the frame unread and ends the connection: nothing to NACK from.
    let Error::TooLarge { max: 1024, about } = &err else { panic!("{err:?}") };
    assert!(!about.nacked);
}

#[tokio::test]
async fn the_channel_can_be_the_last_path_segment_and_a_missing_one_is_400() {
    let setup = setup(|c| ServerConfig { channel_in: ChannelIn::Path, ..c }).await;
    let by_path = ClientConfig { channel_in: ChannelIn::Path, ..client(&setup) };
    let by_query = client(&setup);
    let url = setup.url.clone();
    let server = tokio::spawn(async move {
        let first = setup.server.accept().await.map(|(_, a)| a.channel);
        let second = setup.server.accept().await.map(|(_, a)| a.channel);
        (first, second)
    });
    let _aux = ws::connect(&url, Channel::Query, &by_path).await.unwrap();
    let err = ws::connect(&url, Channel::Query, &by_query).await.unwrap_err();
    let Error::Handshake(text) = &err else { panic!("{err:?}") };
    assert!(
        text.starts_with(
            "the server answered HTTP 400 Bad Request: no MOS channel (mom, ro or aux) in /mos?channel=aux"
        ),
        "{text}"
    );
    let (first, second) = server.await.unwrap();
    assert_eq!(first.unwrap(), Channel::Query);
    assert!(matches!(second, Err(Error::Handshake(_))), "{second:?}");
}

#[tokio::test]
async fn a_refused_connection_names_the_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = ClientConfig::new(config(), ClientTls::danger_accept_self_signed().unwrap());
    let err = ws::connect(&format!("wss://127.0.0.1:{port}/mos"), Channel::Lower, &config).await.unwrap_err();
    let Error::Connect { addr, source } = &err else { panic!("{err:?}") };
    assert_eq!(addr, &format!("127.0.0.1:{port}"));
    assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
    let plain = ws::connect(&format!("ws://127.0.0.1:{port}/mos"), Channel::Lower, &config).await.unwrap_err();
    assert_eq!(
        plain.to_string(),
        format!(
            "WebSocket handshake failed: bad URL ws://127.0.0.1:{port}/mos: MOS 4.0 runs over TLS, the scheme is wss"
        )
    );
}
