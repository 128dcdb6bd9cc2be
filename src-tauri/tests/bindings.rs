//! The UI's TypeScript types (`ui/src/lib/bindings`) are generated from the Rust view models.
//! This test fails when the committed files differ from what the models generate, so the UI
//! and the backend cannot drift apart. To regenerate after changing a model:
//!
//! ```sh
//! UPDATE_BINDINGS=1 cargo test -p linkcord --test bindings
//! ```

use std::collections::BTreeMap;
use std::path::Path;

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.expect("readable dir entry").path();
        if path.extension().is_some_and(|e| e == "ts") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.insert(
                name,
                std::fs::read_to_string(&path).expect("readable binding"),
            );
        }
    }
    files
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        linkcord_lib::models::export_typescript(&committed).expect("write bindings");
        return;
    }
    let fresh = tempfile::tempdir().expect("temp dir");
    linkcord_lib::models::export_typescript(fresh.path()).expect("generate bindings");
    let (want, have) = (read_tree(fresh.path()), read_tree(&committed));
    let stale: Vec<&String> = want
        .keys()
        .chain(have.keys())
        .filter(|name| want.get(*name) != have.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/lib/bindings is stale ({stale:?}); run: UPDATE_BINDINGS=1 cargo test -p linkcord --test bindings"
    );
}
