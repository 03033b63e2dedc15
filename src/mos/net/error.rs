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
    /// It was dropped, and answered with a NACK when its kind could be read from its start.
    TooLarge {
        /// The configured bound, in bytes of UTF-8 text.
        max: usize,
        /// What could be read of the message, and whether it was NACKed.
        about: Recovered,
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
    /// A received message is not a MOS document this crate can read. It was answered with a
    /// NACK when its kind could be read from the raw text.
    Decode {
        /// Why it could not be read.
        error: DecodeError,
        /// What could be read of the message, and whether it was NACKed.
        about: Recovered,
    },
    /// Requests made while the link to the peer is down wait in a bounded queue; it is full.
    QueueFull {
        /// The port or channel whose queue is full.
        channel: super::Channel,
        /// Its bound ([`SessionConfig::queue`](super::SessionConfig::queue)).
        bound: usize,
    },
    /// A message whose envelope names another system (`mosID`/`ncsID` differ from the
    /// configured ones) under [`IdPolicy::Reject`](super::IdPolicy::Reject); it was NACKed.
    WrongIds {
        /// The `mosID` received.
        mos_id: String,
        /// The `ncsID` received.
        ncs_id: String,
        /// What could be read of the message, and whether it was NACKed.
        about: Recovered,
    },
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
            Error::TooLarge { max, about } => {
                write!(f, "{}larger than the maximum of {max} bytes; dropped{}", about.subject(), about.answer())
            }
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
            Error::Decode { error, about } => write!(f, "{}undecodable: {error}{}", about.subject(), about.answer()),
            Error::QueueFull { channel, bound } => {
                write!(f, "{bound} requests already wait for the {channel:?} link to the peer; not queued")
            }
            Error::WrongIds { mos_id, ncs_id, about } => write!(
                f,
                "{}names mosID «{mos_id}» and ncsID «{ncs_id}», not the configured ones; rejected{}",
                about.subject(),
                about.answer()
            ),
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
            Error::Decode { error, .. } => Some(error),
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
        Error::Decode { error: e, about: Recovered::default() }
    }
}

/// What could be read from the raw text of a message that could not be taken: its kind and
/// messageID, so that the peer gets a NACK and the application knows which message failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// The message element's name (`roCreate`…), when its start tag was read.
    pub kind: Option<String>,
    /// Its messageID, when the envelope's `<messageID>` was read.
    pub message_id: Option<MessageId>,
    /// Whether a `roAck`/`mosAck` NACK naming the error was sent back.
    pub nacked: bool,
}

impl Recovered {
    fn subject(&self) -> String {
        match (&self.kind, self.message_id) {
            (Some(kind), Some(id)) => format!("{kind} (messageID {id}) "),
            (Some(kind), None) => format!("{kind} "),
            (None, Some(id)) => format!("message (messageID {id}) "),
            (None, None) => "MOS message ".to_string(),
        }
    }

    fn answer(&self) -> &'static str {
        if self.nacked {
            ", NACKed"
        } else {
            ""
        }
    }
}
