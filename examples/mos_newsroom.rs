//! The newsroom-system side of a MOS exchange over loopback; run `mos_device` next to it.
//!
//! ```sh
//! cargo run --example mos_newsroom --features mos-tcp,mos-ws            # MOS 2.x over TCP
//! cargo run --example mos_newsroom --features mos-tcp,mos-ws -- --ws    # MOS 4.0 over wss
//! ```
//!
//! MOS 2.x: a `Session` listening on 10540/10541 and dialing the device's 10550/10551 ("Two
//! Ports – Four Sockets"); answers the device's `mosObj` with a `mosAck` on the socket it came
//! in on, then sends a running order over its own socket to the device's upper port.
//! MOS 4.0: a WebSocket server on 127.0.0.1:10543 with a self-signed certificate (its PEM
//! written for the device to trust) and HTTP Basic credentials `device`/`secret`; the device
//! dials `mom` in standard mode and `ro` in passive mode, and the running order goes back
//! over the latter.

use std::error::Error as _;
use std::time::Duration;

use osmos::cbor::IntoOwned;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::ws::{self, Mode, ServerConfig, ServerTls};
use osmos::mos::net::{heartbeat, Channel, Config, Connection, Error, Event, Ports, Role, Session, SessionConfig};

const HOST: &str = "127.0.0.1";
/// Two processes on one machine cannot both listen on 10540: the device takes 10550/10551.
/// On separate hosts both sides use the defaults (`Ports::DEFAULT`).
const NEWSROOM_PORTS: Ports = Ports { lower: 10540, upper: 10541, query: None };
const DEVICE_PORTS: Ports = Ports { lower: 10550, upper: 10551, query: None };
const WS_PORT: u16 = 10543;

fn message(xml: &str) -> MosMessage<'static> {
    Mos::decode(&format!("<mos>{xml}</mos>")).expect("a valid message").message.into_owned()
}

fn running_order() -> MosMessage<'static> {
    message(
        "<roCreate><roID>RO-5PM</roID><roSlug>5 o'clock news – édition</roSlug>\
         <story><storyID>S1</storyID><storySlug>Hotel fire</storySlug>\
         <item><itemID>1</itemID><objID>M000123</objID><mosID>device.mos</mosID></item></story></roCreate>",
    )
}

/// Answers the device's object with an acknowledgement.
async fn answer_object(conn: &Connection) -> Result<(), Error> {
    let obj = conn.recv().await?;
    let MosMessage::MosObj(m) = &obj.message else {
        println!("newsroom: unexpected {obj:?}");
        return Ok(());
    };
    println!("newsroom: received mosObj {} «{}»", m.obj_id, m.obj_slug);
    let ack = format!(
        "<mosAck><objID>{}</objID><objRev>1</objRev><status>ACK</status><statusDescription/></mosAck>",
        m.obj_id
    );
    conn.reply(&obj, message(&ack)).await?;
    println!("newsroom: sent mosAck");
    Ok(())
}

async fn send_running_order(conn: &Connection) -> Result<(), Error> {
    let ack = conn.request(running_order()).await?;
    println!("newsroom: roCreate acknowledged: {}", ack.encode());
    let beat = conn.request(heartbeat()).await?;
    println!("newsroom: heartbeat answered: {}", beat.encode());
    Ok(())
}

async fn over_tcp(config: Config) -> Result<(), Error> {
    let session = Session::start(
        SessionConfig::new(config, Role::Newsroom, HOST)
            .listen(HOST, NEWSROOM_PORTS)
            .peer_ports(DEVICE_PORTS)
            .heartbeats(Duration::from_secs(1), 3),
    )
    .await?;
    println!(
        "newsroom: listening on {HOST}:{}/{} (lower/upper), dialing the device's",
        NEWSROOM_PORTS.lower, NEWSROOM_PORTS.upper
    );
    // The device's object first: it comes in on the lower port, over the socket it opened.
    loop {
        match session.next().await {
            Some(Event::Message(incoming)) => {
                let MosMessage::MosObj(m) = &incoming.doc.message else {
                    println!("newsroom: not used in this example: {}", incoming.kind());
                    continue;
                };
                println!("newsroom: received mosObj {} «{}» on the {:?} port", m.obj_id, m.obj_slug, incoming.channel);
                let ack = format!(
                    "<mosAck><objID>{}</objID><objRev>1</objRev><status>ACK</status><statusDescription/></mosAck>",
                    m.obj_id
                );
                incoming.reply(message(&ack)).await?;
                println!("newsroom: sent mosAck");
                break;
            }
            Some(Event::Linked { channel }) => println!("newsroom: connected to the device's {channel:?} port"),
            Some(Event::Unlinked { channel, error }) => println!("newsroom: {channel:?} port: {error}; redialing"),
            Some(other) => println!("newsroom: {other:?}"),
            None => return Err(Error::Closed),
        }
    }
    // The running order goes out on the upper port, over the socket this side opened.
    let ack = session.request(running_order()).await?;
    println!("newsroom: roCreate acknowledged: {}", ack.encode());
    let status = session.link_status(Channel::Upper);
    println!("newsroom: upper port: {} heartbeats answered", status.heartbeats_answered);
    Ok(())
}

async fn over_websockets(config: Config) -> Result<(), Error> {
    let (tls, cert) = ServerTls::self_signed(&["localhost"])?;
    let pem = std::env::temp_dir().join("osmos-mos-newsroom.pem");
    std::fs::write(&pem, cert)?;
    let config = ServerConfig::new(config, tls).credentials("device", "secret");
    let server = ws::Server::bind((HOST, WS_PORT), config).await?;
    println!("newsroom: wss://localhost:{WS_PORT}/mos, certificate in {}", pem.display());
    let (mut mom, mut passive) = (None, None);
    while mom.is_none() || passive.is_none() {
        match server.accept().await {
            Ok((conn, accepted)) => {
                println!(
                    "newsroom: {:?} connected on channel {} ({:?} mode)",
                    accepted.user,
                    accepted.channel.name(),
                    accepted.mode
                );
                match (accepted.channel, accepted.mode) {
                    (Channel::Lower, _) => mom = Some(conn),
                    (Channel::Upper, Mode::Passive) => passive = Some(conn),
                    _ => println!("newsroom: not used in this example"),
                }
            }
            // One client's failure (wrong password, TLS) is not the server's.
            Err(e) => println!("newsroom: refused a client: {e}"),
        }
    }
    let (mom, passive) = (mom.expect("mom"), passive.expect("ro"));
    answer_object(&mom).await?;
    send_running_order(&passive).await?;
    // Passive mode: the device keeps the connection; the idle link carries keepAlives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    passive.close().await;
    mom.close().await;
    Ok(())
}

#[tokio::main]
async fn main() {
    let config = Config::new("device.mos", "newsroom.mos").ack_timeout(Duration::from_secs(10));
    let result =
        if std::env::args().any(|a| a == "--ws") { over_websockets(config).await } else { over_tcp(config).await };
    if let Err(e) = result {
        eprintln!("newsroom: {e}");
        if let Some(source) = e.source() {
            eprintln!("  caused by: {source}");
        }
        std::process::exit(1);
    }
    println!("newsroom: done");
}
