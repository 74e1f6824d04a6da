//! Type 5, sagas: an orchestrator's settings (a `saga` block on a service),
//! the settings of each step link, and their validation.
//!
//! Order of steps follows the usual saga shape (Eventuate Tram, Temporal's
//! Saga, MassTransit Courier): compensatable steps first, then at most one
//! pivot (the go/no-go step, never compensated), then retriable steps
//! (retried until they succeed, never compensated).

use serde::{Deserialize, Serialize};

use crate::engine::limits::{MAX_COMPENSATION_RETRIES, MAX_SAGA_STEPS};
use crate::engine::scenario::{NodeKind, Scenario};
use crate::engine::validate::{check_duration, ProblemSink};

/// Makes a service an orchestrator: every message or call it handles
/// successfully starts a saga over its `saga_step` links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SagaSpec {
    /// Who drives the steps.
    #[serde(default)]
    pub mode: SagaMode,
    /// Times a failed compensation is tried again before the saga goes to
    /// the manual-intervention queue.
    #[serde(default = "three")]
    pub compensation_retries: u32,
    /// Wait before the first retry of a compensation or retriable step (ms);
    /// it doubles on each further retry.
    #[serde(default = "default_backoff_ms")]
    pub retry_backoff_ms: f64,
    /// Orchestration: a step whose reply has not come back by then counts
    /// as failed (ms).
    #[serde(default = "default_step_timeout_ms")]
    pub step_timeout_ms: f64,
    /// A saga not finished this long after it started is marked stuck (ms).
    #[serde(default = "default_deadline_ms")]
    pub deadline_ms: f64,
}

impl Default for SagaSpec {
    fn default() -> Self {
        SagaSpec {
            mode: SagaMode::default(),
            compensation_retries: three(),
            retry_backoff_ms: default_backoff_ms(),
            step_timeout_ms: default_step_timeout_ms(),
            deadline_ms: default_deadline_ms(),
        }
    }
}

/// Who drives a saga's steps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SagaMode {
    /// The orchestrator sends each command and waits for its reply.
    #[default]
    Orchestration,
    /// No coordinator: each service hands on to the next on success, and a
    /// failure travels back, each earlier service compensating itself.
    Choreography,
}

/// What a step may do when a later one fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Undone by its compensation when a later step fails.
    #[default]
    Compensatable,
    /// The go/no-go step: once it succeeds the saga only moves forward.
    Pivot,
    /// After the pivot: retried until it succeeds, never compensated.
    Retriable,
}

/// Settings of an orchestrator → service step link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepPolicy {
    /// Place of the step in the saga (lower first; ties keep link order).
    #[serde(default)]
    pub order: u32,
    /// Whether the step has a compensation (ignored unless compensatable:
    /// a pivot or retriable step is never compensated).
    #[serde(default = "yes")]
    pub compensation: bool,
    /// Compensatable, pivot or retriable.
    #[serde(default)]
    pub kind: StepKind,
    /// Whether the service recognises a repeat of this step or its undo
    /// (the same saga and step, the command's idempotency key) and does
    /// its effect once; `false`: a repeat does it again (a second charge).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub idempotent: bool,
}

impl Default for StepPolicy {
    // What the derived default was before `idempotent` (so the editor's
    // starter link is unchanged), with a participant that recognises repeats.
    fn default() -> Self {
        StepPolicy { order: 0, compensation: false, kind: StepKind::default(), idempotent: true }
    }
}

/// Checks an orchestrator's settings at `p` (the service's `kind.saga`).
pub(crate) fn check_saga(s: &SagaSpec, p: &str, v: &mut impl ProblemSink) {
    if s.compensation_retries > MAX_COMPENSATION_RETRIES {
        v.problem(format!("{p}.compensation_retries"), "must be at most 100");
    }
    // A zero backoff retried a failing step in a loop at one instant until
    // the livelock guard stopped the run (found in an audit).
    check_duration(s.retry_backoff_ms, format!("{p}.retry_backoff_ms"), false, v);
    check_duration(s.step_timeout_ms, format!("{p}.step_timeout_ms"), false, v);
    check_duration(s.deadline_ms, format!("{p}.deadline_ms"), false, v);
}

/// Why a step link cannot join these two kinds: (`"from"` or `"to"`, reason).
pub(crate) fn step_ends(from: &NodeKind, to: &NodeKind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if from.service().is_none_or(|s| s.saga.is_none()) {
        out.push(("from", "a saga_step link starts at a service with a saga block (an orchestrator)"));
    }
    match to.service() {
        None => out.push(("to", "a saga_step link must end at a service")),
        // Nested sagas are not modelled: an orchestrator would answer a step
        // as soon as its own saga starts, and a cycle of them multiplies
        // sagas without end (found in review).
        Some(s) if s.saga.is_some() => {
            out.push(("to", "a saga_step link cannot end at another orchestrator (nested sagas are not modelled)"))
        }
        Some(_) => {}
    }
    out
}

/// The step links of the node at `node`, in saga order.
pub(crate) fn steps_of(s: &Scenario, node: &str) -> Vec<(u32, StepPolicy)> {
    // Inserted in place rather than sorted: a handful of steps, and no
    // stable sort instantiated for this type in the wasm.
    let mut steps: Vec<(u32, StepPolicy)> = Vec::new();
    for (i, l) in s.links.iter().enumerate() {
        let Some(p) = l.transport.step_policy().filter(|_| l.from == node) else { continue };
        let at = steps.iter().position(|(_, q)| q.order > p.order).unwrap_or(steps.len());
        steps.insert(at, (i as u32, p.clone()));
    }
    steps
}

/// Checks each orchestrator's steps together: how many, and their kinds in
/// saga order (compensatable, then one pivot at most, then retriable).
pub(crate) fn check_steps(s: &Scenario, v: &mut impl ProblemSink) {
    for (i, n) in s.nodes.iter().enumerate() {
        if n.kind.service().is_none_or(|sv| sv.saga.is_none()) {
            continue;
        }
        let steps = steps_of(s, &n.id);
        let p = format!("$.nodes[{i}]");
        // An orchestrator without steps yet (just added in the editor) starts
        // no sagas: its work is done as a plain service's (`start_work`).
        if steps.len() > MAX_SAGA_STEPS {
            v.problem(format!("{p}.kind.saga"), "an orchestrator has at most 16 saga_step links");
        }
        let mut last = StepKind::Compensatable;
        for (k, (link, step)) in steps.iter().enumerate() {
            let lp = format!("$.links[{link}].transport");
            if step.kind < last || (step.kind == StepKind::Pivot && last == StepKind::Pivot && k > 0) {
                v.problem(
                    format!("{lp}.kind"),
                    "steps run compensatable first, then at most one pivot, then retriable",
                );
            }
            last = step.kind;
        }
    }
}

fn three() -> u32 {
    3
}
// Left out of the JSON at its default, so scenarios written before the
// setting existed export byte for byte the same.
fn is_true(b: &bool) -> bool {
    *b
}
fn yes() -> bool {
    true
}
fn default_backoff_ms() -> f64 {
    200.0
}
fn default_step_timeout_ms() -> f64 {
    2_000.0
}
fn default_deadline_ms() -> f64 {
    30_000.0
}

// Read through one shared reader (engine/unit_enum.rs), not serde's derive: smaller wasm.
crate::engine::unit_enum::unit_enum_words!(SagaMode { Orchestration = "orchestration", Choreography = "choreography" });
crate::engine::unit_enum::unit_enum_words!(StepKind { Compensatable = "compensatable", Pivot = "pivot", Retriable = "retriable" });
