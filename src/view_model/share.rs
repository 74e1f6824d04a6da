//! Share links and autosave: the page's whole state as one value,
//! [`ShareState`], and its text form `v2.<base64url>` (the URL fragment
//! after `#`, and the autosaved value).
//!
//! The state is where the run started (a preset by name, or a whole
//! scenario when it came from a file) and everything done since, in order:
//! each change as the engine's [`Edit`]s, stamped with the engine's
//! position when it was made (events processed and simulated time). Played
//! back by [`super::share_replay::replay`], it gives the same simulation,
//! event for event, so the same trace hash. Positions, settings and faults
//! are all edits; seed, speed, pause, time and an optional lesson step ride
//! alongside.
//!
//! Reading never panics and never trusts the text: sizes, counts, times
//! and the speed are checked here, and every edit again by the engine when
//! it is played back. Each refusal says what was wrong.

use serde::{Deserialize, Serialize};

use super::run::MAX_AT_SECONDS;
use super::share_pack::{from_base64url, pack, to_base64url, unpack_with, DICTIONARY, DICTIONARY_V1};
use super::speed::{MAX_SPEED, MIN_SPEED};
use crate::engine::scenario::Scenario;
use crate::engine::time::{Micros, SECOND};
use crate::engine::Edit;

/// The format version this build writes and reads.
pub const VERSION: u32 = 2;
/// Longest link text read (characters after `#`).
pub const MAX_LINK_CHARS: usize = 200_000;
/// Most changes a link carries.
pub const MAX_OPS: usize = 2_000;
/// Most edits in one change.
pub const MAX_EDITS_PER_OP: usize = 200;
/// Longest preset or lesson name.
pub const MAX_NAME_CHARS: usize = 64;
/// Highest lesson step.
pub const MAX_STEP: u32 = 10_000;
/// Latest simulated time a link may restore (the `?at=` limit, one hour).
pub const MAX_TIME: Micros = MAX_AT_SECONDS as Micros * SECOND;

/// Where the engine was when something happened: events processed
/// ([`crate::engine::Simulation::timers_fired`]) and simulated time (µs).
/// Both are needed: a change can be made between two events of one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct At(pub u64, pub u64);

/// One thing done to the run, in the order done.
// Most changes are edits: boxing them would save little and add a
// pointer chase to every one.
#[allow(clippy::large_enum_variant)]
// Externally tagged (`{"e":{…}}`); the edits inside are in the engine's
// own form (`{"type":…}`), see `share_wire` for format 1's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Op {
    /// An edit taken by the running simulation ([`crate::engine::Simulation::apply`]).
    #[serde(rename = "e")]
    Edit {
        /// Events processed when it was made.
        n: u64,
        /// Simulated time (µs) when it was made.
        t: u64,
        /// The edit.
        edit: Edit,
    },
    /// Edits that changed the topology's shape: the run started again
    /// from time zero with them ([`crate::engine::Simulation::rebuilt_with`]).
    #[serde(rename = "r")]
    Rebuild {
        /// Events processed when it was made.
        n: u64,
        /// Simulated time (µs) when it was made.
        t: u64,
        /// The edits.
        edits: Vec<Edit>,
    },
    /// Reset: the scenario as it stands, from time zero, with a seed.
    #[serde(rename = "s")]
    Reset {
        /// Events processed when it was made.
        n: u64,
        /// Simulated time (µs) when it was made.
        t: u64,
        /// The new run's seed.
        seed: u64,
    },
}

impl Op {
    /// Where the engine was when this happened.
    pub fn at(&self) -> At {
        match *self {
            Op::Edit { n, t, .. } | Op::Rebuild { n, t, .. } | Op::Reset { n, t, .. } => At(n, t),
        }
    }
}

/// The page's state, as a link or the autosave holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareState {
    /// The preset the run started from, by name.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Or the whole scenario it started from (imported from a file).
    #[serde(rename = "sc", default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Box<Scenario>>,
    /// The seed the run started with.
    pub seed: u64,
    /// Simulated seconds per wall second.
    #[serde(rename = "sp")]
    pub speed: f64,
    /// Paused when opened.
    #[serde(rename = "pa", default, skip_serializing_if = "std::ops::Not::not")]
    pub paused: bool,
    /// What was done since the start, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ops: Vec<Op>,
    /// Where the run is.
    pub at: At,
    /// A lesson, by id (wired by the lessons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
    /// The lesson's step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
}

/// Why a link or a saved state cannot be opened, in words for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareError(pub String);

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, ShareError> {
    Err(ShareError(msg.into()))
}

fn check_at(at: At, what: &str) -> Result<(), ShareError> {
    if at.1 > MAX_TIME {
        return err(format!(
            "{what} is at {:.1} s of simulated time; links reach at most {} s",
            at.1 as f64 / SECOND as f64,
            MAX_AT_SECONDS
        ));
    }
    Ok(())
}

fn check_name(name: &str, what: &str) -> Result<(), ShareError> {
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return err(format!("the {what} name must be 1 to {MAX_NAME_CHARS} characters"));
    }
    Ok(())
}

impl ShareState {
    /// Checks the limits that do not need the engine (the engine checks each
    /// edit when it is played back).
    pub fn check(&self) -> Result<(), ShareError> {
        match (&self.preset, &self.scenario) {
            (Some(_), Some(_)) => return err("the link names both a preset and a whole scenario; it may hold one"),
            (None, None) => return err("the link names no scenario (neither a preset nor a whole scenario)"),
            (Some(p), None) => check_name(p, "preset")?,
            (None, Some(_)) => {}
        }
        if !(self.speed.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&self.speed)) {
            return err(format!("the speed {} is outside {MIN_SPEED} to {MAX_SPEED}", self.speed));
        }
        if self.ops.len() > MAX_OPS {
            return err(format!("the link holds {} changes; at most {MAX_OPS} are read", self.ops.len()));
        }
        for (i, op) in self.ops.iter().enumerate() {
            check_at(op.at(), &format!("change {}", i + 1))?;
            if let Op::Rebuild { edits, .. } = op {
                if edits.len() > MAX_EDITS_PER_OP {
                    return err(format!(
                        "change {} holds {} edits; at most {MAX_EDITS_PER_OP} are read",
                        i + 1,
                        edits.len()
                    ));
                }
            }
        }
        check_at(self.at, "the run")?;
        if let Some(lesson) = &self.lesson {
            check_name(lesson, "lesson")?;
        }
        if self.step.is_some_and(|s| s > MAX_STEP) {
            return err(format!("the lesson step is over {MAX_STEP}"));
        }
        Ok(())
    }
}

/// `value` as JSON without whitespace, written through the same serializer
/// type as `serde_json::to_string_pretty` (the scenario export's), then
/// minified: a compact serializer would be a second copy of every
/// `Serialize` impl in the wasm.
pub fn compact_json<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let mut pretty = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut pretty, serde_json::ser::PrettyFormatter::new());
    value.serialize(&mut ser).ok()?;
    let mut out = Vec::with_capacity(pretty.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in &pretty {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            out.push(b);
            in_string = b == b'"';
        }
    }
    String::from_utf8(out).ok()
}

/// The state as link text: `v1.` then the packed JSON in base64url.
/// Refuses a state over the limits (saying which), so every link made can be opened.
pub fn encode(state: &ShareState) -> Result<String, ShareError> {
    state.check()?;
    let json = compact_json(state).ok_or_else(|| ShareError("the state could not be written".into()))?;
    if json.len() > super::share_pack::MAX_UNPACKED {
        return err("this run holds too much to fit in a link; export the scenario as a file instead");
    }
    let text = format!("v{VERSION}.{}", to_base64url(&pack(json.as_bytes())));
    if text.len() > MAX_LINK_CHARS {
        return err("this run holds too much to fit in a link; export the scenario as a file instead");
    }
    Ok(text)
}

/// Reads link text (what follows `#`, with or without the `#`). Every
/// failure names what was wrong; nothing panics.
pub fn decode(text: &str) -> Result<ShareState, ShareError> {
    let text = text.strip_prefix('#').unwrap_or(text).trim();
    if text.is_empty() {
        return err("the link holds no state");
    }
    if text.len() > MAX_LINK_CHARS {
        return err(format!("the link is {} characters long; at most {MAX_LINK_CHARS} are read", text.len()));
    }
    let Some((version, body)) = text.strip_prefix('v').and_then(|rest| rest.split_once('.')) else {
        return err("the link's state does not start with a version (like \"v2.\"): it may be cut or from elsewhere");
    };
    let Ok(version) = version.parse::<u32>() else {
        return err(format!("the link's version \"{}\" is not a number", version.chars().take(12).collect::<String>()));
    };
    if version > VERSION {
        return err(format!(
            "the link was made by a newer Patchbay (format {version}); this one reads format {VERSION}. Reload the page to get the latest"
        ));
    }
    if version == 0 {
        return err(format!(
            "the link uses format {version}, from before share links were released; this Patchbay reads formats 1 to {VERSION}"
        ));
    }
    let bytes = from_base64url(body).map_err(|(i, ch)| {
        ShareError(format!("the link has a character that does not belong in it ({ch:?} at {i})"))
    })?;
    let dictionary = if version == 1 { DICTIONARY_V1 } else { DICTIONARY };
    let json = unpack_with(&bytes, dictionary).map_err(|e| ShareError(e.to_string()))?;
    let json = String::from_utf8(json).map_err(|_| ShareError("the link's data is not text (damaged?)".into()))?;
    let json = if version == 1 {
        super::share_wire::upgrade_v1(&json)
            .map_err(|e| ShareError(format!("the link's state could not be read: {e}")))?
    } else {
        json
    };
    let state: ShareState =
        serde_json::from_str(&json).map_err(|e| ShareError(format!("the link's state could not be read: {e}")))?;
    state.check()?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> ShareState {
        ShareState {
            preset: Some("seven".into()),
            scenario: None,
            seed: 42,
            speed: 0.1,
            paused: true,
            ops: vec![],
            at: At(0, 0),
            lesson: None,
            step: None,
        }
    }

    #[test]
    fn round_trips_a_plain_state() {
        let s = state();
        assert_eq!(decode(&encode(&s).unwrap()), Ok(s));
    }

    #[test]
    fn names_bad_speed_and_time() {
        let mut s = state();
        s.speed = f64::NAN;
        assert!(encode(&s).unwrap_err().0.contains("speed"));
        let mut s = state();
        s.at = At(0, MAX_TIME + 1);
        assert!(encode(&s).unwrap_err().0.contains("simulated time"));
    }
}
