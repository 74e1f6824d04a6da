//! The app's one store: the simulation (outside the reactive graph), the
//! signals the views read, and the actions that change them. Every change to
//! the simulation goes through here.

use std::collections::VecDeque;

use leptos::prelude::*;

mod compare;
mod edits;
mod history;
mod share;
mod story;

pub use share::Start;

pub use compare::{CompareState, DIALOG_ID};
pub use history::History;
pub use story::StoryState;

use crate::engine::event::Event;
use crate::engine::scenario::Scenario;
use crate::engine::time::Micros;
use crate::engine::{presets, SimError, Simulation, TimedEdit};
use crate::view_model::flights::Flights;
use crate::view_model::frame::{clock_text, Frame};
use crate::view_model::narration::Narrator;
use crate::view_model::run::{gave_up_text, run_toward, Jump, JumpState};
use crate::view_model::story::{departs, StartText};
use crate::view_model::viewport::Viewport;

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
    /// The scenario as loaded (for default values when a switch is turned
    /// back on); set with [`Store::set_original`].
    pub original: StoredValue<Scenario, LocalStorage>,
    /// `original`'s text as `view_model::story::departs` compares it, made once per load.
    started_as: StoredValue<StartText, LocalStorage>,
    /// True once the run has left how its scenario started (an edit, a
    /// fault by hand): the title says "(changed)" and so does the picker.
    pub changed: Memo<bool>,
    /// Messages in flight, for the canvas.
    pub flights: StoredValue<Flights, LocalStorage>,
    narrator: StoredValue<Narrator, LocalStorage>,
    /// The preset picked (for a scenario from a file or a link, its own name).
    pub preset: RwSignal<String>,
    /// Where the scenario came from when it is not a preset (a file's name,
    /// else the scenario's own name): the title and the picker say
    /// "Imported: …" instead of naming a preset that is not running.
    pub imported: RwSignal<Option<String>>,
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
    /// The last error from an inspector action (an edit), shown in the inspector.
    pub error: RwSignal<Option<String>>,
    /// Edits made in this run, in order, with when (simulated time) they were made.
    pub edits: StoredValue<Vec<TimedEdit>, LocalStorage>,
    /// The last failure of a run control (play, step, fast-forward, seed, reset),
    /// shown under the controls in an alert region.
    pub run_error: RwSignal<Option<String>>,
    /// A passing message about the run ("nothing notable within 60 s"), shown under the controls.
    pub notice: RwSignal<Option<String>>,
    /// "×100 asked, ×12 reached" while the run cannot keep up with the speed asked.
    pub reached: RwSignal<Option<String>>,
    /// The fast-forward under way, for the progress indicator (set when it starts and ends).
    pub jumping: RwSignal<Option<Jump>>,
    jump: StoredValue<Option<Jump>, LocalStorage>,
    /// Changes that Undo and Redo step through.
    pub history: StoredValue<History, LocalStorage>,
    /// The words of the change Undo would undo and of the one Redo would redo.
    pub undo_labels: RwSignal<(Option<String>, Option<String>)>,
    /// A connection asked for (from node id, to node id): the transport menu is open for it.
    pub pending_link: RwSignal<Option<(String, String)>>,
    /// A link whose transport the menu is changing (by id), instead of adding one.
    pub relinking: RwSignal<Option<String>>,
    /// App work per frame in ms, newest last (for the debug overlay).
    pub frame_work: StoredValue<VecDeque<f64>, LocalStorage>,
    /// Of which drawing the canvas, in ms.
    pub draw_work: StoredValue<VecDeque<f64>, LocalStorage>,
    /// The stage's zoom and pan, shared by the SVG and the flights canvas.
    pub viewport: RwSignal<Viewport>,
    /// The stage's size in CSS pixels (measured by the animation loop).
    pub stage_size: RwSignal<(f64, f64)>,
    /// Orders followed for the journey panel, and the one shown.
    pub journeys: super::journey_panel::Journeys,
    /// The event log, alerts, monitors and mitigation explanations.
    pub story: StoryState,
    /// The node or link id a lesson step points at, drawn highlighted on the stage.
    pub highlight: RwSignal<Option<String>>,
    /// A lesson and step (from 0) asked for from outside the card (the embedding page).
    pub lesson_request: RwSignal<Option<(String, usize)>>,
    /// Where the run started (preset or whole scenario, and seed), for share links.
    pub start: StoredValue<Start, LocalStorage>,
    /// Everything done to the run since its start, with the engine's position (share links).
    pub ops: StoredValue<Vec<crate::view_model::share::Op>, LocalStorage>,
    /// Bumped when something a share link holds changes (edits, seed, load, reset).
    pub shared: RwSignal<u64>,
    /// The run's trace hash and simulated time (µs), for checks that a link restores a run.
    pub trace: RwSignal<(u64, u64)>,
    /// A share link being played back in slices (shown as a fast-forward).
    playback: StoredValue<Option<crate::view_model::share_replay::Playback>, LocalStorage>,
    /// The lesson open in the card and its step (from 0), for share links.
    pub lesson_open: RwSignal<Option<(String, usize)>>,
    /// A link's lesson and step (from 0) for the card to show without
    /// running it (the link's run is the lesson's); an empty name closes
    /// the card (the same type as `lesson_request`: one less signal type in the wasm).
    pub lesson_show: RwSignal<Option<(String, usize)>>,
    /// The open lesson step's story while the run is the lesson's: shown
    /// above the stage instead of the scenario's description, which the
    /// step's edits made untrue (`view_model::story::shown_story`).
    pub step_story: RwSignal<Option<String>>,
    /// The same seed without and with a mitigation, run in the background.
    pub compare: CompareState,
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
        monitors: vec![],
    })
}

fn new_sim(s: Scenario, seed: u64) -> Option<Simulation> {
    let mut sim = Simulation::with_seed(s, seed).ok()?;
    sim.set_recording(true);
    // A share link is checked by its hash: the same run gives the same one.
    sim.enable_trace_hash();
    Some(sim)
}

impl Store {
    /// A store running preset `name` (the default preset if the name is unknown).
    pub fn new(name: &str) -> Option<Store> {
        let scenario = load_preset(name);
        let seed = scenario.seed;
        let sim = StoredValue::new_local(new_sim(scenario.clone(), seed)?);
        let started_as = StoredValue::new_local(StartText::of(&scenario));
        let (preset, revision, jumping) = (RwSignal::new(scenario.name.clone()), RwSignal::new(0), RwSignal::new(None));
        // Again when another scenario is loaded (`preset` is set on every
        // load), after every change, and when a fast-forward ends, since a
        // link's playback makes its changes on the way without a revision of its own.
        let changed = Memo::new(move |_| {
            preset.track();
            revision.track();
            jumping.track();
            started_as.with_value(|start| sim.with_value(|s: &Simulation| departs(start, &s.design())))
        });
        let store = Store {
            sim,
            original: StoredValue::new_local(scenario.clone()),
            started_as,
            changed,
            flights: StoredValue::new_local({
                let mut f = Flights::default();
                f.shape_links(&scenario);
                f
            }),
            narrator: StoredValue::new_local(Narrator::default()),
            preset,
            imported: RwSignal::new(None),
            seed: RwSignal::new(seed),
            playing: RwSignal::new(true),
            // Slow motion by default, so single messages can be followed; the slider goes to 100×.
            speed: RwSignal::new(0.1),
            selected: RwSignal::new(None),
            frame: RwSignal::new(Frame::default()),
            revision,
            announcement: RwSignal::new(String::new()),
            reduced_motion: RwSignal::new(false),
            error: RwSignal::new(None),
            edits: StoredValue::new_local(Vec::new()),
            run_error: RwSignal::new(None),
            notice: RwSignal::new(None),
            reached: RwSignal::new(None),
            jumping,
            jump: StoredValue::new_local(None),
            history: StoredValue::new_local(History::default()),
            undo_labels: RwSignal::new((None, None)),
            pending_link: RwSignal::new(None),
            relinking: RwSignal::new(None),
            frame_work: StoredValue::new_local(VecDeque::new()),
            draw_work: StoredValue::new_local(VecDeque::new()),
            viewport: RwSignal::new(Viewport::default()),
            stage_size: RwSignal::new((0.0, 0.0)),
            journeys: super::journey_panel::Journeys::new(),
            story: StoryState::default(),
            highlight: RwSignal::new(None),
            lesson_request: RwSignal::new(None),
            start: StoredValue::new_local(Start::preset(&scenario.name, seed)),
            ops: StoredValue::new_local(Vec::new()),
            shared: RwSignal::new(0),
            trace: RwSignal::new((0, 0)),
            playback: StoredValue::new_local(None),
            lesson_open: RwSignal::new(None),
            lesson_show: RwSignal::new(None),
            step_story: RwSignal::new(None),
            compare: CompareState::default(),
        };
        store.refresh();
        Some(store)
    }

    /// The scenario as it stands (edits included).
    pub fn scenario(&self) -> Scenario {
        self.sim.with_value(|s| s.scenario().clone())
    }

    /// The scenario as it was loaded, and its text for `changed`, made once here.
    pub fn set_original(&self, scenario: &Scenario) {
        self.original.set_value(scenario.clone());
        self.started_as.set_value(StartText::of(scenario));
    }

    /// Loads a preset from scratch.
    pub fn load(&self, name: &str) {
        let scenario = load_preset(name);
        let seed = scenario.seed;
        self.set_original(&scenario);
        self.imported.set(None);
        self.preset.set(scenario.name.clone());
        self.seed.set(seed);
        self.forget_history();
        self.start.set_value(Start::preset(&scenario.name, seed));
        self.ops.set_value(Vec::new());
        self.restart(scenario, seed);
    }

    /// Loads a scenario from a file (already parsed and validated); `from`
    /// names it on the page (the file's name).
    pub fn load_scenario(&self, scenario: Scenario, from: String) {
        let seed = scenario.seed;
        self.start.set_value(Start::whole(&scenario, seed));
        self.ops.set_value(Vec::new());
        self.set_original(&scenario);
        self.imported.set(Some(from));
        self.preset.set(scenario.name.clone());
        self.seed.set(seed);
        self.forget_history();
        self.restart(scenario, seed);
    }

    /// Starts the run again from time zero on `seed` as its start seed (a
    /// link's `?seed=`): share links then carry it as where the run began,
    /// not as a change made to it.
    pub fn start_on_seed(&self, seed: u64) {
        self.seed.set(seed);
        self.start.update_value(|s| s.seed = seed);
        self.restart(self.scenario(), seed);
    }

    /// Starts the current (edited) scenario again from time zero, with `seed`.
    pub fn reset(&self, seed: u64) {
        let scenario = self.scenario();
        self.seed.set(seed);
        self.record(|n, t| crate::view_model::share::Op::Reset { n, t, seed });
        self.restart(scenario, seed);
    }

    fn restart(&self, scenario: Scenario, seed: u64) {
        self.drop_jump();
        self.run_error.set(None);
        self.notice.set(None);
        self.flights.update_value(|f| {
            f.clear();
            f.shape_links(&scenario);
        });
        match new_sim(scenario, seed) {
            Some(sim) => self.sim.set_value(sim),
            None => self.run_error.set(Some("This scenario cannot run.".into())),
        }
        self.narrator.update_value(Narrator::reset);
        self.journeys.clear();
        self.story_reset();
        self.edits.update_value(Vec::clear);
        self.selected.set(None);
        self.revision.update(|r| *r += 1);
        self.shared.update(|r| *r += 1);
        self.refresh();
    }

    /// Plays or pauses. Playing again clears the last run failure (it shows
    /// again if the engine still cannot go on).
    pub fn toggle_play(&self) {
        self.playing.update(|p| *p = !*p);
        if self.playing.get_untracked() {
            self.run_error.set(None);
            self.notice.set(None);
        } else {
            self.story_frame(true);
        }
    }

    /// Advances simulated time by up to `dt` microseconds, stopping when the
    /// wall clock reaches `deadline_ms`, and takes in the events. Returns the
    /// microseconds advanced and whether all of `dt` was reached (when not,
    /// the clock lags behind the speed asked; it never jumps).
    pub fn advance_within(&self, dt: u64, deadline_ms: f64) -> (u64, bool) {
        let Some((before, after, result, events)) = self.sim.try_update_value(|s| {
            let before = s.now();
            let result = run_toward(s, before.saturating_add(dt), |_| now_ms() < deadline_ms);
            (before, s.now(), result, s.drain_events())
        }) else {
            return (0, true);
        };
        self.take_events(&events, after);
        match result {
            Ok(slice) => (after - before, slice.reached),
            Err(e) => {
                self.run_failed(&e);
                (after - before, false)
            }
        }
    }

    /// Processes exactly one event (ending any fast-forward where it got to).
    pub fn step_one(&self) {
        self.end_jump();
        let Some((result, events, now)) = self.sim.try_update_value(|s| {
            let result = s.step();
            (result, s.drain_events(), s.now())
        }) else {
            return;
        };
        self.take_events_told(&events, now, false);
        if let Err(e) = result {
            self.run_failed(&e);
        }
        self.refresh();
        self.story_stepped(&events);
    }

    /// Starts running to an event worth attention (breaker change, dead
    /// letter, crash, failed order…), at most one simulated minute ahead, in
    /// slices across frames; the run pauses there.
    pub fn step_to_notable(&self) {
        self.playing.set(false);
        self.end_jump();
        if let Some(jump) = self.sim.try_with_value(Jump::notable) {
            self.start_jump(jump);
        }
    }

    /// Starts a fast-forward to simulated time `target`, in slices across frames.
    pub fn jump_to(&self, target: Micros) {
        self.end_jump();
        if let Some(jump) = self.sim.try_with_value(|s| Jump::to(s, target)) {
            self.start_jump(jump);
        }
    }

    fn start_jump(&self, jump: Jump) {
        self.notice.set(None);
        self.run_error.set(None);
        self.jump.set_value(Some(jump.clone()));
        self.jumping.set(Some(jump));
    }

    /// True while a fast-forward is under way.
    pub fn is_jumping(&self) -> bool {
        self.jump.with_value(Option::is_some) || self.is_opening_link()
    }

    /// One frame's share of the fast-forward, until the wall clock reaches `deadline_ms`.
    pub fn jump_slice(&self, deadline_ms: f64) {
        if self.is_opening_link() {
            self.playback_slice(deadline_ms);
            return;
        }
        let Some(mut jump) = self.jump.with_value(Clone::clone) else { return };
        // Bounded by the frame's budget (and for a jump to a time, by its recording window).
        let mut events = Vec::new();
        let Some((result, now)) = self.sim.try_update_value(|s| {
            let result = jump.slice(s, || now_ms() < deadline_ms, |e| events.extend_from_slice(e));
            (result, s.now())
        }) else {
            return;
        };
        // Notable events far behind the target go to the event log only:
        // nothing draws or announces them, but the log lists what was jumped over.
        let far = events.partition_point(|e| e.t < jump.log_only_before());
        self.story_take(&events[..far]);
        // Where it stopped, the notice names the event (see `take_events_told`).
        self.take_events_told(&events[far..], now, !matches!(result, Ok(JumpState::Found)));
        match result {
            Ok(JumpState::Running) => self.jump.set_value(Some(jump)),
            Ok(JumpState::Arrived) => self.drop_jump(),
            Ok(JumpState::Found) => {
                self.drop_jump();
                self.refresh();
                self.story_found(&events);
            }
            Ok(JumpState::GaveUp) => {
                self.drop_jump();
                self.notice.set(Some(gave_up_text(now)));
                self.story.highlight.set(None);
            }
            Err(e) => {
                self.jump.set_value(Some(jump));
                self.run_failed(&e);
            }
        }
    }

    /// Stops the fast-forward where it got to, paused (Cancel, Escape).
    pub fn cancel_jump(&self) {
        if self.is_jumping() {
            self.end_jump();
            self.playing.set(false);
            self.refresh();
        }
    }

    /// Ends a fast-forward, leaving the simulation recording as the page expects.
    fn end_jump(&self) {
        self.end_playback();
        let Some(mut jump) = self.jump.try_update_value(Option::take).flatten() else { return };
        let mut events = Vec::new();
        let now = self.sim.try_update_value(|s| {
            jump.finish(s, |e| events.extend_from_slice(e));
            s.now()
        });
        self.take_events(&events, now.unwrap_or_default());
        self.jumping.set(None);
    }

    /// Forgets a fast-forward whose simulation is done with it (arrived, or replaced).
    fn drop_jump(&self) {
        self.playback.set_value(None);
        self.jump.set_value(None);
        if self.jumping.with_untracked(Option::is_some) {
            self.jumping.set(None);
        }
    }

    /// The engine refused to go on: the run pauses where it is, with the
    /// scenario and the edits kept, and the controls say why.
    fn run_failed(&self, e: &SimError) {
        self.end_jump();
        self.playing.set(false);
        let at = clock_text(self.sim.with_value(Simulation::now));
        self.run_error.set(Some(format!("The run stopped at {at}: {e}")));
        self.refresh();
    }

    /// Folds events into the flights (skipping those that arrive before
    /// `now`: they would never be drawn) and the narrator.
    fn take_events(&self, events: &[Event], now: Micros) {
        self.take_events_told(events, now, true);
    }

    /// [`Store::take_events`], with the narrator left out when `narrate` is
    /// false: after a Step or a Next notable stop the run's notice names the
    /// event, and the narrator saying it as well made a screen reader read
    /// it twice.
    fn take_events_told(&self, events: &[Event], now: Micros, narrate: bool) {
        if events.is_empty() {
            return;
        }
        let wall = now_ms();
        let mut spoken = None;
        self.flights.update_value(|f| events.iter().for_each(|e| f.observe_after(e, now, 0)));
        self.journeys.observe(events);
        self.story_take(events);
        if !narrate {
            return;
        }
        self.sim.with_value(|sim| {
            let scenario = sim.scenario();
            let orders = &sim.metrics().orders;
            self.narrator.update_value(|n| {
                n.set_orders(orders.ok, orders.failed);
                for e in events {
                    if let Some(say) = n.hear(&e.kind, scenario, wall) {
                        spoken = Some(say);
                    }
                }
                if spoken.is_none() {
                    spoken = n.flush(wall);
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
        self.story_frame(false);
        let trace = self.sim.with_value(|s| (s.trace_hash().unwrap_or(0), s.now()));
        if self.trace.get_untracked() != trace {
            self.trace.set(trace);
        }
    }

    /// Drops flights that have arrived and old marks.
    pub fn prune_flights(&self, mark_ttl: u64) {
        let now = self.sim.with_value(Simulation::now);
        self.flights.update_value(|f| f.prune(now, mark_ttl));
    }
}

/// The store from context.
pub fn use_store() -> Store {
    expect_context::<Store>()
}
