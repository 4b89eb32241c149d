//! `stylus-ip-gateway`: a licence-gated model-access gateway. It serves a
//! proprietary model only to accounts that currently hold a licence to a
//! stylus-ip asset, and returns with every output the provenance record and
//! the model lab's EIP-712 attestation that the registry accepts.
//!
//! # How a request flows
//!
//! `POST /v1/generate/<route>` with the generation request as the JSON body
//! (`{"prompt", "seed", "params", "asset"?}`) and two headers:
//! `X-Stylus-IP-Request` (the EIP-712 `GatewayRequest` fields as JSON) and
//! `X-Stylus-IP-Signature` (the account's signature of it):
//!
//! 1. [`request`]: parse the headers; `keccak256(body) == bodyHash`
//!    (else 401); `now <= expiry <= now + max lifetime` (else 401), `now`
//!    being gateway time ([`clock`]: the later of the wall clock and the
//!    latest block's timestamp).
//! 2. [`generation::parse_body`]: the body is a generation request (else 400);
//!    the route serves the collection (else 403).
//! 3. The signature is the account's: ecrecover, or ERC-1271
//!    `isValidSignature` at the latest block for contract accounts (else 401).
//! 4. [`nonce`]: the `(account, nonce)` pair was never used (else 409),
//!    in the [`store`]: this process's memory, or Redis shared by several
//!    instances (unreachable: 503, failing closed).
//! 5. [`policy`]: the route's checks (`licensed`, `owner`, `user`, any-of),
//!    answered from the [`cache`] while the event watch is fresh, else read
//!    from the chain at the latest block ([`chain`]); a granted answer is
//!    cached until the earlier of the licence's end and `now + ttl`. No
//!    licence: 403 (402 with the market's address when purchasable); chain
//!    unreachable: 503, failing closed.
//! 6. [`usage`]: the licence's requests today are under the route's limit
//!    (else 429), counted in the same [`store`].
//! 7. [`generation::generate`]: the built-in model ([`png`]) renders the
//!    image; the record's hashes are computed and attested with the lab's key
//!    by `cargo ip provenance`'s code; the response carries the PNG (base64),
//!    its sha-256, the record and the attestation. With an `[upstream]`
//!    model server configured ([`upstream`]), the prompt, seed and
//!    parameters are forwarded there instead and its output is attested.
//!
//! A generation that fails (upstream down) is not counted. `GET
//! /v1/usage?collection=&tokenId=`, signed the same way (empty body) by the
//! token's owner, reports today's counters of every licence of the token.
//!
//! Meanwhile the [`server`]'s poller reads the latest block and the events of
//! the watched collections and the market every `poll_interval_ms`
//! (`Transfer`, `UpdateUser`, the market's lease and offer events) and drops
//! the cache entries they touch. Every request is counted in [`metrics`]
//! (`GET /metrics`) and logged as one JSON line on stderr (`access_log`); `GET /healthz`
//! reports liveness and the freshness of the chain watch, `GET /readyz`
//! answers 503 while that watch is stale or the store does not answer. Errors are
//! `{"error": "...", "code": "..."}` ([`error`]).
//!
//! The licensee's side — signing a request and sending it — is [`client`].
//! [`Config::from_manifest`] derives a configuration from a deployment
//! manifest (what `cargo ip gateway` runs without `--config`).

pub mod cache;
pub mod chain;
pub mod client;
pub mod clock;
pub mod config;
pub mod error;
pub mod generation;
pub mod metrics;
pub mod nonce;
pub mod png;
pub mod policy;
pub mod request;
pub mod server;
pub mod store;
pub mod synthetic;
pub mod upstream;
pub mod usage;

pub use config::Config;
pub use error::GatewayError;
pub use server::{start, GatewayHandle};
