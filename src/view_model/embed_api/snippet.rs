//! The Embed dialog's iframe snippet and the URL inside it.

use super::Theme;

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
    /// The seed to run on, when not the scenario's own (`?seed=`).
    pub seed: Option<u64>,
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
    if let Some(seed) = c.seed {
        url.push_str("&seed=");
        url.push_str(&seed.to_string());
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
