//! How an [`Edit`] is written inside a share link: the same variants and
//! fields as the engine's edit, externally tagged (`{"move_node":{…}}`)
//! instead of the CLI's internally tagged form (`{"type":"move_node",…}`).
//!
//! Why a second form: serde reads an internally tagged enum by buffering
//! each value and deserializing every field type a second time from the
//! buffer, which cost about 40 KB of wasm for `Edit` alone (measured with
//! twiggy on the release build). Read straight from the JSON, the field
//! types reuse the code the scenario import already has. The mirror is
//! made by one macro from one list, and both conversions are exhaustive
//! matches, so a new edit that is missing here does not compile.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::dist::Dist;
use crate::engine::edit::{Placed, ResetTo};
use crate::engine::scenario::{
    Fault, GatewaySpec, JobSpec, Link, LogSpec, Node, Position, QueueSpec, ServiceSpec, Source, TopicSpec, Transport,
};
use crate::engine::Edit;

macro_rules! wire {
    ($($variant:ident { $($field:ident : $ty:ty),* }),* $(,)?) => {
        /// [`Edit`], externally tagged (see the module's description).
        #[derive(Serialize, Deserialize)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        enum Wire {
            $($variant { $($field: $ty),* }),*
        }

        fn to_wire(edit: &Edit) -> Wire {
            match edit {
                $(Edit::$variant { $($field),* } => Wire::$variant { $($field: $field.clone()),* }),*
            }
        }

        fn from_wire(wire: Wire) -> Edit {
            match wire {
                $(Wire::$variant { $($field),* } => Edit::$variant { $($field),* }),*
            }
        }
    };
}

wire! {
    ApplyFault { fault: Fault },
    ClearFault { index: u32 },
    SetTransport { link: String, transport: Transport },
    SetService { node: String, spec: ServiceSpec },
    SetQueue { node: String, spec: QueueSpec },
    MoveNode { node: String, position: Position },
    RenameNode { node: String, label: String },
    SetMonitor { target: String, on: bool },
    SetTopic { node: String, spec: TopicSpec },
    AddLink { link: Link },
    RemoveSubscription { link: String },
    ResetGroup { link: String, to: ResetTo },
    SetJob { node: String, spec: JobSpec },
    SetLog { node: String, spec: LogSpec },
    SetGateway { node: String, spec: GatewaySpec },
    SetLatency { link: String, latency: Dist },
    AddNode { node: Node },
    RemoveNode { node: String },
    RemoveLink { link: String },
    Restore { nodes: Vec<Placed<Node>>, links: Vec<Placed<Link>>, sources: Vec<Placed<Source>>, faults: Vec<Placed<Fault>> },
}

/// `#[serde(with = "share_wire::one")]` for an `Edit` field.
pub mod one {
    use super::*;

    /// Writes the edit in the link's form.
    pub fn serialize<S: Serializer>(edit: &Edit, s: S) -> Result<S::Ok, S::Error> {
        to_wire(edit).serialize(s)
    }

    /// Reads an edit in the link's form.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Edit, D::Error> {
        Wire::deserialize(d).map(from_wire)
    }
}

/// `#[serde(with = "share_wire::many")]` for a `Vec<Edit>` field.
pub mod many {
    use super::*;

    /// Writes the edits in the link's form.
    pub fn serialize<S: Serializer>(edits: &[Edit], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(edits.iter().map(to_wire))
    }

    /// Reads edits in the link's form.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Edit>, D::Error> {
        Vec::<Wire>::deserialize(d).map(|v| v.into_iter().map(from_wire).collect())
    }
}
