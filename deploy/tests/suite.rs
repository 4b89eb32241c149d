//! The whole suite deployed on the devnode through JSON-RPC: wiring checked
//! on-chain through the exported ABIs, a crash injected after every step and
//! resumed, a dry run that sends nothing, and the error messages users see.
//!
//! Needs the WASM of every contract (`cargo ip build`; the README's test
//! command builds it first).

use std::path::PathBuf;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{keccak256, Address, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use stylus_devnode::{Devnode, DevnodeConfig, DevnodeHandle};
use stylus_ip_deploy::bindings::{IpCollection, IpEditions, SplitFactory, VaultFactory};
use stylus_ip_deploy::engine::Engine;
use stylus_ip_deploy::keys::KeySource;
use stylus_ip_deploy::manifest::Manifest;
use stylus_ip_deploy::run::{self, DeployOptions};
use stylus_ip_deploy::suite::{self, Artifacts, SuiteConfig};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn node() -> (DevnodeHandle, DynProvider, Address) {
    let node = Devnode::spawn(DevnodeConfig::ephemeral()).unwrap();
    let account = node.dev_accounts()[2].clone();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(account.signer))
        .connect_http(node.url().parse().unwrap())
        .erased();
    (node, provider, account.address)
}

fn temp_manifest(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stylus-ip-suite-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("manifest.json")
}

async fn view<C: SolCall>(p: &DynProvider, to: Address, call: C) -> C::Return {
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let out = p.call(tx).await.unwrap();
    C::abi_decode_returns(&out).unwrap()
}

/// Reverts with data (a call expected to fail): returns the revert data.
async fn revert_data<C: SolCall>(p: &DynProvider, from: Address, to: Address, call: C) -> Vec<u8> {
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(call.abi_encode());
    let err = p.call(tx).await.unwrap_err();
    err.as_error_resp()
        .and_then(|e| e.as_revert_data())
        .expect("revert data")
        .to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn suite_deploys_wires_and_resumes_after_a_crash_at_every_step() {
    let artifacts = Artifacts::load(&root()).unwrap();
    let (_node, provider, from) = node();
    let minter = Address::repeat_byte(0x44);
    let owner = Address::repeat_byte(0x0e);
    let mut config = SuiteConfig {
        owner: Some(owner),
        ..SuiteConfig::default()
    };
    config.collection.minters = vec![minter];
    config.editions.minters = vec![minter];
    let plan = suite::plan(&config, &artifacts, from).unwrap();
    let steps = plan.engine_steps();
    let path = temp_manifest("crash");

    // Crash after every confirmed step: each run finishes exactly one more
    // step, then the injected failure stops it, as a kill would.
    let nonce0 = provider.get_transaction_count(from).await.unwrap();
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs <= steps + 1, "no progress after {runs} runs");
        let mut engine = Engine::open(provider.clone(), from, path.clone(), false)
            .await
            .unwrap();
        engine.fail_after = Some(1);
        match suite::deploy(&mut engine, &plan, &artifacts).await {
            Ok(addresses) => {
                assert_eq!(addresses, plan.addresses);
                break;
            }
            Err(e) => {
                assert!(e.to_string().contains("injected failure"), "{e:#}");
                let m = Manifest::load(&path).unwrap().unwrap();
                assert!(m.in_flight.is_empty(), "nothing left in flight");
                // No finished step was repeated: each run sent at most one transaction.
                let sent = provider.get_transaction_count(from).await.unwrap() - nonce0;
                let tx_steps = m.steps.values().filter(|s| s.is_some()).count() as u64;
                assert_eq!(sent, tx_steps, "one transaction per finished step");
            }
        }
    }
    assert!(runs >= steps, "{runs} runs for {steps} steps");

    // Manifest: every contract where the plan put it, with its on-chain code hash.
    let m = Manifest::load(&path).unwrap().unwrap();
    assert_eq!(m.steps.len(), steps);
    for (name, address) in plan.contracts() {
        let rec = &m.contracts[name];
        assert_eq!(rec.address, address, "{name}");
        let code = provider.get_code_at(address).await.unwrap();
        assert_eq!(keccak256(&code), rec.code_hash, "{name}");
    }

    // Re-running does nothing on-chain.
    let nonce = provider.get_transaction_count(from).await.unwrap();
    let mut again = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    suite::deploy(&mut again, &plan, &artifacts).await.unwrap();
    assert!(again.reports.iter().all(|r| r.outcome == "skipped"));
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);

    // Wiring, read back through the exported ABIs.
    let a = plan.addresses;
    let collection = a.collection.unwrap();
    let editions = a.editions.unwrap();
    assert_eq!(
        view(
            &provider,
            a.vault_factory,
            VaultFactory::implementationCall {}
        )
        .await,
        a.share_vault
    );
    assert_eq!(
        view(
            &provider,
            a.split_factory,
            SplitFactory::implementationCall {}
        )
        .await,
        a.splits
    );
    // Two-step ownership: offered to the configured owner, who accepts later.
    assert_eq!(
        view(&provider, collection, IpCollection::ownerCall {}).await,
        from
    );
    assert_eq!(
        view(&provider, collection, IpCollection::pendingOwnerCall {}).await,
        owner
    );
    assert_eq!(
        view(&provider, collection, IpCollection::nameCall {}).await,
        "stylus-ip Genesis"
    );
    assert!(
        view(
            &provider,
            collection,
            IpCollection::isMinterCall { account: minter }
        )
        .await
    );
    assert!(
        view(
            &provider,
            collection,
            IpCollection::isLeaseOperatorCall {
                owner: from,
                operator: a.license_market
            }
        )
        .await
    );
    assert_eq!(
        view(&provider, editions, IpEditions::pendingOwnerCall {}).await,
        owner
    );
    assert!(
        view(
            &provider,
            editions,
            IpEditions::hasRoleCall {
                role: suite::minter_role(),
                account: minter
            }
        )
        .await
    );
    // The clone was initialised in its creation transaction: a second
    // initialize reverts with the contract's typed error, as does one on the
    // constructor-locked implementation.
    let again_init = IpCollection::initializeCall {
        name: "x".into(),
        symbol: "x".into(),
        baseUri: String::new(),
        owner: from,
        royaltyReceiver: from,
        royaltyBps: alloy::primitives::aliases::U96::ZERO,
    };
    for target in [collection, a.ip_collection] {
        let data = revert_data(&provider, from, target, again_init.clone()).await;
        let e =
            <IpCollection::IpCollectionErrors as alloy::sol_types::SolInterface>::abi_decode(&data)
                .unwrap();
        assert!(
            matches!(
                e,
                IpCollection::IpCollectionErrors::InvalidInitialization(_)
            ),
            "{e:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_plans_with_estimates_and_sends_nothing() {
    let artifacts = Artifacts::load(&root()).unwrap();
    let (node, provider, from) = node();
    let path = temp_manifest("dry");
    let nonce = provider.get_transaction_count(from).await.unwrap();
    let key = node.dev_accounts()[2].private_key_hex();
    std::env::set_var("STYLUS_IP_TEST_DRY_KEY", key);
    let opts = DeployOptions {
        rpc_url: node.url().to_string(),
        key: KeySource::Env("STYLUS_IP_TEST_DRY_KEY".into()),
        config: None,
        manifest: Some(path.clone()),
        dry_run: true,
        amm_factory: None,
        amm_router: None,
    };
    let out = run::deploy(&root(), &opts, &artifacts).await.unwrap();
    assert_eq!(out.deployer, from);
    assert!(
        out.reports.iter().all(|r| r.outcome == "planned"),
        "{:?}",
        out.reports
    );
    // programs report their activation data fee, constructed ones their gas
    let ctor = out
        .reports
        .iter()
        .find(|r| r.id == "deploy:vault-factory")
        .unwrap();
    assert!(ctor.gas_used.is_some_and(|g| g > 1_000_000), "{ctor:?}");
    assert!(
        out.reports
            .iter()
            .any(|r| r.id == "activate:provenance" && r.detail.contains("data fee")),
        "{:?}",
        out.reports
    );
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);
    assert!(provider
        .get_code_at(out.addresses.provenance)
        .await
        .unwrap()
        .is_empty());
    assert!(!path.exists(), "a dry run writes no manifest");
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_clear_and_leave_the_manifest_intact() {
    let artifacts = Artifacts::load(&root()).unwrap();
    let (node, provider, from) = node();

    // RPC down.
    let down = DeployOptions {
        rpc_url: "http://127.0.0.1:9".into(),
        key: KeySource::DevDefault,
        config: None,
        manifest: Some(temp_manifest("down")),
        dry_run: false,
        amm_factory: None,
        amm_router: None,
    };
    let err = format!(
        "{:#}",
        run::deploy(&root(), &down, &artifacts).await.unwrap_err()
    );
    assert!(err.contains("unreachable"), "{err}");

    // Bad key.
    std::env::set_var("STYLUS_IP_TEST_BAD_KEY", "0xnot-a-key");
    let bad = DeployOptions {
        rpc_url: node.url().to_string(),
        key: KeySource::Env("STYLUS_IP_TEST_BAD_KEY".into()),
        ..down.clone()
    };
    let err = format!(
        "{:#}",
        run::deploy(&root(), &bad, &artifacts).await.unwrap_err()
    );
    assert!(err.contains("bad key in $STYLUS_IP_TEST_BAD_KEY"), "{err}");

    // Wrong chain for the manifest.
    let path = temp_manifest("chain");
    Manifest::new(42_161, from).save(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("chain id 42161") && err.contains("412346"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "manifest intact");

    // Insufficient funds, with the amount needed.
    let poor = PrivateKeySigner::random();
    let poor_provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(poor.clone()))
        .connect_http(node.url().parse().unwrap())
        .erased();
    let tiny = U256::from(1_000_000_000_000u64); // 0.000001 ETH
    provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(poor.address())
                .with_value(tiny),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let path = temp_manifest("poor");
    let plan = suite::plan(&SuiteConfig::default(), &artifacts, poor.address()).unwrap();
    let mut engine = Engine::open(poor_provider, poor.address(), path.clone(), false)
        .await
        .unwrap();
    let err = format!(
        "{:#}",
        suite::deploy(&mut engine, &plan, &artifacts)
            .await
            .unwrap_err()
    );
    assert!(
        err.contains("insufficient funds for step deploy:provenance"),
        "{err}"
    );
    assert!(
        err.contains("has 0.000001 ETH") && err.contains("needs about 0.0"),
        "{err}"
    );
    let m = Manifest::load(&path).unwrap();
    assert!(
        m.is_none_or(|m| m.steps.is_empty()),
        "nothing recorded as done"
    );

    // A program Nitro refuses to activate: the reason is in the message.
    // (An import the Stylus host does not provide.)
    let bad_import = wat::parse_str(
        r#"(module
            (import "vm_hooks" "no_such_hostio" (func))
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let mut engine = Engine::open(provider.clone(), from, temp_manifest("float"), false)
        .await
        .unwrap();
    let err = format!(
        "{:#}",
        engine
            .constructed(
                "unknown-import",
                &stylus_validate::program_code(&bad_import),
                &[]
            )
            .await
            .unwrap_err()
    );
    // Nitro's reason (a plain JSON-RPC error, not a revert) reaches the user.
    assert!(
        err.contains("activation of the program would fail")
            && err.contains("program activation failed")
            && err.contains("no_such_hostio"),
        "{err}"
    );
    assert!(engine.manifest().contracts.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn status_keepalive_extends_programs_close_to_expiry_only() {
    let artifacts = Artifacts::load(&root()).unwrap();
    let (_node, provider, from) = node();
    let path = temp_manifest("keepalive");
    let mut engine = Engine::open(provider.clone(), from, path.clone(), false)
        .await
        .unwrap();
    engine
        .program("splits", artifacts.get("splits").unwrap())
        .await
        .unwrap();
    let m = Manifest::load(&path).unwrap().unwrap();

    // Fresh program: a year left, nothing to do.
    let done = stylus_ip_deploy::status::keepalive(&provider, from, &m, 30)
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert!(
        done[0].paid.is_none() && done[0].days_left >= 364,
        "{done:?}"
    );
    // Forcing it this early: Nitro refuses (younger than the keepalive days).
    let err = format!(
        "{:#}",
        stylus_ip_deploy::status::keepalive(&provider, from, &m, 400)
            .await
            .unwrap_err()
    );
    assert!(err.contains("ProgramKeepaliveTooSoon"), "{err}");

    // 340 days later: 25 days left, below the threshold: kept alive, a year again.
    let _: serde_json::Value = provider
        .raw_request("evm_increaseTime".into(), (340u64 * 86_400,))
        .await
        .unwrap();
    let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    let done = stylus_ip_deploy::status::keepalive(&provider, from, &m, 30)
        .await
        .unwrap();
    assert!(done[0].paid.is_some() && done[0].days_left < 30, "{done:?}");
    let again = stylus_ip_deploy::status::keepalive(&provider, from, &m, 30)
        .await
        .unwrap();
    assert!(
        again[0].paid.is_none() && again[0].days_left >= 364,
        "{again:?}"
    );
}
