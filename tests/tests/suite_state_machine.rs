//! The suite's end-to-end state machines, one module per area, in one test
//! binary: the suite is deployed once per binary ([`Suite::fresh`] clones
//! it for every case) and the machines run in parallel.
//!
//! | module | contracts | invariants (issue 11 numbering) |
//! |---|---|---|
//! | [`editions`] | ip-editions | 1, 2, 3, 10, 12 |
//! | [`market`] | license-market, ip-collection, ip-editions, provenance | 1, 2, 3, 4, 5, 9, 10, 11, 12 |
//! | [`split`] | split-factory, splits, license-market | 6, 9, 10, 12 |
//! | [`vault`] | vault-factory, share-vault, ip-collection, license-market | 7, 8, 9, 10, 12 |
//!
//! Common to all: every transaction goes through `Suite::send_raw`, which
//! checks that a reverted one changed no balance and no storage slot of any
//! account (its sender's nonce aside) — the "changes nothing" half of
//! invariant 10; each machine checks the exact custom error.
//!
//! [`Suite::fresh`]: stylus_ip_tests::suite::Suite::fresh

#[path = "suite_state_machine/editions.rs"]
mod editions;
#[path = "suite_state_machine/market.rs"]
mod market;
#[path = "suite_state_machine/split.rs"]
mod split;
#[path = "suite_state_machine/vault.rs"]
mod vault;

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

/// Stack of the threads the machines run on: a transaction runs nested
/// Stylus frames, and the devnode's debug build needs more than the test
/// harness's 2 MiB per thread.
const STACK: usize = 256 * 1024 * 1024;

/// Runs `machine` (a `prop_state_machine!` function) on a thread with a
/// [`STACK`]-byte stack, re-raising its panic.
fn on_big_stack(machine: fn()) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(machine)
        .expect("spawning the machine's thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}
