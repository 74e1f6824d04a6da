//! The table of live messages, keyed by their sequential ids.
//!
//! Ids are handed out in increasing order and most messages settle soon, so
//! recent ones live in a window indexed by `id - base` (O(1), no tree
//! walks). When the window grows past a limit because an old message is
//! stuck (a hung consumer, a call with no timeout), its front moves into an
//! ordered map, so memory stays proportional to the messages actually alive.

use std::collections::{BTreeMap, VecDeque};

/// Longest window before old entries move to the map.
const WINDOW_LIMIT: usize = 1 << 16;

/// Live messages by id.
#[derive(Debug)]
pub struct MsgTable<T> {
    base: u64,
    window: VecDeque<Option<T>>,
    old: BTreeMap<u64, T>,
    live: usize,
}

impl<T> MsgTable<T> {
    /// An empty table whose first id will be `first_id`.
    pub fn new(first_id: u64) -> Self {
        MsgTable { base: first_id, window: VecDeque::new(), old: BTreeMap::new(), live: 0 }
    }

    /// Adds the message with the next id (ids must increase).
    pub fn insert(&mut self, id: u64, value: T) {
        if id < self.base {
            if self.old.insert(id, value).is_none() {
                self.live += 1;
            }
            return;
        }
        let offset = (id - self.base) as usize;
        while self.window.len() <= offset {
            self.window.push_back(None);
        }
        if self.window[offset].replace(value).is_none() {
            self.live += 1;
        }
        self.spill();
    }

    /// The message with this id, if live.
    pub fn get(&self, id: u64) -> Option<&T> {
        if id < self.base {
            return self.old.get(&id);
        }
        self.window.get((id - self.base) as usize)?.as_ref()
    }

    /// The message with this id, mutably, if live.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut T> {
        if id < self.base {
            return self.old.get_mut(&id);
        }
        self.window.get_mut((id - self.base) as usize)?.as_mut()
    }

    /// Removes and returns the message with this id.
    pub fn remove(&mut self, id: u64) -> Option<T> {
        let value = if id < self.base {
            self.old.remove(&id)
        } else {
            let v = self.window.get_mut((id - self.base) as usize)?.take();
            while matches!(self.window.front(), Some(None)) {
                self.window.pop_front();
                self.base += 1;
            }
            v
        };
        if value.is_some() {
            self.live -= 1;
        }
        value
    }

    /// How many messages are live.
    pub fn len(&self) -> usize {
        self.live
    }

    fn spill(&mut self) {
        while self.window.len() > WINDOW_LIMIT {
            if let Some(Some(v)) = self.window.pop_front() {
                self.old.insert(self.base, v);
            }
            self.base += 1;
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
        assert!(t.window.len() <= WINDOW_LIMIT + 1);
        assert_eq!(t.get(1), Some(&0));
        assert_eq!(t.remove(1), Some(0));
        assert_eq!(t.len(), 0);
    }
}
