#![cfg(feature = "quic")]
//! Open Screen authentication: SPAKE2 against the RFC 9382 test vectors where they apply, the
//! PSK encodings of the spec's appendix, and the sans-IO state machine between two agents,
//! through success in every initiation and every failure, with the status and close code each
//! side ends with.

use std::time::{Duration, Instant};

use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use osmos::openscreen::{
    AgentInfoRequest, AuthCapabilities, AuthInitiationToken, AuthSpake2Confirmation, AuthSpake2Handshake,
    AuthSpake2PskStatus, AuthStatus, AuthStatusResult, Message, PskInputMethod,
};
use osmos::quic::auth::spake2::{self, password_scalar, transcript, Keys, Role, Spake2, Spake2Error};
use osmos::quic::auth::{
    AuthConfig, AuthEvent, AuthFailure, Authenticator, Psk, Side, AUTH_FAILED, AUTH_TIMEOUT, CONFIRMATION_LEN,
};
use osmos::quic::Fingerprint;

fn unhex(text: &str) -> Vec<u8> {
    let text: String = text.split_whitespace().collect();
    hex::decode(text.trim_start_matches("0x")).unwrap()
}

// ===== RFC 9382 =====

/// RFC 9382 Appendix B (draft-irtf-cfrg-spake2-24, kaduk/spake2 @ 25309564), the first vector,
/// `spake2: A='server', B='client'`. Its group is P-256, so it checks everything but the group:
/// the transcript's layout and the key schedule (SHA-256, HKDF, HMAC), which are ours too.
const V1_PA: &str = "04a56fa807caaa53a4d28dbb9853b9815c61a411118a6fe516a8798434751470
f9010153ac33d0d5f2047ffdb1a3e42c9b4e6be662766e1eeb4116988ede5f912c";
const V1_PB: &str = "0406557e482bd03097ad0cbaa5df82115460d951e3451962f1eaf4367a420676
d09857ccbc522686c83d1852abfa8ed6e4a1155cf8f1543ceca528afb591a1e0b7";
const V1_K: &str = "0412af7e89717850671913e6b469ace67bd90a4df8ce45c2af19010175e37eed
69f75897996d539356e2fa6a406d528501f907e04d97515fbe83db277b715d3325";
const V1_W: &str = "2ee57912099d31560b3a44b1184b9b4866e904c49d12ac5042c97dca461b1a5f";
const V1_TT: &str = "06000000000000007365727665720600000000000000636c69656e744100000
00000000004a56fa807caaa53a4d28dbb9853b9815c61a411118a6fe516a8798434751
470f9010153ac33d0d5f2047ffdb1a3e42c9b4e6be662766e1eeb4116988ede5f912c4
1000000000000000406557e482bd03097ad0cbaa5df82115460d951e3451962f1eaf43
67a420676d09857ccbc522686c83d1852abfa8ed6e4a1155cf8f1543ceca528afb591a
1e0b741000000000000000412af7e89717850671913e6b469ace67bd90a4df8ce45c2a
f19010175e37eed69f75897996d539356e2fa6a406d528501f907e04d97515fbe83db2
77b715d332520000000000000002ee57912099d31560b3a44b1184b9b4866e904c49d1
2ac5042c97dca461b1a5f";

#[test]
fn rfc9382_transcript_layout() {
    let tt = transcript(b"server", b"client", &unhex(V1_PA), &unhex(V1_PB), &unhex(V1_K), &unhex(V1_W));
    assert_eq!(hex::encode(&tt), hex::encode(unhex(V1_TT)));
}

#[test]
fn rfc9382_key_schedule_and_confirmations() {
    let keys = Keys::from_transcript(unhex(V1_TT));
    assert_eq!(hex::encode(keys.ke()), "0e0672dc86f8e45565d338b0540abe69");
    assert_eq!(hex::encode(keys.ka()), "15bdf72e2b35b5c9e5663168e960a91b");
    let (kca, kcb) = keys.confirmation_keys();
    assert_eq!(hex::encode(kca), "00c12546835755c86d8c0db7851ae86f");
    assert_eq!(hex::encode(kcb), "a9fa3406c3b781b93d804485430ca27a");
    let ca = "58ad4aa88e0b60d5061eb6b5dd93e80d9c4f00d127c65b3b35b1b5281fee38f0";
    let cb = "d3e2e547f1ae04f2dbdbf0fc4b79f8ecff2dff314b5d32fe9fcef2fb26dc459b";
    assert_eq!(hex::encode(keys.confirmation(Role::Alice)), ca);
    assert_eq!(hex::encode(keys.confirmation(Role::Bob)), cb);
    assert!(keys.verify(Role::Alice, &unhex(ca)));
    assert!(keys.verify(Role::Bob, &unhex(cb)));
    assert!(!keys.verify(Role::Alice, &unhex(cb)));
    assert!(!keys.verify(Role::Bob, &unhex(ca)[..31]));
}

/// The second vector (`A=''`): an absent identity is a zero-length string.
#[test]
fn rfc9382_empty_identity() {
    let tt = unhex(
        "00000000000000000600000000000000636c69656e74410000000000000004a
897b769e681c62ac1c2357319a3d363f610839c4477720d24cbe32f5fd85f44fb92ba9
66578c1b712be6962498834078262caa5b441ecfa9d4a9485720e918a4100000000000
00004e0f816fd1c35e22065d5556215c097e799390d16661c386e0ecc84593974a61b8
81a8c82327687d0501862970c64565560cb5671f696048050ca66ca5f8cc7fc4100000
000000000048f83ec9f6e4f87cc6f9dc740bdc2769725f923364f01c84148c049a39a7
35ebda82eac03e00112fd6a5710682767cff5361f7e819e53d8d3c3a2922e0d837aa62
0000000000000000548d8729f730589e579b0475a582c1608138ddf7054b73b5381c7e
883e2efae",
    );
    assert_eq!(&tt[..8], &[0; 8]);
    let keys = Keys::from_transcript(tt);
    assert_eq!(hex::encode(keys.ke()), "642f05c473c2cd79909f9a841e2f30a7");
    assert_eq!(hex::encode(keys.confirmation_keys().0), "c6be376fc7cd1301fd0a13adf3e7bffd");
    assert_eq!(
        hex::encode(keys.confirmation(Role::Alice)),
        "47d29e6666af1b7dd450d571233085d7a9866e4d49d2645e2df975489521232b"
    );
    assert_eq!(
        hex::encode(keys.confirmation(Role::Bob)),
        "3313c5cefc361d27fb16847a91c2a73b766ffa90a4839122a9b70a2f6bd1d6df"
    );
}

/// M and N regenerated as RFC 9382 Appendix A says: iterated SHA-256 of the seed, the first
/// block that decodes to a point of order p.
#[test]
fn rfc9382_m_and_n_come_from_their_seeds() {
    for (seed, expected) in
        [("edwards25519 point generation seed (M)", spake2::M), ("edwards25519 point generation seed (N)", spake2::N)]
    {
        let mut block = seed.as_bytes().to_vec();
        let found = (1..1000)
            .find_map(|_| {
                block = ring::digest::digest(&ring::digest::SHA256, &block).as_ref().to_vec();
                let bytes: [u8; 32] = block.clone().try_into().unwrap();
                let point = CompressedEdwardsY(bytes).decompress()?;
                (!point.is_identity() && point.is_torsion_free()).then_some(bytes)
            })
            .unwrap();
        assert_eq!(found, expected, "{seed}");
    }
}

fn scalar(byte: u8) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&[byte; 64])
}

#[test]
fn both_roles_derive_the_same_keys_only_with_the_same_password_and_identities() {
    let w = password_scalar(b"61488548833");
    let alice = Spake2::with_secret(Role::Alice, w, b"A", b"B", scalar(1));
    let bob = Spake2::with_secret(Role::Bob, w, b"A", b"B", scalar(2));
    let (ka, kb) = (alice.finish(&bob.public_value()).unwrap(), bob.finish(&alice.public_value()).unwrap());
    assert_eq!(ka.transcript(), kb.transcript());
    assert!(kb.verify(Role::Alice, &ka.confirmation(Role::Alice)));
    assert!(ka.verify(Role::Bob, &kb.confirmation(Role::Bob)));
    // The transcript holds A, B, pA, pB, K and w (big-endian) with their lengths.
    let tt = ka.transcript();
    assert_eq!(tt.len(), 6 * 8 + 1 + 1 + 4 * 32);
    let mut w_be = w.to_bytes();
    w_be.reverse();
    assert_eq!(&tt[tt.len() - 32..], &w_be);
    assert_eq!(&tt[18..26], &32u64.to_le_bytes());
    assert_eq!(&tt[26..58], &alice.public_value());

    let wrong = Spake2::with_secret(Role::Bob, password_scalar(b"61488548834"), b"A", b"B", scalar(2));
    let kw = wrong.finish(&alice.public_value()).unwrap();
    assert!(!kw.verify(Role::Alice, &alice.finish(&wrong.public_value()).unwrap().confirmation(Role::Alice)));
    let other_id = Spake2::with_secret(Role::Bob, w, b"A", b"C", scalar(2));
    let ko = other_id.finish(&alice.public_value()).unwrap();
    assert!(!ko.verify(Role::Alice, &alice.finish(&other_id.public_value()).unwrap().confirmation(Role::Alice)));
}

#[test]
fn bad_public_values_are_refused() {
    let alice = Spake2::with_secret(Role::Alice, password_scalar(b"1"), b"A", b"B", scalar(1));
    assert_eq!(alice.finish(&[1; 31]).unwrap_err(), Spake2Error::PublicValueLength(31));
    // y = 2 is not on the curve.
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    assert_eq!(alice.finish(&not_a_point).unwrap_err(), Spake2Error::NotAPoint);
    // w*N plus a point of order 8 (the cofactor clears it): K would be the identity.
    let small_order = (CompressedEdwardsY(spake2::N).decompress().unwrap() * password_scalar(b"1")
        + curve25519_dalek::constants::EIGHT_TORSION[1])
        .compress()
        .to_bytes();
    assert_eq!(alice.finish(&small_order).unwrap_err(), Spake2Error::IdentityKey);
}

// ===== PSK encodings =====

#[test]
fn psk_encodings_of_the_appendix() {
    let psk = Psk::from_value(61488548833).unwrap();
    assert_eq!(psk.to_numeric(), "0614-8854-8833", "the spec's example");
    assert_eq!(psk.to_qr_text(), "e5100cbe1");
    assert_eq!(Psk::from_numeric("0614-8854-8833").unwrap(), psk);
    assert_eq!(Psk::from_numeric("0614 8854 8833").unwrap(), psk);
    assert_eq!(Psk::from_qr_text("E5100CBE1").unwrap(), psk);
    assert_eq!(psk.password(), b"61488548833");
    assert_eq!(Psk::from_value(123456).unwrap().to_numeric(), "123-456");
    assert_eq!(Psk::from_value(1048575).unwrap().to_numeric(), "001-048-575");
    assert_eq!(Psk::from_value(999_999_999).unwrap().to_numeric(), "999-999-999");
    assert_eq!(Psk::from_value(1_000_000_000).unwrap().to_numeric(), "0010-0000-0000");
    let max = Psk::from_value((1 << 80) - 1).unwrap();
    assert_eq!(Psk::from_numeric(&max.to_numeric()).unwrap(), max);
    assert_eq!(Psk::from_qr_text(&max.to_qr_text()).unwrap(), max);
    for bad in ["", "12a4", "-", "1208925819614629174706176"] {
        assert!(Psk::from_numeric(bad).is_err(), "{bad:?}");
    }
    assert!(Psk::from_qr_text("1000000000000000000000").is_err(), "81 bits");
    assert!(Psk::from_qr_text("xyz").is_err());
    assert!(Psk::from_value(1 << 80).is_err());
    assert!(Psk::generate(19).is_err() && Psk::generate(81).is_err());
    for bits in [20, 40, 60, 80] {
        for _ in 0..50 {
            assert!(Psk::generate(bits).unwrap().value() >> bits == 0);
        }
    }
    assert_eq!(format!("{psk:?}"), "Psk(..)", "never printed");
}

// ===== The state machine between two agents =====

fn fp(byte: u8) -> Fingerprint {
    Fingerprint([byte; 32])
}

const CLIENT_FP: u8 = 0xc1;
const SERVER_FP: u8 = 0x5e;

fn config(side: Side) -> AuthConfig {
    let (local, peer) = match side {
        Side::Client => (fp(CLIENT_FP), fp(SERVER_FP)),
        Side::Server => (fp(SERVER_FP), fp(CLIENT_FP)),
    };
    let mut config = AuthConfig::new(side, local, peer);
    config.token = Some("Zm9vYmFy".into());
    config.response_timeout = Duration::from_secs(5);
    config.psk_input_timeout = Duration::from_secs(60);
    config
}

/// One agent in a test: its machine and what it asked of its owner.
struct Agent {
    machine: Authenticator,
    shown: Option<Psk>,
    asked: bool,
    sent: Vec<Message<'static>>,
    ended: Option<Result<(), AuthFailure>>,
}

impl Agent {
    fn new(config: AuthConfig, now: Instant) -> Agent {
        Agent { machine: Authenticator::new(config, now), shown: None, asked: false, sent: vec![], ended: None }
    }

    /// Carries out its events; returns the messages to deliver to the peer.
    fn drain(&mut self) -> Vec<Message<'static>> {
        let mut out = vec![];
        while let Some(event) = self.machine.poll_event() {
            match event {
                AuthEvent::Send(m) => {
                    self.sent.push(m.clone());
                    out.push(m);
                }
                AuthEvent::ShowPsk(psk) => self.shown = Some(psk),
                AuthEvent::EnterPsk => self.asked = true,
                AuthEvent::Authenticated => self.ended = Some(Ok(())),
                AuthEvent::Failed(f) => {
                    assert!(self.ended.is_none(), "ended twice");
                    self.ended = Some(Err(f));
                }
            }
        }
        out
    }

    fn failure(&self) -> &AuthFailure {
        match &self.ended {
            Some(Err(f)) => f,
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}

/// Delivers messages both ways until nothing moves; when an agent asks for the PSK and the
/// other shows one, `enter` says what the user types.
fn run(client: &mut Agent, server: &mut Agent, now: Instant, enter: &mut dyn FnMut(Psk) -> Option<Psk>) {
    loop {
        let to_server = client.drain();
        let to_client = server.drain();
        let mut moved = !to_server.is_empty() || !to_client.is_empty();
        for m in &to_server {
            server.machine.handle(m, now);
        }
        for m in &to_client {
            client.machine.handle(m, now);
        }
        let (client_shown, server_shown) = (client.shown, server.shown);
        for (asker, shown) in [(&mut *client, server_shown), (&mut *server, client_shown)] {
            if let (true, Some(shown)) = (asker.asked, shown) {
                asker.asked = false;
                moved = true;
                match enter(shown) {
                    Some(psk) => asker.machine.psk_entered(psk, now),
                    None => asker.machine.psk_refused(),
                }
            }
        }
        if !moved {
            return;
        }
    }
}

fn pair(client: AuthConfig, server: AuthConfig) -> (Agent, Agent, Instant) {
    let now = Instant::now();
    (Agent::new(client, now), Agent::new(server, now), now)
}

fn statuses(agent: &Agent) -> Vec<AuthStatusResult> {
    agent.sent.iter().filter_map(|m| if let Message::AuthStatus(s) = m { Some(s.result) } else { None }).collect()
}

fn handshakes(agent: &Agent) -> Vec<(AuthSpake2PskStatus, usize)> {
    agent
        .sent
        .iter()
        .filter_map(|m| match m {
            Message::AuthSpake2Handshake(h) => Some((h.psk_status, h.public_value.len())),
            _ => None,
        })
        .collect()
}

fn assert_authenticated(client: &Agent, server: &Agent) {
    assert_eq!(client.ended, Some(Ok(())), "client");
    assert_eq!(server.ended, Some(Ok(())), "server");
    assert_eq!(statuses(client), [AuthStatusResult::Authenticated]);
    assert_eq!(statuses(server), [AuthStatusResult::Authenticated]);
    for agent in [client, server] {
        assert_eq!(agent.machine.poll_timeout(), None);
        let confirmations: Vec<usize> = agent
            .sent
            .iter()
            .filter_map(|m| match m {
                Message::AuthSpake2Confirmation(c) => Some(c.confirmation_value.len()),
                _ => None,
            })
            .collect();
        assert_eq!(confirmations, [CONFIRMATION_LEN]);
    }
}

#[test]
fn presenter_first_the_client_presents_and_initiates() {
    let mut c = config(Side::Client);
    c.psk_ease_of_input = 10; // lower: the client presents
    let (mut client, mut server, now) = pair(c, config(Side::Server));
    run(&mut client, &mut server, now, &mut Some);
    assert_authenticated(&client, &server);
    assert!(client.machine.is_presenter() && !server.machine.is_presenter());
    assert!(client.shown.is_some() && server.shown.is_none());
    assert_eq!(handshakes(&client), [(AuthSpake2PskStatus::PskShown, 32)]);
    assert_eq!(handshakes(&server), [(AuthSpake2PskStatus::PskInput, 32)]);
    // Every message carries the token; the first is auth-capabilities.
    assert!(matches!(&client.sent[0], Message::AuthCapabilities(AuthCapabilities { psk_ease_of_input: 10, .. })));
    for m in client.sent.iter().chain(&server.sent) {
        if let Message::AuthSpake2Handshake(h) = m {
            assert_eq!(h.initiation_token.token.as_deref(), Some("Zm9vYmFy"));
        }
    }
}

#[test]
fn consumer_first_the_client_asks_the_server_to_present() {
    let mut c = config(Side::Client);
    c.psk_ease_of_input = 90; // higher: the server presents, the client initiates
    let (mut client, mut server, now) = pair(c, config(Side::Server));
    run(&mut client, &mut server, now, &mut Some);
    assert_authenticated(&client, &server);
    assert!(server.machine.is_presenter());
    assert!(server.shown.is_some() && client.shown.is_none());
    assert_eq!(
        handshakes(&client),
        [(AuthSpake2PskStatus::PskNeedsPresentation, 0), (AuthSpake2PskStatus::PskInput, 32)]
    );
    assert_eq!(handshakes(&server), [(AuthSpake2PskStatus::PskInput, 32)]);
}

#[test]
fn on_a_tie_the_server_presents() {
    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    run(&mut client, &mut server, now, &mut Some);
    assert_authenticated(&client, &server);
    assert!(server.machine.is_presenter() && !client.machine.is_presenter());
}

#[test]
fn the_server_may_initiate_and_both_at_once_works() {
    for client_initiates in [false, true] {
        let mut c = config(Side::Client);
        c.initiate = client_initiates;
        c.psk_ease_of_input = 90;
        let mut s = config(Side::Server);
        s.initiate = true;
        let (mut client, mut server, now) = pair(c, s);
        run(&mut client, &mut server, now, &mut Some);
        assert_authenticated(&client, &server);
        assert_eq!(handshakes(&server), [(AuthSpake2PskStatus::PskShown, 32)], "the presenter's start wins");
    }
}

#[test]
fn the_presenter_uses_the_larger_entropy_asked() {
    let mut c = config(Side::Client);
    c.psk_min_bits_of_entropy = 60;
    let (mut client, mut server, now) = pair(c, config(Side::Server));
    let mut typed = vec![];
    run(&mut client, &mut server, now, &mut |psk| {
        typed.push(psk);
        Some(psk)
    });
    assert_authenticated(&client, &server);
    // A 60-bit PSK: 19 digits, groups of four (a 20-bit one would have at most 7).
    let shown = server.shown.unwrap();
    assert!(shown.value() >> 60 == 0 && shown.value() >> 40 != 0, "{:x}", shown.value());
    assert_eq!(typed, [shown]);
}

#[test]
fn a_psk_typed_as_digits_or_scanned_works_alike() {
    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    run(&mut client, &mut server, now, &mut |psk| Some(Psk::from_qr_text(&psk.to_qr_text()).unwrap()));
    assert_authenticated(&client, &server);
    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    run(&mut client, &mut server, now, &mut |psk| Some(Psk::from_numeric(&psk.to_numeric()).unwrap()));
    assert_authenticated(&client, &server);
}

/// Both sides fail with proof-invalid and close with 401: each that checked the other's
/// confirmation sent the status (here the confirmations cross, so both do); one told by the
/// peer's status first would end `by_peer`.
fn assert_proof_invalid(client: &Agent, server: &Agent) {
    for agent in [client, server] {
        let failure = agent.failure();
        assert_eq!((failure.status, failure.close_code()), (AuthStatusResult::ProofInvalid, AUTH_FAILED));
        if !failure.by_peer {
            assert!(failure.reason.contains("does not verify"), "{failure}");
            assert_eq!(statuses(agent), [AuthStatusResult::ProofInvalid]);
        }
    }
    assert!(!client.failure().by_peer || !server.failure().by_peer);
}

#[test]
fn a_wrong_psk_fails_with_proof_invalid() {
    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    run(&mut client, &mut server, now, &mut |psk| Some(Psk::from_value(psk.value() ^ 1).unwrap()));
    assert_proof_invalid(&client, &server);
}

#[test]
fn a_wrong_fingerprint_fails_with_proof_invalid() {
    // The client sees another server certificate than the server's own (a machine in the
    // middle): the identities in the transcript differ.
    let mut c = config(Side::Client);
    c.peer_fingerprint = fp(0x66);
    let (mut client, mut server, now) = pair(c, config(Side::Server));
    run(&mut client, &mut server, now, &mut Some);
    assert_proof_invalid(&client, &server);
}

/// Runs until `server` has sent its confirmation, with the client's messages passed through
/// `tamper` on the way.
fn run_tampered(tamper: &mut dyn FnMut(Message<'static>) -> Message<'static>) -> (Agent, Agent) {
    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    for _ in 0..10 {
        let to_server: Vec<_> = client.drain().into_iter().map(&mut *tamper).collect();
        let to_client = server.drain();
        for m in &to_server {
            server.machine.handle(m, now);
        }
        for m in &to_client {
            client.machine.handle(m, now);
        }
        if client.asked {
            client.asked = false;
            client.machine.psk_entered(server.shown.unwrap(), now);
        }
    }
    client.drain();
    server.drain();
    (client, server)
}

#[test]
fn a_confirmation_that_does_not_verify_fails_with_proof_invalid() {
    for flip in [0, 31, 32, 63] {
        let (_, server) = run_tampered(&mut |m| match m {
            Message::AuthSpake2Confirmation(c) => {
                let mut value = c.confirmation_value.into_owned();
                value[flip] ^= 1;
                Message::AuthSpake2Confirmation(AuthSpake2Confirmation { confirmation_value: value.into() })
            }
            other => other,
        });
        let failure = server.failure();
        assert_eq!((failure.status, failure.by_peer), (AuthStatusResult::ProofInvalid, false), "byte {flip}");
        assert_eq!(statuses(&server), [AuthStatusResult::ProofInvalid]);
    }
}

#[test]
fn a_silent_peer_times_out() {
    let (mut client, _server, now) = pair(config(Side::Client), config(Side::Server));
    client.drain();
    let deadline = client.machine.poll_timeout().unwrap();
    assert_eq!(deadline, now + Duration::from_secs(5));
    client.machine.handle_timeout(deadline - Duration::from_millis(1));
    assert!(client.drain().is_empty() && client.ended.is_none(), "not yet");
    client.machine.handle_timeout(deadline);
    client.drain();
    let failure = client.failure();
    assert_eq!((failure.status, failure.close_code()), (AuthStatusResult::Timeout, AUTH_TIMEOUT));
    assert_eq!(statuses(&client), [AuthStatusResult::Timeout]);
    assert_eq!(client.machine.poll_timeout(), None);
}

#[test]
fn a_user_who_does_not_enter_the_psk() {
    // Too slow: validation-took-too-long on the consumer, and its status ends the presenter.
    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    run(&mut client, &mut server, now, &mut |_| None);
    // (psk_refused was called: secret-unknown)
    assert_eq!(client.failure().status, AuthStatusResult::SecretUnknown);
    assert_eq!(server.failure().status, AuthStatusResult::SecretUnknown);
    assert!(server.failure().by_peer);

    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    let mut asked = false;
    for _ in 0..5 {
        let to_server = client.drain();
        let to_client = server.drain();
        to_server.iter().for_each(|m| server.machine.handle(m, now));
        to_client.iter().for_each(|m| client.machine.handle(m, now));
        asked |= client.asked;
    }
    assert!(asked);
    let deadline = client.machine.poll_timeout().unwrap();
    assert_eq!(deadline, now + Duration::from_secs(60), "the user's time");
    client.machine.handle_timeout(deadline);
    for m in client.drain() {
        server.machine.handle(&m, now);
    }
    server.drain();
    assert_eq!(client.failure().status, AuthStatusResult::ValidationTookTooLong);
    assert_eq!(client.failure().close_code(), AUTH_TIMEOUT);
    assert_eq!(server.failure().status, AuthStatusResult::ValidationTookTooLong);
}

fn fresh_server() -> (Agent, Instant) {
    let now = Instant::now();
    let mut server = Agent::new(config(Side::Server), now);
    server.drain();
    (server, now)
}

fn capabilities() -> Message<'static> {
    Message::AuthCapabilities(AuthCapabilities {
        psk_ease_of_input: 50,
        psk_input_methods: vec![PskInputMethod::Numeric],
        psk_min_bits_of_entropy: 20,
    })
}

fn handshake(status: AuthSpake2PskStatus, token: Option<&str>, public_value: Vec<u8>) -> Message<'static> {
    Message::AuthSpake2Handshake(AuthSpake2Handshake {
        initiation_token: AuthInitiationToken { token: token.map(|t| t.to_owned().into()) },
        psk_status: status,
        public_value: public_value.into(),
    })
}

fn assert_unknown_error(agent: &mut Agent, contains: &str) {
    agent.drain();
    let failure = agent.failure().clone();
    assert_eq!(
        (failure.status, failure.by_peer, failure.close_code()),
        (AuthStatusResult::UnknownError, false, AUTH_FAILED)
    );
    assert!(failure.reason.contains(contains), "{failure}");
    assert_eq!(statuses(agent), [AuthStatusResult::UnknownError]);
}

#[test]
fn messages_out_of_order_fail_with_unknown_error() {
    let (mut server, now) = fresh_server();
    server.machine.handle(&handshake(AuthSpake2PskStatus::PskShown, Some("Zm9vYmFy"), vec![1; 32]), now);
    assert_unknown_error(&mut server, "before auth-capabilities");

    let (mut server, now) = fresh_server();
    server.machine.handle(&capabilities(), now);
    server.machine.handle(
        &Message::AuthSpake2Confirmation(AuthSpake2Confirmation { confirmation_value: vec![0; 64].into() }),
        now,
    );
    assert_unknown_error(&mut server, "auth-spake2-confirmation before both public values");

    let (mut server, now) = fresh_server();
    server.machine.handle(&capabilities(), now);
    server.machine.handle(&capabilities(), now);
    assert_unknown_error(&mut server, "a second auth-capabilities");

    let (mut server, now) = fresh_server();
    server.machine.handle(&capabilities(), now);
    server.machine.handle(&Message::AuthStatus(AuthStatus { result: AuthStatusResult::Authenticated }), now);
    assert_unknown_error(&mut server, "auth-status authenticated before our confirmation");

    // The server presents on a tie: a psk-shown from the client is out of place.
    let (mut server, now) = fresh_server();
    server.machine.handle(&capabilities(), now);
    server.machine.handle(&handshake(AuthSpake2PskStatus::PskShown, Some("Zm9vYmFy"), vec![1; 32]), now);
    assert_unknown_error(&mut server, "psk-status 1");
}

#[test]
fn application_messages_before_authentication_fail() {
    let (mut server, now) = fresh_server();
    server.machine.handle(&capabilities(), now);
    server.machine.handle(&Message::AgentInfoRequest(AgentInfoRequest { request_id: 1 }), now);
    assert_unknown_error(&mut server, "the peer sent agent-info-request before authenticating");
    // Nothing after the end changes it.
    server.machine.handle(&capabilities(), now);
    assert!(server.drain().is_empty());
}

#[test]
fn a_wrong_or_missing_token_is_discarded() {
    let (mut server, now) = fresh_server();
    let mut c = capabilities();
    if let Message::AuthCapabilities(caps) = &mut c {
        caps.psk_ease_of_input = 90; // the server presents
    }
    server.machine.handle(&c, now);
    server.drain();
    for token in [Some("guessed"), None] {
        server.machine.handle(&handshake(AuthSpake2PskStatus::PskNeedsPresentation, token, vec![]), now);
        assert!(server.drain().is_empty(), "{token:?}: discarded, nothing shown");
    }
    assert_eq!(server.machine.discarded(), 2);
    assert!(server.shown.is_none());
    // The right one is answered.
    server.machine.handle(&handshake(AuthSpake2PskStatus::PskNeedsPresentation, Some("Zm9vYmFy"), vec![]), now);
    server.drain();
    assert!(server.shown.is_some());
    assert_eq!(handshakes(&server), [(AuthSpake2PskStatus::PskInput, 32)]);
}

#[test]
fn a_failure_status_from_the_peer_ends_it() {
    for status in [AuthStatusResult::ProofInvalid, AuthStatusResult::Timeout, AuthStatusResult::UnknownError] {
        let (mut server, now) = fresh_server();
        server.machine.handle(&Message::AuthStatus(AuthStatus { result: status }), now);
        server.drain();
        let failure = server.failure();
        assert_eq!((failure.status, failure.by_peer), (status, true));
        assert!(statuses(&server).is_empty(), "no status sent back");
    }
}

#[test]
fn bad_capabilities_fail() {
    for (ease, bits, methods, contains) in [
        (101, 20, vec![PskInputMethod::Numeric], "over 100"),
        (50, 61, vec![PskInputMethod::Numeric], "not within 20..=60"),
        (50, 19, vec![PskInputMethod::Numeric], "not within 20..=60"),
        (90, 20, vec![PskInputMethod::QrCode], "numeric input"),
    ] {
        let (mut server, now) = fresh_server();
        server.machine.handle(
            &Message::AuthCapabilities(AuthCapabilities {
                psk_ease_of_input: ease,
                psk_input_methods: methods,
                psk_min_bits_of_entropy: bits,
            }),
            now,
        );
        assert_unknown_error(&mut server, contains);
    }
    let mut s = config(Side::Server);
    s.psk_ease_of_input = 0;
    let mut c = config(Side::Client);
    c.psk_ease_of_input = 0;
    let (mut client, mut server, now) = pair(c, s);
    run(&mut client, &mut server, now, &mut Some);
    assert!(client.failure().reason.contains("neither agent can input a PSK"), "{}", client.failure());
}

#[test]
fn an_application_message_that_overtakes_the_last_status_completes_it() {
    let (mut client, mut server, now) = pair(config(Side::Client), config(Side::Server));
    // Run everything but hold back the server's auth-status from the client.
    let mut held = vec![];
    for _ in 0..10 {
        let to_server = client.drain();
        let to_client: Vec<_> = server.drain();
        to_server.iter().for_each(|m| server.machine.handle(m, now));
        for m in to_client {
            if matches!(m, Message::AuthStatus(_)) {
                held.push(m);
            } else {
                client.machine.handle(&m, now);
            }
        }
        if client.asked {
            client.asked = false;
            client.machine.psk_entered(server.shown.unwrap(), now);
        }
    }
    assert_eq!(server.ended, Some(Ok(())));
    assert_eq!(client.ended, None, "the client still waits for the status");
    // The server's first application message arrives first, on its own stream.
    client.machine.handle(&Message::AgentInfoRequest(AgentInfoRequest { request_id: 9 }), now);
    client.drain();
    assert_eq!(client.ended, Some(Ok(())));
    assert!(matches!(client.machine.take_early_message(), Some(Message::AgentInfoRequest(r)) if r.request_id == 9));
    // The late status changes nothing.
    held.iter().for_each(|m| client.machine.handle(m, now));
    assert!(client.drain().is_empty());
}

// ===== Over QUIC =====

mod over_quic {
    use std::future::Future;
    use std::pin::Pin;

    use osmos::openscreen::{AgentInfoResponse, Message};
    use osmos::quic::auth::{AuthConfig, Psk, Side, AUTH_FAILED};
    use osmos::quic::{self, authenticate, AgentIdentity, Config, Connection, Error, PskUser, Server, Verify};
    use tokio::sync::oneshot;

    use super::*;

    type Conn = Connection<Message<'static>>;

    /// Shows a PSK by sending it to the other agent's user, who "types" it (or another).
    struct User {
        show: Option<oneshot::Sender<Psk>>,
        enter: Option<oneshot::Receiver<Psk>>,
        typo: bool,
    }

    impl PskUser for User {
        fn show_psk(&mut self, psk: Psk) {
            if let Some(tx) = self.show.take() {
                let _ = tx.send(psk);
            }
        }

        fn enter_psk(&mut self) -> Pin<Box<dyn Future<Output = Option<Psk>> + Send + 'static>> {
            let rx = self.enter.take();
            let typo = self.typo;
            Box::pin(async move {
                let psk = rx?.await.ok()?;
                Some(if typo { Psk::from_value(psk.value() ^ 1).unwrap() } else { psk })
            })
        }
    }

    fn users(typo: bool) -> (User, User) {
        let (to_server, from_client) = oneshot::channel();
        let (to_client, from_server) = oneshot::channel();
        (
            User { show: Some(to_server), enter: Some(from_server), typo },
            User { show: Some(to_client), enter: Some(from_client), typo },
        )
    }

    fn quic_config() -> Config {
        Config { handshake_timeout: WAIT, idle_timeout: WAIT, keep_alive: None, ..Config::default() }
    }

    const WAIT: Duration = Duration::from_secs(5);

    async fn connected() -> (Server, Conn, Conn, AgentIdentity, AgentIdentity) {
        let receiver = AgentIdentity::generate("Living Room TV").unwrap();
        let controller = AgentIdentity::generate("Phone").unwrap();
        let mut server = Server::bind("127.0.0.1:0".parse().unwrap(), &receiver, quic_config()).unwrap();
        let addr = server.local_addr().unwrap();
        let config = quic_config();
        let (accepted, client) = tokio::join!(
            server.accept::<Message<'static>>(),
            quic::connect_to_agent::<Message<'static>>(
                addr,
                receiver.hostname(),
                &controller,
                Verify::Fingerprint(receiver.fingerprint()),
                &config
            )
        );
        (server, client.unwrap(), accepted.unwrap().unwrap(), controller, receiver)
    }

    fn auth_configs(client_conn: &Conn, server_conn: &Conn, token: &str) -> (AuthConfig, AuthConfig) {
        let mut c = AuthConfig::new(
            Side::Client,
            server_conn.peer_fingerprint().unwrap(),
            client_conn.peer_fingerprint().unwrap(),
        );
        let mut s = AuthConfig::new(
            Side::Server,
            client_conn.peer_fingerprint().unwrap(),
            server_conn.peer_fingerprint().unwrap(),
        );
        c.token = Some(token.into());
        s.token = Some(token.into());
        c.response_timeout = WAIT;
        s.response_timeout = WAIT;
        (c, s)
    }

    #[tokio::test]
    async fn two_agents_authenticate_then_exchange_agent_info() {
        let (_server, mut client, mut accepted, _, _) = connected().await;
        let (c, s) = auth_configs(&client, &accepted, "dG9rZW4");
        let (mut cu, mut su) = users(false);
        let (a, b) = tokio::join!(authenticate(&mut client, c, &mut cu), authenticate(&mut accepted, s, &mut su));
        a.unwrap();
        b.unwrap();
        // Application messages flow both ways now.
        client.send(&Message::from(AgentInfoRequest { request_id: 1 })).await.unwrap();
        match accepted.recv_timeout(WAIT).await.unwrap() {
            Some(Message::AgentInfoRequest(r)) => assert_eq!(r.request_id, 1),
            other => panic!("{other:?}"),
        }
        let info = osmos::openscreen::AgentInfo {
            display_name: "Living Room TV".into(),
            model_name: "osmos".into(),
            capabilities: vec![],
            state_token: "abcdefgh".into(),
            locales: vec!["en".into()],
        };
        accepted.send(&Message::from(AgentInfoResponse { request_id: 1, agent_info: info })).await.unwrap();
        match client.recv_timeout(WAIT).await.unwrap() {
            Some(Message::AgentInfoResponse(r)) => assert_eq!(r.agent_info.display_name, "Living Room TV"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_wrong_psk_over_quic_ends_both_with_proof_invalid_and_401() {
        let (_server, mut client, mut accepted, _, _) = connected().await;
        let (c, s) = auth_configs(&client, &accepted, "dG9rZW4");
        let (mut cu, mut su) = users(true);
        let (a, b) = tokio::join!(authenticate(&mut client, c, &mut cu), authenticate(&mut accepted, s, &mut su));
        for result in [a, b] {
            match result {
                Err(Error::Authentication(f)) => {
                    assert_eq!((f.status, f.close_code()), (AuthStatusResult::ProofInvalid, AUTH_FAILED), "{f}")
                }
                // The peer's close can arrive before its auth-status is read.
                Err(Error::ClosedByPeer { code, reason }) => {
                    assert_eq!(code, u64::from(AUTH_FAILED));
                    assert!(reason.contains("proof-invalid"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
        }
        // The connection is closed: nothing more is sent.
        assert!(client.send(&Message::from(AgentInfoRequest { request_id: 1 })).await.is_err());
    }

    #[tokio::test]
    async fn an_application_message_before_authentication_closes_with_401() {
        let (_server, client, mut accepted, _, _) = connected().await;
        let (_, s) = auth_configs(&client, &accepted, "dG9rZW4");
        let (_, mut su) = users(false);
        client.send(&Message::from(AgentInfoRequest { request_id: 1 })).await.unwrap();
        let mut client = client;
        let (server_side, client_side) =
            tokio::join!(authenticate(&mut accepted, s, &mut su), async { client.recv_timeout(WAIT).await });
        match server_side {
            Err(Error::Authentication(f)) => {
                assert_eq!(f.status, AuthStatusResult::UnknownError);
                assert!(f.reason.contains("agent-info-request before authenticating"), "{f}");
            }
            other => panic!("{other:?}"),
        }
        // The client sees the server's auth-capabilities, then its auth-status unknown-error
        // (or directly the close), then the close with 401.
        let mut seen = vec![];
        let mut next = client_side;
        loop {
            match next {
                Ok(Some(m)) => seen.push(m.name()),
                Err(Error::ClosedByPeer { code, .. }) => {
                    assert_eq!(code, u64::from(AUTH_FAILED));
                    break;
                }
                other => panic!("{other:?} after {seen:?}"),
            }
            next = client.recv_timeout(WAIT).await;
        }
    }

    #[tokio::test]
    async fn a_silent_peer_times_out_with_408() {
        let (_server, client, mut accepted, _, _) = connected().await;
        let (_, mut s) = auth_configs(&client, &accepted, "dG9rZW4");
        s.response_timeout = Duration::from_millis(300);
        let (_, mut su) = users(false);
        let started = std::time::Instant::now();
        match authenticate(&mut accepted, s, &mut su).await {
            Err(Error::Authentication(f)) => {
                assert_eq!((f.status, f.close_code()), (AuthStatusResult::Timeout, AUTH_TIMEOUT));
                let text = Error::Authentication(f).to_string();
                assert!(text.ends_with("connection closed with error 408"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() >= Duration::from_millis(300));
        drop(client);
    }
}

// ===== The fuzz target's oracle, replayed =====

#[path = "../fuzz/auth.rs"]
mod auth_oracle;

#[test]
fn bad_peer_input_never_panics_nor_authenticates() {
    let point = curve25519_dalek::constants::ED25519_BASEPOINT_POINT.compress().to_bytes();
    let mut consumer_first = vec![0b110, 90, 0, 10, 1, 20, 1, 1, 2, 32];
    consumer_first.extend_from_slice(&point);
    consumer_first.extend_from_slice(&[5, 1, 2, 3, 4, 0, 0, 0, 0, 2, 0]);
    consumer_first.extend_from_slice(&[7; 64]);
    let mut presenter_first = vec![0b011, 10, 0, 90, 1, 20, 1, 1, 0, 0, 2, 0];
    presenter_first.extend_from_slice(&[9; 64]);
    let seeds: Vec<Vec<u8>> = vec![
        vec![],
        consumer_first,
        presenter_first,
        // Timeouts while waiting for the user, statuses, raw frames.
        vec![0b101, 50, 0, 60, 2, 61, 7, 255, 7, 255, 3, 0, 3, 5],
        vec![0, 0, 4, 3, 0x43, 0xe9, 0xa0, 4, 6, 0x43, 0xec, 0xa1, 0x00, 0x00, 0, 0, 0, 0],
    ];
    for seed in &seeds {
        auth_oracle::auth(seed);
    }
    // Random inputs, each a different path through the machine (deterministic: a fixed seed).
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config { cases: 3000, failure_persistence: None, ..Config::default() },
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..300), |data| {
            auth_oracle::auth(&data);
            Ok(())
        })
        .unwrap();
}
