//! The authentication state machine under arbitrary peer input: messages built from the
//! bytes (and raw frames), the user's PSK, and the clock, in any order. Shared by the fuzz
//! target `auth` and `tests/osp_auth.rs`, which replays it on seeds and random inputs.
//!
//! Invariants: no panic; it never reports `Authenticated` (the input cannot hold a valid
//! confirmation: that would be an authentication bypass); after it ended it does nothing;
//! every failure it detects is preceded by the auth-status that reports it; everything it
//! sends encodes.

use std::time::{Duration, Instant};

use osmos::openscreen::{
    AuthCapabilities, AuthInitiationToken, AuthSpake2Confirmation, AuthSpake2Handshake, AuthSpake2PskStatus,
    AuthStatus, AuthStatusResult, Message, PskInputMethod,
};
use osmos::quic::auth::{AuthConfig, AuthEvent, Authenticator, Psk, Side};
use osmos::quic::Fingerprint;

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken.to_vec()
    }
}

pub fn auth(data: &[u8]) {
    let mut input = Input(data);
    let flags = input.byte().unwrap_or(0);
    let side = if flags & 1 == 0 { Side::Client } else { Side::Server };
    let mut config = AuthConfig::new(side, Fingerprint([1; 32]), Fingerprint([2; 32]));
    config.initiate = flags & 2 != 0;
    config.token = (flags & 4 != 0).then(|| "dG9rZW4".to_owned());
    config.psk_ease_of_input = input.byte().unwrap_or(50) % 101;
    let mut now = Instant::now();
    let mut machine = Authenticator::new(config, now);
    let mut ended = false;
    let mut last_status: Option<AuthStatusResult> = None;
    loop {
        while let Some(event) = machine.poll_event() {
            assert!(!ended, "an event after the end: {event:?}");
            match event {
                AuthEvent::Send(message) => {
                    let mut frame = Vec::new();
                    message.encode_frame(&mut frame).unwrap_or_else(|e| panic!("{message:?} does not encode: {e}"));
                    last_status = match message {
                        Message::AuthStatus(s) => Some(s.result),
                        _ => None,
                    };
                }
                AuthEvent::ShowPsk(_) | AuthEvent::EnterPsk => last_status = None,
                AuthEvent::Authenticated => panic!("authenticated by input that cannot know the PSK"),
                AuthEvent::Failed(failure) => {
                    if !failure.by_peer {
                        assert_eq!(last_status, Some(failure.status), "failure without its status: {failure}");
                    }
                    ended = true;
                }
            }
        }
        if ended {
            assert_eq!(machine.poll_timeout(), None);
        }
        let Some(action) = input.byte() else { return };
        let message = match action % 8 {
            0 => Message::AuthCapabilities(AuthCapabilities {
                psk_ease_of_input: u64::from(input.byte().unwrap_or(0)),
                psk_input_methods: (0..input.byte().unwrap_or(0) % 3)
                    .map(|i| PskInputMethod::ALL[i as usize % 2])
                    .collect(),
                psk_min_bits_of_entropy: u64::from(input.byte().unwrap_or(0)),
            }),
            1 => {
                let token = match input.byte().unwrap_or(0) % 3 {
                    0 => None,
                    1 => Some("dG9rZW4".into()),
                    _ => Some("wrong".into()),
                };
                let status = AuthSpake2PskStatus::ALL[usize::from(input.byte().unwrap_or(0)) % 3];
                let len = usize::from(input.byte().unwrap_or(0) % 40);
                Message::AuthSpake2Handshake(AuthSpake2Handshake {
                    initiation_token: AuthInitiationToken { token },
                    psk_status: status,
                    public_value: input.bytes(len).into(),
                })
            }
            2 => {
                let len = if input.byte().unwrap_or(0) & 1 == 0 { 64 } else { usize::from(input.byte().unwrap_or(0)) };
                Message::AuthSpake2Confirmation(AuthSpake2Confirmation { confirmation_value: input.bytes(len).into() })
            }
            3 => Message::AuthStatus(AuthStatus {
                result: AuthStatusResult::ALL[usize::from(input.byte().unwrap_or(0)) % 6],
            }),
            4 => {
                let len = usize::from(input.byte().unwrap_or(0));
                let raw = input.bytes(len);
                match Message::decode_frame(&raw) {
                    Ok(Some((message, _))) => osmos::cbor::IntoOwned::into_owned(message),
                    _ => continue,
                }
            }
            5 => {
                let value = u64::from_le_bytes(input.bytes(8).try_into().unwrap_or([0; 8]));
                if let Ok(psk) = Psk::from_value(u128::from(value)) {
                    machine.psk_entered(psk, now);
                }
                continue;
            }
            6 => {
                machine.psk_refused();
                continue;
            }
            _ => {
                now += Duration::from_millis(u64::from(input.byte().unwrap_or(0)) * 500);
                machine.handle_timeout(now);
                continue;
            }
        };
        machine.handle(&message, now);
    }
}
