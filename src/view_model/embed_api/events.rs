//! The events Patchbay posts to the embedding page, as JSON.

use serde::Serialize;

use super::{MessageId, Refusal, PROTOCOL};
use crate::view_model::describe::spoken;

/// A figure of the run for the `metrics` event.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct MetricsSnapshot {
    /// Simulated time, in milliseconds.
    pub now_ms: u64,
    /// Events processed so far.
    pub steps: u64,
    /// Orders started.
    pub orders_started: u64,
    /// Orders completed.
    pub orders_completed: u64,
    /// Orders failed.
    pub orders_failed: u64,
    /// Messages in flight now.
    pub in_flight: usize,
    /// Simulated seconds per wall second.
    pub speed: f64,
    /// Playing or paused.
    pub playing: bool,
    /// The scenario's name.
    pub scenario: String,
}

/// An event sent to the embedding page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outgoing {
    /// The page is listening; lists the commands and the controls shown.
    Ready {
        /// The scenario running.
        scenario: String,
        /// The commands understood.
        commands: Vec<&'static str>,
    },
    /// A command was carried out.
    Ok {
        /// The command's id.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<MessageId>,
        /// Which command.
        command: &'static str,
    },
    /// A lesson step was reached.
    LessonStep {
        /// The lesson.
        lesson: String,
        /// The step, from 1.
        step: u32,
    },
    /// Something notable happened (the narration the page announces).
    Alert {
        /// The sentence.
        text: String,
        /// Simulated time, in milliseconds.
        at_ms: u64,
    },
    /// The run's figures (the answer to `get_metrics`).
    Metrics {
        /// The command's id.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<MessageId>,
        /// The figures.
        metrics: MetricsSnapshot,
    },
    /// A message was refused, or a command failed.
    Error {
        /// The message's id, when one was read.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<MessageId>,
        /// A stable word for programs.
        code: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl Outgoing {
    /// An `alert` with the sentence the page announces, in the words a
    /// screen reader hears: a link's "A → B" as "A to B" (a host page may
    /// read it out or show it; docs/embed.md).
    pub fn alert(text: &str, at_ms: u64) -> Outgoing {
        Outgoing::Alert { text: spoken(text), at_ms }
    }
}

impl From<Refusal> for Outgoing {
    fn from(r: Refusal) -> Outgoing {
        Outgoing::Error { id: r.id, code: r.code, message: r.message }
    }
}

/// An event as JSON text, with the protocol version.
pub fn event_json(event: &Outgoing) -> String {
    // Every event serialises as an object: the version goes in front of its
    // first field (cheaper in the wasm than building a `Value`).
    let json = serde_json::to_string(event).unwrap_or_default();
    match json.strip_prefix('{') {
        Some(rest) => format!("{{\"patchbay\":{PROTOCOL},{rest}"),
        None => format!("{{\"patchbay\":{PROTOCOL}}}"),
    }
}
