//! The settings of each transport as data (see `settings.rs`): a
//! request-response link's timeout, retries (backoff, jitter, budget) and
//! breaker; a consumer's prefetch; a subscription's deadline,
//! dead-letter queue and retry backoff; an append link's outbox; a consumer group's polling
//! and timers; a push link's crowd, heartbeat and backoff; a saga step's
//! place and kind. Switches already in the inspector (fallback,
//! idempotency, commit policy) are not repeated here.

use crate::engine::limits::MAX_SUBSCRIPTION_BACKOFF_MS;
use crate::engine::scenario::{
    AppendPolicy, Assignor, BreakerPolicy, ConsumePolicy, Jitter, OutboxPolicy, PushPolicy, ReadPolicy, RetryBackoff,
    RetryBudget, RetryPolicy, StartFrom, StepKind, StepPolicy, SubscribePolicy, SyncPolicy,
};

use crate::engine::dist::Dist;

use super::settings::{Choice, Group, Item, Meta, Num, MIN_MS};
use super::settings_dist::{dist_kind, dist_num, reshape, DIST_WORDS};

/// A link's one-way network latency, whatever its transport.
pub const LATENCY: &[Group<Dist>] = &[Group {
    title: "Network",
    items: &[
        Item::Choice(Choice {
            key: "latency",
            label: "One-way latency",
            options: DIST_WORDS,
            get: |d| Some(dist_kind(d)),
            set: |d, k| *d = reshape(d, k),
        }),
        dist_num!(Dist, d => *d; Meta::ms("latency-ms", "Delay", 0.0), Constant, ms),
        dist_num!(Dist, d => *d; Meta::ms("latency-min", "Shortest", 0.0), Uniform, min_ms),
        dist_num!(Dist, d => *d; Meta::ms("latency-max", "Longest", 0.0), Uniform, max_ms),
        dist_num!(Dist, d => *d; Meta::ms("latency-mean", "Mean", 0.0), Exponential, mean_ms),
        dist_num!(Dist, d => *d; Meta::ms("latency-median", "Median", 0.0), LogNormal, median_ms),
        dist_num!(
            Dist, d => *d;
            Meta { whole: false, ..Meta::count("latency-sigma", "Spread (sigma)", "σ", 0.0, 5.0) },
            LogNormal,
            sigma
        ),
        dist_num!(Dist, d => *d; Meta::ms("latency-fast", "Usual delay", 0.0), Bimodal, fast_ms),
        dist_num!(Dist, d => *d; Meta::ms("latency-slow", "Slow delay", 0.0), Bimodal, slow_ms),
        dist_num!(
            Dist, d => *d;
            Meta::percent("latency-slow-share", "Slow share", 0.0, false),
            Bimodal,
            slow_probability,
            100.0
        ),
    ],
}];

/// Retries as the inspector's switch turns them on.
pub fn default_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, base_ms: 50.0, cap_ms: 1_000.0, jitter: Jitter::Full, budget: None }
}

/// A retry setting, shown while retries are on.
macro_rules! retry_num {
    ($meta:expr, $field:ident) => {
        Item::Num(Num {
            meta: $meta,
            get: |p: &SyncPolicy| p.retry.as_ref().map(|r| Some(r.$field as f64)),
            set: |p: &mut SyncPolicy, v| {
                if let Some(r) = p.retry.as_mut() {
                    r.$field = v.unwrap_or_default() as _;
                }
            },
        })
    };
}

/// A breaker setting, shown while the breaker is on.
macro_rules! breaker_num {
    ($meta:expr, $field:ident) => {
        Item::Num(Num {
            meta: $meta,
            get: |p: &SyncPolicy| p.breaker.as_ref().map(|b| Some(b.$field as f64)),
            set: |p: &mut SyncPolicy, v| {
                if let Some(b) = p.breaker.as_mut() {
                    b.$field = v.unwrap_or_default() as _;
                }
            },
        })
    };
}

/// A request-response link: timeout, retries, budget and breaker.
pub const REQUEST_RESPONSE: &[Group<SyncPolicy>] = &[
    Group {
        title: "Timeout and retries",
        items: &[
            Item::Num(Num {
                meta: Meta::ms("timeout", "Timeout", MIN_MS).or_empty("no timeout"),
                get: |p| Some(p.timeout_ms),
                set: |p, v| p.timeout_ms = v,
            }),
            Item::Num(Num {
                meta: Meta::count("attempts", "Attempts (first included)", "attempts", 1.0, 10.0)
                    .or_empty("no retries"),
                get: |p| Some(p.retry.as_ref().map(|r| r.max_attempts as f64)),
                set: |p, v| match v {
                    None => p.retry = None,
                    Some(n) => p.retry.get_or_insert_with(default_retry).max_attempts = n as u32,
                },
            }),
            retry_num!(Meta::ms("backoff-base", "Backoff base", 0.0), base_ms),
            retry_num!(Meta::ms("backoff-cap", "Backoff cap", 0.0), cap_ms),
            Item::Choice(Choice {
                key: "jitter",
                label: "Jitter",
                options: &["none", "full", "equal", "decorrelated"],
                get: |p| p.retry.as_ref().map(|r| r.jitter as usize),
                set: |p, k| {
                    if let Some(r) = p.retry.as_mut() {
                        r.jitter = [Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated][k.min(3)];
                    }
                },
            }),
            Item::Num(Num {
                meta: Meta::count("budget-tokens", "Retry budget", "tokens", 1.0, 1_000.0).or_empty("no budget"),
                get: |p| p.retry.as_ref().map(|r| r.budget.as_ref().map(|b| b.max_tokens)),
                set: |p, v| {
                    if let Some(r) = p.retry.as_mut() {
                        r.budget = v.map(|max_tokens| RetryBudget {
                            max_tokens,
                            token_ratio: r.budget.as_ref().map_or(0.1, |b| b.token_ratio),
                        });
                    }
                },
            }),
            Item::Num(Num {
                meta: Meta {
                    above: true,
                    whole: false,
                    ..Meta::count("budget-ratio", "Tokens back per success", "tokens", 0.0, 1.0)
                },
                get: |p| p.retry.as_ref().and_then(|r| r.budget.as_ref()).map(|b| Some(b.token_ratio)),
                set: |p, v| {
                    if let Some(b) = p.retry.as_mut().and_then(|r| r.budget.as_mut()) {
                        b.token_ratio = v.unwrap_or_default();
                    }
                },
            }),
        ],
    },
    Group {
        title: "Circuit breaker",
        items: &[
            Item::Num(Num {
                meta: Meta::percent("failure-rate", "Open at failures of", 0.0, true).or_empty("no breaker"),
                get: |p| Some(p.breaker.as_ref().map(|b| b.failure_rate_threshold)),
                set: |p, v| match v {
                    None => p.breaker = None,
                    Some(x) => p.breaker.get_or_insert_with(BreakerPolicy::default).failure_rate_threshold = x,
                },
            }),
            breaker_num!(Meta::percent("slow-rate", "Open at slow calls of", 0.0, true), slow_call_rate_threshold),
            breaker_num!(Meta::ms("slow-call", "A call is slow after", MIN_MS), slow_call_duration_ms),
            breaker_num!(Meta::ms("open-wait", "Stay open for", MIN_MS), wait_duration_in_open_ms),
            breaker_num!(
                Meta::count("half-open", "Trial calls when half-open", "calls", 1.0, 10_000.0),
                permitted_calls_in_half_open
            ),
            breaker_num!(
                Meta::count("min-calls", "Calls before rates count", "calls", 1.0, 10_000.0),
                minimum_number_of_calls
            ),
            breaker_num!(Meta::count("window", "Window", "calls", 1.0, 10_000.0), sliding_window_size),
        ],
    },
];

/// A consumer of a queue.
pub const CONSUME: &[Group<ConsumePolicy>] = &[Group {
    title: "Consumer",
    items: &[Item::Num(Num {
        meta: Meta::count("prefetch", "Prefetch per instance", "messages", 1.0, 10_000.0),
        get: |c| Some(Some(c.prefetch as f64)),
        set: |c, v| c.prefetch = v.unwrap_or_default() as u32,
    })],
}];

/// A subscription (Pub/Sub).
pub const SUBSCRIBE: &[Group<SubscribePolicy>] = &[Group {
    title: "Subscription",
    items: &[
        Item::Num(Num {
            meta: Meta::ms("ack-deadline", "Ack deadline", MIN_MS),
            get: |c| Some(Some(c.ack_deadline_ms)),
            set: |c, v| c.ack_deadline_ms = v.unwrap_or_default(),
        }),
        Item::Num(Num {
            meta: Meta::count("delivery-attempts", "Dead-letter after", "attempts", 5.0, 100.0)
                .or_empty("no dead-letter queue"),
            get: |c| Some(c.max_delivery_attempts.map(f64::from)),
            set: |c, v| c.max_delivery_attempts = v.map(|x| x as u32),
        }),
        Item::Num(Num {
            meta: Meta::count("prefetch", "Prefetch per instance", "events", 1.0, 10_000.0),
            get: |c| Some(Some(c.prefetch as f64)),
            set: |c, v| c.prefetch = v.unwrap_or_default() as u32,
        }),
        // Pub/Sub's retry policy: empty is its default, retry immediately.
        Item::Num(Num {
            meta: Meta { max: MAX_SUBSCRIPTION_BACKOFF_MS, ..Meta::ms("min-backoff", "Minimum retry backoff", 0.0) }
                .or_empty("retry immediately"),
            get: |c| Some(c.retry_policy.map(|r| r.minimum_backoff_ms)),
            set: |c, v| match v {
                None => c.retry_policy = None,
                Some(ms) => c.retry_policy.get_or_insert_with(RetryBackoff::default).minimum_backoff_ms = ms,
            },
        }),
        Item::Num(Num {
            meta: Meta { max: MAX_SUBSCRIPTION_BACKOFF_MS, ..Meta::ms("max-backoff", "Maximum retry backoff", 0.0) },
            get: |c| c.retry_policy.map(|r| Some(r.maximum_backoff_ms)),
            set: |c, v| {
                if let Some(r) = c.retry_policy.as_mut() {
                    r.maximum_backoff_ms = v.unwrap_or_default();
                }
            },
        }),
    ],
}];

/// An append link: dual write or an outbox.
pub const APPEND: &[Group<AppendPolicy>] = &[Group {
    title: "Outbox",
    items: &[Item::Num(Num {
        meta: Meta::ms("relay", "Relay every", 1.0).or_empty("no outbox (dual write)"),
        get: |a| Some(a.outbox.as_ref().map(|o| o.relay_interval_ms)),
        set: |a, v| a.outbox = v.map(|relay_interval_ms| OutboxPolicy { relay_interval_ms }),
    })],
}];

/// A consumer group's read link (the commit policy has its own select).
pub const READ: &[Group<ReadPolicy>] = &[Group {
    title: "Consumer group",
    items: &[
        Item::Choice(Choice {
            key: "start",
            label: "A new group starts at",
            options: &["the oldest kept", "the newest"],
            get: |r| Some((r.start == StartFrom::Latest) as usize),
            set: |r, k| r.start = if k == 1 { StartFrom::Latest } else { StartFrom::Earliest },
        }),
        Item::Num(Num {
            meta: Meta::ms("joins-at", "Joins at", 0.0),
            get: |r| Some(Some(r.joins_at_ms)),
            set: |r, v| r.joins_at_ms = v.unwrap_or_default(),
        }),
        Item::Num(Num {
            meta: Meta::count("max-poll", "Records per poll", "records", 1.0, 10_000.0),
            get: |r| Some(Some(r.max_poll_records as f64)),
            set: |r, v| r.max_poll_records = v.unwrap_or_default() as u32,
        }),
        Item::Num(Num {
            meta: Meta::ms("auto-commit", "Auto-commit every", 1.0),
            get: |r| Some(Some(r.auto_commit_interval_ms)),
            set: |r, v| r.auto_commit_interval_ms = v.unwrap_or_default(),
        }),
        Item::Num(Num {
            meta: Meta::ms("session", "Session timeout", 1.0),
            get: |r| Some(Some(r.session_timeout_ms)),
            set: |r, v| r.session_timeout_ms = v.unwrap_or_default(),
        }),
        Item::Num(Num {
            meta: Meta::ms("rebalance", "A rebalance takes", 0.0),
            get: |r| Some(Some(r.rebalance_ms)),
            set: |r, v| r.rebalance_ms = v.unwrap_or_default(),
        }),
        Item::Choice(Choice {
            key: "assignor",
            label: "In a rebalance",
            options: &["every member stops (eager, range)", "only moving partitions stop (cooperative sticky)"],
            get: |r| Some((r.assignor == Assignor::CooperativeSticky) as usize),
            set: |r, k| r.assignor = if k == 1 { Assignor::CooperativeSticky } else { Assignor::Range },
        }),
    ],
}];

/// A push link's crowd (its heartbeat, jitter and resume also have switches).
pub const PUSH: &[Group<PushPolicy>] = &[Group {
    title: "Crowd and reconnects",
    items: &[
        Item::Choice(Choice {
            key: "protocol",
            label: "Protocol",
            options: &["WebSocket", "server-sent events"],
            get: |p| Some(p.sse as usize),
            set: |p, k| p.sse = k == 1,
        }),
        Item::Num(Num {
            meta: Meta::count("clients", "Browsers", "clients", 1.0, 10_000.0),
            get: |p| Some(Some(p.clients as f64)),
            set: |p, v| p.clients = v.unwrap_or_default() as u32,
        }),
        Item::Num(Num {
            meta: Meta::ms("heartbeat", "Heartbeat every", 100.0).or_empty("no heartbeat"),
            get: |p| Some(p.heartbeat_ms),
            set: |p, v| p.heartbeat_ms = v,
        }),
        Item::Num(Num {
            meta: Meta::count("missed-pongs", "Dead after missed pings", "pings", 1.0, 100.0),
            get: |p| Some(Some(p.missed_pongs as f64)),
            set: |p, v| p.missed_pongs = v.unwrap_or_default() as u32,
        }),
        Item::Num(Num {
            meta: Meta::ms("reconnect-base", "Reconnect delay (base)", MIN_MS),
            get: |p| Some(Some(p.base_ms)),
            set: |p, v| p.base_ms = v.unwrap_or_default(),
        }),
        Item::Num(Num {
            meta: Meta::ms("reconnect-max", "Reconnect delay at most", MIN_MS),
            get: |p| Some(Some(p.max_ms)),
            set: |p, v| p.max_ms = v.unwrap_or_default(),
        }),
    ],
}];

/// A saga step link.
pub const SAGA_STEP: &[Group<StepPolicy>] = &[Group {
    title: "Step",
    items: &[
        Item::Num(Num {
            meta: Meta::count("order", "Place in the saga", "(lower first)", 0.0, u32::MAX as f64),
            get: |p| Some(Some(p.order as f64)),
            set: |p, v| p.order = v.unwrap_or_default() as u32,
        }),
        Item::Choice(Choice {
            key: "step-kind",
            label: "Kind",
            options: &["compensatable", "pivot", "retriable"],
            get: |p| Some(p.kind as usize),
            set: |p, k| p.kind = [StepKind::Compensatable, StepKind::Pivot, StepKind::Retriable][k.min(2)],
        }),
        Item::Choice(Choice {
            key: "compensation",
            label: "Has a compensation",
            options: &["yes", "no"],
            get: |p| (p.kind == StepKind::Compensatable).then_some(!p.compensation as usize),
            set: |p, k| p.compensation = k == 0,
        }),
        Item::Choice(Choice {
            key: "step-idempotent",
            label: "A repeat is recognised (idempotent)",
            options: &["yes", "no"],
            get: |p| Some(!p.idempotent as usize),
            set: |p, k| p.idempotent = k == 0,
        }),
    ],
}];

#[cfg(test)]
mod tests {
    use super::*;

    fn num<T>(groups: &'static [Group<T>], key: &str) -> &'static Num<T> {
        groups
            .iter()
            .flat_map(|g| g.items)
            .find_map(|i| match i {
                Item::Num(n) if n.meta.key == key => Some(n),
                _ => None,
            })
            .expect("field")
    }

    #[test]
    fn latency_shows_the_chosen_shape_and_keeps_its_mean_across_shapes() {
        let mut d = Dist::Constant { ms: 20.0 };
        assert_eq!((num(LATENCY, "latency-ms").get)(&d), Some(Some(20.0)));
        assert_eq!((num(LATENCY, "latency-mean").get)(&d), None, "not an exponential");
        let Item::Choice(shape) = &LATENCY[0].items[0] else { panic!("the shape comes first") };
        (shape.set)(&mut d, 2);
        assert_eq!(d, Dist::Exponential { mean_ms: 20.0 });
        (num(LATENCY, "latency-mean").set)(&mut d, Some(35.0));
        assert_eq!(d, Dist::Exponential { mean_ms: 35.0 });
        (shape.set)(&mut d, 4);
        (num(LATENCY, "latency-slow-share").set)(&mut d, Some(5.0));
        let Dist::Bimodal { slow_probability, .. } = d else { panic!("bimodal") };
        assert!((slow_probability - 0.05).abs() < 1e-12, "shown in percent");
    }

    #[test]
    fn retry_fields_show_only_while_retries_are_on() {
        let mut p = SyncPolicy::default();
        assert_eq!((num(REQUEST_RESPONSE, "backoff-base").get)(&p), None);
        assert_eq!((num(REQUEST_RESPONSE, "attempts").get)(&p), Some(None), "shown empty: no retries");
        (num(REQUEST_RESPONSE, "attempts").set)(&mut p, Some(4.0));
        assert_eq!(p.retry.as_ref().map(|r| (r.max_attempts, r.base_ms)), Some((4, 50.0)));
        assert_eq!((num(REQUEST_RESPONSE, "backoff-base").get)(&p), Some(Some(50.0)));
        (num(REQUEST_RESPONSE, "attempts").set)(&mut p, None);
        assert!(p.retry.is_none());
    }

    #[test]
    fn a_failure_rate_turns_the_breaker_on_and_empty_turns_it_off() {
        let mut p = SyncPolicy::default();
        assert_eq!((num(REQUEST_RESPONSE, "window").get)(&p), None);
        (num(REQUEST_RESPONSE, "failure-rate").set)(&mut p, Some(30.0));
        assert_eq!(p.breaker.as_ref().map(|b| b.failure_rate_threshold), Some(30.0));
        assert_eq!((num(REQUEST_RESPONSE, "window").get)(&p), Some(Some(100.0)));
        (num(REQUEST_RESPONSE, "failure-rate").set)(&mut p, None);
        assert!(p.breaker.is_none());
    }

    #[test]
    fn the_budget_keeps_its_ratio_when_its_size_changes() {
        let mut p = SyncPolicy { retry: Some(default_retry()), ..SyncPolicy::default() };
        (num(REQUEST_RESPONSE, "budget-tokens").set)(&mut p, Some(20.0));
        (num(REQUEST_RESPONSE, "budget-ratio").set)(&mut p, Some(0.5));
        (num(REQUEST_RESPONSE, "budget-tokens").set)(&mut p, Some(30.0));
        let b = p.retry.and_then(|r| r.budget).expect("budget");
        assert_eq!((b.max_tokens, b.token_ratio), (30.0, 0.5));
    }

    #[test]
    fn the_outbox_is_a_relay_interval_or_nothing() {
        let mut a = AppendPolicy::default();
        (num(APPEND, "relay").set)(&mut a, Some(500.0));
        assert_eq!(a.outbox.as_ref().map(|o| o.relay_interval_ms), Some(500.0));
        (num(APPEND, "relay").set)(&mut a, None);
        assert!(a.outbox.is_none());
    }

    #[test]
    fn choices_read_back() {
        let mut p = SyncPolicy { retry: Some(default_retry()), ..SyncPolicy::default() };
        let Item::Choice(jitter) = &REQUEST_RESPONSE[0].items[4] else { panic!("jitter is a choice") };
        for k in 0..jitter.options.len() {
            (jitter.set)(&mut p, k);
            assert_eq!((jitter.get)(&p), Some(k));
        }
        let Item::Choice(comp) = &SAGA_STEP[0].items[2] else { panic!("a choice") };
        let pivot = StepPolicy { kind: StepKind::Pivot, ..StepPolicy::default() };
        assert_eq!((comp.get)(&pivot), None, "a pivot never has a compensation");
    }
}
