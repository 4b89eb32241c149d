//! End-to-end tests of the hand-written router ([`crate::abi`]): calldata
//! encoded by alloy from the Solidity interface goes through
//! `Router::route`/`Router::constructor`, and the return and revert data are
//! decoded by alloy again.

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{aliases::U96, Address, Bytes as AlloyBytes, FixedBytes, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolValue};
use motsu::prelude::*;
use stylus_sdk::abi::Router;

use super::*;

sol! {
    /// The exported interface, as a client sees it.
    interface IIpEditions {
        struct Record { uint256 tokenId; address owner; uint64 amount; address user; uint64 expiry; }
        function initialize(string baseUri, address owner, address royaltyReceiver, uint96 royaltyBps) external;
        function owner() external view returns (address);
        function pendingOwner() external view returns (address);
        function transferOwnership(address newOwner) external;
        function acceptOwnership() external;
        function renounceOwnership() external;
        function hasRole(bytes32 role, address account) external view returns (bool);
        function isMinter(address account) external view returns (bool);
        function grantRole(bytes32 role, address account) external;
        function revokeRole(bytes32 role, address account) external;
        function renounceRole(bytes32 role, address confirmation) external;
        function paused() external view returns (bool);
        function pause() external;
        function unpause() external;
        function balanceOf(address account, uint256 id) external view returns (uint256);
        function balanceOfBatch(address[] accounts, uint256[] ids) external view returns (uint256[]);
        function setApprovalForAll(address operator, bool approved) external;
        function isApprovedForAll(address account, address operator) external view returns (bool);
        function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data) external;
        function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data) external;
        function burn(address account, uint256 id, uint256 value) external;
        function burnBatch(address account, uint256[] ids, uint256[] values) external;
        function createId(uint256 maxSupply, string uri, address royaltyReceiver, uint96 royaltyBps) external returns (uint256);
        function mint(address to, uint256 id, uint256 amount, bytes data) external;
        function mintBatch(address to, uint256[] ids, uint256[] amounts, bytes data) external;
        function totalSupply(uint256 id) external view returns (uint256);
        function exists(uint256 id) external view returns (bool);
        function maxSupply(uint256 id) external view returns (uint256);
        function lastId() external view returns (uint256);
        function uri(uint256 id) external view returns (string);
        function setURI(uint256 id, string uri) external;
        function setBaseURI(string uri) external;
        function contractURI() external view returns (string);
        function setContractURI(string uri) external;
        function royaltyInfo(uint256 id, uint256 salePrice) external view returns (address, uint256);
        function setDefaultRoyalty(address receiver, uint96 bps) external;
        function setLeaseOperator(address operator, bool approved) external;
        function isLeaseOperator(address owner, address operator) external view returns (bool);
        function createUserRecord(address owner, address user, uint256 tokenId, uint64 amount, uint64 expiry) external returns (uint256);
        function deleteUserRecord(uint256 recordId) external;
        function extendUserRecord(uint256 recordId, uint64 expiry) external;
        function usableBalanceOf(address account, uint256 tokenId) external view returns (uint256);
        function frozenBalanceOf(address account, uint256 tokenId) external view returns (uint256);
        function userRecordOf(uint256 recordId) external view returns (Record);
        function isRecordLocked(uint256 recordId) external view returns (bool);
        function supportsInterface(bytes4 interfaceId) external view returns (bool);
    }
}

use IIpEditions as I;

/// Every selector of the interface above.
fn interface_selectors() -> Vec<u32> {
    macro_rules! sels {
        ($($call:ident),* $(,)?) => {
            vec![$(u32::from_be_bytes(I::$call::SELECTOR)),*]
        };
    }
    sels![
        initializeCall,
        ownerCall,
        pendingOwnerCall,
        transferOwnershipCall,
        acceptOwnershipCall,
        renounceOwnershipCall,
        hasRoleCall,
        isMinterCall,
        grantRoleCall,
        revokeRoleCall,
        renounceRoleCall,
        pausedCall,
        pauseCall,
        unpauseCall,
        balanceOfCall,
        balanceOfBatchCall,
        setApprovalForAllCall,
        isApprovedForAllCall,
        safeTransferFromCall,
        safeBatchTransferFromCall,
        burnCall,
        burnBatchCall,
        createIdCall,
        mintCall,
        mintBatchCall,
        totalSupplyCall,
        existsCall,
        maxSupplyCall,
        lastIdCall,
        uriCall,
        setURICall,
        setBaseURICall,
        contractURICall,
        setContractURICall,
        royaltyInfoCall,
        setDefaultRoyaltyCall,
        setLeaseOperatorCall,
        isLeaseOperatorCall,
        createUserRecordCall,
        deleteUserRecordCall,
        extendUserRecordCall,
        usableBalanceOfCall,
        frozenBalanceOfCall,
        userRecordOfCall,
        isRecordLockedCall,
        supportsInterfaceCall,
    ]
}

#[test]
fn router_serves_exactly_the_interface() {
    let mut ours = IpEditions::SELECTORS.to_vec();
    let mut theirs = interface_selectors();
    ours.sort_unstable();
    theirs.sort_unstable();
    let n = ours.len();
    ours.dedup();
    assert_eq!(ours.len(), n, "duplicate selector");
    assert_eq!(ours, theirs);
}

/// Routes `call` from `from`; panics if the selector is unknown.
fn send(c: &Contract<IpEditions>, from: Address, call: &impl SolCall) -> Result<Vec<u8>, Vec<u8>> {
    send_raw(c, from, &call.abi_encode()).expect("selector routed")
}

/// Routes raw calldata (selector included).
fn send_raw(
    c: &Contract<IpEditions>,
    from: Address,
    data: &[u8],
) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let selector = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
    let mut call = c.sender(from);
    <IpEditions as Router<IpEditions>>::route(&mut call, selector, &data[4..])
}

/// Routes `call` and decodes its return data.
fn ok<C: SolCall>(c: &Contract<IpEditions>, from: Address, call: &C) -> C::Return {
    let ret = send(c, from, call).expect("call succeeds");
    C::abi_decode_returns(&ret, true).expect("well-formed return data")
}

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn ctor_args(base: &str, owner: Address, bps: u64) -> Vec<u8> {
    (String::from(base), owner, owner, U96::from(bps)).abi_encode_params()
}

#[motsu::test]
fn constructor_runs_once_through_the_router(c: Contract<IpEditions>, owner: Address) {
    let args = ctor_args("ipfs://{id}", owner, 300);
    let first = <IpEditions as Router<IpEditions>>::constructor(&mut c.sender(owner), &args);
    assert_eq!(first, Some(Ok(Vec::new())));
    assert_eq!(ok(&c, owner, &I::ownerCall {})._0, owner);
    // The SDK's constructor guard refuses a second run (empty revert data).
    let again = <IpEditions as Router<IpEditions>>::constructor(&mut c.sender(owner), &args);
    assert_eq!(again, Some(Err(Vec::new())));
    // Malformed constructor arguments revert with empty data.
    let bad = <IpEditions as Router<IpEditions>>::constructor(&mut c.sender(owner), &args[..40]);
    assert_eq!(bad, Some(Err(Vec::new())));
}

#[motsu::test]
fn every_function_round_trips(
    c: Contract<IpEditions>,
    owner: Address,
    alice: Address,
    bob: Address,
    market: Address,
) {
    crate::tests::set_now(1_000);
    ok(
        &c,
        owner,
        &I::initializeCall {
            baseUri: String::from("ipfs://{id}"),
            owner,
            royaltyReceiver: owner,
            royaltyBps: U96::from(500),
        },
    );
    assert_eq!(ok(&c, alice, &I::ownerCall {})._0, owner);
    assert_eq!(ok(&c, alice, &I::pendingOwnerCall {})._0, Address::ZERO);
    assert!(!ok(&c, alice, &I::pausedCall {})._0);
    ok(&c, owner, &I::pauseCall {});
    assert!(ok(&c, alice, &I::pausedCall {})._0);
    ok(&c, owner, &I::unpauseCall {});
    ok(
        &c,
        owner,
        &I::grantRoleCall {
            role: MINTER_ROLE,
            account: alice,
        },
    );
    assert!(
        ok(
            &c,
            bob,
            &I::hasRoleCall {
                role: MINTER_ROLE,
                account: alice
            }
        )
        ._0
    );
    // isMinter: MINTER_ROLE holders and the owner, nobody else
    assert!(ok(&c, bob, &I::isMinterCall { account: alice })._0);
    assert!(ok(&c, bob, &I::isMinterCall { account: owner })._0);
    assert!(!ok(&c, bob, &I::isMinterCall { account: bob })._0);
    ok(
        &c,
        owner,
        &I::revokeRoleCall {
            role: MINTER_ROLE,
            account: alice,
        },
    );
    ok(
        &c,
        owner,
        &I::grantRoleCall {
            role: METADATA_UPDATER_ROLE,
            account: bob,
        },
    );
    ok(
        &c,
        bob,
        &I::renounceRoleCall {
            role: METADATA_UPDATER_ROLE,
            confirmation: bob,
        },
    );
    assert!(
        !ok(
            &c,
            bob,
            &I::hasRoleCall {
                role: METADATA_UPDATER_ROLE,
                account: bob
            }
        )
        ._0
    );

    // Editions, mints, transfers.
    let id = ok(
        &c,
        owner,
        &I::createIdCall {
            maxSupply: u(50),
            uri: String::from("ar://pack-1"),
            royaltyReceiver: bob,
            royaltyBps: U96::from(1_000),
        },
    )
    ._0;
    assert_eq!(id, u(1));
    assert_eq!(ok(&c, alice, &I::lastIdCall {})._0, u(1));
    assert_eq!(ok(&c, alice, &I::maxSupplyCall { id })._0, u(50));
    assert_eq!(ok(&c, alice, &I::uriCall { id })._0, "ar://pack-1");
    ok(
        &c,
        owner,
        &I::setURICall {
            id,
            uri: String::from("ar://pack-1b"),
        },
    );
    assert_eq!(ok(&c, alice, &I::uriCall { id })._0, "ar://pack-1b");
    ok(
        &c,
        owner,
        &I::setBaseURICall {
            uri: String::from("https://x/{id}"),
        },
    );
    assert_eq!(ok(&c, alice, &I::uriCall { id: u(9) })._0, "https://x/{id}");
    ok(
        &c,
        owner,
        &I::mintCall {
            to: alice,
            id,
            amount: u(20),
            data: AlloyBytes::from(vec![1, 2, 3]),
        },
    );
    ok(
        &c,
        owner,
        &I::mintBatchCall {
            to: bob,
            ids: vec![id],
            amounts: vec![u(5)],
            data: AlloyBytes::new(),
        },
    );
    assert_eq!(ok(&c, alice, &I::totalSupplyCall { id })._0, u(25));
    assert!(ok(&c, alice, &I::existsCall { id })._0);
    assert_eq!(
        ok(&c, bob, &I::balanceOfCall { account: alice, id })._0,
        u(20)
    );
    assert_eq!(
        ok(
            &c,
            bob,
            &I::balanceOfBatchCall {
                accounts: vec![alice, bob],
                ids: vec![id, id]
            }
        )
        ._0,
        vec![u(20), u(5)]
    );
    ok(
        &c,
        alice,
        &I::setApprovalForAllCall {
            operator: bob,
            approved: true,
        },
    );
    assert!(
        ok(
            &c,
            owner,
            &I::isApprovedForAllCall {
                account: alice,
                operator: bob
            }
        )
        ._0
    );
    ok(
        &c,
        bob,
        &I::safeTransferFromCall {
            from: alice,
            to: bob,
            id,
            value: u(2),
            data: AlloyBytes::new(),
        },
    );
    ok(
        &c,
        bob,
        &I::safeBatchTransferFromCall {
            from: alice,
            to: bob,
            ids: vec![id, id],
            values: vec![u(1), u(1)],
            data: AlloyBytes::from(vec![0xaa; 40]),
        },
    );
    ok(
        &c,
        alice,
        &I::burnCall {
            account: alice,
            id,
            value: u(1),
        },
    );
    ok(
        &c,
        bob,
        &I::burnBatchCall {
            account: bob,
            ids: vec![id],
            values: vec![u(1)],
        },
    );
    assert_eq!(
        ok(&c, bob, &I::balanceOfCall { account: alice, id })._0,
        u(15)
    );
    assert_eq!(ok(&c, bob, &I::balanceOfCall { account: bob, id })._0, u(8));

    // Royalties.
    let r = ok(
        &c,
        alice,
        &I::royaltyInfoCall {
            id,
            salePrice: u(1_000),
        },
    );
    assert_eq!((r._0, r._1), (bob, u(100)));
    ok(
        &c,
        owner,
        &I::setDefaultRoyaltyCall {
            receiver: alice,
            bps: U96::from(250),
        },
    );
    let r = ok(
        &c,
        alice,
        &I::royaltyInfoCall {
            id: u(7),
            salePrice: u(1_000),
        },
    );
    assert_eq!((r._0, r._1), (alice, u(25)));

    // ERC-5006.
    ok(
        &c,
        alice,
        &I::setLeaseOperatorCall {
            operator: market,
            approved: true,
        },
    );
    assert!(
        ok(
            &c,
            bob,
            &I::isLeaseOperatorCall {
                owner: alice,
                operator: market
            }
        )
        ._0
    );
    let rid = ok(
        &c,
        market,
        &I::createUserRecordCall {
            owner: alice,
            user: bob,
            tokenId: id,
            amount: 4,
            expiry: 2_000,
        },
    )
    ._0;
    assert_eq!(rid, u(1));
    let rec = ok(&c, bob, &I::userRecordOfCall { recordId: rid })._0;
    assert_eq!(
        (rec.tokenId, rec.owner, rec.amount, rec.user, rec.expiry),
        (id, alice, 4, bob, 2_000)
    );
    assert!(ok(&c, bob, &I::isRecordLockedCall { recordId: rid })._0);
    ok(
        &c,
        market,
        &I::extendUserRecordCall {
            recordId: rid,
            expiry: 3_000,
        },
    );
    let rec = ok(&c, bob, &I::userRecordOfCall { recordId: rid })._0;
    assert_eq!((rec.amount, rec.expiry), (4, 3_000));
    assert_eq!(
        ok(
            &c,
            bob,
            &I::frozenBalanceOfCall {
                account: alice,
                tokenId: id
            }
        )
        ._0,
        u(4)
    );
    assert_eq!(
        ok(
            &c,
            bob,
            &I::usableBalanceOfCall {
                account: bob,
                tokenId: id
            }
        )
        ._0,
        u(4)
    );
    ok(&c, bob, &I::deleteUserRecordCall { recordId: rid });
    assert_eq!(
        ok(
            &c,
            bob,
            &I::frozenBalanceOfCall {
                account: alice,
                tokenId: id
            }
        )
        ._0,
        U256::ZERO
    );

    assert!(
        ok(
            &c,
            bob,
            &I::supportsInterfaceCall {
                interfaceId: FixedBytes([0xd9, 0xb6, 0x7a, 0x26])
            }
        )
        ._0
    );
    assert!(
        !ok(
            &c,
            bob,
            &I::supportsInterfaceCall {
                interfaceId: FixedBytes([0xff; 4])
            }
        )
        ._0
    );

    // Ownership last.
    ok(&c, owner, &I::transferOwnershipCall { newOwner: bob });
    ok(&c, bob, &I::acceptOwnershipCall {});
    ok(&c, bob, &I::renounceOwnershipCall {});
    assert_eq!(ok(&c, bob, &I::ownerCall {})._0, Address::ZERO);
}

#[motsu::test]
fn reverts_carry_the_typed_errors(c: Contract<IpEditions>, owner: Address, eve: Address) {
    let args = ctor_args("b", owner, 0);
    <IpEditions as Router<IpEditions>>::constructor(&mut c.sender(owner), &args);
    let err = send(
        &c,
        eve,
        &I::createIdCall {
            maxSupply: U256::ZERO,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        AccessControlUnauthorizedAccount {
            account: eve,
            neededRole: MINTER_ROLE
        }
        .abi_encode()
    );
    let err = send(&c, eve, &I::userRecordOfCall { recordId: u(3) }).unwrap_err();
    assert_eq!(
        err,
        EditionsNonexistentRecord { recordId: u(3) }.abi_encode()
    );
    let err = send(
        &c,
        eve,
        &I::balanceOfBatchCall {
            accounts: vec![eve],
            ids: vec![],
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ERC1155InvalidArrayLength {
            idsLength: u(0),
            valuesLength: u(1)
        }
        .abi_encode()
    );
}

#[motsu::test]
fn malformed_calls_revert_without_data(c: Contract<IpEditions>, owner: Address, alice: Address) {
    let args = ctor_args("b", owner, 0);
    <IpEditions as Router<IpEditions>>::constructor(&mut c.sender(owner), &args);
    // Truncated arguments.
    let data = I::balanceOfCall {
        account: alice,
        id: u(1),
    }
    .abi_encode();
    assert_eq!(send_raw(&c, alice, &data[..40]), Some(Err(Vec::new())));
    // A dirty address word.
    let mut dirty = data;
    dirty[4] = 1;
    assert_eq!(send_raw(&c, alice, &dirty), Some(Err(Vec::new())));
    // A bool that is neither 0 nor 1.
    let mut data = I::setApprovalForAllCall {
        operator: alice,
        approved: true,
    }
    .abi_encode();
    data[67] = 2;
    assert_eq!(send_raw(&c, alice, &data), Some(Err(Vec::new())));
    // An out-of-range offset for dynamic data.
    let mut data = I::setBaseURICall {
        uri: String::from("x"),
    }
    .abi_encode();
    data[35] = 0xff;
    assert_eq!(send_raw(&c, owner, &data), Some(Err(Vec::new())));
    // Unknown selectors are not routed (the SDK then reverts).
    assert_eq!(send_raw(&c, alice, &[1, 2, 3, 4]), None);
    // Extra trailing data is ignored, as Solidity does.
    let mut data = I::balanceOfCall {
        account: alice,
        id: u(1),
    }
    .abi_encode();
    data.extend_from_slice(&[0u8; 7]);
    assert_eq!(send_raw(&c, alice, &data), Some(Ok(vec![0u8; 32])));
}

#[motsu::test]
fn functions_are_not_payable(c: Contract<IpEditions>, owner: Address) {
    owner.fund(u(10));
    let data = I::ownerCall {}.abi_encode();
    let selector = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
    let res = <IpEditions as Router<IpEditions>>::route(
        &mut c.sender_and_value(owner, u(1)),
        selector,
        &data[4..],
    );
    assert_eq!(res, Some(Err(Vec::new())));
    let args = ctor_args("b", owner, 0);
    let res = <IpEditions as Router<IpEditions>>::constructor(
        &mut c.sender_and_value(owner, u(1)),
        &args,
    );
    assert_eq!(res, Some(Err(Vec::new())));
}

/// Builds each error twice (for the derived and the compact encoding).
macro_rules! both {
    ($($e:expr),* $(,)?) => {
        vec![$(($e, $e)),*]
    };
}

#[test]
fn compact_error_encoding_matches_the_derived_one() {
    let (a, b) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xb2));
    let (x, y, z) = (u(1) << 200, u(7), U256::MAX);
    let cases: Vec<(Error, Error)> = both![
        Error::InsufficientBalance(ERC1155InsufficientBalance {
            sender: a,
            balance: x,
            needed: y,
            tokenId: z
        }),
        Error::InvalidReceiver(ERC1155InvalidReceiver { receiver: a }),
        Error::ReceiverRevert(ReceiverRevert(vec![1, 2, 3])),
        Error::MissingApprovalForAll(ERC1155MissingApprovalForAll {
            operator: a,
            owner: b
        }),
        Error::InvalidOperator(ERC1155InvalidOperator { operator: b }),
        Error::InvalidArrayLength(ERC1155InvalidArrayLength {
            idsLength: x,
            valuesLength: y
        }),
        Error::InvalidDefaultRoyalty(ERC2981InvalidDefaultRoyalty {
            numerator: x,
            denominator: y
        }),
        Error::InvalidDefaultRoyaltyReceiver(ERC2981InvalidDefaultRoyaltyReceiver { receiver: a }),
        Error::InvalidTokenRoyalty(ERC2981InvalidTokenRoyalty {
            tokenId: z,
            numerator: x,
            denominator: y
        }),
        Error::InvalidTokenRoyaltyReceiver(ERC2981InvalidTokenRoyaltyReceiver {
            tokenId: x,
            receiver: b
        }),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: a }),
        Error::InvalidOwner(OwnableInvalidOwner { owner: b }),
        Error::MissingRole(AccessControlUnauthorizedAccount {
            account: a,
            neededRole: MINTER_ROLE
        }),
        Error::BadConfirmation(AccessControlBadConfirmation {}),
        Error::EnforcedPause(EnforcedPause {}),
        Error::ExpectedPause(ExpectedPause {}),
        Error::InvalidInitialization(InvalidInitialization {}),
        Error::NonexistentEdition(EditionsNonexistentEdition { id: z }),
        Error::MaxSupplyExceeded(EditionsMaxSupplyExceeded {
            id: x,
            available: y,
            amount: z
        }),
        Error::InvalidRecordUser(EditionsInvalidRecordUser { user: a }),
        Error::InvalidRecordAmount(EditionsInvalidRecordAmount {}),
        Error::InvalidRecordExpiry(EditionsInvalidRecordExpiry {
            expiry: u64::MAX,
            timestamp: 3
        }),
        Error::NonexistentRecord(EditionsNonexistentRecord { recordId: x }),
        Error::TooManyRecords(EditionsTooManyRecords {
            account: b,
            tokenId: y
        }),
        Error::InsufficientUnfrozenBalance(EditionsInsufficientUnfrozenBalance {
            owner: a,
            tokenId: x,
            available: y,
            needed: z
        }),
        Error::LockedRecord(EditionsLockedRecord {
            recordId: y,
            expiry: u64::MAX - 1
        }),
        Error::ExpiredRecord(EditionsExpiredRecord {
            recordId: z,
            expiry: u64::MAX
        }),
        Error::NotLeaseOperator(EditionsNotLeaseOperator {
            operator: b,
            owner: a
        }),
        Error::InvalidRecordExtension(EditionsInvalidRecordExtension {
            recordId: x,
            expiry: 5,
            newExpiry: u64::MAX - 2
        }),
        Error::LockExpiryTooFar(EditionsLockExpiryTooFar {
            expiry: u64::MAX,
            maxExpiry: 157_680_000 + 3
        }),
    ];
    assert_eq!(cases.len(), 30, "one case per variant");
    for (derived, compact) in cases {
        let label = format!("{derived:?}");
        assert_eq!(compact.revert_data(), Vec::<u8>::from(derived), "{label}");
    }
}

#[motsu::test]
fn contract_uri_round_trips_through_the_router(
    c: Contract<IpEditions>,
    owner: Address,
    eve: Address,
) {
    let args = ctor_args("b", owner, 0);
    <IpEditions as Router<IpEditions>>::constructor(&mut c.sender(owner), &args);
    assert_eq!(ok(&c, eve, &I::contractURICall {})._0, "");
    let long = String::from("ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
    assert_eq!(
        send(&c, owner, &I::setContractURICall { uri: long.clone() }),
        Ok(Vec::new())
    );
    c.assert_emitted(&ContractURIUpdated {});
    assert_eq!(ok(&c, eve, &I::contractURICall {})._0, long);
    let denied = send(
        &c,
        eve,
        &I::setContractURICall {
            uri: String::from("x"),
        },
    )
    .expect_err("eve holds no role");
    assert_eq!(
        denied,
        AccessControlUnauthorizedAccount {
            account: eve,
            neededRole: METADATA_UPDATER_ROLE,
        }
        .abi_encode()
    );
    assert_eq!(ok(&c, eve, &I::contractURICall {})._0, long);
}
