//! The app's one store: the simulation (outside the reactive graph), the
//! signals the views read, and the actions that change them. Every change to
//! the simulation goes through here. This file holds the store's fields and
//! how it is made; its actions are in files by purpose: `load.rs` (a
//! preset, for the picker and lessons; a file; a seed), `restore.rs` (a
//! share link or the autosave played back), `share.rs` (what a link
//! records), `run.rs` (playing, stepping, fast-forwards), `events.rs`
//! (the events taken in), `edits.rs`, `history.rs` (undo), `story.rs`
//! and `compare.rs`.

use std::collections::VecDeque;

use leptos::prelude::*;

mod compare;
mod edits;
mod events;
mod history;
mod load;
mod restore;
mod run;
mod share;
mod story;

pub use share::Start;

pub use compare::{CompareState, DIALOG_ID};
pub use history::History;
pub use story::StoryState;

use crate::engine::scenario::Scenario;
use crate::engine::{Simulation, TimedEdit};
use crate::view_model::flights::Flights;
use crate::view_model::frame::{links_changed, nodes_changed, wakes_each_frame, Frame};
use crate::view_model::narration::Narrator;
use crate::view_model::run::Jump;
use crate::view_model::story::{departs, StartText};
use crate::view_model::viewport::Viewport;

use load::{load_preset, new_sim};

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
    /// A wake-up per stage node, so a frame wakes only the nodes it changed.
    pub node_cells: super::node_cells::Cells,
    /// A wake-up per link, so a frame wakes only the links it changed.
    pub link_cells: super::node_cells::Cells,
    /// Bumped whenever the scenario's shape or settings change.
    pub revision: RwSignal<u64>,
    /// The latest announcement for the aria-live region (set through `announce`).
    pub announcement: RwSignal<String>,
    /// True from an announcement until the page has taken it in (`note_announced`).
    announce_queued: StoredValue<bool>,
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
    /// Bumped each time a run starts from somewhere new (a preset, a file,
    /// a link or the autosave), not by Reset, which goes on from the same
    /// run: the autosave tells a replaced run from one going on by it.
    pub starts: RwSignal<u64>,
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

impl Store {
    /// A store running preset `name` (the default preset if the name is unknown).
    pub fn new(name: &str) -> Option<Store> {
        let scenario = load_preset(name);
        let seed = scenario.seed;
        let sim = StoredValue::new_local(new_sim(scenario.clone(), seed)?);
        let started_as = StoredValue::new_local(StartText::of(&scenario));
        let (preset, revision, jumping) = (RwSignal::new(scenario.name.clone()), RwSignal::new(0), RwSignal::new(None));
        let frame = RwSignal::new(Frame::default());
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
            frame,
            node_cells: super::node_cells::Cells::new(frame),
            link_cells: super::node_cells::Cells::new(frame),
            revision,
            announcement: RwSignal::new(String::new()),
            announce_queued: StoredValue::new(false),
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
            starts: RwSignal::new(0),
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

    /// Copies the simulation's state into the frame signal.
    pub fn refresh(&self) {
        let links = self.sim.with_value(|s| s.scenario().links.len());
        let now = self.sim.with_value(Simulation::now);
        let per_link = self.flights.with_value(|f| f.per_link(now, links));
        let captured = self.sim.try_with_value(|s| {
            let each: Vec<bool> = s.scenario().nodes.iter().map(|n| wakes_each_frame(&n.kind)).collect();
            (Frame::capture(s, per_link), each)
        });
        if let Some((frame, each)) = captured {
            let (changed, links) = {
                let old = self.frame.read_untracked();
                (nodes_changed(&old, &frame, &each), links_changed(&old, &frame, self.reduced_motion.get_untracked()))
            };
            self.frame.set(frame);
            for i in changed {
                self.node_cells.notify(i);
            }
            for i in links {
                self.link_cells.notify(i);
            }
        }
        self.story_frame(false);
        let trace = self.sim.with_value(|s| (s.trace_hash().unwrap_or(0), s.now()));
        if self.trace.get_untracked() != trace {
            self.trace.set(trace);
        }
    }
}

/// The store from context.
pub fn use_store() -> Store {
    expect_context::<Store>()
}
