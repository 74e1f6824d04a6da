//! The bytes of a share link: a small LZ77 compressor whose window starts
//! primed with a dictionary of the words share links are made of, and
//! base64url text. Both directions are pure, bounded and never panic on any
//! input (`tests/share.rs` fuzzes the decoder).
//!
//! Why our own LZ77 rather than deflate: a share link is a few hundred
//! bytes of JSON that repeats its own keys and the engine's words. A
//! deflate crate (miniz_oxide) costs tens of KB of wasm for both
//! directions, and the browser's `CompressionStream` is asynchronous (the
//! page would open a link a task later) and untestable natively. This
//! coder is about 150 lines, and the primed dictionary matters more than
//! entropy coding for payloads this short (docs/share.md has the lengths).
//!
//! Stream format: the decompressed length as a LEB128 varint, then tokens.
//! A token byte `c < 0x80` is followed by `c + 1` literal bytes; `c >= 0x80`
//! is a match of `(c & 0x7f) + 3` bytes copied from `offset` bytes back in
//! the dictionary followed by the output so far, with `offset` a varint.

/// Most bytes a link may decompress to.
pub const MAX_UNPACKED: usize = 1024 * 1024;

const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 0x7f + MIN_MATCH;
const MAX_LITERALS: usize = 0x80;
const HASH_BITS: u32 = 13;
const MAX_CHAIN: usize = 48;

/// Words share links repeat: the keys of the state, of edits and of
/// scenarios, and the engine's common values. Changing this string changes
/// what every link decodes to, so it belongs to the format's version: this
/// is format 2's, with the edits in the engine's own form (`"type":…`).
pub const DICTIONARY: &str = concat!(
    "{\"sc\":{\"version\":1,\"name\":\"\",\"description\":\"\",\"seed\":7,\"nodes\":[{\"id\":\"\",\"label\":\"\",\"position\":{\"x\":0.0,\"y\":0.0},",
    "\"kind\":{\"type\":\"service\",\"replicas\":1,\"concurrency\":4,\"backlog\":100,\"processing\":{\"type\":\"log_normal\",\"median_ms\":10.0,\"sigma\":0.3},\"error_rate\":0.0,\"restart_ms\":1000.0}},",
    "\"kind\":{\"type\":\"queue\",\"visibility_timeout_ms\":30000.0,\"max_receive_count\":null}},{\"type\":\"exponential\",\"mean_ms\":20.0}",
    "\"links\":[{\"id\":\"\",\"from\":\"\",\"to\":\"\",\"latency\":{\"type\":\"constant\",\"ms\":1.0},\"transport\":{\"type\":\"request_response\",\"timeout_ms\":1000.0,",
    "\"retry\":{\"max_attempts\":3,\"backoff\":{\"base_ms\":100.0,\"cap_ms\":1000.0,\"jitter\":\"full\"}},\"breaker\":null,\"fallback\":null}},",
    "\"transport\":{\"type\":\"enqueue\"}},\"transport\":{\"type\":\"consume\",\"prefetch\":1,\"idempotent\":false}},\"transport\":{\"type\":\"publish\"",
    "\"sources\":[{\"id\":\"orders\",\"target\":\"\",\"arrival\":{\"type\":\"poisson\",\"rate_per_s\":10.0},\"start_ms\":0.0,\"stop_ms\":null,\"budget_ms\":200.0}],",
    "\"faults\":[{\"target\":\"\",\"at_ms\":0.0,\"until_ms\":null,\"effect\":{\"type\":\"poison\",\"probability\":1.0,\"count\":3}}]},",
    "\"client\",\"topic\",\"log\",\"gateway\",\"job\",\"orchestrator\",\"order-api\",\"payments\",\"inventory\",\"shipping\",\"notifications\",\"checkout\",\"cascade\",",
    "\"extra_latency\",\"error_rate\",\"rate\":\"hang\",\"partition\",\"factor\":100.0,",
    "{\"type\":\"remove_node\",\"node\":\"{\"type\":\"remove_link\",\"link\":\"{\"type\":\"restore\",\"nodes\":[",
    "{\"type\":\"set_service\",\"node\":\"\",\"spec\":{{\"type\":\"set_queue\",\"node\":\"{\"type\":\"set_transport\",\"link\":\"",
    "{\"type\":\"set_topic\",\"node\":\"{\"type\":\"set_job\",\"node\":\"{\"type\":\"set_latency\",\"link\":\"{\"type\":\"set_log\",\"node\":\"",
    "{\"type\":\"set_gateway\",\"node\":\"{\"type\":\"rename_node\",\"node\":\"\",\"label\":\"{\"type\":\"reset_group\",\"link\":\"",
    "{\"type\":\"remove_subscription\",\"link\":\"{\"type\":\"add_link\",\"link\":{\"id\":\"\",\"from\":\"\",\"to\":\"\",",
    "{\"type\":\"set_monitor\",\"target\":\"\",\"on\":true}},\"monitors\":[\"",
    "{\"r\":{\"n\":0,\"t\":0,\"edits\":[{\"type\":\"add_node\",\"node\":{\"id\":\"\",\"label\":\"\",{\"s\":{\"n\":0,\"t\":0,\"seed\":",
    "{\"e\":{\"n\":0,\"t\":0,\"edit\":{\"type\":\"clear_fault\",\"index\":0}}},",
    "{\"e\":{\"n\":0,\"t\":0,\"edit\":{\"type\":\"move_node\",\"node\":\"\",\"position\":{\"x\":0.0,\"y\":0.0}}}},",
    "{\"e\":{\"n\":0,\"t\":0,\"edit\":{\"type\":\"apply_fault\",\"fault\":{\"target\":\"\",\"at_ms\":0.0,\"until_ms\":null,\"effect\":{\"type\":\"slow\",\"factor\":10.0}}}}},",
    "\"lesson\":\"\",\"step\":1}{\"p\":\"seven\",\"seed\":7,\"sp\":0.5,\"pa\":true,\"ops\":[",
    "{\"p\":\"seven\",\"seed\":42,\"sp\":0.1,\"pa\":true,\"at\":[0,0],\"ops\":[",
);

/// Format 1's dictionary (edits externally tagged, `{"move_node":{…}}`):
/// kept so links made before format 2 still open.
pub const DICTIONARY_V1: &str = concat!(
    "{\"p\":\"seven\",\"seed\":42,\"sp\":0.1,\"pa\":true,\"at\":[0,0],\"ops\":[",
    "{\"e\":{\"n\":0,\"t\":0,\"edit\":{\"apply_fault\":{\"fault\":{\"target\":\"",
    "\",\"at_ms\":0.0,\"until_ms\":null,\"effect\":{\"kind\":\"crash\"}}}}},",
    "{\"e\":{\"edit\":{\"move_node\":{\"node\":\"\",\"position\":{\"x\":0.0,\"y\":0.0}}}}},",
    "{\"r\":{\"edits\":[{\"add_node\":{\"node\":{\"id\":\"\",\"label\":\"\",\"kind\":{\"type\":\"service\",",
    "\"replicas\":1,\"concurrency\":4,\"backlog\":100,\"processing\":{\"dist\":\"lognormal\",\"median_ms\":",
    "\"p99_ms\":,\"error_rate\":0.0,\"restart_ms\":}}},{\"add_link\":{\"link\":{\"id\":\"\",\"from\":\"\",\"to\":\"\",",
    "\"latency\":{\"dist\":\"constant\",\"ms\":1.0},\"transport\":{\"type\":\"request_response\",\"timeout_ms\":,",
    "\"retry\":{\"max_attempts\":3,\"backoff\":\"base_ms\":,\"cap_ms\":,\"jitter\":\"full\"},\"breaker\":null,\"fallback\":null}",
    "\"remove_node\":{\"remove_link\":{\"restore\":{\"set_service\":{\"spec\":{\"set_queue\":{\"set_transport\":{",
    "\"set_topic\":{\"set_job\":{\"clear_fault\":{\"index\":\"rename_node\":{\"s\":{\"seed\":",
    "\"visibility_timeout_ms\":\"max_receive_count\":\"dlq\":\"prefetch\":\"idempotent\":false,",
    "\"slow\",\"factor\":100.0,\"extra_latency\",\"error_rate\",\"rate\":\"hang\",\"poison\",\"count\":",
    "\"partition\",\"client\",\"service\",\"queue\",\"topic\",\"log\",\"gateway\",\"job\",\"orders\",",
    "\"payments\",\"inventory\",\"shipping\",\"notifications\",\"checkout\",\"cascade\"}]}"
);

/// Why packed bytes could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnpackError {
    /// The stream ends inside a token or before its stated length.
    CutShort,
    /// The stated length is over [`MAX_UNPACKED`].
    TooLarge(usize),
    /// A back-reference points before the dictionary or is zero.
    BadReference {
        /// Where in the stream (byte index).
        at: usize,
    },
    /// Bytes after the stated length was reached.
    TrailingBytes,
}

impl std::fmt::Display for UnpackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnpackError::CutShort => write!(f, "the link's data ends too soon (was the link cut off?)"),
            UnpackError::TooLarge(n) => write!(f, "the link unpacks to {n} bytes; at most {MAX_UNPACKED} are read"),
            UnpackError::BadReference { at } => write!(f, "the link's data is damaged (a bad reference at byte {at})"),
            UnpackError::TrailingBytes => write!(f, "the link's data has extra bytes at its end"),
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], pos: &mut usize) -> Result<usize, UnpackError> {
    let mut v: usize = 0;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(*pos).ok_or(UnpackError::CutShort)?;
        *pos += 1;
        v |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(UnpackError::BadReference { at: *pos })
}

fn hash3(b: &[u8]) -> usize {
    let v = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    (v.wrapping_mul(0x9e37_79b1) >> (32 - HASH_BITS)) as usize
}

fn flush_literals(out: &mut Vec<u8>, lits: &[u8]) {
    for chunk in lits.chunks(MAX_LITERALS) {
        out.push((chunk.len() - 1) as u8);
        out.extend_from_slice(chunk);
    }
}

/// Compresses `data` (greedy LZ77 over the dictionary and the data, hash chains).
pub fn pack(data: &[u8]) -> Vec<u8> {
    pack_with(data, DICTIONARY)
}

/// Compresses `data` against `dictionary` (what an older format's links
/// were packed against; the tests make such links).
pub fn pack_with(data: &[u8], dictionary: &str) -> Vec<u8> {
    let dict = dictionary.as_bytes();
    let mut all = Vec::with_capacity(dict.len() + data.len());
    all.extend_from_slice(dict);
    all.extend_from_slice(data);
    let mut head = vec![u32::MAX; 1 << HASH_BITS];
    let mut prev = vec![u32::MAX; all.len()];
    let insert = |i: usize, head: &mut Vec<u32>, prev: &mut Vec<u32>| {
        if i + MIN_MATCH <= all.len() {
            let h = hash3(&all[i..]);
            prev[i] = head[h];
            head[h] = i as u32;
        }
    };
    for i in 0..dict.len() {
        insert(i, &mut head, &mut prev);
    }
    let mut out = Vec::new();
    put_varint(&mut out, data.len());
    let mut lit_start = dict.len();
    let mut i = dict.len();
    while i < all.len() {
        let (mut best_len, mut best_at) = (0, 0);
        if i + MIN_MATCH <= all.len() {
            let mut cand = head[hash3(&all[i..])];
            let mut chain = 0;
            while cand != u32::MAX && chain < MAX_CHAIN {
                let c = cand as usize;
                let max = (all.len() - i).min(MAX_MATCH);
                let len = (0..max).take_while(|&k| all[c + k] == all[i + k]).count();
                if len > best_len {
                    (best_len, best_at) = (len, c);
                }
                cand = prev[c];
                chain += 1;
            }
        }
        if best_len >= MIN_MATCH {
            flush_literals(&mut out, &all[lit_start..i]);
            out.push(0x80 | (best_len - MIN_MATCH) as u8);
            put_varint(&mut out, i - best_at);
            for k in i..i + best_len {
                insert(k, &mut head, &mut prev);
            }
            i += best_len;
            lit_start = i;
        } else {
            insert(i, &mut head, &mut prev);
            i += 1;
        }
    }
    flush_literals(&mut out, &all[lit_start..]);
    out
}

/// Decompresses what [`pack`] made. Any other input is an error, never a panic.
pub fn unpack(bytes: &[u8]) -> Result<Vec<u8>, UnpackError> {
    unpack_with(bytes, DICTIONARY)
}

/// Decompresses bytes packed against `dictionary` (an older format's).
pub fn unpack_with(bytes: &[u8], dictionary: &str) -> Result<Vec<u8>, UnpackError> {
    let mut pos = 0;
    let len = get_varint(bytes, &mut pos)?;
    if len > MAX_UNPACKED {
        return Err(UnpackError::TooLarge(len));
    }
    let dict = dictionary.as_bytes();
    let mut all = Vec::with_capacity(dict.len() + len);
    all.extend_from_slice(dict);
    let end = dict.len() + len;
    while all.len() < end {
        let at = pos;
        let c = *bytes.get(pos).ok_or(UnpackError::CutShort)?;
        pos += 1;
        if c < 0x80 {
            let n = usize::from(c) + 1;
            let lits = bytes.get(pos..pos + n).ok_or(UnpackError::CutShort)?;
            if all.len() + n > end {
                return Err(UnpackError::BadReference { at });
            }
            all.extend_from_slice(lits);
            pos += n;
        } else {
            let n = usize::from(c & 0x7f) + MIN_MATCH;
            let offset = get_varint(bytes, &mut pos)?;
            if offset == 0 || offset > all.len() || all.len() + n > end {
                return Err(UnpackError::BadReference { at });
            }
            let from = all.len() - offset;
            // Byte by byte: a match may overlap what it is writing (a run).
            for k in 0..n {
                let b = all[from + k];
                all.push(b);
            }
        }
    }
    if pos != bytes.len() {
        return Err(UnpackError::TrailingBytes);
    }
    Ok(all.split_off(dict.len()))
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Bytes as base64url without padding (safe in a URL fragment as is).
pub fn to_base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(ALPHABET[(v >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
    out
}

/// Base64url text (no padding) as bytes, or the first character that is
/// not base64url, with its position.
pub fn from_base64url(text: &str) -> Result<Vec<u8>, (usize, char)> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, ch) in text.chars().enumerate() {
        let v = match ch {
            'A'..='Z' => ch as u32 - 'A' as u32,
            'a'..='z' => ch as u32 - 'a' as u32 + 26,
            '0'..='9' => ch as u32 - '0' as u32 + 52,
            '-' => 62,
            '_' => 63,
            _ => return Err((i, ch)),
        };
        acc = (acc << 6 | v) & 0xff_ffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_and_unpacks() {
        for text in ["", "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa", DICTIONARY, "{\"p\":\"cascade\",\"seed\":7}"] {
            let packed = pack(text.as_bytes());
            assert_eq!(unpack(&packed).as_deref(), Ok(text.as_bytes()));
        }
        assert!(pack(DICTIONARY.as_bytes()).len() < DICTIONARY.len() / 20, "the dictionary packs to a few matches");
    }

    #[test]
    fn base64url_round_trips() {
        for n in 0..20u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(from_base64url(&to_base64url(&bytes)), Ok(bytes));
        }
        assert_eq!(from_base64url("ab=c"), Err((2, '=')));
    }
}
