//! `osmos osp`: Open Screen agents on the network.

use std::time::Duration;

use osmos::quic::discovery::{self, Interfaces};

/// `osmos osp discover`: browses `_openscreen._udp` and prints one block per agent.
pub fn discover(wait: Duration, count: Option<usize>, loopback: bool) -> Result<(), String> {
    let interfaces = if loopback { Interfaces::WithLoopback } else { Interfaces::Network };
    let found = discovery::browse(wait, count, interfaces).map_err(|e| e.to_string())?;
    for agent in found.agents.values() {
        let name = if agent.truncated {
            format!("{}… (truncated instance name)", agent.display_name)
        } else {
            agent.display_name.clone()
        };
        println!("{name}");
        let addresses: Vec<String> = agent.addresses.iter().map(ToString::to_string).collect();
        println!("  address      {}", addresses.join(" "));
        println!("  fingerprint  {} (fp)", agent.txt.fingerprint.to_base64());
        println!("               {}", agent.txt.fingerprint);
        println!("  metadata     mv={}", agent.txt.metadata_version);
        println!("  auth token   {}", agent.txt.auth_token);
        if let Some(hostname) = &agent.hostname {
            println!("  hostname     {hostname}");
        }
    }
    for (service, why) in &found.invalid {
        eprintln!("warning: {service:?} is not a valid Open Screen agent: {why}");
    }
    if found.agents.is_empty() {
        eprintln!("no Open Screen agent answered within {wait:?}");
    }
    Ok(())
}
