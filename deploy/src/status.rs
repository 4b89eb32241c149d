//! `stylus-ip status`: what the manifest says against what the chain says.

use alloy::network::TransactionBuilder;
use alloy::primitives::keccak256;
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use anyhow::{bail, Context, Result};

use crate::manifest::Manifest;
use crate::stylus::{activation_status, Activation, ArbWasm, ARB_WASM};

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
        } else if !stylus_validate::is_stylus_program(&code) {
            ("evm", format!("{} bytes of EVM code", code.len()))
        } else {
            match activation_status(&provider, keccak256(&code)).await? {
                Activation::Active(v) => {
                    let call = ArbWasm::programTimeLeftCall { program: c.address };
                    let tx = TransactionRequest::default()
                        .with_to(ARB_WASM)
                        .with_input(call.abi_encode());
                    let left = match provider.call(tx).await {
                        Ok(out) => ArbWasm::programTimeLeftCall::abi_decode_returns(&out)
                            .map_or("?".into(), |s| format!("{} days", s / 86_400)),
                        Err(_) => "?".into(),
                    };
                    ("active", format!("Stylus v{v}, expires in {left}; keep alive with ArbWasm.codehashKeepalive when under 31 days"))
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
