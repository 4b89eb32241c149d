//! Activation (ArbWasm 0x71): negatives with the right error and all gas
//! taken, the data fee, the ProgramActivated event, ABI-encoded custom
//! errors, getters, keepalive, expiry and ArbWasmCache; other precompiles.
mod common;
use alloy_sol_types::{SolCall, SolError, SolEvent};
use common::*;
use stylus_vm::abi::{ArbDebug, ArbOwnerPublic, ArbSys, ArbWasm, ArbWasmCache};
use stylus_vm::api::DEFAULT_TX_GAS;
use stylus_vm::arbos;
use stylus_vm::config::{ARB_DEBUG, ARB_OWNER_PUBLIC, ARB_SYS, ARB_WASM, ARB_WASM_CACHE};
use stylus_vm::primitives::{keccak256, Address, Bytes, U256};
use stylus_vm::{Sandbox, VmConfig};

const OK_BODY: &str = "i32.const 0";

fn activate_tx(n: &mut Sandbox, p: Address, value: U256) -> stylus_vm::TxOutcome {
    let data = ArbWasm::activateProgramCall { program: p }.abi_encode();
    n.transact(ALICE, ARB_WASM, data.into(), value).unwrap()
}

/// Deploys `wasm` and checks activation fails taking all gas; returns the rule message.
fn rejected(n: &mut Sandbox, wasm: &[u8]) -> String {
    let p = n.deploy_wasm(ALICE, wasm).expect("deploys");
    let out = activate_tx(n, p, eth(1));
    assert!(!out.success, "activation must fail");
    assert!(out.output.is_empty(), "no custom error for invalid wasm");
    assert_eq!(out.gas_used, DEFAULT_TX_GAS, "all gas taken");
    let code = n.code(p);
    let cfg = n.runtime().config.clone();
    arbos::decompress(&code, 128 * 1024)
        .and_then(|wasm| arbos::prepare(&n.runtime().engine, &cfg, &wasm, keccak256(&code), 128))
        .unwrap_err()
}

#[test]
fn unknown_import_is_rejected() {
    let mut n = node();
    let wasm = wat::parse_str(module(
        r#"(import "vm_hooks" "no_such_hook" (func (param i32)))"#,
        OK_BODY,
    ))
    .unwrap();
    assert!(rejected(&mut n, &wasm).contains("unknown import"));
}

#[test]
fn start_function_is_rejected_outside_debug_mode() {
    let wat = format!(
        r#"(module {IMPORTS} (memory (export "memory") 1 1) (func $s) (start $s)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    );
    let wasm = wat::parse_str(&wat).unwrap();
    let mut n = node_with(VmConfig {
        debug: false,
        ..VmConfig::default()
    });
    assert!(rejected(&mut n, &wasm).contains("start"));
    // a debug chain (nitro --dev) moves it to `stylus_start`
    let mut n = node();
    assert!(n.deploy_and_activate(ALICE, &wasm).is_ok());
}

#[test]
fn growable_memory_needs_pay_for_memory_grow() {
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let mut n = node();
    assert!(rejected(&mut n, &wasm).contains("pay_for_memory_grow"));
}

#[test]
fn oversized_wasm_is_rejected() {
    // 130 KiB of zeros compresses to almost nothing but decompresses past 128 KiB
    let wat = format!(
        r#"(module {IMPORTS} (memory (export "memory") 3 3)
        (data (i32.const 0) "{}")
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        "\\00".repeat(130 * 1024)
    );
    let wasm = wat::parse_str(&wat).unwrap();
    assert!(wasm.len() > 128 * 1024);
    let mut n = node();
    assert!(rejected(&mut n, &wasm).contains("exceeds"));
}

#[test]
fn over_24kib_compressed_cannot_be_deployed() {
    // pseudo-random data does not compress
    let mut x = 0x1234_5678u32;
    let noise: String = (0..30_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            format!("\\{:02x}", x as u8)
        })
        .collect();
    let wat = format!(
        r#"(module {IMPORTS} (memory (export "memory") 1 1)
        (data (i32.const 0) "{noise}")
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    );
    let wasm = wat::parse_str(&wat).unwrap();
    let mut n = node();
    let err = n.deploy_wasm(ALICE, &wasm).unwrap_err();
    assert!(!err.success);
    assert_eq!(err.halt.as_deref(), Some("CreateContractSizeLimit"));
}

#[test]
fn padded_reference_types_encoding_is_rejected() {
    // call_indirect with its table index as a padded 5-byte LEB (what LLVM
    // emits with reference-types on): invalid under Nitro's feature set.
    use wasm_encoder::{
        CodeSection, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
        MemorySection, MemoryType, Module, RefType, TableSection, TableType, TypeSection, ValType,
    };
    let mut m = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    types.ty().function([], []);
    types.ty().function([ValType::I32], []);
    m.section(&types);
    let mut imports = ImportSection::new();
    imports.import(
        "vm_hooks",
        "pay_for_memory_grow",
        wasm_encoder::EntityType::Function(2),
    );
    m.section(&imports);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    m.section(&funcs);
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        minimum: 1,
        maximum: Some(1),
        table64: false,
        shared: false,
    });
    m.section(&tables);
    let mut mem = MemorySection::new();
    mem.memory(MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    m.section(&mem);
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("user_entrypoint", ExportKind::Func, 1);
    m.section(&exports);
    let mut code = CodeSection::new();
    let mut f = Function::new([]);
    // i32.const 0; call_indirect type 1 table 0 (padded); i32.const 0; end
    f.raw([
        0x41, 0x00, 0x11, 0x01, 0x80, 0x80, 0x80, 0x80, 0x00, 0x41, 0x00, 0x0b,
    ]);
    code.function(&f);
    m.section(&code);
    let wasm = m.finish();
    let mut n = node();
    let msg = rejected(&mut n, &wasm);
    assert!(
        msg.contains("wasm-features") || msg.contains("zero byte"),
        "{msg}"
    );
}

#[test]
fn activation_charges_fee_emits_event_and_refunds() {
    let mut n = node();
    let wasm = wat::parse_str(module("", OK_BODY)).unwrap();
    let p = n.deploy_wasm(ALICE, &wasm).unwrap();
    let fee = n.activation_fee(ALICE, p).unwrap();
    assert!(fee > U256::ZERO);
    // too little value: ProgramInsufficientValue(have, want)
    let out = activate_tx(&mut n, p, fee - U256::from(1));
    assert!(!out.success);
    let err = ArbWasm::ProgramInsufficientValue::abi_decode(&out.output).unwrap();
    assert_eq!((err.have, err.want), (fee - U256::from(1), fee));
    assert!(out.gas_used < DEFAULT_TX_GAS);
    // enough: the excess is refunded, the fee goes to the network
    let before = n.balance(ALICE);
    let out = activate_tx(&mut n, p, fee * U256::from(2));
    assert!(out.success, "{out:?}");
    assert_eq!(before - n.balance(ALICE), fee);
    let ret = ArbWasm::activateProgramCall::abi_decode_returns(&out.output).unwrap();
    assert_eq!((ret.version, ret.dataFee), (2, fee));
    assert_eq!(out.logs.len(), 1);
    let ev = ArbWasm::ProgramActivated::decode_log_data(&out.logs[0].data).unwrap();
    assert_eq!(ev.codehash, keccak256(n.code(p)));
    assert_eq!(ev.program, p);
    assert_eq!(ev.dataFee, fee);
    // 1,659,168 fixed gas + compile gas
    assert!(out.gas_used > 21_000 + 1_659_168, "{}", out.gas_used);
    // again: ProgramUpToDate
    let out = activate_tx(&mut n, p, fee);
    assert_eq!(
        out.output,
        Bytes::from(ArbWasm::ProgramUpToDate {}.abi_encode())
    );
    // not a program (no code): ProgramNotWasm, a custom error, keeping the gas
    // left (Nitro's getWasm checks for empty code first, at every ArbOS version)
    let eoa = Address::repeat_byte(0x42);
    for cfg in [VmConfig::default(), VmConfig::arbos(51)] {
        let mut n = node_with(cfg);
        let out = activate_tx(&mut n, eoa, fee);
        assert!(!out.success && out.gas_used < DEFAULT_TX_GAS, "{out:?}");
        assert_eq!(
            out.output,
            Bytes::from(ArbWasm::ProgramNotWasm {}.abi_encode())
        );
    }
}

fn view<C: SolCall>(n: &mut Sandbox, to: Address, call: &C) -> Result<C::Return, Bytes> {
    let out = n.call(ALICE, to, call.abi_encode().into()).unwrap();
    if out.success {
        Ok(C::abi_decode_returns(&out.output).unwrap())
    } else {
        Err(out.output)
    }
}

#[test]
fn getters_and_custom_errors() {
    let mut n = node();
    let wasm = wat::parse_str(module("", OK_BODY)).unwrap();
    let p = n.deploy_wasm(ALICE, &wasm).unwrap();
    let hash = keccak256(n.code(p));
    let not_active = Bytes::from(ArbWasm::ProgramNotActivated {}.abi_encode());
    assert_eq!(
        view(
            &mut n,
            ARB_WASM,
            &ArbWasm::codehashVersionCall { codehash: hash }
        )
        .unwrap_err(),
        not_active
    );
    assert_eq!(
        view(
            &mut n,
            ARB_WASM,
            &ArbWasm::programVersionCall { program: p }
        )
        .unwrap_err(),
        not_active
    );
    n.activate(ALICE, p).unwrap();
    assert_eq!(
        view(
            &mut n,
            ARB_WASM,
            &ArbWasm::codehashVersionCall { codehash: hash }
        )
        .unwrap(),
        2
    );
    assert_eq!(
        view(
            &mut n,
            ARB_WASM,
            &ArbWasm::programVersionCall { program: p }
        )
        .unwrap(),
        2
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::stylusVersionCall {}).unwrap(),
        2
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::inkPriceCall {}).unwrap(),
        10_000
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::maxStackDepthCall {}).unwrap(),
        22_000
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::freePagesCall {}).unwrap(),
        2
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::pageGasCall {}).unwrap(),
        1000
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::pageLimitCall {}).unwrap(),
        128
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::expiryDaysCall {}).unwrap(),
        365
    );
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::keepaliveDaysCall {}).unwrap(),
        31
    );
    let min = view(&mut n, ARB_WASM, &ArbWasm::minInitGasCall {}).unwrap();
    assert_eq!((min.gas, min.cached), (69 * 128, 11 * 32));
    let fp = view(
        &mut n,
        ARB_WASM,
        &ArbWasm::programMemoryFootprintCall { program: p },
    )
    .unwrap();
    assert_eq!(fp, 1);
    // programInitGas = (init + cached, cached) and matches what a call is charged
    let ig = view(
        &mut n,
        ARB_WASM,
        &ArbWasm::programInitGasCall { program: p },
    )
    .unwrap();
    let record = {
        let mut ctx_db = n.clone();
        let out = ctx_db.call(ALICE, p, Bytes::new()).unwrap();
        assert!(out.success);
        ig
    };
    assert!(record.gas > record.gasWhenCached && record.gasWhenCached >= 352);
    // keepalive too soon
    let err = view(
        &mut n,
        ARB_WASM,
        &ArbWasm::codehashKeepaliveCall { codehash: hash },
    )
    .err()
    .expect("too soon");
    assert_eq!(&err[..4], &ArbWasm::ProgramKeepaliveTooSoon::SELECTOR);
    // after a year the program expires; calls fail, activation works again
    n.warp(366 * 86_400);
    let err = view(
        &mut n,
        ARB_WASM,
        &ArbWasm::codehashVersionCall { codehash: hash },
    )
    .unwrap_err();
    assert_eq!(&err[..4], &ArbWasm::ProgramExpired::SELECTOR);
    let out = send(&mut n, p, &[]);
    assert!(!out.success);
    assert!(out.stylus_error.unwrap().starts_with("ProgramExpired"));
    n.activate(ALICE, p).unwrap();
    assert!(send(&mut n, p, &[]).success);
}

#[test]
fn caching_lowers_the_call_cost() {
    let mut n = node();
    let p = program(&mut n, &module("", OK_BODY));
    let hash = keccak256(n.code(p));
    let uncached = send(&mut n, p, &[]).gas_used;
    assert!(!view(
        &mut n,
        ARB_WASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash: hash }
    )
    .unwrap());
    // only cache managers and chain owners may cache; on a debug chain
    // anyone may become a chain owner (ArbDebug), as on nitro-devnode
    let owner = n
        .transact(
            ALICE,
            ARB_DEBUG,
            ArbDebug::becomeChainOwnerCall {}.abi_encode().into(),
            U256::ZERO,
        )
        .unwrap();
    assert!(owner.success, "{owner:?}");
    let out = n
        .transact(
            ALICE,
            ARB_WASM_CACHE,
            ArbWasmCache::cacheProgramCall { addr: p }
                .abi_encode()
                .into(),
            U256::ZERO,
        )
        .unwrap();
    assert!(out.success, "{out:?}");
    assert_eq!(out.logs.len(), 1);
    assert!(view(
        &mut n,
        ARB_WASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash: hash }
    )
    .unwrap());
    let cached = send(&mut n, p, &[]).gas_used;
    let ig = view(
        &mut n,
        ARB_WASM,
        &ArbWasm::programInitGasCall { program: p },
    )
    .unwrap();
    assert_eq!(uncached - cached, ig.gas - ig.gasWhenCached);
}

#[test]
fn other_precompiles() {
    let mut n = node();
    assert_eq!(
        view(&mut n, ARB_SYS, &ArbSys::arbChainIDCall {}).unwrap(),
        U256::from(412_346)
    );
    assert_eq!(
        view(&mut n, ARB_SYS, &ArbSys::arbOSVersionCall {}).unwrap(),
        U256::from(116),
        "55 + ArbOS 61"
    );
    assert_eq!(
        view(&mut n, ARB_SYS, &ArbSys::arbBlockNumberCall {}).unwrap(),
        U256::from(n.block_number())
    );
    assert_eq!(
        view(
            &mut n,
            ARB_OWNER_PUBLIC,
            &ArbOwnerPublic::getMaxStylusContractFragmentsCall {}
        )
        .unwrap(),
        4,
        "ArbOS 61: 4 fragments (96 KB)"
    );
    // before ArbOS 60 the method does not exist: revert taking all gas
    let mut n51 = node_with(VmConfig::arbos(51));
    let out = n51
        .call(
            ALICE,
            ARB_OWNER_PUBLIC,
            ArbOwnerPublic::getMaxStylusContractFragmentsCall {}
                .abi_encode()
                .into(),
        )
        .unwrap();
    assert!(!out.success && out.gas_used == DEFAULT_TX_GAS, "{out:?}");
    assert_eq!(
        view(&mut n51, ARB_SYS, &ArbSys::arbOSVersionCall {}).unwrap(),
        U256::from(55 + 51)
    );
    let mut n60 = node_with(VmConfig::arbos(60));
    assert_eq!(
        view(
            &mut n60,
            ARB_OWNER_PUBLIC,
            &ArbOwnerPublic::getMaxStylusContractFragmentsCall {}
        )
        .unwrap(),
        2
    );
    // precompiles carry code so that Solidity's extcodesize check passes
    assert_eq!(&n.code(ARB_WASM)[..], &[0xFE]);
}

#[test]
fn activation_in_a_reverted_call_is_rolled_back() {
    let mut n = node();
    let wasm = wat::parse_str(module("", OK_BODY)).unwrap();
    let p = n.deploy_wasm(ALICE, &wasm).unwrap();
    // EVM contract: CALL ArbWasm.activateProgram(p) with value, then REVERT
    let data = ArbWasm::activateProgramCall { program: p }.abi_encode();
    let mut code = Vec::new();
    for (i, chunk) in data.chunks(32).enumerate() {
        let mut word = [0u8; 32];
        word[..chunk.len()].copy_from_slice(chunk);
        code.push(0x7f);
        code.extend_from_slice(&word);
        code.extend_from_slice(&[0x60, (i * 32) as u8, 0x52]);
    }
    // CALL(gas, 0x71, value=selfbalance, 0, len, 0, 0), then REVERT(0,0)
    code.extend_from_slice(&[
        0x60,
        0x00,
        0x60,
        0x00,
        0x60,
        data.len() as u8,
        0x60,
        0x00,
        0x47,
        0x60,
        0x71,
        0x5a,
        0xf1,
        0x50,
    ]);
    code.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0xfd]);
    let c = deploy_evm_big(&mut n, &code);
    n.fund(c, eth(1));
    let out = send(&mut n, c, &[]);
    assert!(!out.success);
    let hash = keccak256(n.code(p));
    assert!(view(
        &mut n,
        ARB_WASM,
        &ArbWasm::codehashVersionCall { codehash: hash }
    )
    .is_err());
    // the same contract ending in STOP instead of REVERT does activate
    let len = code.len();
    code[len - 5..].copy_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x00]);
    let c = deploy_evm_big(&mut n, &code);
    n.fund(c, eth(1));
    assert!(send(&mut n, c, &[]).success);
    assert_eq!(
        view(
            &mut n,
            ARB_WASM,
            &ArbWasm::codehashVersionCall { codehash: hash }
        )
        .unwrap(),
        2
    );
}

fn deploy_evm_big(n: &mut Sandbox, runtime: &[u8]) -> Address {
    n.set_code(Address::repeat_byte(0xC0), Bytes::copy_from_slice(runtime));
    Address::repeat_byte(0xC0)
}

/// Deploys `code` verbatim (init code returning it).
fn deploy_raw(n: &mut Sandbox, code: &[u8]) -> Address {
    let init = stylus_validate::deploy_init_code(code);
    let out = n.deploy(ALICE, init.into(), U256::ZERO).unwrap();
    assert!(out.success, "{out:?}");
    out.created.unwrap()
}

#[test]
fn root_programs_with_fragments_need_arbos_60() {
    let wasm = wat::parse_str(module(
        "",
        r#"(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (local.get $len)) i32.const 0"#,
    ))
    .unwrap();
    let compressed = stylus_validate::compress(&wasm);
    let (a, b) = compressed.split_at(compressed.len() / 2);
    for arbos in [51u64, 60, 61] {
        let mut n = node_with(VmConfig::arbos(arbos));
        let frags: Vec<Address> = [a, b]
            .iter()
            .map(|chunk| {
                let mut code = vec![0xEF, 0xF0, 0x01];
                code.extend_from_slice(chunk);
                deploy_raw(&mut n, &code)
            })
            .collect();
        let root = deploy_raw(&mut n, &arbos::root_code(wasm.len() as u32, &frags));
        // fragments can never be activated
        let out = activate_tx(&mut n, frags[0], eth(1));
        assert!(!out.success);
        let out = activate_tx(&mut n, root, eth(1));
        if arbos < 60 {
            // "specified bytecode is not a Stylus program": a plain error, so
            // the revert keeps the gas left (Nitro, ArbOS >= 11)
            assert!(
                !out.success && out.output.is_empty() && out.gas_used < DEFAULT_TX_GAS,
                "roots are not programs before ArbOS 60: {out:?}"
            );
            continue;
        }
        assert!(out.success, "{out:?}");
        let out = call(&mut n, root, b"fragmented");
        assert!(out.success, "{out:?}");
        assert_eq!(&out.output[..], b"fragmented");
        // a root naming more fragments than MaxFragmentCount (2 at 60, 4 at 61)
        // is rejected, keeping the gas left
        let max = n.runtime().config.stylus.max_fragment_count as usize;
        assert_eq!(max, if arbos == 60 { 2 } else { 4 });
        let too_many: Vec<Address> = (0..=max).map(|i| frags[i % 2]).collect();
        let bad = deploy_raw(&mut n, &arbos::root_code(wasm.len() as u32, &too_many));
        let out = activate_tx(&mut n, bad, eth(1));
        assert!(!out.success && out.gas_used < DEFAULT_TX_GAS, "{out:?}");
        // a wrong declared length is rejected
        let bad = deploy_raw(&mut n, &arbos::root_code(wasm.len() as u32 + 1, &frags));
        assert!(!activate_tx(&mut n, bad, eth(1)).success);
    }
}
