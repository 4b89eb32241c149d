//! A gateway output becomes a derivative asset on chain, with lineage to the
//! licensed asset and the model: the lab registers its model with its
//! attester key, the licensee asks the gateway for an output to be minted as
//! a new token, the token is minted to the licensee, and the licensee records
//! the gateway's record with the gateway's attestation in the provenance
//! registry exactly as returned. ERC-7007 `verify` then accepts the output's
//! prompt and content hash with the returned proof, and the registry's
//! lineage of the new token is the licensed token.

mod common;

use alloy::primitives::aliases::U96;
use alloy::primitives::{keccak256, Bytes, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use common::*;
use serde_json::json;
use stylus_ip_deploy::bindings::{IpCollection, ProvenanceRegistry};
use stylus_ip_deploy::provenance::{self as prov, AssetRef, Record, RecordIds};
use stylus_ip_deploy::studio::models::register_call;
use stylus_ip_tests::rpc::actor_signer;

#[test]
fn a_gateway_output_is_recorded_on_chain_as_a_derivative_of_the_licensed_asset() {
    let w = world();
    let node = w.node;
    let mut c = node.unowned();
    let creator = node.admin;
    let licensee = actor_signer(0);
    let lab = PrivateKeySigner::random();

    // The lab's model, attested by the gateway's key.
    send(
        &mut c,
        node,
        creator,
        w.registry,
        register_call("gateway model weights", "gateway-1", "", lab.address()),
        U256::ZERO,
    );
    let model_id = view(&c, node, w.registry, ProvenanceRegistry::modelCountCall {});

    // A parent needs a record of its own: the creator anchors the licensed token.
    let parent = Record {
        ids: RecordIds {
            collection: w.collection,
            id: w.token_a,
            model_id,
            creator,
            parents: Vec::new(),
        },
        hashes: prov::FieldHashes {
            prompt_hash: keccak256("the licensed original"),
            seed_hash: keccak256("1"),
            params_hash: keccak256("{}"),
            content_hash: B256::repeat_byte(0x0a),
            human_hash: B256::ZERO,
        },
    };
    let parent_att = prov::attest(&parent, CHAIN_ID, w.registry, &lab).unwrap();
    send(
        &mut c,
        node,
        creator,
        w.registry,
        record_call(&parent, parent_att.signature),
        U256::ZERO,
    );

    // The licensee asks for an output to be minted as the collection's next token.
    let config = config_toml(w.market, w.registry, w.collection).replacen(
        "model_id = 1",
        &format!("model_id = {model_id}"),
        1,
    );
    let g = Gateway::start(&config, &node.url, &lab);
    let next = view(&c, node, w.collection, IpCollection::totalSupplyCall {}) + U256::from(1);
    let prompt = "a derivative fox, licensed";
    let asset = AssetRef {
        collection: w.collection,
        id: next,
    };
    let b = serde_json::to_vec(&json!({
        "prompt": prompt,
        "seed": 9,
        "params": { "width": 8, "height": 8 },
        "asset": asset,
    }))
    .unwrap();
    let s = sign_alloy(
        unsigned(licensee.address(), w.collection, w.token_a, &b, expiry(&w)),
        &b,
        &licensee,
        w.market,
    );
    let (status, r) = g.post_signed("gen", &s);
    assert_eq!(status, 200, "{r}");
    let record: Record = serde_json::from_value(r["record"].clone()).unwrap();
    assert_eq!(
        (record.ids.collection, record.ids.id, record.ids.model_id),
        (w.collection, next, model_id)
    );
    assert_eq!(record.ids.creator, licensee.address());
    assert_eq!(
        record.ids.parents,
        [AssetRef {
            collection: w.collection,
            id: w.token_a
        }],
        "the licensed token is the output's parent"
    );
    let signature: Bytes = serde_json::from_value(r["attestation"]["signature"].clone()).unwrap();
    let proof: Bytes = serde_json::from_value(r["attestation"]["proof"].clone()).unwrap();

    // The token is minted to the licensee, who records the gateway's answer as is.
    send(
        &mut c,
        node,
        creator,
        w.collection,
        IpCollection::mintCall {
            to: licensee.address(),
            uri: "ipfs://derivative".into(),
            royaltyReceiver: creator,
            royaltyBps: U96::from(500),
        },
        U256::ZERO,
    );
    assert_eq!(
        view(&c, node, w.collection, IpCollection::totalSupplyCall {}),
        next
    );
    send(
        &mut c,
        node,
        licensee.address(),
        w.registry,
        record_call(&record, signature),
        U256::ZERO,
    );

    // ERC-7007: the prompt and the PNG's sha-256 verify with the returned proof.
    let verified = view(
        &c,
        node,
        w.registry,
        ProvenanceRegistry::verifyCall {
            prompt: Bytes::copy_from_slice(prompt.as_bytes()),
            aigcData: Bytes::copy_from_slice(record.hashes.content_hash.as_slice()),
            proof: proof.clone(),
        },
    );
    assert!(verified, "the registry verifies the gateway's output");
    let tampered = view(
        &c,
        node,
        w.registry,
        ProvenanceRegistry::verifyCall {
            prompt: Bytes::copy_from_slice(b"another prompt"),
            aigcData: Bytes::copy_from_slice(record.hashes.content_hash.as_slice()),
            proof,
        },
    );
    assert!(!tampered, "another prompt does not verify");

    // Lineage: the derivative's parent is the licensed token.
    let lineage = view(
        &c,
        node,
        w.registry,
        ProvenanceRegistry::lineageCall {
            collection: w.collection,
            id: next,
            maxDepth: 4,
        },
    );
    assert_eq!(lineage.collections, [w.collection]);
    assert_eq!(lineage.ids, [w.token_a]);
    g.shutdown();
}

/// `recordProvenance` for `record`, signed by the model's attester.
fn record_call(record: &Record, signature: Bytes) -> ProvenanceRegistry::recordProvenanceCall {
    let h = record.hashes;
    ProvenanceRegistry::recordProvenanceCall {
        collection: record.ids.collection,
        id: record.ids.id,
        modelId: record.ids.model_id,
        promptHash: h.prompt_hash,
        seedHash: h.seed_hash,
        paramsHash: h.params_hash,
        contentHash: h.content_hash,
        humanHash: h.human_hash,
        parentCollections: record.ids.parents.iter().map(|p| p.collection).collect(),
        parentIds: record.ids.parents.iter().map(|p| p.id).collect(),
        signature,
    }
}
