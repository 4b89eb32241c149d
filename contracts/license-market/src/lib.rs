//! Licence market of the stylus-ip suite: paid, time-bound usage rights on
//! IP assets, with EIP-2981 royalties enforced on every sale.
//!
//! One singleton contract serves every collection of the suite:
//!
//! * A **lessor** — the owner of an ERC-721 token or of ERC-1155 units, or a
//!   shares vault that holds them (its curator acts through the vault, so the
//!   vault is the lessor) — publishes an **offer**: price per second in ETH
//!   or in one ERC-20, duration bounds, licence terms (hash + URI + flags),
//!   maximum concurrent licensees (ERC-1155), end time and payee. The lessor
//!   must have approved this contract as a *lease operator* on the asset.
//! * A licensee calls [`LicenseMarket::buy_lease`] with a `maxPrice` guard
//!   and the offer `version` it was quoted ([`LicenseMarket::quote`]): every
//!   update of an offer bumps its version, so no token, price, terms, flag,
//!   payee or royalty-cap switch can slip in between quote and purchase.
//!   The market sets the licence through the asset's lease-operator path — a
//!   locked ERC-4907 user on an ERC-721 token, an ERC-5006 user record on
//!   ERC-1155 units — with expiry `now + duration` (on an ERC-721 one
//!   `leaseTo` call answers the market's checks and sets the user; an asset
//!   without it is asked the separate views, then `setUser`), pays the asset's EIP-2981
//!   royalty on the lease price to the royalty receiver and the rest to the
//!   payee, and refunds any excess. [`LicenseMarket::renew_lease`] extends an
//!   active licence at the offer's current price.
//! * **Royalty cap:** each offer names the highest royalty its lessor
//!   accepts (`maxRoyaltyBps`); a sale whose asset royalty is above it is
//!   refused, so an asset owner raising its royalty never takes more than
//!   the lessor agreed to (and the lessor cannot cut the creator's royalty).
//! * **Bounded locks:** no offer sells leases longer than
//!   [`logic::MAX_LEASE_DURATION`] (5 years), and no licence, renewals
//!   included, reaches further than the offer's `maxDuration` past now.
//! * **Payments never block a sale:** a payee, royalty receiver or refunded
//!   buyer whose transfer fails (reverts, runs out of the bounded gas, is
//!   blocklisted by the token) is credited instead and pulls later with
//!   [`LicenseMarket::withdraw`]; anyone may push a credit to its owner with
//!   [`LicenseMarket::withdraw_to`] (for contracts that cannot call
//!   `withdraw`). Every wei and token unit the market holds is a credit.
//! * Offers live in storage without their terms URI; the full terms (URI
//!   included) are published in [`OfferTermsSet`] events, which indexers
//!   and dApps read; [`LicenseMarket::offer`] returns the stored terms and
//!   [`LicenseMarket::quote`] prices a lease on-chain.
//! * [`LicenseMarket::is_licensed`] answers "may this account use this
//!   asset now, under which terms?" for dApps and access-gated gateways.
//! * A sale writes one word of its own per licensee ([`LeaseState`]: expiry,
//!   ERC-1155 slot, kind and the offer version bought under) and the licence
//!   index; the terms hash is stored once per offer version, never copied
//!   into leases (a copy cost every first purchase a 22,100-gas slot).
//!
//! IMPORTANT: the contract relies on stylus-sdk's default reentrancy guard
//! (the crate never enables the `reentrant` feature): a payee calling back
//! into the market reverts, its push fails and it is credited. The code still
//! applies checks-effects-interactions so that it stays sound without it,
//! with one exception: an ERC-721 sale's `leaseTo` (the asset's checks and
//! its user in one call) runs before the sale records its lease. The market
//! has written nothing for the sale by then, and what it writes afterwards
//! comes from reads made before the call (the offer, the licensee's lease)
//! or made afresh (the licence index, credits).
//!
//! Time convention (as ERC-4907 `userOf`): a licence with expiry `t` is valid
//! up to and including `now == t`. Pure maths lives in [`logic`].
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(
    all(target_arch = "wasm32", not(any(test, feature = "export-abi"))),
    no_std
)]
#[macro_use]
extern crate alloc;

/// Contract builds link no `std` (its panic machinery alone costs kilobytes
/// of formatting code): a panic — only reachable through a bug, never from
/// user input — traps, which reverts the transaction.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

mod abi;
pub mod logic;

use alloc::vec::Vec;

use alloy_primitives::{
    aliases::{U32, U64},
    Address, B256, U256,
};
use alloy_sol_types::SolCall;
use stylus_sdk::{
    call::RawCall,
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageMap, StorageU256, StorageU32, StorageU64, StorageVec,
    },
};

use crate::abi::Word;
use crate::logic::{
    amount_paid, duration_in_bounds, free_units, is_active, lease_expiry, lease_price, max_royalty,
    next_version, offer_open, pick_slot, royalty_within_cap, split_payment, valid_duration_bounds,
    valid_max_licensees, valid_royalty_cap, version_matches, LeaseState, OfferMeta, OfferParams,
    PaymentRefusal, TermRefusal,
};
use stylus_ip_common::lease::{asset_refusal, AssetRefusal};

/// Gas forwarded with an ETH payment pushed to a payee, royalty receiver or
/// refunded buyer. Enough for a split or vault contract to book the payment;
/// a recipient needing more (or reverting) is credited instead.
pub const ETH_PUSH_GAS: u64 = 100_000;
/// Gas forwarded with an ERC-20 `transfer` pushed to a payee or royalty
/// receiver (covers proxied and hook-calling tokens); on failure the
/// recipient is credited.
pub const ERC20_PUSH_GAS: u64 = 200_000;
/// Licence flag: commercial use allowed.
pub const FLAG_COMMERCIAL_USE: u8 = 1;
/// Licence flag: attribution required.
pub const FLAG_ATTRIBUTION: u8 = 2;
/// Licence flag: derivative works allowed.
pub const FLAG_DERIVATIVES: u8 = 4;
/// `keccak256("")`: the code hash of an account without code.
const EMPTY_CODE_HASH: B256 =
    alloy_primitives::b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
/// All defined licence flags.
pub const FLAGS_ALL: u8 = FLAG_COMMERCIAL_USE | FLAG_ATTRIBUTION | FLAG_DERIVATIVES;

stylus_ip_common::sol_decls! {
    /// The lessor-set terms of an offer (argument of `createOffer` and
    /// `updateOffer`). `maxDuration` at most `MAX_LEASE_DURATION` (5 × 365
    /// days); `maxLicensees`: 1 for an ERC-721 token, `1..=16` for
    /// ERC-1155 units (the editions' active records per owner and id);
    /// `endTime` 0 = no end; `flags`: bit 0 commercial use, bit 1
    /// attribution required, bit 2 derivatives allowed; `maxRoyaltyBps`:
    /// the highest asset royalty (basis points of the lease price, at most
    /// 10,000) the lessor accepts; a sale above it is refused.
    struct OfferTerms {
        uint256 pricePerSecond;
        address paymentToken;
        uint64 minDuration;
        uint64 maxDuration;
        uint64 endTime;
        uint32 maxLicensees;
        address payee;
        bytes32 termsHash;
        string termsUri;
        uint8 flags;
        uint16 maxRoyaltyBps;
    }

    /// What a lease costs now (`quote`): the price in `paymentToken` (zero =
    /// ETH), the royalty and its receiver, and the offer `version` to pass
    /// to `buyLease`/`renewLease`.
    struct Quote {
        uint256 price;
        address paymentToken;
        address royaltyReceiver;
        uint256 royalty;
        uint32 version;
    }

    /// An offer as stored (`offer`): the asset, the lessor, every term
    /// except the terms URI (published in `OfferTermsSet`; `termsHash`
    /// commits to the document), the version and the status (1 open, 2
    /// cancelled).
    struct OfferView {
        address lessor;
        address collection;
        uint256 tokenId;
        uint64 amount;
        uint256 pricePerSecond;
        address paymentToken;
        uint64 minDuration;
        uint64 maxDuration;
        uint64 endTime;
        uint32 maxLicensees;
        address payee;
        bytes32 termsHash;
        uint8 flags;
        uint16 maxRoyaltyBps;
        uint32 version;
        uint8 status;
    }

    /// `offerId` was never created.
    error LicenseMarketUnknownOffer(uint256 offerId);
    /// The offer was cancelled by its lessor.
    error LicenseMarketOfferCancelled(uint256 offerId);
    /// The offer stopped selling at `endTime`.
    error LicenseMarketOfferEnded(uint256 offerId, uint64 endTime);
    /// `duration` is outside the offer's `[minDuration, maxDuration]`.
    error LicenseMarketDurationOutOfBounds(uint64 duration, uint64 minDuration, uint64 maxDuration);
    /// The lease costs `price`, more than the buyer's `maxPrice`.
    error LicenseMarketPriceAboveMax(uint256 price, uint256 maxPrice);
    /// `paid` (the call value) is below the lease `price`.
    error LicenseMarketInsufficientPayment(uint256 price, uint256 paid);
    /// ETH was sent to an offer priced in an ERC-20.
    error LicenseMarketUnexpectedValue(uint256 value);
    /// `lessor` does not own the token (or enough units) on `collection`.
    error LicenseMarketLessorNotOwner(address collection, uint256 tokenId, address lessor);
    /// `lessor` has not approved (or revoked) the market as lease operator.
    error LicenseMarketOperatorNotApproved(address collection, address lessor);
    /// The ERC-721 token is under a locked lease until `expires`.
    error LicenseMarketTokenLeased(address collection, uint256 tokenId, uint256 expires);
    /// Only `free` unfrozen units remain, `needed` are required.
    error LicenseMarketNoFreeUnits(uint256 offerId, uint256 free, uint64 needed);
    /// All `maxLicensees` concurrent licences of the offer are taken.
    error LicenseMarketSoldOut(uint256 offerId, uint32 maxLicensees);
    /// `licensee` already holds an active licence from this offer (renew it).
    error LicenseMarketAlreadyLicensed(uint256 offerId, address licensee, uint64 expires);
    /// `account` holds no active licence from this offer.
    error LicenseMarketNotLicensee(uint256 offerId, address account);
    /// `account` is not the offer's lessor.
    error LicenseMarketUnauthorizedLessor(uint256 offerId, address account);
    /// The payee must be neither the zero address nor the market itself.
    error LicenseMarketInvalidPayee(address payee);
    /// Duration bounds must satisfy
    /// `1 <= minDuration <= maxDuration <= MAX_LEASE_DURATION`.
    error LicenseMarketInvalidDurationBounds(uint64 minDuration, uint64 maxDuration);
    /// The royalty cap must be at most 10,000 basis points.
    error LicenseMarketInvalidRoyaltyCap(uint16 maxRoyaltyBps);
    /// The buyer was quoted offer version `quoted`; the offer is now at
    /// `current` (its lessor updated it): quote again.
    error LicenseMarketOfferVersionMismatch(uint256 offerId, uint32 quoted, uint32 current);
    /// The asset's royalty on this sale, `royalty`, is above the most the
    /// offer's lessor accepts, `maxRoyalty` (its `maxRoyaltyBps` of the price).
    error LicenseMarketRoyaltyAboveCap(uint256 offerId, uint256 royalty, uint256 maxRoyalty);
    /// The licence would run until `expires`, past `latest`: now plus the
    /// offer's `maxDuration` (renew later, or for less).
    error LicenseMarketLeaseTooLong(uint64 expires, uint64 latest);
    /// The offer's end time is already past.
    error LicenseMarketInvalidEndTime(uint64 endTime);
    /// Licensee cap must be 1 for ERC-721, `1..=16` for ERC-1155.
    error LicenseMarketInvalidMaxLicensees(uint32 maxLicensees);
    /// Unknown licence flag bits.
    error LicenseMarketInvalidFlags(uint8 flags);
    /// The asset refused to set the licence (or the collection is invalid).
    error LicenseMarketLeaseRejected(address collection, uint256 tokenId);
    /// A price, expiry or balance computation overflowed.
    error LicenseMarketArithmeticOverflow();
    /// The account has no credit in `token`.
    error LicenseMarketNothingToWithdraw(address token);
    /// Sending a withdrawal failed (nothing changed, the credit stays).
    error LicenseMarketTransferFailed(address token, address to, uint256 amount);
    /// An ERC-20 operation failed, returned `false`, or moved a different
    /// amount than requested (fee-on-transfer tokens are not supported).
    error SafeErc20FailedOperation(address token);

    /// A lessor published offer `offerId` (`amount == 0`: ERC-721 token).
    event OfferCreated(uint256 indexed offerId, address indexed lessor, address indexed collection, uint256 tokenId, uint64 amount);
    /// The terms of offer `offerId` were set (at creation, `version` 1) or
    /// changed by its lessor (each change bumps `version`; active leases
    /// keep their terms): the fields of [`OfferTerms`]. Offers are indexed
    /// from these events (the contract stores no URI).
    event OfferTermsSet(uint256 indexed offerId, uint256 pricePerSecond, address paymentToken, uint64 minDuration, uint64 maxDuration, uint64 endTime, uint32 maxLicensees, address payee, bytes32 termsHash, uint8 flags, uint16 maxRoyaltyBps, uint32 version, string termsUri);
    /// The lessor cancelled offer `offerId` (active leases run to expiry).
    event OfferCancelled(uint256 indexed offerId);
    /// `licensee` bought a licence valid until `expires` for `price`, of which
    /// `royaltyPaid` went to the EIP-2981 receiver.
    event LeasePurchased(uint256 indexed offerId, address indexed licensee, uint64 expires, uint256 price, uint256 royaltyPaid);
    /// `licensee` extended its licence to `expires` for `price`.
    event LeaseRenewed(uint256 indexed offerId, address indexed licensee, uint64 expires, uint256 price, uint256 royaltyPaid);
    /// A push of `amount` of `token` (zero = ETH) to `account` failed; it was
    /// credited for `withdraw` / `withdrawTo`.
    event PaymentCredited(address indexed account, address indexed token, uint256 amount);
    /// `account` was paid its credit of `amount` of `token` (zero = ETH).
    event Withdrawal(address indexed account, address indexed token, uint256 amount);
}

/// `OfferTerms` as a public-function argument. Written by hand because
/// stylus-sdk 0.9's `#[derive(AbiType)]` sets `ABI` to the struct's *name*,
/// which the router then hashes into the function selector
/// (`createOffer(address,uint256,uint64,OfferTerms)`), so no Solidity caller
/// could reach the function. The selector must hash the canonical tuple.
impl stylus_sdk::abi::AbiType for OfferTerms {
    type SolType = Self;

    const ABI: stylus_sdk::abi::ConstString = stylus_sdk::abi::ConstString::new(
        "(uint256,address,uint64,uint64,uint64,uint32,address,bytes32,string,uint8,uint16)",
    );
    const EXPORT_ABI_ARG: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("OfferTerms calldata");
    const EXPORT_ABI_RET: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("OfferTerms memory");
}

/// `Quote` as a return type: the canonical tuple (see `OfferTerms`).
impl stylus_sdk::abi::AbiType for Quote {
    type SolType = Self;

    const ABI: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("(uint256,address,address,uint256,uint32)");
    const EXPORT_ABI_ARG: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("Quote calldata");
    const EXPORT_ABI_RET: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("Quote memory");
}

/// `OfferView` as a return type: the canonical tuple (see `OfferTerms`).
impl stylus_sdk::abi::AbiType for OfferView {
    type SolType = Self;

    const ABI: stylus_sdk::abi::ConstString = stylus_sdk::abi::ConstString::new(
        "(address,address,uint256,uint64,uint256,address,uint64,uint64,uint64,uint32,address,bytes32,uint8,uint16,uint32,uint8)",
    );
    const EXPORT_ABI_ARG: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("OfferView calldata");
    const EXPORT_ABI_RET: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("OfferView memory");
}

/// Solidity interfaces the market calls: the suite's assets through their
/// lease-operator path (teammates' `ip-collection` / `ip-editions` implement
/// exactly these) and ERC-20.
///
/// Declared with alloy's `sol!` for their selectors; the calls themselves go
/// through [`LicenseMarket`]'s compact word encoder rather than
/// `sol_interface!`, whose per-function encode/decode code cost ~12 KB of
/// WASM. Return data is validated like alloy does (addresses and bools must
/// be clean words); the motsu tests run every call against mock assets.
pub mod interfaces {
    #![allow(missing_docs)] // items generated by `sol!`

    alloy_sol_types::sol! {
        /// An ERC-5006 user record, as returned by `IpEditions.userRecordOf`.
        struct UserRecord {
            uint256 tokenId;
            address owner;
            uint64 amount;
            address user;
            uint64 expiry;
        }

        /// The ERC-721 IP asset collection (lease operator, ERC-4907, EIP-2981).
        interface IIpCollection {
            function ownerOf(uint256 tokenId) external view returns (address);
            function isLeaseOperator(address owner, address operator) external view returns (bool);
            function setUser(uint256 tokenId, address user, uint64 expires) external;
            function userOf(uint256 tokenId) external view returns (address);
            function userExpires(uint256 tokenId) external view returns (uint256);
            function leaseLocked(uint256 tokenId) external view returns (bool);
            function royaltyInfo(uint256 tokenId, uint256 salePrice) external view returns (address, uint256);
            function leaseTo(uint256 tokenId, address lessor, address user, uint64 expires, bool renew, uint256 salePrice) external returns (address, bool, bool, uint64, address, uint256);
        }

        /// The ERC-1155 IP asset packs (lease operator, ERC-5006, EIP-2981).
        interface IIpEditions {
            function balanceOf(address account, uint256 id) external view returns (uint256);
            function isLeaseOperator(address owner, address operator) external view returns (bool);
            function createUserRecord(address owner, address user, uint256 tokenId, uint64 amount, uint64 expiry) external returns (uint256);
            function extendUserRecord(uint256 recordId, uint64 expiry) external;
            function usableBalanceOf(address account, uint256 tokenId) external view returns (uint256);
            function frozenBalanceOf(address account, uint256 tokenId) external view returns (uint256);
            function userRecordOf(uint256 recordId) external view returns (UserRecord);
            function royaltyInfo(uint256 tokenId, uint256 salePrice) external view returns (address, uint256);
        }

        /// The ERC-20 calls of ERC-20-priced offers.
        interface IErc20 {
            function transfer(address to, uint256 amount) external returns (bool);
            function transferFrom(address from, address to, uint256 amount) external returns (bool);
            function balanceOf(address account) external view returns (uint256);
        }
    }
}
use interfaces::{IErc20, IIpCollection, IIpEditions};

/// Errors of [`LicenseMarket`]; each wraps the Solidity error of the same name.
///
/// Encoded by the compact [`From<Error> for Vec<u8>`](#impl-From<Error>-for-Vec<u8>)
/// below instead of `#[derive(SolidityError)]` (same bytes, tested against
/// alloy, ~13 KB less WASM).
#[derive(Debug)]
pub enum Error {
    /// See [`LicenseMarketUnknownOffer`].
    UnknownOffer(LicenseMarketUnknownOffer),
    /// See [`LicenseMarketOfferCancelled`].
    OfferCancelled(LicenseMarketOfferCancelled),
    /// See [`LicenseMarketOfferEnded`].
    OfferEnded(LicenseMarketOfferEnded),
    /// See [`LicenseMarketDurationOutOfBounds`].
    DurationOutOfBounds(LicenseMarketDurationOutOfBounds),
    /// See [`LicenseMarketPriceAboveMax`].
    PriceAboveMax(LicenseMarketPriceAboveMax),
    /// See [`LicenseMarketInsufficientPayment`].
    InsufficientPayment(LicenseMarketInsufficientPayment),
    /// See [`LicenseMarketUnexpectedValue`].
    UnexpectedValue(LicenseMarketUnexpectedValue),
    /// See [`LicenseMarketLessorNotOwner`].
    LessorNotOwner(LicenseMarketLessorNotOwner),
    /// See [`LicenseMarketOperatorNotApproved`].
    OperatorNotApproved(LicenseMarketOperatorNotApproved),
    /// See [`LicenseMarketTokenLeased`].
    TokenLeased(LicenseMarketTokenLeased),
    /// See [`LicenseMarketNoFreeUnits`].
    NoFreeUnits(LicenseMarketNoFreeUnits),
    /// See [`LicenseMarketSoldOut`].
    SoldOut(LicenseMarketSoldOut),
    /// See [`LicenseMarketAlreadyLicensed`].
    AlreadyLicensed(LicenseMarketAlreadyLicensed),
    /// See [`LicenseMarketNotLicensee`].
    NotLicensee(LicenseMarketNotLicensee),
    /// See [`LicenseMarketUnauthorizedLessor`].
    UnauthorizedLessor(LicenseMarketUnauthorizedLessor),
    /// See [`LicenseMarketInvalidPayee`].
    InvalidPayee(LicenseMarketInvalidPayee),
    /// See [`LicenseMarketInvalidDurationBounds`].
    InvalidDurationBounds(LicenseMarketInvalidDurationBounds),
    /// See [`LicenseMarketInvalidRoyaltyCap`].
    InvalidRoyaltyCap(LicenseMarketInvalidRoyaltyCap),
    /// See [`LicenseMarketOfferVersionMismatch`].
    OfferVersionMismatch(LicenseMarketOfferVersionMismatch),
    /// See [`LicenseMarketRoyaltyAboveCap`].
    RoyaltyAboveCap(LicenseMarketRoyaltyAboveCap),
    /// See [`LicenseMarketLeaseTooLong`].
    LeaseTooLong(LicenseMarketLeaseTooLong),
    /// See [`LicenseMarketInvalidEndTime`].
    InvalidEndTime(LicenseMarketInvalidEndTime),
    /// See [`LicenseMarketInvalidMaxLicensees`].
    InvalidMaxLicensees(LicenseMarketInvalidMaxLicensees),
    /// See [`LicenseMarketInvalidFlags`].
    InvalidFlags(LicenseMarketInvalidFlags),
    /// See [`LicenseMarketLeaseRejected`].
    LeaseRejected(LicenseMarketLeaseRejected),
    /// See [`LicenseMarketArithmeticOverflow`].
    ArithmeticOverflow(LicenseMarketArithmeticOverflow),
    /// See [`LicenseMarketNothingToWithdraw`].
    NothingToWithdraw(LicenseMarketNothingToWithdraw),
    /// See [`LicenseMarketTransferFailed`].
    TransferFailed(LicenseMarketTransferFailed),
    /// See [`SafeErc20FailedOperation`].
    SafeErc20FailedOperation(SafeErc20FailedOperation),
}

/// Encodes each variant as `selector ++ fields` (all fields are static).
macro_rules! error_data {
    ($err:expr; $($variant:ident($ty:ident { $($field:ident),* })),* $(,)?) => {
        match $err {
            $(Error::$variant(e) => abi::encode_call(
                <$ty as alloy_sol_types::SolError>::SELECTOR,
                &[$(abi::Word::word(e.$field)),*],
            ),)*
        }
    };
}

impl From<Error> for Vec<u8> {
    #[allow(unused_variables)] // the field-less variant
    fn from(err: Error) -> Self {
        error_data!(err;
            UnknownOffer(LicenseMarketUnknownOffer { offerId }),
            OfferCancelled(LicenseMarketOfferCancelled { offerId }),
            OfferEnded(LicenseMarketOfferEnded { offerId, endTime }),
            DurationOutOfBounds(LicenseMarketDurationOutOfBounds { duration, minDuration, maxDuration }),
            PriceAboveMax(LicenseMarketPriceAboveMax { price, maxPrice }),
            InsufficientPayment(LicenseMarketInsufficientPayment { price, paid }),
            UnexpectedValue(LicenseMarketUnexpectedValue { value }),
            LessorNotOwner(LicenseMarketLessorNotOwner { collection, tokenId, lessor }),
            OperatorNotApproved(LicenseMarketOperatorNotApproved { collection, lessor }),
            TokenLeased(LicenseMarketTokenLeased { collection, tokenId, expires }),
            NoFreeUnits(LicenseMarketNoFreeUnits { offerId, free, needed }),
            SoldOut(LicenseMarketSoldOut { offerId, maxLicensees }),
            AlreadyLicensed(LicenseMarketAlreadyLicensed { offerId, licensee, expires }),
            NotLicensee(LicenseMarketNotLicensee { offerId, account }),
            UnauthorizedLessor(LicenseMarketUnauthorizedLessor { offerId, account }),
            InvalidPayee(LicenseMarketInvalidPayee { payee }),
            InvalidDurationBounds(LicenseMarketInvalidDurationBounds { minDuration, maxDuration }),
            InvalidRoyaltyCap(LicenseMarketInvalidRoyaltyCap { maxRoyaltyBps }),
            OfferVersionMismatch(LicenseMarketOfferVersionMismatch { offerId, quoted, current }),
            RoyaltyAboveCap(LicenseMarketRoyaltyAboveCap { offerId, royalty, maxRoyalty }),
            LeaseTooLong(LicenseMarketLeaseTooLong { expires, latest }),
            InvalidEndTime(LicenseMarketInvalidEndTime { endTime }),
            InvalidMaxLicensees(LicenseMarketInvalidMaxLicensees { maxLicensees }),
            InvalidFlags(LicenseMarketInvalidFlags { flags }),
            LeaseRejected(LicenseMarketLeaseRejected { collection, tokenId }),
            ArithmeticOverflow(LicenseMarketArithmeticOverflow {}),
            NothingToWithdraw(LicenseMarketNothingToWithdraw { token }),
            TransferFailed(LicenseMarketTransferFailed { token, to, amount }),
            SafeErc20FailedOperation(SafeErc20FailedOperation { token }),
        )
    }
}

// Errors, events and `OfferTerms` reach the exported interface through
// `SOL_DECLS`.
stylus_ip_common::abi_structs!(Error, OfferTerms, Quote, OfferView);

/// Emits event `$ev` with indexed fields `[..]` and static data fields
/// `[..]`, plus an optional trailing `string`.
macro_rules! emit {
    ($vm:expr, $ev:ty, [$($topic:expr),*], [$($word:expr),*] $(, $tail:expr)?) => {{
        let topics = [
            stylus_ip_common::topic!($ev),
            $(abi::Word::word($topic)),*
        ];
        let data = abi::log_data(&[$(abi::Word::word($word)),*], emit!(@tail $($tail)?));
        // Cannot fail: at most 4 topics.
        let _ = $vm.raw_log(&topics, &data);
    }};
    (@tail) => { None };
    (@tail $tail:expr) => { Some($tail) };
}

const fn overflow() -> Error {
    Error::ArithmeticOverflow(LicenseMarketArithmeticOverflow {})
}

/// The error of a [`lease_expiry`] refusal for `licensee` under `offer_id`.
#[inline(always)]
const fn term_error(refusal: TermRefusal, offer_id: U256, licensee: Address) -> Error {
    match refusal {
        TermRefusal::NotLicensee => Error::NotLicensee(LicenseMarketNotLicensee {
            offerId: offer_id,
            account: licensee,
        }),
        TermRefusal::AlreadyLicensed(expires) => {
            Error::AlreadyLicensed(LicenseMarketAlreadyLicensed {
                offerId: offer_id,
                licensee,
                expires,
            })
        }
        TermRefusal::Overflow => overflow(),
        TermRefusal::TooLong(expires, latest) => {
            Error::LeaseTooLong(LicenseMarketLeaseTooLong { expires, latest })
        }
    }
}

/// Offer status: open for sale.
const STATUS_OPEN: u8 = 1;
/// Offer status: cancelled by the lessor.
const STATUS_CANCELLED: u8 = 2;

/// One offer. Numeric fields are packed by hand ([`OfferParams`],
/// [`OfferMeta`]): fewer storage fields keep the WASM small and a sale
/// reads them in one storage load.
#[storage]
struct Offer {
    /// Token owner / unit holder (or the vault holding them).
    lessor: StorageAddress,
    /// Asset contract.
    collection: StorageAddress,
    /// Price currency: zero for ETH, else an ERC-20.
    payment_token: StorageAddress,
    /// Receives the price net of royalty.
    payee: StorageAddress,
    /// [`OfferMeta`]: max licensees, flags, status, royalty cap (shares
    /// `payee`'s slot).
    meta: StorageU64,
    /// Version of the terms: 1 at creation, +1 per update (shares `payee`'s
    /// slot).
    version: StorageU32,
    /// [`OfferParams`]: amount, min/max duration, end time.
    params: StorageU256,
    /// Token id.
    token_id: StorageU256,
    /// Price per second of lease.
    price_per_second: StorageU256,
    /// ERC-1155: expiry of each licensee slot (free once past).
    slots: StorageVec<StorageU64>,
    /// Version → hash of the licence terms document in force at that
    /// version (its URI is in [`OfferTermsSet`]). A lease names its version
    /// in its [`LeaseState`] instead of copying the hash, so earlier
    /// versions' hashes stay readable.
    terms_hash: StorageMap<U256, StorageB256>,
}

/// One licensee's lease under one offer.
#[storage]
struct Lease {
    /// [`LeaseState`]: expiry (`0` = none), ERC-1155 slot, kind, and the
    /// offer version whose terms are in force (when bought or last renewed).
    state: StorageU256,
    /// ERC-5006 user record of the purchase (renewals extend it).
    record_id: StorageU256,
}

/// Value of a `u64` storage word.
fn u64_of(v: U64) -> u64 {
    v.as_limbs()[0]
}

/// The licence market contract (a singleton for every collection).
#[entrypoint]
#[storage]
pub struct LicenseMarket {
    /// Number of offers created; offer ids are `1..=offer_count`.
    offer_count: StorageU256,
    /// Offers by id.
    offers: StorageMap<U256, Offer>,
    /// Leases by offer id and licensee.
    leases: StorageMap<U256, StorageMap<Address, Lease>>,
    /// Collection → token id → account → offer id of the licence that
    /// [`LicenseMarket::is_licensed`] reports (the longest-running one).
    licence_of: StorageMap<Address, StorageMap<U256, StorageMap<Address, StorageU256>>>,
    /// Account → token (zero = ETH) → withdrawable credit.
    credits: StorageMap<Address, StorageMap<Address, StorageU256>>,
}

/// An ERC-721 asset's answers to the market's checks before a lease, from
/// the sale's one `leaseTo` call (see [`LicenseMarket::lease_to`]).
struct LeaseContext {
    /// `ownerOf(tokenId)`.
    owner: Address,
    /// `isLeaseOperator(lessor, market)`.
    approved: bool,
    /// `leaseLocked(tokenId)`.
    locked: bool,
    /// `userExpires(tokenId)`.
    user_expires: U256,
    /// `royaltyInfo(tokenId, price)`.
    royalty: (Address, U256),
}

/// In-memory copy of the offer fields a sale needs.
struct Sale {
    lessor: Address,
    collection: Address,
    token_id: U256,
    amount: u64,
    price_per_second: U256,
    payment_token: Address,
    min_duration: u64,
    max_duration: u64,
    max_licensees: u32,
    payee: Address,
    max_royalty_bps: u16,
    version: u32,
}

#[public]
impl LicenseMarket {
    /// Publishes an offer for an ERC-721 token (`amount == 0`) or for
    /// `amount` units of an ERC-1155 id per licence, and returns its id.
    ///
    /// The caller is the lessor: it must own the token (or hold `amount`
    /// units) and have approved this market as lease operator on
    /// `collection`. A shares vault lists the asset it holds by calling this
    /// itself (its curator acts through the vault).
    ///
    /// # Arguments
    /// * `collection`, `token_id`, `amount` - the asset (`amount` 0 = ERC-721).
    /// * `terms` - price per second (wei, or units of `paymentToken` when it
    ///   is not zero), inclusive duration bounds in seconds, end time,
    ///   licensee cap, payee (owner, split or vault) and licence terms
    ///   (hash, URI, `FLAG_*` bits); see [`OfferTerms`].
    ///
    /// The licensee cap of a unit offer is at most
    /// [`logic::MAX_UNIT_LICENSEES`] (16), the asset's active records per
    /// `(lessor, id)`; offers on the same `(lessor, id)` share them, and a
    /// buyer beyond them gets [`Error::LeaseRejected`] (payment returned).
    ///
    /// The offer starts at version 1.
    ///
    /// # Errors
    /// [`Error::InvalidPayee`], [`Error::InvalidDurationBounds`] (including
    /// a `maxDuration` above [`logic::MAX_LEASE_DURATION`]),
    /// [`Error::InvalidEndTime`], [`Error::InvalidMaxLicensees`],
    /// [`Error::InvalidFlags`], [`Error::InvalidRoyaltyCap`],
    /// [`Error::ArithmeticOverflow`] (price of the longest lease overflows),
    /// [`Error::LessorNotOwner`], [`Error::OperatorNotApproved`].
    ///
    /// # Events
    /// [`OfferCreated`], [`OfferTermsSet`].
    pub fn create_offer(
        &mut self,
        collection: Address,
        token_id: U256,
        amount: u64,
        terms: OfferTerms,
    ) -> Result<U256, Error> {
        self.validate(&terms, amount)?;
        let lessor = self.vm().msg_sender();
        self.check_holder(collection, token_id, amount, lessor)?;
        self.check_operator(collection, lessor)?;

        let id = self
            .offer_count
            .get()
            .checked_add(U256::from(1))
            .ok_or_else(overflow)?;
        self.offer_count.set(id);
        let mut o = self.offers.setter(id);
        o.lessor.set(lessor);
        o.collection.set(collection);
        o.token_id.set(token_id);
        Self::store_terms(&mut o, &terms, amount, 1);
        emit!(
            self.vm(),
            OfferCreated,
            [id, lessor, collection],
            [token_id, amount]
        );
        self.emit_terms(id, &terms, 1);
        Ok(id)
    }

    /// Replaces the terms of an open offer and bumps its version (buyers
    /// quoted an earlier version are refused). Only its lessor may call
    /// this. The asset and units are fixed; active leases keep their terms
    /// and expiry.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferCancelled`],
    /// [`Error::UnauthorizedLessor`], the validation errors of
    /// [`Self::create_offer`], [`Error::ArithmeticOverflow`] (version).
    ///
    /// # Events
    /// [`OfferTermsSet`].
    pub fn update_offer(&mut self, offer_id: U256, terms: OfferTerms) -> Result<(), Error> {
        let amount = self.lessor_owned_open(offer_id)?;
        self.validate(&terms, amount)?;
        let mut o = self.offers.setter(offer_id);
        let version = next_version(o.version.get().to()).ok_or_else(overflow)?;
        Self::store_terms(&mut o, &terms, amount, version);
        self.emit_terms(offer_id, &terms, version);
        Ok(())
    }

    /// Cancels an open offer. Only its lessor may call this. Active leases
    /// run to their expiry; they can no longer be renewed.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferCancelled`],
    /// [`Error::UnauthorizedLessor`].
    ///
    /// # Events
    /// [`OfferCancelled`].
    pub fn cancel_offer(&mut self, offer_id: U256) -> Result<(), Error> {
        self.lessor_owned_open(offer_id)?;
        let mut o = self.offers.setter(offer_id);
        let meta = OfferMeta {
            status: STATUS_CANCELLED,
            ..OfferMeta::unpack(u64_of(o.meta.get()))
        };
        o.meta.set(U64::from(meta.pack()));
        emit!(self.vm(), OfferCancelled, [offer_id], []);
        Ok(())
    }

    /// Buys a licence of `duration` seconds from offer `offer_id` for the
    /// caller and returns its expiry (`now + duration`).
    ///
    /// `version` is the offer version the buyer was quoted
    /// ([`Self::quote`]); the purchase is refused when the lessor has
    /// updated the offer since, so the buyer pays only in the token, the
    /// price and under the terms it was shown. ETH offers: send at least
    /// the price; the excess is refunded. ERC-20 offers: send no ETH and
    /// approve the market for the price beforehand. The asset's EIP-2981
    /// royalty on the price goes to its receiver (the sale is refused when
    /// it is above the offer's `maxRoyaltyBps`), the rest to the offer's
    /// payee; a failing recipient is credited (see [`Self::withdraw`]).
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferCancelled`],
    /// [`Error::OfferEnded`], [`Error::OfferVersionMismatch`],
    /// [`Error::DurationOutOfBounds`],
    /// [`Error::PriceAboveMax`] (price over `max_price`),
    /// [`Error::InsufficientPayment`], [`Error::UnexpectedValue`],
    /// [`Error::AlreadyLicensed`] (renew instead),
    /// [`Error::OperatorNotApproved`], [`Error::LessorNotOwner`],
    /// [`Error::TokenLeased`] (ERC-721 under a locked lease),
    /// [`Error::NoFreeUnits`], [`Error::SoldOut`] (ERC-1155),
    /// [`Error::RoyaltyAboveCap`], [`Error::LeaseRejected`],
    /// [`Error::SafeErc20FailedOperation`], [`Error::ArithmeticOverflow`].
    ///
    /// # Events
    /// [`LeasePurchased`], and [`PaymentCredited`] per failed push.
    #[payable]
    pub fn buy_lease(
        &mut self,
        offer_id: U256,
        duration: u64,
        max_price: U256,
        version: u32,
    ) -> Result<u64, Error> {
        self.lease(offer_id, duration, max_price, version, false)
    }

    /// Extends the caller's active licence from offer `offer_id` by
    /// `duration` seconds (counted from its current expiry) at the offer's
    /// current price and terms (`version` as in [`Self::buy_lease`]), and
    /// returns the new expiry. Payment works as in [`Self::buy_lease`]. The
    /// new expiry may be at most the offer's `maxDuration` past now, so
    /// stacked renewals cannot lock the asset further ahead than one lease.
    ///
    /// For ERC-1155 the market extends the licence's ERC-5006 record
    /// (`extendUserRecord` on the asset) instead of writing a new one: the
    /// units are frozen once, the lessor needs no spare units, and the
    /// licence keeps using one of the asset's 16 records per `(lessor, id)`.
    /// If the asset refuses (the licensee deleted the record, the asset is
    /// paused, ...) the renewal reverts with [`Error::LeaseRejected`].
    ///
    /// # Errors
    /// [`Error::NotLicensee`] (no active licence from this offer),
    /// [`Error::LeaseTooLong`], and those of [`Self::buy_lease`] except [`Error::AlreadyLicensed`],
    /// [`Error::TokenLeased`] and [`Error::SoldOut`] (and, for ERC-1155,
    /// [`Error::LessorNotOwner`] and [`Error::NoFreeUnits`]).
    ///
    /// # Events
    /// [`LeaseRenewed`], and [`PaymentCredited`] per failed push.
    #[payable]
    pub fn renew_lease(
        &mut self,
        offer_id: U256,
        duration: u64,
        max_price: U256,
        version: u32,
    ) -> Result<u64, Error> {
        self.lease(offer_id, duration, max_price, version, true)
    }

    /// Sends the caller its whole credit in `token` (zero address = ETH),
    /// forwarding all gas.
    ///
    /// # Errors
    /// [`Error::NothingToWithdraw`], [`Error::TransferFailed`] (the credit
    /// is kept).
    ///
    /// # Events
    /// [`Withdrawal`].
    pub fn withdraw(&mut self, token: Address) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        self.pay_out(account, token)
    }

    /// Sends `account` its whole credit in `token` (zero address = ETH),
    /// forwarding all gas. Anyone may call this; the credit goes to
    /// `account` only. It serves contracts that were credited (a split
    /// wallet or vault whose push failed) but cannot call
    /// [`Self::withdraw`] themselves.
    ///
    /// # Errors
    /// [`Error::NothingToWithdraw`], [`Error::TransferFailed`] (the credit
    /// is kept).
    ///
    /// # Events
    /// [`Withdrawal`].
    pub fn withdraw_to(&mut self, account: Address, token: Address) -> Result<(), Error> {
        self.pay_out(account, token)
    }

    /// Whether `account` holds an active licence bought here for `token_id`
    /// of `collection`, its expiry and its terms hash.
    ///
    /// The market's record is cross-checked with the asset (ERC-4907
    /// `userOf` / ERC-5006 `userRecordOf`). For an expired licence returns
    /// `(false, expires, termsHash)`; with no licence, all zeros.
    ///
    /// Royalties are enforced only on this market's path: a licence sold
    /// here paid the asset's EIP-2981 royalty (within the offer's cap), but
    /// an asset owner or lease operator can also set users directly on the
    /// asset, or sell use rights elsewhere, without paying one. This view
    /// answers only for licences bought here; the asset's own `userOf` /
    /// `usableBalanceOf` also report users set outside the market.
    pub fn is_licensed(
        &self,
        collection: Address,
        token_id: U256,
        account: Address,
    ) -> (bool, u64, B256) {
        let offer_id = self
            .licence_of
            .getter(collection)
            .getter(token_id)
            .getter(account)
            .get();
        if offer_id.is_zero() {
            return (false, 0, B256::ZERO);
        }
        let lease = self.leases.getter(offer_id);
        let lease = lease.getter(account);
        let state = LeaseState::unpack(lease.state.get());
        let expires = state.expires;
        let terms = self.terms_at(offer_id, state.version);
        let mut ok = is_active(self.now(), expires);
        if ok {
            ok = if state.is_record {
                // UserRecord: (tokenId, owner, amount, user, expiry).
                let sel = IIpEditions::userRecordOfCall::SELECTOR;
                self.query(collection, sel, &[lease.record_id.get().word()], 5)
                    .is_some_and(|r| {
                        abi::address_at(&r, 3) == Some(account)
                            && abi::word_at(&r, 4) >= U256::from(expires)
                    })
            } else {
                let sel = IIpCollection::userOfCall::SELECTOR;
                self.query(collection, sel, &[token_id.word()], 1)
                    .is_some_and(|r| abi::address_at(&r, 0) == Some(account))
            };
        }
        (ok, expires, terms)
    }

    /// What a `duration`-second lease from offer `offer_id` costs now: the
    /// price, its payment token (zero = ETH), the royalty receiver and the
    /// royalty (capped at the price) it would get, and the offer version to
    /// pass to [`Self::buy_lease`] / [`Self::renew_lease`].
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferCancelled`],
    /// [`Error::OfferEnded`], [`Error::DurationOutOfBounds`],
    /// [`Error::RoyaltyAboveCap`] (the sale would be refused),
    /// [`Error::ArithmeticOverflow`].
    pub fn quote(&self, offer_id: U256, duration: u64) -> Result<Quote, Error> {
        let sale = self.open_offer(offer_id, self.now())?;
        let price = Self::price_of(&sale, duration)?;
        let (receiver, royalty) = self.capped_royalty(offer_id, &sale, price)?;
        Ok(Quote {
            price,
            paymentToken: sale.payment_token,
            royaltyReceiver: receiver,
            royalty,
            version: sale.version,
        })
    }

    /// Offer `offer_id` as stored: asset, lessor, terms (the URI is in
    /// [`OfferTermsSet`]), version and status (1 open, 2 cancelled).
    ///
    /// # Errors
    /// [`Error::UnknownOffer`] (never created).
    pub fn offer(&self, offer_id: U256) -> Result<OfferView, Error> {
        let o = self.offers.getter(offer_id);
        let meta = OfferMeta::unpack(u64_of(o.meta.get()));
        if meta.status == 0 {
            return Err(Error::UnknownOffer(LicenseMarketUnknownOffer {
                offerId: offer_id,
            }));
        }
        let params = OfferParams::unpack(o.params.get());
        Ok(OfferView {
            lessor: o.lessor.get(),
            collection: o.collection.get(),
            tokenId: o.token_id.get(),
            amount: params.amount,
            pricePerSecond: o.price_per_second.get(),
            paymentToken: o.payment_token.get(),
            minDuration: params.min_duration,
            maxDuration: params.max_duration,
            endTime: params.end_time,
            maxLicensees: meta.max_licensees,
            payee: o.payee.get(),
            termsHash: o.terms_hash.getter(U256::from(o.version.get())).get(),
            flags: meta.flags,
            maxRoyaltyBps: meta.max_royalty_bps,
            version: o.version.get().to(),
            status: meta.status,
        })
    }

    /// Number of offers created (ids are `1..=offerCount`).
    pub fn offer_count(&self) -> U256 {
        self.offer_count.get()
    }

    /// `licensee`'s lease under offer `offer_id`: expiry (0 = none), terms
    /// hash and ERC-5006 record id (0 for ERC-721).
    pub fn lease_of(&self, offer_id: U256, licensee: Address) -> (u64, B256, U256) {
        let l = self.leases.getter(offer_id);
        let l = l.getter(licensee);
        let state = LeaseState::unpack(l.state.get());
        (
            state.expires,
            self.terms_at(offer_id, state.version),
            l.record_id.get(),
        )
    }

    /// `account`'s withdrawable credit in `token` (zero address = ETH).
    pub fn credit_of(&self, account: Address, token: Address) -> U256 {
        self.credits.getter(account).getter(token).get()
    }
}

/// Internal logic.
impl LicenseMarket {
    /// Current block timestamp (tests shift it with a thread-local clock).
    fn now(&self) -> u64 {
        let t = self.vm().block_timestamp();
        #[cfg(test)]
        let t = tests::clock::shift(t);
        t
    }

    /// Pays `account` its whole credit in `token` (see [`Self::withdraw`]).
    fn pay_out(&mut self, account: Address, token: Address) -> Result<(), Error> {
        let amount = self.credits.getter(account).getter(token).get();
        if amount.is_zero() {
            return Err(Error::NothingToWithdraw(LicenseMarketNothingToWithdraw {
                token,
            }));
        }
        // Effects before the interaction: a reentrant withdraw sees zero.
        self.credits.setter(account).setter(token).set(U256::ZERO);
        if !self.send(token, account, amount, u64::MAX) {
            return Err(Error::TransferFailed(LicenseMarketTransferFailed {
                token,
                to: account,
                amount,
            }));
        }
        emit!(self.vm(), Withdrawal, [account, token], [amount]);
        Ok(())
    }

    /// Validation shared by create and update.
    fn validate(&self, t: &OfferTerms, amount: u64) -> Result<(), Error> {
        // The market cannot withdraw a credit of its own: funds would stick.
        if t.payee.is_zero() || t.payee == self.vm().contract_address() {
            return Err(Error::InvalidPayee(LicenseMarketInvalidPayee {
                payee: t.payee,
            }));
        }
        if !valid_duration_bounds(t.minDuration, t.maxDuration) {
            return Err(Error::InvalidDurationBounds(
                LicenseMarketInvalidDurationBounds {
                    minDuration: t.minDuration,
                    maxDuration: t.maxDuration,
                },
            ));
        }
        if !offer_open(self.now(), t.endTime) {
            return Err(Error::InvalidEndTime(LicenseMarketInvalidEndTime {
                endTime: t.endTime,
            }));
        }
        if !valid_max_licensees(amount, t.maxLicensees) {
            return Err(Error::InvalidMaxLicensees(
                LicenseMarketInvalidMaxLicensees {
                    maxLicensees: t.maxLicensees,
                },
            ));
        }
        if t.flags & !FLAGS_ALL != 0 {
            return Err(Error::InvalidFlags(LicenseMarketInvalidFlags {
                flags: t.flags,
            }));
        }
        if !valid_royalty_cap(t.maxRoyaltyBps) {
            return Err(Error::InvalidRoyaltyCap(LicenseMarketInvalidRoyaltyCap {
                maxRoyaltyBps: t.maxRoyaltyBps,
            }));
        }
        // Every in-bounds lease must be priceable.
        lease_price(t.pricePerSecond, t.maxDuration).ok_or_else(overflow)?;
        Ok(())
    }

    /// Writes the terms of an offer at `version` (and marks it open).
    fn store_terms(o: &mut Offer, t: &OfferTerms, amount: u64, version: u32) {
        let params = OfferParams {
            amount,
            min_duration: t.minDuration,
            max_duration: t.maxDuration,
            end_time: t.endTime,
        };
        let meta = OfferMeta {
            max_licensees: t.maxLicensees,
            flags: t.flags,
            status: STATUS_OPEN,
            max_royalty_bps: t.maxRoyaltyBps,
        };
        o.params.set(params.pack());
        o.meta.set(U64::from(meta.pack()));
        o.price_per_second.set(t.pricePerSecond);
        o.payment_token.set(t.paymentToken);
        o.payee.set(t.payee);
        o.terms_hash.setter(U256::from(version)).set(t.termsHash);
        o.version.set(U32::from(version));
    }

    /// Emits [`OfferTermsSet`] with every field of `t` and the `version`.
    fn emit_terms(&self, offer_id: U256, t: &OfferTerms, version: u32) {
        emit!(
            self.vm(),
            OfferTermsSet,
            [offer_id],
            [
                t.pricePerSecond,
                t.paymentToken,
                t.minDuration,
                t.maxDuration,
                t.endTime,
                t.maxLicensees,
                t.payee,
                t.termsHash,
                t.flags,
                t.maxRoyaltyBps,
                version
            ],
            &t.termsUri
        );
    }

    /// Checks that `offer_id` exists, is open and the caller is its lessor;
    /// returns its `amount`.
    fn lessor_owned_open(&self, offer_id: U256) -> Result<u64, Error> {
        let o = self.offers.getter(offer_id);
        Self::check_status(offer_id, OfferMeta::unpack(u64_of(o.meta.get())).status)?;
        let caller = self.vm().msg_sender();
        if o.lessor.get() != caller {
            return Err(Error::UnauthorizedLessor(LicenseMarketUnauthorizedLessor {
                offerId: offer_id,
                account: caller,
            }));
        }
        Ok(OfferParams::unpack(o.params.get()).amount)
    }

    fn check_status(offer_id: U256, status: u8) -> Result<(), Error> {
        match status {
            STATUS_OPEN => Ok(()),
            STATUS_CANCELLED => Err(Error::OfferCancelled(LicenseMarketOfferCancelled {
                offerId: offer_id,
            })),
            _ => Err(Error::UnknownOffer(LicenseMarketUnknownOffer {
                offerId: offer_id,
            })),
        }
    }

    /// Loads an offer that sells at `now`.
    fn open_offer(&self, offer_id: U256, now: u64) -> Result<Sale, Error> {
        let o = self.offers.getter(offer_id);
        let meta = OfferMeta::unpack(u64_of(o.meta.get()));
        Self::check_status(offer_id, meta.status)?;
        let params = OfferParams::unpack(o.params.get());
        let end_time = params.end_time;
        if !offer_open(now, end_time) {
            return Err(Error::OfferEnded(LicenseMarketOfferEnded {
                offerId: offer_id,
                endTime: end_time,
            }));
        }
        Ok(Sale {
            lessor: o.lessor.get(),
            collection: o.collection.get(),
            token_id: o.token_id.get(),
            amount: params.amount,
            price_per_second: o.price_per_second.get(),
            payment_token: o.payment_token.get(),
            min_duration: params.min_duration,
            max_duration: params.max_duration,
            max_licensees: meta.max_licensees,
            payee: o.payee.get(),
            max_royalty_bps: meta.max_royalty_bps,
            version: o.version.get().to(),
        })
    }

    /// Checks the duration bounds and prices the lease.
    fn price_of(sale: &Sale, duration: u64) -> Result<U256, Error> {
        if !duration_in_bounds(duration, sale.min_duration, sale.max_duration) {
            return Err(Error::DurationOutOfBounds(
                LicenseMarketDurationOutOfBounds {
                    duration,
                    minDuration: sale.min_duration,
                    maxDuration: sale.max_duration,
                },
            ));
        }
        lease_price(sale.price_per_second, duration).ok_or_else(overflow)
    }

    /// The asset's EIP-2981 quote on `price`, capped at the price; no
    /// royalty when the asset does not answer, names no receiver or names
    /// the market itself.
    fn royalty(&self, sale: &Sale, price: U256) -> (Address, U256) {
        // Same selector on the ERC-721 and ERC-1155 assets.
        let sel = IIpCollection::royaltyInfoCall::SELECTOR;
        let answer = self.query(
            sale.collection,
            sel,
            &[sale.token_id.word(), price.word()],
            2,
        );
        self.accepted_royalty(
            answer.and_then(|r| Some((abi::address_at(&r, 0)?, abi::word_at(&r, 1)))),
            price,
        )
    }

    /// The royalty taken from the asset's `quote` on `price` (see
    /// [`Self::royalty`]).
    fn accepted_royalty(&self, quote: Option<(Address, U256)>, price: U256) -> (Address, U256) {
        match quote {
            // A receiver that is the market itself could never withdraw.
            Some((receiver, amount))
                if !receiver.is_zero() && receiver != self.vm().contract_address() =>
            {
                (receiver, amount.min(price))
            }
            _ => (Address::ZERO, U256::ZERO),
        }
    }

    /// [`Self::royalty`], refused when above the offer's royalty cap.
    fn capped_royalty(
        &self,
        offer_id: U256,
        sale: &Sale,
        price: U256,
    ) -> Result<(Address, U256), Error> {
        Self::within_cap(offer_id, sale, price, self.royalty(sale, price))
    }

    /// Refuses the royalty `(receiver, royalty)` when above the offer's cap.
    fn within_cap(
        offer_id: U256,
        sale: &Sale,
        price: U256,
        (receiver, royalty): (Address, U256),
    ) -> Result<(Address, U256), Error> {
        if !royalty_within_cap(price, royalty, sale.max_royalty_bps) {
            return Err(Error::RoyaltyAboveCap(LicenseMarketRoyaltyAboveCap {
                offerId: offer_id,
                royalty,
                maxRoyalty: max_royalty(price, sale.max_royalty_bps),
            }));
        }
        Ok((receiver, royalty))
    }

    /// `holder` owns the ERC-721 token, or holds at least `amount` units.
    fn check_holder(
        &self,
        collection: Address,
        token_id: U256,
        amount: u64,
        holder: Address,
    ) -> Result<(), Error> {
        let ok = if amount == 0 {
            let sel = IIpCollection::ownerOfCall::SELECTOR;
            self.query(collection, sel, &[token_id.word()], 1)
                .is_some_and(|r| abi::address_at(&r, 0) == Some(holder))
        } else {
            self.units_of(
                collection,
                IIpEditions::balanceOfCall::SELECTOR,
                holder,
                token_id,
            )
            .is_some_and(|b| b >= U256::from(amount))
        };
        if ok {
            Ok(())
        } else {
            Err(Error::LessorNotOwner(LicenseMarketLessorNotOwner {
                collection,
                tokenId: token_id,
                lessor: holder,
            }))
        }
    }

    /// The ERC-721 sale in one call: the asset's `leaseTo`, which answers
    /// the market's checks (as `leaseContext` does) and, when they pass
    /// ([`asset_refusal`] answers `None`), sets `licensee` as the token's
    /// user until `expires` in the same call. `None` when the call fails (a
    /// nonexistent token, an asset without `leaseTo`, a `setUser` the asset
    /// refuses) or answers unclean words: the caller then asks the separate
    /// views and calls `setUser`, which decide exactly as before `leaseTo`
    /// existed.
    fn lease_to(
        &self,
        sale: &Sale,
        licensee: Address,
        expires: u64,
        renew: bool,
        price: U256,
    ) -> Option<LeaseContext> {
        let args = [
            sale.token_id.word(),
            sale.lessor.word(),
            licensee.word(),
            expires.word(),
            u64::from(renew).word(),
            price.word(),
        ];
        let sel = IIpCollection::leaseToCall::SELECTOR;
        let r = self.invoke(sale.collection, sel, &args, 6)?;
        Some(LeaseContext {
            owner: abi::address_at(&r, 0)?,
            approved: abi::bool_at(&r, 1)?,
            locked: abi::bool_at(&r, 2)?,
            user_expires: abi::word_at(&r, 3),
            royalty: (abi::address_at(&r, 4)?, abi::word_at(&r, 5)),
        })
    }

    /// `lessor` still lets this market set users on `collection`.
    fn check_operator(&self, collection: Address, lessor: Address) -> Result<(), Error> {
        let market = self.vm().contract_address();
        // Same selector on the ERC-721 and ERC-1155 assets.
        let sel = IIpCollection::isLeaseOperatorCall::SELECTOR;
        let answer = self.query(collection, sel, &[lessor.word(), market.word()], 1);
        if answer.and_then(|r| abi::bool_at(&r, 0)) == Some(true) {
            Ok(())
        } else {
            Err(Error::OperatorNotApproved(
                LicenseMarketOperatorNotApproved { collection, lessor },
            ))
        }
    }

    /// Buy (`renew == false`) or renew a lease; see the public wrappers.
    fn lease(
        &mut self,
        offer_id: U256,
        duration: u64,
        max_price: U256,
        version: u32,
        renew: bool,
    ) -> Result<u64, Error> {
        let now = self.now();
        let licensee = self.vm().msg_sender();
        let paid = self.vm().msg_value();
        let sale = self.open_offer(offer_id, now)?;
        if !version_matches(version, sale.version) {
            return Err(Error::OfferVersionMismatch(
                LicenseMarketOfferVersionMismatch {
                    offerId: offer_id,
                    quoted: version,
                    current: sale.version,
                },
            ));
        }

        // Price and payment checks.
        let price = Self::price_of(&sale, duration)?;
        if price > max_price {
            return Err(Error::PriceAboveMax(LicenseMarketPriceAboveMax {
                price,
                maxPrice: max_price,
            }));
        }
        let eth = sale.payment_token.is_zero();
        let value = paid;
        let paid = amount_paid(eth, value, price).map_err(|r| match r {
            PaymentRefusal::UnexpectedValue => {
                Error::UnexpectedValue(LicenseMarketUnexpectedValue { value })
            }
            PaymentRefusal::Insufficient => {
                Error::InsufficientPayment(LicenseMarketInsufficientPayment { price, paid: value })
            }
        })?;

        // Lease state.
        let current = LeaseState::unpack(self.leases.getter(offer_id).getter(licensee).state.get());
        let (current, current_slot) = (current.expires, current.slot);
        let expires = lease_expiry(renew, current, now, duration, sale.max_duration)
            .map_err(|r| term_error(r, offer_id, licensee))?;

        // Asset checks: the lessor still holds the asset and the operator role.
        let units = sale.amount != 0;
        // A unit renewal extends the licence's record (below): its units
        // are frozen already and its slot stays taken.
        let mut slot = current_slot;
        // An ERC-721 asset answers every check and, when they pass, sets
        // the user in one call when it can; the checks and their order are
        // those of the separate calls below. A refusal below reverts the
        // whole sale, so it never leaves a user set.
        let context = if units {
            None
        } else {
            self.lease_to(&sale, licensee, expires, renew, price)
        };
        let quote = if let Some(ctx) = context {
            let owned = ctx.owner == sale.lessor;
            let refusal = asset_refusal(
                ctx.approved,
                owned,
                renew,
                ctx.locked,
                ctx.user_expires,
                now,
            );
            match refusal {
                Some(AssetRefusal::NotApproved) => {
                    return Err(Error::OperatorNotApproved(
                        LicenseMarketOperatorNotApproved {
                            collection: sale.collection,
                            lessor: sale.lessor,
                        },
                    ))
                }
                Some(AssetRefusal::NotOwner) => return Err(self.not_owner(&sale)),
                Some(AssetRefusal::Leased) => {
                    return Err(Error::TokenLeased(LicenseMarketTokenLeased {
                        collection: sale.collection,
                        tokenId: sale.token_id,
                        expires: ctx.user_expires,
                    }))
                }
                None => {}
            }
            Some(self.accepted_royalty(Some(ctx.royalty), price))
        } else {
            None
        };
        if quote.is_some() {
            // Checked above.
        } else if !units {
            self.check_operator(sale.collection, sale.lessor)?;
            self.check_holder(sale.collection, sale.token_id, 0, sale.lessor)?;
            if !renew {
                let (c, id) = (sale.collection, [sale.token_id.word()]);
                let locked = self
                    .query(c, IIpCollection::leaseLockedCall::SELECTOR, &id, 1)
                    .and_then(|r| abi::bool_at(&r, 0));
                if locked == Some(true) {
                    let until = self
                        .query(c, IIpCollection::userExpiresCall::SELECTOR, &id, 1)
                        .map_or(U256::ZERO, |r| abi::word_at(&r, 0));
                    if until >= U256::from(now) {
                        return Err(Error::TokenLeased(LicenseMarketTokenLeased {
                            collection: sale.collection,
                            tokenId: sale.token_id,
                            expires: until,
                        }));
                    }
                }
            }
        } else {
            self.check_operator(sale.collection, sale.lessor)?;
        }
        if units && !renew {
            let (c, who, id) = (sale.collection, sale.lessor, sale.token_id);
            let balance = self
                .units_of(c, IIpEditions::balanceOfCall::SELECTOR, who, id)
                .ok_or_else(|| self.not_owner(&sale))?;
            let frozen = self
                .units_of(c, IIpEditions::frozenBalanceOfCall::SELECTOR, who, id)
                .ok_or_else(|| self.not_owner(&sale))?;
            let free = free_units(balance, frozen);
            if free < U256::from(sale.amount) {
                return Err(Error::NoFreeUnits(LicenseMarketNoFreeUnits {
                    offerId: offer_id,
                    free,
                    needed: sale.amount,
                }));
            }
            slot = self.free_slot(offer_id, &sale, now)?;
        }
        let (receiver, royalty_quote) = match quote {
            Some(quote) => Self::within_cap(offer_id, &sale, price, quote)?,
            None => self.capped_royalty(offer_id, &sale, price)?,
        };
        let split = split_payment(paid, price, royalty_quote).ok_or(Error::InsufficientPayment(
            LicenseMarketInsufficientPayment { price, paid },
        ))?;

        let state = LeaseState {
            expires,
            slot,
            is_record: units,
            version: sale.version,
        };
        self.record_lease(offer_id, licensee, &sale, state, now);
        // A quote from `leaseTo` means the asset set the user already.
        if quote.is_none() {
            self.grant_use(offer_id, licensee, &sale, expires, renew)?;
        }
        self.settle_lease(
            offer_id, licensee, &sale, price, receiver, split, renew, expires,
        )?;
        Ok(expires)
    }

    /// Records the lease (its state word, an ERC-1155 licensee slot) and
    /// points the licence index at it.
    #[inline(always)]
    fn record_lease(
        &mut self,
        offer_id: U256,
        licensee: Address,
        sale: &Sale,
        state: LeaseState,
        now: u64,
    ) {
        self.leases
            .setter(offer_id)
            .setter(licensee)
            .state
            .set(state.pack());
        if state.is_record {
            let mut offer = self.offers.setter(offer_id);
            if let Some(mut s) = offer.slots.setter(state.slot) {
                s.set(U64::from(state.expires));
            } else {
                offer.slots.push(U64::from(state.expires));
            }
        }
        self.index_licence(sale, offer_id, licensee, state.expires, now);
    }

    /// Grants the use on the asset: ERC-4907 `setUser` (an ERC-721 whose
    /// `leaseTo` did not answer), a new
    /// ERC-5006 record (ERC-1155 purchase, its id recorded) or the record
    /// extended (ERC-1155 renewal).
    #[inline(always)]
    fn grant_use(
        &mut self,
        offer_id: U256,
        licensee: Address,
        sale: &Sale,
        expires: u64,
        renew: bool,
    ) -> Result<(), Error> {
        let units = sale.amount != 0;
        if units && renew {
            let record = self
                .leases
                .getter(offer_id)
                .getter(licensee)
                .record_id
                .get();
            let sel = IIpEditions::extendUserRecordCall::SELECTOR;
            self.invoke(sale.collection, sel, &[record.word(), expires.word()], 0)
                .ok_or_else(|| self.lease_rejected(sale))?;
        } else if units {
            let args = [
                sale.lessor.word(),
                licensee.word(),
                sale.token_id.word(),
                sale.amount.word(),
                expires.word(),
            ];
            let sel = IIpEditions::createUserRecordCall::SELECTOR;
            let record = self
                .invoke(sale.collection, sel, &args, 1)
                .map(|r| abi::word_at(&r, 0))
                .ok_or_else(|| self.lease_rejected(sale))?;
            self.leases
                .setter(offer_id)
                .setter(licensee)
                .record_id
                .set(record);
        } else {
            let args = [sale.token_id.word(), licensee.word(), expires.word()];
            self.invoke(
                sale.collection,
                IIpCollection::setUserCall::SELECTOR,
                &args,
                0,
            )
            .ok_or_else(|| self.lease_rejected(sale))?;
        }
        Ok(())
    }

    /// Takes an ERC-20 price from the licensee, pays the royalty, the payee
    /// and the refund, and logs the sale.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn settle_lease(
        &mut self,
        offer_id: U256,
        licensee: Address,
        sale: &Sale,
        price: U256,
        receiver: Address,
        split: logic::Split,
        renew: bool,
        expires: u64,
    ) -> Result<(), Error> {
        if !sale.payment_token.is_zero() {
            self.pull_erc20(sale.payment_token, licensee, price)?;
        }
        let token = sale.payment_token;
        self.pay(token, receiver, split.royalty)?;
        self.pay(token, sale.payee, split.payee)?;
        self.pay(token, licensee, split.refund)?;

        let topic0 = if renew {
            stylus_ip_common::topic!(LeaseRenewed)
        } else {
            stylus_ip_common::topic!(LeasePurchased)
        };
        // Same layout for both events.
        let data = abi::log_data(&[expires.word(), price.word(), split.royalty.word()], None);
        let _ = self
            .vm()
            .raw_log(&[topic0, offer_id.word(), licensee.word()], &data);
        Ok(())
    }

    fn not_owner(&self, sale: &Sale) -> Error {
        Error::LessorNotOwner(LicenseMarketLessorNotOwner {
            collection: sale.collection,
            tokenId: sale.token_id,
            lessor: sale.lessor,
        })
    }

    fn lease_rejected(&self, sale: &Sale) -> Error {
        Error::LeaseRejected(LicenseMarketLeaseRejected {
            collection: sale.collection,
            tokenId: sale.token_id,
        })
    }

    /// Terms hash of offer `offer_id` at `version` (zero for a version
    /// never in force, such as the 0 of no lease).
    fn terms_at(&self, offer_id: U256, version: u32) -> B256 {
        let o = self.offers.getter(offer_id);
        let hash = o.terms_hash.getter(U256::from(version)).get();
        hash
    }

    /// Picks an ERC-1155 licensee slot (see [`logic::pick_slot`]).
    fn free_slot(&self, offer_id: U256, sale: &Sale, now: u64) -> Result<u32, Error> {
        let o = self.offers.getter(offer_id);
        let mut expiries = Vec::new();
        for i in 0..o.slots.len() {
            expiries.push(o.slots.get(i).map_or(0, u64_of));
        }
        pick_slot(&expiries, sale.max_licensees, now)
            .and_then(|i| u32::try_from(i).ok())
            .ok_or(Error::SoldOut(LicenseMarketSoldOut {
                offerId: offer_id,
                maxLicensees: sale.max_licensees,
            }))
    }

    /// Points [`Self::is_licensed`] at this lease unless the account holds a
    /// longer-running licence for the same asset from another offer.
    fn index_licence(
        &mut self,
        sale: &Sale,
        offer_id: U256,
        account: Address,
        expires: u64,
        now: u64,
    ) {
        let previous = self
            .licence_of
            .getter(sale.collection)
            .getter(sale.token_id)
            .getter(account)
            .get();
        if previous != offer_id && !previous.is_zero() {
            let prev = self.leases.getter(previous).getter(account).state.get();
            let prev_expires = LeaseState::unpack(prev).expires;
            if is_active(now, prev_expires) && prev_expires > expires {
                return;
            }
        }
        let mut by_collection = self.licence_of.setter(sale.collection);
        let mut by_token = by_collection.setter(sale.token_id);
        by_token.setter(account).set(offer_id);
    }

    /// Pays `amount` of `token` (zero = ETH) to `to` with bounded gas; on
    /// failure credits `to` instead. Never fails except on credit overflow.
    fn pay(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let gas = if token.is_zero() {
            ETH_PUSH_GAS
        } else {
            ERC20_PUSH_GAS
        };
        if self.send(token, to, amount, gas) {
            return Ok(());
        }
        let credit = self.credits.getter(to).getter(token).get();
        let credit = credit.checked_add(amount).ok_or_else(overflow)?;
        self.credits.setter(to).setter(token).set(credit);
        emit!(self.vm(), PaymentCredited, [to, token], [amount]);
        Ok(())
    }

    /// Sends `amount` of `token` (zero = ETH) to `to` forwarding at most
    /// `gas`; returns whether it succeeded.
    fn send(&mut self, token: Address, to: Address, amount: U256, gas: u64) -> bool {
        if token.is_zero() {
            // SAFETY: all state is written (and flushed) before the call; the
            // contract is not `reentrant`, so the callee cannot re-enter.
            return unsafe {
                RawCall::new_with_value(amount)
                    .gas(gas)
                    .flush_storage_cache()
                    .skip_return_data()
                    .call(to, &[])
            }
            .is_ok();
        }
        let data = abi::encode_call(IErc20::transferCall::SELECTOR, &[to.word(), amount.word()]);
        self.call_capped(
            RawCall::new().gas(gas).flush_storage_cache(),
            token,
            &data,
            32,
        )
        .is_some_and(|r| erc20_success(&r))
    }

    /// Pulls exactly `amount` of `token` from `from` into the market.
    fn pull_erc20(&mut self, token: Address, from: Address, amount: U256) -> Result<(), Error> {
        let fail = || Error::SafeErc20FailedOperation(SafeErc20FailedOperation { token });
        // An account without code would "succeed" every call.
        let hash = self.vm().code_hash(token);
        if hash.is_zero() || hash == EMPTY_CODE_HASH {
            return Err(fail());
        }
        let market = self.vm().contract_address();
        let balance = |this: &Self| {
            this.query(token, IErc20::balanceOfCall::SELECTOR, &[market.word()], 1)
                .map(|r| abi::word_at(&r, 0))
        };
        let before = balance(self).ok_or_else(fail)?;
        let args = [from.word(), market.word(), amount.word()];
        let ok = self
            .call_capped(
                RawCall::new().flush_storage_cache(),
                token,
                &abi::encode_call(IErc20::transferFromCall::SELECTOR, &args),
                32,
            )
            .is_some_and(|r| erc20_success(&r));
        let after = balance(self).ok_or_else(fail)?;
        if ok && after.checked_sub(before) == Some(amount) {
            Ok(())
        } else {
            Err(fail())
        }
    }

    /// An ERC-1155 `selector(account, id)` balance query.
    fn units_of(&self, c: Address, selector: [u8; 4], account: Address, id: U256) -> Option<U256> {
        self.query(c, selector, &[account.word(), id.word()], 1)
            .map(|r| abi::word_at(&r, 0))
    }

    /// Static call `selector(args)` on `target`; `Some(return data)` when it
    /// succeeded and returned at least `words` words (extra data ignored).
    fn query(
        &self,
        target: Address,
        selector: [u8; 4],
        args: &[B256],
        words: usize,
    ) -> Option<Vec<u8>> {
        let data = abi::encode_call(selector, args);
        let ret = self.call_capped(RawCall::new_static(), target, &data, 32 * words)?;
        (ret.len() == 32 * words).then_some(ret)
    }

    /// Mutating call `selector(args)` on `target` (storage flushed first);
    /// `Some(return data)` as in [`Self::query`].
    fn invoke(
        &self,
        target: Address,
        selector: [u8; 4],
        args: &[B256],
        words: usize,
    ) -> Option<Vec<u8>> {
        let data = abi::encode_call(selector, args);
        let ret = self.call_capped(
            RawCall::new().flush_storage_cache(),
            target,
            &data,
            32 * words,
        )?;
        (ret.len() == 32 * words).then_some(ret)
    }

    /// Makes `call` to `target`; on success returns at most the first `cap`
    /// bytes of its return data (no return-data bombs), else `None`.
    #[inline(never)]
    fn call_capped(
        &self,
        call: RawCall,
        target: Address,
        data: &[u8],
        cap: usize,
    ) -> Option<Vec<u8>> {
        // SAFETY: all state is written before any call and mutating calls
        // flush the storage cache; the contract is not `reentrant`, so a
        // callee cannot re-enter and alias storage.
        unsafe { call.skip_return_data().call(target, data) }.ok()?;
        let len = self.vm().return_data_size().min(cap);
        Some(if len == 0 {
            Vec::new()
        } else {
            self.vm().read_return_data(0, Some(len))
        })
    }
}

/// Whether ERC-20 return data means success: nothing, or the ABI word `true`.
fn erc20_success(ret: &[u8]) -> bool {
    ret.is_empty() || (ret.len() == 32 && ret[31] == 1 && ret[..31].iter().all(|&b| b == 0))
}

#[cfg(test)]
mod tests;
