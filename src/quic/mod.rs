//! Open Screen Protocol over QUIC (feature `quic`): tokio, quinn, rustls with *ring*.
//!
//! What the network spec asks of the transport, and where it is done here:
//!
//! - ALPN `osp`, TLS 1.3 only, no early data ([`identity`]: the TLS configurations);
//! - each agent has a self-signed certificate and is known by its fingerprint, the SHA-256 of
//!   that certificate: a controller pins the receiver's [`Fingerprint`] ([`Verify`]), never a CA;
//!   the controller presents its own certificate too, so the receiver learns its fingerprint;
//! - every message is a frame, `varint(type key) ‖ CBOR`, written on a unidirectional stream; a
//!   group of messages whose order matters shares one stream ([`SendStream`]), independent
//!   messages each get their own ([`Connection::send`]);
//! - incoming streams are cut into frames by [`FrameReader`](crate::frame::FrameReader) as their
//!   bytes arrive, however QUIC split them;
//! - an unknown type key closes the connection with application error 404 and the key in the
//!   reason phrase.
//!
//! The transport is generic over the message set ([`MessageSet`]): the shipped
//! [`openscreen::Message`](crate::openscreen::Message), or a `#[derive(osmos::Messages)]` set
//! that adds vendor messages to it.
//!
//! ```no_run
//! use osmos::openscreen::{AgentInfoRequest, Message};
//! use osmos::quic::{self, AgentIdentity, Config, Fingerprint, Verify};
//!
//! # async fn run(fingerprint: &str) -> Result<(), quic::Error> {
//! let me = AgentIdentity::generate("controller.local")?;
//! let verify = Verify::Fingerprint(fingerprint.parse::<Fingerprint>()?);
//! let addr = "127.0.0.1:4433".parse().unwrap();
//! let mut conn = quic::connect::<Message<'static>>(addr, &me, verify, &Config::default()).await?;
//! conn.send(&Message::from(AgentInfoRequest { request_id: 1 })).await?;
//! if let Some(Message::AgentInfoResponse(info)) = conn.recv().await? {
//!     println!("{}", info.agent_info.display_name);
//! }
//! conn.close().await;
//! # Ok(()) }
//! ```

#[cfg(feature = "discovery")]
mod agent;
pub mod auth;
mod authenticate;
pub mod certificate;
mod connection;
#[cfg(feature = "discovery")]
pub mod discovery;
mod error;
pub mod identity;

use std::time::Duration;

use crate::cbor::IntoOwned;
use crate::frame::{FrameDecode, FrameEncode};

#[cfg(feature = "discovery")]
pub use agent::{Agent, AgentConnection, AgentOptions, Incoming, MAX_AUTH_BACKOFF};
pub use authenticate::{authenticate, PskUser};
pub use certificate::{CertificateParams, SerialNumber};
pub use connection::{connect, connect_to_agent, Connection, SendStream, Server};
pub use error::Error;
pub use identity::{AgentIdentity, Fingerprint, Verify};

/// The ALPN protocol id of Open Screen (`network.bs`: "must be `osp`").
pub const ALPN: &[u8] = b"osp";

/// Application error code for closing a connection that sent an unknown type key (the spec's).
pub const UNKNOWN_TYPE_KEY: u32 = 404;

/// Application error code for closing a connection that sent a malformed frame or a stream that
/// ends inside one. The spec names no code for these; HTTP's 400 matches its use of 404.
pub const BAD_FRAME: u32 = 400;

/// Application error code for closing a connection that sent a frame over [`Config::max_frame`]
/// (HTTP's 413, for the same reason as [`BAD_FRAME`]).
pub const FRAME_TOO_LARGE: u32 = 413;

/// A message set read from the wire, named by its owned form (`Message<'static>`).
///
/// Frames are decoded borrowing the stream's buffer ([`MessageSet::Frame`]) and detached at once
/// with [`IntoOwned`], so a received message outlives the buffer. The shipped set implements it;
/// a derived set implements it in one line (the last `impl` here):
///
/// ```
/// # #[cfg(feature = "derive")]
/// # mod vendor {
/// use osmos::openscreen;
///
/// #[derive(Debug, Clone, PartialEq, osmos::Message)]
/// #[osmos(type_key = 50)]
/// pub struct VendorPing {
///     #[osmos(key = 0)]
///     pub request_id: u64,
/// }
///
/// #[derive(Debug, Clone, PartialEq, osmos::Messages)]
/// # #[allow(clippy::large_enum_variant)]
/// pub enum Incoming<'a> {
///     #[osmos(set)]
///     Standard(openscreen::Message<'a>),
///     Ping(VendorPing),
/// }
///
/// impl osmos::quic::MessageSet for Incoming<'static> {
///     type Frame<'a> = Incoming<'a>;
/// }
/// # }
/// ```
pub trait MessageSet: Send + Sized + 'static {
    /// The same set borrowing from a buffer.
    type Frame<'a>: FrameDecode<'a> + IntoOwned<Owned = Self>;
}

impl MessageSet for crate::openscreen::Message<'static> {
    type Frame<'a> = crate::openscreen::Message<'a>;
}

/// Limits and timeouts of a [`Server`] or a [`connect`]ed connection.
#[derive(Debug, Clone)]
pub struct Config {
    /// The largest frame accepted from the peer; a larger one closes the connection with
    /// [`FRAME_TOO_LARGE`] ([`Error::FrameTooLarge`]). Bounds the memory one stream can hold.
    pub max_frame: usize,
    /// How many incoming streams the peer may have open at once (QUIC flow control holds the
    /// rest back). With `max_frame`, it bounds what one connection can make this side buffer.
    pub max_incoming_streams: u32,
    /// How long the QUIC/TLS handshake may take ([`Error::Timeout`] after it).
    pub handshake_timeout: Duration,
    /// A connection with no traffic for this long is dropped by QUIC ([`Error::Timeout`]).
    pub idle_timeout: Duration,
    /// Keep-alive pings while idle (`None`: none), so a quiet but healthy connection stays up.
    pub keep_alive: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_frame: crate::frame::DEFAULT_MAX_FRAME,
            max_incoming_streams: 100,
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            keep_alive: Some(Duration::from_secs(10)),
        }
    }
}

/// Encodes `message` as one frame (what [`Connection::send`] writes).
fn encode(message: &impl FrameEncode) -> Result<Vec<u8>, Error> {
    let mut frame = Vec::new();
    message.encode_frame(&mut frame).map_err(Error::Encode)?;
    Ok(frame)
}
