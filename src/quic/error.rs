//! What can go wrong on an Open Screen connection, each with the facts a user needs.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::{DecodeError, EncodeError};

/// An error of the QUIC transport.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A local socket could not be set up (binding an address in use, say).
    Io {
        /// What was being done.
        context: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// The server answered and refused the connection.
    Refused {
        /// The server.
        peer: SocketAddr,
        /// What it said.
        reason: String,
    },
    /// The TLS handshake failed: a certificate with another fingerprint, no common ALPN or
    /// TLS version, or a TLS configuration that cannot be built.
    Tls {
        /// The peer, when there was one.
        peer: Option<SocketAddr>,
        /// What failed, as TLS reported it.
        detail: String,
    },
    /// Nothing happened within a time limit.
    Timeout {
        /// What was awaited.
        waiting_for: String,
        /// The limit.
        after: Duration,
    },
    /// A stream ended, or the connection went away, inside a frame.
    PeerClosedMidFrame {
        /// The QUIC stream id.
        stream: u64,
        /// Bytes of the incomplete frame that had arrived.
        buffered: usize,
        /// How the stream ended.
        how: String,
    },
    /// The peer sent a frame larger than [`Config::max_frame`](super::Config::max_frame); the
    /// connection was closed with [`FRAME_TOO_LARGE`](super::FRAME_TOO_LARGE).
    FrameTooLarge {
        /// The QUIC stream id.
        stream: u64,
        /// The limit.
        max: usize,
        /// Bytes of the frame seen when it went over.
        buffered: usize,
    },
    /// The peer sent a type key the message set does not have; the connection was closed with
    /// application error [`UNKNOWN_TYPE_KEY`](super::UNKNOWN_TYPE_KEY) (404), as the spec says.
    UnknownTypeKey {
        /// The QUIC stream id.
        stream: u64,
        /// The key.
        key: u64,
    },
    /// The peer sent a frame that does not decode; the connection was closed with
    /// [`BAD_FRAME`](super::BAD_FRAME).
    Decode {
        /// The QUIC stream id.
        stream: u64,
        /// Where the frame starts in the stream (the error's own offset counts from there).
        frame_offset: u64,
        /// The decoder's error: kind, field path and offset.
        error: DecodeError,
    },
    /// A message to send does not encode (nothing was sent).
    Encode(EncodeError),
    /// The peer closed the connection with an application error code (404: it did not know a
    /// type key we sent).
    ClosedByPeer {
        /// The application error code.
        code: u64,
        /// The reason phrase.
        reason: String,
    },
    /// The connection failed otherwise (a QUIC protocol error, a peer that restarted, or a
    /// connection this side closed already).
    ConnectionLost(String),
    /// Authentication failed (here or at the peer); the connection was closed with
    /// [`AuthFailure::close_code`](super::auth::AuthFailure::close_code).
    Authentication(super::auth::AuthFailure),
    /// An agent certificate could not be created or read.
    Certificate(String),
    /// A fingerprint that is not 32 bytes of hex.
    InvalidFingerprint(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::Refused { peer, reason } if reason.is_empty() => {
                write!(f, "{peer} refused the connection (it is not accepting connections)")
            }
            Error::Refused { peer, reason } => write!(f, "{peer} refused the connection: {reason}"),
            Error::Tls { peer: Some(peer), detail } => write!(f, "TLS handshake with {peer} failed: {detail}"),
            Error::Tls { peer: None, detail } => write!(f, "TLS failed: {detail}"),
            Error::Timeout { waiting_for, after } => write!(f, "timed out after {after:?} waiting for {waiting_for}"),
            Error::PeerClosedMidFrame { stream, buffered, how } => write!(
                f,
                "stream {stream} ended inside a frame ({how}): {buffered} byte{} of an incomplete frame were buffered",
                if *buffered == 1 { "" } else { "s" }
            ),
            Error::FrameTooLarge { stream, max, buffered } => write!(
                f,
                "stream {stream}: frame larger than the limit of {max} bytes ({buffered} bytes seen); \
                 connection closed with error {}",
                super::FRAME_TOO_LARGE
            ),
            Error::UnknownTypeKey { stream, key } => write!(
                f,
                "stream {stream}: unknown type key {key}; connection closed with error {}",
                super::UNKNOWN_TYPE_KEY
            ),
            Error::Decode { stream, frame_offset, error } => write!(
                f,
                "stream {stream}: bad frame at byte {frame_offset}: {error}; connection closed with error {}",
                super::BAD_FRAME
            ),
            Error::Encode(e) => write!(f, "cannot encode the message: {e}"),
            Error::ClosedByPeer { code, reason } => {
                write!(f, "the peer closed the connection with error {code}")?;
                if !reason.is_empty() {
                    write!(f, ": {reason}")?;
                }
                Ok(())
            }
            Error::ConnectionLost(why) => write!(f, "connection lost: {why}"),
            Error::Authentication(failure) => {
                write!(f, "{failure}; connection closed with error {}", failure.close_code())
            }
            Error::Certificate(why) => write!(f, "agent certificate: {why}"),
            Error::InvalidFingerprint(why) => write!(f, "invalid fingerprint {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Decode { error, .. } => Some(error),
            Error::Encode(e) => Some(e),
            _ => None,
        }
    }
}

impl Error {
    /// Classifies why a connection ended or could not be made.
    pub(crate) fn from_connection(e: quinn::ConnectionError, peer: SocketAddr, idle: Duration) -> Error {
        use quinn::ConnectionError as C;
        match e {
            C::TransportError(t) if is_crypto(u64::from(t.code)) => Error::Tls { peer: Some(peer), detail: t.reason },
            C::ConnectionClosed(c) if is_crypto(u64::from(c.error_code)) => {
                Error::Tls { peer: Some(peer), detail: format!("the peer rejected it: {c}") }
            }
            C::ConnectionClosed(c) if c.error_code == quinn::TransportErrorCode::CONNECTION_REFUSED => {
                Error::Refused { peer, reason: String::from_utf8_lossy(&c.reason).into_owned() }
            }
            C::ApplicationClosed(c) => Error::ClosedByPeer {
                code: c.error_code.into_inner(),
                reason: String::from_utf8_lossy(&c.reason).into_owned(),
            },
            C::TimedOut => {
                Error::Timeout { waiting_for: format!("any packet from {peer} (idle timeout)"), after: idle }
            }
            C::VersionMismatch => Error::Refused { peer, reason: "no common QUIC version".into() },
            other => Error::ConnectionLost(format!("{peer}: {other}")),
        }
    }
}

/// QUIC carries TLS alerts as transport error codes 0x100–0x1ff (RFC 9001 §4.8).
fn is_crypto(code: u64) -> bool {
    (0x100..0x200).contains(&code)
}
