//! Checking scenarios: every semantic rule (ids, lengths, durations, counts,
//! endpoints, synchronous cycles and fan-out), reported with its JSON path
//! and reason; each pattern's own rules live in `patterns/`. Nothing here
//! panics, whatever the input. Reading the text is `parse.rs`.

use std::collections::{BTreeMap, BTreeSet};

use super::error::ScenarioError;
use super::limits::*;
use super::patterns;
use super::scenario::*;
use super::time::ms_to_micros;

mod call_graph;
mod faults;

use call_graph::{check_sync_cycles, check_sync_fan_out};
use faults::check_faults;
pub use faults::validate_fault;

/// Checks a scenario and lists every problem found.
pub fn validate(s: &Scenario) -> Result<(), Vec<ScenarioError>> {
    let mut v = Problems::default();
    if s.version != FORMAT_VERSION {
        v.add("$.version", format!("unsupported version {}; this engine reads version {FORMAT_VERSION}", s.version));
    }
    if s.nodes.is_empty() {
        v.add("$.nodes", "a scenario needs at least one node");
    }
    check_text(&s.name, "$.name", MAX_LABEL_CHARS, &mut v);
    check_text(&s.description, "$.description", MAX_DESCRIPTION_CHARS, &mut v);
    let mut oversized = false;
    for (list, len, max) in [
        ("nodes", s.nodes.len(), MAX_NODES),
        ("links", s.links.len(), MAX_LINKS),
        ("sources", s.sources.len(), MAX_SOURCES),
        ("faults", s.faults.len(), MAX_FAULTS),
    ] {
        if len > max {
            v.add(format!("$.{list}"), format!("has {len} entries; at most {max} are allowed"));
            oversized = true;
        }
    }
    if oversized {
        // Oversized lists are not checked item by item: that work is what the limit prevents.
        return v.finish();
    }
    let nodes = check_nodes(s, &mut v);
    let links = check_links(s, &nodes, &mut v);
    patterns::saga::check_steps(s, &mut v);
    if check_sync_cycles(s, &nodes, &mut v) {
        check_sync_fan_out(s, &nodes, &mut v);
    }
    check_sources(s, &nodes, &mut v);
    check_faults(s, &nodes, &links, &mut v);
    check_monitors(s, &nodes, &links, &mut v);
    v.finish()
}

/// The map `items.collect()` would build (a later duplicate key wins), one
/// `insert` at a time: `collect` sorts first, and every key and value type
/// would add its own copy of the sort to the web app's wasm.
fn map_of<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in items {
        map.insert(k, v);
    }
    map
}

#[derive(Default)]
struct Problems(Vec<ScenarioError>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.0.push(ScenarioError::new(path, reason));
    }
    fn finish(self) -> Result<(), Vec<ScenarioError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

fn check_id(id: &str, path: &str, v: &mut Problems) {
    let chars = id.chars().count();
    if id.is_empty() {
        v.add(path, "must not be empty");
    } else if chars > MAX_ID_CHARS {
        v.add(path, format!("has {chars} characters; at most {MAX_ID_CHARS} are allowed"));
    }
}

fn check_text(text: &str, path: &str, max: usize, v: &mut Problems) {
    let chars = text.chars().count();
    if chars > max {
        v.add(path, format!("has {chars} characters; at most {max} are allowed"));
    }
    // Bidirectional embeddings, overrides and isolates reorder the text
    // after them on the stage and in every list: a label could be made to
    // read as another (a known spoofing trick). Right-to-left scripts need
    // none of them; the browser orders such text by itself.
    if let Some(c) = text.chars().find(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')) {
        v.add(
            path,
            format!(
                "contains the bidirectional control character U+{:04X}, which reorders how the text is shown; write the text in its own order",
                u32::from(c)
            ),
        );
    }
}

/// Why a duration in ms is unusable, if it is. Zero is allowed only where
/// `zero_ok`; any other value must survive rounding to whole microseconds.
pub(crate) fn duration_problem(ms: f64, zero_ok: bool) -> Option<String> {
    if !ms.is_finite() || ms < 0.0 {
        return Some("must be a finite number ≥ 0".into());
    }
    if ms > MAX_DURATION_MS {
        return Some(format!("must be at most {MAX_DURATION_MS:e} ms"));
    }
    if ms == 0.0 {
        return (!zero_ok).then(|| format!("must be at least {MIN_DURATION_MS} ms (1 µs)"));
    }
    if ms_to_micros(ms) == 0 {
        let zero = if zero_ok { "0, or " } else { "" };
        return Some(format!(
            "must be {zero}at least {MIN_DURATION_MS} ms (1 µs): the clock counts whole microseconds"
        ));
    }
    None
}

pub(crate) fn check_duration(ms: f64, path: impl Into<String>, zero_ok: bool, v: &mut impl ProblemSink) {
    if let Some(reason) = duration_problem(ms, zero_ok) {
        v.problem(path.into(), &reason);
    }
}

fn check_dist(d: &super::dist::Dist, path: &str, v: &mut Problems) {
    if let Some((field, reason)) = d.problem() {
        v.add(format!("{path}.{field}"), reason);
    }
}

fn check_nodes<'a>(s: &'a Scenario, v: &mut Problems) -> BTreeMap<&'a str, &'a Node> {
    let mut nodes = BTreeMap::new();
    for (i, n) in s.nodes.iter().enumerate() {
        let p = format!("$.nodes[{i}]");
        check_id(&n.id, &format!("{p}.id"), v);
        check_text(&n.label, &format!("{p}.label"), MAX_LABEL_CHARS, v);
        if nodes.insert(n.id.as_str(), n).is_some() {
            v.add(format!("{p}.id"), format!("duplicate node id '{}'", n.id));
        }
        if !n.position.x.is_finite() || !n.position.y.is_finite() {
            v.add(format!("{p}.position"), "coordinates must be finite numbers");
        }
        match &n.kind {
            NodeKind::Client(_) => {}
            NodeKind::Service(spec) => check_service(spec, &format!("{p}.kind"), v),
            NodeKind::Queue(q) => patterns::queue::check_queue(q, &format!("{p}.kind"), v),
            NodeKind::Topic(t) => patterns::pubsub::check_topic(t, &format!("{p}.kind"), v),
            NodeKind::Log(l) => patterns::stream::check_log(l, &format!("{p}.kind"), v),
            NodeKind::Gateway(g) => patterns::edge::check_gateway(g, &format!("{p}.kind"), v),
            NodeKind::Job(j) => patterns::job::check_job(j, &format!("{p}.kind"), v),
        }
    }
    let partitions: u64 = s.nodes.iter().filter_map(|n| n.kind.log()).map(|l| u64::from(l.partitions)).sum();
    if partitions > u64::from(MAX_TOTAL_PARTITIONS) {
        v.add(
            "$.nodes",
            format!("the logs have {partitions} partitions in all; at most {MAX_TOTAL_PARTITIONS} are allowed"),
        );
    }
    nodes
}

fn check_service(spec: &ServiceSpec, p: &str, v: &mut Problems) {
    if spec.replicas == 0 || spec.replicas > 64 {
        v.add(format!("{p}.replicas"), "must be between 1 and 64");
    }
    if spec.concurrency == 0 || spec.concurrency > 10_000 {
        v.add(format!("{p}.concurrency"), "must be between 1 and 10000");
    }
    if spec.backlog > 1_000_000 {
        v.add(format!("{p}.backlog"), "must be at most 1000000");
    }
    check_dist(&spec.processing, &format!("{p}.processing"), v);
    if !(0.0..=1.0).contains(&spec.error_rate) {
        v.add(format!("{p}.error_rate"), "must be between 0 and 1");
    }
    check_duration(spec.restart_ms, format!("{p}.restart_ms"), true, v);
    if let Some(saga) = &spec.saga {
        patterns::saga::check_saga(saga, &format!("{p}.saga"), v);
    }
}

fn check_links<'a>(s: &'a Scenario, nodes: &BTreeMap<&str, &Node>, v: &mut Problems) -> BTreeSet<&'a str> {
    let mut ids = BTreeSet::new();
    let mut consumers: BTreeMap<&str, usize> = BTreeMap::new();
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    let mut subscriptions: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, l) in s.links.iter().enumerate() {
        let p = format!("$.links[{i}]");
        if l.transport.subscribe_policy().is_some() {
            let n = subscriptions.entry(l.from.as_str()).or_default();
            *n += 1;
            if *n == MAX_SUBSCRIPTIONS_PER_TOPIC + 1 {
                v.add(
                    format!("{p}.from"),
                    format!("topic '{}' has more than {MAX_SUBSCRIPTIONS_PER_TOPIC} subscriptions", l.from),
                );
            }
        }
        if l.transport.read_policy().is_some() {
            let n = groups.entry(l.from.as_str()).or_default();
            *n += 1;
            if *n == MAX_GROUPS_PER_LOG + 1 {
                v.add(format!("{p}.from"), format!("log '{}' has more than {MAX_GROUPS_PER_LOG} read links", l.from));
            }
        }
        if l.transport.consume_policy().is_some() {
            let n = consumers.entry(l.from.as_str()).or_default();
            *n += 1;
            if *n == MAX_CONSUMERS_PER_QUEUE + 1 {
                v.add(
                    format!("{p}.from"),
                    format!("queue '{}' has more than {MAX_CONSUMERS_PER_QUEUE} consume links", l.from),
                );
            }
        }
        check_id(&l.id, &format!("{p}.id"), v);
        if !ids.insert(l.id.as_str()) {
            v.add(format!("{p}.id"), format!("duplicate link id '{}'", l.id));
        }
        check_dist(&l.latency, &format!("{p}.latency"), v);
        let from = nodes.get(l.from.as_str());
        let to = nodes.get(l.to.as_str());
        if from.is_none() {
            v.add(format!("{p}.from"), format!("unknown node id '{}'", l.from));
        }
        if to.is_none() {
            v.add(format!("{p}.to"), format!("unknown node id '{}'", l.to));
        }
        if l.from == l.to {
            v.add(format!("{p}.to"), "a link cannot connect a node to itself");
        }
        let (Some(from), Some(to)) = (from, to) else { continue };
        let tp = format!("{p}.transport");
        let ends = match &l.transport {
            Transport::RequestResponse(policy) => {
                patterns::request_response::check(policy, &tp, v);
                patterns::request_response::ends(&from.kind, &to.kind)
            }
            Transport::Enqueue => patterns::queue::enqueue_ends(&from.kind, &to.kind),
            Transport::Consume(c) => {
                patterns::queue::check_consume(c, &tp, v);
                patterns::queue::consume_ends(&from.kind, &to.kind)
            }
            Transport::Publish => patterns::pubsub::publish_ends(&from.kind, &to.kind),
            Transport::Subscribe(c) => {
                patterns::pubsub::check_subscribe(c, &tp, v);
                patterns::pubsub::subscribe_ends(&from.kind, &to.kind)
            }
            Transport::Append(a) => {
                patterns::stream::check_append(a, &tp, v);
                patterns::stream::append_ends(&from.kind, &to.kind)
            }
            Transport::Read(r) => {
                patterns::stream::check_read(r, &tp, v);
                patterns::stream::read_ends(&from.kind, &to.kind)
            }
            Transport::Push(c) => {
                patterns::edge::check_push(c, &tp, v);
                patterns::edge::push_ends(&from.kind, &to.kind)
            }
            Transport::SagaStep(_) => patterns::saga::step_ends(&from.kind, &to.kind),
            Transport::ScheduledRead => patterns::job::scheduled_read_ends(&from.kind, &to.kind),
        };
        for (end, reason) in ends {
            v.add(format!("{p}.{end}"), reason);
        }
    }
    let crowd: u64 = s.links.iter().filter_map(|l| l.transport.push_policy()).map(|c| u64::from(c.clients)).sum();
    if crowd > u64::from(MAX_TOTAL_CROWD) {
        v.add("$.links", format!("the push links have {crowd} clients in all; at most {MAX_TOTAL_CROWD} are allowed"));
    }
    ids
}

/// Something that collects problems (lets edits reuse the link checks).
pub(crate) trait ProblemSink {
    fn problem(&mut self, path: String, reason: &str);
}

impl ProblemSink for Problems {
    fn problem(&mut self, path: String, reason: &str) {
        self.add(path, reason);
    }
}

impl ProblemSink for Vec<ScenarioError> {
    fn problem(&mut self, path: String, reason: &str) {
        self.push(ScenarioError::new(path, reason));
    }
}

fn check_sources(s: &Scenario, nodes: &BTreeMap<&str, &Node>, v: &mut Problems) {
    let mut ids = BTreeSet::new();
    for (i, src) in s.sources.iter().enumerate() {
        let p = format!("$.sources[{i}]");
        check_id(&src.id, &format!("{p}.id"), v);
        if !ids.insert(src.id.as_str()) {
            v.add(format!("{p}.id"), format!("duplicate source id '{}'", src.id));
        }
        match nodes.get(src.target.as_str()) {
            None => v.add(format!("{p}.target"), format!("unknown node id '{}'", src.target)),
            Some(n) if n.kind.topic().is_some() => v.add(
                format!("{p}.target"),
                format!("'{}' is a topic; aim the source at the client or service that publishes to it", src.target),
            ),
            Some(n) if n.kind.log().is_some() => {
                v.add(format!("{p}.target"), "a source cannot target a log: records come from append links")
            }
            Some(_) => {}
        }
        match &src.arrival {
            Arrival::Poisson { rate_per_s } | Arrival::Constant { rate_per_s } => {
                if !rate_per_s.is_finite() || *rate_per_s <= 0.0 || *rate_per_s > MAX_RATE_PER_S {
                    v.add(format!("{p}.arrival.rate_per_s"), format!("must be above 0 and at most {MAX_RATE_PER_S}"));
                }
            }
            Arrival::Burst { at_ms, count } => {
                check_duration(*at_ms, format!("{p}.arrival.at_ms"), true, v);
                if *count == 0 || *count > MAX_BURST {
                    v.add(format!("{p}.arrival.count"), format!("must be between 1 and {MAX_BURST}"));
                }
            }
        }
        check_duration(src.start_ms, format!("{p}.start_ms"), true, v);
        if let Some(stop) = src.stop_ms {
            check_duration(stop, format!("{p}.stop_ms"), true, v);
            if stop < src.start_ms {
                v.add(format!("{p}.stop_ms"), "must be ≥ start_ms");
            }
        }
        check_duration(src.budget_ms, format!("{p}.budget_ms"), false, v);
    }
}

/// Each monitor names a node or link, once.
fn check_monitors(s: &Scenario, nodes: &BTreeMap<&str, &Node>, links: &BTreeSet<&str>, v: &mut Problems) {
    for (i, id) in s.monitors.iter().enumerate() {
        let p = format!("$.monitors[{i}]");
        if !nodes.contains_key(id.as_str()) && !links.contains(id.as_str()) {
            v.add(p, format!("'{id}' is not a node or link id"));
        } else if s.monitors[..i].contains(id) {
            v.add(p, format!("'{id}' is listed twice"));
        }
    }
}
