//! Share links and autosave (`view_model::share`): every preset and edited
//! runs round-trip through the link text and play back to the same trace
//! hash; versions, limits and damaged links are refused with a reason; the
//! decoder survives mutated input (a bounded fuzz run here, a million
//! inputs with `cargo test --release --test share -- --ignored`).

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patchbay::engine::design::{fresh_link_id, fresh_node_id, starter_node};
use patchbay::engine::dist::Dist;
use patchbay::engine::rng::Rng;
use patchbay::engine::scenario::*;
use patchbay::engine::{presets, Edit, Simulation, MILLI, SECOND};
use patchbay::view_model::run::run_toward;
use patchbay::view_model::share::{decode, encode, At, Op, ShareState, MAX_OPS, VERSION};
use patchbay::view_model::share_pack::{pack, pack_with, to_base64url, DICTIONARY_V1};
use patchbay::view_model::share_replay::{replay, replay_into, Playback, Tap};

/// What the page's store does, without the page: a run and the changes
/// made to it, each recorded with the engine's position.
struct Page {
    sim: Simulation,
    preset: Option<String>,
    scenario: Option<Box<Scenario>>,
    seed: u64,
    ops: Vec<Op>,
}

impl Page {
    fn preset(name: &str) -> Page {
        let s = presets::load(name).expect("preset");
        let seed = s.seed;
        Page::start(s, seed, Some(name.into()), None)
    }

    fn whole(s: Scenario, seed: u64) -> Page {
        Page::start(s.clone(), seed, None, Some(Box::new(s)))
    }

    fn start(s: Scenario, seed: u64, preset: Option<String>, scenario: Option<Box<Scenario>>) -> Page {
        let mut sim = Simulation::with_seed(s, seed).expect("valid");
        sim.enable_trace_hash();
        Page { sim, preset, scenario, seed, ops: vec![] }
    }

    fn at(&self) -> (u64, u64) {
        (self.sim.timers_fired(), self.sim.now())
    }

    /// Plays toward `t` like a frame, possibly stopping after `chunks` chunks (mid-instant).
    fn play(&mut self, t: u64, chunks: u32) {
        let mut left = chunks;
        run_toward(&mut self.sim, t, |_| {
            left = left.saturating_sub(1);
            left > 0
        })
        .expect("runs");
    }

    fn live(&mut self, edit: Edit) {
        let (n, t) = self.at();
        self.sim.apply(&edit).expect("edit taken");
        self.sim.run_until(t).expect("runs");
        self.ops.push(Op::Edit { n, t, edit });
    }

    fn rebuild(&mut self, edits: Vec<Edit>) {
        let (n, t) = self.at();
        self.sim = self.sim.rebuilt_with(&edits).expect("rebuilt");
        self.ops.push(Op::Rebuild { n, t, edits });
        self.play(t, u32::MAX);
    }

    fn reset(&mut self, seed: u64) {
        let (n, t) = self.at();
        let mut sim = Simulation::with_seed(self.sim.scenario().clone(), seed).expect("valid");
        sim.enable_trace_hash();
        self.sim = sim;
        self.ops.push(Op::Reset { n, t, seed });
    }

    fn state(&self) -> ShareState {
        let (n, t) = self.at();
        ShareState {
            preset: self.preset.clone(),
            scenario: self.scenario.clone(),
            seed: self.seed,
            speed: 0.5,
            paused: true,
            ops: self.ops.clone(),
            at: At(n, t),
            lesson: Some("cascade-basics".into()),
            step: Some(2),
        }
    }

    /// Encodes, decodes and plays back; checks the same hash, time and scenario. Returns the link length.
    fn check_round_trip(&self) -> usize {
        let state = self.state();
        let text = encode(&state).expect("encodes");
        let back = decode(&text).expect("decodes");
        assert_eq!(back, state, "the state survives the text");
        let replayed = replay(&back).expect("plays back");
        assert_eq!(replayed.sim.now(), self.sim.now());
        assert_eq!(replayed.sim.timers_fired(), self.sim.timers_fired());
        assert_eq!(replayed.sim.trace_hash(), self.sim.trace_hash(), "same event stream");
        assert_eq!(replayed.sim.design(), self.sim.design(), "same scenario");
        self.check_sliced(&back);
        text.len()
    }

    /// Plays `state` back as the page does, in the smallest slices (the
    /// budget runs out after every chunk): the same run as `replay`.
    fn check_sliced(&self, state: &ShareState) {
        let (mut playback, mut sim, _) = Playback::new(state).expect("starts");
        let mut slices = 0;
        let mut recorded = 0usize;
        loop {
            slices += 1;
            assert!(slices < 10_000_000, "the playback ends");
            let played = playback.slice(&mut sim, || false, |e| recorded += e.len()).expect("plays back");
            if played.done {
                break;
            }
        }
        playback.finish(&mut sim, |e| recorded += e.len());
        assert_eq!(playback.applied(), &state.ops[..]);
        assert_eq!((sim.timers_fired(), sim.now()), (self.sim.timers_fired(), self.sim.now()));
        assert_eq!(sim.trace_hash(), self.sim.trace_hash(), "sliced playback: same event stream");
        assert_eq!(sim.design(), self.sim.design());
        // Recording starts only in the last stretch before the link's time.
        if state.at.1 == 0 {
            assert_eq!(recorded, 0);
        }
        if state.at.1 > 3 * SECOND && state.ops.is_empty() {
            assert!(slices > 1, "a long run takes more than one slice");
        }
    }
}

#[test]
fn every_preset_round_trips_and_plays_back_to_the_same_hash() {
    for name in presets::names() {
        if name == "stress-2000" {
            continue; // two thousand nodes: the round trip holds, but it is the slow one
        }
        let mut page = Page::preset(name);
        page.play(2 * SECOND, u32::MAX);
        page.check_round_trip();
    }
}

#[test]
fn a_whole_scenario_round_trips() {
    let s = presets::load("cascade").unwrap();
    let mut page = Page::whole(s, 7);
    page.play(3 * SECOND, u32::MAX);
    let n = page.check_round_trip();
    eprintln!("link length: cascade as a whole scenario: {n} characters");
}

fn typical_edits(page: &mut Page) {
    page.play(5 * SECOND, u32::MAX);
    let id = page.sim.scenario().nodes.iter().find(|n| matches!(n.kind, NodeKind::Service(_))).unwrap().id.clone();
    page.live(Edit::ApplyFault {
        fault: Fault { target: id.clone(), at_ms: 0.0, until_ms: None, effect: FaultEffect::Slow { factor: 100.0 } },
    });
    page.play(8 * SECOND, 3); // stops mid-way, as a busy frame does
    page.live(Edit::MoveNode { node: id.clone(), position: Position { x: 12.0, y: 34.0 } });
    page.play(9 * SECOND, u32::MAX);
    page.live(Edit::ClearFault { index: page.sim.faults().len() as u32 - 1 });
    page.play(10 * SECOND, u32::MAX);
}

#[test]
fn an_edited_run_round_trips_live_edits_structural_edits_and_resets() {
    let mut page = Page::preset("seven");
    typical_edits(&mut page);
    let typical = page.check_round_trip();
    // A new service linked from an existing one: a structural change, run again from zero.
    let s = page.sim.scenario().clone();
    let from = s.nodes.iter().find(|n| matches!(n.kind, NodeKind::Service(_))).unwrap().id.clone();
    let id = fresh_node_id(&s, "service");
    let node = starter_node("service", &id, "New <b>service</b>", Position { x: 900.0, y: 100.0 }).unwrap();
    let link = Link {
        id: fresh_link_id(&s, &from, &id),
        from,
        to: id.clone(),
        latency: Dist::Constant { ms: 2.0 },
        transport: Transport::RequestResponse(SyncPolicy::default()),
    };
    page.rebuild(vec![Edit::AddNode { node }, Edit::AddLink { link }]);
    page.play(12 * SECOND + 300 * MILLI, u32::MAX);
    page.check_round_trip();
    page.reset(99);
    page.play(SECOND, u32::MAX);
    let longer = page.check_round_trip();
    eprintln!("link length: seven with a fault, a move and a clear: {typical} characters; plus a new node and link and a reset: {longer}");
    let json = serde_json::to_string(&page.state()).unwrap();
    eprintln!(
        "the same state: {} bytes of JSON, {} characters as plain base64url",
        json.len(),
        to_base64url(json.as_bytes()).len()
    );
    let plain = Page::preset("seven").check_round_trip();
    eprintln!("link length: seven as it opens: {plain} characters");
    assert!(plain < 80, "the default scenario's link is short ({plain})");
    assert!(typical < 600, "a typical edited link fits in a chat message ({typical})");
}

#[test]
fn a_sliced_playback_stops_at_a_refused_change_and_names_it() {
    let mut page = Page::preset("cascade");
    page.play(2 * SECOND, u32::MAX);
    page.live(Edit::ClearFault { index: 0 });
    let mut state = page.state();
    // A change the engine refuses: a fault index that does not exist.
    state.ops.push(Op::Edit { n: state.at.0, t: state.at.1, edit: Edit::ClearFault { index: 999 } });
    let (mut playback, mut sim, _) = Playback::new(&state).unwrap();
    let err = loop {
        match playback.slice(&mut sim, || true, |_| {}) {
            Ok(p) if p.done => panic!("a refused change must stop the playback"),
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    assert!(err.0.contains("change 2 was refused"), "{err}");
    assert_eq!(playback.applied().len(), 1, "the changes before it stay applied");
}

#[test]
fn the_trace_tap_keeps_the_run_from_time_zero_and_starts_again_with_it() {
    let mut page = Page::preset("cascade");
    page.play(3 * SECOND, u32::MAX);
    // The events a run to the same point records, from time zero.
    let mut direct = Simulation::with_seed(presets::load("cascade").unwrap(), page.seed).unwrap();
    direct.set_recording(true);
    direct.run_until(3 * SECOND).unwrap();
    let all = direct.drain_events();
    let mut tap = Tap::new(1_000_000);
    replay_into(&page.state(), Some(&mut tap)).unwrap();
    assert!(!tap.truncated);
    assert_eq!(tap.events, all);
    let mut small = Tap::new(10);
    replay_into(&page.state(), Some(&mut small)).unwrap();
    assert!(small.truncated);
    assert_eq!(small.events[..], all[..10]);
    // After a reset the trace is the new run's, even when the tap filled
    // up before the reset (the playback does not stop at a full tap while
    // a restart is still ahead).
    page.reset(5);
    page.play(SECOND, u32::MAX);
    let mut again = Simulation::with_seed(presets::load("cascade").unwrap(), 5).unwrap();
    again.set_recording(true);
    again.run_until(SECOND).unwrap();
    let again = again.drain_events();
    let mut after = Tap::new(1_000_000);
    replay_into(&page.state(), Some(&mut after)).unwrap();
    assert_eq!(after.events, again);
    let mut small_after = Tap::new(10);
    replay_into(&page.state(), Some(&mut small_after)).unwrap();
    assert!(small_after.truncated);
    assert_eq!(small_after.events[..], again[..10]);
}

/// A full tap stops the playback there when no restart is ahead: the
/// trace download of a long run costs its first events, not the whole run.
#[test]
fn a_full_tap_stops_the_playback_early() {
    let mut page = Page::preset("cascade");
    page.play(60 * SECOND, u32::MAX);
    let mut small = Tap::new(100);
    let played = replay_into(&page.state(), Some(&mut small)).unwrap();
    assert!(small.truncated);
    assert!(played.sim.now() < SECOND, "stopped at {} µs, not at the link's 60 s", played.sim.now());
    let mut all = Tap::new(10_000_000);
    let whole = replay_into(&page.state(), Some(&mut all)).unwrap();
    assert_eq!(whole.sim.now(), 60 * SECOND);
    assert_eq!(small.events[..], all.events[..100]);
}

/// A link written by a build from before lessons were carried (format 1,
/// no `lesson` or `step`): it must keep opening.
const OLD_V1_LINK: &str = "v1.KpGjCQA3iKIJhpgJAH0";

#[test]
fn lesson_and_step_round_trip_and_old_v1_links_still_open() {
    let mut page = Page::preset("cascade");
    page.play(SECOND, u32::MAX);
    let mut state = page.state();
    state.lesson = Some("request-response".into());
    state.step = Some(3);
    let back = decode(&encode(&state).unwrap()).unwrap();
    assert_eq!((back.lesson.as_deref(), back.step), (Some("request-response"), Some(3)));
    state.lesson = None;
    state.step = None;
    assert!(decode(&encode(&state).unwrap()).unwrap().lesson.is_none());
    let old = decode(OLD_V1_LINK).expect("an old v1 link opens");
    assert_eq!((old.lesson.as_deref(), old.step), (None, None));
    assert_eq!(old.preset.as_deref(), Some("seven"));
    assert!(replay(&old).is_ok());
}

#[test]
fn labels_with_markup_survive_as_text() {
    let mut s = presets::load("cascade").unwrap();
    s.nodes[0].label = "<img src=x onerror=alert(1)>".into();
    let page = Page::whole(s, 1);
    let back = decode(&encode(&page.state()).unwrap()).unwrap();
    assert_eq!(back.scenario.unwrap().nodes[0].label, "<img src=x onerror=alert(1)>");
}

/// A link made by the build before format 2 (edits externally tagged,
/// packed against format 1's dictionary) still opens, to the same state.
#[test]
fn format_1_links_still_open() {
    let v1 = concat!(
        r#"{"p":"cascade","seed":7,"sp":2.0,"ops":["#,
        r#"{"e":{"n":120,"t":3000000,"edit":{"apply_fault":{"fault":{"target":"pricing","at_ms":3000.0,"until_ms":null,"effect":{"type":"crash"}}}}}},"#,
        r#"{"e":{"n":130,"t":3500000,"edit":{"move_node":{"node":"pricing","position":{"x":10.0,"y":20.0}}}}},"#,
        r#"{"r":{"n":140,"t":4000000,"edits":[{"remove_link":{"link":"api-pricing"}}]}}"#,
        r#"],"at":[150,4200000]}"#
    );
    let link = format!("v1.{}", to_base64url(&pack_with(v1.as_bytes(), DICTIONARY_V1)));
    let state = decode(&link).unwrap();
    assert_eq!(state.preset.as_deref(), Some("cascade"));
    assert_eq!(state.ops.len(), 3);
    assert!(matches!(&state.ops[1], Op::Edit { n: 130, edit: Edit::MoveNode { node, .. }, .. } if node == "pricing"));
    assert!(
        matches!(&state.ops[2], Op::Rebuild { edits, .. } if matches!(&edits[..], [Edit::RemoveLink { link }] if link == "api-pricing"))
    );
    // Written again, it is a format 2 link that reads back the same.
    let again = encode(&state).unwrap();
    assert!(again.starts_with(&format!("v{VERSION}.")));
    assert_eq!(decode(&again).unwrap(), state);
}

fn packed(json: &str) -> String {
    format!("v{VERSION}.{}", to_base64url(&pack(json.as_bytes())))
}

#[test]
fn versions_are_named() {
    let text = encode(&Page::preset("seven").state()).unwrap();
    let this = format!("v{VERSION}.");
    let newer = text.replacen(&this, &format!("v{}.", VERSION + 1), 1);
    assert!(decode(&newer).unwrap_err().0.contains(&format!("newer Patchbay (format {})", VERSION + 1)));
    let older = text.replacen(&this, "v0.", 1);
    assert!(decode(&older).unwrap_err().0.contains("format 0"));
    assert!(decode("hello").unwrap_err().0.contains("version"));
    assert!(decode("vx.abc").unwrap_err().0.contains("not a number"));
    assert!(decode("").unwrap_err().0.contains("no state"));
}

#[test]
fn limits_and_damage_are_named() {
    let err = |text: &str| decode(text).unwrap_err().0;
    assert!(err(&format!("v{VERSION}.ab$c")).contains("'$' at 2"));
    let text = encode(&Page::preset("seven").state()).unwrap();
    assert!(err(&text[..text.len() - 3]).contains("cut off"));
    assert!(err(&format!("v{VERSION}.").repeat(100_000)).contains("at most"));
    assert!(err(&packed("{\"p\":\"seven\"}")).contains("missing field `seed`"));
    assert!(err(&packed("{\"seed\":1,\"sp\":1,\"at\":[0,0]}")).contains("names no scenario"));
    assert!(err(&packed("{\"p\":\"seven\",\"seed\":1,\"sp\":1000,\"at\":[0,0]}")).contains("speed 1000"));
    assert!(err(&packed("{\"p\":\"seven\",\"seed\":1,\"sp\":1,\"at\":[0,99999999999]}")).contains("at most 3600 s"));
    assert!(err(&packed("{\"p\":\"seven\",\"seed\":1,\"sp\":1,\"at\":[0,0],\"x\":1}")).contains("unknown field `x`"));
    let ops: Vec<String> = (0..=MAX_OPS).map(|_| "{\"s\":{\"n\":0,\"t\":0,\"seed\":1}}".to_string()).collect();
    let many = format!("{{\"p\":\"seven\",\"seed\":1,\"sp\":1,\"at\":[0,0],\"ops\":[{}]}}", ops.join(","));
    assert!(err(&packed(&many)).contains("at most 2000"));
    // Decoded but refused when played back: an unknown preset, an edit the engine refuses, time going back.
    let unknown = decode(&packed("{\"p\":\"doesnotexist\",\"seed\":1,\"sp\":1,\"at\":[0,0]}")).unwrap();
    assert!(replay(&unknown).err().unwrap().0.contains("\"doesnotexist\""));
    let bad_edit = decode(&packed(
        "{\"p\":\"seven\",\"seed\":1,\"sp\":1,\"at\":[0,0],\"ops\":[{\"e\":{\"n\":0,\"t\":0,\"edit\":{\"type\":\"move_node\",\"node\":\"nope\",\"position\":{\"x\":0,\"y\":0}}}}]}",
    ))
    .unwrap();
    assert!(replay(&bad_edit).err().unwrap().0.contains("change 1 was refused"));
    let back = decode(&packed(
        "{\"p\":\"seven\",\"seed\":1,\"sp\":1,\"at\":[0,5],\"ops\":[{\"e\":{\"n\":0,\"t\":9,\"edit\":{\"type\":\"move_node\",\"node\":\"browser\",\"position\":{\"x\":0,\"y\":0}}}}]}",
    ))
    .unwrap();
    assert!(replay(&back).err().unwrap().0.contains("goes back in simulated time"));
}

/// Valid links to mutate: the fuzzer's corpus.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut pages = vec![Page::preset("seven"), Page::preset("cascade")];
    typical_edits(&mut pages[0]);
    let mut whole = presets::load("poison").unwrap();
    whole.nodes[0].label = "<img src=x onerror=alert(1)>".into();
    pages.push(Page::whole(whole, 3));
    pages
        .iter()
        .map(|p| {
            let json = serde_json::to_string(&p.state()).unwrap();
            (encode(&p.state()).unwrap(), json.into_bytes())
        })
        .collect()
}

/// Mutates `input` in place: flips, inserts, deletes, duplicates and truncates bytes.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, alphabet: &[u8]) {
    for _ in 0..rng.range_inclusive(1, 4) {
        let len = input.len() as u64;
        let pos = if len == 0 { 0 } else { rng.range_inclusive(0, len - 1) as usize };
        let byte = alphabet[rng.range_inclusive(0, alphabet.len() as u64 - 1) as usize];
        match rng.range_inclusive(0, 5) {
            0 if len > 0 => input[pos] = byte,
            1 => input.insert(pos.min(input.len()), byte),
            2 if len > 0 => {
                input.remove(pos);
            }
            3 if len > 0 => input.truncate(pos),
            4 if len > 1 => {
                let end = (pos + rng.range_inclusive(1, 16) as usize).min(input.len());
                let chunk = input[pos..end].to_vec();
                let at = rng.range_inclusive(0, len - 1) as usize;
                input.splice(at..at, chunk);
            }
            _ if len > 0 => input[pos] ^= 1 << rng.range_inclusive(0, 7),
            _ => input.push(byte),
        }
    }
}

/// Decodes `runs` mutated inputs at three layers (the link text, the
/// packed bytes, the JSON), starting from valid links. A panic fails the test.
fn fuzz(runs: u64, seed: u64) -> (u64, u64) {
    let corpus = corpus();
    let mut rng = Rng::new(seed);
    let text_alphabet: Vec<u8> =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.v#%\xc3\xa9 ".to_vec();
    let json_alphabet: Vec<u8> = b"{}[]\",:0123456789.-eE truefalsnul\\pkasc".to_vec();
    let all_bytes: Vec<u8> = (0..=255).collect();
    let (mut ok, mut refused) = (0, 0);
    for i in 0..runs {
        let (text, json) = &corpus[(i % corpus.len() as u64) as usize];
        let input = match i % 4 {
            0 => {
                let mut t = text.clone().into_bytes();
                mutate(&mut rng, &mut t, &text_alphabet);
                String::from_utf8_lossy(&t).into_owned()
            }
            1 => {
                let mut p = pack(json);
                mutate(&mut rng, &mut p, &all_bytes);
                format!("v{VERSION}.{}", to_base64url(&p))
            }
            2 => {
                let mut j = json.clone();
                mutate(&mut rng, &mut j, &json_alphabet);
                format!("v{VERSION}.{}", to_base64url(&pack(&j)))
            }
            // Format 1 links go through the upgrade first: it must not panic either.
            _ => {
                let mut j = json.clone();
                mutate(&mut rng, &mut j, &json_alphabet);
                format!("v1.{}", to_base64url(&pack_with(&j, DICTIONARY_V1)))
            }
        };
        match decode(&input) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(!e.0.is_empty(), "every refusal says why");
                refused += 1;
            }
        }
    }
    (ok, refused)
}

#[test]
fn the_decoder_survives_thirty_thousand_mutated_links() {
    let (ok, refused) = fuzz(30_000, 12);
    assert!(refused > 10_000 && ok > 100, "the mutations reach both outcomes ({ok} read, {refused} refused)");
}

/// The long run: `cargo test --release --test share -- --ignored --nocapture`.
#[test]
#[ignore = "a million inputs: run on demand (docs/share.md)"]
fn the_decoder_survives_a_million_mutated_links() {
    let runs = std::env::var("SHARE_FUZZ_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let seed = std::env::var("SHARE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(2026);
    let (ok, refused) = fuzz(runs, seed);
    eprintln!("{runs} inputs (seed {seed}): {ok} read, {refused} refused, no panic");
}
