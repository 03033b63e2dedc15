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

/// How often a waiting [`Agent::accept`] looks for a rename by mDNS conflict resolution (a
/// probe takes about 750 ms, so a rename is followed before the renamed name is announced
/// long).
const RENAME_CHECK: Duration = Duration::from_millis(250);

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
    /// The wait before answering an authentication after one failed, doubled with each
    /// further failure up to [`MAX_AUTH_BACKOFF`] and reset by a success: the network spec's
    /// "increasing backoff to respond to authentication challenges", against brute force on
    /// the PSK. Zero turns it off.
    pub auth_backoff: Duration,
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
            auth_backoff: Duration::from_secs(1),
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
    backoff: Arc<Mutex<Backoff>>,
}

/// The longest wait [`AgentOptions::auth_backoff`] grows to.
pub const MAX_AUTH_BACKOFF: Duration = Duration::from_secs(64);

/// Failed authentications in a row, and when the next one may be answered.
#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
    until: Option<tokio::time::Instant>,
}

impl Backoff {
    fn failed(&mut self, base: Duration, now: tokio::time::Instant) {
        self.failures = self.failures.saturating_add(1);
        let wait = base.saturating_mul(1 << (self.failures - 1).min(16)).min(MAX_AUTH_BACKOFF);
        self.until = Some(now + wait);
    }

    fn succeeded(&mut self) {
        *self = Backoff::default();
    }
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
            backoff: Arc::default(),
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

    /// Listens on `addr` and advertises the agent over mDNS. A specific address is advertised
    /// as it is; an unspecified one (`0.0.0.0`, or `[::]` for IPv6 and IPv4 both) advertises
    /// every address of the interfaces mDNS uses, following them as they come and go. Returns
    /// the address listened on.
    pub fn advertise(&mut self, addr: SocketAddr) -> Result<SocketAddr, Error> {
        let server = Server::bind(addr, &self.options.identity, self.options.config.clone())?;
        let local = server.local_addr()?;
        let addresses = if local.ip().is_unspecified() { Vec::new() } else { vec![local.ip()] };
        let advertisement = Advertisement {
            display_name: self.options.info.display_name.to_string(),
            port: local.port(),
            addresses,
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

    /// The DNS-SD instance name advertised (`None` before [`Agent::advertise`]): made from the
    /// display name, or as mDNS conflict resolution renamed it.
    pub fn instance_name(&self) -> Option<&str> {
        self.advertiser.as_ref().map(Advertiser::instance_name)
    }

    /// Follows a rename by mDNS conflict resolution (RFC 6762 §9, which the network spec asks
    /// advertising agents to follow): the spec computes a new agent hostname each time the
    /// instance name changes, and the hostname is the certificate's subject CN, so the agent
    /// takes its next certificate ([`AgentIdentity::renewed`]: serial counter + 1, new key),
    /// presents it to the connections that come next, and advertises its new `fp`, `sn` and
    /// SRV target. Returns the new instance name when there was a rename. [`Agent::accept`]
    /// calls it while it waits; an agent that is not accepting can call it itself.
    pub fn follow_rename(&mut self) -> Result<Option<String>, Error> {
        let Some(advertiser) = self.advertiser.as_mut() else { return Ok(None) };
        let Some(instance) = advertiser.renamed() else { return Ok(None) };
        let identity = self.options.identity.renewed(&instance)?;
        let txt = TxtRecord {
            fingerprint: identity.fingerprint(),
            metadata_version: self.metadata_version,
            auth_token: self.auth_token.clone(),
            serial: Some(identity.serial()),
        };
        advertiser.renew(&instance, txt)?;
        if let Some(server) = &self.server {
            server.set_identity(&identity)?;
        }
        self.options.identity = identity;
        Ok(Some(instance))
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

    /// The next connection whose TLS handshake is done, still to be authenticated. While it
    /// waits, it follows a rename by mDNS conflict resolution ([`Agent::follow_rename`]).
    pub async fn accept_unauthenticated(&mut self) -> Option<Result<Incoming, Error>> {
        let conn = loop {
            if let Err(e) = self.follow_rename() {
                return Some(Err(e));
            }
            let server = self.server.as_mut()?;
            let next = tokio::select! {
                next = server.accept::<Message<'static>>() => next,
                _ = tokio::time::sleep(RENAME_CHECK), if self.advertiser.is_some() => continue,
            };
            match next? {
                Ok(conn) => break conn,
                Err(e) => return Some(Err(e)),
            }
        };
        let Some(peer_fingerprint) = conn.peer_fingerprint() else {
            return Some(Err(Error::Tls { peer: Some(conn.remote_address()), detail: "no client certificate".into() }));
        };
        let mut auth = self.auth_config(Side::Server, peer_fingerprint);
        auth.initiate = false;
        Some(Ok(Incoming {
            conn,
            auth,
            info: self.options.info.clone(),
            peers: self.peers.clone(),
            backoff: self.backoff.clone(),
            backoff_base: self.options.auth_backoff,
        }))
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
    backoff: Arc<Mutex<Backoff>>,
    backoff_base: Duration,
}

impl Incoming {
    /// The controller's address.
    pub fn remote_address(&self) -> SocketAddr {
        self.conn.remote_address()
    }

    /// Authenticates the connection (the controller initiates; this agent answers).
    /// After failures, it first waits as [`AgentOptions::auth_backoff`] says.
    pub async fn authenticate(mut self, user: &mut dyn PskUser) -> Result<AgentConnection, Error> {
        let until = self.backoff.lock().unwrap_or_else(|e| e.into_inner()).until;
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
        let result = authenticate(&mut self.conn, self.auth, user).await;
        {
            let mut backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
            match &result {
                Ok(()) => backoff.succeeded(),
                Err(Error::Authentication(_)) if !self.backoff_base.is_zero() => {
                    backoff.failed(self.backoff_base, tokio::time::Instant::now())
                }
                Err(_) => {}
            }
        }
        result?;
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
        // A name conflict resolution renamed (`Kitchen (2)`) verifies by the name it came from.
        let renamed_from = if peer.truncated { None } else { discovery::without_conflict_suffix(&peer.display_name) };
        let matches = info.display_name.starts_with(peer.display_name.as_str())
            || renamed_from.is_some_and(|base| info.display_name.starts_with(base));
        matches.then_some(&*info.display_name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authentication_backoff_doubles_up_to_its_cap_and_resets() {
        let now = tokio::time::Instant::now();
        let mut backoff = Backoff::default();
        let mut waits = Vec::new();
        for _ in 0..9 {
            backoff.failed(Duration::from_secs(1), now);
            waits.push((backoff.until.unwrap() - now).as_secs());
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 64, 64]);
        for _ in 0..100 {
            backoff.failed(Duration::from_secs(1), now);
        }
        assert_eq!(backoff.until.unwrap() - now, MAX_AUTH_BACKOFF, "no overflow after many failures");
        backoff.succeeded();
        assert_eq!((backoff.failures, backoff.until), (0, None));
    }
}
