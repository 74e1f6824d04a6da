//! The connections of the real-time edge: clients closing and coming
//! back (reconnect delays, the gateway's accept limit, SSE resume),
//! heartbeats noticing dead connections, and the faults that drop them
//! (a gateway's restart, a silent network drop).

use super::*;

impl Simulation {
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
    pub(in crate::engine::sim) fn reconnect(&mut self, link: u32) {
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
    pub(in crate::engine::sim) fn heartbeat(&mut self, link: u32, epoch: u32) {
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
    pub(in crate::engine::sim) fn edge_fault(&mut self, i: u32) {
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
    pub(in crate::engine::sim) fn gateway_up(&mut self, node: u32, epoch: u32) {
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
}
