//! Timers and the actions they fire: everything the engine can schedule,
//! ordered by time and then by the order it was scheduled (determinism).

use super::*;

/// A scheduled action. Ordered by time, then by the order it was scheduled.
pub(in crate::engine::sim) struct Timer {
    pub at: Micros,
    pub seq: u64,
    pub action: Action,
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Everything the engine can schedule.
pub(in crate::engine::sim) enum Action {
    SourceArrival {
        source: u32,
    },
    RequestArrive(Box<RequestArrival>),
    WorkStep {
        work: Key,
    },
    ReplyArrive {
        call: Key,
        attempt: u32,
        ok: bool,
        msg: MsgId,
        link: u32,
    },
    CallTimeout {
        call: Key,
        attempt: u32,
    },
    RetryFire {
        call: Key,
    },
    EnqueueArrive {
        msg: MsgId,
        queue: u32,
        link: Option<u32>,
    },
    DeliveryArrive(Box<Delivery>),
    VisibilityExpire {
        msg: MsgId,
        delivery: u32,
    },
    /// A consumer's ack (SQS DeleteMessage) of delivery number `delivery`
    /// reaches the queue; a queue deletes only with the latest receipt.
    AckArrive {
        msg: MsgId,
        delivery: u32,
    },
    /// A subscriber's nack of delivery number `delivery` reaches Pub/Sub
    /// (ignored if that delivery's ack deadline already ran out).
    NackArrive {
        msg: MsgId,
        delivery: u32,
    },
    /// A subscription's event has waited out the retry backoff that
    /// followed its failed delivery number `delivery`.
    BackoffEnd {
        msg: MsgId,
        delivery: u32,
    },
    ReplicaRestart {
        node: u32,
        replica: u32,
        epoch: u32,
    },
    FaultStart {
        fault: u32,
    },
    FaultEnd {
        fault: u32,
    },
    /// A publish reaches a log (type 4).
    AppendArrive(Box<crate::engine::sim::stream::AppendArrival>),
    /// A consumer group joins its log.
    GroupJoin {
        link: u32,
    },
    /// A rebalance's pause is over (ignored if another rebalance started since).
    RebalanceDone {
        link: u32,
        generation: u32,
    },
    /// A crashed member's session times out.
    SessionExpire {
        link: u32,
        replica: u32,
        epoch: u32,
    },
    /// A polled batch reaches its member (ignored if the member died meanwhile).
    BatchArrive {
        link: u32,
        replica: u32,
        epoch: u32,
    },
    /// An idle member's auto-commit is due.
    AutoCommit {
        link: u32,
        replica: u32,
        generation: u32,
    },
    /// A member tries a fetch again after one was lost on the link.
    PollRetry {
        link: u32,
        replica: u32,
        generation: u32,
    },
    /// An outbox relay publishes its pending rows.
    RelayTick {
        link: u32,
    },
    /// A published event reaches its topic (type 3).
    PublishArrive {
        msg: MsgId,
        topic: u32,
    },
    /// Clients of a push link due to reconnect at this instant try (type 6).
    Reconnect {
        link: u32,
    },
    /// A push link's heartbeat round (ignored if the heartbeat was changed since).
    Heartbeat {
        link: u32,
        epoch: u32,
    },
    /// A restarted gateway accepts connections again.
    GatewayUp {
        node: u32,
        epoch: u32,
    },
    /// A pushed update reaches its client over connection generation `conn`.
    PushArrive {
        msg: MsgId,
        link: u32,
        client: u32,
        conn: u32,
        /// The update's number on its link (its SSE event id).
        seq: u64,
    },
    /// A saga's step command or compensation reaches the service that does it
    /// (type 5). Boxed: inline it was the one 40-byte action, and every
    /// timer of every scenario is as large as the largest action.
    StepArrive(Box<StepArrival>),
    /// The outcome of a saga's step or compensation reaches whoever decides
    /// what comes next (type 5; ignored if the saga moved on).
    StepOutcome {
        saga: Key,
        token: u32,
        answer: Answer,
    },
    /// A saga's retry wait is over: send its current step or compensation again.
    SagaResend {
        saga: Key,
        token: u32,
    },
    /// A saga's deadline (stuck detection).
    SagaDeadline {
        saga: Key,
    },
    /// A job's schedule fires (type 7).
    JobFire {
        node: u32,
    },
    /// A job's run finishes its work (void if a crash killed it first).
    JobRunEnd {
        node: u32,
        run: u32,
    },
    /// A job's freshness check (void if the job wrote output since it was armed).
    JobFreshness {
        node: u32,
        epoch: u32,
    },
}

/// A saga's step command or compensation on its way to the service that does it.
pub(in crate::engine::sim) struct StepArrival {
    pub msg: MsgId,
    pub corr: CorrId,
    pub node: u32,
    pub saga: Key,
    /// The saga's id (its slot may be reused once it ends).
    pub id: u64,
    pub token: u32,
    /// The step link it was sent on, and whether it is a compensation.
    pub link: u32,
    pub comp: bool,
}

/// A call attempt reaching its callee (carries all it needs: the sender may
/// have given up on it already).
pub(in crate::engine::sim) struct RequestArrival {
    pub msg: MsgId,
    pub corr: CorrId,
    pub node: u32,
    pub call: Key,
    pub attempt: u32,
    pub link: u32,
}

/// A queue message reaching a consumer instance.
pub(in crate::engine::sim) struct Delivery {
    pub msg: MsgId,
    pub corr: CorrId,
    pub queue: u32,
    pub link: u32,
    pub node: u32,
    pub replica: u32,
    pub epoch: u32,
    pub poison: bool,
    /// Subscription copies: the index of the writer schema in the topic's history.
    pub schema: u32,
    /// Which of the message's deliveries this is (1 for the first).
    pub delivery: u32,
}

/// How a saga step's attempt ended, as whoever decides next learns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Done.
    Ok,
    /// Failed: it did not happen.
    Failed,
    /// Refused before any work (no instance up, or every worker busy and
    /// the backlog full): it did not happen, and says nothing about the
    /// business; the orchestrator asks again.
    Refused,
    /// No reply in time: it may have happened, or may still happen.
    TimedOut,
    /// The service crashed while doing it: as unknown as a timeout (it may
    /// have crashed after its work was committed).
    Crashed,
}

impl Answer {
    /// Whether the step may have happened though no success was heard.
    pub fn unknown(self) -> bool {
        matches!(self, Answer::TimedOut | Answer::Crashed)
    }
}
