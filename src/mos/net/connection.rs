//! The connection both transports share: the envelope, one outstanding request at a time,
//! acknowledgement matching, answered heartbeats, keepAlive on an idle link.
//!
//! A transport supplies a [`Sink`] (writes one document) and a read loop that hands each
//! received document's text to an [`Inbound`]. Two tasks run per connection: the read loop
//! and [`write_loop`], which owns the sink, so heartbeat answers and keepAlives go out while
//! the application is busy or waiting.

use std::borrow::Cow;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::ack::{self, Awaited};
use super::error::Recovered;
use super::{nack, Config, Error};
use crate::cbor::IntoOwned;
use crate::mos::messages::{Heartbeat, KeepAlive, Mos, MosMessage};
use crate::mos::value::{MessageId, MosTime};
use crate::xml::Lenient;

/// Received messages held for [`Connection::recv`] before the reader stops reading (and TCP
/// flow control slows the peer down): with the size bound, what an application that does not
/// read can be made to hold.
const INBOX: usize = 32;

/// A reason given when closing (a WebSocket close frame; TCP has none).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "mos-ws"), allow(dead_code))]
pub(crate) struct CloseReason {
    pub(crate) code: u16,
    pub(crate) text: &'static str,
}

/// Where a connection writes documents: a TCP write half, a WebSocket sink.
pub(crate) trait Sink: Send + 'static {
    /// Writes one document (UCS-2BE bytes) and flushes it.
    fn write(&mut self, bytes: Vec<u8>) -> impl Future<Output = Result<(), Error>> + Send;
    /// Ends the connection in the transport's orderly way.
    fn close(&mut self, reason: Option<CloseReason>) -> impl Future<Output = ()> + Send;
}

pub(crate) enum Outgoing {
    /// A document someone waits to see written.
    Document {
        bytes: Vec<u8>,
        done: oneshot::Sender<Result<(), Error>>,
    },
    /// An answer the connection sends on its own (heartbeat).
    Answer(Vec<u8>),
    Close {
        reason: Option<CloseReason>,
        done: Option<oneshot::Sender<()>>,
    },
}

type Received = Result<Mos<'static>, Error>;

struct Waiter {
    awaited: Awaited,
    reply: oneshot::Sender<Received>,
}

#[derive(Default)]
struct Shared {
    waiting: Mutex<Option<Waiter>>,
    /// Why the connection ended, once it has.
    failure: Mutex<Option<Error>>,
}

impl Shared {
    fn failure(&self) -> Error {
        self.failure.lock().unwrap_or_else(PoisonError::into_inner).clone().unwrap_or(Error::Closed)
    }
}

/// The envelope's names, shared by the handle and the reader.
struct Names {
    mos_id: String,
    ncs_id: String,
}

impl Names {
    fn envelope<'a>(&'a self, message_id: Option<MessageId>, message: MosMessage<'a>) -> Mos<'a> {
        Mos {
            mos_id: Some(Cow::Borrowed(&self.mos_id)),
            ncs_id: Some(Cow::Borrowed(&self.ncs_id)),
            message_id: message_id.map(Lenient::Value),
            message,
            unknown: Default::default(),
        }
    }
}

/// A `heartbeat` carrying the current time.
pub fn heartbeat() -> MosMessage<'static> {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let time = i64::try_from(millis).ok().and_then(MosTime::from_unix_millis);
    MosMessage::Heartbeat(Heartbeat {
        // A clock outside MOS time's range sends the empty time newsroom systems send too.
        time: time.map_or(Lenient::Invalid(Cow::Borrowed("")), Lenient::Value),
        unknown: Default::default(),
    })
}

/// One MOS connection: a TCP socket on one port, or a WebSocket on one channel.
///
/// All methods take `&self`: share it (`Arc`) between a task that answers what arrives and
/// tasks that send requests. Dropping it drops the connection; [`Connection::close`] ends it
/// in order.
pub struct Connection {
    out: mpsc::Sender<Outgoing>,
    inbox: tokio::sync::Mutex<mpsc::Receiver<Received>>,
    shared: Arc<Shared>,
    names: Arc<Names>,
    /// Held by a request from sending until its acknowledgement: one outstanding per port.
    turn: tokio::sync::Mutex<()>,
    next_id: Mutex<MessageId>,
    ack_timeout: Duration,
    tasks: [AbortHandle; 2],
}

impl Drop for Connection {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("mos_id", &self.names.mos_id)
            .field("ncs_id", &self.names.ncs_id)
            .field("ack_timeout", &self.ack_timeout)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Starts the tasks of a connection whose transport is established.
    pub(crate) fn start<S, R, F>(config: &Config, sink: S, keep_alive: Option<Duration>, read_loop: R) -> Self
    where
        S: Sink,
        R: FnOnce(Inbound) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let names = Arc::new(Names { mos_id: config.mos_id.clone(), ncs_id: config.ncs_id.clone() });
        let shared = Arc::new(Shared::default());
        let (out, out_rx) = mpsc::channel(INBOX);
        let (inbox_tx, inbox) = mpsc::channel(INBOX);
        let keep_alive = keep_alive.map(|every| {
            (
                every,
                names.envelope(None, MosMessage::KeepAlive(KeepAlive { unknown: Default::default() })).encode_utf16be(),
            )
        });
        let writer = tokio::spawn(write_loop(sink, out_rx, keep_alive, shared.clone()));
        let inbound = Inbound {
            shared: shared.clone(),
            out: out.clone(),
            inbox: inbox_tx,
            names: names.clone(),
            limits: config.limits,
        };
        let reader = tokio::spawn(read_loop(inbound));
        Connection {
            out,
            inbox: tokio::sync::Mutex::new(inbox),
            shared,
            names,
            turn: tokio::sync::Mutex::new(()),
            next_id: Mutex::new(MessageId::FIRST),
            ack_timeout: config.ack_timeout,
            tasks: [writer.abort_handle(), reader.abort_handle()],
        }
    }

    /// `message` in an envelope with this connection's `mosID`, `ncsID` and its next
    /// `messageID` (counting from 1, wrapping to 1 after 2^31−1, SPEC285 §4.1.6).
    pub fn envelope<'a>(&'a self, message: MosMessage<'a>) -> Mos<'a> {
        let id = {
            let mut next = self.next_id.lock().unwrap_or_else(PoisonError::into_inner);
            let id = *next;
            *next = id.next();
            id
        };
        self.names.envelope(Some(id), message)
    }

    /// Sends `message` in a new envelope and waits for its acknowledgement, up to
    /// [`Config::ack_timeout`]. Returns the acknowledging document (`roAck`, `mosAck`, the
    /// `listMachInfo` of a `reqMachInfo`…), whose status says ACK or NACK.
    pub async fn request(&self, message: MosMessage<'_>) -> Result<Mos<'static>, Error> {
        let doc = self.envelope(message);
        self.send_and_wait_ack(&doc, self.ack_timeout).await
    }

    /// Sends a whole document and waits up to `timeout` for its acknowledgement: the first
    /// incoming message of an answering kind that echoes its messageID. Requests take turns:
    /// a second one waits until the first is acknowledged or has timed out.
    pub async fn send_and_wait_ack(&self, doc: &Mos<'_>, timeout: Duration) -> Result<Mos<'static>, Error> {
        let name = ack::name(&doc.message);
        let replies = ack::replies(name).ok_or(Error::NoReply(name))?;
        let message_id = doc.message_id.as_ref().and_then(|id| id.value().copied());
        let _turn = self.turn.lock().await;
        let (reply, answer) = oneshot::channel();
        *self.shared.waiting.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Waiter { awaited: Awaited { message_id, replies }, reply });
        // The reader records a failure before it looks for a waiter: either it saw this
        // waiter, or this sees the failure.
        if self.shared.failure.lock().unwrap_or_else(PoisonError::into_inner).is_some() {
            self.stop_waiting();
            return Err(self.shared.failure());
        }
        let exchange = async {
            self.send(doc).await?;
            answer.await.unwrap_or_else(|_| Err(self.shared.failure()))
        };
        let result = tokio::time::timeout(timeout, exchange).await;
        self.stop_waiting();
        result.unwrap_or(Err(Error::AckTimeout { message: name, message_id, after: timeout }))
    }

    /// Hands `doc`, received on another connection, to the request waiting here when it
    /// answers it and echoes its messageID (both must carry one: on the wrong socket, the
    /// kind alone is too weak a match). Gives it back otherwise.
    #[cfg(feature = "mos-tcp")]
    pub(crate) fn complete(&self, doc: Mos<'static>) -> Option<Mos<'static>> {
        let mut waiting = self.shared.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let echoed = doc.message_id.as_ref().and_then(|id| id.value()).is_some();
        let answers = waiting.as_ref().is_some_and(|w| w.awaited.message_id.is_some() && w.awaited.answered_by(&doc));
        match waiting.take() {
            Some(waiter) if echoed && answers => {
                let _ = waiter.reply.send(Ok(doc));
                None
            }
            other => {
                *waiting = other;
                Some(doc)
            }
        }
    }

    fn stop_waiting(&self) {
        self.shared.waiting.lock().unwrap_or_else(PoisonError::into_inner).take();
    }

    /// Sends a whole document without waiting for an answer (answers, or anything the
    /// application acknowledges itself). Returns once it is written.
    pub async fn send(&self, doc: &Mos<'_>) -> Result<(), Error> {
        let (done, written) = oneshot::channel();
        let bytes = doc.encode_utf16be();
        if self.out.send(Outgoing::Document { bytes, done }).await.is_err() {
            return Err(self.shared.failure());
        }
        written.await.unwrap_or_else(|_| Err(self.shared.failure()))
    }

    /// Answers `to` with `message`, echoing its messageID (SPEC285 §4.1.6).
    pub async fn reply(&self, to: &Mos<'_>, message: MosMessage<'_>) -> Result<(), Error> {
        let message_id = to.message_id.as_ref().and_then(|id| id.value().copied());
        self.send(&self.names.envelope(message_id, message)).await
    }

    /// The next message from the peer that is not an acknowledgement this side waits for,
    /// a heartbeat or a keepAlive (those are handled here). Errors that concern one message
    /// ([`Error::Decode`], [`Error::TooLarge`] on TCP; both NACKed when the message's kind
    /// can be read) leave the connection open; any other
    /// error ends it and is returned from then on ([`Error::Closed`] after an orderly close).
    pub async fn recv(&self) -> Result<Mos<'static>, Error> {
        match self.inbox.lock().await.recv().await {
            Some(received) => received,
            None => Err(self.shared.failure()),
        }
    }

    /// Ends the connection in order (a WebSocket close frame, a TCP shutdown) once what was
    /// sent before is written.
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.out.send(Outgoing::Close { reason: None, done: Some(done) }).await.is_ok() {
            let _ = closed.await;
        }
    }
}

/// What a transport's read loop hands received documents to.
pub(crate) struct Inbound {
    shared: Arc<Shared>,
    out: mpsc::Sender<Outgoing>,
    inbox: mpsc::Sender<Received>,
    names: Arc<Names>,
    /// The connection's limits, in force while each document is decoded.
    limits: crate::Limits,
}

impl Inbound {
    /// Handles one received document. `false`: the connection's handle is gone, stop reading.
    pub(crate) async fn document(&self, text: &str) -> bool {
        let mos = match self.limits.scope(|| Mos::decode(text)) {
            Ok(mos) => mos,
            Err(error) => {
                let about = self.nack(text, &error.to_string()).await;
                return self.error(Error::Decode { error, about }).await;
            }
        };
        match &mos.message {
            MosMessage::KeepAlive(_) => return true,
            // Answering the answer to our own heartbeat would loop forever (SPEC285 §4.1.1).
            MosMessage::Heartbeat(_) if !self.awaits(&mos) => {
                let message_id = mos.message_id.as_ref().and_then(|id| id.value().copied());
                let answer = self.names.envelope(message_id, heartbeat()).encode_utf16be();
                return self.out.send(Outgoing::Answer(answer)).await.is_ok();
            }
            _ => {}
        }
        let waiter = {
            let mut waiting = self.shared.waiting.lock().unwrap_or_else(PoisonError::into_inner);
            if waiting.as_ref().is_some_and(|w| w.awaited.answered_by(&mos)) {
                waiting.take()
            } else {
                None
            }
        };
        match waiter {
            Some(waiter) => {
                let _ = waiter.reply.send(Ok(mos.into_owned()));
                true
            }
            None => self.inbox.send(Ok(mos.into_owned())).await.is_ok(),
        }
    }

    fn awaits(&self, mos: &Mos<'_>) -> bool {
        let waiting = self.shared.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        waiting.as_ref().is_some_and(|w| w.awaited.answered_by(mos))
    }

    /// Answers a message that could not be taken with a NACK naming `reason`, when its kind
    /// can be read from `text` (the whole message, or the start of one too large to keep).
    pub(crate) async fn nack(&self, text: &str, reason: &str) -> Recovered {
        let head = nack::read_head(text);
        let mut recovered = head.recovered.clone();
        if let Some(message) = nack::nack(&head, &nack::reason(reason)) {
            let answer = self.names.envelope(recovered.message_id, message).encode_utf16be();
            recovered.nacked = self.out.send(Outgoing::Answer(answer)).await.is_ok();
        }
        recovered
    }

    /// Reports an error about one message; the connection goes on.
    pub(crate) async fn error(&self, error: Error) -> bool {
        self.inbox.send(Err(error)).await.is_ok()
    }

    /// The connection has ended: tells a waiting request and the application why.
    pub(crate) async fn fail(self, error: Error) {
        *self.shared.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(error.clone());
        let waiter = self.shared.waiting.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(waiter) = waiter {
            let _ = waiter.reply.send(Err(error.clone()));
        }
        let _ = self.inbox.send(Err(error)).await;
    }

    #[cfg(feature = "mos-ws")]
    /// Closes the connection from the reading side (a protocol violation by the peer).
    pub(crate) async fn close(&self, reason: CloseReason) {
        let _ = self.out.send(Outgoing::Close { reason: Some(reason), done: None }).await;
    }
}

/// Writes what the connection sends, and a keepAlive whenever nothing was written for its
/// interval (MOS 4.0: firewalls close quiet connections).
async fn write_loop<S: Sink>(
    mut sink: S,
    mut out: mpsc::Receiver<Outgoing>,
    keep_alive: Option<(Duration, Vec<u8>)>,
    shared: Arc<Shared>,
) {
    let idle_deadline = || keep_alive.as_ref().map(|(every, _)| Instant::now() + *every);
    let mut deadline = idle_deadline();
    loop {
        // `recv` is cancel-safe: a timeout loses nothing.
        let next = match deadline {
            Some(at) => tokio::time::timeout_at(at, out.recv()).await.ok(),
            None => Some(out.recv().await),
        };
        let written = match next {
            Some(Some(Outgoing::Document { bytes, done })) => {
                let written = sink.write(bytes).await;
                let failed = written.is_err();
                let _ = done.send(written);
                !failed
            }
            Some(Some(Outgoing::Answer(bytes))) => sink.write(bytes).await.is_ok(),
            Some(Some(Outgoing::Close { reason, done })) => {
                sink.close(reason).await;
                shared.failure.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(Error::Closed);
                if let Some(done) = done {
                    let _ = done.send(());
                }
                return;
            }
            Some(None) => return,
            // Idle for the whole interval.
            None => match &keep_alive {
                Some((_, bytes)) => sink.write(bytes.clone()).await.is_ok(),
                None => true,
            },
        };
        if !written {
            // The reader sees the broken connection too and reports it.
            return;
        }
        deadline = idle_deadline();
    }
}
