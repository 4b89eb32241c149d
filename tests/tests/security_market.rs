//! The licence market's defects from the security review, each replayed end
//! to end on the suite as deployed (in process, `Suite::fresh`), each now
//! ending in a typed custom error with nothing moved, or made harmless:
//!
//! * **M-1, token switch under the buyer**: a buyer quotes an offer priced
//!   in an 18-decimal token; the lessor switches it to a 6-decimal token in
//!   which the buyer holds an old unlimited approval (or drops the
//!   commercial-use flag). The purchase names the offer version it was
//!   quoted and is refused.
//! * **M-3, owner raises the royalty to 100 % under an offer**: on
//!   ip-collection and on ip-editions, a sale whose royalty exceeds the
//!   offer's `maxRoyaltyBps` is refused; the lessor never receives less than
//!   `price × (1 − cap)`.
//! * **L-2, stranded credits**: a split wallet (which cannot call
//!   `withdraw`) credited with a royalty a token refused to push is paid by
//!   anyone's `withdrawTo`, to the split only.
//! * **Perpetual lock** (the market side of H-1a): a price-0 offer with a
//!   huge maximum duration is refused; no licence, renewals included, ever
//!   reaches further than `MAX_LEASE_DURATION` past now.

use alloy_primitives::{aliases::U96, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolInterface};
use stylus_ip_tests::sol::{bytecode, test_token_code, TestToken};
use stylus_ip_tests::suite::abi::{
    ILicenseMarket, IpCollection, IpEditions, LicenseMarket, Split, SplitFactory,
};
use stylus_ip_tests::suite::Suite;
use stylus_ip_tests::{big_stack, Revert};

use LicenseMarket::{
    LicenseMarketErrors as ME, LicenseMarketInvalidDurationBounds, LicenseMarketLeaseTooLong,
    LicenseMarketNothingToWithdraw, LicenseMarketOfferVersionMismatch,
    LicenseMarketRoyaltyAboveCap,
};

sol! {
    /// `tests/sol/BlocklistToken.sol`: a 6-decimal ERC-20 that refuses
    /// transfers to or from blocked accounts.
    #[sol(all_derives)]
    interface BlocklistToken {
        function mint(address to, uint256 value) external;
        function setBlocked(address account, bool isBlocked) external;
        function approve(address spender, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }

}

const DAY: u64 = 86_400;
/// `MAX_LEASE_DURATION`: 5 × 365 days.
const MAX_LEASE: u64 = 5 * 365 * DAY;
const COMMERCIAL: u8 = 1;

/// The suite with named actors.
struct Case {
    s: Suite,
    admin: Address,
    lessor: Address,
    buyer: Address,
    outsider: Address,
}

impl Case {
    fn new() -> Self {
        let s = Suite::fresh();
        Self {
            admin: s.admin(),
            lessor: s.actor(0),
            buyer: s.actor(1),
            outsider: s.actor(2),
            s,
        }
    }

    fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: &C) -> C::Return {
        self.s.ok(from, to, call, U256::ZERO).ret
    }

    /// A new ERC-721 token of the collection for the lessor, with a token
    /// royalty to `royalty` (zero: the collection's default, 5 % to admin).
    fn mint_nft(&mut self, royalty: Address, bps: u64) -> U256 {
        let (admin, to, c) = (self.admin, self.lessor, self.s.collection);
        let call = IpCollection::mintCall {
            to,
            uri: String::new(),
            royaltyReceiver: royalty,
            royaltyBps: U96::from(bps),
        };
        self.ok(admin, c, &call)
    }

    /// A test ERC-20 (`tests/sol/TestToken.sol`).
    fn token(&mut self, symbol: &str, decimals: u8, salt: u8) -> Address {
        let admin = self.admin;
        self.s.create(
            admin,
            B256::repeat_byte(salt),
            test_token_code(symbol, decimals),
        )
    }

    /// `who` mints `amount` of `token` and approves the market for `allowance`.
    fn fund(&mut self, token: Address, who: Address, amount: U256, allowance: U256) {
        self.ok(
            who,
            token,
            &TestToken::mintCall {
                to: who,
                value: amount,
            },
        );
        let spender = self.s.market;
        let approve = TestToken::approveCall {
            spender,
            value: allowance,
        };
        self.ok(who, token, &approve);
    }

    fn balance_of(&mut self, token: Address, who: Address) -> U256 {
        self.s
            .view(token, &TestToken::balanceOfCall { account: who })
    }

    fn offer(
        &mut self,
        collection: Address,
        id: U256,
        amount: u64,
        terms: ILicenseMarket::OfferTerms,
    ) -> Result<U256, Revert> {
        let (lessor, market) = (self.lessor, self.s.market);
        let call = LicenseMarket::createOfferCall {
            collection,
            tokenId: id,
            amount,
            terms,
        };
        self.s
            .send(lessor, market, &call, U256::ZERO)
            .map(|s| s.ret)
    }

    fn update(&mut self, offer: U256, terms: ILicenseMarket::OfferTerms) {
        let (lessor, market) = (self.lessor, self.s.market);
        let call = LicenseMarket::updateOfferCall {
            offerId: offer,
            terms,
        };
        self.ok(lessor, market, &call);
    }

    /// The quote a dApp shows the buyer: (price, version).
    fn quote(&mut self, offer: U256, duration: u64) -> (U256, u32) {
        let market = self.s.market;
        let q = self.s.view(
            market,
            &LicenseMarket::quoteCall {
                offerId: offer,
                duration,
            },
        );
        (q.price, q.version)
    }

    /// `quote`, which may revert.
    fn try_quote(&mut self, offer: U256, duration: u64) -> Result<U256, Revert> {
        let market = self.s.market;
        self.s
            .try_view(
                market,
                &LicenseMarket::quoteCall {
                    offerId: offer,
                    duration,
                },
            )
            .map(|q| q.price)
    }

    /// `who` buys (or renews) under the quote `(price, version)`, sending
    /// `value` wei.
    fn lease(
        &mut self,
        who: Address,
        offer: U256,
        duration: u64,
        quoted: (U256, u32),
        value: U256,
        renew: bool,
    ) -> Result<u64, Revert> {
        let market = self.s.market;
        let (max_price, version) = quoted;
        let sent = if renew {
            let call = LicenseMarket::renewLeaseCall {
                offerId: offer,
                duration,
                maxPrice: max_price,
                version,
            };
            self.s.send(who, market, &call, value)
        } else {
            let call = LicenseMarket::buyLeaseCall {
                offerId: offer,
                duration,
                maxPrice: max_price,
                version,
            };
            self.s.send(who, market, &call, value)
        };
        sent.map(|s| s.ret)
    }

    fn licensed(&mut self, collection: Address, id: U256, who: Address) -> bool {
        let market = self.s.market;
        self.s
            .view(
                market,
                &LicenseMarket::isLicensedCall {
                    collection,
                    tokenId: id,
                    account: who,
                },
            )
            ._0
    }
}

/// Offer terms: `price_per_second` in `token`, durations 1 s ..= `max`,
/// paying the lessor, commercial use, royalty cap `cap_bps`.
fn terms(
    payee: Address,
    token: Address,
    price_per_second: U256,
    max: u64,
    flags: u8,
    cap_bps: u16,
) -> ILicenseMarket::OfferTerms {
    ILicenseMarket::OfferTerms {
        pricePerSecond: price_per_second,
        paymentToken: token,
        minDuration: 1,
        maxDuration: max,
        endTime: 0,
        maxLicensees: 1,
        payee,
        termsHash: B256::repeat_byte(0x7e),
        termsUri: "ipfs://terms".into(),
        flags,
        maxRoyaltyBps: cap_bps,
    }
}

/// Asserts `got` is the market's custom error `want`.
fn assert_market_err<T: std::fmt::Debug, E: SolError + PartialEq + std::fmt::Debug>(
    got: Result<T, Revert>,
    want: E,
) {
    match got {
        Ok(v) => panic!("succeeded ({v:?}); expected {want:?}"),
        Err(r) => match E::abi_decode(&r.data) {
            Ok(e) => assert_eq!(e, want),
            Err(_) => panic!(
                "expected {want:?}, got {:?}",
                ME::abi_decode(&r.data).map_err(|_| r)
            ),
        },
    }
}

/// M-1: the lessor switches the offer's token (18 → 6 decimals, where the
/// buyer holds an old unlimited approval) or drops the commercial-use flag
/// between the buyer's quote and purchase. Before the fix the purchase went
/// through and took 499,999.9968 T6 for a 0.0864 T18 quote.
#[test]
fn m1_token_or_terms_switch_under_the_buyer_is_refused() {
    big_stack("m1", || {
        let mut c = Case::new();
        let t18 = c.token("T18", 18, 1);
        let t6 = c.token("T6", 6, 2);
        let (lessor, buyer) = (c.lessor, c.buyer);
        let e18 = U256::from(10u64).pow(U256::from(18));
        let e6 = U256::from(1_000_000u64);
        // The buyer approves exactly its quote in T18 and holds an old
        // unlimited approval in T6.
        c.fund(t6, buyer, U256::from(500_000u64) * e6, U256::MAX);
        let id = c.mint_nft(Address::ZERO, 0);
        let rate18 = U256::from(1_000_000_000_000u64); // 0.0864 T18 a day
        let offer = c
            .offer(
                c.s.collection,
                id,
                0,
                terms(lessor, t18, rate18, 30 * DAY, COMMERCIAL, 500),
            )
            .expect("createOffer");
        let quoted = c.quote(offer, DAY);
        assert_eq!(quoted.0, U256::from(86_400_000_000_000_000u64));
        c.fund(t18, buyer, e18, quoted.0);

        // The lessor switches to T6 at 5,787,037 units a second: 499,999.9968
        // T6 a day, a smaller number than the T18 quote.
        let rate6 = U256::from(5_787_037u64);
        c.update(offer, terms(lessor, t6, rate6, 30 * DAY, COMMERCIAL, 500));
        let got = c.lease(buyer, offer, DAY, quoted, U256::ZERO, false);
        assert_market_err(
            got,
            LicenseMarketOfferVersionMismatch {
                offerId: offer,
                quoted: 1,
                current: 2,
            },
        );
        assert_eq!(
            c.balance_of(t6, buyer),
            U256::from(500_000u64) * e6,
            "T6 taken"
        );
        assert_eq!(c.balance_of(t18, buyer), e18, "T18 taken");
        assert!(!c.licensed(c.s.collection, id, buyer));

        // Same offer back in T18 with the commercial-use flag dropped: the
        // buyer's quote (version 1) is refused again.
        c.update(offer, terms(lessor, t18, rate18, 30 * DAY, 0, 500));
        let got = c.lease(buyer, offer, DAY, quoted, U256::ZERO, false);
        assert_market_err(
            got,
            LicenseMarketOfferVersionMismatch {
                offerId: offer,
                quoted: 1,
                current: 3,
            },
        );
        assert_eq!(c.balance_of(t18, buyer), e18);

        // A fresh quote (version 3) buys under exactly what it shows.
        let requoted = c.quote(offer, DAY);
        assert_eq!(requoted, (quoted.0, 3));
        c.lease(buyer, offer, DAY, requoted, U256::ZERO, false)
            .expect("buying at the current version");
        assert_eq!(c.balance_of(t18, buyer), e18 - quoted.0);
        assert_eq!(c.balance_of(t6, buyer), U256::from(500_000u64) * e6);
        assert!(c.licensed(c.s.collection, id, buyer));
    });
}

/// M-3 on ip-collection: the collection owner raises the default royalty to
/// 100 % under an offer capped at 5 %; the sale is refused and nothing
/// moves. Before the fix the lessor received 0.
#[test]
fn m3_royalty_raised_to_100_percent_on_the_collection_is_refused() {
    big_stack("m3-collection", || {
        let mut c = Case::new();
        let (admin, lessor, buyer) = (c.admin, c.lessor, c.buyer);
        let collection = c.s.collection;
        let id = c.mint_nft(Address::ZERO, 0);
        let rate = U256::from(1_000_000_000u64);
        let offer = c
            .offer(
                collection,
                id,
                0,
                terms(lessor, Address::ZERO, rate, 30 * DAY, COMMERCIAL, 500),
            )
            .expect("createOffer");
        // The buyer is quoted at the 5 % royalty, then the owner raises it.
        let quoted = c.quote(offer, DAY);
        let raise = IpCollection::setDefaultRoyaltyCall {
            receiver: admin,
            royaltyBps: U96::from(10_000),
        };
        c.ok(admin, collection, &raise);
        let above = LicenseMarketRoyaltyAboveCap {
            offerId: offer,
            royalty: quoted.0,
            maxRoyalty: quoted.0 * U256::from(500) / U256::from(10_000),
        };
        assert_market_err(c.try_quote(offer, DAY), above.clone());
        let before = c.s.balance(lessor);
        let got = c.lease(buyer, offer, DAY, quoted, quoted.0, false);
        assert_market_err(got, above);
        assert_eq!(c.s.balance(lessor), before);
        assert!(!c.licensed(collection, id, buyer));

        // At the cap the sale goes through and the lessor gets price × 95 %.
        let back = IpCollection::setDefaultRoyaltyCall {
            receiver: admin,
            royaltyBps: U96::from(500),
        };
        c.ok(admin, collection, &back);
        c.lease(buyer, offer, DAY, quoted, quoted.0, false)
            .expect("sale at the cap");
        assert_eq!(
            c.s.balance(lessor) - before,
            quoted.0 * U256::from(9_500) / U256::from(10_000)
        );
    });
}

/// M-3 on ip-editions: the same attack through `setDefaultRoyalty` under a
/// unit offer capped at 2.5 %.
#[test]
fn m3_royalty_raised_to_100_percent_on_the_editions_is_refused() {
    big_stack("m3-editions", || {
        let mut c = Case::new();
        let (admin, lessor, buyer) = (c.admin, c.lessor, c.buyer);
        let editions = c.s.editions;
        // Edition 2 has the default royalty (2.5 % to admin).
        let id = U256::from(2);
        let mint = IpEditions::mintCall {
            to: lessor,
            id,
            amount: U256::from(10),
            data: Default::default(),
        };
        c.ok(admin, editions, &mint);
        let rate = U256::from(1_000_000_000u64);
        let offer = c
            .offer(
                editions,
                id,
                2,
                terms(lessor, Address::ZERO, rate, 30 * DAY, COMMERCIAL, 250),
            )
            .expect("createOffer");
        let quoted = c.quote(offer, DAY);
        let raise = IpEditions::setDefaultRoyaltyCall {
            receiver: admin,
            bps: U96::from(10_000),
        };
        c.ok(admin, editions, &raise);
        let above = LicenseMarketRoyaltyAboveCap {
            offerId: offer,
            royalty: quoted.0,
            maxRoyalty: quoted.0 * U256::from(250) / U256::from(10_000),
        };
        assert_market_err(c.try_quote(offer, DAY), above.clone());
        let before = c.s.balance(lessor);
        let got = c.lease(buyer, offer, DAY, quoted, quoted.0, false);
        assert_market_err(got, above);
        assert_eq!(c.s.balance(lessor), before);
        assert!(!c.licensed(editions, id, buyer));
    });
}

/// L-2: a split wallet is the royalty receiver of an ERC-20 offer whose
/// token refused the push (the split was blocklisted at sale time), so the
/// market credited it; a split never calls `withdraw`. Anyone's
/// `withdrawTo(split, token)` pays the split, and only the split.
#[test]
fn l2_stranded_credit_of_a_split_is_paid_by_withdraw_to() {
    big_stack("l2", || {
        let mut c = Case::new();
        let (admin, lessor, buyer, outsider) = (c.admin, c.lessor, c.buyer, c.outsider);
        let market = c.s.market;
        let token =
            c.s.create(admin, B256::repeat_byte(3), bytecode("BlocklistToken"));
        let mut recipients = vec![c.s.actor(3), c.s.actor(4)];
        recipients.sort();
        let create = SplitFactory::createSplitCall {
            recipients: recipients.clone(),
            allocations: vec![500_000, 500_000],
            controller: admin,
            dustRecipient: recipients[0],
            salt: B256::ZERO,
        };
        let factory = c.s.split_factory;
        let split = c.ok(admin, factory, &create);
        c.s.splits.insert(split);
        let id = c.mint_nft(split, 1_000);
        let rate = U256::from(10u64);
        let offer = c
            .offer(
                c.s.collection,
                id,
                0,
                terms(lessor, token, rate, 30 * DAY, COMMERCIAL, 1_000),
            )
            .expect("createOffer");
        let price = rate * U256::from(DAY);
        c.ok(
            buyer,
            token,
            &BlocklistToken::mintCall {
                to: buyer,
                value: price,
            },
        );
        let approve = BlocklistToken::approveCall {
            spender: market,
            value: price,
        };
        c.ok(buyer, token, &approve);
        let block = |on| BlocklistToken::setBlockedCall {
            account: split,
            isBlocked: on,
        };
        c.ok(admin, token, &block(true));
        let quoted = c.quote(offer, DAY);
        c.lease(buyer, offer, DAY, quoted, U256::ZERO, false)
            .expect("the sale goes through; the royalty is credited");
        let royalty = price / U256::from(10);
        let credit = LicenseMarket::creditOfCall {
            account: split,
            token,
        };
        assert_eq!(c.s.view(market, &credit), royalty);
        c.ok(admin, token, &block(false));

        // Anyone may call; the credit goes to the split, not the caller.
        let pay = LicenseMarket::withdrawToCall {
            account: split,
            token,
        };
        c.s.send(outsider, market, &pay, U256::ZERO)
            .expect("withdrawTo");
        let balance = |c: &mut Case, who| {
            c.s.view(token, &BlocklistToken::balanceOfCall { account: who })
        };
        assert_eq!(balance(&mut c, split), royalty);
        assert_eq!(balance(&mut c, outsider), U256::ZERO);
        assert_eq!(c.s.view(market, &credit), U256::ZERO);
        // The split's recipients can now withdraw it.
        let claimable = Split::claimableCall {
            recipient: recipients[0],
            token,
        };
        assert_eq!(c.s.view(split, &claimable), royalty / U256::from(2));
        // Nothing left: a second call is refused.
        let again = c.s.send(outsider, market, &pay, U256::ZERO).map(|_| ());
        assert_market_err(again, LicenseMarketNothingToWithdraw { token });
    });
}

/// The perpetual lock (market side of H-1a): a price-0 offer with a huge
/// maximum duration let an accomplice lock an ERC-721 token for ever. Every
/// offer's `maxDuration` is now bounded by `MAX_LEASE_DURATION`, and
/// renewals cannot push a licence further than `maxDuration` past now, so
/// the token is leasable again once the longest lease has lapsed.
#[test]
fn perpetual_lock_through_a_free_offer_with_a_huge_max_duration_is_refused() {
    big_stack("perpetual-lock", || {
        let mut c = Case::new();
        let (lessor, buyer, accomplice) = (c.lessor, c.buyer, c.outsider);
        let collection = c.s.collection;
        let id = c.mint_nft(Address::ZERO, 0);
        let huge = u64::MAX - c.s.timestamp() - 1;
        let got = c.offer(
            collection,
            id,
            0,
            terms(lessor, Address::ZERO, U256::ZERO, huge, COMMERCIAL, 500),
        );
        assert_market_err(
            got,
            LicenseMarketInvalidDurationBounds {
                minDuration: 1,
                maxDuration: huge,
            },
        );
        let got = c.offer(
            collection,
            id,
            0,
            terms(
                lessor,
                Address::ZERO,
                U256::ZERO,
                MAX_LEASE + 1,
                COMMERCIAL,
                500,
            ),
        );
        assert!(got.is_err(), "one second over MAX_LEASE_DURATION");

        // The longest free offer allowed: the accomplice takes the whole
        // 5 years, then tries to renew further, now and later.
        let offer = c
            .offer(
                collection,
                id,
                0,
                terms(
                    lessor,
                    Address::ZERO,
                    U256::ZERO,
                    MAX_LEASE,
                    COMMERCIAL,
                    500,
                ),
            )
            .expect("createOffer at the bound");
        let quoted = c.quote(offer, MAX_LEASE);
        let expires = c
            .lease(accomplice, offer, MAX_LEASE, quoted, U256::ZERO, false)
            .expect("the longest lease");
        let q = c.quote(offer, 1);
        let got = c.lease(accomplice, offer, 1, q, U256::ZERO, true);
        assert_market_err(
            got,
            LicenseMarketLeaseTooLong {
                expires: expires + 1,
                latest: expires,
            },
        );
        c.s.warp(DAY);
        let q = c.quote(offer, DAY + 1);
        let got = c.lease(accomplice, offer, DAY + 1, q, U256::ZERO, true);
        assert!(got.is_err(), "a renewal past now + MAX_LEASE_DURATION");
        // Renewing within the horizon is fine, and the licence still ends
        // within MAX_LEASE_DURATION of now.
        let q = c.quote(offer, DAY);
        let renewed = c
            .lease(accomplice, offer, DAY, q, U256::ZERO, true)
            .expect("renewal within the horizon");
        assert_eq!(renewed, c.s.timestamp() + MAX_LEASE);

        let until =
            c.s.view(collection, &IpCollection::userExpiresCall { tokenId: id });
        assert_eq!(
            until,
            U256::from(renewed),
            "the asset's lock ends with the licence"
        );

        // The same bound on a shorter free offer (programs expire a year
        // after activation, so the chain cannot be warped past 5 years):
        // renewals stacked on a 30-day lease never lock the token longer,
        // and once it lapses anyone can lease it again.
        let id = c.mint_nft(Address::ZERO, 0);
        let offer = c
            .offer(
                collection,
                id,
                0,
                terms(lessor, Address::ZERO, U256::ZERO, 30 * DAY, COMMERCIAL, 500),
            )
            .expect("a 30-day free offer");
        let q = c.quote(offer, 30 * DAY);
        let expires = c
            .lease(accomplice, offer, 30 * DAY, q, U256::ZERO, false)
            .expect("30 days");
        for _ in 0..3 {
            let q = c.quote(offer, 30 * DAY);
            assert!(c
                .lease(accomplice, offer, 30 * DAY, q, U256::ZERO, true)
                .is_err());
        }
        c.s.warp(30 * DAY + 1);
        assert!(c.s.timestamp() > expires);
        assert!(!c.licensed(collection, id, accomplice));
        let q = c.quote(offer, DAY);
        c.lease(buyer, offer, DAY, q, U256::ZERO, false)
            .expect("the token is leasable again");
        assert!(c.licensed(collection, id, buyer));
    });
}
