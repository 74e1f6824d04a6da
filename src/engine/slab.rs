//! A slab of values addressed by generation-checked keys, so a timer that
//! outlives its target finds nothing instead of a stranger in its slot.

/// A key into a [`Slab`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    ix: u32,
    gen: u32,
}

impl Key {
    /// The key as one word (for timers that carry it in a plain integer).
    #[inline(always)]
    pub fn to_bits(self) -> u64 {
        (u64::from(self.gen) << 32) | u64::from(self.ix)
    }

    /// The key [`Key::to_bits`] made.
    #[inline(always)]
    pub fn from_bits(bits: u64) -> Key {
        Key { ix: bits as u32, gen: (bits >> 32) as u32 }
    }
}

/// Storage with O(1) insert, lookup and removal, reusing freed slots.
#[derive(Clone, Debug)]
pub struct Slab<T> {
    slots: Vec<(u32, Option<T>)>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab { slots: Vec::new(), free: Vec::new(), len: 0 }
    }
}

impl<T> Slab<T> {
    /// Stores `value` and returns its key.
    pub fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        if let Some(ix) = self.free.pop() {
            let slot = &mut self.slots[ix as usize];
            slot.0 = slot.0.wrapping_add(1);
            slot.1 = Some(value);
            Key { ix, gen: slot.0 }
        } else {
            self.slots.push((0, Some(value)));
            Key { ix: (self.slots.len() - 1) as u32, gen: 0 }
        }
    }

    /// Stores the value `make` builds once its slot is known, and returns
    /// its key: inlined, the value's fields are stored straight into the
    /// slot rather than built on the stack and copied in.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn insert_with(&mut self, make: impl FnOnce() -> T) -> Key {
        self.len += 1;
        if let Some(ix) = self.free.pop() {
            if let Some(slot) = self.slots.get_mut(ix as usize) {
                slot.0 = slot.0.wrapping_add(1);
                slot.1 = Some(make());
                return Key { ix, gen: slot.0 };
            }
        }
        self.slots.push((0, Some(make())));
        Key { ix: (self.slots.len() - 1) as u32, gen: 0 }
    }

    /// The value under `key`, if it is still there.
    pub fn get(&self, key: Key) -> Option<&T> {
        match self.slots.get(key.ix as usize) {
            Some((gen, Some(v))) if *gen == key.gen => Some(v),
            _ => None,
        }
    }

    /// The value under `key`, mutably, if it is still there.
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        match self.slots.get_mut(key.ix as usize) {
            Some((gen, Some(v))) if *gen == key.gen => Some(v),
            _ => None,
        }
    }

    /// Every stored value with its key, in slot order (deterministic).
    pub fn iter(&self) -> impl Iterator<Item = (Key, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(ix, (gen, v))| v.as_ref().map(|v| (Key { ix: ix as u32, gen: *gen }, v)))
    }

    /// Reads the value under `key` in place with `read`, then removes it
    /// (one lookup where a get and a removal took two); `None`
    /// if it was not there.
    #[inline]
    pub fn discard_with<R>(&mut self, key: Key, read: impl FnOnce(&T) -> R) -> Option<R> {
        match self.slots.get_mut(key.ix as usize) {
            Some((gen, v)) if *gen == key.gen => {
                let r = read(v.as_ref()?);
                *v = None;
                self.free.push(key.ix);
                self.len -= 1;
                Some(r)
            }
            _ => None,
        }
    }

    /// Removes and returns the value under `key`.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        match self.slots.get_mut(key.ix as usize) {
            Some((gen, v @ Some(_))) if *gen == key.gen => {
                self.free.push(key.ix);
                self.len -= 1;
                v.take()
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_keys_find_nothing() {
        let mut s = Slab::default();
        let a = s.insert("a");
        assert_eq!(s.remove(a), Some("a"));
        let b = s.insert("b");
        assert_eq!(s.get(a), None, "slot reused under a new generation");
        assert_eq!(s.get(b), Some(&"b"));
        assert_eq!(s.remove(a), None);
        assert_eq!(s.discard_with(a, |v| *v), None, "a stale key reads and discards nothing");
        *s.get_mut(b).unwrap() = "c";
        let c = s.insert("d");
        assert_eq!(s.iter().map(|(k, v)| (k, *v)).collect::<Vec<_>>(), vec![(b, "c"), (c, "d")]);
        assert_eq!(s.get(b), Some(&"c"));
        assert_eq!(s.discard_with(c, |v| *v), Some("d"));
        assert_eq!(s.get(c), None);
        assert_eq!(s.discard_with(c, |v| *v), None, "gone after one");
    }

    #[test]
    fn insert_with_reuses_slots_as_insert_does() {
        let (mut a, mut b) = (Slab::default(), Slab::default());
        let mut keys = Vec::new();
        for i in 0..50u32 {
            let (ka, kb) = (a.insert(i), b.insert_with(|| i));
            assert_eq!(ka, kb);
            keys.push(ka);
            if i % 3 == 0 {
                let k = keys.swap_remove((i as usize * 7) % keys.len());
                assert_eq!(a.remove(k), b.remove(k));
            }
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
    }
}
