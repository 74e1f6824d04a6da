//! The sentence each notable event gets, and the sentence about orders
//! failing or succeeding again (said on the change, not on every order).

use super::{count_noun, link_label, node_label, Narrator, RECOVERY_STREAK};
use crate::engine::event::EventKind;
use crate::engine::scenario::Scenario;

impl Narrator {
    pub(super) fn orders_text(&self) -> String {
        let (ok, failed) = self.orders;
        if self.orders_failing {
            format!("Failures have reached the users: orders are failing ({failed} of {} failed so far).", ok + failed)
        } else {
            format!(
                "Orders are succeeding again: the last {RECOVERY_STREAK} succeeded ({failed} of {} failed so far).",
                ok + failed
            )
        }
    }

    /// The sentence for an event, if it deserves one. Tracks whether orders
    /// are failing so that only the change is announced, not every failure.
    pub fn sentence(&mut self, kind: &EventKind, s: &Scenario) -> Option<String> {
        match *kind {
            EventKind::DeadLettered { queue, sub, .. } => Some(format!(
                "A message was moved to the dead-letter queue of {}.",
                sub.map_or_else(|| node_label(s, queue).to_string(), |l| link_label(s, l))
            )),
            // The gateway's restart is said by its own event.
            EventKind::ReplicaCrashed { reason: crate::engine::event::Reason::Restarting, .. } => None,
            EventKind::ReplicaCrashed { node, replica, reason } => {
                self.crashes += 1;
                let so_far = format!("{} so far", count_noun(self.crashes as u32, ("crash", "crashes")));
                Some(if reason == crate::engine::event::Reason::Poison {
                    format!(
                        "{} instance {} crashed on a poison message ({so_far}); it restarts, and the message is not counted as failed: it comes back after the visibility timeout.",
                        node_label(s, node),
                        replica + 1
                    )
                } else {
                    format!("{} instance {} crashed ({so_far}).", node_label(s, node), replica + 1)
                })
            }
            EventKind::Unreadable { node, topic, nacked: true, .. } => Some(format!(
                "{} could not read an event from {} and nacked it: Pub/Sub delivers it again, and moves it to the dead-letter queue once its delivery attempts are used up.",
                node_label(s, node),
                node_label(s, topic)
            )),
            EventKind::PublishRejected { topic, .. } => Some(format!(
                "The schema registry refused a publish to {}: no subscriber gets it.",
                node_label(s, topic)
            )),
            EventKind::SchemaChanged { topic, version, accepted } => Some(format!(
                "The publisher to {} now writes schema version {version}{}.",
                node_label(s, topic),
                if accepted { "" } else { ", which the registry refuses" }
            )),
            EventKind::RebalanceStarted { link, .. } if crate::view_model::event_words::cooperative(s, link) => Some(format!(
                "Consumer group {} began a cooperative rebalance: only the partitions that move pause.",
                link_label(s, link)
            )),
            EventKind::RebalanceStarted { link, .. } => {
                Some(format!("Consumer group {} stopped for a rebalance.", link_label(s, link)))
            }
            EventKind::MemberRejoined { link, replica } => Some(format!(
                "Consumer group {}: instance {} is back as the same member, so the group did not rebalance.",
                link_label(s, link),
                replica + 1
            )),
            // The pause's end, so a listener is not left thinking the group is still stopped.
            EventKind::RebalanceDone { link, members, .. } => Some(format!(
                "Consumer group {} {} the rebalance, with {members} {}.",
                link_label(s, link),
                if crate::view_model::event_words::cooperative(s, link) { "finished" } else { "resumed after" },
                if members == 1 { "member" } else { "members" }
            )),
            EventKind::PositionMoved { link, from, to, .. } if to < from => {
                Some(format!("Consumer group {} moved back to offset {to}: replaying.", link_label(s, link)))
            }
            EventKind::PublishFailed { link, outbox: false, stored: false, .. } => Some(format!(
                "A publish on {} failed after the database commit: downstream never hears of that order.",
                link_label(s, link)
            )),
            EventKind::HeartbeatsMissed { link, dead: dead @ 1.., .. } => Some(format!(
                "Heartbeats found {dead} dead connections on {}: those clients reconnect.",
                link_label(s, link)
            )),
            EventKind::SagaAlert { saga, node, step, waiting } => Some(format!(
                "Alert: saga {saga} needs manual intervention. Undoing step {} failed after every retry; \
                 the steps before it stay done. {waiting} in the manual queue of {}.",
                step + 1,
                node_label(s, node)
            )),
            EventKind::SagaStuck { saga, node, step, compensating } => Some(format!(
                "Alert: saga {saga} of {} passed its deadline while {} step {}: stuck, still waiting.",
                node_label(s, node),
                if compensating { "undoing" } else { "on" },
                step + 1
            )),
            EventKind::StepDone { saga, node, step, compensation: false, ok: false, timed_out, refused } => {
                Some(crate::view_model::saga_step_words::step_missed(s, saga, node, step, timed_out, refused))
            }
            EventKind::JobAlert { .. } => Some(crate::view_model::event_words::event_words(kind, s)),
            // Said whatever the monitoring: the page shows what the job's owner would not see.
            EventKind::JobRunEnded { node, run, exit_ok: true, rows_in, rows_out, .. } if rows_out < rows_in => {
                Some(format!("{} run {run} exited 0 but wrote only {rows_out} of {rows_in} rows.", node_label(s, node)))
            }
            // The log's words serve where they are the same sentence.
            EventKind::BreakerChanged { .. }
            | EventKind::RecordsLost { .. }
            | EventKind::GatewayRestarted { .. }
            | EventKind::ConnectionsDropped { .. }
            | EventKind::FaultApplied { .. }
            | EventKind::JobRunBackoff { .. }
            | EventKind::JobRunGaveUp { .. }
            | EventKind::FaultCleared { .. } => Some(crate::view_model::event_words::event_words(kind, s)),
            EventKind::OrderFinished { ok: false, .. } => {
                self.ok_streak = 0;
                if self.orders_failing {
                    return None;
                }
                self.orders_failing = true;
                Some(self.orders_text())
            }
            EventKind::OrderFinished { ok: true, .. } if self.orders_failing => {
                self.ok_streak += 1;
                if self.ok_streak < RECOVERY_STREAK {
                    return None;
                }
                self.orders_failing = false;
                Some(self.orders_text())
            }
            _ => None,
        }
    }
}
