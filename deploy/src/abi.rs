//! ABI export: every contract's Solidity interface into `abi/<Name>.sol` and
//! its JSON ABI into `abi/<Name>.json`, with a freshness check for CI.
//!
//! The Solidity text comes from each contract's `<package>-abi` binary
//! (stylus-sdk `export-abi` plus the crate's `sol_decls!` errors and events,
//! see `stylus-ip-common`). The JSON ABI is compiled from that text by solc-js
//! (npm `solc`, installed on demand into `target/npm`).
//!
//! stylus-sdk 0.9's `export-abi` omits functions routed through
//! `#[implements(...)]` trait impls. The suite's rule is that every routed
//! function lives in the contract's inherent `#[public]` impl, so the export
//! is complete by construction; [`check_routing_rule`] enforces the rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::workspace::{contract_crates, ContractCrate};

/// The solc-js version used to compile interfaces to JSON ABIs.
pub const SOLC_VERSION: &str = "0.8.37";

/// Generated files, keyed by their path relative to `abi/`.
pub type AbiFiles = BTreeMap<String, String>;

/// Fails when a contract source routes functions through `#[implements(...)]`,
/// which stylus-sdk 0.9's ABI export would silently leave out.
///
/// # Errors
/// Names each offending file.
pub fn check_routing_rule(crates: &[ContractCrate]) -> Result<()> {
    let mut offenders = Vec::new();
    for c in crates {
        for file in rust_files(&c.dir.join("src"))? {
            let text = std::fs::read_to_string(&file)?;
            if text
                .lines()
                .any(|l| l.trim_start().starts_with("#[implements("))
            {
                offenders.push(file.display().to_string());
            }
        }
    }
    if !offenders.is_empty() {
        bail!(
            "#[implements(...)] routes functions that export-abi leaves out of the ABI; route them through the \
             inherent #[public] impl instead: {}",
            offenders.join(", ")
        );
    }
    Ok(())
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(out)
}

/// The interface name in exported Solidity (`interface IIpCollection` →
/// `IpCollection`).
#[must_use]
pub fn contract_name(solidity: &str) -> Option<String> {
    let rest = solidity.split("interface I").nth(1)?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.env("RUSTUP_AUTO_INSTALL", "0")
        .env_remove("CARGO_TARGET_DIR");
    c
}

/// Builds every contract's ABI binary (native, `export-abi` feature) and
/// returns `(crate, solidity)` pairs.
///
/// # Errors
/// When cargo or a binary fails.
pub fn export_solidity(
    root: &Path,
    crates: &[ContractCrate],
) -> Result<Vec<(ContractCrate, String)>> {
    let mut build = cargo();
    build
        .current_dir(root)
        .args(["build", "--quiet", "--locked", "--bins"]);
    let features: Vec<String> = crates
        .iter()
        .map(|c| format!("{}/export-abi", c.package))
        .collect();
    build.args(["--features", &features.join(",")]);
    for c in crates {
        build.args(["-p", &c.package]);
    }
    let status = build
        .status()
        .context("running cargo build for the ABI exporters")?;
    if !status.success() {
        bail!("building the ABI exporters failed ({status})");
    }
    let mut out = Vec::new();
    for c in crates {
        let bin = root.join("target/debug").join(c.abi_bin());
        let output = Command::new(&bin)
            .output()
            .with_context(|| format!("running {}", bin.display()))?;
        if !output.status.success() {
            bail!(
                "{} failed: {}",
                bin.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let solidity = String::from_utf8(output.stdout)?;
        check_constructor_reflection(&bin, &solidity)
            .with_context(|| format!("{}: cargo-stylus constructor reflection", c.package))?;
        out.push((c.clone(), solidity));
    }
    Ok(out)
}

/// cargo-stylus 0.10 learns a contract's constructor by running its
/// `export-abi` binary with the argument `constructor` and parsing the line
/// with alloy's `Constructor::parse` (no line: no constructor). Checks that
/// the binary answers exactly the interface's `// constructor(...)` line and
/// that the answer parses, so `cargo stylus deploy --constructor-args ...`
/// encodes the arguments the contract decodes.
///
/// # Errors
/// When the binary fails, or its answer differs from the interface or does
/// not parse.
pub fn check_constructor_reflection(bin: &Path, solidity: &str) -> Result<()> {
    let output = Command::new(bin)
        .arg("constructor")
        .output()
        .with_context(|| format!("running {} constructor", bin.display()))?;
    if !output.status.success() {
        bail!(
            "`{} constructor` failed: {}",
            bin.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let got = String::from_utf8(output.stdout)?.trim().to_string();
    let want = solidity
        .lines()
        .find_map(|l| l.strip_prefix("// constructor("))
        .map(|rest| format!("constructor({rest}"))
        .unwrap_or_default();
    if got != want {
        bail!("`constructor` printed {got:?}, the interface declares {want:?}");
    }
    if !got.is_empty() {
        alloy::json_abi::Constructor::parse(&got)
            .map_err(|e| anyhow::anyhow!("{got:?} does not parse as a constructor: {e}"))?;
    }
    Ok(())
}

/// Installs solc-js into `target/npm` unless present (see [`crate::npm`]);
/// returns its `node_modules`.
///
/// # Errors
/// When npm is missing or the install fails.
pub fn ensure_solc(root: &Path) -> Result<PathBuf> {
    crate::npm::ensure(root, &[&format!("solc@{SOLC_VERSION}")])
}

/// Compiles one interface to a JSON ABI with solc-js.
///
/// # Errors
/// When node or solc fails (the message carries solc's diagnostics).
pub fn solidity_to_json(
    root: &Path,
    node_modules: &Path,
    solidity: &str,
    scratch: &Path,
) -> Result<String> {
    std::fs::create_dir_all(scratch)?;
    let input = scratch.join("in.sol");
    let output = scratch.join("out.json");
    std::fs::write(&input, solidity)?;
    let out = Command::new("node")
        .arg(root.join("deploy/js/sol2abi.js"))
        .arg(&input)
        .arg(&output)
        .env("NODE_PATH", node_modules)
        .output()
        .context("running node")?;
    if !out.status.success() {
        bail!(
            "solc rejected the exported interface:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(std::fs::read_to_string(&output)?)
}

/// Generates all ABI files in memory.
///
/// # Errors
/// When any step fails.
pub fn generate(root: &Path) -> Result<AbiFiles> {
    let crates = contract_crates(root)?;
    check_routing_rule(&crates)?;
    let node_modules = ensure_solc(root)?;
    // Per-process scratch space: concurrent runs must not share it.
    let scratch = root.join(format!("target/abi-scratch-{}", std::process::id()));
    let mut files = AbiFiles::new();
    for (krate, solidity) in export_solidity(root, &crates)? {
        let name = contract_name(&solidity)
            .with_context(|| format!("{}: exported text has no interface", krate.package))?;
        let json = solidity_to_json(root, &node_modules, &solidity, &scratch)
            .with_context(|| format!("{} ({name})", krate.package))?;
        files.insert(format!("{name}.sol"), solidity);
        files.insert(format!("{name}.json"), json);
    }
    std::fs::remove_dir_all(&scratch)?;
    Ok(files)
}

/// Writes `files` into `abi/`, removing generated files that no longer exist.
///
/// # Errors
/// On I/O errors.
pub fn write(root: &Path, files: &AbiFiles) -> Result<()> {
    let dir = root.join("abi");
    std::fs::create_dir_all(&dir)?;
    for stale in stale_files(root, files)? {
        if !files.contains_key(&stale) {
            std::fs::remove_file(dir.join(&stale))?;
        }
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// Names of files in `abi/` that differ from `files`, are missing, or are
/// extra `.sol`/`.json` files.
///
/// # Errors
/// On I/O errors.
pub fn stale_files(root: &Path, files: &AbiFiles) -> Result<Vec<String>> {
    let dir = root.join("abi");
    let mut stale = Vec::new();
    for (name, text) in files {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    if dir.is_dir() {
        for entry in std::fs::read_dir(&dir)? {
            let name = entry?.file_name().to_string_lossy().to_string();
            let generated = name.ends_with(".sol") || name.ends_with(".json");
            if generated && !files.contains_key(&name) {
                stale.push(name);
            }
        }
    }
    stale.sort();
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_name_from_interface() {
        assert_eq!(
            contract_name("pragma x;\ninterface IIpCollection  {\n}").as_deref(),
            Some("IpCollection")
        );
        assert_eq!(contract_name("contract X {}"), None);
    }

    #[test]
    fn routing_rule_flags_implements() {
        let dir = std::env::temp_dir().join(format!("stylus-ip-abi-test-{}", std::process::id()));
        let src = dir.join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("lib.rs"), "#[public]\nimpl X {}\n").unwrap();
        let krate = ContractCrate {
            package: "x".into(),
            dir: dir.clone(),
        };
        check_routing_rule(std::slice::from_ref(&krate)).unwrap();
        std::fs::write(
            src.join("lib.rs"),
            "#[public]\n#[implements(IErc721)]\nimpl X {}\n",
        )
        .unwrap();
        let err = check_routing_rule(&[krate]).unwrap_err().to_string();
        assert!(err.contains("lib.rs"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn stale_detection_reports_changed_missing_and_extra() {
        let root = std::env::temp_dir().join(format!("stylus-ip-abi-stale-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("abi")).unwrap();
        std::fs::write(root.join("abi/A.sol"), "old").unwrap();
        std::fs::write(root.join("abi/Gone.json"), "[]").unwrap();
        std::fs::write(root.join("abi/README.md"), "kept").unwrap();
        let mut files = AbiFiles::new();
        files.insert("A.sol".into(), "new".into());
        files.insert("B.json".into(), "[]".into());
        assert_eq!(
            stale_files(&root, &files).unwrap(),
            ["A.sol", "B.json", "Gone.json"]
        );
        write(&root, &files).unwrap();
        assert!(stale_files(&root, &files).unwrap().is_empty());
        assert!(root.join("abi/README.md").exists());
        std::fs::remove_dir_all(root).unwrap();
    }
}
