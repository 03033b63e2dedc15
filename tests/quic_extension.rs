#![cfg(all(feature = "quic", feature = "derive"))]
//! The QUIC transport with a message set of its own: standard and vendor messages on one
//! stream, and 404 for a key neither has.

use std::borrow::Cow;
use std::time::Duration;

use osmos::openscreen::{self, AgentInfoRequest};
use osmos::quic::{self, AgentIdentity, Config, Connection, Error, MessageSet, Server, Verify};

/// A vendor message in the one-byte extension range.
#[derive(Debug, Clone, PartialEq, osmos::Message)]
#[osmos(type_key = 50)]
pub struct VendorPing<'a> {
    #[osmos(key = 0)]
    pub request_id: u64,
    #[osmos(key = "vendor-note", size(max = 64))]
    pub note: Option<Cow<'a, str>>,
}

// The standard set is large; boxing it would only cost an allocation per message here.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, osmos::Messages)]
pub enum Incoming<'a> {
    #[osmos(set)]
    Standard(openscreen::Message<'a>),
    Ping(VendorPing<'a>),
}

impl MessageSet for Incoming<'static> {
    type Frame<'a> = Incoming<'a>;
}

const WAIT: Duration = Duration::from_secs(5);

async fn pair() -> (Server, Connection<Incoming<'static>>, Connection<Incoming<'static>>) {
    let config = Config { handshake_timeout: WAIT, idle_timeout: WAIT, keep_alive: None, ..Config::default() };
    let identity = AgentIdentity::generate("vendor.test").unwrap();
    let mut server = Server::bind("127.0.0.1:0".parse().unwrap(), &identity, config.clone()).unwrap();
    let addr = server.local_addr().unwrap();
    let verify = Verify::Fingerprint(identity.fingerprint());
    let me = AgentIdentity::generate("controller.test").unwrap();
    let (accepted, client) =
        tokio::join!(server.accept::<Incoming<'static>>(), quic::connect(addr, &me, verify, &config));
    (server, client.unwrap(), accepted.unwrap().unwrap())
}

#[tokio::test]
async fn standard_and_vendor_messages_share_a_stream() {
    let (_server, client, mut receiver) = pair().await;
    let sent = [
        Incoming::from(openscreen::Message::from(AgentInfoRequest { request_id: 1 })),
        Incoming::Ping(VendorPing { request_id: 2, note: Some("hello".into()) }),
        Incoming::Ping(VendorPing { request_id: 3, note: None }),
    ];
    let mut stream = client.open_stream().await.unwrap();
    for message in &sent {
        stream.send(message).await.unwrap();
    }
    stream.finish().unwrap();
    for message in &sent {
        assert_eq!(receiver.recv_timeout(WAIT).await.unwrap().as_ref(), Some(message));
    }
}

#[tokio::test]
async fn a_key_the_extended_set_lacks_still_closes_with_404() {
    let (_server, mut client, mut receiver) = pair().await;
    let mut stream = client.open_stream().await.unwrap();
    // Key 50 is the vendor's; 51 is nobody's.
    stream.write_frames(&[0x32, 0xa1, 0x00, 0x01, 0x33, 0xa0]).await.unwrap();
    stream.finish().unwrap();
    let first = receiver.recv_timeout(WAIT).await.unwrap();
    assert_eq!(first, Some(Incoming::Ping(VendorPing { request_id: 1, note: None })));
    let err = receiver.recv_timeout(WAIT).await.unwrap_err();
    assert!(matches!(err, Error::UnknownTypeKey { key: 51, .. }), "{err:?}");
    match client.recv_timeout(WAIT).await.unwrap_err() {
        Error::ClosedByPeer { code, reason } => assert_eq!((code, reason.as_str()), (404, "unknown type key 51")),
        other => panic!("{other:?}"),
    }
}
