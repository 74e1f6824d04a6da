//! Queues against Amazon SQS (SEMANTICS.md, "Queues"): the visibility
//! timeout, the receive count rising on every receive, the redrive policy
//! moving a message once its receive count would exceed maxReceiveCount,
//! and DeleteMessage, which deletes only with the latest receipt handle.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/recorded.rs"]
mod recorded;
use recorded::run;

#[path = "support/sqs_one.rs"]
mod sqs_one;
use sqs_one::{fates, receives, scenario};

use patchbay::engine::event::{EventKind, Fate};
use patchbay::engine::SECOND;
use serde_json::json;

const MS: u64 = 1_000;

#[test]
fn a_failing_message_comes_back_after_the_visibility_timeout_and_is_redriven_after_max_receive_count() {
    // Visibility 1 s, maxReceiveCount 3, the consumer fails at once (10 ms)
    // and deletes nothing: received at 0, 1 s and 2 s with receive counts
    // 1, 2, 3; at 3 s it is visible again and the receive that would make
    // the count 4 (> 3) moves it to the dead-letter queue instead.
    let events = run(scenario(1_000, Some(3), 1, 10, true), 10 * SECOND);
    let r = receives(&events);
    assert_eq!(r.iter().map(|&(t, n, _)| (t, n)).collect::<Vec<_>>(), [(0, 1), (SECOND, 2), (2 * SECOND, 3)]);
    let expired: Vec<u64> =
        events.iter().filter(|e| matches!(e.kind, EventKind::VisibilityExpired { .. })).map(|e| e.t).collect();
    assert_eq!(expired, [SECOND, 2 * SECOND, 3 * SECOND], "visible again a visibility timeout after each receive");
    let dead: Vec<(u64, u32)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::DeadLettered { receive_count, .. } => Some((e.t, receive_count)),
            _ => None,
        })
        .collect();
    assert_eq!(dead, [(3 * SECOND, 3)]);
    assert_eq!(fates(&events), [(3 * SECOND, Fate::DeadLettered)]);
}

#[test]
fn without_a_redrive_policy_it_comes_back_for_ever() {
    let events = run(scenario(1_000, None, 1, 10, true), 10_500 * MS);
    let counts: Vec<u32> = receives(&events).iter().map(|r| r.1).collect();
    assert_eq!(counts, (1..=11).collect::<Vec<_>>());
    assert!(fates(&events).is_empty(), "never settled");
}

#[test]
fn the_visibility_timeout_runs_while_the_consumer_still_works() {
    // Processing (1.5 s) outlasts the visibility timeout (1 s): a second
    // consumer receives the message while the first still works on it.
    let events = run(scenario(1_000, None, 2, 1_500, false), 10 * SECOND);
    let r = receives(&events);
    assert_eq!(r[..2], [(0, 1, 0), (SECOND, 2, 1)], "a second receive by the other instance: {r:?}");
    let dup = events.iter().filter(|e| matches!(e.kind, EventKind::DuplicateProcessed { .. })).count();
    assert!(dup >= 1, "the same message processed twice");
}

#[test]
fn a_delete_with_a_stale_receipt_handle_does_not_delete() {
    // SQS DeleteMessage: "you must provide the most recently received
    // ReceiptHandle for the message (otherwise, the request succeeds, but
    // the message might not be deleted)". Visibility 1 s, processing 1.5 s,
    // two consumers, maxReceiveCount 2: instance 0 receives at 0, instance 1
    // at 1 s (count 2); instance 0's delete at 1.5 s carries the first
    // receipt, so the message stays; at 2 s it is visible again and, its
    // count at the maximum, is dead-lettered although it was processed
    // twice. This is how a visibility timeout shorter than the work fills a
    // dead-letter queue with messages that succeeded.
    let events = run(scenario(1_000, Some(2), 2, 1_500, false), 10 * SECOND);
    let r = receives(&events);
    assert_eq!(r, [(0, 1, 0), (SECOND, 2, 1)]);
    assert_eq!(fates(&events), [(2 * SECOND, Fate::DeadLettered)], "the stale delete at 1.5 s deleted nothing");
    let acked = events.iter().filter(|e| matches!(e.kind, EventKind::Acked { .. })).count();
    assert_eq!(acked, 0, "instance 1's delete at 2.5 s comes after the redrive");
}

#[test]
fn a_delete_with_the_latest_receipt_works_even_after_the_timeout() {
    // One consumer, busy with the message: at 1 s it is visible again but
    // nobody receives it, so the consumer's receipt is still the latest and
    // its delete at 1.5 s deletes it.
    let events = run(scenario(1_000, Some(2), 1, 1_500, false), 10 * SECOND);
    assert_eq!(receives(&events), [(0, 1, 0)]);
    assert_eq!(fates(&events), [(1_500 * MS, Fate::Processed)]);
}

#[test]
fn a_deleted_message_is_never_received_again() {
    let events = run(scenario(1_000, Some(2), 2, 100, false), 10 * SECOND);
    assert_eq!(receives(&events).len(), 1);
    assert_eq!(fates(&events), [(100 * MS, Fate::Processed)]);
    assert!(events.iter().all(|e| !matches!(e.kind, EventKind::VisibilityExpired { .. })));
}

#[test]
fn what_a_crashed_consumer_held_comes_back_only_after_the_visibility_timeout() {
    // SQS knows nothing of the consumer's crash: the message stays
    // invisible until its visibility timeout, then is received again
    // (unlike RabbitMQ, which requeues a closed channel's deliveries at once).
    let mut s = scenario(1_000, None, 1, 500, false);
    s.faults = serde_json::from_value(json!([
        {"target": "worker", "at_ms": 100, "until_ms": 200, "effect": {"type": "crash"}}
    ]))
    .unwrap();
    let events = run(s, 10 * SECOND);
    assert_eq!(receives(&events).iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(), [(0, 1), (SECOND, 2)]);
    assert_eq!(fates(&events), [(1_500 * MS, Fate::Processed)]);
}
