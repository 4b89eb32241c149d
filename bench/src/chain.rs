//! A lean JSON-RPC client for the bench: signed transactions with the nonce,
//! gas limit and fees set locally (no estimation round trips, which would
//! re-execute every transaction), receipts polled at once (the devnode
//! automines), Stylus deployment, activation and caching.

use std::collections::HashMap;
use std::path::Path;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::{SolCall, SolEvent};
use anyhow::{bail, Context, Result};
use stylus_devnode::DevAccount;

/// Gas limit of every bench transaction (below the 32M per-transaction cap).
pub const TX_GAS: u64 = 30_000_000;
/// Max fee per gas offered (the devnode's base fee is 0.1 gwei).
pub const MAX_FEE: u128 = 1_000_000_000;
/// The StylusDeployer of nitro-devnode (deploy + activate + constructor).
pub use stylus_ip_deploy::stylus::STYLUS_DEPLOYER;
/// The ArbWasmCache precompile.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
// ArbWasm, the StylusDeployer and the constructor selector: the deploy
// crate's definitions (one source for the whole suite).
pub use stylus_ip_deploy::stylus::{
    ArbWasm, StylusDeployer, ARB_WASM, STYLUS_CONSTRUCTOR_SELECTOR as CONSTRUCTOR_SELECTOR,
};

sol! {
    /// The ArbWasmCache precompile (the cache-manager method the bench uses).
    interface ArbWasmCache {
        function cacheProgram(address addr) external;
    }
}

/// Creation code of the suite's 60-byte delegating clone of `implementation`
/// (`contracts/proxy`, the deploy crate's `clone::proxy`).
#[must_use]
pub fn clone_init_code(implementation: Address) -> Vec<u8> {
    stylus_ip_deploy::clone::proxy::proxy_init_code(implementation.into_array())
}

/// Reads `<dir>/<contract>.wasm` (normally `target/wasm`) without its
/// custom sections, as `cargo ip build` deploys it (a no-op on its output;
/// lets a raw `cargo build` artefact be compared too).
///
/// # Errors
/// When it has not been built (`cargo ip build`) or is not WASM.
pub fn read_wasm(dir: &Path, contract: &str) -> Result<Vec<u8>> {
    let path = dir.join(format!("{contract}.wasm"));
    let wasm = std::fs::read(&path)
        .with_context(|| format!("{}: run `cargo ip build` first", path.display()))?;
    stylus_validate::strip_custom_sections(&wasm)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// A funded-account client of one devnode.
#[derive(Debug)]
pub struct Client {
    /// The provider (with every dev account's signer).
    pub provider: DynProvider,
    /// Dev accounts.
    pub accounts: Vec<Address>,
    /// The dev accounts' keys, in [`Self::accounts`] order (for off-chain
    /// signatures such as EIP-2612 permits).
    pub signers: Vec<PrivateKeySigner>,
    nonces: HashMap<Address, u64>,
    chain_id: u64,
}

impl Client {
    /// Connects to `url` with the dev accounts' keys.
    ///
    /// # Errors
    /// When the node does not answer.
    pub async fn connect(url: &str, accounts: &[DevAccount]) -> Result<Self> {
        let first = accounts.first().context("no dev accounts")?;
        let mut wallet = EthereumWallet::from(first.signer.clone());
        for a in &accounts[1..] {
            wallet.register_signer(a.signer.clone());
        }
        let provider = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(url.parse()?)
            .erased();
        let chain_id = provider.get_chain_id().await?;
        Ok(Self {
            provider,
            accounts: accounts.iter().map(|a| a.address).collect(),
            signers: accounts.iter().map(|a| a.signer.clone()).collect(),
            nonces: HashMap::new(),
            chain_id,
        })
    }

    async fn nonce(&mut self, from: Address) -> Result<u64> {
        if let Some(n) = self.nonces.get_mut(&from) {
            *n += 1;
            return Ok(*n);
        }
        let n = self.provider.get_transaction_count(from).await?;
        self.nonces.insert(from, n);
        Ok(n)
    }

    /// Sends a transaction and waits for its receipt; fails (with the
    /// revert data of a replay) when it reverts.
    ///
    /// # Errors
    /// Transport errors and reverts.
    pub async fn send(
        &mut self,
        from: Address,
        to: Option<Address>,
        data: impl Into<Bytes>,
        value: U256,
    ) -> Result<TransactionReceipt> {
        let data: Bytes = data.into();
        let nonce = self.nonce(from).await?;
        let mut tx = TransactionRequest::default()
            .with_from(from)
            .with_input(data.clone())
            .with_value(value)
            .with_nonce(nonce)
            .with_gas_limit(TX_GAS)
            .with_max_fee_per_gas(MAX_FEE)
            .with_max_priority_fee_per_gas(0)
            .with_chain_id(self.chain_id);
        tx = match to {
            Some(to) => tx.with_to(to),
            None => tx.into_create(),
        };
        let hash = match self.provider.send_transaction(tx.clone()).await {
            Ok(p) => *p.tx_hash(),
            Err(e) => {
                self.nonces.remove(&from);
                return Err(e.into());
            }
        };
        let receipt = loop {
            if let Some(r) = self.provider.get_transaction_receipt(hash).await? {
                break r;
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        };
        if !receipt.status() {
            let replay = tx.with_nonce(nonce + 1);
            let why = match self.provider.call(replay).await {
                Ok(_) => "replay succeeds".to_string(),
                Err(e) => e.to_string(),
            };
            bail!("transaction {hash} reverted ({why})");
        }
        Ok(receipt)
    }

    /// Sends `call` to `to`.
    ///
    /// # Errors
    /// See [`Self::send`].
    pub async fn call<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<TransactionReceipt> {
        self.send(from, Some(to), call.abi_encode(), value)
            .await
            .with_context(|| C::SIGNATURE)
    }

    /// `eth_call` of a view.
    ///
    /// # Errors
    /// Transport errors, reverts, undecodable returns.
    pub async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return> {
        let tx = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        let out = self.provider.call(tx).await?;
        Ok(C::abi_decode_returns(&out)?)
    }

    /// Timestamp of the latest block.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn now(&self) -> Result<u64> {
        Ok(self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await?
            .context("no block")?
            .header
            .timestamp)
    }

    /// Moves the devnode's clock `secs` seconds ahead (`evm_increaseTime`):
    /// the next block is at least that much later than the latest.
    ///
    /// # Errors
    /// Transport errors, or a node without the method.
    pub async fn increase_time(&self, secs: u64) -> Result<()> {
        let _: serde_json::Value = self
            .provider
            .raw_request("evm_increaseTime".into(), (secs,))
            .await
            .context("evm_increaseTime")?;
        Ok(())
    }

    /// Deploys EVM `init_code` from account 0; returns the address and gas.
    ///
    /// # Errors
    /// When the creation fails.
    pub async fn create(&mut self, init_code: Vec<u8>) -> Result<(Address, u64)> {
        let from = self.accounts[0];
        let r = self.send(from, None, init_code, U256::ZERO).await?;
        Ok((
            r.contract_address.context("no contract address")?,
            r.gas_used,
        ))
    }

    /// Deploys a Stylus program from its WASM (as cargo-stylus does) and
    /// activates it unless its code hash is already active.
    ///
    /// # Errors
    /// When deployment or activation fails.
    pub async fn program(&mut self, wasm: &[u8]) -> Result<Address> {
        let code = stylus_validate::program_code(wasm);
        let init = stylus_validate::deploy_init_code(&code);
        let (program, _) = self.create(init).await.context("deploying the program")?;
        let version = ArbWasm::codehashVersionCall {
            codehash: keccak256(&code),
        };
        if self.view(ARB_WASM, &version).await.is_err() {
            let fee = self.data_fee(program).await?;
            let data = ArbWasm::activateProgramCall { program }.abi_encode();
            let from = self.accounts[0];
            self.send(from, Some(ARB_WASM), data, fee)
                .await
                .context("activating the program")?;
        }
        Ok(program)
    }

    /// The activation data fee of `program` plus 20 %, estimated as
    /// cargo-stylus does (see `stylus_ip_deploy::stylus::estimate_data_fee`).
    ///
    /// # Errors
    /// When the simulated activation fails.
    pub async fn data_fee(&self, program: Address) -> Result<U256> {
        stylus_ip_deploy::stylus::estimate_data_fee(&self.provider, program).await
    }

    /// Deploys a Stylus contract with constructor arguments through the
    /// StylusDeployer (its program must be active already); returns the
    /// address and the receipt gas.
    ///
    /// # Errors
    /// When the deployment or the constructor fails.
    pub async fn construct(&mut self, wasm: &[u8], ctor_args: &[u8]) -> Result<(Address, u64)> {
        let code = stylus_validate::program_code(wasm);
        let mut init_data = CONSTRUCTOR_SELECTOR.to_vec();
        init_data.extend_from_slice(ctor_args);
        let call = StylusDeployer::deployCall {
            bytecode: stylus_validate::deploy_init_code(&code).into(),
            initData: init_data.into(),
            initValue: U256::ZERO,
            salt: B256::ZERO,
        };
        let from = self.accounts[0];
        let r = self.call(from, STYLUS_DEPLOYER, &call, U256::ZERO).await?;
        let addr = r
            .logs()
            .iter()
            .find_map(|l| StylusDeployer::ContractDeployed::decode_log_data(l.data()).ok())
            .context("no ContractDeployed event")?
            .deployedContract;
        Ok((addr, r.gas_used))
    }

    /// What entering `program` costs on every call: its memory footprint
    /// (pages), the memory-model gas of that footprint in a fresh
    /// transaction under `arbos_version`'s Stylus parameters, and its
    /// `initGas` (uncached only) and `cachedGas` ([`init_and_cached_gas`]).
    ///
    /// # Errors
    /// When ArbWasm refuses (not activated).
    pub async fn entry_cost(
        &self,
        program: Address,
        arbos_version: u64,
    ) -> Result<(u16, u64, u64, u64)> {
        let pages = self
            .view(ARB_WASM, &ArbWasm::programMemoryFootprintCall { program })
            .await?;
        let init = self
            .view(ARB_WASM, &ArbWasm::programInitGasCall { program })
            .await?;
        let p = stylus_vm::VmConfig::arbos(arbos_version).stylus;
        let memory = stylus_vm::pricing::memory_gas(pages, 0, 0, p.free_pages, p.page_gas);
        let (init, cached) = init_and_cached_gas(init.gas, init.gasWhenCached, p.version);
        Ok((pages, memory, init, cached))
    }

    /// Caches `program`'s code through ArbWasmCache, as dev account 0 (the
    /// devnode's chain owner at genesis: only cache managers and chain
    /// owners may cache).
    ///
    /// # Errors
    /// When the precompile refuses.
    pub async fn cache(&mut self, program: Address) -> Result<()> {
        let from = self.accounts[0];
        self.call(
            from,
            ARB_WASM_CACHE,
            &ArbWasmCache::cacheProgramCall { addr: program },
            U256::ZERO,
        )
        .await?;
        Ok(())
    }
}

/// `(initGas, cachedGas)` from ArbWasm `programInitGas`'s `(gas,
/// gasWhenCached)`: from Stylus version 2 its `gas` is the whole charge of
/// an uncached entry, `initGas` + `cachedGas` (both are charged), as Nitro
/// reports it.
#[must_use]
pub const fn init_and_cached_gas(
    gas: u64,
    gas_when_cached: u64,
    stylus_version: u16,
) -> (u64, u64) {
    if stylus_version > 1 {
        (gas.saturating_sub(gas_when_cached), gas_when_cached)
    } else {
        (gas, gas_when_cached)
    }
}

/// An address no transaction has touched: `F0 00.. i`.
#[must_use]
pub fn fresh(i: u64) -> Address {
    let mut b = [0u8; 20];
    b[0] = 0xF0;
    b[12..].copy_from_slice(&i.to_be_bytes());
    Address::from(b)
}

/// The first log topic-1 address of a log with topic 0 `sig` (an indexed
/// address such as `SplitCreated.split`).
#[must_use]
pub fn indexed_address(r: &TransactionReceipt, sig: B256) -> Option<Address> {
    r.logs().iter().find_map(|l| {
        let t = l.topics();
        (t.first() == Some(&sig) && t.len() > 1).then(|| Address::from_word(t[1]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_code_is_the_documented_60_bytes() {
        let imp = Address::repeat_byte(0x11);
        let code = clone_init_code(imp);
        assert_eq!(code.len(), 60);
        assert_eq!(code[1], 51);
        assert_eq!(&code[9 + 16..9 + 36], imp.as_slice());
        assert_eq!(code[9 + 0x31], 0x5b);
        assert_eq!(*code.last().unwrap(), 0xf3);
    }

    #[test]
    fn init_gas_excludes_cached_gas_from_stylus_v2() {
        assert_eq!(init_and_cached_gas(18_723, 1_002, 2), (17_721, 1_002));
        assert_eq!(init_and_cached_gas(18_723, 1_002, 1), (18_723, 1_002));
    }

    #[test]
    fn fresh_addresses_are_distinct_and_sorted() {
        assert!(fresh(1) < fresh(2));
        assert_ne!(fresh(1), fresh(1_000));
    }
}
