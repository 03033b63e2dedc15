//! MOS 4.0 over WebSockets over TLS (`reference/mos.md` §6.3–6.4).
//!
//! - One `<mos>` document per **binary** message, in UCS-2BE; a text frame is refused (the
//!   connection is closed with code 1003 and [`Error::TextFrame`], as ENPS does). A message
//!   may arrive in any number of frames.
//! - HTTP Basic authorization, checked by the [`Server`] before the upgrade: missing or
//!   wrong credentials are answered 401 and nothing is read.
//! - The channel (`mom`, `ro`, `aux` for the lower, upper and query ports) in the URL: a
//!   query parameter `?channel=ro` by default, as deployed systems do, or the last path
//!   segment ([`ChannelIn`]). Passive mode adds `passive=true`.
//! - Standard mode: one connection per channel, each side dialling for its own requests.
//!   Passive mode: the device dials out and the newsroom system sends its requests back over
//!   that connection. A [`Connection`] is symmetric, so both are the same code; [`Mode`]
//!   tells the server which one the device asked for.
//! - `keepAlive` (no messageID, no reply) whenever nothing was sent for the keep-alive
//!   interval (default [`DEFAULT_KEEP_ALIVE`]); received ones are dropped.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio_rustls::{TlsAcceptor, TlsConnector};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{header, StatusCode, Uri};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

use super::connection::{CloseReason, Inbound, Sink};
pub use super::tls::{ClientTls, ServerTls};
use super::{nack, Channel, Config, Connection, Error};
use crate::mos::wire::to_utf8;
pub use {tokio_rustls, tokio_tungstenite};

/// The keepAlive interval when none is set: below the 30 s idle timeouts of common firewalls.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(25);

/// How long a TLS and WebSocket handshake may take before it is abandoned.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the URL names the channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ChannelIn {
    /// The query parameter `channel`: `wss://host/mos?channel=ro` (PHAT, ENPS).
    #[default]
    Query,
    /// The last path segment: `wss://host/mos/ro`.
    Path,
}

/// Who dials whom (MOS 4.0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// One connection per channel; each side sends its own requests on connections it dialled.
    #[default]
    Standard,
    /// The device dials out; the newsroom system sends its requests back over that
    /// connection (`passive=true` in the URL).
    Passive,
}

/// A client's settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Envelope names, acknowledgement timeout, size bound.
    pub session: Config,
    /// Which server certificates are trusted.
    pub tls: ClientTls,
    /// User name and password for HTTP Basic authorization.
    pub credentials: Option<(String, String)>,
    /// Where the URL names the channel.
    pub channel_in: ChannelIn,
    /// Standard or passive mode.
    pub mode: Mode,
    /// Interval of idleness after which a keepAlive is sent (`None`: never).
    pub keep_alive: Option<Duration>,
    /// Bound on the TLS and WebSocket handshakes.
    pub handshake_timeout: Duration,
}

impl ClientConfig {
    /// Defaults: no credentials, channel as query parameter, standard mode, keepAlive every
    /// 25 s.
    pub fn new(session: Config, tls: ClientTls) -> Self {
        ClientConfig {
            session,
            tls,
            credentials: None,
            channel_in: ChannelIn::default(),
            mode: Mode::default(),
            keep_alive: Some(DEFAULT_KEEP_ALIVE),
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }

    /// Sets the credentials sent with HTTP Basic authorization.
    #[must_use]
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some((user.into(), password.into()));
        self
    }
}

/// Dials `url` (`wss://host:port/path`) for `channel`.
pub async fn connect(url: &str, channel: Channel, config: &ClientConfig) -> Result<Connection, Error> {
    let uri: Uri = url.parse().map_err(|e| Error::Handshake(format!("bad URL {url}: {e}")))?;
    if uri.scheme_str() != Some("wss") {
        return Err(Error::Handshake(format!("bad URL {url}: MOS 4.0 runs over TLS, the scheme is wss")));
    }
    let host = uri.host().ok_or_else(|| Error::Handshake(format!("bad URL {url}: no host")))?.to_string();
    let port = uri.port_u16().unwrap_or(443);
    let request = client_request(&uri, channel, config)?;
    let addr = format!("{host}:{port}");
    let tcp = TcpStream::connect(&addr).await.map_err(|e| Error::Connect { addr, source: Arc::new(e) })?;
    let _ = tcp.set_nodelay(true);
    let name = rustls::pki_types::ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_string())
        .map_err(|e| Error::Handshake(format!("bad host name {host}: {e}")))?;
    let handshake = async {
        let tls =
            TlsConnector::from(config.tls.rustls()).connect(name, tcp).await.map_err(|e| Error::Tls(Arc::new(e)))?;
        let (stream, count) = Counted::new(tls);
        let ws_config = ws_config(config.session.limits.max_message_len);
        match tokio_tungstenite::client_async_with_config(request, stream, Some(ws_config)).await {
            Ok((ws, _)) => Ok((ws, count)),
            Err(tungstenite::Error::Http(response)) if response.status() == StatusCode::UNAUTHORIZED => {
                Err(Error::Unauthorized)
            }
            Err(tungstenite::Error::Http(response)) => {
                let body = response.body().as_deref().map(String::from_utf8_lossy).unwrap_or_default();
                Err(Error::Handshake(format!("the server answered HTTP {}: {}", response.status(), body.trim())))
            }
            Err(e) => Err(Error::Handshake(e.to_string())),
        }
    };
    let (ws, count) = tokio::time::timeout(config.handshake_timeout, handshake)
        .await
        .map_err(|_| Error::Handshake(format!("no handshake within {:?}", config.handshake_timeout)))??;
    Ok(start(ws, count, &config.session, config.keep_alive))
}

fn client_request(uri: &Uri, channel: Channel, config: &ClientConfig) -> Result<Request, Error> {
    let mut path = uri.path().to_string();
    let mut query: Vec<String> = uri.query().into_iter().filter(|q| !q.is_empty()).map(String::from).collect();
    match config.channel_in {
        ChannelIn::Query => query.push(format!("channel={}", channel.name())),
        ChannelIn::Path => {
            if !path.ends_with('/') {
                path.push('/');
            }
            path.push_str(channel.name());
        }
    }
    if config.mode == Mode::Passive {
        query.push("passive=true".into());
    }
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
    let target = if query.is_empty() {
        format!("wss://{authority}{path}")
    } else {
        format!("wss://{authority}{path}?{}", query.join("&"))
    };
    let mut request = target.into_client_request().map_err(|e| Error::Handshake(e.to_string()))?;
    if let Some((user, password)) = &config.credentials {
        let token = data_encoding::BASE64.encode(format!("{user}:{password}").as_bytes());
        let value = format!("Basic {token}").parse().map_err(|_| Error::Handshake("unusable credentials".into()))?;
        request.headers_mut().insert(header::AUTHORIZATION, value);
    }
    Ok(request)
}

/// A server's settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Envelope names, acknowledgement timeout, size bound.
    pub session: Config,
    /// The certificate presented.
    pub tls: ServerTls,
    /// The user name and password a client must send (`None`: no authorization).
    pub credentials: Option<(String, String)>,
    /// Where the URL names the channel.
    pub channel_in: ChannelIn,
    /// Interval of idleness after which a keepAlive is sent (`None`: never).
    pub keep_alive: Option<Duration>,
    /// Bound on each client's TLS and WebSocket handshakes.
    pub handshake_timeout: Duration,
}

impl ServerConfig {
    /// Defaults: no authorization, channel as query parameter, keepAlive every 25 s.
    pub fn new(session: Config, tls: ServerTls) -> Self {
        ServerConfig {
            session,
            tls,
            credentials: None,
            channel_in: ChannelIn::default(),
            keep_alive: Some(DEFAULT_KEEP_ALIVE),
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }

    /// Requires these credentials (HTTP Basic).
    #[must_use]
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some((user.into(), password.into()));
        self
    }
}

/// What a client asked for when it connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The channel named in the URL.
    pub channel: Channel,
    /// Standard or passive mode.
    pub mode: Mode,
    /// The authorized user, when the server requires credentials.
    pub user: Option<String>,
    /// The client's address.
    pub peer: SocketAddr,
}

/// A MOS 4.0 WebSocket server.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    config: ServerConfig,
}

impl Server {
    /// Listens on `addr` (port 0: any free port, see [`Server::local_addr`]).
    pub async fn bind(addr: impl ToSocketAddrs, config: ServerConfig) -> Result<Self, Error> {
        Ok(Server { listener: TcpListener::bind(addr).await?, config })
    }

    /// The address listened on.
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        Ok(self.listener.local_addr()?)
    }

    /// Accepts the next client. A client that fails the handshake (TLS, 401, a URL without
    /// channel: 400) is an error for that client only; call `accept` again for the next.
    /// Handshakes run one at a time, each bounded by [`ServerConfig::handshake_timeout`];
    /// hand each accepted connection to a task of its own.
    pub async fn accept(&self) -> Result<(Connection, Accepted), Error> {
        let (tcp, peer) = self.listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let config = &self.config;
        let mut verdict = Err(Error::Handshake("the client sent no WebSocket request".into()));
        let handshake = async {
            let tls = TlsAcceptor::from(config.tls.rustls()).accept(tcp).await.map_err(|e| Error::Tls(Arc::new(e)))?;
            let (stream, count) = Counted::new(tls);
            // tungstenite's callback type: its error is the HTTP response to send.
            #[allow(clippy::result_large_err)]
            let check = |request: &Request, response: Response| match admit(request, config) {
                Ok(admitted) => {
                    verdict = Ok(admitted);
                    Ok(response)
                }
                Err((status, text)) => {
                    verdict = Err(match status {
                        StatusCode::UNAUTHORIZED => Error::Unauthorized,
                        _ => Error::Handshake(text.clone()),
                    });
                    Err(refuse(status, text))
                }
            };
            let ws_config = ws_config(config.session.limits.max_message_len);
            let ws = tokio_tungstenite::accept_hdr_async_with_config(stream, check, Some(ws_config)).await;
            Ok::<_, Error>((ws, count))
        };
        let (ws, count) = tokio::time::timeout(config.handshake_timeout, handshake).await.map_err(|_| {
            Error::Handshake(format!("no handshake from {peer} within {:?}", config.handshake_timeout))
        })??;
        let (channel, mode, user) = verdict?;
        let ws = ws.map_err(|e| Error::Handshake(e.to_string()))?;
        let connection = start(ws, count, &config.session, config.keep_alive);
        Ok((connection, Accepted { channel, mode, user, peer }))
    }
}

type Admitted = (Channel, Mode, Option<String>);

/// Checks a client's upgrade request: credentials first (401), then the channel (400).
fn admit(request: &Request, config: &ServerConfig) -> Result<Admitted, (StatusCode, String)> {
    let user = match &config.credentials {
        None => None,
        Some(expected) => match basic_credentials(request) {
            Some(given) if credentials_match(&given, expected) => Some(given.0),
            _ => return Err((StatusCode::UNAUTHORIZED, "wrong or missing credentials".into())),
        },
    };
    let uri = request.uri();
    let query = || uri.query().unwrap_or_default().split('&').filter_map(|pair| pair.split_once('='));
    let named = match config.channel_in {
        ChannelIn::Query => query().find(|(k, _)| *k == "channel").map(|(_, v)| v),
        ChannelIn::Path => uri.path().trim_end_matches('/').rsplit('/').next(),
    };
    let Some(channel) = named.and_then(Channel::from_name) else {
        return Err((StatusCode::BAD_REQUEST, format!("no MOS channel (mom, ro or aux) in {uri}")));
    };
    let passive = query().any(|(k, v)| k == "passive" && matches!(v, "true" | "1"));
    Ok((channel, if passive { Mode::Passive } else { Mode::Standard }, user))
}

fn refuse(status: StatusCode, text: String) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(text));
    *response.status_mut() = status;
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic realm=\"MOS\""));
    }
    response
}

fn basic_credentials(request: &Request) -> Option<(String, String)> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(data_encoding::BASE64.decode(token.trim().as_bytes()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Compares without stopping at the first difference, so timing does not tell how much of a
/// guessed password was right.
fn credentials_match(given: &(String, String), expected: &(String, String)) -> bool {
    fn same(a: &str, b: &str) -> bool {
        a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
    }
    same(&given.0, &expected.0) & same(&given.1, &expected.1)
}

/// UCS-2 takes at most twice the bytes of the UTF-8 bound for the characters MOS sends.
fn ws_config(max_message_size: usize) -> WebSocketConfig {
    let wire = max_message_size.saturating_mul(2);
    WebSocketConfig::default().max_message_size(Some(wire)).max_frame_size(Some(wire))
}

fn start<S>(
    ws: WebSocketStream<Counted<S>>,
    count: Arc<AtomicUsize>,
    config: &Config,
    keep_alive: Option<Duration>,
) -> Connection
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // The handshake's HTTP bytes are no part of a message.
    count.store(0, Ordering::Relaxed);
    let (sink, stream) = ws.split();
    let max = config.limits.max_message_len;
    Connection::start(config, WsSink(sink), keep_alive, move |inbound| read_loop(stream, inbound, count, max))
}

struct WsSink<S>(SplitSink<WebSocketStream<Counted<S>>, Message>);

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Sink for WsSink<S> {
    async fn write(&mut self, bytes: Vec<u8>) -> Result<(), Error> {
        self.0.send(Message::Binary(bytes.into())).await.map_err(|e| match e {
            tungstenite::Error::Io(e) => Error::from(e),
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => Error::Closed,
            e => Error::WebSocket(e.to_string()),
        })
    }

    async fn close(&mut self, reason: Option<CloseReason>) {
        let frame = reason.map(|r| CloseFrame { code: CloseCode::from(r.code), reason: r.text.into() });
        let _ = self.0.send(Message::Close(frame)).await;
        let _ = self.0.close().await;
    }
}

async fn read_loop<S>(
    mut stream: SplitStream<WebSocketStream<Counted<S>>>,
    inbound: Inbound,
    count: Arc<AtomicUsize>,
    max: usize,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut closing = false;
    let end = loop {
        let message = match stream.next().await {
            None => break Error::Closed,
            Some(Ok(message)) => message,
            Some(Err(_)) if closing => break Error::Closed,
            Some(Err(e)) => break read_error(e, count.load(Ordering::Relaxed), max),
        };
        count.store(0, Ordering::Relaxed);
        match message {
            Message::Binary(bytes) => {
                let going_on = match to_utf8(&bytes) {
                    Ok(text) if text.len() > max => {
                        let head = &text[..nack::floor(&text, nack::HEAD)];
                        let about = inbound.nack(head, &format!("larger than the maximum of {max} bytes")).await;
                        inbound.error(Error::TooLarge { max, about }).await
                    }
                    Ok(text) => inbound.document(&text).await,
                    Err(error) => inbound.error(Error::Decode { error, about: Default::default() }).await,
                };
                if !going_on {
                    return;
                }
            }
            Message::Text(_) => {
                let reason = CloseReason { code: 1003, text: "MOS 4.0 messages are UCS-2BE in binary frames" };
                inbound.close(reason).await;
                break Error::TextFrame;
            }
            // tungstenite answers the close frame on the next read.
            Message::Close(_) => closing = true,
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    };
    inbound.fail(end).await;
}

fn read_error(e: tungstenite::Error, received: usize, max: usize) -> Error {
    use std::io::ErrorKind as Io;
    use tungstenite::error::{CapacityError, ProtocolError};
    match e {
        tungstenite::Error::Capacity(CapacityError::MessageTooLong { .. }) => {
            Error::TooLarge { max, about: Default::default() }
        }
        tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => Error::Disconnected { received },
        tungstenite::Error::Io(e) if matches!(e.kind(), Io::UnexpectedEof | Io::ConnectionReset | Io::BrokenPipe) => {
            Error::Disconnected { received }
        }
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => Error::Closed,
        tungstenite::Error::Io(e) => e.into(),
        e => Error::WebSocket(e.to_string()),
    }
}

/// Counts the bytes read since the last whole WebSocket message, so a disconnection can say
/// how much of an unfinished message had arrived (tungstenite keeps that to itself).
struct Counted<S> {
    inner: S,
    count: Arc<AtomicUsize>,
}

impl<S> Counted<S> {
    fn new(inner: S) -> (Self, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        (Counted { inner, count: count.clone() }, count)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        self.count.fetch_add(buf.filled().len() - before, Ordering::Relaxed);
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
