//! The Leptos user interface (compiled for wasm32 only). One [`store::Store`]
//! is created in [`App`] and shared by context; the simulation lives outside
//! the reactive graph and is advanced once per animation frame.

mod app;
pub mod browser;
mod controls;
mod debug_overlay;
mod field;
mod flights_canvas;
mod inspector;
mod inspector_edge;
mod inspector_events;
mod inspector_saga;
mod inspector_job;
mod inspector_settings;
mod metrics_panel;
mod shell;
mod sim_loop;
pub mod store;
mod story;
mod topology;

pub use app::App;
