//! The resumable deployment engine.
//!
//! Every step has a stable id. Before a step's transaction is awaited its hash
//! is written to the manifest (`in_flight`); once confirmed the step moves to
//! `steps` and the manifest is saved again. On a re-run each completed step is
//! verified on-chain and skipped; an in-flight step is resolved from its
//! receipt instead of being re-sent. Programs and clones are created through
//! the deterministic CREATE2 factory, so their addresses never depend on
//! nonces: a step can never deploy a second copy of a finished contract.

use std::path::PathBuf;

use alloy::network::{Ethereum, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::state::{AccountOverride, StateOverride};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use anyhow::{anyhow, bail, Context, Result};

use crate::manifest::{Manifest, TxRecord};
use crate::stylus::{self, Activation};

/// What the engine did for one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// Step id.
    pub id: String,
    /// `done` (sent now), `skipped` (already done and verified), `resumed`
    /// (an in-flight transaction confirmed), or `planned` (dry run).
    pub outcome: &'static str,
    /// Gas used, if a transaction confirmed.
    pub gas_used: Option<u64>,
    /// Free-form detail (address, estimate).
    pub detail: String,
}

/// A deployment in progress against one RPC endpoint.
#[derive(Debug)]
pub struct Engine<P> {
    provider: P,
    from: Address,
    manifest: Manifest,
    path: PathBuf,
    dry_run: bool,
    /// Steps performed so far, in order.
    pub reports: Vec<StepReport>,
    /// Crash injection for tests: abort at the start of the next step once
    /// this many steps have confirmed in this run.
    pub fail_after: Option<usize>,
    /// Deployment namespace mixed into every CREATE2 salt ([`salt_for`]);
    /// `suite::deploy` sets it from the plan.
    pub namespace: Option<String>,
    confirmed: usize,
    total: Option<usize>,
    tty: bool,
}

/// The CREATE2 salt of contract `name` (also the StylusDeployer salt):
/// `keccak256("stylus-ip:<name>")`, or `keccak256("stylus-ip:<namespace>:<name>")`
/// in a namespace (a second, independent suite on the same chain).
#[must_use]
pub fn salt_for(namespace: Option<&str>, name: &str) -> B256 {
    match namespace {
        None => keccak256(format!("stylus-ip:{name}")),
        Some(ns) => keccak256(format!("stylus-ip:{ns}:{name}")),
    }
}

/// The manifest's record of a confirmed transaction.
fn tx_record(receipt: &TransactionReceipt) -> TxRecord {
    TxRecord {
        hash: receipt.transaction_hash,
        gas_used: Some(receipt.gas_used),
        block: receipt.block_number,
    }
}

impl<P: Provider<Ethereum>> Engine<P> {
    /// Opens (or starts) the manifest at `path` for `from` on the provider's chain.
    ///
    /// # Errors
    /// When the RPC is unreachable, or the manifest belongs to another chain or deployer.
    pub async fn open(provider: P, from: Address, path: PathBuf, dry_run: bool) -> Result<Self> {
        let chain_id = provider
            .get_chain_id()
            .await
            .context("RPC unreachable: eth_chainId failed")?;
        let manifest = match Manifest::load(&path)? {
            Some(m) => {
                m.check_matches(chain_id, from)?;
                m
            }
            None => Manifest::new(chain_id, from),
        };
        Ok(Self {
            provider,
            from,
            manifest,
            path,
            dry_run,
            reports: Vec::new(),
            fail_after: None,
            namespace: None,
            confirmed: 0,
            total: None,
            tty: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        })
    }

    /// The manifest as it stands.
    #[must_use]
    pub const fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The provider.
    pub const fn provider(&self) -> &P {
        &self.provider
    }

    fn save(&self) -> Result<()> {
        if self.dry_run {
            return Ok(());
        }
        self.manifest.save(&self.path)
    }

    /// Sets the number of steps the run will report, for progress display.
    pub const fn set_total(&mut self, total: usize) {
        self.total = Some(total);
    }

    fn position(&self) -> String {
        let k = self.reports.len() + 1;
        self.total
            .map_or_else(|| format!("[{k}]"), |n| format!("[{k}/{n}]"))
    }

    /// On a terminal, shows the step being waited for (overwritten by its
    /// report line); plain output gets only the report lines.
    fn begin(&self, id: &str, what: &str) {
        if self.tty {
            eprint!("\r\x1b[2K  {} {what:>8}  {id} …", self.position());
        }
    }

    fn report(&mut self, id: &str, outcome: &'static str, gas_used: Option<u64>, detail: String) {
        let clear = if self.tty { "\r\x1b[2K" } else { "" };
        eprintln!("{clear}  {} {outcome:>8}  {id}  {detail}", self.position());
        self.reports.push(StepReport {
            id: id.to_string(),
            outcome,
            gas_used,
            detail,
        });
    }

    /// Sends `tx` for step `id` (or resolves its in-flight transaction) and
    /// marks the step done. Returns the receipt, or `None` in a dry run.
    async fn transact(
        &mut self,
        id: &str,
        tx: TransactionRequest,
    ) -> Result<Option<TransactionReceipt>> {
        if let Some(record) = self.manifest.in_flight.get(id).cloned() {
            if let Some(receipt) = self.provider.get_transaction_receipt(record.hash).await? {
                if !receipt.status() {
                    bail!(
                        "step {id}: transaction {} reverted; fix the cause and re-run",
                        record.hash
                    );
                }
                self.finish(id, &receipt)?;
                self.report(
                    id,
                    "resumed",
                    Some(receipt.gas_used),
                    format!("tx {}", record.hash),
                );
                return Ok(Some(receipt));
            }
            // Never mined (dropped or node restarted): send it again below.
        }
        if self.dry_run {
            let gas = self
                .provider
                .estimate_gas(tx.clone().with_from(self.from))
                .await
                .ok();
            self.report(
                id,
                "planned",
                gas,
                gas.map_or("gas estimate unavailable".into(), |g| format!("~{g} gas")),
            );
            return Ok(None);
        }
        let tx = tx.with_from(self.from);
        self.begin(id, "sending");
        let sent = stylus::send_and_confirm(&self.provider, tx.clone(), id, |hash| {
            self.manifest.in_flight.insert(
                id.to_string(),
                TxRecord {
                    hash,
                    gas_used: None,
                    block: None,
                },
            );
            self.manifest.save(&self.path)
        })
        .await;
        let receipt = match sent {
            Ok(r) => r,
            Err(e)
                if format!("{e:#}")
                    .to_lowercase()
                    .contains("insufficient funds") =>
            {
                return Err(self.insufficient_funds(id, &tx).await);
            }
            Err(e) => return Err(e),
        };
        self.finish(id, &receipt)?;
        self.report(
            id,
            "done",
            Some(receipt.gas_used),
            format!("tx {}", receipt.transaction_hash),
        );
        Ok(Some(receipt))
    }

    /// The error for a step the deployer cannot pay for: its balance and
    /// what the step needs (value + gas × gas price, gas estimated as if the
    /// balance were unlimited).
    async fn insufficient_funds(&self, id: &str, tx: &TransactionRequest) -> anyhow::Error {
        let balance = self
            .provider
            .get_balance(self.from)
            .await
            .unwrap_or_default();
        let value = tx.value.unwrap_or_default();
        let mut rich = StateOverride::default();
        rich.insert(
            self.from,
            AccountOverride {
                balance: Some(U256::MAX >> 8),
                ..AccountOverride::default()
            },
        );
        let gas = self
            .provider
            .estimate_gas(tx.clone())
            .overrides(rich)
            .await
            .unwrap_or(0);
        let price = self.provider.get_gas_price().await.unwrap_or(0);
        let needed = value.saturating_add(U256::from(gas).saturating_mul(U256::from(price)));
        anyhow!(
            "insufficient funds for step {id}: deployer {} has {} ETH, the step needs about {} ETH \
             ({} ETH value + {gas} gas at {price} wei); fund the account and re-run (finished steps are kept)",
            self.from,
            crate::stylus::eth(balance),
            crate::stylus::eth(needed),
            crate::stylus::eth(value),
        )
    }

    fn finish(&mut self, id: &str, receipt: &TransactionReceipt) -> Result<()> {
        self.manifest.in_flight.remove(id);
        self.manifest
            .steps
            .insert(id.to_string(), Some(tx_record(receipt)));
        self.save()?;
        self.confirmed += 1;
        Ok(())
    }

    /// Crash injection point, at the start of every step: once `fail_after`
    /// steps have confirmed, the run stops as a crash would.
    fn checkpoint(&self) -> Result<()> {
        if self.fail_after.is_some_and(|n| self.confirmed >= n) {
            bail!("injected failure after {} confirmed steps", self.confirmed);
        }
        Ok(())
    }

    /// Deploys `code` (already in on-chain form) through the CREATE2 factory
    /// under `name`, unless code is already there. Returns the address.
    ///
    /// # Errors
    /// When the deployment fails or other code occupies the address.
    pub async fn create2(
        &mut self,
        name: &str,
        init_code: Vec<u8>,
        expected_code_hash: Option<B256>,
    ) -> Result<Address> {
        self.checkpoint()?;
        let id = format!("deploy:{name}");
        let salt = salt_for(self.namespace.as_deref(), name);
        let address = stylus::create2_address(salt, &init_code);
        if self
            .already_deployed(name, &id, address, expected_code_hash)
            .await?
        {
            return Ok(address);
        }
        let receipt = self
            .transact(&id, stylus::create2_request(salt, &init_code))
            .await?;
        if receipt.is_some() {
            let code = self.provider.get_code_at(address).await?;
            if code.is_empty() {
                bail!("{name}: the CREATE2 factory deployed nothing at {address}");
            }
            self.record_contract(name, address, keccak256(&code));
            if let Some(r) = self.manifest.contracts.get_mut(name) {
                r.deploy_tx = self.manifest.steps.get(&id).cloned().flatten();
            }
            self.save()?;
        }
        Ok(address)
    }

    /// Whether contract `name` (step `id`) is already at `address`: if so it
    /// is recorded and the step marked done and reported skipped. Fails when
    /// other code than `expected_code_hash` is there, or when the manifest
    /// says the step was done at this address but the chain has no code
    /// (a reset chain: resuming would skip the wiring of a new deployment).
    async fn already_deployed(
        &mut self,
        name: &str,
        id: &str,
        address: Address,
        expected_code_hash: Option<B256>,
    ) -> Result<bool> {
        let code = self.provider.get_code_at(address).await?;
        if code.is_empty() {
            if self.manifest.done(id)
                && self
                    .manifest
                    .contracts
                    .get(name)
                    .is_some_and(|c| c.address == address)
            {
                bail!(
                    "the manifest records {name} at {address}, but the chain has no code there \
                     (was the chain reset?); use a new --manifest for this chain"
                );
            }
            return Ok(false);
        }
        let hash = keccak256(&code);
        if expected_code_hash.is_some_and(|h| h != hash) {
            bail!("{address} holds other code than {name}'s (code hash {hash})");
        }
        self.record_contract(name, address, hash);
        self.mark_done(id)?;
        self.report(id, "skipped", None, format!("{address} already deployed"));
        Ok(true)
    }

    /// Records step `id` as satisfied without a transaction of this run
    /// (found done on-chain), keeping a transaction recorded earlier.
    fn mark_done(&mut self, id: &str) -> Result<()> {
        self.manifest.in_flight.remove(id);
        if !self.manifest.done(id) {
            self.manifest.steps.insert(id.to_string(), None);
        }
        self.save()
    }

    fn record_contract(&mut self, name: &str, address: Address, code_hash: B256) {
        let entry = self.manifest.contracts.entry(name.to_string()).or_default();
        entry.address = address;
        entry.code_hash = code_hash;
    }

    /// Deploys a Stylus program from its on-chain code
    /// ([`stylus_validate::program_code`]) and activates it (skipping
    /// activation when ArbWasm reports the code hash active).
    ///
    /// # Errors
    /// When deployment or activation fails (with Nitro's reason).
    pub async fn program(&mut self, name: &str, code: &[u8]) -> Result<Address> {
        let code_hash = keccak256(code);
        let address = self
            .create2(
                name,
                stylus_validate::deploy_init_code(code),
                Some(code_hash),
            )
            .await?;
        self.checkpoint()?;
        let id = format!("activate:{name}");
        match stylus::activation_status(&self.provider, code_hash).await? {
            Activation::Active(version) => {
                self.mark_done(&id)?;
                self.report(
                    &id,
                    "skipped",
                    None,
                    format!("active at Stylus version {version}"),
                );
            }
            Activation::Needed(reason) => {
                if self.dry_run && self.provider.get_code_at(address).await?.is_empty() {
                    let fee = stylus::estimate_data_fee_for_code(&self.provider, code)
                        .await
                        .with_context(|| name.to_string())?;
                    self.report(
                        &id,
                        "planned",
                        None,
                        format!(
                            "activation after deployment, data fee ~{} ETH ({reason})",
                            stylus::eth(fee)
                        ),
                    );
                    return Ok(address);
                }
                let fee = stylus::estimate_data_fee(&self.provider, address).await?;
                if let Some(r) = self
                    .transact(&id, stylus::activate_request(address, fee))
                    .await?
                {
                    let entry = self.manifest.contracts.entry(name.to_string()).or_default();
                    entry.data_fee = Some(fee);
                    entry.activate_tx = Some(tx_record(&r));
                    self.save()?;
                }
            }
        }
        Ok(address)
    }

    /// Deploys, activates and constructs a Stylus program (on-chain `code`)
    /// in one transaction through the StylusDeployer, with `ctor_args` (ABI-encoded constructor
    /// arguments). The address commits to the code and the arguments, so a
    /// contract found there was constructed exactly so; it is skipped.
    ///
    /// # Errors
    /// When activation would fail (with Nitro's reason), the constructor
    /// reverts, or other code occupies the address.
    pub async fn constructed(
        &mut self,
        name: &str,
        code: &[u8],
        ctor_args: &[u8],
    ) -> Result<Address> {
        self.checkpoint()?;
        let id = format!("deploy:{name}");
        let code_hash = keccak256(code);
        let init_code = stylus_validate::deploy_init_code(code);
        let mut init_data = stylus::STYLUS_CONSTRUCTOR_SELECTOR.to_vec();
        init_data.extend_from_slice(ctor_args);
        let salt = salt_for(self.namespace.as_deref(), name);
        let address = stylus::stylus_deployer_address(salt, &init_data, &init_code);
        if self
            .already_deployed(name, &id, address, Some(code_hash))
            .await?
        {
            return Ok(address);
        }
        let fee = match stylus::activation_status(&self.provider, code_hash).await? {
            Activation::Active(_) => U256::ZERO,
            Activation::Needed(_) => stylus::estimate_data_fee_for_code(&self.provider, code)
                .await
                .with_context(|| name.to_string())?,
        };
        let tx = stylus::stylus_deployer_request(&init_code, &init_data, salt, fee);
        if let Some(receipt) = self.transact(&id, tx).await? {
            let onchain = self.provider.get_code_at(address).await?;
            if keccak256(&onchain) != code_hash {
                bail!("{name}: the StylusDeployer left no matching code at {address}");
            }
            self.record_contract(name, address, code_hash);
            if let Some(r) = self.manifest.contracts.get_mut(name) {
                r.deploy_tx = Some(tx_record(&receipt));
                r.data_fee = Some(fee);
            }
            self.save()?;
        }
        Ok(address)
    }

    /// Creates a clone of `implementation` initialised with `init_calldata`
    /// in the same transaction (see [`crate::clone`]), through the CREATE2
    /// factory; skipped when the clone exists.
    ///
    /// # Errors
    /// When the initializer reverts or other code occupies the address.
    pub async fn clone_initialized(
        &mut self,
        name: &str,
        implementation: Address,
        init_calldata: &[u8],
    ) -> Result<Address> {
        let init_code = crate::clone::clone_init_code(implementation, init_calldata);
        self.create2(
            name,
            init_code,
            Some(crate::clone::clone_code_hash(implementation)),
        )
        .await
    }

    /// Runs a one-time call (initialisation, role grant) as step `id`,
    /// unless the manifest already records step `id` as done.
    ///
    /// # Errors
    /// When the call reverts.
    pub async fn call_once(
        &mut self,
        id: &str,
        to: Address,
        data: Bytes,
        value: U256,
    ) -> Result<()> {
        self.checkpoint()?;
        if self.manifest.done(id) {
            self.report(id, "skipped", None, "recorded done".into());
            return Ok(());
        }
        let tx = TransactionRequest::default()
            .with_to(to)
            .with_input(data)
            .with_value(value);
        self.transact(id, tx).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salts_are_stable_and_distinct() {
        assert_eq!(salt_for(None, "a"), salt_for(None, "a"));
        assert_ne!(salt_for(None, "a"), salt_for(None, "b"));
        assert_eq!(salt_for(None, "x"), keccak256("stylus-ip:x"));
        assert_eq!(salt_for(Some("s"), "x"), keccak256("stylus-ip:s:x"));
        assert_ne!(salt_for(Some("s"), "x"), salt_for(Some("t"), "x"));
    }
}
