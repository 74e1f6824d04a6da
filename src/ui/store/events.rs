//! What the page does with the events a run gives: the messages in
//! flight for the canvas, the journeys, the story (event log, alerts)
//! and the narrator's announcements.

use leptos::prelude::*;

use crate::engine::event::Event;
use crate::engine::time::Micros;
use crate::engine::Simulation;

use super::super::browser::now_ms;
use super::Store;

impl Store {
    /// Folds events into the flights (skipping those that arrive before
    /// `now`: they would never be drawn) and the narrator.
    pub(super) fn take_events(&self, events: &[Event], now: Micros) {
        self.take_events_told(events, now, true);
    }

    /// [`Store::take_events`], with the narrator left out when `narrate` is
    /// false: after a Step or a Next notable stop the run's notice names the
    /// event, and the narrator saying it as well made a screen reader read
    /// it twice.
    pub(super) fn take_events_told(&self, events: &[Event], now: Micros, narrate: bool) {
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
            self.announce(say);
        }
    }

    /// Drops flights that have arrived and old marks.
    pub fn prune_flights(&self, mark_ttl: u64) {
        let now = self.sim.with_value(Simulation::now);
        self.flights.update_value(|f| f.prune(now, mark_ttl));
    }
}
