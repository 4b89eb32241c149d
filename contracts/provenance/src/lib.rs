//! # Provenance registry for AI-generated assets (ERC-7007-compatible)
//!
//! A singleton contract in which creators anchor *how* an asset was made, so
//! that buyers and later disputes can check it:
//!
//! * **Model commitments.** [`ProvenanceRegistry::register_model`] stores a
//!   model's weights hash, version, URI and *attester* (the key that signs
//!   for the model's outputs) under a new id owned by the caller. A new
//!   version names its parent model (same owner), giving model lineage;
//!   [`ProvenanceRegistry::retire_model`] closes a model to new records;
//!   a model may be tied, at registration, to the suite NFT that represents
//!   it (its "model NFT").
//! * **Provenance records**, one per asset `(collection, id)` (ERC-721 token
//!   or ERC-1155 id), written once by the collection's minter or the token's
//!   owner: model id, hashes of prompt, seed, parameters, content and human
//!   contribution, creator, block timestamp and up to
//!   [`hashing::MAX_PARENTS`] parent assets, which must already have records
//!   (so the derived-from graph cannot have cycles, see [`logic`]).
//! * **Attestation.** The model's attester signs the record's EIP-712 hash
//!   ([`hashing`]); the signature is checked on write (or later with
//!   [`ProvenanceRegistry::attest`]) and the record remembers that it is
//!   attested. [`ProvenanceRegistry::verify`] is ERC-7007's
//!   `verify(prompt, aigcData, proof)`.
//! * **Front-running guard.** Models may require commit–reveal:
//!   [`ProvenanceRegistry::commit`] first, write the record at least one
//!   block later.
//! * **Views**: [`ProvenanceRegistry::provenance_of`],
//!   [`ProvenanceRegistry::lineage`] (bounded), [`ProvenanceRegistry::model_of`].
//!
//! * **Batches.** [`ProvenanceRegistry::record_provenance_batch`] writes
//!   many parentless records of one collection and one model at once, all
//!   or none, at about a sixth of the gas per record (see below).
//!
//! All hashing lives in [`hashing`] (the `stylus-ip-provenance-hash` crate,
//! shared with the off-chain CLI); pure rules live in [`logic`].
//!
//! # Storage of batch records
//!
//! A record written by `recordProvenance` takes 7 fresh storage words (head,
//! model id, five hashes) plus 2 per parent: 7 × 22,100 gas. Fresh storage
//! is the most expensive way to keep data that never changes, so
//! `recordProvenanceBatch` keeps its records' data in the **runtime code**
//! of small contracts the registry creates (CREATE) for the batch (code
//! deposit costs 200 gas per byte, 6,400 per 32-byte word instead of
//! 22,100), and their heads, which say where the data is and hold the one
//! thing that can change (the attested flag), 16 consecutive ids to a
//! storage word (**bucket ways**). A reader fetches the data with
//! EXTCODECOPY (the `account_code` hostio).
//!
//! **Data contract** (runtime code, at most 24,576 bytes, EIP-170):
//!
//! ```text
//! byte  0        0x00 (STOP: a call to a data contract does nothing)
//! bytes 1..21    creator (the batch's sender)
//! bytes 21..53   model id (uint256, big-endian)
//! bytes 53..61   block timestamp of the batch (uint64, big-endian)
//! byte  61       shared-column mask: bit k set = hash k is the same for every
//!                record of the batch and stored once (k: 0 prompt, 1 seed,
//!                2 params, 3 content, 4 human contribution; bits 5-7 zero)
//! then           each shared hash, once, in k order (32 bytes each)
//! then           record 0, record 1, …: each record's unshared hashes in k
//!                order (32 bytes each, so 32 × (5 − shared) bytes a record)
//! ```
//!
//! The constructor is 12 bytes of EVM code that copies the rest of the init
//! code into memory and returns it ([`logic::data_init_code`]). A data
//! contract holds up to [`logic::records_per_data`] records (153 with
//! nothing shared, 254 with two hashes shared); a larger batch spans
//! several data contracts, filled in order (record `i` is record `i %
//! per_data` of data contract `i / per_data`). Only the registry creates
//! data contracts and only bucket ways it wrote point at them, so their
//! code is trusted; it can never change (no SELFDESTRUCT, no code to run).
//!
//! **Bucket ways** (`buckets[collection][key]`, [`logic::Bucket`]): the ids
//! `16k..16k+16` of a collection form a bucket with 16 ways; way `w`'s key
//! is the word of `16k + w` ([`logic::bucket_of`]). A way holds records of
//! one data contract whose indexes there are `base + slot` (slot = id −
//! 16k):
//!
//! ```text
//! bytes 0..20   data contract (zero: unused way)
//! bytes 20..22  base (u16, modulo 2^16)
//! bytes 22..24  present: bit s = id 16k + s has its record in this way
//! bytes 24..26  attested: bit s = that record is attested
//! bytes 26..32  zero
//! ```
//!
//! A batch puts each record into the first way of its bucket that takes it
//! (unused, or same data contract and base with the slot free): consecutive
//! ids in batch order share a way, so a studio batch writes one word per 16
//! records; another order, a second batch in the same bucket or a data
//! contract boundary uses further ways. Sixteen ways always suffice (the
//! record's slot is in none; each used way holds at least one other slot).
//! Ways fill in order, so a reader stops at the first unused one.
//!
//! **Single records** keep their head word `records[collection][id]` word
//! 0 ([`logic::RecordHead`]: creator, timestamp, attested, parent count;
//! zero = no such record). A record exists when its head word is non-zero
//! or a way of its bucket has its present bit; `attest` sets the attested
//! byte of a head word or the attested bit of a way. Everything else
//! (`provenanceOf`, `verify`, `attest`, `lineage`) reads a batch record
//! through the same [`RecordFields`] as a single one; a batch record has no
//! parents.
//!
//! **Trade-off.** Writing: per record 32 × (5 − shared) bytes of code
//! (6,400 a hash), a cold SLOAD of its (empty) head word, and a sixteenth
//! of a fresh word, instead of 7 fresh words; plus per batch a CREATE
//! (32,000) and the shared part (62 + 32 × shared bytes): a batch of one
//! record still costs about 80 % of `recordProvenance`, a batch of ten a
//! quarter per record, and the per-batch part fades from there. Reading: a
//! head SLOAD, one or two way SLOADs and two EXTCODECOPYs (the first
//! touches a cold account, 2,600) instead of seven SLOADs. Every existence
//! check (also the single path's) reads way 0 of the id's bucket: about
//! 2,100 gas more for `recordProvenance` and its parents. Data contracts
//! are accounts that stay forever (the records are write-once anyway).
//! Measured on the devnode (tests/tests/provenance_batch.rs), receipt gas
//! per record at 100 records: 40,274 attested and 33,274 unattested with
//! one parameters set and no human contribution, 53,328 / 46,259 with all
//! five hashes differing, against 249,828 / 242,559 for `recordProvenance`.
//!
//! Block numbers: on Arbitrum, `block.number` (the `block_number` hostio) is
//! an estimate of the **L1** block number, so "one block later" means at
//! least one L1 block (about 12 s) later: a stricter guard, not a weaker one.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// On-chain builds are `no_std` (stylus-sdk 0.9 is too) with the abort-only
// panic handler below: std's panic runtime would otherwise be linked in
// (about 1 KB of compressed WASM). Tests, the ABI exporter and native users
// keep std.
#![cfg_attr(
    all(target_arch = "wasm32", not(any(test, feature = "export-abi"))),
    no_std
)]
// `#[entrypoint]` generates undocumented functions (`user_entrypoint`, ABI
// printers). Plain test builds omit them, so `cargo clippy --all-targets`
// still enforces docs on everything else.
#![cfg_attr(any(not(test), feature = "export-abi"), allow(missing_docs))]
extern crate alloc;

mod abi;
/// Every hash the registry uses: the `stylus-ip-provenance-hash` crate,
/// shared with the off-chain CLI (`cargo ip provenance hash|attest`).
pub use stylus_ip_provenance_hash as hashing;
pub mod logic;

/// Aborts (the `unreachable` instruction reverts the call): nothing in the
/// registry panics on user input, so this is only reached on a bug.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

// `vec` is also the macro `#[storage]` expands to (not in the no_std prelude).
use alloc::{string::String, vec, vec::Vec};

use alloy_sol_types::{SolCall, SolError};

use alloy_primitives::{address, fixed_bytes, keccak256, Address, FixedBytes, B256, U256};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageB256, StorageMap, StorageU256},
};

use crate::{
    abi::Item,
    hashing::{AssetRef, RecordFields},
    logic::{
        BatchError, BatchHead, Bucket, ModelHead, ModelSigner, ParentError, RecordHead,
        RevealError, DATA_TOP_LEN, MAX_LINEAGE_DEPTH, MAX_LINEAGE_NODES,
    },
};

stylus_ip_common::sol_decls! {
    /// A registered model, as `modelOf` returns it.
    struct ModelInfo {
        address owner;
        address attester;
        bytes32 weightsHash;
        string version;
        string uri;
        uint256 parentModelId;
        bool retired;
        bool commitReveal;
        address nftCollection;
        uint256 nftTokenId;
        uint64 registeredAt;
    }

    /// Ancestors of an asset, as `lineage` returns them (depth 1 = parent).
    struct LineageInfo {
        address[] collections;
        uint256[] ids;
        uint32[] depths;
        bool truncated;
    }

    /// The model id is not registered.
    error ProvenanceUnknownModel(uint256 modelId);
    /// The model is retired: no new records or attestations.
    error ProvenanceModelRetired(uint256 modelId);
    /// `account` does not own model `modelId`.
    error ProvenanceNotModelOwner(uint256 modelId, address account);
    /// The attester address is zero.
    error ProvenanceInvalidAttester(address attester);
    /// `account` does not own token `tokenId` of `collection`.
    error ProvenanceNotTokenOwner(address collection, uint256 tokenId, address account);
    /// The asset already has a record (records are write-once).
    error ProvenanceRecordExists(address collection, uint256 id);
    /// The asset has no record.
    error ProvenanceNonexistentRecord(address collection, uint256 id);
    /// `account` is neither a minter of `collection` nor the owner of `id`.
    error ProvenanceUnauthorizedWriter(address collection, uint256 id, address account);
    /// The signature is malformed or not the model attester's.
    error ProvenanceInvalidSignature();
    /// The record is already attested.
    error ProvenanceAlreadyAttested(address collection, uint256 id);
    /// The parent collections and ids arrays differ in length.
    error ProvenanceParentsLengthMismatch(uint256 collections, uint256 ids);
    /// More parents than allowed.
    error ProvenanceTooManyParents(uint256 count, uint256 max);
    /// A parent is listed twice.
    error ProvenanceDuplicateParent(address collection, uint256 id);
    /// A parent asset has no record.
    error ProvenanceMissingParent(address collection, uint256 id);
    /// The caller already made this commitment.
    error ProvenanceCommitmentExists(bytes32 commitment);
    /// The model requires commit–reveal and the caller never committed to this record.
    error ProvenanceRevealWithoutCommit(bytes32 commitment);
    /// The commitment was made in this block; the record can be written from `readyAtBlock`.
    error ProvenanceRevealTooEarly(bytes32 commitment, uint64 readyAtBlock);
    /// `maxDepth` is above the limit.
    error ProvenanceLineageTooDeep(uint32 maxDepth, uint32 limit);
    /// A counter or block number overflowed.
    error ProvenanceArithmeticOverflow();
    /// `recordProvenanceBatch` was given no ids.
    error ProvenanceEmptyBatch();
    /// A hash array of a batch has `hashes` entries where `ids` has `ids`.
    error ProvenanceBatchLengthMismatch(uint256 ids, uint256 hashes);
    /// A batch's `signatures` has `length` bytes: neither 0 nor 65 per record.
    error ProvenanceBatchSignaturesLength(uint256 length, uint256 records);
    /// Creating a batch's data contract failed (out of gas).
    error ProvenanceBatchStoreFailed();

    /// A model was registered.
    event ModelRegistered(uint256 indexed modelId, address indexed owner, uint256 indexed parentModelId, bytes32 weightsHash, address attester, bool commitReveal, string version, string uri);
    /// A model was retired.
    event ModelRetired(uint256 indexed modelId);
    /// A model was linked (at registration) to the NFT that represents it.
    event ModelNftLinked(uint256 indexed modelId, address indexed collection, uint256 indexed tokenId);
    /// `committer` committed to a record (commit–reveal).
    event Committed(address indexed committer, bytes32 indexed commitment, uint64 blockNumber);
    /// A provenance record was written.
    event ProvenanceRecorded(address indexed collection, uint256 indexed id, uint256 indexed modelId, address creator, bytes32 structHash, bytes32 promptHash, bytes32 contentHash, address[] parentCollections, uint256[] parentIds);
    /// A record was attested by its model's attester.
    event ProvenanceAttested(address indexed collection, uint256 indexed id, address indexed attester);
}

mod collection {
    // `sol!` generates call/return types without docs and with Solidity
    // names. Only their `SELECTOR`s are used: the calls are encoded by hand
    // in `ProvenanceRegistry::static_word` (smaller WASM than
    // `sol_interface!`'s generic encoder/decoder per method).
    #![allow(missing_docs, non_snake_case, non_camel_case_types)]

    alloy_sol_types::sol! {
        /// What the registry calls on a suite collection (ERC-721
        /// `ip-collection` or ERC-1155 editions) to authorise record writers
        /// and model-NFT links.
        interface IAssetCollection {
            /// Whether `account` may mint in the collection.
            function isMinter(address account) external view returns (bool);
            /// Owner of an ERC-721 token (reverts for unknown tokens).
            function ownerOf(uint256 tokenId) external view returns (address);
        }
    }
}
pub use collection::IAssetCollection;

/// Address of the `ecrecover` precompile.
const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// ERC-165 id of ERC-165 itself.
pub const IERC165_ID: FixedBytes<4> = fixed_bytes!("01ffc9a7");
/// ERC-165 id of the registry interface: XOR of the selectors of every public
/// function except `supportsInterface` (recomputed in the unit tests).
pub const IPROVENANCE_REGISTRY_ID: FixedBytes<4> = fixed_bytes!("878a7c90");

/// Errors of [`ProvenanceRegistry`]: each variant wraps the
/// [`sol_decls!`](stylus_ip_common::sol_decls) error it reverts with.
///
/// The revert data (`selector ‖ abi.encode(args)`) is built by hand in
/// `From<Error> for Vec<u8>` rather than by `#[derive(SolidityError)]`, whose
/// generic alloy encoder, monomorphised per variant, cost about 4 KB of raw
/// WASM. Every argument is a static ABI word, so the encoding is just the
/// selector followed by the words; a unit test compares every variant with
/// alloy's `SolError::abi_encode`.
#[derive(Debug)]
pub enum Error {
    /// See [`ProvenanceUnknownModel`].
    UnknownModel(ProvenanceUnknownModel),
    /// See [`ProvenanceModelRetired`].
    ModelRetired(ProvenanceModelRetired),
    /// See [`ProvenanceNotModelOwner`].
    NotModelOwner(ProvenanceNotModelOwner),
    /// See [`ProvenanceInvalidAttester`].
    InvalidAttester(ProvenanceInvalidAttester),
    /// See [`ProvenanceNotTokenOwner`].
    NotTokenOwner(ProvenanceNotTokenOwner),
    /// See [`ProvenanceRecordExists`].
    RecordExists(ProvenanceRecordExists),
    /// See [`ProvenanceNonexistentRecord`].
    NonexistentRecord(ProvenanceNonexistentRecord),
    /// See [`ProvenanceUnauthorizedWriter`].
    UnauthorizedWriter(ProvenanceUnauthorizedWriter),
    /// See [`ProvenanceInvalidSignature`].
    InvalidSignature(ProvenanceInvalidSignature),
    /// See [`ProvenanceAlreadyAttested`].
    AlreadyAttested(ProvenanceAlreadyAttested),
    /// See [`ProvenanceParentsLengthMismatch`].
    ParentsLengthMismatch(ProvenanceParentsLengthMismatch),
    /// See [`ProvenanceTooManyParents`].
    TooManyParents(ProvenanceTooManyParents),
    /// See [`ProvenanceDuplicateParent`].
    DuplicateParent(ProvenanceDuplicateParent),
    /// See [`ProvenanceMissingParent`].
    MissingParent(ProvenanceMissingParent),
    /// See [`ProvenanceCommitmentExists`].
    CommitmentExists(ProvenanceCommitmentExists),
    /// See [`ProvenanceRevealWithoutCommit`].
    RevealWithoutCommit(ProvenanceRevealWithoutCommit),
    /// See [`ProvenanceRevealTooEarly`].
    RevealTooEarly(ProvenanceRevealTooEarly),
    /// See [`ProvenanceLineageTooDeep`].
    LineageTooDeep(ProvenanceLineageTooDeep),
    /// See [`ProvenanceArithmeticOverflow`].
    Overflow(ProvenanceArithmeticOverflow),
    /// See [`ProvenanceEmptyBatch`].
    EmptyBatch(ProvenanceEmptyBatch),
    /// See [`ProvenanceBatchLengthMismatch`].
    BatchLengthMismatch(ProvenanceBatchLengthMismatch),
    /// See [`ProvenanceBatchSignaturesLength`].
    BatchSignaturesLength(ProvenanceBatchSignaturesLength),
    /// See [`ProvenanceBatchStoreFailed`].
    BatchStoreFailed(ProvenanceBatchStoreFailed),
}

impl From<Error> for Vec<u8> {
    fn from(err: Error) -> Vec<u8> {
        match err {
            Error::UnknownModel(e) => {
                revert_data(ProvenanceUnknownModel::SELECTOR, &[abi::uint(e.modelId)])
            }
            Error::ModelRetired(e) => {
                revert_data(ProvenanceModelRetired::SELECTOR, &[abi::uint(e.modelId)])
            }
            Error::NotModelOwner(e) => revert_data(
                ProvenanceNotModelOwner::SELECTOR,
                &[abi::uint(e.modelId), abi::address(e.account)],
            ),
            Error::InvalidAttester(e) => revert_data(
                ProvenanceInvalidAttester::SELECTOR,
                &[abi::address(e.attester)],
            ),
            Error::NotTokenOwner(e) => revert_data(
                ProvenanceNotTokenOwner::SELECTOR,
                &[
                    abi::address(e.collection),
                    abi::uint(e.tokenId),
                    abi::address(e.account),
                ],
            ),
            Error::RecordExists(e) => revert_data(
                ProvenanceRecordExists::SELECTOR,
                &[abi::address(e.collection), abi::uint(e.id)],
            ),
            Error::NonexistentRecord(e) => revert_data(
                ProvenanceNonexistentRecord::SELECTOR,
                &[abi::address(e.collection), abi::uint(e.id)],
            ),
            Error::UnauthorizedWriter(e) => revert_data(
                ProvenanceUnauthorizedWriter::SELECTOR,
                &[
                    abi::address(e.collection),
                    abi::uint(e.id),
                    abi::address(e.account),
                ],
            ),
            Error::InvalidSignature(_) => revert_data(ProvenanceInvalidSignature::SELECTOR, &[]),
            Error::AlreadyAttested(e) => revert_data(
                ProvenanceAlreadyAttested::SELECTOR,
                &[abi::address(e.collection), abi::uint(e.id)],
            ),
            Error::ParentsLengthMismatch(e) => revert_data(
                ProvenanceParentsLengthMismatch::SELECTOR,
                &[abi::uint(e.collections), abi::uint(e.ids)],
            ),
            Error::TooManyParents(e) => revert_data(
                ProvenanceTooManyParents::SELECTOR,
                &[abi::uint(e.count), abi::uint(e.max)],
            ),
            Error::DuplicateParent(e) => revert_data(
                ProvenanceDuplicateParent::SELECTOR,
                &[abi::address(e.collection), abi::uint(e.id)],
            ),
            Error::MissingParent(e) => revert_data(
                ProvenanceMissingParent::SELECTOR,
                &[abi::address(e.collection), abi::uint(e.id)],
            ),
            Error::CommitmentExists(e) => {
                revert_data(ProvenanceCommitmentExists::SELECTOR, &[e.commitment])
            }
            Error::RevealWithoutCommit(e) => {
                revert_data(ProvenanceRevealWithoutCommit::SELECTOR, &[e.commitment])
            }
            Error::RevealTooEarly(e) => revert_data(
                ProvenanceRevealTooEarly::SELECTOR,
                &[e.commitment, abi::uint64(e.readyAtBlock)],
            ),
            Error::LineageTooDeep(e) => revert_data(
                ProvenanceLineageTooDeep::SELECTOR,
                &[
                    abi::uint64(u64::from(e.maxDepth)),
                    abi::uint64(u64::from(e.limit)),
                ],
            ),
            Error::Overflow(_) => revert_data(ProvenanceArithmeticOverflow::SELECTOR, &[]),
            Error::EmptyBatch(_) => revert_data(ProvenanceEmptyBatch::SELECTOR, &[]),
            Error::BatchLengthMismatch(e) => revert_data(
                ProvenanceBatchLengthMismatch::SELECTOR,
                &[abi::uint(e.ids), abi::uint(e.hashes)],
            ),
            Error::BatchSignaturesLength(e) => revert_data(
                ProvenanceBatchSignaturesLength::SELECTOR,
                &[abi::uint(e.length), abi::uint(e.records)],
            ),
            Error::BatchStoreFailed(_) => revert_data(ProvenanceBatchStoreFailed::SELECTOR, &[]),
        }
    }
}

/// `selector ‖ words`: a custom error's revert data (every argument static).
fn revert_data(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    out
}

// The errors are printed from `SOL_DECLS`; export-abi only needs the enum to
// declare no inner types.
stylus_ip_common::abi_structs!(Error);

impl From<ParentError> for Error {
    fn from(e: ParentError) -> Self {
        match e {
            ParentError::LengthMismatch { collections, ids } => {
                Error::ParentsLengthMismatch(ProvenanceParentsLengthMismatch {
                    collections: U256::from(collections),
                    ids: U256::from(ids),
                })
            }
            ParentError::TooMany { count } => Error::TooManyParents(ProvenanceTooManyParents {
                count: U256::from(count),
                max: U256::from(hashing::MAX_PARENTS),
            }),
            ParentError::Duplicate(a) => Error::DuplicateParent(ProvenanceDuplicateParent {
                collection: a.collection,
                id: a.id,
            }),
        }
    }
}

impl BatchError {
    /// The registry error for this batch error in a batch for `collection`
    /// (a duplicate id is [`Error::RecordExists`]: its second write would
    /// meet the record the first one made).
    fn into_error(self, collection: Address) -> Error {
        match self {
            BatchError::Empty => Error::EmptyBatch(ProvenanceEmptyBatch {}),
            BatchError::LengthMismatch { ids, hashes } => {
                Error::BatchLengthMismatch(ProvenanceBatchLengthMismatch {
                    ids: U256::from(ids),
                    hashes: U256::from(hashes),
                })
            }
            BatchError::SignaturesLength { length, records } => {
                Error::BatchSignaturesLength(ProvenanceBatchSignaturesLength {
                    length: U256::from(length),
                    records: U256::from(records),
                })
            }
            BatchError::Duplicate(id) => {
                Error::RecordExists(ProvenanceRecordExists { collection, id })
            }
        }
    }
}

/// Word-indexed storage: a model or a record is a map from word index to
/// 32-byte word (layouts in [`model_words`] and [`record_words`]), with
/// small fields packed by hand ([`logic::ModelHead`], [`logic::RecordHead`],
/// [`logic::ModelSigner`]) exactly as Solidity packs a struct. Used instead
/// of nested `#[storage]` structs, `StorageVec` and `StorageString`, whose
/// generated accessors (per-field slot arithmetic, 256-bit division, and
/// panicking conversions with their formatting code) cost about 10 KB of
/// raw WASM.
type Words = StorageMap<U256, StorageB256>;

/// Word indexes of a model (`models[modelId]`).
mod model_words {
    /// [`crate::logic::ModelHead`]: owner, registration time, flags.
    pub(crate) const HEAD: u64 = 0;
    /// [`crate::logic::ModelSigner`]: attester and string lengths.
    pub(crate) const SIGNER: u64 = 1;
    /// Weights hash.
    pub(crate) const WEIGHTS: u64 = 2;
    /// Parent model id (0 for none).
    pub(crate) const PARENT: u64 = 3;
    /// Linked model-NFT collection (zero word: not linked).
    pub(crate) const NFT_COLLECTION: u64 = 4;
    /// Linked model-NFT token id.
    pub(crate) const NFT_TOKEN: u64 = 5;
    /// First word of `version` then `uri` ([`crate::logic::pack_texts`]).
    pub(crate) const TEXTS: u64 = 6;

    // `register_model` writes HEAD..=NFT_TOKEN as consecutive words.
    const _: () = assert!(SIGNER == HEAD + 1 && WEIGHTS == HEAD + 2 && PARENT == HEAD + 3);
    const _: () = assert!(NFT_COLLECTION == HEAD + 4 && NFT_TOKEN == HEAD + 5 && TEXTS > NFT_TOKEN);
}

/// Word indexes of a record (`records[collection][id]`).
mod record_words {
    /// [`crate::logic::RecordHead`]: creator, timestamp, attested, parent count.
    pub(crate) const HEAD: u64 = 0;
    /// Model id.
    pub(crate) const MODEL: u64 = 1;
    /// Prompt, seed, parameters, content and human-contribution hashes.
    pub(crate) const HASHES: u64 = 2;
    /// Parent `i` is words `PARENTS + 2i` (collection) and `PARENTS + 2i + 1` (id).
    pub(crate) const PARENTS: u64 = 7;

    // `record_provenance` writes HEAD, MODEL, the five hashes and the parents
    // as consecutive words.
    const _: () = assert!(MODEL == HEAD + 1 && HASHES == MODEL + 1 && PARENTS == HASHES + 5);
}

/// Word `i` of `w`.
fn word(w: &Words, i: u64) -> B256 {
    w.get(U256::from(i))
}

/// Reads `n` words of `w` from index `start`.
fn read_words(w: &Words, start: u64, n: usize) -> Vec<B256> {
    // `start <= 7` and `n` is bounded by calldata sizes: no overflow.
    (start..start + n as u64).map(|i| word(w, i)).collect()
}

/// Writes `words` into `w` from index `start`.
fn write_words(w: &mut Words, start: u64, words: &[B256]) {
    for (i, &x) in (start..).zip(words) {
        w.insert(U256::from(i), x);
    }
}

/// The provenance registry (one per chain).
#[entrypoint]
#[storage]
pub struct ProvenanceRegistry {
    /// Number of registered models; ids are `1..=model_count`.
    model_count: StorageU256,
    /// `modelId => model`, see [`model_words`].
    models: StorageMap<U256, Words>,
    /// `collection => id => record`, see [`record_words`].
    records: StorageMap<Address, StorageMap<U256, Words>>,
    /// `committer => commitment => first block at which it may be revealed`
    /// (a `uint64` in a word).
    commits: StorageMap<Address, Words256>,
    /// `collection => id >> 4 =>` [`logic::Bucket`]: batch records of 16
    /// consecutive ids in one word (see the crate docs).
    /// (The key is the way's number as a word: the map has the type of
    /// `commits`, so their code is shared.)
    buckets: StorageMap<Address, Words256>,
}

/// A map from 32-byte keys to words.
type Words256 = StorageMap<B256, StorageB256>;

/// Return type of [`ProvenanceRegistry::provenance_of`]: `(modelId,
/// promptHash, seedHash, paramsHash, contentHash, humanHash, creator,
/// timestamp, attested)`. The parents are `lineage(collection, id, 1)`.
pub type ProvenanceView = (U256, B256, B256, B256, B256, B256, Address, u64, bool);

/// Return type of [`ProvenanceRegistry::model_of`] as a tuple, for Rust
/// callers: `(owner, attester, weightsHash, version, uri, parentModelId,
/// retired, commitReveal, nftCollection, nftTokenId, registeredAt)`.
pub type ModelView = (
    Address,
    Address,
    B256,
    String,
    String,
    U256,
    bool,
    bool,
    Address,
    U256,
    u64,
);

/// Return type of [`ProvenanceRegistry::lineage`] as a tuple: `(collections,
/// ids, depths, truncated)`.
pub type LineageView = (Vec<Address>, Vec<U256>, Vec<u32>, bool);

impl ModelInfo {
    /// The fields as a [`ModelView`] tuple.
    #[must_use]
    pub fn into_tuple(self) -> ModelView {
        (
            self.owner,
            self.attester,
            self.weightsHash,
            self.version,
            self.uri,
            self.parentModelId,
            self.retired,
            self.commitReveal,
            self.nftCollection,
            self.nftTokenId,
            self.registeredAt,
        )
    }
}

impl LineageInfo {
    /// The fields as a [`LineageView`] tuple.
    #[must_use]
    pub fn into_tuple(self) -> LineageView {
        (self.collections, self.ids, self.depths, self.truncated)
    }
}

/// The structs as return types: their canonical tuples (stylus-sdk 0.9's
/// derive would hash the struct *name* into selectors; see the licence
/// market's `OfferTerms`). Returned as structs, not tuples, because the SDK
/// encodes a returned tuple holding strings or arrays with an extra leading
/// offset word that no ABI decoder expects (OffchainLabs/stylus-sdk-rs#308).
macro_rules! return_struct {
    ($t:ident, $tuple:literal) => {
        impl stylus_sdk::abi::AbiType for $t {
            type SolType = Self;
            const ABI: stylus_sdk::abi::ConstString = stylus_sdk::abi::ConstString::new($tuple);
            const EXPORT_ABI_ARG: stylus_sdk::abi::ConstString =
                stylus_sdk::abi::ConstString::new(concat!(stringify!($t), " calldata"));
            const EXPORT_ABI_RET: stylus_sdk::abi::ConstString =
                stylus_sdk::abi::ConstString::new(concat!(stringify!($t), " memory"));
        }
    };
}
return_struct!(
    ModelInfo,
    "(address,address,bytes32,string,string,uint256,bool,bool,address,uint256,uint64)"
);
return_struct!(LineageInfo, "(address[],uint256[],uint32[],bool)");
stylus_ip_common::abi_structs!(ModelInfo, LineageInfo);

#[public]
impl ProvenanceRegistry {
    /// Registers a model and returns its id (ids start at 1). The caller
    /// becomes its owner. `parent_model_id` (0 for none) links a new version
    /// to the model it derives from; the caller must own that model.
    /// `commit_reveal` makes record writes for this model go through
    /// [`Self::commit`] first. A non-zero `nft_collection` links the model,
    /// for good, to its "model NFT" `nft_token_id` there, which the caller
    /// must own (`ownerOf`).
    ///
    /// # Errors
    /// [`Error::InvalidAttester`] for a zero attester,
    /// [`Error::UnknownModel`] / [`Error::NotModelOwner`] for a bad parent,
    /// [`Error::NotTokenOwner`] when the caller does not own the model NFT
    /// (or `ownerOf` fails), [`Error::Overflow`] if the id counter would
    /// overflow.
    ///
    /// # Events
    /// [`ModelRegistered`], and [`ModelNftLinked`] with a model NFT.
    #[allow(clippy::too_many_arguments)] // mirrors the flat Solidity ABI
    pub fn register_model(
        &mut self,
        weights_hash: B256,
        version: String,
        uri: String,
        attester: Address,
        parent_model_id: U256,
        commit_reveal: bool,
        nft_collection: Address,
        nft_token_id: U256,
    ) -> Result<U256, Error> {
        let sender = self.vm().msg_sender();
        if attester.is_zero() {
            return Err(Error::InvalidAttester(ProvenanceInvalidAttester {
                attester,
            }));
        }
        if !parent_model_id.is_zero() {
            self.require_model_owner(parent_model_id, sender)?;
        }
        let linked = !nft_collection.is_zero();
        if linked && self.owner_of(nft_collection, nft_token_id) != Some(sender) {
            return Err(Error::NotTokenOwner(ProvenanceNotTokenOwner {
                collection: nft_collection,
                tokenId: nft_token_id,
                account: sender,
            }));
        }
        // Calldata cannot hold 4 GiB, so these never fail in practice.
        let overflow = || Error::Overflow(ProvenanceArithmeticOverflow {});
        let version_len = u32::try_from(version.len()).map_err(|_| overflow())?;
        let uri_len = u32::try_from(uri.len()).map_err(|_| overflow())?;
        let id = self
            .model_count
            .get()
            .checked_add(U256::from(1))
            .ok_or_else(overflow)?;
        self.model_count.set(id);
        let now = self.vm().block_timestamp();
        let head = ModelHead {
            owner: sender,
            registered_at: now,
            retired: false,
            commit_reveal,
        };
        let signer = ModelSigner {
            attester,
            version_len,
            uri_len,
        };
        let mut m = self.models.setter(id);
        write_words(
            &mut m,
            model_words::HEAD,
            &[
                head.pack(),
                signer.pack(),
                weights_hash,
                abi::uint(parent_model_id),
                abi::address(nft_collection),
                abi::uint(nft_token_id),
            ],
        );
        write_words(
            &mut m,
            model_words::TEXTS,
            &logic::pack_texts(version.as_bytes(), uri.as_bytes()),
        );
        self.emit(
            &[
                stylus_ip_common::topic!(ModelRegistered),
                abi::uint(id),
                abi::address(sender),
                abi::uint(parent_model_id),
            ],
            &[
                Item::Word(weights_hash),
                Item::Word(abi::address(attester)),
                Item::Word(abi::boolean(commit_reveal)),
                Item::Bytes(version.as_bytes()),
                Item::Bytes(uri.as_bytes()),
            ],
        );
        if linked {
            self.emit(
                &[
                    stylus_ip_common::topic!(ModelNftLinked),
                    abi::uint(id),
                    abi::address(nft_collection),
                    abi::uint(nft_token_id),
                ],
                &[],
            );
        }
        Ok(id)
    }

    /// Retires a model (owner only): it accepts no new records or
    /// attestations. Existing records and [`Self::verify`] are unaffected.
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::NotModelOwner`],
    /// [`Error::ModelRetired`] if already retired.
    ///
    /// # Events
    /// [`ModelRetired`].
    pub fn retire_model(&mut self, model_id: U256) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        self.require_model_owner(model_id, sender)?;
        let mut head = self.require_active(model_id)?;
        head.retired = true;
        write_words(
            &mut self.models.setter(model_id),
            model_words::HEAD,
            &[head.pack()],
        );
        self.emit(
            &[stylus_ip_common::topic!(ModelRetired), abi::uint(model_id)],
            &[],
        );
        Ok(())
    }

    /// Commits to a record before writing it (commit–reveal). `commitment`
    /// is [`hashing::record_commitment`] of the record the caller will
    /// write, with the caller as creator; the record can be written from the
    /// next block on.
    ///
    /// # Errors
    /// [`Error::CommitmentExists`] if the caller already made it,
    /// [`Error::Overflow`] at block `u64::MAX`.
    ///
    /// # Events
    /// [`Committed`].
    pub fn commit(&mut self, commitment: B256) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        let block = self.block_number();
        let ready_at = logic::commit_ready_at(block)
            .ok_or(Error::Overflow(ProvenanceArithmeticOverflow {}))?;
        let mut mine = self.commits.setter(sender);
        let mut slot = mine.setter(commitment);
        if slot.get() != B256::ZERO {
            return Err(Error::CommitmentExists(ProvenanceCommitmentExists {
                commitment,
            }));
        }
        slot.set(abi::uint64(ready_at));
        self.emit(
            &[
                stylus_ip_common::topic!(Committed),
                abi::address(sender),
                commitment,
            ],
            &[Item::Word(abi::uint64(block))],
        );
        Ok(())
    }

    /// Writes the provenance record of asset `(collection, id)`, once. The
    /// caller must be a minter of `collection` (`isMinter`) or the owner of
    /// `id` (`ownerOf`), and becomes the record's creator. `parent_*` list
    /// the assets this one derives from (parallel arrays, at most
    /// [`hashing::MAX_PARENTS`], each with a record already). `signature` is
    /// the model attester's EIP-712 signature of the record
    /// ([`hashing::record_digest`]), or empty for an unattested record.
    ///
    /// # Errors
    /// [`Error::RecordExists`], [`Error::UnknownModel`],
    /// [`Error::ModelRetired`], [`Error::ParentsLengthMismatch`],
    /// [`Error::TooManyParents`], [`Error::DuplicateParent`],
    /// [`Error::MissingParent`], [`Error::RevealWithoutCommit`] /
    /// [`Error::RevealTooEarly`] (models with commit–reveal),
    /// [`Error::InvalidSignature`], [`Error::UnauthorizedWriter`].
    ///
    /// # Events
    /// [`ProvenanceRecorded`], and [`ProvenanceAttested`] when signed.
    #[allow(clippy::too_many_arguments)] // mirrors the flat Solidity ABI
    pub fn record_provenance(
        &mut self,
        collection: Address,
        id: U256,
        model_id: U256,
        prompt_hash: B256,
        seed_hash: B256,
        params_hash: B256,
        content_hash: B256,
        human_hash: B256,
        parent_collections: Vec<Address>,
        parent_ids: Vec<U256>,
        signature: Bytes,
    ) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if self.has_provenance(collection, id) {
            return Err(Error::RecordExists(ProvenanceRecordExists {
                collection,
                id,
            }));
        }
        let model = self.require_active(model_id)?;
        let parents = logic::zip_parents(&parent_collections, &parent_ids)?;
        for p in &parents {
            if !self.has_provenance(p.collection, p.id) {
                return Err(Error::MissingParent(ProvenanceMissingParent {
                    collection: p.collection,
                    id: p.id,
                }));
            }
        }
        let fields = RecordFields {
            asset: AssetRef { collection, id },
            model_id,
            prompt_hash,
            seed_hash,
            params_hash,
            content_hash,
            human_hash,
            creator: sender,
            parents,
        };
        let struct_hash = hashing::record_struct_hash(&fields);
        if model.commit_reveal {
            self.check_reveal(sender, struct_hash, self.block_number())?;
        }
        let attester = self.attester_of(model_id);
        let attested = !signature.is_empty();
        if attested && self.recover(self.digest(struct_hash), &signature) != Some(attester) {
            return Err(Error::InvalidSignature(ProvenanceInvalidSignature {}));
        }
        if !self.may_write(collection, id, sender) {
            return Err(Error::UnauthorizedWriter(ProvenanceUnauthorizedWriter {
                collection,
                id,
                account: sender,
            }));
        }

        // All checks passed: effects.
        if model.commit_reveal {
            self.commits.setter(sender).delete(struct_hash);
        }
        let now = self.vm().block_timestamp();
        let mut by_collection = self.records.setter(collection);
        let mut r = by_collection.setter(id);
        let head = RecordHead {
            creator: sender,
            timestamp: now,
            attested,
            // At most MAX_PARENTS (checked by `zip_parents`): fits a u8.
            parent_count: fields.parents.len() as u8,
        };
        let mut words = vec![
            head.pack(),
            abi::uint(model_id),
            prompt_hash,
            seed_hash,
            params_hash,
            content_hash,
            human_hash,
        ];
        for p in &fields.parents {
            words.push(abi::address(p.collection));
            words.push(abi::uint(p.id));
        }
        write_words(&mut r, record_words::HEAD, &words);
        let parent_collection_words: Vec<B256> = parent_collections
            .iter()
            .map(|&c| abi::address(c))
            .collect();
        let parent_id_words: Vec<B256> = parent_ids.iter().map(|&i| abi::uint(i)).collect();
        self.emit(
            &[
                stylus_ip_common::topic!(ProvenanceRecorded),
                abi::address(collection),
                abi::uint(id),
                abi::uint(model_id),
            ],
            &[
                Item::Word(abi::address(sender)),
                Item::Word(struct_hash),
                Item::Word(prompt_hash),
                Item::Word(content_hash),
                Item::Words(&parent_collection_words),
                Item::Words(&parent_id_words),
            ],
        );
        if attested {
            self.emit_attested(collection, id, attester);
        }
        Ok(())
    }

    /// Writes the provenance records of `ids.len()` assets of `collection`
    /// made with model `model_id`, all or none: record `i` is `(collection,
    /// ids[i])` with the `i`-th entry of each hash array, no parents, the
    /// caller as creator, and, when `signatures` is not empty, the model
    /// attester's EIP-712 signature of it at bytes `65i..65i+65` (the
    /// signature [`Self::record_provenance`] takes for that record). The
    /// same rules as [`Self::record_provenance`] apply to every record; the
    /// model is checked once, and a caller that is a minter of `collection`
    /// is checked once (else it must own every id). The records are stored
    /// in data contracts (see the crate docs): every view treats them as
    /// single records.
    ///
    /// # Errors
    /// [`Error::EmptyBatch`], [`Error::BatchLengthMismatch`],
    /// [`Error::BatchSignaturesLength`], [`Error::RecordExists`] (also for an
    /// id listed twice), [`Error::UnknownModel`], [`Error::ModelRetired`],
    /// [`Error::RevealWithoutCommit`] / [`Error::RevealTooEarly`] (models
    /// with commit–reveal), [`Error::InvalidSignature`],
    /// [`Error::UnauthorizedWriter`], [`Error::BatchStoreFailed`].
    ///
    /// # Events
    /// Per record, in order: [`ProvenanceRecorded`] (empty parent arrays),
    /// and [`ProvenanceAttested`] when signed.
    #[allow(clippy::too_many_arguments)] // mirrors the flat Solidity ABI
    pub fn record_provenance_batch(
        &mut self,
        collection: Address,
        ids: Vec<U256>,
        model_id: U256,
        prompt_hashes: Vec<B256>,
        seed_hashes: Vec<B256>,
        params_hashes: Vec<B256>,
        content_hashes: Vec<B256>,
        human_hashes: Vec<B256>,
        signatures: Bytes,
    ) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        let columns: [&[B256]; 5] = [
            &prompt_hashes,
            &seed_hashes,
            &params_hashes,
            &content_hashes,
            &human_hashes,
        ];
        let signed = logic::check_batch(&ids, &columns.map(<[B256]>::len), signatures.len())
            .map_err(|e| e.into_error(collection))?;
        for &id in &ids {
            if self.has_provenance(collection, id) {
                return Err(Error::RecordExists(ProvenanceRecordExists {
                    collection,
                    id,
                }));
            }
        }
        let model = self.require_active(model_id)?;
        let now_block = self.block_number();
        // Only a signed batch needs the attester (a cold word) and the domain.
        let (attester, domain) = if signed {
            (self.attester_of(model_id), self.domain_separator())
        } else {
            (Address::ZERO, B256::ZERO)
        };
        let mut struct_hashes = Vec::with_capacity(ids.len());
        for (i, &id) in ids.iter().enumerate() {
            let fields = RecordFields {
                asset: AssetRef { collection, id },
                model_id,
                prompt_hash: prompt_hashes[i],
                seed_hash: seed_hashes[i],
                params_hash: params_hashes[i],
                content_hash: content_hashes[i],
                human_hash: human_hashes[i],
                creator: sender,
                parents: Vec::new(),
            };
            let struct_hash = hashing::record_struct_hash(&fields);
            if model.commit_reveal {
                self.check_reveal(sender, struct_hash, now_block)?;
            }
            if let Some(sig) = logic::signature_at(&signatures, i) {
                let digest = hashing::eip712_digest(domain, struct_hash);
                if self.recover(digest, sig) != Some(attester) {
                    return Err(Error::InvalidSignature(ProvenanceInvalidSignature {}));
                }
            }
            struct_hashes.push(struct_hash);
        }
        if !self.is_minter(collection, sender) {
            for &id in &ids {
                if self.owner_of(collection, id) != Some(sender) {
                    return Err(Error::UnauthorizedWriter(ProvenanceUnauthorizedWriter {
                        collection,
                        id,
                        account: sender,
                    }));
                }
            }
        }

        // All checks passed: effects. The data contracts first, as their
        // addresses go into the heads.
        let mask = logic::shared_columns(columns);
        let per_data = logic::records_per_data(mask);
        let now = self.vm().block_timestamp();
        let mut data = Vec::with_capacity(ids.len().div_ceil(per_data));
        for start in (0..ids.len()).step_by(per_data) {
            let end = ids.len().min(start + per_data);
            let chunk = columns.map(|c| &c[start..end]);
            let code = logic::data_init_code(sender, model_id, now, mask, chunk);
            data.push(
                data_store::create(&code)
                    .ok_or(Error::BatchStoreFailed(ProvenanceBatchStoreFailed {}))?,
            );
        }
        if model.commit_reveal {
            let mut mine = self.commits.setter(sender);
            for &h in &struct_hashes {
                mine.delete(h);
            }
        }
        for (i, &id) in ids.iter().enumerate() {
            // `per_data <= u16::MAX`, so the index fits a u16.
            let (data, index) = (data[i / per_data], (i % per_data) as u16);
            // Into the first way of the id's bucket that takes it. One always
            // does: the id is in none (checked above), so at most 15 of the
            // 16 ways hold records (each at least one other id).
            let mut buckets = self.buckets.setter(collection);
            let mut stored = false;
            for way in 0..logic::BUCKET_WAYS {
                let (slot, k) = logic::bucket_of(id, way);
                if let Some(b) = Bucket::unpack(buckets.get(k)).add(data, slot, index, signed) {
                    buckets.insert(k, b.pack());
                    stored = true;
                    break;
                }
            }
            if !stored {
                return Err(Error::BatchStoreFailed(ProvenanceBatchStoreFailed {}));
            }
            self.emit(
                &[
                    stylus_ip_common::topic!(ProvenanceRecorded),
                    abi::address(collection),
                    abi::uint(id),
                    abi::uint(model_id),
                ],
                &[
                    Item::Word(abi::address(sender)),
                    Item::Word(struct_hashes[i]),
                    Item::Word(prompt_hashes[i]),
                    Item::Word(content_hashes[i]),
                    Item::Words(&[]),
                    Item::Words(&[]),
                ],
            );
            if signed {
                self.emit_attested(collection, id, attester);
            }
        }
        Ok(())
    }

    /// Attests an existing, unattested record with the model attester's
    /// EIP-712 signature. Anyone may submit it: the signature is the
    /// authorisation.
    ///
    /// # Errors
    /// [`Error::NonexistentRecord`], [`Error::AlreadyAttested`],
    /// [`Error::ModelRetired`], [`Error::InvalidSignature`].
    ///
    /// # Events
    /// [`ProvenanceAttested`].
    pub fn attest(&mut self, collection: Address, id: U256, signature: Bytes) -> Result<(), Error> {
        let asset = AssetRef { collection, id };
        let (fields, head) = self.record_of(asset)?;
        if head.attested {
            return Err(Error::AlreadyAttested(ProvenanceAlreadyAttested {
                collection,
                id,
            }));
        }
        self.require_active(fields.model_id)?;
        let attester = self.attester_of(fields.model_id);
        let digest = self.digest(hashing::record_struct_hash(&fields));
        if self.recover(digest, &signature) != Some(attester) {
            return Err(Error::InvalidSignature(ProvenanceInvalidSignature {}));
        }
        match self.bucket_head(asset) {
            Some((_, key)) => {
                let mut buckets = self.buckets.setter(collection);
                let mut b = Bucket::unpack(buckets.get(key));
                b.attested |= 1 << logic::bucket_of(id, 0).0;
                buckets.insert(key, b.pack());
            }
            None => write_words(
                &mut self.records.setter(collection).setter(id),
                record_words::HEAD,
                &[RecordHead {
                    attested: true,
                    ..head
                }
                .pack()],
            ),
        }
        self.emit_attested(collection, id, attester);
        Ok(())
    }

    /// ERC-7007 `verify`: whether `proof` proves that `aigcData` was
    /// generated from `prompt` by the recorded model. `proof` is
    /// [`hashing::encode_proof`] (the record's collection and id, then the
    /// attester's 65-byte signature); `prompt` is the raw prompt (its
    /// keccak-256 must be the record's prompt hash) and `aigcData` the
    /// 32-byte content hash (sha-256 of the asset file). True iff the
    /// record exists, both match, and the signature recovers to the model's
    /// attester. Never reverts.
    pub fn verify(&self, prompt: Bytes, aigc_data: Bytes, proof: Bytes) -> bool {
        let Some((asset, sig)) = hashing::decode_proof(&proof) else {
            return false;
        };
        let Ok((fields, _)) = self.record_of(asset) else {
            return false;
        };
        if keccak256(&*prompt) != fields.prompt_hash
            || aigc_data.as_slice() != fields.content_hash.as_slice()
        {
            return false;
        }
        let attester = self.attester_of(fields.model_id);
        self.recover(self.digest(hashing::record_struct_hash(&fields)), sig) == Some(attester)
    }

    /// The provenance record of `(collection, id)`, see [`ProvenanceView`];
    /// its parents, in the order they were recorded, are
    /// [`Self::lineage`]`(collection, id, 1)`. (All-static return values keep
    /// the ABI encoder, and the WASM, small.)
    ///
    /// # Errors
    /// [`Error::NonexistentRecord`].
    pub fn provenance_of(&self, collection: Address, id: U256) -> Result<ProvenanceView, Error> {
        let (f, head) = self.record_of(AssetRef { collection, id })?;
        Ok((
            f.model_id,
            f.prompt_hash,
            f.seed_hash,
            f.params_hash,
            f.content_hash,
            f.human_hash,
            f.creator,
            head.timestamp,
            head.attested,
        ))
    }

    /// Whether `(collection, id)` has a record.
    pub fn has_provenance(&self, collection: Address, id: U256) -> bool {
        let asset = AssetRef { collection, id };
        !self.record_head(asset).creator.is_zero() || self.bucket_head(asset).is_some()
    }

    /// A registered model, see [`ModelView`].
    ///
    /// # Errors
    /// [`Error::UnknownModel`].
    pub fn model_of(&self, model_id: U256) -> Result<ModelInfo, Error> {
        let m = self.models.getter(model_id);
        let w = read_words(&m, 0, model_words::TEXTS as usize);
        let at = |i: u64| w[i as usize];
        let head = ModelHead::unpack(at(model_words::HEAD));
        if head.owner.is_zero() {
            return Err(unknown_model(model_id));
        }
        let signer = ModelSigner::unpack(at(model_words::SIGNER));
        let (version_len, uri_len) = (signer.version_len as usize, signer.uri_len as usize);
        let n = version_len.div_ceil(32) + uri_len.div_ceil(32);
        let (version, uri) =
            logic::unpack_texts(&read_words(&m, model_words::TEXTS, n), version_len, uri_len);
        // Both were valid UTF-8 `string`s when stored; a failure is impossible
        // and would only yield an empty string, never a revert.
        let version = String::from_utf8(version).unwrap_or_default();
        let uri = String::from_utf8(uri).unwrap_or_default();
        Ok(ModelInfo {
            owner: head.owner,
            attester: signer.attester,
            weightsHash: at(model_words::WEIGHTS),
            version,
            uri,
            parentModelId: U256::from_be_bytes(at(model_words::PARENT).0),
            retired: head.retired,
            commitReveal: head.commit_reveal,
            nftCollection: Address::from_word(at(model_words::NFT_COLLECTION)),
            nftTokenId: U256::from_be_bytes(at(model_words::NFT_TOKEN).0),
            registeredAt: head.registered_at,
        })
    }

    /// Number of registered models (the highest id).
    pub fn model_count(&self) -> U256 {
        self.model_count.get()
    }

    /// Ancestors of `(collection, id)` down to `max_depth` generations,
    /// breadth-first and without duplicates: `(collections, ids, depths,
    /// truncated)`, where depth 1 is a direct parent. At most
    /// [`logic::MAX_LINEAGE_NODES`] ancestors are returned; `truncated` says
    /// more exist within `max_depth`.
    ///
    /// # Errors
    /// [`Error::NonexistentRecord`], [`Error::LineageTooDeep`] when
    /// `max_depth > `[`logic::MAX_LINEAGE_DEPTH`].
    pub fn lineage(
        &self,
        collection: Address,
        id: U256,
        max_depth: u32,
    ) -> Result<LineageInfo, Error> {
        if max_depth > MAX_LINEAGE_DEPTH {
            return Err(Error::LineageTooDeep(ProvenanceLineageTooDeep {
                maxDepth: max_depth,
                limit: MAX_LINEAGE_DEPTH,
            }));
        }
        let root = AssetRef { collection, id };
        if !self.has_provenance(collection, id) {
            return Err(Error::NonexistentRecord(ProvenanceNonexistentRecord {
                collection,
                id,
            }));
        }
        let walk = logic::walk_lineage(root, max_depth, MAX_LINEAGE_NODES, |a| self.parents_of(a));
        let mut out = LineageInfo {
            collections: Vec::new(),
            ids: Vec::new(),
            depths: Vec::new(),
            truncated: walk.truncated,
        };
        for (a, depth) in walk.nodes {
            out.collections.push(a.collection);
            out.ids.push(a.id);
            out.depths.push(depth);
        }
        Ok(out)
    }

    /// The EIP-712 domain separator attesters sign under (see [`hashing`]).
    pub fn domain_separator(&self) -> B256 {
        hashing::domain_separator(self.vm().chain_id(), self.vm().contract_address())
    }

    /// ERC-165: true for ERC-165 and the registry interface.
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        interface_id == IERC165_ID || interface_id == IPROVENANCE_REGISTRY_ID
    }
}

/// Parent references from their `(collection, id)` word pairs.
fn parents_from_words(words: &[B256]) -> Vec<AssetRef> {
    words
        .chunks_exact(2)
        .map(|w| AssetRef {
            collection: Address::from_word(w[0]),
            id: U256::from_be_bytes(w[1].0),
        })
        .collect()
}

fn unknown_model(model_id: U256) -> Error {
    Error::UnknownModel(ProvenanceUnknownModel { modelId: model_id })
}

impl ProvenanceRegistry {
    /// First block in which `committer` may write the record committed to
    /// by `commitment`; 0 if there is no such commitment (or it was used).
    /// (Test-only: on chain, that is the `Committed` event's block + 1.)
    #[cfg(test)]
    fn commit_ready_at(&self, committer: Address, commitment: B256) -> u64 {
        logic::be_u64(&self.commits.getter(committer).get(commitment)[24..])
    }

    /// Way `way` of the bucket of `(collection, id)` (test-only).
    #[cfg(test)]
    fn bucket_way(&self, collection: Address, id: U256, way: u8) -> Bucket {
        Bucket::unpack(
            self.buckets
                .getter(collection)
                .get(logic::bucket_of(id, way).1),
        )
    }

    /// Emits a log with `topics` (the event's signature hash first) and
    /// `data` (see [`abi::encode`]).
    fn emit(&self, topics: &[B256], data: &[Item<'_>]) {
        // `raw_log` only fails for more than four topics; no event has that many.
        let _ = self.vm().raw_log(topics, &abi::encode(data));
    }

    /// Emits [`ProvenanceAttested`].
    fn emit_attested(&self, collection: Address, id: U256, attester: Address) {
        self.emit(
            &[
                stylus_ip_common::topic!(ProvenanceAttested),
                abi::address(collection),
                abi::uint(id),
                abi::address(attester),
            ],
            &[],
        );
    }

    /// Current block number. motsu's test VM is stuck at block 0, so unit
    /// tests add a per-thread offset to exercise commit–reveal.
    fn block_number(&self) -> u64 {
        let n = self.vm().block_number();
        #[cfg(test)]
        let n = n.saturating_add(tests::extra_blocks());
        n
    }

    /// The packed header of model `model_id` (all zero if unknown).
    fn model_head(&self, model_id: U256) -> ModelHead {
        ModelHead::unpack(word(&self.models.getter(model_id), model_words::HEAD))
    }

    /// The attester of model `model_id`.
    fn attester_of(&self, model_id: U256) -> Address {
        ModelSigner::unpack(word(&self.models.getter(model_id), model_words::SIGNER)).attester
    }

    /// Checks that `model_id` exists and is owned by `account`.
    fn require_model_owner(&self, model_id: U256, account: Address) -> Result<(), Error> {
        let owner = self.model_head(model_id).owner;
        if owner.is_zero() {
            return Err(unknown_model(model_id));
        }
        if owner != account {
            return Err(Error::NotModelOwner(ProvenanceNotModelOwner {
                modelId: model_id,
                account,
            }));
        }
        Ok(())
    }

    /// Checks that `model_id` exists and is not retired; returns its header.
    fn require_active(&self, model_id: U256) -> Result<ModelHead, Error> {
        let head = self.model_head(model_id);
        if head.owner.is_zero() {
            return Err(unknown_model(model_id));
        }
        if head.retired {
            return Err(Error::ModelRetired(ProvenanceModelRetired {
                modelId: model_id,
            }));
        }
        Ok(head)
    }

    /// The packed header of the record of `asset` (all zero without one).
    fn record_head(&self, asset: AssetRef) -> RecordHead {
        RecordHead::unpack(word(
            &self.records.getter(asset.collection).getter(asset.id),
            record_words::HEAD,
        ))
    }

    /// The head of the batch record of `asset` and the key of the bucket
    /// way holding it, if any (ways are filled in order: the search stops
    /// at the first unused one).
    fn bucket_head(&self, asset: AssetRef) -> Option<(BatchHead, B256)> {
        let buckets = self.buckets.getter(asset.collection);
        for way in 0..logic::BUCKET_WAYS {
            let (slot, k) = logic::bucket_of(asset.id, way);
            let b = Bucket::unpack(buckets.get(k));
            if b.data.is_zero() {
                break;
            }
            if let Some(h) = b.head(slot) {
                return Some((h, k));
            }
        }
        None
    }

    /// The attested fields and the header of the record of `asset`.
    fn record_of(&self, asset: AssetRef) -> Result<(RecordFields, RecordHead), Error> {
        let by_collection = self.records.getter(asset.collection);
        let r = by_collection.getter(asset.id);
        let w = word(&r, record_words::HEAD);
        let head = RecordHead::unpack(w);
        if head.creator.is_zero() {
            return match self.bucket_head(asset) {
                Some((b, _)) => Ok(self.batch_record_of(asset, b)),
                None => Err(Error::NonexistentRecord(ProvenanceNonexistentRecord {
                    collection: asset.collection,
                    id: asset.id,
                })),
            };
        }
        let h = read_words(&r, record_words::HASHES, 5);
        let fields = RecordFields {
            asset,
            model_id: U256::from_be_bytes(word(&r, record_words::MODEL).0),
            prompt_hash: h[0],
            seed_hash: h[1],
            params_hash: h[2],
            content_hash: h[3],
            human_hash: h[4],
            creator: head.creator,
            parents: parents_from_words(&read_words(
                &r,
                record_words::PARENTS,
                2 * usize::from(head.parent_count),
            )),
        };
        Ok((fields, head))
    }

    /// Direct parents of `asset` (empty without a record).
    fn parents_of(&self, asset: AssetRef) -> Vec<AssetRef> {
        let by_collection = self.records.getter(asset.collection);
        let r = by_collection.getter(asset.id);
        // A batch record has no head word here: no parents.
        let n = RecordHead::unpack(word(&r, record_words::HEAD)).parent_count;
        parents_from_words(&read_words(&r, record_words::PARENTS, 2 * usize::from(n)))
    }

    /// EIP-712 digest of a record struct hash under this registry's domain.
    fn digest(&self, struct_hash: B256) -> B256 {
        hashing::eip712_digest(self.domain_separator(), struct_hash)
    }

    /// Signer of `digest`, via the `ecrecover` precompile; `None` for a
    /// malformed or non-canonical signature or a failed recovery.
    fn recover(&self, digest: B256, signature: &[u8]) -> Option<Address> {
        let sig = hashing::parse_signature(signature)?;
        let input = hashing::ecrecover_input(digest, &sig);
        let signer = Address::from_word(self.static_word(ECRECOVER, &input)?);
        (!signer.is_zero()).then_some(signer)
    }

    /// Static-calls `target` with `data` and returns the first 32-byte word
    /// of the result; `None` if the call fails or returns less.
    fn static_word(&self, target: Address, data: &[u8]) -> Option<B256> {
        let out = self.vm().static_call(&self, target, data).ok()?;
        Some(B256::from_slice(out.get(..32)?))
    }

    /// `collection.<selector>(arg)` for a one-word argument, see
    /// [`Self::static_word`].
    fn call_collection(&self, collection: Address, selector: [u8; 4], arg: B256) -> Option<B256> {
        let mut data = [0u8; 36];
        data[..4].copy_from_slice(&selector);
        data[4..].copy_from_slice(arg.as_slice());
        self.static_word(collection, &data)
    }

    /// `ownerOf(token_id)` on `collection`; `None` if the call fails or
    /// does not return an ABI-valid address.
    fn owner_of(&self, collection: Address, token_id: U256) -> Option<Address> {
        let w = self.call_collection(
            collection,
            IAssetCollection::ownerOfCall::SELECTOR,
            abi::uint(token_id),
        )?;
        w[..12]
            .iter()
            .all(|&b| b == 0)
            .then(|| Address::from_word(w))
    }

    /// Whether `account` may write the record of `(collection, id)`: a
    /// minter of the collection (`isMinter` returns exactly `true`), or the
    /// token's owner. Failing calls (no such function, unknown token, no
    /// code) count as "no".
    fn may_write(&self, collection: Address, id: U256, account: Address) -> bool {
        self.is_minter(collection, account) || self.owner_of(collection, id) == Some(account)
    }

    /// Whether `collection.isMinter(account)` returns exactly `true` (a
    /// failing call counts as "no").
    fn is_minter(&self, collection: Address, account: Address) -> bool {
        self.call_collection(
            collection,
            IAssetCollection::isMinterCall::SELECTOR,
            abi::address(account),
        ) == Some(abi::boolean(true))
    }

    /// Commit–reveal check of a record with `struct_hash` written by
    /// `sender` in block `now_block`.
    fn check_reveal(
        &self,
        sender: Address,
        struct_hash: B256,
        now_block: u64,
    ) -> Result<(), Error> {
        let ready_at = logic::be_u64(&self.commits.getter(sender).get(struct_hash)[24..]);
        logic::check_reveal(ready_at, now_block).map_err(|e| match e {
            RevealError::NoCommit => Error::RevealWithoutCommit(ProvenanceRevealWithoutCommit {
                commitment: struct_hash,
            }),
            RevealError::TooEarly { ready_at } => Error::RevealTooEarly(ProvenanceRevealTooEarly {
                commitment: struct_hash,
                readyAtBlock: ready_at,
            }),
        })
    }

    /// The fields and a normalised header (creator, timestamp, attested, no
    /// parents) of the batch record of `asset` whose head is `head`, read
    /// from its data contract.
    fn batch_record_of(&self, asset: AssetRef, head: BatchHead) -> (RecordFields, RecordHead) {
        let mut top = [0u8; DATA_TOP_LEN];
        data_store::read(head.data, 0, &mut top);
        let mask = top[logic::DATA_FIXED_LEN - 1];
        let mut rec = [0u8; 5 * 32];
        let rec = &mut rec[..logic::data_record_len(mask)];
        data_store::read(head.data, logic::data_record_offset(mask, head.index), rec);
        let (creator, model_id, timestamp, hashes) = logic::parse_data(&top, rec);
        let [prompt_hash, seed_hash, params_hash, content_hash, human_hash] = hashes;
        let fields = RecordFields {
            asset,
            model_id,
            prompt_hash,
            seed_hash,
            params_hash,
            content_hash,
            human_hash,
            creator,
            parents: Vec::new(),
        };
        let normalised = RecordHead {
            creator,
            timestamp,
            attested: head.attested,
            parent_count: 0,
        };
        (fields, normalised)
    }
}

/// Where batch records' data lives: the runtime code of data contracts
/// the registry creates (see the crate docs). A seam because motsu's
/// `create1` and `account_code` hostios are stubs: under test, the "chain"
/// is a per-thread map from address to runtime code, filled by running the
/// init code's effect (returning the bytes after its prefix).
#[cfg(not(test))]
mod data_store {
    use alloy_primitives::Address;

    /// Creates a data contract (CREATE, no value) from `init_code`; `None`
    /// if the creation failed (out of gas). The `create1` hostio directly:
    /// `RawDeploy` would also copy the revert data, which is always empty.
    pub(crate) fn create(init_code: &[u8]) -> Option<Address> {
        let (mut created, mut revert_len) = (Address::ZERO, 0usize);
        let endowment = [0u8; 32];
        // SAFETY: every pointer is valid for its length (`created` is 20
        // writable bytes). The init code is `logic::data_init_code`'s
        // constructor, which makes no call, so nothing can re-enter the
        // registry or see its storage cache during the creation (nor has
        // the batch written anything before it creates).
        unsafe {
            stylus_sdk::hostio::create1(
                init_code.as_ptr(),
                init_code.len(),
                endowment.as_ptr(),
                created.as_mut_ptr(),
                &mut revert_len,
            );
        }
        (!created.is_zero()).then_some(created)
    }

    /// Copies `out.len()` bytes of `data`'s code from `offset` into `out`
    /// (like EXTCODECOPY, except that bytes past the end of the code are
    /// left as they were: callers pass zeroed buffers, and every data
    /// contract is at least `logic::DATA_TOP_LEN` bytes long anyway).
    pub(crate) fn read(data: Address, offset: usize, out: &mut [u8]) {
        // SAFETY: `out` is a valid, writable buffer of `out.len()` bytes and
        // the hostio writes at most that many.
        unsafe {
            stylus_sdk::hostio::account_code(data.as_ptr(), offset, out.len(), out.as_mut_ptr());
        }
    }
}

#[cfg(test)]
mod data_store {
    use alloc::vec::Vec;
    use core::cell::RefCell;
    use std::collections::HashMap;

    use alloy_primitives::Address;

    std::thread_local! {
        static CODES: RefCell<HashMap<Address, Vec<u8>>> = RefCell::new(HashMap::new());
    }

    /// Stores the runtime code `init_code` returns under a fresh address.
    pub(crate) fn create(init_code: &[u8]) -> Option<Address> {
        let code = crate::tests::run_init_code(init_code)?;
        CODES.with(|c| {
            let mut c = c.borrow_mut();
            let mut a = [0xdau8; 20];
            a[12..].copy_from_slice(&(c.len() as u64 + 1).to_be_bytes());
            let address = Address::from(a);
            c.insert(address, code);
            Some(address)
        })
    }

    /// EXTCODECOPY from the stored code (zeros past its end).
    pub(crate) fn read(data: Address, offset: usize, out: &mut [u8]) {
        CODES.with(|c| {
            let c = c.borrow();
            let code = c.get(&data).map(Vec::as_slice).unwrap_or_default();
            for (i, b) in out.iter_mut().enumerate() {
                *b = offset
                    .checked_add(i)
                    .and_then(|j| code.get(j))
                    .copied()
                    .unwrap_or(0);
            }
        });
    }

    /// Number of data contracts created on this test thread.
    pub(crate) fn count() -> usize {
        CODES.with(|c| c.borrow().len())
    }
}

#[cfg(test)]
mod tests;
