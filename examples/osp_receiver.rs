//! An Open Screen receiver: advertises itself over mDNS, shows a PSK to each controller that
//! connects, authenticates it, then answers agent-info, URL availability, presentation start,
//! connection messages (echoed) and termination. Run it, then `osp_controller`:
//!
//! ```sh
//! cargo run --features discovery --example osp_receiver -- --name "Living Room TV" 127.0.0.1:4433
//! cargo run --features discovery --example osp_controller -- --loopback "Living Room TV"
//! ```
//!
//! The controller finds it by name, and asks for the PSK this receiver prints. Give the
//! address of a network interface instead of 127.0.0.1 to be found on the network.
//! `--identity FILE` keeps the certificate (and so the fingerprint) across runs: read from FILE
//! when it exists, else generated and written there.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use osmos::openscreen::{
    AgentCapability, AgentInfo, Message, PresentationConnectionMessage, PresentationConnectionMessageMessage,
    PresentationStartResponse, PresentationTerminationResponse, PresentationUrlAvailabilityResponse, ResultType,
    UrlAvailability,
};
use osmos::quic::auth::Psk;
use osmos::quic::discovery::Interfaces;
use osmos::quic::{Agent, AgentConnection, AgentIdentity, AgentOptions, CertificateParams, PskUser};

const USAGE: &str = "usage: osp_receiver [--name NAME] [--identity FILE] [ADDRESS (default 127.0.0.1:4433)]";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("osp_receiver: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Shows the PSK on stdout (a TV would put it on screen).
struct Screen;

impl PskUser for Screen {
    fn show_psk(&mut self, psk: Psk) {
        println!("PSK {} (QR code text {})", psk.to_numeric(), psk.to_qr_text());
    }

    fn enter_psk(&mut self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Psk>> + Send>> {
        // A receiver with a remote control presents; it never asks for a PSK.
        Box::pin(async { None })
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut addr: SocketAddr = "127.0.0.1:4433".parse()?;
    let mut name = "osmos example receiver".to_owned();
    let mut identity_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--name" => name = args.next().ok_or(USAGE)?,
            "--identity" => identity_file = Some(args.next().ok_or(USAGE)?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => addr = other.parse().map_err(|e| format!("{other:?} is not an address ({e}); {USAGE}"))?,
        }
    }
    let instance = osmos::quic::discovery::instance_name(&name);
    let params = CertificateParams::new("osmos", &instance)?;
    let identity = match &identity_file {
        Some(path) if std::path::Path::new(path).exists() => AgentIdentity::from_pem(&std::fs::read_to_string(path)?)?,
        Some(path) => {
            let identity = AgentIdentity::generate_with(&params)?;
            std::fs::write(path, identity.to_pem())?;
            identity
        }
        None => AgentIdentity::generate_with(&params)?,
    };
    let info = AgentInfo {
        display_name: name.clone().into(),
        model_name: "osmos".into(),
        capabilities: vec![AgentCapability::ReceivePresentation],
        state_token: state_token().into(),
        locales: vec!["en".into()],
    };
    let mut options = AgentOptions::new(info, identity);
    // A TV remote makes typing hard: this receiver shows the PSK.
    options.psk_ease_of_input = 10;
    options.interfaces = if addr.ip().is_loopback() { Interfaces::WithLoopback } else { Interfaces::Network };
    let mut agent = Agent::new(options)?;
    let local = agent.advertise(addr)?;
    println!("listening on {local}");
    println!("fingerprint {}", agent.identity().fingerprint().to_base64());
    println!("advertised as {name:?} (_openscreen._udp)");
    let connection_ids = Arc::new(AtomicU64::new(1));
    // Each controller is authenticated and served in a task of its own: one whose user is
    // still reading the PSK does not hold up the others.
    loop {
        match agent.accept_unauthenticated().await {
            Some(Ok(incoming)) => {
                let connection_ids = connection_ids.clone();
                tokio::spawn(async move {
                    let peer = incoming.remote_address();
                    match incoming.authenticate(&mut Screen).await {
                        Ok(mut conn) => {
                            println!("{peer}: authenticated");
                            serve(&mut conn, &connection_ids).await;
                        }
                        // The reason; the next controller is served.
                        Err(e) => println!("connection attempt failed: {e}"),
                    }
                });
            }
            Some(Err(e)) => println!("connection attempt failed: {e}"),
            None => return Ok(()),
        }
    }
}

/// Answers one controller until it closes the connection.
async fn serve(conn: &mut AgentConnection, connection_ids: &AtomicU64) {
    let peer = conn.connection().remote_address();
    loop {
        let message = match conn.recv().await {
            Ok(Some(message)) => message,
            Ok(None) => {
                println!("{peer}: closed");
                return;
            }
            Err(e) => {
                println!("{peer}: {e}");
                return;
            }
        };
        println!("{peer}: received {}", message.name());
        let Some(answer) = answer(&message, connection_ids) else { continue };
        if let Err(e) = conn.send(&answer).await {
            eprintln!("{peer}: cannot answer: {e}");
            return;
        }
        println!("{peer}: sent {}", answer.name());
    }
}

fn answer(message: &Message<'_>, connection_ids: &AtomicU64) -> Option<Message<'static>> {
    Some(match message {
        Message::PresentationUrlAvailabilityRequest(request) => Message::from(PresentationUrlAvailabilityResponse {
            request_id: request.request_id,
            url_availabilities: request.urls.iter().map(|url| availability(url)).collect(),
        }),
        Message::PresentationStartRequest(request) => {
            let presentable = availability(&request.url) == UrlAvailability::Available;
            Message::from(PresentationStartResponse {
                request_id: request.request_id,
                result: if presentable { ResultType::Success } else { ResultType::InvalidUrl },
                connection_id: connection_ids.fetch_add(1, Ordering::Relaxed),
                // Nothing is fetched: this receiver only says it would present the URL.
                http_response_code: None,
            })
        }
        // The "presentation" echoes what the controller page says.
        Message::PresentationConnectionMessage(m) => {
            let text = match &m.message {
                PresentationConnectionMessageMessage::Text(t) => format!("echo: {t}"),
                PresentationConnectionMessageMessage::Bytes(b) => format!("echo: {} bytes", b.len()),
            };
            Message::from(PresentationConnectionMessage {
                connection_id: m.connection_id,
                message: PresentationConnectionMessageMessage::Text(text.into()),
            })
        }
        Message::PresentationTerminationRequest(request) => Message::from(PresentationTerminationResponse {
            request_id: request.request_id,
            result: ResultType::Success,
        }),
        _ => return None,
    })
}

/// This receiver presents http(s) URLs.
fn availability(url: &str) -> UrlAvailability {
    if url.starts_with("https://") || url.starts_with("http://") {
        UrlAvailability::Available
    } else {
        UrlAvailability::Invalid
    }
}

/// 8 characters [0-9A-Za-z] that change when the receiver restarts (the spec's state token).
fn state_token() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id());
    (0..8)
        .map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(ALPHABET[(seed >> 33) as usize % ALPHABET.len()])
        })
        .collect()
}
