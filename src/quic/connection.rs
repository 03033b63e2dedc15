//! Connections: the server side, the client side, and the tasks that turn incoming
//! unidirectional streams into messages.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use quinn::{ReadError, VarInt, WriteError};
use tokio::sync::mpsc;

use super::identity::Rejection;
use super::{encode, AgentIdentity, Config, Error, Fingerprint, MessageSet, Verify};
use super::{BAD_FRAME, FRAME_TOO_LARGE, UNKNOWN_TYPE_KEY};
use crate::cbor::IntoOwned;
use crate::frame::{FrameEncode, FrameReader};
use crate::{DecodeError, ErrorKind};

/// The most a stream read takes at once: bounds what one stream buffers beyond `max_frame`.
const READ_CHUNK: usize = 16 * 1024;

/// Received messages (and errors) waiting for [`Connection::recv`]; a full queue stops the
/// stream readers, and QUIC flow control then stops the peer.
const QUEUE: usize = 64;

/// The reason phrase of a close is cut to this many bytes, so it always fits in one packet.
const MAX_REASON: usize = 200;

/// Handshakes done and waiting for [`Server::accept`].
const ACCEPTED: usize = 16;

/// An agent accepting connections (a receiver, typically).
///
/// Handshakes run concurrently in the background, each bounded by
/// [`Config::handshake_timeout`], so a slow or silent client does not hold up the others.
/// Dropping the server stops accepting; connections already accepted go on.
#[derive(Debug)]
pub struct Server {
    endpoint: quinn::Endpoint,
    config: Config,
    handshakes: mpsc::Receiver<Result<quinn::Connection, Error>>,
    acceptor: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Listens on `addr` (port 0: any free port, see [`Server::local_addr`]) with the
    /// certificate of `identity`. Must be called within a tokio runtime.
    pub fn bind(addr: SocketAddr, identity: &AgentIdentity, config: Config) -> Result<Server, Error> {
        let server = server_config(identity, &config)?;
        let endpoint = quinn::Endpoint::server(server, addr)
            .map_err(|source| Error::Io { context: format!("cannot listen on {addr}"), source })?;
        let (tx, handshakes) = mpsc::channel(ACCEPTED);
        let acceptor = tokio::spawn(accept_connections(endpoint.clone(), tx, config.clone()));
        Ok(Server { endpoint, config, handshakes, acceptor })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        self.endpoint.local_addr().map_err(|source| Error::Io { context: "local address".into(), source })
    }

    /// The next connection whose handshake is done; `None` once the server is closed. An error
    /// concerns one connection attempt (a client that rejected the certificate, say): the
    /// server goes on accepting.
    pub async fn accept<M: MessageSet>(&mut self) -> Option<Result<Connection<M>, Error>> {
        let handshake = self.handshakes.recv().await?;
        Some(handshake.map(|conn| Connection::start(conn, None, &self.config)))
    }

    /// Presents `identity`'s certificate to the connections that come next (those already
    /// accepted keep theirs): for an agent whose certificate was renewed.
    pub fn set_identity(&self, identity: &AgentIdentity) -> Result<(), Error> {
        self.endpoint.set_server_config(Some(server_config(identity, &self.config)?));
        Ok(())
    }

    /// Stops accepting and closes every connection of this server.
    pub fn close(&self) {
        self.endpoint.close(VarInt::from_u32(0), b"server closing");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The acceptor holds the endpoint: without it, the socket closes once the accepted
        // connections are gone.
        self.acceptor.abort();
    }
}

fn server_config(identity: &AgentIdentity, config: &Config) -> Result<quinn::ServerConfig, Error> {
    let tls = identity.server_tls()?;
    let crypto = QuicServerConfig::try_from(tls).map_err(|e| Error::Tls { peer: None, detail: e.to_string() })?;
    let mut server = quinn::ServerConfig::with_crypto(Arc::new(crypto));
    server.transport_config(transport(config)?);
    Ok(server)
}

/// Takes each incoming connection through its handshake in a task of its own.
async fn accept_connections(
    endpoint: quinn::Endpoint,
    tx: mpsc::Sender<Result<quinn::Connection, Error>>,
    config: Config,
) {
    while let Some(incoming) = endpoint.accept().await {
        let peer = incoming.remote_address();
        let (tx, config) = (tx.clone(), config.clone());
        tokio::spawn(async move {
            let result = match incoming.accept() {
                Ok(connecting) => handshake(connecting, peer, &config).await,
                Err(e) => Err(Error::from_connection(e, peer, config.idle_timeout)),
            };
            let _ = tx.send(result).await;
        });
    }
}

/// Connects to the agent at `peer` as `identity`, checking the peer's certificate as `verify`
/// says. Sends no TLS server name; [`connect_to_agent`] sends the agent hostname as the spec
/// asks. Must be called within a tokio runtime.
pub async fn connect<M: MessageSet>(
    peer: SocketAddr,
    identity: &AgentIdentity,
    verify: Verify,
    config: &Config,
) -> Result<Connection<M>, Error> {
    connect_named(peer, None, identity, verify, config).await
}

/// [`connect`] to an agent known by its agent hostname (from its certificate, or computed with
/// [`agent_hostname`](super::certificate::agent_hostname) from the mDNS `sn` and instance name),
/// which is sent as the TLS server name in the DNS-safe form of
/// [`sni_name`](super::certificate::sni_name): rustls cannot send the spec's form (base64 is
/// not a DNS label).
pub async fn connect_to_agent<M: MessageSet>(
    peer: SocketAddr,
    hostname: &str,
    identity: &AgentIdentity,
    verify: Verify,
    config: &Config,
) -> Result<Connection<M>, Error> {
    connect_named(peer, Some(&super::certificate::sni_name(hostname)), identity, verify, config).await
}

async fn connect_named<M: MessageSet>(
    peer: SocketAddr,
    server_name: Option<&str>,
    identity: &AgentIdentity,
    verify: Verify,
    config: &Config,
) -> Result<Connection<M>, Error> {
    let (tls, rejected) = verify.client_tls(identity)?;
    let crypto = QuicClientConfig::try_from(tls).map_err(|e| Error::Tls { peer: None, detail: e.to_string() })?;
    let mut client = quinn::ClientConfig::new(Arc::new(crypto));
    client.transport_config(transport(config)?);
    let local: SocketAddr =
        if peer.is_ipv4() { (Ipv4Addr::UNSPECIFIED, 0).into() } else { (Ipv6Addr::UNSPECIFIED, 0).into() };
    let endpoint = quinn::Endpoint::client(local)
        .map_err(|source| Error::Io { context: format!("cannot open a UDP socket on {local}"), source })?;
    // Agents are authenticated by fingerprint, not by name: the name only has to be valid. An
    // IP address as name sends no server_name extension.
    let name = server_name.map(str::to_owned).unwrap_or_else(|| peer.ip().to_string());
    let connecting = endpoint
        .connect_with(client, peer, &name)
        .map_err(|e| Error::ConnectionLost(format!("cannot connect to {peer}: {e}")))?;
    let conn = handshake(connecting, peer, config).await.map_err(|e| {
        let found = rejected.lock().unwrap_or_else(|e| e.into_inner()).take();
        match (found, &verify) {
            (Some(Rejection::Fingerprint(found)), Verify::Fingerprint(expected)) => Error::Tls {
                peer: Some(peer),
                detail: format!("the certificate's fingerprint is {found}, expected {expected}"),
            },
            (Some(Rejection::Requirement(rejected)), _) => {
                Error::Tls { peer: Some(peer), detail: format!("the server's certificate is {rejected}") }
            }
            _ => e,
        }
    })?;
    Ok(Connection::start(conn, Some(endpoint), config))
}

async fn handshake(
    connecting: quinn::Connecting,
    peer: SocketAddr,
    config: &Config,
) -> Result<quinn::Connection, Error> {
    match tokio::time::timeout(config.handshake_timeout, connecting).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(quinn::ConnectionError::TimedOut)) | Err(_) => Err(Error::Timeout {
            waiting_for: format!("the handshake with {peer} (no Open Screen agent answering there?)"),
            after: config.handshake_timeout,
        }),
        Ok(Err(e)) => Err(Error::from_connection(e, peer, config.idle_timeout)),
    }
}

fn transport(config: &Config) -> Result<Arc<quinn::TransportConfig>, Error> {
    let idle = quinn::IdleTimeout::try_from(config.idle_timeout).map_err(|_| Error::Io {
        context: format!("idle timeout {:?}", config.idle_timeout),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "too long for QUIC"),
    })?;
    let mut transport = quinn::TransportConfig::default();
    transport.max_idle_timeout(Some(idle));
    transport.keep_alive_interval(config.keep_alive);
    // Open Screen only uses unidirectional streams.
    transport.max_concurrent_bidi_streams(VarInt::from_u32(0));
    transport.max_concurrent_uni_streams(VarInt::from_u32(config.max_incoming_streams));
    Ok(Arc::new(transport))
}

/// An Open Screen connection reading messages of the set `M`.
///
/// Incoming streams are read in the background as soon as the connection is up; their messages
/// queue for [`Connection::recv`], in order within each stream. A protocol error on any stream
/// closes the connection (the spec's 404 for an unknown type key) and is the next thing `recv`
/// returns after the messages before it. Dropping the connection closes it.
#[derive(Debug)]
pub struct Connection<M> {
    conn: quinn::Connection,
    incoming: mpsc::Receiver<Result<M, Error>>,
    /// Messages read ahead (by authentication) and put back, returned first.
    unread: std::collections::VecDeque<M>,
    /// A client's own endpoint, kept so the socket outlives the connection.
    endpoint: Option<quinn::Endpoint>,
    idle_timeout: Duration,
}

impl<M: MessageSet> Connection<M> {
    fn start(conn: quinn::Connection, endpoint: Option<quinn::Endpoint>, config: &Config) -> Connection<M> {
        let (tx, incoming) = mpsc::channel(QUEUE);
        tokio::spawn(accept_streams::<M>(conn.clone(), tx, config.max_frame, config.idle_timeout));
        Connection { conn, incoming, unread: Default::default(), endpoint, idle_timeout: config.idle_timeout }
    }

    /// The next message from any stream; `Ok(None)` once the connection has ended cleanly (closed
    /// by either side with code 0) and every message received was returned.
    pub async fn recv(&mut self) -> Result<Option<M>, Error> {
        if let Some(message) = self.unread.pop_front() {
            return Ok(Some(message));
        }
        self.incoming.recv().await.transpose()
    }

    /// Puts a message back: the next `recv` returns it.
    pub(crate) fn unread(&mut self, message: M) {
        self.unread.push_back(message);
    }

    /// [`Connection::recv`] that gives up with [`Error::Timeout`] after `limit`.
    pub async fn recv_timeout(&mut self, limit: Duration) -> Result<Option<M>, Error> {
        if let Some(message) = self.unread.pop_front() {
            return Ok(Some(message));
        }
        match tokio::time::timeout(limit, self.incoming.recv()).await {
            Ok(next) => next.transpose(),
            Err(_) => Err(Error::Timeout {
                waiting_for: format!("a message from {}", self.conn.remote_address()),
                after: limit,
            }),
        }
    }
}

impl<M> Connection<M> {
    /// Sends one message on a stream of its own (for messages that need no order among them).
    pub async fn send(&self, message: &impl FrameEncode) -> Result<(), Error> {
        let frame = encode(message)?;
        let mut stream = self.open_stream().await?;
        stream.write_frames(&frame).await?;
        stream.finish()
    }

    /// Opens a stream for a group of messages that must arrive in order.
    pub async fn open_stream(&self) -> Result<SendStream, Error> {
        let stream = self.conn.open_uni().await.map_err(|e| self.lost(e))?;
        Ok(SendStream { stream, peer: self.conn.remote_address(), idle_timeout: self.idle_timeout })
    }

    /// The peer's address.
    pub fn remote_address(&self) -> SocketAddr {
        self.conn.remote_address()
    }

    /// The fingerprint of the certificate the peer presented (both sides present one).
    pub fn peer_fingerprint(&self) -> Option<Fingerprint> {
        let identity = self.conn.peer_identity()?;
        let certs = identity.downcast_ref::<Vec<rustls::pki_types::CertificateDer<'static>>>()?;
        certs.first().and_then(|cert| Fingerprint::of(cert).ok())
    }

    /// On a server, the TLS server name the client sent (see [`connect_to_agent`]), if any, in
    /// lower case (rustls normalises DNS names).
    pub fn server_name(&self) -> Option<String> {
        let data = self.conn.handshake_data()?;
        data.downcast_ref::<quinn::crypto::rustls::HandshakeData>()?.server_name.clone()
    }

    /// Closes the connection with code 0 and waits until the peer was told (a client waits for
    /// its socket to drain; a server's socket stays up for its other connections).
    pub async fn close(mut self) {
        self.conn.close(VarInt::from_u32(0), b"");
        if let Some(endpoint) = self.endpoint.take() {
            endpoint.wait_idle().await;
        }
    }

    /// The quinn connection, for sending from elsewhere (an agent's events to its peers).
    #[cfg(feature = "discovery")]
    pub(crate) fn quinn(&self) -> &quinn::Connection {
        &self.conn
    }

    /// Closes the connection with an application error code and reason (cut to fit a packet).
    pub(crate) fn close_with(&self, code: u32, reason: &str) {
        let mut end = reason.len().min(MAX_REASON);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        self.conn.close(VarInt::from_u32(code), &reason.as_bytes()[..end]);
    }

    fn lost(&self, e: quinn::ConnectionError) -> Error {
        Error::from_connection(e, self.conn.remote_address(), self.idle_timeout)
    }
}

impl<M> Drop for Connection<M> {
    fn drop(&mut self) {
        self.conn.close(VarInt::from_u32(0), b"");
    }
}

/// An outgoing unidirectional stream: the frames written on it arrive in order.
#[derive(Debug)]
pub struct SendStream {
    stream: quinn::SendStream,
    peer: SocketAddr,
    idle_timeout: Duration,
}

impl SendStream {
    /// Writes one message as a frame.
    pub async fn send(&mut self, message: &impl FrameEncode) -> Result<(), Error> {
        let frame = encode(message)?;
        self.write_frames(&frame).await
    }

    /// Writes bytes that are already frames (from a capture, or forwarded by a proxy). They may
    /// split frames anywhere; the receiver closes the connection if they are not frames.
    pub async fn write_frames(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.stream.write_all(bytes).await.map_err(|e| match e {
            WriteError::ConnectionLost(e) => Error::from_connection(e, self.peer, self.idle_timeout),
            WriteError::Stopped(code) => Error::ConnectionLost(format!(
                "{}: the peer stopped reading stream {} (code {code})",
                self.peer,
                u64::from(self.stream.id())
            )),
            other => Error::ConnectionLost(format!("{}: {other}", self.peer)),
        })
    }

    /// Finishes the stream and waits (at most `limit`) until the peer acknowledged all of it,
    /// so a close that follows does not discard it.
    pub(crate) async fn finish_and_wait(mut self, limit: Duration) {
        if self.stream.finish().is_ok() {
            let _ = tokio::time::timeout(limit, self.stream.stopped()).await;
        }
    }

    /// Ends the stream after what was written (the receiver then knows no frame is cut short).
    pub fn finish(mut self) -> Result<(), Error> {
        let id = u64::from(self.stream.id());
        self.stream
            .finish()
            .map_err(|_| Error::ConnectionLost(format!("{}: stream {id} was closed already", self.peer)))
    }
}

/// Accepts the peer's unidirectional streams and reads each in its own task; reports how the
/// connection ended unless it ended cleanly or this side closed it (having said why).
async fn accept_streams<M: MessageSet>(
    conn: quinn::Connection,
    tx: mpsc::Sender<Result<M, Error>>,
    max_frame: usize,
    idle_timeout: Duration,
) {
    loop {
        match conn.accept_uni().await {
            Ok(stream) => {
                tokio::spawn(read_stream::<M>(conn.clone(), stream, tx.clone(), max_frame));
            }
            Err(e) => {
                let clean = match &e {
                    quinn::ConnectionError::LocallyClosed => true,
                    quinn::ConnectionError::ApplicationClosed(c) => c.error_code == VarInt::from_u32(0),
                    _ => false,
                };
                if !clean {
                    let _ = tx.send(Err(Error::from_connection(e, conn.remote_address(), idle_timeout))).await;
                }
                return;
            }
        }
    }
}

/// Cuts one incoming stream into frames and queues them as owned messages.
async fn read_stream<M: MessageSet>(
    conn: quinn::Connection,
    mut stream: quinn::RecvStream,
    tx: mpsc::Sender<Result<M, Error>>,
    max_frame: usize,
) {
    let id = u64::from(stream.id());
    // The reader's own bound is lifted: this loop checks `max_frame` to report it as such.
    let mut reader = FrameReader::with_max_frame(usize::MAX);
    // Where the frame at the reader's start begins in the stream.
    let mut frame_offset = 0u64;
    loop {
        let failure = match stream.read_chunk(READ_CHUNK, true).await {
            Ok(Some(chunk)) => {
                reader.push(&chunk.bytes);
                match drain::<M>(&mut reader, &tx, id, &mut frame_offset, max_frame).await {
                    Drained::More => continue,
                    Drained::Receiver => return,
                    Drained::Failed(code, error) => Some((code, error)),
                }
            }
            Ok(None) => match reader.finish::<M::Frame<'_>>() {
                Ok(()) => return,
                Err(e) if e.is_incomplete() => Some((
                    BAD_FRAME,
                    Error::PeerClosedMidFrame {
                        stream: id,
                        buffered: reader.pending().len(),
                        how: "the peer finished the stream".into(),
                    },
                )),
                Err(e) => Some(decode_failure(id, frame_offset, e)),
            },
            // The peer gave the stream up on purpose: report a lost partial frame, but the
            // connection goes on.
            Err(ReadError::Reset(code)) if !reader.pending().is_empty() => {
                let how = format!("the peer reset the stream with code {code}");
                let _ =
                    tx.send(Err(Error::PeerClosedMidFrame { stream: id, buffered: reader.pending().len(), how })).await;
                return;
            }
            // Closed here (for another stream's error, or by the owner): nothing to add.
            Err(ReadError::ConnectionLost(quinn::ConnectionError::LocallyClosed)) => return,
            Err(ReadError::ConnectionLost(e)) if !reader.pending().is_empty() => {
                let how = format!("connection ended: {e}");
                let _ =
                    tx.send(Err(Error::PeerClosedMidFrame { stream: id, buffered: reader.pending().len(), how })).await;
                return;
            }
            // Nothing pending: the connection's end is reported once, by `accept_streams`.
            Err(_) => return,
        };
        if let Some((code, error)) = failure {
            close(&conn, code, &error);
            let _ = tx.send(Err(error)).await;
            return;
        }
    }
}

enum Drained {
    /// Every complete frame was queued; the rest needs more bytes.
    More,
    /// The connection's owner is gone.
    Receiver,
    /// A protocol error: the close code and the error.
    Failed(u32, Error),
}

async fn drain<M: MessageSet>(
    reader: &mut FrameReader,
    tx: &mpsc::Sender<Result<M, Error>>,
    stream: u64,
    frame_offset: &mut u64,
    max_frame: usize,
) -> Drained {
    loop {
        let before = reader.pending().len();
        let next = reader.next_frame::<M::Frame<'_>>().map(|m| m.map(IntoOwned::into_owned));
        match next {
            Ok(Some(message)) => {
                let used = before - reader.pending().len();
                if used > max_frame {
                    return Drained::Failed(
                        FRAME_TOO_LARGE,
                        Error::FrameTooLarge { stream, max: max_frame, buffered: used },
                    );
                }
                *frame_offset += used as u64;
                if tx.send(Ok(message)).await.is_err() {
                    return Drained::Receiver;
                }
            }
            Ok(None) if before > max_frame => {
                return Drained::Failed(
                    FRAME_TOO_LARGE,
                    Error::FrameTooLarge { stream, max: max_frame, buffered: before },
                )
            }
            Ok(None) => return Drained::More,
            Err(e) => {
                let (code, error) = decode_failure(stream, *frame_offset, e);
                return Drained::Failed(code, error);
            }
        }
    }
}

fn decode_failure(stream: u64, frame_offset: u64, error: DecodeError) -> (u32, Error) {
    match *error.kind() {
        ErrorKind::UnknownTypeKey(key) => (UNKNOWN_TYPE_KEY, Error::UnknownTypeKey { stream, key }),
        _ => (BAD_FRAME, Error::Decode { stream, frame_offset, error }),
    }
}

/// Closes the connection for `error`; the reason phrase names an unknown type key as the spec
/// asks ("should include the unknown type key in the reason phrase").
fn close(conn: &quinn::Connection, code: u32, error: &Error) {
    let reason = match error {
        Error::UnknownTypeKey { key, .. } => format!("unknown type key {key}"),
        other => other.to_string(),
    };
    let mut end = reason.len().min(MAX_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    conn.close(VarInt::from_u32(code), &reason.as_bytes()[..end]);
}
