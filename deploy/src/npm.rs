//! The one npm installer of the repository: every tool that needs
//! JavaScript packages (solc-js for `cargo ip abi` and the test contracts,
//! the Uniswap V2 artefacts, the wallet libraries of the signature tests,
//! the bench's OpenZeppelin baselines) asks [`ensure`] for exact
//! `name@version` packages, which are installed on demand into the
//! git-ignored `target/npm` and reused while their installed version matches.
//!
//! Installs are serialised across processes by a lock file, so concurrent
//! test binaries or CLI runs never run two `npm install`s into the same
//! folder. Packages' install scripts are not run (none of the packages we use
//! needs one).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The install folder, relative to the repository root.
pub const PREFIX: &str = "target/npm";

/// The install folder of the checkout at `root` (`<root>/target/npm`).
#[must_use]
pub fn prefix(root: &Path) -> PathBuf {
    root.join(PREFIX)
}

/// Splits a `name@version` spec (scoped names such as
/// `@uniswap/v2-core@1.0.1` included) into its name and version.
///
/// # Errors
/// When the spec has no version, or the version is not exact (a range, a tag
/// or a wildcard): installs must be reproducible.
pub fn split_spec(spec: &str) -> Result<(&str, &str)> {
    let at = spec
        .char_indices()
        .skip(1)
        .filter(|&(_, c)| c == '@')
        .map(|(i, _)| i)
        .last()
        .with_context(|| format!("npm package `{spec}` has no version (want name@version)"))?;
    let (name, version) = (&spec[..at], &spec[at + 1..]);
    let exact = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
        && !version.contains(".x");
    if name.is_empty() || !exact {
        bail!("npm package `{spec}`: want name@<exact version>, e.g. solc@0.8.37");
    }
    Ok((name, version))
}

/// The version of package `name` installed in `node_modules`, read from its
/// `package.json`; `None` when it is absent or unreadable.
#[must_use]
pub fn installed_version(node_modules: &Path, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(node_modules.join(name).join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["version"].as_str().map(str::to_string)
}

/// The specs of `packages` whose installed version differs from the wanted one.
fn missing<'a>(node_modules: &Path, packages: &[&'a str]) -> Result<Vec<&'a str>> {
    let mut out = Vec::new();
    for spec in packages {
        let (name, version) = split_spec(spec)?;
        if installed_version(node_modules, name).as_deref() != Some(version) {
            out.push(*spec);
        }
    }
    Ok(out)
}

/// Installs every `name@version` of `packages` that is not installed at that
/// exact version into `<root>/target/npm`, and returns its `node_modules`
/// (for `NODE_PATH`, or to read artefacts from). Already-installed packages
/// cost one `package.json` read each; npm is only run for the others.
///
/// # Errors
/// When a spec is not `name@<exact version>`, npm is missing, the install
/// fails (npm's output is in the message), or npm installed another version.
pub fn ensure(root: &Path, packages: &[&str]) -> Result<PathBuf> {
    let prefix = prefix(root);
    let modules = prefix.join("node_modules");
    if missing(&modules, packages)?.is_empty() {
        return Ok(modules);
    }
    std::fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    let lock_path = prefix.join(".install.lock");
    let lock = File::create(&lock_path)
        .with_context(|| format!("creating the npm lock file {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("locking {}", lock_path.display()))?;
    // Another process may have installed them while this one waited.
    let todo = missing(&modules, packages)?;
    if !todo.is_empty() {
        crate::toolchain::node_and_npm()?;
        install(&prefix, &todo)?;
        let still = missing(&modules, &todo)?;
        if !still.is_empty() {
            bail!(
                "npm install into {} left these packages missing or at another version: {}",
                prefix.display(),
                still.join(" ")
            );
        }
    }
    drop(lock);
    Ok(modules)
}

/// Runs `npm install` of `specs` into `prefix`.
fn install(prefix: &Path, specs: &[&str]) -> Result<()> {
    eprintln!(
        "npm: installing {} into {}",
        specs.join(" "),
        prefix.display()
    );
    let output = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-update-notifier",
            "--ignore-scripts",
            "--save-exact",
            "--prefix",
        ])
        .arg(prefix)
        .args(specs)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "npm not found on PATH: install Node.js and npm (needed for {})",
                specs.join(" ")
            )
        }
        Err(e) => return Err(e).context("running npm"),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "npm install {} failed ({}):\n{}",
            specs.join(" "),
            output.status,
            tail.join("\n")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_split_at_the_version_separator() {
        assert_eq!(split_spec("solc@0.8.37").unwrap(), ("solc", "0.8.37"));
        assert_eq!(
            split_spec("@uniswap/v2-periphery@1.1.0-beta.0").unwrap(),
            ("@uniswap/v2-periphery", "1.1.0-beta.0")
        );
        for bad in [
            "solc",
            "@uniswap/v2-core",
            "solc@^0.8.0",
            "solc@latest",
            "solc@0.8.x",
            "@1.0.0",
        ] {
            assert!(split_spec(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn installed_packages_are_not_reinstalled() {
        let root = std::env::temp_dir().join(format!("stylus-ip-npm-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let pkg = prefix(&root).join("node_modules/@scope/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(
            pkg.join("package.json"),
            r#"{"name":"@scope/pkg","version":"1.2.3"}"#,
        )
        .unwrap();
        let modules = prefix(&root).join("node_modules");
        assert_eq!(
            installed_version(&modules, "@scope/pkg").as_deref(),
            Some("1.2.3")
        );
        assert_eq!(
            missing(&modules, &["@scope/pkg@1.2.3"]).unwrap(),
            Vec::<&str>::new()
        );
        assert_eq!(
            missing(&modules, &["@scope/pkg@1.2.4"]).unwrap(),
            ["@scope/pkg@1.2.4"]
        );
        // Everything present: no npm run (`@scope/pkg` is on no registry, an
        // install would fail).
        assert_eq!(ensure(&root, &["@scope/pkg@1.2.3"]).unwrap(), modules);
        std::fs::remove_dir_all(root).unwrap();
    }
}
