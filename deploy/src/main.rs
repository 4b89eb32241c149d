//! `stylus-ip`: build, export and deploy the stylus-ip contract suite.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};
use stylus_ip_deploy::{abi, build, workspace};

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

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Compile every contract to WASM, gate it (Nitro rules, 24,576-byte code limit) and print the size table.
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
    /// Report each deployed program's activation state, version and time to expiry from a manifest.
    Status {
        /// JSON-RPC endpoint.
        #[arg(long, default_value = "http://127.0.0.1:8547")]
        rpc_url: String,
        /// Deployment manifest.
        #[arg(long, default_value = "deployments/manifest.json")]
        manifest: PathBuf,
    },
    /// Provenance records off-chain: hash a generation's inputs, sign a record as the model's attester.
    Provenance {
        #[command(subcommand)]
        cmd: stylus_ip_deploy::provenance::ProvenanceCmd,
    },
    /// Export Solidity interfaces and JSON ABIs into abi/.
    Abi {
        /// Fail (without writing) when abi/ differs from what the sources export.
        #[arg(long)]
        check: bool,
    },
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
        Cmd::Status { rpc_url, manifest } => {
            let path = if manifest.is_absolute() {
                manifest
            } else {
                root.join(manifest)
            };
            let m = stylus_ip_deploy::manifest::Manifest::load(&path)?
                .ok_or_else(|| anyhow::anyhow!("no manifest at {}", path.display()))?;
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(stylus_ip_deploy::status::print(&rpc_url, &m))?;
        }
        Cmd::Provenance { cmd } => stylus_ip_deploy::provenance::run(&cmd)?,
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
