//! Which compiler builds the contracts' WASM, and getting it onto a fresh
//! machine without ever downloading a toolchain.
//!
//! 1. rustup's toolchain pinned in `rust-toolchain.toml`, when its
//!    `wasm32-unknown-unknown` target is already installed;
//! 2. otherwise Debian's `rustc-web` (with `-Zbuild-std` and `wasm-ld-19`).
//!    Its packages are installed with apt when missing **or older than the
//!    workspace's `rust-version`**, always after `apt-get update`: a fresh
//!    Debian 12 image's package lists offer bookworm's rustc-web 1.85, and
//!    only refreshed lists reach bookworm-security's newer one.
//!
//! Every build also runs `wasm-opt` (Debian's `binaryen`, installed the
//! same way when missing: [`wasm_opt`]).
//!
//! The decision is the pure [`plan`] (installed version, required version,
//! root or not), unit-tested; [`select`] runs it against the machine.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Serialize;

/// The target every contract is built for.
pub const TARGET: &str = "wasm32-unknown-unknown";
/// Debian's packages for the WASM build.
pub const DEBIAN_PACKAGES: [&str; 4] = ["rustc-web", "cargo-web", "rust-web-src", "lld-19"];
/// Debian's rustc-web compiler.
pub const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

/// Which compiler builds the WASM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Toolchain {
    /// rustup's pinned toolchain with its installed wasm32 target.
    Rustup,
    /// Debian's rustc-web with build-std.
    Debian,
}

/// A rustc version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch (0 when not given, as cargo reads `rust-version = "1.95"`).
    pub patch: u64,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Version {
    /// Parses `1.95`, `1.95.0` or `1.96.0-beta.1` (the pre-release tag is
    /// ignored).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let core = s.trim().split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            major,
            minor,
            patch,
        })
    }

    /// The version in `rustc --version` output, e.g. `rustc 1.96.0 (ac68faa20
    /// 2026-05-25) (built from a source tarball)`.
    #[must_use]
    pub fn from_rustc_output(out: &str) -> Option<Self> {
        let mut words = out.split_whitespace();
        (words.next()? == "rustc").then_some(())?;
        Self::parse(words.next()?)
    }
}

/// The workspace's `rust-version` (`[workspace.package]` of the root
/// `Cargo.toml`).
///
/// # Errors
/// When the manifest cannot be read or has no parseable `rust-version`.
pub fn required_version(root: &Path) -> Result<Version> {
    let path = root.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("rust-version"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .find_map(|v| Version::parse(v.trim().trim_matches('"')))
        .with_context(|| format!("no rust-version in {}", path.display()))
}

/// What the machine's Debian toolchain looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebianState {
    /// `/usr/bin/rustc`'s version, if it runs.
    pub rustc: Option<Version>,
    /// Whether cargo-web, rust-web-src and wasm-ld-19 are all there too.
    pub complete: bool,
}

/// What to do about the Debian toolchain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// It is complete and new enough: build.
    Use,
    /// Run `apt-get update`, then install (or upgrade) the packages.
    Install {
        /// Why: what is missing or too old.
        why: String,
    },
    /// It cannot be fixed from here: fail with this message, which names the fix.
    Fail(String),
}

/// Decides what to do about the Debian toolchain: use it, install or
/// upgrade it (root only), or fail with a message that names the fix.
#[must_use]
pub fn plan(state: DebianState, required: Version, root: bool) -> Action {
    let why = match state.rustc {
        Some(v) if v < required => format!(
            "Debian's rustc {v} is older than the workspace's rust-version {required}"
        ),
        Some(_) if state.complete => return Action::Use,
        Some(_) => "Debian's WASM toolchain is incomplete".to_string(),
        None => "no wasm32 toolchain: rustup's target is not installed and Debian's rustc-web is missing".to_string(),
    };
    if root {
        Action::Install { why }
    } else {
        Action::Fail(format!(
            "{why}. Fix: sudo apt-get update && sudo apt-get install -y {} \
             (or run as root, and the build does it), or `rustup target add {TARGET}`",
            DEBIAN_PACKAGES.join(" ")
        ))
    }
}

fn installed_rustup_wasm_target(root: &Path) -> bool {
    Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root)
        .env("RUSTUP_AUTO_INSTALL", "0")
        .output()
        .map(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == TARGET)
        })
        .unwrap_or(false)
}

fn debian_state() -> DebianState {
    let rustc = Command::new(DEBIAN_RUSTC)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| Version::from_rustc_output(&String::from_utf8_lossy(&o.stdout)));
    let complete = Path::new("/usr/bin/cargo").is_file()
        && Path::new("/usr/lib/rustlib/src/rust/library").is_dir()
        && Command::new("wasm-ld-19")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    DebianState { rustc, complete }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `apt-get update`, then `apt-get install` of `packages` (which also
/// upgrades installed ones to the refreshed lists' candidates).
fn apt_install(packages: &[&str]) -> Result<()> {
    let updated = Command::new("apt-get")
        .args(["update", "-qq"])
        .status()
        .context("running apt-get update")?;
    if !updated.success() {
        bail!("apt-get update failed ({updated}); check the machine's apt sources and network");
    }
    let installed = Command::new("apt-get")
        .args(["install", "-y", "-qq"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("running apt-get install")?;
    if !installed.success() {
        bail!(
            "apt-get install -y {} failed ({installed})",
            packages.join(" ")
        );
    }
    Ok(())
}

/// Picks the toolchain, installing or upgrading Debian's packages if needed
/// and allowed.
///
/// # Errors
/// When neither toolchain is usable and apt cannot fix it (not root, apt
/// failing, or apt's newest rustc-web still older than the workspace needs);
/// every message names the fix.
pub fn select(root: &Path) -> Result<Toolchain> {
    if installed_rustup_wasm_target(root) {
        return Ok(Toolchain::Rustup);
    }
    let required = required_version(root)?;
    match plan(debian_state(), required, is_root()) {
        Action::Use => return Ok(Toolchain::Debian),
        Action::Fail(msg) => bail!(msg),
        Action::Install { why } => {
            eprintln!(
                "{why}: apt-get update && apt-get install {}",
                DEBIAN_PACKAGES.join(" ")
            );
            apt_install(&DEBIAN_PACKAGES)?;
        }
    }
    match plan(debian_state(), required, false) {
        Action::Use => Ok(Toolchain::Debian),
        _ => bail!(
            "after apt-get update and install, Debian's rustc is {} but the workspace needs \
             {required}: add bookworm-security to apt's sources (deb http://deb.debian.org/\
             debian-security bookworm-security main), or install rustup's {TARGET} target",
            debian_state()
                .rustc
                .map_or_else(|| "missing".to_string(), |v| v.to_string())
        ),
    }
}

/// The `wasm-opt` every build runs, installing Debian's `binaryen` (after
/// `apt-get update`) when it is missing and the build runs as root.
///
/// # Errors
/// When it is missing and cannot be installed; the message names the fix.
pub fn wasm_opt() -> Result<PathBuf> {
    let runs = || {
        Command::new("wasm-opt")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !runs() {
        if !is_root() {
            bail!(
                "wasm-opt is missing. Fix: sudo apt-get update && sudo apt-get install -y binaryen"
            );
        }
        eprintln!("wasm-opt is missing: apt-get update && apt-get install binaryen");
        apt_install(&["binaryen"])?;
        if !runs() {
            bail!("wasm-opt still does not run after apt-get install binaryen");
        }
    }
    Ok(PathBuf::from("wasm-opt"))
}

/// Makes sure `node` and `npm` run (solc-js, Uniswap's artefacts and the
/// wallet libraries come from npm), installing Debian's `nodejs` and `npm`
/// (after `apt-get update`) when they are missing and this runs as root.
///
/// # Errors
/// When they are missing and cannot be installed; the message names the fix.
pub fn node_and_npm() -> Result<()> {
    let runs = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if runs("node") && runs("npm") {
        return Ok(());
    }
    if !is_root() {
        bail!("node or npm is missing. Fix: sudo apt-get update && sudo apt-get install -y nodejs npm");
    }
    eprintln!("node or npm is missing: apt-get update && apt-get install nodejs npm");
    apt_install(&["nodejs", "npm"])?;
    if !(runs("node") && runs("npm")) {
        bail!("node or npm still does not run after apt-get install nodejs npm");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parses_rustc_output_and_manifest_versions() {
        assert_eq!(
            Version::from_rustc_output(
                "rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball)\n"
            ),
            Some(v("1.96.0"))
        );
        assert_eq!(
            Version::from_rustc_output("rustc 1.85.0 (4d91de4e4 2025-02-17)"),
            Some(v("1.85"))
        );
        assert_eq!(
            Version::from_rustc_output("rustc 1.97.0-beta.3 (x 2026-06-01)"),
            Some(v("1.97.0"))
        );
        assert_eq!(Version::from_rustc_output("cargo 1.96.0"), None);
        assert_eq!(Version::from_rustc_output(""), None);
        assert_eq!(
            v("1.95"),
            Version {
                major: 1,
                minor: 95,
                patch: 0
            }
        );
        assert_eq!(Version::parse("1"), None);
        assert_eq!(Version::parse("1.95.0.1"), None);
        assert_eq!(Version::parse("one.two"), None);
    }

    #[test]
    fn compares_numerically_not_lexically() {
        assert!(v("1.85.0") < v("1.95"));
        assert!(v("1.95.0") >= v("1.95"));
        assert!(v("1.100.0") > v("1.96.0"));
        assert!(v("1.95.1") > v("1.95"));
    }

    #[test]
    fn reads_the_workspace_rust_version() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let required = required_version(&root).unwrap();
        assert!(required >= v("1.95"), "{required}");
    }

    #[test]
    fn decides_use_install_upgrade_or_fail() {
        let required = v("1.95");
        let fresh = DebianState {
            rustc: Some(v("1.96.0")),
            complete: true,
        };
        assert_eq!(plan(fresh, required, false), Action::Use);
        assert_eq!(plan(fresh, required, true), Action::Use);

        // The stale image: bookworm's 1.85 installed. Root upgrades it…
        let stale = DebianState {
            rustc: Some(v("1.85.0")),
            complete: true,
        };
        match plan(stale, required, true) {
            Action::Install { why } => assert!(why.contains("1.85.0") && why.contains("1.95.0")),
            other => panic!("{other:?}"),
        }
        // …anyone else is told how.
        match plan(stale, required, false) {
            Action::Fail(msg) => {
                assert!(msg.contains("apt-get update"), "{msg}");
                assert!(msg.contains("rustc-web"), "{msg}");
                assert!(msg.contains("older"), "{msg}");
            }
            other => panic!("{other:?}"),
        }

        let missing = DebianState {
            rustc: None,
            complete: false,
        };
        assert!(matches!(
            plan(missing, required, true),
            Action::Install { .. }
        ));
        assert!(matches!(plan(missing, required, false), Action::Fail(_)));

        let partial = DebianState {
            rustc: Some(v("1.96.0")),
            complete: false,
        };
        match plan(partial, required, true) {
            Action::Install { why } => assert!(why.contains("incomplete")),
            other => panic!("{other:?}"),
        }
    }
}
