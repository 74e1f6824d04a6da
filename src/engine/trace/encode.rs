//! The binary encoding the trace hash folds: each event as a few 64-bit
//! words (a tag for its kind, then every field as an integer; options and
//! enums as small tags). Any change here changes every golden hash.

use crate::engine::breaker::BreakerState;
use crate::engine::event::{EventKind, Fate, JobAlertKind, Reason, StreamCause};
use crate::engine::time::Micros;

fn opt(o: Option<Micros>, out: &mut impl FnMut(u64)) {
    match o {
        None => out(0),
        Some(v) => {
            out(1);
            out(v);
        }
    }
}

fn reason(r: Reason) -> u64 {
    Reason::ALL.iter().position(|x| *x == r).unwrap_or(usize::MAX) as u64
}

fn cause(c: StreamCause) -> u64 {
    StreamCause::ALL.iter().position(|x| *x == c).unwrap_or(usize::MAX) as u64
}

fn breaker(b: BreakerState) -> u64 {
    match b {
        BreakerState::Closed => 0,
        BreakerState::Open => 1,
        BreakerState::HalfOpen => 2,
    }
}

fn fate(f: Fate) -> u64 {
    match f {
        Fate::Processed => 0,
        Fate::Failed(r) => 0x100 | reason(r),
        Fate::DeadLettered => 2,
        Fate::Dropped(r) => 0x300 | reason(r),
    }
}

/// A subscription's link, written only when there is one, so queue events
/// of plain queues hash as they did before topics existed. The marker in the
/// high half keeps it from reading as another event's first word.
fn sub_link(sub: Option<u32>, out: &mut impl FnMut(u64)) {
    if let Some(s) = sub {
        out(0x5375_6200_0000_0000 | u64::from(s));
    }
}

/// A saga message's fields (steps and compensations share the shape).
fn saga_msg(msg: u64, corr: u64, saga: u64, f: [u32; 5], arrives: Option<Micros>, out: &mut impl FnMut(u64)) {
    out(msg);
    out(corr);
    out(saga);
    out(pair(f[0], f[1]));
    out(pair(f[2], f[3]));
    out(u64::from(f[4]));
    opt(arrives, out);
}

/// Two 32-bit fields in one word.
fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// The binary encoding of one event's kind, as words. Exhaustive on
/// purpose: a new event kind does not compile until it is encoded here.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub(super) fn encode(kind: &EventKind, out: &mut impl FnMut(u64)) {
    use EventKind as E;
    match *kind {
        E::OrderPlaced { source, node, msg, corr } => {
            out(1);
            out(pair(source, node));
            out(msg);
            out(corr);
        }
        E::Sent { msg, corr, parent, link, attempt, arrives } => {
            out(2);
            out(msg);
            out(corr);
            out(parent);
            out(pair(link, attempt));
            opt(arrives, out);
        }
        E::Arrived { msg, node } => {
            out(3);
            out(msg);
            out(u64::from(node));
        }
        E::Rejected { msg, node, reason: r } => {
            out(4);
            out(msg);
            out(pair(node, reason(r) as u32));
        }
        E::Started { msg, node, replica, waited } => {
            out(5);
            out(msg);
            out(pair(node, replica));
            out(waited);
        }
        E::Completed { msg, node, busy, self_time } => {
            out(6);
            out(msg);
            out(u64::from(node));
            out(busy);
            out(self_time);
        }
        E::Failed { msg, node, reason: r, running } => {
            out(7);
            out(msg);
            out(pair(node, reason(r) as u32));
            out(u64::from(running));
        }
        E::Replied { msg, link, ok, arrives } => {
            out(8);
            out(msg);
            out(pair(link, u32::from(ok)));
            opt(arrives, out);
        }
        E::CallReturned { msg, link, ok, rtt } => {
            out(9);
            out(msg);
            out(pair(link, u32::from(ok)));
            out(rtt);
        }
        E::Lost { msg, link } => {
            out(10);
            out(msg);
            out(u64::from(link));
        }
        E::TimedOut { msg, link } => {
            out(11);
            out(msg);
            out(u64::from(link));
        }
        E::LateReply { msg, link } => {
            out(12);
            out(msg);
            out(u64::from(link));
        }
        E::RetryScheduled { corr, link, attempt, delay } => {
            out(13);
            out(corr);
            out(pair(link, attempt));
            out(delay);
        }
        E::RetryDenied { corr, link } => {
            out(14);
            out(corr);
            out(u64::from(link));
        }
        E::ShortCircuited { corr, link } => {
            out(15);
            out(corr);
            out(u64::from(link));
        }
        E::BreakerChanged { link, from, to } => {
            out(16);
            out(u64::from(link));
            out((breaker(from) << 8) | breaker(to));
        }
        E::FallbackUsed { corr, link } => {
            out(17);
            out(corr);
            out(u64::from(link));
        }
        E::Enqueued { msg, queue, depth, oldest, sub } => {
            out(18);
            out(msg);
            out(pair(queue, depth));
            opt(oldest, out);
            sub_link(sub, out);
        }
        E::Delivered { msg, queue, link, arrives, node, replica, receive_count, waited, depth, oldest, sub } => {
            out(19);
            out(msg);
            out(pair(queue, link));
            out(arrives);
            out(pair(node, replica));
            out(pair(receive_count, depth));
            out(waited);
            opt(oldest, out);
            sub_link(sub, out);
        }
        E::Acked { msg, queue, depth, oldest, sub } => {
            out(20);
            out(msg);
            out(pair(queue, depth));
            opt(oldest, out);
            sub_link(sub, out);
        }
        E::VisibilityExpired { msg, queue, receive_count, depth, oldest, sub, backoff } => {
            out(21);
            out(msg);
            out(pair(queue, receive_count));
            out(u64::from(depth));
            opt(oldest, out);
            sub_link(sub, out);
            // As for a nack: only a backoff adds a word.
            if let Some(b) = backoff {
                out(b);
            }
        }
        E::DeadLettered { msg, queue, receive_count, depth, oldest, sub } => {
            out(22);
            out(msg);
            out(pair(queue, receive_count));
            out(u64::from(depth));
            opt(oldest, out);
            sub_link(sub, out);
        }
        E::DuplicateSuppressed { msg, node } => {
            out(23);
            out(msg);
            out(u64::from(node));
        }
        E::DuplicateProcessed { msg, node } => {
            out(24);
            out(msg);
            out(u64::from(node));
        }
        E::ReplicaCrashed { node, replica, reason: r } => {
            out(25);
            out(pair(node, replica));
            out(reason(r));
        }
        E::ReplicaRestarted { node, replica } => {
            out(26);
            out(pair(node, replica));
        }
        E::FaultApplied { fault } => {
            out(27);
            out(u64::from(fault));
        }
        E::FaultCleared { fault } => {
            out(28);
            out(u64::from(fault));
        }
        E::OrderFinished { corr, source, ok, e2e, budget } => {
            out(29);
            out(corr);
            out(pair(source, u32::from(ok)));
            out(e2e);
            out(budget);
        }
        E::Settled { msg, fate: f } => {
            out(30);
            out(msg);
            out(fate(f));
        }
        E::Appended { msg, log, partition, offset, event, corr } => {
            out(31);
            out(msg);
            out(pair(log, partition));
            out(offset);
            out(event);
            out(corr);
        }
        E::PublishFailed { msg, link, event, stored, outbox } => {
            out(32);
            out(msg);
            out(pair(link, u32::from(stored) | (u32::from(outbox) << 1)));
            out(event);
        }
        E::OutboxWritten { node, link, event, backlog } => {
            out(33);
            out(pair(node, link));
            out(event);
            out(u64::from(backlog));
        }
        E::OutboxRelayed { node, link, event, delay, backlog } => {
            out(34);
            out(pair(node, link));
            out(event);
            out(delay);
            out(u64::from(backlog));
        }
        E::OutboxOverflow { node, link, event } => {
            out(35);
            out(pair(node, link));
            out(event);
        }
        E::RecordsExpired { log, partition, start, count } => {
            out(36);
            out(pair(log, partition));
            out(start);
            out(count);
        }
        E::Polled { link, replica, partition, from, count, first_msg } => {
            out(37);
            out(pair(link, replica));
            out(pair(partition, count));
            out(from);
            out(first_msg);
        }
        E::RecordProcessed { msg, link, partition, offset, ok } => {
            out(38);
            out(msg);
            out(pair(link, partition));
            out(offset);
            out(u64::from(ok));
        }
        E::RecordDuplicate { msg, link, partition, offset, cause: c, suppressed } => {
            out(39);
            out(msg);
            out(pair(link, partition));
            out(offset);
            out((cause(c) << 1) | u64::from(suppressed));
        }
        E::RecordsLost { link, partition, from, count, cause: c } => {
            out(40);
            out(pair(link, partition));
            out(from);
            out(count);
            out(cause(c));
        }
        E::OffsetCommitted { link, partition, offset } => {
            out(41);
            out(pair(link, partition));
            out(offset);
        }
        E::RebalanceStarted { link, generation } => {
            out(42);
            out(pair(link, generation));
        }
        E::RebalanceDone { link, generation, members } => {
            out(43);
            out(pair(link, generation));
            out(u64::from(members));
        }
        E::MemberRejoined { link, replica } => {
            out(95);
            out(pair(link, replica));
        }
        E::PositionMoved { link, partition, from, to } => {
            out(44);
            out(pair(link, partition));
            out(from);
            out(to);
        }
        E::Published { msg, topic, version, copies } => {
            out(45);
            out(msg);
            out(u64::from(topic));
            out(pair(version, copies));
        }
        E::Copied { msg, corr, parent, topic, sub } => {
            out(46);
            out(msg);
            out(corr);
            out(parent);
            out(pair(topic, sub));
        }
        E::PublishRejected { msg, corr, parent, link, topic, version } => {
            out(47);
            out(msg);
            out(corr);
            out(parent);
            out(pair(link, topic));
            out(u64::from(version));
        }
        E::Unreadable { msg, node, topic, sub, nacked } => {
            out(48);
            out(msg);
            out(pair(node, topic));
            out(pair(sub, u32::from(nacked)));
        }
        E::Nacked { msg, topic, sub, receive_count, depth, oldest, backoff } => {
            out(60);
            out(msg);
            out(pair(topic, sub));
            out(pair(receive_count, depth));
            opt(oldest, out);
            // Only a backoff adds a word, so immediate retries (every
            // preset's) hash as they did before retry policies existed.
            if let Some(b) = backoff {
                out(b);
            }
        }
        E::BackoffEnded { msg, topic, sub, depth, oldest } => {
            out(61);
            out(msg);
            out(pair(topic, sub));
            out(u64::from(depth));
            opt(oldest, out);
        }
        E::SchemaChanged { topic, version, accepted } => {
            out(49);
            out(pair(topic, version));
            out(u64::from(accepted));
        }
        E::SubscriptionAdded { topic, sub } => {
            out(50);
            out(pair(topic, sub));
        }
        E::SagaStarted { saga, node, msg, corr, steps } => {
            out(52);
            out(saga);
            out(pair(node, steps));
            out(msg);
            out(corr);
        }
        E::StepSent { msg, corr, saga, step, from, to, link, attempt, arrives } => {
            out(53);
            saga_msg(msg, corr, saga, [step, from, to, link, attempt], arrives, out);
        }
        E::CompensationSent { msg, corr, saga, step, from, to, link, attempt, arrives } => {
            out(54);
            saga_msg(msg, corr, saga, [step, from, to, link, attempt], arrives, out);
        }
        E::StepDone { saga, node, step, compensation, ok, timed_out, refused } => {
            out(55);
            out(saga);
            out(pair(node, step));
            out(u64::from(compensation) | u64::from(ok) << 1 | u64::from(timed_out) << 2 | u64::from(refused) << 3);
        }
        E::SagaEnded { saga, node, outcome, steps_done, compensated, started } => {
            out(56);
            out(saga);
            out(pair(node, outcome as u32));
            out(pair(steps_done, compensated));
            out(started);
        }
        E::SagaAlert { saga, node, step, waiting } => {
            out(57);
            out(saga);
            out(pair(node, step));
            out(u64::from(waiting));
        }
        E::SagaStuck { saga, node, step, compensating } => {
            out(58);
            out(saga);
            out(pair(node, step));
            out(u64::from(compensating));
        }
        E::StepRepeated { saga, node, step, at, compensation, applied } => {
            out(59);
            out(saga);
            out(pair(node, step));
            out(u64::from(at));
            out(u64::from(compensation) | u64::from(applied) << 1);
        }
        E::SagaWaiting { saga, node, on, link, full } => {
            out(78);
            out(saga);
            out(pair(node, on));
            opt(link.map(u64::from), out);
            // Written only for a full participant, so the waits that
            // existed before it hash as they did; the marker in the high
            // half keeps it from reading as another event's first word.
            if full {
                out(0x4675_6C6C_0000_0000);
            }
        }
        E::SubscriptionRemoved { topic, sub, dropped } => {
            out(51);
            out(pair(topic, sub));
            out(u64::from(dropped));
        }
        // Type 6 (the real-time edge) uses tags 70 to 89.
        E::GatewayRestarted { node, up } => {
            out(70);
            out(pair(node, u32::from(up)));
        }
        E::ConnectionsDropped { link, count, silent } => {
            out(71);
            out(pair(link, count));
            out(u64::from(silent));
        }
        E::Reconnects { link, ok, rejected, refused } => {
            out(72);
            out(pair(link, ok));
            out(pair(rejected, refused));
        }
        E::HeartbeatsMissed { link, missed, dead } => {
            out(73);
            out(u64::from(link));
            out(pair(missed, dead));
        }
        E::UpdateReceived { msg, link, client } => {
            out(74);
            out(msg);
            out(pair(link, client));
        }
        E::UpdateMissed { msg, link, client, held } => {
            out(75);
            out(msg);
            out(pair(link, client));
            out(u64::from(held));
        }
        E::UpdateReplayed { msg, link, client, arrives } => {
            out(76);
            out(msg);
            out(pair(link, client));
            opt(arrives, out);
        }
        E::UpdateExpired { msg, link, restarted } => {
            out(77);
            out(msg);
            // The flag in the high half: an expiry without a restart hashes as before.
            out(pair(u32::from(restarted), link));
        }
        // Type 7 (jobs): tags 90-109 are reserved for it.
        E::JobRunStarted { node, run, msg, rows_in, alongside, waited } => {
            out(90);
            out(pair(node, run));
            out(msg);
            out(rows_in);
            out(u64::from(alongside));
            out(waited);
        }
        E::JobRunEnded { node, run, msg, exit_ok, rows_in, rows_out, duration, drift } => {
            out(91);
            out(pair(node, run));
            out(msg);
            out(u64::from(exit_ok));
            out(rows_in);
            out(rows_out);
            out(duration);
            out(drift);
        }
        E::JobRunSkipped { node, running } => {
            out(92);
            out(pair(node, running));
        }
        E::JobRunReplaced { node, run, msg, rows_in, duration } => {
            out(96);
            out(pair(node, run));
            out(msg);
            out(rows_in);
            out(duration);
        }
        E::JobRunBackoff { node, run, msg, failures, delay } => {
            out(97);
            out(pair(node, run));
            out(msg);
            out(u64::from(failures));
            out(delay);
        }
        E::JobRunRetried { node, run, msg, retry, rows_in } => {
            out(98);
            out(pair(node, run));
            out(msg);
            out(u64::from(retry));
            out(rows_in);
        }
        E::JobRunGaveUp { node, run, msg, failures } => {
            out(99);
            out(pair(node, run));
            out(msg);
            out(u64::from(failures));
        }
        E::JobRunQueued { node, queued } => {
            out(93);
            out(pair(node, queued));
        }
        E::JobAlert { node, run, alert } => {
            out(94);
            out(pair(node, run));
            out(JobAlertKind::ALL.iter().position(|x| *x == alert).unwrap_or(usize::MAX) as u64);
        }
    }
}
