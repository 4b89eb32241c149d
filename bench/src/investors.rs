//! The investor features, run the same way on both sides: a purchase from a
//! share offering, swaps through Uniswap V2's Router02 on a registered
//! (non-accruing) pool of the share token, EIP-2612 permit and
//! `transferFrom`, and a buyout (proposal, settlement with the asset's
//! release, one cash-out).
//!
//! Each side provides a [`World`]: its share token (the suite's share vault,
//! or a clone of `bench/sol/ShareVaultTwin.sol`), its offering and buyout contracts
//! (the suite's singletons, or the twins in `bench/sol/`) and one Uniswap V2
//! deployment from npm's artefacts ([`deploy_uniswap`], identical on both
//! sides). The contracts share their function signatures, so one set of
//! bindings (generated from `abi/*.json`) drives both and the calldata has
//! the same shape. Every measured transaction repeats an unmeasured one of
//! the same kind first where the first would set up state (steady state):
//! the offering has sold before, the pair has swapped before in the same
//! direction, the owner has permitted before; revenue has arrived and been
//! accounted before any of it, so transfers move revenue corrections.

use alloy::primitives::{Address, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionReceipt;
use alloy::sol_types::SolCall;
use anyhow::{ensure, Context, Result};
use stylus_ip_deploy::permit;
use stylus_ip_deploy::uniswap::{bindings as uni, Artifacts, UniswapV2, NO_DEADLINE};

use crate::baseline::{eth, share_supply};
use crate::chain::Client;
use crate::report::{Recorder, Side};
use crate::stylus::{ShareBuyout, ShareOffering, ShareVault};

/// Price of one whole share (10^18 base units) in the offering and when
/// the pool is seeded, in wei: a vault's 10^6 whole shares are worth 1 ETH.
pub const SHARE_PRICE: u64 = 1_000_000_000_000;

/// One day in seconds.
const DAY: u64 = 86_400;

/// What the investor operations of one side run against.
#[derive(Debug, Clone, Copy)]
pub struct World {
    /// Uniswap V2 ([`deploy_uniswap`]).
    pub amm: UniswapV2,
    /// A share token of [`share_supply`] shares, all held by account 0,
    /// whose configured AMM factory is `amm.factory` and for which
    /// `offering` and `buyout` are non-accruing: offering, pool, permits.
    pub vault: Address,
    /// A second one, holding its asset (an ERC-721 token): the buyout.
    pub buyout_vault: Address,
    /// The share offering (`createOffering`, `buy`).
    pub offering: Address,
    /// The buyout module (`propose`, `sellShares`, `end`, `cash`), each
    /// vault's `buyout()`.
    pub buyout: Address,
}

/// Deploys WETH9, the factory (fee setter: account 0, no protocol fee) and
/// Router02 from npm's artefacts, from account 0.
///
/// # Errors
/// When a creation fails.
pub async fn deploy_uniswap(c: &mut Client, artifacts: &Artifacts) -> Result<UniswapV2> {
    let a0 = c.accounts[0];
    let (weth, _) = c
        .create(artifacts.weth.clone())
        .await
        .context("deploying WETH9")?;
    let (factory, _) = c
        .create(artifacts.factory_code(a0))
        .await
        .context("deploying UniswapV2Factory")?;
    let (router, _) = c
        .create(artifacts.router_code(factory, weth))
        .await
        .context("deploying UniswapV2Router02")?;
    Ok(UniswapV2 {
        factory,
        router,
        weth,
    })
}

/// Sends `call` and records its gas under every id of `ids` (none: a
/// set-up or warm-up transaction).
#[allow(clippy::too_many_arguments)]
async fn op<C: SolCall>(
    c: &mut Client,
    rec: &mut Recorder,
    side: Side,
    ids: &[&str],
    from: Address,
    to: Address,
    call: &C,
    value: U256,
) -> Result<TransactionReceipt> {
    let data = call.abi_encode();
    let r = c
        .send(from, Some(to), data.clone(), value)
        .await
        .with_context(|| format!("{side:?}: {}", C::SIGNATURE))?;
    for id in ids {
        rec.op(id, side, r.gas_used, &data);
    }
    Ok(r)
}

/// `n` % of a vault's supply.
fn pct(n: u64) -> U256 {
    share_supply() * U256::from(n) / U256::from(100)
}

/// What `shares` base units cost at [`SHARE_PRICE`].
fn value_of(shares: U256) -> U256 {
    shares * U256::from(SHARE_PRICE) / eth(1)
}

/// Runs the investor operations on `w`, recording under `side`. Uses dev
/// accounts 0–4 (4 never held shares before its purchase).
///
/// # Errors
/// When a transaction fails or an outcome is not the expected one.
pub async fn run(c: &mut Client, rec: &mut Recorder, side: Side, w: &World) -> Result<()> {
    let a = c.accounts.clone();
    let (a0, a1, a2, a3, a4) = (a[0], a[1], a[2], a[3], a[4]);
    let zero = U256::ZERO;
    let v = w.vault;

    for (vault, account) in [(v, w.offering), (w.buyout_vault, w.buyout)] {
        let accrues = c.view(vault, &ShareVault::accruesCall { account }).await?;
        ensure!(!accrues, "{account} accrues revenue from {vault}");
    }

    // Holders 1–3 get 10 % each; revenue arrives and a transfer accounts it.
    for to in [a1, a2, a3] {
        let t = ShareVault::transferCall { to, value: pct(10) };
        c.call(a0, v, &t, zero).await?;
    }
    c.send(a0, Some(v), Vec::new(), eth(1)).await?;
    let t = ShareVault::transferCall {
        to: a1,
        value: pct(1),
    };
    c.call(a0, v, &t, zero).await?;

    // Offering: 10 % escrowed at SHARE_PRICE for ETH; holder 1 buys first,
    // then a new investor (account 4) buys 1 %.
    let approve = ShareVault::approveCall {
        spender: w.offering,
        value: pct(10),
    };
    c.call(a0, v, &approve, zero).await?;
    let create = ShareOffering::createOfferingCall {
        vault: v,
        shares: pct(10),
        price: U256::from(SHARE_PRICE),
        paymentToken: Address::ZERO,
        perBuyerCap: U256::ZERO,
        deadline: c.now().await? + 7 * DAY,
        minRaise: U256::ZERO,
        payee: a0,
    };
    c.call(a0, w.offering, &create, zero).await?;
    let id = c
        .view(w.offering, &ShareOffering::offeringCountCall {})
        .await?;
    let buy = ShareOffering::buyCall { id, shares: pct(1) };
    op(c, rec, side, &[], a1, w.offering, &buy, value_of(pct(1))).await?;
    op(
        c,
        rec,
        side,
        &["offer.buy"],
        a4,
        w.offering,
        &buy,
        value_of(pct(1)),
    )
    .await?;
    let got = c
        .view(v, &ShareVault::balanceOfCall { account: a4 })
        .await?;
    ensure!(got == pct(1), "the investor received {got} shares");

    // Pool: the pair created, registered by a holder (non-accruing), seeded
    // with 20 % + ETH at SHARE_PRICE; holder 1 approves the router without
    // limit and swaps 1 % each way twice (one second apart, so the pair's
    // price accumulators move on every swap).
    let (router, weth) = (w.amm.router, w.amm.weth);
    let create_pair = uni::IUniswapV2Factory::createPairCall {
        tokenA: v,
        tokenB: weth,
    };
    c.call(a0, w.amm.factory, &create_pair, zero).await?;
    let pair = w.amm.pair_for(v, weth);
    c.call(a3, v, &ShareVault::registerPoolCall { pair }, zero)
        .await?;
    let accrues = c
        .view(v, &ShareVault::accruesCall { account: pair })
        .await?;
    ensure!(!accrues, "the registered pair still accrues");
    for holder in [a0, a1] {
        let approve = ShareVault::approveCall {
            spender: router,
            value: U256::MAX,
        };
        c.call(holder, v, &approve, zero).await?;
    }
    let seed = uni::IUniswapV2Router02::addLiquidityETHCall {
        token: v,
        amountTokenDesired: pct(20),
        amountTokenMin: pct(20),
        amountETHMin: value_of(pct(20)),
        to: a0,
        deadline: NO_DEADLINE,
    };
    c.call(a0, router, &seed, value_of(pct(20))).await?;
    for round in 0..2 {
        c.increase_time(1).await?;
        let path = vec![v, weth];
        let quote = uni::IUniswapV2Router02::getAmountsOutCall {
            amountIn: pct(1),
            path: path.clone(),
        };
        let out = c.view(router, &quote).await?;
        let sell = uni::IUniswapV2Router02::swapExactTokensForETHCall {
            amountIn: pct(1),
            amountOutMin: out[1],
            path,
            to: a1,
            deadline: NO_DEADLINE,
        };
        let ids: &[&str] = if round == 1 { &["amm.sell"] } else { &[] };
        op(c, rec, side, ids, a1, router, &sell, zero).await?;
    }
    for round in 0..2 {
        c.increase_time(1).await?;
        let path = vec![weth, v];
        let quote = uni::IUniswapV2Router02::getAmountsOutCall {
            amountIn: value_of(pct(1)),
            path: path.clone(),
        };
        let out = c.view(router, &quote).await?;
        let buy = uni::IUniswapV2Router02::swapExactETHForTokensCall {
            amountOutMin: out[1],
            path,
            to: a1,
            deadline: NO_DEADLINE,
        };
        let ids: &[&str] = if round == 1 { &["amm.buy"] } else { &[] };
        op(c, rec, side, ids, a1, router, &buy, value_of(pct(1))).await?;
    }
    let pooled = c
        .view(v, &ShareVault::balanceOfCall { account: pair })
        .await?;
    ensure!(pooled >= pct(19), "the pool holds {pooled} shares");

    // Permit: holder 2 signs a permit for holder 3 to move 1 %, which holder
    // 3 sends with the transferFrom to holder 1; twice (nonce 0, then 1).
    let chain_id = c.provider.get_chain_id().await?;
    let name = c.view(v, &ShareVault::nameCall {}).await?;
    let domain = permit::domain(&name, chain_id, v);
    for round in 0..2 {
        let nonce = c.view(v, &ShareVault::noncesCall { owner: a2 }).await?;
        let deadline = U256::from(c.now().await? + 3_600);
        let terms = permit::Permit {
            owner: a2,
            spender: a3,
            value: pct(1),
            nonce,
            deadline,
        };
        let sig = permit::sign(&c.signers[2], &domain, &terms)?;
        let call = ShareVault::permitCall {
            owner: a2,
            spender: a3,
            value: pct(1),
            deadline,
            v: sig.v,
            r: sig.r,
            s: sig.s,
        };
        let ids: &[&str] = if round == 1 {
            &["vault.permit", "vault.permit_transfer"]
        } else {
            &[]
        };
        op(c, rec, side, ids, a3, v, &call, zero).await?;
        let pull = ShareVault::transferFromCall {
            from: a2,
            to: a1,
            value: pct(1),
        };
        let ids: &[&str] = if round == 1 {
            &["vault.permit_transfer"]
        } else {
            &[]
        };
        op(c, rec, side, ids, a3, v, &pull, zero).await?;
    }

    // Buyout of the second vault: holders 1 and 2 get 20 % each, revenue
    // arrives and is accounted; account 0 proposes with 40 % and 1 ETH,
    // holder 1 sells 15 % into the pool (55 %), the proposer ends it after
    // the 4 days (success: the asset goes to it) and holder 2 cashes out.
    let bv = w.buyout_vault;
    let t = ShareVault::transferCall {
        to: a1,
        value: pct(20),
    };
    c.call(a0, bv, &t, zero).await?;
    c.send(a0, Some(bv), Vec::new(), eth(1)).await?;
    let t = ShareVault::transferCall {
        to: a2,
        value: pct(20),
    };
    c.call(a0, bv, &t, zero).await?;
    for (holder, shares) in [(a0, pct(40)), (a1, pct(15)), (a2, pct(20))] {
        let approve = ShareVault::approveCall {
            spender: w.buyout,
            value: shares,
        };
        c.call(holder, bv, &approve, zero).await?;
    }
    let propose = ShareBuyout::proposeCall {
        vault: bv,
        shares: pct(40),
    };
    op(
        c,
        rec,
        side,
        &["buyout.propose"],
        a0,
        w.buyout,
        &propose,
        eth(1),
    )
    .await?;
    let sell = ShareBuyout::sellSharesCall {
        vault: bv,
        amount: pct(15),
    };
    c.call(a1, w.buyout, &sell, zero).await?;
    c.increase_time(4 * DAY + 1).await?;
    let end = ShareBuyout::endCall { vault: bv };
    op(c, rec, side, &["buyout.end"], a0, w.buyout, &end, zero).await?;
    let status = c.view(bv, &ShareVault::statusCall {}).await?;
    ensure!(status == 4, "vault status {status} after the buyout, not 4");
    let cash = ShareBuyout::cashCall {
        vault: bv,
        amount: pct(20),
    };
    op(c, rec, side, &["buyout.cash"], a2, w.buyout, &cash, zero).await?;
    Ok(())
}
