use std::fmt;

use time::OffsetDateTime;
use tokio::sync::{OnceCell, mpsc};

use super::browser::UrlSink;
use super::{BrowserLaunch, SessionError};
use crate::accounts::{
    AccountEntry, AccountStore, AccountsError, HeldAccount, Identity, IndexWarning, Loaded,
    RefreshCoordinator,
};
use crate::config::{Environment, InForce, RedirectMode, Settings};
use crate::discord::{DiscordClient, Snapshot, User, UserId};
use crate::oauth::{
    AuthorizationCode, ClientCredentials, Language, LoopbackListener, OAuthClient, OAuthError,
    PendingLogin, RedirectUri, Scopes, SignInOutcome, WaitOptions, parse_deep_link_callback,
};
use crate::secret::{AccessToken, ClientSecret};
use crate::vault::VaultError;
use crate::vault::{TokenRecord, Vault};

/// What a sign-in may change from the saved settings, and how it talks to the user.
pub struct SignInOptions {
    /// Overrides `settings.redirect`.
    pub redirect: Option<RedirectMode>,
    /// Overrides `settings.port` (0: any free port).
    pub port: Option<u16>,
    /// Overrides `settings.scopes`.
    pub scopes: Option<Scopes>,
    /// The language of the page shown in the browser; default: the settings', else the
    /// system's. (It replaces `wait.language`.)
    pub language: Option<Language>,
    /// Timeout and cancel handle.
    pub wait: WaitOptions,
    pub browser: BrowserLaunch,
    /// Called with the authorize URL before the browser is opened, e.g. to print it.
    pub on_url: Option<UrlSink>,
    /// In deep-link mode: the links the OS hands to Linkcord (single-instance plugin, cold
    /// start argument). Links that are not this sign-in's answer are ignored.
    pub deep_links: Option<mpsc::Receiver<String>>,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            redirect: None,
            port: None,
            scopes: None,
            language: None,
            wait: WaitOptions::default(),
            browser: BrowserLaunch::Default,
            on_url: None,
            deep_links: None,
        }
    }
}

/// A finished sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: AccountEntry,
    /// False when this account was already known (it was updated, not duplicated).
    pub new_account: bool,
    /// Something to tell the user about the account files (see [`IndexWarning`]).
    pub warning: Option<IndexWarning>,
}

/// The result of removing an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedOut {
    pub account: UserId,
    pub username: Option<String>,
    /// True when Discord confirmed the revocation; false after [`Session::forget_locally`].
    pub revoked: bool,
}

impl fmt::Display for LoggedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.username.as_deref().unwrap_or(self.account.as_str());
        if self.revoked {
            write!(
                f,
                "Signed out of {name}: Discord revoked Linkcord's access and the tokens were deleted from the keychain."
            )
        } else {
            write!(
                f,
                "Removed {name} from this computer. Discord was NOT told: Linkcord stays authorised until you remove it under Discord's Settings → Authorized Apps."
            )
        }
    }
}

/// Linkcord's state for one process: where things are, what the user chose, the keychain,
/// the account files, and the refresh coordinator shared by every caller.
pub struct Session {
    env: Environment,
    settings: Settings,
    vault: Vault,
    store: AccountStore,
    refresher: RefreshCoordinator,
    /// Built on first use: a TLS client costs tens of milliseconds to set up (it loads the
    /// system's certificates), which commands such as `linkcord accounts` never need.
    discord: std::sync::OnceLock<DiscordClient>,
    oauth: OnceCell<OAuthClient>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("env", &self.env)
            .field("settings", &self.settings)
            .field("vault", &self.vault)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session on the OS keychain. Fails with a keychain error when there is none: there is
    /// no plaintext fallback.
    pub async fn open(env: Environment, settings: Settings) -> Result<Self, SessionError> {
        let vault = Vault::open_platform(&env.keyring_service).await?;
        Self::with_vault(env, settings, vault)
    }

    /// A session on a given vault (tests use an in-memory one).
    pub fn with_vault(
        env: Environment,
        settings: Settings,
        vault: Vault,
    ) -> Result<Self, SessionError> {
        let store = AccountStore::new(&env.data_dir);
        Ok(Self {
            discord: std::sync::OnceLock::new(),
            refresher: RefreshCoordinator::new(store.clone()),
            store,
            vault,
            settings,
            env,
            oauth: OnceCell::new(),
        })
    }

    pub fn environment(&self) -> &Environment {
        &self.env
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn account_store(&self) -> &AccountStore {
        &self.store
    }

    /// The Discord client, built on first use.
    pub fn discord(&self) -> Result<&DiscordClient, SessionError> {
        if let Some(client) = self.discord.get() {
            return Ok(client);
        }
        let client = DiscordClient::new(&self.env.endpoints)?;
        Ok(self.discord.get_or_init(|| client))
    }

    /// The configuration in force: the saved settings under the environment's overrides.
    pub fn in_force(&self) -> InForce {
        self.env.in_force(&self.settings)
    }

    /// The OAuth client, built once: the client id in force, and the client secret in force
    /// (none: a public client).
    pub async fn oauth(&self) -> Result<&OAuthClient, SessionError> {
        self.oauth
            .get_or_try_init(|| async {
                let id = self
                    .in_force()
                    .client_id()
                    .ok_or(SessionError::NoClientId)?
                    .map_err(|e| {
                        OAuthError::Config(format!(
                            "{e}; set it with `linkcord config set client-id`"
                        ))
                    })?;
                let secret = client_secret_in_force(&self.env, &self.vault).await?;
                let credentials = ClientCredentials::new(id, secret);
                Ok(OAuthClient::new(&self.env.endpoints, credentials)?)
            })
            .await
    }

    // ----- reading the accounts -----

    /// The account index, repaired if needed. After a rebuild the keychain is asked for the
    /// accounts it holds, so none is lost; the warning says what happened.
    pub async fn accounts(&self) -> Result<Loaded, SessionError> {
        let mut loaded = self.store.load_async().await?;
        if let Some(warning) = loaded.warning.as_mut() {
            match self.vault.list_accounts().await {
                Ok(listed) => {
                    self.store.recover_from_keychain(listed, warning).await?;
                    loaded.index = self.store.load_async().await?.index;
                }
                Err(e) => {
                    tracing::warn!("could not list the keychain to rebuild the account list: {e}")
                }
            }
        }
        Ok(loaded)
    }

    /// The account named by `key` (user id or username), or the active one when `None`.
    pub async fn account(&self, key: Option<&str>) -> Result<AccountEntry, SessionError> {
        let index = self.accounts().await?.index;
        let found = match key {
            Some(key) => index.find(key)?.clone(),
            None => index
                .active_entry()
                .cloned()
                .ok_or(AccountsError::NoActiveAccount)?,
        };
        Ok(found)
    }

    /// Makes the account named by `key` (user id or username) the active one.
    pub async fn switch(&self, key: &str) -> Result<AccountEntry, SessionError> {
        let target = self.account(Some(key)).await?;
        self.store
            .update_async(|index| index.set_active(&target.id))
            .await?;
        Ok(target)
    }

    // ----- tokens -----

    /// A valid access token for `account`, refreshed first if it is about to expire. One
    /// refresh at a time per account, across threads and processes.
    pub async fn valid_token(&self, account: &UserId) -> Result<AccessToken, SessionError> {
        let oauth = self.oauth().await?;
        Ok(self
            .refresher
            .valid_token(account, &self.vault, oauth)
            .await?)
    }

    /// A replacement for `rejected`, which Discord just answered 401 to.
    pub async fn token_after_unauthorized(
        &self,
        account: &UserId,
        rejected: &AccessToken,
    ) -> Result<AccessToken, SessionError> {
        let oauth = self.oauth().await?;
        Ok(self
            .refresher
            .after_unauthorized(account, rejected, &self.vault, oauth)
            .await?)
    }

    /// Before a short-lived process exits: waits, up to `patience`, for every refreshed pair
    /// the keychain refused to reach it after all. Returns the accounts whose pair it never
    /// took; their newest refresh token ends with this process.
    pub async fn store_kept_tokens(&self, patience: std::time::Duration) -> Vec<UserId> {
        self.refresher.store_kept(&self.vault, patience).await
    }

    // ----- signing in -----

    /// The whole sign-in: listen (loopback) or wait for links (deep link), open the browser,
    /// check the answer, exchange the code, read `/users/@me`, store the tokens in the
    /// keychain, then list the account and make it active.
    pub async fn sign_in(&self, mut options: SignInOptions) -> Result<SignedIn, SessionError> {
        let oauth = self.oauth().await?;
        let conf = self.in_force();
        let scopes = options.scopes.clone().unwrap_or(conf.scopes);
        options.wait.language = options
            .language
            .unwrap_or_else(|| Language::from_setting_or_system(self.settings.language.as_deref()));
        let mode = options.redirect.unwrap_or(conf.redirect);
        let (pending, code, browser) = match mode {
            RedirectMode::Loopback => {
                let port = options.port.unwrap_or(conf.port);
                let listener = LoopbackListener::bind(port).await?;
                let pending = oauth.start(listener.redirect_uri(), &scopes);
                self.launch(&pending, &options)?;
                let (code, browser) = listener.wait(&pending, options.wait.clone()).await?;
                (pending, code, Some(browser))
            }
            RedirectMode::DeepLink => {
                let redirect = RedirectUri::deep_link(oauth.credentials().client_id());
                let pending = oauth.start(redirect, &scopes);
                let Some(links) = options.deep_links.take() else {
                    return Err(OAuthError::Config(
                        "deep-link sign-in needs the app to receive links; use the loopback redirect from the command line".into(),
                    )
                    .into());
                };
                self.launch(&pending, &options)?;
                let code = wait_for_link(links, &pending, &options.wait).await?;
                // The OS handed the link over: there is no browser tab waiting for a page.
                (pending, code, None)
            }
        };
        let result = self.finish_sign_in(pending, code).await;
        // Only now does the browser tab learn how it ended: the account's name, or what failed.
        if let Some(browser) = browser {
            browser.finish(browser_outcome(&result)).await;
        }
        result
    }

    /// The second half of a sign-in, for callers that ran the first half themselves.
    pub async fn finish_sign_in(
        &self,
        pending: PendingLogin,
        code: AuthorizationCode,
    ) -> Result<SignedIn, SessionError> {
        let oauth = self.oauth().await?;
        let tokens = oauth.exchange(pending, code).await.map_err(|e| match e {
            OAuthError::InvalidGrant { .. } => SessionError::CodeRefused(e),
            other => other.into(),
        })?;
        let now = OffsetDateTime::now_utc();
        let record = TokenRecord::from_tokens(tokens, now, None);
        let snapshot = match self.keep_tokens(&record).await {
            Ok(snapshot) => snapshot,
            Err(e) => {
                revoke_unkept(oauth, &record).await;
                return Err(e);
            }
        };
        let user = &snapshot.user;
        let who = identity(user);
        let ((account, new_account), warning) = self
            .store
            .update_async(|index| {
                let new_account = index.get(&who.id).is_none();
                index.upsert(who, record.scopes.clone(), now);
                // The banner and discriminator too, so the switchers name every image from the
                // index alone; then set_active stamps the last use.
                index.remember_user(user, now);
                index.set_active(&user.id);
                let entry = index.get(&user.id).expect("just added").clone();
                (entry, new_account)
            })
            .await?;
        self.cache_snapshot(&user.id, &snapshot, now).await;
        Ok(SignedIn {
            account,
            new_account,
            warning,
        })
    }

    /// Reads whose tokens these are and stores them in the keychain.
    async fn keep_tokens(&self, record: &TokenRecord) -> Result<Snapshot, SessionError> {
        // Profile, connections and servers in one concurrent round trip: the account is then
        // shown complete at once, and a sign-in costs two requests' latency, not four.
        let snapshot = self.discord()?.snapshot(&record.access_token).await?;
        // The keychain first: an index entry without tokens would be a broken account. Under
        // the account's refresh locks, so a refresh elsewhere cannot overwrite the new pair.
        self.refresher
            .replace_tokens(&snapshot.user.id, record, &self.vault)
            .await?;
        Ok(snapshot)
    }

    fn launch(&self, pending: &PendingLogin, options: &SignInOptions) -> Result<(), SessionError> {
        // A sign-in replaced by a newer one may be cancelled while it was binding its port:
        // a tab opened now could never finish, and would sit beside the newer one's.
        if options.wait.cancel.is_cancelled() {
            return Err(OAuthError::Cancelled.into());
        }
        let url = pending.authorize_url();
        if let Some(show) = &options.on_url {
            show(url);
        }
        match options.browser.open(url, self.env.browser.as_deref()) {
            Ok(()) => Ok(()),
            // The URL was shown: the user can still open it by hand, so keep waiting.
            Err(e) if options.on_url.is_some() => {
                tracing::warn!("could not open the browser: {e}");
                Ok(())
            }
            Err(e) => Err(SessionError::Browser(e)),
        }
    }

    // ----- logging out -----

    /// Revokes the grant at Discord, then deletes the keychain entry, the cache and the index
    /// entry. If Discord cannot be reached nothing is deleted and the error offers
    /// [`Session::forget_locally`].
    ///
    /// All of it under the account's refresh locks: a refresh running elsewhere finishes
    /// first, so the pair revoked is the newest one, and none is stored afterwards.
    pub async fn log_out(&self, account: &UserId) -> Result<LoggedOut, SessionError> {
        let mut held = self.refresher.hold(account).await?;
        let record = held.tokens(account, &self.vault).await?;
        if let Some(record) = &record {
            let oauth = self.oauth().await?;
            match oauth
                .revoke(&record.access_token, record.refresh_token.as_ref())
                .await
            {
                // Already dead at Discord: nothing left to revoke.
                Ok(()) | Err(OAuthError::InvalidGrant { .. }) => {}
                Err(e) => {
                    return Err(SessionError::RevokeFailed {
                        account: account.to_string(),
                        reason: e.to_string(),
                    });
                }
            }
        }
        let mut out = self.forget_held(account, &mut held).await?;
        // With no tokens there was nothing to revoke: say so rather than claim it was done.
        out.revoked = record.is_some();
        Ok(out)
    }

    /// Deletes everything Linkcord keeps about `account` on this computer without telling
    /// Discord. The returned value's `Display` says plainly that the grant was not revoked.
    pub async fn forget_locally(&self, account: &UserId) -> Result<LoggedOut, SessionError> {
        let mut held = self.refresher.hold(account).await?;
        self.forget_held(account, &mut held).await
    }

    /// The deletions, with the account's refresh locks held. The index entry goes before the
    /// cache file, so a fetch finishing meanwhile finds the account gone and writes no cache.
    async fn forget_held(
        &self,
        account: &UserId,
        held: &mut HeldAccount,
    ) -> Result<LoggedOut, SessionError> {
        held.delete_tokens(account, &self.vault).await?;
        let (removed, _) = self
            .store
            .update_async(|index| index.remove(account))
            .await?;
        self.store.delete_cache(account).await?;
        // The change history goes with the cache (issue 12); a leftover file is only logged.
        if let Err(e) = crate::changes::ChangeLog::for_store(&self.store).forget(account) {
            tracing::warn!("could not delete the change history of account {account}: {e}");
        }
        Ok(LoggedOut {
            account: account.clone(),
            username: removed.map(|e| e.username),
            revoked: false,
        })
    }

    /// Logs out of every account, each on its own: one failure does not stop the others.
    pub async fn log_out_all(
        &self,
    ) -> Result<Vec<(UserId, Result<LoggedOut, SessionError>)>, SessionError> {
        let index = self.accounts().await?.index;
        let mut results = Vec::new();
        for entry in index.accounts {
            let result = self.log_out(&entry.id).await;
            results.push((entry.id, result));
        }
        Ok(results)
    }
}

/// What the browser tab that brought the code is told about the end of the sign-in.
fn browser_outcome(result: &Result<SignedIn, SessionError>) -> SignInOutcome {
    match result {
        Ok(signed_in) => SignInOutcome::SignedIn {
            username: signed_in.account.username.clone(),
            display_name: signed_in.account.display_name.clone(),
        },
        Err(e) => SignInOutcome::Failed(e.sign_in_failure()),
    }
}

/// Tokens Discord issued that could not be kept would stay valid, listed under the user's
/// Authorized Apps with nothing on this computer able to use or end them: revoke them.
/// Best effort; the error logged never holds a token.
async fn revoke_unkept(oauth: &OAuthClient, record: &TokenRecord) {
    match oauth
        .revoke(&record.access_token, record.refresh_token.as_ref())
        .await
    {
        Ok(()) => tracing::info!("revoked the tokens of a sign-in that could not be finished"),
        Err(e) => tracing::warn!(
            "could not revoke the tokens of a sign-in that could not be finished: {e}"
        ),
    }
}

fn identity(user: &User) -> Identity {
    Identity {
        id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.global_name.clone(),
        avatar: user.avatar.clone(),
    }
}

/// Waits for the deep link answering `pending`, ignoring links that are not it.
async fn wait_for_link(
    mut links: mpsc::Receiver<String>,
    pending: &PendingLogin,
    wait: &WaitOptions,
) -> Result<AuthorizationCode, OAuthError> {
    let deadline = tokio::time::sleep(wait.timeout);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = wait.cancel.cancelled() => return Err(OAuthError::Cancelled),
            _ = &mut deadline => return Err(OAuthError::Timeout { seconds: wait.timeout.as_secs() }),
            link = links.recv() => {
                let Some(link) = link else { return Err(OAuthError::Cancelled) };
                match parse_deep_link_callback(&link, pending) {
                    Err(OAuthError::StateMismatch | OAuthError::NotACallback(_)) => {
                        tracing::warn!("ignored a link that is not the answer to this sign-in");
                    }
                    outcome => return outcome,
                }
            }
        }
    }
}

/// The client secret in force: `LINKCORD_CLIENT_SECRET` over the one kept in the keychain;
/// none makes a public client. The one place this rule is written (sign-in and `doctor`).
pub async fn client_secret_in_force(
    env: &Environment,
    vault: &Vault,
) -> Result<Option<ClientSecret>, VaultError> {
    match env.client_secret() {
        Some(secret) => Ok(Some(secret.clone())),
        None => vault.client_secret().await,
    }
}
