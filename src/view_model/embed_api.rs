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

/// The page's colours: the system's, or forced light or dark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the system setting.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// `light`, `dark` or `auto` (anything else is `auto`).
    pub fn parse(text: &str) -> Theme {
        match text {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// The word used in the URL and in `data-theme`.
    pub fn key(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What the URL asks of an embedded page.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EmbedOptions {
    /// `embed=1`: minimal chrome, the stage first, the message API on.
    pub embed: bool,
    /// The controls shown (known names only, in [`CONTROL_NAMES`] order).
    pub controls: Vec<&'static str>,
    /// `autoplay=1`: start playing (otherwise an embed starts paused).
    pub autoplay: bool,
    /// `theme=`.
    pub theme: Theme,
    /// `origin=`: the embedding pages allowed to talk to this one; empty means any.
    pub origins: Vec<String>,
}

impl EmbedOptions {
    /// Reads the options through `param` (a URL query lookup).
    pub fn from_params(param: impl Fn(&str) -> Option<String>) -> EmbedOptions {
        let embed = param("embed").as_deref() == Some("1");
        let controls = match param("controls") {
            Some(list) => {
                let asked: Vec<&str> = list.split(',').map(str::trim).collect();
                CONTROL_NAMES.iter().copied().filter(|c| asked.contains(c)).collect()
            }
            None => DEFAULT_CONTROLS.to_vec(),
        };
        EmbedOptions {
            embed,
            controls,
            autoplay: param("autoplay").as_deref() == Some("1"),
            theme: param("theme").map_or(Theme::Auto, |t| Theme::parse(&t)),
            origins: param("origin").map(|o| parse_origins(&o)).unwrap_or_default(),
        }
    }

    /// The controls as the space-separated list CSS matches with `~=`.
    pub fn controls_attr(&self) -> String {
        self.controls.join(" ")
    }

    /// True when a message from `origin` may be read.
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.is_empty() || self.origins.iter().any(|o| o == origin)
    }

    /// The target origins events are posted to: each allowed origin (the
    /// browser delivers only to the one the parent really has), or `*`
    /// when no list was given.
    pub fn targets(&self) -> Vec<String> {
        if self.origins.is_empty() {
            vec!["*".to_string()]
        } else {
            self.origins.clone()
        }
    }
}

/// Splits `origin=` into origins, keeping only well-formed `http(s)://host[:port]`
/// ones (no path, no wildcard), at most [`MAX_ORIGINS`].
pub fn parse_origins(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|o| is_origin(o)).take(MAX_ORIGINS).map(str::to_string).collect()
}

fn is_origin(text: &str) -> bool {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|host| {
        !host.is_empty()
            && host.len() <= 253
            && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    })
}

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

/// A figure of the run for the `metrics` event.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct MetricsSnapshot {
    /// Simulated time, in milliseconds.
    pub now_ms: u64,
    /// Events processed so far.
    pub steps: u64,
    /// Orders started.
    pub orders_started: u64,
    /// Orders completed.
    pub orders_completed: u64,
    /// Orders failed.
    pub orders_failed: u64,
    /// Messages in flight now.
    pub in_flight: usize,
    /// Simulated seconds per wall second.
    pub speed: f64,
    /// Playing or paused.
    pub playing: bool,
    /// The scenario's name.
    pub scenario: String,
}

/// An event sent to the embedding page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outgoing {
    /// The page is listening; lists the commands and the controls shown.
    Ready {
        /// The scenario running.
        scenario: String,
        /// The commands understood.
        commands: Vec<&'static str>,
    },
    /// A command was carried out.
    Ok {
        /// The command's id.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<MessageId>,
        /// Which command.
        command: &'static str,
    },
    /// A lesson step was reached.
    LessonStep {
        /// The lesson.
        lesson: String,
        /// The step, from 1.
        step: u32,
    },
    /// Something notable happened (the narration the page announces).
    Alert {
        /// The sentence.
        text: String,
        /// Simulated time, in milliseconds.
        at_ms: u64,
    },
    /// The run's figures (the answer to `get_metrics`).
    Metrics {
        /// The command's id.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<MessageId>,
        /// The figures.
        metrics: MetricsSnapshot,
    },
    /// A message was refused, or a command failed.
    Error {
        /// The message's id, when one was read.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<MessageId>,
        /// A stable word for programs.
        code: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl From<Refusal> for Outgoing {
    fn from(r: Refusal) -> Outgoing {
        Outgoing::Error { id: r.id, code: r.code, message: r.message }
    }
}

/// An event as JSON text, with the protocol version.
pub fn event_json(event: &Outgoing) -> String {
    // Every event serialises as an object: the version goes in front of its
    // first field (cheaper in the wasm than building a `Value`).
    let json = serde_json::to_string(event).unwrap_or_default();
    match json.strip_prefix('{') {
        Some(rest) => format!("{{\"patchbay\":{PROTOCOL},{rest}"),
        None => format!("{{\"patchbay\":{PROTOCOL}}}"),
    }
}

/// What the Embed dialog's snippet is made of.
#[derive(Clone, Debug, PartialEq)]
pub struct SnippetChoice {
    /// The page's address without query or fragment (where Patchbay is served).
    pub base: String,
    /// The preset to show.
    pub scenario: String,
    /// The controls shown.
    pub controls: Vec<&'static str>,
    /// Colours.
    pub theme: Theme,
    /// Start playing.
    pub autoplay: bool,
    /// Height in CSS pixels (the width is 100 % of the column).
    pub height: u32,
}

/// The embed URL for a choice.
pub fn embed_url(c: &SnippetChoice) -> String {
    let mut url = format!("{}?embed=1&scenario={}", c.base, url_word(&c.scenario));
    url.push_str("&controls=");
    url.push_str(&c.controls.join(","));
    if c.theme != Theme::Auto {
        url.push_str("&theme=");
        url.push_str(c.theme.key());
    }
    if c.autoplay {
        url.push_str("&autoplay=1");
    }
    url
}

/// The iframe snippet for a choice: sandboxed to scripts only, lazy, titled.
pub fn snippet(c: &SnippetChoice) -> String {
    let height = c.height.clamp(240, 2000);
    format!(
        "<iframe src=\"{}\" title=\"Patchbay: {}\" width=\"100%\" height=\"{height}\" style=\"border:0;max-width:100%\" sandbox=\"allow-scripts\" loading=\"lazy\"></iframe>",
        html_attr(&embed_url(c)),
        html_attr(&c.scenario)
    )
}

/// Keeps letters, digits and `-_.` (preset names are such words); escapes the rest.
fn url_word(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn html_attr(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}
