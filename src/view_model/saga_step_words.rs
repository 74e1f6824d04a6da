//! What a saga does after one of its steps did not succeed, in words: the
//! orchestrator's next move depends on the step's kind and on how it ended,
//! so the narrator reads both instead of saying "undoing" for every miss.

use crate::engine::patterns::saga::steps_of;
use crate::engine::scenario::{Scenario, StepKind};

/// The kind of step `step` (0-based, in saga order) of orchestrator `node`.
pub(crate) fn step_kind(s: &Scenario, node: u32, step: u32) -> Option<StepKind> {
    let id = &s.nodes.get(node as usize)?.id;
    steps_of(s, id).get(step as usize).map(|(_, p)| p.kind)
}

/// One sentence for a forward step of saga `saga` that did not succeed.
pub(crate) fn step_missed(s: &Scenario, saga: u64, node: u32, step: u32, timed_out: bool, refused: bool) -> String {
    let n = step + 1;
    if refused {
        return format!(
            "Saga {saga}: step {n} was refused before any work (its service is down or full); asking again."
        );
    }
    match step_kind(s, node, step) {
        Some(StepKind::Retriable) => {
            format!("Saga {saga}: step {n} failed; it comes after the point of no return, so it is tried again.")
        }
        Some(StepKind::Pivot) if timed_out => {
            format!("Saga {saga}: no answer from step {n}, the point of no return; asking again, not undoing.")
        }
        _ => format!("Saga {saga}: step {n} failed; undoing the steps before it in reverse."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;

    #[test]
    fn the_sentence_follows_the_step_kind_and_how_it_ended() {
        let s = presets::load("saga").expect("preset");
        let orch =
            s.nodes.iter().position(|n| n.kind.service().is_some_and(|k| k.saga.is_some())).expect("orch") as u32;
        let kinds: Vec<StepKind> = (0..3).filter_map(|i| step_kind(&s, orch, i)).collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        let first = step_missed(&s, 7, orch, 0, false, false);
        assert!(first.contains("undoing"), "{first}");
        let refused = step_missed(&s, 7, orch, 0, false, true);
        assert!(refused.contains("refused") && refused.contains("asking again") && !refused.contains("undoing"));
        if let Some(i) = kinds.iter().position(|k| *k == StepKind::Retriable) {
            let retried = step_missed(&s, 7, orch, i as u32, false, false);
            assert!(retried.contains("tried again") && !retried.contains("undoing"), "{retried}");
        }
        if let Some(i) = kinds.iter().position(|k| *k == StepKind::Pivot) {
            let pivot = step_missed(&s, 7, orch, i as u32, true, false);
            assert!(pivot.contains("asking again"), "{pivot}");
        }
        assert!(step_kind(&s, 999, 0).is_none());
    }
}
