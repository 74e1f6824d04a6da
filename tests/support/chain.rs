//! Shared by the request-response tests: Client → A → B, where A calls B
//! over the `a-b` link with the protections under test. Every link takes
//! 1 ms each way; both services have one instance with 1,000 workers and a
//! backlog of 100,000 unless told otherwise, A works 1 ms and B 1 ms.

// Tests stop at the first surprise: unwrapping, expecting and panicking is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use patchbay::engine::scenario::Scenario;
use serde_json::{json, Value};

/// Node indices.
pub const CLIENT: u32 = 0;
pub const A: u32 = 1;
pub const B: u32 = 2;
/// Link indices: Client → A, and A → B (the link under test).
pub const CA: u32 = 0;
pub const AB: u32 = 1;

/// A Client → A → B scenario under construction.
pub struct Chain {
    name: String,
    seed: u64,
    a: Value,
    b: Value,
    transport: Value,
    arrival: Value,
    stop_ms: Option<u64>,
    faults: Vec<Value>,
}

/// A service's kind: one instance, `ms` of work per request.
fn service(ms: u32) -> Value {
    json!({"type": "service", "replicas": 1, "concurrency": 1000, "backlog": 100_000,
           "processing": {"type": "constant", "ms": ms}, "restart_ms": 100})
}

impl Chain {
    /// Plain links, an order every 100 ms, no faults.
    pub fn new(name: &str, seed: u64) -> Chain {
        Chain {
            name: name.into(),
            seed,
            a: service(1),
            b: service(1),
            transport: json!({"type": "request_response"}),
            arrival: json!({"type": "constant", "rate_per_s": 10}),
            stop_ms: None,
            faults: Vec::new(),
        }
    }

    /// Workers per instance and backlog places, for A and B alike.
    pub fn pool(mut self, concurrency: u32, backlog: u32) -> Chain {
        for s in [&mut self.a, &mut self.b] {
            s["concurrency"] = json!(concurrency);
            s["backlog"] = json!(backlog);
        }
        self
    }

    /// B's own work per call (ms).
    pub fn b_ms(mut self, ms: u32) -> Chain {
        self.b["processing"] = json!({"type": "constant", "ms": ms});
        self
    }

    /// Any other change to B's settings (replicas, workers, backlog…).
    pub fn b(mut self, change: impl FnOnce(&mut Value)) -> Chain {
        change(&mut self.b);
        self
    }

    /// The A → B link's transport; `"type": "request_response"` is added if absent.
    pub fn transport(mut self, transport: Value) -> Chain {
        let mut t = transport;
        if t.get("type").is_none() {
            t["type"] = json!("request_response");
        }
        self.transport = t;
        self
    }

    /// How orders arrive at A.
    pub fn arrival(mut self, arrival: Value) -> Chain {
        self.arrival = arrival;
        self
    }

    /// No orders after `ms`, so the run can settle.
    pub fn stop_at(mut self, ms: u64) -> Chain {
        self.stop_ms = Some(ms);
        self
    }

    /// One more scheduled fault, after those given before.
    pub fn fault(mut self, fault: Value) -> Chain {
        self.faults.push(fault);
        self
    }

    /// B fails every call, from the start for good.
    pub fn b_fails(self) -> Chain {
        self.fault(json!({"target": "b", "at_ms": 0, "effect": {"type": "error_rate", "rate": 1.0}}))
    }

    /// The scenario.
    pub fn build(self) -> Scenario {
        serde_json::from_value(json!({
            "version": 1, "name": self.name, "seed": self.seed,
            "nodes": [
                {"id": "client", "label": "Client", "kind": {"type": "client"}},
                {"id": "a", "label": "A", "kind": self.a},
                {"id": "b", "label": "B", "kind": self.b},
            ],
            "links": [
                {"id": "c-a", "from": "client", "to": "a", "latency": {"type": "constant", "ms": 1},
                 "transport": {"type": "request_response"}},
                {"id": "a-b", "from": "a", "to": "b", "latency": {"type": "constant", "ms": 1},
                 "transport": self.transport},
            ],
            "sources": [{"id": "orders", "target": "a", "arrival": self.arrival, "stop_ms": self.stop_ms}],
            "faults": self.faults,
        }))
        .expect("scenario")
    }
}
