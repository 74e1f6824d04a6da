//! Inspector panel for type 7, scheduled jobs: the monitoring switch, the
//! overlap policy and the job's faults (toggles). Every change is an
//! `Edit` through the store (`set_job`, `apply_fault`, `clear_fault`).

use leptos::prelude::*;

use crate::engine::scenario::{FaultEffect, JobSpec, MonitorOn, OverlapPolicy};
use crate::engine::Edit;

use super::inspector::{FaultButton, Switch};
use super::store::use_store;

/// The faults a job panel offers: label, test id, effect.
fn job_faults() -> [(&'static str, &'static str, FaultEffect); 5] {
    [
        ("Silent failure (half the rows)", "fault-silent-failure", FaultEffect::SilentFailure { share_written: 0.5 }),
        ("Wrong output (drift)", "fault-wrong-output", FaultEffect::WrongOutput { drift_per_run: 0.05 }),
        ("Missing input", "fault-missing-input", FaultEffect::MissingInput),
        ("Crash (non-zero exit)", "fault-job-crash", FaultEffect::Crash),
        ("Slow ×10 (runs overlap)", "fault-job-slow", FaultEffect::Slow { factor: 10.0 }),
    ]
}

/// A job: what it watches, what it does on overlap, and its faults.
#[component]
pub fn JobPanel(id: String, spec: JobSpec) -> impl IntoView {
    let store = use_store();
    let output = spec.monitor == MonitorOn::Output;
    let on_monitor = {
        let (id, spec) = (id.clone(), spec.clone());
        Callback::new(move |on: bool| {
            let mut next = spec.clone();
            next.monitor = if on { MonitorOn::Output } else { MonitorOn::ExitCode };
            // A freshness check needs a limit: one schedule period plus a grace of 40 %.
            if on && next.freshness_ms.is_none() {
                next.freshness_ms = next.every_ms.map(|ms| ms * 1.4);
            }
            store.edit(Edit::SetJob { node: id.clone(), spec: next });
        })
    };
    let choices = [
        ("concurrent", OverlapPolicy::Concurrent, "run both (Kubernetes Allow)"),
        ("skip", OverlapPolicy::Skip, "skip it, start late once free (Forbid)"),
        ("queue", OverlapPolicy::Queue, "queue the new run"),
        ("replace", OverlapPolicy::Replace, "new replaces old (Replace)"),
    ];
    let options = choices
        .iter()
        .map(|(key, p, word)| view! { <option value=*key selected=*p == spec.overlap>{*word}</option> })
        .collect_view();
    let on_overlap = {
        let (id, spec) = (id.clone(), spec.clone());
        move |ev| {
            let key = event_target_value(&ev);
            let Some((_, overlap, _)) = choices.iter().find(|(k, _, _)| *k == key) else { return };
            store.edit(Edit::SetJob { node: id.clone(), spec: JobSpec { overlap: *overlap, ..spec.clone() } });
        }
    };
    let toggles = job_faults()
        .into_iter()
        .map(|(label, testid, effect)| view! { <FaultButton target=id.clone() label=label testid=testid effect=effect /> })
        .collect_view();
    view! {
        <h4 class="inspector__heading">"Monitoring"</h4>
        <Switch
            label="Monitor the output: rows in vs out, freshness, duration"
            testid="switch-job-output"
            checked=Signal::derive(move || output)
            on_change=on_monitor
        />
        <p class="region__hint">
            {if output {
                "Alerts on a non-zero exit, on rows out differing from rows in, on stale output and on runs growing slow."
            } else {
                "Only the exit code is watched: a run that exits 0 with missing or wrong rows raises nothing."
            }}
        </p>
        <label class="inspector__field">
            <span>"When a run is still going"</span>
            <select data-testid="select-overlap" on:change=on_overlap>{options}</select>
        </label>
        <h4 class="inspector__heading">"Inject a fault"</h4>
        <div class="inspector__buttons">{toggles}</div>
    }
}
