//! The spec's agent certificate (network spec, "Agent Certificates", "Computing the Certificate
//! Serial Number", "Computing the Agent Hostname"): how osmos makes one, and how a peer's is
//! checked against the spec's list before its fingerprint is even looked at.
//!
//! The certificate is X.509 v3, self-signed with an ECDSA P-256 key (`ecdsa-with-SHA256`,
//! the TLS 1.3 scheme `ecdsa_secp256r1_sha256`), its serial number is 160 bits (a 128-bit UUID
//! base, then a 32-bit counter), its issuer CN is the `model-name` of agent-info, its subject CN
//! is the agent hostname, and its key usage is `digitalSignature`. The spec gives no validity
//! period ("set according to RFC 5280"): osmos makes certificates valid from a day before they
//! are made (clocks of TVs and phones disagree) for a year.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use x509_parser::oid_registry::{OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_SIG_ECDSA_WITH_SHA256};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::Error;

/// How far before its creation a certificate osmos makes is valid.
const VALID_BEFORE: Duration = Duration::from_secs(24 * 3600);
/// How long after its creation a certificate osmos makes stays valid.
const VALID_FOR: Duration = Duration::from_secs(365 * 24 * 3600);

/// The spec's certificate serial number: a 128-bit UUID base and a 32-bit counter, 160 bits
/// written big-endian. An agent keeps the base and increments the counter for each new
/// certificate ([`SerialNumber::next`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SerialNumber {
    base: [u8; 16],
    counter: u32,
}

impl SerialNumber {
    /// The first serial number of an agent that never made a certificate: a new random
    /// (version 4) UUID as base, and the counter incremented from 0 to 1.
    pub fn first() -> Result<SerialNumber, Error> {
        let mut base = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut base)
            .map_err(|_| Error::Certificate("no randomness for the serial number".into()))?;
        // RFC 9562: version 4 in the high nibble of byte 6, variant 0b10 in byte 8.
        base[6] = (base[6] & 0x0f) | 0x40;
        base[8] = (base[8] & 0x3f) | 0x80;
        Ok(SerialNumber { base, counter: 1 })
    }

    /// A serial number from its parts.
    pub fn from_parts(base: [u8; 16], counter: u32) -> SerialNumber {
        SerialNumber { base, counter }
    }

    /// The next serial number (same base, counter + 1), for the agent's next certificate;
    /// `None` once the counter is exhausted (a new base is then needed).
    pub fn next(&self) -> Option<SerialNumber> {
        Some(SerialNumber { base: self.base, counter: self.counter.checked_add(1)? })
    }

    /// The UUID base (the upper 128 bits).
    pub fn base(&self) -> [u8; 16] {
        self.base
    }

    /// The counter (the lower 32 bits).
    pub fn counter(&self) -> u32 {
        self.counter
    }

    /// The 160 bits, big-endian.
    pub fn to_bytes(&self) -> [u8; 20] {
        let mut out = [0; 20];
        out[..16].copy_from_slice(&self.base);
        out[16..].copy_from_slice(&self.counter.to_be_bytes());
        out
    }

    /// Reads a serial number written as a big-endian integer (a DER serial's content: leading
    /// zero bytes allowed); `None` when it needs more than 160 bits.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<SerialNumber> {
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        let significant = &bytes[start..];
        if significant.len() > 20 {
            return None;
        }
        let mut all = [0u8; 20];
        all[20 - significant.len()..].copy_from_slice(significant);
        let mut base = [0; 16];
        base.copy_from_slice(&all[..16]);
        Some(SerialNumber { base, counter: u32::from_be_bytes([all[16], all[17], all[18], all[19]]) })
    }

    /// The 160 bits in standard base64 (28 characters): the first label of the agent hostname,
    /// and the mDNS `sn` value.
    pub fn to_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.to_bytes())
    }
}

impl fmt::Debug for SerialNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SerialNumber({})", self.to_base64())
    }
}

/// The spec's agent hostname: `base64(serial) . encoded instance name . encoded domain`, where
/// encoding replaces every character but `[A-Za-z0-9-]` with `-`. It is the subject CN of the
/// certificate and, made DNS-safe ([`sni_name`]), the TLS server name.
pub fn agent_hostname(serial: &SerialNumber, instance_name: &str, domain: &str) -> String {
    format!("{}.{}.{}", serial.to_base64(), encode_label(instance_name), encode_label(domain))
}

fn encode_label(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect()
}

/// The name a client puts in the TLS `server_name` extension for an agent hostname.
///
/// The spec's hostname is not a DNS name: its first label is base64 (`+`, `/`, and `=` padding,
/// always present for 20 bytes) and the encoded instance name may begin or end with `-` (a
/// display name cut with a NUL does). rustls, and so quinn, send only valid DNS names and
/// refuse the spec's form outright. So each label is made DNS-safe: characters other than
/// `[A-Za-z0-9-]` become `-`, hyphens at a label's ends are dropped, labels are cut to 63
/// characters, and empty labels are left out. The result names the same agent to a human; the
/// agent is identified by its fingerprint either way (pinned by the verifier, not by name).
pub fn sni_name(hostname: &str) -> String {
    let labels: Vec<String> = hostname
        .split('.')
        .map(|label| {
            let encoded = encode_label(label);
            let trimmed = encoded.trim_matches('-');
            trimmed.chars().take(63).collect::<String>().trim_end_matches('-').to_owned()
        })
        .filter(|label| !label.is_empty())
        .collect();
    let mut name = labels.join(".");
    if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        // An all-numeric name would read as an address.
        name.insert_str(0, "agent.");
    }
    name.truncate(253);
    name.trim_end_matches(['.', '-']).to_owned()
}

/// What a certificate osmos makes says.
#[derive(Debug, Clone)]
pub struct CertificateParams {
    /// The `model-name` of the agent's agent-info: the issuer CN.
    pub model_name: String,
    /// The agent's DNS-SD instance name (a prefix of its display name, see
    /// [`discovery`](crate::quic) rules): part of the hostname.
    pub instance_name: String,
    /// The DNS-SD domain, `local` for mDNS: the hostname's last part.
    pub domain: String,
    /// The serial number ([`SerialNumber::first`] for a new agent, then [`SerialNumber::next`]).
    pub serial: SerialNumber,
    /// The optional issuer and subject O (the spec suggests the implementer or model name).
    pub organization: Option<String>,
}

impl CertificateParams {
    /// Parameters for a new agent: a fresh serial number, domain `local`, no O.
    pub fn new(model_name: &str, instance_name: &str) -> Result<CertificateParams, Error> {
        Ok(CertificateParams {
            model_name: model_name.to_owned(),
            instance_name: instance_name.to_owned(),
            domain: "local".to_owned(),
            serial: SerialNumber::first()?,
            organization: None,
        })
    }

    /// The agent hostname these parameters give.
    pub fn hostname(&self) -> String {
        agent_hostname(&self.serial, &self.instance_name, &self.domain)
    }

    /// Makes the certificate: a new P-256 key, and the certificate signed with it. Returns the
    /// certificate (DER) and the key (PKCS#8 DER), and both as PEM.
    pub(crate) fn generate(&self) -> Result<(Vec<u8>, Vec<u8>, String), Error> {
        let fail = |what: &str, e: rcgen::Error| Error::Certificate(format!("cannot {what}: {e}"));
        let key =
            rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| fail("create a P-256 key", e))?;
        let now = SystemTime::now();
        let unix = |t: SystemTime| -> Result<time::OffsetDateTime, Error> {
            let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            time::OffsetDateTime::from_unix_timestamp(secs as i64)
                .map_err(|e| Error::Certificate(format!("the clock reads an impossible time: {e}")))
        };

        let mut subject = rcgen::CertificateParams::default();
        subject.serial_number = Some(rcgen::SerialNumber::from_slice(&self.serial.to_bytes()));
        subject.not_before = unix(now.checked_sub(VALID_BEFORE).unwrap_or(UNIX_EPOCH))?;
        subject.not_after = unix(now + VALID_FOR)?;
        subject.distinguished_name = self.name(&self.hostname());
        subject.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
        // The spec lists no other extension: no SAN, no basic constraints, no key identifiers.
        subject.use_authority_key_identifier_extension = false;

        // Self-signed, but the issuer name (the model name) is not the subject name: sign with
        // the certificate's own key under the issuer's name.
        let mut issuer_params = rcgen::CertificateParams::default();
        issuer_params.distinguished_name = self.name(&self.model_name);
        let issuer = rcgen::Issuer::new(issuer_params, &key);
        let cert = subject.signed_by(&key, &issuer).map_err(|e| fail("sign the agent certificate", e))?;
        let pem = cert.pem() + &key.serialize_pem();
        Ok((cert.der().to_vec(), key.serialize_der(), pem))
    }

    fn name(&self, common_name: &str) -> rcgen::DistinguishedName {
        let mut name = rcgen::DistinguishedName::new();
        name.push(rcgen::DnType::CommonName, common_name);
        if let Some(org) = &self.organization {
            name.push(rcgen::DnType::OrganizationName, org.as_str());
        }
        name
    }
}

/// What a certificate that meets the spec's requirements says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The serial number.
    pub serial: SerialNumber,
    /// The subject CN: the agent hostname.
    pub hostname: String,
    /// The issuer CN: the agent's model name.
    pub model_name: String,
    /// Valid from (seconds since the Unix epoch).
    pub not_before: i64,
    /// Valid until (seconds since the Unix epoch).
    pub not_after: i64,
    /// The subject O, when there is one (kept when the certificate is renewed).
    pub organization: Option<String>,
}

/// A certificate that breaks one of the spec's requirements for an agent certificate.
#[derive(Clone, PartialEq, Eq)]
pub struct CertificateRejected {
    /// The requirement, in the spec's words.
    pub requirement: &'static str,
    /// What the certificate has instead.
    pub found: String,
}

impl fmt::Display for CertificateRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an Open Screen agent certificate: {} (found {})", self.requirement, self.found)
    }
}

// rustls words a custom certificate error with its Debug form: make that the message.
impl fmt::Debug for CertificateRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for CertificateRejected {}

/// The requirements, in the spec's words (each names what `check` refuses).
pub mod requirement {
    /// The certificate must parse.
    pub const X509: &str = "an X.509 certificate in DER";
    /// Version.
    pub const V3: &str = "X.509 version 3";
    /// Public key.
    pub const P256_KEY: &str = "a 256-bit ECDSA public key (id-ecPublicKey on prime256v1)";
    /// Signature algorithm.
    pub const ECDSA_SHA256: &str = "signed with ecdsa-with-SHA256 (ecdsa_secp256r1_sha256)";
    /// Serial.
    pub const SERIAL: &str = "a 160-bit serial number (128-bit UUID base, 32-bit counter)";
    /// Self-signed.
    pub const SELF_SIGNED: &str = "self-signed (the signature verifies with the certificate's own key)";
    /// Key usage.
    pub const KEY_USAGE: &str = "key usage digitalSignature";
    /// Subject.
    pub const SUBJECT_CN: &str = "a subject CN (the agent hostname)";
    /// Issuer.
    pub const ISSUER_CN: &str = "an issuer CN (the model name)";
    /// Validity.
    pub const VALIDITY: &str = "valid now";
}

/// Checks a certificate (DER) against the spec's requirements for an agent certificate, at
/// `now` (seconds since the Unix epoch).
pub fn check(der: &[u8], now: i64) -> Result<CertificateInfo, CertificateRejected> {
    let reject = |requirement: &'static str, found: String| CertificateRejected { requirement, found };
    let (rest, cert) = X509Certificate::from_der(der).map_err(|e| reject(requirement::X509, e.to_string()))?;
    if !rest.is_empty() {
        return Err(reject(requirement::X509, format!("{} bytes after the certificate", rest.len())));
    }
    let tbs = &cert.tbs_certificate;
    if tbs.version.0 != 2 {
        return Err(reject(requirement::V3, format!("version {}", tbs.version.0 + 1)));
    }
    let spki = &tbs.subject_pki;
    let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok());
    if spki.algorithm.algorithm != OID_KEY_TYPE_EC_PUBLIC_KEY || curve.as_ref() != Some(&OID_EC_P256) {
        let curve = curve.map(|c| format!(" on {c}")).unwrap_or_default();
        return Err(reject(requirement::P256_KEY, format!("{}{curve}", spki.algorithm.algorithm)));
    }
    for alg in [&cert.signature_algorithm, &tbs.signature] {
        if alg.algorithm != OID_SIG_ECDSA_WITH_SHA256 || alg.parameters.is_some() {
            return Err(reject(requirement::ECDSA_SHA256, alg.algorithm.to_id_string()));
        }
    }
    let serial = SerialNumber::from_be_bytes(cert.raw_serial())
        .filter(|s| s.to_bytes() != [0; 20])
        .ok_or_else(|| reject(requirement::SERIAL, format!("{} bytes", cert.raw_serial().len())))?;
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_ASN1,
        spki.subject_public_key.data.as_ref(),
    );
    key.verify(tbs.as_ref(), cert.signature_value.data.as_ref())
        .map_err(|_| reject(requirement::SELF_SIGNED, "a signature its own key does not verify".into()))?;
    match tbs.key_usage() {
        Ok(Some(usage)) if usage.value.digital_signature() => {}
        Ok(Some(usage)) => return Err(reject(requirement::KEY_USAGE, format!("key usage {}", usage.value))),
        Ok(None) => return Err(reject(requirement::KEY_USAGE, "no key usage extension".into())),
        Err(e) => return Err(reject(requirement::KEY_USAGE, e.to_string())),
    }
    let common_name = |name: &x509_parser::x509::X509Name<'_>| {
        name.iter_common_name().next().and_then(|cn| cn.as_str().ok()).filter(|cn| !cn.is_empty()).map(str::to_owned)
    };
    let hostname = common_name(&tbs.subject).ok_or_else(|| reject(requirement::SUBJECT_CN, tbs.subject.to_string()))?;
    let model_name = common_name(&tbs.issuer).ok_or_else(|| reject(requirement::ISSUER_CN, tbs.issuer.to_string()))?;
    let (not_before, not_after) = (tbs.validity.not_before.timestamp(), tbs.validity.not_after.timestamp());
    if now < not_before || now > not_after {
        return Err(reject(
            requirement::VALIDITY,
            format!("valid from {} to {}", tbs.validity.not_before, tbs.validity.not_after),
        ));
    }
    let organization = organization(&tbs.subject);
    Ok(CertificateInfo { serial, hostname, model_name, not_before, not_after, organization })
}

fn organization(name: &x509_parser::x509::X509Name<'_>) -> Option<String> {
    name.iter_organization().next().and_then(|o| o.as_str().ok()).map(str::to_owned)
}

/// The fields of any X.509 certificate that [`check`] reports, without checking them (absent
/// names are empty, a serial over 160 bits reads as zero).
pub(crate) fn read(der: &[u8]) -> Result<CertificateInfo, String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let tbs = &cert.tbs_certificate;
    let common_name = |name: &x509_parser::x509::X509Name<'_>| {
        name.iter_common_name().next().and_then(|cn| cn.as_str().ok()).unwrap_or("").to_owned()
    };
    Ok(CertificateInfo {
        serial: SerialNumber::from_be_bytes(cert.raw_serial()).unwrap_or(SerialNumber::from_parts([0; 16], 0)),
        hostname: common_name(&tbs.subject),
        model_name: common_name(&tbs.issuer),
        not_before: tbs.validity.not_before.timestamp(),
        not_after: tbs.validity.not_after.timestamp(),
        organization: organization(&tbs.subject),
    })
}

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
