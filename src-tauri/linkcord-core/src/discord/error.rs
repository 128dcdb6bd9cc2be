/// What went wrong talking to Discord.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("could not reach Discord: {0}")]
    Network(String),
    #[error("Discord answered {status}: {message}")]
    Api { status: u16, message: String },
    #[error("Discord sent a reply Linkcord could not read: {0}")]
    BadResponse(String),
}
