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
