//! Fractional IP shares: a vault that holds one IP asset (an ERC-721 token
//! or a number of ERC-1155 units) and issues a fixed supply of ERC-20 shares
//! whose holders receive the asset's revenue pro rata.
//!
//! * **Shares**: an ERC-20 with name, symbol and 18 decimals, minted once at
//!   [`ShareVault::initialize`] to the initial holders. It follows
//!   OpenZeppelin's `ERC20` semantics and ERC-6093 errors exactly but is
//!   written in this crate: linking `openzeppelin-stylus` cost about 3 KiB of
//!   compressed WASM (its code, its events' ABI encoders, and the software
//!   keccak it switches alloy to), which the 24 KiB limit could not afford.
//! * **Revenue**: ETH and up to [`MAX_REVENUE_TOKENS`] allow-listed ERC-20s.
//!   Nothing needs to call the vault when revenue arrives: plain ETH lands
//!   through the proxy's receive path (which never enters WASM) and ERC-20s
//!   by `transfer`. At every interaction the vault compares each token's
//!   balance with what it has already accounted and shares the difference
//!   among the current holders with a per-share accumulator
//!   (see [`logic`]): deposits, share transfers and claims are O(1) whatever
//!   the number of holders. [`ShareVault::claimable`], [`ShareVault::claim`].
//! * **Curator**: set at creation, transferable; it leases the asset on the
//!   suite's licence market, fixed at creation, and has no other power:
//!   [`ShareVault::set_market_approval`] (the market as the vault's lease
//!   operator on the asset) and `createOffer`/`updateOffer`/`cancelOffer`
//!   (offers of the vaulted asset that pay the vault, in ETH or a revenue
//!   token, for at most the vault's `maxLeaseDuration`; see
//!   [`ShareVault::fallback`]).
//! * **Redeem**: a holder of 100% of the supply burns it and receives the
//!   asset ([`ShareVault::redeem`]); revenue accrued before stays claimable by
//!   whoever earned it, revenue arriving later goes to the redeemer.
//!
//! Vaults are deployed by the vault factory as minimal proxies delegating to
//! one activated instance of this contract, then initialised in the same
//! transaction.
//!
//! **Limits and trust.**
//! * Every share transfer first accounts pending revenue of every revenue
//!   token (one `balanceOf` static call per ERC-20) and updates two
//!   corrections per token that has ever earned revenue: bounded by the
//!   9-token allow-list, independent of the number of holders.
//! * A revenue token whose `balanceOf` reverts is skipped (its new revenue is
//!   accounted later, to the holders of that time): a broken token never
//!   blocks transfers, claims of other tokens or redemption. Fee-on-transfer
//!   and rebasing tokens are unsupported. Revenue beyond ~2^127 base units of
//!   one token in total is left unaccounted rather than overflowing.
//! * **Trust: the curator** chooses whether, when and at what price the
//!   asset is leased, and nothing else. Its powers are an allow-list, not a
//!   deny-list: the only lease operator it can approve is the market fixed
//!   at creation, so it can never set a user or a user record itself; every
//!   offer it publishes pays the vault (the holders), in ETH or a revenue
//!   token, so it can neither divert lease revenue nor be paid in a token
//!   the holders cannot claim; every offer's `maxDuration` is at most the
//!   vault's `maxLeaseDuration` (fixed at creation, at most
//!   [`logic::MAX_LEASE_DURATION`]), so a lease it sells (even at price 0)
//!   ends, and once the longest one has expired the asset can be leased
//!   again and a 100 % holder can redeem it (an ERC-1155 asset's units are
//!   no longer frozen). It can never move, approve or burn the asset, move
//!   any token the vault holds, or call any other contract as the vault.
//!   The holders trust it to lease at fair prices: a price-0 offer gives
//!   licences away for up to `maxLeaseDuration` each.
//! * Contract holders that cannot receive ETH cannot claim ETH (the claim
//!   reverts with [`EthTransferFailed`]; nothing is lost, the amount stays
//!   claimable).
//! * No buyout and no EIP-2612 `permit`: both exceed the 24 KiB code limit
//!   this contract is already close to.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// On-chain builds are `no_std`: std's panic runtime and message formatting
// would otherwise be linked in.
#![cfg_attr(
    all(target_arch = "wasm32", not(any(test, feature = "export-abi"))),
    no_std
)]
// `#[entrypoint]` generates undocumented public items (the WASM export, the
// ABI printer); docs are enforced everywhere else (native builds, clippy).
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

/// Traps on panic (the `unreachable` instruction reverts the call) without
/// formatting a message. Nothing here panics on user input.
#[cfg(all(
    target_arch = "wasm32",
    not(any(test, feature = "export-abi", feature = "no-entrypoint"))
))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

pub mod logic;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{aliases::B32, Address, B256, I256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use stylus_sdk::{
    abi::Bytes,
    call::RawCall,
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageI256, StorageMap, StorageU256, StorageU64, StorageU8,
        StorageVec,
    },
};

stylus_ip_common::sol_decls! {
    // ERC-20 (ERC-6093 names).
    /// `sender` holds `balance` shares, fewer than the `needed`.
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    /// Shares cannot come from `sender` (the zero address).
    error ERC20InvalidSender(address sender);
    /// Shares cannot go to `receiver` (the zero address).
    error ERC20InvalidReceiver(address receiver);
    /// `spender` may move `allowance` shares, fewer than the `needed`.
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    /// `spender` (the zero address) cannot be approved.
    error ERC20InvalidSpender(address spender);
    /// An ERC-20 `token` transfer of revenue failed.
    error SafeErc20FailedOperation(address token);

    /// The vault was already initialised.
    error AlreadyInitialized();
    /// The asset address is zero.
    error InvalidAsset(address asset);
    /// The packed initialisation config does not decode, or names no market.
    error InvalidConfig();
    /// The vault's longest lease is above the market's bound (5 × 365 days).
    error InvalidMaxLeaseDuration(uint256 maxLeaseDuration);
    /// The share supply is zero or above 2^96.
    error InvalidSupply(uint256 supply);
    /// The name is longer than 95 bytes or the symbol longer than 31.
    error InvalidMetadata(uint256 nameLength, uint256 symbolLength);
    /// More than 8 revenue tokens.
    error TooManyRevenueTokens(uint256 count);
    /// A revenue token is the zero address, a duplicate, the vault or the asset.
    error InvalidRevenueToken(address token);
    /// `token` is neither ETH (the zero address) nor an allow-listed ERC-20.
    error TokenNotAllowed(address token);
    /// `holder` has nothing to claim in the requested tokens.
    error NothingToClaim(address holder);
    /// Sending `amount` wei to `to` failed.
    error EthTransferFailed(address to, uint256 amount);
    /// `account` is not the curator.
    error NotCurator(address account);
    /// A vault offer must pay the vault, not `payee`.
    error InvalidOfferPayee(address payee);
    /// A vault offer's `maxDuration` is above the vault's `maxLeaseDuration`.
    error OfferTooLong(uint256 maxDuration, uint256 maxLeaseDuration);
    /// `account` holds `balance` of the `supply` shares; redeeming needs all.
    error NotFullOwner(address account, uint256 balance, uint256 supply);
    /// The vault does not hold its asset (not yet received, or redeemed).
    error VaultNotActive();
    /// The vault accepts only its own asset, once: not `id` of `asset`.
    error UnexpectedAsset(address asset, uint256 id);
    /// An accumulator computation left its range (unreachable by design).
    error MathOverflow();

    /// The vault was initialised for `units` of `asset` id `id` (`units` = 0:
    /// ERC-721), with `supply` shares and `curator`.
    event VaultInitialized(address indexed asset, uint256 indexed id, uint256 units, uint256 supply, address curator);
    /// `amount` of new revenue in `token` (zero address: ETH) was accounted.
    event RevenueAccrued(address indexed token, uint256 amount);
    /// `holder` claimed `amount` of `token`.
    event RevenueClaimed(address indexed holder, address indexed token, uint256 amount);
    /// The curator changed.
    event CuratorTransferred(address indexed previousCurator, address indexed newCurator);
    /// `holder` burnt all shares and received the asset.
    event Redeemed(address indexed holder, address indexed asset, uint256 id, uint256 units);
    /// ERC-20 share transfer (also mint and burn).
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// ERC-20 allowance set.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// The terms of a licence-market offer (the market's `OfferTerms`).
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

    // The curator's offer functions and the token receiver hooks, served by
    // `ShareVault::fallback` (declared here so that the exported interface
    // lists them).
    /// Curator only: publishes an offer of the vaulted asset (`amount` units
    /// per licence of an ERC-1155 asset, 0 for an ERC-721 token) on the
    /// vault's market, paying the vault, in ETH or a revenue token, for at
    /// most `maxLeaseDuration`; returns the market's offer id.
    function createOffer(uint64 amount, OfferTerms calldata terms) external returns (uint256);
    /// Curator only: replaces the terms of one of the vault's offers (same rules).
    function updateOffer(uint256 offerId, OfferTerms calldata terms) external;
    /// Curator only: cancels one of the vault's offers.
    function cancelOffer(uint256 offerId) external;
    /// ERC-721 receiver hook: accepts only the vault's own token, once.
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data) external returns (bytes4);
    /// ERC-1155 receiver hook: accepts only exactly the vault's units, once.
    function onERC1155Received(address operator, address from, uint256 id, uint256 value, bytes calldata data) external returns (bytes4);
}

/// Maximum number of allow-listed ERC-20 revenue tokens (ETH comes on top).
pub const MAX_REVENUE_TOKENS: usize = 8;

/// `onERC721Received(address,address,uint256,bytes)`, also the ERC-165 id
/// of `IERC721Receiver` and the hook's magic return value.
const ON_ERC721_RECEIVED: [u8; 4] =
    stylus_sdk::function_selector!("onERC721Received", Address, Address, U256, Bytes);
/// `onERC1155Received(address,address,uint256,uint256,bytes)`, the hook's
/// magic return value.
const ON_ERC1155_RECEIVED: [u8; 4] =
    stylus_sdk::function_selector!("onERC1155Received", Address, Address, U256, U256, Bytes);

/// ERC-165 id of ERC-165 itself.
pub const IERC165_ID: [u8; 4] = [0x01, 0xff, 0xc9, 0xa7];
/// ERC-165 id of `IERC721Receiver` (`onERC721Received`).
pub const IERC721_RECEIVER_ID: [u8; 4] = [0x15, 0x0b, 0x7a, 0x02];
/// ERC-165 id of `IERC1155Receiver` (`onERC1155Received ^ onERC1155BatchReceived`).
pub const IERC1155_RECEIVER_ID: [u8; 4] = [0x4e, 0x23, 0x12, 0xe0];

/// `setLeaseOperator(address,bool)`, the same on both suite assets: the
/// only call the curator can make the vault send to its asset.
const SET_LEASE_OPERATOR: [u8; 4] =
    stylus_sdk::function_selector!("setLeaseOperator", Address, bool);

/// The licence market's offer functions the vault calls. `updateOffer` and
/// `cancelOffer` have the same signatures (hence selectors) on the vault and
/// on the market; `createOffer` takes the asset on the market.
mod market_abi {
    alloy_sol_types::sol! {
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
        function createOffer(address collection, uint256 tokenId, uint64 amount, OfferTerms terms) returns (uint256);
    }
}

/// Vault lifecycle, as returned by [`ShareVault::status`].
pub mod status {
    /// Not initialised.
    pub const UNINITIALIZED: u8 = 0;
    /// Initialised, waiting for the asset (only inside the factory's transaction).
    pub const AWAITING_ASSET: u8 = 1;
    /// Holds the asset.
    pub const ACTIVE: u8 = 2;
    /// Redeemed: the asset left, no shares exist.
    pub const REDEEMED: u8 = 3;
}

/// Errors of [`ShareVault`]. ABI-encoded by hand (selector and static
/// words) rather than by `#[derive(SolidityError)]`, which costs several KiB
/// of WASM; a unit test checks every variant against alloy's encoding.
#[derive(Debug)]
pub enum Error {
    /// See [`ERC20InsufficientBalance`].
    InsufficientBalance(ERC20InsufficientBalance),
    /// See [`ERC20InvalidSender`].
    InvalidSender(ERC20InvalidSender),
    /// See [`ERC20InvalidReceiver`].
    InvalidReceiver(ERC20InvalidReceiver),
    /// See [`ERC20InsufficientAllowance`].
    InsufficientAllowance(ERC20InsufficientAllowance),
    /// See [`ERC20InvalidSpender`].
    InvalidSpender(ERC20InvalidSpender),
    /// See [`SafeErc20FailedOperation`].
    SafeErc20Failed(SafeErc20FailedOperation),
    /// See [`AlreadyInitialized`].
    AlreadyInitialized(AlreadyInitialized),
    /// See [`InvalidAsset`].
    InvalidAsset(InvalidAsset),
    /// See [`InvalidConfig`].
    InvalidConfig(InvalidConfig),
    /// See [`InvalidSupply`].
    InvalidSupply(InvalidSupply),
    /// See [`InvalidMetadata`].
    InvalidMetadata(InvalidMetadata),
    /// See [`TooManyRevenueTokens`].
    TooManyRevenueTokens(TooManyRevenueTokens),
    /// See [`InvalidRevenueToken`].
    InvalidRevenueToken(InvalidRevenueToken),
    /// See [`TokenNotAllowed`].
    TokenNotAllowed(TokenNotAllowed),
    /// See [`NothingToClaim`].
    NothingToClaim(NothingToClaim),
    /// See [`EthTransferFailed`].
    EthTransferFailed(EthTransferFailed),
    /// See [`NotCurator`].
    NotCurator(NotCurator),
    /// See [`InvalidOfferPayee`].
    InvalidOfferPayee(InvalidOfferPayee),
    /// See [`OfferTooLong`].
    OfferTooLong(OfferTooLong),
    /// See [`InvalidMaxLeaseDuration`].
    InvalidMaxLeaseDuration(InvalidMaxLeaseDuration),
    /// See [`NotFullOwner`].
    NotFullOwner(NotFullOwner),
    /// See [`VaultNotActive`].
    VaultNotActive(VaultNotActive),
    /// See [`UnexpectedAsset`].
    UnexpectedAsset(UnexpectedAsset),
    /// See [`MathOverflow`].
    MathOverflow(MathOverflow),
}

// The errors are listed in the exported interface by `SOL_DECLS`.
stylus_ip_common::abi_structs!(Error);

/// ABI word of an address.
#[inline(never)]
fn aw(a: Address) -> B256 {
    a.into_word()
}

/// ABI word of a `uint256`.
#[inline(never)]
fn uw(x: U256) -> B256 {
    B256::from(x)
}

/// `selector ‖ words`: the ABI encoding of an error with static fields.
#[inline(never)]
fn revert_data(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    out
}

/// Emits a log with `topics` (the first is the event signature hash) and
/// static `data` words: the ABI encoding of an event with static fields.
fn emit(topics: &[B256], data: &[B256]) {
    let mut bytes = Vec::with_capacity(32 * data.len());
    for w in data {
        bytes.extend_from_slice(w.as_slice());
    }
    // At most 4 topics are ever passed, so this cannot fail.
    #[allow(deprecated)]
    let _ = stylus_sdk::evm::raw_log(topics, &bytes);
}

impl From<Error> for Vec<u8> {
    fn from(e: Error) -> Vec<u8> {
        match e {
            Error::InsufficientBalance(e) => revert_data(
                ERC20InsufficientBalance::SELECTOR,
                &[aw(e.sender), uw(e.balance), uw(e.needed)],
            ),
            Error::InvalidSender(e) => revert_data(ERC20InvalidSender::SELECTOR, &[aw(e.sender)]),
            Error::InvalidReceiver(e) => {
                revert_data(ERC20InvalidReceiver::SELECTOR, &[aw(e.receiver)])
            }
            Error::InsufficientAllowance(e) => revert_data(
                ERC20InsufficientAllowance::SELECTOR,
                &[aw(e.spender), uw(e.allowance), uw(e.needed)],
            ),
            Error::InvalidSpender(e) => {
                revert_data(ERC20InvalidSpender::SELECTOR, &[aw(e.spender)])
            }
            Error::SafeErc20Failed(e) => {
                revert_data(SafeErc20FailedOperation::SELECTOR, &[aw(e.token)])
            }
            Error::AlreadyInitialized(_) => revert_data(AlreadyInitialized::SELECTOR, &[]),
            Error::InvalidAsset(e) => revert_data(InvalidAsset::SELECTOR, &[aw(e.asset)]),
            Error::InvalidConfig(_) => revert_data(InvalidConfig::SELECTOR, &[]),
            Error::InvalidSupply(e) => revert_data(InvalidSupply::SELECTOR, &[uw(e.supply)]),
            Error::InvalidMetadata(e) => revert_data(
                InvalidMetadata::SELECTOR,
                &[uw(e.nameLength), uw(e.symbolLength)],
            ),
            Error::TooManyRevenueTokens(e) => {
                revert_data(TooManyRevenueTokens::SELECTOR, &[uw(e.count)])
            }
            Error::InvalidRevenueToken(e) => {
                revert_data(InvalidRevenueToken::SELECTOR, &[aw(e.token)])
            }
            Error::TokenNotAllowed(e) => revert_data(TokenNotAllowed::SELECTOR, &[aw(e.token)]),
            Error::NothingToClaim(e) => revert_data(NothingToClaim::SELECTOR, &[aw(e.holder)]),
            Error::EthTransferFailed(e) => {
                revert_data(EthTransferFailed::SELECTOR, &[aw(e.to), uw(e.amount)])
            }
            Error::NotCurator(e) => revert_data(NotCurator::SELECTOR, &[aw(e.account)]),
            Error::InvalidOfferPayee(e) => revert_data(InvalidOfferPayee::SELECTOR, &[aw(e.payee)]),
            Error::OfferTooLong(e) => revert_data(
                OfferTooLong::SELECTOR,
                &[uw(e.maxDuration), uw(e.maxLeaseDuration)],
            ),
            Error::InvalidMaxLeaseDuration(e) => {
                revert_data(InvalidMaxLeaseDuration::SELECTOR, &[uw(e.maxLeaseDuration)])
            }
            Error::NotFullOwner(e) => revert_data(
                NotFullOwner::SELECTOR,
                &[aw(e.account), uw(e.balance), uw(e.supply)],
            ),
            Error::VaultNotActive(_) => revert_data(VaultNotActive::SELECTOR, &[]),
            Error::UnexpectedAsset(e) => {
                revert_data(UnexpectedAsset::SELECTOR, &[aw(e.asset), uw(e.id)])
            }
            Error::MathOverflow(_) => revert_data(MathOverflow::SELECTOR, &[]),
        }
    }
}

impl From<logic::Overflow> for Error {
    fn from(_: logic::Overflow) -> Self {
        Error::MathOverflow(MathOverflow {})
    }
}

/// The share vault (one per vaulted asset, behind a minimal proxy).
#[cfg_attr(not(feature = "no-entrypoint"), entrypoint)]
#[storage]
pub struct ShareVault {
    /// ERC-20 balances.
    balances: StorageMap<Address, StorageU256>,
    /// ERC-20 allowances: owner → spender → amount.
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// ERC-20 total supply.
    total_supply: StorageU256,
    /// Share name, packed by [`logic::pack_str`] over three words (≤ 95 bytes).
    name0: StorageB256,
    name1: StorageB256,
    name2: StorageB256,
    /// Share symbol, packed by [`logic::pack_str`] (≤ 31 bytes).
    symbol: StorageB256,
    /// The vaulted asset contract.
    asset: StorageAddress,
    /// Lifecycle, see [`status`] (packed with `asset`).
    state: StorageU8,
    /// Token id of the asset.
    asset_id: StorageU256,
    /// ERC-1155 units held; 0 means the asset is an ERC-721 token.
    asset_units: StorageU256,
    curator: StorageAddress,
    /// Longest lease the vault's offers may sell (packed with `curator`).
    max_lease: StorageU64,
    /// The suite's licence market (fixed at initialisation).
    market: StorageAddress,
    /// Who redeemed; receives revenue arriving after redemption.
    redeemer: StorageAddress,
    /// Allow-listed ERC-20 revenue tokens (ETH, the zero address, is implicit).
    tokens: StorageVec<StorageAddress>,
    /// Per token: per-share accumulator, magnified by [`logic::SCALE`].
    acc: StorageMap<Address, StorageU256>,
    /// Per token: the part of the vault's balance already accounted
    /// (accrued to holders and not yet paid out, plus rounding dust).
    accounted: StorageMap<Address, StorageU256>,
    /// Per holder, per token: accumulator correction (see [`logic`]).
    corr: StorageMap<Address, StorageMap<Address, StorageI256>>,
}

#[cfg(feature = "no-entrypoint")]
// SAFETY: the vault is a top-level contract; without `#[entrypoint]` (used
// only to link it into another crate's native tests) the marker must be
// implemented by hand, exactly as `#[entrypoint]` would.
unsafe impl TopLevelStorage for ShareVault {}

#[public]
impl ShareVault {
    /// Initialises a fresh vault; the factory does it right after creating
    /// the proxy, then transfers the asset in. `config` is a
    /// [`logic::Config`] packed by [`logic::encode_config`]: `units` of
    /// `asset` id `id` (`units` = 0 for an ERC-721 token), the curator (zero:
    /// none), the licence market and the longest lease the vault's offers
    /// may sell, the ERC-20 revenue allow-list (ETH is always accepted), the
    /// share name and symbol, and the initial holders with their amounts.
    /// Revenue sent to the vault's address before this is accounted at the
    /// first interaction, to the initial holders.
    ///
    /// # Errors
    /// [`Error::AlreadyInitialized`] if run before; [`Error::InvalidConfig`]
    /// if `config` does not decode or its market is zero;
    /// [`Error::InvalidMaxLeaseDuration`] above
    /// [`logic::MAX_LEASE_DURATION`]; [`Error::InvalidAsset`] for a zero asset;
    /// [`Error::InvalidSupply`] if the amounts sum to zero (no holders) or
    /// above 2^96; [`Error::TooManyRevenueTokens`] for more than 8 tokens;
    /// [`Error::InvalidRevenueToken`] for a zero, duplicate, self or asset
    /// token; [`Error::InvalidMetadata`] for a name over 95 or a symbol over
    /// 31 bytes; [`Error::InvalidReceiver`] for a zero holder or the vault
    /// itself (shares it held could never move, and nobody could ever hold
    /// 100 % to redeem).
    ///
    /// # Events
    /// [`Transfer`] per holder, [`VaultInitialized`].
    pub fn initialize(&mut self, config: Bytes) -> Result<(), Error> {
        if self.status() != status::UNINITIALIZED {
            return Err(Error::AlreadyInitialized(AlreadyInitialized {}));
        }
        let logic::Config {
            asset,
            id,
            units,
            curator,
            market,
            max_lease_duration,
            revenue_tokens,
            name,
            symbol,
            holders,
        } = logic::decode_config(&config)
            .filter(|c| !c.market.is_zero())
            .ok_or(Error::InvalidConfig(InvalidConfig {}))?;
        if max_lease_duration > logic::MAX_LEASE_DURATION {
            return Err(Error::InvalidMaxLeaseDuration(InvalidMaxLeaseDuration {
                maxLeaseDuration: U256::from(max_lease_duration),
            }));
        }
        if asset.is_zero() {
            return Err(Error::InvalidAsset(InvalidAsset { asset }));
        }
        // The sum saturates: an overflowing total shows as 2^256 − 1.
        let supply = holders
            .iter()
            .fold(U256::ZERO, |sum, h| sum.saturating_add(h.1));
        if !logic::valid_supply(supply) {
            return Err(Error::InvalidSupply(InvalidSupply { supply }));
        }
        let (Some(name_words), Some([symbol_word])) =
            (logic::pack_str::<3>(&name), logic::pack_str::<1>(&symbol))
        else {
            return Err(Error::InvalidMetadata(InvalidMetadata {
                nameLength: U256::from(name.len()),
                symbolLength: U256::from(symbol.len()),
            }));
        };
        if revenue_tokens.len() > MAX_REVENUE_TOKENS {
            return Err(Error::TooManyRevenueTokens(TooManyRevenueTokens {
                count: U256::from(revenue_tokens.len()),
            }));
        }
        let this = self.vm().contract_address();
        for (i, token) in revenue_tokens.iter().enumerate() {
            if token.is_zero()
                || *token == this
                || *token == asset
                || revenue_tokens[..i].contains(token)
            {
                return Err(Error::InvalidRevenueToken(InvalidRevenueToken {
                    token: *token,
                }));
            }
        }

        self.set_status(status::AWAITING_ASSET);
        self.asset.set(asset);
        self.asset_id.set(id);
        self.asset_units.set(units);
        self.curator.set(curator);
        self.market.set(market);
        self.max_lease
            .set(alloy_primitives::U64::from(max_lease_duration));
        let [n0, n1, n2] = name_words;
        self.name0.set(n0);
        self.name1.set(n1);
        self.name2.set(n2);
        self.symbol.set(symbol_word);
        for token in revenue_tokens {
            self.tokens.push(token);
        }
        // No revenue can have been accounted yet (acc = 0), so minting needs
        // no correction.
        for (holder, amount) in holders {
            if holder.is_zero() || holder == this {
                return Err(Error::InvalidReceiver(ERC20InvalidReceiver {
                    receiver: holder,
                }));
            }
            self.move_shares(Address::ZERO, holder, amount)?;
        }
        emit(
            &[VaultInitialized::SIGNATURE_HASH, aw(asset), uw(id)],
            &[uw(units), uw(supply), aw(curator)],
        );
        Ok(())
    }

    // ------------------------------------------------------------------
    // ERC-20 shares
    // ------------------------------------------------------------------

    /// Share token name.
    pub fn name(&self) -> String {
        logic::unpack_str(&[self.name0.get(), self.name1.get(), self.name2.get()])
    }

    /// Share token symbol.
    pub fn symbol(&self) -> String {
        logic::unpack_str(&[self.symbol.get()])
    }

    /// Share decimals: 18.
    pub fn decimals(&self) -> u8 {
        18
    }

    /// Total share supply (fixed from initialisation until redemption, then 0).
    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    /// Shares held by `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// Shares `spender` may move for `owner`.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    /// Lets `spender` move `value` of the caller's shares.
    ///
    /// # Errors
    /// [`Error::InvalidSpender`] for the zero address.
    ///
    /// # Events
    /// [`Approval`].
    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        if spender.is_zero() {
            return Err(Error::InvalidSpender(ERC20InvalidSpender { spender }));
        }
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).insert(spender, value);
        emit(
            &[Approval::SIGNATURE_HASH, aw(owner), aw(spender)],
            &[uw(value)],
        );
        Ok(true)
    }

    /// Moves `value` shares from the caller to `to`. Revenue accrued so far
    /// stays claimable by the caller; later revenue follows the shares.
    ///
    /// # Errors
    /// [`Error::InvalidReceiver`] for the zero address or the vault itself,
    /// [`Error::InsufficientBalance`] if the caller holds too few shares.
    ///
    /// # Events
    /// [`Transfer`]; [`RevenueAccrued`] per token with new revenue.
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        let from = self.vm().msg_sender();
        self.transfer_shares(from, to, value)?;
        Ok(true)
    }

    /// Moves `value` shares from `from` to `to` using the caller's
    /// allowance (an allowance of `2^256 − 1` is infinite and not spent).
    ///
    /// # Errors
    /// [`Error::InsufficientAllowance`], [`Error::InvalidSender`],
    /// [`Error::InvalidReceiver`], [`Error::InsufficientBalance`].
    ///
    /// # Events
    /// [`Transfer`] (as OpenZeppelin, no [`Approval`] for spending);
    /// [`RevenueAccrued`] per token with new revenue.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Error> {
        let spender = self.vm().msg_sender();
        let allowance = self.allowances.getter(from).get(spender);
        if allowance != U256::MAX {
            let Some(left) = allowance.checked_sub(value) else {
                return Err(Error::InsufficientAllowance(ERC20InsufficientAllowance {
                    spender,
                    allowance,
                    needed: value,
                }));
            };
            self.allowances.setter(from).insert(spender, left);
        }
        self.transfer_shares(from, to, value)?;
        Ok(true)
    }

    // ------------------------------------------------------------------
    // Revenue
    // ------------------------------------------------------------------

    /// The allow-listed ERC-20 revenue tokens (ETH, the zero address, is
    /// always accepted on top).
    pub fn revenue_tokens(&self) -> Vec<Address> {
        (0..self.tokens.len())
            .filter_map(|i| self.tokens.get(i))
            .collect()
    }

    /// What `holder` can claim of `token` (zero address: ETH) now, including
    /// revenue that arrived but was not yet accounted.
    ///
    /// # Errors
    /// [`Error::TokenNotAllowed`] if `token` is not a revenue token.
    pub fn claimable(&self, holder: Address, token: Address) -> Result<U256, Error> {
        self.require_revenue_token(token)?;
        let mut acc = self.acc.get(token);
        let mut corr = self.corr.getter(holder).get(token);
        if let Some(p) = self.pending(token) {
            acc = p.acc;
            if let Some((redeemer, credited)) = p.credit {
                if redeemer == holder {
                    corr = credited;
                }
            }
        }
        Ok(logic::claimable(acc, self.balances.get(holder), corr)?)
    }

    /// Pays the caller everything it can claim in each of `tokens` (zero
    /// address: ETH). Tokens with nothing due are skipped.
    ///
    /// # Errors
    /// [`Error::TokenNotAllowed`] for a token not on the allow-list;
    /// [`Error::NothingToClaim`] if nothing is due in any of them;
    /// [`Error::EthTransferFailed`] / [`Error::SafeErc20Failed`] if a payout
    /// fails (the whole claim reverts; claim the other tokens separately).
    ///
    /// # Events
    /// [`RevenueAccrued`] per token with new revenue, [`RevenueClaimed`] per
    /// token paid.
    pub fn claim(&mut self, tokens: Vec<Address>) -> Result<(), Error> {
        let holder = self.vm().msg_sender();
        let mut paid = false;
        for token in tokens {
            self.require_revenue_token(token)?;
            let acc = self.sync(token);
            let corr = self.corr.getter(holder).get(token);
            let amount = logic::claimable(acc, self.balances.get(holder), corr)?;
            if amount.is_zero() {
                continue;
            }
            paid = true;
            // Effects before the interaction: a re-entrant claim finds nothing.
            self.corr
                .setter(holder)
                .insert(token, logic::on_claim(corr, amount)?);
            let accounted = self.accounted.get(token);
            self.accounted
                .insert(token, accounted.checked_sub(amount).ok_or(logic::Overflow)?);
            emit(
                &[RevenueClaimed::SIGNATURE_HASH, aw(holder), aw(token)],
                &[uw(amount)],
            );
            pay(token, holder, amount)?;
        }
        if !paid {
            return Err(Error::NothingToClaim(NothingToClaim { holder }));
        }
        Ok(())
    }

    // ------------------------------------------------------------------
    // Asset, curator, redemption
    // ------------------------------------------------------------------

    /// The vaulted asset: `(contract, id, units)`, `units` = 0 for ERC-721.
    pub fn asset(&self) -> (Address, U256, U256) {
        (
            self.asset.get(),
            self.asset_id.get(),
            self.asset_units.get(),
        )
    }

    /// Lifecycle: 0 uninitialised, 1 awaiting the asset, 2 active, 3 redeemed.
    pub fn status(&self) -> u8 {
        self.state.get().as_limbs()[0] as u8
    }

    /// The curator (zero: none).
    pub fn curator(&self) -> Address {
        self.curator.get()
    }

    /// Hands the curator role to `new_curator` (zero renounces it).
    ///
    /// # Errors
    /// [`Error::NotCurator`] if the caller is not the curator.
    ///
    /// # Events
    /// [`CuratorTransferred`].
    pub fn transfer_curator(&mut self, new_curator: Address) -> Result<(), Error> {
        let previous = self.only_curator()?;
        self.curator.set(new_curator);
        emit(
            &[
                CuratorTransferred::SIGNATURE_HASH,
                aw(previous),
                aw(new_curator),
            ],
            &[],
        );
        Ok(())
    }

    /// The suite's licence market: the only contract the curator can make
    /// the vault approve as lease operator and publish offers on.
    pub fn market(&self) -> Address {
        self.market.get()
    }

    /// The longest lease (seconds) any offer of the vault may sell.
    pub fn max_lease_duration(&self) -> u64 {
        self.max_lease.get().to()
    }

    /// Curator only: makes the vault approve (or revoke) its licence
    /// market as lease operator on the vaulted asset
    /// (`setLeaseOperator(market, approved)`, the same on an ERC-721 and an
    /// ERC-1155 asset of the suite). No other account can ever be approved.
    ///
    /// # Errors
    /// [`Error::NotCurator`]; the asset's own revert data, verbatim.
    ///
    /// # Events
    /// The asset's `LeaseOperatorSet`.
    pub fn set_market_approval(&mut self, approved: bool) -> Result<(), Vec<u8>> {
        self.only_curator()?;
        call(
            self.asset.get(),
            SET_LEASE_OPERATOR,
            &[aw(self.market.get()), uw(U256::from(u8::from(approved)))],
            false,
        )?;
        Ok(())
    }

    /// Burns all shares of the caller, who must hold the whole supply, and
    /// sends it the asset (ERC-721 `safeTransferFrom`, or the ERC-1155 units).
    /// Revenue accrued until now stays claimable; revenue arriving later is
    /// credited to the caller.
    ///
    /// # Errors
    /// [`Error::VaultNotActive`] if the vault does not hold its asset;
    /// [`Error::NotFullOwner`] without 100% of the shares; the asset's own
    /// revert data if the transfer fails (e.g. ERC-1155 units frozen by an
    /// active lease, or a receiver rejecting the token).
    ///
    /// # Events
    /// [`RevenueAccrued`], [`Transfer`] (burn), [`Redeemed`].
    pub fn redeem(&mut self) -> Result<(), Vec<u8>> {
        if self.status() != status::ACTIVE {
            return Err(Error::VaultNotActive(VaultNotActive {}).into());
        }
        let holder = self.vm().msg_sender();
        let supply = self.total_supply.get();
        let balance = self.balances.get(holder);
        if balance != supply {
            return Err(Error::NotFullOwner(NotFullOwner {
                account: holder,
                balance,
                supply,
            })
            .into());
        }
        // Account everything due before the supply goes to zero.
        self.settle(holder, Address::ZERO, balance)?;
        self.move_shares(holder, Address::ZERO, balance)?;
        self.set_status(status::REDEEMED);
        self.redeemer.set(holder);
        let (asset, id, units) = self.asset();
        emit(
            &[Redeemed::SIGNATURE_HASH, aw(holder), aw(asset)],
            &[uw(id), uw(units)],
        );
        let this = aw(self.vm().contract_address());
        if units.is_zero() {
            call(asset, SAFE_TRANSFER_721, &[this, aw(holder), uw(id)], false)?;
        } else {
            // `data` is empty: its offset (5 words) and a zero length.
            call(
                asset,
                SAFE_TRANSFER_1155,
                &[
                    this,
                    aw(holder),
                    uw(id),
                    uw(units),
                    uw(U256::from(0xa0)),
                    B256::ZERO,
                ],
                false,
            )?;
        }
        Ok(())
    }

    /// The token receiver hooks, decoded by hand here rather than as
    /// `#[public]` methods (whose generic ABI decoding would cost about
    /// 1.6 KiB of the compressed WASM); they are declared in the exported
    /// interface all the same:
    ///
    /// * `onERC721Received(address operator, address from, uint256 tokenId,
    ///   bytes data) returns (bytes4)` accepts only the vault's own token,
    ///   once, while awaiting it (inside the factory's transaction);
    /// * `onERC1155Received(address operator, address from, uint256 id,
    ///   uint256 value, bytes data) returns (bytes4)` accepts only exactly
    ///   the vault's units of its own id, once, while awaiting them.
    ///
    /// The curator's offer functions are served here too, for the same
    /// reason (the `OfferTerms` tuple is checked in place and forwarded to
    /// the market as it came, see [`logic::check_offer`]):
    ///
    /// * `createOffer(uint64 amount, OfferTerms terms) returns (uint256)`
    ///   calls the market's `createOffer(asset, id, amount, terms)` and
    ///   returns its offer id;
    /// * `updateOffer(uint256 offerId, OfferTerms terms)` and
    ///   `cancelOffer(uint256 offerId)` call the market's functions of the
    ///   same signature (the market only lets the vault change its own
    ///   offers).
    ///
    /// A vault offer must name the vault as payee, ETH (zero) or one of the
    /// revenue tokens as payment token, and a `maxDuration` of at most
    /// [`Self::max_lease_duration`]: the curator can neither divert lease
    /// revenue nor lock the asset longer than the holders agreed to.
    ///
    /// `onERC1155BatchReceived` and any other unknown selector revert with
    /// no data, as without a fallback (so does a malformed offer call).
    ///
    /// # Errors
    /// [`Error::UnexpectedAsset`] from a hook for anything else;
    /// [`Error::NotCurator`], [`Error::InvalidOfferPayee`],
    /// [`Error::TokenNotAllowed`], [`Error::OfferTooLong`] from the offer
    /// functions, and the market's own revert data, verbatim.
    ///
    /// # Events
    /// The market's (`OfferCreated`, `OfferTermsSet`, `OfferCancelled`).
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let selector = calldata.get(..4).unwrap_or_default();
        if selector == createOfferCall::SELECTOR
            || selector == updateOfferCall::SELECTOR
            || selector == cancelOfferCall::SELECTOR
        {
            return self.curator_offer(calldata);
        }
        let units_at = if selector == ON_ERC721_RECEIVED {
            None
        } else if selector == ON_ERC1155_RECEIVED {
            Some(100)
        } else {
            return Err(Vec::new());
        };
        // Truncated arguments read as zero, which no vault accepts.
        let word = |at: usize| {
            calldata
                .get(at..at + 32)
                .map(U256::from_be_slice)
                .unwrap_or_default()
        };
        let (id, units) = (word(68), units_at.map_or(U256::ZERO, word));
        if units_at.is_some() && units.is_zero() {
            return Err(self.unexpected(id).into());
        }
        self.receive_asset(id, units)?;
        let mut magic = selector.to_vec();
        magic.resize(32, 0);
        Ok(magic)
    }

    /// ERC-165: ERC-165, `IERC721Receiver`, `IERC1155Receiver`.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        let id: [u8; 4] = interface_id.into();
        id == IERC165_ID || id == IERC721_RECEIVER_ID || id == IERC1155_RECEIVER_ID
    }
}

impl ShareVault {
    /// ERC-20 transfer between two holders: OpenZeppelin's `_transfer`
    /// checks, then the revenue hook, then the balance move.
    fn transfer_shares(&mut self, from: Address, to: Address, value: U256) -> Result<(), Error> {
        if from.is_zero() {
            return Err(Error::InvalidSender(ERC20InvalidSender { sender: from }));
        }
        // Shares sent to the vault itself could never move again, and the
        // revenue they earn could never be claimed: refused like zero.
        if to.is_zero() || to == self.vm().contract_address() {
            return Err(Error::InvalidReceiver(ERC20InvalidReceiver {
                receiver: to,
            }));
        }
        self.move_shares(from, to, value)?;
        self.settle(from, to, value)
    }

    /// OpenZeppelin's `_update`: moves `value` shares from `from` to `to`;
    /// from zero mints, to zero burns.
    ///
    /// # Errors
    /// [`Error::InsufficientBalance`]; [`Error::MathOverflow`] if a mint
    /// would overflow (unreachable: `initialize` bounds the supply first).
    ///
    /// # Events
    /// [`Transfer`].
    fn move_shares(&mut self, from: Address, to: Address, value: U256) -> Result<(), Error> {
        if from.is_zero() {
            let supply = self
                .total_supply
                .get()
                .checked_add(value)
                .ok_or(logic::Overflow)?;
            self.total_supply.set(supply);
        } else {
            let balance = self.balances.get(from);
            let Some(left) = balance.checked_sub(value) else {
                return Err(Error::InsufficientBalance(ERC20InsufficientBalance {
                    sender: from,
                    balance,
                    needed: value,
                }));
            };
            self.balances.insert(from, left);
        }
        if to.is_zero() {
            // `value ≤ balance(from) ≤ total supply`: cannot underflow.
            let supply = self
                .total_supply
                .get()
                .checked_sub(value)
                .ok_or(logic::Overflow)?;
            self.total_supply.set(supply);
        } else {
            // `balance(to) + value ≤ total supply`: cannot overflow.
            let balance = self
                .balances
                .get(to)
                .checked_add(value)
                .ok_or(logic::Overflow)?;
            self.balances.insert(to, balance);
        }
        emit(&[Transfer::SIGNATURE_HASH, aw(from), aw(to)], &[uw(value)]);
        Ok(())
    }

    fn set_status(&mut self, status: u8) {
        self.state
            .set(alloy_primitives::U8::from_limbs([u64::from(status)]));
    }

    /// The revenue token at index `i`: 0 is ETH (the zero address), then the
    /// allow-listed ERC-20s.
    fn token_at(&self, i: usize) -> Address {
        if i == 0 {
            Address::ZERO
        } else {
            self.tokens.get(i - 1).unwrap_or_default()
        }
    }

    fn is_revenue_token(&self, token: Address) -> bool {
        token.is_zero() || (0..self.tokens.len()).any(|i| self.tokens.get(i) == Some(token))
    }

    fn require_revenue_token(&self, token: Address) -> Result<(), Error> {
        if self.is_revenue_token(token) {
            Ok(())
        } else {
            Err(Error::TokenNotAllowed(TokenNotAllowed { token }))
        }
    }

    fn only_curator(&self) -> Result<Address, Error> {
        let sender = self.vm().msg_sender();
        let curator = self.curator.get();
        if curator.is_zero() || sender != curator {
            return Err(Error::NotCurator(NotCurator { account: sender }));
        }
        Ok(curator)
    }

    /// Serves the curator's `createOffer`/`updateOffer`/`cancelOffer` (see
    /// [`Self::fallback`]); `calldata` starts with one of their selectors.
    fn curator_offer(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        self.only_curator()?;
        let selector: [u8; 4] = calldata[..4].try_into().unwrap_or_default();
        let data = if selector == cancelOfferCall::SELECTOR {
            // `cancelOffer(uint256)`: the market's has the same layout.
            calldata.get(..36).ok_or_else(Vec::new)?.to_vec()
        } else {
            let (first, tuple) = logic::offer_args(calldata).ok_or_else(Vec::new)?;
            let vault = self.vm().contract_address();
            logic::check_offer(tuple, vault, self.max_lease_duration(), |t| {
                self.is_revenue_token(t)
            })
            .map_err(|refusal| match refusal {
                logic::OfferRefusal::Malformed => Vec::new(),
                logic::OfferRefusal::Payee(payee) => {
                    Error::InvalidOfferPayee(InvalidOfferPayee { payee }).into()
                }
                logic::OfferRefusal::Token(token) => {
                    Error::TokenNotAllowed(TokenNotAllowed { token }).into()
                }
                logic::OfferRefusal::TooLong(max) => Error::OfferTooLong(OfferTooLong {
                    maxDuration: max,
                    maxLeaseDuration: U256::from(self.max_lease_duration()),
                })
                .into(),
            })?;
            if selector == createOfferCall::SELECTOR {
                let (asset, id, _) = self.asset();
                logic::market_offer_call(
                    market_abi::createOfferCall::SELECTOR,
                    &[aw(asset), uw(id), first],
                    tuple,
                )
            } else {
                logic::market_offer_call(updateOfferCall::SELECTOR, &[first], tuple)
            }
        };
        // SAFETY: the vault is not re-entrant (the SDK's default), the call
        // carries no value, and the storage cache is flushed first.
        unsafe {
            RawCall::new()
                .flush_storage_cache()
                .call(self.market.get(), &data)
        }
    }

    fn unexpected(&self, id: U256) -> Error {
        Error::UnexpectedAsset(UnexpectedAsset {
            asset: self.vm().msg_sender(),
            id,
        })
    }

    /// Marks the asset received if the caller is the asset contract, `id` is
    /// the vault's id and `units` its units (0 for ERC-721), while awaiting.
    fn receive_asset(&mut self, id: U256, units: U256) -> Result<(), Error> {
        let (asset, want_id, want_units) = self.asset();
        if self.status() != status::AWAITING_ASSET
            || self.vm().msg_sender() != asset
            || id != want_id
            || units != want_units
        {
            return Err(self.unexpected(id));
        }
        self.set_status(status::ACTIVE);
        Ok(())
    }

    /// The vault's current balance of `token` (zero address: ETH), or `None`
    /// if an ERC-20 `balanceOf` call fails (then nothing is accounted for that
    /// token this time; a broken token never blocks transfers or claims).
    fn token_balance(&self, token: Address) -> Option<U256> {
        let this = self.vm().contract_address();
        if token.is_zero() {
            Some(self.vm().balance(this))
        } else {
            let out = call(token, BALANCE_OF, &[aw(this)], true).ok()?;
            (out.len() == 32).then(|| U256::from_be_slice(&out))
        }
    }

    /// What accounting the unaccounted revenue of `token` would do, if there
    /// is any and it can be accounted: the vault's balance, the amount, and
    /// either the new accumulator (shares exist) or the redeemer and its new
    /// correction (after redemption).
    fn pending(&self, token: Address) -> Option<Pending> {
        let balance = self.token_balance(token)?;
        let fresh = logic::fresh(balance, self.accounted.get(token));
        if fresh.is_zero() {
            return None;
        }
        let supply = self.total_supply.get();
        let acc = self.acc.get(token);
        if supply.is_zero() {
            let redeemer = self.redeemer.get();
            if redeemer.is_zero() {
                return None;
            }
            let corr = logic::on_credit(self.corr.getter(redeemer).get(token), fresh).ok()?;
            Some(Pending {
                balance,
                fresh,
                acc,
                credit: Some((redeemer, corr)),
            })
        } else {
            let acc = logic::accrue(acc, fresh, supply)?;
            Some(Pending {
                balance,
                fresh,
                acc,
                credit: None,
            })
        }
    }

    /// Accounts the revenue of `token` that arrived since the last
    /// interaction ([`Self::pending`]) and returns the accumulator. Never
    /// fails: revenue that cannot be accounted (beyond the documented bounds,
    /// or before initialisation) stays pending.
    fn sync(&mut self, token: Address) -> U256 {
        let Some(p) = self.pending(token) else {
            return self.acc.get(token);
        };
        match p.credit {
            Some((redeemer, corr)) => self.corr.setter(redeemer).insert(token, corr),
            None => self.acc.insert(token, p.acc),
        }
        self.accounted.insert(token, p.balance);
        emit(&[RevenueAccrued::SIGNATURE_HASH, aw(token)], &[uw(p.fresh)]);
        p.acc
    }

    /// Hook run when `shares` move from `from` to `to` (zero: burn): accounts
    /// every revenue token first, then moves the accrued-so-far out of the
    /// shares' way with the two corrections.
    fn settle(&mut self, from: Address, to: Address, shares: U256) -> Result<(), Error> {
        if shares.is_zero() || from == to {
            return Ok(());
        }
        for i in 0..=self.tokens.len() {
            let token = self.token_at(i);
            let acc = self.sync(token);
            if acc.is_zero() {
                continue;
            }
            if !from.is_zero() {
                let corr: I256 = self.corr.getter(from).get(token);
                self.corr
                    .setter(from)
                    .insert(token, logic::on_send(corr, acc, shares)?);
            }
            if !to.is_zero() {
                let corr: I256 = self.corr.getter(to).get(token);
                self.corr
                    .setter(to)
                    .insert(token, logic::on_receive(corr, acc, shares)?);
            }
        }
        Ok(())
    }
}

/// See [`ShareVault::pending`].
struct Pending {
    balance: U256,
    fresh: U256,
    acc: U256,
    credit: Option<(Address, I256)>,
}

/// Pays `amount` of `token` (zero address: ETH, with all gas) to `to`.
/// ERC-20s may return `true` or nothing, as OpenZeppelin's `SafeERC20`.
fn pay(token: Address, to: Address, amount: U256) -> Result<(), Error> {
    if token.is_zero() {
        // SAFETY: not re-entrant (SDK default); storage flushed first.
        unsafe {
            RawCall::new_with_value(amount)
                .flush_storage_cache()
                .skip_return_data()
                .call(to, &[])
        }
        .map(drop)
        .map_err(|_| Error::EthTransferFailed(EthTransferFailed { to, amount }))
    } else {
        match call(token, TRANSFER, &[aw(to), uw(amount)], false) {
            Ok(data) if data.is_empty() || data.as_slice() == uw(U256::from(1)).as_slice() => {
                Ok(())
            }
            _ => Err(Error::SafeErc20Failed(SafeErc20FailedOperation { token })),
        }
    }
}

/// Calls (or static-calls) `target` with `selector ‖ words`, no value, the
/// storage cache flushed first; returns the return data or the revert data.
/// Hand-encoded (all arguments are static words) to keep the WASM small.
fn call(
    target: Address,
    selector: [u8; 4],
    words: &[B256],
    read_only: bool,
) -> Result<Vec<u8>, Vec<u8>> {
    let data = revert_data(selector, words);
    let raw = if read_only {
        RawCall::new_static()
    } else {
        RawCall::new()
    };
    // SAFETY: the vault is not re-entrant (the SDK's default: a re-entrant
    // call reverts), and pending storage writes are flushed before the call.
    unsafe { raw.flush_storage_cache().call(target, &data) }
}

/// `transfer(address,uint256)` (ERC-20 payout).
const TRANSFER: [u8; 4] = stylus_sdk::function_selector!("transfer", Address, U256);
/// `balanceOf(address)` (ERC-20 revenue balance).
const BALANCE_OF: [u8; 4] = stylus_sdk::function_selector!("balanceOf", Address);
/// `safeTransferFrom(address,address,uint256)` (ERC-721 redemption).
const SAFE_TRANSFER_721: [u8; 4] =
    stylus_sdk::function_selector!("safeTransferFrom", Address, Address, U256);
/// `safeTransferFrom(address,address,uint256,uint256,bytes)` (ERC-1155 redemption).
const SAFE_TRANSFER_1155: [u8; 4] =
    stylus_sdk::function_selector!("safeTransferFrom", Address, Address, U256, U256, Bytes);

#[cfg(test)]
mod tests;
