//! The JSON-RPC errors wallet libraries classify: every refusal of `eth_estimateGas`,
//! `eth_call`, `eth_sendRawTransaction` and `eth_sendTransaction` carries geth's code
//! (-32000, or 3 for a revert) and geth's message, whose leading phrase viem's
//! `getNodeError` and ethers' `getRpcError` match on. Raw JSON-RPC over HTTP, so the exact
//! code, message and data are checked.

mod common;

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy::eips::eip2718::Encodable2718;
use alloy::primitives::{Address, Bytes, TxKind, U256};
use alloy::signers::SignerSync;
use common::*;
use devnode_chain::config::DEFAULT_TX_GAS_CAP;
use serde_json::{json, Value};
use stylus_devnode::DevnodeHandle;

/// The devnode's base fee (0.1 gwei).
const BASE_FEE: u128 = 100_000_000;
const GWEI: u128 = 1_000_000_000;

/// A JSON-RPC call's response object.
async fn rpc(node: &DevnodeHandle, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (status, v) = post(node.url(), body.to_string()).await;
    assert_eq!(status, 200, "{method}: HTTP status");
    v
}

/// The result of a call that must succeed.
async fn ok(node: &DevnodeHandle, method: &str, params: Value) -> Value {
    let v = rpc(node, method, params).await;
    assert!(v["error"].is_null(), "{method} failed: {v}");
    v["result"].clone()
}

/// The `(code, message)` of a call that must fail.
async fn err(node: &DevnodeHandle, method: &str, params: Value) -> (i64, String) {
    let v = rpc(node, method, params).await;
    let code = v["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("{method} did not fail: {v}"));
    let message = v["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (code, message)
}

async fn balance(node: &DevnodeHandle, a: Address) -> U256 {
    let v = ok(node, "eth_getBalance", json!([a, "latest"])).await;
    v.as_str().and_then(|s| s.parse().ok()).expect("balance")
}

async fn nonce(node: &DevnodeHandle, a: Address, tag: &str) -> u64 {
    let v = ok(node, "eth_getTransactionCount", json!([a, tag])).await;
    u64::from_str_radix(v.as_str().expect("count").trim_start_matches("0x"), 16).expect("hex")
}

/// An EIP-1559 transfer of `value` to `0x42…42`.
fn eip1559(nonce: u64, gas: u64, max_fee: u128, tip: u128, value: U256) -> TxEip1559 {
    TxEip1559 {
        chain_id: 412_346,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: tip,
        to: TxKind::Call(Address::repeat_byte(0x42)),
        value,
        ..Default::default()
    }
}

/// The transaction kinds these tests sign.
enum Unsigned {
    Eip1559(TxEip1559),
    Legacy(TxLegacy),
}

impl From<TxEip1559> for Unsigned {
    fn from(t: TxEip1559) -> Self {
        Self::Eip1559(t)
    }
}

impl From<TxLegacy> for Unsigned {
    fn from(t: TxLegacy) -> Self {
        Self::Legacy(t)
    }
}

/// Signs `tx` with dev account `i`: the raw transaction as hex.
fn sign(node: &DevnodeHandle, i: usize, tx: impl Into<Unsigned>) -> String {
    let signer = &node.dev_accounts()[i].signer;
    let envelope: TxEnvelope = match tx.into() {
        Unsigned::Eip1559(t) => {
            let sig = signer.sign_hash_sync(&t.signature_hash()).expect("sign");
            t.into_signed(sig).into()
        }
        Unsigned::Legacy(t) => {
            let sig = signer.sign_hash_sync(&t.signature_hash()).expect("sign");
            t.into_signed(sig).into()
        }
    };
    format!("0x{}", alloy::hex::encode(envelope.encoded_2718()))
}

fn hex_u256(v: U256) -> String {
    format!("{v:#x}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn estimate_gas_of_a_transfer_above_the_balance_is_insufficient_funds() {
    let node = node();
    let from = node.dev_accounts()[1].address;
    let to = Address::repeat_byte(0x42);
    let have = balance(&node, from).await;
    // viem's request: value above the balance, fee cap set. The cap by (balance - value) /
    // price used to give gas 0 and "intrinsic gas too low".
    for fee in [
        json!({"maxFeePerGas": "0x3b9aca00", "maxPriorityFeePerGas": "0x0"}),
        json!({"maxFeePerGas": "0x3b9aca00"}),
        json!({"gasPrice": "0x3b9aca00"}),
    ] {
        for value in [have + U256::from(1), have] {
            let mut req = json!({"from": from, "to": to, "value": hex_u256(value)});
            req.as_object_mut()
                .expect("object")
                .extend(fee.as_object().expect("object").clone());
            let (code, message) = err(&node, "eth_estimateGas", json!([req])).await;
            assert_eq!(
                (code, message.as_str()),
                (-32000, "insufficient funds for transfer"),
                "{req}"
            );
        }
    }
    // Without a fee cap the balance check of the execution answers (geth's wording).
    let (code, message) = err(
        &node,
        "eth_estimateGas",
        json!([{"from": from, "to": to, "value": hex_u256(have + U256::from(1))}]),
    )
    .await;
    assert_eq!(code, -32000);
    assert_eq!(
        message,
        format!(
            "insufficient funds for gas * price + value: address {from} have {have} want {}",
            have + U256::from(1)
        )
    );
    // A value the sender has, but not with the gas: the allowance is below 21,000.
    let value = have - U256::from(20_000u64 * 1_000_000_000);
    let (code, message) = err(
        &node,
        "eth_estimateGas",
        json!([{"from": from, "to": to, "value": hex_u256(value), "maxFeePerGas": "0x3b9aca00"}]),
    )
    .await;
    assert_eq!(
        (code, message.as_str()),
        (-32000, "gas required exceeds allowance (20000)")
    );
    // With enough left for the gas, the transfer estimates at 21,000.
    let value = have - U256::from(21_000u64 * 1_000_000_000);
    let gas = ok(
        &node,
        "eth_estimateGas",
        json!([{"from": from, "to": to, "value": hex_u256(value), "maxFeePerGas": "0x3b9aca00"}]),
    )
    .await;
    assert_eq!(gas, json!("0x5208"));
    // eth_sendTransaction estimates with its fees filled in, as geth does.
    let (code, message) = err(
        &node,
        "eth_sendTransaction",
        json!([{"from": from, "to": to, "value": hex_u256(have + U256::from(1))}]),
    )
    .await;
    assert_eq!(
        (code, message.as_str()),
        (-32000, "insufficient funds for transfer")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_the_sender_cannot_pay_are_insufficient_funds() {
    let node = node();
    let from = node.dev_accounts()[2].address;
    let have = balance(&node, from).await;
    // The value is covered, the gas on top is not.
    let value = have - U256::from(1);
    let raw = sign(&node, 2, eip1559(0, 21_000, GWEI, 0, value));
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([raw])).await;
    let want = value + U256::from(21_000u128 * GWEI);
    assert_eq!(code, -32000);
    assert_eq!(
        message,
        format!(
            "insufficient funds for gas * price + value: address {from} have {have} want {want}"
        )
    );
    // eth_sendTransaction with its own gas limit: the same check.
    let (code, message) = err(
        &node,
        "eth_sendTransaction",
        json!([{"from": from, "to": Address::repeat_byte(0x42), "value": hex_u256(value),
                "gas": "0x5208", "maxFeePerGas": "0x3b9aca00"}]),
    )
    .await;
    assert_eq!(code, -32000);
    assert!(
        message.starts_with(&format!(
            "insufficient funds for gas * price + value: address {from} have {have} want "
        )),
        "{message}"
    );
    assert_eq!(nonce(&node, from, "pending").await, 0, "nothing was queued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nonces_below_and_above_the_next_are_refused_under_automine() {
    let node = node();
    let from = node.dev_accounts()[3].address;
    let first = sign(&node, 3, eip1559(0, 21_000, GWEI, 0, U256::from(1)));
    ok(&node, "eth_sendRawTransaction", json!([first])).await;
    // Another transaction with the used nonce.
    let low = sign(&node, 3, eip1559(0, 21_000, GWEI, 0, U256::from(2)));
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([low])).await;
    assert_eq!(code, -32000);
    assert_eq!(
        message,
        format!("nonce too low: address {from}, tx: 0 state: 1")
    );
    // The mined transaction itself, again.
    let (_, message) = err(&node, "eth_sendRawTransaction", json!([first])).await;
    assert_eq!(
        message,
        format!("nonce too low: address {from}, tx: 0 state: 1")
    );
    let (_, message) = err(
        &node,
        "eth_sendTransaction",
        json!([{"from": from, "to": Address::repeat_byte(0x42), "nonce": "0x0"}]),
    )
    .await;
    assert_eq!(
        message,
        format!("nonce too low: address {from}, tx: 0 state: 1")
    );
    // A nonce gap: automine models Nitro's sequencer, which has no mempool.
    let high = sign(&node, 3, eip1559(5, 21_000, GWEI, 0, U256::from(3)));
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([high])).await;
    assert_eq!(code, -32000);
    assert_eq!(
        message,
        format!("nonce too high: address {from}, tx: 5 state: 1")
    );
    let (_, message) = err(
        &node,
        "eth_sendTransaction",
        json!([{"from": from, "to": Address::repeat_byte(0x42), "nonce": "0x2"}]),
    )
    .await;
    assert_eq!(
        message,
        format!("nonce too high: address {from}, tx: 2 state: 1")
    );
    assert_eq!(nonce(&node, from, "pending").await, 1, "nothing was queued");
    assert_eq!(node.chain().lock().expect("chain").pool_len(), 0);
    // Automine off: a future nonce waits in the pool (as on anvil) and is mined once the gap
    // is filled.
    ok(&node, "evm_setAutomine", json!([false])).await;
    let future = sign(&node, 3, eip1559(2, 21_000, GWEI, 0, U256::from(4)));
    ok(&node, "eth_sendRawTransaction", json!([future])).await;
    assert_eq!(nonce(&node, from, "pending").await, 1);
    let next = sign(&node, 3, eip1559(1, 21_000, GWEI, 0, U256::from(5)));
    ok(&node, "eth_sendRawTransaction", json!([next])).await;
    assert_eq!(nonce(&node, from, "pending").await, 3);
    ok(&node, "evm_mine", json!([])).await;
    assert_eq!(nonce(&node, from, "latest").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gas_limits_below_the_intrinsic_gas_are_refused() {
    let node = node();
    let from = node.dev_accounts()[4].address;
    let raw = sign(&node, 4, eip1559(0, 20_000, GWEI, 0, U256::from(1)));
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([raw])).await;
    assert_eq!(
        (code, message.as_str()),
        (
            -32000,
            "intrinsic gas too low: gas 20000, minimum needed 21000"
        )
    );
    // Calldata costs 16 gas a non-zero byte: 1,000 of them need 37,000.
    let mut tx = eip1559(0, 30_000, GWEI, 0, U256::ZERO);
    tx.input = Bytes::from(vec![0xab; 1000]);
    let (_, message) = err(
        &node,
        "eth_sendRawTransaction",
        json!([sign(&node, 4, tx.clone())]),
    )
    .await;
    assert_eq!(
        message,
        "intrinsic gas too low: gas 30000, minimum needed 37000"
    );
    let (_, message) = err(
        &node,
        "eth_sendTransaction",
        json!([{"from": from, "to": Address::repeat_byte(0x42), "gas": "0x4e20"}]),
    )
    .await;
    assert_eq!(
        message,
        "intrinsic gas too low: gas 20000, minimum needed 21000"
    );
    // Above the per-transaction cap.
    let raw = sign(
        &node,
        4,
        eip1559(0, DEFAULT_TX_GAS_CAP + 1, GWEI, 0, U256::ZERO),
    );
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([raw])).await;
    assert_eq!(code, -32000);
    assert_eq!(
        message,
        format!(
            "transaction gas limit too high (cap: {DEFAULT_TX_GAS_CAP}, tx: {})",
            DEFAULT_TX_GAS_CAP + 1
        )
    );
    assert_eq!(nonce(&node, from, "pending").await, 0);
    // No EIP-7623 calldata floor (21,000 + 40 per byte = 61,000 here): Nitro
    // applies it only with ArbOS's IncreasedCalldataPrice feature, off by
    // default, and the VM charges none, so 40,000 is enough and is mined.
    tx.gas_limit = 40_000;
    let hash = ok(&node, "eth_sendRawTransaction", json!([sign(&node, 4, tx)])).await;
    let receipt = ok(&node, "eth_getTransactionReceipt", json!([hash])).await;
    assert_eq!(receipt["status"], json!("0x1"));
    assert_eq!(receipt["gasUsed"], json!("0x9088"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fees_below_the_base_fee_or_tips_above_the_fee_cap_are_refused() {
    let node = node();
    let from = node.dev_accounts()[5].address;
    let to = Address::repeat_byte(0x42);
    let raw = sign(&node, 5, eip1559(0, 21_000, 1, 0, U256::from(1)));
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([raw])).await;
    assert_eq!(code, -32000);
    assert_eq!(
        message,
        format!("max fee per gas less than block base fee: address {from}, maxFeePerGas: 1, baseFee: {BASE_FEE}")
    );
    let legacy = TxLegacy {
        chain_id: Some(412_346),
        nonce: 0,
        gas_price: BASE_FEE - 1,
        gas_limit: 21_000,
        to: TxKind::Call(to),
        value: U256::from(1),
        input: Bytes::new(),
    };
    let (_, message) = err(
        &node,
        "eth_sendRawTransaction",
        json!([sign(&node, 5, legacy)]),
    )
    .await;
    assert!(
        message.starts_with(&format!(
            "max fee per gas less than block base fee: address {from}, maxFeePerGas: {}",
            BASE_FEE - 1
        )),
        "{message}"
    );
    // eth_estimateGas and eth_call check the fees too, unless every fee field is zero.
    for method in ["eth_estimateGas", "eth_call"] {
        let (code, message) = err(
            &node,
            method,
            json!([{"from": from, "to": to, "maxFeePerGas": "0x1"}]),
        )
        .await;
        assert_eq!(code, -32000, "{method}");
        assert!(
            message.starts_with("max fee per gas less than block base fee: address"),
            "{method}: {message}"
        );
        let (_, message) = err(
            &node,
            method,
            json!([{"from": from, "to": to, "maxFeePerGas": "0x3b9aca00", "maxPriorityFeePerGas": "0x77359400"}]),
        )
        .await;
        assert_eq!(
            message,
            format!("max priority fee per gas higher than max fee per gas: address {from}, maxPriorityFeePerGas: 2000000000, maxFeePerGas: 1000000000"),
            "{method}"
        );
        ok(
            &node,
            method,
            json!([{"from": from, "to": to, "gasPrice": "0x0"}]),
        )
        .await;
    }
    let raw = sign(&node, 5, eip1559(0, 21_000, GWEI, 2 * GWEI, U256::from(1)));
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([raw])).await;
    assert_eq!(code, -32000);
    assert_eq!(
        message,
        format!("max priority fee per gas higher than max fee per gas: address {from}, maxPriorityFeePerGas: 2000000000, maxFeePerGas: 1000000000")
    );
    let (_, message) = err(
        &node,
        "eth_sendTransaction",
        json!([{"from": from, "to": to, "maxFeePerGas": "0x3b9aca00", "maxPriorityFeePerGas": "0x77359400"}]),
    )
    .await;
    assert!(
        message.starts_with("max priority fee per gas higher than max fee per gas"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_nonce_replacement_needs_ten_percent_more_fee_and_tip() {
    let node = node();
    let from = node.dev_accounts()[6].address;
    ok(&node, "evm_setAutomine", json!([false])).await;
    let old = sign(&node, 6, eip1559(0, 21_000, 10 * GWEI, GWEI, U256::from(1)));
    let old_hash = ok(&node, "eth_sendRawTransaction", json!([old.clone()])).await;
    let (code, message) = err(&node, "eth_sendRawTransaction", json!([old])).await;
    assert_eq!((code, message.as_str()), (-32000, "already known"));
    // 10 % more fee cap but 9 % more tip; 9 % more fee cap and 10 % more tip; the same.
    for (max_fee, tip) in [
        (11 * GWEI, GWEI * 109 / 100),
        (10 * GWEI * 109 / 100, GWEI * 110 / 100),
        (10 * GWEI, GWEI),
    ] {
        let raw = sign(&node, 6, eip1559(0, 21_000, max_fee, tip, U256::from(2)));
        let (code, message) = err(&node, "eth_sendRawTransaction", json!([raw])).await;
        assert_eq!(
            (code, message.as_str()),
            (-32000, "replacement transaction underpriced"),
            "fee {max_fee}, tip {tip}"
        );
    }
    // A later nonce is not a replacement.
    let second = sign(&node, 6, eip1559(1, 21_000, GWEI, 0, U256::from(7)));
    ok(&node, "eth_sendRawTransaction", json!([second])).await;
    // 10 % more of both: the new transaction takes the old one's place.
    let new = sign(
        &node,
        6,
        eip1559(0, 21_000, 11 * GWEI, GWEI * 110 / 100, U256::from(3)),
    );
    let new_hash = ok(&node, "eth_sendRawTransaction", json!([new])).await;
    assert_eq!(node.chain().lock().expect("chain").pool_len(), 2);
    assert_eq!(
        ok(&node, "eth_getTransactionByHash", json!([old_hash])).await,
        Value::Null
    );
    assert_eq!(nonce(&node, from, "pending").await, 2);
    ok(&node, "evm_mine", json!([])).await;
    let receipt = ok(&node, "eth_getTransactionReceipt", json!([new_hash])).await;
    assert_eq!(receipt["status"], json!("0x1"));
    assert_eq!(
        balance(&node, Address::repeat_byte(0x42)).await,
        U256::from(10),
        "the replacement (3) and the second transaction (7) moved value, the old one did not"
    );
    // A legacy transaction's gas price is both its fee cap and its tip.
    let legacy = |nonce: u64, gas_price: u128| TxLegacy {
        chain_id: Some(412_346),
        nonce,
        gas_price,
        gas_limit: 21_000,
        to: TxKind::Call(Address::repeat_byte(0x42)),
        value: U256::from(1),
        input: Bytes::new(),
    };
    ok(
        &node,
        "eth_sendRawTransaction",
        json!([sign(&node, 6, legacy(2, GWEI))]),
    )
    .await;
    let (_, message) = err(
        &node,
        "eth_sendRawTransaction",
        json!([sign(&node, 6, legacy(2, GWEI * 109 / 100))]),
    )
    .await;
    assert_eq!(message, "replacement transaction underpriced");
    ok(
        &node,
        "eth_sendRawTransaction",
        json!([sign(&node, 6, legacy(2, GWEI * 110 / 100))]),
    )
    .await;
    assert_eq!(node.chain().lock().expect("chain").pool_len(), 1);
}

/// Runtime: reverts with a custom error: selector `0x8e4a23d6`, argument 7.
fn custom_error_runtime() -> Vec<u8> {
    // MSTORE(0, selector << 224); MSTORE(4, 7); REVERT(0, 36)
    let mut c = vec![
        0x63, 0x8e, 0x4a, 0x23, 0xd6, 0x60, 0xe0, 0x1b, 0x60, 0x00, 0x52,
    ];
    c.extend_from_slice(&[0x60, 0x07, 0x60, 0x04, 0x52, 0x60, 0x24, 0x60, 0x00, 0xfd]);
    c
}

/// Runtime: an endless loop (`JUMPDEST PUSH1 0 JUMP`).
fn endless_runtime() -> Vec<u8> {
    vec![0x5b, 0x60, 0x00, 0x56]
}

/// Deploys `runtime` from dev account 0 through `eth_sendTransaction`.
async fn deploy(node: &DevnodeHandle, runtime: &[u8]) -> Address {
    let from = node.dev_accounts()[0].address;
    let hash = ok(
        node,
        "eth_sendTransaction",
        json!([{"from": from, "data": initcode(runtime)}]),
    )
    .await;
    let receipt = ok(node, "eth_getTransactionReceipt", json!([hash])).await;
    serde_json::from_value(receipt["contractAddress"].clone()).expect("contract address")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reverts_are_code_3_with_their_data_and_out_of_gas_exceeds_the_allowance() {
    let node = node();
    let from = node.dev_accounts()[7].address;
    let store = deploy(&node, &store_runtime()).await;
    let custom = deploy(&node, &custom_error_runtime()).await;
    let endless = deploy(&node, &endless_runtime()).await;
    for method in ["eth_call", "eth_estimateGas"] {
        // With and without fees: a revert stays a revert.
        for fee in [json!({}), json!({"maxFeePerGas": "0x3b9aca00"})] {
            let mut req = json!({"from": from, "to": store, "data": word(0)});
            req.as_object_mut()
                .expect("object")
                .extend(fee.as_object().expect("object").clone());
            let v = rpc(&node, method, json!([req])).await;
            assert_eq!(v["error"]["code"], json!(3), "{method}: {v}");
            assert_eq!(v["error"]["message"], json!("execution reverted: zero"));
            let data = v["error"]["data"].as_str().expect("data");
            assert!(data.starts_with("0x08c379a0"), "{data}");
        }
        let v = rpc(
            &node,
            method,
            json!([{"from": from, "to": custom, "data": "0x"}]),
        )
        .await;
        assert_eq!(v["error"]["code"], json!(3), "{method}: {v}");
        assert_eq!(v["error"]["message"], json!("execution reverted"));
        assert_eq!(
            v["error"]["data"],
            json!(format!("0x8e4a23d6{:064x}", 7)),
            "{method}"
        );
    }
    // Out of gas at the highest gas the estimate may use: geth's "gas required exceeds
    // allowance", with the per-transaction cap or the sender's allowance.
    let (code, message) = err(
        &node,
        "eth_estimateGas",
        json!([{"from": from, "to": endless}]),
    )
    .await;
    assert_eq!(
        (code, message),
        (
            -32000,
            format!("gas required exceeds allowance ({DEFAULT_TX_GAS_CAP})")
        )
    );
    let (_, message) = err(
        &node,
        "eth_estimateGas",
        json!([{"from": from, "to": endless, "gas": "0x186a0"}]),
    )
    .await;
    assert_eq!(message, "gas required exceeds allowance (100000)");
    // eth_call runs out of gas as geth's does.
    let (code, message) = err(&node, "eth_call", json!([{"from": from, "to": endless}])).await;
    assert_eq!((code, message.as_str()), (-32000, "out of gas"));
}
