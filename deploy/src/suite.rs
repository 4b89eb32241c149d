//! The whole suite: what gets deployed, in which order, with which
//! arguments, and how it is wired.
//!
//! Every address is deterministic (CREATE2 through the deterministic factory
//! or the StylusDeployer), so [`plan`] computes the complete deployment
//! offline from the WASM, the configuration and the deployer; [`deploy`]
//! then runs it step by step through the resumable [`Engine`].
//!
//! | order | contract | how |
//! |---|---|---|
//! | 1–6 | `provenance`, `license-market`, `share-vault`, `splits`, `share-offering`, `share-buyout` | program via the CREATE2 factory + `activateProgram` (no constructor: singletons and clone implementations) |
//! | 5–6 | `ip-collection`, `ip-editions` | StylusDeployer (deploy + activate + constructor in one transaction), the constructor locking each implementation |
//! | 7–8 | `vault-factory`, `split-factory` | StylusDeployer, constructor arguments = the share-vault implementation, the licence market, the buyout module and the configured Uniswap V2 factory / the splits implementation |
//! | 9–10 | `collection`, `editions` | the studio's own ERC-721 and ERC-1155 instances: clones of the implementations, initialised inside their creation transaction ([`crate::clone`]) |
//! | 11… | wiring | minters, the licence market as lease operator for the owner's tokens (owner opt-in), ownership offered to the configured owner last (two-step: the new owner calls `acceptOwnership()`) |
//!
//! A program above the 24,576-byte code limit is deployed fragmented
//! (ArbOS 60+, [`ProgramCode::Fragmented`]): its fragments through the
//! CREATE2 factory first, one step each, then its root as above; the chain's
//! fragment limit is checked before anything is sent.
//!
//! Provenance records need no role: the registry asks the collection whether
//! the writer is a minter (or the token's owner), so granting minters here
//! also makes them provenance writers.

use std::path::Path;

use alloy::network::Ethereum;
use alloy::primitives::{keccak256, Address, Bytes, U256};
use alloy::providers::Provider;
use alloy::sol_types::{SolCall, SolConstructor, SolValue};
use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::bindings::{IpCollection, IpEditions};
use crate::engine::{salt_for, Engine, ProgramCode};
use crate::manifest::Manifest;
use crate::stylus;

/// Programs deployed without a constructor, in order.
pub const PLAIN_PROGRAMS: [&str; 6] = [
    "provenance",
    "license-market",
    "share-vault",
    "splits",
    "share-offering",
    "share-buyout",
];
/// Programs deployed with a constructor through the StylusDeployer, in order.
pub const CONSTRUCTED_PROGRAMS: [&str; 4] = [
    "ip-collection",
    "ip-editions",
    "vault-factory",
    "split-factory",
];

/// `keccak256("MINTER_ROLE")`, the ERC-1155 editions' minter role.
#[must_use]
pub fn minter_role() -> alloy::primitives::B256 {
    keccak256("MINTER_ROLE")
}

/// The studio's ERC-721 collection instance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CollectionConfig {
    /// Create it at all.
    pub enabled: bool,
    /// ERC-721 name.
    pub name: String,
    /// ERC-721 symbol.
    pub symbol: String,
    /// Base URI of token metadata.
    pub base_uri: String,
    /// Default EIP-2981 royalty receiver (default: the owner).
    pub royalty_receiver: Option<Address>,
    /// Default royalty in basis points (≤ 10,000).
    pub royalty_bps: u16,
    /// Accounts allowed to mint (and so to write provenance records).
    pub minters: Vec<Address>,
    /// The owner approves the licence market as lease operator for its own tokens.
    pub lease_market_opt_in: bool,
}

impl Default for CollectionConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            name: "stylus-ip Genesis".into(),
            symbol: "SIPG".into(),
            base_uri: "ipfs://".into(),
            royalty_receiver: None,
            royalty_bps: 500,
            minters: Vec::new(),
            lease_market_opt_in: true,
        }
    }
}

/// The studio's ERC-1155 editions instance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EditionsConfig {
    /// Create it at all.
    pub enabled: bool,
    /// Base URI (`{id}` substitution per ERC-1155).
    pub base_uri: String,
    /// Default EIP-2981 royalty receiver (default: the owner).
    pub royalty_receiver: Option<Address>,
    /// Default royalty in basis points (≤ 10,000).
    pub royalty_bps: u16,
    /// Accounts granted `MINTER_ROLE`.
    pub minters: Vec<Address>,
    /// The owner approves the licence market as lease operator for its own units.
    pub lease_market_opt_in: bool,
}

impl Default for EditionsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            base_uri: "ipfs://editions/{id}.json".into(),
            royalty_receiver: None,
            royalty_bps: 500,
            minters: Vec::new(),
            lease_market_opt_in: true,
        }
    }
}

/// `deploy.toml`: what to create beyond the contracts themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SuiteConfig {
    /// Deployment namespace: every address of a suite deployed under another
    /// namespace differs (e.g. a staging suite beside production on one
    /// chain, or a test run on a long-lived devnode). Default: none, the
    /// canonical addresses.
    pub namespace: Option<String>,
    /// Final owner of the collection and editions instances (default: the
    /// deployer). Ownership is offered after the wiring; the owner accepts
    /// it with `acceptOwnership()` (two-step, so a typo cannot lose it).
    pub owner: Option<Address>,
    /// The ERC-721 instance.
    pub collection: CollectionConfig,
    /// The ERC-1155 instance.
    pub editions: EditionsConfig,
    /// The Uniswap V2 factory whose pairs of a vault's shares may be
    /// registered as non-accruing pools (default: none, pools off). On
    /// Arbitrum One, Uniswap's V2 factory; the demo deploys one from npm.
    pub amm_factory: Option<Address>,
    /// The Uniswap V2 router every vault treats as non-accruing (it only
    /// forwards shares within a call). Default: none.
    pub amm_router: Option<Address>,
}

impl SuiteConfig {
    /// Reads and validates a `deploy.toml`.
    ///
    /// # Errors
    /// When the file cannot be read, is not valid TOML for this schema, or
    /// has out-of-range values.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        let config: Self =
            toml::from_str(&text).with_context(|| format!("parsing config {}", path.display()))?;
        config
            .validate()
            .with_context(|| format!("config {}", path.display()))?;
        Ok(config)
    }

    /// Checks value ranges before anything is sent.
    ///
    /// # Errors
    /// Names the bad field.
    pub fn validate(&self) -> Result<()> {
        if self.collection.royalty_bps > 10_000 {
            bail!(
                "collection.royalty_bps is {}, at most 10000 (100 %)",
                self.collection.royalty_bps
            );
        }
        if self.editions.royalty_bps > 10_000 {
            bail!(
                "editions.royalty_bps is {}, at most 10000 (100 %)",
                self.editions.royalty_bps
            );
        }
        if self.owner == Some(Address::ZERO) {
            bail!("owner is the zero address");
        }
        if self.amm_router == Some(Address::ZERO) {
            bail!("amm_router is the zero address (leave it out)");
        }
        if self.amm_factory == Some(Address::ZERO) {
            bail!("amm_factory is the zero address (leave it out to turn pools off)");
        }
        if let Some(ns) = &self.namespace {
            if ns.is_empty() || ns.len() > 64 || !ns.chars().all(|c| c.is_ascii_graphic()) {
                bail!("namespace {ns:?}: 1 to 64 printable ASCII characters, no spaces");
            }
        }
        for (what, list) in [
            ("collection.minters", &self.collection.minters),
            ("editions.minters", &self.editions.minters),
        ] {
            if list.contains(&Address::ZERO) {
                bail!("{what} contains the zero address");
            }
        }
        Ok(())
    }
}

/// Every program of the suite in on-chain form, compressed once: classic
/// code (`EF F0 00 00` + brotli of the built WASM), or fragments when that
/// exceeds 24,576 bytes ([`ProgramCode`]).
#[derive(Debug, Clone)]
pub struct Artifacts {
    code: std::collections::BTreeMap<String, ProgramCode>,
}

impl Artifacts {
    /// Reads `target/wasm/<contract>.wasm` for every program of the suite and
    /// compresses it.
    ///
    /// # Errors
    /// When one is missing (run `cargo ip build`).
    pub fn load(root: &Path) -> Result<Self> {
        let mut wasm = std::collections::BTreeMap::new();
        for name in PLAIN_PROGRAMS.iter().chain(CONSTRUCTED_PROGRAMS.iter()) {
            let path = root.join("target/wasm").join(format!("{name}.wasm"));
            let bytes = std::fs::read(&path)
                .with_context(|| format!("{}: not built; run `cargo ip build`", path.display()))?;
            wasm.insert((*name).to_string(), bytes);
        }
        Ok(Self::from_wasm(wasm))
    }

    /// From WASM already in memory.
    #[must_use]
    pub fn from_wasm(wasm: std::collections::BTreeMap<String, Vec<u8>>) -> Self {
        let code = wasm
            .into_iter()
            .map(|(name, w)| (name, ProgramCode::from_wasm(&w)))
            .collect();
        Self { code }
    }

    /// One program's on-chain form, single or fragmented.
    ///
    /// # Errors
    /// When `name` is not part of the set.
    pub fn program(&self, name: &str) -> Result<&ProgramCode> {
        self.code
            .get(name)
            .with_context(|| format!("no WASM for {name}"))
    }

    /// One single program's on-chain code.
    ///
    /// # Errors
    /// When `name` is not part of the set, or is fragmented (see [`Self::program`]).
    pub fn get(&self, name: &str) -> Result<&[u8]> {
        match self.program(name)? {
            ProgramCode::Single(code) => Ok(code),
            ProgramCode::Fragmented(split) => bail!(
                "{name} exceeds the single-program code limit: it deploys as {} fragments",
                split.fragments.len()
            ),
        }
    }
}

/// Addresses of everything the suite deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SuiteAddresses {
    /// Provenance registry (singleton).
    pub provenance: Address,
    /// Licence market (singleton).
    pub license_market: Address,
    /// Share-vault implementation.
    pub share_vault: Address,
    /// Split-wallet implementation.
    pub splits: Address,
    /// ERC-721 implementation (locked).
    pub ip_collection: Address,
    /// ERC-1155 implementation (locked).
    pub ip_editions: Address,
    /// Vault factory.
    pub vault_factory: Address,
    /// Split factory.
    pub split_factory: Address,
    /// Share offering (singleton): primary sales of vault shares.
    pub share_offering: Address,
    /// Share buyout (singleton): every vault's buyout module.
    pub share_buyout: Address,
    /// The Uniswap V2 factory the vaults accept pools of (zero: none).
    pub amm_factory: Address,
    /// The studio's ERC-721 instance, if configured.
    pub collection: Option<Address>,
    /// The studio's ERC-1155 instance, if configured.
    pub editions: Option<Address>,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A program without constructor (CREATE2 factory + activation).
    Program {
        /// Contract name.
        name: &'static str,
    },
    /// A program with constructor arguments (StylusDeployer).
    Constructed {
        /// Contract name.
        name: &'static str,
        /// ABI-encoded constructor arguments.
        args: Vec<u8>,
    },
    /// A clone of `implementation` initialised by `init` at creation.
    Clone {
        /// Instance name.
        name: &'static str,
        /// The implementation.
        implementation: Address,
        /// Initializer calldata.
        init: Vec<u8>,
    },
    /// A one-time call.
    Call {
        /// Step id.
        id: String,
        /// Target.
        to: Address,
        /// Calldata.
        data: Vec<u8>,
    },
}

/// The complete deployment, computed offline.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Steps in order.
    pub steps: Vec<Step>,
    /// Where everything will be.
    pub addresses: SuiteAddresses,
    /// The config's namespace (the engine salts with it).
    pub namespace: Option<String>,
    /// Fragments of each program (0: a single contract).
    pub fragments: std::collections::BTreeMap<String, usize>,
}

/// The code of program `name`'s own contract: classic code, or the root
/// naming its fragments at their deterministic addresses.
fn program_contract_code(artifacts: &Artifacts, ns: Option<&str>, name: &str) -> Result<Vec<u8>> {
    Ok(artifacts
        .program(name)?
        .layout(name, salt_for(ns, name))
        .code)
}

fn program_address(artifacts: &Artifacts, ns: Option<&str>, name: &str) -> Result<Address> {
    Ok(stylus::create2_address(
        salt_for(ns, name),
        &stylus_validate::deploy_init_code(&program_contract_code(artifacts, ns, name)?),
    ))
}

fn constructed_address(
    artifacts: &Artifacts,
    ns: Option<&str>,
    name: &str,
    args: &[u8],
) -> Result<Address> {
    let code = program_contract_code(artifacts, ns, name)?;
    let mut init_data = stylus::STYLUS_CONSTRUCTOR_SELECTOR.to_vec();
    init_data.extend_from_slice(args);
    Ok(stylus::stylus_deployer_address(
        salt_for(ns, name),
        &init_data,
        &stylus_validate::deploy_init_code(&code),
    ))
}

fn clone_address(ns: Option<&str>, name: &str, implementation: Address, init: &[u8]) -> Address {
    stylus::create2_address(
        salt_for(ns, name),
        &crate::clone::clone_init_code(implementation, init),
    )
}

/// Computes the whole deployment for `deployer`.
///
/// # Errors
/// When the configuration is invalid or a program's WASM is missing.
pub fn plan(config: &SuiteConfig, artifacts: &Artifacts, deployer: Address) -> Result<Plan> {
    config.validate()?;
    let ns = config.namespace.as_deref();
    let mut steps = Vec::new();
    let fragments = PLAIN_PROGRAMS
        .iter()
        .chain(CONSTRUCTED_PROGRAMS.iter())
        .map(|name| {
            Ok((
                (*name).to_string(),
                artifacts.program(name)?.fragment_count(),
            ))
        })
        .collect::<Result<_>>()?;
    let mut at = std::collections::BTreeMap::new();
    for name in PLAIN_PROGRAMS {
        at.insert(name, program_address(artifacts, ns, name)?);
        steps.push(Step::Program { name });
    }
    // Implementations are locked by their constructor (owner = deployer,
    // no royalty): nobody can initialise them as collections of their own.
    let collection_impl_args = IpCollection::constructorCall {
        name: "stylus-ip ERC-721 implementation".into(),
        symbol: "SIPIMPL".into(),
        baseUri: String::new(),
        owner: deployer,
        royaltyReceiver: deployer,
        royaltyBps: alloy::primitives::aliases::U96::ZERO,
    }
    .abi_encode();
    let editions_impl_args = IpEditions::constructorCall {
        baseUri: String::new(),
        owner: deployer,
        royaltyReceiver: deployer,
        royaltyBps: alloy::primitives::aliases::U96::ZERO,
    }
    .abi_encode();
    // The vault factory gives every vault the suite's licence market, its
    // buyout module, the share offering (non-accruing in every vault) and
    // the configured Uniswap V2 factory (zero: pools off).
    let amm_factory = config.amm_factory.unwrap_or_default();
    let vault_factory_args = (
        at["share-vault"],
        at["license-market"],
        at["share-buyout"],
        at["share-offering"],
        config.amm_router.unwrap_or_default(),
        amm_factory,
    )
        .abi_encode_params();
    let split_factory_args = at["splits"].abi_encode();
    for (name, args) in [
        ("ip-collection", collection_impl_args),
        ("ip-editions", editions_impl_args),
        ("vault-factory", vault_factory_args),
        ("split-factory", split_factory_args),
    ] {
        at.insert(name, constructed_address(artifacts, ns, name, &args)?);
        steps.push(Step::Constructed { name, args });
    }
    let owner = config.owner.unwrap_or(deployer);
    let market = at["license-market"];

    let mut collection = None;
    if config.collection.enabled {
        let c = &config.collection;
        let init = IpCollection::initializeCall {
            name: c.name.clone(),
            symbol: c.symbol.clone(),
            baseUri: c.base_uri.clone(),
            owner: deployer,
            royaltyReceiver: c.royalty_receiver.unwrap_or(owner),
            royaltyBps: alloy::primitives::aliases::U96::from(c.royalty_bps),
        }
        .abi_encode();
        let address = clone_address(ns, "collection", at["ip-collection"], &init);
        steps.push(Step::Clone {
            name: "collection",
            implementation: at["ip-collection"],
            init,
        });
        for m in &c.minters {
            steps.push(Step::Call {
                id: format!("wire:collection:setMinter:{m}"),
                to: address,
                data: IpCollection::setMinterCall {
                    account: *m,
                    enabled: true,
                }
                .abi_encode(),
            });
        }
        if c.lease_market_opt_in {
            steps.push(Step::Call {
                id: "wire:collection:setLeaseOperator:license-market".into(),
                to: address,
                data: IpCollection::setLeaseOperatorCall {
                    operator: market,
                    approved: true,
                }
                .abi_encode(),
            });
        }
        if owner != deployer {
            steps.push(Step::Call {
                id: format!("wire:collection:transferOwnership:{owner}"),
                to: address,
                data: IpCollection::transferOwnershipCall { newOwner: owner }.abi_encode(),
            });
        }
        collection = Some(address);
    }

    let mut editions = None;
    if config.editions.enabled {
        let e = &config.editions;
        let init = IpEditions::initializeCall {
            baseUri: e.base_uri.clone(),
            owner: deployer,
            royaltyReceiver: e.royalty_receiver.unwrap_or(owner),
            royaltyBps: alloy::primitives::aliases::U96::from(e.royalty_bps),
        }
        .abi_encode();
        let address = clone_address(ns, "editions", at["ip-editions"], &init);
        steps.push(Step::Clone {
            name: "editions",
            implementation: at["ip-editions"],
            init,
        });
        for m in &e.minters {
            steps.push(Step::Call {
                id: format!("wire:editions:grantRole:MINTER_ROLE:{m}"),
                to: address,
                data: IpEditions::grantRoleCall {
                    role: minter_role(),
                    account: *m,
                }
                .abi_encode(),
            });
        }
        if e.lease_market_opt_in {
            steps.push(Step::Call {
                id: "wire:editions:setLeaseOperator:license-market".into(),
                to: address,
                data: IpEditions::setLeaseOperatorCall {
                    operator: market,
                    approved: true,
                }
                .abi_encode(),
            });
        }
        if owner != deployer {
            steps.push(Step::Call {
                id: format!("wire:editions:transferOwnership:{owner}"),
                to: address,
                data: IpEditions::transferOwnershipCall { newOwner: owner }.abi_encode(),
            });
        }
        editions = Some(address);
    }

    Ok(Plan {
        steps,
        addresses: SuiteAddresses {
            provenance: at["provenance"],
            license_market: market,
            share_vault: at["share-vault"],
            splits: at["splits"],
            ip_collection: at["ip-collection"],
            ip_editions: at["ip-editions"],
            vault_factory: at["vault-factory"],
            split_factory: at["split-factory"],
            share_offering: at["share-offering"],
            share_buyout: at["share-buyout"],
            amm_factory,
            collection,
            editions,
        },
        namespace: config.namespace.clone(),
        fragments,
    })
}

impl Plan {
    /// The name → address pairs of every contract in the plan.
    #[must_use]
    pub fn contracts(&self) -> Vec<(&'static str, Address)> {
        let a = &self.addresses;
        let mut out = vec![
            ("provenance", a.provenance),
            ("license-market", a.license_market),
            ("share-vault", a.share_vault),
            ("splits", a.splits),
            ("ip-collection", a.ip_collection),
            ("ip-editions", a.ip_editions),
            ("vault-factory", a.vault_factory),
            ("split-factory", a.split_factory),
            ("share-offering", a.share_offering),
            ("share-buyout", a.share_buyout),
        ];
        out.extend(a.collection.map(|c| ("collection", c)));
        out.extend(a.editions.map(|e| ("editions", e)));
        out
    }

    /// Checks that a manifest's recorded contracts are where this plan puts
    /// them: a different address means the code or the configuration changed
    /// since the manifest was written, and resuming would mix two suites.
    ///
    /// # Errors
    /// Names the contract, both addresses and what to do.
    pub fn check_manifest(&self, manifest: &Manifest) -> Result<()> {
        for (name, address) in self.contracts() {
            if let Some(rec) = manifest.contracts.get(name) {
                if rec.address != address {
                    bail!(
                        "{name} is recorded at {} in the manifest but this build and \
                         configuration put it at {address} (its code or constructor/initializer \
                         arguments changed); deploy the new version with a new --manifest",
                        rec.address
                    );
                }
            }
        }
        Ok(())
    }

    /// Number of engine steps (programs count twice: deploy + activate;
    /// each fragment of a fragmented program is one more).
    #[must_use]
    pub fn engine_steps(&self) -> usize {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Program { name } => 2 + self.fragments.get(*name).copied().unwrap_or(0),
                Step::Constructed { name, .. } => {
                    1 + self.fragments.get(*name).copied().unwrap_or(0)
                }
                Step::Clone { .. } | Step::Call { .. } => 1,
            })
            .sum()
    }
}

/// Runs `plan` through `engine`, in order.
///
/// # Errors
/// The first failing step's error; everything before it stays recorded in
/// the manifest and is skipped on the next run.
pub async fn deploy<P: Provider<Ethereum>>(
    engine: &mut Engine<P>,
    plan: &Plan,
    artifacts: &Artifacts,
) -> Result<SuiteAddresses> {
    plan.check_manifest(engine.manifest())?;
    // A fragmented program the chain cannot take stops the run before
    // anything is sent.
    for step in &plan.steps {
        if let Step::Program { name } | Step::Constructed { name, .. } = step {
            engine
                .check_fragments(name, artifacts.program(name)?)
                .await?;
        }
    }
    engine.set_total(plan.engine_steps());
    engine.namespace.clone_from(&plan.namespace);
    for step in &plan.steps {
        match step {
            Step::Program { name } => {
                engine
                    .deploy_program(name, artifacts.program(name)?)
                    .await?;
            }
            Step::Constructed { name, args } => {
                engine
                    .constructed_program(name, artifacts.program(name)?, args)
                    .await?;
            }
            Step::Clone {
                name,
                implementation,
                init,
            } => {
                engine
                    .clone_initialized(name, *implementation, init)
                    .await?;
            }
            Step::Call { id, to, data } => {
                engine
                    .call_once(id, *to, Bytes::copy_from_slice(data), U256::ZERO)
                    .await?;
            }
        }
    }
    Ok(plan.addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifacts() -> Artifacts {
        // Distinct byte strings stand in for WASM: planning only hashes them.
        let mut m = std::collections::BTreeMap::new();
        for (i, n) in PLAIN_PROGRAMS
            .iter()
            .chain(CONSTRUCTED_PROGRAMS.iter())
            .enumerate()
        {
            m.insert((*n).to_string(), vec![0, 0x61, 0x73, 0x6d, i as u8]);
        }
        Artifacts::from_wasm(m)
    }

    #[test]
    fn plan_orders_dependencies_and_addresses_are_distinct() {
        let deployer = Address::repeat_byte(0xd0);
        let p = plan(&SuiteConfig::default(), &artifacts(), deployer).unwrap();
        let names: Vec<_> = p.contracts().iter().map(|c| c.1).collect();
        let set: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(set.len(), names.len(), "every contract has its own address");
        // factories are constructed with their implementations
        let vf = p
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Constructed {
                    name: "vault-factory",
                    args,
                } => Some(args.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            vf,
            (
                p.addresses.share_vault,
                p.addresses.license_market,
                p.addresses.share_buyout,
                p.addresses.share_offering,
                Address::ZERO,
                Address::ZERO
            )
                .abi_encode_params()
        );
        // a configured AMM factory reaches the vault factory (and moves it)
        let amm = Address::repeat_byte(0xa3);
        let with_amm = plan(
            &SuiteConfig {
                amm_factory: Some(amm),
                ..SuiteConfig::default()
            },
            &artifacts(),
            deployer,
        )
        .unwrap();
        assert_eq!(with_amm.addresses.amm_factory, amm);
        assert_ne!(with_amm.addresses.vault_factory, p.addresses.vault_factory);
        // the default config: two instances, both opted in, no ownership change
        assert!(p.addresses.collection.is_some() && p.addresses.editions.is_some());
        assert_eq!(
            p.steps
                .iter()
                .filter(|s| matches!(s, Step::Call { .. }))
                .count(),
            2
        );
        // 6 programs ×2 + 4 constructed + 2 clones + 2 calls
        assert_eq!(p.engine_steps(), 20);
        // the plan is a pure function of its inputs
        let again = plan(&SuiteConfig::default(), &artifacts(), deployer).unwrap();
        assert_eq!(again.addresses, p.addresses);
        // another deployer: same programs, different constructed contracts
        let other = plan(
            &SuiteConfig::default(),
            &artifacts(),
            Address::repeat_byte(1),
        )
        .unwrap();
        assert_eq!(other.addresses.provenance, p.addresses.provenance);
        assert_ne!(other.addresses.ip_collection, p.addresses.ip_collection);
    }

    #[test]
    fn a_namespace_moves_every_address_and_only_then() {
        let deployer = Address::repeat_byte(0xd0);
        let canonical = plan(&SuiteConfig::default(), &artifacts(), deployer).unwrap();
        let staging = SuiteConfig {
            namespace: Some("staging".into()),
            ..SuiteConfig::default()
        };
        let a = plan(&staging, &artifacts(), deployer).unwrap();
        assert_eq!(a.namespace.as_deref(), Some("staging"));
        let before: std::collections::BTreeSet<_> =
            canonical.contracts().into_iter().map(|c| c.1).collect();
        for (name, address) in a.contracts() {
            assert!(
                !before.contains(&address),
                "{name} kept its canonical address"
            );
        }
        // the same namespace gives the same suite; another one, another suite
        assert_eq!(
            plan(&staging, &artifacts(), deployer).unwrap().addresses,
            a.addresses
        );
        let other = SuiteConfig {
            namespace: Some("e2e-1".into()),
            ..SuiteConfig::default()
        };
        let b = plan(&other, &artifacts(), deployer).unwrap();
        assert_ne!(b.addresses.license_market, a.addresses.license_market);
        // names that could not be typed back are refused
        for bad in ["", "has space", &"x".repeat(65)] {
            let c = SuiteConfig {
                namespace: Some(bad.to_string()),
                ..SuiteConfig::default()
            };
            let err = plan(&c, &artifacts(), deployer).unwrap_err().to_string();
            assert!(err.contains("namespace"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn wiring_follows_the_config_and_owner_is_handed_over_last() {
        let deployer = Address::repeat_byte(0xd0);
        let owner = Address::repeat_byte(0x0e);
        let minter = Address::repeat_byte(0x33);
        let mut config = SuiteConfig {
            owner: Some(owner),
            ..SuiteConfig::default()
        };
        config.collection.minters = vec![minter];
        config.editions.enabled = false;
        let p = plan(&config, &artifacts(), deployer).unwrap();
        assert!(p.addresses.editions.is_none());
        let ids: Vec<_> = p
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Call { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                format!("wire:collection:setMinter:{minter}"),
                "wire:collection:setLeaseOperator:license-market".to_string(),
                format!("wire:collection:transferOwnership:{owner}"),
            ]
        );
        // a different collection name moves the instance, not the programs
        let mut renamed = config;
        renamed.collection.name = "Other".into();
        let q = plan(&renamed, &artifacts(), deployer).unwrap();
        assert_ne!(q.addresses.collection, p.addresses.collection);
        assert_eq!(q.addresses.vault_factory, p.addresses.vault_factory);
        // ... which a manifest of the first plan refuses
        let mut m = Manifest::new(1, deployer);
        m.contracts.insert(
            "collection".into(),
            crate::manifest::ContractRecord {
                address: p.addresses.collection.unwrap(),
                ..Default::default()
            },
        );
        assert!(p.check_manifest(&m).is_ok());
        let err = q.check_manifest(&m).unwrap_err().to_string();
        assert!(err.contains("collection is recorded at"), "{err}");
    }

    #[test]
    fn config_parses_toml_and_rejects_bad_values() {
        let c: SuiteConfig = toml::from_str(
            r#"
            owner = "0x00000000000000000000000000000000000000aa"
            [collection]
            name = "Studio"
            royalty_bps = 750
            minters = ["0x00000000000000000000000000000000000000bb"]
            [editions]
            enabled = false
            "#,
        )
        .unwrap();
        assert_eq!(c.collection.name, "Studio");
        assert_eq!(c.collection.symbol, "SIPG", "unset fields keep defaults");
        assert!(!c.editions.enabled);
        c.validate().unwrap();
        let bad: SuiteConfig = toml::from_str("[collection]\nroyalty_bps = 10001").unwrap();
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("royalty_bps"));
        assert!(toml::from_str::<SuiteConfig>("[collection]\nnmae = \"typo\"").is_err());
        let zero: SuiteConfig = toml::from_str(
            "[editions]\nminters = [\"0x0000000000000000000000000000000000000000\"]",
        )
        .unwrap();
        assert!(zero.validate().unwrap_err().to_string().contains("zero"));
        // the documented example is valid and equals the defaults
        let example =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy.example.toml");
        assert_eq!(SuiteConfig::load(&example).unwrap(), SuiteConfig::default());
    }
}
