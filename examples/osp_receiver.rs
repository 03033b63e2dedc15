//! An Open Screen receiver over QUIC: answers agent-info, URL availability and presentation
//! start requests. Run it, then `osp_controller` with the fingerprint it prints:
//!
//! ```sh
//! cargo run --features quic --example osp_receiver -- 127.0.0.1:4433
//! cargo run --features quic --example osp_controller -- 127.0.0.1:4433 <fingerprint>
//! ```
//!
//! `--identity FILE` keeps the certificate (and so the fingerprint) across runs: read from FILE
//! when it exists, else generated and written there.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use osmos::openscreen::{
    AgentCapability, AgentInfo, AgentInfoResponse, Message, PresentationStartResponse,
    PresentationUrlAvailabilityResponse, ResultType, UrlAvailability,
};
use osmos::quic::{AgentIdentity, Config, Connection, Server};

const USAGE: &str = "usage: osp_receiver [ADDRESS (default 127.0.0.1:4433)] [--identity FILE]";

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

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut addr: SocketAddr = "127.0.0.1:4433".parse()?;
    let mut identity_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--identity" => identity_file = Some(args.next().ok_or(USAGE)?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => addr = other.parse().map_err(|e| format!("{other:?} is not an address ({e}); {USAGE}"))?,
        }
    }
    let identity = match &identity_file {
        Some(path) if std::path::Path::new(path).exists() => AgentIdentity::from_pem(&std::fs::read_to_string(path)?)?,
        Some(path) => {
            let identity = AgentIdentity::generate("osmos-receiver.local")?;
            std::fs::write(path, identity.to_pem())?;
            identity
        }
        None => AgentIdentity::generate("osmos-receiver.local")?,
    };
    let mut server = Server::bind(addr, &identity, Config::default())?;
    println!("listening on {}", server.local_addr()?);
    println!("fingerprint {}", identity.fingerprint());
    let connection_ids = Arc::new(AtomicU64::new(1));
    while let Some(accepted) = server.accept::<Message<'static>>().await {
        match accepted {
            Ok(conn) => {
                println!("{}: connected", conn.remote_address());
                tokio::spawn(serve(conn, connection_ids.clone()));
            }
            Err(e) => eprintln!("connection attempt failed: {e}"),
        }
    }
    Ok(())
}

/// Answers one controller until it closes the connection.
async fn serve(mut conn: Connection<Message<'static>>, connection_ids: Arc<AtomicU64>) {
    let peer = conn.remote_address();
    loop {
        let message = match conn.recv().await {
            Ok(Some(message)) => message,
            Ok(None) => {
                println!("{peer}: closed");
                return;
            }
            Err(e) => {
                eprintln!("{peer}: {e}");
                return;
            }
        };
        println!("{peer}: received {}", message.name());
        let Some(answer) = answer(&message, &connection_ids) else { continue };
        if let Err(e) = conn.send(&answer).await {
            eprintln!("{peer}: cannot answer: {e}");
            return;
        }
        println!("{peer}: sent {}", answer.name());
    }
}

fn answer(message: &Message<'_>, connection_ids: &AtomicU64) -> Option<Message<'static>> {
    Some(match message {
        Message::AgentInfoRequest(request) => Message::from(AgentInfoResponse {
            request_id: request.request_id,
            agent_info: AgentInfo {
                display_name: "osmos example receiver".into(),
                model_name: "osmos".into(),
                capabilities: vec![AgentCapability::ReceivePresentation],
                state_token: state_token().into(),
                locales: vec!["en".into()],
            },
        }),
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
    static TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TOKEN
        .get_or_init(|| {
            let mut seed =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
                    ^ u64::from(std::process::id());
            (0..8)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    char::from(ALPHABET[(seed >> 33) as usize % ALPHABET.len()])
                })
                .collect()
        })
        .clone()
}
