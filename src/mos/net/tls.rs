//! TLS settings for MOS 4.0 (rustls with the ring provider). Deployed MOS 4.0 servers often
//! present self-signed or untrusted certificates (MOS Group, 2018: "They may be Self-signed
//! or Untrusted"); a client accepts those only when told to.

use std::sync::Arc;

use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::RootCertStore;

use super::Error;
use crate::tls::provider;

fn certificate_error(e: impl std::fmt::Display) -> Error {
    Error::Certificate(e.to_string())
}

/// Which servers a client trusts.
#[derive(Debug, Clone)]
pub struct ClientTls(Arc<rustls::ClientConfig>);

impl ClientTls {
    /// Servers whose chain ends at one of `roots` (for public CAs, fill it from the
    /// `webpki-roots` or `rustls-native-certs` crates).
    pub fn from_roots(roots: RootCertStore) -> Result<Self, Error> {
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(certificate_error)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(ClientTls(Arc::new(config)))
    }

    /// Servers whose chain ends at a certificate of `pem`: the usual way to trust one
    /// device's or newsroom system's self-signed certificate.
    pub fn trust_pem(pem: &[u8]) -> Result<Self, Error> {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(pem) {
            roots.add(cert.map_err(certificate_error)?).map_err(certificate_error)?;
        }
        if roots.is_empty() {
            return Err(Error::Certificate("no certificate in the PEM text".into()));
        }
        Self::from_roots(roots)
    }

    /// Any certificate, self-signed or untrusted, as deployed MOS 4.0 systems need; the
    /// handshake's signatures are still checked. The connection is then encrypted but not
    /// authenticated: anyone on the path can pose as the server.
    pub fn danger_accept_self_signed() -> Result<Self, Error> {
        let provider = provider();
        let verifier = AcceptAnyCertificate(provider.signature_verification_algorithms);
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(certificate_error)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(ClientTls(Arc::new(config)))
    }

    /// A rustls configuration of your own (client certificates, other providers).
    pub fn from_rustls(config: Arc<rustls::ClientConfig>) -> Self {
        ClientTls(config)
    }

    /// The rustls configuration.
    pub fn rustls(&self) -> Arc<rustls::ClientConfig> {
        self.0.clone()
    }
}

#[derive(Debug)]
struct AcceptAnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    crate::tls::signature_checks!(0);
}

/// The certificate a server presents.
#[derive(Debug, Clone)]
pub struct ServerTls(Arc<rustls::ServerConfig>);

impl ServerTls {
    /// A certificate chain (leaf first) and its private key, both PEM.
    pub fn from_pem(chain: &[u8], key: &[u8]) -> Result<Self, Error> {
        let chain = CertificateDer::pem_slice_iter(chain).collect::<Result<Vec<_>, _>>().map_err(certificate_error)?;
        if chain.is_empty() {
            return Err(Error::Certificate("no certificate in the PEM text".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(certificate_error)?;
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(certificate_error)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(certificate_error)?;
        Ok(ServerTls(Arc::new(config)))
    }

    /// A new self-signed certificate for the given host names (e.g. `localhost`), with the
    /// certificate's PEM for clients to trust ([`ClientTls::trust_pem`]).
    pub fn self_signed(names: &[&str]) -> Result<(Self, String), Error> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let certified = rcgen::generate_simple_self_signed(names).map_err(certificate_error)?;
        let cert = certified.cert.pem();
        let tls = Self::from_pem(cert.as_bytes(), certified.signing_key.serialize_pem().as_bytes())?;
        Ok((tls, cert))
    }

    /// A rustls configuration of your own.
    pub fn from_rustls(config: Arc<rustls::ServerConfig>) -> Self {
        ServerTls(config)
    }

    /// The rustls configuration.
    pub fn rustls(&self) -> Arc<rustls::ServerConfig> {
        self.0.clone()
    }
}
