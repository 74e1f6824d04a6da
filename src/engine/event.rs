//! The event stream: the engine's single output. Metrics, traces, the
//! animation and the CLI summary are all folds over these events.

use serde::{Deserialize, Serialize};

use super::breaker::BreakerState;
use super::time::Micros;

mod causes;

pub use self::causes::{Fate, JobAlertKind, Reason, SagaOutcome, StreamCause};

/// Index of a node in the scenario's `nodes` list.
pub type NodeIx = u32;
/// Index of a link in the scenario's `links` list.
pub type LinkIx = u32;
/// A message's id, unique within a run.
pub type MsgId = u64;
/// A correlation id: the order a message belongs to.
pub type CorrId = u64;

/// One thing that happened at simulated time `t`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When, in microseconds of simulated time.
    pub t: Micros,
    /// What.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The kinds of events. Field names are the same everywhere: `msg`, `corr`, `node`,
/// `link`, `queue` (a node index), `replica`, and durations in microseconds.
///
/// The queue events (`enqueued`, `delivered`, `acked`, `visibility_expired`,
/// `dead_lettered`) also describe a topic's subscriptions: then `queue` is
/// the topic and `sub` the subscribe link (absent for plain queues).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A source produced a new order (correlation) and its first message.
    OrderPlaced { source: u32, node: NodeIx, msg: MsgId, corr: CorrId },
    /// A new message was put on a link: a call attempt or an enqueue. It reaches the
    /// other end at `arrives`, or never (`None`) when the link is partitioned.
    Sent { msg: MsgId, corr: CorrId, parent: MsgId, link: LinkIx, attempt: u32, arrives: Option<Micros> },
    /// A request reached a service and waits for a worker.
    Arrived { msg: MsgId, node: NodeIx },
    /// A service refused a request without working on it.
    Rejected { msg: MsgId, node: NodeIx, reason: Reason },
    /// A worker picked the message up after waiting `waited`.
    Started { msg: MsgId, node: NodeIx, replica: u32, waited: Micros },
    /// The worker finished successfully after `busy`, of which `self_time` was its own
    /// processing (the rest waiting on downstream calls).
    Completed { msg: MsgId, node: NodeIx, busy: Micros, self_time: Micros },
    /// Processing ended in failure; `running` tells whether a worker had started on it.
    Failed { msg: MsgId, node: NodeIx, reason: Reason, running: bool },
    /// A reply left the callee for the caller over `link`, arriving at `arrives`
    /// (`None`: lost on a partitioned link).
    Replied { msg: MsgId, link: LinkIx, ok: bool, arrives: Option<Micros> },
    /// The caller received the outcome of an attempt after `rtt`.
    CallReturned { msg: MsgId, link: LinkIx, ok: bool, rtt: Micros },
    /// A message or reply was lost on a partitioned link.
    Lost { msg: MsgId, link: LinkIx },
    /// The caller stopped waiting for a reply.
    TimedOut { msg: MsgId, link: LinkIx },
    /// A reply arrived after its caller had stopped waiting: wasted work.
    LateReply { msg: MsgId, link: LinkIx },
    /// A failed call will be tried again after `delay`.
    RetryScheduled { corr: CorrId, link: LinkIx, attempt: u32, delay: Micros },
    /// A retry was not sent because the retry budget is spent.
    RetryDenied { corr: CorrId, link: LinkIx },
    /// The breaker rejected a call without sending it.
    ShortCircuited { corr: CorrId, link: LinkIx },
    /// A breaker changed state.
    BreakerChanged { link: LinkIx, from: BreakerState, to: BreakerState },
    /// A call failed for good and the caller used its fallback instead.
    FallbackUsed { corr: CorrId, link: LinkIx },
    /// A message entered a queue; `depth` counts visible messages after it.
    Enqueued {
        msg: MsgId,
        queue: NodeIx,
        depth: u32,
        oldest: Option<Micros>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sub: Option<LinkIx>,
    },
    /// The queue handed a message to a consumer instance (receive number `receive_count`)
    /// after it had waited `waited` in the queue since it last became visible; it
    /// reaches the consumer at `arrives`.
    Delivered {
        msg: MsgId,
        queue: NodeIx,
        link: LinkIx,
        arrives: Micros,
        node: NodeIx,
        replica: u32,
        receive_count: u32,
        waited: Micros,
        depth: u32,
        oldest: Option<Micros>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sub: Option<LinkIx>,
    },
    /// The consumer acknowledged the message and the queue deleted it.
    Acked {
        msg: MsgId,
        queue: NodeIx,
        depth: u32,
        oldest: Option<Micros>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sub: Option<LinkIx>,
    },
    /// The visibility timeout passed without an ack: the message is visible
    /// again, or, for a subscription with a retry policy, once `backoff`
    /// has passed ([`EventKind::BackoffEnded`]).
    VisibilityExpired {
        msg: MsgId,
        queue: NodeIx,
        receive_count: u32,
        depth: u32,
        oldest: Option<Micros>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sub: Option<LinkIx>,
        /// How long the event waits before it can be delivered again; `None`: not at all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backoff: Option<Micros>,
    },
    /// The message was received too often (or could not be read, see
    /// `unreadable`) and moved to the dead-letter queue.
    DeadLettered {
        msg: MsgId,
        queue: NodeIx,
        receive_count: u32,
        depth: u32,
        oldest: Option<Micros>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sub: Option<LinkIx>,
    },
    /// An idempotent consumer recognised a message it had processed and skipped its effects.
    DuplicateSuppressed { msg: MsgId, node: NodeIx },
    /// A consumer processed a message a second time: its side effects happened twice.
    DuplicateProcessed { msg: MsgId, node: NodeIx },
    /// An instance crashed, losing the work it held.
    ReplicaCrashed { node: NodeIx, replica: u32, reason: Reason },
    /// A crashed instance is back.
    ReplicaRestarted { node: NodeIx, replica: u32 },
    /// A fault started (its index in the simulation's fault list).
    FaultApplied { fault: u32 },
    /// A fault ended.
    FaultCleared { fault: u32 },
    /// An order's first message got its final answer after `e2e`, against a budget of `budget`.
    OrderFinished { corr: CorrId, source: u32, ok: bool, e2e: Micros, budget: Micros },
    /// A message reached its fate (the ledger's record).
    Settled { msg: MsgId, fate: Fate },
    /// A record was stored in `log` at `offset` of `partition`; `msg` is the
    /// append message (settled as processed right after), `event` the id of
    /// the business event it carries (the same for every republish).
    Appended { msg: MsgId, log: NodeIx, partition: u32, offset: u64, event: MsgId, corr: CorrId },
    /// A publish to a log failed after the service's own commit. `stored`:
    /// the log kept the record and only the confirmation was lost.
    /// `outbox`: the relay published it (the row stays and is retried);
    /// otherwise a dual write, and an unstored event is lost for good.
    PublishFailed { msg: MsgId, link: LinkIx, event: MsgId, stored: bool, outbox: bool },
    /// A service wrote an event into its outbox table (same transaction as its work).
    OutboxWritten { node: NodeIx, link: LinkIx, event: MsgId, backlog: u32 },
    /// The relay's publish of an outbox row was confirmed and the row is done,
    /// `delay` after it was written.
    OutboxRelayed { node: NodeIx, link: LinkIx, event: MsgId, delay: Micros, backlog: u32 },
    /// An outbox was full: the row was not written and its event is lost.
    OutboxOverflow { node: NodeIx, link: LinkIx, event: MsgId },
    /// Retention deleted `count` records of a partition; its first offset is now `start`.
    RecordsExpired { log: NodeIx, partition: u32, start: u64, count: u64 },
    /// A group member (instance `replica` of the read link's service) polled
    /// `count` records of a partition from offset `from`; their messages are
    /// `first_msg`, `first_msg + 1`, … (each also has a `Sent`).
    Polled { link: LinkIx, replica: u32, partition: u32, from: u64, count: u32, first_msg: MsgId },
    /// A member finished a record (`ok`: processed; else its processing failed and it is skipped).
    RecordProcessed { msg: MsgId, link: LinkIx, partition: u32, offset: u64, ok: bool },
    /// A group processed a record it had processed before (`suppressed`: an
    /// idempotent consumer recognised it and skipped its effects).
    RecordDuplicate { msg: MsgId, link: LinkIx, partition: u32, offset: u64, cause: StreamCause, suppressed: bool },
    /// A group will never process `count` records of a partition from offset `from`.
    RecordsLost { link: LinkIx, partition: u32, from: u64, count: u64, cause: StreamCause },
    /// A group committed its position in a partition.
    OffsetCommitted { link: LinkIx, partition: u32, offset: u64 },
    /// A group's members all stopped for a rebalance (eager protocol).
    RebalanceStarted { link: LinkIx, generation: u32 },
    /// A rebalance ended: partitions are assigned across `members` live members.
    RebalanceDone { link: LinkIx, generation: u32, members: u32 },
    /// A crashed member (instance `replica`) came back before its session
    /// ran out and, with static membership, rejoined as the same member: no
    /// rebalance; its partitions restart from their committed offsets.
    MemberRejoined { link: LinkIx, replica: u32 },
    /// A group's position in a partition moved from `from` to `to` (a replay when it moves back).
    PositionMoved { link: LinkIx, partition: u32, from: u64, to: u64 },
    /// A published event reached its topic, written with schema `version`,
    /// and was copied to `copies` subscriptions.
    Published { msg: MsgId, topic: NodeIx, version: u32, copies: u32 },
    /// A new message: subscription `sub`'s copy of published event `parent`.
    Copied { msg: MsgId, corr: CorrId, parent: MsgId, topic: NodeIx, sub: LinkIx },
    /// The schema registry refused the publisher's schema `version`: a new
    /// message that never left the publisher.
    PublishRejected { msg: MsgId, corr: CorrId, parent: MsgId, link: LinkIx, topic: NodeIx, version: u32 },
    /// A subscriber could not read an event (a field it requires is
    /// missing). `nacked` false (`on_unreadable: drop`): it acknowledged the
    /// event and threw it away, silently. `nacked` true (`dead_letter`): it
    /// refused it; Pub/Sub delivers it again, and once its delivery attempts
    /// are used up moves it to the subscription's dead-letter queue.
    Unreadable { msg: MsgId, node: NodeIx, topic: NodeIx, sub: LinkIx, nacked: bool },
    /// A subscriber's nack of delivery `receive_count` reached Pub/Sub (its
    /// handler failed, or it could not read the event): the event can be
    /// delivered again without waiting for the ack deadline, at once or,
    /// under the subscription's retry policy, after `backoff`.
    Nacked {
        msg: MsgId,
        topic: NodeIx,
        sub: LinkIx,
        receive_count: u32,
        depth: u32,
        oldest: Option<Micros>,
        /// How long the event waits before it can be delivered again; `None`: not at all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backoff: Option<Micros>,
    },
    /// A nacked or expired event's retry backoff is over: it is back in its
    /// subscription's backlog, deliverable again.
    BackoffEnded { msg: MsgId, topic: NodeIx, sub: LinkIx, depth: u32, oldest: Option<Micros> },
    /// The publisher now writes schema `version` to the topic; `accepted`
    /// is false when the registry refused it (every publish will fail).
    SchemaChanged { topic: NodeIx, version: u32, accepted: bool },
    /// A subscription was added while running: it gets events published from now on.
    SubscriptionAdded { topic: NodeIx, sub: LinkIx },
    /// A subscription was removed while running; `dropped` events waiting in it were dropped.
    SubscriptionRemoved { topic: NodeIx, sub: LinkIx, dropped: u32 },
    /// A gateway went down for a restart (`up` false) or is back (`up` true).
    GatewayRestarted { node: NodeIx, up: bool },
    /// `count` connections of push link `link` dropped at once: closed (the
    /// clients know and reconnect) or, `silent`, dropped by a middlebox
    /// without a close (both ends think they are open: stale).
    ConnectionsDropped { link: LinkIx, count: u32, silent: bool },
    /// Clients of `link` due now tried to connect: `ok` were accepted,
    /// `rejected` refused by the accept limit, `refused` found the gateway down.
    Reconnects { link: LinkIx, ok: u32, rejected: u32, refused: u32 },
    /// A heartbeat round: `missed` clients got no pong; `dead` of them
    /// reached the missed-pong limit, closed and will reconnect.
    HeartbeatsMissed { link: LinkIx, missed: u32, dead: u32 },
    /// A pushed update (sent on `link`) reached client `client`.
    UpdateReceived { msg: MsgId, link: LinkIx, client: u32 },
    /// A pushed update did not reach client `client` (no working connection).
    /// `held`: kept in the gateway's replay buffer for the client's resume;
    /// otherwise it is lost (settled dropped, `disconnected`).
    UpdateMissed { msg: MsgId, link: LinkIx, client: u32, held: bool },
    /// A held update was sent again after its client resumed with its last
    /// event id; it arrives at `arrives` (`None`: lost on a partition).
    UpdateReplayed { msg: MsgId, link: LinkIx, client: u32, arrives: Option<Micros> },
    /// A held update left the replay buffer before its client came back:
    /// lost. `restarted`: the buffer itself was lost with the gateway's
    /// process (a restart), not outgrown.
    UpdateExpired { msg: MsgId, link: LinkIx, restarted: bool },
    /// Orchestrator `node` handled message `msg` of order `corr` and started
    /// saga `saga` over `steps` steps.
    SagaStarted { saga: u64, node: NodeIx, msg: MsgId, corr: CorrId, steps: u32 },
    /// A new message: saga `saga`'s command for step `step` (from 0), sent
    /// from `from` to `to` over the wire of step link `link` (in
    /// choreography `from` is the previous step's service; `from == to` is
    /// a local retry). Arrives at `arrives`, or is lost (`None`).
    StepSent {
        msg: MsgId,
        corr: CorrId,
        saga: u64,
        step: u32,
        from: NodeIx,
        to: NodeIx,
        link: LinkIx,
        attempt: u32,
        arrives: Option<Micros>,
    },
    /// A new message: the compensation of step `step`, undoing it (fields as in `StepSent`).
    CompensationSent {
        msg: MsgId,
        corr: CorrId,
        saga: u64,
        step: u32,
        from: NodeIx,
        to: NodeIx,
        link: LinkIx,
        attempt: u32,
        arrives: Option<Micros>,
    },
    /// The outcome of a step (or of a compensation, `compensation`) counted
    /// for saga `saga` of orchestrator `node`; `timed_out`: no reply came in
    /// time; `refused`: its service refused it unworked (down, or full) and
    /// it is asked again (orchestration).
    StepDone {
        saga: u64,
        node: NodeIx,
        step: u32,
        compensation: bool,
        ok: bool,
        timed_out: bool,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        refused: bool,
    },
    /// A saga ended after `steps_done` steps and `compensated` compensations.
    SagaEnded { saga: u64, node: NodeIx, outcome: SagaOutcome, steps_done: u32, compensated: u32, started: Micros },
    /// Alert: a compensation failed for good; saga `saga` waits for a person
    /// in `node`'s manual-intervention queue, which now holds `waiting`.
    SagaAlert { saga: u64, node: NodeIx, step: u32, waiting: u32 },
    /// Alert: saga `saga` of `node` passed its deadline while still at step
    /// `step` (`compensating`: undoing it). It is marked stuck and keeps
    /// running: a deadline is a detector, not a cancellation.
    SagaStuck { saga: u64, node: NodeIx, step: u32, compensating: bool },
    /// Service `at` finished step `step` of saga `saga` (orchestrator
    /// `node`), or its undo (`compensation`), a second time: a repeat of a
    /// command it had already done (asked again after a late reply). An
    /// idempotent step recognises it and does nothing again; otherwise
    /// (`applied`) its effect happened twice.
    StepRepeated { saga: u64, node: NodeIx, step: u32, at: NodeIx, compensation: bool, applied: bool },
    /// Saga `saga` of orchestrator `node` waits (it is durable, so nothing
    /// is lost): for node `on` to be back (the orchestrator itself, the
    /// service that sends the next event, or one that lost its step in a
    /// crash and gets it again), or, with `link`, for that partitioned link
    /// to heal (choreography's event stays on the broker), or, when `full`,
    /// for a place in `on`, whose backlog was full (choreography: the event
    /// stays on the broker and is delivered again when a place frees).
    SagaWaiting {
        saga: u64,
        node: NodeIx,
        on: NodeIx,
        link: Option<LinkIx>,
        #[serde(default)]
        full: bool,
    },
    /// A job's run `run` started: a new message `msg` (the run, settled when
    /// it ends). It reads `rows_in` records appended to its inputs since the
    /// last successful run; `alongside` other runs of the job are going
    /// (overlap), and it waited `waited` in the job's queue.
    JobRunStarted { node: NodeIx, run: u32, msg: MsgId, rows_in: u64, alongside: u32, waited: Micros },
    /// A run ended after `duration`: exit code 0 (`exit_ok`) or not, with
    /// `rows_out` rows written and the job's accumulated `drift` (wrong
    /// rows over all runs so far).
    JobRunEnded {
        node: NodeIx,
        run: u32,
        msg: MsgId,
        exit_ok: bool,
        rows_in: u64,
        rows_out: u64,
        duration: Micros,
        drift: u64,
    },
    /// A run was due while `running` runs were going and was not started
    /// (the `skip` policy, or a full queue or run cap).
    JobRunSkipped { node: NodeIx, running: u32 },
    /// A run was due while another was going and waits (`queue` policy), `queued` now.
    JobRunQueued { node: NodeIx, queued: u32 },
    /// Run `run` (message `msg`) was stopped after `duration` because the
    /// next one was due (`replace` policy): nothing written, its `rows_in`
    /// are read again by the run that replaces it. Not a failure the exit
    /// code reports: the job was deleted, not failed.
    JobRunReplaced { node: NodeIx, run: u32, msg: MsgId, rows_in: u64, duration: Micros },
    /// Run `run`'s pod exited non-zero, its `failures`-th failure, within
    /// the job's `backoff_limit`: as Kubernetes' Job controller does, a new
    /// pod starts after `delay` (the doubling back-off). The run is still
    /// going (its Job is active) and its message `msg` still live.
    JobRunBackoff { node: NodeIx, run: u32, msg: MsgId, failures: u32, delay: Micros },
    /// Run `run` started again in a new pod after its back-off (retry
    /// `retry`, from 1), reading `rows_in` records: everything since the
    /// last successful run, as a fresh process would.
    JobRunRetried { node: NodeIx, run: u32, msg: MsgId, retry: u32, rows_in: u64 },
    /// Run `run` failed `failures` times, one more than its `backoff_limit`
    /// allows: the Job is failed (Kubernetes `BackoffLimitExceeded`) and the
    /// run ends non-zero (its `JobRunEnded` follows). Only said when the
    /// job retries at all (`backoff_limit` above 0).
    JobRunGaveUp { node: NodeIx, run: u32, msg: MsgId, failures: u32 },
    /// The job's monitoring raised an alert about run `run` (for `stale`:
    /// the last run started, 0 if none).
    JobAlert { node: NodeIx, run: u32, alert: JobAlertKind },
}
