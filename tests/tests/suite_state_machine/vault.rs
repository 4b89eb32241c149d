//! Fractional shares, end to end: an ERC-721 asset (its EIP-2981 royalty
//! paid to the vault) fractionalised through the vault factory among random
//! holders, with two ERC-20 revenue tokens of 6 and 18 decimals (test
//! tokens); the curator lets the vault lease the asset on the licence market
//! with the vault as payee, in ETH and in each token. Then random share
//! transfers, approvals and `transferFrom`s, revenue in all three currencies
//! (plain ETH transfers to the proxy, tokens minted to the vault, and lease
//! payments whose royalty and payee share both go to the vault), claims,
//! redemption by a holder of every share, curator actions (allowed and
//! forbidden), fractionalisation attempts by non-owners and time warps.
//!
//! The curator's powers are an allow-list: approving the vault's market as
//! lease operator, and creating/updating/cancelling vault offers that pay
//! the vault, in ETH or a revenue token, for at most the vault's
//! `maxLeaseDuration`. The machine tries every shape the former generic
//! `curatorCall` allowed (moving the asset, approving the curator's own
//! account as lease operator, an offer paying the curator) and offers that
//! break each rule, by the curator and by others.
//!
//! Two references: the per-share accumulator of the vault's specification
//! (`acc += ⌊fresh · 2¹²⁸ / supply⌋`, one signed correction per holder)
//! predicts every `claimable` and event exactly; an exact rational model of
//! each holder's entitlement (`Σ fresh · balance / supply` at every
//! accounting, direct credits to the redeemer after redemption) bounds it.
//!
//! Invariants checked after every step (numbered as in tests/INVARIANTS.md), per currency:
//! 7. every holder's `claimable` is the accumulator's; each holder's
//!    total (claimed + claimable) is at most its exact entitlement `E` and
//!    above `E − 1 − n · supply / 2¹²⁸` wei after `n` accountings;
//!    Σ claimed + Σ claimable ≤ Σ deposited with a shortfall of at most the
//!    number of holders in base units; the vault's balance is deposits −
//!    claims;
//! 8. `totalSupply` is the initial supply until redemption (0 after), the
//!    balances match the model, and the asset is owned by the vault until
//!    redeemed (by the redeemer after);
//! 9. ETH is conserved across all accounts and contracts (gas price 0);
//! 10. a call the model says is unauthorised or invalid (transfer beyond the
//!     balance or allowance, to the vault, claim with nothing due, redeem
//!     without every share or twice, a curator action or `transferCurator`
//!     by a non-curator, a vault offer paying someone else, in a token off
//!     the allow-list or longer than `maxLeaseDuration`, fractionalising an
//!     asset one does not own, a lease once the vault no longer holds the
//!     asset) reverts with the exact custom error and changes nothing; the
//!     former generic `curatorCall` reverts without data (it is gone);
//! 16. no curator action lowers any balance of the vault (ETH or token) or
//!     sets a user on the vaulted token (its `userOf`/`userExpires` are
//!     unchanged), and the vault itself emits no event for it; after the
//!     longest paid lease expired, the token is leased again (the machine
//!     buys after expiry) and a 100 % holder redeems it;
//! 12. every successful transaction emits exactly the events predicted
//!     (`Transfer`, `Approval`, `RevenueAccrued`, `RevenueClaimed`,
//!     `Redeemed`, `CuratorTransferred`, the asset's `Transfer`/`UpdateUser`,
//!     the market's lease events), in order; the test tokens' own events
//!     are left out (their balances are checked instead).

use alloy_primitives::{aliases::U96, Address, Bytes, B256, I256, U256};
use alloy_sol_types::{sol, SolCall};
use proptest::prelude::*;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_tests::sol::{test_token_code, TestToken};
use stylus_ip_tests::suite::abi::{
    IShareVault, IpCollection, LicenseMarket, ShareVault, VaultFactory,
};
use stylus_ip_tests::suite::{actor_address, nft_lease_events, Event, Expect, Sent, Suite};
use stylus_ip_tests::Revert;
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
/// Revenue currencies: ETH, then the 6- and 18-decimal test tokens.
const CURRENCIES: usize = 3;
/// Price per second of the vault's lease offers, in base units of each
/// currency.
const PRICES: [u128; CURRENCIES] = [999_999_937, 7, 999_999_937_000];
/// The vault's lease offer paid in each currency (offer 2 is the ETH offer
/// the curator updates and cancels, never bought).
const OFFERS: [u64; CURRENCIES] = [1, 3, 4];
/// Price per second of offer 2, wei.
const PRICE: u128 = PRICES[0];
/// The vaulted token.
const TOKEN: u64 = 1;
/// `2¹²⁸`, the accumulator's scale.
const SCALE_BITS: usize = 128;
/// The vault's longest lease (= offer 1's `maxDuration`).
const MAX_LEASE: u64 = 1_000;

sol! {
    /// The curator's former generic call, encoded by hand (the vault no
    /// longer has it).
    function curatorCall(address target, bytes data) returns (bytes);
}

/// What a curator action asks for.
#[derive(Debug, Clone, Copy)]
enum CuratorAct {
    /// A shape of the former generic `curatorCall`: 0 moves the asset out,
    /// 1 approves the caller's own account as lease operator, 2 publishes a
    /// market offer paying the caller.
    Legacy(u8),
    /// `setMarketApproval(true)`.
    ApproveMarket,
    /// `createOffer` (or `updateOffer` of offer 2) paying the vault or the
    /// caller, in ETH or in a token off the allow-list, for at most `max`.
    Offer {
        update: bool,
        pays_vault: bool,
        eth: bool,
        max: u64,
    },
    /// `cancelOffer(2)`.
    Cancel,
}

/// The expected outcome of a curator action.
#[derive(Debug, Clone)]
enum CuratorExpect {
    Ok,
    Vault(E),
    Market(M),
    /// A revert without data (no such function).
    Empty,
}

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
    /// Revenue in currency `cur` sent to the vault (plain ETH, or tokens
    /// minted to it).
    Deposit {
        from: usize,
        cur: usize,
        amount: u128,
    },
    /// A lease of the vaulted token from the offer paid in `cur`.
    LeasePayment {
        buyer: usize,
        cur: usize,
        seconds: u64,
    },
    Claim {
        holder: usize,
        cur: usize,
    },
    Redeem {
        holder: usize,
    },
    /// A curator action by `by` (the curator or anyone else).
    Curator {
        by: usize,
        act: CuratorAct,
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
    /// The revenue currencies: ETH (zero), the 6- and 18-decimal tokens.
    tokens: [Address; CURRENCIES],
    /// Per currency: the accumulator of the specification and the money.
    led: [Ledger; CURRENCIES],
    // The lease: the token's locked user and each licensee's expiry, per
    // offer (currency).
    token_lease: Option<(usize, u64)>,
    market_lease: [[u64; N]; CURRENCIES],
    /// Whether the last lease payment was a renewal.
    last_renew: bool,
    last: Expect<E>,
    last_market: Expect<M>,
    last_factory: Expect<F>,
    last_curator: CuratorExpect,
    /// Whether offer 2 (a vault offer never bought) was cancelled.
    offer2_cancelled: bool,
}

/// One currency's books.
#[derive(Debug, Clone, Default)]
struct Ledger {
    // The accumulator of the specification.
    acc: U256,
    corr: [I256; N],
    accounted: u128,
    // What happened to the money.
    held: u128,
    deposited: u128,
    claimed: [u128; N],
    // Exact entitlements: numerators over `supply`, plus direct credits.
    earned: [U256; N],
    credit: [u128; N],
    accountings: u64,
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

    /// Revenue in `cur` arrived and not yet accounted.
    fn fresh(&self, cur: usize) -> u128 {
        self.led[cur].held - self.led[cur].accounted
    }

    /// Accounts fresh revenue in `cur` (the vault's `sync`); returns its
    /// event.
    fn sync(&mut self, cur: usize) -> Option<Event> {
        let fresh = self.fresh(cur);
        if fresh == 0 {
            return None;
        }
        let (supply, bal, redeemer) = (self.supply, self.bal, self.redeemer);
        let l = &mut self.led[cur];
        match redeemer {
            Some(r) => {
                l.corr[r] += signed(shl(fresh));
                l.credit[r] += fresh;
            }
            None => {
                l.acc += shl(fresh) / U256::from(supply);
                for (earned, b) in l.earned.iter_mut().zip(bal) {
                    *earned += U256::from(fresh) * U256::from(b);
                }
                l.accountings += 1;
            }
        }
        l.accounted = l.held;
        Some(self.ev(Ev::RevenueAccrued(ShareVault::RevenueAccrued {
            token: self.tokens[cur],
            amount: U256::from(fresh),
        })))
    }

    /// Accounts every currency, in the vault's order (ETH, then the
    /// allow-list).
    fn sync_all(&mut self) -> Vec<Event> {
        (0..CURRENCIES).filter_map(|c| self.sync(c)).collect()
    }

    /// What `claimable(h, cur)` shows: pending revenue accounted as of now.
    fn claimable(&self, h: usize, cur: usize) -> u128 {
        let mut m = self.clone();
        m.sync(cur);
        m.due(h, cur)
    }

    /// `⌊(acc · balance + corr) / 2¹²⁸⌋`.
    fn due(&self, h: usize, cur: usize) -> u128 {
        let l = &self.led[cur];
        let x = signed(l.acc * U256::from(self.bal[h])) + l.corr[h];
        assert!(!x.is_negative(), "negative unclaimed amount of {h}");
        u128::try_from(x.into_raw() >> SCALE_BITS).expect("claimable fits u128")
    }

    /// Exact entitlement of `h` now in `cur` (numerator over `supply`).
    fn entitled(&self, h: usize, cur: usize) -> U256 {
        let mut m = self.clone();
        m.sync(cur);
        m.led[cur].earned[h] + U256::from(m.led[cur].credit[h]) * U256::from(self.supply)
    }

    fn accountings_now(&self, cur: usize) -> u64 {
        self.led[cur].accountings + u64::from(self.fresh(cur) != 0 && self.redeemer.is_none())
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
        // The vault accounts pending revenue first (its events come before
        // the transfer's), then moves the shares.
        let mut events = Vec::new();
        if amount != 0 && from != to {
            // Revenue accrued so far stays with the sender.
            events.extend(self.sync_all());
            for l in &mut self.led {
                let moved = signed(l.acc * U256::from(amount));
                l.corr[from] += moved;
                l.corr[to] -= moved;
            }
        }
        events.push(self.ev(Ev::Transfer(ShareVault::Transfer {
            from: actor_address(from),
            to: actor_address(to),
            value: U256::from(amount),
        })));
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
                let [t6, t18] = *test_tokens();
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
                    tokens: [Address::ZERO, t6, t18],
                    led: Default::default(),
                    token_lease: None,
                    market_lease: [[0; N]; CURRENCIES],
                    last_renew: false,
                    last: Expect::default(),
                    last_market: Expect::default(),
                    last_factory: Expect::default(),
                    last_curator: CuratorExpect::Ok,
                    offer2_cancelled: false,
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
        let due: Vec<(usize, usize)> = (0..N)
            .flat_map(|h| (0..CURRENCIES).map(move |c| (h, c)))
            .filter(|&(h, c)| s.claimable(h, c) > 0)
            .collect();
        let claimer = if due.is_empty() {
            (0..N, 0..CURRENCIES).boxed()
        } else {
            prop_oneof![3 => proptest::sample::select(due), 1 => (0..N, 0..CURRENCIES)].boxed()
        };
        // Amounts in each currency's base units: dust, and whole units.
        let amount = |cur: usize| match cur {
            1 => prop_oneof![1u128..10_000, 1u128..3_000_000_000].boxed(),
            _ => prop_oneof![1u128..10_000, 1u128..3_000_000_000_000_000_000].boxed(),
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
            4 => (actor.clone(), 0..CURRENCIES)
                .prop_flat_map(move |(from, cur)| (Just(from), Just(cur), amount(cur)))
                .prop_map(|(from, cur, amount)| Action::Deposit { from, cur, amount }),
            3 => (actor.clone(), 0..CURRENCIES, 1u64..600)
                .prop_map(|(buyer, cur, seconds)| Action::LeasePayment { buyer, cur, seconds }),
            5 => claimer.prop_map(|(holder, cur)| Action::Claim { holder, cur }),
            2 => prop_oneof![3 => Just(top), 1 => 0..N].prop_map(|holder| Action::Redeem { holder }),
            3 => (prop_oneof![3 => Just(s.curator), 1 => 0..N], curator_act())
                .prop_map(|(by, act)| Action::Curator { by, act }),
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
            Action::Deposit { cur, amount, .. } => {
                s.led[cur].held += amount;
                s.led[cur].deposited += amount;
            }
            Action::LeasePayment {
                buyer,
                cur,
                seconds,
            } => {
                s.last_market = lease(&mut s, buyer, cur, seconds);
            }
            Action::Claim { holder, cur } => {
                let mut next = s.clone();
                let events: Vec<Event> = next.sync(cur).into_iter().collect();
                let amount = next.due(holder, cur);
                if amount == 0 {
                    // The whole transaction reverts: nothing is accounted.
                    s.last = Expect::Err(E::VaultNothingToClaim(ShareVault::VaultNothingToClaim {
                        holder: actor_address(holder),
                    }));
                    return s;
                }
                s = next;
                let l = &mut s.led[cur];
                l.corr[holder] -= signed(shl(amount));
                l.accounted -= amount;
                l.held -= amount;
                l.claimed[holder] += amount;
                let mut events = events;
                events.push(s.ev(Ev::RevenueClaimed(ShareVault::RevenueClaimed {
                    holder: actor_address(holder),
                    token: s.tokens[cur],
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
                    s.last = Expect::Err(E::VaultNotFullOwner(ShareVault::VaultNotFullOwner {
                        account: actor_address(holder),
                        balance: U256::from(s.bal[holder]),
                        supply: U256::from(s.supply),
                    }));
                    return s;
                }
                let mut events: Vec<Event> = s.sync_all();
                let burnt = s.bal[holder];
                for l in &mut s.led {
                    l.corr[holder] += signed(l.acc * U256::from(burnt));
                }
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
            Action::Curator { by, act } => s.last_curator = curator(&mut s, by, act),
            Action::TransferCurator { by, to } => {
                if by != s.curator {
                    s.last = Expect::Err(E::VaultNotCurator(ShareVault::VaultNotCurator {
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
            // Offers the vault accepts are published while it holds the
            // asset (after redemption the market's own checks decide).
            Action::Curator { by, act } => {
                let mut m = s.clone();
                !(s.redeemer.is_some()
                    && matches!(act, CuratorAct::Offer { .. } | CuratorAct::Cancel)
                    && matches!(curator(&mut m, by, act), CuratorExpect::Ok))
            }
            _ => true,
        }
    }
}

/// Curator actions: the former generic call's shapes, approvals, offers
/// inside and outside the rules, cancellations.
fn curator_act() -> BoxedStrategy<CuratorAct> {
    prop_oneof![
        2 => (0u8..3).prop_map(CuratorAct::Legacy),
        1 => Just(CuratorAct::ApproveMarket),
        4 => (
            any::<bool>(),
            prop_oneof![3 => Just(true), 1 => Just(false)],
            prop_oneof![3 => Just(true), 1 => Just(false)],
            prop_oneof![3 => 1..=MAX_LEASE, 1 => MAX_LEASE + 1..=u64::MAX],
        )
            .prop_map(|(update, pays_vault, eth, max)| CuratorAct::Offer {
                update,
                pays_vault,
                eth,
                max,
            }),
        1 => Just(CuratorAct::Cancel),
    ]
    .boxed()
}

/// What a curator action by `by` does: the vault's checks (curator, the
/// asset still vaulted, then payee, token and duration of an offer), then
/// the market's.
fn curator(s: &mut Model, by: usize, act: CuratorAct) -> CuratorExpect {
    if let CuratorAct::Legacy(_) = act {
        return CuratorExpect::Empty;
    }
    if by != s.curator {
        return CuratorExpect::Vault(E::VaultNotCurator(ShareVault::VaultNotCurator {
            account: actor_address(by),
        }));
    }
    // Offers need the asset in the vault: a redeemed vault refuses them
    // before looking at their terms (the market approval stays open).
    if s.redeemer.is_some() && !matches!(act, CuratorAct::ApproveMarket) {
        return CuratorExpect::Vault(E::VaultNotActive(ShareVault::VaultNotActive {}));
    }
    match act {
        CuratorAct::Legacy(_) | CuratorAct::ApproveMarket => CuratorExpect::Ok,
        CuratorAct::Offer {
            update,
            pays_vault,
            eth,
            max,
        } => {
            if !pays_vault {
                return CuratorExpect::Vault(E::VaultInvalidOfferPayee(
                    ShareVault::VaultInvalidOfferPayee {
                        payee: actor_address(by),
                    },
                ));
            }
            if !eth {
                return CuratorExpect::Vault(E::VaultTokenNotAllowed(
                    ShareVault::VaultTokenNotAllowed {
                        token: s.collection,
                    },
                ));
            }
            if max > MAX_LEASE {
                return CuratorExpect::Vault(E::VaultOfferTooLong(ShareVault::VaultOfferTooLong {
                    maxDuration: U256::from(max),
                    maxLeaseDuration: U256::from(MAX_LEASE),
                }));
            }
            if update && s.offer2_cancelled {
                return cancelled();
            }
            CuratorExpect::Ok
        }
        CuratorAct::Cancel => {
            if s.offer2_cancelled {
                return cancelled();
            }
            s.offer2_cancelled = true;
            CuratorExpect::Ok
        }
    }
}

fn cancelled() -> CuratorExpect {
    CuratorExpect::Market(M::LicenseMarketOfferCancelled(
        LicenseMarket::LicenseMarketOfferCancelled {
            offerId: U256::from(2),
        },
    ))
}

/// Terms of a vault offer paying `payee` in `token` for up to `max` seconds.
fn vault_terms(payee: Address, token: Address, max: u64) -> IShareVault::OfferTerms {
    IShareVault::OfferTerms {
        pricePerSecond: U256::from(PRICE),
        paymentToken: token,
        minDuration: 1,
        maxDuration: max,
        endTime: 0,
        maxLicensees: 1,
        payee,
        termsHash: B256::repeat_byte(9),
        termsUri: "ipfs://vault-terms".into(),
        flags: 3,
        maxRoyaltyBps: 10_000,
    }
}

/// A lease bought (or renewed, when the buyer's lease from this offer is
/// active) by `buyer` from the offer paid in `cur`.
fn lease(s: &mut Model, buyer: usize, cur: usize, seconds: u64) -> Expect<M> {
    let now = s.now;
    let current = s.market_lease[cur][buyer];
    let renew = current != 0 && current >= now;
    s.last_renew = renew;
    let start = if renew { current } else { now };
    let expires = start + seconds;
    // No licence reaches further than the offer's maxDuration past now.
    if expires > now + MAX_LEASE {
        return Expect::Err(M::LicenseMarketLeaseTooLong(
            LicenseMarket::LicenseMarketLeaseTooLong {
                expires,
                latest: now + MAX_LEASE,
            },
        ));
    }
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
    let price = PRICES[cur] * u128::from(seconds);
    let royalty = price * ROYALTY_BPS / 10_000;
    s.market_lease[cur][buyer] = expires;
    s.token_lease = Some((buyer, expires));
    // Royalty and payee share both go to the vault.
    s.led[cur].held += price;
    s.led[cur].deposited += price;
    Expect::Ok(nft_lease_events(
        U256::from(TOKEN),
        U256::from(OFFERS[cur]),
        actor_address(buyer),
        expires,
        U256::from(price),
        U256::from(royalty),
        renew,
    ))
}

/// The 6- and 18-decimal test tokens, created by the admin in every fresh
/// suite (at the same addresses: the template's admin nonce, or CREATE2).
fn create_test_tokens(s: &mut Suite) -> [Address; 2] {
    let admin = s.admin();
    [(6u8, "T6"), (18, "T18")].map(|(decimals, symbol)| {
        s.create(
            admin,
            B256::with_last_byte(decimals),
            test_token_code(symbol, decimals),
        )
    })
}

/// The test tokens' addresses (probed once on a fresh suite).
fn test_tokens() -> &'static [Address; 2] {
    static TOKENS: std::sync::OnceLock<[Address; 2]> = std::sync::OnceLock::new();
    TOKENS.get_or_init(|| create_test_tokens(&mut Suite::fresh()))
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
    /// The revenue tokens (6 and 18 decimals).
    tokens: [Address; 2],
}

impl World {
    /// The vault's balance of currency `cur`.
    fn held(&mut self, cur: usize) -> U256 {
        let vault = self.vault;
        match cur {
            0 => self.s.balance(vault),
            _ => self.s.view(
                self.tokens[cur - 1],
                &TestToken::balanceOfCall { account: vault },
            ),
        }
    }

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
        // Invariant 7, per currency.
        let s_num = U256::from(m.supply);
        let per_accounting = ((s_num * s_num) >> SCALE_BITS) + U256::from(1);
        for cur in 0..CURRENCIES {
            let l = &m.led[cur];
            let slack = s_num + U256::from(m.accountings_now(cur)) * per_accounting;
            let mut owed = 0u128;
            for h in 0..N {
                let who = actor_address(h);
                let claimable = self.s.view(
                    vault,
                    &ShareVault::claimableCall {
                        holder: who,
                        token: m.tokens[cur],
                    },
                );
                assert_eq!(
                    claimable,
                    U256::from(m.claimable(h, cur)),
                    "claimable of {h} in {cur}"
                );
                let total = U256::from(l.claimed[h] + m.claimable(h, cur)) * s_num;
                let entitled = m.entitled(h, cur);
                assert!(
                    total <= entitled,
                    "holder {h} got more than its share of {cur}"
                );
                assert!(
                    entitled - total < slack,
                    "holder {h} short of its share of {cur}"
                );
                owed += m.claimable(h, cur);
            }
            let claimed: u128 = l.claimed.iter().sum();
            assert!(
                claimed + owed <= l.deposited,
                "claims above deposits in {cur}"
            );
            assert!(
                l.deposited - claimed - owed <= N as u128,
                "dust above the number of holders in {cur}"
            );
            assert_eq!(self.held(cur), U256::from(l.held), "vault balance of {cur}");
            assert_eq!(
                l.held,
                l.deposited - claimed,
                "vault balance = deposits − claims"
            );
        }
        for h in 0..N {
            let who = actor_address(h);
            let balance = self
                .s
                .view(vault, &ShareVault::balanceOfCall { account: who });
            assert_eq!(balance, U256::from(m.bal[h]), "shares of {h}");
        }
        // Invariant 9.
        assert_eq!(self.s.eth_total(&[]), self.eth, "ETH conservation");
    }
}

impl World {
    /// Invariant 16's observables: the vault's balance of every currency
    /// and the vaulted token's user and its expiry.
    fn untouchable(&mut self) -> (Vec<U256>, Address, U256) {
        let (collection, id) = (self.s.collection, U256::from(TOKEN));
        (
            (0..CURRENCIES).map(|c| self.held(c)).collect(),
            self.s
                .view(collection, &IpCollection::userOfCall { tokenId: id }),
            self.s
                .view(collection, &IpCollection::userExpiresCall { tokenId: id }),
        )
    }

    /// Sends curator action `act` as `by` and checks its outcome.
    fn curator(&mut self, m: &Model, by: usize, act: CuratorAct) {
        let (vault, collection, market) = (self.vault, self.s.collection, self.s.market);
        let who = actor_address(by);
        let data = match act {
            CuratorAct::Legacy(shape) => {
                let (target, inner) = match shape {
                    0 => (
                        collection,
                        IpCollection::transferFromCall {
                            from: vault,
                            to: who,
                            tokenId: U256::from(TOKEN),
                        }
                        .abi_encode(),
                    ),
                    1 => (
                        collection,
                        IpCollection::setLeaseOperatorCall {
                            operator: who,
                            approved: true,
                        }
                        .abi_encode(),
                    ),
                    _ => (
                        market,
                        ShareVault::createOfferCall {
                            amount: 0,
                            terms: vault_terms(who, Address::ZERO, MAX_LEASE),
                        }
                        .abi_encode(),
                    ),
                };
                curatorCallCall {
                    target,
                    data: Bytes::from(inner),
                }
                .abi_encode()
            }
            CuratorAct::ApproveMarket => {
                ShareVault::setMarketApprovalCall { approved: true }.abi_encode()
            }
            CuratorAct::Offer {
                update,
                pays_vault,
                eth,
                max,
            } => {
                let payee = if pays_vault { vault } else { who };
                let token = if eth { Address::ZERO } else { collection };
                let terms = vault_terms(payee, token, max);
                if update {
                    ShareVault::updateOfferCall {
                        offerId: U256::from(2),
                        terms,
                    }
                    .abi_encode()
                } else {
                    ShareVault::createOfferCall { amount: 0, terms }.abi_encode()
                }
            }
            CuratorAct::Cancel => ShareVault::cancelOfferCall {
                offerId: U256::from(2),
            }
            .abi_encode(),
        };
        let before = self.untouchable();
        let got = self.s.send_raw(who, vault, data, U256::ZERO);
        let what = Action::Curator { by, act };
        match (&m.last_curator, &got) {
            (CuratorExpect::Ok, Ok(sent)) => {
                let own: Vec<&Event> = sent
                    .events
                    .iter()
                    .filter(|e| matches!(e, Event::Vault(..)))
                    .collect();
                assert!(own.is_empty(), "vault events of {what:?}: {own:?}");
            }
            (CuratorExpect::Ok, Err(r)) => panic!("{what:?} reverted: {r:?}"),
            (want, Ok(_)) => panic!("{what:?} succeeded, the model expected {want:?}"),
            (CuratorExpect::Vault(e), Err(r)) => {
                assert_eq!(&r.decode::<E>(), e, "error of {what:?}");
            }
            (CuratorExpect::Market(e), Err(r)) => {
                assert_eq!(&r.decode::<M>(), e, "error of {what:?}");
            }
            (CuratorExpect::Empty, Err(r)) => {
                assert!(r.data.is_empty(), "{what:?} reverted with {r:?}");
            }
        }
        // Invariant 16.
        assert_eq!(
            self.untouchable(),
            before,
            "{what:?} touched the vault's ETH or the user"
        );
    }
}

/// `got` without the test tokens' own events (undecoded: [`Event::Other`]);
/// the machine checks the tokens' balances instead.
fn suite_events(got: Result<Sent<()>, Revert>) -> Result<Sent<()>, Revert> {
    got.map(|mut sent| {
        sent.events.retain(|e| !matches!(e, Event::Other(_)));
        sent
    })
}

struct VaultMachine;

impl StateMachineTest for VaultMachine {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(m: &Model) -> World {
        let mut s = Suite::fresh();
        let tokens = create_test_tokens(&mut s);
        assert_eq!(tokens, m.tokens[1..], "test token addresses");
        let (admin, collection, factory) = (s.admin(), s.collection, s.vault_factory);
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
            revenueTokens: tokens.to_vec(),
            maxLeaseDuration: MAX_LEASE,
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
        // the vault: offers 1 (ETH), 3 (6-decimal token) and 4 (18-decimal
        // token), bought by the machine, and offer 2 (ETH, updated and
        // cancelled by curator actions, never bought).
        let approve = ShareVault::setMarketApprovalCall { approved: true };
        s.ok(curator, m.vault, &approve, U256::ZERO);
        for cur in [0, 0, 1, 2] {
            let mut terms = vault_terms(m.vault, m.tokens[cur], MAX_LEASE);
            terms.pricePerSecond = U256::from(PRICES[cur]);
            let offer = ShareVault::createOfferCall { amount: 0, terms };
            s.ok(curator, m.vault, &offer, U256::ZERO);
        }
        let eth = s.eth_total(&[]);
        let mut w = World {
            s,
            vault: m.vault,
            eth,
            tokens,
        };
        w.compare(m);
        w
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        let vault = w.vault;
        let a = actor_address;
        match t {
            Action::LeasePayment {
                buyer,
                cur,
                seconds,
            } => {
                let renew = m.last_renew;
                let price = U256::from(PRICES[cur] * u128::from(seconds));
                let market = w.s.market;
                // ERC-20 offers: the buyer gets and approves the price first.
                let value = if cur == 0 {
                    price
                } else {
                    let token = w.tokens[cur - 1];
                    let mint = TestToken::mintCall {
                        to: a(buyer),
                        value: price,
                    };
                    w.s.ok(a(buyer), token, &mint, U256::ZERO);
                    let approve = TestToken::approveCall {
                        spender: market,
                        value: price,
                    };
                    w.s.ok(a(buyer), token, &approve, U256::ZERO);
                    U256::ZERO
                };
                let (offer_id, version) = (U256::from(OFFERS[cur]), 1);
                let got = if renew {
                    let call = LicenseMarket::renewLeaseCall {
                        offerId: offer_id,
                        duration: seconds,
                        maxPrice: price,
                        version,
                    };
                    w.s.send(a(buyer), market, &call, value).map(Sent::unit)
                } else {
                    let call = LicenseMarket::buyLeaseCall {
                        offerId: offer_id,
                        duration: seconds,
                        maxPrice: price,
                        version,
                    };
                    w.s.send(a(buyer), market, &call, value).map(Sent::unit)
                };
                m.last_market.check(&t, &suite_events(got));
            }
            Action::Curator { by, act } => w.curator(m, by, act),
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
                    maxLeaseDuration: MAX_LEASE,
                    salt: B256::repeat_byte(1),
                };
                let got = w.s.send(a(by), factory, &call, U256::ZERO).map(Sent::unit);
                m.last_factory.check(&t, &suite_events(got));
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
                    Action::Deposit { from, cur, amount } => {
                        if cur == 0 {
                            w.s.send_raw(a(from), vault, Vec::new(), U256::from(amount))
                                .map(Sent::unit)
                        } else {
                            let mint = TestToken::mintCall {
                                to: vault,
                                value: U256::from(amount),
                            };
                            let token = w.tokens[cur - 1];
                            w.s.send(a(from), token, &mint, U256::ZERO).map(Sent::unit)
                        }
                    }
                    Action::Claim { holder, cur } => {
                        let call = ShareVault::claimCall {
                            tokens: vec![m.tokens[cur]],
                        };
                        w.s.send(a(holder), vault, &call, U256::ZERO)
                            .map(Sent::unit)
                    }
                    Action::Redeem { holder } => {
                        w.s.send(a(holder), vault, &ShareVault::redeemCall {}, U256::ZERO)
                            .map(Sent::unit)
                    }
                    Action::TransferCurator { by, to } => {
                        let call = ShareVault::transferCuratorCall { newCurator: a(to) };
                        w.s.send(a(by), vault, &call, U256::ZERO).map(Sent::unit)
                    }
                    Action::Warp { seconds } => {
                        w.s.warp(seconds);
                        Ok(Sent::default())
                    }
                    Action::LeasePayment { .. }
                    | Action::Refractionalize { .. }
                    | Action::Curator { .. } => {
                        unreachable!("handled above")
                    }
                };
                m.last.check(&t, &suite_events(got));
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
