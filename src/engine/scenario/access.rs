//! Accessors for one kind's or one transport's settings; each names every
//! variant so a new one is a compile error here.

use super::{
    AppendPolicy, ConsumePolicy, GatewaySpec, JobSpec, LogSpec, NodeKind, PushPolicy, QueueSpec, ReadPolicy,
    ServiceSpec, StepPolicy, SubscribePolicy, SyncPolicy, TopicSpec, Transport,
};

impl NodeKind {
    /// A service's settings.
    pub fn service(&self) -> Option<&ServiceSpec> {
        match self {
            NodeKind::Service(spec) => Some(spec),
            NodeKind::Client(_)
            | NodeKind::Queue(_)
            | NodeKind::Log(_)
            | NodeKind::Topic(_)
            | NodeKind::Gateway(_)
            | NodeKind::Job(_) => None,
        }
    }

    /// A queue's settings.
    pub fn queue(&self) -> Option<&QueueSpec> {
        match self {
            NodeKind::Queue(q) => Some(q),
            NodeKind::Client(_)
            | NodeKind::Service(_)
            | NodeKind::Topic(_)
            | NodeKind::Log(_)
            | NodeKind::Gateway(_)
            | NodeKind::Job(_) => None,
        }
    }

    /// A topic's settings.
    pub fn topic(&self) -> Option<&TopicSpec> {
        match self {
            NodeKind::Topic(t) => Some(t),
            NodeKind::Client(_)
            | NodeKind::Service(_)
            | NodeKind::Queue(_)
            | NodeKind::Log(_)
            | NodeKind::Gateway(_)
            | NodeKind::Job(_) => None,
        }
    }

    /// A gateway's settings.
    pub fn gateway(&self) -> Option<&GatewaySpec> {
        match self {
            NodeKind::Gateway(g) => Some(g),
            NodeKind::Client(_)
            | NodeKind::Service(_)
            | NodeKind::Queue(_)
            | NodeKind::Topic(_)
            | NodeKind::Log(_)
            | NodeKind::Job(_) => None,
        }
    }

    /// A log's settings.
    pub fn log(&self) -> Option<&LogSpec> {
        match self {
            NodeKind::Log(l) => Some(l),
            NodeKind::Client(_)
            | NodeKind::Service(_)
            | NodeKind::Queue(_)
            | NodeKind::Topic(_)
            | NodeKind::Gateway(_)
            | NodeKind::Job(_) => None,
        }
    }

    /// A job's settings.
    pub fn job(&self) -> Option<&JobSpec> {
        match self {
            NodeKind::Job(j) => Some(j),
            NodeKind::Client(_)
            | NodeKind::Service(_)
            | NodeKind::Queue(_)
            | NodeKind::Topic(_)
            | NodeKind::Log(_)
            | NodeKind::Gateway(_) => None,
        }
    }
}

impl Transport {
    /// A synchronous link's protections.
    pub fn sync_policy(&self) -> Option<&SyncPolicy> {
        match self {
            Transport::RequestResponse(p) => Some(p),
            Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Append(_)
            | Transport::Read(_)
            | Transport::Publish
            | Transport::Subscribe(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => None,
        }
    }

    /// A consumer link's settings.
    pub fn consume_policy(&self) -> Option<&ConsumePolicy> {
        match self {
            Transport::Consume(c) => Some(c),
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Publish
            | Transport::Subscribe(_)
            | Transport::Append(_)
            | Transport::Read(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => None,
        }
    }

    /// A subscription's settings.
    pub fn subscribe_policy(&self) -> Option<&SubscribePolicy> {
        match self {
            Transport::Subscribe(p) => Some(p),
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Publish
            | Transport::Append(_)
            | Transport::Read(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => None,
        }
    }

    /// An append link's settings.
    pub fn append_policy(&self) -> Option<&AppendPolicy> {
        match self {
            Transport::Append(a) => Some(a),
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Read(_)
            | Transport::Publish
            | Transport::Subscribe(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => None,
        }
    }

    /// A read link's (consumer group's) settings.
    pub fn read_policy(&self) -> Option<&ReadPolicy> {
        match self {
            Transport::Read(r) => Some(r),
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Append(_)
            | Transport::Publish
            | Transport::Subscribe(_)
            | Transport::Push(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => None,
        }
    }
}

impl Transport {
    /// A push link's settings.
    pub fn push_policy(&self) -> Option<&PushPolicy> {
        match self {
            Transport::Push(p) => Some(p),
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Append(_)
            | Transport::Read(_)
            | Transport::Publish
            | Transport::Subscribe(_)
            | Transport::SagaStep(_)
            | Transport::ScheduledRead => None,
        }
    }

    /// A saga step link's settings.
    pub fn step_policy(&self) -> Option<&StepPolicy> {
        match self {
            Transport::SagaStep(p) => Some(p),
            Transport::RequestResponse(_)
            | Transport::Enqueue
            | Transport::Consume(_)
            | Transport::Read(_)
            | Transport::Publish
            | Transport::Subscribe(_)
            | Transport::Append(_)
            | Transport::Push(_)
            | Transport::ScheduledRead => None,
        }
    }
}
