//! Agent certificates and how a peer's certificate is checked.
//!
//! Open Screen agents use self-signed certificates: no CA vouches for a TV on a home network.
//! An agent is identified by its fingerprint (advertised over mDNS, or shown to the user), and a
//! controller accepts a receiver only when the certificate it presents has the fingerprint it
//! expects. Both sides present a certificate, so a receiver learns each controller's
//! fingerprint too (to recognise it later, or to authenticate it with the spec's SPAKE2
//! messages).

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DistinguishedName};

use super::certificate::{self, CertificateInfo, CertificateParams, CertificateRejected, SerialNumber};
use super::Error;
use crate::tls::provider;

/// An agent's certificate and private key.
pub struct AgentIdentity {
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
    /// Both as PEM, as generated or read.
    pem: String,
    fingerprint: Fingerprint,
    info: CertificateInfo,
}

impl fmt::Debug for AgentIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the private key.
        f.debug_struct("AgentIdentity")
            .field("fingerprint", &self.fingerprint.to_base64())
            .field("hostname", &self.info.hostname)
            .finish_non_exhaustive()
    }
}

impl AgentIdentity {
    /// A new agent certificate as the spec describes it (see [`certificate`](super::certificate)),
    /// with a new serial number, for the DNS-SD instance name `instance_name` in `local`, and
    /// model name `osmos`. [`AgentIdentity::generate_with`] sets every field.
    pub fn generate(instance_name: &str) -> Result<AgentIdentity, Error> {
        AgentIdentity::generate_with(&CertificateParams::new("osmos", instance_name)?)
    }

    /// A new agent certificate with these fields (and a new key).
    pub fn generate_with(params: &CertificateParams) -> Result<AgentIdentity, Error> {
        let (cert, key, pem) = params.generate()?;
        let cert = CertificateDer::from(cert);
        let info = certificate::check(cert.as_ref(), certificate::unix_now())
            .map_err(|e| Error::Certificate(format!("made a certificate that breaks the spec: {e}")))?;
        Ok(AgentIdentity {
            fingerprint: Fingerprint::of(&cert)?,
            cert,
            key: PrivateKeyDer::Pkcs8(key.into()),
            pem,
            info,
        })
    }

    /// Reads an identity written by [`AgentIdentity::to_pem`] (a certificate and a private key,
    /// PEM, in one text), so an agent keeps its fingerprint across restarts. The certificate
    /// must meet the spec's requirements (an `Error::Certificate` names the one it breaks).
    pub fn from_pem(pem: &str) -> Result<AgentIdentity, Error> {
        let identity = AgentIdentity::from_pem_unchecked(pem)?;
        certificate::check(identity.cert.as_ref(), certificate::unix_now()).map_err(|e| {
            Error::Certificate(format!("{e}; an identity made by an older osmos must be generated anew"))
        })?;
        Ok(identity)
    }

    /// [`AgentIdentity::from_pem`] without the spec's requirements: for testing how peers treat
    /// a certificate that breaks them (they refuse it), or another implementation's identity.
    pub fn from_pem_unchecked(pem: &str) -> Result<AgentIdentity, Error> {
        let cert = CertificateDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| Error::Certificate(format!("no certificate in the PEM text: {e}")))?;
        let key = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| Error::Certificate(format!("no private key in the PEM text: {e}")))?;
        let info = certificate::read(cert.as_ref())
            .map_err(|e| Error::Certificate(format!("cannot read the certificate: {e}")))?;
        Ok(AgentIdentity { fingerprint: Fingerprint::of(&cert)?, cert, key, pem: pem.to_owned(), info })
    }

    /// The certificate and the private key as PEM (keep it private: it holds the key).
    pub fn to_pem(&self) -> &str {
        &self.pem
    }

    /// The agent's next certificate, for the DNS-SD instance name `instance_name`: the spec
    /// ("Computing the Agent Hostname") recomputes the hostname each time the instance name
    /// changes, as it does when mDNS conflict resolution renames the agent, and the hostname is
    /// the subject CN. Same model name, domain and organization; the serial number's counter
    /// goes up by one (a new base once it is exhausted); a new key, so a new fingerprint.
    pub fn renewed(&self, instance_name: &str) -> Result<AgentIdentity, Error> {
        let domain = self.info.hostname.rsplit_once('.').map_or("local", |(_, domain)| domain);
        let serial = match self.info.serial.next() {
            Some(serial) => serial,
            None => SerialNumber::first()?,
        };
        AgentIdentity::generate_with(&CertificateParams {
            model_name: self.info.model_name.clone(),
            instance_name: instance_name.to_owned(),
            domain: domain.to_owned(),
            serial,
            organization: self.info.organization.clone(),
        })
    }

    /// The agent fingerprint, which peers pin (and the mDNS `fp` advertises, in base64).
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The certificate's serial number.
    pub fn serial(&self) -> SerialNumber {
        self.info.serial
    }

    /// The agent hostname (the certificate's subject CN).
    pub fn hostname(&self) -> &str {
        &self.info.hostname
    }

    /// The model name (the certificate's issuer CN).
    pub fn model_name(&self) -> &str {
        &self.info.model_name
    }

    /// The certificate's fields the spec defines.
    pub fn certificate_info(&self) -> &CertificateInfo {
        &self.info
    }

    /// The certificate (DER).
    pub fn certificate(&self) -> &CertificateDer<'static> {
        &self.cert
    }

    pub(crate) fn server_tls(&self) -> Result<rustls::ServerConfig, Error> {
        let mut tls = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(tls_setup)?
            .with_client_cert_verifier(Arc::new(AnyAgent { algorithms: provider().signature_verification_algorithms }))
            .with_single_cert(vec![self.cert.clone()], self.key.clone_key())
            .map_err(tls_setup)?;
        tls.alpn_protocols = vec![super::ALPN.to_vec()];
        // The spec forbids early data; 0 is rustls's default, kept explicit.
        tls.max_early_data_size = 0;
        Ok(tls)
    }
}

/// An agent fingerprint: the RFC 7469 SPKI fingerprint of its certificate with SHA-256, i.e. the
/// SHA-256 of the certificate's DER `SubjectPublicKeyInfo` (network spec, "Computing the Agent
/// Fingerprint"). The key, not the whole certificate, is hashed, so a certificate re-issued for
/// the same key keeps the fingerprint.
///
/// Two text forms: standard base64 (44 characters, [`Fingerprint::to_base64`]), the spec's form
/// and the mDNS `fp` value; and 32 colon-separated hex pairs (`3F:A0:…`, the RFC 8122 form,
/// [`Fingerprint::to_hex`], also `Display`). Parsing takes either, and plain hex in either case.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of a certificate (DER); an error when it is not an X.509 certificate.
    pub fn of(cert: &CertificateDer<'_>) -> Result<Fingerprint, Error> {
        let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref())
            .map_err(|e| Error::Certificate(format!("not an X.509 certificate (DER): {e}")))?;
        Ok(Fingerprint::of_spki(parsed.tbs_certificate.subject_pki.raw))
    }

    /// The fingerprint of the first certificate in a PEM text.
    pub fn of_pem(pem: &str) -> Result<Fingerprint, Error> {
        let cert = CertificateDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| Error::Certificate(format!("no certificate in the PEM text: {e}")))?;
        Fingerprint::of(&cert)
    }

    /// The fingerprint of a DER `SubjectPublicKeyInfo`.
    pub fn of_spki(spki: &[u8]) -> Fingerprint {
        let digest = ring::digest::digest(&ring::digest::SHA256, spki);
        let mut out = [0; 32];
        out.copy_from_slice(digest.as_ref());
        Fingerprint(out)
    }

    /// The fingerprint in standard base64 with padding (44 characters): the spec's agent
    /// fingerprint, as agents advertise it over mDNS (`fp`) and use it as SPAKE2 identity.
    pub fn to_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// The fingerprint as 32 colon-separated upper-case hex pairs (the `Display` form).
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = Error;

    fn from_str(s: &str) -> Result<Fingerprint, Error> {
        let bad = |why: &str| Error::InvalidFingerprint(format!("{s:?}: {why}"));
        if s.len() == 44 && s.ends_with('=') {
            use base64::Engine;
            let bytes =
                base64::engine::general_purpose::STANDARD.decode(s).map_err(|e| bad(&format!("bad base64: {e}")))?;
            return bytes.try_into().map(Fingerprint).map_err(|_| bad("base64 of other than 32 bytes"));
        }
        let digits: Vec<u8> = s.bytes().filter(|&b| b != b':').collect();
        if digits.len() != 64 {
            return Err(bad("expected 32 bytes as hex (64 digits, colons optional) or base64 (44 characters)"));
        }
        let mut out = [0; 32];
        for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| bad("not hex"))?;
            *byte = u8::from_str_radix(text, 16).map_err(|_| bad("not hex"))?;
        }
        Ok(Fingerprint(out))
    }
}

/// How a client checks the certificate the server presents.
#[derive(Debug, Clone)]
pub enum Verify {
    /// Accept only a certificate with this fingerprint (what Open Screen does).
    Fingerprint(Fingerprint),
    /// Accept any certificate. **For tests and debugging only**: anyone on the path can pose as
    /// the receiver. The TLS handshake signature is still checked.
    AnyCertificateForTesting,
}

impl Verify {
    /// The client's TLS configuration, and where its verifier notes a rejected certificate.
    pub(crate) fn client_tls(&self, identity: &AgentIdentity) -> Result<(rustls::ClientConfig, Rejected), Error> {
        let provider = provider();
        let rejected = Rejected::default();
        let verifier = Arc::new(PinnedServer {
            expected: self.clone(),
            algorithms: provider.signature_verification_algorithms,
            rejected: rejected.clone(),
        });
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(tls_setup)?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_client_auth_cert(vec![identity.cert.clone()], identity.key.clone_key())
            .map_err(tls_setup)?;
        tls.alpn_protocols = vec![super::ALPN.to_vec()];
        tls.enable_early_data = false;
        Ok((tls, rejected))
    }
}

/// Checks the server's certificate against a pinned fingerprint instead of a CA chain; the
/// handshake signatures are checked as usual, so the server must hold the certificate's key.
#[derive(Debug)]
struct PinnedServer {
    expected: Verify,
    algorithms: WebPkiSupportedAlgorithms,
    rejected: Rejected,
}

/// Why the client rejected the server's certificate, if it did.
pub(crate) type Rejected = Arc<Mutex<Option<Rejection>>>;

/// Why a certificate was refused.
#[derive(Debug, Clone)]
pub(crate) enum Rejection {
    /// It meets the spec's requirements but has another fingerprint (this one).
    Fingerprint(Fingerprint),
    /// It breaks a requirement of the spec.
    Requirement(CertificateRejected),
}

fn refuse(rejected: CertificateRejected) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(Arc::new(rejected))))
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let note = |rejection: Rejection| {
            *self.rejected.lock().unwrap_or_else(|e| e.into_inner()) = Some(rejection);
        };
        match &self.expected {
            Verify::AnyCertificateForTesting => Ok(ServerCertVerified::assertion()),
            Verify::Fingerprint(expected) => {
                if let Err(rejected) = certificate::check(end_entity.as_ref(), now.as_secs() as i64) {
                    note(Rejection::Requirement(rejected.clone()));
                    return Err(refuse(rejected));
                }
                let found = Fingerprint::of(end_entity)
                    .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
                if found == *expected {
                    Ok(ServerCertVerified::assertion())
                } else {
                    // rustls's text for a custom error is its Debug form: keep the facts for
                    // `connect` to word, and send the peer the standard alert.
                    note(Rejection::Fingerprint(found));
                    Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
                }
            }
        }
    }

    crate::tls::signature_checks!(algorithms);
}

/// Takes any client certificate that meets the spec's requirements (agents' certificates are
/// self-signed; the server records the fingerprint, see `Connection::peer_fingerprint`) but
/// requires one, and checks that the client holds its key.
#[derive(Debug)]
struct AnyAgent {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyAgent {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        certificate::check(end_entity.as_ref(), now.as_secs() as i64).map_err(refuse)?;
        Ok(ClientCertVerified::assertion())
    }

    crate::tls::signature_checks!(algorithms);
}

fn tls_setup(e: rustls::Error) -> Error {
    Error::Tls { peer: None, detail: format!("TLS configuration: {e}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_text_round_trips_and_rejects_garbage() {
        let id = AgentIdentity::generate("receiver.local").unwrap();
        let fp = id.fingerprint();
        let text = fp.to_string();
        assert_eq!(text.len(), 32 * 3 - 1);
        assert_eq!(text.parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(text.replace(':', "").to_lowercase().parse::<Fingerprint>().unwrap(), fp);
        let short = text[..10].parse::<Fingerprint>().unwrap_err().to_string();
        assert!(short.contains("expected 32 bytes as hex"), "{short}");
        let b64 = fp.to_base64();
        assert_eq!(b64.len(), 44);
        assert_eq!(b64.parse::<Fingerprint>().unwrap(), fp);
        let bad_b64 = format!("!{}", &b64[1..]).parse::<Fingerprint>().unwrap_err().to_string();
        assert!(bad_b64.contains("bad base64"), "{bad_b64}");
        let not_hex = "zz".repeat(32).parse::<Fingerprint>().unwrap_err().to_string();
        assert!(not_hex.contains("not hex"), "{not_hex}");
    }

    #[test]
    fn identity_survives_pem() {
        let id = AgentIdentity::generate("receiver.local").unwrap();
        let pem = id.to_pem();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
        let back = AgentIdentity::from_pem(pem).unwrap();
        assert_eq!(back.fingerprint(), id.fingerprint());
        assert_eq!(back.key.secret_der(), id.key.secret_der());
        let err = AgentIdentity::from_pem("nothing").unwrap_err().to_string();
        assert!(err.contains("no certificate"), "{err}");
    }
}
