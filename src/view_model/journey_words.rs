//! A journey in words and on a time axis: each row's name, each mark's
//! meaning, a one-sentence summary of what happened to the order, and the
//! ticks of the waterfall's axis.

use crate::engine::event::{Reason, SagaOutcome};
use crate::engine::scenario::Scenario;
use crate::engine::time::Micros;

use super::event_words::ms_text;
use super::journey::{Journey, MarkKind, Row, RowKind, SpanKind};

/// A duration as people read it: "0", "0.8 ms", "132 ms", "4.2 s".
pub fn duration_text(t: Micros) -> String {
    if t == 0 {
        return "0".into();
    }
    let ms = t as f64 / 1_000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1_000.0)
    }
}

fn node(s: &Scenario, i: Option<u32>) -> &str {
    i.and_then(|i| s.nodes.get(i as usize)).map_or("?", |n| n.label.as_str())
}

fn ends(s: &Scenario, link: Option<u32>) -> (&str, &str) {
    let Some(l) = link.and_then(|l| s.links.get(l as usize)) else { return ("?", "?") };
    let label = |id: &str| s.node(id).map_or("?", |n| n.label.as_str());
    (label(&l.from), label(&l.to))
}

/// The row's name: what the message was and between which nodes.
pub fn row_words(s: &Scenario, r: &Row) -> String {
    let (from, to) = ends(s, r.link);
    match r.kind {
        RowKind::Order => format!("order placed at {}", node(s, r.node)),
        RowKind::Message { attempt: 0 } => format!("{from} → {to}"),
        RowKind::Message { attempt } => format!("{from} → {to}, try {}", attempt + 1),
        RowKind::Copy => format!("copy for {to}"),
        RowKind::Record => format!("record in {}", node(s, r.node)),
        RowKind::Step { step } => format!("step {}: {to}", step + 1),
        RowKind::Compensation { step } => format!("undo step {}: {to}", step + 1),
        RowKind::Update => format!("update {from} → {to}"),
    }
}

fn reason_words(r: Reason) -> &'static str {
    match r {
        Reason::Error => "an error",
        Reason::Timeout => "a timeout",
        Reason::Overloaded => "overload (backlog full)",
        Reason::Unavailable => "the service being down",
        Reason::Crashed => "a crash",
        Reason::DownstreamFailed => "a failed downstream call",
        Reason::ShortCircuited => "an open breaker",
        Reason::Partition => "a network partition",
        Reason::Poison => "a poison message crashing the consumer",
        Reason::SchemaRejected => "the schema registry",
        Reason::Unreadable => "an unreadable event",
        Reason::Unsubscribed => "the subscription being removed",
        Reason::Disconnected => "no working connection",
        Reason::Restarting => "a restart",
        Reason::Replaced => "the next run replacing it",
    }
}

/// What a mark means, in a few words (its tooltip and its line in the list).
pub fn mark_words(s: &Scenario, m: MarkKind) -> String {
    match m {
        MarkKind::Failed(r) => format!("failed: {}", reason_words(r)),
        MarkKind::Rejected(r) => format!("refused: {}", reason_words(r)),
        MarkKind::TimedOut => "the caller stopped waiting (timeout)".into(),
        MarkKind::Lost => "lost on the way".into(),
        MarkKind::Retry(attempt) => format!("retry scheduled (try {})", attempt + 1),
        MarkKind::RetryDenied => "retry refused by the retry budget".into(),
        MarkKind::ShortCircuited => "failed fast: the breaker is open".into(),
        MarkKind::Fallback => "answered by the fallback".into(),
        MarkKind::Redelivered => "not acknowledged in time: back in the queue".into(),
        MarkKind::Nacked => "nacked by the subscriber: back in its subscription".into(),
        MarkKind::BackedOff(wait) => format!("held back {} by the retry policy", ms_text(wait)),
        MarkKind::DeadLettered => "moved to the dead-letter queue".into(),
        MarkKind::Duplicate(true) => "processed again (a duplicate)".into(),
        MarkKind::Duplicate(false) => "duplicate recognised and skipped".into(),
        MarkKind::Dropped(r) => format!("dropped: {}", reason_words(r)),
        MarkKind::LateReply => "reply came after the caller gave up".into(),
        MarkKind::SagaEnded(SagaOutcome::Completed) => "saga completed".into(),
        MarkKind::SagaEnded(SagaOutcome::Compensated) => "saga undone by its compensations".into(),
        MarkKind::SagaEnded(SagaOutcome::Manual) => "saga stuck: needs a person".into(),
        MarkKind::RecordProcessed(link, ok) => {
            let (_, to) = ends(s, Some(link));
            if ok {
                format!("read by {to}")
            } else {
                format!("{to} failed to process it")
            }
        }
        MarkKind::Answered(true, e2e) => format!("answered OK after {}", duration_text(e2e)),
        MarkKind::Answered(false, e2e) => format!("answered with a failure after {}", duration_text(e2e)),
    }
}

/// What a span was spent on, in a word or two.
pub fn span_words(k: SpanKind) -> &'static str {
    match k {
        SpanKind::Wire => "on the wire",
        SpanKind::Queued => "waiting in the queue",
        SpanKind::Waiting => "waiting for a worker",
        SpanKind::Working => "being worked on",
        SpanKind::Reply => "reply on the wire",
    }
}

/// One or two sentences on what happened to the order.
pub fn summary(j: &Journey) -> String {
    let mut out = format!("Order {}: ", j.corr);
    match j.answered {
        Some((true, e2e)) => out.push_str(&format!("answered OK in {}", duration_text(e2e))),
        Some((false, e2e)) => out.push_str(&format!("answered with a failure after {}", duration_text(e2e))),
        None => out.push_str("not answered yet"),
    }
    out.push_str(&format!(", {} messages over {}.", j.rows.len(), duration_text(j.end - j.start)));
    let count = |f: &dyn Fn(MarkKind) -> bool| j.rows.iter().flat_map(|r| &r.marks).filter(|m| f(m.kind)).count();
    let mut notes = Vec::new();
    let n = count(&|k| matches!(k, MarkKind::Retry(_)));
    if n > 0 {
        notes.push(format!("{n} {}", if n == 1 { "retry" } else { "retries" }));
    }
    let n = count(&|k| k == MarkKind::TimedOut);
    if n > 0 {
        notes.push(format!("{n} timed out"));
    }
    let n = count(&|k| k == MarkKind::Redelivered);
    if n > 0 {
        notes.push(format!("{n} redelivered"));
    }
    let n = count(&|k| k == MarkKind::Nacked);
    if n > 0 {
        notes.push(format!("{n} nacked"));
    }
    if count(&|k| k == MarkKind::DeadLettered) > 0 {
        notes.push("dead-lettered".into());
    }
    let n = count(&|k| matches!(k, MarkKind::Duplicate(true)));
    if n > 0 {
        notes.push(format!("{n} processed twice"));
    }
    let undone = j.rows.iter().filter(|r| matches!(r.kind, RowKind::Compensation { .. })).count();
    if undone > 0 {
        notes.push(format!("{undone} {} undone", if undone == 1 { "step" } else { "steps" }));
    }
    if count(&|k| k == MarkKind::Fallback) > 0 {
        notes.push("the fallback answered".into());
    }
    if count(&|k| k == MarkKind::ShortCircuited) > 0 {
        notes.push("failed fast at an open breaker".into());
    }
    if !notes.is_empty() {
        out.push_str(&format!(" Along the way: {}.", notes.join(", ")));
    }
    if j.cut_short {
        out.push_str(" Only its first events are kept.");
    }
    out
}

/// Ticks for an axis from 0 to `span` µs: 1, 2 or 5 × a power of ten, about `want` of them.
pub fn ticks(span: Micros, want: u32) -> Vec<Micros> {
    let span = span.max(1);
    let raw = span as f64 / f64::from(want.max(1));
    let pow = 10f64.powf(libm::floor(libm::log10(raw)));
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * pow).find(|s| *s >= raw).unwrap_or(10.0 * pow);
    let step = (step as Micros).max(1);
    (0..=span / step).map(|i| i * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(800), "0.8 ms");
        assert_eq!(duration_text(132_400), "132 ms");
        assert_eq!(duration_text(4_200_000), "4.2 s");
    }

    #[test]
    fn ticks_are_round_and_cover_the_span() {
        assert_eq!(ticks(1_000, 5), vec![0, 200, 400, 600, 800, 1_000]);
        assert_eq!(ticks(55_036, 4), vec![0, 20_000, 40_000]);
        let t = ticks(7_000_000, 5);
        assert_eq!(t[1], 2_000_000);
        assert!(ticks(0, 5).len() <= 2);
        assert!(ticks(u64::MAX / 2, 5).len() <= 11, "huge spans stay few ticks");
    }
}
