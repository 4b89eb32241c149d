//! The Stylus side: the suite's real WASM (`target/wasm/*.wasm`) deployed
//! and activated on the devnode, driven through bindings generated from the
//! exported ABIs in `abi/` (one source of truth for every selector), through
//! the same user operations as the baselines ([`crate::baseline`]).
//!
//! [`run`] takes the side to measure: on [`Side::StylusCached`] every
//! program is first cached through ArbWasmCache.

use std::path::Path;

use alloy::primitives::{aliases::U96, Address, Bytes, B256, U256};
use alloy::rpc::types::TransactionReceipt;
use alloy::sol_types::{SolCall, SolConstructor, SolError, SolEvent};
use anyhow::{ensure, Context, Result};

use stylus_ip_deploy::uniswap::Artifacts;

use crate::baseline::{eth, share_supply, split_members, HOLDERS, RECIPIENTS};
use crate::chain::{clone_init_code, fresh, indexed_address, read_wasm, Client};
use crate::investors;
use crate::report::{Recorder, Side};

/// Bindings generated from the exported ABIs in `abi/` (one module per
/// contract, named as its JSON file).
#[allow(clippy::too_many_arguments, missing_docs)]
pub mod abi {
    alloy::sol!(IpCollection, "../abi/IpCollection.json");
    alloy::sol!(IpEditions, "../abi/IpEditions.json");
    alloy::sol!(LicenseMarket, "../abi/LicenseMarket.json");
    alloy::sol!(ProvenanceRegistry, "../abi/ProvenanceRegistry.json");
    alloy::sol!(ShareBuyout, "../abi/ShareBuyout.json");
    alloy::sol!(ShareOffering, "../abi/ShareOffering.json");
    alloy::sol!(ShareVault, "../abi/ShareVault.json");
    alloy::sol!(Split, "../abi/Split.json");
    alloy::sol!(SplitFactory, "../abi/SplitFactory.json");
    alloy::sol!(VaultFactory, "../abi/VaultFactory.json");
}
pub use abi::*;

/// The suite's contracts, as `cargo ip build` names their WASM.
pub const CONTRACTS: [&str; 10] = [
    "ip-collection",
    "ip-editions",
    "license-market",
    "provenance",
    "share-vault",
    "splits",
    "split-factory",
    "vault-factory",
    "share-offering",
    "share-buyout",
];

/// The built WASM of every contract.
#[derive(Debug, Clone)]
pub struct Wasm {
    /// `(contract, wasm)` in [`CONTRACTS`] order.
    pub programs: Vec<(&'static str, Vec<u8>)>,
}

impl Wasm {
    /// Reads every contract's WASM from `dir` (normally `target/wasm`) once
    /// (other builds may rewrite it while the bench runs).
    ///
    /// # Errors
    /// When one is missing.
    pub fn load(dir: &Path) -> Result<Self> {
        let programs = CONTRACTS
            .iter()
            .map(|&c| Ok((c, read_wasm(dir, c)?)))
            .collect::<Result<_>>()?;
        Ok(Self { programs })
    }

    /// The WASM of `contract`.
    ///
    /// # Panics
    /// For a name not in [`CONTRACTS`].
    #[must_use]
    pub fn get(&self, contract: &str) -> &[u8] {
        &self
            .programs
            .iter()
            .find(|(c, _)| *c == contract)
            .unwrap_or_else(|| panic!("unknown contract {contract}"))
            .1
    }
}

/// One activated instance of every program.
struct Programs {
    collection: Address,
    market: Address,
    provenance: Address,
    vault: Address,
    splits: Address,
    /// The share offering (a singleton: the program itself).
    offering: Address,
    /// The buyout module (a singleton: the program itself).
    buyout: Address,
}

struct Sty<'a> {
    c: &'a mut Client,
    rec: &'a mut Recorder,
    side: Side,
    wasm: &'a Wasm,
}

impl Sty<'_> {
    async fn op<C: SolCall>(
        &mut self,
        id: &str,
        from: Address,
        to: Address,
        call: C,
        value: U256,
    ) -> Result<TransactionReceipt> {
        send_op(self.c, self.rec, self.side, id, from, to, &call, value).await
    }

    async fn construct<C: SolConstructor>(
        &mut self,
        contract: &str,
        ctor: &C,
    ) -> Result<(Address, u64, Vec<u8>)> {
        let args = ctor.abi_encode();
        let (a, gas) = self
            .c
            .construct(self.wasm.get(contract), &args)
            .await
            .with_context(|| format!("constructing {contract}"))?;
        let code = stylus_validate::program_code(self.wasm.get(contract));
        let mut calldata = stylus_validate::deploy_init_code(&code);
        calldata.extend_from_slice(&args);
        Ok((a, gas, calldata))
    }
}

/// Deploys, activates (and on [`Side::StylusCached`] caches) every program,
/// then runs every operation and scaling series, recording under `side`;
/// `amm` is Uniswap V2 for the investor operations ([`crate::investors`]).
/// Returns the activated instance of each program, in [`CONTRACTS`] order.
///
/// # Errors
/// When a deployment or a call fails.
pub async fn run(
    c: &mut Client,
    rec: &mut Recorder,
    side: Side,
    wasm: &Wasm,
    amm: &Artifacts,
) -> Result<Vec<Address>> {
    let mut addrs = Vec::new();
    for (name, code) in &wasm.programs {
        let a = c
            .program(code)
            .await
            .with_context(|| format!("deploying {name}"))?;
        addrs.push(a);
    }
    if side == Side::StylusCached {
        for &a in &addrs {
            c.cache(a).await?;
        }
    }
    let p = Programs {
        collection: addrs[0],
        market: addrs[2],
        provenance: addrs[3],
        vault: addrs[4],
        splits: addrs[5],
        offering: addrs[8],
        buyout: addrs[9],
    };
    let mut s = Sty { c, rec, side, wasm };
    let nft = erc721(&mut s, &p).await?;
    erc1155(&mut s).await?;
    vault(&mut s, &p, nft).await?;
    investors(&mut s, &p, nft, amm).await?;
    splits(&mut s, &p).await?;
    Ok(addrs)
}

/// The constructor every measured collection gets: 5 % default royalty to
/// `owner`.
pub(crate) fn collection_ctor(owner: Address) -> IpCollection::constructorCall {
    IpCollection::constructorCall {
        name: "IP".into(),
        symbol: "IP".into(),
        baseUri: String::new(),
        owner,
        royaltyReceiver: owner,
        royaltyBps: U96::from(500),
    }
}

/// Length of every measured lease: 30 days.
pub(crate) const LEASE_DURATION: u64 = 30 * 86_400;
/// Price per second of the measured lease offer (1 gwei).
const LEASE_PRICE_PER_SECOND: u64 = 1_000_000_000;

/// The measured lease offer's terms: ETH, one licensee, royalty cap 100 %,
/// open for a year from `now`, paying `payee`.
pub(crate) fn lease_terms(payee: Address, now: u64) -> ILicenseMarket::OfferTerms {
    ILicenseMarket::OfferTerms {
        pricePerSecond: U256::from(LEASE_PRICE_PER_SECOND),
        paymentToken: Address::ZERO,
        minDuration: 60,
        maxDuration: 90 * 86_400,
        endTime: now + 365 * 86_400,
        maxLicensees: 1,
        payee,
        termsHash: B256::repeat_byte(7),
        termsUri: String::new(),
        flags: 0,
        maxRoyaltyBps: 10_000,
    }
}

/// What a [`LEASE_DURATION`] lease of the measured offer costs.
pub(crate) fn lease_price() -> U256 {
    U256::from(LEASE_PRICE_PER_SECOND) * U256::from(LEASE_DURATION)
}

/// The measured purchase: offer 1 (its first version) for [`LEASE_DURATION`].
pub(crate) fn lease_buy() -> LicenseMarket::buyLeaseCall {
    LicenseMarket::buyLeaseCall {
        offerId: U256::from(1),
        duration: LEASE_DURATION,
        maxPrice: lease_price(),
        version: 1,
    }
}

/// The measured renewal of [`lease_buy`]'s licence, by its licensee.
pub(crate) fn lease_renew() -> LicenseMarket::renewLeaseCall {
    LicenseMarket::renewLeaseCall {
        offerId: U256::from(1),
        duration: LEASE_DURATION,
        maxPrice: lease_price(),
        version: 1,
    }
}

/// ERC-721, leases and provenance; returns the collection.
async fn erc721(s: &mut Sty<'_>, p: &Programs) -> Result<Address> {
    let a = s.c.accounts.clone();
    let (a0, a1, a2, a3) = (a[0], a[1], a[2], a[3]);
    let (nft, gas, calldata) = s.construct("ip-collection", &collection_ctor(a0)).await?;
    s.rec.op("721.deploy", s.side, gas, &calldata);

    // a new collection as a clone of the activated implementation
    let init = clone_init_code(p.collection);
    let (clone, gas) = s.c.create(init.clone()).await?;
    s.rec.op("721.clone", s.side, gas, &init);
    let c = collection_ctor(a0);
    let initialize = IpCollection::initializeCall {
        name: c.name,
        symbol: c.symbol,
        baseUri: c.baseUri,
        owner: c.owner,
        royaltyReceiver: c.royaltyReceiver,
        royaltyBps: c.royaltyBps,
    };
    s.op("721.clone", a0, clone, initialize, U256::ZERO).await?;

    let mint = |to| IpCollection::mintCall {
        to,
        uri: "ipfs://bafy/1".into(),
        royaltyReceiver: Address::ZERO,
        royaltyBps: U96::ZERO,
    };
    s.op("721.owner", a0, nft, IpCollection::ownerCall {}, U256::ZERO)
        .await?;
    s.op("721.mint.fresh", a0, nft, mint(a1), U256::ZERO)
        .await?;
    s.op("721.mint.existing", a0, nft, mint(a1), U256::ZERO)
        .await?;
    for _ in 0..3 {
        s.c.call(a0, nft, &mint(a1), U256::ZERO).await?;
    }
    let id = U256::from;
    s.op(
        "721.transfer.fresh",
        a1,
        nft,
        IpCollection::transferFromCall {
            from: a1,
            to: a2,
            tokenId: id(1),
        },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.transfer.existing",
        a1,
        nft,
        IpCollection::transferFromCall {
            from: a1,
            to: a2,
            tokenId: id(2),
        },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.safe",
        a1,
        nft,
        IpCollection::safeTransferFrom_0Call {
            from: a1,
            to: a3,
            tokenId: id(3),
        },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.approve",
        a1,
        nft,
        IpCollection::approveCall {
            to: a3,
            tokenId: id(4),
        },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.royalty",
        a0,
        nft,
        IpCollection::royaltyInfoCall {
            tokenId: id(1),
            salePrice: eth(1),
        },
        U256::ZERO,
    )
    .await?;
    let now = s.c.now().await?;
    s.op(
        "721.setuser",
        a2,
        nft,
        IpCollection::setUserCall {
            tokenId: id(1),
            user: a3,
            expires: now + 3600,
        },
        U256::ZERO,
    )
    .await?;

    // lease market: owner a2 opts the market in as lease operator and offers token 2
    let market = p.market;
    s.c.call(
        a2,
        nft,
        &IpCollection::setLeaseOperatorCall {
            operator: market,
            approved: true,
        },
        U256::ZERO,
    )
    .await?;
    let offer = LicenseMarket::createOfferCall {
        collection: nft,
        tokenId: id(2),
        amount: 0,
        terms: lease_terms(a2, now),
    };
    s.op("lease.offer", a2, market, offer, U256::ZERO).await?;
    let (buy, renew) = (lease_buy(), lease_renew());
    s.op("lease.buy", a3, market, buy, lease_price()).await?;
    s.op("lease.renew", a3, market, renew, lease_price())
        .await?;

    // provenance: a0 (minter of the collection) records token 5
    let prov = p.provenance;
    let model = ProvenanceRegistry::registerModelCall {
        weightsHash: B256::repeat_byte(1),
        version: "v1".into(),
        uri: "ipfs://model".into(),
        attester: a0,
        parentModelId: U256::ZERO,
        commitReveal: false,
        nftCollection: Address::ZERO,
        nftTokenId: U256::ZERO,
    };
    s.c.call(a0, prov, &model, U256::ZERO).await?;
    let record = ProvenanceRegistry::recordProvenanceCall {
        collection: nft,
        id: id(5),
        modelId: id(1),
        promptHash: B256::repeat_byte(2),
        seedHash: B256::repeat_byte(3),
        paramsHash: B256::repeat_byte(4),
        contentHash: B256::repeat_byte(5),
        humanHash: B256::ZERO,
        parentCollections: Vec::new(),
        parentIds: Vec::new(),
        signature: Bytes::new(),
    };
    s.op("prov.record", a0, prov, record, U256::ZERO).await?;
    Ok(nft)
}

async fn erc1155(s: &mut Sty<'_>) -> Result<()> {
    let a = s.c.accounts.clone();
    let (a0, a1, a2) = (a[0], a[1], a[2]);
    let ctor = IpEditions::constructorCall {
        baseUri: "ipfs://{id}".into(),
        owner: a0,
        royaltyReceiver: a0,
        royaltyBps: U96::from(500),
    };
    let (mt, gas, calldata) = s.construct("ip-editions", &ctor).await?;
    s.rec.op("1155.deploy", s.side, gas, &calldata);
    for _ in 0..3 {
        let create = IpEditions::createIdCall {
            maxSupply: U256::ZERO,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            royaltyBps: U96::ZERO,
        };
        s.c.call(a0, mt, &create, U256::ZERO).await?;
    }
    erc1155_ops(s.c, s.rec, s.side, "ip-editions", mt, [a0, a1, a2]).await
}

/// Sends `call` from `from` to `to` with `value` and records its gas and
/// calldata as operation `id` on `side` (the one measured send of both
/// scenarios).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn send_op<C: SolCall>(
    c: &mut Client,
    rec: &mut Recorder,
    side: Side,
    id: &str,
    from: Address,
    to: Address,
    call: &C,
    value: U256,
) -> Result<TransactionReceipt> {
    let data = call.abi_encode();
    let who = if side == Side::Solidity {
        "Solidity"
    } else {
        "Stylus"
    };
    let r = c
        .send(from, Some(to), data.clone(), value)
        .await
        .with_context(|| format!("{who} {id}"))?;
    rec.op(id, side, r.gas_used, &data);
    Ok(r)
}

/// The measured ERC-1155 operations of either side once its editions
/// contract `mt` has ids 1 to 3 and `a0` may mint (the baseline twin keeps
/// ip-editions' signatures for these calls, so one set of bindings serves
/// both): a mint, a transfer and a batch transfer by `a1` to `a2`, an
/// ERC-5006 record of `a1`'s units for `a2`, then [`check_records`] (its
/// messages name the side `label`).
pub(crate) async fn erc1155_ops(
    c: &mut Client,
    rec: &mut Recorder,
    side: Side,
    label: &str,
    mt: Address,
    [a0, a1, a2]: [Address; 3],
) -> Result<()> {
    let mint = |id: u64| IpEditions::mintCall {
        to: a1,
        id: U256::from(id),
        amount: U256::from(100),
        data: Bytes::new(),
    };
    // steady state: the first mint (which on the baseline creates the
    // all-ids supply counter) is not measured; the second is, a fresh
    // balance as well
    c.call(a0, mt, &mint(1), U256::ZERO).await?;
    send_op(c, rec, side, "1155.mint", a0, mt, &mint(2), U256::ZERO).await?;
    c.call(a0, mt, &mint(3), U256::ZERO).await?;
    let xfer = IpEditions::safeTransferFromCall {
        from: a1,
        to: a2,
        id: U256::from(1),
        value: U256::from(10),
        data: Bytes::new(),
    };
    send_op(c, rec, side, "1155.transfer", a1, mt, &xfer, U256::ZERO).await?;
    let batch = IpEditions::safeBatchTransferFromCall {
        from: a1,
        to: a2,
        ids: vec![U256::from(1), U256::from(2), U256::from(3)],
        values: vec![U256::from(1); 3],
        data: Bytes::new(),
    };
    send_op(c, rec, side, "1155.batch", a1, mt, &batch, U256::ZERO).await?;
    let ts = c.now().await?;
    let record = |id: u64| IpEditions::createUserRecordCall {
        owner: a1,
        user: a2,
        tokenId: U256::from(id),
        amount: 5,
        expiry: ts + 3600,
    };
    // steady state: a first record (another id, so the measured one still
    // starts the owner's and the user's lists) sets the record counter
    // unmeasured
    c.call(a1, mt, &record(2), U256::ZERO).await?;
    send_op(c, rec, side, "1155.record", a1, mt, &record(1), U256::ZERO).await?;
    check_records(c, label, mt, a1, a2).await
}

/// After the measured ERC-5006 record (5 units of id 1 for `user`, an
/// earlier one on id 2) on the editions contract `mt` of either side (the
/// baseline twin keeps ip-editions' signatures and errors, so one set of
/// bindings serves both): the user's usable and the owner's frozen balances
/// are 5, frozen units cannot move, and deleting the first record clears
/// both lists of id 2.
pub(crate) async fn check_records(
    c: &mut Client,
    side: &str,
    mt: Address,
    a1: Address,
    a2: Address,
) -> Result<()> {
    let (usable, frozen) = record_balances(c, mt, a1, a2, U256::from(1)).await?;
    ensure!(
        usable == U256::from(5) && frozen == U256::from(5),
        "{side} ERC-5006: usable {usable}, frozen {frozen}, 5 each expected"
    );
    // frozen units cannot move: 100 minted, 11 sent, 5 frozen
    let over = IpEditions::safeTransferFromCall {
        from: a1,
        to: a2,
        id: U256::from(1),
        value: U256::from(85),
        data: Bytes::new(),
    };
    let refused = c.call(a1, mt, &over, U256::ZERO).await;
    let selector = alloy::hex::encode(IpEditions::EditionsInsufficientUnfrozenBalance::SELECTOR);
    ensure!(
        refused.as_ref().is_err_and(|e| format!("{e:#}").contains(&selector)),
        "{side}: a transfer of frozen units was not refused as EditionsInsufficientUnfrozenBalance: {refused:?}"
    );
    // and the deletion path: the first record leaves both lists
    let first = U256::from(1);
    c.call(
        a1,
        mt,
        &IpEditions::deleteUserRecordCall { recordId: first },
        U256::ZERO,
    )
    .await?;
    let (usable, frozen) = record_balances(c, mt, a1, a2, U256::from(2)).await?;
    ensure!(
        usable.is_zero() && frozen.is_zero(),
        "{side} ERC-5006 after deleteUserRecord: usable {usable}, frozen {frozen}, 0 expected"
    );
    Ok(())
}

/// `user`'s usable and `owner`'s frozen units of `id` on the editions
/// contract `mt` (ERC-5006 `usableBalanceOf`, `frozenBalanceOf`).
async fn record_balances(
    c: &Client,
    mt: Address,
    owner: Address,
    user: Address,
    id: U256,
) -> Result<(U256, U256)> {
    let usable = c
        .view(
            mt,
            &IpEditions::usableBalanceOfCall {
                account: user,
                tokenId: id,
            },
        )
        .await?;
    let frozen = c
        .view(
            mt,
            &IpEditions::frozenBalanceOfCall {
                account: owner,
                tokenId: id,
            },
        )
        .await?;
    Ok((usable, frozen))
}

/// Mints a fresh token of `nft` to account 0 and fractionalises it into a
/// one-holder vault; returns the vault and the `fractionalize` receipt.
async fn new_vault(
    s: &mut Sty<'_>,
    factory: Address,
    nft: Address,
    salt: u8,
) -> Result<(Address, TransactionReceipt, Vec<u8>)> {
    let a0 = s.c.accounts[0];
    let mint = IpCollection::mintCall {
        to: a0,
        uri: String::new(),
        royaltyReceiver: Address::ZERO,
        royaltyBps: U96::ZERO,
    };
    let r = s.c.call(a0, nft, &mint, U256::ZERO).await?;
    let id = indexed_token(&r).context("no Transfer event")?;
    s.c.call(
        a0,
        nft,
        &IpCollection::approveCall {
            to: factory,
            tokenId: id,
        },
        U256::ZERO,
    )
    .await?;
    let call = VaultFactory::fractionalizeCall {
        asset: nft,
        id,
        units: U256::ZERO,
        name: "Shares".into(),
        symbol: "SHR".into(),
        holders: vec![a0],
        amounts: vec![share_supply()],
        curator: Address::ZERO,
        revenueTokens: Vec::new(),
        maxLeaseDuration: 30 * 86_400,
        salt: B256::with_last_byte(salt),
    };
    let data = call.abi_encode();
    let r =
        s.c.send(a0, Some(factory), data.clone(), U256::ZERO)
            .await
            .context("fractionalize")?;
    let vault = indexed_address(&r, VaultFactory::VaultCreated::SIGNATURE_HASH)
        .context("no VaultCreated")?;
    Ok((vault, r, data))
}

/// The token id of an ERC-721 `Transfer` (topic 3).
pub(crate) fn indexed_token(r: &TransactionReceipt) -> Option<U256> {
    r.logs().iter().find_map(|l| {
        let t = l.topics();
        (t.first() == Some(&IpCollection::Transfer::SIGNATURE_HASH) && t.len() == 4)
            .then(|| U256::from_be_bytes(t[3].0))
    })
}

async fn vault(s: &mut Sty<'_>, p: &Programs, nft: Address) -> Result<()> {
    let a = s.c.accounts.clone();
    let (a0, a1) = (a[0], a[1]);
    let ctor = VaultFactory::constructorCall {
        implementation: p.vault,
        market: p.market,
        buyout: Address::ZERO,
        offering: Address::ZERO,
        ammRouter: Address::ZERO,
        ammFactory: Address::ZERO,
    };
    let (factory, _, _) = s.construct("vault-factory", &ctor).await?;
    let (vault, r, data) = new_vault(s, factory, nft, 0).await?;
    s.rec.op("vault.create", s.side, r.gas_used, &data);
    let supply = share_supply();
    s.op(
        "vault.transfer",
        a0,
        vault,
        ShareVault::transferCall {
            to: a1,
            value: supply / U256::from(10),
        },
        U256::ZERO,
    )
    .await?;
    let r = s.c.send(a0, Some(vault), Vec::new(), eth(1)).await?;
    s.rec.op("vault.deposit", s.side, r.gas_used, &[]);
    s.op(
        "vault.claim",
        a1,
        vault,
        ShareVault::claimCall {
            tokens: vec![Address::ZERO],
        },
        U256::ZERO,
    )
    .await?;
    for (k, &n) in HOLDERS.iter().enumerate() {
        let (v, _, _) = new_vault(s, factory, nft, 1 + k as u8).await?;
        for i in 1..n {
            let t = ShareVault::transferCall {
                to: fresh(i as u64),
                value: U256::from(1000),
            };
            s.c.call(a0, v, &t, U256::ZERO).await?;
        }
        s.c.send(a0, Some(v), Vec::new(), eth(1)).await?;
        let t = ShareVault::transferCall {
            to: fresh(5_000_000 + n as u64),
            value: U256::from(1000),
        };
        let r = s.c.call(a0, v, &t, U256::ZERO).await?;
        s.rec.scale("share transfer", n, s.side, r.gas_used);
        s.c.send(a0, Some(v), Vec::new(), eth(1)).await?;
        let r =
            s.c.call(
                a0,
                v,
                &ShareVault::claimCall {
                    tokens: vec![Address::ZERO],
                },
                U256::ZERO,
            )
            .await?;
        s.rec.scale("claim", n, s.side, r.gas_used);
    }
    Ok(())
}

/// The investor operations ([`crate::investors`]) on two vaults of a
/// factory with every feature on: the buyout module, the share offering and
/// a freshly deployed Uniswap V2's factory.
async fn investors(s: &mut Sty<'_>, p: &Programs, nft: Address, amm: &Artifacts) -> Result<()> {
    let uni = investors::deploy_uniswap(s.c, amm).await?;
    let ctor = VaultFactory::constructorCall {
        implementation: p.vault,
        market: p.market,
        buyout: p.buyout,
        offering: p.offering,
        ammRouter: uni.router,
        ammFactory: uni.factory,
    };
    let (factory, _, _) = s.construct("vault-factory", &ctor).await?;
    let (vault, _, _) = new_vault(s, factory, nft, 100).await?;
    let (buyout_vault, _, _) = new_vault(s, factory, nft, 101).await?;
    let world = investors::World {
        amm: uni,
        vault,
        buyout_vault,
        offering: p.offering,
        buyout: p.buyout,
    };
    investors::run(s.c, s.rec, s.side, &world).await
}

async fn splits(s: &mut Sty<'_>, p: &Programs) -> Result<()> {
    let ctor = SplitFactory::constructorCall {
        implementation: p.splits,
    };
    let (factory, _, _) = s.construct("split-factory", &ctor).await?;
    split_rows(s.c, s.rec, s.side, factory).await
}

/// The splits rows of one side, through `factory` (the suite's split
/// factory, or its Solidity twin `bench/sol/SplitTwin.sol`, which has the
/// same signatures): per recipient count, `createSplit` (controller zero,
/// dust to the first recipient), 1 ETH sent to the fresh split, then the
/// split's first ETH withdrawal, for a middle recipient that has no account
/// yet. The same transactions on both sides.
///
/// # Errors
/// When a transaction fails or the factory emits no `SplitCreated`.
pub async fn split_rows(
    c: &mut Client,
    rec: &mut Recorder,
    side: Side,
    factory: Address,
) -> Result<()> {
    let a0 = c.accounts[0];
    for (k, &n) in RECIPIENTS.iter().enumerate() {
        let (recipients, allocations) = split_members(n);
        let create = SplitFactory::createSplitCall {
            recipients: recipients.clone(),
            allocations,
            controller: Address::ZERO,
            dustRecipient: recipients[0],
            salt: B256::with_last_byte(k as u8),
        };
        let data = create.abi_encode();
        let r = c
            .send(a0, Some(factory), data.clone(), U256::ZERO)
            .await
            .context("createSplit")?;
        let split = indexed_address(&r, SplitFactory::SplitCreated::SIGNATURE_HASH)
            .context("no SplitCreated")?;
        rec.scale("split creation", n, side, r.gas_used);
        if n == 2 {
            rec.op("split.create", side, r.gas_used, &data);
        }
        let dep = c.send(a0, Some(split), Vec::new(), eth(1)).await?;
        if n == 2 {
            rec.op("split.deposit", side, dep.gas_used, &[]);
        }
        let w = Split::withdrawCall {
            recipient: recipients[n / 2],
            tokens: vec![Address::ZERO],
        };
        let data = w.abi_encode();
        let r = c
            .send(a0, Some(split), data.clone(), U256::ZERO)
            .await
            .context("withdraw")?;
        rec.scale("split withdraw", n, side, r.gas_used);
        if n == 2 {
            rec.op("split.withdraw", side, r.gas_used, &data);
        }
        // Both sides must have done the same thing: the stored set reads
        // back, and the payee got exactly its share of the 1 ETH.
        let view = c.view(split, &Split::getSplitCall {}).await?;
        ensure!(
            view.recipients == recipients && view.dustRecipient == recipients[0],
            "{side:?} split {split}: stored set differs from the one created"
        );
        let paid = c
            .view(
                split,
                &Split::totalWithdrawnCall {
                    token: Address::ZERO,
                },
            )
            .await?;
        let due = eth(1) * U256::from(view.allocations[n / 2]) / U256::from(1_000_000u32);
        ensure!(
            paid == due,
            "{side:?} split {split}: paid {paid} wei, the share is {due}"
        );
    }
    Ok(())
}
