//! Sandbox speed: chain creation, and Stylus ERC-721 transfers per second
//! in-process (the approach of `cargo bench -p stylus-vm --bench
//! throughput`) and over JSON-RPC.

use std::time::Instant;

use alloy::primitives::{aliases::U96, Address, Bytes, U256};
use alloy::sol_types::{SolCall, SolConstructor};
use anyhow::{bail, Context, Result};
use stylus_vm::{Sandbox, VmConfig};

use crate::chain::{Client, CONSTRUCTOR_SELECTOR};
use crate::stylus::IpCollection;

fn ctor(owner: Address) -> Vec<u8> {
    let mut data = CONSTRUCTOR_SELECTOR.to_vec();
    data.extend(
        IpCollection::constructorCall {
            name: "IP".into(),
            symbol: "IP".into(),
            baseUri: String::new(),
            owner,
            royaltyReceiver: owner,
            royaltyBps: U96::from(500),
        }
        .abi_encode(),
    );
    data
}

fn mint(to: Address) -> Vec<u8> {
    IpCollection::mintCall {
        to,
        uri: String::new(),
        royaltyReceiver: Address::ZERO,
        royaltyBps: U96::ZERO,
    }
    .abi_encode()
}

fn transfer(from: Address, to: Address, id: u64) -> Vec<u8> {
    IpCollection::transferFromCall {
        from,
        to,
        tokenId: U256::from(id),
    }
    .abi_encode()
}

/// Median time to create an in-process chain, in ms (21 samples).
#[must_use]
pub fn in_process_start_ms() -> f64 {
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(Sandbox::new());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[10]
}

/// Stylus `transferFrom`s per second on the in-process devnode under
/// `arbos_version` rules (one core, module compiled once and cached by the
/// engine), over `count` transfers.
///
/// # Errors
/// When deployment or a transaction fails.
pub fn in_process_tps(wasm: &[u8], count: u64, arbos_version: u64) -> Result<f64> {
    let alice = Address::repeat_byte(0xA1);
    let bob = Address::repeat_byte(0xB0);
    let mut n = Sandbox::with_config(VmConfig {
        max_code_size: 128 * 1024,
        ..VmConfig::arbos(arbos_version)
    });
    n.fund(alice, U256::from(10u64).pow(U256::from(21)));
    let c = n
        .deploy_and_activate(alice, wasm)
        .map_err(|o| anyhow::anyhow!("deploy + activate: {o:?}"))?;
    let send = |n: &mut Sandbox, data: Vec<u8>| -> Result<()> {
        let out = n
            .transact(alice, c, Bytes::from(data), U256::ZERO)
            .map_err(anyhow::Error::msg)?;
        if !out.success {
            bail!("in-process transaction failed: {out:?}");
        }
        Ok(())
    };
    send(&mut n, ctor(alice))?;
    for _ in 0..count {
        send(&mut n, mint(alice))?;
    }
    let txs: Vec<Vec<u8>> = (1..=count).map(|id| transfer(alice, bob, id)).collect();
    let t = Instant::now();
    for data in txs {
        send(&mut n, data)?;
    }
    Ok(count as f64 / t.elapsed().as_secs_f64())
}

/// Stylus `transferFrom`s per second over JSON-RPC: one client, each
/// transaction signed locally and sent with `eth_sendRawTransaction`, its
/// receipt awaited before the next.
///
/// # Errors
/// When deployment or a transaction fails.
pub async fn rpc_tps(c: &mut Client, wasm: &[u8], count: u64) -> Result<f64> {
    let (a0, a1) = (c.accounts[0], c.accounts[1]);
    c.program(wasm).await?;
    let (nft, _) = c
        .construct(wasm, &ctor(a0)[4..])
        .await
        .context("constructing the collection")?;
    for _ in 0..count {
        c.send(a0, Some(nft), mint(a0), U256::ZERO).await?;
    }
    let t = Instant::now();
    for id in 1..=count {
        c.send(a0, Some(nft), transfer(a0, a1, id), U256::ZERO)
            .await?;
    }
    Ok(count as f64 / t.elapsed().as_secs_f64())
}
