//! SPAKE2 (RFC 9382) with the network spec's cipher suite: edwards25519, SHA-256, HKDF, HMAC,
//! and the PSK hashed with SHA-512.
//!
//! The choices RFC 9382 leaves to the protocol, and the ones made here:
//! - `w = SHA-512(pw) mod p`, reading the 64 bytes little-endian (edwards25519's convention);
//!   64 bytes are the "64 bits longer than p" the RFC recommends against bias. `pw` is the
//!   PSK's canonical text ([`Psk::password`](super::Psk::password)).
//! - Points are written as RFC 8032 compressed points (32 bytes): `pA`, `pB` on the wire and
//!   `pA`, `pB`, `K` in the transcript; `w` in the transcript is big-endian, padded to the
//!   length of p (32 bytes), as the RFC says.
//! - The identities `A` and `B` are the agent fingerprints of the QUIC client and server, in
//!   the spec's base64 form (44 ASCII bytes), whichever agent plays Alice.
//! - No AAD. `Ke || Ka = SHA-256(TT)`, `KcA || KcB = HKDF-SHA-256(salt = nil, ikm = Ka,
//!   info = "ConfirmationKeys", 32)`, `cA = HMAC-SHA-256(KcA, TT)`, `cB = HMAC-SHA-256(KcB, TT)`.

use curve25519_dalek::constants::ED25519_BASEPOINT_TABLE;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;

/// M for edwards25519 (RFC 9382 §6: "edwards25519 point generation seed (M)").
pub const M: [u8; 32] = hex32("d048032c6ea0b6d697ddc2e86bda85a33adac920f1bf18e1b0c6d166a5cecdaf");
/// N for edwards25519 (RFC 9382 §6: "edwards25519 point generation seed (N)").
pub const N: [u8; 32] = hex32("d3bfb518f44f3430f29d0c92af503865a1ed3281dc69b35dd868ba85f886c4ab");

/// The length of a public value (`pA`, `pB`): a compressed edwards25519 point.
pub const PUBLIC_VALUE_LEN: usize = 32;

/// The length of a confirmation MAC (`cA`, `cB`): HMAC-SHA-256.
pub const MAC_LEN: usize = 32;

const fn hex32(text: &str) -> [u8; 32] {
    let bytes = text.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(bytes[2 * i]) << 4) | nibble(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not lower-case hex"),
    }
}

/// Alice sends `pA = x*P + w*M`; Bob sends `pB = y*P + w*N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The agent that initiated authentication.
    Alice,
    /// The other agent.
    Bob,
}

/// Why SPAKE2 could not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spake2Error {
    /// The peer's public value is not 32 bytes.
    PublicValueLength(usize),
    /// The peer's public value is not a point of edwards25519.
    NotAPoint,
    /// The shared point K is the identity (the peer sent a point of small order).
    IdentityKey,
}

impl std::fmt::Display for Spake2Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spake2Error::PublicValueLength(n) => write!(f, "the public value has {n} bytes, not {PUBLIC_VALUE_LEN}"),
            Spake2Error::NotAPoint => f.write_str("the public value is not an edwards25519 point"),
            Spake2Error::IdentityKey => f.write_str("the public value has small order (K is the identity)"),
        }
    }
}

/// `w` for a password: SHA-512 of it, reduced mod p.
pub fn password_scalar(password: &[u8]) -> Scalar {
    let digest = ring::digest::digest(&ring::digest::SHA512, password);
    let mut wide = [0u8; 64];
    wide.copy_from_slice(digest.as_ref());
    Scalar::from_bytes_mod_order_wide(&wide)
}

/// One side of SPAKE2, after it has sent its public value.
pub struct Spake2 {
    role: Role,
    w: Scalar,
    secret: Scalar,
    public: [u8; 32],
    id_a: Vec<u8>,
    id_b: Vec<u8>,
}

impl std::fmt::Debug for Spake2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets.
        f.debug_struct("Spake2").field("role", &self.role).finish_non_exhaustive()
    }
}

impl Spake2 {
    /// Starts as `role` with the password scalar `w`, the identities `A` and `B`, and a
    /// random scalar made from 64 random bytes.
    pub fn start(role: Role, w: Scalar, id_a: &[u8], id_b: &[u8], random: &[u8; 64]) -> Spake2 {
        Spake2::with_secret(role, w, id_a, id_b, Scalar::from_bytes_mod_order_wide(random))
    }

    /// Starts with a given secret scalar (`x` for Alice, `y` for Bob): for test vectors.
    pub fn with_secret(role: Role, w: Scalar, id_a: &[u8], id_b: &[u8], secret: Scalar) -> Spake2 {
        let blind = match role {
            Role::Alice => point(&M),
            Role::Bob => point(&N),
        };
        let public = (ED25519_BASEPOINT_TABLE * &secret + blind * w).compress().to_bytes();
        Spake2 { role, w, secret, public, id_a: id_a.to_vec(), id_b: id_b.to_vec() }
    }

    /// This side's public value (`pA` or `pB`).
    pub fn public_value(&self) -> [u8; 32] {
        self.public
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Takes the peer's public value and derives the keys: `K = h*x*(pB - w*N)` for Alice,
    /// `h*y*(pA - w*M)` for Bob.
    pub fn finish(&self, peer: &[u8]) -> Result<Keys, Spake2Error> {
        let bytes: [u8; 32] = peer.try_into().map_err(|_| Spake2Error::PublicValueLength(peer.len()))?;
        let peer_point = CompressedEdwardsY(bytes).decompress().ok_or(Spake2Error::NotAPoint)?;
        let unblind = match self.role {
            Role::Alice => point(&N),
            Role::Bob => point(&M),
        };
        let k = ((peer_point - unblind * self.w) * self.secret).mul_by_cofactor();
        if k.is_identity() {
            return Err(Spake2Error::IdentityKey);
        }
        let (pa, pb) = match self.role {
            Role::Alice => (self.public, bytes),
            Role::Bob => (bytes, self.public),
        };
        let mut w = self.w.to_bytes();
        w.reverse();
        let tt = transcript(&self.id_a, &self.id_b, &pa, &pb, k.compress().as_bytes(), &w);
        Ok(Keys::from_transcript(tt))
    }
}

fn point(bytes: &[u8; 32]) -> EdwardsPoint {
    // M and N are constants checked by the tests (regenerated from their seeds).
    CompressedEdwardsY(*bytes).decompress().unwrap_or_default()
}

/// RFC 9382's transcript: each part preceded by its length, 8 bytes little-endian.
pub fn transcript(a: &[u8], b: &[u8], pa: &[u8], pb: &[u8], k: &[u8], w: &[u8]) -> Vec<u8> {
    let mut tt = Vec::with_capacity(6 * 8 + a.len() + b.len() + pa.len() + pb.len() + k.len() + w.len());
    for part in [a, b, pa, pb, k, w] {
        tt.extend_from_slice(&(part.len() as u64).to_le_bytes());
        tt.extend_from_slice(part);
    }
    tt
}

/// The keys of one SPAKE2 run, and what confirms them.
pub struct Keys {
    tt: Vec<u8>,
    ke: [u8; 16],
    ka: [u8; 16],
    kca: [u8; 16],
    kcb: [u8; 16],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys { .. }")
    }
}

impl Keys {
    /// The key schedule of RFC 9382 §4 for a transcript, with SHA-256, HKDF and no AAD.
    pub fn from_transcript(tt: Vec<u8>) -> Keys {
        let hash = ring::digest::digest(&ring::digest::SHA256, &tt);
        let (mut ke, mut ka) = ([0; 16], [0; 16]);
        ke.copy_from_slice(&hash.as_ref()[..16]);
        ka.copy_from_slice(&hash.as_ref()[16..]);
        let mut confirmation_keys = [0u8; 32];
        let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, &[]).extract(&ka);
        let info = [b"ConfirmationKeys".as_slice()];
        // 32 bytes is within HKDF-SHA-256's limit (255 * 32): neither call can fail.
        if let Ok(okm) = prk.expand(&info, Len32) {
            let _ = okm.fill(&mut confirmation_keys);
        }
        let (mut kca, mut kcb) = ([0; 16], [0; 16]);
        kca.copy_from_slice(&confirmation_keys[..16]);
        kcb.copy_from_slice(&confirmation_keys[16..]);
        Keys { tt, ke, ka, kca, kcb }
    }

    /// The transcript TT.
    pub fn transcript(&self) -> &[u8] {
        &self.tt
    }

    /// Ke, the shared secret SPAKE2 outputs (unused by Open Screen, which only authenticates).
    pub fn ke(&self) -> [u8; 16] {
        self.ke
    }

    /// Ka, from which the confirmation keys are derived.
    pub fn ka(&self) -> [u8; 16] {
        self.ka
    }

    /// KcA and KcB.
    pub fn confirmation_keys(&self) -> ([u8; 16], [u8; 16]) {
        (self.kca, self.kcb)
    }

    /// The confirmation `role` sends: `cA = MAC(KcA, TT)` or `cB = MAC(KcB, TT)`.
    pub fn confirmation(&self, role: Role) -> [u8; MAC_LEN] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.key_of(role));
        let tag = ring::hmac::sign(&key, &self.tt);
        let mut out = [0; MAC_LEN];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// Whether `value` is the confirmation `role` must send, compared in constant time.
    pub fn verify(&self, role: Role, value: &[u8]) -> bool {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.key_of(role));
        ring::hmac::verify(&key, &self.tt, value).is_ok()
    }

    fn key_of(&self, role: Role) -> &[u8] {
        match role {
            Role::Alice => &self.kca,
            Role::Bob => &self.kcb,
        }
    }
}

/// HKDF output length for ring.
struct Len32;

impl ring::hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}
