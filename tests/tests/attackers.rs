//! Attacker contracts against the suite, end to end on the devnode.
//!
//! The attackers are Solidity (`tests/sol/Attackers.sol`), compiled at test
//! time with solc-js 0.8.37 from npm (installed on demand into
//! `target/npm`, like `cargo ip abi`): an `Attacker` account that acts on
//! the suite and, whenever it is paid ETH or handed an ERC-721/1155 token,
//! accepts, reverts, burns all its gas or re-enters a chosen contract; and a
//! `FakeCollection` that answers the asset queries with lies or garbage.
//!
//! Each scenario starts from the populated suite of `bad_input_world` and
//! checks that
//! * **nothing is drained**: the market's ETH balance always equals the sum
//!   of its credits; a vault or split holds at least what its holders or
//!   recipients can claim; attackers receive exactly what honest accounting
//!   gives them;
//! * **nothing is stuck**: a failed push is credited and withdrawable
//!   later, a holder or recipient that refuses ETH keeps its claim, and
//!   honest parties claim and withdraw unaffected;
//! * **re-entrancy yields nothing**: every re-entrant call is refused by
//!   stylus-sdk's re-entrancy guard (empty revert data) or finds nothing
//!   more to take.

mod bad_input_world;

use alloy_primitives::{aliases::U96, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};
use bad_input_world::*;
use stylus_ip_tests::sol::bytecode;
use stylus_ip_tests::{big_stack, Revert, ETH};

use LicenseMarket::LicenseMarketErrors as MarketE;
use ShareVault::ShareVaultErrors as VaultE;
use Split::SplitErrors as SplitE;

// The attackers' own interfaces (tests/sol/Attackers.sol).
sol! {
    #[sol(all_derives)]
    interface IAttacker {
        function configure(uint8 m, address t, bytes calldata p) external;
        function exec(address to, uint256 value, bytes calldata data) external payable returns (bytes memory);
        function attempts() external view returns (uint256);
        function successes() external view returns (uint256);
        function lastReturn() external view returns (bytes memory);
        function received() external view returns (uint256);
    }

    #[sol(all_derives)]
    interface IFakeCollection {
        function setOwner(address o, bool dirty) external;
        function setRoyalty(uint8 m, address receiver, uint256 times) external;
        function setSetUserReverts(bool r) external;
        function setReenter(address t, bytes calldata p) external;
        function setHook(bool call, address target) external;
        function reentered() external view returns (bool);
        function reenterReturn() external view returns (bytes memory);
        function setUserCalls() external view returns (uint256);
    }
}

/// `Attacker.Mode`.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Accept = 0,
    Revert = 1,
    BurnGas = 2,
    Reenter = 3,
}

/// `FakeCollection.Royalty`.
#[derive(Debug, Clone, Copy)]
enum FakeRoyalty {
    Quote = 0,
    Short = 1,
    DirtyAddress = 2,
    Reverts = 3,
}

/// A world with attacker tooling.
struct Lab {
    w: World,
}

impl std::ops::Deref for Lab {
    type Target = World;
    fn deref(&self) -> &World {
        &self.w
    }
}

impl std::ops::DerefMut for Lab {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.w
    }
}

impl Lab {
    fn new() -> Self {
        // Compile while the world is being built (or cloned).
        let compile = std::thread::spawn(|| bytecode("Attacker"));
        let w = World::get();
        compile.join().expect("compiling the attackers");
        Self { w }
    }

    /// Deploys `name` from `tests/sol` as carol.
    fn deploy_sol(&mut self, name: &str) -> Address {
        let carol = self.carol;
        let out = self
            .h
            .node
            .deploy(carol, bytecode(name).into(), U256::ZERO)
            .expect("devnode");
        assert!(out.success, "deploying {name} failed: {out:?}");
        out.created.expect("created address")
    }

    fn attacker(&mut self) -> Address {
        self.deploy_sol("Attacker")
    }

    fn fake_collection(&mut self) -> Address {
        self.deploy_sol("FakeCollection")
    }

    /// Configures attacker `a` (anyone may).
    fn arm<C: SolCall>(&mut self, a: Address, mode: Mode, target: Address, payload: &C) {
        let carol = self.carol;
        let call = IAttacker::configureCall {
            m: mode as u8,
            t: target,
            p: payload.abi_encode().into(),
        };
        self.ok(carol, a, &call);
    }

    fn mode(&mut self, a: Address, mode: Mode) {
        self.arm(a, mode, Address::ZERO, &IAttacker::attemptsCall {});
    }

    /// Attacker `a` calls `to` with `call` and `value` (funded by carol);
    /// returns the decoded return value or the bubbled revert.
    fn exec<C: SolCall>(
        &mut self,
        a: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<C::Return, Revert> {
        let carol = self.carol;
        let exec = IAttacker::execCall {
            to,
            value,
            data: call.abi_encode().into(),
        };
        self.h.send(carol, a, &exec, value).map(|(ret, _)| {
            C::abi_decode_returns(&ret)
                .unwrap_or_else(|e| panic!("bad return data for {}: {e}", C::SIGNATURE))
        })
    }

    /// (attempts, successes, last return data) of attacker `a`.
    fn reentry(&mut self, a: Address) -> (U256, U256, Bytes) {
        (
            self.view(a, &IAttacker::attemptsCall {}),
            self.view(a, &IAttacker::successesCall {}),
            self.view(a, &IAttacker::lastReturnCall {}),
        )
    }

    /// Attacker `a` re-entered once and the reentrancy guard refused it
    /// (one attempt, no success, the guard's revert last).
    fn assert_refused_once(&mut self, a: Address) {
        let (attempts, successes, last) = self.reentry(a);
        assert_eq!((attempts, successes), (U256::from(1), U256::ZERO));
        assert_eq!(last, guard_refusal());
    }

    /// `from` transfers `value` shares of `vault` to `to`.
    fn give_shares(&mut self, from: Address, vault: Address, to: Address, value: U256) {
        self.ok(from, vault, &ShareVault::transferCall { to, value });
    }

    /// `holders` claim their ETH from `vault`; what stays is at most `dust`
    /// wei, the accumulator's rounding, never anyone's claim.
    fn claim_leaving_dust(&mut self, vault: Address, holders: &[Address], dust: u64) {
        for &h in holders {
            self.ok(h, vault, &claim_eth());
        }
        assert!(
            self.balance(vault) <= U256::from(dust),
            "dust {}",
            self.balance(vault)
        );
    }

    fn received(&mut self, a: Address) -> U256 {
        self.view(a, &IAttacker::receivedCall {})
    }

    fn credit(&mut self, account: Address) -> U256 {
        let market = self.market;
        self.view(
            market,
            &LicenseMarket::creditOfCall {
                account,
                token: Address::ZERO,
            },
        )
    }

    /// The market holds exactly the credits of `accounts` (every other
    /// account has none): nothing drained, nothing unaccounted.
    fn assert_market_solvent(&mut self, accounts: &[Address]) {
        let credits: U256 = accounts.iter().map(|&a| self.credit(a)).sum();
        assert_eq!(
            self.balance(self.market),
            credits,
            "market balance vs credits"
        );
    }

    /// Offer 3: alice's NFT 3, paying `payee`.
    fn offer_nft3(&mut self, payee: Address) -> U256 {
        let (alice, market, nft) = (self.alice, self.market, self.nft);
        let call = LicenseMarket::createOfferCall {
            collection: nft,
            tokenId: U256::from(3),
            amount: 0,
            terms: terms(payee, 1),
        };
        self.ok(alice, market, &call)
    }

    /// `who` buys a `seconds` lease of `offer` paying exactly.
    fn buy(&mut self, who: Address, offer: U256, seconds: u64) -> u64 {
        let market = self.market;
        let call = LicenseMarket::buyLeaseCall {
            offerId: offer,
            duration: seconds,
            maxPrice: U256::MAX,
            version: 1,
        };
        let (_, gas) = self
            .h
            .send(who, market, &call, price(seconds))
            .unwrap_or_else(|r| panic!("buyLease reverted: {:?}", r.decode::<MarketE>()));
        gas
    }

    fn claimable_eth(&mut self, vault: Address, holder: Address) -> U256 {
        self.view(
            vault,
            &ShareVault::claimableCall {
                holder,
                token: Address::ZERO,
            },
        )
    }

    fn split_claimable(&mut self, split: Address, recipient: Address) -> U256 {
        self.view(
            split,
            &Split::claimableCall {
                recipient,
                token: Address::ZERO,
            },
        )
    }
}

fn price(seconds: u64) -> U256 {
    U256::from(PRICE_PER_SECOND * seconds)
}

/// Royalty the base collection takes on `price` (5 %).
fn royalty_of(price: U256) -> U256 {
    price * U256::from(NFT_ROYALTY_BPS) / U256::from(10_000)
}

fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(ETH)
}

fn withdraw_eth() -> LicenseMarket::withdrawCall {
    LicenseMarket::withdrawCall {
        token: Address::ZERO,
    }
}

fn claim_eth() -> ShareVault::claimCall {
    ShareVault::claimCall {
        tokens: vec![Address::ZERO],
    }
}

/// The revert of a call that must fail.
fn must_revert<T>(r: Result<T, Revert>) -> Revert {
    match r {
        Ok(_) => panic!("the call succeeded"),
        Err(e) => e,
    }
}

/// `got` is `want` rounded down by at most `wei` (the vault's accumulator
/// floors every claim: under 1 wei per holder and deposit).
fn assert_pro_rata(got: U256, want: U256, wei: u64, what: &str) {
    assert!(
        got <= want && want - got <= U256::from(wei),
        "{what}: {got} vs pro rata {want}"
    );
}

fn guard_refusal() -> Bytes {
    Bytes::new()
}

// ---------------------------------------------------------------------------
// License market: payees, royalty receivers and buyers that misbehave
// ---------------------------------------------------------------------------

/// A payee that re-enters `withdraw` when paid (by a sale's push, then by
/// its own withdrawal) gets exactly its share of each sale, once.
#[test]
fn market_payee_reentering_withdraw_gains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (bob, carol, market, royalty) = (l.bob, l.carol, l.market, l.royalty);
        let offer = l.offer_nft3(a);
        let p = price(3600);
        let share = p - royalty_of(p);

        // Sale 1 while the payee refuses ETH: credited.
        l.mode(a, Mode::Revert);
        l.buy(bob, offer, 3600);
        assert_eq!(l.credit(a), share);
        // Sale 2 while it re-enters withdraw from its receive hook (100k gas push).
        l.arm(a, Mode::Reenter, market, &withdraw_eth());
        l.h.node.warp(3601);
        let royalty_before = l.balance(royalty);
        l.buy(carol, offer, 3600);
        assert_eq!(l.balance(royalty) - royalty_before, royalty_of(p));
        let (attempts, successes, last) = l.reentry(a);
        // Either the push ran the hook (and its re-entry was refused) or it
        // ran out of the push's gas and was credited: never more than due.
        assert_eq!(successes, U256::ZERO, "re-entrant withdraw succeeded");
        if attempts == U256::from(1) {
            println!("the 100k-gas push ran the hook; its re-entry was refused");
            assert_eq!(last, guard_refusal());
            assert_eq!(l.received(a), share);
            assert_eq!(l.credit(a), share);
        } else {
            println!("the hook ran out of the push's gas: credited");
            assert_eq!(l.received(a), U256::ZERO);
            assert_eq!(l.credit(a), share * U256::from(2));
        }
        l.assert_market_solvent(&[a, bob, carol, l.alice, royalty]);

        // Its own withdrawal (all gas forwarded) re-enters withdraw: refused.
        let owed = l.credit(a);
        let before = l.received(a);
        l.arm(a, Mode::Reenter, market, &withdraw_eth());
        l.exec(a, market, &withdraw_eth(), U256::ZERO)
            .expect("withdraw");
        let (attempts, successes, last) = l.reentry(a);
        assert_eq!((attempts, successes), (U256::from(1), U256::ZERO));
        assert_eq!(last, guard_refusal(), "refused by the re-entrancy guard");
        assert_eq!(l.received(a) - before, owed);
        assert_eq!(l.credit(a), U256::ZERO);
        assert_eq!(l.balance(market), U256::ZERO, "market emptied exactly");
        // Nothing more to take.
        let again = must_revert(l.exec(a, market, &withdraw_eth(), U256::ZERO));
        assert_eq!(
            again.decode::<MarketE>(),
            MarketE::LicenseMarketNothingToWithdraw(
                LicenseMarket::LicenseMarketNothingToWithdraw {
                    token: Address::ZERO
                }
            )
        );
    });
}

/// A buyer that overpays and re-enters `buyLease` when refunded gets one
/// lease and exactly its change (pushed or credited).
#[test]
fn market_refund_reentering_buy_lease_gains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (alice, market) = (l.alice, l.market);
        let offer = l.offer_nft3(alice);
        let p = price(3600);
        let change = eth(1);
        let buy = LicenseMarket::buyLeaseCall {
            offerId: offer,
            duration: 3600,
            maxPrice: U256::MAX,
            version: 1,
        };
        let again = LicenseMarket::buyLeaseCall {
            offerId: U256::from(1),
            duration: 3600,
            maxPrice: U256::MAX,
            version: 1,
        };
        l.arm(a, Mode::Reenter, market, &again);
        let alice_before = l.balance(alice);
        l.exec(a, market, &buy, p + change).expect("buyLease");
        let (attempts, successes, last) = l.reentry(a);
        assert_eq!(successes, U256::ZERO);
        if attempts == U256::from(1) {
            println!("the refund ran the hook; its re-entry was refused");
            assert_eq!(last, guard_refusal());
        } else {
            println!("the hook ran out of the refund's gas: credited");
        }
        // One lease (offer 3), none from offer 1.
        let lease = l.view(
            market,
            &LicenseMarket::leaseOfCall {
                offerId: offer,
                licensee: a,
            },
        );
        assert_eq!(lease._0, START + 3600);
        let other = l.view(
            market,
            &LicenseMarket::leaseOfCall {
                offerId: U256::from(1),
                licensee: a,
            },
        );
        assert_eq!(other._0, 0);
        assert_eq!(l.received(a) + l.credit(a), change, "exactly the change");
        assert_eq!(l.balance(alice) - alice_before, p - royalty_of(p));
        l.assert_market_solvent(&[a, alice, l.royalty]);
    });
}

/// A payee that reverts on ETH does not block the sale: it is credited,
/// cannot withdraw while it still refuses (the credit stays), and withdraws
/// once it accepts.
#[test]
fn market_reverting_payee_is_credited_and_withdraws_later() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (bob, market, royalty) = (l.bob, l.market, l.royalty);
        let offer = l.offer_nft3(a);
        l.mode(a, Mode::Revert);
        let royalty_before = l.balance(royalty);
        l.buy(bob, offer, 3600);
        let p = price(3600);
        let share = p - royalty_of(p);
        assert_eq!(l.balance(royalty) - royalty_before, royalty_of(p));
        assert_eq!(l.credit(a), share);
        l.assert_market_solvent(&[a, bob, royalty]);

        let refused = must_revert(l.exec(a, market, &withdraw_eth(), U256::ZERO));
        assert_eq!(
            refused.decode::<MarketE>(),
            MarketE::LicenseMarketTransferFailed(LicenseMarket::LicenseMarketTransferFailed {
                token: Address::ZERO,
                to: a,
                amount: share,
            })
        );
        assert_eq!(l.credit(a), share, "the credit stays");

        l.mode(a, Mode::Accept);
        l.exec(a, market, &withdraw_eth(), U256::ZERO)
            .expect("withdraw");
        assert_eq!(l.received(a), share);
        assert_eq!(l.balance(market), U256::ZERO);
    });
}

/// A payee and a royalty receiver that burn all the gas they are given
/// cost the buyer at most the bounded pushes; both are credited and
/// withdraw later.
#[test]
fn market_gas_burning_payee_and_royalty_receiver_are_credited() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let payee = l.attacker();
        let receiver = l.attacker();
        let (admin, bob, carol, market, nft) = (l.admin(), l.bob, l.carol, l.market, l.nft);
        let royalty = IpCollection::setDefaultRoyaltyCall {
            receiver,
            royaltyBps: U96::from(NFT_ROYALTY_BPS),
        };
        l.ok(admin, nft, &royalty);
        let offer = l.offer_nft3(payee);
        // Reference: an honest sale's gas.
        let honest = l.offer_nft3(carol);
        l.mode(payee, Mode::Accept);
        l.mode(receiver, Mode::Accept);
        let mut reference = l.w.clone();
        let honest_gas = {
            let call = LicenseMarket::buyLeaseCall {
                offerId: honest,
                duration: 3600,
                maxPrice: U256::MAX,
                version: 1,
            };
            reference
                .h
                .send(bob, market, &call, price(3600))
                .expect("honest sale")
                .1
        };

        l.mode(payee, Mode::BurnGas);
        l.mode(receiver, Mode::BurnGas);
        let gas = l.buy(bob, offer, 3600);
        // Each failed push burns at most its ETH_PUSH_GAS (100,000) plus
        // the credit's storage write and event.
        assert!(
            gas <= honest_gas + 2 * (100_000 + 30_000),
            "sale cost {gas} gas (honest: {honest_gas})"
        );
        let p = price(3600);
        assert_eq!(l.credit(payee), p - royalty_of(p));
        assert_eq!(l.credit(receiver), royalty_of(p));
        l.assert_market_solvent(&[payee, receiver, bob, carol]);

        for a in [payee, receiver] {
            l.mode(a, Mode::Accept);
            l.exec(a, market, &withdraw_eth(), U256::ZERO)
                .expect("withdraw");
        }
        assert_eq!(l.received(payee), p - royalty_of(p));
        assert_eq!(l.received(receiver), royalty_of(p));
        assert_eq!(l.balance(market), U256::ZERO);
    });
}

/// A buyer whose refund bounces still gets its lease; the change is
/// credited to it.
#[test]
fn market_refund_to_reverting_buyer_is_credited() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (alice, market) = (l.alice, l.market);
        let offer = l.offer_nft3(alice);
        l.mode(a, Mode::Revert);
        let buy = LicenseMarket::buyLeaseCall {
            offerId: offer,
            duration: 3600,
            maxPrice: U256::MAX,
            version: 1,
        };
        l.exec(a, market, &buy, price(3600) + eth(2))
            .expect("buyLease");
        assert_eq!(l.credit(a), eth(2));
        l.assert_market_solvent(&[a, alice, l.royalty]);
        l.mode(a, Mode::Accept);
        l.exec(a, market, &withdraw_eth(), U256::ZERO)
            .expect("withdraw");
        assert_eq!(l.received(a), eth(2));
        assert_eq!(l.balance(market), U256::ZERO);
    });
}

// ---------------------------------------------------------------------------
// Share vault
// ---------------------------------------------------------------------------

/// A shareholder that re-enters `claim`, then `transfer`, from its ETH hook
/// gets exactly its pro-rata revenue; the other holders' claims are intact
/// and the vault stays solvent.
#[test]
fn vault_claim_reentry_gains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (alice, bob, carol, dave, vault) = (l.alice, l.bob, l.carol, l.dave, l.vault);
        // alice sells 300 of her 600 shares to the attacker (the 1 ETH already
        // in the vault stays with alice and dave).
        l.give_shares(alice, vault, a, U256::from(300 * ETH));
        l.pay(bob, vault, eth(1));

        l.arm(a, Mode::Reenter, vault, &claim_eth());
        l.exec(a, vault, &claim_eth(), U256::ZERO).expect("claim");
        l.assert_refused_once(a);
        let third = eth(1) * U256::from(3) / U256::from(10);
        assert_pro_rata(l.received(a), third, 1, "attacker's first claim");

        // Second round: the hook tries to move the shares away mid-claim.
        l.pay(bob, vault, eth(1));
        let away = ShareVault::transferCall {
            to: carol,
            value: U256::from(300 * ETH),
        };
        l.arm(a, Mode::Reenter, vault, &away);
        l.exec(a, vault, &claim_eth(), U256::ZERO).expect("claim");
        let (_, successes, last) = l.reentry(a);
        assert_eq!(successes, U256::ZERO);
        assert_eq!(last, guard_refusal());
        assert_pro_rata(l.received(a), third * U256::from(2), 2, "attacker's claims");
        let shares = l.view(vault, &ShareVault::balanceOfCall { account: a });
        assert_eq!(shares, U256::from(300 * ETH), "shares did not move");
        assert_eq!(l.claimable_eth(vault, carol), U256::ZERO);

        // Honest holders: alice 0.6 + 2 × 0.3, dave 3 × 0.4.
        let alice_due = l.claimable_eth(vault, alice);
        let dave_due = l.claimable_eth(vault, dave);
        let alice_share = eth(6) / U256::from(10) + third * U256::from(2);
        assert_pro_rata(alice_due, alice_share, 3, "alice");
        assert_pro_rata(dave_due, eth(12) / U256::from(10), 3, "dave");
        assert!(l.balance(vault) >= alice_due + dave_due);
        // What stays is the accumulator's rounding dust (under 1 wei per
        // holder and deposit), never anyone's claim.
        l.claim_leaving_dust(vault, &[alice, dave], 9);
    });
}

/// A holder that refuses ETH cannot claim ETH, loses nothing, and blocks
/// nobody.
#[test]
fn vault_holder_refusing_eth_keeps_its_claim() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (alice, bob, dave, vault) = (l.alice, l.bob, l.dave, l.vault);
        l.give_shares(alice, vault, a, U256::from(300 * ETH));
        l.pay(bob, vault, eth(1));
        let due = l.claimable_eth(vault, a);
        assert_pro_rata(due, eth(3) / U256::from(10), 1, "attacker");
        for (mode, code) in [(Mode::Revert, "revert"), (Mode::BurnGas, "burn")] {
            l.mode(a, mode);
            let refused = must_revert(l.exec(a, vault, &claim_eth(), U256::ZERO));
            assert_eq!(
                refused.decode::<VaultE>(),
                VaultE::VaultEthTransferFailed(ShareVault::VaultEthTransferFailed {
                    to: a,
                    amount: due
                }),
                "{code}"
            );
            assert_eq!(l.claimable_eth(vault, a), due, "{code}: claim kept");
        }
        for h in [alice, dave] {
            l.ok(h, vault, &claim_eth());
        }
        l.mode(a, Mode::Accept);
        l.exec(a, vault, &claim_eth(), U256::ZERO).expect("claim");
        assert_eq!(l.received(a), due);
        assert!(
            l.balance(vault) <= U256::from(3),
            "dust {}",
            l.balance(vault)
        );
    });
}

/// An attacker holding every share redeems the vaulted NFT and re-enters
/// `redeem` from `onERC721Received`: refused; it gets the token once, and
/// the revenue the former holders earned stays theirs.
#[test]
fn erc721_hook_reentering_redeem_gains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (alice, dave, nft, vault) = (l.alice, l.dave, l.nft, l.vault);
        for (h, shares) in [(alice, VAULT_SHARES[0]), (dave, VAULT_SHARES[1])] {
            l.give_shares(h, vault, a, U256::from(shares));
        }
        l.arm(a, Mode::Reenter, vault, &ShareVault::redeemCall {});
        l.exec(a, vault, &ShareVault::redeemCall {}, U256::ZERO)
            .expect("redeem");
        l.assert_refused_once(a);
        let owner = l.view(
            nft,
            &IpCollection::ownerOfCall {
                tokenId: U256::from(2),
            },
        );
        assert_eq!(owner, a);
        assert_eq!(l.view(vault, &ShareVault::statusCall {}), 3, "redeemed");
        // The 1 ETH earned before stays with alice (60 %) and dave (40 %).
        let (alice_due, dave_due) = (l.claimable_eth(vault, alice), l.claimable_eth(vault, dave));
        assert_pro_rata(alice_due, eth(6) / U256::from(10), 1, "alice");
        assert_pro_rata(dave_due, eth(4) / U256::from(10), 1, "dave");
        assert_eq!(l.claimable_eth(vault, a), U256::ZERO);
        l.claim_leaving_dust(vault, &[alice, dave], 2);
    });
}

/// A receiver that re-enters the editions contract from
/// `onERC1155Received` / `onERC1155BatchReceived` (moving the units it is
/// being minted) is refused; the mint lands once.
#[test]
fn erc1155_hook_reentering_editions_gains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (admin, carol, editions) = (l.admin(), l.carol, l.editions);
        let steal = IpEditions::safeTransferFromCall {
            from: a,
            to: carol,
            id: U256::from(1),
            value: U256::from(5),
            data: Bytes::new(),
        };
        l.arm(a, Mode::Reenter, editions, &steal);
        let mint = IpEditions::mintCall {
            to: a,
            id: U256::from(1),
            amount: U256::from(5),
            data: Bytes::new(),
        };
        l.ok(admin, editions, &mint);
        l.assert_refused_once(a);

        l.arm(a, Mode::Reenter, editions, &steal);
        let batch = IpEditions::mintBatchCall {
            to: a,
            ids: vec![U256::from(1), U256::from(1)],
            amounts: vec![U256::from(2), U256::from(3)],
            data: Bytes::new(),
        };
        l.ok(admin, editions, &batch);
        let (attempts, successes, _) = l.reentry(a);
        assert_eq!((attempts, successes), (U256::from(1), U256::ZERO));

        let balance = |l: &mut Lab, who| {
            l.view(
                editions,
                &IpEditions::balanceOfCall {
                    account: who,
                    id: U256::from(1),
                },
            )
        };
        assert_eq!(balance(&mut l, a), U256::from(10));
        assert_eq!(balance(&mut l, carol), U256::ZERO);
        let supply = l.view(editions, &IpEditions::totalSupplyCall { id: U256::from(1) });
        assert_eq!(supply, U256::from(20));
    });
}

/// An attacker holding every share of a vault of ERC-1155 units redeems
/// them and re-enters the vault (`claim`) from `onERC1155Received`:
/// refused; the units arrive once and the revenue earned before stays with
/// the former holders.
#[test]
fn erc1155_hook_reentering_the_vault_on_redeem_gains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let (alice, bob, dave, editions, factory) =
            (l.alice, l.bob, l.dave, l.editions, l.vault_factory);
        let approve = IpEditions::setApprovalForAllCall {
            operator: factory,
            approved: true,
        };
        l.ok(alice, editions, &approve);
        let units = U256::from(5);
        let call = fractionalize(
            editions,
            U256::from(1),
            units,
            alice,
            dave,
            B256::repeat_byte(2),
        );
        let vault = l.ok(alice, factory, &call);
        l.pay(bob, vault, eth(1));
        for (h, shares) in [(alice, VAULT_SHARES[0]), (dave, VAULT_SHARES[1])] {
            l.give_shares(h, vault, a, U256::from(shares));
        }
        l.arm(a, Mode::Reenter, vault, &claim_eth());
        l.exec(a, vault, &ShareVault::redeemCall {}, U256::ZERO)
            .expect("redeem");
        l.assert_refused_once(a);
        let held = l.view(
            editions,
            &IpEditions::balanceOfCall {
                account: a,
                id: U256::from(1),
            },
        );
        assert_eq!(held, units);
        assert_eq!(l.received(a), U256::ZERO);
        let (alice_due, dave_due) = (l.claimable_eth(vault, alice), l.claimable_eth(vault, dave));
        assert_pro_rata(alice_due, eth(6) / U256::from(10), 1, "alice");
        assert_pro_rata(dave_due, eth(4) / U256::from(10), 1, "dave");
        assert!(l.balance(vault) >= alice_due + dave_due);
    });
}

// ---------------------------------------------------------------------------
// Splits
// ---------------------------------------------------------------------------

/// A split with the attacker and alice (50 % each), funded with 1 ETH.
fn split_with(l: &mut Lab, a: Address) -> Address {
    let (admin, alice, dave, factory) = (l.admin(), l.alice, l.dave, l.split_factory);
    let mut recipients = vec![a, alice];
    recipients.sort();
    let call = SplitFactory::createSplitCall {
        recipients,
        allocations: vec![500_000, 500_000],
        controller: Address::ZERO,
        dustRecipient: alice,
        salt: B256::repeat_byte(0xa7),
    };
    let split = l.ok(admin, factory, &call);
    l.pay(dave, split, eth(1));
    split
}

fn split_withdraw(recipient: Address) -> Split::withdrawCall {
    Split::withdrawCall {
        recipient,
        tokens: vec![Address::ZERO],
    }
}

/// A split recipient that re-enters `withdraw` when paid gets its share
/// once; alice's share is intact.
#[test]
fn split_withdraw_reentry_gains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let split = split_with(&mut l, a);
        let (alice, carol, dave) = (l.alice, l.carol, l.dave);
        l.arm(a, Mode::Reenter, split, &split_withdraw(a));
        l.ok(carol, split, &split_withdraw(a));
        l.assert_refused_once(a);
        let half = eth(1) / U256::from(2);
        assert_eq!(l.received(a), half);
        assert_eq!(l.split_claimable(split, a), U256::ZERO);

        l.pay(dave, split, eth(1));
        assert_eq!(l.split_claimable(split, a), half);
        assert_eq!(l.split_claimable(split, alice), eth(1));
        assert_eq!(
            l.balance(split),
            l.split_claimable(split, a) + l.split_claimable(split, alice)
        );
    });
}

/// A recipient that burns all its gas (or reverts) cannot withdraw, keeps
/// its claim, and blocks nobody.
#[test]
fn split_gas_burning_recipient_blocks_nobody() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let a = l.attacker();
        let split = split_with(&mut l, a);
        let (alice, carol) = (l.alice, l.carol);
        let half = eth(1) / U256::from(2);
        for mode in [Mode::BurnGas, Mode::Revert] {
            l.mode(a, mode);
            let refused = must_revert(l.h.send(carol, split, &split_withdraw(a), U256::ZERO));
            assert_eq!(
                refused.decode::<SplitE>(),
                SplitE::SplitEthTransferFailed(Split::SplitEthTransferFailed {
                    recipient: a,
                    amount: half,
                }),
                "{mode:?}"
            );
            assert_eq!(l.split_claimable(split, a), half, "{mode:?}: claim kept");
        }
        let before = l.balance(alice);
        l.ok(carol, split, &split_withdraw(alice));
        assert_eq!(l.balance(alice) - before, half);
        l.mode(a, Mode::Accept);
        l.ok(carol, split, &split_withdraw(a));
        assert_eq!(l.received(a), half);
        assert_eq!(l.balance(split), U256::ZERO);
    });
}

// ---------------------------------------------------------------------------
// Fake collections
// ---------------------------------------------------------------------------

/// A fake collection listed on the market lies about ownership and
/// royalties, answers garbage, refuses or re-enters `setUser`: buyers pay
/// exactly the price, royalties never exceed it, the market keeps exactly
/// its (honest) credits, and an honest payee's credit is withdrawable
/// throughout.
#[test]
fn fake_collection_on_the_market_drains_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        // An honest pending credit: a payee that refused a sale's payment.
        let honest = l.attacker();
        let offer = l.offer_nft3(honest);
        l.mode(honest, Mode::Revert);
        let (bob, carol, dave, market) = (l.bob, l.carol, l.dave, l.market);
        l.buy(bob, offer, 3600);
        let p = price(3600);
        let honest_credit = p - royalty_of(p);
        assert_eq!(l.credit(honest), honest_credit);

        let fake = l.fake_collection();
        l.ok(
            carol,
            fake,
            &IFakeCollection::setOwnerCall {
                o: carol,
                dirty: false,
            },
        );
        let listing = LicenseMarket::createOfferCall {
            collection: fake,
            tokenId: U256::from(1),
            amount: 0,
            terms: terms(carol, 1),
        };
        let fake_offer = l.ok(carol, market, &listing);
        let everyone = [honest, bob, carol, dave, l.alice, l.royalty, fake, market];

        // (royalty behaviour, receiver, multiplier) -> (royalty paid to dave, payee share)
        let cases = [
            (FakeRoyalty::Quote, dave, 10u64, p, U256::ZERO),
            (FakeRoyalty::Quote, market, 1, U256::ZERO, p),
            (FakeRoyalty::Short, dave, 1, U256::ZERO, p),
            (FakeRoyalty::DirtyAddress, dave, 1, U256::ZERO, p),
            (FakeRoyalty::Reverts, dave, 1, U256::ZERO, p),
        ];
        for (mode, receiver, times, to_dave, to_carol) in cases {
            let set = IFakeCollection::setRoyaltyCall {
                m: mode as u8,
                receiver,
                times: U256::from(times),
            };
            l.ok(carol, fake, &set);
            l.h.node.warp(3601);
            let (bob0, carol0, dave0) = (l.balance(bob), l.balance(carol), l.balance(dave));
            l.buy(bob, fake_offer, 3600);
            assert_eq!(bob0 - l.balance(bob), p, "{mode:?}: buyer pays the price");
            assert_eq!(l.balance(dave) - dave0, to_dave, "{mode:?}: royalty");
            assert_eq!(l.balance(carol) - carol0, to_carol, "{mode:?}: payee");
            l.assert_market_solvent(&everyone);
            assert_eq!(l.credit(honest), honest_credit);
        }

        // setUser re-enters the market (withdraw): refused by the guard.
        l.ok(
            carol,
            fake,
            &IFakeCollection::setReenterCall {
                t: market,
                p: withdraw_eth().abi_encode().into(),
            },
        );
        l.h.node.warp(3601);
        l.buy(bob, fake_offer, 3600);
        assert!(!l.view(fake, &IFakeCollection::reenteredCall {}));
        assert_eq!(
            l.view(fake, &IFakeCollection::reenterReturnCall {}),
            guard_refusal()
        );
        l.assert_market_solvent(&everyone);

        // setUser refuses: the sale reverts, the buyer keeps its money.
        l.ok(
            carol,
            fake,
            &IFakeCollection::setSetUserRevertsCall { r: true },
        );
        l.h.node.warp(3601);
        let before = l.h.fingerprint();
        let call = LicenseMarket::buyLeaseCall {
            offerId: fake_offer,
            duration: 3600,
            maxPrice: U256::MAX,
            version: 1,
        };
        let refused = must_revert(l.h.send(bob, market, &call, p));
        assert_eq!(
            refused.decode::<MarketE>(),
            MarketE::LicenseMarketLeaseRejected(LicenseMarket::LicenseMarketLeaseRejected {
                collection: fake,
                tokenId: U256::from(1),
            })
        );
        assert!(before.diff(&l.h.fingerprint(), &[bob]).is_empty());

        // ownerOf answers a dirty word: the lessor is no owner.
        l.ok(
            carol,
            fake,
            &IFakeCollection::setSetUserRevertsCall { r: false },
        );
        l.ok(
            carol,
            fake,
            &IFakeCollection::setOwnerCall {
                o: carol,
                dirty: true,
            },
        );
        let refused = must_revert(l.h.send(bob, market, &call, p));
        assert_eq!(
            refused.decode::<MarketE>(),
            MarketE::LicenseMarketLessorNotOwner(LicenseMarket::LicenseMarketLessorNotOwner {
                collection: fake,
                tokenId: U256::from(1),
                lessor: carol,
            })
        );

        // The honest credit was there all along and is withdrawable.
        l.mode(honest, Mode::Accept);
        l.exec(honest, market, &withdraw_eth(), U256::ZERO)
            .expect("withdraw");
        assert_eq!(l.received(honest), honest_credit);
        assert_eq!(l.balance(market), U256::ZERO);
    });
}

/// A fake asset offered to the vault factory: without the receiver hook
/// nothing is created; it cannot activate someone else's vault; its
/// re-entry into the factory is refused; with the hook it gets a vault of
/// a worthless asset (the factory does not vouch for assets) and nothing
/// else — the honest vault is untouched.
#[test]
fn fake_collection_on_the_vault_factory_takes_nothing() {
    big_stack("attacker", || {
        let mut l = Lab::new();
        let fake = l.fake_collection();
        let (carol, dave, factory, vault) = (l.carol, l.dave, l.vault_factory, l.vault);
        l.ok(
            carol,
            fake,
            &IFakeCollection::setOwnerCall {
                o: carol,
                dirty: false,
            },
        );
        let call = fractionalize(fake, U256::from(7), U256::ZERO, carol, dave, B256::ZERO);
        let predicted = l.view(
            factory,
            &VaultFactory::predictVaultCall {
                creator: carol,
                salt: B256::ZERO,
            },
        );

        // 1. The fake moves nothing: VaultFactoryAssetNotReceived, no vault.
        let before = l.h.fingerprint();
        let refused = must_revert(l.h.send(carol, factory, &call, U256::ZERO));
        assert_eq!(
            refused.decode::<VaultFactory::VaultFactoryErrors>(),
            VaultFactory::VaultFactoryErrors::VaultFactoryAssetNotReceived(
                VaultFactory::VaultFactoryAssetNotReceived { vault: predicted }
            )
        );
        assert!(before.diff(&l.h.fingerprint(), &[carol]).is_empty());

        // 2. It calls the honest vault's hook instead: refused, verbatim.
        l.ok(
            carol,
            fake,
            &IFakeCollection::setHookCall {
                call: true,
                target: vault,
            },
        );
        let before = l.h.fingerprint();
        let refused = must_revert(l.h.send(carol, factory, &call, U256::ZERO));
        assert_eq!(
            refused.decode::<VaultE>(),
            VaultE::VaultUnexpectedAsset(ShareVault::VaultUnexpectedAsset {
                asset: fake,
                id: U256::from(7),
            })
        );
        assert!(before.diff(&l.h.fingerprint(), &[carol]).is_empty());

        // 3. It re-enters the factory from safeTransferFrom (a second
        //    fractionalisation) and then calls the new vault's hook.
        l.ok(
            carol,
            fake,
            &IFakeCollection::setHookCall {
                call: true,
                target: Address::ZERO,
            },
        );
        let nested = fractionalize(fake, U256::from(8), U256::ZERO, carol, dave, B256::ZERO);
        l.ok(
            carol,
            fake,
            &IFakeCollection::setReenterCall {
                t: factory,
                p: nested.abi_encode().into(),
            },
        );
        let fake_vault = l.ok(carol, factory, &call);
        assert_eq!(fake_vault, predicted);
        assert!(!l.view(fake, &IFakeCollection::reenteredCall {}));
        assert_eq!(
            l.view(fake, &IFakeCollection::reenterReturnCall {}),
            guard_refusal()
        );
        // A vault of the fake asset, and only one.
        assert!(l.view(
            factory,
            &VaultFactory::isVaultCall {
                account: fake_vault
            }
        ));
        let asset = l.view(fake_vault, &ShareVault::assetCall {});
        assert_eq!((asset._0, asset._1), (fake, U256::from(7)));
        // The honest vault is untouched: its holders' revenue and status.
        assert_eq!(l.view(vault, &ShareVault::statusCall {}), 2);
        let alice = l.alice;
        let (alice_due, dave_due) = (l.claimable_eth(vault, alice), l.claimable_eth(vault, dave));
        assert_pro_rata(alice_due, eth(6) / U256::from(10), 1, "alice");
        assert_pro_rata(dave_due, eth(4) / U256::from(10), 1, "dave");
        assert_eq!(l.balance(vault), eth(1));
        assert_eq!(l.balance(fake_vault), U256::ZERO);
    });
}

/// The attackers compile and deploy (a smoke test of the solc-js path).
#[test]
fn attacker_contracts_compile_with_solc_js() {
    for name in ["Attacker", "FakeCollection"] {
        assert!(!bytecode(name).is_empty(), "{name}");
    }
}

/// Flash-swap capital against a real buyout: the suite's `share-buyout`,
/// a vault of 1,000 shares (proposer 400, holder 300, liquidity provider
/// 300, of which 200 with 2 ETH in a registered Uniswap V2 share/WETH pool
/// at 0.01 ETH a share) and `FlashBuyoutAttacker`
/// (`tests/sol/Attackers.sol`) wired to the pair.
///
/// **Conclusion.** A flash swap only buys what any trader with capital could
/// buy: the attacker moves shares between the pool and the buyout at the
/// buyout's fixed price when that beats the AMM's price, paying the AMM its
/// price plus fee for the capital (exactly Uniswap's least input), and keeps
/// the difference. That is arbitrage at market prices, and the shares stay
/// where they were sold: a sale into the buyout is final (buying them back
/// costs the buyout's price, more than the pool pays for them, so the
/// transaction reverts), and a purchase from the buyout removes them from
/// its pool for good. A generous offer therefore pulls shares from the AMM
/// into its pool (and may carry the vote with shares that were really sold),
/// a lowball offer gets its pool drained into the AMM (and fails). What a
/// flash loan cannot do is decide or take anything: `end` reverts until the
/// rejection period is over, and from that second on neither selling nor
/// buying is open, so no borrowed balance can be present when the outcome
/// is read; the asset goes to the proposer or stays in the vault, never to
/// the attacker (`claimAsset` releases to the proposer only).
mod flash_buyout {
    use alloy_primitives::{aliases::U96, Address, B256, U256};
    use alloy_sol_types::{SolCall, SolEventInterface, SolValue};
    use stylus_ip_deploy::uniswap::bindings::{
        IUniswapV2Factory, IUniswapV2Pair, IUniswapV2Router02, IWETH9,
    };
    use stylus_ip_deploy::uniswap::{get_amount_in, NO_DEADLINE};
    use stylus_ip_tests::sol::bytecode;
    use stylus_ip_tests::suite::abi::{
        IShareBuyout, IpCollection, ShareBuyout, ShareVault, VaultFactory,
    };
    use stylus_ip_tests::suite::{Event, Sent, Suite};
    use stylus_ip_tests::uniswap::FlashBuyoutAttacker;
    use stylus_ip_tests::{big_stack, Revert, ETH};
    use ShareBuyout::{ShareBuyoutErrors as BE, ShareBuyoutEvents as Bev};

    /// `n` whole shares (18 decimals).
    fn shares(n: u128) -> U256 {
        U256::from(n * ETH)
    }

    /// `n / d` ETH in wei.
    fn eth(n: u128, d: u128) -> U256 {
        U256::from(n * ETH / d)
    }

    const DAY: u64 = 86_400;

    struct Lab {
        s: Suite,
        vault: Address,
        pair: Address,
        attacker: Address,
        /// Calls the attacker contract (and anything else it tries).
        caller: Address,
        proposer: Address,
        holder: Address,
    }

    impl Lab {
        fn new() -> Self {
            let mut s = Suite::fresh();
            let (admin, proposer, holder, lp, caller) =
                (s.admin(), s.actor(0), s.actor(1), s.actor(2), s.actor(3));
            let (collection, factory, amm) = (s.collection, s.vault_factory, s.amm);
            let mint = IpCollection::mintCall {
                to: proposer,
                uri: String::new(),
                royaltyReceiver: Address::ZERO,
                royaltyBps: U96::ZERO,
            };
            s.ok(admin, collection, &mint, U256::ZERO);
            let frac = VaultFactory::fractionalizeCall {
                asset: collection,
                id: U256::from(1),
                units: U256::ZERO,
                name: "Flash".into(),
                symbol: "FL".into(),
                holders: vec![proposer, holder, lp],
                amounts: vec![shares(400), shares(300), shares(300)],
                curator: Address::ZERO,
                revenueTokens: vec![],
                maxLeaseDuration: DAY,
                salt: B256::ZERO,
            };
            let vault = s.ok(proposer, factory, &frac, U256::ZERO).ret;
            s.vaults.insert(vault);
            let create = IUniswapV2Factory::createPairCall {
                tokenA: vault,
                tokenB: amm.weth,
            };
            let pair = s.ok(lp, amm.factory, &create, U256::ZERO).ret;
            s.ok(
                lp,
                vault,
                &ShareVault::registerPoolCall { pair },
                U256::ZERO,
            );
            let approve = ShareVault::approveCall {
                spender: amm.router,
                value: shares(200),
            };
            s.ok(lp, vault, &approve, U256::ZERO);
            let add = IUniswapV2Router02::addLiquidityETHCall {
                token: vault,
                amountTokenDesired: shares(200),
                amountTokenMin: shares(200),
                amountETHMin: eth(2, 1),
                to: lp,
                deadline: NO_DEADLINE,
            };
            s.ok(lp, amm.router, &add, eth(2, 1));
            let mut code = bytecode("FlashBuyoutAttacker");
            code.extend((s.buyout, vault, pair, amm.weth).abi_encode_params());
            let attacker = s.create(caller, B256::repeat_byte(0xF1), code);
            Self {
                s,
                vault,
                pair,
                attacker,
                caller,
                proposer,
                holder,
            }
        }

        /// The pair's reserves as (shares, WETH).
        fn reserves(&mut self) -> (U256, U256) {
            let r = self.s.view(self.pair, &IUniswapV2Pair::getReservesCall {});
            let (r0, r1) = (U256::from(r.reserve0), U256::from(r.reserve1));
            let t0 = self.s.view(self.pair, &IUniswapV2Pair::token0Call {});
            if t0 == self.vault {
                (r0, r1)
            } else {
                (r1, r0)
            }
        }

        fn shares_of(&mut self, account: Address) -> U256 {
            let vault = self.vault;
            self.s.view(vault, &ShareVault::balanceOfCall { account })
        }

        fn weth_of(&mut self, account: Address) -> U256 {
            let weth = self.s.amm.weth;
            self.s.view(weth, &IWETH9::balanceOfCall { owner: account })
        }

        fn record(&mut self) -> [U256; 6] {
            let a = self.attacker;
            let s = &mut self.s;
            [
                s.view(a, &FlashBuyoutAttacker::borrowedCall {}),
                s.view(a, &FlashBuyoutAttacker::repaidCall {}),
                s.view(a, &FlashBuyoutAttacker::ethReceivedCall {}),
                s.view(a, &FlashBuyoutAttacker::ethSpentCall {}),
                s.view(a, &FlashBuyoutAttacker::sharesReceivedCall {}),
                s.view(a, &FlashBuyoutAttacker::leftoverCall {}),
            ]
        }

        fn buyout_of(&mut self) -> IShareBuyout::BuyoutView {
            let (buyout, vault) = (self.s.buyout, self.vault);
            self.s.view(buyout, &ShareBuyout::buyoutOfCall { vault })
        }

        /// `by` approves the buyout for `amount` shares and calls `call` on it.
        fn approve_and_call<C: SolCall>(
            &mut self,
            by: Address,
            amount: U256,
            call: &C,
            value: U256,
        ) -> Sent<C::Return> {
            let (buyout, vault) = (self.s.buyout, self.vault);
            let approve = ShareVault::approveCall {
                spender: buyout,
                value: amount,
            };
            self.s.ok(by, vault, &approve, U256::ZERO);
            self.s.ok(by, buyout, call, value)
        }

        /// The caller sends `call` to `to`; it must revert (changing nothing,
        /// as `Suite::send_raw` checks).
        fn refused<C: SolCall>(&mut self, to: Address, call: &C) -> Revert {
            let caller = self.caller;
            match self.s.send(caller, to, call, U256::ZERO) {
                Ok(_) => panic!("{} succeeded", C::SIGNATURE),
                Err(r) => r,
            }
        }

        /// The buyout's events among `events`.
        fn buyout_events(&self, events: &[Event]) -> Vec<Bev> {
            events
                .iter()
                .filter_map(|e| match e {
                    Event::Other(log) if log.address == self.s.buyout => Some(
                        Bev::decode_raw_log(log.topics(), &log.data.data).expect("a buyout event"),
                    ),
                    _ => None,
                })
                .collect()
        }

        fn owner_of_token(&mut self) -> Address {
            let collection = self.s.collection;
            self.s.view(
                collection,
                &IpCollection::ownerOfCall {
                    tokenId: U256::from(1),
                },
            )
        }
    }

    /// (a) A generous offer (0.02 ETH a share, twice the pool's price): the
    /// attacker flash-borrows 40 shares from the pair, sells them into the
    /// buyout during the proposal period and repays the pair in WETH; (b) a
    /// lowball offer (0.005 ETH a share, half the pool's price): it
    /// flash-borrows WETH, buys 100 shares from the buyout's pool during
    /// the rejection period and repays the pair in shares. Exact amounts
    /// throughout; then the limits of the trick and the outcomes after the
    /// warp and `end` (see the module docs for the conclusion).
    #[test]
    fn flash_swaps_arbitrage_a_buyout_but_cannot_decide_it() {
        big_stack("flash buyout", || {
            generous_offer_pulls_pool_shares_into_the_buyout();
            lowball_offer_gets_its_pool_drained_into_the_amm();
        });
    }

    fn generous_offer_pulls_pool_shares_into_the_buyout() {
        let mut l = Lab::new();
        let (vault, attacker, buyout) = (l.vault, l.attacker, l.s.buyout);
        let (proposer, holder, caller) = (l.proposer, l.holder, l.caller);
        let start = l.s.timestamp();
        // 400 shares in, 12 ETH for the other 600: 0.02 ETH a share.
        let propose = ShareBuyout::proposeCall {
            vault,
            shares: shares(400),
        };
        l.approve_and_call(proposer, shares(400), &propose, eth(12, 1));
        let (r_shares, r_weth) = l.reserves();
        assert_eq!((r_shares, r_weth), (shares(200), eth(2, 1)));

        // The attacker borrows 40 shares, sells them at 0.02 and repays
        // Uniswap's least input in WETH.
        let owed = get_amount_in(shares(40), r_weth, r_shares);
        assert_eq!(owed, U256::from(501_504_513_540_621_866u128));
        let attack = FlashBuyoutAttacker::attackSellCall {
            shares: shares(40),
            pullEth: false,
        };
        let sent = l.s.ok(caller, attacker, &attack, U256::ZERO);
        let paid = eth(8, 10);
        assert_eq!(
            l.buyout_events(&sent.events),
            vec![Bev::SharesSold(ShareBuyout::SharesSold {
                vault,
                seller: attacker,
                amount: shares(40),
                value: paid,
            })]
        );
        assert_eq!(
            l.record(),
            [shares(40), owed, paid, U256::ZERO, U256::ZERO, paid - owed]
        );
        // Its profit, in WETH: what the buyout pays over what the pool asks.
        assert_eq!(l.weth_of(attacker), U256::from(298_495_486_459_378_134u128));
        assert_eq!(l.s.balance(attacker), U256::ZERO);
        assert_eq!(l.shares_of(attacker), U256::ZERO);
        // The shares left the pool for good: the pool took its price in WETH.
        assert_eq!(l.reserves(), (shares(160), eth(2, 1) + owed));
        assert_eq!(l.shares_of(l.pair), shares(160));
        assert_eq!(l.shares_of(buyout), shares(440));
        assert_eq!(l.buyout_of().ethHeld, eth(12, 1) - paid);

        // Nothing can be decided in that transaction, or any other before
        // the rejection period is over.
        let end = ShareBuyout::endCall { vault };
        let refused = l.refused(buyout, &end);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutRejectionPeriodOpen(ShareBuyout::BuyoutRejectionPeriodOpen {
                time: start,
                rejectionEnd: start + 4 * DAY,
            })
        );
        // The holder accepts too: 540 of 1,000 shares in the pool.
        let sell = ShareBuyout::sellSharesCall {
            vault,
            amount: shares(100),
        };
        l.approve_and_call(holder, shares(100), &sell, U256::ZERO);

        // In the rejection period the sale cannot be undone with borrowed
        // WETH: the 40 shares cost 0.8 ETH at the buyout's price, and the
        // pool wants about 75 shares for 0.8 WETH.
        l.s.warp(2 * DAY);
        let (r_shares, r_weth) = l.reserves();
        let buy_back = FlashBuyoutAttacker::attackBuyCall {
            wethOut: paid,
            shares: shares(40),
        };
        let refused = l.refused(attacker, &buy_back);
        assert_eq!(
            refused.decode::<ShareVault::ShareVaultErrors>(),
            ShareVault::ShareVaultErrors::ERC20InsufficientBalance(
                ShareVault::ERC20InsufficientBalance {
                    sender: attacker,
                    balance: shares(40),
                    needed: get_amount_in(paid, r_shares, r_weth),
                }
            )
        );
        assert_eq!(
            get_amount_in(paid, r_shares, r_weth),
            U256::from(75_453_902_381_513_793_899u128)
        );
        // Selling has closed.
        let refused = l.refused(attacker, &attack);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutProposalPeriodOver(ShareBuyout::BuyoutProposalPeriodOver {
                time: start + 2 * DAY,
                proposalEnd: start + 2 * DAY,
            })
        );
        l.s.warp(2 * DAY - 1);
        let refused = l.refused(buyout, &end);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutRejectionPeriodOpen(ShareBuyout::BuyoutRejectionPeriodOpen {
                time: start + 4 * DAY - 1,
                rejectionEnd: start + 4 * DAY,
            })
        );

        // From the second `end` opens, no trade is: borrowed shares can
        // neither join nor leave the pool when the outcome is read.
        l.s.warp(1);
        let refused = l.refused(attacker, &attack);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutProposalPeriodOver(ShareBuyout::BuyoutProposalPeriodOver {
                time: start + 4 * DAY,
                proposalEnd: start + 2 * DAY,
            })
        );
        let small_buy = FlashBuyoutAttacker::attackBuyCall {
            wethOut: eth(2, 100),
            shares: shares(1),
        };
        let refused = l.refused(attacker, &small_buy);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutRejectionPeriodOver(ShareBuyout::BuyoutRejectionPeriodOver {
                time: start + 4 * DAY,
                rejectionEnd: start + 4 * DAY,
            })
        );
        let pool_before = l.reserves();

        // The attacker ends it (anyone may): success with the shares where
        // they were sold, the asset to the proposer.
        let sent = l.s.ok(caller, buyout, &end, U256::ZERO);
        let held = eth(12, 1) - paid - eth(2, 1);
        assert_eq!(
            l.buyout_events(&sent.events),
            vec![Bev::BuyoutEnded(ShareBuyout::BuyoutEnded {
                vault,
                proposer,
                success: true,
                poolShares: shares(540),
                totalSupply: shares(1_000),
                eth: held,
                assetReleased: true,
            })]
        );
        assert_eq!(l.owner_of_token(), proposer);
        assert_eq!(l.reserves(), pool_before);
        assert_eq!(l.shares_of(buyout), shares(540));
        assert_eq!(l.shares_of(attacker), U256::ZERO);
        // Nothing left to claim, and nothing the attacker could take.
        let claim = ShareBuyout::claimAssetCall { vault };
        let refused = l.refused(buyout, &claim);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutNothingToClaim(ShareBuyout::BuyoutNothingToClaim { vault })
        );
        let credit =
            l.s.view(buyout, &ShareBuyout::creditCall { account: attacker });
        assert_eq!(credit, U256::ZERO);
        // The 460 shares outside (160 in the pool) cash out at 9.2 / 460 =
        // 0.02 ETH a share: the holder's 200 get 4 ETH.
        let view = l.buyout_of();
        assert_eq!(
            (view.cashNumerator, view.cashDenominator, view.outstanding),
            (held, shares(460), shares(460))
        );
        let before = l.s.balance(holder);
        let cash = ShareBuyout::cashCall {
            vault,
            amount: shares(200),
        };
        l.approve_and_call(holder, shares(200), &cash, U256::ZERO);
        assert_eq!(l.s.balance(holder) - before, eth(4, 1));
    }

    fn lowball_offer_gets_its_pool_drained_into_the_amm() {
        let mut l = Lab::new();
        let (vault, attacker, buyout) = (l.vault, l.attacker, l.s.buyout);
        let (proposer, caller) = (l.proposer, l.caller);
        let start = l.s.timestamp();
        // 400 shares in, 3 ETH for the other 600: 0.005 ETH a share.
        let propose = ShareBuyout::proposeCall {
            vault,
            shares: shares(400),
        };
        l.approve_and_call(proposer, shares(400), &propose, eth(3, 1));
        // Into the rejection period (selling closed).
        l.s.warp(2 * DAY);
        let (r_shares, r_weth) = l.reserves();

        // The attacker borrows exactly the price of 100 shares in WETH, buys
        // them from the pool and repays Uniswap's least input in shares.
        let cost = eth(1, 2);
        let owed = get_amount_in(cost, r_shares, r_weth);
        assert_eq!(owed, U256::from(66_867_268_472_082_915_413u128));
        let attack = FlashBuyoutAttacker::attackBuyCall {
            wethOut: cost,
            shares: shares(100),
        };
        let sent = l.s.ok(caller, attacker, &attack, U256::ZERO);
        assert_eq!(
            l.buyout_events(&sent.events),
            vec![Bev::SharesBought(ShareBuyout::SharesBought {
                vault,
                buyer: attacker,
                amount: shares(100),
                value: cost,
            })]
        );
        assert_eq!(
            l.record(),
            [
                cost,
                owed,
                U256::ZERO,
                cost,
                shares(100),
                shares(100) - owed
            ]
        );
        // Its profit, in shares it now holds.
        assert_eq!(
            l.shares_of(attacker),
            U256::from(33_132_731_527_917_084_587u128)
        );
        assert_eq!(l.s.balance(attacker), U256::ZERO);
        assert_eq!(l.weth_of(attacker), U256::ZERO);
        assert_eq!(l.reserves(), (shares(200) + owed, eth(3, 2)));
        assert_eq!(l.shares_of(buyout), shares(300));
        assert_eq!(l.buyout_of().ethHeld, eth(7, 2));

        // No decision before the rejection period is over; no trade from
        // the second it is.
        let end = ShareBuyout::endCall { vault };
        let refused = l.refused(buyout, &end);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutRejectionPeriodOpen(ShareBuyout::BuyoutRejectionPeriodOpen {
                time: start + 2 * DAY,
                rejectionEnd: start + 4 * DAY,
            })
        );
        l.s.warp(2 * DAY);
        let refused = l.refused(attacker, &attack);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutRejectionPeriodOver(ShareBuyout::BuyoutRejectionPeriodOver {
                time: start + 4 * DAY,
                rejectionEnd: start + 4 * DAY,
            })
        );

        // It fails with 300 of 1,000 shares: the pool goes back to the
        // proposer with the 3.5 ETH held; the asset stays in the vault.
        let sent = l.s.ok(caller, buyout, &end, U256::ZERO);
        assert_eq!(
            l.buyout_events(&sent.events),
            vec![
                Bev::Credited(ShareBuyout::Credited {
                    account: proposer,
                    vault,
                    amount: eth(7, 2),
                }),
                Bev::BuyoutEnded(ShareBuyout::BuyoutEnded {
                    vault,
                    proposer,
                    success: false,
                    poolShares: shares(300),
                    totalSupply: shares(1_000),
                    eth: eth(7, 2),
                    assetReleased: false,
                }),
            ]
        );
        assert_eq!(l.owner_of_token(), vault);
        assert_eq!(l.s.view(vault, &ShareVault::statusCall {}), 2);
        assert_eq!(l.shares_of(proposer), shares(300));
        assert_eq!(l.shares_of(buyout), U256::ZERO);
        let claim = ShareBuyout::claimAssetCall { vault };
        let refused = l.refused(buyout, &claim);
        assert_eq!(
            refused.decode::<BE>(),
            BE::BuyoutNotSucceeded(ShareBuyout::BuyoutNotSucceeded { vault, state: 3 })
        );
        let before = l.s.balance(proposer);
        l.s.ok(proposer, buyout, &ShareBuyout::withdrawCall {}, U256::ZERO);
        assert_eq!(l.s.balance(proposer) - before, eth(7, 2));
        // The attacker keeps the shares it bought, a holder like any other.
        assert_eq!(
            l.shares_of(attacker),
            U256::from(33_132_731_527_917_084_587u128)
        );
    }
}
