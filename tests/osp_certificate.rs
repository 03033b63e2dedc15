#![cfg(feature = "quic")]
//! Agent certificates and fingerprints as the Open Screen network spec defines them.

use std::process::{Command, Stdio};

use osmos::quic::Fingerprint;

/// A certificate made once with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1`
/// (ours, checked in; its key was thrown away).
const FIXTURE: &str = include_str!("fixtures/osp_agent_cert.pem");

/// `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary
/// | base64` of the fixture, run when it was made.
const FIXTURE_FP: &str = "5F1mfvcY7y09M3qF4JZWmO0pZKXPBn2JKQfZXdaxLE8=";

/// The SHA-256 of the whole certificate: what osmos wrongly advertised before (issue 19).
const FIXTURE_WHOLE_CERT_SHA256: &str = "01ciwlrvsYgRWyyyGxi+woMdfJ7+ZVyrXSENxulS00o=";

/// The fixture's SPKI fingerprint computed by openssl now, or `None` when openssl is absent
/// (a failure under `OSMOS_REQUIRE_CORPUS`, which `.ci/run` sets after installing it).
fn openssl_spki_fingerprint(pem: &str) -> Option<String> {
    if Command::new("openssl").arg("version").output().is_err() {
        assert!(std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(), "openssl is missing under .ci/run");
        eprintln!("skipped: openssl is not installed");
        return None;
    }
    let script =
        "openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64";
    let mut child = Command::new("sh")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run openssl");
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(pem.as_bytes()).expect("write the PEM");
    let out = child.wait_with_output().expect("openssl output");
    assert!(out.status.success(), "openssl failed: {out:?}");
    Some(String::from_utf8(out.stdout).expect("base64 is ASCII").trim().to_owned())
}

#[test]
fn fingerprint_is_the_spki_sha256_in_base64() {
    let fp = Fingerprint::of_pem(FIXTURE).unwrap();
    assert_eq!(fp.to_base64(), FIXTURE_FP);
    assert_eq!(fp.to_base64().len(), 44, "the spec: 44 bytes");
    assert_ne!(fp.to_base64(), FIXTURE_WHOLE_CERT_SHA256);
    assert_eq!(
        fp.to_hex(),
        "E4:5D:66:7E:F7:18:EF:2D:3D:33:7A:85:E0:96:56:98:ED:29:64:A5:CF:06:7D:89:29:07:D9:5D:D6:B1:2C:4F"
    );
    assert_eq!(FIXTURE_FP.parse::<Fingerprint>().unwrap(), fp);
    assert_eq!(fp.to_hex().parse::<Fingerprint>().unwrap(), fp);
}

#[test]
fn fingerprint_equals_openssl() {
    let Some(expected) = openssl_spki_fingerprint(FIXTURE) else { return };
    assert_eq!(expected, FIXTURE_FP, "the checked-in constant");
    assert_eq!(Fingerprint::of_pem(FIXTURE).unwrap().to_base64(), expected);
}

#[test]
fn fingerprint_of_garbage_is_an_error() {
    let err = Fingerprint::of_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap_err();
    assert!(err.to_string().contains("not an X.509 certificate"), "{err}");
}

// ===== The certificates osmos makes =====

use osmos::quic::certificate::{self, requirement, sni_name, CertificateParams, SerialNumber};
use osmos::quic::{AgentIdentity, Config, Error, Server, Verify};

fn living_room() -> AgentIdentity {
    let params = CertificateParams {
        model_name: "Osmos TV 9000".into(),
        instance_name: "Living Room TV".into(),
        domain: "local".into(),
        serial: SerialNumber::from_parts(*b"\x8f\x1e\x2d\x3c\x4b\x5a\x49\x78\x87\x96\xa5\xb4\xc3\xd2\xe1\xf0", 7),
        organization: Some("osmos".into()),
    };
    AgentIdentity::generate_with(&params).unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Runs `openssl ARGS` with `input` on stdin; `None` when openssl is absent (see above).
fn openssl(args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    if Command::new("openssl").arg("version").output().is_err() {
        assert!(std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(), "openssl is missing under .ci/run");
        eprintln!("skipped: openssl is not installed");
        return None;
    }
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run openssl");
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(input).expect("write to openssl");
    let out = child.wait_with_output().expect("openssl output");
    assert!(out.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(out.stdout)
}

#[test]
fn generated_certificate_has_every_field_the_spec_lists() {
    let id = living_room();
    let info = id.certificate_info();
    assert_eq!(info.serial.counter(), 7);
    assert_eq!(info.serial.to_bytes()[..16], *b"\x8f\x1e\x2d\x3c\x4b\x5a\x49\x78\x87\x96\xa5\xb4\xc3\xd2\xe1\xf0");
    assert_eq!(info.model_name, "Osmos TV 9000");
    // base64 of the 160-bit serial, then the instance name and the domain with every character
    // outside [A-Za-z0-9-] replaced by '-'.
    assert_eq!(info.hostname, "jx4tPEtaSXiHlqW0w9Lh8AAAAAc=.Living-Room-TV.local");
    assert_eq!(id.hostname(), info.hostname);
    assert_eq!(id.serial().to_base64(), "jx4tPEtaSXiHlqW0w9Lh8AAAAAc=");
    let validity = info.not_after - info.not_before;
    assert_eq!(validity, 366 * 24 * 3600, "a day back, a year on");
    assert!(info.not_before <= now() && now() <= info.not_after);
    // The checks a peer makes pass.
    assert_eq!(certificate::check(id.certificate().as_ref(), now()).unwrap(), *info);
}

#[test]
fn generated_certificate_read_by_openssl() {
    let id = living_room();
    let Some(text) = openssl(&["x509", "-noout", "-text", "-nameopt", "RFC2253"], id.to_pem().as_bytes()) else {
        return;
    };
    let text = String::from_utf8(text).unwrap();
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Version: 3 (0x2)",
        // The 160-bit serial: UUID base then the counter 7.
        "Serial Number: 8f:1e:2d:3c:4b:5a:49:78:87:96:a5:b4:c3:d2:e1:f0:00:00:00:07",
        "Signature Algorithm: ecdsa-with-SHA256",
        "Issuer: O=osmos,CN=Osmos TV 9000",
        "Subject: O=osmos,CN=jx4tPEtaSXiHlqW0w9Lh8AAAAAc=.Living-Room-TV.local",
        "Public Key Algorithm: id-ecPublicKey",
        "Public-Key: (256 bit)",
        "ASN1 OID: prime256v1",
        "X509v3 Key Usage: critical Digital Signature",
    ] {
        assert!(squeezed.contains(expected), "openssl does not show {expected:?}:\n{text}");
    }
    // Key usage is the only extension.
    assert_eq!(squeezed.matches("X509v3 ").count(), 2, "{text}");
    // The spec's DER for the public key's AlgorithmIdentifier.
    let der = openssl(&["x509", "-noout", "-pubkey"], id.to_pem().as_bytes()).unwrap();
    let spki = openssl(&["pkey", "-pubin", "-outform", "der"], &der).unwrap();
    assert_eq!(hex::encode(&spki[2..23]), "301306072a8648ce3d020106082a8648ce3d030107");
    // The fingerprint openssl computes for it.
    let digest = openssl(&["dgst", "-sha256", "-binary"], &spki).unwrap();
    assert_eq!(id.fingerprint().0.as_slice(), digest.as_slice());
    // Self-signed: openssl verifies it against itself.
    let dir = std::env::temp_dir().join(format!("osmos-cert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("agent.pem");
    std::fs::write(&path, id.to_pem()).unwrap();
    let path = path.to_str().unwrap();
    let verified = openssl(&["verify", "-check_ss_sig", "-partial_chain", "-CAfile", path, path], b"").unwrap();
    assert_eq!(String::from_utf8_lossy(&verified).trim(), format!("{path}: OK"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn serial_numbers_count_up_from_a_uuid() {
    let first = SerialNumber::first().unwrap();
    assert_eq!(first.counter(), 1, "the counter starts at 0 and is incremented before use");
    assert_eq!(first.base()[6] >> 4, 4, "a version 4 UUID");
    assert_eq!(first.base()[8] >> 6, 0b10, "RFC 9562 variant");
    let second = first.next().unwrap();
    assert_eq!((second.base(), second.counter()), (first.base(), 2));
    assert_eq!(SerialNumber::from_parts([1; 16], u32::MAX).next(), None);
    assert_eq!(SerialNumber::from_be_bytes(&second.to_bytes()), Some(second));
    // A DER serial's content may carry a leading zero (a positive integer with the top bit set).
    let mut der = vec![0];
    der.extend_from_slice(&second.to_bytes());
    assert_eq!(SerialNumber::from_be_bytes(&der), Some(second));
    assert_eq!(SerialNumber::from_be_bytes(&[1; 21]), None, "over 160 bits");
}

#[test]
fn sni_is_the_hostname_made_dns_safe() {
    assert_eq!(
        sni_name("jx4tPEtaSXiHlqW0w9Lh8AAAAAc=.Living-Room-TV.local"),
        "jx4tPEtaSXiHlqW0w9Lh8AAAAAc.Living-Room-TV.local"
    );
    assert_eq!(sni_name("ab+/cd==.-Kitchen-.local"), "ab--cd.Kitchen.local");
    // A display name cut with a NUL ends in '-' once encoded.
    let cut = certificate::agent_hostname(&SerialNumber::from_parts([0xfb; 16], 1), "Very long na\0", "local");
    assert_eq!(cut, "+/v7+/v7+/v7+/v7+/v7+wAAAAE=.Very-long-na-.local");
    assert_eq!(sni_name(&cut), "v7--v7--v7--v7--v7-wAAAAE.Very-long-na.local");
    assert_eq!(sni_name("...."), "agent");
    assert_eq!(sni_name("12.34"), "agent.12.34");
}

// ===== Certificates that break the spec are refused =====

/// A certificate and key made by openssl with `args` added to `req -x509` (P-256 unless the
/// args say otherwise), as one PEM text.
fn openssl_identity(args: &[&str]) -> Option<String> {
    // One directory per call: tests run in parallel threads of one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("osmos-bad-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let mut all = vec!["req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=bad.local"];
    if !args.contains(&"-newkey") {
        all.extend(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
    }
    all.extend(["-keyout", key.to_str().unwrap(), "-out", cert.to_str().unwrap()]);
    all.extend(args);
    openssl(&all, b"")?;
    let pem = std::fs::read_to_string(&cert).unwrap() + &std::fs::read_to_string(&key).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    Some(pem)
}

fn der_of(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(body).unwrap()
}

#[test]
fn each_requirement_is_checked_and_named() {
    let good = "-addext keyUsage=critical,digitalSignature";
    let good: Vec<&str> = good.split(' ').collect();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], requirement::KEY_USAGE),
        (vec!["-addext", "keyUsage=critical,keyCertSign"], requirement::KEY_USAGE),
        ([good.as_slice(), &["-newkey", "rsa:2048"]].concat(), requirement::P256_KEY),
        (
            [good.as_slice(), &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1"]].concat(),
            requirement::P256_KEY,
        ),
        ([good.as_slice(), &["-sha384"]].concat(), requirement::ECDSA_SHA256),
        (
            [good.as_slice(), &["-set_serial", "0x0102030405060708090a0b0c0d0e0f101112131415"]].concat(),
            requirement::SERIAL,
        ),
        ([good.as_slice(), &["-set_serial", "0"]].concat(), requirement::SERIAL),
    ];
    for (args, expected) in cases {
        let Some(pem) = openssl_identity(&args) else { return };
        let err = certificate::check(&der_of(&pem), now()).unwrap_err();
        assert_eq!(err.requirement, expected, "{args:?}: {err}");
        assert!(err.to_string().starts_with("not an Open Screen agent certificate: "), "{err}");
        // And an identity refuses to load it.
        let refused = AgentIdentity::from_pem(&pem).unwrap_err().to_string();
        assert!(refused.contains(expected), "{refused}");
    }
    let Some(pem) = openssl_identity(&good) else { return };
    let der = der_of(&pem);
    let info = certificate::check(&der, now()).unwrap();
    assert_eq!((info.hostname.as_str(), info.model_name.as_str()), ("bad.local", "bad.local"));
    // Out of its validity period.
    let err = certificate::check(&der, now() + 31 * 24 * 3600).unwrap_err();
    assert_eq!(err.requirement, requirement::VALIDITY);
    // A signature its own key does not verify (the last byte of the signature changed).
    let mut forged = der.clone();
    *forged.last_mut().unwrap() ^= 1;
    assert_eq!(certificate::check(&forged, now()).unwrap_err().requirement, requirement::SELF_SIGNED);
    // Not a certificate at all, or with bytes after it.
    assert_eq!(certificate::check(&der[..der.len() - 1], now()).unwrap_err().requirement, requirement::X509);
    let mut longer = der.clone();
    longer.push(0);
    assert_eq!(certificate::check(&longer, now()).unwrap_err().requirement, requirement::X509);
}

const WAIT: std::time::Duration = std::time::Duration::from_secs(5);

fn config() -> Config {
    Config { handshake_timeout: WAIT, idle_timeout: WAIT, keep_alive: None, ..Config::default() }
}

type Msg = osmos::openscreen::Message<'static>;

#[tokio::test]
async fn a_server_certificate_without_key_usage_is_refused_naming_the_requirement() {
    let Some(pem) = openssl_identity(&[]) else { return };
    let bad = AgentIdentity::from_pem_unchecked(&pem).unwrap();
    let mut server = Server::bind("127.0.0.1:0".parse().unwrap(), &bad, config()).unwrap();
    let addr = server.local_addr().unwrap();
    let me = AgentIdentity::generate("controller").unwrap();
    let client_config = config();
    let (accepted, client) = tokio::join!(
        server.accept::<Msg>(),
        osmos::quic::connect::<Msg>(addr, &me, Verify::Fingerprint(bad.fingerprint()), &client_config)
    );
    match client.unwrap_err() {
        Error::Tls { peer: Some(peer), detail } => {
            assert_eq!(peer, addr);
            assert_eq!(
                detail,
                "the server's certificate is not an Open Screen agent certificate: key usage digitalSignature \
                 (found no key usage extension)"
            );
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    assert!(matches!(accepted.unwrap().unwrap_err(), Error::Tls { .. }));
}

#[tokio::test]
async fn a_client_certificate_that_breaks_the_spec_is_refused_by_the_server() {
    let Some(pem) = openssl_identity(&["-addext", "keyUsage=critical,digitalSignature", "-sha384"]) else { return };
    let bad = AgentIdentity::from_pem_unchecked(&pem).unwrap();
    let receiver = living_room();
    let mut server = Server::bind("127.0.0.1:0".parse().unwrap(), &receiver, config()).unwrap();
    let addr = server.local_addr().unwrap();
    let client_config = config();
    let (accepted, client) = tokio::join!(
        server.accept::<Msg>(),
        osmos::quic::connect::<Msg>(addr, &bad, Verify::Fingerprint(receiver.fingerprint()), &client_config)
    );
    let server_side = accepted.unwrap().unwrap_err().to_string();
    assert!(
        server_side.contains("not an Open Screen agent certificate: signed with ecdsa-with-SHA256"),
        "{server_side}"
    );
    // TLS 1.3: the client learns of it once the server's alert arrives.
    let client_side = match client {
        Ok(mut conn) => conn.recv_timeout(WAIT).await.unwrap_err(),
        Err(e) => e,
    };
    assert!(matches!(client_side, Error::Tls { .. }), "{client_side:?}");
}

#[tokio::test]
async fn the_client_sends_the_agent_hostname_as_server_name() {
    let receiver = living_room();
    let mut server = Server::bind("127.0.0.1:0".parse().unwrap(), &receiver, config()).unwrap();
    let addr = server.local_addr().unwrap();
    let me = AgentIdentity::generate("controller").unwrap();
    let client_config = config();
    let (accepted, client) = tokio::join!(
        server.accept::<Msg>(),
        osmos::quic::connect_to_agent::<Msg>(
            addr,
            receiver.hostname(),
            &me,
            Verify::Fingerprint(receiver.fingerprint()),
            &client_config
        )
    );
    let (accepted, client) = (accepted.unwrap().unwrap(), client.unwrap());
    // DNS names are case-insensitive: rustls hands the server the name in lower case.
    assert_eq!(accepted.server_name().as_deref(), Some("jx4tpetasxihlqw0w9lh8aaaaac.living-room-tv.local"));
    assert_eq!(accepted.peer_fingerprint(), Some(me.fingerprint()));
    assert_eq!(client.peer_fingerprint(), Some(receiver.fingerprint()));
    // Without a hostname, no server name is sent.
    let (accepted, client) = tokio::join!(
        server.accept::<Msg>(),
        osmos::quic::connect::<Msg>(addr, &me, Verify::Fingerprint(receiver.fingerprint()), &client_config)
    );
    assert_eq!(accepted.unwrap().unwrap().server_name(), None);
    drop(client);
}
