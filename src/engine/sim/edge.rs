//! Type 6, the real-time edge: a gateway's connections to a crowd of
//! clients behind each push link, the updates pushed over them, heartbeats,
//! reconnects and SSE resume.
//!
//! A crowd is flat vectors indexed by client (its connection state, retry
//! count, missed pongs, connection generation), so 10,000 clients cost tens
//! of kilobytes. Work is batched where real clients act in step: the
//! clients due to reconnect at one instant are one timer and one event (a
//! fixed delay brings a whole crowd back in one batch), and a heartbeat is
//! one sweep per interval over the crowd rather than a timer per client.

use std::collections::{BTreeSet, VecDeque};

use super::state::*;
use super::Simulation;
use crate::engine::event::{CorrId, EventKind, Fate, MsgId, Reason};
use crate::engine::scenario::{FaultEffect, Scenario, Transport};
use crate::engine::time::{ms_to_micros, Micros};

/// The accept limit's window.
const WINDOW: Micros = 100_000;

/// A client's connection as it really is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Conn {
    /// Open and working.
    Up,
    /// Dropped by a middlebox without a close: the client thinks it is open.
    Stale,
    /// Closed; the client waits to reconnect.
    Away,
}

/// The clients behind one push link (empty for other links).
#[derive(Default)]
pub(super) struct Crowd {
    pub conn: Vec<Conn>,
    /// Failed connection attempts since the last success (the backoff exponent).
    pub attempt: Vec<u8>,
    pub missed: Vec<u8>,
    /// Bumped at every new connection: an update in flight on an older one is missed.
    pub generation: Vec<u32>,
    /// Clients due to try connecting, as (time, client): the same set type
    /// as a queue's ready messages, so no new map code in the wasm.
    pub due: BTreeSet<(Micros, u64)>,
    /// When the last reconnect timer was set: clients due at that instant share it.
    pub due_timer: Option<Micros>,
    /// Missed updates kept for resume: (sequence number, message, client), oldest first.
    pub held: VecDeque<(u64, MsgId, u32)>,
    /// Updates pushed on the link so far (their sequence numbers).
    pub pushed: u64,
    /// The last sequence number its gateway's previous process sent: an
    /// update up to it that misses its client is lost, since the buffer
    /// it would wait in went with that process (a restart).
    pub forgotten: u64,
    /// Bumped when the heartbeat setting changes, so old rounds stop.
    pub heartbeat_epoch: u32,
    /// When the last update sent to each client arrives: one connection is
    /// one ordered stream (TCP under WebSocket and SSE), so a later update
    /// never overtakes an earlier one.
    pub last_arrival: Vec<Micros>,
}

impl Crowd {
    /// Every client connected, as at the start.
    pub fn for_link(s: &Scenario, link: usize) -> Self {
        let Some(p) = s.links[link].transport.push_policy() else { return Crowd::default() };
        let n = p.clients as usize;
        Crowd {
            conn: vec![Conn::Up; n],
            attempt: vec![0; n],
            missed: vec![0; n],
            generation: vec![0; n],
            last_arrival: vec![0; n],
            ..Crowd::default()
        }
    }
}

/// A gateway's own state (default for other nodes).
#[derive(Default)]
pub(super) struct GatewayState {
    pub down: bool,
    pub epoch: u32,
    /// The accept window (time / 100 ms) and connections accepted in it.
    pub window: u64,
    pub accepted: u32,
    /// Working connections over all its push links.
    pub open: u32,
}

impl GatewayState {
    pub fn for_node(s: &Scenario, node: usize) -> Self {
        let id = &s.nodes[node].id;
        let open =
            s.links.iter().filter(|l| &l.from == id).filter_map(|l| l.transport.push_policy()).map(|p| p.clients).sum();
        GatewayState { open, ..GatewayState::default() }
    }
}

impl Simulation {
    /// Schedules the first heartbeat round of every push link that has one.
    pub(super) fn start_heartbeats(&mut self) {
        for link in 0..self.scenario.links.len() as u32 {
            self.schedule_heartbeat(link);
        }
    }

    fn schedule_heartbeat(&mut self, link: u32) {
        let Some(ms) = self.scenario.links[link as usize].transport.push_policy().and_then(|p| p.heartbeat_ms) else {
            return;
        };
        let at = self.now.saturating_add(ms_to_micros(ms).max(1));
        let epoch = self.crowds[link as usize].heartbeat_epoch;
        self.schedule(at, Action::Heartbeat { link, epoch });
    }

    /// A push link's heartbeat setting changed: the old rounds stop, new ones start.
    pub(super) fn heartbeat_changed(&mut self, link: u32) {
        let c = &mut self.crowds[link as usize];
        c.heartbeat_epoch = c.heartbeat_epoch.wrapping_add(1);
        c.missed.iter_mut().for_each(|m| *m = 0);
        self.schedule_heartbeat(link);
    }

    /// A gateway finished taking in a message: it pushes the order's update
    /// to the client following that order on each of its push links.
    pub(super) fn push_updates(&mut self, node: u32, parent: MsgId, corr: CorrId) {
        for i in 0..self.topo.push_out[node as usize].len() {
            let link = self.topo.push_out[node as usize][i];
            self.push_update(link, parent, corr);
        }
    }

    fn push_update(&mut self, link: u32, parent: MsgId, corr: CorrId) {
        let c = &mut self.crowds[link as usize];
        if c.conn.is_empty() {
            return;
        }
        // The client following the order: a fixed function of the order.
        let client = (corr % c.conn.len() as u64) as u32;
        c.pushed += 1;
        let seq = c.pushed;
        let up = c.conn[client as usize] == Conn::Up;
        let conn = c.generation[client as usize];
        self.expire_held(link);
        let msg = self.new_msg_id();
        self.msgs.insert(msg, Msg::new(corr));
        let at = if up { self.cross(link).map(|at| self.in_order(link, client, at)) } else { None };
        self.emit(EventKind::Sent { msg, corr, parent, link, attempt: 0, arrives: at });
        match at {
            Some(at) => self.schedule(at, Action::PushArrive { msg, link, client, conn, seq }),
            None if up => {
                self.emit(EventKind::Lost { msg, link });
                self.settle(msg, Fate::Dropped(Reason::Partition));
            }
            None => self.miss(msg, link, client, seq),
        }
    }

    /// When an update drawn to arrive at `at` reaches `client`: not before
    /// the one sent to it just before (one connection keeps its order).
    fn in_order(&mut self, link: u32, client: u32, at: Micros) -> Micros {
        let Some(last) = self.crowds[link as usize].last_arrival.get_mut(client as usize) else { return at };
        *last = (*last).max(at);
        *last
    }

    /// An update reaches its client, if the connection it was sent on still works.
    pub(super) fn push_arrive(&mut self, msg: MsgId, link: u32, client: u32, conn: u32, seq: u64) {
        let c = &self.crowds[link as usize];
        if c.conn[client as usize] == Conn::Up && c.generation[client as usize] == conn {
            self.emit(EventKind::UpdateReceived { msg, link, client });
            self.settle(msg, Fate::Processed);
        } else {
            self.miss(msg, link, client, seq);
        }
    }

    /// An update (number `seq` on its link) that found no working
    /// connection: held for resume, or lost.
    fn miss(&mut self, msg: MsgId, link: u32, client: u32, seq: u64) {
        // Sent by a gateway process that has since restarted: the buffer it
        // would wait in was that process's memory (found in an audit: the
        // new process replayed updates it never had).
        let forgotten = seq <= self.crowds[link as usize].forgotten;
        let held = !forgotten && self.resumes(link) && self.replay_buffer(link) > 0;
        self.emit(EventKind::UpdateMissed { msg, link, client, held });
        if held {
            // Kept in order of the update's own number, as a buffer keyed
            // by event id is, so the oldest leave first: a miss noticed
            // late (a silent drop, a slow link) is still an old update.
            // Nearly always at the back: a step back per newer update.
            let c = &mut self.crowds[link as usize];
            let mut at = c.held.len();
            c.held.push_back((seq, msg, client));
            while at > 0 && c.held[at - 1].0 > seq {
                c.held.swap(at - 1, at);
                at -= 1;
            }
            self.expire_held(link);
        } else if forgotten {
            self.settle(msg, Fate::Dropped(Reason::Restarting));
        } else {
            self.settle(msg, Fate::Dropped(Reason::Disconnected));
        }
    }

    fn resumes(&self, link: u32) -> bool {
        self.scenario.links[link as usize].transport.push_policy().is_some_and(|p| p.resume)
    }

    fn replay_buffer(&self, link: u32) -> u64 {
        let gw = self.topo.link_from[link as usize] as usize;
        self.scenario.nodes[gw].kind.gateway().map_or(0, |g| u64::from(g.replay_buffer))
    }

    /// Held updates older than the gateway's buffer are gone for good.
    fn expire_held(&mut self, link: u32) {
        let keep = self.replay_buffer(link);
        loop {
            let c = &mut self.crowds[link as usize];
            let Some(&(seq, msg, _)) = c.held.front() else { return };
            if seq.saturating_add(keep) > c.pushed {
                return;
            }
            c.held.pop_front();
            self.emit(EventKind::UpdateExpired { msg, link, restarted: false });
            self.settle(msg, Fate::Dropped(Reason::Disconnected));
        }
    }

    /// Puts a closed client in line to reconnect after its policy's delay.
    fn plan_reconnect(&mut self, link: u32, client: u32) {
        let Some(p) = self.scenario.links[link as usize].transport.push_policy() else { return };
        let attempt = u32::from(self.crowds[link as usize].attempt[client as usize]);
        let delay = if p.jitter {
            let ceiling = crate::engine::retry::exponential(ms_to_micros(p.base_ms), ms_to_micros(p.max_ms), attempt);
            self.rng.range_inclusive(0, ceiling)
        } else {
            ms_to_micros(p.base_ms)
        };
        // At least 1 µs: a client planned for this very instant would wait
        // for a timer that has already fired (a draw of 0 is possible with
        // full jitter) and never come back.
        let at = self.now.saturating_add(delay.max(1));
        let c = &mut self.crowds[link as usize];
        c.conn[client as usize] = Conn::Away;
        c.due.insert((at, u64::from(client)));
        // Clients planned together for one instant share a timer (a spare
        // timer at an instant already served finds nobody due and does nothing).
        if c.due_timer != Some(at) {
            c.due_timer = Some(at);
            self.schedule(at, Action::Reconnect { link });
        }
    }

    /// The clients due now try to connect, lowest client number first.
    pub(super) fn reconnect(&mut self, link: u32) {
        let now = self.now;
        let c = &mut self.crowds[link as usize];
        let mut batch = Vec::new();
        while c.due.first().is_some_and(|&(at, _)| at <= now) {
            if let Some((_, client)) = c.due.pop_first() {
                batch.push(client as u32);
            }
        }
        if batch.is_empty() {
            return;
        }
        let node = self.topo.link_from[link as usize] as usize;
        let spec = self.scenario.nodes[node].kind.gateway().cloned().unwrap_or_default();
        let gw = &mut self.gateways[node];
        let window = now / WINDOW;
        if gw.window != window {
            gw.window = window;
            gw.accepted = 0;
        }
        let by_rate = spec.accept_per_100ms.map_or(u32::MAX, |a| a.saturating_sub(gw.accepted));
        let by_cap = spec.max_connections.map_or(u32::MAX, |m| m.saturating_sub(gw.open));
        let room = if gw.down { 0 } else { by_rate.min(by_cap) };
        let ok = room.min(batch.len() as u32);
        gw.accepted += ok;
        gw.open += ok;
        let (refused, rejected) = if gw.down { (batch.len() as u32, 0) } else { (0, batch.len() as u32 - ok) };
        let c = &mut self.crowds[link as usize];
        for &client in &batch[..ok as usize] {
            let i = client as usize;
            c.conn[i] = Conn::Up;
            c.generation[i] = c.generation[i].wrapping_add(1);
            c.attempt[i] = 0;
            c.missed[i] = 0;
        }
        self.emit(EventKind::Reconnects { link, ok, rejected, refused });
        for &client in &batch[ok as usize..] {
            let a = &mut self.crowds[link as usize].attempt[client as usize];
            *a = a.saturating_add(1);
            self.plan_reconnect(link, client);
        }
        if ok > 0 && !self.crowds[link as usize].held.is_empty() {
            self.resume(link, &batch[..ok as usize]);
        }
    }

    /// Clients back on a resuming link get their held updates again (SSE
    /// `Last-Event-ID`); without resume their held updates are lost.
    fn resume(&mut self, link: u32, back: &[u32]) {
        let c = &mut self.crowds[link as usize];
        let mut is_back = vec![false; c.conn.len()];
        for &b in back {
            is_back[b as usize] = true;
        }
        let mut theirs = Vec::new();
        c.held.retain(|h| {
            let back = is_back[h.2 as usize];
            if back {
                theirs.push(*h);
            }
            !back
        });
        let resume = self.resumes(link);
        for (seq, msg, client) in theirs {
            if !resume {
                self.emit(EventKind::UpdateExpired { msg, link, restarted: false });
                self.settle(msg, Fate::Dropped(Reason::Disconnected));
                continue;
            }
            let at = self.cross(link).map(|at| self.in_order(link, client, at));
            self.emit(EventKind::UpdateReplayed { msg, link, client, arrives: at });
            match at {
                Some(at) => {
                    let conn = self.crowds[link as usize].generation[client as usize];
                    self.schedule(at, Action::PushArrive { msg, link, client, conn, seq });
                }
                None => {
                    self.emit(EventKind::Lost { msg, link });
                    self.settle(msg, Fate::Dropped(Reason::Partition));
                }
            }
        }
    }

    /// One heartbeat round: working connections answer; stale ones miss a
    /// pong, and at the limit their clients close them and reconnect.
    pub(super) fn heartbeat(&mut self, link: u32, epoch: u32) {
        if self.crowds[link as usize].heartbeat_epoch != epoch {
            return;
        }
        let Some(limit) = self.scenario.links[link as usize]
            .transport
            .push_policy()
            .filter(|p| p.heartbeat_ms.is_some())
            .map(|p| p.missed_pongs)
        else {
            return;
        };
        let (mut missed, mut dead) = (0u32, Vec::new());
        let c = &mut self.crowds[link as usize];
        for i in 0..c.conn.len() {
            match c.conn[i] {
                Conn::Up => c.missed[i] = 0,
                Conn::Away => {}
                // `missed[i]` counts pings sent with no pong since: this
                // round's ping is only outstanding, and the one before it
                // is the first known miss. So a connection that goes silent
                // just after a ping is found dead `missed_pongs` whole
                // intervals after the next ping, as with the `ws` library's
                // isAlive check (no miss is counted the instant a ping leaves).
                Conn::Stale => {
                    c.missed[i] = c.missed[i].saturating_add(1);
                    let confirmed = u32::from(c.missed[i]) - 1;
                    if confirmed > 0 {
                        missed += 1;
                    }
                    if confirmed >= limit {
                        dead.push(i as u32);
                    }
                }
            }
        }
        if missed > 0 {
            self.emit(EventKind::HeartbeatsMissed { link, missed, dead: dead.len() as u32 });
        }
        for client in dead {
            self.crowds[link as usize].attempt[client as usize] = 0;
            self.plan_reconnect(link, client);
        }
        self.schedule_heartbeat(link);
    }

    /// The type-6 effects of a fault that just started (instant: its end changes nothing).
    pub(super) fn edge_fault(&mut self, i: u32) {
        let slot = &self.faults[i as usize];
        match (slot.target, &slot.fault.effect) {
            (FaultTarget::Node(node), FaultEffect::GatewayRestart) => self.restart_gateway(node),
            (FaultTarget::Link(link), FaultEffect::SilentDisconnect { share }) => {
                let share = *share;
                self.silent_disconnect(link, share);
            }
            _ => {}
        }
    }

    /// A gateway restarts: every working connection closes at once and the
    /// clients line up to reconnect (the storm); it accepts again after its
    /// restart time. Its process is down meanwhile: it takes in nothing
    /// (what it held comes back from its queue or subscription, unacked), and
    /// its replay buffer, kept in its memory, is gone (found in an audit: it
    /// went on consuming, and kept the buffer, through the restart).
    fn restart_gateway(&mut self, node: u32) {
        let Some(spec) = self.scenario.nodes.get(node as usize).and_then(|n| n.kind.gateway()) else { return };
        let back = self.now.saturating_add(ms_to_micros(spec.restart_ms));
        let gw = &mut self.gateways[node as usize];
        gw.down = true;
        gw.epoch = gw.epoch.wrapping_add(1);
        gw.open = 0;
        let epoch = gw.epoch;
        self.emit(EventKind::GatewayRestarted { node, up: false });
        self.schedule(back, Action::GatewayUp { node, epoch });
        for replica in 0..self.services[node as usize].replicas.len() as u32 {
            self.crash_replica(node, replica, Reason::Restarting, false);
        }
        for k in 0..self.topo.push_out[node as usize].len() {
            let link = self.topo.push_out[node as usize][k];
            let up: Vec<u32> = (0..self.crowds[link as usize].conn.len() as u32)
                .filter(|&i| self.crowds[link as usize].conn[i as usize] == Conn::Up)
                .collect();
            self.emit(EventKind::ConnectionsDropped { link, count: up.len() as u32, silent: false });
            for client in up {
                self.crowds[link as usize].attempt[client as usize] = 0;
                self.plan_reconnect(link, client);
            }
            let c = &mut self.crowds[link as usize];
            c.forgotten = c.pushed;
            while let Some((_, msg, _)) = self.crowds[link as usize].held.pop_front() {
                self.emit(EventKind::UpdateExpired { msg, link, restarted: true });
                self.settle(msg, Fate::Dropped(Reason::Restarting));
            }
        }
    }

    /// A restarted gateway accepts connections again.
    pub(super) fn gateway_up(&mut self, node: u32, epoch: u32) {
        let gw = &mut self.gateways[node as usize];
        if !gw.down || gw.epoch != epoch {
            return;
        }
        gw.down = false;
        self.emit(EventKind::GatewayRestarted { node, up: true });
        self.restart_down_replicas(node);
    }

    /// A middlebox drops `share` of the working connections without a close.
    fn silent_disconnect(&mut self, link: u32, share: f64) {
        if !matches!(self.scenario.links[link as usize].transport, Transport::Push(_)) {
            return;
        }
        let mut up: Vec<u32> = (0..self.crowds[link as usize].conn.len() as u32)
            .filter(|&i| self.crowds[link as usize].conn[i as usize] == Conn::Up)
            .collect();
        let k = ((up.len() as f64 * share).round() as usize).min(up.len());
        // A partial Fisher-Yates shuffle: the first k are a uniform sample.
        for j in 0..k {
            let pick = self.rng.range_inclusive(j as u64, up.len() as u64 - 1) as usize;
            up.swap(j, pick);
        }
        let c = &mut self.crowds[link as usize];
        for &client in &up[..k] {
            c.conn[client as usize] = Conn::Stale;
            c.missed[client as usize] = 0;
        }
        // The gateway's socket for it is gone too (freed at once: a simplification of TCP keepalive).
        let gw = &mut self.gateways[self.topo.link_from[link as usize] as usize];
        gw.open = gw.open.saturating_sub(k as u32);
        self.emit(EventKind::ConnectionsDropped { link, count: k as u32, silent: true });
    }

    /// Connection counts of a push link right now: (working, stale, waiting to reconnect).
    pub fn crowd_counts(&self, link: usize) -> (u32, u32, u32) {
        let mut n = (0, 0, 0);
        for c in self.crowds.get(link).map_or(&[][..], |c| &c.conn[..]) {
            match c {
                Conn::Up => n.0 += 1,
                Conn::Stale => n.1 += 1,
                Conn::Away => n.2 += 1,
            }
        }
        n
    }
}
