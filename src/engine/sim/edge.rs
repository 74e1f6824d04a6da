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

mod connections;

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
