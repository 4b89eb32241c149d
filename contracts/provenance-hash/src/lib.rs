//! # stylus-ip-provenance-hash: every hash the provenance registry uses
//!
//! One implementation of the provenance registry's maths, shared by the
//! contract (`contracts/provenance`, compiled to WASM, which re-exports this
//! crate as `provenance::hashing`), its tests, and the off-chain CLI
//! (`cargo ip provenance hash` / `cargo ip provenance attest` in `deploy`).
//! A hash or EIP-712 digest computed off-chain is therefore, by construction,
//! the one the contract computes.
//!
//! It is plain `no_std` Rust over `alloy-primitives` (plus `sha2` for file
//! digests): no Stylus types, no storage, no host calls, no allocation
//! beyond one small buffer for the parents list. Keccak is whatever
//! `alloy-primitives` is built with: the Stylus `native_keccak256` hostio in
//! the contract (stylus-sdk turns it on), pure Rust everywhere else.
//!
//! # Field hashes
//!
//! | field | function | definition |
//! |---|---|---|
//! | prompt | [`prompt_hash`] | `keccak256(utf8 bytes of the prompt)`, exact bytes, no trimming or normalisation |
//! | seed | [`seed_hash`] / [`seed_hash_bytes`] | `keccak256(abi.encode(uint256(seed)))` / `keccak256(bytes)` |
//! | parameters | [`params_hash`] | `keccak256(canonical json bytes)`: the RFC 8785 (JCS) form of the parameters JSON — members sorted by name, no whitespace, numbers as ECMAScript prints them; `cargo ip provenance hash --params-file` computes it (`stylus_ip_deploy::provenance::canonical_json`) |
//! | content | [`content_hash`] | `sha256(file bytes)`, the digest `sha256sum` prints and a raw-leaf IPFS CIDv1 (sha2-256) carries |
//! | human contribution | [`human_contribution_hash`] | `keccak256(bytes of the contribution statement or file)` |
//!
//! # EIP-712
//!
//! The model's attester signs the EIP-712 typed data
//!
//! ```text
//! EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)
//!   name = "StylusIP Provenance", version = "1"
//! ProvenanceRecord(address collection,uint256 id,uint256 modelId,bytes32 promptHash,
//!   bytes32 seedHash,bytes32 paramsHash,bytes32 contentHash,bytes32 humanHash,
//!   address creator,AssetRef[] parents)
//! AssetRef(address collection,uint256 id)
//! ```
//!
//! so wallets can show and sign it with `eth_signTypedData_v4`. The block
//! timestamp is not part of the signed data (the attester signs before the
//! record exists). Signatures are 65 bytes `r ‖ s ‖ v` with `v ∈ {27, 28}`
//! (`{0, 1}` is accepted too) and a low `s` (EIP-2).
//!
//! # ERC-7007 proof
//!
//! `verify(prompt, aigcData, proof)` needs to know which record it is about:
//! `proof` is [`encode_proof`]`(collection, id, signature)`, i.e.
//! `abi.encodePacked(address collection, uint256 id, bytes signature)` with
//! the 65-byte signature (117 bytes in all), and `aigcData` is the 32-byte
//! content hash.
//!
//! # Commit–reveal
//!
//! For models that require it, the creator first calls `commit(c)` with
//! `c =` [`record_commitment`]`(record)` (the record's EIP-712 struct hash),
//! and writes the record at least one block later.
//!
//! # Native (off-chain) use
//!
//! Depend on this crate directly (not on the `provenance` contract crate,
//! whose stylus-sdk would switch keccak to the Stylus hostio). Sign
//! [`record_digest`] with the attester key (any secp256k1 signer that
//! returns `r ‖ s ‖ v`), then pass the signature to `recordProvenance` /
//! `attest`, or [`encode_proof`] it for `verify`. The `strategies` feature
//! adds proptest strategies (module `strategies`) for records and tampering.
//!
//! # Code size
//!
//! The contract is within a few hundred bytes of Stylus' 24,576-byte code
//! limit. Living in its own crate, this code no longer shares the
//! contract's pre-LTO inlining decisions: without hints the provenance WASM
//! grew by 23 bytes (brotli). The `#[inline]` hints on the five functions
//! the contract calls on its hot paths ([`record_struct_hash`],
//! [`eip712_digest`], [`parse_signature`], [`ecrecover_input`],
//! [`decode_proof`]) were chosen by measurement (`cargo ip build
//! provenance`) and make it about 100 bytes smaller than before the split
//! (24,254 B then, 24,151 B after). The crate is also built at
//! `opt-level = "z"` like the contract (root `Cargo.toml`).
#![cfg_attr(not(any(test, feature = "strategies")), no_std)]

extern crate alloc;

/// The `alloy-primitives` (0.8, the contract's) whose types this crate's API
/// uses, for off-chain users whose own alloy is another version.
pub use alloy_primitives;

use alloc::vec::Vec;

use alloy_primitives::{b256, keccak256, uint, Address, B256, U256};
use sha2::{Digest, Sha256};

/// Most parent assets a record may list.
pub const MAX_PARENTS: usize = 8;

/// EIP-712 domain name.
pub const DOMAIN_NAME: &str = "StylusIP Provenance";
/// EIP-712 domain version.
pub const DOMAIN_VERSION: &str = "1";

/// Type string of the EIP-712 domain.
pub const DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
/// Type string of a parent-asset reference.
pub const ASSET_REF_TYPE: &str = "AssetRef(address collection,uint256 id)";
/// Type string of a provenance record (with its referenced type appended, as
/// EIP-712 requires).
pub const RECORD_TYPE: &str = "ProvenanceRecord(address collection,uint256 id,uint256 modelId,\
bytes32 promptHash,bytes32 seedHash,bytes32 paramsHash,bytes32 contentHash,bytes32 humanHash,\
address creator,AssetRef[] parents)AssetRef(address collection,uint256 id)";

/// `keccak256(DOMAIN_TYPE)`.
pub const DOMAIN_TYPEHASH: B256 =
    b256!("8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f");
/// `keccak256(DOMAIN_NAME)`.
pub const DOMAIN_NAME_HASH: B256 =
    b256!("f026fb537f2a6bc96e1d87975a431c0cb5aee26c02afed3aaa8b8739604b5829");
/// `keccak256(DOMAIN_VERSION)`.
pub const DOMAIN_VERSION_HASH: B256 =
    b256!("c89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc6");
/// `keccak256(ASSET_REF_TYPE)`.
pub const ASSET_REF_TYPEHASH: B256 =
    b256!("8f25ff48cc6eb3673d4695a62470c0aeeb7b30ea7b92152aa75da4fb54ea8f73");
/// `keccak256(RECORD_TYPE)`.
pub const RECORD_TYPEHASH: B256 =
    b256!("b96d84716e4e68b371bda20977940e68175bec79ba85bf78930bf5b9c1536027");

/// Half the secp256k1 group order: signatures with a larger `s` are rejected
/// (EIP-2), so every attestation has exactly one valid encoding.
pub const SECP256K1_HALF_ORDER: U256 =
    uint!(0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0_U256);

/// Length of an attester signature (`r ‖ s ‖ v`).
pub const SIGNATURE_LEN: usize = 65;
/// Length of an ERC-7007 `proof` (see [`encode_proof`]).
pub const PROOF_LEN: usize = 20 + 32 + SIGNATURE_LEN;

/// A reference to an asset: a token (ERC-721) or id (ERC-1155) of a collection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AssetRef {
    /// The collection contract.
    pub collection: Address,
    /// The token id (ERC-721) or id (ERC-1155) in it.
    pub id: U256,
}

/// The attested fields of a provenance record: exactly what the EIP-712
/// `ProvenanceRecord` struct covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordFields {
    /// The asset the record is about.
    pub asset: AssetRef,
    /// The registry's id of the model that generated the asset.
    pub model_id: U256,
    /// [`prompt_hash`] of the prompt.
    pub prompt_hash: B256,
    /// [`seed_hash`] of the seed.
    pub seed_hash: B256,
    /// [`params_hash`] of the generation parameters.
    pub params_hash: B256,
    /// [`content_hash`] of the asset file.
    pub content_hash: B256,
    /// [`human_contribution_hash`] of the human contribution.
    pub human_hash: B256,
    /// The creator: the account that writes the record.
    pub creator: Address,
    /// Assets this one derives from (at most [`MAX_PARENTS`]).
    pub parents: Vec<AssetRef>,
}

/// A parsed, canonical attester signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `r`.
    pub r: B256,
    /// `s` (at most [`SECP256K1_HALF_ORDER`]).
    pub s: B256,
    /// `v`, 27 or 28.
    pub v: u8,
}

/// Hash of a prompt: `keccak256` of its exact UTF-8 bytes.
#[must_use]
pub fn prompt_hash(prompt: &str) -> B256 {
    keccak256(prompt.as_bytes())
}

/// Hash of an integer seed: `keccak256(abi.encode(uint256(seed)))`.
#[must_use]
pub fn seed_hash(seed: u64) -> B256 {
    keccak256(U256::from(seed).to_be_bytes::<32>())
}

/// Hash of a non-integer seed (e.g. a noise tensor or a seed string):
/// `keccak256(bytes)`.
#[must_use]
pub fn seed_hash_bytes(seed: &[u8]) -> B256 {
    keccak256(seed)
}

/// Hash of the generation parameters: `keccak256(json)`, where `json` is
/// the RFC 8785 (JCS) canonical form of the parameters (sorted members, no
/// insignificant whitespace, ECMAScript number formatting), so that equal
/// parameters always give equal hashes. Off-chain,
/// `stylus_ip_deploy::provenance::canonical_json` produces it.
#[must_use]
pub fn params_hash(json: &[u8]) -> B256 {
    keccak256(json)
}

/// Hash of the asset file: `sha256(bytes)` (not keccak: the same digest file
/// tools and raw-leaf IPFS CIDs use).
#[must_use]
pub fn content_hash(content: &[u8]) -> B256 {
    B256::from(<[u8; 32]>::from(Sha256::digest(content)))
}

/// Hash of the human contribution (a statement or a file describing the
/// creator's own work): `keccak256(bytes)`.
#[must_use]
pub fn human_contribution_hash(contribution: &[u8]) -> B256 {
    keccak256(contribution)
}

/// Left-pads an address to a 32-byte ABI word.
fn address_word(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

/// EIP-712 `hashStruct` of an [`AssetRef`].
#[must_use]
pub fn asset_ref_hash(asset: &AssetRef) -> B256 {
    let mut buf = [0u8; 96];
    buf[..32].copy_from_slice(ASSET_REF_TYPEHASH.as_slice());
    buf[32..64].copy_from_slice(&address_word(asset.collection));
    buf[64..].copy_from_slice(&asset.id.to_be_bytes::<32>());
    keccak256(buf)
}

/// EIP-712 encoding of the `AssetRef[] parents` member:
/// `keccak256(concat(hashStruct(parent_i)))`.
#[must_use]
pub fn parents_hash(parents: &[AssetRef]) -> B256 {
    // A capacity hint only: saturating cannot change the result.
    let mut buf = Vec::with_capacity(parents.len().saturating_mul(32));
    for p in parents {
        buf.extend_from_slice(asset_ref_hash(p).as_slice());
    }
    keccak256(&buf)
}

/// EIP-712 `hashStruct` of a `ProvenanceRecord`.
#[must_use]
#[inline] // see the crate doc's # Code size
pub fn record_struct_hash(r: &RecordFields) -> B256 {
    let words: [[u8; 32]; 11] = [
        RECORD_TYPEHASH.0,
        address_word(r.asset.collection),
        r.asset.id.to_be_bytes::<32>(),
        r.model_id.to_be_bytes::<32>(),
        r.prompt_hash.0,
        r.seed_hash.0,
        r.params_hash.0,
        r.content_hash.0,
        r.human_hash.0,
        address_word(r.creator),
        parents_hash(&r.parents).0,
    ];
    keccak256(words.concat())
}

/// The EIP-712 domain separator of the registry deployed at
/// `verifying_contract` on chain `chain_id`.
#[must_use]
pub fn domain_separator(chain_id: u64, verifying_contract: Address) -> B256 {
    let words: [[u8; 32]; 5] = [
        DOMAIN_TYPEHASH.0,
        DOMAIN_NAME_HASH.0,
        DOMAIN_VERSION_HASH.0,
        U256::from(chain_id).to_be_bytes::<32>(),
        address_word(verifying_contract),
    ];
    keccak256(words.concat())
}

/// The EIP-712 digest to sign: `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`.
#[must_use]
#[inline] // see the crate doc's # Code size
pub fn eip712_digest(domain_separator: B256, struct_hash: B256) -> B256 {
    let mut buf = [0u8; 66];
    buf[0] = 0x19;
    buf[1] = 0x01;
    buf[2..34].copy_from_slice(domain_separator.as_slice());
    buf[34..].copy_from_slice(struct_hash.as_slice());
    keccak256(buf)
}

/// The digest the attester signs for `record` on the registry at
/// `registry` on chain `chain_id`.
#[must_use]
pub fn record_digest(chain_id: u64, registry: Address, record: &RecordFields) -> B256 {
    eip712_digest(
        domain_separator(chain_id, registry),
        record_struct_hash(record),
    )
}

/// The commit–reveal commitment for `record`: its EIP-712 struct hash. It
/// binds every field (including the creator, so a copied commitment is
/// useless to anyone else) and reveals nothing: the struct hash includes the
/// content hash, which has full entropy.
#[must_use]
pub fn record_commitment(record: &RecordFields) -> B256 {
    record_struct_hash(record)
}

/// Parses a 65-byte `r ‖ s ‖ v` signature. Returns `None` unless it has the
/// right length, `v ∈ {0, 1, 27, 28}` and a low `s`.
#[must_use]
#[inline] // see the crate doc's # Code size
pub fn parse_signature(sig: &[u8]) -> Option<Signature> {
    if sig.len() != SIGNATURE_LEN {
        return None;
    }
    let v = match sig[64] {
        0 | 27 => 27,
        1 | 28 => 28,
        _ => return None,
    };
    let s = B256::from_slice(&sig[32..64]);
    if U256::from_be_bytes(s.0) > SECP256K1_HALF_ORDER {
        return None;
    }
    Some(Signature {
        r: B256::from_slice(&sig[..32]),
        s,
        v,
    })
}

/// Input of the `ecrecover` precompile (address `0x01`):
/// `digest ‖ uint256(v) ‖ r ‖ s`.
#[must_use]
#[inline] // see the crate doc's # Code size
pub fn ecrecover_input(digest: B256, sig: &Signature) -> [u8; 128] {
    let mut buf = [0u8; 128];
    buf[..32].copy_from_slice(digest.as_slice());
    buf[63] = sig.v;
    buf[64..96].copy_from_slice(sig.r.as_slice());
    buf[96..].copy_from_slice(sig.s.as_slice());
    buf
}

/// Encodes an ERC-7007 `proof`:
/// `abi.encodePacked(address collection, uint256 id, bytes signature)`.
#[must_use]
pub fn encode_proof(asset: &AssetRef, signature: &[u8; SIGNATURE_LEN]) -> Vec<u8> {
    let mut out = Vec::with_capacity(PROOF_LEN);
    out.extend_from_slice(asset.collection.as_slice());
    out.extend_from_slice(&asset.id.to_be_bytes::<32>());
    out.extend_from_slice(signature);
    out
}

/// Decodes an ERC-7007 `proof` made by [`encode_proof`]: the record's asset
/// and the signature bytes. `None` if the length is not [`PROOF_LEN`].
#[must_use]
#[inline] // see the crate doc's # Code size
pub fn decode_proof(proof: &[u8]) -> Option<(AssetRef, &[u8])> {
    if proof.len() != PROOF_LEN {
        return None;
    }
    let collection = Address::from_slice(&proof[..20]);
    let id = U256::from_be_slice(&proof[20..52]);
    Some((AssetRef { collection, id }, &proof[52..]))
}

/// Proptest strategies for records, and a record tamperer: shared by this
/// crate's property tests and the contract's (feature `strategies`).
#[cfg(any(test, feature = "strategies"))]
pub mod strategies {
    use alloy_primitives::{Address, B256, U256};
    use proptest::prelude::*;

    use super::{AssetRef, RecordFields, MAX_PARENTS};

    /// Any value.
    pub fn arb_b256() -> impl Strategy<Value = B256> {
        any::<[u8; 32]>().prop_map(B256::from)
    }
    /// Any value.
    pub fn arb_address() -> impl Strategy<Value = Address> {
        any::<[u8; 20]>().prop_map(Address::from)
    }
    /// Any value.
    pub fn arb_u256() -> impl Strategy<Value = U256> {
        any::<[u8; 32]>().prop_map(U256::from_be_bytes)
    }
    /// Any value.
    pub fn arb_asset() -> impl Strategy<Value = AssetRef> {
        (arb_address(), arb_u256()).prop_map(|(collection, id)| AssetRef { collection, id })
    }
    /// Any record (0 to [`MAX_PARENTS`] parents, duplicates possible).
    pub fn arb_record() -> impl Strategy<Value = RecordFields> {
        (
            arb_asset(),
            arb_u256(),
            [arb_b256(), arb_b256(), arb_b256(), arb_b256(), arb_b256()],
            arb_address(),
            proptest::collection::vec(arb_asset(), 0..=MAX_PARENTS),
        )
            .prop_map(|(asset, model_id, h, creator, parents)| RecordFields {
                asset,
                model_id,
                prompt_hash: h[0],
                seed_hash: h[1],
                params_hash: h[2],
                content_hash: h[3],
                human_hash: h[4],
                creator,
                parents,
            })
    }

    /// Changes field `which % 11` of `r` to something else: the ten EIP-712
    /// members in order (asset collection, asset id, model id, the five
    /// hashes, creator, first parent), then the parents' order or count.
    ///
    /// # Panics
    /// If the result equals `r` (a bug in this function, not in the caller:
    /// every branch changes the record).
    pub fn tamper(r: &RecordFields, which: u8, salt: u8) -> RecordFields {
        let mut t = r.clone();
        let flip = |b: B256| B256::from(U256::from_be_bytes(b.0) ^ U256::from(u16::from(salt) + 1));
        let flip_a = |a: Address| Address::from_word(flip(a.into_word()));
        match which % 11 {
            0 => t.asset.collection = flip_a(t.asset.collection),
            1 => t.asset.id ^= U256::from(u16::from(salt) + 1),
            2 => t.model_id ^= U256::from(u16::from(salt) + 1),
            3 => t.prompt_hash = flip(t.prompt_hash),
            4 => t.seed_hash = flip(t.seed_hash),
            5 => t.params_hash = flip(t.params_hash),
            6 => t.content_hash = flip(t.content_hash),
            7 => t.human_hash = flip(t.human_hash),
            8 => t.creator = flip_a(t.creator),
            9 => match t.parents.first_mut() {
                Some(p) => p.id ^= U256::from(u16::from(salt) + 1),
                None => t.parents.push(AssetRef::default()),
            },
            _ => {
                if t.parents.len() > 1 {
                    t.parents.swap(0, 1);
                    if t.parents[0] == t.parents[1] {
                        t.parents.pop();
                    }
                } else if t.parents.pop().is_none() {
                    t.parents.push(AssetRef::default());
                }
            }
        }
        // Self-check of this test helper (see # Panics).
        assert_ne!(&t, r, "tamper must change the record");
        t
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::{address, PrimitiveSignature};
    use alloy_signer::SignerSync;
    use alloy_signer_local::PrivateKeySigner;
    use alloy_sol_types::{eip712_domain, sol, SolStruct, SolValue};
    use proptest::prelude::*;

    use super::strategies::{arb_address, arb_asset, arb_b256, arb_record, arb_u256, tamper};
    use super::*;

    // The EIP-712 types, declared independently with alloy's `sol!`, whose
    // `SolStruct` implementation is what wallets' `eth_signTypedData_v4`
    // agrees with. Our hand-rolled hashing must match it exactly.
    sol! {
        struct AssetRef {
            address collection;
            uint256 id;
        }
        struct ProvenanceRecord {
            address collection;
            uint256 id;
            uint256 modelId;
            bytes32 promptHash;
            bytes32 seedHash;
            bytes32 paramsHash;
            bytes32 contentHash;
            bytes32 humanHash;
            address creator;
            AssetRef[] parents;
        }
    }

    /// Hardhat/anvil dev account #0: a well-known private key.
    const DEV_KEY: B256 = b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    const DEV_ADDR: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

    fn to_sol(r: &RecordFields) -> ProvenanceRecord {
        ProvenanceRecord {
            collection: r.asset.collection,
            id: r.asset.id,
            modelId: r.model_id,
            promptHash: r.prompt_hash,
            seedHash: r.seed_hash,
            paramsHash: r.params_hash,
            contentHash: r.content_hash,
            humanHash: r.human_hash,
            creator: r.creator,
            parents: r
                .parents
                .iter()
                .map(|p| self::AssetRef {
                    collection: p.collection,
                    id: p.id,
                })
                .collect(),
        }
    }

    fn from_sol(r: &ProvenanceRecord) -> RecordFields {
        RecordFields {
            asset: super::AssetRef {
                collection: r.collection,
                id: r.id,
            },
            model_id: r.modelId,
            prompt_hash: r.promptHash,
            seed_hash: r.seedHash,
            params_hash: r.paramsHash,
            content_hash: r.contentHash,
            human_hash: r.humanHash,
            creator: r.creator,
            parents: r
                .parents
                .iter()
                .map(|p| super::AssetRef {
                    collection: p.collection,
                    id: p.id,
                })
                .collect(),
        }
    }

    fn sample() -> RecordFields {
        RecordFields {
            asset: super::AssetRef {
                collection: Address::repeat_byte(0xc0),
                id: U256::from(7),
            },
            model_id: U256::from(1),
            prompt_hash: prompt_hash("a red fox in the snow, watercolour"),
            seed_hash: seed_hash(42),
            params_hash: params_hash(br#"{"cfg":7,"steps":30}"#),
            content_hash: content_hash(b"\x89PNG fake image bytes"),
            human_hash: human_contribution_hash(b"hand-drawn mask and colour grading"),
            creator: Address::repeat_byte(0xa1),
            parents: vec![
                super::AssetRef {
                    collection: Address::repeat_byte(0xc0),
                    id: U256::from(1),
                },
                super::AssetRef {
                    collection: Address::repeat_byte(0xc1),
                    id: U256::from(2),
                },
            ],
        }
    }

    fn sign(digest: B256) -> [u8; SIGNATURE_LEN] {
        let signer = PrivateKeySigner::from_bytes(&DEV_KEY).unwrap();
        signer.sign_hash_sync(&digest).unwrap().as_bytes()
    }

    fn recover(digest: B256, sig: &[u8]) -> Option<Address> {
        let parsed = parse_signature(sig)?;
        let mut rs = [0u8; 64];
        rs[..32].copy_from_slice(parsed.r.as_slice());
        rs[32..].copy_from_slice(parsed.s.as_slice());
        PrimitiveSignature::from_bytes_and_parity(&rs, parsed.v == 28)
            .recover_address_from_prehash(&digest)
            .ok()
    }

    #[test]
    fn constants_are_the_hashes_of_their_strings() {
        assert_eq!(DOMAIN_TYPEHASH, keccak256(DOMAIN_TYPE));
        assert_eq!(DOMAIN_NAME_HASH, keccak256(DOMAIN_NAME));
        assert_eq!(DOMAIN_VERSION_HASH, keccak256(DOMAIN_VERSION));
        assert_eq!(ASSET_REF_TYPEHASH, keccak256(ASSET_REF_TYPE));
        assert_eq!(RECORD_TYPEHASH, keccak256(RECORD_TYPE));
        // Same type strings as alloy derives from the struct definitions.
        assert_eq!(ProvenanceRecord::eip712_encode_type(), RECORD_TYPE);
        assert_eq!(self::AssetRef::eip712_encode_type(), ASSET_REF_TYPE);
        // secp256k1 n / 2.
        let n = uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);
        assert_eq!(SECP256K1_HALF_ORDER, n >> 1);
    }

    #[test]
    fn field_hashes_match_known_values() {
        // NIST sha-256 test vector "abc".
        assert_eq!(
            content_hash(b"abc"),
            b256!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        // keccak256 of the empty string.
        let empty = b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assert_eq!(prompt_hash(""), empty);
        assert_eq!(params_hash(b""), empty);
        assert_eq!(human_contribution_hash(b""), empty);
        assert_eq!(seed_hash_bytes(b""), empty);
        // Exact bytes: no trimming.
        assert_ne!(prompt_hash("fox"), prompt_hash("fox\n"));
        assert_eq!(prompt_hash("fox"), keccak256(b"fox"));
        // Integer seed = keccak256(abi.encode(uint256(seed))).
        assert_eq!(seed_hash(42), keccak256(U256::from(42).abi_encode()));
        assert_ne!(seed_hash(42), seed_hash_bytes(b"42"));
    }

    #[test]
    fn eip712_matches_alloy() {
        let r = sample();
        let registry = Address::repeat_byte(0x99);
        let domain = eip712_domain! {
            name: DOMAIN_NAME,
            version: DOMAIN_VERSION,
            chain_id: 42161,
            verifying_contract: registry,
        };
        let sol = to_sol(&r);
        assert_eq!(domain_separator(42161, registry), domain.separator());
        assert_eq!(record_struct_hash(&r), sol.eip712_hash_struct());
        assert_eq!(
            record_digest(42161, registry, &r),
            sol.eip712_signing_hash(&domain)
        );
        assert_eq!(
            asset_ref_hash(&r.parents[0]),
            to_sol(&r).parents[0].eip712_hash_struct()
        );
        // No parents: keccak256 of the empty concatenation.
        let mut none = r.clone();
        none.parents.clear();
        assert_eq!(
            record_struct_hash(&none),
            to_sol(&none).eip712_hash_struct()
        );
        assert_eq!(parents_hash(&[]), keccak256(b""));
        // The domain binds chain and contract.
        assert_ne!(
            record_digest(1, registry, &r),
            record_digest(42161, registry, &r)
        );
        assert_ne!(
            record_digest(42161, Address::ZERO, &r),
            record_digest(42161, registry, &r)
        );
        assert_eq!(record_commitment(&r), record_struct_hash(&r));
    }

    #[test]
    fn known_key_signs_and_recovers() {
        assert_eq!(
            PrivateKeySigner::from_bytes(&DEV_KEY).unwrap().address(),
            DEV_ADDR
        );
        let digest = record_digest(42161, Address::repeat_byte(0x99), &sample());
        let sig = sign(digest);
        assert_eq!(recover(digest, &sig), Some(DEV_ADDR));
        // 0/1 parity byte is accepted too.
        let mut low_v = sig;
        low_v[64] -= 27;
        assert_eq!(parse_signature(&low_v), parse_signature(&sig));
    }

    #[test]
    fn parse_signature_rejects_bad_encodings() {
        let sig = sign(keccak256(b"x"));
        let p = parse_signature(&sig).unwrap();
        assert_eq!(p.r.as_slice(), &sig[..32]);
        assert_eq!(p.s.as_slice(), &sig[32..64]);
        assert!(p.v == 27 || p.v == 28);
        assert_eq!(parse_signature(&sig[..64]), None);
        assert_eq!(parse_signature(&[sig.as_slice(), &[0]].concat()), None);
        assert_eq!(parse_signature(&[]), None);
        for v in [2u8, 26, 29, 255] {
            let mut bad = sig;
            bad[64] = v;
            assert_eq!(parse_signature(&bad), None, "v = {v}");
        }
        // High-s twin of a valid signature (n - s, flipped v): rejected.
        let n = uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);
        let mut high = sig;
        high[32..64].copy_from_slice(&(n - U256::from_be_bytes(p.s.0)).to_be_bytes::<32>());
        high[64] = if p.v == 27 { 28 } else { 27 };
        assert_eq!(parse_signature(&high), None);
        // s exactly n/2 is still low.
        let mut edge = sig;
        edge[32..64].copy_from_slice(&SECP256K1_HALF_ORDER.to_be_bytes::<32>());
        assert!(parse_signature(&edge).is_some());
    }

    #[test]
    fn ecrecover_input_layout() {
        let p = Signature {
            r: B256::repeat_byte(1),
            s: B256::repeat_byte(2),
            v: 28,
        };
        let d = B256::repeat_byte(9);
        let input = ecrecover_input(d, &p);
        assert_eq!(&input[..32], d.as_slice());
        assert_eq!(U256::from_be_slice(&input[32..64]), U256::from(28));
        assert_eq!(&input[64..96], p.r.as_slice());
        assert_eq!(&input[96..], p.s.as_slice());
    }

    #[test]
    fn proof_round_trips() {
        let asset = super::AssetRef {
            collection: Address::repeat_byte(5),
            id: U256::MAX - U256::from(3),
        };
        let sig = [7u8; SIGNATURE_LEN];
        let proof = encode_proof(&asset, &sig);
        assert_eq!(proof.len(), PROOF_LEN);
        assert_eq!(
            proof,
            [
                asset.collection.as_slice(),
                &asset.id.to_be_bytes::<32>(),
                &sig
            ]
            .concat()
        );
        assert_eq!(decode_proof(&proof), Some((asset, &sig[..])));
        assert_eq!(decode_proof(&proof[1..]), None);
        assert_eq!(decode_proof(&[proof.as_slice(), &[0]].concat()), None);
        assert_eq!(decode_proof(&[]), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any record: our digest equals alloy's, the attester's signature
        /// recovers to the attester, and changing any single field (or the
        /// domain) makes the signature recover to someone else.
        #[test]
        fn any_record_signs_and_any_tamper_breaks_it(
            r in arb_record(),
            which in 0u8..11,
            salt in any::<u8>(),
            chain in any::<u64>(),
            registry in arb_address(),
        ) {
            let domain = eip712_domain! {
                name: DOMAIN_NAME,
                version: DOMAIN_VERSION,
                chain_id: chain,
                verifying_contract: registry,
            };
            let digest = record_digest(chain, registry, &r);
            prop_assert_eq!(digest, to_sol(&r).eip712_signing_hash(&domain));
            let sig = sign(digest);
            prop_assert_eq!(recover(digest, &sig), Some(DEV_ADDR));
            let t = tamper(&r, which, salt);
            let tampered = record_digest(chain, registry, &t);
            prop_assert_ne!(tampered, digest);
            prop_assert_ne!(recover(tampered, &sig), Some(DEV_ADDR));
            prop_assert_ne!(record_digest(chain ^ 1, registry, &r), digest);
            // The commit–reveal commitment binds every field too.
            prop_assert_ne!(record_commitment(&t), record_commitment(&r));
        }

        /// Any record survives the Solidity ABI encoding of the EIP-712
        /// struct (what a dApp or the CLI sends): same fields, same hash.
        #[test]
        fn any_record_round_trips_through_the_abi(r in arb_record()) {
            let encoded = to_sol(&r).abi_encode();
            let decoded = ProvenanceRecord::abi_decode(&encoded, true);
            prop_assert!(decoded.is_ok());
            let back = from_sol(&decoded.unwrap());
            prop_assert_eq!(record_struct_hash(&back), record_struct_hash(&r));
            prop_assert_eq!(back, r);
        }

        /// Any asset and signature bytes round-trip through the ERC-7007
        /// proof; any other length is refused.
        #[test]
        fn any_proof_round_trips(
            asset in arb_asset(),
            sig in (any::<[u8; 32]>(), any::<[u8; 32]>(), any::<u8>()).prop_map(|(a, b, v)| {
                let mut s = [0u8; SIGNATURE_LEN];
                s[..32].copy_from_slice(&a);
                s[32..64].copy_from_slice(&b);
                s[64] = v;
                s
            }),
            cut in 1usize..PROOF_LEN,
        ) {
            let proof = encode_proof(&asset, &sig);
            prop_assert_eq!(proof.len(), PROOF_LEN);
            prop_assert_eq!(decode_proof(&proof), Some((asset, sig.as_slice())));
            prop_assert_eq!(decode_proof(&proof[cut..]), None);
        }

        /// Any canonical `r ‖ s ‖ v` parses back to its parts, with either
        /// parity convention; a high `s` never parses.
        #[test]
        fn any_low_s_signature_parses(
            r in arb_b256(),
            s in arb_u256(),
            odd in any::<bool>(),
            eth_v in any::<bool>(),
        ) {
            let mut bytes = [0u8; SIGNATURE_LEN];
            bytes[..32].copy_from_slice(r.as_slice());
            bytes[32..64].copy_from_slice(&s.to_be_bytes::<32>());
            bytes[64] = u8::from(odd) + if eth_v { 27 } else { 0 };
            let parsed = parse_signature(&bytes);
            if s > SECP256K1_HALF_ORDER {
                prop_assert_eq!(parsed, None);
            } else {
                prop_assert_eq!(parsed, Some(Signature {
                    r,
                    s: B256::from(s),
                    v: 27 + u8::from(odd),
                }));
            }
        }

        /// Field hashes are the documented keccak / sha-256 of exact bytes.
        #[test]
        fn field_hashes_are_the_documented_digests(
            prompt in ".*",
            seed in any::<u64>(),
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            prop_assert_eq!(prompt_hash(&prompt), keccak256(prompt.as_bytes()));
            prop_assert_eq!(seed_hash(seed), keccak256(U256::from(seed).abi_encode()));
            prop_assert_eq!(seed_hash_bytes(&bytes), keccak256(&bytes));
            prop_assert_eq!(params_hash(&bytes), keccak256(&bytes));
            prop_assert_eq!(human_contribution_hash(&bytes), keccak256(&bytes));
            let sha = <[u8; 32]>::from(Sha256::digest(&bytes));
            prop_assert_eq!(content_hash(&bytes), B256::from(sha));
        }
    }
}
