//! The HTTP glue: routes, the request pipeline, the event poller, startup
//! and graceful shutdown. Every decision is made by the pure modules; this
//! file only sequences them.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::{Address, U256};
use alloy::signers::local::PrivateKeySigner;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use serde_json::json;
use stylus_ip_deploy::provenance::AssetRef;
use tokio::sync::watch;

use crate::cache::{invalidation_for, watched_topics, CacheKey, Entry, Invalidation, LicenceCache};

/// The most blocks one event poll scans; a longer gap drops the whole cache.
pub const MAX_LOG_RANGE: u64 = 5_000;
use crate::chain::{Chain, ChainError};
use crate::clock::{wall_ms, Clock};
use crate::config::{Config, Route};
use crate::error::GatewayError;
use crate::generation::{self, Context};
use crate::metrics::Metrics;
use crate::policy::{cache_until, effective_limit, Check};
use crate::request::{self, REQUEST_HEADER, SIGNATURE_HEADER};
use crate::store::{MemoryStore, RedisStore, SharedState};
use crate::upstream::UpstreamClient;
use crate::usage::UsageKey;

/// Everything a request handler shares.
pub struct AppState {
    config: Config,
    chain: Chain,
    lab: PrivateKeySigner,
    store: Arc<dyn SharedState>,
    cache: Mutex<LicenceCache>,
    clock: Clock,
    metrics: Arc<Metrics>,
    upstream: Option<UpstreamClient>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("lab", &self.lab.address())
            .finish_non_exhaustive()
    }
}

impl From<ChainError> for GatewayError {
    fn from(e: ChainError) -> Self {
        Self::ChainUnavailable(e.to_string())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn json_response(status: u16, body: &serde_json::Value) -> Response {
    let mut r = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body.to_string(),
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A granted decision and whether it came from the cache.
struct Decision {
    entry: Entry,
    cached: bool,
}

impl AppState {
    /// Verifies that the signature is `account`'s: ecrecover for an EOA,
    /// else ERC-1271 at the latest block.
    async fn verify_signer(
        &self,
        req: &request::GatewayRequest,
        sig: alloy::primitives::Bytes,
    ) -> Result<(), GatewayError> {
        let digest = request::signing_hash(req, self.config.chain_id, self.config.market);
        if request::recover_eoa(digest, &sig) == Some(req.account) {
            return Ok(());
        }
        let (block, ts) = self.chain.latest().await?;
        self.clock.observe_block(ts);
        if self
            .chain
            .erc1271_valid(req.account, digest, sig, block)
            .await?
        {
            Ok(())
        } else {
            Err(GatewayError::WrongSigner(req.account))
        }
    }

    /// The licence decision: from the cache while the event watch is fresh,
    /// else from the chain at the latest block (and cached).
    async fn decide(
        &self,
        route: &Route,
        req: &request::GatewayRequest,
    ) -> Result<Decision, GatewayError> {
        let key = CacheKey {
            route: route.name.clone(),
            collection: req.collection,
            token_id: req.tokenId,
            account: req.account,
        };
        if self.clock.watch_fresh(self.config.stale_after_ms()) {
            let now = self.clock.now();
            if let Some(entry) = lock(&self.cache).get(&key, now) {
                self.metrics.cache_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(Decision {
                    entry,
                    cached: true,
                });
            }
        }
        self.metrics.cache_misses.fetch_add(1, Ordering::Relaxed);
        let (block, ts) = self.chain.latest().await?;
        self.clock.observe_block(ts);
        let now = self.clock.now();
        for &check in route.policy.checks() {
            let grant = self
                .chain
                .grant(check, req.collection, req.tokenId, req.account, block, now)
                .await?;
            if let Some(g) = grant {
                let entry = Entry {
                    until: cache_until(&g, now, self.config.cache_ttl_secs),
                    check: g.check,
                    licence_until: g.until,
                    terms_hash: g.terms_hash,
                };
                lock(&self.cache).insert(key, entry, block);
                return Ok(Decision {
                    entry,
                    cached: false,
                });
            }
        }
        Err(GatewayError::NotLicensed {
            account: req.account,
            collection: req.collection,
            token_id: req.tokenId.to_string(),
            market: route.purchasable.then_some(self.config.market),
        })
    }

    /// The checks of a signed request that need no chain: headers parse,
    /// `bodyHash` matches, expiry window.
    fn authenticate_offline(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        who: &mut Option<Address>,
    ) -> Result<(request::GatewayRequest, alloy::primitives::Bytes), GatewayError> {
        let header_str = |name: &'static str| {
            headers
                .get(name)
                .ok_or(GatewayError::MissingHeader(name))?
                .to_str()
                .map_err(|_| GatewayError::MissingHeader(name))
        };
        let req = request::parse_request_header(header_str(REQUEST_HEADER)?)?;
        *who = Some(req.account);
        let sig = request::parse_signature_header(header_str(SIGNATURE_HEADER)?)?;
        request::check_body(&req, body)?;
        request::check_expiry(
            &req,
            self.clock.now(),
            self.config.max_request_lifetime_secs,
        )?;
        Ok((req, sig))
    }

    /// The signer is the account, and the nonce is fresh (then consumed).
    async fn authenticate_online(
        &self,
        req: &request::GatewayRequest,
        sig: alloy::primitives::Bytes,
    ) -> Result<(), GatewayError> {
        self.verify_signer(req, sig).await?;
        if self
            .store
            .claim_nonce(req.account, req.nonce, req.expiry, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(GatewayError::Replay {
                account: req.account,
                nonce: req.nonce.to_string(),
            })
        }
    }

    /// The pipeline of `GET /v1/usage?collection=&tokenId=`: a request
    /// signed by the token's owner (empty body) for that token.
    async fn usage_report(
        &self,
        query: Option<&str>,
        headers: &HeaderMap,
        who: &mut Option<Address>,
    ) -> Result<Response, GatewayError> {
        let (req, sig) = self.authenticate_offline(headers, b"", who)?;
        let (collection, token_id) = parse_usage_query(query)?;
        if (req.collection, req.tokenId) != (collection, token_id) {
            return Err(GatewayError::QueryMismatch);
        }
        self.authenticate_online(&req, sig).await?;
        let (block, ts) = self.chain.latest().await?;
        self.clock.observe_block(ts);
        let owner = self
            .chain
            .grant(Check::Owner, collection, token_id, req.account, block, ts)
            .await?;
        if owner.is_none() {
            return Err(GatewayError::NotOwner {
                account: req.account,
                collection,
                token_id: token_id.to_string(),
            });
        }
        let now = self.clock.now();
        let licences: Vec<_> = self
            .store
            .for_token(collection, token_id, now)
            .await?
            .into_iter()
            .map(|(k, used, limit)| {
                json!({
                    "route": k.route,
                    "account": k.account,
                    "usedToday": used,
                    "limit": limit,
                })
            })
            .collect();
        Ok(json_response(
            200,
            &json!({
                "collection": collection,
                "tokenId": token_id.to_string(),
                "day": now / crate::usage::DAY,
                "resetsAt": (now / crate::usage::DAY + 1) * crate::usage::DAY,
                "licences": licences,
            }),
        ))
    }

    /// The pipeline of `POST /v1/generate/<route>`.
    async fn serve(
        &self,
        route_name: &str,
        headers: &HeaderMap,
        body: &[u8],
        who: &mut Option<Address>,
    ) -> Result<Response, GatewayError> {
        let route = self
            .config
            .route(route_name)
            .ok_or_else(|| GatewayError::UnknownRoute(route_name.to_string()))?;
        let (req, sig) = self.authenticate_offline(headers, body, who)?;
        let (gen_req, canonical, width, height) = generation::parse_body(body)?;
        if !route.collections.is_empty() && !route.collections.contains(&req.collection) {
            return Err(GatewayError::CollectionNotServed(req.collection));
        }
        self.authenticate_online(&req, sig).await?;
        let decision = self.decide(route, &req).await?;
        let usage_key = UsageKey {
            route: route.name.clone(),
            collection: req.collection,
            token_id: req.tokenId,
            account: req.account,
        };
        let counted_at = self.clock.now();
        let limit = effective_limit(
            route.requests_per_day,
            decision
                .entry
                .terms_hash
                .and_then(|t| self.config.terms_limits.get(&t).copied()),
        );
        let usage = self
            .store
            .try_consume(&usage_key, counted_at, limit)
            .await?;
        let cx = Context {
            account: req.account,
            licensed: AssetRef {
                collection: req.collection,
                id: req.tokenId,
            },
            model_id: self.config.model_id,
            chain_id: self.config.chain_id,
            registry: self.config.registry,
            lab: &self.lab,
        };
        let generated = match &self.upstream {
            Some(u) => u
                .generate(&gen_req)
                .await
                .map(|out| (out.bytes, out.content_type)),
            None => Ok((
                generation::render_builtin(&gen_req, width, height),
                "image/png".to_string(),
            )),
        }
        .and_then(|(content, content_type)| {
            generation::attest_output(&gen_req, canonical, content, &cx).map(|g| (g, content_type))
        });
        let (g, content_type) = match generated {
            Ok(x) => x,
            Err(e) => {
                // Nothing was delivered: the request does not count. A
                // store that fails now keeps the count (logged by the store).
                let _ = self.store.refund(&usage_key, counted_at).await;
                return Err(e);
            }
        };
        let body = json!({
            "model": { "id": self.config.model_id.to_string(), "name": self.config.model_name },
            "image": {
                "contentType": content_type,
                "base64": base64::engine::general_purpose::STANDARD.encode(&g.content),
                "sha256": g.record.hashes.content_hash,
            },
            "record": g.record,
            "canonicalParams": g.canonical_params,
            "attestation": g.attestation,
            "licence": {
                "check": decision.entry.check.name(),
                "licenceUntil": decision.entry.licence_until,
                "termsHash": decision.entry.terms_hash,
                "cachedUntil": decision.entry.until,
                "fromCache": decision.cached,
            },
            "usage": { "used": usage.used, "limit": usage.limit, "resetsAt": usage.resets_at },
        });
        Ok(json_response(200, &body))
    }

    /// One poll: advance the clock, scan new blocks' events, invalidate.
    async fn poll(&self, cursor: &mut Option<u64>) -> Result<(), ChainError> {
        let (head, ts) = self.chain.latest().await?;
        self.clock.observe_block(ts);
        let mut watched: BTreeSet<Address> = lock(&self.cache).collections();
        watched.extend(
            self.config
                .routes
                .iter()
                .flat_map(|r| r.collections.iter().copied()),
        );
        watched.insert(self.config.market);
        let invalidations = match *cursor {
            // Too many blocks to scan at once (the watch was down for long):
            // forget every cached grant instead.
            Some(c) if head.saturating_sub(c) > MAX_LOG_RANGE => vec![Invalidation::All],
            Some(c) if head > c => self
                .chain
                .logs(c + 1, head, &watched, watched_topics())
                .await?
                .iter()
                .map(|l| invalidation_for(l, self.config.market))
                .collect(),
            _ => Vec::new(),
        };
        let through = cursor.map_or(head, |c| c.max(head));
        let dropped = lock(&self.cache).apply_scan(&invalidations, &watched, through);
        self.metrics
            .invalidations
            .fetch_add(dropped as u64, Ordering::Relaxed);
        *cursor = Some(through);
        self.clock.poll_ok();
        Ok(())
    }
}

/// Counts, logs (one JSON line) and renders a finished request.
fn finish(
    state: &AppState,
    label: &str,
    start: Instant,
    who: Option<Address>,
    result: Result<Response, GatewayError>,
) -> Response {
    let (status, code, resp) = match result {
        Ok(r) => (200, "ok", r),
        Err(e) => (e.status(), e.code(), json_response(e.status(), &e.body())),
    };
    state.metrics.request(label, status);
    if state.config.access_log {
        eprintln!(
            "{}",
            json!({
                "ts_ms": wall_ms(),
                "route": label,
                "status": status,
                "code": code,
                "account": who,
                "latency_ms": start.elapsed().as_secs_f64() * 1e3,
            })
        );
    }
    resp
}

async fn generate_handler(
    State(state): State<Arc<AppState>>,
    Path(route): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let start = Instant::now();
    let mut who = None;
    let result = state.serve(&route, &headers, &body, &mut who).await;
    let label = if state.config.route(&route).is_some() {
        route.as_str()
    } else {
        "unknown"
    };
    finish(&state, label, start, who, result)
}

async fn usage_handler(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let start = Instant::now();
    let mut who = None;
    let result = state.usage_report(uri.query(), &headers, &mut who).await;
    finish(&state, "usage", start, who, result)
}

/// Parses `collection=<address>&tokenId=<decimal or 0x-hex>` (in any order,
/// nothing else).
///
/// # Errors
/// [`GatewayError::BadQuery`] otherwise.
pub fn parse_usage_query(query: Option<&str>) -> Result<(Address, U256), GatewayError> {
    let (mut collection, mut token) = (None, None);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| GatewayError::BadQuery(format!("`{pair}` is not key=value")))?;
        let dup = || GatewayError::BadQuery(format!("`{k}` given twice"));
        match k {
            "collection" => {
                let a = v
                    .parse::<Address>()
                    .map_err(|e| GatewayError::BadQuery(format!("collection: {e}")))?;
                if collection.replace(a).is_some() {
                    return Err(dup());
                }
            }
            "tokenId" => {
                let t = v
                    .parse::<U256>()
                    .map_err(|e| GatewayError::BadQuery(format!("tokenId: {e}")))?;
                if token.replace(t).is_some() {
                    return Err(dup());
                }
            }
            _ => return Err(GatewayError::BadQuery(format!("unknown parameter `{k}`"))),
        }
    }
    match (collection, token) {
        (Some(c), Some(t)) => Ok((c, t)),
        _ => Err(GatewayError::BadQuery(
            "expected collection=<address>&tokenId=<uint256>".into(),
        )),
    }
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let fresh = state.clock.watch_fresh(state.config.stale_after_ms());
    json_response(
        200,
        &json!({
            "status": "ok",
            "chainWatchFresh": fresh,
            "chainTime": state.clock.chain_time(),
            "gatewayTime": state.clock.now(),
            "sinceLastPollMs": state.clock.since_last_poll_ms(),
            "scannedThrough": lock(&state.cache).scanned_through(),
            "cacheEntries": lock(&state.cache).len(),
            "store": state.store.kind(),
        }),
    )
}

/// Readiness: 200 while the chain watch is fresh and the store answers,
/// else 503 (cached grants are not served and chain reads are failing; or
/// every request would fail closed on the store).
async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let ready = if state.clock.watch_fresh(state.config.stale_after_ms()) {
        state.store.ready().await
    } else {
        Err(GatewayError::ChainUnavailable(format!(
            "no successful event poll within {} ms",
            state.config.stale_after_ms()
        )))
    };
    match ready {
        Ok(()) => json_response(200, &json!({ "status": "ready" })),
        Err(e) => json_response(e.status(), &e.body()),
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let mut r = state.metrics.render().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}

/// The router over `state`.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/generate/{route}", post(generate_handler))
        .route("/v1/usage", get(usage_handler))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// A running gateway.
#[derive(Debug)]
pub struct GatewayHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    poller: tokio::task::JoinHandle<()>,
}

impl GatewayHandle {
    /// Stops accepting, finishes in-flight requests, stops the poller.
    ///
    /// # Errors
    /// When the server failed.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.server.await??;
        self.poller.await?;
        Ok(())
    }

    /// Resolves when a shutdown was requested through `signal` (e.g. Ctrl-C),
    /// then shuts down.
    ///
    /// # Errors
    /// See [`GatewayHandle::shutdown`].
    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        signal.await;
        self.shutdown().await
    }
}

/// Resolves at Ctrl-C or (on Unix) SIGTERM: what the gateway binaries
/// (`stylus-ip-gateway`, `cargo ip gateway`) pass to
/// [`GatewayHandle::run_until`].
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Starts the gateway on `listener` against the node at `rpc_url`, signing
/// attestations with `lab`. The chain need not be reachable at startup.
///
/// # Errors
/// When the RPC URL does not parse or the listener has no address.
pub async fn start(
    config: Config,
    rpc_url: &str,
    lab: PrivateKeySigner,
    listener: tokio::net::TcpListener,
) -> anyhow::Result<GatewayHandle> {
    config.check()?;
    let metrics = Arc::new(Metrics::default());
    let chain = Chain::new(
        rpc_url,
        config.market,
        Duration::from_millis(config.chain_timeout_ms),
        metrics.clone(),
    )?;
    let poll = Duration::from_millis(config.poll_interval_ms);
    let config_upstream = config.upstream.as_ref().map(UpstreamClient::new);
    let store: Arc<dyn SharedState> = match (config.store.kind, &config.store.url) {
        (crate::config::StoreKind::Redis, Some(url)) => Arc::new(RedisStore::new(
            url,
            &config.store.key_prefix,
            Duration::from_millis(config.store.timeout_ms),
        )?),
        _ => Arc::new(MemoryStore::default()),
    };
    let state = Arc::new(AppState {
        config,
        chain,
        lab,
        store,
        cache: Mutex::new(LicenceCache::new()),
        clock: Clock::default(),
        metrics,
        upstream: config_upstream,
    });
    let addr = listener.local_addr()?;
    let (tx, rx) = watch::channel(false);
    let mut stop_poll = rx.clone();
    let poll_state = state.clone();
    let poller = tokio::spawn(async move {
        let mut cursor = None;
        // Logged on changes only (a node that is down would flood the log).
        let mut was_ok = None;
        loop {
            let ok = match poll_state.poll(&mut cursor).await {
                Ok(()) => {
                    poll_state.metrics.polls_ok.fetch_add(1, Ordering::Relaxed);
                    if was_ok == Some(false) {
                        eprintln!(
                            "{}",
                            json!({ "ts_ms": wall_ms(), "event": "poll_recovered" })
                        );
                    }
                    true
                }
                Err(e) => {
                    poll_state
                        .metrics
                        .polls_failed
                        .fetch_add(1, Ordering::Relaxed);
                    if was_ok != Some(false) {
                        eprintln!(
                            "{}",
                            json!({ "ts_ms": wall_ms(), "event": "poll_failed", "error": e.to_string() })
                        );
                    }
                    false
                }
            };
            was_ok = Some(ok);
            let now = poll_state.clock.now();
            poll_state.store.prune(now);
            tokio::select! {
                _ = stop_poll.changed() => break,
                () = tokio::time::sleep(poll) => {}
            }
        }
    });
    let mut stop_serve = rx;
    let server = tokio::spawn(async move {
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                let _ = stop_serve.changed().await;
            })
            .await
    });
    Ok(GatewayHandle {
        addr,
        shutdown: tx,
        server,
        poller,
    })
}

/// The check names of a route, for logs and docs.
#[must_use]
pub fn describe(route: &Route) -> String {
    route
        .policy
        .checks()
        .iter()
        .map(|c: &Check| c.name())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_queries() {
        let a = "0x00000000000000000000000000000000000000c0";
        let want = (a.parse::<Address>().unwrap(), U256::from(7));
        assert_eq!(
            parse_usage_query(Some(&format!("collection={a}&tokenId=7"))).unwrap(),
            want
        );
        assert_eq!(
            parse_usage_query(Some(&format!("tokenId=0x7&collection={a}"))).unwrap(),
            want
        );
        for bad in [
            None,
            Some(""),
            Some("tokenId=7"),
            Some(&*format!("collection={a}&tokenId=7&tokenId=8")),
            Some(&*format!("collection={a}&tokenId=x")),
            Some("collection=0x12&tokenId=7"),
            Some(&*format!("collection={a}&tokenId=7&page=2")),
            Some(&*format!("collection={a}&tokenId")),
        ] {
            assert_eq!(
                parse_usage_query(bad).unwrap_err().code(),
                "bad_query",
                "{bad:?}"
            );
        }
    }
}
