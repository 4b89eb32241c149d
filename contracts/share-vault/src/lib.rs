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
//!   among the current accruing holders with a per-share accumulator
//!   (see [`logic`]): deposits, share transfers and claims are O(1) whatever
//!   the number of holders. [`ShareVault::claimable`], [`ShareVault::claim`].
//! * **Permit**: EIP-2612 [`ShareVault::permit`] (an allowance set by the
//!   owner's EIP-712 signature, checked by the `ecrecover` precompile;
//!   OpenZeppelin's rules and errors, high-`s` signatures refused),
//!   [`ShareVault::nonces`], `DOMAIN_SEPARATOR()` and ERC-5267's
//!   `eip712Domain()` (name: the share token's, version "1"; computed on
//!   every call, so it follows a chain id change).
//! * **Pools** ([`ShareVault::register_pool`]): a Uniswap V2 pair of the
//!   shares, listed by the Uniswap V2 factory fixed at creation, can be
//!   registered by anyone as a **non-accruing** account, and so is the
//!   buyout module from initialisation. Non-accruing accounts hold and move
//!   shares exactly as any holder (no fee on transfer: a pair's
//!   `sync`/`skim` see exact balances) but earn no revenue: it is shared
//!   over the **accruing supply**, the total supply minus their balances
//!   ([`ShareVault::accruing_supply`]). What a pair had accrued and not
//!   claimed before its registration becomes fresh revenue again, shared
//!   among the accruing holders at the next accounting: nothing is lost.
//!   While nothing accrues, new revenue goes to the account the asset was
//!   released or redeemed to, if any; otherwise it waits and the first
//!   holders to accrue again share it. Known limit: if those first holders
//!   are a forwarding contract (Router02 in `removeLiquidityETH` receives
//!   the shares before passing them on), the waiting revenue is credited to
//!   it and stranded there. The suite's router is therefore non-accruing
//!   too (fixed by the vault factory): what waits goes to the holder the
//!   router forwards the shares to. Another forwarding contract would
//!   still take it; only a vault whose every share sits in pools, the
//!   offering or the buyout module can reach that state.
//! * **Buyout** ([`ShareVault::release_asset`]): the buyout module fixed at
//!   creation (zero: none) may take the asset out to a buyer while the
//!   vault holds it; the vault is then bought out (status 4): shares still
//!   move, permit and earn revenue that arrives, offers and redemption end.
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
//! **Size.** Every function is served by the fallback (`ShareVault::serve`),
//! which decodes the calldata and encodes the results by hand, and is
//! declared in the exported interface by `sol_decls!`: the SDK's router
//! would link a generic ABI decoder and encoder per signature, several KiB
//! that the 24 KiB single-program limit cannot afford. The non-accruing
//! flag and the permit nonce live in each account's balance slot and the
//! non-accruing total in the total-supply slot (see [`logic::balance`] and
//! [`logic::total_supply`]), so a transfer reads and writes the slots a
//! plain ERC-20 transfer does.
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
//!   reverts with [`VaultEthTransferFailed`]; nothing is lost, the amount stays
//!   claimable).
//! * **Pools: liquidity providers earn swap fees, not revenue.** A Uniswap
//!   V2 pair only ever calls `transfer`/`balanceOf` on its tokens: revenue
//!   accrued to it could never be claimed. A registered pair accrues none
//!   and its earlier unclaimed revenue is handed back to the holders; the
//!   shares a provider deposits stop earning while they are in the pool
//!   (the price the pool sets for a share is ex-revenue). Registration is
//!   permissionless because it only ever moves revenue towards holders who
//!   can claim it, and it is permanent.
//! * **Who can be registered.** Only an account the vault's Uniswap V2
//!   factory lists as the pair of its own `token0()`/`token1()`, one of
//!   which is the vault. That factory lists only pairs it deployed itself,
//!   so an account without code (any externally owned account, i.e. a
//!   holder's wallet) can never be registered: it answers no `token0()`. A
//!   registration therefore never takes revenue from a holder that could
//!   claim it. Without a Uniswap V2 factory (zero at creation) there are no
//!   pools; pairs of the shares then accrue revenue that stays in the vault.
//! * A transfer between an accruing and a non-accruing account (a swap, an
//!   added or removed liquidity, a buyout deposit) also writes the supply
//!   slot; other transfers cost what they did before pools existed. The
//!   magnified bound above is checked against the total supply (shares can
//!   always leave a pool), so while few shares accrue the revenue one token
//!   can bring in before the bound is reached shrinks in proportion;
//!   beyond it revenue again waits, unaccounted.
//! * **Trust: the buyout module.** Fixed by the factory at creation, it can
//!   take the asset out of an active vault to anyone ([`ShareVault::release_asset`]);
//!   holders trust its rules (an optimistic buyout: a proposal the holders
//!   can reject, settled in ETH) as they trust the factory's code. Its own
//!   balance (the shares committed to a buyout) never accrues revenue:
//!   revenue arriving during a buyout goes to the accruing holders, those
//!   who did not commit their shares.
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
use alloy_sol_types::SolCall;
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

    /// The vault was already initialised (OpenZeppelin `Initializable`'s
    /// name).
    error InvalidInitialization();
    /// The asset address is zero.
    error VaultInvalidAsset(address asset);
    /// The packed initialisation config does not decode, or names no market.
    error VaultInvalidConfig();
    /// The vault's longest lease is above the market's bound (5 × 365 days).
    error VaultInvalidMaxLeaseDuration(uint256 maxLeaseDuration);
    /// The share supply is zero or above 2^96.
    error VaultInvalidSupply(uint256 supply);
    /// The name is longer than 95 bytes or the symbol longer than 31.
    error VaultInvalidMetadata(uint256 nameLength, uint256 symbolLength);
    /// More than 8 revenue tokens.
    error VaultTooManyRevenueTokens(uint256 count);
    /// A revenue token is the zero address, a duplicate, the vault or the asset.
    error VaultInvalidRevenueToken(address token);
    /// `token` is neither ETH (the zero address) nor an allow-listed ERC-20.
    error VaultTokenNotAllowed(address token);
    /// `holder` has nothing to claim in the requested tokens.
    error VaultNothingToClaim(address holder);
    /// Sending `amount` wei to `to` failed.
    error VaultEthTransferFailed(address to, uint256 amount);
    /// `account` is not the curator.
    error VaultNotCurator(address account);
    /// A vault offer must pay the vault, not `payee`.
    error VaultInvalidOfferPayee(address payee);
    /// A vault offer's `maxDuration` is above the vault's `maxLeaseDuration`.
    error VaultOfferTooLong(uint256 maxDuration, uint256 maxLeaseDuration);
    /// `account` holds `balance` of the `supply` shares; redeeming needs all.
    error VaultNotFullOwner(address account, uint256 balance, uint256 supply);
    /// The vault does not hold its asset (not yet received, or redeemed).
    error VaultNotActive();
    /// The vault accepts only its own asset, once: not `id` of `asset`.
    error VaultUnexpectedAsset(address asset, uint256 id);
    /// An accumulator computation left its range (unreachable by design).
    error VaultArithmeticOverflow();
    // EIP-2612 (OpenZeppelin's names).
    /// The permit's `deadline` has passed.
    error ERC2612ExpiredSignature(uint256 deadline);
    /// The permit was signed by `signer` (zero: no valid signature, or a
    /// high-`s` one), not by `owner`.
    error ERC2612InvalidSigner(address signer, address owner);
    /// `pair` is not a Uniswap V2 pair of the shares listed by the vault's
    /// `ammFactory` (or pools are off, or it is already non-accruing).
    error VaultInvalidPool(address pair);
    /// `account` is not the vault's buyout module.
    error VaultNotBuyout(address account);

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
    /// ERC-20 allowance set (also by `permit`).
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// `pair` was registered as a pool: it no longer accrues revenue.
    event PoolRegistered(address indexed pair);
    /// The buyout module released the asset to `to` (status 4, bought out).
    event AssetReleased(address indexed to);

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

    // The vault's functions, all served by `ShareVault::fallback` (see the
    // Rust methods of the same names).
    /// Initialises a fresh vault (the factory does, with its packed config).
    function initialize(bytes calldata config) external;
    /// ERC-20: the share token's name.
    function name() external view returns (string memory);
    /// ERC-20: the share token's symbol.
    function symbol() external view returns (string memory);
    /// The allow-listed ERC-20 revenue tokens (ETH is accepted on top).
    function revenueTokens() external view returns (address[] memory);
    /// Pays the caller what it can claim in each of `tokens` (zero: ETH).
    function claim(address[] calldata tokens) external;
    /// ERC-20: 18.
    function decimals() external view returns (uint8);
    /// ERC-20: the total share supply.
    function totalSupply() external view returns (uint256);
    /// ERC-20: the shares `account` holds.
    function balanceOf(address account) external view returns (uint256);
    /// ERC-20: the shares `spender` may move for `owner`.
    function allowance(address owner, address spender) external view returns (uint256);
    /// ERC-20: lets `spender` move `value` of the caller's shares.
    function approve(address spender, uint256 value) external returns (bool);
    /// ERC-20: moves `value` shares from the caller to `to`.
    function transfer(address to, uint256 value) external returns (bool);
    /// ERC-20: moves `value` shares from `from` to `to` with an allowance.
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    /// What `holder` can claim of `token` (zero: ETH) now.
    function claimable(address holder, address token) external view returns (uint256);
    /// The vaulted asset: contract, id, units (0: ERC-721).
    function asset() external view returns (address, uint256, uint256);
    /// 0 uninitialised, 1 awaiting the asset, 2 active, 3 redeemed, 4 bought out.
    function status() external view returns (uint8);
    /// The curator (zero: none).
    function curator() external view returns (address);
    /// Curator only: hands the role to `newCurator` (zero renounces it).
    function transferCurator(address newCurator) external;
    /// The licence market the curator leases the asset on.
    function market() external view returns (address);
    /// The longest lease (seconds) any offer of the vault may sell.
    function maxLeaseDuration() external view returns (uint64);
    /// Curator only: approves or revokes the market as lease operator.
    function setMarketApproval(bool approved) external;
    /// A 100 % holder burns the supply and receives the asset.
    function redeem() external;
    /// ERC-165.
    function supportsInterface(bytes4 interfaceId) external view returns (bool);
    /// EIP-2612: sets `owner`'s allowance for `spender` with its signature.
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
    /// EIP-2612: the nonce of `owner`'s next permit.
    function nonces(address owner) external view returns (uint256);
    /// EIP-2612: the EIP-712 domain separator of the share token.
    function DOMAIN_SEPARATOR() external view returns (bytes32);
    /// ERC-5267: the share token's EIP-712 domain (fields `0x0f`: name,
    /// version "1", chain id and the vault's address; no salt, no extensions).
    function eip712Domain() external view returns (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] memory extensions);
    /// Registers a Uniswap V2 pair of the shares as a non-accruing pool.
    function registerPool(address pair) external;
    /// Whether `account` accrues revenue (false for pools and the buyout module).
    function accrues(address account) external view returns (bool);
    /// The total supply minus the non-accruing balances.
    function accruingSupply() external view returns (uint256);
    /// The Uniswap V2 factory whose pairs may be registered (zero: none).
    function ammFactory() external view returns (address);
    /// The buyout module (zero: none).
    function buyout() external view returns (address);
    /// Buyout module only: releases the asset to `to` (status 4).
    function releaseAsset(address to) external;
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
    /// Bought out: the buyout module released the asset; the shares still
    /// exist, move and earn the revenue that still arrives.
    pub const BOUGHT_OUT: u8 = 4;
}

stylus_ip_common::errors! {
    /// Errors of [`ShareVault`]. ABI-encoded by [`stylus_ip_common::errors!`]
    /// (selector and static words) rather than by `#[derive(SolidityError)]`,
    /// which costs several KiB of WASM; a unit test checks every variant
    /// against alloy's encoding.
    pub enum Error {
        /// See [`ERC20InsufficientBalance`].
        InsufficientBalance(ERC20InsufficientBalance { sender, balance, needed }),
        /// See [`ERC20InvalidSender`].
        InvalidSender(ERC20InvalidSender { sender }),
        /// See [`ERC20InvalidReceiver`].
        InvalidReceiver(ERC20InvalidReceiver { receiver }),
        /// See [`ERC20InsufficientAllowance`].
        InsufficientAllowance(ERC20InsufficientAllowance { spender, allowance, needed }),
        /// See [`ERC20InvalidSpender`].
        InvalidSpender(ERC20InvalidSpender { spender }),
        /// See [`SafeErc20FailedOperation`].
        SafeErc20Failed(SafeErc20FailedOperation { token }),
        /// See [`InvalidInitialization`].
        AlreadyInitialized(InvalidInitialization {}),
        /// See [`VaultInvalidAsset`].
        InvalidAsset(VaultInvalidAsset { asset }),
        /// See [`VaultInvalidConfig`].
        InvalidConfig(VaultInvalidConfig {}),
        /// See [`VaultInvalidSupply`].
        InvalidSupply(VaultInvalidSupply { supply }),
        /// See [`VaultInvalidMetadata`].
        InvalidMetadata(VaultInvalidMetadata { nameLength, symbolLength }),
        /// See [`VaultTooManyRevenueTokens`].
        TooManyRevenueTokens(VaultTooManyRevenueTokens { count }),
        /// See [`VaultInvalidRevenueToken`].
        InvalidRevenueToken(VaultInvalidRevenueToken { token }),
        /// See [`VaultTokenNotAllowed`].
        TokenNotAllowed(VaultTokenNotAllowed { token }),
        /// See [`VaultNothingToClaim`].
        NothingToClaim(VaultNothingToClaim { holder }),
        /// See [`VaultEthTransferFailed`].
        EthTransferFailed(VaultEthTransferFailed { to, amount }),
        /// See [`VaultNotCurator`].
        NotCurator(VaultNotCurator { account }),
        /// See [`VaultInvalidOfferPayee`].
        InvalidOfferPayee(VaultInvalidOfferPayee { payee }),
        /// See [`VaultOfferTooLong`].
        OfferTooLong(VaultOfferTooLong { maxDuration, maxLeaseDuration }),
        /// See [`VaultInvalidMaxLeaseDuration`].
        InvalidMaxLeaseDuration(VaultInvalidMaxLeaseDuration { maxLeaseDuration }),
        /// See [`VaultNotFullOwner`].
        NotFullOwner(VaultNotFullOwner { account, balance, supply }),
        /// See [`VaultNotActive`].
        VaultNotActive(VaultNotActive {}),
        /// See [`VaultUnexpectedAsset`].
        UnexpectedAsset(VaultUnexpectedAsset { asset, id }),
        /// See [`VaultArithmeticOverflow`].
        MathOverflow(VaultArithmeticOverflow {}),
        /// See [`ERC2612ExpiredSignature`].
        ExpiredSignature(ERC2612ExpiredSignature { deadline }),
        /// See [`ERC2612InvalidSigner`].
        InvalidSigner(ERC2612InvalidSigner { signer, owner }),
        /// See [`VaultInvalidPool`].
        InvalidPool(VaultInvalidPool { pair }),
        /// See [`VaultNotBuyout`].
        NotBuyout(VaultNotBuyout { account }),
    }
}

// The vault's calls, views and events keep their by-value word helpers:
// `stylus_ip_common::abi::Word` (by reference) at these sites costs 306 B of
// code here, where it saves bytes in every other contract.

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

/// `selector ‖ words`: the ABI encoding of an error or a call with static
/// fields (with an empty selector: of static return values).
#[inline(never)]
fn revert_data(selector: &[u8], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(selector);
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

impl From<logic::Overflow> for Error {
    fn from(_: logic::Overflow) -> Self {
        Error::MathOverflow(VaultArithmeticOverflow {})
    }
}

/// The share vault (one per vaulted asset, behind a minimal proxy).
#[cfg_attr(not(feature = "no-entrypoint"), entrypoint)]
#[storage]
pub struct ShareVault {
    /// Per account, its **account word** (see [`logic::balance`]): bits
    /// 0–127 the share balance, bits 128–191 the EIP-2612 nonce, bit 255 the
    /// non-accruing flag (a registered pool, or the buyout module from
    /// initialisation). A transfer reads and writes these two slots only, as
    /// a plain ERC-20 would.
    balances: StorageMap<Address, StorageU256>,
    /// ERC-20 allowances: owner → spender → amount.
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// The **supply word** (see [`logic::total_supply`]): bits 0–127 the
    /// total supply, bits 128–255 the non-accruing supply (Σ balances of
    /// flagged accounts). Revenue is shared over the difference.
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
    /// The buyout module (zero: none), fixed at initialisation.
    buyout: StorageAddress,
    /// The Uniswap V2 factory whose pairs may be registered (zero: none),
    /// fixed at initialisation.
    amm_factory: StorageAddress,
}

#[cfg(feature = "no-entrypoint")]
// SAFETY: the vault is a top-level contract; without `#[entrypoint]` (used
// only to link it into another crate's native tests) the marker must be
// implemented by hand, exactly as `#[entrypoint]` would.
unsafe impl TopLevelStorage for ShareVault {}

#[public]
impl ShareVault {
    /// The vault's only routed entry point: every function is served here,
    /// decoded by hand rather than as `#[public]` methods (whose generic ABI
    /// decoding and encoding would cost several KiB of the compressed
    /// WASM), and declared in the exported interface all the same. The
    /// ERC-20, EIP-2612, ERC-5267, revenue, asset, curator, redemption,
    /// pool, buyout and ERC-165 functions go to `ShareVault::serve` (see the
    /// Rust methods of the same names). Like a `#[public]` method, the
    /// fallback refuses value (the SDK's check runs first).
    ///
    /// The token receiver hooks:
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
    /// no data, as without a fallback (so does a malformed call).
    ///
    /// # Errors
    /// Those of the served functions; [`Error::UnexpectedAsset`] from a
    /// hook for anything else; [`Error::NotCurator`],
    /// [`Error::VaultNotActive`] (the asset is not held: awaiting it,
    /// redeemed or bought out), [`Error::InvalidOfferPayee`],
    /// [`Error::TokenNotAllowed`], [`Error::OfferTooLong`] from the offer
    /// functions, and the market's own revert data, verbatim.
    ///
    /// # Events
    /// Those of the served functions; the market's (`OfferCreated`,
    /// `OfferTermsSet`, `OfferCancelled`).
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        if let Some(served) = self.serve(calldata) {
            return served;
        }
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
}

/// The vault's functions. They are served by [`ShareVault::fallback`]
/// through `ShareVault::serve`, which decodes their arguments and encodes
/// their results by hand (the SDK's router would link a generic ABI decoder
/// and encoder per signature: several KiB of WASM, which the 24 KiB limit
/// cannot afford), and are declared in the exported interface all the same
/// (`SOL_DECLS`); Rust callers (tests) call them directly.
impl ShareVault {
    /// Initialises a fresh vault; the factory does it right after creating
    /// the proxy, then transfers the asset in. `config` is a
    /// [`logic::Config`] packed by [`logic::encode_config`]: `units` of
    /// `asset` id `id` (`units` = 0 for an ERC-721 token), the curator (zero:
    /// none), the licence market and the longest lease the vault's offers
    /// may sell, the buyout module, the share offering, the Uniswap V2
    /// router and factory (zero: none),
    /// the ERC-20 revenue allow-list (ETH is always accepted), the share
    /// name and symbol, and the initial holders with their amounts. The
    /// buyout module and the offering never accrue revenue (they hold the
    /// shares of a buyout pool or of a sale). Revenue sent to the vault's address before this is accounted at the
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
            return Err(Error::AlreadyInitialized(InvalidInitialization {}));
        }
        let logic::Config {
            asset,
            id,
            units,
            curator,
            market,
            max_lease_duration,
            buyout,
            offering,
            amm_router,
            amm_factory,
            revenue_tokens,
            name,
            symbol,
            holders,
        } = logic::decode_config(&config)
            .filter(|c| !c.market.is_zero())
            .ok_or(Error::InvalidConfig(VaultInvalidConfig {}))?;
        if max_lease_duration > logic::MAX_LEASE_DURATION {
            return Err(Error::InvalidMaxLeaseDuration(
                VaultInvalidMaxLeaseDuration {
                    maxLeaseDuration: U256::from(max_lease_duration),
                },
            ));
        }
        if asset.is_zero() {
            return Err(Error::InvalidAsset(VaultInvalidAsset { asset }));
        }
        // The sum saturates: an overflowing total shows as 2^256 − 1.
        let supply = holders
            .iter()
            .fold(U256::ZERO, |sum, h| sum.saturating_add(h.1));
        if !logic::valid_supply(supply) {
            return Err(Error::InvalidSupply(VaultInvalidSupply { supply }));
        }
        let (Some(name_words), Some([symbol_word])) =
            (logic::pack_str::<3>(&name), logic::pack_str::<1>(&symbol))
        else {
            return Err(Error::InvalidMetadata(VaultInvalidMetadata {
                nameLength: U256::from(name.len()),
                symbolLength: U256::from(symbol.len()),
            }));
        };
        if revenue_tokens.len() > MAX_REVENUE_TOKENS {
            return Err(Error::TooManyRevenueTokens(VaultTooManyRevenueTokens {
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
                return Err(Error::InvalidRevenueToken(VaultInvalidRevenueToken {
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
        // Zero (the feature off) is what the slots hold already: no write.
        if !amm_factory.is_zero() {
            self.amm_factory.set(amm_factory);
        }
        if !buyout.is_zero() {
            self.buyout.set(buyout);
            // Before the mints: shares minted to it are non-accruing too.
            self.balances.insert(buyout, logic::NON_ACCRUING);
        }
        // The offering escrows shares for sale and never claims: flagged
        // (its address is not stored; `accrues(offering)` shows it).
        if !offering.is_zero() {
            self.balances.insert(offering, logic::NON_ACCRUING);
        }
        // The router only forwards shares within a call: flagged, so that
        // revenue waiting while no share accrues is never credited to it.
        if !amm_router.is_zero() {
            self.balances.insert(amm_router, logic::NON_ACCRUING);
        }
        // No revenue can have been accounted yet (acc = 0), so minting needs
        // no correction.
        for (holder, amount) in holders {
            if holder.is_zero() || holder == this {
                return Err(Error::InvalidReceiver(ERC20InvalidReceiver {
                    receiver: holder,
                }));
            }
            self.update(Address::ZERO, holder, amount, false)?;
        }
        emit(
            &[
                stylus_ip_common::topic!(VaultInitialized),
                aw(asset),
                uw(id),
            ],
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
        logic::total_supply(self.total_supply.get())
    }

    /// Shares held by `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        logic::balance(self.balances.get(account))
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
        let owner = self.vm().msg_sender();
        self.set_allowance(owner, spender, value)?;
        Ok(true)
    }

    /// Moves `value` shares from the caller to `to`. Revenue accrued so far
    /// stays claimable by the caller; later revenue follows the shares
    /// (shares in a registered pool or with the buyout module earn none:
    /// their revenue goes to the accruing holders).
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
            let corr = self.corr_of(holder, token);
            let amount = logic::claimable(acc, self.accruing_balance(holder), corr)?;
            if amount.is_zero() {
                continue;
            }
            paid = true;
            // Effects before the interaction: a re-entrant claim finds nothing.
            self.set_corr(holder, token, logic::on_claim(corr, amount)?);
            let accounted = self.accounted.get(token);
            self.accounted
                .insert(token, accounted.checked_sub(amount).ok_or(logic::Overflow)?);
            emit(
                &[
                    stylus_ip_common::topic!(RevenueClaimed),
                    aw(holder),
                    aw(token),
                ],
                &[uw(amount)],
            );
            pay(token, holder, amount)?;
        }
        if !paid {
            return Err(Error::NothingToClaim(VaultNothingToClaim { holder }));
        }
        Ok(())
    }

    /// What `holder` can claim of `token` (zero address: ETH) now, including
    /// revenue that arrived but was not yet accounted. Always zero for a
    /// registered pool and for the buyout module.
    ///
    /// # Errors
    /// [`Error::TokenNotAllowed`] if `token` is not a revenue token.
    pub fn claimable(&self, holder: Address, token: Address) -> Result<U256, Error> {
        self.require_revenue_token(token)?;
        let mut acc = self.acc.get(token);
        let mut corr = self.corr_of(holder, token);
        if let Some(p) = self.pending(token) {
            acc = p.acc;
            if let Some((redeemer, credited)) = p.credit {
                if redeemer == holder {
                    corr = credited;
                }
            }
        }
        Ok(logic::claimable(acc, self.accruing_balance(holder), corr)?)
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

    /// Lifecycle: 0 uninitialised, 1 awaiting the asset, 2 active, 3 redeemed,
    /// 4 bought out (see [`status`]).
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
                stylus_ip_common::topic!(CuratorTransferred),
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
    /// [`Error::VaultNotActive`] if the vault does not hold its asset (not
    /// yet, redeemed, or bought out); [`Error::NotFullOwner`] without 100%
    /// of the shares; the asset's own
    /// revert data if the transfer fails (e.g. ERC-1155 units frozen by an
    /// active lease, or a receiver rejecting the token).
    ///
    /// # Events
    /// [`RevenueAccrued`], [`Transfer`] (burn), [`Redeemed`].
    pub fn redeem(&mut self) -> Result<(), Vec<u8>> {
        self.require_active()?;
        let holder = self.vm().msg_sender();
        let supply = self.total_supply();
        let balance = self.balance_of(holder);
        if balance != supply {
            return Err(Error::NotFullOwner(VaultNotFullOwner {
                account: holder,
                balance,
                supply,
            })
            .into());
        }
        // Accounts everything due before the supply goes to zero.
        self.update(holder, Address::ZERO, balance, true)?;
        self.set_status(status::REDEEMED);
        self.redeemer.set(holder);
        let (asset, id, units) = self.asset();
        emit(
            &[stylus_ip_common::topic!(Redeemed), aw(holder), aw(asset)],
            &[uw(id), uw(units)],
        );
        self.send_asset(holder)
    }

    /// ERC-165: ERC-165, `IERC721Receiver`, `IERC1155Receiver`.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        let id: [u8; 4] = interface_id.into();
        id == IERC165_ID || id == IERC721_RECEIVER_ID || id == IERC1155_RECEIVER_ID
    }

    // ------------------------------------------------------------------
    // EIP-2612 permit
    // ------------------------------------------------------------------

    /// EIP-2612: sets `owner`'s allowance for `spender` to `value` with
    /// `owner`'s signature (`v`, `r`, `s`) over the EIP-712 `Permit(owner,
    /// spender, value, nonces(owner), deadline)` in the share token's
    /// domain ([`Self::domain_separator`]), checked by the `ecrecover`
    /// precompile; valid until `deadline` inclusive, once (the nonce
    /// increments). Works in every status (shares move after a buyout too).
    ///
    /// # Errors
    /// [`Error::ExpiredSignature`] after `deadline`;
    /// [`Error::InvalidSigner`] if the signature recovers to another
    /// account, or to none (the zero address: malformed, `v` not 27 or 28,
    /// or `s` in the upper half of the curve order);
    /// [`Error::InvalidSpender`] for the zero spender.
    ///
    /// # Events
    /// [`Approval`].
    #[allow(clippy::too_many_arguments)]
    pub fn permit(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
        deadline: U256,
        v: u8,
        r: B256,
        s: B256,
    ) -> Result<(), Error> {
        if logic::expired(self.vm().block_timestamp(), deadline) {
            return Err(Error::ExpiredSignature(ERC2612ExpiredSignature {
                deadline,
            }));
        }
        let word = self.balances.get(owner);
        let digest = logic::permit_digest(
            self.domain_separator(),
            owner,
            spender,
            value,
            logic::nonce(word),
            deadline,
        );
        let signer = if logic::low_s(s) {
            let input = revert_data(&[], &[digest, uw(U256::from(v)), r, s]);
            call_raw(ECRECOVER, &input, true)
                .map(|out| logic::recovered(&out))
                .unwrap_or_default()
        } else {
            Address::ZERO
        };
        if signer.is_zero() || signer != owner {
            return Err(Error::InvalidSigner(ERC2612InvalidSigner { signer, owner }));
        }
        self.balances.insert(owner, logic::with_next_nonce(word)?);
        self.set_allowance(owner, spender, value)
    }

    /// EIP-2612: the nonce `owner`'s next permit must be signed with.
    pub fn nonces(&self, owner: Address) -> U256 {
        logic::nonce(self.balances.get(owner))
    }

    /// EIP-2612: the share token's EIP-712 domain separator (name = the
    /// share token's name, version "1", the current chain id, the vault's
    /// address), computed on each call so that it follows the chain id.
    pub fn domain_separator(&self) -> B256 {
        logic::domain_separator(
            &self.name_bytes(),
            self.vm().chain_id(),
            self.vm().contract_address(),
        )
    }

    // ------------------------------------------------------------------
    // Non-accruing accounts: pools and the buyout module
    // ------------------------------------------------------------------

    /// The Uniswap V2 factory whose pairs of the shares can be registered
    /// as pools (zero: pools are off).
    pub fn amm_factory(&self) -> Address {
        self.amm_factory.get()
    }

    /// The buyout module (zero: no buyout): a non-accruing account from
    /// initialisation and the only account that can release the asset.
    pub fn buyout(&self) -> Address {
        self.buyout.get()
    }

    /// Whether `account` accrues revenue: false for registered pools and
    /// the buyout module.
    pub fn accrues(&self, account: Address) -> bool {
        logic::accrues(self.balances.get(account))
    }

    /// The shares revenue is shared over: the total supply minus the
    /// balances of the non-accruing accounts.
    pub fn accruing_supply(&self) -> U256 {
        logic::accruing_supply(self.total_supply.get())
    }

    /// Registers the Uniswap V2 pair `pair` of the shares as a pool: from
    /// now on it holds and moves shares as before but accrues no revenue
    /// (a pair can never claim it: its liquidity providers earn swap fees,
    /// the holders keep the revenue). Permissionless: `pair` qualifies only
    /// if `ammFactory()` is set, one of `pair.token0()`/`pair.token1()` is
    /// the vault and `ammFactory().getPair(token0, token1)` is `pair`, so
    /// only a pair that factory created can be registered, never an
    /// account of a holder. What the pair had accrued and not claimed
    /// becomes fresh revenue again, shared among the accruing holders at
    /// the next accounting ([`logic::recredit`]); nothing is lost.
    ///
    /// # Errors
    /// [`Error::InvalidPool`] if `pair` does not qualify or is already
    /// non-accruing.
    ///
    /// # Events
    /// [`RevenueAccrued`] per token with new revenue, [`PoolRegistered`].
    pub fn register_pool(&mut self, pair: Address) -> Result<(), Error> {
        let factory = self.amm_factory.get();
        let word = self.balances.get(pair);
        if factory.is_zero() || !logic::accrues(word) || !self.is_pair(factory, pair) {
            return Err(Error::InvalidPool(VaultInvalidPool { pair }));
        }
        let balance = logic::balance(word);
        for i in 0..=self.tokens.len() {
            let token = self.token_at(i);
            let acc = self.sync(token);
            let corr = self.corr_of(pair, token);
            let accounted = logic::recredit(acc, balance, corr, self.accounted.get(token))?;
            self.accounted.insert(token, accounted);
            self.set_corr(pair, token, I256::ZERO);
        }
        self.balances.insert(pair, word | logic::NON_ACCRUING);
        let supply = logic::supply_after(
            self.total_supply.get(),
            balance,
            logic::End::Accruing,
            logic::End::NonAccruing,
        )?;
        self.total_supply.set(supply);
        emit(&[stylus_ip_common::topic!(PoolRegistered), aw(pair)], &[]);
        Ok(())
    }

    /// Buyout module only, while the vault holds its asset: marks the vault
    /// bought out (status 4) and sends the asset to `to` (ERC-721
    /// `safeTransferFrom`, or the ERC-1155 units). The shares live on:
    /// they move, permit and claim as before; offers and redemption end.
    ///
    /// # Errors
    /// [`Error::NotBuyout`] for any other caller (or without a buyout
    /// module); [`Error::VaultNotActive`] unless the status is 2 (active);
    /// the asset's own revert data if the transfer fails.
    ///
    /// # Events
    /// [`AssetReleased`] (and the asset's transfer event).
    pub fn release_asset(&mut self, to: Address) -> Result<(), Vec<u8>> {
        let sender = self.vm().msg_sender();
        let buyout = self.buyout.get();
        if buyout.is_zero() || sender != buyout {
            return Err(Error::NotBuyout(VaultNotBuyout { account: sender }).into());
        }
        self.require_active()?;
        self.set_status(status::BOUGHT_OUT);
        // Revenue arriving while no share accrues goes to the new owner.
        self.redeemer.set(to);
        emit(&[stylus_ip_common::topic!(AssetReleased), aw(to)], &[]);
        self.send_asset(to)
    }

    /// Serves the entry points of this block from the fallback: `None` for
    /// any other selector. As the SDK's (or Solidity's) decoder, it reverts
    /// with no data when the calldata is too short for the arguments or an
    /// argument is out of its type's range (an address word with high bits
    /// set, a `bool` above 1, a `uint8` above 255, a `bytes4` with low
    /// bytes set); extra calldata is ignored.
    fn serve(&mut self, calldata: &[u8]) -> Option<Result<Vec<u8>, Vec<u8>>> {
        let selector: [u8; 4] = calldata.get(..4)?.try_into().ok()?;
        // Argument words, and a bit mask of those that are addresses.
        let (args, addresses): (usize, u8) = match selector {
            // `bytes` and `address[]`: the offset word (checked below).
            INITIALIZE | CLAIM => (1, 0),
            NAME | SYMBOL | REVENUE_TOKENS => (0, 0),
            PERMIT => (7, 0b11),
            TRANSFER_FROM => (3, 0b11),
            ALLOWANCE | CLAIMABLE => (2, 0b11),
            TRANSFER | APPROVE => (2, 0b1),
            BALANCE_OF | NONCES | ACCRUES | REGISTER_POOL | RELEASE_ASSET | TRANSFER_CURATOR => {
                (1, 0b1)
            }
            SET_MARKET_APPROVAL | SUPPORTS_INTERFACE => (1, 0),
            DECIMALS | TOTAL_SUPPLY | ASSET | STATUS | CURATOR | MARKET | MAX_LEASE_DURATION
            | REDEEM | DOMAIN_SEPARATOR | EIP712_DOMAIN | ACCRUING_SUPPLY | AMM_FACTORY
            | BUYOUT => (0, 0),
            _ => return None,
        };
        let word = |i: usize| {
            calldata
                .get(4 + 32 * i..36 + 32 * i)
                .map(B256::from_slice)
                .unwrap_or_default()
        };
        let clean = calldata.len() >= 4 + 32 * args
            && (0..args).all(|i| addresses >> i & 1 == 0 || logic::clean_address(&word(i).0));
        // `bool`, `uint8` and `bytes4` arguments: every other bit is zero.
        let small = |bits: U256| U256::from_be_bytes(word(0).0) & !bits == U256::ZERO;
        if !clean
            || (selector == SET_MARKET_APPROVAL && !small(U256::from(1)))
            || (selector == SUPPORTS_INTERFACE && !small(U256::from(u32::MAX) << 224))
        {
            return Some(Err(Vec::new()));
        }
        let addr = |i: usize| Address::from_word(word(i));
        let num = |i: usize| U256::from_be_bytes(word(i).0);
        let flag = |b: bool| uw(U256::from(u8::from(b)));
        let unit = |r: Result<(), Error>| r.map(|()| Vec::new()).map_err(Vec::from);
        let yes = |r: Result<bool, Error>| r.map(|b| flag(b).to_vec()).map_err(Vec::from);
        let out = match selector {
            INITIALIZE => {
                let Some(config) = logic::dynamic_arg(calldata, 0, 1) else {
                    return Some(Err(Vec::new()));
                };
                return Some(unit(self.initialize(config.to_vec().into())));
            }
            NAME | SYMBOL => {
                let name = if selector == NAME {
                    self.name_bytes()
                } else {
                    logic::unpack_bytes(&[self.symbol.get()])
                };
                return Some(Ok(logic::encode_dynamic(name.len(), &name)));
            }
            REVENUE_TOKENS => {
                let tokens: Vec<B256> = self.revenue_tokens().into_iter().map(aw).collect();
                let items = revert_data(&[], &tokens);
                return Some(Ok(logic::encode_dynamic(tokens.len(), &items)));
            }
            CLAIM => {
                let items = logic::dynamic_arg(calldata, 0, 32);
                let Some(tokens) = items.filter(|t| t.chunks(32).all(logic::clean_address)) else {
                    return Some(Err(Vec::new()));
                };
                let tokens = tokens.chunks(32).map(|w| Address::from_slice(&w[12..]));
                return Some(unit(self.claim(tokens.collect())));
            }
            TRANSFER => return Some(yes(self.transfer(addr(0), num(1)))),
            TRANSFER_FROM => return Some(yes(self.transfer_from(addr(0), addr(1), num(2)))),
            APPROVE => return Some(yes(self.approve(addr(0), num(1)))),
            BALANCE_OF => uw(self.balance_of(addr(0))),
            ALLOWANCE => uw(self.allowance(addr(0), addr(1))),
            TOTAL_SUPPLY => uw(self.total_supply()),
            DECIMALS => uw(U256::from(self.decimals())),
            CLAIMABLE => match self.claimable(addr(0), addr(1)) {
                Ok(amount) => uw(amount),
                Err(e) => return Some(Err(e.into())),
            },
            ASSET => {
                let (asset, id, units) = self.asset();
                return Some(Ok(revert_data(&[], &[aw(asset), uw(id), uw(units)])));
            }
            STATUS => uw(U256::from(self.status())),
            CURATOR => aw(self.curator()),
            TRANSFER_CURATOR => return Some(unit(self.transfer_curator(addr(0)))),
            MARKET => aw(self.market()),
            MAX_LEASE_DURATION => uw(U256::from(self.max_lease_duration())),
            SET_MARKET_APPROVAL => {
                let approved = num(0) == U256::from(1);
                return Some(self.set_market_approval(approved).map(|()| Vec::new()));
            }
            REDEEM => return Some(self.redeem().map(|()| Vec::new())),
            SUPPORTS_INTERFACE => flag(self.supports_interface(B32::from_slice(&word(0)[..4]))),
            NONCES => uw(self.nonces(addr(0))),
            DOMAIN_SEPARATOR => self.domain_separator(),
            EIP712_DOMAIN => {
                return Some(Ok(logic::eip712_domain(
                    &self.name_bytes(),
                    self.vm().chain_id(),
                    self.vm().contract_address(),
                )))
            }
            PERMIT => {
                let Ok(v) = u8::try_from(num(4)) else {
                    return Some(Err(Vec::new()));
                };
                let (owner, spender) = (addr(0), addr(1));
                return Some(unit(self.permit(
                    owner,
                    spender,
                    num(2),
                    num(3),
                    v,
                    word(5),
                    word(6),
                )));
            }
            ACCRUES => flag(self.accrues(addr(0))),
            ACCRUING_SUPPLY => uw(self.accruing_supply()),
            AMM_FACTORY => aw(self.amm_factory()),
            BUYOUT => aw(self.buyout()),
            REGISTER_POOL => return Some(unit(self.register_pool(addr(0)))),
            _ => return Some(self.release_asset(addr(0)).map(|()| Vec::new())),
        };
        Some(Ok(out.to_vec()))
    }
}

impl ShareVault {
    /// ERC-20 transfer between two holders: OpenZeppelin's `_transfer`
    /// checks, then [`Self::update`] with the revenue hook.
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
        self.update(from, to, value, true)
    }

    /// OpenZeppelin's `_update`: moves `value` shares from `from` to `to`;
    /// from zero mints, to zero burns. With `settle`, revenue is accounted
    /// and corrections moved first ([`Self::settle`]), at the accruing
    /// supply of before the move. The supply word is written only when the
    /// move changes it (a mint, a burn, or shares crossing between an
    /// accruing and a non-accruing account).
    ///
    /// # Errors
    /// [`Error::InsufficientBalance`] (checked before anything else);
    /// [`Error::MathOverflow`] if a field would leave its range
    /// (unreachable: `initialize` bounds the supply first).
    ///
    /// # Events
    /// [`Transfer`]; with `settle`, [`RevenueAccrued`] per token with new
    /// revenue.
    fn update(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        settle: bool,
    ) -> Result<(), Error> {
        // Each account word is read once and written once (`settle` does
        // not touch them).
        let (mut from_word, mut to_word) = (U256::ZERO, U256::ZERO);
        let from_end = if from.is_zero() {
            logic::End::Zero
        } else {
            from_word = self.balances.get(from);
            let balance = logic::balance(from_word);
            if balance < value {
                return Err(Error::InsufficientBalance(ERC20InsufficientBalance {
                    sender: from,
                    balance,
                    needed: value,
                }));
            }
            logic::end(from_word)
        };
        let to_end = if to.is_zero() {
            logic::End::Zero
        } else {
            to_word = self.balances.get(to);
            logic::end(to_word)
        };
        if settle {
            self.settle(from, from_end, to, to_end, value)?;
        }
        if !from.is_zero() {
            from_word = logic::with_balance(from_word, value, false)?;
            self.balances.insert(from, from_word);
            if to == from {
                // A transfer to oneself: the receiver is the debited word.
                to_word = from_word;
            }
        }
        if !to.is_zero() {
            self.balances
                .insert(to, logic::with_balance(to_word, value, true)?);
        }
        if from_end != to_end {
            let supply = logic::supply_after(self.total_supply.get(), value, from_end, to_end)?;
            self.total_supply.set(supply);
        }
        emit(
            &[stylus_ip_common::topic!(Transfer), aw(from), aw(to)],
            &[uw(value)],
        );
        Ok(())
    }

    /// ERC-20 `_approve` with the `Approval` event (`approve` and `permit`).
    ///
    /// # Errors
    /// [`Error::InvalidSpender`] for the zero address.
    fn set_allowance(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
    ) -> Result<(), Error> {
        if spender.is_zero() {
            return Err(Error::InvalidSpender(ERC20InvalidSpender { spender }));
        }
        self.allowances.setter(owner).insert(spender, value);
        emit(
            &[stylus_ip_common::topic!(Approval), aw(owner), aw(spender)],
            &[uw(value)],
        );
        Ok(())
    }

    /// `holder`'s correction for `token` (one copy of the nested-map
    /// access for every caller).
    #[inline(never)]
    fn corr_of(&self, holder: Address, token: Address) -> I256 {
        self.corr.getter(holder).get(token)
    }

    /// Sets `holder`'s correction for `token`.
    #[inline(never)]
    fn set_corr(&mut self, holder: Address, token: Address, corr: I256) {
        self.corr.setter(holder).insert(token, corr);
    }

    /// The share token's name, as bytes (the EIP-712 domain's name).
    fn name_bytes(&self) -> Vec<u8> {
        logic::unpack_bytes(&[self.name0.get(), self.name1.get(), self.name2.get()])
    }

    /// The balance `account` accrues revenue on (zero if non-accruing).
    fn accruing_balance(&self, account: Address) -> U256 {
        logic::accruing_balance(self.balances.get(account))
    }

    /// Whether `pair` is a Uniswap V2 pair of the shares created by
    /// `factory`: its `token0()`/`token1()` answer, one of them is the
    /// vault, and `factory.getPair(token0, token1)` is `pair`. An account
    /// without code answers nothing, so it never qualifies.
    fn is_pair(&self, factory: Address, pair: Address) -> bool {
        let word = |target: Address, selector: [u8; 4], args: &[B256]| {
            call(target, selector, args, true)
                .ok()
                .and_then(|out| out.get(..32).map(B256::from_slice))
        };
        let (Some(t0), Some(t1)) = (word(pair, TOKEN0, &[]), word(pair, TOKEN1, &[])) else {
            return false;
        };
        let this = aw(self.vm().contract_address());
        (t0 == this || t1 == this) && word(factory, GET_PAIR, &[t0, t1]) == Some(aw(pair))
    }

    /// [`Error::VaultNotActive`] unless the vault holds its asset (status 2).
    fn require_active(&self) -> Result<(), Error> {
        if self.status() != status::ACTIVE {
            return Err(Error::VaultNotActive(VaultNotActive {}));
        }
        Ok(())
    }

    /// Sends the asset to `to`: ERC-721 `safeTransferFrom`, or the ERC-1155
    /// units (redemption and buyout).
    fn send_asset(&mut self, to: Address) -> Result<(), Vec<u8>> {
        let (asset, id, units) = self.asset();
        let this = aw(self.vm().contract_address());
        if units.is_zero() {
            call(asset, SAFE_TRANSFER_721, &[this, aw(to), uw(id)], false)?;
        } else {
            // `data` is empty: its offset (5 words) and a zero length.
            call(
                asset,
                SAFE_TRANSFER_1155,
                &[
                    this,
                    aw(to),
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
            Err(Error::TokenNotAllowed(VaultTokenNotAllowed { token }))
        }
    }

    fn only_curator(&self) -> Result<Address, Error> {
        let sender = self.vm().msg_sender();
        let curator = self.curator.get();
        if curator.is_zero() || sender != curator {
            return Err(Error::NotCurator(VaultNotCurator { account: sender }));
        }
        Ok(curator)
    }

    /// Serves the curator's `createOffer`/`updateOffer`/`cancelOffer` (see
    /// [`Self::fallback`]); `calldata` starts with one of their selectors.
    fn curator_offer(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        self.only_curator()?;
        self.require_active()?;
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
                    Error::InvalidOfferPayee(VaultInvalidOfferPayee { payee }).into()
                }
                logic::OfferRefusal::Token(token) => {
                    Error::TokenNotAllowed(VaultTokenNotAllowed { token }).into()
                }
                logic::OfferRefusal::TooLong(max) => Error::OfferTooLong(VaultOfferTooLong {
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
        Error::UnexpectedAsset(VaultUnexpectedAsset {
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
    /// either the new accumulator (shares exist, shared over the accruing
    /// supply; if none accrue, nothing is accounted) or the redeemer and its
    /// new correction (after redemption).
    fn pending(&self, token: Address) -> Option<Pending> {
        let balance = self.token_balance(token)?;
        let fresh = logic::fresh(balance, self.accounted.get(token));
        if fresh.is_zero() {
            return None;
        }
        let supply = self.total_supply.get();
        let acc = self.acc.get(token);
        // No share accrues (none exist after a redemption; after a buyout
        // every share may sit with non-accruing accounts): the account that
        // received the asset, if any, is credited; otherwise it waits.
        if logic::accruing_supply(supply).is_zero() {
            let redeemer = self.redeemer.get();
            if redeemer.is_zero() {
                return None;
            }
            let corr = logic::on_credit(self.corr_of(redeemer, token), fresh).ok()?;
            Some(Pending {
                balance,
                fresh,
                acc,
                credit: Some((redeemer, corr)),
            })
        } else {
            // Shared over the accruing supply.
            let acc = logic::accrue(
                acc,
                fresh,
                logic::accruing_supply(supply),
                logic::total_supply(supply),
            )?;
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
            Some((redeemer, corr)) => self.set_corr(redeemer, token, corr),
            None => self.acc.insert(token, p.acc),
        }
        self.accounted.insert(token, p.balance);
        emit(
            &[stylus_ip_common::topic!(RevenueAccrued), aw(token)],
            &[uw(p.fresh)],
        );
        p.acc
    }

    /// Hook run before `shares` move from `from` to `to` (zero: mint or
    /// burn), whose ends are `from_end` and `to_end`: accounts every revenue
    /// token first, then moves the accrued-so-far out of the shares' way
    /// with the corrections of the accruing ends. A non-accruing sender is
    /// treated like a mint and a non-accruing receiver like a burn: their
    /// corrections never move, so what they may claim stays zero. A move
    /// without an accruing end changes neither the accruing supply nor any
    /// accruing balance, so accounting waits for the next interaction.
    fn settle(
        &mut self,
        from: Address,
        from_end: logic::End,
        to: Address,
        to_end: logic::End,
        shares: U256,
    ) -> Result<(), Error> {
        let (from_accrues, to_accrues) = (
            from_end == logic::End::Accruing,
            to_end == logic::End::Accruing,
        );
        if shares.is_zero() || from == to || !(from_accrues || to_accrues) {
            return Ok(());
        }
        for i in 0..=self.tokens.len() {
            let token = self.token_at(i);
            let acc = self.sync(token);
            if acc.is_zero() {
                continue;
            }
            for (holder, accrues, sends) in [(from, from_accrues, true), (to, to_accrues, false)] {
                if accrues {
                    let corr: I256 = self.corr_of(holder, token);
                    self.set_corr(holder, token, logic::adjust(corr, acc, shares, sends)?);
                }
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
        .map_err(|_| Error::EthTransferFailed(VaultEthTransferFailed { to, amount }))
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
    call_raw(target, &revert_data(&selector, words), read_only)
}

/// Calls (or static-calls) `target` with `data`, no value, the storage
/// cache flushed first; returns the return data or the revert data.
#[inline(never)]
fn call_raw(target: Address, data: &[u8], read_only: bool) -> Result<Vec<u8>, Vec<u8>> {
    let raw = if read_only {
        RawCall::new_static()
    } else {
        RawCall::new()
    };
    // SAFETY: the vault is not re-entrant (the SDK's default: a re-entrant
    // call reverts), and pending storage writes are flushed before the call.
    unsafe { raw.flush_storage_cache().call(target, data) }
}

/// `transfer(address,uint256)` (ERC-20 payout).
const TRANSFER: [u8; 4] = stylus_sdk::function_selector!("transfer", Address, U256);
/// `balanceOf(address)` (ERC-20 revenue balance).
const BALANCE_OF: [u8; 4] = stylus_sdk::function_selector!("balanceOf", Address);
/// Selectors of the entry points `ShareVault::serve` answers (with
/// [`TRANSFER`] and [`BALANCE_OF`], the same as the ERC-20 calls the vault
/// makes).
const INITIALIZE: [u8; 4] = initializeCall::SELECTOR;
const NAME: [u8; 4] = nameCall::SELECTOR;
const SYMBOL: [u8; 4] = symbolCall::SELECTOR;
const REVENUE_TOKENS: [u8; 4] = revenueTokensCall::SELECTOR;
const CLAIM: [u8; 4] = claimCall::SELECTOR;
const DECIMALS: [u8; 4] = decimalsCall::SELECTOR;
const TOTAL_SUPPLY: [u8; 4] = totalSupplyCall::SELECTOR;
const ALLOWANCE: [u8; 4] = allowanceCall::SELECTOR;
const APPROVE: [u8; 4] = approveCall::SELECTOR;
const TRANSFER_FROM: [u8; 4] = transferFromCall::SELECTOR;
const CLAIMABLE: [u8; 4] = claimableCall::SELECTOR;
const ASSET: [u8; 4] = assetCall::SELECTOR;
const STATUS: [u8; 4] = statusCall::SELECTOR;
const CURATOR: [u8; 4] = curatorCall::SELECTOR;
const TRANSFER_CURATOR: [u8; 4] = transferCuratorCall::SELECTOR;
const MARKET: [u8; 4] = marketCall::SELECTOR;
const MAX_LEASE_DURATION: [u8; 4] = maxLeaseDurationCall::SELECTOR;
const SET_MARKET_APPROVAL: [u8; 4] = setMarketApprovalCall::SELECTOR;
const REDEEM: [u8; 4] = redeemCall::SELECTOR;
const SUPPORTS_INTERFACE: [u8; 4] = supportsInterfaceCall::SELECTOR;
const PERMIT: [u8; 4] = permitCall::SELECTOR;
const NONCES: [u8; 4] = noncesCall::SELECTOR;
const DOMAIN_SEPARATOR: [u8; 4] = DOMAIN_SEPARATORCall::SELECTOR;
const EIP712_DOMAIN: [u8; 4] = eip712DomainCall::SELECTOR;
const REGISTER_POOL: [u8; 4] = registerPoolCall::SELECTOR;
const ACCRUES: [u8; 4] = accruesCall::SELECTOR;
const ACCRUING_SUPPLY: [u8; 4] = accruingSupplyCall::SELECTOR;
const AMM_FACTORY: [u8; 4] = ammFactoryCall::SELECTOR;
const BUYOUT: [u8; 4] = buyoutCall::SELECTOR;
const RELEASE_ASSET: [u8; 4] = releaseAssetCall::SELECTOR;
/// `token0()` (Uniswap V2 pair).
const TOKEN0: [u8; 4] = stylus_sdk::function_selector!("token0");
/// `token1()` (Uniswap V2 pair).
const TOKEN1: [u8; 4] = stylus_sdk::function_selector!("token1");
/// `getPair(address,address)` (Uniswap V2 factory).
const GET_PAIR: [u8; 4] = stylus_sdk::function_selector!("getPair", Address, Address);
/// The `ecrecover` precompile.
const ECRECOVER: Address = Address::with_last_byte(1);
/// `safeTransferFrom(address,address,uint256)` (ERC-721 redemption).
const SAFE_TRANSFER_721: [u8; 4] =
    stylus_sdk::function_selector!("safeTransferFrom", Address, Address, U256);
/// `safeTransferFrom(address,address,uint256,uint256,bytes)` (ERC-1155 redemption).
const SAFE_TRANSFER_1155: [u8; 4] =
    stylus_sdk::function_selector!("safeTransferFrom", Address, Address, U256, U256, Bytes);

#[cfg(test)]
mod tests;
