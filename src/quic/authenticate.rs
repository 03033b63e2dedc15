//! Runs the sans-IO [`Authenticator`] on a connection: its messages on one ordered stream, the
//! user through a [`PskUser`], its deadlines on tokio's clock.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use super::auth::{AuthConfig, AuthEvent, Authenticator, Psk};
use super::{Connection, Error, SendStream};
use crate::openscreen::Message;

/// How long a failed authentication waits for its auth-status to reach the peer before closing.
const STATUS_GRACE: Duration = Duration::from_secs(1);

/// The user's part of authentication.
pub trait PskUser: Send {
    /// Show this PSK to the user (this agent presents it).
    fn show_psk(&mut self, psk: Psk);

    /// Ask the user for the PSK the other agent shows; `None` when the user cancels.
    fn enter_psk(&mut self) -> Pin<Box<dyn Future<Output = Option<Psk>> + Send + 'static>>;
}

/// Authenticates `conn` as `config` says, before any application message: both agents send
/// auth-capabilities, then SPAKE2 runs (see [`auth`](super::auth)). On success the connection
/// carries application messages (one that overtook the peer's last auth-status is returned
/// first by `recv`). On failure the spec's auth-status is sent, the connection is closed with
/// [`AUTH_FAILED`](super::auth::AUTH_FAILED) or [`AUTH_TIMEOUT`](super::auth::AUTH_TIMEOUT), and
/// the error is [`Error::Authentication`].
pub async fn authenticate(
    conn: &mut Connection<Message<'static>>,
    config: AuthConfig,
    user: &mut dyn PskUser,
) -> Result<(), Error> {
    let mut machine = Authenticator::new(config, Instant::now());
    let mut stream: Option<SendStream> = None;
    let mut entry: Option<Pin<Box<dyn Future<Output = Option<Psk>> + Send>>> = None;
    loop {
        while let Some(event) = machine.poll_event() {
            match event {
                AuthEvent::Send(message) => {
                    if stream.is_none() {
                        stream = Some(conn.open_stream().await?);
                    }
                    if let Some(stream) = stream.as_mut() {
                        stream.send(&message).await?;
                    }
                }
                AuthEvent::ShowPsk(psk) => user.show_psk(psk),
                AuthEvent::EnterPsk => entry = Some(user.enter_psk()),
                AuthEvent::Authenticated => {
                    if let Some(early) = machine.take_early_message() {
                        conn.unread(early);
                    }
                    if let Some(stream) = stream.take() {
                        // Nothing else goes on this stream; the peer reads it to its end.
                        let _ = stream.finish();
                    }
                    return Ok(());
                }
                AuthEvent::Failed(failure) => {
                    if let Some(stream) = stream.take() {
                        stream.finish_and_wait(STATUS_GRACE).await;
                    }
                    conn.close_with(failure.close_code(), &failure.to_string());
                    return Err(Error::Authentication(failure));
                }
            }
        }
        let deadline = machine.poll_timeout().map(tokio::time::Instant::from_std);
        let sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let entered = async {
            match entry.as_mut() {
                Some(future) => future.await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            received = conn.recv() => match received? {
                Some(message) => machine.handle(&message, Instant::now()),
                None => return Err(Error::ConnectionLost(format!(
                    "{}: the peer closed the connection during authentication",
                    conn.remote_address()
                ))),
            },
            psk = entered => {
                entry = None;
                match psk {
                    Some(psk) => machine.psk_entered(psk, Instant::now()),
                    None => machine.psk_refused(),
                }
            }
            () = sleep => machine.handle_timeout(Instant::now()),
        }
    }
}
