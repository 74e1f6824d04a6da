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
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Invalid(e) => write!(f, "{e}"),
            SimError::TimeInPast { now, asked } => {
                write!(f, "until: {asked} µs is before the simulation's clock ({now} µs)")
            }
        }
    }
}

impl std::error::Error for SimError {}

impl From<ScenarioError> for SimError {
    fn from(e: ScenarioError) -> Self {
        SimError::Invalid(e)
    }
}
