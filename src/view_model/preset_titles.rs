//! The scenario picker's words: each built-in scenario's title, so the
//! picker reads "Competing consumers: 1 worker" rather than a file name.

/// Titles by preset name; the names are `presets::PRESETS`'s.
const TITLES: &[(&str, &str)] = &[
    ("seven", "All seven ways, one order flow"),
    ("order-flow", "Order flow"),
    ("cascade", "Cascade: no protection"),
    ("cascade-retries", "Cascade: retries only"),
    ("cascade-protected", "Cascade: timeouts, breakers, fallback"),
    ("poison", "Poison messages"),
    ("poison-dlq", "Poison messages: dead-letter queue"),
    ("silent-backlog", "Silent backlog"),
    ("competing-consumers-1", "Competing consumers: 1 worker"),
    ("competing-consumers-4", "Competing consumers: 4 workers"),
    ("schema-break", "Schema break"),
    ("schema-break-dlq", "Schema break: dead-letter queue"),
    ("schema-break-backward", "Schema break: registry, BACKWARD"),
    ("schema-break-full", "Schema break: registry, FULL"),
    ("commit-before", "Commit before processing"),
    ("commit-after", "Commit after processing"),
    ("stream-replay", "Stream replay"),
    ("dual-write", "Dual write"),
    ("dual-write-outbox", "Dual write: transactional outbox"),
    ("reconnect-storm", "Reconnect storm"),
    ("reconnect-storm-jitter", "Reconnect storm: jittered backoff"),
    ("silent-disconnect", "Silent disconnect"),
    ("silent-disconnect-heartbeat", "Silent disconnect: heartbeat and resume"),
    ("saga", "Saga: orchestration"),
    ("saga-choreography", "Saga: choreography"),
    ("mmc", "M/M/c queue"),
    ("stress-2000", "Stress: 2,000 in flight"),
    ("silent-batch", "Silent batch job"),
    ("silent-batch-monitored", "Silent batch job: output monitored"),
];

/// The title of preset `name`; an unknown name is its own title.
pub fn preset_title(name: &str) -> &str {
    TITLES.iter().find(|(n, _)| *n == name).map_or(name, |(_, t)| t)
}

/// The title above the stage: a preset's title, or for a scenario that did
/// not come from the picker (a file, or a link holding a whole scenario)
/// "Imported: " and where it came from, even when its name is a preset's;
/// " (changed)" once the run has left how it started, so "Commit before
/// processing" does not head a run that commits after.
pub fn scenario_title(name: &str, imported: Option<&str>, changed: bool) -> String {
    let title = match imported {
        Some(from) => format!("Imported: {from}"),
        None => preset_title(name).to_string(),
    };
    if changed {
        format!("{title} (changed)")
    } else {
        title
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::presets;

    #[test]
    fn every_preset_has_its_own_title() {
        let mut seen = Vec::new();
        for name in presets::names() {
            let title = preset_title(name);
            assert_ne!(title, name, "{name} has no title");
            assert!(!seen.contains(&title), "{title} twice");
            seen.push(title);
        }
        assert_eq!(TITLES.len(), presets::names().count(), "no title for a preset that is gone");
    }

    #[test]
    fn an_imported_scenario_is_not_titled_as_the_preset_it_is_named_after() {
        assert_eq!(scenario_title("cascade", None, false), "Cascade: no protection");
        assert_eq!(scenario_title("cascade", Some("mine.json"), false), "Imported: mine.json");
        assert_eq!(scenario_title("my-flow", None, false), "my-flow");
        assert_eq!(scenario_title("commit-before", None, true), "Commit before processing (changed)");
    }

    #[test]
    fn an_unknown_name_is_its_own_title() {
        assert_eq!(preset_title("mine"), "mine");
    }
}
