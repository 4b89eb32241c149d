//! Uniswap V2 for the share tokens' markets: the audited factory, pair,
//! Router02 and WETH9 creation code as published on npm
//! (`@uniswap/v2-core`, `@uniswap/v2-periphery`, installed on demand by
//! [`crate::npm`], never committed), checked for consistency ([`Artifacts::check`]:
//! the router's hard-coded pair init-code hash is the pair's, every runtime
//! fits the EIP-170 limit), `sol!` bindings of the functions we call, and a
//! deployment helper ([`Artifacts::deploy`]) that takes any way of sending a
//! creation transaction (the in-process devnode in the tests), with its
//! JSON-RPC form ([`Artifacts::deploy_rpc`]) for the demo and real nodes.

use std::path::Path;

use alloy::network::{Ethereum, TransactionBuilder};
use alloy::primitives::{b256, keccak256, Address, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolValue;
use anyhow::{bail, ensure, Context, Result};

/// The npm package holding the factory and the pair.
pub const V2_CORE: &str = "@uniswap/v2-core@1.0.1";
/// The npm package holding Router02 and WETH9.
pub const V2_PERIPHERY: &str = "@uniswap/v2-periphery@1.1.0-beta.0";

/// `keccak256` of the pair's creation code, which Router02 (its
/// `UniswapV2Library.pairFor`) has hard-coded to compute pair addresses
/// without calling the factory; the same on Ethereum mainnet.
pub const PAIR_INIT_CODE_HASH: B256 =
    b256!("96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f");

/// EIP-170's limit on a contract's runtime code, as the devnode enforces it.
pub const MAX_CODE_SIZE: usize = 24_576;

/// The router's `deadline` for calls that should never expire.
pub const NO_DEADLINE: U256 = U256::MAX;

/// Liquidity a pair locks forever at its first mint (`MINIMUM_LIQUIDITY`).
pub const MINIMUM_LIQUIDITY: u64 = 1000;

/// Solidity bindings of the Uniswap V2 functions the suite's tools and tests call.
pub mod bindings {
    #![allow(missing_docs)]

    alloy::sol! {
        /// `UniswapV2Factory`: creates one pair per token pair with CREATE2.
        #[sol(all_derives)]
        interface IUniswapV2Factory {
            function createPair(address tokenA, address tokenB) external returns (address pair);
            function getPair(address tokenA, address tokenB) external view returns (address pair);
            function allPairsLength() external view returns (uint256);
            function feeTo() external view returns (address);
            function feeToSetter() external view returns (address);
        }

        /// `UniswapV2Pair`: the constant-product pool and its ERC-20 liquidity token.
        #[sol(all_derives)]
        interface IUniswapV2Pair {
            function token0() external view returns (address);
            function token1() external view returns (address);
            function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
            function sync() external;
            function skim(address to) external;
            function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data) external;
            function mint(address to) external returns (uint256 liquidity);
            function burn(address to) external returns (uint256 amount0, uint256 amount1);
            function balanceOf(address owner) external view returns (uint256);
            function totalSupply() external view returns (uint256);
            function approve(address spender, uint256 value) external returns (bool);
            function transfer(address to, uint256 value) external returns (bool);
            function transferFrom(address from, address to, uint256 value) external returns (bool);
            function allowance(address owner, address spender) external view returns (uint256);
            function kLast() external view returns (uint256);
        }

        /// What a pair calls on the recipient of a flash swap (non-empty `data`).
        #[sol(all_derives)]
        interface IUniswapV2Callee {
            function uniswapV2Call(address sender, uint256 amount0, uint256 amount1, bytes data) external;
        }

        /// `UniswapV2Router02`: liquidity and swaps with slippage bounds, ETH wrapped through WETH.
        #[sol(all_derives)]
        interface IUniswapV2Router02 {
            function factory() external view returns (address);
            function WETH() external view returns (address);
            function addLiquidity(address tokenA, address tokenB, uint256 amountADesired, uint256 amountBDesired, uint256 amountAMin, uint256 amountBMin, address to, uint256 deadline) external returns (uint256 amountA, uint256 amountB, uint256 liquidity);
            function addLiquidityETH(address token, uint256 amountTokenDesired, uint256 amountTokenMin, uint256 amountETHMin, address to, uint256 deadline) external payable returns (uint256 amountToken, uint256 amountETH, uint256 liquidity);
            function removeLiquidity(address tokenA, address tokenB, uint256 liquidity, uint256 amountAMin, uint256 amountBMin, address to, uint256 deadline) external returns (uint256 amountA, uint256 amountB);
            function removeLiquidityETH(address token, uint256 liquidity, uint256 amountTokenMin, uint256 amountETHMin, address to, uint256 deadline) external returns (uint256 amountToken, uint256 amountETH);
            function swapExactTokensForETH(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) external returns (uint256[] amounts);
            function swapExactETHForTokens(uint256 amountOutMin, address[] path, address to, uint256 deadline) external payable returns (uint256[] amounts);
            function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) external returns (uint256[] amounts);
            function getAmountsOut(uint256 amountIn, address[] path) external view returns (uint256[] amounts);
        }

        /// `WETH9`: ether as an ERC-20.
        #[sol(all_derives)]
        interface IWETH9 {
            function deposit() external payable;
            function withdraw(uint256 wad) external;
            function approve(address guy, uint256 wad) external returns (bool);
            function transfer(address dst, uint256 wad) external returns (bool);
            function transferFrom(address src, address dst, uint256 wad) external returns (bool);
            function balanceOf(address owner) external view returns (uint256);
            function totalSupply() external view returns (uint256);
        }
    }
}

/// Creation code of the contracts, read from the npm packages' `build/*.json`.
#[derive(Debug, Clone)]
pub struct Artifacts {
    /// `UniswapV2Factory` creation code (constructor: `feeToSetter`).
    pub factory: Vec<u8>,
    /// `UniswapV2Pair` creation code (deployed by the factory, never directly).
    pub pair: Vec<u8>,
    /// `UniswapV2Router02` creation code (constructor: `factory`, `WETH`).
    pub router: Vec<u8>,
    /// `WETH9` creation code (no constructor arguments).
    pub weth: Vec<u8>,
    /// Runtime code sizes, by contract name.
    pub runtime_sizes: Vec<(&'static str, usize)>,
}

/// One `build/<name>.json` artefact: its creation code (`bytecode`, hex
/// without `0x`) and its runtime size (`evm.deployedBytecode.object`).
fn artifact(path: &Path) -> Result<(Vec<u8>, usize)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let hex = |value: &serde_json::Value, field: &str| -> Result<Vec<u8>> {
        let s = value
            .as_str()
            .with_context(|| format!("{}: no string `{field}`", path.display()))?;
        alloy::primitives::hex::decode(s)
            .with_context(|| format!("{}: `{field}` is not hex", path.display()))
    };
    let code = hex(&json["bytecode"], "bytecode")?;
    let runtime = hex(
        &json["evm"]["deployedBytecode"]["object"],
        "evm.deployedBytecode.object",
    )?;
    ensure!(!code.is_empty(), "{}: empty bytecode", path.display());
    Ok((code, runtime.len()))
}

impl Artifacts {
    /// Installs the two npm packages into `<root>/target/npm` if needed,
    /// loads and [checks](Self::check) the artefacts.
    ///
    /// # Errors
    /// When the install fails, an artefact is missing or malformed, or the
    /// check fails.
    pub fn load(root: &Path) -> Result<Self> {
        let modules = crate::npm::ensure(root, &[V2_CORE, V2_PERIPHERY])?;
        Self::from_node_modules(&modules)
    }

    /// Loads and [checks](Self::check) the artefacts from a `node_modules`
    /// that holds the two packages.
    ///
    /// # Errors
    /// When an artefact is missing or malformed, or the check fails.
    pub fn from_node_modules(modules: &Path) -> Result<Self> {
        let core = modules.join("@uniswap/v2-core/build");
        let periphery = modules.join("@uniswap/v2-periphery/build");
        let (factory, factory_size) = artifact(&core.join("UniswapV2Factory.json"))?;
        let (pair, pair_size) = artifact(&core.join("UniswapV2Pair.json"))?;
        let (router, router_size) = artifact(&periphery.join("UniswapV2Router02.json"))?;
        let (weth, weth_size) = artifact(&periphery.join("WETH9.json"))?;
        let artifacts = Self {
            factory,
            pair,
            router,
            weth,
            runtime_sizes: vec![
                ("UniswapV2Factory", factory_size),
                ("UniswapV2Pair", pair_size),
                ("UniswapV2Router02", router_size),
                ("WETH9", weth_size),
            ],
        };
        artifacts.check()?;
        Ok(artifacts)
    }

    /// Refuses artefacts that would not work together: the pair's creation
    /// code must hash to [`PAIR_INIT_CODE_HASH`], the router's code must carry
    /// that hash (`PUSH32 <hash>`, its `pairFor`), the factory's code must
    /// embed the pair's creation code (what its CREATE2 deploys), and every
    /// runtime must fit [`MAX_CODE_SIZE`].
    ///
    /// # Errors
    /// Naming the failed condition.
    pub fn check(&self) -> Result<()> {
        let pair_hash = keccak256(&self.pair);
        if pair_hash != PAIR_INIT_CODE_HASH {
            bail!(
                "UniswapV2Pair's creation code hashes to {pair_hash}, not the init-code hash \
                 {PAIR_INIT_CODE_HASH} Router02 computes pair addresses with: the router would \
                 address pairs that do not exist (wrong {V2_CORE} artefact?)"
            );
        }
        let mut push = vec![0x7f];
        push.extend_from_slice(PAIR_INIT_CODE_HASH.as_slice());
        if !contains(&self.router, &push) {
            bail!(
                "UniswapV2Router02's code does not hard-code the pair init-code hash \
                 {PAIR_INIT_CODE_HASH} (wrong {V2_PERIPHERY} artefact?)"
            );
        }
        if !contains(&self.factory, &self.pair) {
            bail!("UniswapV2Factory's code does not embed UniswapV2Pair's creation code");
        }
        for (name, size) in &self.runtime_sizes {
            if *size > MAX_CODE_SIZE {
                bail!("{name}'s runtime code is {size} bytes, over the EIP-170 limit of {MAX_CODE_SIZE}");
            }
        }
        Ok(())
    }

    /// The factory's creation transaction data (`feeToSetter` appended).
    #[must_use]
    pub fn factory_code(&self, fee_to_setter: Address) -> Vec<u8> {
        let mut code = self.factory.clone();
        code.extend(fee_to_setter.abi_encode());
        code
    }

    /// Router02's creation transaction data (`factory`, `WETH` appended).
    #[must_use]
    pub fn router_code(&self, factory: Address, weth: Address) -> Vec<u8> {
        let mut code = self.router.clone();
        code.extend((factory, weth).abi_encode_params());
        code
    }

    /// Deploys WETH9, the factory (`feeToSetter` = `fee_to_setter`, no
    /// protocol fee) and Router02, in that order, each with one call of
    /// `send_create` (creation code with its constructor arguments in, the
    /// created address out): the in-process devnode's `deploy`, or anything
    /// else that sends a transaction synchronously.
    ///
    /// # Errors
    /// The first failed creation, with the contract's name.
    pub fn deploy(
        &self,
        mut send_create: impl FnMut(Vec<u8>) -> Result<Address>,
        fee_to_setter: Address,
    ) -> Result<UniswapV2> {
        let weth = send_create(self.weth.clone()).context("deploying WETH9")?;
        let factory =
            send_create(self.factory_code(fee_to_setter)).context("deploying UniswapV2Factory")?;
        let router =
            send_create(self.router_code(factory, weth)).context("deploying UniswapV2Router02")?;
        Ok(UniswapV2 {
            factory,
            router,
            weth,
        })
    }

    /// [`Self::deploy`] over JSON-RPC: three creation transactions from
    /// `from`, signed by `provider`'s wallet (gas and nonces filled by the
    /// provider), each awaited to a successful receipt.
    ///
    /// # Errors
    /// The first creation that is refused or reverts, with the contract's name.
    pub async fn deploy_rpc<P: Provider<Ethereum>>(
        &self,
        provider: &P,
        from: Address,
        fee_to_setter: Address,
    ) -> Result<UniswapV2> {
        let weth = rpc_create(provider, from, self.weth.clone(), "WETH9").await?;
        let factory = rpc_create(
            provider,
            from,
            self.factory_code(fee_to_setter),
            "UniswapV2Factory",
        )
        .await?;
        let router = rpc_create(
            provider,
            from,
            self.router_code(factory, weth),
            "UniswapV2Router02",
        )
        .await?;
        Ok(UniswapV2 {
            factory,
            router,
            weth,
        })
    }
}

/// Sends one creation transaction over JSON-RPC and returns the created address.
async fn rpc_create<P: Provider<Ethereum>>(
    provider: &P,
    from: Address,
    code: Vec<u8>,
    name: &str,
) -> Result<Address> {
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_deploy_code(code);
    let receipt = provider
        .send_transaction(tx)
        .await
        .with_context(|| format!("sending the creation of {name}"))?
        .get_receipt()
        .await
        .with_context(|| format!("awaiting the creation of {name}"))?;
    ensure!(
        receipt.status(),
        "the creation of {name} reverted (transaction {})",
        receipt.transaction_hash
    );
    receipt
        .contract_address
        .with_context(|| format!("the receipt of {name}'s creation has no contract address"))
}

/// Whether `haystack` contains `needle`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A deployed Uniswap V2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniswapV2 {
    /// `UniswapV2Factory`.
    pub factory: Address,
    /// `UniswapV2Router02`.
    pub router: Address,
    /// `WETH9`.
    pub weth: Address,
}

impl UniswapV2 {
    /// The address of the pair of `a` and `b` (either order), created or
    /// not: what the factory's CREATE2 yields and the router computes.
    #[must_use]
    pub fn pair_for(&self, a: Address, b: Address) -> Address {
        pair_address(self.factory, a, b)
    }
}

/// Installs the packages if needed, loads and checks the artefacts, and
/// deploys them with `send_create` ([`Artifacts::load`], [`Artifacts::deploy`]).
///
/// # Errors
/// As those two.
pub fn deploy(
    root: &Path,
    send_create: impl FnMut(Vec<u8>) -> Result<Address>,
    fee_to_setter: Address,
) -> Result<UniswapV2> {
    Artifacts::load(root)?.deploy(send_create, fee_to_setter)
}

/// The tokens of a pair in the pair's order (`token0 < token1`).
#[must_use]
pub fn sort_tokens(a: Address, b: Address) -> (Address, Address) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// The address `factory` creates the pair of `a` and `b` at:
/// CREATE2 with salt `keccak256(token0 ‖ token1)` and [`PAIR_INIT_CODE_HASH`].
#[must_use]
pub fn pair_address(factory: Address, a: Address, b: Address) -> Address {
    let (t0, t1) = sort_tokens(a, b);
    let mut packed = [0u8; 40];
    packed[..20].copy_from_slice(t0.as_slice());
    packed[20..].copy_from_slice(t1.as_slice());
    factory.create2(keccak256(packed), PAIR_INIT_CODE_HASH)
}

/// The pair's output for `amount_in` against reserves `(reserve_in,
/// reserve_out)` after the 0.3 % fee, as `UniswapV2Library.getAmountOut`:
/// `amount_in·997·reserve_out / (reserve_in·1000 + amount_in·997)`, rounded down.
#[must_use]
pub fn get_amount_out(amount_in: U256, reserve_in: U256, reserve_out: U256) -> U256 {
    let with_fee = amount_in * U256::from(997);
    with_fee * reserve_out / (reserve_in * U256::from(1000) + with_fee)
}

/// The input that buys `amount_out` against reserves `(reserve_in,
/// reserve_out)` after the 0.3 % fee, as `UniswapV2Library.getAmountIn`:
/// `reserve_in·amount_out·1000 / ((reserve_out − amount_out)·997) + 1`.
///
/// # Panics
/// When `amount_out >= reserve_out` (the pair cannot pay it).
#[must_use]
pub fn get_amount_in(amount_out: U256, reserve_in: U256, reserve_out: U256) -> U256 {
    assert!(
        amount_out < reserve_out,
        "amount_out must be below reserve_out"
    );
    reserve_in * amount_out * U256::from(1000) / ((reserve_out - amount_out) * U256::from(997))
        + U256::from(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::address;

    #[test]
    fn pair_address_matches_mainnet() {
        // USDC/WETH on Ethereum mainnet, from the canonical factory.
        let factory = address!("5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f");
        let usdc = address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
        let weth = address!("C02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2");
        let pair = address!("B4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc");
        assert_eq!(pair_address(factory, usdc, weth), pair);
        assert_eq!(pair_address(factory, weth, usdc), pair);
    }

    #[test]
    fn amounts_follow_the_library() {
        let (r_in, r_out) = (U256::from(5_000u64), U256::from(10_000u64));
        // 1000·997·10000 / (5000·1000 + 1000·997) = 9_970_000_000 / 5_997_000 = 1662.49…
        assert_eq!(
            get_amount_out(U256::from(1000), r_in, r_out),
            U256::from(1662)
        );
        // 5000·1662·1000 / (8338·997) + 1 = 8_310_000_000 / 8_312_986 + 1 = 999 + 1
        assert_eq!(
            get_amount_in(U256::from(1662), r_in, r_out),
            U256::from(1000)
        );
    }

    #[test]
    fn contains_finds_subslices() {
        assert!(contains(b"abcdef", b"cde"));
        assert!(!contains(b"abcdef", b"ced"));
        assert!(!contains(b"ab", b"abc"));
    }
}
