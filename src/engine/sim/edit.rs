//! Changes to a running simulation, all through [`Simulation::apply`]: each
//! [`Edit`] is checked against the scenario it would produce, written back
//! into the scenario (so it can be saved) and takes effect at the current
//! time. A rejected edit leaves the simulation untouched.

use super::state::*;
use super::Simulation;
use crate::engine::breaker::{Breaker, BreakerState};
use crate::engine::edit::{Applied, Edit};
use crate::engine::error::{ScenarioError, SimError};
use crate::engine::event::EventKind;
use crate::engine::retry::Budget;
use crate::engine::scenario::Scenario;
use crate::engine::scenario::{Fault, Link, NodeKind, QueueSpec, ServiceSpec, Transport};
use crate::engine::time::micros_to_ms;
use crate::engine::validate::validate_fault;

/// A fault known to the simulation, with whether it is acting now.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultStatus {
    /// Its index, for [`crate::engine::edit::Edit::ClearFault`].
    pub index: u32,
    /// The fault.
    pub fault: Fault,
    /// Acting now.
    pub active: bool,
    /// Over (recovered or cleared).
    pub ended: bool,
}

impl Simulation {
    /// Applies one edit now. On error nothing has changed, and the error
    /// names the field and the reason.
    pub fn apply(&mut self, edit: &Edit) -> Result<Applied, SimError> {
        if edit.is_structural(&self.scenario) {
            return self.run_again_with(edit);
        }
        match edit {
            Edit::ApplyFault { fault } => self.apply_fault(fault.clone()).map(Applied::Fault),
            Edit::ClearFault { index } => self.clear_fault(*index).map(|()| Applied::Done),
            Edit::SetTransport { link, transport } => {
                self.set_transport(link, transport.clone()).map(|()| Applied::Done)
            }
            Edit::SetService { node, spec } => self.set_service(node, spec.clone()).map(|()| Applied::Done),
            Edit::SetQueue { node, spec } => self.set_queue(node, spec.clone()).map(|()| Applied::Done),
            Edit::MoveNode { node, position } => {
                let i = self.node_index(node)?;
                self.checked(|s| s.nodes[i].position = *position)?;
                Ok(Applied::Done)
            }
            Edit::SetMonitor { target, on } => {
                if !self.topo.node_ix.contains_key(target.as_str()) && !self.topo.link_ix.contains_key(target.as_str())
                {
                    return Err(ScenarioError::new("$.target", format!("'{target}' is not a node or link id")).into());
                }
                // Watching changes nothing in the run: no event, no state but the list.
                self.scenario.set_monitor(target, *on);
                Ok(Applied::Done)
            }
            Edit::RenameNode { node, label } => {
                let i = self.node_index(node)?;
                self.checked(|s| s.nodes[i].label = label.clone())?;
                Ok(Applied::Done)
            }
            Edit::ResetGroup { link, to } => self.reset_group(link, *to).map(|()| Applied::Done),
            Edit::SetTopic { node, spec } => {
                let node = self.replace_node_kind(node, NodeKind::Topic(spec.clone()), "a topic")?;
                self.refresh_topic(node, true);
                Ok(Applied::Done)
            }
            Edit::AddLink { link } => self.add_link(link.clone()).map(|()| Applied::Done),
            Edit::RemoveSubscription { link } => self.remove_subscription(link).map(|()| Applied::Done),
            Edit::SetJob { node, spec } => {
                let node = self.replace_node_kind(node, NodeKind::Job(spec.clone()), "a job")?;
                self.job_settings_changed(node);
                Ok(Applied::Done)
            }
            // Read where they are used (retention when a partition is next
            // touched, admission at the next attempt), so writing them is enough.
            Edit::SetLog { node, spec } => {
                self.replace_node_kind(node, NodeKind::Log(spec.clone()), "a log").map(|_| Applied::Done)
            }
            Edit::SetGateway { node, spec } => {
                self.replace_node_kind(node, NodeKind::Gateway(spec.clone()), "a gateway").map(|_| Applied::Done)
            }
            // The wire draws each message's delay from the scenario's link when it is sent.
            Edit::SetLatency { link, latency } => {
                let i = self.link_index(link)?;
                self.checked(|s| s.links[i].latency = latency.clone())?;
                Ok(Applied::Done)
            }
            Edit::AddNode { .. } | Edit::RemoveNode { .. } | Edit::RemoveLink { .. } | Edit::Restore { .. } => {
                self.run_again_with(edit)
            }
        }
    }

    /// A structural edit: the changed scenario runs again from time zero to
    /// now. Nothing changes unless that whole run succeeds.
    fn run_again_with(&mut self, edit: &Edit) -> Result<Applied, SimError> {
        let mut next = self.rebuilt_with(std::slice::from_ref(edit))?;
        next.run_until(self.now)?;
        *self = next;
        Ok(Applied::Done)
    }

    /// The scenario as it now stands, for running again: the edited
    /// scenario, with every fault this run has known in the order it knew
    /// them (those added while running from when they started, those
    /// cleared ending when they were cleared), so fault indices keep their
    /// meaning in the new run.
    pub fn design(&self) -> Scenario {
        let mut s = self.scenario.clone();
        s.faults = self.faults.iter().map(|slot| slot.fault.clone()).collect();
        s
    }

    /// A new simulation at time zero of [`Simulation::design`] changed by
    /// `edits` (validated once, after all of them), with this run's seed,
    /// guards, recording and hashing. The caller runs it to the current time:
    /// at once ([`Simulation::apply`]) or in slices (the page).
    pub fn rebuilt_with(&self, edits: &[Edit]) -> Result<Simulation, SimError> {
        let scenario = crate::engine::design::edit_scenario(&self.design(), edits)?;
        let mut next = Simulation::with_seed(scenario, self.seed).map_err(|mut e| SimError::from(e.remove(0)))?;
        next.guard_events = self.guard_events;
        next.guard_rate = self.guard_rate;
        next.guard_live = self.guard_live;
        next.set_recording(self.recorder.is_some());
        if self.hasher.is_some() {
            next.enable_trace_hash();
        }
        Ok(next)
    }

    /// Appends a link; every per-link table grows by one and the topology
    /// is resolved again (existing links keep their indices and places).
    fn add_link(&mut self, link: Link) -> Result<(), SimError> {
        // Append, read and push links never come here: they carry state made
        // at the start, so `Edit::is_structural` sends them to `run_again_with`.
        let at = self.scenario.links.len();
        if let Err(first) = self.probe(|s| s.links.push(link.clone())) {
            let prefix = format!("$.links[{at}]");
            let path = first.path.strip_prefix(&prefix).map_or(first.path.clone(), |rest| format!("$.link{rest}"));
            return Err(ScenarioError::new(path, first.reason).into());
        }
        self.links.push(LinkState::for_link(&link));
        self.crowds.push(Default::default());
        self.faults_on_link.push(Vec::new());
        // A subscription's buffer is node count + link index: the next one.
        self.queues.push(QueueState::default());
        self.scenario.links.push(link);
        self.metrics.add_link(&self.scenario);
        self.topo = Topology::build(&self.scenario);
        let i = at as u32;
        let (from, to) = (self.topo.link_from[at], self.topo.link_to[at]);
        if self.scenario.links[at].transport.subscribe_policy().is_some() {
            self.emit(EventKind::SubscriptionAdded { topic: from, sub: i });
        }
        let buffer = self.topo.buffer_of[at];
        if buffer != u32::MAX {
            self.refile_all(to);
            self.pump_queue(buffer);
        }
        Ok(())
    }

    /// Detaches a subscription and drops what waits in it.
    fn remove_subscription(&mut self, link_id: &str) -> Result<(), SimError> {
        let Some(&link) = self.topo.link_ix.get(link_id) else {
            return Err(ScenarioError::new("$.link", format!("unknown link id '{link_id}'")).into());
        };
        let i = link as usize;
        match self.scenario.links[i].transport.subscribe_policy() {
            None => return Err(ScenarioError::new("$.link", format!("'{link_id}' is not a subscription")).into()),
            Some(p) if p.detached => {
                return Err(ScenarioError::new("$.link", format!("subscription '{link_id}' is already removed")).into())
            }
            Some(_) => {}
        }
        self.checked(|s| {
            if let Transport::Subscribe(p) = &mut s.links[i].transport {
                p.detached = true;
            }
        })?;
        self.detach_subscription(link);
        Ok(())
    }

    fn link_index(&self, link_id: &str) -> Result<usize, SimError> {
        match self.topo.link_ix.get(link_id) {
            Some(&i) => Ok(i as usize),
            None => Err(ScenarioError::new("$.link", format!("unknown link id '{link_id}'")).into()),
        }
    }

    fn node_index(&self, node_id: &str) -> Result<usize, SimError> {
        match self.topo.node_ix.get(node_id) {
            Some(&i) => Ok(i as usize),
            None => Err(ScenarioError::new("$.node", format!("unknown node id '{node_id}'")).into()),
        }
    }

    /// The first problem of the scenario `change` would produce, if any.
    fn probe(&self, change: impl Fn(&mut Scenario)) -> Result<(), ScenarioError> {
        let mut probe = self.scenario.clone();
        change(&mut probe);
        crate::engine::validate::validate(&probe).map_err(|mut problems| problems.remove(0))
    }

    /// Validates the scenario `change` would produce; only if it is valid is
    /// the change made to the simulation's own scenario.
    fn checked(&mut self, change: impl Fn(&mut Scenario)) -> Result<(), SimError> {
        self.probe(&change)?;
        change(&mut self.scenario);
        Ok(())
    }

    /// Applies a fault now (or at `at_ms` if that is later). Returns its index.
    fn apply_fault(&mut self, mut fault: Fault) -> Result<u32, SimError> {
        if fault.at_ms < micros_to_ms(self.now) {
            fault.at_ms = micros_to_ms(self.now);
        }
        validate_fault(&self.scenario, &fault, "$.fault")?;
        if self.faults.len() >= crate::engine::limits::MAX_FAULTS {
            let reason = format!(
                "{} faults already; at most {} are allowed",
                self.faults.len(),
                crate::engine::limits::MAX_FAULTS
            );
            return Err(ScenarioError::new("$.fault", reason).into());
        }
        Ok(self.add_fault(fault))
    }

    /// Ends a fault now.
    fn clear_fault(&mut self, index: u32) -> Result<(), SimError> {
        if index as usize >= self.faults.len() {
            return Err(ScenarioError::new("$.fault", format!("no fault with index {index}")).into());
        }
        // Remember when it was cleared, so running the scenario again ends it then too.
        let slot = &mut self.faults[index as usize];
        if !slot.ended {
            let now = micros_to_ms(self.now).max(slot.fault.at_ms);
            if slot.fault.until_ms.is_none_or(|u| u > now) {
                // A fault cleared before it started ends the instant it starts.
                slot.fault.until_ms = Some(if now > slot.fault.at_ms { now } else { slot.fault.at_ms + 0.001 });
            }
        }
        self.fault_end(index);
        Ok(())
    }

    /// Every fault so far, in the order they were added.
    pub fn faults(&self) -> Vec<FaultStatus> {
        self.faults
            .iter()
            .enumerate()
            .map(|(i, s)| FaultStatus { index: i as u32, fault: s.fault.clone(), active: s.active, ended: s.ended })
            .collect()
    }

    /// Replaces a link's transport settings (the transport type cannot change).
    fn set_transport(&mut self, link_id: &str, transport: Transport) -> Result<(), SimError> {
        let link = self.link_index(link_id)? as u32;
        let old = &self.scenario.links[link as usize].transport;
        if std::mem::discriminant(old) != std::mem::discriminant(&transport) {
            return Err(
                ScenarioError::new("$.transport.type", "a link's transport type cannot change while running").into()
            );
        }
        if old.subscribe_policy().map(|p| p.detached) != transport.subscribe_policy().map(|p| p.detached) {
            return Err(ScenarioError::new(
                "$.transport.detached",
                "use remove_subscription to remove a subscription, add_link to add one",
            )
            .into());
        }
        if old.push_policy().map(|p| p.clients) != transport.push_policy().map(|p| p.clients) {
            return Err(ScenarioError::new("$.transport.clients", "a crowd's size is set at the start").into());
        }
        if let Err(first) = self.probe(|s| s.links[link as usize].transport = transport.clone()) {
            // Name the field as the edit wrote it, not as the scenario holds it.
            let prefix = format!("$.links[{link}]");
            let path = first.path.strip_prefix(&prefix).map_or(first.path.clone(), |rest| format!("${rest}"));
            return Err(ScenarioError::new(path, first.reason).into());
        }
        let old = &self.scenario.links[link as usize].transport;
        let (old_sync, new_sync) = (old.sync_policy(), transport.sync_policy());
        let breaker_changed = old_sync.map(|p| &p.breaker) != new_sync.map(|p| &p.breaker);
        let budget_changed = old_sync.and_then(|p| p.retry.as_ref()).map(|r| &r.budget)
            != new_sync.and_then(|p| p.retry.as_ref()).map(|r| &r.budget);
        if let Transport::RequestResponse(p) = &transport {
            if breaker_changed {
                let ls = &mut self.links[link as usize];
                let from = ls.breaker.as_ref().map(Breaker::state);
                // A new breaker, not the old one reset: calls the old one let
                // through (a half-open trial among them) must not count.
                if let Some(b) = &ls.breaker {
                    ls.breaker_epoch = b.next_epoch();
                }
                let start = ls.breaker_epoch;
                ls.breaker = p.breaker.as_ref().map(|b| Breaker::starting_at(b, start));
                if let Some(from) = from.filter(|s| *s != BreakerState::Closed) {
                    self.emit(EventKind::BreakerChanged { link, from, to: BreakerState::Closed });
                }
            }
            if budget_changed {
                // A bucket that goes on keeps its share of tokens (gRPC's C
                // core, `Budget::rescaled`); one added where none was starts full.
                let ls = &mut self.links[link as usize];
                let next = p.retry.as_ref().and_then(|r| r.budget.as_ref());
                ls.budget = match (&ls.budget, next) {
                    (Some(old), Some(b)) => Some(old.rescaled(b)),
                    (None, Some(b)) => Some(Budget::new(b)),
                    (_, None) => None,
                };
            }
        }
        let heartbeat_changed = self.scenario.links[link as usize].transport.push_policy().map(|p| p.heartbeat_ms)
            != transport.push_policy().map(|p| p.heartbeat_ms);
        let old = &self.scenario.links[link as usize].transport;
        let attempts_lowered = match (old.subscribe_policy(), transport.subscribe_policy()) {
            (Some(o), Some(n)) => match (o.max_delivery_attempts, n.max_delivery_attempts) {
                (None, Some(_)) => true,
                (Some(before), Some(now)) => now < before,
                (_, None) => false,
            },
            _ => false,
        };
        self.scenario.links[link as usize].transport = transport;
        if heartbeat_changed {
            self.heartbeat_changed(link);
        }
        if attempts_lowered {
            self.delivery_attempts_lowered(link);
        }
        // A new prefetch changes which consumer instances have room.
        self.refile_all(self.topo.link_to[link as usize]);
        let buffer = self.topo.buffer_of[link as usize];
        if buffer != u32::MAX {
            self.pump_queue(buffer);
        }
        Ok(())
    }

    /// Replaces a service's settings. More replicas start at once; fewer
    /// retire the highest-numbered instances after their current work (a
    /// retired instance that is down stays down, `replica_restart`).
    fn set_service(&mut self, node_id: &str, spec: ServiceSpec) -> Result<(), SimError> {
        let node = self.replace_node_kind(node_id, NodeKind::Service(spec.clone()), "a service")?;
        let svc = &mut self.services[node as usize];
        let held_down = svc.crashed;
        while (svc.replicas.len() as u32) < spec.replicas {
            svc.replicas.push(Replica { up: !held_down, ..Replica::default() });
        }
        for (i, r) in svc.replicas.iter_mut().enumerate() {
            let retired = i as u32 >= spec.replicas;
            if r.retired && !retired && !r.up && !held_down {
                // Taken back while down: the retired instance was gone (it
                // holds nothing and never restarts), so this is a new one,
                // started at once like any added replica. A new epoch makes
                // its old restart timer stale.
                r.up = true;
                r.epoch = r.epoch.wrapping_add(1);
            }
            r.retired = retired;
        }
        svc.spec = spec.clone();
        self.refile_all(node);
        self.capacity_changed(node);
        for r in 0..self.services[node as usize].replicas.len() as u32 {
            self.start_next(node, r);
        }
        self.pump_consumers_of(node);
        self.members_changed(node);
        self.node_back(node);
        Ok(())
    }

    /// Replaces a queue's settings (visibility timeout, dead-letter redrive).
    fn set_queue(&mut self, node_id: &str, spec: QueueSpec) -> Result<(), SimError> {
        let node = self.replace_node_kind(node_id, NodeKind::Queue(spec), "a queue")?;
        self.pump_queue(node);
        Ok(())
    }

    /// Checks and writes a node's new settings (same kind only); returns its index.
    fn replace_node_kind(&mut self, node_id: &str, kind: NodeKind, what: &str) -> Result<u32, SimError> {
        let node = self.node_index(node_id)?;
        if std::mem::discriminant(&self.scenario.nodes[node].kind) != std::mem::discriminant(&kind) {
            return Err(ScenarioError::new("$.node", format!("'{node_id}' is not {what}")).into());
        }
        self.checked(|s| s.nodes[node].kind = kind.clone())?;
        Ok(node as u32)
    }
}
