//! The routes, and the one middleware every Discord and CDN request passes through: count
//! it, delay it, apply injected faults, enforce the rate limit and add its headers.

use axum::Router;
use axum::body::to_bytes;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::faults::{self, FaultKind};
use super::ratelimit::{add_headers, too_many_requests};
use super::replies::api_error;
use super::state::AppState;
use super::{EmulatorError, api, authorize, cdn, control, control_users, oauth};

pub(crate) fn router(state: AppState) -> Router {
    let discord = Router::new()
        .route(
            "/oauth2/authorize",
            get(authorize::get).post(authorize::post),
        )
        .route("/api/oauth2/token", post(oauth::token))
        .route("/api/oauth2/token/revoke", post(oauth::revoke))
        // The docs' code samples use the versioned form of the token URLs.
        .route("/api/v10/oauth2/token", post(oauth::token))
        .route("/api/v10/oauth2/token/revoke", post(oauth::revoke))
        .route("/api/v10/users/@me", get(api::me))
        .route("/api/v10/users/@me/connections", get(api::connections))
        .route("/api/v10/users/@me/guilds", get(api::guilds))
        .route("/api/v10/oauth2/@me", get(api::oauth2_me))
        .route("/cdn/avatars/{user_id}/{file}", get(cdn::avatar))
        .route("/cdn/banners/{owner_id}/{file}", get(cdn::banner))
        .route("/cdn/embed/avatars/{file}", get(cdn::default_avatar))
        .route("/cdn/icons/{guild_id}/{file}", get(cdn::icon))
        .layer(middleware::from_fn_with_state(state.clone(), emulate));
    discord
        .merge(control::routes())
        .merge(control_users::routes())
        .fallback(not_found)
        .with_state(state)
}

pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> Result<(), EmulatorError> {
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            // Also ends when the sender is gone (the handle was dropped).
            let _ = stop.wait_for(|stopping| *stopping).await;
        })
        .await
        .map_err(EmulatorError::Serve)
}

async fn not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, 0, "404: Not Found")
}

/// `/api/v10/users/@me/guilds` → `users/@me/guilds`; `/cdn/icons/{guild_id}/{file}` →
/// `cdn/icons`. These keys name routes in the stats and in fault specs.
pub(crate) fn route_key(matched: &str) -> String {
    let path = matched.trim_start_matches('/');
    let path = path
        .strip_prefix("api/v10/")
        .or_else(|| path.strip_prefix("api/"))
        .unwrap_or(path);
    path.split('/')
        .filter(|segment| !segment.starts_with('{'))
        .collect::<Vec<_>>()
        .join("/")
}

async fn emulate(
    State(state): State<AppState>,
    matched: MatchedPath,
    request: Request,
    next: Next,
) -> Response {
    let route = route_key(matched.as_str());
    let is_api = matched.as_str().starts_with("/api/");
    *state.stats().requests.entry(route.clone()).or_default() += 1;
    let plan = state.faults.lock().expect("faults lock").plan(&route);
    state.stats().faults_applied += plan.fired;
    let delay = state.config.latency + plan.delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(reply) = replace(&state, &route, plan.action.as_ref()).await {
        return reply;
    }
    let verdict = is_api.then(|| {
        let caller = caller_key(&request);
        let now = state.clock.now();
        state
            .limiter
            .lock()
            .expect("limiter lock")
            .check(&caller, &route, now)
    });
    if let Some(verdict) = verdict.as_ref().filter(|v| !v.allowed) {
        state.stats().rate_limited += 1;
        let wall = state.clock.wall_now();
        return too_many_requests(verdict, verdict.reset_after, false, wall);
    }
    let mut response = next.run(request).await;
    if let Some(verdict) = &verdict {
        add_headers(response.headers_mut(), verdict, state.clock.wall_now());
    }
    match plan.action {
        Some(action) => transform(response, action).await,
        None => response,
    }
}

/// Faults that answer instead of the handler.
async fn replace(state: &AppState, route: &str, action: Option<&FaultKind>) -> Option<Response> {
    match action? {
        FaultKind::RateLimit {
            retry_after,
            global,
        } => {
            state.stats().rate_limited += 1;
            let wait = std::time::Duration::try_from_secs_f64(*retry_after).unwrap_or_default();
            let limiter = state.limiter.lock().expect("limiter lock");
            let verdict = limiter.exhausted(route, wait);
            Some(too_many_requests(
                &verdict,
                wait,
                *global,
                state.clock.wall_now(),
            ))
        }
        FaultKind::ServerError { status } => Some(faults::server_error(*status)),
        FaultKind::Html { status } => Some(faults::html_page(*status)),
        FaultKind::Hang => {
            // Hang until shutdown, then let go so the server can stop.
            let mut stopping = state.stopping.clone();
            let _ = stopping.wait_for(|s| *s).await;
            Some(faults::server_error(503))
        }
        FaultKind::Latency { .. }
        | FaultKind::Truncate
        | FaultKind::ShortBody
        | FaultKind::Oversize { .. }
        | FaultKind::ExpiresIn { .. } => None,
    }
}

/// Faults that damage the handler's answer.
async fn transform(response: Response, action: FaultKind) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return faults::server_error(500);
    };
    let response = Response::from_parts(parts, axum::body::Body::empty());
    match action {
        FaultKind::Truncate => faults::truncate(response, bytes),
        FaultKind::ShortBody => faults::short_body(response, bytes),
        FaultKind::Oversize { bytes: size } => faults::oversize(response, bytes, size),
        FaultKind::ExpiresIn { seconds } => faults::expires_in(response, bytes, seconds),
        _ => Response::from_parts(response.into_parts().0, bytes.into()),
    }
}

/// Rate limits are kept per token; calls without one share a bucket.
fn caller_key(request: &Request) -> String {
    match request.headers().get(axum::http::header::AUTHORIZATION) {
        Some(value) => Sha256::digest(value.as_bytes())[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        None => "anonymous".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::route_key;

    #[test]
    fn route_keys_are_short_and_stable() {
        assert_eq!(route_key("/api/v10/users/@me/guilds"), "users/@me/guilds");
        assert_eq!(route_key("/api/oauth2/token/revoke"), "oauth2/token/revoke");
        assert_eq!(route_key("/oauth2/authorize"), "oauth2/authorize");
        assert_eq!(route_key("/cdn/icons/{guild_id}/{file}"), "cdn/icons");
        assert_eq!(route_key("/cdn/embed/avatars/{file}"), "cdn/embed/avatars");
    }
}
