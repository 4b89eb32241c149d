//! Licence market over both asset contracts, end to end: ERC-721 tokens
//! (with their own or the default EIP-2981 royalty) and ERC-1155 units held
//! by several actors; random offers priced in ETH or in one of two ERC-20s
//! of different decimals (`TestToken` with 6 and 18; every actor holds both
//! and has approved the market without limit), with royalty caps (created,
//! updated — switching token, price, flags, payee and cap, which bumps the
//! offer's version — and cancelled by their lessors and by others), lease
//! purchases and renewals quoted at the current or an older version, with
//! exact, excess and insufficient payments and price guards, owner royalty
//! changes on both asset contracts, asset transfers (which make lessors lose
//! their assets), lease-operator revocations, withdrawals (`withdraw` and
//! `withdrawTo`), provenance records, royalty, price and offer views, and
//! time warps, compared after every step with a plain-Rust model.
//!
//! Invariants checked after every step (numbered as in tests/INVARIANTS.md):
//! 1. `ownerOf` of every token and `balanceOf` of every actor match the
//!    model (ERC-721), and so do the ERC-1155 balances;
//! 2. for every account and id a lease ever involved, `frozenBalanceOf` and
//!    `usableBalanceOf` match the model (the lessor's units frozen by active
//!    leases — a renewal extends its ERC-5006 record, freezing nothing
//!    more — and the licensee's usable units), and a transfer of frozen
//!    units fails;
//! 3. `userOf`/`userExpires` of every token, and `leaseOf`/`isLicensed` of
//!    every lease, match the model: no licence is active after its expiry,
//!    and a locked lease is never shortened (checked against the largest
//!    expiry seen while it was in force);
//! 4. `royaltyInfo` of any asset at any sale price (up to 2²⁵⁶ − 1) pays at
//!    most the price to the receiver as set; `quote` agrees;
//! 5. for every purchase and renewal the ETH balance changes are exactly
//!    payee + royalty + refund = value paid (no credit is left in the
//!    market);
//! 9. ETH is conserved across all accounts and contracts (gas price 0), and
//!    so is each ERC-20 (every party's balance moves exactly as the model
//!    says; the market holds none);
//! 13. a buyer pays only in the token, and under the terms, it was quoted:
//!     a purchase naming an older offer version is refused with nothing
//!     moved, and a successful one moves only the offer's token;
//! 14. a lessor receives at least `price × (1 − cap)`: a sale whose royalty
//!     is above the offer's `maxRoyaltyBps` is refused, and the royalty of
//!     every sale is within the cap;
//! 15. no licence reaches further than the offer's `maxDuration` past now
//!     (renewals included);
//! 10. a call the model says is unauthorised or invalid (offer changes by a
//!     non-lessor, a lease of an asset its lessor no longer holds or no
//!     longer lets the market lease, sold out, already licensed, not a
//!     licensee, price guard, underpayment, ended or cancelled offer,
//!     withdrawal without credit, provenance by a non-owner or twice)
//!     reverts with the exact custom error and changes nothing;
//! 11. provenance records never change once written (`provenanceOf` of
//!     every record, whatever happens to the token later);
//! 12. every successful transaction emits exactly the events predicted (the
//!     asset's `UpdateUser`/`CreateUserRecord`/`Transfer*`/
//!     `LeaseOperatorSet`, the market's offer and lease events,
//!     `ProvenanceRecorded` — whose EIP-712 struct hash is only checked to
//!     be non-zero), in order.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{aliases::U96, Address, B256, U256};
use proptest::prelude::*;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_tests::sol::{test_token_code, TestToken};
use stylus_ip_tests::suite::abi::{
    ILicenseMarket, IpCollection, IpEditions, LicenseMarket, ProvenanceRegistry,
};
use stylus_ip_tests::suite::{
    actor_address, create_address, lease_event, Event, Expect, Sent, Suite, ACTORS,
    COLLECTION_ROYALTY_BPS, EDITION1_ROYALTY_BPS, EDITIONS_ROYALTY_BPS,
};
use IpCollection::IpCollectionErrors as C;
use IpEditions::IpEditionsErrors as D;
use LicenseMarket::{LicenseMarketErrors as M, LicenseMarketEvents as Mev};
use ProvenanceRegistry::ProvenanceRegistryErrors as P;

/// Actors holding assets and buying leases.
const N: usize = 4;
/// Index of the admin among the parties (actors are `0..ACTORS`).
const ADMIN_IX: usize = ACTORS;
/// ERC-721 tokens minted at the start (ids `1..=TOKENS`).
const TOKENS: u64 = 3;
/// Most offers per case.
const MAX_OFFERS: usize = 4;
/// The edition whose royalty goes to actor 5.
const ROYALTY_RECEIVER_5: usize = 5;
/// Payment tokens: index 0 is ETH, 1 and 2 the test ERC-20s.
const TOKEN_DECIMALS: [u8; 2] = [6, 18];
/// What every party holds of each test ERC-20 at the start.
const TOKEN_FUNDS: u128 = 1_000_000_000_000_000_000_000_000;

/// Address and creation salt of test ERC-20 `k` (1 or 2; 0 is ETH).
fn token_at(k: usize) -> Address {
    if k == 0 {
        return Address::ZERO;
    }
    let (salt, code) = token_code(k);
    create_address(salt, &code)
}

fn token_code(k: usize) -> (B256, Vec<u8>) {
    let decimals = TOKEN_DECIMALS[k - 1];
    (
        B256::repeat_byte(0x70 + k as u8),
        test_token_code(&format!("T{decimals}"), decimals),
    )
}

/// An ERC-20 `Transfer` log of test token `k`.
fn transfer_event(k: usize, from: Address, to: Address, value: u128) -> Event {
    use alloy_primitives::{keccak256, Log, LogData};
    let topics = vec![
        keccak256("Transfer(address,address,uint256)"),
        from.into_word(),
        to.into_word(),
    ];
    let data = U256::from(value).to_be_bytes::<32>().to_vec();
    Event::Other(Log {
        address: token_at(k),
        data: LogData::new_unchecked(topics, data.into()),
    })
}

fn who(p: usize) -> Address {
    if p == ADMIN_IX {
        Suite::template().admin()
    } else {
        actor_address(p)
    }
}

/// What an offer leases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Asset {
    /// An ERC-721 token.
    Nft(u64),
    /// `amount` units of an ERC-1155 id per licence.
    Units { id: u64, amount: u64 },
}

impl Asset {
    /// The `(is ERC-1155, id)` key of the asset.
    fn key(self) -> (bool, u64) {
        match self {
            Self::Nft(t) => (false, t),
            Self::Units { id, .. } => (true, id),
        }
    }
}

/// How a buyer pays.
#[derive(Debug, Clone, Copy)]
enum Pay {
    Exact,
    Tip(u128),
    /// One wei short.
    Under,
    /// `maxPrice` one wei below the price.
    LowMax,
}

#[derive(Debug, Clone)]
enum Action {
    CreateOffer {
        lessor: usize,
        asset: Asset,
        price: u128,
        min: u64,
        max: u64,
        end_in: Option<u64>,
        licensees: u32,
        payee: usize,
        token: usize,
        cap: u16,
    },
    /// Switches price, payee, token, flags and royalty cap.
    UpdateOffer {
        by: usize,
        offer: usize,
        price: u128,
        payee: usize,
        token: usize,
        flags: u8,
        cap: u16,
    },
    CancelOffer {
        by: usize,
        offer: usize,
    },
    Lease {
        buyer: usize,
        offer: usize,
        seconds: u64,
        pay: Pay,
        renew: bool,
        /// Quoted before the offer's last update: names its previous version.
        stale: bool,
    },
    /// The asset contract's owner (admin) changes the default royalty of
    /// the collection or of the editions (edition 2; edition 1 has its own).
    SetRoyalty {
        on_editions: bool,
        bps: u64,
    },
    TransferNft {
        token: u64,
        to: usize,
    },
    TransferUnits {
        from: usize,
        to: usize,
        id: u64,
        amount: u128,
    },
    SetOperator {
        owner: usize,
        editions: bool,
        approved: bool,
    },
    /// `withdraw`, or `withdrawTo(to)` when `to` is set.
    Withdraw {
        by: usize,
        to: Option<usize>,
    },
    /// Views only: `royaltyInfo` of an asset and `quote` of an offer.
    Quote {
        asset: Asset,
        sale: U256,
        offer: usize,
        seconds: u64,
    },
    Record {
        by: usize,
        token: u64,
        parent: Option<u64>,
    },
    Warp {
        seconds: u64,
    },
}

#[derive(Debug, Clone)]
struct Offer {
    lessor: usize,
    asset: Asset,
    price: u128,
    min: u64,
    max: u64,
    end: u64,
    licensees: u32,
    payee: usize,
    terms: B256,
    cancelled: bool,
    slots: Vec<u64>,
    /// 0: ETH; 1, 2: the test ERC-20s.
    token: usize,
    flags: u8,
    cap: u16,
    version: u32,
}

#[derive(Debug, Clone, Copy)]
struct Lease {
    expires: u64,
    slot: usize,
    terms: B256,
    record: u64,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    owner: usize,
    user: usize,
    id: u64,
    amount: u64,
    expiry: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Prov {
    creator: usize,
    timestamp: u64,
    seed: u64,
    parent: Option<u64>,
}

/// The expected outcome of the last step, by contract.
#[derive(Debug, Clone)]
enum Outcome {
    Market(Expect<M>),
    Collection(Expect<C>),
    Editions(Expect<D>),
    Provenance(Expect<P>),
    /// A view-only step, or a warp.
    Nothing,
}

#[derive(Debug, Clone)]
struct Model {
    now: u64,
    collection: Address,
    editions: Address,
    market: Address,
    nft_owner: BTreeMap<u64, usize>,
    /// Own royalty `(receiver, bps)` per token; `None`: the default.
    nft_royalty: BTreeMap<u64, Option<(usize, u64)>>,
    /// The token's user, expiry and lock.
    token_user: BTreeMap<u64, (usize, u64, bool)>,
    units: BTreeMap<(usize, u64), u128>,
    records: BTreeMap<u64, Record>,
    next_record: u64,
    /// `(owner, editions?)` that revoked the market as lease operator.
    revoked: BTreeSet<(usize, bool)>,
    offers: Vec<Offer>,
    leases: BTreeMap<(usize, usize), Lease>,
    /// `isLicensed` index: `(asset key, account)` → offer.
    licence_of: BTreeMap<((bool, u64), usize), usize>,
    /// `(account, id)` pairs a lease ever involved.
    in_records: BTreeSet<(usize, u64)>,
    prov: BTreeMap<u64, Prov>,
    step: u64,
    /// ETH balance changes of the last step, by party.
    eth: BTreeMap<usize, i128>,
    /// ERC-20 balance changes of the last step, by (party, token).
    tok: BTreeMap<(usize, usize), i128>,
    /// Default royalty (bps, to admin) of the collection and the editions.
    default_bps: [u64; 2],
    last: Outcome,
}

/// ETH (mostly) or one of the test ERC-20s.
fn payment_token() -> impl Strategy<Value = usize> {
    prop_oneof![2 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize)]
}

/// An offer's `maxRoyaltyBps`: mostly generous, sometimes below the assets'
/// royalties, rarely invalid.
fn royalty_cap() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => Just(10_000u16),
        2 => prop::sample::select(vec![0u16, 250, 500, 1_000, 5_000]),
        1 => Just(10_001u16),
    ]
}

fn nft_royalty_strategy() -> impl Strategy<Value = Option<(usize, u64)>> {
    prop_oneof![
        1 => Just(None),
        2 => (0..ACTORS, prop::sample::select(vec![0u64, 250, 1_000, 10_000])).prop_map(Some),
    ]
}

impl Model {
    fn units_of(&self, a: usize, id: u64) -> u128 {
        self.units.get(&(a, id)).copied().unwrap_or(0)
    }

    fn frozen(&self, owner: usize, id: u64) -> u128 {
        self.records
            .values()
            .filter(|r| r.owner == owner && r.id == id && r.expiry >= self.now)
            .map(|r| u128::from(r.amount))
            .sum()
    }

    fn usable(&self, user: usize, id: u64) -> u128 {
        self.records
            .values()
            .filter(|r| r.user == user && r.id == id && r.expiry >= self.now)
            .map(|r| u128::from(r.amount))
            .sum()
    }

    /// `(receiver, bps)` of an asset's royalty (receiver `None`: none).
    fn royalty_of(&self, asset: Asset) -> (Option<usize>, u64) {
        match asset {
            Asset::Nft(t) => match self.nft_royalty.get(&t).copied().flatten() {
                Some((r, bps)) => (Some(r), bps),
                None => (Some(ADMIN_IX), self.default_bps[0]),
            },
            Asset::Units { id: 1, .. } => (Some(ROYALTY_RECEIVER_5), EDITION1_ROYALTY_BPS),
            Asset::Units { .. } => (Some(ADMIN_IX), self.default_bps[1]),
        }
    }

    fn contract_of(&self, asset: Asset) -> Address {
        match asset {
            Asset::Nft(_) => self.collection,
            Asset::Units { .. } => self.editions,
        }
    }

    fn token_id(asset: Asset) -> U256 {
        match asset {
            Asset::Nft(t) => U256::from(t),
            Asset::Units { id, .. } => U256::from(id),
        }
    }

    fn locked_in_force(&self, token: u64) -> Option<(usize, u64)> {
        self.token_user
            .get(&token)
            .filter(|l| l.2 && l.1 >= self.now)
            .map(|l| (l.0, l.1))
    }

    fn lessor_holds(&self, o: &Offer) -> bool {
        match o.asset {
            Asset::Nft(t) => self.nft_owner.get(&t) == Some(&o.lessor),
            Asset::Units { id, amount } => self.units_of(o.lessor, id) >= u128::from(amount),
        }
    }

    fn operator_ok(&self, lessor: usize, asset: Asset) -> bool {
        !self
            .revoked
            .contains(&(lessor, matches!(asset, Asset::Units { .. })))
    }

    fn not_owner(&self, asset: Asset, lessor: usize) -> M {
        M::LicenseMarketLessorNotOwner(LicenseMarket::LicenseMarketLessorNotOwner {
            collection: self.contract_of(asset),
            tokenId: Self::token_id(asset),
            lessor: who(lessor),
        })
    }

    fn terms_event(&self, offer: usize) -> Event {
        let o = &self.offers[offer];
        Event::Market(Mev::OfferTermsSet(LicenseMarket::OfferTermsSet {
            offerId: U256::from(offer + 1),
            pricePerSecond: U256::from(o.price),
            paymentToken: token_at(o.token),
            minDuration: o.min,
            maxDuration: o.max,
            endTime: o.end,
            maxLicensees: o.licensees,
            payee: who(o.payee),
            termsHash: o.terms,
            flags: o.flags,
            maxRoyaltyBps: o.cap,
            version: o.version,
            termsUri: terms_uri(o.terms),
        }))
    }

    fn add_tok(&mut self, p: usize, token: usize, delta: i128) {
        *self.tok.entry((p, token)).or_default() += delta;
    }

    /// Offer checks of `updateOffer`/`cancelOffer`.
    fn lessor_owned_open(&self, offer: usize, by: usize) -> Result<(), M> {
        let id = U256::from(offer + 1);
        let Some(o) = self.offers.get(offer) else {
            return Err(M::LicenseMarketUnknownOffer(
                LicenseMarket::LicenseMarketUnknownOffer { offerId: id },
            ));
        };
        if o.cancelled {
            return Err(M::LicenseMarketOfferCancelled(
                LicenseMarket::LicenseMarketOfferCancelled { offerId: id },
            ));
        }
        if o.lessor != by {
            return Err(M::LicenseMarketUnauthorizedLessor(
                LicenseMarket::LicenseMarketUnauthorizedLessor {
                    offerId: id,
                    account: who(by),
                },
            ));
        }
        Ok(())
    }

    fn add_eth(&mut self, p: usize, delta: i128) {
        *self.eth.entry(p).or_default() += delta;
    }

    /// `buyLease`/`renewLease`: the market's checks in order, then effects.
    fn lease(
        &mut self,
        buyer: usize,
        offer: usize,
        seconds: u64,
        pay: Pay,
        renew: bool,
        stale: bool,
    ) -> Expect<M> {
        let now = self.now;
        let offer_id = U256::from(offer + 1);
        let Some(o) = self.offers.get(offer).cloned() else {
            return Expect::Err(M::LicenseMarketUnknownOffer(
                LicenseMarket::LicenseMarketUnknownOffer { offerId: offer_id },
            ));
        };
        if o.cancelled {
            return Expect::Err(M::LicenseMarketOfferCancelled(
                LicenseMarket::LicenseMarketOfferCancelled { offerId: offer_id },
            ));
        }
        if o.end != 0 && now > o.end {
            return Expect::Err(M::LicenseMarketOfferEnded(
                LicenseMarket::LicenseMarketOfferEnded {
                    offerId: offer_id,
                    endTime: o.end,
                },
            ));
        }
        if stale {
            return Expect::Err(M::LicenseMarketOfferVersionMismatch(
                LicenseMarket::LicenseMarketOfferVersionMismatch {
                    offerId: offer_id,
                    quoted: o.version - 1,
                    current: o.version,
                },
            ));
        }
        if seconds < o.min || seconds > o.max {
            return Expect::Err(M::LicenseMarketDurationOutOfBounds(
                LicenseMarket::LicenseMarketDurationOutOfBounds {
                    duration: seconds,
                    minDuration: o.min,
                    maxDuration: o.max,
                },
            ));
        }
        let price = o.price * u128::from(seconds);
        let (paid, max_price) = payment(price, pay, o.token);
        if price > max_price {
            return Expect::Err(M::LicenseMarketPriceAboveMax(
                LicenseMarket::LicenseMarketPriceAboveMax {
                    price: U256::from(price),
                    maxPrice: U256::from(max_price),
                },
            ));
        }
        if o.token != 0 && paid != 0 {
            return Expect::Err(M::LicenseMarketUnexpectedValue(
                LicenseMarket::LicenseMarketUnexpectedValue {
                    value: U256::from(paid),
                },
            ));
        }
        // An ERC-20 offer pulls exactly the price (approved without limit).
        let paid = if o.token == 0 { paid } else { price };
        if paid < price {
            return Expect::Err(M::LicenseMarketInsufficientPayment(
                LicenseMarket::LicenseMarketInsufficientPayment {
                    price: U256::from(price),
                    paid: U256::from(paid),
                },
            ));
        }
        let current = self.leases.get(&(offer, buyer)).copied();
        let active = current.is_some_and(|l| l.expires != 0 && now <= l.expires);
        let start = if renew {
            if !active {
                return Expect::Err(M::LicenseMarketNotLicensee(
                    LicenseMarket::LicenseMarketNotLicensee {
                        offerId: offer_id,
                        account: who(buyer),
                    },
                ));
            }
            current.map_or(0, |l| l.expires)
        } else {
            if active {
                return Expect::Err(M::LicenseMarketAlreadyLicensed(
                    LicenseMarket::LicenseMarketAlreadyLicensed {
                        offerId: offer_id,
                        licensee: who(buyer),
                        expires: current.map_or(0, |l| l.expires),
                    },
                ));
            }
            now
        };
        let expires = start + seconds;
        if expires > now + o.max {
            return Expect::Err(M::LicenseMarketLeaseTooLong(
                LicenseMarket::LicenseMarketLeaseTooLong {
                    expires,
                    latest: now + o.max,
                },
            ));
        }
        let collection = self.contract_of(o.asset);
        if !self.operator_ok(o.lessor, o.asset) {
            return Expect::Err(M::LicenseMarketOperatorNotApproved(
                LicenseMarket::LicenseMarketOperatorNotApproved {
                    collection,
                    lessor: who(o.lessor),
                },
            ));
        }
        let mut slot = 0;
        match o.asset {
            // A unit renewal extends the licence's record: its units are
            // frozen already and its slot stays taken.
            Asset::Units { .. } if renew => slot = current.map_or(0, |l| l.slot),
            Asset::Units { id, amount } => {
                let free = self
                    .units_of(o.lessor, id)
                    .saturating_sub(self.frozen(o.lessor, id));
                if free < u128::from(amount) {
                    return Expect::Err(M::LicenseMarketNoFreeUnits(
                        LicenseMarket::LicenseMarketNoFreeUnits {
                            offerId: offer_id,
                            free: U256::from(free),
                            needed: amount,
                        },
                    ));
                }
                let active = o.slots.iter().filter(|&&e| now <= e).count();
                if active >= o.licensees as usize {
                    return Expect::Err(M::LicenseMarketSoldOut(
                        LicenseMarket::LicenseMarketSoldOut {
                            offerId: offer_id,
                            maxLicensees: o.licensees,
                        },
                    ));
                }
                slot = o
                    .slots
                    .iter()
                    .position(|&e| now > e)
                    .unwrap_or(o.slots.len());
            }
            Asset::Nft(token) => {
                if !self.lessor_holds(&o) {
                    return Expect::Err(self.not_owner(o.asset, o.lessor));
                }
                if !renew {
                    if let Some((_, until)) = self.locked_in_force(token) {
                        return Expect::Err(M::LicenseMarketTokenLeased(
                            LicenseMarket::LicenseMarketTokenLeased {
                                collection,
                                tokenId: U256::from(token),
                                expires: U256::from(until),
                            },
                        ));
                    }
                }
            }
        }
        let (receiver, bps) = self.royalty_of(o.asset);
        let royalty = if receiver.is_some() {
            (price * u128::from(bps) / 10_000).min(price)
        } else {
            0
        };
        // Invariant 14: above the lessor's cap, no sale.
        let max_royalty = price * u128::from(o.cap) / 10_000;
        if royalty > max_royalty {
            return Expect::Err(M::LicenseMarketRoyaltyAboveCap(
                LicenseMarket::LicenseMarketRoyaltyAboveCap {
                    offerId: offer_id,
                    royalty: U256::from(royalty),
                    maxRoyalty: U256::from(max_royalty),
                },
            ));
        }
        assert!(
            (price - royalty) * 10_000 >= price * (10_000 - u128::from(o.cap)),
            "the lessor's share is at least price × (1 − cap)"
        );
        let rejected = M::LicenseMarketLeaseRejected(LicenseMarket::LicenseMarketLeaseRejected {
            collection,
            tokenId: Self::token_id(o.asset),
        });
        // The asset's side (a refused licence reverts everything).
        let asset_event = match o.asset {
            Asset::Units { .. } if renew => {
                // `extendUserRecord` of the licence's (active) record.
                let record = current.map_or(0, |l| l.record);
                if let Some(r) = self.records.get_mut(&record) {
                    r.expiry = expires;
                }
                self.offers[offer].slots[slot] = expires;
                Event::Editions(IpEditions::IpEditionsEvents::UserRecordExtended(
                    IpEditions::UserRecordExtended {
                        recordId: U256::from(record),
                        expiry: expires,
                    },
                ))
            }
            Asset::Units { id, amount } => {
                let full = |owner_side: bool| {
                    self.records
                        .values()
                        .filter(|r| {
                            r.id == id
                                && r.expiry >= now
                                && if owner_side {
                                    r.owner == o.lessor
                                } else {
                                    r.user == buyer
                                }
                        })
                        .count()
                        >= 16
                };
                if full(true) || full(false) {
                    return Expect::Err(rejected);
                }
                let record = self.next_record;
                self.next_record += 1;
                self.records.insert(
                    record,
                    Record {
                        owner: o.lessor,
                        user: buyer,
                        id,
                        amount,
                        expiry: expires,
                    },
                );
                self.in_records.extend([(o.lessor, id), (buyer, id)]);
                let slots = &mut self.offers[offer].slots;
                if slot == slots.len() {
                    slots.push(expires);
                } else {
                    slots[slot] = expires;
                }
                Event::Editions(IpEditions::IpEditionsEvents::CreateUserRecord(
                    IpEditions::CreateUserRecord {
                        recordId: U256::from(record),
                        tokenId: U256::from(id),
                        amount,
                        owner: who(o.lessor),
                        user: who(buyer),
                        expiry: expires,
                    },
                ))
            }
            Asset::Nft(token) => {
                if let Some((user, until)) = self.locked_in_force(token) {
                    if !(user == buyer && expires >= until) {
                        return Expect::Err(rejected);
                    }
                }
                self.token_user.insert(token, (buyer, expires, true));
                Event::Collection(IpCollection::IpCollectionEvents::UpdateUser(
                    IpCollection::UpdateUser {
                        tokenId: U256::from(token),
                        user: who(buyer),
                        expires,
                    },
                ))
            }
        };
        let record = match o.asset {
            Asset::Units { .. } if renew => current.map_or(0, |l| l.record),
            Asset::Units { .. } => self.next_record - 1,
            Asset::Nft(_) => 0,
        };
        // `isLicensed` points at the longest-running licence.
        let key = (o.asset.key(), buyer);
        let keep = self.licence_of.get(&key).is_some_and(|&prev| {
            prev != offer
                && self
                    .leases
                    .get(&(prev, buyer))
                    .is_some_and(|l| now <= l.expires && l.expires > expires)
        });
        if !keep {
            self.licence_of.insert(key, offer);
        }
        self.leases.insert(
            (offer, buyer),
            Lease {
                expires,
                slot,
                terms: o.terms,
                record,
            },
        );
        // Money: payee + royalty + refund = paid, in the offer's token only.
        let mut events = vec![asset_event];
        if o.token == 0 {
            let refund = paid - price;
            self.add_eth(buyer, -(paid as i128) + refund as i128);
            if let Some(r) = receiver {
                self.add_eth(r, royalty as i128);
            }
            self.add_eth(o.payee, (price - royalty) as i128);
        } else {
            let k = o.token;
            let market = self.market;
            self.add_tok(buyer, k, -(price as i128));
            events.push(transfer_event(k, who(buyer), market, price));
            if let Some(r) = receiver.filter(|_| royalty > 0) {
                self.add_tok(r, k, royalty as i128);
                events.push(transfer_event(k, market, who(r), royalty));
            }
            if price > royalty {
                self.add_tok(o.payee, k, (price - royalty) as i128);
                events.push(transfer_event(k, market, who(o.payee), price - royalty));
            }
        }
        let market = lease_event(
            offer_id,
            who(buyer),
            expires,
            U256::from(price),
            U256::from(royalty),
            renew,
        );
        events.push(market);
        Expect::Ok(events)
    }
}

/// `(ETH value sent, maxPrice)` for a lease costing `price` in `token`:
/// for an ERC-20 offer the buyer sends no ETH, except a tip (refused).
fn payment(price: u128, pay: Pay, token: usize) -> (u128, u128) {
    let (value, max) = match pay {
        Pay::Exact => (price, price),
        Pay::Tip(tip) => (price + tip, price + tip),
        Pay::Under => (price.saturating_sub(1), price),
        Pay::LowMax => (price, price.saturating_sub(1)),
    };
    match (token, pay) {
        (0, _) => (value, max),
        (_, Pay::Tip(tip)) => (tip, max),
        _ => (0, max),
    }
}

fn terms_uri(terms: B256) -> String {
    format!("ipfs://terms/{terms}")
}

fn prompt_hash(seed: u64) -> B256 {
    B256::from(U256::from(seed) << 8 | U256::from(1))
}

fn content_hash(seed: u64) -> B256 {
    B256::from(U256::from(seed) << 8 | U256::from(2))
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<Model> {
        (
            prop::collection::vec((0..N, nft_royalty_strategy()), TOKENS as usize),
            prop::collection::vec((0u128..=12, 0u128..=12), N),
        )
            .prop_map(|(nfts, units)| {
                let t = Suite::template();
                let mut m = Model {
                    now: Suite::template().start,
                    collection: t.collection,
                    editions: t.editions,
                    market: t.market,
                    nft_owner: BTreeMap::new(),
                    nft_royalty: BTreeMap::new(),
                    token_user: BTreeMap::new(),
                    units: BTreeMap::new(),
                    records: BTreeMap::new(),
                    next_record: 1,
                    revoked: BTreeSet::new(),
                    offers: Vec::new(),
                    leases: BTreeMap::new(),
                    licence_of: BTreeMap::new(),
                    in_records: BTreeSet::new(),
                    prov: BTreeMap::new(),
                    step: 0,
                    eth: BTreeMap::new(),
                    tok: BTreeMap::new(),
                    default_bps: [COLLECTION_ROYALTY_BPS, EDITIONS_ROYALTY_BPS],
                    last: Outcome::Nothing,
                };
                for (i, (owner, royalty)) in nfts.into_iter().enumerate() {
                    m.nft_owner.insert(i as u64 + 1, owner);
                    m.nft_royalty.insert(i as u64 + 1, royalty);
                }
                for (a, (one, two)) in units.into_iter().enumerate() {
                    m.units.insert((a, 1), one);
                    m.units.insert((a, 2), two);
                }
                m
            })
            .boxed()
    }

    fn transitions(s: &Model) -> BoxedStrategy<Action> {
        let actor = 0..N;
        let party = prop_oneof![4 => 0..ACTORS, 1 => Just(ADMIN_IX)];
        let token = 1..=TOKENS;
        let id = 1u64..=2;
        // Assets and their holders, to offer mostly what one holds.
        let mut held: Vec<(usize, Asset)> = s
            .nft_owner
            .iter()
            .map(|(&t, &o)| (o, Asset::Nft(t)))
            .collect();
        for (&(a, id), &v) in &s.units {
            if v > 0 {
                let amount = (v as u64).clamp(1, 4);
                held.push((a, Asset::Units { id, amount }));
            }
        }
        let any_asset = prop_oneof![
            token.clone().prop_map(Asset::Nft),
            (id.clone(), 1u64..4).prop_map(|(id, amount)| Asset::Units { id, amount }),
        ];
        let offered = prop_oneof![
            4 => proptest::sample::select(held).prop_flat_map(|(a, asset)| {
                let asset = match asset {
                    Asset::Units { id, amount } => (1..=amount).prop_map(move |amount| Asset::Units { id, amount }).boxed(),
                    nft => Just(nft).boxed(),
                };
                (Just(a), asset)
            }),
            1 => (actor.clone(), any_asset.clone()),
        ];
        let offers = s.offers.len();
        let offer = if offers == 0 {
            Just(0usize).boxed()
        } else {
            prop_oneof![12 => 0..offers, 1 => Just(offers)].boxed()
        };
        let lessors: Vec<usize> = s.offers.iter().map(|o| o.lessor).collect();
        let lessor_of = move |o: usize| -> BoxedStrategy<usize> {
            match lessors.get(o) {
                Some(&l) => prop_oneof![3 => Just(l), 1 => 0..N].boxed(),
                None => (0..N).boxed(),
            }
        };
        let lessor_of2 = lessor_of.clone();
        // Renewals mostly by current licensees.
        let licensees: Vec<(usize, usize)> = s
            .leases
            .iter()
            .filter(|(_, l)| l.expires >= s.now)
            .map(|(&k, _)| k)
            .collect();
        let renewal = if licensees.is_empty() {
            (offer.clone(), actor.clone()).boxed()
        } else {
            prop_oneof![
                4 => proptest::sample::select(licensees),
                1 => (offer.clone(), actor.clone()),
            ]
            .boxed()
        };
        // Durations mostly within the offer's bounds.
        let bounds: Vec<(u64, u64)> = s.offers.iter().map(|o| (o.min, o.max)).collect();
        let within = move |o: usize| -> BoxedStrategy<u64> {
            match bounds.get(o) {
                Some(&(min, max)) => prop_oneof![
                    6 => min..=max.min(min + 400),
                    1 => 1u64..2_000,
                ]
                .boxed(),
                None => (1u64..400).boxed(),
            }
        };
        let within2 = within.clone();
        let pay = prop_oneof![
            6 => Just(Pay::Exact),
            2 => (1u128..1_000_000).prop_map(Pay::Tip),
            1 => Just(Pay::Under),
            1 => Just(Pay::LowMax),
        ];
        let seconds = prop_oneof![8 => 1u64..400, 1 => 400u64..2_000];
        // Few leases and offer changes before there are offers.
        let (buy_weight, renew_weight, change_weight) =
            if offers == 0 { (1, 1, 1) } else { (8, 4, 1) };
        let create_weight = if offers == 0 { 8 } else { 3 };
        // Updates often enough that buyers quoted an older version show up.
        let update_weight = if offers == 0 { 1 } else { 3 };
        let owners = s.nft_owner.clone();
        let unit_holders: Vec<(usize, u64)> = s
            .units
            .iter()
            .filter(|(_, &v)| v > 0)
            .map(|(&k, _)| k)
            .collect();
        let unit_holder = if unit_holders.is_empty() {
            (actor.clone(), id).boxed()
        } else {
            proptest::sample::select(unit_holders).boxed()
        };
        prop_oneof![
            create_weight => (offered, 0u128..2_000_000_000, 1u64..50, 0u64..600, prop::option::weighted(0.3, 1u64..3_000), 1u32..=3, 0..ACTORS, payment_token(), royalty_cap())
                .prop_map(|((lessor, asset), price, min, span, end_in, licensees, payee, token, cap)| Action::CreateOffer {
                    lessor, asset, price, min, max: min + span, end_in, licensees, payee, token, cap,
                }),
            update_weight => offer.clone().prop_flat_map(move |o| (lessor_of(o), Just(o), 0u128..2_000_000_000, 0..ACTORS, payment_token(), prop::sample::select(vec![0u8, 1, 5, 7]), royalty_cap()))
                .prop_map(|(by, offer, price, payee, token, flags, cap)| Action::UpdateOffer { by, offer, price, payee, token, flags, cap }),
            change_weight => offer.clone().prop_flat_map(move |o| (lessor_of2(o), Just(o)))
                .prop_map(|(by, offer)| Action::CancelOffer { by, offer }),
            buy_weight => (actor.clone(), offer.clone(), pay.clone(), prop::bool::weighted(0.25))
                .prop_flat_map(move |(buyer, offer, pay, stale)| (Just(buyer), Just(offer), within(offer), Just(pay), Just(stale)))
                .prop_map(|(buyer, offer, seconds, pay, stale)| Action::Lease { buyer, offer, seconds, pay, renew: false, stale }),
            renew_weight => (renewal, pay, prop::bool::weighted(0.15))
                .prop_flat_map(move |((offer, buyer), pay, stale)| (Just(buyer), Just(offer), within2(offer), Just(pay), Just(stale)))
                .prop_map(|(buyer, offer, seconds, pay, stale)| Action::Lease { buyer, offer, seconds, pay, renew: true, stale }),
            1 => (any::<bool>(), prop::sample::select(vec![0u64, 250, 500, 1_000, 5_000, 10_000]))
                .prop_map(|(on_editions, bps)| Action::SetRoyalty { on_editions, bps }),
            1 => (token.clone(), actor.clone()).prop_map(|(token, to)| Action::TransferNft { token, to }),
            1 => (unit_holder, actor.clone(), 1u128..6)
                .prop_map(|((from, id), to, amount)| Action::TransferUnits { from, to, id, amount }),
            1 => (actor, any::<bool>(), prop::bool::weighted(0.4))
                .prop_map(|(owner, editions, approved)| Action::SetOperator { owner, editions, approved }),
            1 => (party.clone(), prop::option::of(party.clone())).prop_map(|(by, to)| Action::Withdraw { by, to }),
            1 => (any_asset, prop_oneof![Just(U256::MAX), any::<u128>().prop_map(U256::from), (0u64..1_000_000).prop_map(U256::from)], offer, seconds)
                .prop_map(|(asset, sale, offer, seconds)| Action::Quote { asset, sale, offer, seconds }),
            2 => (token.clone(), prop::option::weighted(0.3, token), party, 0u8..4)
                .prop_map(move |(token, parent, other, k)| {
                    // Mostly the token's owner or the admin (a minter).
                    let by = match k {
                        0 | 1 => owners.get(&token).copied().unwrap_or(other),
                        2 => ADMIN_IX,
                        _ => other,
                    };
                    Action::Record { by, token, parent }
                }),
            2 => (1u64..1_500).prop_map(|seconds| Action::Warp { seconds }),
        ]
        .boxed()
    }

    fn preconditions(s: &Model, t: &Action) -> bool {
        // A stale quote needs an offer that has been updated.
        if let Action::Lease {
            offer, stale: true, ..
        } = *t
        {
            return s.offers.get(offer).is_some_and(|o| o.version > 1);
        }
        match *t {
            Action::CreateOffer { .. } => s.offers.len() < MAX_OFFERS,
            Action::TransferNft { token, .. } => s.nft_owner.contains_key(&token),
            _ => true,
        }
    }

    fn apply(mut s: Model, t: &Action) -> Model {
        s.step += 1;
        s.eth.clear();
        s.tok.clear();
        s.last = Outcome::Nothing;
        match *t {
            Action::CreateOffer {
                lessor,
                asset,
                price,
                min,
                max,
                end_in,
                licensees,
                payee,
                token,
                cap,
            } => {
                let licensees = match asset {
                    Asset::Nft(_) => 1,
                    Asset::Units { .. } => licensees,
                };
                let o = Offer {
                    lessor,
                    asset,
                    price,
                    min,
                    max,
                    end: end_in.map_or(0, |e| s.now + e),
                    licensees,
                    payee,
                    terms: B256::from(U256::from(s.step)),
                    cancelled: false,
                    slots: Vec::new(),
                    token,
                    flags: 5,
                    cap,
                    version: 1,
                };
                if cap > 10_000 {
                    s.last = Outcome::Market(Expect::Err(M::LicenseMarketInvalidRoyaltyCap(
                        LicenseMarket::LicenseMarketInvalidRoyaltyCap { maxRoyaltyBps: cap },
                    )));
                    return s;
                }
                let collection = s.contract_of(asset);
                if !s.lessor_holds(&o) {
                    s.last = Outcome::Market(Expect::Err(s.not_owner(asset, lessor)));
                    return s;
                }
                if !s.operator_ok(lessor, asset) {
                    s.last = Outcome::Market(Expect::Err(M::LicenseMarketOperatorNotApproved(
                        LicenseMarket::LicenseMarketOperatorNotApproved {
                            collection,
                            lessor: who(lessor),
                        },
                    )));
                    return s;
                }
                s.offers.push(o);
                let id = s.offers.len();
                let amount = match asset {
                    Asset::Nft(_) => 0,
                    Asset::Units { amount, .. } => amount,
                };
                s.last = Outcome::Market(Expect::Ok(vec![
                    Event::Market(Mev::OfferCreated(LicenseMarket::OfferCreated {
                        offerId: U256::from(id),
                        lessor: who(lessor),
                        collection,
                        tokenId: Model::token_id(asset),
                        amount,
                    })),
                    s.terms_event(id - 1),
                ]));
            }
            Action::UpdateOffer {
                by,
                offer,
                price,
                payee,
                token,
                flags,
                cap,
            } => {
                if let Err(e) = s.lessor_owned_open(offer, by) {
                    s.last = Outcome::Market(Expect::Err(e));
                    return s;
                }
                // The terms are validated again: the kept end time may
                // have passed.
                let end = s.offers[offer].end;
                if end != 0 && s.now > end {
                    s.last = Outcome::Market(Expect::Err(M::LicenseMarketInvalidEndTime(
                        LicenseMarket::LicenseMarketInvalidEndTime { endTime: end },
                    )));
                    return s;
                }
                if cap > 10_000 {
                    s.last = Outcome::Market(Expect::Err(M::LicenseMarketInvalidRoyaltyCap(
                        LicenseMarket::LicenseMarketInvalidRoyaltyCap { maxRoyaltyBps: cap },
                    )));
                    return s;
                }
                let step = s.step;
                let o = &mut s.offers[offer];
                o.price = price;
                o.payee = payee;
                o.terms = B256::from(U256::from(step));
                o.token = token;
                o.flags = flags;
                o.cap = cap;
                o.version += 1;
                s.last = Outcome::Market(Expect::Ok(vec![s.terms_event(offer)]));
            }
            Action::CancelOffer { by, offer } => {
                if let Err(e) = s.lessor_owned_open(offer, by) {
                    s.last = Outcome::Market(Expect::Err(e));
                    return s;
                }
                s.offers[offer].cancelled = true;
                s.last = Outcome::Market(Expect::Ok(vec![Event::Market(Mev::OfferCancelled(
                    LicenseMarket::OfferCancelled {
                        offerId: U256::from(offer + 1),
                    },
                ))]));
            }
            Action::Lease {
                buyer,
                offer,
                seconds,
                pay,
                renew,
                stale,
            } => {
                let before = s.clone();
                let outcome = s.lease(buyer, offer, seconds, pay, renew, stale);
                if matches!(outcome, Expect::Err(_)) {
                    s = before;
                    s.eth.clear();
                    s.tok.clear();
                }
                s.last = Outcome::Market(outcome);
            }
            Action::TransferNft { token, to } => {
                let from = s.nft_owner[&token];
                s.nft_owner.insert(token, to);
                let mut events = vec![Event::Collection(
                    IpCollection::IpCollectionEvents::Transfer(IpCollection::Transfer {
                        from: who(from),
                        to: who(to),
                        tokenId: U256::from(token),
                    }),
                )];
                let clears = from != to
                    && s.token_user.contains_key(&token)
                    && s.locked_in_force(token).is_none();
                if clears {
                    s.token_user.remove(&token);
                    events.push(Event::Collection(
                        IpCollection::IpCollectionEvents::UpdateUser(IpCollection::UpdateUser {
                            tokenId: U256::from(token),
                            user: Address::ZERO,
                            expires: 0,
                        }),
                    ));
                }
                s.last = Outcome::Collection(Expect::Ok(events));
            }
            Action::TransferUnits {
                from,
                to,
                id,
                amount,
            } => {
                let (balance, frozen) = (s.units_of(from, id), s.frozen(from, id));
                let err = if frozen != 0 && amount > balance.saturating_sub(frozen) {
                    Some(D::EditionsInsufficientUnfrozenBalance(
                        IpEditions::EditionsInsufficientUnfrozenBalance {
                            owner: who(from),
                            tokenId: U256::from(id),
                            available: U256::from(balance.saturating_sub(frozen)),
                            needed: U256::from(amount),
                        },
                    ))
                } else if amount > balance {
                    Some(D::ERC1155InsufficientBalance(
                        IpEditions::ERC1155InsufficientBalance {
                            sender: who(from),
                            balance: U256::from(balance),
                            needed: U256::from(amount),
                            tokenId: U256::from(id),
                        },
                    ))
                } else {
                    None
                };
                if let Some(e) = err {
                    s.last = Outcome::Editions(Expect::Err(e));
                    return s;
                }
                *s.units.entry((from, id)).or_default() -= amount;
                *s.units.entry((to, id)).or_default() += amount;
                s.last = Outcome::Editions(Expect::Ok(vec![Event::Editions(
                    IpEditions::IpEditionsEvents::TransferSingle(IpEditions::TransferSingle {
                        operator: who(from),
                        from: who(from),
                        to: who(to),
                        id: U256::from(id),
                        value: U256::from(amount),
                    }),
                )]));
            }
            Action::SetOperator {
                owner,
                editions,
                approved,
            } => {
                if approved {
                    s.revoked.remove(&(owner, editions));
                } else {
                    s.revoked.insert((owner, editions));
                }
                let (o, op) = (who(owner), s.market);
                if editions {
                    s.last = Outcome::Editions(Expect::Ok(vec![Event::Editions(
                        IpEditions::IpEditionsEvents::LeaseOperatorSet(
                            IpEditions::LeaseOperatorSet {
                                owner: o,
                                operator: op,
                                approved,
                            },
                        ),
                    )]));
                } else {
                    s.last = Outcome::Collection(Expect::Ok(vec![Event::Collection(
                        IpCollection::IpCollectionEvents::LeaseOperatorSet(
                            IpCollection::LeaseOperatorSet {
                                owner: o,
                                operator: op,
                                approved,
                            },
                        ),
                    )]));
                }
            }
            Action::SetRoyalty { on_editions, bps } => {
                s.default_bps[usize::from(on_editions)] = bps;
                s.last = if on_editions {
                    Outcome::Editions(Expect::Ok(Vec::new()))
                } else {
                    Outcome::Collection(Expect::Ok(vec![Event::Collection(
                        IpCollection::IpCollectionEvents::DefaultRoyaltySet(
                            IpCollection::DefaultRoyaltySet {
                                receiver: who(ADMIN_IX),
                                royaltyBps: U96::from(bps),
                            },
                        ),
                    )]))
                };
            }
            Action::Withdraw { .. } => {
                // Every push to these accounts succeeds: no credit, ever.
                s.last = Outcome::Market(Expect::Err(M::LicenseMarketNothingToWithdraw(
                    LicenseMarket::LicenseMarketNothingToWithdraw {
                        token: Address::ZERO,
                    },
                )));
            }
            Action::Record { by, token, parent } => {
                let collection = s.collection;
                let err = if s.prov.contains_key(&token) {
                    Some(P::ProvenanceRecordExists(
                        ProvenanceRegistry::ProvenanceRecordExists {
                            collection,
                            id: U256::from(token),
                        },
                    ))
                } else if let Some(p) = parent.filter(|p| !s.prov.contains_key(p)) {
                    Some(P::ProvenanceMissingParent(
                        ProvenanceRegistry::ProvenanceMissingParent {
                            collection,
                            id: U256::from(p),
                        },
                    ))
                } else if !(by == ADMIN_IX || s.nft_owner.get(&token) == Some(&by)) {
                    Some(P::ProvenanceUnauthorizedWriter(
                        ProvenanceRegistry::ProvenanceUnauthorizedWriter {
                            collection,
                            id: U256::from(token),
                            account: who(by),
                        },
                    ))
                } else {
                    None
                };
                if let Some(e) = err {
                    s.last = Outcome::Provenance(Expect::Err(e));
                    return s;
                }
                let seed = s.step;
                s.prov.insert(
                    token,
                    Prov {
                        creator: by,
                        timestamp: s.now,
                        seed,
                        parent,
                    },
                );
                s.last = Outcome::Provenance(Expect::Ok(vec![Event::Provenance(
                    ProvenanceRegistry::ProvenanceRegistryEvents::ProvenanceRecorded(
                        ProvenanceRegistry::ProvenanceRecorded {
                            collection,
                            id: U256::from(token),
                            modelId: U256::from(1),
                            creator: who(by),
                            // Filled in from the chain (EIP-712, not modelled).
                            structHash: B256::ZERO,
                            promptHash: prompt_hash(seed),
                            contentHash: content_hash(seed),
                            parentCollections: parent.iter().map(|_| collection).collect(),
                            parentIds: parent.iter().map(|&p| U256::from(p)).collect(),
                        },
                    ),
                )]));
            }
            Action::Quote { .. } => {}
            Action::Warp { seconds } => s.now += seconds,
        }
        s
    }
}

/// Every party whose ETH may move.
fn parties() -> impl Iterator<Item = usize> {
    (0..ACTORS).chain([ADMIN_IX])
}

struct World {
    s: Suite,
    eth: U256,
    /// Largest expiry seen of each token's locked lease while in force.
    locked_seen: BTreeMap<u64, (Address, u64)>,
}

impl World {
    /// Balance of `a` in test ERC-20 `k`.
    fn token_balance(&mut self, k: usize, a: Address) -> U256 {
        self.s
            .view(token_at(k), &TestToken::balanceOfCall { account: a })
    }

    fn compare(&mut self, m: &Model) {
        let (collection, editions, market, provenance) = (
            self.s.collection,
            self.s.editions,
            self.s.market,
            self.s.provenance,
        );
        let now = m.now;
        // Tokens: owner, user, expiry (invariant 3).
        for (&token, &owner) in &m.nft_owner {
            let id = U256::from(token);
            let got = self
                .s
                .view(collection, &IpCollection::ownerOfCall { tokenId: id });
            assert_eq!(got, who(owner), "owner of token {token}");
            let user = self
                .s
                .view(collection, &IpCollection::userOfCall { tokenId: id });
            let expires = self
                .s
                .view(collection, &IpCollection::userExpiresCall { tokenId: id });
            let want = m.token_user.get(&token).copied();
            let want_user = want
                .filter(|l| l.1 >= now)
                .map_or(Address::ZERO, |l| who(l.0));
            assert_eq!(user, want_user, "user of token {token} at {now}");
            assert_eq!(
                expires,
                U256::from(want.map_or(0, |l| l.1)),
                "userExpires of token {token}"
            );
            // A locked lease in force is never shortened.
            match m.locked_in_force(token) {
                Some((u, until)) => {
                    if let Some(&(seen_user, seen)) = self.locked_seen.get(&token) {
                        if seen_user == who(u) && seen >= now {
                            assert!(until >= seen, "locked lease of {token} shortened");
                        }
                    }
                    self.locked_seen.insert(token, (who(u), until));
                }
                None => {
                    self.locked_seen.remove(&token);
                }
            }
        }
        // ERC-721 balances (invariant 1).
        for a in 0..N {
            let got = self
                .s
                .view(collection, &IpCollection::balanceOfCall { owner: who(a) });
            let want = m.nft_owner.values().filter(|&&o| o == a).count();
            assert_eq!(got, U256::from(want), "ERC-721 balance of {a}");
        }
        // Units: balances, frozen and usable (invariant 2).
        let pairs: Vec<(usize, u64)> = (0..N).flat_map(|a| [(a, 1), (a, 2)]).collect();
        let balances = self.s.view(
            editions,
            &IpEditions::balanceOfBatchCall {
                accounts: pairs.iter().map(|p| who(p.0)).collect(),
                ids: pairs.iter().map(|p| U256::from(p.1)).collect(),
            },
        );
        for (k, &(a, id)) in pairs.iter().enumerate() {
            assert_eq!(
                balances[k],
                U256::from(m.units_of(a, id)),
                "units of {a} in {id}"
            );
        }
        for &(a, id) in &m.in_records {
            let account = who(a);
            let token = U256::from(id);
            let frozen = self.s.view(
                editions,
                &IpEditions::frozenBalanceOfCall {
                    account,
                    tokenId: token,
                },
            );
            let usable = self.s.view(
                editions,
                &IpEditions::usableBalanceOfCall {
                    account,
                    tokenId: token,
                },
            );
            assert_eq!(frozen, U256::from(m.frozen(a, id)), "frozen of {a} in {id}");
            assert_eq!(usable, U256::from(m.usable(a, id)), "usable of {a} in {id}");
            assert!(frozen <= U256::from(m.units_of(a, id)), "frozen ≤ balance");
        }
        // Leases and licences (invariant 3).
        for (&(offer, buyer), l) in &m.leases {
            let got = self.s.view(
                market,
                &LicenseMarket::leaseOfCall {
                    offerId: U256::from(offer + 1),
                    licensee: who(buyer),
                },
            );
            assert_eq!(
                (got._0, got._1, got._2),
                (l.expires, l.terms, U256::from(l.record)),
                "lease of {buyer} under offer {}",
                offer + 1
            );
        }
        for (&((units, id), account), &offer) in &m.licence_of {
            let l = m.leases[&(offer, account)];
            let asset = if units { editions } else { collection };
            let got = self.s.view(
                market,
                &LicenseMarket::isLicensedCall {
                    collection: asset,
                    tokenId: U256::from(id),
                    account: who(account),
                },
            );
            assert_eq!(
                (got._0, got._1, got._2),
                (now <= l.expires, l.expires, l.terms),
                "isLicensed of {account} for {units}/{id} at {now}"
            );
        }
        // Provenance records never change (invariant 11).
        for (&token, p) in &m.prov {
            let got = self.s.view(
                provenance,
                &ProvenanceRegistry::provenanceOfCall {
                    collection,
                    id: U256::from(token),
                },
            );
            let want = (
                U256::from(1),
                prompt_hash(p.seed),
                seed_hash(p.seed),
                B256::ZERO,
                content_hash(p.seed),
                B256::ZERO,
                who(p.creator),
                p.timestamp,
                false,
            );
            assert_eq!(
                (got._0, got._1, got._2, got._3, got._4, got._5, got._6, got._7, got._8),
                want,
                "provenance of token {token}"
            );
        }
        // Invariant 9.
        assert_eq!(self.s.eth_total(&[]), self.eth, "ETH conservation");
        for k in 1..=TOKEN_DECIMALS.len() {
            let in_market = self.token_balance(k, market);
            let total: U256 = parties()
                .map(|p| self.token_balance(k, who(p)))
                .sum::<U256>()
                + in_market;
            let supply = self.s.view(token_at(k), &TestToken::totalSupplyCall {});
            assert_eq!(total, supply, "token {k} conservation");
            assert_eq!(
                supply,
                U256::from(TOKEN_FUNDS) * U256::from(parties().count()),
                "token {k} supply"
            );
        }
    }
}

fn seed_hash(seed: u64) -> B256 {
    B256::from(U256::from(seed) << 8 | U256::from(3))
}

struct MarketMachine;

impl StateMachineTest for MarketMachine {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(m: &Model) -> World {
        let mut s = Suite::fresh();
        let (collection, editions) = (s.collection, s.editions);
        for (&token, &owner) in &m.nft_owner {
            let (receiver, bps) =
                m.nft_royalty[&token].map_or((Address::ZERO, 0), |r| (who(r.0), r.1));
            let mint = IpCollection::mintCall {
                to: who(owner),
                uri: String::new(),
                royaltyReceiver: receiver,
                royaltyBps: U96::from(bps),
            };
            assert_eq!(
                s.ok(Suite::template().admin(), collection, &mint, U256::ZERO)
                    .ret,
                U256::from(token)
            );
        }
        for a in 0..N {
            let mint = IpEditions::mintBatchCall {
                to: who(a),
                ids: vec![U256::from(1), U256::from(2)],
                amounts: vec![U256::from(m.units_of(a, 1)), U256::from(m.units_of(a, 2))],
                data: Default::default(),
            };
            s.ok(Suite::template().admin(), editions, &mint, U256::ZERO);
        }
        // The two payment tokens; every party holds both and has approved
        // the market without limit (an old unlimited approval).
        let admin = Suite::template().admin();
        for k in 1..=TOKEN_DECIMALS.len() {
            let (salt, code) = token_code(k);
            let token = s.create(admin, salt, code);
            assert_eq!(token, token_at(k), "token {k} address");
            for p in parties() {
                let mint = TestToken::mintCall {
                    to: who(p),
                    value: U256::from(TOKEN_FUNDS),
                };
                s.ok(who(p), token, &mint, U256::ZERO);
                let approve = TestToken::approveCall {
                    spender: s.market,
                    value: U256::MAX,
                };
                s.ok(who(p), token, &approve, U256::ZERO);
            }
        }
        let eth = s.eth_total(&[]);
        let mut w = World {
            s,
            eth,
            locked_seen: BTreeMap::new(),
        };
        w.compare(m);
        w
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        let (collection, editions, market, provenance) =
            (w.s.collection, w.s.editions, w.s.market, w.s.provenance);
        let before: BTreeMap<usize, U256> = parties().map(|p| (p, w.s.balance(who(p)))).collect();
        let tok_before: BTreeMap<(usize, usize), U256> = parties()
            .flat_map(|p| (1..=TOKEN_DECIMALS.len()).map(move |k| (p, k)))
            .map(|(p, k)| ((p, k), w.token_balance(k, who(p))))
            .collect();
        let got = match t {
            Action::CreateOffer { lessor, asset, .. } => {
                // The terms as the model stored them (or would have).
                let (id, amount) = match asset {
                    Asset::Nft(t) => (U256::from(t), 0),
                    Asset::Units { id, amount } => (U256::from(id), amount),
                };
                let terms = offer_terms(m, &t);
                let call = LicenseMarket::createOfferCall {
                    collection: m.contract_of(asset),
                    tokenId: id,
                    amount,
                    terms,
                };
                let got = w.s.send(who(lessor), market, &call, U256::ZERO);
                if let Ok(sent) = &got {
                    assert_eq!(sent.ret, U256::from(m.offers.len()), "offer id");
                }
                got.map(Sent::unit)
            }
            Action::UpdateOffer { by, offer, .. } => {
                let call = LicenseMarket::updateOfferCall {
                    offerId: U256::from(offer + 1),
                    terms: offer_terms(m, &t),
                };
                w.s.send(who(by), market, &call, U256::ZERO).map(Sent::unit)
            }
            Action::CancelOffer { by, offer } => {
                let call = LicenseMarket::cancelOfferCall {
                    offerId: U256::from(offer + 1),
                };
                w.s.send(who(by), market, &call, U256::ZERO).map(Sent::unit)
            }
            Action::Lease {
                buyer,
                offer,
                seconds,
                pay,
                renew,
                stale,
            } => {
                // The price, token and version from the terms in force (the
                // model's, unchanged by a lease); a stale buyer was quoted
                // the previous version.
                let (pps, token, version) = m
                    .offers
                    .get(offer)
                    .map_or((0, 0, 0), |o| (o.price, o.token, o.version));
                let version = if stale { version - 1 } else { version };
                let (paid, max) = payment(pps * u128::from(seconds), pay, token);
                let (offer_id, max_price) = (U256::from(offer + 1), U256::from(max));
                let got = if renew {
                    let call = LicenseMarket::renewLeaseCall {
                        offerId: offer_id,
                        duration: seconds,
                        maxPrice: max_price,
                        version,
                    };
                    w.s.send(who(buyer), market, &call, U256::from(paid))
                } else {
                    let call = LicenseMarket::buyLeaseCall {
                        offerId: offer_id,
                        duration: seconds,
                        maxPrice: max_price,
                        version,
                    };
                    w.s.send(who(buyer), market, &call, U256::from(paid))
                };
                if let Ok(sent) = &got {
                    let l = m.leases[&(offer, buyer)];
                    assert_eq!(sent.ret, l.expires, "returned expiry");
                }
                got.map(Sent::unit)
            }
            Action::TransferNft { token, to } => {
                let from = w.s.view(
                    collection,
                    &IpCollection::ownerOfCall {
                        tokenId: U256::from(token),
                    },
                );
                let call = IpCollection::transferFromCall {
                    from,
                    to: who(to),
                    tokenId: U256::from(token),
                };
                w.s.send(from, collection, &call, U256::ZERO)
                    .map(Sent::unit)
            }
            Action::TransferUnits {
                from,
                to,
                id,
                amount,
            } => {
                let call = IpEditions::safeTransferFromCall {
                    from: who(from),
                    to: who(to),
                    id: U256::from(id),
                    value: U256::from(amount),
                    data: Default::default(),
                };
                w.s.send(who(from), editions, &call, U256::ZERO)
                    .map(Sent::unit)
            }
            Action::SetOperator {
                owner,
                editions: on_editions,
                approved,
            } => {
                if on_editions {
                    let call = IpEditions::setLeaseOperatorCall {
                        operator: market,
                        approved,
                    };
                    w.s.send(who(owner), editions, &call, U256::ZERO)
                        .map(Sent::unit)
                } else {
                    let call = IpCollection::setLeaseOperatorCall {
                        operator: market,
                        approved,
                    };
                    w.s.send(who(owner), collection, &call, U256::ZERO)
                        .map(Sent::unit)
                }
            }
            Action::SetRoyalty { on_editions, bps } => {
                let admin = who(ADMIN_IX);
                if on_editions {
                    let call = IpEditions::setDefaultRoyaltyCall {
                        receiver: admin,
                        bps: U96::from(bps),
                    };
                    w.s.send(admin, editions, &call, U256::ZERO).map(Sent::unit)
                } else {
                    let call = IpCollection::setDefaultRoyaltyCall {
                        receiver: admin,
                        royaltyBps: U96::from(bps),
                    };
                    w.s.send(admin, collection, &call, U256::ZERO)
                        .map(Sent::unit)
                }
            }
            Action::Withdraw { by, to } => {
                let account = who(to.unwrap_or(by));
                for k in 0..=TOKEN_DECIMALS.len() {
                    let credit = w.s.view(
                        market,
                        &LicenseMarket::creditOfCall {
                            account,
                            token: token_at(k),
                        },
                    );
                    assert_eq!(credit, U256::ZERO, "credit of {account} in token {k}");
                }
                match to {
                    None => {
                        let call = LicenseMarket::withdrawCall {
                            token: Address::ZERO,
                        };
                        w.s.send(who(by), market, &call, U256::ZERO).map(Sent::unit)
                    }
                    Some(_) => {
                        let call = LicenseMarket::withdrawToCall {
                            account,
                            token: Address::ZERO,
                        };
                        w.s.send(who(by), market, &call, U256::ZERO).map(Sent::unit)
                    }
                }
            }
            Action::Quote {
                asset,
                sale,
                offer,
                seconds,
            } => {
                quote(&mut w.s, m, asset, sale, offer, seconds);
                Ok(Sent::default())
            }
            Action::Record { by, token, parent } => {
                let seed = m.step;
                let call = ProvenanceRegistry::recordProvenanceCall {
                    collection,
                    id: U256::from(token),
                    modelId: U256::from(1),
                    promptHash: prompt_hash(seed),
                    seedHash: seed_hash(seed),
                    paramsHash: B256::ZERO,
                    contentHash: content_hash(seed),
                    humanHash: B256::ZERO,
                    parentCollections: parent.iter().map(|_| collection).collect(),
                    parentIds: parent.iter().map(|&p| U256::from(p)).collect(),
                    signature: Default::default(),
                };
                let mut got =
                    w.s.send(who(by), provenance, &call, U256::ZERO)
                        .map(Sent::unit);
                // The struct hash is EIP-712 (not modelled): non-zero, then
                // compared with the rest.
                if let (Ok(sent), Outcome::Provenance(Expect::Ok(want))) = (&mut got, &m.last) {
                    if let (
                        [Event::Provenance(
                            ProvenanceRegistry::ProvenanceRegistryEvents::ProvenanceRecorded(g),
                        )],
                        [Event::Provenance(
                            ProvenanceRegistry::ProvenanceRegistryEvents::ProvenanceRecorded(_),
                        )],
                    ) = (&mut sent.events[..], &want[..])
                    {
                        assert_ne!(g.structHash, B256::ZERO, "struct hash");
                        g.structHash = B256::ZERO;
                    }
                }
                got
            }
            Action::Warp { seconds } => {
                w.s.warp(seconds);
                Ok(Sent::default())
            }
        };
        match &m.last {
            Outcome::Market(e) => e.check(&t, &got),
            Outcome::Collection(e) => e.check(&t, &got),
            Outcome::Editions(e) => e.check(&t, &got),
            Outcome::Provenance(e) => e.check(&t, &got),
            Outcome::Nothing => assert!(got.is_ok_and(|s| s.events.is_empty()), "{t:?}"),
        }
        // Invariant 5: every party's ETH moved exactly as the model says.
        for p in parties() {
            let delta = m.eth.get(&p).copied().unwrap_or(0);
            let now = w.s.balance(who(p));
            let want = if delta >= 0 {
                before[&p] + U256::from(delta as u128)
            } else {
                before[&p] - U256::from(delta.unsigned_abs())
            };
            assert_eq!(now, want, "ETH of party {p} after {t:?}");
        }
        assert_eq!(w.s.balance(market), U256::ZERO, "the market holds no ETH");
        // Invariants 9 and 13 for the ERC-20s: every party's balance moved
        // exactly as the model says (only in the offer's token), the market
        // holds none.
        for k in 1..=TOKEN_DECIMALS.len() {
            for p in parties() {
                let delta = m.tok.get(&(p, k)).copied().unwrap_or(0);
                let now = w.token_balance(k, who(p));
                let was = tok_before[&(p, k)];
                let want = if delta >= 0 {
                    was + U256::from(delta as u128)
                } else {
                    was - U256::from(delta.unsigned_abs())
                };
                assert_eq!(now, want, "token {k} of party {p} after {t:?}");
            }
            assert_eq!(
                w.token_balance(k, market),
                U256::ZERO,
                "the market holds no token {k}"
            );
        }
        assert_eq!(w.s.timestamp(), m.now, "clock");
        w.compare(m);
        w
    }
}

/// The terms `t` sends (create or update), as the model has them.
fn offer_terms(m: &Model, t: &Action) -> ILicenseMarket::OfferTerms {
    let o = match *t {
        Action::CreateOffer {
            lessor,
            asset,
            price,
            min,
            max,
            end_in,
            licensees,
            payee,
            token,
            cap,
        } => Offer {
            lessor,
            asset,
            price,
            min,
            max,
            end: end_in.map_or(0, |e| m.now + e),
            licensees: if matches!(asset, Asset::Nft(_)) {
                1
            } else {
                licensees
            },
            payee,
            terms: B256::from(U256::from(m.step)),
            cancelled: false,
            slots: Vec::new(),
            token,
            flags: 5,
            cap,
            version: 1,
        },
        Action::UpdateOffer {
            offer,
            price,
            payee,
            token,
            flags,
            cap,
            ..
        } => {
            // An unknown offer: any valid terms (the id check comes first).
            let mut o = m.offers.get(offer).cloned().unwrap_or(Offer {
                lessor: 0,
                asset: Asset::Nft(1),
                price: 0,
                min: 1,
                max: 1,
                end: 0,
                licensees: 1,
                payee: 0,
                terms: B256::ZERO,
                cancelled: false,
                slots: Vec::new(),
                token: 0,
                flags: 0,
                cap: 0,
                version: 0,
            });
            o.price = price;
            o.payee = payee;
            o.terms = B256::from(U256::from(m.step));
            o.token = token;
            o.flags = flags;
            o.cap = cap;
            o
        }
        _ => unreachable!("terms of {t:?}"),
    };
    ILicenseMarket::OfferTerms {
        pricePerSecond: U256::from(o.price),
        paymentToken: token_at(o.token),
        minDuration: o.min,
        maxDuration: o.max,
        endTime: o.end,
        maxLicensees: o.licensees,
        payee: who(o.payee),
        termsHash: o.terms,
        termsUri: terms_uri(o.terms),
        flags: o.flags,
        maxRoyaltyBps: o.cap,
    }
}

/// Invariant 4: `royaltyInfo` of `asset` at `sale`, and `quote` of `offer`.
fn quote(s: &mut Suite, m: &Model, asset: Asset, sale: U256, offer: usize, seconds: u64) {
    let (receiver, bps) = m.royalty_of(asset);
    let want = sale / U256::from(10_000) * U256::from(bps)
        + sale % U256::from(10_000) * U256::from(bps) / U256::from(10_000);
    let (got_receiver, got) = match asset {
        Asset::Nft(t) => {
            let r = s.view(
                m.collection,
                &IpCollection::royaltyInfoCall {
                    tokenId: U256::from(t),
                    salePrice: sale,
                },
            );
            (r._0, r._1)
        }
        Asset::Units { id, .. } => {
            let r = s.view(
                m.editions,
                &IpEditions::royaltyInfoCall {
                    id: U256::from(id),
                    salePrice: sale,
                },
            );
            (r._0, r._1)
        }
    };
    assert_eq!(
        got_receiver,
        receiver.map_or(Address::ZERO, who),
        "royalty receiver"
    );
    assert!(got <= sale, "royalty above the sale price");
    assert_eq!(got, want, "royalty of {asset:?} at {sale}");
    // The market's quote of an open offer agrees with it (token, royalty
    // within the cap, version), and its offer view with the model.
    let Some(o) = m.offers.get(offer) else { return };
    let v = s.view(
        m.market,
        &LicenseMarket::offerCall {
            offerId: U256::from(offer + 1),
        },
    );
    let (id, amount) = match o.asset {
        Asset::Nft(t) => (t, 0),
        Asset::Units { id, amount } => (id, amount),
    };
    assert_eq!(
        (v.lessor, v.collection, v.tokenId, v.amount),
        (
            who(o.lessor),
            m.contract_of(o.asset),
            U256::from(id),
            amount
        ),
        "offer view: asset"
    );
    assert_eq!(
        (
            v.pricePerSecond,
            v.paymentToken,
            v.minDuration,
            v.maxDuration,
            v.endTime,
            v.maxLicensees,
            v.payee,
            v.termsHash
        ),
        (
            U256::from(o.price),
            token_at(o.token),
            o.min,
            o.max,
            o.end,
            o.licensees,
            who(o.payee),
            o.terms
        ),
        "offer view: terms"
    );
    assert_eq!(
        (v.flags, v.maxRoyaltyBps, v.version, v.status),
        (o.flags, o.cap, o.version, if o.cancelled { 2 } else { 1 }),
        "offer view: flags, cap, version, status"
    );
    let q = s.try_view(
        m.market,
        &LicenseMarket::quoteCall {
            offerId: U256::from(offer + 1),
            duration: seconds,
        },
    );
    let open = !o.cancelled && (o.end == 0 || m.now <= o.end);
    let price = o.price * u128::from(seconds);
    let (r, bps) = m.royalty_of(o.asset);
    let royalty = if r.is_some() {
        price * u128::from(bps) / 10_000
    } else {
        0
    };
    let within_cap = royalty <= price * u128::from(o.cap) / 10_000;
    if open && (o.min..=o.max).contains(&seconds) && within_cap {
        let q = q.expect("quote of an open offer");
        assert_eq!(q.price, U256::from(price), "quoted price");
        assert_eq!(q.paymentToken, token_at(o.token), "quoted token");
        assert_eq!(
            q.royaltyReceiver,
            r.map_or(Address::ZERO, who),
            "quoted receiver"
        );
        assert_eq!(q.royalty, U256::from(royalty), "quoted royalty");
        assert_eq!(q.version, o.version, "quoted version");
        assert!(q.royalty <= q.price, "quoted royalty above the price");
    } else {
        assert!(
            q.is_err(),
            "quote of a closed offer, a bad duration or a royalty above the cap"
        );
    }
}

prop_state_machine! {
    #![proptest_config(crate::config())]

    fn market_machine(sequential 1..20 => MarketMachine);
}

#[test]
fn market_matches_the_model() {
    crate::on_big_stack(market_machine);
}
