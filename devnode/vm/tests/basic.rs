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
