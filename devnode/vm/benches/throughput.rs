//! Throughput of the in-process devnode (`cargo bench -p stylus-vm`):
//! chain creation time and ERC-721 transfers per second once the module is
//! cached, on the pipeline's `ip-collection` WASM (`target/wasm/`).
#![allow(missing_docs)]

use std::time::Instant;

use alloy_sol_types::{sol, SolCall, SolValue};
use stylus_vm::primitives::{Address, Bytes, U256};
use stylus_vm::{Sandbox, VmConfig};

sol! {
    function mint(address to, string uri, address royaltyReceiver, uint96 royaltyBps) external returns (uint256);
    function transferFrom(address from, address to, uint256 tokenId) external;
}

const ALICE: Address = Address::repeat_byte(0xA1);
const BOB: Address = Address::repeat_byte(0xB0);

fn main() {
    // --- chain creation ---
    let mut times = Vec::new();
    for _ in 0..21 {
        let t = Instant::now();
        let n = Sandbox::new();
        std::hint::black_box(&n);
        times.push(t.elapsed());
    }
    times.sort();
    println!("chain creation: median {:?} (target <= 200 ms)", times[10]);

    // --- ERC-721 transfers ---
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/wasm/ip-collection.wasm");
    let Ok(wasm) = std::fs::read(&path) else {
        println!(
            "SKIP transfers: {} not built (run `cargo ip build`)",
            path.display()
        );
        return;
    };
    let mut n = Sandbox::with_config(VmConfig {
        max_code_size: 128 * 1024,
        ..VmConfig::default()
    });
    let eth = U256::from(10u64).pow(U256::from(21));
    n.fund(ALICE, eth);
    n.fund(BOB, eth);
    let t = Instant::now();
    let c = n
        .deploy_and_activate(ALICE, &wasm)
        .expect("deploy + activate");
    println!("deploy + activate ip-collection: {:?}", t.elapsed());
    let mut ctor = vec![0x55, 0x85, 0x25, 0x8d];
    ctor.extend(
        (
            "IP".to_string(),
            "IPC".to_string(),
            String::new(),
            ALICE,
            ALICE,
            U256::from(500),
        )
            .abi_encode_params(),
    );
    assert!(
        n.transact(ALICE, c, ctor.into(), U256::ZERO)
            .unwrap()
            .success
    );
    let count = 3000u64;
    for _ in 0..count {
        let m = mintCall {
            to: ALICE,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: Default::default(),
        };
        let out = n
            .transact(ALICE, c, m.abi_encode().into(), U256::ZERO)
            .unwrap();
        assert!(out.success);
    }
    let txs: Vec<Bytes> = (1..=count)
        .map(|id| {
            transferFromCall {
                from: ALICE,
                to: BOB,
                tokenId: U256::from(id),
            }
            .abi_encode()
            .into()
        })
        .collect();
    let t = Instant::now();
    let mut gas = 0;
    for data in txs {
        let out = n.transact(ALICE, c, data, U256::ZERO).unwrap();
        assert!(out.success, "{out:?}");
        gas = out.gas_used;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ERC-721 transferFrom: {count} txs in {secs:.3} s = {:.0} tx/s on one core (target >= 2000); gas per transfer {gas}",
        count as f64 / secs
    );
}
