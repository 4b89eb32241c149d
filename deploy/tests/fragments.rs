//! Fragmented programs (ArbOS 60+) end to end on the embedded devnode: a
//! program whose code exceeds 24,576 bytes goes through the build gate's
//! processing, deploys as fragments + root through the resumable engine
//! (a crash injected at every step, then resumed), activates, answers a
//! call with its whole data segment (so every fragment was reassembled), and
//! shows in `status`/`keepalive`. A program needing more fragments than the
//! chain allows is refused by name before anything is sent.
//!
//! The devnode must run ArbOS 60 or later (`getMaxStylusContractFragments`
//! at least 2).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use stylus_devnode::{Devnode, DevnodeConfig, DevnodeHandle};
use stylus_ip_deploy::engine::{Engine, ProgramCode};
use stylus_ip_deploy::manifest::Manifest;
use stylus_ip_deploy::stylus::{self, Activation};
use stylus_ip_deploy::suite::{self, Artifacts, SuiteConfig};
use stylus_validate::fragments;

fn node() -> (DevnodeHandle, DynProvider, Address) {
    let node = Devnode::spawn(DevnodeConfig::ephemeral()).unwrap();
    let account = node.dev_accounts()[3].clone();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(account.signer))
        .connect_http(node.url().parse().unwrap())
        .erased();
    (node, provider, account.address)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stylus-ip-frag-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `len` incompressible bytes from a seeded xorshift generator.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A program holding `data` at address 1024 that answers every call with
/// the whole of it.
fn data_program(data: &[u8]) -> Vec<u8> {
    let escaped: String = data.iter().map(|b| format!("\\{b:02x}")).collect();
    let pages = (1024 + data.len()).div_ceil(65_536);
    let len = data.len();
    wat::parse_str(format!(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
            (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
            (memory (export "memory") {pages} {pages})
            (data (i32.const 1024) "{escaped}")
            (func (export "user_entrypoint") (param $args i32) (result i32)
                (call $write_result (i32.const 1024) (i32.const {len}))
                i32.const 0))"#
    ))
    .unwrap()
}

/// The fixture through the build gate's processing (strip, validate,
/// compress, sizes): returns the processed WASM and its artefact.
fn processed(dir: &Path, name: &str, wasm: &[u8]) -> (Vec<u8>, stylus_ip_deploy::build::Artifact) {
    let src = dir.join(format!("{name}.in.wasm"));
    std::fs::write(&src, wasm).unwrap();
    let artifact = stylus_ip_deploy::build::process(name, &src, &dir.join("out"), &[]).unwrap();
    (std::fs::read(&artifact.wasm_path).unwrap(), artifact)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fragmented_program_deploys_activates_answers_and_resumes_after_every_crash() {
    let dir = temp_dir("deploy");
    let data = noise(40_000, 0x5eed);
    let (wasm, artifact) = processed(&dir, "big", &data_program(&data));
    assert!(artifact.ok(), "{artifact:?}");
    assert_eq!(artifact.fragments, 2);
    assert_eq!(artifact.status(), "fragmented (2)");
    let program = ProgramCode::from_wasm(&wasm);
    assert_eq!(program.fragment_count(), 2);
    eprintln!(
        "fixture: {} bytes of WASM, {} bytes of code, {} fragments",
        artifact.raw_bytes, artifact.code_bytes, artifact.fragments
    );

    let (node, provider, from) = node();
    let path = dir.join("manifest.json");
    let mut probe = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    let limit = probe.max_fragments().await.unwrap();
    assert!(
        limit >= 2,
        "the devnode must run ArbOS 60+ (getMaxStylusContractFragments = {limit})"
    );

    // Crash at the start of every step after the first confirmed one:
    // fragment 0, fragment 1, root, activation.
    let nonce0 = provider.get_transaction_count(from).await.unwrap();
    let mut runs = 0;
    let root = loop {
        runs += 1;
        assert!(runs <= 5, "no progress after {runs} runs");
        let mut engine = Engine::open(provider.clone(), from, path.clone(), false)
            .await
            .unwrap();
        engine.fail_after = Some(1);
        match engine.deploy_program("big", &program).await {
            Ok(address) => break address,
            Err(e) => {
                assert!(e.to_string().contains("injected failure"), "{e:#}");
                let m = Manifest::load(&path).unwrap().unwrap();
                assert!(m.in_flight.is_empty());
                let sent = provider.get_transaction_count(from).await.unwrap() - nonce0;
                assert_eq!(sent, m.steps.len() as u64, "one transaction per step");
            }
        }
    };
    assert_eq!(runs, 4, "four steps, one per run");

    let m = Manifest::load(&path).unwrap().unwrap();
    let ids = [
        "deploy:big.fragment0",
        "deploy:big.fragment1",
        "deploy:big",
        "activate:big",
    ];
    for id in ids {
        let gas = m.steps[id].as_ref().and_then(|t| t.gas_used).unwrap();
        eprintln!("{id}: {gas} gas");
    }
    assert_eq!(m.steps.len(), 4);
    eprintln!(
        "data fee paid: {} ETH",
        stylus::eth(m.contracts["big"].data_fee.unwrap())
    );

    // The root names both fragments, each holding its slice.
    let root_code = provider.get_code_at(root).await.unwrap();
    let parsed = fragments::parse_root(&root_code).unwrap();
    assert_eq!(parsed.wasm_len as usize, wasm.len());
    let mut codes = Vec::new();
    for (i, address) in parsed.fragments.iter().enumerate() {
        let address = Address::from(*address);
        assert_eq!(m.contracts[&format!("big.fragment{i}")].address, address);
        let code = provider.get_code_at(address).await.unwrap();
        assert!(code.len() <= stylus_validate::MAX_CODE_SIZE);
        assert_eq!(&code[..3], &fragments::FRAGMENT_PREFIX);
        codes.push(code.to_vec());
    }
    let slices: Vec<&[u8]> = codes.iter().map(Vec::as_slice).collect();
    assert_eq!(
        fragments::assemble(&parsed, &slices, usize::MAX).unwrap(),
        wasm
    );
    assert_eq!(m.contracts["big"].code_hash, keccak256(&root_code));

    // ArbWasm knows the program by the root's code hash; it answers calls.
    assert!(matches!(
        stylus::activation_status(&provider, keccak256(&root_code))
            .await
            .unwrap(),
        Activation::Active(_)
    ));
    let out = provider
        .call(
            TransactionRequest::default()
                .with_to(root)
                .with_input(Bytes::from_static(b"hello")),
        )
        .await
        .unwrap();
    assert_eq!(out.as_ref(), data.as_slice(), "the whole data segment");

    // status and keepalive see the root as the program, fragments as such.
    stylus_ip_deploy::status::print(node.url(), &m)
        .await
        .unwrap();
    let kept = stylus_ip_deploy::status::keepalive(&provider, from, &m, 30)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1, "fragments have no program record: {kept:?}");
    assert_eq!(kept[0].name, "big");
    assert!(kept[0].paid.is_none() && kept[0].days_left >= 364);

    // A re-run sends nothing.
    let nonce = provider.get_transaction_count(from).await.unwrap();
    let mut again = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    assert_eq!(again.deploy_program("big", &program).await.unwrap(), root);
    assert!(again.reports.iter().all(|r| r.outcome == "skipped"));
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);

    // A dry run of the same program in another namespace plans every part.
    let mut dry = Engine::open(provider.clone(), from, dir.join("dry.json"), true)
        .await
        .unwrap();
    dry.namespace = Some("dry".into());
    let planned = dry.deploy_program("big", &program).await.unwrap();
    assert_ne!(planned, root);
    let ids: Vec<&str> = dry.reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ids_of("big"));
    assert!(dry.reports.iter().all(|r| r.outcome == "planned"));
    assert!(dry.reports[..3].iter().all(|r| r.gas_used.is_some()));
    assert!(
        dry.reports[3]
            .detail
            .contains("root of 2 fragments, data fee"),
        "{:?}",
        dry.reports[3]
    );
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);
    assert!(provider.get_code_at(planned).await.unwrap().is_empty());

    // With a constructor: fragments through the CREATE2 factory, the root
    // through the StylusDeployer (deploy + activate + constructor call).
    let mut ctor = Engine::open(provider.clone(), from, dir.join("ctor.json"), false)
        .await
        .unwrap();
    ctor.namespace = Some("ctor".into());
    let constructed = ctor
        .constructed_program("big", &program, &[])
        .await
        .unwrap();
    let ids: Vec<&str> = ctor.reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, &ids_of("big")[..3]);
    for r in &ctor.reports {
        eprintln!("constructed {}: {:?} gas", r.id, r.gas_used);
    }
    let out = provider
        .call(
            TransactionRequest::default()
                .with_to(constructed)
                .with_input(Bytes::from_static(b"again")),
        )
        .await
        .unwrap();
    assert_eq!(out.as_ref(), data.as_slice());
}

fn ids_of(name: &str) -> Vec<String> {
    vec![
        format!("deploy:{name}.fragment0"),
        format!("deploy:{name}.fragment1"),
        format!("deploy:{name}"),
        format!("activate:{name}"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn more_fragments_than_the_chain_allows_is_refused_before_anything_is_sent() {
    let dir = temp_dir("limit");
    let (_node, provider, from) = node();
    let path = dir.join("manifest.json");
    let mut engine = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    let limit = usize::from(engine.max_fragments().await.unwrap());
    let needed = (limit + 1).max(2);
    // Just over `needed - 1` full fragments of incompressible data.
    let capacity = fragments::fragment_capacity(stylus_validate::MAX_CODE_SIZE);
    let data = noise((needed - 1) * capacity + 500, 7);
    let (wasm, artifact) = processed(&dir, "huge", &data_program(&data));
    assert_eq!(artifact.fragments, needed);
    let program = ProgramCode::from_wasm(&wasm);
    assert_eq!(program.fragment_count(), needed);

    let nonce = provider.get_transaction_count(from).await.unwrap();
    let err = format!(
        "{:#}",
        engine.deploy_program("huge", &program).await.unwrap_err()
    );
    assert!(
        err.contains(&format!("huge needs {needed} fragments")),
        "{err}"
    );
    let allows = if limit == 0 {
        "allows none".to_string()
    } else {
        format!("allows at most {limit}")
    };
    assert!(err.contains(&allows), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(engine.reports.is_empty());
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);
    assert!(!path.exists(), "no manifest written");

    // Through the suite: refused before its first step.
    let mut wasm_set = BTreeMap::new();
    for (i, n) in suite::PLAIN_PROGRAMS
        .iter()
        .chain(suite::CONSTRUCTED_PROGRAMS.iter())
        .enumerate()
    {
        wasm_set.insert((*n).to_string(), vec![0, 0x61, 0x73, 0x6d, i as u8]);
    }
    wasm_set.insert("splits".into(), wasm);
    let artifacts = Artifacts::from_wasm(wasm_set);
    let plan = suite::plan(&SuiteConfig::default(), &artifacts, from).unwrap();
    assert_eq!(plan.fragments["splits"], needed);
    let mut engine = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    let err = format!(
        "{:#}",
        suite::deploy(&mut engine, &plan, &artifacts)
            .await
            .unwrap_err()
    );
    assert!(
        err.contains(&format!("splits needs {needed} fragments")),
        "{err}"
    );
    assert!(engine.reports.is_empty(), "{:?}", engine.reports);
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);
}
