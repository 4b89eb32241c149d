//! Chain errors, with their JSON-RPC error codes, and the invalid-transaction messages
//! wallet libraries recognise (geth's wording).

use alloy_primitives::{Address, Bytes, U256};

/// An error from a chain operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// Bad parameters (JSON-RPC -32602).
    #[error("{0}")]
    InvalidParams(String),
    /// Invalid transaction: nonce, funds, gas, fees, signature (-32000).
    #[error("{0}")]
    InvalidTx(String),
    /// Execution reverted (code 3, revert data in `data`).
    #[error("execution reverted")]
    Revert(Bytes),
    /// Execution halted: out of gas, invalid opcode, ... (-32000).
    #[error("{0}")]
    Halt(String),
    /// Unknown block, transaction or filter (-32000).
    #[error("{0}")]
    NotFound(String),
    /// Request exceeds a limit (-32005).
    #[error("{0}")]
    LimitExceeded(String),
    /// Internal error (-32603).
    #[error("{0}")]
    Internal(String),
}

impl ChainError {
    /// The JSON-RPC error code.
    pub fn code(&self) -> i64 {
        match self {
            Self::InvalidParams(_) => -32602,
            Self::Revert(_) => 3,
            Self::InvalidTx(_) | Self::Halt(_) | Self::NotFound(_) => -32000,
            Self::LimitExceeded(_) => -32005,
            Self::Internal(_) => -32603,
        }
    }

    /// The JSON-RPC error message. A revert whose data is `Error(string)` gets
    /// `execution reverted: <reason>`, as geth does.
    pub fn message(&self) -> String {
        match self {
            Self::Revert(data) => match decode_revert_reason(data) {
                Some(r) => format!("execution reverted: {r}"),
                None => "execution reverted".into(),
            },
            other => other.to_string(),
        }
    }

    /// The revert data, if any.
    pub fn data(&self) -> Option<&Bytes> {
        match self {
            Self::Revert(d) => Some(d),
            _ => None,
        }
    }
}

/// Nonce too low: `nonce too low: address X, tx: N state: M` (geth's and Nitro's wording).
pub(crate) const NONCE_TOO_LOW: &str = "nonce too low";
/// Nonce too high (Nitro's sequencer rejects nonce gaps with it).
pub(crate) const NONCE_TOO_HIGH: &str = "nonce too high";
/// The sender cannot pay `gas * max fee + value`.
pub(crate) const INSUFFICIENT_FUNDS: &str = "insufficient funds for gas * price + value";
/// `eth_estimateGas` with a non-zero fee cap: the value is at least the balance.
pub(crate) const INSUFFICIENT_FUNDS_FOR_TRANSFER: &str = "insufficient funds for transfer";
/// The gas limit is below the intrinsic gas.
pub(crate) const INTRINSIC_GAS_TOO_LOW: &str = "intrinsic gas too low";
/// The gas limit is below the EIP-7623 calldata floor.
pub(crate) const FLOOR_DATA_GAS: &str = "insufficient gas for floor data gas cost";
/// The max fee (or gas price) is below the block's base fee.
pub(crate) const FEE_CAP_TOO_LOW: &str = "max fee per gas less than block base fee";
/// The tip is above the max fee.
pub(crate) const TIP_ABOVE_FEE_CAP: &str = "max priority fee per gas higher than max fee per gas";
/// A pool transaction with the same sender and nonce pays too little more to be replaced.
pub(crate) const REPLACEMENT_UNDERPRICED: &str = "replacement transaction underpriced";
/// The very same transaction is already waiting in the pool.
pub(crate) const ALREADY_KNOWN: &str = "already known";
/// `eth_estimateGas`: the call fails for lack of gas at the highest gas it may use.
pub(crate) const GAS_ALLOWANCE_EXCEEDED: &str = "gas required exceeds allowance";

/// Constructors of the invalid-transaction errors whose leading phrase wallet libraries match
/// on (viem's `getNodeError`, ethers' `getRpcError`): each message starts with geth's phrase
/// and goes on with geth's details, all with code -32000.
impl ChainError {
    /// `nonce too low: address X, tx: N state: M`.
    pub fn nonce_too_low(from: Address, tx: u64, state: u64) -> Self {
        Self::InvalidTx(format!(
            "{NONCE_TOO_LOW}: address {from}, tx: {tx} state: {state}"
        ))
    }

    /// `nonce too high: address X, tx: N state: M`.
    pub fn nonce_too_high(from: Address, tx: u64, state: u64) -> Self {
        Self::InvalidTx(format!(
            "{NONCE_TOO_HIGH}: address {from}, tx: {tx} state: {state}"
        ))
    }

    /// `insufficient funds for gas * price + value: address X have B want C`.
    pub fn insufficient_funds(from: Address, have: U256, want: U256) -> Self {
        Self::InvalidTx(format!(
            "{INSUFFICIENT_FUNDS}: address {from} have {have} want {want}"
        ))
    }

    /// `insufficient funds for transfer`.
    pub fn insufficient_funds_for_transfer() -> Self {
        Self::InvalidTx(INSUFFICIENT_FUNDS_FOR_TRANSFER.into())
    }

    /// `intrinsic gas too low: gas N, minimum needed M`.
    pub fn intrinsic_gas_too_low(gas: u64, needed: u64) -> Self {
        Self::InvalidTx(format!(
            "{INTRINSIC_GAS_TOO_LOW}: gas {gas}, minimum needed {needed}"
        ))
    }

    /// `insufficient gas for floor data gas cost: gas N, minimum needed M`.
    pub fn floor_data_gas(gas: u64, needed: u64) -> Self {
        Self::InvalidTx(format!(
            "{FLOOR_DATA_GAS}: gas {gas}, minimum needed {needed}"
        ))
    }

    /// `max fee per gas less than block base fee: address X, maxFeePerGas: A, baseFee: B`.
    pub fn fee_cap_too_low(from: Address, max_fee: u128, base_fee: u64) -> Self {
        Self::InvalidTx(format!(
            "{FEE_CAP_TOO_LOW}: address {from}, maxFeePerGas: {max_fee}, baseFee: {base_fee}"
        ))
    }

    /// `max priority fee per gas higher than max fee per gas: address X,
    /// maxPriorityFeePerGas: T, maxFeePerGas: A`.
    pub fn tip_above_fee_cap(from: Address, tip: u128, max_fee: u128) -> Self {
        Self::InvalidTx(format!(
            "{TIP_ABOVE_FEE_CAP}: address {from}, maxPriorityFeePerGas: {tip}, maxFeePerGas: {max_fee}"
        ))
    }

    /// `replacement transaction underpriced`.
    pub fn replacement_underpriced() -> Self {
        Self::InvalidTx(REPLACEMENT_UNDERPRICED.into())
    }

    /// `already known`.
    pub fn already_known() -> Self {
        Self::InvalidTx(ALREADY_KNOWN.into())
    }

    /// `gas required exceeds allowance (N)`.
    pub fn gas_allowance_exceeded(allowance: u64) -> Self {
        Self::InvalidTx(format!("{GAS_ALLOWANCE_EXCEEDED} ({allowance})"))
    }

    /// Whether this is an intrinsic-gas or calldata-floor error: more gas would cure it
    /// (gas estimation raises its lower bound instead of failing).
    pub fn is_gas_too_low(&self) -> bool {
        matches!(self, Self::InvalidTx(m)
            if m.starts_with(INTRINSIC_GAS_TOO_LOW) || m.starts_with(FLOOR_DATA_GAS))
    }
}

/// Decodes `Error(string)` revert data.
pub fn decode_revert_reason(data: &[u8]) -> Option<String> {
    use alloy_sol_types::SolError;
    alloy_sol_types::Revert::abi_decode(data)
        .ok()
        .map(|r| r.reason)
}
