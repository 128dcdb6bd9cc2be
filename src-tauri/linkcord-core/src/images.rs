//! A local cache of Discord CDN images (avatars, banners, server icons).
//!
//! The window must draw a cached screen without the network, and the webview must not be
//! able to make Linkcord fetch arbitrary addresses. So images are fetched by Linkcord, only
//! from the configured CDN, stored under the data dir keyed by a hash of their URL, and served
//! from there on every later request.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};
use url::Url;

use crate::config::Endpoints;

/// The largest image Linkcord will keep (Discord serves at most a few MiB).
const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// How many images [`ImageCache::prefetch`] downloads at once: enough to fill a few dozen
/// accounts' images in seconds, few enough not to look like a flood to the CDN.
const PREFETCH_AT_ONCE: usize = 4;
/// How long one picture's download may take, connection included.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{0} is not an image of Discord's CDN")]
    NotCdn(String),
    #[error("the CDN could not be reached: {0}")]
    Network(String),
    #[error("the CDN answered {0}")]
    Status(u16),
    #[error("the CDN sent something that is not an image")]
    NotAnImage,
    #[error("the image is larger than {MAX_IMAGE_BYTES} bytes")]
    TooLarge,
    #[error("the image cache at {path} could not be used: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// An image's bytes and its media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
}

#[derive(Debug, Clone)]
pub struct ImageCache {
    dir: PathBuf,
    cdn: Url,
    /// Taken on the first download: a start that draws from the cache sets up no TLS (the
    /// process's one client, `crate::http`, is built on its first use). Shared by every
    /// clone, made before or after it is taken (the prefetch downloads through clones).
    http: Arc<OnceLock<reqwest::Client>>,
    /// The downloads under way, one turn per file: at start the page, the tray and the
    /// prefetch may all ask for the same picture at once, and it is fetched once.
    downloads: Arc<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>>,
}

impl ImageCache {
    pub fn new(dir: &Path, endpoints: &Endpoints) -> Self {
        Self {
            dir: dir.to_path_buf(),
            cdn: endpoints.cdn_base().clone(),
            http: Arc::default(),
            downloads: Arc::default(),
        }
    }

    pub(crate) fn http(&self) -> Result<&reqwest::Client, ImageError> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = crate::http::shared()
            .map_err(|e| ImageError::Network(format!("could not set up HTTP: {e}")))?;
        Ok(self.http.get_or_init(|| client))
    }

    /// The image at `url`: from the cache when it is there, else fetched once and kept.
    pub async fn get(&self, url: &Url) -> Result<Image, ImageError> {
        self.check_cdn(url)?;
        let path = self.path_for(url);
        if let Some(image) = read_cached(&path)? {
            return Ok(image);
        }
        let turn = self.turn_for(&path);
        let result = {
            let _mine = turn.lock().await;
            // Whoever had the turn before may have fetched it meanwhile.
            match read_cached(&path)? {
                Some(image) => Ok(image),
                None => self.download(url, &path).await,
            }
        };
        self.end_turn(&path, &turn);
        result
    }

    /// Fetches the image at `url` and keeps it at `path`.
    async fn download(&self, url: &Url, path: &Path) -> Result<Image, ImageError> {
        tracing::debug!("fetching image {url}");
        let image = self.fetch(url).await?;
        // The image is good even when it cannot be kept: show it, and fetch it again next time.
        if let Err(e) = crate::files::write_atomic(path, &image.bytes) {
            tracing::warn!("image not cached at {}: {e}", path.display());
        }
        Ok(image)
    }

    /// The turn to download the file at `path`, shared by everyone asking for it now.
    fn turn_for(&self, path: &Path) -> Arc<tokio::sync::Mutex<()>> {
        let mut downloads = self.downloads.lock().unwrap_or_else(|e| e.into_inner());
        downloads.entry(path.to_path_buf()).or_default().clone()
    }

    /// Forgets the turn once nobody else holds it, so the map holds only downloads under way.
    fn end_turn(&self, path: &Path, turn: &Arc<tokio::sync::Mutex<()>>) {
        let mut downloads = self.downloads.lock().unwrap_or_else(|e| e.into_inner());
        // Two holders left: the map's and this caller's.
        if downloads.get(path).is_some_and(|t| Arc::ptr_eq(t, turn)) && Arc::strong_count(turn) <= 2
        {
            downloads.remove(path);
        }
    }

    /// The image at `url` if it is already cached; never touches the network.
    pub fn cached(&self, url: &Url) -> Option<Image> {
        self.check_cdn(url).ok()?;
        std::fs::read(self.path_for(url))
            .ok()
            .and_then(|b| sniff(b).ok())
    }

    /// Whether the image at `url` is in the cache, from the file's presence alone (no read).
    pub fn has(&self, url: &Url) -> bool {
        self.check_cdn(url).is_ok() && self.path_for(url).is_file()
    }

    /// Downloads the images of `urls` that are not cached yet, a few at a time, so that a
    /// later view naming them draws at once. Returns how many were fetched; a failure is
    /// logged and skipped (the view falls back to fetching it on demand).
    pub async fn prefetch(&self, urls: impl IntoIterator<Item = Url>) -> usize {
        let missing: Vec<Url> = urls.into_iter().filter(|u| !self.has(u)).collect();
        let mut fetched = 0;
        for batch in missing.chunks(PREFETCH_AT_ONCE) {
            let mut tasks = tokio::task::JoinSet::new();
            for url in batch {
                let (cache, url) = (self.clone(), url.clone());
                tasks.spawn(async move { cache.get(&url).await });
            }
            while let Some(done) = tasks.join_next().await {
                match done {
                    Ok(Ok(_)) => fetched += 1,
                    Ok(Err(e)) => tracing::debug!("image not prefetched: {e}"),
                    Err(e) => tracing::debug!("image prefetch stopped: {e}"),
                }
            }
        }
        fetched
    }

    fn check_cdn(&self, url: &Url) -> Result<(), ImageError> {
        let same_origin = url.origin() == self.cdn.origin();
        let under_base = url
            .path()
            .starts_with(self.cdn.path().trim_end_matches('/'));
        if same_origin && under_base && url.username().is_empty() && url.password().is_none() {
            Ok(())
        } else {
            Err(ImageError::NotCdn(url.to_string()))
        }
    }

    fn path_for(&self, url: &Url) -> PathBuf {
        let digest = Sha256::digest(url.as_str().as_bytes());
        let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(name)
    }

    async fn fetch(&self, url: &Url) -> Result<Image, ImageError> {
        let mut response = self
            .http()?
            .get(url.clone())
            .timeout(DOWNLOAD_TIMEOUT)
            .send()
            .await
            .map_err(|e| ImageError::Network(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(ImageError::Status(response.status().as_u16()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ImageError::Network(e.without_url().to_string()))?
        {
            if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
                return Err(ImageError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        sniff(bytes)
    }
}

/// The image cached at `path`, if there is one.
fn read_cached(path: &Path) -> Result<Option<Image>, ImageError> {
    match std::fs::read(path) {
        Ok(bytes) => sniff(bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ImageError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Identifies the image format from its first bytes; whatever the server claimed, only real
/// PNG, JPEG, GIF and WebP are served to the webview.
fn sniff(bytes: Vec<u8>) -> Result<Image, ImageError> {
    let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return Err(ImageError::NotAnImage);
    };
    Ok(Image { bytes, media_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(dir: &Path) -> ImageCache {
        let endpoints = Endpoints::new("http://127.0.0.1:9", "http://127.0.0.1:9/cdn").unwrap();
        ImageCache::new(dir, &endpoints)
    }

    #[test]
    fn no_client_until_a_download_and_then_one_for_every_clone() {
        let dir = tempfile::tempdir().unwrap();
        let c = cache(dir.path());
        assert!(
            c.http.get().is_none(),
            "a start from the cache sets up no TLS"
        );
        // The prefetch clones the cache before anything was downloaded: each clone setting
        // up its own TLS (about 60 ms of CPU) made 300 images take seconds.
        let clone = c.clone();
        let built: *const reqwest::Client = clone.http().unwrap();
        let shared: *const reqwest::Client = c.http.get().expect("built for both");
        assert!(std::ptr::eq(built, shared));
    }

    #[tokio::test]
    async fn only_the_cdn_is_fetched() {
        let dir = tempfile::tempdir().unwrap();
        let c = cache(dir.path());
        for url in [
            "http://127.0.0.1:9/api/v10/users/@me",
            "http://127.0.0.1:10/cdn/avatars/1/a.png",
            "http://evil.example/cdn/a.png",
            "http://user:pw@127.0.0.1:9/cdn/a.png",
        ] {
            let err = c.get(&Url::parse(url).unwrap()).await.unwrap_err();
            assert!(matches!(err, ImageError::NotCdn(_)), "{url}: {err}");
        }
    }

    #[tokio::test]
    async fn a_cached_image_is_served_without_the_network() {
        let dir = tempfile::tempdir().unwrap();
        let c = cache(dir.path());
        let url = Url::parse("http://127.0.0.1:9/cdn/avatars/1/abc.png").unwrap();
        // Nothing listens on port 9: a fetch would fail, so a success proves the cache served it.
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        std::fs::write(c.path_for(&url), &png).unwrap();
        let image = c.get(&url).await.unwrap();
        assert_eq!((image.bytes, image.media_type), (png, "image/png"));
        assert!(c.cached(&url).is_some());
    }

    /// A tiny CDN on a local port that serves one PNG at any path and counts requests.
    async fn counting_cdn() -> (Endpoints, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let served = count.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let body = b"\x89PNG\r\n\x1a\nrest";
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body).await;
            }
        });
        let base = format!("http://127.0.0.1:{port}");
        (
            Endpoints::new(&base, &format!("{base}/cdn")).unwrap(),
            count,
        )
    }

    #[tokio::test]
    async fn prefetch_fetches_only_what_is_missing_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let (endpoints, requests) = counting_cdn().await;
        let c = ImageCache::new(dir.path(), &endpoints);
        let urls: Vec<Url> = (0..6)
            .map(|i| endpoints.cdn_url(&format!("avatars/{i}/h{i}.png")))
            .collect();
        std::fs::write(c.path_for(&urls[0]), b"\x89PNG\r\n\x1a\nold").unwrap();

        assert_eq!(c.prefetch(urls.clone()).await, 5, "all but the cached one");
        assert!(urls.iter().all(|u| c.has(u)));
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 5);

        assert_eq!(c.prefetch(urls).await, 0, "a second pass finds them all");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn a_picture_asked_for_several_times_at_once_is_fetched_once() {
        let dir = tempfile::tempdir().unwrap();
        let (endpoints, requests) = counting_cdn().await;
        let c = ImageCache::new(dir.path(), &endpoints);
        let url = endpoints.cdn_url("avatars/1/same.png");
        // All three miss the cache before any download ends (the page, the tray, the prefetch).
        let clone = c.clone();
        let (a, b, d) = tokio::join!(c.get(&url), clone.get(&url), c.get(&url));
        assert!(a.is_ok() && b.is_ok() && d.is_ok());
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(
            c.downloads.lock().unwrap().is_empty(),
            "no turn is kept once done"
        );
    }

    #[test]
    fn only_real_image_formats_pass() {
        assert!(sniff(b"<html>".to_vec()).is_err());
        assert_eq!(
            sniff(b"GIF89a....".to_vec()).unwrap().media_type,
            "image/gif"
        );
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ".to_vec()).unwrap().media_type,
            "image/webp"
        );
    }
}
