//! The circuit breaker of one upstream: after `failures` consecutive failed exchanges the
//! gateway stops calling it (503 `upstream_circuit_open` with `Retry-After`, without a
//! connection) for a cool-down, then lets `probes` requests through (half-open); one success
//! closes the circuit, one failure opens it again.
//!
//! What counts as a failure: no connection, no response head in time, a broken or invalid
//! response, and answers 502/503/504 (the upstream saying *it* is unavailable). A 500 or any
//! 4xx is the application answering, so it counts as a success: one broken resource must not
//! take a whole upstream off the gateway.
//!
//! The whole state is one `AtomicU64` (state, consecutive failures, probes in flight, and the
//! time the circuit opened, in ms of the gateway's monotonic clock), changed by
//! compare-and-swap: a closed circuit costs one atomic load per request and, on success, one
//! more. Time is passed in, so the state machine is tested without sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Thresholds, the same for every upstream (`GatewayConfig::breaker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failures that open the circuit (1 – 16,383).
    pub failures: u32,
    /// How long an open circuit refuses before it lets a probe through.
    pub cool_down: Duration,
    /// Requests let through at once while half-open (1 – 255).
    pub probes: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failures: 5,
            cool_down: Duration::from_secs(10),
            probes: 1,
        }
    }
}

/// The breaker's state, as the metrics gauge shows it (0, 1, 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed = 0,
    Open = 1,
    HalfOpen = 2,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half_open",
        }
    }
}

/// What [`Breaker::admit`] decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Closed: call the upstream.
    Yes,
    /// Half-open: call the upstream as a probe; its result decides the state.
    Probe,
    /// Open: refuse without calling; the circuit may half-open after this long.
    No { retry_after: Duration },
}

/// A state change, for the transitions counter and the gauge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
}

const TIME_BITS: u32 = 40;
const TIME_MASK: u64 = (1 << TIME_BITS) - 1;
const PROBE_SHIFT: u32 = 40;
const PROBE_MASK: u64 = 0xff;
const FAIL_SHIFT: u32 = 48;
const FAIL_MASK: u64 = 0x3fff;
const STATE_SHIFT: u32 = 62;

/// The unpacked word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Word {
    state: State,
    failures: u32,
    probes: u32,
    /// ms when the circuit opened or half-opened.
    since: u64,
}

impl Word {
    fn pack(self) -> u64 {
        (self.state as u64) << STATE_SHIFT
            | (u64::from(self.failures) & FAIL_MASK) << FAIL_SHIFT
            | (u64::from(self.probes) & PROBE_MASK) << PROBE_SHIFT
            | (self.since & TIME_MASK)
    }

    fn unpack(raw: u64) -> Self {
        let state = match raw >> STATE_SHIFT {
            1 => State::Open,
            2 => State::HalfOpen,
            _ => State::Closed,
        };
        Self {
            state,
            failures: ((raw >> FAIL_SHIFT) & FAIL_MASK) as u32,
            probes: ((raw >> PROBE_SHIFT) & PROBE_MASK) as u32,
            since: raw & TIME_MASK,
        }
    }

    fn closed() -> Self {
        Self {
            state: State::Closed,
            failures: 0,
            probes: 0,
            since: 0,
        }
    }

    fn open(now: u64) -> Self {
        Self {
            state: State::Open,
            failures: 0,
            probes: 0,
            since: now & TIME_MASK,
        }
    }
}

/// One upstream's breaker; shared by every route to that upstream and kept across snapshots.
#[derive(Debug, Default)]
pub struct Breaker {
    word: AtomicU64,
}

impl Breaker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn state(&self) -> State {
        Word::unpack(self.word.load(Ordering::Acquire)).state
    }

    /// Whether a request may call the upstream now (`now_ms`: the gateway's monotonic ms).
    pub fn admit(&self, config: &BreakerConfig, now_ms: u64) -> (Admit, Option<Transition>) {
        let cool_down = u64::try_from(config.cool_down.as_millis()).unwrap_or(u64::MAX);
        let max_probes = config.probes.clamp(1, PROBE_MASK as u32);
        self.update(|w| {
            let elapsed = now_ms.saturating_sub(w.since);
            match w.state {
                State::Closed => (Admit::Yes, None),
                State::Open if elapsed < cool_down => (no(cool_down - elapsed), None),
                State::Open => {
                    let next = Word {
                        state: State::HalfOpen,
                        failures: 0,
                        probes: 1,
                        since: now_ms & TIME_MASK,
                    };
                    (Admit::Probe, Some(next))
                }
                // A probe whose result never came (its consumer hung up) frees its place
                // after one more cool-down, so the circuit cannot stay half-open for ever.
                State::HalfOpen if w.probes < max_probes || elapsed >= cool_down => {
                    let probes = if elapsed >= cool_down { 1 } else { w.probes + 1 };
                    let since = if elapsed >= cool_down {
                        now_ms & TIME_MASK
                    } else {
                        w.since
                    };
                    (Admit::Probe, Some(Word { probes, since, ..w }))
                }
                State::HalfOpen => (no(cool_down - elapsed), None),
            }
        })
    }

    /// The result of an exchange with the upstream.
    pub fn record(&self, config: &BreakerConfig, now_ms: u64, success: bool) -> Option<Transition> {
        let threshold = config.failures.clamp(1, FAIL_MASK as u32);
        self.update(|w| {
            let next = match (w.state, success) {
                (State::Closed, true) if w.failures == 0 => None,
                (State::Closed, true) | (State::HalfOpen, true) => Some(Word::closed()),
                (State::Closed, false) if w.failures + 1 >= threshold => Some(Word::open(now_ms)),
                (State::Closed, false) => Some(Word {
                    failures: w.failures + 1,
                    ..w
                }),
                (State::HalfOpen, false) => Some(Word::open(now_ms)),
                // Late results of requests sent before the circuit opened change nothing.
                (State::Open, _) => None,
            };
            ((), next)
        })
        .1
    }

    /// Opens the circuit now (an active health check found the upstream down).
    pub fn trip(&self, now_ms: u64) -> Option<Transition> {
        self.update(|_| ((), Some(Word::open(now_ms)))).1
    }

    /// Closes the circuit (an active health check found the upstream up again).
    pub fn reset(&self) -> Option<Transition> {
        self.update(|w| ((), (w != Word::closed()).then(Word::closed))).1
    }

    /// One compare-and-swap loop: `decide` sees the current word and returns its answer and
    /// the word to store (`None`: leave it).
    fn update<T>(&self, decide: impl Fn(Word) -> (T, Option<Word>)) -> (T, Option<Transition>) {
        let mut raw = self.word.load(Ordering::Acquire);
        loop {
            let current = Word::unpack(raw);
            let (answer, next) = decide(current);
            let Some(next) = next else {
                return (answer, None);
            };
            match self
                .word
                .compare_exchange_weak(raw, next.pack(), Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    let changed = (current.state != next.state).then_some(Transition {
                        from: current.state,
                        to: next.state,
                    });
                    return (answer, changed);
                }
                Err(actual) => raw = actual,
            }
        }
    }
}

fn no(ms: u64) -> Admit {
    Admit::No {
        retry_after: Duration::from_millis(ms),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn config() -> BreakerConfig {
        BreakerConfig {
            failures: 3,
            cool_down: Duration::from_millis(1_000),
            probes: 2,
        }
    }

    #[test]
    fn opens_after_consecutive_failures_then_half_opens_and_closes() {
        let (b, c) = (Breaker::new(), config());
        assert_eq!(b.admit(&c, 0).0, Admit::Yes);
        b.record(&c, 1, false);
        b.record(&c, 2, false);
        b.record(&c, 3, true);
        assert_eq!(b.state(), State::Closed, "a success resets the count");
        b.record(&c, 4, false);
        b.record(&c, 5, false);
        let t = b.record(&c, 6, false).unwrap();
        assert_eq!((t.from, t.to), (State::Closed, State::Open));
        assert_eq!(
            b.admit(&c, 506).0,
            Admit::No {
                retry_after: Duration::from_millis(500)
            }
        );
        assert_eq!(b.admit(&c, 1_006).0, Admit::Probe);
        assert_eq!(b.state(), State::HalfOpen);
        assert_eq!(b.admit(&c, 1_007).0, Admit::Probe, "two probes allowed");
        assert!(matches!(b.admit(&c, 1_008).0, Admit::No { .. }));
        let t = b.record(&c, 1_010, true).unwrap();
        assert_eq!((t.from, t.to), (State::HalfOpen, State::Closed));
        assert_eq!(b.admit(&c, 1_011).0, Admit::Yes);
    }

    #[test]
    fn a_failed_probe_opens_again_and_lost_probes_are_released() {
        let (b, c) = (Breaker::new(), config());
        b.trip(0);
        assert_eq!(b.admit(&c, 1_000).0, Admit::Probe);
        b.record(&c, 1_100, false);
        assert_eq!(b.state(), State::Open);
        assert!(matches!(b.admit(&c, 2_000).0, Admit::No { .. }));
        assert_eq!(b.admit(&c, 2_100).0, Admit::Probe);
        assert_eq!(b.admit(&c, 2_101).0, Admit::Probe);
        assert!(matches!(b.admit(&c, 2_200).0, Admit::No { .. }));
        // Neither probe reported back: a cool-down later a new probe may go.
        assert_eq!(b.admit(&c, 3_100).0, Admit::Probe);
        assert!(b.reset().is_some());
        assert_eq!(b.state(), State::Closed);
    }

    #[derive(Debug, Clone)]
    enum Event {
        Admit,
        Success,
        Failure,
        Wait(u64),
        Trip,
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            4 => Just(Event::Admit),
            3 => Just(Event::Success),
            3 => Just(Event::Failure),
            2 => (0u64..1_500).prop_map(Event::Wait),
            1 => Just(Event::Trip),
        ]
    }

    /// A plain model of the documented rules, checked against the packed atomic.
    #[derive(Debug)]
    struct Model {
        state: State,
        failures: u32,
        probes: u32,
        since: u64,
    }

    proptest! {
        #[test]
        fn the_atomic_breaker_follows_the_model(events in proptest::collection::vec(event(), 1..200)) {
            let (b, c) = (Breaker::new(), config());
            let mut m = Model { state: State::Closed, failures: 0, probes: 0, since: 0 };
            let mut now = 0u64;
            for e in events {
                match e {
                    Event::Wait(ms) => now += ms,
                    Event::Trip => {
                        b.trip(now);
                        m = Model { state: State::Open, failures: 0, probes: 0, since: now };
                    }
                    Event::Admit => {
                        let (got, _) = b.admit(&c, now);
                        let elapsed = now - m.since;
                        let want = match m.state {
                            State::Closed => Admit::Yes,
                            State::Open if elapsed < 1_000 => no(1_000 - elapsed),
                            State::Open => {
                                m = Model { state: State::HalfOpen, failures: 0, probes: 1, since: now };
                                Admit::Probe
                            }
                            State::HalfOpen if elapsed >= 1_000 => {
                                m.probes = 1;
                                m.since = now;
                                Admit::Probe
                            }
                            State::HalfOpen if m.probes < 2 => {
                                m.probes += 1;
                                Admit::Probe
                            }
                            State::HalfOpen => no(1_000 - elapsed),
                        };
                        prop_assert_eq!(got, want);
                    }
                    Event::Success => {
                        b.record(&c, now, true);
                        if m.state != State::Open {
                            m = Model { state: State::Closed, failures: 0, probes: 0, since: 0 };
                        }
                    }
                    Event::Failure => {
                        b.record(&c, now, false);
                        match m.state {
                            State::Closed if m.failures + 1 >= 3 => {
                                m = Model { state: State::Open, failures: 0, probes: 0, since: now };
                            }
                            State::Closed => m.failures += 1,
                            State::HalfOpen => {
                                m = Model { state: State::Open, failures: 0, probes: 0, since: now };
                            }
                            State::Open => {}
                        }
                    }
                }
                prop_assert_eq!(b.state(), m.state);
                // Never refuse while closed; never admit while open within the cool-down.
                if m.state == State::Closed {
                    prop_assert_eq!(Word::unpack(b.word.load(Ordering::Relaxed)).failures, m.failures);
                }
            }
        }

        #[test]
        fn packing_round_trips(state in 0u8..3, failures in 0u32..=0x3fff, probes in 0u32..=0xff, since in 0u64..(1 << 40)) {
            let state = [State::Closed, State::Open, State::HalfOpen][usize::from(state)];
            let w = Word { state, failures, probes, since };
            prop_assert_eq!(Word::unpack(w.pack()), w);
        }
    }
}
