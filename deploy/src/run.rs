//! `stylus-ip deploy`: key, endpoint, plan, engine and the closing summary,
//! shared by the CLI and the demo.

use std::path::{Path, PathBuf};

use alloy::network::EthereumWallet;
use alloy::primitives::{Address, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use anyhow::{Context, Result};

use crate::engine::{Engine, StepReport};
use crate::keys::{self, KeySource};
use crate::suite::{self, Artifacts, SuiteAddresses, SuiteConfig};

/// Options of one deployment run.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// JSON-RPC endpoint.
    pub rpc_url: String,
    /// Where the deployer's key comes from.
    pub key: KeySource,
    /// The suite configuration (`deploy.toml`), if any.
    pub config: Option<PathBuf>,
    /// The manifest; default `deployments/<chain id>.json` under the root.
    pub manifest: Option<PathBuf>,
    /// Plan and estimate only.
    pub dry_run: bool,
    /// The Uniswap V2 factory for the vaults' pools, overriding the
    /// configuration's `amm_factory` (the demo passes the one it deployed).
    pub amm_factory: Option<Address>,
    /// The Uniswap V2 router, overriding the configuration's `amm_router`.
    pub amm_router: Option<Address>,
}

impl DeployOptions {
    /// A real run of the default suite on `rpc_url` as `key`, its manifest
    /// at `manifest`: no configuration file, no AMM override.
    #[must_use]
    pub fn new(rpc_url: impl Into<String>, key: KeySource, manifest: PathBuf) -> Self {
        Self {
            rpc_url: rpc_url.into(),
            key,
            config: None,
            manifest: Some(manifest),
            dry_run: false,
            amm_factory: None,
            amm_router: None,
        }
    }
}

/// What a deployment run produced.
#[derive(Debug)]
pub struct Deployed {
    /// The chain id.
    pub chain_id: u64,
    /// The deployer.
    pub deployer: Address,
    /// Where everything is.
    pub addresses: SuiteAddresses,
    /// The manifest written.
    pub manifest: PathBuf,
    /// Every step's report.
    pub reports: Vec<StepReport>,
    /// A provider signing as the deployer.
    pub provider: DynProvider,
}

/// The manifest file: `given` (relative paths from `root`), else
/// `deployments/<chain id>.json` under `root`, or
/// `deployments/<chain id>-<namespace>.json` for a namespaced suite.
#[must_use]
pub fn manifest_path(
    root: &Path,
    given: Option<&Path>,
    chain_id: u64,
    namespace: Option<&str>,
) -> PathBuf {
    let path = given.map_or_else(
        || {
            PathBuf::from(match namespace {
                None => format!("deployments/{chain_id}.json"),
                Some(ns) => format!("deployments/{chain_id}-{ns}.json"),
            })
        },
        Path::to_path_buf,
    );
    root.join(path)
}

/// Connects to `rpc_url` and returns its chain id.
///
/// # Errors
/// When the URL is malformed or the endpoint does not answer.
pub async fn chain_id(rpc_url: &str) -> Result<u64> {
    let url = rpc_url
        .parse()
        .with_context(|| format!("bad --rpc-url {rpc_url:?}"))?;
    ProviderBuilder::new()
        .connect_http(url)
        .get_chain_id()
        .await
        .with_context(|| {
            format!("RPC {rpc_url} unreachable (eth_chainId failed); is the node running?")
        })
}

/// Deploys the suite as configured by default from `root`'s built
/// artifacts to `rpc_url` with `key`, recording into a fresh manifest at
/// `manifest` (an earlier file there describes another chain and is
/// replaced): how a command, test or bench puts the suite on a new devnode.
///
/// # Errors
/// Missing artifacts (run `cargo ip build`), and those of [`deploy`].
pub async fn deploy_fresh(
    root: &Path,
    rpc_url: &str,
    key: KeySource,
    manifest: PathBuf,
) -> Result<Deployed> {
    let _ = std::fs::remove_file(&manifest);
    let artifacts = Artifacts::load(root)?;
    deploy(
        root,
        &DeployOptions::new(rpc_url, key, manifest),
        &artifacts,
    )
    .await
}

/// Deploys (or resumes, or plans) the whole suite.
///
/// # Errors
/// Unreachable RPC, bad key, manifest of another chain or deployer, a
/// failing step (the manifest keeps every finished step).
pub async fn deploy(root: &Path, opts: &DeployOptions, artifacts: &Artifacts) -> Result<Deployed> {
    let chain_id = chain_id(&opts.rpc_url).await?;
    let signer = keys::load(&opts.key, chain_id)?;
    if opts.key == KeySource::DevDefault {
        eprintln!(
            "note: no key given; using the devnode's well-known dev account {} (chain id {chain_id})",
            signer.address()
        );
    }
    let deployer = signer.address();
    let config = match &opts.config {
        Some(p) => SuiteConfig::load(p)?,
        None => {
            let default = root.join("deploy.toml");
            if default.exists() {
                SuiteConfig::load(&default)?
            } else {
                SuiteConfig::default()
            }
        }
    };
    let mut config = config;
    if opts.amm_factory.is_some() {
        config.amm_factory = opts.amm_factory;
    }
    if opts.amm_router.is_some() {
        config.amm_router = opts.amm_router;
    }
    let manifest = manifest_path(
        root,
        opts.manifest.as_deref(),
        chain_id,
        config.namespace.as_deref(),
    );
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(opts.rpc_url.parse().context("bad --rpc-url")?)
        .erased();
    let plan = suite::plan(&config, artifacts, deployer)?;
    eprintln!(
        "{} the suite on chain {chain_id} as {deployer} ({} steps, manifest {})",
        if opts.dry_run {
            "planning"
        } else {
            "deploying"
        },
        plan.engine_steps(),
        manifest.display()
    );
    for (name, n) in plan.fragments.iter().filter(|(_, n)| **n > 0) {
        eprintln!(
            "{name}: over the {}-byte code limit, deployed fragmented: {n} fragments + root (ArbOS 60+)",
            stylus_validate::MAX_CODE_SIZE
        );
    }
    let mut engine =
        Engine::open(provider.clone(), deployer, manifest.clone(), opts.dry_run).await?;
    let result = suite::deploy(&mut engine, &plan, artifacts).await;
    let reports = engine.reports.clone();
    print_summary(&reports, engine.manifest(), opts.dry_run);
    let addresses = result?;
    Ok(Deployed {
        chain_id,
        deployer,
        addresses,
        manifest,
        reports,
        provider,
    })
}

/// Prints the per-step table and totals.
pub fn print_summary(reports: &[StepReport], manifest: &crate::manifest::Manifest, dry_run: bool) {
    if reports.is_empty() {
        return;
    }
    println!();
    println!("{:<52} {:>9} {:>12}", "step", "outcome", "gas");
    let mut total = 0u64;
    for r in reports {
        let gas = r
            .gas_used
            .map_or_else(|| "-".to_string(), |g| g.to_string());
        total = total.saturating_add(r.gas_used.unwrap_or(0));
        println!("{:<52} {:>9} {:>12}", r.id, r.outcome, gas);
    }
    let fees = manifest
        .contracts
        .values()
        .filter_map(|c| c.data_fee)
        .fold(U256::ZERO, U256::saturating_add);
    println!(
        "{} steps, {} gas{}, activation data fees {} ETH (+20% margin, excess refunded)",
        reports.len(),
        total,
        if dry_run {
            " estimated where possible"
        } else {
            ""
        },
        crate::stylus::eth(fees)
    );
    if !dry_run && !manifest.contracts.is_empty() {
        println!();
        println!("{:<16} {:<44} code hash", "contract", "address");
        for (name, c) in &manifest.contracts {
            println!("{name:<16} {:<44} {}", c.address.to_string(), c.code_hash);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::manifest_path;
    use std::path::Path;

    #[test]
    fn manifest_path_defaults_per_chain_and_namespace() {
        let root = Path::new("/r");
        assert_eq!(
            manifest_path(root, None, 412_346, None),
            Path::new("/r/deployments/412346.json")
        );
        assert_eq!(
            manifest_path(root, None, 412_346, Some("staging")),
            Path::new("/r/deployments/412346-staging.json")
        );
        // an explicit path wins, relative to the root
        assert_eq!(
            manifest_path(root, Some(Path::new("m.json")), 1, Some("staging")),
            Path::new("/r/m.json")
        );
    }
}
