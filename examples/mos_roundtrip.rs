//! Request/acknowledgement round trips over loopback, both ends in one process: what a
//! `request` costs on each transport and through a `Session` (MOS 2.x over TCP, MOS 4.0 over
//! WebSockets); then, when node and the
//! interop package are installed (`npm ci` in `tests/interop/mos-connection`), the same
//! exchange between two mos-connection processes, for comparison.
//!
//! ```sh
//! cargo run --release --example mos_roundtrip --features mos-tcp,mos-ws
//! ```

use std::sync::Arc;
use std::time::Instant;

use osmos::cbor::IntoOwned;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::{
    tcp, ws, Channel, Config, Connection, Error, Event, Ports, Role, Session, SessionConfig, WsTransport,
};

fn message(xml: &str) -> MosMessage<'static> {
    Mos::decode(&format!("<mos>{xml}</mos>")).expect("a valid message").message.into_owned()
}

fn running_order(stories: usize) -> MosMessage<'static> {
    let mut xml = String::from("<roCreate><roID>RO</roID><roSlug>Journal – édition</roSlug>");
    for i in 0..stories {
        xml += &format!(
            "<story><storyID>S{i}</storyID><storySlug>Météo {i}</storySlug>\
             <item><itemID>I{i}</itemID><objID>M{i}</objID><mosID>device.mos</mosID></item></story>"
        );
    }
    message(&(xml + "</roCreate>"))
}

async fn measure(name: &str, device: Connection, newsroom: Connection) -> Result<(), Error> {
    let device = Arc::new(device);
    let answering = {
        let device = device.clone();
        tokio::spawn(async move {
            let ack = message("<roAck><roID>RO</roID><roStatus>OK</roStatus></roAck>");
            while let Ok(ro) = device.recv().await {
                if device.reply(&ro, ack.clone()).await.is_err() {
                    break;
                }
            }
        })
    };
    for (stories, count) in [(1, 2000), (200, 200)] {
        let ro = running_order(stories);
        let wire = newsroom.envelope(ro.clone()).encode_utf16be().len();
        let started = Instant::now();
        for _ in 0..count {
            newsroom.request(ro.clone()).await?;
        }
        let each = started.elapsed() / count;
        let per_second = f64::from(count) / started.elapsed().as_secs_f64();
        println!(
            "{name}: roCreate of {stories} stories ({wire} bytes UCS-2BE) + roAck: {each:?} per round trip, \
             {per_second:.0} round trips/s"
        );
    }
    answering.abort();
    Ok(())
}

fn free_ports() -> Result<Ports, Error> {
    let port = || -> Result<u16, Error> { Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port()) };
    Ok(Ports { lower: port()?, upper: port()?, query: None })
}

/// The same exchange through two MOS 2.x sessions (four sockets, heartbeats every 10 s).
async fn measure_tcp_sessions(config: &Config) -> Result<(), Error> {
    let (ncs, dev) = (free_ports()?, free_ports()?);
    let at = |role, ours, theirs| {
        SessionConfig::new(config.clone(), role, "127.0.0.1").listen("127.0.0.1", ours).peer_ports(theirs)
    };
    measure_sessions("session tcp", at(Role::Newsroom, ncs, dev), at(Role::Device, dev, ncs)).await
}

/// The same exchange through two MOS 4.0 sessions (a WebSocket per channel each way).
async fn measure_ws_sessions(config: &Config) -> Result<(), Error> {
    let (tls, cert) = ws::ServerTls::self_signed(&["localhost"])?;
    let trust = ws::ClientTls::trust_pem(cert.as_bytes())?;
    let (ncs, dev) = (free_ports()?.lower, free_ports()?.lower);
    let at = |role, ours, theirs: u16| {
        let transport = WsTransport::new(ours, tls.clone(), format!("wss://localhost:{theirs}/mos"), trust.clone());
        SessionConfig { listen: "127.0.0.1".into(), ..SessionConfig::websocket(config.clone(), role, transport) }
    };
    measure_sessions("session wss", at(Role::Newsroom, ncs, dev), at(Role::Device, dev, ncs)).await
}

async fn measure_sessions(name: &str, newsroom: SessionConfig, device: SessionConfig) -> Result<(), Error> {
    let newsroom = Session::start(newsroom).await?;
    let device = Session::start(device).await?;
    let answering = tokio::spawn(async move {
        let ack = message("<roAck><roID>RO</roID><roStatus>OK</roStatus></roAck>");
        while let Some(event) = device.next().await {
            if let Event::Message(ro) = event {
                if ro.reply(ack.clone()).await.is_err() {
                    break;
                }
            }
        }
    });
    for (stories, count) in [(1, 2000), (200, 200)] {
        let ro = running_order(stories);
        newsroom.request(ro.clone()).await?;
        let started = Instant::now();
        for _ in 0..count {
            newsroom.request(ro.clone()).await?;
        }
        let each = started.elapsed() / count;
        let per_second = f64::from(count) / started.elapsed().as_secs_f64();
        println!(
            "{name}: roCreate of {stories} stories + roAck: {each:?} per round trip, {per_second:.0} round trips/s"
        );
    }
    answering.abort();
    Ok(())
}

/// mos-connection's own round trips, two node processes (skipped without node or `npm ci`).
fn measure_mos_connection() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/mos-connection");
    if !dir.join("node_modules/@mos-connection/connector").exists() {
        println!("mos-connection: not installed (npm ci in {})", dir.display());
        return;
    }
    match std::process::Command::new("node").arg("bench.js").current_dir(&dir).status() {
        Ok(status) if status.success() => {}
        Ok(status) => println!("mos-connection: bench.js failed ({status})"),
        Err(e) => println!("mos-connection: node did not start: {e}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = Config::new("device.mos", "newsroom.mos");

    let upper = tcp::Listener::bind("127.0.0.1:0", config.clone()).await?;
    let addr = upper.local_addr()?.to_string();
    let (newsroom, accepted) = tokio::join!(tcp::connect(&addr, &config), upper.accept());
    measure("tcp", accepted?.0, newsroom?).await?;

    let (tls, cert) = ws::ServerTls::self_signed(&["localhost"])?;
    let server = ws::Server::bind("127.0.0.1:0", ws::ServerConfig::new(config.clone(), tls)).await?;
    let url = format!("wss://localhost:{}/mos", server.local_addr()?.port());
    let mut client = ws::ClientConfig::new(config.clone(), ws::ClientTls::trust_pem(cert.as_bytes())?);
    client.mode = ws::Mode::Passive;
    let (device, accepted) = tokio::join!(ws::connect(&url, Channel::Upper, &client), server.accept());
    measure("wss", device?, accepted?.0).await?;

    measure_tcp_sessions(&config).await?;
    measure_ws_sessions(&config).await?;
    measure_mos_connection();
    Ok(())
}
