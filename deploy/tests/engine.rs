//! The resumable engine against an in-process devnode (EVM code, so it runs
//! whatever the state of Stylus execution).

use alloy::network::EthereumWallet;
use alloy::primitives::{keccak256, Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use stylus_devnode::{Devnode, DevnodeConfig, DevnodeHandle};
use stylus_ip_deploy::engine::Engine;
use stylus_ip_deploy::manifest::Manifest;

/// Init code returning a 1-byte runtime `byte` (STOP-like code, distinct per byte).
fn init_code(byte: u8) -> Vec<u8> {
    // PUSH1 byte PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 RETURN
    vec![0x60, byte, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3]
}

fn node() -> (DevnodeHandle, DynProvider, Address) {
    let node = Devnode::spawn(DevnodeConfig::ephemeral()).unwrap();
    let account = node.dev_accounts()[1].clone();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(account.signer))
        .connect_http(node.url().parse().unwrap())
        .erased();
    (node, provider, account.address)
}

fn temp_manifest(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("stylus-ip-engine-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("manifest.json")
}

#[tokio::test(flavor = "multi_thread")]
async fn crash_after_each_step_then_resume_gives_the_same_deployment() {
    let (_node, provider, from) = node();

    // Reference run, uninterrupted, on its own manifest.
    let reference = temp_manifest("ref");
    let mut engine = Engine::open(provider.clone(), from, reference.clone(), false)
        .await
        .unwrap();
    let a = engine.create2("a", init_code(0xfe), None).await.unwrap();
    let b = engine.create2("b", init_code(0x00), None).await.unwrap();
    engine
        .call_once("fund:b", b, Bytes::new(), U256::from(7))
        .await
        .unwrap();
    assert_eq!(provider.get_code_at(a).await.unwrap().as_ref(), &[0xfe]);
    assert_eq!(provider.get_balance(b).await.unwrap(), U256::from(7));
    let m = Manifest::load(&reference).unwrap().unwrap();
    stylus_ip_deploy::status::print(_node.url(), &m)
        .await
        .unwrap();
    let mut other = m.clone();
    other.chain_id = 5;
    assert!(stylus_ip_deploy::status::print(_node.url(), &other)
        .await
        .is_err());

    // Re-running with the same manifest does nothing on-chain.
    let nonce = provider.get_transaction_count(from).await.unwrap();
    let mut again = Engine::open(provider.clone(), from, reference.clone(), false)
        .await
        .unwrap();
    assert_eq!(again.create2("a", init_code(0xfe), None).await.unwrap(), a);
    assert_eq!(again.create2("b", init_code(0x00), None).await.unwrap(), b);
    again
        .call_once("fund:b", b, Bytes::new(), U256::from(7))
        .await
        .unwrap();
    assert!(
        again.reports.iter().all(|r| r.outcome == "skipped"),
        "{:?}",
        again.reports
    );
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);
    assert_eq!(
        provider.get_balance(b).await.unwrap(),
        U256::from(7),
        "funded once only"
    );

    // A fresh manifest on the same chain: contracts are found at their
    // deterministic addresses and never redeployed.
    let path = temp_manifest("fresh");
    let mut engine = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    engine.fail_after = Some(1);
    engine.create2("c", init_code(0xfc), None).await.unwrap();
    let err = engine
        .create2("e", init_code(0xfa), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("injected failure"));
    // the manifest on disk already records the finished step
    let m = Manifest::load(&path).unwrap().unwrap();
    assert!(m.done("deploy:c") && m.in_flight.is_empty());
    let c = m.contracts["c"].address;
    assert_eq!(m.contracts["c"].code_hash, keccak256([0xfc]));
    let mut resumed = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    assert_eq!(
        resumed.create2("c", init_code(0xfc), None).await.unwrap(),
        c
    );
    assert_eq!(resumed.reports[0].outcome, "skipped");
    let e = resumed.create2("e", init_code(0xfa), None).await.unwrap();
    assert_eq!(resumed.reports[1].outcome, "done");
    assert_eq!(provider.get_code_at(e).await.unwrap().as_ref(), &[0xfa]);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_sends_nothing_and_writes_no_manifest() {
    let (_node, provider, from) = node();
    let path = temp_manifest("dry");
    let nonce = provider.get_transaction_count(from).await.unwrap();
    let mut engine = Engine::open(provider.clone(), from, path.clone(), true)
        .await
        .unwrap();
    let addr = engine.create2("d", init_code(0xfb), None).await.unwrap();
    engine
        .call_once("fund:d", addr, Bytes::new(), U256::from(1))
        .await
        .unwrap();
    assert!(
        engine.reports.iter().all(|r| r.outcome == "planned"),
        "{:?}",
        engine.reports
    );
    assert!(
        engine.reports[0].gas_used.is_some(),
        "deploy gas is estimated"
    );
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);
    assert!(provider.get_code_at(addr).await.unwrap().is_empty());
    assert!(!path.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn manifest_from_another_chain_or_key_is_refused() {
    let (_node, provider, from) = node();
    let path = temp_manifest("other");
    Manifest::new(1, from).save(&path).unwrap();
    let err = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("chain id 1"), "{err}");
    Manifest::new(412_346, Address::repeat_byte(9))
        .save(&path)
        .unwrap();
    let err = Engine::open(provider, from, path, false).await.unwrap_err();
    assert!(err.to_string().contains("deployer"), "{err}");
}
