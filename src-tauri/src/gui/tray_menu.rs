//! What the tray menu lists, as plain data: the accounts (the active one checked) to switch
//! in one click, "Add account…", "Refresh", "Open Linkcord" and "Quit".
//!
//! Kept apart from the Tauri side (`tray.rs`) so the rules are tested without a display, and
//! so the tray can tell whether anything it shows changed before it rebuilds a menu (a panel
//! redraws the whole menu on each rebuild).
//!
//! The order rule: the active account first, then the others most recently used first, at
//! most [`TOP_LEVEL_ACCOUNTS`] in all; with more accounts than that, the rest go under "More
//! accounts", by name, so the menu stays one screen high with 60 accounts.

use super::i18n::{Lang, Text, lang, text};
use crate::models::{AccountSummary, AccountsView};

/// How many accounts the menu lists before the rest go under "More accounts".
pub const TOP_LEVEL_ACCOUNTS: usize = 10;

pub const OPEN: &str = "open";
pub const QUIT: &str = "quit";
pub const ADD: &str = "add";
pub const REFRESH: &str = "refresh";
pub const MORE: &str = "more-accounts";
pub const ACCOUNT_PREFIX: &str = "account:";

/// What the tray shows: the menu, the hover text and the icon's avatar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub menu: Vec<Entry>,
    pub hover: String,
    pub avatar: Option<String>,
}

/// One line of the tray menu; the menu is built from these, and compared through them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Account {
        id: String,
        label: String,
        active: bool,
    },
    Action {
        id: &'static str,
        label: &'static str,
    },
    Submenu {
        id: &'static str,
        label: &'static str,
        items: Vec<Entry>,
    },
    Separator,
}

impl Shown {
    pub fn of(view: &AccountsView) -> Self {
        let (top, more) = arrange(&view.accounts);
        let mut menu: Vec<Entry> = top.into_iter().map(account_entry).collect();
        if !more.is_empty() {
            menu.push(Entry::Submenu {
                id: MORE,
                label: text(Text::TrayMoreAccounts),
                items: more.into_iter().map(account_entry).collect(),
            });
        }
        if !menu.is_empty() {
            menu.push(Entry::Separator);
        }
        let action = |id, label| Entry::Action {
            id,
            label: text(label),
        };
        menu.push(action(ADD, Text::TrayAdd));
        if view.active.is_some() {
            menu.push(action(REFRESH, Text::TrayRefresh));
        }
        menu.push(Entry::Separator);
        menu.push(action(OPEN, Text::TrayOpen));
        menu.push(action(QUIT, Text::TrayQuit));
        let active = view.accounts.iter().find(|a| a.active);
        Self {
            menu,
            hover: match active {
                Some(a) => format!("Linkcord — {}", isolate(&a.display_name)),
                None => "Linkcord".to_owned(),
            },
            avatar: active.and_then(|a| a.avatar_url.clone()),
        }
    }
}

/// Splits the accounts into the menu's top level and "More accounts" (see the module doc).
pub fn arrange(accounts: &[AccountSummary]) -> (Vec<&AccountSummary>, Vec<&AccountSummary>) {
    let mut ordered: Vec<&AccountSummary> = accounts.iter().collect();
    // The active account first whatever its rank, then by rank (0 = used last).
    ordered.sort_by_key(|a| (!a.active, a.recent_rank));
    let split = ordered.len().min(TOP_LEVEL_ACCOUNTS);
    let mut more = ordered.split_off(split);
    more.sort_by_cached_key(|a| (a.display_name.to_lowercase(), a.username.to_lowercase()));
    (ordered, more)
}

fn account_entry(account: &AccountSummary) -> Entry {
    Entry::Account {
        id: format!("{ACCOUNT_PREFIX}{}", account.id),
        label: account_label(account),
        active: account.active,
    }
}

/// An account in the menu: its display name, with the username when they differ, and the
/// badge of its unseen changes.
fn account_label(account: &AccountSummary) -> String {
    let name = if account.display_name == account.username {
        isolate(&account.username)
    } else {
        format!(
            "{} ({})",
            isolate(&account.display_name),
            isolate(&account.username)
        )
    };
    match account.unseen_changes {
        0 => name,
        n => format!("{name} · {}", unseen_badge(lang(), n)),
    }
}

/// "2 new" / "2 nouveaux": how many changes of the account were not seen yet.
fn unseen_badge(lang: Lang, count: u32) -> String {
    match (lang, count) {
        (Lang::En, n) => format!("{n} new"),
        (Lang::Fr, 1) => "1 nouveau".to_owned(),
        (Lang::Fr, n) => format!("{n} nouveaux"),
    }
}

/// `text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a name from Discord may
/// hold bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE) that would otherwise reverse the rest
/// of the menu line, and a right-to-left name keeps its own direction without taking the
/// words around it along.
pub fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::AccountStatus;

    fn account(username: &str, display_name: &str) -> AccountSummary {
        AccountSummary {
            id: "1184623570194718720".parse().unwrap(),
            username: username.into(),
            display_name: display_name.into(),
            avatar_url: None,
            status: AccountStatus::Ok,
            active: true,
            recent_rank: 0,
            unseen_changes: 0,
        }
    }

    /// `count` accounts named `user00`, `user01`…, ranked in reverse (the last one was used
    /// most recently), none active.
    fn many(count: u32) -> Vec<AccountSummary> {
        (0..count)
            .map(|i| AccountSummary {
                id: format!("{}", 80351110224678912u64 + u64::from(i))
                    .parse()
                    .unwrap(),
                username: format!("user{i:02}"),
                display_name: format!("User {i:02}"),
                avatar_url: None,
                status: AccountStatus::Ok,
                active: false,
                recent_rank: count - 1 - i,
                unseen_changes: 0,
            })
            .collect()
    }

    #[test]
    fn an_account_with_unseen_changes_says_how_many_in_its_line() {
        let mut a = account("ava", "Ava");
        assert!(!account_label(&a).contains('·'));
        a.unseen_changes = 2;
        assert!(account_label(&a).starts_with("\u{2068}Ava\u{2069} (\u{2068}ava\u{2069}) · "));
        assert_eq!(unseen_badge(Lang::En, 2), "2 new");
        assert_eq!(unseen_badge(Lang::Fr, 1), "1 nouveau");
        assert_eq!(unseen_badge(Lang::Fr, 3), "3 nouveaux");
    }

    fn names(accounts: &[&AccountSummary]) -> Vec<String> {
        accounts.iter().map(|a| a.username.clone()).collect()
    }

    #[test]
    fn up_to_ten_accounts_all_show_most_recent_first() {
        let mut accounts = many(10);
        accounts[9].active = true;
        let (top, more) = arrange(&accounts);
        assert_eq!(names(&top)[..3], ["user09", "user08", "user07"]);
        assert_eq!(top.len(), 10);
        assert!(more.is_empty());
    }

    #[test]
    fn past_ten_the_least_recent_go_under_more_by_name_and_the_active_stays_on_top() {
        let mut accounts = many(15);
        // The active account is the least recently used (e.g. an index from an older
        // version, or made active by hand): it still heads the top level.
        accounts[0].active = true;
        let (top, more) = arrange(&accounts);
        assert_eq!(top.len(), TOP_LEVEL_ACCOUNTS);
        assert_eq!(top[0].username, "user00");
        assert_eq!(names(&top)[1..4], ["user14", "user13", "user12"]);
        assert_eq!(
            names(&more),
            ["user01", "user02", "user03", "user04", "user05"]
        );

        let shown = Shown::of(&AccountsView {
            accounts,
            ..AccountsView::default()
        });
        let submenus: Vec<&Entry> = shown
            .menu
            .iter()
            .filter(|e| matches!(e, Entry::Submenu { .. }))
            .collect();
        assert!(
            matches!(submenus[..], [Entry::Submenu { items, .. }] if items.len() == 5),
            "{submenus:?}"
        );
        let top_level = shown
            .menu
            .iter()
            .filter(|e| matches!(e, Entry::Account { .. }))
            .count();
        assert_eq!(top_level, TOP_LEVEL_ACCOUNTS);
    }

    #[test]
    fn no_more_accounts_line_without_overflow() {
        let shown = Shown::of(&AccountsView {
            accounts: many(3),
            ..AccountsView::default()
        });
        assert!(
            !shown
                .menu
                .iter()
                .any(|e| matches!(e, Entry::Submenu { .. }))
        );
    }

    /// A display name with U+202E RIGHT-TO-LEFT OVERRIDE must not reverse what follows it
    /// in the menu line ("(username)") nor in the hover text: both names are isolated.
    #[test]
    fn names_in_the_menu_and_hover_text_are_isolated() {
        let view = AccountsView {
            accounts: vec![account("mallory.0", "Mallory \u{202E}gnp.exe")],
            ..AccountsView::default()
        };
        let shown = Shown::of(&view);
        let Some(Entry::Account { label, .. }) = shown.menu.first() else {
            panic!("no account line: {:?}", shown.menu);
        };
        assert_eq!(
            label,
            "\u{2068}Mallory \u{202E}gnp.exe\u{2069} (\u{2068}mallory.0\u{2069})"
        );
        assert_eq!(
            shown.hover,
            "Linkcord — \u{2068}Mallory \u{202E}gnp.exe\u{2069}"
        );
    }

    #[test]
    fn a_name_that_is_the_username_is_shown_once_isolated() {
        let view = AccountsView {
            accounts: vec![account("OldGuard", "OldGuard")],
            ..AccountsView::default()
        };
        let shown = Shown::of(&view);
        assert!(
            matches!(shown.menu.first(), Some(Entry::Account { label, .. }) if label == "\u{2068}OldGuard\u{2069}"),
            "{:?}",
            shown.menu
        );
    }
}
