//! Chain errors, with their JSON-RPC error codes.

use alloy_primitives::Bytes;

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

/// Decodes `Error(string)` revert data.
pub fn decode_revert_reason(data: &[u8]) -> Option<String> {
    use alloy_sol_types::SolError;
    alloy_sol_types::Revert::abi_decode(data)
        .ok()
        .map(|r| r.reason)
}
