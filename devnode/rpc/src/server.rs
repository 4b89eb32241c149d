//! The HTTP transport: body limits, JSON parsing, batches, interval mining, shutdown.

use std::future::{Future, IntoFuture};
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;
use tokio::sync::watch;

use crate::jsonrpc::{self, RpcError, INTERNAL_ERROR, INVALID_REQUEST, PARSE_ERROR};
use crate::methods::{self, lock, Node, SharedChain};
use crate::{DevnodeConfig, DevnodeError};

/// How long a shutdown waits for in-flight requests.
const GRACE: Duration = Duration::from_secs(5);

#[derive(Clone)]
struct App {
    node: Node,
    max_batch: usize,
}

/// Serves JSON-RPC on `listener` until `shutdown` resolves, then writes the state file (if
/// configured).
///
/// # Errors
/// Server I/O errors, state-file write errors.
pub async fn serve(
    listener: tokio::net::TcpListener,
    chain: SharedChain,
    config: &DevnodeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DevnodeError> {
    let period_ms = config.block_time.map_or(0, |d| {
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
    });
    let (interval, interval_rx) = watch::channel(period_ms);
    let miner = tokio::spawn(interval_miner(chain.clone(), interval_rx));
    let app = App {
        node: Node {
            chain: chain.clone(),
            interval,
        },
        max_batch: config.max_batch,
    };
    let router = Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(app);
    // Graceful shutdown, but never wait more than GRACE for in-flight requests.
    let (stop_tx, mut stop_rx) = watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    };
    let server = axum::serve(listener, router).with_graceful_shutdown(signal);
    let forced = async move {
        let _ = stop_rx.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(GRACE).await;
    };
    let result = tokio::select! {
        r = server.into_future() => r,
        () = forced => Ok(()),
    };
    miner.abort();
    if let Some(path) = &config.state_file {
        crate::save_state(&chain, path)?;
    }
    result.map_err(DevnodeError::Io)
}

async fn interval_miner(chain: SharedChain, mut rx: watch::Receiver<u64>) {
    loop {
        let ms = *rx.borrow_and_update();
        if ms == 0 {
            if rx.changed().await.is_err() {
                return;
            }
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(ms)) => {
                let c = chain.clone();
                let _ = tokio::task::spawn_blocking(move || lock(&c).mine_one(None)).await;
            }
            r = rx.changed() => if r.is_err() { return },
        }
    }
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

async fn handle(State(app): State<App>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(rej) => {
            let status = rej.status();
            let msg = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "request body too large".to_string()
            } else {
                format!("invalid request body: {}", rej.body_text())
            };
            let v = jsonrpc::response(Value::Null, Err(RpcError::new(INVALID_REQUEST, msg)));
            return json_response(status, &v);
        }
    };
    let out = tokio::task::spawn_blocking(move || process(&app, &body)).await;
    match out {
        Ok(Some(v)) => json_response(StatusCode::OK, &v),
        Ok(None) => StatusCode::OK.into_response(),
        Err(_) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &jsonrpc::response(
                Value::Null,
                Err(RpcError::new(INTERNAL_ERROR, "internal error")),
            ),
        ),
    }
}

/// Handles one HTTP body: a request or a batch. `None` when only notifications were sent.
fn process(app: &App, body: &[u8]) -> Option<Value> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Some(jsonrpc::response(
                Value::Null,
                Err(RpcError::new(PARSE_ERROR, format!("parse error: {e}"))),
            ))
        }
    };
    match v {
        Value::Array(items) => {
            if items.is_empty() {
                return Some(jsonrpc::response(
                    Value::Null,
                    Err(RpcError::new(INVALID_REQUEST, "empty batch")),
                ));
            }
            if items.len() > app.max_batch {
                return Some(jsonrpc::response(
                    Value::Null,
                    Err(RpcError::new(
                        INVALID_REQUEST,
                        format!("batch too large: at most {} calls", app.max_batch),
                    )),
                ));
            }
            let out: Vec<Value> = items.into_iter().filter_map(|i| one(app, i)).collect();
            (!out.is_empty()).then_some(Value::Array(out))
        }
        other => one(app, other),
    }
}

fn one(app: &App, v: Value) -> Option<Value> {
    let call = match jsonrpc::validate(v) {
        Ok(c) => c,
        Err(resp) => return Some(resp),
    };
    let node = &app.node;
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        methods::dispatch(node, &call.method, call.params)
    }))
    .unwrap_or_else(|_| Err(RpcError::new(INTERNAL_ERROR, "internal error")));
    call.id.map(|id| jsonrpc::response(id, result))
}
