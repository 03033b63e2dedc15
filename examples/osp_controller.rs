//! An Open Screen controller: finds a receiver (`osp_receiver`) over mDNS, authenticates with
//! the PSK the receiver shows (typed on stdin), asks for its agent-info, then runs a
//! presentation: URL availability, start, connection messages both ways, termination.
//!
//! ```sh
//! cargo run --features discovery --example osp_controller -- --loopback "Living Room TV" [URL]
//! ```
//!
//! Without a name it takes the first receiver found. `--loopback` also looks on this machine's
//! loopback (where `osp_receiver 127.0.0.1:…` advertises).

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;

use osmos::openscreen::{
    AgentCapability, AgentInfo, HttpHeader, Message, PresentationConnectionMessage,
    PresentationConnectionMessageMessage, PresentationStartRequest, PresentationTerminationReason,
    PresentationTerminationRequest, PresentationUrlAvailabilityRequest,
};
use osmos::quic::auth::Psk;
use osmos::quic::discovery::Interfaces;
use osmos::quic::{Agent, AgentIdentity, AgentOptions, PskUser};

const USAGE: &str = "usage: osp_controller [--loopback] [--wait SECONDS] [NAME] [URL]";

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

/// Asks for the PSK on stdin (a phone would show a keypad).
struct Keypad;

impl PskUser for Keypad {
    fn show_psk(&mut self, psk: Psk) {
        println!("PSK {}", psk.to_numeric());
    }

    fn enter_psk(&mut self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Psk>> + Send>> {
        println!("enter the PSK the receiver shows:");
        Box::pin(async {
            let line = tokio::task::spawn_blocking(|| {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).ok().map(|_| line)
            })
            .await
            .ok()
            .flatten()?;
            match Psk::from_numeric(line.trim()) {
                Ok(psk) => Some(psk),
                Err(e) => {
                    eprintln!("{e}");
                    None
                }
            }
        })
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut interfaces = Interfaces::Network;
    let mut wait = Duration::from_secs(5);
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--loopback" => interfaces = Interfaces::WithLoopback,
            "--wait" => wait = Duration::from_secs_f64(args.next().ok_or(USAGE)?.parse()?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ => positional.push(arg),
        }
    }
    let name = positional.first().cloned();
    let url = positional.get(1).map_or("https://example.com/slides.html", String::as_str).to_owned();

    let info = AgentInfo {
        display_name: "osmos example controller".into(),
        model_name: "osmos".into(),
        capabilities: vec![AgentCapability::ControlPresentation],
        state_token: "ctrl0001".into(),
        locales: vec!["en".into()],
    };
    let mut options = AgentOptions::new(info, AgentIdentity::generate("osmos example controller")?);
    // A phone has a keyboard: it enters the PSK.
    options.psk_ease_of_input = 80;
    options.interfaces = interfaces;
    let agent = Agent::new(options)?;

    let wanted = name.clone();
    let matches = move |a: &osmos::quic::discovery::DiscoveredAgent| {
        wanted.as_deref().is_none_or(|n| a.display_name == n || a.instance_name == n)
    };
    let found = agent
        .discover(wait, {
            let matches = matches.clone();
            move |found| found.agents.values().any(&matches)
        })
        .await?;
    let peer = found
        .agents
        .values()
        .find(|a| matches(a))
        .ok_or_else(|| match &name {
            Some(name) => format!("no receiver named {name:?} answered within {wait:?}"),
            None => format!("no receiver answered within {wait:?}"),
        })?
        .clone();
    println!(
        "found {:?} at {} (fingerprint {})",
        peer.display_name,
        peer.addresses[0],
        peer.txt.fingerprint.to_base64()
    );

    let mut conn = agent.connect(&peer, &mut Keypad).await?;
    println!("authenticated");

    let info = conn.request_agent_info(ANSWER_TIMEOUT).await?;
    let verified = conn.verified_display_name().map_or("unverified", |_| "verified");
    println!(
        "agent-info: {:?} ({}, {verified}), capabilities {:?}",
        info.display_name, info.model_name, info.capabilities
    );

    // One stream: availability, then start, in this order.
    let presentation_id = "osmos-example-presentation-0001";
    let availability = conn.next_request_id();
    let start = conn.next_request_id();
    let mut stream = conn.connection().open_stream().await?;
    stream
        .send(&Message::from(PresentationUrlAvailabilityRequest {
            request_id: availability,
            urls: vec![url.clone().into()],
            watch_duration: 60_000_000,
            watch_id: 1,
        }))
        .await?;
    stream
        .send(&Message::from(PresentationStartRequest {
            request_id: start,
            presentation_id: presentation_id.into(),
            url: url.clone().into(),
            headers: vec![HttpHeader { key: "accept-language".into(), value: "en".into() }],
        }))
        .await?;
    stream.finish()?;

    let mut connection_id = None;
    while connection_id.is_none() {
        match next(&mut conn).await? {
            Message::PresentationUrlAvailabilityResponse(r) => {
                println!("presentation-url-availability-response: {url} is {:?}", r.url_availabilities)
            }
            Message::PresentationStartResponse(r) => {
                println!("presentation-start-response: {:?}, connection id {}", r.result, r.connection_id);
                connection_id = Some(r.connection_id);
            }
            other => println!("{}: {other:?}", other.name()),
        }
    }
    let connection_id = connection_id.unwrap_or_default();

    conn.send(&Message::from(PresentationConnectionMessage {
        connection_id,
        message: PresentationConnectionMessageMessage::Text("hello, screen".into()),
    }))
    .await?;
    println!("sent presentation-connection-message \"hello, screen\"");
    match next(&mut conn).await? {
        Message::PresentationConnectionMessage(PresentationConnectionMessage {
            message: PresentationConnectionMessageMessage::Text(text),
            ..
        }) => println!("presentation-connection-message: {text:?}"),
        other => println!("{}: {other:?}", other.name()),
    }

    let terminate = conn.next_request_id();
    conn.send(&Message::from(PresentationTerminationRequest {
        request_id: terminate,
        presentation_id: presentation_id.into(),
        reason: PresentationTerminationReason::UserRequest,
    }))
    .await?;
    match next(&mut conn).await? {
        Message::PresentationTerminationResponse(r) => println!("presentation-termination-response: {:?}", r.result),
        other => println!("{}: {other:?}", other.name()),
    }
    conn.close().await;
    Ok(())
}

async fn next(conn: &mut osmos::quic::AgentConnection) -> Result<Message<'static>, Box<dyn std::error::Error>> {
    match tokio::time::timeout(ANSWER_TIMEOUT, conn.recv()).await {
        Ok(Ok(Some(message))) => Ok(message),
        Ok(Ok(None)) => Err("the receiver closed the connection".into()),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(format!("no answer within {ANSWER_TIMEOUT:?}").into()),
    }
}
