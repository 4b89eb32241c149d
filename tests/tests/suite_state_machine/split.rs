//! Revenue split, end to end: a split created through the split factory
//! with random recipients and allocations; random deposits of ETH (plain
//! transfers to the proxy, and lease payments pushed by the licence market
//! with the split as payee) and of two ERC-20s with 6 and 18 decimals
//! (minted to the split, never announced to it), withdrawals triggered by
//! anyone for anyone, `settle`, `updateSplit` by the controller (listing
//! some tokens or none) and by others, control transfers and
//! `makeImmutable`, compared after every step with a plain-Rust model of the
//! entitlements per token (each epoch's revenue split
//! `floor(revenue · allocation / 10⁶)`, rounding dust to the dust recipient
//! when the token is settled out of the epoch; a token never touched
//! follows the initial set, and an update settles ETH and the listed
//! tokens: no update lowers anyone's claim, L-3).
//!
//! Invariants checked after every step (numbered as in tests/INVARIANTS.md):
//! 6. every address's `claimable` of each token is exactly the model's;
//!    `totalWithdrawn + Σ claimable ≤ totalReceived` with a shortfall below
//!    the number of recipients of the token's epoch, equal to `dust(ETH)`;
//!    `totalReceived`, `totalWithdrawn`, `epoch`, `tokenEpoch`, `getSplit`,
//!    `controller` and `pendingController` match the model;
//! 9. ETH is conserved across all accounts and contracts (gas price 0);
//! 10. a call the model says is unauthorised (`updateSplit`,
//!     `transferControl`, `makeImmutable` by a non-controller or after
//!     `makeImmutable`, `acceptControl` by a non-pending account, a
//!     withdrawal with nothing due) reverts with the exact custom error and
//!     changes nothing;
//! 12. every successful transaction emits exactly the events the model
//!     predicts (`Withdrawal`, `TokenSettled`, `SplitUpdated`, control
//!     events, the market's `LeasePurchased`/`LeaseRenewed` and the asset's
//!     `UpdateUser`), in order.

use alloy_primitives::{aliases::U96, Address, B256, U256};
use alloy_sol_types::SolCall;
use proptest::prelude::*;
use proptest::sample::{subsequence, Index};
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_tests::sol::{test_token_code, TestToken};
use stylus_ip_tests::suite::abi::{
    ILicenseMarket, IpCollection, LicenseMarket, Split, SplitFactory,
};
use stylus_ip_tests::suite::{
    actor_address, create_address, nft_lease_events, Event, Expect, Sent, Suite,
    COLLECTION_ROYALTY_BPS,
};
use LicenseMarket::LicenseMarketErrors as M;
use Split::SplitErrors as E;

/// Actors taking part (recipients, depositors, controllers).
const N: usize = 5;
/// Parts per million.
const SCALE: u128 = 1_000_000;
/// Lessor of the lease whose payments go to the split.
const LESSOR: usize = 5;
/// Price per second of that lease, wei.
const PRICE: u128 = 1_000_003;
/// The split's offer's `maxDuration` (seconds): no licence reaches further past now.
const OFFER_MAX_DURATION: u64 = 1_000;
/// The lease token (minted in `init_test`).
const TOKEN: u64 = 1;
/// Revenue currencies: ETH, then test ERC-20s with 6 and 18 decimals.
const TOKENS: usize = 3;
/// Decimals of the ERC-20 revenue tokens (indices 1 and 2).
const DECIMALS: [u8; 2] = [6, 18];

/// Creation code and CREATE2 salt of ERC-20 revenue token `k` (1 or 2).
fn token_code(k: usize) -> (B256, Vec<u8>) {
    let decimals = DECIMALS[k - 1];
    (
        B256::repeat_byte(0x70 + decimals),
        test_token_code(&format!("T{decimals}"), decimals),
    )
}

/// Address of revenue currency `k` (`address(0)` for ETH).
fn token_address(k: usize) -> Address {
    if k == 0 {
        return Address::ZERO;
    }
    let (salt, code) = token_code(k);
    create_address(salt, &code)
}

/// An allocation set: `(actor, parts per million)` ascending, dust recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Alloc {
    recipients: Vec<(usize, u32)>,
    dust: usize,
}

impl Alloc {
    fn of(&self, actor: usize) -> u128 {
        self.recipients
            .iter()
            .find(|r| r.0 == actor)
            .map_or(0, |r| u128::from(r.1))
    }

    fn addresses(&self) -> (Vec<Address>, Vec<u32>) {
        self.recipients
            .iter()
            .map(|&(a, p)| (actor_address(a), p))
            .unzip()
    }
}

/// One action.
#[derive(Debug, Clone)]
enum Action {
    /// `wei` units of currency `token` to the split (ETH: a plain transfer;
    /// an ERC-20: minted to it).
    Deposit {
        from: usize,
        wei: u128,
        token: usize,
    },
    LeasePayment {
        buyer: usize,
        seconds: u64,
    },
    Withdraw {
        caller: usize,
        recipient: usize,
        token: usize,
    },
    Settle {
        caller: usize,
        token: usize,
    },
    /// `settle`: the currencies listed in `settleTokens` (ETH is settled
    /// anyway).
    Update {
        by: usize,
        to: Alloc,
        settle: Vec<usize>,
    },
    TransferControl {
        by: usize,
        to: usize,
    },
    CancelTransfer {
        by: usize,
    },
    AcceptControl {
        by: usize,
    },
    MakeImmutable {
        by: usize,
    },
    Warp {
        seconds: u64,
    },
}

/// The split's books in one currency.
#[derive(Debug, Clone, Default)]
struct Books {
    /// Epoch the currency is pinned to (`None`: never touched, follows the
    /// initial set, epoch 0, until settled: an update never hands revenue
    /// the split has not settled to new recipients).
    epoch: Option<u32>,
    /// Total received when the currency last changed epoch.
    base: u128,
    /// Split balance and everything withdrawn.
    balance: u128,
    paid: u128,
    /// Settled out of earlier epochs, and withdrawn, per actor.
    credited: [u128; N],
    withdrawn: [u128; N],
}

/// The model: one split, ETH and two ERC-20s.
#[derive(Debug, Clone)]
struct Model {
    split: Address,
    now: u64,
    epochs: Vec<Alloc>,
    controller: Option<usize>,
    pending: Option<usize>,
    /// Books per currency (index: ETH, 6-decimal, 18-decimal token).
    books: [Books; TOKENS],
    /// The split's lease: licensee and expiry (0: none yet).
    lease: Option<(usize, u64)>,
    /// Expected outcome of the last split transaction, or of the last
    /// lease payment (market).
    last: Expect<E>,
    last_lease: Expect<M>,
    /// Whether the last lease payment was a renewal (the buyer's own lease
    /// was in force), whatever its outcome.
    last_lease_renews: bool,
}

fn share(revenue: u128, parts: u128) -> u128 {
    revenue * parts / SCALE
}

impl Model {
    fn current(&self) -> u32 {
        (self.epochs.len() - 1) as u32
    }

    fn token_epoch(&self, k: usize) -> u32 {
        self.books[k].epoch.unwrap_or(0)
    }

    fn received(&self, k: usize) -> u128 {
        self.books[k].balance + self.books[k].paid
    }

    fn revenue(&self, k: usize) -> u128 {
        self.received(k) - self.books[k].base
    }

    fn claimable(&self, a: usize, k: usize) -> u128 {
        let parts = self.epochs[self.token_epoch(k) as usize].of(a);
        let b = &self.books[k];
        b.credited[a] + share(self.revenue(k), parts) - b.withdrawn[a]
    }

    /// Settles currency `k` out of its epoch into `to`; returns the event.
    fn settle_to(&mut self, k: usize, to: u32) -> Option<Event> {
        let from = self.token_epoch(k);
        if from == to {
            return None;
        }
        let revenue = self.revenue(k);
        let mut dust = 0;
        if revenue != 0 {
            let set = self.epochs[from as usize].clone();
            let mut sum = 0;
            for &(r, parts) in &set.recipients {
                let s = share(revenue, u128::from(parts));
                self.books[k].credited[r] += s;
                sum += s;
            }
            dust = revenue - sum;
            self.books[k].credited[set.dust] += dust;
            self.books[k].base = self.received(k);
        }
        self.books[k].epoch = Some(to);
        Some(Event::Split(
            self.split,
            Split::SplitEvents::TokenSettled(Split::TokenSettled {
                token: token_address(k),
                fromEpoch: from,
                toEpoch: to,
                revenue: U256::from(revenue),
                dust: U256::from(dust),
            }),
        ))
    }

    fn updated_event(&self, epoch: u32, set: &Alloc) -> Event {
        let (recipients, allocations) = set.addresses();
        Event::Split(
            self.split,
            Split::SplitEvents::SplitUpdated(Split::SplitUpdated {
                epoch,
                recipients,
                allocations,
                dustRecipient: actor_address(set.dust),
            }),
        )
    }

    /// The controller check of `updateSplit`, `transferControl`, …
    fn require_controller(&self, by: usize) -> Result<usize, E> {
        match self.controller {
            None => Err(E::SplitImmutable(Split::SplitImmutable {})),
            Some(c) if c != by => Err(E::SplitUnauthorized(Split::SplitUnauthorized {
                caller: actor_address(by),
            })),
            Some(c) => Ok(c),
        }
    }

    fn control_event(&self, ev: Split::SplitEvents) -> Event {
        Event::Split(self.split, ev)
    }
}

/// An allocation set over a random non-empty subset of the actors.
fn alloc() -> impl Strategy<Value = Alloc> {
    subsequence((0..N).collect::<Vec<_>>(), 1..=N)
        .prop_flat_map(|members| {
            let n = members.len();
            (
                Just(members),
                prop::collection::vec(1u32..=1_000, n),
                any::<Index>(),
            )
        })
        .prop_map(|(members, weights, dust)| {
            let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
            let mut parts: Vec<u32> = weights
                .iter()
                .map(|&w| (u64::from(w) * SCALE as u64 / total) as u32)
                .collect();
            let sum: u32 = parts.iter().sum();
            parts[0] += SCALE as u32 - sum;
            Alloc {
                dust: members[dust.index(members.len())],
                recipients: members.into_iter().zip(parts).collect(),
            }
        })
}

/// An actor, `who` three times out of four when there is one.
fn biased(who: Option<usize>) -> BoxedStrategy<usize> {
    match who {
        Some(w) => prop_oneof![3 => Just(w), 1 => 0..N].boxed(),
        None => (0..N).boxed(),
    }
}

/// Deposits: mostly small odd amounts (rounding), some large.
fn wei() -> impl Strategy<Value = u128> {
    prop_oneof![
        3 => 1u128..10_000,
        2 => 1u128..2_000_000_000_000_000_000,
    ]
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<Model> {
        (alloc(), 0..N)
            .prop_map(|(set, controller)| {
                let split = predicted_split(&set, controller);
                Model {
                    split,
                    now: Suite::template().start,
                    epochs: vec![set],
                    controller: Some(controller),
                    pending: None,
                    books: Default::default(),
                    lease: None,
                    last: Expect::default(),
                    last_lease: Expect::default(),
                    last_lease_renews: false,
                }
            })
            .boxed()
    }

    fn transitions(s: &Model) -> BoxedStrategy<Action> {
        let actor = 0..N;
        // Callers biased towards the ones that may act: the controller, the
        // pending controller, the recipients of ETH's epoch.
        let controller = biased(s.controller);
        let pending = biased(s.pending);
        let members: Vec<usize> = s.epochs[s.token_epoch(0) as usize]
            .recipients
            .iter()
            .map(|r| r.0)
            .collect();
        let recipient = prop_oneof![3 => proptest::sample::select(members), 1 => 0..N];
        prop_oneof![
            4 => (actor.clone(), wei(), 0..TOKENS).prop_map(|(from, wei, token)| Action::Deposit { from, wei, token }),
            2 => (actor.clone(), 1u64..500).prop_map(|(buyer, seconds)| Action::LeasePayment { buyer, seconds }),
            5 => (actor.clone(), recipient, 0..TOKENS).prop_map(|(caller, recipient, token)| Action::Withdraw { caller, recipient, token }),
            1 => (actor.clone(), 0..TOKENS).prop_map(|(caller, token)| Action::Settle { caller, token }),
            3 => (controller.clone(), alloc(), subsequence((0..TOKENS).collect::<Vec<_>>(), 0..=TOKENS))
                .prop_map(|(by, to, settle)| Action::Update { by, to, settle }),
            1 => (controller.clone(), actor).prop_map(|(by, to)| Action::TransferControl { by, to }),
            1 => controller.clone().prop_map(|by| Action::CancelTransfer { by }),
            1 => pending.prop_map(|by| Action::AcceptControl { by }),
            // Rare: immutability ends the updates.
            1 => (controller, prop::bool::weighted(0.15)).prop_map(|(by, really)| {
                Action::MakeImmutable { by: if really { by } else { (by + 1) % N } }
            }),
            1 => (1u64..1_000).prop_map(|seconds| Action::Warp { seconds }),
        ]
        .boxed()
    }

    fn apply(mut s: Model, t: &Action) -> Model {
        s.last = Expect::default();
        match *t {
            Action::Deposit { wei, token, .. } => s.books[token].balance += wei,
            Action::LeasePayment { buyer, seconds } => {
                s.last_lease_renews = false;
                let price = PRICE * u128::from(seconds);
                let royalty = price * u128::from(COLLECTION_ROYALTY_BPS) / 10_000;
                let (expires, renew) = match s.lease {
                    Some((holder, until)) if until >= s.now => {
                        if holder != buyer {
                            // Another licensee's locked lease: a purchase
                            // is refused.
                            s.last_lease = Expect::Err(M::LicenseMarketTokenLeased(
                                LicenseMarket::LicenseMarketTokenLeased {
                                    collection: Suite::template().collection,
                                    tokenId: U256::from(TOKEN),
                                    expires: U256::from(until),
                                },
                            ));
                            return s;
                        }
                        (until + seconds, true)
                    }
                    _ => (s.now + seconds, false),
                };
                s.last_lease_renews = renew;
                // No licence reaches further than the offer's maxDuration
                // past now (invariant 15): a renewal beyond it is refused.
                let latest = s.now + OFFER_MAX_DURATION;
                if expires > latest {
                    s.last_lease = Expect::Err(M::LicenseMarketLeaseTooLong(
                        LicenseMarket::LicenseMarketLeaseTooLong { expires, latest },
                    ));
                    return s;
                }
                s.lease = Some((buyer, expires));
                s.books[0].balance += price - royalty;
                s.last_lease = Expect::Ok(lease_events(buyer, expires, price, royalty, renew));
            }
            Action::Withdraw {
                recipient, token, ..
            } => {
                let amount = s.claimable(recipient, token);
                if amount == 0 {
                    s.last =
                        Expect::Err(E::SplitNothingToWithdraw(Split::SplitNothingToWithdraw {
                            recipient: actor_address(recipient),
                        }));
                    return s;
                }
                s.books[token].epoch = Some(s.token_epoch(token));
                let b = &mut s.books[token];
                b.withdrawn[recipient] += amount;
                b.paid += amount;
                b.balance -= amount;
                s.last = Expect::Ok(vec![Event::Split(
                    s.split,
                    Split::SplitEvents::Withdrawal(Split::Withdrawal {
                        recipient: actor_address(recipient),
                        token: token_address(token),
                        amount: U256::from(amount),
                    }),
                )]);
            }
            Action::Settle { token, .. } => {
                let current = s.current();
                s.last = Expect::Ok(s.settle_to(token, current).into_iter().collect());
            }
            Action::Update {
                by,
                ref to,
                ref settle,
            } => {
                if let Err(e) = s.require_controller(by) {
                    s.last = Expect::Err(e);
                    return s;
                }
                // ETH is always settled, then the listed currencies (ETH
                // again is a no-op); the others keep their set (L-3).
                let next = s.current() + 1;
                let mut events: Vec<Event> = s.settle_to(0, next).into_iter().collect();
                for &k in settle {
                    events.extend(s.settle_to(k, next));
                }
                events.push(s.updated_event(next, to));
                s.epochs.push(to.clone());
                s.last = Expect::Ok(events);
            }
            Action::TransferControl { by, to } => match s.require_controller(by) {
                Err(e) => s.last = Expect::Err(e),
                Ok(c) => {
                    s.pending = Some(to);
                    s.last = Expect::Ok(vec![s.control_event(
                        Split::SplitEvents::ControlTransferStarted(Split::ControlTransferStarted {
                            controller: actor_address(c),
                            newController: actor_address(to),
                        }),
                    )]);
                }
            },
            Action::CancelTransfer { by } => match s.require_controller(by) {
                Err(e) => s.last = Expect::Err(e),
                Ok(c) => {
                    let pending = s.pending.take().map_or(Address::ZERO, actor_address);
                    s.last = Expect::Ok(vec![s.control_event(
                        Split::SplitEvents::ControlTransferCancelled(
                            Split::ControlTransferCancelled {
                                controller: actor_address(c),
                                pendingController: pending,
                            },
                        ),
                    )]);
                }
            },
            Action::AcceptControl { by } => {
                if s.pending != Some(by) {
                    s.last = Expect::Err(E::SplitUnauthorized(Split::SplitUnauthorized {
                        caller: actor_address(by),
                    }));
                    return s;
                }
                let previous = s.controller.map_or(Address::ZERO, actor_address);
                s.controller = s.pending.take();
                s.last = Expect::Ok(vec![s.control_event(
                    Split::SplitEvents::ControlTransferred(Split::ControlTransferred {
                        previousController: previous,
                        newController: actor_address(by),
                    }),
                )]);
            }
            Action::MakeImmutable { by } => match s.require_controller(by) {
                Err(e) => s.last = Expect::Err(e),
                Ok(c) => {
                    s.controller = None;
                    s.pending = None;
                    s.last = Expect::Ok(vec![s.control_event(
                        Split::SplitEvents::ControlTransferred(Split::ControlTransferred {
                            previousController: actor_address(c),
                            newController: Address::ZERO,
                        }),
                    )]);
                }
            },
            Action::Warp { seconds } => s.now += seconds,
        }
        s
    }
}

/// Events of a lease bought or renewed by `buyer` on the split's offer.
fn lease_events(buyer: usize, expires: u64, price: u128, royalty: u128, renew: bool) -> Vec<Event> {
    nft_lease_events(
        U256::from(TOKEN),
        U256::from(1),
        actor_address(buyer),
        expires,
        U256::from(price),
        U256::from(royalty),
        renew,
    )
}

/// The split address the factory gives `set` with `controller` and salt 0.
fn predicted_split(set: &Alloc, controller: usize) -> Address {
    let (recipients, allocations) = set.addresses();
    let mut s = Suite::fresh();
    let factory = s.split_factory;
    s.view(
        factory,
        &SplitFactory::predictAddressCall {
            recipients,
            allocations,
            controller: actor_address(controller),
            dustRecipient: actor_address(set.dust),
            salt: B256::ZERO,
        },
    )
}

/// `getSplit()` of `split`, decoded with the exported ABI (a `SplitView`
/// struct: the splits contract returns a struct because stylus-sdk 0.9.0
/// encodes returned tuples holding arrays with an extra offset word,
/// OffchainLabs/stylus-sdk-rs#308; see [`get_split_follows_its_abi`]).
fn get_split(s: &mut Suite, split: Address) -> (Vec<Address>, Vec<u32>, Address) {
    let v = s.view(split, &Split::getSplitCall {});
    (v.recipients, v.allocations, v.dustRecipient)
}

/// Regression of the tuple-encoding bug (see [`get_split`]): `getSplit()`
/// on a fresh split decodes with the exported ABI.
#[test]
fn get_split_follows_its_abi() {
    let mut s = Suite::fresh();
    let set = Alloc {
        recipients: vec![(0, 500_000), (1, 500_000)],
        dust: 0,
    };
    let (recipients, allocations) = set.addresses();
    let create = SplitFactory::createSplitCall {
        recipients,
        allocations,
        controller: actor_address(0),
        dustRecipient: actor_address(0),
        salt: B256::ZERO,
    };
    let (factory, creator) = (s.split_factory, s.actor(0));
    let split = s.ok(creator, factory, &create, U256::ZERO).ret;
    let out = s
        .view_raw(split, Split::getSplitCall {}.abi_encode())
        .expect("getSplit() reverted");
    let decoded = Split::getSplitCall::abi_decode_returns(&out);
    assert!(decoded.is_ok(), "getSplit() returned {out}: {decoded:?}");
}

struct World {
    s: Suite,
    split: Address,
    eth: U256,
}

impl World {
    fn compare(&mut self, m: &Model) {
        let split = self.split;
        for k in 0..TOKENS {
            self.compare_books(m, k);
        }
        assert_eq!(
            self.s.view(split, &Split::epochCall {}),
            m.current(),
            "epoch"
        );
        let current = get_split(&mut self.s, split);
        let set = m.epochs.last().expect("epoch 0");
        let (recipients, allocations) = set.addresses();
        assert_eq!(
            current,
            (recipients, allocations, actor_address(set.dust)),
            "getSplit"
        );
        let controller = self.s.view(split, &Split::controllerCall {});
        assert_eq!(
            controller,
            m.controller.map_or(Address::ZERO, actor_address),
            "controller"
        );
        let pending = self.s.view(split, &Split::pendingControllerCall {});
        assert_eq!(
            pending,
            m.pending.map_or(Address::ZERO, actor_address),
            "pendingController"
        );
        // Invariant 9.
        assert_eq!(self.s.eth_total(&[]), self.eth, "ETH conservation");
    }

    /// Invariant 6 in currency `k`.
    fn compare_books(&mut self, m: &Model, k: usize) {
        let (split, token) = (self.split, token_address(k));
        let mut claimable_sum = 0u128;
        for a in 0..N {
            let got = self.s.view(
                split,
                &Split::claimableCall {
                    recipient: actor_address(a),
                    token,
                },
            );
            let want = m.claimable(a, k);
            assert_eq!(got, U256::from(want), "claimable of actor {a} in {k}");
            claimable_sum += want;
        }
        let received = self.s.view(split, &Split::totalReceivedCall { token });
        let withdrawn = self.s.view(split, &Split::totalWithdrawnCall { token });
        let b = &m.books[k];
        assert_eq!(received, U256::from(m.received(k)), "totalReceived of {k}");
        assert_eq!(withdrawn, U256::from(b.paid), "totalWithdrawn of {k}");
        let balance = if k == 0 {
            self.s.balance(split)
        } else {
            self.s
                .view(token, &TestToken::balanceOfCall { account: split })
        };
        assert_eq!(balance, U256::from(b.balance), "split balance of {k}");
        // Covered, with a shortfall (the rounding of the epoch the currency
        // follows) below its number of recipients, reported as dust.
        let shortfall = m.received(k) - b.paid - claimable_sum;
        let recipients = m.epochs[m.token_epoch(k) as usize].recipients.len() as u128;
        assert!(
            shortfall < recipients,
            "shortfall {shortfall} ≥ {recipients} in {k}"
        );
        let dust = self.s.view(split, &Split::dustCall { token });
        assert_eq!(dust, U256::from(shortfall), "dust of {k}");
        assert_eq!(
            self.s.view(split, &Split::tokenEpochCall { token }),
            m.token_epoch(k),
            "tokenEpoch of {k}"
        );
    }
}

struct SplitMachine;

impl StateMachineTest for SplitMachine {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(m: &Model) -> World {
        let mut s = Suite::fresh();
        let set = &m.epochs[0];
        let (recipients, allocations) = set.addresses();
        let controller = actor_address(m.controller.expect("initial controller"));
        let create = SplitFactory::createSplitCall {
            recipients,
            allocations,
            controller,
            dustRecipient: actor_address(set.dust),
            salt: B256::ZERO,
        };
        let (factory, creator) = (s.split_factory, s.actor(0));
        s.splits.insert(m.split);
        let sent = s.ok(creator, factory, &create, U256::ZERO);
        assert_eq!(sent.ret, m.split, "split address");
        let want = vec![
            m.control_event(Split::SplitEvents::ControlTransferred(
                Split::ControlTransferred {
                    previousController: Address::ZERO,
                    newController: controller,
                },
            )),
            m.updated_event(0, set),
            Event::SplitFactory(SplitFactory::SplitFactoryEvents::SplitCreated(
                SplitFactory::SplitCreated {
                    split: m.split,
                    creator,
                    controller,
                    salt: B256::ZERO,
                },
            )),
        ];
        assert_eq!(sent.events, want, "createSplit events");

        // The lease whose payments go to the split: token 1 of the lessor,
        // offered at PRICE wei/s with the split as payee (royalty: the
        // collection's default, to admin).
        let (admin, collection, market) = (s.admin(), s.collection, s.market);
        let lessor = s.actor(LESSOR);
        let mint = IpCollection::mintCall {
            to: lessor,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        };
        s.ok(admin, collection, &mint, U256::ZERO);
        let offer = LicenseMarket::createOfferCall {
            collection,
            tokenId: U256::from(TOKEN),
            amount: 0,
            terms: ILicenseMarket::OfferTerms {
                pricePerSecond: U256::from(PRICE),
                paymentToken: Address::ZERO,
                minDuration: 1,
                maxDuration: OFFER_MAX_DURATION,
                endTime: 0,
                maxLicensees: 1,
                payee: m.split,
                termsHash: B256::repeat_byte(7),
                termsUri: "ipfs://terms".into(),
                flags: 1,
                maxRoyaltyBps: 10_000,
            },
        };
        s.ok(lessor, market, &offer, U256::ZERO);
        // The two ERC-20 revenue tokens, at the addresses the model knows.
        for k in 1..TOKENS {
            let (salt, code) = token_code(k);
            let at = s.create(admin, salt, code);
            assert_eq!(at, token_address(k), "token {k}");
        }
        let eth = s.eth_total(&[]);
        let mut w = World {
            s,
            split: m.split,
            eth,
        };
        w.compare(m);
        w
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        let split = w.split;
        let a = actor_address;
        if let Action::LeasePayment { buyer, seconds } = t {
            // A renewal when the model says the buyer's own lease is in force.
            let renew = m.last_lease_renews;
            let (offer_id, price) = (U256::from(1), U256::from(PRICE * u128::from(seconds)));
            let (market, buyer) = (w.s.market, a(buyer));
            let got = if renew {
                let call = LicenseMarket::renewLeaseCall {
                    offerId: offer_id,
                    duration: seconds,
                    maxPrice: price,
                    version: 1,
                };
                w.s.send(buyer, market, &call, price).map(Sent::unit)
            } else {
                let call = LicenseMarket::buyLeaseCall {
                    offerId: offer_id,
                    duration: seconds,
                    maxPrice: price,
                    version: 1,
                };
                w.s.send(buyer, market, &call, price).map(Sent::unit)
            };
            m.last_lease.check(&t, &got);
            w.compare(m);
            return w;
        }
        let got = match t {
            Action::Deposit {
                from,
                wei,
                token: 0,
            } => {
                w.s.send_raw(a(from), split, Vec::new(), U256::from(wei))
                    .map(Sent::unit)
            }
            Action::Deposit { from, wei, token } => {
                let mint = TestToken::mintCall {
                    to: split,
                    value: U256::from(wei),
                };
                w.s.ok(a(from), token_address(token), &mint, U256::ZERO);
                // The split sees nothing of it: no event of the split's.
                Ok(Sent::default())
            }
            Action::Withdraw {
                caller,
                recipient,
                token,
            } => {
                let call = Split::withdrawCall {
                    recipient: a(recipient),
                    tokens: vec![token_address(token)],
                };
                w.s.send(a(caller), split, &call, U256::ZERO)
                    .map(|sent| Sent {
                        ret: (),
                        events: split_events(sent.events),
                    })
            }
            Action::Settle { caller, token } => {
                let call = Split::settleCall {
                    token: token_address(token),
                };
                w.s.send(a(caller), split, &call, U256::ZERO)
                    .map(Sent::unit)
            }
            Action::Update {
                by,
                ref to,
                ref settle,
            } => {
                let (recipients, allocations) = to.addresses();
                let call = Split::updateSplitCall {
                    recipients,
                    allocations,
                    dustRecipient: a(to.dust),
                    settleTokens: settle.iter().map(|&k| token_address(k)).collect(),
                };
                w.s.send(a(by), split, &call, U256::ZERO).map(Sent::unit)
            }
            Action::TransferControl { by, to } => {
                let call = Split::transferControlCall {
                    newController: a(to),
                };
                w.s.send(a(by), split, &call, U256::ZERO).map(Sent::unit)
            }
            Action::CancelTransfer { by } => {
                w.s.send(
                    a(by),
                    split,
                    &Split::cancelControlTransferCall {},
                    U256::ZERO,
                )
                .map(Sent::unit)
            }
            Action::AcceptControl { by } => {
                w.s.send(a(by), split, &Split::acceptControlCall {}, U256::ZERO)
                    .map(Sent::unit)
            }
            Action::MakeImmutable { by } => {
                w.s.send(a(by), split, &Split::makeImmutableCall {}, U256::ZERO)
                    .map(Sent::unit)
            }
            Action::Warp { seconds } => {
                w.s.warp(seconds);
                Ok(Sent::default())
            }
            Action::LeasePayment { .. } => unreachable!("handled above"),
        };
        m.last.check(&t, &got);
        w.compare(m);
        w
    }
}

/// The split's own events (an ERC-20 payment's `Transfer` is the token's).
fn split_events(events: Vec<Event>) -> Vec<Event> {
    events
        .into_iter()
        .filter(|e| !matches!(e, Event::Other(..)))
        .collect()
}

prop_state_machine! {
    #![proptest_config(crate::config())]

    fn split_machine(sequential 1..20 => SplitMachine);
}

#[test]
fn split_matches_the_model() {
    crate::on_big_stack(split_machine);
}
