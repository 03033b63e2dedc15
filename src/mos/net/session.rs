//! A session with one peer: MOS 2.x over TCP, "Two Ports – Four Sockets" (SPEC285 §2.1
//! "Message Transport"; `reference/mos.md` §6.1), or MOS 4.0 over WebSockets, the same with a
//! channel (`mom`, `ro`, `aux`) in place of each port (`reference/mos.md` §6.3).
//!
//! Both sides listen on the lower and upper ports (and the query port when it is on) and
//! each dials the other's: a side sends its requests over the sockets it opened and answers
//! the peer's requests on the socket they came in on. Peers such as mos-connection reject a
//! request that arrives on a socket they opened ("Got a reply, but we haven't sent any
//! message"), so the session never sends one there.
//!
//! Per dialed port a *link* task owns the socket: it redials with backoff, sends the queued
//! requests one at a time (retrying the same document, same messageID, on an ack timeout),
//! and sends a heartbeat on a schedule. Per accepted socket a reader hands what the peer
//! sends to the application through one stream of [`Event`]s, after the envelope check and
//! the duplicate check (a retry of a message already handed out is answered with the answer
//! already given, or dropped while the application still works on it).
//!
//! Only where sockets are made differs between the transports ([`Transport`]): a TCP listener
//! per port or one WebSocket server for every channel, a TCP dial or a WebSocket dial naming
//! the channel. Everything above a [`Connection`] is the same code.

use std::collections::hash_map::DefaultHasher;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::{AbortHandle, JoinSet};

use super::error::Recovered;
#[cfg(feature = "mos-ws")]
use super::ws;
use super::{ack, heartbeat, nack, tcp, Channel, Config, Connection, Error, Role};
use crate::cbor::IntoOwned;
use crate::mos::messages::{Mos, MosMessage};
use crate::mos::value::MessageId;
use crate::xml::Lenient;

/// The three MOS 2.x ports of one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// Lower port, "Media Object Metadata" (default 10540).
    pub lower: u16,
    /// Upper port, "Running Order" (default 10541).
    pub upper: u16,
    /// Query port for the search messages (default 10542), or `None` when not used: those
    /// messages then travel on the lower port.
    pub query: Option<u16>,
}

impl Ports {
    /// 10540, 10541, and no query port.
    pub const DEFAULT: Ports = Ports { lower: 10540, upper: 10541, query: None };

    /// Three given ports, the query port included.
    pub const fn new(lower: u16, upper: u16, query: u16) -> Self {
        Ports { lower, upper, query: Some(query) }
    }

    /// The port of `channel`, if this side has it.
    pub fn get(&self, channel: Channel) -> Option<u16> {
        match channel {
            Channel::Lower => Some(self.lower),
            Channel::Upper => Some(self.upper),
            Channel::Query => self.query,
        }
    }
}

impl Default for Ports {
    fn default() -> Self {
        Ports::DEFAULT
    }
}

/// What to do with a message whose envelope names other systems than the configured
/// `mosID`/`ncsID`. A missing or empty ID always passes (newsroom systems send acks without
/// `mosID`; MOS 2.6 envelopes have no messageID either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdPolicy {
    /// Take every message.
    Accept,
    /// Take it, and report [`Event::WrongIds`] once per connection.
    #[default]
    Warn,
    /// NACK it ([`Error::WrongIds`] in [`Event::Error`]); the application never sees it.
    Reject,
}

/// How a session makes its sockets.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Transport {
    /// MOS 2.x: a TCP port per channel, [`SessionConfig::listen_ports`] and
    /// [`SessionConfig::peer_ports`].
    #[default]
    Tcp,
    /// MOS 4.0: WebSockets over TLS, one per channel each way, on one port per side.
    #[cfg(feature = "mos-ws")]
    WebSocket(Box<WsTransport>),
}

/// The MOS 4.0 side of a session: our WebSocket server and how we dial the peer's.
///
/// The session listens on [`SessionConfig::listen`] at `port` for every channel (the peer
/// names the channel in its URL) and dials `peer_url` once per channel. The `aux` channel is
/// used when `aux` is on, like the query port. Heartbeats go out on the session's schedule as
/// in MOS 2.x (they are what tells a silent peer); each connection also sends a `keepAlive`
/// after the idle interval of its `server`/`client` configuration.
#[cfg(feature = "mos-ws")]
#[derive(Debug, Clone)]
pub struct WsTransport {
    /// Our server: certificate, the credentials the peer must send, keepAlive. Its `session`
    /// field is replaced by [`SessionConfig::config`].
    pub server: ws::ServerConfig,
    /// How we dial: trusted certificates, the credentials we send, keepAlive, where the URL
    /// names the channel. Its `session` field is replaced by [`SessionConfig::config`]; its
    /// mode is standard (each side sends its requests on the connections it dialed).
    pub client: ws::ClientConfig,
    /// The peer's server, `wss://host:port/path`.
    pub peer_url: String,
    /// The port to listen on (0: any free one, see [`Session::local_ports`]).
    pub port: u16,
    /// Whether the `aux` channel (the query port's messages) is used.
    pub aux: bool,
}

#[cfg(feature = "mos-ws")]
impl WsTransport {
    /// A server on `port` with `server_tls`, dialing `peer_url` trusting `client_tls`; no
    /// credentials either way, no `aux` channel.
    pub fn new(port: u16, server_tls: ws::ServerTls, peer_url: impl Into<String>, client_tls: ws::ClientTls) -> Self {
        let placeholder = Config::new("", "");
        WsTransport {
            server: ws::ServerConfig::new(placeholder.clone(), server_tls),
            client: ws::ClientConfig::new(placeholder, client_tls),
            peer_url: peer_url.into(),
            port,
            aux: false,
        }
    }

    /// The credentials the peer must send us (`required`) and those we send it (`ours`).
    #[must_use]
    pub fn credentials(mut self, required: (&str, &str), ours: (&str, &str)) -> Self {
        self.server = self.server.credentials(required.0, required.1);
        self.client = self.client.credentials(ours.0, ours.1);
        self
    }

    /// Uses the `aux` channel.
    #[must_use]
    pub fn aux(mut self, on: bool) -> Self {
        self.aux = on;
        self
    }

    /// Sets the keepAlive idle interval of both our server's and our dialed connections.
    #[must_use]
    pub fn keep_alive(mut self, idle: Option<Duration>) -> Self {
        self.server.keep_alive = idle;
        self.client.keep_alive = idle;
        self
    }
}

/// Everything a [`Session`] needs: names and limits ([`Config`]), our role, where we listen,
/// where the peer is, and the schedule of heartbeats, retries and redials.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Envelope names, acknowledgement timeout, limits.
    pub config: Config,
    /// This side's role. Both roles listen on and dial both ports; which messages a side sends
    /// is the application's business.
    pub role: Role,
    /// The address to listen on (default `0.0.0.0`; `127.0.0.1` to stay on this machine).
    pub listen: String,
    /// TCP or WebSockets (default TCP).
    pub transport: Transport,
    /// The ports to listen on (port 0: any free one, see [`Session::local_ports`]). MOS 2.x.
    pub listen_ports: Ports,
    /// The peer's host name or address.
    pub peer: String,
    /// The peer's ports. Its query port is dialed only when ours is on too. MOS 2.x.
    pub peer_ports: Ports,
    /// How often each dialed socket sends a heartbeat (default 10 s). Each waits for its
    /// answer up to this interval or [`Config::ack_timeout`], whichever is shorter.
    pub heartbeat_every: Duration,
    /// Unanswered heartbeats in a row after which the peer is reported silent
    /// ([`Event::PeerSilent`]) and the socket redialed (default 3).
    pub silent_after: u32,
    /// First and longest wait between dials of a port that is down (default 100 ms and
    /// 10 s; the wait doubles after each failure).
    pub redial: (Duration, Duration),
    /// How many times a request is sent again, same messageID, after an ack timeout
    /// (default 2; SPEC285 §4.1.6: retries reuse the ID).
    pub retries: u32,
    /// Requests that may wait per port while its link is down or busy (default 64); one more
    /// is [`Error::QueueFull`].
    pub queue: usize,
    /// The envelope check (default [`IdPolicy::Warn`]).
    pub ids: IdPolicy,
    /// How long a request of the peer is remembered to recognise its retries (default 2
    /// minutes: twice the spec's recommended 60 s acknowledgement bound). Within it, the same
    /// document with the same messageID on the same port is a retry: answered with the
    /// answer already given, never handed out again.
    pub retry_window: Duration,
}

impl SessionConfig {
    /// A session of `role` with the peer at `peer`, default ports and schedule.
    pub fn new(config: Config, role: Role, peer: impl Into<String>) -> Self {
        SessionConfig {
            config,
            role,
            listen: "0.0.0.0".into(),
            transport: Transport::Tcp,
            listen_ports: Ports::DEFAULT,
            peer: peer.into(),
            peer_ports: Ports::DEFAULT,
            heartbeat_every: Duration::from_secs(10),
            silent_after: 3,
            redial: (Duration::from_millis(100), Duration::from_secs(10)),
            retries: 2,
            queue: 64,
            ids: IdPolicy::Warn,
            retry_window: Duration::from_secs(120),
        }
    }

    /// A MOS 4.0 session of `role` over WebSockets (the peer is `transport.peer_url`), default
    /// schedule.
    #[cfg(feature = "mos-ws")]
    pub fn websocket(config: Config, role: Role, transport: WsTransport) -> Self {
        let peer = transport.peer_url.clone();
        SessionConfig { transport: Transport::WebSocket(Box::new(transport)), ..SessionConfig::new(config, role, peer) }
    }

    /// Sets where to listen: address and ports.
    #[must_use]
    pub fn listen(mut self, addr: impl Into<String>, ports: Ports) -> Self {
        self.listen = addr.into();
        self.listen_ports = ports;
        self
    }

    /// Sets the peer's ports.
    #[must_use]
    pub fn peer_ports(mut self, ports: Ports) -> Self {
        self.peer_ports = ports;
        self
    }

    /// Sets the heartbeat interval and how many unanswered ones make the peer silent.
    #[must_use]
    pub fn heartbeats(mut self, every: Duration, silent_after: u32) -> Self {
        self.heartbeat_every = every;
        self.silent_after = silent_after.max(1);
        self
    }

    /// Sets the first and longest wait between dials.
    #[must_use]
    pub fn redial(mut self, first: Duration, longest: Duration) -> Self {
        self.redial = (first, longest.max(first));
        self
    }

    /// Sets how many times a request is retried after an ack timeout.
    #[must_use]
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Sets how many requests may wait per port.
    #[must_use]
    pub fn queue(mut self, bound: usize) -> Self {
        self.queue = bound.max(1);
        self
    }

    /// Sets how long the peer's requests are remembered to recognise retries.
    #[must_use]
    pub fn retry_window(mut self, window: Duration) -> Self {
        self.retry_window = window;
        self
    }

    /// Sets the envelope check.
    #[must_use]
    pub fn ids(mut self, policy: IdPolicy) -> Self {
        self.ids = policy;
        self
    }
}

/// The port a message kind travels on (SPEC285 §2.1 and each message's "Port" line): running
/// order messages and `mosItemReplace` on the upper port, the search messages on the query
/// port when there is one, everything else on the lower port.
pub fn channel_of(kind: &str, query: bool) -> Channel {
    match kind {
        "mosReqSearchableSchema" | "mosListSearchableSchema" | "mosReqObjList" | "mosObjList" if query => {
            Channel::Query
        }
        "mosItemReplace" => Channel::Upper,
        ro if ro.starts_with("ro") => Channel::Upper,
        _ => Channel::Lower,
    }
}

/// What a session hands the application, in the order it happened.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// A message from the peer: answer it with [`Incoming::reply`].
    Message(Box<Incoming>),
    /// A message from the peer that could not be taken (undecodable, too large, wrong IDs);
    /// it was NACKed where its kind and messageID could be read (see the error's `about`).
    Error {
        /// The port it came in on.
        channel: Channel,
        /// What was wrong.
        error: Error,
    },
    /// Our socket to the peer's port is connected; queued requests go out.
    Linked {
        /// The port.
        channel: Channel,
    },
    /// Our socket to the peer's port is gone (or could not be made); it is redialed with
    /// backoff, and requests wait in the queue meanwhile. Reported once per outage.
    Unlinked {
        /// The port.
        channel: Channel,
        /// Why.
        error: Error,
    },
    /// `missed` heartbeats in a row went unanswered on this port; the socket is redialed.
    PeerSilent {
        /// The port.
        channel: Channel,
        /// How many.
        missed: u32,
    },
    /// Under [`IdPolicy::Warn`]: the peer's envelope names other systems (once per
    /// connection). mos-connection as a newsroom system swaps the two.
    WrongIds {
        /// The port.
        channel: Channel,
        /// The `mosID` received.
        mos_id: String,
        /// The `ncsID` received.
        ncs_id: String,
    },
}

/// A message from the peer, with the socket it came in on for the answer.
pub struct Incoming {
    /// The port it came in on.
    pub channel: Channel,
    /// The message.
    pub doc: Mos<'static>,
    conn: Arc<Connection>,
    names: Arc<Names>,
    answer: Answer,
}

impl std::fmt::Debug for Incoming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incoming").field("channel", &self.channel).field("doc", &self.doc).finish_non_exhaustive()
    }
}

impl Incoming {
    /// The message element's name (`roCreate`…).
    pub fn kind(&self) -> &'static str {
        ack::name(&self.doc.message)
    }

    /// Answers the message on the socket it came in on, echoing its messageID. A retry of
    /// this message from the peer gets the same answer again without reaching the
    /// application.
    pub async fn reply(&self, message: MosMessage<'_>) -> Result<(), Error> {
        let message_id = self.doc.message_id.as_ref().and_then(|id| id.value().copied());
        let doc = self.names.envelope(message_id, message.into_owned());
        let sent = self.conn.send(&doc).await;
        *self.answer.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(doc));
        sent
    }
}

/// The answer given to a request of the peer, once given: sent again when the peer retries.
type Answer = Arc<Mutex<Option<Arc<Mos<'static>>>>>;

/// Our dialed connection per channel while it is up: where an answer the peer sent on its own
/// socket finds the request it answers.
type Dialed = Arc<[Mutex<Option<Arc<Connection>>>; 3]>;

/// The state of one dialed port, for [`Session::link_status`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStatus {
    /// Whether the socket is connected.
    pub up: bool,
    /// Heartbeats answered since the session started.
    pub heartbeats_answered: u64,
    /// Unanswered heartbeats in a row now.
    pub missed: u32,
    /// Times the socket was (re)connected.
    pub connects: u32,
}

struct Names {
    mos_id: String,
    ncs_id: String,
    next_id: Mutex<MessageId>,
}

impl Names {
    fn envelope(&self, message_id: Option<MessageId>, message: MosMessage<'static>) -> Mos<'static> {
        Mos {
            mos_id: Some(self.mos_id.clone().into()),
            ncs_id: Some(self.ncs_id.clone().into()),
            message_id: message_id.map(Lenient::Value),
            message,
            unknown: Default::default(),
        }
    }

    /// The next messageID, one counter for the session (SPEC285 §4.1.6: from 1, wrapping).
    fn next(&self) -> MessageId {
        let mut next = self.next_id.lock().unwrap_or_else(PoisonError::into_inner);
        let id = *next;
        *next = id.next();
        id
    }
}

struct Job {
    doc: Mos<'static>,
    reply: oneshot::Sender<Result<Mos<'static>, Error>>,
}

/// One peer: over MOS 2.x TCP four sockets (six with the query port), over MOS 4.0
/// WebSockets a connection per channel each way; one stream of events.
///
/// ```no_run
/// # async fn run() -> Result<(), osmos::mos::net::Error> {
/// use osmos::mos::net::{Config, Event, Role, Session, SessionConfig};
///
/// let config = Config::new("device.mos", "newsroom.mos");
/// let session = Session::start(SessionConfig::new(config, Role::Device, "ncs.example")).await?;
/// while let Some(event) = session.next().await {
///     if let Event::Message(incoming) = event {
///         println!("{}", incoming.kind()); // then incoming.reply(ack).await?
///     }
/// }
/// # Ok(()) }
/// ```
pub struct Session {
    links: [Option<mpsc::Sender<Job>>; 3],
    events: tokio::sync::Mutex<mpsc::Receiver<Event>>,
    names: Arc<Names>,
    status: Arc<[Mutex<LinkStatus>; 3]>,
    local: Ports,
    query: bool,
    queue: usize,
    role: Role,
    tasks: Vec<AbortHandle>,
}

impl Drop for Session {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("role", &self.role)
            .field("mos_id", &self.names.mos_id)
            .field("ncs_id", &self.names.ncs_id)
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

fn index(channel: Channel) -> usize {
    match channel {
        Channel::Lower => 0,
        Channel::Upper => 1,
        Channel::Query => 2,
    }
}

const CHANNELS: [Channel; 3] = [Channel::Lower, Channel::Upper, Channel::Query];

/// Messages waiting for the application before readers stop reading (and TCP slows the peer).
const EVENTS: usize = 64;

/// Requests of the peer remembered per port to recognise its retries.
const RECENT: usize = 32;

impl Session {
    /// Listens on our ports and starts dialing the peer's. Fails only when a port cannot be
    /// listened on; the peer may come later (requests wait in the queue).
    pub async fn start(config: SessionConfig) -> Result<Session, Error> {
        let names = Arc::new(Names {
            mos_id: config.config.mos_id.clone(),
            ncs_id: config.config.ncs_id.clone(),
            next_id: Mutex::new(MessageId::FIRST),
        });
        let status: Arc<[Mutex<LinkStatus>; 3]> = Arc::new(Default::default());
        let (events_tx, events) = mpsc::channel(EVENTS);
        let mut tasks = Vec::new();
        let mut links: [Option<mpsc::Sender<Job>>; 3] = [None, None, None];
        let checks =
            Arc::new(Checks { policy: config.ids, mos_id: names.mos_id.clone(), ncs_id: names.ncs_id.clone() });
        let dialed: Dialed = Arc::new(Default::default());
        let accept = |channel| Accept {
            channel,
            dialed: dialed.clone(),
            events: events_tx.clone(),
            names: names.clone(),
            checks: checks.clone(),
            recent: Arc::new(Mutex::new(VecDeque::new())),
            retry_window: config.retry_window,
        };
        // What we listen on, and how each of the peer's channels is dialed.
        let mut dials: [Option<Dial>; 3] = [None, None, None];
        let local = match &config.transport {
            Transport::Tcp => {
                let mut local = Ports { lower: 0, upper: 0, query: None };
                for channel in CHANNELS {
                    let Some(port) = config.listen_ports.get(channel) else { continue };
                    let listener = tcp::Listener::bind((config.listen.as_str(), port), config.config.clone()).await?;
                    let port = listener.local_addr()?.port();
                    match channel {
                        Channel::Lower => local.lower = port,
                        Channel::Upper => local.upper = port,
                        Channel::Query => local.query = Some(port),
                    }
                    tasks.push(tokio::spawn(accept(channel).run(listener)).abort_handle());
                    if let Some(peer_port) = config.peer_ports.get(channel) {
                        dials[index(channel)] = Some(Dial::Tcp(format!("{}:{peer_port}", config.peer)));
                    }
                }
                local
            }
            #[cfg(feature = "mos-ws")]
            Transport::WebSocket(transport) => {
                let channels: &[Channel] = if transport.aux { &CHANNELS } else { &[Channel::Lower, Channel::Upper] };
                let server_config = ws::ServerConfig { session: config.config.clone(), ..transport.server.clone() };
                let server = ws::Server::bind((config.listen.as_str(), transport.port), server_config).await?;
                let port = server.local_addr()?.port();
                let mut accepts: [Option<Arc<Accept>>; 3] = [None, None, None];
                for &channel in channels {
                    accepts[index(channel)] = Some(Arc::new(accept(channel)));
                    let client = ws::ClientConfig {
                        session: config.config.clone(),
                        mode: ws::Mode::Standard,
                        ..transport.client.clone()
                    };
                    dials[index(channel)] =
                        Some(Dial::Ws { url: transport.peer_url.clone(), client: Box::new(client) });
                }
                tasks.push(tokio::spawn(Accept::run_ws(accepts, server)).abort_handle());
                Ports { lower: port, upper: port, query: transport.aux.then_some(port) }
            }
        };
        for channel in CHANNELS {
            let Some(dial) = dials[index(channel)].take() else { continue };
            let (jobs_tx, jobs) = mpsc::channel(config.queue);
            links[index(channel)] = Some(jobs_tx);
            let link = Link {
                channel,
                dial,
                dialed: dialed.clone(),
                config: config.clone(),
                events: events_tx.clone(),
                names: names.clone(),
                status: status.clone(),
            };
            tasks.push(tokio::spawn(link.run(jobs)).abort_handle());
        }
        Ok(Session {
            links,
            events: tokio::sync::Mutex::new(events),
            names,
            status,
            local,
            query: local.query.is_some(),
            queue: config.queue,
            role: config.role,
            tasks,
        })
    }

    /// The ports listened on (the actual ones when 0 was asked for). Over WebSockets, the one
    /// port of our server, given for each channel in use.
    pub fn local_ports(&self) -> Ports {
        self.local
    }

    /// The state of our socket to the peer's `channel` port.
    pub fn link_status(&self, channel: Channel) -> LinkStatus {
        *self.status[index(channel)].lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next event: a message from the peer, an error about one, a port up or down, a
    /// silent peer. `None` once the session has stopped.
    pub async fn next(&self) -> Option<Event> {
        self.events.lock().await.recv().await
    }

    /// Sends `message` on the port its kind belongs to ([`channel_of`]) and waits for its
    /// acknowledgement: retried after each ack timeout up to [`SessionConfig::retries`]
    /// times, kept through reconnections while the link is down. Returns the acknowledging
    /// document, whose status says ACK or NACK.
    pub async fn request(&self, message: MosMessage<'_>) -> Result<Mos<'static>, Error> {
        let channel = channel_of(ack::name(&message), self.query);
        self.request_on(channel, message).await
    }

    /// [`Session::request`] on a given port.
    pub async fn request_on(&self, channel: Channel, message: MosMessage<'_>) -> Result<Mos<'static>, Error> {
        let name = ack::name(&message);
        ack::replies(name).ok_or(Error::NoReply(name))?;
        let link = self.links[index(channel)].as_ref().ok_or(Error::Closed)?;
        let doc = self.names.envelope(Some(self.names.next()), message.into_owned());
        let (reply, answer) = oneshot::channel();
        link.try_send(Job { doc, reply }).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => Error::QueueFull { channel, bound: self.queue },
            mpsc::error::TrySendError::Closed(_) => Error::Closed,
        })?;
        answer.await.unwrap_or(Err(Error::Closed))
    }
}

/// Whether an error ends a connection (as opposed to concerning one message).
fn ends_connection(error: &Error) -> bool {
    matches!(error, Error::Closed | Error::Disconnected { .. } | Error::Io(_) | Error::Connect { .. })
}

/// How one of the peer's channels is reached.
enum Dial {
    /// `host:port`.
    Tcp(String),
    /// The peer's server, told the channel in the URL.
    #[cfg(feature = "mos-ws")]
    Ws { url: String, client: Box<ws::ClientConfig> },
}

impl Dial {
    // The channel is in the URL for WebSockets; a TCP port is the channel already.
    #[cfg_attr(not(feature = "mos-ws"), allow(unused_variables))]
    async fn connect(&self, channel: Channel, config: &Config) -> Result<Connection, Error> {
        match self {
            Dial::Tcp(addr) => tcp::connect(addr.as_str(), config).await,
            #[cfg(feature = "mos-ws")]
            Dial::Ws { url, client } => ws::connect(url, channel, client).await,
        }
    }
}

/// One dialed port.
struct Link {
    channel: Channel,
    dial: Dial,
    dialed: Dialed,
    config: SessionConfig,
    events: mpsc::Sender<Event>,
    names: Arc<Names>,
    status: Arc<[Mutex<LinkStatus>; 3]>,
}

impl Link {
    fn status(&self, update: impl FnOnce(&mut LinkStatus)) {
        update(&mut self.status[index(self.channel)].lock().unwrap_or_else(PoisonError::into_inner));
    }

    fn set_dialed(&self, conn: Option<Arc<Connection>>) {
        *self.dialed[index(self.channel)].lock().unwrap_or_else(PoisonError::into_inner) = conn;
    }

    /// State events are dropped rather than waited for when the application lags: the link
    /// must go on heartbeating and sending.
    fn report(&self, event: Event) {
        let _ = self.events.try_send(event);
    }

    async fn run(self, mut jobs: mpsc::Receiver<Job>) {
        let (first, longest) = self.config.redial;
        let mut wait = first;
        // A request sent but not acknowledged when the socket went: sent again, same ID.
        let mut pending: Option<(Job, u32)> = None;
        // An outage is reported once: when the socket goes, or when the first dial fails.
        let mut reported_down = false;
        loop {
            let conn = match self.dial.connect(self.channel, &self.config.config).await {
                Ok(conn) => Arc::new(conn),
                Err(error) => {
                    if !reported_down {
                        reported_down = true;
                        self.report(Event::Unlinked { channel: self.channel, error });
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(longest);
                    continue;
                }
            };
            wait = first;
            self.status(|s| {
                s.up = true;
                s.missed = 0;
                s.connects += 1;
            });
            self.report(Event::Linked { channel: self.channel });
            self.set_dialed(Some(conn.clone()));
            let served = self.serve(&conn, &mut jobs, &mut pending).await;
            self.set_dialed(None);
            let error = match served {
                Some(error) => error,
                // The session is gone.
                None => return,
            };
            self.status(|s| s.up = false);
            self.report(Event::Unlinked { channel: self.channel, error });
            reported_down = true;
            tokio::time::sleep(first).await;
        }
    }

    /// Uses one connection until it fails (`Some`) or the session is dropped (`None`).
    async fn serve(
        &self,
        conn: &Arc<Connection>,
        jobs: &mut mpsc::Receiver<Job>,
        pending: &mut Option<(Job, u32)>,
    ) -> Option<Error> {
        let every = self.config.heartbeat_every;
        let beat_timeout = every.min(self.config.config.ack_timeout);
        let mut beat = tokio::time::interval(every);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut missed = 0;
        loop {
            if let Some((job, tries)) = pending.take() {
                if let Err((job, tries, error)) = self.send(conn, job, tries).await {
                    *pending = Some((job, tries));
                    return Some(error);
                }
            }
            tokio::select! {
                job = jobs.recv() => match job {
                    Some(job) => *pending = Some((job, 0)),
                    None => return None,
                },
                _ = beat.tick() => {
                    let doc = self.names.envelope(Some(self.names.next()), heartbeat());
                    match conn.send_and_wait_ack(&doc, beat_timeout).await {
                        Ok(_) => {
                            missed = 0;
                            self.status(|s| {
                                s.missed = 0;
                                s.heartbeats_answered += 1;
                            });
                        }
                        Err(Error::AckTimeout { .. }) => {
                            missed += 1;
                            self.status(|s| s.missed = missed);
                            if missed >= self.config.silent_after {
                                self.report(Event::PeerSilent { channel: self.channel, missed });
                                return Some(Error::AckTimeout { message: "heartbeat", message_id: None, after: beat_timeout * missed });
                            }
                        }
                        Err(error) => return Some(error),
                    }
                }
                // The peer should not send requests on our socket; some do (osmos before
                // sessions, one-socket peers): they are delivered, and answered here.
                received = conn.recv() => match received {
                    Ok(doc) => {
                        let incoming = Incoming {
                            channel: self.channel,
                            doc,
                            conn: conn.clone(),
                            names: self.names.clone(),
                            answer: Default::default(),
                        };
                        if self.events.send(Event::Message(Box::new(incoming))).await.is_err() {
                            return None;
                        }
                    }
                    Err(error) if ends_connection(&error) => return Some(error),
                    Err(error) => {
                        if self.events.send(Event::Error { channel: self.channel, error }).await.is_err() {
                            return None;
                        }
                    }
                },
            }
        }
    }

    /// Sends one request until it is acknowledged or its retries are spent; `Err` gives it
    /// back when the connection failed under it.
    async fn send(&self, conn: &Connection, job: Job, mut tries: u32) -> Result<(), (Job, u32, Error)> {
        loop {
            // Whoever asked has given up.
            if job.reply.is_closed() {
                return Ok(());
            }
            match conn.send_and_wait_ack(&job.doc, self.config.config.ack_timeout).await {
                Ok(ack) => {
                    let _ = job.reply.send(Ok(ack));
                    return Ok(());
                }
                Err(Error::AckTimeout { .. }) if tries < self.config.retries => tries += 1,
                Err(error) if ends_connection(&error) => return Err((job, tries, error)),
                Err(error) => {
                    let _ = job.reply.send(Err(error));
                    return Ok(());
                }
            }
        }
    }
}

/// The envelope check.
struct Checks {
    policy: IdPolicy,
    mos_id: String,
    ncs_id: String,
}

impl Checks {
    /// The IDs received when they name other systems.
    fn wrong(&self, doc: &Mos<'_>) -> Option<(String, String)> {
        let differs = |got: &Option<std::borrow::Cow<'_, str>>, want: &str| {
            got.as_deref().is_some_and(|got| !got.trim().is_empty() && got.trim() != want)
        };
        if differs(&doc.mos_id, &self.mos_id) || differs(&doc.ncs_id, &self.ncs_id) {
            let id = |got: &Option<std::borrow::Cow<'_, str>>| got.as_deref().unwrap_or_default().to_string();
            Some((id(&doc.mos_id), id(&doc.ncs_id)))
        } else {
            None
        }
    }
}

/// A request of the peer already handed out: its ID and text, and the answer once given.
struct Recent {
    at: tokio::time::Instant,
    message_id: MessageId,
    digest: u64,
    answer: Answer,
}

/// One listened-on port.
struct Accept {
    channel: Channel,
    dialed: Dialed,
    events: mpsc::Sender<Event>,
    names: Arc<Names>,
    checks: Arc<Checks>,
    /// Shared by the port's connections: the peer retries on a new socket after a redial.
    recent: Arc<Mutex<VecDeque<Recent>>>,
    retry_window: Duration,
}

impl Accept {
    async fn run(self, listener: tcp::Listener) {
        let this = Arc::new(self);
        // Dropped with this task, which ends the readers and their sockets.
        let mut readers = JoinSet::new();
        loop {
            while readers.try_join_next().is_some() {}
            match listener.accept().await {
                Ok((conn, peer)) => {
                    readers.spawn(this.clone().read(Arc::new(conn), peer));
                }
                // Out of file descriptors and the like: try again shortly.
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// One WebSocket server for every channel: each accepted connection goes to the reader
    /// of the channel its URL names.
    #[cfg(feature = "mos-ws")]
    async fn run_ws(accepts: [Option<Arc<Accept>>; 3], server: ws::Server) {
        let mut readers = JoinSet::new();
        loop {
            while readers.try_join_next().is_some() {}
            match server.accept().await {
                Ok((conn, accepted)) => {
                    // A channel not in use (`aux` off) is closed at once: dropped.
                    if let Some(accept) = &accepts[index(accepted.channel)] {
                        readers.spawn(accept.clone().read(Arc::new(conn), accepted.peer));
                    }
                }
                Err(Error::Io(_)) => tokio::time::sleep(Duration::from_millis(100)).await,
                // One client's failed handshake (TLS, 401, no channel): the next may do better.
                Err(_) => {}
            }
        }
    }

    async fn read(self: Arc<Self>, conn: Arc<Connection>, _peer: SocketAddr) {
        let mut warned = false;
        loop {
            let error = match conn.recv().await {
                Ok(doc) => match self.take(&conn, doc, &mut warned).await {
                    Some(event) => {
                        if self.events.send(event).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    None => continue,
                },
                Err(error) => error,
            };
            if ends_connection(&error) {
                // The peer redials; its sockets come and go without news for the application.
                return;
            }
            if self.events.send(Event::Error { channel: self.channel, error }).await.is_err() {
                return;
            }
        }
    }

    /// Checks one message from the peer: the event to hand out, if any.
    async fn take(&self, conn: &Arc<Connection>, doc: Mos<'static>, warned: &mut bool) -> Option<Event> {
        // An answer sent on the peer's own socket instead of ours: it still answers our
        // request on this channel (rather than leaving it to time out). Taken there, it is no
        // event here.
        let doc = if ack::replies(ack::name(&doc.message)).is_none() {
            let ours = self.dialed[index(self.channel)].lock().unwrap_or_else(PoisonError::into_inner).clone();
            match ours {
                Some(ours) => ours.complete(doc)?,
                None => doc,
            }
        } else {
            doc
        };
        if let Some((mos_id, ncs_id)) = self.checks.wrong(&doc) {
            match self.checks.policy {
                IdPolicy::Accept => {}
                IdPolicy::Warn => {
                    if !*warned {
                        *warned = true;
                        let _ = self.events.try_send(Event::WrongIds { channel: self.channel, mos_id, ncs_id });
                    }
                }
                IdPolicy::Reject => {
                    let mut about = Recovered {
                        kind: Some(ack::name(&doc.message).to_string()),
                        message_id: doc.message_id.as_ref().and_then(|id| id.value().copied()),
                        nacked: false,
                    };
                    let reason = format!("mosID «{mos_id}» and ncsID «{ncs_id}» do not name this pair of systems");
                    if let Some(nack) = nack::refuse(&doc, &nack::reason(&reason)) {
                        about.nacked = conn.reply(&doc, nack).await.is_ok();
                    }
                    let error = Error::WrongIds { mos_id, ncs_id, about };
                    return Some(Event::Error { channel: self.channel, error });
                }
            }
        }
        let answer = match self.first_time(&doc) {
            Ok(answer) => answer,
            Err(Some(answer)) => {
                // A retry of a request answered already: the same answer again.
                let _ = conn.send(&answer).await;
                return None;
            }
            // A retry of a request the application still works on: its answer will come.
            Err(None) => return None,
        };
        Some(Event::Message(Box::new(Incoming {
            channel: self.channel,
            doc,
            conn: conn.clone(),
            names: self.names.clone(),
            answer,
        })))
    }

    /// Records a request of the peer; `Err` with the earlier answer (if given) when it is a
    /// retry: same kind, same messageID, same text.
    fn first_time(&self, doc: &Mos<'_>) -> Result<Answer, Option<Arc<Mos<'static>>>> {
        let answer: Answer = Default::default();
        let kind = ack::name(&doc.message);
        let Some(message_id) = doc.message_id.as_ref().and_then(|id| id.value().copied()) else {
            return Ok(answer);
        };
        if ack::replies(kind).is_none() {
            return Ok(answer);
        }
        let mut hasher = DefaultHasher::new();
        doc.encode().hash(&mut hasher);
        let digest = hasher.finish();
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        let now = tokio::time::Instant::now();
        while recent.front().is_some_and(|r| now.duration_since(r.at) > self.retry_window) {
            recent.pop_front();
        }
        if let Some(seen) = recent.iter().find(|r| r.message_id == message_id && r.digest == digest) {
            return Err(seen.answer.lock().unwrap_or_else(PoisonError::into_inner).clone());
        }
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back(Recent { at: now, message_id, digest, answer: answer.clone() });
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_travel_on_their_ports() {
        assert_eq!(channel_of("roCreate", false), Channel::Upper);
        assert_eq!(channel_of("roElementStat", true), Channel::Upper);
        assert_eq!(channel_of("mosItemReplace", false), Channel::Upper);
        assert_eq!(channel_of("mosObj", true), Channel::Lower);
        assert_eq!(channel_of("reqMachInfo", true), Channel::Lower);
        assert_eq!(channel_of("mosReqObjList", true), Channel::Query);
        assert_eq!(channel_of("mosReqObjList", false), Channel::Lower);
    }

    #[test]
    fn missing_or_empty_ids_pass_the_check() {
        let checks = Checks { policy: IdPolicy::Reject, mos_id: "d".into(), ncs_id: "n".into() };
        let doc = |xml: &str| Mos::decode(xml).unwrap().into_owned();
        assert_eq!(checks.wrong(&doc("<mos><reqMachInfo/></mos>")), None);
        assert_eq!(checks.wrong(&doc("<mos><mosID></mosID><ncsID>n</ncsID><reqMachInfo/></mos>")), None);
        assert_eq!(checks.wrong(&doc("<mos><mosID>d</mosID><ncsID>n</ncsID><reqMachInfo/></mos>")), None);
        // mos-connection as a newsroom system writes its own name as mosID.
        assert_eq!(
            checks.wrong(&doc("<mos><ncsID>d</ncsID><mosID>n</mosID><reqMachInfo/></mos>")),
            Some(("n".into(), "d".into()))
        );
    }
}
