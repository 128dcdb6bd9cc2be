use crate::config::Endpoints;
use crate::secret::AccessToken;

use super::{DiscordError, User};

/// Talks to Discord's REST API with a user's bearer token.
#[derive(Debug, Clone)]
pub struct DiscordClient {
    http: reqwest::Client,
    endpoints: Endpoints,
}

impl DiscordClient {
    pub fn new(endpoints: &Endpoints) -> Result<Self, DiscordError> {
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| DiscordError::Network(e.to_string()))?;
        Ok(Self {
            http,
            endpoints: endpoints.clone(),
        })
    }

    /// `GET /users/@me`.
    pub async fn current_user(&self, token: &AccessToken) -> Result<User, DiscordError> {
        let response = self
            .http
            .get(self.endpoints.api_url("users/@me"))
            .bearer_auth(token.secret())
            .send()
            .await
            .map_err(|e| DiscordError::Network(e.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| DiscordError::Network(e.to_string()))?;
        if !status.is_success() {
            return Err(DiscordError::Api {
                status: status.as_u16(),
                message: String::from_utf8_lossy(&body).chars().take(200).collect(),
            });
        }
        serde_json::from_slice(&body).map_err(|e| DiscordError::BadResponse(e.to_string()))
    }
}
