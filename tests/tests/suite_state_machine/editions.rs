//! ERC-1155 editions with ERC-5006 user records, end to end: random edition
//! creations, mints and batch mints (by the minter and by others), single and
//! batch transfers and burns by holders, approved operators and strangers,
//! operator and lease-operator approvals, user records created by owners,
//! operators, lease operators (locked) and strangers, extensions,
//! deletions and time warps, compared after every step with a plain-Rust
//! model.
//!
//! Invariants checked after every step (numbered as in tests/INVARIANTS.md):
//! 1. `balanceOfBatch` over every actor and id matches the model, and for
//!    every id Σ balances = `totalSupply(id)` = the model's supply (≤ the
//!    edition's maximum);
//! 2. `frozenBalanceOf(owner)` and `usableBalanceOf(user)` match the model
//!    for every actor and id: frozen ≤ balance (the owner can move exactly
//!    `balance − frozen`), Σ usable = Σ frozen per id, and nothing is frozen
//!    or usable once its record expired;
//! 3. every record created, extended or deleted (`userRecordOf`,
//!    `isRecordLocked`) matches the model — no user keeps rights after
//!    expiry, a locked record cannot be deleted by the owner side before it
//!    expires, and only a lease operator of the owner extends an active
//!    record, to a later expiry;
//! 10. a call the model says is unauthorised (mint or `createId` by a
//!     non-minter, transfer/burn/record by a non-approved account, deleting
//!     a locked or someone else's record) reverts with the exact custom
//!     error and changes nothing;
//! 12. every successful transaction emits exactly the events the model
//!     predicts, in order.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{aliases::U96, Address, B256, U256};
use proptest::prelude::*;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_tests::suite::abi::{IIpEditions, IpEditions};
use stylus_ip_tests::suite::{actor_address, Event, Expect, Sent, Suite};
use IpEditions::{IpEditionsErrors as E, IpEditionsEvents as Ev};

/// Actors taking part; index `N` is the admin (owner and minter).
const N: usize = 4;
/// Most editions (2 exist in the suite).
const MAX_IDS: u64 = 3;
/// `keccak256("MINTER_ROLE")`.
const MINTER_ROLE: B256 =
    alloy_primitives::b256!("9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6");

fn who(i: usize) -> Address {
    if i == N {
        Suite::template().admin()
    } else {
        actor_address(i)
    }
}

/// One action. `by` may be the admin (`N`).
#[derive(Debug, Clone)]
enum Action {
    CreateId {
        by: usize,
        max: u128,
    },
    Mint {
        by: usize,
        to: usize,
        id: u64,
        amount: u128,
    },
    MintBatch {
        to: usize,
        items: Vec<(u64, u128)>,
    },
    Transfer {
        by: usize,
        from: usize,
        to: usize,
        items: Vec<(u64, u128)>,
    },
    Burn {
        by: usize,
        from: usize,
        id: u64,
        amount: u128,
    },
    Approve {
        owner: usize,
        operator: usize,
        approved: bool,
    },
    LeaseOperator {
        owner: usize,
        operator: usize,
        approved: bool,
    },
    CreateRecord {
        by: usize,
        owner: usize,
        user: usize,
        id: u64,
        amount: u64,
        seconds: u64,
    },
    DeleteRecord {
        by: usize,
        record: u64,
    },
    /// `extendUserRecord(record, expiry)` (an absolute expiry).
    ExtendRecord {
        by: usize,
        record: u64,
        expiry: u64,
    },
    Warp {
        seconds: u64,
    },
    /// L-6, user-side griefing: `stranger` creates one-unit records for
    /// `victim` until its own list is full (16) or its units run out, then
    /// `lessor` (any actor) creates a record of one unit for `victim`: a
    /// stranger can never exhaust a user's records.
    Grief {
        stranger: usize,
        victim: usize,
        id: u64,
        lessor: usize,
    },
}

/// Longest a lock (a lease operator's record, or an extension) may reach
/// past now: 5 × 365 days.
const LOCK_HORIZON: u64 = 157_680_000;
/// Duration of the griefing records.
const GRIEF_SECONDS: u64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    id: u64,
    owner: usize,
    user: usize,
    amount: u64,
    expiry: u64,
    locked: bool,
}

#[derive(Debug, Clone)]
struct Model {
    now: u64,
    /// Maximum supply per id (index `id - 1`; 0 = open edition).
    max: Vec<u128>,
    supply: Vec<u128>,
    balance: BTreeMap<(usize, u64), u128>,
    approved: BTreeSet<(usize, usize)>,
    lease_ops: BTreeSet<(usize, usize)>,
    records: BTreeMap<u64, Record>,
    next_record: u64,
    /// Every `(account, id)` a record ever named (the others have nothing
    /// frozen or usable).
    in_records: BTreeSet<(usize, u64)>,
    last: Expect<E>,
    /// Records the last [`Action::Grief`] created before its final call.
    grief: u64,
}

impl Model {
    fn last_id(&self) -> u64 {
        self.max.len() as u64
    }

    fn bal(&self, a: usize, id: u64) -> u128 {
        self.balance.get(&(a, id)).copied().unwrap_or(0)
    }

    fn active(&self) -> impl Iterator<Item = &Record> + '_ {
        self.records.values().filter(|r| r.expiry >= self.now)
    }

    fn frozen(&self, owner: usize, id: u64) -> u128 {
        self.active()
            .filter(|r| r.owner == owner && r.id == id)
            .map(|r| u128::from(r.amount))
            .sum()
    }

    fn usable(&self, user: usize, id: u64) -> u128 {
        self.active()
            .filter(|r| r.user == user && r.id == id)
            .map(|r| u128::from(r.amount))
            .sum()
    }

    fn approved_for(&self, owner: usize, caller: usize) -> bool {
        caller == owner || self.approved.contains(&(owner, caller))
    }

    fn ev(e: Ev) -> Event {
        Event::Editions(e)
    }

    /// `check_debit` then the balance moves of a transfer (`to` = `None`:
    /// burn). Returns the error, or applies the moves.
    fn debit(
        &mut self,
        by: usize,
        from: usize,
        to: Option<usize>,
        items: &[(u64, u128)],
    ) -> Result<(), Box<E>> {
        if !self.approved_for(from, by) {
            return Err(Box::new(E::ERC1155MissingApprovalForAll(
                IpEditions::ERC1155MissingApprovalForAll {
                    operator: who(by),
                    owner: who(from),
                },
            )));
        }
        let mut totals: Vec<(u64, u128)> = Vec::new();
        for &(id, v) in items {
            match totals.iter_mut().find(|t| t.0 == id) {
                Some(t) => t.1 += v,
                None => totals.push((id, v)),
            }
        }
        for &(id, total) in &totals {
            let frozen = self.frozen(from, id);
            if frozen != 0 {
                let available = self.bal(from, id).saturating_sub(frozen);
                if total > available {
                    return Err(Box::new(E::EditionsInsufficientUnfrozenBalance(
                        IpEditions::EditionsInsufficientUnfrozenBalance {
                            owner: who(from),
                            tokenId: U256::from(id),
                            available: U256::from(available),
                            needed: U256::from(total),
                        },
                    )));
                }
            }
        }
        let mut next = self.balance.clone();
        let mut supply = self.supply.clone();
        for &(id, v) in items {
            let b = next.get(&(from, id)).copied().unwrap_or(0);
            if b < v {
                return Err(Box::new(E::ERC1155InsufficientBalance(
                    IpEditions::ERC1155InsufficientBalance {
                        sender: who(from),
                        balance: U256::from(b),
                        needed: U256::from(v),
                        tokenId: U256::from(id),
                    },
                )));
            }
            next.insert((from, id), b - v);
            match to {
                Some(to) => *next.entry((to, id)).or_default() += v,
                None => supply[id as usize - 1] -= v,
            }
        }
        self.balance = next;
        self.supply = supply;
        Ok(())
    }

    /// The transfer event of `items` (single or batch).
    fn transfer_event(by: usize, from: Address, to: Address, items: &[(u64, u128)]) -> Event {
        let operator = who(by);
        if let [(id, value)] = items {
            Self::ev(Ev::TransferSingle(IpEditions::TransferSingle {
                operator,
                from,
                to,
                id: U256::from(*id),
                value: U256::from(*value),
            }))
        } else {
            Self::ev(Ev::TransferBatch(IpEditions::TransferBatch {
                operator,
                from,
                to,
                ids: items.iter().map(|i| U256::from(i.0)).collect(),
                values: items.iter().map(|i| U256::from(i.1)).collect(),
            }))
        }
    }

    fn mint(&mut self, by: usize, to: usize, items: &[(u64, u128)]) -> Expect<E> {
        if by != N {
            return Expect::Err(E::AccessControlUnauthorizedAccount(
                IpEditions::AccessControlUnauthorizedAccount {
                    account: who(by),
                    neededRole: MINTER_ROLE,
                },
            ));
        }
        let mut totals: Vec<(u64, u128)> = Vec::new();
        for &(id, v) in items {
            match totals.iter_mut().find(|t| t.0 == id) {
                Some(t) => t.1 += v,
                None => totals.push((id, v)),
            }
        }
        for &(id, amount) in &totals {
            if id == 0 || id > self.last_id() {
                return Expect::Err(E::EditionsNonexistentEdition(
                    IpEditions::EditionsNonexistentEdition { id: U256::from(id) },
                ));
            }
            let (supply, max) = (self.supply[id as usize - 1], self.max[id as usize - 1]);
            let cap = if max == 0 { u128::MAX } else { max };
            if supply + amount > cap {
                return Expect::Err(E::EditionsMaxSupplyExceeded(
                    IpEditions::EditionsMaxSupplyExceeded {
                        id: U256::from(id),
                        available: U256::from(cap - supply),
                        amount: U256::from(amount),
                    },
                ));
            }
        }
        for &(id, amount) in items {
            self.supply[id as usize - 1] += amount;
            *self.balance.entry((to, id)).or_default() += amount;
        }
        Expect::Ok(vec![Self::transfer_event(
            by,
            Address::ZERO,
            who(to),
            items,
        )])
    }
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<Model> {
        // Initial holdings of editions 1 and 2 (minted in `init_test`).
        prop::collection::vec((0u128..=200, 0u128..=200), N)
            .prop_map(|held| {
                let mut balance = BTreeMap::new();
                let mut supply = vec![0, 0];
                for (a, &(one, two)) in held.iter().enumerate() {
                    for (id, v) in [(1, one), (2, two)] {
                        if v > 0 {
                            balance.insert((a, id), v);
                            supply[id as usize - 1] += v;
                        }
                    }
                }
                Model {
                    now: Suite::template().start,
                    // The suite's editions: 1 (max 1,000) and 2 (open).
                    max: vec![1_000, 0],
                    supply,
                    balance,
                    approved: BTreeSet::new(),
                    // Each actor starts with its neighbour as lease operator.
                    lease_ops: (0..N).map(|a| (a, (a + 1) % N)).collect(),
                    records: BTreeMap::new(),
                    next_record: 1,
                    grief: 0,
                    in_records: BTreeSet::new(),
                    last: Expect::default(),
                }
            })
            .boxed()
    }

    fn transitions(s: &Model) -> BoxedStrategy<Action> {
        let actor = 0..N;
        let anyone = 0..=N;
        let last = s.last_id();
        // Existing ids, and now and then the next, nonexistent one.
        let id = prop_oneof![9 => 1..=last, 1 => Just(last + 1)];
        // Mostly the minter.
        let minter = prop_oneof![4 => Just(N), 1 => 0..N];
        // A holding `(holder, id, amount to move)`: mostly an existing
        // balance and an amount it covers, sometimes anything.
        let held: Vec<(usize, u64, u128)> = s
            .balance
            .iter()
            .filter(|(_, &b)| b > 0)
            .map(|(&(a, id), &b)| (a, id, b))
            .collect();
        let anything = (actor.clone(), id.clone(), 0u128..120).boxed();
        let holding = if held.is_empty() {
            anything
        } else {
            prop_oneof![
                4 => proptest::sample::select(held).prop_flat_map(|(a, id, b)| {
                    (Just(a), Just(id), prop_oneof![4 => 1..=b, 1 => b + 1..b + 20])
                }),
                1 => anything,
            ]
            .boxed()
        };
        // The caller acting on a holder's units: the holder, one of its
        // approved or lease operators, or anyone.
        let (approved, lease_ops) = (s.approved.clone(), s.lease_ops.clone());
        let caller = move |holder: usize| {
            let ops: Vec<usize> = approved
                .iter()
                .chain(&lease_ops)
                .filter(|p| p.0 == holder)
                .map(|p| p.1)
                .collect();
            if ops.is_empty() {
                prop_oneof![3 => Just(holder), 1 => 0..=N].boxed()
            } else {
                prop_oneof![3 => Just(holder), 2 => proptest::sample::select(ops), 1 => 0..=N]
                    .boxed()
            }
        };
        let caller2 = caller.clone();
        let caller3 = caller.clone();
        let records: Vec<(u64, usize, usize)> = s
            .records
            .iter()
            .map(|(&k, r)| (k, r.owner, r.user))
            .collect();
        let next_record = s.next_record;
        let record = if records.is_empty() {
            (Just(next_record), anyone).boxed()
        } else {
            prop_oneof![
                4 => proptest::sample::select(records).prop_flat_map(|(k, owner, user)| {
                    (Just(k), prop_oneof![2 => Just(owner), 1 => Just(user), 1 => 0..=N])
                }),
                1 => (1..=next_record, 0..=N),
            ]
            .boxed()
        };
        // Extensions mostly by a lease operator of the record's owner, to a
        // later expiry.
        let extendable: Vec<(u64, usize, u64)> = s
            .records
            .iter()
            .map(|(&k, r)| (k, r.owner, r.expiry))
            .collect();
        let lease_ops: Vec<(usize, usize)> = s.lease_ops.iter().copied().collect();
        let extension = if extendable.is_empty() {
            (Just(next_record), 0..=N, Just(s.now + 1)).boxed()
        } else {
            proptest::sample::select(extendable)
                .prop_flat_map(move |(k, owner, expiry)| {
                    let ops: Vec<usize> = lease_ops
                        .iter()
                        .filter(|p| p.0 == owner)
                        .map(|p| p.1)
                        .collect();
                    let by = if ops.is_empty() {
                        (0..=N).boxed()
                    } else {
                        prop_oneof![3 => proptest::sample::select(ops), 1 => 0..=N].boxed()
                    };
                    // Now and then past the five-year lock horizon.
                    let later = prop_oneof![1 => Just(0u64), 6 => 1u64..2_000, 1 => Just(LOCK_HORIZON + 1_500)];
                    (Just(k), by, later.prop_map(move |d| expiry + d))
                })
                .boxed()
        };
        prop_oneof![
            2 => extension.prop_map(|(record, by, expiry)| Action::ExtendRecord { by, record, expiry }),
            1 => (minter.clone(), prop_oneof![Just(0u128), 1u128..400])
                .prop_map(|(by, max)| Action::CreateId { by, max }),
            4 => (minter, actor.clone(), id.clone(), 0u128..300)
                .prop_map(|(by, to, id, amount)| Action::Mint { by, to, id, amount }),
            1 => (actor.clone(), prop::collection::vec((id.clone(), 0u128..120), 2..=3))
                .prop_map(|(to, items)| Action::MintBatch { to, items }),
            5 => (holding.clone(), actor.clone(), prop::collection::vec((id, 0u128..20), 0..=2))
                .prop_flat_map(move |((from, id, amount), to, more)| {
                    let mut items = vec![(id, amount)];
                    items.extend(more);
                    (caller(from), Just(from), Just(to), Just(items))
                })
                .prop_map(|(by, from, to, items)| Action::Transfer { by, from, to, items }),
            2 => holding.clone()
                .prop_flat_map(move |(from, id, amount)| (caller2(from), Just((from, id, amount))))
                .prop_map(|(by, (from, id, amount))| Action::Burn { by, from, id, amount }),
            1 => (actor.clone(), actor.clone(), any::<bool>())
                .prop_map(|(owner, operator, approved)| Action::Approve { owner, operator, approved }),
            2 => (actor.clone(), actor.clone(), prop::bool::weighted(0.8))
                .prop_map(|(owner, operator, approved)| Action::LeaseOperator { owner, operator, approved }),
            6 => (holding, actor, prop_oneof![1 => Just(0u64), 9 => 1u64..2_000, 1 => Just(LOCK_HORIZON), 1 => Just(LOCK_HORIZON + 1)])
                .prop_flat_map(move |(held, user, seconds)| (caller3(held.0), Just((held, user, seconds))))
                .prop_map(|(by, ((owner, id, amount), user, seconds))| {
                    // Amount 0 now and then.
                    let amount = if amount % 13 == 0 { 0 } else { amount as u64 };
                    Action::CreateRecord { by, owner, user, id, amount, seconds }
                }),
            3 => record.prop_map(|(record, by)| Action::DeleteRecord { by, record }),
            2 => (1u64..1_500).prop_map(|seconds| Action::Warp { seconds }),
            1 => (0..N, 0..N, 1..=s.last_id(), 0..N)
                .prop_map(|(stranger, victim, id, lessor)| Action::Grief { stranger, victim, id, lessor }),
        ]
        .boxed()
    }

    fn preconditions(s: &Model, t: &Action) -> bool {
        match t {
            Action::CreateId { .. } => s.last_id() < MAX_IDS,
            _ => true,
        }
    }

    fn apply(mut s: Model, t: &Action) -> Model {
        s.last = Expect::default();
        match *t {
            Action::CreateId { by, max } => {
                if by != N {
                    s.last = Expect::Err(E::AccessControlUnauthorizedAccount(
                        IpEditions::AccessControlUnauthorizedAccount {
                            account: who(by),
                            neededRole: MINTER_ROLE,
                        },
                    ));
                    return s;
                }
                s.max.push(max);
                s.supply.push(0);
                s.last = Expect::Ok(vec![Model::ev(Ev::EditionCreated(
                    IpEditions::EditionCreated {
                        id: U256::from(s.last_id()),
                        maxSupply: U256::from(max),
                        royaltyReceiver: Address::ZERO,
                        royaltyBps: U96::ZERO,
                    },
                ))]);
            }
            Action::Mint { by, to, id, amount } => s.last = s.mint(by, to, &[(id, amount)]),
            Action::MintBatch { to, ref items } => s.last = s.mint(N, to, items),
            Action::Transfer {
                by,
                from,
                to,
                ref items,
            } => {
                s.last = match s.debit(by, from, Some(to), items) {
                    Err(e) => Expect::Err(*e),
                    Ok(()) => {
                        Expect::Ok(vec![Model::transfer_event(by, who(from), who(to), items)])
                    }
                }
            }
            Action::Burn {
                by,
                from,
                id,
                amount,
            } => {
                s.last = match s.debit(by, from, None, &[(id, amount)]) {
                    Err(e) => Expect::Err(*e),
                    Ok(()) => Expect::Ok(vec![Model::transfer_event(
                        by,
                        who(from),
                        Address::ZERO,
                        &[(id, amount)],
                    )]),
                }
            }
            Action::Approve {
                owner,
                operator,
                approved,
            } => {
                if approved {
                    s.approved.insert((owner, operator));
                } else {
                    s.approved.remove(&(owner, operator));
                }
                s.last = Expect::Ok(vec![Model::ev(Ev::ApprovalForAll(
                    IpEditions::ApprovalForAll {
                        account: who(owner),
                        operator: who(operator),
                        approved,
                    },
                ))]);
            }
            Action::LeaseOperator {
                owner,
                operator,
                approved,
            } => {
                if approved {
                    s.lease_ops.insert((owner, operator));
                } else {
                    s.lease_ops.remove(&(owner, operator));
                }
                s.last = Expect::Ok(vec![Model::ev(Ev::LeaseOperatorSet(
                    IpEditions::LeaseOperatorSet {
                        owner: who(owner),
                        operator: who(operator),
                        approved,
                    },
                ))]);
            }
            Action::CreateRecord {
                by,
                owner,
                user,
                id,
                amount,
                seconds,
            } => s.last = create_record(&mut s, by, owner, user, id, amount, seconds),
            Action::DeleteRecord { by, record } => {
                let Some(r) = s.records.get(&record).copied() else {
                    s.last = Expect::Err(E::EditionsNonexistentRecord(
                        IpEditions::EditionsNonexistentRecord {
                            recordId: U256::from(record),
                        },
                    ));
                    return s;
                };
                if !(s.now > r.expiry || by == r.user) {
                    let rights = by == r.owner
                        || s.approved.contains(&(r.owner, by))
                        || s.lease_ops.contains(&(r.owner, by));
                    if !rights {
                        s.last = Expect::Err(E::ERC1155MissingApprovalForAll(
                            IpEditions::ERC1155MissingApprovalForAll {
                                operator: who(by),
                                owner: who(r.owner),
                            },
                        ));
                        return s;
                    }
                    if r.locked {
                        s.last = Expect::Err(E::EditionsLockedRecord(
                            IpEditions::EditionsLockedRecord {
                                recordId: U256::from(record),
                                expiry: r.expiry,
                            },
                        ));
                        return s;
                    }
                }
                s.records.remove(&record);
                s.last = Expect::Ok(vec![Model::ev(Ev::DeleteUserRecord(
                    IpEditions::DeleteUserRecord {
                        recordId: U256::from(record),
                    },
                ))]);
            }
            Action::ExtendRecord { by, record, expiry } => {
                let Some(r) = s.records.get(&record).copied() else {
                    s.last = Expect::Err(E::EditionsNonexistentRecord(
                        IpEditions::EditionsNonexistentRecord {
                            recordId: U256::from(record),
                        },
                    ));
                    return s;
                };
                let id = U256::from(record);
                s.last = if !s.lease_ops.contains(&(r.owner, by)) {
                    Expect::Err(E::EditionsNotLeaseOperator(
                        IpEditions::EditionsNotLeaseOperator {
                            operator: who(by),
                            owner: who(r.owner),
                        },
                    ))
                } else if s.now > r.expiry {
                    Expect::Err(E::EditionsExpiredRecord(
                        IpEditions::EditionsExpiredRecord {
                            recordId: id,
                            expiry: r.expiry,
                        },
                    ))
                } else if expiry <= r.expiry {
                    Expect::Err(E::EditionsInvalidRecordExtension(
                        IpEditions::EditionsInvalidRecordExtension {
                            recordId: id,
                            expiry: r.expiry,
                            newExpiry: expiry,
                        },
                    ))
                } else if expiry > s.now + LOCK_HORIZON {
                    Expect::Err(E::EditionsLockExpiryTooFar(
                        IpEditions::EditionsLockExpiryTooFar {
                            expiry,
                            maxExpiry: s.now + LOCK_HORIZON,
                        },
                    ))
                } else {
                    if let Some(r) = s.records.get_mut(&record) {
                        r.expiry = expiry;
                    }
                    Expect::Ok(vec![Model::ev(Ev::UserRecordExtended(
                        IpEditions::UserRecordExtended {
                            recordId: id,
                            expiry,
                        },
                    ))])
                };
            }
            Action::Warp { seconds } => s.now += seconds,
            Action::Grief {
                stranger,
                victim,
                id,
                lessor,
            } => {
                // At most 16: the stranger's own list is full by then.
                let mut created = 0;
                while created < 16
                    && matches!(
                        create_record(&mut s, stranger, stranger, victim, id, 1, GRIEF_SECONDS),
                        Expect::Ok(_)
                    )
                {
                    created += 1;
                }
                s.grief = created;
                s.last = create_record(&mut s, lessor, lessor, victim, id, 1, 100);
            }
        }
        s
    }
}

/// `createUserRecord(owner, user, id, amount, now + seconds)` by `by`.
fn create_record(
    s: &mut Model,
    by: usize,
    owner: usize,
    user: usize,
    id: u64,
    amount: u64,
    seconds: u64,
) -> Expect<E> {
    let locked = if by == owner {
        false
    } else if s.lease_ops.contains(&(owner, by)) {
        true
    } else if s.approved.contains(&(owner, by)) {
        false
    } else {
        return Expect::Err(E::ERC1155MissingApprovalForAll(
            IpEditions::ERC1155MissingApprovalForAll {
                operator: who(by),
                owner: who(owner),
            },
        ));
    };
    if amount == 0 {
        return Expect::Err(E::EditionsInvalidRecordAmount(
            IpEditions::EditionsInvalidRecordAmount {},
        ));
    }
    let expiry = s.now + seconds;
    if expiry <= s.now {
        return Expect::Err(E::EditionsInvalidRecordExpiry(
            IpEditions::EditionsInvalidRecordExpiry {
                expiry,
                timestamp: s.now,
            },
        ));
    }
    if locked && expiry > s.now + LOCK_HORIZON {
        return Expect::Err(E::EditionsLockExpiryTooFar(
            IpEditions::EditionsLockExpiryTooFar {
                expiry,
                maxExpiry: s.now + LOCK_HORIZON,
            },
        ));
    }
    let available = s.bal(owner, id).saturating_sub(s.frozen(owner, id));
    if u128::from(amount) > available {
        return Expect::Err(E::EditionsInsufficientUnfrozenBalance(
            IpEditions::EditionsInsufficientUnfrozenBalance {
                owner: who(owner),
                tokenId: U256::from(id),
                available: U256::from(available),
                needed: U256::from(amount),
            },
        ));
    }
    // Only the owner's list is capped (16 active records); a user's is not
    // (L-6: a stranger could otherwise fill it and block the user's leases).
    let owner_list = s
        .active()
        .filter(|r| r.owner == owner && r.id == id)
        .count();
    if owner_list >= 16 {
        return Expect::Err(E::EditionsTooManyRecords(
            IpEditions::EditionsTooManyRecords {
                account: who(owner),
                tokenId: U256::from(id),
            },
        ));
    }
    let record = s.next_record;
    s.next_record += 1;
    s.in_records.extend([(owner, id), (user, id)]);
    s.records.insert(
        record,
        Record {
            id,
            owner,
            user,
            amount,
            expiry,
            locked,
        },
    );
    Expect::Ok(vec![Model::ev(Ev::CreateUserRecord(
        IpEditions::CreateUserRecord {
            recordId: U256::from(record),
            tokenId: U256::from(id),
            amount,
            owner: who(owner),
            user: who(user),
            expiry,
        },
    ))])
}

struct World {
    s: Suite,
}

impl World {
    fn compare(&mut self, m: &Model) {
        let editions = self.s.editions;
        let ids: Vec<u64> = (1..=m.last_id()).collect();
        // Invariant 1: balances and supply.
        let (mut accounts, mut keys) = (Vec::new(), Vec::new());
        for &id in &ids {
            for a in 0..N {
                accounts.push(who(a));
                keys.push(U256::from(id));
            }
        }
        let balances = self.s.view(
            editions,
            &IpEditions::balanceOfBatchCall {
                accounts,
                ids: keys,
            },
        );
        for (k, &id) in ids.iter().enumerate() {
            let mut sum = U256::ZERO;
            // Chain totals over the accounts records named.
            let (mut frozen_sum, mut usable_sum) = (U256::ZERO, U256::ZERO);
            for a in 0..N {
                let b = balances[k * N + a];
                assert_eq!(b, U256::from(m.bal(a, id)), "balance of {a} in {id}");
                sum += b;
                if !m.in_records.contains(&(a, id)) {
                    continue;
                }
                // Invariant 2: frozen and usable units.
                let frozen = self.s.view(
                    editions,
                    &IpEditions::frozenBalanceOfCall {
                        account: who(a),
                        tokenId: U256::from(id),
                    },
                );
                let usable = self.s.view(
                    editions,
                    &IpEditions::usableBalanceOfCall {
                        account: who(a),
                        tokenId: U256::from(id),
                    },
                );
                assert_eq!(frozen, U256::from(m.frozen(a, id)), "frozen of {a} in {id}");
                assert_eq!(usable, U256::from(m.usable(a, id)), "usable of {a} in {id}");
                assert!(frozen <= b, "frozen above the balance of {a} in {id}");
                frozen_sum += frozen;
                usable_sum += usable;
            }
            assert_eq!(frozen_sum, usable_sum, "Σ frozen = Σ usable in {id}");
            let supply = self.s.view(
                editions,
                &IpEditions::totalSupplyCall { id: U256::from(id) },
            );
            assert_eq!(supply, sum, "Σ balances = totalSupply({id})");
            assert_eq!(supply, U256::from(m.supply[id as usize - 1]), "supply {id}");
            let max = m.max[id as usize - 1];
            assert!(
                max == 0 || m.supply[id as usize - 1] <= max,
                "max supply {id}"
            );
        }
    }

    /// Invariant 3 for one record: as the model has it, or gone.
    fn compare_record(&mut self, m: &Model, rid: u64) {
        let editions = self.s.editions;
        let got = self.s.try_view(
            editions,
            &IpEditions::userRecordOfCall {
                recordId: U256::from(rid),
            },
        );
        match m.records.get(&rid) {
            Some(r) => {
                let want = IIpEditions::UserRecord {
                    tokenId: U256::from(r.id),
                    owner: who(r.owner),
                    amount: r.amount,
                    user: who(r.user),
                    expiry: r.expiry,
                };
                assert_eq!(got.expect("live record"), want, "record {rid}");
                let locked = self.s.view(
                    editions,
                    &IpEditions::isRecordLockedCall {
                        recordId: U256::from(rid),
                    },
                );
                assert_eq!(locked, r.locked, "lock of record {rid}");
            }
            None => {
                let err = got.expect_err("deleted record").decode::<E>();
                assert!(
                    matches!(err, E::EditionsNonexistentRecord(_)),
                    "record {rid}: {err:?}"
                );
            }
        }
    }
}

struct EditionsMachine;

impl StateMachineTest for EditionsMachine {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(m: &Model) -> World {
        let mut w = World { s: Suite::fresh() };
        let ed = w.s.editions;
        for a in 0..N {
            let (one, two) = (m.bal(a, 1), m.bal(a, 2));
            let mint = IpEditions::mintBatchCall {
                to: who(a),
                ids: vec![U256::from(1), U256::from(2)],
                amounts: vec![U256::from(one), U256::from(two)],
                data: Default::default(),
            };
            w.s.ok(Suite::template().admin(), ed, &mint, U256::ZERO);
            let op = IpEditions::setLeaseOperatorCall {
                operator: who((a + 1) % N),
                approved: true,
            };
            w.s.ok(who(a), ed, &op, U256::ZERO);
        }
        w.compare(m);
        w
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        let ed = w.s.editions;
        let u = |v: u128| U256::from(v);
        let got = match t {
            Action::CreateId { by, max } => {
                let call = IpEditions::createIdCall {
                    maxSupply: u(max),
                    uri: String::new(),
                    royaltyReceiver: Address::ZERO,
                    royaltyBps: U96::ZERO,
                };
                w.s.send(who(by), ed, &call, U256::ZERO).map(Sent::unit)
            }
            Action::Mint { by, to, id, amount } => {
                let call = IpEditions::mintCall {
                    to: who(to),
                    id: U256::from(id),
                    amount: u(amount),
                    data: Default::default(),
                };
                w.s.send(who(by), ed, &call, U256::ZERO).map(Sent::unit)
            }
            Action::MintBatch { to, ref items } => {
                let call = IpEditions::mintBatchCall {
                    to: who(to),
                    ids: items.iter().map(|i| U256::from(i.0)).collect(),
                    amounts: items.iter().map(|i| u(i.1)).collect(),
                    data: Default::default(),
                };
                w.s.send(Suite::template().admin(), ed, &call, U256::ZERO)
                    .map(Sent::unit)
            }
            Action::Transfer {
                by,
                from,
                to,
                ref items,
            } => {
                if let [(id, value)] = items[..] {
                    let call = IpEditions::safeTransferFromCall {
                        from: who(from),
                        to: who(to),
                        id: U256::from(id),
                        value: u(value),
                        data: Default::default(),
                    };
                    w.s.send(who(by), ed, &call, U256::ZERO).map(Sent::unit)
                } else {
                    let call = IpEditions::safeBatchTransferFromCall {
                        from: who(from),
                        to: who(to),
                        ids: items.iter().map(|i| U256::from(i.0)).collect(),
                        values: items.iter().map(|i| u(i.1)).collect(),
                        data: Default::default(),
                    };
                    w.s.send(who(by), ed, &call, U256::ZERO).map(Sent::unit)
                }
            }
            Action::Burn {
                by,
                from,
                id,
                amount,
            } => {
                let call = IpEditions::burnCall {
                    account: who(from),
                    id: U256::from(id),
                    value: u(amount),
                };
                w.s.send(who(by), ed, &call, U256::ZERO).map(Sent::unit)
            }
            Action::Approve {
                owner,
                operator,
                approved,
            } => {
                let call = IpEditions::setApprovalForAllCall {
                    operator: who(operator),
                    approved,
                };
                w.s.send(who(owner), ed, &call, U256::ZERO).map(Sent::unit)
            }
            Action::LeaseOperator {
                owner,
                operator,
                approved,
            } => {
                let call = IpEditions::setLeaseOperatorCall {
                    operator: who(operator),
                    approved,
                };
                w.s.send(who(owner), ed, &call, U256::ZERO).map(Sent::unit)
            }
            Action::CreateRecord {
                by,
                owner,
                user,
                id,
                amount,
                seconds,
            } => {
                let call = IpEditions::createUserRecordCall {
                    owner: who(owner),
                    user: who(user),
                    tokenId: U256::from(id),
                    amount,
                    expiry: w.s.timestamp() + seconds,
                };
                let got = w.s.send(who(by), ed, &call, U256::ZERO);
                if let Ok(sent) = &got {
                    assert_eq!(sent.ret, U256::from(m.next_record - 1), "record id");
                    w.compare_record(m, m.next_record - 1);
                }
                got.map(Sent::unit)
            }
            Action::DeleteRecord { by, record } => {
                let call = IpEditions::deleteUserRecordCall {
                    recordId: U256::from(record),
                };
                let got = w.s.send(who(by), ed, &call, U256::ZERO).map(Sent::unit);
                w.compare_record(m, record);
                got
            }
            Action::ExtendRecord { by, record, expiry } => {
                let call = IpEditions::extendUserRecordCall {
                    recordId: U256::from(record),
                    expiry,
                };
                let got = w.s.send(who(by), ed, &call, U256::ZERO).map(Sent::unit);
                if got.is_ok() {
                    w.compare_record(m, record);
                }
                got
            }
            Action::Warp { seconds } => {
                w.s.warp(seconds);
                Ok(Sent::default())
            }
            Action::Grief {
                stranger,
                victim,
                id,
                lessor,
            } => {
                let first = m.next_record - m.grief - u64::from(matches!(m.last, Expect::Ok(_)));
                for k in 0..m.grief {
                    let call = IpEditions::createUserRecordCall {
                        owner: who(stranger),
                        user: who(victim),
                        tokenId: U256::from(id),
                        amount: 1,
                        expiry: w.s.timestamp() + GRIEF_SECONDS,
                    };
                    let sent =
                        w.s.send(who(stranger), ed, &call, U256::ZERO)
                            .unwrap_or_else(|e| panic!("griefing record {k} refused: {e:?}"));
                    assert_eq!(sent.ret, U256::from(first + k), "record id");
                }
                let call = IpEditions::createUserRecordCall {
                    owner: who(lessor),
                    user: who(victim),
                    tokenId: U256::from(id),
                    amount: 1,
                    expiry: w.s.timestamp() + 100,
                };
                let got = w.s.send(who(lessor), ed, &call, U256::ZERO);
                if got.is_ok() {
                    w.compare_record(m, m.next_record - 1);
                }
                got.map(Sent::unit)
            }
        };
        m.last.check(&t, &got);
        assert_eq!(w.s.timestamp(), m.now, "clock");
        w.compare(m);
        w
    }
}

prop_state_machine! {
    #![proptest_config(crate::config())]

    fn editions_machine(sequential 1..20 => EditionsMachine);
}

#[test]
fn editions_match_the_model() {
    crate::on_big_stack(editions_machine);
}
