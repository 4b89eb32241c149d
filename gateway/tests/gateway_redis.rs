//! Two gateway instances behind a (pretend) load balancer: both against the
//! same devnode and the same real `redis-server` (`[store] kind = "redis"`),
//! started here on a free port without persistence. A request served by one
//! is a replay at the other; the daily limit is one limit across both; the
//! lessor's usage report at either sees both instances' counts; with Redis
//! gone both fail closed (503 `store_unavailable`, `/readyz` too), and they heal by
//! themselves once Redis is back.
//!
//! `redis-server` must be installed (`apt-get install redis-server`; CI's
//! `.ci/run` installs it): without it this test fails, it never passes
//! silently.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloy::signers::local::PrivateKeySigner;
use common::*;
use serde_json::json;
use stylus_ip_tests::rpc::actor_signer;

/// A `redis-server` child on `127.0.0.1:port`, killed on drop.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts `redis-server` on `port` (a free one when `None`) and waits
    /// until it answers `PING`.
    fn start(port: Option<u16>) -> Self {
        let port = port.unwrap_or_else(|| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        });
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run redis-server ({e}): install it (apt-get install -y redis-server; \
                     .ci/run installs it in CI)"
                )
            });
        let mut server = Self { child, port };
        let start = Instant::now();
        loop {
            if let Ok(pong) = server.command(&["PING"]) {
                assert_eq!(pong, "+PONG");
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("redis-server exited at start ({status}): is port {port} taken?");
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "redis-server did not answer PING within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// One command in RESP; the first line of the answer (`+OK`, `:42`,
    /// `$-1`, …; a bulk string's value line follows its `$len` line, so
    /// `$n` answers are followed by reading that line too).
    fn command(&self, args: &[&str]) -> std::io::Result<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(2)))?;
        let mut req = format!("*{}\r\n", args.len());
        for a in args {
            req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        s.write_all(req.as_bytes())?;
        let mut r = BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line)?;
        if line.starts_with('$') && !line.starts_with("$-1") {
            line.clear();
            r.read_line(&mut line)?;
        }
        Ok(line.trim_end().to_string())
    }

    /// Kills the server and waits for it.
    fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn integer(reply: &str) -> i64 {
    reply
        .strip_prefix(':')
        .unwrap_or_else(|| panic!("not an integer reply: {reply}"))
        .parse()
        .unwrap()
}

#[test]
fn two_instances_share_nonces_and_limits_through_redis_and_fail_closed_without_it() {
    let redis = RedisServer::start(None);
    let w = world();
    let lab = PrivateKeySigner::random();
    let prefix = format!("gw-test-{}:", std::process::id());
    let config = with_redis_store(
        &config_toml(w.market, w.registry, w.collection),
        &redis.url(),
        &prefix,
    );
    let (ga, gb) = (
        Gateway::start(&config, &w.node.url, &lab),
        Gateway::start(&config, &w.node.url, &lab),
    );
    for g in [&ga, &gb] {
        g.wait_for("the first event poll", |g| {
            g.health()["chainWatchFresh"] == true
        });
        assert_eq!(g.health()["store"], "redis");
        assert_eq!(g.get("/readyz").0, 200);
    }
    let l = actor_signer(0);
    let (coll, a, m) = (w.collection, w.token_a, w.market);
    let signed = |prompt: &str, seed: u64| {
        let b = body(prompt, seed);
        sign_alloy(unsigned(l.address(), coll, a, &b, expiry(&w)), &b, &l, m)
    };

    // 1. Served by A, the same signed request is a replay at B.
    let first = signed("a red fox", 1);
    let (status, r) = ga.post("gen", &first.header, &first.signature, &first.body);
    assert_eq!((status, &r["usage"]["used"]), (200, &json!(1)), "{r}");
    assert_refused(
        &gb.post("gen", &first.header, &first.signature, &first.body),
        409,
        "nonce_replayed",
    );
    // The nonce's key lives until the request's expiry (plus the margin) on
    // Redis's clock.
    let req = stylus_ip_gateway::request::parse_request_header(&first.header).unwrap();
    let nonce_key = format!(
        "{prefix}nonce:{}:{}",
        alloy::primitives::hex::encode_prefixed(l.address()),
        req.nonce
    );
    let exp = integer(&redis.command(&["EXPIRETIME", &nonce_key]).unwrap());
    let want = req.expiry + stylus_ip_gateway::store::NONCE_MARGIN_SECS;
    assert_eq!(u64::try_from(exp).unwrap(), want, "{nonce_key}");

    // 2. One daily limit (4 for the offer's terms hash) across both: A, A
    //    (the first above), B, A are served with counts 2, 3, 4; the fifth is
    //    429 at either instance.
    for (g, used) in [(&ga, 2), (&gb, 3), (&ga, 4)] {
        let s = signed("counted", used);
        let (status, r) = g.post_signed("gen", &s);
        assert_eq!((status, &r["usage"]["used"]), (200, &json!(used)), "{r}");
    }
    for g in [&gb, &ga] {
        let s = signed("one too many", 5);
        let out = g.post_signed("gen", &s);
        assert_refused(&out, 429, "rate_limited");
        assert_eq!(out.1["limit"], 4);
    }

    // 3. The lessor's usage report at B counts what A served.
    let creator = creator_key();
    let path = usage_path(coll, a);
    let report = |g: &Gateway| {
        let s = sign_alloy(
            unsigned(creator.address(), coll, a, b"", expiry(&w)),
            b"",
            &creator,
            m,
        );
        g.get_signed(&path, &s)
    };
    for g in [&gb, &ga] {
        let (status, r) = report(g);
        assert_eq!(status, 200, "{r}");
        assert_eq!(
            r["licences"],
            json!([{ "route": "gen", "account": l.address(), "usedToday": 4, "limit": 4 }])
        );
    }

    // 4. Redis goes away: both instances refuse with 503, whatever the
    //    request (a fresh one, the usage report), and serve nothing.
    let port = redis.port;
    redis.stop();
    for g in [&ga, &gb] {
        let s = signed("no store", 6);
        assert_refused(&g.post_signed("gen", &s), 503, "store_unavailable");
        assert_refused(&report(g), 503, "store_unavailable");
        let (status, ready) = g.get("/readyz");
        assert_eq!(status, 503, "{ready}");
        assert!(ready.contains("store_unavailable"), "{ready}");
    }
    // The request refused while Redis was down was not recorded anywhere:
    // once Redis is back (empty: it keeps nothing on disk here) the same
    // signed request is served, once.
    let retried = signed("after the outage", 7);
    assert_refused(
        &ga.post("gen", &retried.header, &retried.signature, &retried.body),
        503,
        "store_unavailable",
    );
    let redis = RedisServer::start(Some(port));
    assert_eq!(ga.get("/readyz").0, 200, "healed");
    let (status, r) = gb.post("gen", &retried.header, &retried.signature, &retried.body);
    assert_eq!((status, &r["usage"]["used"]), (200, &json!(1)), "{r}");
    assert_refused(
        &ga.post("gen", &retried.header, &retried.signature, &retried.body),
        409,
        "nonce_replayed",
    );

    let metrics = ga.get("/metrics").1;
    assert!(
        metrics
            .lines()
            .any(|l| l == "gateway_requests_total{route=\"gen\",status=\"503\"} 2"),
        "{metrics}"
    );
    ga.shutdown();
    gb.shutdown();
    redis.stop();
}
