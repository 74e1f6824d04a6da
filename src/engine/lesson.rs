//! Guided lessons as data: a built-in scenario plus a short script of steps.
//! Each step has its text, what to look at (a node or link), the edits it
//! makes (the same [`Edit`] values a person's changes are, at a simulated
//! time), how far to run, the numbers to watch and what those numbers must
//! show. The state at step *k* is a function of the lesson alone: the
//! scenario run from time zero with its own seed, every edit of steps 1..=k
//! applied at its time, up to the step's time ([`Lesson::plan`]). So a
//! learner can deviate and come back, and a test can check that each step's
//! numbers say what its text says (`tests/lessons.rs`). The format is
//! described in docs/lessons.md.

pub mod metric;

use serde::Deserialize;

use super::edit::{Edit, TimedEdit};
use super::error::ScenarioError;
use super::presets;
use super::scenario::Scenario;
use super::time::ms_to_micros;
use super::validate::duration_problem;
use super::Simulation;

/// The lesson format's version.
pub const LESSON_VERSION: u32 = 1;
/// Most steps in a lesson.
pub const MAX_STEPS: usize = 30;
/// Most edits in one step.
pub const MAX_EDITS_PER_STEP: usize = 20;
/// Most numbers a step watches or expects.
pub const MAX_METRICS: usize = 8;
/// Longest step text, in bytes.
pub const MAX_TEXT: usize = 1_200;
/// Longest step story, in bytes (as long as a scenario's description may be).
pub const MAX_STORY: usize = super::limits::MAX_DESCRIPTION_CHARS;
/// Latest time a lesson may run to, in seconds (the page's fast-forwards stop at an hour).
pub const MAX_SECONDS: f64 = 3_600.0;
/// Largest lesson file, in bytes.
pub const MAX_LESSON_BYTES: usize = 256 * 1024;

/// A guided lesson.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// The format's version: 1.
    pub version: u32,
    /// Its name in links (`?lesson=NAME`): lower-case letters, digits and dashes.
    pub name: String,
    /// Its title for people.
    pub title: String,
    /// The built-in scenario it runs (a preset's name); it runs with that scenario's seed.
    pub scenario: String,
    /// Numbers shown on every step that has no `watch` of its own.
    #[serde(default)]
    pub watch: Vec<String>,
    /// The script.
    pub steps: Vec<Step>,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What to read, in a few sentences.
    pub text: String,
    /// A node or link id to highlight on the stage.
    #[serde(default)]
    pub focus: Option<String>,
    /// When this step's edits apply, in simulated seconds (default: the
    /// time the previous step reached).
    #[serde(default)]
    pub at_s: Option<f64>,
    /// Changes this step makes, applied in order at `at_s`: the engine's
    /// edits, written as everywhere else; those that change the
    /// topology's shape are refused by [`parse_lesson`].
    #[serde(default)]
    pub edits: Vec<Edit>,
    /// Run until this simulated time, in seconds (default: the time the previous step reached).
    #[serde(default)]
    pub until_s: Option<f64>,
    /// Numbers to show (default: the lesson's `watch`).
    #[serde(default)]
    pub watch: Option<Vec<String>>,
    /// What the numbers must be at the end of this step (checked by tests, not shown).
    #[serde(default)]
    pub expect: Vec<Expect>,
    /// The scenario's story as this step's edits leave it, shown above the
    /// stage instead of the scenario's own description (which these edits
    /// make untrue) from this step on; see [`Lesson::story_of`].
    #[serde(default)]
    pub story: Option<String>,
}

/// A bound on one number at the end of a step.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The metric key (see [`metric`]).
    pub metric: String,
    /// At least this.
    #[serde(default)]
    pub min: Option<u64>,
    /// At most this.
    #[serde(default)]
    pub max: Option<u64>,
}

/// What it takes to reach a step from time zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Every edit of the steps so far, at its time, in time order (stable).
    pub edits: Vec<TimedEdit>,
    /// The step's time, in ms.
    pub until_ms: f64,
}

impl Lesson {
    /// The time step `k` (from 0) reaches, in seconds: the latest `until_s` of steps 0..=k.
    pub fn time_of(&self, k: usize) -> f64 {
        self.steps.iter().take(k + 1).filter_map(|s| s.until_s).next_back().unwrap_or(0.0)
    }

    /// When step `k`'s edits apply, in seconds.
    pub fn edits_at(&self, k: usize) -> f64 {
        let before = if k == 0 { 0.0 } else { self.time_of(k - 1) };
        self.steps.get(k).and_then(|s| s.at_s).unwrap_or(before)
    }

    /// The edits and the time that make the state of step `k` (clamped to the last step).
    pub fn plan(&self, k: usize) -> Plan {
        let k = k.min(self.steps.len().saturating_sub(1));
        let mut edits: Vec<TimedEdit> = (0..=k)
            .filter_map(|i| self.steps.get(i).map(|s| (i, s)))
            .flat_map(|(i, s)| {
                let at_ms = self.edits_at(i) * 1_000.0;
                s.edits.iter().map(move |e| TimedEdit { at_ms, edit: e.clone() })
            })
            .collect();
        super::sort::sort_stable_by(&mut edits, |a, b| a.at_ms.total_cmp(&b.at_ms).is_lt());
        Plan { edits, until_ms: self.time_of(k) * 1_000.0 }
    }

    /// The story above the stage at step `k`: the latest `story` of steps
    /// 0..=k (the edits of a lesson add up, so a later step without a story
    /// of its own still runs the scenario the earlier one described), or
    /// `None` while the scenario's own description still holds.
    pub fn story_of(&self, k: usize) -> Option<&str> {
        self.steps.iter().take(k + 1).filter_map(|s| s.story.as_deref()).next_back()
    }

    /// The numbers step `k` shows.
    pub fn watch_of(&self, k: usize) -> &[String] {
        self.steps.get(k).and_then(|s| s.watch.as_deref()).unwrap_or(&self.watch)
    }
}

/// Parses and validates a lesson, naming the JSON path of any problem.
pub fn parse_lesson(json: &str) -> Result<Lesson, ScenarioError> {
    if json.len() > MAX_LESSON_BYTES {
        return Err(ScenarioError::new(
            "$",
            format!("the lesson is {} bytes; at most {MAX_LESSON_BYTES} are read", json.len()),
        ));
    }
    if let Some(e) = super::parse::wrong_start(json, b'{', "a lesson is a JSON object ({ … })") {
        return Err(e);
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let lesson: Lesson = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| ScenarioError::new(super::parse::json_path(&e.path().to_string()), e.into_inner().to_string()))?;
    de.end().map_err(|e| ScenarioError::new("$", format!("unexpected text after the lesson: {e}")))?;
    validate(&lesson)?;
    Ok(lesson)
}

/// Checks a parsed lesson: its scenario exists, its focus ids and metric
/// keys name parts of that scenario, its times are in range and in order,
/// and its edits apply to the scenario in order. Returns the scenario.
pub fn validate(lesson: &Lesson) -> Result<Scenario, ScenarioError> {
    let err = |path: String, reason: String| Err(ScenarioError::new(path, reason));
    if lesson.version != LESSON_VERSION {
        return err("$.version".into(), format!("must be {LESSON_VERSION}"));
    }
    let name_ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if lesson.name.is_empty() || lesson.name.len() > 64 || !lesson.name.chars().all(name_ok) {
        return err("$.name".into(), "must be 1 to 64 lower-case letters, digits and dashes".into());
    }
    if lesson.title.trim().is_empty() || lesson.title.len() > 200 {
        return err("$.title".into(), "must be 1 to 200 bytes of text".into());
    }
    let Some(scenario) = presets::load(&lesson.scenario) else {
        return err("$.scenario".into(), format!("no built-in scenario is called {:?}", lesson.scenario));
    };
    if lesson.steps.is_empty() || lesson.steps.len() > MAX_STEPS {
        return err("$.steps".into(), format!("must hold 1 to {MAX_STEPS} steps"));
    }
    check_metrics(&lesson.watch, "$.watch", &scenario)?;
    // The edits are tried on a simulation in order (not run), so an id or a
    // setting the scenario would refuse is named here rather than mid-lesson.
    let Ok(mut sim) = Simulation::new(scenario.clone()) else {
        return err("$.scenario".into(), "the scenario cannot run".into());
    };
    let mut reached = 0.0;
    for (i, step) in lesson.steps.iter().enumerate() {
        let at = |field: &str| format!("$.steps[{i}].{field}");
        if step.text.trim().is_empty() || step.text.len() > MAX_TEXT {
            return err(at("text"), format!("must be 1 to {MAX_TEXT} bytes of text"));
        }
        if step.story.as_ref().is_some_and(|t| t.trim().is_empty() || t.len() > MAX_STORY) {
            return err(at("story"), format!("must be 1 to {MAX_STORY} bytes of text"));
        }
        if let Some(id) = &step.focus {
            if scenario.node(id).is_none() && scenario.link(id).is_none() {
                return err(at("focus"), format!("no node or link {id:?} in the scenario"));
            }
        }
        for (field, value) in [("at_s", step.at_s), ("until_s", step.until_s)] {
            if let Some(s) = value {
                if let Some(reason) = duration_problem(s * 1_000.0, true)
                    .or_else(|| (s > MAX_SECONDS).then(|| format!("must be at most {MAX_SECONDS} s")))
                {
                    return err(at(field), reason);
                }
            }
        }
        let time = step.until_s.unwrap_or(reached);
        if lesson.edits_at(i) > time {
            return err(at("at_s"), format!("the edits would apply after the step ends ({time} s)"));
        }
        reached = time;
        if step.edits.len() > MAX_EDITS_PER_STEP {
            return err(at("edits"), format!("at most {MAX_EDITS_PER_STEP} edits a step"));
        }
        for (j, edit) in step.edits.iter().enumerate() {
            if edit.is_structural(sim.scenario()) {
                return err(
                    format!("$.steps[{i}].edits[{j}]"),
                    "a lesson keeps its scenario's shape: it cannot add or remove parts, change a link's transport type or a log's partitions".into(),
                );
            }
            if let Err(e) = sim.apply(edit) {
                return err(format!("$.steps[{i}].edits[{j}]"), e.to_string());
            }
        }
        if let Some(watch) = &step.watch {
            check_metrics(watch, &at("watch"), &scenario)?;
        }
        for (j, x) in step.expect.iter().enumerate() {
            metric::check(&x.metric, &scenario)
                .map_err(|r| ScenarioError::new(format!("$.steps[{i}].expect[{j}].metric"), r))?;
            if x.min.is_none() && x.max.is_none() {
                return err(format!("$.steps[{i}].expect[{j}]"), "needs a min, a max or both".into());
            }
        }
    }
    Ok(scenario)
}

fn check_metrics(keys: &[String], path: &str, scenario: &Scenario) -> Result<(), ScenarioError> {
    if keys.len() > MAX_METRICS {
        return Err(ScenarioError::new(path, format!("at most {MAX_METRICS} numbers")));
    }
    for (j, key) in keys.iter().enumerate() {
        metric::check(key, scenario).map_err(|r| ScenarioError::new(format!("{path}[{j}]"), r))?;
    }
    Ok(())
}

/// A lesson's name and its JSON file, minified at compile time (as the presets are).
macro_rules! lesson {
    ($name:literal, $file:literal) => {{
        const TEXT: &str = include_str!($file);
        const BYTES: &[u8] = &presets::minify::<{ presets::minified_len(TEXT) }>(TEXT);
        const JSON: &str = match core::str::from_utf8(BYTES) {
            Ok(json) => json,
            Err(_) => panic!("a lesson is not UTF-8"),
        };
        ($name, JSON)
    }};
}

/// Names and JSON texts of the built-in lessons, in the picker's order.
pub const LESSONS: &[(&str, &str)] = &[
    lesson!("request-response", "lessons/request-response.json"),
    lesson!("queue", "lessons/queue.json"),
    lesson!("pubsub", "lessons/pubsub.json"),
    lesson!("stream", "lessons/stream.json"),
    lesson!("saga", "lessons/saga.json"),
    lesson!("realtime", "lessons/realtime.json"),
    lesson!("batch", "lessons/batch.json"),
    lesson!("seven", "lessons/seven.json"),
    lesson!("latency-budget", "lessons/latency-budget.json"),
];

/// The names of the built-in lessons.
pub fn names() -> impl Iterator<Item = &'static str> {
    LESSONS.iter().map(|(n, _)| *n)
}

/// A built-in lesson by name (`None` for an unknown name). Parsed without
/// path tracking, which would add a copy of every edit's parser to the
/// wasm, and not validated here: `tests/lessons.rs` validates and runs
/// every built-in lesson, and the page shows the engine's reason if an edit
/// is refused all the same.
pub fn builtin(name: &str) -> Option<Lesson> {
    let (_, json) = LESSONS.iter().find(|(n, _)| *n == name)?;
    serde_json::from_str(json).ok()
}

/// Runs a lesson headless to the end of step `k`: the scenario from time
/// zero with its seed, each edit of the plan at its time, then on to the
/// step's time. The page reaches the same state in budgeted slices.
pub fn run_to_step(lesson: &Lesson, k: usize) -> Result<Simulation, String> {
    let scenario = presets::load(&lesson.scenario).ok_or_else(|| format!("no scenario {:?}", lesson.scenario))?;
    let seed = scenario.seed;
    let mut sim = Simulation::with_seed(scenario, seed).map_err(|_| "the scenario cannot run".to_string())?;
    let plan = lesson.plan(k);
    for TimedEdit { at_ms, edit } in &plan.edits {
        let at = ms_to_micros(*at_ms);
        sim.run_until(at).map_err(|e| e.to_string())?;
        sim.apply(edit).map_err(|e| e.to_string())?;
    }
    sim.run_until(ms_to_micros(plan.until_ms).max(sim.now())).map_err(|e| e.to_string())?;
    Ok(sim)
}

/// The expectations of step `k` that its run does not meet, in words (empty when all hold).
pub fn unmet(lesson: &Lesson, k: usize, sim: &Simulation) -> Vec<String> {
    let Some(step) = lesson.steps.get(k) else { return vec![] };
    step.expect
        .iter()
        .filter_map(|x| {
            let v = metric::value(&x.metric, sim)?;
            let low = x.min.is_some_and(|m| v < m);
            let high = x.max.is_some_and(|m| v > m);
            (low || high).then(|| format!("step {}: {} = {v}, expected {:?}..={:?}", k + 1, x.metric, x.min, x.max))
        })
        .collect()
}
