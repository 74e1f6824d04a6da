//! The JSON path of a place in a text ("$.nodes[1].kind.replicas"), for a
//! parse error that serde places by line and column. The page parses
//! without path tracking (`serde_path_to_error` would add a copy of every
//! reader to the wasm), so it finds the path afterwards by scanning the
//! text up to the error: the keys and indices of the containers open
//! there, and the key whose value was being read.

/// One open container.
enum Frame {
    /// An object, with its latest key (once read).
    Object(Option<String>),
    /// An array, with the index of the element being read.
    Array(usize),
}

/// The path at `line` and `column` (1-based, the column in bytes, as
/// serde_json counts) of `text`, without its `$` ("nodes[1].kind", "" for
/// the top); `None` when the place is not in the text.
pub fn path_at(text: &str, line: usize, column: usize) -> Option<String> {
    let offset = offset_of(text, line, column)?;
    let mut stack: Vec<Frame> = Vec::new();
    let mut chars = text.char_indices().peekable();
    // In an object, the next string is a key until its ':'.
    let mut expect_key = false;
    while let Some((at, c)) = chars.next() {
        if at >= offset {
            break;
        }
        match c {
            '{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            '[' => {
                stack.push(Frame::Array(0));
                expect_key = false;
            }
            '}' | ']' => {
                stack.pop();
                expect_key = false;
            }
            ',' => match stack.last_mut() {
                Some(Frame::Array(i)) => *i += 1,
                Some(Frame::Object(_)) => expect_key = true,
                None => {}
            },
            ':' => expect_key = false,
            '"' => {
                let mut s = String::new();
                while let Some((_, d)) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            chars.next();
                        }
                        _ => s.push(d),
                    }
                }
                if expect_key {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        *key = Some(s);
                    }
                }
            }
            _ => {}
        }
    }
    // serde_path_to_error's form ("nodes[1].kind"), as `refine_tagged` and `json_path` take it.
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(i) => path.push_str(&format!("[{i}]")),
        }
    }
    Some(path)
}

/// Where scanning stops for a 1-based line and column: just after the
/// column's byte (serde_json counts columns in bytes and places an error on
/// the last byte it read, the end of the value it could not take).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)? };
    (start <= text.len()).then(|| (start + column).min(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The place serde_json gives for an error in `text`, and the path there.
    fn at_error<T: serde::de::DeserializeOwned>(text: &str) -> Option<String> {
        let e = serde_json::from_str::<T>(text).err()?;
        path_at(text, e.line(), e.column()).map(|p| crate::engine::parse::json_path(&p))
    }

    #[test]
    fn names_the_field_of_a_type_error() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Kind {
            replicas: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Node {
            id: String,
            kind: Kind,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            nodes: Vec<Node>,
        }
        let text = r#"{"nodes": [{"id": "a", "kind": {"replicas": 1}}, {"id": "b\"[{", "kind": {"replicas": "two"}}]}"#;
        assert_eq!(at_error::<Doc>(text).as_deref(), Some("$.nodes[1].kind.replicas"));
        let lines = "{\n  \"nodes\": [\n    {\"id\": \"a\", \"kind\": {\"replicas\": -1}}\n  ]\n}";
        assert_eq!(at_error::<Doc>(lines).as_deref(), Some("$.nodes[0].kind.replicas"));
        assert_eq!(path_at("{}", 9, 1), None, "a place past the text");
        assert_eq!(path_at("", 1, 1).as_deref(), Some(""));
    }
}
