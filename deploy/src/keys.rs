//! The deployer's key: from an environment variable, an encrypted keystore,
//! or — on a local dev chain only — the devnode's well-known dev account.

use std::path::Path;

use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context, Result};

/// Chain id of nitro-devnode and of our devnode.
pub const DEVNODE_CHAIN_ID: u64 = 412_346;

/// nitro-devnode's pre-funded dev key (public knowledge; funded on our
/// devnode too). Used only when no key is given and the chain is a devnode.
pub const NITRO_DEV_KEY: &str =
    "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Hex private key in this environment variable.
    Env(String),
    /// Encrypted JSON keystore; its password in the environment variable.
    Keystore {
        /// The keystore file.
        path: std::path::PathBuf,
        /// Environment variable holding the password.
        password_env: String,
    },
    /// The dev key, allowed on chain id [`DEVNODE_CHAIN_ID`] only.
    DevDefault,
}

/// Parses a hex private key (with or without `0x`).
///
/// # Errors
/// Says what is wrong without echoing the key.
pub fn parse_key(text: &str, origin: &str) -> Result<PrivateKeySigner> {
    let t = text.trim();
    let hex = t.strip_prefix("0x").unwrap_or(t);
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!(
            "bad key in {origin}: expected 32 bytes as 64 hex digits (optionally 0x-prefixed), \
             got {} characters",
            t.len()
        );
    }
    hex.parse::<PrivateKeySigner>()
        .map_err(|e| anyhow::anyhow!("bad key in {origin}: {e}"))
}

/// Loads the signer for `source` on a chain with `chain_id`.
///
/// # Errors
/// Missing or malformed variable, unreadable keystore or wrong password, or
/// the dev default requested on another chain.
pub fn load(source: &KeySource, chain_id: u64) -> Result<PrivateKeySigner> {
    match source {
        KeySource::Env(var) => {
            let text = std::env::var(var).with_context(|| {
                format!("environment variable {var} (the private key) is not set")
            })?;
            parse_key(&text, &format!("${var}"))
        }
        KeySource::Keystore { path, password_env } => {
            let password = std::env::var(password_env).with_context(|| {
                format!("environment variable {password_env} (the keystore password) is not set")
            })?;
            decrypt(path, &password)
        }
        KeySource::DevDefault => {
            if chain_id != DEVNODE_CHAIN_ID {
                bail!(
                    "no key given and chain id {chain_id} is not a devnode ({DEVNODE_CHAIN_ID}); \
                     pass --private-key-env VAR or --keystore FILE"
                );
            }
            parse_key(NITRO_DEV_KEY, "the devnode dev key")
        }
    }
}

fn decrypt(path: &Path, password: &str) -> Result<PrivateKeySigner> {
    if !path.exists() {
        bail!("keystore {} does not exist", path.display());
    }
    PrivateKeySigner::decrypt_keystore(path, password)
        .map_err(|e| anyhow::anyhow!("cannot decrypt keystore {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_rejects_bad_ones_without_echoing_them() {
        let k = parse_key(NITRO_DEV_KEY, "x").unwrap();
        assert_eq!(
            k.address(),
            "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"
                .parse::<alloy::primitives::Address>()
                .unwrap()
        );
        assert_eq!(
            parse_key(&NITRO_DEV_KEY[2..], "x").unwrap().address(),
            k.address()
        );
        let secret = "0x1234zz";
        let err = parse_key(secret, "$K").unwrap_err().to_string();
        assert!(err.contains("bad key in $K"), "{err}");
        assert!(!err.contains("1234zz"), "the key is not echoed: {err}");
        // the zero scalar is not a key
        let zero = format!("0x{}", "0".repeat(64));
        assert!(parse_key(&zero, "$K").is_err());
    }

    #[test]
    fn sources_fail_with_clear_messages() {
        let err = load(&KeySource::Env("STYLUS_IP_TEST_UNSET_VAR".into()), 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("STYLUS_IP_TEST_UNSET_VAR") && err.contains("not set"));
        let err = load(&KeySource::DevDefault, 42161).unwrap_err().to_string();
        assert!(err.contains("not a devnode"), "{err}");
        assert!(load(&KeySource::DevDefault, DEVNODE_CHAIN_ID).is_ok());
        let err = decrypt(Path::new("/nonexistent/keystore.json"), "pw")
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"));
    }

    #[test]
    fn keystore_round_trip_and_wrong_password() {
        let dir = std::env::temp_dir().join(format!("stylus-ip-keys-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut rng = rand_core_compat();
        // (the second value is the keystore's UUID; the file is named as asked)
        let (signer, _uuid) =
            PrivateKeySigner::new_keystore(&dir, &mut rng, "correct horse", Some("k.json"))
                .unwrap();
        let path = dir.join("k.json");
        assert_eq!(
            decrypt(&path, "correct horse").unwrap().address(),
            signer.address()
        );
        let err = decrypt(&path, "wrong").unwrap_err().to_string();
        assert!(err.contains("cannot decrypt keystore"), "{err}");
    }

    fn rand_core_compat() -> impl alloy::signers::k256::elliptic_curve::rand_core::CryptoRngCore {
        alloy::signers::k256::elliptic_curve::rand_core::OsRng
    }
}
