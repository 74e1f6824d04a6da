//! The Leptos user interface (compiled for wasm32 only).

mod app;
mod shell;

pub use app::App;
