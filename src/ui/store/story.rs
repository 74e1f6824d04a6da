//! The store's share of the story: the event log, the event a step or
//! "Next notable" stopped at, the explanation of the last mitigation
//! switched, the monitors switched on and the alerts they raised.

use leptos::prelude::*;

use crate::engine::event::{Event, EventKind};
use crate::engine::Edit;
use crate::view_model::alerts::{detect, Alert, AlertBook, AlertKind};
use crate::view_model::event_log::{telling, EventLog};
use crate::view_model::event_words::event_words;
use crate::view_model::frame::clock_text;
use crate::view_model::mitigations::explain;
use crate::view_model::narration::is_notable;

use super::super::browser::now_ms;
use super::Store;

/// Wall milliseconds between two redraws of the log while the run plays.
const LOG_REDRAW_MS: f64 = 400.0;

/// The story's state in the store. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct StoryState {
    /// The run's events, bounded.
    pub log: StoredValue<EventLog, LocalStorage>,
    /// Bumped when the log should be drawn again (at most every [`LOG_REDRAW_MS`] while playing).
    pub log_tick: RwSignal<u64>,
    last_draw_ms: StoredValue<f64, LocalStorage>,
    /// The entry a step or "Next notable" stopped at (its sequence number).
    pub highlight: RwSignal<Option<u64>>,
    /// What the last mitigation switched does, in words.
    pub explanation: RwSignal<Option<String>>,
    /// Ids of the nodes and links whose monitoring is on: the scenario's
    /// `monitors`, mirrored for the switches after every change.
    pub monitors: RwSignal<Vec<String>>,
    /// Alerts raised in this run.
    pub alerts: StoredValue<AlertBook, LocalStorage>,
    /// Bumped when an alert is raised or the list is cleared.
    pub alerts_tick: RwSignal<u64>,
}

impl Default for StoryState {
    /// Empty state for a new store.
    fn default() -> StoryState {
        StoryState {
            log: StoredValue::new_local(EventLog::default()),
            log_tick: RwSignal::new(0),
            last_draw_ms: StoredValue::new_local(f64::NEG_INFINITY),
            highlight: RwSignal::new(None),
            explanation: RwSignal::new(None),
            monitors: RwSignal::new(Vec::new()),
            alerts: StoredValue::new_local(AlertBook::default()),
            alerts_tick: RwSignal::new(0),
        }
    }
}

impl Store {
    /// A new run: the log and the alerts start again (the monitors stay on).
    pub(super) fn story_reset(&self) {
        self.story.log.update_value(EventLog::clear);
        self.story.alerts.update_value(AlertBook::clear);
        self.story.highlight.set(None);
        self.story.log_tick.update(|t| *t += 1);
        self.story.alerts_tick.update(|t| *t += 1);
    }

    /// Takes a batch of events into the log; a job's own alerts go to the alert list.
    pub(super) fn story_take(&self, events: &[Event]) {
        self.story.log.update_value(|l| {
            l.take(events);
        });
        let jobs: Vec<Alert> = self.sim.with_value(|sim| {
            events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::JobAlert { .. }))
                .map(|e| {
                    let id = match e.kind {
                        EventKind::JobAlert { node, .. } => {
                            sim.scenario().nodes.get(node as usize).map(|n| n.id.clone()).unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                    Alert { t: e.t, kind: AlertKind::Batch, id, text: event_words(&e.kind, sim.scenario()) }
                })
                .collect()
        });
        if !jobs.is_empty() {
            self.story.alerts.update_value(|b| jobs.into_iter().for_each(|a| b.push(a)));
            self.story.alerts_tick.update(|t| *t += 1);
        }
    }

    /// Once per frame: redraws the log if due (`force`: now), and runs the
    /// switched-on monitors over the frame, announcing new alerts.
    pub(super) fn story_frame(&self, force: bool) {
        let wall = now_ms();
        // Paused, every refresh follows an action (a step, a pause, an edit): draw it now.
        let force = force || !self.playing.get_untracked();
        if force || wall - self.story.last_draw_ms.get_value() >= LOG_REDRAW_MS {
            self.story.last_draw_ms.set_value(wall);
            self.story.log_tick.update(|t| *t += 1);
        }
        let on = self.sim.with_value(|s| s.scenario().monitors.clone());
        if self.story.monitors.with_untracked(|m| *m != on) {
            self.story.monitors.set(on.clone());
        }
        if on.is_empty() {
            return;
        }
        let new = self.frame.with_untracked(|f| {
            self.sim.with_value(|sim| {
                let seen = detect(f, sim.scenario(), &on);
                self.story.alerts.try_update_value(|b| b.update(f.now, seen)).unwrap_or_default()
            })
        });
        if let Some(first) = new.first() {
            let more = new.len() - 1;
            let text = if more == 0 {
                format!("Alert: {}", first.text)
            } else {
                format!("Alert: {} And {more} other new alerts.", first.text)
            };
            self.announce(text);
            self.story.alerts_tick.update(|t| *t += 1);
        }
    }

    /// After a step: highlight and name the event it processed.
    pub(super) fn story_stepped(&self, events: &[Event]) {
        let first_seq = self.story.log.with_value(|l| l.seq()) + 1 - events.len() as u64;
        let Some(e) = telling(events) else {
            self.notice.set(Some("Step: no event was left to process.".into()));
            return;
        };
        let at = events.iter().position(|x| std::ptr::eq(x, e)).unwrap_or(0) as u64;
        self.story.highlight.set(Some(first_seq + at));
        // The design names faults started while running, too.
        let words = self.sim.with_value(|s| event_words(&e.kind, &s.design()));
        let others = events.len() - 1;
        let tail = match others {
            0 => String::new(),
            1 => " (with 1 event of the same instant)".to_string(),
            n => format!(" (with {n} events of the same instant)"),
        };
        self.notice.set(Some(format!("Step at {}: {words}{tail}", clock_text(e.t))));
        self.story_frame(true);
    }

    /// "Next notable" found one: highlight it and say what it was.
    pub(super) fn story_found(&self, events: &[Event]) {
        let last_seq = self.story.log.with_value(|l| l.seq());
        let Some((i, e)) = events.iter().enumerate().rev().find(|(_, e)| is_notable(&e.kind)) else { return };
        self.story.highlight.set(Some(last_seq - (events.len() - 1 - i) as u64));
        // The design names faults started while running, too.
        let words = self.sim.with_value(|s| event_words(&e.kind, &s.design()));
        self.notice.set(Some(format!("Stopped at {}: {words}", clock_text(e.t))));
        self.story_frame(true);
    }

    /// Before an edit is applied: what the mitigation it switches does, if it switches one.
    pub(super) fn story_explain(&self, edit: &Edit) -> Option<String> {
        self.sim.with_value(|s| explain(s.scenario(), edit))
    }

    /// After the edit is in: the explanation is shown and announced.
    pub(super) fn story_explained(&self, text: Option<String>) {
        if let Some(text) = text {
            self.announce(text.clone());
            self.story.explanation.set(Some(text));
        }
    }

    /// Says what the narrator held back, once its gap has passed (called while paused).
    pub fn flush_narration(&self) {
        if let Some(say) = self.narrator.try_update_value(|n| n.flush(now_ms())).flatten() {
            self.announce(say);
        }
    }

    /// How much the run says by itself in the live region.
    pub fn speak_level(&self) -> crate::view_model::narration::SpeakLevel {
        self.narrator.with_value(|n| n.level())
    }

    /// Sets how much the run says by itself.
    pub fn set_speak_level(&self, level: crate::view_model::narration::SpeakLevel) {
        self.narrator.update_value(|n| n.set_level(level));
    }

    /// Says `text` to screen readers. What is said twice in one turn of the
    /// page, before the live region is redrawn, is said as one: the second
    /// used to replace the first unheard (a restored link's words, and its
    /// lesson step's, by a monitor's alert in the same frame).
    pub fn announce(&self, text: String) {
        if self.announce_queued.get_value() {
            self.announcement.update(|said| {
                if *said != text {
                    said.push(' ');
                    said.push_str(&text);
                }
            });
        } else {
            self.announcement.set(text);
        }
        self.announce_queued.set_value(true);
    }

    /// Something was announced: the narrator's next sentence waits its gap
    /// (a lesson step's words were replaced by narration 131 ms later).
    pub fn note_announced(&self) {
        self.announce_queued.set_value(false);
        self.narrator.update_value(|n| n.announced_elsewhere(now_ms()));
    }

    /// Switches the monitoring of node or link `id`: an edit like any other
    /// (undone, shared in links, made by lessons), explained when it lands.
    pub fn set_monitor(&self, id: &str, on: bool) {
        self.edit(Edit::SetMonitor { target: id.to_string(), on });
        self.story_frame(true);
    }
}
