//! The suite's end-to-end state machines, one module per area, in one test
//! binary: the suite is deployed once per binary ([`Suite::fresh`] clones
//! it for every case) and the machines run in parallel.
//!
//! | module | contracts | invariants (issue 11 numbering) |
//! |---|---|---|
//! | [`split`] | split-factory, splits, license-market | 6, 9, 10, 12 |
//!
//! [`Suite::fresh`]: stylus_ip_tests::suite::Suite::fresh

#[path = "suite_state_machine/split.rs"]
mod split;

use proptest::test_runner::{Config, FileFailurePersistence};

/// The proptest configuration of the machines: `PROPTEST_CASES` cases
/// (default 256); failures are persisted next to the module's source
/// (`suite_state_machine/<module>.proptest-regressions`, to commit).
fn config() -> Config {
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}
