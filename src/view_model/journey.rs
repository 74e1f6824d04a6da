//! The journey of one order: every message that carries its correlation id,
//! laid out as a waterfall of spans on simulated time (on the wire, waiting
//! in a queue or a backlog, being worked on, the reply coming back) with
//! marks for what went wrong or was done about it (timeouts, retries,
//! redeliveries, dead letters, duplicates, compensations).
//!
//! [`JourneyRecorder`] keeps the events of the most recent orders, bounded
//! in orders and in events per order, so it can run beside the page's loop;
//! [`JourneyRecorder::journey`] folds one order's events into a
//! [`Journey`]. Both are pure, so they are tested natively on engine runs.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::event::{CorrId, Event, EventKind, LinkIx, MsgId, NodeIx, Reason, SagaOutcome};
use crate::engine::time::Micros;

mod build;
use build::Builder;

/// Orders whose events are kept (the most recent ones placed).
pub const ORDERS_KEPT: usize = 200;
/// Events kept per order; past this, the journey says it is cut short.
pub const EVENTS_PER_ORDER: usize = 400;

/// What a row of the waterfall is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// The order itself, at the node where users place it.
    Order,
    /// A message sent on a link (a call, a queued message, an event, a record);
    /// `attempt` counts retries from 0.
    Message {
        /// 0 for the first try.
        attempt: u32,
    },
    /// A subscription's copy of a published event.
    Copy,
    /// A record in a log, read by its consumer groups.
    Record,
    /// A saga step sent by its orchestrator.
    Step {
        /// The step's place in the saga.
        step: u32,
    },
    /// A compensation undoing a saga step.
    Compensation {
        /// The step it undoes.
        step: u32,
    },
    /// An update pushed to a browser.
    Update,
}

/// What a span of time was spent on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanKind {
    /// Crossing a link.
    Wire,
    /// Waiting in a queue or subscription for a consumer.
    Queued,
    /// Waiting in a service's backlog for a free worker.
    Waiting,
    /// Being worked on (a worker held, downstream calls included).
    Working,
    /// The reply crossing back.
    Reply,
}

/// One span of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// What the time went on.
    pub kind: SpanKind,
    /// From.
    pub from: Micros,
    /// To (the current time while it is still going on).
    pub to: Micros,
    /// Still going on.
    pub open: bool,
}

/// Something that happened to a message at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// Its processing failed.
    Failed(Reason),
    /// Refused on arrival.
    Rejected(Reason),
    /// The caller stopped waiting.
    TimedOut,
    /// Lost on a partitioned link.
    Lost,
    /// A retry was scheduled (the attempt it will be).
    Retry(u32),
    /// Retries were refused by the retry budget.
    RetryDenied,
    /// An open breaker refused the call without sending it.
    ShortCircuited,
    /// The fallback answered instead.
    Fallback,
    /// The visibility timeout ran out: the message goes back to the queue.
    Redelivered,
    /// The subscriber nacked it: back in its subscription (at once, unless
    /// a [`MarkKind::BackedOff`] follows).
    Nacked,
    /// The subscription's retry policy holds the event back this long
    /// before it can be delivered again.
    BackedOff(Micros),
    /// Moved to the dead-letter queue.
    DeadLettered,
    /// Processed a second time (or suppressed as a duplicate: `false`).
    Duplicate(bool),
    /// Dropped, with why.
    Dropped(Reason),
    /// A reply that came after the caller gave up.
    LateReply,
    /// A saga ended this way.
    SagaEnded(SagaOutcome),
    /// A consumer group processed the record (`ok`) on this link.
    RecordProcessed(LinkIx, bool),
    /// The order was answered (`ok`) after this long end to end.
    Answered(bool, Micros),
}

/// A mark on a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When.
    pub t: Micros,
    /// What.
    pub kind: MarkKind,
}

/// One message of the journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The message.
    pub msg: MsgId,
    /// What it is.
    pub kind: RowKind,
    /// How many messages caused it (0 for the order).
    pub depth: u32,
    /// The link it travelled on, if any.
    pub link: Option<LinkIx>,
    /// Where it was worked on (or placed), if anywhere yet.
    pub node: Option<NodeIx>,
    /// Its spans, in time order.
    pub spans: Vec<Span>,
    /// Its marks, in time order.
    pub marks: Vec<Mark>,
}

/// One order's journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    /// The order's correlation id.
    pub corr: CorrId,
    /// When it was placed.
    pub start: Micros,
    /// The latest instant shown (the last event, or now while it is going on).
    pub end: Micros,
    /// The answer to the user: ok and end-to-end time, once answered.
    pub answered: Option<(bool, Micros)>,
    /// Messages in the order they were made.
    pub rows: Vec<Row>,
    /// Nodes on its path, in the order it reached them.
    pub nodes: Vec<NodeIx>,
    /// Links on its path, in the order it used them.
    pub links: Vec<LinkIx>,
    /// Events past [`EVENTS_PER_ORDER`] were not kept.
    pub cut_short: bool,
}

/// One order's events as kept.
#[derive(Debug)]
struct Kept {
    corr: CorrId,
    events: Vec<Event>,
    cut_short: bool,
}

/// The events of the most recent orders.
#[derive(Debug, Default)]
pub struct JourneyRecorder {
    /// Ascending by correlation id, which is also the order they were placed in.
    orders: VecDeque<Kept>,
    /// The order being looked at, kept however many orders come after it.
    pinned: Option<Kept>,
    // One map type throughout (u64 to u64) keeps the wasm to one copy of its code.
    msg_corr: BTreeMap<MsgId, CorrId>,
    saga_corr: BTreeMap<u64, CorrId>,
    failed: VecDeque<CorrId>,
}

impl JourneyRecorder {
    /// Files one event under its order, if the order is kept.
    pub fn observe(&mut self, e: &Event) {
        let corr = match e.kind {
            EventKind::OrderPlaced { msg, corr, .. } => {
                self.begin(corr);
                self.msg_corr.insert(msg, corr);
                Some(corr)
            }
            EventKind::Sent { msg, corr, .. }
            | EventKind::Copied { msg, corr, .. }
            | EventKind::PublishRejected { msg, corr, .. }
            | EventKind::StepSent { msg, corr, .. }
            | EventKind::CompensationSent { msg, corr, .. } => self.adopt(msg, corr),
            EventKind::Appended { msg, event, corr, .. } => {
                self.adopt(event, corr);
                self.adopt(msg, corr)
            }
            EventKind::SagaStarted { saga, corr, .. } => {
                if self.has(corr) {
                    self.saga_corr.insert(saga, corr);
                }
                Some(corr)
            }
            EventKind::OrderFinished { corr, ok, .. } => {
                if !ok && self.has(corr) {
                    self.failed.retain(|&c| c != corr);
                    self.failed.push_back(corr);
                }
                Some(corr)
            }
            EventKind::RetryScheduled { corr, .. }
            | EventKind::RetryDenied { corr, .. }
            | EventKind::ShortCircuited { corr, .. }
            | EventKind::FallbackUsed { corr, .. } => Some(corr),
            EventKind::StepDone { saga, .. }
            | EventKind::SagaEnded { saga, .. }
            | EventKind::SagaAlert { saga, .. } => self.saga_corr.get(&saga).copied(),
            EventKind::OutboxWritten { event, .. }
            | EventKind::OutboxRelayed { event, .. }
            | EventKind::OutboxOverflow { event, .. } => self.msg_corr.get(&event).copied(),
            other => message_of(&other).and_then(|m| self.msg_corr.get(&m).copied()),
        };
        let Some(corr) = corr else { return };
        let kept = match self.slot(corr) {
            Some(i) => Some(&mut self.orders[i]),
            None => self.pinned.as_mut().filter(|p| p.corr == corr),
        };
        if let Some(kept) = kept {
            if kept.events.len() < EVENTS_PER_ORDER {
                kept.events.push(*e);
            } else {
                kept.cut_short = true;
            }
        }
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        *self = JourneyRecorder::default();
    }

    /// The most recent order kept.
    pub fn latest(&self) -> Option<CorrId> {
        self.orders.back().map(|k| k.corr)
    }

    /// The most recent order kept whose answer was a failure.
    pub fn latest_failed(&self) -> Option<CorrId> {
        self.failed.back().copied()
    }

    /// The recent orders kept, oldest first (the pinned one apart).
    pub fn kept(&self) -> impl Iterator<Item = CorrId> + '_ {
        self.orders.iter().map(|k| k.corr)
    }

    /// True if `corr`'s events are kept.
    pub fn has(&self, corr: CorrId) -> bool {
        self.slot(corr).is_some() || self.pinned.as_ref().is_some_and(|p| p.corr == corr)
    }

    /// Keeps `corr` (if kept now) however many orders follow; `None` lets it go.
    pub fn pin(&mut self, corr: Option<CorrId>) {
        if self.pinned.as_ref().map(|p| p.corr) == corr {
            return;
        }
        if let Some(old) = self.pinned.take() {
            self.forget(old.corr);
        }
        // Moved out of the recent orders, so its events go to one place.
        self.pinned = corr.and_then(|c| self.slot(c)).and_then(|i| self.orders.remove(i));
    }

    fn slot(&self, corr: CorrId) -> Option<usize> {
        self.orders.binary_search_by_key(&corr, |k| k.corr).ok()
    }

    fn begin(&mut self, corr: CorrId) {
        let at = match self.orders.binary_search_by_key(&corr, |k| k.corr) {
            Ok(_) => return,
            Err(at) => at,
        };
        self.orders.insert(at, Kept { corr, events: Vec::new(), cut_short: false });
        if self.orders.len() > ORDERS_KEPT {
            if let Some(old) = self.orders.pop_front() {
                self.forget(old.corr);
            }
        }
    }

    fn forget(&mut self, corr: CorrId) {
        if self.pinned.as_ref().is_some_and(|p| p.corr == corr) {
            return;
        }
        self.failed.retain(|&c| c != corr);
        self.msg_corr.retain(|_, c| *c != corr);
        self.saga_corr.retain(|_, c| *c != corr);
    }

    /// Remembers that `msg` belongs to `corr` when the order is kept.
    fn adopt(&mut self, msg: MsgId, corr: CorrId) -> Option<CorrId> {
        if self.has(corr) {
            self.msg_corr.insert(msg, corr);
        }
        Some(corr)
    }

    /// `corr`'s journey as of `now`, or `None` if its events are not kept.
    pub fn journey(&self, corr: CorrId, now: Micros) -> Option<Journey> {
        let kept = match &self.pinned {
            Some(p) if p.corr == corr => p,
            _ => &self.orders[self.slot(corr)?],
        };
        let mut b = Builder::default();
        for e in &kept.events {
            b.take(e);
        }
        Some(b.finish(corr, now, kept.cut_short))
    }
}

/// The message an event is about, for events that name one.
fn message_of(kind: &EventKind) -> Option<MsgId> {
    match *kind {
        EventKind::Arrived { msg, .. }
        | EventKind::Rejected { msg, .. }
        | EventKind::Started { msg, .. }
        | EventKind::Completed { msg, .. }
        | EventKind::Failed { msg, .. }
        | EventKind::Replied { msg, .. }
        | EventKind::CallReturned { msg, .. }
        | EventKind::Lost { msg, .. }
        | EventKind::TimedOut { msg, .. }
        | EventKind::LateReply { msg, .. }
        | EventKind::Enqueued { msg, .. }
        | EventKind::Delivered { msg, .. }
        | EventKind::Acked { msg, .. }
        | EventKind::VisibilityExpired { msg, .. }
        | EventKind::Nacked { msg, .. }
        | EventKind::BackoffEnded { msg, .. }
        | EventKind::DeadLettered { msg, .. }
        | EventKind::DuplicateSuppressed { msg, .. }
        | EventKind::DuplicateProcessed { msg, .. }
        | EventKind::Settled { msg, .. }
        | EventKind::PublishFailed { msg, .. }
        | EventKind::RecordProcessed { msg, .. }
        | EventKind::RecordDuplicate { msg, .. }
        | EventKind::Published { msg, .. }
        | EventKind::Unreadable { msg, .. }
        | EventKind::UpdateReceived { msg, .. }
        | EventKind::UpdateMissed { msg, .. }
        | EventKind::UpdateReplayed { msg, .. }
        | EventKind::UpdateExpired { msg, .. } => Some(msg),
        _ => None,
    }
}
