//! Where things are: the repository root and its contract crates.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// A deployable contract crate (a `contracts/<dir>` with a `Stylus.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractCrate {
    /// Cargo package name, e.g. `ip-collection`.
    pub package: String,
    /// Directory of the crate.
    pub dir: PathBuf,
}

impl ContractCrate {
    /// The library's file stem as rustc names it (`ip_collection`).
    #[must_use]
    pub fn lib_name(&self) -> String {
        self.package.replace('-', "_")
    }

    /// The ABI-export binary (`<package>-abi`).
    #[must_use]
    pub fn abi_bin(&self) -> String {
        format!("{}-abi", self.package)
    }
}

/// Finds the repository root: `start` or its nearest ancestor holding both a
/// `contracts/` directory and a `Cargo.toml`.
///
/// # Errors
/// When no ancestor qualifies.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let mut dir = start
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", start.display()))?;
    loop {
        if dir.join("contracts").is_dir()
            && dir.join("Cargo.toml").is_file()
            && dir.join("devnode").is_dir()
        {
            return Ok(dir);
        }
        if !dir.pop() {
            bail!("no stylus-ip checkout (a directory with contracts/, devnode/ and Cargo.toml) at or above {}", start.display());
        }
    }
}

/// Reads `name = "..."` from the `[package]` table of a Cargo.toml.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if in_package {
            if let Some(rest) = line.strip_prefix("name") {
                let value = rest.trim_start().strip_prefix('=')?.trim();
                return Some(value.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// Lists the contract crates under `root/contracts`, sorted by package name.
/// A crate is a contract when it has a `Stylus.toml` (cargo-stylus' marker).
///
/// # Errors
/// On unreadable directories or manifests without a package name.
pub fn contract_crates(root: &Path) -> Result<Vec<ContractCrate>> {
    let mut out = Vec::new();
    let dir = root.join("contracts");
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if !path.join("Stylus.toml").is_file() {
            continue;
        }
        let manifest_path = path.join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("reading {}", manifest_path.display()))?;
        let package = package_name(&manifest)
            .with_context(|| format!("{} has no [package] name", manifest_path.display()))?;
        out.push(ContractCrate { package, dir: path });
    }
    out.sort_by(|a, b| a.package.cmp(&b.package));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_name_only_from_package_table() {
        let m = "[workspace]\nname = \"no\"\n[package]\nversion = \"1\"\nname = \"ip-x\"\n[lib]\nname = \"other\"\n";
        assert_eq!(package_name(m).as_deref(), Some("ip-x"));
        assert_eq!(package_name("[lib]\nname = \"x\"\n"), None);
    }

    /// cargo-stylus 0.10 stops with "missing Stylus.toml" unless the Cargo
    /// workspace root has one with `[workspace.networks]` (each network an
    /// `endpoint` string), and it treats a crate as a contract only when the
    /// crate has its own `Stylus.toml`; both are read as TOML.
    #[test]
    fn stylus_manifests_have_the_shape_cargo_stylus_reads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join("Stylus.toml")).expect("root Stylus.toml");
        let manifest: toml::Table = toml::from_str(&text).expect("root Stylus.toml parses");
        let networks = manifest["workspace"]["networks"]
            .as_table()
            .expect("[workspace.networks] table");
        assert!(networks.contains_key("devnode"));
        for (name, net) in networks {
            let endpoint = net["endpoint"].as_str().unwrap_or_default();
            assert!(
                endpoint.starts_with("http"),
                "{name}: endpoint {endpoint:?}"
            );
        }
        let crates = contract_crates(&root).expect("contracts");
        assert!(!crates.is_empty());
        for c in crates {
            let text = std::fs::read_to_string(c.dir.join("Stylus.toml")).expect("read");
            let m: toml::Table = toml::from_str(&text).expect("contract Stylus.toml parses");
            assert!(
                m.contains_key("contract"),
                "{}: [contract] table",
                c.package
            );
        }
    }

    #[test]
    fn finds_this_checkout_and_its_contracts() {
        let root = find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(root.join("rust-toolchain.toml").is_file());
        let crates = contract_crates(&root).unwrap();
        assert!(crates.iter().any(|c| c.package == "ip-collection"));
        // `common` is a library, not a contract: it has no Stylus.toml.
        assert!(crates.iter().all(|c| c.package != "stylus-ip-common"));
        let c = &crates[0];
        assert_eq!(c.abi_bin(), format!("{}-abi", c.package));
        assert!(!c.lib_name().contains('-'));
    }
}
