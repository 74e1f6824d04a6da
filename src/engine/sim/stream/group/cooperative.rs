//! The cooperative rebalance with sticky assignment (Kafka's
//! `CooperativeStickyAssignor`, KIP-429). A rebalance does not stop the
//! group: members keep reading the partitions they will still own; only
//! the partitions that move (or whose owner died) stop. Their owner
//! finishes the batch it holds and commits, and after `rebalance_ms` (the
//! second round of the protocol) they start again at their new owner from
//! the committed offset. The assignment keeps as many partitions where
//! they are as a balanced assignment allows.

use super::*;

impl Simulation {
    /// Whether this group's rebalances are cooperative.
    pub(in crate::engine::sim) fn cooperative(&self, link: u32) -> bool {
        // Read in place: this is asked for every record appended (no copy of the policy).
        let link = self.scenario.links.get(link as usize);
        link.and_then(|l| l.transport.read_policy()).is_some_and(|r| r.assignor == Assignor::CooperativeSticky)
    }

    /// A cooperative rebalance starts: the partitions that will move stop
    /// being polled; a member still processing a batch with such a
    /// partition holds the rebalance until it has finished and committed.
    pub(super) fn revoke_moving(&mut self, link: u32) {
        let live = self.live_members(link);
        let g = &mut self.groups[link as usize];
        let parts = g.owner.len();
        g.revoking.resize(parts, false);
        let target = sticky_assignment(&g.owner, &g.revoking, &live);
        // A reset moves every partition's position: all of them stop, as in an eager rebalance.
        let all = g.pending_reset.is_some();
        for ((revoking, new), old) in g.revoking.iter_mut().zip(&target).zip(&g.owner) {
            *revoking |= all || new != old;
        }
        for replica in live {
            let owns_moving = (0..parts).any(|p| g.revoking[p] && g.owner[p] == Some(replica));
            if let Some(m) = g.members.get_mut(replica as usize) {
                m.holds_revoked = m.busy && owns_moving;
            }
        }
    }

    /// A member of a cooperative group crashed: its partitions stop until a
    /// rebalance gives them out again (their fetched batch died with it).
    pub(super) fn orphan_partitions(&mut self, link: u32, replica: u32) {
        let g = &mut self.groups[link as usize];
        let parts = g.owner.len();
        g.revoking.resize(parts, false);
        for p in 0..parts {
            g.revoking[p] |= g.owner[p] == Some(replica);
        }
    }

    /// The new owners at the end of a cooperative rebalance.
    pub(super) fn cooperative_owners(&self, link: u32, live: &[u32]) -> Vec<Option<u32>> {
        let g = &self.groups[link as usize];
        let mut revoking = g.revoking.clone();
        revoking.resize(g.owner.len(), false);
        sticky_assignment(&g.owner, &revoking, live)
    }
}

/// A balanced assignment of `owner.len()` partitions over `live` that
/// keeps each partition with its owner where it can: an owner that is
/// live keeps its partitions (not `released`), in partition order, up to
/// its share; the members owning most now get the extra partitions of an
/// uneven split; the rest go, in partition order, to members below their
/// share, in member order.
pub(super) fn sticky_assignment(owner: &[Option<u32>], released: &[bool], live: &[u32]) -> Vec<Option<u32>> {
    let parts = owner.len();
    let m = live.len();
    let mut out = vec![None; parts];
    if m == 0 {
        return out;
    }
    let keeps = |p: usize, r: u32| owner[p] == Some(r) && !released.get(p).copied().unwrap_or(false);
    let owned: Vec<usize> = live.iter().map(|&r| (0..parts).filter(|&p| keeps(p, r)).count()).collect();
    // Who gets one more than the base share: those owning most now, then by member order.
    let mut by_owned: Vec<usize> = (0..m).collect();
    crate::engine::sort::sort_stable_by(&mut by_owned, |&a, &b| owned[a] > owned[b]);
    let mut quota = vec![parts / m; m];
    for &i in by_owned.iter().take(parts % m) {
        quota[i] += 1;
    }
    let mut count = vec![0; m];
    for (p, slot) in out.iter_mut().enumerate() {
        if let Some(i) = live.iter().position(|&r| keeps(p, r)) {
            if count[i] < quota[i] {
                *slot = Some(live[i]);
                count[i] += 1;
            }
        }
    }
    for slot in out.iter_mut().filter(|o| o.is_none()) {
        if let Some(i) = (0..m).find(|&i| count[i] < quota[i]) {
            *slot = Some(live[i]);
            count[i] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sticky_assignment;

    #[test]
    fn sticky_assignment_moves_only_what_balance_needs() {
        // Four partitions over two members; a third joins: it takes one from the larger share.
        let before = [Some(0), Some(0), Some(1), Some(1)];
        let after = sticky_assignment(&before, &[false; 4], &[0, 1, 2]);
        assert_eq!(after, [Some(0), Some(0), Some(1), Some(2)]);
        // Member 1 leaves: its partitions go to the others; member 0 keeps its own.
        let after = sticky_assignment(&before, &[false; 4], &[0, 2]);
        assert_eq!(after, [Some(0), Some(0), Some(2), Some(2)]);
        // Released partitions (a crashed owner's) are handed out again, even to the same index.
        let after = sticky_assignment(&before, &[false, false, true, true], &[0, 1]);
        assert_eq!(after, [Some(0), Some(0), Some(1), Some(1)]);
        // The first join: nothing owned, ranges in member order.
        assert_eq!(sticky_assignment(&[None; 3], &[], &[4, 7]), [Some(4), Some(4), Some(7)]);
        assert_eq!(sticky_assignment(&before, &[], &[]), [None; 4]);
        // More members than partitions: some idle, nothing moves.
        assert_eq!(sticky_assignment(&[Some(1), Some(0)], &[], &[0, 1, 2]), [Some(1), Some(0)]);
    }
}
