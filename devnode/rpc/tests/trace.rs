//! `debug_traceTransaction` / `debug_traceCall` with Nitro's Stylus hostio tracer (native name
//! and the JavaScript text `cargo stylus trace` sends) and geth's `callTracer`, on real Stylus
//! programs deployed and activated over JSON-RPC; and the Arbitrum receipt fields.

mod common;

use alloy::network::AnyNetwork;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use common::*;
use serde_json::{json, Value};

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

/// Sends a call with a fixed gas limit (an estimate would be the least gas with which the
/// caller succeeds, starving the sub-call whose status it ignores).
async fn send(p: &impl Provider, to: Address, input: Vec<u8>) -> B256 {
    let r = mined(
        &p,
        TransactionRequest::default()
            .to(to)
            .input(input.into())
            .gas_limit(3_000_000),
    )
    .await;
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

/// `debug_traceTransaction` of `tx` with `tracer` (a tracer's name or a
/// JavaScript tracer); panics on an error answer.
async fn traced(url: &str, tx: B256, tracer: &str) -> Value {
    rpc(
        url,
        "debug_traceTransaction",
        json!([tx, {"tracer": tracer}]),
    )
    .await
    .unwrap_or_else(|e| panic!("tracing {tx} with {tracer}: {e}"))
}

/// The receipt of the mined transaction `tx`.
async fn receipt_of(p: &impl Provider, tx: B256) -> TransactionReceipt {
    p.get_transaction_receipt(tx)
        .await
        .expect("receipt")
        .expect("mined")
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
    // (`evm_*` records are frames, not hostios: no ink)
    for s in steps[1..steps.len() - 1]
        .iter()
        .filter(|s| !s["name"].as_str().is_some_and(|n| n.starts_with("evm_")))
    {
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
    let trace = traced(url, tx, "stylusTracer").await;
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
    let js = traced(url, tx, STYLUS_JS).await;
    assert_eq!(js, trace);

    // Tracing changes nothing: the same trace again, same head, same storage.
    let again = traced(url, tx, "stylusTracer").await;
    assert_eq!(again, trace);
    assert_eq!(p.get_block_number().await.expect("head"), head);
    assert_eq!(
        p.get_storage_at(caller, U256::ZERO).await.expect("slot"),
        U256::from(9)
    );

    // A plain transfer runs no Stylus code.
    let r = mined(
        &p,
        TransactionRequest::default()
            .to(Address::repeat_byte(0x42))
            .value(U256::from(1)),
    )
    .await;
    let plain = traced(url, r.transaction_hash, "stylusTracer").await;
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

    let trace = traced(url, tx, "stylusTracer").await;
    let call = step(&trace, "call_contract");
    assert_eq!(call["address"], hexs(store.as_slice()));
    assert_eq!(call["steps"], json!([]));
    assert_eq!(step(&trace, "read_return_data")["outs"], hexs(&word(3)));

    let receipt = receipt_of(&p, tx).await;
    let tree = traced(url, tx, "callTracer").await;
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
    let r = mined(
        &p,
        TransactionRequest::default()
            .to(Address::repeat_byte(0x43))
            .value(U256::from(1)),
    )
    .await;
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
    let r = mined(
        &p,
        TransactionRequest::default()
            .to(Address::repeat_byte(0x44))
            .value(U256::from(1)),
    )
    .await;
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

/// A program that calls most remaining hostios once: message and block data, ink and gas,
/// keccak, math, account queries (the code twice: the second read hits the one-entry code
/// cache), transient storage, `create1`, a static call, and `exit_early`.
fn many_hostios_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "vm_hooks" "msg_sender" (func $msg_sender (param i32)))
  (import "vm_hooks" "msg_value" (func $msg_value (param i32)))
  (import "vm_hooks" "tx_origin" (func $tx_origin (param i32)))
  (import "vm_hooks" "contract_address" (func $contract_address (param i32)))
  (import "vm_hooks" "block_number" (func $block_number (result i64)))
  (import "vm_hooks" "block_timestamp" (func $block_timestamp (result i64)))
  (import "vm_hooks" "chainid" (func $chainid (result i64)))
  (import "vm_hooks" "block_basefee" (func $block_basefee (param i32)))
  (import "vm_hooks" "block_coinbase" (func $block_coinbase (param i32)))
  (import "vm_hooks" "block_gas_limit" (func $block_gas_limit (result i64)))
  (import "vm_hooks" "tx_gas_price" (func $tx_gas_price (param i32)))
  (import "vm_hooks" "tx_ink_price" (func $tx_ink_price (result i32)))
  (import "vm_hooks" "evm_gas_left" (func $evm_gas_left (result i64)))
  (import "vm_hooks" "evm_ink_left" (func $evm_ink_left (result i64)))
  (import "vm_hooks" "msg_reentrant" (func $msg_reentrant (result i32)))
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (import "vm_hooks" "math_div" (func $math_div (param i32 i32)))
  (import "vm_hooks" "math_add_mod" (func $math_add_mod (param i32 i32 i32)))
  (import "vm_hooks" "account_balance" (func $account_balance (param i32 i32)))
  (import "vm_hooks" "account_code_size" (func $account_code_size (param i32) (result i32)))
  (import "vm_hooks" "account_codehash" (func $account_codehash (param i32 i32)))
  (import "vm_hooks" "account_code" (func $account_code (param i32 i32 i32 i32) (result i32)))
  (import "vm_hooks" "transient_store_bytes32" (func $tstore (param i32 i32)))
  (import "vm_hooks" "transient_load_bytes32" (func $tload (param i32 i32)))
  (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
  (import "vm_hooks" "return_data_size" (func $return_data_size (result i32)))
  (import "vm_hooks" "static_call_contract" (func $static_call (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "exit_early" (func $exit_early (param i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 1000) "\60\00\60\00\f3")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $msg_sender (i32.const 0))
    (call $msg_value (i32.const 32))
    (call $tx_origin (i32.const 64))
    (call $contract_address (i32.const 96))
    (drop (call $block_number))
    (drop (call $block_timestamp))
    (drop (call $chainid))
    (call $block_basefee (i32.const 128))
    (call $block_coinbase (i32.const 160))
    (drop (call $block_gas_limit))
    (call $tx_gas_price (i32.const 192))
    (drop (call $tx_ink_price))
    (drop (call $evm_gas_left))
    (drop (call $evm_ink_left))
    (drop (call $msg_reentrant))
    (call $keccak (i32.const 0) (i32.const 20) (i32.const 224))
    (i32.store8 (i32.const 287) (i32.const 100))
    (i32.store8 (i32.const 319) (i32.const 7))
    (call $math_div (i32.const 256) (i32.const 288))
    (i32.store8 (i32.const 351) (i32.const 5))
    (call $math_add_mod (i32.const 256) (i32.const 288) (i32.const 320))
    (call $account_balance (i32.const 0) (i32.const 352))
    (drop (call $account_code_size (i32.const 96)))
    (call $account_codehash (i32.const 96) (i32.const 384))
    (drop (call $account_code (i32.const 96) (i32.const 0) (i32.const 4) (i32.const 416)))
    (call $tstore (i32.const 256) (i32.const 288))
    (call $tload (i32.const 256) (i32.const 448))
    (call $create1 (i32.const 1000) (i32.const 5) (i32.const 480) (i32.const 512) (i32.const 544))
    (drop (call $return_data_size))
    (drop (call $static_call (i32.const 512) (i32.const 0) (i32.const 0) (i64.const 100000) (i32.const 548)))
    (call $exit_early (i32.const 0))
    unreachable))"#,
    )
    .expect("valid wat")
}

fn bytes_of(s: &Value, k: &str) -> Vec<u8> {
    alloy::primitives::hex::decode(s[k].as_str().expect("hex")).expect("hex")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_record_has_the_layout_cargo_stylus_parses() {
    let node = node();
    let url = node.url();
    let p = provider(&node, 4);
    let sender = node.dev_accounts()[4].address;
    let program = deploy_program(&p, &many_hostios_wasm()).await;
    let tx = send(&p, program, vec![]).await;
    let receipt = receipt_of(&p, tx).await;
    let trace = traced(url, tx, "stylusTracer").await;
    assert_eq!(
        names(&trace),
        [
            "user_entrypoint",
            "msg_sender",
            "msg_value",
            "tx_origin",
            "contract_address",
            "block_number",
            "block_timestamp",
            "chainid",
            "block_basefee",
            "block_coinbase",
            "block_gas_limit",
            "tx_gas_price",
            "tx_ink_price",
            "evm_gas_left",
            "evm_ink_left",
            "msg_reentrant",
            "native_keccak256",
            "math_div",
            "math_add_mod",
            "account_balance",
            "account_code_size",
            "account_codehash",
            "account_code",
            "transient_store_bytes32",
            "transient_load_bytes32",
            // As on Nitro, the frame a create enters stays a record of its own before the
            // hostio's (only the call hostios absorb theirs).
            "evm_create1",
            "create1",
            "return_data_size",
            "static_call_contract",
            "exit_early",
            "user_returned",
        ]
    );
    // (args bytes, outs bytes) as stylus-tools' frame parser reads each record; `None` for
    // variable-length data.
    let layout = |name: &str| -> (Option<usize>, Option<usize>) {
        match name {
            "user_entrypoint" => (Some(4), Some(0)),
            "user_returned" => (Some(0), Some(4)),
            "msg_sender" | "tx_origin" | "contract_address" | "block_coinbase" => {
                (Some(0), Some(20))
            }
            "msg_value" | "block_basefee" | "tx_gas_price" => (Some(0), Some(32)),
            "block_number" | "block_timestamp" | "chainid" | "block_gas_limit" | "evm_gas_left"
            | "evm_ink_left" => (Some(0), Some(8)),
            "tx_ink_price" | "msg_reentrant" | "return_data_size" => (Some(0), Some(4)),
            "native_keccak256" => (None, Some(32)),
            "math_div" => (Some(64), Some(32)),
            "math_add_mod" => (Some(96), Some(32)),
            "account_balance" | "account_codehash" => (Some(20), Some(32)),
            "account_code_size" => (Some(20), Some(4)),
            "account_code" => (Some(28), None),
            "transient_store_bytes32" => (Some(64), Some(0)),
            "transient_load_bytes32" => (Some(32), Some(32)),
            "create1" => (None, Some(24)),
            "static_call_contract" => (None, Some(5)),
            "exit_early" => (Some(4), Some(0)),
            "evm_create1" => (Some(0), Some(0)),
            other => panic!("unexpected {other}"),
        }
    };
    for s in trace.as_array().expect("array") {
        let name = s["name"].as_str().expect("name");
        let (a, o) = layout(name);
        if let Some(a) = a {
            assert_eq!(bytes_of(s, "args").len(), a, "{s}");
        }
        if let Some(o) = o {
            assert_eq!(bytes_of(s, "outs").len(), o, "{s}");
        }
    }
    assert_ink_decreases(&trace);

    let outs = |name: &str| bytes_of(step(&trace, name), "outs");
    let u64_of = |name: &str| u64::from_be_bytes(outs(name).try_into().expect("8 bytes"));
    assert_eq!(outs("msg_sender"), sender.to_vec());
    assert_eq!(outs("tx_origin"), sender.to_vec());
    assert_eq!(outs("contract_address"), program.to_vec());
    assert_eq!(outs("msg_value"), [0u8; 32]);
    assert_eq!(u64_of("block_number"), receipt.block_number.expect("block"));
    assert_eq!(u64_of("chainid"), 412_346);
    assert_eq!(outs("tx_ink_price"), 10_000u32.to_be_bytes());
    // evm_ink_left answers the ink left after paying for itself: the record's end ink.
    let ink_left = step(&trace, "evm_ink_left");
    assert_eq!(u64_of("evm_ink_left"), ink(ink_left, "endInk"));
    let gas_left = step(&trace, "evm_gas_left");
    assert_eq!(u64_of("evm_gas_left"), ink(gas_left, "endInk") / 10_000);
    let keccak = step(&trace, "native_keccak256");
    assert_eq!(bytes_of(keccak, "args"), sender.to_vec());
    assert_eq!(
        outs("native_keccak256"),
        alloy::primitives::keccak256(sender).to_vec()
    );
    assert_eq!(outs("math_div"), word(14).to_vec());
    assert_eq!(outs("math_add_mod"), word(1).to_vec());
    let code = p.get_code_at(program).await.expect("code");
    assert_eq!(outs("account_code_size"), (code.len() as u32).to_be_bytes());
    assert_eq!(
        outs("account_codehash"),
        alloy::primitives::keccak256(&code).to_vec()
    );
    assert_eq!(outs("account_code"), code[..4].to_vec());
    assert_eq!(
        bytes_of(step(&trace, "account_code"), "args"),
        [program.as_slice(), &0u32.to_be_bytes(), &4u32.to_be_bytes()].concat()
    );
    assert_eq!(outs("transient_load_bytes32"), word(7).to_vec());
    let create = step(&trace, "create1");
    assert_eq!(
        bytes_of(create, "args"),
        [&[0u8; 32][..], &[0x60, 0x00, 0x60, 0x00, 0xf3]].concat()
    );
    let created = Address::from_slice(&outs("create1")[..20]);
    assert_eq!(created, program.create(1));
    let frame = step(&trace, "evm_create1");
    assert_eq!(frame["address"], hexs(created.as_slice()));
    assert_eq!(frame["steps"], json!([]));
    let call = step(&trace, "static_call_contract");
    assert_eq!(call["address"], hexs(created.as_slice()));
    assert_eq!(call["steps"], json!([]));
    assert_eq!(
        bytes_of(call, "args"),
        [created.as_slice(), &100_000u64.to_be_bytes()].concat()
    );
    assert_eq!(outs("static_call_contract"), [0, 0, 0, 0, 0]);
    assert_eq!(
        bytes_of(step(&trace, "exit_early"), "args"),
        0u32.to_be_bytes()
    );
    assert_eq!(outs("user_returned"), 0u32.to_be_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_is_traced_transaction_by_transaction_in_order() {
    let node = node();
    let url = node.url();
    let p = provider(&node, 5);
    let echo = deploy_program(&p, &echo_wasm()).await;
    let caller = deploy_program(&p, &caller_wasm()).await;
    let args = |w: u64| {
        let mut a = echo.to_vec();
        a.extend_from_slice(&word(w));
        a
    };
    // Two transactions in one block: the second sees the first's store.
    rpc(url, "evm_setAutomine", json!([false]))
        .await
        .expect("automine off");
    let mut hashes = Vec::new();
    for w in [11, 12] {
        let pending = p
            .send_transaction(
                TransactionRequest::default()
                    .to(caller)
                    .input(args(w).into())
                    .gas_limit(3_000_000),
            )
            .await
            .expect("send");
        hashes.push(*pending.tx_hash());
    }
    rpc(url, "evm_mine", json!([])).await.expect("mine");
    let r0 = receipt_of(&p, hashes[0]).await;
    let r1 = receipt_of(&p, hashes[1]).await;
    assert_eq!(r0.block_number, r1.block_number);
    let n = r0.block_number.expect("block");

    let cfg = json!({"tracer": "stylusTracer"});
    let by_number = rpc(
        url,
        "debug_traceBlockByNumber",
        json!([format!("{n:#x}"), cfg]),
    )
    .await
    .expect("block trace");
    let by_hash = rpc(
        url,
        "debug_traceBlockByHash",
        json!([r0.block_hash.expect("hash"), cfg]),
    )
    .await
    .expect("block trace");
    assert_eq!(by_number, by_hash);
    let entries = by_number.as_array().expect("array");
    assert_eq!(entries.len(), 2);
    for (entry, h) in entries.iter().zip(&hashes) {
        assert_eq!(entry["txHash"], json!(h));
        let single = rpc(url, "debug_traceTransaction", json!([h, cfg]))
            .await
            .expect("trace");
        assert_eq!(entry["result"], single);
    }
    let first = &entries[0]["result"];
    let second = &entries[1]["result"];
    assert_eq!(step(first, "storage_load_bytes32")["outs"], hexs(&word(0)));
    assert_eq!(
        step(second, "storage_load_bytes32")["outs"],
        hexs(&word(11))
    );
    // Both entered the caller in the same block: the second paid the cached init cost
    // (the recent-programs cache), so it starts with more ink for the same gas limit.
    assert!(ink(&second[0], "startInk") > ink(&first[0], "startInk"));
    assert_eq!(
        rpc(url, "debug_traceBlockByNumber", json!(["0x0", cfg]))
            .await
            .expect("genesis"),
        json!([])
    );
}
