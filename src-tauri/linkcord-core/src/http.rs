//! The process's one HTTP client, which every request to Discord and its CDN goes through.
//!
//! Setting up HTTPS reads and parses the system's certificate bundle: about 60 ms of CPU with
//! OpenSSL 3, and a copy of every certificate in memory, for each client built. The API
//! client, the OAuth client and the image cache each built their own, so the seconds after a
//! start (a refresh, then the pictures' prefetch) paid for it twice and a token refresh from
//! the command line once more. They now share one client, built on first use, and its pool of
//! connections. What differs between them is set per request: the overall time limit
//! (`RequestBuilder::timeout`). A caller that needs another connect timeout (the tests of
//! slow networks) builds its own with [`build`].

use std::sync::OnceLock;
use std::time::Duration;

/// How long any connection may take to open, unless a caller asks otherwise.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

static SHARED: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();

/// The shared client (a cheap handle onto it), built on the first call. A client that could
/// not be built (no TLS backend) is reported to every caller: it would fail again.
pub fn shared() -> Result<reqwest::Client, String> {
    SHARED
        .get_or_init(|| {
            count_shared_build();
            new_client(CONNECT_TIMEOUT).map_err(|e| e.to_string())
        })
        .clone()
}

/// A client of its own: the same settings as the shared one, another connect timeout.
pub fn build(connect_timeout: Duration) -> reqwest::Result<reqwest::Client> {
    #[cfg(test)]
    OWN_BUILT_ON_THIS_THREAD.with(|n| n.set(n.get() + 1));
    new_client(connect_timeout)
}

fn new_client(connect_timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        // The same product string for every request, so Discord sees one application.
        .user_agent(crate::discord::USER_AGENT)
        .connect_timeout(connect_timeout)
        // A token goes to the configured Discord and nowhere else: no redirects, anywhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

#[cfg(test)]
thread_local! {
    /// Clients of their own ([`build`]) made by this thread.
    static OWN_BUILT_ON_THIS_THREAD: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
static SHARED_BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_shared_build() {
    #[cfg(test)]
    SHARED_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_caller_gets_the_one_client() {
        let callers: Vec<_> = (0..4).map(|_| std::thread::spawn(shared)).collect();
        for caller in callers {
            caller.join().unwrap().unwrap();
        }
        shared().unwrap();
        // However many tests of this crate asked for it, in whatever order: built once.
        assert_eq!(SHARED_BUILDS.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn the_api_oauth_and_image_clients_set_up_https_once_between_them() {
        // On a thread of its own, so the count is this test's alone.
        let own = std::thread::spawn(|| {
            let endpoints = crate::config::Endpoints::default();
            crate::discord::DiscordClient::new(&endpoints).unwrap();
            let credentials =
                crate::oauth::ClientCredentials::new("1234567890".parse().unwrap(), None);
            crate::oauth::OAuthClient::new(&endpoints, credentials).unwrap();
            let dir = tempfile::tempdir().unwrap();
            crate::images::ImageCache::new(dir.path(), &endpoints)
                .http()
                .unwrap();
            OWN_BUILT_ON_THIS_THREAD.with(|n| n.get())
        })
        .join()
        .unwrap();
        assert_eq!(
            own, 0,
            "clients of their own, each parsing the certificates again"
        );
    }
}
