//! The newsroom-system side of a MOS exchange over loopback; run `mos_device` next to it.
//!
//! ```sh
//! cargo run --example mos_newsroom --features mos-tcp,mos-ws            # MOS 2.x over TCP
//! cargo run --example mos_newsroom --features mos-tcp,mos-ws -- --ws    # MOS 4.0 over wss
//! ```
//!
//! MOS 2.x: accepts the device on the lower port (10540), answers its `mosObj` with a
//! `mosAck`, then dials the device's upper port (10541) and sends a running order.
//! MOS 4.0: a WebSocket server on 127.0.0.1:10543 with a self-signed certificate (its PEM
//! written for the device to trust) and HTTP Basic credentials `device`/`secret`; the device
//! dials `mom` in standard mode and `ro` in passive mode, and the running order goes back
//! over the latter.

use std::error::Error as _;
use std::time::Duration;

use osmos::cbor::IntoOwned;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::ws::{self, Mode, ServerConfig, ServerTls};
use osmos::mos::net::{heartbeat, tcp, Channel, Config, Connection, Error, Role};

const HOST: &str = "127.0.0.1";
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
    let lower = tcp::Listener::bind((HOST, Role::Newsroom.listens_on().port()), config.clone()).await?;
    println!("newsroom: listening on {} (lower port)", lower.local_addr()?);
    let (from_device, peer) = lower.accept().await?;
    println!("newsroom: device connected from {peer}");
    answer_object(&from_device).await?;
    let upper = format!("{HOST}:{}", Role::Newsroom.dials().port());
    let to_device = tcp::connect(&upper, &config).await?;
    println!("newsroom: connected to the device's upper port {upper}");
    send_running_order(&to_device).await?;
    to_device.close().await;
    // The device hangs up once it is done.
    match from_device.recv().await {
        Err(Error::Closed) => Ok(()),
        other => Err(other.err().unwrap_or(Error::Closed)),
    }
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
