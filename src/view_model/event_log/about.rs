//! What an event is about: its severity and communication type (the log's
//! filters and colours), and the nodes it concerns (the node filter).

use super::{Severity, Topic};
use crate::engine::event::{EventKind, Fate};
use crate::engine::scenario::Scenario;

/// The severity and topic of an event.
pub fn classify(kind: &EventKind) -> (Severity, Topic) {
    use EventKind as K;
    use Severity::{Info, Problem, Warning};
    match *kind {
        K::OrderPlaced { .. } => (Info, Topic::Orders),
        K::OrderFinished { ok, .. } => (if ok { Info } else { Problem }, Topic::Orders),
        K::Sent { arrives, .. } => (if arrives.is_some() { Info } else { Warning }, Topic::Calls),
        K::Replied { ok, .. } | K::CallReturned { ok, .. } => (if ok { Info } else { Warning }, Topic::Calls),
        K::Lost { .. } | K::TimedOut { .. } | K::LateReply { .. } | K::RetryScheduled { .. } => (Warning, Topic::Calls),
        K::RetryDenied { .. } | K::ShortCircuited { .. } | K::FallbackUsed { .. } => (Warning, Topic::Calls),
        K::BreakerChanged { to, .. } => {
            (if to == crate::engine::breaker::BreakerState::Open { Problem } else { Warning }, Topic::Calls)
        }
        K::Enqueued { .. } | K::Delivered { .. } | K::Acked { .. } => (Info, Topic::Queues),
        K::VisibilityExpired { .. } => (Warning, Topic::Queues),
        K::BackoffEnded { .. } => (Info, Topic::PubSub),
        K::DeadLettered { sub, .. } => (Problem, if sub.is_some() { Topic::PubSub } else { Topic::Queues }),
        K::DuplicateSuppressed { .. } => (Info, Topic::Queues),
        K::DuplicateProcessed { .. } => (Problem, Topic::Queues),
        K::Arrived { .. } | K::Started { .. } | K::Completed { .. } => (Info, Topic::Services),
        K::Rejected { .. } | K::Failed { .. } => (Warning, Topic::Services),
        K::ReplicaCrashed { .. } => (Problem, Topic::Services),
        K::ReplicaRestarted { .. } | K::FaultApplied { .. } | K::FaultCleared { .. } => (Warning, Topic::Services),
        K::Settled { fate, .. } => match fate {
            Fate::Processed => (Info, Topic::Services),
            Fate::Failed(_) => (Warning, Topic::Services),
            Fate::DeadLettered | Fate::Dropped(_) => (Problem, Topic::Services),
        },
        K::Appended { .. } | K::OutboxWritten { .. } | K::OutboxRelayed { .. } => (Info, Topic::Streams),
        K::Polled { .. } | K::OffsetCommitted { .. } | K::RebalanceDone { .. } | K::MemberRejoined { .. } => {
            (Info, Topic::Streams)
        }
        K::RecordProcessed { ok, .. } => (if ok { Info } else { Warning }, Topic::Streams),
        K::PublishFailed { outbox, stored, .. } => (if outbox || stored { Warning } else { Problem }, Topic::Streams),
        K::OutboxOverflow { .. } | K::RecordsLost { .. } => (Problem, Topic::Streams),
        K::RecordDuplicate { suppressed, .. } => (if suppressed { Info } else { Problem }, Topic::Streams),
        K::RecordsExpired { .. } | K::RebalanceStarted { .. } => (Warning, Topic::Streams),
        K::PositionMoved { from, to, .. } => (if to < from { Warning } else { Info }, Topic::Streams),
        K::Published { .. } | K::Copied { .. } | K::SubscriptionAdded { .. } => (Info, Topic::PubSub),
        K::SchemaChanged { accepted, .. } => (if accepted { Warning } else { Problem }, Topic::PubSub),
        K::PublishRejected { .. } | K::Unreadable { nacked: false, .. } => (Problem, Topic::PubSub),
        // Refused, not lost: Pub/Sub delivers it again, and its dead letter is the problem.
        K::Unreadable { nacked: true, .. } | K::Nacked { .. } => (Warning, Topic::PubSub),
        K::SubscriptionRemoved { .. } => (Warning, Topic::PubSub),
        K::GatewayRestarted { up, .. } => (if up { Info } else { Problem }, Topic::Push),
        K::ConnectionsDropped { silent, .. } => (if silent { Problem } else { Warning }, Topic::Push),
        K::Reconnects { rejected, refused, .. } => (if rejected + refused > 0 { Warning } else { Info }, Topic::Push),
        K::HeartbeatsMissed { dead, .. } => (if dead > 0 { Warning } else { Info }, Topic::Push),
        K::UpdateReceived { .. } | K::UpdateReplayed { .. } => (Info, Topic::Push),
        K::UpdateMissed { held, .. } => (if held { Warning } else { Problem }, Topic::Push),
        K::UpdateExpired { .. } => (Problem, Topic::Push),
        K::SagaStarted { .. } | K::StepSent { .. } | K::CompensationSent { .. } => (Info, Topic::Sagas),
        K::StepDone { ok, .. } => (if ok { Info } else { Warning }, Topic::Sagas),
        K::SagaEnded { outcome, .. } => (
            match outcome {
                crate::engine::event::SagaOutcome::Completed => Info,
                crate::engine::event::SagaOutcome::Compensated => Warning,
                crate::engine::event::SagaOutcome::Manual => Problem,
            },
            Topic::Sagas,
        ),
        K::SagaAlert { .. } | K::SagaStuck { .. } => (Problem, Topic::Sagas),
        K::SagaWaiting { .. } => (Warning, Topic::Sagas),
        K::StepRepeated { applied, .. } => (if applied { Problem } else { Info }, Topic::Sagas),
        K::JobRunStarted { .. } | K::JobRunQueued { .. } => (Info, Topic::Jobs),
        K::JobRunEnded { exit_ok, rows_in, rows_out, .. } => {
            (if exit_ok && rows_out >= rows_in { Info } else { Problem }, Topic::Jobs)
        }
        K::JobRunSkipped { .. } | K::JobRunReplaced { .. } | K::JobRunBackoff { .. } => (Warning, Topic::Jobs),
        K::JobRunRetried { .. } => (Info, Topic::Jobs),
        K::JobRunGaveUp { .. } => (Problem, Topic::Jobs),
        K::JobAlert { .. } => (Problem, Topic::Jobs),
    }
}

/// The node indices an event is about (directly, or through its link's two ends).
pub fn nodes_of(kind: &EventKind, s: &Scenario) -> [Option<u32>; 2] {
    use EventKind as K;
    let link = |i: u32| -> [Option<u32>; 2] {
        s.links.get(i as usize).map_or([None, None], |l| {
            let ix = |id: &str| s.nodes.iter().position(|n| n.id == id).map(|i| i as u32);
            [ix(&l.from), ix(&l.to)]
        })
    };
    match *kind {
        K::OrderPlaced { node, .. }
        | K::Arrived { node, .. }
        | K::Rejected { node, .. }
        | K::Started { node, .. }
        | K::Completed { node, .. }
        | K::Failed { node, .. }
        | K::DuplicateSuppressed { node, .. }
        | K::DuplicateProcessed { node, .. }
        | K::ReplicaCrashed { node, .. }
        | K::ReplicaRestarted { node, .. }
        | K::OutboxWritten { node, .. }
        | K::OutboxRelayed { node, .. }
        | K::OutboxOverflow { node, .. }
        | K::GatewayRestarted { node, .. }
        | K::SagaStarted { node, .. }
        | K::StepDone { node, .. }
        | K::SagaEnded { node, .. }
        | K::SagaAlert { node, .. }
        | K::SagaStuck { node, .. }
        | K::JobRunStarted { node, .. }
        | K::JobRunEnded { node, .. }
        | K::JobRunSkipped { node, .. }
        | K::JobRunReplaced { node, .. }
        | K::JobRunBackoff { node, .. }
        | K::JobRunRetried { node, .. }
        | K::JobRunGaveUp { node, .. }
        | K::JobRunQueued { node, .. }
        | K::JobAlert { node, .. } => [Some(node), None],
        K::Unreadable { node, topic, .. } => [Some(node), Some(topic)],
        K::SagaWaiting { node, on, .. } => [Some(node), (on != node).then_some(on)],
        K::StepRepeated { node, at, .. } => [Some(node), Some(at)],
        K::Delivered { queue, node, .. } => [Some(queue), Some(node)],
        K::Enqueued { queue, .. }
        | K::Acked { queue, .. }
        | K::VisibilityExpired { queue, .. }
        | K::DeadLettered { queue, .. } => [Some(queue), None],
        K::Appended { log, .. } | K::RecordsExpired { log, .. } => [Some(log), None],
        K::Published { topic, .. }
        | K::Copied { topic, .. }
        | K::PublishRejected { topic, .. }
        | K::SchemaChanged { topic, .. }
        | K::SubscriptionAdded { topic, .. }
        | K::SubscriptionRemoved { topic, .. } => [Some(topic), None],
        K::StepSent { from, to, .. } | K::CompensationSent { from, to, .. } => [Some(from), Some(to)],
        K::Nacked { sub, .. } | K::BackoffEnded { sub, .. } => link(sub),
        K::Sent { link: l, .. }
        | K::Replied { link: l, .. }
        | K::CallReturned { link: l, .. }
        | K::Lost { link: l, .. }
        | K::TimedOut { link: l, .. }
        | K::LateReply { link: l, .. }
        | K::RetryScheduled { link: l, .. }
        | K::RetryDenied { link: l, .. }
        | K::ShortCircuited { link: l, .. }
        | K::BreakerChanged { link: l, .. }
        | K::FallbackUsed { link: l, .. }
        | K::PublishFailed { link: l, .. }
        | K::Polled { link: l, .. }
        | K::RecordProcessed { link: l, .. }
        | K::RecordDuplicate { link: l, .. }
        | K::RecordsLost { link: l, .. }
        | K::OffsetCommitted { link: l, .. }
        | K::RebalanceStarted { link: l, .. }
        | K::RebalanceDone { link: l, .. }
        | K::MemberRejoined { link: l, .. }
        | K::PositionMoved { link: l, .. }
        | K::ConnectionsDropped { link: l, .. }
        | K::Reconnects { link: l, .. }
        | K::HeartbeatsMissed { link: l, .. }
        | K::UpdateReceived { link: l, .. }
        | K::UpdateMissed { link: l, .. }
        | K::UpdateReplayed { link: l, .. }
        | K::UpdateExpired { link: l, .. } => link(l),
        K::FaultApplied { fault } | K::FaultCleared { fault } => s
            .faults
            .get(fault as usize)
            .and_then(|f| s.nodes.iter().position(|n| n.id == f.target))
            .map_or([None, None], |i| [Some(i as u32), None]),
        K::OrderFinished { source, .. } => s
            .sources
            .get(source as usize)
            .and_then(|src| s.nodes.iter().position(|n| n.id == src.target))
            .map_or([None, None], |i| [Some(i as u32), None]),
        K::Settled { .. } => [None, None],
    }
}
