//! MOS transports on tokio: MOS 2.x over TCP ([`tcp`], feature `mos-tcp`) and MOS 4.0 over
//! WebSockets over TLS ([`ws`], feature `mos-ws`).
//!
//! A [`Session`] is what an application uses: one peer, both ports both ways ("Two Ports –
//! Four Sockets") over TCP for MOS 2.x (feature `mos-tcp`), or one WebSocket per channel each
//! way for MOS 4.0 ([`Transport::WebSocket`], feature `mos-ws`); heartbeats, redials, retries,
//! NACKs, one stream of [`Event`]s.
//!
//! Both transports hand out a [`Connection`]: one socket (MOS 2.x) or one WebSocket (MOS 4.0) carrying
//! `<mos>` documents in UCS-2BE both ways. On it, this side's requests go out one at a time
//! ([`Connection::request`] waits for the acknowledgement, up to [`Config::ack_timeout`]), an
//! incoming `heartbeat` is answered by the connection itself, an incoming `keepAlive` is
//! dropped, and every other message comes out of [`Connection::recv`] for the application
//! to handle and answer ([`Connection::reply`]). Facts: `reference/mos.md` §6.

mod ack;
mod connection;
mod error;
mod nack;
#[cfg(feature = "mos-tcp")]
mod session;
#[cfg(feature = "mos-tcp")]
pub mod tcp;
#[cfg(feature = "mos-ws")]
mod tls;
#[cfg(feature = "mos-ws")]
pub mod ws;

use std::time::Duration;

pub use ack::name as message_name;
pub use connection::{heartbeat, Connection};
pub use error::{Error, Recovered};
#[cfg(feature = "mos-ws")]
pub use session::WsTransport;
#[cfg(feature = "mos-tcp")]
pub use session::{channel_of, Event, IdPolicy, Incoming, LinkStatus, Ports, Session, SessionConfig, Transport};

/// The legacy port a message belongs to (MOS 2.x) or the channel that names it (MOS 4.0).
/// Ports are independent flows: one outstanding message on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Lower port 10540, "Media Object Metadata": object messages; the newsroom system listens.
    /// MOS 4.0 channel `mom`.
    Lower,
    /// Upper port 10541, "Running Order": running-order messages; the device listens.
    /// MOS 4.0 channel `ro`.
    Upper,
    /// Query port 10542: the search messages. MOS 4.0 channel `aux`.
    Query,
}

impl Channel {
    /// The MOS 2.x default TCP port.
    pub fn port(self) -> u16 {
        match self {
            Channel::Lower => 10540,
            Channel::Upper => 10541,
            Channel::Query => 10542,
        }
    }

    /// The MOS 4.0 channel name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Lower => "mom",
            Channel::Upper => "ro",
            Channel::Query => "aux",
        }
    }

    /// The channel of a MOS 4.0 channel name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "mom" => Some(Channel::Lower),
            "ro" => Some(Channel::Upper),
            "aux" => Some(Channel::Query),
            _ => None,
        }
    }
}

/// Which side of MOS this is. A [`Session`] listens on and dials both ports in either role;
/// [`Role::listens_on`] and [`Role::dials`] name the port each side *accepts the other on*
/// in the spec's wording, for applications that use single [`Connection`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The newsroom (control) system, NCS: accepts devices on the lower port.
    Newsroom,
    /// The media object server, the device: accepts the newsroom system on the upper port.
    Device,
}

impl Role {
    /// The port this side accepts connections on (SPEC285 §2.1).
    pub fn listens_on(self) -> Channel {
        match self {
            Role::Newsroom => Channel::Lower,
            Role::Device => Channel::Upper,
        }
    }

    /// The port this side dials on the other.
    pub fn dials(self) -> Channel {
        match self {
            Role::Newsroom => Channel::Upper,
            Role::Device => Channel::Lower,
        }
    }
}

/// What every connection needs: the envelope's names, the acknowledgement timeout and the
/// size bound.
#[derive(Debug, Clone)]
pub struct Config {
    /// `mosID` written in every envelope: the device's name.
    pub mos_id: String,
    /// `ncsID` written in every envelope: the newsroom system's name.
    pub ncs_id: String,
    /// How long [`Connection::request`] waits for the acknowledgement. Default 60 s, the
    /// spec's recommended maximum (SPEC285 §2.1).
    pub ack_timeout: Duration,
    /// What one incoming message may take in, enforced where it is cut from the stream and
    /// where it is decoded: its size (`max_message_len`, in bytes of UTF-8 text, about half its
    /// UCS-2 size for ASCII text), nesting, items and string lengths. Default
    /// [`Limits::DEFAULT`](crate::Limits::DEFAULT).
    pub limits: crate::Limits,
}

impl Config {
    /// Defaults for the given device (`mosID`) and newsroom system (`ncsID`) names.
    pub fn new(mos_id: impl Into<String>, ncs_id: impl Into<String>) -> Self {
        Config {
            mos_id: mos_id.into(),
            ncs_id: ncs_id.into(),
            ack_timeout: Duration::from_secs(60),
            limits: crate::Limits::DEFAULT,
        }
    }

    /// Sets [`Config::ack_timeout`].
    #[must_use]
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// Sets [`Config::limits`].
    #[must_use]
    pub fn limits(mut self, limits: crate::Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the largest incoming message, `max_message_len` of [`Config::limits`].
    #[must_use]
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.limits.max_message_len = bytes;
        self
    }
}
