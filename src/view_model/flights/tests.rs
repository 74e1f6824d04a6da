use super::*;
use crate::engine::{presets, Simulation, SECOND};

#[test]
fn flights_follow_the_event_stream() {
    let mut sim = Simulation::new(presets::load("order-flow").expect("preset")).expect("valid");
    sim.set_recording(true);
    let mut flights = Flights::default();
    flights.shape_links(sim.scenario());
    let mut seen_moving = 0;
    // Sample the wire every 7 ms for two seconds.
    for step in 1..=300u64 {
        sim.run_until(step * 7_000).expect("runs");
        for e in sim.drain_events() {
            flights.observe(&e);
        }
        let now = sim.now();
        for f in flights.moving(now) {
            assert!(f.start <= now && now <= f.end);
            assert!((0.0..=1.0).contains(&f.progress(now)));
            seen_moving += 1;
        }
        let per_link = flights.per_link(now, sim.scenario().links.len());
        assert_eq!(per_link.iter().sum::<u32>() as usize, flights.moving(now).count());
    }
    assert!(seen_moving > 50, "a busy order flow has messages on the wire: {seen_moving}");
    let now = sim.now();
    assert!(flights.flights.iter().any(|f| f.kind == FlightKind::Reply && f.reverse));
    assert!(flights.flights.iter().any(|f| f.kind == FlightKind::Delivery));
    // Sends follow their link's look: calls as circles, messages for a queue as diamonds.
    let enqueue_links: Vec<u32> = (0..sim.scenario().links.len() as u32)
        .filter(|&l| matches!(sim.scenario().links[l as usize].transport, crate::engine::scenario::Transport::Enqueue))
        .collect();
    assert!(flights.flights.iter().any(|f| f.kind == FlightKind::Enqueue));
    for f in flights.flights.iter().filter(|f| matches!(f.kind, FlightKind::Enqueue | FlightKind::Request)) {
        assert_eq!(f.kind == FlightKind::Enqueue, enqueue_links.contains(&f.link), "{f:?}");
    }
    flights.prune(now, SECOND);
    assert!(flights.flights.iter().all(|f| f.end >= now));
    flights.clear();
    assert_eq!(flights.moving(now).count(), 0);
}

/// Every drawn request, reply and delivery knows its order, and a click
/// finds the order of the message nearest to it.
#[test]
fn flights_know_their_order_and_a_point_finds_the_nearest() {
    let mut sim = Simulation::new(presets::load("order-flow").expect("preset")).expect("valid");
    sim.set_recording(true);
    sim.run_until(3 * SECOND).expect("runs");
    let mut flights = Flights::default();
    flights.shape_links(sim.scenario());
    for e in sim.drain_events() {
        flights.observe(&e);
    }
    for kind in [FlightKind::Request, FlightKind::Reply, FlightKind::Delivery, FlightKind::Enqueue] {
        let all: Vec<_> = flights.flights.iter().filter(|f| f.kind == kind).collect();
        assert!(!all.is_empty(), "{kind:?} drawn");
        assert!(all.iter().all(|f| f.corr != 0), "every {kind:?} names its order");
    }
    // Two flights on one straight link, each 100 units long: the point picks the nearer.
    let mut two = Flights::default();
    let f = |corr, start| Flight {
        kind: FlightKind::Request,
        link: 0,
        reverse: false,
        hop: None,
        start,
        end: start + 100,
        corr,
    };
    two.flights.push_back(f(7, 0));
    two.flights.push_back(f(9, 50));
    let ends = |_: &Flight| Some(((0.0, 0.0), (100.0, 0.0)));
    // At time 60 order 7 is at x = 60 and order 9 at x = 10.
    assert_eq!(two.order_near(60, (58.0, 2.0), 8.0, ends), Some(7));
    assert_eq!(two.order_near(60, (12.0, -1.0), 8.0, ends), Some(9));
    assert_eq!(two.order_near(60, (35.0, 0.0), 8.0, ends), None, "nothing within the radius");
    assert_eq!(two.order_near(60, (58.0, 2.0), 8.0, |_| None), None, "nothing drawn");
}

#[test]
fn failures_become_marks() {
    let mut sim = Simulation::new(presets::load("poison-dlq").expect("preset")).expect("valid");
    sim.set_recording(true);
    sim.run_until(30 * SECOND).expect("runs");
    let mut flights = Flights::default();
    for e in sim.drain_events() {
        flights.observe(&e);
    }
    let kinds: Vec<MarkKind> = flights.marks().map(|m| m.kind).collect();
    assert!(kinds.contains(&MarkKind::Crash));
    assert!(kinds.contains(&MarkKind::DeadLetter));
    assert!(flights.flights.iter().any(|f| f.kind == FlightKind::Redelivery));
    flights.prune(30 * SECOND, 0);
    assert_eq!(flights.marks().count(), 0);
}

#[test]
fn the_rings_are_bounded_and_skip_what_is_never_drawn() {
    let sent = |t: Micros, end: Micros| Event {
        t,
        kind: EventKind::Sent { msg: 1, corr: 1, parent: 0, link: 0, attempt: 0, arrives: Some(end) },
    };
    let mut flights = Flights::default();
    for i in 0..(MAX_FLIGHTS as u64 + 10) {
        flights.observe(&sent(i, i + 5));
    }
    assert_eq!(flights.flights.len(), MAX_FLIGHTS);
    assert_eq!(flights.flights.front().map(|f| f.start), Some(10), "the oldest went first");
    flights.clear();
    flights.observe_after(&sent(0, 100), 101, 0);
    assert_eq!(flights.flights.len(), 0, "arrived before it could be drawn");
    flights.observe_after(&sent(0, 100), 100, 0);
    assert_eq!(flights.flights.len(), 1);
    let crash = |t: Micros| Event {
        t,
        kind: EventKind::ReplicaCrashed { node: 0, replica: 0, reason: crate::engine::event::Reason::Error },
    };
    flights.observe_after(&crash(5), 0, 6);
    assert_eq!(flights.marks().count(), 0, "too old to show");
    for t in 0..(MAX_MARKS as u64 + 3) {
        flights.observe_after(&crash(t), 0, 0);
    }
    assert_eq!(flights.marks().count(), MAX_MARKS);
}

#[test]
fn progress_is_clamped() {
    let f = Flight { kind: FlightKind::Request, link: 0, reverse: false, hop: None, start: 100, end: 200, corr: 1 };
    assert_eq!(f.progress(50), 0.0);
    assert_eq!(f.progress(150), 0.5);
    assert_eq!(f.progress(500), 1.0);
    let instant = Flight { end: 100, ..f };
    assert_eq!(instant.progress(100), 1.0);
}
