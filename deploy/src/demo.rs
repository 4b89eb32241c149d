//! `stylus-ip demo`: the README's main job. Deploys the suite (on the
//! embedded devnode unless `--rpc-url` is given) and plays one story a reader
//! can follow in the log: a model lab registers its model, a creator mints an
//! AI-generated work with its provenance and a royalty to her collaborators'
//! split, fractionalises it, sells a quarter of the shares, leases the work
//! through the vault to a licensee for 30 days, revenue flows to share
//! holders and collaborators, and the licence lapses by itself.
//!
//! Every call goes through the exported ABIs ([`crate::bindings`]); return
//! values come from an `eth_call` of the same transaction just before it is
//! sent. Each step prints who did what, the gas used and the balances that
//! moved. Amounts are small on chains other than the devnode.

use std::collections::BTreeMap;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{aliases::U96, keccak256, Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolInterface};
use anyhow::{bail, Context, Result};

use crate::bindings::{
    IpCollection, LicenseMarket, ProvenanceRegistry, ShareVault, Split, SplitFactory, VaultFactory,
};
use crate::provenance::{self as prov, FieldHashes, Record, RecordIds};
use crate::stylus::eth;
use crate::suite::SuiteAddresses;

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
        VaultFactory::VaultFactoryErrors,
        Split::SplitErrors,
        SplitFactory::SplitFactoryErrors
    );
    format!("revert data 0x{}", alloy::hex::encode(data))
}

/// The demo's cast and chain.
pub struct Demo {
    provider: DynProvider,
    names: BTreeMap<Address, String>,
    /// Where the suite is.
    pub a: SuiteAddresses,
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
    /// Total gas of the scenario's transactions.
    pub total_gas: u64,
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
        };
        let mut wallet = EthereumWallet::from(deployer);
        for s in [&cast.lab, &cast.bo, &cast.cy, &cast.dee] {
            wallet.register_signer(s.clone());
        }
        let provider = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(rpc_url.parse().context("bad --rpc-url")?)
            .erased();
        let mut names = BTreeMap::new();
        names.insert(cast.ada, "Ada (creator)".to_string());
        names.insert(cast.lab.address(), "Lab (model maker)".to_string());
        names.insert(cast.bo.address(), "Bo (prompt artist)".to_string());
        names.insert(cast.cy.address(), "Cy (licensee)".to_string());
        names.insert(cast.dee.address(), "Dee (investor)".to_string());
        for (n, addr) in [
            ("provenance registry", a.provenance),
            ("licence market", a.license_market),
            ("vault factory", a.vault_factory),
            ("split factory", a.split_factory),
        ] {
            names.insert(addr, n.to_string());
        }
        if let Some(c) = a.collection {
            names.insert(c, "collection".to_string());
        }
        Ok((
            Self {
                provider,
                names,
                a,
                unit,
                total_gas: 0,
                steps: 0,
            },
            cast,
        ))
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
        let receipt = self
            .provider
            .send_transaction(tx)
            .await
            .with_context(|| format!("sending {what}"))?
            .get_receipt()
            .await
            .with_context(|| format!("waiting for {what}"))?;
        if !receipt.status() {
            bail!("{what} reverted in {}", receipt.transaction_hash);
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
}

/// Plays the scenario on a deployed suite.
///
/// # Errors
/// The first failing step, with the contract's decoded custom error.
#[allow(clippy::too_many_lines)] // one linear story reads best in one place
pub async fn scenario(d: &mut Demo, cast: &Cast, chain_id: u64) -> Result<Outcome> {
    let ada = cast.ada;
    let (lab, bo, cy, dee) = (
        cast.lab.address(),
        cast.bo.address(),
        cast.cy.address(),
        cast.dee.address(),
    );
    let a = d.a;
    let collection = a
        .collection
        .context("the demo needs the suite's collection instance (collection.enabled = true)")?;
    let u = d.unit;

    d.section("Ada funds the cast");
    for (who, units) in [(lab, 20u64), (bo, 20), (cy, 400), (dee, 200)] {
        d.pay(ada, who, u * U256::from(units), "gas money").await?;
    }

    d.section("The lab registers its image model (weights commitment, version, attester)");
    let weights = keccak256("koi-diffusion-v1 weights (sha-256 of the safetensors)");
    let (model_id, _) = d
        .send(
            lab,
            a.provenance,
            &ProvenanceRegistry::registerModelCall {
                weightsHash: weights,
                version: "1.0.0".into(),
                uri: "ipfs://bafy.../koi-diffusion-v1/model-card.json".into(),
                attester: lab,
                parentModelId: U256::ZERO,
                commitReveal: false,
                nftCollection: Address::ZERO,
                nftTokenId: U256::ZERO,
            },
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

    d.section("Ada mints the work \"Neon Koi\" with a 10 % royalty to the split");
    let (token_id, _) = d
        .send(
            ada,
            collection,
            &IpCollection::mintCall {
                to: ada,
                uri: "ipfs://bafy.../neon-koi.json".into(),
                royaltyReceiver: split,
                royaltyBps: U96::from(1000u16),
            },
            U256::ZERO,
            "token metadata + royalty",
        )
        .await?;
    println!("   token #{token_id} minted to Ada");

    d.section("Ada anchors its provenance; the lab's attester signs it (EIP-712)");
    let prompt = "a koi made of neon light, ukiyo-e, night rain";
    let params = br#"{"cfg":7.5,"sampler":"dpmpp-2m","steps":30,"size":[1024,1024]}"#;
    let content = b"(the PNG bytes of Neon Koi)";
    let hashes = FieldHashes {
        prompt_hash: B256::from(stylus_ip_provenance_hash::prompt_hash(prompt).0),
        seed_hash: B256::from(stylus_ip_provenance_hash::seed_hash(421_337).0),
        params_hash: B256::from(
            stylus_ip_provenance_hash::params_hash(prov::canonical_json(params)?.as_bytes()).0,
        ),
        content_hash: B256::from(stylus_ip_provenance_hash::content_hash(content).0),
        human_hash: B256::from(
            stylus_ip_provenance_hash::human_contribution_hash(
                b"Ada composed and retouched the final frame",
            )
            .0,
        ),
    };
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
    d.send(
        ada,
        a.provenance,
        &ProvenanceRegistry::recordProvenanceCall {
            collection,
            id: token_id,
            modelId: model_id,
            promptHash: hashes.prompt_hash,
            seedHash: hashes.seed_hash,
            paramsHash: hashes.params_hash,
            contentHash: hashes.content_hash,
            humanHash: hashes.human_hash,
            parentCollections: Vec::new(),
            parentIds: Vec::new(),
            signature: attestation.signature.clone(),
        },
        U256::ZERO,
        "prompt/seed/params/content hashes + the lab's signature",
    )
    .await?;
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

    d.section("Dee buys 25 % of the shares from Ada (over the counter)");
    let quarter = supply / U256::from(4u64);
    d.pay(dee, ada, u * U256::from(100u64), "price of 250,000 KOI")
        .await?;
    d.send(
        ada,
        vault,
        &ShareVault::transferCall {
            to: dee,
            value: quarter,
        },
        U256::ZERO,
        "250,000 KOI to Dee",
    )
    .await?;

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

    d.section("Share holders claim the lease revenue, pro rata");
    let mut claimed = BTreeMap::new();
    for who in [ada, dee] {
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
            &format!("{} ETH", eth(amount)),
        )
        .await?;
        claimed.insert(d.name(who), amount);
    }

    d.section("Collaborators withdraw their royalty share from the split");
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
    d.balances(&[ada, bo, dee, vault, split]).await?;

    d.section("31 days later: the licence lapses by itself");
    let licensed_after = if d.warp(31 * DAY).await {
        let (licensed, user_after) = d.licence(collection, token_id, cy).await?;
        println!(
            "   isLicensed(Cy) = {}; userOf = {} — no transaction needed",
            licensed,
            d.name(user_after)
        );
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
        total_gas: d.total_gas,
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

/// Builds, deploys and plays the scenario.
///
/// # Errors
/// A failing build, deployment or scenario step.
pub fn run(root: &std::path::Path, opts: &DemoOptions) -> Result<Outcome> {
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
    let outcome = rt.block_on(async {
        let deploy_opts = crate::run::DeployOptions {
            rpc_url: rpc_url.clone(),
            key: opts.key.clone(),
            config: None,
            manifest,
            dry_run: false,
        };
        println!("== deploying the suite");
        let deployed = crate::run::deploy(root, &deploy_opts, &artifacts).await?;
        let signer = crate::keys::load(&opts.key, deployed.chain_id)?;
        let (mut demo, cast) =
            Demo::new(&rpc_url, signer, deployed.chain_id, deployed.addresses).await?;
        println!();
        println!("== the story");
        scenario(&mut demo, &cast, deployed.chain_id).await
    });
    if let Some(n) = node {
        n.shutdown().context("stopping the devnode")?;
    }
    outcome
}
