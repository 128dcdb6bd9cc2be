use std::time::Duration;

use base64::Engine;
use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, ClientId as OAuth2ClientId, EndpointNotSet, EndpointSet, ErrorResponseType,
    RedirectUrl, RequestTokenError, Scope, StandardErrorResponse, TokenResponse, TokenUrl,
};

use super::http::{Transport, TransportError};
use super::{AuthorizationCode, OAuthError, PendingLogin, RedirectUri, Scopes};
use crate::config::Endpoints;
use crate::secret::{AccessToken, ClientSecret, RefreshToken};
use crate::values::ClientId;

/// The application's identity at Discord: its id, and a secret only for a confidential
/// client. A public client (Discord's "Public Client" toggle) sends `client_id` in the form
/// body and relies on PKCE instead.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    id: ClientId,
    secret: Option<ClientSecret>,
}

impl ClientCredentials {
    /// The credentials of `id`; an empty secret counts as none.
    pub fn new(id: ClientId, secret: Option<ClientSecret>) -> Self {
        Self {
            id,
            secret: secret.filter(|s| !s.secret().is_empty()),
        }
    }

    pub fn client_id(&self) -> &ClientId {
        &self.id
    }

    pub fn is_public(&self) -> bool {
        self.secret.is_none()
    }
}

/// Tokens Discord just issued. `Debug` shows no token.
pub struct TokenSet {
    pub access_token: AccessToken,
    /// Discord rotates it on every refresh; `None` only if Discord sent none.
    pub refresh_token: Option<RefreshToken>,
    pub expires_in: Option<Duration>,
    /// The granted scopes, when Discord said which.
    pub scopes: Option<Scopes>,
    pub token_type: String,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_in", &self.expires_in)
            .field("scopes", &self.scopes)
            .field("token_type", &self.token_type)
            .finish()
    }
}

impl From<BasicTokenResponse> for TokenSet {
    fn from(response: BasicTokenResponse) -> Self {
        Self {
            access_token: response.access_token().clone(),
            refresh_token: response.refresh_token().cloned(),
            expires_in: response.expires_in(),
            scopes: response
                .scopes()
                .map(|list| Scopes::new(list.iter().map(|s| s.as_str()))),
            token_type: "Bearer".to_owned(),
        }
    }
}

/// `oauth2`'s client with the authorize and token endpoints set (revoke is built by hand,
/// because `oauth2` refuses a non-https revocation URL and the emulator is plain http).
type Configured =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Talks to Discord's authorize, token and revoke endpoints for one application.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    credentials: ClientCredentials,
    endpoints: Endpoints,
    transport: Transport,
}

impl OAuthClient {
    pub fn new(endpoints: &Endpoints, credentials: ClientCredentials) -> Result<Self, OAuthError> {
        Ok(Self {
            credentials,
            endpoints: endpoints.clone(),
            transport: Transport::new()?,
        })
    }

    pub fn credentials(&self) -> &ClientCredentials {
        &self.credentials
    }

    fn oauth(&self) -> Configured {
        let client = BasicClient::new(OAuth2ClientId::new(self.credentials.id.to_string()))
            .set_auth_uri(AuthUrl::from_url(self.endpoints.authorize_url()))
            .set_token_uri(TokenUrl::from_url(self.endpoints.token_url()));
        match &self.credentials.secret {
            // A confidential client authenticates with HTTP Basic, as Discord's examples do.
            Some(secret) => client
                .set_client_secret(secret.clone())
                .set_auth_type(AuthType::BasicAuth),
            None => client.set_auth_type(AuthType::RequestBody),
        }
    }

    /// Starts a sign-in: a fresh state and PKCE pair, and the authorize URL carrying them with
    /// `redirect` and `scopes`.
    pub fn start(&self, redirect: RedirectUri, scopes: &Scopes) -> PendingLogin {
        let (state, verifier, challenge) = PendingLogin::fresh();
        let given = state.clone();
        let (authorize_url, _) = self
            .oauth()
            .authorize_url(move || given)
            .set_redirect_uri(std::borrow::Cow::Owned(RedirectUrl::from_url(
                redirect.as_url(),
            )))
            .add_scopes(scopes.iter().map(|s| Scope::new(s.to_owned())))
            .set_pkce_challenge(challenge)
            .url();
        PendingLogin {
            state,
            verifier,
            redirect,
            scopes: scopes.clone(),
            authorize_url,
        }
    }

    /// Trades the code from the callback for tokens, with the verifier and the very redirect
    /// URI the sign-in was started with.
    pub async fn exchange(
        &self,
        pending: PendingLogin,
        code: AuthorizationCode,
    ) -> Result<TokenSet, OAuthError> {
        let redirect = RedirectUrl::from_url(pending.redirect.as_url());
        let scopes = pending.scopes.clone();
        let oauth = self.oauth();
        let mut tokens: TokenSet = oauth
            .exchange_code(code)
            .set_pkce_verifier(pending.verifier)
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .request_async(&self.transport)
            .await
            .map_err(map_error)?
            .into();
        tokens.scopes.get_or_insert(scopes);
        Ok(tokens)
    }

    /// Spends `refresh_token` for a new pair. Discord rotates refresh tokens: the old one is
    /// dead once this succeeds, so the caller must store the new pair before using it.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenSet, OAuthError> {
        let oauth = self.oauth();
        oauth
            .exchange_refresh_token(refresh_token)
            .request_async(&self.transport)
            .await
            .map(TokenSet::from)
            .map_err(map_error)
    }

    /// The RFC 7009 revoke request. Built in a plain function because the form serializer is
    /// not `Send` and must not live across an `.await` in [`Self::revoke`].
    fn revoke_request(
        &self,
        token: &str,
        hint: &str,
    ) -> Result<oauth2::http::Request<Vec<u8>>, OAuthError> {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("token", token);
        form.append_pair("token_type_hint", hint);
        let mut request = oauth2::http::Request::builder()
            .method(oauth2::http::Method::POST)
            .uri(self.endpoints.revoke_url().as_str())
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded");
        match &self.credentials.secret {
            Some(secret) => {
                let pair = format!(
                    "{}:{}",
                    form_encode(self.credentials.client_id().as_str()),
                    form_encode(secret.secret())
                );
                let basic = base64::engine::general_purpose::STANDARD.encode(pair);
                request = request.header("authorization", format!("Basic {basic}"));
            }
            None => {
                form.append_pair("client_id", self.credentials.client_id().as_str());
            }
        }
        request
            .body(form.finish().into_bytes())
            .map_err(|e| OAuthError::Config(e.to_string()))
    }

    /// Revokes the whole grant (Discord ends every token of the authorization, whichever one is
    /// sent). Sends the refresh token when there is one.
    ///
    /// Built by hand rather than through `oauth2`, which refuses a non-https revocation URL and
    /// so could not be tested against a loopback emulator; the form is RFC 7009's.
    pub async fn revoke(
        &self,
        access_token: &AccessToken,
        refresh_token: Option<&RefreshToken>,
    ) -> Result<(), OAuthError> {
        let (token, hint) = match refresh_token {
            Some(rt) => (rt.secret(), "refresh_token"),
            None => (access_token.secret(), "access_token"),
        };
        let request = self.revoke_request(token, hint)?;
        let response = self.transport.send(request).await.map_err(from_transport)?;
        if response.status().is_success() {
            return Ok(());
        }
        match serde_json::from_slice::<StandardErrorResponse<BasicErrorResponseType>>(
            response.body(),
        ) {
            Ok(body) => Err(map_error::<BasicErrorResponseType>(
                RequestTokenError::ServerResponse(body),
            )),
            Err(_) => Err(OAuthError::BadResponse(format!(
                "the revoke endpoint answered HTTP {}",
                response.status().as_u16()
            ))),
        }
    }
}

fn from_transport(error: TransportError) -> OAuthError {
    match error {
        TransportError::Status(_) | TransportError::TooLarge(_) => {
            OAuthError::BadResponse(error.to_string())
        }
        TransportError::Send(_) => OAuthError::Network(error.to_string()),
    }
}

/// RFC 6749 §2.3.1: id and secret are form-encoded before going into HTTP Basic.
fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Turns `oauth2`'s error into ours without carrying the raw body along (it may echo a token).
fn map_error<T>(error: RequestTokenError<TransportError, StandardErrorResponse<T>>) -> OAuthError
where
    T: ErrorResponseType + AsRef<str> + std::fmt::Display + 'static,
{
    match error {
        RequestTokenError::ServerResponse(response) => {
            let description =
                OAuthError::clean_description(response.error_description().map(String::as_str));
            match response.error().as_ref() {
                "invalid_grant" => OAuthError::InvalidGrant { description },
                "invalid_client" | "unauthorized_client" => OAuthError::InvalidClient,
                code => OAuthError::Rejected {
                    code: code
                        .chars()
                        .filter(|c| c.is_ascii_graphic())
                        .take(60)
                        .collect(),
                    description,
                },
            }
        }
        RequestTokenError::Request(e) => from_transport(e),
        RequestTokenError::Parse(e, _body) => {
            OAuthError::BadResponse(format!("unexpected JSON at {}", e.path()))
        }
        RequestTokenError::Other(reason) => {
            OAuthError::BadResponse(reason.chars().take(200).collect())
        }
    }
}
