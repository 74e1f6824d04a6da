//! The store's share of Compare: the two runs under way (outside the
//! reactive graph), advanced one budgeted slice per animation frame by the
//! loop, their progress and outcome as signals, and the announcement when
//! they are done.

use leptos::prelude::*;

use crate::view_model::compare::{toggles, Compare, Outcome, Toggle, COMPARE_SECONDS};

use super::super::browser::now_ms;
use super::{Selection, Store};

/// The Compare dialog's element id.
pub const DIALOG_ID: &str = "compare-dialog";

/// Compare's state in the store. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct CompareState {
    job: StoredValue<Option<Compare>, LocalStorage>,
    /// The switches offered when the dialog opened: (label, on now).
    pub choices: RwSignal<Vec<(String, bool)>>,
    /// The switch chosen, by label.
    pub choice: RwSignal<String>,
    /// How far the runs under way have got (0 to 1), while they run.
    pub progress: RwSignal<Option<f64>>,
    /// The last comparison's outcome.
    pub outcome: RwSignal<Option<Outcome>>,
    /// Why the last comparison could not run.
    pub error: RwSignal<Option<String>>,
    started_ms: StoredValue<f64, LocalStorage>,
    /// Wall milliseconds the last comparison took (shown, and read by the tests).
    pub took_ms: RwSignal<Option<f64>>,
}

impl Default for CompareState {
    fn default() -> CompareState {
        CompareState {
            job: StoredValue::new_local(None),
            choices: RwSignal::new(Vec::new()),
            choice: RwSignal::new(String::new()),
            progress: RwSignal::new(None),
            outcome: RwSignal::new(None),
            error: RwSignal::new(None),
            started_ms: StoredValue::new_local(0.0),
            took_ms: RwSignal::new(None),
        }
    }
}

impl Store {
    /// The mitigation switches of the scenario as it stands (turned on, they
    /// take the loaded scenario's values, or the page's defaults).
    pub fn compare_toggles(&self) -> Vec<Toggle> {
        let original = self.original.with_value(Clone::clone);
        self.sim.with_value(|s| toggles(s.scenario(), &original))
    }

    /// The id of the node or link selected.
    pub fn selection_id(&self, sel: Selection) -> Option<String> {
        self.sim.with_value(|s| match sel {
            Selection::Node(i) => s.scenario().nodes.get(i).map(|n| n.id.clone()),
            Selection::Link(i) => s.scenario().links.get(i).map(|l| l.id.clone()),
        })
    }

    /// Opens the Compare dialog, with the first switch of `owner` (a node or link id) chosen.
    pub fn open_compare(&self, owner: Option<&str>) {
        let list = self.compare_toggles();
        let pick = list.iter().find(|t| owner.is_some_and(|id| t.owner == id)).or(list.first());
        self.compare.choice.set(pick.map(|t| t.label.clone()).unwrap_or_default());
        self.compare.choices.set(list.into_iter().map(|t| (t.label, t.on)).collect());
        use wasm_bindgen::JsCast;
        let dialog = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(DIALOG_ID))
            .and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok());
        if let Some(d) = dialog {
            let _shown = d.show_modal();
        }
    }

    /// Starts both runs of the switch labelled `label`: the run's design
    /// (settings now, every fault at its time) from zero, same seed.
    pub fn start_compare(&self, label: &str) {
        let c = &self.compare;
        c.error.set(None);
        let Some(toggle) = self.compare_toggles().into_iter().find(|t| t.label == label) else {
            c.error.set(Some("That switch is no longer in the scenario.".into()));
            return;
        };
        let seed = self.seed.get_untracked();
        let job = self.sim.with_value(|s| Compare::new(&s.design(), seed, &toggle, COMPARE_SECONDS));
        match job {
            Ok(job) => {
                c.job.set_value(Some(job));
                c.started_ms.set_value(now_ms());
                c.progress.set(Some(0.0));
                c.took_ms.set(None);
                c.outcome.set(None);
                self.announce(format!("Comparing without and with {}…", toggle.name.to_ascii_lowercase()));
            }
            Err(e) => c.error.set(Some(format!("Cannot compare: {e}"))),
        }
    }

    /// True while a comparison runs.
    pub fn is_comparing(&self) -> bool {
        self.compare.job.with_value(Option::is_some)
    }

    /// Stops the comparison under way.
    pub fn cancel_compare(&self) {
        self.compare.job.set_value(None);
        self.compare.progress.set(None);
    }

    /// One frame's share of the comparison, until the wall clock reaches `deadline_ms`.
    pub fn compare_slice(&self, deadline_ms: f64) {
        let c = &self.compare;
        let Some(result) = c.job.try_update_value(|j| {
            j.as_mut().map(|job| job.slice(|| now_ms() < deadline_ms).map(|done| (done, job.progress())))
        }) else {
            return;
        };
        match result {
            None => {}
            Some(Ok((false, p))) => c.progress.set(Some(p)),
            Some(Ok((true, _))) => {
                let outcome = c.job.with_value(|j| j.as_ref().map(Compare::outcome));
                c.job.set_value(None);
                c.progress.set(None);
                c.took_ms.set(Some(now_ms() - c.started_ms.get_value()));
                if let Some(o) = outcome {
                    self.announce(o.summary());
                    c.outcome.set(Some(o));
                }
            }
            Some(Err(e)) => {
                self.cancel_compare();
                c.error.set(Some(format!("The comparison stopped: {e}")));
            }
        }
    }
}
