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
