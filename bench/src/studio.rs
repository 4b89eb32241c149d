//! The studio batch mint (`cargo ip mint`, [`stylus_ip_deploy::studio`])
//! against its three targets:
//!
//! * **wall time**: [`ASSETS`] generations, from a manifest to minted tokens
//!   with recorded, attested provenance, on the embedded devnode, ≤ 60 s;
//! * **gas per asset**, mint + provenance batched, ≤ 50 % of the
//!   single-transaction path (`mint` with the same `ipfs://` URI as a
//!   string, then `recordProvenance` with the same attestation), both
//!   measured on the same chain after the batch run;
//! * **local work**: hashing and CIDs of [`LOCAL_FILES`] images, ≤ 10 s for
//!   1 MB images. Files above one IPFS block (262,144 bytes) are refused by
//!   the pipeline (their CID would be kubo's UnixFS DAG, which it does not
//!   build), so the pipeline's local half (validation, hashes, CIDs,
//!   metadata, output folder) is timed on the largest images it accepts
//!   (295 × 295 PNGs, about 261 KB), and read + sha-256 alone on 1 MiB
//!   files.
//!
//! Generations come from the gateway's built-in model
//! ([`stylus_ip_gateway::synthetic`]), seeded: the same files every run.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use anyhow::{ensure, Context, Result};
use serde::Serialize;
use stylus_ip_deploy::bindings::{IpCollection, ProvenanceRegistry};
use stylus_ip_deploy::provenance::{self as prov, Record, RecordIds};
use stylus_ip_deploy::studio::{self, Attesters, MintOptions, MintTarget};
use stylus_ip_gateway::synthetic;

use crate::report::thousands;

/// Generations minted by the batch pipeline.
pub const ASSETS: usize = 1_000;
/// Generations minted one transaction at a time for the comparison.
pub const SINGLES: usize = 10;
/// Images hashed by the local half.
pub const LOCAL_FILES: usize = 1_000;
/// Side of the local half's images: the largest square PNG of the built-in
/// model that fits one IPFS block.
pub const LOCAL_SIDE: u32 = 295;
/// Size of the files of the read + sha-256 measurement.
pub const MIB: usize = 1 << 20;
/// Target: wall seconds for [`ASSETS`] generations.
pub const TARGET_WALL_S: f64 = 60.0;
/// Target: batched gas per asset ÷ single-path gas per asset.
pub const TARGET_GAS_RATIO: f64 = 0.5;
/// Target: seconds for the local work on [`LOCAL_FILES`] images.
pub const TARGET_LOCAL_S: f64 = 10.0;

/// What one studio run measured.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StudioBench {
    /// Generations minted in batches.
    pub assets: usize,
    /// Wall seconds of the batch mint (validation, output folder, batches).
    pub wall_s: f64,
    /// Batches of the plan (mint and provenance).
    pub batches: usize,
    /// Transactions sent.
    pub txs: usize,
    /// Receipt gas of every batch ÷ assets.
    pub batch_gas_per_asset: u64,
    /// Generations minted one at a time.
    pub singles: usize,
    /// Mean receipt gas of a single `mint` with the `ipfs://` URI.
    pub single_mint_gas: u64,
    /// Mean receipt gas of a single attested `recordProvenance`.
    pub single_record_gas: u64,
    /// Images of the local half.
    pub local_files: usize,
    /// Their mean size, bytes.
    pub local_file_bytes: u64,
    /// Seconds of the local half (validate, hash, CIDs, metadata, output).
    pub local_s: f64,
    /// Seconds of read + sha-256 of [`LOCAL_FILES`] files of 1 MiB.
    pub mib_hash_s: f64,
    /// Whether the binary was an optimised (release) build.
    pub release: bool,
    /// When it ran (UTC).
    pub generated: String,
    /// `/proc/loadavg` before the run.
    pub load: String,
}

impl StudioBench {
    /// Assets per second of the batch mint.
    #[must_use]
    pub fn rate(&self) -> f64 {
        self.assets as f64 / self.wall_s
    }

    /// Gas per asset of the single-transaction path.
    #[must_use]
    pub fn single_gas_per_asset(&self) -> u64 {
        self.single_mint_gas + self.single_record_gas
    }

    /// Batched ÷ single gas per asset.
    #[must_use]
    pub fn gas_ratio(&self) -> f64 {
        self.batch_gas_per_asset as f64 / self.single_gas_per_asset() as f64
    }

    /// The three targets: `(name, met, detail)`.
    #[must_use]
    pub fn targets(&self) -> [(String, bool, String); 3] {
        [
            (
                format!(
                    "studio: {} generations minted with provenance in ≤ {TARGET_WALL_S:.0} s",
                    thousands(self.assets as u64)
                ),
                self.wall_s <= TARGET_WALL_S,
                format!("{:.1} s ({:.1} assets/s)", self.wall_s, self.rate()),
            ),
            (
                "studio: batched mint + provenance gas per asset ≤ 50 % of the single path".into(),
                self.gas_ratio() <= TARGET_GAS_RATIO,
                format!(
                    "{} vs {} ({:.1} %)",
                    thousands(self.batch_gas_per_asset),
                    thousands(self.single_gas_per_asset()),
                    self.gas_ratio() * 100.0
                ),
            ),
            (
                format!(
                    "studio: hashes and CIDs of {} images in ≤ {TARGET_LOCAL_S:.0} s",
                    thousands(self.local_files as u64)
                ),
                self.local_s <= TARGET_LOCAL_S && self.mib_hash_s <= TARGET_LOCAL_S,
                format!(
                    "{:.2} s for {} KB images, read + sha-256 of 1 MiB files {:.2} s",
                    self.local_s,
                    self.local_file_bytes / 1000,
                    self.mib_hash_s
                ),
            ),
        ]
    }
}

/// Runs the three measurements (on a runtime of its own).
///
/// # Errors
/// When the devnode, the suite's deployment or a transaction fails.
pub fn run(root: &Path, generated: String, load: String) -> Result<StudioBench> {
    let dir = std::env::temp_dir().join(format!("stylus-ip-bench-studio-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = (|| {
        let (local_files, local_file_bytes, local_s) = local_half(&dir.join("local"))?;
        let mib_hash_s = mib_hashing(&dir.join("mib"))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let chain = rt.block_on(on_chain(root, &dir.join("chain")))?;
        Ok(StudioBench {
            local_files,
            local_file_bytes,
            local_s,
            mib_hash_s,
            release: !cfg!(debug_assertions),
            generated,
            load,
            ..chain
        })
    })();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// The pipeline's local half on [`LOCAL_FILES`] images of [`LOCAL_SIDE`]²
/// pixels: `(files, mean bytes, seconds)`.
fn local_half(dir: &Path) -> Result<(usize, u64, f64)> {
    let (manifest, _) = synthetic::write(
        dir,
        &synthetic::Spec {
            count: LOCAL_FILES,
            model_id: 1,
            seed: 0x10ca1,
            side: LOCAL_SIDE,
            royalty_switch: None,
        },
    )?;
    let bytes: u64 = std::fs::read_dir(dir.join("images"))?
        .map(|e| Ok(e?.metadata()?.len()))
        .sum::<Result<u64>>()?;
    let start = Instant::now();
    let assets = studio::load(&manifest, &BTreeSet::from([1]))?;
    let entries = studio::write(&dir.join("out"), &assets)?;
    let seconds = start.elapsed().as_secs_f64();
    ensure!(entries.len() == LOCAL_FILES, "the local half lost assets");
    Ok((LOCAL_FILES, bytes / LOCAL_FILES as u64, seconds))
}

/// Read + sha-256 of [`LOCAL_FILES`] files of 1 MiB (distinct, seeded).
fn mib_hashing(dir: &Path) -> Result<f64> {
    std::fs::create_dir_all(dir)?;
    let mut g = synthetic::Seeded(0x3e6a);
    let mut paths = Vec::with_capacity(LOCAL_FILES);
    for i in 0..LOCAL_FILES {
        let bytes: Vec<u8> = (0..MIB / 8)
            .flat_map(|_| g.next_u64().to_le_bytes())
            .collect();
        let path = dir.join(format!("{i:04}.bin"));
        std::fs::write(&path, bytes)?;
        paths.push(path);
    }
    let start = Instant::now();
    let mut seen = BTreeSet::new();
    for p in &paths {
        let bytes = std::fs::read(p)?;
        seen.insert(studio::Cid::of_bytes(&bytes).as_str().to_owned());
    }
    let seconds = start.elapsed().as_secs_f64();
    ensure!(seen.len() == LOCAL_FILES, "distinct files hashed alike");
    Ok(seconds)
}

fn provider(url: &str, key: &PrivateKeySigner) -> Result<DynProvider> {
    Ok(ProviderBuilder::new()
        .wallet(EthereumWallet::from(key.clone()))
        .connect_http(url.parse()?)
        .erased())
}

/// Sends `data` to `to` and returns `(return data, receipt gas)`.
async fn send(p: &DynProvider, from: Address, to: Address, data: Vec<u8>) -> Result<(Bytes, u64)> {
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(data);
    let out = p.call(tx.clone()).await.context("eth_call")?;
    let r = p.send_transaction(tx).await?.get_receipt().await?;
    ensure!(r.status(), "transaction to {to} reverted");
    Ok((out, r.gas_used))
}

/// The suite deployed on an embedded devnode, a model registered, the batch
/// mint of [`ASSETS`] generations, then [`SINGLES`] more one at a time.
async fn on_chain(root: &Path, dir: &Path) -> Result<StudioBench> {
    let node = stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())?;
    let url = node.url().to_string();
    std::fs::create_dir_all(dir)?;
    let deployed = stylus_ip_deploy::run::deploy_fresh(
        root,
        &url,
        stylus_ip_deploy::keys::KeySource::DevDefault,
        dir.join("deployment.json"),
    )
    .await?;
    let accounts = node.dev_accounts();
    let minter = accounts[0].signer.clone();
    let lab = accounts[1].signer.clone();
    let registry = deployed.addresses.provenance;
    let collection = deployed
        .addresses
        .collection
        .context("the suite has no ERC-721 collection")?;
    let lab_p = provider(&url, &lab)?;
    let (model, _) = send(
        &lab_p,
        lab.address(),
        registry,
        studio::models::register_call("studio bench model", "bench 1.0", "", lab.address())
            .abi_encode(),
    )
    .await?;
    let model_id = U256::from_be_slice(&model).to::<u64>();
    let target = MintTarget {
        rpc_url: url.clone(),
        collection,
        editions: deployed.addresses.editions,
        registry,
        minter: minter.clone(),
        attesters: Attesters::Key(lab.clone()),
    };
    let spec = |count, seed| synthetic::Spec {
        count,
        model_id,
        seed,
        side: 16,
        royalty_switch: None,
    };

    // The batch path, timed from the manifest.
    let (manifest, _) = synthetic::write(&dir.join("batch"), &spec(ASSETS, 0xba7c4))?;
    let start = Instant::now();
    let report = studio::mint(&MintOptions::new(&manifest), &target).await?;
    let wall_s = start.elapsed().as_secs_f64();
    ensure!(report.assets.len() == ASSETS, "the batch mint lost assets");
    let totals = report.totals;

    // The single path: the same kind of generations, one mint and one
    // record per asset.
    let (manifest, _) = synthetic::write(&dir.join("single"), &spec(SINGLES, 0x5419))?;
    let assets = studio::load(&manifest, &BTreeSet::from([model_id]))?;
    let entries = studio::write(&dir.join("single-out"), &assets)?;
    let minter_p = provider(&url, &minter)?;
    let (mut mint_gas, mut record_gas) = (0, 0);
    for e in &entries {
        let (id, gas) = send(
            &minter_p,
            minter.address(),
            collection,
            IpCollection::mintCall {
                to: minter.address(),
                uri: e.token_uri.clone(),
                royaltyReceiver: e.royalty.receiver,
                royaltyBps: alloy::primitives::Uint::from(e.royalty.bps),
            }
            .abi_encode(),
        )
        .await?;
        mint_gas += gas;
        let id = U256::from_be_slice(&id);
        let record = Record {
            ids: RecordIds {
                collection,
                id,
                model_id: U256::from(model_id),
                creator: minter.address(),
                parents: Vec::new(),
            },
            hashes: e.hashes,
        };
        let a = prov::attest(&record, deployed.chain_id, registry, &lab)?;
        let h = e.hashes;
        let (_, gas) = send(
            &minter_p,
            minter.address(),
            registry,
            ProvenanceRegistry::recordProvenanceCall {
                collection,
                id,
                modelId: U256::from(model_id),
                promptHash: h.prompt_hash,
                seedHash: h.seed_hash,
                paramsHash: h.params_hash,
                contentHash: h.content_hash,
                humanHash: h.human_hash,
                parentCollections: Vec::new(),
                parentIds: Vec::new(),
                signature: a.signature,
            }
            .abi_encode(),
        )
        .await?;
        record_gas += gas;
    }
    drop(minter_p);
    drop(lab_p);
    node.shutdown()?;
    let n = SINGLES as u64;
    Ok(StudioBench {
        assets: ASSETS,
        wall_s,
        batches: totals.batches,
        txs: totals.txs,
        batch_gas_per_asset: totals.gas / ASSETS as u64,
        singles: SINGLES,
        single_mint_gas: mint_gas / n,
        single_record_gas: record_gas / n,
        local_files: 0,
        local_file_bytes: 0,
        local_s: 0.0,
        mib_hash_s: 0.0,
        release: false,
        generated: String::new(),
        load: String::new(),
    })
}
