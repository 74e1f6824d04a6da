//! Architecture invariants, enforced:
//! - the engine uses no browser crate and no wall clock;
//! - browser crates are wasm32-only dependencies;
//! - no hash maps in the engine (iteration order would leak into outputs).

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The engine and the pure UI logic: both must build and test natively.
fn engine_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("engine.rs"), root.join("view_model.rs")];
    rust_files(&root.join("engine"), &mut files);
    rust_files(&root.join("view_model"), &mut files);
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).expect("readable"))).collect()
}

#[test]
fn engine_knows_nothing_of_the_browser_or_the_clock() {
    let forbidden =
        ["leptos", "web_sys", "js_sys", "wasm_bindgen", "std::time", "Instant", "SystemTime", "HashMap", "HashSet"];
    let files = engine_sources();
    assert!(files.len() > 10, "found the engine's files");
    for (path, text) in files {
        for word in forbidden {
            assert!(!text.contains(word), "{} mentions {word}", path.display());
        }
    }
}

#[test]
fn browser_crates_are_wasm_only_dependencies() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).expect("Cargo.toml");
    let mut section = String::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        for krate in [
            "leptos",
            "web-sys",
            "js-sys",
            "wasm-bindgen",
            "wasm-bindgen-test",
            "gloo-timers",
            "console_error_panic_hook",
        ] {
            if line.starts_with(&format!("{krate} ")) || line.starts_with(&format!("{krate}=")) {
                assert!(section.contains("cfg(target_arch = \"wasm32\")"), "{krate} is declared under {section}");
            }
        }
    }
}

/// Every Rust file under src/, with its text.
fn all_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).expect("readable"))).collect()
}

/// Adding a node kind or a transport must be a compile error everywhere it
/// needs handling: a `_ =>` arm in a match over `NodeKind` or `Transport`
/// would swallow the new type silently. Finds each `_ =>` and looks at the
/// arms above it at the same indentation.
#[test]
fn no_catch_all_arm_over_node_kinds_or_transports() {
    let mut found = Vec::new();
    for (path, text) in all_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            if !trimmed.starts_with("_ =>") {
                continue;
            }
            let indent = line.len() - trimmed.len();
            let arm_above = lines[..i].iter().rev().take(40).find(|l| {
                let t = l.trim_start();
                l.len() - t.len() == indent && t.contains("=>")
            });
            if arm_above.is_some_and(|a| a.contains("NodeKind::") || a.contains("Transport::")) {
                found.push(format!("{}:{}", path.display(), i + 1));
            }
        }
    }
    assert!(found.is_empty(), "catch-all arms over NodeKind/Transport: {found:?}");
}
