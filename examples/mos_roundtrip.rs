//! Request/acknowledgement round trips over loopback, both ends in one process: what a
//! `request` costs on each transport.
//!
//! ```sh
//! cargo run --release --example mos_roundtrip --features mos-tcp,mos-ws
//! ```

use std::sync::Arc;
use std::time::Instant;

use osmos::cbor::IntoOwned;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::{tcp, ws, Channel, Config, Connection, Error};

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
        println!("{name}: roCreate of {stories} stories ({wire} bytes UCS-2BE) + roAck: {each:?} per round trip");
    }
    answering.abort();
    Ok(())
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
    let mut client = ws::ClientConfig::new(config, ws::ClientTls::trust_pem(cert.as_bytes())?);
    client.mode = ws::Mode::Passive;
    let (device, accepted) = tokio::join!(ws::connect(&url, Channel::Upper, &client), server.accept());
    measure("wss", device?, accepted?.0).await
}
