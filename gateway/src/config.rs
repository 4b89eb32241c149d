//! The gateway's TOML configuration (see `gateway/gateway.example.toml`).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;

use alloy::primitives::{Address, B256, U256};
use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::policy::Policy;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The chain id (the EIP-712 domains of requests and attestations).
    pub chain_id: u64,
    /// The licence market (`isLicensed`; verifying contract of requests).
    pub market: Address,
    /// The provenance registry (verifying contract of attestations).
    pub registry: Address,
    /// The model's id in the provenance registry (a number or a string).
    #[serde(deserialize_with = "crate::request::de_u256")]
    pub model_id: U256,
    /// The model's name, as responses report it.
    #[serde(default = "default_model_name")]
    pub model_name: String,
    /// Environment variable holding the model lab's attester key (hex).
    #[serde(default = "default_lab_key_env")]
    pub lab_key_env: String,
    /// Longest a granted decision is cached, in seconds.
    #[serde(default = "default_ttl")]
    pub cache_ttl_secs: u64,
    /// How often the chain is polled for events and time, in milliseconds.
    #[serde(default = "default_poll")]
    pub poll_interval_ms: u64,
    /// Cached decisions are not served when the last successful poll is
    /// older than this (milliseconds; default 4 × the poll interval).
    #[serde(default)]
    pub stale_after_ms: Option<u64>,
    /// Timeout of one chain read, in milliseconds.
    #[serde(default = "default_chain_timeout")]
    pub chain_timeout_ms: u64,
    /// Longest accepted request lifetime (`expiry - now`), in seconds.
    #[serde(default = "default_lifetime")]
    pub max_request_lifetime_secs: u64,
    /// An upstream model server to forward generations to (default: the
    /// built-in model).
    #[serde(default)]
    pub upstream: Option<Upstream>,
    /// Requests per day per licence, by the licence's terms hash (market
    /// licences; the tighter of this and the route's limit applies).
    #[serde(default)]
    pub terms_limits: std::collections::BTreeMap<B256, u32>,
    /// Whether every finished request is logged as one JSON line on stderr.
    #[serde(default = "default_access_log")]
    pub access_log: bool,
    /// Where used nonces and usage counters live (default: this process's
    /// memory).
    #[serde(default)]
    pub store: Store,
    /// The routes, served at `POST /v1/generate/<name>`.
    pub routes: Vec<Route>,
}

/// An upstream model server: the gateway POSTs `{"prompt", "seed",
/// "params"}` as JSON to `url` and takes the answer's bytes (and
/// `Content-Type`) as the output. Clients never learn the URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// The model server's endpoint.
    pub url: String,
    /// Timeout of one generation, in milliseconds.
    #[serde(default = "default_upstream_timeout")]
    pub timeout_ms: u64,
}

fn default_upstream_timeout() -> u64 {
    60_000
}

/// Which store keeps used nonces and usage counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// This process's memory: one instance only.
    #[default]
    Memory,
    /// A Redis server shared by every instance.
    Redis,
}

/// The `[store]` table: where used nonces and usage counters live
/// ([`crate::store`]). Several instances behind a load balancer need
/// `kind = "redis"` with the same `url` and `key_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// `memory` (default) or `redis`.
    #[serde(default)]
    pub kind: StoreKind,
    /// The Redis URL, `redis://[:password@]host:port/db` (only with `redis`).
    #[serde(default)]
    pub url: Option<String>,
    /// Put before every Redis key (deployments sharing one Redis need
    /// different prefixes).
    #[serde(default = "default_key_prefix")]
    pub key_prefix: String,
    /// Timeout of one store operation, in milliseconds (then 503).
    #[serde(default = "default_store_timeout")]
    pub timeout_ms: u64,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            kind: StoreKind::Memory,
            url: None,
            key_prefix: default_key_prefix(),
            timeout_ms: default_store_timeout(),
        }
    }
}

fn default_key_prefix() -> String {
    "stylus-ip-gateway:".into()
}
fn default_store_timeout() -> u64 {
    1_000
}

/// One route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// URL segment: `[a-z0-9_-]+`.
    pub name: String,
    /// Which licences grant access.
    pub policy: Policy,
    /// Collections served (empty: any).
    #[serde(default)]
    pub collections: Vec<Address>,
    /// Whether a refusal answers 402 with the market to buy a licence from.
    #[serde(default)]
    pub purchasable: bool,
    /// Requests per day per licence (none: unlimited).
    #[serde(default)]
    pub requests_per_day: Option<u32>,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8787))
}
fn default_model_name() -> String {
    "stylus-ip procedural v1".into()
}
fn default_lab_key_env() -> String {
    "GATEWAY_LAB_KEY".into()
}
fn default_access_log() -> bool {
    true
}
fn default_ttl() -> u64 {
    60
}
fn default_poll() -> u64 {
    500
}
fn default_chain_timeout() -> u64 {
    3_000
}
fn default_lifetime() -> u64 {
    3_600
}

/// Why a configuration could not be derived from a deployment manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestConfigError {
    /// The manifest records no contract of that name (an unfinished deployment).
    #[error(
        "the deployment manifest has no `{0}` contract: finish the deployment (cargo ip deploy)"
    )]
    MissingContract(&'static str),
}

/// The route of a configuration derived from a deployment
/// ([`Config::for_suite`]).
pub const SUITE_ROUTE: &str = "generate";

impl Config {
    /// The configuration for a deployed suite with every default: listen on
    /// 127.0.0.1:8787, one route [`SUITE_ROUTE`] granting a licence bought
    /// on the market or an ERC-4907 user (any collection, purchasable: a
    /// refusal answers 402 with the market), 100 requests per day per
    /// licence, the built-in model.
    #[must_use]
    pub fn for_suite(chain_id: u64, market: Address, registry: Address, model_id: U256) -> Self {
        use crate::policy::Check;
        Self {
            listen: default_listen(),
            chain_id,
            market,
            registry,
            model_id,
            model_name: default_model_name(),
            lab_key_env: default_lab_key_env(),
            cache_ttl_secs: default_ttl(),
            poll_interval_ms: default_poll(),
            stale_after_ms: None,
            chain_timeout_ms: default_chain_timeout(),
            max_request_lifetime_secs: default_lifetime(),
            upstream: None,
            terms_limits: std::collections::BTreeMap::new(),
            access_log: default_access_log(),
            store: Store::default(),
            routes: vec![Route {
                name: SUITE_ROUTE.into(),
                policy: Policy::any_of(vec![Check::Licensed, Check::User])
                    .expect("two distinct checks"),
                collections: Vec::new(),
                purchasable: true,
                requests_per_day: Some(100),
            }],
        }
    }

    /// [`Config::for_suite`] with the chain id, licence market and
    /// provenance registry of a deployment manifest (as `cargo ip deploy`
    /// writes it).
    ///
    /// # Errors
    /// [`ManifestConfigError::MissingContract`] when the manifest lacks the
    /// market or the registry.
    pub fn from_manifest(
        manifest: &stylus_ip_deploy::manifest::Manifest,
        model_id: U256,
    ) -> Result<Self, ManifestConfigError> {
        let at = |name: &'static str| {
            manifest
                .contracts
                .get(name)
                .map(|r| r.address)
                .ok_or(ManifestConfigError::MissingContract(name))
        };
        Ok(Self::for_suite(
            manifest.chain_id,
            at("license-market")?,
            at("provenance")?,
            model_id,
        ))
    }

    /// Parses and checks a configuration.
    ///
    /// # Errors
    /// On invalid TOML or a failed [`Config::check`].
    pub fn from_toml(text: &str) -> Result<Self> {
        let c: Self = toml::from_str(text).context("gateway configuration")?;
        c.check()?;
        Ok(c)
    }

    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// See [`Config::from_toml`].
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_toml(&text).with_context(|| path.display().to_string())
    }

    /// Checks route names (unique, URL-safe) and intervals.
    ///
    /// # Errors
    /// On the first problem found.
    pub fn check(&self) -> Result<()> {
        let mut names = BTreeSet::new();
        if self.routes.is_empty() {
            bail!("no [[routes]]");
        }
        for r in &self.routes {
            if r.name.is_empty()
                || !r
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                bail!("route name `{}` must be [a-z0-9_-]+", r.name);
            }
            if !names.insert(&r.name) {
                bail!("route `{}` defined twice", r.name);
            }
        }
        if self.poll_interval_ms == 0 || self.chain_timeout_ms == 0 {
            bail!("poll_interval_ms and chain_timeout_ms must be positive");
        }
        if let Some(u) = &self.upstream {
            if !(u.url.starts_with("http://") || u.url.starts_with("https://")) {
                // The URL itself is not echoed: it may carry credentials.
                bail!("[upstream] url must be an http:// or https:// URL");
            }
            if u.timeout_ms == 0 {
                bail!("[upstream] timeout_ms must be positive");
            }
        }
        match (self.store.kind, &self.store.url) {
            (StoreKind::Memory, Some(_)) => bail!("[store] url is only for kind = \"redis\""),
            (StoreKind::Redis, None) => bail!("[store] kind = \"redis\" needs a url"),
            (StoreKind::Redis, Some(u)) if !u.starts_with("redis://") => {
                // The URL itself is not echoed: it may carry a password.
                bail!("[store] url must be a redis:// URL");
            }
            _ => {}
        }
        if self.store.timeout_ms == 0 {
            bail!("[store] timeout_ms must be positive");
        }
        Ok(())
    }

    /// The route named `name`.
    #[must_use]
    pub fn route(&self, name: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.name == name)
    }

    /// The staleness bound of the event watch, in milliseconds.
    #[must_use]
    pub fn stale_after_ms(&self) -> u64 {
        self.stale_after_ms
            .unwrap_or(self.poll_interval_ms.saturating_mul(4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Check;

    #[test]
    fn the_example_parses() {
        let c = Config::from_toml(include_str!("../gateway.example.toml")).unwrap();
        assert_eq!(c.chain_id, 412_346);
        let r = c.route("generate").unwrap();
        assert_eq!(r.policy.checks(), [Check::Licensed, Check::User]);
        assert!(r.purchasable);
        assert_eq!(c.stale_after_ms(), 4 * c.poll_interval_ms);
        assert_eq!(c.terms_limits.get(&B256::ZERO), Some(&1000));
        assert_eq!(c.store, Store::default());
        assert_eq!(c.store.kind, StoreKind::Memory);
        // The example's commented-out Redis table, switched on.
        let redis = include_str!("../gateway.example.toml")
            .replace("# [store]\n# kind = \"redis\"", "[store]\nkind = \"redis\"")
            .replace("# url = \"redis://", "url = \"redis://")
            .replace("# key_prefix = ", "key_prefix = ");
        let c = Config::from_toml(&redis).unwrap();
        assert_eq!(c.store.kind, StoreKind::Redis);
        assert_eq!(c.store.url.as_deref(), Some("redis://127.0.0.1:6379/0"));
        assert_eq!(c.store.key_prefix, "stylus-ip-gateway:");
        assert_eq!(c.store.timeout_ms, 1_000);
    }

    #[test]
    fn a_manifest_gives_the_suite_config() {
        use stylus_ip_deploy::manifest::{ContractRecord, Manifest};
        let record = |byte: u8| ContractRecord {
            address: Address::repeat_byte(byte),
            code_hash: B256::ZERO,
            deploy_tx: None,
            activate_tx: None,
            data_fee: None,
        };
        let mut m = Manifest::new(421_614, Address::ZERO);
        m.contracts.insert("license-market".into(), record(0x11));
        assert_eq!(
            Config::from_manifest(&m, U256::from(1u64)).unwrap_err(),
            ManifestConfigError::MissingContract("provenance")
        );
        m.contracts.insert("provenance".into(), record(0x22));
        let c = Config::from_manifest(&m, U256::from(3u64)).unwrap();
        c.check().unwrap();
        assert_eq!(c.chain_id, 421_614);
        assert_eq!(c.market, Address::repeat_byte(0x11));
        assert_eq!(c.registry, Address::repeat_byte(0x22));
        assert_eq!(c.model_id, U256::from(3u64));
        let r = c.route(SUITE_ROUTE).unwrap();
        assert_eq!(r.policy.checks(), [Check::Licensed, Check::User]);
        assert!(r.purchasable && r.collections.is_empty());
        assert_eq!(r.requests_per_day, Some(100));
        assert_eq!(c.listen, default_listen());
    }

    #[test]
    fn bad_configs_are_refused() {
        let base = include_str!("../gateway.example.toml");
        for (bad, msg) in [
            (
                base.replace("name = \"generate\"", "name = \"Gen/x\""),
                "must be",
            ),
            (
                base.replace("name = \"owners\"", "name = \"generate\""),
                "twice",
            ),
            (
                base.replace("policy = \"owner\"", "policy = []"),
                "gateway configuration",
            ),
            (format!("unknown = 1\n{base}"), "gateway configuration"),
            (
                base.replace(
                    "# [upstream]\n# url = ",
                    "[upstream]\nurl = \"ftp://x\"\n# ",
                ),
                "http:// or https://",
            ),
            (
                base.replace("# [store]\n# kind = \"redis\"", "[store]\nkind = \"redis\""),
                "needs a url",
            ),
            (
                base.replace(
                    "# [store]\n# kind = \"redis\"",
                    "[store]\nkind = \"memory\"",
                )
                .replace("# url = \"redis://", "url = \"redis://"),
                "only for kind",
            ),
            (
                base.replace("# [store]\n# kind = \"redis\"", "[store]\nkind = \"redis\"")
                    .replace("# url = \"redis://", "url = \"http://"),
                "redis:// URL",
            ),
            (
                base.replace(
                    "# [store]\n# kind = \"redis\"",
                    "[store]\nkind = \"sqlite\"",
                ),
                "gateway configuration",
            ),
        ] {
            let e = format!("{:#}", Config::from_toml(&bad).unwrap_err());
            assert!(e.contains(msg), "{e}");
        }
    }
}
