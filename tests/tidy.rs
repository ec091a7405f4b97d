//! Mechanical architecture invariants (ARCHITECTURE.md): the engine reads no wall clock and
//! no global randomness, iterates no hash maps, imports no web crates, and only the API
//! server holds the store.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Engine files: everything in `src/` except the web layer and the native binary.
fn engine_files() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    rust_files(&src, &mut all);
    all.retain(|p| {
        let rel = p
            .strip_prefix(&src)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        !(rel.starts_with("ui/") || rel.starts_with("cli/") || rel == "main.rs")
    });
    all.sort();
    all
}

/// The code of a file without `//` comments, so prose may mention what code may not use.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn engine_has_no_clock_randomness_hashmaps_or_web_crates() {
    let forbidden = [
        "SystemTime",
        "Instant::now",
        "std::time",
        "chrono::Utc::now",
        "Utc::now",
        "thread_rng",
        "rand::random",
        "getrandom",
        "HashMap",
        "HashSet",
        "thread_local!",
        "web_sys",
        "wasm_bindgen",
        "js_sys",
        "yew::",
        "gloo",
    ];
    let files = engine_files();
    assert!(files.len() > 20, "the scan must see the engine: {files:?}");
    let mut problems = Vec::new();
    for file in files {
        let code = code_of(&file);
        for word in forbidden {
            if code.contains(word) {
                problems.push(format!("{}: uses `{word}`", file.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "engine invariants broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn only_the_api_server_holds_the_store() {
    let mut problems = Vec::new();
    for file in engine_files() {
        let rel = file.to_string_lossy().replace('\\', "/");
        if rel.contains("/src/apiserver/") || rel.contains("/src/store/") {
            continue;
        }
        let code = code_of(&file);
        if code.contains("Store<") || code.contains("Store::new") || code.contains("store::Store") {
            problems.push(format!("{}: touches the store directly", file.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_store_write_goes_through_the_api_servers_write_path() {
    // ApiServer::put/remove also record the revision in the per-kind watch index; a write
    // that bypasses them would be invisible to every watch.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/apiserver");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut problems = Vec::new();
    for file in files {
        if file.ends_with("apiserver/mod.rs") {
            continue;
        }
        let code: String = code_of(&file).split_whitespace().collect();
        if code.contains("store.put(") || code.contains("store.delete(") {
            problems.push(format!("{}: writes the store directly", file.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
