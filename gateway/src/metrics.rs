//! Prometheus text metrics: requests by route and status, cache hits and
//! misses, invalidations, chain reads and their latency, event polls.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the chain-read latency histogram.
pub const LATENCY_BUCKETS: [f64; 8] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

/// The gateway's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// Decisions served from the cache.
    pub cache_hits: AtomicU64,
    /// Decisions read from the chain.
    pub cache_misses: AtomicU64,
    /// Cache entries dropped because of chain events.
    pub invalidations: AtomicU64,
    /// Successful event polls.
    pub polls_ok: AtomicU64,
    /// Failed event polls.
    pub polls_failed: AtomicU64,
    /// Failed chain reads.
    pub chain_errors: AtomicU64,
    chain_reads: AtomicU64,
    chain_micros: AtomicU64,
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
}

impl Metrics {
    /// Counts a finished request.
    pub fn request(&self, route: &str, status: u16) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((route.to_string(), status))
            .or_default() += 1;
    }

    /// Requests counted with `status` (all routes).
    #[must_use]
    pub fn requests_with_status(&self, status: u16) -> u64 {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|((_, s), _)| *s == status)
            .map(|(_, n)| n)
            .sum()
    }

    /// Records one chain read's latency.
    pub fn chain_read(&self, took: Duration) {
        self.chain_reads.fetch_add(1, Ordering::Relaxed);
        self.chain_micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        let secs = took.as_secs_f64();
        for (b, le) in self.buckets.iter().zip(LATENCY_BUCKETS) {
            if secs <= le {
                b.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The Prometheus text exposition.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::new();
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        s.push_str("# HELP gateway_requests_total Generation requests by route and HTTP status.\n# TYPE gateway_requests_total counter\n");
        for ((route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                s,
                "gateway_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        for (name, help, v) in [
            (
                "gateway_cache_hits_total",
                "Licence decisions served from the cache.",
                &self.cache_hits,
            ),
            (
                "gateway_cache_misses_total",
                "Licence decisions read from the chain.",
                &self.cache_misses,
            ),
            (
                "gateway_cache_invalidations_total",
                "Cache entries dropped by chain events.",
                &self.invalidations,
            ),
            (
                "gateway_event_polls_total",
                "Successful event polls.",
                &self.polls_ok,
            ),
            (
                "gateway_event_poll_failures_total",
                "Failed event polls.",
                &self.polls_failed,
            ),
            (
                "gateway_chain_errors_total",
                "Chain reads that failed.",
                &self.chain_errors,
            ),
        ] {
            let _ = writeln!(
                s,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                g(v)
            );
        }
        s.push_str("# HELP gateway_chain_read_seconds Latency of chain reads.\n# TYPE gateway_chain_read_seconds histogram\n");
        for (b, le) in self.buckets.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(
                s,
                "gateway_chain_read_seconds_bucket{{le=\"{le}\"}} {}",
                g(b)
            );
        }
        let n = g(&self.chain_reads);
        let _ = writeln!(s, "gateway_chain_read_seconds_bucket{{le=\"+Inf\"}} {n}");
        #[allow(clippy::cast_precision_loss)]
        let sum = g(&self.chain_micros) as f64 / 1e6;
        let _ = writeln!(
            s,
            "gateway_chain_read_seconds_sum {sum}\ngateway_chain_read_seconds_count {n}"
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.request("generate", 200);
        m.request("generate", 200);
        m.request("owners", 403);
        m.cache_hits.fetch_add(3, Ordering::Relaxed);
        m.chain_read(Duration::from_millis(3));
        m.chain_read(Duration::from_secs(2));
        let s = m.render();
        assert!(s.contains("gateway_requests_total{route=\"generate\",status=\"200\"} 2\n"));
        assert!(s.contains("gateway_requests_total{route=\"owners\",status=\"403\"} 1\n"));
        assert!(s.contains("gateway_cache_hits_total 3\n"));
        assert!(s.contains("gateway_chain_read_seconds_bucket{le=\"0.0025\"} 0\n"));
        assert!(s.contains("gateway_chain_read_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(s.contains("gateway_chain_read_seconds_bucket{le=\"0.5\"} 1\n"));
        assert!(s.contains("gateway_chain_read_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(s.contains("gateway_chain_read_seconds_count 2\n"));
        assert_eq!(m.requests_with_status(200), 2);
    }
}
