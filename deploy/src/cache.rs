//! `cargo ip deploy --cache-bid <WEI>`: put the suite's Stylus programs in
//! the chain's Stylus cache through the CacheManager auction, as
//! `cargo stylus cache bid` does: the cache manager is the last of
//! ArbWasmCache `allCacheManagers()`, every bid is first simulated with
//! `eth_call` so the CacheManager's typed errors (`BidTooSmall`,
//! `AsmTooLarge`, `BidsArePaused`, …) come back as readable errors, then
//! `placeBid{value: bid}` is sent.
//!
//! Idempotent, like the deployment it follows: a program whose codehash is
//! already cached (ArbWasmCache `codehashIsCached`) is skipped, so a rerun
//! after a failure bids only for what is still uncached.

use alloy::network::{Ethereum, TransactionBuilder};
use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::{SolCall, SolEvent, SolInterface};
use anyhow::{anyhow, bail, Context, Result};

use crate::manifest::Manifest;
use crate::run::Deployed;

/// The ArbWasmCache precompile.
pub use stylus_vm::config::ARB_WASM_CACHE;

/// Nitro's ArbWasmCache precompile and the CacheManager contract: the
/// devnode's declarations of them (one definition for the node and its
/// clients).
pub use stylus_vm::{abi::ArbWasmCache, cache_manager::abi::CacheManager};

/// What happened to one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOutcome {
    /// It was cached already (nothing sent).
    AlreadyCached,
    /// A bid was placed: the transaction's gas and the `InsertBid` events it emitted.
    Bid {
        /// Gas used by `placeBid`.
        gas_used: u64,
        /// `InsertBid` events in the receipt.
        inserted: usize,
    },
}

/// One program's line of the cache step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheReport {
    /// The manifest's name of the program.
    pub name: String,
    /// Its address.
    pub address: Address,
    /// Its codehash.
    pub codehash: B256,
    /// What happened.
    pub outcome: CacheOutcome,
}

/// A readable reason for CacheManager revert data.
#[must_use]
pub fn reason(data: &[u8]) -> String {
    use CacheManager::CacheManagerErrors as E;
    match E::abi_decode(data) {
        Ok(E::BidTooSmall(e)) => format!(
            "BidTooSmall: the bid {} (value plus decay) is below the minimum {} (the lowest bid that must be evicted); raise --cache-bid",
            e.bid, e.min
        ),
        Ok(E::AsmTooLarge(e)) => format!(
            "AsmTooLarge: the program's {} bytes do not fit (queue {}, cache {})",
            e.asm, e.queueSize, e.cacheSize
        ),
        Ok(E::AlreadyCached(e)) => format!("AlreadyCached: {}", e.codehash),
        Ok(E::BidsArePaused(_)) => "BidsArePaused: the cache manager takes no bids".into(),
        Ok(E::ProgramNotActivated(_)) => "ProgramNotActivated: activate the program first".into(),
        Ok(E::NotChainOwner(e)) => format!("NotChainOwner({})", e.sender),
        Ok(E::BidTooLarge(e)) => format!("BidTooLarge({})", e.bid),
        Ok(E::MakeSpaceTooLarge(e)) => format!("MakeSpaceTooLarge({}, {})", e.size, e.limit),
        Ok(E::HeapIsEmpty(_)) => "HeapIsEmpty".into(),
        Ok(E::Panic(e)) => format!("Panic({})", e.code),
        Err(_) if data.is_empty() => "reverted without data".into(),
        Err(_) => format!("revert data 0x{}", alloy::hex::encode(data)),
    }
}

async fn view<P: Provider<Ethereum>, C: SolCall>(p: &P, to: Address, call: C) -> Result<C::Return> {
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let out = p.call(tx).await?;
    Ok(C::abi_decode_returns(&out)?)
}

/// The chain's cache manager, as cargo-stylus finds it: the last of
/// ArbWasmCache `allCacheManagers()`.
///
/// # Errors
/// When the chain has none or the precompile does not answer.
pub async fn cache_manager<P: Provider<Ethereum>>(p: &P) -> Result<Address> {
    let managers = view(p, ARB_WASM_CACHE, ArbWasmCache::allCacheManagersCall {})
        .await
        .context("ArbWasmCache.allCacheManagers")?;
    managers.last().copied().ok_or_else(|| {
        anyhow!("no cache managers in ArbWasmCache: the Stylus cache is not enabled on this chain")
    })
}

/// The suite's Stylus programs in `manifest` (classic programs and the roots
/// of fragmented ones, not fragments or EVM contracts such as clones), one
/// per codehash, by name.
///
/// # Errors
/// When the node does not answer `eth_getCode`.
pub async fn suite_programs<P: Provider<Ethereum>>(
    p: &P,
    manifest: &Manifest,
) -> Result<Vec<(String, Address, B256)>> {
    let mut out: Vec<(String, Address, B256)> = Vec::new();
    for (name, c) in &manifest.contracts {
        let code = p
            .get_code_at(c.address)
            .await
            .with_context(|| format!("eth_getCode {name} at {}", c.address))?;
        let program = code.len() > 3 && code[0] == 0xEF && code[1] == 0xF0 && code[2] != 0x01;
        if !program || code[2] > 0x02 {
            continue;
        }
        let codehash = keccak256(&code);
        if out.iter().all(|(_, _, h)| *h != codehash) {
            out.push((name.clone(), c.address, codehash));
        }
    }
    Ok(out)
}

/// Bids `bid` wei for each of `programs` (name, address, codehash) not yet
/// cached, from `from`.
///
/// # Errors
/// No cache manager; a refused bid (its typed CacheManager error, decoded,
/// with the program's name); a failed transaction.
pub async fn place_bids<P: Provider<Ethereum>>(
    p: &P,
    from: Address,
    programs: &[(String, Address, B256)],
    bid: U256,
) -> Result<Vec<CacheReport>> {
    let manager = cache_manager(p).await?;
    let mut reports = Vec::new();
    for (name, address, codehash) in programs {
        let report = |outcome| CacheReport {
            name: name.clone(),
            address: *address,
            codehash: *codehash,
            outcome,
        };
        let cached = view(
            p,
            ARB_WASM_CACHE,
            ArbWasmCache::codehashIsCachedCall {
                codehash: *codehash,
            },
        )
        .await
        .with_context(|| format!("ArbWasmCache.codehashIsCached for {name}"))?;
        if cached {
            reports.push(report(CacheOutcome::AlreadyCached));
            continue;
        }
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(manager)
            .with_value(bid)
            .with_input(CacheManager::placeBidCall { program: *address }.abi_encode());
        if let Err(e) = p.call(tx.clone()).await {
            let detail = match e.as_error_resp() {
                Some(resp) => match resp.as_revert_data() {
                    Some(data) => reason(&data),
                    None => resp.message.to_string(),
                },
                None => e.to_string(),
            };
            bail!("cache bid of {bid} wei for {name} ({address}) refused by the CacheManager at {manager}: {detail}");
        }
        let receipt = p
            .send_transaction(tx)
            .await
            .with_context(|| format!("sending placeBid for {name}"))?
            .get_receipt()
            .await
            .with_context(|| format!("receipt of placeBid for {name}"))?;
        if !receipt.status() {
            bail!(
                "placeBid for {name} failed on-chain (transaction {})",
                receipt.transaction_hash
            );
        }
        let inserted = receipt
            .inner
            .logs()
            .iter()
            .filter(|l| l.address() == manager)
            .filter(|l| CacheManager::InsertBid::decode_log_data(l.data()).is_ok())
            .count();
        reports.push(report(CacheOutcome::Bid {
            gas_used: receipt.gas_used,
            inserted,
        }));
    }
    Ok(reports)
}

/// The cache step of `deploy --cache-bid`: bids `bid` wei, as the deployer,
/// for every Stylus program in the deployment's manifest not yet cached.
///
/// # Errors
/// An unreadable manifest, or [`place_bids`]' errors.
pub async fn cache_deployed(deployed: &Deployed, bid: U256) -> Result<Vec<CacheReport>> {
    let manifest = Manifest::load(&deployed.manifest)?
        .with_context(|| format!("no manifest at {}", deployed.manifest.display()))?;
    let programs = suite_programs(&deployed.provider, &manifest).await?;
    place_bids(&deployed.provider, deployed.deployer, &programs, bid).await
}

/// Parses a `--cache-bid` amount: decimal wei, or `0x` hex.
///
/// # Errors
/// When it is not a number.
pub fn parse_wei(s: &str) -> Result<U256, String> {
    s.trim()
        .parse::<U256>()
        .map_err(|e| format!("not an amount of wei: {s:?} ({e})"))
}

/// Prints the cache step's table.
pub fn print_reports(reports: &[CacheReport]) {
    if reports.is_empty() {
        return;
    }
    println!();
    println!(
        "{:<24} {:<44} {:>14}",
        "cached program", "address", "placeBid gas"
    );
    for r in reports {
        let gas = match &r.outcome {
            CacheOutcome::AlreadyCached => "already".to_string(),
            CacheOutcome::Bid { gas_used, .. } => gas_used.to_string(),
        };
        println!("{:<24} {:<44} {:>14}", r.name, r.address.to_string(), gas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::aliases::U192;
    use alloy::sol_types::SolError;

    #[test]
    fn reasons_decode_the_cache_managers_errors() {
        let small = CacheManager::BidTooSmall {
            bid: U192::from(9),
            min: U192::from(10),
        }
        .abi_encode();
        let r = reason(&small);
        assert!(
            r.starts_with("BidTooSmall") && r.contains("9") && r.contains("10"),
            "{r}"
        );
        assert!(reason(&CacheManager::BidsArePaused {}.abi_encode()).starts_with("BidsArePaused"));
        assert_eq!(reason(&[]), "reverted without data");
        assert_eq!(reason(&[1, 2]), "revert data 0x0102");
    }

    #[test]
    fn wei_parses_decimal_and_hex() {
        assert_eq!(parse_wei("1000"), Ok(U256::from(1000)));
        assert_eq!(parse_wei("0x10"), Ok(U256::from(16)));
        assert!(parse_wei("ten").is_err());
    }
}
