//! The message ledger: every message created ends in exactly one fate or is
//! still in flight. Built from the event stream alone.

use std::collections::BTreeMap;

use serde::Serialize;

use super::event::{EventKind, Fate};

/// Counts of messages by fate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// Messages created (orders' first messages, call attempts, enqueued and
    /// published messages, subscriptions' copies, publishes the registry refused,
    /// saga steps and compensations, jobs' runs).
    pub created: u64,
    /// Handled successfully.
    pub processed: u64,
    /// Failed, by reason.
    pub failed: BTreeMap<&'static str, u64>,
    /// Moved to a dead-letter queue.
    pub dead_lettered: u64,
    /// Lost before being handled, by reason.
    pub dropped: BTreeMap<&'static str, u64>,
}

/// Counts one failed or dropped message under its reason. Out of line and
/// cold: `observe` is inlined wherever a message settles, and where the
/// fate is only known at run time the map insertion sat on the path of
/// every successful one.
#[cold]
#[inline(never)]
fn count(map: &mut BTreeMap<&'static str, u64>, reason: &'static str) {
    *map.entry(reason).or_default() += 1;
}

impl Ledger {
    /// Folds one event into the counts.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn observe(&mut self, kind: &EventKind) {
        match kind {
            EventKind::OrderPlaced { .. }
            | EventKind::Sent { .. }
            | EventKind::Copied { .. }
            | EventKind::PublishRejected { .. }
            | EventKind::StepSent { .. }
            | EventKind::CompensationSent { .. }
            | EventKind::JobRunStarted { .. } => self.created += 1,
            EventKind::Settled { fate, .. } => match fate {
                Fate::Processed => self.processed += 1,
                Fate::Failed(r) => count(&mut self.failed, r.name()),
                Fate::DeadLettered => self.dead_lettered += 1,
                Fate::Dropped(r) => count(&mut self.dropped, r.name()),
            },
            _ => {}
        }
    }

    /// All failed messages.
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }

    /// All dropped messages.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }

    /// Messages with no fate yet.
    pub fn in_flight(&self) -> u64 {
        self.created.saturating_sub(self.settled())
    }

    /// Messages with a fate.
    pub fn settled(&self) -> u64 {
        self.processed + self.failed_total() + self.dead_lettered + self.dropped_total()
    }

    /// The conservation law: no message settled twice or out of nowhere, and
    /// the engine's own count of live messages agrees with the ledger's.
    pub fn balances(&self, live_messages: u64) -> bool {
        self.settled() <= self.created && self.in_flight() == live_messages
    }
}
