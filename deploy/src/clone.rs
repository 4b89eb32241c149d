//! Clones of the suite's implementations, created and initialised in one
//! transaction.
//!
//! Collections and edition contracts are cheap EVM minimal proxies in front
//! of a Stylus implementation: the suite's *strict* 45-byte proxy
//! ([`proxy::strict_proxy_runtime_code`], exactly EIP-1167), which delegates
//! every call, plain ETH included, so the implementation refuses ETH it was
//! never meant to hold (the receiving proxy of splits and vaults would keep
//! it, stranded, in 15 gas).
//! A proxy deployed in one transaction and initialised in a second could be
//! initialised by someone else in between (front-running the initializer).
//! [`clone_init_code`] closes that gap: its creation code DELEGATECALLs the
//! implementation with the initializer's calldata *from the constructor*, in
//! the new contract's storage, then returns the proxy runtime. Deployed
//! through the CREATE2 factory, the address commits to the implementation and
//! to the initializer arguments, so whoever sends the transaction, the clone
//! at that address is initialised exactly as requested.
//!
//! ## Creation code (56-byte prefix + 45-byte runtime + `N`-byte initializer calldata)
//!
//! ```text
//! pc   bytes          opcode            stack after (top first)
//! 0x00 61 <N:2>       PUSH2 N           N
//! 0x03 80             DUP1              N, N
//! 0x04 61 0065        PUSH2 101         101, N, N        (56 + 45: where the calldata starts)
//! 0x07 5f             PUSH0             0, 83, N, N
//! 0x08 39             CODECOPY          N                mem[0..N] = initializer calldata
//! 0x09 5f 5f 91 5f    PUSH0 PUSH0 SWAP2 PUSH0   0, N, 0, 0
//! 0x0d 73 <I:20>      PUSH20 I          I, 0, N, 0, 0
//! 0x22 5a f4          GAS DELEGATECALL  ok               initializer runs in the clone's storage
//! 0x24 60 2e 57       PUSH1 0x2e JUMPI  —                to 0x2e when ok
//! 0x27 3d 5f 5f 3e    RETURNDATACOPY(0, 0, rds)
//! 0x2b 3d 5f fd       REVERT(0, rds)                     the initializer's custom error, as is
//! 0x2e 5b             JUMPDEST
//! 0x2f 60 2d 80 60 38 5f 39   CODECOPY(0, 56, 45)        the proxy runtime
//! 0x36 5f f3          RETURN(0, 45)
//! ```
//!
//! `PUSH0` needs Shanghai, which every Arbitrum chain since ArbOS 11 has.

/// The proxy runtime's one source of truth, the contracts' proxy crate.
pub use stylus_ip_proxy as proxy;

use alloy::primitives::{keccak256, Address, B256};

/// Length of the fixed creation-code prefix before the runtime.
const PREFIX_LEN: usize = 0x38;

/// Creation code of a clone of `implementation` whose constructor runs
/// `init_calldata` on the implementation (by DELEGATECALL) and reverts with
/// the initializer's revert data if it fails.
///
/// # Panics
/// When `init_calldata` is longer than 65,535 bytes (initializers are a few
/// hundred bytes; a longer one is a programming error).
#[must_use]
pub fn clone_init_code(implementation: Address, init_calldata: &[u8]) -> Vec<u8> {
    let n = u16::try_from(init_calldata.len()).expect("initializer calldata over 64 KiB");
    let runtime = proxy::strict_proxy_runtime_code(implementation.into_array());
    let data_offset = PREFIX_LEN + runtime.len();
    let data_offset = u16::try_from(data_offset).expect("fixed small offset");
    let mut code = Vec::with_capacity(data_offset as usize + init_calldata.len());
    // mem[0..N] = initializer calldata (appended after the runtime)
    code.push(0x61); // PUSH2 N
    code.extend_from_slice(&n.to_be_bytes());
    code.push(0x80); // DUP1                          [N, N]
    code.push(0x61); // PUSH2 data_offset             [off, N, N]
    code.extend_from_slice(&data_offset.to_be_bytes());
    code.push(0x5f); // PUSH0                         [0, off, N, N]
    code.push(0x39); // CODECOPY                      [N]
                     // DELEGATECALL(gas, impl, argsOffset 0, argsSize N, retOffset 0, retSize 0)
    code.push(0x5f); // PUSH0                         [0, N]       retSize
    code.push(0x5f); // PUSH0                         [0, 0, N]    retOffset
    code.push(0x91); // SWAP2                         [N, 0, 0]
    code.push(0x5f); // PUSH0                         [0, N, 0, 0] argsOffset
    code.push(0x73); // PUSH20 impl
    code.extend_from_slice(implementation.as_slice());
    code.push(0x5a); // GAS
    code.push(0xf4); // DELEGATECALL                  [ok]
    let ok_label = code.len() + 3 + 7;
    code.push(0x60); // PUSH1 ok
    code.push(u8::try_from(ok_label).expect("fixed small offset"));
    code.push(0x57); // JUMPI
                     // revert(returndata)
    code.extend_from_slice(&[0x3d, 0x5f, 0x5f, 0x3e]); // RETURNDATASIZE PUSH0 PUSH0 RETURNDATACOPY
    code.extend_from_slice(&[0x3d, 0x5f, 0xfd]); // RETURNDATASIZE PUSH0 REVERT
    debug_assert_eq!(code.len(), ok_label);
    code.push(0x5b); // JUMPDEST
                     // return(runtime)
    let runtime_len = u8::try_from(runtime.len()).expect("45-byte runtime");
    code.push(0x60); // PUSH1 runtime_len
    code.push(runtime_len);
    code.push(0x80); // DUP1
    code.push(0x60); // PUSH1 PREFIX_LEN
    code.push(u8::try_from(PREFIX_LEN).expect("fixed small offset"));
    code.push(0x5f); // PUSH0
    code.push(0x39); // CODECOPY                      [len]
    code.push(0x5f); // PUSH0                         [0, len]
    code.push(0xf3); // RETURN
    debug_assert_eq!(code.len(), PREFIX_LEN);
    code.extend_from_slice(&runtime);
    code.extend_from_slice(init_calldata);
    code
}

/// `keccak256` of the runtime code a clone of `implementation` ends up with
/// (what `eth_getCode` returns for it).
#[must_use]
pub fn clone_code_hash(implementation: Address) -> B256 {
    keccak256(proxy::strict_proxy_runtime_code(
        implementation.into_array(),
    ))
}

#[cfg(test)]
mod clone_tests {
    use super::*;

    #[test]
    fn layout_jumps_and_embedded_parts() {
        let implementation = Address::repeat_byte(0xab);
        let init = [0xde, 0xad, 0xbe, 0xef, 1, 2, 3];
        let code = clone_init_code(implementation, &init);
        assert_eq!(code.len(), PREFIX_LEN + 45 + init.len());
        // runtime and calldata where the prefix copies them from
        assert_eq!(
            &code[PREFIX_LEN..PREFIX_LEN + 45],
            &proxy::strict_proxy_runtime_code(implementation.into_array())[..]
        );
        assert_eq!(&code[PREFIX_LEN + 45..], &init);
        // N and the calldata offset
        assert_eq!(u16::from_be_bytes([code[1], code[2]]) as usize, init.len());
        assert_eq!(
            u16::from_be_bytes([code[5], code[6]]) as usize,
            PREFIX_LEN + 45
        );
        // the implementation follows the PUSH20
        let push20 = code.iter().position(|b| *b == 0x73).unwrap();
        assert_eq!(&code[push20 + 1..push20 + 21], implementation.as_slice());
        // the JUMPI target is a JUMPDEST
        let jumpi = code.iter().position(|b| *b == 0x57).unwrap();
        assert_eq!(code[jumpi - 2], 0x60);
        assert_eq!(code[code[jumpi - 1] as usize], 0x5b);
        // the runtime copy reads from PREFIX_LEN, 45 bytes
        let dest = code[jumpi - 1] as usize;
        assert_eq!(&code[dest + 1..dest + 3], &[0x60, 45]);
        assert_eq!(code[dest + 5] as usize, PREFIX_LEN);
    }

    #[test]
    fn code_hash_is_the_runtime_hash() {
        let i = Address::repeat_byte(1);
        assert_eq!(
            clone_code_hash(i),
            keccak256(proxy::strict_proxy_runtime_code(i.into_array()))
        );
    }

    #[test]
    fn asset_clones_have_no_receive_path() {
        // L-5: the runtime is EIP-1167, which delegates empty calldata too
        // (no STOP), unlike the receiving proxy of splits and vaults.
        let i = Address::repeat_byte(2);
        let code = clone_init_code(i, &[1, 2, 3]);
        let runtime = &code[PREFIX_LEN..PREFIX_LEN + 45];
        assert_eq!(&runtime[..4], &[0x36, 0x3d, 0x3d, 0x37]);
        assert_ne!(
            runtime,
            &proxy::proxy_runtime_code(i.into_array())[..],
            "the receiving proxy would strand ETH"
        );
    }
}
