//! The settings of each node kind as data (see `settings.rs`): every field
//! of the engine's `ServiceSpec` (with its processing distribution and saga
//! block), `QueueSpec`, `LogSpec`, `GatewaySpec` and `JobSpec`, with the
//! ranges `validate.rs` and `patterns/*.rs` enforce.

use crate::engine::scenario::{GatewaySpec, JobSpec, LogSpec, OverlapPolicy, QueueSpec, SagaMode, ServiceSpec};

use super::settings::{Choice, Group, Item, Meta, Num, MIN_MS};
use super::settings_dist::{dist_kind, dist_num, reshape, DIST_WORDS};

/// A saga setting of an orchestrator (absent on other services).
macro_rules! saga_num {
    ($meta:expr, $field:ident) => {
        Item::Num(Num {
            meta: $meta,
            get: |s: &ServiceSpec| s.saga.as_ref().map(|g| Some(g.$field as f64)),
            set: |s: &mut ServiceSpec, v| {
                if let Some(g) = s.saga.as_mut() {
                    g.$field = v.unwrap_or_default() as _;
                }
            },
        })
    };
}

/// A service: capacity, processing and, for an orchestrator, its saga.
pub const SERVICE: &[Group<ServiceSpec>] = &[
    Group {
        title: "Capacity",
        items: &[
            Item::Num(Num {
                meta: Meta::count("replicas", "Instances", "instances", 1.0, 64.0),
                get: |s| Some(Some(s.replicas as f64)),
                set: |s, v| s.replicas = v.unwrap_or_default() as u32,
            }),
            Item::Num(Num {
                meta: Meta::count("concurrency", "Workers per instance", "workers", 1.0, 10_000.0),
                get: |s| Some(Some(s.concurrency as f64)),
                set: |s, v| s.concurrency = v.unwrap_or_default() as u32,
            }),
            Item::Num(Num {
                meta: Meta::count("backlog", "Backlog per instance", "requests", 0.0, 1_000_000.0),
                get: |s| Some(Some(s.backlog as f64)),
                set: |s, v| s.backlog = v.unwrap_or_default() as u32,
            }),
            Item::Num(Num {
                meta: Meta::ms("restart", "Restart after a crash", 0.0),
                get: |s| Some(Some(s.restart_ms)),
                set: |s, v| s.restart_ms = v.unwrap_or_default(),
            }),
        ],
    },
    Group {
        title: "Processing",
        items: &[
            Item::Choice(Choice {
                key: "processing",
                label: "Processing time",
                options: DIST_WORDS,
                get: |s| Some(dist_kind(&s.processing)),
                set: |s, k| s.processing = reshape(&s.processing, k),
            }),
            dist_num!(ServiceSpec, s => s.processing; Meta::ms("dist-ms", "Time", 0.0), Constant, ms),
            dist_num!(ServiceSpec, s => s.processing; Meta::ms("dist-min", "Shortest", 0.0), Uniform, min_ms),
            dist_num!(ServiceSpec, s => s.processing; Meta::ms("dist-max", "Longest", 0.0), Uniform, max_ms),
            dist_num!(ServiceSpec, s => s.processing; Meta::ms("dist-mean", "Mean", 0.0), Exponential, mean_ms),
            dist_num!(ServiceSpec, s => s.processing; Meta::ms("dist-median", "Median", 0.0), LogNormal, median_ms),
            dist_num!(ServiceSpec, s => s.processing;
                Meta { whole: false, ..Meta::count("dist-sigma", "Spread (sigma)", "σ", 0.0, 5.0) },
                LogNormal,
                sigma
            ),
            dist_num!(ServiceSpec, s => s.processing; Meta::ms("dist-fast", "Usual time", 0.0), Bimodal, fast_ms),
            dist_num!(ServiceSpec, s => s.processing; Meta::ms("dist-slow", "Slow time", 0.0), Bimodal, slow_ms),
            dist_num!(ServiceSpec, s => s.processing; Meta::percent("dist-slow-share", "Slow share", 0.0, false), Bimodal, slow_probability, 100.0),
            Item::Num(Num {
                meta: Meta::percent("error-rate", "Errors of its own", 0.0, false),
                get: |s| Some(Some(s.error_rate * 100.0)),
                set: |s, v| s.error_rate = v.unwrap_or_default() / 100.0,
            }),
        ],
    },
    Group {
        title: "Saga",
        items: &[
            Item::Choice(Choice {
                key: "saga-mode",
                label: "Coordination",
                options: &["orchestration", "choreography"],
                get: |s| s.saga.as_ref().map(|g| (g.mode == SagaMode::Choreography) as usize),
                set: |s, k| {
                    if let Some(g) = s.saga.as_mut() {
                        g.mode = if k == 1 { SagaMode::Choreography } else { SagaMode::Orchestration };
                    }
                },
            }),
            saga_num!(Meta::count("comp-retries", "Compensation retries", "retries", 0.0, 100.0), compensation_retries),
            saga_num!(Meta::ms("saga-backoff", "First retry after", 0.0), retry_backoff_ms),
            saga_num!(Meta::ms("step-timeout", "Step timeout", MIN_MS), step_timeout_ms),
            saga_num!(Meta::ms("deadline", "Stuck after", MIN_MS), deadline_ms),
        ],
    },
];

/// A queue: redelivery and the dead-letter queue (SQS).
pub const QUEUE: &[Group<QueueSpec>] = &[Group {
    title: "Delivery",
    items: &[
        Item::Num(Num {
            meta: Meta::ms("visibility", "Visibility timeout", MIN_MS),
            get: |q| Some(Some(q.visibility_timeout_ms)),
            set: |q, v| q.visibility_timeout_ms = v.unwrap_or_default(),
        }),
        Item::Num(Num {
            meta: Meta::count("max-receives", "Dead-letter after", "receives", 1.0, u32::MAX as f64)
                .or_empty("no dead-letter queue"),
            get: |q| Some(q.max_receive_count.map(f64::from)),
            set: |q, v| q.max_receive_count = v.map(|x| x as u32),
        }),
    ],
}];

/// A log: partitions and retention (a new partition count runs the scenario again).
pub const LOG: &[Group<LogSpec>] = &[Group {
    title: "Partitions and retention",
    items: &[
        Item::Num(Num {
            meta: Meta::count("partitions", "Partitions", "partitions", 1.0, 64.0),
            get: |l| Some(Some(l.partitions as f64)),
            set: |l, v| l.partitions = v.unwrap_or_default() as u32,
        }),
        Item::Num(Num {
            meta: Meta::ms("retention-ms", "Keep records for", MIN_MS).or_empty("no time limit"),
            get: |l| Some(l.retention_ms),
            set: |l, v| l.retention_ms = v,
        }),
        Item::Num(Num {
            meta: Meta::count("retention-records", "Keep per partition", "records", 1.0, 10_000.0)
                .or_empty("no count limit"),
            get: |l| Some(l.retention_records.map(f64::from)),
            set: |l, v| l.retention_records = v.map(|x| x as u32),
        }),
    ],
}];

/// A gateway: admission, restarts and replay.
pub const GATEWAY: &[Group<GatewaySpec>] = &[Group {
    title: "Connections",
    items: &[
        Item::Num(Num {
            meta: Meta::count("accept", "Accepted per 100 ms", "connections", 1.0, 10_000.0).or_empty("no limit"),
            get: |g| Some(g.accept_per_100ms.map(f64::from)),
            set: |g, v| g.accept_per_100ms = v.map(|x| x as u32),
        }),
        Item::Num(Num {
            meta: Meta::count("max-connections", "Connections at most", "connections", 1.0, 100_000.0)
                .or_empty("no limit"),
            get: |g| Some(g.max_connections.map(f64::from)),
            set: |g, v| g.max_connections = v.map(|x| x as u32),
        }),
        Item::Num(Num {
            meta: Meta::ms("gateway-restart", "Restart takes", 0.0),
            get: |g| Some(Some(g.restart_ms)),
            set: |g, v| g.restart_ms = v.unwrap_or_default(),
        }),
        Item::Num(Num {
            meta: Meta::count("replay-buffer", "Replay buffer per link", "updates", 0.0, 100_000.0),
            get: |g| Some(Some(g.replay_buffer as f64)),
            set: |g, v| g.replay_buffer = v.unwrap_or_default() as u32,
        }),
    ],
}];

/// A job: schedule, pace and what its monitoring checks.
pub const JOB: &[Group<JobSpec>] = &[
    Group {
        title: "Period and pace",
        items: &[
            Item::Num(Num {
                meta: Meta::ms("every", "A run every", 1.0).or_empty("the cron schedule"),
                get: |j| Some(j.every_ms),
                set: |j, v| {
                    // Exactly one of the two: a period replaces the cron schedule.
                    if v.is_some() {
                        j.cron = None;
                    }
                    j.every_ms = v;
                },
            }),
            Item::Num(Num {
                meta: Meta {
                    above: true,
                    whole: false,
                    ..Meta::count("rate", "Pace", "records/s", 0.0, crate::engine::limits::MAX_JOB_RATE_PER_S)
                },
                get: |j| Some(Some(j.records_per_s)),
                set: |j, v| j.records_per_s = v.unwrap_or_default(),
            }),
            Item::Num(Num {
                meta: Meta::ms("startup", "Start-up", 0.0),
                get: |j| Some(Some(j.startup_ms)),
                set: |j, v| j.startup_ms = v.unwrap_or_default(),
            }),
            // Kubernetes' startingDeadlineSeconds: only Forbid ("skip") reads it here.
            Item::Num(Num {
                meta: Meta::ms("starting-deadline", "A missed run may start late by", 0.0).or_empty("no deadline"),
                get: |j| (j.overlap == OverlapPolicy::Skip).then_some(j.starting_deadline_ms),
                set: |j, v| j.starting_deadline_ms = v,
            }),
        ],
    },
    Group {
        title: "Retries of a failed run",
        items: &[
            Item::Num(Num {
                meta: Meta::count(
                    "backoff-limit",
                    "Retries (backoff limit)",
                    "retries",
                    0.0,
                    crate::engine::limits::MAX_BACKOFF_LIMIT as f64,
                ),
                get: |j| Some(Some(f64::from(j.backoff_limit))),
                set: |j, v| j.backoff_limit = v.unwrap_or_default() as u32,
            }),
            Item::Num(Num {
                meta: Meta { above: true, ..Meta::ms("backoff", "First back-off", 0.0) },
                get: |j| Some(Some(j.backoff_ms)),
                set: |j, v| j.backoff_ms = v.unwrap_or_default(),
            }),
        ],
    },
    Group {
        title: "Output checks",
        items: &[
            Item::Num(Num {
                meta: Meta::percent("row-tolerance", "Rows may differ by", 0.0, false),
                get: |j| Some(Some(j.row_tolerance * 100.0)),
                set: |j, v| j.row_tolerance = v.unwrap_or_default() / 100.0,
            }),
            Item::Num(Num {
                meta: Meta::ms("freshness", "Alert when no rows for", 100.0).or_empty("no freshness check"),
                get: |j| Some(j.freshness_ms),
                set: |j, v| j.freshness_ms = v,
            }),
            Item::Num(Num {
                meta: Meta { whole: false, ..Meta::count("growth", "Alert when a run takes", "× usual", 1.0, 1000.0) },
                get: |j| Some(Some(j.duration_growth)),
                set: |j, v| j.duration_growth = v.unwrap_or_default(),
            }),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::super::settings::MAX_MS;
    use super::*;
    use crate::engine::dist::Dist;
    use crate::engine::scenario::{SagaSpec, Scenario};

    /// A service with the default saga block.
    fn orchestrator() -> ServiceSpec {
        ServiceSpec { saga: Some(SagaSpec::default()), ..ServiceSpec::default() }
    }

    fn nums<T>(groups: &[Group<T>]) -> impl Iterator<Item = &Num<T>> {
        groups.iter().flat_map(|g| g.items).filter_map(|i| match i {
            Item::Num(n) => Some(n),
            Item::Choice(_) => None,
        })
    }

    #[test]
    fn every_applicable_field_reads_back_what_it_wrote() {
        let mut s = orchestrator();
        for n in nums(SERVICE) {
            if (n.get)(&s).is_some() {
                (n.set)(&mut s, Some(n.meta.max.min(3.0)));
                assert_eq!((n.get)(&s), Some(Some(n.meta.max.min(3.0))), "{}", n.meta.key);
            }
        }
        // Under `skip` every job field applies (the starting deadline only there).
        let mut j = JobSpec { overlap: OverlapPolicy::Skip, ..JobSpec::default() };
        for n in nums(JOB) {
            (n.set)(&mut j, Some(250.0f64.min(n.meta.max)));
            assert_eq!((n.get)(&j), Some(Some(250.0f64.min(n.meta.max))), "{}", n.meta.key);
        }
    }

    #[test]
    fn the_starting_deadline_is_offered_only_under_skip() {
        let n = nums(JOB).find(|n| n.meta.key == "starting-deadline").expect("field");
        assert_eq!((n.get)(&JobSpec::default()), None, "Allow has no missed runs");
        let j = JobSpec { overlap: OverlapPolicy::Skip, ..JobSpec::default() };
        assert_eq!((n.get)(&j), Some(None), "empty: no deadline, Kubernetes' default");
    }

    #[test]
    fn error_rate_is_shown_in_percent() {
        let mut s = ServiceSpec { error_rate: 0.07, ..ServiceSpec::default() };
        let n = nums(SERVICE).find(|n| n.meta.key == "error-rate").expect("field");
        assert_eq!((n.get)(&s).flatten().map(super::super::settings::number_text), Some("7".into()));
        (n.set)(&mut s, Some(50.0));
        assert_eq!(s.error_rate, 0.5);
    }

    #[test]
    fn only_the_chosen_distribution_shows_its_parameters() {
        let s = ServiceSpec { processing: Dist::LogNormal { median_ms: 10.0, sigma: 0.3 }, ..ServiceSpec::default() };
        let shown: Vec<&str> = nums(SERVICE).filter(|n| (n.get)(&s).is_some()).map(|n| n.meta.key).collect();
        assert!(shown.contains(&"dist-median") && shown.contains(&"dist-sigma"));
        assert!(!shown.contains(&"dist-ms") && !shown.contains(&"dist-fast"));
        assert!(!shown.contains(&"comp-retries"), "no saga block, no saga fields");
    }

    #[test]
    fn a_period_replaces_the_cron_schedule() {
        let mut j = JobSpec { every_ms: None, cron: Some("*/5 * *".into()), ..JobSpec::default() };
        let every = nums(JOB).find(|n| n.meta.key == "every").expect("field");
        (every.set)(&mut j, Some(5_000.0));
        assert_eq!((j.every_ms, j.cron), (Some(5_000.0), None));
    }

    #[test]
    fn each_range_is_the_engines() {
        // A value at each end of a field's range is valid for the engine.
        let mut sc: Scenario = crate::engine::presets::load("order-flow").expect("preset");
        let i = sc.nodes.iter().position(|n| n.kind.service().is_some()).expect("a service");
        for n in nums(SERVICE) {
            for x in [n.meta.min + if n.meta.above { MIN_MS } else { 0.0 }, n.meta.max.min(MAX_MS)] {
                let mut spec = sc.nodes[i].kind.service().expect("service").clone();
                if (n.get)(&spec).is_none() {
                    continue;
                }
                (n.set)(&mut spec, Some(x));
                let before = sc.nodes[i].kind.clone();
                sc.nodes[i].kind = crate::engine::scenario::NodeKind::Service(spec);
                assert!(crate::engine::validate::validate(&sc).is_ok(), "{} = {x}", n.meta.key);
                sc.nodes[i].kind = before;
            }
        }
    }
}
