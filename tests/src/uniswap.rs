//! Uniswap V2 on the in-process devnode, for tests of the share tokens'
//! markets: the deploy crate's checked npm artefacts
//! ([`stylus_ip_deploy::uniswap`]) loaded once per process and deployed by
//! the harness's admin, plus bindings of the flash-swap contracts of
//! `tests/sol/Attackers.sol` ([`FlashBuyoutAttacker`], [`FixedPriceBuyoutStub`]).

use std::path::PathBuf;
use std::sync::OnceLock;

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use anyhow::{bail, Context};
use stylus_ip_deploy::uniswap::{Artifacts, UniswapV2};
use stylus_vm::Sandbox;

use crate::Harness;

sol! {
    /// `tests/sol/Attackers.sol`: trades with a buyout on capital
    /// flash-borrowed from a share/WETH pair, repaid in the pair's other
    /// token (`attackSell`: borrow shares, `sellShares`, repay WETH;
    /// `attackBuy`: borrow WETH, `buyShares`, repay shares). Constructor:
    /// `(buyout, vault, pair, weth)`.
    #[sol(all_derives)]
    interface FlashBuyoutAttacker {
        function attackSell(uint256 shares, bool pullEth) external;
        function attackBuy(uint256 wethOut, uint256 shares) external;
        function setShortfall(uint256 s) external;
        function owedFor(uint256 amountOut, uint256 reserveIn, uint256 reserveOut) external pure returns (uint256);
        function borrowed() external view returns (uint256);
        function repaid() external view returns (uint256);
        function ethReceived() external view returns (uint256);
        function ethSpent() external view returns (uint256);
        function sharesReceived() external view returns (uint256);
        function leftover() external view returns (uint256);
    }

    /// `tests/sol/Attackers.sol`: `ShareBuyout`'s `sellShares` / `buyShares`
    /// / `withdraw` at a fixed `price` wei per 10^18 shares, paying sellers
    /// at once or (`credit`) through `withdraw()`. Constructor:
    /// `(price, credit)`, payable (the ETH it pays sellers with).
    #[sol(all_derives)]
    interface FixedPriceBuyoutStub {
        function cost(uint256 amount) external view returns (uint256);
        function credited(address seller) external view returns (uint256);
        function withdraw() external;
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Uniswap V2 artefacts, installed from npm and checked once per process.
///
/// # Panics
/// When npm fails or the artefacts fail their checks.
#[must_use]
pub fn artifacts() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(|| {
        Artifacts::load(&repo_root()).unwrap_or_else(|e| panic!("Uniswap V2 artefacts: {e:#}"))
    })
}

/// Sends `init_code` as a creation transaction from `from` and commits it.
///
/// # Errors
/// When the devnode refuses the transaction or the creation reverts.
pub fn create(node: &mut Sandbox, from: Address, init_code: Vec<u8>) -> anyhow::Result<Address> {
    let out = node
        .deploy(from, init_code.into(), U256::ZERO)
        .map_err(anyhow::Error::msg)
        .context("devnode refused the creation")?;
    match out.created {
        Some(address) if out.success => Ok(address),
        _ => bail!(
            "creation failed (gas used {}, halt {:?}, output {})",
            out.gas_used,
            out.halt,
            out.output
        ),
    }
}

/// Deploys WETH9, the factory and Router02 as the harness's admin (also
/// the factory's `feeToSetter`; no protocol fee).
///
/// # Panics
/// When the artefacts cannot be loaded or a creation fails.
pub fn deploy(h: &mut Harness) -> UniswapV2 {
    let admin = h.admin;
    let node = &mut h.node;
    artifacts()
        .deploy(|code| create(node, admin, code), admin)
        .unwrap_or_else(|e| panic!("deploying Uniswap V2: {e:#}"))
}
