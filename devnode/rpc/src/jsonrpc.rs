//! JSON-RPC 2.0 envelope handling: parsing, batches, error objects.

use serde_json::{json, Map, Value};

/// Parse error.
pub const PARSE_ERROR: i64 = -32700;
/// Invalid request.
pub const INVALID_REQUEST: i64 = -32600;
/// Method not found.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid params.
pub const INVALID_PARAMS: i64 = -32602;
/// Internal error.
pub const INTERNAL_ERROR: i64 = -32603;

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// Code.
    pub code: i64,
    /// Message.
    pub message: String,
    /// Optional data (revert data as a hex string).
    pub data: Option<Value>,
}

impl RpcError {
    /// An error without data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// -32602.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }

    fn to_value(&self) -> Value {
        let mut o = Map::new();
        o.insert("code".into(), json!(self.code));
        o.insert("message".into(), json!(self.message));
        if let Some(d) = &self.data {
            o.insert("data".into(), d.clone());
        }
        Value::Object(o)
    }
}

impl From<devnode_chain::ChainError> for RpcError {
    fn from(e: devnode_chain::ChainError) -> Self {
        Self {
            code: e.code(),
            message: e.message(),
            data: e.data().map(|d| json!(d)),
        }
    }
}

/// A response object for `id`.
pub fn response(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(r) => json!({"jsonrpc": "2.0", "id": id, "result": r}),
        Err(e) => json!({"jsonrpc": "2.0", "id": id, "error": e.to_value()}),
    }
}

/// One validated request.
#[derive(Debug)]
pub struct Call {
    /// `None` for a notification (no response is sent).
    pub id: Option<Value>,
    /// Method name.
    pub method: String,
    /// Positional params (empty when absent).
    pub params: Vec<Value>,
}

/// Validates one request object; on error returns the response to send.
pub fn validate(v: Value) -> Result<Call, Value> {
    let Value::Object(mut o) = v else {
        return Err(response(
            Value::Null,
            Err(RpcError::new(
                INVALID_REQUEST,
                "invalid request: not an object",
            )),
        ));
    };
    let id = o.remove("id");
    let id_ok = matches!(
        id,
        None | Some(Value::Null | Value::Number(_) | Value::String(_))
    );
    let reply_id = if id_ok {
        id.clone().unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    let bad = |msg: &str| {
        Err(response(
            reply_id.clone(),
            Err(RpcError::new(INVALID_REQUEST, msg)),
        ))
    };
    if !id_ok {
        return bad("invalid request: id must be a number, a string or null");
    }
    match o.get("jsonrpc") {
        None => {}
        Some(Value::String(s)) if s == "2.0" => {}
        Some(_) => return bad("invalid request: jsonrpc must be \"2.0\""),
    }
    let method = match o.remove("method") {
        Some(Value::String(m)) => m,
        _ => return bad("invalid request: missing method"),
    };
    let params = match o.remove("params") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(Value::Object(_)) => {
            return Err(response(
                reply_id,
                Err(RpcError::invalid_params(
                    "named params are not supported: pass an array",
                )),
            ))
        }
        Some(_) => return bad("invalid request: params must be an array"),
    };
    Ok(Call { id, method, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_requests() {
        let ok = validate(json!({"jsonrpc":"2.0","id":1,"method":"m","params":[1]}));
        assert!(matches!(ok, Ok(Call { ref method, .. }) if method == "m"));
        let r = validate(json!([1])).err().unwrap_or_default();
        assert_eq!(r["error"]["code"], json!(INVALID_REQUEST));
        let r = validate(json!({"id":{"a":1},"method":"m"}))
            .err()
            .unwrap_or_default();
        assert_eq!(r["error"]["code"], json!(INVALID_REQUEST));
        let r = validate(json!({"id":1,"method":5}))
            .err()
            .unwrap_or_default();
        assert_eq!(r["error"]["code"], json!(INVALID_REQUEST));
        assert_eq!(r["id"], json!(1));
        let r = validate(json!({"id":1,"method":"m","params":{"a":1}}))
            .err()
            .unwrap_or_default();
        assert_eq!(r["error"]["code"], json!(INVALID_PARAMS));
        let r = validate(json!({"id":1,"jsonrpc":"1.0","method":"m"}))
            .err()
            .unwrap_or_default();
        assert_eq!(r["error"]["code"], json!(INVALID_REQUEST));
        let n = validate(json!({"jsonrpc":"2.0","method":"m"}));
        assert!(matches!(n, Ok(Call { id: None, .. })));
    }
}
