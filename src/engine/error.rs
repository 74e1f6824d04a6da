//! Errors as values: each names where the problem is and why.

use std::fmt;

/// A problem with a scenario, at a JSON path such as `$.nodes[2].kind.replicas`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where in the scenario the problem is.
    pub path: String,
    /// What is wrong there.
    pub reason: String,
}

impl ScenarioError {
    /// A problem at `path` because of `reason`.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        ScenarioError { path: path.into(), reason: reason.into() }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for ScenarioError {}

/// A problem while running or editing a simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// An edit or fault named something the scenario does not have, or was invalid.
    Invalid(ScenarioError),
    /// The run asked for a time before the simulation's clock.
    TimeInPast {
        /// The simulation's clock.
        now: u64,
        /// The time asked for.
        asked: u64,
    },
    /// The run stopped: too many events at one instant, so the clock could
    /// not move (a loop with no delay in it).
    Livelock {
        /// The instant, in µs.
        at: u64,
        /// Events processed at that instant.
        events: u64,
        /// The limit it broke.
        limit: u64,
        /// Nodes and links with work due at that instant, busiest first.
        involved: Vec<String>,
    },
    /// The run stopped: too many events within one simulated second
    /// (messages circulating without end, with delays too small to matter).
    TooBusy {
        /// When, in µs.
        at: u64,
        /// Events in that simulated second so far.
        events: u64,
        /// The limit it broke.
        limit: u64,
        /// Nodes and links with the most work pending, busiest first.
        involved: Vec<String>,
    },
    /// The run stopped: more messages alive at once than the engine holds.
    Capacity {
        /// When, in µs.
        at: u64,
        /// Messages alive then.
        live: u64,
        /// The limit it broke.
        limit: u64,
        /// Nodes holding the most messages and the links feeding them.
        involved: Vec<String>,
    },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Invalid(e) => write!(f, "{e}"),
            SimError::TimeInPast { now, asked } => {
                write!(f, "until: {asked} µs is before the simulation's clock ({now} µs)")
            }
            SimError::Livelock { at, events, limit, involved } => write!(
                f,
                "the run stopped at {}: {events} events happened at that one instant without the clock moving, \
                 which means a loop with no delay in it (at most {} are allowed); involved: {}",
                seconds(*at),
                limit,
                names(involved)
            ),
            SimError::TooBusy { at, events, limit, involved } => write!(
                f,
                "the run stopped at {}: {events} events happened within one simulated second (at most {limit} \
                 are allowed), so messages circulate without end; busiest: {}",
                seconds(*at),
                names(involved)
            ),
            SimError::Capacity { at, live, limit, involved } => write!(
                f,
                "the run stopped at {}: {live} messages were alive at once (at most {} are held); \
                 they pile up at: {}",
                seconds(*at),
                limit,
                names(involved)
            ),
        }
    }
}

impl std::error::Error for SimError {}

fn seconds(us: u64) -> String {
    format!("{:.6} s", us as f64 / 1e6)
}

fn names(list: &[String]) -> String {
    if list.is_empty() {
        "nothing identifiable".into()
    } else {
        list.join(", ")
    }
}

impl From<ScenarioError> for SimError {
    fn from(e: ScenarioError) -> Self {
        SimError::Invalid(e)
    }
}
