//! The client side the `emulator_*` suites share: start an emulator in process and walk the
//! OAuth2 flow over real HTTP, the way a client would (authorize, exchange, refresh, the API
//! and the control endpoints), with redirects left for the test to read.

use crate::emulator::{Emulator, EmulatorConfig, RunningEmulator, challenge_for, new_verifier};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// Any port on the portless loopback registration works; this one is not registered.
pub const LOOPBACK: &str = "http://127.0.0.1:49821/callback";

pub struct Harness {
    pub emu: RunningEmulator,
    pub http: Client,
}

/// A token pair from a successful exchange.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub body: Value,
}

pub async fn start() -> Harness {
    start_with(EmulatorConfig::default()).await
}

pub async fn start_with(config: EmulatorConfig) -> Harness {
    let emu = Emulator::start(config).await.expect("emulator starts");
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    Harness { emu, http }
}

/// The query of a `Location` header, as pairs.
pub fn location_params(response: &Response) -> (String, Vec<(String, String)>) {
    let location = response
        .headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_owned();
    let url = url::Url::parse(&location).expect("Location is a URL");
    let pairs = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (location, pairs)
}

pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    /// `GET /oauth2/authorize` with the given extra query pairs (client id and
    /// `response_type=code` are added).
    pub async fn authorize_raw(&self, extra: &[(&str, &str)]) -> Response {
        let mut query = vec![
            ("client_id", self.emu.client_id()),
            ("response_type", "code"),
        ];
        query.extend_from_slice(extra);
        self.http
            .get(self.url("/oauth2/authorize"))
            .query(&query)
            .send()
            .await
            .expect("authorize request")
    }

    /// Approves as `user` with PKCE; returns (code, verifier).
    pub async fn code_for(&self, user: &str, scope: &str, redirect: &str) -> (String, String) {
        let verifier = new_verifier();
        let challenge = challenge_for(&verifier);
        let response = self
            .authorize_raw(&[
                ("scope", scope),
                ("redirect_uri", redirect),
                ("state", "s-123"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
                ("approve_as", user),
            ])
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FOUND,
            "authorize should redirect"
        );
        let (_, pairs) = location_params(&response);
        assert_eq!(param(&pairs, "state"), Some("s-123"));
        let code = param(&pairs, "code").expect("a code").to_owned();
        (code, verifier)
    }

    /// `POST /api/oauth2/token` with a form body.
    pub async fn token(&self, form: &[(&str, &str)]) -> Response {
        self.post_form("/api/oauth2/token", form).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("form request")
    }

    /// Exchanges a code as a public client.
    pub async fn exchange(&self, code: &str, redirect: &str, verifier: &str) -> Response {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
            ("client_id", self.emu.client_id()),
        ])
        .await
    }

    /// The whole flow as a public client: authorize as `user`, exchange, return tokens.
    pub async fn login(&self, user: &str, scope: &str) -> Tokens {
        let (code, verifier) = self.code_for(user, scope, LOOPBACK).await;
        let response = self.exchange(&code, LOOPBACK, &verifier).await;
        assert_eq!(response.status(), StatusCode::OK);
        tokens(response).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", self.emu.client_id()),
        ])
        .await
    }

    /// `GET /api/v10{path}` with a bearer token.
    pub async fn api(&self, path: &str, token: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.emu.api_url()))
            .bearer_auth(token)
            .send()
            .await
            .expect("api request")
    }

    /// `GET /api/v10{path}` and the JSON body, asserting the status.
    pub async fn api_json(&self, path: &str, token: &str, status: StatusCode) -> Value {
        let response = self.api(path, token).await;
        assert_eq!(response.status(), status, "GET {path}");
        response.json().await.expect("a JSON body")
    }

    pub async fn control_get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(self.url(path))
            .send()
            .await
            .expect("control get");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("control JSON")
    }

    pub async fn control_post(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("control post");
        assert_eq!(response.status(), StatusCode::OK, "POST {path}");
        response.json().await.expect("control JSON")
    }

    pub async fn stats(&self) -> Value {
        self.control_get("/_emulator/stats").await
    }
}

pub async fn tokens(response: Response) -> Tokens {
    let body: Value = response.json().await.expect("token JSON");
    Tokens {
        access: body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned(),
        refresh: body["refresh_token"]
            .as_str()
            .expect("refresh_token")
            .to_owned(),
        body,
    }
}

/// The JSON body and status of an OAuth2 error.
pub async fn oauth_error(response: Response) -> (StatusCode, String, Value) {
    let status = response.status();
    let body: Value = response.json().await.expect("an error body");
    let error = body["error"].as_str().unwrap_or_default().to_owned();
    (status, error, body)
}
