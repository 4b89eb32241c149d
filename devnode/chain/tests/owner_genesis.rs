//! Genesis does nitro-devnode's setup: the dev account is chain owner and the
//! CacheManager is installed and registered as the Stylus cache manager.

use alloy_eips::BlockId;
use alloy_primitives::{Address, Bytes};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::SolCall;
use devnode_chain::config::NITRO_DEV_ADDRESS;
use devnode_chain::{Chain, ChainConfig, ChainError};
use stylus_vm::abi::{ArbOwner, ArbOwnerPublic, ArbWasmCache};
use stylus_vm::cache_manager::{abi::CacheManager as Cm, DEFAULT_CACHE_SIZE, DEFAULT_DECAY};
use stylus_vm::config::{ARB_DEBUG, ARB_OWNER, ARB_OWNER_PUBLIC, ARB_WASM_CACHE, CACHE_MANAGER};
use stylus_vm::precompiles::UNAUTHORIZED_OWNER_CALL;

fn call<C: SolCall>(
    c: &mut Chain,
    from: Address,
    to: Address,
    call: &C,
) -> Result<C::Return, ChainError> {
    let req = TransactionRequest::default()
        .from(from)
        .to(to)
        .input(Bytes::from(call.abi_encode()).into());
    let out = c.call(&req, BlockId::latest(), None, None)?;
    Ok(C::abi_decode_returns(&out).expect("decodes"))
}

#[test]
fn the_dev_account_owns_the_chain_and_the_cache_manager_is_registered() {
    let mut c = Chain::new(ChainConfig::default()).expect("genesis");
    let dev = NITRO_DEV_ADDRESS;
    let other = c.dev_accounts()[1].address;
    for a in [ARB_OWNER, ARB_DEBUG, CACHE_MANAGER] {
        assert_eq!(c.state().code(&a), Bytes::from_static(&[0xFE]), "{a}");
    }
    assert_eq!(
        call(
            &mut c,
            other,
            ARB_OWNER_PUBLIC,
            &ArbOwnerPublic::getAllChainOwnersCall {}
        ),
        Ok(vec![dev])
    );
    assert_eq!(
        call(
            &mut c,
            other,
            ARB_WASM_CACHE,
            &ArbWasmCache::allCacheManagersCall {}
        ),
        Ok(vec![CACHE_MANAGER])
    );
    assert_eq!(
        call(&mut c, other, CACHE_MANAGER, &Cm::cacheSizeCall {}),
        Ok(DEFAULT_CACHE_SIZE)
    );
    assert_eq!(
        call(&mut c, other, CACHE_MANAGER, &Cm::decayCall {}),
        Ok(DEFAULT_DECAY)
    );
    assert_eq!(
        call(&mut c, other, CACHE_MANAGER, &Cm::isPausedCall {}),
        Ok(false)
    );

    // ArbOwner: the dev account may, another account gets Nitro's error text
    let add = ArbOwner::addChainOwnerCall { newOwner: other };
    assert_eq!(
        call(&mut c, other, ARB_OWNER, &add).err(),
        Some(ChainError::Halt(UNAUTHORIZED_OWNER_CALL.into()))
    );
    assert!(call(&mut c, dev, ARB_OWNER, &add).is_ok());
    // Without a gas limit: the estimate (intrinsic gas only, 21,432) is
    // enough, as no EIP-7623 calldata floor (22,080 here) applies.
    let h = c
        .send_transaction(
            TransactionRequest::default()
                .from(dev)
                .to(ARB_OWNER)
                .input(Bytes::from(add.abi_encode()).into()),
        )
        .expect("tx");
    assert!(c.receipt(h).expect("receipt").status());
    assert_eq!(
        call(
            &mut c,
            other,
            ARB_OWNER_PUBLIC,
            &ArbOwnerPublic::isChainOwnerCall { addr: other }
        ),
        Ok(true)
    );
    // a mined call by a non-owner fails (status 0)
    let rm = ArbOwner::removeChainOwnerCall { ownerToRemove: dev };
    let stranger = c.dev_accounts()[2].address;
    let h = c
        .send_transaction(
            TransactionRequest::default()
                .from(stranger)
                .to(ARB_OWNER)
                .gas_limit(100_000)
                .input(Bytes::from(rm.abi_encode()).into()),
        )
        .expect("tx");
    assert!(!c.receipt(h).expect("receipt").status());
}
