//! The control endpoints that change a fixture user while the emulator runs, so a test can
//! make the changes Discord makes on its own: a service linked, revoked by the other side or
//! unlinked, a server joined, left or handed over, a renamed user or a new avatar.
//!
//! Path segments are percent-decoded (a connection id may hold `/`, sent as `%2F`). Bodies are
//! JSON objects. Unknown users, connections and guilds answer 404, duplicates 409 and bodies
//! that do not fit 400, each as `{"error": "..."}`. Like the rest of `/_emulator/`, these
//! routes are never rate limited or faulted.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, patch, post};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::fixtures::{Connection, EditError, Guild};
use super::replies::json_reply;
use super::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_emulator/users/{user}", patch(patch_user))
        .route("/_emulator/users/{user}/connections", post(add_connection))
        .route(
            "/_emulator/users/{user}/connections/{kind}/{id}",
            patch(patch_connection).delete(remove_connection),
        )
        .route("/_emulator/users/{user}/guilds", post(add_guild))
        .route(
            "/_emulator/users/{user}/guilds/{guild}",
            delete(remove_guild).patch(patch_guild),
        )
}

async fn patch_user(
    State(state): State<AppState>,
    Path(user): Path<String>,
    body: Bytes,
) -> Response {
    let fields = match parse::<Map<String, Value>>(&body, "an object of user fields") {
        Ok(fields) => fields,
        Err(reply) => return reply,
    };
    answer(
        StatusCode::OK,
        state.fixtures_mut().patch_user(&user, fields),
    )
}

async fn add_connection(
    State(state): State<AppState>,
    Path(user): Path<String>,
    body: Bytes,
) -> Response {
    let connection = match parse::<Connection>(&body, "a connection object") {
        Ok(connection) => connection,
        Err(reply) => return reply,
    };
    let result = state
        .fixtures_mut()
        .add_connection(&user, connection.clone())
        .map(|()| json!(connection));
    answer(StatusCode::CREATED, result)
}

async fn patch_connection(
    State(state): State<AppState>,
    Path((user, kind, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let fields = match parse::<Map<String, Value>>(&body, "an object of connection fields") {
        Ok(fields) => fields,
        Err(reply) => return reply,
    };
    let result = state
        .fixtures_mut()
        .patch_connection(&user, &kind, &id, fields)
        .map(|c| json!(c));
    answer(StatusCode::OK, result)
}

async fn remove_connection(
    State(state): State<AppState>,
    Path((user, kind, id)): Path<(String, String, String)>,
) -> Response {
    let result = state
        .fixtures_mut()
        .remove_connection(&user, &kind, &id)
        .map(|()| json!({ "removed": true }));
    answer(StatusCode::OK, result)
}

async fn add_guild(
    State(state): State<AppState>,
    Path(user): Path<String>,
    body: Bytes,
) -> Response {
    let guild = match parse::<Guild>(&body, "a guild object") {
        Ok(guild) => guild,
        Err(reply) => return reply,
    };
    let result = state
        .fixtures_mut()
        .add_guild(&user, guild.clone())
        .map(|()| json!(guild));
    answer(StatusCode::CREATED, result)
}

async fn patch_guild(
    State(state): State<AppState>,
    Path((user, guild)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let fields = match parse::<Map<String, Value>>(&body, "an object of guild fields") {
        Ok(fields) => fields,
        Err(reply) => return reply,
    };
    let result = state
        .fixtures_mut()
        .patch_guild(&user, &guild, fields)
        .map(|g| json!(g));
    answer(StatusCode::OK, result)
}

async fn remove_guild(
    State(state): State<AppState>,
    Path((user, guild)): Path<(String, String)>,
) -> Response {
    let result = state
        .fixtures_mut()
        .remove_guild(&user, &guild)
        .map(|()| json!({ "removed": true }));
    answer(StatusCode::OK, result)
}

fn parse<T: DeserializeOwned>(body: &[u8], expected: &str) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            &format!("expected {expected}: {e}"),
        )
    })
}

fn answer(status: StatusCode, result: Result<Value, EditError>) -> Response {
    match result {
        Ok(body) => json_reply(status, &body),
        Err(e) => error(status_of(&e), &e.to_string()),
    }
}

fn status_of(error: &EditError) -> StatusCode {
    match error {
        EditError::UnknownUser(_)
        | EditError::UnknownConnection { .. }
        | EditError::UnknownGuild(_) => StatusCode::NOT_FOUND,
        EditError::Conflict(_) => StatusCode::CONFLICT,
        EditError::Invalid(_) => StatusCode::BAD_REQUEST,
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    json_reply(status, &json!({ "error": message }))
}
