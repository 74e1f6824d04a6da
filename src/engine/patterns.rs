//! The communication types: one list of node kinds and transports (the
//! enums in [`crate::engine::scenario`]) and one table of how each looks and
//! is named. The topology, the accessible descriptions, the report and the
//! CLI all take names from here, so a new type is added in one row.
//!
//! Each type's settings, defaults and validation live in its own file:
//! [`request_response`] (type 1), [`queue`] (type 2), [`pubsub`] and
//! [`schema`] (type 3), [`stream`] (type 4); clients in
//! [`client`]. Runtime behaviour lives beside the simulation core
//! (`sim/call.rs`, `sim/queue.rs`).
//!
//! Every `match` over [`NodeKind`] or [`Transport`] in this table is
//! exhaustive (no `_ =>` arm), so adding a variant fails to compile until
//! its row exists.

pub mod client;
pub mod edge;
pub mod job;
pub mod pubsub;
pub mod queue;
pub mod request_response;
pub mod saga;
pub mod schema;
pub mod stream;

use super::scenario::{NodeKind, Transport};

/// How a node kind or a transport is named and drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    /// Its name in the scenario format and in reports (`"request_response"`).
    pub key: &'static str,
    /// A word for people ("request-response call").
    pub word: &'static str,
    /// A one-character sign for compact text (CLI, badges).
    pub glyph: &'static str,
    /// The CSS modifier of its SVG element (`node--queue`, `link--sync`).
    pub css: &'static str,
    /// The shape of a message on its way (for transports; nodes have none).
    pub flight: FlightShape,
}

/// The shape a message is drawn with while it travels a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlightShape {
    /// Nothing travels (node kinds).
    None,
    /// A call attempt: a filled circle.
    Circle,
    /// A message for a queue, or delivered from one: a diamond.
    Diamond,
    /// An event published to a topic, or a subscription's copy of it: a triangle.
    Triangle,
    /// A record appended to a log, or polled from one: a small square.
    Square,
    /// An update pushed to a client over a live connection: a small dot.
    Dot,
    /// A saga's step command: a plus (its compensation, undoing it, an ×).
    Plus,
}

/// The look of each node kind.
pub fn node_look(kind: &NodeKind) -> Look {
    match kind {
        NodeKind::Client(_) => CLIENT,
        NodeKind::Service(_) => SERVICE,
        NodeKind::Queue(_) => QUEUE,
        NodeKind::Topic(_) => TOPIC,
        NodeKind::Log(_) => LOG,
        NodeKind::Gateway(_) => GATEWAY,
        NodeKind::Job(_) => JOB,
    }
}

/// The look of each transport.
pub fn transport_look(t: &Transport) -> Look {
    match t {
        Transport::RequestResponse(_) => REQUEST_RESPONSE,
        Transport::Enqueue => ENQUEUE,
        Transport::Consume(_) => CONSUME,
        Transport::Publish => PUBLISH,
        Transport::Subscribe(_) => SUBSCRIBE,
        Transport::Append(_) => APPEND,
        Transport::Read(_) => READ,
        Transport::Push(_) => PUSH,
        Transport::SagaStep(_) => SAGA_STEP,
        Transport::ScheduledRead => SCHEDULED_READ,
    }
}

const CLIENT: Look = Look { key: "client", word: "client", glyph: "◌", css: "client", flight: FlightShape::None };
const SERVICE: Look = Look { key: "service", word: "service", glyph: "▣", css: "service", flight: FlightShape::None };
const QUEUE: Look = Look { key: "queue", word: "queue", glyph: "☰", css: "queue", flight: FlightShape::None };
const LOG: Look = Look { key: "log", word: "event log", glyph: "▤", css: "log", flight: FlightShape::None };
const APPEND: Look =
    Look { key: "append", word: "append to log", glyph: "⤓", css: "append", flight: FlightShape::Square };
const READ: Look = Look { key: "read", word: "consumer group", glyph: "⇶", css: "read", flight: FlightShape::Square };
const REQUEST_RESPONSE: Look = Look {
    key: "request_response",
    word: "request-response call",
    glyph: "⇄",
    css: "sync",
    flight: FlightShape::Circle,
};
const ENQUEUE: Look =
    Look { key: "enqueue", word: "enqueue", glyph: "↦", css: "enqueue", flight: FlightShape::Diamond };
const CONSUME: Look =
    Look { key: "consume", word: "queue consumer", glyph: "⇉", css: "consume", flight: FlightShape::Diamond };

const SAGA_STEP: Look =
    Look { key: "saga_step", word: "saga step", glyph: "⇢", css: "saga-step", flight: FlightShape::Plus };
const JOB: Look = Look { key: "job", word: "scheduled job", glyph: "⏲", css: "job", flight: FlightShape::None };
const SCHEDULED_READ: Look = Look {
    key: "scheduled_read",
    word: "scheduled read",
    glyph: "⇠",
    css: "scheduled-read",
    flight: FlightShape::Square,
};

const TOPIC: Look = Look { key: "topic", word: "topic", glyph: "✣", css: "topic", flight: FlightShape::None };
const PUBLISH: Look =
    Look { key: "publish", word: "publish", glyph: "↗", css: "publish", flight: FlightShape::Triangle };
const SUBSCRIBE: Look =
    Look { key: "subscribe", word: "subscription", glyph: "⇶", css: "subscribe", flight: FlightShape::Triangle };

const GATEWAY: Look =
    Look { key: "gateway", word: "real-time gateway", glyph: "⌁", css: "gateway", flight: FlightShape::None };
const PUSH: Look = Look { key: "push", word: "push connection", glyph: "⇢", css: "push", flight: FlightShape::Dot };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scenario::{
        AppendPolicy, ClientSpec, ConsumePolicy, JobSpec, LogSpec, QueueSpec, ReadPolicy, Schema, ServiceSpec,
        SubscribePolicy, SyncPolicy, TopicSpec,
    };

    #[test]
    fn keys_are_the_scenario_format_tags_and_all_names_differ() {
        let kinds = [
            NodeKind::Client(ClientSpec::default()),
            NodeKind::Service(ServiceSpec::default()),
            NodeKind::Queue(QueueSpec::default()),
            NodeKind::Topic(TopicSpec {
                event_type: "order.placed".into(),
                schema: Schema { name: "OrderPlaced".into(), version: 1, fields: vec![] },
                registry: None,
            }),
            NodeKind::Log(LogSpec::default()),
            NodeKind::Gateway(crate::engine::scenario::GatewaySpec::default()),
            NodeKind::Job(JobSpec::default()),
        ];
        let transports = [
            Transport::RequestResponse(SyncPolicy::default()),
            Transport::Enqueue,
            Transport::Consume(ConsumePolicy::default()),
            Transport::Publish,
            Transport::Subscribe(SubscribePolicy::default()),
            Transport::Append(AppendPolicy::default()),
            Transport::Read(ReadPolicy::default()),
            Transport::Push(crate::engine::scenario::PushPolicy::default()),
            Transport::SagaStep(crate::engine::scenario::StepPolicy::default()),
            Transport::ScheduledRead,
        ];
        let mut looks: Vec<(Look, String)> = Vec::new();
        for k in &kinds {
            looks.push((node_look(k), serde_json::to_value(k).expect("serialises")["type"].to_string()));
        }
        for t in &transports {
            looks.push((transport_look(t), serde_json::to_value(t).expect("serialises")["type"].to_string()));
        }
        for (look, tag) in &looks {
            assert_eq!(format!("\"{}\"", look.key), *tag, "the key is the format's tag");
        }
        for (i, (a, _)) in looks.iter().enumerate() {
            for (b, _) in &looks[i + 1..] {
                assert!(a.key != b.key && a.word != b.word && a.css != b.css, "{a:?} and {b:?} must differ");
            }
        }
    }
}
