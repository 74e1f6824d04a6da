//! Embed mode and the postMessage protocol, as pure data: the URL options of
//! an embedded page, the commands an embedding page may send (validated
//! here, never evaluated), the events Patchbay sends back, the origin
//! allow-list and the iframe snippet of the Embed dialog.
//!
//! Every message is JSON with `patchbay: 1` (the protocol version), a
//! `type` and an optional `id` that the answer repeats. Anything else is
//! answered with an `error` event and changes nothing.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::engine::parse::parse_scenario_placed;
use crate::engine::scenario::Scenario;
use crate::engine::Edit;
use crate::view_model::speed::{MAX_SPEED, MIN_SPEED};

mod events;
mod options;
mod snippet;

pub use events::{event_json, MetricsSnapshot, Outgoing};
pub use options::{parse_origins, EmbedOptions, Theme};
pub use snippet::{embed_url, snippet, SnippetChoice};

/// The protocol version carried by every message as `patchbay`.
pub const PROTOCOL: u64 = 1;
/// The largest message read, in bytes of JSON (a scenario fits well within it).
pub const MAX_MESSAGE_BYTES: usize = 512 * 1024;
/// The most edits one `apply_edits` command may carry.
pub const MAX_EDITS: usize = 200;
/// The longest `id`, preset name or lesson name read.
pub const MAX_NAME_CHARS: usize = 64;
/// The most origins an allow-list may hold.
pub const MAX_ORIGINS: usize = 8;

/// The command names, in the order the `ready` event lists them.
pub const COMMANDS: [&str; 9] = [
    "load_preset",
    "load_scenario",
    "apply_edits",
    "play",
    "pause",
    "step",
    "set_speed",
    "go_to_lesson_step",
    "get_metrics",
];

/// The controls an embed may show (`controls=` lists them, comma-separated).
/// An open lesson's card shows whatever the list says; `lesson` adds the
/// lesson picker to an embed that opened without one.
pub const CONTROL_NAMES: [&str; 11] =
    ["play", "step", "speed", "reset", "scenario", "lesson", "inspector", "editor", "metrics", "events", "journey"];
/// The controls an embed shows when `controls=` is not given.
pub const DEFAULT_CONTROLS: [&str; 3] = ["play", "step", "speed"];

/// A message's `id`, repeated in its answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MessageId {
    /// A number.
    Number(u64),
    /// A short text.
    Text(String),
}

/// A command from the embedding page, validated.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Load a built-in scenario by name.
    LoadPreset(String),
    /// Load a scenario given as JSON (parsed and validated like an imported file).
    LoadScenario(Box<Scenario>),
    /// Apply edits (the engine's `Edit` values) in order; the first refusal stops the rest.
    ApplyEdits(Vec<Edit>),
    /// Play.
    Play,
    /// Pause.
    Pause,
    /// Process one event (pauses first).
    Step,
    /// Simulated seconds per wall second, within the slider's range.
    SetSpeed(f64),
    /// Go to a step of a lesson.
    GoToLessonStep {
        /// The lesson's name.
        lesson: String,
        /// The step, from 1.
        step: u32,
    },
    /// Answer with a `metrics` event.
    GetMetrics,
}

impl Command {
    /// The command's `type` word.
    pub fn name(&self) -> &'static str {
        match self {
            Command::LoadPreset(_) => "load_preset",
            Command::LoadScenario(_) => "load_scenario",
            Command::ApplyEdits(_) => "apply_edits",
            Command::Play => "play",
            Command::Pause => "pause",
            Command::Step => "step",
            Command::SetSpeed(_) => "set_speed",
            Command::GoToLessonStep { .. } => "go_to_lesson_step",
            Command::GetMetrics => "get_metrics",
        }
    }
}

/// A command with the id its answer repeats.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The message's id, if it had a valid one.
    pub id: Option<MessageId>,
    /// What to do.
    pub command: Command,
}

/// Why a message was refused: a stable code and a sentence, with the id when one was read.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// The message's id, if it had a valid one.
    pub id: Option<MessageId>,
    /// A stable word for programs (`malformed`, `version`, `unknown_type`, `invalid`, `too_large`, `failed`).
    pub code: &'static str,
    /// What was wrong, for people.
    pub message: String,
}

fn refuse(id: &Option<MessageId>, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal { id: id.clone(), code, message: message.into() }
}

/// Reads one message (its JSON text). Never panics; a refusal says why.
pub fn parse_message(text: &str) -> Result<Request, Refusal> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(refuse(&None, "too_large", format!("The message is larger than {MAX_MESSAGE_BYTES} bytes.")));
    }
    let value: Value =
        serde_json::from_str(text).map_err(|_| refuse(&None, "malformed", "The message is not JSON."))?;
    let Value::Object(obj) = value else {
        return Err(refuse(&None, "malformed", "The message must be a JSON object."));
    };
    let id = read_id(&obj)?;
    match obj.get("patchbay") {
        Some(Value::Number(n)) if n.as_u64() == Some(PROTOCOL) => {}
        Some(_) => {
            return Err(refuse(
                &id,
                "version",
                format!("This page speaks protocol version {PROTOCOL} (\"patchbay\": {PROTOCOL})."),
            ))
        }
        None => return Err(refuse(&id, "malformed", "The message has no \"patchbay\" version field.")),
    }
    let Some(Value::String(kind)) = obj.get("type") else {
        return Err(refuse(&id, "malformed", "The message has no \"type\" text."));
    };
    let command = read_command(kind, &obj, &id)?;
    Ok(Request { id, command })
}

fn read_id(obj: &Map<String, Value>) -> Result<Option<MessageId>, Refusal> {
    match obj.get("id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|n| Some(MessageId::Number(n)))
            .ok_or_else(|| refuse(&None, "malformed", "\"id\" must be a whole number from 0 or a short text.")),
        Some(Value::String(s)) if s.chars().count() <= MAX_NAME_CHARS => Ok(Some(MessageId::Text(s.clone()))),
        Some(_) => Err(refuse(
            &None,
            "malformed",
            format!("\"id\" must be a whole number from 0 or a text of at most {MAX_NAME_CHARS} characters."),
        )),
    }
}

fn read_command(kind: &str, obj: &Map<String, Value>, id: &Option<MessageId>) -> Result<Command, Refusal> {
    let fields: &[&str] = match kind {
        "load_preset" => &["name"],
        "load_scenario" => &["scenario"],
        "apply_edits" => &["edits"],
        "set_speed" => &["speed"],
        "go_to_lesson_step" => &["lesson", "step"],
        "play" | "pause" | "step" | "get_metrics" => &[],
        _ => {
            let shown: String = kind.chars().take(MAX_NAME_CHARS).collect();
            return Err(refuse(
                id,
                "unknown_type",
                format!("Unknown message type \"{shown}\"; known: {}.", COMMANDS.join(", ")),
            ));
        }
    };
    if let Some(extra) =
        obj.keys().find(|k| !matches!(k.as_str(), "patchbay" | "type" | "id") && !fields.contains(&k.as_str()))
    {
        let shown: String = extra.chars().take(MAX_NAME_CHARS).collect();
        return Err(refuse(id, "invalid", format!("\"{kind}\" has no field \"{shown}\".")));
    }
    match kind {
        "load_preset" => Ok(Command::LoadPreset(read_name(obj, "name", id)?)),
        "load_scenario" => {
            let Some(scenario) = obj.get("scenario").filter(|v| v.is_object()) else {
                return Err(refuse(id, "invalid", "\"scenario\" must be a scenario object (the CLI's format)."));
            };
            // Parsed from text like an imported file (the same reader, so no
            // second copy of the scenario's readers in the wasm).
            let text = scenario.to_string();
            parse_scenario_placed(&text).map(|s| Command::LoadScenario(Box::new(s))).map_err(|errors| {
                let first = errors.first().map_or_else(String::new, |e| format!("{}: {}", e.path, e.reason));
                refuse(id, "invalid", format!("The scenario is not valid: {first}"))
            })
        }
        "apply_edits" => {
            let Some(Value::Array(list)) = obj.get("edits") else {
                return Err(refuse(id, "invalid", "\"edits\" must be a list of edits."));
            };
            if list.is_empty() || list.len() > MAX_EDITS {
                return Err(refuse(id, "invalid", format!("\"edits\" must hold 1 to {MAX_EDITS} edits.")));
            }
            list.iter()
                .enumerate()
                .map(|(i, e)| {
                    serde_json::from_str::<Edit>(&e.to_string())
                        .map_err(|err| refuse(id, "invalid", format!("edits[{i}] is not an edit: {err}")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Command::ApplyEdits)
        }
        "set_speed" => match obj.get("speed").and_then(Value::as_f64) {
            Some(s) if (MIN_SPEED..=MAX_SPEED).contains(&s) => Ok(Command::SetSpeed(s)),
            _ => Err(refuse(id, "invalid", format!("\"speed\" must be a number from {MIN_SPEED} to {MAX_SPEED}."))),
        },
        "go_to_lesson_step" => {
            let lesson = read_name(obj, "lesson", id)?;
            match obj.get("step").and_then(Value::as_u64) {
                Some(step @ 1..=1000) => Ok(Command::GoToLessonStep { lesson, step: step as u32 }),
                _ => Err(refuse(id, "invalid", "\"step\" must be a whole number from 1 to 1000.")),
            }
        }
        "play" => Ok(Command::Play),
        "pause" => Ok(Command::Pause),
        "step" => Ok(Command::Step),
        _ => Ok(Command::GetMetrics),
    }
}

fn read_name(obj: &Map<String, Value>, field: &str, id: &Option<MessageId>) -> Result<String, Refusal> {
    match obj.get(field) {
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= MAX_NAME_CHARS => Ok(s.clone()),
        _ => Err(refuse(id, "invalid", format!("\"{field}\" must be a text of 1 to {MAX_NAME_CHARS} characters."))),
    }
}

/// The number of steps of the built-in lesson `lesson`, if there is one.
pub fn lesson_steps(lesson: &str) -> Option<u32> {
    crate::engine::lesson::builtin(lesson).map(|l| l.steps.len() as u32)
}

/// Checks a `go_to_lesson_step` against the lessons there are.
pub fn check_lesson_step(lesson: &str, step: u32, id: &Option<MessageId>) -> Result<(), Refusal> {
    match lesson_steps(lesson) {
        None => Err(refuse(id, "failed", format!("There is no lesson named \"{lesson}\"."))),
        Some(steps) if step > steps => {
            Err(refuse(id, "failed", format!("The lesson \"{lesson}\" has {steps} steps; there is no step {step}.")))
        }
        Some(_) => Ok(()),
    }
}
