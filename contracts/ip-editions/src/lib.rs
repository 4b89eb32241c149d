//! IP asset packs (ERC-1155): editions, supply, royalties and timed user
//! records.
//!
//! Studios sell AI-generated asset packs and editions (game items, texture
//! packs, prints) as ERC-1155 ids of one [`IpEditions`] contract and lease
//! units of them for a time.
//!
//! * **ERC-1155** with per-id supply (`totalSupply`, `exists`), per-id or
//!   base (`{id}`) URIs, burns, receiver checks as in OpenZeppelin's
//!   Solidity `ERC1155` (a reverting receiver's revert data is bubbled up),
//!   and ERC-165 for 165, 1155, 1155MetadataURI, 2981, 5006 and 4906.
//! * **Editions**: a minter creates an id with `createId(maxSupply, uri,
//!   royaltyReceiver, royaltyBps)` and mints up to `maxSupply` units of it
//!   (`0` = open edition).
//! * **EIP-2981** royalties: a default set at deployment (the owner may
//!   change it) and a per-id royalty set when the id is created, in basis
//!   points of a fixed 10,000 denominator. `royaltyInfo` is exact for every
//!   sale price and never reverts.
//! * **ERC-5006 user records**: an owner (or an approved operator, or a
//!   *lease operator* the owner approved for leases only) lends `amount`
//!   units to a user until `expiry`. Those units are *frozen*: transfers
//!   and burns of frozen units revert, and they become movable again by
//!   themselves once the record expires. The maths lives in [`logic`].
//!
//! # ERC-5006 rules in detail
//!
//! * A record is active while `block.timestamp <= expiry` (the ERC-4907
//!   convention); it must be created with `expiry > block.timestamp`.
//! * Units stay in the owner's balance (the ERC's reference implementation
//!   escrows them instead): `frozenBalanceOf(owner, id)` is the sum of the
//!   owner's active records, the owner can move `balanceOf - frozen`, and
//!   `usableBalanceOf(user, id)` is the sum of the user's active records.
//! * At most [`logic::MAX_ACTIVE_RECORDS`] (16) active records per
//!   `(owner, id)` ([`Error::TooManyRecords`]), so every transfer check
//!   reads a bounded list; expired entries are pruned whenever the list is
//!   rewritten. A user's records are not capped (a stranger could otherwise
//!   fill a victim's slots and block its leases): no transaction reads a
//!   user's list whole, each record edits its own entry in O(1).
//! * A lease operator's (locked) record, and any extension, ends within
//!   5 × 365 days ([`logic::MAX_LOCK_DURATION`], [`Error::LockExpiryTooFar`]).
//! * Who may delete: anyone once expired (clean-up); the user at any time
//!   (renouncing); the owner, its approved operators and its lease operators
//!   unless the record is *locked*, i.e. was created by a lease operator (a
//!   paid lease, [`Error::LockedRecord`] until it expires). A record stays
//!   readable with `userRecordOf` after expiry until deleted.
//! * A lease operator of the owner may *extend* an active record
//!   (`extendUserRecord`, a later expiry only): a paid lease is renewed in
//!   place, without freezing the units a second time or using up another
//!   of the 16 entries.
//! * Pausing stops new records and extensions, never expiry or deletion.
//! * **ERC-7572** contract-level metadata: `contractURI`, set by a metadata
//!   updater or the owner (`setContractURI`, event `ContractURIUpdated`),
//!   stored as the URIs are.
//! * **Roles**: an owner (two-step transfer) who manages minters and
//!   metadata updaters and can pause transfers, burns, mints and new or
//!   extended records (never views, never expiry).
//! * **Deployment**: directly (the constructor) or as a clone/proxy of one
//!   activated implementation ([`IpEditions::initialize`], runs once; the
//!   constructor and the initializer share the same once-only guard).
//!
//! # Size
//!
//! The ABI, errors and events are those of OpenZeppelin's `ERC1155`,
//! `ERC2981`, `Ownable2Step`, `AccessControl` and `Pausable`, but the code
//! is written here: openzeppelin-stylus 0.3's `Erc1155` alone compiles to
//! 20.9 KB of the 24 KB Stylus code limit, and this contract built on the
//! OpenZeppelin components measured 44.9 KB (brotli). For the same reason
//! events, errors and receiver calls are encoded by hand ([`encode`]) and
//! calldata is decoded by a small router ([`abi`]); the exported ABI still
//! comes from stylus-sdk's `#[public]` over the same signatures.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates undocumented items in WASM and ABI-export builds;
// native builds (tests, clippy) still check every doc.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

#[macro_use]
pub mod abi;
pub mod encode;
#[cfg(all(test, feature = "export-abi"))]
mod export_tests;
pub mod logic;
#[cfg(all(test, not(feature = "export-abi")))]
mod router_tests;
pub mod store;
#[cfg(all(test, not(feature = "export-abi")))]
mod tests;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{
    aliases::{B32, U64, U96},
    b256, Address, B256, U256,
};
use alloy_sol_types::SolError;
use stylus_sdk::{
    abi::Bytes,
    call::{MethodError, RawCall},
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU64},
};

use crate::{
    abi::Ret,
    encode::{addr, boolean, uint},
    logic::{CallerRights, DeleteDenied, Entry, RecordData},
    store::Words,
};

stylus_ip_common::sol_decls! {
    /// An ERC-5006 user record: `amount` units of `tokenId` owned by
    /// `owner` that `user` may use until `expiry` (inclusive).
    struct UserRecord {
        uint256 tokenId;
        address owner;
        uint64 amount;
        address user;
        uint64 expiry;
    }

    /// `sender` holds only `balance` units of `tokenId`, `needed` were asked.
    error ERC1155InsufficientBalance(address sender, uint256 balance, uint256 needed, uint256 tokenId);
    /// Tokens cannot go to `receiver` (the zero address, or a contract that
    /// does not accept them).
    error ERC1155InvalidReceiver(address receiver);
    /// `operator` is neither `owner` nor approved by it.
    error ERC1155MissingApprovalForAll(address operator, address owner);
    /// Invalid operator (the zero address).
    error ERC1155InvalidOperator(address operator);
    /// The `ids` and `values` arrays differ in length.
    error ERC1155InvalidArrayLength(uint256 idsLength, uint256 valuesLength);
    /// The default royalty is above 100 %.
    error ERC2981InvalidDefaultRoyalty(uint256 numerator, uint256 denominator);
    /// The default royalty receiver is the zero address.
    error ERC2981InvalidDefaultRoyaltyReceiver(address receiver);
    /// The royalty of `tokenId` is above 100 %.
    error ERC2981InvalidTokenRoyalty(uint256 tokenId, uint256 numerator, uint256 denominator);
    /// The royalty receiver of `tokenId` is the zero address.
    error ERC2981InvalidTokenRoyaltyReceiver(uint256 tokenId, address receiver);
    /// `account` is not the owner (or pending owner).
    error OwnableUnauthorizedAccount(address account);
    /// `owner` cannot own the contract (the zero address).
    error OwnableInvalidOwner(address owner);
    /// `account` lacks `neededRole` (and is not the owner).
    error AccessControlUnauthorizedAccount(address account, bytes32 neededRole);
    /// `renounceRole` was called for another account.
    error AccessControlBadConfirmation();
    /// The contract is paused.
    error EnforcedPause();
    /// The contract is not paused.
    error ExpectedPause();
    /// The contract is already initialized.
    error InvalidInitialization();
    /// Edition `id` has not been created.
    error EditionsNonexistentEdition(uint256 id);
    /// Only `available` more units of `id` can be minted before its maximum
    /// supply (`2^256-1` for an open edition); `amount` were asked.
    error EditionsMaxSupplyExceeded(uint256 id, uint256 available, uint256 amount);
    /// A user record cannot be given to `user` (the zero address).
    error EditionsInvalidRecordUser(address user);
    /// A user record must cover at least one unit.
    error EditionsInvalidRecordAmount();
    /// A user record's `expiry` must be after the current `timestamp`.
    error EditionsInvalidRecordExpiry(uint64 expiry, uint64 timestamp);
    /// User record `recordId` does not exist.
    error EditionsNonexistentRecord(uint256 recordId);
    /// `account` already has the maximum number of active records for
    /// `tokenId`.
    error EditionsTooManyRecords(address account, uint256 tokenId);
    /// Only `available` units of `tokenId` of `owner` are not frozen by
    /// active user records; `needed` were asked.
    error EditionsInsufficientUnfrozenBalance(address owner, uint256 tokenId, uint256 available, uint256 needed);
    /// Record `recordId` was created by a lease operator and only its user
    /// may end it before `expiry`.
    error EditionsLockedRecord(uint256 recordId, uint64 expiry);
    /// Record `recordId` expired at `expiry` and can no longer be extended.
    error EditionsExpiredRecord(uint256 recordId, uint64 expiry);
    /// `operator` is not a lease operator of `owner`, the record's owner.
    error EditionsNotLeaseOperator(address operator, address owner);
    /// Record `recordId` runs until `expiry`; an extension must end later
    /// than that (`newExpiry`).
    error EditionsInvalidRecordExtension(uint256 recordId, uint64 expiry, uint64 newExpiry);
    /// A lock's (a lease operator's record or an extension) `expiry` is past
    /// `maxExpiry` (now + 5 × 365 days).
    error EditionsLockExpiryTooFar(uint64 expiry, uint64 maxExpiry);

    /// ERC-1155 single transfer, mint or burn.
    event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value);
    /// ERC-1155 batch transfer, mint or burn.
    event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values);
    /// ERC-1155 operator approval changed.
    event ApprovalForAll(address indexed account, address indexed operator, bool approved);
    /// ERC-1155: the URI of `id` changed to `value`.
    event URI(string value, uint256 indexed id);
    /// ERC-4906: the metadata of `_tokenId` changed.
    event MetadataUpdate(uint256 _tokenId);
    /// ERC-4906: the metadata of a range of ids changed.
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);
    /// ERC-7572: the contract-level metadata (`contractURI`) changed.
    event ContractURIUpdated();
    /// ERC-5006: a user record was created.
    event CreateUserRecord(uint256 recordId, uint256 tokenId, uint64 amount, address owner, address user, uint64 expiry);
    /// ERC-5006: a user record was deleted.
    event DeleteUserRecord(uint256 recordId);
    /// User record `recordId` now runs until `expiry` (a lease renewal).
    event UserRecordExtended(uint256 indexed recordId, uint64 expiry);
    /// `owner` approved or revoked `operator` as a lease operator.
    event LeaseOperatorSet(address indexed owner, address indexed operator, bool approved);
    /// Edition `id` was created.
    event EditionCreated(uint256 indexed id, uint256 maxSupply, address royaltyReceiver, uint96 royaltyBps);
    /// Ownership changed.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// A two-step ownership transfer started.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// `account` was granted `role` by `sender`.
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    /// `role` was revoked from `account` by `sender`.
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
    /// The contract was paused by `account`.
    event Paused(address account);
    /// The contract was unpaused by `account`.
    event Unpaused(address account);
    /// The contract was initialized (constructor or `initialize`).
    event Initialized(uint64 version);
}

stylus_ip_common::abi_structs!(UserRecord);

/// `UserRecord` in the exported interface (a struct is returned `memory`).
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::AbiType for UserRecord {
    type SolType = Self;
    const ABI: stylus_sdk::abi::ConstString = stylus_sdk::abi::ConstString::new("UserRecord");
    const EXPORT_ABI_RET: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("UserRecord memory");
}

/// `keccak256("MINTER_ROLE")`: may create editions and mint.
pub const MINTER_ROLE: B256 =
    b256!("9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6");
/// `keccak256("METADATA_UPDATER_ROLE")`: may change URIs.
pub const METADATA_UPDATER_ROLE: B256 =
    b256!("7f5260842512b02356ff92de24be96e7e1aac2e234d9371b076ac2b4cddda61e");
/// ERC-165 ids answered by `supportsInterface`: 165, 1155,
/// 1155MetadataURI, 2981, 5006 (XOR of its selectors) and 4906 (fixed).
pub const INTERFACE_IDS: [u32; 6] = [
    0x01ff_c9a7,
    0xd9b6_7a26,
    0x0e89_341c,
    0x2a55_205a,
    0xc26d_96cc,
    0x4906_4906,
];
/// Version reported by the [`Initialized`] event.
pub const INIT_VERSION: u64 = 1;

/// Raw revert data of a receiver contract, re-thrown unchanged (as
/// OpenZeppelin's Solidity `ERC1155Utils` does).
#[derive(Debug, PartialEq, Eq)]
pub struct ReceiverRevert(pub Vec<u8>);

impl MethodError for ReceiverRevert {
    fn encode(self) -> Vec<u8> {
        self.0
    }
}

/// Errors of [`IpEditions`] (one Solidity error each, except a receiver's
/// bubbled revert data).
#[derive(SolidityError, Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub enum Error {
    /// See [`ERC1155InsufficientBalance`].
    InsufficientBalance(ERC1155InsufficientBalance),
    /// See [`ERC1155InvalidReceiver`].
    InvalidReceiver(ERC1155InvalidReceiver),
    /// A receiver contract reverted with this (non-empty) data.
    // Not an ABI error of this contract (the receiver's own), so hidden from
    // the ABI export, which lists only Solidity errors.
    #[cfg(not(feature = "export-abi"))]
    ReceiverRevert(ReceiverRevert),
    /// See [`ERC1155MissingApprovalForAll`].
    MissingApprovalForAll(ERC1155MissingApprovalForAll),
    /// See [`ERC1155InvalidOperator`].
    InvalidOperator(ERC1155InvalidOperator),
    /// See [`ERC1155InvalidArrayLength`].
    InvalidArrayLength(ERC1155InvalidArrayLength),
    /// See [`ERC2981InvalidDefaultRoyalty`].
    InvalidDefaultRoyalty(ERC2981InvalidDefaultRoyalty),
    /// See [`ERC2981InvalidDefaultRoyaltyReceiver`].
    InvalidDefaultRoyaltyReceiver(ERC2981InvalidDefaultRoyaltyReceiver),
    /// See [`ERC2981InvalidTokenRoyalty`].
    InvalidTokenRoyalty(ERC2981InvalidTokenRoyalty),
    /// See [`ERC2981InvalidTokenRoyaltyReceiver`].
    InvalidTokenRoyaltyReceiver(ERC2981InvalidTokenRoyaltyReceiver),
    /// See [`OwnableUnauthorizedAccount`].
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// See [`OwnableInvalidOwner`].
    InvalidOwner(OwnableInvalidOwner),
    /// See [`AccessControlUnauthorizedAccount`].
    MissingRole(AccessControlUnauthorizedAccount),
    /// See [`AccessControlBadConfirmation`].
    BadConfirmation(AccessControlBadConfirmation),
    /// See [`EnforcedPause`].
    EnforcedPause(EnforcedPause),
    /// See [`ExpectedPause`].
    ExpectedPause(ExpectedPause),
    /// See [`InvalidInitialization`].
    InvalidInitialization(InvalidInitialization),
    /// See [`EditionsNonexistentEdition`].
    NonexistentEdition(EditionsNonexistentEdition),
    /// See [`EditionsMaxSupplyExceeded`].
    MaxSupplyExceeded(EditionsMaxSupplyExceeded),
    /// See [`EditionsInvalidRecordUser`].
    InvalidRecordUser(EditionsInvalidRecordUser),
    /// See [`EditionsInvalidRecordAmount`].
    InvalidRecordAmount(EditionsInvalidRecordAmount),
    /// See [`EditionsInvalidRecordExpiry`].
    InvalidRecordExpiry(EditionsInvalidRecordExpiry),
    /// See [`EditionsNonexistentRecord`].
    NonexistentRecord(EditionsNonexistentRecord),
    /// See [`EditionsTooManyRecords`].
    TooManyRecords(EditionsTooManyRecords),
    /// See [`EditionsInsufficientUnfrozenBalance`].
    InsufficientUnfrozenBalance(EditionsInsufficientUnfrozenBalance),
    /// See [`EditionsLockedRecord`].
    LockedRecord(EditionsLockedRecord),
    /// See [`EditionsExpiredRecord`].
    ExpiredRecord(EditionsExpiredRecord),
    /// See [`EditionsNotLeaseOperator`].
    NotLeaseOperator(EditionsNotLeaseOperator),
    /// See [`EditionsInvalidRecordExtension`].
    InvalidRecordExtension(EditionsInvalidRecordExtension),
    /// See [`EditionsLockExpiryTooFar`].
    LockExpiryTooFar(EditionsLockExpiryTooFar),
}

impl Error {
    /// The revert data of this error: the same bytes as the derived
    /// `Vec<u8>` conversion (checked in the tests) from one small encoder
    /// instead of alloy's per-type ones.
    #[must_use]
    pub fn revert_data(self) -> Vec<u8> {
        use encode::error_data as data;
        let n = |x: u64| uint(U256::from(x));
        match self {
            Self::InsufficientBalance(x) => data(
                ERC1155InsufficientBalance::SELECTOR,
                &[
                    addr(x.sender),
                    uint(x.balance),
                    uint(x.needed),
                    uint(x.tokenId),
                ],
            ),
            Self::InvalidReceiver(x) => data(ERC1155InvalidReceiver::SELECTOR, &[addr(x.receiver)]),
            #[cfg(not(feature = "export-abi"))]
            Self::ReceiverRevert(x) => x.0,
            Self::MissingApprovalForAll(x) => data(
                ERC1155MissingApprovalForAll::SELECTOR,
                &[addr(x.operator), addr(x.owner)],
            ),
            Self::InvalidOperator(x) => data(ERC1155InvalidOperator::SELECTOR, &[addr(x.operator)]),
            Self::InvalidArrayLength(x) => data(
                ERC1155InvalidArrayLength::SELECTOR,
                &[uint(x.idsLength), uint(x.valuesLength)],
            ),
            Self::InvalidDefaultRoyalty(x) => data(
                ERC2981InvalidDefaultRoyalty::SELECTOR,
                &[uint(x.numerator), uint(x.denominator)],
            ),
            Self::InvalidDefaultRoyaltyReceiver(x) => data(
                ERC2981InvalidDefaultRoyaltyReceiver::SELECTOR,
                &[addr(x.receiver)],
            ),
            Self::InvalidTokenRoyalty(x) => data(
                ERC2981InvalidTokenRoyalty::SELECTOR,
                &[uint(x.tokenId), uint(x.numerator), uint(x.denominator)],
            ),
            Self::InvalidTokenRoyaltyReceiver(x) => data(
                ERC2981InvalidTokenRoyaltyReceiver::SELECTOR,
                &[uint(x.tokenId), addr(x.receiver)],
            ),
            Self::UnauthorizedAccount(x) => {
                data(OwnableUnauthorizedAccount::SELECTOR, &[addr(x.account)])
            }
            Self::InvalidOwner(x) => data(OwnableInvalidOwner::SELECTOR, &[addr(x.owner)]),
            Self::MissingRole(x) => data(
                AccessControlUnauthorizedAccount::SELECTOR,
                &[addr(x.account), x.neededRole],
            ),
            Self::BadConfirmation(_) => data(AccessControlBadConfirmation::SELECTOR, &[]),
            Self::EnforcedPause(_) => data(EnforcedPause::SELECTOR, &[]),
            Self::ExpectedPause(_) => data(ExpectedPause::SELECTOR, &[]),
            Self::InvalidInitialization(_) => data(InvalidInitialization::SELECTOR, &[]),
            Self::NonexistentEdition(x) => {
                data(EditionsNonexistentEdition::SELECTOR, &[uint(x.id)])
            }
            Self::MaxSupplyExceeded(x) => data(
                EditionsMaxSupplyExceeded::SELECTOR,
                &[uint(x.id), uint(x.available), uint(x.amount)],
            ),
            Self::InvalidRecordUser(x) => {
                data(EditionsInvalidRecordUser::SELECTOR, &[addr(x.user)])
            }
            Self::InvalidRecordAmount(_) => data(EditionsInvalidRecordAmount::SELECTOR, &[]),
            Self::InvalidRecordExpiry(x) => data(
                EditionsInvalidRecordExpiry::SELECTOR,
                &[n(x.expiry), n(x.timestamp)],
            ),
            Self::NonexistentRecord(x) => {
                data(EditionsNonexistentRecord::SELECTOR, &[uint(x.recordId)])
            }
            Self::TooManyRecords(x) => data(
                EditionsTooManyRecords::SELECTOR,
                &[addr(x.account), uint(x.tokenId)],
            ),
            Self::InsufficientUnfrozenBalance(x) => data(
                EditionsInsufficientUnfrozenBalance::SELECTOR,
                &[
                    addr(x.owner),
                    uint(x.tokenId),
                    uint(x.available),
                    uint(x.needed),
                ],
            ),
            Self::LockedRecord(x) => data(
                EditionsLockedRecord::SELECTOR,
                &[uint(x.recordId), n(x.expiry)],
            ),
            Self::ExpiredRecord(x) => data(
                EditionsExpiredRecord::SELECTOR,
                &[uint(x.recordId), n(x.expiry)],
            ),
            Self::NotLeaseOperator(x) => data(
                EditionsNotLeaseOperator::SELECTOR,
                &[addr(x.operator), addr(x.owner)],
            ),
            Self::InvalidRecordExtension(x) => data(
                EditionsInvalidRecordExtension::SELECTOR,
                &[uint(x.recordId), n(x.expiry), n(x.newExpiry)],
            ),
            Self::LockExpiryTooFar(x) => data(
                EditionsLockExpiryTooFar::SELECTOR,
                &[n(x.expiry), n(x.maxExpiry)],
            ),
        }
    }
}

impl<T: Ret> Ret for Result<T, Error> {
    fn encode(self) -> Result<Vec<u8>, Vec<u8>> {
        self.map_err(Error::revert_data)?.encode()
    }
}

impl Ret for UserRecord {
    fn encode(self) -> Result<Vec<u8>, Vec<u8>> {
        Ok(encode::words(&[
            uint(self.tokenId),
            addr(self.owner),
            uint(U256::from(self.amount)),
            addr(self.user),
            uint(U256::from(self.expiry)),
        ]))
    }
}

/// Per-edition state.
#[storage]
struct Edition {
    /// Maximum total supply, `0` = open edition.
    max_supply: StorageU256,
    /// Units in circulation.
    total_supply: StorageU256,
}

/// A royalty (one slot: receiver + basis points).
#[storage]
struct Royalty {
    receiver: StorageAddress,
    bps: StorageU64,
}

/// A stored user record: the three words of [`RecordData`].
#[storage]
#[derive(Erase)]
struct Record {
    w0: StorageB256,
    w1: StorageB256,
    w2: StorageB256,
}

/// Per-`(side, account)`, per-id bounded lists of packed [`Entry`]s.
type Lists = StorageMap<B256, StorageMap<U256, Words>>;
/// Owner side of [`Lists`]: records freezing the owner's units.
const FROZEN: u8 = 1;
/// User side of [`Lists`]: records the user may use.
const USABLE: u8 = 2;
/// `a => b => flag` (approvals, lease operators, roles).
type Flags<K> = StorageMap<K, StorageMap<Address, StorageBool>>;

/// The IP editions contract (ERC-1155 + 2981 + 5006 + 4906).
#[entrypoint]
#[storage]
pub struct IpEditions {
    /// `id => account => units`.
    balances: StorageMap<U256, StorageMap<Address, StorageU256>>,
    /// `owner => operator => approved for all`.
    approvals: Flags<Address>,
    owner: StorageAddress,
    pending_owner: StorageAddress,
    initialized: StorageBool,
    paused: StorageBool,
    /// `role => account => granted`.
    roles: Flags<B256>,
    /// Per-id royalties; id 0 (never an edition) holds the default.
    royalties: StorageMap<U256, Royalty>,
    /// Per-id URIs; id 0 (never an edition) holds the base URI.
    token_uris: StorageMap<U256, Words>,
    editions: StorageMap<U256, Edition>,
    last_id: StorageU256,
    records: StorageMap<U256, Record>,
    last_record_id: StorageU64,
    /// Active records per `(side, account)` ([`FROZEN`]: the owner's frozen
    /// units; [`USABLE`]: the user's usable units), then per id.
    lists: Lists,
    /// `owner => lease operator => approved`.
    lease_operators: Flags<Address>,
    /// The ERC-7572 contract URI.
    contract_uri: Words,
}

contract_api! {
impl IpEditions {
    /// Direct deployment: same as [`IpEditions::initialize`].
    ///
    /// # Errors
    /// As [`IpEditions::initialize`].
    constructor fn constructor(
        &mut self,
        base_uri: String,
        owner: Address,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<(), Error> {
        self.init(base_uri, owner, royalty_receiver, royalty_bps)
    }

    /// Initializes a clone/proxy (runs once, and never after the
    /// constructor): sets the base URI (clients substitute `{id}`), the
    /// owner and the default royalty (`royaltyReceiver = 0` with
    /// `royaltyBps = 0` means none). Royalties use a 10,000 denominator.
    ///
    /// # Errors
    /// * [`Error::InvalidInitialization`] if already initialized.
    /// * [`Error::InvalidOwner`] if `owner` is zero.
    /// * [`Error::InvalidDefaultRoyalty`] if `royaltyBps > 10_000`.
    /// * [`Error::InvalidDefaultRoyaltyReceiver`] if only the receiver is zero.
    ///
    /// # Events
    /// [`OwnershipTransferred`], [`Initialized`].
    sol("initialize") fn initialize(
        &mut self,
        base_uri: String,
        owner: Address,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<(), Error> {
        self.init(base_uri, owner, royalty_receiver, royalty_bps)
    }

    // ------------------------------------------------------------------
    // Ownership, roles, pause
    // ------------------------------------------------------------------

    /// The current owner.
    sol("owner") fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The account a two-step ownership transfer is waiting for.
    sol("pendingOwner") fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Starts a two-step ownership transfer (owner only); `newOwner` must
    /// call [`IpEditions::accept_ownership`]. The zero address cancels.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`OwnershipTransferStarted`].
    sol("transferOwnership") fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        let owner = self.only_owner()?;
        self.pending_owner.set(new_owner);
        emit(stylus_ip_common::topic!(OwnershipTransferStarted), &[addr(owner), addr(new_owner)], &[]);
        Ok(())
    }

    /// Completes a two-step ownership transfer (pending owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the pending owner.
    ///
    /// # Events
    /// [`OwnershipTransferred`].
    sol("acceptOwnership") fn accept_ownership(&mut self) -> Result<(), Error> {
        let caller = sender();
        if caller != self.pending_owner.get() {
            return Err(OwnableUnauthorizedAccount { account: caller }.into());
        }
        self.set_owner(caller);
        Ok(())
    }

    /// Leaves the contract without owner (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`OwnershipTransferred`].
    sol("renounceOwnership") fn renounce_ownership(&mut self) -> Result<(), Error> {
        self.only_owner()?;
        self.set_owner(Address::ZERO);
        Ok(())
    }

    /// Whether `account` holds `role` (the owner passes every role check
    /// without being listed here).
    sol("hasRole") fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.getter(role).get(account)
    }

    /// Whether `account` may create ids and mint: the owner or a
    /// `MINTER_ROLE` holder. The suite's provenance registry asks this (as
    /// it asks ERC-721 collections) to authorise record writers.
    sol("isMinter") fn is_minter(&self, account: Address) -> bool {
        account == self.owner.get() || self.has_role(MINTER_ROLE, account)
    }

    /// Grants `role` to `account` (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`RoleGranted`] if `account` did not hold the role.
    sol("grantRole") fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_owner()?;
        self.set_role(role, account, true);
        Ok(())
    }

    /// Revokes `role` from `account` (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`RoleRevoked`] if `account` held the role.
    sol("revokeRole") fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.only_owner()?;
        self.set_role(role, account, false);
        Ok(())
    }

    /// Gives up `role` (the caller must pass its own address).
    ///
    /// # Errors
    /// [`Error::BadConfirmation`] if `confirmation` is not the caller.
    ///
    /// # Events
    /// [`RoleRevoked`] if the caller held the role.
    sol("renounceRole") fn renounce_role(&mut self, role: B256, confirmation: Address) -> Result<(), Error> {
        if confirmation != sender() {
            return Err(AccessControlBadConfirmation {}.into());
        }
        self.set_role(role, confirmation, false);
        Ok(())
    }

    /// Whether transfers, burns, mints and new records are paused.
    sol("paused") fn paused(&self) -> bool {
        self.paused.get()
    }

    /// Pauses transfers, burns, mints, record creation and extension (owner
    /// only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::EnforcedPause`] if paused.
    ///
    /// # Events
    /// [`Paused`].
    sol("pause") fn pause(&mut self) -> Result<(), Error> {
        let owner = self.only_owner()?;
        self.when_not_paused()?;
        self.paused.set(true);
        emit(stylus_ip_common::topic!(Paused), &[], addr(owner).as_slice());
        Ok(())
    }

    /// Lifts the pause (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::ExpectedPause`] if not paused.
    ///
    /// # Events
    /// [`Unpaused`].
    sol("unpause") fn unpause(&mut self) -> Result<(), Error> {
        let owner = self.only_owner()?;
        if !self.paused.get() {
            return Err(ExpectedPause {}.into());
        }
        self.paused.set(false);
        emit(stylus_ip_common::topic!(Unpaused), &[], addr(owner).as_slice());
        Ok(())
    }

    // ------------------------------------------------------------------
    // ERC-1155
    // ------------------------------------------------------------------

    /// Units of `id` held by `account` (frozen units included).
    sol("balanceOf") fn balance_of(&self, account: Address, id: U256) -> U256 {
        self.balances.getter(id).get(account)
    }

    /// Batched [`IpEditions::balance_of`].
    ///
    /// # Errors
    /// [`Error::InvalidArrayLength`] if the arrays differ in length.
    sol("balanceOfBatch") fn balance_of_batch(
        &self,
        accounts: Vec<Address>,
        ids: Vec<U256>,
    ) -> Result<Vec<U256>, Error> {
        same_length(&ids, &accounts)?;
        Ok(accounts.iter().zip(&ids).map(|(a, id)| self.balance_of(*a, *id)).collect())
    }

    /// Approves or revokes `operator` for all of the caller's tokens.
    ///
    /// # Errors
    /// [`Error::InvalidOperator`] if `operator` is zero.
    ///
    /// # Events
    /// [`ApprovalForAll`].
    sol("setApprovalForAll") fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Error> {
        let owner = sender();
        set_flag(&mut self.approvals, owner, operator, approved)?;
        emit(stylus_ip_common::topic!(ApprovalForAll), &[addr(owner), addr(operator)], boolean(approved).as_slice());
        Ok(())
    }

    /// Whether `operator` may move all of `account`'s tokens.
    sol("isApprovedForAll") fn is_approved_for_all(&self, account: Address, operator: Address) -> bool {
        self.approvals.getter(account).get(operator)
    }

    /// Transfers `value` units of `id`; a contract `to` must accept them
    /// (`onERC1155Received`). Frozen units cannot move.
    ///
    /// # Errors
    /// * [`Error::EnforcedPause`] while paused.
    /// * [`Error::MissingApprovalForAll`] if the caller is neither `from`
    ///   nor approved by it.
    /// * [`Error::InvalidReceiver`] if `to` is zero or a contract that does
    ///   not accept the tokens; a receiver's own revert is re-thrown.
    /// * [`Error::InsufficientUnfrozenBalance`] if `value` exceeds the units
    ///   not frozen by active user records.
    /// * [`Error::InsufficientBalance`] if `value` exceeds the balance.
    ///
    /// # Events
    /// [`TransferSingle`].
    sol("safeTransferFrom") fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
        value: U256,
        data: Bytes,
    ) -> Result<(), Error> {
        self.transfer(from, to, &[id], &[value], &data)
    }

    /// Batched [`IpEditions::safe_transfer_from`] (`onERC1155BatchReceived`
    /// for contract receivers, `onERC1155Received` for one element).
    /// Repeated ids are checked on their total.
    ///
    /// # Errors
    /// As [`IpEditions::safe_transfer_from`], plus
    /// [`Error::InvalidArrayLength`].
    ///
    /// # Events
    /// [`TransferBatch`] ([`TransferSingle`] for one element).
    sol("safeBatchTransferFrom") fn safe_batch_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        ids: Vec<U256>,
        values: Vec<U256>,
        data: Bytes,
    ) -> Result<(), Error> {
        self.transfer(from, to, &ids, &values, &data)
    }

    /// Burns `value` units of `id` from `account` (the caller or an account
    /// that approved it). Frozen units cannot be burnt.
    ///
    /// # Errors
    /// [`Error::EnforcedPause`], [`Error::MissingApprovalForAll`],
    /// [`Error::InsufficientUnfrozenBalance`], [`Error::InsufficientBalance`].
    ///
    /// # Events
    /// [`TransferSingle`] to the zero address.
    sol("burn") fn burn(&mut self, account: Address, id: U256, value: U256) -> Result<(), Error> {
        self.do_burn(account, &[id], &[value])
    }

    /// Batched [`IpEditions::burn`].
    ///
    /// # Errors
    /// As [`IpEditions::burn`], plus [`Error::InvalidArrayLength`].
    ///
    /// # Events
    /// [`TransferBatch`] to the zero address ([`TransferSingle`] for one
    /// element).
    sol("burnBatch") fn burn_batch(
        &mut self,
        account: Address,
        ids: Vec<U256>,
        values: Vec<U256>,
    ) -> Result<(), Error> {
        self.do_burn(account, &ids, &values)
    }

    // ------------------------------------------------------------------
    // Editions, supply, URIs
    // ------------------------------------------------------------------

    /// Creates the next edition id (ids start at 1) with a maximum supply
    /// (`0` = open edition), an optional per-id URI (empty = use the base
    /// URI) and an optional per-id royalty (`0`/`0` = use the default).
    /// Minter role (or owner).
    ///
    /// # Errors
    /// * [`Error::MissingRole`] if the caller is not a minter.
    /// * [`Error::InvalidTokenRoyalty`] if `royaltyBps > 10_000`.
    /// * [`Error::InvalidTokenRoyaltyReceiver`] if only the receiver is zero.
    ///
    /// # Events
    /// [`EditionCreated`], and [`URI`] when `uri` is not empty.
    sol("createId") fn create_id(
        &mut self,
        max_supply: U256,
        uri: String,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<U256, Error> {
        self.only_role(MINTER_ROLE)?;
        // Ids are created one per call, so this cannot overflow; saturating
        // keeps it panic-free regardless.
        let id = self.last_id.get().saturating_add(U256::from(1));
        if !(royalty_receiver.is_zero() && royalty_bps.is_zero()) {
            let bps = check_royalty(royalty_receiver, royalty_bps).map_err(|bad_bps| -> Error {
                match bad_bps {
                    true => ERC2981InvalidTokenRoyalty {
                        tokenId: id,
                        numerator: U256::from(royalty_bps),
                        denominator: U256::from(logic::FEE_DENOMINATOR),
                    }
                    .into(),
                    false => ERC2981InvalidTokenRoyaltyReceiver {
                        tokenId: id,
                        receiver: royalty_receiver,
                    }
                    .into(),
                }
            })?;
            let mut royalty = self.royalties.setter(id);
            royalty.receiver.set(royalty_receiver);
            royalty.bps.set(U64::from(bps));
        }
        self.last_id.set(id);
        self.editions.setter(id).max_supply.set(max_supply);
        if !uri.is_empty() {
            write_text(&mut self.token_uris.setter(id), &uri);
            emit(stylus_ip_common::topic!(URI), &[uint(id)], &encode::string_data(&uri));
        }
        emit(
            stylus_ip_common::topic!(EditionCreated),
            &[uint(id)],
            &encode::words(&[uint(max_supply), addr(royalty_receiver), uint(U256::from(royalty_bps))]),
        );
        Ok(id)
    }

    /// Mints `amount` units of edition `id` to `to` (minter role or owner).
    ///
    /// # Errors
    /// * [`Error::EnforcedPause`], [`Error::MissingRole`].
    /// * [`Error::NonexistentEdition`] if `id` was not created.
    /// * [`Error::MaxSupplyExceeded`] if the supply would exceed the maximum.
    /// * [`Error::InvalidReceiver`] for the zero address or a contract that
    ///   does not accept the tokens; a receiver's own revert is re-thrown.
    ///
    /// # Events
    /// [`TransferSingle`] from the zero address.
    sol("mint") fn mint(&mut self, to: Address, id: U256, amount: U256, data: Bytes) -> Result<(), Error> {
        self.do_mint(to, &[id], &[amount], &data)
    }

    /// Batched [`IpEditions::mint`] (repeated ids count on their total).
    ///
    /// # Errors
    /// As [`IpEditions::mint`], plus [`Error::InvalidArrayLength`].
    ///
    /// # Events
    /// [`TransferBatch`] from the zero address ([`TransferSingle`] for one
    /// element).
    sol("mintBatch") fn mint_batch(
        &mut self,
        to: Address,
        ids: Vec<U256>,
        amounts: Vec<U256>,
        data: Bytes,
    ) -> Result<(), Error> {
        self.do_mint(to, &ids, &amounts, &data)
    }

    /// Units of `id` in circulation.
    sol("totalSupply") fn total_supply(&self, id: U256) -> U256 {
        self.editions.getter(id).total_supply.get()
    }

    /// Whether any unit of `id` is in circulation.
    sol("exists") fn exists(&self, id: U256) -> bool {
        !self.total_supply(id).is_zero()
    }

    /// Maximum supply of `id` (`0` = open edition or not created).
    sol("maxSupply") fn max_supply(&self, id: U256) -> U256 {
        self.editions.getter(id).max_supply.get()
    }

    /// The last edition id created (`0` if none).
    sol("lastId") fn last_id(&self) -> U256 {
        self.last_id.get()
    }

    /// ERC-1155 metadata URI of `id`: its own URI if set, otherwise the
    /// base URI (in which clients replace `{id}`).
    sol("uri") fn uri(&self, id: U256) -> String {
        let own = read_text(&self.token_uris.getter(id));
        if own.is_empty() {
            read_text(&self.token_uris.getter(U256::ZERO))
        } else {
            own
        }
    }

    /// Sets the URI of edition `id` (metadata updater role or owner);
    /// empty falls back to the base URI.
    ///
    /// # Errors
    /// [`Error::MissingRole`], [`Error::NonexistentEdition`].
    ///
    /// # Events
    /// [`URI`] (with the resulting URI), [`MetadataUpdate`].
    sol("setURI") fn set_uri(&mut self, id: U256, uri: String) -> Result<(), Error> {
        self.only_role(METADATA_UPDATER_ROLE)?;
        self.require_edition(id)?;
        write_text(&mut self.token_uris.setter(id), &uri);
        emit(stylus_ip_common::topic!(URI), &[uint(id)], &encode::string_data(&self.uri(id)));
        emit(stylus_ip_common::topic!(MetadataUpdate), &[], uint(id).as_slice());
        Ok(())
    }

    /// Sets the base URI (metadata updater role or owner).
    ///
    /// # Errors
    /// [`Error::MissingRole`].
    ///
    /// # Events
    /// [`BatchMetadataUpdate`] over every id (`0` to `2^256-1`).
    sol("setBaseURI") fn set_base_uri(&mut self, uri: String) -> Result<(), Error> {
        self.only_role(METADATA_UPDATER_ROLE)?;
        write_text(&mut self.token_uris.setter(U256::ZERO), &uri);
        emit(stylus_ip_common::topic!(BatchMetadataUpdate), &[], &encode::words(&[uint(U256::ZERO), uint(U256::MAX)]));
        Ok(())
    }

    /// ERC-7572 contract-level metadata URI (empty until set).
    sol("contractURI") fn contract_uri(&self) -> String {
        read_text(&self.contract_uri)
    }

    /// Sets the ERC-7572 contract URI (metadata updater role or owner, as
    /// [`IpEditions::set_base_uri`]).
    ///
    /// # Errors
    /// [`Error::MissingRole`].
    ///
    /// # Events
    /// [`ContractURIUpdated`].
    sol("setContractURI") fn set_contract_uri(&mut self, uri: String) -> Result<(), Error> {
        self.only_role(METADATA_UPDATER_ROLE)?;
        write_text(&mut self.contract_uri, &uri);
        emit(stylus_ip_common::topic!(ContractURIUpdated), &[], &[]);
        Ok(())
    }

    // ------------------------------------------------------------------
    // EIP-2981
    // ------------------------------------------------------------------

    /// Royalty receiver and amount for a sale of `id` at `salePrice`: the
    /// id's royalty if set at creation, else the default (zero address and
    /// amount if none). Exact `floor(salePrice * bps / 10_000)` for every
    /// price; never reverts.
    sol("royaltyInfo") fn royalty_info(&self, id: U256, sale_price: U256) -> (Address, U256) {
        let own = self.royalties.getter(id);
        let r = if own.receiver.get().is_zero() { self.royalties.getter(U256::ZERO) } else { own };
        (r.receiver.get(), logic::royalty_amount(sale_price, low_u64(r.bps.get())))
    }

    /// Sets the default royalty (owner only); `0`/`0` removes it.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::InvalidDefaultRoyalty`],
    /// [`Error::InvalidDefaultRoyaltyReceiver`].
    sol("setDefaultRoyalty") fn set_default_royalty(&mut self, receiver: Address, bps: U96) -> Result<(), Error> {
        self.only_owner()?;
        self.set_default_royalty_unchecked(receiver, bps)
    }

    // ------------------------------------------------------------------
    // ERC-5006 user records and lease operators
    // ------------------------------------------------------------------

    /// Approves or revokes `operator` as the caller's lease operator: it may
    /// create (locked) user records of the caller's units, never transfer.
    ///
    /// # Errors
    /// [`Error::InvalidOperator`] if `operator` is zero.
    ///
    /// # Events
    /// [`LeaseOperatorSet`].
    sol("setLeaseOperator") fn set_lease_operator(&mut self, operator: Address, approved: bool) -> Result<(), Error> {
        let owner = sender();
        set_flag(&mut self.lease_operators, owner, operator, approved)?;
        emit(stylus_ip_common::topic!(LeaseOperatorSet), &[addr(owner), addr(operator)], boolean(approved).as_slice());
        Ok(())
    }

    /// Whether `operator` is a lease operator of `owner`.
    sol("isLeaseOperator") fn is_lease_operator(&self, owner: Address, operator: Address) -> bool {
        self.lease_operators.getter(owner).get(operator)
    }

    /// ERC-5006: lends `amount` unfrozen units of `tokenId` of `owner` to
    /// `user` until `expiry` (inclusive). Callers: the owner, an operator
    /// approved for all, or a lease operator of the owner (its records are
    /// *locked*). Returns the new record id (ids start at 1).
    ///
    /// # Errors
    /// * [`Error::EnforcedPause`] while paused.
    /// * [`Error::MissingApprovalForAll`] if the caller has no rights.
    /// * [`Error::InvalidRecordUser`] if `user` is zero.
    /// * [`Error::InvalidRecordAmount`] if `amount` is zero.
    /// * [`Error::InvalidRecordExpiry`] if `expiry` is not in the future.
    /// * [`Error::InsufficientUnfrozenBalance`] if `amount` exceeds the
    ///   owner's unfrozen units.
    /// * [`Error::LockExpiryTooFar`] if a lease operator's (locked) record
    ///   ends after now + 5 × 365 days.
    /// * [`Error::TooManyRecords`] if the owner's list for `tokenId` already
    ///   holds the maximum of active records (a user's records are not
    ///   capped).
    ///
    /// # Events
    /// [`CreateUserRecord`].
    sol("createUserRecord") fn create_user_record(
        &mut self,
        owner: Address,
        user: Address,
        token_id: U256,
        amount: u64,
        expiry: u64,
    ) -> Result<U256, Error> {
        self.when_not_paused()?;
        let caller = sender();
        let Some(locked) = logic::create_permission(self.rights(caller, owner)) else {
            return Err(ERC1155MissingApprovalForAll { operator: caller, owner }.into());
        };
        if user.is_zero() {
            return Err(EditionsInvalidRecordUser { user }.into());
        }
        if amount == 0 {
            return Err(EditionsInvalidRecordAmount {}.into());
        }
        let now = now();
        if expiry <= now {
            return Err(EditionsInvalidRecordExpiry { expiry, timestamp: now }.into());
        }
        if locked {
            check_lock_expiry(expiry, now)?;
        }
        let old_owner_list = self.read_list(FROZEN, owner, token_id);
        let available = logic::available(
            self.balance_of(owner, token_id),
            logic::active_amount(&old_owner_list, now),
        );
        if U256::from(amount) > available {
            return Err(EditionsInsufficientUnfrozenBalance {
                owner,
                tokenId: token_id,
                available,
                needed: U256::from(amount),
            }
            .into());
        }
        let Some(record_id) = low_u64(self.last_record_id.get()).checked_add(1) else {
            // 2^64 records cannot be reached; refuse rather than wrap.
            return Err(EditionsTooManyRecords { account: owner, tokenId: token_id }.into());
        };
        let entry = Entry { record_id, amount, expiry };
        let mut owner_list = old_owner_list.clone();
        logic::insert(&mut owner_list, entry, now)
            .map_err(|_| EditionsTooManyRecords { account: owner, tokenId: token_id })?;

        self.write_list(FROZEN, owner, token_id, &old_owner_list, &owner_list);
        let user_index = self.append_usable(user, token_id, entry, now);
        self.last_record_id.set(U64::from(record_id));
        let record_key = U256::from(record_id);
        let words =
            RecordData { token_id, owner, amount, user, expiry, locked, user_index }.to_words();
        let mut record = self.records.setter(record_key);
        record.w0.set(words[0]);
        record.w1.set(words[1]);
        record.w2.set(words[2]);
        emit(
            stylus_ip_common::topic!(CreateUserRecord),
            &[],
            &encode::words(&[
                uint(record_key),
                uint(token_id),
                uint(U256::from(amount)),
                addr(owner),
                addr(user),
                uint(U256::from(expiry)),
            ]),
        );
        Ok(record_key)
    }

    /// ERC-5006: deletes a record, unfreezing its units at once. An expired
    /// record may be deleted by anyone (clean-up); an active one by its
    /// user, or — unless it is locked — by the owner, an approved operator
    /// or a lease operator of the owner. Allowed while paused.
    ///
    /// # Errors
    /// * [`Error::NonexistentRecord`] if `recordId` is unknown.
    /// * [`Error::LockedRecord`] if the owner side deletes a locked active
    ///   record.
    /// * [`Error::MissingApprovalForAll`] if the caller has no rights.
    ///
    /// # Events
    /// [`DeleteUserRecord`].
    sol("deleteUserRecord") fn delete_user_record(&mut self, record_id: U256) -> Result<(), Error> {
        let r = self.record(record_id)?;
        let RecordData { owner, user, expiry, locked, .. } = r;
        let caller = sender();
        let now = now();
        logic::delete_permission(caller, user, self.rights(caller, owner), locked, expiry, now)
            .map_err(|denied| -> Error {
                match denied {
                    DeleteDenied::Locked => EditionsLockedRecord { recordId: record_id, expiry }.into(),
                    DeleteDenied::Unauthorized => {
                        ERC1155MissingApprovalForAll { operator: caller, owner }.into()
                    }
                }
            })?;
        self.edit_entries(record_id, &r, now, None);
        self.records.delete(record_id);
        emit(stylus_ip_common::topic!(DeleteUserRecord), &[], uint(record_id).as_slice());
        Ok(())
    }

    /// Extends the active record `recordId` until `expiry` (a later time):
    /// how a lease operator renews a paid lease without a second record, so
    /// the units are not frozen twice and no list entry is used up. Only a
    /// lease operator of the record's owner may call this (the approval that
    /// lets it create locked records); the amount, the user and the `locked`
    /// flag are unchanged, and so are the frozen and usable balances now.
    /// Stopped by the pause, like new records.
    ///
    /// # Errors
    /// * [`Error::EnforcedPause`] while paused.
    /// * [`Error::NonexistentRecord`] if `recordId` is unknown or deleted.
    /// * [`Error::NotLeaseOperator`] if the caller is not a lease operator of
    ///   the record's owner.
    /// * [`Error::ExpiredRecord`] if the record has expired.
    /// * [`Error::InvalidRecordExtension`] if `expiry` is not after the
    ///   record's current expiry.
    /// * [`Error::LockExpiryTooFar`] if `expiry` is after now + 5 × 365 days.
    ///
    /// # Events
    /// [`UserRecordExtended`].
    sol("extendUserRecord") fn extend_user_record(&mut self, record_id: U256, expiry: u64) -> Result<(), Error> {
        self.when_not_paused()?;
        let mut r = self.record(record_id)?;
        let caller = sender();
        if !self.is_lease_operator(r.owner, caller) {
            return Err(EditionsNotLeaseOperator { operator: caller, owner: r.owner }.into());
        }
        let now = now();
        if now > r.expiry {
            return Err(EditionsExpiredRecord { recordId: record_id, expiry: r.expiry }.into());
        }
        if expiry <= r.expiry {
            return Err(EditionsInvalidRecordExtension { recordId: record_id, expiry: r.expiry, newExpiry: expiry }.into());
        }
        check_lock_expiry(expiry, now)?;
        self.edit_entries(record_id, &r, now, Some(expiry));
        r.expiry = expiry;
        self.records.setter(record_id).w2.set(r.to_words()[2]);
        emit(stylus_ip_common::topic!(UserRecordExtended), &[uint(record_id)], uint(U256::from(expiry)).as_slice());
        Ok(())
    }

    /// ERC-5006: units of `tokenId` that `account` may use now (sum of its
    /// active records as a user).
    sol("usableBalanceOf") fn usable_balance_of(&self, account: Address, token_id: U256) -> U256 {
        logic::active_amount(&self.read_list(USABLE, account, token_id), now())
    }

    /// ERC-5006: units of `tokenId` of `account` frozen now by active
    /// records (they cannot be transferred or burnt).
    sol("frozenBalanceOf") fn frozen_balance_of(&self, account: Address, token_id: U256) -> U256 {
        logic::active_amount(&self.read_list(FROZEN, account, token_id), now())
    }

    /// ERC-5006: the record `recordId` (kept after expiry until deleted).
    ///
    /// # Errors
    /// [`Error::NonexistentRecord`] if unknown or deleted.
    sol("userRecordOf") fn user_record_of(&self, record_id: U256) -> Result<UserRecord, Error> {
        let r = self.record(record_id)?;
        Ok(UserRecord {
            tokenId: r.token_id,
            owner: r.owner,
            amount: r.amount,
            user: r.user,
            expiry: r.expiry,
        })
    }

    /// Whether record `recordId` was created by a lease operator (a locked,
    /// paid lease). `false` for unknown records.
    sol("isRecordLocked") fn is_record_locked(&self, record_id: U256) -> bool {
        self.record(record_id).is_ok_and(|r| r.locked)
    }

    // ------------------------------------------------------------------
    // ERC-165
    // ------------------------------------------------------------------

    /// ERC-165: true for the ids in [`INTERFACE_IDS`].
    sol("supportsInterface") fn supports_interface(&self, interface_id: B32) -> bool {
        INTERFACE_IDS.contains(&u32::from_be_bytes(interface_id.0))
    }
}
}

/// The caller (`msg.sender`).
///
/// The free host functions are used instead of `self.vm()`: the `dyn Host`
/// vtable links every host function into the WASM.
#[allow(deprecated)]
fn sender() -> Address {
    stylus_sdk::msg::sender()
}

/// The current block timestamp (tests may override it).
#[allow(deprecated)]
fn now() -> u64 {
    #[cfg(all(test, not(feature = "export-abi")))]
    if let Some(now) = tests::mock_now() {
        return now;
    }
    stylus_sdk::block::timestamp()
}

/// Emits a log with topic 0 `signature`, the indexed `topics` and `data`.
#[allow(deprecated)]
fn emit(signature: B256, topics: &[B256], data: &[u8]) {
    let mut all = vec![signature];
    all.extend_from_slice(topics);
    // At most 4 topics by construction (signature + up to 3 indexed), the
    // only case in which `raw_log` fails.
    let _ = stylus_sdk::evm::raw_log(&all, data);
}

/// The value of a stored `uint64` (a `U64` always fits).
const fn low_u64(x: U64) -> u64 {
    x.as_limbs()[0]
}

/// Reverts with [`Error::InvalidArrayLength`] unless both arrays have the
/// same length.
fn same_length<A, B>(ids: &[A], values: &[B]) -> Result<(), Error> {
    if ids.len() != values.len() {
        return Err(ERC1155InvalidArrayLength {
            idsLength: U256::from(ids.len()),
            valuesLength: U256::from(values.len()),
        }
        .into());
    }
    Ok(())
}

/// Sets `flags[owner][operator]`, refusing the zero operator.
fn set_flag(
    flags: &mut Flags<Address>,
    owner: Address,
    operator: Address,
    value: bool,
) -> Result<(), Error> {
    if operator.is_zero() {
        return Err(ERC1155InvalidOperator { operator }.into());
    }
    flags.setter(owner).setter(operator).set(value);
    Ok(())
}

/// Validates a royalty: `Err(true)` if `bps > 10_000`, `Err(false)` if the
/// receiver is zero; otherwise the bps (then `<= 10_000`, so the low limb is
/// the whole value).
fn check_royalty(receiver: Address, bps: U96) -> Result<u64, bool> {
    if bps > U96::from(logic::FEE_DENOMINATOR) {
        return Err(true);
    }
    if receiver.is_zero() {
        return Err(false);
    }
    Ok(bps.as_limbs()[0])
}

/// Reads a stored string.
fn read_text(list: &Words) -> String {
    encode::text_string(&list.read())
}

/// Stores a string.
fn write_text(list: &mut Words, text: &str) {
    let old = list.read();
    list.write(&old, &encode::text_words(text));
}

/// Refuses a lock (a lease operator's record, or any extension) ending
/// after [`logic::max_lock_expiry`]`(now)`.
///
/// # Errors
/// [`Error::LockExpiryTooFar`].
fn check_lock_expiry(expiry: u64, now: u64) -> Result<(), Error> {
    let max = logic::max_lock_expiry(now);
    if expiry > max {
        return Err(EditionsLockExpiryTooFar {
            expiry,
            maxExpiry: max,
        }
        .into());
    }
    Ok(())
}

/// The [`Lists`] key of `account`'s `side` list (an address word with the
/// side in its otherwise zero first byte).
fn list_key(side: u8, account: Address) -> B256 {
    let mut key = account.into_word();
    key[0] = side;
    key
}

impl IpEditions {
    /// Reads the `side` list of `(account, id)`.
    fn read_list(&self, side: u8, account: Address, id: U256) -> Vec<Entry> {
        let outer = self.lists.getter(list_key(side, account));
        outer
            .getter(id)
            .read()
            .into_iter()
            .map(|w| Entry::unpack(U256::from_be_bytes(w.0)))
            .collect()
    }

    /// Writes `new` over the stored `old` `side` list of `(account, id)`.
    fn write_list(&mut self, side: u8, account: Address, id: U256, old: &[Entry], new: &[Entry]) {
        let pack = |l: &[Entry]| l.iter().map(|e| B256::from(e.pack())).collect::<Vec<_>>();
        let mut outer = self.lists.setter(list_key(side, account));
        outer.setter(id).write(&pack(old), &pack(new));
    }

    /// Rewrites the entry of record `record_id` (stored as `r`) in the
    /// owner's and the user's lists: extended to `expiry` if given (an
    /// active record is in both lists), else removed. The owner list is
    /// rewritten whole, expired entries pruned at `now`; the user list is
    /// edited at the record's own position only (O(1) whatever its length).
    fn edit_entries(&mut self, record_id: U256, r: &RecordData, now: u64, expiry: Option<u64>) {
        // Found records have u64 ids.
        let id = record_id.saturating_to::<u64>();
        let old = self.read_list(FROZEN, r.owner, r.token_id);
        let mut new = old.clone();
        match expiry {
            Some(expiry) => {
                logic::extend(&mut new, id, expiry);
            }
            None => {
                logic::remove(&mut new, id);
            }
        }
        logic::prune(&mut new, now);
        self.write_list(FROZEN, r.owner, r.token_id, &old, &new);

        let mut outer = self.lists.setter(list_key(USABLE, r.user));
        let mut list = outer.setter(r.token_id);
        let len = list.length();
        let at = r.user_index as usize;
        // The entry may have been written over since (see `append_usable`).
        if at >= len || Entry::unpack(U256::from_be_bytes(list.get(at).0)).record_id != id {
            return;
        }
        let word = match expiry {
            Some(expiry) => Entry {
                record_id: id,
                amount: r.amount,
                expiry,
            }
            .pack(),
            None => {
                // Swap-remove: the last entry moves here, and its record
                // learns its new position.
                let last = len - 1;
                let moved = list.get(last);
                list.set(last, B256::ZERO);
                list.set_len(last);
                if at == last {
                    return;
                }
                let moved_id = U256::from(Entry::unpack(U256::from_be_bytes(moved.0)).record_id);
                let mut record = self.records.setter(moved_id);
                // Positions fit a u32: see `append_usable`.
                let w1 = record.w1.get();
                record.w1.set(logic::with_user_index(w1, at as u32));
                U256::from_be_bytes(moved.0)
            }
        };
        let mut outer = self.lists.setter(list_key(USABLE, r.user));
        outer.setter(r.token_id).set(at, B256::from(word));
    }

    /// Appends `entry` to the user list of `(user, id)` in O(1), over up to
    /// two expired entries at its end ([`logic::append_index`]); returns its
    /// position. (A list would need 2^32 records, each a transaction, before
    /// positions stopped fitting a u32; they saturate rather than wrap.)
    fn append_usable(&mut self, user: Address, id: U256, entry: Entry, now: u64) -> u32 {
        let mut outer = self.lists.setter(list_key(USABLE, user));
        let mut list = outer.setter(id);
        let len = list.length();
        let tail: Vec<Entry> = (len.saturating_sub(2)..len)
            .map(|i| Entry::unpack(U256::from_be_bytes(list.get(i).0)))
            .collect();
        let at = logic::append_index(len, &tail, now);
        list.set(at, B256::from(entry.pack()));
        for i in at + 1..len {
            list.set(i, B256::ZERO);
        }
        if at + 1 != len {
            list.set_len(at + 1);
        }
        u32::try_from(at).unwrap_or(u32::MAX)
    }

    /// The stored record `record_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentRecord`] if unknown or deleted.
    fn record(&self, record_id: U256) -> Result<RecordData, Error> {
        let r = self.records.getter(record_id);
        let data = RecordData::from_words([r.w0.get(), r.w1.get(), r.w2.get()]);
        if data.owner.is_zero() {
            return Err(EditionsNonexistentRecord {
                recordId: record_id,
            }
            .into());
        }
        Ok(data)
    }

    /// Shared body of the constructor and `initialize`.
    fn init(
        &mut self,
        base_uri: String,
        owner: Address,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<(), Error> {
        if self.initialized.get() {
            return Err(InvalidInitialization {}.into());
        }
        if owner.is_zero() {
            return Err(OwnableInvalidOwner { owner }.into());
        }
        self.set_default_royalty_unchecked(royalty_receiver, royalty_bps)?;
        self.initialized.set(true);
        self.set_owner(owner);
        write_text(&mut self.token_uris.setter(U256::ZERO), &base_uri);
        emit(
            stylus_ip_common::topic!(Initialized),
            &[],
            uint(U256::from(INIT_VERSION)).as_slice(),
        );
        Ok(())
    }

    /// Sets (or with `0`/`0` deletes) the default royalty without the owner
    /// check.
    fn set_default_royalty_unchecked(&mut self, receiver: Address, bps: U96) -> Result<(), Error> {
        let stored = if receiver.is_zero() && bps.is_zero() {
            0
        } else {
            check_royalty(receiver, bps).map_err(|bad_bps| -> Error {
                match bad_bps {
                    true => ERC2981InvalidDefaultRoyalty {
                        numerator: U256::from(bps),
                        denominator: U256::from(logic::FEE_DENOMINATOR),
                    }
                    .into(),
                    false => ERC2981InvalidDefaultRoyaltyReceiver { receiver }.into(),
                }
            })?
        };
        let mut default = self.royalties.setter(U256::ZERO);
        default.receiver.set(receiver);
        default.bps.set(U64::from(stored));
        Ok(())
    }

    /// Makes `new_owner` the owner (clearing any pending transfer).
    fn set_owner(&mut self, new_owner: Address) {
        let previous = self.owner.get();
        self.owner.set(new_owner);
        self.pending_owner.set(Address::ZERO);
        emit(
            stylus_ip_common::topic!(OwnershipTransferred),
            &[addr(previous), addr(new_owner)],
            &[],
        );
    }

    /// Reverts with [`Error::UnauthorizedAccount`] unless the caller is the
    /// owner; returns the owner.
    fn only_owner(&self) -> Result<Address, Error> {
        let caller = sender();
        if caller != self.owner.get() {
            return Err(OwnableUnauthorizedAccount { account: caller }.into());
        }
        Ok(caller)
    }

    /// The owner passes every role check; others need the role.
    fn only_role(&self, role: B256) -> Result<(), Error> {
        let caller = sender();
        if caller == self.owner.get() || self.has_role(role, caller) {
            return Ok(());
        }
        Err(AccessControlUnauthorizedAccount {
            account: caller,
            neededRole: role,
        }
        .into())
    }

    /// Grants or revokes `role`, emitting an event only on change.
    fn set_role(&mut self, role: B256, account: Address, granted: bool) {
        if self.has_role(role, account) == granted {
            return;
        }
        self.roles.setter(role).setter(account).set(granted);
        let signature = if granted {
            stylus_ip_common::topic!(RoleGranted)
        } else {
            stylus_ip_common::topic!(RoleRevoked)
        };
        emit(signature, &[role, addr(account), addr(sender())], &[]);
    }

    /// Reverts with [`Error::EnforcedPause`] while paused.
    fn when_not_paused(&self) -> Result<(), Error> {
        if self.paused.get() {
            return Err(EnforcedPause {}.into());
        }
        Ok(())
    }

    /// Reverts with [`Error::NonexistentEdition`] unless `1 <= id <= lastId`.
    fn require_edition(&self, id: U256) -> Result<(), Error> {
        if id.is_zero() || id > self.last_id.get() {
            return Err(EditionsNonexistentEdition { id }.into());
        }
        Ok(())
    }

    /// What `caller` may do with `owner`'s tokens.
    fn rights(&self, caller: Address, owner: Address) -> CallerRights {
        CallerRights {
            is_owner: caller == owner,
            is_approved: self.is_approved_for_all(owner, caller),
            is_lease_operator: self.is_lease_operator(owner, caller),
        }
    }

    /// Checks pause, the caller's approval over `from`, the array lengths
    /// and that debiting `values` of `ids` leaves every frozen unit in place
    /// (repeated ids are summed).
    fn check_debit(&self, from: Address, ids: &[U256], values: &[U256]) -> Result<(), Error> {
        self.when_not_paused()?;
        let caller = sender();
        if caller != from && !self.is_approved_for_all(from, caller) {
            return Err(ERC1155MissingApprovalForAll {
                operator: caller,
                owner: from,
            }
            .into());
        }
        same_length(ids, values)?;
        let totals = logic::aggregate(ids, values).map_err(|id| ERC1155InsufficientBalance {
            sender: from,
            balance: self.balance_of(from, id),
            needed: U256::MAX,
            tokenId: id,
        })?;
        let now = now();
        for (id, value) in totals {
            let frozen = logic::active_amount(&self.read_list(FROZEN, from, id), now);
            if frozen.is_zero() {
                // Nothing frozen: the plain balance check applies.
                continue;
            }
            let available = logic::available(self.balance_of(from, id), frozen);
            if value > available {
                return Err(EditionsInsufficientUnfrozenBalance {
                    owner: from,
                    tokenId: id,
                    available,
                    needed: value,
                }
                .into());
            }
        }
        Ok(())
    }

    /// Shared body of `safeTransferFrom` and `safeBatchTransferFrom`.
    fn transfer(
        &mut self,
        from: Address,
        to: Address,
        ids: &[U256],
        values: &[U256],
        data: &[u8],
    ) -> Result<(), Error> {
        self.check_debit(from, ids, values)?;
        if to.is_zero() {
            return Err(ERC1155InvalidReceiver { receiver: to }.into());
        }
        self.update(from, to, ids, values)?;
        self.check_received(from, to, ids, values, data)
    }

    /// Shared body of `burn` and `burnBatch`.
    fn do_burn(&mut self, account: Address, ids: &[U256], values: &[U256]) -> Result<(), Error> {
        self.check_debit(account, ids, values)?;
        self.update(account, Address::ZERO, ids, values)?;
        for (&id, &value) in ids.iter().zip(values) {
            let mut edition = self.editions.setter(id);
            // value <= balance <= supply (the debit succeeded).
            let left = edition.total_supply.get().saturating_sub(value);
            edition.total_supply.set(left);
        }
        Ok(())
    }

    /// Shared body of `mint` and `mintBatch`.
    fn do_mint(
        &mut self,
        to: Address,
        ids: &[U256],
        amounts: &[U256],
        data: &[u8],
    ) -> Result<(), Error> {
        self.when_not_paused()?;
        self.only_role(MINTER_ROLE)?;
        same_length(ids, amounts)?;
        if to.is_zero() {
            return Err(ERC1155InvalidReceiver { receiver: to }.into());
        }
        let totals = logic::aggregate(ids, amounts).map_err(|id| EditionsMaxSupplyExceeded {
            id,
            // MAX - x cannot wrap.
            available: U256::MAX.saturating_sub(self.total_supply(id)),
            amount: U256::MAX,
        })?;
        for (id, amount) in totals {
            self.require_edition(id)?;
            let mut edition = self.editions.setter(id);
            let supply = edition.total_supply.get();
            let max = edition.max_supply.get();
            let cap = if max.is_zero() { U256::MAX } else { max };
            match supply.checked_add(amount) {
                Some(new) if new <= cap => edition.total_supply.set(new),
                // supply <= cap always holds, so the subtraction cannot wrap.
                _ => {
                    return Err(EditionsMaxSupplyExceeded {
                        id,
                        available: cap.saturating_sub(supply),
                        amount,
                    }
                    .into())
                }
            }
        }
        self.update(Address::ZERO, to, ids, amounts)?;
        self.check_received(Address::ZERO, to, ids, amounts, data)
    }

    /// Moves balances (`from`/`to` zero for mints/burns) and emits the
    /// transfer event. The caller has checked lengths and, for mints, the
    /// supply (so no balance can overflow: balances sum to the supply).
    fn update(
        &mut self,
        from: Address,
        to: Address,
        ids: &[U256],
        values: &[U256],
    ) -> Result<(), Error> {
        for (&id, &value) in ids.iter().zip(values) {
            let mut balances = self.balances.setter(id);
            if !from.is_zero() {
                let balance = balances.get(from);
                let Some(left) = balance.checked_sub(value) else {
                    return Err(ERC1155InsufficientBalance {
                        sender: from,
                        balance,
                        needed: value,
                        tokenId: id,
                    }
                    .into());
                };
                balances.setter(from).set(left);
            }
            if !to.is_zero() {
                let balance = balances.get(to);
                // Unreachable (balances sum to the checked supply).
                balances.setter(to).set(balance.saturating_add(value));
            }
        }
        let topics = [addr(sender()), addr(from), addr(to)];
        if let ([id], [value]) = (ids, values) {
            emit(
                stylus_ip_common::topic!(TransferSingle),
                &topics,
                &encode::words(&[uint(*id), uint(*value)]),
            );
        } else {
            emit(
                stylus_ip_common::topic!(TransferBatch),
                &topics,
                &encode::two_arrays(ids, values),
            );
        }
        Ok(())
    }

    /// ERC-1155 acceptance check, as OpenZeppelin's Solidity
    /// `ERC1155Utils`: a contract `to` must return the receiver selector; a
    /// revert with data is re-thrown, anything else is
    /// [`Error::InvalidReceiver`]. Accounts without code always accept.
    #[allow(deprecated)] // stylus-sdk 0.9's `has_code`, as OpenZeppelin 0.3 uses.
    fn check_received(
        &mut self,
        from: Address,
        to: Address,
        ids: &[U256],
        values: &[U256],
        data: &[u8],
    ) -> Result<(), Error> {
        if !to.has_code() {
            return Ok(());
        }
        let operator = sender();
        let (calldata, selector) = match (ids, values) {
            ([id], [value]) => (
                encode::on_received(operator, from, *id, *value, data),
                encode::ON_RECEIVED,
            ),
            _ => (
                encode::on_batch_received(operator, from, ids, values, data),
                encode::ON_BATCH_RECEIVED,
            ),
        };
        // SAFETY: no storage reference is alive across the call, and the
        // storage cache is cleared first so the receiver (and anything it
        // calls) sees this call's writes. Reentrancy into this contract is
        // refused by the SDK's entrypoint.
        let result = unsafe { RawCall::new().clear_storage_cache().call(to, &calldata) };
        match result {
            Ok(ret) if encode::accepts(&ret, selector) => Ok(()),
            #[cfg(not(feature = "export-abi"))]
            Err(reason) if !reason.is_empty() => Err(Error::ReceiverRevert(ReceiverRevert(reason))),
            _ => Err(ERC1155InvalidReceiver { receiver: to }.into()),
        }
    }
}
