//! The whole suite deployed and wired on one chain, for the end-to-end state
//! machines: the in-process devnode, or any JSON-RPC node ([`Backend`]).
//!
//! [`Suite::fresh`] returns the suite as deployed and wired *once per test
//! binary and backend*: the first call deploys, later calls start from the
//! same state cheaply.
//!
//! - **In process** ([`Backend::InProcess`]): the deployed chain is cloned,
//!   the way `Sandbox::snapshot`/`revert` do, sharing the compiled programs
//!   (the devnode's engine cache is shared between clones). Transactions are
//!   free (gas price 0) and may come from any address.
//! - **Over JSON-RPC** ([`Backend::Rpc`]: `STYLUS_RPC_URL`, or the embedded
//!   devnode's server): the deploy crate deploys the suite (collection and
//!   editions as initialised clones); each case takes the chain for itself
//!   and rolls it back with `evm_revert` (see [`crate::rpc`] for how sending,
//!   return values, gas fees and block times work there).
//!
//! Either way a case sees the same contracts, roles, royalties and actors,
//! and [`Suite::balance`] is gas-free (fees a sender paid are added back), so
//! the same reference models apply.
//!
//! Deployed (all as `admin`; in process by [`deploy_wired`], the one
//! builder, which the bad-input world also starts from):
//!
//! | field | contract | how |
//! |---|---|---|
//! | [`Suite::collection`] | `ip-collection` | `initialize` (as the deploy crate's clones), default royalty 5 % to admin |
//! | [`Suite::editions`] | `ip-editions` | `initialize`, default royalty 2.5 % to admin, editions 1 and 2 created |
//! | [`Suite::market`] | `license-market` | no constructor |
//! | [`Suite::provenance`] | `provenance` | no constructor; model 1 registered by admin |
//! | [`Suite::offering`], [`Suite::buyout`] | `share-offering`, `share-buyout` | no constructor |
//! | [`Suite::amm`] | Uniswap V2 (WETH9, factory, Router02) | from npm's artefacts ([`crate::uniswap`]) |
//! | [`Suite::vault_impl`], [`Suite::vault_factory`] | `share-vault`, `vault-factory` | factory constructor(impl, market, buyout, offering, AMM router, AMM factory) |
//! | [`Suite::split_impl`], [`Suite::split_factory`] | `splits`, `split-factory` | factory constructor(impl) |
//!
//! Wiring (the state machines' fixture on top of [`deploy_wired`], with
//! editions 1 and 2 and model 1): every actor has approved the licence market as lease operator on
//! both asset contracts and the vault factory as operator for all
//! (`setApprovalForAll`) on both; the admin (owner) holds the minter role.
//!
//! Bindings are generated from `abi/*.json` (the single source of truth):
//! [`abi`].

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::rpc::{RpcCase, RpcNode};

use alloy_primitives::{aliases::U96, Address, Bytes, Log, B256, U256};
use alloy_sol_types::{SolCall, SolEventInterface, SolInterface};

use crate::{Harness, Revert, ETH};

/// `alloy` bindings of every contract, generated from `abi/<Name>.json`:
/// the deploy crate's, so that deployment and tests share one set.
pub use stylus_ip_deploy::bindings as abi;

use abi::{
    IpCollection, IpEditions, LicenseMarket, ProvenanceRegistry, ShareVault, Split, SplitFactory,
    VaultFactory,
};

/// Timestamp every fresh in-process suite starts at (over RPC: the chain's
/// time when the suite was deployed, [`Suite::start`]).
pub const START: u64 = 1_700_000_000;
/// Funded actors of the suite (besides `admin`).
pub const ACTORS: usize = 6;
/// Default royalty of the collection, basis points (to `admin`).
pub const COLLECTION_ROYALTY_BPS: u64 = 500;
/// Default royalty of the editions, basis points (to `admin`).
pub const EDITIONS_ROYALTY_BPS: u64 = 250;
/// Royalty of edition 1, basis points (to actor 5).
pub const EDITION1_ROYALTY_BPS: u64 = 1_000;
/// The in-process admin (deployer and owner of everything), as
/// [`Harness::new`] creates it; over RPC, the deployer ([`Suite::admin`]).
pub const ADMIN: Address = Address::repeat_byte(0xAD);
/// Attester of provenance model 1.
pub const ATTESTER: Address = Address::repeat_byte(0xA7);

/// An event decoded by its emitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// From [`Suite::collection`].
    Collection(IpCollection::IpCollectionEvents),
    /// From [`Suite::editions`].
    Editions(IpEditions::IpEditionsEvents),
    /// From [`Suite::market`].
    Market(LicenseMarket::LicenseMarketEvents),
    /// From [`Suite::provenance`].
    Provenance(ProvenanceRegistry::ProvenanceRegistryEvents),
    /// From a vault listed in [`Suite::vaults`].
    Vault(Address, ShareVault::ShareVaultEvents),
    /// From [`Suite::vault_factory`].
    VaultFactory(VaultFactory::VaultFactoryEvents),
    /// From a split listed in [`Suite::splits`].
    Split(Address, Split::SplitEvents),
    /// From [`Suite::split_factory`].
    SplitFactory(SplitFactory::SplitFactoryEvents),
    /// From any other emitter (undecoded).
    Other(Log),
}

/// The licence market's event for a lease bought, or renewed when `renew`.
#[must_use]
pub fn lease_event(
    offer_id: U256,
    licensee: Address,
    expires: u64,
    price: U256,
    royalty_paid: U256,
    renew: bool,
) -> Event {
    use LicenseMarket::{LeasePurchased, LeaseRenewed, LicenseMarketEvents as Mev};
    Event::Market(if renew {
        Mev::LeaseRenewed(LeaseRenewed {
            offerId: offer_id,
            licensee,
            expires,
            price,
            royaltyPaid: royalty_paid,
        })
    } else {
        Mev::LeasePurchased(LeasePurchased {
            offerId: offer_id,
            licensee,
            expires,
            price,
            royaltyPaid: royalty_paid,
        })
    })
}

/// The events of a lease on ERC-721 token `token` of the collection, in
/// emission order: the collection's ERC-4907 `UpdateUser`, then
/// [`lease_event`].
#[must_use]
pub fn nft_lease_events(
    token: U256,
    offer_id: U256,
    licensee: Address,
    expires: u64,
    price: U256,
    royalty_paid: U256,
    renew: bool,
) -> Vec<Event> {
    vec![
        Event::Collection(IpCollection::IpCollectionEvents::UpdateUser(
            IpCollection::UpdateUser {
                tokenId: token,
                user: licensee,
                expires,
            },
        )),
        lease_event(offer_id, licensee, expires, price, royalty_paid, renew),
    ]
}

/// A successful transaction: its decoded return value and events.
#[derive(Debug, Default)]
pub struct Sent<R> {
    /// The decoded return value.
    pub ret: R,
    /// Every log, decoded (in emission order).
    pub events: Vec<Event>,
}

impl<R> Sent<R> {
    /// The same outcome without the return value.
    #[must_use]
    pub fn unit(self) -> Sent<()> {
        Sent {
            ret: (),
            events: self.events,
        }
    }
}

/// Which chain the suite runs on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The in-process devnode.
    InProcess,
    /// A JSON-RPC node: the one at this URL, or (`None`) the embedded
    /// devnode's server, started on a local port.
    Rpc(Option<String>),
}

impl Backend {
    /// `Rpc(STYLUS_RPC_URL)` when that variable is set (`embedded`: the
    /// embedded devnode's server on a local port), else `InProcess`.
    #[must_use]
    pub fn from_env() -> Self {
        match std::env::var("STYLUS_RPC_URL") {
            Ok(url) if url == "embedded" => Self::Rpc(None),
            Ok(url) => Self::Rpc(Some(url)),
            Err(_) => Self::InProcess,
        }
    }
}

/// The chain under a [`Suite`].
#[derive(Debug)]
enum Chain {
    /// In process: the devnode, the admin and the funded actors (boxed: a
    /// devnode is large next to an RPC case).
    Local(Box<Harness>),
    /// Over JSON-RPC: this case's use of the node.
    Rpc(RpcCase),
}

/// The deployed and wired suite on its own chain.
#[derive(Debug)]
pub struct Suite {
    chain: Chain,
    admin: Address,
    actors: Vec<Address>,
    /// The clock of the case (over RPC; in process the devnode's).
    now: u64,
    /// When the case started: the chain's time once the suite was deployed.
    pub start: u64,
    /// `ip-collection` (ERC-721).
    pub collection: Address,
    /// `ip-editions` (ERC-1155).
    pub editions: Address,
    /// `license-market`.
    pub market: Address,
    /// `provenance`.
    pub provenance: Address,
    /// The `share-vault` implementation.
    pub vault_impl: Address,
    /// `vault-factory`.
    pub vault_factory: Address,
    /// `share-offering` (singleton).
    pub offering: Address,
    /// `share-buyout` (singleton, every vault's buyout module).
    pub buyout: Address,
    /// Uniswap V2, whose factory's pairs the vaults accept as pools.
    pub amm: stylus_ip_deploy::uniswap::UniswapV2,
    /// The `splits` implementation.
    pub split_impl: Address,
    /// `split-factory`.
    pub split_factory: Address,
    /// Vault proxies whose events [`Suite::send`] decodes.
    pub vaults: BTreeSet<Address>,
    /// Split proxies whose events [`Suite::send`] decodes.
    pub splits: BTreeSet<Address>,
}

impl Suite {
    /// A case on the same deployment: `chain` with this suite's addresses.
    fn with_chain(&self, chain: Chain) -> Self {
        Self {
            chain,
            admin: self.admin,
            actors: self.actors.clone(),
            now: self.start,
            start: self.start,
            collection: self.collection,
            editions: self.editions,
            market: self.market,
            provenance: self.provenance,
            vault_impl: self.vault_impl,
            vault_factory: self.vault_factory,
            offering: self.offering,
            buyout: self.buyout,
            amm: self.amm,
            split_impl: self.split_impl,
            split_factory: self.split_factory,
            vaults: self.vaults.clone(),
            splits: self.splits.clone(),
        }
    }
}

/// The in-process template.
static TEMPLATE: OnceLock<Suite> = OnceLock::new();
/// The JSON-RPC template.
static RPC_TEMPLATE: OnceLock<Suite> = OnceLock::new();

/// What the reference model expects of one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect<E> {
    /// Success with exactly these events, in this order.
    Ok(Vec<Event>),
    /// A revert with exactly this custom error.
    Err(E),
}

impl<E> Default for Expect<E> {
    fn default() -> Self {
        Self::Ok(Vec::new())
    }
}

impl<E: SolInterface + PartialEq + std::fmt::Debug> Expect<E> {
    /// Checks the outcome of `what` against the expectation: the exact
    /// events on success, the exact custom error on revert.
    ///
    /// # Panics
    /// On any mismatch.
    pub fn check<T>(&self, what: &dyn std::fmt::Debug, got: &Result<Sent<T>, Revert>) {
        match (self, got) {
            (Self::Ok(want), Ok(sent)) => {
                assert_eq!(&sent.events, want, "events of {what:?}");
            }
            (Self::Ok(_), Err(r)) => {
                panic!("{what:?} reverted: {:?} ({r:?})", E::abi_decode(&r.data))
            }
            (Self::Err(e), Ok(_)) => panic!("{what:?} succeeded, the model expected {e:?}"),
            (Self::Err(e), Err(r)) => assert_eq!(&r.decode::<E>(), e, "error of {what:?}"),
        }
    }
}

/// Address of funded actor `i`: the address of its key
/// ([`crate::rpc::actor_signer`], the same on every backend).
#[must_use]
pub fn actor_address(i: usize) -> Address {
    static ACTORS_AT: OnceLock<Vec<Address>> = OnceLock::new();
    ACTORS_AT.get_or_init(|| {
        (0..ACTORS)
            .map(|i| crate::rpc::actor_signer(i).address())
            .collect()
    })[i]
}

impl Suite {
    /// The deployed template of [`Backend::from_env`] (deploying it on the
    /// first call), for reference models that need its addresses.
    #[must_use]
    pub fn template() -> &'static Self {
        Self::template_on(&Backend::from_env())
    }

    /// The deployed suite of [`Backend::from_env`] as it was deployed (on the
    /// first call of the process), with the clock at [`Suite::start`].
    ///
    /// # Panics
    /// When the backend cannot run cases ([`Suite::unusable`]).
    #[must_use]
    pub fn fresh() -> Self {
        Self::fresh_on(&Backend::from_env())
    }

    /// The deployed template on `backend`.
    ///
    /// # Panics
    /// When deployment fails, or for a second, different RPC backend in one
    /// process.
    #[must_use]
    pub fn template_on(backend: &Backend) -> &'static Self {
        match backend {
            Backend::InProcess => TEMPLATE.get_or_init(Self::deploy),
            Backend::Rpc(url) => {
                let node = RpcNode::shared(url);
                RPC_TEMPLATE.get_or_init(|| Self::deploy_rpc(node))
            }
        }
    }

    /// [`Suite::fresh`] on `backend`. Over RPC the case owns the chain until
    /// the returned suite is dropped (other cases wait).
    ///
    /// # Panics
    /// As [`Suite::template_on`], and when the backend cannot run cases.
    #[must_use]
    pub fn fresh_on(backend: &Backend) -> Self {
        let template = Self::template_on(backend);
        match &template.chain {
            Chain::Local(h) => template.with_chain(Chain::Local(Box::new(Harness {
                node: h.node.clone(),
                admin: h.admin,
                actors: h.actors.clone(),
            }))),
            Chain::Rpc(c) => {
                if let Some(why) = Self::unusable(backend) {
                    panic!("{why}");
                }
                template.with_chain(Chain::Rpc(c.node().begin()))
            }
        }
    }

    /// Why `backend` cannot run the state machines (a node without
    /// `evm_snapshot`/`evm_revert`/`evm_setNextBlockTimestamp`), or `None`.
    #[must_use]
    pub fn unusable(backend: &Backend) -> Option<String> {
        match backend {
            Backend::InProcess => None,
            Backend::Rpc(url) => {
                let node = RpcNode::shared(url);
                (!node.time_travel()).then(|| {
                    format!(
                        "the node at {} lacks evm_snapshot/evm_revert/evm_setNextBlockTimestamp, \
                         which the state machines need to isolate cases and pin block times",
                        node.url
                    )
                })
            }
        }
    }

    /// A new in-process chain with the suite from [`deploy_wired`] (default
    /// royalties to the admin) and the state machines' fixture. Activation (validation, instrumentation, compilation) recurses
    /// deeply in debug builds, so it runs on a thread with a large stack.
    ///
    /// # Panics
    /// When a WASM is missing (run `cargo ip build`) or a step fails.
    #[must_use]
    pub fn deploy() -> Self {
        crate::big_stack("suite-deploy", Self::deploy_here)
    }

    fn deploy_here() -> Self {
        let mut h = Harness::with_actors((0..ACTORS).map(actor_address).collect());
        h.node.set_timestamp(START);
        let admin = h.admin;
        let d = deploy_wired(&mut h, admin);
        let mut s = Self {
            chain: Chain::Local(Box::new(h)),
            admin,
            actors: (0..ACTORS).map(actor_address).collect(),
            now: START,
            start: START,
            collection: d.collection,
            editions: d.editions,
            market: d.market,
            provenance: d.provenance,
            vault_impl: d.vault_impl,
            vault_factory: d.vault_factory,
            offering: d.offering,
            buyout: d.buyout,
            amm: d.amm,
            split_impl: d.split_impl,
            split_factory: d.split_factory,
            vaults: BTreeSet::new(),
            splits: BTreeSet::new(),
        };
        s.wire();
        s
    }

    /// The suite as the deploy crate deploys it on `node`, wired like the
    /// in-process one: actors funded with 100 ETH each by the admin, then
    /// [`Suite::wire`]; the node's snapshot is taken there.
    fn deploy_rpc(node: &'static RpcNode) -> Self {
        let a = &node.addresses;
        let now = node.latest_timestamp();
        let mut s = Self {
            chain: Chain::Rpc(node.unowned()),
            admin: node.admin,
            actors: (0..ACTORS).map(actor_address).collect(),
            now,
            start: now,
            collection: a
                .collection
                .expect("the deploy config enables the collection"),
            editions: a.editions.expect("the deploy config enables the editions"),
            market: a.license_market,
            provenance: a.provenance,
            vault_impl: a.share_vault,
            vault_factory: a.vault_factory,
            offering: a.share_offering,
            buyout: a.share_buyout,
            amm: node.amm,
            split_impl: a.splits,
            split_factory: a.split_factory,
            vaults: BTreeSet::new(),
            splits: BTreeSet::new(),
        };
        if !node.time_travel() {
            // Cases cannot run here (`Suite::unusable`); the addresses serve
            // the models' strategies.
            return s;
        }
        for actor in s.actors.clone() {
            s.send_raw(s.admin, actor, Vec::new(), U256::from(100 * ETH))
                .unwrap_or_else(|r| panic!("funding {actor}: {r:?}"));
        }
        s.wire();
        if let Chain::Rpc(c) = &s.chain {
            // Every block so far was pinned at `now`; one more makes sure
            // calls at the latest block see it.
            c.mine_at(now);
        }
        node.seal();
        s
    }

    fn wire(&mut self) {
        let admin = self.admin;
        let (collection, editions) = (self.collection, self.editions);
        // Editions 1 (royalty 10 % to actor 5, max supply 1,000) and 2 (open,
        // default royalty).
        let royalty_receiver = self.actors[5];
        let id1 = IpEditions::createIdCall {
            maxSupply: U256::from(1_000),
            uri: String::new(),
            royaltyReceiver: royalty_receiver,
            royaltyBps: U96::from(EDITION1_ROYALTY_BPS),
        };
        self.ok(admin, editions, &id1, U256::ZERO);
        let id2 = IpEditions::createIdCall {
            maxSupply: U256::ZERO,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        };
        self.ok(admin, editions, &id2, U256::ZERO);
        // both assets take these two calls with the same signatures, so the
        // collection's bindings serve the editions as well
        let lease_op = IpCollection::setLeaseOperatorCall {
            operator: self.market,
            approved: true,
        };
        let all = IpCollection::setApprovalForAllCall {
            operator: self.vault_factory,
            approved: true,
        };
        for a in self.actors.clone() {
            for asset in [collection, editions] {
                self.ok(a, asset, &lease_op, U256::ZERO);
            }
            for asset in [collection, editions] {
                self.ok(a, asset, &all, U256::ZERO);
            }
        }
        let model = ProvenanceRegistry::registerModelCall {
            weightsHash: B256::repeat_byte(0x11),
            version: "v1".into(),
            uri: "ipfs://model".into(),
            attester: ATTESTER,
            parentModelId: U256::ZERO,
            commitReveal: false,
            nftCollection: Address::ZERO,
            nftTokenId: U256::ZERO,
        };
        self.ok(admin, self.provenance, &model, U256::ZERO);
    }

    /// Funded actor `i`.
    #[must_use]
    pub fn actor(&self, i: usize) -> Address {
        self.actors[i]
    }

    /// The deployer and owner of everything.
    #[must_use]
    pub fn admin(&self) -> Address {
        self.admin
    }

    /// The case's clock: the timestamp of its transactions' blocks.
    #[must_use]
    pub fn timestamp(&self) -> u64 {
        match &self.chain {
            Chain::Local(h) => h.node.timestamp(),
            Chain::Rpc(_) => self.now,
        }
    }

    /// Moves the clock `seconds` forward (over RPC: mines an empty block at
    /// the new time, so that calls see it).
    pub fn warp(&mut self, seconds: u64) {
        match &mut self.chain {
            Chain::Local(h) => h.node.warp(seconds),
            Chain::Rpc(c) => {
                self.now += seconds;
                c.mine_at(self.now);
            }
        }
    }

    /// Sends `call` to `to` from `from` with `value`; returns the decoded
    /// return value and events, or the revert.
    ///
    /// # Panics
    /// When the chain fails (not a revert) or the return data or a log of
    /// a known emitter does not decode.
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<Sent<C::Return>, Revert> {
        self.send_raw(from, to, call.abi_encode(), value)
            .map(|sent| Sent {
                ret: C::abi_decode_returns(&sent.ret)
                    .unwrap_or_else(|e| panic!("bad return data for {}: {e}", C::SIGNATURE)),
                events: sent.events,
            })
    }

    /// Sends raw calldata (e.g. a plain ETH transfer with empty data).
    ///
    /// Invariant 10's "changes nothing": in process, a reverted transaction
    /// must leave every balance and storage slot of every account as it was
    /// (its sender's nonce aside); over RPC, where storage cannot be listed,
    /// every balance of [`Suite::eth_total`]'s accounts (the sender's gas fee
    /// aside).
    ///
    /// # Panics
    /// As [`Suite::send`], when a reverted transaction changed the state, and
    /// over RPC when the mined transaction's status differs from its
    /// `eth_call`'s.
    pub fn send_raw(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<Sent<Bytes>, Revert> {
        let (called, logs) = match &mut self.chain {
            Chain::Local(h) => {
                let before = h.fingerprint();
                let out = h
                    .node
                    .transact(from, to, Bytes::from(data), value)
                    .unwrap_or_else(|e| panic!("devnode error: {e}"));
                if !out.success {
                    let diff = before.diff(&h.fingerprint(), &[from]);
                    assert!(
                        diff.is_empty(),
                        "a reverted call changed the state: {diff:#?}"
                    );
                    return Err(Revert {
                        data: out.output,
                        reason: out.halt.or(out.stylus_error),
                    });
                }
                (out.output, out.logs)
            }
            Chain::Rpc(_) => return self.send_rpc(from, to, &data, value),
        };
        let events = logs.iter().map(|l| self.decode(l)).collect();
        Ok(Sent {
            ret: called,
            events,
        })
    }

    /// [`Suite::send_raw`] over RPC: [`RpcCase::simulate`] for the return (or
    /// revert) data, then the signed transaction in that block.
    fn send_rpc(
        &mut self,
        from: Address,
        to: Address,
        data: &[u8],
        value: U256,
    ) -> Result<Sent<Bytes>, Revert> {
        let now = self.now;
        let called = match &self.chain {
            Chain::Rpc(c) => c.simulate(now, from, to, data, value),
            Chain::Local(_) => unreachable!("send_rpc is only called over RPC"),
        };
        let watched = self.watched(&[from, to]);
        let before: Vec<U256> = match &called {
            Err(_) => watched.iter().map(|a| self.balance(*a)).collect(),
            Ok(_) => Vec::new(),
        };
        let Chain::Rpc(c) = &mut self.chain else {
            unreachable!("send_rpc is only called over RPC")
        };
        let mined = c.send_at(now, from, to, data, value);
        match called {
            Ok(ret) => {
                assert!(
                    mined.success,
                    "eth_call from {from} to {to} succeeded but its transaction failed"
                );
                let events = mined.logs.iter().map(|l| self.decode(l)).collect();
                Ok(Sent { ret, events })
            }
            Err(revert) => {
                assert!(
                    !mined.success,
                    "eth_call from {from} to {to} reverted ({revert:?}) but its transaction succeeded"
                );
                let changed: Vec<String> = watched
                    .iter()
                    .zip(before)
                    .filter_map(|(a, b)| {
                        let after = self.balance(*a);
                        (after != b).then(|| format!("{a}: balance {b} -> {after}"))
                    })
                    .collect();
                assert!(
                    changed.is_empty(),
                    "a reverted transaction moved ETH: {changed:#?}"
                );
                Err(revert)
            }
        }
    }

    /// Deploys a contract from `init_code` as `from` (e.g. a test ERC-20,
    /// [`crate::sol::test_token_code`]) through the CREATE2 factory with
    /// `salt` (unique within the case), so that its address,
    /// [`create_address`], is the same on every backend and known to a
    /// reference model in advance. In process the factory is installed on
    /// first use, as nitro-devnode and the devnode's JSON-RPC chain have it
    /// at genesis.
    ///
    /// # Panics
    /// When the creation fails.
    pub fn create(&mut self, from: Address, salt: B256, init_code: Vec<u8>) -> Address {
        use stylus_ip_deploy::stylus::CREATE2_FACTORY;
        if let Chain::Local(h) = &mut self.chain {
            if h.node.code(CREATE2_FACTORY).is_empty() {
                let code = alloy_primitives::hex::decode(CREATE2_FACTORY_CODE)
                    .expect("the factory's code is valid hex");
                h.node.set_code(CREATE2_FACTORY, Bytes::from(code));
            }
        }
        let address = create_address(salt, &init_code);
        let mut data = salt.to_vec();
        data.extend(init_code);
        self.send_raw(from, CREATE2_FACTORY, data, U256::ZERO)
            .unwrap_or_else(|r| panic!("creation through the CREATE2 factory failed: {r:?}"));
        address
    }

    /// [`Suite::send`] that must succeed.
    ///
    /// # Panics
    /// When the call reverts.
    pub fn ok<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Sent<C::Return> {
        self.send(from, to, call, value)
            .unwrap_or_else(|r| panic!("{} reverted: {r:?}", C::SIGNATURE))
    }

    /// Calls a view (nothing committed).
    ///
    /// # Panics
    /// When it reverts.
    pub fn view<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        self.try_view(to, call)
            .unwrap_or_else(|r| panic!("view {} reverted: {r:?}", C::SIGNATURE))
    }

    /// Calls a view that may revert.
    ///
    /// # Panics
    /// When the chain fails.
    pub fn try_view<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, Revert> {
        let out = self.view_raw(to, call.abi_encode())?;
        Ok(C::abi_decode_returns(&out)
            .unwrap_or_else(|e| panic!("bad return data for {}: {e}", C::SIGNATURE)))
    }

    /// Calls `to` with raw calldata as the admin (nothing committed): the
    /// return data, or the revert.
    ///
    /// # Panics
    /// When the chain fails.
    pub fn view_raw(&mut self, to: Address, data: Vec<u8>) -> Result<Bytes, Revert> {
        match &mut self.chain {
            Chain::Local(h) => h.view_raw(to, data),
            Chain::Rpc(c) => c.call(self.admin, to, &data, U256::ZERO),
        }
    }

    /// ETH balance of `a`, as if gas were free: over RPC the gas fees `a`
    /// paid during the case are added back.
    #[must_use]
    pub fn balance(&self, a: Address) -> U256 {
        match &self.chain {
            Chain::Local(h) => h.node.balance(a),
            Chain::Rpc(c) => c.balance(a) + c.fees.get(&a).copied().unwrap_or_default(),
        }
    }

    /// Decodes `log` by its emitter.
    ///
    /// # Panics
    /// When the log is not one of its (known) emitter's events.
    #[must_use]
    pub fn decode(&self, log: &Log) -> Event {
        fn d<E: SolEventInterface>(log: &Log) -> E {
            E::decode_raw_log(log.topics(), &log.data.data)
                .unwrap_or_else(|e| panic!("undecodable log {log:?}: {e}"))
        }
        let a = log.address;
        if a == self.collection {
            Event::Collection(d(log))
        } else if a == self.editions {
            Event::Editions(d(log))
        } else if a == self.market {
            Event::Market(d(log))
        } else if a == self.provenance {
            Event::Provenance(d(log))
        } else if a == self.vault_factory {
            Event::VaultFactory(d(log))
        } else if a == self.split_factory {
            Event::SplitFactory(d(log))
        } else if self.vaults.contains(&a) {
            Event::Vault(a, d(log))
        } else if self.splits.contains(&a) {
            Event::Split(a, d(log))
        } else {
            Event::Other(log.clone())
        }
    }

    /// Every ETH balance the suite can move: admin, actors, the singletons
    /// and `extra` (vaults, splits); their sum is conserved (gas-free, see
    /// [`Suite::balance`]).
    #[must_use]
    pub fn eth_total(&self, extra: &[Address]) -> U256 {
        self.watched(extra)
            .into_iter()
            .map(|a| self.balance(a))
            .sum()
    }

    /// Gas fees `a` paid during the case (always zero in process).
    #[must_use]
    pub fn fees_paid(&self, a: Address) -> U256 {
        match &self.chain {
            Chain::Local(_) => U256::ZERO,
            Chain::Rpc(c) => c.fees.get(&a).copied().unwrap_or_default(),
        }
    }

    /// Whether the suite runs over JSON-RPC.
    #[must_use]
    pub fn over_rpc(&self) -> bool {
        matches!(self.chain, Chain::Rpc(_))
    }

    /// The accounts of [`Suite::eth_total`].
    fn watched(&self, extra: &[Address]) -> BTreeSet<Address> {
        let mut all: BTreeSet<Address> = self.actors.iter().copied().collect();
        all.extend([
            self.admin,
            self.collection,
            self.editions,
            self.market,
            self.provenance,
            self.vault_factory,
            self.split_factory,
            self.vault_impl,
            self.split_impl,
            ATTESTER,
        ]);
        all.extend(self.vaults.iter().copied());
        all.extend(self.splits.iter().copied());
        all.extend(extra.iter().copied());
        all
    }
}

/// Runtime code of the deterministic-deployment CREATE2 factory (calldata:
/// 32-byte salt ‖ init code), as `devnode-chain`'s genesis installs it.
const CREATE2_FACTORY_CODE: &str = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/// Address of the contract [`Suite::create`] deploys from `init_code` with
/// `salt`.
#[must_use]
pub fn create_address(salt: B256, init_code: &[u8]) -> Address {
    stylus_ip_deploy::stylus::create2_address(salt, init_code)
}

/// The suite's contracts on one in-process chain, as [`deploy_wired`]
/// leaves them.
#[derive(Debug, Clone, Copy)]
pub struct Deployed {
    /// `ip-collection` (ERC-721), initialised: owner admin, "AI Works"
    /// (`AIW`), base URI `ipfs://works/`, default royalty
    /// [`COLLECTION_ROYALTY_BPS`] to the receiver given.
    pub collection: Address,
    /// `ip-editions` (ERC-1155), initialised: owner admin, URI
    /// `ipfs://packs/{id}`, default royalty [`EDITIONS_ROYALTY_BPS`] to the
    /// receiver given; no id created yet.
    pub editions: Address,
    /// `license-market`.
    pub market: Address,
    /// `provenance` (no model yet).
    pub provenance: Address,
    /// `share-offering` (singleton).
    pub offering: Address,
    /// `share-buyout` (singleton, every vault's buyout module).
    pub buyout: Address,
    /// Uniswap V2 (WETH9, factory, Router02; no pair yet).
    pub amm: stylus_ip_deploy::uniswap::UniswapV2,
    /// The `share-vault` implementation.
    pub vault_impl: Address,
    /// `vault-factory`, constructed with the vault implementation, the
    /// market, the buyout module, the offering and Uniswap V2's router and
    /// factory.
    pub vault_factory: Address,
    /// The `splits` implementation.
    pub split_impl: Address,
    /// `split-factory`, constructed with the split implementation.
    pub split_factory: Address,
}

/// The one builder of the deployed suite in process: deploys and activates
/// every contract on `h` as `h.admin`, always in the same order (so the
/// same harness gives the same addresses), initialises the asset contracts
/// (owner admin, default royalties to `royalty_receiver`) and constructs
/// the factories with the contracts they wire together.
///
/// The asset contracts are initialised through `initialize`, as the deploy
/// crate's clones are (the constructor runs the same code; its own path is
/// covered by `collection_batch` and `provenance_batch`). What comes next is
/// each user's fixture: [`Suite`] creates editions, registers model 1 and
/// approves the market and the vault factory for every actor; the bad-input
/// world mints, lists, leases, splits and vaults.
///
/// Activation recurses deeply in debug builds: call it on a
/// [`crate::big_stack`] thread.
///
/// # Panics
/// When a WASM is missing (run `cargo ip build`) or a step fails.
pub fn deploy_wired(h: &mut Harness, royalty_receiver: Address) -> Deployed {
    let admin = h.admin;
    let collection = h.deploy("ip-collection");
    let init = IpCollection::initializeCall {
        name: "AI Works".into(),
        symbol: "AIW".into(),
        baseUri: "ipfs://works/".into(),
        owner: admin,
        royaltyReceiver: royalty_receiver,
        royaltyBps: U96::from(COLLECTION_ROYALTY_BPS),
    };
    h.send(admin, collection, &init, U256::ZERO)
        .unwrap_or_else(|r| panic!("initialising the collection failed: {r:?}"));
    let editions = h.deploy("ip-editions");
    let init = IpEditions::initializeCall {
        baseUri: "ipfs://packs/{id}".into(),
        owner: admin,
        royaltyReceiver: royalty_receiver,
        royaltyBps: U96::from(EDITIONS_ROYALTY_BPS),
    };
    h.send(admin, editions, &init, U256::ZERO)
        .unwrap_or_else(|r| panic!("initialising the editions failed: {r:?}"));
    let market = h.deploy("license-market");
    let provenance = h.deploy("provenance");
    let offering = h.deploy("share-offering");
    let buyout = h.deploy("share-buyout");
    let amm = crate::uniswap::deploy(h);
    let vault_impl = h.deploy("share-vault");
    let vault_factory = h.deploy("vault-factory");
    h.construct(
        vault_factory,
        &VaultFactory::constructorCall {
            implementation: vault_impl,
            market,
            buyout,
            offering,
            ammRouter: amm.router,
            ammFactory: amm.factory,
        },
    );
    let split_impl = h.deploy("splits");
    let split_factory = h.deploy("split-factory");
    h.construct(
        split_factory,
        &SplitFactory::constructorCall {
            implementation: split_impl,
        },
    );
    Deployed {
        collection,
        editions,
        market,
        provenance,
        offering,
        buyout,
        amm,
        vault_impl,
        vault_factory,
        split_impl,
        split_factory,
    }
}
