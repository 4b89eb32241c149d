//! Transaction tracing: `debug_traceTransaction`, `debug_traceBlockByNumber`/`ByHash` and
//! `debug_traceCall`.
//!
//! A mined transaction is traced by replaying its block: the parent block's state, the
//! block's earlier transactions executed as they were mined (same block environment, same
//! per-block recent-programs cache), then the transaction itself with the recorder on. A
//! call is traced like `eth_call`. Nothing is committed: the chain is unchanged.
//!
//! Two tracers are served from the recorded [`TraceEvent`]s:
//! * the **Stylus hostio tracer** — Nitro's native `stylusTracer`, and the JavaScript tracer
//!   `cargo stylus trace`/`replay` send (stylus-tools' `query.js`, recognised by its text,
//!   since the devnode runs no JavaScript). The result is the JSON array that tracer builds
//!   on Nitro: one record `{name, args, outs, startInk, endInk}` per hostio of the top
//!   frame, in order, with `args`/`outs` packed as Nitro's `user-host-trait` packs them;
//!   `call_contract`, `delegate_call_contract` and `static_call_contract` records also carry
//!   the callee's `address` and its `steps` (an EVM callee's steps list only the frames it
//!   enters). A transaction that runs no Stylus code gives `[]` (or only `evm_*` records for
//!   the frames its EVM code enters).
//! * geth's **`callTracer`**: the call-frame tree (`type`, `from`, `to`, `value`, `gas`,
//!   `gasUsed`, `input`, `output`, `error`, `revertReason`, `calls`), with
//!   `tracerConfig.onlyTopCall`. Logs (`withLog`) are not included.
//!
//! Struct-log tracing (no tracer) and other tracers are refused with a clear error.

use alloy_eips::BlockId;
use alloy_primitives::{hex, Address, Bytes, B256, U256};
use alloy_rpc_types_eth as rpc;
use alloy_rpc_types_eth::state::StateOverride;
use revm::context::result::ExecutionResult;
use serde_json::{json, Map, Value};

use crate::chain::Chain;
use crate::error::{decode_revert_reason, ChainError};

/// How a frame was entered (the opcode geth's tracers report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// `CALL` (or the transaction's call).
    Call,
    /// `CALLCODE`.
    CallCode,
    /// `DELEGATECALL`.
    DelegateCall,
    /// `STATICCALL`.
    StaticCall,
    /// `CREATE` (or a creation transaction).
    Create,
    /// `CREATE2`.
    Create2,
}

impl FrameKind {
    /// geth's opcode name (`CALL`, `DELEGATECALL`, …).
    pub fn opcode(self) -> &'static str {
        match self {
            Self::Call => "CALL",
            Self::CallCode => "CALLCODE",
            Self::DelegateCall => "DELEGATECALL",
            Self::StaticCall => "STATICCALL",
            Self::Create => "CREATE",
            Self::Create2 => "CREATE2",
        }
    }

    /// The name Nitro's Stylus tracer gives a frame it enters (`evm_call_contract`, …; empty
    /// for `CALLCODE`, which it does not name).
    fn stylus_name(self) -> &'static str {
        match self {
            Self::Call => "evm_call_contract",
            Self::DelegateCall => "evm_delegate_call_contract",
            Self::StaticCall => "evm_static_call_contract",
            Self::Create => "evm_create1",
            Self::Create2 => "evm_create2",
            Self::CallCode => "",
        }
    }
}

/// A frame starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameEnter {
    /// 0 for the transaction's own frame.
    pub depth: usize,
    /// Opcode.
    pub kind: FrameKind,
    /// Caller.
    pub from: Address,
    /// Code address called, or the address created.
    pub to: Address,
    /// Calldata or init code.
    pub input: Bytes,
    /// Gas given to the frame.
    pub gas: u64,
    /// Value transferred (apparent value for `DELEGATECALL`).
    pub value: U256,
}

/// A frame ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameExit {
    /// 0 for the transaction's own frame.
    pub depth: usize,
    /// Return data, revert data or deployed code.
    pub output: Bytes,
    /// Gas the frame used.
    pub gas_used: u64,
    /// geth's error text (`execution reverted`, `out of gas`, …), `None` on success.
    pub error: Option<String>,
}

/// One hostio of a Stylus frame, as Nitro's tracer records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostioRecord {
    /// Hostio name.
    pub name: String,
    /// Packed arguments.
    pub args: Bytes,
    /// Packed outputs.
    pub outs: Bytes,
    /// Ink before.
    pub start_ink: u64,
    /// Ink after.
    pub end_ink: u64,
}

/// One event of a traced execution, in execution order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceEvent {
    /// A frame started.
    Enter(FrameEnter),
    /// A frame ended.
    Exit(FrameExit),
    /// A Stylus hostio completed.
    Hostio(HostioRecord),
}

/// Which tracer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracer {
    /// Nitro's hostio tracer: `js` when asked with stylus-tools' JavaScript text (then the
    /// records of frames entered by EVM code are `{name, address, steps}` only, as the
    /// script builds them), native `stylusTracer` otherwise.
    Stylus {
        /// Asked as the JavaScript tracer.
        js: bool,
    },
    /// geth's `callTracer`.
    Call {
        /// `tracerConfig.onlyTopCall`.
        only_top_call: bool,
    },
}

/// Parsed tracing options (the `debug_trace*` config object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceOptions {
    /// The tracer.
    pub tracer: Tracer,
}

/// The message for tracers the devnode cannot run.
const USE_SUPPORTED: &str = "use stylusTracer or callTracer";

impl TraceOptions {
    /// Nitro's native Stylus tracer.
    pub const STYLUS: Self = Self {
        tracer: Tracer::Stylus { js: false },
    };

    /// Reads `{tracer, tracerConfig}` of a `debug_traceTransaction`/`debug_traceCall`
    /// config object (other fields are ignored).
    ///
    /// # Errors
    /// [`ChainError::InvalidParams`] for struct-log tracing (no tracer), JavaScript tracers
    /// other than stylus-tools' hostio tracer, and tracers other than `stylusTracer` and
    /// `callTracer`.
    pub fn from_config(config: Option<&Value>) -> Result<Self, ChainError> {
        let tracer = config
            .and_then(|c| c.get("tracer"))
            .filter(|t| !t.is_null());
        let Some(tracer) = tracer else {
            return Err(ChainError::InvalidParams(format!(
                "struct-log tracing (no tracer) is not supported; {USE_SUPPORTED}"
            )));
        };
        let Some(name) = tracer.as_str() else {
            return Err(ChainError::InvalidParams(
                "tracer must be a string".to_string(),
            ));
        };
        match name {
            "stylusTracer" => Ok(Self::STYLUS),
            "callTracer" => {
                let only_top_call = config
                    .and_then(|c| c.get("tracerConfig"))
                    .and_then(|c| c.get("onlyTopCall"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                Ok(Self {
                    tracer: Tracer::Call { only_top_call },
                })
            }
            js if looks_like_js(js) => {
                if is_stylus_js_tracer(js) {
                    Ok(Self {
                        tracer: Tracer::Stylus { js: true },
                    })
                } else {
                    Err(ChainError::InvalidParams(format!(
                        "JavaScript tracers are not supported; {USE_SUPPORTED}"
                    )))
                }
            }
            other => Err(ChainError::InvalidParams(format!(
                "tracer {other:?} is not supported; {USE_SUPPORTED}"
            ))),
        }
    }
}

/// Whether a tracer string is JavaScript source rather than a tracer name.
fn looks_like_js(s: &str) -> bool {
    s.contains('{') || s.contains("function")
}

/// Whether JavaScript tracer source is stylus-tools' hostio tracer (`query.js`): an object
/// with `hostio`, `enter`, `exit` and `result` functions, the frame names it gives, and the
/// `nests` list of the three call hostios. Whitespace and quote style do not matter.
pub fn is_stylus_js_tracer(source: &str) -> bool {
    let s: String = source
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '\'' { '"' } else { c })
        .collect();
    let has_fn = |name: &str| {
        s.contains(&format!("\"{name}\":function")) || s.contains(&format!("{name}:function"))
    };
    let nests = "[\"call_contract\",\"delegate_call_contract\",\"static_call_contract\"]";
    has_fn("hostio")
        && has_fn("enter")
        && has_fn("exit")
        && has_fn("result")
        && (s.contains(&format!("nests:{nests}")) || s.contains(&format!("\"nests\":{nests}")))
        && s.contains("\"evm_call_contract\"")
}

/// Converts the VM's trace event into the chain's.
#[cfg(feature = "stylus")]
pub(crate) fn from_vm_event(e: stylus_vm::TraceEvent) -> TraceEvent {
    use stylus_vm::FrameKind as K;
    match e {
        stylus_vm::TraceEvent::Enter(f) => TraceEvent::Enter(FrameEnter {
            depth: f.depth,
            kind: match f.kind {
                K::Call => FrameKind::Call,
                K::CallCode => FrameKind::CallCode,
                K::DelegateCall => FrameKind::DelegateCall,
                K::StaticCall => FrameKind::StaticCall,
                K::Create => FrameKind::Create,
                K::Create2 => FrameKind::Create2,
            },
            from: f.from,
            to: f.to,
            input: f.input,
            gas: f.gas,
            value: f.value,
        }),
        stylus_vm::TraceEvent::Exit(x) => TraceEvent::Exit(FrameExit {
            depth: x.depth,
            output: x.output,
            gas_used: x.gas_used,
            error: geth_error(x.result),
        }),
        stylus_vm::TraceEvent::Hostio(h) => TraceEvent::Hostio(HostioRecord {
            name: h.name.to_string(),
            args: h.args.into(),
            outs: h.outs.into(),
            start_ink: h.start_ink,
            end_ink: h.end_ink,
        }),
    }
}

/// geth's error text for a frame's result (`None` on success).
#[cfg(feature = "stylus")]
fn geth_error(r: revm::interpreter::InstructionResult) -> Option<String> {
    use revm::interpreter::InstructionResult as I;
    if r.is_ok() {
        return None;
    }
    Some(
        match r {
            I::Revert => "execution reverted",
            I::OutOfGas
            | I::MemoryOOG
            | I::MemoryLimitOOG
            | I::PrecompileOOG
            | I::InvalidOperandOOG
            | I::ReentrancySentryOOG => "out of gas",
            I::CallTooDeep | I::StackOverflow => "max call depth exceeded",
            I::OutOfFunds => "insufficient balance for transfer",
            I::OpcodeNotFound | I::InvalidFEOpcode => "invalid opcode",
            I::InvalidJump => "invalid jump destination",
            I::StackUnderflow => "stack underflow",
            I::StateChangeDuringStaticCall | I::CallNotAllowedInsideStatic => "write protection",
            I::CreateCollision => "contract address collision",
            I::CreateContractSizeLimit => "max code size exceeded",
            I::CreateInitCodeSizeLimit => "max initcode size exceeded",
            I::CreateContractStartingWithEF => "invalid code: must not begin with 0xef",
            I::NonceOverflow => "nonce uint64 overflow",
            I::NotActivated => "program not activated",
            I::PrecompileError => "precompile error",
            other => return Some(format!("{other:?}")),
        }
        .to_string(),
    )
}

/// The transaction-level facts a tracer reports for the top frame.
struct TopFrame {
    gas_limit: u64,
    gas_used: u64,
}

impl Chain {
    /// `debug_traceTransaction`: replays the mined transaction `hash` in its block and
    /// answers with `opts`' tracer. The chain is not changed.
    ///
    /// # Errors
    /// Unknown transaction ([`ChainError::NotFound`]); a replay that fails (should not
    /// happen: the transaction was valid when mined).
    pub fn trace_transaction(&self, hash: B256, opts: &TraceOptions) -> Result<Value, ChainError> {
        let record = self
            .tx_record(hash)
            .ok_or_else(|| ChainError::NotFound(format!("transaction {hash} not found")))?;
        let n = record.block_number;
        self.replay_block(n, Some(hash), opts)?
            .pop()
            .map(|(_, v)| v)
            .ok_or_else(|| {
                ChainError::Internal(format!("transaction {hash} is not in its block {n}"))
            })
    }

    /// `debug_traceBlockByNumber` / `debug_traceBlockByHash`: replays the block and traces
    /// each of its transactions, `[{txHash, result}]` as geth answers. The chain is not
    /// changed.
    ///
    /// # Errors
    /// Unknown block.
    pub fn trace_block(&self, block: BlockId, opts: &TraceOptions) -> Result<Value, ChainError> {
        let n = self.resolve_block(block)?;
        if n == 0 {
            return Ok(json!([]));
        }
        let traces = self.replay_block(n, None, opts)?;
        Ok(Value::Array(
            traces
                .into_iter()
                .map(|(h, result)| json!({"txHash": h, "result": result}))
                .collect(),
        ))
    }

    /// Replays block `n` from its parent's state with its own environment and a fresh
    /// per-block engine state; traces `only` (stopping there) or every transaction.
    fn replay_block(
        &self,
        n: u64,
        only: Option<B256>,
        opts: &TraceOptions,
    ) -> Result<Vec<(B256, Value)>, ChainError> {
        let missing = || ChainError::NotFound(format!("block {n} not found"));
        let block = self.block_at(n).ok_or_else(missing)?;
        let parent = self
            .block_at(n.checked_sub(1).ok_or_else(missing)?)
            .ok_or_else(missing)?;
        let mut state = parent.state.clone();
        let header = &block.header;
        let base_fee = header.base_fee_per_gas.unwrap_or_default();
        let mut env = self.env_of_block(block);
        env.beneficiary = header.beneficiary;
        env.gas_limit = header.gas_limit;
        let mut engine = self.replayer();
        engine.begin_block();
        let replay_failed = |e| ChainError::Internal(format!("replay failed: {e}"));
        let mut traces = Vec::new();
        for h in &block.txs {
            let t = self
                .tx_record(*h)
                .ok_or_else(|| ChainError::NotFound(format!("transaction {h} not found")))?;
            let tx = self.mined_tx_env(&t, base_fee)?;
            let cfg = self.cfg(false, true);
            let db = self.state_db(&state);
            let done = if only.is_none_or(|o| o == *h) {
                let gas_limit = tx.gas_limit;
                let (done, events) = engine
                    .execute_traced(db, cfg, env.clone(), tx)
                    .map_err(replay_failed)?;
                let top = TopFrame {
                    gas_limit,
                    gas_used: done.result.result.tx_gas_used(),
                };
                traces.push((*h, render(opts, &events, &top, &done.result.result)));
                if only.is_some() {
                    return Ok(traces);
                }
                done
            } else {
                engine
                    .execute_in_block(db, cfg, env.clone(), tx)
                    .map_err(replay_failed)?
            };
            state.commit(done.result.state);
        }
        Ok(traces)
    }

    /// `debug_traceCall`: runs `req` as `eth_call` would (at `block`, with the overrides)
    /// and answers with `opts`' tracer. The chain is not changed.
    ///
    /// # Errors
    /// Unknown block, bad overrides or request, invalid transaction.
    pub fn trace_call(
        &self,
        req: &rpc::TransactionRequest,
        block: BlockId,
        overrides: Option<&StateOverride>,
        block_overrides: Option<&rpc::BlockOverrides>,
        opts: &TraceOptions,
    ) -> Result<Value, ChainError> {
        let (state, env) = self.call_context(block, overrides, block_overrides)?;
        let tx = self.call_env(req, &state, self.config().tx_gas_cap)?;
        let gas_limit = tx.gas_limit;
        let cfg = self.cfg(true, true);
        let mut engine = self.replayer();
        let (done, events) = engine
            .execute_traced(self.state_db(&state), cfg, env, tx)
            .map_err(|e| ChainError::InvalidTx(e.to_string()))?;
        let top = TopFrame {
            gas_limit,
            gas_used: done.result.result.tx_gas_used(),
        };
        Ok(render(opts, &events, &top, &done.result.result))
    }
}

fn render(
    opts: &TraceOptions,
    events: &[TraceEvent],
    top: &TopFrame,
    result: &ExecutionResult,
) -> Value {
    match opts.tracer {
        Tracer::Stylus { js } => stylus_trace(events, js),
        Tracer::Call { only_top_call } => call_trace(events, top, result, only_top_call),
    }
}

fn hex0x(b: &[u8]) -> Value {
    Value::String(format!("0x{}", hex::encode(b)))
}

fn q(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

/// The hostios whose records absorb the frame they entered.
const NESTS: [&str; 3] = [
    "call_contract",
    "delegate_call_contract",
    "static_call_contract",
];

/// Nitro's Stylus tracer over the events (see the module docs).
pub fn stylus_trace(events: &[TraceEvent], js: bool) -> Value {
    let mut open: Vec<Map<String, Value>> = Vec::new();
    let mut stack: Vec<Vec<Map<String, Value>>> = Vec::new();
    let close = |steps: Vec<Map<String, Value>>| {
        Value::Array(steps.into_iter().map(Value::Object).collect())
    };
    for e in events {
        match e {
            TraceEvent::Enter(f) if f.depth > 0 => {
                let mut rec = Map::new();
                rec.insert("name".into(), json!(f.kind.stylus_name()));
                if !js {
                    rec.insert("args".into(), hex0x(&[]));
                    rec.insert("outs".into(), hex0x(&[]));
                    rec.insert("startInk".into(), json!(0));
                    rec.insert("endInk".into(), json!(0));
                }
                rec.insert("address".into(), hex0x(f.to.as_slice()));
                rec.insert("steps".into(), json!([]));
                open.push(rec);
                stack.push(std::mem::take(&mut open));
            }
            TraceEvent::Exit(x) if x.depth > 0 => {
                let inner = std::mem::take(&mut open);
                open = stack.pop().unwrap_or_default();
                if let Some(rec) = open.last_mut() {
                    rec.insert("steps".into(), close(inner));
                }
            }
            TraceEvent::Enter(_) | TraceEvent::Exit(_) => {}
            TraceEvent::Hostio(h) => {
                let mut rec = Map::new();
                rec.insert("name".into(), json!(h.name));
                rec.insert("args".into(), hex0x(&h.args));
                rec.insert("outs".into(), hex0x(&h.outs));
                rec.insert("startInk".into(), json!(h.start_ink));
                rec.insert("endInk".into(), json!(h.end_ink));
                if NESTS.contains(&h.name.as_str()) {
                    let entered = open.last().is_some_and(|last| {
                        last.get("name")
                            .and_then(Value::as_str)
                            .and_then(|n| n.strip_prefix("evm_"))
                            == Some(h.name.as_str())
                    });
                    if entered {
                        let mut frame = open.pop().unwrap_or_default();
                        for k in ["address", "steps"] {
                            if let Some(v) = frame.remove(k) {
                                rec.insert(k.into(), v);
                            }
                        }
                    } else {
                        // The call failed before entering a frame (e.g. a value sent from a
                        // static context): the callee is in the arguments, no steps.
                        rec.insert("address".into(), hex0x(h.args.get(..20).unwrap_or(&[])));
                        rec.insert("steps".into(), json!([]));
                    }
                }
                open.push(rec);
            }
        }
    }
    close(open)
}

/// One frame of geth's `callTracer`.
struct CallFrame {
    enter: FrameEnter,
    exit: Option<FrameExit>,
    calls: Vec<Value>,
}

impl CallFrame {
    fn into_json(self, top: Option<(&TopFrame, &ExecutionResult)>) -> Value {
        let e = &self.enter;
        let mut m = Map::new();
        m.insert("type".into(), json!(e.kind.opcode()));
        m.insert("from".into(), hex0x(e.from.as_slice()));
        let (gas, gas_used) = match top {
            Some((t, _)) => (t.gas_limit, t.gas_used),
            None => (e.gas, self.exit.as_ref().map_or(e.gas, |x| x.gas_used)),
        };
        m.insert("gas".into(), q(gas));
        m.insert("gasUsed".into(), q(gas_used));
        m.insert("to".into(), hex0x(e.to.as_slice()));
        m.insert("input".into(), hex0x(&e.input));
        // The top frame's outcome is the transaction's (it includes Stylus start failures).
        let (output, error) = match (top, &self.exit) {
            (Some((_, r)), _) => match r {
                ExecutionResult::Success { output, .. } => (output.data().clone(), None),
                ExecutionResult::Revert { output, .. } => {
                    (output.clone(), Some("execution reverted".to_string()))
                }
                ExecutionResult::Halt { reason, .. } => (Bytes::new(), Some(halt_text(reason))),
            },
            (None, Some(x)) => (x.output.clone(), x.error.clone()),
            (None, None) => (Bytes::new(), None),
        };
        match error {
            None => {
                if !output.is_empty() {
                    m.insert("output".into(), hex0x(&output));
                }
            }
            Some(err) => {
                if matches!(e.kind, FrameKind::Create | FrameKind::Create2) {
                    m.remove("to");
                }
                if err == "execution reverted" && !output.is_empty() {
                    m.insert("output".into(), hex0x(&output));
                    if let Some(reason) = decode_revert_reason(&output) {
                        m.insert("revertReason".into(), json!(reason));
                    }
                }
                m.insert("error".into(), json!(err));
            }
        }
        if !self.calls.is_empty() {
            m.insert("calls".into(), Value::Array(self.calls));
        }
        if !matches!(e.kind, FrameKind::DelegateCall | FrameKind::StaticCall) {
            m.insert("value".into(), json!(format!("{:#x}", e.value)));
        }
        Value::Object(m)
    }
}

/// geth's text for a transaction-level halt.
fn halt_text(reason: &revm::context::result::HaltReason) -> String {
    use revm::context::result::HaltReason as H;
    match reason {
        H::OutOfGas(_) => "out of gas".into(),
        H::CallTooDeep => "max call depth exceeded".into(),
        H::OutOfFunds => "insufficient balance for transfer".into(),
        H::OpcodeNotFound | H::InvalidFEOpcode => "invalid opcode".into(),
        H::InvalidJump => "invalid jump destination".into(),
        H::CreateCollision => "contract address collision".into(),
        H::CreateContractSizeLimit => "max code size exceeded".into(),
        other => format!("{other:?}"),
    }
}

/// geth's `callTracer` over the events.
fn call_trace(
    events: &[TraceEvent],
    top: &TopFrame,
    result: &ExecutionResult,
    only_top_call: bool,
) -> Value {
    let mut stack: Vec<CallFrame> = Vec::new();
    let mut root: Option<CallFrame> = None;
    for e in events {
        match e {
            TraceEvent::Enter(f) => stack.push(CallFrame {
                enter: f.clone(),
                exit: None,
                calls: Vec::new(),
            }),
            TraceEvent::Exit(x) => {
                let Some(mut frame) = stack.pop() else {
                    continue;
                };
                frame.exit = Some(x.clone());
                match stack.last_mut() {
                    Some(parent) => {
                        if !only_top_call {
                            parent.calls.push(frame.into_json(None));
                        }
                    }
                    None => root = Some(frame),
                }
            }
            TraceEvent::Hostio(_) => {}
        }
    }
    let root = root.or_else(|| stack.into_iter().next());
    match root {
        Some(frame) => frame.into_json(Some((top, result))),
        None => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostio(name: &str, args: &[u8]) -> TraceEvent {
        TraceEvent::Hostio(HostioRecord {
            name: name.into(),
            args: Bytes::copy_from_slice(args),
            outs: Bytes::new(),
            start_ink: 10,
            end_ink: 5,
        })
    }

    fn enter(depth: usize, kind: FrameKind, to: Address) -> TraceEvent {
        TraceEvent::Enter(FrameEnter {
            depth,
            kind,
            from: Address::ZERO,
            to,
            input: Bytes::new(),
            gas: 0,
            value: U256::ZERO,
        })
    }

    fn exit(depth: usize) -> TraceEvent {
        TraceEvent::Exit(FrameExit {
            depth,
            output: Bytes::new(),
            gas_used: 0,
            error: None,
        })
    }

    #[test]
    fn options_name_the_tracer_or_refuse() {
        let parse = |v: Value| TraceOptions::from_config(Some(&v));
        assert_eq!(
            parse(json!({"tracer": "stylusTracer"})),
            Ok(TraceOptions::STYLUS)
        );
        assert_eq!(
            parse(json!({"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true}}))
                .map(|o| o.tracer),
            Ok(Tracer::Call {
                only_top_call: true
            })
        );
        let err = |r: Result<TraceOptions, ChainError>| r.expect_err("refused").to_string();
        assert!(err(TraceOptions::from_config(None)).contains("struct-log"));
        assert!(err(parse(json!({"timeout": "5s"}))).contains("struct-log"));
        assert_eq!(
            err(parse(
                json!({"tracer": "{result: function() { return 1; }}"})
            )),
            "JavaScript tracers are not supported; use stylusTracer or callTracer"
        );
        assert!(err(parse(json!({"tracer": "4byteTracer"}))).contains("not supported"));
    }

    #[test]
    fn the_hostio_js_tracer_is_recognised_narrowly() {
        let js = r#"{ "hostio": function(info) { this.open.push(info); },
            "enter": function(frame) { var n = "evm_call_contract"; },
            "exit": function(result) {}, "result": function() { return this.open; },
            open: [], stack: [],
            nests: ['call_contract', 'delegate_call_contract', 'static_call_contract'] }"#;
        assert!(is_stylus_js_tracer(js));
        // Without the nests list, or with another list, it is some other tracer.
        assert!(!is_stylus_js_tracer(
            &js.replace("'static_call_contract'", "'x'")
        ));
        assert!(!is_stylus_js_tracer(&js.replace("nests", "other")));
        assert!(!is_stylus_js_tracer(&js.replace("\"hostio\"", "\"step\"")));
        // The tracer cargo-stylus 0.10 sends, when its sources are at hand.
        let home = std::env::var("CARGO_HOME")
            .ok()
            .or_else(|| std::env::var("HOME").ok().map(|h| format!("{h}/.cargo")));
        let Some(registry) = home.map(|h| std::path::PathBuf::from(h).join("registry/src")) else {
            return;
        };
        for index in std::fs::read_dir(registry).into_iter().flatten().flatten() {
            for krate in std::fs::read_dir(index.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if !krate
                    .file_name()
                    .to_string_lossy()
                    .starts_with("stylus-tools-")
                {
                    continue;
                }
                let query = krate.path().join("src/core/tracing/query.js");
                if let Ok(text) = std::fs::read_to_string(&query) {
                    assert!(is_stylus_js_tracer(&text), "{}", query.display());
                }
            }
        }
    }

    #[test]
    fn evm_entered_frames_differ_between_native_and_js() {
        let a = Address::repeat_byte(0xaa);
        let b = Address::repeat_byte(0xbb);
        // top EVM frame → CALL a (Stylus: one hostio) ; then the Stylus program calls b
        let events = [
            enter(0, FrameKind::Call, Address::repeat_byte(1)),
            enter(1, FrameKind::Call, a),
            hostio("read_args", &[]),
            enter(2, FrameKind::StaticCall, b),
            exit(2),
            hostio("static_call_contract", b.as_slice()),
            exit(1),
            exit(0),
        ];
        let native = stylus_trace(&events, false);
        assert_eq!(native[0]["name"], "evm_call_contract");
        assert_eq!(native[0]["args"], "0x");
        assert_eq!(native[0]["startInk"], 0);
        assert_eq!(native[0]["address"], hex0x(a.as_slice()));
        let steps = &native[0]["steps"];
        assert_eq!(steps[0]["name"], "read_args");
        assert_eq!(steps[1]["name"], "static_call_contract");
        assert_eq!(steps[1]["address"], hex0x(b.as_slice()));
        assert_eq!(steps[1]["steps"], json!([]));
        let js = stylus_trace(&events, true);
        assert!(js[0].get("args").is_none());
        assert_eq!(js[0]["steps"], *steps);
    }

    #[test]
    fn a_call_that_entered_no_frame_names_its_callee() {
        let b = Address::repeat_byte(0xbb);
        let events = [hostio("call_contract", b.as_slice())];
        let t = stylus_trace(&events, false);
        assert_eq!(t[0]["address"], hex0x(b.as_slice()));
        assert_eq!(t[0]["steps"], json!([]));
    }
}
