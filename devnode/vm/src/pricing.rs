//! Nitro's Stylus price constants: hostio ink, dynamic ink, the opcode table,
//! the memory model and activation-time compile gas.
//!
//! Numbers are protocol facts from `stylus-runtime.md` §2–§4 (Nitro's
//! `arbutil/src/pricing.rs`, `prover/src/programs/meter.rs`, `arbos/programs/memory.go`).

use wasmparser::Operator;

/// Ink charged by every hostio (`HOSTIO_INK`).
pub const HOSTIO_INK: u64 = 8400;
/// Ink per pointer argument (`PTR_INK` = 13440 − 8400).
pub const PTR_INK: u64 = 5040;
/// Ink for a round trip to the EVM (`EVM_API_INK`).
pub const EVM_API_INK: u64 = 59673;
/// Ink for a 256-bit division (`DIV_INK`).
pub const DIV_INK: u64 = 20000;
/// Ink for a 256-bit mulmod (`MUL_MOD_INK`).
pub const MUL_MOD_INK: u64 = 24100;
/// Ink for a 256-bit addmod (`ADD_MOD_INK`).
pub const ADD_MOD_INK: u64 = 21000;

/// Base ink of each hostio, by name.
pub mod base {
    use super::{ADD_MOD_INK, DIV_INK, EVM_API_INK, HOSTIO_INK, MUL_MOD_INK, PTR_INK};
    /// `read_args`
    pub const READ_ARGS: u64 = HOSTIO_INK;
    /// `write_result`
    pub const WRITE_RESULT: u64 = HOSTIO_INK;
    /// `storage_load_bytes32`
    pub const STORAGE_LOAD: u64 = HOSTIO_INK + 2 * PTR_INK;
    /// `storage_cache_bytes32`
    pub const STORAGE_CACHE: u64 = HOSTIO_INK + 2 * PTR_INK;
    /// `storage_flush_cache`
    pub const STORAGE_FLUSH: u64 = HOSTIO_INK + EVM_API_INK;
    /// `transient_load_bytes32` / `transient_store_bytes32`
    pub const TRANSIENT: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    /// `call_contract`, `delegate_call_contract`, `static_call_contract`, `create1`
    pub const CALL: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
    /// `create2`
    pub const CREATE2: u64 = HOSTIO_INK + 4 * PTR_INK + EVM_API_INK;
    /// `read_return_data`
    pub const READ_RETURN_DATA: u64 = HOSTIO_INK + EVM_API_INK;
    /// `emit_log`
    pub const EMIT_LOG: u64 = HOSTIO_INK + EVM_API_INK;
    /// `account_balance` / `account_codehash`
    pub const ACCOUNT_2PTR: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    /// `account_code` / `account_code_size`
    pub const ACCOUNT_CODE: u64 = HOSTIO_INK + EVM_API_INK;
    /// Hostios writing one pointer (`msg_sender`, `block_coinbase`, …)
    pub const ONE_PTR: u64 = HOSTIO_INK + PTR_INK;
    /// `math_div` / `math_mod`
    pub const MATH_DIV: u64 = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
    /// `math_pow` (plus [`super::pow_price`])
    pub const MATH_POW: u64 = HOSTIO_INK + 3 * PTR_INK;
    /// `math_add_mod`
    pub const MATH_ADD_MOD: u64 = HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK;
    /// `math_mul_mod`
    pub const MATH_MUL_MOD: u64 = HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK;
}

/// Ink to write `bytes` into the guest.
#[must_use]
pub fn write_price(bytes: u32) -> u64 {
    5040u64.saturating_add(30u64.saturating_mul(u64::from(bytes.saturating_sub(32))))
}

/// Ink to read `bytes` from the guest.
#[must_use]
pub fn read_price(bytes: u32) -> u64 {
    16381u64.saturating_add(55u64.saturating_mul(u64::from(bytes.saturating_sub(32))))
}

/// Ink of `native_keccak256` over `bytes`.
#[must_use]
pub fn keccak_price(bytes: u32) -> u64 {
    let words = u64::from(bytes.div_ceil(32)).saturating_sub(2);
    121_800u64.saturating_add(21_000u64.saturating_mul(words))
}

/// Dynamic ink of `math_pow` for a big-endian exponent.
#[must_use]
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let zeros = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3000 + (33 - zeros) * 17_500
}

/// Ink charged by the meter in front of every basic block.
pub const INK_HEADER_COST: u64 = 2450;
/// Per-byte ink of `memory.copy` / `memory.fill`.
pub const MEMORY_BYTE_INK: u64 = 100;

/// Nitro's `pricing_v1`: the ink of one original opcode. `sig_params` gives
/// the parameter count of a type index (for `call_indirect`).
#[must_use]
pub fn opcode_ink(op: &Operator<'_>, sig_params: impl Fn(u32) -> u64) -> u64 {
    use Operator::*;
    match op {
        Unreachable | Return | Nop | I32Const { .. } | I64Const { .. } => 1,
        Drop => 9,
        Block { .. } | Loop { .. } | Else | End => 1,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select => 1250,
        Call { .. } => 3800,
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. }
        | I32Load8S { .. }
        | I32Load8U { .. }
        | I32Load16S { .. }
        | I32Load16U { .. } => 670,
        I64Load { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3000,
        MemoryGrow { .. } => 8050,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS
        | I64GeU => 225,
        I32Clz | I32Ctz => 210,
        I32Add | I32Sub => 70,
        I32Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1120,
        I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,
        I64Clz | I64Ctz => 210,
        I64Add | I64Sub => 100,
        I64Mul => 160,
        I64DivS | I64DivU | I64RemS | I64RemU => 1270,
        I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,
        I32Popcnt => 2650,
        I64Popcnt => 6000,
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U => 100,
        I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        MemoryCopy { .. } | MemoryFill { .. } => 950,
        BrTable { targets } => 2400 + 325 * u64::from(targets.len()),
        CallIndirect { type_index, .. } => 13_610 + 650 * sig_params(*type_index),
        // floats, SIMD, atomics, reference types, tables, …: unpayable
        _ => u64::MAX,
    }
}

/// Whether `op` ends a basic block for the ink meter.
#[must_use]
pub fn ends_basic_block(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        End | Else
            | Return
            | Loop { .. }
            | Br { .. }
            | BrTable { .. }
            | BrIf { .. }
            | If { .. }
            | Call { .. }
            | CallIndirect { .. }
    )
}

/// `memory.go`'s exponential page table (gas), indices 0..=128.
pub const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

/// The per-transaction memory model (`memory.go`): gas to open `new` more
/// pages when `open` are open now and at most `ever` were open in the tx.
#[must_use]
pub fn memory_gas(new: u16, open: u16, ever: u16, free_pages: u16, page_gas: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= free_pages {
        return 0;
    }
    let sub_free = |p: u16| p.saturating_sub(free_pages);
    let adding = sub_free(new_open).saturating_sub(sub_free(open));
    let linear = u64::from(adding).saturating_mul(u64::from(page_gas));
    let exp = |p: u16| {
        MEMORY_EXPONENTS
            .get(usize::from(p))
            .map_or(u64::MAX, |x| u64::from(*x))
    };
    linear.saturating_add(exp(new_ever).wrapping_sub(exp(ever)))
}

/// EVM memory-expansion cost of `size` bytes (`3·w + w²/512`).
#[must_use]
pub fn evm_memory_cost(size: u64) -> u64 {
    let words = size.div_ceil(32);
    words
        .saturating_mul(3)
        .saturating_add(words.saturating_mul(words) / 512)
}

/// Activation compile time (µs) to gas: `us · 2 · 7e6 / 5e5`.
#[must_use]
pub fn us_to_gas(us: u64) -> u64 {
    us.saturating_mul(2 * 7_000_000) / 500_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_prices() {
        assert_eq!(read_price(0), 16381);
        assert_eq!(read_price(33), 16381 + 55);
        assert_eq!(write_price(100), 5040 + 30 * 68);
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 121_800 + 21_000);
        let mut e = [0u8; 32];
        assert_eq!(pow_price(&e), 3000 + 17_500);
        e[31] = 1;
        assert_eq!(pow_price(&e), 3000 + 2 * 17_500);
        e[0] = 1;
        assert_eq!(pow_price(&e), 3000 + 33 * 17_500);
        assert_eq!(base::STORAGE_LOAD, 18_480);
        assert_eq!(base::STORAGE_FLUSH, 68_073);
        assert_eq!(base::TRANSIENT, 78_153);
        assert_eq!(base::CALL, 83_193);
        assert_eq!(base::CREATE2, 88_233);
        assert_eq!(base::MATH_DIV, 43_520);
        assert_eq!(base::MATH_POW, 23_520);
        assert_eq!(base::MATH_ADD_MOD, 49_560);
        assert_eq!(base::MATH_MUL_MOD, 52_660);
    }

    #[test]
    fn memory_model_matches_nitro() {
        // two free pages
        assert_eq!(memory_gas(2, 0, 0, 2, 1000), 0);
        assert_eq!(memory_gas(3, 0, 0, 2, 1000), 1000); // exp[3] - exp[0] = 0
        assert_eq!(memory_gas(7, 0, 0, 2, 1000), 5000 + 1);
        // 128 pages ≈ 32M gas (Nitro's test_heap expectation)
        let all = memory_gas(128, 0, 0, 2, 1000);
        assert_eq!(all, 126 * 1000 + 31_873_999 - 1);
        // past 128 pages: unpayable
        assert_eq!(memory_gas(129, 0, 0, 2, 1000), u64::MAX);
        // re-opening pages already paid for costs only the linear part
        assert_eq!(memory_gas(3, 0, 5, 2, 1000), 1000);
        assert_eq!(evm_memory_cost(32), 3);
        assert_eq!(evm_memory_cost(1024), 96 + 2);
        assert_eq!(us_to_gas(10), 280);
    }
}
