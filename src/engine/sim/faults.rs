//! Faults: scheduled in the scenario or applied while running. The state of
//! a node or link is recomputed from all its active faults whenever one
//! starts or ends, so overlapping faults combine and recover cleanly. Each
//! fault's target is resolved once, and every node and link keeps the list
//! of its own faults, so a refresh looks only at those.

use super::quick::Quick;
use super::state::*;
use super::Simulation;
use crate::engine::event::{EventKind, Fate, Reason};
use crate::engine::scenario::{Fault, FaultEffect};
use crate::engine::slab::Key;
use crate::engine::time::ms_to_micros;

impl Simulation {
    /// Registers a fault and schedules its start and end. Returns its index.
    pub(super) fn add_fault(&mut self, fault: Fault) -> u32 {
        let i = self.faults.len() as u32;
        let start = ms_to_micros(fault.at_ms).max(self.now);
        let end = fault.until_ms.map(ms_to_micros);
        let poison_left = match fault.effect {
            FaultEffect::Poison { count, .. } | FaultEffect::CompensationFails { count, .. } => count,
            _ => None,
        };
        // Validated: a link fault names a link, a node fault a node.
        let target = if fault.effect.is_link_fault() {
            FaultTarget::Link(self.topo.link_ix.get(&fault.target).copied().unwrap_or(u32::MAX))
        } else {
            FaultTarget::Node(self.topo.node_ix.get(&fault.target).copied().unwrap_or(u32::MAX))
        };
        match target {
            FaultTarget::Node(n) => self.faults_on_node.get_mut(n as usize).map(|v| v.push(i)),
            FaultTarget::Link(l) => self.faults_on_link.get_mut(l as usize).map(|v| v.push(i)),
        };
        self.faults.push(FaultSlot { target, fault, active: false, ended: false, poison_left });
        self.schedule(start, Action::FaultStart { fault: i });
        if let Some(end) = end {
            self.schedule(end.max(start), Action::FaultEnd { fault: i });
        }
        i
    }

    pub(super) fn fault_start(&mut self, i: u32) {
        let Some(slot) = self.faults.get_mut(i as usize) else { return };
        if slot.active || slot.ended {
            return;
        }
        slot.active = true;
        let job_crash = match (slot.target, &slot.fault.effect) {
            (FaultTarget::Node(n), FaultEffect::Crash) => self.jobs.get(n as usize).map(|_| n),
            _ => None,
        };
        self.emit(EventKind::FaultApplied { fault: i });
        self.refresh_target(i);
        self.edge_fault(i);
        if let Some(n) = job_crash.filter(|&n| self.scenario.nodes[n as usize].kind.job().is_some()) {
            self.job_crashed(n);
        }
    }

    pub(super) fn fault_end(&mut self, i: u32) {
        let Some(slot) = self.faults.get_mut(i as usize) else { return };
        if slot.ended {
            return;
        }
        let was_active = slot.active;
        slot.active = false;
        slot.ended = true;
        if was_active {
            self.emit(EventKind::FaultCleared { fault: i });
            self.refresh_target(i);
            // Runs queued while a job was down start once it is back.
            if let (FaultTarget::Node(n), FaultEffect::Crash) =
                (self.faults[i as usize].target, &self.faults[i as usize].fault.effect)
            {
                if self.scenario.nodes.get(n as usize).is_some_and(|node| node.kind.job().is_some()) {
                    self.start_queued(n);
                }
            }
        }
    }

    fn refresh_target(&mut self, i: u32) {
        match self.faults[i as usize].target {
            FaultTarget::Link(link) if (link as usize) < self.links.len() => self.refresh_link(link),
            FaultTarget::Node(node) if (node as usize) < self.services.len() => self.refresh_node(node),
            FaultTarget::Link(_) | FaultTarget::Node(_) => {}
        }
    }

    /// The effects of the faults acting now on one node's or link's list.
    fn active_in<'a>(&'a self, list: &'a [u32]) -> impl Iterator<Item = &'a FaultEffect> + 'a {
        list.iter().filter_map(|&i| self.faults.get(i as usize)).filter(|s| s.active).map(|s| &s.fault.effect)
    }

    fn refresh_link(&mut self, link: u32) {
        let mut partitioned = false;
        let mut extra = 0;
        for e in self.active_in(&self.faults_on_link[link as usize]) {
            match e {
                FaultEffect::Partition => partitioned = true,
                FaultEffect::LinkLatency { ms } => extra += ms_to_micros(*ms),
                _ => {}
            }
        }
        let l = &mut self.links[link as usize];
        l.partitioned = partitioned;
        l.extra_latency = extra;
        if !partitioned {
            self.sagas_unblocked(super::saga_wait::Blocker::Link(link));
        }
    }

    fn refresh_node(&mut self, node: u32) {
        if self.topics.get(node as usize).is_some_and(|t| !t.schemas.is_empty()) {
            self.refresh_topic(node, false);
            return;
        }
        let (mut slow, mut extra, mut crashed, mut hung, mut err) = (1.0f64, 0, false, false, 0.0f64);
        for e in self.active_in(&self.faults_on_node[node as usize]) {
            match e {
                FaultEffect::Slow { factor } => slow *= factor,
                FaultEffect::ExtraLatency { ms } => extra += ms_to_micros(*ms),
                FaultEffect::Crash => crashed = true,
                FaultEffect::Hang => hung = true,
                FaultEffect::ErrorRate { rate } => err += rate,
                _ => {}
            }
        }
        let svc = &mut self.services[node as usize];
        if svc.is_client {
            return;
        }
        let was_crashed = svc.crashed;
        let was_hung = svc.hung;
        let was_slow = svc.slow_factor;
        svc.slow_factor = slow;
        svc.extra = extra;
        svc.hung = hung;
        svc.error_extra = err.min(1.0);
        svc.crashed = crashed;
        if crashed && !was_crashed {
            for r in 0..svc.replicas.len() as u32 {
                self.crash_replica(node, r, Reason::Crashed, false);
            }
        } else if !crashed && was_crashed {
            self.restart_down_replicas(node);
        }
        if was_hung && !hung {
            let parked = std::mem::take(&mut self.services[node as usize].parked);
            for work in parked {
                if let Some(w) = self.works.get_mut(work) {
                    w.due = self.now;
                }
                self.schedule_quick(self.now, Quick::WorkEnd(work));
            }
            self.node_back(node);
        }
        if slow != was_slow {
            self.speed_changed(node);
            self.job_speed_changed(node);
        }
    }

    /// Whether the next message `node` sends to a queue is poison.
    pub(super) fn take_poison(&mut self, node: u32) -> bool {
        self.take_counted(node, |e| match e {
            FaultEffect::Poison { probability, .. } => Some(*probability),
            _ => None,
        })
    }

    /// Whether the first active fault on `node` that `pick` recognises (and
    /// gives a probability) hits this time; counts it against the fault's
    /// `count` (poison messages, failed compensations).
    pub(super) fn take_counted(&mut self, node: u32, pick: fn(&FaultEffect) -> Option<f64>) -> bool {
        let mut hit = None;
        for &i in &self.faults_on_node[node as usize] {
            let s = &self.faults[i as usize];
            if s.active && s.poison_left != Some(0) {
                if let Some(probability) = pick(&s.fault.effect) {
                    hit = Some((i as usize, probability));
                    break;
                }
            }
        }
        let Some((i, p)) = hit else { return false };
        if !self.rng.chance(p) {
            return false;
        }
        if let Some(left) = self.faults[i].poison_left.as_mut() {
            *left -= 1;
        }
        true
    }
}

/// Crashes and restarts of service instances (moved here from
/// `sim/service.rs` to keep that file to the request path).
impl Simulation {
    /// An instance dies: everything it held is lost; it comes back after
    /// `restart_ms` unless a crash fault keeps the service down.
    pub(super) fn crash_replica(&mut self, node: u32, replica: u32, reason: Reason, restart: bool) {
        let r = &mut self.services[node as usize].replicas[replica as usize];
        if !r.up {
            return;
        }
        r.up = false;
        r.epoch = r.epoch.wrapping_add(1);
        let epoch = r.epoch;
        r.waiting.clear();
        r.busy = 0;
        // What it held comes back from each queue when its visibility runs out.
        for i in 0..self.topo.consumes_from[node as usize].len() {
            let link = self.topo.consumes_from[node as usize][i];
            if let Some(held) = self.links[link as usize].unacked.get_mut(replica as usize) {
                *held = 0;
            }
        }
        self.refile_consumer(node, replica);
        self.emit(EventKind::ReplicaCrashed { node, replica, reason });
        self.capacity_changed(node);
        // Crashes are rare: finding the instance's work by a scan keeps the hot path free of bookkeeping.
        let held: Vec<Key> =
            self.works.iter().filter(|(_, w)| w.node == node && w.replica == replica).map(|(k, _)| k).collect();
        for key in held {
            let Some(w) = self.works.remove(key) else { continue };
            if let Stage::Calling { call, .. } = w.stage {
                self.drop_call(call);
            }
            let running = w.stage != Stage::Waiting;
            let why = if w.poison { Reason::Poison } else { Reason::Crashed };
            self.emit(EventKind::Failed { msg: w.msg, node, reason: why, running });
            match w.job {
                // Unacknowledged: the queue redelivers it after the visibility timeout.
                Job::Delivery { .. } => continue,
                // The record stays in the log; whether it is processed again
                // depends on the group's last commit (see sim/stream/group.rs).
                Job::Record { .. } => self.settle(w.msg, Fate::Failed(why)),
                // The connection drops, so the caller learns at once.
                Job::Order(_) | Job::Request { .. } | Job::Step { .. } => self.answer(w.held(), Err(why)),
            }
        }
        self.member_down(node, replica);
        self.services[node as usize].parked.retain(|k| self.works.get(*k).is_some());
        if restart && !self.services[node as usize].crashed {
            let at = self.now.saturating_add(self.services[node as usize].restart_delay());
            self.schedule(at, Action::ReplicaRestart { node, replica, epoch });
        }
    }

    /// Every instance of `node` that is down comes back (a crash fault or a
    /// gateway's restart ended); a retired one stays gone.
    pub(super) fn restart_down_replicas(&mut self, node: u32) {
        let down: Vec<(u32, u32)> = self.services[node as usize]
            .replicas
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.up && !r.retired)
            .map(|(i, r)| (i as u32, r.epoch))
            .collect();
        for (replica, epoch) in down {
            self.replica_restart(node, replica, epoch);
        }
    }

    /// A crashed instance comes back, unless the service is held down by a
    /// crash fault or the instance was retired meanwhile: a scale-down
    /// deletes a crashed pod, and Kubernetes restarts no container of a pod
    /// being deleted, so a retired instance that is down is gone for good
    /// (more replicas later start a new one, `set_service`).
    pub(super) fn replica_restart(&mut self, node: u32, replica: u32, epoch: u32) {
        let svc = &mut self.services[node as usize];
        if svc.crashed {
            return;
        }
        let Some(r) = svc.replicas.get_mut(replica as usize) else { return };
        if r.up || r.retired || r.epoch != epoch {
            return;
        }
        r.up = true;
        self.refile_consumer(node, replica);
        self.emit(EventKind::ReplicaRestarted { node, replica });
        self.capacity_changed(node);
        self.pump_consumers_of(node);
        self.members_changed(node);
        self.node_back(node);
    }

    /// Tells the metrics how many workers `node` offers now: those of its
    /// instances that are up and still in the pool. A crashed instance offers
    /// none until it restarts, so its down time does not count as idle time
    /// in the service's utilisation (monitoring sees only live instances).
    pub(super) fn capacity_changed(&mut self, node: u32) {
        let svc = &self.services[node as usize];
        if svc.is_client {
            return;
        }
        let up = svc.replicas.iter().filter(|r| r.up && !r.retired).count() as u32;
        self.metrics.set_capacity(node as usize, self.now, up * svc.spec.concurrency);
    }
}
