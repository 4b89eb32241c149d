//! Chain configuration and the dev accounts.

use alloy_primitives::{keccak256, Address, U256};
use alloy_signer_local::PrivateKeySigner;

use crate::error::ChainError;

/// nitro-devnode's well-known dev private key (funded at genesis, as on nitro-devnode).
pub const NITRO_DEV_KEY: &str =
    "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";
/// The address of [`NITRO_DEV_KEY`].
pub const NITRO_DEV_ADDRESS: Address =
    alloy_primitives::address!("0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// nitro-devnode's chain id.
pub const DEFAULT_CHAIN_ID: u64 = 412_346;
/// Arbitrum's minimum L2 base fee on dev chains: 0.1 gwei.
pub const DEFAULT_BASE_FEE: u64 = 100_000_000;
/// Arbitrum's block gas limit header value (2^50).
pub const DEFAULT_BLOCK_GAS_LIMIT: u64 = 1 << 50;
/// EIP-170 code size limit (Arbitrum's default `MaxCodeSize`).
pub const DEFAULT_MAX_CODE_SIZE: usize = 24_576;
/// ArbOS 50+ per-transaction gas cap.
pub const DEFAULT_TX_GAS_CAP: u64 = 32_000_000;
/// The ArbOS version the chain follows by default: 61, live on Arbitrum One and Nova since
/// 2026-08-20 (the same as `stylus_vm::DEFAULT_ARBOS_VERSION`).
pub const DEFAULT_ARBOS_VERSION: u64 = 61;

/// A funded dev account whose key the node holds (`eth_accounts`, `eth_sendTransaction`).
#[derive(Clone, Debug)]
pub struct DevAccount {
    /// Address.
    pub address: Address,
    /// Signer (private key).
    pub signer: PrivateKeySigner,
}

impl DevAccount {
    /// The private key as `0x`-prefixed hex.
    pub fn private_key_hex(&self) -> String {
        format!(
            "0x{}",
            alloy_primitives::hex::encode(self.signer.to_bytes())
        )
    }

    fn from_key(key: &[u8; 32]) -> Option<Self> {
        let signer = PrivateKeySigner::from_slice(key).ok()?;
        Some(Self {
            address: signer.address(),
            signer,
        })
    }
}

/// Chain configuration.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    /// Chain id (412346 by default, as nitro-devnode).
    pub chain_id: u64,
    /// Number of deterministic dev accounts besides nitro-devnode's (10 by default).
    pub accounts: usize,
    /// Genesis balance of every dev account (10,000 ETH by default).
    pub balance: U256,
    /// Base fee in wei (0.1 gwei by default; constant, tips are dropped as on Arbitrum).
    pub base_fee: u64,
    /// Block gas limit (header value).
    pub block_gas_limit: u64,
    /// Per-transaction gas cap (32M as ArbOS 50+).
    pub tx_gas_cap: u64,
    /// Genesis timestamp (now by default).
    pub genesis_timestamp: Option<u64>,
    /// Mine a block for each transaction (default `true`).
    pub automine: bool,
    /// `MaxCodeSize` (24,576 as EIP-170; nitro's `--init.dev-max-code-size` equivalent).
    /// The init-code limit is twice this.
    pub max_code_size: usize,
    /// ArbOS version whose Stylus rules the chain follows ([`DEFAULT_ARBOS_VERSION`], 61, by
    /// default; 51 and 60 stay selectable).
    pub arbos_version: u64,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: DEFAULT_CHAIN_ID,
            accounts: 10,
            balance: U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18)),
            base_fee: DEFAULT_BASE_FEE,
            block_gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
            tx_gas_cap: DEFAULT_TX_GAS_CAP,
            genesis_timestamp: None,
            automine: true,
            max_code_size: DEFAULT_MAX_CODE_SIZE,
            arbos_version: DEFAULT_ARBOS_VERSION,
        }
    }
}

/// The key of deterministic dev account `i`: `keccak256("stylus-devnode dev account <i>")`
/// (re-hashed in the astronomically unlikely case it is not a valid secp256k1 scalar).
pub fn dev_key(i: usize) -> [u8; 32] {
    let mut k = keccak256(format!("stylus-devnode dev account {i}"));
    while PrivateKeySigner::from_slice(k.as_slice()).is_err() {
        k = keccak256(k);
    }
    k.0
}

impl ChainConfig {
    /// nitro-devnode's account followed by `accounts` deterministic accounts.
    ///
    /// # Errors
    /// Never in practice (invalid built-in key).
    pub fn dev_accounts(&self) -> Result<Vec<DevAccount>, ChainError> {
        let nitro: [u8; 32] = alloy_primitives::hex::decode_to_array(NITRO_DEV_KEY)
            .map_err(|e| ChainError::Internal(format!("bad built-in key: {e}")))?;
        let mut out = vec![DevAccount::from_key(&nitro)
            .ok_or_else(|| ChainError::Internal("bad built-in key".into()))?];
        for i in 0..self.accounts {
            out.push(
                DevAccount::from_key(&dev_key(i))
                    .ok_or_else(|| ChainError::Internal("bad dev key".into()))?,
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nitro_dev_key_derives_its_address() {
        let accounts = ChainConfig::default().dev_accounts().unwrap_or_default();
        assert_eq!(accounts.len(), 11);
        assert_eq!(accounts[0].address, NITRO_DEV_ADDRESS);
        assert_eq!(accounts[0].private_key_hex(), NITRO_DEV_KEY);
    }

    #[test]
    fn dev_accounts_are_deterministic_and_distinct() {
        let a = ChainConfig::default().dev_accounts().unwrap_or_default();
        let b = ChainConfig::default().dev_accounts().unwrap_or_default();
        let addrs: Vec<_> = a.iter().map(|x| x.address).collect();
        assert_eq!(addrs, b.iter().map(|x| x.address).collect::<Vec<_>>());
        let set: std::collections::HashSet<_> = addrs.iter().collect();
        assert_eq!(set.len(), addrs.len());
    }
}
