//! The table `linkcord accounts` prints: aligned columns that fit an 80-column terminal.
//!
//! Names come from Discord, so they are measured by how many columns a terminal gives them
//! (CJK and most emoji take two), cut with an ellipsis when too long, and each kept in its own
//! bidi isolate (see [`output::isolate`]), whose marks take no column.

use anstyle::{AnsiColor, Style};
use linkcord_core::accounts::{AccountEntry, AccountStatus};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::output;

/// The terminal width the table is made for.
pub const WIDTH: usize = 80;

const GAP: usize = 2;
const NEEDS_SIGN_IN: &str = "needs sign-in";
const HEADER: Style = Style::new().bold();
const ACTIVE: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));

/// One account, as the table shows it.
#[derive(Debug)]
pub struct Row {
    pub active: bool,
    pub id: String,
    pub username: String,
    /// Left out when it only repeats the username.
    pub display_name: Option<String>,
    pub needs_sign_in: bool,
}

impl Row {
    pub fn new(entry: &AccountEntry, active: bool) -> Self {
        Self {
            active,
            id: entry.id.as_str().to_owned(),
            username: entry.username.clone(),
            display_name: entry.display_name.clone().filter(|n| *n != entry.username),
            needs_sign_in: entry.status == AccountStatus::NeedsSignIn,
        }
    }
}

/// The header and one line per row, with colour codes (anstream drops them where they do not
/// belong). No line is wider than `width` columns once they are dropped.
pub fn lines(rows: &[Row], width: usize) -> Vec<String> {
    let id_w = widest("ID", rows.iter().map(|r| r.id.as_str()));
    let user_nat = widest("USERNAME", rows.iter().map(|r| r.username.as_str()));
    let shows_display = rows.iter().any(|r| r.display_name.is_some());
    let display_nat = if shows_display {
        widest(
            "DISPLAY NAME",
            rows.iter().filter_map(|r| r.display_name.as_deref()),
        )
    } else {
        0
    };
    let shows_status = rows.iter().any(|r| r.needs_sign_in);
    let fixed = 2
        + id_w
        + GAP
        + if shows_display { GAP } else { 0 }
        + if shows_status {
            GAP + NEEDS_SIGN_IN.len()
        } else {
            0
        };
    let (user_w, display_w) = share(width.saturating_sub(fixed), user_nat, display_nat);

    let mut header = format!("  {:<id_w$}{:GAP$}{:<user_w$}", "ID", "", "USERNAME");
    if shows_display {
        header.push_str(&format!("{:GAP$}{:<display_w$}", "", "DISPLAY NAME"));
    }
    if shows_status {
        header.push_str(&format!("{:GAP$}STATUS", ""));
    }
    let mut lines = vec![format!("{HEADER}{}{HEADER:#}", header.trim_end())];
    for row in rows {
        let marker = if row.active {
            format!("{ACTIVE}*{ACTIVE:#}")
        } else {
            " ".into()
        };
        let mut line = format!(
            "{marker} {:<id_w$}{:GAP$}{}",
            row.id,
            "",
            cell(&row.username, user_w)
        );
        if shows_display {
            let name = row.display_name.as_deref().unwrap_or("");
            line.push_str(&format!("{:GAP$}{}", "", cell(name, display_w)));
        }
        if row.needs_sign_in {
            line.push_str(&format!("{:GAP$}{WARNING}{NEEDS_SIGN_IN}{WARNING:#}", ""));
        }
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// The width of the widest of `texts` and `title`.
fn widest<'a>(title: &str, texts: impl Iterator<Item = &'a str>) -> usize {
    texts
        .map(UnicodeWidthStr::width)
        .fold(title.width(), usize::max)
}

/// Splits `room` columns between usernames and display names: each gets what it needs when
/// both fit, else the shorter need is met up to half the room and the other gets the rest.
fn share(room: usize, user: usize, display: usize) -> (usize, usize) {
    if user + display <= room {
        return (user, display);
    }
    let half = room / 2;
    if user <= half {
        (user, room - user)
    } else if display <= half {
        (room - display, display)
    } else if display == 0 {
        (room, 0)
    } else {
        (room - half, half)
    }
}

/// `text` cut to `width` columns, isolated, then padded to `width` columns. An empty text is
/// left blank, without isolates around nothing.
fn cell(text: &str, width: usize) -> String {
    if text.is_empty() {
        return " ".repeat(width);
    }
    let shown = truncate(text, width);
    let pad = width.saturating_sub(shown.width());
    format!("{}{}", output::isolate(&shown), " ".repeat(pad))
}

/// `text` when it fits in `width` columns, else as much of it as fits followed by `…`.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut shown = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        shown.push(c);
    }
    shown.push('…');
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, username: &str, display_name: Option<&str>) -> Row {
        Row {
            active: false,
            id: id.into(),
            username: username.into(),
            display_name: display_name.map(Into::into),
            needs_sign_in: false,
        }
    }

    /// The lines as a terminal without colours shows them.
    fn plain(rows: &[Row]) -> Vec<String> {
        lines(rows, WIDTH)
            .iter()
            .map(|l| anstream::adapter::strip_str(l).to_string())
            .collect()
    }

    /// The column where the username starts: the display width of what precedes its isolate.
    fn username_column(line: &str) -> usize {
        line[..line.find('\u{2068}').expect("an isolated name")].width()
    }

    fn hostile_rows() -> Vec<Row> {
        let mut rows = vec![
            row("1098765432109876543", "ava.nunez", Some("Ava Núñez-Gómez")),
            row(
                "12345678901234567890",
                "a_username_of_thirty_two_chars__",
                Some("山田花子山田花子山田花子山田花子山田花子山田花子🌸🌸🌸🌸"),
            ),
            row(
                "917263548192736455",
                "layla.h",
                Some("ليلى حسن ليلى حسن ليلى حسن ليلى حسن 🌙"),
            ),
            row(
                "1184623570194718720",
                "mallory.0",
                Some("Mallory \u{202e}gnp.exe"),
            ),
            row("94108243765297152", "OldGuard", None),
        ];
        rows[0].active = true;
        rows[2].needs_sign_in = true;
        rows
    }

    #[test]
    fn every_line_fits_80_columns_with_long_cjk_and_rtl_names() {
        for line in plain(&hostile_rows()) {
            println!("{line}");
            assert!(line.width() <= WIDTH, "{} columns: {line:?}", line.width());
        }
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis_inside_their_isolate() {
        let lines = plain(&hostile_rows());
        assert!(lines[2].contains("…\u{2069}"), "{:?}", lines[2]);
        assert!(lines[2].contains("\u{2068}山田花子"), "{:?}", lines[2]);
        // Short names are shown whole, each in its own isolate.
        assert!(
            lines[1].contains("\u{2068}ava.nunez\u{2069}"),
            "{:?}",
            lines[1]
        );
        assert!(lines[4].contains("\u{2068}Mallory \u{202e}gnp.exe\u{2069}"));
    }

    #[test]
    fn columns_line_up_whatever_the_names() {
        let lines = plain(&hostile_rows());
        let header_column = lines[0].find("USERNAME").unwrap();
        for line in &lines[1..] {
            assert_eq!(username_column(line), header_column, "{line:?}");
        }
        // Display names start at the same column too, whatever the width of the usernames.
        let display = |line: &str| {
            let second = line.match_indices('\u{2068}').nth(1).map(|(i, _)| i);
            second.map(|i| line[..i].width())
        };
        let header_display = lines[0].find("DISPLAY NAME");
        for line in &lines[1..5] {
            assert_eq!(display(line), header_display, "{line:?}");
        }
    }

    #[test]
    fn the_active_account_and_those_needing_sign_in_are_marked() {
        let lines = plain(&hostile_rows());
        assert!(lines[0].ends_with("STATUS"), "{:?}", lines[0]);
        assert!(
            lines[1].starts_with("* 1098765432109876543"),
            "{:?}",
            lines[1]
        );
        assert!(lines[3].ends_with(NEEDS_SIGN_IN), "{:?}", lines[3]);
        for i in [2, 3, 4, 5] {
            assert!(lines[i].starts_with("  "), "{:?}", lines[i]);
        }
        for i in [1, 2, 4, 5] {
            assert!(!lines[i].contains(NEEDS_SIGN_IN), "{:?}", lines[i]);
        }
    }

    #[test]
    fn the_marks_are_coloured_for_terminals() {
        let rows = hostile_rows();
        let lines = lines(&rows, WIDTH);
        assert!(
            lines[1].starts_with(&format!("{ACTIVE}*{ACTIVE:#}")),
            "{:?}",
            lines[1]
        );
        assert!(lines[3].contains(&format!("{WARNING}{NEEDS_SIGN_IN}{WARNING:#}")));
    }

    #[test]
    fn columns_without_content_are_left_out() {
        let lines = plain(&[row("42", "solo", None)]);
        assert_eq!(lines, ["  ID  USERNAME", "  42  \u{2068}solo\u{2069}"]);
    }

    #[test]
    fn truncate_counts_wide_characters_as_two_columns() {
        assert_eq!(truncate("山田花子", 8), "山田花子");
        assert_eq!(truncate("山田花子", 7), "山田花…");
        assert_eq!(truncate("山田花子", 6), "山田…");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
