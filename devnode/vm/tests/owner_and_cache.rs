//! Chain owners (ArbOwner 0x70, ArbDebug 0xff, ArbOwnerPublic), cache
//! managers (ArbWasmCache 0x72), the CacheManager auction, and the reason a
//! failed activation reports — on the in-process devnode.
mod common;
use alloy_sol_types::{SolCall, SolError, SolEvent};
use common::*;
use stylus_vm::abi::{ArbDebug, ArbOwner, ArbOwnerPublic, ArbWasm, ArbWasmCache};
use stylus_vm::api::DEFAULT_TX_GAS;
use stylus_vm::cache_manager::{abi::CacheManager as Cm, genesis_storage};
use stylus_vm::config::{
    ARB_DEBUG, ARB_OWNER, ARB_OWNER_PUBLIC, ARB_WASM, ARB_WASM_CACHE, CACHE_MANAGER,
    CACHE_MANAGER_CODE,
};
use stylus_vm::precompiles::{ACTIVATION_FAILED, UNAUTHORIZED_OWNER_CALL};
use stylus_vm::primitives::alloy_primitives::aliases::U192;
use stylus_vm::primitives::{keccak256, Address, Bytes, U256};
use stylus_vm::{arbos, Sandbox, TxOutcome};

fn tx(n: &mut Sandbox, from: Address, to: Address, data: Vec<u8>, value: U256) -> TxOutcome {
    n.transact(from, to, data.into(), value).expect("valid tx")
}

fn view<C: SolCall>(n: &mut Sandbox, to: Address, c: &C) -> C::Return {
    let out = n
        .call(ALICE, to, c.abi_encode().into())
        .expect("valid call");
    assert!(out.success, "{out:?}");
    C::abi_decode_returns(&out.output).expect("decodes")
}

fn become_owner(n: &mut Sandbox, who: Address) {
    let out = tx(
        n,
        who,
        ARB_DEBUG,
        ArbDebug::becomeChainOwnerCall {}.abi_encode(),
        U256::ZERO,
    );
    assert!(out.success, "{out:?}");
}

/// A distinct small program per `variant`.
fn wasm(variant: u8) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module {IMPORTS} (memory (export "memory") 1 1)
        (data (i32.const 0) "\{variant:02x}")
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    ))
    .expect("wat")
}

#[test]
fn failed_activation_reports_the_validator_reason_and_takes_all_gas() {
    let mut n = node();
    let bad = wat::parse_str(module(
        r#"(import "vm_hooks" "no_such_hook" (func (param i32)))"#,
        "i32.const 0",
    ))
    .expect("wat");
    let p = n.deploy_wasm(ALICE, &bad).expect("deploys");
    let code = n.code(p);
    let cfg = n.runtime().config.clone();
    let reason = arbos::decompress(&code, 128 * 1024)
        .and_then(|w| arbos::prepare(&n.runtime().engine, &cfg, &w, keccak256(&code), 128))
        .expect_err("the validator rejects it");
    assert!(reason.contains("unknown import"), "{reason}");
    let data = ArbWasm::activateProgramCall { program: p }.abi_encode();
    // simulated (eth_call) and mined alike: an error, not a revert with data
    let sim = n
        .call_with_value(ALICE, ARB_WASM, data.clone().into(), eth(1))
        .expect("valid call");
    let mined = tx(&mut n, ALICE, ARB_WASM, data, eth(1));
    for out in [sim, mined] {
        assert!(!out.success);
        assert!(out.output.is_empty());
        assert_eq!(out.gas_used, DEFAULT_TX_GAS, "all gas taken");
        assert_eq!(
            out.stylus_error.as_deref(),
            Some(format!("{ACTIVATION_FAILED}: {reason}").as_str())
        );
    }
}

#[test]
fn arb_owner_is_for_chain_owners_only_and_costs_them_nothing() {
    let mut n = node();
    // no owner on a bare in-process chain: ALICE is refused with Nitro's error, all gas
    let add_bob = ArbOwner::addChainOwnerCall { newOwner: BOB }.abi_encode();
    let out = tx(&mut n, ALICE, ARB_OWNER, add_bob.clone(), U256::ZERO);
    assert!(!out.success);
    assert_eq!(out.gas_used, DEFAULT_TX_GAS);
    assert_eq!(out.stylus_error.as_deref(), Some(UNAUTHORIZED_OWNER_CALL));
    assert!(!view(
        &mut n,
        ARB_OWNER_PUBLIC,
        &ArbOwnerPublic::isChainOwnerCall { addr: ALICE }
    ));

    // ArbDebug (a debug chain, as nitro --dev): anyone may become owner
    become_owner(&mut n, ALICE);
    assert!(view(
        &mut n,
        ARB_OWNER_PUBLIC,
        &ArbOwnerPublic::isChainOwnerCall { addr: ALICE }
    ));
    let out = tx(&mut n, ALICE, ARB_OWNER, add_bob.clone(), U256::ZERO);
    assert!(out.success, "{out:?}");
    // the owner pays only the intrinsic gas (Nitro's owner wrapper refunds the call)
    let intrinsic = 21_000
        + 16 * add_bob.iter().filter(|b| **b != 0).count() as u64
        + 4 * add_bob.iter().filter(|b| **b == 0).count() as u64;
    assert_eq!(out.gas_used, intrinsic);
    let acts = ArbOwner::OwnerActs::decode_log_data(&out.logs[0].data).expect("OwnerActs");
    assert_eq!(acts.owner, ALICE);
    assert_eq!(acts.method.0, ArbOwner::addChainOwnerCall::SELECTOR);
    assert_eq!(
        view(
            &mut n,
            ARB_OWNER_PUBLIC,
            &ArbOwnerPublic::getAllChainOwnersCall {}
        ),
        vec![ALICE, BOB]
    );
    // BOB removes ALICE; removing a non-owner reverts
    let rm = ArbOwner::removeChainOwnerCall {
        ownerToRemove: ALICE,
    }
    .abi_encode();
    assert!(tx(&mut n, BOB, ARB_OWNER, rm.clone(), U256::ZERO).success);
    assert_eq!(
        view(
            &mut n,
            ARB_OWNER_PUBLIC,
            &ArbOwnerPublic::getAllChainOwnersCall {}
        ),
        vec![BOB]
    );
    let again = tx(&mut n, BOB, ARB_OWNER, rm, U256::ZERO);
    assert!(!again.success && again.stylus_error.is_none(), "{again:?}");
    // an unknown method reverts, still free for the owner
    let unknown = tx(
        &mut n,
        BOB,
        ARB_OWNER,
        vec![0xde, 0xad, 0xbe, 0xef],
        U256::ZERO,
    );
    assert!(!unknown.success);
    assert!(unknown.gas_used < 22_000, "{unknown:?}");
    // a non-zero L1 price is not modelled; zero is nitro-devnode's no-op
    let l1 = |v: u64| {
        ArbOwner::setL1PricePerUnitCall {
            pricePerUnit: U256::from(v),
        }
        .abi_encode()
    };
    assert!(tx(&mut n, BOB, ARB_OWNER, l1(0), U256::ZERO).success);
    assert!(!tx(&mut n, BOB, ARB_OWNER, l1(1), U256::ZERO).success);
}

#[test]
fn set_wasm_activation_gas_is_chain_state() {
    let mut n = node();
    become_owner(&mut n, ALICE);
    let before = n.deploy_and_activate(ALICE, &wasm(1)).is_ok();
    assert!(before);
    let p = n.deploy_wasm(ALICE, &wasm(2)).expect("deploys");
    let baseline = {
        let snap = n.snapshot();
        let out = n.activate(ALICE, p).expect("activates");
        n.revert(snap);
        out.gas_used
    };
    let set = ArbOwner::setWasmActivationGasCall { gas: 250_000 }.abi_encode();
    assert!(tx(&mut n, ALICE, ARB_OWNER, set, U256::ZERO).success);
    assert_eq!(
        view(&mut n, ARB_WASM, &ArbWasm::activationGasCall {}),
        250_000
    );
    let out = n.activate(ALICE, p).expect("activates");
    assert_eq!(out.gas_used, baseline + 250_000);
}

#[test]
fn wasm_cache_is_for_cache_managers_and_chain_owners() {
    let mut n = node();
    let p = n.deploy_and_activate(ALICE, &wasm(3)).expect("program");
    let codehash = keccak256(n.code(p));
    let cache = ArbWasmCache::cacheProgramCall { addr: p }.abi_encode();
    // BOB is neither: burnt out, nothing cached
    let out = tx(&mut n, BOB, ARB_WASM_CACHE, cache.clone(), U256::ZERO);
    assert!(!out.success && out.output.is_empty());
    assert_eq!(out.gas_used, DEFAULT_TX_GAS);
    assert!(!view(
        &mut n,
        ARB_WASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash }
    ));
    // the owner registers BOB as a manager
    become_owner(&mut n, ALICE);
    let add = ArbOwner::addWasmCacheManagerCall { manager: BOB }.abi_encode();
    assert!(tx(&mut n, ALICE, ARB_OWNER, add, U256::ZERO).success);
    assert!(view(
        &mut n,
        ARB_WASM_CACHE,
        &ArbWasmCache::isCacheManagerCall { manager: BOB }
    ));
    assert_eq!(
        view(
            &mut n,
            ARB_WASM_CACHE,
            &ArbWasmCache::allCacheManagersCall {}
        ),
        vec![BOB]
    );
    assert!(tx(&mut n, BOB, ARB_WASM_CACHE, cache, U256::ZERO).success);
    assert!(view(
        &mut n,
        ARB_WASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash }
    ));
    // removed, BOB can no longer evict; the owner still can
    let rm = ArbOwner::removeWasmCacheManagerCall { manager: BOB }.abi_encode();
    assert!(tx(&mut n, ALICE, ARB_OWNER, rm.clone(), U256::ZERO).success);
    assert!(!tx(&mut n, ALICE, ARB_OWNER, rm, U256::ZERO).success);
    let evict = ArbWasmCache::evictCodehashCall { codehash }.abi_encode();
    assert!(!tx(&mut n, BOB, ARB_WASM_CACHE, evict.clone(), U256::ZERO).success);
    assert!(tx(&mut n, ALICE, ARB_WASM_CACHE, evict, U256::ZERO).success);
    assert!(!view(
        &mut n,
        ARB_WASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash }
    ));
}

/// A chain with ALICE as owner and the CacheManager installed as the chain's
/// genesis does it, with `cache_size` bytes and no decay.
fn with_cache_manager(cache_size: u64) -> Sandbox {
    let mut n = node();
    become_owner(&mut n, ALICE);
    n.set_code(CACHE_MANAGER, Bytes::copy_from_slice(&CACHE_MANAGER_CODE));
    for (slot, value) in genesis_storage(cache_size, 0) {
        n.db_mut()
            .insert_account_storage(CACHE_MANAGER, slot, value)
            .expect("storage");
    }
    let add = ArbOwner::addWasmCacheManagerCall {
        manager: CACHE_MANAGER,
    }
    .abi_encode();
    assert!(tx(&mut n, ALICE, ARB_OWNER, add, U256::ZERO).success);
    n
}

fn revert_data(out: &TxOutcome) -> Bytes {
    assert!(!out.success, "expected a revert: {out:?}");
    out.output.clone()
}

fn place(n: &mut Sandbox, from: Address, program: Address, value: u64) -> TxOutcome {
    let data = Cm::placeBidCall { program }.abi_encode();
    tx(n, from, CACHE_MANAGER, data, U256::from(value))
}

#[test]
fn cache_manager_auction_evicts_the_lowest_bid() {
    let mut n = with_cache_manager(0);
    let programs: Vec<Address> = (10..14u8)
        .map(|v| n.deploy_and_activate(ALICE, &wasm(v)).expect("program"))
        .collect();
    let hash = |n: &Sandbox, p: Address| keccak256(n.code(p));
    // every program has the same asm size: room for two
    let sizes: Vec<u64> = programs
        .iter()
        .map(|p| {
            let codehash = hash(&n, *p);
            u64::from(view(
                &mut n,
                ARB_WASM,
                &ArbWasm::codehashAsmSizeCall { codehash },
            ))
        })
        .collect();
    let slot = sizes[0].max(4096);
    assert!(sizes.iter().all(|s| s.max(&4096) == &slot), "{sizes:?}");
    let set = Cm::setCacheSizeCall { newSize: 2 * slot }.abi_encode();
    let out = tx(&mut n, ALICE, CACHE_MANAGER, set, U256::ZERO);
    assert!(out.success, "{out:?}");
    let size_event = Cm::SetCacheSize::decode_log_data(&out.logs[0].data).expect("event");
    assert_eq!(size_event.size, 2 * slot);
    assert_eq!(view(&mut n, CACHE_MANAGER, &Cm::cacheSizeCall {}), 2 * slot);
    assert_eq!(
        view(
            &mut n,
            CACHE_MANAGER,
            &Cm::getMinBid_2Call {
                program: programs[0]
            }
        ),
        U192::ZERO
    );

    let first = place(&mut n, BOB, programs[0], 50);
    assert!(first.success, "{first:?}");
    eprintln!(
        "placeBid gas (room left, {slot} B program): {}",
        first.gas_used
    );
    let ev: Vec<_> = first
        .logs
        .iter()
        .filter_map(|l| Cm::InsertBid::decode_log_data(&l.data).ok())
        .collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].program, programs[0]);
    assert_eq!(ev[0].bid, U192::from(50));
    assert_eq!(ev[0].size, slot);
    let codehash = hash(&n, programs[0]);
    assert!(view(
        &mut n,
        ARB_WASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash }
    ));
    // a second bid on a cached codehash
    assert_eq!(
        revert_data(&place(&mut n, BOB, programs[0], 50)),
        Bytes::from(Cm::AlreadyCached { codehash }.abi_encode())
    );
    assert!(place(&mut n, BOB, programs[1], 100).success);
    assert_eq!(view(&mut n, CACHE_MANAGER, &Cm::queueSizeCall {}), 2 * slot);

    // full: the minimum is the lowest bid, and less is refused
    assert_eq!(
        view(
            &mut n,
            CACHE_MANAGER,
            &Cm::getMinBid_2Call {
                program: programs[2]
            }
        ),
        U192::from(50)
    );
    assert_eq!(
        revert_data(&place(&mut n, BOB, programs[2], 49)),
        Bytes::from(
            Cm::BidTooSmall {
                bid: U192::from(49),
                min: U192::from(50)
            }
            .abi_encode()
        )
    );
    let third = place(&mut n, BOB, programs[2], 50);
    assert!(third.success, "{third:?}");
    eprintln!("placeBid gas (one eviction): {}", third.gas_used);
    let deleted: Vec<_> = third
        .logs
        .iter()
        .filter_map(|l| Cm::DeleteBid::decode_log_data(&l.data).ok())
        .collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].codehash, hash(&n, programs[0]));
    for (p, cached) in [
        (programs[0], false),
        (programs[1], true),
        (programs[2], true),
    ] {
        let codehash = hash(&n, p);
        assert_eq!(
            view(
                &mut n,
                ARB_WASM_CACHE,
                &ArbWasmCache::codehashIsCachedCall { codehash }
            ),
            cached
        );
    }
    // the evicted entry's slot is reused
    let entries = view(&mut n, CACHE_MANAGER, &Cm::getEntriesCall {});
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].code, hash(&n, programs[2]));
    let smallest = view(
        &mut n,
        CACHE_MANAGER,
        &Cm::getSmallestEntriesCall { k: U256::from(5) },
    );
    assert_eq!(
        smallest.iter().map(|e| e.bid).collect::<Vec<_>>(),
        vec![U192::from(50), U192::from(100)]
    );

    // owner methods: not for BOB
    let set = Cm::setCacheSizeCall { newSize: 0 }.abi_encode();
    assert_eq!(
        revert_data(&tx(&mut n, BOB, CACHE_MANAGER, set, U256::ZERO)),
        Bytes::from(Cm::NotChainOwner { sender: BOB }.abi_encode())
    );
    let pause = Cm::pausedCall {}.abi_encode();
    assert!(tx(&mut n, ALICE, CACHE_MANAGER, pause, U256::ZERO).success);
    assert!(view(&mut n, CACHE_MANAGER, &Cm::isPausedCall {}));
    assert_eq!(
        revert_data(&place(&mut n, BOB, programs[3], 1000)),
        Bytes::from(Cm::BidsArePaused {}.abi_encode())
    );
    let unpause = Cm::unpauseCall {}.abi_encode();
    assert!(tx(&mut n, ALICE, CACHE_MANAGER, unpause, U256::ZERO).success);
    let all = Cm::evictAllCall {}.abi_encode();
    assert!(tx(&mut n, ALICE, CACHE_MANAGER, all, U256::ZERO).success);
    assert_eq!(view(&mut n, CACHE_MANAGER, &Cm::queueSizeCall {}), 0);
    for p in &programs[..3] {
        let codehash = hash(&n, *p);
        assert!(!view(
            &mut n,
            ARB_WASM_CACHE,
            &ArbWasmCache::codehashIsCachedCall { codehash }
        ));
    }
    // bids paid stay in the contract until swept to the network fee account
    assert_eq!(n.balance(CACHE_MANAGER), U256::from(50 + 100 + 50));
    let sweep = Cm::sweepFundsCall {}.abi_encode();
    assert!(tx(&mut n, BOB, CACHE_MANAGER, sweep, U256::ZERO).success);
    assert_eq!(n.balance(CACHE_MANAGER), U256::ZERO);
}

#[test]
fn cache_manager_refuses_inactive_and_oversized_programs() {
    let mut n = with_cache_manager(4096);
    // deployed, not activated: ArbWasm's error is passed on
    let p = n.deploy_wasm(ALICE, &wasm(20)).expect("deploys");
    assert_eq!(
        revert_data(&place(&mut n, BOB, p, 0)),
        Bytes::from(ArbWasm::ProgramNotActivated {}.abi_encode())
    );
    // larger than the whole cache
    let size = Cm::getMinBid_0Call { size: 8192 }.abi_encode();
    let out = n
        .call(ALICE, CACHE_MANAGER, size.into())
        .expect("valid call");
    assert_eq!(
        revert_data(&out),
        Bytes::from(
            Cm::AsmTooLarge {
                asm: U256::from(8192),
                queueSize: U256::ZERO,
                cacheSize: U256::from(4096)
            }
            .abi_encode()
        )
    );
    // the CacheManager must be a registered manager to cache
    let p = n.deploy_and_activate(ALICE, &wasm(21)).expect("program");
    let rm = ArbOwner::removeWasmCacheManagerCall {
        manager: CACHE_MANAGER,
    }
    .abi_encode();
    assert!(tx(&mut n, ALICE, ARB_OWNER, rm, U256::ZERO).success);
    assert!(!place(&mut n, BOB, p, 0).success);
}
