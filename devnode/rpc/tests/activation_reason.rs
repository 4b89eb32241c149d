//! A failed activation over JSON-RPC tells the developer why, as Nitro does
//! (`program activation failed: <reason>`, a plain error, not an empty
//! revert): `eth_call` and `eth_estimateGas` answer `-32000` with the
//! validator's reason, and a mined activation fails with status 0 and all its
//! gas used.

mod common;

use alloy::network::TransactionBuilder;
use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn failed_activation_answers_the_validators_reason() {
    let node = node();
    let p = provider(&node, 0);
    // exports a name with the reserved `stylus` prefix
    let wasm = wat::parse_str(
        r#"(module
  (memory (export "memory") 1 1)
  (func (export "stylus_reserved") (result i32) i32.const 0)
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .expect("wat");
    let params = stylus_validate::Params::activation();
    let reason = stylus_validate::validate(&wasm, &params)
        .expect_err("the validator rejects it")
        .to_string();
    assert!(reason.contains("reserved"), "{reason}");
    let code = stylus_validate::format::program_code(&wasm);
    let init = stylus_validate::format::deploy_init_code(&code);
    let r = mined(
        &p,
        TransactionRequest::default().with_deploy_code(Bytes::from(init)),
    )
    .await;
    assert!(r.status(), "deploys (activation is what fails)");
    let program = r.contract_address.expect("address");

    let want = format!("program activation failed: {reason}");
    let activate = TransactionRequest::default()
        .to(ARB_WASM)
        .value(U256::from(10u64).pow(U256::from(18)))
        .input(Bytes::from(ArbWasm::activateProgramCall { program }.abi_encode()).into());
    let err = p.call(activate.clone()).await.expect_err("eth_call fails");
    let resp = err.as_error_resp().expect("json-rpc error");
    assert_eq!(resp.code, -32000, "{resp:?}");
    assert_eq!(resp.message, want);
    assert!(resp.as_revert_data().is_none(), "not a revert: {resp:?}");
    let err = p
        .estimate_gas(activate.clone())
        .await
        .expect_err("eth_estimateGas fails");
    let resp = err.as_error_resp().expect("json-rpc error");
    assert_eq!((resp.code, resp.message.as_ref()), (-32000, want.as_str()));

    // mined: status 0, all gas used (the receipt cannot carry the text)
    let gas = 5_000_000;
    let r = mined(&p, activate.gas_limit(gas)).await;
    assert!(!r.status());
    assert_eq!(r.gas_used, gas);
}
