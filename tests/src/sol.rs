//! The Solidity test contracts of `tests/sol` (attackers, a test ERC-20
//! with configurable decimals), compiled once per process with solc-js from
//! npm: the deploy crate's installer puts it in `target/npm`, as for
//! `cargo ip abi`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use alloy_primitives::hex;
use alloy_sol_types::sol;

sol! {
    /// `tests/sol/TestToken.sol`: a plain ERC-20 with configurable decimals
    /// whose `mint` is open to anyone.
    #[sol(all_derives)]
    interface TestToken {
        function mint(address to, uint256 value) external;
        function approve(address spender, uint256 value) external returns (bool);
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
        function allowance(address owner, address spender) external view returns (uint256);
        function decimals() external view returns (uint8);
        function totalSupply() external view returns (uint256);
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Creation bytecode of contract `name` from `tests/sol` (constructor
/// arguments, if any, are appended by the caller).
///
/// # Panics
/// When npm, node or solc fail, or no such contract exists.
#[must_use]
pub fn bytecode(name: &str) -> Vec<u8> {
    static COMPILED: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    let compiled = COMPILED.get_or_init(|| {
        let root = repo_root();
        let modules = stylus_ip_deploy::abi::ensure_solc(&root).expect("installing solc-js");
        let out = Command::new("node")
            .arg(root.join("tests/js/compile.js"))
            .env("NODE_PATH", modules)
            .output()
            .expect("running node");
        assert!(
            out.status.success(),
            "solc-js failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(n, code)| (n.to_string(), hex::decode(code).expect("hex bytecode")))
            .collect()
    });
    compiled
        .get(name)
        .unwrap_or_else(|| panic!("{name} not compiled"))
        .clone()
}

/// Creation code of a [`TestToken`] named `symbol` with `decimals`.
#[must_use]
pub fn test_token_code(symbol: &str, decimals: u8) -> Vec<u8> {
    use alloy_sol_types::SolValue;
    let mut code = bytecode("TestToken");
    // A `uint8` argument is one ABI word, like a `uint256` of the same value.
    let decimals = alloy_primitives::U256::from(decimals);
    code.extend((symbol.to_string(), symbol.to_string(), decimals).abi_encode_params());
    code
}
