//! One order's kept events folded into a [`Journey`]: a row per message,
//! spans for where it was (on the wire, queued, waiting for a worker,
//! worked on, the reply on its way) and marks for what happened to it.

use std::collections::BTreeMap;

use super::{Journey, Mark, MarkKind, Row, RowKind, Span, SpanKind};
use crate::engine::event::{CorrId, Event, EventKind, Fate, LinkIx, MsgId, Reason};
use crate::engine::time::Micros;

/// Where each message's open spans began.
#[derive(Default)]
struct Open {
    arrived: Option<Micros>,
    working: Option<Micros>,
    queued: Option<Micros>,
}

#[derive(Default)]
pub(super) struct Builder {
    rows: Vec<Row>,
    row_of: BTreeMap<MsgId, u64>,
    open: Vec<Open>,
    last_on_link: BTreeMap<u64, u64>,
    saga_row: BTreeMap<u64, u64>,
    start: Option<Micros>,
    last: Micros,
    answered: Option<(bool, Micros)>,
}

impl Builder {
    fn row(&mut self, msg: MsgId, kind: RowKind, parent: Option<MsgId>, link: Option<LinkIx>) -> usize {
        if let Some(i) = self.row_at(msg) {
            return i;
        }
        let depth = parent.and_then(|p| self.row_at(p)).map_or(1, |p| self.rows[p].depth + 1);
        let depth = if kind == RowKind::Order { 0 } else { depth };
        self.rows.push(Row { msg, kind, depth, link, node: None, spans: Vec::new(), marks: Vec::new() });
        self.open.push(Open::default());
        let i = self.rows.len() - 1;
        self.row_of.insert(msg, i as u64);
        if let Some(l) = link {
            self.last_on_link.insert(u64::from(l), i as u64);
        }
        i
    }

    fn span(&mut self, row: usize, kind: SpanKind, from: Micros, to: Micros) {
        self.rows[row].spans.push(Span { kind, from, to: to.max(from), open: false });
    }

    fn mark(&mut self, row: usize, t: Micros, kind: MarkKind) {
        self.rows[row].marks.push(Mark { t, kind });
    }

    /// A failed delivery's event is back in its backlog now, or, held by a
    /// retry policy, only once its backoff ends (`BackoffEnded`): the wait
    /// before that is not time in the queue.
    fn given_back(&mut self, row: usize, t: Micros, backoff: Option<Micros>) {
        match backoff {
            Some(wait) => {
                self.mark(row, t, MarkKind::BackedOff(wait));
                self.open[row].queued = None;
            }
            None => self.open[row].queued = Some(t),
        }
    }

    /// The row a link-level event belongs to: the last message on that link, else the order.
    fn on_link(&self, link: LinkIx) -> Option<usize> {
        self.last_on_link.get(&u64::from(link)).map(|&i| i as usize).or((!self.rows.is_empty()).then_some(0))
    }

    fn row_at(&self, msg: MsgId) -> Option<usize> {
        self.row_of.get(&msg).map(|&i| i as usize)
    }

    fn saga_at(&self, saga: u64) -> Option<usize> {
        self.saga_row.get(&saga).map(|&i| i as usize)
    }

    pub(super) fn take(&mut self, e: &Event) {
        let t = e.t;
        self.start.get_or_insert(t);
        self.last = self.last.max(t);
        let at = |b: &Builder, msg: MsgId| b.row_at(msg);
        match e.kind {
            EventKind::OrderPlaced { msg, node, .. } => {
                let r = self.row(msg, RowKind::Order, None, None);
                self.rows[r].node = Some(node);
            }
            EventKind::Sent { msg, parent, link, attempt, arrives, .. } => {
                let r = self.row(msg, RowKind::Message { attempt }, Some(parent), Some(link));
                self.wire(r, t, arrives);
            }
            EventKind::StepSent { msg, saga, step, link, arrives, .. } => {
                let parent = self.saga_at(saga).map(|i| self.rows[i].msg);
                let r = self.row(msg, RowKind::Step { step }, parent, Some(link));
                self.wire(r, t, arrives);
            }
            EventKind::CompensationSent { msg, saga, step, link, arrives, .. } => {
                let parent = self.saga_at(saga).map(|i| self.rows[i].msg);
                let r = self.row(msg, RowKind::Compensation { step }, parent, Some(link));
                self.wire(r, t, arrives);
            }
            EventKind::SagaStarted { saga, msg, .. } => {
                if let Some(r) = at(self, msg) {
                    self.saga_row.insert(saga, r as u64);
                }
            }
            EventKind::SagaEnded { saga, outcome, .. } => {
                if let Some(r) = self.saga_at(saga) {
                    self.mark(r, t, MarkKind::SagaEnded(outcome));
                }
            }
            EventKind::Copied { msg, parent, sub, .. } => {
                let r = self.row(msg, RowKind::Copy, Some(parent), Some(sub));
                self.open[r].queued = Some(t);
            }
            EventKind::Appended { msg, event, log, .. } => {
                let r = self.row(event, RowKind::Record, Some(msg), None);
                self.rows[r].node = Some(log);
            }
            EventKind::Arrived { msg, node } => {
                if let Some(r) = at(self, msg) {
                    self.rows[r].node = Some(node);
                    self.open[r].arrived = Some(t);
                }
            }
            EventKind::Started { msg, node, waited, .. } => {
                if let Some(r) = at(self, msg) {
                    self.rows[r].node = Some(node);
                    if waited > 0 {
                        self.span(r, SpanKind::Waiting, t.saturating_sub(waited), t);
                    }
                    self.open[r].arrived = None;
                    self.open[r].working = Some(t);
                }
            }
            EventKind::Completed { msg, .. } => self.stop_work(msg, t),
            EventKind::Failed { msg, reason, .. } => {
                self.stop_work(msg, t);
                if let Some(r) = at(self, msg) {
                    self.mark(r, t, MarkKind::Failed(reason));
                }
            }
            EventKind::Rejected { msg, reason, .. } => {
                if let Some(r) = at(self, msg) {
                    self.open[r].arrived = None;
                    self.mark(r, t, MarkKind::Rejected(reason));
                }
            }
            EventKind::Replied { msg, arrives, .. } => {
                if let Some(r) = at(self, msg) {
                    match arrives {
                        Some(a) => self.span(r, SpanKind::Reply, t, a),
                        None => self.mark(r, t, MarkKind::Lost),
                    }
                }
            }
            EventKind::Lost { msg, .. } => self.mark_msg(msg, t, MarkKind::Lost),
            EventKind::TimedOut { msg, .. } => self.mark_msg(msg, t, MarkKind::TimedOut),
            EventKind::LateReply { msg, .. } => self.mark_msg(msg, t, MarkKind::LateReply),
            EventKind::RetryScheduled { link, attempt, .. } => self.mark_link(link, t, MarkKind::Retry(attempt)),
            EventKind::RetryDenied { link, .. } => self.mark_link(link, t, MarkKind::RetryDenied),
            EventKind::ShortCircuited { link, .. } => self.mark_link(link, t, MarkKind::ShortCircuited),
            EventKind::FallbackUsed { link, .. } => self.mark_link(link, t, MarkKind::Fallback),
            EventKind::Enqueued { msg, queue, .. } => {
                if let Some(r) = at(self, msg) {
                    self.open[r].queued = Some(t);
                    self.rows[r].node.get_or_insert(queue);
                }
            }
            EventKind::Delivered { msg, arrives, waited, .. } => {
                if let Some(r) = at(self, msg) {
                    let from = self.open[r].queued.take().unwrap_or(t.saturating_sub(waited));
                    self.span(r, SpanKind::Queued, from, t);
                    self.span(r, SpanKind::Wire, t, arrives);
                }
            }
            EventKind::VisibilityExpired { msg, backoff, .. } => {
                if let Some(r) = at(self, msg) {
                    self.mark(r, t, MarkKind::Redelivered);
                    self.given_back(r, t, backoff);
                }
            }
            EventKind::Nacked { msg, backoff, .. } => {
                if let Some(r) = at(self, msg) {
                    self.mark(r, t, MarkKind::Nacked);
                    self.given_back(r, t, backoff);
                }
            }
            EventKind::BackoffEnded { msg, .. } => {
                if let Some(r) = at(self, msg) {
                    self.open[r].queued = Some(t);
                }
            }
            EventKind::DeadLettered { msg, .. } => {
                if let Some(r) = at(self, msg) {
                    self.open[r].queued = None;
                    self.mark(r, t, MarkKind::DeadLettered);
                }
            }
            EventKind::DuplicateProcessed { msg, .. } => self.mark_msg(msg, t, MarkKind::Duplicate(true)),
            EventKind::DuplicateSuppressed { msg, .. } => self.mark_msg(msg, t, MarkKind::Duplicate(false)),
            EventKind::RecordDuplicate { msg, suppressed, .. } => {
                self.mark_msg(msg, t, MarkKind::Duplicate(!suppressed))
            }
            EventKind::RecordProcessed { msg, link, ok, .. } => {
                self.mark_msg(msg, t, MarkKind::RecordProcessed(link, ok))
            }
            EventKind::Settled { msg, fate: Fate::Dropped(reason) } => {
                if let Some(r) = at(self, msg) {
                    self.open[r] = Open::default();
                    self.mark(r, t, MarkKind::Dropped(reason));
                }
            }
            EventKind::UpdateReceived { msg, link, .. } | EventKind::UpdateReplayed { msg, link, .. } => {
                let r = self.row(msg, RowKind::Update, None, Some(link));
                self.span(r, SpanKind::Wire, t, t);
            }
            EventKind::UpdateMissed { msg, link, .. } => {
                let r = self.row(msg, RowKind::Update, None, Some(link));
                self.mark(r, t, MarkKind::Dropped(Reason::Disconnected));
            }
            EventKind::OrderFinished { ok, e2e, .. } => {
                self.answered = Some((ok, e2e));
                if !self.rows.is_empty() {
                    self.mark(0, t, MarkKind::Answered(ok, e2e));
                }
            }
            _ => {}
        }
    }

    fn wire(&mut self, r: usize, t: Micros, arrives: Option<Micros>) {
        match arrives {
            Some(a) => self.span(r, SpanKind::Wire, t, a),
            None => self.mark(r, t, MarkKind::Lost),
        }
    }

    fn stop_work(&mut self, msg: MsgId, t: Micros) {
        if let Some(r) = self.row_at(msg) {
            if let Some(from) = self.open[r].working.take() {
                self.span(r, SpanKind::Working, from, t);
            }
        }
    }

    fn mark_msg(&mut self, msg: MsgId, t: Micros, kind: MarkKind) {
        if let Some(r) = self.row_at(msg) {
            self.mark(r, t, kind);
        }
    }

    fn mark_link(&mut self, link: LinkIx, t: Micros, kind: MarkKind) {
        if let Some(r) = self.on_link(link) {
            self.mark(r, t, kind);
        }
    }

    pub(super) fn finish(mut self, corr: CorrId, now: Micros, cut_short: bool) -> Journey {
        let now = now.max(self.last);
        // What is still going on is drawn up to now.
        for (r, open) in self.open.iter().enumerate() {
            let spans = &mut self.rows[r].spans;
            if let Some(from) = open.queued {
                spans.push(Span { kind: SpanKind::Queued, from, to: now, open: true });
            }
            if let Some(from) = open.arrived {
                spans.push(Span { kind: SpanKind::Waiting, from, to: now, open: true });
            }
            if let Some(from) = open.working {
                spans.push(Span { kind: SpanKind::Working, from, to: now, open: true });
            }
        }
        let still_going = self.rows.iter().any(|r| r.spans.iter().any(|s| s.open));
        let mut end = if still_going { now } else { self.last };
        for r in &self.rows {
            for s in &r.spans {
                end = end.max(s.to);
            }
        }
        // A few dozen at most: a linear check is smaller in the wasm than a sort.
        let distinct = |it: &mut dyn Iterator<Item = u32>| {
            let mut v: Vec<u32> = Vec::new();
            for x in it {
                if !v.contains(&x) {
                    v.push(x);
                }
            }
            v
        };
        let nodes = distinct(&mut self.rows.iter().filter_map(|r| r.node));
        let links = distinct(&mut self.rows.iter().filter_map(|r| r.link));
        Journey {
            corr,
            start: self.start.unwrap_or(now),
            end,
            answered: self.answered,
            rows: self.rows,
            nodes,
            links,
            cut_short,
        }
    }
}
