//! The share vault's and the vault factory's security defects, each replayed
//! as an attack on the populated suite of `bad_input_world` (the suite as
//! `cargo ip deploy` wires it). Every test performs the attack as it
//! succeeded before the vault's curator powers became an allow-list and
//! asserts that the harmful effect did not happen (each failed on the code
//! before the fix), then tries the same goal through the curator's new
//! powers and checks the exact refusal, or that the harm is bounded.
//!
//! The attacker is the base vault's curator, alice (60 % holder); dave holds
//! the other 40 %; carol is her accomplice or an honest licensee.

mod bad_input_world;

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};
use bad_input_world::*;
use stylus_ip_tests::sol::{test_token_code, TestToken};
use stylus_ip_tests::{big_stack, Revert};
use ShareVault::ShareVaultErrors as VaultE;
use VaultFactory::VaultFactoryErrors as FactoryE;

sol! {
    /// The curator's former generic call, encoded by hand: the vault no
    /// longer routes it.
    function curatorCall(address target, bytes data) returns (bytes);
}

/// ERC-4907 expiry meaning "forever".
const FOREVER: u64 = u64::MAX;

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// The curator's generic call through the vault, as the attack sent it.
fn curator_call<C: SolCall>(w: &mut World, target: Address, inner: &C) -> Result<Bytes, Revert> {
    let (alice, vault) = (w.alice, w.vault);
    let call = curatorCallCall {
        target,
        data: inner.abi_encode().into(),
    };
    w.h.send_raw(alice, vault, call.abi_encode(), U256::ZERO)
}

/// Terms of a vault offer: `price` per second, paying `payee` in `token`,
/// 60 seconds to `max_duration`.
fn vault_terms(
    price: u64,
    payee: Address,
    token: Address,
    max_duration: u64,
) -> IShareVault::OfferTerms {
    IShareVault::OfferTerms {
        pricePerSecond: u(price),
        paymentToken: token,
        minDuration: 60,
        maxDuration: max_duration,
        endTime: 0,
        maxLicensees: 1,
        payee,
        termsHash: B256::repeat_byte(0x5e),
        termsUri: "ipfs://vault-terms".into(),
        flags: 1,
        maxRoyaltyBps: 10_000,
    }
}

/// Alice, as curator, approves the market and publishes a vault offer of
/// `amount` units (0: the ERC-721 token) on `vault`; returns its id.
fn vault_offer(w: &mut World, vault: Address, amount: u64, terms: IShareVault::OfferTerms) -> U256 {
    let alice = w.alice;
    w.ok(
        alice,
        vault,
        &ShareVault::setMarketApprovalCall { approved: true },
    );
    w.ok(alice, vault, &ShareVault::createOfferCall { amount, terms })
}

/// `buyer` buys a `duration`-second lease from `offer` at its current
/// version, paying the quoted price in ETH.
fn buy(w: &mut World, buyer: Address, offer: U256, duration: u64) -> Result<u64, Revert> {
    let market = w.market;
    let quote = w.view(
        market,
        &LicenseMarket::quoteCall {
            offerId: offer,
            duration,
        },
    );
    let call = LicenseMarket::buyLeaseCall {
        offerId: offer,
        duration,
        maxPrice: quote.price,
        version: quote.version,
    };
    w.h.send(buyer, market, &call, quote.price).map(|r| r.0)
}

fn vault_error<T>(r: Result<T, Revert>) -> VaultE {
    match r {
        Ok(_) => panic!("the vault must refuse"),
        Err(e) => e.decode::<VaultE>(),
    }
}

fn warp(w: &mut World, seconds: u64) {
    let now = w.h.node.timestamp();
    w.h.node.set_timestamp(now + seconds);
}

/// Dave hands his 40 % to alice, who then holds every share.
fn alice_takes_all_shares(w: &mut World, vault: Address) {
    let (alice, dave) = (w.alice, w.dave);
    let shares = w.view(vault, &ShareVault::balanceOfCall { account: dave });
    w.ok(
        dave,
        vault,
        &ShareVault::transferCall {
            to: alice,
            value: shares,
        },
    );
}

/// H-1a: the curator made the vault approve its own EOA as lease operator
/// on the collection, then set a locked user until 2^64 − 1: the market
/// could never lease the token again, even years later, and the lock bound
/// whoever redeemed.
#[test]
fn h1a_curator_cannot_lock_the_vaulted_erc721() {
    big_stack("h1a", || {
        let mut w = World::get();
        let (alice, carol, nft, vault) = (w.alice, w.carol, w.nft, w.vault);
        let _ = curator_call(
            &mut w,
            nft,
            &IpCollection::setLeaseOperatorCall {
                operator: alice,
                approved: true,
            },
        );
        let _ = w.h.send(
            alice,
            nft,
            &IpCollection::setUserCall {
                tokenId: u(2),
                user: carol,
                expires: FOREVER,
            },
            U256::ZERO,
        );
        assert!(
            !w.view(
                nft,
                &IpCollection::isLeaseOperatorCall {
                    owner: vault,
                    operator: alice
                }
            ),
            "the curator's EOA became the vault's lease operator"
        );
        // Well past any lease the vault may sell (programs expire a year
        // after activation, so no longer than that).
        warp(&mut w, 200 * 86_400);
        assert_eq!(
            w.view(nft, &IpCollection::userOfCall { tokenId: u(2) }),
            Address::ZERO,
            "the vaulted token is locked to the curator's accomplice"
        );

        // The same goal through the curator's powers: a price-0 offer with
        // a huge maximum duration is refused; the longest one allowed is
        // the vault's maxLeaseDuration, after which the market leases the
        // token again and a 100 % holder redeems it.
        let e = vault_error(w.h.send(
            alice,
            vault,
            &ShareVault::createOfferCall {
                amount: 0,
                terms: vault_terms(0, vault, Address::ZERO, u64::MAX),
            },
            U256::ZERO,
        ));
        assert_eq!(
            e,
            VaultE::VaultOfferTooLong(ShareVault::VaultOfferTooLong {
                maxDuration: U256::from(u64::MAX),
                maxLeaseDuration: u(VAULT_MAX_LEASE),
            })
        );
        let offer = vault_offer(
            &mut w,
            vault,
            0,
            vault_terms(0, vault, Address::ZERO, VAULT_MAX_LEASE),
        );
        let expires = buy(&mut w, carol, offer, VAULT_MAX_LEASE).expect("the free lease");
        assert_eq!(
            w.view(nft, &IpCollection::userOfCall { tokenId: u(2) }),
            carol
        );
        let now = w.h.node.timestamp();
        warp(&mut w, expires - now + 1);
        let dave = w.dave;
        buy(&mut w, dave, offer, 60).expect("leased again once the longest lease expired");
        alice_takes_all_shares(&mut w, vault);
        w.ok(alice, vault, &ShareVault::redeemCall {});
        assert_eq!(
            w.view(nft, &IpCollection::ownerOfCall { tokenId: u(2) }),
            alice
        );
    });
}

/// H-1b: the curator made the vault approve its own EOA as lease operator
/// on the editions, then froze all the vault's units until 2^64 − 1 with a
/// user record: a 100 % holder could not redeem even a century later.
#[test]
fn h1b_erc1155_vault_stays_redeemable() {
    big_stack("h1b", || {
        let mut w = World::get();
        let (alice, carol, dave, editions, factory) =
            (w.alice, w.carol, w.dave, w.editions, w.vault_factory);
        // Alice vaults 4 of her free units of edition 1, curator herself.
        w.ok(
            alice,
            editions,
            &IpEditions::setApprovalForAllCall {
                operator: factory,
                approved: true,
            },
        );
        let vault = w.ok(
            alice,
            factory,
            &fractionalize(editions, u(1), u(4), alice, dave, B256::repeat_byte(0xb1)),
        );
        w.vault = vault;
        let _ = curator_call(
            &mut w,
            editions,
            &IpEditions::setLeaseOperatorCall {
                operator: alice,
                approved: true,
            },
        );
        let _ = w.h.send(
            alice,
            editions,
            &IpEditions::createUserRecordCall {
                owner: vault,
                user: carol,
                tokenId: u(1),
                amount: 4,
                expiry: FOREVER,
            },
            U256::ZERO,
        );
        // A lease the curator sells through the market freezes the units
        // for at most maxLeaseDuration.
        let offer = vault_offer(
            &mut w,
            vault,
            4,
            vault_terms(0, vault, Address::ZERO, VAULT_MAX_LEASE),
        );
        let expires = buy(&mut w, carol, offer, VAULT_MAX_LEASE).expect("the free lease");
        alice_takes_all_shares(&mut w, vault);
        let early =
            w.h.send(alice, vault, &ShareVault::redeemCall {}, U256::ZERO);
        assert!(early.is_err(), "units frozen by a running lease moved");
        let now = w.h.node.timestamp();
        warp(&mut w, expires - now + 1);
        let redeemed =
            w.h.send(alice, vault, &ShareVault::redeemCall {}, U256::ZERO);
        assert!(
            redeemed.is_ok(),
            "a 100 % holder cannot redeem once the longest lease expired: {:?}",
            redeemed.err()
        );

        let units = w.view(
            editions,
            &IpEditions::balanceOfCall {
                account: alice,
                id: u(1),
            },
        );
        assert_eq!(units, u(10 - 2 + 2), "alice holds her units again");
    });
}

/// H-1c: the curator published, through the vault, an offer on the vaulted
/// token whose payee was its own EOA: licensees paid the curator and the
/// share holders got nothing.
#[test]
fn h1c_curator_cannot_divert_lease_revenue() {
    big_stack("h1c", || {
        let mut w = World::get();
        let (alice, carol, market, nft, vault) = (w.alice, w.carol, w.market, w.nft, w.vault);
        let _ = curator_call(
            &mut w,
            nft,
            &IpCollection::setLeaseOperatorCall {
                operator: market,
                approved: true,
            },
        );
        let before = w.view(market, &LicenseMarket::offerCountCall {});
        let _ = curator_call(
            &mut w,
            market,
            &LicenseMarket::createOfferCall {
                collection: nft,
                tokenId: u(2),
                amount: 0,
                terms: terms(alice, 1),
            },
        );
        let offers = w.view(market, &LicenseMarket::offerCountCall {});
        let alice_before = w.balance(alice);
        if offers > before {
            let price = U256::from(PRICE_PER_SECOND * 3600);
            let _ = w.h.send(
                carol,
                market,
                &LicenseMarket::buyLeaseCall {
                    offerId: offers,
                    duration: 3600,
                    maxPrice: price,
                    version: 1,
                },
                price,
            );
        }
        assert_eq!(
            w.balance(alice),
            alice_before,
            "a licensee of the vaulted token paid the curator"
        );

        // Through the curator's powers: an offer paying the curator is
        // refused (created or updated); one paying the vault pays the vault.
        let e = vault_error(w.h.send(
            alice,
            vault,
            &ShareVault::createOfferCall {
                amount: 0,
                terms: vault_terms(1_000, alice, Address::ZERO, 3_600),
            },
            U256::ZERO,
        ));
        assert_eq!(
            e,
            VaultE::VaultInvalidOfferPayee(ShareVault::VaultInvalidOfferPayee { payee: alice })
        );
        let offer = vault_offer(
            &mut w,
            vault,
            0,
            vault_terms(1_000, vault, Address::ZERO, 3_600),
        );
        let e = vault_error(w.h.send(
            alice,
            vault,
            &ShareVault::updateOfferCall {
                offerId: offer,
                terms: vault_terms(1_000, alice, Address::ZERO, 3_600),
            },
            U256::ZERO,
        ));
        assert_eq!(
            e,
            VaultE::VaultInvalidOfferPayee(ShareVault::VaultInvalidOfferPayee { payee: alice })
        );
        let (vault_before, alice_before) = (w.balance(vault), w.balance(alice));
        buy(&mut w, carol, offer, 3_600).expect("lease");
        let price = u(1_000 * 3_600);
        let royalty = price * u(NFT_ROYALTY_BPS) / u(10_000);
        assert_eq!(w.balance(vault) - vault_before, price - royalty);
        assert_eq!(w.balance(alice), alice_before);
    });
}

/// H-1d: the creator locked its token to itself until 2^64 − 1 and the
/// factory accepted it (the lease's user was the creator): the vault, and
/// whoever redeemed it, could never lease or use the token.
#[test]
fn h1d_factory_refuses_a_token_with_a_user() {
    big_stack("h1d", || {
        let mut w = World::get();
        let (alice, dave, nft, factory) = (w.alice, w.dave, w.nft, w.vault_factory);
        // As its own lease operator (a locked lease; the collection may
        // refuse that itself), else as the owner.
        let _ = w.h.send(
            alice,
            nft,
            &IpCollection::setLeaseOperatorCall {
                operator: alice,
                approved: true,
            },
            U256::ZERO,
        );
        let set = IpCollection::setUserCall {
            tokenId: u(3),
            user: alice,
            expires: FOREVER,
        };
        if w.h.send(alice, nft, &set, U256::ZERO).is_err() {
            w.ok(
                alice,
                nft,
                &IpCollection::setLeaseOperatorCall {
                    operator: alice,
                    approved: false,
                },
            );
            w.ok(alice, nft, &set);
        }
        w.ok(
            alice,
            nft,
            &IpCollection::approveCall {
                to: factory,
                tokenId: u(3),
            },
        );
        let made = w.h.send(
            alice,
            factory,
            &fractionalize(nft, u(3), U256::ZERO, alice, dave, B256::repeat_byte(0xd1)),
            U256::ZERO,
        );
        assert!(made.is_err(), "a token locked to its creator was vaulted");
        assert_eq!(
            made.unwrap_err().decode::<FactoryE>(),
            FactoryE::VaultFactoryAssetHasUser(VaultFactory::VaultFactoryAssetHasUser {
                asset: nft,
                id: u(3),
                user: alice,
            })
        );
        assert_eq!(
            w.view(nft, &IpCollection::ownerOfCall { tokenId: u(3) }),
            alice
        );
    });
}

/// M-2: the curator swept, through the vault, any token the vault held that
/// was not on its revenue allow-list (royalties or airdrops in another
/// currency, lease revenue in it).
#[test]
fn m2_curator_cannot_sweep_other_tokens() {
    big_stack("m2", || {
        let mut w = World::get();
        let (alice, carol, vault) = (w.alice, w.carol, w.vault);
        let out =
            w.h.node
                .deploy(carol, test_token_code("T6", 6).into(), U256::ZERO)
                .expect("devnode");
        assert!(out.success, "deploying the token: {out:?}");
        let token = out.created.expect("token address");
        let amount = u(5_000_000);
        w.ok(
            carol,
            token,
            &TestToken::mintCall {
                to: vault,
                value: amount,
            },
        );
        let _ = curator_call(
            &mut w,
            token,
            &TestToken::transferCall {
                to: alice,
                value: amount,
            },
        );
        assert_eq!(
            w.view(token, &TestToken::balanceOfCall { account: vault }),
            amount,
            "the curator swept the vault's tokens"
        );
        // Through the curator's powers: an offer paid in that token (off the
        // vault's revenue allow-list) is refused.
        let e = vault_error(w.h.send(
            alice,
            vault,
            &ShareVault::createOfferCall {
                amount: 0,
                terms: vault_terms(1, vault, token, 3_600),
            },
            U256::ZERO,
        ));
        assert_eq!(
            e,
            VaultE::VaultTokenNotAllowed(ShareVault::VaultTokenNotAllowed { token })
        );
    });
}

/// L-4: the vault could be given its own shares at creation, after which
/// nobody could ever hold 100 % and redeem.
#[test]
fn l4_vault_cannot_hold_its_own_shares() {
    big_stack("l4", || {
        let mut w = World::get();
        let (alice, nft, factory) = (w.alice, w.nft, w.vault_factory);
        let salt = B256::repeat_byte(0x14);
        let vault = w.view(
            factory,
            &VaultFactory::predictVaultCall {
                creator: alice,
                salt,
            },
        );
        w.ok(
            alice,
            nft,
            &IpCollection::approveCall {
                to: factory,
                tokenId: u(3),
            },
        );
        let made = w.h.send(
            alice,
            factory,
            &fractionalize(nft, u(3), U256::ZERO, alice, vault, salt),
            U256::ZERO,
        );
        assert!(made.is_err(), "a vault was minted its own shares");
        assert_eq!(
            made.unwrap_err().decode::<FactoryE>(),
            FactoryE::ERC20InvalidReceiver(VaultFactory::ERC20InvalidReceiver { receiver: vault })
        );
    });
}
