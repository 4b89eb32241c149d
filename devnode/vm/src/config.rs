//! Chain configuration: ArbOS version, Stylus parameters, limits.

use revm::primitives::{address, hardfork::SpecId, Address};

/// The ArbOS state account: program records and the data pricer live in its storage.
pub const ARBOS_STATE_ADDRESS: Address = address!("0xA4B05FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
/// `ArbSys`.
pub const ARB_SYS: Address = address!("0x0000000000000000000000000000000000000064");
/// `ArbOwnerPublic`.
pub const ARB_OWNER_PUBLIC: Address = address!("0x000000000000000000000000000000000000006b");
/// `ArbGasInfo`.
pub const ARB_GAS_INFO: Address = address!("0x000000000000000000000000000000000000006C");
/// `ArbWasm`.
pub const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");
/// `ArbWasmCache`.
pub const ARB_WASM_CACHE: Address = address!("0x0000000000000000000000000000000000000072");
/// `ArbOwner`: chain-owner-only configuration.
pub const ARB_OWNER: Address = address!("0x0000000000000000000000000000000000000070");
/// `ArbDebug`: debug-chain helpers (`becomeChainOwner`).
pub const ARB_DEBUG: Address = address!("0x00000000000000000000000000000000000000ff");
/// Where activation data fees go (the network fee account).
pub const NETWORK_FEE_ACCOUNT: Address = address!("0x00000000000000000000000000000000000A4B05");
/// The Arbitrum precompiles this crate provides.
pub const ARB_PRECOMPILES: [Address; 7] = [
    ARB_SYS,
    ARB_OWNER_PUBLIC,
    ARB_GAS_INFO,
    ARB_WASM,
    ARB_WASM_CACHE,
    ARB_OWNER,
    ARB_DEBUG,
];
/// The CacheManager contract at nitro-devnode's address (cargo-stylus'
/// `devnet::addresses::CACHE_MANAGER`): a system contract served natively by
/// [`crate::cache_manager`] while its code is [`CACHE_MANAGER_CODE`]. It is
/// not a precompile, so its address is not warm.
pub const CACHE_MANAGER: Address = address!("0x2F8Bd4EaB69764c105aDd7dE7CB0402557a44E6f");
/// The code marking the native CacheManager (one `INVALID` byte, so
/// `eth_getCode` is non-empty and calls reach the precompile provider).
pub const CACHE_MANAGER_CODE: [u8; 1] = [0xFE];

/// The ArbOS version the VM, the devnode chain and the `stylus-devnode` binary
/// default to: 61, live on Arbitrum One and Nova since 2026-08-20.
pub const DEFAULT_ARBOS_VERSION: u64 = stylus_validate::rules::DEFAULT_ARBOS_VERSION;

/// Arbitrum's start time: program ages count hours from here.
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;

/// Stylus parameters (`arbos/programs/params.go` defaults after the upgrades).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StylusParams {
    /// Stylus version programs are activated at.
    pub version: u16,
    /// Ink per gas.
    pub ink_price: u32,
    /// Depth-checker budget in words.
    pub max_stack_depth: u32,
    /// Pages each tx gets for free.
    pub free_pages: u16,
    /// Linear gas per page.
    pub page_gas: u16,
    /// Exponential ramp of the memory model (reported by `pageRamp`).
    pub page_ramp: u64,
    /// Most pages a tx may open.
    pub page_limit: u16,
    /// `MinInitGas` (× 128 gas).
    pub min_init_gas: u8,
    /// `MinCachedInitGas` (× 32 gas).
    pub min_cached_init_gas: u8,
    /// `InitCostScalar` (× 2 %).
    pub init_cost_scalar: u8,
    /// `CachedCostScalar` (× 2 %).
    pub cached_cost_scalar: u8,
    /// Days until a program expires.
    pub expiry_days: u16,
    /// Days before keepalive is allowed.
    pub keepalive_days: u16,
    /// Size of the per-block recent-programs cache (`BlockCacheSize`; it
    /// takes effect from ArbOS 60).
    pub block_cache_size: u16,
    /// Largest decompressed WASM (`MaxWasmSize`: 128 KiB, 256 KiB from ArbOS 60).
    pub max_wasm_size: u32,
    /// Most fragments of a root program (`MaxFragmentCount`, read by
    /// `ArbOwnerPublic.getMaxStylusContractFragments()`): 0 before ArbOS 60,
    /// 2 at 60 (Nitro's initial value), 4 from 61 (Arbitrum One and Nova,
    /// 96 KB of compressed code).
    pub max_fragment_count: u8,
}

impl StylusParams {
    /// Nitro's values at `arbos_version`.
    #[must_use]
    pub const fn for_arbos(arbos_version: u64) -> Self {
        Self {
            version: 2,
            ink_price: 10_000,
            max_stack_depth: if arbos_version >= 50 {
                22_000
            } else {
                4 * 65_536
            },
            free_pages: 2,
            page_gas: 1000,
            page_ramp: 620_674_314,
            page_limit: 128,
            min_init_gas: 69,
            min_cached_init_gas: 11,
            init_cost_scalar: 50,
            cached_cost_scalar: 50,
            expiry_days: 365,
            keepalive_days: 31,
            block_cache_size: 32,
            max_wasm_size: stylus_validate::rules::max_wasm_size(arbos_version) as u32,
            // At most 4: always fits a u8.
            max_fragment_count: stylus_validate::rules::max_fragment_count(arbos_version) as u8,
        }
    }
}

/// Chain-level configuration of the VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmConfig {
    /// Chain id (412346 on nitro-devnode).
    pub chain_id: u64,
    /// ArbOS version ([`DEFAULT_ARBOS_VERSION`], 61, by default).
    pub arbos_version: u64,
    /// Debug chain (`AllowDebugPrecompiles`): `console.*` imports and start
    /// functions are accepted. nitro `--dev` chains are debug chains.
    pub debug: bool,
    /// Stylus parameters.
    pub stylus: StylusParams,
    /// Per-transaction gas cap (32M from ArbOS 50).
    pub tx_gas_limit_cap: u64,
    /// `MaxCodeSize` (EIP-170 24 KiB by default).
    pub max_code_size: usize,
    /// Fixed gas burnt by every activation.
    pub activation_fixed_gas: u64,
    /// `ArbWasm.activationGas()`: a constant charge burnt before every
    /// activation, set by the chain owner (ArbOS 60+; 0 by default).
    pub activation_gas: u64,
}

impl Default for VmConfig {
    fn default() -> Self {
        Self::arbos(DEFAULT_ARBOS_VERSION)
    }
}

impl VmConfig {
    /// The nitro-devnode configuration at `arbos_version` (any version the VM
    /// models: 51 and 60 stay selectable next to the default 61).
    #[must_use]
    pub const fn arbos(arbos_version: u64) -> Self {
        Self {
            chain_id: 412_346,
            arbos_version,
            debug: true,
            stylus: StylusParams::for_arbos(arbos_version),
            tx_gas_limit_cap: 32_000_000,
            max_code_size: 24_576,
            activation_fixed_gas: 1_659_168,
            activation_gas: 0,
        }
    }

    /// The ArbOS version these rules follow.
    #[must_use]
    pub const fn arbos_version(&self) -> u64 {
        self.arbos_version
    }

    /// Whether the per-block recent-programs cache applies (ArbOS 60+).
    #[must_use]
    pub const fn recent_programs_cache(&self) -> bool {
        self.arbos_version >= 60
    }

    /// The revm hard fork matching the ArbOS version (Osaka from 50, Prague from 40).
    #[must_use]
    pub const fn spec(&self) -> SpecId {
        if self.arbos_version >= 50 {
            SpecId::OSAKA
        } else if self.arbos_version >= 40 {
            SpecId::PRAGUE
        } else {
            SpecId::CANCUN
        }
    }
}
