//! JSON-lines output of a trace: a header naming what the indices in the
//! events mean, then one event per line.

use std::io::Write;

use serde::Serialize;

use crate::engine::event::Event;
use crate::engine::scenario::Scenario;

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
