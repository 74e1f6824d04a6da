//! Patchbay: a browser playground for microservice communication patterns.
//!
//! The crate has two halves with a hard wall between them:
//! - [`engine`]: a deterministic discrete-event simulation of services and
//!   transports. Pure Rust, no browser crate, no wall clock; it builds and
//!   tests natively and runs unchanged in WebAssembly.
//! - `ui` (wasm32 only): the Leptos single-page app that drives the engine.
//!
//! See ARCHITECTURE.md for the code map and the invariants.

pub mod engine;
pub mod view_model;

#[cfg(target_arch = "wasm32")]
pub mod ui;
