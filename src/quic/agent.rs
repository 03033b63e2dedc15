//! An Open Screen agent (feature `discovery`): discovery, QUIC, the agent certificate and
//! authentication tied together, giving the application authenticated connections.
//!
//! An advertising agent (a receiver) calls [`Agent::advertise`] then [`Agent::accept`]; a
//! listening agent (a controller) calls [`Agent::discover`] then [`Agent::connect`]. Both
//! authenticate every connection before it carries application messages, and answer the
//! peer's agent-info-request and agent-status-request themselves.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::auth::{AuthConfig, Side};
use super::discovery::{self, Advertisement, Advertiser, DiscoveredAgent, Found, Interfaces, TxtRecord};
use super::{authenticate, connect_to_agent, AgentIdentity, Config, Connection, Error, PskUser, Server, Verify};
use crate::openscreen::{
    AgentInfo, AgentInfoEvent, AgentInfoRequest, AgentInfoResponse, AgentStatusResponse, Message, PskInputMethod,
};

/// What an agent is and how it authenticates.
#[derive(Debug)]
pub struct AgentOptions {
    /// Its agent-info (display name, model name, capabilities, state token, locales); the
    /// display name is advertised over mDNS.
    pub info: AgentInfo<'static>,
    /// Its certificate and key (see [`AgentIdentity::generate_with`]).
    pub identity: AgentIdentity,
    /// PSK ease of input, 0 to 100: the agent with the lower one shows the PSK.
    pub psk_ease_of_input: u8,
    /// PSK input methods (numeric is required when the ease of input is not 0).
    pub psk_input_methods: Vec<PskInputMethod>,
    /// The fewest bits of entropy a PSK must have, 20 to 60.
    pub psk_min_bits_of_entropy: u32,
    /// How long a user may take with the PSK.
    pub psk_input_timeout: Duration,
    /// QUIC limits and timeouts.
    pub config: Config,
    /// The interfaces mDNS uses.
    pub interfaces: Interfaces,
}

impl AgentOptions {
    /// Options with the spec's defaults: ease of input 50 with numeric input, 20 bits, two
    /// minutes for the user, default QUIC limits, network interfaces.
    pub fn new(info: AgentInfo<'static>, identity: AgentIdentity) -> AgentOptions {
        AgentOptions {
            info,
            identity,
            psk_ease_of_input: 50,
            psk_input_methods: vec![PskInputMethod::Numeric],
            psk_min_bits_of_entropy: super::auth::MIN_BITS,
            psk_input_timeout: Duration::from_secs(120),
            config: Config::default(),
            interfaces: Interfaces::Network,
        }
    }
}

/// An Open Screen agent.
#[derive(Debug)]
pub struct Agent {
    options: AgentOptions,
    auth_token: String,
    metadata_version: u64,
    server: Option<Server>,
    advertiser: Option<Advertiser>,
    /// The authenticated connections, told of a new agent-info.
    peers: Peers,
}

/// Handles of authenticated connections (dead ones are dropped when next used).
type Peers = Arc<Mutex<Vec<quinn::Connection>>>;

impl Agent {
    /// An agent with these options (and a new `at` token).
    pub fn new(options: AgentOptions) -> Result<Agent, Error> {
        Ok(Agent {
            options,
            auth_token: discovery::new_auth_token()?,
            metadata_version: 1,
            server: None,
            advertiser: None,
            peers: Peers::default(),
        })
    }

    /// Its identity.
    pub fn identity(&self) -> &AgentIdentity {
        &self.options.identity
    }

    /// Its agent-info.
    pub fn info(&self) -> &AgentInfo<'static> {
        &self.options.info
    }

    /// Listens on `addr` and advertises the agent over mDNS (the advertised address is the
    /// one listened on; an unspecified address advertises loopback when `interfaces` allows it,
    /// else 0.0.0.0 is refused). Returns the address listened on.
    pub fn advertise(&mut self, addr: SocketAddr) -> Result<SocketAddr, Error> {
        let server = Server::bind(addr, &self.options.identity, self.options.config.clone())?;
        let local = server.local_addr()?;
        if local.ip().is_unspecified() {
            return Err(Error::Io {
                context: format!("cannot advertise {local}"),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "listen on the address to advertise"),
            });
        }
        let advertisement = Advertisement {
            display_name: self.options.info.display_name.to_string(),
            port: local.port(),
            addresses: vec![local.ip()],
            txt: TxtRecord {
                fingerprint: self.options.identity.fingerprint(),
                metadata_version: self.metadata_version,
                auth_token: self.auth_token.clone(),
                serial: Some(self.options.identity.serial()),
            },
        };
        self.advertiser = Some(Advertiser::publish(advertisement, self.options.interfaces)?);
        self.server = Some(server);
        Ok(local)
    }

    /// Changes the agent-info: raises the advertised metadata version (`mv`), so listening
    /// agents know to ask for it again, and sends agent-info-event to every authenticated
    /// connection still open. Returns how many peers were told.
    pub async fn set_info(&mut self, info: AgentInfo<'static>) -> Result<usize, Error> {
        self.options.info = info;
        self.metadata_version += 1;
        if let Some(advertiser) = &mut self.advertiser {
            advertiser.set_metadata_version(self.metadata_version)?;
        }
        let event = Message::from(AgentInfoEvent { agent_info: self.options.info.clone() });
        let mut frame = Vec::new();
        event.encode_frame(&mut frame).map_err(Error::Encode)?;
        let peers: Vec<quinn::Connection> = {
            let mut peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
            peers.retain(|c| c.close_reason().is_none());
            peers.clone()
        };
        let mut told = 0;
        for peer in peers {
            // A peer that went away meanwhile is not an error of this agent.
            if let Ok(mut stream) = peer.open_uni().await {
                if stream.write_all(&frame).await.is_ok() && stream.finish().is_ok() {
                    told += 1;
                }
            }
        }
        Ok(told)
    }

    /// The next connection, authenticated (`None` once the server is closed, or when
    /// [`Agent::advertise`] was not called). An error concerns one connection attempt: a
    /// failed handshake or authentication; the agent goes on accepting. Authentication waits
    /// for the user: to serve other controllers meanwhile, use [`Agent::accept_unauthenticated`]
    /// and authenticate each in a task of its own.
    pub async fn accept(&mut self, user: &mut dyn PskUser) -> Option<Result<AgentConnection, Error>> {
        Some(match self.accept_unauthenticated().await? {
            Ok(incoming) => incoming.authenticate(user).await,
            Err(e) => Err(e),
        })
    }

    /// The next connection whose TLS handshake is done, still to be authenticated.
    pub async fn accept_unauthenticated(&mut self) -> Option<Result<Incoming, Error>> {
        let server = self.server.as_mut()?;
        let conn = match server.accept::<Message<'static>>().await? {
            Ok(conn) => conn,
            Err(e) => return Some(Err(e)),
        };
        let Some(peer_fingerprint) = conn.peer_fingerprint() else {
            return Some(Err(Error::Tls { peer: Some(conn.remote_address()), detail: "no client certificate".into() }));
        };
        let mut auth = self.auth_config(Side::Server, peer_fingerprint);
        auth.initiate = false;
        Some(Ok(Incoming { conn, auth, info: self.options.info.clone(), peers: self.peers.clone() }))
    }

    /// Browses mDNS for `wait`, or until `done` says what was found is enough.
    pub async fn discover(
        &self,
        wait: Duration,
        done: impl FnMut(&Found) -> bool + Send + 'static,
    ) -> Result<Found, Error> {
        let interfaces = self.options.interfaces;
        tokio::task::spawn_blocking(move || discovery::browse_until(wait, interfaces, done))
            .await
            .map_err(|e| Error::ConnectionLost(format!("mDNS browsing stopped: {e}")))?
    }

    /// Connects to a discovered agent (pinning its advertised fingerprint, sending its agent
    /// hostname as server name) and authenticates with its `at` token.
    pub async fn connect(&self, peer: &DiscoveredAgent, user: &mut dyn PskUser) -> Result<AgentConnection, Error> {
        let addr = *peer
            .addresses
            .iter()
            .find(|a| a.is_ipv4())
            .or(peer.addresses.first())
            .ok_or_else(|| Error::ConnectionLost(format!("{:?} advertises no address", peer.instance_name)))?;
        let hostname = peer.hostname.clone().unwrap_or_else(|| format!("{}.local", peer.instance_name));
        let verify = Verify::Fingerprint(peer.txt.fingerprint);
        let mut conn =
            connect_to_agent::<Message<'static>>(addr, &hostname, &self.options.identity, verify, &self.options.config)
                .await?;
        let mut auth = self.auth_config(Side::Client, peer.txt.fingerprint);
        auth.token = Some(peer.txt.auth_token.clone());
        authenticate(&mut conn, auth, user).await?;
        self.peers.lock().unwrap_or_else(|e| e.into_inner()).push(conn.quinn().clone());
        Ok(AgentConnection::new(conn, self.options.info.clone(), Some(peer.clone())))
    }

    fn auth_config(&self, side: Side, peer: super::Fingerprint) -> AuthConfig {
        let mut auth = AuthConfig::new(side, self.options.identity.fingerprint(), peer);
        auth.psk_ease_of_input = self.options.psk_ease_of_input;
        auth.psk_input_methods = self.options.psk_input_methods.clone();
        auth.psk_min_bits_of_entropy = self.options.psk_min_bits_of_entropy;
        auth.psk_input_timeout = self.options.psk_input_timeout;
        auth.response_timeout = self.options.config.handshake_timeout;
        if side == Side::Server {
            auth.token = Some(self.auth_token.clone());
        }
        auth
    }
}

/// A connection accepted by an advertising agent, before authentication.
#[derive(Debug)]
pub struct Incoming {
    conn: Connection<Message<'static>>,
    auth: AuthConfig,
    info: AgentInfo<'static>,
    peers: Peers,
}

impl Incoming {
    /// The controller's address.
    pub fn remote_address(&self) -> SocketAddr {
        self.conn.remote_address()
    }

    /// Authenticates the connection (the controller initiates; this agent answers).
    pub async fn authenticate(mut self, user: &mut dyn PskUser) -> Result<AgentConnection, Error> {
        authenticate(&mut self.conn, self.auth, user).await?;
        self.peers.lock().unwrap_or_else(|e| e.into_inner()).push(self.conn.quinn().clone());
        Ok(AgentConnection::new(self.conn, self.info, None))
    }
}

/// An authenticated connection between two agents.
#[derive(Debug)]
pub struct AgentConnection {
    conn: Connection<Message<'static>>,
    info: AgentInfo<'static>,
    peer: Option<DiscoveredAgent>,
    peer_info: Option<AgentInfo<'static>>,
    next_request_id: u64,
}

impl AgentConnection {
    fn new(conn: Connection<Message<'static>>, info: AgentInfo<'static>, peer: Option<DiscoveredAgent>) -> Self {
        AgentConnection { conn, info, peer, peer_info: None, next_request_id: 1 }
    }

    /// The next application message from the peer; agent-info-request and
    /// agent-status-request are answered here and not returned. `Ok(None)` once it closed.
    pub async fn recv(&mut self) -> Result<Option<Message<'static>>, Error> {
        loop {
            let Some(message) = self.conn.recv().await? else { return Ok(None) };
            match &message {
                Message::AgentInfoRequest(r) => {
                    let answer = AgentInfoResponse { request_id: r.request_id, agent_info: self.info.clone() };
                    self.conn.send(&Message::from(answer)).await?;
                }
                Message::AgentStatusRequest(r) => {
                    let answer = AgentStatusResponse { request_id: r.request_id, status: None };
                    self.conn.send(&Message::from(answer)).await?;
                }
                // Kept as the peer's agent-info, and returned: the application may react.
                Message::AgentInfoEvent(e) => {
                    self.peer_info = Some(e.agent_info.clone());
                    return Ok(Some(message));
                }
                _ => return Ok(Some(message)),
            }
        }
    }

    /// Asks the peer for its agent-info and waits (at most `limit`) for it; other messages
    /// that arrive meanwhile are kept for [`AgentConnection::recv`].
    pub async fn request_agent_info(&mut self, limit: Duration) -> Result<AgentInfo<'static>, Error> {
        let request_id = self.next_request_id();
        self.conn.send(&Message::from(AgentInfoRequest { request_id })).await?;
        let mut set_aside = Vec::new();
        let result = loop {
            match self.conn.recv_timeout(limit).await {
                Ok(Some(Message::AgentInfoResponse(r))) if r.request_id == request_id => break Ok(r.agent_info),
                Ok(Some(other)) => set_aside.push(other),
                Ok(None) => break Err(Error::ConnectionLost("the peer closed before answering agent-info".into())),
                Err(e) => break Err(e),
            }
        };
        for message in set_aside {
            self.conn.unread(message);
        }
        let info = result?;
        self.peer_info = Some(info.clone());
        Ok(info)
    }

    /// The peer's display name once verified as the spec's "Instance and Display Names" asks:
    /// the advertised instance name is a prefix of the display name its agent-info gave.
    /// `None` before [`AgentConnection::request_agent_info`], or when it does not match.
    pub fn verified_display_name(&self) -> Option<&str> {
        let info = self.peer_info.as_ref()?;
        let peer = self.peer.as_ref()?;
        info.display_name.starts_with(peer.display_name.as_str()).then_some(&*info.display_name)
    }

    /// The peer's agent-info: from [`AgentConnection::request_agent_info`], or the latest
    /// agent-info-event it sent.
    pub fn peer_info(&self) -> Option<&AgentInfo<'static>> {
        self.peer_info.as_ref()
    }

    /// The agent found by discovery (on the connecting side).
    pub fn peer(&self) -> Option<&DiscoveredAgent> {
        self.peer.as_ref()
    }

    /// A new request id (they start at 1, as the spec asks).
    pub fn next_request_id(&mut self) -> u64 {
        let id = self.next_request_id;
        self.next_request_id += 1;
        id
    }

    /// Sends a message on a stream of its own.
    pub async fn send(&self, message: &Message<'_>) -> Result<(), Error> {
        self.conn.send(message).await
    }

    /// The connection underneath (streams, addresses, fingerprints).
    pub fn connection(&mut self) -> &mut Connection<Message<'static>> {
        &mut self.conn
    }

    /// Closes the connection.
    pub async fn close(self) {
        self.conn.close().await;
    }
}
