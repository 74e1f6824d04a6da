//! The Leptos user interface (compiled for wasm32 only). One [`store::Store`]
//! is created in [`App`] and shared by context; the simulation lives outside
//! the reactive graph and is advanced once per animation frame.

mod app;
pub mod browser;
mod charts;
mod compare;
mod confirm_discard;
mod controls;
mod debug_overlay;
mod earlier_work;
mod editor_bar;
mod embed;
mod event_log;
mod field;
mod flights_canvas;
mod focus_trap;
mod inspector;
mod inspector_edge;
mod inspector_events;
mod inspector_job;
mod inspector_saga;
mod inspector_settings;
mod inspector_sheet;
mod journey_panel;
mod key_shortcuts;
mod lesson_card;
mod lesson_done;
mod link_menu;
mod metrics_panel;
mod node_cells;
mod persist;
mod reading_order;
mod share_menu;
mod shell;
mod sim_loop;
mod skip_links;
mod stage;
mod stage_controls;
mod stage_input;
mod state_list;
pub mod store;
mod story;
mod topology;
mod topology_link;
mod topology_node;
mod topology_node_rows;

pub use app::App;
