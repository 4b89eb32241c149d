//! Shared helpers for the JSON-RPC tests.
#![allow(dead_code, unreachable_pub)]

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{address, Address, Bytes, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::state::{AccountOverride, StateOverride};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::SolCall;
use stylus_devnode::{Devnode, DevnodeConfig, DevnodeHandle};

/// Starts a node on 127.0.0.1 with a free port.
pub fn node() -> DevnodeHandle {
    Devnode::spawn(DevnodeConfig::ephemeral()).expect("spawn devnode")
}

/// An alloy HTTP provider signing with dev account `i`.
pub fn provider(node: &DevnodeHandle, i: usize) -> impl Provider + Clone {
    let key = node.dev_accounts()[i].private_key_hex();
    let signer: PrivateKeySigner = key.parse().expect("key");
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(node.url().parse().expect("url"))
}

/// Wraps runtime code into init code that returns it.
pub fn initcode(runtime: &[u8]) -> Bytes {
    assert!(runtime.len() < 256);
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
    init.extend_from_slice(runtime);
    init.into()
}

/// Runtime: stores calldata word 0 at slot 0, emits `LOG1(word, topic = STORED_TOPIC)`,
/// returns the word. Reverts with `Error("zero")` when the word is 0.
pub fn store_runtime() -> Vec<u8> {
    let mut c = vec![
        0x60, 0x00, 0x35, // CALLDATALOAD(0)
        0x80, 0x15, 0x60, 0x3b, 0x57, // DUP1 ISZERO PUSH1 revert JUMPI
        0x80, 0x60, 0x00, 0x55, // SSTORE(0, w)
        0x80, 0x60, 0x00, 0x52, // MSTORE(0, w)
        0x7f, // PUSH32 topic
    ];
    c.extend_from_slice(STORED_TOPIC.as_slice());
    c.extend_from_slice(&[
        0x60, 0x20, 0x60, 0x00, 0xa1, // LOG1(0, 32, topic)
        0x60, 0x20, 0x60, 0x00, 0xf3, // RETURN(0, 32)
    ]);
    assert_eq!(c.len(), 0x3b);
    // revert: Error("zero") = 08c379a0 ‖ offset 0x20 ‖ len 4 ‖ "zero"
    c.extend_from_slice(&[0x5b]);
    let mut data = vec![0x08, 0xc3, 0x79, 0xa0];
    data.extend_from_slice(&U256::from(0x20).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(4).to_be_bytes::<32>());
    let mut s = [0u8; 32];
    s[..4].copy_from_slice(b"zero");
    data.extend_from_slice(&s);
    // Write the revert data with CODECOPY from a trailer.
    let trailer_pos_idx = c.len() + 3; // patched below
    c.extend_from_slice(&[0x60, data.len() as u8, 0x60, 0x00, 0x60, 0x00, 0x39]); // CODECOPY(0, off, len) (off patched)
    c.extend_from_slice(&[0x60, data.len() as u8, 0x60, 0x00, 0xfd]); // REVERT(0, len)
    let off = c.len() as u8;
    c[trailer_pos_idx] = off;
    c.extend_from_slice(&data);
    c
}

/// Topic of the store contract's log.
pub const STORED_TOPIC: alloy::primitives::B256 = alloy::primitives::B256::repeat_byte(0x5a);

/// Runtime: returns `block.timestamp`.
pub fn time_runtime() -> Vec<u8> {
    vec![0x42, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]
}

/// A 32-byte word.
pub fn word(n: u64) -> Bytes {
    U256::from(n).to_be_bytes::<32>().to_vec().into()
}

/// Raw HTTP POST; returns (status, body as JSON or Null).
pub async fn post(url: &str, body: impl Into<Vec<u8>>) -> (u16, serde_json::Value) {
    let client = alloy::transports::http::reqwest::Client::new();
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.into())
        .send()
        .await
        .expect("http");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

sol! {
    /// The parts of Nitro's ArbWasm the tests call, declared as a client
    /// outside the devnode (cargo-stylus, alloy) declares them.
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function stylusVersion() external view returns (uint16 version);
        error ProgramNotActivated();
        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
    }
}

/// Sends `tx` and waits for its receipt (whatever its status).
pub async fn mined(
    p: &impl Provider,
    tx: TransactionRequest,
) -> alloy::rpc::types::TransactionReceipt {
    p.send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt")
}

/// The ArbWasm precompile.
pub const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");

/// The cargo-stylus data-fee query: `activateProgram(random)` simulated with
/// state overrides (the code at a random address, a rich random sender).
pub async fn data_fee(p: &impl Provider, code: &[u8]) -> U256 {
    let program = Address::repeat_byte(0xab);
    let sender = Address::repeat_byte(0xcd);
    let mut o = StateOverride::default();
    o.insert(
        program,
        AccountOverride::default().with_code(Bytes::copy_from_slice(code)),
    );
    o.insert(sender, AccountOverride::default().with_balance(U256::MAX));
    let out = p
        .call(
            TransactionRequest::default()
                .from(sender)
                .to(ARB_WASM)
                .value(U256::from(10).pow(U256::from(18)))
                .input(ArbWasm::activateProgramCall { program }.abi_encode().into()),
        )
        .overrides(o)
        .await
        .expect("data fee eth_call");
    let ret = ArbWasm::activateProgramCall::abi_decode_returns(&out).expect("decode");
    assert!(ret.version >= 1);
    assert!(ret.dataFee > U256::ZERO);
    ret.dataFee
}

/// Deploys `wasm` as a Stylus program and activates it, paying twice the
/// [`data_fee`] estimate.
pub async fn deploy_program(p: &impl Provider, wasm: &[u8]) -> Address {
    let code = stylus_validate::format::program_code(wasm);
    let init = stylus_validate::format::deploy_init_code(&code);
    let r = mined(
        p,
        TransactionRequest::default().with_deploy_code(Bytes::from(init)),
    )
    .await;
    assert!(r.status(), "deploy");
    let program = r.contract_address.expect("address");
    let fee = data_fee(p, &code).await * U256::from(2);
    let r = mined(
        p,
        TransactionRequest::default()
            .to(ARB_WASM)
            .value(fee)
            .input(ArbWasm::activateProgramCall { program }.abi_encode().into()),
    )
    .await;
    assert!(r.status(), "activation");
    program
}

/// Deploys EVM runtime code.
pub async fn deploy_evm(p: &impl Provider, runtime: &[u8]) -> Address {
    let r = mined(
        p,
        TransactionRequest::default().with_deploy_code(initcode(runtime)),
    )
    .await;
    assert!(r.status());
    r.contract_address.expect("address")
}
