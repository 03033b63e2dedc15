//! What can go wrong on a MOS connection, worded for the person who has to fix it.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::error::DecodeError;
use crate::mos::value::MessageId;

/// A transport error. Cloneable, so that the failure that ends a connection reaches both a
/// waiting [`request`](super::Connection::request) and [`recv`](super::Connection::recv).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The TCP connection could not be made: nobody listens there (refused), the address
    /// does not resolve, or the host is unreachable.
    Connect {
        /// The address dialled.
        addr: String,
        /// What the operating system said.
        source: Arc<io::Error>,
    },
    /// The TLS handshake failed: an untrusted or invalid certificate, a name mismatch, no
    /// common protocol version.
    Tls(Arc<io::Error>),
    /// A certificate or key given in the configuration could not be used.
    Certificate(String),
    /// HTTP 401: the server refused the credentials (client side), or the client sent none
    /// or wrong ones (server side); nothing was exchanged.
    Unauthorized,
    /// The WebSocket upgrade failed otherwise (an HTTP error status, a bad URL or request).
    Handshake(String),
    /// The peer went away without closing properly: in the middle of a message (`received`
    /// bytes of it had arrived) or, on a WebSocket, without a close frame.
    Disconnected {
        /// Bytes of the unfinished message received (0: between messages).
        received: usize,
    },
    /// The connection is closed: the peer closed it between messages, or it was closed here.
    Closed,
    /// A message was longer than `max_message_len` of [`Config::limits`](super::Config::limits).
    TooLarge {
        /// The configured bound, in bytes of UTF-8 text.
        max: usize,
    },
    /// No acknowledgement arrived in time.
    AckTimeout {
        /// The message that was not acknowledged.
        message: &'static str,
        /// Its messageID.
        message_id: Option<MessageId>,
        /// How long was waited.
        after: Duration,
    },
    /// [`request`](super::Connection::request) was given a message that is itself a reply
    /// (`roAck`, `mosAck`, `keepAlive`…): nothing will acknowledge it, use `send` or `reply`.
    NoReply(&'static str),
    /// A WebSocket text frame: MOS 4.0 carries each message as UCS-2BE in a binary frame.
    TextFrame,
    /// A received message is not a MOS document this crate can read.
    Decode(DecodeError),
    /// The WebSocket protocol was violated.
    WebSocket(String),
    /// Reading or writing the connection failed.
    Io(Arc<io::Error>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect { addr, source } if source.kind() == io::ErrorKind::ConnectionRefused => {
                write!(f, "connection to {addr} refused: nothing is listening there ({source})")
            }
            Error::Connect { addr, source } => write!(f, "cannot connect to {addr}: {source}"),
            Error::Tls(e) => write!(f, "TLS handshake failed: {e}"),
            Error::Certificate(e) => write!(f, "unusable certificate or key: {e}"),
            Error::Unauthorized => {
                f.write_str("authentication failed: HTTP 401 Unauthorized (wrong or missing user name or password)")
            }
            Error::Handshake(e) => write!(f, "WebSocket handshake failed: {e}"),
            Error::Disconnected { received: 0 } => f.write_str("the peer disconnected without closing the connection"),
            Error::Disconnected { received } => {
                write!(f, "the peer disconnected in the middle of a message ({received} bytes of it received)")
            }
            Error::Closed => f.write_str("the connection is closed"),
            Error::TooLarge { max } => write!(f, "message larger than the maximum of {max} bytes; dropped"),
            Error::AckTimeout { message, message_id: Some(id), after } => {
                write!(f, "no acknowledgement of {message} (messageID {id}) within {after:?}")
            }
            Error::AckTimeout { message, message_id: None, after } => {
                write!(f, "no acknowledgement of {message} within {after:?}")
            }
            Error::NoReply(message) => {
                write!(f, "{message} is not acknowledged by the peer: send it without waiting")
            }
            Error::TextFrame => {
                f.write_str("a WebSocket text frame: MOS 4.0 sends each message as UCS-2BE in a binary frame")
            }
            Error::Decode(e) => write!(f, "undecodable MOS message: {e}"),
            Error::WebSocket(e) => write!(f, "WebSocket error: {e}"),
            Error::Io(e) => write!(f, "connection failed: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect { source, .. } => Some(source.as_ref()),
            Error::Tls(e) | Error::Io(e) => Some(e.as_ref()),
            Error::Decode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(Arc::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}
