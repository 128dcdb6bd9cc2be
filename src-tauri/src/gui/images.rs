//! The `lcimg:` protocol: how the webview shows Discord images from Linkcord's local cache.
//!
//! Views name CDN images by their real URL; before they reach the window each URL is rewritten
//! to `lcimg://localhost/<base64 of the URL>`. The handler serves the cached copy, fetching it
//! once if needed, and only ever from the configured CDN (see `linkcord_core::images`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use linkcord_core::discord::SnapshotView;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, UriSchemeContext, UriSchemeResponder, Wry};
use url::Url;

use super::AppState;

pub const SCHEME: &str = "lcimg";

/// The URL the webview loads for a CDN image.
pub fn local_url(cdn: &Url) -> Url {
    let encoded = URL_SAFE_NO_PAD.encode(cdn.as_str());
    // Windows' webview reaches custom protocols through http://<scheme>.localhost.
    let base = if cfg!(windows) {
        format!("http://{SCHEME}.localhost/{encoded}")
    } else {
        format!("{SCHEME}://localhost/{encoded}")
    };
    Url::parse(&base).expect("a valid local image URL")
}

/// Rewrites every image of a snapshot view to its local URL.
pub fn localise(view: &mut SnapshotView) {
    view.user.avatar_url = local_url(&view.user.avatar_url);
    if let Some(banner) = view.user.banner_url.as_mut() {
        *banner = local_url(banner);
    }
    if let linkcord_core::discord::Section::Granted { items } = &mut view.guilds {
        for guild in items {
            if let Some(icon) = guild.icon_url.as_mut() {
                *icon = local_url(icon);
            }
        }
    }
}

/// Serves one `lcimg:` request.
pub fn handle(
    ctx: UriSchemeContext<'_, Wry>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().trim_start_matches('/').to_owned();
    tauri::async_runtime::spawn(async move {
        let response = match decode(&path) {
            Some(url) => match app.state::<AppState>().images.get(&url).await {
                Ok(image) => Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, image.media_type)
                    .header(header::CACHE_CONTROL, "max-age=86400")
                    .body(image.bytes),
                Err(e) => {
                    tracing::debug!("image not served: {e}");
                    status(StatusCode::NOT_FOUND)
                }
            },
            None => status(StatusCode::BAD_REQUEST),
        };
        responder.respond(response.unwrap_or_else(|_| Response::new(Vec::new())));
    });
}

/// The CDN URL behind a local image URL made by [`local_url`].
pub fn cdn_url_of(local: &str) -> Option<Url> {
    let url = Url::parse(local).ok()?;
    decode(url.path().trim_start_matches('/'))
}

fn decode(path: &str) -> Option<Url> {
    let bytes = URL_SAFE_NO_PAD.decode(path).ok()?;
    Url::parse(std::str::from_utf8(&bytes).ok()?).ok()
}

fn status(code: StatusCode) -> tauri::http::Result<Response<Vec<u8>>> {
    Response::builder().status(code).body(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_urls_round_trip() {
        let cdn =
            Url::parse("https://cdn.discordapp.com/avatars/1/a_b.webp?size=128&animated=true")
                .unwrap();
        let local = local_url(&cdn);
        let path = local.path().trim_start_matches('/');
        assert_eq!(decode(path), Some(cdn));
        assert_eq!(decode("%%%"), None);
    }
}
