//! Where a transaction's gas goes inside its Stylus frames, from a traced
//! execution ([`stylus_vm::Sandbox::execute_traced`]): for each frame, the
//! entry charge (what is taken before the first instruction: `cachedGas`,
//! `initGas` when uncached, the memory model), each hostio's own cost
//! (storage, calls without their callee, logs, the rest), and what is left,
//! the WASM instructions themselves (ink).
//!
//! A hostio's cost is the ink it took (`start_ink - end_ink`) at the
//! frame's ink price; a call's also holds its callee's whole gas, which is
//! subtracted and shown as the callee's own frame. The entry charge is the
//! gas the frame was given minus the ink it started with. The pure
//! accounting ([`frames`]) is tested on hand-built traces.

use std::collections::BTreeMap;

use alloy::primitives::Address;
use stylus_vm::TraceEvent;

/// What a hostio's cost is counted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `storage_load_bytes32` (SLOAD).
    StorageRead,
    /// `storage_cache_bytes32` and `storage_flush_cache` (SSTORE).
    StorageWrite,
    /// `call_contract`, `static_call_contract`, `delegate_call_contract`,
    /// `create1`/`create2`, without the callee's gas.
    Call,
    /// `emit_log`.
    Log,
    /// Every other hostio (arguments, return data, context, keccak, …).
    Other,
}

impl Kind {
    /// The kind of the hostio named `name`.
    #[must_use]
    pub fn of(name: &str) -> Self {
        match name {
            "storage_load_bytes32" => Self::StorageRead,
            "storage_cache_bytes32" | "storage_flush_cache" | "storage_store_bytes32" => {
                Self::StorageWrite
            }
            "call_contract"
            | "static_call_contract"
            | "delegate_call_contract"
            | "create1"
            | "create2" => Self::Call,
            "emit_log" => Self::Log,
            _ => Self::Other,
        }
    }

    /// Column label.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::StorageRead => "storage reads",
            Self::StorageWrite => "storage writes",
            Self::Call => "calls (callee apart)",
            Self::Log => "logs",
            Self::Other => "other hostios",
        }
    }

    /// Every kind, in column order.
    pub const ALL: [Self; 5] = [
        Self::StorageRead,
        Self::StorageWrite,
        Self::Call,
        Self::Log,
        Self::Other,
    ];
}

/// One Stylus frame's gas, split.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameCost {
    /// Call depth (0: the transaction's own frame).
    pub depth: usize,
    /// The program's address.
    pub program: Address,
    /// The frame's whole gas, callees included.
    pub gas_used: u64,
    /// Taken before the first instruction.
    pub entry: u64,
    /// Hostio costs by kind (gas), calls without their callees.
    pub hostios: BTreeMap<Kind, u64>,
    /// Hostios run, by kind.
    pub counts: BTreeMap<Kind, u64>,
    /// Gas of the frames it called (EVM or Stylus).
    pub callees: u64,
    /// What is left: the WASM instructions.
    pub compute: u64,
}

/// A frame being walked.
#[derive(Default)]
struct Open {
    cost: FrameCost,
    given: u64,
    stylus: bool,
    entry_ink: u64,
    /// Gas of the callee that exited last (its call hostio follows it).
    last_callee: u64,
    hostio_gas: u64,
}

/// The Stylus frames of a traced execution, in the order they return, with
/// `ink_price` ink per gas.
#[must_use]
pub fn frames(events: &[TraceEvent], ink_price: u64) -> Vec<FrameCost> {
    let price = ink_price.max(1);
    let mut stack: Vec<Open> = Vec::new();
    let mut done = Vec::new();
    for e in events {
        match e {
            TraceEvent::Enter(f) => stack.push(Open {
                cost: FrameCost {
                    depth: f.depth,
                    program: f.to,
                    ..FrameCost::default()
                },
                given: f.gas,
                ..Open::default()
            }),
            TraceEvent::Hostio(h) => {
                let Some(top) = stack.last_mut() else {
                    continue;
                };
                if h.name == "user_entrypoint" {
                    top.stylus = true;
                    top.entry_ink = h.start_ink;
                    continue;
                }
                if h.name == "user_returned" {
                    continue;
                }
                let mut gas = h.start_ink.saturating_sub(h.end_ink) / price;
                let kind = Kind::of(h.name);
                if kind == Kind::Call {
                    gas = gas.saturating_sub(std::mem::take(&mut top.last_callee));
                }
                top.hostio_gas += gas;
                *top.cost.hostios.entry(kind).or_default() += gas;
                *top.cost.counts.entry(kind).or_default() += 1;
            }
            TraceEvent::Exit(x) => {
                let Some(mut f) = stack.pop() else { continue };
                f.cost.gas_used = x.gas_used;
                if let Some(parent) = stack.last_mut() {
                    parent.cost.callees += x.gas_used;
                    parent.last_callee = x.gas_used;
                }
                if f.stylus {
                    f.cost.entry = f.given.saturating_sub(f.entry_ink / price);
                    f.cost.compute = x
                        .gas_used
                        .saturating_sub(f.cost.entry + f.hostio_gas + f.cost.callees);
                    done.push(f.cost);
                }
            }
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{Bytes, U256};
    use stylus_vm::revm::interpreter::InstructionResult;
    use stylus_vm::{FrameEnter, FrameExit, FrameKind, HostioRecord};

    const PRICE: u64 = 10_000;

    fn enter(depth: usize, to: u8, gas: u64) -> TraceEvent {
        TraceEvent::Enter(FrameEnter {
            depth,
            kind: FrameKind::Call,
            from: Address::ZERO,
            to: Address::repeat_byte(to),
            input: Bytes::new(),
            gas,
            value: U256::ZERO,
        })
    }

    fn exit(depth: usize, gas_used: u64) -> TraceEvent {
        TraceEvent::Exit(FrameExit {
            depth,
            output: Bytes::new(),
            gas_used,
            result: InstructionResult::Return,
        })
    }

    fn hostio(name: &'static str, start_gas: u64, end_gas: u64) -> TraceEvent {
        TraceEvent::Hostio(HostioRecord {
            name,
            args: Vec::new(),
            outs: Vec::new(),
            start_ink: start_gas * PRICE,
            end_ink: end_gas * PRICE,
        })
    }

    #[test]
    fn a_frame_with_a_call_splits_into_entry_hostios_callee_and_compute() {
        // Given 100,000 gas; 1,000 taken on entry (99,000 left as ink).
        // Reads 2,100; the call spends 700 of its own plus its callee's
        // 30,000; logs 1,500; 400 gas of instructions in between.
        let events = [
            enter(0, 1, 100_000),
            hostio("user_entrypoint", 99_000, 99_000),
            hostio("storage_load_bytes32", 98_900, 96_800),
            enter(1, 2, 60_000),
            exit(1, 30_000),
            hostio("call_contract", 96_700, 66_000),
            hostio("emit_log", 65_900, 64_400),
            hostio("user_returned", 99_000, 99_000),
            exit(0, 100_000 - 64_300),
        ];
        let f = frames(&events, PRICE);
        assert_eq!(f.len(), 1, "the EVM callee is not a Stylus frame");
        let f = &f[0];
        assert_eq!(f.entry, 1_000);
        assert_eq!(f.hostios[&Kind::StorageRead], 2_100);
        assert_eq!(f.hostios[&Kind::Call], 700);
        assert_eq!(f.hostios[&Kind::Log], 1_500);
        assert_eq!(f.callees, 30_000);
        assert_eq!(f.gas_used, 35_700);
        // 100 + 100 + 100 + 100 of instructions between the hostios.
        assert_eq!(f.compute, 400);
        let parts: u64 = f.entry + f.hostios.values().sum::<u64>() + f.callees + f.compute;
        assert_eq!(parts, f.gas_used);
    }

    #[test]
    fn nested_stylus_frames_are_reported_callee_first() {
        let events = [
            enter(0, 1, 50_000),
            hostio("user_entrypoint", 49_000, 49_000),
            enter(1, 2, 40_000),
            hostio("user_entrypoint", 39_500, 39_500),
            hostio("storage_cache_bytes32", 39_500, 39_400),
            hostio("storage_flush_cache", 39_400, 17_300),
            exit(1, 22_800),
            hostio("call_contract", 49_000, 26_000),
            exit(0, 24_000),
        ];
        let f = frames(&events, PRICE);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].depth, f[1].depth), (1, 0));
        assert_eq!(f[0].entry, 500);
        assert_eq!(f[0].hostios[&Kind::StorageWrite], 22_200);
        assert_eq!(f[0].compute, 100);
        assert_eq!(f[1].hostios[&Kind::Call], 200);
        assert_eq!(f[1].callees, 22_800);
        assert_eq!(f[1].compute, 24_000 - 1_000 - 200 - 22_800);
    }
}
