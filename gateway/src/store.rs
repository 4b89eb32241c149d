//! Where the gateway remembers used nonces and counts usage: in memory (one
//! process, the default) or in Redis, shared by every instance behind a load
//! balancer (`[store] kind = "redis"`).
//!
//! Both stores give the same answers to one instance; the Redis one gives
//! them across instances, each decision being one atomic Redis command or
//! Lua script:
//!
//! | operation | Redis |
//! |---|---|
//! | claim a nonce | `SET <p>nonce:<account>:<nonce> 1 NX EXAT <expiry + margin>` |
//! | count a request | [`CONSUME_LUA`] on `<p>usage:<day>:<collection>:<token>:<route>:<account>` (a hash: `used`, `limit`) and `<p>licences:<day>:<collection>:<token>` (a set of `<route>:<account>`) |
//! | take one back | [`REFUND_LUA`]: `used - 1`, floored at 0 |
//! | today's count | `HGET … used` |
//! | a token's licences | `SMEMBERS <p>licences:…`, then `HMGET … used limit` for each |
//!
//! `<p>` is the configured `key_prefix`, `<day>` the UTC day number of
//! gateway time, addresses lowercase `0x` hex, numbers decimal.
//!
//! # Clocks
//!
//! A nonce key expires at the request's own `expiry` (plus
//! [`NONCE_MARGIN_SECS`]) on Redis's clock (`EXAT`), not after a duration
//! computed from gateway time. An instance accepts a request only while its
//! gateway time, which is at least its wall clock, is at most `expiry`; so
//! with wall clocks in step (NTP, within the margin) the key outlives every
//! instance's willingness to accept the request. A duration (`EX expiry -
//! now`) would instead tie the key's life to the claiming instance's chain
//! time, which may run ahead (a warped dev chain) while another instance has
//! not yet seen that block, and the key could vanish while the other
//! instance still accepts the request.
//!
//! Usage counters are named by their day (of gateway time), so a new day is
//! a new key whatever Redis's clock says; their expiry is only garbage
//! collection, a day after their own day ends ([`usage_expire_at`]).
//!
//! # Failures
//!
//! Any Redis error or timeout is [`GatewayError::StoreUnavailable`] (503):
//! the gateway fails closed and never serves a request whose nonce it could
//! not record or whose use it could not count.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use alloy::primitives::{hex, Address, U256};
use serde_json::json;

use crate::clock::wall_ms;
use crate::error::GatewayError;
use crate::nonce::NonceTable;
use crate::usage::{Usage, UsageCounters, UsageKey, DAY};

/// What a store operation resolves to.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

/// A licence's counter for [`SharedState::for_token`]: the licence, its
/// requests today and the limit last applied to it.
pub type TokenUsage = (UsageKey, u32, Option<u32>);

/// Used nonces and usage counters, as the request pipeline needs them. Every
/// method answers [`GatewayError::StoreUnavailable`] when the store cannot
/// be reached; `now` and `counted_at` are gateway time.
pub trait SharedState: Send + Sync {
    /// Records `(account, nonce)` for a request valid until `expiry`; `false`
    /// if it was already recorded (a replay).
    fn claim_nonce(
        &self,
        account: Address,
        nonce: U256,
        expiry: u64,
        now: u64,
    ) -> StoreFuture<'_, bool>;

    /// Counts one request of `key` today against `limit` requests per day.
    /// [`GatewayError::RateLimited`] when today's count already reached the
    /// limit (the request is not counted).
    fn try_consume<'a>(
        &'a self,
        key: &'a UsageKey,
        now: u64,
        limit: Option<u32>,
    ) -> StoreFuture<'a, Usage>;

    /// Takes back one request counted at `counted_at` (one that delivered
    /// nothing), on that day's counter, never below zero.
    fn refund<'a>(&'a self, key: &'a UsageKey, counted_at: u64) -> StoreFuture<'a, ()>;

    /// Requests counted today for `key`.
    fn used_today<'a>(&'a self, key: &'a UsageKey, now: u64) -> StoreFuture<'a, u32>;

    /// Today's non-zero counters of every licence of `(collection,
    /// token_id)`, sorted by route then account.
    fn for_token(
        &self,
        collection: Address,
        token_id: U256,
        now: u64,
    ) -> StoreFuture<'_, Vec<TokenUsage>>;

    /// Forgets what can no longer matter at `now` (a store whose entries
    /// expire by themselves does nothing).
    fn prune(&self, _now: u64) {}

    /// Whether the store answers now (`/readyz`); the memory store always
    /// does.
    fn ready(&self) -> StoreFuture<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// The store's kind, as `/healthz` reports it.
    fn kind(&self) -> &'static str;
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The in-memory store: one process's [`NonceTable`] and [`UsageCounters`].
#[derive(Debug, Default)]
pub struct MemoryStore {
    nonces: Mutex<NonceTable>,
    usage: Mutex<UsageCounters>,
}

impl SharedState for MemoryStore {
    fn claim_nonce(
        &self,
        account: Address,
        nonce: U256,
        expiry: u64,
        now: u64,
    ) -> StoreFuture<'_, bool> {
        let fresh = lock(&self.nonces).claim(account, nonce, expiry, now);
        Box::pin(std::future::ready(Ok(fresh)))
    }

    fn try_consume<'a>(
        &'a self,
        key: &'a UsageKey,
        now: u64,
        limit: Option<u32>,
    ) -> StoreFuture<'a, Usage> {
        let r = lock(&self.usage).try_consume(key.clone(), now, limit);
        Box::pin(std::future::ready(r))
    }

    fn refund<'a>(&'a self, key: &'a UsageKey, counted_at: u64) -> StoreFuture<'a, ()> {
        lock(&self.usage).refund(key, counted_at);
        Box::pin(std::future::ready(Ok(())))
    }

    fn used_today<'a>(&'a self, key: &'a UsageKey, now: u64) -> StoreFuture<'a, u32> {
        let n = lock(&self.usage).used_today(key, now);
        Box::pin(std::future::ready(Ok(n)))
    }

    fn for_token(
        &self,
        collection: Address,
        token_id: U256,
        now: u64,
    ) -> StoreFuture<'_, Vec<TokenUsage>> {
        let v = lock(&self.usage).for_token(collection, token_id, now);
        Box::pin(std::future::ready(Ok(v)))
    }

    fn prune(&self, now: u64) {
        lock(&self.nonces).prune(now);
        lock(&self.usage).prune(now);
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

/// Seconds a nonce key outlives its request's expiry on Redis's clock: the
/// tolerated wall-clock difference between an instance and Redis.
pub const NONCE_MARGIN_SECS: u64 = 300;

/// The Redis expiry (`EXAT`, unix seconds) of a nonce claimed for a request
/// valid until `expiry`.
#[must_use]
pub fn nonce_expire_at(expiry: u64) -> u64 {
    expiry.saturating_add(NONCE_MARGIN_SECS)
}

/// The UTC day number of `now`, and when it ends (when its counters reset).
#[must_use]
pub fn day_of(now: u64) -> (u64, u64) {
    let day = now / DAY;
    (day, (day + 1).saturating_mul(DAY))
}

/// The Redis expiry (`EXAT`) of day `day`'s counters: one day after the day
/// ends, so that no instance whose clock is a little behind still counts on
/// a key Redis dropped.
#[must_use]
pub fn usage_expire_at(day: u64) -> u64 {
    (day + 2).saturating_mul(DAY)
}

/// The Redis key names, under a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisKeys {
    /// Put before every key (`key_prefix`), e.g. `stylus-ip-gateway:`.
    pub prefix: String,
}

fn addr(a: Address) -> String {
    hex::encode_prefixed(a)
}

impl RedisKeys {
    /// `<p>nonce:<account>:<nonce>`.
    #[must_use]
    pub fn nonce(&self, account: Address, nonce: U256) -> String {
        format!("{}nonce:{}:{nonce}", self.prefix, addr(account))
    }

    /// `<p>usage:<day>:<collection>:<token>:<route>:<account>`: a hash of
    /// `used` and `limit` (absent: none).
    #[must_use]
    pub fn usage(&self, day: u64, key: &UsageKey) -> String {
        format!(
            "{}usage:{day}:{}:{}:{}:{}",
            self.prefix,
            addr(key.collection),
            key.token_id,
            key.route,
            addr(key.account)
        )
    }

    /// `<p>licences:<day>:<collection>:<token>`: the set of
    /// [`RedisKeys::member`]s counted that day.
    #[must_use]
    pub fn licences(&self, day: u64, collection: Address, token_id: U256) -> String {
        format!(
            "{}licences:{day}:{}:{token_id}",
            self.prefix,
            addr(collection)
        )
    }

    /// A licence in its token's set: `<route>:<account>` (route names have
    /// no `:`).
    #[must_use]
    pub fn member(key: &UsageKey) -> String {
        format!("{}:{}", key.route, addr(key.account))
    }

    /// The licence of a set member of `(collection, token_id)`; `None` if
    /// the member is not one.
    #[must_use]
    pub fn parse_member(member: &str, collection: Address, token_id: U256) -> Option<UsageKey> {
        let (route, account) = member.split_once(':')?;
        Some(UsageKey {
            route: route.to_string(),
            collection,
            token_id,
            account: account.parse().ok()?,
        })
    }
}

/// The atomic check-and-count. `KEYS[1]` the licence's counter hash,
/// `KEYS[2]` its token's set; `ARGV[1]` the limit (`-1`: none), `ARGV[2]`
/// the keys' `EXPIREAT`, `ARGV[3]` the set member. Returns `{1, used}` when
/// counted, `{0, used}` when the limit is reached. A Lua script runs alone
/// in Redis, so no other instance's request lands between the read and the
/// increment.
pub const CONSUME_LUA: &str = r"
local limit = tonumber(ARGV[1])
local used = tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
if limit >= 0 then
  redis.call('HSET', KEYS[1], 'limit', limit)
else
  redis.call('HDEL', KEYS[1], 'limit')
end
local ok = 0
if limit < 0 or used < limit then
  used = redis.call('HINCRBY', KEYS[1], 'used', 1)
  ok = 1
end
redis.call('EXPIREAT', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('EXPIREAT', KEYS[2], ARGV[2])
return {ok, used}
";

/// Takes back one request: `KEYS[1]` the counter hash; `used - 1`, floored
/// at 0; nothing when the key is gone. Returns the new count.
pub const REFUND_LUA: &str = r"
local used = tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
if used > 0 then
  return redis.call('HINCRBY', KEYS[1], 'used', -1)
end
return 0
";

/// The Redis store. It connects on first use and again after any error, so
/// a Redis restart heals by itself; while Redis is unreachable every
/// operation fails with [`GatewayError::StoreUnavailable`].
pub struct RedisStore {
    client: redis::Client,
    keys: RedisKeys,
    timeout: Duration,
    conn: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
    healthy: AtomicBool,
    consume: redis::Script,
    refund: redis::Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: not shown.
        f.debug_struct("RedisStore")
            .field("keys", &self.keys)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store on the Redis at `url` (`redis://host:port/db`), its keys under
    /// `prefix`, each operation bounded by `timeout`. Does not connect.
    ///
    /// # Errors
    /// When the URL does not parse.
    pub fn new(url: &str, prefix: &str, timeout: Duration) -> anyhow::Result<Self> {
        // The error is not echoed: the URL may hold a password.
        let client = redis::Client::open(url)
            .map_err(|_| anyhow::anyhow!("[store] url is not a valid Redis URL"))?;
        Ok(Self {
            client,
            keys: RedisKeys {
                prefix: prefix.to_string(),
            },
            timeout,
            conn: tokio::sync::Mutex::new(None),
            healthy: AtomicBool::new(true),
            consume: redis::Script::new(CONSUME_LUA),
            refund: redis::Script::new(REFUND_LUA),
        })
    }

    async fn connection(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        let mut slot = self.conn.lock().await;
        if let Some(c) = &*slot {
            return Ok(c.clone());
        }
        let c = self.client.get_multiplexed_async_connection().await?;
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Runs `op` on a connection within the timeout; any failure drops the
    /// connection (the next operation reconnects) and is 503.
    async fn run<'a, T, F, Fut>(&'a self, op: F) -> Result<T, GatewayError>
    where
        F: FnOnce(redis::aio::MultiplexedConnection) -> Fut + Send + 'a,
        Fut: Future<Output = redis::RedisResult<T>> + Send + 'a,
    {
        let outcome = tokio::time::timeout(self.timeout, async {
            let c = self.connection().await?;
            op(c).await
        })
        .await;
        let error = match outcome {
            Ok(Ok(v)) => {
                if !self.healthy.swap(true, Ordering::AcqRel) {
                    eprintln!(
                        "{}",
                        json!({ "ts_ms": wall_ms(), "event": "store_recovered" })
                    );
                }
                return Ok(v);
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {} ms", self.timeout.as_millis()),
        };
        *self.conn.lock().await = None;
        // Logged on changes only (a Redis that is down would flood the log).
        if self.healthy.swap(false, Ordering::AcqRel) {
            eprintln!(
                "{}",
                json!({ "ts_ms": wall_ms(), "event": "store_failed", "error": error })
            );
        }
        Err(GatewayError::StoreUnavailable)
    }
}

fn u32_of(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl SharedState for RedisStore {
    fn claim_nonce(
        &self,
        account: Address,
        nonce: U256,
        expiry: u64,
        _now: u64,
    ) -> StoreFuture<'_, bool> {
        let key = self.keys.nonce(account, nonce);
        Box::pin(self.run(move |mut c| async move {
            let set: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(1)
                .arg("NX")
                .arg("EXAT")
                .arg(nonce_expire_at(expiry))
                .query_async(&mut c)
                .await?;
            Ok(set.is_some())
        }))
    }

    fn try_consume<'a>(
        &'a self,
        key: &'a UsageKey,
        now: u64,
        limit: Option<u32>,
    ) -> StoreFuture<'a, Usage> {
        let (day, resets_at) = day_of(now);
        let counter = self.keys.usage(day, key);
        let set = self.keys.licences(day, key.collection, key.token_id);
        let member = RedisKeys::member(key);
        Box::pin(async move {
            let (ok, used): (i64, i64) = self
                .run(move |mut c| async move {
                    self.consume
                        .key(counter)
                        .key(set)
                        .arg(limit.map_or(-1, i64::from))
                        .arg(usage_expire_at(day))
                        .arg(member)
                        .invoke_async(&mut c)
                        .await
                })
                .await?;
            match (ok, limit) {
                (1, _) => Ok(Usage {
                    used: u32_of(used),
                    limit,
                    resets_at,
                }),
                (_, Some(limit)) => Err(GatewayError::RateLimited { limit, resets_at }),
                (_, None) => Err(GatewayError::Internal(
                    "the usage script refused an unlimited licence".into(),
                )),
            }
        })
    }

    fn refund<'a>(&'a self, key: &'a UsageKey, counted_at: u64) -> StoreFuture<'a, ()> {
        let counter = self.keys.usage(counted_at / DAY, key);
        Box::pin(self.run(move |mut c| async move {
            let _: i64 = self.refund.key(counter).invoke_async(&mut c).await?;
            Ok(())
        }))
    }

    fn used_today<'a>(&'a self, key: &'a UsageKey, now: u64) -> StoreFuture<'a, u32> {
        let counter = self.keys.usage(now / DAY, key);
        Box::pin(self.run(move |mut c| async move {
            let n: Option<i64> = redis::cmd("HGET")
                .arg(counter)
                .arg("used")
                .query_async(&mut c)
                .await?;
            Ok(u32_of(n.unwrap_or(0)))
        }))
    }

    fn for_token(
        &self,
        collection: Address,
        token_id: U256,
        now: u64,
    ) -> StoreFuture<'_, Vec<TokenUsage>> {
        let day = now / DAY;
        let set = self.keys.licences(day, collection, token_id);
        Box::pin(async move {
            let rows: Vec<(String, Option<i64>, Option<i64>)> = self
                .run(move |mut c| async move {
                    let members: Vec<String> =
                        redis::cmd("SMEMBERS").arg(set).query_async(&mut c).await?;
                    let mut pipe = redis::pipe();
                    for m in &members {
                        if let Some(k) = RedisKeys::parse_member(m, collection, token_id) {
                            pipe.cmd("HMGET")
                                .arg(self.keys.usage(day, &k))
                                .arg("used")
                                .arg("limit");
                        }
                    }
                    let counters: Vec<(Option<i64>, Option<i64>)> = if members.is_empty() {
                        Vec::new()
                    } else {
                        pipe.query_async(&mut c).await?
                    };
                    let parsed = members
                        .into_iter()
                        .filter(|m| RedisKeys::parse_member(m, collection, token_id).is_some());
                    Ok(parsed
                        .zip(counters)
                        .map(|(m, (used, limit))| (m, used, limit))
                        .collect())
                })
                .await?;
            let mut out: Vec<TokenUsage> = rows
                .into_iter()
                .filter_map(|(m, used, limit)| {
                    let k = RedisKeys::parse_member(&m, collection, token_id)?;
                    let used = u32_of(used.unwrap_or(0));
                    (used > 0).then(|| (k, used, limit.map(u32_of)))
                })
                .collect();
            out.sort_by(|a, b| (&a.0.route, a.0.account).cmp(&(&b.0.route, b.0.account)));
            Ok(out)
        })
    }

    fn ready(&self) -> StoreFuture<'_, ()> {
        Box::pin(self.run(|mut c| async move {
            let _: String = redis::cmd("PING").query_async(&mut c).await?;
            Ok(())
        }))
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> UsageKey {
        UsageKey {
            route: "gen".into(),
            collection: Address::repeat_byte(0xab),
            token_id: U256::from(7),
            account: Address::repeat_byte(0xcd),
        }
    }

    #[test]
    fn key_names() {
        let k = RedisKeys {
            prefix: "gw:".into(),
        };
        let a = "0xabababababababababababababababababababab";
        let c = "0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
        assert_eq!(
            k.nonce(Address::repeat_byte(0xcd), U256::from(42)),
            format!("gw:nonce:{c}:42")
        );
        assert_eq!(
            k.usage(20_000, &key()),
            format!("gw:usage:20000:{a}:7:gen:{c}")
        );
        assert_eq!(
            k.licences(20_000, key().collection, key().token_id),
            format!("gw:licences:20000:{a}:7")
        );
        let m = RedisKeys::member(&key());
        assert_eq!(m, format!("gen:{c}"));
        assert_eq!(
            RedisKeys::parse_member(&m, key().collection, key().token_id),
            Some(key())
        );
        for bad in ["gen", "gen:0x12", ":", ""] {
            assert_eq!(
                RedisKeys::parse_member(bad, key().collection, key().token_id),
                None,
                "{bad}"
            );
        }
        // A checksummed address and a lowercase one name the same key.
        let upper: Address = "0xABABABABABABABABABABABABABABABABABABABAB"
            .parse()
            .unwrap();
        assert_eq!(
            k.licences(1, upper, U256::from(7)),
            k.licences(1, key().collection, U256::from(7))
        );
    }

    #[test]
    fn day_boundaries_and_expiries() {
        assert_eq!(day_of(0), (0, DAY));
        assert_eq!(day_of(DAY - 1), (0, DAY));
        assert_eq!(day_of(DAY), (1, 2 * DAY));
        let now = 20_000 * DAY + 123;
        let (day, resets) = day_of(now);
        assert_eq!((day, resets), (20_000, 20_001 * DAY));
        // Counters outlive their day by a whole day, never less.
        assert_eq!(usage_expire_at(day), resets + DAY);
        assert!(usage_expire_at(day) > resets);
        // Nonce keys outlive the request's expiry by the margin.
        assert_eq!(nonce_expire_at(now + 600), now + 600 + NONCE_MARGIN_SECS);
        assert_eq!(nonce_expire_at(u64::MAX), u64::MAX);
        assert_eq!(u32_of(-3), 0);
        assert_eq!(u32_of(i64::MAX), u32::MAX);
    }

    #[test]
    fn a_bad_url_is_refused_without_echoing_it() {
        let e = RedisStore::new("http://user:secret@x", "p:", Duration::from_secs(1))
            .unwrap_err()
            .to_string();
        assert!(!e.contains("secret"), "{e}");
        assert!(RedisStore::new("redis://127.0.0.1:1/0", "p:", Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn an_unreachable_redis_fails_closed() {
        // A port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = RedisStore::new(
            &format!("redis://127.0.0.1:{port}/0"),
            "t:",
            Duration::from_millis(500),
        )
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let e = s
                .claim_nonce(Address::ZERO, U256::from(1), 10, 0)
                .await
                .unwrap_err();
            assert_eq!((e.status(), e.code()), (503, "store_unavailable"));
            assert_eq!(s.ready().await.unwrap_err().code(), "store_unavailable");
            let e = s.try_consume(&key(), 0, Some(3)).await.unwrap_err();
            assert_eq!(e.code(), "store_unavailable");
            assert_eq!(
                s.for_token(key().collection, key().token_id, 0)
                    .await
                    .unwrap_err()
                    .code(),
                "store_unavailable"
            );
        });
    }

    #[test]
    fn the_memory_store_is_the_tables() {
        let s = MemoryStore::default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let a = Address::repeat_byte(1);
            assert!(s.claim_nonce(a, U256::from(1), 10, 0).await.unwrap());
            assert!(!s.claim_nonce(a, U256::from(1), 10, 5).await.unwrap());
            let t = 3 * DAY + 1;
            assert_eq!(s.try_consume(&key(), t, Some(1)).await.unwrap().used, 1);
            assert_eq!(
                s.try_consume(&key(), t, Some(1)).await.unwrap_err().code(),
                "rate_limited"
            );
            s.refund(&key(), t).await.unwrap();
            assert_eq!(s.used_today(&key(), t).await.unwrap(), 0);
            s.refund(&key(), t).await.unwrap();
            assert_eq!(s.used_today(&key(), t).await.unwrap(), 0, "floored at 0");
            s.try_consume(&key(), t, Some(1)).await.unwrap();
            assert_eq!(
                s.for_token(key().collection, key().token_id, t)
                    .await
                    .unwrap(),
                [(key(), 1, Some(1))]
            );
            s.prune(4 * DAY);
            assert_eq!(s.used_today(&key(), t).await.unwrap(), 0, "pruned");
        });
    }
}
