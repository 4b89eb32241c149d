//! EVM minimal proxies ("clones"): one for split wallets and
//! fractional-share vaults, which receive plain ETH cheaply, and a *strict*
//! one for contracts that must never hold ETH (collections and editions).
//!
//! A clone is a 51-byte EVM contract that
//!
//! * **STOPs when the calldata is empty**: plain ETH (`transfer`, `send`,
//!   `call{value: v}("")`) is accepted for 15 gas, never entering WASM, so it
//!   fits easily in the 2,300-gas stipend; and otherwise
//! * **DELEGATECALLs a fixed implementation** (embedded in the code, as in
//!   EIP-1167), forwarding the whole calldata, `msg.sender`, `msg.value` and
//!   all the gas left, then returns the implementation's return data, or
//!   reverts with its revert data. The proxy itself never rejects a call: a
//!   call with value *and* calldata is forwarded, and the implementation
//!   decides (a Stylus method that is not `#[payable]` reverts on value).
//!
//! It differs from EIP-1167 only by its 6-byte prefix (the empty-calldata
//! test); the rest is the EIP-1167 body with its jump target moved by 6.
//! Like EIP-1167 it uses `RETURNDATASIZE` as a 2-gas "push 0" before the
//! DELEGATECALL (it is 0 at the start of every call frame), so it needs no
//! `PUSH0` (Shanghai) and runs on any EVM version.
//!
//! ## Runtime code (51 bytes, `I` = the 20-byte implementation)
//!
//! ```text
//! 36 6005 57 00 5b 36 3d 3d 37 3d 3d 3d 36 3d 73<I> 5a f4 3d 82 80 3e 90 3d 91 6031 57 fd 5b f3
//! ```
//!
//! | pc   | bytes     | opcode             | stack after (top first)          | gas   |
//! |------|-----------|--------------------|----------------------------------|-------|
//! | 0x00 | `36`      | CALLDATASIZE       | `cds`                            | 2     |
//! | 0x01 | `60 05`   | PUSH1 0x05         | `0x05, cds`                      | 3     |
//! | 0x03 | `57`      | JUMPI              | (jumps to 0x05 iff `cds != 0`)   | 10    |
//! | 0x04 | `00`      | STOP               | — success, plain ETH kept        | 0     |
//! | 0x05 | `5b`      | JUMPDEST           |                                  | 1     |
//! | 0x06 | `36`      | CALLDATASIZE       | `cds`                            | 2     |
//! | 0x07 | `3d`      | RETURNDATASIZE     | `0, cds`                         | 2     |
//! | 0x08 | `3d`      | RETURNDATASIZE     | `0, 0, cds`                      | 2     |
//! | 0x09 | `37`      | CALLDATACOPY       | — (`mem[0..cds] = calldata`)     | 3+3w+m|
//! | 0x0a | `3d`      | RETURNDATASIZE     | `0`                              | 2     |
//! | 0x0b | `3d`      | RETURNDATASIZE     | `0, 0`                           | 2     |
//! | 0x0c | `3d`      | RETURNDATASIZE     | `0, 0, 0`                        | 2     |
//! | 0x0d | `36`      | CALLDATASIZE       | `cds, 0, 0, 0`                   | 2     |
//! | 0x0e | `3d`      | RETURNDATASIZE     | `0, cds, 0, 0, 0`                | 2     |
//! | 0x0f | `73 <I>`  | PUSH20 I           | `I, 0, cds, 0, 0, 0`             | 3     |
//! | 0x24 | `5a`      | GAS                | `g, I, 0, cds, 0, 0, 0`          | 2     |
//! | 0x25 | `f4`      | DELEGATECALL       | `ok, 0` (ret area 0/0: copy later)| 100/2600+…|
//! | 0x26 | `3d`      | RETURNDATASIZE     | `rds, ok, 0`                     | 2     |
//! | 0x27 | `82`      | DUP3               | `0, rds, ok, 0`                  | 3     |
//! | 0x28 | `80`      | DUP1               | `0, 0, rds, ok, 0`               | 3     |
//! | 0x29 | `3e`      | RETURNDATACOPY     | `ok, 0` (`mem[0..rds] = ret`)    | 3+3w+m|
//! | 0x2a | `90`      | SWAP1              | `0, ok`                          | 3     |
//! | 0x2b | `3d`      | RETURNDATASIZE     | `rds, 0, ok`                     | 2     |
//! | 0x2c | `91`      | SWAP2              | `ok, 0, rds`                     | 3     |
//! | 0x2d | `60 31`   | PUSH1 0x31         | `0x31, ok, 0, rds`               | 3     |
//! | 0x2f | `57`      | JUMPI              | `0, rds` (jumps iff `ok != 0`)   | 10    |
//! | 0x30 | `fd`      | REVERT             | revert `mem[0..rds]`             | 0     |
//! | 0x31 | `5b`      | JUMPDEST           | `0, rds`                         | 1     |
//! | 0x32 | `f3`      | RETURN             | return `mem[0..rds]`             | 0     |
//!
//! **Plain-ETH gas** (empty calldata): CALLDATASIZE 2 + PUSH1 3 + JUMPI 10 +
//! STOP 0 = **15 gas** of execution inside the proxy (no memory, no storage,
//! no log, no call). The value-transfer surcharge (9,000) and the cold
//! account access are paid by the *caller* and are what the 2,300 stipend is
//! carved out of, so 2,285 gas of the stipend stays unused. Measured on the
//! project's devnode VM: a plain ETH transaction from an EOA to a clone uses
//! 21,015 gas, and a contract paying a clone with a 2,300-gas stipend
//! succeeds (the same payment to the Stylus implementation itself fails).
//!
//! ## Creation code (9 + 51 bytes)
//!
//! ```text
//! 60 33 80 60 09 3d 39 3d f3 <runtime>
//! ```
//!
//! | pc   | bytes   | opcode          | stack after (top first)  |
//! |------|---------|-----------------|--------------------------|
//! | 0x00 | `60 33` | PUSH1 51        | `51`                     |
//! | 0x02 | `80`    | DUP1            | `51, 51`                 |
//! | 0x03 | `60 09` | PUSH1 9         | `9, 51, 51`              |
//! | 0x05 | `3d`    | RETURNDATASIZE  | `0, 9, 51, 51`           |
//! | 0x06 | `39`    | CODECOPY        | `51` (`mem[0..51] = code[9..60]`) |
//! | 0x07 | `3d`    | RETURNDATASIZE  | `0, 51`                  |
//! | 0x08 | `f3`    | RETURN          | deployed code = `mem[0..51]` |
//!
//! The creation code accepts value (no CALLVALUE check): an endowment sent
//! with CREATE2 simply becomes the clone's balance.
//!
//! ## Strict proxy (45 bytes): no receive path
//!
//! For contracts not meant to hold ETH (the ERC-721 collection and the
//! ERC-1155 editions) the 15-gas receive path above would strand any plain
//! ETH sent to them: nothing can move it out. [`strict_proxy_runtime_code`]
//! is exactly EIP-1167 (the runtime above without its 6-byte prefix, jump
//! target back at `0x2b`): *every* call, empty calldata included, is
//! delegated, so the implementation decides, and a Stylus contract without
//! `receive`/`fallback` and without `#[payable]` methods refuses any value.
//!
//! ```text
//! 36 3d 3d 37 3d 3d 3d 36 3d 73<I> 5a f4 3d 82 80 3e 90 3d 91 602b 57 fd 5b f3
//! ```

#![cfg_attr(not(test), no_std)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::keccak256;

/// Length of the proxy runtime code in bytes.
pub const PROXY_RUNTIME_LEN: usize = 51;
/// Length of the proxy creation code (prelude + runtime) in bytes.
pub const PROXY_INIT_LEN: usize = INIT_PRELUDE_LEN + PROXY_RUNTIME_LEN;
/// Offset of the 20-byte implementation address inside the runtime code.
pub const PROXY_IMPL_OFFSET: usize = 0x10;
/// Execution gas of the proxy for a call with empty calldata
/// (CALLDATASIZE + PUSH1 + JUMPI + STOP).
pub const PROXY_EMPTY_CALLDATA_GAS: u64 = 2 + 3 + 10;

const INIT_PRELUDE_LEN: usize = 9;

/// Runtime code before the implementation address (ends with `PUSH20`).
const RUNTIME_HEAD: [u8; PROXY_IMPL_OFFSET] = [
    0x36, // 0x00 CALLDATASIZE    [cds]
    0x60, 0x05, // 0x01 PUSH1 0x05 [0x05, cds]
    0x57, // 0x03 JUMPI           []  -> 0x05 if cds != 0
    0x00, // 0x04 STOP            plain ETH: done (15 gas so far)
    0x5b, // 0x05 JUMPDEST        []
    0x36, // 0x06 CALLDATASIZE    [cds]
    0x3d, // 0x07 RETURNDATASIZE  [0, cds]
    0x3d, // 0x08 RETURNDATASIZE  [0, 0, cds]
    0x37, // 0x09 CALLDATACOPY    []  mem[0..cds] = calldata[0..cds]
    0x3d, // 0x0a RETURNDATASIZE  [0]                 retSize (copied later)
    0x3d, // 0x0b RETURNDATASIZE  [0, 0]              retOffset
    0x3d, // 0x0c RETURNDATASIZE  [0, 0, 0]           (kept: later mem offset)
    0x36, // 0x0d CALLDATASIZE    [cds, 0, 0, 0]      argsSize
    0x3d, // 0x0e RETURNDATASIZE  [0, cds, 0, 0, 0]   argsOffset
    0x73, // 0x0f PUSH20 <impl>   [impl, 0, cds, 0, 0, 0]
];

/// Runtime code after the implementation address.
const RUNTIME_TAIL: [u8; PROXY_RUNTIME_LEN - PROXY_IMPL_OFFSET - 20] = [
    0x5a, // 0x24 GAS             [gas, impl, 0, cds, 0, 0, 0]
    0xf4, // 0x25 DELEGATECALL    [ok, 0]
    0x3d, // 0x26 RETURNDATASIZE  [rds, ok, 0]
    0x82, // 0x27 DUP3            [0, rds, ok, 0]
    0x80, // 0x28 DUP1            [0, 0, rds, ok, 0]
    0x3e, // 0x29 RETURNDATACOPY  [ok, 0]  mem[0..rds] = returndata
    0x90, // 0x2a SWAP1           [0, ok]
    0x3d, // 0x2b RETURNDATASIZE  [rds, 0, ok]
    0x91, // 0x2c SWAP2           [ok, 0, rds]
    0x60, 0x31, // 0x2d PUSH1 0x31 [0x31, ok, 0, rds]
    0x57, // 0x2f JUMPI           [0, rds]  -> 0x31 if ok
    0xfd, // 0x30 REVERT          revert(mem[0..rds])
    0x5b, // 0x31 JUMPDEST        [0, rds]
    0xf3, // 0x32 RETURN          return(mem[0..rds])
];

/// Creation-code prelude: copies the runtime that follows it to memory and
/// returns it.
const INIT_PRELUDE: [u8; INIT_PRELUDE_LEN] = [
    0x60, 0x33, // 0x00 PUSH1 51       [51]
    0x80, // 0x02 DUP1           [51, 51]
    0x60, 0x09, // 0x03 PUSH1 9        [9, 51, 51]
    0x3d, // 0x05 RETURNDATASIZE [0, 9, 51, 51]
    0x39, // 0x06 CODECOPY       [51]  mem[0..51] = code[9..60]
    0x3d, // 0x07 RETURNDATASIZE [0, 51]
    0xf3, // 0x08 RETURN         runtime = mem[0..51]
];

/// The proxy runtime code as a fixed-size array (no allocation).
#[must_use]
pub const fn proxy_runtime_array(implementation: [u8; 20]) -> [u8; PROXY_RUNTIME_LEN] {
    let mut out = [0u8; PROXY_RUNTIME_LEN];
    let mut i = 0;
    while i < PROXY_IMPL_OFFSET {
        out[i] = RUNTIME_HEAD[i];
        i += 1;
    }
    let mut j = 0;
    while j < 20 {
        out[PROXY_IMPL_OFFSET + j] = implementation[j];
        j += 1;
    }
    let mut k = 0;
    while k < RUNTIME_TAIL.len() {
        out[PROXY_IMPL_OFFSET + 20 + k] = RUNTIME_TAIL[k];
        k += 1;
    }
    out
}

/// The proxy creation code as a fixed-size array (no allocation).
#[must_use]
pub const fn proxy_init_array(implementation: [u8; 20]) -> [u8; PROXY_INIT_LEN] {
    let runtime = proxy_runtime_array(implementation);
    let mut out = [0u8; PROXY_INIT_LEN];
    let mut i = 0;
    while i < INIT_PRELUDE_LEN {
        out[i] = INIT_PRELUDE[i];
        i += 1;
    }
    let mut j = 0;
    while j < PROXY_RUNTIME_LEN {
        out[INIT_PRELUDE_LEN + j] = runtime[j];
        j += 1;
    }
    out
}

/// Runtime bytecode of a minimal proxy delegating to `implementation`
/// (see the module docs for the opcode listing).
#[must_use]
pub fn proxy_runtime_code(implementation: [u8; 20]) -> Vec<u8> {
    proxy_runtime_array(implementation).to_vec()
}

/// Creation (init) code that deploys [`proxy_runtime_code`]`(implementation)`;
/// pass it to CREATE/CREATE2.
#[must_use]
pub fn proxy_init_code(implementation: [u8; 20]) -> Vec<u8> {
    proxy_init_array(implementation).to_vec()
}

/// `keccak256` of [`proxy_init_code`]`(implementation)`, the init-code hash
/// that CREATE2 addresses depend on.
#[must_use]
pub fn proxy_init_code_hash(implementation: [u8; 20]) -> [u8; 32] {
    keccak256(proxy_init_array(implementation)).0
}

/// The address CREATE2 gives to `init_code` (by its hash) deployed by
/// `deployer` with `salt`:
/// `keccak256(0xff ++ deployer ++ salt ++ init_code_hash)[12..]` (EIP-1014).
#[must_use]
pub fn predict_create2_address(
    deployer: [u8; 20],
    salt: [u8; 32],
    init_code_hash: [u8; 32],
) -> [u8; 20] {
    let mut buf = [0u8; 85];
    buf[0] = 0xff;
    buf[1..21].copy_from_slice(&deployer);
    buf[21..53].copy_from_slice(&salt);
    buf[53..85].copy_from_slice(&init_code_hash);
    let h = keccak256(buf);
    let mut out = [0u8; 20];
    out.copy_from_slice(&h[12..]);
    out
}

/// Length of the strict (EIP-1167) proxy runtime code in bytes.
pub const STRICT_PROXY_RUNTIME_LEN: usize = PROXY_RUNTIME_LEN - STRICT_SKIP;

/// Bytes of the receive-path prefix the strict proxy leaves out.
const STRICT_SKIP: usize = 6;

/// Index in [`RUNTIME_TAIL`] of the `PUSH1` operand (the success jump
/// target), which moves back by [`STRICT_SKIP`] in the strict proxy.
const TAIL_JUMP_OPERAND: usize = 10;

/// The strict proxy runtime as a fixed-size array: exactly EIP-1167, which
/// delegates every call (empty calldata and plain ETH included) to
/// `implementation` (see the module docs).
#[must_use]
pub const fn strict_proxy_runtime_array(
    implementation: [u8; 20],
) -> [u8; STRICT_PROXY_RUNTIME_LEN] {
    let full = proxy_runtime_array(implementation);
    let mut out = [0u8; STRICT_PROXY_RUNTIME_LEN];
    let mut i = 0;
    while i < STRICT_PROXY_RUNTIME_LEN {
        out[i] = full[STRICT_SKIP + i];
        i += 1;
    }
    let operand = PROXY_IMPL_OFFSET + 20 + TAIL_JUMP_OPERAND - STRICT_SKIP;
    out[operand] = RUNTIME_TAIL[TAIL_JUMP_OPERAND] - STRICT_SKIP as u8;
    out
}

/// Runtime bytecode of a strict minimal proxy delegating to `implementation`
/// (EIP-1167, no receive path): for clones of contracts that must refuse ETH.
#[must_use]
pub fn strict_proxy_runtime_code(implementation: [u8; 20]) -> Vec<u8> {
    strict_proxy_runtime_array(implementation).to_vec()
}

/// If `code` is exactly a proxy runtime produced by [`proxy_runtime_code`],
/// returns the implementation it delegates to.
#[must_use]
pub fn proxy_implementation(code: &[u8]) -> Option<[u8; 20]> {
    if code.len() != PROXY_RUNTIME_LEN
        || code[..PROXY_IMPL_OFFSET] != RUNTIME_HEAD
        || code[PROXY_IMPL_OFFSET + 20..] != RUNTIME_TAIL
    {
        return None;
    }
    let mut out = [0u8; 20];
    out.copy_from_slice(&code[PROXY_IMPL_OFFSET..PROXY_IMPL_OFFSET + 20]);
    Some(out)
}

#[cfg(test)]
mod tests {
    //! The bytecode is checked three ways: byte-exact against the documented
    //! hex, by a static walk (jump targets, address position, opcode set), and
    //! by running it in a tiny EVM interpreter covering exactly the opcodes
    //! used, with a scripted DELEGATECALL, charging Shanghai/Cancun gas.
    use super::*;
    use alloc::{vec, vec::Vec};

    /// Host hook that alloy's `native-keccak` feature (enabled by
    /// stylus-sdk) links against; contract crates get it from motsu, this
    /// crate's own unit tests from here, backed by alloy's software hasher.
    ///
    /// # Safety
    /// `bytes` points to `len` readable bytes and `output` to 32 writable bytes
    /// (alloy's `keccak256` passes a slice and a 32-byte buffer).
    #[no_mangle]
    unsafe extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
        let mut hasher = alloy_primitives::Keccak256::new();
        // SAFETY: per the contract above.
        hasher.update(unsafe { core::slice::from_raw_parts(bytes, len) });
        // SAFETY: `output` has room for 32 bytes.
        unsafe { hasher.finalize_into_raw(output) };
    }

    const IMPL: [u8; 20] = [
        0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
        0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    ];

    fn hex(b: &[u8]) -> std::string::String {
        b.iter().map(|x| std::format!("{x:02x}")).collect()
    }

    #[test]
    fn runtime_matches_documented_hex() {
        let code = proxy_runtime_code(IMPL);
        assert_eq!(code.len(), 51);
        assert_eq!(
            hex(&code),
            std::format!(
                "36600557005b363d3d373d3d3d363d73{}5af43d82803e903d91603157fd5bf3",
                hex(&IMPL)
            )
        );
        // The body after the 6-byte prefix is EIP-1167 with its jump target +6.
        let eip1167 = std::format!(
            "363d3d373d3d3d363d73{}5af43d82803e903d91602b57fd5bf3",
            hex(&IMPL)
        );
        let mut body = code[6..].to_vec();
        assert_eq!(body[0x2d - 6 + 1], 0x31);
        body[0x2d - 6 + 1] = 0x2b;
        assert_eq!(hex(&body), eip1167);
    }

    #[test]
    fn init_code_matches_documented_hex_and_embeds_runtime() {
        let init = proxy_init_code(IMPL);
        assert_eq!(init.len(), PROXY_INIT_LEN);
        assert_eq!(hex(&init[..9]), "60338060093d393df3");
        assert_eq!(&init[9..], &proxy_runtime_code(IMPL)[..]);
        assert_eq!(init[1] as usize, PROXY_RUNTIME_LEN);
        assert_eq!(init[4] as usize, INIT_PRELUDE_LEN);
        assert_eq!(proxy_init_code_hash(IMPL), keccak256(&init).0);
    }

    /// Immediate size of an opcode (PUSH1..PUSH32), 0 otherwise.
    fn imm(op: u8) -> usize {
        if (0x60..=0x7f).contains(&op) {
            (op - 0x5f) as usize
        } else {
            0
        }
    }

    /// Disassembles into (pc, opcode, immediate).
    fn disasm(code: &[u8]) -> Vec<(usize, u8, Vec<u8>)> {
        let mut out = Vec::new();
        let mut pc = 0;
        while pc < code.len() {
            let op = code[pc];
            let n = imm(op);
            assert!(pc + 1 + n <= code.len(), "truncated push at {pc}");
            out.push((pc, op, code[pc + 1..pc + 1 + n].to_vec()));
            pc += 1 + n;
        }
        out
    }

    #[test]
    fn static_walk_of_runtime() {
        // Use an address full of opcode-looking bytes (0x5b JUMPDEST, 0x57
        // JUMPI, 0x00 STOP) to prove they are skipped as push data.
        let implementation = [
            0x5b, 0x57, 0x00, 0xf3, 0xfd, 0x5b, 0x60, 0x36, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5b,
            0x5b,
        ];
        let code = proxy_runtime_code(implementation);
        let ops = disasm(&code);
        let listing: Vec<(usize, u8)> = ops.iter().map(|(pc, op, _)| (*pc, *op)).collect();
        assert_eq!(
            listing,
            vec![
                (0x00, 0x36),
                (0x01, 0x60),
                (0x03, 0x57),
                (0x04, 0x00),
                (0x05, 0x5b),
                (0x06, 0x36),
                (0x07, 0x3d),
                (0x08, 0x3d),
                (0x09, 0x37),
                (0x0a, 0x3d),
                (0x0b, 0x3d),
                (0x0c, 0x3d),
                (0x0d, 0x36),
                (0x0e, 0x3d),
                (0x0f, 0x73),
                (0x24, 0x5a),
                (0x25, 0xf4),
                (0x26, 0x3d),
                (0x27, 0x82),
                (0x28, 0x80),
                (0x29, 0x3e),
                (0x2a, 0x90),
                (0x2b, 0x3d),
                (0x2c, 0x91),
                (0x2d, 0x60),
                (0x2f, 0x57),
                (0x30, 0xfd),
                (0x31, 0x5b),
                (0x32, 0xf3),
            ]
        );
        // The PUSH20 carries exactly the implementation, at PROXY_IMPL_OFFSET.
        let push20 = ops
            .iter()
            .find(|(_, op, _)| *op == 0x73)
            .expect("has PUSH20");
        assert_eq!(push20.0 + 1, PROXY_IMPL_OFFSET);
        assert_eq!(push20.2, implementation.to_vec());
        assert_eq!(proxy_implementation(&code), Some(implementation));
        // Valid JUMPDESTs are only those at instruction boundaries.
        let jumpdests: Vec<usize> = ops
            .iter()
            .filter(|(_, op, _)| *op == 0x5b)
            .map(|(pc, _, _)| *pc)
            .collect();
        assert_eq!(jumpdests, vec![0x05, 0x31]);
        // Every JUMPI is preceded by a PUSH1 whose target is a valid JUMPDEST.
        for w in ops.windows(2) {
            if w[1].1 == 0x57 {
                assert_eq!(w[0].1, 0x60);
                assert!(jumpdests.contains(&(w[0].2[0] as usize)));
            }
            assert_ne!(w[1].1, 0x56, "no unconditional JUMP expected");
        }
        // No state-changing or dangerous opcodes; only pre-Shanghai opcodes
        // (in particular no PUSH0 = 0x5f).
        let allowed = [
            0x00, 0x36, 0x37, 0x3d, 0x3e, 0x57, 0x5a, 0x5b, 0x60, 0x73, 0x80, 0x82, 0x90, 0x91,
            0xf3, 0xf4, 0xfd,
        ];
        for (pc, op, _) in &ops {
            assert!(
                allowed.contains(op),
                "unexpected opcode {op:#04x} at {pc:#04x}"
            );
        }
        // EIP-3541: deployed code must not start with 0xEF.
        assert_ne!(code[0], 0xef);
    }

    #[test]
    fn static_walk_of_init_code() {
        let init = proxy_init_code(IMPL);
        let ops = disasm(&init[..INIT_PRELUDE_LEN]);
        let listing: Vec<(usize, u8)> = ops.iter().map(|(pc, op, _)| (*pc, *op)).collect();
        assert_eq!(
            listing,
            vec![
                (0, 0x60),
                (2, 0x80),
                (3, 0x60),
                (5, 0x3d),
                (6, 0x39),
                (7, 0x3d),
                (8, 0xf3)
            ]
        );
        assert_eq!(ops[0].2, vec![PROXY_RUNTIME_LEN as u8]);
        assert_eq!(ops[2].2, vec![INIT_PRELUDE_LEN as u8]);
    }

    // ---- a tiny EVM, exactly the opcodes above, stack of u128 (enough here:
    // values are sizes/offsets/booleans/gas; the address is kept aside). ----

    /// What a scripted DELEGATECALL sees and returns.
    struct Callee {
        success: bool,
        output: Vec<u8>,
    }

    #[derive(Debug, PartialEq, Eq)]
    enum Outcome {
        Stop,
        Return(Vec<u8>),
        Revert(Vec<u8>),
    }

    struct Trace {
        outcome: Outcome,
        gas_used: u64,
        /// (gas forwarded, target, calldata) of the DELEGATECALL, if any.
        call: Option<(u128, [u8; 20], Vec<u8>)>,
    }

    fn words(n: u128) -> u64 {
        n.div_ceil(32) as u64
    }

    fn mem_cost(words: u64) -> u64 {
        3 * words + words * words / 512
    }

    fn run(code: &[u8], calldata: &[u8], gas_limit: u64, callee: &Callee) -> Trace {
        let jumpdests: Vec<usize> = disasm(code)
            .iter()
            .filter(|(_, op, _)| *op == 0x5b)
            .map(|(pc, _, _)| *pc)
            .collect();
        let mut stack: Vec<u128> = Vec::new();
        let mut mem: Vec<u8> = Vec::new();
        let mut returndata: Vec<u8> = Vec::new();
        let mut pushed_addr: Option<[u8; 20]> = None;
        let mut gas: u64 = 0;
        let mut call = None;
        let mut pc = 0usize;
        let mut mem_words = 0u64;
        let mut expand = |mem: &mut Vec<u8>, off: u128, len: u128, gas: &mut u64| {
            if len == 0 {
                return;
            }
            let end = off + len;
            let w = words(end);
            if w > mem_words {
                *gas += mem_cost(w) - mem_cost(mem_words);
                mem_words = w;
            }
            if mem.len() < (w * 32) as usize {
                mem.resize((w * 32) as usize, 0);
            }
        };
        loop {
            let op = code.get(pc).copied().unwrap_or(0x00);
            let pop = |s: &mut Vec<u128>| s.pop().expect("stack underflow");
            match op {
                0x00 => {
                    return Trace {
                        outcome: Outcome::Stop,
                        gas_used: gas,
                        call,
                    };
                }
                0x36 => {
                    gas += 2;
                    stack.push(calldata.len() as u128);
                }
                0x3d => {
                    gas += 2;
                    stack.push(returndata.len() as u128);
                }
                0x37 | 0x3e | 0x39 => {
                    let (dst, src, len) = (pop(&mut stack), pop(&mut stack), pop(&mut stack));
                    gas += 3 + 3 * words(len);
                    expand(&mut mem, dst, len, &mut gas);
                    let source: &[u8] = match op {
                        0x37 => calldata,
                        0x39 => code,
                        _ => {
                            assert!(
                                src + len <= returndata.len() as u128,
                                "RETURNDATACOPY out of bounds"
                            );
                            &returndata
                        }
                    };
                    for i in 0..len as usize {
                        mem[dst as usize + i] = source.get(src as usize + i).copied().unwrap_or(0);
                    }
                }
                0x60 => {
                    gas += 3;
                    stack.push(code[pc + 1] as u128);
                }
                0x73 => {
                    gas += 3;
                    let mut a = [0u8; 20];
                    a.copy_from_slice(&code[pc + 1..pc + 21]);
                    pushed_addr = Some(a);
                    stack.push(u128::MAX); // marker for "the address"
                }
                0x57 => {
                    gas += 10;
                    let (dest, cond) = (pop(&mut stack), pop(&mut stack));
                    if cond != 0 {
                        assert!(
                            jumpdests.contains(&(dest as usize)),
                            "bad jump to {dest:#x}"
                        );
                        pc = dest as usize;
                        continue;
                    }
                }
                0x5b => gas += 1,
                0x5a => {
                    gas += 2;
                    stack.push((gas_limit - gas) as u128);
                }
                0xf4 => {
                    let (g, addr, in_off, in_len, out_off, out_len) = (
                        pop(&mut stack),
                        pop(&mut stack),
                        pop(&mut stack),
                        pop(&mut stack),
                        pop(&mut stack),
                        pop(&mut stack),
                    );
                    assert_eq!(
                        addr,
                        u128::MAX,
                        "DELEGATECALL target must be the PUSH20 value"
                    );
                    assert_eq!((out_off, out_len), (0, 0));
                    gas += 2600; // cold account access (worst case)
                    expand(&mut mem, in_off, in_len, &mut gas);
                    let input = mem[in_off as usize..(in_off + in_len) as usize].to_vec();
                    call = Some((g, pushed_addr.expect("address pushed"), input));
                    returndata = callee.output.clone();
                    stack.push(u128::from(callee.success));
                }
                0x80 | 0x82 => {
                    gas += 3;
                    let n = (op - 0x80) as usize;
                    let v = stack[stack.len() - 1 - n];
                    stack.push(v);
                }
                0x90 | 0x91 => {
                    gas += 3;
                    let n = (op - 0x8f) as usize;
                    let top = stack.len() - 1;
                    stack.swap(top, top - n);
                }
                0xf3 | 0xfd => {
                    let (off, len) = (pop(&mut stack), pop(&mut stack));
                    expand(&mut mem, off, len, &mut gas);
                    let data = mem[off as usize..(off + len) as usize].to_vec();
                    let outcome = if op == 0xf3 {
                        Outcome::Return(data)
                    } else {
                        Outcome::Revert(data)
                    };
                    return Trace {
                        outcome,
                        gas_used: gas,
                        call,
                    };
                }
                other => panic!("opcode {other:#04x} not expected"),
            }
            pc += 1 + imm(op);
        }
    }

    #[test]
    fn empty_calldata_stops_within_stipend() {
        let code = proxy_runtime_code(IMPL);
        let t = run(
            &code,
            &[],
            2300,
            &Callee {
                success: false,
                output: vec![1],
            },
        );
        assert_eq!(t.outcome, Outcome::Stop);
        assert!(
            t.call.is_none(),
            "plain ETH must never reach the implementation"
        );
        assert_eq!(t.gas_used, PROXY_EMPTY_CALLDATA_GAS);
        assert_eq!(PROXY_EMPTY_CALLDATA_GAS, 15);
        const { assert!(PROXY_EMPTY_CALLDATA_GAS < 2300) };
    }

    #[test]
    fn calldata_is_forwarded_and_return_data_bubbled() {
        let code = proxy_runtime_code(IMPL);
        let calldata: Vec<u8> = (0..100u8).collect();
        let output: Vec<u8> = (0..77u8).map(|x| x ^ 0xa5).collect();
        let t = run(
            &code,
            &calldata,
            1_000_000,
            &Callee {
                success: true,
                output: output.clone(),
            },
        );
        assert_eq!(t.outcome, Outcome::Return(output));
        let (g, target, input) = t.call.expect("delegatecall made");
        assert_eq!(target, IMPL);
        assert_eq!(input, calldata);
        // All gas left at the GAS opcode is forwarded (the EVM caps it at 63/64).
        assert!(g > 999_900, "forwarded {g}");
    }

    #[test]
    fn one_byte_calldata_is_forwarded_with_empty_return() {
        let code = proxy_runtime_code(IMPL);
        let t = run(
            &code,
            &[0x00],
            100_000,
            &Callee {
                success: true,
                output: vec![],
            },
        );
        assert_eq!(t.outcome, Outcome::Return(vec![]));
        assert_eq!(t.call.expect("delegatecall made").2, vec![0x00]);
    }

    #[test]
    fn revert_data_is_bubbled() {
        let code = proxy_runtime_code(IMPL);
        let revert = vec![0x08, 0xc3, 0x79, 0xa0, 1, 2, 3];
        let t = run(
            &code,
            &[0xaa, 0xbb, 0xcc, 0xdd],
            100_000,
            &Callee {
                success: false,
                output: revert.clone(),
            },
        );
        assert_eq!(t.outcome, Outcome::Revert(revert));
        let t = run(
            &code,
            &[0xaa],
            100_000,
            &Callee {
                success: false,
                output: vec![],
            },
        );
        assert_eq!(t.outcome, Outcome::Revert(vec![]));
    }

    #[test]
    fn init_code_returns_runtime() {
        let init = proxy_init_code(IMPL);
        let t = run(
            &init,
            &[],
            100_000,
            &Callee {
                success: false,
                output: vec![],
            },
        );
        assert_eq!(t.outcome, Outcome::Return(proxy_runtime_code(IMPL)));
        assert!(t.call.is_none());
    }

    #[test]
    fn recognises_only_exact_proxies() {
        let code = proxy_runtime_code(IMPL);
        assert_eq!(proxy_implementation(&code), Some(IMPL));
        assert_eq!(proxy_implementation(&code[..50]), None);
        let mut bad = code.clone();
        bad[0x2e] = 0x2b;
        assert_eq!(proxy_implementation(&bad), None);
        let mut bad = code;
        bad[0] = 0x5f;
        assert_eq!(proxy_implementation(&bad), None);
    }

    #[test]
    fn strict_runtime_is_exactly_eip1167() {
        let code = strict_proxy_runtime_code(IMPL);
        assert_eq!(code.len(), STRICT_PROXY_RUNTIME_LEN);
        assert_eq!(STRICT_PROXY_RUNTIME_LEN, 45);
        assert_eq!(
            hex(&code),
            std::format!(
                "363d3d373d3d3d363d73{}5af43d82803e903d91602b57fd5bf3",
                hex(&IMPL)
            )
        );
        // Its only JUMPI lands on its only JUMPDEST.
        let ops = disasm(&code);
        let jumpdests: Vec<usize> = ops
            .iter()
            .filter(|(_, op, _)| *op == 0x5b)
            .map(|(pc, _, _)| *pc)
            .collect();
        assert_eq!(jumpdests, vec![0x2b]);
        assert!(!ops.iter().any(|(_, op, _)| *op == 0x00), "no STOP path");
        assert_eq!(proxy_implementation(&code), None);
    }

    #[test]
    fn strict_proxy_delegates_plain_eth_to_the_implementation() {
        // Empty calldata reaches the implementation, whose refusal bubbles.
        let code = strict_proxy_runtime_code(IMPL);
        let t = run(
            &code,
            &[],
            100_000,
            &Callee {
                success: false,
                output: vec![],
            },
        );
        assert_eq!(t.outcome, Outcome::Revert(vec![]));
        let (_, target, input) = t.call.expect("plain ETH must reach the implementation");
        assert_eq!(target, IMPL);
        assert!(input.is_empty());
        // Calls with calldata behave as in the receiving proxy.
        let calldata: Vec<u8> = (0..40u8).collect();
        let output = vec![7u8; 33];
        let t = run(
            &code,
            &calldata,
            1_000_000,
            &Callee {
                success: true,
                output: output.clone(),
            },
        );
        assert_eq!(t.outcome, Outcome::Return(output));
        assert_eq!(t.call.expect("delegatecall made").2, calldata);
    }

    #[test]
    fn create2_address_matches_eip1014_vectors() {
        // EIP-1014 example 0: deployer 0, salt 0, init code 0x00.
        let a = predict_create2_address([0; 20], [0; 32], keccak256([0x00]).0);
        assert_eq!(hex(&a), "4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38");
        // Example 1: deployer 0xdeadbeef00…, salt 0, init code 0x00.
        let mut d = [0u8; 20];
        d[..4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        let a = predict_create2_address(d, [0; 32], keccak256([0x00]).0);
        assert_eq!(hex(&a), "b928f69bb1d91cd65274e3c79d8986362984fda3");
        // Example 2: deployer 0xdeadbeef00…, salt 0x00…00feed00…, init code 0x00.
        let mut salt = [0u8; 32];
        salt[12..14].copy_from_slice(&[0xfe, 0xed]);
        let a = predict_create2_address(d, salt, keccak256([0x00]).0);
        assert_eq!(hex(&a), "d04116cdd17bebe565eb2422f2497e06cc1c9833");
        // Example 3: deployer 0, salt 0, init code 0xdeadbeef.
        let a = predict_create2_address([0; 20], [0; 32], keccak256([0xde, 0xad, 0xbe, 0xef]).0);
        assert_eq!(hex(&a), "70f2b2914a2a4b783faefb75f459a580616fcb5e");
        // Example 6: deployer 0, salt 0, init code empty.
        let a = predict_create2_address([0; 20], [0; 32], keccak256([]).0);
        assert_eq!(hex(&a), "e33c0c7f7df4809055c3eba6c09cfe4baf1bd9e0");
    }

    #[test]
    fn create2_address_depends_on_every_input() {
        let h = proxy_init_code_hash(IMPL);
        let base = predict_create2_address([1; 20], [2; 32], h);
        assert_ne!(base, predict_create2_address([3; 20], [2; 32], h));
        assert_ne!(base, predict_create2_address([1; 20], [4; 32], h));
        assert_ne!(
            base,
            predict_create2_address([1; 20], [2; 32], proxy_init_code_hash([9; 20]))
        );
    }
}
