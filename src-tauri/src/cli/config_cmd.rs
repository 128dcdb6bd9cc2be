//! `linkcord config get|set`.

use linkcord_core::config::{Environment, Settings, SettingsKey};

use super::args::ConfigCommand;
use super::{ExitCode, Failure};

pub fn run(command: ConfigCommand) -> Result<(), Failure> {
    let env = Environment::from_env().map_err(|e| Failure::new(ExitCode::Usage, e))?;
    let path = env.settings_path();
    let mut settings = Settings::load(&path).map_err(|e| Failure::new(ExitCode::Other, e))?;
    match command {
        ConfigCommand::Get { key } => {
            let key = parse_key(&key)?;
            if key == SettingsKey::ClientSecret {
                return Err(Failure::new(
                    ExitCode::Usage,
                    "the client secret is never printed; `linkcord doctor` says whether one is stored",
                ));
            }
            println!("{}", settings.get(key).unwrap_or_default());
            Ok(())
        }
        ConfigCommand::Set { key, value } => {
            let key = parse_key(&key)?;
            settings
                .set(key, &value)
                .map_err(|e| Failure::new(ExitCode::Usage, e))?;
            settings
                .save(&path)
                .map_err(|e| Failure::new(ExitCode::Other, e))
        }
    }
}

fn parse_key(key: &str) -> Result<SettingsKey, Failure> {
    key.parse().map_err(|e| Failure::new(ExitCode::Usage, e))
}
