//! The Solidity side: installs solc-js and OpenZeppelin into the git-ignored
//! `target/npm` ([`stylus_ip_deploy::npm`]), compiles `bench/sol/*.sol`, and
//! loads the artefacts.

use std::path::{Path, PathBuf};
use std::process::Command;

use alloy::primitives::Bytes;
use anyhow::{bail, Context, Result};

/// OpenZeppelin Contracts, the npm package the baselines import.
pub const OPENZEPPELIN: &str = "@openzeppelin/contracts@5.7.0";

/// A compiled baseline contract.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Creation bytecode.
    pub bytecode: Bytes,
    /// Runtime bytecode size in bytes.
    pub runtime_len: usize,
}

/// Installs the npm packages into the repository's `target/npm` (the deploy
/// crate's installer, idempotent) and compiles the baselines into
/// `<bench>/.sol-build/out`.
///
/// # Errors
/// When npm, node or solc fail.
pub fn compile(bench_dir: &Path) -> Result<PathBuf> {
    // The compiler is the one the ABI export checks `abi/*.sol` with.
    let solc = format!("solc@{}", stylus_ip_deploy::abi::SOLC_VERSION);
    let modules = stylus_ip_deploy::npm::ensure(&bench_dir.join(".."), &[&solc, OPENZEPPELIN])?;
    let build = bench_dir.join(".sol-build");
    let out = build.join("out");
    let status = Command::new("node")
        .arg(bench_dir.join("js/compile.js"))
        .arg(&out)
        .env("NODE_PATH", &modules)
        .status()
        .context("running node")?;
    if !status.success() {
        bail!("compiling the Solidity baselines failed");
    }
    Ok(out)
}

/// Loads `<out>/<name>.json`.
///
/// # Errors
/// When the file is missing or malformed.
pub fn load(out: &Path, name: &str) -> Result<Artifact> {
    let path = out.join(format!("{name}.json"));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
    )?;
    let hex = |key: &str| -> Result<Bytes> {
        let s = json[key]
            .as_str()
            .with_context(|| format!("{}: no {key}", path.display()))?;
        Ok(s.parse()?)
    };
    Ok(Artifact {
        bytecode: hex("bytecode")?,
        runtime_len: hex("deployedBytecode")?.len(),
    })
}
