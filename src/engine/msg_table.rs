//! The table of live messages, keyed by their sequential ids.
//!
//! Ids are handed out in increasing order and most messages settle soon, so
//! recent ones live in a window indexed by `id - base` (O(1), no tree
//! walks). When the window grows past a limit because an old message is
//! stuck (a hung consumer, a call with no timeout), its front moves into an
//! ordered map, so memory stays proportional to the messages actually alive.
//!
//! The window is a ring of slots whose length is a power of two, so finding
//! a slot is an add and a mask (every message is inserted and removed once,
//! which made `VecDeque`'s general index arithmetic a visible share of a run).

use std::collections::BTreeMap;

/// Longest window before old entries move to the map.
const WINDOW_LIMIT: usize = 1 << 16;

/// Live messages by id.
#[derive(Debug)]
pub struct MsgTable<T> {
    /// The id at the front of the window.
    base: u64,
    /// The window's slots; its length is zero or a power of two.
    ring: Vec<Option<T>>,
    /// Where the front of the window (id `base`) is in `ring`.
    head: usize,
    /// How many ids from `base` on the window spans.
    span: usize,
    old: BTreeMap<u64, T>,
    live: usize,
}

impl<T> MsgTable<T> {
    /// An empty table whose first id will be `first_id`.
    pub fn new(first_id: u64) -> Self {
        MsgTable { base: first_id, ring: Vec::new(), head: 0, span: 0, old: BTreeMap::new(), live: 0 }
    }

    /// The ring slot of the window's `offset`-th id (`offset` < the ring's length).
    #[inline]
    fn slot(&self, offset: usize) -> usize {
        (self.head + offset) & (self.ring.len() - 1)
    }

    /// The window offset of `id`, if the window spans it.
    #[inline]
    fn offset(&self, id: u64) -> Option<usize> {
        let offset = id.checked_sub(self.base)?;
        (offset < self.span as u64).then_some(offset as usize)
    }

    /// Adds the message with the next id (ids must increase).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn insert(&mut self, id: u64, value: T) {
        self.insert_with(id, || value);
    }

    /// Adds the message with the next id, made by `make` once its place is
    /// known. On the hot path the new message's fields are then stored
    /// straight into its slot; a value made first was built on the stack
    /// with narrow stores and copied with wide loads (a store-forwarding
    /// stall on every message).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn insert_with(&mut self, id: u64, make: impl FnOnce() -> T) {
        if id < self.base {
            if self.old.insert(id, make()).is_none() {
                self.live += 1;
            }
            return;
        }
        let mut offset = (id - self.base) as usize;
        if offset >= self.span {
            if offset >= self.ring.len() {
                offset = self.make_room(id);
            }
            self.span = offset + 1;
        }
        let slot = self.slot(offset);
        let cell = &mut self.ring[slot];
        if cell.is_none() {
            self.live += 1;
        }
        *cell = Some(make());
        if self.span > WINDOW_LIMIT {
            self.advance_front();
            self.spill();
        }
    }

    /// The message with this id, if live.
    pub fn get(&self, id: u64) -> Option<&T> {
        if id < self.base {
            return self.old.get(&id);
        }
        let offset = self.offset(id)?;
        self.ring[self.slot(offset)].as_ref()
    }

    /// The message with this id, mutably, if live.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut T> {
        if id < self.base {
            return self.old.get_mut(&id);
        }
        let offset = self.offset(id)?;
        let slot = self.slot(offset);
        self.ring[slot].as_mut()
    }

    /// Removes and returns the message with this id.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn remove(&mut self, id: u64) -> Option<T> {
        let value = if id < self.base {
            self.old.remove(&id)
        } else {
            let offset = self.offset(id)?;
            let slot = self.slot(offset);
            self.ring[slot].take()
        };
        if value.is_some() {
            self.live -= 1;
        }
        value
    }

    /// Removes the message with this id without moving it out; true if
    /// it was live. Settling only needs to know that: moving the value out
    /// copied it through the stack on every settled message.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn discard(&mut self, id: u64) -> bool {
        let live = if id < self.base {
            self.old.remove(&id).is_some()
        } else {
            let Some(offset) = self.offset(id) else { return false };
            let slot = self.slot(offset);
            let live = self.ring[slot].is_some();
            self.ring[slot] = None;
            live
        };
        if live {
            self.live -= 1;
        }
        live
    }

    /// Makes the ring long enough for `id` (past the window's end and the
    /// ring's): first moves the front past settled ids, then grows the
    /// ring if that was not enough. Returns `id`'s offset.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self, id: u64) -> usize {
        self.advance_front();
        let offset = (id - self.base) as usize;
        if offset >= self.ring.len() {
            self.grow(offset + 1);
        }
        offset
    }

    /// Moves the window's front past settled ids. Done only when the ring
    /// is full (and before spilling), not on every removal: messages of a
    /// pool of workers settle out of order, so how far the front moved on
    /// each removal was a coin toss, a mispredicted branch on about every
    /// other message; once a ring's length, it is a run the predictor follows.
    fn advance_front(&mut self) {
        // In locals, written back once: stored to `self` on every step, the
        // ring's address and length were read again on each (the compiler
        // cannot tell the ring's slots from these fields). The index is
        // masked so that it needs no bounds check (the head is always
        // inside the ring, whose length is a power of two).
        let mask = self.ring.len().wrapping_sub(1);
        let (mut head, mut base, mut span) = (self.head, self.base, self.span);
        while span > 0 && self.ring[head & mask].is_none() {
            head = (head + 1) & mask;
            base += 1;
            span -= 1;
        }
        (self.head, self.base, self.span) = (head, base, span);
    }

    /// How many messages are live.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Makes the ring hold at least `needed` slots, keeping the window's order.
    #[cold]
    fn grow(&mut self, needed: usize) {
        let size = needed.next_power_of_two().max(16);
        let mut ring: Vec<Option<T>> = Vec::with_capacity(size);
        for i in 0..self.span {
            let slot = self.slot(i);
            ring.push(self.ring[slot].take());
        }
        ring.resize_with(size, || None);
        self.ring = ring;
        self.head = 0;
    }

    /// Moves the window's front into the map until the window is short enough.
    #[cold]
    fn spill(&mut self) {
        while self.span > WINDOW_LIMIT {
            if let Some(v) = self.ring[self.head].take() {
                self.old.insert(self.base, v);
            }
            self.head = (self.head + 1) & (self.ring.len() - 1);
            self.base += 1;
            self.span -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_map() {
        let mut t = MsgTable::new(1);
        for id in 1..=10u64 {
            t.insert(id, id * 10);
        }
        assert_eq!(t.remove(1), Some(10));
        assert_eq!(t.remove(1), None);
        assert_eq!(t.get(5), Some(&50));
        *t.get_mut(5).unwrap() = 55;
        assert_eq!(t.remove(5), Some(55));
        assert_eq!(t.len(), 8);
        assert_eq!(t.get(100), None);
    }

    #[test]
    fn a_stuck_message_does_not_hold_the_window_open() {
        let mut t = MsgTable::new(1);
        t.insert(1, 0u64); // never removed
        for id in 2..300_000u64 {
            t.insert(id, id);
            assert_eq!(t.remove(id), Some(id));
        }
        assert_eq!(t.len(), 1);
        assert!(t.span <= WINDOW_LIMIT + 1);
        assert_eq!(t.get(1), Some(&0));
        assert_eq!(t.remove(1), Some(0));
        assert_eq!(t.len(), 0);
    }

    /// Messages settling out of order (a pool of workers) leave holes at
    /// the front; they are passed when the ring is full, so the ring stays
    /// as short as the live messages' spread needs.
    #[test]
    fn out_of_order_settling_keeps_the_ring_short() {
        let mut t = MsgTable::new(0);
        let mut live: Vec<u64> = Vec::new();
        let mut state = 7u64;
        for id in 0..100_000u64 {
            t.insert(id, id);
            live.push(id);
            if live.len() > 4 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let victim = live.swap_remove((state >> 33) as usize % live.len());
                assert!(t.discard(victim));
            }
        }
        assert_eq!(t.len(), 4);
        assert!(t.ring.len() <= 1024, "ring of {} slots for 4 live messages", t.ring.len());
        for id in live {
            assert_eq!(t.get(id), Some(&id));
        }
    }

    #[test]
    fn agrees_with_an_ordered_map() {
        // Increasing ids, removals of random live ones (some live long
        // enough to spill into the map), checked against a BTreeMap.
        let mut state = 99u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut t = MsgTable::new(1);
        let mut m = BTreeMap::new();
        let mut id = 1u64;
        for step in 0..400_000u64 {
            if next(3) > 0 || m.is_empty() {
                id += next(3); // ids may skip
                t.insert(id, step);
                m.insert(id, step);
                id += 1;
            } else {
                // Mostly recent ids, sometimes any id at all.
                let back = if next(50) == 0 { next(id) } else { next(40) };
                let victim = id.saturating_sub(back + 1);
                assert_eq!(t.remove(victim), m.remove(&victim), "remove {victim}");
            }
            if step % 997 == 0 {
                let probe = id.saturating_sub(next(100_000));
                assert_eq!(t.get(probe), m.get(&probe), "get {probe}");
            }
            assert_eq!(t.len(), m.len());
        }
        for (k, v) in &m {
            assert_eq!(t.get(*k), Some(v));
        }
    }
}
