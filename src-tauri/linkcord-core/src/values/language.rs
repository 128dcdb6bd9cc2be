/// The language Linkcord speaks to the person: the browser pages of a sign-in, the window and
/// the tray. English unless French is asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    English,
    French,
}

impl Language {
    /// From a setting or a locale tag such as `fr`, `fr-CA` or `fr_FR.UTF-8`; English otherwise.
    pub fn from_tag(tag: Option<&str>) -> Self {
        match tag {
            Some(t) if t.to_ascii_lowercase().starts_with("fr") => Self::French,
            _ => Self::English,
        }
    }

    /// The system's language (see [`system_locale`]).
    pub fn system() -> Self {
        Self::from_tag(system_locale().as_deref())
    }

    /// From the saved setting, else the system locale.
    pub fn from_setting_or_system(setting: Option<&str>) -> Self {
        match setting {
            Some(tag) => Self::from_tag(Some(tag)),
            None => Self::system(),
        }
    }

    /// The setting's and HTML's code: `en` or `fr`.
    pub fn code(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::French => "fr",
        }
    }
}

/// The system locale, as the C library would choose it for messages: the first of `LC_ALL`,
/// `LC_MESSAGES` and `LANG` that is set and not empty. The one place Linkcord reads it.
pub fn system_locale() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_locales_are_french_and_the_rest_english() {
        assert_eq!(Language::from_tag(Some("fr_FR.UTF-8")), Language::French);
        assert_eq!(Language::from_tag(Some("FR-ca")), Language::French);
        assert_eq!(Language::from_tag(Some("en")), Language::English);
        assert_eq!(Language::from_tag(Some("de_DE")), Language::English);
        assert_eq!(Language::from_tag(None), Language::English);
        assert_eq!(
            Language::from_setting_or_system(Some("fr")),
            Language::French
        );
        assert_eq!(Language::French.code(), "fr");
    }
}
