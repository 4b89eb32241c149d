//! The populated suite the bad-input catalogue and the attacker scenarios
//! start from: the eight contracts of the suite, the share offering, the
//! share buyout and Uniswap V2 (from npm's artefacts) deployed and activated
//! on one devnode, wired together (factories constructed with their
//! implementations; the vault factory also with the buyout module and the
//! Uniswap V2 factory, so every vault has both), with tokens, editions,
//! offers, a live ERC-1155 lease, a model and a record, a funded split and a
//! funded share vault. Built once per test binary and cloned per case (the
//! clones share the compiled-program cache).
#![allow(dead_code, missing_docs, unreachable_pub, clippy::too_many_arguments)]

use std::sync::OnceLock;

use alloy_primitives::{aliases::U96, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolValue};
use stylus_ip_deploy::uniswap::UniswapV2;
use stylus_ip_tests::{Harness, ETH};

// The suite's bindings, generated once from abi/ in the harness.
pub use stylus_ip_tests::suite::abi::*;

/// Selector of a Stylus constructor (`stylus_constructor()`), called after
/// deployment and activation with the ABI-encoded arguments.
pub use stylus_ip_deploy::stylus::STYLUS_CONSTRUCTOR_SELECTOR as CONSTRUCTOR;
/// Genesis time of every world.
pub const START: u64 = 1_700_000_000;
/// Price per second of the base offers (wei).
pub const PRICE_PER_SECOND: u64 = 1_000_000_000;
/// Units of edition 1 per licence of offer 2.
pub const UNITS_PER_LICENCE: u64 = 2;
/// Default royalty of the collection (basis points).
pub const NFT_ROYALTY_BPS: u64 = 500;
/// Longest lease of the base vault's offers: 30 days.
pub const VAULT_MAX_LEASE: u64 = 30 * 86_400;
/// Shares of the base vault (alice, dave).
pub const VAULT_SHARES: [u128; 2] = [600 * ETH, 400 * ETH];
/// Allocations of the base split (alice, bob), parts per million.
pub const SPLIT_ALLOCATIONS: [u32; 2] = [600_000, 400_000];

/// The deployed, populated suite.
#[derive(Debug)]
pub struct World {
    pub h: Harness,
    /// Creator: owns NFTs 1 and 3, 10 units of edition 1, lessor of offers
    /// 1 and 2, owner of model 1, curator and 60 % holder of the vault,
    /// 60 % recipient of the split.
    pub alice: Address,
    /// Licensee of offer 2 (an active ERC-5006 record), 40 % of the split.
    pub bob: Address,
    /// An outsider with no role anywhere.
    pub carol: Address,
    /// 40 % holder of the vault.
    pub dave: Address,
    /// Royalty receiver of both asset contracts.
    pub royalty: Address,
    /// Attester of model 1.
    pub attester: Address,
    pub nft: Address,
    pub editions: Address,
    pub market: Address,
    pub provenance: Address,
    pub vault_impl: Address,
    pub vault_factory: Address,
    pub split_impl: Address,
    pub split_factory: Address,
    /// Split clone (alice 60 %, bob 40 %, controller admin), holding 1 ETH.
    pub split: Address,
    /// Vault of NFT 2 (alice 600 shares, dave 400), holding 1 ETH revenue.
    pub vault: Address,
    /// ERC-5006 record of bob's lease (offer 2).
    pub record: U256,
    /// `share-offering` (singleton, no offering yet).
    pub offering: Address,
    /// `share-buyout` (singleton, no buyout yet): every vault's buyout module.
    pub buyout: Address,
    /// Uniswap V2 (no pair yet): its factory is every vault's `ammFactory`.
    pub amm: UniswapV2,
}

impl Clone for World {
    fn clone(&self) -> Self {
        Self {
            h: Harness {
                node: self.h.node.clone(),
                admin: self.h.admin,
                actors: self.h.actors.clone(),
            },
            ..*self
        }
    }
}

/// Offer terms with the base offers' defaults.
pub fn terms(payee: Address, max_licensees: u32) -> ILicenseMarket::OfferTerms {
    ILicenseMarket::OfferTerms {
        pricePerSecond: U256::from(PRICE_PER_SECOND),
        paymentToken: Address::ZERO,
        minDuration: 60,
        maxDuration: 86_400,
        endTime: 0,
        maxLicensees: max_licensees,
        payee,
        termsHash: B256::repeat_byte(0x7e),
        termsUri: "ipfs://terms".into(),
        flags: 1,
        maxRoyaltyBps: 10_000,
    }
}

impl World {
    /// A clone of the per-process base world.
    pub fn get() -> Self {
        static BASE: OnceLock<std::sync::Mutex<World>> = OnceLock::new();
        BASE.get_or_init(|| {
            // Activation recurses deeply in debug builds: a large stack.
            std::sync::Mutex::new(stylus_ip_tests::big_stack("world builder", Self::build))
        })
        .lock()
        .expect("base world")
        .clone()
    }

    pub fn admin(&self) -> Address {
        self.h.admin
    }

    /// The devnode's chain id (what a vault's EIP-712 domain names).
    pub fn chain_id(&self) -> u64 {
        self.h.node.runtime().config.chain_id
    }

    /// Sends `call` and panics on revert (setup steps).
    pub fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> C::Return {
        self.ok_value(from, to, call, U256::ZERO)
    }

    /// [`Self::ok`] with a value.
    pub fn ok_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> C::Return {
        match self.h.send(from, to, call, value) {
            Ok((r, _)) => r,
            Err(e) => panic!("setup {} failed: {e:?}", C::SIGNATURE),
        }
    }

    /// A view.
    pub fn view<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        self.h.view(to, call)
    }

    /// Plain ETH transfer (panics if refused).
    pub fn pay(&mut self, from: Address, to: Address, wei: U256) {
        let out = self
            .h
            .node
            .transact(from, to, Bytes::new(), wei)
            .expect("devnode");
        assert!(out.success, "paying {to} failed: {out:?}");
    }

    pub fn balance(&self, a: Address) -> U256 {
        self.h.node.balance(a)
    }

    /// Calls a Stylus constructor.
    pub fn construct(&mut self, contract: Address, args: &[u8]) {
        let mut data = CONSTRUCTOR.to_vec();
        data.extend_from_slice(args);
        let admin = self.admin();
        self.h
            .send_raw(admin, contract, data, U256::ZERO)
            .unwrap_or_else(|e| panic!("constructor of {contract} failed: {e:?}"));
    }

    fn build() -> Self {
        let mut h = Harness::new(6);
        h.node.set_timestamp(START);
        let [alice, bob, carol, dave, royalty, attester] = h.actors[..] else {
            unreachable!()
        };
        let nft = h.deploy("ip-collection");
        let editions = h.deploy("ip-editions");
        let market = h.deploy("license-market");
        let provenance = h.deploy("provenance");
        let vault_impl = h.deploy("share-vault");
        let vault_factory = h.deploy("vault-factory");
        let split_impl = h.deploy("splits");
        let split_factory = h.deploy("split-factory");
        // Deployed after the others, so that their addresses stay the same.
        let offering = h.deploy("share-offering");
        let buyout = h.deploy("share-buyout");
        let amm = stylus_ip_tests::uniswap::deploy(&mut h);
        let mut w = Self {
            h,
            alice,
            bob,
            carol,
            dave,
            royalty,
            attester,
            nft,
            editions,
            market,
            provenance,
            vault_impl,
            vault_factory,
            split_impl,
            split_factory,
            split: Address::ZERO,
            vault: Address::ZERO,
            record: U256::ZERO,
            offering,
            buyout,
            amm,
        };
        let admin = w.admin();
        let args = vault_factory_args(&[
            ("implementation", vault_impl),
            ("market", market),
            ("buyout", buyout),
            ("ammFactory", amm.factory),
            ("offering", offering),
            ("ammRouter", amm.router),
        ]);
        w.construct(vault_factory, &args);
        w.construct(split_factory, &split_impl.abi_encode());

        // Assets.
        w.ok(
            admin,
            nft,
            &IpCollection::initializeCall {
                name: "AI Works".into(),
                symbol: "AIW".into(),
                baseUri: "ipfs://works/".into(),
                owner: admin,
                royaltyReceiver: royalty,
                royaltyBps: U96::from(NFT_ROYALTY_BPS),
            },
        );
        for _ in 0..3 {
            w.ok(
                admin,
                nft,
                &IpCollection::mintCall {
                    to: alice,
                    uri: String::new(),
                    royaltyReceiver: Address::ZERO,
                    royaltyBps: U96::ZERO,
                },
            );
        }
        w.ok(
            admin,
            editions,
            &IpEditions::initializeCall {
                baseUri: "ipfs://packs/{id}".into(),
                owner: admin,
                royaltyReceiver: royalty,
                royaltyBps: U96::from(250),
            },
        );
        w.ok(
            admin,
            editions,
            &IpEditions::createIdCall {
                maxSupply: U256::from(100),
                uri: String::new(),
                royaltyReceiver: Address::ZERO,
                royaltyBps: U96::ZERO,
            },
        );
        w.ok(
            admin,
            editions,
            &IpEditions::mintCall {
                to: alice,
                id: U256::from(1),
                amount: U256::from(10),
                data: Bytes::new(),
            },
        );

        // Market: an ERC-721 offer (1) and an ERC-1155 offer (2) with a live lease.
        let op = IpCollection::setLeaseOperatorCall {
            operator: market,
            approved: true,
        };
        w.ok(alice, nft, &op);
        let op = IpEditions::setLeaseOperatorCall {
            operator: market,
            approved: true,
        };
        w.ok(alice, editions, &op);
        w.ok(
            alice,
            market,
            &LicenseMarket::createOfferCall {
                collection: nft,
                tokenId: U256::from(1),
                amount: 0,
                terms: terms(alice, 1),
            },
        );
        w.ok(
            alice,
            market,
            &LicenseMarket::createOfferCall {
                collection: editions,
                tokenId: U256::from(1),
                amount: UNITS_PER_LICENCE,
                terms: terms(alice, 3),
            },
        );
        let price = U256::from(PRICE_PER_SECOND * 3600);
        w.ok_value(
            bob,
            market,
            &LicenseMarket::buyLeaseCall {
                offerId: U256::from(2),
                duration: 3600,
                maxPrice: price,
                version: 1,
            },
            price,
        );
        let lease = w.view(
            market,
            &LicenseMarket::leaseOfCall {
                offerId: U256::from(2),
                licensee: bob,
            },
        );
        w.record = lease._2;

        // Provenance: model 1 and the record of NFT 1.
        w.ok(
            alice,
            provenance,
            &ProvenanceRegistry::registerModelCall {
                weightsHash: B256::repeat_byte(0x11),
                version: "v1".into(),
                uri: "ipfs://model".into(),
                attester,
                parentModelId: U256::ZERO,
                commitReveal: false,
                nftCollection: Address::ZERO,
                nftTokenId: U256::ZERO,
            },
        );
        w.ok(alice, provenance, &record_call(nft, U256::from(1), vec![]));

        // Split (alice 60 %, bob 40 %), funded with 1 ETH.
        w.split = w.ok(
            admin,
            split_factory,
            &SplitFactory::createSplitCall {
                recipients: vec![alice, bob],
                allocations: SPLIT_ALLOCATIONS.to_vec(),
                controller: admin,
                dustRecipient: alice,
                salt: B256::ZERO,
            },
        );
        let split = w.split;
        w.pay(dave, split, U256::from(ETH));

        // Vault of NFT 2 (alice 600, dave 400 shares), 1 ETH of revenue.
        let approve = IpCollection::approveCall {
            to: vault_factory,
            tokenId: U256::from(2),
        };
        w.ok(alice, nft, &approve);
        w.vault = w.ok(
            alice,
            vault_factory,
            &fractionalize(nft, U256::from(2), U256::ZERO, alice, dave, B256::ZERO),
        );
        let vault = w.vault;
        w.pay(bob, vault, U256::from(ETH));
        w
    }
}

/// The vault factory's constructor arguments, ABI-encoded from `by_name`
/// in the order of the constructor's parameters as `abi/VaultFactory.json`
/// declares them: the world does not depend on that order or on the
/// factory taking every address it is offered. Names compare
/// case-insensitively, without underscores.
///
/// # Panics
/// When the ABI cannot be read, has no constructor, or a parameter is not
/// an address named in `by_name`.
pub fn vault_factory_args(by_name: &[(&str, Address)]) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../abi/VaultFactory.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let abi: alloy::json_abi::JsonAbi =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
    let constructor = abi
        .constructor
        .unwrap_or_else(|| panic!("{} declares no constructor", path.display()));
    let key = |name: &str| name.replace('_', "").to_ascii_lowercase();
    let mut out = Vec::new();
    for input in &constructor.inputs {
        assert_eq!(
            input.ty, "address",
            "vault factory constructor parameter {}: not an address",
            input.name
        );
        let &(_, address) = by_name
            .iter()
            .find(|(name, _)| key(name) == key(&input.name))
            .unwrap_or_else(|| {
                panic!(
                    "the vault factory's constructor takes `{}`, which the world does not provide",
                    input.name
                )
            });
        out.extend_from_slice(address.into_word().as_slice());
    }
    out
}

/// `fractionalize` of `asset`/`id` with the base vault's metadata and
/// holders (`first` 600 shares, `second` 400), curator `first`, leases of
/// at most [`VAULT_MAX_LEASE`].
pub fn fractionalize(
    asset: Address,
    id: U256,
    units: U256,
    first: Address,
    second: Address,
    salt: B256,
) -> VaultFactory::fractionalizeCall {
    VaultFactory::fractionalizeCall {
        asset,
        id,
        units,
        name: "Work Shares".into(),
        symbol: "WSH".into(),
        holders: vec![first, second],
        amounts: VAULT_SHARES.iter().map(|&a| U256::from(a)).collect(),
        curator: first,
        revenueTokens: vec![],
        maxLeaseDuration: VAULT_MAX_LEASE,
        salt,
    }
}

/// An unsigned provenance record of `(collection, id)` under model 1.
pub fn record_call(
    collection: Address,
    id: U256,
    parents: Vec<(Address, U256)>,
) -> ProvenanceRegistry::recordProvenanceCall {
    ProvenanceRegistry::recordProvenanceCall {
        collection,
        id,
        modelId: U256::from(1),
        promptHash: B256::repeat_byte(1),
        seedHash: B256::repeat_byte(2),
        paramsHash: B256::repeat_byte(3),
        contentHash: B256::repeat_byte(4),
        humanHash: B256::ZERO,
        parentCollections: parents.iter().map(|p| p.0).collect(),
        parentIds: parents.iter().map(|p| p.1).collect(),
        signature: Bytes::new(),
    }
}
