//! motsu unit tests of the contract glue (every public function and error
//! path). Time-dependent behaviour uses [`set_now`], a test-only override of
//! the block timestamp (motsu's is fixed).
#![allow(clippy::unreadable_literal)]

use alloc::{string::String, vec, vec::Vec};
use core::cell::Cell;

use alloy_primitives::{aliases::B32, aliases::U96, keccak256, Address, U256};
use motsu::prelude::*;
use stylus_sdk::{abi::Bytes, prelude::*, storage::StorageU8};

use super::*;

std::thread_local! {
    static NOW: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The timestamp the contract sees in this test thread, if overridden.
pub(crate) fn mock_now() -> Option<u64> {
    NOW.with(Cell::get)
}

/// Overrides the block timestamp the contract sees (this test thread only).
pub(crate) fn set_now(now: u64) {
    NOW.with(|c| c.set(Some(now)));
}

const T0: u64 = 1_000_000;
const BASE: &str = "ipfs://base/{id}.json";

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn bps(x: u64) -> U96 {
    U96::from(x)
}

fn none() -> Bytes {
    Bytes::from(Vec::new())
}

/// Deploys with `owner` as owner and a 5 % default royalty to `owner`.
fn deploy(c: &Contract<IpEditions>, owner: Address) {
    set_now(T0);
    c.sender(owner)
        .constructor(String::from(BASE), owner, owner, bps(500))
        .motsu_unwrap();
}

/// Deploys, creates edition 1 (max 100) and mints `amount` to `to`.
fn deploy_with_units(c: &Contract<IpEditions>, owner: Address, to: Address, amount: u64) {
    deploy(c, owner);
    let id = c
        .sender(owner)
        .create_id(u(100), String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_eq!(id, u(1));
    c.sender(owner)
        .mint(to, u(1), u(amount), none())
        .motsu_unwrap();
}

/// `caller` creates a user record of `amount` units of edition 1 of `owner`
/// for `user` until `expiry`; returns the record id.
fn record(
    c: &Contract<IpEditions>,
    caller: Address,
    owner: Address,
    user: Address,
    amount: u64,
    expiry: u64,
) -> U256 {
    c.sender(caller)
        .create_user_record(owner, user, u(1), amount, expiry)
        .motsu_unwrap()
}

/// Asserts that a call failed with exactly `expected` (motsu's
/// `motsu_unwrap_err`, which also rolls the failed call back).
#[track_caller]
fn assert_fails<T: core::fmt::Debug>(result: Result<T, Error>, expected: Error) {
    assert_eq!(result.motsu_unwrap_err(), expected);
}

/// `owner` approves `operator` as its lease operator.
fn set_lease_operator(c: &Contract<IpEditions>, owner: Address, operator: Address) {
    c.sender(owner)
        .set_lease_operator(operator, true)
        .motsu_unwrap();
}

// ----------------------------------------------------------------------
// A receiver contract for the acceptance checks.
// ----------------------------------------------------------------------

/// Mode 0 accepts, 1 returns a wrong selector, 2 reverts with a reason.
#[storage]
struct Receiver {
    mode: StorageU8,
}

unsafe impl TopLevelStorage for Receiver {}

const SINGLE: [u8; 4] = [0xf2, 0x3a, 0x6e, 0x61];
const BATCH: [u8; 4] = [0xbc, 0x19, 0x7c, 0x81];

#[public]
impl Receiver {
    fn set_mode(&mut self, mode: u8) {
        self.mode.set(alloy_primitives::Uint::from(mode));
    }

    fn answer(&self, ok: [u8; 4]) -> Result<B32, Vec<u8>> {
        match self.mode.get().to::<u8>() {
            0 => Ok(B32::from(ok)),
            1 => Ok(B32::from([0u8; 4])),
            _ => Err(b"no thanks".to_vec()),
        }
    }

    #[selector(name = "onERC1155Received")]
    fn on_erc1155_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _id: U256,
        _value: U256,
        _data: Bytes,
    ) -> Result<B32, Vec<u8>> {
        self.answer(SINGLE)
    }

    #[selector(name = "onERC1155BatchReceived")]
    fn on_erc1155_batch_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _ids: Vec<U256>,
        _values: Vec<U256>,
        _data: Bytes,
    ) -> Result<B32, Vec<u8>> {
        self.answer(BATCH)
    }
}

// ----------------------------------------------------------------------
// Constants
// ----------------------------------------------------------------------

fn selector(sig: &str) -> u32 {
    let h = keccak256(sig.as_bytes());
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

#[test]
fn role_ids_are_keccak_of_names() {
    assert_eq!(MINTER_ROLE, keccak256("MINTER_ROLE"));
    assert_eq!(METADATA_UPDATER_ROLE, keccak256("METADATA_UPDATER_ROLE"));
}

#[test]
fn erc5006_interface_id_is_xor_of_selectors() {
    let id = selector("usableBalanceOf(address,uint256)")
        ^ selector("frozenBalanceOf(address,uint256)")
        ^ selector("userRecordOf(uint256)")
        ^ selector("createUserRecord(address,address,uint256,uint64,uint64)")
        ^ selector("deleteUserRecord(uint256)");
    assert_eq!(id, INTERFACE_IDS[4]);
}

#[test]
fn receiver_selectors_are_the_erc1155_ones() {
    assert_eq!(
        u32::from_be_bytes(SINGLE),
        selector("onERC1155Received(address,address,uint256,uint256,bytes)")
    );
    assert_eq!(
        u32::from_be_bytes(BATCH),
        selector("onERC1155BatchReceived(address,address,uint256[],uint256[],bytes)")
    );
}

#[motsu::test]
fn supports_interface_lists_every_standard(c: Contract<IpEditions>, alice: Address) {
    for id in [
        0x01ffc9a7u32,
        0xd9b67a26,
        0x0e89341c,
        0x2a55205a,
        0xc26d96cc,
        0x49064906,
    ] {
        assert!(
            c.sender(alice)
                .supports_interface(B32::from(id.to_be_bytes())),
            "{id:#x}"
        );
    }
    for id in [0xffffffffu32, 0x80ac58cd, 0x12345678] {
        assert!(
            !c.sender(alice)
                .supports_interface(B32::from(id.to_be_bytes())),
            "{id:#x}"
        );
    }
}

// ----------------------------------------------------------------------
// Deployment: constructor and initializer
// ----------------------------------------------------------------------

#[motsu::test]
fn constructor_sets_everything(c: Contract<IpEditions>, owner: Address, bob: Address) {
    set_now(T0);
    c.sender(bob)
        .constructor(String::from(BASE), owner, bob, bps(250))
        .motsu_unwrap();
    assert_eq!(c.sender(bob).owner(), owner);
    assert_eq!(c.sender(bob).uri(u(7)), BASE);
    assert_eq!(c.sender(bob).royalty_info(u(7), u(10_000)), (bob, u(250)));
    c.assert_emitted(&Initialized {
        version: INIT_VERSION,
    });
    c.assert_emitted(&OwnershipTransferred {
        previousOwner: Address::ZERO,
        newOwner: owner,
    });
    assert!(!c.sender(bob).paused());
}

#[motsu::test]
fn constructor_then_initialize_fails(c: Contract<IpEditions>, owner: Address, eve: Address) {
    deploy(&c, owner);
    assert_fails(
        c.sender(eve)
            .initialize(String::from("x"), eve, eve, bps(1)),
        Error::InvalidInitialization(InvalidInitialization {}),
    );
    assert_eq!(c.sender(eve).owner(), owner);
    assert_eq!(c.sender(eve).uri(u(1)), BASE);
}

#[motsu::test]
fn initialize_runs_once_on_a_clone(c: Contract<IpEditions>, owner: Address, eve: Address) {
    // A fresh storage is what a clone delegating to the implementation sees.
    assert_eq!(
        c.sender(eve).royalty_info(u(1), u(1_000)),
        (Address::ZERO, U256::ZERO)
    );
    c.sender(owner)
        .initialize(String::from(BASE), owner, Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_eq!(c.sender(eve).owner(), owner);
    // No default royalty with 0/0.
    assert_eq!(
        c.sender(eve).royalty_info(u(1), u(1_000)),
        (Address::ZERO, U256::ZERO)
    );
    assert_fails(
        c.sender(eve).initialize(String::new(), eve, eve, bps(1)),
        Error::InvalidInitialization(InvalidInitialization {}),
    );
    assert_fails(
        c.sender(eve).constructor(String::new(), eve, eve, bps(1)),
        Error::InvalidInitialization(InvalidInitialization {}),
    );
    assert_eq!(c.sender(eve).owner(), owner);
}

#[motsu::test]
fn initialize_rejects_bad_input(c: Contract<IpEditions>, owner: Address) {
    assert_fails(
        c.sender(owner)
            .initialize(String::new(), Address::ZERO, owner, bps(1)),
        Error::InvalidOwner(OwnableInvalidOwner {
            owner: Address::ZERO,
        }),
    );
    assert_fails(
        c.sender(owner)
            .initialize(String::new(), owner, owner, bps(10_001)),
        Error::InvalidDefaultRoyalty(ERC2981InvalidDefaultRoyalty {
            numerator: u(10_001),
            denominator: u(10_000),
        }),
    );
    assert_fails(
        c.sender(owner)
            .initialize(String::new(), owner, Address::ZERO, bps(1)),
        Error::InvalidDefaultRoyaltyReceiver(ERC2981InvalidDefaultRoyaltyReceiver {
            receiver: Address::ZERO,
        }),
    );
    // Nothing stuck: a valid initialization still works afterwards.
    assert_eq!(c.sender(owner).owner(), Address::ZERO);
    c.sender(owner)
        .initialize(String::new(), owner, owner, bps(10_000))
        .motsu_unwrap();
    assert_eq!(c.sender(owner).royalty_info(u(1), u(3)), (owner, u(3)));
}

// ----------------------------------------------------------------------
// Ownership, roles, pause
// ----------------------------------------------------------------------

#[motsu::test]
fn two_step_ownership(c: Contract<IpEditions>, owner: Address, bob: Address, eve: Address) {
    deploy(&c, owner);
    assert_fails(
        c.sender(eve).transfer_ownership(eve),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: eve }),
    );
    c.sender(owner).transfer_ownership(bob).motsu_unwrap();
    c.assert_emitted(&OwnershipTransferStarted {
        previousOwner: owner,
        newOwner: bob,
    });
    assert_eq!(c.sender(eve).pending_owner(), bob);
    assert_eq!(c.sender(eve).owner(), owner);
    assert_fails(
        c.sender(eve).accept_ownership(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: eve }),
    );
    c.sender(bob).accept_ownership().motsu_unwrap();
    assert_eq!(c.sender(eve).owner(), bob);
    assert_eq!(c.sender(eve).pending_owner(), Address::ZERO);
    c.assert_emitted(&OwnershipTransferred {
        previousOwner: owner,
        newOwner: bob,
    });
    assert_fails(
        c.sender(owner).renounce_ownership(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: owner }),
    );
    c.sender(bob).renounce_ownership().motsu_unwrap();
    assert_eq!(c.sender(eve).owner(), Address::ZERO);
}

#[motsu::test]
fn roles_are_managed_by_the_owner(
    c: Contract<IpEditions>,
    owner: Address,
    minter: Address,
    eve: Address,
) {
    deploy(&c, owner);
    assert_fails(
        c.sender(eve).grant_role(MINTER_ROLE, eve),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: eve }),
    );
    assert!(!c.sender(eve).has_role(MINTER_ROLE, eve));

    // Minters create editions and mint; others cannot.
    assert_fails(
        c.sender(minter)
            .create_id(U256::ZERO, String::new(), Address::ZERO, bps(0)),
        Error::MissingRole(AccessControlUnauthorizedAccount {
            account: minter,
            neededRole: MINTER_ROLE,
        }),
    );
    c.sender(owner)
        .grant_role(MINTER_ROLE, minter)
        .motsu_unwrap();
    c.assert_emitted(&RoleGranted {
        role: MINTER_ROLE,
        account: minter,
        sender: owner,
    });
    assert!(c.sender(eve).has_role(MINTER_ROLE, minter));
    let id = c
        .sender(minter)
        .create_id(U256::ZERO, String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    c.sender(minter)
        .mint(minter, id, u(5), none())
        .motsu_unwrap();

    assert_fails(
        c.sender(eve).revoke_role(MINTER_ROLE, minter),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: eve }),
    );
    c.sender(owner)
        .revoke_role(MINTER_ROLE, minter)
        .motsu_unwrap();
    c.assert_emitted(&RoleRevoked {
        role: MINTER_ROLE,
        account: minter,
        sender: owner,
    });
    assert_fails(
        c.sender(minter).mint(minter, id, u(5), none()),
        Error::MissingRole(AccessControlUnauthorizedAccount {
            account: minter,
            neededRole: MINTER_ROLE,
        }),
    );

    // Renouncing needs the caller's own address.
    c.sender(owner)
        .grant_role(METADATA_UPDATER_ROLE, minter)
        .motsu_unwrap();
    assert_fails(
        c.sender(minter).renounce_role(METADATA_UPDATER_ROLE, eve),
        Error::BadConfirmation(AccessControlBadConfirmation {}),
    );
    assert!(c.sender(eve).has_role(METADATA_UPDATER_ROLE, minter));
    c.sender(minter)
        .renounce_role(METADATA_UPDATER_ROLE, minter)
        .motsu_unwrap();
    assert!(!c.sender(eve).has_role(METADATA_UPDATER_ROLE, minter));
}

#[motsu::test]
fn pause_blocks_moves_but_not_views_or_expiry(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    record(&c, alice, alice, bob, 4, T0 + 10);
    assert_fails(
        c.sender(alice).pause(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: alice }),
    );
    assert_fails(
        c.sender(owner).unpause(),
        Error::ExpectedPause(ExpectedPause {}),
    );
    c.sender(owner).pause().motsu_unwrap();
    c.assert_emitted(&Paused { account: owner });
    assert!(c.sender(bob).paused());
    assert_fails(
        c.sender(owner).pause(),
        Error::EnforcedPause(EnforcedPause {}),
    );

    let paused = Error::EnforcedPause(EnforcedPause {});
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from(alice, bob, u(1), u(1), none())
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(alice)
            .safe_batch_transfer_from(alice, bob, vec![u(1)], vec![u(1)], none())
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(alice).burn(alice, u(1), u(1)).motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(alice)
            .burn_batch(alice, vec![u(1)], vec![u(1)])
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(owner)
            .mint(alice, u(1), u(1), none())
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(owner)
            .mint_batch(alice, vec![u(1)], vec![u(1)], none())
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(alice)
            .create_user_record(alice, bob, u(1), 1, T0 + 5)
            .motsu_unwrap_err(),
        paused
    );
    // Views still work and expiry still happens with no transaction.
    assert_eq!(c.sender(bob).balance_of(alice, u(1)), u(10));
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(4));
    set_now(T0 + 11);
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), U256::ZERO);
    // Clean-up is allowed while paused.
    c.sender(bob).delete_user_record(u(1)).motsu_unwrap();

    c.sender(owner).unpause().motsu_unwrap();
    c.assert_emitted(&Unpaused { account: owner });
    c.sender(alice)
        .safe_transfer_from(alice, bob, u(1), u(10), none())
        .motsu_unwrap();
    assert_eq!(c.sender(bob).balance_of(bob, u(1)), u(10));
}

// ----------------------------------------------------------------------
// Editions, supply, URIs
// ----------------------------------------------------------------------

#[motsu::test]
fn create_id_assigns_sequential_ids(c: Contract<IpEditions>, owner: Address, artist: Address) {
    deploy(&c, owner);
    assert_eq!(c.sender(owner).last_id(), U256::ZERO);
    let a = c
        .sender(owner)
        .create_id(u(3), String::from("ipfs://a"), artist, bps(1_000))
        .motsu_unwrap();
    let b = c
        .sender(owner)
        .create_id(U256::ZERO, String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_eq!((a, b), (u(1), u(2)));
    assert_eq!(c.sender(owner).last_id(), u(2));
    assert_eq!(c.sender(owner).max_supply(a), u(3));
    assert_eq!(c.sender(owner).max_supply(b), U256::ZERO);
    c.assert_emitted(&EditionCreated {
        id: a,
        maxSupply: u(3),
        royaltyReceiver: artist,
        royaltyBps: bps(1_000),
    });
    c.assert_emitted(&URI {
        value: String::from("ipfs://a"),
        id: a,
    });
    assert_eq!(c.sender(owner).uri(a), "ipfs://a");
    assert_eq!(c.sender(owner).uri(b), BASE);
    // Per-id royalty, else the default.
    assert_eq!(c.sender(owner).royalty_info(a, u(1_000)), (artist, u(100)));
    assert_eq!(c.sender(owner).royalty_info(b, u(1_000)), (owner, u(50)));
}

#[motsu::test]
fn create_id_rejects_bad_royalty(c: Contract<IpEditions>, owner: Address, artist: Address) {
    deploy(&c, owner);
    assert_fails(
        c.sender(owner)
            .create_id(u(3), String::new(), artist, bps(10_001)),
        Error::InvalidTokenRoyalty(ERC2981InvalidTokenRoyalty {
            tokenId: u(1),
            numerator: u(10_001),
            denominator: u(10_000),
        }),
    );
    assert_fails(
        c.sender(owner)
            .create_id(u(3), String::new(), Address::ZERO, bps(5)),
        Error::InvalidTokenRoyaltyReceiver(ERC2981InvalidTokenRoyaltyReceiver {
            tokenId: u(1),
            receiver: Address::ZERO,
        }),
    );
    assert_eq!(c.sender(owner).last_id(), U256::ZERO);
    assert_eq!(
        c.sender(owner)
            .create_id(u(3), String::new(), artist, bps(10_000))
            .motsu_unwrap(),
        u(1)
    );
}

#[motsu::test]
fn mint_respects_max_supply(c: Contract<IpEditions>, owner: Address, alice: Address) {
    deploy(&c, owner);
    let id = c
        .sender(owner)
        .create_id(u(10), String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    assert!(!c.sender(alice).exists(id));
    c.sender(owner).mint(alice, id, u(7), none()).motsu_unwrap();
    c.assert_emitted(&TransferSingle {
        operator: owner,
        from: Address::ZERO,
        to: alice,
        id,
        value: u(7),
    });
    assert_eq!(c.sender(alice).total_supply(id), u(7));
    assert!(c.sender(alice).exists(id));
    assert_fails(
        c.sender(owner).mint(alice, id, u(4), none()),
        Error::MaxSupplyExceeded(EditionsMaxSupplyExceeded {
            id,
            available: u(3),
            amount: u(4),
        }),
    );
    c.sender(owner).mint(alice, id, u(3), none()).motsu_unwrap();
    assert_eq!(c.sender(alice).total_supply(id), u(10));
    assert_eq!(c.sender(alice).balance_of(alice, id), u(10));
}

#[motsu::test]
fn open_edition_is_capped_only_by_u256(c: Contract<IpEditions>, owner: Address, alice: Address) {
    deploy(&c, owner);
    let id = c
        .sender(owner)
        .create_id(U256::ZERO, String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    c.sender(owner)
        .mint(alice, id, U256::MAX, none())
        .motsu_unwrap();
    assert_fails(
        c.sender(owner).mint(alice, id, u(1), none()),
        Error::MaxSupplyExceeded(EditionsMaxSupplyExceeded {
            id,
            available: U256::ZERO,
            amount: u(1),
        }),
    );
}

#[motsu::test]
fn mint_rejects_unknown_ids_and_bad_receivers(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
) {
    deploy(&c, owner);
    c.sender(owner)
        .create_id(U256::ZERO, String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    for id in [U256::ZERO, u(2)] {
        assert_fails(
            c.sender(owner).mint(alice, id, u(1), none()),
            Error::NonexistentEdition(EditionsNonexistentEdition { id }),
        );
    }
    assert_fails(
        c.sender(owner).mint(Address::ZERO, u(1), u(1), none()),
        Error::InvalidReceiver(ERC1155InvalidReceiver {
            receiver: Address::ZERO,
        }),
    );
    assert_eq!(c.sender(owner).total_supply(u(1)), U256::ZERO);
}

#[motsu::test]
fn mint_batch_counts_repeated_ids(c: Contract<IpEditions>, owner: Address, alice: Address) {
    deploy(&c, owner);
    let a = c
        .sender(owner)
        .create_id(u(5), String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    let b = c
        .sender(owner)
        .create_id(U256::ZERO, String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_fails(
        c.sender(owner)
            .mint_batch(alice, vec![a, b], vec![u(1)], none()),
        Error::InvalidArrayLength(ERC1155InvalidArrayLength {
            idsLength: u(2),
            valuesLength: u(1),
        }),
    );
    assert_fails(
        c.sender(owner)
            .mint_batch(alice, vec![a, b, a], vec![u(3), u(9), u(3)], none()),
        Error::MaxSupplyExceeded(EditionsMaxSupplyExceeded {
            id: a,
            available: u(5),
            amount: u(6),
        }),
    );
    assert_eq!(c.sender(owner).total_supply(b), U256::ZERO);
    c.sender(owner)
        .mint_batch(alice, vec![a, b, a], vec![u(2), u(9), u(3)], none())
        .motsu_unwrap();
    c.assert_emitted(&TransferBatch {
        operator: owner,
        from: Address::ZERO,
        to: alice,
        ids: vec![a, b, a],
        values: vec![u(2), u(9), u(3)],
    });
    assert_eq!(c.sender(owner).total_supply(a), u(5));
    assert_eq!(
        c.sender(owner)
            .balance_of_batch(vec![alice, alice], vec![a, b])
            .motsu_unwrap(),
        vec![u(5), u(9)]
    );
    // Overflowing sums are refused, not wrapped.
    let err = c
        .sender(owner)
        .mint_batch(alice, vec![b, b], vec![U256::MAX, u(1)], none())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::MaxSupplyExceeded(_)));
    assert_eq!(c.sender(owner).total_supply(b), u(9));
}

#[motsu::test]
fn set_uri_and_base_uri(c: Contract<IpEditions>, owner: Address, writer: Address, eve: Address) {
    deploy(&c, owner);
    let id = c
        .sender(owner)
        .create_id(U256::ZERO, String::new(), Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_fails(
        c.sender(writer).set_uri(id, String::from("ar://x")),
        Error::MissingRole(AccessControlUnauthorizedAccount {
            account: writer,
            neededRole: METADATA_UPDATER_ROLE,
        }),
    );
    c.sender(owner)
        .grant_role(METADATA_UPDATER_ROLE, writer)
        .motsu_unwrap();
    c.sender(writer)
        .set_uri(id, String::from("ar://x"))
        .motsu_unwrap();
    assert_eq!(c.sender(eve).uri(id), "ar://x");
    c.assert_emitted(&URI {
        value: String::from("ar://x"),
        id,
    });
    c.assert_emitted(&MetadataUpdate { _tokenId: id });
    assert_fails(
        c.sender(writer).set_uri(u(2), String::from("ar://y")),
        Error::NonexistentEdition(EditionsNonexistentEdition { id: u(2) }),
    );

    // Clearing the per-id URI falls back to the base URI.
    c.sender(writer).set_uri(id, String::new()).motsu_unwrap();
    assert_eq!(c.sender(eve).uri(id), BASE);
    let err = c
        .sender(eve)
        .set_base_uri(String::from("z"))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::MissingRole(_)));
    c.sender(writer)
        .set_base_uri(String::from("https://x/{id}"))
        .motsu_unwrap();
    c.assert_emitted(&BatchMetadataUpdate {
        _fromTokenId: U256::ZERO,
        _toTokenId: U256::MAX,
    });
    assert_eq!(c.sender(eve).uri(id), "https://x/{id}");
}

#[motsu::test]
fn contract_uri_roles_and_event(
    c: Contract<IpEditions>,
    owner: Address,
    writer: Address,
    eve: Address,
) {
    deploy(&c, owner);
    assert_eq!(c.sender(eve).contract_uri(), "");
    assert_fails(
        c.sender(eve).set_contract_uri(String::from("ipfs://c")),
        Error::MissingRole(AccessControlUnauthorizedAccount {
            account: eve,
            neededRole: METADATA_UPDATER_ROLE,
        }),
    );
    assert!(!c.emitted(&ContractURIUpdated {}));
    c.sender(owner)
        .set_contract_uri(String::from("ipfs://c"))
        .motsu_unwrap();
    c.assert_emitted(&ContractURIUpdated {});
    assert_eq!(c.sender(eve).contract_uri(), "ipfs://c");
    c.sender(owner)
        .grant_role(METADATA_UPDATER_ROLE, writer)
        .motsu_unwrap();
    // Longer than one word, then shorter again.
    let long = "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku/contract.json";
    c.sender(writer)
        .set_contract_uri(String::from(long))
        .motsu_unwrap();
    assert_eq!(c.sender(eve).contract_uri(), long);
    c.sender(writer)
        .set_contract_uri(String::from("ar://short"))
        .motsu_unwrap();
    assert_eq!(c.sender(eve).contract_uri(), "ar://short");
    // The base URI is a separate string.
    assert_eq!(c.sender(eve).uri(u(7)), BASE);
    c.sender(writer)
        .set_contract_uri(String::new())
        .motsu_unwrap();
    assert_eq!(c.sender(eve).contract_uri(), "");
}

// ----------------------------------------------------------------------
// Royalties
// ----------------------------------------------------------------------

#[motsu::test]
fn royalty_info_never_panics(c: Contract<IpEditions>, owner: Address, artist: Address) {
    deploy(&c, owner);
    let id = c
        .sender(owner)
        .create_id(U256::ZERO, String::new(), artist, bps(10_000))
        .motsu_unwrap();
    assert_eq!(
        c.sender(owner).royalty_info(id, U256::MAX),
        (artist, U256::MAX)
    );
    assert_eq!(
        c.sender(owner).royalty_info(u(99), U256::MAX).1,
        U256::MAX / u(20)
    );
    assert_eq!(
        c.sender(owner).royalty_info(u(99), u(19)),
        (owner, U256::ZERO)
    );
}

#[motsu::test]
fn set_default_royalty(c: Contract<IpEditions>, owner: Address, artist: Address, eve: Address) {
    deploy(&c, owner);
    assert_fails(
        c.sender(eve).set_default_royalty(eve, bps(1)),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: eve }),
    );
    let err = c
        .sender(owner)
        .set_default_royalty(artist, bps(10_001))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidDefaultRoyalty(_)));
    let err = c
        .sender(owner)
        .set_default_royalty(Address::ZERO, bps(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidDefaultRoyaltyReceiver(_)));
    assert_eq!(c.sender(owner).royalty_info(u(1), u(100)), (owner, u(5)));
    c.sender(owner)
        .set_default_royalty(artist, bps(100))
        .motsu_unwrap();
    assert_eq!(c.sender(owner).royalty_info(u(1), u(100)), (artist, u(1)));
    c.sender(owner)
        .set_default_royalty(Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_eq!(
        c.sender(owner).royalty_info(u(1), u(100)),
        (Address::ZERO, U256::ZERO)
    );
}

// ----------------------------------------------------------------------
// ERC-1155 transfers, approvals, receivers, burns
// ----------------------------------------------------------------------

#[motsu::test]
fn transfers_and_approvals(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    op: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    assert_fails(
        c.sender(op)
            .safe_transfer_from(alice, bob, u(1), u(1), none()),
        Error::MissingApprovalForAll(ERC1155MissingApprovalForAll {
            operator: op,
            owner: alice,
        }),
    );
    assert_fails(
        c.sender(alice).set_approval_for_all(Address::ZERO, true),
        Error::InvalidOperator(ERC1155InvalidOperator {
            operator: Address::ZERO,
        }),
    );
    c.sender(alice)
        .set_approval_for_all(op, true)
        .motsu_unwrap();
    c.assert_emitted(&ApprovalForAll {
        account: alice,
        operator: op,
        approved: true,
    });
    assert!(c.sender(bob).is_approved_for_all(alice, op));
    c.sender(op)
        .safe_transfer_from(alice, bob, u(1), u(4), none())
        .motsu_unwrap();
    c.assert_emitted(&TransferSingle {
        operator: op,
        from: alice,
        to: bob,
        id: u(1),
        value: u(4),
    });
    assert_eq!(c.sender(bob).balance_of(alice, u(1)), u(6));
    assert_eq!(c.sender(bob).balance_of(bob, u(1)), u(4));
    assert_fails(
        c.sender(alice)
            .safe_transfer_from(alice, bob, u(1), u(7), none()),
        Error::InsufficientBalance(ERC1155InsufficientBalance {
            sender: alice,
            balance: u(6),
            needed: u(7),
            tokenId: u(1),
        }),
    );
    assert_fails(
        c.sender(alice)
            .safe_transfer_from(alice, Address::ZERO, u(1), u(1), none()),
        Error::InvalidReceiver(ERC1155InvalidReceiver {
            receiver: Address::ZERO,
        }),
    );
    let err = c
        .sender(alice)
        .balance_of_batch(vec![alice], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArrayLength(_)));
    c.sender(alice)
        .set_approval_for_all(op, false)
        .motsu_unwrap();
    assert!(!c.sender(bob).is_approved_for_all(alice, op));
    let err = c
        .sender(op)
        .safe_batch_transfer_from(alice, bob, vec![u(1)], vec![u(1)], none())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::MissingApprovalForAll(_)));
    assert_fails(
        c.sender(alice)
            .safe_batch_transfer_from(alice, bob, vec![u(1)], vec![], none()),
        Error::InvalidArrayLength(ERC1155InvalidArrayLength {
            idsLength: u(1),
            valuesLength: u(0),
        }),
    );
    c.sender(alice)
        .safe_batch_transfer_from(alice, bob, vec![u(1), u(1)], vec![u(1), u(2)], none())
        .motsu_unwrap();
    assert_eq!(c.sender(bob).balance_of(bob, u(1)), u(7));
}

#[motsu::test]
fn receiver_contracts_are_checked(
    c: Contract<IpEditions>,
    r: Contract<Receiver>,
    owner: Address,
    alice: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    let to = r.address();
    c.sender(alice)
        .safe_transfer_from(alice, to, u(1), u(1), none())
        .motsu_unwrap();
    c.sender(alice)
        .safe_batch_transfer_from(alice, to, vec![u(1), u(1)], vec![u(1), u(1)], none())
        .motsu_unwrap();
    c.sender(owner).mint(to, u(1), u(1), none()).motsu_unwrap();
    assert_eq!(c.sender(alice).balance_of(to, u(1)), u(4));

    r.sender(alice).set_mode(1);
    assert_fails(
        c.sender(alice)
            .safe_transfer_from(alice, to, u(1), u(1), none()),
        Error::InvalidReceiver(ERC1155InvalidReceiver { receiver: to }),
    );
    assert_fails(
        c.sender(alice).safe_batch_transfer_from(
            alice,
            to,
            vec![u(1), u(1)],
            vec![u(1), u(1)],
            none(),
        ),
        Error::InvalidReceiver(ERC1155InvalidReceiver { receiver: to }),
    );
    r.sender(alice).set_mode(2);
    assert_fails(
        c.sender(owner).mint(to, u(1), u(1), none()),
        Error::ReceiverRevert(ReceiverRevert(b"no thanks".to_vec())),
    );
    // (A receiver reverting with empty data cannot be expressed in motsu,
    // which turns an empty revert into a "function not found" message.)
    // Nothing moved by the refused calls.
    assert_eq!(c.sender(alice).balance_of(to, u(1)), u(4));
    assert_eq!(c.sender(alice).balance_of(alice, u(1)), u(7));
    assert_eq!(c.sender(alice).total_supply(u(1)), u(11));
}

#[motsu::test]
fn burns_update_supply(c: Contract<IpEditions>, owner: Address, alice: Address, op: Address) {
    deploy_with_units(&c, owner, alice, 10);
    assert_fails(
        c.sender(op).burn(alice, u(1), u(1)),
        Error::MissingApprovalForAll(ERC1155MissingApprovalForAll {
            operator: op,
            owner: alice,
        }),
    );
    c.sender(alice).burn(alice, u(1), u(3)).motsu_unwrap();
    c.assert_emitted(&TransferSingle {
        operator: alice,
        from: alice,
        to: Address::ZERO,
        id: u(1),
        value: u(3),
    });
    assert_eq!(c.sender(alice).total_supply(u(1)), u(7));
    c.sender(alice)
        .set_approval_for_all(op, true)
        .motsu_unwrap();
    c.sender(op)
        .burn_batch(alice, vec![u(1), u(1)], vec![u(2), u(1)])
        .motsu_unwrap();
    assert_eq!(c.sender(alice).balance_of(alice, u(1)), u(4));
    assert_eq!(c.sender(alice).total_supply(u(1)), u(4));
    assert_fails(
        c.sender(alice).burn(alice, u(1), u(5)),
        Error::InsufficientBalance(ERC1155InsufficientBalance {
            sender: alice,
            balance: u(4),
            needed: u(5),
            tokenId: u(1),
        }),
    );
    let err = c
        .sender(alice)
        .burn_batch(alice, vec![u(1)], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidArrayLength(_)));
    assert_eq!(c.sender(alice).total_supply(u(1)), u(4));
    // Burning all of it: the id no longer "exists" but can be minted again.
    c.sender(alice).burn(alice, u(1), u(4)).motsu_unwrap();
    assert!(!c.sender(alice).exists(u(1)));
}

// ----------------------------------------------------------------------
// ERC-5006 user records and lease operators
// ----------------------------------------------------------------------

#[motsu::test]
fn owner_creates_a_record(c: Contract<IpEditions>, owner: Address, alice: Address, bob: Address) {
    deploy_with_units(&c, owner, alice, 10);
    let rid = record(&c, alice, alice, bob, 4, T0 + 100);
    assert_eq!(rid, u(1));
    c.assert_emitted(&CreateUserRecord {
        recordId: rid,
        tokenId: u(1),
        amount: 4,
        owner: alice,
        user: bob,
        expiry: T0 + 100,
    });
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(4));
    assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(4));
    assert_eq!(c.sender(bob).usable_balance_of(alice, u(1)), U256::ZERO);
    assert_eq!(c.sender(bob).balance_of(alice, u(1)), u(10));
    assert_eq!(
        c.sender(bob).user_record_of(rid).motsu_unwrap(),
        UserRecord {
            tokenId: u(1),
            owner: alice,
            amount: 4,
            user: bob,
            expiry: T0 + 100
        }
    );
    assert!(!c.sender(bob).is_record_locked(rid));
    // Second record id.
    assert_eq!(record(&c, alice, alice, bob, 6, T0 + 50), u(2));
    assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(10));
}

#[motsu::test]
fn create_record_rejects_bad_input(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    eve: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    assert_fails(
        c.sender(eve)
            .create_user_record(alice, bob, u(1), 1, T0 + 1),
        Error::MissingApprovalForAll(ERC1155MissingApprovalForAll {
            operator: eve,
            owner: alice,
        }),
    );
    assert_fails(
        c.sender(alice)
            .create_user_record(alice, Address::ZERO, u(1), 1, T0 + 1),
        Error::InvalidRecordUser(EditionsInvalidRecordUser {
            user: Address::ZERO,
        }),
    );
    assert_fails(
        c.sender(alice)
            .create_user_record(alice, bob, u(1), 0, T0 + 1),
        Error::InvalidRecordAmount(EditionsInvalidRecordAmount {}),
    );
    for expiry in [T0, T0 - 1] {
        assert_fails(
            c.sender(alice)
                .create_user_record(alice, bob, u(1), 1, expiry),
            Error::InvalidRecordExpiry(EditionsInvalidRecordExpiry {
                expiry,
                timestamp: T0,
            }),
        );
    }
    assert_fails(
        c.sender(alice)
            .create_user_record(alice, bob, u(1), 11, T0 + 1),
        Error::InsufficientUnfrozenBalance(EditionsInsufficientUnfrozenBalance {
            owner: alice,
            tokenId: u(1),
            available: u(10),
            needed: u(11),
        }),
    );
    record(&c, alice, alice, bob, 7, T0 + 1);
    assert_fails(
        c.sender(alice)
            .create_user_record(alice, eve, u(1), 4, T0 + 1),
        Error::InsufficientUnfrozenBalance(EditionsInsufficientUnfrozenBalance {
            owner: alice,
            tokenId: u(1),
            available: u(3),
            needed: u(4),
        }),
    );
    // No balance of another id at all.
    let err = c
        .sender(alice)
        .create_user_record(alice, bob, u(2), 1, T0 + 1)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientUnfrozenBalance(_)));
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(7));
    assert_fails(
        c.sender(bob).user_record_of(u(2)),
        Error::NonexistentRecord(EditionsNonexistentRecord { recordId: u(2) }),
    );
}

#[motsu::test]
fn frozen_units_cannot_move_until_expiry(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    record(&c, alice, alice, bob, 6, T0 + 100);
    let frozen = |available: u64, needed: u64| {
        Error::InsufficientUnfrozenBalance(EditionsInsufficientUnfrozenBalance {
            owner: alice,
            tokenId: u(1),
            available: u(available),
            needed: u(needed),
        })
    };
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from(alice, carol, u(1), u(5), none())
            .motsu_unwrap_err(),
        frozen(4, 5)
    );
    // A batch repeating the id is checked on its total.
    assert_eq!(
        c.sender(alice)
            .safe_batch_transfer_from(alice, carol, vec![u(1), u(1)], vec![u(3), u(2)], none())
            .motsu_unwrap_err(),
        frozen(4, 5)
    );
    assert_eq!(
        c.sender(alice).burn(alice, u(1), u(5)).motsu_unwrap_err(),
        frozen(4, 5)
    );
    assert_eq!(
        c.sender(alice)
            .burn_batch(alice, vec![u(1), u(1)], vec![u(4), u(1)])
            .motsu_unwrap_err(),
        frozen(4, 5)
    );
    assert_eq!(c.sender(alice).balance_of(alice, u(1)), u(10));
    // Unfrozen units move freely; receiving more does not unfreeze anything.
    c.sender(alice)
        .safe_transfer_from(alice, carol, u(1), u(3), none())
        .motsu_unwrap();
    c.sender(alice).burn(alice, u(1), u(1)).motsu_unwrap();
    c.sender(owner)
        .mint(alice, u(1), u(2), none())
        .motsu_unwrap();
    assert_eq!(c.sender(alice).frozen_balance_of(alice, u(1)), u(6));
    c.sender(alice)
        .safe_transfer_from(alice, carol, u(1), u(2), none())
        .motsu_unwrap();
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from(alice, carol, u(1), u(1), none())
            .motsu_unwrap_err(),
        frozen(0, 1)
    );
    // Still frozen at expiry exactly, free one second later, no transaction.
    set_now(T0 + 100);
    assert_eq!(c.sender(alice).frozen_balance_of(alice, u(1)), u(6));
    assert_eq!(c.sender(alice).usable_balance_of(bob, u(1)), u(6));
    set_now(T0 + 101);
    assert_eq!(c.sender(alice).frozen_balance_of(alice, u(1)), U256::ZERO);
    assert_eq!(c.sender(alice).usable_balance_of(bob, u(1)), U256::ZERO);
    c.sender(alice)
        .safe_batch_transfer_from(alice, carol, vec![u(1)], vec![u(6)], none())
        .motsu_unwrap();
    assert_eq!(c.sender(alice).balance_of(carol, u(1)), u(11));
    // The expired record is still readable until deleted.
    assert_eq!(
        c.sender(alice).user_record_of(u(1)).motsu_unwrap().amount,
        6
    );
}

#[motsu::test]
fn operators_and_lease_operators(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    op: Address,
    market: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    assert_fails(
        c.sender(alice).set_lease_operator(Address::ZERO, true),
        Error::InvalidOperator(ERC1155InvalidOperator {
            operator: Address::ZERO,
        }),
    );
    set_lease_operator(&c, alice, market);
    c.assert_emitted(&LeaseOperatorSet {
        owner: alice,
        operator: market,
        approved: true,
    });
    assert!(c.sender(bob).is_lease_operator(alice, market));
    assert!(!c.sender(bob).is_lease_operator(market, alice));
    // A lease operator cannot transfer.
    let err = c
        .sender(market)
        .safe_transfer_from(alice, bob, u(1), u(1), none())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::MissingApprovalForAll(_)));
    let paid = record(&c, market, alice, bob, 3, T0 + 10);
    assert!(c.sender(bob).is_record_locked(paid));
    c.sender(alice)
        .set_approval_for_all(op, true)
        .motsu_unwrap();
    let free = record(&c, op, alice, bob, 2, T0 + 10);
    assert!(!c.sender(bob).is_record_locked(free));
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(5));
    c.sender(alice)
        .set_lease_operator(market, false)
        .motsu_unwrap();
    assert!(!c.sender(bob).is_lease_operator(alice, market));
    let err = c
        .sender(market)
        .create_user_record(alice, bob, u(1), 1, T0 + 10)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::MissingApprovalForAll(_)));
}

#[motsu::test]
fn delete_rules(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    market: Address,
    eve: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    set_lease_operator(&c, alice, market);
    let own = record(&c, alice, alice, bob, 2, T0 + 10);
    let paid = record(&c, market, alice, bob, 3, T0 + 10);
    let paid2 = record(&c, market, alice, bob, 4, T0 + 10);

    assert_fails(
        c.sender(eve).delete_user_record(u(9)),
        Error::NonexistentRecord(EditionsNonexistentRecord { recordId: u(9) }),
    );
    assert_fails(
        c.sender(eve).delete_user_record(own),
        Error::MissingApprovalForAll(ERC1155MissingApprovalForAll {
            operator: eve,
            owner: alice,
        }),
    );
    // Owner side cannot end a paid lease early, not even the lease operator.
    for who in [alice, market] {
        assert_fails(
            c.sender(who).delete_user_record(paid),
            Error::LockedRecord(EditionsLockedRecord {
                recordId: paid,
                expiry: T0 + 10,
            }),
        );
    }
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(9));
    // The owner ends its own (unlocked) record at once.
    c.sender(alice).delete_user_record(own).motsu_unwrap();
    c.assert_emitted(&DeleteUserRecord { recordId: own });
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(7));
    assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(7));
    let err = c.sender(bob).user_record_of(own).motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentRecord(_)));
    let err = c.sender(alice).delete_user_record(own).motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentRecord(_)));
    // The user may renounce a paid lease.
    c.sender(bob).delete_user_record(paid).motsu_unwrap();
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(4));
    // After expiry anyone may clean up.
    set_now(T0 + 11);
    c.sender(eve).delete_user_record(paid2).motsu_unwrap();
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), U256::ZERO);
    assert!(!c.sender(bob).is_record_locked(paid2));
}

#[motsu::test]
fn lease_operator_extends_an_active_record_in_place(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    carol: Address,
    market: Address,
) {
    deploy_with_units(&c, owner, alice, 10);
    set_lease_operator(&c, alice, market);
    // A paid lease of every unit alice holds.
    let paid = record(&c, market, alice, bob, 10, T0 + 10);
    c.sender(market)
        .extend_user_record(paid, T0 + 100)
        .motsu_unwrap();
    c.assert_emitted(&UserRecordExtended {
        recordId: paid,
        expiry: T0 + 100,
    });
    let rec = c.sender(bob).user_record_of(paid).motsu_unwrap();
    assert_eq!(
        (rec.tokenId, rec.owner, rec.amount, rec.user, rec.expiry),
        (u(1), alice, 10, bob, T0 + 100)
    );
    assert!(c.sender(bob).is_record_locked(paid));
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(10));
    assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(10));
    // Past the old expiry both lists still count the record, and the owner
    // side still cannot move or end it.
    set_now(T0 + 50);
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(10));
    assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(10));
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from(alice, carol, u(1), u(1), none())
            .motsu_unwrap_err(),
        Error::InsufficientUnfrozenBalance(EditionsInsufficientUnfrozenBalance {
            owner: alice,
            tokenId: u(1),
            available: U256::ZERO,
            needed: u(1),
        })
    );
    assert_eq!(
        c.sender(alice).delete_user_record(paid).motsu_unwrap_err(),
        Error::LockedRecord(EditionsLockedRecord {
            recordId: paid,
            expiry: T0 + 100
        })
    );
    // Never shorter, never the same.
    for expiry in [T0 + 100, T0 + 60, T0] {
        assert_eq!(
            c.sender(market)
                .extend_user_record(paid, expiry)
                .motsu_unwrap_err(),
            Error::InvalidRecordExtension(EditionsInvalidRecordExtension {
                recordId: paid,
                expiry: T0 + 100,
                newExpiry: expiry
            })
        );
    }
    // Only a lease operator of the owner: not the owner itself, not an
    // operator approved for all, not the user.
    c.sender(alice)
        .set_approval_for_all(carol, true)
        .motsu_unwrap();
    for who in [alice, carol, bob] {
        assert_eq!(
            c.sender(who)
                .extend_user_record(paid, T0 + 200)
                .motsu_unwrap_err(),
            Error::NotLeaseOperator(EditionsNotLeaseOperator {
                operator: who,
                owner: alice
            })
        );
    }
    assert_eq!(
        c.sender(market)
            .extend_user_record(u(9), T0 + 200)
            .motsu_unwrap_err(),
        Error::NonexistentRecord(EditionsNonexistentRecord { recordId: u(9) })
    );
    // Stopped by the pause.
    c.sender(owner).pause().motsu_unwrap();
    assert_eq!(
        c.sender(market)
            .extend_user_record(paid, T0 + 200)
            .motsu_unwrap_err(),
        Error::EnforcedPause(EnforcedPause {})
    );
    c.sender(owner).unpause().motsu_unwrap();
    // Still extendable in the block of its expiry, not one second later.
    set_now(T0 + 100);
    c.sender(market)
        .extend_user_record(paid, T0 + 200)
        .motsu_unwrap();
    set_now(T0 + 201);
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), U256::ZERO);
    assert_eq!(
        c.sender(market)
            .extend_user_record(paid, T0 + 300)
            .motsu_unwrap_err(),
        Error::ExpiredRecord(EditionsExpiredRecord {
            recordId: paid,
            expiry: T0 + 200
        })
    );
    // An unlocked record (the owner's own) stays unlocked when extended;
    // a revoked lease operator can no longer extend.
    let own = record(&c, alice, alice, carol, 3, T0 + 210);
    c.sender(market)
        .extend_user_record(own, T0 + 220)
        .motsu_unwrap();
    assert!(!c.sender(bob).is_record_locked(own));
    assert_eq!(c.sender(bob).usable_balance_of(carol, u(1)), u(3));
    c.sender(alice)
        .set_lease_operator(market, false)
        .motsu_unwrap();
    assert_eq!(
        c.sender(market)
            .extend_user_record(own, T0 + 230)
            .motsu_unwrap_err(),
        Error::NotLeaseOperator(EditionsNotLeaseOperator {
            operator: market,
            owner: alice
        })
    );
    // A deleted record is gone.
    c.sender(alice).delete_user_record(own).motsu_unwrap();
    set_lease_operator(&c, alice, market);
    assert_eq!(
        c.sender(market)
            .extend_user_record(own, T0 + 230)
            .motsu_unwrap_err(),
        Error::NonexistentRecord(EditionsNonexistentRecord { recordId: own })
    );
}

#[motsu::test]
fn renewing_by_extension_keeps_one_record_per_lease(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    market: Address,
) {
    // 16 leases of one unit each fill alice's list; extending every one of
    // them, again and again, never needs a 17th entry or a spare unit (the
    // 17th unit stays free: only the list cap refuses a 17th record).
    deploy_with_units(&c, owner, alice, 17);
    set_lease_operator(&c, alice, market);
    let max = logic::MAX_ACTIVE_RECORDS as u64;
    let ids: Vec<U256> = (0..max)
        .map(|_| record(&c, market, alice, bob, 1, T0 + 10))
        .collect();
    for round in 1..=3u64 {
        for &id in &ids {
            c.sender(market)
                .extend_user_record(id, T0 + 10 + 100 * round)
                .motsu_unwrap();
        }
        set_now(T0 + 100 * round);
        assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(max));
        assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(max));
    }
    assert_eq!(
        c.sender(market)
            .create_user_record(alice, bob, u(1), 1, T0 + 400)
            .motsu_unwrap_err(),
        Error::TooManyRecords(EditionsTooManyRecords {
            account: alice,
            tokenId: u(1)
        })
    );
    set_now(T0 + 311);
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), U256::ZERO);
}

#[motsu::test]
fn record_lists_are_bounded_and_pruned(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_with_units(&c, owner, alice, 98);
    let max = logic::MAX_ACTIVE_RECORDS as u64;
    for i in 0..max {
        record(&c, alice, alice, bob, 1, T0 + 10 + i);
    }
    assert_fails(
        c.sender(alice)
            .create_user_record(alice, carol, u(1), 1, T0 + 50),
        Error::TooManyRecords(EditionsTooManyRecords {
            account: alice,
            tokenId: u(1),
        }),
    );
    // The user's list is not capped: another owner's record for bob is
    // accepted (a cap there would let a stranger block bob's leases).
    c.sender(owner)
        .mint(carol, u(1), u(2), none())
        .motsu_unwrap();
    record(&c, carol, carol, bob, 1, T0 + 50);
    assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(max + 1));
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(max));
    // Once the first one expires its slot is reused by the next record.
    // (Expiry T0 + 10 has passed at T0 + 11; T0 + 11 is still active.)
    set_now(T0 + 11);
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(max - 1));
    record(&c, alice, alice, carol, 5, T0 + 50);
    assert_eq!(c.sender(bob).frozen_balance_of(alice, u(1)), u(max - 1 + 5));
    record(&c, carol, carol, bob, 1, T0 + 50);
    assert_eq!(c.sender(bob).usable_balance_of(bob, u(1)), u(max - 1 + 2));
    let err = c
        .sender(alice)
        .create_user_record(alice, carol, u(1), 1, T0 + 50)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TooManyRecords(_)));
}

#[motsu::test]
fn role_and_owner_gates_on_every_admin_function(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    eve: Address,
) {
    deploy_with_units(&c, owner, alice, 5);
    let not_owner = Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: eve });
    let not_minter = Error::MissingRole(AccessControlUnauthorizedAccount {
        account: eve,
        neededRole: MINTER_ROLE,
    });
    c.sender(owner).pause().motsu_unwrap();
    assert_eq!(c.sender(eve).unpause().motsu_unwrap_err(), not_owner);
    c.sender(owner).unpause().motsu_unwrap();
    assert_eq!(
        c.sender(eve)
            .mint_batch(eve, vec![u(1)], vec![u(1)], none())
            .motsu_unwrap_err(),
        not_minter
    );
    assert_eq!(
        c.sender(eve)
            .set_default_royalty(eve, bps(0))
            .motsu_unwrap_err(),
        not_owner
    );
    assert_eq!(
        c.sender(eve).renounce_ownership().motsu_unwrap_err(),
        not_owner
    );
    // Nothing changed.
    assert_eq!(c.sender(eve).owner(), owner);
    assert!(!c.sender(eve).paused());
    assert_eq!(c.sender(eve).total_supply(u(1)), u(5));
}

#[motsu::test]
fn self_and_zero_value_transfers(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy_with_units(&c, owner, alice, 5);
    c.sender(alice)
        .safe_transfer_from(alice, alice, u(1), u(5), none())
        .motsu_unwrap();
    assert_eq!(c.sender(alice).balance_of(alice, u(1)), u(5));
    c.sender(alice)
        .safe_transfer_from(alice, bob, u(1), U256::ZERO, none())
        .motsu_unwrap();
    c.assert_emitted(&TransferSingle {
        operator: alice,
        from: alice,
        to: bob,
        id: u(1),
        value: U256::ZERO,
    });
    // Frozen units cannot even be moved to oneself.
    record(&c, alice, alice, bob, 5, T0 + 1);
    let err = c
        .sender(alice)
        .safe_transfer_from(alice, alice, u(1), u(1), none())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InsufficientUnfrozenBalance(_)));
    assert_eq!(c.sender(alice).balance_of(alice, u(1)), u(5));
}

/// L-6, user-side griefing: a stranger holding 16 units fills a victim's
/// record slots for an id; the victim's lease through a lease operator
/// must still go through, and deleting or extending it stays O(1).
#[motsu::test]
fn l6_a_stranger_cannot_exhaust_a_users_records(
    c: Contract<IpEditions>,
    owner: Address,
    lessor: Address,
    stranger: Address,
    victim: Address,
    market: Address,
) {
    deploy_with_units(&c, owner, lessor, 5);
    c.sender(owner)
        .mint(stranger, u(1), u(16), none())
        .motsu_unwrap();
    let max = logic::MAX_ACTIVE_RECORDS as u64;
    let junk: Vec<U256> = (0..max)
        .map(|_| record(&c, stranger, stranger, victim, 1, T0 + 1_000))
        .collect();
    assert_eq!(c.sender(victim).usable_balance_of(victim, u(1)), u(max));
    // The victim's purchase: the market creates a locked record.
    set_lease_operator(&c, lessor, market);
    let lease = record(&c, market, lessor, victim, 2, T0 + 100);
    assert_eq!(c.sender(victim).usable_balance_of(victim, u(1)), u(max + 2));
    // Renewal and the stranger's own clean-up keep every balance exact.
    c.sender(market)
        .extend_user_record(lease, T0 + 2_000)
        .motsu_unwrap();
    for id in &junk[..4] {
        c.sender(stranger).delete_user_record(*id).motsu_unwrap();
    }
    assert_eq!(
        c.sender(victim).usable_balance_of(victim, u(1)),
        u(max - 4 + 2)
    );
    set_now(T0 + 1_001);
    assert_eq!(c.sender(victim).usable_balance_of(victim, u(1)), u(2));
    c.sender(victim).delete_user_record(lease).motsu_unwrap();
    assert_eq!(c.sender(victim).usable_balance_of(victim, u(1)), U256::ZERO);
    assert_eq!(c.sender(victim).frozen_balance_of(lessor, u(1)), U256::ZERO);
}

/// L-1 applied to records: a lease operator's (locked) record and any
/// extension end within 5 × 365 days; the owner's own records are unlocked.
#[motsu::test]
fn l1_locked_records_are_bounded_to_five_years(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    market: Address,
) {
    deploy_with_units(&c, owner, alice, 5);
    set_lease_operator(&c, alice, market);
    let max = T0 + logic::MAX_LOCK_DURATION;
    assert_eq!(
        c.sender(market)
            .create_user_record(alice, bob, u(1), 1, u64::MAX)
            .motsu_unwrap_err(),
        Error::LockExpiryTooFar(EditionsLockExpiryTooFar {
            expiry: u64::MAX,
            maxExpiry: max
        })
    );
    let id = record(&c, market, alice, bob, 1, max);
    assert!(c.sender(bob).is_record_locked(id));
    set_now(T0 + 10);
    assert_eq!(
        c.sender(market)
            .extend_user_record(id, max + 11)
            .motsu_unwrap_err(),
        Error::LockExpiryTooFar(EditionsLockExpiryTooFar {
            expiry: max + 11,
            maxExpiry: max + 10
        })
    );
    c.sender(market)
        .extend_user_record(id, max + 10)
        .motsu_unwrap();
    // The owner approving itself as lease operator still makes unlocked
    // records, which it may delete: they are not bounded.
    set_lease_operator(&c, alice, alice);
    let own = record(&c, alice, alice, bob, 1, u64::MAX);
    assert!(!c.sender(bob).is_record_locked(own));
    c.sender(alice).delete_user_record(own).motsu_unwrap();
}
