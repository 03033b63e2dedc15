#![cfg(feature = "quic")]
//! Open Screen over QUIC on loopback: a full exchange, frames split across many writes, and
//! every failure a user meets (wrong certificate, nobody listening, a peer that stops
//! mid-frame, an unknown type key, a malformed or oversized frame, a timeout) with the error
//! each side sees and the code the connection is closed with.

use std::time::Duration;

use osmos::openscreen::{
    AgentCapability, AgentInfo, AgentInfoRequest, AgentInfoResponse, HttpHeader, Message, PresentationStartRequest,
    PresentationStartResponse, PresentationUrlAvailabilityRequest, PresentationUrlAvailabilityResponse, ResultType,
    UrlAvailability,
};
use osmos::quic::{self, AgentIdentity, Config, Connection, Error, Server, Verify};
use osmos::ErrorKind;

type Conn = Connection<Message<'static>>;

/// Every wait in these tests is bounded by this, so a failure fails instead of hanging.
const WAIT: Duration = Duration::from_secs(5);

fn config() -> Config {
    Config { handshake_timeout: WAIT, idle_timeout: WAIT, keep_alive: None, ..Config::default() }
}

fn controller() -> AgentIdentity {
    AgentIdentity::generate("controller.test").unwrap()
}

/// A server on an ephemeral loopback port and a client connected to it, pinning its fingerprint.
async fn pair(server_config: Config) -> (Server, AgentIdentity, Conn, Conn) {
    pair_as(&controller(), server_config).await
}

async fn pair_as(controller: &AgentIdentity, server_config: Config) -> (Server, AgentIdentity, Conn, Conn) {
    let identity = AgentIdentity::generate("receiver.test").unwrap();
    let mut server = Server::bind("127.0.0.1:0".parse().unwrap(), &identity, server_config).unwrap();
    let addr = server.local_addr().unwrap();
    let verify = Verify::Fingerprint(identity.fingerprint());
    let client_config = config();
    let (accepted, client) =
        tokio::join!(server.accept::<Message<'static>>(), quic::connect(addr, controller, verify, &client_config));
    (server, identity, client.unwrap(), accepted.unwrap().unwrap())
}

fn frame(message: impl Into<Message<'static>>) -> Vec<u8> {
    let mut out = Vec::new();
    message.into().encode_frame(&mut out).unwrap();
    out
}

fn start_request() -> PresentationStartRequest<'static> {
    PresentationStartRequest {
        request_id: 3,
        presentation_id: "0123456789abcdef-presentation".into(),
        url: "https://example.com/slides".into(),
        headers: vec![HttpHeader { key: "accept-language".into(), value: "en".into() }],
    }
}

fn availability_request(urls: usize) -> PresentationUrlAvailabilityRequest<'static> {
    PresentationUrlAvailabilityRequest {
        request_id: 2,
        urls: (0..urls).map(|i| format!("https://example.com/display/{i:05}").into()).collect(),
        watch_duration: 60_000_000,
        watch_id: 7,
    }
}

async fn next(conn: &mut Conn) -> Result<Option<Message<'static>>, Error> {
    conn.recv_timeout(WAIT).await
}

/// The receiver's side of the exchange: one answer per request, each on its own stream.
async fn answer_three(mut conn: Conn) -> Conn {
    for _ in 0..3 {
        let answer = match next(&mut conn).await.unwrap().unwrap() {
            Message::AgentInfoRequest(r) => Message::from(AgentInfoResponse {
                request_id: r.request_id,
                agent_info: AgentInfo {
                    display_name: "Living room".into(),
                    model_name: "test".into(),
                    capabilities: vec![AgentCapability::ReceivePresentation],
                    state_token: "abcdEF12".into(),
                    locales: vec!["en".into()],
                },
            }),
            Message::PresentationUrlAvailabilityRequest(r) => Message::from(PresentationUrlAvailabilityResponse {
                request_id: r.request_id,
                url_availabilities: r.urls.iter().map(|_| UrlAvailability::Available).collect(),
            }),
            Message::PresentationStartRequest(r) => Message::from(PresentationStartResponse {
                request_id: r.request_id,
                result: ResultType::Success,
                connection_id: 42,
                http_response_code: Some(200),
            }),
            other => panic!("unexpected {other:?}"),
        };
        conn.send(&answer).await.unwrap();
    }
    conn
}

#[tokio::test]
async fn full_exchange_over_one_ordered_stream() {
    let me = controller();
    let (_server, identity, mut client, receiver) = pair_as(&me, config()).await;
    // Each side knows the other by its certificate's fingerprint.
    assert_eq!(client.peer_fingerprint(), Some(identity.fingerprint()));
    assert_eq!(receiver.peer_fingerprint(), Some(me.fingerprint()));
    let receiver = tokio::spawn(answer_three(receiver));

    let mut stream = client.open_stream().await.unwrap();
    stream.send(&Message::from(AgentInfoRequest { request_id: 1 })).await.unwrap();
    stream.send(&Message::from(availability_request(2))).await.unwrap();
    stream.send(&Message::from(start_request())).await.unwrap();
    stream.finish().unwrap();

    // Answers come on separate streams: their order among each other is not defined.
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(next(&mut client).await.unwrap().unwrap());
    }
    answers.sort_by_key(|m| m.type_key());
    match &answers[..] {
        [Message::AgentInfoResponse(info), Message::PresentationUrlAvailabilityResponse(avail), Message::PresentationStartResponse(start)] =>
        {
            assert_eq!((info.request_id, &*info.agent_info.display_name), (1, "Living room"));
            assert_eq!(info.agent_info.capabilities, [AgentCapability::ReceivePresentation]);
            assert_eq!(avail.request_id, 2);
            assert_eq!(avail.url_availabilities, [UrlAvailability::Available; 2]);
            assert_eq!((start.request_id, start.result, start.connection_id), (3, ResultType::Success, 42));
            assert_eq!(start.http_response_code, Some(200));
        }
        other => panic!("unexpected answers {other:?}"),
    }

    // A clean close ends the other side's messages with `None`, not an error.
    let mut receiver = receiver.await.unwrap();
    client.close().await;
    assert!(matches!(next(&mut receiver).await, Ok(None)));
}

#[tokio::test]
async fn a_message_split_across_many_writes_arrives_whole() {
    let (_server, _identity, client, mut receiver) = pair(config()).await;
    let messages = [
        Message::from(availability_request(3000)),
        Message::from(AgentInfoRequest { request_id: 9 }),
        Message::from(start_request()),
    ];
    let wire: Vec<u8> = messages.iter().flat_map(|m| frame(m.clone())).collect();
    assert!(wire.len() > 100_000, "{}", wire.len());

    let mut stream = client.open_stream().await.unwrap();
    let mut rest = &wire[..];
    let mut writes = 0;
    while !rest.is_empty() {
        // 1, 2, 3, 5, 8 … 987 bytes, over again: cuts fall inside the type keys and the CBOR.
        let size = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987][writes % 15].min(rest.len());
        stream.write_frames(&rest[..size]).await.unwrap();
        rest = &rest[size..];
        writes += 1;
        tokio::task::yield_now().await;
    }
    stream.finish().unwrap();
    assert!(writes > 500, "{writes}");

    for sent in &messages {
        assert_eq!(&next(&mut receiver).await.unwrap().unwrap(), sent);
    }
    drop(client);
    assert!(matches!(next(&mut receiver).await, Ok(None)));
}

#[tokio::test]
async fn an_unknown_type_key_closes_the_connection_with_404() {
    let (_server, _identity, mut client, mut receiver) = pair(config()).await;
    let mut stream = client.open_stream().await.unwrap();
    let mut wire = frame(AgentInfoRequest { request_id: 1 });
    // Type key 63: the end of the one-byte extension range, no message of the standard set.
    wire.extend_from_slice(&[0x3f, 0xa0]);
    stream.write_frames(&wire).await.unwrap();
    stream.finish().unwrap();

    // The frame before the bad one is delivered first.
    assert_eq!(next(&mut receiver).await.unwrap(), Some(Message::from(AgentInfoRequest { request_id: 1 })));
    let err = next(&mut receiver).await.unwrap_err();
    assert!(matches!(err, Error::UnknownTypeKey { key: 63, .. }), "{err:?}");
    assert!(err.to_string().ends_with("unknown type key 63; connection closed with error 404"), "{err}");

    // The sender learns why: application error 404, the key in the reason phrase.
    match next(&mut client).await.unwrap_err() {
        Error::ClosedByPeer { code, reason } => assert_eq!((code, reason.as_str()), (404, "unknown type key 63")),
        other => panic!("{other:?}"),
    }
    // Sending on a closed connection says so too.
    let err = client.send(&Message::from(AgentInfoRequest { request_id: 2 })).await.unwrap_err();
    assert!(matches!(err, Error::ClosedByPeer { code: 404, .. }), "{err:?}");
}

#[tokio::test]
async fn a_stream_finished_mid_frame_is_reported_with_what_was_buffered() {
    let (_server, _identity, mut client, mut receiver) = pair(config()).await;
    let wire = frame(start_request());
    let mut stream = client.open_stream().await.unwrap();
    stream.write_frames(&wire[..7]).await.unwrap();
    stream.finish().unwrap();

    match next(&mut receiver).await.unwrap_err() {
        Error::PeerClosedMidFrame { buffered, how, .. } => {
            assert_eq!(buffered, 7);
            assert_eq!(how, "the peer finished the stream");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(next(&mut client).await, Err(Error::ClosedByPeer { code: 400, .. })));
}

#[tokio::test]
async fn a_peer_that_disconnects_mid_frame_is_reported_with_what_was_buffered() {
    let (_server, _identity, client, mut receiver) = pair(config()).await;
    let wire = frame(start_request());
    let mut stream = client.open_stream().await.unwrap();
    stream.write_frames(&wire[..wire.len() - 1]).await.unwrap();
    // Let the bytes arrive before the connection goes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.close().await;

    let err = next(&mut receiver).await.unwrap_err();
    match &err {
        Error::PeerClosedMidFrame { buffered, how, .. } => {
            assert_eq!(*buffered, wire.len() - 1);
            assert!(how.starts_with("connection ended"), "{how}");
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(&format!("{} bytes of an incomplete frame were buffered", wire.len() - 1)), "{text}");
    assert!(matches!(next(&mut receiver).await, Ok(None)));
}

#[tokio::test]
async fn a_frame_over_the_limit_closes_the_connection_with_413() {
    // Arriving over many reads: refused as soon as the buffered part is over the limit.
    let (_server, _identity, mut client, mut receiver) = pair(Config { max_frame: 4096, ..config() }).await;
    client.send(&Message::from(availability_request(3000))).await.unwrap();
    match next(&mut receiver).await.unwrap_err() {
        Error::FrameTooLarge { max, buffered, .. } => assert!(max == 4096 && buffered > 4096, "{buffered}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(next(&mut client).await, Err(Error::ClosedByPeer { code: 413, .. })));

    // Arriving whole in one read: refused all the same, with its exact size.
    let (_server, _identity, client, mut receiver) = pair(Config { max_frame: 100, ..config() }).await;
    let message = Message::from(availability_request(5));
    let size = frame(message.clone()).len();
    assert!((101..1000).contains(&size), "{size}");
    client.send(&message).await.unwrap();
    let err = next(&mut receiver).await.unwrap_err();
    assert!(matches!(err, Error::FrameTooLarge { max: 100, buffered, .. } if buffered == size), "{err:?}");
    assert!(err.to_string().contains("frame larger than the limit of 100 bytes"), "{err}");
}

#[tokio::test]
async fn a_malformed_frame_is_a_decode_error_at_its_stream_offset() {
    let (_server, _identity, mut client, mut receiver) = pair(config()).await;
    let good = frame(AgentInfoRequest { request_id: 1 });
    let mut wire = good.clone();
    // agent-info-request (key 10) whose body is the text "x" instead of a map.
    wire.extend_from_slice(&[0x0a, 0x61, 0x78]);
    let mut stream = client.open_stream().await.unwrap();
    stream.write_frames(&wire).await.unwrap();
    stream.finish().unwrap();

    assert!(matches!(next(&mut receiver).await, Ok(Some(Message::AgentInfoRequest(_)))));
    match next(&mut receiver).await.unwrap_err() {
        Error::Decode { frame_offset, error, .. } => {
            assert_eq!(frame_offset, good.len() as u64);
            assert!(matches!(error.kind(), ErrorKind::UnexpectedType { .. }), "{error:?}");
            assert_eq!(error.offset(), 1);
            assert_eq!(error.path().to_string(), "agent-info-request");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(next(&mut client).await, Err(Error::ClosedByPeer { code: 400, .. })));
}

#[tokio::test]
async fn a_wrong_fingerprint_fails_the_handshake_on_both_sides() {
    let identity = AgentIdentity::generate("receiver.test").unwrap();
    let impostor = AgentIdentity::generate("receiver.test").unwrap();
    let mut server = Server::bind("127.0.0.1:0".parse().unwrap(), &identity, config()).unwrap();
    let addr = server.local_addr().unwrap();
    let verify = Verify::Fingerprint(impostor.fingerprint());
    let (client_config, me) = (config(), controller());
    let (accepted, client) = tokio::join!(
        server.accept::<Message<'static>>(),
        quic::connect::<Message<'static>>(addr, &me, verify, &client_config)
    );

    let err = client.unwrap_err();
    match &err {
        Error::Tls { peer: Some(peer), detail } => {
            assert_eq!(*peer, addr);
            let expected = format!(
                "the certificate's fingerprint is {}, expected {}",
                identity.fingerprint(),
                impostor.fingerprint()
            );
            assert_eq!(*detail, expected);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with(&format!("TLS handshake with {addr} failed")), "{err}");
    match accepted {
        Some(Err(Error::Tls { detail, .. })) => assert!(detail.starts_with("the peer rejected it"), "{detail}"),
        other => panic!("{other:?}"),
    }

    // The testing-only switch accepts the same server.
    let (accepted, client) = tokio::join!(
        server.accept::<Message<'static>>(),
        quic::connect::<Message<'static>>(addr, &me, Verify::AnyCertificateForTesting, &client_config)
    );
    assert_eq!(client.unwrap().peer_fingerprint(), Some(identity.fingerprint()));
    assert!(accepted.unwrap().is_ok());
}

#[tokio::test]
async fn nobody_listening_is_a_handshake_timeout() {
    // A UDP port that is bound but never answers (QUIC ignores ICMP "port unreachable", so a
    // closed port looks the same, only slower to show here).
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let short = Config { handshake_timeout: Duration::from_millis(300), ..config() };
    let verify = Verify::Fingerprint(AgentIdentity::generate("x").unwrap().fingerprint());
    let err = quic::connect::<Message<'static>>(addr, &controller(), verify, &short).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(300)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("timed out after 300ms waiting for the handshake with {addr} (no Open Screen agent answering there?)")
    );
}

#[tokio::test]
async fn recv_timeout_and_encode_errors_are_reported_without_closing() {
    let (_server, _identity, mut client, mut receiver) = pair(config()).await;
    let err = client.recv_timeout(Duration::from_millis(100)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(100)), "{err:?}");

    // `urls` is `[1* text]`: an empty list is refused before anything is written.
    let err = client.send(&Message::from(availability_request(0))).await.unwrap_err();
    match &err {
        Error::Encode(e) => assert_eq!(e.path().to_string(), "presentation-url-availability-request.urls"),
        other => panic!("{other:?}"),
    }
    // The connection is still up.
    client.send(&Message::from(AgentInfoRequest { request_id: 5 })).await.unwrap();
    assert_eq!(next(&mut receiver).await.unwrap(), Some(Message::from(AgentInfoRequest { request_id: 5 })));
}

#[tokio::test]
async fn binding_an_address_in_use_says_which() {
    let identity = AgentIdentity::generate("receiver.test").unwrap();
    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let err = Server::bind(addr, &identity, config()).unwrap_err();
    assert!(matches!(&err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AddrInUse), "{err:?}");
    assert!(err.to_string().starts_with(&format!("cannot listen on {addr}: ")), "{err}");
}

/// QUIC's CONNECTION_REFUSED, as a server that stopped accepting sends it.
#[tokio::test]
async fn a_closed_server_refuses() {
    let identity = AgentIdentity::generate("receiver.test").unwrap();
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), &identity, config()).unwrap();
    let addr = server.local_addr().unwrap();
    server.close();
    let verify = Verify::Fingerprint(identity.fingerprint());
    let short = Config { handshake_timeout: Duration::from_millis(500), ..config() };
    let err = quic::connect::<Message<'static>>(addr, &controller(), verify, &short).await.unwrap_err();
    assert!(matches!(&err, Error::Refused { peer, .. } if *peer == addr), "{err:?}");
    assert_eq!(err.to_string(), format!("{addr} refused the connection (it is not accepting connections)"));
}

#[tokio::test]
async fn independent_messages_each_on_a_stream_all_arrive() {
    let (_server, _identity, client, mut receiver) = pair(config()).await;
    // More streams than `max_incoming_streams` (100) and than the receive queue holds: the
    // sender waits on flow control until the receiver reads.
    let sender = tokio::spawn(async move {
        for id in 1..=250 {
            client.send(&Message::from(AgentInfoRequest { request_id: id })).await.unwrap();
        }
        client
    });
    let mut ids = Vec::new();
    for _ in 1..=250 {
        match next(&mut receiver).await.unwrap() {
            Some(Message::AgentInfoRequest(r)) => ids.push(r.request_id),
            other => panic!("{other:?}"),
        }
    }
    ids.sort_unstable();
    assert_eq!(ids, (1..=250).collect::<Vec<u64>>());
    drop(sender.await.unwrap());
    assert!(matches!(next(&mut receiver).await, Ok(None)));
}
