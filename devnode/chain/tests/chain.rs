//! Chain-level tests (no sockets).

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer::SignerSync;
use devnode_chain::genesis::{CREATE2_FACTORY, STYLUS_DEPLOYER};
use devnode_chain::{Chain, ChainConfig, ChainError};

fn chain() -> Chain {
    Chain::new(ChainConfig::default()).expect("genesis")
}

/// Init code that deploys a contract whose runtime stores calldata[0..32] at slot 0, emits
/// LOG1(topic = 0x01..) with the word, and returns the word; `REVERT`s when the word is 0.
fn store_contract_initcode() -> Bytes {
    // runtime: PUSH1 0 CALLDATALOAD DUP1 ISZERO PUSH1 0x16 JUMPI DUP1 PUSH1 0 SSTORE
    //          DUP1 PUSH1 0 MSTORE PUSH1 1 PUSH1 0x20 PUSH1 0 LOG1 PUSH1 0x20 PUSH1 0 RETURN
    //          JUMPDEST PUSH1 0 PUSH1 0 REVERT
    let runtime: Vec<u8> = vec![
        0x60, 0x00, 0x35, 0x80, 0x15, 0x60, 0x1c, 0x57, 0x80, 0x60, 0x00, 0x55, 0x80, 0x60, 0x00,
        0x52, 0x60, 0x01, 0x60, 0x20, 0x60, 0x00, 0xa1, 0x60, 0x20, 0x60, 0x00, 0xf3, 0x5b, 0x60,
        0x00, 0x60, 0x00, 0xfd,
    ];
    let mut init = vec![
        0x60,
        runtime.len() as u8,
        0x80,
        0x60,
        0x0c,
        0x60,
        0x00,
        0x39,
        0x60,
        0x00,
        0xf3,
        0x00,
    ];
    init.extend_from_slice(&runtime);
    init.into()
}

fn word(n: u64) -> Bytes {
    U256::from(n).to_be_bytes::<32>().to_vec().into()
}

#[test]
fn genesis_has_factory_deployer_and_funded_accounts() {
    let c = chain();
    assert_eq!(c.block_number(), 0);
    assert!(!c.state().code(&CREATE2_FACTORY).is_empty());
    let deployer = c.state().code(&STYLUS_DEPLOYER);
    assert!(deployer.len() > 2000, "deployer runtime code present");
    assert_eq!(c.dev_accounts().len(), 11);
    for a in c.dev_accounts() {
        assert_eq!(c.state().balance(&a.address), c.config().balance);
    }
}

#[test]
fn send_transaction_deploys_calls_and_logs() {
    let mut c = chain();
    let from = c.dev_accounts()[1].address;
    let req = TransactionRequest::default()
        .from(from)
        .input(store_contract_initcode().into());
    let mut req = req;
    req.to = Some(TxKind::Create);
    let h = c.send_transaction(req).expect("deploy");
    let r = c.receipt(h).expect("receipt");
    assert!(r.status());
    assert_eq!(c.block_number(), 1);
    let addr = r.contract_address.expect("created");
    assert!(!c.state().code(&addr).is_empty());

    let call = TransactionRequest::default().to(addr).input(word(7).into());
    let out = c.call(&call, BlockId::latest(), None, None).expect("call");
    assert_eq!(out, word(7));
    let err = c.call(
        &TransactionRequest::default().to(addr).input(word(0).into()),
        BlockId::latest(),
        None,
        None,
    );
    assert_eq!(err, Err(ChainError::Revert(Bytes::new())));

    let h2 = c
        .send_transaction(
            TransactionRequest::default()
                .from(from)
                .to(addr)
                .input(word(9).into()),
        )
        .expect("tx");
    let r2 = c.receipt(h2).expect("receipt");
    assert!(r2.status());
    assert_eq!(r2.inner.logs().len(), 1);
    assert_eq!(c.state().storage(&addr, U256::ZERO), U256::from(9));
    // Historical state: block 1 had slot 0 empty.
    let old = c.state_at(BlockId::number(1)).expect("state");
    assert_eq!(old.storage(&addr, U256::ZERO), U256::ZERO);
    let logs = c
        .logs(
            &alloy_rpc_types_eth::Filter::new()
                .address(addr)
                .from_block(0),
        )
        .expect("logs");
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].transaction_hash, Some(h2));
}

#[test]
fn raw_transactions_are_validated() {
    let mut c = chain();
    let acct = c.dev_accounts()[2].clone();
    let to = Address::repeat_byte(0x42);
    let tx = TxEip1559 {
        chain_id: 412_346,
        nonce: 0,
        gas_limit: 21_000,
        max_fee_per_gas: 1_000_000_000,
        max_priority_fee_per_gas: 1_000,
        to: TxKind::Call(to),
        value: U256::from(5),
        ..Default::default()
    };
    let sig = acct
        .signer
        .sign_hash_sync(&tx.signature_hash())
        .expect("sign");
    let env: TxEnvelope = tx.clone().into_signed(sig).into();
    let raw = env.encoded_2718();
    let h = c.send_raw_transaction(&raw).expect("send");
    let r = c.receipt(h).expect("receipt");
    assert_eq!(r.gas_used, 21_000);
    // Arbitrum: the tip is dropped, the price is the base fee.
    assert_eq!(r.effective_gas_price, u128::from(c.base_fee()));
    assert_eq!(c.state().balance(&to), U256::from(5));
    // Replay: already known / nonce too low.
    assert!(matches!(
        c.send_raw_transaction(&raw),
        Err(ChainError::InvalidTx(_))
    ));
    // Wrong chain id.
    let bad = TxEip1559 {
        chain_id: 1,
        nonce: 1,
        ..tx.clone()
    };
    let sig = acct
        .signer
        .sign_hash_sync(&bad.signature_hash())
        .expect("sign");
    let env: TxEnvelope = bad.into_signed(sig).into();
    assert!(
        matches!(c.send_raw_transaction(&env.encoded_2718()), Err(ChainError::InvalidTx(m)) if m.contains("chain id"))
    );
    // Intrinsic gas too low.
    let low = TxEip1559 {
        nonce: 1,
        gas_limit: 20_000,
        ..tx
    };
    let sig = acct
        .signer
        .sign_hash_sync(&low.signature_hash())
        .expect("sign");
    let env: TxEnvelope = low.into_signed(sig).into();
    assert!(
        matches!(c.send_raw_transaction(&env.encoded_2718()), Err(ChainError::InvalidTx(m)) if m.contains("intrinsic"))
    );
    // Garbage.
    assert!(matches!(
        c.send_raw_transaction(&[0x02, 0xff]),
        Err(ChainError::InvalidParams(_))
    ));
    // Unprotected legacy transaction (pre-EIP-155) is accepted.
    let legacy = TxLegacy {
        chain_id: None,
        nonce: 1,
        gas_price: 1_000_000_000,
        gas_limit: 21_000,
        to: TxKind::Call(to),
        value: U256::from(1),
        input: Bytes::new(),
    };
    let sig = acct
        .signer
        .sign_hash_sync(&legacy.signature_hash())
        .expect("sign");
    let env: TxEnvelope = legacy.into_signed(sig).into();
    let h = c.send_raw_transaction(&env.encoded_2718()).expect("legacy");
    assert!(c.receipt(h).is_some_and(|r| r.status()));
}

#[test]
fn snapshots_and_time_travel() {
    let mut c = chain();
    let from = c.dev_accounts()[0].address;
    let to = Address::repeat_byte(7);
    let snap = c.snapshot();
    let t0 = c.next_block_timestamp();
    c.increase_time(3600);
    c.send_transaction(
        TransactionRequest::default()
            .from(from)
            .to(to)
            .value(U256::from(1)),
    )
    .expect("tx");
    let b1 = c
        .rpc_block_by_number(BlockNumberOrTag::Latest, false)
        .expect("block");
    assert!(b1.header.timestamp >= t0 + 3600);
    c.set_next_block_timestamp(b1.header.timestamp + 1000)
        .expect("ts");
    c.mine_one(None);
    let b2 = c
        .rpc_block_by_number(BlockNumberOrTag::Latest, false)
        .expect("block");
    assert_eq!(b2.header.timestamp, b1.header.timestamp + 1000);
    assert!(c.set_next_block_timestamp(1).is_err());
    assert!(c.revert(snap));
    assert_eq!(c.block_number(), 0);
    assert_eq!(c.state().balance(&to), U256::ZERO);
    assert!(!c.revert(snap), "a snapshot is used once");
}

#[test]
fn estimate_gas_is_tight_and_reverts_surface() {
    let mut c = chain();
    let from = c.dev_accounts()[0].address;
    let est = c
        .estimate_gas(
            TransactionRequest::default()
                .from(from)
                .to(Address::repeat_byte(9)),
            BlockId::pending(),
            None,
        )
        .expect("estimate");
    assert_eq!(est, 21_000);
    let mut req = TransactionRequest::default()
        .from(from)
        .input(store_contract_initcode().into());
    req.to = Some(TxKind::Create);
    let est = c
        .estimate_gas(req.clone(), BlockId::pending(), None)
        .expect("estimate");
    let mut with_gas = req;
    with_gas.gas = Some(est);
    let h = c.send_transaction(with_gas).expect("deploy with estimate");
    assert!(c.receipt(h).is_some_and(|r| r.status()));
}

#[test]
fn dump_and_restore_round_trip() {
    let mut c = chain();
    let from = c.dev_accounts()[0].address;
    let h = c
        .send_transaction(
            TransactionRequest::default()
                .from(from)
                .to(Address::repeat_byte(3))
                .value(U256::from(10)),
        )
        .expect("tx");
    let dump = c.dump();
    let json = serde_json::to_string(&dump).expect("json");
    let back: devnode_chain::ChainDump = serde_json::from_str(&json).expect("parse");
    let mut c2 = chain();
    c2.restore(&back).expect("restore");
    assert_eq!(c2.block_number(), 1);
    assert_eq!(c2.state().balance(&Address::repeat_byte(3)), U256::from(10));
    assert_eq!(c2.receipt(h), c.receipt(h));
    assert_eq!(
        c2.rpc_block_by_number(BlockNumberOrTag::Number(1), true)
            .map(|b| b.header.hash),
        c.rpc_block_by_number(BlockNumberOrTag::Number(1), true)
            .map(|b| b.header.hash)
    );
}
