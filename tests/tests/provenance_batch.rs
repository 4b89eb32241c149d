//! `ProvenanceRegistry.recordProvenanceBatch` on the real WASM in the
//! in-process devnode (`stylus-vm`), where the registry really creates its
//! data contracts (CREATE) and reads them back (EXTCODECOPY), which the
//! contract's motsu tests can only stand in for:
//!
//! * a batch of 50 attested records: every view (`hasProvenance`,
//!   `provenanceOf`, `lineage`) and ERC-7007 `verify` per record, the events;
//! * an unattested batch attested afterwards record by record;
//! * batches next to each other and in any id order (bucket ways);
//! * a batch larger than one data contract (160 records over two);
//! * gas: receipt gas per record of batches of 1, 10, 50, 100 and 160,
//!   attested and not, beside a single `recordProvenance` (printed; the
//!   assertion is only that a batch costs less per record than the single
//!   path).
//!
//! Needs the WASM from `cargo ip build`.

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use stylus_ip_deploy::bindings::ProvenanceRegistry as P;
use stylus_ip_deploy::provenance::{self as prov, FieldHashes, Record, RecordIds};
use stylus_ip_tests::{big_stack, Harness};

/// The deployed pair and the model's attester.
struct World {
    h: Harness,
    registry: Address,
    collection: Address,
    model: U256,
    chain_id: u64,
    lab: PrivateKeySigner,
}

/// A fresh chain with `ip-editions` (a suite collection that answers
/// `isMinter` as the registry asks it; the admin owns it, so may mint and
/// write records) and `provenance`, and a model attested by `lab`. The
/// registerModel call also enters the registry once, so every measured
/// transaction after it pays the same (recent-program) init.
fn world() -> World {
    let mut h = Harness::new(1);
    h.node.set_timestamp(1_800_000_000);
    let admin = h.admin;
    let collection = h.deploy("ip-editions");
    let ctor = stylus_ip_deploy::bindings::IpEditions::constructorCall {
        baseUri: "ipfs://works/{id}".into(),
        owner: admin,
        royaltyReceiver: admin,
        royaltyBps: alloy_primitives::aliases::U96::from(500),
    };
    h.construct(collection, &ctor);
    let registry = h.deploy("provenance");
    let lab = PrivateKeySigner::from_bytes(&B256::repeat_byte(0x1a)).expect("a valid key");
    let (model, _) = h
        .send(
            admin,
            registry,
            &P::registerModelCall {
                weightsHash: B256::repeat_byte(0x11),
                version: "sdxl-1.0".into(),
                uri: "ipfs://model".into(),
                attester: lab.address(),
                parentModelId: U256::ZERO,
                commitReveal: false,
                nftCollection: Address::ZERO,
                nftTokenId: U256::ZERO,
            },
            U256::ZERO,
        )
        .expect("registerModel");
    let chain_id = h.node.runtime().config.chain_id;
    World {
        h,
        registry,
        collection,
        model,
        chain_id,
        lab,
    }
}

/// The prompt of asset `id`.
fn prompt(id: u64) -> String {
    format!("a red fox in the snow, take {id}")
}

/// Which hashes differ between the records of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// All five (the registry's worst case: nothing stored once).
    Varying,
    /// Prompt, seed and content; one parameters set and no human
    /// contribution throughout (a studio run of one model configuration).
    Studio,
}

/// The record of asset `id` with hashes that differ per id as `shape` says.
fn record(w: &World, id: u64, shape: Shape) -> Record {
    let varying = shape == Shape::Varying;
    Record {
        ids: RecordIds {
            collection: w.collection,
            id: U256::from(id),
            model_id: w.model,
            creator: w.h.admin,
            parents: vec![],
        },
        hashes: FieldHashes {
            prompt_hash: keccak256(prompt(id)),
            seed_hash: keccak256(U256::from(id).to_be_bytes::<32>()),
            params_hash: if varying {
                keccak256(format!(r#"{{"cfg":7,"steps":{id}}}"#))
            } else {
                keccak256(br#"{"cfg":7,"steps":30}"#)
            },
            content_hash: B256::from(U256::from(id) * U256::from(0x9e37_79b9_u64) + U256::from(1)),
            human_hash: if varying {
                keccak256(format!("hand-drawn mask {id}"))
            } else {
                B256::ZERO
            },
        },
    }
}

/// The attestation of `r`.
fn attest(w: &World, r: &Record) -> prov::Attestation {
    prov::attest(r, w.chain_id, w.registry, &w.lab).expect("signing")
}

/// `recordProvenanceBatch` for `records` (signed or not).
fn batch_call(records: &[Record], signatures: Vec<u8>) -> P::recordProvenanceBatchCall {
    let col = |g: fn(&FieldHashes) -> B256| records.iter().map(|r| g(&r.hashes)).collect();
    P::recordProvenanceBatchCall {
        collection: records[0].ids.collection,
        ids: records.iter().map(|r| r.ids.id).collect(),
        modelId: records[0].ids.model_id,
        promptHashes: col(|h| h.prompt_hash),
        seedHashes: col(|h| h.seed_hash),
        paramsHashes: col(|h| h.params_hash),
        contentHashes: col(|h| h.content_hash),
        humanHashes: col(|h| h.human_hash),
        signatures: Bytes::from(signatures),
    }
}

/// Records assets `first..first + n` in one batch; returns their records,
/// attestations (when `signed`) and the receipt gas.
fn record_batch(
    w: &mut World,
    first: u64,
    n: u64,
    signed: bool,
    shape: Shape,
) -> (Vec<Record>, Vec<prov::Attestation>, u64) {
    let ids: Vec<u64> = (first..first + n).collect();
    record_ids(w, &ids, signed, shape)
}

/// Records assets `ids` (in that order) in one batch, as [`record_batch`].
fn record_ids(
    w: &mut World,
    ids: &[u64],
    signed: bool,
    shape: Shape,
) -> (Vec<Record>, Vec<prov::Attestation>, u64) {
    let n = ids.len();
    let records: Vec<Record> = ids.iter().map(|&id| record(w, id, shape)).collect();
    let atts: Vec<prov::Attestation> = if signed {
        records.iter().map(|r| attest(w, r)).collect()
    } else {
        vec![]
    };
    let sigs = atts.iter().flat_map(|a| a.signature.to_vec()).collect();
    let admin = w.h.admin;
    let out =
        w.h.node
            .transact(
                admin,
                w.registry,
                Bytes::from(batch_call(&records, sigs).abi_encode()),
                U256::ZERO,
            )
            .expect("devnode");
    assert!(out.success, "batch of {n} reverted: {out:?}");
    // Per record: ProvenanceRecorded with empty parents, then
    // ProvenanceAttested when signed, in order.
    let per = if signed { 2 } else { 1 };
    assert_eq!(out.logs.len(), records.len() * per);
    for (r, logs) in records.iter().zip(out.logs.chunks(per)) {
        let ev = P::ProvenanceRecorded::decode_log_data(&logs[0].data).expect("ProvenanceRecorded");
        assert_eq!(
            (ev.collection, ev.id, ev.modelId, ev.creator),
            (r.ids.collection, r.ids.id, r.ids.model_id, r.ids.creator)
        );
        assert_eq!(
            (ev.structHash, ev.promptHash, ev.contentHash),
            (r.struct_hash(), r.hashes.prompt_hash, r.hashes.content_hash)
        );
        assert!(ev.parentCollections.is_empty() && ev.parentIds.is_empty());
        if signed {
            let at = P::ProvenanceAttested::decode_log_data(&logs[1].data).expect("attested");
            assert_eq!((at.id, at.attester), (r.ids.id, w.lab.address()));
        }
    }
    (records, atts, out.gas_used)
}

/// `recordProvenance` of asset `id` alone; its receipt gas.
fn record_single(w: &mut World, id: u64, signed: bool) -> u64 {
    let r = record(w, id, Shape::Varying);
    let signature = if signed {
        attest(w, &r).signature
    } else {
        Bytes::new()
    };
    let h = r.hashes;
    let admin = w.h.admin;
    let (_, gas) =
        w.h.send(
            admin,
            w.registry,
            &P::recordProvenanceCall {
                collection: r.ids.collection,
                id: r.ids.id,
                modelId: r.ids.model_id,
                promptHash: h.prompt_hash,
                seedHash: h.seed_hash,
                paramsHash: h.params_hash,
                contentHash: h.content_hash,
                humanHash: h.human_hash,
                parentCollections: vec![],
                parentIds: vec![],
                signature,
            },
            U256::ZERO,
        )
        .expect("recordProvenance");
    gas
}

/// Every view of `r` as the registry answers it, against `r` itself.
fn check_views(w: &mut World, r: &Record, attested: bool, proof: Option<&Bytes>) {
    let (collection, id) = (r.ids.collection, r.ids.id);
    assert!(w
        .h
        .view(w.registry, &P::hasProvenanceCall { collection, id }));
    let v =
        w.h.view(w.registry, &P::provenanceOfCall { collection, id });
    let h = r.hashes;
    assert_eq!(
        (v._0, v._1, v._2, v._3, v._4, v._5, v._6, v._8),
        (
            r.ids.model_id,
            h.prompt_hash,
            h.seed_hash,
            h.params_hash,
            h.content_hash,
            h.human_hash,
            r.ids.creator,
            attested
        ),
        "provenanceOf {id}"
    );
    assert_eq!(v._7, w.h.node.timestamp());
    let l = w.h.view(
        w.registry,
        &P::lineageCall {
            collection,
            id,
            maxDepth: 4,
        },
    );
    assert!(l.collections.is_empty() && l.ids.is_empty() && !l.truncated);
    if let Some(proof) = proof {
        let content = Bytes::copy_from_slice(h.content_hash.as_slice());
        let this = prompt(id.to::<u64>());
        let verify = |w: &mut World, p: &str, c: &Bytes| {
            w.h.view(
                w.registry,
                &P::verifyCall {
                    prompt: Bytes::copy_from_slice(p.as_bytes()),
                    aigcData: c.clone(),
                    proof: proof.clone(),
                },
            )
        };
        assert!(verify(w, &this, &content), "verify {id}");
        assert!(!verify(w, "another prompt", &content));
        assert!(!verify(w, &this, &Bytes::from(vec![0u8; 32])));
    }
}

#[test]
fn a_batch_of_50_reads_and_verifies_like_single_records() {
    big_stack("provenance-batch-50", || {
        let mut w = world();
        let (records, atts, _) = record_batch(&mut w, 1, 50, true, Shape::Varying);
        for (r, a) in records.iter().zip(&atts) {
            check_views(&mut w, r, true, Some(&a.proof));
        }
        // Write-once: a record of the batch cannot be written again, alone
        // or in another batch, nor attested twice.
        let admin = w.h.admin;
        let again = batch_call(&records[49..], vec![]);
        let Err(err) = w.h.send(admin, w.registry, &again, U256::ZERO) else {
            panic!("a record of the batch was written twice");
        };
        assert_eq!(
            err.decode::<P::ProvenanceRegistryErrors>(),
            P::ProvenanceRegistryErrors::ProvenanceRecordExists(P::ProvenanceRecordExists {
                collection: w.collection,
                id: U256::from(50)
            })
        );
        let Err(err) = w.h.send(
            admin,
            w.registry,
            &P::attestCall {
                collection: w.collection,
                id: U256::from(7),
                signature: atts[6].signature.clone(),
            },
            U256::ZERO,
        ) else {
            panic!("an attested batch record was attested again");
        };
        assert!(matches!(
            err.decode::<P::ProvenanceRegistryErrors>(),
            P::ProvenanceRegistryErrors::ProvenanceAlreadyAttested(_)
        ));
    });
}

#[test]
fn an_unattested_batch_is_attested_record_by_record() {
    big_stack("provenance-batch-attest", || {
        let mut w = world();
        let (records, _, _) = record_batch(&mut w, 1, 5, false, Shape::Studio);
        let admin = w.h.admin;
        for (i, r) in records.iter().enumerate() {
            check_views(&mut w, r, false, None);
            if i % 2 == 1 {
                let a = attest(&w, r);
                w.h.send(
                    admin,
                    w.registry,
                    &P::attestCall {
                        collection: r.ids.collection,
                        id: r.ids.id,
                        signature: a.signature.clone(),
                    },
                    U256::ZERO,
                )
                .expect("attest");
                check_views(&mut w, r, true, Some(&a.proof));
            }
        }
        for (i, r) in records.iter().enumerate() {
            let v = w.h.view(
                w.registry,
                &P::provenanceOfCall {
                    collection: r.ids.collection,
                    id: r.ids.id,
                },
            );
            assert_eq!(v._8, i % 2 == 1, "attested flag of record {i}");
        }
    });
}

#[test]
fn batches_in_any_order_and_next_to_each_other_read_back() {
    big_stack("provenance-batch-buckets", || {
        let mut w = world();
        // Two batches sharing the bucket of ids 0..16, one in a scrambled
        // order, a single record among them: every record reads back.
        let (mut all, mut atts, _) = record_ids(&mut w, &[1, 2, 3, 4, 5], true, Shape::Studio);
        for ids in [
            &[6u64, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17][..],
            &[40, 35, 36, 20, 18],
        ] {
            let (r, a, _) = record_ids(&mut w, ids, true, Shape::Studio);
            all.extend(r);
            atts.extend(a);
        }
        record_single(&mut w, 19, true);
        for (r, a) in all.iter().zip(&atts) {
            check_views(&mut w, r, true, Some(&a.proof));
        }
        for gap in [0u64, 21, 34, 37, 41] {
            assert!(!w.h.view(
                w.registry,
                &P::hasProvenanceCall {
                    collection: w.collection,
                    id: U256::from(gap)
                }
            ));
        }
    });
}

#[test]
fn a_batch_above_one_data_contract_spans_two() {
    big_stack("provenance-batch-160", || {
        let mut w = world();
        let nonce_before = w.h.node.nonce(w.registry);
        let (records, atts, _) = record_batch(&mut w, 1000, 160, true, Shape::Varying);
        // Two CREATEs: 153 records, then 7.
        assert_eq!(w.h.node.nonce(w.registry), nonce_before + 2);
        for i in [0, 152, 153, 159] {
            check_views(&mut w, &records[i], true, Some(&atts[i].proof));
        }
    });
}

#[test]
fn a_batch_costs_less_gas_per_record_than_the_single_path() {
    big_stack("provenance-batch-gas", || {
        let mut w = world();
        let single_signed = record_single(&mut w, 1, true);
        let single_unsigned = record_single(&mut w, 2, false);
        println!(
            "recordProvenance: attested {single_signed} gas, unattested {single_unsigned} gas"
        );
        println!("recordProvenanceBatch, receipt gas per record (gas used / n):");
        println!(
            "{:>5} {:>16} {:>16} {:>16} {:>16}",
            "n", "varying signed", "varying unsigned", "studio signed", "studio unsigned"
        );
        let mut next = 100;
        for n in [1u64, 10, 50, 100, 160] {
            let mut row = Vec::new();
            for shape in [Shape::Varying, Shape::Studio] {
                for signed in [true, false] {
                    let (_, _, gas) = record_batch(&mut w, next, n, signed, shape);
                    next += n;
                    let per = gas / n;
                    let single = if signed {
                        single_signed
                    } else {
                        single_unsigned
                    };
                    assert!(
                        per < single,
                        "{shape:?} batch of {n} (signed {signed}): {per} per record"
                    );
                    row.push(format!(
                        "{per} ({:.0}%)",
                        100.0 * per as f64 / single as f64
                    ));
                }
            }
            println!(
                "{n:>5} {:>16} {:>16} {:>16} {:>16}",
                row[0], row[1], row[2], row[3]
            );
        }
    });
}
