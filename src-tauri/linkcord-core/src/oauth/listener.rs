//! The loopback redirect listener.
//!
//! Bound to 127.0.0.1 only. It answers the one callback that carries this sign-in's state and
//! ignores everything else (wrong path, favicon, forged or stale state), so a page on another
//! site that guesses the port cannot end or poison the sign-in. Each connection is handled in
//! its own task with a size cap and a read deadline, and when too many sit silent the oldest
//! silent one is dropped, so slow or hostile clients cannot hold the door shut for the browser.
//!
//! The browser that brings the code is answered last: [`LoopbackListener::wait`] hands back a
//! [`BrowserReply`] with the code, and the page says how the sign-in ended (the account's name,
//! or what failed) only once the caller knows.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use super::callback::{Callback, check_query};
use super::pages::{Language, Page, SignInOutcome};
use super::pending::StateCheck;
use super::{AuthorizationCode, OAuthError, PendingLogin, RedirectUri};

/// Cancels a sign-in that is waiting for the browser (the user closed the dialog, the app is
/// quitting). Clone it and call `cancel()` from anywhere.
pub type Cancel = tokio_util::sync::CancellationToken;

/// A request's head larger than this is refused: a real callback is well under 1 KiB.
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its request.
const READ_DEADLINE: Duration = Duration::from_secs(10);
/// Connections still sending their request at once; past this the oldest of them is dropped
/// to make room, so silent connections cannot lock the browser out.
const MAX_READING: usize = 64;
/// How long the browser waits for the end of the sign-in (code exchange, profile, keychain)
/// before it is told to look in Linkcord instead: a stuck step still gets the tab an answer.
const REPLY_DEADLINE: Duration = Duration::from_secs(120);

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

/// The browser that brought the code, still waiting to be told how the sign-in ended.
/// Dropped without [`BrowserReply::finish`], it tells the browser the sign-in was interrupted.
#[derive(Debug)]
pub struct BrowserReply(oneshot::Sender<(SignInOutcome, oneshot::Sender<()>)>);

impl BrowserReply {
    /// Shows `outcome` in the browser, and returns once the page is sent (or could not be).
    pub async fn finish(self, outcome: SignInOutcome) {
        let (sent, page_sent) = oneshot::channel();
        if self.0.send((outcome, sent)).is_ok() {
            // Bounded: the page is written under its own deadline, or the sender is dropped.
            let _ = page_sent.await;
        }
    }
}

type Outcome = Result<(AuthorizationCode, BrowserReply), OAuthError>;

/// What connection tasks share: the state to check, the one slot for the final outcome, and
/// the connections that have not sent their request yet.
struct Shared {
    expected: StateCheck,
    language: Language,
    outcome: Mutex<Option<oneshot::Sender<Outcome>>>,
    reading: Mutex<Reading>,
}

/// Connections still sending their request head, oldest first, each with a handle to drop it.
#[derive(Default)]
struct Reading {
    last_id: u64,
    queue: VecDeque<(u64, Cancel)>,
}

impl Shared {
    /// Registers a new connection, dropping the oldest silent one if there are too many.
    fn admit(self: &Arc<Self>) -> Admitted {
        let mut reading = self.reading.lock().expect("reading lock");
        if reading.queue.len() >= MAX_READING
            && let Some((_, oldest)) = reading.queue.pop_front()
        {
            oldest.cancel();
        }
        reading.last_id += 1;
        let (id, cancel) = (reading.last_id, Cancel::new());
        reading.queue.push_back((id, cancel.clone()));
        Admitted {
            id,
            cancel,
            shared: self.clone(),
        }
    }

    /// Takes the one slot for the final outcome; `None` when another callback took it.
    fn claim(&self) -> Option<oneshot::Sender<Outcome>> {
        self.outcome.lock().expect("outcome lock").take()
    }
}

/// A connection's place among those still sending; given up once its request is in.
struct Admitted {
    id: u64,
    cancel: Cancel,
    shared: Arc<Shared>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut reading = self.shared.reading.lock().expect("reading lock");
        reading.queue.retain(|(id, _)| *id != self.id);
    }
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
    /// With the code comes the browser that brought it, to be told how the sign-in ended.
    pub async fn wait(self, pending: &PendingLogin, options: WaitOptions) -> Outcome {
        let (sender, mut receiver) = oneshot::channel();
        let shared = Arc::new(Shared {
            expected: pending.state_check(),
            language: options.language,
            outcome: Mutex::new(Some(sender)),
            reading: Mutex::new(Reading::default()),
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
                    Ok((stream, _)) => {
                        let admitted = shared.admit();
                        tasks.spawn(serve(stream, shared.clone(), admitted));
                    }
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
async fn serve(mut stream: TcpStream, shared: Arc<Shared>, admitted: Admitted) {
    let language = shared.language;
    let read = tokio::select! {
        // Dropped to make room for newer connections.
        _ = admitted.cancel.cancelled() => return,
        read = tokio::time::timeout(READ_DEADLINE, read_head(&mut stream)) => read,
    };
    drop(admitted);
    let head = match read {
        Ok(Ok(head)) => head,
        Ok(Err(HeadError::TooLarge)) => {
            return answer(&mut stream, &Page::TooLarge, language).await;
        }
        Ok(Err(HeadError::Closed)) | Err(_) => return,
    };
    // The slot is claimed before answering, so a second matching callback is told it came
    // too late.
    match route(&head, &shared) {
        Routed::Page(page) => answer(&mut stream, &page, language).await,
        Routed::Code(code) => match shared.claim() {
            Some(sender) => {
                let (reply, told) = oneshot::channel();
                // Its own task: the browser is answered after `wait` has returned.
                tokio::spawn(answer_when_told(stream, told, language));
                let _ = sender.send(Ok((code, BrowserReply(reply))));
            }
            None => answer(&mut stream, &Page::AlreadyFinished, language).await,
        },
        Routed::Refused(page, error) => match shared.claim() {
            Some(sender) => {
                answer(&mut stream, &page, language).await;
                let _ = sender.send(Err(error));
            }
            None => answer(&mut stream, &Page::AlreadyFinished, language).await,
        },
    }
}

/// Answers the browser that brought the code once the sign-in has ended, or after
/// [`REPLY_DEADLINE`] with a page saying Linkcord is still at it.
async fn answer_when_told(
    mut stream: TcpStream,
    told: oneshot::Receiver<(SignInOutcome, oneshot::Sender<()>)>,
    language: Language,
) {
    match tokio::time::timeout(REPLY_DEADLINE, told).await {
        Ok(Ok((outcome, sent))) => {
            answer(&mut stream, &Page::Finished(outcome), language).await;
            let _ = sent.send(());
        }
        Ok(Err(_)) => answer(&mut stream, &Page::Interrupted, language).await,
        Err(_) => answer(&mut stream, &Page::StillWorking, language).await,
    }
}

/// What one request gets.
enum Routed {
    /// Not this sign-in's answer: only a page.
    Page(Page),
    /// This sign-in's code: the page waits for the end of the sign-in.
    Code(AuthorizationCode),
    /// Discord's refusal for this sign-in: a page, and the sign-in ends with the error.
    Refused(Page, OAuthError),
}

/// Decides what a request gets; only a callback with our state can end the sign-in.
fn route(head: &str, shared: &Shared) -> Routed {
    let Some(target) = request_target(head) else {
        return Routed::Page(Page::BadRequest);
    };
    let Ok(url) = url::Url::parse("http://127.0.0.1").and_then(|base| base.join(target)) else {
        return Routed::Page(Page::BadRequest);
    };
    if url.path() != "/callback" {
        return Routed::Page(Page::NotFound);
    }
    match check_query(url.query_pairs(), &shared.expected) {
        Callback::WrongState => Routed::Page(Page::NotThisSignIn),
        Callback::Incomplete => Routed::Page(Page::BadRequest),
        Callback::Code(code) => Routed::Code(code),
        Callback::Denied => Routed::Refused(Page::Denied, OAuthError::AccessDenied),
        Callback::Failed { code, description } => Routed::Refused(
            Page::Failed,
            OAuthError::AuthorizationFailed { code, description },
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

async fn answer(stream: &mut TcpStream, page: &Page, language: Language) {
    let write = async {
        stream.write_all(&page.response(language)).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(READ_DEADLINE, write).await;
}
