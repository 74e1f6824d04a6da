//! Where a log's partitions and its consumer groups' positions are drawn.
//!
//! Each partition is a row whose right end is the newest record (the head):
//! new records push the head on, retention trims the left end, and each
//! group's committed and processed positions are markers chasing the head.
//! A marker's distance from the right edge is the group's lag in records;
//! a replay shows as a marker jumping left. Every row shares one scale so
//! the rows can be compared; the scale moves in steps of 1, 2 and 5 × 10ⁿ
//! records, so it does not jitter from frame to frame.

/// One partition as the engine reports it: the first retained offset and the
/// offset the next record will get.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartitionSpan {
    /// First offset still retained.
    pub start: u64,
    /// Offset of the next record (one past the newest).
    pub end: u64,
}

/// One group's positions, one per partition (missing entries count as the partition's start).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupPositions {
    /// Next offset to read after a restart: the last commit.
    pub committed: Vec<u64>,
    /// Next offset the group will process.
    pub processed: Vec<u64>,
}

/// One partition row, in drawing units from the row's left edge.
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionRow {
    /// Left end of the retained records.
    pub tail_x: f64,
    /// Right end (the head): always the row's width.
    pub head_x: f64,
    /// Per group: (committed x, processed x).
    pub markers: Vec<(f64, f64)>,
}

/// The laid-out log: one row per partition and the scale used.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLayout {
    /// Records the row's width stands for.
    pub span: u64,
    /// Rows in partition order.
    pub rows: Vec<PartitionRow>,
}

/// The smallest "nice" number (1, 2 or 5 × 10ⁿ, at least 10) not below `n`.
pub fn nice_span(n: u64) -> u64 {
    let mut unit: u64 = 1;
    loop {
        for m in [1u64, 2, 5] {
            let s = unit.saturating_mul(m);
            if s >= n.max(10) {
                return s;
            }
        }
        if unit > u64::MAX / 10 {
            return u64::MAX;
        }
        unit *= 10;
    }
}

/// Lays out `partitions` and `groups` in rows `width` wide.
pub fn lay_out(partitions: &[PartitionSpan], groups: &[GroupPositions], width: f64) -> LogLayout {
    let position = |g: &GroupPositions, p: usize, committed: bool| {
        let list = if committed { &g.committed } else { &g.processed };
        list.get(p).copied().unwrap_or(partitions[p].start)
    };
    let mut needed = 0;
    for (p, part) in partitions.iter().enumerate() {
        let mut low = part.start;
        for g in groups {
            low = low.min(position(g, p, true)).min(position(g, p, false));
        }
        needed = needed.max(part.end.saturating_sub(low));
    }
    let span = nice_span(needed);
    let x = |end: u64, offset: u64| {
        let behind = end.saturating_sub(offset).min(span) as f64;
        width * (1.0 - behind / span as f64)
    };
    let rows = partitions
        .iter()
        .enumerate()
        .map(|(p, part)| PartitionRow {
            tail_x: x(part.end, part.start),
            head_x: width,
            markers: groups
                .iter()
                .map(|g| (x(part.end, position(g, p, true)), x(part.end, position(g, p, false))))
                .collect(),
        })
        .collect();
    LogLayout { span, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_nice_and_at_least_ten() {
        assert_eq!(nice_span(0), 10);
        assert_eq!(nice_span(10), 10);
        assert_eq!(nice_span(11), 20);
        assert_eq!(nice_span(21), 50);
        assert_eq!(nice_span(51), 100);
        assert_eq!(nice_span(1_999), 2_000);
        assert_eq!(nice_span(u64::MAX), u64::MAX);
    }

    #[test]
    fn the_head_is_on_the_right_and_lag_is_the_distance_from_it() {
        let parts = [PartitionSpan { start: 0, end: 100 }, PartitionSpan { start: 40, end: 60 }];
        let groups = [GroupPositions { committed: vec![50, 60], processed: vec![75, 60] }];
        let l = lay_out(&parts, &groups, 200.0);
        assert_eq!(l.span, 100);
        assert_eq!(l.rows[0].tail_x, 0.0);
        assert_eq!(l.rows[0].head_x, 200.0);
        assert_eq!(l.rows[0].markers[0], (100.0, 150.0), "50 and 25 records behind the head");
        assert_eq!(l.rows[1].tail_x, 160.0, "retention left 20 records");
        assert_eq!(l.rows[1].markers[0], (200.0, 200.0), "caught up");
    }

    #[test]
    fn a_replay_moves_the_marker_left_and_widens_the_scale() {
        let parts = [PartitionSpan { start: 0, end: 30 }];
        let caught_up = lay_out(&parts, &[GroupPositions { committed: vec![30], processed: vec![30] }], 100.0);
        let replaying = lay_out(&parts, &[GroupPositions { committed: vec![0], processed: vec![2] }], 100.0);
        assert!(replaying.rows[0].markers[0].1 < caught_up.rows[0].markers[0].1);
        assert_eq!(replaying.span, 50);
    }

    #[test]
    fn missing_positions_and_empty_logs_do_not_panic() {
        let l = lay_out(&[PartitionSpan::default()], &[GroupPositions::default()], 80.0);
        assert_eq!(l.rows[0].markers[0], (80.0, 80.0));
        assert!(lay_out(&[], &[], 80.0).rows.is_empty());
        let far = lay_out(&[PartitionSpan { start: 0, end: u64::MAX }], &[], 80.0);
        assert!(far.rows[0].tail_x.is_finite());
    }
}
