//! The real app, started through WebDriver under a virtual display: its first screen, and
//! links handed to it by a second launch.

use std::process::Stdio;
use std::time::{Duration, Instant};

use linkcord_tests::app::Sandbox;
use linkcord_tests::processes;
use linkcord_tests::webdriver::{self, Driver, screenshot, wait_for, wait_for_text};

#[tokio::test]
async fn first_start_shows_the_setup_screen() {
    if !webdriver::enabled("first_start_shows_the_setup_screen") {
        return;
    }
    let sandbox = Sandbox::new();
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;

    wait_for(&client, "main[data-screen='setup']", "the setup screen").await;
    wait_for(&client, "#client-id", "the client id field").await;
    // The window was built with its first view: the page drew it without asking the backend.
    assert_eq!(
        first_view_source(&client).await,
        "window",
        "how the page got its first view"
    );
    // A reload asks: the view the window was built with is as old as the window.
    client.refresh().await.expect("reload the page");
    wait_for(
        &client,
        "main[data-screen='setup']",
        "the setup screen, reloaded",
    )
    .await;
    assert_eq!(
        first_view_source(&client).await,
        "asked",
        "how the reloaded page got its view"
    );
    let title = wait_for_text(&client, "#setup-title", "Discord application").await;
    assert!(title.contains("Connect Linkcord"), "{title}");
    let shot = screenshot(&client, "startup-setup").await;
    eprintln!("screenshot: {}", shot.display());

    // The window is drawn without GPU compositing, the mode that holds the least memory:
    // the app told its web process so through the environment.
    let web = sandbox.web_processes();
    assert_eq!(web.len(), 1, "one web process for the window: {web:?}");
    let env = processes::environment(web[0]);
    assert!(
        env.iter()
            .any(|kv| kv == "WEBKIT_DISABLE_COMPOSITING_MODE=1"),
        "the web process should draw without compositing"
    );
    // And GTK was told to skip OpenGL, which it would set up at every start for nothing.
    assert!(
        env.iter().any(|kv| kv == "GDK_GL=disable"),
        "GTK should not set up OpenGL when the window draws in software"
    );
    loader_order_reaches_webkit_alone(&sandbox, &env);
    client.close().await.expect("close the session");
}

/// `linkcord` started the app with WebKit's Flite voice searched first by the loader, where
/// this machine has both beside each other (`loader.rs`); WebKit's web process (`web_env`) got
/// it too, the marker went nowhere. `/proc/<pid>/environ` shows what a process started with.
/// That no browser gets it is `e2e_effects`' part (the recording opener).
fn loader_order_reaches_webkit_alone(sandbox: &Sandbox, web_env: &[String]) {
    let dir = format!("/usr/lib/{}-linux-gnu", std::env::consts::ARCH);
    let voice = format!("{dir}/libflite_cmu_time_awb.so.1");
    let beside_webkit = std::path::Path::new(&format!("{dir}/libwebkit2gtk-4.1.so.0")).exists()
        && std::path::Path::new(&voice).exists();
    let expected: Vec<String> = if beside_webkit {
        vec![format!("LD_PRELOAD={voice}")]
    } else {
        Vec::new()
    };
    let preload = |env: &[String]| -> Vec<String> {
        env.iter()
            .filter(|kv| kv.starts_with("LD_PRELOAD="))
            .cloned()
            .collect()
    };
    let apps = sandbox.app_processes();
    assert_eq!(apps.len(), 1, "one app process: {apps:?}");
    assert_eq!(
        preload(&processes::environment(apps[0])),
        expected,
        "the app's loader order"
    );
    assert_eq!(preload(web_env), expected, "the web process's loader order");
    assert!(
        !web_env
            .iter()
            .any(|kv| kv.starts_with("LINKCORD_PRELOADED=")),
        "the marker is for the app alone"
    );
}

#[tokio::test]
async fn a_second_launch_hands_its_link_to_the_first_and_exits() {
    if !webdriver::enabled("a_second_launch_hands_its_link_to_the_first_and_exits") {
        return;
    }
    let sandbox = Sandbox::new();
    let driver = Driver::start(&sandbox);
    let client = driver.launch(&[]).await;
    wait_for(&client, "main[data-screen='setup']", "the setup screen").await;

    // A link naming an account Linkcord does not have reaches the window and is refused
    // there, with the id, and the window keeps working.
    let status = run_second_instance(&sandbox, "linkcord://switch/80351110224678912");
    assert!(
        status.success(),
        "the second instance must hand over and exit, got {status}"
    );
    let text = wait_for_text(&client, ".notice[data-kind='error']", "80351110224678912").await;
    assert!(!text.is_empty());
    screenshot(&client, "startup-link-refused").await;
    wait_for(&client, "#client-id", "the window still works").await;

    // A malformed link never reaches the running app: the second launch refuses it itself.
    let out = sandbox
        .command(&["linkcord://switch/../../etc/passwd"])
        .output()
        .expect("run a second linkcord");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not valid"), "{err}");
    client.close().await.expect("close the session");
}

fn run_second_instance(sandbox: &Sandbox, link: &str) -> std::process::ExitStatus {
    let mut child = sandbox
        .command(&[link])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start a second linkcord");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait for the second instance") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the second instance did not exit within 20 s: it should hand over and quit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Where the page says its first view came from: "window" (built with it) or "asked".
async fn first_view_source(client: &fantoccini::Client) -> String {
    let source = client
        .execute("return document.documentElement.dataset.firstView;", vec![])
        .await
        .expect("reading where the first view came from");
    source.as_str().unwrap_or_default().to_owned()
}
