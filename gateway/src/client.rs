//! The licensee's side: sign a [`GatewayRequest`] for a body and send it.
//! What the demo's gateway step (`cargo ip demo`) and the gateway benchmark
//! (`stylus-ip-bench gateway`) use to call the gateway.

use alloy::primitives::{keccak256, Address, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use anyhow::{Context, Result};
use serde_json::Value;

use crate::request::{self, GatewayRequest};

/// A request signed and ready to send (the two headers and the body).
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// `X-Stylus-IP-Request`: the request's fields as JSON.
    pub header: String,
    /// `X-Stylus-IP-Signature`: `0x` + the 65-byte signature.
    pub signature: String,
    /// The body whose keccak256 is the signed `bodyHash`.
    pub body: Vec<u8>,
}

/// What the request is for: the licensed token and the request's nonce and
/// expiry (gateway time, seconds).
#[derive(Debug, Clone, Copy)]
pub struct RequestFor {
    /// The collection of the licensed token.
    pub collection: Address,
    /// The licensed token.
    pub token_id: U256,
    /// Unused by this account before.
    pub nonce: U256,
    /// Last second the request is valid.
    pub expiry: u64,
}

/// Signs `body` for `what` as `signer` (an EOA) in the gateway's EIP-712
/// domain on `chain_id` bound to `market`.
///
/// # Errors
/// When signing fails.
pub fn sign(
    signer: &PrivateKeySigner,
    chain_id: u64,
    market: Address,
    what: RequestFor,
    body: Vec<u8>,
) -> Result<SignedRequest> {
    let req = GatewayRequest {
        account: signer.address(),
        collection: what.collection,
        tokenId: what.token_id,
        bodyHash: keccak256(&body),
        nonce: what.nonce,
        expiry: what.expiry,
    };
    Ok(SignedRequest {
        header: request::request_header_json(&req),
        signature: signature(signer, chain_id, market, &req)?,
        body,
    })
}

/// The `X-Stylus-IP-Signature` value of `req` signed by `signer` (an EOA;
/// `req.account` is not checked, so tests can sign as the wrong account).
///
/// # Errors
/// When signing fails.
pub fn signature(
    signer: &PrivateKeySigner,
    chain_id: u64,
    market: Address,
    req: &GatewayRequest,
) -> Result<String> {
    let digest = request::signing_hash(req, chain_id, market);
    let sig = signer
        .sign_hash_sync(&digest)
        .context("signing the gateway request")?;
    Ok(format!(
        "0x{}",
        alloy::primitives::hex::encode(sig.as_bytes())
    ))
}

/// An HTTP client of one gateway.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// A client of the gateway at `base` (`http://host:port`).
    #[must_use]
    pub fn new(base: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.into(),
        }
    }

    /// `POST /v1/generate/<route>` with a signed request: the status and
    /// the JSON answer (a string if the answer is not JSON).
    ///
    /// # Errors
    /// When the gateway cannot be reached.
    pub async fn generate(&self, route: &str, req: &SignedRequest) -> Result<(u16, Value)> {
        let r = self
            .http
            .post(format!("{}/v1/generate/{route}", self.base))
            .header(request::REQUEST_HEADER, &req.header)
            .header(request::SIGNATURE_HEADER, &req.signature)
            .header("content-type", "application/json")
            .body(req.body.clone())
            .send()
            .await
            .with_context(|| format!("calling the gateway at {}", self.base))?;
        let status = r.status().as_u16();
        let text = r.text().await.context("reading the gateway's answer")?;
        Ok((
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ))
    }

    /// `GET /healthz` as JSON.
    ///
    /// # Errors
    /// When the gateway cannot be reached or answers something else.
    pub async fn health(&self) -> Result<Value> {
        let r = self
            .http
            .get(format!("{}/healthz", self.base))
            .send()
            .await
            .with_context(|| format!("calling the gateway at {}", self.base))?;
        r.json().await.context("the gateway's /healthz is not JSON")
    }

    /// Waits (every 20 ms, up to `timeout`) until the gateway's chain watch
    /// has seen a block at or after `timestamp`, so that its clock has
    /// caught up with a time warp or a fresh block.
    ///
    /// # Errors
    /// When the gateway cannot be reached, or its watch is still behind at
    /// the timeout.
    pub async fn wait_for_chain_time(
        &self,
        timestamp: u64,
        timeout: std::time::Duration,
    ) -> Result<()> {
        let start = std::time::Instant::now();
        loop {
            let seen = self.health().await?["chainTime"].as_u64().unwrap_or(0);
            if seen >= timestamp {
                return Ok(());
            }
            if start.elapsed() > timeout {
                anyhow::bail!(
                    "the gateway's chain watch is at {seen}, not at {timestamp} after {timeout:?}"
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}
