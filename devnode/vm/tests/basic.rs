//! Deploy, activate and call: the basic path, and calling unactivated programs.
mod common;
use common::*;
use stylus_vm::primitives::U256;

const ECHO: &str = "
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    i32.const 0";

#[test]
fn echo_program_returns_its_calldata() {
    let mut n = node();
    let p = program(&mut n, &module("", ECHO));
    let out = call(&mut n, p, b"hello stylus");
    assert!(out.success, "{out:?}");
    assert_eq!(&out.output[..], b"hello stylus");
    let tx = send(&mut n, p, b"abc");
    assert!(tx.success);
    assert!(tx.gas_used > 21_000 + 8832, "gas {}", tx.gas_used);
}

#[test]
fn unactivated_program_fails_and_takes_all_gas() {
    let mut n = node();
    let wasm = wat::parse_str(module("", ECHO)).unwrap();
    let p = n.deploy_wasm(ALICE, &wasm).unwrap();
    let out = send(&mut n, p, b"x");
    assert!(!out.success);
    assert_eq!(out.stylus_error.as_deref(), Some("ProgramNotActivated"));
    assert_eq!(out.gas_used, stylus_vm::api::DEFAULT_TX_GAS);
    // activating it makes it callable
    n.fund(ALICE, eth(1));
    n.activate(ALICE, p).unwrap();
    assert!(send(&mut n, p, b"x").success);
    let _ = U256::ZERO;
}

#[test]
fn lower_level_execute_on_a_caller_owned_database() {
    use stylus_vm::primitives::{Bytes, TxKind};
    use stylus_vm::revm::context::{BlockEnv, TxEnv};
    use stylus_vm::revm::database::{CacheDB, EmptyDB};
    use stylus_vm::revm::state::AccountInfo;
    use stylus_vm::revm::DatabaseCommit;
    use stylus_vm::{api::install_genesis, execute, Runtime};

    let runtime = Runtime::default();
    let mut db = CacheDB::new(EmptyDB::default());
    install_genesis(&mut db);
    db.insert_account_info(
        ALICE,
        AccountInfo {
            balance: eth(10),
            ..AccountInfo::default()
        },
    );
    let block = BlockEnv {
        number: U256::from(1),
        timestamp: U256::from(1_700_000_000u64),
        ..BlockEnv::default()
    };
    let wasm = wat::parse_str(module("", ECHO)).unwrap();
    let code = stylus_validate::program_code(&wasm);
    let deploy = TxEnv {
        caller: ALICE,
        gas_limit: 5_000_000,
        kind: TxKind::Create,
        data: stylus_validate::deploy_init_code(&code).into(),
        chain_id: Some(412_346),
        ..TxEnv::default()
    };
    let exec = execute(&runtime, &mut db, block.clone(), deploy).unwrap();
    let program = exec.exec().created_address().expect("created");
    // nothing is committed until the caller commits
    assert!(stylus_vm::revm::DatabaseRef::basic_ref(&db, program)
        .unwrap()
        .is_none());
    db.commit(exec.result.state);
    let call = TxEnv {
        caller: ALICE,
        gas_limit: 1_000_000,
        kind: TxKind::Call(program),
        data: Bytes::from_static(b"hi"),
        nonce: 1,
        chain_id: Some(412_346),
        ..TxEnv::default()
    };
    let exec = execute(&runtime, &mut db, block, call).unwrap();
    assert!(!exec.exec().is_success());
    assert_eq!(exec.top_level_error(), Some("ProgramNotActivated"));
}
