//! Authentication (network spec, "Authentication"): SPAKE2 with a PSK one agent shows and the
//! user enters on the other, sans-IO ([`Authenticator`]) so every path is tested without
//! sockets; [`crate::quic::authenticate`] runs it on a connection.
//!
//! The flow: both agents send auth-capabilities; the one with the lower PSK ease of input
//! presents the PSK (the server on a tie). The initiator plays Alice:
//! - **presenter first**: the presenter shows the PSK and sends auth-spake2-handshake
//!   (`psk-shown`, `pA`); the consumer asks the user and answers (`psk-input`, `pB`);
//! - **consumer first**: the consumer sends (`psk-needs-presentation`); the presenter shows a
//!   PSK and answers (`psk-input`, `pB`); the consumer asks the user and sends (`psk-input`,
//!   `pA`). The spec has the consumer send `pA` in its first message, which cannot be: `pA`
//!   depends on the PSK, which the presenter only makes on receiving that message. So `pA`
//!   follows in the consumer's second handshake and the first carries an empty public value.
//!
//! Then each sends auth-spake2-confirmation (`cA` or `cB`), validates the peer's, and answers
//! with auth-status `authenticated`; authentication is complete when an agent has validated
//! the peer's confirmation and the peer has reported it validated ours, so neither sends
//! application messages the other would still refuse. Anything else ends with the spec's status
//! sent to the peer and an immediate disconnect ([`AUTH_FAILED`], [`AUTH_TIMEOUT`]).
//!
//! **`confirmation-value: bytes .size 64`.** The CDDL asks 64 bytes, while the spec's cipher
//! suite (SHA-256, HMAC) makes `cA`/`cB` HMAC-SHA-256 values of 32 bytes. The `.size 64` came in
//! with the 2022 move to RFC 9382 (w3c/openscreenprotocol 3aa87e6, which also changed the hash
//! from SHA-512 to SHA-256, and where the older `transcript-mac` was `.size 32`), so it is most
//! likely a leftover of SHA-512. Decoders built from the CDDL (ours, Chromium's) refuse any
//! other length, so osmos keeps the wire format: the 32-byte MAC, then 32 zero bytes; a
//! receiver checks all 64 in constant time. Chromium's code of 2024 does not run SPAKE2 at all
//! (ECDH on P-256 with the key taken from the fingerprint, and SHA-512 of the shared secret and
//! password as "confirmation"), so there is no implementation to match.

mod machine;
mod psk;
pub mod spake2;

pub use machine::{
    status_name, AuthConfig, AuthEvent, AuthFailure, Authenticator, Side, AUTH_FAILED, AUTH_TIMEOUT, CONFIRMATION_LEN,
};
pub use psk::{Psk, PskError, MAX_BITS, MAX_REQUESTED_BITS, MIN_BITS};
