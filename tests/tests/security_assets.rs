//! The asset contracts', the clone proxy's and the split's security defects,
//! each replayed as an attack on the populated suite of `bad_input_world`
//! (the suite as `cargo ip deploy` wires it). Every test performs the attack
//! as it succeeded before the fix, then asserts that the harmful effect did
//! not happen.
//!
//! * L-1: an ERC-721 owner's self-made lock survived a sale.
//! * L-5: plain ETH sent to a collection or editions clone was kept by the
//!   proxy and stranded.
//! * L-6: a stranger filled a victim's ERC-5006 user-side record slots and
//!   blocked the victim's purchases.
//! * L-3: a split update handed un-withdrawn revenue of tokens it was not
//!   told about to the new recipients.

mod bad_input_world;

use alloy_primitives::{aliases::U96, Address, Bytes, U256};
use alloy_sol_types::SolCall;
use bad_input_world::*;
use stylus_ip_tests::{big_stack, sol::test_token_code, sol::TestToken, ETH};

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// Deploys `init_code` from `from` and returns the new contract.
fn create(w: &mut World, from: Address, init_code: Vec<u8>) -> Address {
    let out =
        w.h.node
            .deploy(from, init_code.into(), U256::ZERO)
            .expect("devnode");
    assert!(out.success, "deployment failed: {out:?}");
    out.created.expect("created address")
}

/// A collection clone and an editions clone of the world's implementations,
/// each created and initialised in one transaction as `cargo ip deploy`
/// creates the studio's instances.
fn asset_clones(w: &mut World) -> (Address, Address) {
    let admin = w.admin();
    let init = IpCollection::initializeCall {
        name: "Clone".into(),
        symbol: "CLN".into(),
        baseUri: String::new(),
        owner: admin,
        royaltyReceiver: Address::ZERO,
        royaltyBps: U96::ZERO,
    }
    .abi_encode();
    let nft_impl = w.nft;
    let collection = create(
        w,
        admin,
        stylus_ip_deploy::clone::clone_init_code(nft_impl, &init),
    );
    let init = IpEditions::initializeCall {
        baseUri: String::new(),
        owner: admin,
        royaltyReceiver: Address::ZERO,
        royaltyBps: U96::ZERO,
    }
    .abi_encode();
    let editions_impl = w.editions;
    let editions = create(
        w,
        admin,
        stylus_ip_deploy::clone::clone_init_code(editions_impl, &init),
    );
    (collection, editions)
}

/// L-5: ETH sent to a collection or editions clone was accepted by the
/// proxy's 15-gas receive path without entering WASM, and nothing could
/// move it out. Now such clones refuse plain ETH and ETH sent with any call,
/// while split clones keep their cheap receive path.
#[test]
fn l5_no_eth_can_be_stranded_in_an_asset_clone() {
    big_stack("l5", || {
        let mut w = World::get();
        let carol = w.carol;
        let (collection, editions) = asset_clones(&mut w);
        // The clones work: the owner reads back.
        let owner = w.view(collection, &IpCollection::ownerCall {});
        assert_eq!(owner, w.admin());
        let owner = w.view(editions, &IpEditions::ownerCall {});
        assert_eq!(owner, w.admin());
        for clone in [collection, editions] {
            let before = w.balance(carol);
            // Plain ETH (the attack).
            let out =
                w.h.node
                    .transact(carol, clone, Bytes::new(), U256::from(ETH))
                    .expect("devnode");
            assert!(!out.success, "plain ETH to clone {clone} was accepted");
            // ETH with calldata, to a view and to a state-changing call.
            let view = IpCollection::ownerCall {}.abi_encode();
            let out =
                w.h.node
                    .transact(carol, clone, view.into(), U256::from(ETH))
                    .expect("devnode");
            assert!(
                !out.success,
                "ETH with a call to clone {clone} was accepted"
            );
            let call = IpCollection::setApprovalForAllCall {
                operator: w.alice,
                approved: true,
            }
            .abi_encode();
            let out =
                w.h.node
                    .transact(carol, clone, call.into(), U256::from(ETH))
                    .expect("devnode");
            assert!(
                !out.success,
                "ETH with a call to clone {clone} was accepted"
            );
            assert_eq!(w.balance(clone), U256::ZERO, "ETH stranded in {clone}");
            // Only gas left carol's account.
            assert!(before - w.balance(carol) < U256::from(ETH / 100));
        }
        // Splits keep their receive path: plain ETH within a stipend.
        let split = w.split;
        let before = w.balance(split);
        let out =
            w.h.node
                .transact(carol, split, Bytes::new(), U256::from(ETH))
                .expect("devnode");
        assert!(out.success, "a split must accept plain ETH: {out:?}");
        assert!(
            out.gas_used <= 21_015,
            "split receive used {}",
            out.gas_used
        );
        assert_eq!(w.balance(split), before + U256::from(ETH));
    });
}

/// Five years (5 × 365 days): the longest a lock may reach past now.
const LOCK_HORIZON: u64 = 157_680_000;

/// L-1: an ERC-721 owner approved itself as lease operator, set its
/// accomplice as a locked user until 2^64-1, and sold the token: the buyer
/// could never clear the user, lease it through the market or fractionalise
/// it. Now the owner's user is an ordinary one that the sale clears, and a
/// lock set through another account is bounded to five years.
#[test]
fn l1_owner_self_lock_does_not_survive_a_sale() {
    big_stack("l1", || {
        let mut w = World::get();
        let (alice, bob, carol, dave, nft, market) =
            (w.alice, w.bob, w.carol, w.dave, w.nft, w.market);
        let id = u(3);
        // The attack: self-approval, "forever" user, sale.
        let op = IpCollection::setLeaseOperatorCall {
            operator: alice,
            approved: true,
        };
        w.ok(alice, nft, &op);
        let forever = IpCollection::setUserCall {
            tokenId: id,
            user: carol,
            expires: u64::MAX,
        };
        w.ok(alice, nft, &forever);
        let sale = IpCollection::transferFromCall {
            from: alice,
            to: dave,
            tokenId: id,
        };
        w.ok(alice, nft, &sale);
        // The buyer holds full use rights.
        let user = w.view(nft, &IpCollection::userOfCall { tokenId: id });
        assert_eq!(user, Address::ZERO, "the seller's user survived the sale");
        let locked = w.view(nft, &IpCollection::leaseLockedCall { tokenId: id });
        assert!(!locked);
        // It can lease the token through the market to bob.
        let op = IpCollection::setLeaseOperatorCall {
            operator: market,
            approved: true,
        };
        w.ok(dave, nft, &op);
        let offer = w.ok(
            dave,
            market,
            &LicenseMarket::createOfferCall {
                collection: nft,
                tokenId: id,
                amount: 0,
                terms: terms(dave, 1),
            },
        );
        let price = U256::from(PRICE_PER_SECOND * 3600);
        w.ok_value(
            bob,
            market,
            &LicenseMarket::buyLeaseCall {
                offerId: offer,
                duration: 3600,
                maxPrice: price,
                version: 1,
            },
            price,
        );
        let user = w.view(nft, &IpCollection::userOfCall { tokenId: id });
        assert_eq!(user, bob);

        // A lock through another account is bounded to five years.
        let id = u(1);
        let op = IpCollection::setLeaseOperatorCall {
            operator: carol,
            approved: true,
        };
        w.ok(alice, nft, &op);
        let now = w.h.node.timestamp();
        let perpetual = IpCollection::setUserCall {
            tokenId: id,
            user: carol,
            expires: u64::MAX,
        };
        let Err(err) = w.h.send(carol, nft, &perpetual, U256::ZERO) else {
            panic!("a perpetual lock must be refused");
        };
        assert_eq!(
            err.decode::<IpCollection::IpCollectionErrors>(),
            IpCollection::IpCollectionErrors::CollectionLockExpiryTooFar(
                IpCollection::CollectionLockExpiryTooFar {
                    expires: u64::MAX,
                    maxExpires: now + LOCK_HORIZON,
                }
            )
        );
        let longest = IpCollection::setUserCall {
            tokenId: id,
            user: carol,
            expires: now + LOCK_HORIZON,
        };
        w.ok(carol, nft, &longest);
        w.ok(
            alice,
            nft,
            &IpCollection::transferFromCall {
                from: alice,
                to: dave,
                tokenId: id,
            },
        );
        let locked = w.view(nft, &IpCollection::leaseLockedCall { tokenId: id });
        assert!(locked, "a lease operator's lock binds the buyer");
        // It ends within five years. (Warping that far would outlive the
        // programs' one-year activation on the devnode.)
        let expires = w.view(nft, &IpCollection::userExpiresCall { tokenId: id });
        assert_eq!(expires, U256::from(now + LOCK_HORIZON));
    });
}

/// L-6: anyone holding 16 units filled a victim's 16 user-side record slots
/// for an id and blocked the victim's purchases until it deleted each one.
/// Now a user's records are not capped: the victim buys and renews as usual.
#[test]
fn l6_a_stranger_cannot_block_a_users_purchases() {
    big_stack("l6", || {
        let mut w = World::get();
        let (admin, carol, dave, editions, market) =
            (w.admin(), w.carol, w.dave, w.editions, w.market);
        w.ok(
            admin,
            editions,
            &IpEditions::mintCall {
                to: carol,
                id: u(1),
                amount: u(16),
                data: Bytes::new(),
            },
        );
        let now = w.h.node.timestamp();
        for _ in 0..16 {
            w.ok(
                carol,
                editions,
                &IpEditions::createUserRecordCall {
                    owner: carol,
                    user: dave,
                    tokenId: u(1),
                    amount: 1,
                    expiry: now + 10 * 86_400,
                },
            );
        }
        // The victim's purchase of the editions offer (2).
        let price = U256::from(PRICE_PER_SECOND * 3600);
        w.ok_value(
            dave,
            market,
            &LicenseMarket::buyLeaseCall {
                offerId: u(2),
                duration: 3600,
                maxPrice: price,
                version: 1,
            },
            price,
        );
        let usable = w.view(
            editions,
            &IpEditions::usableBalanceOfCall {
                account: dave,
                tokenId: u(1),
            },
        );
        assert_eq!(usable, u(16 + UNITS_PER_LICENCE));
        // And its renewal, after the stranger's records and the lease
        // itself expire and the victim buys again.
        w.h.node.set_timestamp(now + 10 * 86_400 + 1);
        w.ok_value(
            dave,
            market,
            &LicenseMarket::buyLeaseCall {
                offerId: u(2),
                duration: 3600,
                maxPrice: price,
                version: 1,
            },
            price,
        );
        let usable = w.view(
            editions,
            &IpEditions::usableBalanceOfCall {
                account: dave,
                tokenId: u(1),
            },
        );
        assert_eq!(usable, u(UNITS_PER_LICENCE));
    });
}

/// Deploys a [`TestToken`] with `decimals` from `from`.
fn token(w: &mut World, from: Address, symbol: &str, decimals: u8) -> Address {
    create(w, from, test_token_code(symbol, decimals))
}

/// L-3: `updateSplit` settled only the tokens it was given, so an update
/// handed un-withdrawn revenue (here ETH, 6- and 18-decimal tokens the split
/// never touched) to the new recipients. Now an update never lowers an old
/// recipient's claim.
#[test]
fn l3_split_update_never_hands_old_revenue_to_new_recipients() {
    big_stack("l3", || {
        let mut w = World::get();
        let (admin, alice, bob, carol, split) = (w.admin(), w.alice, w.bob, w.carol, w.split);
        let t6 = token(&mut w, carol, "T6", 6);
        let t18 = token(&mut w, carol, "T18", 18);
        let (r6, r18) = (u(5_000_000), U256::from(7u128 * 10u128.pow(18)));
        w.ok(
            carol,
            t6,
            &TestToken::mintCall {
                to: split,
                value: r6,
            },
        );
        w.ok(
            carol,
            t18,
            &TestToken::mintCall {
                to: split,
                value: r18,
            },
        );
        let eth = Address::ZERO;
        let tokens = [eth, t6, t18];
        let claims = |w: &mut World, who: Address| -> Vec<U256> {
            tokens
                .iter()
                .map(|&token| {
                    w.view(
                        split,
                        &Split::claimableCall {
                            recipient: who,
                            token,
                        },
                    )
                })
                .collect()
        };
        let (alice_before, bob_before) = (claims(&mut w, alice), claims(&mut w, bob));
        let sixty = |x: U256| x * u(6) / u(10);
        assert_eq!(
            alice_before,
            vec![sixty(U256::from(ETH)), sixty(r6), sixty(r18)]
        );
        // The attack: everything to carol, no token listed.
        w.ok(
            admin,
            split,
            &Split::updateSplitCall {
                recipients: vec![carol],
                allocations: vec![1_000_000],
                dustRecipient: carol,
                settleTokens: vec![],
            },
        );
        assert_eq!(claims(&mut w, alice), alice_before);
        assert_eq!(claims(&mut w, bob), bob_before);
        assert_eq!(claims(&mut w, carol), vec![U256::ZERO; 3]);
        // The old recipients withdraw exactly that.
        let (eth_before, t6_before) = (
            w.balance(alice),
            w.view(t6, &TestToken::balanceOfCall { account: alice }),
        );
        w.ok(
            carol,
            split,
            &Split::withdrawCall {
                recipient: alice,
                tokens: tokens.to_vec(),
            },
        );
        assert_eq!(w.balance(alice) - eth_before, alice_before[0]);
        assert_eq!(
            w.view(t6, &TestToken::balanceOfCall { account: alice }) - t6_before,
            alice_before[1]
        );
        assert_eq!(
            w.view(t18, &TestToken::balanceOfCall { account: alice }),
            alice_before[2]
        );
        // Settled, the tokens follow the new set: new revenue is carol's.
        for t in [t6, t18] {
            w.ok(carol, split, &Split::settleCall { token: t });
        }
        w.ok(
            carol,
            t6,
            &TestToken::mintCall {
                to: split,
                value: r6,
            },
        );
        assert_eq!(claims(&mut w, carol)[1], r6);
        assert_eq!(claims(&mut w, bob), bob_before);
    });
}
