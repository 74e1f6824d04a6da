//! Pure UI logic, kept out of the browser-only `ui` module so it builds and
//! tests natively: geometry, messages in flight, descriptions for screen
//! readers, narration, the speed scale, numbers in the URL, the per-frame
//! snapshot, the layout of a log's partitions, bounded slices of simulation
//! work and the speed a run actually reaches.

pub mod alerts;
pub mod badge_pill;
pub mod chart;
pub mod chart_series;
pub mod compare;
pub mod connect;
pub mod describe;
pub mod describe_events;
pub mod describe_job;
pub mod dimensions;
pub mod earlier_work;
pub mod edit_words;
pub mod embed_api;
pub mod event_log;
pub mod event_words;
pub mod flights;
pub mod frame;
pub mod geometry;
pub mod gesture;
pub mod job_view;
pub mod journey;
pub mod journey_words;
pub mod label_layout;
pub mod lesson;
pub mod lesson_end;
pub mod link_shape;
pub mod log_view;
pub mod mitigations;
pub mod narration;
pub mod number;
pub mod pace;
pub mod preset_titles;
pub mod queueing;
pub mod run;
pub mod saga_step_words;
pub mod settings;
pub mod settings_dist;
pub mod settings_links;
pub mod settings_nodes;
pub mod share;
pub mod share_pack;
pub mod share_replay;
pub mod share_wire;
pub mod short_labels;
pub mod speed;
pub mod state_list;
pub mod story;
pub mod text_fit;
pub mod viewport;
