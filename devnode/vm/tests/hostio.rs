//! Per-hostio WAT programs: exact ink charges and semantics.
//!
//! Each ink test brackets one hostio call between two `evm_ink_left` calls
//! and subtracts the metered blocks around it (computed from Nitro's opcode
//! table), so the remainder must be exactly the hostio's charge.
mod common;
use common::*;
use stylus_vm::pricing::{keccak_price, pow_price, read_price, write_price};
use stylus_vm::primitives::{Address, Bytes, U256};
use stylus_vm::Sandbox;

const HEADER: u64 = 2450;
const CALL: u64 = 3800;
const INK_HOSTIO: u64 = 8400;
const PRICE: u64 = 10_000;

/// Program measuring `call $h` with `args` pushed. Calldata is copied to 1024.
fn ink_program(import: &str, args: &str, has_result: bool, data: &str) -> String {
    ink_program_after(
        import,
        "(call $read_args (i32.const 1024))",
        args,
        has_result,
        data,
    )
}

/// Program running `setup` unmeasured, then measuring `call $h` with `args`
/// pushed; `imports` declares `$h` and whatever `setup` calls.
fn ink_program_after(
    imports: &str,
    setup: &str,
    args: &str,
    has_result: bool,
    data: &str,
) -> String {
    let drop = if has_result { "drop" } else { "" };
    format!(
        r#"(module {IMPORTS}
  (import "vm_hooks" "evm_ink_left" (func $ink (result i64)))
  {imports}
  (memory (export "memory") 1 1)
  {data}
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $a i64)
    {setup}
    call $ink
    local.set $a
    {args}
    call $h
    {drop}
    i32.const 512
    local.get $a
    call $ink
    i64.sub
    i64.store
    (call $write_result (i32.const 512) (i32.const 8))
    i32.const 0))"#
    )
}

/// Ink of the blocks around the measured hostio plus the second `evm_ink_left`.
fn overhead(args: &str, has_result: bool) -> u64 {
    let consts = (args.matches("i32.const").count() + args.matches("i64.const").count()) as u64;
    let block2 = HEADER + 210 + consts + CALL;
    let block3 = HEADER + if has_result { 9 } else { 0 } + 1 + 75 + CALL;
    block2 + block3 + INK_HOSTIO
}

fn measure_with(
    n: &mut Sandbox,
    import: &str,
    args: &str,
    has_result: bool,
    data: &str,
    calldata: &[u8],
) -> u64 {
    let p = program(n, &ink_program(import, args, has_result, data));
    ink_of(n, p, calldata, args, has_result)
}

/// Sends `calldata` to the measuring program `p` (whose measured call
/// pushes `args`): the ink of the measured hostio.
fn ink_of(n: &mut Sandbox, p: Address, calldata: &[u8], args: &str, has_result: bool) -> u64 {
    let out = send(n, p, calldata);
    assert!(out.success, "{out:?}");
    let delta = u64::from_le_bytes(out.output[..8].try_into().unwrap());
    delta - overhead(args, has_result)
}

fn measure(import: &str, args: &str, has_result: bool) -> u64 {
    measure_with(&mut node(), import, args, has_result, "", &[])
}

#[test]
fn read_args_and_write_result() {
    let mut n = node();
    let ink = measure_with(
        &mut n,
        r#"(import "vm_hooks" "read_args" (func $h (param i32)))"#,
        "i32.const 2048",
        false,
        "",
        &[7u8; 100],
    );
    assert_eq!(ink, 8400 + write_price(100));
    let ink = measure(
        r#"(import "vm_hooks" "write_result" (func $h (param i32 i32)))"#,
        "i32.const 0 i32.const 64",
        false,
    );
    assert_eq!(ink, 8400 + 2 * read_price(64));
}

#[test]
fn simple_getters() {
    for (name, ty, args, res, ink) in [
        ("block_basefee", "(param i32)", "i32.const 0", false, 13_440),
        (
            "block_coinbase",
            "(param i32)",
            "i32.const 0",
            false,
            13_440,
        ),
        (
            "contract_address",
            "(param i32)",
            "i32.const 0",
            false,
            13_440,
        ),
        ("msg_sender", "(param i32)", "i32.const 0", false, 13_440),
        ("msg_value", "(param i32)", "i32.const 0", false, 13_440),
        ("tx_origin", "(param i32)", "i32.const 0", false, 13_440),
        ("tx_gas_price", "(param i32)", "i32.const 0", false, 13_440),
        ("block_gas_limit", "(result i64)", "", true, 8400),
        ("block_number", "(result i64)", "", true, 8400),
        ("block_timestamp", "(result i64)", "", true, 8400),
        ("chainid", "(result i64)", "", true, 8400),
        ("evm_gas_left", "(result i64)", "", true, 8400),
        ("tx_ink_price", "(result i32)", "", true, 8400),
        ("msg_reentrant", "(result i32)", "", true, 8400),
        ("return_data_size", "(result i32)", "", true, 8400),
    ] {
        let import = format!(r#"(import "vm_hooks" "{name}" (func $h {ty}))"#);
        assert_eq!(measure(&import, args, res), ink, "{name}");
    }
}

#[test]
fn math_hostios() {
    let data = r#"(data (i32.const 0) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\07")
                  (data (i32.const 32) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\03")"#;
    for (name, ty, args, ink) in [
        (
            "math_div",
            "(param i32 i32)",
            "i32.const 0 i32.const 32",
            43_520,
        ),
        (
            "math_mod",
            "(param i32 i32)",
            "i32.const 0 i32.const 32",
            43_520,
        ),
        (
            "math_add_mod",
            "(param i32 i32 i32)",
            "i32.const 0 i32.const 32 i32.const 32",
            49_560,
        ),
        (
            "math_mul_mod",
            "(param i32 i32 i32)",
            "i32.const 0 i32.const 32 i32.const 32",
            52_660,
        ),
    ] {
        let import = format!(r#"(import "vm_hooks" "{name}" (func $h {ty}))"#);
        assert_eq!(
            measure_with(&mut node(), &import, args, false, data, &[]),
            ink,
            "{name}"
        );
    }
    // math_pow: 23520 + 3000 + 17500·(33 − leading zero bytes of the exponent)
    let mut e = [0u8; 32];
    e[30] = 1;
    e[31] = 3;
    let ink = measure_with(
        &mut node(),
        r#"(import "vm_hooks" "math_pow" (func $h (param i32 i32)))"#,
        "i32.const 0 i32.const 32",
        false,
        data,
        &[],
    );
    assert_eq!(ink, 23_520 + pow_price(&e));
    assert_eq!(ink, 23_520 + 3000 + 17_500 * 3);
}

#[test]
fn math_results() {
    let body = r#"
        (call $read_args (i32.const 0))
        (call $div (i32.const 0) (i32.const 32))
        (call $pow (i32.const 64) (i32.const 96))
        (call $mulmod (i32.const 128) (i32.const 160) (i32.const 192))
        (call $div (i32.const 224) (i32.const 256))
        (call $write_result (i32.const 0) (i32.const 256))
        i32.const 0"#;
    let imports = r#"(import "vm_hooks" "math_div" (func $div (param i32 i32)))
        (import "vm_hooks" "math_pow" (func $pow (param i32 i32)))
        (import "vm_hooks" "math_mul_mod" (func $mulmod (param i32 i32 i32)))"#;
    let mut n = node();
    let p = program(&mut n, &module(imports, body));
    let w = |v: u64| U256::from(v).to_be_bytes::<32>();
    let mut input = Vec::new();
    for v in [100u64, 7, 3, 5, 10, 10, 7, 9, 0] {
        input.extend_from_slice(&w(v));
    }
    let out = call(&mut n, p, &input);
    assert!(out.success, "{out:?}");
    assert_eq!(out.output[0..32], w(14)); // 100 / 7
    assert_eq!(out.output[64..96], w(243)); // 3^5
    assert_eq!(out.output[128..160], w(2)); // 10·10 mod 7
    assert_eq!(out.output[224..256], w(0)); // 9 / 0 = 0
}

#[test]
fn keccak() {
    let ink = measure(
        r#"(import "vm_hooks" "native_keccak256" (func $h (param i32 i32 i32)))"#,
        "i32.const 0 i32.const 100 i32.const 200",
        false,
    );
    assert_eq!(ink, keccak_price(100));
    assert_eq!(ink, 121_800 + 2 * 21_000);
    let body = r#"(call $read_args (i32.const 0))
        (call $k (i32.const 0) (local.get $len) (i32.const 512))
        (call $write_result (i32.const 512) (i32.const 32)) i32.const 0"#;
    let mut n = node();
    let p = program(
        &mut n,
        &module(
            r#"(import "vm_hooks" "native_keccak256" (func $k (param i32 i32 i32)))"#,
            body,
        ),
    );
    let out = call(&mut n, p, b"stylus");
    assert_eq!(
        &out.output[..],
        stylus_vm::primitives::keccak256(b"stylus").as_slice()
    );
}

#[test]
fn storage_load_tiers_and_costs() {
    // cold miss: 18480 ink + (2100 cold + 5 api + 0 tier) gas
    let import = r#"(import "vm_hooks" "storage_load_bytes32" (func $h (param i32 i32)))"#;
    assert_eq!(
        measure(import, "i32.const 0 i32.const 32", false),
        18_480 + 2105 * PRICE
    );
    // a hit after a miss costs only the read tier (0 for the first 32 reads)
    let args = "i32.const 0 i32.const 32";
    let two = ink_program_after(
        import,
        "(call $h (i32.const 0) (i32.const 32))",
        args,
        false,
        "",
    );
    let mut n = node();
    let p = program(&mut n, &two);
    assert_eq!(ink_of(&mut n, p, &[], args, false), 18_480);
}

#[test]
fn storage_cache_flush_and_persist() {
    // cache write: 18480 ink + tier 0
    let import = r#"(import "vm_hooks" "storage_cache_bytes32" (func $h (param i32 i32)))"#;
    assert_eq!(measure(import, "i32.const 0 i32.const 32", false), 18_480);
    // flush of one new non-zero slot (cold): 68073 ink + SSTORE gas 22100
    let flush = ink_program_after(
        r#"(import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
      (import "vm_hooks" "storage_flush_cache" (func $h (param i32)))"#,
        "(call $cache (i32.const 0) (i32.const 32))",
        "i32.const 1",
        false,
        r#"(data (i32.const 32) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\2a")"#,
    );
    let mut n = node();
    let p = program(&mut n, &flush);
    assert_eq!(
        ink_of(&mut n, p, &[], "i32.const 1", false),
        68_073 + 22_100 * PRICE
    );
    assert_eq!(n.storage(p, U256::ZERO), U256::from(42));
    // the same store again: the slot is known-unknown (never loaded) so it is
    // dirty and flushed again: no-op SSTORE 100 + cold 2100
    assert_eq!(
        ink_of(&mut n, p, &[], "i32.const 1", false),
        68_073 + 2200 * PRICE
    );
}

#[test]
fn flush_with_nothing_dirty_costs_only_ink() {
    let import = r#"(import "vm_hooks" "storage_flush_cache" (func $h (param i32)))"#;
    assert_eq!(measure(import, "i32.const 0", false), 68_073);
}

#[test]
fn transient_storage() {
    let ink = measure(
        r#"(import "vm_hooks" "transient_store_bytes32" (func $h (param i32 i32)))"#,
        "i32.const 0 i32.const 32",
        false,
    );
    assert_eq!(ink, 78_153 + 100 * PRICE);
    let ink = measure(
        r#"(import "vm_hooks" "transient_load_bytes32" (func $h (param i32 i32)))"#,
        "i32.const 0 i32.const 32",
        false,
    );
    assert_eq!(ink, 78_153 + 100 * PRICE);
    // store then load within a tx sees the value
    let body = r#"(call $read_args (i32.const 0))
        (if (i32.eq (local.get $len) (i32.const 64)) (then (call $ts (i32.const 0) (i32.const 32))))
        (call $tl (i32.const 0) (i32.const 64))
        (call $write_result (i32.const 64) (i32.const 32)) i32.const 0"#;
    let imports = r#"(import "vm_hooks" "transient_store_bytes32" (func $ts (param i32 i32)))
        (import "vm_hooks" "transient_load_bytes32" (func $tl (param i32 i32)))"#;
    let mut n = node();
    let p = program(&mut n, &module(imports, body));
    let mut input = [0u8; 64];
    input[63] = 9;
    let out = send(&mut n, p, &input);
    assert_eq!(out.output[31], 9);
    // transient storage does not persist
    let out = send(&mut n, p, &[0u8; 32]);
    assert_eq!(
        out.output[31], 0,
        "the previous tx's transient value is gone"
    );
}

#[test]
fn emit_log_costs_and_logs() {
    let ink = measure(
        r#"(import "vm_hooks" "emit_log" (func $h (param i32 i32 i32)))"#,
        "i32.const 0 i32.const 74 i32.const 2",
        false,
    );
    assert_eq!(ink, 68_073 + read_price(74) + (3 * 375 + 8 * 10) * PRICE);
    let body = r#"(call $read_args (i32.const 0))
        (call $log (i32.const 0) (local.get $len) (i32.const 1)) i32.const 0"#;
    let mut n = node();
    let p = program(
        &mut n,
        &module(
            r#"(import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))"#,
            body,
        ),
    );
    let mut input = vec![0x11u8; 32];
    input.extend_from_slice(b"data");
    let out = send(&mut n, p, &input);
    assert_eq!(out.logs.len(), 1);
    assert_eq!(out.logs[0].address, p);
    assert_eq!(out.logs[0].topics()[0].0, [0x11; 32]);
    assert_eq!(&out.logs[0].data.data[..], b"data");
    // more than 4 topics, or fewer bytes than topics need: the program fails
    let bad = module(
        r#"(import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))"#,
        "(call $log (i32.const 0) (i32.const 10) (i32.const 1)) i32.const 0",
    );
    let p = program(&mut n, &bad);
    let out = send(&mut n, p, &[]);
    assert!(!out.success);
    assert!(out.output.is_empty());
}

#[test]
fn account_queries() {
    let target = Address::repeat_byte(0x77);
    let data = format!(
        r#"(data (i32.const 0) "{}")"#,
        target
            .0
            .iter()
            .map(|b| format!("\\{b:02x}"))
            .collect::<String>()
    );
    let with_target = |n: &mut Sandbox| {
        n.fund(target, U256::from(5));
        n.set_code(target, Bytes::from_static(&[0x60, 0x00, 0x60, 0x00, 0xf3]));
    };
    for (import, args, has_result, ink) in [
        (
            r#"(import "vm_hooks" "account_balance" (func $h (param i32 i32)))"#,
            "i32.const 0 i32.const 64",
            false,
            78_153 + 2600 * PRICE,
        ),
        (
            r#"(import "vm_hooks" "account_codehash" (func $h (param i32 i32)))"#,
            "i32.const 0 i32.const 64",
            false,
            78_153 + 2600 * PRICE,
        ),
        (
            r#"(import "vm_hooks" "account_code_size" (func $h (param i32) (result i32)))"#,
            "i32.const 0",
            true,
            68_073 + (2600 + 700) * PRICE,
        ),
        (
            r#"(import "vm_hooks" "account_code" (func $h (param i32 i32 i32 i32) (result i32)))"#,
            "i32.const 0 i32.const 1 i32.const 100 i32.const 64",
            true,
            68_073 + (2600 + 700) * PRICE + write_price(5),
        ),
    ] {
        let mut n = node();
        with_target(&mut n);
        let got = measure_with(&mut n, import, args, has_result, &data, &[]);
        assert_eq!(got, ink, "{import}");
    }
    // semantics
    let body = r#"(call $read_args (i32.const 0))
        (call $bal (i32.const 0) (i32.const 32))
        (call $hash (i32.const 0) (i32.const 64))
        (i32.store (i32.const 96) (call $size (i32.const 0)))
        (i32.store (i32.const 100) (call $code (i32.const 0) (i32.const 1) (i32.const 100) (i32.const 104)))
        (call $write_result (i32.const 32) (i32.const 76)) i32.const 0"#;
    let imports = r#"(import "vm_hooks" "account_balance" (func $bal (param i32 i32)))
        (import "vm_hooks" "account_codehash" (func $hash (param i32 i32)))
        (import "vm_hooks" "account_code_size" (func $size (param i32) (result i32)))
        (import "vm_hooks" "account_code" (func $code (param i32 i32 i32 i32) (result i32)))"#;
    let mut n = node();
    with_target(&mut n);
    let p = program(&mut n, &module(imports, body));
    let out = call(&mut n, p, target.as_slice());
    assert!(out.success, "{out:?}");
    assert_eq!(U256::from_be_slice(&out.output[0..32]), U256::from(5));
    assert_eq!(
        &out.output[32..64],
        stylus_vm::primitives::keccak256([0x60, 0x00, 0x60, 0x00, 0xf3]).as_slice()
    );
    assert_eq!(
        u32::from_le_bytes(out.output[64..68].try_into().unwrap()),
        5
    );
    assert_eq!(
        u32::from_le_bytes(out.output[68..72].try_into().unwrap()),
        4
    );
    assert_eq!(&out.output[72..76], &[0x00, 0x60, 0x00, 0xf3]);
}

#[test]
fn context_values() {
    let body = r#"
        (call $sender (i32.const 0))
        (call $origin (i32.const 20))
        (call $addr (i32.const 40))
        (call $value (i32.const 60))
        (i64.store (i32.const 92) (call $chainid))
        (i64.store (i32.const 100) (call $ts))
        (i64.store (i32.const 108) (call $num))
        (i32.store (i32.const 116) (call $inkprice))
        (i32.store (i32.const 120) (call $reentrant))
        (call $write_result (i32.const 0) (i32.const 124)) i32.const 0"#;
    let imports = r#"(import "vm_hooks" "msg_sender" (func $sender (param i32)))
        (import "vm_hooks" "tx_origin" (func $origin (param i32)))
        (import "vm_hooks" "contract_address" (func $addr (param i32)))
        (import "vm_hooks" "msg_value" (func $value (param i32)))
        (import "vm_hooks" "chainid" (func $chainid (result i64)))
        (import "vm_hooks" "block_timestamp" (func $ts (result i64)))
        (import "vm_hooks" "block_number" (func $num (result i64)))
        (import "vm_hooks" "tx_ink_price" (func $inkprice (result i32)))
        (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))"#;
    let mut n = node();
    let p = program(&mut n, &module(imports, body));
    n.warp(1000);
    let out = n.transact(BOB, p, Bytes::new(), U256::from(77)).unwrap();
    assert!(out.success, "{out:?}");
    let o = &out.output;
    assert_eq!(&o[0..20], BOB.as_slice());
    assert_eq!(&o[20..40], BOB.as_slice());
    assert_eq!(&o[40..60], p.as_slice());
    assert_eq!(U256::from_be_slice(&o[60..92]), U256::from(77));
    assert_eq!(u64::from_le_bytes(o[92..100].try_into().unwrap()), 412_346);
    assert_eq!(
        u64::from_le_bytes(o[100..108].try_into().unwrap()),
        n.timestamp()
    );
    assert_eq!(
        u64::from_le_bytes(o[108..116].try_into().unwrap()),
        n.block_number() - 1
    );
    assert_eq!(u32::from_le_bytes(o[116..120].try_into().unwrap()), 10_000);
    assert_eq!(u32::from_le_bytes(o[120..124].try_into().unwrap()), 0);
    assert_eq!(n.balance(p), U256::from(77));
}

#[test]
fn exit_early_and_revert_status() {
    let imports = r#"(import "vm_hooks" "exit_early" (func $exit (param i32)))"#;
    // write_result then exit_early(0): success with the data
    let ok = module(
        imports,
        r#"(call $read_args (i32.const 0))
        (call $write_result (i32.const 0) (local.get $len))
        (call $exit (i32.const 0)) unreachable"#,
    );
    let mut n = node();
    let p = program(&mut n, &ok);
    let out = call(&mut n, p, b"done");
    assert!(out.success);
    assert_eq!(&out.output[..], b"done");
    // exit_early(1): revert with the data, gas left kept
    let rv = module(
        imports,
        r#"(call $read_args (i32.const 0))
        (call $write_result (i32.const 0) (local.get $len))
        (call $exit (i32.const 1)) unreachable"#,
    );
    let p = program(&mut n, &rv);
    let out = send(&mut n, p, b"nope");
    assert!(!out.success);
    assert_eq!(&out.output[..], b"nope");
    assert!(out.gas_used < 100_000, "{}", out.gas_used);
    // returning non-zero from the entry point also reverts with the data
    let p = program(
        &mut n,
        &module(
            "",
            r#"(call $read_args (i32.const 0))
        (call $write_result (i32.const 0) (local.get $len)) i32.const 1"#,
        ),
    );
    let out = send(&mut n, p, b"why");
    assert!(!out.success && out.halt.is_none());
    assert_eq!(&out.output[..], b"why");
    // a trap: failure with no data, gas left kept
    let p = program(
        &mut n,
        &module(
            "",
            r#"(call $write_result (i32.const 0) (i32.const 4)) unreachable"#,
        ),
    );
    let out = send(&mut n, p, b"");
    assert!(!out.success && out.output.is_empty() && out.halt.is_none());
    assert!(out.gas_used < 100_000);
    // an out-of-bounds pointer: failure
    let p = program(
        &mut n,
        &module(
            "",
            r#"(call $write_result (i32.const 65530) (i32.const 100)) i32.const 0"#,
        ),
    );
    let out = send(&mut n, p, b"");
    assert!(!out.success && out.output.is_empty());
}

#[test]
fn pay_for_memory_grow_zero_costs_hostio_ink() {
    assert_eq!(
        measure(
            r#"(import "vm_hooks" "pay_for_memory_grow" (func $h (param i32)))"#,
            "i32.const 0",
            false
        ),
        8400
    );
}

#[test]
fn console_logging_on_debug_chains_only() {
    let imports = r#"(import "console" "log_txt" (func $txt (param i32 i32)))
        (import "console" "log_i32" (func $i32 (param i32)))
        (import "console" "tee_i64" (func $tee (param i64) (result i64)))"#;
    let body = r#"(call $read_args (i32.const 0))
        (call $txt (i32.const 0) (local.get $len))
        (call $i32 (i32.const -7))
        (drop (call $tee (i64.const 42)))
        i32.const 0"#;
    let wat = module(imports, body);
    let mut n = node();
    let p = program(&mut n, &wat);
    let out = send(&mut n, p, b"hello");
    assert!(out.success, "{out:?}");
    assert_eq!(
        out.console,
        vec!["hello".to_string(), "-7".into(), "42".into()]
    );
    // a non-debug chain refuses the console imports at activation
    let mut n = node_with(stylus_vm::VmConfig {
        debug: false,
        ..stylus_vm::VmConfig::default()
    });
    let wasm = wat::parse_str(&wat).unwrap();
    assert!(n.deploy_and_activate(ALICE, &wasm).is_err());
}
