//! The resumable deployment engine.
//!
//! Every step has a stable id. Before a step's transaction is awaited its hash
//! is written to the manifest (`in_flight`); once confirmed the step moves to
//! `steps` and the manifest is saved again. On a re-run each completed step is
//! verified on-chain and skipped; an in-flight step is resolved from its
//! receipt instead of being re-sent. Programs and clones are created through
//! the deterministic CREATE2 factory, so their addresses never depend on
//! nonces: a step can never deploy a second copy of a finished contract.
//!
//! A program whose code exceeds the 24,576-byte limit ([`ProgramCode`]) is
//! deployed fragmented (ArbOS 60+): each fragment is its own step
//! (`deploy:<name>.fragment<i>`, salt [`fragment_salt`]), then the root
//! (`deploy:<name>`), then its activation; the chain's
//! `getMaxStylusContractFragments` is checked before anything is sent.

use std::path::PathBuf;

use alloy::network::{Ethereum, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::state::{AccountOverride, StateOverride};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use anyhow::{anyhow, bail, Context, Result};

use stylus_validate::fragments::{self, Split};

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
    max_fragments: Option<u8>,
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

/// The CREATE2 salt of fragment `index` of the program whose salt is
/// `program_salt`: `keccak256(program_salt ‖ "fragment" ‖ index as u32 BE)`.
#[must_use]
pub fn fragment_salt(program_salt: B256, index: usize) -> B256 {
    let mut buf = program_salt.to_vec();
    buf.extend_from_slice(b"fragment");
    buf.extend_from_slice(&u32::try_from(index).unwrap_or(u32::MAX).to_be_bytes());
    keccak256(buf)
}

/// A program in on-chain form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramCode {
    /// One contract: `EF F0 00 00` + brotli stream.
    Single(Vec<u8>),
    /// Too large for one contract (ArbOS 60+): the stream in fragment codes,
    /// named by a root program once their addresses are known.
    Fragmented(Split),
}

/// One fragment of a fragmented program: where it goes and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FragmentSlot {
    /// Manifest name, `<program>.fragment<index>`.
    pub name: String,
    /// CREATE2 salt ([`fragment_salt`]).
    pub salt: B256,
    /// The fragment's code (`EF F0 01` + slice).
    pub code: Vec<u8>,
    /// Its address through the CREATE2 factory.
    pub address: Address,
}

/// Where a program's parts go: its fragments (none for a single program)
/// and the code of the program contract itself (the root, if fragmented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramLayout {
    /// Fragments in order.
    pub fragments: Vec<FragmentSlot>,
    /// The program contract's code: classic code, or the root naming the fragments.
    pub code: Vec<u8>,
}

impl ProgramCode {
    /// Compresses `wasm` as cargo-stylus does and splits it into fragments
    /// when the classic code would exceed [`stylus_validate::MAX_CODE_SIZE`].
    #[must_use]
    pub fn from_wasm(wasm: &[u8]) -> Self {
        let brotli = stylus_validate::compress(wasm);
        if fragments::fragments_needed(brotli.len(), stylus_validate::MAX_CODE_SIZE) == 0 {
            let mut code = stylus_validate::PREFIX_NO_DICT.to_vec();
            code.extend_from_slice(&brotli);
            Self::Single(code)
        } else {
            Self::Fragmented(fragments::split(
                &brotli,
                wasm.len(),
                stylus_validate::MAX_CODE_SIZE,
            ))
        }
    }

    /// Number of fragments (0 for a single program).
    #[must_use]
    pub fn fragment_count(&self) -> usize {
        match self {
            Self::Single(_) => 0,
            Self::Fragmented(split) => split.fragments.len(),
        }
    }

    /// The layout of program `name` deployed with `program_salt`: fragments
    /// at their CREATE2 addresses, and the root code naming them.
    #[must_use]
    pub fn layout(&self, name: &str, program_salt: B256) -> ProgramLayout {
        match self {
            Self::Single(code) => ProgramLayout {
                fragments: Vec::new(),
                code: code.clone(),
            },
            Self::Fragmented(split) => {
                let fragments: Vec<FragmentSlot> = split
                    .fragments
                    .iter()
                    .enumerate()
                    .map(|(i, code)| {
                        let salt = fragment_salt(program_salt, i);
                        FragmentSlot {
                            name: format!("{name}.fragment{i}"),
                            salt,
                            code: code.clone(),
                            address: stylus::create2_address(
                                salt,
                                &stylus_validate::deploy_init_code(code),
                            ),
                        }
                    })
                    .collect();
                let addresses: Vec<[u8; 20]> =
                    fragments.iter().map(|f| f.address.into_array()).collect();
                ProgramLayout {
                    code: fragments::root_code(split.wasm_len, &addresses),
                    fragments,
                }
            }
        }
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
            max_fragments: None,
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
        let salt = salt_for(self.namespace.as_deref(), name);
        self.create2_salted(name, salt, init_code, expected_code_hash)
            .await
    }

    /// [`Self::create2`] with an explicit salt (fragments: [`fragment_salt`]).
    async fn create2_salted(
        &mut self,
        name: &str,
        salt: B256,
        init_code: Vec<u8>,
        expected_code_hash: Option<B256>,
    ) -> Result<Address> {
        self.checkpoint()?;
        let id = format!("deploy:{name}");
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
        self.deploy_program(name, &ProgramCode::Single(code.to_vec()))
            .await
    }

    /// The chain's `MaxFragmentCount`, asked once per engine.
    ///
    /// # Errors
    /// When the RPC is unreachable.
    pub async fn max_fragments(&mut self) -> Result<u8> {
        if let Some(n) = self.max_fragments {
            return Ok(n);
        }
        let n = stylus::max_fragments(&self.provider).await?;
        self.max_fragments = Some(n);
        Ok(n)
    }

    /// Refuses program `name` when it needs more fragments than the chain
    /// allows (a chain before ArbOS 60 allows none). Sends nothing.
    ///
    /// # Errors
    /// Names the program, the fragments it needs and the chain's limit.
    pub async fn check_fragments(&mut self, name: &str, program: &ProgramCode) -> Result<()> {
        let ProgramCode::Fragmented(split) = program else {
            return Ok(());
        };
        let needed = split.fragments.len();
        let limit = self.max_fragments().await?;
        if needed > usize::from(limit) {
            let code_bytes: usize = split
                .fragments
                .iter()
                .map(|f| f.len() - fragments::FRAGMENT_PREFIX.len())
                .sum::<usize>()
                + stylus_validate::PREFIX_NO_DICT.len();
            let why = if limit == 0 {
                "none: fragmented programs need ArbOS 60 or later".to_string()
            } else {
                format!("at most {limit}")
            };
            bail!(
                "{name} needs {needed} fragments ({code_bytes} bytes of code, over the {}-byte \
                 single-program limit) but the chain allows {why} \
                 (ArbOwnerPublic.getMaxStylusContractFragments); nothing was sent",
                stylus_validate::MAX_CODE_SIZE
            );
        }
        Ok(())
    }

    /// Deploys each fragment of `layout` through the CREATE2 factory, one
    /// step each (`deploy:<program>.fragment<i>`), skipping those present.
    async fn deploy_fragments(&mut self, layout: &ProgramLayout) -> Result<()> {
        for f in &layout.fragments {
            self.create2_salted(
                &f.name,
                f.salt,
                stylus_validate::deploy_init_code(&f.code),
                Some(keccak256(&f.code)),
            )
            .await?;
        }
        Ok(())
    }

    /// Deploys a Stylus program, single or fragmented, through the CREATE2
    /// factory and activates it (skipping activation when ArbWasm reports
    /// the code hash active). A fragmented program is checked against the
    /// chain's fragment limit first; then each fragment, the root and the
    /// activation are separate steps (`deploy:<name>.fragment<i>`,
    /// `deploy:<name>`, `activate:<name>`). ArbWasm knows a fragmented
    /// program by its root's code hash, as Nitro keys programs by the code
    /// hash of the activated address.
    ///
    /// # Errors
    /// Too many fragments for the chain, or a failing deployment or
    /// activation (with Nitro's reason).
    pub async fn deploy_program(&mut self, name: &str, program: &ProgramCode) -> Result<Address> {
        self.check_fragments(name, program).await?;
        let salt = salt_for(self.namespace.as_deref(), name);
        let layout = program.layout(name, salt);
        self.deploy_fragments(&layout).await?;
        let code = layout.code.as_slice();
        let code_hash = keccak256(code);
        let address = self
            .create2_salted(
                name,
                salt,
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
                    let fee = stylus::estimate_data_fee_with_fragments(
                        &self.provider,
                        code,
                        &fragment_codes(&layout),
                    )
                    .await
                    .with_context(|| name.to_string())?;
                    let parts = if layout.fragments.is_empty() {
                        String::new()
                    } else {
                        format!("root of {} fragments, ", layout.fragments.len())
                    };
                    self.report(
                        &id,
                        "planned",
                        None,
                        format!(
                            "activation after deployment, {parts}data fee ~{} ETH ({reason})",
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

    /// [`Self::constructed`] for a program that may be fragmented: its
    /// fragments go through the CREATE2 factory first (one step each), then
    /// the root through the StylusDeployer.
    ///
    /// # Errors
    /// As [`Self::deploy_program`] and [`Self::constructed`].
    pub async fn constructed_program(
        &mut self,
        name: &str,
        program: &ProgramCode,
        ctor_args: &[u8],
    ) -> Result<Address> {
        self.check_fragments(name, program).await?;
        let layout = program.layout(name, salt_for(self.namespace.as_deref(), name));
        self.deploy_fragments(&layout).await?;
        self.constructed_with(name, &layout.code, ctor_args, &fragment_codes(&layout))
            .await
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
        self.constructed_with(name, code, ctor_args, &[]).await
    }

    /// [`Self::constructed`], estimating the data fee with `fragments`' code
    /// in place (a dry run has not deployed them).
    async fn constructed_with(
        &mut self,
        name: &str,
        code: &[u8],
        ctor_args: &[u8],
        fragments: &[(Address, Bytes)],
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
            Activation::Needed(_) => {
                stylus::estimate_data_fee_with_fragments(&self.provider, code, fragments)
                    .await
                    .with_context(|| name.to_string())?
            }
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

/// The fragments of `layout` as `(address, code)` pairs, for `eth_call`
/// state overrides.
fn fragment_codes(layout: &ProgramLayout) -> Vec<(Address, Bytes)> {
    layout
        .fragments
        .iter()
        .map(|f| (f.address, Bytes::copy_from_slice(&f.code)))
        .collect()
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
        let s = salt_for(None, "x");
        assert_ne!(fragment_salt(s, 0), fragment_salt(s, 1));
        assert_ne!(fragment_salt(s, 0), fragment_salt(salt_for(None, "y"), 0));
        assert_ne!(fragment_salt(s, 0), s);
    }

    #[test]
    fn large_programs_are_laid_out_as_fragments_and_a_root() {
        let small = ProgramCode::from_wasm(&[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
        assert_eq!(small.fragment_count(), 0);
        let l = small.layout("s", B256::ZERO);
        assert!(l.fragments.is_empty() && l.code[..4] == stylus_validate::PREFIX_NO_DICT);

        // incompressible bytes: the stream is as long as the input
        let mut x = 1u64;
        let wasm: Vec<u8> = (0..30_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let big = ProgramCode::from_wasm(&wasm);
        assert_eq!(big.fragment_count(), 2);
        let salt = salt_for(None, "big");
        let l = big.layout("big", salt);
        assert_eq!(l.fragments[1].name, "big.fragment1");
        assert_eq!(l.fragments[1].salt, fragment_salt(salt, 1));
        let root = fragments::parse_root(&l.code).unwrap();
        assert_eq!(root.wasm_len, 30_000);
        assert_eq!(
            root.fragments,
            vec![
                l.fragments[0].address.into_array(),
                l.fragments[1].address.into_array()
            ]
        );
        let codes: Vec<&[u8]> = l.fragments.iter().map(|f| f.code.as_slice()).collect();
        assert_eq!(
            fragments::assemble(&root, &codes, usize::MAX).unwrap(),
            wasm
        );
        // deterministic, and the namespace moves every part
        assert_eq!(big.layout("big", salt), l);
        let other = big.layout("big", salt_for(Some("ns"), "big"));
        assert_ne!(other.fragments[0].address, l.fragments[0].address);
        assert_ne!(other.code, l.code);
    }
}
