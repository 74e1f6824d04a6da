//! Pinned tool versions agree with each other: Trunk must use the
//! wasm-bindgen CLI of exactly the version the lockfile resolved.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn trunk_pins_the_locked_wasm_bindgen() {
    let lock = read("Cargo.lock");
    let locked = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"wasm-bindgen\"\n"))
        .and_then(|p| p.lines().find(|l| l.starts_with("version = ")))
        .map(|l| l.trim_start_matches("version = ").trim_matches('"').to_string())
        .expect("wasm-bindgen in Cargo.lock");
    assert!(
        read("Trunk.toml").contains(&format!("wasm_bindgen = \"{locked}\"")),
        "Trunk.toml pins wasm-bindgen {locked}"
    );
}

#[test]
fn trunk_never_downloads_and_builds_relative_urls() {
    let trunk = read("Trunk.toml");
    assert!(trunk.contains("offline = true"));
    assert!(trunk.contains("public_url = \"./\""));
    assert!(trunk.contains("wasm_opt = \"version_132\""));
    assert!(read("package.json").contains("\"binaryen\": \"132.0.0\""), "wasm-opt from npm binaryen 132");
}

#[test]
fn toolchain_is_pinned() {
    let t = read("rust-toolchain.toml");
    assert!(t.contains("channel = \"1.95.0\"") && t.contains("wasm32-unknown-unknown"));
}

/// The CLI users build with `cargo run --release` is tuned for speed and the
/// browser's download for size: one profile for both made the CLI 1.4 times
/// slower (docs/performance.md, "The CLI users build").
#[test]
fn release_is_fast_and_the_wasm_download_small() {
    let cargo = read("Cargo.toml");
    let section = |name: &str| {
        let start =
            cargo.find(&format!("[profile.{name}]")).unwrap_or_else(|| panic!("[profile.{name}] in Cargo.toml"));
        let rest = &cargo[start + 1..];
        rest[..rest.find("\n[").unwrap_or(rest.len())].to_string()
    };
    assert!(section("release").contains("opt-level = 3"), "release profile at opt-level 3");
    let wasm = section("wasm-release");
    assert!(wasm.contains("inherits = \"release\"") && wasm.contains("opt-level = \"z\""), "wasm-release at \"z\"");
    assert!(
        read("index.html").contains("data-cargo-profile-release=\"wasm-release\""),
        "Trunk's release build uses the wasm-release profile"
    );
}
