//! The real app with `LINKCORD_DATA_DIR` set (the demo, every test): its web engine keeps its
//! storage and caches inside that folder: nothing at all appears in the user's own data folder
//! (`$XDG_DATA_HOME`, `~/.local/share`, where Tauri points WebKit by default), and nothing of
//! Linkcord's in the cache folder.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use linkcord_tests::app::Sandbox;
use linkcord_tests::webdriver::{self, Driver, wait_for};

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    found
}

#[tokio::test]
async fn the_web_engine_writes_only_inside_the_data_dir() {
    if !webdriver::enabled("the_web_engine_writes_only_inside_the_data_dir") {
        return;
    }
    let sandbox = Sandbox::new();
    let home = sandbox.home.path().to_path_buf();
    // Named outright, so a developer's own XDG variables cannot send the check elsewhere.
    let data_home = home.join(".local/share");
    let cache_home = home.join(".cache");
    let sandbox = sandbox
        .with_env("XDG_DATA_HOME", &data_home.display().to_string())
        .with_env("XDG_CACHE_HOME", &cache_home.display().to_string());
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;
    wait_for(&client, "main[data-screen='setup']", "the setup screen").await;
    // Something the engine must keep on disk, whatever the page itself stores.
    client
        .execute("localStorage.setItem('probe', 'kept'); return 1;", vec![])
        .await
        .expect("write local storage");
    client.close().await.expect("close the session");
    drop(driver);

    let leaked = files_under(&data_home);
    assert!(
        leaked.is_empty(),
        "written outside the data dir, in {}: {leaked:?}",
        data_home.display()
    );
    // The cache folder gets the graphics driver's and GTK's own files (mesa_shader_cache,
    // dconf), which are not Linkcord's; nothing of the app may be there.
    let ours: Vec<PathBuf> = files_under(&cache_home)
        .into_iter()
        .filter(|p| {
            let top = p
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().to_lowercase());
            top.is_some_and(|t| t.contains("linkcord") || t.contains("webkit"))
        })
        .collect();
    assert!(
        ours.is_empty(),
        "Linkcord's files in {}: {ours:?}",
        cache_home.display()
    );
    let webview = sandbox.data_dir.path().join("webview");
    let mode = std::fs::metadata(&webview)
        .expect("the webview folder")
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o700,
        "{} is open to others",
        webview.display()
    );
    let kept = files_under(&webview);
    assert!(
        !kept.is_empty(),
        "the web engine kept nothing in {}",
        webview.display()
    );
}
