#![cfg(feature = "discovery")]
//! Discovery: instance names and TXT records at the record level, and publishing and browsing
//! over real mDNS inside a private network namespace (`unshare -rn`, multicast on its
//! loopback), where nothing else on the machine or its network can interfere.

use std::process::Command;
use std::time::Duration;

use osmos::quic::certificate::SerialNumber;
use osmos::quic::discovery::{
    self, display_name_of, instance_name, without_conflict_suffix, Advertisement, Advertiser, Interfaces, TxtRecord,
};
use osmos::quic::{AgentIdentity, Fingerprint};

#[test]
fn instance_names_are_prefixes_of_the_display_name() {
    assert_eq!(instance_name("Living Room TV"), "Living Room TV");
    let exact = "x".repeat(63);
    assert_eq!(instance_name(&exact), exact, "63 bytes fit a DNS label");
    let long = format!("{}tail", "y".repeat(62));
    let cut = instance_name(&long);
    assert_eq!(cut, format!("{}\0", "y".repeat(62)));
    assert_eq!(cut.len(), 63);
    assert_eq!(display_name_of(&cut), ("y".repeat(62).as_str(), true));
    assert_eq!(display_name_of("Living Room TV"), ("Living Room TV", false));
    // Cut on a character boundary: 61 ASCII bytes then a 3-byte character that would end at 64.
    let wide = format!("{}€€", "z".repeat(61));
    assert_eq!(instance_name(&wide), format!("{}\0", "z".repeat(61)));
    assert!(long.starts_with(display_name_of(&cut).0));
    // Conflict resolution appends " (N)", after the NUL of a cut name too.
    assert_eq!(without_conflict_suffix("Kitchen (2)"), Some("Kitchen"));
    assert_eq!(without_conflict_suffix("Kitchen (12)"), Some("Kitchen"));
    for plain in ["Kitchen", "Kitchen ()", "Kitchen (x)", "Kitchen(2)", "Kitchen (2) TV"] {
        assert_eq!(without_conflict_suffix(plain), None, "{plain}");
    }
    assert_eq!(display_name_of(&format!("{cut} (2)")), ("y".repeat(62).as_str(), true));
    assert_eq!(display_name_of("Studio (2)"), ("Studio (2)", false));
}

fn txt() -> TxtRecord {
    TxtRecord {
        fingerprint: Fingerprint([7; 32]),
        metadata_version: 300,
        auth_token: "c2VjcmV0dG9rZW4x".into(),
        serial: Some(SerialNumber::from_parts([9; 16], 2)),
    }
}

#[test]
fn txt_records_carry_fp_mv_at_and_sn() {
    let record = txt();
    let pairs = record.to_pairs();
    let find = |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(find("fp"), b"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    assert_eq!(find("mv"), [0x41, 0x2c], "300 as a QUIC varint");
    assert_eq!(find("at"), b"c2VjcmV0dG9rZW4x");
    assert_eq!(find("sn"), b"CQkJCQkJCQkJCQkJCQkJCQAAAAI=");
    let back = TxtRecord::from_pairs(pairs.iter().map(|(k, v)| (*k, Some(v.as_slice())))).unwrap();
    assert_eq!(back, record);
    // Keys are case-insensitive; sn is optional.
    let upper: Vec<(String, Vec<u8>)> =
        pairs.iter().filter(|(k, _)| *k != "sn").map(|(k, v)| (k.to_uppercase(), v.clone())).collect();
    let back = TxtRecord::from_pairs(upper.iter().map(|(k, v)| (k.as_str(), Some(v.as_slice())))).unwrap();
    assert_eq!(back.serial, None);
    assert_eq!(back.metadata_version, 300);
}

#[test]
fn invalid_txt_records_name_the_key() {
    let good = txt().to_pairs();
    for (key, value, expected) in [
        ("fp", Some(b"AAAA".to_vec()), "\"fp\" is not a base64 SHA-256 fingerprint"),
        ("fp", Some(vec![b'0'; 64]), "\"fp\" is not a base64 SHA-256 fingerprint"),
        ("mv", Some(vec![0x41]), "\"mv\" is not one QUIC variable-length integer"),
        ("mv", Some(vec![0x01, 0x02]), "\"mv\" is not one QUIC variable-length integer"),
        ("at", Some(b"has space".to_vec()), "\"at\" is not a token"),
        ("at", Some(vec![]), "\"at\" is not a token"),
        ("at", None, "\"at\" has no value"),
        ("sn", Some(b"AAAA".to_vec()), "\"sn\" is not a base64 160-bit serial number"),
        ("fp", Some(vec![0xff]), "\"fp\" is not text"),
    ] {
        let pairs: Vec<(&str, Option<Vec<u8>>)> =
            good.iter().map(|(k, v)| if *k == key { (*k, value.clone()) } else { (*k, Some(v.clone())) }).collect();
        let err = TxtRecord::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_deref()))).unwrap_err();
        assert!(err.contains(expected), "{key}: {err}");
    }
    let missing = TxtRecord::from_pairs(good.iter().filter(|(k, _)| *k != "fp").map(|(k, v)| (*k, Some(v.as_slice()))));
    assert_eq!(missing.unwrap_err(), "TXT key \"fp\" is missing");
}

#[test]
fn auth_tokens_are_random_and_of_the_allowed_characters() {
    let a = discovery::new_auth_token().unwrap();
    let b = discovery::new_auth_token().unwrap();
    assert_ne!(a, b);
    assert_eq!(a.len(), 16);
    assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/'), "{a}");
}

// ===== Over mDNS in a private network namespace =====

const INNER: &str = "OSMOS_IN_NETNS";

/// Runs the test `name` of this binary again inside a new user and network namespace with a
/// multicast-capable loopback; `false` when the kernel refuses such namespaces (then the
/// record-level tests above are what runs, unless `OSMOS_REQUIRE_CORPUS` makes it a failure).
fn in_private_network(name: &str) -> bool {
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && \
         {INNER}=1 exec '{}' --exact {name} --nocapture --test-threads 1",
        exe.display()
    );
    let probe = Command::new("unshare").args(["-rn", "ip", "link", "set", "lo", "up"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(),
            "unshare -rn (a private network namespace) is unavailable under .ci/run"
        );
        eprintln!("skipped: no private network namespace (unshare -rn)");
        return false;
    }
    let out = Command::new("unshare").args(["-rn", "sh", "-c", &script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "inside the namespace:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

fn advertisement(identity: &AgentIdentity, display_name: &str, port: u16) -> Advertisement {
    Advertisement {
        display_name: display_name.into(),
        port,
        addresses: vec!["127.0.0.1".parse().unwrap()],
        txt: TxtRecord {
            fingerprint: identity.fingerprint(),
            metadata_version: 1,
            auth_token: "dG9rZW5mb3JhdXRo".into(),
            serial: Some(identity.serial()),
        },
    }
}

#[test]
fn publish_and_browse_in_a_private_network_namespace() {
    if std::env::var_os(INNER).is_none() {
        in_private_network("publish_and_browse_in_a_private_network_namespace");
        return;
    }
    let long_name = format!("{} in the attic", "Projector".repeat(7));
    let tv = AgentIdentity::generate(&instance_name("Living Room TV")).unwrap();
    let projector = AgentIdentity::generate(&instance_name(&long_name)).unwrap();
    let _a = Advertiser::publish(advertisement(&tv, "Living Room TV", 4433), Interfaces::WithLoopback).unwrap();
    let _b = Advertiser::publish(advertisement(&projector, &long_name, 4434), Interfaces::WithLoopback).unwrap();
    let found = discovery::browse(Duration::from_secs(10), Some(2), Interfaces::WithLoopback).unwrap();
    assert!(found.invalid.is_empty(), "{:?}", found.invalid);
    assert_eq!(found.agents.len(), 2, "{found:?}");
    let tv_found = &found.agents["Living Room TV._openscreen._udp.local."];
    assert_eq!(tv_found.display_name, "Living Room TV");
    assert!(!tv_found.truncated);
    assert_eq!(tv_found.addresses, ["127.0.0.1:4433".parse().unwrap()]);
    assert_eq!(tv_found.txt.fingerprint, tv.fingerprint());
    assert_eq!(tv_found.txt.metadata_version, 1);
    assert_eq!(tv_found.txt.auth_token, "dG9rZW5mb3JhdXRo");
    // The hostname a controller computes is the one in the certificate.
    assert_eq!(tv_found.hostname.as_deref(), Some(tv.hostname()));
    let projector_found = found.agents.values().find(|a| a.truncated).unwrap();
    assert!(long_name.starts_with(&projector_found.display_name));
    assert_eq!(projector_found.instance_name.len(), 63);
    assert_eq!(projector_found.hostname.as_deref(), Some(projector.hostname()));
    println!("found both agents");
}

#[test]
fn a_conflicting_instance_name_is_renamed_and_metadata_updates_are_seen() {
    if std::env::var_os(INNER).is_none() {
        in_private_network("a_conflicting_instance_name_is_renamed_and_metadata_updates_are_seen");
        return;
    }
    let first = AgentIdentity::generate("Kitchen").unwrap();
    let second = AgentIdentity::generate("Kitchen").unwrap();
    let mut a = Advertiser::publish(advertisement(&first, "Kitchen", 5000), Interfaces::WithLoopback).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let _b = Advertiser::publish(advertisement(&second, "Kitchen", 5001), Interfaces::WithLoopback).unwrap();
    a.set_metadata_version(7).unwrap();
    assert!(a.set_metadata_version(7).is_err(), "mv must increase");
    let found = discovery::browse(Duration::from_secs(10), Some(2), Interfaces::WithLoopback).unwrap();
    let names: Vec<&String> = found.agents.keys().collect();
    assert_eq!(found.agents.len(), 2, "{names:?}");
    let fingerprints: Vec<Fingerprint> = found.agents.values().map(|a| a.txt.fingerprint).collect();
    assert!(fingerprints.contains(&first.fingerprint()) && fingerprints.contains(&second.fingerprint()));
    let kitchen = found.agents.values().find(|a| a.txt.fingerprint == first.fingerprint()).unwrap();
    assert_eq!(kitchen.txt.metadata_version, 7);
    // Each keeps a distinct name: one "Kitchen", the other renamed as RFC 6762 §9 says (which
    // one yields depends on the probe tie-break, so either may).
    let mut instances: Vec<&str> = found.agents.values().map(|a| a.instance_name.as_str()).collect();
    instances.sort();
    assert_eq!(instances, ["Kitchen", "Kitchen (2)"]);
    let renamed = found.agents.values().find(|a| a.instance_name != "Kitchen").unwrap();
    println!("renamed to {:?}", renamed.instance_name);
}

// ===== Two agents in one process =====

mod agents {
    use std::future::Future;
    use std::pin::Pin;
    use std::time::Duration;

    use osmos::openscreen::{
        AgentCapability, AgentInfo, Message, PresentationUrlAvailabilityRequest, PresentationUrlAvailabilityResponse,
        UrlAvailability,
    };
    use osmos::quic::auth::Psk;
    use osmos::quic::certificate::agent_hostname;
    use osmos::quic::discovery::Interfaces;
    use osmos::quic::{Agent, AgentIdentity, AgentOptions, CertificateParams, PskUser};
    use tokio::sync::mpsc;

    /// The receiver's screen sends the PSK to the controller's keypad.
    struct Screen(mpsc::UnboundedSender<Psk>);
    struct Keypad(Option<mpsc::UnboundedReceiver<Psk>>);

    impl PskUser for Screen {
        fn show_psk(&mut self, psk: Psk) {
            let _ = self.0.send(psk);
        }
        fn enter_psk(&mut self) -> Pin<Box<dyn Future<Output = Option<Psk>> + Send>> {
            Box::pin(async { None })
        }
    }

    impl PskUser for Keypad {
        fn show_psk(&mut self, _: Psk) {}
        fn enter_psk(&mut self) -> Pin<Box<dyn Future<Output = Option<Psk>> + Send>> {
            let mut rx = self.0.take();
            Box::pin(async move { rx.as_mut()?.recv().await })
        }
    }

    fn info(name: &str, capability: AgentCapability) -> AgentInfo<'static> {
        AgentInfo {
            display_name: name.to_owned().into(),
            model_name: "osmos test".into(),
            capabilities: vec![capability],
            state_token: "abcd1234".into(),
            locales: vec!["en".into()],
        }
    }

    /// A receiver on loopback that shows the PSK (the lower ease of input).
    fn receiver_options(name: &str) -> AgentOptions {
        let params = CertificateParams::new("osmos test", name).unwrap();
        let identity = AgentIdentity::generate_with(&params).unwrap();
        let mut options = AgentOptions::new(info(name, AgentCapability::ReceivePresentation), identity);
        options.psk_ease_of_input = 10;
        options.interfaces = Interfaces::WithLoopback;
        options
    }

    /// A controller on loopback where the user types the PSK.
    fn controller_options() -> AgentOptions {
        let identity = AgentIdentity::generate("Phone").unwrap();
        let mut options = AgentOptions::new(info("Phone", AgentCapability::ControlPresentation), identity);
        options.psk_ease_of_input = 80;
        options.interfaces = Interfaces::WithLoopback;
        options
    }

    #[test]
    fn two_agents_discover_authenticate_and_talk_in_one_process() {
        if std::env::var_os(super::INNER).is_none() {
            super::in_private_network("agents::two_agents_discover_authenticate_and_talk_in_one_process");
            return;
        }
        tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
            let mut receiver = Agent::new(receiver_options("Living Room TV")).unwrap();
            let addr = receiver.advertise("127.0.0.1:0".parse().unwrap()).unwrap();
            assert_eq!(receiver.identity().model_name(), "osmos test");

            let controller = Agent::new(controller_options()).unwrap();
            let found = controller.discover(Duration::from_secs(10), |f| !f.agents.is_empty()).await.unwrap();
            let tv = found.agents.values().next().unwrap().clone();
            assert_eq!(tv.addresses, [addr]);
            assert_eq!(tv.txt.fingerprint, receiver.identity().fingerprint());

            let (tx, rx) = mpsc::unbounded_channel();
            let serve = async {
                let mut conn = receiver.accept(&mut Screen(tx)).await.unwrap().unwrap();
                // agent-info-request is answered inside recv; the next message is ours.
                match conn.recv().await.unwrap().unwrap() {
                    Message::PresentationUrlAvailabilityRequest(r) => {
                        let answer = PresentationUrlAvailabilityResponse {
                            request_id: r.request_id,
                            url_availabilities: vec![UrlAvailability::Available],
                        };
                        conn.send(&Message::from(answer)).await.unwrap();
                    }
                    other => panic!("{other:?}"),
                }
                conn
            };
            let control = async {
                let mut conn = controller.connect(&tv, &mut Keypad(Some(rx))).await.unwrap();
                let peer_info = conn.request_agent_info(Duration::from_secs(5)).await.unwrap();
                assert_eq!(peer_info.display_name, "Living Room TV");
                assert_eq!(conn.verified_display_name(), Some("Living Room TV"));
                let request_id = conn.next_request_id();
                conn.send(&Message::from(PresentationUrlAvailabilityRequest {
                    request_id,
                    urls: vec!["https://example.com/".into()],
                    watch_duration: 1_000_000,
                    watch_id: 1,
                }))
                .await
                .unwrap();
                match conn.recv().await.unwrap().unwrap() {
                    Message::PresentationUrlAvailabilityResponse(r) => {
                        assert_eq!((r.request_id, r.url_availabilities), (request_id, vec![UrlAvailability::Available]))
                    }
                    other => panic!("{other:?}"),
                }
                conn
            };
            let (_served, mut controlled) =
                tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(serve, control) })
                    .await
                    .expect("within 30 s");
            // A new agent-info reaches the connected controller as agent-info-event.
            let told = receiver.set_info(info("Den TV", AgentCapability::ReceivePresentation)).await.unwrap();
            assert_eq!(told, 1);
            match tokio::time::timeout(Duration::from_secs(5), controlled.recv()).await.unwrap().unwrap().unwrap() {
                Message::AgentInfoEvent(e) => assert_eq!(e.agent_info.display_name, "Den TV"),
                other => panic!("{other:?}"),
            }
            assert_eq!(controlled.peer_info().map(|i| &*i.display_name), Some("Den TV"));
        });
        println!("two agents talked");
    }

    /// Network spec, "Computing the Agent Hostname": each time the instance name changes the
    /// agent computes a new hostname, the certificate's subject CN. Two receivers advertise
    /// "Kitchen"; the one conflict resolution renames takes a new certificate (serial counter 2,
    /// subject CN from "Kitchen (2)") and advertises its new `fp`; a controller then connects to
    /// it by that fingerprint and verifies its display name.
    #[test]
    fn a_renamed_agent_renews_its_certificate_and_hostname() {
        if std::env::var_os(super::INNER).is_none() {
            super::in_private_network("agents::a_renamed_agent_renews_its_certificate_and_hostname");
            return;
        }
        tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
            let receiver = || Agent::new(receiver_options("Kitchen")).unwrap();
            let mut first = receiver();
            first.advertise("127.0.0.1:0".parse().unwrap()).unwrap();
            tokio::time::sleep(Duration::from_secs(2)).await;
            let mut second = receiver();
            let before = (second.identity().fingerprint(), second.identity().serial());
            let addr = second.advertise("127.0.0.1:0".parse().unwrap()).unwrap();
            let mut renamed = None;
            for _ in 0..40 {
                assert_eq!(first.follow_rename().unwrap(), None, "the first to publish keeps its name");
                if let Some(name) = second.follow_rename().unwrap() {
                    renamed = Some(name);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            assert_eq!(renamed.as_deref(), Some("Kitchen (2)"));
            assert_eq!(second.instance_name(), Some("Kitchen (2)"));
            assert_eq!(first.instance_name(), Some("Kitchen"));
            let identity = second.identity();
            assert_ne!(identity.fingerprint(), before.0, "a new key");
            assert_eq!(identity.serial().base(), before.1.base());
            assert_eq!(identity.serial().counter(), before.1.counter() + 1);
            let expected = agent_hostname(&identity.serial(), "Kitchen (2)", "local");
            assert_eq!(identity.hostname(), expected);
            assert!(expected.ends_with(".Kitchen--2-.local"), "{expected}");
            assert_eq!(identity.model_name(), "osmos test");

            let controller = Agent::new(controller_options()).unwrap();
            let want = identity.fingerprint();
            let found = controller
                .discover(Duration::from_secs(10), move |f| f.agents.values().any(|a| a.txt.fingerprint == want))
                .await
                .unwrap();
            let kitchen2 = found.agents.values().find(|a| a.txt.fingerprint == want).unwrap().clone();
            assert_eq!(kitchen2.instance_name, "Kitchen (2)");
            assert_eq!(kitchen2.addresses, [addr]);
            assert_eq!(kitchen2.txt.serial, Some(identity.serial()));
            assert_eq!(kitchen2.hostname.as_deref(), Some(expected.as_str()));
            assert!(
                !found.agents.values().any(|a| a.txt.fingerprint == before.0),
                "the old fingerprint is withdrawn: {found:?}"
            );

            let (tx, rx) = mpsc::unbounded_channel();
            let serve = async {
                let mut conn = second.accept(&mut Screen(tx)).await.unwrap().unwrap();
                // recv answers agent-info-request, until the controller closes.
                while let Ok(Some(_)) = conn.recv().await {}
            };
            let control = async {
                let mut conn = controller.connect(&kitchen2, &mut Keypad(Some(rx))).await.unwrap();
                assert_eq!(conn.connection().peer_fingerprint(), Some(want));
                conn.request_agent_info(Duration::from_secs(5)).await.unwrap();
                assert_eq!(conn.verified_display_name(), Some("Kitchen"));
                conn.close().await;
            };
            let ((), ()) = tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(serve, control) })
                .await
                .expect("within 30 s");
        });
        println!("renamed agent renewed");
    }

    /// A keypad where the user types a PSK off by one.
    struct Typo(Option<mpsc::UnboundedReceiver<Psk>>);

    impl PskUser for Typo {
        fn show_psk(&mut self, _: Psk) {}
        fn enter_psk(&mut self) -> Pin<Box<dyn Future<Output = Option<Psk>> + Send>> {
            let mut rx = self.0.take();
            Box::pin(async move {
                let psk = rx.as_mut()?.recv().await?;
                Psk::from_value(psk.value() ^ 1).ok()
            })
        }
    }

    /// Network spec, "Passive network attackers" mitigations: an increasing backoff to respond
    /// to authentication challenges. After a wrong PSK the receiver waits `auth_backoff` before
    /// it answers the next attempt, which then succeeds.
    #[test]
    fn a_failed_authentication_slows_the_next_one() {
        if std::env::var_os(super::INNER).is_none() {
            super::in_private_network("agents::a_failed_authentication_slows_the_next_one");
            return;
        }
        tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
            let mut options = receiver_options("Hall");
            options.auth_backoff = Duration::from_secs(3);
            let mut receiver = Agent::new(options).unwrap();
            // Listening on every address (IPv6 and IPv4) advertises the interfaces' addresses.
            let port = receiver.advertise("[::]:0".parse().unwrap()).unwrap().port();
            let controller = Agent::new(controller_options()).unwrap();
            let found = controller.discover(Duration::from_secs(10), |f| !f.agents.is_empty()).await.unwrap();
            let hall = found.agents.values().next().unwrap().clone();
            assert!(hall.addresses.contains(&std::net::SocketAddr::from(([127, 0, 0, 1], port))), "{hall:?}");

            let (tx, rx) = mpsc::unbounded_channel();
            let serve = async { receiver.accept(&mut Screen(tx)).await.unwrap() };
            let control = async { controller.connect(&hall, &mut Typo(Some(rx))).await };
            let (served, controlled) = tokio::join!(serve, control);
            assert!(matches!(served, Err(osmos::quic::Error::Authentication(_))), "{served:?}");
            // The receiver's close (401) may overtake its auth-status on the controller's side.
            assert!(
                matches!(
                    controlled,
                    Err(osmos::quic::Error::Authentication(_) | osmos::quic::Error::ClosedByPeer { code: 401, .. })
                ),
                "{controlled:?}"
            );

            let started = std::time::Instant::now();
            let (tx, rx) = mpsc::unbounded_channel();
            let serve = async { receiver.accept(&mut Screen(tx)).await.unwrap() };
            let control = async { controller.connect(&hall, &mut Keypad(Some(rx))).await };
            let (served, controlled) =
                tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(serve, control) }).await.unwrap();
            served.unwrap();
            controlled.unwrap();
            let took = started.elapsed();
            // The first failure may end on one side up to the auth-status grace (1 s) before the other.
            assert!(took >= Duration::from_millis(1500), "answered after {took:?}, before the backoff ended");
        });
        println!("backoff held");
    }
}
