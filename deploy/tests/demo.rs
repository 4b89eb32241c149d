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
    // share holders: 75 / 25 of the net lease revenue, rounding down (< 1 wei each)
    let net = out.lease_price - out.royalty;
    let ada = out.claimed["Ada (creator)"];
    let dee = out.claimed["Dee (investor)"];
    assert!(ada + dee <= net && net - (ada + dee) <= U256::from(2u64));
    assert!(
        ada.abs_diff(dee * U256::from(3u64)) <= U256::from(3u64),
        "{ada} vs 3×{dee}"
    );
    // collaborators: 70 / 30 of the royalty, exactly (it divides)
    assert_eq!(
        out.withdrawn["Ada (creator)"],
        out.royalty * U256::from(7u64) / U256::from(10u64)
    );
    assert_eq!(
        out.withdrawn["Bo (prompt artist)"],
        out.royalty * U256::from(3u64) / U256::from(10u64)
    );
    assert!(out.total_gas > 0);
}
