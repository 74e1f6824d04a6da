//! Every count and size the engine accepts, in one place.
//!
//! A scenario that passes validation must run with bounded memory and keep a
//! page responsive, so each list, string and duration in the format has a
//! limit here, and the running simulation has two guards against inputs
//! that validation cannot see through (loops through queues at zero delay,
//! exponential fan-out through queues): [`MAX_EVENTS_PER_INSTANT`] and
//! [`MAX_LIVE_MESSAGES`]. docs/scenario-format.md lists them for authors.

/// Largest scenario text `parse_scenario` reads, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;
/// Nodes in one scenario.
pub const MAX_NODES: usize = 1_000;
/// Links in one scenario.
pub const MAX_LINKS: usize = 4_000;
/// Traffic sources in one scenario.
pub const MAX_SOURCES: usize = 100;
/// Faults in one scenario, counting those added while running.
pub const MAX_FAULTS: usize = 1_000;
/// Consume links of one queue. A delivery picks from an index of the
/// queue's free consumer instances (64 slots per link), so this keeps the
/// slot numbers small and the index bounded.
pub const MAX_CONSUMERS_PER_QUEUE: usize = 64;
/// Points of one empirical distribution.
pub const MAX_EMPIRICAL_POINTS: usize = 1_000;
/// Characters of an id (node, link, source).
pub const MAX_ID_CHARS: usize = 64;
/// Characters of a label or a scenario name.
pub const MAX_LABEL_CHARS: usize = 120;
/// Characters of a scenario description.
pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
/// Orders one burst may place at a single instant.
pub const MAX_BURST: u32 = 100_000;
/// Mean arrivals per second of one source.
pub const MAX_RATE_PER_S: f64 = 1_000_000.0;
/// Longest duration any field may hold, in ms (about 115 days): enough for
/// any lesson, far from the microsecond clock's overflow.
pub const MAX_DURATION_MS: f64 = 1e10;
/// The smallest duration that is not zero, in ms: the clock counts whole
/// microseconds, so anything smaller would round to zero and a "short"
/// timeout would silently become an instant one.
pub const MIN_DURATION_MS: f64 = 0.001;
/// Synchronous calls one request may cause downstream, counting every
/// retry attempt (fan-out multiplies: two calls per level over 25 levels
/// is 2^24 calls for one order).
pub const MAX_CALLS_PER_REQUEST: f64 = 10_000.0;
/// Events the engine processes at one simulated instant before it decides
/// the run is in a zero-delay loop and stops with an error.
pub const MAX_EVENTS_PER_INSTANT: u64 = 2_000_000;
/// Events the engine processes within one simulated second before it
/// decides messages circulate without end (a loop through queues whose only
/// delays are retries, say) and stops with an error. A million orders a
/// second through a few hops is about ten million events; a page draws at
/// most a few hundred thousand a second.
pub const MAX_EVENTS_PER_SIMULATED_SECOND: u64 = 50_000_000;
/// Messages alive at once (queued, in transit, being processed) before the
/// run stops with an error: about 150 bytes each, so roughly 75 MB at the
/// cap, far below a browser tab's memory.
pub const MAX_LIVE_MESSAGES: usize = 500_000;
/// Partitions of one log (Kafka allows thousands; a lesson needs a handful).
pub const MAX_LOG_PARTITIONS: u32 = 64;
/// Partitions over all logs of a scenario: with [`MAX_RECORDS_PER_PARTITION`]
/// this bounds the records kept (24 bytes each: about 60 MB at the cap).
pub const MAX_TOTAL_PARTITIONS: u32 = 256;
/// Records one partition keeps at most, whatever its retention: the oldest
/// are deleted first, like retention by size.
pub const MAX_RECORDS_PER_PARTITION: u32 = 10_000;
/// Records one poll may return (`max_poll_records`).
pub const MAX_POLL_RECORDS: u32 = 10_000;
/// Consumer groups (read links) of one log.
pub const MAX_GROUPS_PER_LOG: usize = 64;
/// Rows one outbox keeps waiting for its relay. A row past the cap is not
/// written and its event is counted lost (`outbox_overflow`): memory stays
/// bounded even when the relay can never publish.
pub const MAX_OUTBOX_ROWS: usize = 500_000;
/// Subscriptions of one topic (attached or detached).
pub const MAX_SUBSCRIPTIONS_PER_TOPIC: usize = 100;
/// Fields of one schema (a topic's writer schema or a subscriber's reader schema).
pub const MAX_FIELDS_PER_SCHEMA: usize = 64;
/// Characters of a schema field's name.
pub const MAX_FIELD_NAME_CHARS: usize = 64;
/// Highest schema version number.
pub const MAX_SCHEMA_VERSION: u32 = 1_000_000;
/// Fewest delivery attempts before a subscription dead-letters (Pub/Sub's minimum).
pub const MIN_DELIVERY_ATTEMPTS: u32 = 5;
/// Most delivery attempts before a subscription dead-letters (Pub/Sub's maximum).
pub const MAX_DELIVERY_ATTEMPTS: u32 = 100;
/// Longest minimum or maximum backoff of a subscription's retry policy:
/// 600 s, Pub/Sub's limit for both.
pub const MAX_SUBSCRIPTION_BACKOFF_MS: f64 = 600_000.0;
/// Distinct writer schemas one topic may see in a run (its own, schema
/// changes, `set_topic` edits); each event names its schema by index.
pub const MAX_SCHEMAS_PER_TOPIC: usize = 1_000;
/// Clients behind one push link (type 6). Each costs a few bytes in flat
/// vectors and heartbeats are one sweep per interval, so 2,000 are cheap.
pub const MAX_CROWD: u32 = 10_000;
/// Clients over all push links of a scenario. A gateway's restart plans
/// every connected client's reconnect in one event, so the total is what
/// bounds that event's work: 999 links of 10,000 clients each passed
/// validation and one restart took seconds and about 750 MB (found in an
/// audit).
pub const MAX_TOTAL_CROWD: u32 = 20_000;
/// Updates a gateway keeps per push link for resuming clients.
pub const MAX_REPLAY_BUFFER: u32 = 100_000;
/// Unanswered pings before a client gives up on its connection.
pub const MAX_MISSED_PONGS: u32 = 100;
/// Shortest heartbeat interval (ms): each round sweeps the whole crowd.
pub const MIN_HEARTBEAT_MS: f64 = 100.0;
/// Shortest reconnect delay of a push link (ms): each wave of reconnects
/// sweeps the whole crowd.
pub const MIN_RECONNECT_MS: f64 = 10.0;
/// Steps (saga_step links) of one orchestrator.
pub const MAX_SAGA_STEPS: usize = 16;
/// Sagas one orchestrator runs at once; an order arriving when it is full
/// is refused (`overloaded`), so the saga table stays bounded.
pub const MAX_LIVE_SAGAS: usize = 10_000;
/// Retries of a failing compensation before the saga needs a person.
pub const MAX_COMPENSATION_RETRIES: u32 = 100;
/// Saga ids the manual-intervention queue lists (the count is exact beyond).
pub const MANUAL_QUEUE_IDS: usize = 32;
/// Characters of a job's cron expression.
pub const MAX_CRON_CHARS: usize = 100;
/// Records a job processes per second at most.
pub const MAX_JOB_RATE_PER_S: f64 = 10_000_000.0;
/// Runs a job with the `queue` overlap policy keeps waiting; more are skipped.
pub const MAX_QUEUED_RUNS: u32 = 100;
/// Runs of one job going at once (the `concurrent` overlap policy); more are skipped.
pub const MAX_CONCURRENT_RUNS: usize = 100;
/// Retries of a failed job run (`backoff_limit`, Kubernetes' `backoffLimit`).
pub const MAX_BACKOFF_LIMIT: u32 = 100;
/// Runs each job keeps in its history (a ring).
pub const MAX_RUN_HISTORY: usize = 32;
