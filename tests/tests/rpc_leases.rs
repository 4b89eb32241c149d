//! Timed licences over JSON-RPC, on the suite as the deploy crate deploys
//! it: the embedded devnode by default, or any node named by
//! `STYLUS_RPC_URL` (key in `STYLUS_RPC_PRIVATE_KEY`, else the devnode dev
//! key on chain 412346). The property needs pinned block times
//! (`evm_setNextBlockTimestamp`); on a node without them it is skipped with a
//! notice.
//!
//! Per case: a fresh ERC-721 token with a random royalty, an offer with
//! random price and duration bounds, then random purchases, renewals and
//! time warps by two licensees, compared with a plain-Rust model. Invariants
//! (issue 11 numbering):
//! 3. a licence is active exactly until its expiry (`isLicensed`, ERC-4907
//!    `userOf`), never after; a renewal extends from the current expiry;
//! 4. the royalty paid is `royaltyInfo(price)` ≤ price, to the receiver set;
//! 5. payee + royalty + refund = value paid, to the wei;
//! 9. ETH is conserved: the deltas of buyer, payee, receiver and market sum
//!    to minus the gas fee;
//! 10. a purchase the model rejects reverts with the exact custom error and
//!     moves no ETH except the gas fee.

use std::sync::OnceLock;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{aliases::U96, Address, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolInterface};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use stylus_ip_deploy::bindings::{ILicenseMarket, IpCollection, LicenseMarket};
use stylus_ip_deploy::keys::KeySource;
use stylus_ip_deploy::suite::{Artifacts, SuiteAddresses};

use LicenseMarket::LicenseMarketErrors as ME;

/// The chain, the deployed suite and the funded cast, shared by all cases.
struct World {
    rt: tokio::runtime::Runtime,
    _node: Option<stylus_devnode::DevnodeHandle>,
    provider: DynProvider,
    a: SuiteAddresses,
    collection: Address,
    creator: Address,
    payee: Address,
    royalty: Address,
    licensees: [Address; 2],
    /// Whether the node pins block timestamps (`evm_setNextBlockTimestamp`).
    pinned_time: bool,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let artifacts = Artifacts::load(&root).expect("run `cargo ip build` first");
        let (node, url, key) = match std::env::var("STYLUS_RPC_URL") {
            Ok(url) if url != "embedded" => {
                eprintln!("rpc_leases: against {url}");
                let key = if std::env::var("STYLUS_RPC_PRIVATE_KEY").is_ok() {
                    KeySource::Env("STYLUS_RPC_PRIVATE_KEY".into())
                } else {
                    KeySource::DevDefault
                };
                (None, url, key)
            }
            _ => {
                let n = stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())
                    .expect("embedded devnode");
                let url = n.url().to_string();
                (Some(n), url, KeySource::DevDefault)
            }
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let manifest = std::env::temp_dir().join(format!("rpc-leases-{}.json", std::process::id()));
        let opts = stylus_ip_deploy::run::DeployOptions {
            rpc_url: url.clone(),
            key: key.clone(),
            config: None,
            manifest: Some(manifest),
            dry_run: false,
        };
        let deployed = rt
            .block_on(stylus_ip_deploy::run::deploy(&root, &opts, &artifacts))
            .expect("suite deployment");
        let creator_key = stylus_ip_deploy::keys::load(&key, deployed.chain_id).unwrap();
        let creator = creator_key.address();
        let cast: Vec<PrivateKeySigner> = (0..2).map(|_| PrivateKeySigner::random()).collect();
        let mut wallet = EthereumWallet::from(creator_key);
        for s in &cast {
            wallet.register_signer(s.clone());
        }
        let provider = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(url.parse().unwrap())
            .erased();
        let licensees = [cast[0].address(), cast[1].address()];
        rt.block_on(async {
            for l in licensees {
                let tx = TransactionRequest::default()
                    .with_from(creator)
                    .with_to(l)
                    .with_value(U256::from(10u64).pow(U256::from(18u64)));
                provider
                    .send_transaction(tx)
                    .await
                    .unwrap()
                    .get_receipt()
                    .await
                    .unwrap();
            }
        });
        let pinned_time = rt.block_on(async {
            let latest = provider.get_block_number().await.unwrap();
            let ts = provider
                .get_block_by_number(latest.into())
                .await
                .unwrap()
                .unwrap()
                .header
                .timestamp;
            let r: Result<serde_json::Value, _> = provider
                .raw_request("evm_setNextBlockTimestamp".into(), (ts + 1,))
                .await;
            let m: Result<serde_json::Value, _> = provider.raw_request("evm_mine".into(), ()).await;
            r.is_ok() && m.is_ok()
        });
        World {
            rt,
            _node: node,
            collection: deployed.addresses.collection.expect("collection instance"),
            a: deployed.addresses,
            provider,
            creator,
            payee: Address::repeat_byte(0x9a),
            royalty: Address::repeat_byte(0x7e),
            licensees,
            pinned_time,
        }
    })
}

#[derive(Debug, Clone)]
enum Action {
    Buy {
        who: usize,
        duration: u64,
        extra: u64,
    },
    Renew {
        who: usize,
        duration: u64,
        extra: u64,
    },
    Warp {
        secs: u64,
    },
}

#[derive(Debug, Clone)]
struct Case {
    bps: u16,
    price_per_second: u64,
    min: u64,
    max: u64,
    actions: Vec<Action>,
}

fn case() -> impl Strategy<Value = Case> {
    (0u16..=3000, 1u64..2_000_000_000, 1u64..5_000, 0u64..50_000).prop_flat_map(
        |(bps, price_per_second, min, span)| {
            let max = min + span;
            let duration = 0..max + 2_000;
            let action = prop_oneof![
                3 => (0usize..2, duration.clone(), 0u64..1_000_000).prop_map(|(who, duration, extra)| Action::Buy { who, duration, extra }),
                2 => (0usize..2, duration, 0u64..1_000_000).prop_map(|(who, duration, extra)| Action::Renew { who, duration, extra }),
                2 => (0u64..2 * max + 10).prop_map(|secs| Action::Warp { secs }),
            ];
            proptest::collection::vec(action, 1..8).prop_map(move |actions| Case {
                bps,
                price_per_second,
                min,
                max,
                actions,
            })
        },
    )
}

/// Expected outcome of a purchase.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    Ok { expires: u64 },
    OutOfBounds,
    AlreadyLicensed,
    NotLicensee,
    TokenLeased,
}

impl World {
    async fn set_time(&self, t: u64) {
        let _: serde_json::Value = self
            .provider
            .raw_request("evm_setNextBlockTimestamp".into(), (t,))
            .await
            .unwrap();
    }

    async fn balance(&self, a: Address) -> U256 {
        self.provider.get_balance(a).await.unwrap()
    }

    async fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        let tx = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        C::abi_decode_returns(&self.provider.call(tx).await.unwrap()).unwrap()
    }

    /// Sends at block time `t`; returns success, gas fee and revert data.
    async fn send<C: SolCall>(
        &self,
        t: u64,
        from: Address,
        to: Address,
        call: C,
        value: U256,
    ) -> (bool, U256, Vec<u8>) {
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_value(value)
            .with_gas_limit(3_000_000)
            .with_input(call.abi_encode());
        // the revert data, from a call at the same block time
        self.set_time(t).await;
        let revert = match self
            .provider
            .call(tx.clone())
            .block(alloy::eips::BlockId::pending())
            .await
        {
            Ok(_) => Vec::new(),
            Err(e) => e
                .as_error_resp()
                .and_then(|r| r.as_revert_data())
                .map(|b| b.to_vec())
                .unwrap_or_default(),
        };
        self.set_time(t).await;
        let r = self
            .provider
            .send_transaction(tx)
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        let fee = U256::from(r.gas_used) * U256::from(r.effective_gas_price);
        (r.status(), fee, revert)
    }
}

fn run_case(w: &World, c: &Case) -> Result<(), TestCaseError> {
    w.rt.block_on(async {
        let latest = w.provider.get_block_number().await.unwrap();
        let mut now = w
            .provider
            .get_block_by_number(latest.into())
            .await
            .unwrap()
            .unwrap()
            .header
            .timestamp
            + 1;
        // A fresh token and offer.
        let (_, _, _) = w
            .send(
                now,
                w.creator,
                w.collection,
                IpCollection::mintCall {
                    to: w.creator,
                    uri: "ipfs://case".into(),
                    royaltyReceiver: w.royalty,
                    royaltyBps: U96::from(c.bps),
                },
                U256::ZERO,
            )
            .await;
        let token: U256 = w.view(w.collection, IpCollection::totalSupplyCall {}).await;
        now += 1;
        let offer_id: U256 = w
            .view(w.a.license_market, LicenseMarket::offerCountCall {})
            .await
            + U256::from(1u64);
        let terms = ILicenseMarket::OfferTerms {
            pricePerSecond: U256::from(c.price_per_second),
            paymentToken: Address::ZERO,
            minDuration: c.min,
            maxDuration: c.max,
            endTime: 0,
            maxLicensees: 1,
            payee: w.payee,
            termsHash: B256::ZERO,
            termsUri: String::new(),
            flags: 0,
        };
        let (ok, _, revert) = w
            .send(
                now,
                w.creator,
                w.a.license_market,
                LicenseMarket::createOfferCall {
                    collection: w.collection,
                    tokenId: token,
                    amount: 0,
                    terms,
                },
                U256::ZERO,
            )
            .await;
        prop_assert!(ok, "createOffer failed: {:?}", ME::abi_decode(&revert));

        // Model: each licensee's expiry (0 = never), and the token's user lock.
        let mut expiry = [0u64; 2];
        for action in &c.actions {
            now += 1;
            match *action {
                Action::Warp { secs } => {
                    now += secs;
                    w.set_time(now).await;
                    let _: serde_json::Value =
                        w.provider.raw_request("evm_mine".into(), ()).await.unwrap();
                }
                Action::Buy {
                    who,
                    duration,
                    extra,
                }
                | Action::Renew {
                    who,
                    duration,
                    extra,
                } => {
                    let renew = matches!(action, Action::Renew { .. });
                    let buyer = w.licensees[who];
                    let active = |e: u64| e != 0 && now <= e;
                    let other = 1 - who;
                    let expect = if duration < c.min || duration > c.max {
                        Expect::OutOfBounds
                    } else if renew {
                        if active(expiry[who]) {
                            Expect::Ok {
                                expires: expiry[who] + duration,
                            }
                        } else {
                            Expect::NotLicensee
                        }
                    } else if active(expiry[who]) {
                        Expect::AlreadyLicensed
                    } else if active(expiry[other]) {
                        Expect::TokenLeased
                    } else {
                        Expect::Ok {
                            expires: now + duration,
                        }
                    };
                    let price = U256::from(c.price_per_second) * U256::from(duration);
                    let value = price + U256::from(extra);
                    let royalty = price * U256::from(c.bps) / U256::from(10_000u64);
                    let before = (
                        w.balance(buyer).await,
                        w.balance(w.payee).await,
                        w.balance(w.royalty).await,
                        w.balance(w.a.license_market).await,
                    );
                    let (ok, fee, revert) = if renew {
                        w.send(
                            now,
                            buyer,
                            w.a.license_market,
                            LicenseMarket::renewLeaseCall {
                                offerId: offer_id,
                                duration,
                                maxPrice: price,
                            },
                            value,
                        )
                        .await
                    } else {
                        w.send(
                            now,
                            buyer,
                            w.a.license_market,
                            LicenseMarket::buyLeaseCall {
                                offerId: offer_id,
                                duration,
                                maxPrice: price,
                            },
                            value,
                        )
                        .await
                    };
                    let after = (
                        w.balance(buyer).await,
                        w.balance(w.payee).await,
                        w.balance(w.royalty).await,
                        w.balance(w.a.license_market).await,
                    );
                    match expect {
                        Expect::Ok { expires } => {
                            prop_assert!(ok, "{action:?} reverted: {:?}", ME::abi_decode(&revert));
                            expiry[who] = expires;
                            // 4 + 5: payee + royalty + refund = value, to the wei
                            prop_assert_eq!(after.1 - before.1, price - royalty, "payee");
                            prop_assert_eq!(after.2 - before.2, royalty, "royalty receiver");
                            prop_assert_eq!(
                                before.0 - after.0,
                                price + fee,
                                "buyer pays the price + gas, the excess is refunded"
                            );
                            prop_assert_eq!(after.3, before.3, "the market keeps nothing");
                        }
                        bad => {
                            prop_assert!(!ok, "{action:?} succeeded, model expected {bad:?}");
                            let err = ME::abi_decode(&revert)
                                .map_err(|e| TestCaseError::fail(format!("untyped revert {e}")))?;
                            let matches = matches!(
                                (&bad, &err),
                                (Expect::OutOfBounds, ME::LicenseMarketDurationOutOfBounds(_))
                                    | (
                                        Expect::AlreadyLicensed,
                                        ME::LicenseMarketAlreadyLicensed(_)
                                    )
                                    | (Expect::NotLicensee, ME::LicenseMarketNotLicensee(_))
                                    | (Expect::TokenLeased, ME::LicenseMarketTokenLeased(_))
                            );
                            prop_assert!(matches, "{action:?}: expected {bad:?}, got {err:?}");
                            // 10: nothing moved but the gas fee
                            prop_assert_eq!(before.0 - after.0, fee);
                            prop_assert_eq!(
                                (after.1, after.2, after.3),
                                (before.1, before.2, before.3)
                            );
                        }
                    }
                }
            }
            // 3: the chain's view at the latest block agrees with the model
            let latest = w.provider.get_block_number().await.unwrap();
            let t = w
                .provider
                .get_block_by_number(latest.into())
                .await
                .unwrap()
                .unwrap()
                .header
                .timestamp;
            prop_assert_eq!(t, now, "pinned block time");
            for (i, l) in w.licensees.iter().enumerate() {
                let lic = w
                    .view(
                        w.a.license_market,
                        LicenseMarket::isLicensedCall {
                            collection: w.collection,
                            tokenId: token,
                            account: *l,
                        },
                    )
                    .await;
                let model = expiry[i] != 0 && t <= expiry[i];
                prop_assert_eq!(
                    lic._0,
                    model,
                    "isLicensed({}) at {} (expiry {})",
                    i,
                    t,
                    expiry[i]
                );
            }
            let user: Address = w
                .view(w.collection, IpCollection::userOfCall { tokenId: token })
                .await;
            let holder = (0..2)
                .find(|&i| expiry[i] != 0 && t <= expiry[i])
                .map(|i| w.licensees[i]);
            prop_assert_eq!(user, holder.unwrap_or(Address::ZERO), "ERC-4907 userOf");
        }
        Ok(())
    })
}

#[test]
fn timed_licences_over_rpc_match_the_model() {
    let w = world();
    if !w.pinned_time {
        eprintln!("NOTICE: the node has no evm_setNextBlockTimestamp/evm_mine: timed-licence properties skipped");
        return;
    }
    // Every case is ~10 real transactions over HTTP: at most 64 cases (the
    // in-process state machines run the full PROPTEST_CASES).
    let cases = Config::default().cases.min(64);
    let mut runner = TestRunner::new(Config::with_cases(cases));
    runner
        .run(&case(), |c| run_case(w, &c))
        .unwrap_or_else(|e| panic!("{e}"));
}
