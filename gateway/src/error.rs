//! The gateway's typed errors and their HTTP form: a status code and a JSON
//! body `{ "error": "<message>", "code": "<stable code>" }` (plus details
//! such as the licence market to buy from, or when a usage limit resets).

use alloy::primitives::Address;
use serde_json::{json, Value};

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// No route of that name in the configuration (404).
    #[error("no route named `{0}`")]
    UnknownRoute(String),
    /// The signed-request header or the signature header is missing (401).
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// The signed-request header is not the expected JSON (401).
    #[error("malformed X-Stylus-IP-Request header: {0}")]
    BadRequestHeader(String),
    /// The signature header is not hex, or not a signature (401).
    #[error("malformed signature: {0}")]
    BadSignature(String),
    /// keccak256(body) is not the signed `bodyHash` (401).
    #[error("the body does not match the signed bodyHash")]
    BodyHashMismatch,
    /// The request's `expiry` has passed (401).
    #[error("the request expired at {expiry} (gateway time {now})")]
    Expired {
        /// The request's expiry.
        expiry: u64,
        /// The gateway's time.
        now: u64,
    },
    /// The request's `expiry` is further ahead than the gateway accepts (401).
    #[error("the request expires at {expiry}, more than {max_secs} s after gateway time {now}")]
    ExpiryTooFar {
        /// The request's expiry.
        expiry: u64,
        /// The gateway's time.
        now: u64,
        /// The longest accepted lifetime.
        max_secs: u64,
    },
    /// The signature is not the account's (neither ecrecover nor ERC-1271) (401).
    #[error("the signature is not {0}'s")]
    WrongSigner(Address),
    /// The account already used this nonce (409).
    #[error("nonce {nonce} was already used by {account}")]
    Replay {
        /// The account.
        account: Address,
        /// The nonce, decimal.
        nonce: String,
    },
    /// The body is not a generation request (400).
    #[error("malformed generation request: {0}")]
    BadBody(String),
    /// The query string is not `collection=<address>&tokenId=<uint>` (400).
    #[error("malformed query: {0}")]
    BadQuery(String),
    /// The signed request names another token than the query (401).
    #[error("the signed request is for another token than the query")]
    QueryMismatch,
    /// The account does not own the token (403).
    #[error("{account} does not own token {token_id} of {collection}")]
    NotOwner {
        /// The account.
        account: Address,
        /// The collection.
        collection: Address,
        /// The token id, decimal.
        token_id: String,
    },
    /// The route does not serve this collection (403).
    #[error("this route does not serve collection {0}")]
    CollectionNotServed(Address),
    /// The account holds no licence the route accepts (403, or 402 when the
    /// route is purchasable).
    #[error(
        "{account} holds no licence for token {token_id} of {collection} that this route accepts"
    )]
    NotLicensed {
        /// The account.
        account: Address,
        /// The collection.
        collection: Address,
        /// The token id, decimal.
        token_id: String,
        /// The licence market to buy from, when the route is purchasable.
        market: Option<Address>,
    },
    /// The licence's daily usage limit is reached (429).
    #[error("daily limit of {limit} requests reached for this licence; resets at {resets_at}")]
    RateLimited {
        /// Requests per day.
        limit: u32,
        /// When the counter resets (unix seconds, gateway time).
        resets_at: u64,
    },
    /// The chain could not be read: the gateway fails closed (503).
    #[error("the chain is unreachable: {0}")]
    ChainUnavailable(String),
    /// The shared store (Redis) cannot be reached: the gateway fails closed
    /// rather than serve a request whose nonce or use it cannot record (503).
    #[error("the gateway's shared store is unavailable")]
    StoreUnavailable,
    /// The model backend failed; its address is never disclosed (502).
    #[error("the model backend failed")]
    UpstreamFailed,
    /// A bug or misconfiguration (500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl GatewayError {
    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::UnknownRoute(_) => 404,
            Self::MissingHeader(_)
            | Self::BadRequestHeader(_)
            | Self::BadSignature(_)
            | Self::BodyHashMismatch
            | Self::Expired { .. }
            | Self::ExpiryTooFar { .. }
            | Self::WrongSigner(_)
            | Self::QueryMismatch => 401,
            Self::Replay { .. } => 409,
            Self::BadBody(_) | Self::BadQuery(_) => 400,
            Self::CollectionNotServed(_) | Self::NotOwner { .. } => 403,
            Self::NotLicensed { market, .. } => {
                if market.is_some() {
                    402
                } else {
                    403
                }
            }
            Self::RateLimited { .. } => 429,
            Self::ChainUnavailable(_) | Self::StoreUnavailable => 503,
            Self::UpstreamFailed => 502,
            Self::Internal(_) => 500,
        }
    }

    /// The stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownRoute(_) => "unknown_route",
            Self::MissingHeader(_) => "missing_header",
            Self::BadRequestHeader(_) => "bad_request_header",
            Self::BadSignature(_) => "bad_signature",
            Self::BodyHashMismatch => "body_hash_mismatch",
            Self::Expired { .. } => "request_expired",
            Self::ExpiryTooFar { .. } => "expiry_too_far",
            Self::WrongSigner(_) => "wrong_signer",
            Self::Replay { .. } => "nonce_replayed",
            Self::BadBody(_) => "bad_body",
            Self::BadQuery(_) => "bad_query",
            Self::QueryMismatch => "query_mismatch",
            Self::NotOwner { .. } => "not_owner",
            Self::CollectionNotServed(_) => "collection_not_served",
            Self::NotLicensed {
                market: Some(_), ..
            } => "licence_required",
            Self::NotLicensed { market: None, .. } => "not_licensed",
            Self::RateLimited { .. } => "rate_limited",
            Self::ChainUnavailable(_) => "chain_unavailable",
            Self::StoreUnavailable => "store_unavailable",
            Self::UpstreamFailed => "upstream_failed",
            Self::Internal(_) => "internal",
        }
    }

    /// The JSON error body.
    #[must_use]
    pub fn body(&self) -> Value {
        let mut v = json!({ "error": self.to_string(), "code": self.code() });
        match self {
            Self::NotLicensed {
                market: Some(m), ..
            } => v["market"] = json!(m),
            Self::RateLimited { limit, resets_at } => {
                v["limit"] = json!(limit);
                v["resetsAt"] = json!(resets_at);
            }
            _ => {}
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes() {
        let nl = |market| GatewayError::NotLicensed {
            account: Address::ZERO,
            collection: Address::ZERO,
            token_id: "1".into(),
            market,
        };
        let m = Address::repeat_byte(7);
        assert_eq!(nl(None).status(), 403);
        assert_eq!(nl(Some(m)).status(), 402);
        assert_eq!(nl(Some(m)).body()["market"], json!(m));
        assert_eq!(nl(None).body().get("market"), None);
        assert_eq!(GatewayError::BodyHashMismatch.status(), 401);
        let r = GatewayError::RateLimited {
            limit: 3,
            resets_at: 86_400,
        };
        assert_eq!((r.status(), r.code()), (429, "rate_limited"));
        assert_eq!(r.body()["resetsAt"], json!(86_400));
        assert_eq!(GatewayError::ChainUnavailable("x".into()).status(), 503);
        let s = GatewayError::StoreUnavailable;
        assert_eq!((s.status(), s.code()), (503, "store_unavailable"));
        let replay = GatewayError::Replay {
            account: m,
            nonce: "5".into(),
        };
        assert_eq!(replay.status(), 409);
        assert!(replay.body()["error"].as_str().unwrap().contains("nonce 5"));
    }
}
