//! Genesis state: funded dev accounts, the CREATE2 factory, the StylusDeployer and (with the
//! Stylus engine) what nitro-devnode's setup script adds: the dev account as chain owner
//! (`ArbDebug.becomeChainOwner`) and a CacheManager registered as the Stylus cache manager
//! (`ArbOwner.addWasmCacheManager`).

use alloy_primitives::{address, Address, Bytes, B256, U256};
use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::primitives::TxKind;

use crate::config::{ChainConfig, DevAccount};
use crate::error::ChainError;
use crate::executor::Executor;
use crate::state::{StateDb, WorldState};

/// The deterministic-deployment CREATE2 factory (same address on every chain).
pub const CREATE2_FACTORY: Address = address!("0x4e59b44847b379578588920ca78fbf26c0b4956c");
/// Runtime code of the CREATE2 factory: calldata = 32-byte salt ‖ init code; returns the
/// 20-byte address of the created contract (reverts if creation fails).
pub const CREATE2_FACTORY_CODE: &str = "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";
/// The StylusDeployer (`deploy(bytes,bytes,uint256,bytes32)`), as on nitro-devnode.
pub const STYLUS_DEPLOYER: Address = address!("0xcEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// Creation code of the StylusDeployer (Apache-2.0 data from nitro-devnode, see
/// `data/NOTICE.md`).
pub const STYLUS_DEPLOYER_INITCODE: &str = include_str!("../data/stylus_deployer_initcode.hex");

/// Builds the genesis state.
///
/// # Errors
/// If the StylusDeployer creation code does not land at its well-known address.
pub fn genesis_state(
    config: &ChainConfig,
    accounts: &[DevAccount],
    executor: &mut dyn Executor,
    cfg: CfgEnv,
    timestamp: u64,
) -> Result<WorldState, ChainError> {
    let mut state = WorldState::default();
    for a in accounts {
        state.set_balance(a.address, config.balance);
    }
    let factory = alloy_primitives::hex::decode(CREATE2_FACTORY_CODE)
        .map_err(|e| ChainError::Internal(format!("factory code: {e}")))?;
    state.set_code(CREATE2_FACTORY, factory.into());
    state.set_nonce(CREATE2_FACTORY, 1);
    executor.genesis(&mut state);
    #[cfg(feature = "stylus")]
    install_owner_and_cache_manager(&mut state);

    // Deploy the StylusDeployer through the factory with salt 0, as nitro-devnode does.
    let init = alloy_primitives::hex::decode(STYLUS_DEPLOYER_INITCODE.trim())
        .map_err(|e| ChainError::Internal(format!("deployer code: {e}")))?;
    let mut data = vec![0u8; 32];
    data.extend_from_slice(&init);
    let deployer_sender = Address::with_last_byte(0xde);
    let tx = TxEnv {
        tx_type: 0,
        caller: deployer_sender,
        gas_limit: config.tx_gas_cap,
        gas_price: 0,
        kind: TxKind::Call(CREATE2_FACTORY),
        value: U256::ZERO,
        data: Bytes::from(data),
        nonce: 0,
        chain_id: Some(config.chain_id),
        ..TxEnv::default()
    };
    let block = BlockEnv {
        number: U256::ZERO,
        timestamp: U256::from(timestamp),
        gas_limit: config.block_gas_limit,
        basefee: 0,
        difficulty: U256::from(1),
        prevrandao: Some(B256::with_last_byte(1)),
        ..BlockEnv::default()
    };
    let hashes = imbl::Vector::new();
    let res = executor
        .execute(StateDb::new(&state, &hashes), cfg, block, tx)
        .map_err(|e| ChainError::Internal(format!("genesis deployer tx: {e}")))?;
    let res = res.result;
    let ok = matches!(&res.result, ExecutionResult::Success { output, .. }
        if output.data().as_ref() == STYLUS_DEPLOYER.as_slice());
    if !ok {
        return Err(ChainError::Internal(format!(
            "StylusDeployer did not deploy at {STYLUS_DEPLOYER}: {:?}",
            res.result
        )));
    }
    // Keep only the deployed contract (not the synthetic sender's nonce bump).
    state.commit(res.state.into_iter().filter(|(a, _)| *a == STYLUS_DEPLOYER));
    Ok(state)
}

/// The chain owner at genesis: nitro-devnode's dev account, as its setup script makes it
/// (`ArbDebug.becomeChainOwner()`).
pub const GENESIS_CHAIN_OWNER: Address = crate::config::NITRO_DEV_ADDRESS;

/// nitro-devnode's setup, done at genesis: [`GENESIS_CHAIN_OWNER`] is the chain owner, and
/// the native CacheManager (`stylus_vm::cache_manager`) sits at nitro-devnode's address,
/// initialised with nitro-contracts' deployment values (512 MiB, decay 10,322,197,911 wei/s)
/// and registered as the one Stylus cache manager.
#[cfg(feature = "stylus")]
fn install_owner_and_cache_manager(state: &mut WorldState) {
    use stylus_vm::arbos::AddressSet;
    use stylus_vm::cache_manager::{genesis_storage, DEFAULT_CACHE_SIZE, DEFAULT_DECAY};
    use stylus_vm::config::{ARBOS_STATE_ADDRESS, CACHE_MANAGER, CACHE_MANAGER_CODE};
    let arbos = AddressSet::ChainOwners
        .genesis_storage(&[GENESIS_CHAIN_OWNER])
        .into_iter()
        .chain(AddressSet::CacheManagers.genesis_storage(&[CACHE_MANAGER]));
    for (slot, value) in arbos {
        state.set_storage(ARBOS_STATE_ADDRESS, slot, value);
    }
    state.set_code(CACHE_MANAGER, Bytes::copy_from_slice(&CACHE_MANAGER_CODE));
    state.set_nonce(CACHE_MANAGER, 1);
    for (slot, value) in genesis_storage(DEFAULT_CACHE_SIZE, DEFAULT_DECAY) {
        state.set_storage(CACHE_MANAGER, slot, value);
    }
}
