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
    /// Export Solidity interfaces and JSON ABIs into abi/.
    Abi {
        /// Fail (without writing) when abi/ differs from what the sources export.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let start = match cli.root {
        Some(r) => r,
        None => std::env::current_dir()?,
    };
    let root = workspace::find_root(&start)?;
    match cli.command {
        Cmd::Build { contracts } => {
            build::build_all(&root, &contracts)?;
        }
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
