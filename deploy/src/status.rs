//! `stylus-ip status`: what the manifest says against what the chain says,
//! and `--keepalive` for programs close to expiry.
//!
//! A fragmented program is its root: Nitro keys the program record by the
//! code hash of the activated address (the root's), so `codehashVersion`,
//! `programTimeLeft` and `codehashKeepalive` take the root's address or code
//! hash; its fragments are listed as such.

use alloy::network::{Ethereum, TransactionBuilder};
use alloy::primitives::{keccak256, Address, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::{SolCall, SolInterface};
use anyhow::{bail, Context, Result};
use stylus_validate::fragments;

use crate::manifest::Manifest;
use crate::stylus::{activation_status, Activation, ArbWasm, ARB_WASM};

/// Whole days before `program` expires (ArbWasm `programTimeLeft`).
async fn days_left<P: Provider<Ethereum>>(provider: &P, program: Address) -> Result<u64> {
    let tx = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(ArbWasm::programTimeLeftCall { program }.abi_encode());
    let out = provider.call(tx).await?;
    Ok(ArbWasm::programTimeLeftCall::abi_decode_returns(&out)? / 86_400)
}

/// Prints one line per contract: address, code presence, activation state,
/// Stylus version and time left before the program expires.
///
/// # Errors
/// When the RPC is unreachable or serves another chain than the manifest's.
pub async fn print(rpc_url: &str, manifest: &Manifest) -> Result<()> {
    let provider = ProviderBuilder::new().connect_http(rpc_url.parse().context("bad --rpc-url")?);
    let chain_id = provider
        .get_chain_id()
        .await
        .with_context(|| format!("RPC {rpc_url} unreachable"))?;
    if chain_id != manifest.chain_id {
        bail!(
            "the manifest is for chain id {}, {rpc_url} serves {chain_id}",
            manifest.chain_id
        );
    }
    println!(
        "{:<18} {:<44} {:<12} detail",
        "contract", "address", "state"
    );
    for (name, c) in &manifest.contracts {
        let code = provider.get_code_at(c.address).await?;
        let (state, detail) = if code.is_empty() {
            ("missing", "no code at the recorded address".to_string())
        } else if fragments::is_fragment(&code) {
            (
                "fragment",
                format!(
                    "{} bytes of a fragmented program's code (the root is the program)",
                    code.len() - fragments::FRAGMENT_PREFIX.len()
                ),
            )
        } else if !fragments::is_program(&code) {
            ("evm", format!("{} bytes of EVM code", code.len()))
        } else {
            match activation_status(&provider, keccak256(&code)).await? {
                Activation::Active(v) => {
                    let left = days_left(&provider, c.address)
                        .await
                        .map_or("?".into(), |d| format!("{d} days"));
                    let root = fragments::parse_root(&code).map_or(String::new(), |r| {
                        format!("root of {} fragments, ", r.fragments.len())
                    });
                    ("active", format!("{root}Stylus v{v}, expires in {left}; keep alive with ArbWasm.codehashKeepalive when under 31 days"))
                }
                Activation::Needed(reason) => ("inactive", reason),
            }
        };
        println!(
            "{name:<18} {:<44} {state:<12} {detail}",
            c.address.to_string()
        );
    }
    Ok(())
}

/// What [`keepalive`] did for one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keepalive {
    /// Contract name in the manifest.
    pub name: String,
    /// Days left before the keepalive (or now, if none was sent).
    pub days_left: u64,
    /// Whether a keepalive transaction was sent, and the fee it paid.
    pub paid: Option<U256>,
}

/// Extends the lifetime of every program of `manifest` that expires within
/// `below_days` (`ArbWasm.codehashKeepalive`, paying its data fee, learnt
/// from the `ProgramInsufficientValue` revert of a zero-value `eth_call`,
/// plus 20 %; the excess is refunded). Programs sharing a code hash are kept
/// alive once; EVM contracts and fragments are skipped (a fragmented
/// program is kept alive through its root).
///
/// # Errors
/// When a query fails or a keepalive reverts (for instance
/// `ProgramKeepaliveTooSoon`: a program must be older than the chain's
/// keepalive days).
pub async fn keepalive<P: Provider<Ethereum>>(
    provider: &P,
    from: Address,
    manifest: &Manifest,
    below_days: u64,
) -> Result<Vec<Keepalive>> {
    let mut done = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (name, c) in &manifest.contracts {
        let code = provider.get_code_at(c.address).await?;
        // Programs only (classic or root): fragments and EVM code have no
        // ArbWasm record of their own.
        if !fragments::is_program(&code) {
            continue;
        }
        let hash = keccak256(&code);
        let days_left = days_left(provider, c.address)
            .await
            .with_context(|| format!("{name}: ArbWasm.programTimeLeft"))?;
        if days_left >= below_days || !done.insert(hash) {
            out.push(Keepalive {
                name: name.clone(),
                days_left,
                paid: None,
            });
            continue;
        }
        let data = ArbWasm::codehashKeepaliveCall { codehash: hash }.abi_encode();
        let probe = TransactionRequest::default()
            .with_from(from)
            .with_to(ARB_WASM)
            .with_input(data.clone());
        let fee = match provider.call(probe).await {
            Ok(_) => U256::ZERO,
            Err(e) => {
                let revert: Option<Vec<u8>> = e
                    .as_error_resp()
                    .and_then(|r| r.as_revert_data())
                    .map(|b| b.to_vec());
                match revert.as_deref().map(ArbWasm::ArbWasmErrors::abi_decode) {
                    Some(Ok(ArbWasm::ArbWasmErrors::ProgramInsufficientValue(v))) => {
                        v.want * U256::from(100 + crate::stylus::DATA_FEE_BUMP_PERCENT)
                            / U256::from(100u64)
                    }
                    Some(_) => bail!(
                        "{name}: keepalive refused: {}",
                        crate::stylus::arb_wasm_reason(revert.as_deref().unwrap_or(&[]))
                    ),
                    None => return Err(anyhow::anyhow!(e).context(format!("{name}: keepalive"))),
                }
            }
        };
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(ARB_WASM)
            .with_value(fee)
            .with_input(data);
        crate::stylus::send_and_confirm(provider, tx, &format!("keepalive of {name}"), |_| Ok(()))
            .await?;
        println!(
            "{name}: kept alive ({days_left} days were left), paid up to {} ETH",
            crate::stylus::eth(fee)
        );
        out.push(Keepalive {
            name: name.clone(),
            days_left,
            paid: Some(fee),
        });
    }
    Ok(out)
}
