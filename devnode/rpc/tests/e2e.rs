//! End-to-end tests through a real alloy HTTP provider with a signer.

mod common;

use std::fmt::Debug;

use alloy::eips::BlockNumberOrTag;
use alloy::network::TransactionBuilder;
use alloy::primitives::{address, Address, Bytes, U256};
use alloy::providers::Provider;
use alloy::rpc::types::state::{AccountOverride, StateOverride};
use alloy::rpc::types::{Filter, TransactionRequest};
use common::*;
use serde_json::json;
use stylus_devnode::{Devnode, DevnodeConfig};

/// `method` with `params` over `p`'s JSON-RPC, which must answer.
async fn rpc_ok<R>(
    p: &impl Provider,
    method: &'static str,
    params: impl serde::Serialize + Clone + Debug + Send + Sync + Unpin,
) -> R
where
    R: serde::de::DeserializeOwned + Debug + Send + Sync + Unpin + 'static,
{
    p.raw_request(method.into(), params)
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// The timestamp of `p`'s latest block.
async fn latest_timestamp(p: &impl Provider) -> u64 {
    p.get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .expect("block")
        .expect("latest block")
        .header
        .timestamp
}

async fn deploy(p: &impl Provider, runtime: &[u8]) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(initcode(runtime));
    let r = mined(&p, tx).await;
    assert!(r.status());
    r.contract_address.expect("contract address")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_and_genesis() {
    let node = node();
    let p = provider(&node, 0);
    assert_eq!(p.get_chain_id().await.expect("chain id"), 412_346);
    assert_eq!(p.get_block_number().await.expect("number"), 0);
    let v: String = rpc_ok(&p, "net_version", ()).await;
    assert_eq!(v, "412346");
    let cv: String = rpc_ok(&p, "web3_clientVersion", ()).await;
    assert!(cv.starts_with("stylus-devnode/"));
    let accounts = p.get_accounts().await.expect("accounts");
    assert_eq!(accounts.len(), 11);
    assert_eq!(
        accounts[0],
        address!("0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")
    );
    for a in &accounts {
        assert!(p.get_balance(*a).await.expect("balance") > U256::ZERO);
    }
    let deployer = p
        .get_code_at(address!("0xcEcba2F1DC234f70Dd89F2041029807F8D03A990"))
        .await
        .expect("code");
    assert!(deployer.len() > 2000);
    let factory = p
        .get_code_at(address!("0x4e59b44847b379578588920ca78fbf26c0b4956c"))
        .await
        .expect("code");
    assert!(!factory.is_empty());
    assert_eq!(p.get_gas_price().await.expect("gas price"), 100_000_000);
    assert_eq!(p.get_max_priority_fee_per_gas().await.expect("tip"), 0);
    let syncing: bool = rpc_ok(&p, "eth_syncing", ()).await;
    assert!(!syncing);
    let fh = p
        .get_fee_history(4, BlockNumberOrTag::Latest, &[50.0])
        .await
        .expect("fee history");
    assert_eq!(fh.base_fee_per_gas.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_call_transact_logs_receipts() {
    let node = node();
    let p = provider(&node, 1);
    let from = node.dev_accounts()[1].address;
    let addr = deploy(&p, &store_runtime()).await;
    assert_eq!(
        p.get_code_at(addr).await.expect("code"),
        Bytes::from(store_runtime())
    );

    // eth_call
    let out = p
        .call(TransactionRequest::default().to(addr).input(word(7).into()))
        .await
        .expect("call");
    assert_eq!(out, word(7));

    // transaction with a log
    let r = mined(
        &p,
        TransactionRequest::default()
            .to(addr)
            .input(word(42).into()),
    )
    .await;
    assert!(r.status());
    assert_eq!(r.from, from);
    assert!(r.gas_used > 21_000);
    assert_eq!(r.effective_gas_price, 100_000_000);
    let logs = r.inner.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].topics()[0], STORED_TOPIC);
    assert_eq!(logs[0].data().data, word(42));
    assert_eq!(logs[0].transaction_hash, Some(r.transaction_hash));
    let slot = p.get_storage_at(addr, U256::ZERO).await.expect("storage");
    assert_eq!(slot, U256::from(42));

    // eth_getLogs by address and topic; bloom filtering on other topics
    let f = Filter::new()
        .address(addr)
        .event_signature(STORED_TOPIC)
        .from_block(0);
    assert_eq!(p.get_logs(&f).await.expect("logs").len(), 1);
    let f = Filter::new()
        .address(addr)
        .event_signature(alloy::primitives::B256::ZERO)
        .from_block(0);
    assert!(p.get_logs(&f).await.expect("logs").is_empty());

    // blocks and transactions
    let n = p.get_block_number().await.expect("number");
    assert_eq!(n, 2, "automine: one block per transaction");
    let b = p
        .get_block_by_number(BlockNumberOrTag::Latest)
        .full()
        .await
        .expect("block")
        .expect("some block");
    assert_eq!(b.header.number, 2);
    assert_eq!(b.transactions.len(), 1);
    let by_hash = p
        .get_block_by_hash(b.header.hash)
        .await
        .expect("block")
        .expect("some block");
    assert_eq!(by_hash.header.number, 2);
    let tx = p
        .get_transaction_by_hash(r.transaction_hash)
        .await
        .expect("tx")
        .expect("some tx");
    assert_eq!(tx.block_number, Some(2));
    assert_eq!(p.get_transaction_count(from).await.expect("nonce"), 2);
    assert!(p
        .get_transaction_receipt(alloy::primitives::B256::repeat_byte(1))
        .await
        .expect("receipt")
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reverts_are_code_3_with_data() {
    let node = node();
    let p = provider(&node, 1);
    let addr = deploy(&p, &store_runtime()).await;
    let body = json!({"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to": addr, "data": word(0)}, "latest"]});
    let (status, v) = post(node.url(), body.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(v["error"]["code"], json!(3));
    assert_eq!(v["error"]["message"], json!("execution reverted: zero"));
    let data = v["error"]["data"].as_str().expect("data");
    assert!(data.starts_with("0x08c379a0"));
    // Through alloy: the revert surfaces as an error response with the data.
    let err = p
        .call(TransactionRequest::default().to(addr).input(word(0).into()))
        .await
        .expect_err("reverts");
    let resp = err.as_error_resp().expect("json-rpc error");
    assert_eq!(resp.code, 3);
    // eth_estimateGas reverts the same way.
    let err = p
        .estimate_gas(TransactionRequest::default().to(addr).input(word(0).into()))
        .await
        .expect_err("reverts");
    assert_eq!(err.as_error_resp().map(|e| e.code), Some(3));
    // A reverted transaction is mined with status 0.
    let r = mined(
        &p,
        TransactionRequest::default()
            .to(addr)
            .input(word(0).into())
            .with_gas_limit(100_000),
    )
    .await;
    assert!(!r.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_with_state_overrides() {
    // The cargo-stylus data-fee pattern: code at a random address, balance for a random sender.
    let node = node();
    let p = provider(&node, 0);
    let target = Address::repeat_byte(0x77);
    let sender = Address::repeat_byte(0x78);
    let mut overrides = StateOverride::default();
    overrides.insert(
        target,
        AccountOverride::default().with_code(Bytes::from(store_runtime())),
    );
    overrides.insert(sender, AccountOverride::default().with_balance(U256::MAX));
    let out = p
        .call(
            TransactionRequest::default()
                .from(sender)
                .to(target)
                .value(U256::from(10).pow(U256::from(18)))
                .input(word(5).into()),
        )
        .overrides(overrides.clone())
        .await
        .expect("call with overrides");
    assert_eq!(out, word(5));
    // Without the overrides the target has no code (empty return).
    let out = p
        .call(
            TransactionRequest::default()
                .to(target)
                .input(word(5).into()),
        )
        .await
        .expect("call");
    assert!(out.is_empty());
    // stateDiff overrides a slot.
    let addr = deploy(
        &p,
        &[
            0x60, 0x00, 0x54, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,
        ],
    )
    .await;
    let mut o = StateOverride::default();
    o.insert(
        addr,
        AccountOverride::default().with_state_diff([(
            alloy::primitives::B256::ZERO,
            alloy::primitives::B256::with_last_byte(9),
        )]),
    );
    let out = p
        .call(TransactionRequest::default().to(addr))
        .overrides(o)
        .await
        .expect("call");
    assert_eq!(out, word(9));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_travel_and_mining() {
    let node = node();
    let p = provider(&node, 0);
    let clock = deploy(&p, &time_runtime()).await;
    let t0 = latest_timestamp(&p).await;
    let _: serde_json::Value = rpc_ok(&p, "evm_increaseTime", (86_400u64,)).await;
    let _: serde_json::Value = rpc_ok(&p, "evm_mine", ()).await;
    let b = latest_timestamp(&p).await;
    assert!(b >= t0 + 86_400);
    let now = p
        .call(TransactionRequest::default().to(clock))
        .await
        .expect("call");
    assert_eq!(U256::from_be_slice(&now), U256::from(b));

    let target = b + 1_000_000;
    let _: serde_json::Value =
        rpc_ok(&p, "evm_setNextBlockTimestamp", (format!("{target:#x}"),)).await;
    let _: serde_json::Value = rpc_ok(&p, "evm_mine", ()).await;
    assert_eq!(latest_timestamp(&p).await, target);
    // anvil_mine: 5 blocks, 10 s apart
    let before = p.get_block_number().await.expect("n");
    let _: serde_json::Value = rpc_ok(&p, "anvil_mine", ("0x5", "0xa")).await;
    assert_eq!(p.get_block_number().await.expect("n"), before + 5);
    assert_eq!(latest_timestamp(&p).await, target + 40);
    // evm_mine with a timestamp
    let _: serde_json::Value = rpc_ok(&p, "evm_mine", (target + 100,)).await;
    assert_eq!(latest_timestamp(&p).await, target + 100);
    // Going back in time is refused.
    let err = p
        .raw_request::<_, serde_json::Value>("evm_setNextBlockTimestamp".into(), (1u64,))
        .await
        .expect_err("past");
    assert_eq!(err.as_error_resp().map(|e| e.code), Some(-32602));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_revert_and_state_edits() {
    let node = node();
    let p = provider(&node, 0);
    let who = Address::repeat_byte(0x99);
    let snap: String = rpc_ok(&p, "evm_snapshot", ()).await;
    let _: serde_json::Value = rpc_ok(&p, "anvil_setBalance", (who, "0x1000")).await;
    let _: serde_json::Value = rpc_ok(&p, "anvil_setCode", (who, "0x4260005260206000f3")).await;
    let _: serde_json::Value = rpc_ok(&p, "anvil_setNonce", (who, "0x7")).await;
    let _: serde_json::Value = rpc_ok(
        &p,
        "anvil_setStorageAt",
        (who, "0x1", format!("0x{:064x}", 5)),
    )
    .await;
    assert_eq!(p.get_balance(who).await.expect("b"), U256::from(0x1000));
    assert_eq!(p.get_transaction_count(who).await.expect("n"), 7);
    assert_eq!(
        p.get_storage_at(who, U256::from(1)).await.expect("s"),
        U256::from(5)
    );
    assert_eq!(p.get_code_at(who).await.expect("c").len(), 9);
    mined(
        &p,
        TransactionRequest::default().to(who).value(U256::from(1)),
    )
    .await;
    assert_eq!(p.get_block_number().await.expect("n"), 1);
    let ok: bool = rpc_ok(&p, "evm_revert", (snap.clone(),)).await;
    assert!(ok);
    assert_eq!(p.get_block_number().await.expect("n"), 0);
    assert_eq!(p.get_balance(who).await.expect("b"), U256::ZERO);
    assert!(p.get_code_at(who).await.expect("c").is_empty());
    let again: bool = rpc_ok(&p, "evm_revert", (snap,)).await;
    assert!(!again);

    // Impersonation: send from an account whose key the node does not hold.
    let _: serde_json::Value = rpc_ok(&p, "anvil_setBalance", (who, "0xde0b6b3a7640000")).await;
    let _: serde_json::Value = rpc_ok(&p, "anvil_impersonateAccount", (who,)).await;
    let hash: alloy::primitives::B256 = rpc_ok(
        &p,
        "eth_sendTransaction",
        (json!({"from": who, "to": Address::repeat_byte(0x11), "value": "0x10"}),),
    )
    .await;
    let r = p
        .get_transaction_receipt(hash)
        .await
        .expect("r")
        .expect("some receipt");
    assert!(r.status());
    assert_eq!(r.from, who);
    assert_eq!(
        p.get_balance(Address::repeat_byte(0x11)).await.expect("b"),
        U256::from(0x10)
    );
    let _: serde_json::Value = rpc_ok(&p, "anvil_stopImpersonatingAccount", (who,)).await;
    let err = p
        .raw_request::<_, serde_json::Value>(
            "eth_sendTransaction".into(),
            (json!({"from": who, "to": Address::repeat_byte(0x11), "value": "0x10"}),),
        )
        .await
        .expect_err("no longer impersonated");
    assert_eq!(err.as_error_resp().map(|e| e.code), Some(-32000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters() {
    let node = node();
    let p = provider(&node, 2);
    let addr = deploy(&p, &store_runtime()).await;
    let log_filter = p
        .new_filter(&Filter::new().address(addr))
        .await
        .expect("new filter");
    let block_filter = p.new_block_filter().await.expect("block filter");
    for i in 1..=3u64 {
        mined(
            &p,
            TransactionRequest::default().to(addr).input(word(i).into()),
        )
        .await;
    }
    let logs: Vec<alloy::rpc::types::Log> = rpc_ok(&p, "eth_getFilterChanges", (log_filter,)).await;
    assert_eq!(logs.len(), 3);
    let again: Vec<alloy::rpc::types::Log> =
        rpc_ok(&p, "eth_getFilterChanges", (log_filter,)).await;
    assert!(again.is_empty(), "changes are reported once");
    // Without fromBlock a filter's logs start at the latest block (as in geth).
    let latest_only = p.get_filter_logs(log_filter).await.expect("filter logs");
    assert_eq!(latest_only.len(), 1);
    let from_genesis = p
        .new_filter(&Filter::new().address(addr).from_block(0))
        .await
        .expect("new filter");
    assert_eq!(
        p.get_filter_logs(from_genesis)
            .await
            .expect("filter logs")
            .len(),
        3
    );
    let hashes: Vec<alloy::primitives::B256> =
        rpc_ok(&p, "eth_getFilterChanges", (block_filter,)).await;
    assert_eq!(hashes.len(), 3);
    assert!(p.uninstall_filter(log_filter).await.expect("uninstall"));
    assert!(!p.uninstall_filter(log_filter).await.expect("uninstall"));
    let err = p
        .raw_request::<_, serde_json::Value>("eth_getFilterChanges".into(), (log_filter,))
        .await
        .expect_err("gone");
    assert_eq!(err.as_error_resp().map(|e| e.code), Some(-32000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_file_round_trip() {
    let dir = std::env::temp_dir().join(format!("stylus-devnode-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    let config = DevnodeConfig {
        state_file: Some(file.clone()),
        ..DevnodeConfig::ephemeral()
    };
    let (addr, tx_hash, n) = {
        let node = Devnode::spawn(config.clone()).expect("spawn");
        let p = provider(&node, 0);
        let addr = deploy(&p, &store_runtime()).await;
        let r = mined(
            &p,
            TransactionRequest::default()
                .to(addr)
                .input(word(11).into()),
        )
        .await;
        let n = p.get_block_number().await.expect("n");
        node.shutdown().expect("clean shutdown");
        (addr, r.transaction_hash, n)
    };
    assert!(file.exists(), "state written on shutdown");
    let node = Devnode::spawn(config).expect("respawn");
    let p = provider(&node, 0);
    assert_eq!(p.get_block_number().await.expect("n"), n);
    assert_eq!(
        p.get_storage_at(addr, U256::ZERO).await.expect("s"),
        U256::from(11)
    );
    let r = p
        .get_transaction_receipt(tx_hash)
        .await
        .expect("r")
        .expect("receipt kept");
    assert_eq!(r.inner.logs().len(), 1);
    // The chain continues: nonce and new transactions work.
    let r = mined(
        &p,
        TransactionRequest::default()
            .to(addr)
            .input(word(12).into()),
    )
    .await;
    assert_eq!(r.block_number, Some(n + 1));
    // anvil_dumpState / anvil_loadState on another node.
    let dump: Bytes = rpc_ok(&p, "anvil_dumpState", ()).await;
    let other = common::node();
    let q = provider(&other, 0);
    let ok: bool = q
        .raw_request("anvil_loadState".into(), (dump,))
        .await
        .expect("load");
    assert!(ok);
    assert_eq!(
        q.get_storage_at(addr, U256::ZERO).await.expect("s"),
        U256::from(12)
    );
    drop(node);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interval_mining() {
    let node = Devnode::spawn(DevnodeConfig {
        block_time: Some(std::time::Duration::from_millis(300)),
        ..DevnodeConfig::ephemeral()
    })
    .expect("spawn");
    let p = provider(&node, 0);
    let pending = p
        .send_transaction(
            TransactionRequest::default()
                .to(Address::repeat_byte(5))
                .value(U256::from(1)),
        )
        .await
        .expect("send");
    let r = pending
        .get_receipt()
        .await
        .expect("mined by the interval miner");
    assert!(r.status());
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert!(
        p.get_block_number().await.expect("n") >= 2,
        "empty blocks keep coming"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_mining_pool_and_pending_state() {
    let node = node();
    let p = provider(&node, 4);
    let from = node.dev_accounts()[4].address;
    let _: serde_json::Value = rpc_ok(&p, "evm_setAutomine", (false,)).await;
    let auto: bool = rpc_ok(&p, "anvil_getAutomine", ()).await;
    assert!(!auto);
    let pending_filter: U256 = rpc_ok(&p, "eth_newPendingTransactionFilter", ()).await;
    let to = Address::repeat_byte(0x31);
    let h1 = *p
        .send_transaction(TransactionRequest::default().to(to).value(U256::from(1)))
        .await
        .expect("send 1")
        .tx_hash();
    let h2 = *p
        .send_transaction(TransactionRequest::default().to(to).value(U256::from(2)))
        .await
        .expect("send 2")
        .tx_hash();
    assert_eq!(
        p.get_block_number().await.expect("n"),
        0,
        "nothing mined yet"
    );
    let tx = p
        .get_transaction_by_hash(h2)
        .await
        .expect("tx")
        .expect("pending tx known");
    assert_eq!(tx.block_number, None);
    assert!(p.get_transaction_receipt(h1).await.expect("r").is_none());
    assert_eq!(
        p.get_transaction_count(from)
            .pending()
            .await
            .expect("pending nonce"),
        2
    );
    assert_eq!(
        p.get_transaction_count(from).await.expect("latest nonce"),
        0
    );
    let hashes: Vec<alloy::primitives::B256> =
        rpc_ok(&p, "eth_getFilterChanges", (pending_filter,)).await;
    assert_eq!(hashes, vec![h1, h2]);
    let _: serde_json::Value = rpc_ok(&p, "evm_mine", ()).await;
    let r1 = p
        .get_transaction_receipt(h1)
        .await
        .expect("r")
        .expect("mined");
    let r2 = p
        .get_transaction_receipt(h2)
        .await
        .expect("r")
        .expect("mined");
    assert_eq!(r1.block_number, Some(1));
    assert_eq!(r2.block_number, Some(1));
    assert_eq!(r2.transaction_index, Some(1));
    assert_eq!(r2.inner.cumulative_gas_used(), 42_000);
    assert_eq!(p.get_balance(to).await.expect("b"), U256::from(3));
    let b = p
        .get_block_by_number(BlockNumberOrTag::Number(1))
        .full()
        .await
        .expect("block")
        .expect("block 1");
    assert_eq!(b.transactions.len(), 2);
    assert_eq!(b.header.gas_used, 42_000);
    let fh = p
        .get_fee_history(2, BlockNumberOrTag::Latest, &[25.0, 75.0])
        .await
        .expect("fee history");
    assert_eq!(fh.oldest_block, 0);
    assert_eq!(fh.reward.map(|r| r.len()), Some(2));
}
