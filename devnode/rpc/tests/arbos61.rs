//! The chain under ArbOS 61 rules (the default; `--arbos-version` selects others): the
//! per-block recent-programs cache spans the transactions of one mined block and starts
//! afresh with the next block.

use alloy::primitives::{address, Address, Bytes, B256, U256};
use alloy::rpc::types::TransactionRequest;
use alloy::sol;
use alloy::sol_types::SolCall;
use stylus_devnode::{Chain, ChainConfig};

sol! {
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    }
    interface ArbSys {
        function arbOSVersion() external view returns (uint256);
    }
}

const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");

fn send(c: &mut Chain, to: Option<Address>, data: Vec<u8>, value: U256) -> B256 {
    let mut req = TransactionRequest::default()
        .input(Bytes::from(data).into())
        .value(value);
    req.to = Some(to.map_or(
        alloy::primitives::TxKind::Create,
        alloy::primitives::TxKind::Call,
    ));
    c.send_transaction(req).expect("send")
}

fn gas_used(c: &Chain, h: B256) -> (bool, u64) {
    let r = c.receipt(h).expect("mined");
    (r.status(), r.gas_used)
}

#[test]
fn recent_programs_cache_spans_one_mined_block() {
    let mut c = Chain::new(ChainConfig::default()).expect("genesis");
    assert_eq!(c.config().arbos_version, 61);
    let wasm = wat::parse_str(
        r#"(module
  (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .expect("wat");
    let code = stylus_validate::program_code(&wasm);
    let h = send(
        &mut c,
        None,
        stylus_validate::deploy_init_code(&code),
        U256::ZERO,
    );
    let program = c
        .receipt(h)
        .and_then(|r| r.contract_address)
        .expect("deployed");
    let h = send(
        &mut c,
        Some(ARB_WASM),
        ArbWasm::activateProgramCall { program }.abi_encode(),
        U256::from(10u64).pow(U256::from(18)),
    );
    assert!(gas_used(&c, h).0, "activated");

    // automine: one block per transaction, every entry pays full init
    let a = send(&mut c, Some(program), Vec::new(), U256::ZERO);
    let b = send(&mut c, Some(program), Vec::new(), U256::ZERO);
    let full = gas_used(&c, a);
    assert!(full.0);
    assert_eq!(gas_used(&c, b), full);

    // two transactions in one block: the second pays cached init only
    c.set_automine(false);
    let a = send(&mut c, Some(program), Vec::new(), U256::ZERO);
    let b = send(&mut c, Some(program), Vec::new(), U256::ZERO);
    let _ = c.mine_one(None);
    assert_eq!(gas_used(&c, a), full);
    let (ok, cached) = gas_used(&c, b);
    assert!(ok);
    // initGas of this program: 8,832 + its initCost
    assert_eq!(full.1 - cached, 8_832 + 23);

    // the next block starts with an empty cache
    let a = send(&mut c, Some(program), Vec::new(), U256::ZERO);
    let _ = c.mine_one(None);
    assert_eq!(gas_used(&c, a), full);
}

#[test]
fn older_arbos_versions_stay_selectable() {
    let mut c = Chain::new(ChainConfig {
        arbos_version: 51,
        ..ChainConfig::default()
    })
    .expect("genesis");
    // ArbSys.arbOSVersion() = 55 + 51
    let req = TransactionRequest::default()
        .to(address!("0x0000000000000000000000000000000000000064"))
        .input(Bytes::from(ArbSys::arbOSVersionCall {}.abi_encode()).into());
    let out = c
        .call(&req, alloy::eips::BlockId::latest(), None, None)
        .expect("call");
    assert_eq!(U256::from_be_slice(&out), U256::from(106));
}
