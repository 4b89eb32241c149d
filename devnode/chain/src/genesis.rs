//! Genesis state: funded dev accounts, the CREATE2 factory and the StylusDeployer.

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
