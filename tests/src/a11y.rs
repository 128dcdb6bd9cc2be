//! Accessibility audits of the real window: axe-core, the npm package the UI installs as a
//! development dependency, is put into the page through WebDriver and run there, so the rules
//! are checked against what WebKit actually lays out and paints (contrast of the real colours,
//! names of the real controls), in whichever theme and language the app was started with.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Client;
use serde::Deserialize;

use crate::app::workspace_root;

/// One rule the page breaks, with every element that breaks it.
#[derive(Debug, Clone, Deserialize)]
pub struct Violation {
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: Option<String>,
    pub help: String,
    /// A CSS selector per element, with axe's summary of what is wrong with it.
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Node {
    pub target: String,
    pub summary: String,
}

impl Violation {
    /// Serious and critical violations stop a person from using the page; the others are
    /// worth fixing but are not failures here.
    pub fn blocks(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("unknown");
        writeln!(f, "{} ({impact}): {}", self.id, self.help)?;
        for node in &self.nodes {
            writeln!(
                f,
                "    {}: {}",
                node.target,
                node.summary.replace('\n', " ")
            )?;
        }
        Ok(())
    }
}

/// `ui/node_modules/axe-core/axe.min.js` (`npm ci` in `ui/`, which `scripts/setup.sh` runs).
fn axe_path() -> PathBuf {
    workspace_root().join("ui/node_modules/axe-core/axe.min.js")
}

/// The language and colour scheme the page is really in, as `{"lang": "en"|"fr", "dark": bool}`:
/// an audit is only worth as much as the look it ran in, so suites check this first.
pub async fn look(client: &Client) -> serde_json::Value {
    client
        .execute(
            "return { lang: document.documentElement.lang, \
                      dark: matchMedia('(prefers-color-scheme: dark)').matches };",
            vec![],
        )
        .await
        .expect("read the page's language and colour scheme")
}

/// Runs axe-core over the whole page as it is now and returns every violation.
pub async fn audit(client: &Client) -> Vec<Violation> {
    let path = axe_path();
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `npm ci` in ui/ (scripts/setup.sh does)",
            path.display()
        )
    });
    let loaded = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("ask the page whether axe is loaded");
    if loaded != serde_json::Value::Bool(true) {
        client
            .execute(&source, vec![])
            .await
            .expect("axe-core loads in the page");
    }
    // An audit of a long list (200 servers) takes a few seconds on a loaded machine.
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(120)),
            None,
            None,
        ))
        .await
        .expect("script timeout");
    const RUN: &str = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
            .then((r) => done(JSON.stringify(r.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(' '),
                    summary: n.failureSummary ?? '',
                })),
            })))))
            .catch((e) => done(JSON.stringify({ error: String(e) })));
    "#;
    let answer = client
        .execute_async(RUN, vec![])
        .await
        .expect("axe.run answers");
    let text = answer.as_str().unwrap_or_default();
    serde_json::from_str(text).unwrap_or_else(|e| panic!("axe.run said {text} ({e})"))
}
