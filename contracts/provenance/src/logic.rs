//! Pure rules of the registry, with explicit inputs and no storage: parent
//! list validation, commit–reveal timing and the bounded lineage walk.
//!
//! # Why lineage cycles cannot exist
//!
//! A record may only name parents that **already have a record**, records
//! are write-once, and a record cannot name itself (it does not exist yet
//! when its parents are checked). Every parent edge therefore points from a
//! newer record to a strictly older one, so the derived-from graph is a DAG
//! by construction and no cycle check is needed on write. [`walk_lineage`]
//! still keeps a visited set, which removes diamond duplicates (an ancestor
//! reachable along two paths) and would also stop any cycle.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

use crate::hashing::{AssetRef, MAX_PARENTS, SIGNATURE_LEN};

/// Deepest `maxDepth` accepted by `lineage`.
pub const MAX_LINEAGE_DEPTH: u32 = 16;
/// Most ancestors `lineage` returns; beyond it the walk stops and reports
/// `truncated`.
pub const MAX_LINEAGE_NODES: usize = 64;

/// Why a parent list is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParentError {
    /// The collections and ids arrays differ in length.
    LengthMismatch {
        /// Number of collections.
        collections: usize,
        /// Number of ids.
        ids: usize,
    },
    /// More than [`MAX_PARENTS`] parents.
    TooMany {
        /// Number of parents given.
        count: usize,
    },
    /// The same parent is listed twice.
    Duplicate(AssetRef),
}

/// Pairs the parallel `collections`/`ids` arrays into asset references,
/// checking the lengths, the [`MAX_PARENTS`] bound and duplicates.
///
/// # Errors
/// See [`ParentError`].
pub fn zip_parents(collections: &[Address], ids: &[U256]) -> Result<Vec<AssetRef>, ParentError> {
    if collections.len() != ids.len() {
        return Err(ParentError::LengthMismatch {
            collections: collections.len(),
            ids: ids.len(),
        });
    }
    if collections.len() > MAX_PARENTS {
        return Err(ParentError::TooMany {
            count: collections.len(),
        });
    }
    let mut out: Vec<AssetRef> = Vec::with_capacity(collections.len());
    for (&collection, &id) in collections.iter().zip(ids) {
        let asset = AssetRef { collection, id };
        if out.contains(&asset) {
            return Err(ParentError::Duplicate(asset));
        }
        out.push(asset);
    }
    Ok(out)
}

/// Why a reveal (a record write under commit–reveal) is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevealError {
    /// No commitment was made.
    NoCommit,
    /// The commitment was made in this block; writing is allowed from block
    /// `ready_at` on.
    TooEarly {
        /// First block in which the record may be written.
        ready_at: u64,
    },
}

/// The first block at which a commitment made in `commit_block` may be
/// revealed (`commit_block + 1`). This is what the registry stores, so `0`
/// can mean "no commitment". `None` on overflow.
#[must_use]
pub fn commit_ready_at(commit_block: u64) -> Option<u64> {
    commit_block.checked_add(1)
}

/// Checks a reveal in block `now_block` against the stored `ready_at`
/// (`0` = no commitment).
///
/// # Errors
/// [`RevealError::NoCommit`] when `ready_at == 0`, [`RevealError::TooEarly`]
/// when `now_block < ready_at`.
pub fn check_reveal(ready_at: u64, now_block: u64) -> Result<(), RevealError> {
    if ready_at == 0 {
        Err(RevealError::NoCommit)
    } else if now_block < ready_at {
        Err(RevealError::TooEarly { ready_at })
    } else {
        Ok(())
    }
}

/// Result of [`walk_lineage`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lineage<K> {
    /// Ancestors in breadth-first order with their depth (1 = parent).
    pub nodes: Vec<(K, u32)>,
    /// Whether the walk stopped at the node limit with ancestors left.
    pub truncated: bool,
}

/// Breadth-first walk of the ancestors of `root`, down to `max_depth`
/// generations, returning at most `max_nodes` distinct ancestors (the root
/// itself is not included). `parents_of` gives a node's direct parents.
pub fn walk_lineage<K: Copy + PartialEq>(
    root: K,
    max_depth: u32,
    max_nodes: usize,
    mut parents_of: impl FnMut(K) -> Vec<K>,
) -> Lineage<K> {
    let mut nodes: Vec<(K, u32)> = Vec::new();
    // Node being expanded (the root first, then `nodes` in order) and the
    // index in `nodes` of the one after it.
    let (mut node, mut depth) = (root, 0u32);
    let mut cursor = 0usize;
    // Breadth-first order: once a node is at `max_depth`, so is every later one.
    while depth < max_depth {
        for parent in parents_of(node) {
            if parent == root || nodes.iter().any(|&(k, _)| k == parent) {
                continue;
            }
            if nodes.len() >= max_nodes {
                return Lineage {
                    nodes,
                    truncated: true,
                };
            }
            // `depth < max_depth <= u32::MAX`, so `depth + 1` cannot overflow.
            nodes.push((parent, depth + 1));
        }
        match nodes.get(cursor) {
            Some(&next) => (node, depth) = next,
            None => break,
        }
        // `cursor < nodes.len() <= max_nodes`, so this cannot overflow.
        cursor += 1;
    }
    Lineage {
        nodes,
        truncated: false,
    }
}

/// Header word of a record: `creator (20 bytes) ‖ timestamp (u64) ‖
/// attested (1 byte) ‖ parent count (1 byte) ‖ 2 zero bytes`. One storage
/// slot, like a packed Solidity struct.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordHead {
    /// Writer of the record; zero means "no record".
    pub creator: Address,
    /// Block timestamp of the write.
    pub timestamp: u64,
    /// Whether the model's attester signed the record.
    pub attested: bool,
    /// Number of parents (at most [`MAX_PARENTS`]).
    pub parent_count: u8,
}

impl RecordHead {
    /// The storage word.
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[..20].copy_from_slice(self.creator.as_slice());
        w[20..28].copy_from_slice(&self.timestamp.to_be_bytes());
        w[28] = u8::from(self.attested);
        w[29] = self.parent_count;
        w
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        Self {
            creator: Address::from_slice(&w[..20]),
            timestamp: be_u64(&w[20..28]),
            attested: w[28] != 0,
            parent_count: w[29],
        }
    }
}

/// Header word of a model: `owner (20 bytes) ‖ registeredAt (u64) ‖ flags
/// (bit 0 retired, bit 1 commit–reveal) ‖ 3 zero bytes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModelHead {
    /// Registrant; zero means "no such model".
    pub owner: Address,
    /// Block timestamp of the registration.
    pub registered_at: u64,
    /// Closed to new records and attestations.
    pub retired: bool,
    /// Record writes need a prior `commit`.
    pub commit_reveal: bool,
}

impl ModelHead {
    /// The storage word.
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[..20].copy_from_slice(self.owner.as_slice());
        w[20..28].copy_from_slice(&self.registered_at.to_be_bytes());
        w[28] = u8::from(self.retired) | (u8::from(self.commit_reveal) << 1);
        w
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        Self {
            owner: Address::from_slice(&w[..20]),
            registered_at: be_u64(&w[20..28]),
            retired: w[28] & 1 != 0,
            commit_reveal: w[28] & 2 != 0,
        }
    }
}

/// Second word of a model: `attester (20 bytes) ‖ version length (u32) ‖
/// uri length (u32) ‖ 4 zero bytes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModelSigner {
    /// Key that signs for the model's outputs.
    pub attester: Address,
    /// Byte length of the version string.
    pub version_len: u32,
    /// Byte length of the URI string.
    pub uri_len: u32,
}

impl ModelSigner {
    /// The storage word.
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[..20].copy_from_slice(self.attester.as_slice());
        w[20..24].copy_from_slice(&self.version_len.to_be_bytes());
        w[24..28].copy_from_slice(&self.uri_len.to_be_bytes());
        w
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        let u32_at = |i: usize| u32::from_be_bytes([w[i], w[i + 1], w[i + 2], w[i + 3]]);
        Self {
            attester: Address::from_slice(&w[..20]),
            version_len: u32_at(20),
            uri_len: u32_at(24),
        }
    }
}

/// Big-endian `u64` from (up to) 8 bytes.
#[must_use]
pub fn be_u64(b: &[u8]) -> u64 {
    b.iter().fold(0, |acc, &x| (acc << 8) | u64::from(x))
}

/// Packs two byte strings into 32-byte words for storage: `a`, zero-padded
/// to a word boundary, then `b`, zero-padded. Their lengths are stored
/// separately; see [`unpack_texts`].
#[must_use]
pub fn pack_texts(a: &[u8], b: &[u8]) -> Vec<B256> {
    let mut words = Vec::with_capacity(a.len().div_ceil(32) + b.len().div_ceil(32));
    for text in [a, b] {
        for chunk in text.chunks(32) {
            let mut w = B256::ZERO;
            w[..chunk.len()].copy_from_slice(chunk);
            words.push(w);
        }
    }
    words
}

/// Inverse of [`pack_texts`]: splits `words` back into the two byte strings
/// of lengths `a_len` and `b_len`. Missing words read as zeros.
#[must_use]
pub fn unpack_texts(words: &[B256], a_len: usize, b_len: usize) -> (Vec<u8>, Vec<u8>) {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.0).collect();
    let take = |start: usize, len: usize| -> Vec<u8> {
        let mut out = bytes.get(start..).unwrap_or_default().to_vec();
        out.resize(len, 0);
        out
    };
    let a = take(0, a_len);
    let b = take(a_len.div_ceil(32) * 32, b_len);
    (a, b)
}

/// Why a `recordProvenanceBatch` call is malformed (checked before any
/// state is read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchError {
    /// No ids.
    Empty,
    /// A hash array's length differs from the ids'.
    LengthMismatch {
        /// Number of ids.
        ids: usize,
        /// Length of the first hash array that differs.
        hashes: usize,
    },
    /// `signatures` is neither empty nor exactly 65 bytes per record.
    SignaturesLength {
        /// Byte length of `signatures`.
        length: usize,
        /// Number of records.
        records: usize,
    },
    /// An id appears twice in the batch (its second write would meet the
    /// record its first write made).
    Duplicate(U256),
}

/// Checks the shape of a batch: at least one id, every hash array
/// (`hash_lens`, in any order) as long as `ids`, `signatures_len` either 0
/// or `65 * ids.len()`, and no id twice. Returns whether the batch is
/// signed (attested).
///
/// # Errors
/// See [`BatchError`], in that order of precedence.
pub fn check_batch(
    ids: &[U256],
    hash_lens: &[usize],
    signatures_len: usize,
) -> Result<bool, BatchError> {
    let n = ids.len();
    if n == 0 {
        return Err(BatchError::Empty);
    }
    if let Some(&hashes) = hash_lens.iter().find(|&&l| l != n) {
        return Err(BatchError::LengthMismatch { ids: n, hashes });
    }
    let signed = signatures_len != 0;
    if signed && n.checked_mul(SIGNATURE_LEN) != Some(signatures_len) {
        return Err(BatchError::SignaturesLength {
            length: signatures_len,
            records: n,
        });
    }
    if let Some(dup) = first_duplicate(ids) {
        return Err(BatchError::Duplicate(dup));
    }
    Ok(signed)
}

/// The first value of `xs` (in order of its second occurrence) that occurs
/// earlier in `xs`. Quadratic, which for the batch sizes one transaction
/// can carry (a few hundred) costs less gas than the WASM of a sort or a
/// hash set would cost size.
#[must_use]
pub fn first_duplicate<T: PartialEq + Copy>(xs: &[T]) -> Option<T> {
    xs.iter()
        .enumerate()
        .find(|&(i, x)| xs[..i].contains(x))
        .map(|(_, &x)| x)
}

/// Record `i`'s 65-byte signature in the concatenated `signatures` of a
/// batch (bytes `65i..65i+65`), or `None` when the batch is unsigned or `i`
/// is past its end.
#[must_use]
pub fn signature_at(signatures: &[u8], i: usize) -> Option<&[u8]> {
    let start = i.checked_mul(SIGNATURE_LEN)?;
    signatures.get(start..start.checked_add(SIGNATURE_LEN)?)
}

/// Largest runtime code an account may hold (EIP-170, Arbitrum's default).
pub const MAX_CODE_SIZE: usize = 24_576;
/// Bytes of a data contract's fixed header: the `STOP` byte, the creator
/// (20 bytes), the model id (32 bytes), the block timestamp (8 bytes) and
/// the shared-column mask (1 byte).
pub const DATA_FIXED_LEN: usize = 1 + 20 + 32 + 8 + 1;
/// Bytes a reader fetches first from a data contract: the fixed header and
/// room for five shared hashes. Every data contract is at least this long
/// (one record holds the five hashes, shared or not).
pub const DATA_TOP_LEN: usize = DATA_FIXED_LEN + 5 * 32;
/// Length of [`data_init_code`]'s constructor prefix.
pub const INIT_PREFIX_LEN: usize = 12;

/// The shared-column mask of a batch: bit `k` is set when every entry of
/// `columns[k]` (prompt, seed, parameters, content, human-contribution
/// hashes) equals the first, so the data contract stores that hash once
/// instead of once per record. A batch of one record shares all five.
#[must_use]
pub fn shared_columns(columns: [&[B256]; 5]) -> u8 {
    let mut mask = 0u8;
    for (k, column) in columns.iter().enumerate() {
        if column.iter().all(|h| Some(h) == column.first()) {
            mask |= 1 << k;
        }
    }
    mask
}

/// Number of hashes of `mask` (its set bits among the low five).
fn shared_count(mask: u8) -> usize {
    (mask & 0x1f).count_ones() as usize
}

/// Bytes before the first record in a data contract whose shared-column
/// mask is `mask`.
#[must_use]
pub fn data_header_len(mask: u8) -> usize {
    DATA_FIXED_LEN + 32 * shared_count(mask)
}

/// Bytes of one record (its unshared hashes) under `mask`.
#[must_use]
pub fn data_record_len(mask: u8) -> usize {
    32 * (5 - shared_count(mask))
}

/// Most records one data contract holds under `mask`: as many as fit
/// [`MAX_CODE_SIZE`] (153 with nothing shared, 254 with two hashes shared),
/// and at most `u16::MAX` (the head's index).
#[must_use]
pub fn records_per_data(mask: u8) -> usize {
    let room = MAX_CODE_SIZE - data_header_len(mask);
    match data_record_len(mask) {
        0 => usize::from(u16::MAX),
        len => (room / len).min(usize::from(u16::MAX)),
    }
}

/// Init code of a data contract holding records that share `creator`,
/// `model_id` and `timestamp`; `columns` are their prompt, seed, parameters, content and
/// human-contribution hashes (equal-length slices, at least one record, at
/// most [`records_per_data`]`(mask)`), `mask` their
/// [`shared_columns`] (or a subset of it).
///
/// The init code is a 12-byte constructor that returns the bytes after it
/// as the new account's runtime code:
///
/// ```text
/// 61 LL LL   PUSH2 len          len = runtime code length
/// 80         DUP1
/// 60 0c      PUSH1 12           where the runtime code starts in the init code
/// 60 00      PUSH1 0
/// 39         CODECOPY           memory[0..len] = code[12..12+len]
/// 60 00      PUSH1 0
/// f3         RETURN             runtime code = memory[0..len]
/// ```
///
/// followed by the runtime code (see the crate docs): `00` (STOP, so a
/// call to the data contract does nothing), the creator, the model id, the
/// timestamp, the mask, each shared hash once, then per record its
/// unshared hashes.
#[must_use]
pub fn data_init_code(
    creator: Address,
    model_id: U256,
    timestamp: u64,
    mask: u8,
    columns: [&[B256]; 5],
) -> Vec<u8> {
    let n = columns[0].len();
    // At most records_per_data(mask) records: at most MAX_CODE_SIZE bytes, a u16.
    let len = data_header_len(mask) + n * data_record_len(mask);
    let mut code = Vec::with_capacity(INIT_PREFIX_LEN + len);
    code.push(0x61);
    code.extend_from_slice(&(len as u16).to_be_bytes());
    code.extend_from_slice(&[
        0x80,
        0x60,
        INIT_PREFIX_LEN as u8,
        0x60,
        0x00,
        0x39,
        0x60,
        0x00,
        0xf3,
    ]);
    code.push(0x00);
    code.extend_from_slice(creator.as_slice());
    code.extend_from_slice(&model_id.to_be_bytes::<32>());
    code.extend_from_slice(&timestamp.to_be_bytes());
    code.push(mask);
    let shared = |k: usize| mask & (1 << k) != 0;
    for (k, column) in columns.iter().enumerate() {
        if shared(k) {
            code.extend_from_slice(column[0].as_slice());
        }
    }
    for i in 0..n {
        for (k, column) in columns.iter().enumerate() {
            if !shared(k) {
                code.extend_from_slice(column[i].as_slice());
            }
        }
    }
    code
}

/// Offset, in a data contract's runtime code, of record `index`'s
/// unshared hashes, given the mask (byte `DATA_FIXED_LEN - 1` of the code).
#[must_use]
pub fn data_record_offset(mask: u8, index: u16) -> usize {
    data_header_len(mask) + usize::from(index) * data_record_len(mask)
}

/// A record read back from its data contract: `top` is the code's first
/// [`DATA_TOP_LEN`] bytes and `record` the [`data_record_len`] bytes at
/// [`data_record_offset`] (both for the mask at `top[DATA_FIXED_LEN - 1]`).
/// Returns the creator, the model id, the timestamp and the five hashes
/// (prompt, seed, parameters, content, human contribution).
#[must_use]
pub fn parse_data(top: &[u8; DATA_TOP_LEN], record: &[u8]) -> (Address, U256, u64, [B256; 5]) {
    let mask = top[DATA_FIXED_LEN - 1];
    let (mut shared, mut own) = (DATA_FIXED_LEN, 0usize);
    let hashes = core::array::from_fn(|k| {
        let (src, at) = if mask & (1 << k) != 0 {
            shared += 32;
            (&top[..], shared - 32)
        } else {
            own += 32;
            (record, own - 32)
        };
        src.get(at..at + 32).map_or(B256::ZERO, B256::from_slice)
    });
    (
        Address::from_slice(&top[1..21]),
        U256::from_be_slice(&top[21..53]),
        be_u64(&top[53..61]),
        hashes,
    )
}

/// Bucket ways per bucket: as many as ids, so a record always finds one.
pub const BUCKET_WAYS: u8 = 16;

/// Where a batch record keeps its head: its slot in its bucket (the id's
/// low four bits) and the key of way `way` of the bucket (the id with its
/// low four bits replaced by `way`, as a word).
#[must_use]
pub fn bucket_of(id: U256, way: u8) -> (u16, B256) {
    let mut key = B256::from(id);
    let slot = key[31] & 15;
    key[31] ^= slot ^ (way & 15);
    (u16::from(slot), key)
}

/// Where a batch record's data is: its data contract, its index there and
/// whether it is attested (what a [`Bucket`] says of one of its slots).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchHead {
    /// The data contract holding the record's creator, model id, timestamp
    /// and hashes.
    pub data: Address,
    /// Whether the model's attester signed the record.
    pub attested: bool,
    /// Index of the record in the data contract.
    pub index: u16,
}

/// A bucket way: the heads of batch records of up to 16 ids `16k..16k+16`
/// of a collection that one data contract holds at indexes `base + slot`
/// (slot = id − 16k, modulo 2^16), in one storage word instead of one per
/// id: `data contract (20 bytes) ‖ base (u16) ‖ present (u16, bit = slot)
/// ‖ attested (u16, bit = slot) ‖ 6 zero bytes`. A bucket has
/// [`BUCKET_WAYS`] ways, filled in order: a way is used only once the
/// ones before it are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// The data contract of every record of the way; zero: unused way.
    pub data: Address,
    /// Index in `data` of the bucket's slot 0 (modulo 2^16).
    pub base: u16,
    /// Bit `s`: id `16k + s` has its record here.
    pub present: u16,
    /// Bit `s`: that record is attested.
    pub attested: u16,
}

impl Bucket {
    /// The storage word.
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[..20].copy_from_slice(self.data.as_slice());
        let bits = (u64::from(self.base) << 48)
            | (u64::from(self.present) << 32)
            | (u64::from(self.attested) << 16);
        w[20..28].copy_from_slice(&bits.to_be_bytes());
        w
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        let bits = be_u64(&w[20..28]);
        // Truncations to u16 take the 16-bit fields.
        Self {
            data: Address::from_slice(&w[..20]),
            base: (bits >> 48) as u16,
            present: (bits >> 32) as u16,
            attested: (bits >> 16) as u16,
        }
    }

    /// The head of the record in `slot` (0..16), if this way holds it.
    #[must_use]
    pub fn head(&self, slot: u16) -> Option<BatchHead> {
        let bit = 1u16 << (slot & 15);
        (self.present & bit != 0).then(|| BatchHead {
            data: self.data,
            attested: self.attested & bit != 0,
            index: self.base.wrapping_add(slot),
        })
    }

    /// Adds the record in `slot` (0..16), stored at `index` of data
    /// contract `data`, to this way: `Some` updated way when it is unused,
    /// or holds records of the same data contract at the same base with
    /// `slot` free; `None` otherwise (the record then tries the next way).
    #[must_use]
    pub fn add(self, data: Address, slot: u16, index: u16, attested: bool) -> Option<Self> {
        let base = index.wrapping_sub(slot);
        let bit = 1u16 << (slot & 15);
        // An unused way is all zero (present and attested included).
        if !self.data.is_zero()
            && ((self.data, self.base) != (data, base) || self.present & bit != 0)
        {
            return None;
        }
        Some(Self {
            data,
            base,
            present: self.present | bit,
            attested: self.attested | if attested { bit } else { 0 },
        })
    }
}

#[cfg(test)]
mod tests {
    use alloc::{collections::BTreeMap, vec};

    use proptest::prelude::*;

    use super::*;

    fn a(n: u8) -> AssetRef {
        AssetRef {
            collection: Address::repeat_byte(n),
            id: U256::from(n),
        }
    }

    #[test]
    fn zip_parents_pairs_and_validates() {
        let c = [Address::repeat_byte(1), Address::repeat_byte(2)];
        let ids = [U256::from(1), U256::from(2)];
        assert_eq!(zip_parents(&c, &ids).unwrap(), vec![a(1), a(2)]);
        assert_eq!(zip_parents(&[], &[]).unwrap(), vec![]);
        assert_eq!(
            zip_parents(&c, &ids[..1]),
            Err(ParentError::LengthMismatch {
                collections: 2,
                ids: 1
            })
        );
        let dup_c = [Address::repeat_byte(1), Address::repeat_byte(1)];
        let dup_i = [U256::from(1), U256::from(1)];
        assert_eq!(
            zip_parents(&dup_c, &dup_i),
            Err(ParentError::Duplicate(a(1)))
        );
        // Same collection, different ids: fine.
        assert!(zip_parents(&dup_c, &ids).is_ok());
        let many_c = [Address::ZERO; MAX_PARENTS + 1];
        let many_i: Vec<U256> = (0..=MAX_PARENTS).map(U256::from).collect();
        assert_eq!(
            zip_parents(&many_c, &many_i),
            Err(ParentError::TooMany {
                count: MAX_PARENTS + 1
            })
        );
        assert_eq!(
            zip_parents(&many_c[..MAX_PARENTS], &many_i[..MAX_PARENTS])
                .unwrap()
                .len(),
            MAX_PARENTS
        );
    }

    #[test]
    fn reveal_timing() {
        assert_eq!(commit_ready_at(10), Some(11));
        assert_eq!(commit_ready_at(u64::MAX), None);
        assert_eq!(check_reveal(0, 100), Err(RevealError::NoCommit));
        assert_eq!(
            check_reveal(11, 10),
            Err(RevealError::TooEarly { ready_at: 11 })
        );
        assert_eq!(check_reveal(11, 11), Ok(()));
        assert_eq!(check_reveal(11, 500), Ok(()));
        // Commit in block 0 (fresh chain / test VM): reveal from block 1.
        assert_eq!(
            check_reveal(commit_ready_at(0).unwrap(), 0),
            Err(RevealError::TooEarly { ready_at: 1 })
        );
    }

    fn graph(edges: &[(u8, &[u8])]) -> BTreeMap<u8, Vec<u8>> {
        edges.iter().map(|(k, v)| (*k, v.to_vec())).collect()
    }

    #[test]
    fn lineage_is_breadth_first_deduplicated_and_bounded() {
        // 1 <- {2, 3}; 2 <- {4}; 3 <- {4, 5}; 4 <- {6}
        let g = graph(&[(1, &[2, 3]), (2, &[4]), (3, &[4, 5]), (4, &[6])]);
        let p = |k: u8| g.get(&k).cloned().unwrap_or_default();
        let all = walk_lineage(1, 10, 64, p);
        assert_eq!(all.nodes, vec![(2, 1), (3, 1), (4, 2), (5, 2), (6, 3)]);
        assert!(!all.truncated);
        assert_eq!(walk_lineage(1, 0, 64, p).nodes, vec![]);
        assert_eq!(walk_lineage(1, 1, 64, p).nodes, vec![(2, 1), (3, 1)]);
        assert_eq!(walk_lineage(1, 2, 64, p).nodes.len(), 4);
        let cut = walk_lineage(1, 10, 3, p);
        assert_eq!(cut.nodes, vec![(2, 1), (3, 1), (4, 2)]);
        assert!(cut.truncated);
        // Exactly at the limit with nothing left: not truncated.
        let exact = walk_lineage(1, 10, 5, p);
        assert_eq!(exact.nodes.len(), 5);
        assert!(!exact.truncated);
        // No parents at all.
        assert_eq!(
            walk_lineage(6, 10, 64, p),
            Lineage {
                nodes: vec![],
                truncated: false
            }
        );
    }

    #[test]
    fn lineage_terminates_even_on_a_cycle() {
        // Cannot be built through the registry, but the walk must not loop.
        let g = graph(&[(1, &[2]), (2, &[3]), (3, &[1, 2])]);
        let l = walk_lineage(1, 16, 64, |k| g.get(&k).cloned().unwrap_or_default());
        assert_eq!(l.nodes, vec![(2, 1), (3, 2)]);
    }

    #[test]
    fn texts_pack_into_padded_words() {
        assert_eq!(pack_texts(b"", b""), Vec::<B256>::new());
        let w = pack_texts(b"v1", b"ipfs://x");
        assert_eq!(w.len(), 2);
        assert_eq!(&w[0][..2], b"v1");
        assert!(w[0][2..].iter().all(|&b| b == 0));
        assert_eq!(&w[1][..8], b"ipfs://x");
        assert_eq!(pack_texts(&[1; 32], &[2; 33]).len(), 3);
        assert_eq!(
            unpack_texts(&w, 2, 8),
            (b"v1".to_vec(), b"ipfs://x".to_vec())
        );
        assert_eq!(unpack_texts(&[], 0, 0), (vec![], vec![]));
    }

    proptest! {
        #[test]
        fn texts_round_trip(
            a in proptest::collection::vec(any::<u8>(), 0..100),
            b in proptest::collection::vec(any::<u8>(), 0..100),
        ) {
            let words = pack_texts(&a, &b);
            prop_assert_eq!(words.len(), a.len().div_ceil(32) + b.len().div_ceil(32));
            prop_assert_eq!(unpack_texts(&words, a.len(), b.len()), (a, b));
        }
    }

    #[test]
    fn headers_pack_like_solidity_structs() {
        let h = RecordHead {
            creator: Address::repeat_byte(0xaa),
            timestamp: 0x0102030405060708,
            attested: true,
            parent_count: 8,
        };
        let w = h.pack();
        assert_eq!(&w[..20], &[0xaa; 20]);
        assert_eq!(&w[20..28], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!((w[28], w[29], w[30], w[31]), (1, 8, 0, 0));
        assert_eq!(RecordHead::unpack(w), h);
        assert_eq!(RecordHead::unpack(B256::ZERO), RecordHead::default());
        let m = ModelHead {
            owner: Address::repeat_byte(1),
            registered_at: u64::MAX,
            retired: false,
            commit_reveal: true,
        };
        assert_eq!(m.pack()[28], 2);
        assert_eq!(ModelHead::unpack(m.pack()), m);
        let s = ModelSigner {
            attester: Address::repeat_byte(2),
            version_len: 7,
            uri_len: u32::MAX,
        };
        assert_eq!(&s.pack()[20..28], &[0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(ModelSigner::unpack(s.pack()), s);
    }

    proptest! {
        #[test]
        fn headers_round_trip(a in any::<[u8; 20]>(), t in any::<u64>(), f1 in any::<bool>(), f2 in any::<bool>(), n in any::<u8>(), l1 in any::<u32>(), l2 in any::<u32>()) {
            let r = RecordHead { creator: Address::from(a), timestamp: t, attested: f1, parent_count: n };
            prop_assert_eq!(RecordHead::unpack(r.pack()), r);
            let m = ModelHead { owner: Address::from(a), registered_at: t, retired: f1, commit_reveal: f2 };
            prop_assert_eq!(ModelHead::unpack(m.pack()), m);
            let s = ModelSigner { attester: Address::from(a), version_len: l1, uri_len: l2 };
            prop_assert_eq!(ModelSigner::unpack(s.pack()), s);
        }
    }

    #[test]
    fn batch_shape_is_checked_in_order() {
        let ids: Vec<U256> = (1..=3).map(U256::from).collect();
        assert_eq!(check_batch(&ids, &[3; 5], 0), Ok(false));
        assert_eq!(check_batch(&ids, &[3; 5], 195), Ok(true));
        assert_eq!(check_batch(&[], &[0; 5], 0), Err(BatchError::Empty));
        assert_eq!(check_batch(&[], &[1; 5], 65), Err(BatchError::Empty));
        assert_eq!(
            check_batch(&ids, &[3, 3, 3, 4, 2], 0),
            Err(BatchError::LengthMismatch { ids: 3, hashes: 4 })
        );
        for len in [1, 64, 66, 130, 196, usize::MAX] {
            assert_eq!(
                check_batch(&ids, &[3; 5], len),
                Err(BatchError::SignaturesLength {
                    length: len,
                    records: 3
                })
            );
        }
        let dup = [U256::from(7), U256::from(8), U256::from(7)];
        assert_eq!(
            check_batch(&dup, &[3; 5], 0),
            Err(BatchError::Duplicate(U256::from(7)))
        );
        // Lengths are checked before duplicates.
        assert_eq!(
            check_batch(&dup, &[3, 3, 3, 3, 0], 0),
            Err(BatchError::LengthMismatch { ids: 3, hashes: 0 })
        );
    }

    #[test]
    fn duplicates_and_signature_slices() {
        assert_eq!(first_duplicate::<u8>(&[]), None);
        assert_eq!(first_duplicate(&[1, 2, 3]), None);
        assert_eq!(first_duplicate(&[1, 2, 3, 2, 1]), Some(2));
        assert_eq!(first_duplicate(&[5, 5]), Some(5));
        let sigs: Vec<u8> = (0..3u8).flat_map(|i| [i; 65]).collect();
        assert_eq!(signature_at(&sigs, 0), Some(&[0u8; 65][..]));
        assert_eq!(signature_at(&sigs, 2), Some(&[2u8; 65][..]));
        assert_eq!(signature_at(&sigs, 3), None);
        assert_eq!(signature_at(&[], 0), None);
        assert_eq!(signature_at(&sigs, usize::MAX), None);
    }

    proptest! {
        #[test]
        fn first_duplicate_matches_a_set(xs in proptest::collection::vec(0u8..20, 0..30)) {
            let mut seen = alloc::collections::BTreeSet::new();
            let want = xs.iter().find(|&&x| !seen.insert(x)).copied();
            prop_assert_eq!(first_duplicate(&xs), want);
        }
    }

    fn b(x: u8) -> B256 {
        B256::repeat_byte(x)
    }

    #[test]
    fn shared_columns_and_sizes() {
        let (one, two) = ([b(1)], [b(1), b(2)]);
        let same = [b(7), b(7)];
        assert_eq!(shared_columns([&one; 5]), 0x1f);
        assert_eq!(shared_columns([&two; 5]), 0);
        assert_eq!(shared_columns([&two, &two, &same, &two, &same]), 0b10100);
        assert_eq!(shared_columns([&[]; 5]), 0x1f);
        assert_eq!((data_header_len(0), data_record_len(0)), (62, 160));
        assert_eq!(
            (data_header_len(0b10100), data_record_len(0b10100)),
            (126, 96)
        );
        assert_eq!((data_header_len(0x1f), data_record_len(0x1f)), (222, 0));
        // Bits above the five columns mean nothing.
        assert_eq!(data_header_len(0xe0), 62);
        assert_eq!(records_per_data(0), 153);
        assert_eq!(records_per_data(0b10100), 254);
        assert_eq!(records_per_data(0x1f), 65_535);
        for mask in 0..32u8 {
            let n = records_per_data(mask);
            let size = |n: usize| data_header_len(mask) + n * data_record_len(mask);
            assert!(size(n) <= MAX_CODE_SIZE, "mask {mask:#b}");
            assert!(n == 65_535 || size(n + 1) > MAX_CODE_SIZE, "mask {mask:#b}");
        }
        assert_eq!(data_record_offset(0, 0), 62);
        assert_eq!(data_record_offset(0, 152), 62 + 152 * 160);
        assert_eq!(data_record_offset(0b10100, 3), 126 + 3 * 96);
    }

    #[test]
    fn data_layout_byte_by_byte() {
        let creator = Address::repeat_byte(0xcc);
        let (p, s) = ([b(1), b(2)], [b(3), b(4)]);
        let params = [b(5), b(5)];
        let (c, h) = ([b(6), b(7)], [b(0), b(0)]);
        let mask = shared_columns([&p, &s, &params, &c, &h]);
        assert_eq!(mask, 0b10100);
        let t = 0x0102_0304_0506_0708;
        let init = data_init_code(creator, U256::from(9), t, mask, [&p, &s, &params, &c, &h]);
        let len = 126 + 2 * 96;
        assert_eq!(
            &init[..INIT_PREFIX_LEN],
            &[0x61, 0x01, 0x3e, 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3]
        );
        let code = &init[INIT_PREFIX_LEN..];
        assert_eq!(code.len(), len);
        assert_eq!(code[0], 0x00);
        assert_eq!(&code[1..21], &[0xcc; 20]);
        assert_eq!(U256::from_be_slice(&code[21..53]), U256::from(9));
        assert_eq!(&code[53..61], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(code[61], mask);
        assert_eq!(
            (&code[62..94], &code[94..126]),
            (&[5u8; 32][..], &[0u8; 32][..])
        );
        let words: Vec<u8> = code[126..].chunks(32).map(|w| w[0]).collect();
        assert_eq!(words, [1, 3, 6, 2, 4, 7]);
    }

    proptest! {
        /// The init code, run by an independent interpreter, returns the
        /// runtime code, which fits the code size limit, starts with STOP,
        /// and reads back every record's creator, model id, timestamp and hashes,
        /// with any columns shared.
        #[test]
        fn data_init_code_returns_the_records(
            creator in any::<[u8; 20]>(),
            model in any::<[u8; 32]>(),
            t in any::<u64>(),
            varying in proptest::collection::vec(any::<[[u8; 32]; 5]>(), 1..=153),
            constant in any::<[[u8; 32]; 5]>(),
            fixed in 0u8..32,
        ) {
            let (creator, model) = (Address::from(creator), U256::from_be_bytes(model));
            let cols: Vec<Vec<B256>> = (0..5)
                .map(|k| varying.iter().map(|h| B256::from(if fixed & (1 << k) != 0 { constant[k] } else { h[k] })).collect())
                .collect();
            let columns = [&cols[0][..], &cols[1], &cols[2], &cols[3], &cols[4]];
            let mask = shared_columns(columns);
            prop_assert_eq!(mask & fixed, fixed);
            let n = varying.len().min(records_per_data(mask));
            let columns = columns.map(|c| &c[..n]);
            let init = data_init_code(creator, model, t, mask, columns);
            let code = crate::tests::run_init_code(&init).unwrap();
            prop_assert_eq!(&code[..], &init[INIT_PREFIX_LEN..]);
            prop_assert_eq!(code.len(), data_header_len(mask) + n * data_record_len(mask));
            prop_assert!(code.len() <= MAX_CODE_SIZE && code.len() >= DATA_TOP_LEN);
            prop_assert_eq!(code[0], 0x00);
            let top: [u8; DATA_TOP_LEN] = code[..DATA_TOP_LEN].try_into().unwrap();
            let records = (0..n).map(|i| -> [B256; 5] { core::array::from_fn(|k| cols[k][i]) });
            for (i, want) in records.enumerate() {
                let at = data_record_offset(top[DATA_FIXED_LEN - 1], i as u16);
                let rec = &code[at..at + data_record_len(mask)];
                prop_assert_eq!(parse_data(&top, rec), (creator, model, t, want));
            }
        }
    }

    #[test]
    fn buckets_pack_bit_by_bit_and_fill_in_order() {
        let key = |x: u64| B256::from(U256::from(x));
        assert_eq!(bucket_of(U256::from(0), 0), (0, key(0)));
        assert_eq!(bucket_of(U256::from(37), 0), (5, key(32)));
        assert_eq!(bucket_of(U256::from(37), 15), (5, key(47)));
        assert_eq!(bucket_of(U256::from(47), 1), (15, key(33)));
        assert_eq!(
            bucket_of(U256::MAX, 3),
            (15, B256::from(U256::MAX - U256::from(12)))
        );
        let d = Address::repeat_byte(0xda);
        let b = Bucket {
            data: d,
            base: 0xfffd,
            present: 0x8001,
            attested: 0x0001,
        };
        let w = b.pack();
        assert_eq!(&w[..20], &[0xda; 20]);
        assert_eq!(&w[20..26], &[0xff, 0xfd, 0x80, 0x01, 0x00, 0x01]);
        assert_eq!(&w[26..], &[0; 6]);
        assert_eq!(Bucket::unpack(w), b);
        assert_eq!(Bucket::unpack(B256::ZERO), Bucket::default());
        // Slot 0 at index 0xfffd (base -3 + 0), slot 15 at index 12.
        assert_eq!(
            b.head(0),
            Some(BatchHead {
                data: d,
                attested: true,
                index: 0xfffd
            })
        );
        assert_eq!(b.head(15).map(|h| (h.index, h.attested)), Some((12, false)));
        assert_eq!(b.head(1), None);

        // A batch starting at id 16k + 3 (slot 3, index 0): base -3.
        let empty = Bucket::default();
        let b1 = empty.add(d, 3, 0, true).unwrap();
        assert_eq!((b1.base, b1.present, b1.attested), (0xfffd, 0b1000, 0b1000));
        let b2 = b1.add(d, 4, 1, true).unwrap();
        assert_eq!(b2.present, 0b11000);
        assert_eq!(b2.head(4).unwrap().index, 1);
        // Another base, another data contract or a taken slot: another way.
        assert_eq!(b2.add(d, 5, 5, true), None);
        assert_eq!(b2.add(Address::repeat_byte(1), 5, 2, true), None);
        assert_eq!(b2.add(d, 4, 1, true), None);
        let b3 = b2.add(d, 5, 2, false).unwrap();
        assert_eq!((b3.present, b3.attested), (0b111000, 0b11000));
    }

    proptest! {
        #[test]
        fn buckets_round_trip(a in any::<[u8; 20]>(), base in any::<u16>(), p in any::<u16>(), at in any::<u16>()) {
            let b = Bucket { data: Address::from(a), base, present: p, attested: at };
            prop_assert_eq!(Bucket::unpack(b.pack()), b);
        }

        /// Records of any order put into the first way that takes them
        /// (as the registry does) each land in exactly one of the 16 ways,
        /// which read back their data contract, index and flag.
        #[test]
        fn ways_always_suffice(
            order in Just((0u16..16).collect::<Vec<_>>()).prop_shuffle(),
            n in 1usize..=16,
            chunk in 1usize..=16,
            earlier in proptest::collection::vec(any::<bool>(), 16),
        ) {
            let mut ways = [Bucket::default(); BUCKET_WAYS as usize];
            // An earlier batch took some slots (data contract 0xee, base 7).
            let old = Address::repeat_byte(0xee);
            let taken: Vec<u16> = (0..16).filter(|&s| earlier[s as usize]).collect();
            for &slot in &taken {
                let w = ways.iter().position(|w| w.add(old, slot, 7 + slot, false).is_some()).unwrap();
                ways[w] = ways[w].add(old, slot, 7 + slot, false).unwrap();
            }
            let free: Vec<u16> = order.iter().copied().filter(|s| !taken.contains(s)).take(n).collect();
            for (i, &slot) in free.iter().enumerate() {
                let data = Address::with_last_byte(1 + (i / chunk) as u8);
                let index = (i % chunk) as u16;
                let w = ways.iter().position(|w| w.add(data, slot, index, i % 2 == 0).is_some());
                let w = w.expect("a way takes every record");
                ways[w] = ways[w].add(data, slot, index, i % 2 == 0).unwrap();
            }
            for (i, &slot) in free.iter().enumerate() {
                let heads: Vec<BatchHead> = ways.iter().filter_map(|w| w.head(slot)).collect();
                prop_assert_eq!(heads, vec![BatchHead {
                    data: Address::with_last_byte(1 + (i / chunk) as u8),
                    attested: i % 2 == 0,
                    index: (i % chunk) as u16,
                }]);
            }
            // Ways are used in order.
            let used = ways.iter().take_while(|w| !w.data.is_zero()).count();
            prop_assert!(ways[used..].iter().all(|w| w.data.is_zero()));
        }
    }

    proptest! {
        /// On random DAGs (edges only to smaller keys, like records only
        /// pointing to older records): output is duplicate-free, excludes the
        /// root, respects both bounds, lists nodes by non-decreasing depth
        /// with each depth the true shortest distance, and, when not
        /// truncated, contains every ancestor within `max_depth`.
        #[test]
        fn lineage_properties(
            edges in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..4), 1..40),
            max_depth in 0u32..8,
            max_nodes in 0usize..40,
        ) {
            let n = edges.len();
            let parents = |k: usize| -> Vec<usize> {
                if k == 0 { return vec![]; }
                edges[k].iter().map(|&e| usize::from(e) % k).collect()
            };
            let root = n - 1;
            let l = walk_lineage(root, max_depth, max_nodes, parents);
            prop_assert!(l.nodes.len() <= max_nodes);
            // Reference: BFS shortest distances without limits.
            let mut dist = vec![u32::MAX; n];
            dist[root] = 0;
            let mut q = vec![root];
            let mut i = 0;
            while i < q.len() {
                let k = q[i];
                i += 1;
                for p in parents(k) {
                    if dist[p] == u32::MAX { dist[p] = dist[k] + 1; q.push(p); }
                }
            }
            let mut last = 0;
            for (idx, &(k, d)) in l.nodes.iter().enumerate() {
                prop_assert!(k != root);
                prop_assert!(d >= 1 && d <= max_depth);
                prop_assert!(d >= last);
                last = d;
                prop_assert_eq!(d, dist[k]);
                prop_assert!(!l.nodes[..idx].iter().any(|&(o, _)| o == k));
            }
            let reachable = (0..n).filter(|&k| k != root && dist[k] <= max_depth).count();
            if l.truncated {
                prop_assert_eq!(l.nodes.len(), max_nodes);
                prop_assert!(reachable > max_nodes);
            } else {
                prop_assert_eq!(l.nodes.len(), reachable);
            }
        }
    }
}
