//! Traces: a hash of the event stream (for golden tests and replay checks)
//! and JSON-lines output.

use std::io::Write;

use serde::Serialize;

use super::event::{Event, EventKind};
use super::scenario::Scenario;
use super::time::Micros;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over each event's JSON line: equal hashes mean equal streams.
#[derive(Clone, Debug)]
pub struct TraceHasher {
    state: u64,
    buf: Vec<u8>,
}

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher { state: FNV_OFFSET, buf: Vec::with_capacity(256) }
    }
}

#[derive(Serialize)]
struct EventRef<'a> {
    t: Micros,
    #[serde(flatten)]
    kind: &'a EventKind,
}

impl TraceHasher {
    /// Adds one event.
    pub fn write(&mut self, t: Micros, kind: &EventKind) {
        self.buf.clear();
        if serde_json::to_writer(&mut self.buf, &EventRef { t, kind }).is_err() {
            return;
        }
        self.buf.push(b'\n');
        for b in &self.buf {
            self.state ^= u64::from(*b);
            self.state = self.state.wrapping_mul(FNV_PRIME);
        }
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.state
    }
}

/// The first line of a JSON-lines trace: what the indices in events mean.
#[derive(Serialize)]
pub struct TraceHeader<'a> {
    /// Always "patchbay-trace".
    pub trace: &'static str,
    /// The scenario's name.
    pub scenario: &'a str,
    /// The seed of the run.
    pub seed: u64,
    /// Node ids by index.
    pub nodes: Vec<&'a str>,
    /// Link ids by index.
    pub links: Vec<&'a str>,
}

impl<'a> TraceHeader<'a> {
    /// The header for a run of `s` with `seed`.
    pub fn new(s: &'a Scenario, seed: u64) -> Self {
        TraceHeader {
            trace: "patchbay-trace",
            scenario: &s.name,
            seed,
            nodes: s.nodes.iter().map(|n| n.id.as_str()).collect(),
            links: s.links.iter().map(|l| l.id.as_str()).collect(),
        }
    }
}

/// Writes events as JSON lines.
pub fn write_events(out: &mut impl Write, events: &[Event]) -> std::io::Result<()> {
    for e in events {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
