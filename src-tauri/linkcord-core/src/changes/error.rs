use std::path::PathBuf;

/// Why the change history of an account could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("could not read or write the change history {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Busy(#[from] crate::accounts::AccountsError),
}

impl ChangesError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}
