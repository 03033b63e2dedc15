//! What the two TLS transports (`quic`, `mos-ws`) share.

/// The crypto provider of every TLS configuration: ring (aws-lc-rs needs cmake).
pub(crate) fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

/// The signature checks of a rustls certificate verifier, delegated to rustls's own with the
/// provider's algorithms held in field `$algorithms`. Our verifiers differ only in which
/// certificates they accept; the handshake signatures are always checked.
macro_rules! signature_checks {
    ($algorithms:tt) => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &::rustls::pki_types::CertificateDer<'_>,
            dss: &::rustls::DigitallySignedStruct,
        ) -> Result<::rustls::client::danger::HandshakeSignatureValid, ::rustls::Error> {
            ::rustls::crypto::verify_tls12_signature(message, cert, dss, &self.$algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &::rustls::pki_types::CertificateDer<'_>,
            dss: &::rustls::DigitallySignedStruct,
        ) -> Result<::rustls::client::danger::HandshakeSignatureValid, ::rustls::Error> {
            ::rustls::crypto::verify_tls13_signature(message, cert, dss, &self.$algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<::rustls::SignatureScheme> {
            self.$algorithms.supported_schemes()
        }
    };
}
pub(crate) use signature_checks;
