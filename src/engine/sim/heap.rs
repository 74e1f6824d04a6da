//! The timer queue: a binary min-heap ordered by (time, sequence number).
//!
//! The heap itself holds only small copyable entries (time, sequence, slot);
//! each timer's action waits in a slot of its own, reused through a free
//! list. Sifting therefore moves 24 bytes a level instead of a whole timer
//! (48 bytes, more as the action grows), and needs no unsafe hole.
//!
//! Taking the earliest timer moves the last entry into the root without
//! sifting it down yet: most events schedule a follow-up (the next arrival,
//! the next customer's service), and that first push takes the root's place
//! and sifts down once, instead of one sift for the pop and one for the
//! push. [`TimerHeap::settle`] restores order when no push came.

use super::state::{Action, Timer};
use crate::engine::time::Micros;

impl Timer {
    /// Earlier time first; scheduling order among timers due at the same time.
    #[inline]
    fn before(&self, other: &Timer) -> bool {
        (self.at, self.seq) < (other.at, other.seq)
    }
}

/// Pending timers, earliest first.
#[derive(Default)]
pub(super) struct TimerHeap {
    heap: Vec<Timer>,
    /// The root holds the former last timer, not yet sifted down (see the module notes).
    root_unsorted: bool,
}

impl TimerHeap {
    /// Adds a timer; `seq` must be unique (it breaks ties in time).
    #[inline]
    pub fn push(&mut self, at: Micros, seq: u64, action: Action) {
        let timer = Timer { at, seq, action };
        if self.root_unsorted {
            // The new timer takes the root; the former last one goes back
            // to the end, where it was before `pop`, under the same parent.
            self.root_unsorted = false;
            let last = std::mem::replace(&mut self.heap[0], timer);
            self.heap.push(last);
            self.sift_down(0);
        } else {
            self.heap.push(timer);
            self.sift_up(self.heap.len() - 1);
        }
    }

    /// Takes the earliest timer. Until the next push or [`TimerHeap::settle`],
    /// the heap is out of order (only `push` and `settle` may follow).
    #[inline]
    pub fn pop(&mut self) -> Option<Timer> {
        self.settle();
        if self.heap.is_empty() {
            return None;
        }
        let first = self.heap.swap_remove(0);
        self.root_unsorted = self.heap.len() > 1;
        Some(first)
    }

    /// Puts the heap back in order after a [`TimerHeap::pop`] that no push followed.
    #[inline]
    pub fn settle(&mut self) {
        if self.root_unsorted {
            self.root_unsorted = false;
            self.sift_down(0);
        }
    }

    /// When the earliest timer is due (the heap must be settled).
    #[inline]
    pub fn next_at(&self) -> Option<Micros> {
        debug_assert!(!self.root_unsorted, "peek between pop and settle");
        self.heap.first().map(|t| t.at)
    }

    /// Every pending action, in no particular order.
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.heap.iter().map(|t| &t.action)
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.heap[i].before(&self.heap[parent]) {
                break;
            }
            self.heap.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && self.heap[right].before(&self.heap[left]) { right } else { left };
            if !self.heap[child].before(&self.heap[i]) {
                break;
            }
            self.heap.swap(i, child);
            i = child;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(n: u32) -> Action {
        Action::FaultStart { fault: n }
    }

    fn id(t: &Timer) -> u32 {
        match t.action {
            Action::FaultStart { fault } => fault,
            _ => u32::MAX,
        }
    }

    #[test]
    fn pops_in_time_then_sequence_order_with_pushes_in_between() {
        // Against an ordered set: random times (many equal), pops followed
        // by zero, one or several pushes, as events do.
        let mut state = 5u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut heap = TimerHeap::default();
        let mut model = std::collections::BTreeSet::new();
        let mut seq = 0u64;
        let mut now = 0;
        for _ in 0..50 {
            seq += 1;
            let at = next(100);
            heap.push(at, seq, fault(seq as u32));
            model.insert((at, seq));
        }
        for _ in 0..100_000 {
            let want = model.pop_first();
            let got = heap.pop();
            assert_eq!(got.as_ref().map(|t| (t.at, t.seq)), want);
            if let Some(t) = &got {
                assert_eq!(u64::from(id(t)), t.seq, "the action travels with its timer");
                now = t.at;
            }
            for _ in 0..[0, 1, 1, 1, 1, 2][next(6) as usize] {
                seq += 1;
                let at = now + next(20);
                heap.push(at, seq, fault(seq as u32));
                model.insert((at, seq));
            }
            if next(4) == 0 {
                heap.settle();
                assert_eq!(heap.next_at(), model.first().map(|m| m.0));
                assert_eq!(heap.actions().count(), model.len());
            }
        }
    }
}
