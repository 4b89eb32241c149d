//! Fractional shares, end to end: an ERC-721 asset (its EIP-2981 royalty
//! paid to the vault) fractionalised through the vault factory among random
//! holders; the curator lets the vault lease the asset on the licence market
//! with the vault as payee. Then random share transfers, approvals and
//! `transferFrom`s, ETH revenue (plain transfers to the proxy, and lease
//! payments whose royalty and payee share both go to the vault), claims,
//! redemption by a holder of every share, curator actions (allowed and
//! forbidden), fractionalisation attempts by non-owners and time warps.
//!
//! Two references: the per-share accumulator of the vault's specification
//! (`acc += ⌊fresh · 2¹²⁸ / supply⌋`, one signed correction per holder)
//! predicts every `claimable` and event exactly; an exact rational model of
//! each holder's entitlement (`Σ fresh · balance / supply` at every
//! accounting, direct credits to the redeemer after redemption) bounds it.
//!
//! Invariants checked after every step (issue 11 numbering):
//! 7. every holder's `claimable(ETH)` is the accumulator's; each holder's
//!    total (claimed + claimable) is at most its exact entitlement `E` and
//!    above `E − 1 − n · supply / 2¹²⁸` wei after `n` accountings;
//!    Σ claimed + Σ claimable ≤ Σ deposited with a shortfall of at most the
//!    number of holders in wei; the vault's balance is deposits − claims;
//! 8. `totalSupply` is the initial supply until redemption (0 after), the
//!    balances match the model, and the asset is owned by the vault until
//!    redeemed (by the redeemer after);
//! 9. ETH is conserved across all accounts and contracts (gas price 0);
//! 10. a call the model says is unauthorised or invalid (transfer beyond the
//!     balance or allowance, to the vault, claim with nothing due, redeem
//!     without every share or twice, `curatorCall`/`transferCurator` by a
//!     non-curator, a forbidden curator call on the asset, fractionalising
//!     an asset one does not own, a lease once the vault no longer holds
//!     the asset) reverts with the exact custom error and changes nothing;
//! 12. every successful transaction emits exactly the events predicted
//!     (`Transfer`, `Approval`, `RevenueAccrued`, `RevenueClaimed`,
//!     `Redeemed`, `CuratorTransferred`, the asset's `Transfer`/`UpdateUser`,
//!     the market's lease events), in order.

use alloy_primitives::{aliases::U96, Address, Bytes, B256, I256, U256};
use alloy_sol_types::SolCall;
use proptest::prelude::*;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_tests::suite::abi::{
    ILicenseMarket, IpCollection, LicenseMarket, ShareVault, VaultFactory,
};
use stylus_ip_tests::suite::{actor_address, nft_lease_events, Event, Expect, Sent, Suite};
use LicenseMarket::LicenseMarketErrors as M;
use ShareVault::{ShareVaultErrors as E, ShareVaultEvents as Ev};
use VaultFactory::VaultFactoryErrors as F;

/// Actors taking part (holders, buyers, depositors).
const N: usize = 4;
/// The creator who fractionalises token 1.
const CREATOR: usize = 0;
/// The curator.
const CURATOR: usize = 1;
/// Royalty of the vaulted token, to the vault (basis points).
const ROYALTY_BPS: u128 = 1_000;
/// Price per second of the vault's lease offer, wei.
const PRICE: u128 = 999_999_937;
/// The vaulted token.
const TOKEN: u64 = 1;
/// `2¹²⁸`, the accumulator's scale.
const SCALE_BITS: usize = 128;

/// One action.
#[derive(Debug, Clone)]
enum Action {
    Transfer {
        from: usize,
        to: usize,
        amount: u128,
    },
    /// A transfer to the vault itself (refused).
    TransferToVault {
        from: usize,
        amount: u128,
    },
    Approve {
        owner: usize,
        spender: usize,
        amount: u128,
    },
    TransferFrom {
        spender: usize,
        from: usize,
        to: usize,
        amount: u128,
    },
    Deposit {
        from: usize,
        wei: u128,
    },
    LeasePayment {
        buyer: usize,
        seconds: u64,
    },
    Claim {
        holder: usize,
    },
    Redeem {
        holder: usize,
    },
    /// `curatorCall` by `by`: the curator calling a forbidden selector on
    /// the asset, or anyone else.
    CuratorCall {
        by: usize,
    },
    TransferCurator {
        by: usize,
        to: usize,
    },
    /// `fractionalize` of the vaulted token by someone who does not own it.
    Refractionalize {
        by: usize,
    },
    Warp {
        seconds: u64,
    },
}

#[derive(Debug, Clone)]
struct Model {
    vault: Address,
    collection: Address,
    now: u64,
    /// Initial share supply.
    supply: u128,
    holders: Vec<(usize, u128)>,
    bal: [u128; N],
    allowance: [[u128; N]; N],
    curator: usize,
    redeemer: Option<usize>,
    // The accumulator of the specification.
    acc: U256,
    corr: [I256; N],
    accounted: u128,
    // What happened to the money.
    vault_eth: u128,
    deposited: u128,
    claimed: [u128; N],
    // Exact entitlements: numerators over `supply`, plus direct credits.
    earned: [U256; N],
    credit: [u128; N],
    accountings: u64,
    // The lease: the token's locked user and each licensee's expiry.
    token_lease: Option<(usize, u64)>,
    market_lease: [u64; N],
    /// Whether the last lease payment was a renewal.
    last_renew: bool,
    last: Expect<E>,
    last_market: Expect<M>,
    last_factory: Expect<F>,
}

fn shl(x: u128) -> U256 {
    U256::from(x) << SCALE_BITS
}

fn signed(x: U256) -> I256 {
    I256::try_from(x).expect("magnified amount in range")
}

impl Model {
    fn total_supply(&self) -> u128 {
        if self.redeemer.is_some() {
            0
        } else {
            self.supply
        }
    }

    fn ev(&self, e: Ev) -> Event {
        Event::Vault(self.vault, e)
    }

    /// Revenue arrived and not yet accounted.
    fn fresh(&self) -> u128 {
        self.vault_eth - self.accounted
    }

    /// Accounts fresh revenue (the vault's `sync`); returns its event.
    fn sync(&mut self) -> Option<Event> {
        let fresh = self.fresh();
        if fresh == 0 {
            return None;
        }
        match self.redeemer {
            Some(r) => {
                self.corr[r] += signed(shl(fresh));
                self.credit[r] += fresh;
            }
            None => {
                self.acc += shl(fresh) / U256::from(self.supply);
                for h in 0..N {
                    self.earned[h] += U256::from(fresh) * U256::from(self.bal[h]);
                }
                self.accountings += 1;
            }
        }
        self.accounted = self.vault_eth;
        Some(self.ev(Ev::RevenueAccrued(ShareVault::RevenueAccrued {
            token: Address::ZERO,
            amount: U256::from(fresh),
        })))
    }

    /// What `claimable(h)` shows: pending revenue accounted as of now.
    fn claimable(&self, h: usize) -> u128 {
        let mut m = self.clone();
        m.sync();
        m.due(h)
    }

    /// `⌊(acc · balance + corr) / 2¹²⁸⌋`.
    fn due(&self, h: usize) -> u128 {
        let x = signed(self.acc * U256::from(self.bal[h])) + self.corr[h];
        assert!(!x.is_negative(), "negative unclaimed amount of {h}");
        u128::try_from(x.into_raw() >> SCALE_BITS).expect("claimable fits u128")
    }

    /// Exact entitlement of `h` now (numerator over `supply`).
    fn entitled(&self, h: usize) -> U256 {
        let mut m = self.clone();
        m.sync();
        m.earned[h] + U256::from(m.credit[h]) * U256::from(self.supply)
    }

    fn accountings_now(&self) -> u64 {
        self.accountings + u64::from(self.fresh() != 0 && self.redeemer.is_none())
    }

    fn transfer(&mut self, from: usize, to: usize, amount: u128) -> Expect<E> {
        if self.bal[from] < amount {
            return Expect::Err(E::ERC20InsufficientBalance(
                ShareVault::ERC20InsufficientBalance {
                    sender: actor_address(from),
                    balance: U256::from(self.bal[from]),
                    needed: U256::from(amount),
                },
            ));
        }
        let mut events = vec![self.ev(Ev::Transfer(ShareVault::Transfer {
            from: actor_address(from),
            to: actor_address(to),
            value: U256::from(amount),
        }))];
        if amount != 0 && from != to {
            // Revenue accrued so far stays with the sender.
            events.extend(self.sync());
            let moved = signed(self.acc * U256::from(amount));
            self.corr[from] += moved;
            self.corr[to] -= moved;
        }
        self.bal[from] -= amount;
        self.bal[to] += amount;
        Expect::Ok(events)
    }

    /// The asset's events when it leaves the vault for `to`.
    fn asset_leaves(&self, to: usize) -> Vec<Event> {
        let mut events = vec![Event::Collection(
            IpCollection::IpCollectionEvents::Transfer(IpCollection::Transfer {
                from: self.vault,
                to: actor_address(to),
                tokenId: U256::from(TOKEN),
            }),
        )];
        // A user that is not a locked lease in force is cleared.
        if matches!(self.token_lease, Some((_, until)) if until < self.now) {
            events.push(Event::Collection(
                IpCollection::IpCollectionEvents::UpdateUser(IpCollection::UpdateUser {
                    tokenId: U256::from(TOKEN),
                    user: Address::ZERO,
                    expires: 0,
                }),
            ));
        }
        events
    }
}

/// An allowance on the wire: `u128::MAX` stands for the infinite allowance
/// (`2²⁵⁶ − 1`).
fn wire(allowance: u128) -> U256 {
    if allowance == u128::MAX {
        U256::MAX
    } else {
        U256::from(allowance)
    }
}

/// An amount of shares: often all of `balance`, sometimes more.
fn amount_of(balance: u128) -> BoxedStrategy<u128> {
    prop_oneof![
        3 => Just(balance),
        4 => 0..=balance,
        1 => Just(balance + 1),
    ]
    .boxed()
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<Model> {
        // 1 to N distinct holders with small (rounding) or 18-decimal stakes.
        let stake = prop_oneof![
            1u128..1_000,
            1_000_000_000_000_000_000u128..100_000_000_000_000_000_000
        ];
        (
            proptest::sample::subsequence((0..N).collect::<Vec<_>>(), 1..=N),
            prop::collection::vec(stake, N),
        )
            .prop_map(|(members, stakes)| {
                let holders: Vec<(usize, u128)> = members.iter().map(|&h| (h, stakes[h])).collect();
                let mut bal = [0; N];
                for &(h, v) in &holders {
                    bal[h] = v;
                }
                let template = Suite::template();
                Model {
                    vault: predicted_vault(),
                    collection: template.collection,
                    now: Suite::template().start,
                    supply: holders.iter().map(|h| h.1).sum(),
                    holders,
                    bal,
                    allowance: [[0; N]; N],
                    curator: CURATOR,
                    redeemer: None,
                    acc: U256::ZERO,
                    corr: [I256::ZERO; N],
                    accounted: 0,
                    vault_eth: 0,
                    deposited: 0,
                    claimed: [0; N],
                    earned: [U256::ZERO; N],
                    credit: [0; N],
                    accountings: 0,
                    token_lease: None,
                    market_lease: [0; N],
                    last_renew: false,
                    last: Expect::default(),
                    last_market: Expect::default(),
                    last_factory: Expect::default(),
                }
            })
            .boxed()
    }

    fn transitions(s: &Model) -> BoxedStrategy<Action> {
        let actor = 0..N;
        let bal = s.bal;
        let allowance = s.allowance;
        // Transfers mostly from a holder; redemptions mostly by the largest.
        let holders: Vec<usize> = (0..N).filter(|&h| bal[h] > 0).collect();
        let from = if holders.is_empty() {
            (0..N).boxed()
        } else {
            prop_oneof![4 => proptest::sample::select(holders), 1 => 0..N].boxed()
        };
        let top = (0..N).max_by_key(|&h| bal[h]).unwrap_or(0);
        // Transfers often consolidate towards the largest holder (so that
        // redemptions happen); claims mostly by someone with revenue due.
        let to = prop_oneof![1 => Just(top), 2 => 0..N];
        let due: Vec<usize> = (0..N).filter(|&h| s.claimable(h) > 0).collect();
        let claimer = if due.is_empty() {
            (0..N).boxed()
        } else {
            prop_oneof![3 => proptest::sample::select(due), 1 => 0..N].boxed()
        };
        prop_oneof![
            6 => (from.clone(), to)
                .prop_flat_map(move |(from, to)| (Just(from), Just(to), amount_of(bal[from])))
                .prop_map(|(from, to, amount)| Action::Transfer { from, to, amount }),
            1 => (from.clone(), 0u128..10).prop_map(|(from, amount)| Action::TransferToVault { from, amount }),
            2 => (from.clone(), actor.clone(), prop_oneof![Just(u128::MAX), 0u128..1_000_000_000_000_000_000_000])
                .prop_map(|(owner, spender, amount)| Action::Approve { owner, spender, amount }),
            2 => (actor.clone(), from, actor.clone())
                .prop_flat_map(move |(spender, from, to)| {
                    let cap = allowance[from][spender].min(bal[from]);
                    (Just(spender), Just(from), Just(to), amount_of(cap))
                })
                .prop_map(|(spender, from, to, amount)| Action::TransferFrom { spender, from, to, amount }),
            4 => (actor.clone(), prop_oneof![1u128..10_000, 1u128..3_000_000_000_000_000_000])
                .prop_map(|(from, wei)| Action::Deposit { from, wei }),
            3 => (actor.clone(), 1u64..600).prop_map(|(buyer, seconds)| Action::LeasePayment { buyer, seconds }),
            5 => claimer.prop_map(|holder| Action::Claim { holder }),
            2 => prop_oneof![3 => Just(top), 1 => 0..N].prop_map(|holder| Action::Redeem { holder }),
            1 => prop_oneof![Just(CURATOR), 0..N].prop_map(|by| Action::CuratorCall { by }),
            1 => (actor.clone(), actor.clone()).prop_map(|(by, to)| Action::TransferCurator { by, to }),
            1 => actor.prop_map(|by| Action::Refractionalize { by }),
            2 => (1u64..1_200).prop_map(|seconds| Action::Warp { seconds }),
        ]
        .boxed()
    }

    fn apply(mut s: Model, t: &Action) -> Model {
        s.last = Expect::default();
        match *t {
            Action::Transfer { from, to, amount } => s.last = s.transfer(from, to, amount),
            Action::TransferToVault { .. } => {
                s.last = Expect::Err(E::ERC20InvalidReceiver(ShareVault::ERC20InvalidReceiver {
                    receiver: s.vault,
                }));
            }
            Action::Approve {
                owner,
                spender,
                amount,
            } => {
                s.allowance[owner][spender] = amount;
                s.last = Expect::Ok(vec![s.ev(Ev::Approval(ShareVault::Approval {
                    owner: actor_address(owner),
                    spender: actor_address(spender),
                    value: wire(amount),
                }))]);
            }
            Action::TransferFrom {
                spender,
                from,
                to,
                amount,
            } => {
                let allowance = s.allowance[from][spender];
                if allowance != u128::MAX && allowance < amount {
                    s.last = Expect::Err(E::ERC20InsufficientAllowance(
                        ShareVault::ERC20InsufficientAllowance {
                            spender: actor_address(spender),
                            allowance: U256::from(allowance),
                            needed: U256::from(amount),
                        },
                    ));
                    return s;
                }
                // `transfer` changes nothing when it fails.
                s.last = s.transfer(from, to, amount);
                if matches!(s.last, Expect::Ok(_)) && allowance != u128::MAX {
                    s.allowance[from][spender] -= amount;
                }
            }
            Action::Deposit { wei, .. } => {
                s.vault_eth += wei;
                s.deposited += wei;
            }
            Action::LeasePayment { buyer, seconds } => {
                s.last_market = lease(&mut s, buyer, seconds);
            }
            Action::Claim { holder } => {
                let mut next = s.clone();
                let events: Vec<Event> = next.sync().into_iter().collect();
                let amount = next.due(holder);
                if amount == 0 {
                    // The whole transaction reverts: nothing is accounted.
                    s.last = Expect::Err(E::NothingToClaim(ShareVault::NothingToClaim {
                        holder: actor_address(holder),
                    }));
                    return s;
                }
                s = next;
                s.corr[holder] -= signed(shl(amount));
                s.accounted -= amount;
                s.vault_eth -= amount;
                s.claimed[holder] += amount;
                let mut events = events;
                events.push(s.ev(Ev::RevenueClaimed(ShareVault::RevenueClaimed {
                    holder: actor_address(holder),
                    token: Address::ZERO,
                    amount: U256::from(amount),
                })));
                s.last = Expect::Ok(events);
            }
            Action::Redeem { holder } => {
                if s.redeemer.is_some() {
                    s.last = Expect::Err(E::VaultNotActive(ShareVault::VaultNotActive {}));
                    return s;
                }
                if s.bal[holder] != s.supply {
                    s.last = Expect::Err(E::NotFullOwner(ShareVault::NotFullOwner {
                        account: actor_address(holder),
                        balance: U256::from(s.bal[holder]),
                        supply: U256::from(s.supply),
                    }));
                    return s;
                }
                let mut events: Vec<Event> = s.sync().into_iter().collect();
                let burnt = s.bal[holder];
                s.corr[holder] += signed(s.acc * U256::from(burnt));
                s.bal[holder] = 0;
                events.push(s.ev(Ev::Transfer(ShareVault::Transfer {
                    from: actor_address(holder),
                    to: Address::ZERO,
                    value: U256::from(burnt),
                })));
                s.redeemer = Some(holder);
                events.push(s.ev(Ev::Redeemed(ShareVault::Redeemed {
                    holder: actor_address(holder),
                    asset: s.collection,
                    id: U256::from(TOKEN),
                    units: U256::ZERO,
                })));
                events.extend(s.asset_leaves(holder));
                if matches!(s.token_lease, Some((_, until)) if until < s.now) {
                    s.token_lease = None;
                }
                s.last = Expect::Ok(events);
            }
            Action::CuratorCall { by } => {
                s.last = Expect::Err(if by == s.curator {
                    E::ForbiddenCall(ShareVault::ForbiddenCall {
                        target: s.collection,
                        selector: IpCollection::transferFromCall::SELECTOR.into(),
                    })
                } else {
                    E::NotCurator(ShareVault::NotCurator {
                        account: actor_address(by),
                    })
                });
            }
            Action::TransferCurator { by, to } => {
                if by != s.curator {
                    s.last = Expect::Err(E::NotCurator(ShareVault::NotCurator {
                        account: actor_address(by),
                    }));
                    return s;
                }
                s.last = Expect::Ok(vec![s.ev(Ev::CuratorTransferred(
                    ShareVault::CuratorTransferred {
                        previousCurator: actor_address(by),
                        newCurator: actor_address(to),
                    },
                ))]);
                s.curator = to;
            }
            Action::Refractionalize { by } => {
                let owner = s.redeemer.map_or(s.vault, actor_address);
                s.last_factory = Expect::Err(F::ERC721IncorrectOwner(
                    VaultFactory::ERC721IncorrectOwner {
                        sender: actor_address(by),
                        tokenId: U256::from(TOKEN),
                        owner,
                    },
                ));
            }
            Action::Warp { seconds } => s.now += seconds,
        }
        s
    }

    fn preconditions(s: &Model, t: &Action) -> bool {
        match *t {
            // Only non-owners (an owner would fractionalise again).
            Action::Refractionalize { by } => s.redeemer != Some(by),
            _ => true,
        }
    }
}

/// A lease bought (or renewed, when the buyer's lease is active) by `buyer`.
fn lease(s: &mut Model, buyer: usize, seconds: u64) -> Expect<M> {
    let now = s.now;
    let renew = s.market_lease[buyer] != 0 && s.market_lease[buyer] >= now;
    s.last_renew = renew;
    if s.redeemer.is_some() {
        return Expect::Err(M::LicenseMarketLessorNotOwner(
            LicenseMarket::LicenseMarketLessorNotOwner {
                collection: s.collection,
                tokenId: U256::from(TOKEN),
                lessor: s.vault,
            },
        ));
    }
    if !renew {
        if let Some((_, until)) = s.token_lease {
            if until >= now {
                return Expect::Err(M::LicenseMarketTokenLeased(
                    LicenseMarket::LicenseMarketTokenLeased {
                        collection: s.collection,
                        tokenId: U256::from(TOKEN),
                        expires: U256::from(until),
                    },
                ));
            }
        }
    }
    let start = if renew { s.market_lease[buyer] } else { now };
    let expires = start + seconds;
    let price = PRICE * u128::from(seconds);
    let royalty = price * ROYALTY_BPS / 10_000;
    s.market_lease[buyer] = expires;
    s.token_lease = Some((buyer, expires));
    // Royalty and payee share both go to the vault.
    s.vault_eth += price;
    s.deposited += price;
    Expect::Ok(nft_lease_events(
        U256::from(TOKEN),
        U256::from(1),
        actor_address(buyer),
        expires,
        U256::from(price),
        U256::from(royalty),
        renew,
    ))
}

/// The vault actor `CREATOR` gets with salt 0.
fn predicted_vault() -> Address {
    let mut s = Suite::fresh();
    let factory = s.vault_factory;
    s.view(
        factory,
        &VaultFactory::predictVaultCall {
            creator: actor_address(CREATOR),
            salt: B256::ZERO,
        },
    )
}

struct World {
    s: Suite,
    vault: Address,
    eth: U256,
}

impl World {
    fn compare(&mut self, m: &Model) {
        let vault = self.vault;
        // Invariant 8.
        let supply = self.s.view(vault, &ShareVault::totalSupplyCall {});
        assert_eq!(supply, U256::from(m.total_supply()), "totalSupply");
        let status = self.s.view(vault, &ShareVault::statusCall {});
        assert_eq!(status, if m.redeemer.is_some() { 3 } else { 2 }, "status");
        let collection = self.s.collection;
        let owner = self.s.view(
            collection,
            &IpCollection::ownerOfCall {
                tokenId: U256::from(TOKEN),
            },
        );
        assert_eq!(
            owner,
            m.redeemer.map_or(vault, actor_address),
            "asset owner"
        );
        // Invariant 7.
        let s_num = U256::from(m.supply);
        let per_accounting = ((s_num * s_num) >> SCALE_BITS) + U256::from(1);
        let slack = s_num + U256::from(m.accountings_now()) * per_accounting;
        let mut owed = 0u128;
        for h in 0..N {
            let who = actor_address(h);
            let balance = self
                .s
                .view(vault, &ShareVault::balanceOfCall { account: who });
            assert_eq!(balance, U256::from(m.bal[h]), "shares of {h}");
            let claimable = self.s.view(
                vault,
                &ShareVault::claimableCall {
                    holder: who,
                    token: Address::ZERO,
                },
            );
            assert_eq!(claimable, U256::from(m.claimable(h)), "claimable of {h}");
            let total = U256::from(m.claimed[h] + m.claimable(h)) * s_num;
            let entitled = m.entitled(h);
            assert!(total <= entitled, "holder {h} got more than its share");
            assert!(entitled - total < slack, "holder {h} short of its share");
            owed += m.claimable(h);
        }
        let claimed: u128 = m.claimed.iter().sum();
        assert!(claimed + owed <= m.deposited, "claims above deposits");
        assert!(
            m.deposited - claimed - owed <= N as u128,
            "dust above the number of holders"
        );
        assert_eq!(self.s.balance(vault), U256::from(m.vault_eth), "vault ETH");
        assert_eq!(
            m.vault_eth,
            m.deposited - claimed,
            "vault ETH = deposits − claims"
        );
        // Invariant 9.
        assert_eq!(self.s.eth_total(&[]), self.eth, "ETH conservation");
    }
}

struct VaultMachine;

impl StateMachineTest for VaultMachine {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(m: &Model) -> World {
        let mut s = Suite::fresh();
        let (admin, collection, market, factory) =
            (s.admin(), s.collection, s.market, s.vault_factory);
        let (creator, curator) = (actor_address(CREATOR), actor_address(CURATOR));
        s.vaults.insert(m.vault);
        // Token 1, its royalty to the vault-to-be.
        let mint = IpCollection::mintCall {
            to: creator,
            uri: String::new(),
            royaltyReceiver: m.vault,
            royaltyBps: U96::from(ROYALTY_BPS),
        };
        s.ok(admin, collection, &mint, U256::ZERO);
        let frac = VaultFactory::fractionalizeCall {
            asset: collection,
            id: U256::from(TOKEN),
            units: U256::ZERO,
            name: "AI Work #1 shares".into(),
            symbol: "AIW1".into(),
            holders: m.holders.iter().map(|h| actor_address(h.0)).collect(),
            amounts: m.holders.iter().map(|h| U256::from(h.1)).collect(),
            curator,
            revenueTokens: vec![],
            salt: B256::ZERO,
        };
        let sent = s.ok(creator, factory, &frac, U256::ZERO);
        assert_eq!(sent.ret, m.vault, "vault address");
        let mut want: Vec<Event> = m
            .holders
            .iter()
            .map(|&(h, v)| {
                m.ev(Ev::Transfer(ShareVault::Transfer {
                    from: Address::ZERO,
                    to: actor_address(h),
                    value: U256::from(v),
                }))
            })
            .collect();
        want.push(m.ev(Ev::VaultInitialized(ShareVault::VaultInitialized {
            asset: collection,
            id: U256::from(TOKEN),
            units: U256::ZERO,
            supply: U256::from(m.supply),
            curator,
        })));
        want.push(Event::Collection(
            IpCollection::IpCollectionEvents::Transfer(IpCollection::Transfer {
                from: creator,
                to: m.vault,
                tokenId: U256::from(TOKEN),
            }),
        ));
        want.push(Event::VaultFactory(
            VaultFactory::VaultFactoryEvents::VaultCreated(VaultFactory::VaultCreated {
                vault: m.vault,
                creator,
                asset: collection,
                id: U256::from(TOKEN),
                units: U256::ZERO,
                salt: B256::ZERO,
            }),
        ));
        assert_eq!(sent.events, want, "fractionalize events");
        // The curator lets the vault lease the asset on the market, paid to
        // the vault.
        let lease_op = IpCollection::setLeaseOperatorCall {
            operator: market,
            approved: true,
        };
        let call = ShareVault::curatorCallCall {
            target: collection,
            data: lease_op.abi_encode().into(),
        };
        s.ok(curator, m.vault, &call, U256::ZERO);
        let offer = LicenseMarket::createOfferCall {
            collection,
            tokenId: U256::from(TOKEN),
            amount: 0,
            terms: ILicenseMarket::OfferTerms {
                pricePerSecond: U256::from(PRICE),
                paymentToken: Address::ZERO,
                minDuration: 1,
                maxDuration: 1_000,
                endTime: 0,
                maxLicensees: 1,
                payee: m.vault,
                termsHash: B256::repeat_byte(9),
                termsUri: "ipfs://vault-terms".into(),
                flags: 3,
            },
        };
        let call = ShareVault::curatorCallCall {
            target: market,
            data: offer.abi_encode().into(),
        };
        s.ok(curator, m.vault, &call, U256::ZERO);
        let eth = s.eth_total(&[]);
        let mut w = World {
            s,
            vault: m.vault,
            eth,
        };
        w.compare(m);
        w
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        let vault = w.vault;
        let a = actor_address;
        match t {
            Action::LeasePayment { buyer, seconds } => {
                let renew = m.last_renew;
                let price = U256::from(PRICE * u128::from(seconds));
                let market = w.s.market;
                let got = if renew {
                    let call = LicenseMarket::renewLeaseCall {
                        offerId: U256::from(1),
                        duration: seconds,
                        maxPrice: price,
                    };
                    w.s.send(a(buyer), market, &call, price).map(Sent::unit)
                } else {
                    let call = LicenseMarket::buyLeaseCall {
                        offerId: U256::from(1),
                        duration: seconds,
                        maxPrice: price,
                    };
                    w.s.send(a(buyer), market, &call, price).map(Sent::unit)
                };
                m.last_market.check(&t, &got);
            }
            Action::Refractionalize { by } => {
                let (collection, factory) = (w.s.collection, w.s.vault_factory);
                let call = VaultFactory::fractionalizeCall {
                    asset: collection,
                    id: U256::from(TOKEN),
                    units: U256::ZERO,
                    name: "again".into(),
                    symbol: "AG".into(),
                    holders: vec![a(by)],
                    amounts: vec![U256::from(1)],
                    curator: Address::ZERO,
                    revenueTokens: vec![],
                    salt: B256::repeat_byte(1),
                };
                let got = w.s.send(a(by), factory, &call, U256::ZERO).map(Sent::unit);
                m.last_factory.check(&t, &got);
            }
            _ => {
                let got = match t {
                    Action::Transfer { from, to, amount } => {
                        let call = ShareVault::transferCall {
                            to: a(to),
                            value: U256::from(amount),
                        };
                        w.s.send(a(from), vault, &call, U256::ZERO).map(Sent::unit)
                    }
                    Action::TransferToVault { from, amount } => {
                        let call = ShareVault::transferCall {
                            to: vault,
                            value: U256::from(amount),
                        };
                        w.s.send(a(from), vault, &call, U256::ZERO).map(Sent::unit)
                    }
                    Action::Approve {
                        owner,
                        spender,
                        amount,
                    } => {
                        let call = ShareVault::approveCall {
                            spender: a(spender),
                            value: wire(amount),
                        };
                        let got = w.s.send(a(owner), vault, &call, U256::ZERO).map(Sent::unit);
                        let left = w.s.view(
                            vault,
                            &ShareVault::allowanceCall {
                                owner: a(owner),
                                spender: a(spender),
                            },
                        );
                        assert_eq!(left, wire(m.allowance[owner][spender]), "allowance");
                        got
                    }
                    Action::TransferFrom {
                        spender,
                        from,
                        to,
                        amount,
                    } => {
                        let call = ShareVault::transferFromCall {
                            from: a(from),
                            to: a(to),
                            value: U256::from(amount),
                        };
                        let got =
                            w.s.send(a(spender), vault, &call, U256::ZERO)
                                .map(Sent::unit);
                        let left = w.s.view(
                            vault,
                            &ShareVault::allowanceCall {
                                owner: a(from),
                                spender: a(spender),
                            },
                        );
                        assert_eq!(left, wire(m.allowance[from][spender]), "allowance");
                        got
                    }
                    Action::Deposit { from, wei } => {
                        w.s.send_raw(a(from), vault, Vec::new(), U256::from(wei))
                            .map(Sent::unit)
                    }
                    Action::Claim { holder } => {
                        let call = ShareVault::claimCall {
                            tokens: vec![Address::ZERO],
                        };
                        w.s.send(a(holder), vault, &call, U256::ZERO)
                            .map(Sent::unit)
                    }
                    Action::Redeem { holder } => {
                        w.s.send(a(holder), vault, &ShareVault::redeemCall {}, U256::ZERO)
                            .map(Sent::unit)
                    }
                    Action::CuratorCall { by } => {
                        // Moving the asset out is never allowed.
                        let (collection, to) = (w.s.collection, a(by));
                        let steal = IpCollection::transferFromCall {
                            from: vault,
                            to,
                            tokenId: U256::from(TOKEN),
                        };
                        let call = ShareVault::curatorCallCall {
                            target: collection,
                            data: Bytes::from(steal.abi_encode()),
                        };
                        w.s.send(a(by), vault, &call, U256::ZERO).map(Sent::unit)
                    }
                    Action::TransferCurator { by, to } => {
                        let call = ShareVault::transferCuratorCall { newCurator: a(to) };
                        w.s.send(a(by), vault, &call, U256::ZERO).map(Sent::unit)
                    }
                    Action::Warp { seconds } => {
                        w.s.warp(seconds);
                        Ok(Sent::default())
                    }
                    Action::LeasePayment { .. } | Action::Refractionalize { .. } => {
                        unreachable!("handled above")
                    }
                };
                m.last.check(&t, &got);
            }
        }
        assert_eq!(w.s.timestamp(), m.now, "clock");
        w.compare(m);
        w
    }
}

prop_state_machine! {
    #![proptest_config(crate::config())]

    fn vault_machine(sequential 1..20 => VaultMachine);
}

#[test]
fn vault_matches_the_model() {
    crate::on_big_stack(vault_machine);
}
