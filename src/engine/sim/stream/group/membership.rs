//! Consumer groups, membership: a member that crashes, goes silent until
//! its session runs out, comes back (static members keep their place) or
//! joins and leaves as instances change. What a change starts (a
//! rebalance) stays in `stream/group.rs`.

use super::*;

impl Simulation {
    /// A static member came back before its session ran out: it is the same
    /// member, so nothing is reassigned. Outside a rebalance its partitions
    /// restart from their committed offsets and it polls again; during one
    /// the coordinator no longer waits for it, and the rebalance's end
    /// restarts every partition anyway.
    fn static_rejoin(&mut self, link: u32, replica: u32) {
        let now = self.now;
        let g = &mut self.groups[link as usize];
        let Some(m) = g.members.get_mut(replica as usize) else { return };
        m.crashed = false;
        m.holds_revoked = false;
        m.last_commit = now;
        let rebalancing = g.rebalancing;
        let owned: Vec<u32> = (0..g.owner.len() as u32).filter(|&p| g.owner[p as usize] == Some(replica)).collect();
        self.emit(EventKind::MemberRejoined { link, replica });
        if rebalancing {
            self.try_finish_rebalance(link);
            return;
        }
        for p in owned {
            // Cooperative groups paused the partitions of the crashed owner; it has them back.
            if let Some(r) = self.groups[link as usize].revoking.get_mut(p as usize) {
                *r = false;
            }
            self.restart_partition(link, p, None);
        }
        self.poll(link, replica);
    }

    /// An instance crashed: as a member of each group it read for, its batch
    /// is gone (every record still held fails), and the group notices after
    /// the session timeout.
    pub(in crate::engine::sim) fn member_down(&mut self, node: u32, replica: u32) {
        for i in 0..self.topo.reads_into[node as usize].len() {
            let link = self.topo.reads_into[node as usize][i];
            let m = self.member(link, replica);
            let held: Vec<MsgId> = m.batch.drain(..).map(|r| r.msg).collect();
            m.busy = false;
            for msg in held {
                self.settle(msg, Fate::Failed(crate::engine::event::Reason::Crashed));
            }
            // Before the group has joined there is no session to wait out.
            if self.groups[link as usize].joined {
                self.silent_until_session_ends(node, link, replica);
            }
            self.try_finish_rebalance(link);
        }
    }

    /// A member went silent without leaving (a crash, or a static member
    /// shut down): the coordinator keeps it, and its partitions, until its
    /// session runs out.
    fn silent_until_session_ends(&mut self, node: u32, link: u32, replica: u32) {
        let epoch = self.services[node as usize].replicas[replica as usize].epoch;
        let until = self.now.saturating_add(ms_to_micros(self.read_policy(link).session_timeout_ms));
        let m = self.member(link, replica);
        m.crashed = true;
        m.session_until = until;
        m.holds_revoked = false;
        self.schedule(until, Action::SessionExpire { link, replica, epoch });
        if self.cooperative(link) {
            self.orphan_partitions(link, replica);
        }
    }

    /// The session of a crashed member ran out: the coordinator drops it,
    /// and the group rebalances without it (or a rebalance under way, held
    /// for it, can end).
    pub(in crate::engine::sim) fn session_expire(&mut self, link: u32, replica: u32, _epoch: u32) {
        let now = self.now;
        let g = &mut self.groups[link as usize];
        let Some(m) = g.members.get_mut(replica as usize) else { return };
        // Already dropped, or it crashed again since: the later session decides.
        if !m.crashed || now < m.session_until {
            return;
        }
        m.crashed = false;
        if g.rebalancing {
            self.try_finish_rebalance(link);
        } else if g.assigned.contains(&replica) {
            self.start_rebalance(link);
        }
    }

    /// Instances came, went or came back: every group they read for rebalances
    /// if its live members differ from its assignment (a crash waits for the
    /// session timeout instead).
    pub(in crate::engine::sim) fn members_changed(&mut self, node: u32) {
        for i in 0..self.topo.reads_into[node as usize].len() {
            let link = self.topo.reads_into[node as usize][i];
            let g = &self.groups[link as usize];
            if !g.joined {
                continue;
            }
            let live = self.live_members(link);
            let crashed = |r: &u32| g.members.get(*r as usize).is_some_and(|m| m.crashed);
            // With static membership an instance back within its session is
            // the same member: no rebalance.
            if self.read_policy(link).static_membership {
                let back: Vec<u32> = live.iter().copied().filter(|r| g.assigned.contains(r) && crashed(r)).collect();
                // A static member shut down sends no LeaveGroup (Kafka keeps
                // static members in the group on close, KIP-345): it is
                // dropped when its session runs out, as a crashed one is.
                let gone: Vec<u32> = g.assigned.iter().copied().filter(|r| !live.contains(r) && !crashed(r)).collect();
                for r in back {
                    self.static_rejoin(link, r);
                }
                for r in gone {
                    self.silent_until_session_ends(node, link, r);
                }
            }
            let g = &self.groups[link as usize];
            let crashed = |r: &u32| g.members.get(*r as usize).is_some_and(|m| m.crashed);
            // A dynamic member that restarts is a new consumer: it rejoins,
            // even before its old session has timed out.
            let joined = live.iter().any(|r| !g.assigned.contains(r) || crashed(r));
            // Retired dynamic instances leave the group at once (a clean shutdown).
            let left = g.assigned.iter().any(|r| !live.contains(r) && !crashed(r));
            if joined || left {
                self.start_rebalance(link);
            }
        }
    }
}
