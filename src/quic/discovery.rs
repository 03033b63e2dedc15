//! Discovery (feature `discovery`; network spec, "Discovery with mDNS"): advertising agents
//! publish `_openscreen._udp` with TXT keys `fp`, `mv`, `at` (and `sn`), listening agents
//! browse for them. On [mdns-sd](https://docs.rs/mdns-sd), which probes names and resolves
//! conflicts as RFC 6762 §9 asks (renaming `Name` to `Name (2)`).
//!
//! - The instance name is the display name when it fits a DNS label (63 bytes), else its
//!   longest prefix of at most 62 bytes that ends on a character boundary, then NUL
//!   ([`instance_name`]); a browser reports such a name as truncated.
//! - `fp` is the agent fingerprint in base64; `mv` the metadata version as a QUIC varint
//!   (binary); `at` the authentication token, `[A-Za-z0-9+/]`, 96 random bits here.
//! - `sn` is the certificate serial number in base64. The current network spec no longer lists
//!   it (it was added in 2024-05 and removed with the agent hostname rework), yet a listening
//!   agent needs the serial to compute the agent hostname for SNI: published, and read when
//!   present.
//! - The SRV target (mDNS host name) is the DNS-safe agent hostname ([`sni_name`]).

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use mdns_sd::{DaemonEvent, IfKind, ServiceDaemon, ServiceEvent, ServiceInfo, TxtProperty};

use super::certificate::{agent_hostname, sni_name, SerialNumber};
use super::{Error, Fingerprint};

/// The DNS-SD service type and domain.
pub const SERVICE_TYPE: &str = "_openscreen._udp.local.";

/// The longest DNS label: an instance name is at most this many bytes.
pub const MAX_INSTANCE_NAME: usize = 63;

/// The spec's instance name for a display name: the whole name when it fits a DNS label, else
/// the longest prefix (on a character boundary) that leaves room for the terminating NUL.
pub fn instance_name(display_name: &str) -> String {
    if display_name.len() <= MAX_INSTANCE_NAME {
        return display_name.to_owned();
    }
    let mut end = MAX_INSTANCE_NAME - 1;
    while !display_name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\0", &display_name[..end])
}

/// The display name an instance name carries, and whether it was cut (ends with NUL, or
/// with NUL then the ` (N)` that conflict resolution appends).
pub fn display_name_of(instance: &str) -> (&str, bool) {
    match instance.strip_suffix('\0') {
        Some(prefix) => (prefix, true),
        None => match without_conflict_suffix(instance).and_then(|base| base.strip_suffix('\0')) {
            Some(prefix) => (prefix, true),
            None => (instance, false),
        },
    }
}

/// `Kitchen` for `Kitchen (2)`: the name before the ` (N)` that mDNS conflict resolution
/// (RFC 6762 §9) appends; `None` when there is no such suffix.
pub fn without_conflict_suffix(instance: &str) -> Option<&str> {
    let (base, number) = instance.strip_suffix(')')?.rsplit_once(" (")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some(base)
}

/// A new `at` token: 96 random bits in base64 without padding (16 characters of
/// `[A-Za-z0-9+/]`; the spec asks at least 32 bits).
pub fn new_auth_token() -> Result<String, Error> {
    let mut bytes = [0u8; 12];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| Error::Certificate("no randomness for the auth token".into()))?;
    use base64::Engine;
    Ok(base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes))
}

/// The TXT record of an advertising agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxtRecord {
    /// `fp`: the agent fingerprint.
    pub fingerprint: Fingerprint,
    /// `mv`: the metadata version; raised when agent-info changes.
    pub metadata_version: u64,
    /// `at`: the authentication initiation token.
    pub auth_token: String,
    /// `sn`: the certificate serial number, when advertised.
    pub serial: Option<SerialNumber>,
}

impl TxtRecord {
    /// The TXT key/value pairs (values as bytes: `mv` is binary).
    pub fn to_pairs(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut mv = Vec::new();
        crate::varint::encode(self.metadata_version.min(crate::varint::MAX), &mut mv);
        let mut pairs = vec![
            ("fp", self.fingerprint.to_base64().into_bytes()),
            ("mv", mv),
            ("at", self.auth_token.clone().into_bytes()),
        ];
        if let Some(serial) = &self.serial {
            pairs.push(("sn", serial.to_base64().into_bytes()));
        }
        pairs
    }

    /// Reads a TXT record from its key/value pairs (keys compared without case, as DNS-SD
    /// says); the error names the key and what is wrong with it.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<&'a [u8]>)>) -> Result<TxtRecord, String> {
        let mut map: BTreeMap<String, Option<&[u8]>> = BTreeMap::new();
        for (key, value) in pairs {
            // RFC 6763 §6.4: the first occurrence of a key wins.
            map.entry(key.to_ascii_lowercase()).or_insert(value);
        }
        let get = |key: &str| -> Result<&[u8], String> {
            match map.get(key) {
                Some(Some(value)) => Ok(value),
                Some(None) => Err(format!("TXT key {key:?} has no value")),
                None => Err(format!("TXT key {key:?} is missing")),
            }
        };
        let text = |key: &str| -> Result<&str, String> {
            std::str::from_utf8(get(key)?).map_err(|_| format!("TXT key {key:?} is not text"))
        };
        let fp = text("fp")?;
        let fingerprint = match fp.parse::<Fingerprint>() {
            Ok(fingerprint) if fp.len() == 44 => fingerprint,
            _ => return Err(format!("TXT key \"fp\" is not a base64 SHA-256 fingerprint: {fp:?}")),
        };
        let mv = get("mv")?;
        let metadata_version = match crate::varint::decode(mv) {
            Some((value, used)) if used == mv.len() => value,
            _ => return Err(format!("TXT key \"mv\" is not one QUIC variable-length integer: {mv:02x?}")),
        };
        let auth_token = text("at")?;
        if auth_token.is_empty() || !auth_token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/') {
            return Err(format!("TXT key \"at\" is not a token of [A-Za-z0-9+/]: {auth_token:?}"));
        }
        let serial = match map.get("sn") {
            None => None,
            Some(_) => {
                let sn = text("sn")?;
                use base64::Engine;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(sn)
                    .ok()
                    .filter(|b| b.len() == 20)
                    .ok_or_else(|| format!("TXT key \"sn\" is not a base64 160-bit serial number: {sn:?}"))?;
                SerialNumber::from_be_bytes(&bytes)
            }
        };
        Ok(TxtRecord { fingerprint, metadata_version, auth_token: auth_token.to_owned(), serial })
    }
}

/// What an advertising agent publishes.
#[derive(Debug, Clone)]
pub struct Advertisement {
    /// The display name (the instance name is made from it).
    pub display_name: String,
    /// The UDP port the agent's QUIC server listens on.
    pub port: u16,
    /// The addresses to advertise (the agent's addresses on the network); empty: every
    /// address of the interfaces in use, kept up to date as they change.
    pub addresses: Vec<IpAddr>,
    /// The TXT record.
    pub txt: TxtRecord,
}

impl Advertisement {
    /// The mDNS host name (SRV target): the DNS-safe agent hostname, or the instance name when
    /// no serial number is advertised.
    pub fn host_name(&self) -> String {
        self.host_name_for(&instance_name(&self.display_name))
    }

    fn host_name_for(&self, instance: &str) -> String {
        let hostname = match &self.txt.serial {
            Some(serial) => agent_hostname(serial, instance, "local"),
            None => format!("{instance}.local"),
        };
        format!("{}.", sni_name(&hostname))
    }
}

/// Which interfaces mDNS uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interfaces {
    /// Every interface but loopback (mdns-sd's default).
    Network,
    /// Every interface, loopback included (for agents on one machine, and tests).
    WithLoopback,
}

fn daemon(interfaces: Interfaces) -> Result<ServiceDaemon, Error> {
    let daemon = ServiceDaemon::new().map_err(mdns_error("start mDNS"))?;
    if interfaces == Interfaces::WithLoopback {
        daemon.enable_interface(IfKind::LoopbackV4).map_err(mdns_error("enable loopback"))?;
    }
    Ok(daemon)
}

fn mdns_error(what: &'static str) -> impl Fn(mdns_sd::Error) -> Error {
    move |e| Error::Io { context: format!("mDNS: cannot {what}"), source: std::io::Error::other(e.to_string()) }
}

/// A published advertisement; dropping it withdraws it (a goodbye packet).
pub struct Advertiser {
    daemon: ServiceDaemon,
    fullname: String,
    /// The instance name in use: made from the display name, or as conflict resolution left it.
    instance: String,
    advertisement: Advertisement,
    interfaces: Interfaces,
    /// The daemon's events, read for the names it changed.
    events: mdns_sd::Receiver<DaemonEvent>,
}

impl std::fmt::Debug for Advertiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Advertiser").field("fullname", &self.fullname).finish_non_exhaustive()
    }
}

impl Advertiser {
    /// Publishes `advertisement` (probing its names first, renaming on conflict).
    pub fn publish(advertisement: Advertisement, interfaces: Interfaces) -> Result<Advertiser, Error> {
        let daemon = daemon(interfaces)?;
        let events = daemon.monitor().map_err(mdns_error("watch the daemon"))?;
        let instance = instance_name(&advertisement.display_name);
        let (fullname, info) = service_info(&advertisement, &instance)?;
        daemon.register(info).map_err(mdns_error("register the service"))?;
        Ok(Advertiser { daemon, fullname, instance, advertisement, interfaces, events })
    }

    /// The full service instance name (`<instance>._openscreen._udp.local.`) as published.
    pub fn fullname(&self) -> &str {
        &self.fullname
    }

    /// The instance name as published (conflict resolution may rename it since: see
    /// [`Advertiser::renamed`]).
    pub fn instance_name(&self) -> &str {
        &self.instance
    }

    /// The instance name mDNS conflict resolution (RFC 6762 §9) gave this agent since it was
    /// published or last [renewed](Advertiser::renew), if it renamed it: `Kitchen (2)` for
    /// `Kitchen`. A conflict on the host name alone gives the same instance name back, since
    /// the agent hostname depends on the serial number too. Either way the agent must compute
    /// a new agent hostname, so a new certificate, and [renew](Advertiser::renew) the
    /// advertisement (which [`Agent`](super::Agent) does by itself). Does not block.
    pub fn renamed(&mut self) -> Option<String> {
        let mut renamed = None;
        while let Ok(event) = self.events.try_recv() {
            let DaemonEvent::NameChange(change) = event else { continue };
            if change.original == self.fullname {
                if let Some(new) = instance_of(&change.new_name).filter(|new| *new != self.instance) {
                    renamed = Some(new.to_owned());
                }
            } else if change.original == self.advertisement.host_name_for(&self.instance) && renamed.is_none() {
                renamed = Some(self.instance.clone());
            }
        }
        renamed
    }

    /// Withdraws the advertisement and publishes it again under `instance` (as conflict
    /// resolution named it) with `txt` (the renewed certificate's `fp` and `sn`): the SRV
    /// target becomes the new agent hostname.
    pub fn renew(&mut self, instance: &str, txt: TxtRecord) -> Result<(), Error> {
        // The daemon knows the renamed records under the name they were published with.
        self.daemon.unregister(&self.fullname).map_err(mdns_error("withdraw the service"))?;
        self.advertisement.txt = txt;
        let (fullname, info) = service_info(&self.advertisement, instance)?;
        self.daemon.register(info).map_err(mdns_error("register the service"))?;
        self.fullname = fullname;
        self.instance = instance.to_owned();
        Ok(())
    }

    /// Raises the metadata version (`mv`) and announces it, so listening agents reconnect for
    /// the new agent-info. The spec requires a greater value: a smaller one is refused.
    pub fn set_metadata_version(&mut self, version: u64) -> Result<(), Error> {
        if version <= self.advertisement.txt.metadata_version {
            return Err(Error::Io {
                context: "mDNS: the metadata version must increase".into(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{version} is not above {}", self.advertisement.txt.metadata_version),
                ),
            });
        }
        self.advertisement.txt.metadata_version = version;
        let (_, info) = service_info(&self.advertisement, &self.instance)?;
        self.daemon.register(info).map_err(mdns_error("update the service"))
    }

    /// The interfaces in use.
    pub fn interfaces(&self) -> Interfaces {
        self.interfaces
    }
}

impl Drop for Advertiser {
    fn drop(&mut self) {
        let _ = self.daemon.unregister(&self.fullname);
        let _ = self.daemon.shutdown();
    }
}

fn service_info(ad: &Advertisement, instance: &str) -> Result<(String, ServiceInfo), Error> {
    if ad.display_name.is_empty() {
        return Err(Error::Io {
            context: "mDNS: an advertising agent needs a display name".into(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty display name"),
        });
    }
    let properties: Vec<TxtProperty> = ad.txt.to_pairs().into_iter().map(TxtProperty::from).collect();
    let addresses: Vec<IpAddr> = ad.addresses.clone();
    let info =
        ServiceInfo::new(SERVICE_TYPE, instance, &ad.host_name_for(instance), &addresses[..], ad.port, properties)
            .map_err(mdns_error("describe the service"))?;
    let info = if ad.addresses.is_empty() { info.enable_addr_auto() } else { info };
    Ok((info.get_fullname().to_owned(), info))
}

/// An advertising agent as a listening agent found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredAgent {
    /// The instance name (unverified; see the spec's "Instance and Display Names").
    pub instance_name: String,
    /// The display name it carries: complete, or a prefix when `truncated`.
    pub display_name: String,
    /// Whether the instance name was cut from a longer display name (ends with NUL).
    pub truncated: bool,
    /// Where its QUIC server listens.
    pub addresses: Vec<SocketAddr>,
    /// Its TXT record.
    pub txt: TxtRecord,
    /// The agent hostname, when the TXT record has `sn` (for [`connect_to_agent`](super::connect_to_agent)).
    pub hostname: Option<String>,
}

/// The most services one browse keeps (valid and invalid together): spurious records
/// multicast by a party on the network (the spec's "Denial of Service") cannot grow it further.
pub const MAX_SERVICES: usize = 1024;

/// What browsing found: agents with a valid record, and services whose record is not.
#[derive(Debug, Default)]
pub struct Found {
    /// The agents, by full service name.
    pub agents: BTreeMap<String, DiscoveredAgent>,
    /// Services that were refused, with why.
    pub invalid: BTreeMap<String, String>,
}

/// Browses `_openscreen._udp` for `wait`, or until `enough` agents were found.
pub fn browse(wait: Duration, enough: Option<usize>, interfaces: Interfaces) -> Result<Found, Error> {
    browse_until(wait, interfaces, |found| enough.is_some_and(|n| found.agents.len() >= n))
}

/// Browses `_openscreen._udp` for `wait`, or until `done` says what was found is enough.
pub fn browse_until(
    wait: Duration,
    interfaces: Interfaces,
    mut done: impl FnMut(&Found) -> bool,
) -> Result<Found, Error> {
    let daemon = daemon(interfaces)?;
    let events = daemon.browse(SERVICE_TYPE).map_err(mdns_error("browse"))?;
    let deadline = Instant::now() + wait;
    let mut found = Found::default();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if done(&found) {
            break;
        }
        match events.recv_timeout(left) {
            Ok(ServiceEvent::ServiceResolved(info)) => {
                let name = info.get_fullname().to_owned();
                let known = found.agents.contains_key(&name) || found.invalid.contains_key(&name);
                if !known && found.agents.len() + found.invalid.len() >= MAX_SERVICES {
                    continue;
                }
                match agent_of(&info) {
                    Ok(agent) => {
                        found.invalid.remove(&name);
                        found.agents.insert(name, agent);
                    }
                    Err(why) => {
                        found.invalid.insert(name, why);
                    }
                }
            }
            Ok(ServiceEvent::ServiceRemoved(_, name)) => {
                found.agents.remove(&name);
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let _ = daemon.stop_browse(SERVICE_TYPE);
    let _ = daemon.shutdown();
    Ok(found)
}

/// The instance name of a full service name (`Kitchen` of `Kitchen._openscreen._udp.local.`).
fn instance_of(fullname: &str) -> Option<&str> {
    fullname.strip_suffix(SERVICE_TYPE)?.strip_suffix('.')
}

/// Reads a resolved service as an Open Screen agent.
pub fn agent_of(info: &ServiceInfo) -> Result<DiscoveredAgent, String> {
    let txt = TxtRecord::from_pairs(info.get_properties().iter().map(|p| (p.key(), p.val())))?;
    let fullname = info.get_fullname();
    let instance = instance_of(fullname).ok_or_else(|| format!("{fullname:?} is not an instance of {SERVICE_TYPE}"))?;
    let (display_name, truncated) = display_name_of(instance);
    let mut addresses: Vec<SocketAddr> =
        info.get_addresses().iter().map(|ip| SocketAddr::new(*ip, info.get_port())).collect();
    addresses.sort();
    let hostname = txt.serial.map(|serial| agent_hostname(&serial, instance, "local"));
    Ok(DiscoveredAgent {
        instance_name: instance.to_owned(),
        display_name: display_name.to_owned(),
        truncated,
        addresses,
        txt,
        hostname,
    })
}
