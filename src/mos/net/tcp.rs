//! MOS 2.x over TCP (SPEC285 §2.1; `reference/mos.md` §6.1): `<mos>` documents back to back
//! in UCS-2BE, no framing, no authentication, no encryption. The newsroom system accepts
//! devices on the lower port (10540), the device accepts the newsroom system on the upper
//! port (10541); each side dials the other's ([`Role`](super::Role)).
//!
//! ```no_run
//! # async fn run() -> Result<(), osmos::mos::net::Error> {
//! use osmos::mos::net::{tcp, Config};
//!
//! let config = Config::new("device.mos", "newsroom.mos");
//! let lower = tcp::connect("127.0.0.1:10540", &config).await?;
//! let ack = lower.request(osmos::mos::net::heartbeat()).await?;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};

use super::connection::{CloseReason, Inbound, Sink};
use super::{Config, Connection, Error};
use crate::error::ErrorKind;
use crate::mos::stream::MosStreamDecoder;
use crate::mos::wire::Encoding;

/// Bytes a message's text took in the stream's encoding.
fn input_len(text: &str, encoding: Option<Encoding>) -> usize {
    match encoding {
        Some(Encoding::Utf8) | None => text.len(),
        Some(Encoding::Utf16Be | Encoding::Utf16Le) => text.encode_utf16().count() * 2,
    }
}

/// Dials a MOS 2.x port.
pub async fn connect(addr: impl ToSocketAddrs + std::fmt::Display, config: &Config) -> Result<Connection, Error> {
    let stream =
        TcpStream::connect(&addr).await.map_err(|e| Error::Connect { addr: addr.to_string(), source: Arc::new(e) })?;
    Ok(start(stream, config))
}

/// A MOS 2.x port accepting connections.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    config: Config,
}

impl Listener {
    /// Listens on `addr` (port 0: any free port, see [`Listener::local_addr`]).
    pub async fn bind(addr: impl ToSocketAddrs, config: Config) -> Result<Self, Error> {
        Ok(Listener { listener: TcpListener::bind(addr).await?, config })
    }

    /// The address listened on.
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        Ok(self.listener.local_addr()?)
    }

    /// The next connection, and the peer's address.
    pub async fn accept(&self) -> Result<(Connection, SocketAddr), Error> {
        let (stream, peer) = self.listener.accept().await?;
        Ok((start(stream, &self.config), peer))
    }
}

fn start(stream: TcpStream, config: &Config) -> Connection {
    // Each document is written whole and flushed: no reason to wait for more.
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let limits = config.limits;
    Connection::start(config, TcpSink(write), None, move |inbound| read_loop(read, inbound, limits))
}

struct TcpSink(OwnedWriteHalf);

impl Sink for TcpSink {
    async fn write(&mut self, bytes: Vec<u8>) -> Result<(), Error> {
        self.0.write_all(&bytes).await?;
        Ok(self.0.flush().await?)
    }

    async fn close(&mut self, _reason: Option<CloseReason>) {
        let _ = self.0.shutdown().await;
    }
}

fn is_reset(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    matches!(e.kind(), ConnectionReset | ConnectionAborted | BrokenPipe)
}

/// Cuts the byte stream into documents with the stream decoder (which sniffs UCS-2BE, and
/// UTF-8 from lenient peers) and hands them on.
async fn read_loop(mut read: OwnedReadHalf, inbound: Inbound, limits: crate::Limits) {
    let max = limits.max_message_len;
    let mut decoder = MosStreamDecoder::with_limits(limits);
    let mut buf = vec![0; 16 * 1024];
    let mut received = 0;
    // Where the last whole message ended in the input: what came after it is unfinished.
    let mut last_end = 0;
    loop {
        let n = match read.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            // A reset ends the stream like a FIN does; what matters is whether a message was
            // cut short.
            Err(e) if is_reset(&e) => {
                let received = if decoder.finish().is_err() { received - last_end } else { 0 };
                return inbound.fail(Error::Disconnected { received }).await;
            }
            Err(e) => return inbound.fail(e.into()).await,
        };
        received += n;
        decoder.push(&buf[..n]);
        let decoder_encoding = decoder.encoding();
        while let Some(next) = decoder.next_message() {
            let going_on = match next {
                Ok(message) => {
                    last_end = message.input_offset() + input_len(message.as_str(), decoder_encoding);
                    inbound.document(message.as_str()).await
                }
                // The stream decoder's only limit is the message size; it has dropped the message
                // and goes on with the next one.
                Err(e) if matches!(e.kind(), ErrorKind::Limit(_)) => {
                    let head = decoder.dropped_head().to_string();
                    let about = inbound.nack(&head, &format!("larger than the maximum of {max} bytes")).await;
                    inbound.error(Error::TooLarge { max, about }).await
                }
                Err(error) => inbound.error(Error::Decode { error, about: Default::default() }).await,
            };
            if !going_on {
                return;
            }
        }
    }
    let end = match decoder.finish() {
        Ok(()) => Error::Closed,
        Err(_) => Error::Disconnected { received: received - last_end },
    };
    inbound.fail(end).await;
}
