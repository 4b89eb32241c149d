//! The suite's end-to-end state machines, one module per area, in one test
//! binary: the suite is deployed once per binary ([`Suite::fresh`] clones
//! it for every case) and the machines run in parallel.
//!
//! | module | contracts | invariants (numbered as in tests/INVARIANTS.md) |
//! |---|---|---|
//! | [`buyout`] | share-buyout, share-vault, vault-factory, ip-collection, ip-editions, license-market, Uniswap V2 | 7, 9, 10, 12, 19, 20, 21, 22 |
//! | [`editions`] | ip-editions | 1, 2, 3, 10, 12 |
//! | [`investors`] | share-offering, share-vault, vault-factory, license-market, Uniswap V2 (Router02, pairs) | 9, 10, 12, 23, 24, 25, 26, 27 |
//! | [`market`] | license-market, ip-collection, ip-editions, provenance | 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15 |
//! | [`split`] | split-factory, splits, license-market | 6, 9, 10, 12 |
//! | [`vault`] | vault-factory, share-vault, ip-collection, license-market | 7, 8, 9, 10, 12, 16 |
//!
//! Backend: the in-process devnode, or with `STYLUS_RPC_URL` any JSON-RPC
//! node with `evm_snapshot`/`evm_revert`/`evm_setNextBlockTimestamp`
//! (`STYLUS_RPC_URL=embedded`: the embedded devnode's server; the README's
//! test command runs the machines that way too, with fewer cases), the suite
//! deployed by the deploy crate. On a node without those methods the
//! machines are skipped with a notice.
//!
//! Common to all: every transaction goes through `Suite::send_raw`, which
//! checks that a reverted one changed no balance and no storage slot of any
//! account (its sender's nonce aside) — the "changes nothing" half of
//! invariant 10; each machine checks the exact custom error.
//!
//! [`Suite::fresh`]: stylus_ip_tests::suite::Suite::fresh

#[path = "suite_state_machine/buyout.rs"]
mod buyout;
#[path = "suite_state_machine/editions.rs"]
mod editions;
#[path = "suite_state_machine/investors.rs"]
mod investors;
#[path = "suite_state_machine/market.rs"]
mod market;
#[path = "suite_state_machine/split.rs"]
mod split;
#[path = "suite_state_machine/vault.rs"]
mod vault;

use proptest::test_runner::{Config, FileFailurePersistence};
use stylus_ip_tests::suite::{Backend, Suite};

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

/// Runs `machine` (a `prop_state_machine!` function) on a thread with a
/// [`stylus_ip_tests::BIG_STACK`]-byte stack (a transaction runs nested
/// Stylus frames, and the devnode's debug build needs more than the test
/// harness's 2 MiB per thread), re-raising its panic; skips it, with a notice, on a
/// JSON-RPC node that cannot isolate cases or pin block times.
fn on_big_stack(machine: fn()) {
    if let Some(why) = Suite::unusable(&Backend::from_env()) {
        eprintln!("NOTICE: state machine skipped: {why}");
        return;
    }
    stylus_ip_tests::big_stack("state machine", machine);
}

/// The backends agree on what a model sees: a transfer moves exactly its
/// value between gas-free balances ([`Suite::balance`]); over JSON-RPC the
/// sender really paid gas (booked, then added back), in process it did not;
/// a reverted call moves nothing and is reported with its custom error.
#[test]
fn balances_are_gas_free_on_every_backend() {
    use alloy_primitives::U256;
    use stylus_ip_tests::suite::abi::IpCollection;
    if let Some(why) = Suite::unusable(&Backend::from_env()) {
        eprintln!("NOTICE: skipped: {why}");
        return;
    }
    let mut s = Suite::fresh();
    let (a, b) = (s.actor(0), s.actor(1));
    let (a0, b0) = (s.balance(a), s.balance(b));
    s.send_raw(a, b, Vec::new(), U256::from(12_345))
        .expect("a plain transfer");
    assert_eq!(s.balance(a), a0 - U256::from(12_345));
    assert_eq!(s.balance(b), b0 + U256::from(12_345));
    assert_eq!(s.fees_paid(a) > U256::ZERO, s.over_rpc(), "gas fees booked");
    assert_eq!(s.fees_paid(b), U256::ZERO);
    // Only minters mint: a typed error, and nothing moves.
    let collection = s.collection;
    let mint = IpCollection::mintCall {
        to: a,
        uri: String::new(),
        royaltyReceiver: alloy_primitives::Address::ZERO,
        royaltyBps: alloy_primitives::aliases::U96::ZERO,
    };
    let refused = s.send(a, collection, &mint, U256::ZERO);
    let err = refused.expect_err("actors are not minters");
    assert!(
        matches!(
            err.decode::<IpCollection::IpCollectionErrors>(),
            IpCollection::IpCollectionErrors::CollectionCallerNotMinter(e) if e.account == a
        ),
        "{err:?}"
    );
    assert_eq!(s.balance(a), a0 - U256::from(12_345));
}
