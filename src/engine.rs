//! The pattern engine: a deterministic discrete-event simulation of services
//! talking over request-response calls and queues.
//!
//! ```
//! use patchbay::engine::{presets, Simulation, SECOND};
//!
//! let scenario = presets::load("competing-consumers-4").expect("a built-in preset");
//! let mut sim = Simulation::new(scenario).expect("presets are valid");
//! sim.run_until(30 * SECOND).expect("time moves forward");
//! let ledger = sim.ledger();
//! assert!(ledger.processed > 0);
//! assert_eq!(ledger.in_flight(), sim.live_messages());
//! ```
//!
//! Architecture invariants (each enforced by a test):
//! - no browser crate and no wall clock in this module (`tests/architecture.rs`);
//! - the same scenario and seed give the same event stream, natively and in
//!   wasm (golden hashes in `tests/presets.rs` and `tests/web.rs`);
//! - every message ends in exactly one fate or is still in flight (the ledger,
//!   checked after every step in debug builds and by property tests);
//! - bad input is an error value naming the JSON path, never a panic.

pub mod bench;
pub mod breaker;
pub mod design;
pub mod dist;
pub mod edit;
pub mod error;
pub mod event;
pub mod histogram;
pub mod ledger;
pub mod lesson;
pub mod limits;
pub mod metrics;
mod msg_table;
pub mod parse;
pub mod patterns;
pub mod presets;
pub mod report;
pub mod retry;
pub mod rng;
pub mod scenario;
mod sim;
mod slab;
pub mod sort;
mod tagged;
mod tagged_forms;
pub mod time;
pub mod trace;
mod unit_enum;
pub mod validate;
mod ziggurat;

pub use edit::{Applied, Edit, Placed, ResetTo, TimedEdit};
pub use error::{ScenarioError, SimError};
pub use event::{Event, EventKind, Fate, Reason, StreamCause};
pub use parse::{parse_scenario, parse_scenario_quietly};
pub use scenario::Scenario;
pub use sim::Simulation;
pub use sim::{FaultStatus, GroupStatus, LinkStatus, LogStatus, NodeStatus, PartitionStatus, SubscriptionStatus};
pub use time::{Micros, MILLI, SECOND};
