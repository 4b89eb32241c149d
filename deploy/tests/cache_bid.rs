//! `deploy --cache-bid` against the devnode over JSON-RPC: every Stylus
//! program of the suite ends up cached through the CacheManager (InsertBid
//! per program), a rerun bids for nothing, a bid below the minimum of a full
//! cache is refused with the decoded `BidTooSmall`, and only chain owners may
//! resize the cache.
//!
//! Needs the WASM of every contract (`cargo ip build`).

use std::path::PathBuf;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::sol;
use alloy::sol_types::{SolCall, SolError};
use stylus_devnode::{Devnode, DevnodeConfig};
use stylus_ip_deploy::cache::{self, ArbWasmCache, CacheManager, CacheOutcome, ARB_WASM_CACHE};
use stylus_ip_deploy::keys::KeySource;
use stylus_ip_deploy::run::{self, DeployOptions};
use stylus_ip_deploy::suite::Artifacts;

sol! {
    interface ArbWasmCacheOwner {
        function evictCodehash(bytes32 codehash) external;
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn signer_provider(url: &str, key: alloy::signers::local::PrivateKeySigner) -> DynProvider {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(key))
        .connect_http(url.parse().unwrap())
        .erased()
}

async fn view<C: SolCall>(p: &DynProvider, to: Address, call: C) -> C::Return {
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    C::abi_decode_returns(&p.call(tx).await.unwrap()).unwrap()
}

async fn send<C: SolCall>(p: &DynProvider, to: Address, call: C) {
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_gas_limit(1_000_000)
        .with_input(call.abi_encode());
    let r = p
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(r.status(), "{r:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cache_bid_caches_every_suite_program_once() {
    let artifacts = Artifacts::load(&root()).unwrap();
    let node = Devnode::spawn(DevnodeConfig::ephemeral()).unwrap();
    let url = node.url().to_string();
    let bidder = node.dev_accounts()[2].clone();
    let owner = signer_provider(&url, node.dev_accounts()[0].signer.clone());
    std::env::set_var("STYLUS_IP_TEST_CACHE_KEY", bidder.private_key_hex());
    let dir = std::env::temp_dir().join(format!("stylus-ip-cache-bid-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let opts = DeployOptions::new(
        url.clone(),
        KeySource::Env("STYLUS_IP_TEST_CACHE_KEY".into()),
        dir.join("manifest.json"),
    );
    let deployed = run::deploy(&root(), &opts, &artifacts).await.unwrap();
    let p = deployed.provider.clone();

    // 0.001 ETH per program: far above what the decay adds in seconds
    let bid = U256::from(10u64).pow(U256::from(15));
    let reports = cache::cache_deployed(&deployed, bid).await.unwrap();
    cache::print_reports(&reports);
    assert!(reports.len() >= 8, "{reports:?}");
    for r in &reports {
        match r.outcome {
            CacheOutcome::Bid { gas_used, inserted } => {
                assert_eq!(inserted, 1, "{r:?}");
                eprintln!("placeBid {}: {gas_used} gas", r.name);
            }
            CacheOutcome::AlreadyCached => panic!("nothing was cached before: {r:?}"),
        }
        let cached = view(
            &p,
            ARB_WASM_CACHE,
            ArbWasmCache::codehashIsCachedCall {
                codehash: r.codehash,
            },
        )
        .await;
        assert!(cached, "{r:?}");
    }
    let manager = cache::cache_manager(&p).await.unwrap();
    assert_eq!(
        p.get_balance(manager).await.unwrap(),
        bid * U256::from(reports.len())
    );

    // a rerun (the resumable deploy's cache step again) bids for nothing
    let again = cache::cache_deployed(&deployed, bid).await.unwrap();
    assert!(again
        .iter()
        .all(|r| r.outcome == CacheOutcome::AlreadyCached));

    // a full cache: the owner shrinks it to what is queued and evicts one
    // program behind the CacheManager's back; bidding nothing for it is refused
    let queued = view(&p, manager, CacheManager::queueSizeCall {}).await;
    send(
        &owner,
        manager,
        CacheManager::setCacheSizeCall { newSize: queued },
    )
    .await;
    let victim = &reports[0];
    send(
        &owner,
        ARB_WASM_CACHE,
        ArbWasmCacheOwner::evictCodehashCall {
            codehash: victim.codehash,
        },
    )
    .await;
    let min = view(
        &p,
        manager,
        CacheManager::getMinBid_2Call {
            program: victim.address,
        },
    )
    .await;
    assert!(min > alloy::primitives::aliases::U192::ZERO);
    let programs = [(victim.name.clone(), victim.address, victim.codehash)];
    let err = cache::place_bids(&p, deployed.deployer, &programs, U256::ZERO)
        .await
        .unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("BidTooSmall"), "{msg}");
    assert!(msg.contains(&victim.name), "{msg}");

    // only chain owners may resize the cache
    let tx = TransactionRequest::default()
        .with_from(deployed.deployer)
        .with_to(manager)
        .with_input(CacheManager::setCacheSizeCall { newSize: 0 }.abi_encode());
    let err = p.call(tx).await.unwrap_err();
    let data = err
        .as_error_resp()
        .and_then(|e| e.as_revert_data())
        .expect("revert data");
    assert_eq!(
        data.to_vec(),
        CacheManager::NotChainOwner {
            sender: deployed.deployer
        }
        .abi_encode()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
