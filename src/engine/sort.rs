//! One stable sort for the few short lists the engine and the page sort
//! (timed edits, messages to drop, a settings list, frame timings).
//!
//! The standard library's sorts are fast but large, and each element type
//! and comparison gets a copy of its own: about 15 KB of the page's
//! WebAssembly for a handful of lists, none on a hot path. Here the merge
//! works on indices through one `dyn` comparison, so it exists once; each
//! element type adds only the small step that puts the elements in order.

/// Sorts `v` by `less` ("a goes before b"), keeping equal elements in
/// their order: the same result as `v.sort_by`, in O(n log n).
pub fn sort_stable_by<T>(v: &mut Vec<T>, less: impl Fn(&T, &T) -> bool) {
    let order = stable_order(v.len(), &|i, j| less(&v[i], &v[j]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)));
}

/// The indices `0..n` in the order a stable sort by `less` would put
/// their elements: a bottom-up merge sort.
fn stable_order(n: usize, less: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                // The right run goes first only when strictly before: equal elements keep their order.
                if j < end && (i >= mid || less(from[j], from[i])) {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_the_standard_stable_sort(keys in proptest::collection::vec(0u8..6, 0..200)) {
            // Pairs of (key, original place): equal keys must keep their places' order.
            let items: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut ours = items.clone();
            sort_stable_by(&mut ours, |a, b| a.0 < b.0);
            let mut std_sorted = items;
            std_sorted.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std_sorted);
        }
    }

    #[test]
    fn sorts_floats_and_strings() {
        let mut f = vec![3.5, -1.0, 2.0, 2.0, 0.0];
        sort_stable_by(&mut f, |a: &f64, b| a.total_cmp(b).is_lt());
        assert_eq!(f, [-1.0, 0.0, 2.0, 2.0, 3.5]);
        let mut s = vec!["b".to_string(), "a".into(), "c".into()];
        sort_stable_by(&mut s, |a, b| a > b);
        assert_eq!(s, ["c", "b", "a"]);
        let mut empty: Vec<u32> = Vec::new();
        sort_stable_by(&mut empty, |a, b| a < b);
        assert!(empty.is_empty());
    }
}
