//! motsu tests of every public function and error path.
//!
//! motsu's block timestamp is fixed ([`NOW`]); lease expiry is simulated by
//! moving a stored lease's `expires` into the past (the same state the chain
//! reaches when time passes), and the expiry rules themselves are
//! property-tested with an explicit `now` in [`crate::logic`].

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{aliases::U96, fixed_bytes, uint, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError};
use motsu::prelude::*;
use openzeppelin_stylus::{
    token::{
        common::erc2981::IErc2981,
        erc721::{Erc721, IErc721},
    },
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{
    abi::Bytes,
    function_selector,
    prelude::*,
    storage::{StorageAddress, StorageU256, StorageU8},
};

use super::*;

/// motsu's fixed `block.timestamp`.
const NOW: u64 = 1_735_689_600;
const ID1: U256 = uint!(1_U256);
const ID2: U256 = uint!(2_U256);
const ABSENT: U256 = uint!(99_U256);

fn default_receiver() -> Address {
    Address::repeat_byte(0xD0)
}

fn bps(v: u64) -> U96 {
    U96::from(v)
}

/// Deploys through the constructor: "IP Collection"/"IPC", base URI
/// `ipfs://base/`, default royalty 5 % to [`default_receiver`].
fn deploy(c: &Contract<IpCollection>, owner: Address) {
    c.sender(owner)
        .constructor(
            "IP Collection".into(),
            "IPC".into(),
            "ipfs://base/".into(),
            owner,
            default_receiver(),
            bps(500),
        )
        .motsu_unwrap();
}

/// Mints the next token to `to` (no own URI, default royalty).
fn mint_to(c: &Contract<IpCollection>, owner: Address, to: Address) -> U256 {
    c.sender(owner)
        .mint(to, "", Address::ZERO, bps(0))
        .motsu_unwrap()
}

/// Moves the stored lease of `id` back by `secs` seconds, as if that much
/// time had passed (motsu cannot advance its clock).
fn age_lease(c: &Contract<IpCollection>, id: U256, secs: u64) {
    let mut call = c.sender(Address::ZERO);
    let token = Token::unpack(call.tokens.get(id));
    call.tokens.setter(id).set(
        Token {
            expires: token.expires - secs,
            ..token
        }
        .pack(),
    );
}

// ---------------------------------------------------------------- receivers

sol! {
    /// Custom error a mock receiver reverts with.
    error ReceiverSaysNo(uint256 code);
}

/// A receiver whose reply depends on `mode`: 0 accept, 1 wrong selector,
/// 2 revert with `ReceiverSaysNo(7)`, 3 accept with dirty padding.
#[storage]
struct ReceiverMock {
    mode: StorageU8,
    operator: StorageAddress,
    from: StorageAddress,
    token_id: StorageU256,
    data_len: StorageU256,
    data_first: StorageU8,
}

unsafe impl TopLevelStorage for ReceiverMock {}

#[public]
impl ReceiverMock {
    fn set_mode(&mut self, mode: u8) {
        self.mode.set(alloy_primitives::aliases::U8::from(mode));
    }

    #[selector(name = "onERC721Received")]
    fn on_erc721_received(
        &mut self,
        operator: Address,
        from: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<B256, Vec<u8>> {
        self.operator.set(operator);
        self.from.set(from);
        self.token_id.set(token_id);
        self.data_len.set(U256::from(data.0.len()));
        self.data_first.set(alloy_primitives::aliases::U8::from(
            data.0.first().copied().unwrap_or(0),
        ));
        let mut word = B256::ZERO;
        word[..4].copy_from_slice(&[0x15, 0x0b, 0x7a, 0x02]);
        match self.mode.get().to::<u8>() {
            0 => Ok(word),
            1 => Ok(B256::repeat_byte(0x11)),
            2 => Err(ReceiverSaysNo {
                code: U256::from(7),
            }
            .abi_encode()),
            _ => {
                word[31] = 1;
                Ok(word)
            }
        }
    }
}

/// A contract whose `onERC721Received` returns nothing.
#[storage]
struct SilentReceiver {
    calls: StorageU256,
}

unsafe impl TopLevelStorage for SilentReceiver {}

#[public]
impl SilentReceiver {
    #[selector(name = "onERC721Received")]
    fn on_erc721_received(&mut self, _operator: Address, _from: Address, _id: U256, _data: Bytes) {
        self.calls.set(self.calls.get() + U256::from(1));
    }
}

// ------------------------------------------------------------ deployment

#[motsu::test]
fn constructor_sets_everything(c: Contract<IpCollection>, owner: Address) {
    deploy(&c, owner);
    assert_eq!(c.sender(owner).name(), "IP Collection");
    assert_eq!(c.sender(owner).symbol(), "IPC");
    assert_eq!(c.sender(owner).owner(), owner);
    assert_eq!(c.sender(owner).pending_owner(), Address::ZERO);
    assert!(!c.sender(owner).paused());
    assert_eq!(c.sender(owner).total_supply(), U256::ZERO);
    // Fee denominator 10,000: 5 % of 10,000 is 500.
    assert_eq!(
        c.sender(owner)
            .royalty_info(ID1, U256::from(10_000))
            .motsu_unwrap(),
        (default_receiver(), U256::from(500))
    );
    c.assert_emitted(&OwnershipTransferred {
        previousOwner: Address::ZERO,
        newOwner: owner,
    });
    c.assert_emitted(&DefaultRoyaltySet {
        receiver: default_receiver(),
        royaltyBps: bps(500),
    });
    c.assert_emitted(&Initialized { version: 1 });
}

#[motsu::test]
fn initializer_path_matches_constructor(
    c: Contract<IpCollection>,
    deployer: Address,
    owner: Address,
) {
    // A clone runs `initialize` (from any caller, e.g. its factory).
    c.sender(deployer)
        .initialize(
            "Clone".into(),
            "CL".into(),
            String::new(),
            owner,
            default_receiver(),
            bps(250),
        )
        .motsu_unwrap();
    assert_eq!(c.sender(owner).name(), "Clone");
    assert_eq!(c.sender(owner).symbol(), "CL");
    assert_eq!(c.sender(owner).owner(), owner);
    assert_eq!(
        c.sender(owner)
            .royalty_info(ID1, U256::from(10_000))
            .motsu_unwrap(),
        (default_receiver(), U256::from(250))
    );
    c.assert_emitted(&Initialized { version: 1 });
}

#[motsu::test]
fn reinitialising_fails_in_both_orders(
    a: Contract<IpCollection>,
    b: Contract<IpCollection>,
    owner: Address,
) {
    deploy(&a, owner);
    let err = a
        .sender(owner)
        .initialize(
            "X".into(),
            "X".into(),
            String::new(),
            owner,
            Address::ZERO,
            bps(0),
        )
        .motsu_unwrap_err();
    assert_eq!(err, InvalidInitialization {}.into());
    assert_eq!(a.sender(owner).name(), "IP Collection");

    b.sender(owner)
        .initialize(
            "B".into(),
            "B".into(),
            String::new(),
            owner,
            Address::ZERO,
            bps(0),
        )
        .motsu_unwrap();
    let err = b
        .sender(owner)
        .initialize(
            "C".into(),
            "C".into(),
            String::new(),
            owner,
            Address::ZERO,
            bps(0),
        )
        .motsu_unwrap_err();
    assert_eq!(err, InvalidInitialization {}.into());
    let err = b
        .sender(owner)
        .constructor(
            "C".into(),
            "C".into(),
            String::new(),
            owner,
            Address::ZERO,
            bps(0),
        )
        .motsu_unwrap_err();
    assert_eq!(err, InvalidInitialization {}.into());
    assert_eq!(b.sender(owner).name(), "B");
}

#[motsu::test]
fn init_rejects_bad_input(c: Contract<IpCollection>, owner: Address) {
    let init = |o: Address, r: Address, b: u64| {
        c.sender(owner)
            .initialize("N".into(), "S".into(), String::new(), o, r, bps(b))
    };
    assert_eq!(
        init(Address::ZERO, Address::ZERO, 0).motsu_unwrap_err(),
        OwnableInvalidOwner {
            owner: Address::ZERO
        }
        .into()
    );
    assert_eq!(
        init(owner, default_receiver(), 10_001).motsu_unwrap_err(),
        ERC2981InvalidDefaultRoyalty {
            numerator: U256::from(10_001),
            denominator: U256::from(10_000)
        }
        .into()
    );
    assert_eq!(
        init(owner, Address::ZERO, 1).motsu_unwrap_err(),
        ERC2981InvalidDefaultRoyaltyReceiver {
            receiver: Address::ZERO
        }
        .into()
    );
    // Nothing was written: a valid initialisation still works.
    assert_eq!(c.sender(owner).owner(), Address::ZERO);
    init(owner, Address::ZERO, 0).motsu_unwrap();
    assert_eq!(c.sender(owner).owner(), owner);
    // Zero receiver and zero bps: no default royalty.
    assert_eq!(
        c.sender(owner)
            .royalty_info(ID1, U256::from(1_000_000))
            .motsu_unwrap(),
        (Address::ZERO, U256::ZERO)
    );
}

#[motsu::test]
fn royalty_of_an_uninitialised_contract_is_none(c: Contract<IpCollection>, alice: Address) {
    assert_eq!(
        c.sender(alice).royalty_info(ID1, U256::MAX).motsu_unwrap(),
        (Address::ZERO, U256::ZERO)
    );
}

// ------------------------------------------------------------ ERC-165

#[motsu::test]
fn supports_exactly_the_declared_interfaces(c: Contract<IpCollection>, alice: Address) {
    for id in [
        IERC165_ID,
        IERC721_ID,
        IERC721_METADATA_ID,
        IERC2981_ID,
        IERC4907_ID,
        IERC4906_ID,
    ] {
        assert!(c.sender(alice).supports_interface(id), "{id}");
    }
    for id in [
        fixed_bytes!("ffffffff"),
        fixed_bytes!("00000000"),
        fixed_bytes!("780e9d63"),
    ] {
        assert!(!c.sender(alice).supports_interface(id), "{id}");
    }
}

#[test]
fn interface_ids_match_their_definitions() {
    assert_eq!(IERC721_ID, <Erc721 as IErc721>::interface_id());
    assert_eq!(IERC165_ID, <Erc721 as IErc165>::interface_id());
    assert_eq!(
        IERC2981_ID,
        <openzeppelin_stylus::token::common::erc2981::Erc2981 as IErc2981>::interface_id()
    );
    let xor = |sels: &[[u8; 4]]| {
        B32::from(sels.iter().fold([0u8; 4], |acc, s| {
            [acc[0] ^ s[0], acc[1] ^ s[1], acc[2] ^ s[2], acc[3] ^ s[3]]
        }))
    };
    assert_eq!(
        IERC721_METADATA_ID,
        xor(&[
            function_selector!("name"),
            function_selector!("symbol"),
            function_selector!("tokenURI", U256),
        ])
    );
    assert_eq!(
        IERC4907_ID,
        xor(&[
            function_selector!("setUser", U256, Address, u64),
            function_selector!("userOf", U256),
            function_selector!("userExpires", U256),
        ])
    );
    // ERC-4906 fixes its id instead of deriving it from selectors.
    assert_eq!(IERC4906_ID, B32::from([0x49, 0x06, 0x49, 0x06]));
}

// ------------------------------------------------------------ errors and events

#[test]
fn hand_encoded_errors_match_alloy() {
    let a = Address::repeat_byte(0xA1);
    let b = Address::repeat_byte(0xB2);
    let n = U256::from(0x1234_5678_u64) << 200;
    fn check<E: SolError + Clone>(e: E)
    where
        Error: From<E>,
    {
        assert_eq!(Vec::<u8>::from(Error::from(e.clone())), e.abi_encode());
    }
    check(ERC721InvalidOwner { owner: a });
    check(ERC721NonexistentToken { tokenId: n });
    check(ERC721IncorrectOwner {
        sender: a,
        tokenId: n,
        owner: b,
    });
    check(ERC721InvalidSender { sender: a });
    check(ERC721InvalidReceiver { receiver: a });
    check(ERC721InsufficientApproval {
        operator: a,
        tokenId: n,
    });
    check(ERC721InvalidApprover { approver: a });
    check(ERC721InvalidOperator { operator: a });
    check(ERC2981InvalidDefaultRoyalty {
        numerator: n,
        denominator: U256::from(10_000),
    });
    check(ERC2981InvalidDefaultRoyaltyReceiver { receiver: a });
    check(ERC2981InvalidTokenRoyalty {
        tokenId: n,
        numerator: n,
        denominator: n,
    });
    check(OwnableUnauthorizedAccount { account: a });
    check(OwnableInvalidOwner { owner: a });
    check(EnforcedPause {});
    check(ExpectedPause {});
    check(InvalidInitialization {});
    check(CollectionCallerNotMinter { account: a });
    check(CollectionCallerNotMetadataUpdater { account: a });
    check(CollectionInvalidAccount { account: a });
    check(CollectionUserExpiryInPast {
        expires: u64::MAX,
        timestamp: NOW,
    });
    check(CollectionLeaseLocked {
        tokenId: n,
        user: a,
        expires: u64::MAX - 1,
    });
    check(CollectionArithmeticOverflow {});
    check(CollectionEmptyBatch {});
    assert_eq!(
        Vec::<u8>::from(Error::ReceiverRevert(vec![1, 2, 3])),
        vec![1, 2, 3]
    );
}

#[test]
fn errors_encode_as_openzeppelins() {
    use openzeppelin_stylus::token::erc721 as oz;
    /// OZ's error and ours encode to the same bytes.
    fn check(make: impl Fn() -> oz::Error, ours: Error) {
        assert_eq!(Vec::<u8>::from(make()), Vec::<u8>::from(ours));
    }
    let a = Address::repeat_byte(0xA1);
    check(
        || oz::ERC721InvalidOwner { owner: a }.into(),
        ERC721InvalidOwner { owner: a }.into(),
    );
    check(
        || oz::ERC721NonexistentToken { token_id: ID1 }.into(),
        ERC721NonexistentToken { tokenId: ID1 }.into(),
    );
    check(
        || {
            oz::ERC721IncorrectOwner {
                sender: a,
                token_id: ID1,
                owner: a,
            }
            .into()
        },
        ERC721IncorrectOwner {
            sender: a,
            tokenId: ID1,
            owner: a,
        }
        .into(),
    );
    check(
        || oz::ERC721InvalidSender { sender: a }.into(),
        ERC721InvalidSender { sender: a }.into(),
    );
    check(
        || oz::ERC721InvalidReceiver { receiver: a }.into(),
        ERC721InvalidReceiver { receiver: a }.into(),
    );
    check(
        || {
            oz::ERC721InsufficientApproval {
                operator: a,
                token_id: ID1,
            }
            .into()
        },
        ERC721InsufficientApproval {
            operator: a,
            tokenId: ID1,
        }
        .into(),
    );
    check(
        || oz::ERC721InvalidApprover { approver: a }.into(),
        ERC721InvalidApprover { approver: a }.into(),
    );
    check(
        || oz::ERC721InvalidOperator { operator: a }.into(),
        ERC721InvalidOperator { operator: a }.into(),
    );
}

#[test]
fn on_received_calldata_matches_alloy() {
    sol! {
        function onERC721Received(address operator, address from, uint256 tokenId, bytes data)
            returns (bytes4);
    }
    for len in [0usize, 1, 31, 32, 33, 64, 100] {
        let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let (op, from) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let expected = onERC721ReceivedCall {
            operator: op,
            from,
            tokenId: U256::from(77),
            data: data.clone().into(),
        }
        .abi_encode();
        assert_eq!(
            on_received_calldata(op, from, U256::from(77), &data),
            expected
        );
    }
}

// ------------------------------------------------------------ ERC-721

#[motsu::test]
fn balances_owners_and_transfers(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    c.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: alice,
        tokenId: id,
    });
    assert_eq!(
        c.sender(bob).balance_of(alice).motsu_unwrap(),
        U256::from(1)
    );
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), alice);

    c.sender(alice).transfer_from(alice, bob, id).motsu_unwrap();
    c.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        tokenId: id,
    });
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), bob);
    assert_eq!(c.sender(bob).balance_of(alice).motsu_unwrap(), U256::ZERO);
    assert_eq!(c.sender(bob).balance_of(bob).motsu_unwrap(), U256::from(1));
}

#[motsu::test]
fn erc721_view_errors(c: Contract<IpCollection>, owner: Address) {
    deploy(&c, owner);
    assert_eq!(
        c.sender(owner).balance_of(Address::ZERO).motsu_unwrap_err(),
        ERC721InvalidOwner {
            owner: Address::ZERO
        }
        .into()
    );
    let absent: Error = ERC721NonexistentToken { tokenId: ABSENT }.into();
    assert_eq!(c.sender(owner).owner_of(ABSENT).motsu_unwrap_err(), absent);
    assert_eq!(
        c.sender(owner).get_approved(ABSENT).motsu_unwrap_err(),
        absent
    );
    assert_eq!(c.sender(owner).token_uri(ABSENT).motsu_unwrap_err(), absent);
    assert_eq!(c.sender(owner).user_of(ABSENT).motsu_unwrap_err(), absent);
    assert_eq!(
        c.sender(owner).user_expires(ABSENT).motsu_unwrap_err(),
        absent
    );
    assert_eq!(
        c.sender(owner).lease_locked(ABSENT).motsu_unwrap_err(),
        absent
    );
}

#[motsu::test]
fn approvals_and_operators_can_transfer(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    c.sender(alice).approve(bob, id).motsu_unwrap();
    c.assert_emitted(&Approval {
        owner: alice,
        approved: bob,
        tokenId: id,
    });
    assert_eq!(c.sender(carol).get_approved(id).motsu_unwrap(), bob);
    c.sender(bob).transfer_from(alice, carol, id).motsu_unwrap();
    // The approval is cleared by the transfer.
    assert_eq!(
        c.sender(carol).get_approved(id).motsu_unwrap(),
        Address::ZERO
    );

    c.sender(carol)
        .set_approval_for_all(bob, true)
        .motsu_unwrap();
    c.assert_emitted(&ApprovalForAll {
        owner: carol,
        operator: bob,
        approved: true,
    });
    assert!(c.sender(alice).is_approved_for_all(carol, bob));
    c.sender(bob).transfer_from(carol, alice, id).motsu_unwrap();
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), alice);
    c.sender(carol)
        .set_approval_for_all(bob, false)
        .motsu_unwrap();
    assert!(!c.sender(alice).is_approved_for_all(carol, bob));
}

#[motsu::test]
fn transfer_errors_change_nothing(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    assert_eq!(
        c.sender(bob)
            .transfer_from(alice, bob, id)
            .motsu_unwrap_err(),
        ERC721InsufficientApproval {
            operator: bob,
            tokenId: id
        }
        .into()
    );
    assert_eq!(
        c.sender(alice)
            .transfer_from(bob, alice, id)
            .motsu_unwrap_err(),
        ERC721IncorrectOwner {
            sender: bob,
            tokenId: id,
            owner: alice
        }
        .into()
    );
    assert_eq!(
        c.sender(alice)
            .transfer_from(alice, Address::ZERO, id)
            .motsu_unwrap_err(),
        ERC721InvalidReceiver {
            receiver: Address::ZERO
        }
        .into()
    );
    assert_eq!(
        c.sender(alice)
            .transfer_from(alice, bob, ABSENT)
            .motsu_unwrap_err(),
        ERC721NonexistentToken { tokenId: ABSENT }.into()
    );
    assert_eq!(
        c.sender(bob).approve(bob, id).motsu_unwrap_err(),
        ERC721InvalidApprover { approver: bob }.into()
    );
    assert_eq!(
        c.sender(bob).approve(bob, ABSENT).motsu_unwrap_err(),
        ERC721NonexistentToken { tokenId: ABSENT }.into()
    );
    assert_eq!(
        c.sender(alice)
            .set_approval_for_all(Address::ZERO, true)
            .motsu_unwrap_err(),
        ERC721InvalidOperator {
            operator: Address::ZERO
        }
        .into()
    );
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), alice);
    assert_eq!(
        c.sender(bob).balance_of(alice).motsu_unwrap(),
        U256::from(1)
    );
}

// ------------------------------------------------------------ safe transfers

#[motsu::test]
fn safe_transfer_to_an_account_without_code(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    c.sender(alice)
        .safe_transfer_from(alice, bob, id)
        .motsu_unwrap();
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), bob);
    c.sender(bob)
        .safe_transfer_from_with_data(bob, alice, id, Bytes(vec![1, 2]))
        .motsu_unwrap();
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), alice);
}

#[motsu::test]
fn safe_transfer_to_an_accepting_receiver(
    c: Contract<IpCollection>,
    r: Contract<ReceiverMock>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    c.sender(alice).approve(bob, id).motsu_unwrap();
    // The operator passed on is msg.sender (bob), `from` the owner.
    c.sender(bob)
        .safe_transfer_from_with_data(alice, r.address(), id, Bytes(vec![9; 40]))
        .motsu_unwrap();
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), r.address());
    let seen = r.sender(bob);
    assert_eq!(seen.operator.get(), bob);
    assert_eq!(seen.from.get(), alice);
    assert_eq!(seen.token_id.get(), id);
    assert_eq!(seen.data_len.get(), U256::from(40));
    assert_eq!(seen.data_first.get().to::<u8>(), 9);
}

#[motsu::test]
fn safe_transfer_to_refusing_receivers(
    c: Contract<IpCollection>,
    r: Contract<ReceiverMock>,
    silent: Contract<SilentReceiver>,
    owner: Address,
    alice: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    let invalid: Error = ERC721InvalidReceiver {
        receiver: r.address(),
    }
    .into();
    // Wrong selector, then a right one with dirty padding.
    for mode in [1u8, 3] {
        r.sender(alice).set_mode(mode);
        assert_eq!(
            c.sender(alice)
                .safe_transfer_from(alice, r.address(), id)
                .motsu_unwrap_err(),
            invalid
        );
    }
    // Reverting with data: re-thrown verbatim.
    r.sender(alice).set_mode(2);
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from(alice, r.address(), id)
            .motsu_unwrap_err(),
        Error::ReceiverRevert(
            ReceiverSaysNo {
                code: U256::from(7)
            }
            .abi_encode()
        )
    );
    // Returning nothing.
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from_with_data(alice, silent.address(), id, Bytes(vec![]))
            .motsu_unwrap_err(),
        ERC721InvalidReceiver {
            receiver: silent.address()
        }
        .into()
    );
    // Every failure was reverted.
    assert_eq!(c.sender(alice).owner_of(id).motsu_unwrap(), alice);
    assert_eq!(
        c.sender(alice).balance_of(alice).motsu_unwrap(),
        U256::from(1)
    );
}

// ------------------------------------------------------------ metadata

#[motsu::test]
fn token_uri_prefers_own_uri_then_base_plus_id(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
) {
    deploy(&c, owner);
    let id1 = mint_to(&c, owner, alice);
    let long = "ar://".to_string() + &"x".repeat(90);
    let id2 = c
        .sender(owner)
        .mint(alice, &long, Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_eq!(
        c.sender(alice).token_uri(id1).motsu_unwrap(),
        "ipfs://base/1"
    );
    assert_eq!(c.sender(alice).token_uri(id2).motsu_unwrap(), long);
    // No base URI: empty.
    c.sender(owner).set_base_uri("").motsu_unwrap();
    assert_eq!(c.sender(alice).token_uri(id1).motsu_unwrap(), "");
    // Ids of several digits.
    for _ in 0..9 {
        mint_to(&c, owner, alice);
    }
    c.sender(owner).set_base_uri("https://x/").motsu_unwrap();
    assert_eq!(
        c.sender(alice).token_uri(U256::from(11)).motsu_unwrap(),
        "https://x/11"
    );
}

/// Strings use Solidity's layout: a short one inline with `2 × length` in
/// the lowest byte (one slot for a short token URI), a long one as
/// `2 × length + 1` with the bytes from `keccak256(slot)`.
#[motsu::test]
fn strings_use_solidity_layout(c: Contract<IpCollection>, owner: Address, alice: Address) {
    use stylus_sdk::host::WasmVM;
    deploy(&c, owner);
    let id = c
        .sender(owner)
        .mint(alice, "ipfs://bafy/1", Address::ZERO, bps(0))
        .motsu_unwrap();
    let slot = store::map_slot(TOKEN_URI_ROOT, id);
    // The last call leaves `c` as the VM's current contract.
    assert_eq!(
        c.sender(alice).token_uri(id).motsu_unwrap(),
        "ipfs://bafy/1"
    );
    let mut short = [0u8; 32];
    short[..13].copy_from_slice(b"ipfs://bafy/1");
    short[31] = 26;
    assert_eq!(WasmVM {}.storage_load_bytes32(slot), B256::from(short));
    let long = "x".repeat(40);
    c.sender(owner).set_token_uri(id, &long).motsu_unwrap();
    assert_eq!(c.sender(alice).token_uri(id).motsu_unwrap(), long);
    assert_eq!(
        WasmVM {}.storage_load_bytes32(slot),
        B256::from(U256::from(81))
    );
    let data = U256::from_be_bytes(alloy_primitives::keccak256(slot.to_be_bytes::<32>()).0);
    assert_eq!(
        WasmVM {}.storage_load_bytes32(data),
        B256::repeat_byte(b'x')
    );
}

#[motsu::test]
fn strings_of_every_length_round_trip(c: Contract<IpCollection>, owner: Address, alice: Address) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    for len in [0usize, 1, 31, 32, 33, 63, 64, 65, 200, 3] {
        let uri: String = (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        c.sender(owner).set_token_uri(id, &uri).motsu_unwrap();
        let expected = if uri.is_empty() {
            "ipfs://base/1".to_string()
        } else {
            uri
        };
        assert_eq!(c.sender(alice).token_uri(id).motsu_unwrap(), expected);
    }
    // Multi-byte UTF-8 survives.
    c.sender(owner)
        .set_token_uri(id, "ipfs://é✓🦀")
        .motsu_unwrap();
    assert_eq!(c.sender(alice).token_uri(id).motsu_unwrap(), "ipfs://é✓🦀");
}

#[motsu::test]
fn set_token_uri_roles_and_event(
    c: Contract<IpCollection>,
    owner: Address,
    updater: Address,
    alice: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    assert_eq!(
        c.sender(updater).set_token_uri(id, "u").motsu_unwrap_err(),
        CollectionCallerNotMetadataUpdater { account: updater }.into()
    );
    // The token owner is no metadata updater either.
    assert_eq!(
        c.sender(alice).set_token_uri(id, "u").motsu_unwrap_err(),
        CollectionCallerNotMetadataUpdater { account: alice }.into()
    );
    c.sender(owner)
        .set_metadata_updater(updater, true)
        .motsu_unwrap();
    c.sender(updater)
        .set_token_uri(id, "ipfs://v2")
        .motsu_unwrap();
    c.assert_emitted(&MetadataUpdate { _tokenId: id });
    assert_eq!(c.sender(alice).token_uri(id).motsu_unwrap(), "ipfs://v2");
    assert_eq!(
        c.sender(updater)
            .set_token_uri(ABSENT, "u")
            .motsu_unwrap_err(),
        ERC721NonexistentToken { tokenId: ABSENT }.into()
    );
    c.sender(owner)
        .set_metadata_updater(updater, false)
        .motsu_unwrap();
    assert_eq!(
        c.sender(updater).set_token_uri(id, "v3").motsu_unwrap_err(),
        CollectionCallerNotMetadataUpdater { account: updater }.into()
    );
    assert_eq!(c.sender(alice).token_uri(id).motsu_unwrap(), "ipfs://v2");
}

#[motsu::test]
fn set_base_uri_emits_batch_update(c: Contract<IpCollection>, owner: Address, alice: Address) {
    deploy(&c, owner);
    c.sender(owner).set_base_uri("a/").motsu_unwrap();
    assert!(!c.emitted(&BatchMetadataUpdate {
        _fromTokenId: ID1,
        _toTokenId: U256::ZERO
    }));
    mint_to(&c, owner, alice);
    mint_to(&c, owner, alice);
    c.sender(owner).set_base_uri("b/").motsu_unwrap();
    c.assert_emitted(&BatchMetadataUpdate {
        _fromTokenId: ID1,
        _toTokenId: ID2,
    });
    assert_eq!(c.sender(alice).token_uri(ID2).motsu_unwrap(), "b/2");
    assert_eq!(
        c.sender(alice).set_base_uri("c/").motsu_unwrap_err(),
        CollectionCallerNotMetadataUpdater { account: alice }.into()
    );
}

// ------------------------------------------------------------ mint + royalties

#[motsu::test]
fn mint_ids_are_sequential_and_role_gated(
    c: Contract<IpCollection>,
    owner: Address,
    minter: Address,
    alice: Address,
) {
    deploy(&c, owner);
    assert_eq!(
        c.sender(minter)
            .mint(alice, "", Address::ZERO, bps(0))
            .motsu_unwrap_err(),
        CollectionCallerNotMinter { account: minter }.into()
    );
    assert!(c.sender(alice).is_minter(owner));
    assert!(!c.sender(alice).is_minter(minter));
    c.sender(owner).set_minter(minter, true).motsu_unwrap();
    c.assert_emitted(&MinterSet {
        account: minter,
        enabled: true,
    });
    assert!(c.sender(alice).is_minter(minter));
    for expected in 1..=3u64 {
        let id = c
            .sender(minter)
            .mint(alice, "", Address::ZERO, bps(0))
            .motsu_unwrap();
        assert_eq!(id, U256::from(expected));
    }
    assert_eq!(c.sender(alice).total_supply(), U256::from(3));
    assert_eq!(
        c.sender(alice).balance_of(alice).motsu_unwrap(),
        U256::from(3)
    );
    c.sender(owner).set_minter(minter, false).motsu_unwrap();
    c.assert_emitted(&MinterSet {
        account: minter,
        enabled: false,
    });
    assert_eq!(
        c.sender(minter)
            .mint(alice, "", Address::ZERO, bps(0))
            .motsu_unwrap_err(),
        CollectionCallerNotMinter { account: minter }.into()
    );
}

#[motsu::test]
fn mint_rejects_bad_input(c: Contract<IpCollection>, owner: Address, alice: Address) {
    deploy(&c, owner);
    assert_eq!(
        c.sender(owner)
            .mint(alice, "", alice, bps(10_001))
            .motsu_unwrap_err(),
        ERC2981InvalidTokenRoyalty {
            tokenId: ID1,
            numerator: U256::from(10_001),
            denominator: U256::from(10_000)
        }
        .into()
    );
    // Checked even when the default royalty applies.
    assert_eq!(
        c.sender(owner)
            .mint(alice, "", Address::ZERO, bps(20_000))
            .motsu_unwrap_err(),
        ERC2981InvalidTokenRoyalty {
            tokenId: ID1,
            numerator: U256::from(20_000),
            denominator: U256::from(10_000)
        }
        .into()
    );
    assert_eq!(
        c.sender(owner)
            .mint(Address::ZERO, "", Address::ZERO, bps(0))
            .motsu_unwrap_err(),
        ERC721InvalidReceiver {
            receiver: Address::ZERO
        }
        .into()
    );
    assert_eq!(c.sender(owner).total_supply(), U256::ZERO);
    // The id was not consumed.
    assert_eq!(mint_to(&c, owner, alice), ID1);
}

#[motsu::test]
fn per_token_and_default_royalties(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    artist: Address,
) {
    deploy(&c, owner);
    let own = c
        .sender(owner)
        .mint(alice, "", artist, bps(1_000))
        .motsu_unwrap();
    let default = mint_to(&c, owner, alice);
    let zero = c
        .sender(owner)
        .mint(alice, "", artist, bps(0))
        .motsu_unwrap();
    let price = U256::from(1_000_000);
    assert_eq!(
        c.sender(alice).royalty_info(own, price).motsu_unwrap(),
        (artist, U256::from(100_000))
    );
    assert_eq!(
        c.sender(alice).royalty_info(default, price).motsu_unwrap(),
        (default_receiver(), U256::from(50_000))
    );
    assert_eq!(
        c.sender(alice).royalty_info(zero, price).motsu_unwrap(),
        (artist, U256::ZERO)
    );
    // Rounds down; exact for the largest sale price (no overflow panic).
    assert_eq!(
        c.sender(alice)
            .royalty_info(own, U256::from(9))
            .motsu_unwrap(),
        (artist, U256::ZERO)
    );
    assert_eq!(
        c.sender(alice).royalty_info(own, U256::MAX).motsu_unwrap(),
        (artist, U256::MAX / U256::from(10))
    );
    let full = c
        .sender(owner)
        .mint(alice, "", artist, bps(10_000))
        .motsu_unwrap();
    assert_eq!(
        c.sender(alice).royalty_info(full, U256::MAX).motsu_unwrap(),
        (artist, U256::MAX)
    );
}

#[motsu::test]
fn owner_updates_the_default_royalty(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    artist: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    assert_eq!(
        c.sender(alice)
            .set_default_royalty(artist, bps(100))
            .motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: alice }.into()
    );
    assert_eq!(
        c.sender(owner)
            .set_default_royalty(artist, bps(10_001))
            .motsu_unwrap_err(),
        ERC2981InvalidDefaultRoyalty {
            numerator: U256::from(10_001),
            denominator: U256::from(10_000)
        }
        .into()
    );
    assert_eq!(
        c.sender(owner)
            .set_default_royalty(Address::ZERO, bps(100))
            .motsu_unwrap_err(),
        ERC2981InvalidDefaultRoyaltyReceiver {
            receiver: Address::ZERO
        }
        .into()
    );
    c.sender(owner)
        .set_default_royalty(artist, bps(100))
        .motsu_unwrap();
    c.assert_emitted(&DefaultRoyaltySet {
        receiver: artist,
        royaltyBps: bps(100),
    });
    assert_eq!(
        c.sender(alice)
            .royalty_info(id, U256::from(10_000))
            .motsu_unwrap(),
        (artist, U256::from(100))
    );
    c.sender(owner)
        .set_default_royalty(Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_eq!(
        c.sender(alice)
            .royalty_info(id, U256::from(10_000))
            .motsu_unwrap(),
        (Address::ZERO, U256::ZERO)
    );
}

// ------------------------------------------------------------ batch mint

/// The sha-256 of examples/studio's `fox.png`, `snow.png` and `forest.png`
/// (`sha256sum`) and their CIDs (the example's README).
const STUDIO: [(B256, &str); 3] = [
    (
        fixed_bytes!("2547a087ce026bcf43a0a7646395f75c52068aff8ee0d90e940b21b75fa627ef"),
        "ipfs://bafkreibfi6qiptqcnphuhifhmrrzl524kidiv74o4dmq5faleg3v7jrh54",
    ),
    (
        fixed_bytes!("d7901f6ee3b2d127fcb069f0e065bb5050451be4bff1b7717f4d953cce9aeb1d"),
        "ipfs://bafkreigxsapw5y5s2et7zmdj6dqglo2qkbcrxzf76g3xc72nsu6m5gxldu",
    ),
    (
        fixed_bytes!("387aeee56a4fed01147304e7aa7f04ef60d0a6da9baae3669dc22c30c60a940b"),
        "ipfs://bafkreibyplxok2sp5uari4ye46vh6bhpmdiknwu3vlrwnhocfqymmcuubm",
    ),
];

fn studio_digests() -> Vec<B256> {
    STUDIO.iter().map(|(d, _)| *d).collect()
}

#[motsu::test]
fn mint_batch_mints_consecutive_ids_with_ipfs_uris(
    c: Contract<IpCollection>,
    owner: Address,
    minter: Address,
    alice: Address,
    artist: Address,
) {
    deploy(&c, owner);
    let single = mint_to(&c, owner, alice);
    c.sender(owner).set_minter(minter, true).motsu_unwrap();
    let first = c
        .sender(minter)
        .mint_batch(alice, studio_digests(), artist, bps(1_000))
        .motsu_unwrap();
    assert_eq!(first, U256::from(2));
    c.assert_emitted(&ConsecutiveTransfer {
        fromTokenId: U256::from(2),
        toTokenId: U256::from(4),
        fromAddress: Address::ZERO,
        toAddress: alice,
    });
    // One event for the batch, no Transfer per token.
    for id in 2..=4u64 {
        assert!(!c.emitted(&Transfer {
            from: Address::ZERO,
            to: alice,
            tokenId: U256::from(id),
        }));
    }
    assert_eq!(c.sender(alice).total_supply(), U256::from(4));
    assert_eq!(
        c.sender(alice).balance_of(alice).motsu_unwrap(),
        U256::from(4)
    );
    let price = U256::from(1_000_000);
    for (i, (digest, uri)) in STUDIO.iter().enumerate() {
        let id = first + U256::from(i);
        assert_eq!(c.sender(alice).owner_of(id).motsu_unwrap(), alice);
        assert_eq!(c.sender(alice).token_uri(id).motsu_unwrap(), *uri);
        assert_eq!(
            c.sender(alice).royalty_info(id, price).motsu_unwrap(),
            (artist, U256::from(100_000))
        );
        // The token word is the owner plus the digest flag (bit 227), the
        // digest in `keccak(id ‖ 9)`.
        let call = c.sender(Address::ZERO);
        let mut word = alice.into_word();
        word[3] = 0x08;
        assert_eq!(call.tokens.get(id), word);
        assert_eq!(call.digests.get(id), *digest);
    }
    // The single mint before is untouched: base URI + id, default royalty.
    assert_eq!(
        c.sender(alice).token_uri(single).motsu_unwrap(),
        "ipfs://base/1"
    );
    assert_eq!(
        c.sender(alice).royalty_info(single, price).motsu_unwrap(),
        (default_receiver(), U256::from(50_000))
    );
    assert_eq!(
        c.sender(alice).owner_of(U256::from(5)).motsu_unwrap_err(),
        ERC721NonexistentToken {
            tokenId: U256::from(5)
        }
        .into()
    );
    // Ids go on from the batch.
    assert_eq!(mint_to(&c, owner, alice), U256::from(5));
}

#[motsu::test]
fn mint_batch_of_one_emits_transfer_and_uses_the_default_royalty(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
) {
    deploy(&c, owner);
    let id = c
        .sender(owner)
        .mint_batch(alice, vec![STUDIO[1].0], Address::ZERO, bps(700))
        .motsu_unwrap();
    assert_eq!(id, ID1);
    c.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: alice,
        tokenId: ID1,
    });
    assert!(!c.emitted(&ConsecutiveTransfer {
        fromTokenId: ID1,
        toTokenId: ID1,
        fromAddress: Address::ZERO,
        toAddress: alice,
    }));
    assert_eq!(c.sender(alice).token_uri(id).motsu_unwrap(), STUDIO[1].1);
    assert_eq!(
        c.sender(alice).balance_of(alice).motsu_unwrap(),
        U256::from(1)
    );
    // Receiver zero: the default royalty, no per-token word.
    assert_eq!(
        c.sender(alice)
            .royalty_info(id, U256::from(10_000))
            .motsu_unwrap(),
        (default_receiver(), U256::from(500))
    );
    assert_eq!(c.sender(Address::ZERO).token_royalties.get(id), B256::ZERO);
}

/// Supply, `to`'s balance and token 1's word: what a failed batch must not
/// change.
fn batch_state(c: &Contract<IpCollection>, to: Address) -> (U256, U256, B256) {
    let call = c.sender(Address::ZERO);
    (
        call.total_supply(),
        U256::from(call.account(to).balance),
        call.tokens.get(ID1),
    )
}

#[motsu::test]
fn mint_batch_rejects_bad_input_and_changes_nothing(
    c: Contract<IpCollection>,
    owner: Address,
    eve: Address,
    alice: Address,
) {
    deploy(&c, owner);
    let before = batch_state(&c, alice);
    let fail = |sender: Address, to: Address, digests: Vec<B256>, bps_: u64| {
        let e = c
            .sender(sender)
            .mint_batch(to, digests, alice, bps(bps_))
            .motsu_unwrap_err();
        assert_eq!(batch_state(&c, alice), before);
        e
    };
    assert_eq!(
        fail(eve, alice, studio_digests(), 0),
        CollectionCallerNotMinter { account: eve }.into()
    );
    assert_eq!(
        fail(owner, alice, Vec::new(), 0),
        CollectionEmptyBatch {}.into()
    );
    // The empty batch is refused by its own error even with other faults
    // (checked right after role and pause).
    assert_eq!(
        fail(owner, Address::ZERO, Vec::new(), 10_001),
        CollectionEmptyBatch {}.into()
    );
    assert_eq!(
        fail(owner, Address::ZERO, studio_digests(), 0),
        ERC721InvalidReceiver {
            receiver: Address::ZERO
        }
        .into()
    );
    assert_eq!(
        fail(owner, alice, studio_digests(), 10_001),
        ERC2981InvalidTokenRoyalty {
            tokenId: ID1,
            numerator: U256::from(10_001),
            denominator: U256::from(10_000)
        }
        .into()
    );
    c.sender(owner).pause().motsu_unwrap();
    assert_eq!(
        fail(owner, alice, studio_digests(), 0),
        EnforcedPause {}.into()
    );
    c.sender(owner).unpause().motsu_unwrap();
    // Nothing was consumed.
    assert_eq!(
        c.sender(owner)
            .mint_batch(alice, studio_digests(), Address::ZERO, bps(0))
            .motsu_unwrap(),
        ID1
    );
}

#[motsu::test]
fn mint_batch_checks_the_id_counter(c: Contract<IpCollection>, owner: Address, alice: Address) {
    deploy(&c, owner);
    // Move the counter to 2^64 − 3: room for two more ids.
    {
        let mut call = c.sender(Address::ZERO);
        let mut collection = call.collection();
        collection.minted = u64::MAX - 2;
        call.collection.set(collection.pack());
    }
    assert_eq!(
        c.sender(owner)
            .mint_batch(alice, studio_digests(), Address::ZERO, bps(0))
            .motsu_unwrap_err(),
        CollectionArithmeticOverflow {}.into()
    );
    assert_eq!(c.sender(owner).total_supply(), U256::from(u64::MAX - 2));
    let first = c
        .sender(owner)
        .mint_batch(alice, studio_digests()[..2].to_vec(), Address::ZERO, bps(0))
        .motsu_unwrap();
    assert_eq!(first, U256::from(u64::MAX - 1));
    assert_eq!(c.sender(owner).total_supply(), U256::from(u64::MAX));
    assert_eq!(
        c.sender(alice)
            .token_uri(U256::from(u64::MAX))
            .motsu_unwrap(),
        STUDIO[1].1
    );
    assert_eq!(
        c.sender(owner)
            .mint(alice, "", Address::ZERO, bps(0))
            .motsu_unwrap_err(),
        CollectionArithmeticOverflow {}.into()
    );
}

#[motsu::test]
fn set_token_uri_replaces_a_batch_tokens_digest(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&c, owner);
    let first = c
        .sender(owner)
        .mint_batch(alice, studio_digests(), Address::ZERO, bps(0))
        .motsu_unwrap();
    let second = first + U256::from(1);
    // A transfer (and an approval) keep the digest URI.
    c.sender(alice).approve(bob, first).motsu_unwrap();
    c.sender(alice)
        .transfer_from(alice, bob, first)
        .motsu_unwrap();
    assert_eq!(c.sender(bob).token_uri(first).motsu_unwrap(), STUDIO[0].1);
    // A string URI wins, and the digest is cleared.
    c.sender(owner)
        .set_token_uri(first, "ar://new")
        .motsu_unwrap();
    c.assert_emitted(&MetadataUpdate { _tokenId: first });
    assert_eq!(c.sender(bob).token_uri(first).motsu_unwrap(), "ar://new");
    {
        let call = c.sender(Address::ZERO);
        assert!(!Token::unpack(call.tokens.get(first)).has_digest);
        assert_eq!(call.digests.get(first), B256::ZERO);
        assert_eq!(Token::unpack(call.tokens.get(first)).owner, bob);
    }
    // An empty string falls back to base URI + id.
    c.sender(owner).set_token_uri(second, "").motsu_unwrap();
    assert_eq!(
        c.sender(bob).token_uri(second).motsu_unwrap(),
        "ipfs://base/2"
    );
    // The third keeps its digest URI; a refused update changes nothing.
    let third = second + U256::from(1);
    assert_eq!(
        c.sender(alice).set_token_uri(third, "x").motsu_unwrap_err(),
        CollectionCallerNotMetadataUpdater { account: alice }.into()
    );
    assert_eq!(c.sender(bob).token_uri(third).motsu_unwrap(), STUDIO[2].1);
}

#[motsu::test]
fn contract_uri_roles_and_event(
    c: Contract<IpCollection>,
    owner: Address,
    updater: Address,
    alice: Address,
) {
    deploy(&c, owner);
    assert_eq!(c.sender(alice).contract_uri(), "");
    assert_eq!(
        c.sender(alice)
            .set_contract_uri("ipfs://x")
            .motsu_unwrap_err(),
        CollectionCallerNotMetadataUpdater { account: alice }.into()
    );
    assert!(!c.emitted(&ContractURIUpdated {}));
    assert_eq!(c.sender(alice).contract_uri(), "");
    c.sender(owner)
        .set_contract_uri("ipfs://short")
        .motsu_unwrap();
    c.assert_emitted(&ContractURIUpdated {});
    assert_eq!(c.sender(alice).contract_uri(), "ipfs://short");
    c.sender(owner)
        .set_metadata_updater(updater, true)
        .motsu_unwrap();
    // Longer than one slot.
    let long = "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku/collection.json";
    c.sender(updater).set_contract_uri(long).motsu_unwrap();
    assert_eq!(c.sender(alice).contract_uri(), long);
    // Neither the base URI nor the name moved.
    assert_eq!(c.sender(alice).name(), "IP Collection");
    assert_eq!(
        c.sender(alice)
            .token_uri(mint_to(&c, owner, alice))
            .motsu_unwrap(),
        "ipfs://base/1"
    );
    c.sender(updater).set_contract_uri("").motsu_unwrap();
    assert_eq!(c.sender(alice).contract_uri(), "");
}

// ------------------------------------------------------------ ERC-4907

#[motsu::test]
fn holders_set_unlocked_users(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
    user: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    c.sender(alice).set_user(id, user, NOW + 100).motsu_unwrap();
    c.assert_emitted(&UpdateUser {
        tokenId: id,
        user,
        expires: NOW + 100,
    });
    assert_eq!(c.sender(bob).user_of(id).motsu_unwrap(), user);
    assert_eq!(
        c.sender(bob).user_expires(id).motsu_unwrap(),
        U256::from(NOW + 100)
    );
    assert!(!c.sender(bob).lease_locked(id).motsu_unwrap());
    // The owner replaces and shortens an unlocked user at will.
    c.sender(alice).set_user(id, bob, NOW + 10).motsu_unwrap();
    assert_eq!(c.sender(bob).user_of(id).motsu_unwrap(), bob);
    // Approved accounts and operators may set users too.
    c.sender(alice).approve(bob, id).motsu_unwrap();
    c.sender(bob).set_user(id, user, NOW + 20).motsu_unwrap();
    c.sender(alice).approve(Address::ZERO, id).motsu_unwrap();
    c.sender(alice)
        .set_approval_for_all(bob, true)
        .motsu_unwrap();
    c.sender(bob).set_user(id, bob, NOW + 30).motsu_unwrap();
    assert_eq!(c.sender(bob).user_of(id).motsu_unwrap(), bob);
    // Clearing.
    c.sender(alice)
        .set_user(id, Address::ZERO, 0)
        .motsu_unwrap();
    c.assert_emitted(&UpdateUser {
        tokenId: id,
        user: Address::ZERO,
        expires: 0,
    });
    assert_eq!(c.sender(bob).user_of(id).motsu_unwrap(), Address::ZERO);
    assert_eq!(c.sender(bob).user_expires(id).motsu_unwrap(), U256::ZERO);
}

#[motsu::test]
fn set_user_rejects_bad_input(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    assert_eq!(
        c.sender(bob).set_user(id, bob, NOW + 1).motsu_unwrap_err(),
        ERC721InsufficientApproval {
            operator: bob,
            tokenId: id
        }
        .into()
    );
    assert_eq!(
        c.sender(alice)
            .set_user(ABSENT, bob, NOW + 1)
            .motsu_unwrap_err(),
        ERC721NonexistentToken { tokenId: ABSENT }.into()
    );
    assert_eq!(
        c.sender(alice)
            .set_user(id, bob, NOW - 1)
            .motsu_unwrap_err(),
        CollectionUserExpiryInPast {
            expires: NOW - 1,
            timestamp: NOW
        }
        .into()
    );
    assert_eq!(c.sender(alice).user_of(id).motsu_unwrap(), Address::ZERO);
    assert_eq!(c.sender(alice).user_expires(id).motsu_unwrap(), U256::ZERO);
}

#[motsu::test]
fn user_lapses_after_expires_with_no_transaction(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    user: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    // Expiring exactly now is accepted, and the user holds at `expires`.
    c.sender(alice).set_user(id, user, NOW).motsu_unwrap();
    assert_eq!(c.sender(alice).user_of(id).motsu_unwrap(), user);
    // One second later (`expires < now`) the user is gone.
    age_lease(&c, id, 1);
    assert_eq!(c.sender(alice).user_of(id).motsu_unwrap(), Address::ZERO);
    // `userExpires` still reports the stored time, as in the reference.
    assert_eq!(
        c.sender(alice).user_expires(id).motsu_unwrap(),
        U256::from(NOW - 1)
    );
}

#[motsu::test]
fn lease_operators_set_locked_leases(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    market: Address,
    user: Address,
    other: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    assert_eq!(
        c.sender(market)
            .set_user(id, user, NOW + 100)
            .motsu_unwrap_err(),
        ERC721InsufficientApproval {
            operator: market,
            tokenId: id
        }
        .into()
    );
    c.sender(alice)
        .set_lease_operator(market, true)
        .motsu_unwrap();
    c.assert_emitted(&LeaseOperatorSet {
        owner: alice,
        operator: market,
        approved: true,
    });
    assert!(c.sender(user).is_lease_operator(alice, market));
    assert!(!c.sender(user).is_lease_operator(market, alice));

    c.sender(market)
        .set_user(id, user, NOW + 100)
        .motsu_unwrap();
    assert!(c.sender(user).lease_locked(id).motsu_unwrap());
    assert_eq!(c.sender(user).user_of(id).motsu_unwrap(), user);
    // A lease operator can never transfer.
    assert_eq!(
        c.sender(market)
            .transfer_from(alice, market, id)
            .motsu_unwrap_err(),
        ERC721InsufficientApproval {
            operator: market,
            tokenId: id
        }
        .into()
    );

    // The owner can neither replace, shorten, extend nor clear it.
    let locked: Error = CollectionLeaseLocked {
        tokenId: id,
        user,
        expires: NOW + 100,
    }
    .into();
    for (who, exp) in [
        (other, NOW + 200),
        (user, NOW + 50),
        (user, NOW + 200),
        (Address::ZERO, 0),
    ] {
        assert_eq!(
            c.sender(alice).set_user(id, who, exp).motsu_unwrap_err(),
            locked
        );
    }
    // The operator can only renew it: same user, not earlier.
    assert_eq!(
        c.sender(market)
            .set_user(id, other, NOW + 200)
            .motsu_unwrap_err(),
        locked
    );
    assert_eq!(
        c.sender(market)
            .set_user(id, user, NOW + 99)
            .motsu_unwrap_err(),
        locked
    );
    assert_eq!(
        c.sender(market)
            .set_user(id, Address::ZERO, 0)
            .motsu_unwrap_err(),
        locked
    );
    c.sender(market)
        .set_user(id, user, NOW + 300)
        .motsu_unwrap();
    c.assert_emitted(&UpdateUser {
        tokenId: id,
        user,
        expires: NOW + 300,
    });
    assert_eq!(
        c.sender(user).user_expires(id).motsu_unwrap(),
        U256::from(NOW + 300)
    );

    // Once expired, the owner may set users again (unlocked).
    age_lease(&c, id, 301);
    assert!(!c.sender(user).lease_locked(id).motsu_unwrap());
    c.sender(alice).set_user(id, other, NOW + 5).motsu_unwrap();
    assert!(!c.sender(user).lease_locked(id).motsu_unwrap());
    assert_eq!(c.sender(user).user_of(id).motsu_unwrap(), other);

    // A revoked operator is an ordinary stranger again.
    c.sender(alice)
        .set_lease_operator(market, false)
        .motsu_unwrap();
    c.assert_emitted(&LeaseOperatorSet {
        owner: alice,
        operator: market,
        approved: false,
    });
    assert_eq!(
        c.sender(market)
            .set_user(id, user, NOW + 1)
            .motsu_unwrap_err(),
        ERC721InsufficientApproval {
            operator: market,
            tokenId: id
        }
        .into()
    );
    assert_eq!(
        c.sender(alice)
            .set_lease_operator(Address::ZERO, true)
            .motsu_unwrap_err(),
        ERC721InvalidOperator {
            operator: Address::ZERO
        }
        .into()
    );
}

#[motsu::test]
fn transfers_clear_unlocked_users_and_keep_locked_leases(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
    market: Address,
    user: Address,
) {
    deploy(&c, owner);
    let unlocked = mint_to(&c, owner, alice);
    let locked = mint_to(&c, owner, alice);
    c.sender(alice)
        .set_user(unlocked, user, NOW + 100)
        .motsu_unwrap();
    c.sender(alice)
        .set_lease_operator(market, true)
        .motsu_unwrap();
    c.sender(market)
        .set_user(locked, user, NOW + 100)
        .motsu_unwrap();

    // Transfer to oneself changes nothing.
    c.sender(alice)
        .transfer_from(alice, alice, unlocked)
        .motsu_unwrap();
    assert_eq!(c.sender(bob).user_of(unlocked).motsu_unwrap(), user);

    c.sender(alice)
        .transfer_from(alice, bob, unlocked)
        .motsu_unwrap();
    c.assert_emitted(&UpdateUser {
        tokenId: unlocked,
        user: Address::ZERO,
        expires: 0,
    });
    assert_eq!(
        c.sender(bob).user_of(unlocked).motsu_unwrap(),
        Address::ZERO
    );

    // The licence binds the next owner: it survives a (safe) transfer.
    c.sender(alice)
        .safe_transfer_from(alice, bob, locked)
        .motsu_unwrap();
    assert_eq!(c.sender(bob).user_of(locked).motsu_unwrap(), user);
    assert!(c.sender(bob).lease_locked(locked).motsu_unwrap());
    assert_eq!(
        c.sender(bob)
            .set_user(locked, bob, NOW + 1_000)
            .motsu_unwrap_err(),
        CollectionLeaseLocked {
            tokenId: locked,
            user,
            expires: NOW + 100
        }
        .into()
    );
    // Alice's lease operator no longer acts for the token.
    assert_eq!(
        c.sender(market)
            .set_user(locked, user, NOW + 500)
            .motsu_unwrap_err(),
        ERC721InsufficientApproval {
            operator: market,
            tokenId: locked
        }
        .into()
    );

    // An expired locked lease is cleared by the next transfer.
    age_lease(&c, locked, 101);
    c.sender(bob)
        .transfer_from(bob, alice, locked)
        .motsu_unwrap();
    assert_eq!(
        c.sender(bob).user_expires(locked).motsu_unwrap(),
        U256::ZERO
    );
    assert!(!c.sender(bob).lease_locked(locked).motsu_unwrap());
}

// ------------------------------------------------------------ ownership and roles

#[motsu::test]
fn two_step_ownership(c: Contract<IpCollection>, owner: Address, next: Address, eve: Address) {
    deploy(&c, owner);
    assert_eq!(
        c.sender(eve).transfer_ownership(eve).motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: eve }.into()
    );
    c.sender(owner).transfer_ownership(next).motsu_unwrap();
    c.assert_emitted(&OwnershipTransferStarted {
        previousOwner: owner,
        newOwner: next,
    });
    assert_eq!(c.sender(eve).pending_owner(), next);
    assert_eq!(c.sender(eve).owner(), owner);
    assert_eq!(
        c.sender(eve).accept_ownership().motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: eve }.into()
    );
    c.sender(next).accept_ownership().motsu_unwrap();
    c.assert_emitted(&OwnershipTransferred {
        previousOwner: owner,
        newOwner: next,
    });
    assert_eq!(c.sender(eve).owner(), next);
    assert_eq!(c.sender(eve).pending_owner(), Address::ZERO);
    // The old owner lost its implicit roles.
    assert!(!c.sender(eve).is_minter(owner));
    assert!(c.sender(eve).is_metadata_updater(next));
    assert_eq!(
        c.sender(owner).pause().motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: owner }.into()
    );
}

#[motsu::test]
fn renouncing_ownership(c: Contract<IpCollection>, owner: Address, eve: Address) {
    deploy(&c, owner);
    assert_eq!(
        c.sender(eve).renounce_ownership().motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: eve }.into()
    );
    c.sender(owner).transfer_ownership(eve).motsu_unwrap();
    c.sender(owner).renounce_ownership().motsu_unwrap();
    c.assert_emitted(&OwnershipTransferred {
        previousOwner: owner,
        newOwner: Address::ZERO,
    });
    assert_eq!(c.sender(eve).owner(), Address::ZERO);
    // The pending transfer died with it.
    assert_eq!(
        c.sender(eve).accept_ownership().motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: eve }.into()
    );
    assert_eq!(
        c.sender(owner).set_minter(eve, true).motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: owner }.into()
    );
}

#[motsu::test]
fn role_management_errors(c: Contract<IpCollection>, owner: Address, eve: Address) {
    deploy(&c, owner);
    let unauthorized: Error = OwnableUnauthorizedAccount { account: eve }.into();
    assert_eq!(
        c.sender(eve).set_minter(eve, true).motsu_unwrap_err(),
        unauthorized
    );
    assert_eq!(
        c.sender(eve)
            .set_metadata_updater(eve, true)
            .motsu_unwrap_err(),
        unauthorized
    );
    let zero: Error = CollectionInvalidAccount {
        account: Address::ZERO,
    }
    .into();
    assert_eq!(
        c.sender(owner)
            .set_minter(Address::ZERO, true)
            .motsu_unwrap_err(),
        zero
    );
    assert_eq!(
        c.sender(owner)
            .set_metadata_updater(Address::ZERO, true)
            .motsu_unwrap_err(),
        zero
    );
    // Roles are independent bits.
    c.sender(owner)
        .set_metadata_updater(eve, true)
        .motsu_unwrap();
    c.assert_emitted(&MetadataUpdaterSet {
        account: eve,
        enabled: true,
    });
    assert!(c.sender(eve).is_metadata_updater(eve));
    assert!(!c.sender(eve).is_minter(eve));
    c.sender(owner).set_minter(eve, true).motsu_unwrap();
    c.sender(owner)
        .set_metadata_updater(eve, false)
        .motsu_unwrap();
    assert!(c.sender(eve).is_minter(eve));
    assert!(!c.sender(eve).is_metadata_updater(eve));
}

// ------------------------------------------------------------ pause

#[motsu::test]
fn pause_stops_mints_and_transfers_only(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    assert_eq!(
        c.sender(alice).pause().motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: alice }.into()
    );
    assert_eq!(
        c.sender(owner).unpause().motsu_unwrap_err(),
        ExpectedPause {}.into()
    );
    c.sender(owner).pause().motsu_unwrap();
    c.assert_emitted(&Paused { account: owner });
    assert!(c.sender(alice).paused());
    assert_eq!(
        c.sender(owner).pause().motsu_unwrap_err(),
        EnforcedPause {}.into()
    );

    let paused: Error = EnforcedPause {}.into();
    assert_eq!(
        c.sender(alice)
            .transfer_from(alice, bob, id)
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from(alice, bob, id)
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(alice)
            .safe_transfer_from_with_data(alice, bob, id, Bytes(vec![1]))
            .motsu_unwrap_err(),
        paused
    );
    assert_eq!(
        c.sender(owner)
            .mint(alice, "", Address::ZERO, bps(0))
            .motsu_unwrap_err(),
        paused
    );
    // Approvals, leases, metadata and views still work.
    c.sender(alice).approve(bob, id).motsu_unwrap();
    c.sender(alice).set_user(id, bob, NOW + 1).motsu_unwrap();
    c.sender(owner).set_token_uri(id, "p").motsu_unwrap();
    assert_eq!(c.sender(bob).user_of(id).motsu_unwrap(), bob);
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), alice);

    assert_eq!(
        c.sender(alice).unpause().motsu_unwrap_err(),
        OwnableUnauthorizedAccount { account: alice }.into()
    );
    c.sender(owner).unpause().motsu_unwrap();
    c.assert_emitted(&Unpaused { account: owner });
    assert!(!c.sender(alice).paused());
    c.sender(bob).transfer_from(alice, bob, id).motsu_unwrap();
    assert_eq!(c.sender(bob).owner_of(id).motsu_unwrap(), bob);
}

/// L-1, owner self-lock surviving a sale: an owner that approves itself as
/// lease operator and sets a "forever" user only sets an unlocked user,
/// which the sale clears, so the buyer can set users again.
#[motsu::test]
fn l1_owner_self_lock_is_cleared_by_a_sale(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    bob: Address,
    accomplice: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    c.sender(alice)
        .set_lease_operator(alice, true)
        .motsu_unwrap();
    c.sender(alice)
        .set_user(id, accomplice, u64::MAX)
        .motsu_unwrap();
    assert!(!c.sender(bob).lease_locked(id).motsu_unwrap());
    c.sender(alice).transfer_from(alice, bob, id).motsu_unwrap();
    c.assert_emitted(&UpdateUser {
        tokenId: id,
        user: Address::ZERO,
        expires: 0,
    });
    assert_eq!(c.sender(bob).user_of(id).motsu_unwrap(), Address::ZERO);
    c.sender(bob).set_user(id, bob, NOW + 10).motsu_unwrap();
    assert_eq!(c.sender(bob).user_of(id).motsu_unwrap(), bob);
}

/// L-1: a lock (set by a lease operator) must end within 5 × 365 days of
/// now, when set and when renewed.
#[motsu::test]
fn l1_locks_are_bounded_to_five_years(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    market: Address,
    user: Address,
) {
    deploy(&c, owner);
    let id = mint_to(&c, owner, alice);
    c.sender(alice)
        .set_lease_operator(market, true)
        .motsu_unwrap();
    let max = NOW + logic::MAX_LOCK_DURATION;
    assert_eq!(
        c.sender(market)
            .set_user(id, user, u64::MAX)
            .motsu_unwrap_err(),
        CollectionLockExpiryTooFar {
            expires: u64::MAX,
            maxExpires: max
        }
        .into()
    );
    assert_eq!(
        c.sender(market)
            .set_user(id, user, max + 1)
            .motsu_unwrap_err(),
        CollectionLockExpiryTooFar {
            expires: max + 1,
            maxExpires: max
        }
        .into()
    );
    c.sender(market).set_user(id, user, max).motsu_unwrap();
    assert!(c.sender(alice).lease_locked(id).motsu_unwrap());
    assert_eq!(
        c.sender(market)
            .set_user(id, user, max + 1)
            .motsu_unwrap_err(),
        CollectionLockExpiryTooFar {
            expires: max + 1,
            maxExpires: max
        }
        .into()
    );
}

// ------------------------------------------------------------ lease context

/// `leaseContext` of `id` as the separate views answer it, or their error.
fn lease_context_of_views(
    c: &Contract<IpCollection>,
    id: U256,
    lessor: Address,
    operator: Address,
    price: U256,
) -> Result<LeaseContext, Vec<u8>> {
    let caller = Address::repeat_byte(0xCA);
    let owner = c.sender(caller).owner_of(id).map_err(Vec::<u8>::from)?;
    let approved = c.sender(caller).is_lease_operator(lessor, operator);
    let locked = c.sender(caller).lease_locked(id).map_err(Vec::<u8>::from)?;
    let expires = c.sender(caller).user_expires(id).map_err(Vec::<u8>::from)?;
    let (receiver, amount) = c
        .sender(caller)
        .royalty_info(id, price)
        .map_err(Vec::<u8>::from)?;
    Ok((
        owner,
        approved,
        locked,
        expires.to::<u64>(),
        receiver,
        amount,
    ))
}

/// Writes a random state for token 1: its word (owner or none, expiry,
/// lock), the lessor's operator bits, the default and the token's royalty.
#[allow(clippy::too_many_arguments)] // one argument per stored field
fn write_state(
    c: &Contract<IpCollection>,
    owner: Address,
    expires: u64,
    locked: bool,
    lessor: Address,
    operator: Address,
    bits: u8,
    default_royalty: (Address, u16),
    own_royalty: (Address, u16),
) {
    let mut s = c.sender(Address::ZERO);
    s.tokens.setter(ID1).set(
        Token {
            owner,
            expires,
            locked,
            has_user: false,
            has_approval: false,
            has_digest: false,
        }
        .pack(),
    );
    s.operators
        .setter(lessor)
        .setter(operator)
        .set(alloy_primitives::aliases::U8::from(bits));
    s.default_royalty.set(
        Royalty {
            receiver: default_royalty.0,
            bps: default_royalty.1,
        }
        .pack(),
    );
    s.token_royalties.setter(ID1).set(
        Royalty {
            receiver: own_royalty.0,
            bps: own_royalty.1,
        }
        .pack(),
    );
}

#[motsu::test]
fn lease_context_matches_the_separate_views_on_fixed_states(
    c: Contract<IpCollection>,
    alice: Address,
    market: Address,
) {
    deploy(&c, alice);
    let id = mint_to(&c, alice, alice);
    let price = U256::from(1_000_000);
    let ctx = c.sender(market).lease_context(id, alice, market, price);
    assert_eq!(
        ctx.motsu_unwrap(),
        (
            alice,
            false,
            false,
            0,
            default_receiver(),
            U256::from(50_000)
        )
    );
    c.sender(alice)
        .set_lease_operator(market, true)
        .motsu_unwrap();
    c.sender(market)
        .set_user(id, market, NOW + 100)
        .motsu_unwrap();
    let ctx = c.sender(market).lease_context(id, alice, market, price);
    assert_eq!(
        ctx.motsu_unwrap(),
        (
            alice,
            true,
            true,
            NOW + 100,
            default_receiver(),
            U256::from(50_000)
        )
    );
    assert_eq!(
        c.sender(market)
            .lease_context(id, alice, market, price)
            .map_err(Vec::<u8>::from),
        lease_context_of_views(&c, id, alice, market, price)
    );
    // A lease past its expiry is no longer locked; its expiry stays.
    age_lease(&c, id, 101);
    assert_eq!(
        c.sender(market)
            .lease_context(id, alice, market, price)
            .motsu_unwrap(),
        (
            alice,
            true,
            false,
            NOW - 1,
            default_receiver(),
            U256::from(50_000)
        )
    );
    // A nonexistent token: the same error as ownerOf.
    assert_eq!(
        c.sender(market)
            .lease_context(ABSENT, alice, market, price)
            .motsu_unwrap_err(),
        c.sender(market).owner_of(ABSENT).motsu_unwrap_err()
    );
    assert_eq!(
        c.sender(market)
            .lease_context(ABSENT, alice, market, price)
            .motsu_unwrap_err(),
        Error::from(ERC721NonexistentToken { tokenId: ABSENT })
    );
}

/// A stored ERC-4907 expiry: none, around `NOW`, or any.
fn stored_expiry() -> impl proptest::strategy::Strategy<Value = u64> {
    use proptest::prelude::*;
    prop_oneof![Just(0u64), (NOW - 3)..(NOW + 3), any::<u64>()]
}

/// An address from a small set (zero included), so equalities happen.
fn small_address() -> impl proptest::strategy::Strategy<Value = Address> {
    use proptest::prelude::*;
    (0u8..4).prop_map(|b| {
        if b == 0 {
            Address::ZERO
        } else {
            Address::repeat_byte(b)
        }
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// On random token words, operator bits, royalties, prices and
    /// expiries around now, `leaseContext` answers exactly what
    /// `ownerOf`, `isLeaseOperator`, `leaseLocked`, `userExpires` and
    /// `royaltyInfo` answer, or fails with their error.
    #[test]
    fn lease_context_matches_the_separate_views(
        owner in small_address(),
        expires in stored_expiry(),
        locked in proptest::prelude::any::<bool>(),
        lessor in small_address(),
        operator in small_address(),
        query_lessor in small_address(),
        bits in 0u8..4,
        default_royalty in (small_address(), 0u16..=10_000),
        own_royalty in (small_address(), 0u16..=10_000),
        price in proptest::prelude::any::<[u8; 32]>(),
    ) {
        let c = constructed_by_ee();
        write_state(
            &c, owner, expires, locked, lessor, operator, bits, default_royalty, own_royalty,
        );
        let price = U256::from_be_bytes(price);
        let got = c
            .sender(Address::repeat_byte(0xCA))
            .lease_context(ID1, query_lessor, operator, price)
            .map_err(Vec::<u8>::from);
        proptest::prop_assert_eq!(
            got,
            lease_context_of_views(&c, ID1, query_lessor, operator, price)
        );
    }
}

// ------------------------------------------------------------ lease to

/// Token `id`'s stored lease record: its word and its user slot.
fn lease_record(c: &Contract<IpCollection>, id: U256) -> (B256, Address) {
    let call = c.sender(Address::ZERO);
    (call.tokens.get(id), call.users.get(id))
}

#[motsu::test]
fn lease_to_refusals_answer_the_facts_and_change_nothing(
    c: Contract<IpCollection>,
    alice: Address,
    bob: Address,
    market: Address,
    user: Address,
    rival: Address,
) {
    deploy(&c, alice);
    let id = mint_to(&c, alice, alice);
    let price = U256::from(1_000_000);
    let until = NOW + 100;
    // Each refusal answers `leaseContext`'s facts and writes nothing.
    let refused = |lessor: Address, who: Address, renew: bool| {
        let before = lease_record(&c, id);
        let facts = c
            .sender(market)
            .lease_to(id, lessor, who, until, renew, price)
            .motsu_unwrap();
        assert_eq!(
            facts,
            c.sender(market)
                .lease_context(id, lessor, market, price)
                .motsu_unwrap()
        );
        assert_eq!(lease_record(&c, id), before);
        assert!(!c.emitted(&UpdateUser {
            tokenId: id,
            user: who,
            expires: until
        }));
        facts
    };
    // Not a lease operator of the lessor (which `setUser` refuses with
    // `ERC721InsufficientApproval`): the market reads `lessorApproved`.
    assert_eq!(
        refused(alice, user, false),
        (
            alice,
            false,
            false,
            0,
            default_receiver(),
            U256::from(50_000)
        )
    );
    assert_eq!(
        c.sender(market)
            .set_user(id, user, until)
            .motsu_unwrap_err(),
        ERC721InsufficientApproval {
            operator: market,
            tokenId: id
        }
        .into()
    );
    // An operator of a lessor who does not own the token (even one the
    // owner approved too).
    c.sender(bob)
        .set_lease_operator(market, true)
        .motsu_unwrap();
    c.sender(alice)
        .set_lease_operator(market, true)
        .motsu_unwrap();
    assert_eq!(
        refused(bob, user, false),
        (
            alice,
            true,
            false,
            0,
            default_receiver(),
            U256::from(50_000)
        )
    );
    assert!(refused(bob, user, true).1);
    // A purchase while a locked lease is in force.
    c.sender(market)
        .lease_to(id, alice, user, until, false, price)
        .motsu_unwrap();
    assert_eq!(
        refused(alice, rival, false),
        (
            alice,
            true,
            true,
            until,
            default_receiver(),
            U256::from(50_000)
        )
    );
    assert_eq!(c.sender(alice).user_of(id).motsu_unwrap(), user);
    // A nonexistent token: `ownerOf`'s error, nothing written.
    assert_eq!(
        c.sender(market)
            .lease_to(ABSENT, alice, user, until, false, price)
            .motsu_unwrap_err(),
        Error::from(ERC721NonexistentToken { tokenId: ABSENT })
    );
}

#[motsu::test]
fn lease_to_sets_the_user_as_set_user_does(
    c: Contract<IpCollection>,
    alice: Address,
    market: Address,
    user: Address,
    rival: Address,
) {
    deploy(&c, alice);
    let id = mint_to(&c, alice, alice);
    let price = U256::from(1_000_000);
    c.sender(alice)
        .set_lease_operator(market, true)
        .motsu_unwrap();
    // A purchase: the facts from before the write, then a locked lease.
    assert_eq!(
        c.sender(market)
            .lease_to(id, alice, user, NOW + 100, false, price)
            .motsu_unwrap(),
        (
            alice,
            true,
            false,
            0,
            default_receiver(),
            U256::from(50_000)
        )
    );
    c.assert_emitted(&UpdateUser {
        tokenId: id,
        user,
        expires: NOW + 100,
    });
    assert_eq!(c.sender(alice).user_of(id).motsu_unwrap(), user);
    assert!(c.sender(alice).lease_locked(id).motsu_unwrap());
    // A renewal of the lease in force: the lock's expiry moves.
    assert_eq!(
        c.sender(market)
            .lease_to(id, alice, user, NOW + 200, true, price)
            .motsu_unwrap(),
        (
            alice,
            true,
            true,
            NOW + 100,
            default_receiver(),
            U256::from(50_000)
        )
    );
    c.assert_emitted(&UpdateUser {
        tokenId: id,
        user,
        expires: NOW + 200,
    });
    assert_eq!(
        c.sender(alice).user_expires(id).motsu_unwrap(),
        U256::from(NOW + 200)
    );
    // When the market's rules pass, `setUser`'s own refusals and errors.
    let before = lease_record(&c, id);
    assert_eq!(
        c.sender(market)
            .lease_to(id, alice, rival, NOW + 300, true, price)
            .motsu_unwrap_err(),
        CollectionLeaseLocked {
            tokenId: id,
            user,
            expires: NOW + 200
        }
        .into()
    );
    assert_eq!(
        c.sender(market)
            .lease_to(id, alice, user, NOW + 150, true, price)
            .motsu_unwrap_err(),
        CollectionLeaseLocked {
            tokenId: id,
            user,
            expires: NOW + 200
        }
        .into()
    );
    assert_eq!(lease_record(&c, id), before);
    age_lease(&c, id, 201);
    let max = logic::max_lock_expiry(NOW);
    assert_eq!(
        c.sender(market)
            .lease_to(id, alice, rival, max + 1, false, price)
            .motsu_unwrap_err(),
        CollectionLockExpiryTooFar {
            expires: max + 1,
            maxExpires: max
        }
        .into()
    );
    assert_eq!(
        c.sender(market)
            .lease_to(id, alice, rival, NOW - 1, false, price)
            .motsu_unwrap_err(),
        CollectionUserExpiryInPast {
            expires: NOW - 1,
            timestamp: NOW
        }
        .into()
    );
    // A lapsed lock no longer refuses a purchase.
    c.sender(market)
        .lease_to(id, alice, rival, max, false, price)
        .motsu_unwrap();
    assert_eq!(c.sender(alice).user_of(id).motsu_unwrap(), rival);
    // The owner as its own lease operator sets an unlocked user, as its
    // `setUser` does.
    let own = mint_to(&c, alice, alice);
    c.sender(alice)
        .set_lease_operator(alice, true)
        .motsu_unwrap();
    c.sender(alice)
        .lease_to(own, alice, user, NOW + 10, false, price)
        .motsu_unwrap();
    assert_eq!(c.sender(alice).user_of(own).motsu_unwrap(), user);
    assert!(!c.sender(alice).lease_locked(own).motsu_unwrap());
}

/// Writes token 1's lease record: its word (owner or none, expiry, lock,
/// a user if `user` is not zero) and its user slot.
fn write_lease(
    c: &Contract<IpCollection>,
    owner: Address,
    user: Address,
    expires: u64,
    locked: bool,
) {
    let mut s = c.sender(Address::ZERO);
    let token = Token {
        owner,
        expires,
        locked,
        has_user: !user.is_zero(),
        has_approval: false,
        has_digest: false,
    };
    s.tokens.setter(ID1).set(token.pack());
    s.users.setter(ID1).set(user);
}

/// A fresh collection with token 1's lease record, `caller`'s operator
/// bits from `lessor` and a default royalty.
/// A collection constructed and owned by `0xEE…`, no default royalty, for
/// tests that then write its token state directly.
fn constructed_by_ee() -> Contract<IpCollection> {
    let c = Contract::<IpCollection>::new();
    c.sender(Address::repeat_byte(0xEE))
        .constructor(
            "IP".into(),
            "IP".into(),
            String::new(),
            Address::repeat_byte(0xEE),
            Address::ZERO,
            U96::ZERO,
        )
        .motsu_unwrap();
    c
}

#[allow(clippy::too_many_arguments)] // one argument per stored field
fn lease_world(
    owner: Address,
    user: Address,
    expires: u64,
    locked: bool,
    lessor: Address,
    caller: Address,
    bits: u8,
    royalty: (Address, u16),
) -> Contract<IpCollection> {
    let c = constructed_by_ee();
    write_state(
        &c,
        owner,
        expires,
        locked,
        lessor,
        caller,
        bits,
        royalty,
        (Address::ZERO, 0),
    );
    write_lease(&c, owner, user, expires, locked);
    c
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// On random lease records, operator bits, lessors, users, expiries
    /// around now and purchase/renewal, `leaseTo` answers what
    /// `leaseContext` answers for the caller and leaves the record exactly
    /// as `setUser` by the caller leaves it when the market's rules pass
    /// (untouched otherwise), or fails with their error.
    #[test]
    fn lease_to_is_lease_context_then_set_user(
        owner in small_address(),
        user in small_address(),
        expires in stored_expiry(),
        locked in proptest::prelude::any::<bool>(),
        lessor in small_address(),
        caller in small_address(),
        bits in 0u8..4,
        royalty in (small_address(), 0u16..=10_000),
        new_user in small_address(),
        new_expires in proptest::prop_oneof![
            (NOW - 3)..(NOW + 3),
            (logic::max_lock_expiry(NOW) - 1)..(logic::max_lock_expiry(NOW) + 2),
            proptest::prelude::any::<u64>(),
        ],
        renew in proptest::prelude::any::<bool>(),
        price in proptest::prelude::any::<u64>(),
    ) {
        let world = || lease_world(owner, user, expires, locked, lessor, caller, bits, royalty);
        let price = U256::from(price);
        let (a, b) = (world(), world());
        let got = a
            .sender(caller)
            .lease_to(ID1, lessor, new_user, new_expires, renew, price)
            .map_err(Vec::<u8>::from);
        let expected = b
            .sender(caller)
            .lease_context(ID1, lessor, caller, price)
            .map_err(Vec::<u8>::from)
            .and_then(|facts| {
                let (owner, approved, locked, user_expires, ..) = facts;
                let refusal = stylus_ip_common::lease::asset_refusal(
                    approved,
                    owner == lessor,
                    renew,
                    locked,
                    U256::from(user_expires),
                    NOW,
                );
                if refusal.is_none() {
                    b.sender(caller)
                        .set_user(ID1, new_user, new_expires)
                        .map_err(Vec::<u8>::from)?;
                }
                Ok(facts)
            });
        proptest::prop_assert_eq!(&got, &expected);
        if got.is_ok() {
            proptest::prop_assert_eq!(lease_record(&a, ID1), lease_record(&b, ID1));
        }
    }
}

// ------------------------------------------------------------ fallback router

/// The ABI encoding of one `string` return value, by alloy.
fn abi_string(s: &str) -> Vec<u8> {
    use alloy_sol_types::SolValue;
    (String::from(s),).abi_encode_params()
}

#[motsu::test]
fn fallback_serves_the_declared_functions_as_alloy_encodes_them(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
    artist: Address,
) {
    use alloy_sol_types::SolValue;
    deploy(&c, owner);
    let call = |sender: Address, data: Vec<u8>| c.sender(sender).fallback(&data);
    assert_eq!(
        call(alice, nameCall {}.abi_encode()).motsu_unwrap(),
        abi_string("IP Collection")
    );
    assert_eq!(
        call(alice, symbolCall {}.abi_encode()).motsu_unwrap(),
        abi_string("IPC")
    );
    // mint with a URI longer than one slot, then a batch.
    let long = "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    let minted = call(
        owner,
        mintCall {
            to: alice,
            uri: long.into(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: bps(0),
        }
        .abi_encode(),
    )
    .motsu_unwrap();
    assert_eq!(minted, ID1.abi_encode());
    let first = call(
        owner,
        mintBatchCall {
            to: alice,
            metadataDigests: studio_digests(),
            royaltyReceiver: artist,
            royaltyBps: bps(250),
        }
        .abi_encode(),
    )
    .motsu_unwrap();
    assert_eq!(first, ID2.abi_encode());
    c.assert_emitted(&ConsecutiveTransfer {
        fromTokenId: ID2,
        toTokenId: U256::from(4),
        fromAddress: Address::ZERO,
        toAddress: alice,
    });
    let uri_of = |id: U256| call(alice, tokenURICall { tokenId: id }.abi_encode());
    assert_eq!(uri_of(ID1).motsu_unwrap(), abi_string(long));
    assert_eq!(uri_of(ID2).motsu_unwrap(), abi_string(STUDIO[0].1));
    assert_eq!(
        uri_of(ABSENT).motsu_unwrap_err(),
        Vec::<u8>::from(Error::from(ERC721NonexistentToken { tokenId: ABSENT }))
    );
    call(
        owner,
        setTokenURICall {
            tokenId: ID2,
            uri: "ar://x".into(),
        }
        .abi_encode(),
    )
    .motsu_unwrap();
    assert_eq!(uri_of(ID2).motsu_unwrap(), abi_string("ar://x"));
    call(
        owner,
        setTokenURICall {
            tokenId: ID1,
            uri: String::new(),
        }
        .abi_encode(),
    )
    .motsu_unwrap();
    call(
        owner,
        setBaseURICall {
            baseUri: "https://example.org/meta/".into(),
        }
        .abi_encode(),
    )
    .motsu_unwrap();
    assert_eq!(
        uri_of(ID1).motsu_unwrap(),
        abi_string("https://example.org/meta/1")
    );
    // ERC-7572.
    assert_eq!(
        call(alice, contractURICall {}.abi_encode()).motsu_unwrap(),
        abi_string("")
    );
    assert_eq!(
        call(
            alice,
            setContractURICall {
                uri: "ipfs://c".into()
            }
            .abi_encode()
        )
        .motsu_unwrap_err(),
        Vec::<u8>::from(Error::from(CollectionCallerNotMetadataUpdater {
            account: alice
        }))
    );
    assert_eq!(
        call(owner, setContractURICall { uri: long.into() }.abi_encode()).motsu_unwrap(),
        Vec::<u8>::new()
    );
    c.assert_emitted(&ContractURIUpdated {});
    assert_eq!(
        call(alice, contractURICall {}.abi_encode()).motsu_unwrap(),
        abi_string(long)
    );
    // EIP-2981 and the lease views.
    let price = U256::from(1_000_000);
    assert_eq!(
        call(
            alice,
            royaltyInfoCall {
                tokenId: ID2,
                salePrice: price
            }
            .abi_encode()
        )
        .motsu_unwrap(),
        (artist, U256::from(25_000)).abi_encode_params()
    );
    c.sender(alice)
        .set_lease_operator(artist, true)
        .motsu_unwrap();
    c.sender(alice)
        .set_user(ID2, owner, NOW + 10)
        .motsu_unwrap();
    assert_eq!(
        call(
            alice,
            leaseContextCall {
                tokenId: ID2,
                lessor: alice,
                operator: artist,
                salePrice: price
            }
            .abi_encode()
        )
        .motsu_unwrap(),
        (alice, true, false, NOW + 10, artist, U256::from(25_000)).abi_encode_params()
    );
    assert_eq!(
        call(
            alice,
            leaseContextCall {
                tokenId: ABSENT,
                lessor: alice,
                operator: artist,
                salePrice: price
            }
            .abi_encode()
        )
        .motsu_unwrap_err(),
        Vec::<u8>::from(Error::from(ERC721NonexistentToken { tokenId: ABSENT }))
    );
    // `leaseTo` by the lease operator: the facts, then the lease.
    c.sender(alice)
        .set_user(ID2, Address::ZERO, 0)
        .motsu_unwrap();
    assert_eq!(
        call(
            artist,
            leaseToCall {
                tokenId: ID2,
                lessor: alice,
                user: owner,
                expires: NOW + 20,
                renew: false,
                salePrice: price
            }
            .abi_encode()
        )
        .motsu_unwrap(),
        (alice, true, false, 0u64, artist, U256::from(25_000)).abi_encode_params()
    );
    assert_eq!(c.sender(alice).user_of(ID2).motsu_unwrap(), owner);
    assert!(c.sender(alice).lease_locked(ID2).motsu_unwrap());
}

#[motsu::test]
fn fallback_refuses_malformed_calls_with_empty_data(
    c: Contract<IpCollection>,
    owner: Address,
    alice: Address,
) {
    deploy(&c, owner);
    let batch = mintBatchCall {
        to: alice,
        metadataDigests: studio_digests(),
        royaltyReceiver: Address::ZERO,
        royaltyBps: bps(0),
    }
    .abi_encode();
    let set_uri = setContractURICall { uri: "ok".into() }.abi_encode();
    let mint = mintCall {
        to: alice,
        uri: "u".into(),
        royaltyReceiver: Address::ZERO,
        royaltyBps: bps(0),
    }
    .abi_encode();
    let lease = leaseToCall {
        tokenId: ID1,
        lessor: owner,
        user: alice,
        expires: NOW + 10,
        renew: true,
        salePrice: U256::from(1),
    }
    .abi_encode();
    let with = |base: &[u8], at: usize, byte: u8| {
        let mut data = base.to_vec();
        data[at] = byte;
        data
    };
    // Layout of `batch`: selector, to, offset (128), receiver, bps, length
    // (3), the digests.
    let cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0xde, 0xad, 0xbe, 0xef],
        batch[..4 + 32 * 3].to_vec(),
        // A digest cut short.
        batch[..batch.len() - 1].to_vec(),
        // Dirty address and uint96 words.
        with(&batch, 4 + 11, 1),
        with(&batch, 4 + 32 * 2, 1),
        with(&batch, 4 + 32 * 3 + 19, 1),
        // The offset past the end, and a huge length.
        with(&batch, 4 + 32 + 30, 0xff),
        with(&batch, 4 + 32 * 4 + 20, 1),
        // A string that is not UTF-8, then one cut short.
        with(&set_uri, 4 + 64, 0xff),
        set_uri[..4 + 64].to_vec(),
        with(&mint, 4 + 32 * 5, 0xc0),
        tokenURICall { tokenId: ID1 }.abi_encode()[..20].to_vec(),
        // Dirty `uint64` and `bool` words, and a call cut short.
        with(&lease, 4 + 32 * 3 + 23, 1),
        with(&lease, 4 + 32 * 4 + 31, 2),
        with(&lease, 4 + 32 * 4, 1),
        lease[..4 + 32 * 5].to_vec(),
    ];
    for data in cases {
        assert_eq!(
            c.sender(owner).fallback(&data).motsu_unwrap_err(),
            Vec::<u8>::new(),
            "{data:02x?}"
        );
    }
    assert_eq!(c.sender(owner).total_supply(), U256::ZERO);
    assert_eq!(c.sender(owner).contract_uri(), "");
    assert!(!c.emitted(&ContractURIUpdated {}));
    // The unmodified calls go through.
    c.sender(owner).fallback(&batch).motsu_unwrap();
    c.sender(owner).fallback(&set_uri).motsu_unwrap();
    assert_eq!(c.sender(owner).total_supply(), U256::from(3));
    assert_eq!(c.sender(owner).contract_uri(), "ok");
}
