//! ERC-721 IP collection, end to end on the devnode: random sequences of
//! mints, transfers, approvals, lease-operator grants, user/lease settings and
//! time warps by several actors, compared after every step with a plain-Rust
//! reference model.
//!
//! Invariants checked after every step (numbered as in tests/INVARIANTS.md):
//! 1. `ownerOf`/`balanceOf` match the model for every token and actor;
//! 3. no user is active after its expiry, and a locked lease is never
//!    shortened or replaced before it lapses, and ends within 5 × 365 days
//!    of now (L-1);
//! 17. after a transfer the new owner holds full use rights, except for
//!     leases locked by a lease operator: whatever the owner set, even
//!     approved as its own lease operator ("self-lock", L-1), is cleared;
//! 10. a call the model says is unauthorised reverts with the exact custom
//!     error and changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use alloy_primitives::{aliases::U96, Address, U256};
use alloy_sol_types::SolCall;
use proptest::prelude::*;
use proptest::test_runner::Config;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_tests::Harness;

use stylus_ip_tests::suite::abi::IpCollection;

use IpCollection::IpCollectionErrors as E;

const ACTORS: usize = 4;
const START: u64 = 1_700_000_000;
/// Longest a lock may reach past now: 5 × 365 days.
const LOCK_HORIZON: u64 = 157_680_000;

/// One user action.
#[derive(Debug, Clone)]
enum Action {
    Mint {
        to: usize,
    },
    Transfer {
        by: usize,
        to: usize,
        token: u64,
    },
    Approve {
        by: usize,
        spender: usize,
        token: u64,
    },
    SetLeaseOperator {
        owner: usize,
        operator: usize,
        approved: bool,
    },
    SetUser {
        by: usize,
        token: u64,
        user: usize,
        duration: u64,
        clear: bool,
    },
    Warp {
        seconds: u64,
    },
    /// L-1: the owner approves itself as lease operator, sets `user` until
    /// 2^64-1, and sells the token to `to`.
    SelfLockThenSell {
        token: u64,
        user: usize,
        to: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lease {
    user: usize,
    expires: u64,
    locked: bool,
}

/// What the model expects of the last action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok,
    NotAuthorised,
    Locked,
    /// `CollectionLockExpiryTooFar`.
    TooFar,
}

#[derive(Debug, Clone)]
struct Model {
    now: u64,
    next_id: u64,
    owner: BTreeMap<u64, usize>,
    approved: BTreeMap<u64, usize>,
    operators: BTreeSet<(usize, usize)>,
    lease: BTreeMap<u64, Lease>,
    last: Expect,
}

impl Model {
    fn user_at(&self, token: u64) -> Option<usize> {
        self.lease
            .get(&token)
            .filter(|l| l.expires >= self.now)
            .map(|l| l.user)
    }

    fn locked_in_force(&self, token: u64) -> Option<Lease> {
        self.lease
            .get(&token)
            .copied()
            .filter(|l| l.locked && l.expires >= self.now)
    }

    fn authorised(&self, by: usize, token: u64) -> bool {
        self.owner.get(&token) == Some(&by) || self.approved.get(&token) == Some(&by)
    }
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model {
            now: START,
            next_id: 1,
            owner: BTreeMap::new(),
            approved: BTreeMap::new(),
            operators: BTreeSet::new(),
            lease: BTreeMap::new(),
            last: Expect::Ok,
        })
        .boxed()
    }

    fn transitions(state: &Model) -> BoxedStrategy<Action> {
        let actor = 0..ACTORS;
        // tokens include one that does not exist yet (next id)
        let token = 1..=state.next_id;
        prop_oneof![
            2 => actor.clone().prop_map(|to| Action::Mint { to }),
            3 => (actor.clone(), actor.clone(), token.clone()).prop_map(|(by, to, token)| Action::Transfer { by, to, token }),
            1 => (actor.clone(), actor.clone(), token.clone()).prop_map(|(by, spender, token)| Action::Approve { by, spender, token }),
            1 => (actor.clone(), actor.clone(), any::<bool>()).prop_map(|(owner, operator, approved)| Action::SetLeaseOperator { owner, operator, approved }),
            // Durations now and then at, past or far past the lock horizon.
            4 => (actor.clone(), token.clone(), actor.clone(), prop_oneof![8 => 0u64..10_000, 1 => Just(LOCK_HORIZON), 1 => Just(LOCK_HORIZON + 1), 1 => Just(u64::MAX)], prop::bool::weighted(0.1))
                .prop_map(|(by, token, user, duration, clear)| Action::SetUser { by, token, user, duration, clear }),
            2 => (0u64..12_000).prop_map(|seconds| Action::Warp { seconds }),
            1 => (token, actor.clone(), actor).prop_map(|(token, user, to)| Action::SelfLockThenSell { token, user, to }),
        ]
        .boxed()
    }

    fn preconditions(state: &Model, t: &Action) -> bool {
        // Only existing tokens, except for mints (the nonexistent-token path
        // is covered by the bad-input catalogue).
        match t {
            Action::Transfer { token, .. }
            | Action::Approve { token, .. }
            | Action::SetUser { token, .. } => state.owner.contains_key(token),
            Action::SelfLockThenSell { token, .. } => {
                state.owner.contains_key(token) && state.locked_in_force(*token).is_none()
            }
            _ => true,
        }
    }

    fn apply(mut s: Model, t: &Action) -> Model {
        s.last = Expect::Ok;
        match *t {
            Action::Mint { to } => {
                s.owner.insert(s.next_id, to);
                s.next_id += 1;
            }
            Action::Transfer { by, to, token } => {
                if !s.authorised(by, token) {
                    s.last = Expect::NotAuthorised;
                    return s;
                }
                let from = s.owner[&token];
                s.owner.insert(token, to);
                s.approved.remove(&token);
                if from != to && s.lease.contains_key(&token) && s.locked_in_force(token).is_none()
                {
                    s.lease.remove(&token);
                }
            }
            Action::Approve { by, spender, token } => {
                if s.owner[&token] != by {
                    s.last = Expect::NotAuthorised;
                    return s;
                }
                s.approved.insert(token, spender);
            }
            Action::SetLeaseOperator {
                owner,
                operator,
                approved,
            } => {
                if approved {
                    s.operators.insert((owner, operator));
                } else {
                    s.operators.remove(&(owner, operator));
                }
            }
            Action::SetUser {
                by,
                token,
                user,
                duration,
                clear,
            } => {
                let owner = s.owner[&token];
                // The owner is never a lease operator of its own tokens.
                let operator = by != owner && s.operators.contains(&(owner, by));
                if !operator && !s.authorised(by, token) {
                    s.last = Expect::NotAuthorised;
                    return s;
                }
                let expires = s.now.saturating_add(duration);
                if let Some(l) = s.locked_in_force(token) {
                    if !(operator && !clear && user == l.user && expires >= l.expires) {
                        s.last = Expect::Locked;
                        return s;
                    }
                }
                if operator && !clear && expires > s.now + LOCK_HORIZON {
                    s.last = Expect::TooFar;
                    return s;
                }
                if clear {
                    s.lease.remove(&token);
                } else {
                    s.lease.insert(
                        token,
                        Lease {
                            user,
                            expires,
                            locked: operator,
                        },
                    );
                }
            }
            Action::Warp { seconds } => s.now += seconds,
            Action::SelfLockThenSell { token, user, to } => {
                let owner = s.owner[&token];
                s.operators.insert((owner, owner));
                // The owner's user is an ordinary one, which the sale clears.
                s.lease.insert(
                    token,
                    Lease {
                        user,
                        expires: u64::MAX,
                        locked: false,
                    },
                );
                s.owner.insert(token, to);
                s.approved.remove(&token);
                if owner != to {
                    s.lease.remove(&token);
                }
            }
        }
        s
    }
}

struct World {
    h: Harness,
    nft: Address,
}

impl World {
    fn actor(&self, i: usize) -> Address {
        self.h.actors[i]
    }

    fn compare(&mut self, m: &Model) {
        let nft = self.nft;
        for (&token, &owner) in &m.owner {
            let id = U256::from(token);
            let on_chain = self.h.view(nft, &IpCollection::ownerOfCall { tokenId: id });
            assert_eq!(on_chain, self.actor(owner), "owner of {token}");
            let user = self.h.view(nft, &IpCollection::userOfCall { tokenId: id });
            let expected = m.user_at(token).map_or(Address::ZERO, |u| self.actor(u));
            assert_eq!(user, expected, "user of {token} at {}", m.now);
            let locked = self
                .h
                .view(nft, &IpCollection::leaseLockedCall { tokenId: id });
            assert_eq!(
                locked,
                m.locked_in_force(token).is_some(),
                "lease lock of {token}"
            );
            if locked {
                let expires = self
                    .h
                    .view(nft, &IpCollection::userExpiresCall { tokenId: id });
                assert!(
                    expires <= U256::from(m.now + LOCK_HORIZON),
                    "lock of {token} reaches past five years"
                );
            }
        }
        for i in 0..ACTORS {
            let bal = self.h.view(
                nft,
                &IpCollection::balanceOfCall {
                    owner: self.actor(i),
                },
            );
            let expected = m.owner.values().filter(|&&o| o == i).count();
            assert_eq!(bal, U256::from(expected), "balance of actor {i}");
        }
    }
}

struct Collection;

impl StateMachineTest for Collection {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(_: &Model) -> World {
        // Deployed and initialised once per test binary; every case starts
        // from a copy (the devnode's compiled programs are shared).
        static TEMPLATE: OnceLock<World> = OnceLock::new();
        let t = TEMPLATE.get_or_init(|| {
            let mut h = Harness::new(ACTORS);
            h.node.set_timestamp(START);
            let nft = h.deploy("ip-collection");
            let admin = h.admin;
            let init = IpCollection::initializeCall {
                name: "AI Works".into(),
                symbol: "AIW".into(),
                baseUri: "ipfs://works/".into(),
                owner: admin,
                royaltyReceiver: admin,
                royaltyBps: U96::from(500),
            };
            h.send(admin, nft, &init, U256::ZERO).expect("initialize");
            World { h, nft }
        });
        World {
            h: Harness {
                node: t.h.node.clone(),
                admin: t.h.admin,
                actors: t.h.actors.clone(),
            },
            nft: t.nft,
        }
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        let nft = w.nft;
        let id = |t: u64| U256::from(t);
        let result = match t {
            Action::Mint { to } => {
                let call = IpCollection::mintCall {
                    to: w.actor(to),
                    uri: String::new(),
                    royaltyReceiver: Address::ZERO,
                    royaltyBps: U96::ZERO,
                };
                let admin = w.h.admin;
                w.h.send(admin, nft, &call, U256::ZERO).map(|_| ())
            }
            Action::Transfer { by, to, token } => {
                let owner =
                    w.h.view(nft, &IpCollection::ownerOfCall { tokenId: id(token) });
                let call = IpCollection::transferFromCall {
                    from: owner,
                    to: w.actor(to),
                    tokenId: id(token),
                };
                let by = w.actor(by);
                w.h.send(by, nft, &call, U256::ZERO).map(|_| ())
            }
            Action::Approve { by, spender, token } => {
                let call = IpCollection::approveCall {
                    to: w.actor(spender),
                    tokenId: id(token),
                };
                let by = w.actor(by);
                w.h.send(by, nft, &call, U256::ZERO).map(|_| ())
            }
            Action::SetLeaseOperator {
                owner,
                operator,
                approved,
            } => {
                let call = IpCollection::setLeaseOperatorCall {
                    operator: w.actor(operator),
                    approved,
                };
                let owner = w.actor(owner);
                w.h.send(owner, nft, &call, U256::ZERO).map(|_| ())
            }
            Action::SetUser {
                by,
                token,
                user,
                duration,
                clear,
            } => {
                let now = w.h.node.timestamp();
                let (user, expires) = if clear {
                    (Address::ZERO, 0)
                } else {
                    (w.actor(user), now.saturating_add(duration))
                };
                let call = IpCollection::setUserCall {
                    tokenId: id(token),
                    user,
                    expires,
                };
                let by = w.actor(by);
                w.h.send(by, nft, &call, U256::ZERO).map(|_| ())
            }
            Action::Warp { seconds } => {
                w.h.node.warp(seconds);
                Ok(())
            }
            Action::SelfLockThenSell { token, user, to } => {
                let owner =
                    w.h.view(nft, &IpCollection::ownerOfCall { tokenId: id(token) });
                let steps: [Vec<u8>; 3] = [
                    IpCollection::setLeaseOperatorCall {
                        operator: owner,
                        approved: true,
                    }
                    .abi_encode(),
                    IpCollection::setUserCall {
                        tokenId: id(token),
                        user: w.actor(user),
                        expires: u64::MAX,
                    }
                    .abi_encode(),
                    IpCollection::transferFromCall {
                        from: owner,
                        to: w.actor(to),
                        tokenId: id(token),
                    }
                    .abi_encode(),
                ];
                let mut result = Ok(());
                for data in steps {
                    result = w.h.send_raw(owner, nft, data, U256::ZERO).map(|_| ());
                    if result.is_err() {
                        break;
                    }
                }
                result
            }
        };
        match (m.last, result) {
            (Expect::Ok, Ok(())) => {}
            (Expect::Ok, Err(r)) => panic!("{t:?} reverted: {:?}", r.decode::<E>()),
            (expect, Ok(())) => panic!("{t:?} succeeded, model expected {expect:?}"),
            (Expect::NotAuthorised, Err(r)) => match r.decode::<E>() {
                E::ERC721InsufficientApproval(_)
                | E::ERC721IncorrectOwner(_)
                | E::ERC721InvalidApprover(_) => {}
                other => panic!("{t:?}: expected an authorisation error, got {other:?}"),
            },
            (Expect::Locked, Err(r)) => {
                assert!(
                    matches!(r.decode::<E>(), E::CollectionLeaseLocked(_)),
                    "{t:?}"
                )
            }
            (Expect::TooFar, Err(r)) => {
                assert!(
                    matches!(r.decode::<E>(), E::CollectionLockExpiryTooFar(_)),
                    "{t:?}"
                )
            }
        }
        assert_eq!(w.h.node.timestamp(), m.now, "clock");
        w.compare(m);
        w
    }
}

prop_state_machine! {
    #![proptest_config(Config::default())]

    #[test]
    fn collection_matches_the_model(sequential 1..30 => Collection);
}
