//! The chain a command runs on: `--rpc-url` with its deployment manifest, or
//! the embedded devnode with the suite deployed on it (what `cargo ip
//! gateway`, `mint` and `models` do without `--rpc-url`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use stylus_ip_deploy::{keys, run as deploy_run};

/// Starts the embedded devnode (after building the contracts unless
/// `skip_build`) when no `rpc_url` is given. It runs its own server threads:
/// start it before entering an async runtime.
///
/// # Errors
/// A failing build or devnode start.
pub(crate) fn start_node(
    root: &Path,
    rpc_url: Option<&str>,
    skip_build: bool,
) -> Result<Option<stylus_devnode::DevnodeHandle>> {
    if rpc_url.is_some() {
        return Ok(None);
    }
    if !skip_build {
        stylus_ip_deploy::build::build_all(root, &[])?;
    }
    stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())
        .context("starting the embedded devnode")
        .map(Some)
}

/// The endpoint and the deployment manifest's path: with `rpc_url`, the
/// manifest given or `deployments/<chain id>.json`; on the embedded `node`,
/// the suite freshly deployed with `key`, its manifest at the one given or
/// `root/<embedded_manifest>` (an earlier one there describes another chain
/// and is replaced).
///
/// # Errors
/// An unreachable endpoint or a failing deployment.
pub(crate) async fn suite_manifest(
    root: &Path,
    rpc_url: Option<&str>,
    node: Option<&stylus_devnode::DevnodeHandle>,
    manifest: Option<&Path>,
    embedded_manifest: &str,
    key: &keys::KeySource,
) -> Result<(String, PathBuf)> {
    match (rpc_url, node) {
        (Some(url), _) => {
            let chain_id = deploy_run::chain_id(url).await?;
            let path = deploy_run::manifest_path(root, manifest, chain_id, None);
            Ok((url.to_string(), path))
        }
        (None, Some(n)) => {
            eprintln!(
                "== embedded Stylus devnode at {} (chain id 412346)",
                n.url()
            );
            let path = manifest.map_or_else(|| root.join(embedded_manifest), Path::to_path_buf);
            eprintln!("== deploying the suite");
            deploy_run::deploy_fresh(root, n.url(), key.clone(), path.clone()).await?;
            Ok((n.url().to_string(), path))
        }
        (None, None) => anyhow::bail!("no --rpc-url and no embedded devnode started"),
    }
}
