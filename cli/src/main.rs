//! `stylus-ip` (`cargo ip <command>`): the command line of the stylus-ip
//! suite. A thin binary: building, ABI export, deployment, status,
//! provenance and the demo story live in the `stylus_ip_deploy` library,
//! the licence-gated model access in `stylus_ip_gateway`; this crate parses
//! the command line and calls them (`gateway`: `stylus-ip gateway` and the
//! demo's gateway steps).

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};
use stylus_ip_deploy::{abi, build, demo, keys, run as deploy_run, suite, workspace};

mod chain;
mod gateway;
mod studio;

#[derive(Parser, Debug)]
#[command(
    name = "stylus-ip",
    version,
    about = "Build, export and deploy the stylus-ip Stylus contract suite"
)]
struct Cli {
    /// Repository root (default: found from the current directory).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

// Parsed once per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Cmd {
    /// Compile every contract to WASM, gate it (Nitro rules; above 24,576 bytes of code a program is fragmented, up to 4 fragments) and print the size table.
    Build {
        /// Only these contract packages.
        contracts: Vec<String>,
    },
    /// Run the embedded Stylus devnode as a JSON-RPC server until Ctrl-C.
    Devnode {
        /// Port to listen on (127.0.0.1).
        #[arg(long, default_value_t = 8547)]
        port: u16,
        /// Load state from this file at start and write it back on shutdown.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Deploy (or resume) the whole suite: programs, activation, constructors, factories, instances, wiring; writes a manifest.
    Deploy {
        #[command(flatten)]
        target: Target,
        /// Suite configuration (default: deploy.toml at the root if present, else built-in defaults).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Manifest to write and resume from (default: deployments/<chain id>.json,
        /// or deployments/<chain id>-<namespace>.json for a namespaced config).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Print the plan (fragments of large programs included) with gas and data-fee estimates; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Use the WASM already in target/wasm instead of building first.
        #[arg(long)]
        skip_build: bool,
        /// After deploying, bid this many wei (decimal or 0x hex) in the chain's CacheManager
        /// for every Stylus program of the suite not yet cached (skipped when already cached).
        #[arg(long, value_name = "WEI", value_parser = stylus_ip_deploy::cache::parse_wei)]
        cache_bid: Option<alloy::primitives::U256>,
    },
    /// The main job: build, deploy the suite on the embedded devnode (or --rpc-url) and play the demo story.
    Demo {
        /// Run against this node instead of starting the embedded devnode.
        #[arg(long)]
        rpc_url: Option<String>,
        #[command(flatten)]
        key: KeyArgs,
        /// Manifest (default: a fresh one in target/demo/ on the embedded devnode, deployments/<chain id>.json elsewhere).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Use the WASM already in target/wasm instead of building first.
        #[arg(long)]
        skip_build: bool,
    },
    /// Serve the model to current licensees only: the licence-gated gateway on a deployed suite
    /// (--rpc-url and its manifest), or on the embedded devnode with the suite deployed.
    Gateway {
        /// The chain (default: start the embedded devnode and deploy the suite on it).
        #[arg(long)]
        rpc_url: Option<String>,
        /// Deployment manifest (default: deployments/<chain id>.json with --rpc-url,
        /// a fresh target/gateway/manifest.json on the embedded devnode).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Gateway configuration (see gateway/gateway.example.toml; default: derived from
        /// the manifest: one route `generate`, licensed or ERC-4907 user, 100 requests/day).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Listen address (default: the configuration's, 127.0.0.1:8787).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Environment variable holding the lab's attester key (default: the configuration's
        /// `lab_key_env`, GATEWAY_LAB_KEY; on the embedded devnode, unset: dev account #1).
        #[arg(long)]
        lab_key_env: Option<String>,
        /// The model's id in the provenance registry (derived configuration).
        #[arg(long, default_value_t = alloy::primitives::U256::from(1u64))]
        model_id: alloy::primitives::U256,
        /// Use the WASM already in target/wasm instead of building first (embedded devnode).
        #[arg(long)]
        skip_build: bool,
    },
    /// Report each deployed program's activation state, version and time to expiry from a manifest.
    Status {
        /// JSON-RPC endpoint.
        #[arg(long, default_value = "http://127.0.0.1:8547")]
        rpc_url: String,
        /// Deployment manifest (default: deployments/<chain id>.json, or
        /// deployments/<chain id>-<namespace>.json with --namespace).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// The suite's deployment namespace (deploy.toml `namespace`).
        #[arg(long)]
        namespace: Option<String>,
        /// Send ArbWasm.codehashKeepalive for programs expiring within --below-days.
        #[arg(long)]
        keepalive: bool,
        /// Keepalive threshold in days.
        #[arg(long, default_value_t = 30)]
        below_days: u64,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Provenance records off-chain: hash a generation's inputs, sign a record as the model's attester.
    Provenance {
        #[command(subcommand)]
        cmd: stylus_ip_deploy::provenance::ProvenanceCmd,
    },
    /// Studio batch mint: validate a JSON Lines manifest, write the IPFS-ready output folder,
    /// then mint the tokens (ERC-721; ERC-1155 editions for lines with `supply`) and record their
    /// attested provenance in gas-sized batches (resumable from <out>/journal.jsonl).
    Mint {
        /// The studio manifest (JSON Lines, see examples/studio/README.md).
        #[arg(long)]
        manifest: PathBuf,
        /// Output folder (default: <manifest folder>/<manifest stem>.out).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        chain: StudioChain,
        #[command(flatten)]
        key: KeyArgs,
        /// Environment variable holding the model attester's hex key (default on a devnode:
        /// the dev account registered as each model's attester).
        #[arg(long, value_name = "VAR")]
        key_env: Option<String>,
        /// The tokens' recipient (default: the minter).
        #[arg(long)]
        to: Option<alloy::primitives::Address>,
        /// Print the batch plan with gas and fee estimates; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Assets per batch (default: sized from the block gas limit and eth_estimateGas).
        #[arg(long)]
        batch_size: Option<usize>,
    },
    /// Print the provenance registry's models as version trees (parent links, retired marked).
    Models {
        #[command(flatten)]
        chain: StudioChain,
    },
    /// Export Solidity interfaces and JSON ABIs into abi/.
    Abi {
        /// Fail (without writing) when abi/ differs from what the sources export.
        #[arg(long)]
        check: bool,
    },
}

/// Endpoint and key of a deployment.
#[derive(clap::Args, Debug)]
struct Target {
    /// JSON-RPC endpoint of the chain.
    #[arg(long, default_value = "http://127.0.0.1:8547")]
    rpc_url: String,
    #[command(flatten)]
    key: KeyArgs,
}

/// The chain of a studio command.
#[derive(clap::Args, Debug)]
struct StudioChain {
    /// The chain (default: start the embedded devnode, deploy the suite and register a sample model).
    #[arg(long)]
    rpc_url: Option<String>,
    /// Deployment manifest (default: deployments/<chain id>.json with --rpc-url).
    #[arg(long)]
    deployment: Option<PathBuf>,
    /// Use the WASM already in target/wasm instead of building first (embedded devnode).
    #[arg(long)]
    skip_build: bool,
}

impl StudioChain {
    fn args(self) -> studio::ChainArgs {
        studio::ChainArgs {
            rpc_url: self.rpc_url,
            deployment: self.deployment,
            skip_build: self.skip_build,
        }
    }
}

/// Where the deployer's key comes from (none: the devnode dev key, on a devnode only).
#[derive(clap::Args, Debug)]
struct KeyArgs {
    /// Environment variable holding the hex private key.
    #[arg(long, conflicts_with = "keystore")]
    private_key_env: Option<String>,
    /// Encrypted JSON keystore file.
    #[arg(long)]
    keystore: Option<PathBuf>,
    /// Environment variable holding the keystore password.
    #[arg(long, default_value = "STYLUS_IP_KEYSTORE_PASSWORD")]
    password_env: String,
}

impl KeyArgs {
    fn source(&self) -> keys::KeySource {
        match (&self.private_key_env, &self.keystore) {
            (Some(var), _) => keys::KeySource::Env(var.clone()),
            (None, Some(path)) => keys::KeySource::Keystore {
                path: path.clone(),
                password_env: self.password_env.clone(),
            },
            (None, None) => keys::KeySource::DevDefault,
        }
    }
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole context chain on one line, without the
            // backtrace anyhow would add when RUST_BACKTRACE is set.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let start = match cli.root {
        Some(r) => r,
        None => std::env::current_dir()?,
    };
    // `provenance` works anywhere; everything else needs the checkout.
    if let Cmd::Provenance { cmd } = &cli.command {
        return stylus_ip_deploy::provenance::run(cmd);
    }
    let root = workspace::find_root(&start)?;
    match cli.command {
        Cmd::Build { contracts } => {
            build::build_all(&root, &contracts)?;
        }
        Cmd::Devnode { port, state } => {
            let config = stylus_devnode::DevnodeConfig {
                port,
                state_file: state,
                ..Default::default()
            };
            let node = stylus_devnode::Devnode::spawn(config)?;
            println!(
                "stylus devnode listening on {} (chain id 412346)",
                node.url()
            );
            for (i, a) in node.dev_accounts().iter().enumerate() {
                println!("({i}) {}  key {}", a.address, a.private_key_hex());
            }
            println!("Ctrl-C to stop");
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(tokio::signal::ctrl_c())?;
            node.shutdown()?;
            println!("devnode stopped");
        }
        Cmd::Deploy {
            target,
            config,
            manifest,
            dry_run,
            skip_build,
            cache_bid,
        } => {
            if !skip_build {
                build::build_all(&root, &[])?;
            }
            let artifacts = suite::Artifacts::load(&root)?;
            let opts = deploy_run::DeployOptions {
                rpc_url: target.rpc_url,
                key: target.key.source(),
                config,
                manifest,
                dry_run,
                amm_factory: None,
                amm_router: None,
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let deployed = rt.block_on(deploy_run::deploy(&root, &opts, &artifacts))?;
            if !dry_run {
                println!("manifest: {}", deployed.manifest.display());
            }
            if let Some(bid) = cache_bid {
                if dry_run {
                    println!("dry run: no cache bids placed");
                } else {
                    let reports =
                        rt.block_on(stylus_ip_deploy::cache::cache_deployed(&deployed, bid))?;
                    stylus_ip_deploy::cache::print_reports(&reports);
                }
            }
        }
        Cmd::Demo {
            rpc_url,
            key,
            manifest,
            skip_build,
        } => {
            let opts = demo::DemoOptions {
                rpc_url,
                key: key.source(),
                skip_build,
                manifest,
            };
            demo::run_with(&root, &opts, &mut gateway::GatewayHooks::default())?;
        }
        Cmd::Gateway {
            rpc_url,
            manifest,
            config,
            listen,
            lab_key_env,
            model_id,
            skip_build,
        } => gateway::run(
            &root,
            &gateway::GatewayOptions {
                rpc_url,
                manifest,
                config,
                listen,
                lab_key_env,
                model_id,
                skip_build,
            },
        )?,
        Cmd::Status {
            rpc_url,
            manifest,
            namespace,
            keepalive,
            below_days,
            key,
        } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let chain_id = deploy_run::chain_id(&rpc_url).await?;
                let path = deploy_run::manifest_path(
                    &root,
                    manifest.as_deref(),
                    chain_id,
                    namespace.as_deref(),
                );
                let m = stylus_ip_deploy::manifest::Manifest::load(&path)?
                    .ok_or_else(|| anyhow::anyhow!("no manifest at {}", path.display()))?;
                stylus_ip_deploy::status::print(&rpc_url, &m).await?;
                if keepalive {
                    let signer = keys::load(&key.source(), chain_id)?;
                    let from = signer.address();
                    let provider = alloy::providers::ProviderBuilder::new()
                        .wallet(alloy::network::EthereumWallet::from(signer))
                        .connect_http(rpc_url.parse()?);
                    let done = stylus_ip_deploy::status::keepalive(&provider, from, &m, below_days)
                        .await?;
                    let sent = done.iter().filter(|k| k.paid.is_some()).count();
                    println!(
                        "keepalive: {sent} program(s) extended, {} fine",
                        done.len() - sent
                    );
                }
                anyhow::Ok(())
            })?;
        }
        Cmd::Mint {
            manifest,
            out,
            chain,
            key,
            key_env,
            to,
            dry_run,
            batch_size,
        } => {
            let mut opts = stylus_ip_deploy::studio::MintOptions::new(manifest);
            opts.out = out;
            opts.recipient = to;
            opts.dry_run = dry_run;
            opts.batch_size = batch_size;
            studio::mint(
                &root,
                studio::MintArgs {
                    chain: chain.args(),
                    key: key.source(),
                    attester_env: key_env,
                    opts,
                },
            )?;
        }
        Cmd::Models { chain } => studio::models(&root, &chain.args())?,
        Cmd::Provenance { .. } => unreachable!("handled before the root lookup"),
        Cmd::Abi { check } => {
            let files = abi::generate(&root)?;
            if check {
                let stale = abi::stale_files(&root, &files)?;
                if !stale.is_empty() {
                    bail!(
                        "abi/ is stale ({}); run `cargo ip abi` and commit",
                        stale.join(", ")
                    );
                }
                println!("abi/ is fresh ({} files)", files.len());
            } else {
                abi::write(&root, &files)?;
                println!("wrote {} files into abi/", files.len());
            }
        }
    }
    Ok(())
}
