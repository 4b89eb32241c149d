//! The licence-gated gateway under load: verified requests per second and
//! latency percentiles of `POST /v1/generate/<route>` with a warm licence
//! cache, the gateway on one core.
//!
//! Set-up: the demo story (`stylus_ip_deploy::demo::run_with`, embedded
//! devnode) gives a licensee with a current licence; at the story's
//! "licensed" step the gateway starts in process on its own thread with a
//! single-threaded tokio runtime (one core), configured as
//! `Config::for_suite` without a daily limit and without the access log.
//! Every request is pre-signed by the licensee (own nonce; signing is not
//! timed) and is verified by the gateway in full: body hash, expiry, EIP-712
//! ecrecover, nonce, the licence decision (from the cache, warmed by the
//! first requests), usage, the built-in model's PNG, the record's hashes and
//! the lab's EIP-712 attestation. The load generator runs on another thread
//! (its own single-threaded runtime) with a fixed number of requests in
//! flight over keep-alive HTTP/1.1 on loopback; each answer's status is
//! checked (all must be 200).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy::primitives::U256;
use anyhow::{bail, ensure, Context, Result};
use serde::Serialize;
use stylus_ip_deploy::demo::{DemoHooks, LicenceStage, ModelCall};
use stylus_ip_gateway::client::{self, Client, RequestFor};
use stylus_ip_gateway::config::SUITE_ROUTE;
use stylus_ip_gateway::Config;

/// Requests timed.
pub const REQUESTS: usize = 20_000;
/// Requests in flight at once.
pub const CONCURRENCY: usize = 16;
/// Requests sent (and not timed) before timing, one at a time.
pub const WARMUP: usize = 200;
/// Side of the built-in model's square image, pixels.
pub const IMAGE_SIDE: u32 = 64;
/// The target: verified requests per second on one core.
pub const TARGET_RPS: f64 = 2_000.0;
/// The target: 99th-percentile latency, milliseconds.
pub const TARGET_P99_MS: f64 = 20.0;

/// What one load run measured.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GatewayLoad {
    /// Requests timed.
    pub requests: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Untimed requests before (the first fills the licence cache).
    pub warmup: usize,
    /// Side of the generated image, pixels.
    pub image_side: u32,
    /// Wall-clock seconds of the timed requests.
    pub seconds: f64,
    /// Verified requests per second.
    pub rps: f64,
    /// Median latency, ms (client side: send to full answer).
    pub p50_ms: f64,
    /// 99th-percentile latency, ms.
    pub p99_ms: f64,
    /// Slowest request, ms.
    pub max_ms: f64,
    /// Whether the binary was an optimised (release) build.
    pub release: bool,
    /// When it ran (UTC).
    pub generated: String,
    /// `/proc/loadavg` (1, 5, 15 min) before the run.
    pub load: String,
}

impl GatewayLoad {
    /// Whether both targets are met.
    #[must_use]
    pub fn met(&self) -> bool {
        self.rps >= TARGET_RPS && self.p99_ms <= TARGET_P99_MS
    }
}

/// The `q` quantile (0..=1) of sorted latencies, nearest rank.
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Plays the demo story on the embedded devnode and measures the gateway at
/// its "licensed" step.
///
/// # Errors
/// A failing story step, gateway start or request.
pub fn run(root: &std::path::Path, generated: String, load: String) -> Result<GatewayLoad> {
    let mut hooks = LoadHooks::default();
    let opts = stylus_ip_deploy::demo::DemoOptions {
        rpc_url: None,
        key: stylus_ip_deploy::keys::KeySource::DevDefault,
        skip_build: true,
        manifest: Some(std::env::temp_dir().join(format!(
            "stylus-ip-bench-gateway-{}.json",
            std::process::id()
        ))),
    };
    stylus_ip_deploy::demo::run_with(root, &opts, &mut hooks)?;
    let mut result = hooks
        .load
        .context("the demo never reached the licensed step")?;
    result.generated = generated;
    result.load = load;
    Ok(result)
}

#[derive(Default)]
struct LoadHooks {
    load: Option<GatewayLoad>,
}

impl DemoHooks for LoadHooks {
    async fn licensed(&mut self, stage: &LicenceStage) -> Result<Option<ModelCall>> {
        let stage = stage.clone();
        let load = tokio::task::spawn_blocking(move || measure(&stage)).await??;
        let line = format!(
            "{} verified requests/s, p50 {:.2} ms, p99 {:.2} ms (load test)",
            load.rps.round(),
            load.p50_ms,
            load.p99_ms
        );
        self.load = Some(load);
        Ok(Some(ModelCall { status: 200, line }))
    }

    async fn expired(&mut self, _: &LicenceStage) -> Result<Option<ModelCall>> {
        Ok(None)
    }
}

/// Starts the gateway on its own one-core runtime, loads it, stops it.
fn measure(stage: &LicenceStage) -> Result<GatewayLoad> {
    let mut config =
        Config::for_suite(stage.chain_id, stage.market, stage.registry, stage.model_id);
    config.access_log = false;
    for r in &mut config.routes {
        r.requests_per_day = None;
    }
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let rpc_url = stage.rpc_url.clone();
    let lab = stage.lab.clone();
    let server = std::thread::spawn(move || -> Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let handle = stylus_ip_gateway::start(config, &rpc_url, lab, listener).await?;
            let _ = addr_tx.send(handle.addr);
            handle
                .run_until(async {
                    let _ = stop_rx.await;
                })
                .await
        })
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(30))
        .context("the gateway did not start")?;
    let result = load(stage, &format!("http://{addr}"));
    let _ = stop_tx.send(());
    server
        .join()
        .map_err(|_| anyhow::anyhow!("the gateway thread panicked"))??;
    result
}

/// The load generator: pre-signs, warms up, then times [`REQUESTS`] with
/// [`CONCURRENCY`] in flight.
fn load(stage: &LicenceStage, base: &str) -> Result<GatewayLoad> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let client = Client::new(base);
        client
            .wait_for_chain_time(stage.chain_time, Duration::from_secs(10))
            .await?;
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let expiry = wall.max(stage.chain_time) + 3_000;
        let body = serde_json::to_vec(&serde_json::json!({
            "prompt": "a koi made of neon light, ukiyo-e, night rain",
            "seed": 421_337,
            "params": { "width": IMAGE_SIDE, "height": IMAGE_SIDE },
        }))?;
        eprintln!("gateway: pre-signing {} requests", WARMUP + REQUESTS);
        let signed = (0..WARMUP + REQUESTS)
            .map(|i| {
                client::sign(
                    &stage.licensee,
                    stage.chain_id,
                    stage.market,
                    RequestFor {
                        collection: stage.collection,
                        token_id: stage.token_id,
                        nonce: U256::from(1_000_000 + i as u64),
                        expiry,
                    },
                    body.clone(),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        for (i, req) in signed[..WARMUP].iter().enumerate() {
            let (status, answer) = client.generate(SUITE_ROUTE, req).await?;
            if status != 200 {
                bail!("warm-up request {i}: {status} {answer}");
            }
            if i > 0 {
                ensure!(
                    answer["licence"]["fromCache"] == true,
                    "warm-up request {i} was not served from the licence cache"
                );
            }
        }
        let timed = Arc::new(signed[WARMUP..].to_vec());
        let next = Arc::new(AtomicUsize::new(0));
        eprintln!("gateway: {REQUESTS} requests, {CONCURRENCY} in flight");
        let start = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (client, timed, next) = (client.clone(), timed.clone(), next.clone());
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(req) = timed.get(i) else {
                            return anyhow::Ok(latencies);
                        };
                        let t = Instant::now();
                        let (status, answer) = client.generate(SUITE_ROUTE, req).await?;
                        latencies.push(t.elapsed().as_secs_f64() * 1e3);
                        if status != 200 {
                            bail!("request {i}: {status} {answer}");
                        }
                    }
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(REQUESTS);
        for t in tasks {
            latencies.extend(t.await??);
        }
        let seconds = start.elapsed().as_secs_f64();
        latencies.sort_by(f64::total_cmp);
        Ok(GatewayLoad {
            requests: REQUESTS,
            concurrency: CONCURRENCY,
            warmup: WARMUP,
            image_side: IMAGE_SIDE,
            seconds,
            rps: REQUESTS as f64 / seconds,
            p50_ms: quantile(&latencies, 0.50),
            p99_ms: quantile(&latencies, 0.99),
            max_ms: quantile(&latencies, 1.0),
            release: !cfg!(debug_assertions),
            generated: String::new(),
            load: String::new(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&v, 1.0), 100.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
