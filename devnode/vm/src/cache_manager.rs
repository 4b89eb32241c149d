//! The CacheManager: the Stylus cache auction of nitro-contracts'
//! `CacheManager.sol`, re-implemented natively as a system contract at
//! nitro-devnode's address [`CACHE_MANAGER`], dispatched by the precompile
//! provider while the account's code is [`crate::config::CACHE_MANAGER_CODE`].
//!
//! Semantics (the contract's):
//! * a bid is `msg.value + decay × block.timestamp` (so older bids lose
//!   value against newer ones at `decay` wei per second);
//! * a program's size is ArbWasm `codehashAsmSize`, at least 4 KiB;
//! * `placeBid(program)`: refused while paused (`BidsArePaused`) or when the
//!   codehash is already cached (`AlreadyCached`); otherwise the lowest bids
//!   are evicted (each through ArbWasmCache `evictCodehash`, `DeleteBid`)
//!   while the queue plus the new size exceeds the cache size, the new bid
//!   must be at least the last (largest) evicted bid (`BidTooSmall`), it must
//!   fit (`AsmTooLarge`), and the program is cached through ArbWasmCache
//!   `cacheProgram` (`InsertBid`);
//! * `getMinBid(size)`: the smallest `msg.value` that would make room now;
//! * the owner methods (`setCacheSize`, `setDecayRate`, `paused`, `unpause`,
//!   `evictAll`, `evictPrograms`) are for chain owners (`NotChainOwner`).
//!
//! The auction logic lives in plain functions over a [`CacheStore`] (the
//! contract's storage and its calls to ArbWasmCache), so it is tested on an
//! in-memory store without a VM; [`min_bid`] and [`evictions`] take every
//! input explicitly.
//!
//! Storage (of the CacheManager account): slots 0–5 hold the cache size,
//! queue size, decay, paused flag, entry count and heap length; the bid heap
//! (packed `bid << 64 | index`, as the contract packs it) and the entries
//! (`code`, `size << 192 | bid`) live at keccak-derived slots. Gas is what
//! these storage accesses, logs and precompile calls cost on the EVM
//! (EIP-2929/2200 pricing); the contract's own dispatch and memory overhead
//! is not modelled.

use alloy_sol_types::{SolError, SolEvent, SolInterface, SolValue};
use revm::context::Cfg;
use revm::context_interface::{Block, ContextTr, JournalTr};
use revm::interpreter::CallInputs;
use revm::primitives::alloy_primitives::aliases::U192;
use revm::primitives::{keccak256, Address, Bytes, Log, B256, U256};

use crate::arbos::AddressSet;
use crate::config::{CACHE_MANAGER, NETWORK_FEE_ACCOUNT};
use crate::precompiles::{db, ArbPrecompiles, Out};

/// Sizes below this count as this much (`MIN_CODESIZE`, 4 KiB).
pub const MIN_CODESIZE: u64 = 4096;
/// Largest `makeSpace` request (`MAX_MAKE_SPACE`, 5 MiB).
pub const MAX_MAKE_SPACE: u64 = 5 * 1024 * 1024;
/// The devnode's initial cache size: 512 MiB, nitro-contracts' deployment
/// value (`INIT_CACHE_SIZE` in `scripts/deploymentUtils.ts`).
pub const DEFAULT_CACHE_SIZE: u64 = 536_870_912;
/// The devnode's initial decay in wei per second: nitro-contracts'
/// deployment value (`INIT_DECAY`).
pub const DEFAULT_DECAY: u64 = 10_322_197_911;

/// The contract's interface (what cargo-stylus and the deployer call).
#[allow(missing_docs, clippy::too_many_arguments)]
pub mod abi {
    alloy_sol_types::sol! {
        #[sol(all_derives)]
        interface CacheManager {
            struct Entry {
                bytes32 code;
                uint64 size;
                uint192 bid;
            }
            function cacheSize() external view returns (uint64);
            function queueSize() external view returns (uint64);
            function decay() external view returns (uint64);
            function isPaused() external view returns (bool);
            function entries(uint256 index) external view returns (bytes32 code, uint64 size, uint192 bid);
            function getEntries() external view returns (Entry[] memory);
            function getSmallestEntries(uint256 k) external view returns (Entry[] memory result);
            function getMinBid(uint64 size) external view returns (uint192 min);
            function getMinBid(bytes32 codehash) external view returns (uint192 min);
            function getMinBid(address program) external view returns (uint192 min);
            function placeBid(address program) external payable;
            function makeSpace(uint64 size) external payable returns (uint64 space);
            function setCacheSize(uint64 newSize) external;
            function setDecayRate(uint64 newDecay) external;
            function paused() external;
            function unpause() external;
            function evictAll() external;
            function evictPrograms(uint256 count) external;
            function sweepFunds() external;

            error NotChainOwner(address sender);
            error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize);
            error AlreadyCached(bytes32 codehash);
            error BidTooLarge(uint256 bid);
            error BidTooSmall(uint192 bid, uint192 min);
            error BidsArePaused();
            error MakeSpaceTooLarge(uint64 size, uint64 limit);
            error HeapIsEmpty();
            /// ArbWasm's error, passed through when the program was never activated.
            error ProgramNotActivated();
            error Panic(uint256 code);

            event InsertBid(bytes32 indexed codehash, address program, uint192 bid, uint64 size);
            event DeleteBid(bytes32 indexed codehash, uint192 bid, uint64 size);
            event SetCacheSize(uint64 size);
            event SetDecayRate(uint64 decay);
            event Pause();
            event Unpause();
        }
    }
}

use abi::CacheManager as Cm;

/// A cache entry: a codehash, its size and its bid (a `uint192`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Entry {
    /// The program's codehash.
    pub code: B256,
    /// Its size in bytes (at least [`MIN_CODESIZE`]).
    pub size: u64,
    /// Its bid.
    pub bid: U256,
}

/// Why a CacheManager call reverts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmError {
    /// `NotChainOwner(sender)`
    NotChainOwner(Address),
    /// `AsmTooLarge(asm, queueSize, cacheSize)`
    AsmTooLarge(u64, u64, u64),
    /// `AlreadyCached(codehash)`
    AlreadyCached(B256),
    /// `BidTooLarge(bid)`: value + decay overflows a `uint192`.
    BidTooLarge(U256),
    /// `BidTooSmall(bid, min)`
    BidTooSmall(U256, U256),
    /// `BidsArePaused()`
    BidsArePaused,
    /// `MakeSpaceTooLarge(size, limit)`
    MakeSpaceTooLarge(u64, u64),
    /// Solady's `HeapIsEmpty()`: nothing left to evict.
    HeapIsEmpty,
    /// Solidity's arithmetic `Panic(0x11)`.
    Overflow,
    /// A called precompile's revert data, passed on (e.g. ArbWasm's
    /// `ProgramNotActivated()`).
    Bubble(Bytes),
}

fn u192(v: U256) -> U192 {
    U192::from_be_slice(&v.to_be_bytes::<32>()[8..])
}

impl CmError {
    /// The ABI-encoded revert data.
    #[must_use]
    pub fn abi(&self) -> Bytes {
        match self {
            Self::NotChainOwner(a) => Cm::NotChainOwner { sender: *a }.abi_encode().into(),
            Self::AsmTooLarge(a, q, c) => Cm::AsmTooLarge {
                asm: U256::from(*a),
                queueSize: U256::from(*q),
                cacheSize: U256::from(*c),
            }
            .abi_encode()
            .into(),
            Self::AlreadyCached(h) => Cm::AlreadyCached { codehash: *h }.abi_encode().into(),
            Self::BidTooLarge(b) => Cm::BidTooLarge { bid: *b }.abi_encode().into(),
            Self::BidTooSmall(b, m) => Cm::BidTooSmall {
                bid: u192(*b),
                min: u192(*m),
            }
            .abi_encode()
            .into(),
            Self::BidsArePaused => Cm::BidsArePaused {}.abi_encode().into(),
            Self::MakeSpaceTooLarge(s, l) => Cm::MakeSpaceTooLarge {
                size: *s,
                limit: *l,
            }
            .abi_encode()
            .into(),
            Self::HeapIsEmpty => Cm::HeapIsEmpty {}.abi_encode().into(),
            Self::Overflow => Cm::Panic {
                code: U256::from(0x11),
            }
            .abi_encode()
            .into(),
            Self::Bubble(data) => data.clone(),
        }
    }
}

// ------------------------------------------------------------------ pure logic

/// Packs a heap item as the contract does: `bid << 64 | index`.
#[must_use]
pub fn pack_bid(bid: U256, index: u64) -> U256 {
    (bid << 64usize) | U256::from(index)
}

/// Unpacks a heap item into `(bid, index)`.
#[must_use]
pub fn unpack_bid(item: U256) -> (U256, u64) {
    (item >> 64usize, item.as_limbs()[0])
}

/// The decay term at `now`: `decay × now`.
#[must_use]
pub fn current_decay(decay: u64, now: u64) -> U256 {
    U256::from(decay).saturating_mul(U256::from(now))
}

/// A bid from a payment (`_toBid`): `value + decay × now`, at most a `uint192`.
///
/// # Errors
/// `BidTooLarge` above `type(uint192).max`.
pub fn to_bid(value: U256, decay: u64, now: u64) -> Result<U256, CmError> {
    let max = U256::from(U192::MAX);
    let bid = value.saturating_add(current_decay(decay, now));
    if bid > max {
        return Err(CmError::BidTooLarge(bid));
    }
    Ok(bid)
}

/// The size a program counts for (`_asmSize`): its asm size, at least 4 KiB.
#[must_use]
pub fn counted_size(asm_size: u64) -> u64 {
    asm_size.max(MIN_CODESIZE)
}

/// How many of the smallest entries `getMinBid(size)` looks at: enough to
/// free the missing space if each entry held only [`MIN_CODESIZE`] bytes.
/// 0 when the program fits without evictions.
#[must_use]
pub fn entries_to_inspect(size: u64, cache_size: u64, queue_size: u64) -> u64 {
    let total = u128::from(queue_size) + u128::from(counted_size(size));
    let need = total.saturating_sub(u128::from(cache_size));
    u64::try_from(need.div_ceil(u128::from(MIN_CODESIZE))).unwrap_or(u64::MAX)
}

/// `getMinBid(size)`: the smallest `msg.value` that would make room for a
/// program of `size` bytes now. `smallest` are the cache's entries with the
/// lowest bids, ascending (at least [`entries_to_inspect`] of them, or all);
/// `decay_now` is [`current_decay`].
///
/// # Errors
/// `AsmTooLarge(size, 0, cacheSize)` when `size` exceeds the cache.
pub fn min_bid(
    size: u64,
    cache_size: u64,
    queue_size: u64,
    smallest: &[Entry],
    decay_now: U256,
) -> Result<U256, CmError> {
    if size > cache_size {
        return Err(CmError::AsmTooLarge(size, 0, cache_size));
    }
    let size = counted_size(size);
    let total = u128::from(queue_size) + u128::from(size);
    if total <= u128::from(cache_size) {
        return Ok(U256::ZERO);
    }
    let mut need = total - u128::from(cache_size);
    let k = entries_to_inspect(size, cache_size, queue_size);
    let mut min = U256::ZERO;
    for e in smallest
        .iter()
        .take(usize::try_from(k).unwrap_or(usize::MAX))
    {
        if need <= u128::from(e.size) {
            min = e.bid;
            break;
        }
        need -= u128::from(e.size);
    }
    Ok(min.saturating_sub(decay_now))
}

/// The eviction choice of `_makeSpace`: given the entries' `(bid, size)` in
/// the order the heap pops them (ascending), how many must go so that a
/// program of `size` fits, and the last evicted bid (the minimum the new
/// bid must reach; 0 when nothing is evicted).
///
/// # Errors
/// `HeapIsEmpty` when even evicting everything leaves no room.
pub fn evictions(
    queue_size: u64,
    size: u64,
    cache_size: u64,
    ascending: &[(U256, u64)],
) -> Result<(usize, U256), CmError> {
    let mut queue = queue_size;
    let mut min = U256::ZERO;
    let mut count = 0;
    while u128::from(queue) + u128::from(size) > u128::from(cache_size) {
        let Some(&(bid, entry_size)) = ascending.get(count) else {
            return Err(CmError::HeapIsEmpty);
        };
        queue = queue.checked_sub(entry_size).ok_or(CmError::Overflow)?;
        min = bid;
        count += 1;
    }
    Ok((count, min))
}

/// A word of the CacheManager's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// `cacheSize`
    CacheSize,
    /// `queueSize`
    QueueSize,
    /// `decay`
    Decay,
    /// `isPaused`
    Paused,
    /// Number of entry slots (evicted ones stay, zeroed).
    EntriesLen,
    /// Number of heap items.
    HeapLen,
    /// Heap item `i`.
    Heap(u64),
    /// Entry `i`'s codehash.
    EntryCode(u64),
    /// Entry `i`'s `size << 192 | bid`.
    EntryInfo(u64),
}

impl Key {
    /// The storage slot of this word.
    #[must_use]
    pub fn slot(self) -> U256 {
        let array = |base: u8, i: u64, word: u64| {
            let start = U256::from_be_bytes(keccak256([base; 1]).0);
            start
                .wrapping_add(U256::from(i).wrapping_mul(U256::from(2)))
                .wrapping_add(U256::from(word))
        };
        match self {
            Self::CacheSize => U256::ZERO,
            Self::QueueSize => U256::from(1),
            Self::Decay => U256::from(2),
            Self::Paused => U256::from(3),
            Self::EntriesLen => U256::from(4),
            Self::HeapLen => U256::from(5),
            Self::Heap(i) => U256::from_be_bytes(keccak256([5u8; 1]).0).wrapping_add(U256::from(i)),
            Self::EntryCode(i) => array(4, i, 0),
            Self::EntryInfo(i) => array(4, i, 1),
        }
    }
}

/// The contract's storage and its calls out, as the auction logic sees them.
pub trait CacheStore {
    /// Storage or database failure (aborts the call).
    type Error;
    /// Reads a word.
    ///
    /// # Errors
    /// Storage failure.
    fn get(&mut self, key: Key) -> Result<U256, Self::Error>;
    /// Writes a word.
    ///
    /// # Errors
    /// Storage failure.
    fn set(&mut self, key: Key, value: U256) -> Result<(), Self::Error>;
    /// ArbWasmCache `cacheProgram(program)`; the inner error is the revert.
    ///
    /// # Errors
    /// Storage failure.
    fn cache_program(&mut self, program: Address) -> Result<Result<(), CmError>, Self::Error>;
    /// ArbWasmCache `evictCodehash(code)`.
    ///
    /// # Errors
    /// Storage failure.
    fn evict_codehash(&mut self, code: B256) -> Result<(), Self::Error>;
    /// Emits an event of the contract.
    ///
    /// # Errors
    /// Storage failure.
    fn emit(&mut self, log: revm::primitives::LogData) -> Result<(), Self::Error>;
}

type Res<T, E> = Result<Result<T, CmError>, E>;

fn get_u64<S: CacheStore>(s: &mut S, key: Key) -> Result<u64, S::Error> {
    Ok(s.get(key)?.saturating_to())
}

/// Pushes `item` onto the bid heap.
///
/// # Errors
/// Storage failure.
pub fn heap_push<S: CacheStore>(s: &mut S, item: U256) -> Result<(), S::Error> {
    let len = get_u64(s, Key::HeapLen)?;
    let mut i = len;
    s.set(Key::HeapLen, U256::from(len.saturating_add(1)))?;
    while i > 0 {
        let parent = (i - 1) / 2;
        let p = s.get(Key::Heap(parent))?;
        if p <= item {
            break;
        }
        s.set(Key::Heap(i), p)?;
        i = parent;
    }
    s.set(Key::Heap(i), item)
}

/// Pops the smallest item of the bid heap (`None` when empty).
///
/// # Errors
/// Storage failure.
pub fn heap_pop<S: CacheStore>(s: &mut S) -> Result<Option<U256>, S::Error> {
    let len = get_u64(s, Key::HeapLen)?;
    if len == 0 {
        return Ok(None);
    }
    let top = s.get(Key::Heap(0))?;
    let n = len - 1;
    let last = s.get(Key::Heap(n))?;
    s.set(Key::Heap(n), U256::ZERO)?;
    s.set(Key::HeapLen, U256::from(n))?;
    if n > 0 {
        let mut i = 0u64;
        loop {
            let l = i.saturating_mul(2).saturating_add(1);
            if l >= n {
                break;
            }
            let r = l + 1;
            let mut child = l;
            let mut cv = s.get(Key::Heap(l))?;
            if r < n {
                let rv = s.get(Key::Heap(r))?;
                if rv < cv {
                    child = r;
                    cv = rv;
                }
            }
            if cv >= last {
                break;
            }
            s.set(Key::Heap(i), cv)?;
            i = child;
        }
        s.set(Key::Heap(i), last)?;
    }
    Ok(Some(top))
}

/// All heap items, ascending.
///
/// # Errors
/// Storage failure.
pub fn heap_sorted<S: CacheStore>(s: &mut S) -> Result<Vec<U256>, S::Error> {
    let len = get_u64(s, Key::HeapLen)?;
    let mut all = Vec::new();
    for i in 0..len {
        all.push(s.get(Key::Heap(i))?);
    }
    all.sort_unstable();
    Ok(all)
}

/// Entry `index`.
///
/// # Errors
/// Storage failure.
pub fn entry<S: CacheStore>(s: &mut S, index: u64) -> Result<Entry, S::Error> {
    let code = B256::from(s.get(Key::EntryCode(index))?.to_be_bytes::<32>());
    let info = s.get(Key::EntryInfo(index))?;
    let mask = U256::from(U192::MAX);
    Ok(Entry {
        code,
        size: (info >> 192usize).saturating_to::<u64>(),
        bid: info & mask,
    })
}

fn set_entry<S: CacheStore>(s: &mut S, index: u64, e: &Entry) -> Result<(), S::Error> {
    s.set(Key::EntryCode(index), U256::from_be_bytes(e.code.0))?;
    s.set(
        Key::EntryInfo(index),
        (U256::from(e.size) << 192usize) | (e.bid & U256::from(U192::MAX)),
    )
}

/// All entry slots (evicted ones are zeroed), as `getEntries` returns them.
///
/// # Errors
/// Storage failure.
pub fn all_entries<S: CacheStore>(s: &mut S) -> Result<Vec<Entry>, S::Error> {
    let len = get_u64(s, Key::EntriesLen)?;
    (0..len).map(|i| entry(s, i)).collect()
}

/// The `k` entries with the lowest bids, ascending (`getSmallestEntries`).
///
/// # Errors
/// Storage failure.
pub fn smallest_entries<S: CacheStore>(s: &mut S, k: u64) -> Result<Vec<Entry>, S::Error> {
    let items = heap_sorted(s)?;
    let mut out = Vec::new();
    for item in items
        .into_iter()
        .take(usize::try_from(k).unwrap_or(usize::MAX))
    {
        let (_, index) = unpack_bid(item);
        out.push(entry(s, index)?);
    }
    Ok(out)
}

/// `getMinBid(size)` at `now` on the stored cache.
///
/// # Errors
/// Storage failure; inner: `AsmTooLarge`.
pub fn stored_min_bid<S: CacheStore>(s: &mut S, size: u64, now: u64) -> Res<U256, S::Error> {
    let cache_size = get_u64(s, Key::CacheSize)?;
    let queue_size = get_u64(s, Key::QueueSize)?;
    let decay = get_u64(s, Key::Decay)?;
    let k = entries_to_inspect(size, cache_size, queue_size);
    let smallest = if size > cache_size {
        Vec::new()
    } else {
        smallest_entries(s, k)?
    };
    Ok(min_bid(
        size,
        cache_size,
        queue_size,
        &smallest,
        current_decay(decay, now),
    ))
}

/// `_deleteEntry`: evicts entry `index` (bid `bid`) from ArbWasmCache, frees
/// its size, emits `DeleteBid` and zeroes the entry.
///
/// # Errors
/// Storage failure; inner: queue underflow.
pub fn delete_entry<S: CacheStore>(s: &mut S, bid: U256, index: u64) -> Res<(), S::Error> {
    let e = entry(s, index)?;
    s.evict_codehash(e.code)?;
    let queue = get_u64(s, Key::QueueSize)?;
    let Some(queue) = queue.checked_sub(e.size) else {
        return Ok(Err(CmError::Overflow));
    };
    s.set(Key::QueueSize, U256::from(queue))?;
    s.emit(
        Cm::DeleteBid {
            codehash: e.code,
            bid: u192(bid),
            size: e.size,
        }
        .encode_log_data(),
    )?;
    set_entry(s, index, &Entry::default())?;
    Ok(Ok(()))
}

/// `_makeSpace(size)` for a payment of `value` at `now`: evicts the lowest
/// bids until `size` fits; returns the new bid and the entry index to use.
///
/// # Errors
/// Storage failure; inner: `BidTooLarge`, `HeapIsEmpty`, `BidTooSmall`.
pub fn make_space<S: CacheStore>(
    s: &mut S,
    size: u64,
    value: U256,
    now: u64,
) -> Res<(U256, u64), S::Error> {
    let decay = get_u64(s, Key::Decay)?;
    let bid = match to_bid(value, decay, now) {
        Ok(b) => b,
        Err(e) => return Ok(Err(e)),
    };
    let mut index = get_u64(s, Key::EntriesLen)?;
    let limit = get_u64(s, Key::CacheSize)?;
    let mut min = U256::ZERO;
    while u128::from(get_u64(s, Key::QueueSize)?) + u128::from(size) > u128::from(limit) {
        let Some(item) = heap_pop(s)? else {
            return Ok(Err(CmError::HeapIsEmpty));
        };
        let (b, i) = unpack_bid(item);
        min = b;
        index = i;
        if let Err(e) = delete_entry(s, b, i)? {
            return Ok(Err(e));
        }
    }
    if bid < min {
        return Ok(Err(CmError::BidTooSmall(bid, min)));
    }
    Ok(Ok((bid, index)))
}

/// `_addBid`: caches `program` through ArbWasmCache and records its entry.
///
/// # Errors
/// Storage failure; inner: `AsmTooLarge`, a revert of `cacheProgram`.
pub fn add_bid<S: CacheStore>(
    s: &mut S,
    bid: U256,
    program: Address,
    code: B256,
    size: u64,
    index: u64,
) -> Res<(), S::Error> {
    let queue = get_u64(s, Key::QueueSize)?;
    let cache_size = get_u64(s, Key::CacheSize)?;
    if u128::from(queue) + u128::from(size) > u128::from(cache_size) {
        return Ok(Err(CmError::AsmTooLarge(size, queue, cache_size)));
    }
    if let Err(e) = s.cache_program(program)? {
        return Ok(Err(e));
    }
    heap_push(s, pack_bid(bid, index))?;
    let Some(queue) = queue.checked_add(size) else {
        return Ok(Err(CmError::Overflow));
    };
    s.set(Key::QueueSize, U256::from(queue))?;
    let len = get_u64(s, Key::EntriesLen)?;
    if index == len {
        s.set(Key::EntriesLen, U256::from(len.saturating_add(1)))?;
    }
    set_entry(s, index, &Entry { code, size, bid })?;
    s.emit(
        Cm::InsertBid {
            codehash: code,
            program,
            bid: u192(bid),
            size,
        }
        .encode_log_data(),
    )?;
    Ok(Ok(()))
}

/// `evictPrograms(count)`: evicts up to `count` lowest bids.
///
/// # Errors
/// Storage failure; inner: queue underflow.
pub fn evict_programs<S: CacheStore>(s: &mut S, count: U256) -> Res<(), S::Error> {
    let mut left = count;
    while left > U256::ZERO {
        let Some(item) = heap_pop(s)? else {
            break;
        };
        let (bid, index) = unpack_bid(item);
        if let Err(e) = delete_entry(s, bid, index)? {
            return Ok(Err(e));
        }
        left -= U256::from(1);
    }
    Ok(Ok(()))
}

/// The storage words of a freshly initialised CacheManager (`initialize(cacheSize, decay)`).
#[must_use]
pub fn genesis_storage(cache_size: u64, decay: u64) -> Vec<(U256, U256)> {
    vec![
        (Key::CacheSize.slot(), U256::from(cache_size)),
        (Key::Decay.slot(), U256::from(decay)),
    ]
}

// ------------------------------------------------------------------ the VM side

struct VmStore<'a, CTX: ContextTr> {
    pre: &'a ArbPrecompiles,
    ctx: &'a mut CTX,
    gas: u64,
    refund: i64,
}

const WARM_CALL: u64 = 100;

impl<CTX: ContextTr> VmStore<'_, CTX> {
    fn charge(&mut self, out: &Out) {
        let used = match out {
            Out::Ok(_, g) | Out::Revert(_, g) => *g,
            _ => 0,
        };
        self.gas = self.gas.saturating_add(WARM_CALL).saturating_add(used);
    }

    fn log_gas(topics: usize, len: usize) -> u64 {
        375 + 375 * topics as u64 + 8 * len as u64
    }
}

impl<CTX: ContextTr> CacheStore for VmStore<'_, CTX> {
    type Error = String;

    fn get(&mut self, key: Key) -> Result<U256, String> {
        let j = self.ctx.journal_mut();
        j.load_account(CACHE_MANAGER).map_err(db)?;
        let r = j.sload(CACHE_MANAGER, key.slot()).map_err(db)?;
        let gp = self.ctx.cfg().gas_params();
        let cost = if r.is_cold {
            gp.cold_storage_cost()
        } else {
            gp.warm_storage_read_cost()
        };
        self.gas = self.gas.saturating_add(cost);
        Ok(r.data)
    }

    fn set(&mut self, key: Key, value: U256) -> Result<(), String> {
        let j = self.ctx.journal_mut();
        j.load_account(CACHE_MANAGER).map_err(db)?;
        let r = j.sstore(CACHE_MANAGER, key.slot(), value).map_err(db)?;
        let gp = self.ctx.cfg().gas_params();
        let cost = gp
            .sstore_static_gas()
            .saturating_add(gp.sstore_dynamic_gas(true, &r.data, r.is_cold));
        self.refund = self.refund.saturating_add(gp.sstore_refund(true, &r.data));
        self.gas = self.gas.saturating_add(cost);
        Ok(())
    }

    fn cache_program(&mut self, program: Address) -> Result<Result<(), CmError>, String> {
        let mut access = 0;
        if !ArbPrecompiles::may_manage_cache(self.ctx, CACHE_MANAGER, &mut access)? {
            // ArbWasmCache burns the call's gas and reverts without data
            self.gas = u64::MAX;
            return Ok(Err(CmError::Bubble(Bytes::new())));
        }
        self.gas = self.gas.saturating_add(access);
        let h = ArbPrecompiles::code_hash_of(self.ctx, program)?;
        let out = self.pre.set_cached(self.ctx, CACHE_MANAGER, h, true)?;
        self.charge(&out);
        match out {
            Out::Ok(..) => Ok(Ok(())),
            Out::Revert(data, _) => Ok(Err(CmError::Bubble(data))),
            _ => {
                self.gas = u64::MAX;
                Ok(Err(CmError::Bubble(Bytes::new())))
            }
        }
    }

    fn evict_codehash(&mut self, code: B256) -> Result<(), String> {
        let mut access = 0;
        if !ArbPrecompiles::may_manage_cache(self.ctx, CACHE_MANAGER, &mut access)? {
            return Err("the CacheManager is no cache manager".into());
        }
        self.gas = self.gas.saturating_add(access);
        let out = self.pre.set_cached(self.ctx, CACHE_MANAGER, code, false)?;
        self.charge(&out);
        Ok(())
    }

    fn emit(&mut self, data: revm::primitives::LogData) -> Result<(), String> {
        self.gas = self
            .gas
            .saturating_add(Self::log_gas(data.topics().len(), data.data.len()));
        self.ctx.journal_mut().log(Log {
            address: CACHE_MANAGER,
            data,
        });
        Ok(())
    }
}

impl<CTX: ContextTr> VmStore<'_, CTX> {
    /// ArbWasm `codehashAsmSize(codehash)` as the contract calls it.
    fn asm_size(&mut self, codehash: B256) -> Result<Result<u64, CmError>, String> {
        let out = match self.pre.active(self.ctx, &codehash)? {
            // the word returned costs 3 to copy
            Ok(_) => Out::Ok(Bytes::new(), crate::precompiles::READ + 3),
            Err(e) => e,
        };
        self.charge(&out);
        match out {
            Out::Ok(..) => {
                let prog = crate::arbos::get_program(self.ctx, &codehash).map_err(db)?;
                Ok(Ok(counted_size(
                    u64::from(prog.asm_estimate_kb).saturating_mul(1024),
                )))
            }
            Out::Revert(data, _) => Ok(Err(CmError::Bubble(data))),
            _ => Ok(Err(CmError::Bubble(Bytes::new()))),
        }
    }

    fn is_cached(&mut self, codehash: B256) -> Result<bool, String> {
        self.gas = self
            .gas
            .saturating_add(WARM_CALL + crate::precompiles::READ);
        Ok(crate::arbos::get_program(self.ctx, &codehash)
            .map_err(db)?
            .cached)
    }

    fn only_owner(&mut self, caller: Address) -> Result<Result<(), CmError>, String> {
        let mut gas = 0;
        let owner = AddressSet::ChainOwners
            .contains(self.ctx, caller, &mut gas)
            .map_err(db)?;
        self.gas = self.gas.saturating_add(WARM_CALL + gas);
        Ok(if owner {
            Ok(())
        } else {
            Err(CmError::NotChainOwner(caller))
        })
    }
}

fn entry_abi(e: &Entry) -> Cm::Entry {
    Cm::Entry {
        code: e.code,
        size: e.size,
        bid: u192(e.bid),
    }
}

/// Runs a call of the CacheManager. Returns the outcome and the storage
/// refund earned.
///
/// # Errors
/// Database errors.
#[allow(clippy::too_many_lines)]
pub(crate) fn run<CTX: ContextTr>(
    pre: &ArbPrecompiles,
    ctx: &mut CTX,
    inputs: &CallInputs,
    input: &[u8],
) -> Result<(Out, i64), String> {
    use Cm::CacheManagerCalls as C;
    // The contract runs in its own storage only: no DELEGATECALL/CALLCODE.
    if inputs.target_address != CACHE_MANAGER {
        return Ok((Out::Fail, 0));
    }
    let Ok(call) = C::abi_decode(input) else {
        // no fallback: an unknown selector reverts without data
        return Ok((Out::Revert(Bytes::new(), 0), 0));
    };
    let payable = matches!(call, C::placeBid(_) | C::makeSpace(_));
    let view = matches!(
        call,
        C::cacheSize(_)
            | C::queueSize(_)
            | C::decay(_)
            | C::isPaused(_)
            | C::entries(_)
            | C::getEntries(_)
            | C::getSmallestEntries(_)
            | C::getMinBid_0(_)
            | C::getMinBid_1(_)
            | C::getMinBid_2(_)
    );
    let value = inputs.value.get();
    if !payable && value != U256::ZERO {
        return Ok((Out::Revert(Bytes::new(), 0), 0));
    }
    if !view && inputs.is_static {
        return Ok((Out::Fail, 0));
    }
    let now: u64 = ctx.block().timestamp().saturating_to();
    let caller = inputs.caller;
    let mut s = VmStore {
        pre,
        ctx,
        gas: 0,
        refund: 0,
    };
    let result: Result<Vec<u8>, CmError> = (|| -> Result<Result<Vec<u8>, CmError>, String> {
        let owner_call = matches!(
            call,
            C::setCacheSize(_)
                | C::setDecayRate(_)
                | C::paused(_)
                | C::unpause(_)
                | C::evictAll(_)
                | C::evictPrograms(_)
        );
        if owner_call {
            if let Err(e) = s.only_owner(caller)? {
                return Ok(Err(e));
            }
        }
        Ok(Ok(match call {
            C::cacheSize(_) => (get_u64(&mut s, Key::CacheSize)?,).abi_encode_params(),
            C::queueSize(_) => (get_u64(&mut s, Key::QueueSize)?,).abi_encode_params(),
            C::decay(_) => (get_u64(&mut s, Key::Decay)?,).abi_encode_params(),
            C::isPaused(_) => (!s.get(Key::Paused)?.is_zero(),).abi_encode_params(),
            C::entries(c) => {
                let len = get_u64(&mut s, Key::EntriesLen)?;
                let Ok(i) = u64::try_from(c.index) else {
                    return Ok(Err(CmError::Bubble(Bytes::new())));
                };
                if i >= len {
                    // out-of-bounds array access: Panic(0x32)
                    return Ok(Err(CmError::Bubble(
                        Cm::Panic {
                            code: U256::from(0x32),
                        }
                        .abi_encode()
                        .into(),
                    )));
                }
                let e = entry(&mut s, i)?;
                (e.code, e.size, u192(e.bid)).abi_encode_params()
            }
            C::getEntries(_) => {
                let all: Vec<Cm::Entry> = all_entries(&mut s)?.iter().map(entry_abi).collect();
                (all,).abi_encode_params()
            }
            C::getSmallestEntries(c) => {
                let k = c.k.saturating_to::<u64>();
                let all: Vec<Cm::Entry> =
                    smallest_entries(&mut s, k)?.iter().map(entry_abi).collect();
                (all,).abi_encode_params()
            }
            C::getMinBid_0(c) => match stored_min_bid(&mut s, c.size, now)? {
                Ok(m) => (u192(m),).abi_encode_params(),
                Err(e) => return Ok(Err(e)),
            },
            C::getMinBid_1(c) => {
                let size = match s.asm_size(c.codehash)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                match stored_min_bid(&mut s, size, now)? {
                    Ok(m) => (u192(m),).abi_encode_params(),
                    Err(e) => return Ok(Err(e)),
                }
            }
            C::getMinBid_2(c) => {
                let h = ArbPrecompiles::code_hash_of(s.ctx, c.program)?;
                let size = match s.asm_size(h)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                match stored_min_bid(&mut s, size, now)? {
                    Ok(m) => (u192(m),).abi_encode_params(),
                    Err(e) => return Ok(Err(e)),
                }
            }
            C::placeBid(c) => {
                if !s.get(Key::Paused)?.is_zero() {
                    return Ok(Err(CmError::BidsArePaused));
                }
                let codehash = ArbPrecompiles::code_hash_of(s.ctx, c.program)?;
                if s.is_cached(codehash)? {
                    return Ok(Err(CmError::AlreadyCached(codehash)));
                }
                let size = match s.asm_size(codehash)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                let (bid, index) = match make_space(&mut s, size, value, now)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                if let Err(e) = add_bid(&mut s, bid, c.program, codehash, size, index)? {
                    return Ok(Err(e));
                }
                Vec::new()
            }
            C::makeSpace(c) => {
                if !s.get(Key::Paused)?.is_zero() {
                    return Ok(Err(CmError::BidsArePaused));
                }
                if c.size > MAX_MAKE_SPACE {
                    return Ok(Err(CmError::MakeSpaceTooLarge(c.size, MAX_MAKE_SPACE)));
                }
                if let Err(e) = make_space(&mut s, c.size, value, now)? {
                    return Ok(Err(e));
                }
                let cache = get_u64(&mut s, Key::CacheSize)?;
                let queue = get_u64(&mut s, Key::QueueSize)?;
                let Some(space) = cache.checked_sub(queue) else {
                    return Ok(Err(CmError::Overflow));
                };
                (space,).abi_encode_params()
            }
            C::setCacheSize(c) => {
                s.set(Key::CacheSize, U256::from(c.newSize))?;
                s.emit(Cm::SetCacheSize { size: c.newSize }.encode_log_data())?;
                Vec::new()
            }
            C::setDecayRate(c) => {
                s.set(Key::Decay, U256::from(c.newDecay))?;
                s.emit(Cm::SetDecayRate { decay: c.newDecay }.encode_log_data())?;
                Vec::new()
            }
            C::paused(_) => {
                s.set(Key::Paused, U256::from(1))?;
                s.emit(Cm::Pause {}.encode_log_data())?;
                Vec::new()
            }
            C::unpause(_) => {
                s.set(Key::Paused, U256::ZERO)?;
                s.emit(Cm::Unpause {}.encode_log_data())?;
                Vec::new()
            }
            C::evictAll(_) => {
                if let Err(e) = evict_programs(&mut s, U256::MAX)? {
                    return Ok(Err(e));
                }
                // `delete entries`: zero every slot and the length
                let len = get_u64(&mut s, Key::EntriesLen)?;
                for i in 0..len {
                    set_entry(&mut s, i, &Entry::default())?;
                }
                s.set(Key::EntriesLen, U256::ZERO)?;
                Vec::new()
            }
            C::evictPrograms(c) => {
                if let Err(e) = evict_programs(&mut s, c.count)? {
                    return Ok(Err(e));
                }
                Vec::new()
            }
            C::sweepFunds(_) => {
                let j = s.ctx.journal_mut();
                let balance = j.load_account(CACHE_MANAGER).map_err(db)?.data.info.balance;
                if balance > U256::ZERO {
                    if let Some(e) = j
                        .transfer(CACHE_MANAGER, NETWORK_FEE_ACCOUNT, balance)
                        .map_err(db)?
                    {
                        return Err(format!("sweep transfer failed: {e:?}"));
                    }
                    s.gas = s.gas.saturating_add(9_000);
                }
                s.gas = s.gas.saturating_add(WARM_CALL + crate::precompiles::READ);
                Vec::new()
            }
        }))
    })()?;
    let (gas, refund) = (s.gas, s.refund);
    let out = match result {
        Ok(data) => Out::Ok(data.into(), gas),
        Err(_) if gas == u64::MAX => Out::Fail,
        Err(e) => Out::Revert(e.abi(), gas),
    };
    Ok((out, refund))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// An in-memory contract: storage words, the program cache, the log.
    #[derive(Default)]
    struct Mem {
        words: HashMap<Key, U256>,
        cached: Vec<B256>,
        codes: HashMap<Address, B256>,
        logs: Vec<revm::primitives::LogData>,
    }

    impl CacheStore for Mem {
        type Error = std::convert::Infallible;
        fn get(&mut self, key: Key) -> Result<U256, Self::Error> {
            Ok(self.words.get(&key).copied().unwrap_or_default())
        }
        fn set(&mut self, key: Key, value: U256) -> Result<(), Self::Error> {
            self.words.insert(key, value);
            Ok(())
        }
        fn cache_program(&mut self, program: Address) -> Result<Result<(), CmError>, Self::Error> {
            let code = self.codes.get(&program).copied().unwrap_or_default();
            self.cached.push(code);
            Ok(Ok(()))
        }
        fn evict_codehash(&mut self, code: B256) -> Result<(), Self::Error> {
            self.cached.retain(|c| *c != code);
            Ok(())
        }
        fn emit(&mut self, log: revm::primitives::LogData) -> Result<(), Self::Error> {
            self.logs.push(log);
            Ok(())
        }
    }

    fn ok<T>(r: Result<Result<T, CmError>, std::convert::Infallible>) -> Result<T, CmError> {
        match r {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    fn bid(m: &mut Mem, n: u8, size: u64, value: u64, now: u64) -> Result<(), CmError> {
        let program = Address::repeat_byte(n);
        let code = B256::repeat_byte(n);
        m.codes.insert(program, code);
        let size = counted_size(size);
        let (b, index) = ok(make_space(m, size, U256::from(value), now))?;
        ok(add_bid(m, b, program, code, size, index))
    }

    fn cache(size: u64, decay: u64) -> Mem {
        let mut m = Mem::default();
        m.words.insert(Key::CacheSize, U256::from(size));
        m.words.insert(Key::Decay, U256::from(decay));
        m
    }

    #[test]
    fn packing_round_trips() {
        let b = U256::from(U192::MAX);
        assert_eq!(unpack_bid(pack_bid(b, u64::MAX)), (b, u64::MAX));
        assert_eq!(unpack_bid(pack_bid(U256::from(7), 3)), (U256::from(7), 3));
        assert!(pack_bid(U256::from(1), 0) > pack_bid(U256::ZERO, u64::MAX));
    }

    #[test]
    fn bids_decay_with_time_and_overflow_is_refused() {
        assert_eq!(to_bid(U256::from(5), 2, 10), Ok(U256::from(25)));
        let max = U256::from(U192::MAX);
        assert_eq!(to_bid(max, 0, 0), Ok(max));
        assert_eq!(
            to_bid(max, 1, 1),
            Err(CmError::BidTooLarge(max + U256::from(1)))
        );
    }

    #[test]
    fn min_bid_is_zero_with_room_and_the_evicted_bid_without() {
        let e = |bid: u64, size: u64| Entry {
            code: B256::ZERO,
            size,
            bid: U256::from(bid),
        };
        // fits: free
        assert_eq!(min_bid(4096, 16_384, 8192, &[], U256::ZERO), Ok(U256::ZERO));
        // too large for the whole cache
        assert_eq!(
            min_bid(20_000, 16_384, 0, &[], U256::ZERO),
            Err(CmError::AsmTooLarge(20_000, 0, 16_384))
        );
        // full: must beat the smallest entry that frees enough
        let smallest = [e(10, 4096), e(20, 4096), e(30, 8192)];
        assert_eq!(
            min_bid(4096, 16_384, 16_384, &smallest, U256::ZERO),
            Ok(U256::from(10))
        );
        assert_eq!(
            min_bid(8192, 16_384, 16_384, &smallest, U256::ZERO),
            Ok(U256::from(20))
        );
        // small programs count as 4 KiB
        assert_eq!(
            min_bid(1, 16_384, 16_384, &smallest, U256::ZERO),
            Ok(U256::from(10))
        );
        // the decay term is subtracted, never below zero
        assert_eq!(
            min_bid(4096, 16_384, 16_384, &smallest, U256::from(4)),
            Ok(U256::from(6))
        );
        assert_eq!(
            min_bid(4096, 16_384, 16_384, &smallest, U256::from(40)),
            Ok(U256::ZERO)
        );
    }

    #[test]
    fn evictions_pop_until_the_program_fits() {
        let asc = [
            (U256::from(1), 4096),
            (U256::from(2), 8192),
            (U256::from(3), 4096),
        ];
        assert_eq!(evictions(0, 4096, 16_384, &asc), Ok((0, U256::ZERO)));
        assert_eq!(
            evictions(16_384, 4096, 16_384, &asc),
            Ok((1, U256::from(1)))
        );
        assert_eq!(
            evictions(16_384, 8192, 16_384, &asc),
            Ok((2, U256::from(2)))
        );
        assert_eq!(
            evictions(16_384, 32_768, 16_384, &asc),
            Err(CmError::HeapIsEmpty)
        );
    }

    #[test]
    fn a_full_cache_evicts_the_lowest_bid_and_refuses_a_smaller_one() {
        let mut m = cache(3 * 4096, 0);
        for (n, v) in [(1u8, 50u64), (2, 10), (3, 30)] {
            assert_eq!(bid(&mut m, n, 4096, v, 100), Ok(()));
        }
        assert_eq!(m.cached.len(), 3);
        // below the smallest bid (10): refused, as getMinBid says
        assert_eq!(ok(stored_min_bid(&mut m, 4096, 100)), Ok(U256::from(10)));
        let mut refused = Mem {
            words: m.words.clone(),
            ..Mem::default()
        };
        assert_eq!(
            bid(&mut refused, 4, 4096, 9, 100),
            Err(CmError::BidTooSmall(U256::from(9), U256::from(10)))
        );
        // at the minimum: program 2 is evicted and 4 takes its slot
        assert_eq!(bid(&mut m, 4, 4096, 10, 100), Ok(()));
        assert!(!m.cached.contains(&B256::repeat_byte(2)));
        assert!(m.cached.contains(&B256::repeat_byte(4)));
        assert_eq!(
            entry(&mut m, 1).ok().map(|e| e.code),
            Some(B256::repeat_byte(4))
        );
        assert_eq!(get_u64(&mut m, Key::QueueSize).ok(), Some(3 * 4096));
        // a program larger than the cache cannot be placed
        assert_eq!(
            bid(&mut m, 5, 4 * 4096, 1000, 100),
            Err(CmError::HeapIsEmpty)
        );
    }

    /// xorshift64*: deterministic pseudo-random cases without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn property_the_heap_pops_in_ascending_order() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..200 {
            let mut m = Mem::default();
            let n = rng.below(40);
            let mut model = Vec::new();
            for _ in 0..n {
                let v = U256::from(rng.below(1000));
                model.push(v);
                let _ = heap_push(&mut m, v);
                if rng.below(4) == 0 {
                    model.sort_unstable();
                    let want = if model.is_empty() {
                        None
                    } else {
                        Some(model.remove(0))
                    };
                    assert_eq!(heap_pop(&mut m).ok().flatten(), want);
                }
            }
            model.sort_unstable();
            for want in model {
                assert_eq!(heap_pop(&mut m).ok().flatten(), Some(want));
            }
            assert_eq!(heap_pop(&mut m).ok().flatten(), None);
        }
    }

    /// Random auctions against a plain model: the queue never exceeds the
    /// cache, what is cached is exactly what has an entry, `getMinBid`
    /// predicts acceptance, and the evictions are those [`evictions`] picks.
    #[test]
    fn property_auctions_match_the_model() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for _ in 0..150 {
            let cache_size = 4096 * (1 + rng.below(8));
            let decay = rng.below(3);
            let mut m = cache(cache_size, decay);
            let mut now = 1_000;
            for n in 1..=30u8 {
                now += rng.below(5);
                let size = counted_size(rng.below(3 * 4096));
                let value = rng.below(200);
                let queue = get_u64(&mut m, Key::QueueSize).unwrap_or(0);
                let predicted = ok(stored_min_bid(&mut m, size, now));
                let mut asc: Vec<(U256, u64)> = Vec::new();
                for item in heap_sorted(&mut m).unwrap_or_default() {
                    let (b, i) = unpack_bid(item);
                    asc.push((b, entry(&mut m, i).map(|e| e.size).unwrap_or(0)));
                }
                let plan = evictions(queue, size, cache_size, &asc);
                let before = m.words.clone();
                let cached_before = m.cached.clone();
                let result = bid(&mut m, n, size, value, now);
                match (&predicted, &result) {
                    (Ok(min), Ok(())) => assert!(U256::from(value) >= *min),
                    (Ok(min), Err(CmError::BidTooSmall(..))) => {
                        assert!(U256::from(value) < *min || plan.is_err());
                    }
                    (Err(CmError::AsmTooLarge(..)), Err(_)) | (_, Err(CmError::HeapIsEmpty)) => {}
                    other => panic!("unexpected {other:?}"),
                }
                if let Ok(()) = result {
                    let (evicted, _) = plan.unwrap_or((usize::MAX, U256::ZERO));
                    assert_eq!(cached_before.len() + 1 - evicted, m.cached.len());
                } else {
                    // a revert leaves nothing behind
                    m.words = before;
                    m.cached = cached_before;
                }
                let queue = get_u64(&mut m, Key::QueueSize).unwrap_or(0);
                assert!(queue <= cache_size);
                let entries = all_entries(&mut m).unwrap_or_default();
                let live: Vec<B256> = entries
                    .iter()
                    .filter(|e| e.size > 0)
                    .map(|e| e.code)
                    .collect();
                assert_eq!(live.len(), m.cached.len());
                assert!(live.iter().all(|c| m.cached.contains(c)));
                let sum: u64 = entries.iter().map(|e| e.size).sum();
                assert_eq!(sum, queue);
            }
        }
    }
}
