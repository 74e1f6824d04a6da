//! The scenario's story on the page: its description split into a lead
//! (always shown, one sentence) and the rest (behind "More").

/// The lead sentence and the rest of a scenario description, both trimmed.
/// The lead ends at the first full stop that is followed by a space and a
/// capital letter or digit, so "e.g. a queue" or "2.5 s" do not end it.
pub fn split_story(description: &str) -> (&str, &str) {
    let text = description.trim();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(". ") {
        let next = bytes.get(i + 2).copied().unwrap_or(b' ');
        if next.is_ascii_uppercase() || next.is_ascii_digit() {
            return (text[..=i].trim(), text[i + 1..].trim());
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_is_the_first_sentence() {
        let (lead, rest) = split_story("A slow Pricing service. Callers wait. Then they time out.");
        assert_eq!(lead, "A slow Pricing service.");
        assert_eq!(rest, "Callers wait. Then they time out.");
    }

    #[test]
    fn abbreviations_and_decimals_do_not_end_the_lead() {
        let (lead, rest) = split_story("Arrivals at 2.5 s, e.g. bursts, hit the queue. 10 s later it drains.");
        assert_eq!(lead, "Arrivals at 2.5 s, e.g. bursts, hit the queue.");
        assert_eq!(rest, "10 s later it drains.");
    }

    #[test]
    fn one_sentence_or_none() {
        assert_eq!(split_story("  Just one.  "), ("Just one.", ""));
        assert_eq!(split_story(""), ("", ""));
        assert_eq!(split_story("No stop at all"), ("No stop at all", ""));
        // Only ASCII capitals start a sentence (the scenarios are English, and
        // Unicode case tables would cost download size); multi-byte text
        // around the stop is split on a character boundary.
        assert_eq!(split_story("Café ok. Über alles."), ("Café ok. Über alles.", ""));
        assert_eq!(split_story("Café ok. Zoë too."), ("Café ok.", "Zoë too."));
    }
}
