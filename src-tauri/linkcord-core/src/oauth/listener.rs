//! The loopback redirect listener.
//!
//! Bound to 127.0.0.1 only. It answers the one callback that carries this sign-in's state and
//! ignores everything else (wrong path, favicon, forged or stale state), so a page on another
//! site that guesses the port cannot end or poison the sign-in. Each connection is handled in
//! its own task with a size cap and a read deadline, so a slow or hostile client cannot hold
//! the door shut for the browser.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use super::callback::{Callback, check_query};
use super::pages::{Language, Page};
use super::pending::StateCheck;
use super::{AuthorizationCode, OAuthError, PendingLogin, RedirectUri};

/// Cancels a sign-in that is waiting for the browser (the user closed the dialog, the app is
/// quitting). Clone it and call `cancel()` from anywhere.
pub type Cancel = tokio_util::sync::CancellationToken;

/// A request's head larger than this is refused: a real callback is well under 1 KiB.
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its request.
const READ_DEADLINE: Duration = Duration::from_secs(10);
/// Connections handled at once; more are closed straight away.
const MAX_CONNECTIONS: usize = 64;

/// How long to wait and how to answer the browser.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// Give up after this long (default 5 minutes).
    pub timeout: Duration,
    pub language: Language,
    pub cancel: Cancel,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5 * 60),
            language: Language::English,
            cancel: Cancel::new(),
        }
    }
}

type Outcome = Result<AuthorizationCode, OAuthError>;

/// What connection tasks share: the state to check and the one slot for the final outcome.
struct Shared {
    expected: StateCheck,
    language: Language,
    outcome: Mutex<Option<oneshot::Sender<Outcome>>>,
}

/// A listening socket on 127.0.0.1 for one sign-in.
#[derive(Debug)]
pub struct LoopbackListener {
    pub(super) listener: TcpListener,
    port: u16,
}

impl LoopbackListener {
    /// Listens on `127.0.0.1:port`; port 0 picks a free one.
    pub async fn bind(port: u16) -> Result<Self, OAuthError> {
        let listen_error = |e: std::io::Error| OAuthError::Listen {
            port,
            reason: e.to_string(),
        };
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(listen_error)?;
        let port = listener.local_addr().map_err(listen_error)?.port();
        Ok(Self { listener, port })
    }

    /// The port actually listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The redirect URI to send to Discord: the one actually listened on.
    pub fn redirect_uri(&self) -> RedirectUri {
        RedirectUri::Loopback { port: self.port }
    }

    /// Serves until the callback for `pending` arrives, the timeout passes or `cancel` fires.
    pub async fn wait(self, pending: &PendingLogin, options: WaitOptions) -> Outcome {
        let (sender, mut receiver) = oneshot::channel();
        let shared = Arc::new(Shared {
            expected: pending.state_check(),
            language: options.language,
            outcome: Mutex::new(Some(sender)),
        });
        let mut tasks = JoinSet::new();
        let deadline = tokio::time::sleep(options.timeout);
        tokio::pin!(deadline);
        loop {
            while tasks.try_join_next().is_some() {}
            tokio::select! {
                _ = options.cancel.cancelled() => return Err(OAuthError::Cancelled),
                _ = &mut deadline => {
                    return Err(OAuthError::Timeout { seconds: options.timeout.as_secs() });
                }
                outcome = &mut receiver => {
                    return outcome.unwrap_or(Err(OAuthError::Cancelled));
                }
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) if tasks.len() < MAX_CONNECTIONS => {
                        tasks.spawn(serve(stream, shared.clone()));
                    }
                    Ok(_) => {} // Too many at once: dropping the stream closes it.
                    Err(e) => {
                        // Out of file descriptors and the like: pause rather than spin.
                        tracing::warn!("loopback listener could not accept a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
            }
        }
    }
}

/// Handles one connection: read the head (bounded in size and time), answer, maybe report.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let head = match tokio::time::timeout(READ_DEADLINE, read_head(&mut stream)).await {
        Ok(Ok(head)) => head,
        Ok(Err(HeadError::TooLarge)) => {
            answer(&mut stream, Page::TooLarge, shared.language).await;
            return;
        }
        Ok(Err(HeadError::Closed)) | Err(_) => return,
    };
    let (page, outcome) = route(&head, &shared);
    let Some(outcome) = outcome else {
        answer(&mut stream, page, shared.language).await;
        return;
    };
    // Claim the one slot first, so a second matching callback is told it came too late.
    let sender = shared.outcome.lock().expect("outcome lock").take();
    match sender {
        Some(sender) => {
            answer(&mut stream, page, shared.language).await;
            let _ = sender.send(outcome);
        }
        None => answer(&mut stream, Page::AlreadyFinished, shared.language).await,
    }
}

/// Decides the page and, for a callback with our state, the sign-in's outcome.
fn route(head: &str, shared: &Shared) -> (Page, Option<Outcome>) {
    let Some(target) = request_target(head) else {
        return (Page::BadRequest, None);
    };
    let Ok(url) = url::Url::parse("http://127.0.0.1").and_then(|base| base.join(target)) else {
        return (Page::BadRequest, None);
    };
    if url.path() != "/callback" {
        return (Page::NotFound, None);
    }
    match check_query(url.query_pairs(), &shared.expected) {
        Callback::WrongState => (Page::NotThisSignIn, None),
        Callback::Incomplete => (Page::BadRequest, None),
        Callback::Code(code) => (Page::SignedIn, Some(Ok(code))),
        Callback::Denied => (Page::Denied, Some(Err(OAuthError::AccessDenied))),
        Callback::Failed { code, description } => (
            Page::Failed,
            Some(Err(OAuthError::AuthorizationFailed { code, description })),
        ),
    }
}

/// The origin-form target of a `GET` request line, or `None` for anything else.
fn request_target(head: &str) -> Option<&str> {
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = method == "GET" && target.starts_with('/') && version.starts_with("HTTP/1.");
    ok.then_some(target)
}

enum HeadError {
    TooLarge,
    Closed,
}

/// Reads until the blank line ending the head, refusing more than [`MAX_HEAD`] bytes.
async fn read_head(stream: &mut TcpStream) -> Result<String, HeadError> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|_| HeadError::Closed)?;
        if n == 0 {
            return Err(HeadError::Closed);
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = find_head_end(&buffer) {
            buffer.truncate(end);
            return String::from_utf8(buffer).map_err(|_| HeadError::Closed);
        }
        if buffer.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer.windows(4).position(|w| w == b"\r\n\r\n")
}

async fn answer(stream: &mut TcpStream, page: Page, language: Language) {
    let write = async {
        stream.write_all(&page.response(language)).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(READ_DEADLINE, write).await;
}
