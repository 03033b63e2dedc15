//! The device (media object server) side of a MOS exchange over loopback; start it before or
//! after `mos_newsroom`.
//!
//! ```sh
//! cargo run --example mos_device --features mos-tcp,mos-ws                          # MOS 2.x over TCP
//! cargo run --example mos_device --features mos-tcp,mos-ws -- --ws                  # MOS 4.0 over wss
//! cargo run --example mos_device --features mos-tcp,mos-ws -- --ws --password nope  # see the 401
//! ```
//!
//! MOS 2.x: a `Session` listening on 10550/10551 and dialing the newsroom's 10540/10541;
//! sends a `mosObj` (queued until the newsroom is up) and waits for its `mosAck`, then
//! acknowledges the running order the newsroom sends to its upper port. MOS 4.0: trusts the newsroom's self-signed certificate,
//! dials channel `mom` (standard mode) for the `mosObj` and channel `ro` in passive mode,
//! over which the newsroom sends its running order; keepAlive every 25 s when idle.

use std::error::Error as _;
use std::time::Duration;

use osmos::cbor::IntoOwned;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::ws::{self, ClientConfig, ClientTls, Mode};
use osmos::mos::net::{Channel, Config, Connection, Error, Event, Ports, Role, Session, SessionConfig};

const HOST: &str = "127.0.0.1";
/// See `mos_newsroom`: on one machine the device listens on 10550/10551.
const NEWSROOM_PORTS: Ports = Ports { lower: 10540, upper: 10541, query: None };
const DEVICE_PORTS: Ports = Ports { lower: 10550, upper: 10551, query: None };

fn message(xml: &str) -> MosMessage<'static> {
    Mos::decode(&format!("<mos>{xml}</mos>")).expect("a valid message").message.into_owned()
}

fn object() -> MosMessage<'static> {
    message(
        "<mosObj><objID>M000123</objID><objSlug>Hotel Fire</objSlug><objType>VIDEO</objType>\
         <objTB>59.94</objTB><objRev>1</objRev><objDur>1800</objDur><status>NEW</status>\
         <objAir>READY</objAir><createdBy>Chris</createdBy><created>2009-10-31T23:39:12</created>\
         <changedBy>Chris</changedBy><changed>2009-10-31T23:39:12</changed>\
         <description><p>Exterior footage of the hotel</p></description></mosObj>",
    )
}

/// Retries while the other side is not up yet.
async fn patiently<T, F: std::future::Future<Output = Result<T, Error>>>(
    mut attempt: impl FnMut() -> F,
) -> Result<T, Error> {
    for _ in 0..50 {
        match attempt().await {
            Err(Error::Connect { .. }) => tokio::time::sleep(Duration::from_millis(200)).await,
            other => return other,
        }
    }
    attempt().await
}

async fn send_object(conn: &Connection) -> Result<(), Error> {
    let ack = conn.request(object()).await?;
    println!("device: mosObj acknowledged: {}", ack.encode());
    Ok(())
}

async fn acknowledge_running_order(conn: &Connection) -> Result<(), Error> {
    let ro = conn.recv().await?;
    let MosMessage::RoCreate(m) = &ro.message else {
        println!("device: unexpected {ro:?}");
        return Ok(());
    };
    println!("device: received roCreate {} «{}» with {} stories", m.ro_id, m.ro_slug, m.story.len());
    let ack = format!("<roAck><roID>{}</roID><roStatus>OK</roStatus></roAck>", m.ro_id);
    conn.reply(&ro, message(&ack)).await?;
    println!("device: sent roAck");
    Ok(())
}

async fn over_tcp(config: Config) -> Result<(), Error> {
    let session = Session::start(
        SessionConfig::new(config, Role::Device, HOST)
            .listen(HOST, DEVICE_PORTS)
            .peer_ports(NEWSROOM_PORTS)
            .heartbeats(Duration::from_secs(1), 3),
    )
    .await?;
    println!(
        "device: listening on {HOST}:{}/{} (lower/upper), dialing the newsroom's",
        DEVICE_PORTS.lower, DEVICE_PORTS.upper
    );
    // Waits in the queue until the newsroom's lower port answers.
    let ack = session.request(object()).await?;
    println!("device: mosObj acknowledged: {}", ack.encode());
    loop {
        match session.next().await {
            Some(Event::Message(incoming)) => {
                let MosMessage::RoCreate(m) = &incoming.doc.message else {
                    println!("device: not used in this example: {}", incoming.kind());
                    continue;
                };
                println!("device: received roCreate {} «{}» with {} stories", m.ro_id, m.ro_slug, m.story.len());
                let ack = format!("<roAck><roID>{}</roID><roStatus>OK</roStatus></roAck>", m.ro_id);
                incoming.reply(message(&ack)).await?;
                println!("device: sent roAck");
                break;
            }
            Some(Event::Linked { channel }) => println!("device: connected to the newsroom's {channel:?} port"),
            Some(Event::Unlinked { channel, error }) => println!("device: {channel:?} port: {error}; redialing"),
            Some(other) => println!("device: {other:?}"),
            None => return Err(Error::Closed),
        }
    }
    // Long enough for the newsroom to read the acknowledgement before the sockets close.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

async fn over_websockets(config: Config, password: &str) -> Result<(), Error> {
    let pem_path = std::env::temp_dir().join("osmos-mos-newsroom.pem");
    let url = "wss://localhost:10543/mos";
    let connect = |channel: Channel, mode: Mode| {
        let pem_path = pem_path.clone();
        let config = config.clone();
        async move {
            let pem = std::fs::read(&pem_path)
                .map_err(|e| Error::Connect { addr: pem_path.display().to_string(), source: e.into() })?;
            let mut client = ClientConfig::new(config, ClientTls::trust_pem(&pem)?).credentials("device", password);
            client.mode = mode;
            ws::connect(url, channel, &client).await
        }
    };
    let mom = patiently(|| connect(Channel::Lower, Mode::Standard)).await?;
    println!("device: connected to {url} on channel mom");
    let ro = patiently(|| connect(Channel::Upper, Mode::Passive)).await?;
    println!("device: connected to {url} on channel ro in passive mode");
    send_object(&mom).await?;
    acknowledge_running_order(&ro).await?;
    match ro.recv().await {
        Err(Error::Closed) => Ok(()),
        other => Err(other.err().unwrap_or(Error::Closed)),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let password =
        args.iter().position(|a| a == "--password").and_then(|i| args.get(i + 1)).map_or("secret", String::as_str);
    let config = Config::new("device.mos", "newsroom.mos").ack_timeout(Duration::from_secs(10));
    let result =
        if args.iter().any(|a| a == "--ws") { over_websockets(config, password).await } else { over_tcp(config).await };
    if let Err(e) = result {
        eprintln!("device: {e}");
        if let Some(source) = e.source() {
            eprintln!("  caused by: {source}");
        }
        std::process::exit(1);
    }
    println!("device: done");
}
