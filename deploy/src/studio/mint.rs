//! The on-chain half of `cargo ip mint`: from a validated manifest to
//! minted tokens (ERC-721, or ERC-1155 editions for lines with `supply`)
//! with attested provenance records, in batches, resumable from the
//! journal.
//!
//! [`mint`] runs, in order:
//!
//! 1. the registry's models ([`super::models::fetch`]); the manifest is
//!    validated whole against the active ones (a retired model, a
//!    commit–reveal model, and an ERC-1155 line when the deployment has no
//!    editions contract, are line errors too); nothing is sent unless every
//!    line is valid;
//! 2. the attester key of every model used (its registered attester);
//! 3. the journal's header, if any: a journal of another run is refused
//!    before anything is written;
//! 4. the output folder ([`super::output::write`]);
//! 5. the batch sizes: `--batch-size`, else from the block gas limit
//!    ([`super::plan::gas_budget`]) and `eth_estimateGas` of a probe batch
//!    of 1 and of [`PROBE`] assets (an ERC-721 mint and its provenance; the
//!    editions use the mint size), at most [`super::plan::MAX_BATCH`]; a
//!    resumed journal keeps its sizes;
//! 6. the plan ([`super::plan::plan`]); with `dry_run` it is printed with
//!    every batch's `eth_estimateGas`, fee and (when the node has Arbitrum's
//!    `NodeInterface`) L1 data fee, and nothing is sent;
//! 7. each batch: the transaction is built and signed locally, its intent
//!    (nonce, hash, raw bytes) journalled and fsync'ed, sent, its receipt
//!    awaited and `done` journalled with the token ids (from the mint's
//!    `ConsecutiveTransfer`/`Transfer` logs, or the edition's
//!    `EditionCreated`). Provenance batches sign every record with the
//!    model's attester (EIP-712, [`crate::provenance::attest`]) into one
//!    `signatures` blob.
//!
//! A run that stops anywhere is resumed by running it again with the same
//! manifest and output folder ([`super::journal`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alloy::eips::eip2718::Encodable2718 as _;
use alloy::network::{Ethereum, EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{address, aliases::U96, keccak256, Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Log, TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::SolCall;
use anyhow::{anyhow, bail, Context, Result};
use stylus_ip_provenance_hash as ph;

use super::journal::{self, Done, Entry, Header, Intent, Journal, Receipt, Recovery, State};
use super::manifest::{self, Asset, LineError, LineErrorKind, ManifestError};
use super::models::{self, Model};
use super::output::{self, AssetEntry};
use super::plan::{self, Batch, BatchKind, GasModel, PlanItem};
use super::progress::{self, Progress, Totals};
use crate::bindings::{IpCollection, IpEditions, ProvenanceRegistry};
use crate::provenance::{self as prov, Record, RecordIds};

/// The assets of the larger gas probe.
pub const PROBE: usize = 8;

/// How long to wait for a receipt before giving up (the run resumes).
pub const RECEIPT_TIMEOUT: Duration = Duration::from_secs(600);

/// Arbitrum's `NodeInterface` (a virtual contract answering `eth_call`).
pub const NODE_INTERFACE: Address = address!("00000000000000000000000000000000000000c8");

sol! {
    /// Arbitrum's NodeInterface, the one method the dry run asks.
    interface NodeInterface {
        function gasEstimateL1Component(address to, bool contractCreation, bytes calldata data)
            external payable
            returns (uint64 gasEstimateForL1, uint256 baseFee, uint256 l1BaseFeeEstimate);
    }
}

/// Where the test hook stops a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// After the batch's intent is journalled, before it is sent.
    AfterIntent,
    /// After it is sent, before its receipt and `done`.
    AfterSend,
}

/// A test hook: stop the run at `boundary` of batch `batch`, as a crash
/// would ([`MintError::Aborted`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbortAt {
    /// The batch's index in the plan.
    pub batch: usize,
    /// Where.
    pub boundary: Boundary,
}

/// The attester keys that sign the records.
#[derive(Debug, Clone)]
pub enum Attesters {
    /// This key, which must be every used model's registered attester.
    Key(PrivateKeySigner),
    /// On a devnode: the devnode's dev account registered as each model's
    /// attester.
    DevAccounts,
}

/// What to mint and how.
#[derive(Debug, Clone)]
pub struct MintOptions {
    /// The JSON Lines manifest.
    pub manifest: PathBuf,
    /// The output folder (default: [`default_out`]).
    pub out: Option<PathBuf>,
    /// The tokens' recipient (default: the minter).
    pub recipient: Option<Address>,
    /// Print the plan and estimates; send nothing.
    pub dry_run: bool,
    /// Assets per batch (both kinds), instead of the gas-derived sizes.
    pub batch_size: Option<usize>,
    /// Draw the progress bar on stderr.
    pub progress: bool,
    /// Print the plan, estimates and summary on stdout.
    pub verbose: bool,
    /// Test hook: stop at this boundary.
    pub abort_at: Option<AbortAt>,
}

impl MintOptions {
    /// Options for `manifest` with every default.
    #[must_use]
    pub fn new(manifest: impl Into<PathBuf>) -> Self {
        Self {
            manifest: manifest.into(),
            out: None,
            recipient: None,
            dry_run: false,
            batch_size: None,
            progress: false,
            verbose: false,
            abort_at: None,
        }
    }
}

/// The chain side: endpoint, contracts, keys.
#[derive(Debug, Clone)]
pub struct MintTarget {
    /// JSON-RPC endpoint.
    pub rpc_url: String,
    /// The suite's ERC-721 collection instance.
    pub collection: Address,
    /// The suite's ERC-1155 editions instance (none: ERC-1155 lines are
    /// refused).
    pub editions: Option<Address>,
    /// The provenance registry.
    pub registry: Address,
    /// Signs and pays for the transactions; must be a minter of the
    /// collection.
    pub minter: PrivateKeySigner,
    /// Who attests the records.
    pub attesters: Attesters,
}

/// Why a mint stopped (besides transport and chain errors).
#[derive(Debug)]
pub enum MintError {
    /// The manifest is invalid (every line's problems).
    Manifest(ManifestError),
    /// No key for a model's registered attester.
    NoAttesterKey {
        /// The model.
        model_id: u64,
        /// Its registered attester.
        attester: Address,
        /// The key given (none: looked among the devnode's accounts).
        given: Option<Address>,
    },
    /// The test hook stopped the run.
    Aborted(AbortAt),
    /// A batch's transaction would revert or reverted.
    Reverted {
        /// The batch.
        batch: usize,
        /// The decoded reason.
        reason: String,
    },
    /// A mint's logs do not name as many tokens as it has lines.
    UnexpectedIds {
        /// The batch.
        batch: usize,
        /// Lines in the batch.
        expected: usize,
        /// Ids found.
        found: usize,
    },
}

impl std::fmt::Display for MintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Manifest(e) => e.fmt(f),
            Self::NoAttesterKey {
                model_id,
                attester,
                given: Some(given),
            } => write!(
                f,
                "model {model_id}'s attester is {attester} but the attester key given (--key-env) is {given}"
            ),
            Self::NoAttesterKey {
                model_id,
                attester,
                given: None,
            } => write!(
                f,
                "model {model_id}'s attester {attester} is not a devnode dev account: \
                 pass its key with --key-env VAR"
            ),
            Self::Aborted(a) => write!(f, "stopped by the test hook at batch {} ({:?})", a.batch, a.boundary),
            Self::Reverted { batch, reason } => write!(f, "batch {batch} reverts: {reason}"),
            Self::UnexpectedIds {
                batch,
                expected,
                found,
            } => write!(
                f,
                "batch {batch}: the mint's logs name {found} token(s) for {expected} line(s)"
            ),
        }
    }
}

impl std::error::Error for MintError {}

/// One minted asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedAsset {
    /// Its manifest line.
    pub line: usize,
    /// Its token id (in the ERC-721 collection, or the edition's id in the
    /// ERC-1155 contract).
    pub token_id: U256,
    /// ERC-1155 editions minted (none: an ERC-721 token).
    pub supply: Option<u64>,
    /// `ipfs://<metadata cid>`.
    pub token_uri: String,
    /// The metadata file's sha-256 (the digest `mintBatch` took).
    pub metadata_digest: B256,
}

/// A batch's estimate (dry run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEstimate {
    /// The batch.
    pub batch: Batch,
    /// `eth_estimateGas` (none for an editions mint whose editions are not
    /// created yet: it would revert until they are).
    pub gas: Option<u64>,
    /// `gas × gas price`, in wei (0 without an estimate).
    pub fee: U256,
    /// The L1 data fee in wei, when the node reports one.
    pub l1_fee: Option<U256>,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct MintReport {
    /// The output folder.
    pub out: PathBuf,
    /// The `assets.json` entries.
    pub entries: Vec<AssetEntry>,
    /// The batch plan.
    pub plan: Vec<Batch>,
    /// Mint and provenance gas models (when probed).
    pub gas_models: Option<(GasModel, GasModel)>,
    /// The dry run's estimates (empty otherwise).
    pub estimates: Vec<BatchEstimate>,
    /// The minted assets, in line order (empty for a dry run).
    pub assets: Vec<MintedAsset>,
    /// Counts for the summary.
    pub totals: Totals,
    /// The collection.
    pub collection: Address,
}

/// The default output folder: `<manifest folder>/<manifest stem>.out`.
#[must_use]
pub fn default_out(manifest: &Path) -> PathBuf {
    let stem = manifest
        .file_stem()
        .map_or_else(|| "manifest".into(), |s| s.to_string_lossy().into_owned());
    manifest
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!("{stem}.out"))
}

/// Validates `manifest` against the registry's `models`: the manifest's
/// own rules plus a retired model, a commit–reveal model and (when the
/// deployment has no editions contract, `editions = false`) an ERC-1155
/// line as line errors.
///
/// # Errors
/// [`ManifestError`] with every line's problems.
pub fn validate_for_chain(
    manifest: &Path,
    models: &[Model],
    editions: bool,
) -> Result<Vec<Asset>, ManifestError> {
    let by_id: BTreeMap<u64, &Model> = models.iter().map(|m| (m.id, m)).collect();
    let active = models::active_ids(models);
    let retired = |id: u64| by_id.get(&id).is_some_and(|m| m.retired);
    match manifest::load(manifest, &active) {
        Ok(assets) => {
            let mut errors = Vec::new();
            for a in &assets {
                if a.entry.supply.is_some() && !editions {
                    errors.push(LineError {
                        line: a.line,
                        kind: LineErrorKind::EditionsUnsupported,
                    });
                }
                if by_id
                    .get(&a.entry.model_id)
                    .is_some_and(|m| m.commit_reveal)
                {
                    errors.push(LineError {
                        line: a.line,
                        kind: LineErrorKind::CommitRevealModel {
                            model_id: a.entry.model_id,
                        },
                    });
                }
            }
            if errors.is_empty() {
                Ok(assets)
            } else {
                Err(ManifestError::Lines(errors))
            }
        }
        Err(ManifestError::Lines(errors)) => Err(ManifestError::Lines(
            errors
                .into_iter()
                .map(|e| match e.kind {
                    LineErrorKind::UnknownModel { model_id } if retired(model_id) => LineError {
                        line: e.line,
                        kind: LineErrorKind::RetiredModel { model_id },
                    },
                    _ => e,
                })
                .collect(),
        )),
        Err(e) => Err(e),
    }
}

/// The token ids a receipt's logs name on `collection`, in order: each
/// ERC-2309 `ConsecutiveTransfer(from, to, …)` gives `from..=to`, each
/// ERC-721 `Transfer` its token id, each `IpEditions.EditionCreated` its
/// new id.
#[must_use]
pub fn ids_from_logs(collection: Address, logs: &[(Address, Vec<B256>, Bytes)]) -> Vec<U256> {
    let consecutive = keccak256("ConsecutiveTransfer(uint256,uint256,address,address)");
    let transfer = keccak256("Transfer(address,address,uint256)");
    let created = keccak256("EditionCreated(uint256,uint256,address,uint96)");
    let mut ids = Vec::new();
    for (addr, topics, data) in logs {
        if *addr != collection || topics.is_empty() {
            continue;
        }
        if topics[0] == consecutive && topics.len() == 4 && data.len() >= 32 {
            let from = U256::from_be_bytes(topics[1].0);
            let to = U256::from_be_slice(&data[..32]);
            let mut id = from;
            while id <= to {
                ids.push(id);
                id += U256::from(1u8);
            }
        } else if topics[0] == transfer && topics.len() == 4 {
            ids.push(U256::from_be_bytes(topics[3].0));
        } else if topics[0] == created && topics.len() == 2 {
            ids.push(U256::from_be_bytes(topics[1].0));
        }
    }
    ids
}

fn log_parts(logs: &[Log]) -> Vec<(Address, Vec<B256>, Bytes)> {
    logs.iter()
        .map(|l| (l.address(), l.topics().to_vec(), l.data().data.clone()))
        .collect()
}

/// Everything a run needs about one asset.
struct Prepared {
    asset: Asset,
    token_uri: String,
    digest: B256,
}

/// The attester signer of each model used.
fn attester_keys(
    assets: &[Asset],
    models: &[Model],
    attesters: &Attesters,
) -> Result<BTreeMap<u64, PrivateKeySigner>, MintError> {
    let by_id: BTreeMap<u64, &Model> = models.iter().map(|m| (m.id, m)).collect();
    let dev = devnode_chain::ChainConfig::default()
        .dev_accounts()
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for a in assets {
        let id = a.entry.model_id;
        if out.contains_key(&id) {
            continue;
        }
        // validated against the registry's active models: present
        let Some(m) = by_id.get(&id) else { continue };
        let key = match attesters {
            Attesters::Key(k) if k.address() == m.attester => Some(k.clone()),
            Attesters::Key(k) => {
                return Err(MintError::NoAttesterKey {
                    model_id: id,
                    attester: m.attester,
                    given: Some(k.address()),
                })
            }
            Attesters::DevAccounts => dev
                .iter()
                .find(|d| d.address == m.attester)
                .map(|d| d.signer.clone()),
        };
        let key = key.ok_or(MintError::NoAttesterKey {
            model_id: id,
            attester: m.attester,
            given: None,
        })?;
        out.insert(id, key);
    }
    Ok(out)
}

/// The chain connection of a run.
struct Chain {
    provider: DynProvider,
    wallet: EthereumWallet,
    minter: Address,
    chain_id: u64,
    collection: Address,
    editions: Address,
    registry: Address,
    recipient: Address,
    attesters: BTreeMap<u64, PrivateKeySigner>,
}

fn revert_reason(e: &alloy::transports::TransportError) -> String {
    match e.as_error_resp().and_then(|r| r.as_revert_data()) {
        Some(data) => crate::demo::describe_revert(&data),
        None => e.to_string(),
    }
}

impl Chain {
    /// The calldata of `batch` for `prepared` (lines → assets) and, for a
    /// provenance batch, the token ids.
    fn calldata(
        &self,
        batch: &Batch,
        prepared: &BTreeMap<usize, Prepared>,
        ids: &[U256],
    ) -> Result<(Address, Bytes)> {
        let ps: Vec<&Prepared> = batch.lines.iter().map(|l| &prepared[l]).collect();
        match batch.kind {
            BatchKind::Mint { royalty } => Ok((
                self.collection,
                IpCollection::mintBatchCall {
                    to: self.recipient,
                    metadataDigests: ps.iter().map(|p| p.digest).collect(),
                    royaltyReceiver: royalty.receiver,
                    royaltyBps: U96::from(royalty.bps),
                }
                .abi_encode()
                .into(),
            )),
            BatchKind::CreateEdition { royalty, supply } => Ok((
                self.editions,
                IpEditions::createIdCall {
                    maxSupply: U256::from(supply),
                    uri: ps[0].token_uri.clone(),
                    royaltyReceiver: royalty.receiver,
                    royaltyBps: U96::from(royalty.bps),
                }
                .abi_encode()
                .into(),
            )),
            BatchKind::MintEditions => Ok((
                self.editions,
                IpEditions::mintBatchCall {
                    to: self.recipient,
                    ids: ids.to_vec(),
                    amounts: ps
                        .iter()
                        .map(|p| U256::from(p.asset.entry.supply.unwrap_or(1)))
                        .collect(),
                    data: Bytes::new(),
                }
                .abi_encode()
                .into(),
            )),
            BatchKind::Provenance { model_id, editions } => {
                let collection = if editions {
                    self.editions
                } else {
                    self.collection
                };
                let signer = self
                    .attesters
                    .get(&model_id)
                    .with_context(|| format!("no attester key for model {model_id}"))?;
                let mut signatures = Vec::with_capacity(ps.len() * ph::SIGNATURE_LEN);
                for (p, id) in ps.iter().zip(ids) {
                    let record = Record {
                        ids: RecordIds {
                            collection,
                            id: *id,
                            model_id: U256::from(model_id),
                            creator: self.minter,
                            parents: Vec::new(),
                        },
                        hashes: p.asset.hashes,
                    };
                    let a = prov::attest(&record, self.chain_id, self.registry, signer)?;
                    signatures.extend_from_slice(&a.signature);
                }
                let h = |f: fn(&Prepared) -> B256| ps.iter().map(|p| f(p)).collect::<Vec<_>>();
                Ok((
                    self.registry,
                    ProvenanceRegistry::recordProvenanceBatchCall {
                        collection,
                        ids: ids.to_vec(),
                        modelId: U256::from(model_id),
                        promptHashes: h(|p| p.asset.hashes.prompt_hash),
                        seedHashes: h(|p| p.asset.hashes.seed_hash),
                        paramsHashes: h(|p| p.asset.hashes.params_hash),
                        contentHashes: h(|p| p.asset.hashes.content_hash),
                        humanHashes: h(|p| p.asset.hashes.human_hash),
                        signatures: signatures.into(),
                    }
                    .abi_encode()
                    .into(),
                ))
            }
        }
    }

    async fn estimate(&self, batch: usize, to: Address, data: &Bytes) -> Result<u64> {
        let tx = TransactionRequest::default()
            .with_from(self.minter)
            .with_to(to)
            .with_input(data.clone());
        self.provider.estimate_gas(tx).await.map_err(|e| {
            MintError::Reverted {
                batch,
                reason: revert_reason(&e),
            }
            .into()
        })
    }

    async fn total_supply(&self) -> Result<U256> {
        models::view(
            &self.provider,
            self.collection,
            &IpCollection::totalSupplyCall {},
        )
        .await
        .context("IpCollection.totalSupply")
    }

    /// Signs a transaction to `to` with `data` at the account's next nonce.
    async fn sign(&self, batch: usize, to: Address, data: Bytes) -> Result<(u64, B256, Bytes)> {
        let gas = self.estimate(batch, to, &data).await?;
        let gas = crate::with_gas_headroom(gas);
        let gas = gas.min(plan::DEFAULT_TX_GAS_CAP);
        let nonce = self
            .provider
            .get_transaction_count(self.minter)
            .pending()
            .await
            .context("reading the minter's nonce")?;
        let fees = self
            .provider
            .estimate_eip1559_fees()
            .await
            .context("reading the fees")?;
        let tx = TransactionRequest::default()
            .with_from(self.minter)
            .with_to(to)
            .with_input(data)
            .with_nonce(nonce)
            .with_chain_id(self.chain_id)
            .with_gas_limit(gas)
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let env =
            <TransactionRequest as NetworkTransactionBuilder<Ethereum>>::build(tx, &self.wallet)
                .await
                .context("signing the batch transaction")?;
        let hash = *env.tx_hash();
        Ok((nonce, hash, env.encoded_2718().into()))
    }

    /// Sends a raw transaction; "already known" (it is in the pool) is fine.
    async fn send_raw(&self, raw: &Bytes, hash: B256) -> Result<()> {
        match self.provider.send_raw_transaction(raw).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let msg = e.to_string().to_lowercase();
                if msg.contains("already known") || msg.contains("known transaction") {
                    return Ok(());
                }
                // mined in the meantime (its nonce is then "too low")
                if self.receipt(hash).await?.is_some() {
                    return Ok(());
                }
                Err(anyhow!(e).context(format!("sending transaction {hash}")))
            }
        }
    }

    async fn receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>> {
        self.provider
            .get_transaction_receipt(hash)
            .await
            .with_context(|| format!("reading the receipt of {hash}"))
    }

    async fn wait(&self, hash: B256) -> Result<TransactionReceipt> {
        let start = Instant::now();
        let mut delay = Duration::from_millis(5);
        loop {
            if let Some(r) = self.receipt(hash).await? {
                return Ok(r);
            }
            if start.elapsed() > RECEIPT_TIMEOUT {
                bail!(
                    "transaction {hash} not mined after {} s; run again to resume from the journal",
                    RECEIPT_TIMEOUT.as_secs()
                );
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(500));
        }
    }

    /// The `done` entry of `intent` from its successful receipt.
    fn done(&self, intent: &Intent, r: &TransactionReceipt) -> Result<Done> {
        let source = match intent.kind {
            BatchKind::Mint { .. } => Some(self.collection),
            BatchKind::CreateEdition { .. } => Some(self.editions),
            BatchKind::MintEditions | BatchKind::Provenance { .. } => None,
        };
        let ids = if let Some(source) = source {
            let ids = ids_from_logs(source, &log_parts(r.inner.logs()));
            if ids.len() != intent.lines.len() {
                return Err(MintError::UnexpectedIds {
                    batch: intent.batch,
                    expected: intent.lines.len(),
                    found: ids.len(),
                }
                .into());
            }
            ids
        } else {
            intent.ids.clone()
        };
        Ok(Done {
            batch: intent.batch,
            hash: intent.hash,
            ids,
            gas_used: r.gas_used,
            block: r.block_number.unwrap_or_default(),
        })
    }

    /// The L1 data fee of calldata `data` to `to`, if the node reports one.
    async fn l1_fee(&self, to: Address, data: &Bytes) -> Option<U256> {
        let call = NodeInterface::gasEstimateL1ComponentCall {
            to,
            contractCreation: false,
            data: data.clone(),
        };
        let r = models::view(&self.provider, NODE_INTERFACE, &call)
            .await
            .ok()?;
        Some(U256::from(r.gasEstimateForL1) * r.baseFee)
    }
}

/// Gas models from probe batches of 1 and [`PROBE`] assets (the first
/// assets of the manifest; provenance for the ids the next mint will get).
async fn probe(
    chain: &Chain,
    prepared: &BTreeMap<usize, Prepared>,
    first: &[usize],
) -> Result<(GasModel, GasModel)> {
    let n = first.len().min(PROBE);
    let p0 = &prepared[&first[0]];
    let model_id = p0.asset.entry.model_id;
    // the probe keeps to one royalty and one model
    let lines: Vec<usize> = first
        .iter()
        .copied()
        .take(n)
        .take_while(|l| {
            let e = &prepared[l].asset.entry;
            e.royalty == p0.asset.entry.royalty && e.model_id == model_id
        })
        .collect();
    let supply = chain.total_supply().await?;
    let mut points = Vec::new();
    for k in [1, lines.len()] {
        let lines = lines[..k].to_vec();
        let ids: Vec<U256> = (1..=k).map(|i| supply + U256::from(i)).collect();
        let mint = Batch {
            index: 0,
            kind: BatchKind::Mint {
                royalty: p0.asset.entry.royalty,
            },
            lines: lines.clone(),
        };
        let record = Batch {
            index: 1,
            kind: BatchKind::Provenance {
                model_id,
                editions: false,
            },
            lines,
        };
        let (to, data) = chain.calldata(&mint, prepared, &[])?;
        let gm = chain.estimate(0, to, &data).await?;
        let (to, data) = chain.calldata(&record, prepared, &ids)?;
        let gp = chain.estimate(1, to, &data).await?;
        points.push((k as u64, gm, gp));
    }
    let (_, m1, p1) = points[0];
    let (k, mk, pk) = points[1];
    Ok((
        GasModel::from_probes(m1, k, mk),
        GasModel::from_probes(p1, k, pk),
    ))
}

/// Runs the studio batch mint (see the module documentation).
///
/// # Errors
/// [`MintError`] (inside the `anyhow` error: `downcast_ref`) for an invalid
/// manifest, a missing attester key, a revert or the test hook;
/// [`journal::JournalError`] for a journal of another run; transport errors.
#[allow(clippy::too_many_lines)] // one pipeline, in order
pub async fn mint(opts: &MintOptions, target: &MintTarget) -> Result<MintReport> {
    let started = Instant::now();
    let provider = ProviderBuilder::new()
        .connect_http(target.rpc_url.parse().context("bad RPC URL")?)
        .erased();
    let chain_id = provider
        .get_chain_id()
        .await
        .context("reading the chain id")?;
    let registered = models::fetch(&provider, target.registry).await?;
    let assets = validate_for_chain(&opts.manifest, &registered, target.editions.is_some())
        .map_err(MintError::Manifest)?;
    let attesters = attester_keys(&assets, &registered, &target.attesters)?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| default_out(&opts.manifest));
    let minter = target.minter.address();
    let chain = Chain {
        provider,
        wallet: EthereumWallet::from(target.minter.clone()),
        minter,
        chain_id,
        collection: target.collection,
        editions: target.editions.unwrap_or(Address::ZERO),
        registry: target.registry,
        recipient: opts.recipient.unwrap_or(minter),
        attesters,
    };
    let mut prepared = BTreeMap::new();
    let mut digest_items = Vec::with_capacity(assets.len());
    for asset in assets {
        let m = asset.metadata_file()?;
        let digest = B256::from(ph::content_hash(m.json.as_bytes()).0);
        digest_items.push(journal::DigestItem {
            line: asset.line,
            hashes: asset.hashes,
            metadata_cid: m.cid.to_string(),
            model_id: asset.entry.model_id,
            royalty: asset.entry.royalty,
            supply: asset.entry.supply,
        });
        prepared.insert(
            asset.line,
            Prepared {
                token_uri: m.cid.uri(),
                asset,
                digest,
            },
        );
    }
    let lines: Vec<usize> = prepared.keys().copied().collect();
    let items: Vec<PlanItem> = prepared
        .values()
        .map(|p| PlanItem {
            line: p.asset.line,
            royalty: p.asset.entry.royalty,
            model_id: p.asset.entry.model_id,
            supply: p.asset.entry.supply,
        })
        .collect();

    let journal_path = out.join(journal::FILE_NAME);
    let existing = if journal_path.exists() {
        journal::parse(
            &std::fs::read_to_string(&journal_path)
                .with_context(|| format!("reading {}", journal_path.display()))?,
        )?
    } else {
        Vec::new()
    };
    let genesis = chain
        .provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Number(0))
        .await?
        .context("no genesis block")?
        .header
        .hash;
    let mut header = Header {
        version: journal::VERSION,
        chain_id,
        genesis,
        collection: chain.collection,
        editions: chain.editions,
        registry: chain.registry,
        minter,
        recipient: chain.recipient,
        assets_digest: journal::assets_digest(&digest_items),
        assets: digest_items.len(),
        mint_batch_size: 0,
        provenance_batch_size: 0,
    };
    let journal_sizes = match existing.first() {
        Some(Entry::Header(h)) => {
            // another run's journal is refused before anything is written
            journal::check_header(h, &header)?;
            Some((h.mint_batch_size, h.provenance_batch_size))
        }
        _ => None,
    };
    let entries = output::write(
        &out,
        &prepared
            .values()
            .map(|p| p.asset.clone())
            .collect::<Vec<_>>(),
    )?;
    let mut gas_models = None;
    let (mint_size, prov_size) = match (journal_sizes, opts.batch_size) {
        (Some(s), _) => s,
        (None, Some(n)) => (n, n),
        (None, None) if lines.is_empty() => (1, 1),
        (None, None) => {
            let block = chain
                .provider
                .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
                .await?
                .context("no latest block")?;
            let budget = plan::gas_budget(block.header.gas_limit, plan::DEFAULT_TX_GAS_CAP);
            let (gm, gp) = probe(&chain, &prepared, &lines).await?;
            gas_models = Some((gm, gp));
            (plan::batch_size(gm, budget)?, plan::batch_size(gp, budget)?)
        }
    };
    let batches = plan::plan(&items, mint_size, prov_size)?;
    header.mint_batch_size = mint_size;
    header.provenance_batch_size = prov_size;
    let state = State::replay(&existing, &header, &batches)?;
    if opts.verbose {
        println!(
            "studio mint: {} asset(s) from {} → collection {} (registry {}), recipient {}",
            lines.len(),
            opts.manifest.display(),
            chain.collection,
            chain.registry,
            chain.recipient
        );
        println!("   output folder {}", out.display());
        if let Some((gm, gp)) = gas_models {
            println!(
                "   gas: mint {} + {}/asset, provenance {} + {}/asset",
                gm.base, gm.per_asset, gp.base, gp.per_asset
            );
        }
        println!(
            "   {} batch(es): mint ≤ {mint_size} assets, provenance ≤ {prov_size} assets{}",
            batches.len(),
            if journal_sizes.is_some() {
                " (resuming the journal's plan)"
            } else {
                ""
            }
        );
    }

    if opts.dry_run {
        let estimates = dry_run(&chain, &prepared, &batches, &state).await?;
        if opts.verbose {
            print_estimates(&estimates);
        }
        return Ok(MintReport {
            out,
            entries,
            plan: batches,
            gas_models,
            estimates,
            assets: Vec::new(),
            totals: Totals {
                batches: 0,
                wall: started.elapsed(),
                ..Totals::default()
            },
            collection: chain.collection,
        });
    }

    let (mut j, _) = Journal::open(&journal_path)?;
    if existing.is_empty() {
        j.append(&Entry::Header(header))?;
    }
    let mut ids: BTreeMap<usize, U256> = BTreeMap::new();
    let already: usize = batches
        .iter()
        .filter(|b| b.is_provenance() && state.done.contains_key(&b.index))
        .map(|b| b.lines.len())
        .sum();
    let mut progress = Progress::new(lines.len(), already, opts.progress);
    let mut txs = 0usize;
    let mut gas_total = 0u64;
    let mut done_this_run = 0usize;
    for b in &batches {
        if let Some(d) = state.done.get(&b.index) {
            gas_total += d.gas_used;
            if b.assigns_ids() {
                ids.extend(b.lines.iter().copied().zip(d.ids.iter().copied()));
            }
            continue;
        }
        let mut pending = state.pending.get(&b.index).cloned();
        let mut finished: Option<Done> = None;
        if let Some(intent) = &pending {
            let r = chain.receipt(intent.hash).await?;
            let nonce = chain
                .provider
                .get_transaction_count(minter)
                .await
                .context("reading the minter's nonce")?;
            let status = match &r {
                None => Receipt::None,
                Some(r) if r.status() => Receipt::Success,
                Some(_) => Receipt::Reverted,
            };
            match journal::recover(intent.nonce, status, nonce) {
                Recovery::RecordDone => {
                    // `r` is Some for a success
                    let r = r.context("receipt vanished")?;
                    finished = Some(chain.done(intent, &r)?);
                }
                Recovery::Resend => {
                    chain.send_raw(&intent.raw, intent.hash).await?;
                    txs += 1;
                }
                Recovery::Supersede => pending = None,
            }
        }
        let intent = match (finished.is_some(), pending) {
            (true, _) => None,
            (false, Some(i)) => Some(i),
            (false, None) => {
                let batch_ids: Vec<U256> = if b.assigns_ids() {
                    Vec::new()
                } else {
                    b.lines.iter().map(|l| ids[l]).collect()
                };
                let (to, data) = chain.calldata(b, &prepared, &batch_ids)?;
                let (nonce, hash, raw) = chain.sign(b.index, to, data).await?;
                let intent = Intent {
                    batch: b.index,
                    kind: b.kind,
                    lines: b.lines.clone(),
                    ids: batch_ids,
                    nonce,
                    hash,
                    raw,
                };
                j.append(&Entry::Intent(intent.clone()))?;
                let stop = |boundary| {
                    opts.abort_at
                        == Some(AbortAt {
                            batch: b.index,
                            boundary,
                        })
                };
                if stop(Boundary::AfterIntent) {
                    return Err(MintError::Aborted(AbortAt {
                        batch: b.index,
                        boundary: Boundary::AfterIntent,
                    })
                    .into());
                }
                chain.send_raw(&intent.raw, intent.hash).await?;
                txs += 1;
                if stop(Boundary::AfterSend) {
                    return Err(MintError::Aborted(AbortAt {
                        batch: b.index,
                        boundary: Boundary::AfterSend,
                    })
                    .into());
                }
                Some(intent)
            }
        };
        let d = match (finished, intent) {
            (Some(d), _) => d,
            (None, Some(intent)) => {
                let r = chain.wait(intent.hash).await?;
                if !r.status() {
                    return Err(MintError::Reverted {
                        batch: b.index,
                        reason: format!(
                            "transaction {} reverted (run again: the batch is sent anew)",
                            intent.hash
                        ),
                    }
                    .into());
                }
                chain.done(&intent, &r)?
            }
            (None, None) => unreachable!("a batch is finished or has an intent"),
        };
        j.append(&Entry::Done(d.clone()))?;
        gas_total += d.gas_used;
        if b.assigns_ids() {
            ids.extend(b.lines.iter().copied().zip(d.ids.iter().copied()));
        } else if b.is_provenance() {
            done_this_run += b.lines.len();
            progress.advance(b.lines.len(), already);
        }
    }
    let minted = prepared
        .values()
        .map(|p| MintedAsset {
            line: p.asset.line,
            token_id: ids[&p.asset.line],
            supply: p.asset.entry.supply,
            token_uri: p.token_uri.clone(),
            metadata_digest: p.digest,
        })
        .collect();
    let totals = Totals {
        assets: lines.len(),
        batches: batches.len(),
        txs,
        gas: gas_total,
        wall: started.elapsed(),
        assets_this_run: done_this_run,
    };
    if opts.verbose {
        println!("studio mint done: {}", out.display());
        print!("{}", progress::summary_table(&totals));
    }
    Ok(MintReport {
        out,
        entries,
        plan: batches,
        gas_models,
        estimates: Vec::new(),
        assets: minted,
        totals,
        collection: chain.collection,
    })
}

/// Estimates every batch not yet done, with the ids the mints will give
/// (the collection's `totalSupply` onwards).
async fn dry_run(
    chain: &Chain,
    prepared: &BTreeMap<usize, Prepared>,
    batches: &[Batch],
    state: &State,
) -> Result<Vec<BatchEstimate>> {
    let price = U256::from(chain.provider.get_gas_price().await?);
    let mut next = chain.total_supply().await?;
    let mut next_edition = if chain.editions.is_zero() {
        U256::ZERO
    } else {
        models::view(&chain.provider, chain.editions, &IpEditions::lastIdCall {})
            .await
            .context("IpEditions.lastId")?
    };
    let mut ids: BTreeMap<usize, U256> = BTreeMap::new();
    // lines whose ids exist on chain already (an earlier run's journal)
    let mut on_chain: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for b in batches {
        if let Some(d) = state.done.get(&b.index) {
            if b.assigns_ids() {
                ids.extend(b.lines.iter().copied().zip(d.ids.iter().copied()));
                on_chain.extend(&b.lines);
            }
            continue;
        }
        let batch_ids: Vec<U256> = if b.assigns_ids() {
            let counter = if b.is_mint() {
                &mut next
            } else {
                &mut next_edition
            };
            for &l in &b.lines {
                *counter += U256::from(1u8);
                ids.insert(l, *counter);
            }
            Vec::new()
        } else {
            b.lines.iter().map(|l| ids[l]).collect()
        };
        let (to, data) = chain.calldata(b, prepared, &batch_ids)?;
        // editions are minted only once created: no estimate before that
        let gas =
            if b.kind == BatchKind::MintEditions && !b.lines.iter().all(|l| on_chain.contains(l)) {
                None
            } else {
                Some(chain.estimate(b.index, to, &data).await?)
            };
        let l1_fee = chain.l1_fee(to, &data).await;
        out.push(BatchEstimate {
            batch: b.clone(),
            gas,
            fee: U256::from(gas.unwrap_or(0)) * price,
            l1_fee,
        });
    }
    Ok(out)
}

/// Prints the dry run's plan.
fn print_estimates(estimates: &[BatchEstimate]) {
    println!(
        "   {:>5}  {:<24} {:>6} {:>12} {:>22} {:>22}",
        "batch", "kind", "assets", "gas", "fee (wei)", "L1 data fee (wei)"
    );
    let (mut gas, mut fee, mut l1, mut unestimated) = (0u64, U256::ZERO, None::<U256>, 0usize);
    for e in estimates {
        let kind = match e.batch.kind {
            BatchKind::Mint { royalty } => format!("mint ({} bps)", royalty.bps),
            BatchKind::CreateEdition { supply, .. } => format!("create edition (×{supply})"),
            BatchKind::MintEditions => "mint editions".to_string(),
            BatchKind::Provenance {
                model_id,
                editions: false,
            } => format!("provenance (model {model_id})"),
            BatchKind::Provenance {
                model_id,
                editions: true,
            } => format!("provenance 1155 (model {model_id})"),
        };
        println!(
            "   {:>5}  {:<24} {:>6} {:>12} {:>22} {:>22}",
            e.batch.index,
            kind,
            e.batch.lines.len(),
            e.gas
                .map_or_else(|| "after create".into(), |g| g.to_string()),
            e.fee,
            e.l1_fee.map_or_else(|| "-".into(), |f| f.to_string())
        );
        if e.gas.is_none() {
            unestimated += 1;
        }
        gas += e.gas.unwrap_or(0);
        fee += e.fee;
        if let Some(f) = e.l1_fee {
            l1 = Some(l1.unwrap_or_default() + f);
        }
    }
    let assets: usize = estimates
        .iter()
        .filter(|e| e.batch.is_provenance())
        .map(|e| e.batch.lines.len())
        .sum();
    if unestimated > 0 {
        println!(
            "   ({unestimated} editions mint(s) are estimated only once their editions exist: not in the total)"
        );
    }
    println!(
        "   total: {} transaction(s), {gas} gas ({} per asset), fee {} ETH{}",
        estimates.len(),
        gas.checked_div(assets as u64).unwrap_or(0),
        crate::stylus::eth(fee),
        l1.map_or_else(
            || " (the node reports no L1 data fee)".into(),
            |f| format!(" + L1 data fee {} ETH", crate::stylus::eth(f))
        )
    );
    println!("dry run: nothing sent");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_consecutive_transfer_or_transfer_logs() {
        let c = Address::repeat_byte(0xc0);
        let word = |n: u64| B256::from(U256::from(n));
        let consecutive = keccak256("ConsecutiveTransfer(uint256,uint256,address,address)");
        let transfer = keccak256("Transfer(address,address,uint256)");
        let logs = vec![
            (
                c,
                vec![consecutive, word(5), B256::ZERO, word(1)],
                Bytes::from(word(8).to_vec()),
            ),
            // another contract's event is not ours
            (
                Address::repeat_byte(1),
                vec![transfer, B256::ZERO, word(1), word(99)],
                Bytes::new(),
            ),
            (
                c,
                vec![transfer, B256::ZERO, word(1), word(9)],
                Bytes::new(),
            ),
        ];
        let ids: Vec<u64> = ids_from_logs(c, &logs)
            .into_iter()
            .map(|u| u.to::<u64>())
            .collect();
        assert_eq!(ids, vec![5, 6, 7, 8, 9]);
        assert!(ids_from_logs(c, &[]).is_empty());
        let created = keccak256("EditionCreated(uint256,uint256,address,uint96)");
        let e = Address::repeat_byte(0xed);
        let logs = vec![(e, vec![created, word(4)], Bytes::from(vec![0; 96]))];
        assert_eq!(ids_from_logs(e, &logs), vec![U256::from(4u8)]);
        assert!(ids_from_logs(c, &logs).is_empty());
    }

    #[test]
    fn the_default_output_folder_is_next_to_the_manifest() {
        assert_eq!(
            default_out(Path::new("/a/b/batch.jsonl")),
            PathBuf::from("/a/b/batch.out")
        );
    }
}
