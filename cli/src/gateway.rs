//! `stylus-ip gateway`: the licence-gated gateway (`stylus_ip_gateway`) on a
//! deployed suite, and the demo's gateway steps ([`GatewayHooks`]).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use alloy::primitives::U256;
use alloy::signers::local::PrivateKeySigner;
use anyhow::{Context, Result};
use serde_json::json;
use stylus_ip_deploy::demo::{DemoHooks, LicenceStage, ModelCall};
use stylus_ip_deploy::{keys, manifest::Manifest};
use stylus_ip_gateway::client::{self, Client, RequestFor};
use stylus_ip_gateway::{server, Config, GatewayHandle};

/// Why `stylus-ip gateway` could not start.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GatewayCmdError {
    /// No deployment manifest where one was expected.
    #[error("no deployment manifest at {0} (deploy the suite first: cargo ip deploy --rpc-url …, or pass --manifest)")]
    NoManifest(PathBuf),
    /// The manifest lacks the market or the registry.
    #[error("manifest {path}: {source}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is missing.
        source: stylus_ip_gateway::config::ManifestConfigError,
    },
    /// The configuration file is for another chain than the endpoint's.
    #[error("{config} is for chain {config_chain} but the endpoint is chain {rpc_chain}")]
    WrongChain {
        /// The configuration file.
        config: PathBuf,
        /// Its `chain_id`.
        config_chain: u64,
        /// The endpoint's chain id.
        rpc_chain: u64,
    },
    /// The lab's attester key is not in the environment.
    #[error("the lab's attester key: set {0} to its hex private key (or pass --lab-key-env VAR)")]
    NoLabKey(String),
    /// The lab's attester key does not parse.
    #[error("the lab's attester key in {0} is not a 32-byte hex secp256k1 private key")]
    BadLabKey(String),
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The options of `stylus-ip gateway`.
#[derive(Debug, Clone)]
pub(crate) struct GatewayOptions {
    /// The chain (none: the embedded devnode with the suite deployed).
    pub(crate) rpc_url: Option<String>,
    /// The deployment manifest (default: `deployments/<chain id>.json`
    /// with an endpoint; a fresh `target/gateway/manifest.json` on the
    /// embedded devnode).
    pub(crate) manifest: Option<PathBuf>,
    /// A TOML configuration (default: derived from the manifest).
    pub(crate) config: Option<PathBuf>,
    /// Listen address (overrides the configuration's).
    pub(crate) listen: Option<SocketAddr>,
    /// The environment variable of the lab's key (overrides the
    /// configuration's `lab_key_env`).
    pub(crate) lab_key_env: Option<String>,
    /// The model's id in the registry (derived configurations).
    pub(crate) model_id: U256,
    /// Use the WASM in `target/wasm` as is (embedded devnode).
    pub(crate) skip_build: bool,
}

/// The configuration for the suite in `manifest`: the file `config` if
/// given (its chain id must be the manifest's), else [`Config::from_manifest`].
///
/// # Errors
/// [`GatewayCmdError`] for a missing manifest, contract or chain mismatch;
/// the file's own errors.
pub(crate) fn config_for(
    manifest_path: &Path,
    config: Option<&Path>,
    model_id: U256,
) -> Result<Config> {
    let m = Manifest::load(manifest_path)?
        .ok_or_else(|| GatewayCmdError::NoManifest(manifest_path.to_path_buf()))?;
    match config {
        Some(path) => {
            let c = Config::load(path)?;
            if c.chain_id != m.chain_id {
                return Err(GatewayCmdError::WrongChain {
                    config: path.to_path_buf(),
                    config_chain: c.chain_id,
                    rpc_chain: m.chain_id,
                }
                .into());
            }
            Ok(c)
        }
        None => {
            Ok(
                Config::from_manifest(&m, model_id).map_err(|source| {
                    GatewayCmdError::Manifest {
                        path: manifest_path.to_path_buf(),
                        source,
                    }
                })?,
            )
        }
    }
}

/// Prints what the gateway will run with.
fn print_config(c: &Config, url: &str, lab: &PrivateKeySigner, rpc_url: &str) {
    println!("stylus-ip gateway on {url}");
    println!("   chain {} at {rpc_url}", c.chain_id);
    println!("   licence market {}", c.market);
    println!(
        "   provenance registry {}, model #{} ({})",
        c.registry, c.model_id, c.model_name
    );
    println!("   lab attester {}", lab.address());
    println!(
        "   cache ttl {} s, chain poll {} ms, requests valid up to {} s",
        c.cache_ttl_secs, c.poll_interval_ms, c.max_request_lifetime_secs
    );
    for r in &c.routes {
        println!(
            "   route POST {url}/v1/generate/{}: {}{}",
            r.name,
            server::describe(r),
            r.requests_per_day
                .map(|n| format!(", {n} requests/day per licence"))
                .unwrap_or_default()
        );
    }
}

/// The lab's key from the environment variable `var`.
fn lab_key(var: &str) -> Result<Option<PrivateKeySigner>, GatewayCmdError> {
    match std::env::var(var) {
        Ok(k) => stylus_ip_deploy::provenance::signer_from_hex(&k)
            .map(Some)
            .map_err(|_| GatewayCmdError::BadLabKey(var.to_string())),
        Err(_) => Ok(None),
    }
}

/// Runs `stylus-ip gateway` until Ctrl-C or SIGTERM.
///
/// # Errors
/// [`GatewayCmdError`] and the deployment's errors.
pub(crate) fn run(root: &Path, opts: &GatewayOptions) -> Result<()> {
    // The embedded devnode runs its own server threads: start it (and
    // deploy) before entering this thread's runtime.
    let node = crate::chain::start_node(root, opts.rpc_url.as_deref(), opts.skip_build)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let served = rt.block_on(async {
        let (rpc_url, manifest) = crate::chain::suite_manifest(
            root,
            opts.rpc_url.as_deref(),
            node.as_ref(),
            opts.manifest.as_deref(),
            "target/gateway/manifest.json",
            &keys::KeySource::DevDefault,
        )
        .await?;
        let mut config = config_for(&manifest, opts.config.as_deref(), opts.model_id)?;
        if let Some(l) = opts.listen {
            config.listen = l;
        }
        if let Some(v) = &opts.lab_key_env {
            config.lab_key_env.clone_from(v);
        }
        let lab = match (lab_key(&config.lab_key_env)?, &node) {
            (Some(k), _) => k,
            // The embedded devnode: its dev account #1 attests.
            (None, Some(n)) => {
                let acct = n
                    .dev_accounts()
                    .get(1)
                    .cloned()
                    .context("no dev account #1")?;
                let key = stylus_ip_deploy::provenance::signer_from_hex(&acct.private_key_hex())?;
                println!(
                    "   {} is not set: the lab attester is the devnode's dev account #1",
                    config.lab_key_env
                );
                key
            }
            (None, None) => {
                return Err(GatewayCmdError::NoLabKey(config.lab_key_env.clone()).into())
            }
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| GatewayCmdError::Bind {
                addr: config.listen,
                source,
            })?;
        let url = format!("http://{}", listener.local_addr()?);
        print_config(&config, &url, &lab, &rpc_url);
        println!("manifest: {}", manifest.display());
        println!("Ctrl-C to stop");
        let handle = stylus_ip_gateway::start(config, &rpc_url, lab, listener).await?;
        handle
            .run_until(async {
                server::shutdown_signal().await;
                println!("shutting down: finishing in-flight requests");
            })
            .await
    });
    if let Some(n) = node {
        n.shutdown().context("stopping the devnode")?;
    }
    served?;
    println!("gateway stopped");
    Ok(())
}

/// The demo's gateway steps: a gateway in process (started at Cy's first
/// call, stopped after the second) with the suite's derived configuration,
/// the lab's key and a 50 ms chain poll.
#[derive(Debug, Default)]
pub(crate) struct GatewayHooks {
    running: Option<(GatewayHandle, Client)>,
    nonce: u64,
}

/// The route the demo calls ([`Config::for_suite`]'s).
const ROUTE: &str = stylus_ip_gateway::config::SUITE_ROUTE;

impl GatewayHooks {
    /// Starts the gateway for `stage` if it is not running; its client.
    async fn client(&mut self, stage: &LicenceStage) -> Result<Client> {
        if let Some((_, c)) = &self.running {
            return Ok(c.clone());
        }
        let mut config =
            Config::for_suite(stage.chain_id, stage.market, stage.registry, stage.model_id);
        config.poll_interval_ms = 50;
        // the story prints each answer itself
        config.access_log = false;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the demo's gateway")?;
        let handle =
            stylus_ip_gateway::start(config, &stage.rpc_url, stage.lab.clone(), listener).await?;
        let client = Client::new(format!("http://{}", handle.addr));
        println!("   (gateway started at http://{})", handle.addr);
        self.running = Some((handle, client.clone()));
        Ok(client)
    }

    /// Cy's signed generation request, sent once the gateway's clock has
    /// caught up with the chain.
    async fn call(&mut self, stage: &LicenceStage) -> Result<(u16, serde_json::Value)> {
        let client = self.client(stage).await?;
        client
            .wait_for_chain_time(stage.chain_time, Duration::from_secs(10))
            .await?;
        self.nonce += 1;
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let body = serde_json::to_vec(&json!({
            "prompt": "a koi made of neon light, ukiyo-e, night rain",
            "seed": 421_337,
            "params": { "width": 64, "height": 64 },
        }))?;
        let req = client::sign(
            &stage.licensee,
            stage.chain_id,
            stage.market,
            RequestFor {
                collection: stage.collection,
                token_id: stage.token_id,
                nonce: U256::from(self.nonce),
                expiry: wall.max(stage.chain_time) + 600,
            },
            body,
        )?;
        client.generate(ROUTE, &req).await
    }
}

impl DemoHooks for GatewayHooks {
    async fn licensed(&mut self, stage: &LicenceStage) -> Result<Option<ModelCall>> {
        let (status, answer) = self.call(stage).await?;
        let line = if status == 200 {
            let a = &answer["attestation"];
            format!(
                "served ({status}): PNG sha-256 {}, provenance record {} attested by the lab ({}) for registry {}",
                answer["image"]["sha256"].as_str().unwrap_or("?"),
                a["recordHash"].as_str().unwrap_or("?"),
                a["signer"].as_str().unwrap_or("?"),
                a["registry"].as_str().unwrap_or("?"),
            )
        } else {
            format!("refused ({status}): {answer}")
        };
        Ok(Some(ModelCall { status, line }))
    }

    async fn expired(&mut self, stage: &LicenceStage) -> Result<Option<ModelCall>> {
        let (status, answer) = self.call(stage).await?;
        let line = if status == 200 {
            format!("served ({status}) after the lapse")
        } else {
            format!("refused ({status}): {answer}")
        };
        if let Some((handle, _)) = self.running.take() {
            handle.shutdown().await?;
        }
        Ok(Some(ModelCall { status, line }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::Address;
    use stylus_ip_deploy::manifest::ContractRecord;

    fn temp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("stylus-ip-cli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn manifest_with(dir: &Path, names: &[(&str, u8)]) -> PathBuf {
        let mut m = Manifest::new(412_346, Address::ZERO);
        for (name, byte) in names {
            m.contracts.insert(
                (*name).to_string(),
                ContractRecord {
                    address: Address::repeat_byte(*byte),
                    ..ContractRecord::default()
                },
            );
        }
        let path = dir.join("manifest.json");
        m.save(&path).unwrap();
        path
    }

    #[test]
    fn the_config_is_derived_from_the_manifest() {
        let dir = temp("derive");
        let path = manifest_with(&dir, &[("license-market", 0x11), ("provenance", 0x22)]);
        let c = config_for(&path, None, U256::from(7u64)).unwrap();
        assert_eq!(c.chain_id, 412_346);
        assert_eq!(c.market, Address::repeat_byte(0x11));
        assert_eq!(c.registry, Address::repeat_byte(0x22));
        assert_eq!(c.model_id, U256::from(7u64));
        assert_eq!(c.routes.len(), 1);
        // a file for the same chain is used as it is
        let file = dir.join("gateway.toml");
        std::fs::write(&file, include_str!("../../gateway/gateway.example.toml")).unwrap();
        let c = config_for(&path, Some(&file), U256::from(7u64)).unwrap();
        assert_eq!(c.market, Address::ZERO);
        assert_eq!(c.routes.len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_manifest_contract_or_chain_mismatch_is_a_typed_error() {
        let dir = temp("refuse");
        let missing = dir.join("none.json");
        let e = config_for(&missing, None, U256::from(1u64)).unwrap_err();
        assert!(matches!(
            e.downcast_ref::<GatewayCmdError>(),
            Some(GatewayCmdError::NoManifest(p)) if *p == missing
        ));
        let path = manifest_with(&dir, &[("license-market", 0x11)]);
        let e = config_for(&path, None, U256::from(1u64)).unwrap_err();
        assert!(matches!(
            e.downcast_ref::<GatewayCmdError>(),
            Some(GatewayCmdError::Manifest { source, .. })
                if *source == stylus_ip_gateway::config::ManifestConfigError::MissingContract("provenance")
        ));
        assert!(format!("{e:#}").contains("cargo ip deploy"), "{e:#}");
        let file = dir.join("gateway.toml");
        std::fs::write(
            &file,
            include_str!("../../gateway/gateway.example.toml")
                .replace("chain_id = 412346", "chain_id = 1"),
        )
        .unwrap();
        let e = config_for(&path, Some(&file), U256::from(1u64)).unwrap_err();
        assert!(matches!(
            e.downcast_ref::<GatewayCmdError>(),
            Some(GatewayCmdError::WrongChain {
                config_chain: 1,
                rpc_chain: 412_346,
                ..
            })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bad_lab_key_is_a_typed_error() {
        let var = format!("STYLUS_IP_CLI_TEST_LAB_KEY_{}", std::process::id());
        assert!(matches!(lab_key(&var), Ok(None)));
        std::env::set_var(&var, "0x1234");
        assert!(matches!(lab_key(&var), Err(GatewayCmdError::BadLabKey(v)) if v == var));
        std::env::set_var(
            &var,
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        );
        assert!(matches!(lab_key(&var), Ok(Some(_))));
        std::env::remove_var(&var);
    }
}
