//! Clients: the users' browsers placing orders. A client has no settings
//! of its own yet (every user is their own worker with no processing time);
//! the struct exists so unknown fields are rejected like everywhere else.

use serde::{Deserialize, Serialize};

/// Settings of a client population. None yet: the struct exists so that
/// unknown fields are rejected like everywhere else.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {}
