//! Malformed-request corpus, limits and concurrent clients (localhost only, bounded in count
//! and time).

mod common;

use std::time::Duration;

use alloy::primitives::{Address, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use common::*;
use serde_json::{json, Value};

const LIMIT: Duration = Duration::from_secs(120);

fn code(v: &Value) -> Option<i64> {
    v["error"]["code"].as_i64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_request_corpus() {
    tokio::time::timeout(LIMIT, corpus())
        .await
        .expect("corpus within the time limit");
}

async fn corpus() {
    let node = node();
    let url = node.url().to_string();
    let long_method = "x".repeat(100_000);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(Vec<u8>, i64)> = vec![
        (b"{bad".to_vec(), -32700),
        (b"".to_vec(), -32700),
        (b"\xff\xfe\x00".to_vec(), -32700),
        (deep.into_bytes(), -32700),
        (b"null".to_vec(), -32600),
        (b"42".to_vec(), -32600),
        (b"\"str\"".to_vec(), -32600),
        (b"[]".to_vec(), -32600),
        (br#"{"jsonrpc":"2.0","id":1}"#.to_vec(), -32600),
        (br#"{"jsonrpc":"2.0","id":1,"method":1}"#.to_vec(), -32600),
        (br#"{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}"#.to_vec(), -32600),
        (br#"{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}"#.to_vec(), -32600),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":"x"}"#.to_vec(), -32600),
        (br#"{"jsonrpc":"2.0","id":1,"method":"nope"}"#.to_vec(), -32601),
        (format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{long_method}"}}"#).into_bytes(), -32601),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x12"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"a":1}}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getCode","params":["0x0000000000000000000000000000000000000000","latest",1,2]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000000","notatag"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0xzz"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x02ff"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"0x1"}]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0xfffffffffffffffffffff",false]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"evm_increaseTime","params":["-5"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"anvil_mine","params":["0xffffffffff"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"evm_revert","params":[{"x":1}]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getStorageAt","params":["0x0000000000000000000000000000000000000000","0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_feeHistory","params":["0x1","latest",[90,10]]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"anvil_loadState","params":["0x1234"]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"fromBlock":"0x0","toBlock":"0x0","blockHash":"0x0000000000000000000000000000000000000000000000000000000000000000"}]}"#.to_vec(), -32602),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_estimateGas","params":[{"from":"0x0000000000000000000000000000000000000001","to":"0x0000000000000000000000000000000000000002","value":"0xffffffffffffffffffffffffffffffff"}]}"#.to_vec(), -32000),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_sendTransaction","params":[{"from":"0x0000000000000000000000000000000000000001","to":"0x0000000000000000000000000000000000000002"}]}"#.to_vec(), -32000),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_getFilterChanges","params":["0x999"]}"#.to_vec(), -32000),
        (br#"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}"#.to_vec(), -32601),
    ];
    let n = cases.len();
    for (i, (body, want)) in cases.into_iter().enumerate() {
        let (status, v) = post(&url, body).await;
        assert_eq!(status, 200, "case {i}: HTTP status");
        assert_eq!(code(&v), Some(want), "case {i}: {v}");
        assert_eq!(v["jsonrpc"], json!("2.0"), "case {i}");
    }
    assert!(n >= 35);

    // Batches: per-item answers, notifications skipped.
    let batch = json!([
        {"jsonrpc":"2.0","id":1,"method":"eth_chainId"},
        {"jsonrpc":"2.0","id":"b","method":"nope"},
        {"jsonrpc":"2.0","method":"eth_chainId"},
        5,
        {"jsonrpc":"2.0","id":3,"method":"eth_getBalance","params":[]}
    ]);
    let (_, v) = post(&url, batch.to_string()).await;
    let arr = v.as_array().expect("batch answer");
    assert_eq!(arr.len(), 4);
    assert_eq!(arr[0]["result"], json!("0x64aba"));
    assert_eq!(arr[1]["id"], json!("b"));
    assert_eq!(code(&arr[1]), Some(-32601));
    assert_eq!(code(&arr[2]), Some(-32600));
    assert_eq!(code(&arr[3]), Some(-32602));

    // Notifications only: empty 200.
    let (status, v) = post(&url, r#"{"jsonrpc":"2.0","method":"eth_chainId"}"#).await;
    assert_eq!((status, v), (200, Value::Null));

    // Huge batch: refused as a whole.
    let huge: Vec<Value> = (0..1001)
        .map(|i| json!({"jsonrpc":"2.0","id":i,"method":"eth_chainId"}))
        .collect();
    let (_, v) = post(&url, Value::Array(huge).to_string()).await;
    assert_eq!(code(&v), Some(-32600));
    // The maximum batch is served.
    let max: Vec<Value> = (0..1000)
        .map(|i| json!({"jsonrpc":"2.0","id":i,"method":"eth_blockNumber"}))
        .collect();
    let (_, v) = post(&url, Value::Array(max).to_string()).await;
    assert_eq!(v.as_array().map(Vec::len), Some(1000));

    // Oversized body: HTTP 413 with a JSON-RPC error.
    let big = vec![b' '; 33 * 1024 * 1024];
    let (status, v) = post(&url, big).await;
    assert_eq!(status, 413);
    assert_eq!(code(&v), Some(-32600));

    // Still serving.
    let p = provider(&node, 0);
    assert_eq!(p.get_chain_id().await.expect("still alive"), 412_346);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients() {
    tokio::time::timeout(LIMIT, async {
        let node = node();
        let clients = 10usize;
        let per_client = 10u64;
        let mut tasks = Vec::new();
        for i in 0..clients {
            let p = provider(&node, i + 1);
            tasks.push(tokio::spawn(async move {
                let to = Address::repeat_byte(0xc0 + i as u8);
                for _ in 0..per_client {
                    let _ = p.get_block_number().await.expect("block number");
                    p.send_transaction(TransactionRequest::default().to(to).value(U256::from(1)))
                        .await
                        .expect("send")
                        .get_receipt()
                        .await
                        .expect("receipt");
                }
                p.get_balance(to).await.expect("balance")
            }));
        }
        for t in tasks {
            assert_eq!(t.await.expect("task"), U256::from(per_client));
        }
        let p = provider(&node, 0);
        assert_eq!(
            p.get_block_number().await.expect("n"),
            clients as u64 * per_client,
            "one block per transaction"
        );
    })
    .await
    .expect("within the time limit");
}
