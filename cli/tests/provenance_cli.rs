//! `stylus-ip provenance hash|attest` against the real provenance WASM on the
//! in-process devnode: what the CLI (the binary, and its library functions)
//! hashes and signs is what `recordProvenance`, `commit`, `attest` and
//! ERC-7007 `verify` accept — and a wrong key, chain or prompt is refused.
//!
//! Contracts are called through `sol!` bindings generated from `abi/*.json`.
//! Needs `target/wasm/{provenance,ip-collection}.wasm` (`cargo ip build`).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;

use alloy::primitives::{aliases::U96, keccak256, Address, Bytes, B256, U256};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use stylus_ip_deploy::provenance::{
    self, signer_from_hex, AssetRef, Attestation, FieldHashes, Inputs, Record, RecordIds,
};
use stylus_ip_tests::Harness;

/// Bindings generated from `abi/` (the ABI's 8- and 9-argument functions
/// become constructors with as many arguments).
#[allow(clippy::too_many_arguments)]
mod abi {
    alloy::sol!(
        #[sol(all_derives)]
        ProvenanceRegistry,
        "../abi/ProvenanceRegistry.json"
    );
    alloy::sol!(
        #[sol(all_derives)]
        IpCollection,
        "../abi/IpCollection.json"
    );
}

use abi::{IpCollection, ProvenanceRegistry};
use ProvenanceRegistry::ProvenanceRegistryErrors as E;

/// The in-process devnode's chain id.
const CHAIN_ID: u64 = 412_346;
/// Hardhat/anvil dev account #1: the model attester.
const ATTESTER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/// Hardhat/anvil dev account #2: not the attester.
const OTHER_KEY: &str = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

/// A registry with one model (attested by `ATTESTER_KEY`), one with
/// commit–reveal, and a collection whose tokens the creator owns.
struct World {
    h: Harness,
    registry: Address,
    nft: Address,
    creator: Address,
    model: U256,
    commit_model: U256,
}

impl World {
    fn new() -> Self {
        let mut h = Harness::new(1);
        let admin = h.admin;
        let creator = h.actors[0];
        let registry = h.deploy("provenance");
        let nft = h.deploy("ip-collection");
        let init = IpCollection::initializeCall {
            name: "AI Works".into(),
            symbol: "AIW".into(),
            baseUri: "ipfs://works/".into(),
            owner: admin,
            royaltyReceiver: admin,
            royaltyBps: U96::from(500),
        };
        h.send(admin, nft, &init, U256::ZERO).expect("initialize");
        let attester = signer_from_hex(ATTESTER_KEY).unwrap().address();
        let mut register = |commit_reveal: bool| {
            let call = ProvenanceRegistry::registerModelCall {
                weightsHash: keccak256("weights"),
                version: "1.0".into(),
                uri: "ipfs://model".into(),
                attester,
                parentModelId: U256::ZERO,
                commitReveal: commit_reveal,
                nftCollection: Address::ZERO,
                nftTokenId: U256::ZERO,
            };
            h.send(admin, registry, &call, U256::ZERO)
                .expect("registerModel")
                .0
        };
        let model = register(false);
        let commit_model = register(true);
        Self {
            h,
            registry,
            nft,
            creator,
            model,
            commit_model,
        }
    }

    /// Mints a token to the creator; returns its id.
    fn mint(&mut self) -> U256 {
        let call = IpCollection::mintCall {
            to: self.creator,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        };
        let admin = self.h.admin;
        self.h
            .send(admin, self.nft, &call, U256::ZERO)
            .expect("mint")
            .0
    }

    /// `recordProvenance` of `r` by the creator with `signature`.
    fn record(&mut self, r: &Record, signature: Bytes) -> Result<(), E> {
        let call = ProvenanceRegistry::recordProvenanceCall {
            collection: r.ids.collection,
            id: r.ids.id,
            modelId: r.ids.model_id,
            promptHash: r.hashes.prompt_hash,
            seedHash: r.hashes.seed_hash,
            paramsHash: r.hashes.params_hash,
            contentHash: r.hashes.content_hash,
            humanHash: r.hashes.human_hash,
            parentCollections: r.ids.parents.iter().map(|p| p.collection).collect(),
            parentIds: r.ids.parents.iter().map(|p| p.id).collect(),
            signature,
        };
        self.h
            .send(self.creator, self.registry, &call, U256::ZERO)
            .map(|_| ())
            .map_err(|rev| rev.decode::<E>())
    }

    /// `attest(collection, id, signature)`, sent by anyone (here the admin).
    fn attest(&mut self, asset: AssetRef, signature: Bytes) -> Result<(), E> {
        let call = ProvenanceRegistry::attestCall {
            collection: asset.collection,
            id: asset.id,
            signature,
        };
        let admin = self.h.admin;
        self.h
            .send(admin, self.registry, &call, U256::ZERO)
            .map(|_| ())
            .map_err(|rev| rev.decode::<E>())
    }

    fn verify(&mut self, prompt: &[u8], content_hash: B256, proof: &Bytes) -> bool {
        let call = ProvenanceRegistry::verifyCall {
            prompt: Bytes::copy_from_slice(prompt),
            aigcData: Bytes::copy_from_slice(content_hash.as_slice()),
            proof: proof.clone(),
        };
        self.h.view(self.registry, &call)
    }

    fn provenance_of(&mut self, asset: AssetRef) -> ProvenanceRegistry::provenanceOfReturn {
        let call = ProvenanceRegistry::provenanceOfCall {
            collection: asset.collection,
            id: asset.id,
        };
        self.h.view(self.registry, &call)
    }

    fn domain_separator(&mut self) -> B256 {
        self.h
            .view(self.registry, &ProvenanceRegistry::domainSeparatorCall {})
    }

    fn ids(&self, id: U256, model_id: U256, parents: Vec<AssetRef>) -> RecordIds {
        RecordIds {
            collection: self.nft,
            id,
            model_id,
            creator: self.creator,
            parents,
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stylus-ip-provcli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `stylus-ip provenance <args>`; returns its stdout as JSON.
fn cli(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_stylus-ip"))
        .arg("provenance")
        .args(args)
        .envs(env.iter().copied())
        .current_dir(repo_root())
        .output()
        .expect("running stylus-ip");
    assert!(
        out.status.success(),
        "stylus-ip provenance {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn cli_hash_and_attest_are_accepted_by_the_registry_wasm() {
    stylus_ip_tests::big_stack(
        "cli attest",
        cli_hash_and_attest_are_accepted_by_the_registry_wasm_body,
    );
}

fn cli_hash_and_attest_are_accepted_by_the_registry_wasm_body() {
    let mut w = World::new();
    let token = w.mint();
    let dir = temp_dir("e2e");
    let prompt = "a red fox in the snow, watercolour";
    std::fs::write(dir.join("prompt.txt"), prompt).unwrap();
    std::fs::write(
        dir.join("params.json"),
        "{\n  \"steps\": 30,\n  \"cfg\": 7.0,\n  \"sampler\": \"euler a\"\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("fox.png"), b"\x89PNG\r\n\x1a\n fake image bytes").unwrap();
    let path = |f: &str| dir.join(f).to_str().unwrap().to_owned();
    let (registry, nft, creator) = (
        w.registry.to_string(),
        w.nft.to_string(),
        w.creator.to_string(),
    );
    let (token_s, model_s, chain_s) =
        (token.to_string(), w.model.to_string(), CHAIN_ID.to_string());

    // provenance hash → record.json
    // the record's fields, as `hash` and `attest` both take them
    let (params_file, content_file) = (path("params.json"), path("fox.png"));
    let record_args = [
        "--seed",
        "42",
        "--params-file",
        &params_file,
        "--content-file",
        &content_file,
        "--human",
        "mask painted by hand",
        "--collection",
        &nft,
        "--id",
        &token_s,
        "--model-id",
        &model_s,
        "--creator",
        &creator,
    ];
    let prompt_file = path("prompt.txt");
    let hashed = cli(
        &[
            &["hash", "--prompt-file", &prompt_file][..],
            &record_args,
            &["--registry", &registry, "--chain-id", &chain_s],
        ]
        .concat(),
        &[],
    );
    assert_eq!(
        hashed["canonicalParams"],
        r#"{"cfg":7,"sampler":"euler a","steps":30}"#
    );
    std::fs::write(
        dir.join("record.json"),
        serde_json::to_vec_pretty(&hashed).unwrap(),
    )
    .unwrap();
    let record: Record = serde_json::from_value(hashed.clone()).unwrap();
    let record_hash: B256 = serde_json::from_value(hashed["recordHash"].clone()).unwrap();
    let digest: B256 = serde_json::from_value(hashed["digest"].clone()).unwrap();
    assert_eq!(record.hashes.prompt_hash, keccak256(prompt));

    // The digest is EIP-712 over the contract's own domain separator.
    let separator = w.domain_separator();
    assert_eq!(
        digest,
        keccak256(
            [
                &[0x19, 0x01][..],
                separator.as_slice(),
                record_hash.as_slice()
            ]
            .concat()
        )
    );

    // provenance attest --record record.json (key from the environment)
    let attested = cli(
        &[
            "attest",
            "--key-env",
            "STYLUS_IP_TEST_ATTESTER_KEY",
            "--registry",
            &registry,
            "--chain-id",
            &chain_s,
            "--record",
            &path("record.json"),
        ],
        &[("STYLUS_IP_TEST_ATTESTER_KEY", ATTESTER_KEY)],
    );
    let a: Attestation = serde_json::from_value(attested).unwrap();
    assert_eq!(a.signature.len(), 65);
    assert_eq!((a.digest, a.record_hash), (digest, record_hash));

    // The registry accepts the signed record, and stores what the CLI hashed.
    w.record(&record, a.signature.clone())
        .expect("recordProvenance");
    let asset = AssetRef {
        collection: w.nft,
        id: token,
    };
    let view = w.provenance_of(asset);
    assert_eq!(view._0, w.model);
    let FieldHashes {
        prompt_hash,
        seed_hash,
        params_hash,
        content_hash,
        human_hash,
    } = record.hashes;
    assert_eq!(
        (view._1, view._2, view._3, view._4, view._5),
        (
            prompt_hash,
            seed_hash,
            params_hash,
            content_hash,
            human_hash
        )
    );
    assert_eq!(view._6, w.creator);
    assert!(view._8, "attested on write");

    // ERC-7007 verify with the CLI's proof: the exact prompt and content hash.
    assert!(w.verify(prompt.as_bytes(), content_hash, &a.proof));
    assert!(!w.verify(format!("{prompt}\n").as_bytes(), content_hash, &a.proof));
    assert!(!w.verify(prompt.as_bytes(), keccak256("other"), &a.proof));

    // The same inputs given inline to `attest` sign the same digest.
    let inline = cli(
        &[
            &[
                "attest",
                "--key-env",
                "K",
                "--registry",
                &registry,
                "--chain-id",
                &chain_s,
                "--prompt",
                prompt,
            ][..],
            &record_args,
        ]
        .concat(),
        &[("K", ATTESTER_KEY)],
    );
    assert_eq!(
        serde_json::from_value::<Attestation>(inline)
            .unwrap()
            .signature,
        a.signature
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn library_attestations_pass_attest_commit_reveal_and_lineage() {
    stylus_ip_tests::big_stack(
        "library attestations",
        library_attestations_pass_attest_commit_reveal_and_lineage_body,
    );
}

fn library_attestations_pass_attest_commit_reveal_and_lineage_body() {
    let mut w = World::new();
    let attester = signer_from_hex(ATTESTER_KEY).unwrap();
    let other = signer_from_hex(OTHER_KEY).unwrap();
    let dir = temp_dir("lib");
    std::fs::write(dir.join("params.json"), r#"{"steps":20}"#).unwrap();
    std::fs::write(dir.join("a.png"), b"first").unwrap();
    let inputs = Inputs {
        prompt: Some("a lighthouse at dusk".into()),
        seed: Some(7),
        params_file: Some(dir.join("params.json")),
        content_file: Some(dir.join("a.png")),
        ..Inputs::default()
    };
    let (hashes, _) = inputs.hash().unwrap();

    // An unattested parent record, then attested later with `attest`.
    let parent_id = w.mint();
    let parent = Record {
        ids: w.ids(parent_id, w.model, vec![]),
        hashes,
    };
    w.record(&parent, Bytes::new()).expect("unattested record");
    let parent_asset = AssetRef {
        collection: w.nft,
        id: parent_id,
    };
    assert!(!w.provenance_of(parent_asset)._8);
    let wrong_key = provenance::attest(&parent, CHAIN_ID, w.registry, &other).unwrap();
    let wrong_chain = provenance::attest(&parent, CHAIN_ID + 1, w.registry, &attester).unwrap();
    let wrong_registry = provenance::attest(&parent, CHAIN_ID, w.nft, &attester).unwrap();
    for bad in [&wrong_key, &wrong_chain, &wrong_registry] {
        assert!(matches!(
            w.attest(parent_asset, bad.signature.clone()),
            Err(E::ProvenanceInvalidSignature(_))
        ));
    }
    let good = provenance::attest(&parent, CHAIN_ID, w.registry, &attester).unwrap();
    w.attest(parent_asset, good.signature.clone())
        .expect("attest");
    assert!(w.provenance_of(parent_asset)._8);
    assert!(matches!(
        w.attest(parent_asset, good.signature.clone()),
        Err(E::ProvenanceAlreadyAttested(_))
    ));
    assert!(w.verify(b"a lighthouse at dusk", hashes.content_hash, &good.proof));
    assert!(!w.verify(
        b"a lighthouse at dusk",
        hashes.content_hash,
        &wrong_key.proof
    ));

    // A derived asset under a commit–reveal model: commit the CLI's record
    // hash, then write the signed record in a later block.
    let child_id = w.mint();
    let child = Record {
        ids: w.ids(child_id, w.commit_model, vec![parent_asset]),
        hashes,
    };
    let signed = provenance::attest(&child, CHAIN_ID, w.registry, &attester).unwrap();
    assert!(matches!(
        w.record(&child, signed.signature.clone()),
        Err(E::ProvenanceRevealWithoutCommit(_))
    ));
    let commit = ProvenanceRegistry::commitCall {
        commitment: child.struct_hash(),
    };
    let creator = w.creator;
    w.h.send(creator, w.registry, &commit, U256::ZERO)
        .expect("commit");
    w.record(&child, signed.signature)
        .expect("reveal with the CLI's commitment");
    assert!(
        w.provenance_of(AssetRef {
            collection: w.nft,
            id: child_id
        })
        ._8
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn any_record_signed_by_the_library_is_accepted_and_any_tamper_refused() {
    stylus_ip_tests::big_stack(
        "tamper",
        any_record_signed_by_the_library_is_accepted_and_any_tamper_refused_body,
    );
}

fn any_record_signed_by_the_library_is_accepted_and_any_tamper_refused_body() {
    // One chain for every case (each case mints fresh tokens).
    let world = RefCell::new(World::new());
    let attester = signer_from_hex(ATTESTER_KEY).unwrap();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse::<u32>().ok())
        .unwrap_or(256)
        .min(24);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let b256 = || any::<[u8; 32]>().prop_map(B256::from);
    let strategy = (
        ".{0,64}",
        [b256(), b256(), b256(), b256()],
        0usize..=3,
        0usize..10,
        any::<u8>(),
    );
    runner
        .run(&strategy, |(prompt, h, n_parents, which, salt)| {
            let mut w = world.borrow_mut();
            let hashes = FieldHashes {
                prompt_hash: keccak256(prompt.as_bytes()),
                seed_hash: h[0],
                params_hash: h[1],
                content_hash: h[2],
                human_hash: h[3],
            };
            // Parents: fresh unattested records.
            let mut parents = Vec::new();
            for _ in 0..n_parents {
                let id = w.mint();
                let model = w.model;
                let p = Record {
                    ids: w.ids(id, model, vec![]),
                    hashes,
                };
                w.record(&p, Bytes::new()).expect("parent record");
                parents.push(AssetRef {
                    collection: w.nft,
                    id,
                });
            }
            let id = w.mint();
            let model = w.model;
            let r = Record {
                ids: w.ids(id, model, parents),
                hashes,
            };
            let a = provenance::attest(&r, CHAIN_ID, w.registry, &attester).unwrap();

            // A signature over any other field value is refused...
            let mut t = r.clone();
            let bump = |b: &mut B256| b.0[usize::from(salt) % 32] ^= 1;
            match which {
                0..=4 => bump(
                    [
                        &mut t.hashes.prompt_hash,
                        &mut t.hashes.seed_hash,
                        &mut t.hashes.params_hash,
                        &mut t.hashes.content_hash,
                        &mut t.hashes.human_hash,
                    ]
                    .into_iter()
                    .nth(which)
                    .unwrap(),
                ),
                5 => t.ids.id += U256::from(1),
                6 => t.ids.model_id = w.commit_model,
                7 => t.ids.creator = w.h.admin,
                8 => t.ids.collection = w.registry,
                _ => t.ids.parents.push(AssetRef {
                    collection: w.nft,
                    id: U256::from(u64::MAX),
                }),
            }
            let forged = provenance::attest(&t, CHAIN_ID, w.registry, &attester).unwrap();
            prop_assert!(matches!(
                w.record(&r, forged.signature),
                Err(E::ProvenanceInvalidSignature(_))
            ));
            // ...and the record's own signature is accepted and verifies.
            prop_assert!(w.record(&r, a.signature.clone()).is_ok());
            let asset = AssetRef {
                collection: w.nft,
                id,
            };
            let attested = w.provenance_of(asset)._8;
            prop_assert!(attested);
            let content = r.hashes.content_hash;
            let with_space = format!("{prompt} ");
            prop_assert!(w.verify(prompt.as_bytes(), content, &a.proof));
            prop_assert!(!w.verify(with_space.as_bytes(), content, &a.proof));
            Ok(())
        })
        .unwrap();
}
