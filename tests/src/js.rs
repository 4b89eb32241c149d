//! Investors' wallet libraries from npm, for signatures made exactly as a
//! browser wallet or a script makes them: EIP-712 typed data signed by
//! ethers v6 (`Wallet.signTypedData`) or viem v2
//! (`privateKeyToAccount(...).signTypedData`) through
//! `tests/js/sign_typed_data.js`. The packages are installed once per test
//! process into `target/npm` by the deploy crate's installer
//! ([`stylus_ip_deploy::npm`]).
//!
//! [`sign_typed_data`] takes the request as the libraries do (JSON domain,
//! types, message); [`sign_permit`] builds an EIP-2612 `Permit` request from
//! alloy's [`Eip712Domain`], whose signing hash is [`Permit`]'s
//! `eip712_signing_hash`. [`run_script`] runs any other script of
//! `tests/js` with both libraries (e.g. `wallet_errors.js`, the wallet error
//! classification of `tests/wallet_errors.rs`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use alloy_primitives::{hex, Address, B256, U256};
use alloy_sol_types::{sol, Eip712Domain};
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// The ethers release signatures are made with.
pub const ETHERS: &str = "ethers@6.13.5";
/// The viem release signatures are made with.
pub const VIEM: &str = "viem@2.23.2";

sol! {
    /// EIP-2612's `Permit`, the struct a share token's `permit` checks.
    #[derive(Debug, PartialEq, Eq)]
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

/// A JavaScript wallet library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Library {
    /// ethers v6 ([`ETHERS`]).
    Ethers,
    /// viem v2 ([`VIEM`]).
    Viem,
}

impl Library {
    /// Both libraries.
    pub const ALL: [Self; 2] = [Self::Ethers, Self::Viem];

    /// The request's `library` field.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Ethers => "ethers",
            Self::Viem => "viem",
        }
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `node_modules` holding [`ETHERS`] and [`VIEM`], installed on the
/// first call of the process.
///
/// # Errors
/// When npm is missing or the install failed (every call reports the first
/// call's failure).
pub fn node_modules() -> Result<&'static Path> {
    static MODULES: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    MODULES
        .get_or_init(|| {
            stylus_ip_deploy::npm::ensure(&repo_root(), &[ETHERS, VIEM])
                .map_err(|e| format!("{e:#}"))
        })
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(|e| anyhow::anyhow!("installing the wallet libraries: {e}"))
}

/// Signs typed data with `library` and `private_key`: `domain` as the
/// libraries take it (`name`, `version`, `chainId`, `verifyingContract`,
/// `salt`, whichever the domain has), `types` the struct types (with or
/// without `EIP712Domain`), `message` the `primary_type` value (integers as
/// JSON numbers or decimal strings). Returns `r ‖ s ‖ v` with `v` 27 or 28.
///
/// # Errors
/// When the libraries cannot be installed, node fails or the library
/// refuses the request (its message is included).
pub fn sign_typed_data(
    library: Library,
    private_key: B256,
    domain: &Value,
    types: &Value,
    primary_type: &str,
    message: &Value,
) -> Result<[u8; 65]> {
    let modules = node_modules()?;
    let request = json!({
        "library": library.name(),
        "privateKey": private_key.to_string(),
        "domain": domain,
        "types": types,
        "primaryType": primary_type,
        "message": message,
    });
    let out = run_node(modules, "sign_typed_data.js", &request)?;
    if !out.status.success() {
        bail!(
            "{} refused to sign ({}): {}",
            library.name(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8(out.stdout).context("node's output is not UTF-8")?;
    let bytes = hex::decode(text.trim())
        .with_context(|| format!("{}: signature `{}` is not hex", library.name(), text.trim()))?;
    <[u8; 65]>::try_from(bytes.as_slice()).map_err(|_| {
        anyhow::anyhow!(
            "{}: signature of {} bytes, not 65",
            library.name(),
            bytes.len()
        )
    })
}

/// Runs `tests/js/<script>` with node, `NODE_PATH` = `modules`, `request` as JSON on its
/// stdin; returns its exit status and output (a failing script is not an error here).
fn run_node(modules: &Path, script: &str, request: &Value) -> Result<std::process::Output> {
    let script = repo_root().join("tests/js").join(script);
    let mut child = Command::new("node")
        .arg(&script)
        .env("NODE_PATH", modules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running node (install Node.js)")?;
    child
        .stdin
        .take()
        .context("node's stdin")?
        .write_all(request.to_string().as_bytes())
        .context("writing the request to node")?;
    child.wait_with_output().context("waiting for node")
}

/// Runs `tests/js/<script>` (a script of this crate's, e.g. `wallet_errors.js`) with
/// [`ETHERS`] and [`VIEM`] on `NODE_PATH`, `request` as JSON on its stdin, and returns
/// its standard output.
///
/// # Errors
/// When the libraries cannot be installed, node is missing, or the script exits with a
/// failure (its standard error is included).
pub fn run_script(script: &str, request: &Value) -> Result<String> {
    let modules = node_modules()?;
    let out = run_node(modules, script, request)?;
    if !out.status.success() {
        bail!(
            "node {script} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    String::from_utf8(out.stdout).with_context(|| format!("node {script}: output is not UTF-8"))
}

/// `domain` as the libraries take it: only the fields it has, integers as
/// decimal strings.
#[must_use]
pub fn domain_json(domain: &Eip712Domain) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(name) = &domain.name {
        out.insert("name".into(), json!(name));
    }
    if let Some(version) = &domain.version {
        out.insert("version".into(), json!(version));
    }
    if let Some(chain_id) = domain.chain_id {
        out.insert("chainId".into(), json!(chain_id.to_string()));
    }
    if let Some(contract) = domain.verifying_contract {
        out.insert(
            "verifyingContract".into(),
            json!(contract.to_checksum(None)),
        );
    }
    if let Some(salt) = domain.salt {
        out.insert("salt".into(), json!(salt.to_string()));
    }
    Value::Object(out)
}

/// The EIP-712 types of [`Permit`].
#[must_use]
pub fn permit_types() -> Value {
    json!({
        "Permit": [
            { "name": "owner", "type": "address" },
            { "name": "spender", "type": "address" },
            { "name": "value", "type": "uint256" },
            { "name": "nonce", "type": "uint256" },
            { "name": "deadline", "type": "uint256" },
        ]
    })
}

/// `permit` as a typed-data message.
#[must_use]
pub fn permit_message(permit: &Permit) -> Value {
    let addr = |a: Address| a.to_checksum(None);
    let int = |v: U256| v.to_string();
    json!({
        "owner": addr(permit.owner),
        "spender": addr(permit.spender),
        "value": int(permit.value),
        "nonce": int(permit.nonce),
        "deadline": int(permit.deadline),
    })
}

/// Signs an EIP-2612 `permit` for a token whose EIP-712 domain is `domain`
/// with `library` (what a wallet's "sign permit" produces).
///
/// # Errors
/// As [`sign_typed_data`].
pub fn sign_permit(
    library: Library,
    private_key: B256,
    domain: &Eip712Domain,
    permit: &Permit,
) -> Result<[u8; 65]> {
    sign_typed_data(
        library,
        private_key,
        &domain_json(domain),
        &permit_types(),
        "Permit",
        &permit_message(permit),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::signers::local::PrivateKeySigner;
    use alloy::signers::SignerSync;
    use alloy_primitives::{keccak256, Signature};
    use alloy_sol_types::SolStruct;

    fn permit(nonce: u64) -> Permit {
        Permit {
            owner: Address::repeat_byte(0x11),
            spender: Address::repeat_byte(0x22),
            // Past 2^53 and 2^64: integers must travel as decimal strings.
            value: U256::from(10u64).pow(U256::from(30)) + U256::from(7),
            nonce: U256::from(nonce),
            deadline: U256::MAX,
        }
    }

    #[test]
    fn both_libraries_sign_permits_alloy_recovers() {
        let key = keccak256("stylus-ip investor");
        let signer = PrivateKeySigner::from_bytes(&key).unwrap();
        let vault = Address::repeat_byte(0x5a);
        let domains = [
            // A share token's domain: name, version "1", chain, token.
            Eip712Domain::new(
                Some("KOI Shares".into()),
                Some("1".into()),
                Some(U256::from(412_346u64)),
                Some(vault),
                None,
            ),
            // Fewer fields and a salt: the libraries derive the same domain type.
            Eip712Domain::new(
                Some("KOI Shares".into()),
                None,
                Some(U256::from(42_161u64)),
                None,
                Some(keccak256("salt")),
            ),
        ];
        for domain in &domains {
            let hash = permit(7).eip712_signing_hash(domain);
            let expected = signer.sign_hash_sync(&hash).unwrap();
            for library in Library::ALL {
                let raw = sign_permit(library, key, domain, &permit(7)).unwrap();
                let signature = Signature::try_from(&raw[..]).unwrap();
                assert_eq!(
                    signature.recover_address_from_prehash(&hash).unwrap(),
                    signer.address(),
                    "{library:?} on {domain:?}"
                );
                // RFC 6979 nonces and low s: the very bytes alloy signs.
                assert_eq!(raw, expected.as_bytes(), "{library:?} on {domain:?}");
                // The nonce is signed: another permit's hash recovers a stranger.
                let other = permit(8).eip712_signing_hash(domain);
                assert_ne!(
                    signature.recover_address_from_prehash(&other).unwrap(),
                    signer.address()
                );
            }
        }
    }

    #[test]
    fn a_request_the_library_refuses_is_an_error() {
        let domain = json!({ "name": "KOI Shares", "version": "1", "chainId": "1" });
        for library in Library::ALL {
            let err = sign_typed_data(
                library,
                B256::repeat_byte(1),
                &domain,
                &permit_types(),
                "Transfer",
                &permit_message(&permit(0)),
            )
            .unwrap_err()
            .to_string();
            assert!(err.contains("primaryType Transfer"), "{err}");
            // So is a message missing a field.
            let mut message = permit_message(&permit(0));
            message.as_object_mut().unwrap().remove("deadline");
            let err = sign_typed_data(
                library,
                B256::repeat_byte(1),
                &domain,
                &permit_types(),
                "Permit",
                &message,
            )
            .unwrap_err()
            .to_string();
            assert!(err.contains("refused to sign"), "{err}");
        }
    }
}
