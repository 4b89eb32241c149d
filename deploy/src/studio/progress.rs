//! The mint's progress bar (stderr: assets done, rate in assets/s, ETA)
//! and its closing summary table. Formatting is pure ([`bar_line`],
//! [`summary_table`]); [`Progress`] only decides when to draw.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// The width of the bar in characters.
const WIDTH: usize = 30;

/// Formats a duration as `1h02m03s`, `2m03s` or `3.4s`.
#[must_use]
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h{:02}m{:02}s", s / 3600, (s % 3600) / 60, s % 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// Assets per second (0 before any time has passed).
#[must_use]
pub fn rate(done: usize, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        done as f64 / secs
    } else {
        0.0
    }
}

/// The time left at `rate` for `remaining` assets (none without a rate).
#[must_use]
pub fn eta(remaining: usize, rate: f64) -> Option<Duration> {
    (rate > 0.0).then(|| Duration::from_secs_f64(remaining as f64 / rate))
}

/// One progress line: `[=====>    ] 120/200 assets  35.2 assets/s  ETA 2.3s`.
#[must_use]
pub fn bar_line(done: usize, total: usize, elapsed: Duration) -> String {
    let filled = (done * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    let mut bar = "=".repeat(filled);
    if filled < WIDTH {
        bar.push('>');
        bar.push_str(&" ".repeat(WIDTH - filled - 1));
    }
    let r = rate(done, elapsed);
    let eta = eta(total.saturating_sub(done), r).map_or_else(|| "?".into(), human_duration);
    format!("[{bar}] {done}/{total} assets  {r:.1} assets/s  ETA {eta}")
}

/// The progress of a run on stderr: redrawn in place on a terminal, one
/// line per update otherwise.
#[derive(Debug)]
pub struct Progress {
    total: usize,
    done: usize,
    start: Instant,
    tty: bool,
    enabled: bool,
}

impl Progress {
    /// A bar for `total` assets, of which `already` were done by an earlier
    /// run (not counted in the rate). `enabled = false` draws nothing.
    #[must_use]
    pub fn new(total: usize, already: usize, enabled: bool) -> Self {
        Self {
            total,
            done: already,
            start: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            enabled,
        }
    }

    /// `n` more assets are done.
    pub fn advance(&mut self, n: usize, already: usize) {
        self.done += n;
        if !self.enabled {
            return;
        }
        let line = bar_line(
            self.done.saturating_sub(already),
            self.total.saturating_sub(already),
            self.start.elapsed(),
        );
        let mut err = std::io::stderr().lock();
        if self.tty {
            let _ = write!(err, "\r{line}");
            if self.done >= self.total {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }
}

/// What a run did, for the summary table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Assets minted with provenance (this run and earlier runs of the journal).
    pub assets: usize,
    /// Batches in the plan.
    pub batches: usize,
    /// Transactions sent by this run (resends included).
    pub txs: usize,
    /// Gas used by every batch of the journal.
    pub gas: u64,
    /// Wall time of this run.
    pub wall: Duration,
    /// Assets completed by this run.
    pub assets_this_run: usize,
}

/// The closing summary table.
#[must_use]
pub fn summary_table(t: &Totals) -> String {
    let per_asset = t.gas.checked_div(t.assets as u64).unwrap_or(0);
    let rows = [
        ("assets", t.assets.to_string()),
        ("batches", t.batches.to_string()),
        ("transactions sent", t.txs.to_string()),
        ("total gas", t.gas.to_string()),
        ("gas per asset", per_asset.to_string()),
        ("wall time", human_duration(t.wall)),
        (
            "rate",
            format!("{:.1} assets/s", rate(t.assets_this_run, t.wall)),
        ),
    ];
    let mut out = String::new();
    for (k, v) in rows {
        out.push_str(&format!("  {k:<18} {v:>14}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_count_rate_and_eta() {
        let l = bar_line(50, 200, Duration::from_secs(10));
        assert!(l.starts_with("[=======>"), "{l}");
        assert!(l.contains("50/200 assets"), "{l}");
        assert!(l.contains("5.0 assets/s"), "{l}");
        assert!(l.ends_with("ETA 30.0s"), "{l}");
        let full = bar_line(200, 200, Duration::from_secs(4));
        assert!(
            full.starts_with(&format!("[{}]", "=".repeat(WIDTH))),
            "{full}"
        );
        assert!(bar_line(0, 10, Duration::ZERO).ends_with("ETA ?"));
        assert!(bar_line(0, 0, Duration::ZERO).contains("0/0"));
    }

    #[test]
    fn durations_and_the_summary_read_well() {
        assert_eq!(human_duration(Duration::from_millis(3_400)), "3.4s");
        assert_eq!(human_duration(Duration::from_secs(123)), "2m03s");
        assert_eq!(human_duration(Duration::from_secs(3_723)), "1h02m03s");
        let t = summary_table(&Totals {
            assets: 200,
            batches: 4,
            txs: 4,
            gas: 20_000_000,
            wall: Duration::from_secs(10),
            assets_this_run: 200,
        });
        assert!(t.contains("gas per asset") && t.contains("100000"), "{t}");
        assert!(t.contains("20.0 assets/s"), "{t}");
    }
}
