//! What the events carry besides indices and times: why a message failed,
//! where it ended, a stream's losses and duplicates by cause, how a saga
//! ended, what a job's monitoring alerted on. Each is a word in the
//! event stream's JSON and a small tag in the trace hash.

use serde::{Deserialize, Serialize};

/// Why a message failed or was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The service's processing failed (its error rate, or an injected one).
    Error,
    /// The caller gave up waiting.
    Timeout,
    /// Every worker busy and the backlog full: the request was refused.
    Overloaded,
    /// The service was down (crashed) when the request arrived.
    Unavailable,
    /// The instance crashed while holding the request.
    Crashed,
    /// A downstream call failed and there was no fallback.
    DownstreamFailed,
    /// The caller's circuit breaker rejected the call without sending it.
    ShortCircuited,
    /// The link was partitioned: the message was lost on the way.
    Partition,
    /// A poison message: processing it crashes the consumer.
    Poison,
    /// The schema registry refused the publisher's schema: the event was not published.
    SchemaRejected,
    /// The subscriber could not read the event (its schema lacks a field the
    /// subscriber requires) and discarded it.
    Unreadable,
    /// The subscription was removed while the event waited in it.
    Unsubscribed,
    /// A pushed update found its client without a working connection, and
    /// no resume brought it back (type 6).
    Disconnected,
    /// The instance was stopped for a restart (a gateway's, type 6).
    Restarting,
    /// A job's run was stopped because the next one was due (`replace`, type 7).
    Replaced,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 15] = [
        Reason::Error,
        Reason::Timeout,
        Reason::Overloaded,
        Reason::Unavailable,
        Reason::Crashed,
        Reason::DownstreamFailed,
        Reason::ShortCircuited,
        Reason::Partition,
        Reason::Poison,
        Reason::SchemaRejected,
        Reason::Unreadable,
        Reason::Unsubscribed,
        Reason::Disconnected,
        Reason::Restarting,
        Reason::Replaced,
    ];

    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Error => "error",
            Reason::Timeout => "timeout",
            Reason::Overloaded => "overloaded",
            Reason::Unavailable => "unavailable",
            Reason::Crashed => "crashed",
            Reason::DownstreamFailed => "downstream_failed",
            Reason::ShortCircuited => "short_circuited",
            Reason::Partition => "partition",
            Reason::Poison => "poison",
            Reason::SchemaRejected => "schema_rejected",
            Reason::Unreadable => "unreadable",
            Reason::Unsubscribed => "unsubscribed",
            Reason::Disconnected => "disconnected",
            Reason::Restarting => "restarting",
            Reason::Replaced => "replaced",
        }
    }
}

/// Why a consumer group processed a record twice, or never processed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamCause {
    /// A member crashed after processing records it had not committed: the
    /// next owner starts again from the last commit.
    CrashReplay,
    /// A member crashed after committing records it had not processed
    /// (commit before processing): nobody processes them.
    AtMostOnceCrash,
    /// Records deleted by retention before the group read them.
    Retention,
    /// The group's position was reset by hand (backwards: replayed; forwards: skipped).
    Reset,
    /// The outbox relay published a record again because the log's
    /// confirmation of the first publish was lost.
    OutboxRepublish,
    /// Records the simulator deleted because a partition reached its own
    /// limit of kept records (`limits::MAX_RECORDS_PER_PARTITION`) while
    /// the log's retention would have kept them: a limit of the tool, not
    /// of Kafka, and reported apart so it is never mistaken for retention.
    EngineLimit,
}

impl StreamCause {
    /// Every cause, in report order.
    pub const ALL: [StreamCause; 6] = [
        StreamCause::CrashReplay,
        StreamCause::AtMostOnceCrash,
        StreamCause::Retention,
        StreamCause::Reset,
        StreamCause::OutboxRepublish,
        StreamCause::EngineLimit,
    ];

    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            StreamCause::CrashReplay => "crash_replay",
            StreamCause::AtMostOnceCrash => "at_most_once_crash",
            StreamCause::Retention => "retention",
            StreamCause::Reset => "reset",
            StreamCause::OutboxRepublish => "outbox_republish",
            StreamCause::EngineLimit => "engine_limit",
        }
    }
}

/// Where a message ended up. Every message ends in exactly one fate, or is
/// still in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fate", content = "reason", rename_all = "snake_case")]
pub enum Fate {
    /// Handled successfully (a reply sent, or a queue message acknowledged).
    Processed,
    /// Handled and failed, or given up on by its sender.
    Failed(Reason),
    /// Moved to a dead-letter queue.
    DeadLettered,
    /// Lost before anyone handled it.
    Dropped(Reason),
}

/// How a saga ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SagaOutcome {
    /// Every step succeeded.
    Completed,
    /// A step failed and every compensation it called for ran.
    Compensated,
    /// A compensation kept failing: the saga needs a person.
    Manual,
}

impl SagaOutcome {
    /// Every outcome, in report order.
    pub const ALL: [SagaOutcome; 3] = [SagaOutcome::Completed, SagaOutcome::Compensated, SagaOutcome::Manual];

    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            SagaOutcome::Completed => "completed",
            SagaOutcome::Compensated => "compensated",
            SagaOutcome::Manual => "manual",
        }
    }
}

/// What a job's monitoring noticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobAlertKind {
    /// The run exited non-zero (watched by both monitoring settings).
    ExitCode,
    /// Rows out differ from rows in beyond the tolerance (output monitoring).
    RowCount,
    /// No run wrote rows within the freshness limit (output monitoring: the freshness of the newest row).
    Stale,
    /// The run took much longer than the recent good runs (output monitoring).
    DurationGrowth,
}

impl JobAlertKind {
    /// Every alert kind, in report order.
    pub const ALL: [JobAlertKind; 4] =
        [JobAlertKind::ExitCode, JobAlertKind::RowCount, JobAlertKind::Stale, JobAlertKind::DurationGrowth];

    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            JobAlertKind::ExitCode => "exit_code",
            JobAlertKind::RowCount => "row_count",
            JobAlertKind::Stale => "stale",
            JobAlertKind::DurationGrowth => "duration_growth",
        }
    }
}
