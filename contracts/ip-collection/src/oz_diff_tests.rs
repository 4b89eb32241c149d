//! Differential test of the collection's ERC-721 core against its
//! specification, OpenZeppelin Stylus' `Erc721` (a dev-dependency only).
//!
//! Random sequences of ERC-721 operations — mints, `transferFrom`,
//! `safeTransferFrom` (with and without data) to accounts without code,
//! `approve`, `setApprovalForAll` — by random callers among a few accounts
//! (owners, approved accounts, operators, strangers; the zero address as a
//! target) on existing and nonexistent tokens run against both contracts in
//! one motsu VM. Every step must give the same answer on both: the same
//! return value or the same ABI-encoded revert data, the same logs (topics
//! and data), and afterwards the same balances, owners, approvals and
//! operator approvals for every account and token id in play. A reverted
//! step is rolled back on both sides (`motsu_res`), as on a chain.
//!
//! Mints go through the collection's `mint` (by its owner, no URI, no own
//! royalty) and through OZ's internal `_mint` with the id the collection is
//! expected to assign, so both sides hold the same tokens. The collection's
//! own initialisation logs are taken as the starting point of its log.

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::U96, Address, LogData, U256};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::{Erc721, IErc721};
use proptest::prelude::*;
use stylus_sdk::abi::Bytes;

use super::*;

/// Token ids probed: 0 and anything past the last mint never exist.
const IDS: u8 = 8;

/// Actor `i`: 0 is the zero address (a target only, never a caller).
fn actor(i: u8) -> Address {
    if i == 0 {
        Address::ZERO
    } else {
        Address::repeat_byte(0x10 * i)
    }
}

/// The collection's owner (mints only; not an actor).
fn curator() -> Address {
    Address::repeat_byte(0xC0)
}

#[derive(Clone, Debug)]
enum Op {
    Mint {
        to: u8,
    },
    Transfer {
        caller: u8,
        from: u8,
        to: u8,
        id: u8,
    },
    SafeTransfer {
        caller: u8,
        from: u8,
        to: u8,
        id: u8,
        data: Option<Vec<u8>>,
    },
    Approve {
        caller: u8,
        to: u8,
        id: u8,
    },
    SetApprovalForAll {
        caller: u8,
        operator: u8,
        approved: bool,
    },
}

fn any_op() -> impl Strategy<Value = Op> {
    // Callers 1..=4, targets 0..=4 (zero included); ids 0..IDS.
    let caller = 1u8..=4;
    let target = 0u8..=4;
    let id = 0u8..IDS;
    prop_oneof![
        2 => target.clone().prop_map(|to| Op::Mint { to }),
        3 => (caller.clone(), target.clone(), target.clone(), id.clone())
            .prop_map(|(caller, from, to, id)| Op::Transfer { caller, from, to, id }),
        2 => (
            caller.clone(),
            target.clone(),
            target.clone(),
            id.clone(),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        )
            .prop_map(|(caller, from, to, id, data)| Op::SafeTransfer { caller, from, to, id, data }),
        2 => (caller.clone(), target.clone(), id)
            .prop_map(|(caller, to, id)| Op::Approve { caller, to, id }),
        2 => (caller, target, any::<bool>())
            .prop_map(|(caller, operator, approved)| Op::SetApprovalForAll { caller, operator, approved }),
    ]
}

/// A step's outcome: the returned value (mints: the id) or the revert data.
type Outcome = Result<Option<U256>, Vec<u8>>;

fn ours(r: Result<(), Error>) -> Outcome {
    r.map(|()| None).map_err(Vec::from)
}

fn oz(r: Result<(), openzeppelin_stylus::token::erc721::Error>) -> Outcome {
    r.map(|()| None).map_err(Vec::from)
}

/// Runs `op` on both contracts (`next` is the id the next mint assigns).
fn step(
    c: &Contract<IpCollection>,
    s: &Contract<Erc721>,
    op: &Op,
    next: &mut U256,
) -> (Outcome, Outcome) {
    match *op {
        Op::Mint { to } => {
            let a = c
                .sender(curator())
                .mint(actor(to), "", Address::ZERO, U96::ZERO)
                .motsu_res()
                .map(Some)
                .map_err(Vec::from);
            let b =
                oz(s.sender(curator())._mint(actor(to), *next).motsu_res()).map(|_| Some(*next));
            if b.is_ok() {
                *next += U256::from(1);
            }
            (a, b)
        }
        Op::Transfer {
            caller,
            from,
            to,
            id,
        } => {
            let id = U256::from(id);
            (
                ours(
                    c.sender(actor(caller))
                        .transfer_from(actor(from), actor(to), id)
                        .motsu_res(),
                ),
                oz(s.sender(actor(caller))
                    .transfer_from(actor(from), actor(to), id)
                    .motsu_res()),
            )
        }
        Op::SafeTransfer {
            caller,
            from,
            to,
            id,
            ref data,
        } => {
            let id = U256::from(id);
            let (from, to) = (actor(from), actor(to));
            match data {
                None => (
                    ours(
                        c.sender(actor(caller))
                            .safe_transfer_from(from, to, id)
                            .motsu_res(),
                    ),
                    oz(s.sender(actor(caller))
                        .safe_transfer_from(from, to, id)
                        .motsu_res()),
                ),
                Some(data) => (
                    ours(
                        c.sender(actor(caller))
                            .safe_transfer_from_with_data(from, to, id, Bytes(data.clone()))
                            .motsu_res(),
                    ),
                    oz(s.sender(actor(caller))
                        .safe_transfer_from_with_data(from, to, id, Bytes(data.clone()))
                        .motsu_res()),
                ),
            }
        }
        Op::Approve { caller, to, id } => {
            let id = U256::from(id);
            (
                ours(c.sender(actor(caller)).approve(actor(to), id).motsu_res()),
                oz(s.sender(actor(caller)).approve(actor(to), id).motsu_res()),
            )
        }
        Op::SetApprovalForAll {
            caller,
            operator,
            approved,
        } => (
            ours(
                c.sender(actor(caller))
                    .set_approval_for_all(actor(operator), approved)
                    .motsu_res(),
            ),
            oz(s.sender(actor(caller))
                .set_approval_for_all(actor(operator), approved)
                .motsu_res()),
        ),
    }
}

/// Every ERC-721 view over the accounts and ids in play, ABI-encoded
/// errors included, as `(what, answer)` pairs.
fn views_of_ours(c: &Contract<IpCollection>) -> Vec<(String, Outcome)> {
    let v = c.sender(curator());
    let mut out = Vec::new();
    for a in 0..=4 {
        out.push((
            format!("balanceOf({a})"),
            v.balance_of(actor(a)).map(Some).map_err(Vec::from),
        ));
        for o in 0..=4 {
            let all = v.is_approved_for_all(actor(a), actor(o));
            out.push((
                format!("isApprovedForAll({a},{o})"),
                Ok(Some(U256::from(u8::from(all)))),
            ));
        }
    }
    for id in 0..IDS {
        let id = U256::from(id);
        out.push((
            format!("ownerOf({id})"),
            v.owner_of(id)
                .map(|a| Some(a.into_word().into()))
                .map_err(Vec::from),
        ));
        out.push((
            format!("getApproved({id})"),
            v.get_approved(id)
                .map(|a| Some(a.into_word().into()))
                .map_err(Vec::from),
        ));
    }
    out
}

/// [`views_of_ours`] on OpenZeppelin's `Erc721`.
fn views_of_oz(s: &Contract<Erc721>) -> Vec<(String, Outcome)> {
    let v = s.sender(curator());
    let mut out = Vec::new();
    for a in 0..=4 {
        out.push((
            format!("balanceOf({a})"),
            v.balance_of(actor(a)).map(Some).map_err(Vec::from),
        ));
        for o in 0..=4 {
            let all = v.is_approved_for_all(actor(a), actor(o));
            out.push((
                format!("isApprovedForAll({a},{o})"),
                Ok(Some(U256::from(u8::from(all)))),
            ));
        }
    }
    for id in 0..IDS {
        let id = U256::from(id);
        out.push((
            format!("ownerOf({id})"),
            v.owner_of(id)
                .map(|a| Some(a.into_word().into()))
                .map_err(Vec::from),
        ));
        out.push((
            format!("getApproved({id})"),
            v.get_approved(id)
                .map(|a| Some(a.into_word().into()))
                .map_err(Vec::from),
        ));
    }
    out
}

/// Runs `ops` on a fresh pair of contracts, failing on the first
/// difference (with the step, the operation and both answers).
fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let c = Contract::<IpCollection>::new();
    let s = Contract::<Erc721>::new();
    c.sender(curator())
        .constructor(
            "IP".into(),
            "IP".into(),
            String::new(),
            curator(),
            Address::ZERO,
            U96::ZERO,
        )
        .motsu_unwrap();
    let mut next = U256::from(1);
    let (mut seen_c, mut seen_s) = (c.all_events().len(), s.all_events().len());
    for (i, op) in ops.iter().enumerate() {
        let (a, b) = step(&c, &s, op, &mut next);
        prop_assert_eq!(&a, &b, "step {} {:?}: outcomes differ", i, op);
        let (logs_c, logs_s): (Vec<LogData>, Vec<LogData>) = (c.all_events(), s.all_events());
        prop_assert_eq!(
            &logs_c[seen_c..],
            &logs_s[seen_s..],
            "step {} {:?}: logs differ",
            i,
            op
        );
        (seen_c, seen_s) = (logs_c.len(), logs_s.len());
        let (vc, vs) = (views_of_ours(&c), views_of_oz(&s));
        for ((what, x), (_, y)) in vc.iter().zip(&vs) {
            prop_assert_eq!(x, y, "after step {} {:?}: {} differs", i, op, what);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The collection's ERC-721 core answers, logs and stores exactly as
    /// OpenZeppelin's `Erc721` on every random sequence of operations.
    #[test]
    fn erc721_core_matches_openzeppelin(ops in proptest::collection::vec(any_op(), 1..48)) {
        run(&ops)?;
    }
}

/// A fixed sequence through every error of the core, so the interesting
/// paths run even if the random search were narrowed.
#[test]
fn erc721_core_matches_openzeppelin_on_every_error_path() {
    use Op::*;
    let ops = [
        Mint { to: 0 }, // InvalidReceiver(0)
        Mint { to: 1 }, // id 1 to actor 1
        Mint { to: 2 }, // id 2 to actor 2
        Transfer {
            caller: 1,
            from: 1,
            to: 0,
            id: 1,
        }, // InvalidReceiver(0)
        Transfer {
            caller: 1,
            from: 1,
            to: 3,
            id: 5,
        }, // NonexistentToken
        Transfer {
            caller: 3,
            from: 1,
            to: 3,
            id: 1,
        }, // InsufficientApproval
        Transfer {
            caller: 1,
            from: 2,
            to: 3,
            id: 1,
        }, // IncorrectOwner
        Approve {
            caller: 3,
            to: 4,
            id: 1,
        }, // InvalidApprover
        Approve {
            caller: 1,
            to: 4,
            id: 7,
        }, // NonexistentToken
        Approve {
            caller: 1,
            to: 4,
            id: 1,
        },
        Approve {
            caller: 4,
            to: 3,
            id: 1,
        }, // approved is no approver
        SetApprovalForAll {
            caller: 2,
            operator: 0,
            approved: true,
        }, // InvalidOperator(0)
        SetApprovalForAll {
            caller: 1,
            operator: 3,
            approved: true,
        },
        Approve {
            caller: 3,
            to: 2,
            id: 1,
        }, // operator approves
        Transfer {
            caller: 2,
            from: 1,
            to: 1,
            id: 1,
        }, // to the owner itself
        SafeTransfer {
            caller: 4,
            from: 1,
            to: 4,
            id: 1,
            data: None,
        }, // approval was cleared
        SafeTransfer {
            caller: 3,
            from: 1,
            to: 4,
            id: 1,
            data: Some(vec![1, 2, 3]),
        },
        Transfer {
            caller: 4,
            from: 4,
            to: 4,
            id: 1,
        },
        SetApprovalForAll {
            caller: 1,
            operator: 3,
            approved: false,
        },
        Transfer {
            caller: 3,
            from: 2,
            to: 1,
            id: 2,
        }, // InsufficientApproval
    ];
    run(&ops).unwrap();
}
