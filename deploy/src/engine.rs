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
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use anyhow::{bail, Context, Result};

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
    confirmed: usize,
}

fn salt_for(name: &str) -> B256 {
    keccak256(format!("stylus-ip:{name}"))
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
            confirmed: 0,
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

    fn report(&mut self, id: &str, outcome: &'static str, gas_used: Option<u64>, detail: String) {
        eprintln!("  {outcome:>8}  {id}  {detail}");
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
        let receipt = stylus::send_and_confirm(&self.provider, tx, id, |hash| {
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
        .await?;
        self.finish(id, &receipt)?;
        self.report(
            id,
            "done",
            Some(receipt.gas_used),
            format!("tx {}", receipt.transaction_hash),
        );
        Ok(Some(receipt))
    }

    fn finish(&mut self, id: &str, receipt: &TransactionReceipt) -> Result<()> {
        self.manifest.in_flight.remove(id);
        self.manifest.steps.insert(
            id.to_string(),
            Some(TxRecord {
                hash: receipt.transaction_hash,
                gas_used: Some(receipt.gas_used),
                block: receipt.block_number,
            }),
        );
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
        let salt = salt_for(name);
        let address = stylus::create2_address(salt, &init_code);
        let code = self.provider.get_code_at(address).await?;
        if !code.is_empty() {
            let hash = keccak256(&code);
            if expected_code_hash.is_some_and(|h| h != hash) {
                bail!("{address} holds other code than {name}'s (code hash {hash})");
            }
            if !self.manifest.done(&id) {
                self.manifest.steps.insert(id.clone(), None);
            }
            self.manifest.in_flight.remove(&id);
            self.record_contract(name, address, hash);
            self.save()?;
            self.report(&id, "skipped", None, format!("{address} already deployed"));
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

    fn record_contract(&mut self, name: &str, address: Address, code_hash: B256) {
        let entry = self.manifest.contracts.entry(name.to_string()).or_default();
        entry.address = address;
        entry.code_hash = code_hash;
    }

    /// Deploys a Stylus program from its WASM and activates it (skipping
    /// activation when ArbWasm reports the code hash active).
    ///
    /// # Errors
    /// When deployment or activation fails (with Nitro's reason).
    pub async fn program(&mut self, name: &str, wasm: &[u8]) -> Result<Address> {
        let code = stylus_validate::program_code(wasm);
        let code_hash = keccak256(&code);
        let address = self
            .create2(
                name,
                stylus_validate::deploy_init_code(&code),
                Some(code_hash),
            )
            .await?;
        self.checkpoint()?;
        let id = format!("activate:{name}");
        match stylus::activation_status(&self.provider, code_hash).await? {
            Activation::Active(version) => {
                if !self.manifest.done(&id) {
                    self.manifest.steps.insert(id.clone(), None);
                    self.save()?;
                }
                self.report(
                    &id,
                    "skipped",
                    None,
                    format!("active at Stylus version {version}"),
                );
            }
            Activation::Needed(reason) => {
                if self.dry_run && self.provider.get_code_at(address).await?.is_empty() {
                    self.report(
                        &id,
                        "planned",
                        None,
                        format!("activation after deployment ({reason})"),
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
                    entry.activate_tx = Some(TxRecord {
                        hash: r.transaction_hash,
                        gas_used: Some(r.gas_used),
                        block: r.block_number,
                    });
                    self.save()?;
                }
            }
        }
        Ok(address)
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
        assert_eq!(salt_for("a"), salt_for("a"));
        assert_ne!(salt_for("a"), salt_for("b"));
        assert_eq!(salt_for("x"), keccak256("stylus-ip:x"));
    }
}
