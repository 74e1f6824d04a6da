//! Which order a recent message belongs to. Replies and deliveries name
//! only their message; this ring finds its order in O(1), without a map
//! that grows with the run.

use crate::engine::event::{CorrId, MsgId};

/// Messages whose order is remembered (replies and deliveries follow their
/// message long before this many newer ones are made).
const CORR_RING: usize = 8_192;

/// Recent messages' orders, by message id modulo the ring's length.
#[derive(Clone, Debug, Default)]
pub(super) struct OrderRing {
    slots: Vec<(MsgId, CorrId)>,
}

impl OrderRing {
    /// Remembers that `msg` belongs to order `corr` (the slot's older message is forgotten).
    pub(super) fn remember(&mut self, msg: MsgId, corr: CorrId) {
        if self.slots.is_empty() {
            self.slots = vec![(0, 0); CORR_RING];
        }
        self.slots[msg as usize % CORR_RING] = (msg, corr);
    }

    /// The order of message `msg`, or 0 when it is not remembered (too old, or never seen).
    pub(super) fn order_of(&self, msg: MsgId) -> CorrId {
        match self.slots.get(msg as usize % CORR_RING) {
            Some(&(m, corr)) if m == msg => corr,
            _ => 0,
        }
    }

    /// Forgets every message.
    pub(super) fn clear(&mut self) {
        self.slots.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_messages_are_found_and_old_or_unknown_ones_are_not() {
        let mut ring = OrderRing::default();
        assert_eq!(ring.order_of(5), 0, "nothing remembered yet");
        ring.remember(5, 42);
        assert_eq!(ring.order_of(5), 42);
        assert_eq!(ring.order_of(6), 0, "never seen");
        ring.remember(5 + CORR_RING as MsgId, 43);
        assert_eq!(ring.order_of(5), 0, "pushed out by a newer message in its slot");
        assert_eq!(ring.order_of(5 + CORR_RING as MsgId), 43);
        ring.clear();
        assert_eq!(ring.order_of(5 + CORR_RING as MsgId), 0, "a reset forgets");
    }
}
