//! The README's main job, end to end: the suite deployed on the embedded
//! devnode and the demo story played through the exported ABIs. Checks the
//! money of the story adds up, not just that it ran.

use alloy::primitives::U256;
use stylus_ip_deploy::demo::{self, DemoOptions};
use stylus_ip_deploy::keys::KeySource;

#[test]
fn demo_story_moves_the_right_amounts_and_the_licence_lapses() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::env::temp_dir().join(format!("stylus-ip-demo-{}.json", std::process::id()));
    let out = demo::run(
        &root,
        &DemoOptions {
            rpc_url: None,
            key: KeySource::DevDefault,
            skip_build: true,
            manifest: Some(manifest),
        },
    )
    .unwrap();
    assert!(out.verified, "the attested record verifies (ERC-7007)");
    assert!(out.licensed_during);
    assert_eq!(out.licensed_after, Some(false), "lapsed after 31 days");
    // 10 % royalty on the lease price, to the split
    assert_eq!(out.royalty, out.lease_price / U256::from(10u64));
    // the offering: Dee paid 100 units for 250,000 KOI in one transaction,
    // and the raise went to the split
    assert_eq!(
        out.offering_shares,
        U256::from(250_000u64) * U256::from(10u64).pow(U256::from(18u64))
    );
    assert!(out.raised > U256::ZERO);
    // the pool held shares when the revenue arrived, accrued none of it,
    // and its reserves are its balances
    assert!(out.pool_shares > U256::ZERO);
    assert!(!out.pool_accrues);
    assert_eq!(out.pool_claimable, U256::ZERO);
    assert!(out.pool_reserves_exact);
    // every holder's claim is revenue × balance / accruing supply (the
    // accumulator rounds down: at most 1 wei under), and together they take
    // all of the net lease revenue but the rounding dust: none went to the pool
    let net = out.lease_price - out.royalty;
    assert_eq!(out.vault_revenue, net);
    let mut total = U256::ZERO;
    for (who, claimed) in &out.claimed {
        let due = out.expected_claims[who];
        assert!(
            *claimed <= due && due - *claimed <= U256::from(1u64),
            "{who}: claimed {claimed}, due {due}"
        );
        total += *claimed;
    }
    assert_eq!(out.claimed.len(), 3, "Ada, Dee and Eve claim");
    assert!(
        total <= net && net - total <= U256::from(3u64),
        "{total} of {net}"
    );
    // collaborators: 70 / 30 of what reached the split (the royalty and
    // the offering's proceeds), exactly (it divides)
    let split_in = out.royalty + out.raised;
    assert_eq!(
        out.withdrawn["Ada (creator)"],
        split_in * U256::from(7u64) / U256::from(10u64)
    );
    assert_eq!(
        out.withdrawn["Bo (prompt artist)"],
        split_in * U256::from(3u64) / U256::from(10u64)
    );
    assert!(out.total_gas > 0);
    // no hooks: the gateway steps are the CLI's (cli/tests/demo_gateway.rs)
    assert!(out.gateway_licensed.is_none() && out.gateway_expired.is_none());
}
