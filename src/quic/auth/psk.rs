//! Pre-shared keys and the two encodings of the network spec's appendix ("PSK Encoding
//! Schemes"): a numeric string in dash-separated groups, and the hexadecimal text of a QR code.

use std::fmt;

/// The fewest bits of entropy a PSK may have (the spec's default `psk-min-bits-of-entropy`).
pub const MIN_BITS: u32 = 20;
/// The most bits of entropy an agent may ask for in `psk-min-bits-of-entropy`.
pub const MAX_REQUESTED_BITS: u32 = 60;
/// The largest PSK the encodings carry (80 bits).
pub const MAX_BITS: u32 = 80;

/// A pre-shared key: a number of 20 to 80 bits that one agent shows and the user enters on the
/// other.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Psk(u128);

/// A PSK text that does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskError(pub String);

impl fmt::Display for PskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid PSK: {}", self.0)
    }
}

impl std::error::Error for PskError {}

impl fmt::Debug for Psk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A PSK is a secret while authentication runs.
        f.write_str("Psk(..)")
    }
}

impl Psk {
    /// A random PSK with `bits` bits of entropy (uniform below 2^bits), `bits` within 20..=80.
    pub fn generate(bits: u32) -> Result<Psk, PskError> {
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(PskError(format!("{bits} bits of entropy: a PSK has 20 to 80")));
        }
        let mut bytes = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .map_err(|_| PskError("no randomness".into()))?;
        Ok(Psk(u128::from_be_bytes(bytes) >> (128 - bits)))
    }

    /// A PSK with this value (at most 80 bits).
    pub fn from_value(value: u128) -> Result<Psk, PskError> {
        if value >> MAX_BITS != 0 {
            return Err(PskError(format!("{value} needs more than {MAX_BITS} bits")));
        }
        Ok(Psk(value))
    }

    /// The value.
    pub fn value(&self) -> u128 {
        self.0
    }

    /// The bytes SPAKE2 hashes into `w`: the value as base-10 ASCII digits, without leading zeros
    /// or dashes, so a PSK typed as digits and one scanned from a QR code give the same `w`.
    pub fn password(&self) -> Vec<u8> {
        self.0.to_string().into_bytes()
    }

    /// The base-10 numeric encoding: zero-padded on the left to a multiple of 3 digits, in groups
    /// of three separated by dashes when it has at most 9 digits; else padded to a multiple of 4
    /// in groups of four. `61488548833` gives `0614-8854-8833` (the spec's example).
    ///
    /// The spec pads with `3 - len mod 3` (or `4 - len mod 4`) digits, which read literally adds
    /// a whole group of zeros to a number already a multiple; padding to the multiple is what its
    /// example shows, and decoding removes leading zeros either way. It says nothing of exactly 9
    /// digits: they are three groups of three here.
    pub fn to_numeric(&self) -> String {
        let digits = self.0.to_string();
        let group = if digits.len() <= 9 { 3 } else { 4 };
        let padded = format!("{}{digits}", "0".repeat((group - digits.len() % group) % group));
        let groups: Vec<&str> = padded.as_bytes().chunks(group).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
        groups.join("-")
    }

    /// Decodes the numeric encoding: dashes and leading zeros removed, then base 10. Spaces
    /// are taken as dashes (users type them).
    pub fn from_numeric(text: &str) -> Result<Psk, PskError> {
        let digits: String = text.chars().filter(|&c| c != '-' && c != ' ').collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PskError(format!("{text:?} is not digits and dashes")));
        }
        let significant = digits.trim_start_matches('0');
        if significant.len() > 25 {
            return Err(PskError(format!("{text:?} is larger than {MAX_BITS} bits")));
        }
        let value = if significant.is_empty() {
            0
        } else {
            significant.parse::<u128>().map_err(|e| PskError(e.to_string()))?
        };
        Psk::from_value(value)
    }

    /// The text of the QR code: the value as a hexadecimal string (lower case, no leading
    /// zeros).
    pub fn to_qr_text(&self) -> String {
        format!("{:x}", self.0)
    }

    /// Decodes the text of a QR code (hexadecimal, either case).
    pub fn from_qr_text(text: &str) -> Result<Psk, PskError> {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(PskError(format!("{text:?} is not hexadecimal")));
        }
        let significant = text.trim_start_matches('0');
        if significant.len() > 20 {
            return Err(PskError(format!("{text:?} is larger than {MAX_BITS} bits")));
        }
        Psk::from_value(
            u128::from_str_radix(if significant.is_empty() { "0" } else { significant }, 16)
                .map_err(|e| PskError(e.to_string()))?,
        )
    }
}
