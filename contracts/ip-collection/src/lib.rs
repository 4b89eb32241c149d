//! `IpCollection`: the ERC-721 collection a creator mints AI-generated works
//! (characters, artworks, model checkpoints) into.
//!
//! * ERC-721 with metadata: `tokenURI` is the token's own URI, else base
//!   URI + decimal id. The core is written here on packed words (see
//!   *Storage layout*) and follows OpenZeppelin's `ERC721` exactly — the
//!   same checks in the same order, the same ERC-6093 errors, events and
//!   views — which a differential property test against OpenZeppelin
//!   Stylus' `Erc721` checks step by step (`oz_diff_tests`). Safe transfers
//!   check receivers as OZ Solidity does (a receiver's revert data is
//!   re-thrown verbatim).
//! * EIP-2981 royalties in basis points: a default and per-token royalties
//!   set at mint; `royaltyInfo` is exact and overflow-free for any price.
//! * ERC-4907 timed users, plus *lease operators*: accounts an owner approves
//!   for leases only. A user set by a lease operator is a locked (paid) lease
//!   that survives transfers and cannot be replaced or shortened before it
//!   expires, and ends within 5 × 365 days of being set or renewed. Every
//!   other user, including any the owner sets (even as its own lease
//!   operator), is cleared by a transfer, as in the ERC-4907 reference: a
//!   new owner holds full use rights except for bounded paid leases. The
//!   pure rules live in [`logic`].
//! * ERC-4906 metadata updates by metadata updaters; two-step ownership,
//!   minters, pause of mints and transfers.
//! * Batch mints of studio output (`mintBatch`): one 32-byte metadata
//!   digest per token instead of a URI string; the token's URI is
//!   `ipfs://` + the CIDv1 of that digest ([`logic::ipfs_uri`]), rendered
//!   when read. A batch of two or more emits one ERC-2309
//!   `ConsecutiveTransfer(first, last, 0, to)` instead of a `Transfer` per
//!   token. ERC-721 asks for a `Transfer` per token created after
//!   construction (only tokens created during construction may go without
//!   one): indexers that know ERC-2309 read `ConsecutiveTransfer` instead,
//!   others miss batch-minted tokens until their first transfer. A batch of
//!   one emits the ordinary `Transfer`.
//! * ERC-7572 contract-level metadata: `contractURI`, set by metadata
//!   updaters (`setContractURI`, event `ContractURIUpdated`).
//! * Deployable directly (`#[constructor]`) or as a clone/proxy of one
//!   activated implementation (`initialize`, which runs once).
//!
//! ## Deployment
//!
//! Measured on the suite's devnode when the contract was 93 KB of WASM
//! (24.4 KB compressed; now 73.3 KB and 23.3 KB):
//!
//! | path | gas |
//! |---|---|
//! | first direct deployment: deploy + activate + constructor | 5.32 M + 5.10 M (+ data fee) + 0.32 M |
//! | later direct deployment (same code, already active) | 5.32 M + 0.32 M |
//! | clone: 51-byte delegating proxy (`stylus_ip_proxy`) + `initialize` | 0.06 M + 0.30 M |
//!
//! `cargo ip deploy` clones it with the strict 45-byte (EIP-1167) proxy
//! instead, which has no receive path: plain ETH reaches this contract,
//! which refuses it (nothing here could ever move ETH out).
//!
//! A clone adds about 2.7 k gas per call (the `DELEGATECALL`). The
//! implementation a factory clones should itself be initialised (or deployed
//! with the constructor) so that nobody else claims its ownership; its own
//! storage is never used by the clones.
//!
//! ## Storage layout
//!
//! Solady style: what one operation needs sits in as few words as possible,
//! and a word is read only when a flag says it holds something. Every
//! mapping slot is `keccak256` by the `native_keccak256` hostio (stylus-sdk's
//! `StorageMap`, [`store`]); no software keccak is linked (the build gate's
//! `no-software-keccak` rule). Bit 0 is a word's least significant bit; the
//! EVM stores the word big-endian, so bits 0..160 are bytes 12..32.
//!
//! | slot | content |
//! |---|---|
//! | 0 | collection word ([`logic::Collection`]): bits 0..160 owner, 160..224 `minted` (also the last id), bit 224 paused, bit 225 initialized |
//! | 1 | pending owner (bits 0..160) |
//! | 2 | default royalty ([`logic::Royalty`]): bits 0..160 receiver, 160..176 basis points |
//! | `keccak(id ‖ 3)` | token word ([`logic::Token`]): bits 0..160 owner (zero: nonexistent), 160..224 the ERC-4907 user's `expires`, bit 224 locked lease, bit 225 has user, bit 226 has approval, bit 227 has digest, 228..256 zero |
//! | `keccak(account ‖ 4)` | account word ([`logic::Account`]): bits 0..64 balance, bits 64..72 roles (minter `0x01`, metadata updater `0x02`) |
//! | `keccak(id ‖ 5)` | approved address, non-zero exactly while the token word's has-approval bit is set |
//! | `keccak(operator ‖ keccak(owner ‖ 6))` | bits 0..8: `0x01` operator for all (`setApprovalForAll`), `0x02` lease operator |
//! | `keccak(id ‖ 7)` | ERC-4907 user, non-zero exactly while the token word's has-user bit is set |
//! | `keccak(id ‖ 8)` | the token's own royalty ([`logic::Royalty`]; zero: the default applies) |
//! | `keccak(id ‖ 9)` | the sha-256 of the token's metadata (its URI is [`logic::ipfs_uri`] of it), meaningful exactly while the token word's has-digest bit is set; zeroed when a string URI replaces it |
//! | `keccak("stylus-ip.ip-collection.name")`, `…symbol`, `…base-uri`, `…contract-uri` | strings in Solidity's layout ([`store`]: up to 31 bytes inline) |
//! | `keccak(id ‖ keccak("stylus-ip.ip-collection.token-uri"))` | the token's own URI, same layout |
//!
//! What that buys, against OpenZeppelin's Solidity layout (one slot each for
//! owner, balance, approval, operator flag; the ERC-4907 record; the minter
//! flag; the counter):
//! * a transfer of a token with neither approval nor user touches the token
//!   word, the two account words and the collection word (pause) — no
//!   approval slot (OZ writes zero to it on every transfer) and no user
//!   slot;
//! * a mint by the owner reads and updates one collection word for its role,
//!   the pause flag and the counter, and writes a short URI in one slot;
//! * `ownerOf`, `leaseLocked` and `userExpires` read one word, and
//!   `leaseContext` (the licence market's checks before a lease, in one
//!   call) that word, one operator slot and the royalty; `leaseTo` (the
//!   market's whole sale: the same answer, and the user set in the same
//!   call when the market's rules pass, one program entry per sale) reads
//!   the same and, when it leases, writes what `setUser` writes; a lease
//!   renewal rewrites only the token word; a minter's role shares its
//!   balance word; an owner's lease operator shares the operator slot.
//!
//! The price: `approve` and the first `setUser` after a transfer also set a
//! flag in the token word (an update of a slot the call reads anyway).
//!
//! ## Size
//!
//! The WASM must stay under Stylus' 24 KiB compressed limit. Nothing of
//! OpenZeppelin Stylus is linked: its `Erc721` cost 1.2 KB of compressed
//! code (23,632 → 22,391 bytes with this core) and, through its
//! `tiny-keccak` feature, made every mapping slot a software keccak in
//! metered WASM. Ownership, pause, royalties and string storage are small
//! hand-written equivalents too (OZ's versions cost several KB: typed event
//! encoders, a 256-bit division in `StorageString`, a panicking
//! `royalty_info`), and errors and events are encoded by two small functions
//! instead of one alloy encoder per type.
//!
//! The functions taking or returning strings, arrays or tuples (`name`,
//! `symbol`, `tokenURI`, `setTokenURI`, `setBaseURI`, `mint`, `mintBatch`,
//! `contractURI`, `setContractURI`, `royaltyInfo`, `leaseContext`,
//! `leaseTo`) are served by [`IpCollection::fallback`] with a small hand-written decoder
//! ([`logic::static_arg`], [`logic::dynamic_arg`], [`logic::encode_string`])
//! instead of stylus-sdk's router, which monomorphises alloy's decoder and
//! encoder per signature: `mintBatch` and ERC-7572 as routed methods took
//! the program from 23,698 to 26,566 bytes (fragmented); served by the
//! fallback with those eight older functions, it is 23,251 bytes.
//!
//! ## Gas
//!
//! Receipt gas on the devnode (ArbOS 61 rules, program cached; `stylus-ip-bench`,
//! same transactions as its OpenZeppelin Solidity 5 baseline `BaselineIp721`),
//! on OpenZeppelin Stylus' `Erc721` with a software keccak and this crate's
//! own core:
//!
//! | operation | with OZ's `Erc721` | own core | Solidity | own ÷ Solidity |
//! |---|---:|---:|---:|---:|
//! | mint (fresh holder, 13-byte URI) | 140,154 | 98,756 | 103,318 | 0.96 |
//! | mint (existing holder) | 105,954 | 81,656 | 86,218 | 0.95 |
//! | transferFrom (to fresh holder) | 66,050 | 61,411 | 62,283 | 0.99 |
//! | transferFrom (to existing holder) | 48,950 | 44,311 | 45,183 | 0.98 |
//! | safeTransferFrom (to fresh EOA) | 68,669 | 64,030 | 65,022 | 0.98 |
//! | approve | 50,171 | 53,418 | 48,685 | 1.10 |
//! | setUser (owner, fresh user slot) | 53,751 | 53,402 | 51,315 | 1.04 |
//! | royaltyInfo (as a transaction) | 27,806 | 27,475 | 26,486 | 1.04 |
//! | lease purchase (licence market, 5 calls in) | 199,398 | 194,563 | 96,592 | 2.01 |
//! | lease renewal | 120,489 | 113,438 | 77,198 | 1.47 |
//!
//! `cachedGas` per entry 1,570 → 1,418, `initGas` 20,134 → 19,532. `approve`
//! and the first `setUser` after a transfer pay for the flag in the token
//! word (an update, 2,900 gas) that spares every transfer without approval
//! or user the approval and user slots (OpenZeppelin's Solidity writes the
//! approval slot on every transfer and the ERC-4907 baseline reads the user
//! slot).
//!
//! Batch mints (`tests/tests/collection_batch.rs`, in-process devnode, to a
//! holder with tokens, default royalty): receipt gas per token 101,030 for a
//! batch of 1, 50,609 of 10, 46,104 of 50, 45,543 of 100 (the token word and
//! the digest word: two fresh slots), against 168,079 for `mint` with the
//! same token's 66-byte `ipfs://` URI as a string (four string slots). With
//! its own royalty a token costs one slot more either way (67,780 per token
//! at 100 against 190,330). Serving the string and tuple functions from the
//! fallback made every call 680–970 gas cheaper than with stylus-sdk's router
//! for all of them (a smaller program to enter, less decoding): `mint`
//! 101,702 → 100,731, `transferFrom` 81,241 → 80,565, `royaltyInfo`
//! 47,690 → 46,904, `leaseContext` 52,706 → 51,914 (same transactions, program
//! not cached).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// On-chain builds are `no_std` (stylus-sdk 0.9 is): std's panic
// runtime and its message formatting would otherwise be linked in.
#![cfg_attr(
    all(target_arch = "wasm32", not(any(test, feature = "export-abi"))),
    no_std
)]
// `#[entrypoint]` generates undocumented public items (the WASM export
// `user_entrypoint`, the ABI printer); docs are enforced everywhere else
// (native builds, tests, clippy).
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

/// Traps on panic (the `unreachable` instruction reverts the call). Nothing
/// here panics on user input, so this is only reached on a bug.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

pub mod logic;
#[cfg(test)]
mod oz_diff_tests;
mod store;
#[cfg(test)]
mod tests;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{
    aliases::{B32, U8, U96},
    fixed_bytes, Address, B256, U256,
};
use alloy_sol_types::{SolCall, SolError};
use logic::{
    Account, Collection, Lease, LeaseError, Royalty, Token, TransferError, APPROVED_FOR_ALL,
    FEE_DENOMINATOR, LEASE_OPERATOR, METADATA_UPDATER, MINTER,
};
use stylus_ip_common::lease::asset_refusal;
use stylus_sdk::{
    abi::Bytes,
    block,
    call::RawCall,
    evm, msg,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU8},
};

stylus_ip_common::sol_decls! {
    // ERC-721 (ERC-6093 names).
    /// `owner` (zero) cannot own tokens.
    error ERC721InvalidOwner(address owner);
    /// `tokenId` has not been minted.
    error ERC721NonexistentToken(uint256 tokenId);
    /// `sender` is not the owner of `tokenId`; `owner` is.
    error ERC721IncorrectOwner(address sender, uint256 tokenId, address owner);
    /// Tokens cannot come from `sender`.
    error ERC721InvalidSender(address sender);
    /// `receiver` cannot take the token (zero, or a contract refusing it).
    error ERC721InvalidReceiver(address receiver);
    /// `operator` may not act on `tokenId`.
    error ERC721InsufficientApproval(address operator, uint256 tokenId);
    /// `approver` may not approve for the token.
    error ERC721InvalidApprover(address approver);
    /// `operator` (zero) cannot be approved.
    error ERC721InvalidOperator(address operator);
    // EIP-2981.
    /// Default royalty of `numerator`/`denominator` is over 100 %.
    error ERC2981InvalidDefaultRoyalty(uint256 numerator, uint256 denominator);
    /// A non-zero default royalty needs a non-zero `receiver`.
    error ERC2981InvalidDefaultRoyaltyReceiver(address receiver);
    /// Royalty of `numerator`/`denominator` for `tokenId` is over 100 %.
    error ERC2981InvalidTokenRoyalty(uint256 tokenId, uint256 numerator, uint256 denominator);
    // Roles, pause, initialisation.
    /// `account` is not the owner.
    error OwnableUnauthorizedAccount(address account);
    /// `owner` (zero) cannot be the initial owner.
    error OwnableInvalidOwner(address owner);
    /// Mints and transfers are paused.
    error EnforcedPause();
    /// The contract is not paused.
    error ExpectedPause();
    /// The collection is already initialised.
    error InvalidInitialization();
    /// `account` holds no minter role.
    error CollectionCallerNotMinter(address account);
    /// `account` holds no metadata-updater role.
    error CollectionCallerNotMetadataUpdater(address account);
    /// A role cannot be given to `account` (zero).
    error CollectionInvalidAccount(address account);
    // ERC-4907 leases.
    /// A user's `expires` is before the block `timestamp`.
    error CollectionUserExpiryInPast(uint64 expires, uint64 timestamp);
    /// `tokenId` carries a locked lease to `user` until `expires`.
    error CollectionLeaseLocked(uint256 tokenId, address user, uint64 expires);
    /// A lock's `expires` is past `maxExpires` (now + 5 × 365 days).
    error CollectionLockExpiryTooFar(uint64 expires, uint64 maxExpires);
    /// A counter or amount does not fit 256 bits.
    error CollectionArithmeticOverflow();
    /// `mintBatch` was given no metadata digest (nothing to mint).
    error CollectionEmptyBatch();

    // Functions served by `IpCollection::fallback` (declared here so that
    // the exported interface lists them; see the Rust methods of the same
    // names).
    /// Mints one token per metadata digest to `to`, ids `totalSupply + 1`
    /// on, each `tokenURI` the `ipfs://` CIDv1 of its digest; returns the
    /// first id.
    function mintBatch(address to, bytes32[] calldata metadataDigests, address royaltyReceiver, uint96 royaltyBps) external returns (uint256);
    /// ERC-7572 contract-level metadata URI.
    function contractURI() external view returns (string memory);
    /// Sets the ERC-7572 contract URI (metadata updater or owner).
    function setContractURI(string calldata uri) external;
    /// Sets `tokenId`'s own URI (metadata updater or owner).
    function setTokenURI(uint256 tokenId, string calldata uri) external;
    /// Sets the base URI (metadata updater or owner).
    function setBaseURI(string calldata baseUri) external;
    /// Mints the next id to `to` with its own `uri` and royalty; returns the id.
    function mint(address to, string calldata uri, address royaltyReceiver, uint96 royaltyBps) external returns (uint256);
    /// ERC-721 metadata: the collection name.
    function name() external view returns (string memory);
    /// ERC-721 metadata: the collection symbol.
    function symbol() external view returns (string memory);
    /// ERC-721 metadata: the token's URI.
    function tokenURI(uint256 tokenId) external view returns (string memory);
    /// EIP-2981: royalty receiver and amount for a sale of `tokenId` at `salePrice`.
    function royaltyInfo(uint256 tokenId, uint256 salePrice) external view returns (address, uint256);
    /// `ownerOf`, `isLeaseOperator`, `leaseLocked`, `userExpires` and `royaltyInfo` in one call.
    function leaseContext(uint256 tokenId, address lessor, address operator, uint256 salePrice) external view returns (address, bool, bool, uint64, address, uint256);
    /// A lease operator's sale: `leaseContext(tokenId, lessor, msg.sender, salePrice)`, and when the
    /// market's rules pass (operator approved, lessor owns, for a purchase no locked lease) `setUser`.
    function leaseTo(uint256 tokenId, address lessor, address user, uint64 expires, bool renew, uint256 salePrice) external returns (address, bool, bool, uint64, address, uint256);

    /// ERC-721: `tokenId` moved from `from` to `to`.
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    /// ERC-2309: tokens `fromTokenId..=toTokenId` moved from `fromAddress`
    /// to `toAddress` (a batch mint, from zero).
    event ConsecutiveTransfer(uint256 indexed fromTokenId, uint256 toTokenId, address indexed fromAddress, address indexed toAddress);
    /// ERC-7572: the contract-level metadata (`contractURI`) changed.
    event ContractURIUpdated();
    /// ERC-721: `owner` approved `approved` for `tokenId`.
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    /// ERC-721: `owner` (dis)approved `operator` for all its tokens.
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
    /// ERC-4907: `tokenId`'s user is now `user` until `expires`.
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);
    /// ERC-4906: `_tokenId`'s metadata changed.
    event MetadataUpdate(uint256 _tokenId);
    /// ERC-4906: metadata of `_fromTokenId..=_toTokenId` changed.
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);
    /// `owner` (dis)approved `operator` as lease operator for all its tokens.
    event LeaseOperatorSet(address indexed owner, address indexed operator, bool approved);
    /// `account`'s minter role is now `enabled`.
    event MinterSet(address indexed account, bool enabled);
    /// `account`'s metadata-updater role is now `enabled`.
    event MetadataUpdaterSet(address indexed account, bool enabled);
    /// The default royalty is now `royaltyBps` to `receiver` (zero/zero: none).
    event DefaultRoyaltySet(address indexed receiver, uint96 royaltyBps);
    /// Ownership transfer to `newOwner` started (two-step).
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// Ownership moved from `previousOwner` to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// `account` paused mints and transfers.
    event Paused(address account);
    /// `account` unpaused mints and transfers.
    event Unpaused(address account);
    /// The collection was initialised (`version` 1).
    event Initialized(uint64 version);
}

/// ERC-165 id of ERC-165 itself.
pub const IERC165_ID: B32 = fixed_bytes!("01ffc9a7");
/// ERC-165 id of ERC-721.
pub const IERC721_ID: B32 = fixed_bytes!("80ac58cd");
/// ERC-165 id of ERC-721 metadata (`name ^ symbol ^ tokenURI`).
pub const IERC721_METADATA_ID: B32 = fixed_bytes!("5b5e139f");
/// ERC-165 id of EIP-2981.
pub const IERC2981_ID: B32 = fixed_bytes!("2a55205a");
/// ERC-165 id of ERC-4907 (`setUser ^ userOf ^ userExpires`).
pub const IERC4907_ID: B32 = fixed_bytes!("ad092b5c");
/// ERC-165 id of ERC-4906 (fixed by the standard).
pub const IERC4906_ID: B32 = fixed_bytes!("49064906");

/// Selector of `onERC721Received(address,address,uint256,bytes)`.
pub const ON_ERC721_RECEIVED: [u8; 4] = [0x15, 0x0b, 0x7a, 0x02];

// Roots of the string slots (see `store`), used through `imm_u256!` so
// that none of them takes data-segment bytes (see `stylus_ip_common::imm`).
const NAME_SLOT: U256 = store::root(b"stylus-ip.ip-collection.name");
const SYMBOL_SLOT: U256 = store::root(b"stylus-ip.ip-collection.symbol");
const BASE_URI_SLOT: U256 = store::root(b"stylus-ip.ip-collection.base-uri");
const TOKEN_URI_ROOT: U256 = store::root(b"stylus-ip.ip-collection.token-uri");
const CONTRACT_URI_SLOT: U256 = store::root(b"stylus-ip.ip-collection.contract-uri");

// stylus-sdk 0.9 deprecates these free host functions in favour of
// `self.vm()`, a dynamically dispatched path to the same hostios that costs
// more code.
#[allow(deprecated)]
fn sender() -> Address {
    msg::sender()
}

#[allow(deprecated)]
fn now() -> u64 {
    block::timestamp()
}

// 32-byte ABI words of static values, out of line so that each error and
// event site is a few calls rather than inlined byte shuffling.
#[inline(never)]
fn w_addr(a: Address) -> B256 {
    a.into_word()
}

#[inline(never)]
fn w_u256(v: U256) -> B256 {
    B256::from(v)
}

fn w_u64(v: u64) -> B256 {
    w_u256(U256::from(v))
}

fn w_bool(v: bool) -> B256 {
    w_u64(u64::from(v))
}

/// Field-wise word conversion for the `errors!` encoder.
trait Word {
    fn word(self) -> B256;
}
impl Word for Address {
    fn word(self) -> B256 {
        w_addr(self)
    }
}
impl Word for U256 {
    fn word(self) -> B256 {
        w_u256(self)
    }
}
impl Word for u64 {
    fn word(self) -> B256 {
        w_u64(self)
    }
}

/// `selector ‖ words`: the ABI encoding of an error (or call) whose fields
/// are all static.
fn encode_error(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    out
}

/// Calldata of `onERC721Received(operator, from, token_id, data)`: the
/// selector, three static words, then `data` as ABI `bytes` (offset 128,
/// length, zero-padded bytes). A unit test checks it against alloy.
fn on_received_calldata(operator: Address, from: Address, token_id: U256, data: &[u8]) -> Vec<u8> {
    let mut out = encode_error(
        ON_ERC721_RECEIVED,
        &[
            w_addr(operator),
            w_addr(from),
            w_u256(token_id),
            w_u64(128),
            w_u64(data.len() as u64),
        ],
    );
    out.extend_from_slice(data);
    out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
    out
}

/// Emits a log with topics `signature ‖ indexed` and data `words` (static
/// types only): the bytes `evm::log` produces for the typed event, which the
/// tests assert with motsu's typed `assert_emitted`.
#[allow(deprecated)] // stylus-sdk 0.9's free `raw_log`, see `sender`.
fn emit(signature: B256, indexed: &[B256], words: &[B256]) {
    let mut topics = Vec::with_capacity(4);
    topics.push(signature);
    topics.extend_from_slice(indexed);
    // `raw_log` only fails on more than 4 topics; callers pass at most 3
    // indexed ones.
    let _ = evm::raw_log(&topics, &words_data(words));
}

/// `leaseContext`'s and `leaseTo`'s answer as ABI words.
fn lease_words((owner, approved, locked, expires, receiver, amount): LeaseContext) -> [B256; 6] {
    [
        w_addr(owner),
        w_bool(approved),
        w_bool(locked),
        w_u64(expires),
        w_addr(receiver),
        w_u256(amount),
    ]
}

/// The words, concatenated: the ABI encoding of static values (event data,
/// return data).
fn words_data(words: &[B256]) -> Vec<u8> {
    let mut data = Vec::with_capacity(32 * words.len());
    for w in words {
        data.extend_from_slice(w.as_slice());
    }
    data
}

/// ERC-721 `Transfer(from, to, token_id)`.
fn emit_transfer(from: Address, to: Address, token_id: U256) {
    emit(
        stylus_ip_common::topic!(Transfer),
        &[w_addr(from), w_addr(to), w_u256(token_id)],
        &[],
    );
}

/// ERC-4907 `UpdateUser(token_id, lease.user, lease.expires)`.
fn emit_update_user(token_id: U256, lease: Lease) {
    emit(
        stylus_ip_common::topic!(UpdateUser),
        &[w_u256(token_id), w_addr(lease.user)],
        &[w_u64(lease.expires)],
    );
}

macro_rules! errors {
    ($($(#[$doc:meta])* $variant:ident($ty:ident { $($field:ident),* }),)*) => {
        /// Every error of [`IpCollection`]: one flat enum of this crate's
        /// Solidity errors, plus the verbatim revert of a safe-transfer
        /// receiver (which no Solidity error type can carry, hence the
        /// hand-written encoding instead of `#[derive(SolidityError)]`).
        #[derive(Debug, PartialEq)]
        pub enum Error {
            $($(#[$doc])* $variant($ty),)*
            /// A receiver's `onERC721Received` reverted with this data,
            /// re-thrown unchanged (OZ Solidity `ERC721Utils` behaviour).
            ReceiverRevert(Vec<u8>),
        }
        $(impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        })*
        impl From<Error> for Vec<u8> {
            #[allow(non_snake_case)]
            fn from(e: Error) -> Self {
                match e {
                    $(Error::$variant($ty { $($field),* }) => {
                        // selector ‖ one word per (static) field; a unit
                        // test checks this against alloy for every error.
                        encode_error(<$ty as SolError>::SELECTOR, &[$($field.word()),*])
                    })*
                    Error::ReceiverRevert(data) => data,
                }
            }
        }
    };
}

errors! {
    /// See [`ERC721InvalidOwner`].
    InvalidOwner(ERC721InvalidOwner { owner }),
    /// See [`ERC721NonexistentToken`].
    NonexistentToken(ERC721NonexistentToken { tokenId }),
    /// See [`ERC721IncorrectOwner`].
    IncorrectOwner(ERC721IncorrectOwner { sender, tokenId, owner }),
    /// See [`ERC721InvalidSender`].
    InvalidSender(ERC721InvalidSender { sender }),
    /// See [`ERC721InvalidReceiver`].
    InvalidReceiver(ERC721InvalidReceiver { receiver }),
    /// See [`ERC721InsufficientApproval`].
    InsufficientApproval(ERC721InsufficientApproval { operator, tokenId }),
    /// See [`ERC721InvalidApprover`].
    InvalidApprover(ERC721InvalidApprover { approver }),
    /// See [`ERC721InvalidOperator`].
    InvalidOperator(ERC721InvalidOperator { operator }),
    /// See [`ERC2981InvalidDefaultRoyalty`].
    InvalidDefaultRoyalty(ERC2981InvalidDefaultRoyalty { numerator, denominator }),
    /// See [`ERC2981InvalidDefaultRoyaltyReceiver`].
    InvalidDefaultRoyaltyReceiver(ERC2981InvalidDefaultRoyaltyReceiver { receiver }),
    /// See [`ERC2981InvalidTokenRoyalty`].
    InvalidTokenRoyalty(ERC2981InvalidTokenRoyalty { tokenId, numerator, denominator }),
    /// See [`OwnableUnauthorizedAccount`].
    UnauthorizedAccount(OwnableUnauthorizedAccount { account }),
    /// See [`OwnableInvalidOwner`].
    InvalidInitialOwner(OwnableInvalidOwner { owner }),
    /// See [`EnforcedPause`].
    EnforcedPause(EnforcedPause {}),
    /// See [`ExpectedPause`].
    ExpectedPause(ExpectedPause {}),
    /// See [`InvalidInitialization`].
    InvalidInitialization(InvalidInitialization {}),
    /// See [`CollectionCallerNotMinter`].
    NotMinter(CollectionCallerNotMinter { account }),
    /// See [`CollectionCallerNotMetadataUpdater`].
    NotMetadataUpdater(CollectionCallerNotMetadataUpdater { account }),
    /// See [`CollectionInvalidAccount`].
    InvalidAccount(CollectionInvalidAccount { account }),
    /// See [`CollectionUserExpiryInPast`].
    ExpiryInPast(CollectionUserExpiryInPast { expires, timestamp }),
    /// See [`CollectionLeaseLocked`].
    LeaseLocked(CollectionLeaseLocked { tokenId, user, expires }),
    /// See [`CollectionLockExpiryTooFar`].
    LockExpiryTooFar(CollectionLockExpiryTooFar { expires, maxExpires }),
    /// See [`CollectionArithmeticOverflow`].
    Overflow(CollectionArithmeticOverflow {}),
    /// See [`CollectionEmptyBatch`].
    EmptyBatch(CollectionEmptyBatch {}),
}

// Errors reach the exported interface through `SOL_DECLS`.
stylus_ip_common::abi_structs!(Error);

/// The collection contract. See the crate docs (storage layout included).
#[entrypoint]
#[storage]
pub struct IpCollection {
    /// Slot 0: packed [`Collection`] (owner, minted, paused, initialized).
    collection: StorageB256,
    /// Slot 1: account that may accept ownership.
    pending_owner: StorageAddress,
    /// Slot 2: packed [`Royalty`] applying to tokens without their own.
    default_royalty: StorageB256,
    /// Slot 3: token => packed [`Token`] (owner, ERC-4907 expiry and flags).
    tokens: StorageMap<U256, StorageB256>,
    /// Slot 4: account => packed [`Account`] (balance, roles).
    accounts: StorageMap<Address, StorageB256>,
    /// Slot 5: token => approved address, while [`Token::has_approval`].
    approvals: StorageMap<U256, StorageAddress>,
    /// Slot 6: owner => operator => [`APPROVED_FOR_ALL`] | [`LEASE_OPERATOR`].
    operators: StorageMap<Address, StorageMap<Address, StorageU8>>,
    /// Slot 7: token => ERC-4907 user, while [`Token::has_user`].
    users: StorageMap<U256, StorageAddress>,
    /// Slot 8: token => packed [`Royalty`] set at mint.
    token_royalties: StorageMap<U256, StorageB256>,
    /// Slot 9: token => sha-256 of its metadata, while [`Token::has_digest`].
    digests: StorageMap<U256, StorageB256>,
}

/// `leaseContext`'s answer: `(owner, lessorApproved, locked, userExpires,
/// royaltyReceiver, royaltyAmount)` (see [`IpCollection::lease_context`]).
pub type LeaseContext = (Address, bool, bool, u64, Address, U256);

#[public]
impl IpCollection {
    // ----- Deployment -----

    /// Direct deployment: same as [`Self::initialize`].
    ///
    /// # Errors
    /// As [`Self::initialize`].
    ///
    /// # Events
    /// As [`Self::initialize`].
    #[constructor]
    pub fn constructor(
        &mut self,
        name: String,
        symbol: String,
        base_uri: String,
        owner: Address,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<(), Error> {
        self.init(name, symbol, base_uri, owner, royalty_receiver, royalty_bps)
    }

    /// Initialises a clone/proxy of the implementation; runs once. Sets
    /// name, symbol, base URI, `owner` and the default royalty
    /// (`royalty_receiver` and `royalty_bps` both zero: none). Royalties are
    /// in basis points (fee denominator 10,000).
    ///
    /// # Errors
    /// * [`Error::InvalidInitialization`] if already initialised.
    /// * [`Error::InvalidInitialOwner`] if `owner` is zero.
    /// * [`Error::InvalidDefaultRoyalty`] if `royalty_bps` > 10,000.
    /// * [`Error::InvalidDefaultRoyaltyReceiver`] if only `royalty_receiver`
    ///   is zero.
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`, `DefaultRoyaltySet`, `Initialized(1)`.
    pub fn initialize(
        &mut self,
        name: String,
        symbol: String,
        base_uri: String,
        owner: Address,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<(), Error> {
        self.init(name, symbol, base_uri, owner, royalty_receiver, royalty_bps)
    }

    // ----- ERC-165 -----

    /// Whether the contract implements `interface_id`: ERC-165, ERC-721,
    /// ERC-721 metadata, EIP-2981, ERC-4907 and ERC-4906.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        [
            IERC165_ID,
            IERC721_ID,
            IERC721_METADATA_ID,
            IERC2981_ID,
            IERC4907_ID,
            IERC4906_ID,
        ]
        .contains(&interface_id)
    }

    // ----- ERC-721 -----

    /// Number of tokens `owner` holds.
    ///
    /// # Errors
    /// [`Error::InvalidOwner`] if `owner` is zero.
    pub fn balance_of(&self, owner: Address) -> Result<U256, Error> {
        if owner.is_zero() {
            return Err(ERC721InvalidOwner { owner }.into());
        }
        Ok(U256::from(self.account(owner).balance))
    }

    /// Owner of `token_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`] if it does not exist.
    pub fn owner_of(&self, token_id: U256) -> Result<Address, Error> {
        Ok(self.require_owned(token_id)?.owner)
    }

    /// Safe transfer with empty data; see [`Self::safe_transfer_from_with_data`].
    ///
    /// # Errors
    /// As [`Self::safe_transfer_from_with_data`].
    ///
    /// # Events
    /// As [`Self::transfer_from`].
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Error> {
        self.safe_transfer_from_with_data(from, to, token_id, Bytes(Vec::new()))
    }

    /// [`Self::transfer_from`], then, if `to` has code, requires
    /// `onERC721Received(msg.sender, from, token_id, data)` to return its
    /// selector.
    ///
    /// # Errors
    /// As [`Self::transfer_from`], plus [`Error::InvalidReceiver`] if the
    /// receiver returns anything else or reverts without data, and
    /// [`Error::ReceiverRevert`] (its data, verbatim) if it reverts with data.
    ///
    /// # Events
    /// As [`Self::transfer_from`].
    #[selector(name = "safeTransferFrom")]
    pub fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Error> {
        self.transfer_from(from, to, token_id)?;
        self.check_on_received(from, to, token_id, data)
    }

    /// Moves `token_id` from `from` to `to` (caller: owner, approved or
    /// operator). Clears the token's user unless it is a locked lease in
    /// force, which survives and binds the new owner.
    ///
    /// # Errors
    /// * [`Error::EnforcedPause`] while paused.
    /// * [`Error::InvalidReceiver`] if `to` is zero.
    /// * [`Error::NonexistentToken`], [`Error::InsufficientApproval`],
    ///   [`Error::IncorrectOwner`] as in ERC-721.
    ///
    /// # Events
    /// `Transfer`; `UpdateUser(token_id, 0, 0)` if the user is cleared.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Error> {
        self.when_not_paused()?;
        let mut token = self.token(token_id);
        let sender = sender();
        let authorised = logic::is_authorized(
            token.owner,
            sender,
            || self.operator_bits(token.owner, sender) & APPROVED_FOR_ALL != 0,
            || self.approved(&token, token_id),
        );
        logic::check_transfer(from, to, token.owner, authorised).map_err(|e| match e {
            TransferError::InvalidReceiver => Error::from(ERC721InvalidReceiver { receiver: to }),
            TransferError::Nonexistent => ERC721NonexistentToken { tokenId: token_id }.into(),
            TransferError::InsufficientApproval => ERC721InsufficientApproval {
                operator: sender,
                tokenId: token_id,
            }
            .into(),
            TransferError::IncorrectOwner => ERC721IncorrectOwner {
                sender: from,
                tokenId: token_id,
                owner: token.owner,
            }
            .into(),
        })?;
        if token.has_approval {
            self.approvals.setter(token_id).set(Address::ZERO);
            token.has_approval = false;
        }
        if from != to {
            let mut a = self.account(from);
            // The owner's balance counts this token, so it is at least 1.
            a.balance = a
                .balance
                .checked_sub(1)
                .ok_or(CollectionArithmeticOverflow {})?;
            self.accounts.setter(from).set(a.pack());
            self.add_tokens(to, 1)?;
        }
        let clears = token.clears_on_transfer(from, to, now());
        if clears {
            self.users.setter(token_id).set(Address::ZERO);
            token = token.with_lease(Lease::default());
        }
        token.owner = to;
        self.tokens.setter(token_id).set(token.pack());
        emit_transfer(from, to, token_id);
        if clears {
            emit_update_user(token_id, Lease::default());
        }
        Ok(())
    }

    /// Approves `to` for `token_id` (caller: owner or operator).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`], [`Error::InvalidApprover`].
    ///
    /// # Events
    /// `Approval`.
    pub fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Error> {
        let mut token = self.require_owned(token_id)?;
        let approver = sender();
        if token.owner != approver
            && self.operator_bits(token.owner, approver) & APPROVED_FOR_ALL == 0
        {
            return Err(ERC721InvalidApprover { approver }.into());
        }
        emit(
            stylus_ip_common::topic!(Approval),
            &[w_addr(token.owner), w_addr(to), w_u256(token_id)],
            &[],
        );
        // The approval word is written only when it changes state: set (or
        // replaced) by a non-zero `to`, zeroed when cleared while set.
        if !to.is_zero() || token.has_approval {
            self.approvals.setter(token_id).set(to);
        }
        if token.has_approval == to.is_zero() {
            token.has_approval = !to.is_zero();
            self.tokens.setter(token_id).set(token.pack());
        }
        Ok(())
    }

    /// (Dis)approves `operator` for all the caller's tokens.
    ///
    /// # Errors
    /// [`Error::InvalidOperator`] if `operator` is zero.
    ///
    /// # Events
    /// `ApprovalForAll`.
    pub fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Error> {
        self.set_operator_bit(operator, APPROVED_FOR_ALL, approved)?;
        emit(
            stylus_ip_common::topic!(ApprovalForAll),
            &[w_addr(sender()), w_addr(operator)],
            &[w_bool(approved)],
        );
        Ok(())
    }

    /// Account approved for `token_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn get_approved(&self, token_id: U256) -> Result<Address, Error> {
        let token = self.require_owned(token_id)?;
        Ok(self.approved(&token, token_id))
    }

    /// Whether `operator` may manage all of `owner`'s tokens.
    pub fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.operator_bits(owner, operator) & APPROVED_FOR_ALL != 0
    }

    // ----- Metadata (ERC-721 metadata, ERC-4906) -----

    /// Number of tokens minted (ids run from 1 to this; nothing burns).
    pub fn total_supply(&self) -> U256 {
        U256::from(self.collection().minted)
    }

    // ----- Mint -----

    // ----- EIP-2981 -----

    /// Sets the default royalty (`receiver` and `royalty_bps` both zero:
    /// remove it). Caller: the owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::InvalidDefaultRoyalty`] if
    /// `royalty_bps` > 10,000, [`Error::InvalidDefaultRoyaltyReceiver`] if
    /// only `receiver` is zero.
    ///
    /// # Events
    /// `DefaultRoyaltySet`.
    pub fn set_default_royalty(
        &mut self,
        receiver: Address,
        royalty_bps: U96,
    ) -> Result<(), Error> {
        self.only_owner()?;
        self.write_default_royalty(receiver, royalty_bps)
    }

    // ----- ERC-4907 + lease operators -----

    /// Sets `token_id`'s user until `expires` (inclusive; `user` zero
    /// clears). Caller: owner, approved, operator, or a lease operator of
    /// the owner; a lease operator's user is a locked lease, which must end
    /// within 5 × 365 days ([`logic::MAX_LOCK_DURATION`]). The owner itself
    /// only ever sets unlocked users, even as its own lease operator, so a
    /// sale clears whatever it set. While a locked lease is in force only
    /// its renewal by a lease operator (same user, `expires` not earlier) is
    /// accepted.
    ///
    /// # Errors
    /// * [`Error::NonexistentToken`]; [`Error::InsufficientApproval`] for
    ///   any other caller.
    /// * [`Error::ExpiryInPast`] if `user` is set and `expires` < now.
    /// * [`Error::LeaseLocked`] as above.
    /// * [`Error::LockExpiryTooFar`] if a lock's `expires` is later than
    ///   now + 5 × 365 days.
    ///
    /// # Events
    /// `UpdateUser(token_id, user, expires)` (`(0, 0)` when clearing).
    pub fn set_user(&mut self, token_id: U256, user: Address, expires: u64) -> Result<(), Error> {
        let token = self.require_owned(token_id)?;
        let owner = token.owner;
        let sender = sender();
        // The owner's own call reads no operator slot (it is a holder
        // whatever its flags say, see `logic::setter_of`).
        let bits = if sender == owner {
            0
        } else {
            self.operator_bits(owner, sender)
        };
        self.set_user_by(token_id, token, sender, bits, user, expires, now())
    }

    /// Current user of `token_id`: zero once its `expires` < now.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn user_of(&self, token_id: U256) -> Result<Address, Error> {
        let token = self.require_owned(token_id)?;
        // Past its `expires` the user holds nothing: its word is not read.
        Ok(if token.user_in_force(now()) {
            self.users.get(token_id)
        } else {
            Address::ZERO
        })
    }

    /// Stored `expires` of `token_id`'s user (0 if none).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn user_expires(&self, token_id: U256) -> Result<U256, Error> {
        Ok(U256::from(self.require_owned(token_id)?.expires))
    }

    /// Whether `token_id` carries a locked lease still in force.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn lease_locked(&self, token_id: U256) -> Result<bool, Error> {
        Ok(self.require_owned(token_id)?.lock_in_force(now()))
    }

    /// (Dis)approves `operator` to set locked leases on all the caller's
    /// tokens (never to transfer them).
    ///
    /// # Errors
    /// [`Error::InvalidOperator`] if `operator` is zero.
    ///
    /// # Events
    /// `LeaseOperatorSet`.
    pub fn set_lease_operator(&mut self, operator: Address, approved: bool) -> Result<(), Error> {
        self.set_operator_bit(operator, LEASE_OPERATOR, approved)?;
        emit(
            stylus_ip_common::topic!(LeaseOperatorSet),
            &[w_addr(sender()), w_addr(operator)],
            &[w_bool(approved)],
        );
        Ok(())
    }

    /// Whether `operator` is a lease operator of `owner`.
    pub fn is_lease_operator(&self, owner: Address, operator: Address) -> bool {
        self.operator_bits(owner, operator) & LEASE_OPERATOR != 0
    }

    // ----- Roles -----

    /// Collection owner.
    pub fn owner(&self) -> Address {
        self.collection().owner
    }

    /// Account that may accept ownership.
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Starts a two-step transfer to `new_owner` (zero cancels).
    /// Caller: the owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`].
    ///
    /// # Events
    /// `OwnershipTransferStarted`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        self.only_owner()?;
        self.pending_owner.set(new_owner);
        emit(
            stylus_ip_common::topic!(OwnershipTransferStarted),
            &[w_addr(self.collection().owner), w_addr(new_owner)],
            &[],
        );
        Ok(())
    }

    /// Completes the transfer. Caller: the pending owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`].
    ///
    /// # Events
    /// `OwnershipTransferred`.
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        let account = sender();
        if account != self.pending_owner.get() {
            return Err(OwnableUnauthorizedAccount { account }.into());
        }
        self.set_owner(account);
        Ok(())
    }

    /// Leaves the collection without owner (and without owner-only
    /// functions). Caller: the owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`].
    ///
    /// # Events
    /// `OwnershipTransferred(owner, 0)`.
    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        self.only_owner()?;
        self.set_owner(Address::ZERO);
        Ok(())
    }

    /// Grants (`enabled`) or revokes the minter role. Caller: the owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::InvalidAccount`] if zero.
    ///
    /// # Events
    /// `MinterSet`.
    pub fn set_minter(&mut self, account: Address, enabled: bool) -> Result<(), Error> {
        self.set_role(account, MINTER, enabled)?;
        emit(
            stylus_ip_common::topic!(MinterSet),
            &[w_addr(account)],
            &[w_bool(enabled)],
        );
        Ok(())
    }

    /// Whether `account` may mint (the owner always may).
    pub fn is_minter(&self, account: Address) -> bool {
        self.has_role(account, MINTER)
    }

    /// Grants (`enabled`) or revokes the metadata-updater role.
    /// Caller: the owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::InvalidAccount`] if zero.
    ///
    /// # Events
    /// `MetadataUpdaterSet`.
    pub fn set_metadata_updater(&mut self, account: Address, enabled: bool) -> Result<(), Error> {
        self.set_role(account, METADATA_UPDATER, enabled)?;
        emit(
            stylus_ip_common::topic!(MetadataUpdaterSet),
            &[w_addr(account)],
            &[w_bool(enabled)],
        );
        Ok(())
    }

    /// Whether `account` may update metadata (the owner always may).
    pub fn is_metadata_updater(&self, account: Address) -> bool {
        self.has_role(account, METADATA_UPDATER)
    }

    // ----- Pause -----

    /// Pauses mints and transfers (not approvals, leases or views).
    /// Caller: the owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::EnforcedPause`] if paused.
    ///
    /// # Events
    /// `Paused`.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.only_owner()?;
        self.when_not_paused()?;
        self.set_paused(true);
        emit(stylus_ip_common::topic!(Paused), &[], &[w_addr(sender())]);
        Ok(())
    }

    /// Unpauses. Caller: the owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::ExpectedPause`] if not paused.
    ///
    /// # Events
    /// `Unpaused`.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.only_owner()?;
        if !self.collection().paused {
            return Err(ExpectedPause {}.into());
        }
        self.set_paused(false);
        emit(stylus_ip_common::topic!(Unpaused), &[], &[w_addr(sender())]);
        Ok(())
    }

    /// Whether mints and transfers are paused.
    pub fn paused(&self) -> bool {
        self.collection().paused
    }

    /// Serves, decoded and encoded by hand, the functions whose strings,
    /// arrays or tuples would each make stylus-sdk's router link a generic
    /// ABI decoder or encoder: `name`, `symbol`, `tokenURI`,
    /// `setTokenURI`, `setBaseURI`, `mint`, `mintBatch`, `contractURI`,
    /// `setContractURI`, `royaltyInfo`, `leaseContext` and `leaseTo` (see
    /// the Rust methods of the same names; the last two share one body). They are declared in the exported
    /// interface all the same (`SOL_DECLS`). Like a `#[public]` method, the
    /// fallback refuses value (the SDK's check runs first); a malformed call
    /// (short, dirty `address`/`uint96` words, out-of-range offsets or
    /// lengths, a `string` that is not UTF-8) and any other selector revert
    /// with no data, as stylus-sdk's router does.
    ///
    /// # Errors
    /// Those of the served functions.
    ///
    /// # Events
    /// Those of the served functions.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let selector = calldata.get(..4).unwrap_or_default();
        let args = calldata.get(4..).unwrap_or_default();
        // Static argument `i`: an `address` (12 zero bytes), else a `uint256`.
        let addr = |i| logic::static_arg(args, i, 12).map(Address::from_word);
        let uint = |i| logic::static_arg(args, i, 0).map(|w| U256::from_be_bytes(w.0));
        let out = |words: &[B256]| Ok(words_data(words));
        if selector == nameCall::SELECTOR || selector == symbolCall::SELECTOR {
            let slot = if selector == nameCall::SELECTOR {
                stylus_ip_common::imm_u256!(NAME_SLOT)
            } else {
                stylus_ip_common::imm_u256!(SYMBOL_SLOT)
            };
            return Ok(logic::encode_string(store::read(slot).as_bytes()));
        }
        if selector == tokenURICall::SELECTOR {
            let id = uint(0).ok_or_else(Vec::new)?;
            return Ok(logic::encode_string(&self.token_uri_bytes(id)?));
        }
        if selector == royaltyInfoCall::SELECTOR {
            let (Some(id), Some(price)) = (uint(0), uint(1)) else {
                return Err(Vec::new());
            };
            let (receiver, amount) = self.royalty_info(id, price)?;
            return out(&[w_addr(receiver), w_u256(amount)]);
        }
        let lease_to = selector == leaseToCall::SELECTOR;
        if lease_to || selector == leaseContextCall::SELECTOR {
            // leaseTo(id, lessor, user, uint64 expires, bool renew, price)
            // for the caller; leaseContext(id, lessor, operator, price).
            let (operator, price, sale) = if lease_to {
                // `uint64` and `bool` words: clean above their value.
                let expires =
                    logic::static_arg(args, 3, 24).map(|w| U256::from_be_bytes(w.0).as_limbs()[0]);
                let renew = logic::static_arg(args, 4, 31)
                    .filter(|w| w[31] < 2)
                    .map(|w| w[31] == 1);
                let (Some(user), Some(expires), Some(renew)) = (addr(2), expires, renew) else {
                    return Err(Vec::new());
                };
                (Some(sender()), uint(5), Some((user, expires, renew)))
            } else {
                (addr(2), uint(3), None)
            };
            let (Some(id), Some(lessor), Some(operator), Some(price)) =
                (uint(0), addr(1), operator, price)
            else {
                return Err(Vec::new());
            };
            return out(&lease_words(self.lease(id, lessor, operator, price, sale)?));
        }
        // `string` argument `i`, UTF-8.
        let text = |i| logic::dynamic_arg(args, i, 1).and_then(|b| core::str::from_utf8(b).ok());
        if selector == setTokenURICall::SELECTOR {
            let (Some(id), Some(uri)) = (uint(0), text(1)) else {
                return Err(Vec::new());
            };
            self.set_token_uri(id, uri)?;
            return Ok(Vec::new());
        }
        if selector == setBaseURICall::SELECTOR {
            self.set_base_uri(text(0).ok_or_else(Vec::new)?)?;
            return Ok(Vec::new());
        }
        if selector == mintCall::SELECTOR {
            let (Some(to), Some(uri), Some(receiver), Some(bps)) =
                (addr(0), text(1), addr(2), logic::static_arg(args, 3, 20))
            else {
                return Err(Vec::new());
            };
            let id = self.mint(to, uri, receiver, U96::from_be_slice(&bps[20..]))?;
            return out(&[w_u256(id)]);
        }
        if selector == mintBatchCall::SELECTOR {
            let (Some(to), Some(digests), Some(receiver), Some(bps)) = (
                addr(0),
                logic::dynamic_arg(args, 1, 32),
                addr(2),
                logic::static_arg(args, 3, 20),
            ) else {
                return Err(Vec::new());
            };
            let first = self.mint_batch(
                to,
                digests.chunks(32).map(B256::from_slice).collect(),
                receiver,
                U96::from_be_slice(&bps[20..]),
            )?;
            return out(&[w_u256(first)]);
        }
        if selector == contractURICall::SELECTOR {
            return Ok(logic::encode_string(
                store::read(stylus_ip_common::imm_u256!(CONTRACT_URI_SLOT)).as_bytes(),
            ));
        }
        if selector == setContractURICall::SELECTOR {
            self.set_contract_uri(text(0).ok_or_else(Vec::new)?)?;
            return Ok(Vec::new());
        }
        Err(Vec::new())
    }
}

/// The functions served by [`IpCollection::fallback`] (hand-decoded there;
/// Rust callers and tests call them directly).
impl IpCollection {
    /// Sets `token_id`'s own URI (empty: fall back to base URI + id); it
    /// replaces a batch-minted token's `ipfs://` digest URI (the digest is
    /// cleared). Caller: a metadata updater (or the owner).
    ///
    /// # Errors
    /// [`Error::NotMetadataUpdater`], [`Error::NonexistentToken`].
    ///
    /// # Events
    /// `MetadataUpdate(token_id)`.
    pub fn set_token_uri(&mut self, token_id: U256, uri: &str) -> Result<(), Error> {
        self.only_metadata_updater()?;
        let mut token = self.require_owned(token_id)?;
        if token.has_digest {
            token.has_digest = false;
            self.tokens.setter(token_id).set(token.pack());
            self.digests.setter(token_id).set(B256::ZERO);
        }
        store::write(
            store::map_slot(stylus_ip_common::imm_u256!(TOKEN_URI_ROOT), token_id),
            uri,
        );
        emit(
            stylus_ip_common::topic!(MetadataUpdate),
            &[],
            &[w_u256(token_id)],
        );
        Ok(())
    }

    /// Sets the base URI. Caller: a metadata updater (or the owner).
    ///
    /// # Errors
    /// [`Error::NotMetadataUpdater`].
    ///
    /// # Events
    /// `BatchMetadataUpdate(1, totalSupply)` if any token exists.
    pub fn set_base_uri(&mut self, base_uri: &str) -> Result<(), Error> {
        self.only_metadata_updater()?;
        store::write(stylus_ip_common::imm_u256!(BASE_URI_SLOT), base_uri);
        let last = self.collection().minted;
        if last != 0 {
            emit(
                stylus_ip_common::topic!(BatchMetadataUpdate),
                &[],
                &[w_u64(1), w_u64(last)],
            );
        }
        Ok(())
    }

    /// Mints the next id (sequential from 1) to `to` with its own `uri`
    /// (may be empty) and royalty: `royalty_bps` to `royalty_receiver`, or
    /// the default royalty if `royalty_receiver` is zero (`royalty_bps` is
    /// then only range-checked). Caller: a minter (or the owner).
    ///
    /// # Errors
    /// * [`Error::NotMinter`], [`Error::EnforcedPause`].
    /// * [`Error::Overflow`] if the ids would pass 2^64 − 1.
    /// * [`Error::InvalidTokenRoyalty`] if `royalty_bps` > 10,000.
    /// * [`Error::InvalidReceiver`] if `to` is zero.
    ///
    /// # Events
    /// `Transfer(0, to, id)`.
    pub fn mint(
        &mut self,
        to: Address,
        uri: &str,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<U256, Error> {
        let id = self.mint_tokens(to, 1, &[], royalty_receiver, royalty_bps)?;
        if !uri.is_empty() {
            store::write(
                store::map_slot(stylus_ip_common::imm_u256!(TOKEN_URI_ROOT), id),
                uri,
            );
        }
        Ok(id)
    }

    /// Collection name.
    pub fn name(&self) -> String {
        store::read(stylus_ip_common::imm_u256!(NAME_SLOT))
    }

    /// Collection symbol.
    pub fn symbol(&self) -> String {
        store::read(stylus_ip_common::imm_u256!(SYMBOL_SLOT))
    }

    /// `ipfs://<CIDv1>` of the token's metadata digest if it was minted by
    /// [`Self::mint_batch`] (and no string URI replaced it since), else the
    /// token's own URI if set, else base URI + decimal id (empty if there
    /// is no base URI either).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn token_uri(&self, token_id: U256) -> Result<String, Error> {
        // Every URI stored or rendered is UTF-8, so the conversion cannot
        // fail.
        Ok(String::from_utf8(self.token_uri_bytes(token_id)?).unwrap_or_default())
    }

    /// [`Self::token_uri`] as bytes (what the fallback returns).
    fn token_uri_bytes(&self, token_id: U256) -> Result<Vec<u8>, Error> {
        if self.require_owned(token_id)?.has_digest {
            return Ok(logic::ipfs_uri(&self.digests.get(token_id)));
        }
        let own = store::read(store::map_slot(
            stylus_ip_common::imm_u256!(TOKEN_URI_ROOT),
            token_id,
        ));
        if !own.is_empty() {
            return Ok(own.into_bytes());
        }
        let mut uri = store::read(stylus_ip_common::imm_u256!(BASE_URI_SLOT)).into_bytes();
        if !uri.is_empty() {
            // Existing ids are at most `minted`, a u64.
            uri.extend(logic::decimal(token_id.as_limbs()[0]));
        }
        Ok(uri)
    }

    /// Royalty owed on `sale_price` for `token_id`: its own royalty, else
    /// the default, as `(receiver, floor(sale_price * bps / 10,000))`.
    /// Exact for every `sale_price` (no overflow); `(0, 0)` if no royalty
    /// applies. Like EIP-2981 implementations generally, it does not check
    /// that the token exists.
    ///
    /// # Errors
    /// [`Error::Overflow`] cannot happen with stored bps ≤ 10,000 (kept
    /// typed rather than panicking).
    pub fn royalty_info(&self, token_id: U256, sale_price: U256) -> Result<(Address, U256), Error> {
        let mut r = Royalty::unpack(self.token_royalties.get(token_id));
        if r.receiver.is_zero() {
            r = Royalty::unpack(self.default_royalty.get());
        }
        let amount = logic::royalty_amount(sale_price, u64::from(r.bps))
            .ok_or(CollectionArithmeticOverflow {})?;
        Ok((r.receiver, amount))
    }

    /// Everything a licence market checks before leasing `token_id` for
    /// `lessor`, in one call (one program entry instead of five):
    /// `(ownerOf(token_id), isLeaseOperator(lessor, operator),
    /// leaseLocked(token_id), userExpires(token_id),
    /// royaltyInfo(token_id, sale_price))`, flattened to
    /// `(owner, lessorApproved, locked, userExpires, royaltyReceiver,
    /// royaltyAmount)`. Each value is exactly what the separate view
    /// answers (`userExpires` as the stored `uint64`). The licence market
    /// asks [`Self::lease_to`] instead, which answers the same and leases in
    /// the same call; this view stays for dApps.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`] if `token_id` does not exist (as
    /// `ownerOf`); [`Error::Overflow`] as `royaltyInfo` (cannot happen).
    pub fn lease_context(
        &self,
        token_id: U256,
        lessor: Address,
        operator: Address,
        sale_price: U256,
    ) -> Result<LeaseContext, Error> {
        Ok(self
            .lease_facts(token_id, lessor, operator, sale_price, now())?
            .0)
    }

    /// A licence market's lease sale in one call: answers
    /// [`Self::lease_context`]`(token_id, lessor, msg.sender, sale_price)`
    /// and, when those facts pass the market's rules
    /// ([`stylus_ip_common::lease::asset_refusal`]: the caller is a lease
    /// operator of `lessor`, `lessor` owns the token and, unless `renew`, no
    /// locked lease is in force), sets the user exactly as
    /// [`Self::set_user`]`(token_id, user, expires)` by the caller does
    /// (same checks, storage and event). When a rule fails it changes
    /// nothing and answers the facts, from which the market raises its own
    /// error.
    ///
    /// # Errors
    /// Those of [`Self::lease_context`]; when the rules pass, those of
    /// [`Self::set_user`] ([`Error::ExpiryInPast`], [`Error::LeaseLocked`],
    /// [`Error::LockExpiryTooFar`]).
    ///
    /// # Events
    /// `UpdateUser(token_id, user, expires)` when the user is set.
    pub fn lease_to(
        &mut self,
        token_id: U256,
        lessor: Address,
        user: Address,
        expires: u64,
        renew: bool,
        sale_price: U256,
    ) -> Result<LeaseContext, Error> {
        let sale = Some((user, expires, renew));
        self.lease(token_id, lessor, sender(), sale_price, sale)
    }

    /// Mints one token per digest, ids `totalSupply + 1 …
    /// totalSupply + n`, to `to`, each with the same royalty as [`Self::mint`]
    /// gives one token (`royalty_receiver` zero: the default royalty).
    /// Token *i*'s `tokenURI` is `ipfs://<CIDv1>` of `metadata_digests[i]`,
    /// the sha-256 of its metadata file (raw codec, base32: `bafkrei…`,
    /// [`logic::ipfs_uri`]). Returns the first id. Caller: a minter (or the
    /// owner).
    ///
    /// # Errors
    /// * [`Error::NotMinter`], [`Error::EnforcedPause`].
    /// * [`Error::EmptyBatch`] if `metadata_digests` is empty.
    /// * [`Error::Overflow`] if the ids would pass 2^64 − 1.
    /// * [`Error::InvalidTokenRoyalty`] (with the first id) if
    ///   `royalty_bps` > 10,000.
    /// * [`Error::InvalidReceiver`] if `to` is zero.
    ///
    /// # Events
    /// ERC-2309 `ConsecutiveTransfer(first, last, 0, to)` for two tokens or
    /// more, `Transfer(0, to, id)` for one (see the crate docs).
    pub fn mint_batch(
        &mut self,
        to: Address,
        metadata_digests: Vec<B256>,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<U256, Error> {
        self.mint_tokens(
            to,
            metadata_digests.len() as u64,
            &metadata_digests,
            royalty_receiver,
            royalty_bps,
        )
    }

    /// ERC-7572 contract-level metadata URI (empty until set).
    pub fn contract_uri(&self) -> String {
        store::read(stylus_ip_common::imm_u256!(CONTRACT_URI_SLOT))
    }

    /// Sets the ERC-7572 contract URI. Caller: a metadata updater (or the
    /// owner), as for [`Self::set_base_uri`].
    ///
    /// # Errors
    /// [`Error::NotMetadataUpdater`].
    ///
    /// # Events
    /// `ContractURIUpdated()`.
    pub fn set_contract_uri(&mut self, uri: &str) -> Result<(), Error> {
        self.only_metadata_updater()?;
        store::write(stylus_ip_common::imm_u256!(CONTRACT_URI_SLOT), uri);
        emit(stylus_ip_common::topic!(ContractURIUpdated), &[], &[]);
        Ok(())
    }
}

/// `bps` as a `u16` if it is at most 10,000.
fn checked_bps(bps: U96) -> Option<u16> {
    (bps <= U96::from(FEE_DENOMINATOR)).then(|| bps.as_limbs()[0] as u16)
}

impl IpCollection {
    fn init(
        &mut self,
        name: String,
        symbol: String,
        base_uri: String,
        owner: Address,
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<(), Error> {
        let mut collection = self.collection();
        if collection.initialized {
            return Err(InvalidInitialization {}.into());
        }
        if owner.is_zero() {
            return Err(OwnableInvalidOwner { owner }.into());
        }
        self.write_default_royalty(royalty_receiver, royalty_bps)?;
        collection.initialized = true;
        self.collection.set(collection.pack());
        self.set_owner(owner);
        store::write(stylus_ip_common::imm_u256!(NAME_SLOT), &name);
        store::write(stylus_ip_common::imm_u256!(SYMBOL_SLOT), &symbol);
        store::write(stylus_ip_common::imm_u256!(BASE_URI_SLOT), &base_uri);
        emit(stylus_ip_common::topic!(Initialized), &[], &[w_u64(1)]);
        Ok(())
    }

    fn write_default_royalty(&mut self, receiver: Address, royalty_bps: U96) -> Result<(), Error> {
        let bps = checked_bps(royalty_bps).ok_or(ERC2981InvalidDefaultRoyalty {
            numerator: U256::from(royalty_bps),
            denominator: U256::from(FEE_DENOMINATOR),
        })?;
        if receiver.is_zero() && bps != 0 {
            return Err(ERC2981InvalidDefaultRoyaltyReceiver { receiver }.into());
        }
        self.default_royalty.set(Royalty { receiver, bps }.pack());
        emit(
            stylus_ip_common::topic!(DefaultRoyaltySet),
            &[w_addr(receiver)],
            &[w_u64(u64::from(bps))],
        );
        Ok(())
    }

    fn collection(&self) -> Collection {
        Collection::unpack(self.collection.get())
    }

    fn set_paused(&mut self, paused: bool) {
        let mut collection = self.collection();
        collection.paused = paused;
        self.collection.set(collection.pack());
    }

    fn only_owner(&self) -> Result<(), Error> {
        let account = sender();
        if account != self.collection().owner {
            return Err(OwnableUnauthorizedAccount { account }.into());
        }
        Ok(())
    }

    fn when_not_paused(&self) -> Result<(), Error> {
        if self.collection().paused {
            return Err(EnforcedPause {}.into());
        }
        Ok(())
    }

    /// Makes `new_owner` the owner and clears any pending transfer.
    fn set_owner(&mut self, new_owner: Address) {
        let mut collection = self.collection();
        let previous = collection.owner;
        self.pending_owner.set(Address::ZERO);
        collection.owner = new_owner;
        self.collection.set(collection.pack());
        emit(
            stylus_ip_common::topic!(OwnershipTransferred),
            &[w_addr(previous), w_addr(new_owner)],
            &[],
        );
    }

    fn account(&self, account: Address) -> Account {
        Account::unpack(self.accounts.get(account))
    }

    /// `n` more tokens for `to`.
    fn add_tokens(&mut self, to: Address, n: u64) -> Result<(), Error> {
        let mut a = self.account(to);
        // At most `u64::MAX` tokens exist, so this cannot fail.
        a.balance = a
            .balance
            .checked_add(n)
            .ok_or(CollectionArithmeticOverflow {})?;
        self.accounts.setter(to).set(a.pack());
        Ok(())
    }

    /// Mints `n` tokens to `to`, the next ids, returning the first: the
    /// body of [`Self::mint`] (`n` = 1, no digest) and [`Self::mint_batch`]
    /// (`n` = `digests.len()`, token *i* with `digests[i]`), with their
    /// checks in this order: role, pause, `n` ≥ 1, counter, royalty, `to`.
    fn mint_tokens(
        &mut self,
        to: Address,
        n: u64,
        digests: &[B256],
        royalty_receiver: Address,
        royalty_bps: U96,
    ) -> Result<U256, Error> {
        let mut collection = self.collection();
        self.only_role_of(&collection, MINTER)?;
        if collection.paused {
            return Err(EnforcedPause {}.into());
        }
        if n == 0 {
            return Err(CollectionEmptyBatch {}.into());
        }
        let last = collection
            .minted
            .checked_add(n)
            .ok_or(CollectionArithmeticOverflow {})?;
        // `minted` < `last` (n ≥ 1), so this cannot overflow.
        let first_id = collection.minted + 1;
        let first = U256::from(first_id);
        let bps = checked_bps(royalty_bps).ok_or(ERC2981InvalidTokenRoyalty {
            tokenId: first,
            numerator: U256::from(royalty_bps),
            denominator: U256::from(FEE_DENOMINATOR),
        })?;
        if to.is_zero() {
            return Err(ERC721InvalidReceiver { receiver: to }.into());
        }
        for (i, id) in (first_id..=last).enumerate() {
            let id = U256::from(id);
            let digest = digests.get(i);
            // Ids are fresh (the counter only grows), so the token word is
            // new: ERC-721's "already minted" case (`ERC721InvalidSender`)
            // cannot arise.
            self.tokens.setter(id).set(
                Token {
                    owner: to,
                    has_digest: digest.is_some(),
                    ..Token::default()
                }
                .pack(),
            );
            if let Some(digest) = digest {
                self.digests.setter(id).set(*digest);
            }
            if !royalty_receiver.is_zero() {
                self.token_royalties.setter(id).set(
                    Royalty {
                        receiver: royalty_receiver,
                        bps,
                    }
                    .pack(),
                );
            }
        }
        self.add_tokens(to, n)?;
        collection.minted = last;
        self.collection.set(collection.pack());
        if n == 1 {
            emit_transfer(Address::ZERO, to, first);
        } else {
            emit(
                stylus_ip_common::topic!(ConsecutiveTransfer),
                &[w_u256(first), w_addr(Address::ZERO), w_addr(to)],
                &[w_u64(last)],
            );
        }
        Ok(first)
    }

    fn has_role_of(&self, collection: &Collection, account: Address, role: u8) -> bool {
        account == collection.owner || self.account(account).roles & role != 0
    }

    fn has_role(&self, account: Address, role: u8) -> bool {
        self.has_role_of(&self.collection(), account, role)
    }

    fn only_role_of(&self, collection: &Collection, role: u8) -> Result<(), Error> {
        let account = sender();
        if self.has_role_of(collection, account, role) {
            Ok(())
        } else if role == MINTER {
            Err(CollectionCallerNotMinter { account }.into())
        } else {
            Err(CollectionCallerNotMetadataUpdater { account }.into())
        }
    }

    fn only_metadata_updater(&self) -> Result<(), Error> {
        self.only_role_of(&self.collection(), METADATA_UPDATER)
    }

    fn set_role(&mut self, account: Address, role: u8, enabled: bool) -> Result<(), Error> {
        self.only_owner()?;
        if account.is_zero() {
            return Err(CollectionInvalidAccount { account }.into());
        }
        let mut a = self.account(account);
        a.roles = logic::with_flag(a.roles, role, enabled);
        self.accounts.setter(account).set(a.pack());
        Ok(())
    }

    fn token(&self, token_id: U256) -> Token {
        Token::unpack(self.tokens.get(token_id))
    }

    /// The token's word, or [`Error::NonexistentToken`].
    fn require_owned(&self, token_id: U256) -> Result<Token, Error> {
        let token = self.token(token_id);
        if token.owner.is_zero() {
            return Err(ERC721NonexistentToken { tokenId: token_id }.into());
        }
        Ok(token)
    }

    /// The token's approved account (its word is read only if one is set).
    fn approved(&self, token: &Token, token_id: U256) -> Address {
        if token.has_approval {
            self.approvals.get(token_id)
        } else {
            Address::ZERO
        }
    }

    /// [`Self::set_user`] by `sender` on the existing `token` (its word as
    /// read), whose owner gives `sender` the operator `bits` (ignored when
    /// `sender` is the owner), at `now`.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn set_user_by(
        &mut self,
        token_id: U256,
        token: Token,
        sender: Address,
        bits: u8,
        user: Address,
        expires: u64,
        now: u64,
    ) -> Result<(), Error> {
        let owner = token.owner;
        let Some(setter) = logic::setter_of(
            sender,
            owner,
            bits & LEASE_OPERATOR != 0,
            logic::is_authorized(
                owner,
                sender,
                || bits & APPROVED_FOR_ALL != 0,
                || self.approved(&token, token_id),
            ),
        ) else {
            return Err(ERC721InsufficientApproval {
                operator: sender,
                tokenId: token_id,
            }
            .into());
        };
        let current = self.lease_of(&token, token_id);
        let next = logic::set_user(current, setter, user, expires, now).map_err(|e| match e {
            LeaseError::Locked => Error::from(CollectionLeaseLocked {
                tokenId: token_id,
                user: current.user,
                expires: current.expires,
            }),
            LeaseError::ExpiryInPast => CollectionUserExpiryInPast {
                expires,
                timestamp: now,
            }
            .into(),
            LeaseError::TooFar => CollectionLockExpiryTooFar {
                expires,
                maxExpires: logic::max_lock_expiry(now),
            }
            .into(),
        })?;
        self.write_user(token_id, token, current.user, next);
        Ok(())
    }

    /// [`Self::lease_context`]'s facts at `now`, with the token's word and
    /// `operator`'s bits from `lessor` (for [`Self::lease_to`]'s write).
    fn lease_facts(
        &self,
        token_id: U256,
        lessor: Address,
        operator: Address,
        sale_price: U256,
        now: u64,
    ) -> Result<(LeaseContext, Token, u8), Error> {
        let token = self.require_owned(token_id)?;
        let bits = self.operator_bits(lessor, operator);
        let (receiver, amount) = self.royalty_info(token_id, sale_price)?;
        let facts = (
            token.owner,
            bits & LEASE_OPERATOR != 0,
            token.lock_in_force(now),
            token.expires,
            receiver,
            amount,
        );
        Ok((facts, token, bits))
    }

    /// [`Self::lease_context`] with `sale` `None`; with `Some((user,
    /// expires, renew))`, [`Self::lease_to`], whose `operator` must then be
    /// the caller (one body for both, which the fallback serves from one
    /// call site).
    fn lease(
        &mut self,
        token_id: U256,
        lessor: Address,
        operator: Address,
        sale_price: U256,
        sale: Option<(Address, u64, bool)>,
    ) -> Result<LeaseContext, Error> {
        let now = now();
        let (facts, token, bits) = self.lease_facts(token_id, lessor, operator, sale_price, now)?;
        if let Some((user, expires, renew)) = sale {
            let (owner, approved, locked, user_expires, ..) = facts;
            let refusal = asset_refusal(
                approved,
                owner == lessor,
                renew,
                locked,
                U256::from(user_expires),
                now,
            );
            if refusal.is_none() {
                self.set_user_by(token_id, token, operator, bits, user, expires, now)?;
            }
        }
        Ok(facts)
    }

    /// `operators[owner][operator]`: [`APPROVED_FOR_ALL`] | [`LEASE_OPERATOR`].
    fn operator_bits(&self, owner: Address, operator: Address) -> u8 {
        self.operators.get(owner).get(operator).to::<u8>()
    }

    /// Sets or clears `flag` of the caller's `operator` (zero refused).
    fn set_operator_bit(&mut self, operator: Address, flag: u8, on: bool) -> Result<(), Error> {
        if operator.is_zero() {
            return Err(ERC721InvalidOperator { operator }.into());
        }
        let owner = sender();
        let bits = logic::with_flag(self.operator_bits(owner, operator), flag, on);
        self.operators
            .setter(owner)
            .setter(operator)
            .set(U8::from(bits));
        Ok(())
    }

    /// The token's full ERC-4907 record (the user's word read only if set).
    fn lease_of(&self, token: &Token, token_id: U256) -> Lease {
        let user = if token.has_user {
            self.users.get(token_id)
        } else {
            Address::ZERO
        };
        token.lease(user)
    }

    /// Stores `lease` (the record before was `token`'s with user
    /// `old_user`) and emits `UpdateUser`. The user's word is written only
    /// when the user changes (a renewal rewrites the token word alone).
    fn write_user(&mut self, token_id: U256, token: Token, old_user: Address, lease: Lease) {
        if lease.user != old_user {
            self.users.setter(token_id).set(lease.user);
        }
        self.tokens
            .setter(token_id)
            .set(token.with_lease(lease).pack());
        emit_update_user(token_id, lease);
    }

    /// OZ Solidity's `ERC721Utils.checkOnERC721Received`, with
    /// `msg.sender` as operator: accounts without code are not called; the
    /// reply is judged by [`logic::receiver_verdict`]. (Solidity reverts with
    /// empty data on a malformed reply; a typed error is clearer.)
    ///
    /// The call is encoded by hand ([`on_received_calldata`]): the
    /// typed `sol_interface` path costs about 1.4 KB of compressed WASM for
    /// this one fixed call.
    #[allow(deprecated)] // stylus-sdk 0.9's `has_code` and `RawCall`, as OZ 0.3 uses.
    fn check_on_received(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Error> {
        if !to.has_code() {
            return Ok(());
        }
        let calldata = on_received_calldata(sender(), from, token_id, &data.0);
        // SAFETY: no storage reference is held across the call, and the
        // storage cache is flushed and cleared first, so values read after
        // it are fresh; the SDK rejects reentrant calls into this contract.
        let reply = unsafe { RawCall::new().clear_storage_cache().call(to, &calldata) };
        logic::receiver_verdict(reply).map_err(|revert| match revert {
            Some(data) => Error::ReceiverRevert(data),
            None => ERC721InvalidReceiver { receiver: to }.into(),
        })
    }
}
