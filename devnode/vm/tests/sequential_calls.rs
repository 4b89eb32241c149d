//! Native stack use of one transaction: long stretches of WASM between two suspensions
//! and many sequential external calls must not grow the host thread's stack.
//!
//! wasmi 2 dispatches instructions by tail calls from handler to handler. When LLVM does
//! not turn them into jumps (wasmi built with debug assertions, as the dev profile did),
//! every executed instruction leaves a ~32-byte native frame until the executor returns
//! (at the program's end or when it suspends on an EVM request): a debug build needed
//! ~0.92 KiB of stack per iteration of the loop below, so `recordProvenanceBatch` with
//! 100 records overflowed the devnode's 64 MiB thread. The workspace profile builds wasmi
//! without debug assertions; this test fails (the process aborts on a stack overflow) if
//! that regresses.
mod common;
use common::*;
use stylus_vm::primitives::Address;

/// A thread stack far below what 100,000 loop iterations needed before (~92 MiB).
const SMALL_STACK: usize = 4 << 20;

/// Stylus program: calldata = target (20) ‖ spin (u32 LE) ‖ calls (u32 LE) ‖ payload.
/// Runs `spin` iterations of pure arithmetic without any hostio, then static-calls
/// `target` with `payload` `calls` times in a loop (reverting if one fails); returns
/// the accumulator ‖ the number of calls made.
fn spin_then_call_program() -> String {
    module(
        r#"(import "vm_hooks" "static_call_contract" (func $scall (param i32 i32 i32 i64 i32) (result i32)))"#,
        r#"(local $i i32) (local $n i32) (local $acc i32)
        (call $read_args (i32.const 0))
        (local.set $n (i32.load (i32.const 20)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $acc (i32.add (local.get $acc) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (local.set $n (i32.load (i32.const 24)))
        (local.set $i (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (if (call $scall (i32.const 0) (i32.const 28) (i32.sub (local.get $len) (i32.const 28)) (i64.const -1) (i32.const 8192))
              (then unreachable))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (i32.store (i32.const 16384) (local.get $acc))
        (i32.store (i32.const 16388) (local.get $i))
        (call $write_result (i32.const 16384) (i32.const 8))
        i32.const 0"#,
    )
}

#[test]
fn a_long_wasm_stretch_and_1000_sequential_calls_fit_a_small_stack() {
    let mut node = node();
    let p = program(&mut node, &spin_then_call_program());
    let (spin, calls) = (100_000u32, 1000u32);
    // ecrecover (0x01) with an all-zero input: succeeds with empty output.
    let mut data = Address::with_last_byte(1).to_vec();
    data.extend_from_slice(&spin.to_le_bytes());
    data.extend_from_slice(&calls.to_le_bytes());
    data.extend_from_slice(&[0u8; 128]);
    let out = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || send(&mut node, p, &data))
        .expect("spawning a small-stack thread")
        .join()
        .expect("the transaction's thread");
    assert!(out.success, "{out:?}");
    let acc = (0..spin).fold(0u32, u32::wrapping_add);
    assert_eq!(&out.output[..4], &acc.to_le_bytes(), "the loop ran");
    assert_eq!(
        &out.output[4..],
        &calls.to_le_bytes(),
        "every call was made"
    );
}
