//! Unit tests of the contract glue (motsu): every public function, every
//! error path, events, and EIP-712 signatures made in Rust with a known key
//! and checked by the contract through the `ecrecover` precompile.
//!
//! Failing calls are asserted with plain `unwrap_err` (not motsu's
//! reverting helpers), so the "nothing changed" checks that follow prove the
//! contract checks everything before writing, independently of revert.
use alloc::{string::String, vec, vec::Vec};
use core::cell::Cell;

use alloy_primitives::{address, b256, keccak256, Address, FixedBytes, B256, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use motsu::prelude::*;
use proptest::prelude::*;
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap},
};

use super::*;
use crate::hashing::{
    content_hash, human_contribution_hash, params_hash, prompt_hash, seed_hash, AssetRef,
    RecordFields,
};
use crate::logic::Bucket;
use stylus_ip_common::test_mocks::assert_encodes_like_alloy;

std::thread_local! {
    static EXTRA_BLOCKS: Cell<u64> = const { Cell::new(0) };
}

/// Blocks added to motsu's (constant) block number on this test thread.
pub(crate) fn extra_blocks() -> u64 {
    EXTRA_BLOCKS.with(Cell::get)
}

/// Mines `n` blocks on this test thread.
fn advance_blocks(n: u64) {
    EXTRA_BLOCKS.with(|b| b.set(b.get() + n));
}

/// motsu's default chain id (Arbitrum One).
const CHAIN_ID: u64 = 42161;
/// motsu's fixed block timestamp.
const MOTSU_TIMESTAMP: u64 = 1_735_689_600;
/// Hardhat/anvil dev account #0, the model attester in these tests.
const ATTESTER_KEY: B256 =
    b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const ATTESTER: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
/// Dev account #1: a key that is not the attester.
const OTHER_KEY: B256 = b256!("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const WEIGHTS: B256 = b256!("1111111111111111111111111111111111111111111111111111111111111111");

/// A minimal suite collection: a minter set and ERC-721 owners.
#[storage]
struct MockCollection {
    minters: StorageMap<Address, StorageBool>,
    owners: StorageMap<U256, StorageAddress>,
}

// SAFETY: test-only contract; motsu needs `TopLevelStorage` to route calls.
unsafe impl TopLevelStorage for MockCollection {}

#[public]
impl MockCollection {
    fn set_minter(&mut self, account: Address, on: bool) {
        self.minters.setter(account).set(on);
    }
    fn set_owner(&mut self, token_id: U256, owner: Address) {
        self.owners.setter(token_id).set(owner);
    }
    fn is_minter(&self, account: Address) -> bool {
        self.minters.get(account)
    }
    fn owner_of(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        let owner = self.owners.get(token_id);
        if owner.is_zero() {
            return Err(b"ERC721NonexistentToken".to_vec());
        }
        Ok(owner)
    }
}

/// A collection that only answers `isMinter` (like an ERC-1155).
#[storage]
struct MinterOnly {
    minter: StorageAddress,
}

// SAFETY: test-only contract; motsu needs `TopLevelStorage` to route calls.
unsafe impl TopLevelStorage for MinterOnly {}

#[public]
impl MinterOnly {
    fn set(&mut self, minter: Address) {
        self.minter.set(minter);
    }
    fn is_minter(&self, account: Address) -> bool {
        account == self.minter.get()
    }
}

/// Runs EVM init code made only of PUSH1/PUSH2, DUP1, CODECOPY and RETURN
/// (what `logic::data_init_code` emits) and returns the runtime code it
/// returns; `None` for any other opcode or a stack underflow. An
/// independent check of the constructor bytes, used by the test data store.
pub(crate) fn run_init_code(code: &[u8]) -> Option<Vec<u8>> {
    let (mut stack, mut memory, mut pc) = (Vec::<usize>::new(), Vec::<u8>::new(), 0usize);
    loop {
        let op = *code.get(pc)?;
        pc += 1;
        match op {
            0x60 | 0x61 => {
                let n = usize::from(op - 0x5f);
                let v = code
                    .get(pc..pc + n)?
                    .iter()
                    .fold(0, |a, &b| (a << 8) | usize::from(b));
                stack.push(v);
                pc += n;
            }
            0x80 => stack.push(*stack.last()?),
            0x39 => {
                let (dest, offset, size) = (stack.pop()?, stack.pop()?, stack.pop()?);
                if memory.len() < dest + size {
                    memory.resize(dest + size, 0);
                }
                for i in 0..size {
                    memory[dest + i] = code.get(offset + i).copied().unwrap_or(0);
                }
            }
            0xf3 => {
                let (offset, size) = (stack.pop()?, stack.pop()?);
                let mut out = memory.get(offset..).unwrap_or_default().to_vec();
                out.resize(size, 0);
                return Some(out);
            }
            _ => return None,
        }
    }
}

fn signer(key: B256) -> PrivateKeySigner {
    // SAFETY (test): the constants are valid secp256k1 keys.
    PrivateKeySigner::from_bytes(&key).unwrap()
}

fn enc(e: Error) -> Vec<u8> {
    e.into()
}

fn register(reg: &Contract<ProvenanceRegistry>, owner: Address, commit_reveal: bool) -> U256 {
    reg.sender(owner)
        .register_model(
            WEIGHTS,
            "sdxl-1.0".into(),
            "ipfs://model".into(),
            ATTESTER,
            U256::ZERO,
            commit_reveal,
            Address::ZERO,
            U256::ZERO,
        )
        .motsu_unwrap()
}

/// `provenanceOf(collection, id)` as `caller` reads it (the record exists).
fn read_view(
    reg: &Contract<ProvenanceRegistry>,
    caller: Address,
    collection: Address,
    id: u64,
) -> ProvenanceView {
    reg.sender(caller)
        .provenance_of(collection, U256::from(id))
        .motsu_unwrap()
}

/// Registers a model (no commit–reveal) owned by `creator` and makes
/// `creator` a minter of `nft`; returns the model id.
fn minter_model(
    reg: &Contract<ProvenanceRegistry>,
    nft: &Contract<MockCollection>,
    creator: Address,
) -> U256 {
    let model = register(reg, creator, false);
    nft.sender(creator).set_minter(creator, true);
    model
}

fn fields(collection: Address, id: u64, model_id: U256, creator: Address) -> RecordFields {
    RecordFields {
        asset: AssetRef {
            collection,
            id: U256::from(id),
        },
        model_id,
        prompt_hash: prompt_hash("a red fox in the snow, watercolour"),
        seed_hash: seed_hash(42),
        params_hash: params_hash(br#"{"cfg":7,"steps":30}"#),
        content_hash: content_hash(b"\x89PNG fake image"),
        human_hash: human_contribution_hash(b"hand-drawn mask"),
        creator,
        parents: vec![],
    }
}

fn sign_with(reg: &Contract<ProvenanceRegistry>, f: &RecordFields, key: B256) -> [u8; 65] {
    let digest = hashing::record_digest(CHAIN_ID, reg.address(), f);
    // SAFETY (test): signing a prehash with a valid key cannot fail.
    signer(key).sign_hash_sync(&digest).unwrap().as_bytes()
}

fn sign(reg: &Contract<ProvenanceRegistry>, f: &RecordFields) -> [u8; 65] {
    sign_with(reg, f, ATTESTER_KEY)
}

/// Calls `recordProvenance` with `f` (its creator is the sender).
fn write(reg: &Contract<ProvenanceRegistry>, f: &RecordFields, sig: &[u8]) -> Result<(), Error> {
    reg.sender(f.creator).record_provenance(
        f.asset.collection,
        f.asset.id,
        f.model_id,
        f.prompt_hash,
        f.seed_hash,
        f.params_hash,
        f.content_hash,
        f.human_hash,
        f.parents.iter().map(|p| p.collection).collect(),
        f.parents.iter().map(|p| p.id).collect(),
        Bytes::from(sig.to_vec()),
    )
}

fn proof(f: &RecordFields, sig: &[u8; 65]) -> Bytes {
    Bytes::from(hashing::encode_proof(&f.asset, sig))
}

fn prompt_bytes() -> Bytes {
    Bytes::from(b"a red fox in the snow, watercolour".to_vec())
}

fn content_bytes(f: &RecordFields) -> Bytes {
    Bytes::from(f.content_hash.to_vec())
}

// ---------------------------------------------------------------- models

#[motsu::test]
fn register_model_stores_everything_and_emits(reg: Contract<ProvenanceRegistry>, alice: Address) {
    assert_eq!(reg.sender(alice).model_count(), U256::ZERO);
    let id = register(&reg, alice, true);
    assert_eq!(id, U256::from(1));
    assert_eq!(reg.sender(alice).model_count(), U256::from(1));
    let m = reg.sender(alice).model_of(id).motsu_unwrap().into_tuple();
    assert_eq!(
        m,
        (
            alice,
            ATTESTER,
            WEIGHTS,
            String::from("sdxl-1.0"),
            String::from("ipfs://model"),
            U256::ZERO,
            false,
            true,
            Address::ZERO,
            U256::ZERO,
            MOTSU_TIMESTAMP
        )
    );
    reg.assert_emitted(&ModelRegistered {
        modelId: id,
        owner: alice,
        parentModelId: U256::ZERO,
        weightsHash: WEIGHTS,
        attester: ATTESTER,
        commitReveal: true,
        version: "sdxl-1.0".into(),
        uri: "ipfs://model".into(),
    });
    assert_eq!(register(&reg, alice, false), U256::from(2));
}

#[motsu::test]
fn register_model_errors(reg: Contract<ProvenanceRegistry>, alice: Address, bob: Address) {
    let err = reg
        .sender(alice)
        .register_model(
            WEIGHTS,
            "v".into(),
            "u".into(),
            Address::ZERO,
            U256::ZERO,
            false,
            Address::ZERO,
            U256::ZERO,
        )
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::InvalidAttester(ProvenanceInvalidAttester {
            attester: Address::ZERO
        }))
    );
    assert_eq!(reg.sender(alice).model_count(), U256::ZERO);
    assert!(reg.all_events().is_empty());

    // Unknown parent.
    let err = reg
        .sender(alice)
        .register_model(
            WEIGHTS,
            "v".into(),
            "u".into(),
            ATTESTER,
            U256::from(9),
            false,
            Address::ZERO,
            U256::ZERO,
        )
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::UnknownModel(ProvenanceUnknownModel {
            modelId: U256::from(9)
        }))
    );
    assert_eq!(reg.sender(alice).model_count(), U256::ZERO);

    // New version of someone else's model.
    let v1 = register(&reg, alice, false);
    let events = reg.all_events().len();
    let err = reg
        .sender(bob)
        .register_model(
            WEIGHTS,
            "v2".into(),
            "u".into(),
            ATTESTER,
            v1,
            false,
            Address::ZERO,
            U256::ZERO,
        )
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::NotModelOwner(ProvenanceNotModelOwner {
            modelId: v1,
            account: bob
        }))
    );
    assert_eq!(reg.sender(alice).model_count(), U256::from(1));
    assert_eq!(reg.all_events().len(), events);
}

#[motsu::test]
fn new_versions_link_to_their_parent(reg: Contract<ProvenanceRegistry>, alice: Address) {
    let v1 = register(&reg, alice, false);
    let v2 = reg
        .sender(alice)
        .register_model(
            B256::repeat_byte(2),
            "sdxl-1.1".into(),
            "ipfs://v2".into(),
            ATTESTER,
            v1,
            false,
            Address::ZERO,
            U256::ZERO,
        )
        .motsu_unwrap();
    assert_eq!(v2, U256::from(2));
    let m = reg.sender(alice).model_of(v2).motsu_unwrap().into_tuple();
    assert_eq!(
        (m.2, m.3.as_str(), m.5),
        (B256::repeat_byte(2), "sdxl-1.1", v1)
    );
    // Retiring the old version does not block new versions of it.
    reg.sender(alice).retire_model(v1).motsu_unwrap();
    let v3 = reg
        .sender(alice)
        .register_model(
            WEIGHTS,
            "sdxl-1.2".into(),
            "u".into(),
            ATTESTER,
            v1,
            false,
            Address::ZERO,
            U256::ZERO,
        )
        .motsu_unwrap();
    assert_eq!(
        reg.sender(alice).model_of(v3).motsu_unwrap().into_tuple().5,
        v1
    );
}

#[motsu::test]
fn model_of_unknown_model(reg: Contract<ProvenanceRegistry>, alice: Address) {
    for id in [U256::ZERO, U256::from(1), U256::MAX] {
        let err = reg.sender(alice).model_of(id).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::UnknownModel(ProvenanceUnknownModel { modelId: id }))
        );
    }
}

#[motsu::test]
fn retire_model_works_once_and_only_for_the_owner(
    reg: Contract<ProvenanceRegistry>,
    alice: Address,
    bob: Address,
) {
    let id = register(&reg, alice, false);
    let err = reg.sender(bob).retire_model(id).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::NotModelOwner(ProvenanceNotModelOwner {
            modelId: id,
            account: bob
        }))
    );
    assert!(!reg.sender(alice).model_of(id).motsu_unwrap().into_tuple().6);
    let err = reg.sender(alice).retire_model(U256::from(5)).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::UnknownModel(ProvenanceUnknownModel {
            modelId: U256::from(5)
        }))
    );

    reg.sender(alice).retire_model(id).motsu_unwrap();
    assert!(reg.sender(alice).model_of(id).motsu_unwrap().into_tuple().6);
    reg.assert_emitted(&ModelRetired { modelId: id });
    let events = reg.all_events().len();
    let err = reg.sender(alice).retire_model(id).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::ModelRetired(ProvenanceModelRetired { modelId: id }))
    );
    assert_eq!(reg.all_events().len(), events);
}

#[motsu::test]
fn register_model_with_model_nft(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    bob: Address,
) {
    let token = U256::from(77);
    nft.sender(alice).set_owner(token, alice);
    nft.sender(alice).set_owner(U256::from(78), bob);
    let with_nft = |t: U256| {
        reg.sender(alice).register_model(
            WEIGHTS,
            "v".into(),
            "u".into(),
            ATTESTER,
            U256::ZERO,
            false,
            nft.address(),
            t,
        )
    };

    // Token owned by someone else / nonexistent (ownerOf reverts): refused,
    // nothing registered.
    for t in [U256::from(78), U256::from(79)] {
        let err = with_nft(t).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::NotTokenOwner(ProvenanceNotTokenOwner {
                collection: nft.address(),
                tokenId: t,
                account: alice
            }))
        );
    }
    assert_eq!(reg.sender(alice).model_count(), U256::ZERO);
    assert!(reg.all_events().is_empty());

    let id = with_nft(token).motsu_unwrap();
    let m = reg.sender(alice).model_of(id).motsu_unwrap().into_tuple();
    assert_eq!((m.8, m.9), (nft.address(), token));
    reg.assert_emitted(&ModelNftLinked {
        modelId: id,
        collection: nft.address(),
        tokenId: token,
    });

    // Without a model NFT: nothing linked, no link event.
    let plain = register(&reg, alice, false);
    let m = reg
        .sender(alice)
        .model_of(plain)
        .motsu_unwrap()
        .into_tuple();
    assert_eq!((m.8, m.9), (Address::ZERO, U256::ZERO));
    assert!(!reg.emitted(&ModelNftLinked {
        modelId: plain,
        collection: Address::ZERO,
        tokenId: U256::ZERO
    }));
}

// --------------------------------------------------------------- records

#[motsu::test]
fn attested_record_by_minter_round_trips_and_verifies(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    bob: Address,
) {
    let model = register(&reg, alice, false);
    nft.sender(alice).set_minter(bob, true);
    let f = fields(nft.address(), 1, model, bob);
    let sig = sign(&reg, &f);
    assert!(!reg.sender(bob).has_provenance(nft.address(), U256::from(1)));
    write(&reg, &f, &sig).motsu_unwrap();

    assert!(reg.sender(bob).has_provenance(nft.address(), U256::from(1)));
    let view = read_view(&reg, alice, nft.address(), 1);
    assert_eq!(
        view,
        (
            model,
            f.prompt_hash,
            f.seed_hash,
            f.params_hash,
            f.content_hash,
            f.human_hash,
            bob,
            MOTSU_TIMESTAMP,
            true,
        )
    );
    assert_eq!(
        reg.sender(alice)
            .lineage(nft.address(), U256::from(1), 1)
            .motsu_unwrap()
            .into_tuple(),
        (vec![], vec![], vec![], false)
    );
    reg.assert_emitted(&ProvenanceRecorded {
        collection: nft.address(),
        id: U256::from(1),
        modelId: model,
        creator: bob,
        structHash: hashing::record_struct_hash(&f),
        promptHash: f.prompt_hash,
        contentHash: f.content_hash,
        parentCollections: vec![],
        parentIds: vec![],
    });
    reg.assert_emitted(&ProvenanceAttested {
        collection: nft.address(),
        id: U256::from(1),
        attester: ATTESTER,
    });
    assert!(reg
        .sender(alice)
        .verify(prompt_bytes(), content_bytes(&f), proof(&f, &sig)));
}

#[motsu::test]
fn unattested_record_by_token_owner_then_attest(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    carol: Address,
) {
    let model = register(&reg, alice, false);
    nft.sender(alice).set_owner(U256::from(5), carol);
    let f = fields(nft.address(), 5, model, carol);
    write(&reg, &f, &[]).motsu_unwrap();
    let view = read_view(&reg, carol, nft.address(), 5);
    assert_eq!((view.6, view.8), (carol, false));
    assert!(!reg.emitted(&ProvenanceAttested {
        collection: nft.address(),
        id: U256::from(5),
        attester: ATTESTER
    }));

    // A valid proof verifies whether or not the record stored an attestation.
    let sig = sign(&reg, &f);
    assert!(reg
        .sender(alice)
        .verify(prompt_bytes(), content_bytes(&f), proof(&f, &sig)));

    // Wrong signer / signature over other fields: rejected, nothing changes.
    let mut other = f.clone();
    other.seed_hash = seed_hash(43);
    for bad in [sign_with(&reg, &f, OTHER_KEY), sign(&reg, &other)] {
        let err = reg
            .sender(alice)
            .attest(nft.address(), U256::from(5), Bytes::from(bad.to_vec()))
            .unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::InvalidSignature(ProvenanceInvalidSignature {}))
        );
    }
    let err = reg
        .sender(alice)
        .attest(nft.address(), U256::from(5), Bytes::from(vec![1u8; 10]))
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::InvalidSignature(ProvenanceInvalidSignature {}))
    );
    assert!(!read_view(&reg, carol, nft.address(), 5).8);

    // Anyone may submit the attester's signature.
    reg.sender(alice)
        .attest(nft.address(), U256::from(5), Bytes::from(sig.to_vec()))
        .motsu_unwrap();
    assert!(read_view(&reg, carol, nft.address(), 5).8);
    reg.assert_emitted(&ProvenanceAttested {
        collection: nft.address(),
        id: U256::from(5),
        attester: ATTESTER,
    });

    let err = reg
        .sender(alice)
        .attest(nft.address(), U256::from(5), Bytes::from(sig.to_vec()))
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::AlreadyAttested(ProvenanceAlreadyAttested {
            collection: nft.address(),
            id: U256::from(5)
        }))
    );
}

#[motsu::test]
fn attest_errors(reg: Contract<ProvenanceRegistry>, nft: Contract<MockCollection>, alice: Address) {
    let model = minter_model(&reg, &nft, alice);
    let f = fields(nft.address(), 1, model, alice);
    let sig = sign(&reg, &f);
    let err = reg
        .sender(alice)
        .attest(nft.address(), U256::from(1), Bytes::from(sig.to_vec()))
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::NonexistentRecord(ProvenanceNonexistentRecord {
            collection: nft.address(),
            id: U256::from(1)
        }))
    );
    write(&reg, &f, &[]).motsu_unwrap();
    reg.sender(alice).retire_model(model).motsu_unwrap();
    let err = reg
        .sender(alice)
        .attest(nft.address(), U256::from(1), Bytes::from(sig.to_vec()))
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::ModelRetired(ProvenanceModelRetired {
            modelId: model
        }))
    );
    assert!(!read_view(&reg, alice, nft.address(), 1).8);
}

#[motsu::test]
fn minter_of_an_erc1155_style_collection_may_write(
    reg: Contract<ProvenanceRegistry>,
    editions: Contract<MinterOnly>,
    alice: Address,
    bob: Address,
) {
    let model = register(&reg, alice, false);
    editions.sender(alice).set(alice);
    write(&reg, &fields(editions.address(), 3, model, alice), &[]).motsu_unwrap();
    // No ownerOf at all: a non-minter is refused (the failed call counts as "no").
    let err = write(&reg, &fields(editions.address(), 4, model, bob), &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::UnauthorizedWriter(ProvenanceUnauthorizedWriter {
            collection: editions.address(),
            id: U256::from(4),
            account: bob
        }))
    );
}

#[motsu::test]
fn record_is_write_once(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    bob: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    nft.sender(alice).set_minter(bob, true);
    let f = fields(nft.address(), 1, model, alice);
    write(&reg, &f, &sign(&reg, &f)).motsu_unwrap();
    let before = read_view(&reg, alice, nft.address(), 1);
    let events = reg.all_events().len();
    for mut again in [f, fields(nft.address(), 1, model, bob)] {
        again.prompt_hash = prompt_hash("something else");
        let err = write(&reg, &again, &[]).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::RecordExists(ProvenanceRecordExists {
                collection: nft.address(),
                id: U256::from(1)
            }))
        );
    }
    assert_eq!(read_view(&reg, alice, nft.address(), 1), before);
    assert_eq!(reg.all_events().len(), events);
}

#[motsu::test]
fn wrong_writer_is_refused(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    bob: Address,
    mallory: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    nft.sender(alice).set_owner(U256::from(1), bob);
    let events = reg.all_events().len();
    // Token 1 belongs to bob; token 2 does not exist (ownerOf reverts).
    for id in [1u64, 2] {
        let f = fields(nft.address(), id, model, mallory);
        let err = write(&reg, &f, &sign(&reg, &f)).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::UnauthorizedWriter(ProvenanceUnauthorizedWriter {
                collection: nft.address(),
                id: U256::from(id),
                account: mallory
            }))
        );
        assert!(!reg
            .sender(alice)
            .has_provenance(nft.address(), U256::from(id)));
    }
    assert_eq!(reg.all_events().len(), events);
    // A revoked minter is refused too.
    nft.sender(alice).set_minter(alice, false);
    assert!(write(&reg, &fields(nft.address(), 3, model, alice), &[]).is_err());
    // The owner and the minter may.
    write(&reg, &fields(nft.address(), 1, model, bob), &[]).motsu_unwrap();
    nft.sender(alice).set_minter(alice, true);
    write(&reg, &fields(nft.address(), 3, model, alice), &[]).motsu_unwrap();
}

#[motsu::test]
fn unknown_or_retired_model_is_refused(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    nft.sender(alice).set_minter(alice, true);
    let err = write(&reg, &fields(nft.address(), 1, U256::from(1), alice), &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::UnknownModel(ProvenanceUnknownModel {
            modelId: U256::from(1)
        }))
    );
    let model = register(&reg, alice, false);
    reg.sender(alice).retire_model(model).motsu_unwrap();
    let f = fields(nft.address(), 1, model, alice);
    let err = write(&reg, &f, &sign(&reg, &f)).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::ModelRetired(ProvenanceModelRetired {
            modelId: model
        }))
    );
    assert!(!reg
        .sender(alice)
        .has_provenance(nft.address(), U256::from(1)));
}

#[motsu::test]
fn bad_signatures_are_refused(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let f = fields(nft.address(), 1, model, alice);
    let good = sign(&reg, &f);
    let mut tampered = f.clone();
    tampered.content_hash = content_hash(b"another image");
    let mut high_s = good;
    let n = alloy_primitives::uint!(
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256
    );
    let s = U256::from_be_slice(&good[32..64]);
    high_s[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
    high_s[64] = if good[64] == 27 { 28 } else { 27 };
    let mut bad_v = good;
    bad_v[64] = 29;
    let mut other_creator = f.clone();
    other_creator.creator = Address::repeat_byte(1);
    let bad: [Vec<u8>; 7] = [
        sign_with(&reg, &f, OTHER_KEY).to_vec(),
        sign(&reg, &tampered).to_vec(),
        sign(&reg, &other_creator).to_vec(),
        high_s.to_vec(),
        bad_v.to_vec(),
        good[..64].to_vec(),
        vec![0u8; 65],
    ];
    for sig in bad {
        let err = write(&reg, &f, &sig).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::InvalidSignature(ProvenanceInvalidSignature {}))
        );
        assert!(!reg
            .sender(alice)
            .has_provenance(nft.address(), U256::from(1)));
    }
    // A digest signed for another registry address or chain does not verify either.
    let foreign = hashing::record_digest(CHAIN_ID, Address::repeat_byte(0x42), &f);
    let foreign_sig = signer(ATTESTER_KEY)
        .sign_hash_sync(&foreign)
        .unwrap()
        .as_bytes();
    assert!(write(&reg, &f, &foreign_sig).is_err());
    // The 0/1 parity encoding of the good signature is accepted.
    let mut low_v = good;
    low_v[64] -= 27;
    write(&reg, &f, &low_v).motsu_unwrap();
    assert!(read_view(&reg, alice, nft.address(), 1).8);
}

#[motsu::test]
fn parents_are_validated_and_round_trip(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let c = nft.address();
    write(&reg, &fields(c, 1, model, alice), &[]).motsu_unwrap();
    write(&reg, &fields(c, 2, model, alice), &[]).motsu_unwrap();
    let asset = |id: u64| AssetRef {
        collection: c,
        id: U256::from(id),
    };

    let mut f = fields(c, 10, model, alice);
    // Missing parent (no record), including the asset itself.
    for missing in [3u64, 10] {
        f.parents = vec![asset(1), asset(missing)];
        let err = write(&reg, &f, &[]).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::MissingParent(ProvenanceMissingParent {
                collection: c,
                id: U256::from(missing)
            }))
        );
    }
    // Duplicate.
    f.parents = vec![asset(1), asset(2), asset(1)];
    let err = write(&reg, &f, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::DuplicateParent(ProvenanceDuplicateParent {
            collection: c,
            id: U256::from(1)
        }))
    );
    // Too many.
    f.parents = (1..=9).map(asset).collect();
    let err = write(&reg, &f, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::TooManyParents(ProvenanceTooManyParents {
            count: U256::from(9),
            max: U256::from(8)
        }))
    );
    // Length mismatch.
    let err = reg
        .sender(alice)
        .record_provenance(
            c,
            U256::from(10),
            model,
            f.prompt_hash,
            f.seed_hash,
            f.params_hash,
            f.content_hash,
            f.human_hash,
            vec![c, c],
            vec![U256::from(1)],
            Bytes::from(Vec::new()),
        )
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::ParentsLengthMismatch(
            ProvenanceParentsLengthMismatch {
                collections: U256::from(2),
                ids: U256::from(1)
            }
        ))
    );
    assert!(!reg.sender(alice).has_provenance(c, U256::from(10)));

    // Valid: parents stored in order, signed over them, emitted.
    f.parents = vec![asset(2), asset(1)];
    let sig = sign(&reg, &f);
    write(&reg, &f, &sig).motsu_unwrap();
    let parents = reg
        .sender(alice)
        .lineage(c, U256::from(10), 1)
        .motsu_unwrap()
        .into_tuple();
    assert_eq!(
        parents,
        (
            vec![c, c],
            vec![U256::from(2), U256::from(1)],
            vec![1, 1],
            false
        )
    );
    reg.assert_emitted(&ProvenanceRecorded {
        collection: c,
        id: U256::from(10),
        modelId: model,
        creator: alice,
        structHash: hashing::record_struct_hash(&f),
        promptHash: f.prompt_hash,
        contentHash: f.content_hash,
        parentCollections: vec![c, c],
        parentIds: vec![U256::from(2), U256::from(1)],
    });
    assert!(reg
        .sender(alice)
        .verify(prompt_bytes(), content_bytes(&f), proof(&f, &sig)));
}

#[motsu::test]
fn lineage_walks_the_dag(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let c = nft.address();
    let asset = |id: u64| AssetRef {
        collection: c,
        id: U256::from(id),
    };
    // 1, 2 roots; 3 <- {1}; 4 <- {1, 2}; 5 <- {3, 4} (1 reachable twice).
    for (id, parents) in [
        (1u64, vec![]),
        (2, vec![]),
        (3, vec![1u64]),
        (4, vec![1, 2]),
        (5, vec![3, 4]),
    ] {
        let mut f = fields(c, id, model, alice);
        f.parents = parents.into_iter().map(asset).collect();
        write(&reg, &f, &[]).motsu_unwrap();
    }
    let l = reg
        .sender(alice)
        .lineage(c, U256::from(5), 16)
        .motsu_unwrap()
        .into_tuple();
    assert_eq!(
        l,
        (
            vec![c; 4],
            vec![U256::from(3), U256::from(4), U256::from(1), U256::from(2)],
            vec![1, 1, 2, 2],
            false
        )
    );
    assert_eq!(
        reg.sender(alice)
            .lineage(c, U256::from(5), 1)
            .motsu_unwrap()
            .into_tuple()
            .1,
        vec![U256::from(3), U256::from(4)]
    );
    assert_eq!(
        reg.sender(alice)
            .lineage(c, U256::from(5), 0)
            .motsu_unwrap()
            .into_tuple(),
        (vec![], vec![], vec![], false)
    );
    assert_eq!(
        reg.sender(alice)
            .lineage(c, U256::from(1), 16)
            .motsu_unwrap()
            .into_tuple(),
        (vec![], vec![], vec![], false)
    );

    let err = reg.sender(alice).lineage(c, U256::from(5), 17).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::LineageTooDeep(ProvenanceLineageTooDeep {
            maxDepth: 17,
            limit: 16
        }))
    );
    let err = reg.sender(alice).lineage(c, U256::from(99), 1).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::NonexistentRecord(ProvenanceNonexistentRecord {
            collection: c,
            id: U256::from(99)
        }))
    );
}

#[motsu::test]
fn lineage_is_truncated_at_the_node_limit(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let c = nft.address();
    let asset = |id: u64| AssetRef {
        collection: c,
        id: U256::from(id),
    };
    // 72 grandparents (ids 100..172), 8 parents (ids 10..18) with 8 (disjoint)
    // parents each, one child (id 1): 80 ancestors > MAX_LINEAGE_NODES.
    for gp in 100..172u64 {
        write(&reg, &fields(c, gp, model, alice), &[]).motsu_unwrap();
    }
    for (i, p) in (10..18u64).enumerate() {
        let mut f = fields(c, p, model, alice);
        f.parents = (0..8).map(|j| asset(100 + 8 * i as u64 + j)).collect();
        write(&reg, &f, &[]).motsu_unwrap();
    }
    let mut child = fields(c, 1, model, alice);
    child.parents = (10..18).map(asset).collect();
    write(&reg, &child, &[]).motsu_unwrap();

    let (cs, ids, depths, truncated) = reg
        .sender(alice)
        .lineage(c, U256::from(1), 2)
        .motsu_unwrap()
        .into_tuple();
    assert!(truncated);
    assert_eq!(ids.len(), logic::MAX_LINEAGE_NODES);
    assert_eq!(cs.len(), ids.len());
    assert_eq!(&depths[..8], &[1; 8]);
    assert!(depths[8..].iter().all(|&d| d == 2));
    assert_eq!(
        ids[..8],
        (10..18u64).map(U256::from).collect::<Vec<_>>()[..]
    );
    // One generation fits.
    let one = reg
        .sender(alice)
        .lineage(c, U256::from(1), 1)
        .motsu_unwrap()
        .into_tuple();
    assert_eq!((one.1.len(), one.3), (8, false));
}

// ---------------------------------------------------------- commit–reveal

#[motsu::test]
fn commit_reveal_guard(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    bob: Address,
) {
    EXTRA_BLOCKS.with(|b| b.set(100));
    let model = register(&reg, alice, true);
    nft.sender(alice).set_minter(alice, true);
    nft.sender(alice).set_minter(bob, true);
    let f = fields(nft.address(), 1, model, alice);
    let c = hashing::record_commitment(&f);

    // Reveal without commit.
    let err = write(&reg, &f, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RevealWithoutCommit(ProvenanceRevealWithoutCommit {
            commitment: c
        }))
    );

    // Commit, then reveal in the same block.
    assert_eq!(reg.sender(alice).commit_ready_at(alice, c), 0);
    reg.sender(alice).commit(c).motsu_unwrap();
    reg.assert_emitted(&Committed {
        committer: alice,
        commitment: c,
        blockNumber: 100,
    });
    assert_eq!(reg.sender(alice).commit_ready_at(alice, c), 101);
    let err = write(&reg, &f, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RevealTooEarly(ProvenanceRevealTooEarly {
            commitment: c,
            readyAtBlock: 101
        }))
    );
    // Same commitment again.
    let err = reg.sender(alice).commit(c).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::CommitmentExists(ProvenanceCommitmentExists {
            commitment: c
        }))
    );

    advance_blocks(1);
    // Someone else's commitment, or a commitment to other fields, does not count.
    let fb = fields(nft.address(), 1, model, bob);
    reg.sender(bob).commit(c).motsu_unwrap();
    let err = write(&reg, &fb, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RevealWithoutCommit(ProvenanceRevealWithoutCommit {
            commitment: hashing::record_commitment(&fb)
        }))
    );
    let mut changed = f.clone();
    changed.seed_hash = seed_hash(7);
    let err = write(&reg, &changed, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RevealWithoutCommit(ProvenanceRevealWithoutCommit {
            commitment: hashing::record_commitment(&changed)
        }))
    );
    assert!(!reg
        .sender(alice)
        .has_provenance(nft.address(), U256::from(1)));

    // The real reveal, one block later: succeeds and consumes the commitment.
    write(&reg, &f, &sign(&reg, &f)).motsu_unwrap();
    assert_eq!(reg.sender(alice).commit_ready_at(alice, c), 0);
    assert_eq!(reg.sender(alice).commit_ready_at(bob, c), 102);
    assert!(read_view(&reg, alice, nft.address(), 1).8);
}

#[motsu::test]
fn models_without_commit_reveal_ignore_commitments(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    EXTRA_BLOCKS.with(|b| b.set(0));
    let model = minter_model(&reg, &nft, alice);
    let f = fields(nft.address(), 1, model, alice);
    // A commitment made in block 0 (motsu's VM) is stored as ready at 1.
    reg.sender(alice)
        .commit(hashing::record_commitment(&f))
        .motsu_unwrap();
    assert_eq!(
        reg.sender(alice)
            .commit_ready_at(alice, hashing::record_commitment(&f)),
        1
    );
    write(&reg, &f, &[]).motsu_unwrap();
    // Not consumed: the model does not use commit–reveal.
    assert_eq!(
        reg.sender(alice)
            .commit_ready_at(alice, hashing::record_commitment(&f)),
        1
    );
}

// ----------------------------------------------------------------- verify

#[motsu::test]
fn verify_rejects_anything_that_does_not_match(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let f = fields(nft.address(), 1, model, alice);
    let sig = sign(&reg, &f);
    // Before the record exists, even a correct proof is false.
    assert!(!reg
        .sender(alice)
        .verify(prompt_bytes(), content_bytes(&f), proof(&f, &sig)));
    write(&reg, &f, &sig).motsu_unwrap();
    let v = |p: Bytes, d: Bytes, pr: Bytes| reg.sender(alice).verify(p, d, pr);
    assert!(v(prompt_bytes(), content_bytes(&f), proof(&f, &sig)));

    assert!(!v(
        Bytes::from(b"a red fox in the snow, watercolour ".to_vec()),
        content_bytes(&f),
        proof(&f, &sig)
    ));
    assert!(!v(
        Bytes::from(Vec::new()),
        content_bytes(&f),
        proof(&f, &sig)
    ));
    assert!(!v(
        prompt_bytes(),
        Bytes::from(content_hash(b"other").to_vec()),
        proof(&f, &sig)
    ));
    assert!(!v(
        prompt_bytes(),
        Bytes::from([f.content_hash.as_slice(), &[0]].concat()),
        proof(&f, &sig)
    ));
    assert!(!v(
        prompt_bytes(),
        Bytes::from(f.content_hash[..31].to_vec()),
        proof(&f, &sig)
    ));
    // The raw content is not accepted in place of its hash.
    assert!(!v(
        prompt_bytes(),
        Bytes::from(b"\x89PNG fake image".to_vec()),
        proof(&f, &sig)
    ));
    let mut p = proof(&f, &sig).to_vec();
    p.pop();
    assert!(!v(prompt_bytes(), content_bytes(&f), Bytes::from(p)));
    assert!(!v(
        prompt_bytes(),
        content_bytes(&f),
        Bytes::from(Vec::new())
    ));
    assert!(!v(
        prompt_bytes(),
        content_bytes(&f),
        proof(&f, &sign_with(&reg, &f, OTHER_KEY))
    ));
    let mut elsewhere = f.clone();
    elsewhere.asset.id = U256::from(2);
    assert!(!v(
        prompt_bytes(),
        content_bytes(&f),
        proof(&elsewhere, &sig)
    ));
    let mut flipped = sig;
    flipped[10] ^= 1;
    assert!(!v(prompt_bytes(), content_bytes(&f), proof(&f, &flipped)));
}

// ------------------------------------------------------------------ misc

#[motsu::test]
fn domain_separator_matches_the_off_chain_maths(reg: Contract<ProvenanceRegistry>, alice: Address) {
    assert_eq!(
        reg.sender(alice).domain_separator(),
        hashing::domain_separator(CHAIN_ID, reg.address())
    );
    assert_eq!(signer(ATTESTER_KEY).address(), ATTESTER);
}

/// Canonical signatures of every public function of the registry except
/// `supportsInterface` (must match the exported ABI).
const REGISTRY_FUNCTIONS: [&str; 13] = [
    "registerModel(bytes32,string,string,address,uint256,bool,address,uint256)",
    "retireModel(uint256)",
    "commit(bytes32)",
    "recordProvenance(address,uint256,uint256,bytes32,bytes32,bytes32,bytes32,bytes32,address[],uint256[],bytes)",
    "recordProvenanceBatch(address,uint256[],uint256,bytes32[],bytes32[],bytes32[],bytes32[],bytes32[],bytes)",
    "attest(address,uint256,bytes)",
    "verify(bytes,bytes,bytes)",
    "provenanceOf(address,uint256)",
    "hasProvenance(address,uint256)",
    "modelOf(uint256)",
    "modelCount()",
    "lineage(address,uint256,uint32)",
    "domainSeparator()",
];

#[test]
fn interface_ids_are_xors_of_selectors() {
    let selector = |s: &str| FixedBytes::<4>::from_slice(&keccak256(s)[..4]);
    assert_eq!(IERC165_ID, selector("supportsInterface(bytes4)"));
    let id = REGISTRY_FUNCTIONS
        .iter()
        .fold(FixedBytes::<4>::ZERO, |acc, s| acc ^ selector(s));
    assert_eq!(IPROVENANCE_REGISTRY_ID, id);
}

#[motsu::test]
fn supports_interface(reg: Contract<ProvenanceRegistry>, alice: Address) {
    assert!(reg.sender(alice).supports_interface(IERC165_ID));
    assert!(reg
        .sender(alice)
        .supports_interface(IPROVENANCE_REGISTRY_ID));
    assert!(!reg
        .sender(alice)
        .supports_interface(FixedBytes::from([0xff; 4])));
    assert!(!reg
        .sender(alice)
        .supports_interface(fixed_bytes!("80ac58cd"))); // ERC-721
}

// -------------------------------------------------------------- property

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any record written through the contract reads back field for field
    /// and verifies; any single tampered field (or a signature made for a
    /// tampered record) makes `verify` false and `recordProvenance` revert.
    #[test]
    fn any_record_round_trips_and_any_tamper_fails_verify(
        r in hashing::strategies::arb_record(),
        prompt in "[ -~]{0,40}",
        which in 0u8..11,
        salt in any::<u8>(),
    ) {
        let _precompiles = deploy_precompiles();
        let reg = Contract::<ProvenanceRegistry>::new();
        let nft = Contract::<MockCollection>::new();
        let (alice, creator) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xc7));
        let model = register(&reg, alice, false);
        nft.sender(alice).set_minter(creator, true);

        // Parents (random assets of the same collection, deduplicated) get records first.
        let mut f = r.clone();
        f.asset.collection = nft.address();
        f.model_id = model;
        f.creator = creator;
        f.prompt_hash = prompt_hash(&prompt);
        let mut parents: Vec<AssetRef> = Vec::new();
        for p in &r.parents {
            let p = AssetRef { collection: nft.address(), id: p.id };
            if p != f.asset && !parents.contains(&p) {
                parents.push(p);
            }
        }
        for p in &parents {
            write(&reg, &fields(p.collection, 0, model, creator).with_asset(*p), &[]).motsu_unwrap();
        }
        f.parents = parents;

        let sig = sign(&reg, &f);
        write(&reg, &f, &sig).motsu_unwrap();
        let view = reg.sender(alice).provenance_of(f.asset.collection, f.asset.id).motsu_unwrap();
        prop_assert_eq!(
            view,
            (
                f.model_id, f.prompt_hash, f.seed_hash, f.params_hash, f.content_hash, f.human_hash,
                creator, MOTSU_TIMESTAMP, true,
            )
        );
        let parents = reg.sender(alice).lineage(f.asset.collection, f.asset.id, 1).motsu_unwrap().into_tuple();
        prop_assert_eq!(
            parents,
            (
                f.parents.iter().map(|p| p.collection).collect::<Vec<_>>(),
                f.parents.iter().map(|p| p.id).collect::<Vec<_>>(),
                vec![1; f.parents.len()],
                false,
            )
        );
        let prompt_b = Bytes::from(prompt.as_bytes().to_vec());
        prop_assert!(reg.sender(alice).verify(prompt_b.clone(), content_bytes(&f), proof(&f, &sig)));

        // Tampered inputs to verify.
        let t = hashing::strategies::tamper(&f, which, salt);
        let mut bad_prompt = prompt.as_bytes().to_vec();
        bad_prompt.push(salt);
        prop_assert!(!reg.sender(alice).verify(Bytes::from(bad_prompt), content_bytes(&f), proof(&f, &sig)));
        prop_assert!(!reg.sender(alice).verify(prompt_b.clone(), content_bytes(&t), proof(&f, &sig)) || t.content_hash == f.content_hash);
        prop_assert!(!reg.sender(alice).verify(prompt_b.clone(), content_bytes(&f), proof(&t, &sig)) || t.asset == f.asset);
        // A signature over the tampered record never verifies for the stored one.
        let tampered_sig = sign(&reg, &t);
        prop_assert!(!reg.sender(alice).verify(prompt_b, content_bytes(&f), proof(&f, &tampered_sig)));
        let mut sig_flipped = sig;
        sig_flipped[usize::from(salt) % 64] ^= 0x01;
        prop_assert!(!reg.sender(alice).verify(Bytes::from(prompt.as_bytes().to_vec()), content_bytes(&f), proof(&f, &sig_flipped)));
        // Writing: sign a fresh record `g`, then submit a tampered copy of it
        // with that signature. It reverts, with `InvalidSignature` unless an
        // earlier check (unknown model, missing parent) catches it first.
        let mut g = f.clone();
        g.asset.id = U256::from_be_bytes(keccak256(f.asset.id.to_be_bytes::<32>()).0);
        let g_sig = sign(&reg, &g);
        let t = hashing::strategies::tamper(&g, which, salt);
        let expected = if t.model_id != g.model_id {
            Error::UnknownModel(ProvenanceUnknownModel { modelId: t.model_id })
        } else if let Some(m) = t.parents.iter().find(|p| !reg.sender(alice).has_provenance(p.collection, p.id)) {
            Error::MissingParent(ProvenanceMissingParent { collection: m.collection, id: m.id })
        } else {
            Error::InvalidSignature(ProvenanceInvalidSignature {})
        };
        let err = write(&reg, &t, &g_sig).unwrap_err();
        prop_assert_eq!(enc(err), enc(expected));
        prop_assert!(!reg.sender(alice).has_provenance(t.asset.collection, t.asset.id));
        // The untampered `g` with its signature is accepted.
        write(&reg, &g, &g_sig).motsu_unwrap();
    }
}

trait WithAsset {
    fn with_asset(self, asset: AssetRef) -> Self;
}

impl WithAsset for RecordFields {
    fn with_asset(mut self, asset: AssetRef) -> Self {
        self.asset = asset;
        self
    }
}

/// Every error variant: the hand-built revert data equals alloy's
/// `SolError::abi_encode` of the wrapped error (selector and arguments).
#[test]
fn error_encoding_matches_alloy() {
    let (a, b, n, m, h) = (
        Address::repeat_byte(0xaa),
        Address::repeat_byte(0xbb),
        U256::MAX - U256::from(1),
        U256::from(0x1234),
        B256::repeat_byte(0xcd),
    );
    assert_encodes_like_alloy(Error::UnknownModel, ProvenanceUnknownModel { modelId: n });
    assert_encodes_like_alloy(Error::ModelRetired, ProvenanceModelRetired { modelId: n });
    assert_encodes_like_alloy(
        Error::NotModelOwner,
        ProvenanceNotModelOwner {
            modelId: n,
            account: a,
        },
    );
    assert_encodes_like_alloy(
        Error::InvalidAttester,
        ProvenanceInvalidAttester { attester: a },
    );
    assert_encodes_like_alloy(
        Error::NotTokenOwner,
        ProvenanceNotTokenOwner {
            collection: a,
            tokenId: n,
            account: b,
        },
    );
    assert_encodes_like_alloy(
        Error::RecordExists,
        ProvenanceRecordExists {
            collection: a,
            id: n,
        },
    );
    assert_encodes_like_alloy(
        Error::NonexistentRecord,
        ProvenanceNonexistentRecord {
            collection: b,
            id: m,
        },
    );
    assert_encodes_like_alloy(
        Error::UnauthorizedWriter,
        ProvenanceUnauthorizedWriter {
            collection: a,
            id: m,
            account: b,
        },
    );
    assert_encodes_like_alloy(Error::InvalidSignature, ProvenanceInvalidSignature {});
    assert_encodes_like_alloy(
        Error::AlreadyAttested,
        ProvenanceAlreadyAttested {
            collection: a,
            id: n,
        },
    );
    assert_encodes_like_alloy(
        Error::ParentsLengthMismatch,
        ProvenanceParentsLengthMismatch {
            collections: n,
            ids: m,
        },
    );
    assert_encodes_like_alloy(
        Error::TooManyParents,
        ProvenanceTooManyParents { count: m, max: n },
    );
    assert_encodes_like_alloy(
        Error::DuplicateParent,
        ProvenanceDuplicateParent {
            collection: b,
            id: n,
        },
    );
    assert_encodes_like_alloy(
        Error::MissingParent,
        ProvenanceMissingParent {
            collection: a,
            id: m,
        },
    );
    assert_encodes_like_alloy(
        Error::CommitmentExists,
        ProvenanceCommitmentExists { commitment: h },
    );
    assert_encodes_like_alloy(
        Error::RevealWithoutCommit,
        ProvenanceRevealWithoutCommit { commitment: h },
    );
    assert_encodes_like_alloy(
        Error::RevealTooEarly,
        ProvenanceRevealTooEarly {
            commitment: h,
            readyAtBlock: u64::MAX,
        },
    );
    assert_encodes_like_alloy(
        Error::LineageTooDeep,
        ProvenanceLineageTooDeep {
            maxDepth: u32::MAX,
            limit: 16,
        },
    );
    assert_encodes_like_alloy(Error::Overflow, ProvenanceArithmeticOverflow {});
    assert_encodes_like_alloy(Error::EmptyBatch, ProvenanceEmptyBatch {});
    assert_encodes_like_alloy(
        Error::BatchLengthMismatch,
        ProvenanceBatchLengthMismatch { ids: n, hashes: m },
    );
    assert_encodes_like_alloy(
        Error::BatchSignaturesLength,
        ProvenanceBatchSignaturesLength {
            length: m,
            records: n,
        },
    );
    assert_encodes_like_alloy(Error::BatchStoreFailed, ProvenanceBatchStoreFailed {});
}

#[motsu::test]
fn commit_at_the_last_block_overflows(reg: Contract<ProvenanceRegistry>, alice: Address) {
    // `commit` stores `block + 1`; at block u64::MAX that overflows.
    EXTRA_BLOCKS.with(|b| b.set(u64::MAX));
    let err = reg.sender(alice).commit(B256::repeat_byte(1)).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::Overflow(ProvenanceArithmeticOverflow {}))
    );
    assert_eq!(
        reg.sender(alice)
            .commit_ready_at(alice, B256::repeat_byte(1)),
        0
    );
    assert!(reg.all_events().is_empty());
}

#[motsu::test]
fn provenance_of_a_missing_record(reg: Contract<ProvenanceRegistry>, alice: Address) {
    let c = Address::repeat_byte(0xcc);
    let err = reg
        .sender(alice)
        .provenance_of(c, U256::from(3))
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::NonexistentRecord(ProvenanceNonexistentRecord {
            collection: c,
            id: U256::from(3)
        }))
    );
    assert!(!reg.sender(alice).has_provenance(c, U256::from(3)));
}

#[motsu::test]
fn long_and_unicode_model_texts_round_trip(reg: Contract<ProvenanceRegistry>, alice: Address) {
    let version = String::from("Stable Diffusion XL 1.0 — refiner «β» 🦊 build 2026-11");
    let uri: String =
        "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/".repeat(3);
    let empty = reg
        .sender(alice)
        .register_model(
            WEIGHTS,
            String::new(),
            String::new(),
            ATTESTER,
            U256::ZERO,
            false,
            Address::ZERO,
            U256::ZERO,
        )
        .motsu_unwrap();
    let id = reg
        .sender(alice)
        .register_model(
            WEIGHTS,
            version.clone(),
            uri.clone(),
            ATTESTER,
            U256::ZERO,
            false,
            Address::ZERO,
            U256::ZERO,
        )
        .motsu_unwrap();
    let m = reg.sender(alice).model_of(id).motsu_unwrap().into_tuple();
    assert_eq!((m.3, m.4), (version.clone(), uri.clone()));
    let e = reg
        .sender(alice)
        .model_of(empty)
        .motsu_unwrap()
        .into_tuple();
    assert_eq!((e.3, e.4), (String::new(), String::new()));
    reg.assert_emitted(&ModelRegistered {
        modelId: id,
        owner: alice,
        parentModelId: U256::ZERO,
        weightsHash: WEIGHTS,
        attester: ATTESTER,
        commitReveal: false,
        version,
        uri,
    });
}

// ---------------------------------------------------------------- batches

/// Record `id` of `collection` with hashes that differ per id.
fn batch_fields(collection: Address, id: u64, model_id: U256, creator: Address) -> RecordFields {
    let mut f = fields(collection, id, model_id, creator);
    f.prompt_hash = prompt_hash(&format!("prompt {id}"));
    f.seed_hash = seed_hash(id);
    f.params_hash = params_hash(format!("{{\"steps\":{id}}}").as_bytes());
    f.content_hash = content_hash(&id.to_be_bytes());
    f.human_hash = human_contribution_hash(&id.to_le_bytes());
    f
}

/// `n` records of `collection` with ids `first..first + n`.
fn batch_of(
    collection: Address,
    first: u64,
    n: u64,
    model_id: U256,
    creator: Address,
) -> Vec<RecordFields> {
    (first..first + n)
        .map(|id| batch_fields(collection, id, model_id, creator))
        .collect()
}

/// The concatenated attestations of `fs`.
fn sign_all(reg: &Contract<ProvenanceRegistry>, fs: &[RecordFields]) -> Vec<u8> {
    fs.iter().flat_map(|f| sign(reg, f)).collect()
}

/// Calls `recordProvenanceBatch` with `fs` (same collection, model and
/// creator, the sender) and `sigs`.
fn write_batch(
    reg: &Contract<ProvenanceRegistry>,
    fs: &[RecordFields],
    sigs: &[u8],
) -> Result<(), Error> {
    let col = |g: fn(&RecordFields) -> B256| fs.iter().map(g).collect::<Vec<_>>();
    reg.sender(fs[0].creator).record_provenance_batch(
        fs[0].asset.collection,
        fs.iter().map(|f| f.asset.id).collect(),
        fs[0].model_id,
        col(|f| f.prompt_hash),
        col(|f| f.seed_hash),
        col(|f| f.params_hash),
        col(|f| f.content_hash),
        col(|f| f.human_hash),
        Bytes::from(sigs.to_vec()),
    )
}

/// What `provenanceOf` must return for `f` written at motsu's timestamp.
fn view_of(f: &RecordFields, attested: bool) -> ProvenanceView {
    (
        f.model_id,
        f.prompt_hash,
        f.seed_hash,
        f.params_hash,
        f.content_hash,
        f.human_hash,
        f.creator,
        MOTSU_TIMESTAMP,
        attested,
    )
}

/// No record of `fs` exists.
fn none_written(reg: &Contract<ProvenanceRegistry>, fs: &[RecordFields]) -> bool {
    fs.iter().all(|f| {
        !reg.sender(f.creator)
            .has_provenance(f.asset.collection, f.asset.id)
    })
}

#[motsu::test]
fn attested_batch_by_minter_reads_like_single_records(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    bob: Address,
) {
    let model = register(&reg, alice, false);
    nft.sender(alice).set_minter(bob, true);
    let fs = batch_of(nft.address(), 1, 3, model, bob);
    let sigs = sign_all(&reg, &fs);
    write_batch(&reg, &fs, &sigs).motsu_unwrap();
    assert_eq!(data_store::count(), 1);

    // A single record with the same fields, for comparison.
    let single = batch_fields(nft.address(), 100, model, bob);
    write(&reg, &single, &sign(&reg, &single)).motsu_unwrap();
    let single_view = read_view(&reg, alice, nft.address(), 100);
    assert_eq!(single_view, view_of(&single, true));

    for (f, sig) in fs.iter().zip(sigs.chunks_exact(65)) {
        let id = f.asset.id;
        assert!(reg.sender(alice).has_provenance(nft.address(), id));
        assert_eq!(
            reg.sender(alice)
                .provenance_of(nft.address(), id)
                .motsu_unwrap(),
            view_of(f, true)
        );
        assert_eq!(
            reg.sender(alice)
                .lineage(nft.address(), id, 3)
                .motsu_unwrap()
                .into_tuple(),
            (vec![], vec![], vec![], false)
        );
        reg.assert_emitted(&ProvenanceRecorded {
            collection: nft.address(),
            id,
            modelId: model,
            creator: bob,
            structHash: hashing::record_struct_hash(f),
            promptHash: f.prompt_hash,
            contentHash: f.content_hash,
            parentCollections: vec![],
            parentIds: vec![],
        });
        reg.assert_emitted(&ProvenanceAttested {
            collection: nft.address(),
            id,
            attester: ATTESTER,
        });
        let sig: [u8; 65] = sig.try_into().unwrap(); // SAFETY (test): chunks of 65
        let prompt = Bytes::from(format!("prompt {}", f.asset.id).into_bytes());
        assert!(reg
            .sender(alice)
            .verify(prompt.clone(), content_bytes(f), proof(f, &sig)));
        // Another prompt, or another record's proof: false.
        assert!(!reg
            .sender(alice)
            .verify(prompt_bytes(), content_bytes(f), proof(f, &sig)));
        let other = &fs[(fs.iter().position(|g| g == f).unwrap() + 1) % fs.len()];
        assert!(!reg
            .sender(alice)
            .verify(prompt, content_bytes(f), proof(other, &sig)));
        // Records are write-once, batch or not.
        let err = write(&reg, f, &[]).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::RecordExists(ProvenanceRecordExists {
                collection: nft.address(),
                id
            }))
        );
        let err = reg
            .sender(alice)
            .attest(nft.address(), id, Bytes::from(sig.to_vec()))
            .unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::AlreadyAttested(ProvenanceAlreadyAttested {
                collection: nft.address(),
                id
            }))
        );
    }
    // A batch of one is a batch.
    let one = batch_of(nft.address(), 50, 1, model, bob);
    write_batch(&reg, &one, &[]).motsu_unwrap();
    assert_eq!(
        read_view(&reg, alice, nft.address(), 50),
        view_of(&one[0], false)
    );
}

#[motsu::test]
fn unattested_batch_by_token_owner_then_attest(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
    carol: Address,
) {
    let model = register(&reg, alice, false);
    for id in 1..=3 {
        nft.sender(alice).set_owner(U256::from(id), carol);
    }
    let fs = batch_of(nft.address(), 1, 3, model, carol);
    write_batch(&reg, &fs, &[]).motsu_unwrap();
    for f in &fs {
        assert_eq!(
            reg.sender(alice)
                .provenance_of(nft.address(), f.asset.id)
                .motsu_unwrap(),
            view_of(f, false)
        );
        assert!(!reg.emitted(&ProvenanceAttested {
            collection: nft.address(),
            id: f.asset.id,
            attester: ATTESTER
        }));
    }
    // Attest the middle one: a wrong signature is refused, the right one
    // sets only its attested flag.
    let f = &fs[1];
    let err = reg
        .sender(alice)
        .attest(
            nft.address(),
            f.asset.id,
            Bytes::from(sign_with(&reg, f, OTHER_KEY).to_vec()),
        )
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::InvalidSignature(ProvenanceInvalidSignature {}))
    );
    let sig = sign(&reg, f);
    reg.sender(alice)
        .attest(nft.address(), f.asset.id, Bytes::from(sig.to_vec()))
        .motsu_unwrap();
    reg.assert_emitted(&ProvenanceAttested {
        collection: nft.address(),
        id: f.asset.id,
        attester: ATTESTER,
    });
    for (g, attested) in fs.iter().zip([false, true, false]) {
        assert_eq!(
            reg.sender(alice)
                .provenance_of(nft.address(), g.asset.id)
                .motsu_unwrap(),
            view_of(g, attested)
        );
    }
    let prompt = Bytes::from(format!("prompt {}", f.asset.id).into_bytes());
    assert!(reg
        .sender(alice)
        .verify(prompt, content_bytes(f), proof(f, &sig)));
    let err = reg
        .sender(alice)
        .attest(nft.address(), f.asset.id, Bytes::from(sig.to_vec()))
        .unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::AlreadyAttested(ProvenanceAlreadyAttested {
            collection: nft.address(),
            id: f.asset.id
        }))
    );
}

#[motsu::test]
fn batch_records_can_be_parents(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let fs = batch_of(nft.address(), 1, 2, model, alice);
    write_batch(&reg, &fs, &[]).motsu_unwrap();
    let mut child = batch_fields(nft.address(), 9, model, alice);
    child.parents = fs.iter().map(|f| f.asset).collect();
    write(&reg, &child, &sign(&reg, &child)).motsu_unwrap();
    assert_eq!(
        reg.sender(alice)
            .lineage(nft.address(), U256::from(9), 4)
            .motsu_unwrap()
            .into_tuple(),
        (
            vec![nft.address(); 2],
            vec![U256::from(1), U256::from(2)],
            vec![1, 1],
            false
        )
    );
}

#[motsu::test]
fn large_batches_span_several_data_contracts(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    // Nothing shared (every hash differs per record): 153 per data contract.
    let n = logic::records_per_data(0) as u64 + 7;
    let fs = batch_of(nft.address(), 1, n, model, alice);
    write_batch(&reg, &fs, &sign_all(&reg, &fs)).motsu_unwrap();
    assert_eq!(data_store::count(), 2);
    for i in [0, 1, 151, 152, 153, 154, n - 1] {
        let f = &fs[i as usize];
        assert_eq!(
            reg.sender(alice)
                .provenance_of(nft.address(), f.asset.id)
                .motsu_unwrap(),
            view_of(f, true),
            "record {i}"
        );
    }
}

#[motsu::test]
fn malformed_batches_are_refused(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let fs = batch_of(nft.address(), 1, 3, model, alice);
    let sigs = sign_all(&reg, &fs);
    let ids: Vec<U256> = fs.iter().map(|f| f.asset.id).collect();
    let h = vec![B256::ZERO; 3];
    let short = vec![B256::ZERO; 2];
    let call = |ids: Vec<U256>, hs: [&Vec<B256>; 5], sigs: &[u8]| {
        reg.sender(alice).record_provenance_batch(
            nft.address(),
            ids,
            model,
            hs[0].clone(),
            hs[1].clone(),
            hs[2].clone(),
            hs[3].clone(),
            hs[4].clone(),
            Bytes::from(sigs.to_vec()),
        )
    };
    let err = call(vec![], [&vec![]; 5], &[]).unwrap_err();
    assert_eq!(enc(err), enc(Error::EmptyBatch(ProvenanceEmptyBatch {})));
    for k in 0..5 {
        let mut hs = [&h; 5];
        hs[k] = &short;
        let err = call(ids.clone(), hs, &[]).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::BatchLengthMismatch(ProvenanceBatchLengthMismatch {
                ids: U256::from(3),
                hashes: U256::from(2)
            })),
            "array {k}"
        );
    }
    for len in [1, 64, 65, 130, 194, 196, 260] {
        let err = write_batch(&reg, &fs, &vec![1u8; len]).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::BatchSignaturesLength(
                ProvenanceBatchSignaturesLength {
                    length: U256::from(len),
                    records: U256::from(3)
                }
            )),
            "length {len}"
        );
    }
    // An id twice: its second write would meet the first.
    let mut dup = fs.clone();
    dup[2].asset.id = U256::from(1);
    let err = write_batch(&reg, &dup, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RecordExists(ProvenanceRecordExists {
            collection: nft.address(),
            id: U256::from(1)
        }))
    );
    assert!(none_written(&reg, &fs));
    assert_eq!(data_store::count(), 0);
    // The well-formed batch still goes through afterwards.
    write_batch(&reg, &fs, &sigs).motsu_unwrap();
}

#[motsu::test]
fn batch_rules_are_those_of_single_records(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    editions: Contract<MinterOnly>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let fs = batch_of(nft.address(), 1, 3, model, alice);
    let sigs = sign_all(&reg, &fs);

    // One record of the batch already exists.
    write(&reg, &fs[2], &[]).motsu_unwrap();
    let err = write_batch(&reg, &fs, &sigs).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RecordExists(ProvenanceRecordExists {
            collection: nft.address(),
            id: U256::from(3)
        }))
    );
    assert!(none_written(&reg, &fs[..2]));

    let fs = batch_of(nft.address(), 11, 3, model, alice);
    let sigs = sign_all(&reg, &fs);
    // Unknown model.
    let unknown: Vec<RecordFields> = batch_of(nft.address(), 11, 3, U256::from(9), alice);
    let err = write_batch(&reg, &unknown, &[]).unwrap_err();
    assert_eq!(enc(err), enc(unknown_model(U256::from(9))));
    // One bad signature (the middle one, signed by another key).
    let mut bad = sigs.clone();
    bad[65..130].copy_from_slice(&sign_with(&reg, &fs[1], OTHER_KEY));
    let err = write_batch(&reg, &fs, &bad).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::InvalidSignature(ProvenanceInvalidSignature {}))
    );
    // Signatures in the wrong order.
    let mut swapped = sigs[65..130].to_vec();
    swapped.extend_from_slice(&sigs[..65]);
    swapped.extend_from_slice(&sigs[130..]);
    let err = write_batch(&reg, &fs, &swapped).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::InvalidSignature(ProvenanceInvalidSignature {}))
    );
    // Not a minter, owning only some of the ids.
    let carols = batch_of(nft.address(), 11, 3, model, carol);
    nft.sender(alice).set_owner(U256::from(11), carol);
    nft.sender(alice).set_owner(U256::from(13), carol);
    nft.sender(alice).set_owner(U256::from(12), bob);
    let err = write_batch(&reg, &carols, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::UnauthorizedWriter(ProvenanceUnauthorizedWriter {
            collection: nft.address(),
            id: U256::from(12),
            account: carol
        }))
    );
    // Without ownerOf (an ERC-1155 style collection), only a minter.
    editions.sender(alice).set(alice);
    let eds = batch_of(editions.address(), 1, 2, model, bob);
    let err = write_batch(&reg, &eds, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::UnauthorizedWriter(ProvenanceUnauthorizedWriter {
            collection: editions.address(),
            id: U256::from(1),
            account: bob
        }))
    );
    assert!(none_written(&reg, &fs));
    assert!(none_written(&reg, &eds));
    assert_eq!(data_store::count(), 0);
    write_batch(&reg, &batch_of(editions.address(), 1, 2, model, alice), &[]).motsu_unwrap();
    nft.sender(alice).set_owner(U256::from(12), carol);
    write_batch(&reg, &carols, &[]).motsu_unwrap();

    // Retired model.
    reg.sender(alice).retire_model(model).motsu_unwrap();
    let late = batch_of(nft.address(), 21, 2, model, alice);
    let err = write_batch(&reg, &late, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::ModelRetired(ProvenanceModelRetired {
            modelId: model
        }))
    );
    assert!(none_written(&reg, &late));
}

#[motsu::test]
fn commit_reveal_applies_to_every_record_of_a_batch(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    EXTRA_BLOCKS.with(|b| b.set(100));
    let model = register(&reg, alice, true);
    nft.sender(alice).set_minter(alice, true);
    let fs = batch_of(nft.address(), 1, 3, model, alice);
    let cs: Vec<B256> = fs.iter().map(hashing::record_commitment).collect();

    // Only two of three committed.
    reg.sender(alice).commit(cs[0]).motsu_unwrap();
    reg.sender(alice).commit(cs[2]).motsu_unwrap();
    advance_blocks(1);
    let err = write_batch(&reg, &fs, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RevealWithoutCommit(ProvenanceRevealWithoutCommit {
            commitment: cs[1]
        }))
    );
    // The last committed in this block: too early.
    reg.sender(alice).commit(cs[1]).motsu_unwrap();
    let err = write_batch(&reg, &fs, &[]).unwrap_err();
    assert_eq!(
        enc(err),
        enc(Error::RevealTooEarly(ProvenanceRevealTooEarly {
            commitment: cs[1],
            readyAtBlock: 102
        }))
    );
    assert!(none_written(&reg, &fs));
    assert_eq!(reg.sender(alice).commit_ready_at(alice, cs[0]), 101);

    advance_blocks(1);
    write_batch(&reg, &fs, &sign_all(&reg, &fs)).motsu_unwrap();
    for (f, c) in fs.iter().zip(&cs) {
        assert_eq!(reg.sender(alice).commit_ready_at(alice, *c), 0);
        assert_eq!(
            reg.sender(alice)
                .provenance_of(nft.address(), f.asset.id)
                .motsu_unwrap(),
            view_of(f, true)
        );
    }
}

#[motsu::test]
fn hashes_shared_by_a_batch_are_stored_once_and_read_back(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    // Same parameters and no human contribution throughout: 254 records
    // per data contract, so 300 need two.
    let mut fs = batch_of(nft.address(), 1, 300, model, alice);
    for f in &mut fs {
        f.params_hash = params_hash(br#"{"cfg":7}"#);
        f.human_hash = B256::ZERO;
    }
    write_batch(&reg, &fs, &[]).motsu_unwrap();
    assert_eq!(data_store::count(), 2);
    for i in [0, 1, 253, 254, 299] {
        assert_eq!(
            reg.sender(alice)
                .provenance_of(nft.address(), fs[i].asset.id)
                .motsu_unwrap(),
            view_of(&fs[i], false),
            "record {i}"
        );
    }
    // Every hash the same (only the ids differ): one data contract.
    let mut same = batch_of(nft.address(), 1000, 4, model, alice);
    for f in &mut same {
        let first = fs[0].clone();
        *f = RecordFields {
            asset: f.asset,
            ..first
        };
    }
    let sigs = sign_all(&reg, &same);
    write_batch(&reg, &same, &sigs).motsu_unwrap();
    assert_eq!(data_store::count(), 3);
    for (f, sig) in same.iter().zip(sigs.chunks_exact(65)) {
        assert_eq!(
            reg.sender(alice)
                .provenance_of(nft.address(), f.asset.id)
                .motsu_unwrap(),
            view_of(f, true)
        );
        let sig: [u8; 65] = sig.try_into().unwrap(); // SAFETY (test): chunks of 65
        let prompt = Bytes::from(b"prompt 1".to_vec());
        assert!(reg
            .sender(alice)
            .verify(prompt, content_bytes(f), proof(f, &sig)));
    }
}

#[motsu::test]
fn batch_heads_share_bucket_words_in_ways(
    reg: Contract<ProvenanceRegistry>,
    nft: Contract<MockCollection>,
    alice: Address,
) {
    let model = minter_model(&reg, &nft, alice);
    let c = nft.address();
    // Batch A: ids 1..=5 (bucket 0, way 0, base -1: slot 1 at index 0).
    let a = batch_of(c, 1, 5, model, alice);
    write_batch(&reg, &a, &sign_all(&reg, &a)).motsu_unwrap();
    let w0 = reg.sender(alice).bucket_way(c, U256::from(1), 0);
    assert_eq!(
        (w0.base, w0.present, w0.attested),
        (0xffff, 0b11_1110, 0b11_1110)
    );
    // Batch B: ids 6..=20: the rest of bucket 0 in way 1 (another data
    // contract), then bucket 1 (ids 16..=20) in its way 0.
    let b = batch_of(c, 6, 15, model, alice);
    write_batch(&reg, &b, &[]).motsu_unwrap();
    let w1 = reg.sender(alice).bucket_way(c, U256::from(6), 1);
    assert_eq!(
        (w1.base, w1.present, w1.attested),
        (0u16.wrapping_sub(6), 0xffc0, 0)
    );
    assert_ne!(w1.data, w0.data);
    let b1 = reg.sender(alice).bucket_way(c, U256::from(16), 0);
    assert_eq!((b1.data, b1.base, b1.present), (w1.data, 10, 0b1_1111));
    assert_eq!(
        reg.sender(alice).bucket_way(c, U256::from(16), 1),
        Bucket::default()
    );
    // A single record in bucket 1 keeps its own head word.
    let single = batch_fields(c, 21, model, alice);
    write(&reg, &single, &[]).motsu_unwrap();
    assert_eq!(
        reg.sender(alice).bucket_way(c, U256::from(21), 0).present,
        0b1_1111
    );
    // Batch C in any order: ids 40, 35, 36 (slots 8, 3, 4 at indexes 0, 1,
    // 2): 40 alone at base -8 in way 0, 35 and 36 at base -2 in way 1.
    let mut cc = vec![batch_fields(c, 40, model, alice)];
    cc.extend(batch_of(c, 35, 2, model, alice));
    write_batch(&reg, &cc, &sign_all(&reg, &cc)).motsu_unwrap();
    let (c0, c1) = (
        reg.sender(alice).bucket_way(c, U256::from(32), 0),
        reg.sender(alice).bucket_way(c, U256::from(32), 1),
    );
    assert_eq!((c0.base, c0.present), (0u16.wrapping_sub(8), 1 << 8));
    assert_eq!((c1.base, c1.present), (0u16.wrapping_sub(2), 0b1_1000));
    assert_eq!(c0.data, c1.data);

    for (f, attested) in a
        .iter()
        .map(|f| (f, true))
        .chain(b.iter().map(|f| (f, false)))
        .chain(cc.iter().map(|f| (f, true)))
        .chain([(&single, false)])
    {
        assert_eq!(
            reg.sender(alice)
                .provenance_of(c, f.asset.id)
                .motsu_unwrap(),
            view_of(f, attested),
            "id {}",
            f.asset.id
        );
    }
    for gap in [0u64, 22, 31, 32, 34, 37, 41] {
        assert!(
            !reg.sender(alice).has_provenance(c, U256::from(gap)),
            "id {gap}"
        );
    }
    // Attesting a record of way 1 sets only its bit.
    let f = &b[3]; // id 9
    reg.sender(alice)
        .attest(c, f.asset.id, Bytes::from(sign(&reg, f).to_vec()))
        .motsu_unwrap();
    assert_eq!(
        reg.sender(alice).bucket_way(c, U256::from(9), 1).attested,
        1 << 9
    );
    assert_eq!(
        reg.sender(alice).bucket_way(c, U256::from(9), 0).attested,
        0b11_1110
    );
    assert_eq!(
        reg.sender(alice)
            .provenance_of(c, f.asset.id)
            .motsu_unwrap(),
        view_of(f, true)
    );
    // Every record is write-once whichever way holds it.
    for f in [&a[0], &b[0], &b[14], &cc[0], &cc[2]] {
        let err = write_batch(&reg, core::slice::from_ref(f), &[]).unwrap_err();
        assert_eq!(
            enc(err),
            enc(Error::RecordExists(ProvenanceRecordExists {
                collection: c,
                id: f.asset.id
            }))
        );
    }
}
