//! Numbers as text: those in the page's URL (`?speed=0.5&at=12`), read as
//! Rust reads an `f64` without linking Rust's float parser (its code and
//! tables are about 17 KB of the release wasm, and the browser already has
//! one), and numbers written for people with their thousands grouped.

/// `text` (a decimal number as Rust writes it, e.g. `-12345.5`) with the
/// digits before the point grouped in threes: `-12,345.5`.
pub fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.split_at(usize::from(text.starts_with('-')));
    let point = rest.find('.').unwrap_or(rest.len());
    let (whole, tail) = rest.split_at(point);
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out + tail
}

/// True when `text` is a decimal number in the grammar of `f64::from_str`
/// (`[+-]? (digits | digits '.' digits? | '.' digits) ([eE] [+-]? digits)?`),
/// that is everything `text.parse::<f64>()` accepts except `inf`, `infinity`
/// and `nan`. The grammar is also JavaScript's for decimal strings, so for
/// these texts `Number(text)` gives what `text.parse::<f64>()` gives (both
/// round correctly to the nearest double).
pub fn is_decimal_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut mantissa = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the grammar should say: Rust parses the text, and not as one of its words.
    fn rust_reads_digits(s: &str) -> bool {
        let word = ["inf", "infinity", "nan"].contains(&s.trim_start_matches(['+', '-']).to_ascii_lowercase().as_str());
        s.parse::<f64>().is_ok() && !word
    }

    #[test]
    fn thousands_are_grouped_before_the_point_only() {
        assert_eq!(group_thousands("0"), "0");
        assert_eq!(group_thousands("999"), "999");
        assert_eq!(group_thousands("1000"), "1,000");
        assert_eq!(group_thousands("12345"), "12,345");
        assert_eq!(group_thousands("123456"), "123,456");
        assert_eq!(group_thousands("4294967295"), "4,294,967,295");
        assert_eq!(group_thousands("-123"), "-123");
        assert_eq!(group_thousands("-1234.5678"), "-1,234.5678");
        assert_eq!(group_thousands("0.001"), "0.001");
    }

    #[test]
    fn accepts_exactly_what_rust_parses_to_a_number() {
        let samples = [
            "",
            "+",
            "-",
            ".",
            "e",
            "1",
            "-1",
            "+1",
            "1.",
            ".5",
            "-.5",
            "+.5e3",
            "1.5",
            "01.50",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1e",
            "1e+",
            "1.e2",
            ".e2",
            "e2",
            "1..2",
            "1.2.3",
            " 1",
            "1 ",
            "1_000",
            "0x10",
            "inf",
            "-inf",
            "Infinity",
            "infinity",
            "NaN",
            "nan",
            "1e400",
            "-1e-400",
            "0",
            "-0",
            "١",
            "1e5x",
            "12",
            "3600",
            "0.000000000000000000000000000001",
            "179769313486231570000000000000000000000000000000000000000000000000000",
        ];
        for s in samples {
            assert_eq!(is_decimal_number(s), rust_reads_digits(s), "{s:?}");
        }
    }

    #[test]
    fn every_short_text_over_the_grammar_alphabet_agrees_with_rust() {
        // All texts of up to 4 characters over the characters that matter.
        let alphabet = ['1', '0', '.', 'e', 'E', '+', '-', 'i', 'n', ' '];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}"))).collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        for s in &texts {
            assert_eq!(is_decimal_number(s), rust_reads_digits(s), "{s:?}");
        }
    }
}
