use std::time::Duration;

use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::test_server::{TestServer, token_json};
use super::*;
use crate::config::Endpoints;
use crate::secret::{ClientSecret, RefreshToken};

fn client(endpoints: &Endpoints, secret: Option<&str>) -> OAuthClient {
    let credentials = ClientCredentials::new(
        "1234567890".parse().unwrap(),
        secret.map(|s| ClientSecret::new(s.to_owned())),
    );
    OAuthClient::new(endpoints, credentials).unwrap()
}

fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[test]
fn authorize_url_carries_pkce_s256_state_scopes_and_redirect() {
    let c = client(&Endpoints::default(), None);
    let pending = c.start(RedirectUri::Loopback { port: 4321 }, &Scopes::default());
    let url = pending.authorize_url();
    assert_eq!(
        url.as_str().split('?').next(),
        Some("https://discord.com/oauth2/authorize")
    );
    assert_eq!(query(url, "response_type").as_deref(), Some("code"));
    assert_eq!(query(url, "client_id").as_deref(), Some("1234567890"));
    assert_eq!(
        query(url, "redirect_uri").as_deref(),
        Some("http://127.0.0.1:4321/callback")
    );
    assert_eq!(
        query(url, "scope").as_deref(),
        Some("identify email connections guilds")
    );
    assert_eq!(query(url, "code_challenge_method").as_deref(), Some("S256"));
    // The challenge is base64url(SHA-256(verifier)), and the verifier never leaves memory.
    let verifier = pending.verifier.secret();
    assert!((43..=128).contains(&verifier.len()));
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    assert_eq!(query(url, "code_challenge"), Some(expected));
    assert!(!url.as_str().contains(verifier.as_str()));
    let state = query(url, "state").unwrap();
    assert_eq!(&state, pending.state.secret());
    assert!(state.len() >= 16);
    assert!(
        !format!("{pending:?}").contains(&state),
        "Debug must hide the state"
    );
}

#[test]
fn every_login_gets_a_new_state_and_verifier() {
    let c = client(&Endpoints::default(), None);
    let a = c.start(RedirectUri::Loopback { port: 1 }, &Scopes::default());
    let b = c.start(RedirectUri::Loopback { port: 1 }, &Scopes::default());
    assert_ne!(a.state.secret(), b.state.secret());
    assert_ne!(a.verifier.secret(), b.verifier.secret());
}

#[test]
fn a_client_without_a_secret_is_public() {
    let id: crate::values::ClientId = "123".parse().unwrap();
    assert!(ClientCredentials::new(id.clone(), None).is_public());
    let empty = Some(ClientSecret::new(String::new()));
    assert!(ClientCredentials::new(id.clone(), empty).is_public());
    let secret = Some(ClientSecret::new("s".into()));
    assert!(!ClientCredentials::new(id, secret).is_public());
}

#[tokio::test]
async fn public_client_exchange_sends_id_verifier_and_redirect_in_the_form() {
    let server = TestServer::start(|_| (200, token_json("at-1", "rt-1", 604800))).await;
    let c = client(&server.endpoints, None);
    let pending = c.start(RedirectUri::Loopback { port: 999 }, &Scopes::default());
    let verifier = pending.verifier.secret().clone();
    let tokens = c
        .exchange(pending, AuthorizationCode::new("the-code".into()))
        .await
        .unwrap();
    assert_eq!(tokens.access_token.secret(), "at-1");
    assert_eq!(tokens.refresh_token.as_ref().unwrap().secret(), "rt-1");
    assert_eq!(tokens.expires_in, Some(Duration::from_secs(604800)));
    assert!(!format!("{tokens:?}").contains("at-1"));
    let seen = &server.requests()[0];
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/api/oauth2/token")
    );
    let form = seen.form();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "the-code");
    assert_eq!(form["client_id"], "1234567890");
    assert_eq!(form["code_verifier"], verifier);
    assert_eq!(form["redirect_uri"], "http://127.0.0.1:999/callback");
    assert!(!form.contains_key("client_secret"));
    assert!(!seen.headers.contains_key("authorization"));
}

#[tokio::test]
async fn confidential_client_authenticates_with_basic() {
    let server = TestServer::start(|_| (200, token_json("a", "r", 60))).await;
    let c = client(&server.endpoints, Some("s3cret"));
    c.refresh(&RefreshToken::new("rt".into())).await.unwrap();
    let seen = &server.requests()[0];
    let form = seen.form();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "rt");
    let expected = base64::engine::general_purpose::STANDARD.encode("1234567890:s3cret");
    assert_eq!(seen.headers["authorization"], format!("Basic {expected}"));
    assert!(
        !format!("{c:?}").contains("s3cret"),
        "Debug must hide the secret"
    );
}

#[tokio::test]
async fn oversized_and_non_json_answers_are_bad_responses() {
    let server = TestServer::start(|seen| match seen.form()["refresh_token"].as_str() {
        "big" => (
            200,
            format!(r#"{{"access_token":"{}"}}"#, "x".repeat(100_000)),
        ),
        _ => (302, String::new()),
    })
    .await;
    let c = client(&server.endpoints, None);
    let err = c
        .refresh(&RefreshToken::new("big".into()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
    let err = c
        .refresh(&RefreshToken::new("redirect".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::BadResponse(_)), "{err}");
}

#[tokio::test]
async fn token_errors_are_typed_and_never_echo_the_body() {
    let server = TestServer::start(|seen| match seen.form()["refresh_token"].as_str() {
        "dead" => (400, r#"{"error":"invalid_grant","error_description":"Invalid \"refresh_token\" in request"}"#.into()),
        "client" => (401, r#"{"error":"invalid_client"}"#.into()),
        _ => (200, r#"{"access_token":"leak-me","oops":true}"#.into()),
    })
    .await;
    let c = client(&server.endpoints, None);
    let err = c
        .refresh(&RefreshToken::new("dead".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::InvalidGrant { .. }), "{err}");
    assert!(err.to_string().contains("sign in again"));
    let err = c
        .refresh(&RefreshToken::new("client".into()))
        .await
        .unwrap_err();
    assert_eq!(err, OAuthError::InvalidClient);
    let err = c
        .refresh(&RefreshToken::new("other".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::BadResponse(_)), "{err}");
    assert!(!err.to_string().contains("leak-me"));
}

#[tokio::test]
async fn revoke_posts_the_refresh_token_with_its_hint() {
    let server = TestServer::start(|_| (200, "{}".into())).await;
    let c = client(&server.endpoints, None);
    c.revoke(
        &crate::secret::AccessToken::new("at".into()),
        Some(&RefreshToken::new("rt".into())),
    )
    .await
    .unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.path, "/api/oauth2/token/revoke");
    let form = seen.form();
    assert_eq!(form["token"], "rt");
    assert_eq!(form["token_type_hint"], "refresh_token");
    assert_eq!(form["client_id"], "1234567890");
    // One User-Agent for every request Linkcord sends Discord, the API client's.
    assert_eq!(seen.headers["user-agent"], crate::discord::USER_AGENT);
}

#[tokio::test]
async fn an_unreachable_discord_is_a_network_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoints =
        Endpoints::new(&format!("http://127.0.0.1:{port}"), "http://127.0.0.1:1").unwrap();
    let err = client(&endpoints, None)
        .refresh(&RefreshToken::new("rt".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::Network(_)), "{err}");
}

// ----- deep links -----

#[test]
fn deep_link_callbacks_get_the_same_checks() {
    let c = client(&Endpoints::default(), None);
    let redirect = RedirectUri::deep_link(&"1234567890".parse().unwrap());
    let pending = c.start(redirect, &Scopes::default());
    let state = pending.state.secret().clone();
    let ok = format!("discord-1234567890:/authorize/callback?code=abc&state={state}");
    assert_eq!(
        parse_deep_link_callback(&ok, &pending).unwrap().secret(),
        "abc"
    );
    let forged = "discord-1234567890:/authorize/callback?code=abc&state=forged";
    assert_eq!(
        parse_deep_link_callback(forged, &pending).unwrap_err(),
        OAuthError::StateMismatch
    );
    let no_state = "discord-1234567890:/authorize/callback?code=abc";
    assert_eq!(
        parse_deep_link_callback(no_state, &pending).unwrap_err(),
        OAuthError::StateMismatch
    );
    let denied =
        format!("discord-1234567890:/authorize/callback?error=access_denied&state={state}");
    assert_eq!(
        parse_deep_link_callback(&denied, &pending).unwrap_err(),
        OAuthError::AccessDenied
    );
    let other_app = format!("discord-999:/authorize/callback?code=abc&state={state}");
    assert!(matches!(
        parse_deep_link_callback(&other_app, &pending),
        Err(OAuthError::NotACallback(_))
    ));
    let twice = format!("discord-1234567890:/authorize/callback?code=abc&state={state}&state=x");
    assert_eq!(
        parse_deep_link_callback(&twice, &pending).unwrap_err(),
        OAuthError::StateMismatch
    );
}

// ----- loopback listener over real TCP -----

async fn get(port: u16, target: &str) -> (u16, String) {
    send_raw(
        port,
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes(),
    )
    .await
}

async fn send_raw(port: u16, bytes: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let _ = stream.write_all(bytes).await;
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text).await;
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

async fn listening(language: Language) -> (u16, PendingLogin, WaitOptions, LoopbackListener) {
    let listener = LoopbackListener::bind(0).await.unwrap();
    let c = client(&Endpoints::default(), None);
    let pending = c.start(listener.redirect_uri(), &Scopes::default());
    let options = WaitOptions {
        language,
        ..WaitOptions::default()
    };
    (listener.port(), pending, options, listener)
}

#[tokio::test]
async fn the_listener_binds_loopback_and_names_its_real_port() {
    let listener = LoopbackListener::bind(0).await.unwrap();
    assert_ne!(listener.port(), 0);
    assert_eq!(
        listener.redirect_uri().to_string(),
        format!("http://127.0.0.1:{}/callback", listener.port())
    );
    assert!(listener.listener.local_addr().unwrap().ip().is_loopback());
}

#[tokio::test]
async fn forged_state_is_ignored_then_the_right_callback_is_accepted() {
    let (port, pending, options, listener) = listening(Language::French).await;
    let state = pending.state.secret().clone();
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });

    let (status, body) = get(port, "/callback?code=evil&state=forged").await;
    assert_eq!(status, 400);
    assert!(body.contains("ne correspond pas"), "{body}");
    let (status, _) = get(port, "/callback?code=evil").await;
    assert_eq!(status, 400);
    let (status, _) = get(port, "/favicon.ico").await;
    assert_eq!(status, 404);
    let (status, _) = get(port, &format!("/other?code=x&state={state}")).await;
    assert_eq!(status, 404);
    let (status, _) = send_raw(
        port,
        format!("POST /callback?code=x&state={state} HTTP/1.1\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(!waiting.is_finished(), "nothing above may end the sign-in");

    let target = format!("/callback?code=good&state={state}&iss=https%3A%2F%2Fdiscord.com");
    let browser = tokio::spawn(async move { get(port, &target).await });
    let (code, reply) = waiting.await.unwrap().unwrap();
    assert_eq!(code.secret(), "good");
    // The sign-in is over: nobody listens any more, but the browser still waits for its page.
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    assert!(
        !browser.is_finished(),
        "the page waits for the end of the sign-in"
    );
    reply
        .finish(SignInOutcome::SignedIn {
            username: "ava.nunez".into(),
            display_name: Some("Ava <b>Núñez</b> & co".into()),
        })
        .await;
    let (status, body) = browser.await.unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("Connexion réussie"), "{body}");
    assert!(
        body.contains(
            "Connecté en tant que <bdi>Ava &lt;b&gt;Núñez&lt;/b&gt; &amp; co</bdi> (@<bdi>ava.nunez</bdi>), vous pouvez fermer cet onglet."
        ),
        "the names are escaped and isolated: {body}"
    );
}

/// Sends our callback as a browser would; returns the code handed over, the browser's reply
/// handle and the browser's request, still waiting for its page.
async fn callback(
    port: u16,
    target: String,
    waiting: tokio::task::JoinHandle<Result<(AuthorizationCode, BrowserReply), OAuthError>>,
) -> (String, BrowserReply, tokio::task::JoinHandle<(u16, String)>) {
    let browser = tokio::spawn(async move { get(port, &target).await });
    let (code, reply) = waiting.await.unwrap().unwrap();
    (code.secret().clone(), reply, browser)
}

#[tokio::test]
async fn the_browser_hears_what_failed_or_that_the_sign_in_stopped() {
    let (port, pending, options, listener) = listening(Language::English).await;
    let target = format!("/callback?code=c&state={}", pending.state.secret());
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    let (_, reply, browser) = callback(port, target, waiting).await;
    reply
        .finish(SignInOutcome::Failed(SignInFailure::KeychainUnavailable))
        .await;
    let (status, body) = browser.await.unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("Sign-in not finished"), "{body}");
    assert!(body.contains("keychain is unavailable or locked"), "{body}");
    assert!(!body.contains("Signed in"), "{body}");

    let (port, pending, options, listener) = listening(Language::French).await;
    let target = format!("/callback?code=c&state={}", pending.state.secret());
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    let (_, reply, browser) = callback(port, target, waiting).await;
    drop(reply);
    let (_, body) = browser.await.unwrap();
    assert!(body.contains("Connexion interrompue"), "{body}");
}

#[tokio::test]
async fn only_the_first_matching_callback_counts() {
    let (port, pending, options, listener) = listening(Language::English).await;
    let state = pending.state.secret().clone();
    // Hold the wait open past the first callback by not polling it until both are sent.
    let shared_state = state.clone();
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    let target = format!("/callback?code=one&state={shared_state}");
    let (code, reply, first) = callback(port, target, waiting).await;
    assert_eq!(code, "one");
    // A replay afterwards finds the door closed.
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    reply
        .finish(SignInOutcome::Failed(SignInFailure::Other))
        .await;
    assert_eq!(first.await.unwrap().0, 200);
}

#[tokio::test]
async fn denial_with_our_state_ends_the_sign_in_as_access_denied() {
    let (port, pending, options, listener) = listening(Language::English).await;
    let state = pending.state.secret().clone();
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    // A forged denial is ignored…
    let (status, _) = get(port, "/callback?error=access_denied&state=nope").await;
    assert_eq!(status, 400);
    // …ours is not.
    let (status, body) = get(
        port,
        &format!("/callback?error=access_denied&error_description=x&state={state}"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("cancelled"));
    assert_eq!(
        waiting.await.unwrap().unwrap_err(),
        OAuthError::AccessDenied
    );
}

#[tokio::test]
async fn an_oversized_request_is_refused_and_the_wait_goes_on() {
    let (port, pending, options, listener) = listening(Language::English).await;
    let state = pending.state.secret().clone();
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    let huge = format!(
        "GET /callback?state={state}&code={} HTTP/1.1\r\n\r\n",
        "a".repeat(20_000)
    );
    let (status, _) = send_raw(port, huge.as_bytes()).await;
    assert_eq!(status, 431);
    assert!(!waiting.is_finished());
    let (code, _, _) = callback(port, format!("/callback?code=ok&state={state}"), waiting).await;
    assert_eq!(code, "ok");
}

#[tokio::test]
async fn a_slow_client_does_not_block_the_browser() {
    let (port, pending, options, listener) = listening(Language::English).await;
    let state = pending.state.secret().clone();
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    // Opens a connection and sends half a request line, then stalls.
    let mut slow = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    slow.write_all(b"GET /callback?sta").await.unwrap();
    let target = format!("/callback?code=fast&state={state}");
    let (code, reply, browser) = callback(port, target, waiting).await;
    assert_eq!(code, "fast");
    drop(reply);
    assert_eq!(browser.await.unwrap().0, 200);
    drop(slow);
}

#[tokio::test]
async fn idle_connections_cannot_starve_the_callback() {
    let (port, pending, options, listener) = listening(Language::English).await;
    let state = pending.state.secret().clone();
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    // Far more silent connections than the listener serves at once, all kept open.
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
    }
    let target = format!("/callback?code=through&state={state}");
    // Well under the 10 s a silent connection may keep its place.
    let answered = tokio::time::timeout(Duration::from_secs(3), callback(port, target, waiting));
    let (code, reply, browser) = answered
        .await
        .expect("the callback got through while 200 connections sat idle");
    assert_eq!(code, "through");
    drop(reply);
    assert_eq!(browser.await.unwrap().0, 200);
    drop(idle);
}

#[tokio::test]
async fn the_wait_gives_up_after_its_timeout() {
    let (_, pending, mut options, listener) = listening(Language::English).await;
    options.timeout = Duration::from_millis(50);
    let err = listener.wait(&pending, options).await.unwrap_err();
    assert_eq!(err, OAuthError::Timeout { seconds: 0 });
    assert!(err.to_string().contains("start the sign-in again"));
}

#[tokio::test]
async fn the_caller_can_cancel_the_wait() {
    let (_, pending, options, listener) = listening(Language::English).await;
    let cancel = options.cancel.clone();
    let waiting = tokio::spawn(async move { listener.wait(&pending, options).await });
    cancel.cancel();
    assert_eq!(waiting.await.unwrap().unwrap_err(), OAuthError::Cancelled);
}

#[tokio::test]
async fn a_busy_port_is_a_listen_error_that_says_what_to_do() {
    let taken = LoopbackListener::bind(0).await.unwrap();
    let err = LoopbackListener::bind(taken.port()).await.unwrap_err();
    assert!(matches!(err, OAuthError::Listen { .. }));
    assert!(err.to_string().contains("linkcord config set port"));
}

#[test]
fn language_follows_the_tag() {
    assert_eq!(Language::from_tag(Some("fr_FR.UTF-8")), Language::French);
    assert_eq!(Language::from_tag(Some("en")), Language::English);
    assert_eq!(Language::from_tag(None), Language::English);
}
