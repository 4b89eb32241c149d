//! The gateway over real HTTP against the suite deployed on the embedded
//! devnode's JSON-RPC server (as `cargo ip deploy` deploys it), with real
//! signatures: alloy's, and viem's and ethers' through
//! `stylus_ip_tests::js::sign_typed_data` (a browser wallet's format).
//!
//! The chain story: the creator mints token A and offers it on the licence
//! market; licensee L (actor 0) buys a 30-day lease; owner O (actor 1) owns
//! token B, actor 2 token C, a minimal ERC-1271 wallet token D. The gateway
//! runs with a 50 ms event poll and a one-year cache TTL, so that only the
//! licence's own expiry or an event can end a cached grant. The numbered
//! scenarios run in order in one test because they share the chain and its
//! clock (scenario 10 warps it 31 days): served with attested provenance
//! (1, 2), replay (3), wrong signer (4), expired request (5), tampered body
//! (6), no licence (7), daily limit (8), the lessor's usage report (8b),
//! owner refused after a Transfer (9), lease lapsed after the warp (10),
//! ERC-1271 (11), cached grant not served once the chain is gone (12), the
//! upstream model server (13). `chain_down_fails_closed_with_503` needs no
//! chain at all.

mod common;

use alloy::primitives::{keccak256, Address, Signature, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use base64::Engine as _;
use common::*;
use serde_json::{json, Value};
use stylus_ip_deploy::bindings::IpCollection;
use stylus_ip_deploy::provenance::Record;
use stylus_ip_gateway::request::{self, GatewayRequest};
use stylus_ip_tests::js::{self, Library};
use stylus_ip_tests::rpc::actor_signer;

/// Signs with a wallet library, as the key `key`.
fn sign_js(
    library: Library,
    req: GatewayRequest,
    body: &[u8],
    key: B256,
    market: Address,
) -> Signed {
    let types = json!({
        "GatewayRequest": [
            { "name": "account", "type": "address" },
            { "name": "collection", "type": "address" },
            { "name": "tokenId", "type": "uint256" },
            { "name": "bodyHash", "type": "bytes32" },
            { "name": "nonce", "type": "uint256" },
            { "name": "expiry", "type": "uint64" },
        ]
    });
    let message = json!({
        "account": req.account.to_checksum(None),
        "collection": req.collection.to_checksum(None),
        "tokenId": req.tokenId.to_string(),
        "bodyHash": req.bodyHash,
        "nonce": req.nonce.to_string(),
        "expiry": req.expiry.to_string(),
    });
    let domain = js::domain_json(&request::domain(CHAIN_ID, market));
    let sig = js::sign_typed_data(library, key, &domain, &types, "GatewayRequest", &message)
        .unwrap_or_else(|e| panic!("{e:#}"));
    Signed {
        header: request::request_header_json(&req),
        signature: format!("0x{}", alloy::primitives::hex::encode(sig)),
        body: body.to_vec(),
    }
}

#[test]
fn licensees_are_served_with_attested_provenance_and_everyone_else_is_refused() {
    let w = world();
    let lab = PrivateKeySigner::random();
    let g = Gateway::start(
        &config_toml(w.market, w.registry, w.collection),
        &w.node.url,
        &lab,
    );
    g.wait_for("the first event poll", |g| {
        g.health()["chainWatchFresh"] == true
    });
    assert_eq!(g.get("/readyz").0, 200);
    let (l, o, stranger) = (actor_signer(0), actor_signer(1), actor_signer(3));
    let (coll, a, m) = (w.collection, w.token_a, w.market);
    // a request on token `token` of the collection by `signer` for itself,
    // signed with alloy for the market
    let sign = |token: U256, body: &[u8], signer: &PrivateKeySigner, expires: u64| {
        sign_alloy(
            unsigned(signer.address(), coll, token, body, expires),
            body,
            signer,
            m,
        )
    };

    // 1. The licensee, signed with alloy: served, from the chain.
    let b1 = body("a red fox in the snow", 42);
    let first = sign(a, &b1, &l, expiry(&w));
    let (status, r) = g.post_signed("gen", &first);
    assert_eq!(status, 200, "{r}");
    let png = base64::engine::general_purpose::STANDARD
        .decode(r["image"]["base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(png[16..24], [0, 0, 0, 16, 0, 0, 0, 8], "IHDR 16 x 8");
    let content: B256 = serde_json::from_value(r["image"]["sha256"].clone()).unwrap();
    assert_eq!(
        content.0,
        stylus_ip_provenance_hash::content_hash(&png).0,
        "the sha-256 of the PNG bytes"
    );
    let record: Record = serde_json::from_value(r["record"].clone()).unwrap();
    assert_eq!(record.hashes.content_hash, content);
    assert_eq!(
        record.hashes.prompt_hash,
        keccak256("a red fox in the snow")
    );
    assert_eq!(
        record.hashes.params_hash,
        keccak256(r#"{"height":8,"steps":30,"width":16}"#)
    );
    assert_eq!(
        (record.ids.collection, record.ids.id, record.ids.creator),
        (coll, a, l.address())
    );
    let att = &r["attestation"];
    let digest: B256 = serde_json::from_value(att["digest"].clone()).unwrap();
    assert_eq!(
        digest,
        record.digest(CHAIN_ID, w.registry),
        "the registry's EIP-712 digest"
    );
    let sig_bytes: alloy::primitives::Bytes =
        serde_json::from_value(att["signature"].clone()).unwrap();
    let sig = Signature::from_raw(&sig_bytes).unwrap();
    assert_eq!(
        sig.recover_address_from_prehash(&digest).unwrap(),
        lab.address(),
        "signed by the lab"
    );
    assert_eq!(r["licence"]["check"], "licensed");
    assert_eq!(r["licence"]["termsHash"], json!(B256::ZERO));
    assert_eq!(r["licence"]["fromCache"], false);
    assert_eq!(r["licence"]["licenceUntil"], w.lease_expiry);
    assert_eq!(
        r["licence"]["cachedUntil"], w.lease_expiry,
        "cached exactly until the lease ends, not the TTL"
    );
    assert_eq!(r["usage"]["used"], 1);

    // 2. Signed by viem, then ethers (a browser wallet's typed data): served from the cache.
    let key = l.to_bytes();
    for (i, lib) in Library::ALL.into_iter().enumerate() {
        let b = body("a red fox in the snow", 43 + i as u64);
        let s = sign_js(
            lib,
            unsigned(l.address(), coll, a, &b, expiry(&w)),
            &b,
            key,
            m,
        );
        let (status, r) = g.post_signed("gen", &s);
        assert_eq!(status, 200, "{}: {r}", lib.name());
        assert_eq!(r["licence"]["fromCache"], true, "{}", lib.name());
        assert_eq!(r["usage"]["used"], 2 + i);
    }
    assert!(g.metric("gateway_cache_hits_total") >= 2);

    // 3. A replayed request (same nonce): 409, whatever the body's validity.
    assert_refused(&g.post_signed("gen", &first), 409, "nonce_replayed");

    // 4. Signed by someone else for the licensee's account: 401.
    let b4 = body("forged", 1);
    let forged = sign_alloy(
        unsigned(l.address(), coll, a, &b4, expiry(&w)),
        &b4,
        &stranger,
        m,
    );
    assert_refused(&g.post_signed("gen", &forged), 401, "wrong_signer");
    // Signed for another market (another EIP-712 domain): 401 too.
    let other = sign_alloy(
        unsigned(l.address(), coll, a, &b4, expiry(&w)),
        &b4,
        &l,
        Address::repeat_byte(1),
    );
    assert_refused(&g.post_signed("gen", &other), 401, "wrong_signer");

    // 5. An expired request: 401.
    let b5 = body("late", 1);
    let late = sign(a, &b5, &l, expiry(&w) - 700);
    assert_refused(&g.post_signed("gen", &late), 401, "request_expired");

    // 6. A tampered body (the signed hash is another body's): 401.
    let b6 = body("a red fox in the snow", 42);
    let signed = sign(a, &b6, &l, expiry(&w));
    let tampered = body("a red fox in the snow, by another artist", 42);
    assert_refused(
        &g.post("gen", &signed.header, &signed.signature, &tampered),
        401,
        "body_hash_mismatch",
    );
    assert_refused(
        &g.post("gen", &signed.header, "0x1234", &b6),
        401,
        "wrong_signer",
    );
    assert_refused(
        &g.post("gen", "{}", &signed.signature, &b6),
        401,
        "bad_request_header",
    );

    // 7. Someone without a licence: 403; on a purchasable route 402 with the market.
    let b7 = body("free ride", 1);
    let s = sign(a, &b7, &stranger, expiry(&w));
    assert_refused(&g.post_signed("gen", &s), 403, "not_licensed");
    let s = sign(a, &b7, &stranger, expiry(&w));
    let out = g.post_signed("shop", &s);
    assert_refused(&out, 402, "licence_required");
    assert_eq!(out.1["market"], json!(m));

    // 8. The daily limit (10 on this route, 4 for the offer's terms hash):
    //    the 4th request is served, the 5th is 429.
    let b8 = body("fourth", 4);
    let s = sign(a, &b8, &l, expiry(&w));
    let (status, r) = g.post_signed("gen", &s);
    assert_eq!((status, &r["usage"]["used"]), (200, &json!(4)), "{r}");
    let b8 = body("fifth", 5);
    let s = sign(a, &b8, &l, expiry(&w));
    let out = g.post_signed("gen", &s);
    assert_refused(&out, 429, "rate_limited");
    assert_eq!(out.1["limit"], 4);

    // 8b. The lessor (the token's owner) reads the licence's counters with
    //     a signed GET; the licensee may not; the query must be the signed token.
    let creator = creator_key();
    assert_eq!(creator.address(), w.node.admin);
    let path = usage_path(coll, a);
    let s = sign(a, b"", &creator, expiry(&w));
    let (status, r) = g.get_signed(&path, &s);
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["licences"],
        json!([{ "route": "gen", "account": l.address(), "usedToday": 4, "limit": 4 }])
    );
    let s = sign(a, b"", &l, expiry(&w));
    assert_refused(&g.get_signed(&path, &s), 403, "not_owner");
    let s = sign(w.token_b, b"", &creator, expiry(&w));
    assert_refused(&g.get_signed(&path, &s), 401, "query_mismatch");
    assert_refused(
        &g.get_signed("/v1/usage?collection=0x12", &s),
        400,
        "bad_query",
    );

    // 9. Owner policy: O is served (then from the cache); after O transfers
    //    token B away, the Transfer event drops the cached grant (the TTL is a
    //    year) and O is refused.
    let bo = body("owner's portrait", 9);
    for cached in [false, true] {
        let s = sign(w.token_b, &bo, &o, expiry(&w));
        let (status, r) = g.post_signed("owners", &s);
        assert_eq!(status, 200, "{r}");
        assert_eq!(
            (&r["licence"]["check"], &r["licence"]["fromCache"]),
            (&json!("owner"), &json!(cached))
        );
        assert_eq!(r["licence"]["licenceUntil"], Value::Null);
    }
    let invalidated = g.metric("gateway_cache_invalidations_total");
    let mut c = w.node.unowned();
    send(
        &mut c,
        w.node,
        o.address(),
        coll,
        IpCollection::transferFromCall {
            from: o.address(),
            to: actor_signer(4).address(),
            tokenId: w.token_b,
        },
        U256::ZERO,
    );
    g.wait_for("the Transfer to invalidate the cache", |g| {
        g.metric("gateway_cache_invalidations_total") > invalidated
    });
    let s = sign(w.token_b, &bo, &o, expiry(&w));
    assert_refused(&g.post_signed("owners", &s), 403, "not_licensed");

    // 10. The lease lapses: warp 31 days (evm_increaseTime, an empty block,
    //     no transaction, so no event); once the gateway has seen the new
    //     block time, the licensee's first request is refused: the cached
    //     grant ended with the lease.
    let before = (
        g.metric("gateway_cache_invalidations_total"),
        g.metric("gateway_cache_misses_total"),
    );
    let rpc = |method: &str, params: Value| -> Value {
        g.rt.block_on(async {
            let r = g
                .http
                .post(&w.node.url)
                .header("content-type", "application/json")
                .body(
                    json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params })
                        .to_string(),
                )
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            serde_json::from_str::<Value>(&r).unwrap()
        })
    };
    assert!(rpc("evm_increaseTime", json!([31 * DAY]))["error"].is_null());
    assert!(rpc("evm_mine", json!([]))["error"].is_null());
    let warped = w.node.latest_timestamp();
    assert!(warped > w.lease_expiry);
    g.wait_for("the gateway to see the warped block", |g| {
        g.health()["chainTime"].as_u64() >= Some(warped)
    });
    let b10 = body("after the lease", 10);
    let s = sign(a, &b10, &l, expiry(&w));
    assert_refused(&g.post_signed("gen", &s), 403, "not_licensed");
    assert_eq!(
        g.metric("gateway_cache_invalidations_total"),
        before.0,
        "no event was needed"
    );
    assert_eq!(
        g.metric("gateway_cache_misses_total"),
        before.1 + 1,
        "the expired grant was not served"
    );

    // 11. A contract account (ERC-1271): the gateway asks the wallet about
    //     the request's EIP-712 digest; the wallet's yes serves, its no is 401.
    let bw = body("a wallet's commission", 11);
    let req = unsigned(w.wallet, coll, w.token_d, &bw, expiry(&w));
    let digest = request::signing_hash(&req, CHAIN_ID, m);
    let header = request::request_header_json(&req);
    let (status, r) = g.post("owners", &header, &digest.to_string(), &bw);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["record"]["creator"], json!(w.wallet));
    let req = unsigned(w.wallet, coll, w.token_d, &bw, expiry(&w));
    let header = request::request_header_json(&req);
    assert_refused(
        &g.post("owners", &header, &digest.to_string(), &bw),
        401,
        "wrong_signer",
    );

    // 12. The chain goes away after a grant was cached: once the event watch
    //     is stale the cached grant is not served (the gateway cannot know of
    //     a Transfer it did not see) and the request fails closed with 503.
    let upstream: std::net::SocketAddr = w
        .node
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let p = Proxy::start(upstream);
    let g2 = Gateway::start(
        &config_toml(w.market, w.registry, w.collection),
        &p.url,
        &lab,
    );
    g2.wait_for("the first event poll", |g| {
        g.health()["chainWatchFresh"] == true
    });
    let c2 = actor_signer(2);
    let bc = body("still mine?", 12);
    for cached in [false, true] {
        let s = sign(w.token_c, &bc, &c2, expiry(&w));
        let (status, r) = g2.post("owners", &s.header, &s.signature, &s.body);
        assert_eq!(
            (status, &r["licence"]["fromCache"]),
            (200, &json!(cached)),
            "{r}"
        );
    }
    p.cut();
    g2.wait_for("the event watch to go stale", |g| {
        g.health()["chainWatchFresh"] == false
    });
    let hits = g2.metric("gateway_cache_hits_total");
    let s = sign(w.token_c, &bc, &c2, expiry(&w));
    assert_refused(
        &g2.post("owners", &s.header, &s.signature, &s.body),
        503,
        "chain_unavailable",
    );
    assert_eq!(
        g2.metric("gateway_cache_hits_total"),
        hits,
        "the stale cache was not used"
    );
    g2.shutdown();

    // 13. An upstream model server: the gateway forwards prompt, seed and
    //     parameters (nothing about the licensee), attests the server's
    //     output, and never discloses the server's address, even when it fails.
    let up = FakeModel::start();
    // `[upstream]` goes before the first `[[routes]]` table.
    let config = config_toml(w.market, w.registry, w.collection).replacen(
        "\n[[routes]]",
        &format!(
            "\n[upstream]\nurl = \"{}/generate\"\ntimeout_ms = 5000\n\n[[routes]]",
            up.url
        ),
        1,
    );
    let g3 = Gateway::start(&config, &w.node.url, &lab);
    g3.wait_for("the first event poll", |g| {
        g.health()["chainWatchFresh"] == true
    });
    let bu = body("a heron at dawn", 77);
    let s = sign(w.token_c, &bu, &c2, expiry(&w));
    let (status, r) = g3.post("owners", &s.header, &s.signature, &s.body);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["image"]["contentType"], "image/webp");
    let out = base64::engine::general_purpose::STANDARD
        .decode(r["image"]["base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(out, FakeModel::OUTPUT);
    let record: Record = serde_json::from_value(r["record"].clone()).unwrap();
    assert_eq!(
        record.hashes.content_hash.0,
        stylus_ip_provenance_hash::content_hash(FakeModel::OUTPUT).0
    );
    let seen = up.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        serde_json::from_slice::<Value>(&seen[0].1).unwrap(),
        json!({ "prompt": "a heron at dawn", "seed": 77, "params": { "width": 16, "height": 8, "steps": 30 } })
    );
    assert!(
        seen[0].0.iter().all(|h| !h.starts_with("x-stylus-ip")),
        "{:?}",
        seen[0].0
    );
    let port = up.url.rsplit(':').next().unwrap().to_string();
    up.cut();
    let s = sign(w.token_c, &bu, &c2, expiry(&w));
    let out = g3.post("owners", &s.header, &s.signature, &s.body);
    assert_refused(&out, 502, "upstream_failed");
    // The failed generation did not count against the licence.
    // (Token C's owner, actor 2, reads its own usage.)
    let s = sign(w.token_c, b"", &c2, expiry(&w));
    let (status, r) = g3.get_signed(&usage_path(coll, w.token_c), &s);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["licences"][0]["usedToday"], 1, "{r}");
    assert!(!out.1.to_string().contains(&port), "{}", out.1);
    assert!(!r.to_string().contains(&port));
    g3.shutdown();

    // Every outcome is counted by status.
    let (_, metrics) = g.get("/metrics");
    for line in [
        "gateway_requests_total{route=\"gen\",status=\"200\"} 4",
        "gateway_requests_total{route=\"gen\",status=\"401\"} 6",
        "gateway_requests_total{route=\"gen\",status=\"409\"} 1",
        "gateway_requests_total{route=\"gen\",status=\"429\"} 1",
        "gateway_requests_total{route=\"shop\",status=\"402\"} 1",
        "gateway_requests_total{route=\"owners\",status=\"403\"} 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} not in\n{metrics}"
        );
    }
    let base = g.base.clone();
    g.shutdown();
    // Gracefully shut down: nothing listens any more.
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert!(rt
        .block_on(reqwest::Client::new().get(format!("{base}/healthz")).send())
        .is_err());
}

/// A model server on its own runtime answering every POST with
/// [`FakeModel::OUTPUT`]; it records the headers' names and the body it got.
struct FakeModel {
    rt: tokio::runtime::Runtime,
    url: String,
    #[allow(clippy::type_complexity)]
    seen: std::sync::Arc<std::sync::Mutex<Vec<(Vec<String>, Vec<u8>)>>>,
}

impl FakeModel {
    const OUTPUT: &'static [u8] = b"RIFF\x10\x00\x00\x00WEBPVP8 not really";

    fn start() -> Self {
        use axum::http::HeaderMap;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let app = axum::Router::new().route(
            "/generate",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let log = log.clone();
                async move {
                    let names = headers.keys().map(|k| k.as_str().to_string()).collect();
                    log.lock().unwrap().push((names, body.to_vec()));
                    ([("content-type", "image/webp")], Self::OUTPUT)
                }
            }),
        );
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(async move { axum::serve(listener, app).await });
        Self { rt, url, seen }
    }

    fn cut(self) {
        self.rt.shutdown_background();
    }
}

/// A TCP forwarder on its own runtime: [`Proxy::cut`] drops the listener
/// and every forwarded connection at once (a node going away).
struct Proxy {
    rt: tokio::runtime::Runtime,
    url: String,
}

impl Proxy {
    fn start(upstream: std::net::SocketAddr) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if let Ok(mut out) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
            }
        });
        Self { rt, url }
    }

    fn cut(self) {
        self.rt.shutdown_background();
    }
}

#[test]
fn chain_down_fails_closed_with_503() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (market, coll) = (Address::repeat_byte(0x11), Address::repeat_byte(0x22));
    let lab = PrivateKeySigner::random();
    let g = Gateway::start(
        &config_toml(market, Address::repeat_byte(0x33), coll),
        &format!("http://127.0.0.1:{port}"),
        &lab,
    );
    let l = actor_signer(0);
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let b = body("a red fox", 1);
    let s = sign_alloy(
        unsigned(l.address(), coll, U256::from(1), &b, wall + 600),
        &b,
        &l,
        market,
    );
    assert_refused(&g.post_signed("gen", &s), 503, "chain_unavailable");
    // Checks that need no chain still answer first.
    assert_refused(
        &g.post("gen", &s.header, &s.signature, &b),
        409,
        "nonce_replayed",
    );
    let s = sign_alloy(
        unsigned(l.address(), coll, U256::from(1), &b, wall + 600),
        &b,
        &l,
        market,
    );
    assert_refused(
        &g.post("gen", &s.header, &s.signature, b"{}"),
        401,
        "body_hash_mismatch",
    );
    let h = g.health();
    assert_eq!(h["chainWatchFresh"], false, "{h}");
    let (status, ready) = g.get("/readyz");
    assert_eq!(status, 503, "{ready}");
    assert!(ready.contains("chain_unavailable"), "{ready}");
    assert!(g.metric("gateway_event_poll_failures_total") >= 1);
    assert_eq!(g.get("/nope").0, 404);
    let (status, r) = g.post_signed("nope", &s);
    assert_eq!((status, &r["code"]), (404, &json!("unknown_route")));
    g.shutdown();
}
