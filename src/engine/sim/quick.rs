//! The timers every request has, a source's next arrival and a work's end,
//! in a heap of their own: three plain words each (time, sequence with a
//! tag, payload), copied by value, with nothing to drop. The other timers,
//! some of them boxed, stay in the standard heap beside it; the event loop
//! takes whichever root is earlier in (time, sequence), so events fire in
//! the same order as from one heap.
//!
//! Sifts carry the moving entry in registers and write each slot once (no
//! entry is written and then read back at another width, which stalled the
//! standard heap's moves of 48-byte timers on store forwarding).

use crate::engine::slab::Key;
use crate::engine::time::Micros;

/// What a quick timer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Quick {
    /// A source's next arrival (the source's index).
    Arrival(u32),
    /// A work's own processing ends.
    WorkEnd(Key),
}

/// One entry: `tagged` is the timer's sequence number shifted left by one,
/// with the low bit telling an arrival (0) from a work's end (1); sequence
/// numbers are unique, so ordering by `tagged` orders by sequence.
#[derive(Clone, Copy, Debug)]
struct Entry {
    at: Micros,
    tagged: u64,
    payload: u64,
}

impl Entry {
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.at) << 64) | u128::from(self.tagged)
    }
}

/// A binary min-heap of quick timers by (time, sequence).
#[derive(Default)]
pub(super) struct QuickHeap {
    v: Vec<Entry>,
}

impl QuickHeap {
    /// The earliest timer's (time, sequence), if any.
    #[inline(always)]
    pub fn peek(&self) -> Option<(Micros, u64)> {
        self.v.first().map(|e| (e.at, e.tagged >> 1))
    }

    /// The earliest timer: its time, its sequence number and what it fires.
    #[inline(always)]
    pub fn root(&self) -> Option<(Micros, u64, Quick)> {
        self.v.first().map(|e| (e.at, e.tagged >> 1, decode(e)))
    }

    /// Every timer, in heap order (for the guards' error messages).
    pub fn iter(&self) -> impl Iterator<Item = Quick> + '_ {
        self.v.iter().map(decode)
    }

    /// Adds a timer.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn push(&mut self, at: Micros, seq: u64, what: Quick) {
        let (tagged, payload) = encode(seq, what);
        self.push_words(at, tagged, payload);
    }

    /// Replaces the root (a timer that has just fired) with a new one.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn replace_root(&mut self, at: Micros, seq: u64, what: Quick) {
        let (tagged, payload) = encode(seq, what);
        self.replace_root_words(at, tagged, payload);
    }

    // The entry crosses the call as three words in registers: passed as a
    // struct (or as `Quick`) it went through memory, written in narrow
    // parts and read back whole, a store-forwarding stall on every timer.
    fn push_words(&mut self, at: Micros, tagged: u64, payload: u64) {
        let e = Entry { at, tagged, payload };
        let mut i = self.v.len();
        self.v.push(e);
        let k = e.key();
        while i > 0 {
            let parent = (i - 1) / 2;
            let p = self.v[parent];
            if p.key() < k {
                break;
            }
            self.v[i] = p;
            i = parent;
        }
        self.v[i] = e;
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn replace_root_words(&mut self, at: Micros, tagged: u64, payload: u64) {
        if self.v.is_empty() {
            self.push_words(at, tagged, payload);
        } else {
            self.sift_down(Entry { at, tagged, payload });
        }
    }

    /// Removes the root.
    #[inline]
    pub fn pop_root(&mut self) {
        if let Some(last) = self.v.pop() {
            if !self.v.is_empty() {
                self.sift_down(last);
            }
        }
    }

    /// Puts `e` at the root's place and moves it down to where it belongs.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn sift_down(&mut self, e: Entry) {
        let n = self.v.len();
        let k = e.key();
        let mut i = 0;
        loop {
            let mut c = 2 * i + 1;
            if c >= n {
                break;
            }
            let mut child = self.v[c];
            if c + 1 < n {
                // Which child is earlier is a coin toss (several workers'
                // ends race): a select, not a jump.
                let right = self.v[c + 1];
                let take = right.key() < child.key();
                c = std::hint::select_unpredictable(take, c + 1, c);
                child = std::hint::select_unpredictable(take, right, child);
            }
            if k < child.key() {
                break;
            }
            self.v[i] = child;
            i = c;
        }
        self.v[i] = e;
    }
}

/// A timer's tagged sequence number and payload (see [`Entry`]).
#[inline(always)]
fn encode(seq: u64, what: Quick) -> (u64, u64) {
    match what {
        Quick::Arrival(source) => (seq << 1, u64::from(source)),
        Quick::WorkEnd(key) => ((seq << 1) | 1, key.to_bits()),
    }
}

#[inline(always)]
fn decode(e: &Entry) -> Quick {
    if e.tagged & 1 == 0 {
        Quick::Arrival(e.payload as u32)
    } else {
        Quick::WorkEnd(Key::from_bits(e.payload))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// Against the standard heap: the same timers come out in the same order.
    #[test]
    fn orders_as_the_standard_heap() {
        let mut state = 0x1234_5678_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut ours = QuickHeap::default();
        let mut std_heap = BinaryHeap::new();
        let mut seq = 0;
        let mut now = 0;
        for round in 0..200_000 {
            let r = next();
            seq += 1;
            // Few distinct times, so ties on time are common.
            let at = now + (r >> 8) % 4;
            let what = if r & 1 == 0 { Quick::Arrival((r >> 32) as u32) } else { Quick::WorkEnd(Key::from_bits(r)) };
            match (r >> 1) % 3 {
                0 if !std_heap.is_empty() => {
                    // Fire the root and put a new timer in its place.
                    let Reverse((t, s, w)) = std_heap.pop().expect("non-empty");
                    assert_eq!(ours.root(), Some((t, s, w)), "round {round}");
                    assert_eq!(ours.peek(), Some((t, s)));
                    now = t;
                    let at = now + (r >> 8) % 4;
                    ours.replace_root(at, seq, what);
                    std_heap.push(Reverse((at, seq, what)));
                }
                1 if !std_heap.is_empty() => {
                    let Reverse((t, s, w)) = std_heap.pop().expect("non-empty");
                    assert_eq!(ours.root(), Some((t, s, w)), "round {round}");
                    now = t;
                    ours.pop_root();
                }
                _ => {
                    ours.push(at, seq, what);
                    std_heap.push(Reverse((at, seq, what)));
                }
            }
            assert_eq!(ours.iter().count(), std_heap.len());
        }
        while let Some(Reverse((t, s, w))) = std_heap.pop() {
            assert_eq!(ours.root(), Some((t, s, w)));
            ours.pop_root();
        }
        assert_eq!(ours.root(), None);
    }
}
