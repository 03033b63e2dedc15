//! An Open Screen controller over QUIC: asks a receiver (`osp_receiver`) for its agent-info,
//! whether it can present a URL, and to start presenting it, then prints the answers.
//!
//! ```sh
//! cargo run --features quic --example osp_controller -- 127.0.0.1:4433 <fingerprint> [URL]
//! ```
//!
//! The fingerprint is the one the receiver printed; `--insecure` instead of it accepts any
//! certificate (testing only: anyone on the path could pose as the receiver).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use osmos::openscreen::{
    AgentInfoRequest, HttpHeader, Message, PresentationStartRequest, PresentationUrlAvailabilityRequest,
};
use osmos::quic::{self, AgentIdentity, Config, Fingerprint, Verify};

const USAGE: &str = "usage: osp_controller ADDRESS (FINGERPRINT | --insecure) [URL]";

/// How long to wait for each answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("osp_controller: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(addr), Some(verify)) = (args.first(), args.get(1)) else { return Err(USAGE.into()) };
    let addr: SocketAddr = addr.parse().map_err(|e| format!("{addr:?} is not an address ({e}); {USAGE}"))?;
    let verify = match verify.as_str() {
        "--insecure" => Verify::AnyCertificateForTesting,
        fingerprint => Verify::Fingerprint(fingerprint.parse::<Fingerprint>()?),
    };
    let url = args.get(2).map_or("https://example.com/slides.html", String::as_str);

    let config = Config { handshake_timeout: Duration::from_secs(5), ..Config::default() };
    let me = AgentIdentity::generate("osmos-controller.local")?;
    let mut conn = quic::connect::<Message<'static>>(addr, &me, verify, &config).await?;
    println!("connected to {addr}");

    // One stream: the receiver reads the three requests in this order.
    let requests = [
        Message::from(AgentInfoRequest { request_id: 1 }),
        Message::from(PresentationUrlAvailabilityRequest {
            request_id: 2,
            urls: vec![url.into()],
            watch_duration: 60_000_000,
            watch_id: 1,
        }),
        Message::from(PresentationStartRequest {
            request_id: 3,
            presentation_id: "osmos-example-presentation-0001".into(),
            url: url.into(),
            headers: vec![HttpHeader { key: "accept-language".into(), value: "en".into() }],
        }),
    ];
    let mut stream = conn.open_stream().await?;
    for request in &requests {
        stream.send(request).await?;
        println!("sent {}", request.name());
    }
    stream.finish()?;

    for _ in &requests {
        match conn.recv_timeout(ANSWER_TIMEOUT).await? {
            Some(Message::AgentInfoResponse(r)) => {
                let info = &r.agent_info;
                println!(
                    "agent-info-response: {:?} ({}), capabilities {:?}",
                    info.display_name, info.model_name, info.capabilities
                );
            }
            Some(Message::PresentationUrlAvailabilityResponse(r)) => {
                println!("presentation-url-availability-response: {url} is {:?}", r.url_availabilities);
            }
            Some(Message::PresentationStartResponse(r)) => {
                println!("presentation-start-response: {:?}, connection id {}", r.result, r.connection_id);
            }
            Some(other) => println!("{}: {other:?}", other.name()),
            None => return Err("the receiver closed the connection before answering".into()),
        }
    }
    conn.close().await;
    Ok(())
}
