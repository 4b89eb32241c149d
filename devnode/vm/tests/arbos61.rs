//! ArbOS 61 rules, the devnode's default: the per-block recent-programs
//! cache, fragmented programs (MaxFragmentCount 4, MaxWasmSize 256 KiB,
//! fragment read gas), multi-value rejection, `ArbWasm.activationGas()` and
//! `ArbSys.arbOSVersion()`. Gas figures are exact.
mod common;
use alloy_sol_types::SolCall;
use common::*;
use stylus_vm::abi::{ArbSys, ArbWasm};
use stylus_vm::api::DEFAULT_TX_GAS;
use stylus_vm::arbos;
use stylus_vm::config::{ARB_SYS, ARB_WASM};
use stylus_vm::primitives::{Address, Bytes, TxKind, U256};
use stylus_vm::revm::context::TxEnv;
use stylus_vm::{Sandbox, TxOutcome, VmConfig, DEFAULT_ARBOS_VERSION};

/// A program distinguished by `i` (so each has its own code hash).
fn distinct(i: u32) -> String {
    module("", &format!("i32.const {i} drop i32.const 0"))
}

/// EVM code calling `p` `times` times with no data, then STOP (or REVERT).
fn caller_code(p: Address, times: usize, revert: bool) -> Vec<u8> {
    let mut code = Vec::new();
    for _ in 0..times {
        // retSize retOffset argsSize argsOffset value
        code.extend_from_slice(&[0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0]);
        code.push(0x73); // PUSH20 p
        code.extend_from_slice(p.as_slice());
        code.extend_from_slice(&[0x5a, 0xf1, 0x50]); // GAS CALL POP
    }
    if revert {
        code.extend_from_slice(&[0x60, 0, 0x60, 0, 0xfd]);
    } else {
        code.push(0x00);
    }
    code
}

fn program_init_gas(n: &mut Sandbox, p: Address) -> (u64, u64) {
    let data = ArbWasm::programInitGasCall { program: p }.abi_encode();
    let out = n.call(ALICE, ARB_WASM, data.into()).unwrap();
    let r = ArbWasm::programInitGasCall::abi_decode_returns(&out.output).unwrap();
    (r.gas, r.gasWhenCached)
}

#[test]
fn defaults_are_arbos_61() {
    assert_eq!(DEFAULT_ARBOS_VERSION, 61);
    let cfg = VmConfig::default();
    assert_eq!(cfg.arbos_version(), 61);
    assert_eq!(cfg.stylus.max_fragment_count, 4);
    assert_eq!(cfg.stylus.max_wasm_size, 256 * 1024);
    assert_eq!(cfg.stylus.block_cache_size, 32);
    assert_eq!(cfg.activation_gas, 0);
    assert_eq!(VmConfig::arbos(60).stylus.max_fragment_count, 2);
    assert_eq!(VmConfig::arbos(51).stylus.max_fragment_count, 0);
    assert_eq!(VmConfig::arbos(51).stylus.max_wasm_size, 128 * 1024);
    let mut n = node();
    let v = n
        .call(
            ALICE,
            ARB_SYS,
            ArbSys::arbOSVersionCall {}.abi_encode().into(),
        )
        .unwrap();
    assert_eq!(U256::from_be_slice(&v.output), U256::from(116));
}

#[test]
fn program_entered_again_in_a_block_pays_cached_init() {
    let mut n = node();
    let p = program(&mut n, &distinct(0));
    let (init, cached) = program_init_gas(&mut n, p);
    // initGas (8,832 + initCost 36) + cachedGas (352 + cachedCost 11); cachedGas
    assert_eq!((init, cached), (9_231, 363));
    let full_init = init - cached;

    // one transaction per block (automine): every entry pays full init
    let first = send(&mut n, p, &[]);
    let second = send(&mut n, p, &[]);
    assert!(first.success && second.success);
    assert_eq!((first.gas_used, second.gas_used), (30_232, 30_232));
    assert_eq!(first.recent_cache_hits + second.recent_cache_hits, 0);

    // two transactions in one block: the second pays cached init only
    n.begin_block();
    let a = send(&mut n, p, &[]);
    let b = send(&mut n, p, &[]);
    // a simulation (eth_call) starts from an empty cache, as Nitro's fresh state
    let sim = n.call(ALICE, p, Bytes::new()).unwrap();
    n.end_block();
    assert_eq!((a.recent_cache_hits, b.recent_cache_hits), (0, 1));
    assert_eq!(a.gas_used, 30_232);
    assert_eq!(b.gas_used, 30_232 - full_init);
    assert_eq!(b.gas_used, 21_364);
    assert_eq!((sim.gas_used, sim.recent_cache_hits), (30_232, 0));

    // a new block starts with an empty cache
    let c = send(&mut n, p, &[]);
    assert_eq!((c.gas_used, c.recent_cache_hits), (30_232, 0));
}

#[test]
fn program_entered_twice_in_one_transaction() {
    let caller = Address::repeat_byte(0xCA);
    let gas = |cfg: VmConfig| {
        let mut n = node_with(cfg);
        let p = program(&mut n, &distinct(0));
        n.set_code(caller, caller_code(p, 2, false).into());
        let out = send(&mut n, caller, &[]);
        assert!(out.success, "{out:?}");
        (out.gas_used, out.recent_cache_hits)
    };
    let (g61, hits61) = gas(VmConfig::default());
    let (g60, hits60) = gas(VmConfig::arbos(60));
    let (g51, hits51) = gas(VmConfig::arbos(51));
    assert_eq!((hits61, hits60, hits51), (1, 1, 0));
    // the fix is gated on ArbOS 60: at 51 both entries pay full init
    assert_eq!(g61, g60);
    assert_eq!(g51 - g61, 8_868, "initGas: 8,832 + initCost 36");
    assert_eq!(g61, 33_340);
}

#[test]
fn a_reverted_transaction_keeps_its_cache_entries() {
    let caller = Address::repeat_byte(0xCA);
    let mut n = node();
    let p = program(&mut n, &distinct(0));
    n.set_code(caller, caller_code(p, 1, true).into());
    n.begin_block();
    let reverted = send(&mut n, caller, &[]);
    assert!(!reverted.success);
    let after = send(&mut n, p, &[]);
    n.end_block();
    // the cache is not journaled: the reverted entry still counts
    assert_eq!((after.recent_cache_hits, after.gas_used), (1, 21_364));
}

#[test]
fn the_33rd_distinct_program_evicts_the_least_recent() {
    let mut n = node();
    let programs: Vec<Address> = (0..33).map(|i| program(&mut n, &distinct(i))).collect();
    let hits = |out: &TxOutcome| out.recent_cache_hits;
    n.begin_block();
    for &p in &programs[..32] {
        assert_eq!(hits(&send(&mut n, p, &[])), 0);
    }
    assert_eq!(n.recent_programs().len(), 32);
    // all 32 fit: entering the first again hits (and makes it the most recent)
    assert_eq!(hits(&send(&mut n, programs[0], &[])), 1);
    // the 33rd evicts the least recently used one: programs[1]
    assert_eq!(hits(&send(&mut n, programs[32], &[])), 0);
    assert_eq!(n.recent_programs().len(), 32);
    let evicted = send(&mut n, programs[1], &[]);
    assert_eq!(hits(&evicted), 0, "programs[1] was evicted");
    // ...which in turn evicted programs[2]; programs[0] and [32] are still there
    assert_eq!(hits(&send(&mut n, programs[0], &[])), 1);
    assert_eq!(hits(&send(&mut n, programs[32], &[])), 1);
    assert_eq!(hits(&send(&mut n, programs[2], &[])), 0);
    n.end_block();
    assert!(n.recent_programs().is_empty());
    assert_eq!(evicted.gas_used, 30_232);
}

/// A transaction with an explicit gas limit.
fn tx(n: &Sandbox, to: Address, data: Vec<u8>, value: U256, gas: u64) -> TxEnv {
    TxEnv {
        caller: ALICE,
        gas_limit: gas,
        gas_price: 0,
        kind: TxKind::Call(to),
        value,
        data: data.into(),
        nonce: n.nonce(ALICE),
        chain_id: Some(n.runtime().config.chain_id),
        ..TxEnv::default()
    }
}

fn activate_with_gas(n: &mut Sandbox, p: Address, gas: u64) -> TxOutcome {
    let data = ArbWasm::activateProgramCall { program: p }.abi_encode();
    let t = tx(n, ARB_WASM, data, eth(1), gas);
    n.transact_tx(t).unwrap()
}

fn fragment(chunk: &[u8]) -> Bytes {
    let mut code = vec![0xEF, 0xF0, 0x01];
    code.extend_from_slice(chunk);
    code.into()
}

/// Intrinsic gas of an `activateProgram(address)` call whose address has no
/// zero byte: 21,000 + 4 selector bytes × 16 + 12 zero bytes × 4 + 20 × 16.
const ACTIVATE_INTRINSIC: u64 = 21_432;
/// Gas an activation burns before reading code: the fixed 1,659,168 plus the
/// two parameter reads.
const BEFORE_READS: u64 = 1_659_168 + 1_600;

#[test]
fn fragment_reads_are_charged_like_extcodecopy() {
    let wasm = wat::parse_str(distinct(7)).unwrap();
    let compressed = stylus_validate::compress(&wasm);
    let (a, b) = compressed.split_at(compressed.len() / 2);
    let mut n = node();
    let (fa, fb) = (Address::repeat_byte(0x31), Address::repeat_byte(0x32));
    n.set_code(fa, fragment(a));
    n.set_code(fb, fragment(b));
    let root = Address::repeat_byte(0x11);
    n.set_code(root, arbos::root_code(wasm.len() as u32, &[fa, fb]).into());
    let classic = Address::repeat_byte(0x22);
    n.set_code(classic, stylus_validate::program_code(&wasm).into());
    let as_root = activate_with_gas(&mut n, root, DEFAULT_TX_GAS);
    let as_classic = activate_with_gas(&mut n, classic, DEFAULT_TX_GAS);
    assert!(as_root.success && as_classic.success);
    // two cold fragment reads: 2,600 + 3 per word of each fragment's code
    let words = |c: &[u8]| (c.len() as u64 + 3).div_ceil(32);
    let reads = 2 * 2_600 + 3 * (words(a) + words(b));
    assert_eq!(as_root.gas_used - as_classic.gas_used, reads);
    // the program runs from its root; calls do not read the fragments again
    let out = send(&mut n, root, &[]);
    let out2 = send(&mut n, classic, &[]);
    assert!(out.success && out2.success);
    assert_eq!(out.gas_used, out2.gas_used);
}

#[test]
fn fragment_read_needs_a_worst_case_read_of_gas_first() {
    let mut n = node();
    let frag = Address::repeat_byte(0x31);
    // a fragment whose stream is not brotli: the read happens, then
    // activation fails with a plain error (keeping the gas left)
    n.set_code(frag, fragment(&[0xFF; 40]));
    let root = Address::repeat_byte(0x11);
    n.set_code(root, arbos::root_code(100, &[frag]).into());
    // worst case, cold: 2,600 + 3 × (24,576 / 32) = 4,904
    let worst = 2_600 + 3 * 768;
    assert_eq!(worst, 4_904);
    let enough = ACTIVATE_INTRINSIC + BEFORE_READS + worst;
    let snap = n.snapshot();
    let short = activate_with_gas(&mut n, root, enough - 1);
    assert!(!short.success);
    assert_eq!(short.gas_used, enough - 1, "out of gas: all gas taken");
    n.revert(snap);
    let out = activate_with_gas(&mut n, root, enough);
    assert!(!out.success && out.output.is_empty(), "{out:?}");
    // the actual read: 2,600 + 3 × words(43 bytes) = 2,606; + 3 to copy the argument
    assert_eq!(
        out.gas_used,
        ACTIVATE_INTRINSIC + BEFORE_READS + 2_606 + 3,
        "the fragment read charges the actual code, not the worst case"
    );
    assert_eq!(out.gas_used, 1_684_809);
}

#[test]
fn fragment_count_and_size_limits() {
    let wasm = wat::parse_str(distinct(7)).unwrap();
    let compressed = stylus_validate::compress(&wasm);
    let mut n = node();
    let chunk = compressed.len().div_ceil(5);
    let frags: Vec<Address> = compressed
        .chunks(chunk)
        .enumerate()
        .map(|(i, c)| {
            let a = Address::repeat_byte(0x30 + i as u8);
            n.set_code(a, fragment(c));
            a
        })
        .collect();
    assert_eq!(frags.len(), 5);
    let root5 = Address::repeat_byte(0x15);
    n.set_code(root5, arbos::root_code(wasm.len() as u32, &frags).into());
    // five fragments exceed MaxFragmentCount 4: a plain error, before any read
    let out = activate_with_gas(&mut n, root5, DEFAULT_TX_GAS);
    assert!(!out.success && out.output.is_empty());
    assert_eq!(out.gas_used, ACTIVATE_INTRINSIC + BEFORE_READS + 3);
    // the same program in four fragments activates
    let chunk = compressed.len().div_ceil(4);
    let frags4: Vec<Address> = compressed
        .chunks(chunk)
        .enumerate()
        .map(|(i, c)| {
            let a = Address::repeat_byte(0x40 + i as u8);
            n.set_code(a, fragment(c));
            a
        })
        .collect();
    assert_eq!(frags4.len(), 4);
    let root4 = Address::repeat_byte(0x14);
    n.set_code(root4, arbos::root_code(wasm.len() as u32, &frags4).into());
    assert!(activate_with_gas(&mut n, root4, DEFAULT_TX_GAS).success);
    // a declared length over MaxWasmSize (256 KiB) is refused before any read
    let big = Address::repeat_byte(0x16);
    n.set_code(big, arbos::root_code(256 * 1024 + 1, &frags4).into());
    let out = activate_with_gas(&mut n, big, DEFAULT_TX_GAS);
    assert!(!out.success && out.gas_used == ACTIVATE_INTRINSIC + BEFORE_READS + 3);
    // a fragment cannot be activated directly
    let out = activate_with_gas(&mut n, frags4[0], DEFAULT_TX_GAS);
    assert!(!out.success && out.gas_used == ACTIVATE_INTRINSIC + BEFORE_READS + 3);
}

#[test]
fn decompressed_wasm_up_to_256_kib_from_arbos_60() {
    // a 140 KiB custom section compresses to almost nothing
    let mut wasm = wat::parse_str(distinct(3)).unwrap();
    let mut section = vec![1u8, b'p'];
    section.extend_from_slice(&vec![0u8; 140 * 1024]);
    wasm.push(0);
    let mut len = section.len() as u32;
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            wasm.push(byte);
            break;
        }
        wasm.push(byte | 0x80);
    }
    wasm.extend_from_slice(&section);
    let mut n = node();
    assert!(n.deploy_and_activate(ALICE, &wasm).is_ok());
    let mut n51 = node_with(VmConfig::arbos(51));
    let p = n51.deploy_wasm(ALICE, &wasm).unwrap();
    let out = activate_with_gas(&mut n51, p, DEFAULT_TX_GAS);
    // over 128 KiB at ArbOS 51: the decompression fails, a plain error
    assert!(!out.success && out.output.is_empty() && out.gas_used < DEFAULT_TX_GAS);
}

const MULTI_VALUE: &str = r#"(module
  (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
  (memory (export "memory") 1 1)
  (func $pair (result i32 i32) i32.const 1 i32.const 2)
  (func (export "user_entrypoint") (param i32) (result i32) call $pair drop drop i32.const 0))"#;

#[test]
fn multi_value_is_rejected_at_activation_and_reactivation() {
    let wasm = wat::parse_str(MULTI_VALUE).unwrap();
    // ArbOS 61: rejected, all gas taken
    let mut n = node();
    let p = n.deploy_wasm(ALICE, &wasm).unwrap();
    let out = activate_with_gas(&mut n, p, DEFAULT_TX_GAS);
    assert!(!out.success && out.output.is_empty());
    assert_eq!(out.gas_used, DEFAULT_TX_GAS);
    let cfg = n.runtime().config.clone();
    let err =
        arbos::prepare(&n.runtime().engine, &cfg, &wasm, Default::default(), 128).unwrap_err();
    assert!(
        err.starts_with(
            "rule no-multi-value: failed to validate user: func type returns multiple values"
        ),
        "{err}"
    );
    // ArbOS 51 accepts it
    let mut n51 = node_with(VmConfig::arbos(51));
    let p = n51.deploy_and_activate(ALICE, &wasm).unwrap();
    assert!(send(&mut n51, p, &[]).success);
    // the same state on an ArbOS 61 chain: the program stays callable (its
    // module is recompiled under version-0 rules, as Nitro's recompilation)...
    let mut n61 = node();
    *n61.db_mut() = n51.db().clone();
    n61.set_block(n51.block().clone());
    assert!(send(&mut n61, p, &[]).success);
    // ...but once expired it cannot be re-activated
    n61.warp(366 * 86_400);
    let out = activate_with_gas(&mut n61, p, DEFAULT_TX_GAS);
    assert!(!out.success && out.gas_used == DEFAULT_TX_GAS);
}

#[test]
fn activation_gas_is_charged_before_activation() {
    let wasm = wat::parse_str(distinct(9)).unwrap();
    let used = |cfg: VmConfig| {
        let mut n = node_with(cfg);
        let p = Address::repeat_byte(0x22);
        n.set_code(p, stylus_validate::program_code(&wasm).into());
        let getter = n
            .call(
                ALICE,
                ARB_WASM,
                ArbWasm::activationGasCall {}.abi_encode().into(),
            )
            .unwrap();
        let out = activate_with_gas(&mut n, p, DEFAULT_TX_GAS);
        assert!(out.success, "{out:?}");
        (out.gas_used, getter)
    };
    let (base, getter) = used(VmConfig::default());
    assert_eq!(U256::from_be_slice(&getter.output), U256::ZERO);
    let (raised, getter) = used(VmConfig {
        activation_gas: 250_000,
        ..VmConfig::default()
    });
    assert_eq!(U256::from_be_slice(&getter.output), U256::from(250_000));
    assert_eq!(raised - base, 250_000);
    // before ArbOS 60 there is no such method (all gas taken) and no charge
    let (_, getter) = used(VmConfig {
        activation_gas: 250_000,
        ..VmConfig::arbos(51)
    });
    assert!(!getter.success && getter.gas_used == DEFAULT_TX_GAS);
}
