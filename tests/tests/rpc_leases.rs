//! Timed licences over JSON-RPC, on the suite as the deploy crate deploys
//! it: the embedded devnode by default, or any node named by
//! `STYLUS_RPC_URL` (key in `STYLUS_RPC_PRIVATE_KEY`, else the devnode dev
//! key on chain 412346). The property needs pinned block times
//! (`evm_setNextBlockTimestamp`); on a node without them it is skipped with a
//! notice.
//!
//! Per case: a fresh ERC-721 token with a random royalty, an offer with
//! random price and duration bounds, then random purchases, renewals and
//! time warps by two licensees, compared with a plain-Rust model. Invariants
//! (numbered as in tests/INVARIANTS.md):
//! 3. a licence is active exactly until its expiry (`isLicensed`, ERC-4907
//!    `userOf`), never after; a renewal extends from the current expiry, but
//!    never past now + the offer's `maxDuration`;
//! 4. the royalty paid is `royaltyInfo(price)` ≤ price, to the receiver set;
//! 5. payee + royalty + refund = value paid, to the wei;
//! 9. ETH is conserved: the deltas of buyer, payee, receiver and market sum
//!    to minus the gas fee;
//! 10. a purchase the model rejects reverts with the exact custom error and
//!     moves no ETH except the gas fee.

use alloy::primitives::{aliases::U96, Address, B256, U256};
use alloy::sol_types::{SolCall, SolInterface};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use stylus_ip_deploy::bindings::{ILicenseMarket, IpCollection, LicenseMarket};
use stylus_ip_deploy::suite::SuiteAddresses;
use stylus_ip_tests::rpc::{RpcCase, RpcNode};
use stylus_ip_tests::suite::{actor_address, Backend};

use LicenseMarket::LicenseMarketErrors as ME;

/// The suite as the deploy crate deploys it ([`RpcNode::shared`]: the node of
/// `STYLUS_RPC_URL`, else the embedded devnode's server), its creator (the
/// deployer) and two funded licensees.
struct World {
    node: &'static RpcNode,
    a: SuiteAddresses,
    collection: Address,
    creator: Address,
    payee: Address,
    royalty: Address,
    licensees: [Address; 2],
}

/// Connects and prepares the [`World`]: the creator lets the market set users
/// on its tokens, and funds the licensees (actors 0 and 1) with 1 ETH each.
fn world() -> World {
    let url = match Backend::from_env() {
        Backend::Rpc(url) => url,
        Backend::InProcess => None,
    };
    let node = RpcNode::shared(&url);
    let a = node.addresses;
    let collection = a.collection.expect("the suite's collection");
    let w = World {
        node,
        a,
        collection,
        creator: node.admin,
        payee: Address::repeat_byte(0x9a),
        royalty: Address::repeat_byte(0x7e),
        licensees: [actor_address(0), actor_address(1)],
    };
    if node.pins_time() {
        let mut c = node.unowned();
        let now = node.latest_timestamp();
        let opt_in = IpCollection::setLeaseOperatorCall {
            operator: a.license_market,
            approved: true,
        };
        let (ok, _, revert) = w.send(&mut c, now, w.creator, collection, opt_in, U256::ZERO);
        assert!(ok, "setLeaseOperator: {revert:?}");
        for l in w.licensees {
            let one_eth = U256::from(10u64).pow(U256::from(18u64));
            assert!(
                c.send_at(now, w.creator, l, &[], one_eth).success,
                "funding {l}"
            );
        }
    }
    w
}

#[derive(Debug, Clone)]
enum Action {
    Buy {
        who: usize,
        duration: u64,
        extra: u64,
    },
    Renew {
        who: usize,
        duration: u64,
        extra: u64,
    },
    Warp {
        secs: u64,
    },
}

#[derive(Debug, Clone)]
struct Case {
    bps: u16,
    price_per_second: u64,
    min: u64,
    max: u64,
    actions: Vec<Action>,
}

fn case() -> impl Strategy<Value = Case> {
    (0u16..=3000, 1u64..2_000_000_000, 1u64..5_000, 0u64..50_000).prop_flat_map(
        |(bps, price_per_second, min, span)| {
            let max = min + span;
            let duration = 0..max + 2_000;
            let action = prop_oneof![
                3 => (0usize..2, duration.clone(), 0u64..1_000_000).prop_map(|(who, duration, extra)| Action::Buy { who, duration, extra }),
                2 => (0usize..2, duration, 0u64..1_000_000).prop_map(|(who, duration, extra)| Action::Renew { who, duration, extra }),
                2 => (0u64..2 * max + 10).prop_map(|secs| Action::Warp { secs }),
            ];
            proptest::collection::vec(action, 1..8).prop_map(move |actions| Case {
                bps,
                price_per_second,
                min,
                max,
                actions,
            })
        },
    )
}

/// Expected outcome of a purchase.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    Ok {
        expires: u64,
    },
    OutOfBounds,
    AlreadyLicensed,
    NotLicensee,
    TokenLeased,
    /// A renewal reaching past now + the offer's `maxDuration`.
    TooLong,
}

impl World {
    fn view<C: SolCall>(&self, c: &RpcCase, to: Address, call: C) -> C::Return {
        let out = c
            .call(self.creator, to, &call.abi_encode(), U256::ZERO)
            .unwrap_or_else(|r| panic!("view {} reverted: {r:?}", C::SIGNATURE));
        C::abi_decode_returns(&out).unwrap()
    }

    /// Sends at block time `t`; returns success, gas fee and revert data
    /// (from a call in the same block).
    fn send<C: SolCall>(
        &self,
        c: &mut RpcCase,
        t: u64,
        from: Address,
        to: Address,
        call: C,
        value: U256,
    ) -> (bool, U256, Vec<u8>) {
        let data = call.abi_encode();
        let revert = match c.simulate(t, from, to, &data, value) {
            Ok(_) => Vec::new(),
            Err(r) => r.data.to_vec(),
        };
        let mined = c.send_at(t, from, to, &data, value);
        (mined.success, mined.fee, revert)
    }
}

fn run_case(w: &World, c: &Case) -> Result<(), TestCaseError> {
    let mut rc = w.node.unowned();
    let mut now = w.node.latest_timestamp() + 1;
    // A fresh token and offer.
    let (_, _, _) = w.send(
        &mut rc,
        now,
        w.creator,
        w.collection,
        IpCollection::mintCall {
            to: w.creator,
            uri: "ipfs://case".into(),
            royaltyReceiver: w.royalty,
            royaltyBps: U96::from(c.bps),
        },
        U256::ZERO,
    );
    let token: U256 = w.view(&rc, w.collection, IpCollection::totalSupplyCall {});
    now += 1;
    let offer_id: U256 =
        w.view(&rc, w.a.license_market, LicenseMarket::offerCountCall {}) + U256::from(1u64);
    let terms = ILicenseMarket::OfferTerms {
        pricePerSecond: U256::from(c.price_per_second),
        paymentToken: Address::ZERO,
        minDuration: c.min,
        maxDuration: c.max,
        endTime: 0,
        maxLicensees: 1,
        payee: w.payee,
        termsHash: B256::ZERO,
        termsUri: String::new(),
        flags: 0,
        maxRoyaltyBps: 10_000,
    };
    let (ok, _, revert) = w.send(
        &mut rc,
        now,
        w.creator,
        w.a.license_market,
        LicenseMarket::createOfferCall {
            collection: w.collection,
            tokenId: token,
            amount: 0,
            terms,
        },
        U256::ZERO,
    );
    prop_assert!(ok, "createOffer failed: {:?}", ME::abi_decode(&revert));

    // Model: each licensee's expiry (0 = never), and the token's user lock.
    let mut expiry = [0u64; 2];
    for action in &c.actions {
        now += 1;
        match *action {
            Action::Warp { secs } => {
                now += secs;
                rc.mine_at(now);
            }
            Action::Buy {
                who,
                duration,
                extra,
            }
            | Action::Renew {
                who,
                duration,
                extra,
            } => {
                let renew = matches!(action, Action::Renew { .. });
                let buyer = w.licensees[who];
                let active = |e: u64| e != 0 && now <= e;
                let other = 1 - who;
                let expect = if duration < c.min || duration > c.max {
                    Expect::OutOfBounds
                } else if renew {
                    if !active(expiry[who]) {
                        Expect::NotLicensee
                    } else if expiry[who] + duration > now + c.max {
                        Expect::TooLong
                    } else {
                        Expect::Ok {
                            expires: expiry[who] + duration,
                        }
                    }
                } else if active(expiry[who]) {
                    Expect::AlreadyLicensed
                } else if active(expiry[other]) {
                    Expect::TokenLeased
                } else {
                    Expect::Ok {
                        expires: now + duration,
                    }
                };
                let price = U256::from(c.price_per_second) * U256::from(duration);
                let value = price + U256::from(extra);
                let royalty = price * U256::from(c.bps) / U256::from(10_000u64);
                let before = (
                    rc.balance(buyer),
                    rc.balance(w.payee),
                    rc.balance(w.royalty),
                    rc.balance(w.a.license_market),
                );
                let (ok, fee, revert) = if renew {
                    w.send(
                        &mut rc,
                        now,
                        buyer,
                        w.a.license_market,
                        LicenseMarket::renewLeaseCall {
                            offerId: offer_id,
                            duration,
                            maxPrice: price,
                            version: 1,
                        },
                        value,
                    )
                } else {
                    w.send(
                        &mut rc,
                        now,
                        buyer,
                        w.a.license_market,
                        LicenseMarket::buyLeaseCall {
                            offerId: offer_id,
                            duration,
                            maxPrice: price,
                            version: 1,
                        },
                        value,
                    )
                };
                let after = (
                    rc.balance(buyer),
                    rc.balance(w.payee),
                    rc.balance(w.royalty),
                    rc.balance(w.a.license_market),
                );
                match expect {
                    Expect::Ok { expires } => {
                        prop_assert!(ok, "{action:?} reverted: {:?}", ME::abi_decode(&revert));
                        expiry[who] = expires;
                        // 4 + 5: payee + royalty + refund = value, to the wei
                        prop_assert_eq!(after.1 - before.1, price - royalty, "payee");
                        prop_assert_eq!(after.2 - before.2, royalty, "royalty receiver");
                        prop_assert_eq!(
                            before.0 - after.0,
                            price + fee,
                            "buyer pays the price + gas, the excess is refunded"
                        );
                        prop_assert_eq!(after.3, before.3, "the market keeps nothing");
                    }
                    bad => {
                        prop_assert!(!ok, "{action:?} succeeded, model expected {bad:?}");
                        let err = ME::abi_decode(&revert)
                            .map_err(|e| TestCaseError::fail(format!("untyped revert {e}")))?;
                        let matches = matches!(
                            (&bad, &err),
                            (Expect::OutOfBounds, ME::LicenseMarketDurationOutOfBounds(_))
                                | (Expect::AlreadyLicensed, ME::LicenseMarketAlreadyLicensed(_))
                                | (Expect::NotLicensee, ME::LicenseMarketNotLicensee(_))
                                | (Expect::TokenLeased, ME::LicenseMarketTokenLeased(_))
                                | (Expect::TooLong, ME::LicenseMarketLeaseTooLong(_))
                        );
                        prop_assert!(matches, "{action:?}: expected {bad:?}, got {err:?}");
                        // 10: nothing moved but the gas fee
                        prop_assert_eq!(before.0 - after.0, fee);
                        prop_assert_eq!(
                            (after.1, after.2, after.3),
                            (before.1, before.2, before.3)
                        );
                    }
                }
            }
        }
        // 3: the chain's view at the latest block agrees with the model
        let t = w.node.latest_timestamp();
        prop_assert_eq!(t, now, "pinned block time");
        for (i, l) in w.licensees.iter().enumerate() {
            let lic = w.view(
                &rc,
                w.a.license_market,
                LicenseMarket::isLicensedCall {
                    collection: w.collection,
                    tokenId: token,
                    account: *l,
                },
            );
            let model = expiry[i] != 0 && t <= expiry[i];
            prop_assert_eq!(
                lic._0,
                model,
                "isLicensed({}) at {} (expiry {})",
                i,
                t,
                expiry[i]
            );
        }
        let user: Address = w.view(
            &rc,
            w.collection,
            IpCollection::userOfCall { tokenId: token },
        );
        let holder = (0..2)
            .find(|&i| expiry[i] != 0 && t <= expiry[i])
            .map(|i| w.licensees[i]);
        prop_assert_eq!(user, holder.unwrap_or(Address::ZERO), "ERC-4907 userOf");
    }
    Ok(())
}

#[test]
fn timed_licences_over_rpc_match_the_model() {
    let w = world();
    if !w.node.pins_time() {
        eprintln!("NOTICE: the node has no evm_setNextBlockTimestamp/evm_mine: timed-licence properties skipped");
        return;
    }
    // Every case is ~10 real transactions over HTTP: at most 64 cases (the
    // in-process state machines run the full PROPTEST_CASES).
    let cases = Config::default().cases.min(64);
    let mut runner = TestRunner::new(Config::with_cases(cases));
    runner
        .run(&case(), |c| run_case(&w, &c))
        .unwrap_or_else(|e| panic!("{e}"));
}
