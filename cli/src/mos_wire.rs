//! `osmos mos tap` and `osmos mos send`: MOS 2.x on the wire, for the engineer standing between
//! a newsroom system and a device that disagree.
//!
//! `tap LISTEN=TARGET…` accepts on each LISTEN address, dials its TARGET for every connection
//! and forwards the bytes both ways unchanged; a copy of each direction goes through a
//! `MosStreamDecoder` and every message is printed: a line naming the connection, direction,
//! kind and messageID, each strict-mode deviation flagged with `!`, and the lenient decode as
//! one line of JSON. `send FILE --to HOST:PORT` sends one document (UTF-8 or UTF-16, with or
//! without the `<mos>` envelope) and prints the acknowledgement.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use osmos::json::ToJson;
use osmos::mos::messages::Mos;
use osmos::mos::net::{message_name, tcp, Config, Error};
use osmos::mos::value::MessageId;
use osmos::mos::MosStreamDecoder;
use osmos::xml::{Lenient, Mode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("tokio: {e}"))
}

/// Wall-clock time of day, UTC, to the millisecond: enough to line up with the systems' logs.
fn now() -> String {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let day = ms % 86_400_000;
    format!("{:02}:{:02}:{:02}.{:03}", day / 3_600_000, day / 60_000 % 60, day / 1000 % 60, day % 1000)
}

/// One decoded message as the tap prints it.
fn describe(text: &str) -> String {
    let mut out = String::new();
    match Mos::decode(text) {
        Ok(doc) => {
            let id = doc.message_id.as_ref().and_then(Lenient::value).map_or("-".to_string(), ToString::to_string);
            out += &format!("{} messageID {id}", message_name(&doc.message));
            if let Err(deviations) = Mos::decode_with(text, Mode::Strict) {
                for d in deviations {
                    out += &format!("\n  ! {d}");
                }
            }
            let json = serde_json::to_string(&doc.to_json()).expect("JSON values print");
            out += &format!("\n  {json}");
        }
        Err(e) => out += &format!("undecodable: {e}"),
    }
    out
}

/// Stops the process after `limit` messages (for scripts and tests), if set.
struct Counter {
    seen: AtomicUsize,
    limit: Option<usize>,
}

impl Counter {
    fn count(&self) {
        let seen = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        if self.limit.is_some_and(|limit| seen >= limit) {
            std::process::exit(0);
        }
    }
}

async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, label: String, counter: Arc<Counter>) {
    let mut decoder = MosStreamDecoder::new();
    let mut buf = vec![0; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                out!("{} {label}: {e}", now());
                break;
            }
        };
        // Forwarded first, unchanged: the tap must not delay or alter the conversation.
        if let Err(e) = to.write_all(&buf[..n]).await {
            out!("{} {label}: cannot forward: {e}", now());
            break;
        }
        decoder.push(&buf[..n]);
        while let Some(next) = decoder.next_message() {
            match next {
                Ok(message) => out!("{} {label} {}", now(), describe(message.as_str())),
                Err(e) => out!("{} {label} cannot cut a message: {e}", now()),
            }
            counter.count();
        }
    }
    let _ = to.shutdown().await;
    out!("{} {label} closed", now());
}

async fn forward(client: TcpStream, target: String, listen: String, counter: Arc<Counter>) {
    let peer = client.peer_addr().map_or("?".to_string(), |a| a.to_string());
    let server = match TcpStream::connect(&target).await {
        Ok(server) => server,
        Err(e) => {
            out!("{} {peer} → {target}: cannot connect: {e}; closing the client's connection", now());
            return;
        }
    };
    out!("{} {peer} → {listen} → {target}: connected", now());
    let (_, _) = (client.set_nodelay(true), server.set_nodelay(true));
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let up = tokio::spawn(pump(client_read, server_write, format!("{peer} → {target}"), counter.clone()));
    let down = tokio::spawn(pump(server_read, client_write, format!("{target} → {peer}"), counter));
    let _ = tokio::join!(up, down);
}

/// Taps every `LISTEN=TARGET` pair until interrupted (or `limit` messages have passed).
pub fn tap(pairs: &[String], limit: Option<usize>) -> Result<(), String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(l, t)| (l.to_string(), t.to_string()))
                .ok_or_else(|| format!("{p}: expected LISTEN=TARGET, e.g. 0.0.0.0:10540=ncs.example:10540"))
        })
        .collect::<Result<_, _>>()?;
    let counter = Arc::new(Counter { seen: AtomicUsize::new(0), limit });
    runtime()?.block_on(async move {
        let mut accepting = Vec::new();
        for (listen, target) in pairs {
            let listener = TcpListener::bind(&listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            out!("{} listening on {listen}, forwarding to {target}", now());
            let counter = counter.clone();
            accepting.push(tokio::spawn(async move {
                loop {
                    match listener.accept().await {
                        Ok((client, _)) => {
                            tokio::spawn(forward(client, target.clone(), listen.clone(), counter.clone()));
                        }
                        Err(e) => {
                            out!("{} {listen}: {e}", now());
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
            }));
        }
        for task in accepting {
            let _ = task.await;
        }
        Ok(())
    })
}

/// Sends one document to `to` and prints the answer (or that none is expected).
pub fn send(path: &str, to: &str, timeout: Duration) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let text = osmos::mos::to_utf8(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let text = text.trim_start_matches('\u{feff}').trim();
    let root = osmos::xml::root_element(text).map_err(|e| format!("{path}: {e}"))?;
    let wrapped;
    let text = if root == Mos::ELEMENT {
        text
    } else {
        wrapped = format!("<mos>{text}</mos>");
        &wrapped
    };
    let mut doc = Mos::decode(text).map_err(|e| format!("{path}: {e}"))?;
    // A request needs an ID for its answer to echo.
    if doc.message_id.is_none() {
        doc.message_id = Some(Lenient::Value(MessageId::FIRST));
    }
    let config = Config::new(
        doc.mos_id.as_deref().unwrap_or_default().to_string(),
        doc.ncs_id.as_deref().unwrap_or_default().to_string(),
    )
    .ack_timeout(timeout);
    let kind = message_name(&doc.message);
    runtime()?.block_on(async {
        let conn = tcp::connect(to, &config).await.map_err(|e| e.to_string())?;
        match conn.send_and_wait_ack(&doc, timeout).await {
            Ok(answer) => {
                out!("{}", answer.encode());
                out!("{}", serde_json::to_string_pretty(&answer.to_json()).expect("JSON values print"));
            }
            Err(Error::NoReply(_)) => {
                conn.send(&doc).await.map_err(|e| e.to_string())?;
                out!("sent {kind}; it is not acknowledged");
            }
            Err(e) => return Err(format!("{kind}: {e}")),
        }
        conn.close().await;
        Ok(())
    })
}
