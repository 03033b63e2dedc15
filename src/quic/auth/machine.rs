//! The authentication state machine, without sockets or clocks: it takes the peer's messages,
//! the user's PSK and the time, and says what to send, what to show the user, and how it ended.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::psk::{self, Psk};
use super::spake2::{self, password_scalar, Keys, Role, Spake2};
use crate::openscreen::{
    AuthCapabilities, AuthInitiationToken, AuthSpake2Confirmation, AuthSpake2Handshake, AuthSpake2PskStatus,
    AuthStatus, AuthStatusResult, Message, PskInputMethod,
};
use crate::quic::Fingerprint;

/// The length of `confirmation-value` in the CDDL (`bytes .size 64`). The spec's cipher suite
/// gives a 32-byte HMAC-SHA-256: the MAC is sent in the first 32 bytes, followed by 32 zero
/// bytes, and a receiver checks all 64 (see the module documentation of [`super`]).
pub const CONFIRMATION_LEN: usize = 64;

/// Application error code for closing a connection whose authentication failed (HTTP's 401;
/// the spec names no code, only that the agent "must immediately disconnect").
pub const AUTH_FAILED: u32 = 401;

/// Application error code for closing a connection whose authentication timed out (HTTP's 408).
pub const AUTH_TIMEOUT: u32 = 408;

/// Which end of the QUIC connection this agent is: the identities `A` and `B` of SPAKE2 are
/// the client's and the server's fingerprints, and the server presents on a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The agent that opened the QUIC connection (the listening agent, usually a controller).
    Client,
    /// The agent that accepted it (the advertising agent, usually a receiver).
    Server,
}

/// What an agent brings to authentication.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// This agent's end of the connection.
    pub side: Side,
    /// This agent's fingerprint.
    pub local_fingerprint: Fingerprint,
    /// The peer's fingerprint, from its TLS certificate.
    pub peer_fingerprint: Fingerprint,
    /// How easily the user can input a PSK here, 0 (not at all) to 100.
    pub psk_ease_of_input: u8,
    /// The PSK input methods supported here (numeric is required when the ease is not 0).
    pub psk_input_methods: Vec<PskInputMethod>,
    /// The fewest bits of entropy this agent accepts in a PSK, 20 to 60.
    pub psk_min_bits_of_entropy: u32,
    /// The advertising agent's `at` token: a server's own, a client's from the server's mDNS
    /// record. Sent in every auth-spake2-handshake; a handshake that carries another token (or
    /// none) is discarded, as the spec says. `None`: none sent and none required.
    pub token: Option<String>,
    /// Whether this agent starts authentication (and so plays Alice) once capabilities are known.
    pub initiate: bool,
    /// How long to wait for the peer's next message when no user is involved.
    pub response_timeout: Duration,
    /// How long a user may take to read or enter the PSK.
    pub psk_input_timeout: Duration,
}

impl AuthConfig {
    /// Defaults for `side`: ease of input 50 with numeric input, 20 bits, no token, initiate
    /// on the client, 10 s for answers and 120 s for the user.
    pub fn new(side: Side, local_fingerprint: Fingerprint, peer_fingerprint: Fingerprint) -> AuthConfig {
        AuthConfig {
            side,
            local_fingerprint,
            peer_fingerprint,
            psk_ease_of_input: 50,
            psk_input_methods: vec![PskInputMethod::Numeric],
            psk_min_bits_of_entropy: psk::MIN_BITS,
            token: None,
            initiate: side == Side::Client,
            response_timeout: Duration::from_secs(10),
            psk_input_timeout: Duration::from_secs(120),
        }
    }
}

/// What the machine asks of its owner, in order.
// A handful per connection, moved straight out: boxing the message would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum AuthEvent {
    /// Send this message to the peer (all on one ordered stream).
    Send(Message<'static>),
    /// Show this PSK to the user (this agent is the PSK presenter).
    ShowPsk(Psk),
    /// Ask the user for the PSK the other agent shows, then call
    /// [`Authenticator::psk_entered`] (or [`Authenticator::psk_refused`]).
    EnterPsk,
    /// Both agents proved they know the PSK: application messages may flow.
    Authenticated,
    /// Authentication failed: close the connection with [`AuthFailure::close_code`] now.
    Failed(AuthFailure),
}

/// How authentication failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// The spec's status: the one sent to the peer, or the one it sent.
    pub status: AuthStatusResult,
    /// Whether the peer reported the failure (its auth-status), rather than this agent.
    pub by_peer: bool,
    /// What happened, for people.
    pub reason: String,
}

impl AuthFailure {
    /// The application error code to close the connection with.
    pub fn close_code(&self) -> u32 {
        match self.status {
            AuthStatusResult::Timeout | AuthStatusResult::ValidationTookTooLong => AUTH_TIMEOUT,
            _ => AUTH_FAILED,
        }
    }
}

impl std::fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = if self.by_peer { "the peer reported" } else { "authentication failed" };
        write!(f, "{who} {}: {}", status_name(self.status), self.reason)
    }
}

/// The spec's name of a status.
pub fn status_name(status: AuthStatusResult) -> &'static str {
    match status {
        AuthStatusResult::Authenticated => "authenticated",
        AuthStatusResult::UnknownError => "unknown-error",
        AuthStatusResult::Timeout => "timeout",
        AuthStatusResult::SecretUnknown => "secret-unknown",
        AuthStatusResult::ValidationTookTooLong => "validation-took-too-long",
        AuthStatusResult::ProofInvalid => "proof-invalid",
    }
}

/// What the current deadline is for, which decides the status when it passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// The peer's next message, which needs no user.
    Peer,
    /// Something that waits for a user, here or at the peer.
    User,
}

/// SPAKE2 authentication of one connection (network spec, "Authentication with SPAKE2").
///
/// Feed it every message the peer sends ([`Authenticator::handle`]), the PSK the user enters,
/// and the time ([`Authenticator::handle_timeout`] at [`Authenticator::poll_timeout`]); carry out
/// its [`AuthEvent`]s in order. An application message from the peer before it ends fails it.
#[derive(Debug)]
pub struct Authenticator {
    config: AuthConfig,
    id_a: Vec<u8>,
    id_b: Vec<u8>,
    events: VecDeque<AuthEvent>,
    deadline: Option<(Instant, Waiting)>,
    peer_capabilities: Option<AuthCapabilities>,
    presenter: bool,
    role: Option<Role>,
    /// The consumer asked the presenter to show a PSK and has not got its answer.
    requested: bool,
    awaiting_user: bool,
    spake: Option<Spake2>,
    peer_public: Option<Vec<u8>>,
    keys: Option<Keys>,
    sent_confirmation: bool,
    peer_confirmed: bool,
    peer_reported: bool,
    discarded: usize,
    early: Option<Message<'static>>,
    outcome: Option<Result<(), AuthFailure>>,
}

impl Authenticator {
    /// Starts: queues this agent's auth-capabilities and waits for the peer's.
    pub fn new(config: AuthConfig, now: Instant) -> Authenticator {
        let (client, server) = match config.side {
            Side::Client => (config.local_fingerprint, config.peer_fingerprint),
            Side::Server => (config.peer_fingerprint, config.local_fingerprint),
        };
        let capabilities = AuthCapabilities {
            psk_ease_of_input: u64::from(config.psk_ease_of_input),
            psk_input_methods: config.psk_input_methods.clone(),
            psk_min_bits_of_entropy: u64::from(config.psk_min_bits_of_entropy),
        };
        let mut machine = Authenticator {
            id_a: client.to_base64().into_bytes(),
            id_b: server.to_base64().into_bytes(),
            deadline: Some((now + config.response_timeout, Waiting::Peer)),
            config,
            events: VecDeque::new(),
            peer_capabilities: None,
            presenter: false,
            role: None,
            requested: false,
            awaiting_user: false,
            spake: None,
            peer_public: None,
            keys: None,
            sent_confirmation: false,
            peer_confirmed: false,
            peer_reported: false,
            discarded: 0,
            early: None,
            outcome: None,
        };
        machine.send(Message::AuthCapabilities(capabilities));
        machine
    }

    /// The next thing to do, if any.
    pub fn poll_event(&mut self) -> Option<AuthEvent> {
        self.events.pop_front()
    }

    /// When [`Authenticator::handle_timeout`] must be called next, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline.map(|(at, _)| at)
    }

    /// `None` while authentication runs; then how it ended.
    pub fn outcome(&self) -> Option<&Result<(), AuthFailure>> {
        self.outcome.as_ref()
    }

    /// Whether this agent presents the PSK (known once the peer's capabilities arrived).
    pub fn is_presenter(&self) -> bool {
        self.presenter
    }

    /// How many handshakes were discarded for a wrong or missing initiation token.
    pub fn discarded(&self) -> usize {
        self.discarded
    }

    /// The time passed: fails with `timeout` (or `validation-took-too-long` when a user was
    /// awaited) once the deadline is reached.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some((at, waiting)) = self.deadline {
            if self.outcome.is_none() && now >= at {
                let (status, what) = match waiting {
                    Waiting::Peer => (AuthStatusResult::Timeout, "the peer did not answer in time"),
                    Waiting::User => (AuthStatusResult::ValidationTookTooLong, "the PSK was not entered in time"),
                };
                self.fail(status, what.to_owned());
            }
        }
    }

    /// The user entered the PSK the other agent shows.
    pub fn psk_entered(&mut self, psk: Psk, now: Instant) {
        if self.outcome.is_some() || !self.awaiting_user {
            return;
        }
        self.awaiting_user = false;
        let role = self.role.unwrap_or(Role::Bob);
        self.start_spake(role, &psk);
        self.wait(now, Waiting::Peer);
        self.confirm_if_ready();
    }

    /// The user did not enter a PSK (cancelled): fails with `secret-unknown`.
    pub fn psk_refused(&mut self) {
        if self.outcome.is_none() {
            self.fail(AuthStatusResult::SecretUnknown, "the user did not enter the PSK".into());
        }
    }

    /// A message from the peer. Any message but the four of authentication fails it, unless
    /// only the peer's auth-status is missing (then it completes it, see
    /// [`Authenticator::take_early_message`]).
    pub fn handle(&mut self, message: &Message<'_>, now: Instant) {
        if self.outcome.is_some() {
            return;
        }
        match message {
            Message::AuthCapabilities(c) => self.on_capabilities(c, now),
            Message::AuthSpake2Handshake(h) => self.on_handshake(h, now),
            Message::AuthSpake2Confirmation(c) => self.on_confirmation(c, now),
            Message::AuthStatus(s) => self.on_status(s),
            // The peer's confirmation verified and ours is sent, only its auth-status is
            // missing: an application message on another stream can overtake it, and the
            // peer only sends one once it validated ours. The message is kept for the owner.
            other if self.sent_confirmation && self.peer_confirmed => {
                self.early = Some(crate::cbor::IntoOwned::into_owned(other.clone()));
                self.end(Ok(()));
            }
            other => self
                .fail(AuthStatusResult::UnknownError, format!("the peer sent {} before authenticating", other.name())),
        }
    }

    /// An application message that completed authentication (see [`Authenticator::handle`]),
    /// to be handled as the first one after it.
    pub fn take_early_message(&mut self) -> Option<Message<'static>> {
        self.early.take()
    }

    fn on_capabilities(&mut self, peer: &AuthCapabilities, now: Instant) {
        if self.peer_capabilities.is_some() {
            return self.out_of_order("a second auth-capabilities");
        }
        if peer.psk_ease_of_input > 100 {
            return self.fail(
                AuthStatusResult::UnknownError,
                format!("psk-ease-of-input {} is over 100", peer.psk_ease_of_input),
            );
        }
        if !(u64::from(psk::MIN_BITS)..=u64::from(psk::MAX_REQUESTED_BITS)).contains(&peer.psk_min_bits_of_entropy) {
            return self.fail(
                AuthStatusResult::UnknownError,
                format!("psk-min-bits-of-entropy {} is not within 20..=60", peer.psk_min_bits_of_entropy),
            );
        }
        let mine = u64::from(self.config.psk_ease_of_input);
        let theirs = peer.psk_ease_of_input;
        self.presenter = mine < theirs || (mine == theirs && self.config.side == Side::Server);
        let consumer_ease = if self.presenter { theirs } else { mine };
        let consumer_methods = if self.presenter { &peer.psk_input_methods } else { &self.config.psk_input_methods };
        if consumer_ease == 0 {
            return self.fail(AuthStatusResult::UnknownError, "neither agent can input a PSK (ease of input 0)".into());
        }
        if !consumer_methods.contains(&PskInputMethod::Numeric) {
            return self.fail(
                AuthStatusResult::UnknownError,
                "the PSK consumer does not support numeric input (required when its ease of input is not 0)".into(),
            );
        }
        self.peer_capabilities = Some(peer.clone());
        self.wait(now, Waiting::Peer);
        if self.config.initiate {
            self.role = Some(Role::Alice);
            if self.presenter {
                self.present(Role::Alice, now);
            } else {
                self.requested = true;
                self.send_handshake(AuthSpake2PskStatus::PskNeedsPresentation, Vec::new());
            }
        }
    }

    fn on_handshake(&mut self, handshake: &AuthSpake2Handshake<'_>, now: Instant) {
        if self.peer_capabilities.is_none() {
            return self.out_of_order("auth-spake2-handshake before auth-capabilities");
        }
        if let Some(expected) = &self.config.token {
            if handshake.initiation_token.token.as_deref() != Some(expected.as_str()) {
                // The spec: "discard any authentication message whose auth-initiation-token is
                // set and does not match"; a missing one is no better from an unknown party.
                self.discarded += 1;
                return;
            }
        }
        let value = handshake.public_value.as_ref();
        match (self.presenter, self.role, handshake.psk_status) {
            // The peer presents and starts (or answers our request, or both started at once:
            // its start wins): we are Bob, and ask the user.
            (false, None | Some(Role::Alice), AuthSpake2PskStatus::PskShown)
                if self.peer_public.is_none() && self.spake.is_none() =>
            {
                self.role = Some(Role::Bob);
                self.requested = false;
                self.expect_user_input(value, now);
            }
            // We asked the presenter to show a PSK; it did and sent pB: ask the user.
            (false, Some(Role::Alice), AuthSpake2PskStatus::PskInput) if self.requested => {
                self.requested = false;
                self.expect_user_input(value, now);
            }
            // The consumer asks us to present: we show a PSK and play Bob. Its pA cannot exist
            // yet (it needs the PSK): it follows in its next handshake.
            (true, None, AuthSpake2PskStatus::PskNeedsPresentation) => {
                self.role = Some(Role::Bob);
                self.present(Role::Bob, now);
            }
            // Both started at once: our presentation stands, its request is moot.
            (true, Some(Role::Alice), AuthSpake2PskStatus::PskNeedsPresentation) if self.peer_public.is_none() => {}
            // The consumer entered the PSK and sent its public value.
            (true, Some(_), AuthSpake2PskStatus::PskInput) if self.peer_public.is_none() && self.spake.is_some() => {
                self.peer_public = Some(value.to_vec());
                self.wait(now, Waiting::Peer);
                self.confirm_if_ready();
            }
            (_, _, status) => self.out_of_order(&format!("auth-spake2-handshake with psk-status {}", status.value())),
        }
    }

    fn on_confirmation(&mut self, confirmation: &AuthSpake2Confirmation<'_>, now: Instant) {
        let Some(keys) = &self.keys else {
            return self.out_of_order("auth-spake2-confirmation before both public values were known");
        };
        if self.peer_confirmed {
            return self.out_of_order("a second auth-spake2-confirmation");
        }
        let peer_role = match self.role {
            Some(Role::Alice) => Role::Bob,
            _ => Role::Alice,
        };
        let value = confirmation.confirmation_value.as_ref();
        let valid = value.len() == CONFIRMATION_LEN && {
            let mac_ok = keys.verify(peer_role, &value[..spake2::MAC_LEN]);
            // Constant time over the padding too: no early exit on the first non-zero byte.
            let padding = value[spake2::MAC_LEN..].iter().fold(0u8, |acc, b| acc | b);
            mac_ok & (padding == 0)
        };
        if !valid {
            return self.fail(
                AuthStatusResult::ProofInvalid,
                "the peer's confirmation does not verify (another PSK, or another fingerprint)".into(),
            );
        }
        self.peer_confirmed = true;
        self.send(Message::AuthStatus(AuthStatus { result: AuthStatusResult::Authenticated }));
        self.wait(now, Waiting::Peer);
        self.finish_if_done();
    }

    fn on_status(&mut self, status: &AuthStatus) {
        if status.result != AuthStatusResult::Authenticated {
            let failure =
                AuthFailure { status: status.result, by_peer: true, reason: "the peer ended authentication".into() };
            return self.end(Err(failure));
        }
        if !self.sent_confirmation || self.peer_reported {
            return self.out_of_order("auth-status authenticated before our confirmation");
        }
        self.peer_reported = true;
        self.finish_if_done();
    }

    /// Shows a new PSK and sends this side's public value.
    fn present(&mut self, role: Role, now: Instant) {
        let theirs = self.peer_capabilities.as_ref().map_or(u64::from(psk::MIN_BITS), |c| c.psk_min_bits_of_entropy);
        let bits = u64::from(self.config.psk_min_bits_of_entropy.max(psk::MIN_BITS)).max(theirs);
        let psk = match Psk::generate(bits.min(u64::from(psk::MAX_BITS)) as u32) {
            Ok(psk) => psk,
            Err(e) => return self.fail(AuthStatusResult::UnknownError, e.to_string()),
        };
        self.events.push_back(AuthEvent::ShowPsk(psk));
        let status = match role {
            Role::Alice => AuthSpake2PskStatus::PskShown,
            Role::Bob => AuthSpake2PskStatus::PskInput,
        };
        self.start_spake_with_status(role, &psk, status);
        // The answer needs the user at the other agent.
        self.wait(now, Waiting::User);
    }

    fn expect_user_input(&mut self, peer_public: &[u8], now: Instant) {
        if !peer_public.is_empty() {
            self.peer_public = Some(peer_public.to_vec());
        }
        self.awaiting_user = true;
        self.events.push_back(AuthEvent::EnterPsk);
        self.wait(now, Waiting::User);
    }

    fn start_spake(&mut self, role: Role, psk: &Psk) {
        self.start_spake_with_status(role, psk, AuthSpake2PskStatus::PskInput);
    }

    fn start_spake_with_status(&mut self, role: Role, psk: &Psk, status: AuthSpake2PskStatus) {
        let mut random = [0u8; 64];
        if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random).is_err() {
            return self.fail(AuthStatusResult::UnknownError, "no randomness".into());
        }
        let spake = Spake2::start(role, password_scalar(&psk.password()), &self.id_a, &self.id_b, &random);
        self.send_handshake(status, spake.public_value().to_vec());
        self.spake = Some(spake);
    }

    /// Once both public values are known: derive the keys and send this side's confirmation.
    fn confirm_if_ready(&mut self) {
        let (Some(spake), Some(peer)) = (&self.spake, &self.peer_public) else { return };
        if self.keys.is_some() {
            return;
        }
        let keys = match spake.finish(peer) {
            Ok(keys) => keys,
            Err(e) => return self.fail(AuthStatusResult::ProofInvalid, format!("the peer's {e}")),
        };
        let mut value = keys.confirmation(spake.role()).to_vec();
        value.resize(CONFIRMATION_LEN, 0);
        self.keys = Some(keys);
        self.sent_confirmation = true;
        self.send(Message::AuthSpake2Confirmation(AuthSpake2Confirmation { confirmation_value: value.into() }));
    }

    fn finish_if_done(&mut self) {
        if self.sent_confirmation && self.peer_confirmed && self.peer_reported {
            self.end(Ok(()));
        }
    }

    fn send_handshake(&mut self, psk_status: AuthSpake2PskStatus, public_value: Vec<u8>) {
        let token = AuthInitiationToken { token: self.config.token.clone().map(Into::into) };
        self.send(Message::AuthSpake2Handshake(AuthSpake2Handshake {
            initiation_token: token,
            psk_status,
            public_value: public_value.into(),
        }));
    }

    fn send(&mut self, message: Message<'static>) {
        self.events.push_back(AuthEvent::Send(message));
    }

    fn wait(&mut self, now: Instant, waiting: Waiting) {
        let limit = match waiting {
            Waiting::Peer => self.config.response_timeout,
            Waiting::User => self.config.psk_input_timeout,
        };
        self.deadline = Some((now + limit, waiting));
    }

    fn out_of_order(&mut self, what: &str) {
        self.fail(AuthStatusResult::UnknownError, format!("out of order: {what}"));
    }

    /// Fails on this side: tells the peer the status, then asks for the disconnect.
    fn fail(&mut self, status: AuthStatusResult, reason: String) {
        if self.outcome.is_some() {
            return;
        }
        self.send(Message::AuthStatus(AuthStatus { result: status }));
        self.end(Err(AuthFailure { status, by_peer: false, reason }));
    }

    fn end(&mut self, outcome: Result<(), AuthFailure>) {
        self.deadline = None;
        self.awaiting_user = false;
        self.events.push_back(match &outcome {
            Ok(()) => AuthEvent::Authenticated,
            Err(failure) => AuthEvent::Failed(failure.clone()),
        });
        self.outcome = Some(outcome);
    }
}
