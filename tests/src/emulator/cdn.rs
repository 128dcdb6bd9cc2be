//! The CDN under `<base>/cdn`: avatars, banners, default avatars and guild icons (FACTS §5).
//!
//! Like the real CDN it serves only hashes that exist (the fixture user's current avatar, a
//! fixture guild's icon), checks `?size=` (a power of two from 16 to 4096), and serves
//! animated GIFs for `a_` hashes. Images are generated (see `images`) and cached in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::images::{Format, render};
use super::state::AppState;

/// Side used when a request gives no `size`.
const DEFAULT_SIDE: u32 = 128;
/// Side of the default avatars (`embed/avatars/N.png` ignores `size`).
const EMBED_SIDE: u32 = 256;
/// How many default avatars exist (indices 0 to 5).
const EMBED_COUNT: u32 = 6;
/// Rendered images kept before the cache starts over.
const CACHE_LIMIT: usize = 256;

#[derive(Debug, Deserialize)]
pub(crate) struct ImageQuery {
    size: Option<String>,
    animated: Option<String>,
}

/// What identifies one rendered image: seed, side, content type, animated.
type ImageKey = (String, u32, &'static str, bool);

/// Rendered images, so repeated CDN hits cost nothing.
#[derive(Debug, Default)]
pub(crate) struct ImageCache(Mutex<HashMap<ImageKey, Bytes>>);

pub(crate) async fn avatar(
    State(state): State<AppState>,
    Path((user_id, file)): Path<(String, String)>,
    Query(query): Query<ImageQuery>,
) -> Response {
    let known = state
        .fixtures()
        .user(&user_id)
        .and_then(|u| u.avatar().map(str::to_owned));
    let scope = format!("avatars/{user_id}");
    serve_hashed(&state, &scope, known.as_deref(), &file, &query).await
}

/// `banners/{id}/…` holds both user and guild banners.
pub(crate) async fn banner(
    State(state): State<AppState>,
    Path((owner_id, file)): Path<(String, String)>,
    Query(query): Query<ImageQuery>,
) -> Response {
    let known = {
        let fixtures = state.fixtures();
        let user_banner = fixtures.user(&owner_id).and_then(|u| u.banner());
        let guild_banner = fixtures
            .guild_images(&owner_id)
            .and_then(|(_, banner)| banner.as_deref());
        user_banner.or(guild_banner).map(str::to_owned)
    };
    let scope = format!("banners/{owner_id}");
    serve_hashed(&state, &scope, known.as_deref(), &file, &query).await
}

pub(crate) async fn icon(
    State(state): State<AppState>,
    Path((guild_id, file)): Path<(String, String)>,
    Query(query): Query<ImageQuery>,
) -> Response {
    let known = state
        .fixtures()
        .guild_images(&guild_id)
        .and_then(|(icon, _)| icon.clone());
    let scope = format!("icons/{guild_id}");
    serve_hashed(&state, &scope, known.as_deref(), &file, &query).await
}

/// `embed/avatars/{index}.png`: PNG only, `size` ignored.
pub(crate) async fn default_avatar(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Response {
    let index = file
        .strip_suffix(".png")
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n < EMBED_COUNT);
    match index {
        Some(n) => {
            image_reply(
                &state,
                format!("embed/avatars/{n}"),
                EMBED_SIDE,
                Format::Png,
                false,
            )
            .await
        }
        None => not_found(),
    }
}

async fn serve_hashed(
    state: &AppState,
    scope: &str,
    known_hash: Option<&str>,
    file: &str,
    query: &ImageQuery,
) -> Response {
    let Some((hash, ext)) = file.rsplit_once('.') else {
        return not_found();
    };
    if known_hash != Some(hash) {
        return not_found();
    }
    let Some(format) = Format::from_extension(ext) else {
        return plain(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
    };
    let side = match parse_size(query.size.as_deref()) {
        Ok(side) => side,
        Err(reply) => return reply,
    };
    let animated = hash.starts_with("a_") && wants_animation(format, query.animated.as_deref());
    image_reply(state, format!("{scope}/{hash}"), side, format, animated).await
}

/// `a_` hashes animate as GIF, or as WebP with `animated=true` (served as a still WebP:
/// the encoder here writes single frames only).
fn wants_animation(format: Format, animated: Option<&str>) -> bool {
    match format {
        Format::Gif => true,
        Format::Webp => matches!(animated, Some("true" | "True" | "1")),
        _ => false,
    }
}

/// `size` must be a power of two from 16 to 4096.
fn parse_size(size: Option<&str>) -> Result<u32, Response> {
    let Some(raw) = size else {
        return Ok(DEFAULT_SIDE);
    };
    match raw.parse::<u32>() {
        Ok(n) if (16..=4096).contains(&n) && n.is_power_of_two() => Ok(n),
        _ => Err(plain(StatusCode::BAD_REQUEST, "Invalid size")),
    }
}

async fn image_reply(
    state: &AppState,
    seed: String,
    side: u32,
    format: Format,
    animated: bool,
) -> Response {
    let key = (seed, side, format.content_type(), animated);
    let cached = state
        .images
        .0
        .lock()
        .expect("image cache")
        .get(&key)
        .cloned();
    let bytes = match cached {
        Some(bytes) => bytes,
        None => {
            let seed = key.0.clone();
            let rendered =
                tokio::task::spawn_blocking(move || render(&seed, side, format, animated))
                    .await
                    .map(Bytes::from);
            let Ok(bytes) = rendered else {
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "render failed");
            };
            remember(state, key, bytes.clone());
            bytes
        }
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

fn remember(state: &AppState, key: ImageKey, bytes: Bytes) {
    let mut cache = state.images.0.lock().expect("image cache");
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(key, bytes);
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "404: Not Found")
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}
