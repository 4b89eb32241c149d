//! The studio batch mint end to end on the embedded devnode, through the
//! library API (`stylus_ip_deploy::studio::mint`), on the suite as `deploy`
//! deploys it: 200 synthetic PNGs (the gateway's procedural model, seeded)
//! minted with attested provenance and checked one by one; a stop at every
//! batch boundary resumed from the journal with every asset minted exactly
//! once; a dry run that sends nothing; a retired model refused by line.
//!
//! Needs the WASM from `cargo ip build`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use stylus_ip_deploy::bindings::{IpCollection, IpEditions, ProvenanceRegistry};
use stylus_ip_deploy::provenance::{self as prov, Record, RecordIds};
use stylus_ip_deploy::studio::journal::JournalError;
use stylus_ip_deploy::studio::models::register_call;
use stylus_ip_deploy::studio::{
    self, AbortAt, Attesters, Boundary, LineErrorKind, ManifestError, MintError, MintOptions,
    MintReport, MintTarget,
};

/// The chain, the suite and the studio's accounts, shared by the tests
/// (one at a time: they share the minter's nonce).
struct Env {
    _node: stylus_devnode::DevnodeHandle,
    url: String,
    chain_id: u64,
    collection: Address,
    editions: Address,
    registry: Address,
    minter: PrivateKeySigner,
    lab: PrivateKeySigner,
    /// Model 1: active, attested by `lab`; model 2: retired.
    active_model: u64,
    retired_model: u64,
    dir: PathBuf,
}

static ENV: OnceLock<Env> = OnceLock::new();
static TURN: Mutex<()> = Mutex::new(());

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn provider(url: &str, key: &PrivateKeySigner) -> DynProvider {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(key.clone()))
        .connect_http(url.parse().expect("url"))
        .erased()
}

async fn send(p: &DynProvider, from: Address, to: Address, data: Vec<u8>) -> Bytes {
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(data);
    let out = p.call(tx.clone()).await.expect("call");
    let r = p
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "transaction reverted");
    out
}

async fn view<C: SolCall>(p: &DynProvider, to: Address, call: &C) -> C::Return {
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    C::abi_decode_returns(&p.call(tx).await.expect("eth_call")).expect("decode")
}

fn env() -> (&'static Env, MutexGuard<'static, ()>) {
    let turn = TURN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let e = ENV.get_or_init(|| {
        let node = stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())
            .expect("embedded devnode");
        let url = node.url().to_string();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = std::env::temp_dir().join(format!("stylus-ip-studio-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let rt = rt();
        let deployed = rt
            .block_on(stylus_ip_deploy::run::deploy_fresh(
                &root,
                &url,
                stylus_ip_deploy::keys::KeySource::DevDefault,
                dir.join("deployment.json"),
            ))
            .expect("deploying the suite (after `cargo ip build`)");
        let accounts = node.dev_accounts();
        let minter = accounts[0].signer.clone();
        let lab = accounts[1].signer.clone();
        let registry = deployed.addresses.provenance;
        let p = provider(&url, &lab);
        let register = |version: &str| register_call(version, version, "", lab.address());
        let (active_model, retired_model) = rt.block_on(async {
            let a = send(
                &p,
                lab.address(),
                registry,
                register("studio 1").abi_encode(),
            )
            .await;
            let r = send(
                &p,
                lab.address(),
                registry,
                register("studio 0.9").abi_encode(),
            )
            .await;
            let a = U256::from_be_slice(&a);
            let r = U256::from_be_slice(&r);
            send(
                &p,
                lab.address(),
                registry,
                ProvenanceRegistry::retireModelCall { modelId: r }.abi_encode(),
            )
            .await;
            (a.to::<u64>(), r.to::<u64>())
        });
        Env {
            _node: node,
            url,
            chain_id: deployed.chain_id,
            collection: deployed
                .addresses
                .collection
                .expect("the studio collection"),
            editions: deployed.addresses.editions.expect("the studio editions"),
            registry,
            minter,
            lab,
            active_model,
            retired_model,
            dir,
        }
    });
    (e, turn)
}

/// One generated line's data (prompt and seed).
type Line = stylus_ip_gateway::synthetic::Generation;

/// Writes `n` synthetic 16×16 PNGs and their manifest into `dir`
/// ([`stylus_ip_gateway::synthetic`]); lines `1..=n`; the royalty changes
/// after line `royalty_switch` (if any).
fn write_manifest(
    dir: &Path,
    n: usize,
    model: u64,
    seed: u64,
    royalty_switch: Option<usize>,
) -> (PathBuf, Vec<Line>) {
    stylus_ip_gateway::synthetic::write(
        dir,
        &stylus_ip_gateway::synthetic::Spec {
            count: n,
            model_id: model,
            seed,
            side: 16,
            royalty_switch,
        },
    )
    .expect("writing the synthetic batch")
}

fn target(e: &Env) -> MintTarget {
    MintTarget {
        rpc_url: e.url.clone(),
        collection: e.collection,
        editions: Some(e.editions),
        registry: e.registry,
        minter: e.minter.clone(),
        attesters: Attesters::Key(e.lab.clone()),
    }
}

fn run(opts: &MintOptions, e: &Env) -> anyhow::Result<MintReport> {
    rt().block_on(studio::mint(opts, &target(e)))
}

async fn nonce(p: &DynProvider, a: Address) -> u64 {
    p.get_transaction_count(a).await.expect("nonce")
}

/// Checks every asset of `report` on chain: owner, tokenURI, the record's
/// hashes, model and creator, and ERC-7007 `verify`.
async fn check_minted(e: &Env, report: &MintReport, lines: &[Line], owner: Address) {
    let p = provider(&e.url, &e.minter);
    assert_eq!(report.assets.len(), lines.len());
    for (a, entry) in report.assets.iter().zip(&report.entries) {
        assert_eq!(a.line, entry.line);
        let id = a.token_id;
        let collection = if let Some(supply) = entry.supply {
            assert_eq!(a.supply, Some(supply));
            let held = view(
                &p,
                e.editions,
                &IpEditions::balanceOfCall { account: owner, id },
            )
            .await;
            assert_eq!(held, U256::from(supply), "editions of id {id}");
            let uri = view(&p, e.editions, &IpEditions::uriCall { id }).await;
            assert_eq!(uri, entry.token_uri, "uri of edition {id}");
            e.editions
        } else {
            let who = view(&p, e.collection, &IpCollection::ownerOfCall { tokenId: id }).await;
            assert_eq!(who, owner, "owner of token {id}");
            let uri = view(
                &p,
                e.collection,
                &IpCollection::tokenURICall { tokenId: id },
            )
            .await;
            assert_eq!(uri, entry.token_uri, "tokenURI of token {id}");
            e.collection
        };
        let uri = &entry.token_uri;
        assert_eq!(*uri, format!("ipfs://{}", entry.metadata_cid));
        let r = view(
            &p,
            e.registry,
            &ProvenanceRegistry::provenanceOfCall { collection, id },
        )
        .await;
        let h = entry.hashes;
        assert_eq!(r._0, U256::from(entry.model_id), "model of token {id}");
        assert_eq!(
            (r._1, r._2, r._3, r._4, r._5),
            (
                h.prompt_hash,
                h.seed_hash,
                h.params_hash,
                h.content_hash,
                h.human_hash
            ),
            "record hashes of token {id}"
        );
        assert_eq!(r._6, e.minter.address(), "creator of token {id}");
        assert!(r._8, "token {id}'s record is attested");
        let line = &lines[a.line - 1];
        assert_eq!(keccak256(line.prompt.as_bytes()), h.prompt_hash);
        let _ = line.seed;
        let record = Record {
            ids: RecordIds {
                collection,
                id,
                model_id: U256::from(entry.model_id),
                creator: e.minter.address(),
                parents: Vec::new(),
            },
            hashes: h,
        };
        let att = prov::attest(&record, e.chain_id, e.registry, &e.lab).expect("attest");
        let ok = view(
            &p,
            e.registry,
            &ProvenanceRegistry::verifyCall {
                prompt: line.prompt.as_bytes().to_vec().into(),
                aigcData: h.content_hash.to_vec().into(),
                proof: att.proof.clone(),
            },
        )
        .await;
        assert!(ok, "ERC-7007 verify of token {id}");
        // a wrong prompt does not verify
        let bad = view(
            &p,
            e.registry,
            &ProvenanceRegistry::verifyCall {
                prompt: b"another prompt".to_vec().into(),
                aigcData: h.content_hash.to_vec().into(),
                proof: att.proof,
            },
        )
        .await;
        assert!(!bad, "verify with another prompt");
    }
}

#[test]
fn two_hundred_pngs_are_minted_with_attested_provenance() {
    let (e, _turn) = env();
    let dir = e.dir.join("two-hundred");
    let (manifest, lines) = write_manifest(&dir, 200, e.active_model, 0x5eed, Some(120));
    let p = provider(&e.url, &e.minter);
    let rt = rt();
    let supply0 = rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {}));
    let start = Instant::now();
    let mut opts = MintOptions::new(&manifest);
    opts.verbose = std::env::var("STUDIO_E2E_VERBOSE").is_ok();
    let report = run(&opts, e).expect("mint");
    let wall = start.elapsed();
    let supply1 = rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {}));
    assert_eq!(supply1 - supply0, U256::from(200u64));
    // ids are consecutive, in line order
    for (i, a) in report.assets.iter().enumerate() {
        assert_eq!(a.token_id, supply0 + U256::from(i + 1));
    }
    // batch sizes from the gas probes (capped), two royalties: mint
    // batches of 50, 50, 20 (royalty 500) and 50, 30 (royalty 750)
    assert!(report.gas_models.is_some());
    let sizes: Vec<usize> = report
        .plan
        .iter()
        .filter(|b| b.is_mint())
        .map(|b| b.lines.len())
        .collect();
    assert_eq!(sizes, vec![50, 50, 20, 50, 30]);
    let mints = report.plan.iter().filter(|b| b.is_mint()).count();
    assert!(mints >= 2, "{:?}", report.plan);
    let t = report.totals;
    assert_eq!(t.assets, 200);
    assert_eq!(t.txs, report.plan.len());
    eprintln!(
        "studio e2e: 200 assets, {} batches ({} mint), {} gas, {} gas/asset, wall {:.2} s ({:.1} assets/s); gas models {:?}",
        t.batches,
        mints,
        t.gas,
        t.gas / 200,
        wall.as_secs_f64(),
        200.0 / wall.as_secs_f64(),
        report.gas_models
    );
    rt.block_on(check_minted(e, &report, &lines, e.minter.address()));
    // every metadata file is in the output folder under its CID
    for entry in &report.entries {
        let f = report
            .out
            .join(format!("metadata/{}.json", entry.metadata_cid));
        let bytes = std::fs::read(&f).expect("metadata file");
        assert_eq!(studio::Cid::of_bytes(&bytes), entry.metadata_cid);
    }
    // run again: the journal says everything is done; nothing is sent
    let n0 = rt.block_on(nonce(&p, e.minter.address()));
    let again = run(&MintOptions::new(&manifest), e).expect("rerun");
    assert_eq!(again.totals.txs, 0);
    assert_eq!(again.assets, report.assets);
    assert_eq!(rt.block_on(nonce(&p, e.minter.address())), n0);
}

/// Mints 12 assets in batches of 4 (6 batches) into a fresh output folder,
/// stopping at `stop`, resuming, and checks each minted exactly once.
fn stop_and_resume(e: &Env, tag: &str, stop: Option<AbortAt>, between: impl FnOnce()) {
    let dir = e.dir.join(format!("resume-{tag}"));
    let (manifest, lines) = write_manifest(&dir, 12, e.active_model, 0xabc, None);
    let p = provider(&e.url, &e.minter);
    let rt = rt();
    let supply0 = rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {}));
    let mut opts = MintOptions::new(&manifest);
    opts.batch_size = Some(4);
    opts.recipient = Some(Address::repeat_byte(0x77));
    if let Some(at) = stop {
        opts.abort_at = Some(at);
        let n0 = rt.block_on(nonce(&p, e.minter.address()));
        let err = run(&opts, e).expect_err("the hook stops the run");
        assert!(
            matches!(err.downcast_ref::<MintError>(), Some(MintError::Aborted(a)) if *a == at),
            "{err:#}"
        );
        // the intent is journalled; sent only after AfterSend
        let sent = rt.block_on(nonce(&p, e.minter.address())) - n0;
        let expected = at.batch as u64 + u64::from(at.boundary == Boundary::AfterSend);
        assert_eq!(sent, expected, "transactions before the stop at {at:?}");
        let journal = std::fs::read_to_string(dir.join("manifest.out/journal.jsonl")).unwrap();
        assert_eq!(journal.matches("\"type\":\"intent\"").count(), at.batch + 1);
        assert_eq!(journal.matches("\"type\":\"done\"").count(), at.batch);
    }
    between();
    opts.abort_at = None;
    let report = run(&opts, e).expect("resumed run");
    assert_eq!(report.plan.len(), 6);
    let supply1 = rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {}));
    assert_eq!(
        supply1 - supply0,
        U256::from(12u64),
        "minted exactly once ({tag})"
    );
    let ids: Vec<U256> = report.assets.iter().map(|a| a.token_id).collect();
    let expected: Vec<U256> = (1..=12u64).map(|i| supply0 + U256::from(i)).collect();
    assert_eq!(ids, expected, "{tag}");
    rt.block_on(check_minted(e, &report, &lines, Address::repeat_byte(0x77)));
}

#[test]
fn a_stop_at_every_batch_boundary_resumes_with_every_asset_minted_once() {
    let (e, _turn) = env();
    for batch in 0..6 {
        for boundary in [Boundary::AfterIntent, Boundary::AfterSend] {
            stop_and_resume(
                e,
                &format!("{batch}-{boundary:?}"),
                Some(AbortAt { batch, boundary }),
                || {},
            );
        }
    }
}

#[test]
fn an_intent_whose_nonce_was_taken_is_superseded() {
    let (e, _turn) = env();
    // stopped before sending batch 1; another transaction takes its nonce
    stop_and_resume(
        e,
        "superseded",
        Some(AbortAt {
            batch: 1,
            boundary: Boundary::AfterIntent,
        }),
        || {
            let p = provider(&e.url, &e.minter);
            rt().block_on(send(&p, e.minter.address(), e.minter.address(), Vec::new()));
        },
    );
}

#[test]
fn a_journal_of_another_manifest_is_refused() {
    let (e, _turn) = env();
    let dir = e.dir.join("other-manifest");
    let (manifest, _) = write_manifest(&dir, 3, e.active_model, 7, None);
    let mut opts = MintOptions::new(&manifest);
    opts.abort_at = Some(AbortAt {
        batch: 0,
        boundary: Boundary::AfterSend,
    });
    assert!(run(&opts, e).is_err());
    // same files, another name on line 2: another manifest
    let index = dir.join("manifest.out/assets.json");
    let before = std::fs::read_to_string(&index).unwrap();
    let text = std::fs::read_to_string(&manifest).unwrap();
    let changed = text.replacen("Studio #2", "Studio #2 (renamed)", 1);
    assert_ne!(text, changed);
    std::fs::write(&manifest, changed).unwrap();
    opts.abort_at = None;
    let err = run(&opts, e).expect_err("another manifest's journal");
    assert!(
        matches!(
            err.downcast_ref::<JournalError>(),
            Some(JournalError::Mismatch { field, .. }) if field.contains("manifest content")
        ),
        "{err:#}"
    );
    assert!(format!("{err:#}").contains("another --out"), "{err:#}");
    // refused before the output folder is written again
    assert_eq!(std::fs::read_to_string(&index).unwrap(), before);
}

#[test]
fn a_dry_run_sends_nothing() {
    let (e, _turn) = env();
    let dir = e.dir.join("dry-run");
    let (manifest, _) = write_manifest(&dir, 20, e.active_model, 11, Some(10));
    let p = provider(&e.url, &e.minter);
    let rt = rt();
    let n0 = rt.block_on(nonce(&p, e.minter.address()));
    let s0 = rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {}));
    let mut opts = MintOptions::new(&manifest);
    opts.dry_run = true;
    let report = run(&opts, e).expect("dry run");
    assert_eq!(rt.block_on(nonce(&p, e.minter.address())), n0);
    assert_eq!(
        rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {})),
        s0
    );
    assert!(report.assets.is_empty());
    assert_eq!(report.estimates.len(), report.plan.len());
    assert!(report
        .estimates
        .iter()
        .all(|x| x.gas.is_some_and(|g| g > 21_000) && !x.fee.is_zero()));
    assert!(!dir.join("manifest.out/journal.jsonl").exists());
    let (gm, gp) = report.gas_models.expect("probed");
    assert!(gm.per_asset > 0 && gp.per_asset > 0);
}

#[test]
fn a_retired_model_is_a_line_error_and_nothing_is_sent() {
    let (e, _turn) = env();
    let dir = e.dir.join("retired");
    let (manifest, _) = write_manifest(&dir, 3, e.active_model, 13, None);
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replace(
        &format!("\"modelId\":{}", e.active_model),
        &format!("\"modelId\":{}", e.retired_model),
    );
    lines[2] = lines[2].replace(
        &format!("\"modelId\":{}", e.active_model),
        "\"modelId\":999",
    );
    std::fs::write(&manifest, lines.join("\n") + "\n").unwrap();
    let p = provider(&e.url, &e.minter);
    let rt = rt();
    let n0 = rt.block_on(nonce(&p, e.minter.address()));
    let err = run(&MintOptions::new(&manifest), e).expect_err("retired model");
    let Some(MintError::Manifest(ManifestError::Lines(errs))) = err.downcast_ref::<MintError>()
    else {
        panic!("{err:#}")
    };
    let got: Vec<(usize, LineErrorKind)> = errs.iter().map(|x| (x.line, x.kind.clone())).collect();
    assert_eq!(
        got,
        vec![
            (
                2,
                LineErrorKind::RetiredModel {
                    model_id: e.retired_model
                }
            ),
            (3, LineErrorKind::UnknownModel { model_id: 999 }),
        ]
    );
    assert_eq!(rt.block_on(nonce(&p, e.minter.address())), n0);
    assert!(
        !dir.join("manifest.out").exists(),
        "no output folder for an invalid manifest"
    );
}

/// Adds `"supply"` to the given lines (1-based) of the manifest at `path`.
fn with_supplies(path: &Path, supplies: &[(usize, u64)]) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
        if let Some((_, s)) = supplies.iter().find(|(line, _)| *line == i + 1) {
            v["supply"] = serde_json::json!(s);
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn editions_lines_are_created_minted_and_recorded_and_resume() {
    let (e, _turn) = env();
    let dir = e.dir.join("editions");
    let (manifest, lines) = write_manifest(&dir, 8, e.active_model, 0xed, Some(5));
    with_supplies(&manifest, &[(3, 10), (4, 1), (5, 25), (6, 3)]);
    let p = provider(&e.url, &e.minter);
    let rt = rt();
    let last0 = rt.block_on(view(&p, e.editions, &IpEditions::lastIdCall {}));
    let supply0 = rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {}));
    let mut opts = MintOptions::new(&manifest);
    opts.batch_size = Some(2);
    // dry run: editions mints cannot be estimated before their editions exist
    opts.dry_run = true;
    let dry = run(&opts, e).expect("dry run");
    assert!(dry.estimates.iter().any(|x| x.gas.is_none()));
    assert!(dry
        .estimates
        .iter()
        .all(|x| x.gas.is_some() || x.batch.kind == studio::plan::BatchKind::MintEditions));
    opts.dry_run = false;
    // stop after sending the second edition's createId, then before sending the editions mint
    let kinds: Vec<_> = dry.plan.iter().map(|b| b.kind).collect();
    let create = kinds
        .iter()
        .position(|k| matches!(k, studio::plan::BatchKind::CreateEdition { .. }))
        .unwrap();
    for at in [
        AbortAt {
            batch: create + 1,
            boundary: Boundary::AfterSend,
        },
        AbortAt {
            batch: create + 2,
            boundary: Boundary::AfterIntent,
        },
    ] {
        opts.abort_at = Some(at);
        let err = run(&opts, e).expect_err("stopped");
        assert!(
            matches!(err.downcast_ref::<MintError>(), Some(MintError::Aborted(a)) if *a == at),
            "{err:#}"
        );
    }
    opts.abort_at = None;
    let report = run(&opts, e).expect("resumed");
    let last1 = rt.block_on(view(&p, e.editions, &IpEditions::lastIdCall {}));
    assert_eq!(last1 - last0, U256::from(4u8), "four editions created once");
    let supply1 = rt.block_on(view(&p, e.collection, &IpCollection::totalSupplyCall {}));
    assert_eq!(
        supply1 - supply0,
        U256::from(4u8),
        "four ERC-721 tokens minted once"
    );
    rt.block_on(check_minted(e, &report, &lines, e.minter.address()));
}
