//! `stylus-ip demo`: the README's main job. Deploys the suite (on the
//! embedded devnode unless `--rpc-url` is given) and plays one story a reader
//! can follow in the log: a model lab registers its model, a creator mints an
//! AI-generated work with its provenance and a royalty to her collaborators'
//! split, fractionalises it, raises capital by offering a quarter of the
//! shares (an investor buys them in one transaction), opens a Uniswap V2
//! pool of the shares (deployed from npm's artefacts on the embedded
//! devnode) where the investor sells some to a second investor, leases the
//! work through the vault to a licensee for 30 days while the pool holds
//! shares, revenue flows to the share holders (the pool accrues none, so
//! nothing is lost) and collaborators, and the licence lapses by itself.
//!
//! Every call goes through the exported ABIs ([`crate::bindings`]); return
//! values come from an `eth_call` of the same transaction just before it is
//! sent. Each step prints who did what, the gas used and the balances that
//! moved. Amounts are small on chains other than the devnode.

use std::collections::BTreeMap;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolInterface};
use anyhow::{bail, Context, Result};

use crate::bindings::{
    IpCollection, LicenseMarket, ProvenanceRegistry, ShareBuyout, ShareOffering, ShareVault, Split,
    SplitFactory, VaultFactory,
};
use crate::provenance::{self as prov, Record, RecordIds};
use crate::stylus::eth;
use crate::suite::SuiteAddresses;
use crate::uniswap::{bindings as uni, UniswapV2};

/// Seconds in a day.
const DAY: u64 = 86_400;

/// Decodes revert data with every contract's custom errors.
#[must_use]
pub fn describe_revert(data: &[u8]) -> String {
    macro_rules! try_decode {
        ($($t:ty),*) => {$(
            if let Ok(e) = <$t>::abi_decode(data) {
                return format!("{e:?}");
            }
        )*};
    }
    try_decode!(
        IpCollection::IpCollectionErrors,
        LicenseMarket::LicenseMarketErrors,
        ProvenanceRegistry::ProvenanceRegistryErrors,
        ShareVault::ShareVaultErrors,
        ShareOffering::ShareOfferingErrors,
        ShareBuyout::ShareBuyoutErrors,
        VaultFactory::VaultFactoryErrors,
        Split::SplitErrors,
        SplitFactory::SplitFactoryErrors
    );
    format!("revert data 0x{}", alloy::hex::encode(data))
}

/// The demo's cast and chain.
pub struct Demo {
    provider: DynProvider,
    /// Every cast member's key, for [`Demo::resync_nonces`].
    wallet: EthereumWallet,
    rpc_url: String,
    names: BTreeMap<Address, String>,
    /// Where the suite is.
    pub a: SuiteAddresses,
    /// Uniswap V2 on this chain.
    pub amm: UniswapV2,
    chain_id: u64,
    /// Ada's key, for her EIP-2612 permits (the provider's wallet signs
    /// transactions, not typed data).
    ada_key: PrivateKeySigner,
    /// One "unit" of money: 0.001 ETH on the devnode, 0.00001 ETH elsewhere.
    unit: U256,
    total_gas: u64,
    steps: usize,
}

impl std::fmt::Debug for Demo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Demo")
            .field("a", &self.a)
            .finish_non_exhaustive()
    }
}

/// What the scenario ended with, for tests.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// ETH each share holder claimed, by name.
    pub claimed: BTreeMap<String, U256>,
    /// ETH each collaborator withdrew from the split, by name.
    pub withdrawn: BTreeMap<String, U256>,
    /// Price the licensee paid for 30 days.
    pub lease_price: U256,
    /// Royalty paid on it (to the split).
    pub royalty: U256,
    /// Whether the licence was active right after purchase.
    pub licensed_during: bool,
    /// Whether it was active after the 31-day warp (`None`: the node cannot warp).
    pub licensed_after: Option<bool>,
    /// Whether the registry verified the record's ERC-7007 proof.
    pub verified: bool,
    /// What the share offering raised (paid to the split).
    pub raised: U256,
    /// Shares Dee received from the offering, in the same transaction.
    pub offering_shares: U256,
    /// Net lease revenue the vault received (lease price minus royalty).
    pub vault_revenue: U256,
    /// Each holder's claim computed from balances: revenue × balance /
    /// accruing supply, by name.
    pub expected_claims: BTreeMap<String, U256>,
    /// The pool's shares when the revenue arrived.
    pub pool_shares: U256,
    /// Whether the pool accrues revenue (it must not).
    pub pool_accrues: bool,
    /// What the pool could claim after the revenue (it must be 0).
    pub pool_claimable: U256,
    /// The pool's reserves equal its balances (no fee on transfer).
    pub pool_reserves_exact: bool,
    /// Total gas of the scenario's transactions.
    pub total_gas: u64,
    /// Cy's call of the model while licensed (`None`: no hooks).
    pub gateway_licensed: Option<ModelCall>,
    /// Cy's call of the model after the lapse (`None`: no hooks, or no warp).
    pub gateway_expired: Option<ModelCall>,
}

impl Demo {
    /// Sets up the cast: `deployer` (with its provider) is Ada, the creator;
    /// four fresh accounts are funded by her.
    ///
    /// # Errors
    /// When funding fails.
    pub async fn new(
        rpc_url: &str,
        deployer: PrivateKeySigner,
        chain_id: u64,
        a: SuiteAddresses,
        amm: UniswapV2,
    ) -> Result<(Self, Cast)> {
        let unit = if chain_id == crate::keys::DEVNODE_CHAIN_ID {
            U256::from(1_000_000_000_000_000u64)
        } else {
            U256::from(10_000_000_000_000u64)
        };
        let cast = Cast {
            ada: deployer.address(),
            lab: PrivateKeySigner::random(),
            bo: PrivateKeySigner::random(),
            cy: PrivateKeySigner::random(),
            dee: PrivateKeySigner::random(),
            eve: PrivateKeySigner::random(),
        };
        let ada_key = deployer.clone();
        let mut wallet = EthereumWallet::from(deployer);
        for s in [&cast.lab, &cast.bo, &cast.cy, &cast.dee, &cast.eve] {
            wallet.register_signer(s.clone());
        }
        let provider = connect(rpc_url, wallet.clone())?;
        let mut names = BTreeMap::new();
        names.insert(cast.ada, "Ada (creator)".to_string());
        names.insert(cast.lab.address(), "Lab (model maker)".to_string());
        names.insert(cast.bo.address(), "Bo (prompt artist)".to_string());
        names.insert(cast.cy.address(), "Cy (licensee)".to_string());
        names.insert(cast.dee.address(), "Dee (investor)".to_string());
        names.insert(cast.eve.address(), "Eve (investor)".to_string());
        for (n, addr) in [
            ("provenance registry", a.provenance),
            ("licence market", a.license_market),
            ("vault factory", a.vault_factory),
            ("split factory", a.split_factory),
            ("share offering", a.share_offering),
            ("share buyout", a.share_buyout),
            ("Uniswap V2 router", amm.router),
            ("Uniswap V2 factory", amm.factory),
            ("WETH", amm.weth),
        ] {
            names.insert(addr, n.to_string());
        }
        if let Some(c) = a.collection {
            names.insert(c, "collection".to_string());
        }
        Ok((
            Self {
                provider,
                wallet,
                rpc_url: rpc_url.to_string(),
                names,
                a,
                amm,
                chain_id,
                ada_key,
                unit,
                total_gas: 0,
                steps: 0,
            },
            cast,
        ))
    }

    /// A new provider, whose nonces are read from the chain again: after
    /// another client (the studio mint) sent transactions from a cast
    /// member's account, the cached nonces are stale.
    fn resync_nonces(&mut self) -> Result<()> {
        self.provider = connect(&self.rpc_url, self.wallet.clone())?;
        Ok(())
    }

    fn name(&self, a: Address) -> String {
        self.names
            .get(&a)
            .cloned()
            .unwrap_or_else(|| format!("{a:#}"))
    }

    fn section(&mut self, title: &str) {
        self.steps += 1;
        println!();
        println!("== {}. {title}", self.steps);
    }

    /// Simulates then sends `call` from `from` to `to`; prints the line and
    /// returns the decoded return value and the receipt.
    async fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
        what: &str,
    ) -> Result<(C::Return, TransactionReceipt)> {
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_value(value)
            .with_input(call.abi_encode());
        let ret = match self.provider.call(tx.clone()).await {
            Ok(out) => C::abi_decode_returns(&out)
                .with_context(|| format!("{}: bad return data", C::SIGNATURE))?,
            Err(e) => {
                let reason = e
                    .as_error_resp()
                    .and_then(|r| r.as_revert_data())
                    .map_or_else(|| e.to_string(), |d| describe_revert(&d));
                bail!("{what}: {} would revert: {reason}", C::SIGNATURE);
            }
        };
        let gas = self
            .provider
            .estimate_gas(tx.clone())
            .await
            .with_context(|| format!("estimating {what}"))?;
        let tx = tx.with_gas_limit(crate::with_gas_headroom(gas));
        let receipt = self
            .provider
            .send_transaction(tx)
            .await
            .with_context(|| format!("sending {what}"))?
            .get_receipt()
            .await
            .with_context(|| format!("waiting for {what}"))?;
        if !receipt.status() {
            bail!(
                "{what} reverted in {} (gas used {}; the call before it succeeded)",
                receipt.transaction_hash,
                receipt.gas_used
            );
        }
        self.total_gas = self.total_gas.saturating_add(receipt.gas_used);
        let fn_name = C::SIGNATURE.split('(').next().unwrap_or(C::SIGNATURE);
        let paid = if value.is_zero() {
            String::new()
        } else {
            format!(" paying {} ETH", eth(value))
        };
        println!(
            "   {} → {}.{fn_name}{paid}: {what}  [gas {}]",
            self.name(from),
            self.name(to),
            receipt.gas_used
        );
        Ok((ret, receipt))
    }

    async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return> {
        let tx = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        let out = self
            .provider
            .call(tx)
            .await
            .with_context(|| format!("calling {}", C::SIGNATURE))?;
        C::abi_decode_returns(&out).with_context(|| format!("decoding {}", C::SIGNATURE))
    }

    /// `isLicensed(collection, token, who)` on the market and the token's
    /// ERC-4907 `userOf`, now.
    async fn licence(
        &self,
        collection: Address,
        token: U256,
        who: Address,
    ) -> Result<(bool, Address)> {
        let lic = self
            .view(
                self.a.license_market,
                &LicenseMarket::isLicensedCall {
                    collection,
                    tokenId: token,
                    account: who,
                },
            )
            .await?;
        let user = self
            .view(collection, &IpCollection::userOfCall { tokenId: token })
            .await?;
        Ok((lic._0, user))
    }

    async fn pay(&mut self, from: Address, to: Address, value: U256, what: &str) -> Result<u64> {
        let tx = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_value(value);
        let r = self
            .provider
            .send_transaction(tx)
            .await
            .with_context(|| format!("sending {what}"))?
            .get_receipt()
            .await?;
        if !r.status() {
            bail!("{what} failed");
        }
        self.total_gas = self.total_gas.saturating_add(r.gas_used);
        println!(
            "   {} → {}: {} ETH, {what}  [gas {}]",
            self.name(from),
            self.name(to),
            eth(value),
            r.gas_used
        );
        Ok(r.gas_used)
    }

    async fn balances(&self, who: &[Address]) -> Result<()> {
        let mut line = String::from("   balances:");
        for a in who {
            let b = self.provider.get_balance(*a).await?;
            line.push_str(&format!("  {} {} ETH", self.name(*a), eth(b)));
        }
        println!("{line}");
        Ok(())
    }

    /// Advances the chain's clock by `secs` (devnode / anvil methods);
    /// `false` when the node has no time travel.
    async fn warp(&self, secs: u64) -> bool {
        let inc: Result<serde_json::Value, _> = self
            .provider
            .raw_request("evm_increaseTime".into(), (secs,))
            .await;
        if inc.is_err() {
            return false;
        }
        let mined: Result<serde_json::Value, _> =
            self.provider.raw_request("evm_mine".into(), ()).await;
        mined.is_ok()
    }

    /// Prints the pool's reserves against its balances and the vault's view
    /// of it; returns whether the reserves equal the balances and the
    /// pool's shares.
    async fn pool_state(&self, vault: Address, pair: Address) -> Result<(bool, U256)> {
        let one = U256::from(10u64).pow(U256::from(18u64));
        let r = self
            .view(pair, &uni::IUniswapV2Pair::getReservesCall {})
            .await?;
        let token0 = self.view(pair, &uni::IUniswapV2Pair::token0Call {}).await?;
        let (koi_reserve, weth_reserve) = if token0 == vault {
            (U256::from(r.reserve0), U256::from(r.reserve1))
        } else {
            (U256::from(r.reserve1), U256::from(r.reserve0))
        };
        let koi = self
            .view(vault, &ShareVault::balanceOfCall { account: pair })
            .await?;
        let weth = self
            .view(self.amm.weth, &uni::IWETH9::balanceOfCall { owner: pair })
            .await?;
        let accrues = self
            .view(vault, &ShareVault::accruesCall { account: pair })
            .await?;
        println!(
            "   pool: reserves {} KOI / {} WETH, balances {} KOI / {} WETH{}; accrues revenue: {accrues}; price {} ETH per KOI",
            koi_reserve / one,
            eth(weth_reserve),
            koi / one,
            eth(weth),
            if koi == koi_reserve && weth == weth_reserve { " (exact)" } else { " (MISMATCH)" },
            eth(weth_reserve * one / koi_reserve.max(U256::from(1u64)))
        );
        Ok((koi == koi_reserve && weth == weth_reserve, koi))
    }

    async fn now(&self) -> Result<u64> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await?
            .context("no latest block")?;
        Ok(block.header.timestamp)
    }
}

/// The people in the story (Ada is the deployer).
#[derive(Debug, Clone)]
pub struct Cast {
    /// Ada, creator and studio owner (the deployer).
    pub ada: Address,
    /// The model lab: registers the model, attests generations.
    pub lab: PrivateKeySigner,
    /// Bo, prompt artist and collaborator.
    pub bo: PrivateKeySigner,
    /// Cy, a licensee (an ad agency).
    pub cy: PrivateKeySigner,
    /// Dee, an investor.
    pub dee: PrivateKeySigner,
    /// Eve, a second investor, who buys on the pool.
    pub eve: PrivateKeySigner,
}

/// What a [`DemoHooks`] step is given: the chain, the suite, Cy's licensed
/// token and the keys that sign for Cy and for the lab.
#[derive(Debug, Clone)]
pub struct LicenceStage {
    /// The chain's JSON-RPC endpoint.
    pub rpc_url: String,
    /// The chain id.
    pub chain_id: u64,
    /// The licence market.
    pub market: Address,
    /// The provenance registry.
    pub registry: Address,
    /// The collection of the licensed work.
    pub collection: Address,
    /// The licensed work.
    pub token_id: U256,
    /// The lab's model in the registry.
    pub model_id: U256,
    /// Cy, the licensee.
    pub licensee: PrivateKeySigner,
    /// The lab, the model's attester.
    pub lab: PrivateKeySigner,
    /// The latest block's timestamp when the step runs.
    pub chain_time: u64,
}

/// A call of the model on the licensee's behalf and its answer, as a hook
/// reports it: the HTTP status and one line for the story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCall {
    /// The HTTP status (200 served; 402/403 refused).
    pub status: u16,
    /// What the story prints about it.
    pub line: String,
}

/// Steps the demo leaves to its caller: the licensee calling the model
/// while licensed and again after the licence lapsed. The deploy library
/// cannot run the licence-gated gateway (the gateway depends on it); the
/// `stylus-ip` CLI implements these with the gateway in process. `()` skips
/// them.
pub trait DemoHooks {
    /// Cy calls the model right after buying the licence.
    ///
    /// # Errors
    /// When the call cannot be made (a refusal is an answer, not an error).
    fn licensed(
        &mut self,
        stage: &LicenceStage,
    ) -> impl std::future::Future<Output = Result<Option<ModelCall>>>;

    /// Cy calls the model again after the 31-day warp.
    ///
    /// # Errors
    /// As [`DemoHooks::licensed`].
    fn expired(
        &mut self,
        stage: &LicenceStage,
    ) -> impl std::future::Future<Output = Result<Option<ModelCall>>>;
}

impl DemoHooks for () {
    async fn licensed(&mut self, _: &LicenceStage) -> Result<Option<ModelCall>> {
        Ok(None)
    }
    async fn expired(&mut self, _: &LicenceStage) -> Result<Option<ModelCall>> {
        Ok(None)
    }
}

/// Plays the scenario on a deployed suite, without the hooks' steps.
///
/// # Errors
/// The first failing step, with the contract's decoded custom error.
pub async fn scenario(d: &mut Demo, cast: &Cast, chain_id: u64) -> Result<Outcome> {
    scenario_with(d, cast, chain_id, &mut ()).await
}

/// Plays the scenario on a deployed suite, running `hooks`' steps where the
/// story calls the model.
///
/// # Errors
/// The first failing step or hook.
pub async fn scenario_with(
    d: &mut Demo,
    cast: &Cast,
    chain_id: u64,
    hooks: &mut impl DemoHooks,
) -> Result<Outcome> {
    let ada = cast.ada;
    let (lab, bo, cy, dee, eve) = (
        cast.lab.address(),
        cast.bo.address(),
        cast.cy.address(),
        cast.dee.address(),
        cast.eve.address(),
    );
    let a = d.a;
    let collection = a
        .collection
        .context("the demo needs the suite's collection instance (collection.enabled = true)")?;
    let u = d.unit;

    d.section("Ada funds the cast");
    for (who, units) in [(lab, 20u64), (bo, 20), (cy, 400), (dee, 200), (eve, 100)] {
        d.pay(ada, who, u * U256::from(units), "gas money").await?;
    }

    d.section("The lab registers its image model (weights commitment, version, attester)");
    let weights_text = "koi-diffusion-v1 weights (sha-256 of the safetensors)";
    let (model_id, _) = d
        .send(
            lab,
            a.provenance,
            &crate::studio::models::register_call(
                weights_text,
                "1.0.0",
                "ipfs://bafy.../koi-diffusion-v1/model-card.json",
                lab,
            ),
            U256::ZERO,
            "koi-diffusion 1.0.0",
        )
        .await?;
    println!("   model #{model_id} registered, attester = Lab");

    d.section("Ada and Bo set up a revenue split (70 / 30) for the work's royalties");
    // The split wants its recipients in ascending address order (Bo's
    // address is random, so either may come first).
    let mut shares = [(ada, 700_000u32), (bo, 300_000u32)];
    shares.sort_by_key(|(who, _)| *who);
    let split_call = SplitFactory::createSplitCall {
        recipients: shares.iter().map(|(who, _)| *who).collect(),
        allocations: shares.iter().map(|(_, ppm)| *ppm).collect(),
        controller: ada,
        dustRecipient: ada,
        salt: B256::from(U256::from(chain_id)),
    };
    let split = d
        .view(
            a.split_factory,
            &SplitFactory::predictAddressCall {
                recipients: split_call.recipients.clone(),
                allocations: split_call.allocations.clone(),
                controller: ada,
                dustRecipient: ada,
                salt: split_call.salt,
            },
        )
        .await?;
    if d.provider.get_code_at(split).await?.is_empty() {
        d.send(
            ada,
            a.split_factory,
            &split_call,
            U256::ZERO,
            "Ada 70 %, Bo 30 %",
        )
        .await?;
    } else {
        println!("   split {split} exists already (re-run)");
    }
    d.names.insert(split, "split".into());
    println!("   split wallet at {split}");

    d.section("Ada mints the work \"Neon Koi\" with `cargo ip mint`: 10 % royalty to the split, provenance attested by the lab");
    let prompt = "a koi made of neon light, ukiyo-e, night rain";
    let dir = studio_dir(chain_id)?;
    std::fs::write(dir.join("neon-koi.png"), NEON_KOI_PNG)?;
    let line = serde_json::json!({
        "file": "neon-koi.png",
        "prompt": prompt,
        "seed": 421_337,
        "params": {"cfg": 7.5, "sampler": "dpmpp-2m", "steps": 30, "size": [32, 32]},
        "modelId": model_id.to::<u64>(),
        "human": "Ada composed and retouched the final frame",
        "name": "Neon Koi",
        "description": "A koi made of neon light, in the ukiyo-e manner, on a night of rain.",
        "attributes": [{"trait_type": "Series", "value": "Night Rain"}],
        "royalty": {"receiver": split.to_string(), "bps": 1000},
    });
    std::fs::write(dir.join("manifest.jsonl"), format!("{line}\n"))?;
    let minted = crate::studio::mint(
        &crate::studio::MintOptions::new(dir.join("manifest.jsonl")),
        &crate::studio::MintTarget {
            rpc_url: d.rpc_url.clone(),
            collection,
            editions: a.editions,
            registry: a.provenance,
            minter: d.ada_key.clone(),
            attesters: crate::studio::Attesters::Key(cast.lab.clone()),
        },
    )
    .await?;
    d.total_gas += minted.totals.gas;
    d.resync_nonces()?;
    let (asset, entry) = minted
        .assets
        .first()
        .zip(minted.entries.first())
        .context("the studio mint minted nothing")?;
    let token_id = asset.token_id;
    let hashes = entry.hashes;
    println!(
        "   token #{token_id} minted to Ada: tokenURI {} ({} transactions, {} gas: mintBatch, recordProvenanceBatch)",
        asset.token_uri, minted.totals.txs, minted.totals.gas
    );
    println!(
        "   metadata and image ready to publish in {} (image {})",
        minted.out.display(),
        entry.file_cid
    );
    let record = Record {
        ids: RecordIds {
            collection,
            id: token_id,
            model_id,
            creator: ada,
            parents: Vec::new(),
        },
        hashes,
    };
    let attestation = prov::attest(&record, chain_id, a.provenance, &cast.lab)?;
    let verified = d
        .view(
            a.provenance,
            &ProvenanceRegistry::verifyCall {
                prompt: Bytes::copy_from_slice(prompt.as_bytes()),
                // ERC-7007's aigcData here is the content hash (sha-256 of the file)
                aigcData: Bytes::copy_from_slice(hashes.content_hash.as_slice()),
                proof: attestation.proof.clone(),
            },
        )
        .await?;
    println!("   ERC-7007 verify(prompt, sha-256 of the file, proof) = {verified}");
    if !verified {
        bail!("the registry did not verify the attested record");
    }

    d.section("Ada fractionalises the work into 1,000,000 KOI shares (she is curator)");
    d.send(
        ada,
        collection,
        &IpCollection::approveCall {
            to: a.vault_factory,
            tokenId: token_id,
        },
        U256::ZERO,
        "let the factory vault the token",
    )
    .await?;
    let supply = U256::from(1_000_000u64) * U256::from(10u64).pow(U256::from(18u64));
    let vault_salt = keccak256(format!("neon-koi:{token_id}"));
    let (vault, _) = d
        .send(
            ada,
            a.vault_factory,
            &VaultFactory::fractionalizeCall {
                asset: collection,
                id: token_id,
                units: U256::ZERO,
                name: "Neon Koi Shares".into(),
                symbol: "KOI".into(),
                holders: vec![ada],
                amounts: vec![supply],
                curator: ada,
                revenueTokens: Vec::new(),
                maxLeaseDuration: 365 * DAY,
                salt: vault_salt,
            },
            U256::ZERO,
            "vault the token, mint the shares to Ada",
        )
        .await?;
    d.names.insert(vault, "KOI vault".into());
    let owner = d
        .view(collection, &IpCollection::ownerOfCall { tokenId: token_id })
        .await?;
    println!(
        "   vault {vault} now owns token #{token_id} (ownerOf = {})",
        d.name(owner)
    );

    let investors = investor_story(d, cast, vault, split, supply).await?;

    d.section("As the vault's curator, Ada publishes a lease offer paying the vault");
    d.send(
        ada,
        vault,
        &ShareVault::setMarketApprovalCall { approved: true },
        U256::ZERO,
        "vault approves the licence market as lease operator",
    )
    .await?;
    let price_per_second = u / U256::from(10_000u64);
    let terms = crate::bindings::IShareVault::OfferTerms {
        pricePerSecond: price_per_second,
        paymentToken: Address::ZERO,
        minDuration: DAY,
        maxDuration: 90 * DAY,
        endTime: 0,
        maxLicensees: 1,
        payee: vault,
        termsHash: keccak256("commercial licence v1: campaigns, attribution required"),
        termsUri: "ipfs://bafy.../licence-v1.md".into(),
        flags: 1 | 2,
        maxRoyaltyBps: 1_000,
    };
    let (offer_id, _) = d
        .send(
            ada,
            vault,
            &ShareVault::createOfferCall { amount: 0, terms },
            U256::ZERO,
            "offer: commercial use, 1–90 days, payee = vault",
        )
        .await?;
    println!(
        "   offer #{offer_id} at {} ETH per day",
        eth(price_per_second * U256::from(DAY))
    );

    d.section("Cy (an ad agency) buys a 30-day licence");
    let duration = 30 * DAY;
    let quote = d
        .view(
            a.license_market,
            &LicenseMarket::quoteCall {
                offerId: offer_id,
                duration,
            },
        )
        .await?;
    let (price, royalty) = (quote.price, quote.royalty);
    println!(
        "   quote: {} ETH, of which royalty {} ETH to {} (offer version {})",
        eth(price),
        eth(royalty),
        d.name(quote.royaltyReceiver),
        quote.version
    );
    let before = (
        d.provider.get_balance(vault).await?,
        d.provider.get_balance(split).await?,
    );
    let (expires, _) = d
        .send(
            cy,
            a.license_market,
            &LicenseMarket::buyLeaseCall {
                offerId: offer_id,
                duration,
                maxPrice: price,
                version: quote.version,
            },
            price,
            "30 days",
        )
        .await?;
    let after = (
        d.provider.get_balance(vault).await?,
        d.provider.get_balance(split).await?,
    );
    println!(
        "   revenue arrived: vault +{} ETH (lease net of royalty), split +{} ETH (royalty)",
        eth(after.0 - before.0),
        eth(after.1 - before.1)
    );
    let (licensed_during, user) = d.licence(collection, token_id, cy).await?;
    println!(
        "   isLicensed(Cy) = {} until {} (in {} days); ERC-4907 userOf = {}",
        licensed_during,
        expires,
        expires.saturating_sub(d.now().await?) / DAY,
        d.name(user)
    );
    let mut stage = LicenceStage {
        rpc_url: d.rpc_url.clone(),
        chain_id,
        market: a.license_market,
        registry: a.provenance,
        collection,
        token_id,
        model_id,
        licensee: cast.cy.clone(),
        lab: cast.lab.clone(),
        chain_time: d.now().await?,
    };
    let gateway_licensed = hooks.licensed(&stage).await?;
    if let Some(call) = &gateway_licensed {
        println!("   Cy calls the model through the gateway: {}", call.line);
    }

    let vault_revenue = after.0 - before.0;
    let claims = claim_story(d, vault, investors.pair, vault_revenue, &[ada, dee, eve]).await?;
    let claimed = claims.claimed.clone();

    d.section("Collaborators withdraw their share of the royalty and the raise from the split");
    let mut withdrawn = BTreeMap::new();
    for who in [ada, bo] {
        let amount = d
            .view(
                split,
                &Split::claimableCall {
                    recipient: who,
                    token: Address::ZERO,
                },
            )
            .await?;
        d.send(
            who,
            split,
            &Split::withdrawCall {
                recipient: who,
                tokens: vec![Address::ZERO],
            },
            U256::ZERO,
            &format!("{} ETH", eth(amount)),
        )
        .await?;
        withdrawn.insert(d.name(who), amount);
    }
    d.balances(&[ada, bo, dee, eve, vault, split]).await?;

    d.section("31 days later: the licence lapses by itself");
    let mut gateway_expired = None;
    let licensed_after = if d.warp(31 * DAY).await {
        let (licensed, user_after) = d.licence(collection, token_id, cy).await?;
        println!(
            "   isLicensed(Cy) = {}; userOf = {} — no transaction needed",
            licensed,
            d.name(user_after)
        );
        stage.chain_time = d.now().await?;
        gateway_expired = hooks.expired(&stage).await?;
        if let Some(call) = &gateway_expired {
            println!("   Cy calls the model again: {}", call.line);
        }
        Some(licensed)
    } else {
        println!("   notice: this node has no evm_increaseTime; skipping the time travel (the licence lapses at {expires})");
        None
    };

    println!();
    println!(
        "scenario done: {} steps, {} gas in its transactions",
        d.steps, d.total_gas
    );
    Ok(Outcome {
        claimed,
        withdrawn,
        lease_price: price,
        royalty,
        licensed_during,
        licensed_after,
        verified,
        raised: investors.raised,
        offering_shares: investors.bought,
        vault_revenue,
        expected_claims: claims.expected,
        pool_shares: claims.pool_shares,
        pool_accrues: claims.pool_accrues,
        pool_claimable: claims.pool_claimable,
        pool_reserves_exact: claims.reserves_exact,
        total_gas: d.total_gas,
        gateway_licensed,
        gateway_expired,
    })
}

/// Options of `stylus-ip demo`.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Run against this node instead of the embedded devnode.
    pub rpc_url: Option<String>,
    /// The deployer's (Ada's) key; the dev key on a devnode by default.
    pub key: crate::keys::KeySource,
    /// Use the WASM in `target/wasm` as is.
    pub skip_build: bool,
    /// Manifest (default: fresh under `target/demo/` on the embedded
    /// devnode, `deployments/<chain id>.json` elsewhere).
    pub manifest: Option<std::path::PathBuf>,
}

/// Builds, deploys and plays the scenario (without the hooks' steps).
///
/// # Errors
/// A failing build, deployment or scenario step.
pub fn run(root: &std::path::Path, opts: &DemoOptions) -> Result<Outcome> {
    run_with(root, opts, &mut ())
}

/// Builds, deploys and plays the scenario with `hooks`' steps.
///
/// # Errors
/// A failing build, deployment, scenario step or hook.
pub fn run_with(
    root: &std::path::Path,
    opts: &DemoOptions,
    hooks: &mut impl DemoHooks,
) -> Result<Outcome> {
    if !opts.skip_build {
        println!("== building the contracts (WASM + Stylus gate)");
        crate::build::build_all(root, &[])?;
    }
    let artifacts = crate::suite::Artifacts::load(root)?;
    // The embedded devnode runs its own server threads; start it before
    // entering this thread's async runtime.
    let node = match &opts.rpc_url {
        Some(_) => None,
        None => Some(
            stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())
                .context("starting the embedded devnode")?,
        ),
    };
    let rpc_url = match (&opts.rpc_url, &node) {
        (Some(u), _) => u.clone(),
        (None, Some(n)) => {
            println!(
                "== embedded Stylus devnode at {} (chain id 412346)",
                n.url()
            );
            n.url().to_string()
        }
        (None, None) => unreachable!("a node was started when no URL was given"),
    };
    let manifest = match (&opts.manifest, &node) {
        (Some(m), _) => Some(m.clone()),
        (None, Some(_)) => {
            // a fresh chain: a manifest from an earlier run would describe another chain
            let m = root.join("target/demo/manifest.json");
            let _ = std::fs::remove_file(&m);
            Some(m)
        }
        (None, None) => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let amm_artifacts = crate::uniswap::Artifacts::load(root)?;
    let outcome = rt.block_on(async {
        let chain_id = ProviderBuilder::new()
            .connect_http(rpc_url.parse().context("bad --rpc-url")?)
            .get_chain_id()
            .await
            .context("reading the chain id")?;
        let signer = crate::keys::load(&opts.key, chain_id)?;
        let deployer = signer.address();
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(rpc_url.parse().context("bad --rpc-url")?);
        println!("== deploying Uniswap V2 (WETH9, factory, Router02) from npm's artefacts");
        let amm = amm_artifacts
            .deploy_rpc(&provider, deployer, deployer)
            .await?;
        println!(
            "   factory {}, router {}, WETH {}",
            amm.factory, amm.router, amm.weth
        );
        let deploy_opts = crate::run::DeployOptions {
            rpc_url: rpc_url.clone(),
            key: opts.key.clone(),
            config: None,
            manifest,
            dry_run: false,
            amm_factory: Some(amm.factory),
            amm_router: Some(amm.router),
        };
        println!("== deploying the suite");
        let deployed = crate::run::deploy(root, &deploy_opts, &artifacts).await?;
        let (mut demo, cast) =
            Demo::new(&rpc_url, signer, deployed.chain_id, deployed.addresses, amm).await?;
        println!();
        println!("== the story");
        scenario_with(&mut demo, &cast, deployed.chain_id, hooks).await
    });
    if let Some(n) = node {
        n.shutdown().context("stopping the devnode")?;
    }
    outcome
}

/// A provider for `rpc_url` that signs with `wallet`.
fn connect(rpc_url: &str, wallet: EthereumWallet) -> Result<DynProvider> {
    Ok(ProviderBuilder::new()
        .wallet(wallet)
        .connect_http(rpc_url.parse().context("bad --rpc-url")?)
        .erased())
}

/// The demo's image of "Neon Koi": the gateway's built-in model's output for
/// the story's prompt and seed (a test in the gateway crate regenerates it).
const NEON_KOI_PNG: &[u8] = include_bytes!("../../examples/studio/neon-koi.png");

/// A fresh folder for the story's studio mint (manifest, image, output and
/// journal): the cast is new on every run, so an earlier run's journal must
/// not be resumed.
fn studio_dir(chain_id: u64) -> Result<std::path::PathBuf> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "stylus-ip-demo-studio-{}-{chain_id}-{run}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// What the investor part of the story left behind.
struct Investors {
    /// The KOI/WETH pair.
    pair: Address,
    /// What the offering raised.
    raised: U256,
    /// Shares Dee received from the offering.
    bought: U256,
}

/// Ada offers a quarter of the shares (permit instead of an approval
/// transaction), Dee buys them in one transaction, the proceeds go to the
/// split; Ada opens a KOI/WETH pool on Uniswap V2 (registered with the vault
/// first, so it accrues no revenue), Dee sells some KOI on it (approving the
/// router with a signed permit) and Eve buys KOI on it.
async fn investor_story(
    d: &mut Demo,
    cast: &Cast,
    vault: Address,
    split: Address,
    supply: U256,
) -> Result<Investors> {
    let (ada, dee, eve) = (cast.ada, cast.dee.address(), cast.eve.address());
    let u = d.unit;
    let one = U256::from(10u64).pow(U256::from(18u64));
    let quarter = supply / U256::from(4u64);
    // 100 units for 250,000 KOI: the price of one whole KOI, in wei.
    let price = u * U256::from(100u64) / (quarter / one);
    let name = d.view(vault, &ShareVault::nameCall {}).await?;
    let domain = crate::permit::domain(&name, d.chain_id, vault);

    d.section("Ada offers 250,000 KOI to investors (a 7-day offering, minimum raise 50 %)");
    let deadline = d.now().await? + 7 * DAY;
    let nonce = d
        .view(vault, &ShareVault::noncesCall { owner: ada })
        .await?;
    let ada_key = d.ada_key.clone();
    let permit = crate::permit::Permit {
        owner: ada,
        spender: d.a.share_offering,
        value: quarter,
        nonce,
        deadline: U256::from(deadline),
    };
    let sig = crate::permit::sign(&ada_key, &domain, &permit)?;
    d.send(
        ada,
        vault,
        &ShareVault::permitCall {
            owner: ada,
            spender: d.a.share_offering,
            value: quarter,
            deadline: U256::from(deadline),
            v: sig.v,
            r: sig.r,
            s: sig.s,
        },
        U256::ZERO,
        "EIP-2612: Ada's signed approval of the offering",
    )
    .await?;
    let (offering_id, _) = d
        .send(
            ada,
            d.a.share_offering,
            &ShareOffering::createOfferingCall {
                vault,
                shares: quarter,
                price,
                paymentToken: Address::ZERO,
                perBuyerCap: U256::ZERO,
                deadline,
                minRaise: u * U256::from(50u64),
                payee: split,
            },
            U256::ZERO,
            "250,000 KOI escrowed, proceeds to the split",
        )
        .await?;
    println!(
        "   offering #{offering_id}: {} ETH per KOI, until {deadline}",
        eth(price)
    );

    d.section("Dee buys all 250,000 KOI from the offering in one transaction");
    let cost = u * U256::from(100u64);
    let before = d
        .view(vault, &ShareVault::balanceOfCall { account: dee })
        .await?;
    d.send(
        dee,
        d.a.share_offering,
        &ShareOffering::buyCall {
            id: offering_id,
            shares: quarter,
        },
        cost,
        "pays and receives the shares atomically",
    )
    .await?;
    let bought = d
        .view(vault, &ShareVault::balanceOfCall { account: dee })
        .await?
        - before;
    let view = d
        .view(
            d.a.share_offering,
            &ShareOffering::offeringCall { id: offering_id },
        )
        .await?;
    println!(
        "   Dee holds {} KOI; raised {} ETH of the {} ETH minimum: the raise succeeded",
        bought / one,
        eth(view.raised),
        eth(view.minRaise)
    );
    d.send(
        dee,
        d.a.share_offering,
        &ShareOffering::withdrawProceedsCall { id: offering_id },
        U256::ZERO,
        "anyone may pay the proceeds to the payee (the split)",
    )
    .await?;

    d.section("Ada opens a KOI/WETH pool on Uniswap V2 and registers it with the vault");
    let amm = d.amm;
    let (pair, _) = d
        .send(
            ada,
            amm.factory,
            &uni::IUniswapV2Factory::createPairCall {
                tokenA: vault,
                tokenB: amm.weth,
            },
            U256::ZERO,
            "the pair (from npm's artefacts)",
        )
        .await?;
    d.names.insert(pair, "KOI/WETH pool".into());
    d.send(
        eve,
        vault,
        &ShareVault::registerPoolCall { pair },
        U256::ZERO,
        "anyone may register a pair the AMM factory lists: it accrues no revenue",
    )
    .await?;
    let seeded = supply / U256::from(5u64);
    let seeded_eth = price * (seeded / one);
    d.send(
        ada,
        vault,
        &ShareVault::approveCall {
            spender: amm.router,
            value: seeded,
        },
        U256::ZERO,
        "the router may move 200,000 KOI",
    )
    .await?;
    d.send(
        ada,
        amm.router,
        &uni::IUniswapV2Router02::addLiquidityETHCall {
            token: vault,
            amountTokenDesired: seeded,
            amountTokenMin: seeded,
            amountETHMin: seeded_eth,
            to: ada,
            deadline: crate::uniswap::NO_DEADLINE,
        },
        seeded_eth,
        "200,000 KOI + ETH at the offering's price",
    )
    .await?;

    d.section("Dee sells 50,000 KOI on the pool (approving the router by permit); Eve buys");
    let sold = supply / U256::from(20u64);
    let nonce = d
        .view(vault, &ShareVault::noncesCall { owner: dee })
        .await?;
    let sig = crate::permit::sign(
        &cast.dee,
        &domain,
        &crate::permit::Permit {
            owner: dee,
            spender: amm.router,
            value: sold,
            nonce,
            deadline: U256::from(deadline),
        },
    )?;
    d.send(
        dee,
        vault,
        &ShareVault::permitCall {
            owner: dee,
            spender: amm.router,
            value: sold,
            deadline: U256::from(deadline),
            v: sig.v,
            r: sig.r,
            s: sig.s,
        },
        U256::ZERO,
        "Dee's signed approval of the router",
    )
    .await?;
    let path = vec![vault, amm.weth];
    let out = d
        .view(
            amm.router,
            &uni::IUniswapV2Router02::getAmountsOutCall {
                amountIn: sold,
                path: path.clone(),
            },
        )
        .await?;
    d.send(
        dee,
        amm.router,
        &uni::IUniswapV2Router02::swapExactTokensForETHCall {
            amountIn: sold,
            amountOutMin: out[1],
            path,
            to: dee,
            deadline: crate::uniswap::NO_DEADLINE,
        },
        U256::ZERO,
        &format!("50,000 KOI for {} ETH", eth(out[1])),
    )
    .await?;
    let spend = u * U256::from(30u64);
    let path = vec![amm.weth, vault];
    let out = d
        .view(
            amm.router,
            &uni::IUniswapV2Router02::getAmountsOutCall {
                amountIn: spend,
                path: path.clone(),
            },
        )
        .await?;
    d.send(
        eve,
        amm.router,
        &uni::IUniswapV2Router02::swapExactETHForTokensCall {
            amountOutMin: out[1],
            path,
            to: eve,
            deadline: crate::uniswap::NO_DEADLINE,
        },
        spend,
        &format!("{} ETH for {} KOI", eth(spend), out[1] / one),
    )
    .await?;
    d.pool_state(vault, pair).await?;
    Ok(Investors {
        pair,
        raised: view.raised,
        bought,
    })
}

/// What the claims left behind.
struct Claims {
    claimed: BTreeMap<String, U256>,
    expected: BTreeMap<String, U256>,
    pool_shares: U256,
    pool_accrues: bool,
    pool_claimable: U256,
    reserves_exact: bool,
}

/// The holders claim `revenue` (ETH that reached `vault`) while `pair`
/// holds shares; each claim is checked against revenue × balance / accruing
/// supply before it is sent.
async fn claim_story(
    d: &mut Demo,
    vault: Address,
    pair: Address,
    revenue: U256,
    holders: &[Address],
) -> Result<Claims> {
    d.section("Share holders claim the lease revenue, pro rata; the pool accrued none");
    let (reserves_exact, pool_shares) = d.pool_state(vault, pair).await?;
    let accruing = d.view(vault, &ShareVault::accruingSupplyCall {}).await?;
    let pool_accrues = d
        .view(vault, &ShareVault::accruesCall { account: pair })
        .await?;
    let pool_claimable = d
        .view(
            vault,
            &ShareVault::claimableCall {
                holder: pair,
                token: Address::ZERO,
            },
        )
        .await?;
    println!(
        "   revenue {} ETH over the accruing supply ({} of {} KOI: the pool's {} KOI accrue nothing); the pool's claimable: {}",
        eth(revenue),
        accruing / U256::from(10u64).pow(U256::from(18u64)),
        d.view(vault, &ShareVault::totalSupplyCall {}).await? / U256::from(10u64).pow(U256::from(18u64)),
        pool_shares / U256::from(10u64).pow(U256::from(18u64)),
        pool_claimable
    );
    let (mut claimed, mut expected) = (BTreeMap::new(), BTreeMap::new());
    for &who in holders {
        let balance = d
            .view(vault, &ShareVault::balanceOfCall { account: who })
            .await?;
        let due = revenue * balance / accruing;
        let amount = d
            .view(
                vault,
                &ShareVault::claimableCall {
                    holder: who,
                    token: Address::ZERO,
                },
            )
            .await?;
        d.send(
            who,
            vault,
            &ShareVault::claimCall {
                tokens: vec![Address::ZERO],
            },
            U256::ZERO,
            &format!(
                "{} ETH (revenue × {} / {} KOI = {} ETH)",
                eth(amount),
                balance / U256::from(10u64).pow(U256::from(18u64)),
                accruing / U256::from(10u64).pow(U256::from(18u64)),
                eth(due)
            ),
        )
        .await?;
        claimed.insert(d.name(who), amount);
        expected.insert(d.name(who), due);
    }
    Ok(Claims {
        claimed,
        expected,
        pool_shares,
        pool_accrues,
        pool_claimable,
        reserves_exact,
    })
}
