//! `stylus-ip mint` and `stylus-ip models`: the studio batch mint
//! ([`stylus_ip_deploy::studio::mint`]) and the registry's model trees, on a
//! deployed suite (`--rpc-url` and its deployment manifest) or on the
//! embedded devnode with the suite deployed and a sample model registered.

use std::path::{Path, PathBuf};

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::Address;
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use anyhow::{bail, Context, Result};
use stylus_ip_deploy::studio::{self, models, Attesters, MintOptions, MintTarget};
use stylus_ip_deploy::{keys, manifest::Manifest};

/// Where the chain is.
#[derive(Debug, Clone)]
pub(crate) struct ChainArgs {
    /// The endpoint (none: the embedded devnode).
    pub(crate) rpc_url: Option<String>,
    /// The deployment manifest.
    pub(crate) deployment: Option<PathBuf>,
    /// Use target/wasm as is (embedded devnode).
    pub(crate) skip_build: bool,
}

/// The suite's addresses a studio command needs.
struct Suite {
    rpc_url: String,
    chain_id: u64,
    registry: Address,
    collection: Option<Address>,
    editions: Option<Address>,
}

fn address_of(m: &Manifest, name: &str, path: &Path) -> Result<Address> {
    m.contracts
        .get(name)
        .map(|c| c.address)
        .with_context(|| format!("the deployment manifest {} has no `{name}`", path.display()))
}

/// The embedded devnode's sample model: registered by dev account #1 as
/// its own attester when the registry has no model.
async fn sample_model(rpc_url: &str, registry: Address) -> Result<()> {
    let provider = ProviderBuilder::new().connect_http(rpc_url.parse()?);
    if !models::fetch(&provider, registry).await?.is_empty() {
        return Ok(());
    }
    let lab = devnode_lab()?;
    let from = lab.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(lab))
        .connect_http(rpc_url.parse()?);
    let call = models::register_call(
        "studio sample model weights",
        "studio-sample 1.0.0",
        "ipfs://studio-sample-model-card",
        from,
    );
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(registry)
        .with_input(call.abi_encode());
    let r = provider.send_transaction(tx).await?.get_receipt().await?;
    if !r.status() {
        bail!("registering the sample model reverted");
    }
    println!("   sample model #1 registered; attester = dev account #1 ({from})");
    Ok(())
}

/// The devnode's dev account #1 (the gateway's and the sample model's lab).
fn devnode_lab() -> Result<PrivateKeySigner> {
    let accounts = stylus_devnode::DevnodeConfig::ephemeral()
        .chain
        .dev_accounts()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(accounts.get(1).context("no dev account #1")?.signer.clone())
}

/// Runs `body` on the chain: `--rpc-url` and its manifest, or the embedded
/// devnode with the suite deployed (and the sample model).
fn with_suite<T>(
    root: &Path,
    args: &ChainArgs,
    key: &keys::KeySource,
    body: impl AsyncFnOnce(&Suite, bool) -> Result<T>,
) -> Result<T> {
    let node = crate::chain::start_node(root, args.rpc_url.as_deref(), args.skip_build)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let out = rt.block_on(async {
        let (rpc_url, path) = crate::chain::suite_manifest(
            root,
            args.rpc_url.as_deref(),
            node.as_ref(),
            args.deployment.as_deref(),
            "target/studio/manifest.json",
            key,
        )
        .await?;
        let m = Manifest::load(&path)?.with_context(|| {
            format!(
                "no deployment manifest at {} (deploy the suite first: cargo ip deploy --rpc-url …, or pass --deployment)",
                path.display()
            )
        })?;
        let registry = address_of(&m, "provenance", &path)?;
        if node.is_some() {
            sample_model(&rpc_url, registry).await?;
        }
        let s = Suite {
            rpc_url,
            chain_id: m.chain_id,
            registry,
            collection: m.contracts.get("collection").map(|c| c.address),
            editions: m.contracts.get("editions").map(|c| c.address),
        };
        body(&s, node.is_some()).await
    });
    if let Some(n) = node {
        n.shutdown().context("stopping the devnode")?;
    }
    out
}

/// The options of `stylus-ip mint`.
#[derive(Debug, Clone)]
pub(crate) struct MintArgs {
    /// The chain.
    pub(crate) chain: ChainArgs,
    /// The minter's key.
    pub(crate) key: keys::KeySource,
    /// The environment variable of the attester's key.
    pub(crate) attester_env: Option<String>,
    /// The library's options.
    pub(crate) opts: MintOptions,
}

/// Runs `stylus-ip mint`.
///
/// # Errors
/// The pipeline's errors (every invalid manifest line, a journal of
/// another run, reverts) and the chain's.
pub(crate) fn mint(root: &Path, args: MintArgs) -> Result<()> {
    with_suite(root, &args.chain, &args.key, async |s, embedded| {
        let minter = keys::load(&args.key, s.chain_id)?;
        let attesters = match &args.attester_env {
            Some(var) => {
                let text = std::env::var(var).with_context(|| {
                    format!("environment variable {var} (the attester's key) is not set")
                })?;
                Attesters::Key(keys::parse_key(&text, &format!("${var}"))?)
            }
            None if s.chain_id == keys::DEVNODE_CHAIN_ID => Attesters::DevAccounts,
            None => bail!(
                "no attester key: pass --key-env VAR (the model's attester) on chain {}",
                s.chain_id
            ),
        };
        let collection = s.collection.context(
            "the deployment has no studio collection instance (collection.enabled = false)",
        )?;
        let mut opts = args.opts.clone();
        opts.verbose = true;
        opts.progress = true;
        if embedded && !opts.dry_run {
            // the embedded chain is new: a journal from an earlier run is for a chain that is gone
            let out = opts
                .out
                .clone()
                .unwrap_or_else(|| studio::mint::default_out(&opts.manifest));
            let j = out.join(studio::journal::FILE_NAME);
            if j.exists() {
                eprintln!(
                    "   (embedded devnode: the earlier run's journal {} is for a chain that is gone; starting anew)",
                    j.display()
                );
                std::fs::remove_file(&j).with_context(|| format!("removing {}", j.display()))?;
            }
        }
        studio::mint(
            &opts,
            &MintTarget {
                rpc_url: s.rpc_url.clone(),
                collection,
                editions: s.editions,
                registry: s.registry,
                minter,
                attesters,
            },
        )
        .await?;
        Ok(())
    })
}

/// Runs `stylus-ip models`.
///
/// # Errors
/// The chain's.
pub(crate) fn models(root: &Path, chain: &ChainArgs) -> Result<()> {
    with_suite(root, chain, &keys::KeySource::DevDefault, async |s, _| {
        let provider = ProviderBuilder::new().connect_http(s.rpc_url.parse()?);
        let all = models::fetch(&provider, s.registry).await?;
        println!(
            "models of the provenance registry {} (chain {}):",
            s.registry, s.chain_id
        );
        print!("{}", models::render_tree(&all));
        Ok(())
    })
}
