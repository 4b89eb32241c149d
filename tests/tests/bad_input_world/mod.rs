//! The populated suite the bad-input catalogue and the attacker scenarios
//! start from: the suite as [`stylus_ip_tests::suite::deploy_wired`] deploys
//! and wires it (the one builder the state machines' `Suite` also uses: the
//! eight contracts, the share offering, the share buyout and Uniswap V2, the
//! factories constructed with the contracts they hand every vault), on its
//! own harness and actors, plus this world's fixtures: tokens, an edition,
//! offers, a live ERC-1155 lease, a model and a record, a funded split and a
//! funded share vault. Built once per test binary and cloned per case (the
//! clones share the compiled-program cache).
#![allow(dead_code, missing_docs, unreachable_pub, clippy::too_many_arguments)]

use std::sync::OnceLock;

use alloy_primitives::{aliases::U96, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use stylus_ip_deploy::uniswap::UniswapV2;
use stylus_ip_tests::suite::deploy_wired;
use stylus_ip_tests::{Harness, ETH};

// The suite's bindings, generated once from abi/ in the harness.
pub use stylus_ip_tests::suite::abi::*;

/// Selector of a Stylus constructor (`stylus_constructor()`), called after
/// deployment and activation with the ABI-encoded arguments (the catalogue
/// replays it; not every binary that includes this module does).
#[allow(unused_imports)]
pub use stylus_ip_deploy::stylus::STYLUS_CONSTRUCTOR_SELECTOR as CONSTRUCTOR;
/// Genesis time of every world (the suite's).
pub use stylus_ip_tests::suite::START;
/// Price per second of the base offers (wei).
pub const PRICE_PER_SECOND: u64 = 1_000_000_000;
/// Units of edition 1 per licence of offer 2.
pub const UNITS_PER_LICENCE: u64 = 2;
/// Default royalty of the collection (basis points), to `royalty`.
pub const NFT_ROYALTY_BPS: u64 = stylus_ip_tests::suite::COLLECTION_ROYALTY_BPS;
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

    fn build() -> Self {
        let mut h = Harness::new(6);
        h.node.set_timestamp(START);
        let [alice, bob, carol, dave, royalty, attester] = h.actors[..] else {
            unreachable!()
        };
        let d = deploy_wired(&mut h, royalty);
        let (nft, editions, market, provenance) =
            (d.collection, d.editions, d.market, d.provenance);
        let (vault_factory, split_factory) = (d.vault_factory, d.split_factory);
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
            vault_impl: d.vault_impl,
            vault_factory,
            split_impl: d.split_impl,
            split_factory,
            split: Address::ZERO,
            vault: Address::ZERO,
            record: U256::ZERO,
            offering: d.offering,
            buyout: d.buyout,
            amm: d.amm,
        };
        let admin = w.admin();

        // Assets: NFTs 1 to 3 and 10 units of edition 1 (supply at most 100,
        // default royalty), all alice's.
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
