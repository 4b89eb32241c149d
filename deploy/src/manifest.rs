//! The deployment manifest: what has been deployed where, written atomically
//! after every step so that a crash or Ctrl-C never loses it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use alloy::primitives::{Address, B256, U256};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// Current manifest format version.
pub const FORMAT: u32 = 1;

/// One transaction the deployment sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxRecord {
    /// Transaction hash (recorded *before* waiting for the receipt).
    pub hash: B256,
    /// Gas used, once mined.
    pub gas_used: Option<u64>,
    /// Block number, once mined.
    pub block: Option<u64>,
}

/// A deployed contract or clone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRecord {
    /// Its address.
    pub address: Address,
    /// keccak256 of its on-chain code.
    pub code_hash: B256,
    /// The transaction that created it.
    pub deploy_tx: Option<TxRecord>,
    /// The `activateProgram` transaction (Stylus programs deployed without the StylusDeployer).
    pub activate_tx: Option<TxRecord>,
    /// Data fee paid at activation, in wei.
    pub data_fee: Option<U256>,
}

/// Everything a deployment did, keyed by step name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version ([`FORMAT`]).
    pub format: u32,
    /// Chain the deployment belongs to.
    pub chain_id: u64,
    /// The deploying account.
    pub deployer: Address,
    /// Contracts by name (e.g. `ip-collection`, `splits-impl`); a fragmented
    /// program's fragments as `<program>.fragment<i>`, its root under the
    /// program's name.
    pub contracts: BTreeMap<String, ContractRecord>,
    /// Completed steps, by step id, with the transaction that completed each
    /// (or `None` for steps satisfied without a transaction).
    pub steps: BTreeMap<String, Option<TxRecord>>,
    /// Transactions sent for steps not yet confirmed, by step id.
    pub in_flight: BTreeMap<String, TxRecord>,
}

impl Manifest {
    /// A fresh manifest for `chain_id` and `deployer`.
    #[must_use]
    pub fn new(chain_id: u64, deployer: Address) -> Self {
        Self {
            format: FORMAT,
            chain_id,
            deployer,
            ..Self::default()
        }
    }

    /// Loads `path`, or returns `None` when it does not exist.
    ///
    /// # Errors
    /// When the file exists but cannot be read or parsed, or has another format.
    pub fn load(path: &Path) -> Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e).with_context(|| format!("reading manifest {}", path.display()))
            }
        };
        let manifest: Self = serde_json::from_str(&text)
            .with_context(|| format!("parsing manifest {}", path.display()))?;
        if manifest.format != FORMAT {
            bail!(
                "manifest {} has format {}, this tool writes {FORMAT}",
                path.display(),
                manifest.format
            );
        }
        Ok(Some(manifest))
    }

    /// Checks that this manifest belongs to `chain_id` and `deployer`.
    ///
    /// # Errors
    /// Explains the mismatch.
    pub fn check_matches(&self, chain_id: u64, deployer: Address) -> Result<()> {
        if self.chain_id != chain_id {
            bail!(
                "the manifest is for chain id {}, but the RPC endpoint serves chain id {chain_id}; \
                 use another --manifest or the right --rpc-url",
                self.chain_id
            );
        }
        if self.deployer != deployer {
            bail!(
                "the manifest was written by deployer {}, but the key given is {deployer}; \
                 resume with the same key or start a new manifest",
                self.deployer
            );
        }
        Ok(())
    }

    /// Writes the manifest atomically: a temporary file in the same directory,
    /// flushed to disk, then renamed over `path`.
    ///
    /// # Errors
    /// On I/O errors (the previous manifest is then left intact).
    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("manifest"),
            std::process::id()
        ));
        {
            let mut f = std::fs::File::create(&tmp)
                .with_context(|| format!("creating {}", tmp.display()))?;
            f.write_all(serde_json::to_string_pretty(self)?.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
        Ok(())
    }

    /// Whether step `id` is complete.
    #[must_use]
    pub fn done(&self, id: &str) -> bool {
        self.steps.contains_key(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let d =
            std::env::temp_dir().join(format!("stylus-ip-manifest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d.join("manifest.json")
    }

    #[test]
    fn round_trips_and_overwrites_atomically() {
        let path = temp("rt");
        assert!(Manifest::load(&path).unwrap().is_none());
        let mut m = Manifest::new(412_346, Address::repeat_byte(1));
        m.contracts.insert(
            "ip-collection".into(),
            ContractRecord {
                address: Address::repeat_byte(2),
                ..ContractRecord::default()
            },
        );
        m.steps.insert(
            "deploy:ip-collection".into(),
            Some(TxRecord {
                hash: B256::repeat_byte(3),
                gas_used: Some(5),
                block: Some(7),
            }),
        );
        m.save(&path).unwrap();
        assert_eq!(Manifest::load(&path).unwrap().unwrap(), m);
        m.in_flight.insert("activate:x".into(), TxRecord::default());
        m.save(&path).unwrap();
        assert_eq!(Manifest::load(&path).unwrap().unwrap(), m);
        // no temporary files left behind
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn rejects_other_chain_deployer_format_and_garbage() {
        let m = Manifest::new(1, Address::repeat_byte(1));
        assert!(m.check_matches(1, Address::repeat_byte(1)).is_ok());
        assert!(m
            .check_matches(2, Address::repeat_byte(1))
            .unwrap_err()
            .to_string()
            .contains("chain id 1"));
        assert!(m.check_matches(1, Address::repeat_byte(9)).is_err());
        let path = temp("bad");
        std::fs::write(&path, "{not json").unwrap();
        assert!(Manifest::load(&path).is_err());
        let mut other = m;
        other.format = 99;
        std::fs::write(&path, serde_json::to_string(&other).unwrap()).unwrap();
        assert!(Manifest::load(&path)
            .unwrap_err()
            .to_string()
            .contains("format 99"));
    }
}
