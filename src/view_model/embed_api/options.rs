//! What an embedded page's URL asks for: the controls shown, autoplay, the
//! theme and the origins allowed to send commands.

use super::{CONTROL_NAMES, DEFAULT_CONTROLS, MAX_ORIGINS};

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
    /// `origin=`: the embedding pages allowed to talk to this one (see [`EmbedOptions::restricted`]).
    pub origins: Vec<String>,
    /// True when `origin=` named anything at all: then only `origins` may
    /// talk to the page, and none when every entry was malformed (a list
    /// the author meant as a restriction never opens the page to all).
    pub restricted: bool,
    /// A sentence per value the page could not use as written (`theme=neon`,
    /// `embed=2`, an unknown control's name), with what it did instead: the
    /// page says them under the run controls like `?speed=abc`'s.
    pub notes: Vec<String>,
}

impl EmbedOptions {
    /// Reads the options through `param` (a URL query lookup).
    pub fn from_params(param: impl Fn(&str) -> Option<String>) -> EmbedOptions {
        let mut notes = Vec::new();
        let embed_raw = param("embed");
        let embed = embed_raw.as_deref() == Some("1");
        if let Some(raw) = embed_raw.as_deref().filter(|r| !matches!(*r, "1" | "0")) {
            notes.push(not_used("embed", raw, "1 or 0", "the page opens in full"));
        }
        let controls = match param("controls") {
            Some(list) => {
                let asked: Vec<&str> = list.split(',').map(str::trim).collect();
                let used: Vec<&'static str> = CONTROL_NAMES.iter().copied().filter(|c| asked.contains(c)).collect();
                // Empty names (`controls=` or a stray comma) ask for nothing; a word we do not know is a typo to say.
                let unknown: Vec<String> =
                    asked.iter().filter(|a| !a.is_empty() && !CONTROL_NAMES.contains(a)).map(|a| shown(a)).collect();
                // Controls only show in embed mode: outside it, the page has them all, whatever the list says.
                if !embed {
                    notes.push(format!(
                        "?controls={} only applies with ?embed=1, so every control is shown.",
                        shown(&list)
                    ));
                } else if !unknown.is_empty() {
                    notes.push(unknown_controls_note(&list, &unknown, &used));
                }
                used
            }
            None => DEFAULT_CONTROLS.to_vec(),
        };
        let theme = match param("theme") {
            Some(raw) => {
                let theme = Theme::parse(&raw);
                if theme == Theme::Auto && raw != "auto" {
                    notes.push(not_used("theme", &raw, "light, dark or auto", "the colours follow your system's"));
                }
                theme
            }
            None => Theme::Auto,
        };
        let autoplay_raw = param("autoplay");
        if let Some(raw) = autoplay_raw.as_deref().filter(|r| !matches!(*r, "1" | "0")) {
            let instead = if embed { "the run starts paused" } else { "the run plays as usual" };
            notes.push(not_used("autoplay", raw, "1 or 0", instead));
        }
        let (origins, restricted) = match param("origin") {
            Some(list) => {
                let origins = parse_origins(&list);
                let dropped: Vec<String> =
                    list.split(',').map(str::trim).filter(|o| !o.is_empty() && !is_origin(o)).map(shown).collect();
                if !dropped.is_empty() {
                    notes.push(origins_note(&dropped, &origins));
                }
                (origins, list.split(',').any(|o| !o.trim().is_empty()))
            }
            None => (Vec::new(), false),
        };
        let autoplay = autoplay_raw.as_deref() == Some("1");
        EmbedOptions { embed, controls, autoplay, theme, origins, restricted, notes }
    }

    /// The controls as the space-separated list CSS matches with `~=`.
    pub fn controls_attr(&self) -> String {
        self.controls.join(" ")
    }

    /// True when a message from `origin` may be read.
    pub fn allows(&self, origin: &str) -> bool {
        !self.restricted || self.origins.iter().any(|o| o == origin)
    }

    /// The target origins events are posted to: each allowed origin (the
    /// browser delivers only to the one the parent really has), `*` when no
    /// list was given, none when a list was given and nothing in it was an origin.
    pub fn targets(&self) -> Vec<String> {
        if self.restricted {
            self.origins.clone()
        } else {
            vec!["*".to_string()]
        }
    }
}

/// A value from the URL as a note quotes it: at most 40 characters.
fn shown(raw: &str) -> String {
    raw.chars().take(40).collect()
}

/// "?embed=2 is not 1 or 0, so the page opens in full."
fn not_used(param: &str, raw: &str, expected: &str, instead: &str) -> String {
    format!("?{param}={} is not {expected}, so {instead}.", shown(raw))
}

/// "?controls=play,xyz: the page has no control called xyz, so the controls shown are: play."
fn unknown_controls_note(list: &str, unknown: &[String], used: &[&str]) -> String {
    let shows = if used.is_empty() { "none".to_string() } else { used.join(", ") };
    format!(
        "?controls={}: the page has no control called {}, so the controls shown are: {shows}.",
        shown(list),
        unknown.join(" or ")
    )
}

/// "?origin=: ftp://x is not an origin such as https://example.com, so it is
/// left out; commands are read from https://a.example." When nothing is
/// left, the page reads commands from no page, and says so.
fn origins_note(dropped: &[String], kept: &[String]) -> String {
    let from = if kept.is_empty() { "no page".to_string() } else { kept.join(", ") };
    let (what, it) = if dropped.len() == 1 { ("is not an origin", "it is") } else { ("are not origins", "they are") };
    format!(
        "?origin=: {} {what} such as https://example.com, so {it} left out; commands are read from {from}.",
        dropped.join(" and ")
    )
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
