//! `osmos osp discover` against an agent advertised over real mDNS, inside a private network
//! namespace (`unshare -rn`) so nothing else on the network answers.

use std::process::Command;
use std::time::Duration;

use osmos::quic::discovery::{Advertisement, Advertiser, Interfaces, TxtRecord};
use osmos::quic::AgentIdentity;

const INNER: &str = "OSMOS_IN_NETNS";

#[test]
fn discover_lists_agents_with_their_fingerprints() {
    if std::env::var_os(INNER).is_none() {
        let probe = Command::new("unshare").args(["-rn", "ip", "link", "set", "lo", "up"]).output();
        if !probe.is_ok_and(|o| o.status.success()) {
            assert!(std::env::var_os("OSMOS_REQUIRE_CORPUS").is_none(), "unshare -rn is unavailable under .ci/run");
            eprintln!("skipped: no private network namespace (unshare -rn)");
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let script = format!(
            "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && \
             {INNER}=1 exec '{}' --exact discover_lists_agents_with_their_fingerprints --nocapture",
            exe.display()
        );
        let out = Command::new("unshare").args(["-rn", "sh", "-c", &script]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let identity = AgentIdentity::generate("Living Room TV").unwrap();
    let _advertiser = Advertiser::publish(
        Advertisement {
            display_name: "Living Room TV".into(),
            port: 4433,
            addresses: vec!["127.0.0.1".parse().unwrap()],
            txt: TxtRecord {
                fingerprint: identity.fingerprint(),
                metadata_version: 3,
                auth_token: "dG9rZW5mb3JhdXRo".into(),
                serial: Some(identity.serial()),
            },
        },
        Interfaces::WithLoopback,
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let out = Command::new(env!("CARGO_BIN_EXE_osmos"))
        .args(["osp", "discover", "--loopback", "--timeout", "10", "--count", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let expected = format!(
        "Living Room TV\n  address      127.0.0.1:4433\n  fingerprint  {} (fp)\n               {}\n  metadata     mv=3\n  \
         auth token   dG9rZW5mb3JhdXRo\n  hostname     {}\n",
        identity.fingerprint().to_base64(),
        identity.fingerprint(),
        identity.hostname()
    );
    assert_eq!(stdout, expected);
}
