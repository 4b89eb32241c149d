//! The JSON-RPC backend of [`Suite`](crate::suite::Suite): the suite as the
//! deploy crate deploys it, on any node (`STYLUS_RPC_URL`) or on the
//! embedded devnode's server, driven by signed transactions.
//!
//! What a JSON-RPC node cannot do the way the in-process devnode does, and
//! what this module does instead:
//!
//! - **Senders** need keys: the actors are [`actor_signer`] keys (the same
//!   addresses in-process), the admin is the deployer's key.
//! - **Return values** are not in receipts: every transaction is first run as
//!   an `eth_call` at the same block time (its return data, or its revert
//!   data), then sent; a reverting call is sent too, with a fixed gas limit,
//!   so the chain really mines the failed transaction.
//! - **Gas costs ETH**: each sender's fees are summed from its receipts
//!   (`gasUsed × effectiveGasPrice`) so that balances can be compared with a
//!   gas-free model ([`RpcCase::fees`]).
//! - **Isolation**: one case at a time owns the chain ([`RpcNode::begin`]
//!   takes a lock and rolls the chain back to the deployed suite with
//!   `evm_revert`); block times are pinned with `evm_setNextBlockTimestamp`.
//!   A node without these methods cannot run the state machines:
//!   [`RpcNode::time_travel`] says so and the machines are skipped with a
//!   notice.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, OnceLock};

use alloy::eips::BlockId;
use alloy::network::{EthereumWallet, ReceiptResponse, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes, Log, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use stylus_ip_deploy::keys::KeySource;
use stylus_ip_deploy::suite::{Artifacts, SuiteAddresses};

use crate::Revert;

/// Gas limit of every transaction sent (as the in-process devnode's
/// `DEFAULT_TX_GAS`); only the gas used is paid.
pub const TX_GAS: u64 = stylus_vm::api::DEFAULT_TX_GAS;

/// Key of end-to-end actor `i`: the first key of the series
/// `keccak256("stylus-ip e2e actor" ‖ i ‖ j)` whose address starts with the
/// nibble `i + 1`, so that actors' addresses ascend with their index (split
/// recipients must be sorted) and stay recognisable (`0x1…`, `0x2…`, …).
///
/// # Panics
/// For `i > 14` (no nibble left).
#[must_use]
pub fn actor_signer(i: usize) -> PrivateKeySigner {
    assert!(i < 15, "at most 15 actors");
    let want = u8::try_from(i + 1).expect("i < 15");
    (0u64..)
        .find_map(|j| {
            let mut seed = b"stylus-ip e2e actor".to_vec();
            seed.extend((i as u64).to_be_bytes());
            seed.extend(j.to_be_bytes());
            let signer = PrivateKeySigner::from_bytes(&keccak256(&seed)).ok()?;
            (signer.address()[0] >> 4 == want).then_some(signer)
        })
        .expect("an unbounded search over keys ends (1 in 16 matches)")
}

/// A mined transaction.
#[derive(Debug)]
pub struct Mined {
    /// Its receipt's status.
    pub success: bool,
    /// Its logs.
    pub logs: Vec<Log>,
    /// What its sender paid for gas.
    pub fee: U256,
}

/// The node, the deployed suite and the signing keys, shared by all cases.
pub struct RpcNode {
    rt: tokio::runtime::Runtime,
    provider: DynProvider,
    /// The embedded devnode server, when no `STYLUS_RPC_URL` was given.
    _embedded: Option<stylus_devnode::DevnodeHandle>,
    /// The node's URL.
    pub url: String,
    /// The deployer, owner of everything.
    pub admin: Address,
    /// Where the deploy crate put the suite.
    pub addresses: SuiteAddresses,
    /// Uniswap V2, deployed from npm's artefacts before the suite.
    pub amm: stylus_ip_deploy::uniswap::UniswapV2,
    /// Max fee per gas of every transaction.
    max_fee: u128,
    /// Whether the node pins block times (`evm_setNextBlockTimestamp`).
    pins_time: bool,
    /// Whether the node snapshots state (`evm_snapshot`/`evm_revert`).
    snapshots: bool,
    /// The snapshot of the deployed, wired suite (renewed on each revert:
    /// `evm_revert` consumes it).
    snapshot: Mutex<Option<serde_json::Value>>,
    /// Whether a case owns the chain.
    busy: Mutex<bool>,
    /// Signalled when a case ends.
    free: Condvar,
}

impl std::fmt::Debug for RpcNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcNode")
            .field("url", &self.url)
            .field("embedded", &self._embedded.is_some())
            .field("admin", &self.admin)
            .field("addresses", &self.addresses)
            .field("pins_time", &self.pins_time)
            .field("snapshots", &self.snapshots)
            .finish_non_exhaustive()
    }
}

/// The configuration the suite's state machines expect (see
/// [`crate::suite`]'s constants), as a `deploy.toml`, in a namespace of its
/// own: on a long-lived node every run gets a fresh suite (the models start
/// from empty contracts), whatever earlier runs or other tests left there.
fn deploy_config() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        r#"
namespace = "e2e-{}-{nanos}"

[collection]
name = "AI Works"
symbol = "AIW"
base_uri = "ipfs://works/"
royalty_bps = {}
minters = []
lease_market_opt_in = false

[editions]
base_uri = "ipfs://packs/{{id}}"
royalty_bps = {}
minters = []
lease_market_opt_in = false
"#,
        std::process::id(),
        crate::suite::COLLECTION_ROYALTY_BPS,
        crate::suite::EDITIONS_ROYALTY_BPS
    )
}

impl RpcNode {
    /// Connects to `url` (or starts the embedded devnode server), deploys the
    /// suite with the deploy crate and funds `actors` actors with 100 ETH each
    /// from the deployer (`STYLUS_RPC_PRIVATE_KEY`, else the devnode dev key
    /// on chain 412346).
    ///
    /// # Errors
    /// When the node cannot be reached, the key is missing or the deployment
    /// fails.
    pub fn connect(url: Option<String>, actors: usize) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let (embedded, url) = match url {
            Some(u) => (None, u),
            None => {
                let n = stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())
                    .context("starting the embedded devnode")?;
                let u = n.url().to_string();
                (Some(n), u)
            }
        };
        let key = if std::env::var("STYLUS_RPC_PRIVATE_KEY").is_ok() {
            KeySource::Env("STYLUS_RPC_PRIVATE_KEY".into())
        } else {
            KeySource::DevDefault
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("tokio runtime")?;
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let artifacts = Artifacts::load(&root).context("run `cargo ip build` first")?;
        let dir = std::env::temp_dir().join(format!("stylus-ip-e2e-{}", std::process::id()));
        std::fs::create_dir_all(&dir).context("temp dir")?;
        let config = dir.join("deploy.toml");
        std::fs::write(&config, deploy_config()).context("writing deploy.toml")?;
        // Uniswap V2 first: the vault factory is constructed with its factory.
        let amm = rt
            .block_on(async {
                let chain_id = ProviderBuilder::new()
                    .connect_http(url.parse().context("RPC URL")?)
                    .get_chain_id()
                    .await?;
                let deployer = stylus_ip_deploy::keys::load(&key, chain_id)?;
                let from = deployer.address();
                let provider = ProviderBuilder::new()
                    .wallet(EthereumWallet::from(deployer))
                    .connect_http(url.parse().context("RPC URL")?);
                crate::uniswap::artifacts()
                    .deploy_rpc(&provider, from, from)
                    .await
            })
            .context("deploying Uniswap V2")?;
        let opts = stylus_ip_deploy::run::DeployOptions {
            rpc_url: url.clone(),
            key: key.clone(),
            config: Some(config),
            manifest: Some(dir.join("manifest.json")),
            dry_run: false,
            amm_factory: Some(amm.factory),
            amm_router: Some(amm.router),
        };
        let deployed = rt
            .block_on(stylus_ip_deploy::run::deploy(&root, &opts, &artifacts))
            .context("deploying the suite")?;
        let admin_key = stylus_ip_deploy::keys::load(&key, deployed.chain_id)?;
        let admin = admin_key.address();
        eprintln!(
            "suite over JSON-RPC at {url} (chain {}), deployed by {admin}",
            deployed.chain_id
        );
        let mut wallet = EthereumWallet::from(admin_key);
        for i in 0..actors {
            wallet.register_signer(actor_signer(i));
        }
        let provider = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(url.parse().context("RPC URL")?)
            .erased();
        let (max_fee, pins_time, snapshots) = rt.block_on(async {
            let price = provider.get_gas_price().await?;
            let latest = latest_timestamp(&provider).await?;
            let pin: Result<serde_json::Value, _> = provider
                .raw_request("evm_setNextBlockTimestamp".into(), (latest,))
                .await;
            let snap: Result<serde_json::Value, _> =
                provider.raw_request("evm_snapshot".into(), ()).await;
            anyhow::Ok((price.saturating_mul(2).max(1), pin.is_ok(), snap.is_ok()))
        })?;
        Ok(Self {
            rt,
            provider,
            _embedded: embedded,
            url,
            admin,
            addresses: deployed.addresses,
            amm,
            max_fee,
            pins_time,
            snapshots,
            snapshot: Mutex::new(None),
            busy: Mutex::new(false),
            free: Condvar::new(),
        })
    }

    /// The process's node: `url`, or (`None`) the embedded devnode's server;
    /// connected, with the suite deployed, on the first call.
    ///
    /// # Panics
    /// When connecting or deploying fails, or for a second, different URL in
    /// one process.
    pub fn shared(url: &Option<String>) -> &'static Self {
        static NODE: OnceLock<RpcNode> = OnceLock::new();
        let node = NODE.get_or_init(|| {
            Self::connect(url.clone(), crate::suite::ACTORS)
                .unwrap_or_else(|e| panic!("RPC backend: {e:#}"))
        });
        assert!(
            url.as_ref().is_none_or(|u| *u == node.url),
            "one RPC node per process: {} is in use, not {url:?}",
            node.url
        );
        node
    }

    /// Whether the node pins block times (`evm_setNextBlockTimestamp`),
    /// which timed properties need.
    #[must_use]
    pub fn pins_time(&self) -> bool {
        self.pins_time
    }

    /// Whether the node also has `evm_snapshot`/`evm_revert`, which the
    /// state machines need to isolate their cases.
    #[must_use]
    pub fn time_travel(&self) -> bool {
        self.pins_time && self.snapshots
    }

    /// Takes the chain for one case: waits for the previous case to end,
    /// then rolls the chain back to the last [`RpcNode::seal`]ed state.
    ///
    /// # Panics
    /// When the node refuses the rollback.
    pub fn begin(&'static self) -> RpcCase {
        {
            let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
            while *busy {
                busy = self.free.wait(busy).unwrap_or_else(|e| e.into_inner());
            }
            *busy = true;
        }
        // From here on the case owns the chain; `Owner` gives it back on
        // drop, also when the case panics.
        let owner = Owner(self);
        let mut snapshot = self.snapshot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = snapshot.take() {
            let ok: bool = self
                .rt
                .block_on(self.provider.raw_request("evm_revert".into(), (id,)))
                .expect("evm_revert");
            assert!(ok, "evm_revert refused the suite's snapshot");
            *snapshot = Some(self.snapshot_now());
        }
        RpcCase {
            node: self,
            _owner: Some(owner),
            fees: BTreeMap::new(),
            nonces: BTreeMap::new(),
        }
    }

    /// The chain without owning it (for building the template).
    #[must_use]
    pub fn unowned(&'static self) -> RpcCase {
        RpcCase {
            node: self,
            _owner: None,
            fees: BTreeMap::new(),
            nonces: BTreeMap::new(),
        }
    }

    /// Makes the current state the one every [`RpcNode::begin`] returns to.
    pub fn seal(&self) {
        let id = self.snapshot_now();
        *self.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = Some(id);
    }

    fn snapshot_now(&self) -> serde_json::Value {
        self.rt
            .block_on(self.provider.raw_request("evm_snapshot".into(), ()))
            .expect("evm_snapshot")
    }

    /// The latest block's timestamp.
    ///
    /// # Panics
    /// When the node fails.
    #[must_use]
    pub fn latest_timestamp(&self) -> u64 {
        self.rt
            .block_on(latest_timestamp(&self.provider))
            .expect("latest block")
    }
}

async fn latest_timestamp(p: &DynProvider) -> anyhow::Result<u64> {
    let n = p.get_block_number().await?;
    let b = p
        .get_block_by_number(n.into())
        .await?
        .ok_or_else(|| anyhow::anyhow!("latest block {n} missing"))?;
    Ok(b.header.timestamp)
}

/// Ownership of the chain by one case; released on drop.
#[derive(Debug)]
struct Owner(&'static RpcNode);

impl Drop for Owner {
    fn drop(&mut self) {
        *self.0.busy.lock().unwrap_or_else(|e| e.into_inner()) = false;
        self.0.free.notify_one();
    }
}

/// One case's use of the chain: its fees and nonces, and the lock that makes
/// it the only user of the chain until dropped.
#[derive(Debug)]
pub struct RpcCase {
    node: &'static RpcNode,
    _owner: Option<Owner>,
    /// Gas fees paid per sender since the case began.
    pub fees: BTreeMap<Address, U256>,
    nonces: BTreeMap<Address, u64>,
}

impl RpcCase {
    /// The node.
    pub(crate) fn node(&self) -> &'static RpcNode {
        self.node
    }

    fn block_on<F: std::future::IntoFuture>(&self, f: F) -> F::Output {
        self.node.rt.block_on(f.into_future())
    }

    /// Pins the next block's timestamp.
    ///
    /// # Panics
    /// When the node refuses.
    pub fn pin(&self, timestamp: u64) {
        let _: serde_json::Value = self
            .block_on(
                self.node
                    .provider
                    .raw_request("evm_setNextBlockTimestamp".into(), (timestamp,)),
            )
            .unwrap_or_else(|e| panic!("evm_setNextBlockTimestamp({timestamp}): {e}"));
    }

    /// Mines an empty block at `timestamp` (so that calls at the latest
    /// block see that time).
    ///
    /// # Panics
    /// When the node refuses.
    pub fn mine_at(&self, timestamp: u64) {
        self.pin(timestamp);
        let _: serde_json::Value = self
            .block_on(self.node.provider.raw_request("evm_mine".into(), ()))
            .expect("evm_mine");
    }

    fn request(&self, from: Address, to: Address, data: &[u8], value: U256) -> TransactionRequest {
        TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data.to_vec())
            .with_value(value)
    }

    /// `eth_call` at the latest block: the return data, or the revert.
    ///
    /// # Panics
    /// When the node fails other than by a revert.
    pub fn call(
        &self,
        from: Address,
        to: Address,
        data: &[u8],
        value: U256,
    ) -> Result<Bytes, Revert> {
        self.eth_call(BlockId::latest(), from, to, data, value)
    }

    /// What a transaction in the next block, pinned at `timestamp`, would
    /// return or revert with: an `eth_call` at the pending block (receipts
    /// carry no return data). Send it with [`RpcCase::send_at`].
    ///
    /// # Panics
    /// As [`RpcCase::pin`] and [`RpcCase::call`].
    pub fn simulate(
        &self,
        timestamp: u64,
        from: Address,
        to: Address,
        data: &[u8],
        value: U256,
    ) -> Result<Bytes, Revert> {
        self.pin(timestamp);
        self.eth_call(BlockId::pending(), from, to, data, value)
    }

    fn eth_call(
        &self,
        block: BlockId,
        from: Address,
        to: Address,
        data: &[u8],
        value: U256,
    ) -> Result<Bytes, Revert> {
        let tx = self.request(from, to, data, value).with_gas_limit(TX_GAS);
        match self.block_on(self.node.provider.call(tx).block(block)) {
            Ok(out) => Ok(out),
            Err(e) => match e.as_error_resp() {
                Some(resp) if resp.code == 3 || resp.as_revert_data().is_some() => Err(Revert {
                    data: resp.as_revert_data().unwrap_or_default(),
                    reason: Some(resp.message.to_string()),
                }),
                _ => panic!("eth_call to {to}: {e}"),
            },
        }
    }

    /// [`RpcCase::send`] in a block pinned at `timestamp`.
    ///
    /// # Panics
    /// As [`RpcCase::pin`] and [`RpcCase::send`].
    pub fn send_at(
        &mut self,
        timestamp: u64,
        from: Address,
        to: Address,
        data: &[u8],
        value: U256,
    ) -> Mined {
        self.pin(timestamp);
        self.send(from, to, data, value)
    }

    /// Signs and sends a transaction, waits for its receipt and books its fee.
    ///
    /// # Panics
    /// When the node refuses the transaction or loses it.
    pub fn send(&mut self, from: Address, to: Address, data: &[u8], value: U256) -> Mined {
        let nonce = match self.nonces.get(&from) {
            Some(n) => *n,
            None => self
                .block_on(self.node.provider.get_transaction_count(from))
                .expect("eth_getTransactionCount"),
        };
        let tx = self
            .request(from, to, data, value)
            .with_nonce(nonce)
            .with_gas_limit(TX_GAS)
            .with_max_fee_per_gas(self.node.max_fee)
            .with_max_priority_fee_per_gas(0)
            .with_chain_id(self.chain_id());
        let provider = &self.node.provider;
        let receipt = self.block_on(async {
            let hash = *provider
                .send_transaction(tx)
                .await
                .unwrap_or_else(|e| panic!("sending from {from} to {to}: {e}"))
                .tx_hash();
            // Automine: the receipt exists once the send returns; interval
            // mining: poll briefly.
            for _ in 0..2_000 {
                if let Some(r) = provider
                    .get_transaction_receipt(hash)
                    .await
                    .expect("eth_getTransactionReceipt")
                {
                    return r;
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            panic!("transaction {hash} was not mined within 10 s")
        });
        self.nonces.insert(from, nonce + 1);
        let fee = U256::from(receipt.gas_used()) * U256::from(receipt.effective_gas_price());
        *self.fees.entry(from).or_default() += fee;
        Mined {
            success: receipt.status(),
            logs: receipt
                .inner
                .logs()
                .iter()
                .map(|l| l.inner.clone())
                .collect(),
            fee,
        }
    }

    fn chain_id(&self) -> u64 {
        static ID: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        *ID.get_or_init(|| {
            self.block_on(self.node.provider.get_chain_id())
                .expect("eth_chainId")
        })
    }

    /// The on-chain balance of `a` (gas fees included).
    ///
    /// # Panics
    /// When the node fails.
    #[must_use]
    pub fn balance(&self, a: Address) -> U256 {
        self.block_on(self.node.provider.get_balance(a))
            .expect("eth_getBalance")
    }
}
