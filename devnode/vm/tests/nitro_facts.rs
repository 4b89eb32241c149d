//! Nitro's published facts (stylus-runtime.md §4 and §7): ink exhaustion
//! thresholds, the memory model up to 128 pages, the depth checker's frame
//! size, storage flush gas equal to EVM SSTORE gas, floats running out of ink.
mod common;
use common::*;
use stylus_vm::engine::{Outcome, ProgramRun, Step, WasmiEngine};
use stylus_vm::host::HostState;
use stylus_vm::instrument::{instrument, InstrumentConfig};
use stylus_vm::pricing::memory_gas;
use stylus_vm::primitives::{Bytes, TxKind, B256, U256};
use stylus_vm::revm::context::TxEnv;
use stylus_vm::VmConfig;

/// Nitro's `add.wat`-style pure program: adds in a loop, no hostios.
const ADD: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    i32.const 0))"#;

fn run_pure(engine: &WasmiEngine, key: B256, args: usize, ink: u64) -> (Outcome, u64) {
    let state = HostState {
        args: Bytes::from(vec![0u8; args]),
        ink_price: 10_000,
        ..HostState::default()
    };
    let mut run = engine.instantiate(&key, state).unwrap();
    match run.start(ink, 22_000) {
        Step::Done(o) => (o, run.ink_left()),
        Step::Request(r) => panic!("pure program asked for {r:?}"),
    }
}

#[test]
fn ink_exhaustion_thresholds_are_exact() {
    let wasm = wat::parse_str(ADD).unwrap();
    let out = instrument(&wasm, &InstrumentConfig::default()).unwrap();
    let engine = WasmiEngine::new();
    let key = B256::repeat_byte(1);
    engine.compile(key, &out.wasm).unwrap();
    for n in [0usize, 50, 99] {
        let (outcome, left) = run_pure(&engine, key, n, 10_000_000);
        assert_eq!(outcome, Outcome::Success(Bytes::new()));
        let used = 10_000_000 - left;
        // exactly enough ink: success with nothing left
        let (outcome, left) = run_pure(&engine, key, n, used);
        assert_eq!(
            (outcome, left),
            (Outcome::Success(Bytes::new()), 0),
            "n = {n}"
        );
        // one ink less: out of ink
        let (outcome, left) = run_pure(&engine, key, n, used - 1);
        assert_eq!((outcome, left), (Outcome::OutOfInk, 0), "n = {n}");
    }
    // each iteration costs the same: loop header + body block
    let used = |n| 10_000_000 - run_pure(&engine, key, n, 10_000_000).1;
    let per_iter = used(51) - used(50);
    assert_eq!(used(99) - used(50), 49 * per_iter);
    // body block: 2450 header + local.get×5 (375) + i32.add×2 (140) + local.set×2 (420)
    //           + i32.const (1) + i32.lt_u (170) + br_if (765)
    assert_eq!(per_iter, 2450 + 375 + 140 + 420 + 1 + 170 + 765);
}

fn grow_program() -> String {
    format!(
        r#"(module {IMPORTS}
      (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
      (memory (export "memory") 1 200)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        i32.const 500
        call $ink
        i64.store
        i32.const 0
        i32.load
        memory.grow
        drop
        i32.const 508
        call $ink
        i64.store
        (call $write_result (i32.const 500) (i32.const 16))
        i32.const 0))"#
    )
}

fn grow(
    n: &mut stylus_vm::Sandbox,
    p: stylus_vm::primitives::Address,
    pages: u32,
    gas: u64,
) -> stylus_vm::TxOutcome {
    let tx = TxEnv {
        caller: ALICE,
        gas_limit: gas,
        kind: TxKind::Call(p),
        data: pages.to_le_bytes().to_vec().into(),
        nonce: n.nonce(ALICE),
        chain_id: Some(412_346),
        ..TxEnv::default()
    };
    n.transact_tx(tx).unwrap()
}

#[test]
fn memory_growth_follows_the_page_model() {
    let mut n = node();
    let p = program(&mut n, &grow_program());
    // block: 2450 + i64.store 950 + i32.const 1 + i32.load 670 + memory.grow 8050 + drop 9 + i32.const 1 + call 3800
    let block = 2450 + 950 + 1 + 670 + 8050 + 9 + 1 + 3800;
    for pages in [1u32, 10, 63] {
        let out = grow(&mut n, p, pages, 30_000_000);
        assert!(out.success, "{out:?}");
        let a = u64::from_le_bytes(out.output[0..8].try_into().unwrap());
        let b = u64::from_le_bytes(out.output[8..16].try_into().unwrap());
        let charged = a - b - block - 8400;
        assert_eq!(
            charged,
            memory_gas(pages as u16, 1, 1, 2, 1000) * 10_000,
            "{pages} pages"
        );
    }
    // 63 more pages: 62·1000 linear + exp[64] − exp[1]
    assert_eq!(memory_gas(63, 1, 1, 2, 1000), 62_000 + 5645 - 1);
}

#[test]
fn growing_to_128_pages_costs_about_32m_gas() {
    let mut n = node_with(VmConfig {
        tx_gas_limit_cap: 100_000_000,
        ..VmConfig::default()
    });
    let p = program(&mut n, &grow_program());
    let small = grow(&mut n, p, 0, 60_000_000);
    let big = grow(&mut n, p, 127, 60_000_000);
    assert!(big.success, "{big:?}");
    // calldata: [127,0,0,0] costs 16 + 3·4, [0,0,0,0] costs 4·4
    let extra = big.gas_used - small.gas_used - 12;
    let model = memory_gas(127, 1, 1, 2, 1000);
    assert_eq!(model, 126_000 + 31_873_999 - 1);
    // the 8400 ink of a zero-page call is not charged for real growth (±1 gas rounding)
    assert!(extra.abs_diff(model) <= 1, "extra {extra} vs model {model}");
    assert!((31_500_000..32_500_000).contains(&extra));
    // past 128 pages the model is unpayable: out of ink, all gas taken
    let over = grow(&mut n, p, 128, 60_000_000);
    assert!(!over.success);
    assert_eq!(over.gas_used, 60_000_000);
    // on the default chain (32M per-tx cap) 128 pages cannot be afforded in one tx
    let mut n = node();
    let p = program(&mut n, &grow_program());
    let out = grow(&mut n, p, 127, 32_000_000);
    assert!(!out.success);
}

/// Recursion depth reached before the depth checker trips, for `max_depth` words.
fn max_recursion(max_depth: u32) -> u32 {
    let mut cfg = VmConfig::default();
    cfg.stylus.max_stack_depth = max_depth;
    let mut n = node_with(cfg);
    let wat = format!(
        r#"(module {IMPORTS}
      (memory (export "memory") 1 1)
      (func $rec (param $n i32)
        (if (local.get $n) (then (call $rec (i32.sub (local.get $n) (i32.const 1))))))
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (call $rec (i32.load (i32.const 0)))
        i32.const 0))"#
    );
    let p = program(&mut n, &wat);
    let ok = |n: &mut stylus_vm::Sandbox, depth: u32| {
        let out = call(n, p, &depth.to_le_bytes());
        if !out.success {
            assert_eq!(out.halt.as_deref(), Some("StackOverflow"), "{out:?}");
        }
        out.success
    };
    let (mut lo, mut hi) = (0u32, 20_000u32);
    assert!(ok(&mut n, lo) && !ok(&mut n, hi));
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if ok(&mut n, mid) {
            lo = mid
        } else {
            hi = mid
        }
    }
    lo
}

#[test]
fn depth_checker_frame_is_locals_plus_stack_plus_four() {
    // $rec has no locals and a worst-case operand depth of 2 (the meter's
    // check pushes two values): 2 + 0 + 4 = 6 words per frame.
    let table: Vec<u32> = (6000..6013).map(max_recursion).collect();
    assert!(table[0] > 900, "{table:?}");
    for d in 0..7 {
        assert_eq!(table[d + 6], table[d] + 1, "{table:?}");
    }
    // exactly one more level per 6 words
    let jumps = (0..6).filter(|&d| table[d + 1] == table[d] + 1).count();
    assert_eq!(jumps, 1, "{table:?}");
    assert_eq!(max_recursion(6060), table[0] + 10);
}

#[test]
fn executed_float_op_runs_out_of_ink() {
    let wat = module(
        "",
        r#"(if (local.get $len) (then (drop (f32.add (f32.const 1) (f32.const 2)))))
        i32.const 0"#,
    );
    let mut n = node();
    let p = program(&mut n, &wat);
    assert!(
        send(&mut n, p, &[]).success,
        "activation accepts floats that never run"
    );
    let out = send(&mut n, p, &[1]);
    assert!(!out.success);
    assert_eq!(out.halt.as_deref(), Some("OutOfGas(Basic)"));
    assert_eq!(out.gas_used, stylus_vm::api::DEFAULT_TX_GAS);
}

/// EVM bytecode storing `(key, value)` pairs, or popping them with `pop`.
fn evm_stores(pairs: &[(u8, u8)], store: bool) -> Vec<u8> {
    let mut c = Vec::new();
    for (k, v) in pairs {
        c.extend_from_slice(&[0x60, *v, 0x60, *k]);
        if store {
            c.push(0x55)
        } else {
            c.extend_from_slice(&[0x50, 0x50])
        }
    }
    c.push(0x00);
    c
}

/// Stylus program caching `(key, value)` pairs from calldata (64 bytes each)
/// and measuring the flush's ink.
fn stylus_flush_program() -> String {
    format!(
        r#"(module {IMPORTS}
      (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
      (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
      (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (local $i i32)
        (call $read_args (i32.const 1024))
        (block $b (loop $l
          (br_if $b (i32.ge_u (local.get $i) (local.get $len)))
          (call $cache (i32.add (i32.const 1024) (local.get $i)) (i32.add (i32.const 1056) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br $l)))
        i32.const 500
        call $ink
        i64.store
        i32.const 0
        call $flush
        i32.const 508
        call $ink
        i64.store
        (call $write_result (i32.const 500) (i32.const 16))
        i32.const 0))"#
    )
}

#[test]
fn storage_flush_gas_equals_evm_sstore_gas() {
    let mut n = node();
    let p = program(&mut n, &stylus_flush_program());
    let with = deploy_evm(&mut n, &evm_stores(&[(1, 5), (2, 6), (3, 7)], true));
    let without = deploy_evm(&mut n, &evm_stores(&[(1, 5), (2, 6), (3, 7)], false));
    let flush_gas = |n: &mut stylus_vm::Sandbox, pairs: &[(u8, u8)]| {
        let mut data = Vec::new();
        for (k, v) in pairs {
            data.extend_from_slice(&U256::from(*k).to_be_bytes::<32>());
            data.extend_from_slice(&U256::from(*v).to_be_bytes::<32>());
        }
        let out = send(n, p, &data);
        assert!(out.success, "{out:?}");
        let a = u64::from_le_bytes(out.output[0..8].try_into().unwrap());
        let b = u64::from_le_bytes(out.output[8..16].try_into().unwrap());
        // block: 2450 + i64.store 950 + i32.const 1 + call 3800; flush base 68073; evm_ink_left 8400
        (a - b - (2450 + 950 + 1 + 3800) - 68_073 - 8400) / 10_000
    };
    let evm_gas = |n: &mut stylus_vm::Sandbox| {
        let a = send(n, with, &[]).gas_used;
        let b = send(n, without, &[]);
        a - b.gas_used + 3 * 4 // SSTORE replaced two POPs (2 gas each) per pair
    };
    // fresh slots: 0 → x, cold
    let stylus = flush_gas(&mut n, &[(1, 5), (2, 6), (3, 7)]);
    let evm = evm_gas(&mut n);
    assert_eq!(stylus, evm);
    assert_eq!(stylus, 3 * 22_100);
    // same values again: no-op stores, cold
    let stylus = flush_gas(&mut n, &[(1, 5), (2, 6), (3, 7)]);
    let evm = evm_gas(&mut n);
    assert_eq!(stylus, evm);
    assert_eq!(stylus, 3 * 2200);
}

#[test]
fn ink_to_gas_rounds_down() {
    // a program that burns nothing but its entry: gas used is deterministic
    let mut n = node();
    let p = program(&mut n, &module("", "i32.const 0"));
    let a = send(&mut n, p, &[]).gas_used;
    let b = send(&mut n, p, &[]).gas_used;
    assert_eq!(a, b);
    let _ = U256::ZERO;
}
