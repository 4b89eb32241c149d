//! Stylus-specific chain operations over JSON-RPC: deterministic program
//! deployment through the CREATE2 factory, activation status, data-fee
//! estimation and activation through ArbWasm, exactly as cargo-stylus does,
//! and the chain's fragment limit (ArbOwnerPublic) for fragmented programs.

use alloy::network::{Ethereum, TransactionBuilder};
use alloy::primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::state::{AccountOverride, StateOverride};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::sol;
use alloy::sol_types::{SolCall, SolInterface};
use anyhow::{anyhow, bail, Context, Result};

/// The precompiles' and the platform contracts' addresses (the same on
/// Arbitrum One, Sepolia, nitro-devnode and our devnode), as the devnode
/// declares them.
pub use devnode_chain::genesis::{CREATE2_FACTORY, STYLUS_DEPLOYER};
pub use stylus_vm::config::{ARB_OWNER_PUBLIC, ARB_WASM};
/// Percentage added to the estimated data fee (cargo-stylus uses 20 %).
pub const DATA_FEE_BUMP_PERCENT: u64 = 20;

/// Nitro's ArbWasm and ArbOwnerPublic precompiles: the devnode's
/// declarations of them (one definition for the node and its clients).
pub use stylus_vm::abi::{ArbOwnerPublic, ArbWasm};

sol! {
    /// The StylusDeployer's entry point and errors (nitro-contracts).
    #[sol(all_derives)]
    interface StylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
    }
}

/// Selector of a stylus-sdk 0.9 constructor (`stylus_constructor()`): the
/// StylusDeployer's `initData` is this selector followed by the ABI-encoded
/// constructor arguments.
pub const STYLUS_CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// The address the StylusDeployer gives a contract deployed with a non-zero
/// `salt`: CREATE2 from the deployer with salt `keccak256(salt ‖ initData)`
/// (so the address commits to the constructor arguments) and the init code.
#[must_use]
pub fn stylus_deployer_address(salt: B256, init_data: &[u8], init_code: &[u8]) -> Address {
    let mut buf = salt.to_vec();
    buf.extend_from_slice(init_data);
    STYLUS_DEPLOYER.create2(keccak256(buf), keccak256(init_code))
}

/// The StylusDeployer transaction deploying `init_code`, activating it with
/// `fee` (refunded when not needed) and calling `init_data`.
#[must_use]
pub fn stylus_deployer_request(
    init_code: &[u8],
    init_data: &[u8],
    salt: B256,
    fee: U256,
) -> TransactionRequest {
    let call = StylusDeployer::deployCall {
        bytecode: Bytes::copy_from_slice(init_code),
        initData: Bytes::copy_from_slice(init_data),
        initValue: U256::ZERO,
        salt,
    };
    TransactionRequest::default()
        .with_to(STYLUS_DEPLOYER)
        .with_value(fee)
        .with_input(call.abi_encode())
}

/// Formats wei as ETH without trailing zeros (`0.000537`, `1`, `0`).
#[must_use]
pub fn eth(wei: U256) -> String {
    let s = alloy::primitives::utils::format_ether(wei);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Whether a program's code is usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activation {
    /// Active at this Stylus version.
    Active(u16),
    /// Needs `activateProgram` (never activated, outdated or expired), with Nitro's reason.
    Needed(String),
}

/// The CREATE2 address the factory deploys `init_code` to with `salt`.
#[must_use]
pub fn create2_address(salt: B256, init_code: &[u8]) -> Address {
    CREATE2_FACTORY.create2(salt, keccak256(init_code))
}

/// Decodes ArbWasm revert data into a readable reason.
#[must_use]
pub fn arb_wasm_reason(data: &[u8]) -> String {
    match ArbWasm::ArbWasmErrors::abi_decode(data) {
        Ok(e) => format!("{e:?}"),
        Err(_) => format!("revert data 0x{}", alloy::hex::encode(data)),
    }
}

fn revert_data(err: &alloy::transports::TransportError) -> Option<Bytes> {
    err.as_error_resp().and_then(|e| e.as_revert_data())
}

/// Nitro's answer when ArbWasm refuses a program: not a revert but a plain
/// JSON-RPC error whose message is the validator's reason
/// (`program activation failed: ...`).
fn activation_failure(err: &alloy::transports::TransportError) -> Option<String> {
    err.as_error_resp()
        .map(|e| e.message.to_string())
        .filter(|m| m.contains("activation failed"))
}

/// Asks ArbWasm whether code with `code_hash` is active.
///
/// # Errors
/// On transport failures or reverts that are not ArbWasm's "needs activation" errors.
pub async fn activation_status<P: Provider<Ethereum>>(
    provider: &P,
    code_hash: B256,
) -> Result<Activation> {
    let call = ArbWasm::codehashVersionCall {
        codehash: code_hash,
    };
    let tx = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(call.abi_encode());
    match provider.call(tx).await {
        Ok(out) => {
            let version = ArbWasm::codehashVersionCall::abi_decode_returns(&out)?;
            Ok(Activation::Active(version))
        }
        Err(e) => match revert_data(&e) {
            Some(data) => match ArbWasm::ArbWasmErrors::abi_decode(&data) {
                Ok(
                    ArbWasm::ArbWasmErrors::ProgramNotActivated(_)
                    | ArbWasm::ArbWasmErrors::ProgramNeedsUpgrade(_)
                    | ArbWasm::ArbWasmErrors::ProgramExpired(_),
                ) => Ok(Activation::Needed(arb_wasm_reason(&data))),
                _ => bail!(
                    "ArbWasm.codehashVersion reverted: {}",
                    arb_wasm_reason(&data)
                ),
            },
            None => Err(anyhow!(e).context("calling ArbWasm.codehashVersion")),
        },
    }
}

/// Estimates the activation data fee for `program` the way cargo-stylus does
/// (an `eth_call` of `activateProgram` with 1 ETH from a throw-away account
/// whose balance is overridden), plus [`DATA_FEE_BUMP_PERCENT`].
///
/// # Errors
/// When the call reverts (the message carries ArbWasm's reason).
pub async fn estimate_data_fee<P: Provider<Ethereum>>(
    provider: &P,
    program: Address,
) -> Result<U256> {
    estimate_with(provider, program, None, &[]).await
}

/// Estimates the activation data fee of program `code` that is not deployed
/// yet, by placing it at a scratch address with an `eth_call` state override
/// (as cargo-stylus's `check` does), plus [`DATA_FEE_BUMP_PERCENT`].
///
/// # Errors
/// When activation would fail (with ArbWasm's reason).
pub async fn estimate_data_fee_for_code<P: Provider<Ethereum>>(
    provider: &P,
    code: &[u8],
) -> Result<U256> {
    estimate_data_fee_with_fragments(provider, code, &[]).await
}

/// [`estimate_data_fee_for_code`] for a root program whose fragments may not
/// be deployed yet: each `(address, code)` of `fragments` is overridden too.
///
/// # Errors
/// When activation would fail (with ArbWasm's reason).
pub async fn estimate_data_fee_with_fragments<P: Provider<Ethereum>>(
    provider: &P,
    code: &[u8],
    fragments: &[(Address, Bytes)],
) -> Result<U256> {
    let scratch = address!("00000000000000000000000000000000c0de0001");
    estimate_with(
        provider,
        scratch,
        Some(Bytes::copy_from_slice(code)),
        fragments,
    )
    .await
}

/// The chain's `MaxFragmentCount` (`ArbOwnerPublic.getMaxStylusContractFragments`):
/// how many fragments a root program may name. A chain without the method
/// (before ArbOS 60, where the call reverts) allows none: 0.
///
/// # Errors
/// On transport failures (an unreachable node), not on a revert.
pub async fn max_fragments<P: Provider<Ethereum>>(provider: &P) -> Result<u8> {
    let tx = TransactionRequest::default()
        .with_to(ARB_OWNER_PUBLIC)
        .with_input(ArbOwnerPublic::getMaxStylusContractFragmentsCall {}.abi_encode());
    match provider.call(tx).await {
        Ok(out) => Ok(
            ArbOwnerPublic::getMaxStylusContractFragmentsCall::abi_decode_returns(&out)
                .unwrap_or(0),
        ),
        Err(e) if e.as_error_resp().is_some() => Ok(0),
        Err(e) => Err(anyhow!(e).context("calling ArbOwnerPublic.getMaxStylusContractFragments")),
    }
}

async fn estimate_with<P: Provider<Ethereum>>(
    provider: &P,
    program: Address,
    code: Option<Bytes>,
    fragments: &[(Address, Bytes)],
) -> Result<U256> {
    let from = address!("00000000000000000000000000000000c0ffee01");
    let code_given = code.is_some();
    let one_eth = U256::from(10u64).pow(U256::from(18u64));
    let call = ArbWasm::activateProgramCall { program };
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(ARB_WASM)
        .with_value(one_eth)
        .with_input(call.abi_encode());
    let mut overrides = StateOverride::default();
    overrides.insert(
        from,
        AccountOverride {
            balance: Some(U256::MAX),
            ..AccountOverride::default()
        },
    );
    for (address, fragment) in fragments {
        overrides.insert(
            *address,
            AccountOverride {
                code: Some(fragment.clone()),
                ..AccountOverride::default()
            },
        );
    }
    if let Some(code) = code {
        overrides.insert(
            program,
            AccountOverride {
                code: Some(code),
                ..AccountOverride::default()
            },
        );
    }
    let out = provider.call(tx).overrides(overrides).await.map_err(|e| {
        let what = if code_given {
            "the program".to_string()
        } else {
            program.to_string()
        };
        match (revert_data(&e), activation_failure(&e)) {
            (Some(data), _) => {
                anyhow!(
                    "activation of {what} would fail: {}",
                    arb_wasm_reason(&data)
                )
            }
            (None, Some(reason)) => anyhow!("activation of {what} would fail: {reason}"),
            (None, None) => anyhow!(e).context("estimating the activation data fee"),
        }
    })?;
    let ret = ArbWasm::activateProgramCall::abi_decode_returns(&out)?;
    Ok(ret.dataFee * U256::from(100 + DATA_FEE_BUMP_PERCENT) / U256::from(100u64))
}

/// Sends `tx`, hands its hash to `record` before waiting (so a crash can
/// resume from the hash), then waits for a successful receipt.
///
/// # Errors
/// When sending fails or the transaction reverts.
pub async fn send_and_confirm<P, F>(
    provider: &P,
    tx: TransactionRequest,
    what: &str,
    record: F,
) -> Result<TransactionReceipt>
where
    P: Provider<Ethereum>,
    F: FnOnce(B256) -> Result<()>,
{
    let pending = provider
        .send_transaction(tx)
        .await
        .with_context(|| format!("sending {what}"))?;
    record(*pending.tx_hash())?;
    let receipt = pending
        .get_receipt()
        .await
        .with_context(|| format!("waiting for {what}"))?;
    if !receipt.status() {
        bail!(
            "{what} reverted in transaction {}",
            receipt.transaction_hash
        );
    }
    Ok(receipt)
}

/// Deploys `init_code` through the CREATE2 factory with `salt` and returns
/// the transaction request (the address is [`create2_address`]).
#[must_use]
pub fn create2_request(salt: B256, init_code: &[u8]) -> TransactionRequest {
    let mut data = salt.to_vec();
    data.extend_from_slice(init_code);
    TransactionRequest::default()
        .with_to(CREATE2_FACTORY)
        .with_input(data)
}

/// The `activateProgram(program)` transaction paying `fee`.
#[must_use]
pub fn activate_request(program: Address, fee: U256) -> TransactionRequest {
    TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_value(fee)
        .with_input(ArbWasm::activateProgramCall { program }.abi_encode())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::sol_types::SolError;

    #[test]
    fn create2_matches_the_eip_1014_example() {
        // EIP-1014 example 1 uses deployer 0x0; check our formula against the
        // primitive, and that the factory address is what we claim.
        let salt = B256::ZERO;
        let code = [0u8];
        let expected = Address::ZERO.create2(salt, keccak256(code));
        assert_eq!(
            expected,
            address!("4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38")
        );
        assert_eq!(
            create2_address(salt, &code),
            CREATE2_FACTORY.create2(salt, keccak256(code))
        );
        let req = create2_request(B256::repeat_byte(7), &[1, 2]);
        let input = req.input.input().unwrap();
        assert_eq!(&input[..32], B256::repeat_byte(7).as_slice());
        assert_eq!(&input[32..], &[1, 2]);
    }

    #[test]
    fn eth_formatting_trims_zeros() {
        assert_eq!(eth(U256::from(1_000_000_000_000u64)), "0.000001");
        assert_eq!(eth(U256::from(10u64).pow(U256::from(18u64))), "1");
        assert_eq!(eth(U256::ZERO), "0");
        assert_eq!(eth(U256::from(1_500_000_000_000_000_000u128)), "1.5");
    }

    #[test]
    fn decodes_arbwasm_errors_with_their_fields() {
        let data = ArbWasm::ProgramNeedsUpgrade {
            version: 1,
            stylusVersion: 2,
        }
        .abi_encode();
        assert!(arb_wasm_reason(&data).contains("ProgramNeedsUpgrade"));
        assert!(arb_wasm_reason(&[1, 2, 3]).contains("0x010203"));
        // selectors as documented in stylus-runtime.md
        assert_eq!(
            ArbWasm::ProgramNotActivated::SELECTOR,
            [0x6f, 0x80, 0x9c, 0x4e]
        );
        assert_eq!(
            ArbWasm::activateProgramCall::SELECTOR,
            [0x58, 0xc7, 0x80, 0xc2]
        );
        assert_eq!(
            ArbOwnerPublic::getMaxStylusContractFragmentsCall::SELECTOR,
            [0xe5, 0xa7, 0xf8, 0x93]
        );
    }
}
