//! The app's one store: the simulation (outside the reactive graph), the
//! signals the views read, and the actions that change them. Every change to
//! the simulation goes through here.

use leptos::prelude::*;

use crate::engine::event::Event;
use crate::engine::scenario::{Fault, FaultEffect, QueueSpec, Scenario, ServiceSpec, Transport};
use crate::engine::time::micros_to_ms;
use crate::engine::{presets, Edit, Simulation, TimedEdit, SECOND};
use crate::view_model::flights::Flights;
use crate::view_model::frame::Frame;
use crate::view_model::narration::{is_notable, Narrator};

use super::browser::now_ms;

/// What the inspector shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A node, by index.
    Node(usize),
    /// A link, by index.
    Link(usize),
}

/// Shared state of the app. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct Store {
    /// The running simulation.
    pub sim: StoredValue<Simulation, LocalStorage>,
    /// The scenario as loaded (for default values when a switch is turned back on).
    pub original: StoredValue<Scenario, LocalStorage>,
    /// Messages in flight, for the canvas.
    pub flights: StoredValue<Flights, LocalStorage>,
    narrator: StoredValue<Narrator, LocalStorage>,
    /// The preset picked.
    pub preset: RwSignal<String>,
    /// The seed of the current run.
    pub seed: RwSignal<u64>,
    /// Playing or paused.
    pub playing: RwSignal<bool>,
    /// Simulated seconds per wall second.
    pub speed: RwSignal<f64>,
    /// What the inspector shows.
    pub selected: RwSignal<Option<Selection>>,
    /// This frame's snapshot.
    pub frame: RwSignal<Frame>,
    /// Bumped whenever the scenario's shape or settings change.
    pub revision: RwSignal<u64>,
    /// The latest announcement for the aria-live region.
    pub announcement: RwSignal<String>,
    /// Moving dots are replaced by counters.
    pub reduced_motion: RwSignal<bool>,
    /// The last error from an action, shown to the person.
    pub error: RwSignal<Option<String>>,
    /// Edits made in this run, in order, with when (simulated time) they were made.
    pub edits: StoredValue<Vec<TimedEdit>, LocalStorage>,
    /// App work per frame in ms, newest last (for the debug overlay).
    pub frame_work: StoredValue<Vec<f64>, LocalStorage>,
    /// Of which drawing the canvas, in ms.
    pub draw_work: StoredValue<Vec<f64>, LocalStorage>,
}

/// Edits kept per run; beyond this they still apply but are not listed.
const MAX_KEPT_EDITS: usize = 10_000;

fn load_preset(name: &str) -> Scenario {
    presets::load(name).or_else(|| presets::load(presets::DEFAULT)).unwrap_or_else(|| Scenario {
        version: crate::engine::scenario::FORMAT_VERSION,
        name: "empty".into(),
        description: String::new(),
        seed: 0,
        nodes: vec![],
        links: vec![],
        sources: vec![],
        faults: vec![],
    })
}

fn new_sim(s: Scenario, seed: u64) -> Option<Simulation> {
    let mut sim = Simulation::with_seed(s, seed).ok()?;
    sim.set_recording(true);
    Some(sim)
}

impl Store {
    /// A store running preset `name` (the default preset if the name is unknown).
    pub fn new(name: &str) -> Option<Store> {
        let scenario = load_preset(name);
        let seed = scenario.seed;
        let sim = new_sim(scenario.clone(), seed)?;
        let store = Store {
            sim: StoredValue::new_local(sim),
            original: StoredValue::new_local(scenario.clone()),
            flights: StoredValue::new_local(Flights::default()),
            narrator: StoredValue::new_local(Narrator::default()),
            preset: RwSignal::new(scenario.name.clone()),
            seed: RwSignal::new(seed),
            playing: RwSignal::new(true),
            // Slow motion by default, so single messages can be followed; the slider goes to 100×.
            speed: RwSignal::new(0.1),
            selected: RwSignal::new(None),
            frame: RwSignal::new(Frame::default()),
            revision: RwSignal::new(0),
            announcement: RwSignal::new(String::new()),
            reduced_motion: RwSignal::new(false),
            error: RwSignal::new(None),
            edits: StoredValue::new_local(Vec::new()),
            frame_work: StoredValue::new_local(Vec::new()),
            draw_work: StoredValue::new_local(Vec::new()),
        };
        store.refresh();
        Some(store)
    }

    /// The scenario as it stands (edits included).
    pub fn scenario(&self) -> Scenario {
        self.sim.with_value(|s| s.scenario().clone())
    }

    /// Loads a preset from scratch.
    pub fn load(&self, name: &str) {
        let scenario = load_preset(name);
        let seed = scenario.seed;
        self.original.set_value(scenario.clone());
        self.preset.set(scenario.name.clone());
        self.seed.set(seed);
        self.restart(scenario, seed);
    }

    /// Starts the current (edited) scenario again from time zero, with `seed`.
    pub fn reset(&self, seed: u64) {
        let scenario = self.scenario();
        self.seed.set(seed);
        self.restart(scenario, seed);
    }

    fn restart(&self, scenario: Scenario, seed: u64) {
        match new_sim(scenario, seed) {
            Some(sim) => self.sim.set_value(sim),
            None => self.error.set(Some("This scenario cannot run.".into())),
        }
        self.flights.update_value(Flights::clear);
        self.narrator.update_value(Narrator::reset);
        self.edits.update_value(Vec::clear);
        self.selected.set(None);
        self.revision.update(|r| *r += 1);
        self.refresh();
    }

    /// Advances simulated time by `dt` microseconds and takes in its events.
    pub fn advance(&self, dt: u64) {
        let events = self.sim.try_update_value(|s| {
            let until = s.now().saturating_add(dt);
            let _ = s.run_until(until);
            s.drain_events()
        });
        self.take_events(events.unwrap_or_default());
        self.refresh();
    }

    /// Processes exactly one event.
    pub fn step_one(&self) {
        let events = self.sim.try_update_value(|s| {
            let _ = s.step();
            s.drain_events()
        });
        self.take_events(events.unwrap_or_default());
        self.refresh();
    }

    /// Runs until an event worth attention (breaker change, dead letter, crash, failed order…),
    /// at most one simulated minute ahead.
    pub fn step_to_notable(&self) {
        let events = self.sim.try_update_value(|s| {
            let limit = s.now().saturating_add(60 * SECOND);
            let mut all = Vec::new();
            while s.next_event_time().is_some_and(|t| t <= limit) {
                let _ = s.step();
                let batch = s.drain_events();
                let found = batch.iter().any(|e| is_notable(&e.kind));
                all.extend(batch);
                if found {
                    break;
                }
            }
            all
        });
        self.take_events(events.unwrap_or_default());
        self.refresh();
    }

    fn take_events(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let now = now_ms();
        let mut spoken = None;
        self.flights.update_value(|f| events.iter().for_each(|e| f.observe(e)));
        self.sim.with_value(|sim| {
            let scenario = sim.scenario();
            self.narrator.update_value(|n| {
                for e in &events {
                    if let Some(sentence) = n.sentence(&e.kind, scenario) {
                        if let Some(say) = n.offer(sentence, now) {
                            spoken = Some(say);
                        }
                    }
                }
                if spoken.is_none() {
                    spoken = n.flush(now);
                }
            });
        });
        if let Some(say) = spoken {
            self.announcement.set(say);
        }
    }

    /// Copies the simulation's state into the frame signal.
    pub fn refresh(&self) {
        let links = self.sim.with_value(|s| s.scenario().links.len());
        let now = self.sim.with_value(Simulation::now);
        let per_link = self.flights.with_value(|f| f.per_link(now, links));
        if let Some(frame) = self.sim.try_with_value(|s| Frame::capture(s, per_link)) {
            self.frame.set(frame);
        }
    }

    /// Drops flights that have arrived and old marks.
    pub fn prune_flights(&self, mark_ttl: u64) {
        let now = self.sim.with_value(Simulation::now);
        self.flights.update_value(|f| f.prune(now, mark_ttl));
    }

    fn report<T>(&self, result: Result<T, crate::engine::SimError>) {
        match result {
            Ok(_) => {
                self.error.set(None);
                self.revision.update(|r| *r += 1);
                self.refresh();
            }
            Err(e) => self.error.set(Some(e.to_string())),
        }
    }

    /// Applies one edit through the engine's single edit path. A rejected
    /// edit changes nothing and its reason is shown; an accepted one is
    /// kept in [`Store::edits`] with the time it was made.
    pub fn edit(&self, edit: Edit) {
        let result = self.sim.try_update_value(|s| {
            let applied = s.apply(&edit)?;
            // A fault starts at the current instant: process that now, so it shows within the frame.
            let now = s.now();
            s.run_until(now)?;
            Ok::<_, crate::engine::SimError>((now, applied))
        });
        if let Some(r) = result {
            if let Ok((at, _)) = &r {
                let at = *at;
                self.edits.update_value(|list| {
                    if list.len() < MAX_KEPT_EDITS {
                        list.push(TimedEdit { at_ms: micros_to_ms(at), edit });
                    }
                });
            }
            self.report(r);
        }
    }

    /// Starts a fault on a node or link now, until cleared.
    pub fn apply_fault(&self, target: &str, effect: FaultEffect) {
        let fault = Fault { target: target.to_string(), at_ms: 0.0, until_ms: None, effect };
        self.edit(Edit::ApplyFault { fault });
    }

    /// Ends a fault.
    pub fn clear_fault(&self, index: u32) {
        self.edit(Edit::ClearFault { index });
    }

    /// Replaces a link's transport settings.
    pub fn set_transport(&self, link_id: &str, transport: Transport) {
        self.edit(Edit::SetTransport { link: link_id.to_string(), transport });
    }

    /// Replaces a queue's settings.
    pub fn set_queue(&self, node_id: &str, spec: QueueSpec) {
        self.edit(Edit::SetQueue { node: node_id.to_string(), spec });
    }

    /// Replaces a service's settings.
    pub fn set_service(&self, node_id: &str, spec: ServiceSpec) {
        self.edit(Edit::SetService { node: node_id.to_string(), spec });
    }
}

/// The store from context.
pub fn use_store() -> Store {
    expect_context::<Store>()
}
