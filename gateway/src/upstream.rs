//! The upstream model backend: forwards a generation to a model server and
//! returns its output. The server's address stays private: every failure is
//! [`GatewayError::UpstreamFailed`] to the client, the detail (without the
//! URL) goes to the log.

use std::time::Duration;

use serde_json::json;

use crate::config::Upstream;
use crate::error::GatewayError;
use crate::generation::GenerationRequest;

/// The largest output accepted from the upstream (32 MiB).
pub const MAX_OUTPUT: usize = 32 << 20;

/// A client of one upstream model server.
#[derive(Debug, Clone)]
pub struct UpstreamClient {
    http: reqwest::Client,
    url: String,
    timeout: Duration,
}

/// What the upstream made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Their media type (the upstream's `Content-Type`, else
    /// `application/octet-stream`).
    pub content_type: String,
}

impl UpstreamClient {
    /// A client of `u`.
    #[must_use]
    pub fn new(u: &Upstream) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: u.url.clone(),
            timeout: Duration::from_millis(u.timeout_ms),
        }
    }

    /// The request the upstream receives: prompt, seed and the canonical
    /// parameters, nothing about the licensee.
    #[must_use]
    pub fn request_body(req: &GenerationRequest) -> serde_json::Value {
        json!({ "prompt": req.prompt, "seed": req.seed, "params": req.params })
    }

    /// Runs a generation upstream.
    ///
    /// # Errors
    /// [`GatewayError::UpstreamFailed`] when the server cannot be reached,
    /// times out, answers a non-2xx status or more than [`MAX_OUTPUT`].
    pub async fn generate(&self, req: &GenerationRequest) -> Result<Output, GatewayError> {
        let fail = |what: String| {
            eprintln!("{}", json!({ "event": "upstream_failed", "error": what }));
            GatewayError::UpstreamFailed
        };
        let send = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(Self::request_body(req).to_string())
            .send();
        let resp = match tokio::time::timeout(self.timeout, send).await {
            Err(_) => return Err(fail("timed out".into())),
            Ok(Err(e)) => return Err(fail(e.without_url().to_string())),
            Ok(Ok(r)) => r,
        };
        if !resp.status().is_success() {
            return Err(fail(format!("status {}", resp.status())));
        }
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_string();
        let body = tokio::time::timeout(self.timeout, resp.bytes())
            .await
            .map_err(|_| fail("timed out reading the output".into()))?
            .map_err(|e| fail(e.without_url().to_string()))?;
        if body.len() > MAX_OUTPUT {
            return Err(fail(format!("output of {} bytes", body.len())));
        }
        Ok(Output {
            bytes: body.to_vec(),
            content_type,
        })
    }
}
