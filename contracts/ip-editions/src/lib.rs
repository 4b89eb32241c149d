//! IP asset packs (ERC-1155): editions, supply, royalties and timed user
//! records.
//!
//! Studios sell AI-generated asset packs and editions (game items, texture
//! packs, prints) as ERC-1155 ids of one [`IpEditions`] contract and lease
//! units of them for a time.
//!
//! * **ERC-1155** through OpenZeppelin's `Erc1155`, plus per-id supply
//!   (`totalSupply`, `exists`), per-id or base (`{id}`) URIs, burns, and
//!   ERC-165 for 165, 1155, 1155MetadataURI, 2981, 5006 and 4906.
//! * **Editions**: a minter creates an id with `createId(maxSupply, uri,
//!   royaltyReceiver, royaltyBps)` and mints up to `maxSupply` units of it
//!   (`0` = open edition).
//! * **EIP-2981** royalties through OpenZeppelin's `Erc2981`: a default set
//!   at deployment and a per-id royalty set when the id is created.
//!   `royaltyInfo` never panics (exact maths for every sale price).
//! * **ERC-5006 user records**: an owner (or an approved operator, or a
//!   *lease operator* the owner approved for leases only) lends `amount`
//!   units to a user until `expiry`. Those units are *frozen*: transfers
//!   and burns of frozen units revert, and they become movable again by
//!   themselves once the record expires. A record created by a lease
//!   operator is a paid lease: the owner side cannot delete it before it
//!   expires (the user may renounce it). The maths lives in [`logic`].
//! * **Roles**: an owner (two-step transfer) who manages minters and
//!   metadata updaters and can pause transfers, burns, mints and new
//!   records (never views, never expiry).
//! * **Deployment**: directly (the constructor) or as a clone/proxy of one
//!   activated implementation ([`IpEditions::initialize`], runs once; the
//!   constructor and the initializer share the same once-only guard).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

pub mod logic;
#[cfg(test)]
mod tests;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{
    aliases::{B32, U64, U96},
    b256, Address, B256, U256,
};
use openzeppelin_stylus::{
    access::{
        control::{self, AccessControl, IAccessControl},
        ownable,
        ownable_two_step::{IOwnable2Step, Ownable2Step},
    },
    token::{
        common::erc2981::{self, Erc2981, IErc2981},
        erc1155::{
            self,
            extensions::{Erc1155MetadataUri, IErc1155MetadataUri},
            Erc1155, IErc1155,
        },
    },
    utils::{introspection::erc165::IErc165, pausable, IPausable, Pausable},
};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageMap, StorageString, StorageU256, StorageU64, StorageVec,
    },
};

use crate::logic::{CallerRights, DeleteDenied, Entry};

stylus_ip_common::sol_decls! {
    /// An ERC-5006 user record: `amount` units of `tokenId` owned by
    /// `owner` that `user` may use until `expiry` (inclusive).
    #[derive(AbiType)]
    struct UserRecord {
        uint256 tokenId;
        address owner;
        uint64 amount;
        address user;
        uint64 expiry;
    }

    /// `sender` holds only `balance` units of `tokenId`, `needed` were asked.
    error ERC1155InsufficientBalance(address sender, uint256 balance, uint256 needed, uint256 tokenId);
    /// Tokens cannot come from `sender` (the zero address).
    error ERC1155InvalidSender(address sender);
    /// Tokens cannot go to `receiver` (zero address or a receiver contract
    /// that rejected them).
    error ERC1155InvalidReceiver(address receiver);
    /// `operator` is neither `owner` nor approved by it.
    error ERC1155MissingApprovalForAll(address operator, address owner);
    /// Invalid approver (the zero address).
    error ERC1155InvalidApprover(address approver);
    /// Invalid operator (the zero address).
    error ERC1155InvalidOperator(address operator);
    /// The `ids` and `values` arrays differ in length.
    error ERC1155InvalidArrayLength(uint256 idsLength, uint256 valuesLength);
    /// The receiver contract reverted with `reason`.
    error InvalidReceiverWithReason(string reason);
    /// The default royalty is above 100 %.
    error ERC2981InvalidDefaultRoyalty(uint256 numerator, uint256 denominator);
    /// The default royalty receiver is the zero address.
    error ERC2981InvalidDefaultRoyaltyReceiver(address receiver);
    /// The royalty of `tokenId` is above 100 %.
    error ERC2981InvalidTokenRoyalty(uint256 tokenId, uint256 numerator, uint256 denominator);
    /// The royalty receiver of `tokenId` is the zero address.
    error ERC2981InvalidTokenRoyaltyReceiver(uint256 tokenId, address receiver);
    /// `account` is not the owner.
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
    error NonexistentEdition(uint256 id);
    /// Only `available` more units of `id` can be minted before its maximum
    /// supply (`2^256-1` for an open edition); `amount` were asked.
    error MaxSupplyExceeded(uint256 id, uint256 available, uint256 amount);
    /// A user record cannot be given to `user` (the zero address).
    error InvalidRecordUser(address user);
    /// A user record must cover at least one unit.
    error InvalidRecordAmount();
    /// A user record's `expiry` must be after the current `timestamp`.
    error InvalidRecordExpiry(uint64 expiry, uint64 timestamp);
    /// User record `recordId` does not exist.
    error NonexistentRecord(uint256 recordId);
    /// `account` already has the maximum number of active records for
    /// `tokenId`.
    error TooManyRecords(address account, uint256 tokenId);
    /// Only `available` units of `tokenId` of `owner` are not frozen by
    /// active user records; `needed` were asked.
    error InsufficientUnfrozenBalance(address owner, uint256 tokenId, uint256 available, uint256 needed);
    /// Record `recordId` was created by a lease operator and only its user
    /// may end it before `expiry`.
    error LockedRecord(uint256 recordId, uint64 expiry);

    /// ERC-5006: a user record was created.
    event CreateUserRecord(uint256 recordId, uint256 tokenId, uint64 amount, address owner, address user, uint64 expiry);
    /// ERC-5006: a user record was deleted.
    event DeleteUserRecord(uint256 recordId);
    /// `owner` approved or revoked `operator` as a lease operator.
    event LeaseOperatorSet(address indexed owner, address indexed operator, bool approved);
    /// ERC-4906: the metadata of `_tokenId` changed.
    event MetadataUpdate(uint256 _tokenId);
    /// ERC-4906: the metadata of a range of ids changed.
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);
    /// ERC-1155: the URI of `id` changed to `value`.
    event URI(string value, uint256 indexed id);
    /// Edition `id` was created.
    event EditionCreated(uint256 indexed id, uint256 maxSupply, address royaltyReceiver, uint96 royaltyBps);
    /// The contract was initialized (constructor or `initialize`).
    event Initialized(uint64 version);
    // Emitted by the OpenZeppelin components (same signatures, listed for the ABI).
    /// ERC-1155 single transfer, mint or burn.
    event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value);
    /// ERC-1155 batch transfer, mint or burn.
    event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values);
    /// ERC-1155 operator approval changed.
    event ApprovalForAll(address indexed account, address indexed operator, bool approved);
    /// Ownership changed.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// A two-step ownership transfer started.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// `account` was granted `role`.
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    /// `role` was revoked from `account`.
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
    /// The contract was paused.
    event Paused(address account);
    /// The contract was unpaused.
    event Unpaused(address account);
}

/// `keccak256("MINTER_ROLE")`: may create editions and mint.
pub const MINTER_ROLE: B256 =
    b256!("9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6");
/// `keccak256("METADATA_UPDATER_ROLE")`: may change URIs.
pub const METADATA_UPDATER_ROLE: B256 =
    b256!("7f5260842512b02356ff92de24be96e7e1aac2e234d9371b076ac2b4cddda61e");
/// ERC-5006 interface id (XOR of its five function selectors).
pub const ERC5006_INTERFACE_ID: u32 = 0xc26d_96cc;
/// ERC-4906 interface id (fixed by the standard).
pub const ERC4906_INTERFACE_ID: u32 = 0x4906_4906;
/// Version reported by the [`Initialized`] event.
pub const INIT_VERSION: u64 = 1;

/// Errors of [`IpEditions`] (one Solidity error each).
#[derive(SolidityError, Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub enum Error {
    /// See [`ERC1155InsufficientBalance`].
    InsufficientBalance(ERC1155InsufficientBalance),
    /// See [`ERC1155InvalidSender`].
    InvalidSender(ERC1155InvalidSender),
    /// See [`ERC1155InvalidReceiver`].
    InvalidReceiver(ERC1155InvalidReceiver),
    /// See [`InvalidReceiverWithReason`].
    InvalidReceiverWithReason(InvalidReceiverWithReason),
    /// See [`ERC1155MissingApprovalForAll`].
    MissingApprovalForAll(ERC1155MissingApprovalForAll),
    /// See [`ERC1155InvalidApprover`].
    InvalidApprover(ERC1155InvalidApprover),
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
    /// See [`NonexistentEdition`].
    NonexistentEdition(NonexistentEdition),
    /// See [`MaxSupplyExceeded`].
    MaxSupplyExceeded(MaxSupplyExceeded),
    /// See [`InvalidRecordUser`].
    InvalidRecordUser(InvalidRecordUser),
    /// See [`InvalidRecordAmount`].
    InvalidRecordAmount(InvalidRecordAmount),
    /// See [`InvalidRecordExpiry`].
    InvalidRecordExpiry(InvalidRecordExpiry),
    /// See [`NonexistentRecord`].
    NonexistentRecord(NonexistentRecord),
    /// See [`TooManyRecords`].
    TooManyRecords(TooManyRecords),
    /// See [`InsufficientUnfrozenBalance`].
    InsufficientUnfrozenBalance(InsufficientUnfrozenBalance),
    /// See [`LockedRecord`].
    LockedRecord(LockedRecord),
}

impl From<erc1155::Error> for Error {
    fn from(e: erc1155::Error) -> Self {
        use erc1155::Error as E;
        match e {
            E::InsufficientBalance(e) => ERC1155InsufficientBalance {
                sender: e.sender,
                balance: e.balance,
                needed: e.needed,
                tokenId: e.token_id,
            }
            .into(),
            E::InvalidSender(e) => ERC1155InvalidSender { sender: e.sender }.into(),
            E::InvalidReceiver(e) => ERC1155InvalidReceiver {
                receiver: e.receiver,
            }
            .into(),
            E::InvalidReceiverWithReason(e) => {
                InvalidReceiverWithReason { reason: e.reason }.into()
            }
            E::MissingApprovalForAll(e) => ERC1155MissingApprovalForAll {
                operator: e.operator,
                owner: e.owner,
            }
            .into(),
            E::InvalidApprover(e) => ERC1155InvalidApprover {
                approver: e.approver,
            }
            .into(),
            E::InvalidOperator(e) => ERC1155InvalidOperator {
                operator: e.operator,
            }
            .into(),
            E::InvalidArrayLength(e) => ERC1155InvalidArrayLength {
                idsLength: e.ids_length,
                valuesLength: e.values_length,
            }
            .into(),
        }
    }
}

impl From<erc2981::Error> for Error {
    fn from(e: erc2981::Error) -> Self {
        use erc2981::Error as E;
        match e {
            E::InvalidDefaultRoyalty(e) => ERC2981InvalidDefaultRoyalty {
                numerator: e.numerator,
                denominator: e.denominator,
            }
            .into(),
            E::InvalidDefaultRoyaltyReceiver(e) => ERC2981InvalidDefaultRoyaltyReceiver {
                receiver: e.receiver,
            }
            .into(),
            E::InvalidTokenRoyalty(e) => ERC2981InvalidTokenRoyalty {
                tokenId: e.token_id,
                numerator: e.numerator,
                denominator: e.denominator,
            }
            .into(),
            E::InvalidTokenRoyaltyReceiver(e) => ERC2981InvalidTokenRoyaltyReceiver {
                tokenId: e.token_id,
                receiver: e.receiver,
            }
            .into(),
        }
    }
}

impl From<ownable::Error> for Error {
    fn from(e: ownable::Error) -> Self {
        match e {
            ownable::Error::UnauthorizedAccount(e) => {
                OwnableUnauthorizedAccount { account: e.account }.into()
            }
            ownable::Error::InvalidOwner(e) => OwnableInvalidOwner { owner: e.owner }.into(),
        }
    }
}

impl From<control::Error> for Error {
    fn from(e: control::Error) -> Self {
        match e {
            control::Error::UnauthorizedAccount(e) => AccessControlUnauthorizedAccount {
                account: e.account,
                neededRole: e.needed_role,
            }
            .into(),
            control::Error::BadConfirmation(_) => AccessControlBadConfirmation {}.into(),
        }
    }
}

impl From<pausable::Error> for Error {
    fn from(e: pausable::Error) -> Self {
        match e {
            pausable::Error::EnforcedPause(_) => EnforcedPause {}.into(),
            pausable::Error::ExpectedPause(_) => ExpectedPause {}.into(),
        }
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

/// A stored user record (three slots: id; owner+amount; user+expiry+locked).
#[storage]
#[derive(Erase)]
struct Record {
    token_id: StorageU256,
    owner: StorageAddress,
    amount: StorageU64,
    user: StorageAddress,
    expiry: StorageU64,
    locked: StorageBool,
}

/// Per-`(account, id)` bounded lists of packed [`Entry`]s.
type Lists = StorageMap<Address, StorageMap<U256, StorageVec<StorageU256>>>;

/// The IP editions contract (ERC-1155 + 2981 + 5006 + 4906).
#[entrypoint]
#[storage]
pub struct IpEditions {
    erc1155: Erc1155,
    erc2981: Erc2981,
    ownable: Ownable2Step,
    roles: AccessControl,
    pausable: Pausable,
    initialized: StorageBool,
    base_uri: StorageString,
    token_uris: StorageMap<U256, StorageString>,
    editions: StorageMap<U256, Edition>,
    last_id: StorageU256,
    records: StorageMap<U256, Record>,
    last_record_id: StorageU64,
    /// Owner side: active records freezing the owner's units.
    frozen: Lists,
    /// User side: active records the user may use.
    usable: Lists,
    lease_operators: StorageMap<Address, StorageMap<Address, StorageBool>>,
}

#[public]
impl IpEditions {
    /// Direct deployment: same as [`IpEditions::initialize`].
    ///
    /// # Errors
    /// As [`IpEditions::initialize`].
    #[constructor]
    pub fn constructor(
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
    /// owner, the fee denominator (10,000) and the default royalty
    /// (`royaltyReceiver = 0` and `royaltyBps = 0` means none).
    ///
    /// # Errors
    /// * [`Error::InvalidInitialization`] if already initialized.
    /// * [`Error::InvalidOwner`] if `owner` is zero.
    /// * [`Error::InvalidDefaultRoyalty`] if `royaltyBps > 10_000`.
    /// * [`Error::InvalidDefaultRoyaltyReceiver`] if only the receiver is zero.
    ///
    /// # Events
    /// [`OwnershipTransferred`], [`Initialized`].
    pub fn initialize(
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
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// The account a two-step ownership transfer is waiting for.
    pub fn pending_owner(&self) -> Address {
        self.ownable.pending_owner()
    }

    /// Starts a two-step ownership transfer (owner only); `newOwner` must
    /// call [`IpEditions::accept_ownership`].
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`OwnershipTransferStarted`].
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.ownable.transfer_ownership(new_owner)?)
    }

    /// Completes a two-step ownership transfer (pending owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the pending owner.
    ///
    /// # Events
    /// [`OwnershipTransferred`].
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(self.ownable.accept_ownership()?)
    }

    /// Leaves the contract without owner (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`OwnershipTransferred`].
    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        Ok(self.ownable.renounce_ownership()?)
    }

    /// Role id of minters ([`MINTER_ROLE`]).
    #[selector(name = "MINTER_ROLE")]
    pub fn minter_role(&self) -> B256 {
        MINTER_ROLE
    }

    /// Role id of metadata updaters ([`METADATA_UPDATER_ROLE`]).
    #[selector(name = "METADATA_UPDATER_ROLE")]
    pub fn metadata_updater_role(&self) -> B256 {
        METADATA_UPDATER_ROLE
    }

    /// Whether `account` holds `role` (the owner implicitly holds every
    /// role but is not reported here).
    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.has_role(role, account)
    }

    /// Grants `role` to `account` (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`RoleGranted`] if `account` did not hold the role.
    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        self.roles._grant_role(role, account);
        Ok(())
    }

    /// Revokes `role` from `account` (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] if the caller is not the owner.
    ///
    /// # Events
    /// [`RoleRevoked`] if `account` held the role.
    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        self.roles._revoke_role(role, account);
        Ok(())
    }

    /// Gives up `role` (the caller must pass its own address).
    ///
    /// # Errors
    /// [`Error::BadConfirmation`] if `confirmation` is not the caller.
    ///
    /// # Events
    /// [`RoleRevoked`] if the caller held the role.
    pub fn renounce_role(&mut self, role: B256, confirmation: Address) -> Result<(), Error> {
        Ok(self.roles.renounce_role(role, confirmation)?)
    }

    /// Whether transfers, burns, mints and new records are paused.
    pub fn paused(&self) -> bool {
        self.pausable.paused()
    }

    /// Pauses transfers, burns, mints and record creation (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::EnforcedPause`] if paused.
    ///
    /// # Events
    /// [`Paused`].
    pub fn pause(&mut self) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        Ok(self.pausable.pause()?)
    }

    /// Lifts the pause (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::ExpectedPause`] if not paused.
    ///
    /// # Events
    /// [`Unpaused`].
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        Ok(self.pausable.unpause()?)
    }

    // ------------------------------------------------------------------
    // ERC-1155
    // ------------------------------------------------------------------

    /// Units of `id` held by `account` (frozen units included).
    pub fn balance_of(&self, account: Address, id: U256) -> U256 {
        self.erc1155.balance_of(account, id)
    }

    /// Batched [`IpEditions::balance_of`].
    ///
    /// # Errors
    /// [`Error::InvalidArrayLength`] if the arrays differ in length.
    pub fn balance_of_batch(
        &self,
        accounts: Vec<Address>,
        ids: Vec<U256>,
    ) -> Result<Vec<U256>, Error> {
        Ok(self.erc1155.balance_of_batch(accounts, ids)?)
    }

    /// Approves or revokes `operator` for all of the caller's tokens.
    ///
    /// # Errors
    /// [`Error::InvalidOperator`] if `operator` is zero.
    ///
    /// # Events
    /// [`ApprovalForAll`].
    pub fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Error> {
        Ok(self.erc1155.set_approval_for_all(operator, approved)?)
    }

    /// Whether `operator` may move all of `account`'s tokens.
    pub fn is_approved_for_all(&self, account: Address, operator: Address) -> bool {
        self.erc1155.is_approved_for_all(account, operator)
    }

    /// Transfers `value` units of `id`; a contract `to` must accept them
    /// (`onERC1155Received`). Frozen units cannot move.
    ///
    /// # Errors
    /// * [`Error::EnforcedPause`] while paused.
    /// * [`Error::MissingApprovalForAll`] if the caller is neither `from`
    ///   nor approved by it.
    /// * [`Error::InsufficientUnfrozenBalance`] if `value` exceeds the units
    ///   not frozen by active user records.
    /// * [`Error::InsufficientBalance`], [`Error::InvalidReceiver`],
    ///   [`Error::InvalidReceiverWithReason`], [`Error::InvalidSender`] as
    ///   OpenZeppelin's ERC-1155.
    ///
    /// # Events
    /// [`TransferSingle`].
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
        value: U256,
        data: Bytes,
    ) -> Result<(), Error> {
        self.check_debit(from, &[id], &[value])?;
        Ok(self.erc1155.safe_transfer_from(from, to, id, value, data)?)
    }

    /// Batched [`IpEditions::safe_transfer_from`] (`onERC1155BatchReceived`
    /// for contract receivers). Repeated ids are checked on their total.
    ///
    /// # Errors
    /// As [`IpEditions::safe_transfer_from`], plus
    /// [`Error::InvalidArrayLength`].
    ///
    /// # Events
    /// [`TransferBatch`] ([`TransferSingle`] for one element).
    pub fn safe_batch_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        ids: Vec<U256>,
        values: Vec<U256>,
        data: Bytes,
    ) -> Result<(), Error> {
        self.check_debit(from, &ids, &values)?;
        Ok(self
            .erc1155
            .safe_batch_transfer_from(from, to, ids, values, data)?)
    }

    /// Burns `value` units of `id` from `account` (the caller or an account
    /// that approved it). Frozen units cannot be burnt.
    ///
    /// # Errors
    /// [`Error::EnforcedPause`], [`Error::MissingApprovalForAll`],
    /// [`Error::InsufficientUnfrozenBalance`], [`Error::InsufficientBalance`],
    /// [`Error::InvalidSender`].
    ///
    /// # Events
    /// [`TransferSingle`] to the zero address.
    pub fn burn(&mut self, account: Address, id: U256, value: U256) -> Result<(), Error> {
        self.do_burn(account, vec![id], vec![value])
    }

    /// Batched [`IpEditions::burn`].
    ///
    /// # Errors
    /// As [`IpEditions::burn`], plus [`Error::InvalidArrayLength`].
    ///
    /// # Events
    /// [`TransferBatch`] to the zero address ([`TransferSingle`] for one
    /// element).
    pub fn burn_batch(
        &mut self,
        account: Address,
        ids: Vec<U256>,
        values: Vec<U256>,
    ) -> Result<(), Error> {
        self.do_burn(account, ids, values)
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
    pub fn create_id(
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
            self.erc2981
                ._set_token_royalty(id, royalty_receiver, royalty_bps)?;
        }
        self.last_id.set(id);
        self.editions.setter(id).max_supply.set(max_supply);
        if !uri.is_empty() {
            self.token_uris.setter(id).set_str(&uri);
            emit(URI { value: uri, id });
        }
        emit(EditionCreated {
            id,
            maxSupply: max_supply,
            royaltyReceiver: royalty_receiver,
            royaltyBps: royalty_bps,
        });
        Ok(id)
    }

    /// Mints `amount` units of edition `id` to `to` (minter role or owner).
    ///
    /// # Errors
    /// * [`Error::EnforcedPause`], [`Error::MissingRole`].
    /// * [`Error::NonexistentEdition`] if `id` was not created.
    /// * [`Error::MaxSupplyExceeded`] if the supply would exceed the maximum.
    /// * [`Error::InvalidReceiver`], [`Error::InvalidReceiverWithReason`]
    ///   for the zero address or a rejecting receiver contract.
    ///
    /// # Events
    /// [`TransferSingle`] from the zero address.
    pub fn mint(&mut self, to: Address, id: U256, amount: U256, data: Bytes) -> Result<(), Error> {
        self.do_mint(to, vec![id], vec![amount], data)
    }

    /// Batched [`IpEditions::mint`] (repeated ids count on their total).
    ///
    /// # Errors
    /// As [`IpEditions::mint`], plus [`Error::InvalidArrayLength`].
    ///
    /// # Events
    /// [`TransferBatch`] from the zero address ([`TransferSingle`] for one
    /// element).
    pub fn mint_batch(
        &mut self,
        to: Address,
        ids: Vec<U256>,
        amounts: Vec<U256>,
        data: Bytes,
    ) -> Result<(), Error> {
        self.do_mint(to, ids, amounts, data)
    }

    /// Units of `id` in circulation.
    pub fn total_supply(&self, id: U256) -> U256 {
        self.editions.getter(id).total_supply.get()
    }

    /// Whether any unit of `id` is in circulation.
    pub fn exists(&self, id: U256) -> bool {
        !self.total_supply(id).is_zero()
    }

    /// Maximum supply of `id` (`0` = open edition or not created).
    pub fn max_supply(&self, id: U256) -> U256 {
        self.editions.getter(id).max_supply.get()
    }

    /// The last edition id created (`0` if none).
    pub fn last_id(&self) -> U256 {
        self.last_id.get()
    }

    /// ERC-1155 metadata URI of `id`: its own URI if set, otherwise the
    /// base URI (in which clients replace `{id}`).
    pub fn uri(&self, id: U256) -> String {
        let own = self.token_uris.getter(id).get_string();
        if own.is_empty() {
            self.base_uri.get_string()
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
    #[selector(name = "setURI")]
    pub fn set_uri(&mut self, id: U256, uri: String) -> Result<(), Error> {
        self.only_role(METADATA_UPDATER_ROLE)?;
        self.require_edition(id)?;
        self.token_uris.setter(id).set_str(&uri);
        emit(URI {
            value: self.uri(id),
            id,
        });
        emit(MetadataUpdate { _tokenId: id });
        Ok(())
    }

    /// Sets the base URI (metadata updater role or owner).
    ///
    /// # Errors
    /// [`Error::MissingRole`].
    ///
    /// # Events
    /// [`BatchMetadataUpdate`] over every id (`0` to `2^256-1`).
    #[selector(name = "setBaseURI")]
    pub fn set_base_uri(&mut self, uri: String) -> Result<(), Error> {
        self.only_role(METADATA_UPDATER_ROLE)?;
        self.base_uri.set_str(&uri);
        emit(BatchMetadataUpdate {
            _fromTokenId: U256::ZERO,
            _toTokenId: U256::MAX,
        });
        Ok(())
    }

    // ------------------------------------------------------------------
    // EIP-2981
    // ------------------------------------------------------------------

    /// Royalty receiver and amount for a sale of `id` at `salePrice`: the
    /// id's royalty if set at creation, else the default. Exact
    /// `floor(salePrice * bps / 10_000)` for every price; never reverts.
    pub fn royalty_info(&self, id: U256, sale_price: U256) -> (Address, U256) {
        let denominator = self.erc2981._fee_denominator();
        if denominator.is_zero() {
            // Uninitialized clone: OZ would divide by zero.
            return (Address::ZERO, U256::ZERO);
        }
        // With a sale price equal to the denominator, OZ returns exactly the
        // fraction (no overflow: both are <= 2^96).
        let (receiver, bps) = self.erc2981.royalty_info(id, U256::from(denominator));
        (
            receiver,
            logic::royalty_amount(sale_price, bps.saturating_to::<u64>()),
        )
    }

    /// Sets the default royalty (owner only); `0`/`0` removes it.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::InvalidDefaultRoyalty`],
    /// [`Error::InvalidDefaultRoyaltyReceiver`].
    pub fn set_default_royalty(&mut self, receiver: Address, bps: U96) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
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
    pub fn set_lease_operator(&mut self, operator: Address, approved: bool) -> Result<(), Error> {
        if operator.is_zero() {
            return Err(ERC1155InvalidOperator { operator }.into());
        }
        let owner = sender();
        self.lease_operators
            .setter(owner)
            .setter(operator)
            .set(approved);
        emit(LeaseOperatorSet {
            owner,
            operator,
            approved,
        });
        Ok(())
    }

    /// Whether `operator` is a lease operator of `owner`.
    pub fn is_lease_operator(&self, owner: Address, operator: Address) -> bool {
        self.lease_operators.getter(owner).getter(operator).get()
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
    /// * [`Error::TooManyRecords`] if the owner's or the user's list for
    ///   `tokenId` already holds the maximum of active records.
    ///
    /// # Events
    /// [`CreateUserRecord`].
    pub fn create_user_record(
        &mut self,
        owner: Address,
        user: Address,
        token_id: U256,
        amount: u64,
        expiry: u64,
    ) -> Result<U256, Error> {
        self.pausable.when_not_paused()?;
        let caller = sender();
        let Some(locked) = logic::create_permission(self.rights(caller, owner)) else {
            return Err(ERC1155MissingApprovalForAll {
                operator: caller,
                owner,
            }
            .into());
        };
        if user.is_zero() {
            return Err(InvalidRecordUser { user }.into());
        }
        if amount == 0 {
            return Err(InvalidRecordAmount {}.into());
        }
        let now = self.now();
        if expiry <= now {
            return Err(InvalidRecordExpiry {
                expiry,
                timestamp: now,
            }
            .into());
        }
        let old_owner_list = read_list(&self.frozen, owner, token_id);
        let balance = self.erc1155.balance_of(owner, token_id);
        let available = logic::available(balance, logic::active_amount(&old_owner_list, now));
        if U256::from(amount) > available {
            return Err(InsufficientUnfrozenBalance {
                owner,
                tokenId: token_id,
                available,
                needed: U256::from(amount),
            }
            .into());
        }
        let record_id = low_u64(self.last_record_id.get());
        let Some(record_id) = record_id.checked_add(1) else {
            // 2^64 records cannot be reached; refuse rather than wrap.
            return Err(TooManyRecords {
                account: owner,
                tokenId: token_id,
            }
            .into());
        };
        let entry = Entry {
            record_id,
            amount,
            expiry,
        };
        let mut owner_list = old_owner_list.clone();
        logic::insert(&mut owner_list, entry, now).map_err(|_| TooManyRecords {
            account: owner,
            tokenId: token_id,
        })?;
        let old_user_list = read_list(&self.usable, user, token_id);
        let mut user_list = old_user_list.clone();
        logic::insert(&mut user_list, entry, now).map_err(|_| TooManyRecords {
            account: user,
            tokenId: token_id,
        })?;

        write_list(
            &mut self.frozen,
            owner,
            token_id,
            &old_owner_list,
            &owner_list,
        );
        write_list(&mut self.usable, user, token_id, &old_user_list, &user_list);
        self.last_record_id.set(U64::from(record_id));
        let record_key = U256::from(record_id);
        {
            let mut record = self.records.setter(record_key);
            record.token_id.set(token_id);
            record.owner.set(owner);
            record.amount.set(U64::from(amount));
            record.user.set(user);
            record.expiry.set(U64::from(expiry));
            record.locked.set(locked);
        }
        emit(CreateUserRecord {
            recordId: record_key,
            tokenId: token_id,
            amount,
            owner,
            user,
            expiry,
        });
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
    pub fn delete_user_record(&mut self, record_id: U256) -> Result<(), Error> {
        let (owner, token_id, user, locked, expiry) = {
            let r = self.records.getter(record_id);
            (
                r.owner.get(),
                r.token_id.get(),
                r.user.get(),
                r.locked.get(),
                low_u64(r.expiry.get()),
            )
        };
        if owner.is_zero() {
            return Err(NonexistentRecord {
                recordId: record_id,
            }
            .into());
        }
        let caller = sender();
        let now = self.now();
        logic::delete_permission(
            caller,
            user,
            self.rights(caller, owner),
            locked,
            expiry,
            now,
        )
        .map_err(|denied| -> Error {
            match denied {
                DeleteDenied::Locked => LockedRecord {
                    recordId: record_id,
                    expiry,
                }
                .into(),
                DeleteDenied::Unauthorized => ERC1155MissingApprovalForAll {
                    operator: caller,
                    owner,
                }
                .into(),
            }
        })?;
        // Record ids are u64 counters (found records fit).
        let id = record_id.saturating_to::<u64>();
        for (lists, account) in [(0u8, owner), (1u8, user)] {
            let map = if lists == 0 {
                &mut self.frozen
            } else {
                &mut self.usable
            };
            let old = read_list(map, account, token_id);
            let mut new = old.clone();
            logic::remove(&mut new, id);
            logic::prune(&mut new, now);
            write_list(map, account, token_id, &old, &new);
        }
        self.records.delete(record_id);
        emit(DeleteUserRecord {
            recordId: record_id,
        });
        Ok(())
    }

    /// ERC-5006: units of `tokenId` that `account` may use now (sum of its
    /// active records as a user).
    pub fn usable_balance_of(&self, account: Address, token_id: U256) -> U256 {
        logic::active_amount(&read_list(&self.usable, account, token_id), self.now())
    }

    /// ERC-5006: units of `tokenId` of `account` frozen now by active
    /// records (they cannot be transferred or burnt).
    pub fn frozen_balance_of(&self, account: Address, token_id: U256) -> U256 {
        logic::active_amount(&read_list(&self.frozen, account, token_id), self.now())
    }

    /// ERC-5006: the record `recordId` (kept after expiry until deleted).
    ///
    /// # Errors
    /// [`Error::NonexistentRecord`] if unknown or deleted.
    pub fn user_record_of(&self, record_id: U256) -> Result<UserRecord, Error> {
        let r = self.records.getter(record_id);
        let owner = r.owner.get();
        if owner.is_zero() {
            return Err(NonexistentRecord {
                recordId: record_id,
            }
            .into());
        }
        Ok(UserRecord {
            tokenId: r.token_id.get(),
            owner,
            amount: low_u64(r.amount.get()),
            user: r.user.get(),
            expiry: low_u64(r.expiry.get()),
        })
    }

    /// Whether record `recordId` was created by a lease operator (a locked,
    /// paid lease). `false` for unknown records.
    pub fn is_record_locked(&self, record_id: U256) -> bool {
        self.records.getter(record_id).locked.get()
    }

    // ------------------------------------------------------------------
    // ERC-165
    // ------------------------------------------------------------------

    /// ERC-165: 165, 1155, 1155MetadataURI, 2981, 5006 and 4906.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        let raw = u32::from_be_bytes(interface_id.0);
        <Erc1155 as IErc1155>::interface_id() == interface_id
            || <Erc1155 as IErc165>::interface_id() == interface_id
            || <Erc1155MetadataUri as IErc1155MetadataUri>::interface_id() == interface_id
            || <Erc2981 as IErc2981>::interface_id() == interface_id
            || raw == ERC5006_INTERFACE_ID
            || raw == ERC4906_INTERFACE_ID
    }
}

/// The caller (`msg.sender`).
///
/// The free host functions are used instead of `self.vm()`: the `dyn Host`
/// vtable links every host function into the WASM (tens of KiB).
#[allow(deprecated)]
fn sender() -> Address {
    stylus_sdk::msg::sender()
}

/// Emits `event` (see [`sender`] for why not `self.vm()`).
#[allow(deprecated)]
fn emit<E: alloy_sol_types::SolEvent>(event: E) {
    stylus_sdk::evm::log(event);
}

/// The value of a stored `uint64` (a `U64` always fits).
const fn low_u64(x: U64) -> u64 {
    x.as_limbs()[0]
}

/// Reads the packed list of `(account, id)`.
fn read_list(map: &Lists, account: Address, id: U256) -> Vec<Entry> {
    let list = map.getter(account);
    let list = list.getter(id);
    (0..list.len())
        .filter_map(|i| list.get(i))
        .map(Entry::unpack)
        .collect()
}

/// Writes `new` over the stored `old` list of `(account, id)`, touching only
/// changed slots and clearing the freed tail.
fn write_list(map: &mut Lists, account: Address, id: U256, old: &[Entry], new: &[Entry]) {
    let mut outer = map.setter(account);
    let mut list = outer.setter(id);
    for (i, e) in new.iter().enumerate() {
        if old.get(i) == Some(e) {
            continue;
        }
        match list.setter(i) {
            Some(mut slot) => slot.set(e.pack()),
            None => list.push(e.pack()),
        }
    }
    while list.len() > new.len() {
        list.erase_last();
    }
}

impl IpEditions {
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
        self.initialized.set(true);
        self.ownable.ownable.constructor(owner)?;
        self.erc2981
            .fee_denominator
            .set(U96::from(logic::FEE_DENOMINATOR));
        self.set_default_royalty_unchecked(royalty_receiver, royalty_bps)?;
        self.base_uri.set_str(&base_uri);
        emit(Initialized {
            version: INIT_VERSION,
        });
        Ok(())
    }

    /// Sets (or with `0`/`0` deletes) the default royalty without the owner
    /// check.
    fn set_default_royalty_unchecked(&mut self, receiver: Address, bps: U96) -> Result<(), Error> {
        if receiver.is_zero() && bps.is_zero() {
            self.erc2981._delete_default_royalty();
            return Ok(());
        }
        Ok(self.erc2981._set_default_royalty(receiver, bps)?)
    }

    /// The current block timestamp (tests may override it).
    #[allow(deprecated)]
    fn now(&self) -> u64 {
        #[cfg(test)]
        if let Some(now) = tests::mock_now() {
            return now;
        }
        stylus_sdk::block::timestamp()
    }

    /// The owner passes every role check; others need the role.
    fn only_role(&self, role: B256) -> Result<(), Error> {
        let caller = sender();
        if caller == self.ownable.owner() || self.roles.has_role(role, caller) {
            return Ok(());
        }
        Err(AccessControlUnauthorizedAccount {
            account: caller,
            neededRole: role,
        }
        .into())
    }

    /// Reverts with [`Error::NonexistentEdition`] unless `1 <= id <= lastId`.
    fn require_edition(&self, id: U256) -> Result<(), Error> {
        if id.is_zero() || id > self.last_id.get() {
            return Err(NonexistentEdition { id }.into());
        }
        Ok(())
    }

    /// What `caller` may do with `owner`'s tokens.
    fn rights(&self, caller: Address, owner: Address) -> CallerRights {
        CallerRights {
            is_owner: caller == owner,
            is_approved: self.erc1155.is_approved_for_all(owner, caller),
            is_lease_operator: self.is_lease_operator(owner, caller),
        }
    }

    /// Checks pause, the caller's approval over `from` and that the debit
    /// of `values` of `ids` leaves every frozen unit in place. Repeated ids
    /// are summed.
    fn check_debit(&self, from: Address, ids: &[U256], values: &[U256]) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        let caller = sender();
        if caller != from && !self.erc1155.is_approved_for_all(from, caller) {
            return Err(ERC1155MissingApprovalForAll {
                operator: caller,
                owner: from,
            }
            .into());
        }
        if ids.len() != values.len() {
            return Err(ERC1155InvalidArrayLength {
                idsLength: U256::from(ids.len()),
                valuesLength: U256::from(values.len()),
            }
            .into());
        }
        let totals = logic::aggregate(ids, values).map_err(|id| ERC1155InsufficientBalance {
            sender: from,
            balance: self.erc1155.balance_of(from, id),
            needed: U256::MAX,
            tokenId: id,
        })?;
        let now = self.now();
        for (id, value) in totals {
            let frozen = logic::active_amount(&read_list(&self.frozen, from, id), now);
            if frozen.is_zero() {
                // Nothing frozen: OpenZeppelin's balance checks apply as is.
                continue;
            }
            let available = logic::available(self.erc1155.balance_of(from, id), frozen);
            if value > available {
                return Err(InsufficientUnfrozenBalance {
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

    /// Shared body of `burn` and `burnBatch`.
    fn do_burn(
        &mut self,
        account: Address,
        ids: Vec<U256>,
        values: Vec<U256>,
    ) -> Result<(), Error> {
        self.check_debit(account, &ids, &values)?;
        for (&id, &value) in ids.iter().zip(&values) {
            let mut edition = self.editions.setter(id);
            let supply = edition.total_supply.get();
            // value <= balance <= supply when the burn succeeds; a larger
            // value fails here with the same error OZ would give.
            let Some(left) = supply.checked_sub(value) else {
                return Err(ERC1155InsufficientBalance {
                    sender: account,
                    balance: self.erc1155.balance_of(account, id),
                    needed: value,
                    tokenId: id,
                }
                .into());
            };
            edition.total_supply.set(left);
        }
        Ok(self.erc1155._burn_batch(account, ids, values)?)
    }

    /// Shared body of `mint` and `mintBatch`.
    fn do_mint(
        &mut self,
        to: Address,
        ids: Vec<U256>,
        amounts: Vec<U256>,
        data: Bytes,
    ) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        self.only_role(MINTER_ROLE)?;
        if ids.len() != amounts.len() {
            return Err(ERC1155InvalidArrayLength {
                idsLength: U256::from(ids.len()),
                valuesLength: U256::from(amounts.len()),
            }
            .into());
        }
        let totals = logic::aggregate(&ids, &amounts).map_err(|id| MaxSupplyExceeded {
            id,
            available: U256::MAX - self.total_supply(id),
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
                    return Err(MaxSupplyExceeded {
                        id,
                        available: cap.saturating_sub(supply),
                        amount,
                    }
                    .into())
                }
            }
        }
        Ok(self.erc1155._mint_batch(to, ids, amounts, &data)?)
    }
}
