//! Set-up shared by the gateway's integration tests: the suite deployed on
//! the embedded devnode's JSON-RPC server with the story's tokens and a
//! licensee's lease ([`world`]), a gateway on its own runtime with an HTTP
//! client ([`Gateway`]), and requests signed with `client::signature`.

// Each test binary uses a part of it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use alloy::primitives::{aliases::U96, keccak256, Address, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use serde_json::{json, Value};
use stylus_ip_deploy::bindings::{ILicenseMarket, IpCollection, LicenseMarket};
use stylus_ip_gateway::request::{self, GatewayRequest};
use stylus_ip_gateway::{Config, GatewayHandle};
use stylus_ip_tests::rpc::{actor_signer, RpcCase, RpcNode};

pub(crate) const DAY: u64 = 86_400;
pub(crate) const CHAIN_ID: u64 = 412_346;
pub(crate) const LEASE_SECS: u64 = 30 * DAY;

/// A gateway on its own runtime, and an HTTP client.
pub(crate) struct Gateway {
    pub(crate) rt: tokio::runtime::Runtime,
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) handle: Option<GatewayHandle>,
}

/// The tests' configuration: a 50 ms event poll, a one-year cache TTL; route
/// `gen` (licensed, the suite's collection, 10 a day, 4 for the test offer's
/// terms hash), `shop` (licensed or user, purchasable), `owners` (owner).
pub(crate) fn config_toml(market: Address, registry: Address, collection: Address) -> String {
    format!(
        r#"
chain_id = {CHAIN_ID}
market = "{market}"
registry = "{registry}"
model_id = 1
cache_ttl_secs = {ttl}
poll_interval_ms = 50
chain_timeout_ms = 2000

# The test offer's terms hash is zero.
[terms_limits]
"{zero}" = 4

[[routes]]
name = "gen"
policy = "licensed"
collections = ["{collection}"]
requests_per_day = 10

[[routes]]
name = "shop"
policy = ["licensed", "user"]
purchasable = true

[[routes]]
name = "owners"
policy = "owner"
"#,
        ttl = 365 * DAY,
        zero = B256::ZERO,
    )
}

/// `config` with a `[store]` table on the Redis at `url`, keys under `prefix`.
pub(crate) fn with_redis_store(config: &str, url: &str, prefix: &str) -> String {
    config.replacen(
        "\n[terms_limits]",
        &format!(
            "\n[store]\nkind = \"redis\"\nurl = \"{url}\"\nkey_prefix = \"{prefix}\"\ntimeout_ms = 500\n\n[terms_limits]"
        ),
        1,
    )
}

impl Gateway {
    pub(crate) fn start(config: &str, rpc_url: &str, lab: &PrivateKeySigner) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let config = Config::from_toml(config).unwrap();
        let handle = rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            stylus_ip_gateway::start(config, rpc_url, lab.clone(), listener)
                .await
                .unwrap()
        });
        let base = format!("http://{}", handle.addr);
        Self {
            rt,
            http: reqwest::Client::new(),
            base,
            handle: Some(handle),
        }
    }

    pub(crate) fn get(&self, path: &str) -> (u16, String) {
        self.rt.block_on(async {
            let r = self
                .http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    }

    /// A signed `GET` (e.g. `/v1/usage?…`).
    pub(crate) fn get_signed(&self, path: &str, s: &Signed) -> (u16, Value) {
        self.rt.block_on(async {
            let r = self
                .http
                .get(format!("{}{path}", self.base))
                .header(request::REQUEST_HEADER, &s.header)
                .header(request::SIGNATURE_HEADER, &s.signature)
                .send()
                .await
                .unwrap();
            answer(r).await
        })
    }

    pub(crate) fn health(&self) -> Value {
        serde_json::from_str(&self.get("/healthz").1).unwrap()
    }

    pub(crate) fn metric(&self, name: &str) -> u64 {
        let (status, text) = self.get("/metrics");
        assert_eq!(status, 200);
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} not in /metrics"))
            .parse()
            .unwrap()
    }

    /// Waits until `cond` holds (polling every 20 ms, at most 10 s).
    pub(crate) fn wait_for(&self, what: &str, mut cond: impl FnMut(&Self) -> bool) {
        let start = Instant::now();
        while !cond(self) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `POST /v1/generate/<route>` with raw headers.
    pub(crate) fn post(
        &self,
        route: &str,
        header: &str,
        signature: &str,
        body: &[u8],
    ) -> (u16, Value) {
        self.rt.block_on(async {
            let r = self
                .http
                .post(format!("{}/v1/generate/{route}", self.base))
                .header(request::REQUEST_HEADER, header)
                .header(request::SIGNATURE_HEADER, signature)
                .header("content-type", "application/json")
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            answer(r).await
        })
    }

    /// `POST /v1/generate/<route>` of the signed request `s`.
    pub(crate) fn post_signed(&self, route: &str, s: &Signed) -> (u16, Value) {
        self.post(route, &s.header, &s.signature, &s.body)
    }

    pub(crate) fn shutdown(mut self) {
        let h = self.handle.take().unwrap();
        self.rt.block_on(h.shutdown()).unwrap();
    }
}

/// A response's status and its JSON body (a body that is not JSON as a
/// string).
async fn answer(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The dev key (the suite's admin, who minted the story's tokens).
pub(crate) fn creator_key() -> PrivateKeySigner {
    stylus_ip_deploy::keys::load(&stylus_ip_deploy::keys::KeySource::DevDefault, CHAIN_ID).unwrap()
}

/// The usage report's path for `(collection, token)`.
pub(crate) fn usage_path(collection: Address, token: U256) -> String {
    format!("/v1/usage?collection={collection}&tokenId={token}")
}

/// A signed request, ready to send.
#[derive(Clone)]
pub(crate) struct Signed {
    pub(crate) header: String,
    pub(crate) signature: String,
    pub(crate) body: Vec<u8>,
}

pub(crate) static NONCE: AtomicU64 = AtomicU64::new(1);

/// The request for `body` by `account` on `(collection, token)`, valid until
/// `expiry` (unsigned).
pub(crate) fn unsigned(
    account: Address,
    collection: Address,
    token: U256,
    body: &[u8],
    expiry: u64,
) -> GatewayRequest {
    GatewayRequest {
        account,
        collection,
        tokenId: token,
        bodyHash: keccak256(body),
        nonce: U256::from(NONCE.fetch_add(1, Ordering::Relaxed)),
        expiry,
    }
}

/// Signs with alloy, as `signer`.
pub(crate) fn sign_alloy(
    req: GatewayRequest,
    body: &[u8],
    signer: &PrivateKeySigner,
    market: Address,
) -> Signed {
    Signed {
        header: request::request_header_json(&req),
        signature: stylus_ip_gateway::client::signature(signer, CHAIN_ID, market, &req).unwrap(),
        body: body.to_vec(),
    }
}

pub(crate) fn body(prompt: &str, seed: u64) -> Vec<u8> {
    serde_json::to_vec(&json!({ "prompt": prompt, "seed": seed, "params": { "width": 16, "height": 8, "steps": 30 } }))
        .unwrap()
}

/// The chain with the suite, the story's tokens and actors.
pub(crate) struct World {
    pub(crate) node: &'static RpcNode,
    pub(crate) market: Address,
    pub(crate) registry: Address,
    pub(crate) collection: Address,
    pub(crate) token_a: U256,
    pub(crate) token_b: U256,
    /// Owned by actor 2.
    pub(crate) token_c: U256,
    /// Owned by the ERC-1271 wallet.
    pub(crate) token_d: U256,
    pub(crate) wallet: Address,
    pub(crate) lease_expiry: u64,
}

/// Runtime code of a minimal ERC-1271 wallet: `isValidSignature(hash, sig)`
/// answers the magic value iff the signature's first word is `hash` itself
/// (so it accepts exactly the digest it is asked about), else `0xffffffff`.
pub(crate) const WALLET_RUNTIME: [u8; 43] = [
    0x60, 0x04, 0x35, // PUSH1 4 CALLDATALOAD: hash
    0x60, 0x64, 0x35, // PUSH1 100 CALLDATALOAD: the signature's first word
    0x14, 0x60, 0x1a, 0x57, // EQ PUSH1 ok JUMPI
    0x63, 0xff, 0xff, 0xff, 0xff, 0x60, 0xe0, 0x1b, // 0xffffffff << 224
    0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3, // return it
    0x5b, // ok:
    0x63, 0x16, 0x26, 0xba, 0x7e, 0x60, 0xe0, 0x1b, // 0x1626ba7e << 224
    0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3, // return it
];

/// The CREATE2 factory in the devnode's genesis.
pub(crate) const CREATE2_FACTORY: Address =
    alloy::primitives::address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// Deploys the wallet through the CREATE2 factory; returns its address.
pub(crate) fn deploy_wallet(c: &mut RpcCase, node: &RpcNode) -> Address {
    let mut init = vec![
        0x60, 43, 0x60, 12, 0x60, 0x00, 0x39, 0x60, 43, 0x60, 0x00, 0xf3,
    ];
    init.extend_from_slice(&WALLET_RUNTIME);
    let salt = keccak256(b"stylus-ip gateway e2e wallet");
    let mut data = salt.to_vec();
    data.extend_from_slice(&init);
    let t = node.latest_timestamp() + 1;
    assert!(
        c.send_at(t, node.admin, CREATE2_FACTORY, &data, U256::ZERO)
            .success
    );
    CREATE2_FACTORY.create2(salt, keccak256(&init))
}

pub(crate) fn send<C: SolCall>(
    c: &mut RpcCase,
    node: &RpcNode,
    from: Address,
    to: Address,
    call: C,
    value: U256,
) {
    let t = node.latest_timestamp() + 1;
    let mined = c.send_at(t, from, to, &call.abi_encode(), value);
    assert!(mined.success, "{} from {from} failed", C::SIGNATURE);
}

pub(crate) fn view<C: SolCall>(c: &RpcCase, node: &RpcNode, to: Address, call: C) -> C::Return {
    let out = c
        .call(node.admin, to, &call.abi_encode(), U256::ZERO)
        .unwrap();
    C::abi_decode_returns(&out).unwrap()
}

pub(crate) fn world() -> World {
    let node = RpcNode::shared(&None);
    let a = node.addresses;
    let collection = a.collection.expect("the suite's collection");
    let market = a.license_market;
    let creator = node.admin;
    let mut c = node.unowned();
    let (l, o) = (actor_signer(0).address(), actor_signer(1).address());
    for i in 0..5 {
        let one_eth = U256::from(10u64).pow(U256::from(18u64));
        let t = node.latest_timestamp() + 1;
        assert!(
            c.send_at(t, creator, actor_signer(i).address(), &[], one_eth)
                .success
        );
    }
    send(
        &mut c,
        node,
        creator,
        collection,
        IpCollection::setLeaseOperatorCall {
            operator: market,
            approved: true,
        },
        U256::ZERO,
    );
    let mint = |c: &mut RpcCase, to: Address| {
        send(
            c,
            node,
            creator,
            collection,
            IpCollection::mintCall {
                to,
                uri: "ipfs://gateway".into(),
                royaltyReceiver: creator,
                royaltyBps: U96::from(500),
            },
            U256::ZERO,
        );
        view(c, node, collection, IpCollection::totalSupplyCall {})
    };
    let token_a = mint(&mut c, creator);
    let token_b = mint(&mut c, o);
    let token_c = mint(&mut c, actor_signer(2).address());
    let wallet = deploy_wallet(&mut c, node);
    let token_d = mint(&mut c, wallet);
    let offer_id = view(&c, node, market, LicenseMarket::offerCountCall {}) + U256::from(1);
    let terms = ILicenseMarket::OfferTerms {
        pricePerSecond: U256::from(1),
        paymentToken: Address::ZERO,
        minDuration: 1,
        maxDuration: 40 * DAY,
        endTime: 0,
        maxLicensees: 1,
        payee: creator,
        termsHash: B256::ZERO,
        termsUri: String::new(),
        flags: 0,
        maxRoyaltyBps: 10_000,
    };
    send(
        &mut c,
        node,
        creator,
        market,
        LicenseMarket::createOfferCall {
            collection,
            tokenId: token_a,
            amount: 0,
            terms,
        },
        U256::ZERO,
    );
    let price = U256::from(LEASE_SECS);
    send(
        &mut c,
        node,
        l,
        market,
        LicenseMarket::buyLeaseCall {
            offerId: offer_id,
            duration: LEASE_SECS,
            maxPrice: price,
            version: 1,
        },
        price,
    );
    let lic = view(
        &c,
        node,
        market,
        LicenseMarket::isLicensedCall {
            collection,
            tokenId: token_a,
            account: l,
        },
    );
    assert!(lic._0, "the lease was bought");
    World {
        node,
        market,
        registry: a.provenance,
        collection,
        token_a,
        token_b,
        token_c,
        token_d,
        wallet,
        lease_expiry: lic._1,
    }
}

/// A request expiry ten minutes ahead of both clocks.
pub(crate) fn expiry(w: &World) -> u64 {
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    wall.max(w.node.latest_timestamp()) + 600
}

pub(crate) fn assert_refused(out: &(u16, Value), status: u16, code: &str) {
    assert_eq!(out.0, status, "{}", out.1);
    assert_eq!(out.1["code"], code, "{}", out.1);
    assert!(
        out.1["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        out.1
    );
}
