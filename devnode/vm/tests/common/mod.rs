//! Shared helpers for the stylus-vm integration tests.
#![allow(dead_code, unreachable_pub, missing_docs)]

use stylus_vm::primitives::{Address, Bytes, U256};
use stylus_vm::{Sandbox, TxOutcome, VmConfig};

pub const ALICE: Address = Address::repeat_byte(0xA1);
pub const BOB: Address = Address::repeat_byte(0xB0);

pub fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

pub fn node() -> Sandbox {
    let mut n = Sandbox::new();
    n.fund(ALICE, eth(1000));
    n.fund(BOB, eth(1000));
    n
}

pub fn node_with(cfg: VmConfig) -> Sandbox {
    let mut n = Sandbox::with_config(cfg);
    n.fund(ALICE, eth(1000));
    n.fund(BOB, eth(1000));
    n
}

/// Deploys and activates a WAT program.
pub fn program(n: &mut Sandbox, wat: &str) -> Address {
    let wasm = wat::parse_str(wat).expect("valid wat");
    n.deploy_and_activate(ALICE, &wasm)
        .unwrap_or_else(|o| panic!("deploy/activate failed: {o:?}"))
}

pub fn call(n: &mut Sandbox, to: Address, data: &[u8]) -> TxOutcome {
    n.call(ALICE, to, Bytes::copy_from_slice(data))
        .expect("valid call")
}

pub fn send(n: &mut Sandbox, to: Address, data: &[u8]) -> TxOutcome {
    n.transact(ALICE, to, Bytes::copy_from_slice(data), U256::ZERO)
        .expect("valid tx")
}

/// The standard imports used by the WAT programs.
pub const IMPORTS: &str = r#"
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
"#;

/// Wraps a body in a module with one memory page and the standard imports.
/// `$len` is the calldata length; memory 0..1024 is free scratch.
pub fn module(extra_imports: &str, body: &str) -> String {
    format!(
        r#"(module {IMPORTS} {extra_imports}
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32) {body}))"#
    )
}

/// EVM init code deploying `runtime`.
pub fn evm_init(runtime: &[u8]) -> Bytes {
    let len = runtime.len();
    assert!(len < 256);
    // PUSH1 len PUSH1 12 PUSH1 0 CODECOPY PUSH1 len PUSH1 0 RETURN
    let mut init = vec![
        0x60, len as u8, 0x60, 12, 0x60, 0, 0x39, 0x60, len as u8, 0x60, 0, 0xf3,
    ];
    init.extend_from_slice(runtime);
    init.into()
}

pub fn deploy_evm(n: &mut Sandbox, runtime: &[u8]) -> Address {
    let out = n.deploy(ALICE, evm_init(runtime), U256::ZERO).unwrap();
    assert!(out.success, "{out:?}");
    out.created.unwrap()
}
