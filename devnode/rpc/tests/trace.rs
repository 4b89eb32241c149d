//! `debug_traceTransaction` / `debug_traceCall` with Nitro's Stylus hostio tracer (native name
//! and the JavaScript text `cargo stylus trace` sends) and geth's `callTracer`, on real Stylus
//! programs deployed and activated over JSON-RPC; and the Arbitrum receipt fields.

mod common;

use alloy::network::{AnyNetwork, TransactionBuilder};
use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::state::{AccountOverride, StateOverride};
use alloy::rpc::types::TransactionRequest;
use alloy::sol;
use alloy::sol_types::SolCall;
use common::*;
use serde_json::{json, Value};

sol! {
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    }
}

const ARB_WASM: Address = alloy::primitives::address!("0x0000000000000000000000000000000000000071");

/// The callee: echoes its calldata.
fn echo_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))"#,
    )
    .expect("valid wat")
}

/// The caller: calldata = callee address (20 bytes) ‖ word. Loads slot 0, caches the word at
/// slot 0, flushes, logs the word (no topics), calls the callee with the word, reads the 32
/// bytes it returns and returns them.
fn caller_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $load (i32.const 100) (i32.const 200))
    (call $cache (i32.const 100) (i32.const 20))
    (call $flush (i32.const 0))
    (call $emit_log (i32.const 20) (i32.const 32) (i32.const 0))
    (drop (call $call (i32.const 0) (i32.const 20) (i32.const 32) (i32.const 100)
                      (i64.const -1) (i32.const 400)))
    (drop (call $rrd (i32.const 500) (i32.const 0) (i32.const 32)))
    (call $write_result (i32.const 500) (i32.const 32))
    (i32.const 0)))"#,
    )
    .expect("valid wat")
}

/// Deploys `wasm` as a Stylus program and activates it (fee from the `eth_call` estimate).
async fn deploy_program(p: &impl Provider, wasm: &[u8]) -> Address {
    let code = stylus_validate::format::program_code(wasm);
    let init = stylus_validate::format::deploy_init_code(&code);
    let r = p
        .send_transaction(TransactionRequest::default().with_deploy_code(Bytes::from(init)))
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "deploy");
    let program = r.contract_address.expect("address");
    // The data fee, as cargo-stylus asks it: the activation simulated with a rich sender.
    let probe = Address::repeat_byte(0xab);
    let rich = Address::repeat_byte(0xcd);
    let mut o = StateOverride::default();
    o.insert(
        probe,
        AccountOverride::default().with_code(Bytes::copy_from_slice(&code)),
    );
    o.insert(rich, AccountOverride::default().with_balance(U256::MAX));
    let out = p
        .call(
            TransactionRequest::default()
                .from(rich)
                .to(ARB_WASM)
                .value(U256::from(10).pow(U256::from(18)))
                .input(
                    ArbWasm::activateProgramCall { program: probe }
                        .abi_encode()
                        .into(),
                ),
        )
        .overrides(o)
        .await
        .expect("data fee");
    let fee = ArbWasm::activateProgramCall::abi_decode_returns(&out)
        .expect("decode")
        .dataFee
        * U256::from(2);
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .to(ARB_WASM)
                .value(fee)
                .input(ArbWasm::activateProgramCall { program }.abi_encode().into()),
        )
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "activation");
    program
}

/// Deploys EVM runtime code.
async fn deploy_evm(p: &impl Provider, runtime: &[u8]) -> Address {
    let r = p
        .send_transaction(TransactionRequest::default().with_deploy_code(initcode(runtime)))
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    r.contract_address.expect("address")
}

/// Sends a call with a fixed gas limit (an estimate would be the least gas with which the
/// caller succeeds, starving the sub-call whose status it ignores).
async fn send(p: &impl Provider, to: Address, input: Vec<u8>) -> B256 {
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .to(to)
                .input(input.into())
                .gas_limit(3_000_000),
        )
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "transaction");
    r.transaction_hash
}

/// Calls a method; `Ok(result)` or `Err(error object)`.
async fn rpc(url: &str, method: &str, params: Value) -> Result<Value, Value> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (status, v) = post(url, body.to_string()).await;
    assert_eq!(status, 200, "{v}");
    match v.get("error") {
        Some(e) => Err(e.clone()),
        None => Ok(v["result"].clone()),
    }
}

fn hexs(b: &[u8]) -> String {
    format!("0x{}", alloy::primitives::hex::encode(b))
}

fn names(steps: &Value) -> Vec<&str> {
    steps
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect()
}

fn step<'a>(steps: &'a Value, name: &str) -> &'a Value {
    steps
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {steps}"))
}

fn ink(s: &Value, k: &str) -> u64 {
    s[k].as_u64().expect("ink")
}

/// Every hostio's ink falls (start ≥ end), and the next one starts where it ended or lower;
/// `user_entrypoint`/`user_returned` carry the starting ink, at least every other record's.
fn assert_ink_decreases(steps: &Value) {
    let steps = steps.as_array().expect("array");
    let entry = ink(&steps[0], "startInk");
    assert_eq!(steps[0]["name"], "user_entrypoint");
    let mut last = entry;
    for s in &steps[1..steps.len() - 1] {
        let (a, b) = (ink(s, "startInk"), ink(s, "endInk"));
        assert!(a >= b, "{s}");
        assert!(a <= last, "ink went up at {s}");
        last = b;
    }
    let ret = steps.last().expect("user_returned");
    assert_eq!(ret["name"], "user_returned");
    assert_eq!(ink(ret, "startInk"), entry);
    assert!(last < entry);
}

/// A JavaScript tracer of the same protocol as the one `cargo stylus trace` sends (an object
/// with `hostio`/`enter`/`exit`/`result`/`fault` and the `nests` list), written differently.
const STYLUS_JS: &str = r#"{
  hostio: function (info) {
    info.args = toHex(info.args); info.outs = toHex(info.outs);
    if (this.nests.includes(info.name)) { Object.assign(info, this.open.pop()); info.name = info.name.substring(4); }
    this.open.push(info);
  },
  enter: function (frame) {
    var inner = [];
    var kinds = { CALL: 'evm_call_contract', DELEGATECALL: 'evm_delegate_call_contract', STATICCALL: 'evm_static_call_contract' };
    this.open.push({ address: toHex(frame.getTo()), steps: inner, name: kinds[frame.getType()] || '' });
    this.stack.push(this.open); this.open = inner;
  },
  exit: function (result) { this.open = this.stack.pop(); },
  result: function () { return this.open; },
  fault: function () { return this.open; },
  stack: [], open: [],
  nests: ['call_contract', 'delegate_call_contract', 'static_call_contract']
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stylus_tracer_records_every_hostio_with_nitros_layout() {
    let node = node();
    let url = node.url();
    let p = provider(&node, 0);
    let sender = node.dev_accounts()[0].address;
    let echo = deploy_program(&p, &echo_wasm()).await;
    let caller = deploy_program(&p, &caller_wasm()).await;

    let args = |w: u64| {
        let mut a = echo.to_vec();
        a.extend_from_slice(&word(w));
        a
    };
    send(&p, caller, args(7)).await;
    let tx = send(&p, caller, args(9)).await;

    let head = p.get_block_number().await.expect("head");
    let trace = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": "stylusTracer"}]),
    )
    .await
    .expect("trace");
    assert_eq!(
        names(&trace),
        [
            "user_entrypoint",
            "read_args",
            "storage_load_bytes32",
            "storage_cache_bytes32",
            "storage_flush_cache",
            "emit_log",
            "call_contract",
            "read_return_data",
            "write_result",
            "user_returned",
        ]
    );
    let w9 = word(9);
    let w7 = word(7);
    let key = [0u8; 32];
    assert_eq!(
        step(&trace, "user_entrypoint")["args"],
        hexs(&52u32.to_be_bytes())
    );
    assert_eq!(step(&trace, "read_args")["outs"], hexs(&args(9)));
    // The replay runs on the state the first transaction left: slot 0 held 7.
    let load = step(&trace, "storage_load_bytes32");
    assert_eq!(load["args"], hexs(&key));
    assert_eq!(load["outs"], hexs(&w7));
    assert_eq!(
        step(&trace, "storage_cache_bytes32")["args"],
        hexs(&[&key[..], &w9[..]].concat())
    );
    assert_eq!(step(&trace, "storage_flush_cache")["args"], "0x00");
    assert_eq!(
        step(&trace, "emit_log")["args"],
        hexs(&[&0u32.to_be_bytes()[..], &w9[..]].concat())
    );
    let call = step(&trace, "call_contract");
    assert_eq!(
        call["args"],
        hexs(
            &[
                echo.as_slice(),
                &u64::MAX.to_be_bytes(),
                &[0u8; 32],
                &w9[..]
            ]
            .concat()
        )
    );
    assert_eq!(
        call["outs"],
        hexs(&[&32u32.to_be_bytes()[..], &[0u8]].concat())
    );
    assert_eq!(call["address"], hexs(echo.as_slice()));
    assert_eq!(
        names(&call["steps"]),
        [
            "user_entrypoint",
            "read_args",
            "write_result",
            "user_returned"
        ]
    );
    assert_eq!(step(&call["steps"], "read_args")["outs"], hexs(&w9));
    assert_eq!(step(&call["steps"], "write_result")["args"], hexs(&w9));
    // The callee's ink is part of the caller's.
    assert!(ink(step(&call["steps"], "user_entrypoint"), "startInk") < ink(call, "startInk"));
    assert_ink_decreases(&call["steps"]);
    assert_eq!(
        step(&trace, "read_return_data")["args"],
        hexs(&[&0u32.to_be_bytes()[..], &32u32.to_be_bytes()].concat())
    );
    assert_eq!(step(&trace, "read_return_data")["outs"], hexs(&w9));
    assert_eq!(step(&trace, "write_result")["args"], hexs(&w9));
    assert_eq!(
        step(&trace, "user_returned")["outs"],
        hexs(&0u32.to_be_bytes())
    );
    assert_ink_decreases(&trace);

    // The JavaScript tracer gives the same records here (no frame is entered by EVM code).
    let js = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": STYLUS_JS}]),
    )
    .await
    .expect("js trace");
    assert_eq!(js, trace);

    // Tracing changes nothing: the same trace again, same head, same storage.
    let again = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": "stylusTracer"}]),
    )
    .await
    .expect("trace");
    assert_eq!(again, trace);
    assert_eq!(p.get_block_number().await.expect("head"), head);
    assert_eq!(
        p.get_storage_at(caller, U256::ZERO).await.expect("slot"),
        U256::from(9)
    );

    // A plain transfer runs no Stylus code.
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .to(Address::repeat_byte(0x42))
                .value(U256::from(1)),
        )
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    let plain = rpc(
        url,
        "debug_traceTransaction",
        json!([r.transaction_hash, {"tracer": "stylusTracer"}]),
    )
    .await
    .expect("trace");
    assert_eq!(plain, json!([]));

    // debug_traceCall on the latest state: slot 0 now holds 9.
    let sim = rpc(
        url,
        "debug_traceCall",
        json!([{"from": sender, "to": caller, "data": hexs(&args(5))}, "latest", {"tracer": "stylusTracer"}]),
    )
    .await
    .expect("traceCall");
    assert_eq!(names(&sim), names(&trace));
    assert_eq!(step(&sim, "storage_load_bytes32")["outs"], hexs(&w9));
    assert_eq!(step(&sim, "write_result")["args"], hexs(&word(5)));
    assert_eq!(
        p.get_storage_at(caller, U256::ZERO).await.expect("slot"),
        U256::from(9)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evm_callee_has_no_steps_and_call_tracer_gives_the_frame_tree() {
    let node = node();
    let url = node.url();
    let p = provider(&node, 1);
    let sender = node.dev_accounts()[1].address;
    let caller = deploy_program(&p, &caller_wasm()).await;
    let store = deploy_evm(&p, &store_runtime()).await;
    let mut input = store.to_vec();
    input.extend_from_slice(&word(3));
    let tx = send(&p, caller, input.clone()).await;

    let trace = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": "stylusTracer"}]),
    )
    .await
    .expect("trace");
    let call = step(&trace, "call_contract");
    assert_eq!(call["address"], hexs(store.as_slice()));
    assert_eq!(call["steps"], json!([]));
    assert_eq!(step(&trace, "read_return_data")["outs"], hexs(&word(3)));

    let receipt = p
        .get_transaction_receipt(tx)
        .await
        .expect("receipt")
        .expect("mined");
    let tree = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": "callTracer"}]),
    )
    .await
    .expect("callTracer");
    assert_eq!(tree["type"], "CALL");
    assert_eq!(tree["from"], hexs(sender.as_slice()));
    assert_eq!(tree["to"], hexs(caller.as_slice()));
    assert_eq!(tree["input"], hexs(&input));
    assert_eq!(tree["output"], hexs(&word(3)));
    assert_eq!(tree["value"], "0x0");
    assert_eq!(tree["gasUsed"], format!("{:#x}", receipt.gas_used));
    let calls = tree["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["type"], "CALL");
    assert_eq!(calls[0]["from"], hexs(caller.as_slice()));
    assert_eq!(calls[0]["to"], hexs(store.as_slice()));
    assert_eq!(calls[0]["input"], hexs(&word(3)));
    assert_eq!(calls[0]["output"], hexs(&word(3)));
    assert!(calls[0].get("error").is_none());

    let top = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true}}]),
    )
    .await
    .expect("onlyTopCall");
    assert!(top.get("calls").is_none());
    assert_eq!(top["gasUsed"], tree["gasUsed"]);

    // A reverting call: the store contract refuses a zero word with Error("zero").
    let err = rpc(
        url,
        "debug_traceCall",
        json!([{"from": sender, "to": store, "data": hexs(&word(0))}, "latest", {"tracer": "callTracer"}]),
    )
    .await
    .expect("traceCall");
    assert_eq!(err["error"], "execution reverted");
    assert_eq!(err["revertReason"], "zero");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_tracers_are_refused_clearly() {
    let node = node();
    let url = node.url();
    let p = provider(&node, 2);
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .to(Address::repeat_byte(0x43))
                .value(U256::from(1)),
        )
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    let tx = r.transaction_hash;
    let msg = |e: Value| e["message"].as_str().expect("message").to_string();
    let e = rpc(url, "debug_traceTransaction", json!([tx]))
        .await
        .expect_err("struct logs");
    assert_eq!(e["code"], -32602);
    assert!(msg(e).contains("struct-log tracing"));
    let e = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": "{ step: function(log) {}, result: function() { return 1; }, fault: function() {} }"}]),
    )
    .await
    .expect_err("other js");
    assert_eq!(
        msg(e),
        "JavaScript tracers are not supported; use stylusTracer or callTracer"
    );
    let e = rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": "prestateTracer"}]),
    )
    .await
    .expect_err("prestate");
    assert!(msg(e).contains("\"prestateTracer\" is not supported"));
    let e = rpc(
        url,
        "debug_traceTransaction",
        json!([B256::repeat_byte(7), {"tracer": "callTracer"}]),
    )
    .await
    .expect_err("unknown tx");
    assert!(msg(e).contains("not found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_carry_arbitrum_fields() {
    let node = node();
    let url = node.url();
    let p = provider(&node, 3);
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .to(Address::repeat_byte(0x44))
                .value(U256::from(1)),
        )
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    let n = r.block_number.expect("block");

    // alloy's network-agnostic receipt keeps them in `other`.
    let any = ProviderBuilder::new()
        .network::<AnyNetwork>()
        .connect_http(url.parse().expect("url"));
    let receipt = any
        .get_transaction_receipt(r.transaction_hash)
        .await
        .expect("receipt")
        .expect("mined");
    assert_eq!(
        receipt
            .other
            .get_deserialized::<U256>("gasUsedForL1")
            .and_then(Result::ok),
        Some(U256::ZERO)
    );
    assert_eq!(
        receipt
            .other
            .get_deserialized::<U256>("l1BlockNumber")
            .and_then(Result::ok),
        Some(U256::from(n))
    );

    let block = rpc(url, "eth_getBlockReceipts", json!([format!("{n:#x}")]))
        .await
        .expect("block receipts");
    let block = block.as_array().expect("array");
    assert_eq!(block.len(), 1);
    assert_eq!(block[0]["gasUsedForL1"], "0x0");
    assert_eq!(block[0]["l1BlockNumber"], format!("{n:#x}"));
    assert_eq!(
        rpc(
            url,
            "eth_getTransactionReceipt",
            json!([B256::repeat_byte(9)])
        )
        .await
        .expect("null"),
        Value::Null
    );
}
