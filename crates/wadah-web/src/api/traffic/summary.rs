//! From the store's grouped counts (`wadah_store::TrafficRow`) to the figures people read:
//! totals, a series per bucket, per-service figures and the top consumers, each with p50 and
//! p95 latency estimated from the latency classes. Pure functions, no I/O.
//!
//! A percentile is interpolated linearly inside the class that holds it (as Prometheus'
//! `histogram_quantile` does), so it is an estimate within one class width; in the open top
//! class it is that class's lower bound.

use std::collections::BTreeMap;

use wadah_store::{LATENCY_BOUNDS_MS, TrafficRow};

const CLASSES: usize = LATENCY_BOUNDS_MS.len() + 1;

/// Counts of exchanges and their latency classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub requests: u64,
    pub client_errors: u64,
    pub server_errors: u64,
    /// Admitted but without an outcome in the index (running, or the node stopped).
    pub pending: u64,
    classes: [u64; CLASSES],
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            requests: 0,
            client_errors: 0,
            server_errors: 0,
            pending: 0,
            classes: [0; CLASSES],
        }
    }
}

impl Tally {
    pub fn add(&mut self, row: &TrafficRow) {
        self.requests += row.requests;
        self.client_errors += row.client_errors;
        self.server_errors += row.server_errors;
        match row.latency_class.map(usize::from).filter(|&c| c < CLASSES) {
            Some(class) => self.classes[class] += row.requests,
            None => self.pending += row.requests,
        }
    }

    /// The latency (ms) under which a fraction `q` (0–1) of finished exchanges stayed.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let finished: u64 = self.classes.iter().sum();
        if finished == 0 {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let rank = (q * finished as f64).max(1.0);
        let mut before = 0u64;
        for (class, &count) in self.classes.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let reached = (before + count) as f64;
            if count > 0 && reached >= rank {
                let lower = if class == 0 {
                    0
                } else {
                    LATENCY_BOUNDS_MS[class - 1]
                };
                let Some(&upper) = LATENCY_BOUNDS_MS.get(class) else {
                    #[allow(clippy::cast_precision_loss)]
                    return Some(lower as f64);
                };
                #[allow(clippy::cast_precision_loss)]
                let within = (rank - before as f64) / count as f64;
                #[allow(clippy::cast_precision_loss)]
                return Some(lower as f64 + (upper - lower) as f64 * within);
            }
            before += count;
        }
        None
    }

    /// Share of answers that were server errors (0 when there were none).
    pub fn error_rate(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            #[allow(clippy::cast_precision_loss)]
            let rate = self.server_errors as f64 / self.requests as f64;
            rate
        }
    }
}

/// `agency/application/service` of a provided service.
pub type ServiceKey = (String, String, String);
/// `agency/application` of a consumer.
pub type ConsumerKey = (String, String);

/// Everything the dashboard shows, tallied once over the rows.
#[derive(Debug, Default)]
pub struct Summary {
    pub total: Tally,
    /// One tally per bucket, `buckets` long (empty buckets included).
    pub series: Vec<Tally>,
    pub services: BTreeMap<ServiceKey, Tally>,
    pub consumers: BTreeMap<ConsumerKey, Tally>,
    /// Consumer → service pairs (the integration map's traffic edges).
    pub pairs: BTreeMap<(ConsumerKey, ServiceKey), Tally>,
}

pub fn summarise(rows: &[TrafficRow], buckets: usize) -> Summary {
    let mut s = Summary {
        series: vec![Tally::default(); buckets],
        ..Summary::default()
    };
    for row in rows {
        let service = (
            row.service_agency.clone(),
            row.service_application.clone(),
            row.service.clone(),
        );
        let consumer = (row.consumer_agency.clone(), row.consumer_application.clone());
        s.total.add(row);
        if let Some(t) = s.series.get_mut(row.bucket as usize) {
            t.add(row);
        }
        s.services.entry(service.clone()).or_default().add(row);
        s.consumers.entry(consumer.clone()).or_default().add(row);
        s.pairs.entry((consumer, service)).or_default().add(row);
    }
    s
}

/// The `n` entries with the most requests, most first (ties by key).
pub fn top<K: Clone + Ord>(map: &BTreeMap<K, Tally>, n: usize) -> Vec<(K, Tally)> {
    let mut all: Vec<(K, Tally)> = map.iter().map(|(k, t)| (k.clone(), t.clone())).collect();
    all.sort_by(|a, b| b.1.requests.cmp(&a.1.requests).then_with(|| a.0.cmp(&b.0)));
    all.truncate(n);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use wadah_store::latency_class;

    fn row(bucket: u32, consumer: &str, ms: Option<i64>, requests: u64, server_errors: u64) -> TrafficRow {
        TrafficRow {
            bucket,
            consumer_agency: consumer.into(),
            consumer_application: "app".into(),
            service_agency: "bpsdm".into(),
            service_application: "simpeg".into(),
            service: "pegawai".into(),
            latency_class: ms.map(latency_class),
            requests,
            client_errors: 0,
            server_errors,
        }
    }

    #[test]
    fn percentiles_fall_in_the_class_that_holds_them() {
        let mut t = Tally::default();
        t.add(&row(0, "a", Some(4), 90, 0)); // class (3, 5]
        t.add(&row(0, "a", Some(400), 10, 0)); // class (300, 500]
        let p50 = t.quantile(0.5).unwrap();
        assert!((3.0..=5.0).contains(&p50), "p50 {p50}");
        let p95 = t.quantile(0.95).unwrap();
        assert!((300.0..=500.0).contains(&p95), "p95 {p95}");
        assert!(t.quantile(0.5).unwrap() <= t.quantile(0.95).unwrap());
    }

    #[test]
    fn no_finished_exchange_has_no_latency_and_pending_ones_are_counted_apart() {
        let mut t = Tally::default();
        assert_eq!(t.quantile(0.5), None);
        t.add(&row(0, "a", None, 3, 0));
        assert_eq!((t.requests, t.pending, t.quantile(0.95)), (3, 3, None));
    }

    #[test]
    fn the_open_top_class_reports_its_lower_bound() {
        let mut t = Tally::default();
        t.add(&row(0, "a", Some(100_000), 1, 1));
        assert_eq!(t.quantile(0.99), Some(30_000.0));
        assert!((t.error_rate() - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn rows_are_tallied_per_bucket_service_consumer_and_pair() {
        let rows = [
            row(0, "a", Some(2), 5, 1),
            row(2, "b", Some(2), 7, 0),
            row(9, "c", Some(2), 1, 0), // outside the window: counted in totals only
        ];
        let s = summarise(&rows, 3);
        assert_eq!(s.series.iter().map(|t| t.requests).collect::<Vec<_>>(), [5, 0, 7]);
        assert_eq!(s.total.requests, 13);
        assert_eq!(s.services.len(), 1);
        let top = top(&s.consumers, 2);
        assert_eq!(
            top.iter()
                .map(|(k, t)| (k.0.as_str(), t.requests))
                .collect::<Vec<_>>(),
            [("b", 7), ("a", 5)]
        );
        assert_eq!(s.pairs.len(), 3);
    }
}
