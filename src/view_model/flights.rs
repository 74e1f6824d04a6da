//! Messages in flight, folded from the event stream for drawing: each has a
//! link, a direction and the simulated times it leaves and arrives, so the
//! canvas can place it anywhere in between. Failures, timeouts, dead letters
//! and crashes become short-lived marks at a node or link.

use crate::engine::patterns::{transport_look, FlightShape};
use crate::engine::scenario::Scenario;
use std::collections::VecDeque;

use crate::engine::event::{CorrId, Event, EventKind, MsgId};
use crate::engine::time::Micros;

mod orders;
use orders::OrderRing;

/// The kinds of moving messages, each drawn with its own shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlightKind {
    /// A first call attempt (filled circle).
    Request,
    /// A retried call attempt (ring).
    Retry,
    /// A successful reply travelling back (small square).
    Reply,
    /// An error reply travelling back (hollow square).
    ErrorReply,
    /// A message on its way into a queue (diamond).
    Enqueue,
    /// A queue delivery to a consumer (diamond).
    Delivery,
    /// A repeated delivery after a visibility timeout (hollow diamond).
    Redelivery,
    /// An event published to a topic or a subscription's copy of it (triangle).
    Event,
    /// A record appended to a log or handed to a group member (bar).
    Record,
    /// A record a group reads again after a crash or a reset moved it back (hollow bar).
    Replay,
    /// An update a gateway pushes to a client (small dot).
    Update,
    /// A missed update replayed to a client that resumed (ring).
    ReplayedUpdate,
    /// A saga's step command (plus).
    Step,
    /// A saga's compensation, undoing a step (×).
    Compensation,
}

/// Short-lived marks of things that happened somewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// Processing failed at a node (cross).
    Failure,
    /// A caller stopped waiting on a link (triangle).
    Timeout,
    /// A breaker rejected a call (bar across the link).
    ShortCircuit,
    /// A message went to the dead-letter queue (cross in a box).
    DeadLetter,
    /// A message was processed twice (double ring).
    Duplicate,
    /// An instance crashed (burst).
    Crash,
    /// A message was lost on a partitioned link.
    Lost,
    /// A subscriber could not read an event (circle with a slash).
    Unreadable,
    /// A consumer group committed its position (tick on its read link).
    Commit,
}

/// Where a mark is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// At a node.
    Node(u32),
    /// At the middle of a link.
    Link(u32),
}

/// One message moving along a link.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    /// What it is.
    pub kind: FlightKind,
    /// Which link.
    pub link: u32,
    /// True when it travels from the link's `to` back to its `from` (replies).
    pub reverse: bool,
    /// A saga message between two nodes the link does not join
    /// (choreography: service to service): (from node, to node).
    pub hop: Option<(u32, u32)>,
    /// When it left.
    pub start: Micros,
    /// When it arrives.
    pub end: Micros,
    /// The order it belongs to (its correlation id), 0 when not known
    /// (a job's reads, a replayed update, a reply whose request is too old).
    pub corr: CorrId,
}

impl Flight {
    /// How far along the link it is at `now`, 0 to 1.
    pub fn progress(&self, now: Micros) -> f64 {
        if self.end <= self.start {
            return 1.0;
        }
        (now.saturating_sub(self.start) as f64 / (self.end - self.start) as f64).clamp(0.0, 1.0)
    }
}

/// One mark.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    /// What happened.
    pub kind: MarkKind,
    /// Where.
    pub place: Place,
    /// When (simulated).
    pub at: Micros,
}

/// Messages in flight and recent marks, bounded in size: both are rings
/// that drop their oldest entry when full.
#[derive(Clone, Debug, Default)]
pub struct Flights {
    flights: VecDeque<Flight>,
    marks: VecDeque<Mark>,
    /// Per link, the shape its first sends travel in (from the look table).
    link_shapes: Vec<FlightShape>,
    /// Per link, the indices of the nodes it joins (saga messages between
    /// other nodes are drawn as hops).
    link_nodes: Vec<(u32, u32)>,
    /// Per (read link, partition): the highest offset the group has finished,
    /// so records polled again below it are drawn as replays.
    finished: std::collections::BTreeMap<(u32, u32), u64>,
    /// Message ids of the latest polls that re-read finished records: (first, end).
    replays: VecDeque<(u64, u64)>,
    /// Scheduled-read links as (job node, link): a run's reads travel on them.
    job_reads: Vec<(u32, u32)>,
    /// The order of recent messages: replies and deliveries name only
    /// their message.
    orders: OrderRing,
}

/// How long a job run's read is drawn travelling from the log to the job.
const JOB_READ: Micros = 250_000;

/// Poll ranges remembered for drawing replays (a poll's sends follow it at once).
const MAX_REPLAY_RANGES: usize = 64;

/// At most this many flights are kept (the oldest go first).
pub const MAX_FLIGHTS: usize = 50_000;
/// At most this many marks are kept.
pub const MAX_MARKS: usize = 2_000;

impl Flights {
    /// Folds one event in.
    pub fn observe(&mut self, e: &Event) {
        self.observe_after(e, 0, 0);
    }

    /// Folds one event in, skipping what would never be drawn: flights that
    /// arrive before `flights_from` and marks made before `marks_from`
    /// (after a fast-forward or a frame that covered a long stretch).
    pub fn observe_after(&mut self, e: &Event, flights_from: Micros, marks_from: Micros) {
        match e.kind {
            EventKind::Sent { msg, corr, .. }
            | EventKind::Copied { msg, corr, .. }
            | EventKind::Appended { msg, corr, .. }
            | EventKind::OrderPlaced { msg, corr, .. } => self.orders.remember(msg, corr),
            _ => {}
        }
        let order = |msg: MsgId| self.orders.order_of(msg);
        let flight = |kind, link, reverse, end, corr| Flight { kind, link, reverse, hop: None, start: e.t, end, corr };
        let mark = |kind, place| Mark { kind, place, at: e.t };
        let (f, m) = match e.kind {
            EventKind::Sent { msg, corr, link, attempt, arrives: Some(end), .. } => {
                let kind = match (attempt, self.link_shapes.get(link as usize)) {
                    (0, Some(FlightShape::Diamond)) => FlightKind::Enqueue,
                    (0, Some(FlightShape::Triangle)) => FlightKind::Event,
                    (0, Some(FlightShape::Square)) if self.replays.iter().any(|&(a, b)| a <= msg && msg < b) => {
                        FlightKind::Replay
                    }
                    (0, Some(FlightShape::Square)) => FlightKind::Record,
                    (0, Some(FlightShape::Dot)) => FlightKind::Update,
                    (0, _) => FlightKind::Request,
                    _ => FlightKind::Retry,
                };
                (Some(flight(kind, link, false, end, corr)), None)
            }
            EventKind::Polled { link, partition, from, count, first_msg, .. } => {
                let done = self.finished.get(&(link, partition)).copied();
                if let Some(done) = done.filter(|d| from <= *d) {
                    let again = (done - from + 1).min(u64::from(count));
                    if self.replays.len() >= MAX_REPLAY_RANGES {
                        self.replays.pop_front();
                    }
                    self.replays.push_back((first_msg, first_msg + again));
                }
                (None, None)
            }
            EventKind::RecordProcessed { link, partition, offset, .. } => {
                let done = self.finished.entry((link, partition)).or_insert(offset);
                *done = (*done).max(offset);
                (None, None)
            }
            EventKind::UpdateReplayed { link, arrives: Some(end), .. } => {
                (Some(flight(FlightKind::ReplayedUpdate, link, false, end, 0)), None)
            }
            EventKind::UpdateMissed { link, held: false, .. } | EventKind::UpdateExpired { link, .. } => {
                (None, Some(mark(MarkKind::Lost, Place::Link(link))))
            }
            EventKind::ConnectionsDropped { link, .. } => (None, Some(mark(MarkKind::Crash, Place::Link(link)))),
            EventKind::OffsetCommitted { link, .. } => (None, Some(mark(MarkKind::Commit, Place::Link(link)))),
            EventKind::Unreadable { node, .. } => (None, Some(mark(MarkKind::Unreadable, Place::Node(node)))),
            EventKind::PublishRejected { link, .. } => (None, Some(mark(MarkKind::Failure, Place::Link(link)))),
            EventKind::PublishFailed { link, .. } => (None, Some(mark(MarkKind::Lost, Place::Link(link)))),
            EventKind::RecordDuplicate { link, suppressed: false, .. } => {
                (None, Some(mark(MarkKind::Duplicate, Place::Link(link))))
            }
            EventKind::Replied { msg, link, ok, arrives: Some(end) } => {
                let kind = if ok { FlightKind::Reply } else { FlightKind::ErrorReply };
                (Some(flight(kind, link, true, end, order(msg))), None)
            }
            EventKind::Delivered { msg, link, arrives, receive_count, .. } => {
                let kind = match (receive_count, self.link_shapes.get(link as usize)) {
                    (2.., _) => FlightKind::Redelivery,
                    (_, Some(FlightShape::Triangle)) => FlightKind::Event,
                    _ => FlightKind::Delivery,
                };
                (Some(flight(kind, link, false, arrives, order(msg))), None)
            }
            EventKind::Failed { node, .. } | EventKind::Rejected { node, .. } => {
                (None, Some(mark(MarkKind::Failure, Place::Node(node))))
            }
            EventKind::TimedOut { link, .. } => (None, Some(mark(MarkKind::Timeout, Place::Link(link)))),
            EventKind::ShortCircuited { link, .. } => (None, Some(mark(MarkKind::ShortCircuit, Place::Link(link)))),
            EventKind::DeadLettered { queue, .. } => (None, Some(mark(MarkKind::DeadLetter, Place::Node(queue)))),
            EventKind::DuplicateProcessed { node, .. } | EventKind::DuplicateSuppressed { node, .. } => {
                (None, Some(mark(MarkKind::Duplicate, Place::Node(node))))
            }
            // A gateway stopped for its restart shows its restart, not a crash mark.
            EventKind::ReplicaCrashed { reason: crate::engine::event::Reason::Restarting, .. } => (None, None),
            EventKind::ReplicaCrashed { node, .. } => (None, Some(mark(MarkKind::Crash, Place::Node(node)))),
            EventKind::Lost { link, .. } => (None, Some(mark(MarkKind::Lost, Place::Link(link)))),
            EventKind::StepSent { link, from, to, arrives: Some(end), corr, .. } => {
                (self.saga_flight(FlightKind::Step, link, (from, to), (e.t, end), corr), None)
            }
            EventKind::CompensationSent { link, from, to, arrives: Some(end), corr, .. } => {
                (self.saga_flight(FlightKind::Compensation, link, (from, to), (e.t, end), corr), None)
            }
            // The saga goes to the manual-intervention queue: a dead letter of sorts, at the orchestrator.
            EventKind::SagaAlert { node, .. } => (None, Some(mark(MarkKind::DeadLetter, Place::Node(node)))),
            // A run's reads: records travel from each input log to the job.
            EventKind::JobRunStarted { node, rows_in: 1.., .. }
            | EventKind::JobRunRetried { node, rows_in: 1.., .. } => {
                for &(_, link) in self.job_reads.iter().filter(|(n, _)| *n == node) {
                    let f = flight(FlightKind::Record, link, true, e.t.saturating_add(JOB_READ), 0);
                    if self.flights.len() >= MAX_FLIGHTS {
                        self.flights.pop_front();
                    }
                    self.flights.push_back(f);
                }
                (None, None)
            }
            // A non-zero exit is a crash (a pod retried after its back-off
            // too); a silent failure leaves no mark (that is the point).
            EventKind::JobRunEnded { node, exit_ok: false, .. } | EventKind::JobRunBackoff { node, .. } => {
                (None, Some(mark(MarkKind::Crash, Place::Node(node))))
            }
            _ => (None, None),
        };
        if let Some(f) = f.filter(|f| f.end >= flights_from) {
            if self.flights.len() >= MAX_FLIGHTS {
                self.flights.pop_front();
            }
            self.flights.push_back(f);
        }
        if let Some(m) = m.filter(|m| m.at >= marks_from) {
            if self.marks.len() >= MAX_MARKS {
                self.marks.pop_front();
            }
            self.marks.push_back(m);
        }
    }

    /// A saga message: along its step link when it goes that way, between
    /// the two services otherwise (choreography); none for a local retry.
    fn saga_flight(
        &self,
        kind: FlightKind,
        link: u32,
        (from, to): (u32, u32),
        (start, end): (Micros, Micros),
        corr: CorrId,
    ) -> Option<Flight> {
        let ends = self.link_nodes.get(link as usize).copied();
        let hop = match ends {
            _ if from == to => return None,
            Some((a, b)) if a == from && b == to => None,
            _ => Some((from, to)),
        };
        Some(Flight { kind, link, reverse: false, hop, start, end, corr })
    }

    /// The order of the message drawn nearest to `at` within `radius`, at
    /// `now`. `ends` gives where a flight's trip starts and ends, in the same
    /// units as `at` (the canvas's), or `None` when it is not drawn.
    pub fn order_near(
        &self,
        now: Micros,
        at: (f64, f64),
        radius: f64,
        ends: impl Fn(&Flight) -> Option<((f64, f64), (f64, f64))>,
    ) -> Option<CorrId> {
        let mut best: Option<(f64, CorrId)> = None;
        for f in self.moving(now).filter(|f| f.corr != 0) {
            let Some((a, b)) = ends(f) else { continue };
            let p = f.progress(now);
            let (from, to) = if f.reverse { (b, a) } else { (a, b) };
            let (x, y) = (from.0 + (to.0 - from.0) * p, from.1 + (to.1 - from.1) * p);
            let d = (x - at.0).powi(2) + (y - at.1).powi(2);
            if d <= radius * radius && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, f.corr));
            }
        }
        best.map(|(_, corr)| corr)
    }

    /// Drops flights that have arrived and marks older than `mark_ttl` at `now`.
    pub fn prune(&mut self, now: Micros, mark_ttl: Micros) {
        self.flights.retain(|f| f.end >= now);
        while self.marks.front().is_some_and(|m| m.at.saturating_add(mark_ttl) < now) {
            self.marks.pop_front();
        }
    }

    /// Flights under way at `now` (left, not yet arrived).
    pub fn moving(&self, now: Micros) -> impl Iterator<Item = &Flight> {
        self.flights.iter().filter(move |f| f.start <= now && now <= f.end)
    }

    /// Marks to show at `now`.
    pub fn marks(&self) -> impl Iterator<Item = &Mark> {
        self.marks.iter()
    }

    /// How many flights are under way on each link at `now` (for reduced motion).
    pub fn per_link(&self, now: Micros, links: usize) -> Vec<u32> {
        let mut counts = vec![0; links];
        for f in self.moving(now) {
            if let Some(c) = counts.get_mut(f.link as usize) {
                *c += 1;
            }
        }
        counts
    }

    /// Forgets everything (after a reset).
    /// Learns each link's flight shape from the scenario's transports, so a
    /// message sent to a queue travels as a diamond and a call as a circle.
    pub fn shape_links(&mut self, s: &Scenario) {
        self.link_shapes = s.links.iter().map(|l| transport_look(&l.transport).flight).collect();
        let ix = |id: &str| s.nodes.iter().position(|n| n.id == id).map_or(u32::MAX, |i| i as u32);
        self.link_nodes = s.links.iter().map(|l| (ix(&l.from), ix(&l.to))).collect();
        self.job_reads = s
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.transport, crate::engine::scenario::Transport::ScheduledRead))
            .filter_map(|(i, l)| Some((s.nodes.iter().position(|n| n.id == l.from)? as u32, i as u32)))
            .collect();
    }

    /// Forgets every flight and mark (the link shapes stay).
    pub fn clear(&mut self) {
        self.flights.clear();
        self.marks.clear();
        self.finished.clear();
        self.replays.clear();
        // Message ids start again after a reset: an old run's orders must not answer for them.
        self.orders.clear();
    }
}

#[cfg(test)]
mod tests;
