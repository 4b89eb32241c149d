//! Uniswap V2 from npm on the in-process devnode: the artefacts' checks and
//! our bindings against their ABIs; liquidity, swaps both ways through
//! Router02 with the constant-product amounts computed here, donations
//! absorbed by `skim`/`sync`, liquidity removed; and flash swaps into a
//! callback contract (`FlashBuyoutAttacker` against a fixed-price buyout
//! stub), repaid in the other token with the least input the pair accepts.

use alloy::json_abi::JsonAbi;
use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::{SolCall, SolError, SolValue};
use stylus_ip_deploy::uniswap::bindings::{
    IUniswapV2Factory, IUniswapV2Pair, IUniswapV2Router02, IWETH9,
};
use stylus_ip_deploy::uniswap::{
    get_amount_in, get_amount_out, pair_address, Artifacts, UniswapV2, MAX_CODE_SIZE,
    MINIMUM_LIQUIDITY, NO_DEADLINE,
};
use stylus_ip_tests::sol::{bytecode, test_token_code, TestToken};
use stylus_ip_tests::uniswap::{self, artifacts, FixedPriceBuyoutStub, FlashBuyoutAttacker};
use stylus_ip_tests::{Harness, ETH};

fn eth(n: u128) -> U256 {
    U256::from(n * ETH)
}

/// The selectors of a contract's functions in its npm artefact's ABI.
fn artefact_selectors(package: &str, contract: &str) -> Vec<[u8; 4]> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/npm/node_modules/@uniswap")
        .join(package)
        .join("build")
        .join(format!("{contract}.json"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("artefact")).expect("json");
    let abi: JsonAbi = serde_json::from_value(json["abi"].clone()).expect("abi");
    abi.functions().map(|f| f.selector().0).collect()
}

/// Every function of our bindings (their signatures) exists, with the same
/// types, in the contract's published ABI.
fn assert_bound(signatures: &[&str], package: &str, contract: &str) {
    let published = artefact_selectors(package, contract);
    for signature in signatures {
        let selector: [u8; 4] = keccak256(signature)[..4].try_into().expect("4 bytes");
        assert!(
            published.contains(&selector),
            "{contract}: our binding {signature} is not in the published ABI"
        );
    }
}

#[test]
fn artefacts_pass_their_checks_and_match_our_bindings() {
    let a = artifacts();
    for (name, size) in &a.runtime_sizes {
        assert!(*size <= MAX_CODE_SIZE, "{name}: {size} bytes");
        eprintln!("{name}: runtime {size} bytes (limit {MAX_CODE_SIZE})");
    }
    assert_bound(
        IUniswapV2Factory::IUniswapV2FactoryCalls::SIGNATURES,
        "v2-core",
        "UniswapV2Factory",
    );
    assert_bound(
        IUniswapV2Pair::IUniswapV2PairCalls::SIGNATURES,
        "v2-core",
        "UniswapV2Pair",
    );
    assert_bound(
        IUniswapV2Router02::IUniswapV2Router02Calls::SIGNATURES,
        "v2-periphery",
        "UniswapV2Router02",
    );
    assert_bound(IWETH9::IWETH9Calls::SIGNATURES, "v2-periphery", "WETH9");

    // A pair whose code is not the one the router hashes is refused.
    let mut other_pair = a.clone();
    *other_pair.pair.last_mut().unwrap() ^= 1;
    let err = other_pair.check().unwrap_err().to_string();
    assert!(err.contains("init-code hash"), "{err}");
    // So is a router without the hash.
    let mut other_router = a.clone();
    let hash = stylus_ip_deploy::uniswap::PAIR_INIT_CODE_HASH;
    let at = other_router
        .router
        .windows(32)
        .position(|w| w == hash.as_slice())
        .expect("the router holds the hash");
    other_router.router[at] ^= 1;
    let err = other_router.check().unwrap_err().to_string();
    assert!(err.contains("does not hard-code"), "{err}");
    // And a runtime over EIP-170.
    let mut too_big: Artifacts = a.clone();
    too_big.runtime_sizes[2].1 = MAX_CODE_SIZE + 1;
    let err = too_big.check().unwrap_err().to_string();
    assert!(err.contains("EIP-170"), "{err}");
}

/// A chain with Uniswap V2 and a share-like 18-decimal token minted to the
/// actors.
struct Market {
    h: Harness,
    uni: UniswapV2,
    token: Address,
}

impl Market {
    fn new() -> Self {
        let mut h = Harness::new(3);
        let uni = uniswap::deploy(&mut h);
        let token = create(&mut h, test_token_code("SHR", 18));
        let mut m = Self { h, uni, token };
        for a in m.h.actors.clone() {
            m.ok(
                a,
                token,
                &TestToken::mintCall {
                    to: a,
                    value: eth(100_000),
                },
                U256::ZERO,
            );
        }
        m
    }

    fn ok<C: SolCall>(&mut self, from: Address, to: Address, call: &C, value: U256) -> C::Return {
        self.h
            .send(from, to, call, value)
            .unwrap_or_else(|r| panic!("{} reverted: {r:?}", C::SIGNATURE))
            .0
    }

    fn balance_of(&mut self, token: Address, who: Address) -> U256 {
        self.h
            .view(token, &TestToken::balanceOfCall { account: who })
    }

    /// The pair's reserves in the order (`a`, `b`).
    fn reserves(&mut self, pair: Address, a: Address) -> (U256, U256) {
        let r = self.h.view(pair, &IUniswapV2Pair::getReservesCall {});
        let (r0, r1) = (U256::from(r.reserve0), U256::from(r.reserve1));
        let token0 = self.h.view(pair, &IUniswapV2Pair::token0Call {});
        if token0 == a {
            (r0, r1)
        } else {
            (r1, r0)
        }
    }

    /// Asserts that the pair's reserves are its token balances.
    fn assert_synced(&mut self, pair: Address, a: Address, b: Address) {
        let reserves = self.reserves(pair, a);
        let balances = (self.balance_of(a, pair), self.balance_of(b, pair));
        assert_eq!(reserves, balances, "reserves vs balances of {pair}");
    }
}

/// The `Error(string)` reason of `call`, which must revert.
fn revert_reason<C: SolCall>(h: &mut Harness, from: Address, to: Address, call: &C) -> String {
    match h.send(from, to, call, U256::ZERO) {
        Ok(_) => panic!("{} did not revert", C::SIGNATURE),
        Err(revert) => {
            alloy_sol_types::Revert::abi_decode(&revert.data)
                .unwrap_or_else(|e| panic!("{revert:?} is not Error(string): {e}"))
                .reason
        }
    }
}

fn create(h: &mut Harness, code: Vec<u8>) -> Address {
    let admin = h.admin;
    uniswap::create(&mut h.node, admin, code).expect("creation")
}

fn isqrt(x: U256) -> U256 {
    x.root(2)
}

#[test]
fn liquidity_swaps_and_removal_through_the_router() {
    let mut m = Market::new();
    let (uni, token) = (m.uni, m.token);
    let (lp, trader, donor) = (m.h.actors[0], m.h.actors[1], m.h.actors[2]);

    // The router is wired to this factory and WETH, and its runtime (with
    // its two immutables filled in) is the artefact's size, under EIP-170.
    assert_eq!(
        m.h.view(uni.router, &IUniswapV2Router02::factoryCall {}),
        uni.factory
    );
    assert_eq!(
        m.h.view(uni.router, &IUniswapV2Router02::WETHCall {}),
        uni.weth
    );
    let router_size = m.h.node.code(uni.router).len();
    assert_eq!(router_size, artifacts().runtime_sizes[2].1);
    assert!(router_size <= MAX_CODE_SIZE);

    // addLiquidityETH creates the pair at the address the init-code hash gives.
    m.ok(
        lp,
        token,
        &TestToken::approveCall {
            spender: uni.router,
            value: U256::MAX,
        },
        U256::ZERO,
    );
    let added = m.ok(
        lp,
        uni.router,
        &IUniswapV2Router02::addLiquidityETHCall {
            token,
            amountTokenDesired: eth(10_000),
            amountTokenMin: U256::ZERO,
            amountETHMin: U256::ZERO,
            to: lp,
            deadline: NO_DEADLINE,
        },
        eth(10),
    );
    assert_eq!((added.amountToken, added.amountETH), (eth(10_000), eth(10)));
    let first_liquidity = isqrt(eth(10_000) * eth(10)) - U256::from(MINIMUM_LIQUIDITY);
    assert_eq!(added.liquidity, first_liquidity);
    let pair = m.h.view(
        uni.factory,
        &IUniswapV2Factory::getPairCall {
            tokenA: token,
            tokenB: uni.weth,
        },
    );
    assert_eq!(pair, uni.pair_for(token, uni.weth));
    assert_eq!(pair, pair_address(uni.factory, uni.weth, token));
    assert_eq!(
        m.h.view(uni.factory, &IUniswapV2Factory::allPairsLengthCall {}),
        U256::from(1)
    );
    assert_eq!(
        m.h.view(pair, &IUniswapV2Pair::balanceOfCall { owner: lp }),
        first_liquidity
    );
    assert_eq!(m.reserves(pair, token), (eth(10_000), eth(10)));
    m.assert_synced(pair, token, uni.weth);

    // ETH → tokens: exactly getAmountOut of the reserves.
    let (r_token, r_weth) = m.reserves(pair, token);
    let want = get_amount_out(eth(1), r_weth, r_token);
    let path = vec![uni.weth, token];
    let quoted = m.h.view(
        uni.router,
        &IUniswapV2Router02::getAmountsOutCall {
            amountIn: eth(1),
            path: path.clone(),
        },
    );
    assert_eq!(quoted, vec![eth(1), want]);
    let eth_before = m.h.node.balance(trader);
    let tokens_before = m.balance_of(token, trader);
    let amounts = m.ok(
        trader,
        uni.router,
        &IUniswapV2Router02::swapExactETHForTokensCall {
            amountOutMin: want,
            path,
            to: trader,
            deadline: NO_DEADLINE,
        },
        eth(1),
    );
    assert_eq!(amounts, vec![eth(1), want]);
    assert_eq!(m.balance_of(token, trader) - tokens_before, want);
    // The devnode's base fee is zero: the balance moves by the value only.
    assert_eq!(eth_before - m.h.node.balance(trader), eth(1));
    assert_eq!(m.reserves(pair, token), (r_token - want, r_weth + eth(1)));
    m.assert_synced(pair, token, uni.weth);

    // Tokens → ETH: exactly getAmountOut again, paid out in ETH.
    let (r_token, r_weth) = m.reserves(pair, token);
    let sold = want / U256::from(2);
    let want_eth = get_amount_out(sold, r_token, r_weth);
    m.ok(
        trader,
        token,
        &TestToken::approveCall {
            spender: uni.router,
            value: sold,
        },
        U256::ZERO,
    );
    let eth_before = m.h.node.balance(trader);
    let amounts = m.ok(
        trader,
        uni.router,
        &IUniswapV2Router02::swapExactTokensForETHCall {
            amountIn: sold,
            amountOutMin: want_eth,
            path: vec![token, uni.weth],
            to: trader,
            deadline: NO_DEADLINE,
        },
        U256::ZERO,
    );
    assert_eq!(amounts, vec![sold, want_eth]);
    assert_eq!(m.h.node.balance(trader) - eth_before, want_eth);
    assert_eq!(m.reserves(pair, token), (r_token + sold, r_weth - want_eth));
    m.assert_synced(pair, token, uni.weth);
    // A minimum one wei above the output is refused.
    m.ok(
        trader,
        token,
        &TestToken::approveCall {
            spender: uni.router,
            value: sold,
        },
        U256::ZERO,
    );
    let (r_token, r_weth) = m.reserves(pair, token);
    let too_greedy = IUniswapV2Router02::swapExactTokensForETHCall {
        amountIn: sold,
        amountOutMin: get_amount_out(sold, r_token, r_weth) + U256::from(1),
        path: vec![token, uni.weth],
        to: trader,
        deadline: NO_DEADLINE,
    };
    assert_eq!(
        revert_reason(&mut m.h, trader, uni.router, &too_greedy),
        "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"
    );

    // A donation is outside the reserves until skim hands it out or sync
    // takes it in; either way reserves equal balances again.
    let (r_token, r_weth) = m.reserves(pair, token);
    m.ok(
        donor,
        token,
        &TestToken::transferCall {
            to: pair,
            value: eth(7),
        },
        U256::ZERO,
    );
    assert_eq!(m.balance_of(token, pair), r_token + eth(7));
    let donor_before = m.balance_of(token, donor);
    m.ok(
        donor,
        pair,
        &IUniswapV2Pair::skimCall { to: donor },
        U256::ZERO,
    );
    assert_eq!(m.balance_of(token, donor) - donor_before, eth(7));
    assert_eq!(m.reserves(pair, token), (r_token, r_weth));
    m.assert_synced(pair, token, uni.weth);
    m.ok(
        donor,
        token,
        &TestToken::transferCall {
            to: pair,
            value: eth(3),
        },
        U256::ZERO,
    );
    m.ok(donor, pair, &IUniswapV2Pair::syncCall {}, U256::ZERO);
    assert_eq!(m.reserves(pair, token), (r_token + eth(3), r_weth));
    m.assert_synced(pair, token, uni.weth);

    // Token/token: addLiquidity, then swapExactTokensForTokens.
    let other = create(&mut m.h, test_token_code("USD", 18));
    for a in [lp, trader] {
        m.ok(
            a,
            other,
            &TestToken::mintCall {
                to: a,
                value: eth(100_000),
            },
            U256::ZERO,
        );
        m.ok(
            a,
            other,
            &TestToken::approveCall {
                spender: uni.router,
                value: U256::MAX,
            },
            U256::ZERO,
        );
    }
    m.ok(
        trader,
        token,
        &TestToken::approveCall {
            spender: uni.router,
            value: U256::MAX,
        },
        U256::ZERO,
    );
    let added = m.ok(
        lp,
        uni.router,
        &IUniswapV2Router02::addLiquidityCall {
            tokenA: token,
            tokenB: other,
            amountADesired: eth(2_000),
            amountBDesired: eth(5_000),
            amountAMin: U256::ZERO,
            amountBMin: U256::ZERO,
            to: lp,
            deadline: NO_DEADLINE,
        },
        U256::ZERO,
    );
    assert_eq!((added.amountA, added.amountB), (eth(2_000), eth(5_000)));
    let pair2 = uni.pair_for(token, other);
    assert_eq!(
        m.h.view(uni.factory, &IUniswapV2Factory::allPairsLengthCall {}),
        U256::from(2)
    );
    let want = get_amount_out(eth(100), eth(2_000), eth(5_000));
    let other_before = m.balance_of(other, trader);
    let amounts = m.ok(
        trader,
        uni.router,
        &IUniswapV2Router02::swapExactTokensForTokensCall {
            amountIn: eth(100),
            amountOutMin: U256::ZERO,
            path: vec![token, other],
            to: trader,
            deadline: NO_DEADLINE,
        },
        U256::ZERO,
    );
    assert_eq!(amounts, vec![eth(100), want]);
    assert_eq!(m.balance_of(other, trader) - other_before, want);
    m.assert_synced(pair2, token, other);
    // removeLiquidity: a pro-rata share of each balance, rounded down.
    let liquidity =
        m.h.view(pair2, &IUniswapV2Pair::balanceOfCall { owner: lp });
    let supply = m.h.view(pair2, &IUniswapV2Pair::totalSupplyCall {});
    let (b_token, b_other) = (m.balance_of(token, pair2), m.balance_of(other, pair2));
    m.ok(
        lp,
        pair2,
        &IUniswapV2Pair::approveCall {
            spender: uni.router,
            value: liquidity,
        },
        U256::ZERO,
    );
    let removed = m.ok(
        lp,
        uni.router,
        &IUniswapV2Router02::removeLiquidityCall {
            tokenA: token,
            tokenB: other,
            liquidity,
            amountAMin: U256::ZERO,
            amountBMin: U256::ZERO,
            to: lp,
            deadline: NO_DEADLINE,
        },
        U256::ZERO,
    );
    assert_eq!(removed.amountA, liquidity * b_token / supply);
    assert_eq!(removed.amountB, liquidity * b_other / supply);
    m.assert_synced(pair2, token, other);

    // removeLiquidityETH: all of the LP's liquidity comes back pro rata, the
    // WETH side unwrapped; only the locked minimum stays in the pair.
    let liquidity = m.h.view(pair, &IUniswapV2Pair::balanceOfCall { owner: lp });
    assert_eq!(liquidity, first_liquidity);
    let supply = m.h.view(pair, &IUniswapV2Pair::totalSupplyCall {});
    let (b_token, b_weth) = (m.balance_of(token, pair), m.balance_of(uni.weth, pair));
    m.ok(
        lp,
        pair,
        &IUniswapV2Pair::approveCall {
            spender: uni.router,
            value: liquidity,
        },
        U256::ZERO,
    );
    let (eth_before, tokens_before) = (m.h.node.balance(lp), m.balance_of(token, lp));
    let removed = m.ok(
        lp,
        uni.router,
        &IUniswapV2Router02::removeLiquidityETHCall {
            token,
            liquidity,
            amountTokenMin: U256::ZERO,
            amountETHMin: U256::ZERO,
            to: lp,
            deadline: NO_DEADLINE,
        },
        U256::ZERO,
    );
    assert_eq!(removed.amountToken, liquidity * b_token / supply);
    assert_eq!(removed.amountETH, liquidity * b_weth / supply);
    assert_eq!(m.h.node.balance(lp) - eth_before, removed.amountETH);
    assert_eq!(m.balance_of(token, lp) - tokens_before, removed.amountToken);
    assert_eq!(
        m.h.view(pair, &IUniswapV2Pair::totalSupplyCall {}),
        U256::from(MINIMUM_LIQUIDITY)
    );
    assert_eq!(
        m.h.view(pair, &IUniswapV2Pair::balanceOfCall { owner: lp }),
        U256::ZERO
    );
    m.assert_synced(pair, token, uni.weth);
    // WETH is fully backed by the ETH it holds.
    let weth_supply = m.h.view(uni.weth, &IWETH9::totalSupplyCall {});
    assert_eq!(weth_supply, m.h.node.balance(uni.weth));
}

/// A share/WETH pool of 10,000 shares and 10 ETH (0.001 ETH a share), a
/// fixed-price buyout stub funded with 100 ETH and 10,000 shares, and a
/// flash attacker wired to both.
struct FlashLab {
    m: Market,
    pair: Address,
    stub: Address,
    attacker: Address,
}

impl FlashLab {
    /// `price`: the stub's wei per 10^18 shares.
    fn new(price: U256, credit: bool) -> Self {
        let mut m = Market::new();
        let (uni, token, lp) = (m.uni, m.token, m.h.actors[0]);
        m.ok(
            lp,
            token,
            &TestToken::approveCall {
                spender: uni.router,
                value: U256::MAX,
            },
            U256::ZERO,
        );
        m.ok(
            lp,
            uni.router,
            &IUniswapV2Router02::addLiquidityETHCall {
                token,
                amountTokenDesired: eth(10_000),
                amountTokenMin: U256::ZERO,
                amountETHMin: U256::ZERO,
                to: lp,
                deadline: NO_DEADLINE,
            },
            eth(10),
        );
        let pair = uni.pair_for(token, uni.weth);
        let mut code = bytecode("FixedPriceBuyoutStub");
        code.extend((price, credit).abi_encode_params());
        let admin = m.h.admin;
        let out =
            m.h.node
                .deploy(admin, code.into(), eth(100))
                .expect("devnode");
        assert!(out.success, "{out:?}");
        let stub = out.created.expect("stub");
        m.ok(
            lp,
            token,
            &TestToken::transferCall {
                to: stub,
                value: eth(10_000),
            },
            U256::ZERO,
        );
        let mut code = bytecode("FlashBuyoutAttacker");
        code.extend((stub, token, pair, uni.weth).abi_encode_params());
        let attacker = create(&mut m.h, code);
        Self {
            m,
            pair,
            stub,
            attacker,
        }
    }

    fn record(&mut self) -> [U256; 6] {
        let a = self.attacker;
        let h = &mut self.m.h;
        [
            h.view(a, &FlashBuyoutAttacker::borrowedCall {}),
            h.view(a, &FlashBuyoutAttacker::repaidCall {}),
            h.view(a, &FlashBuyoutAttacker::ethReceivedCall {}),
            h.view(a, &FlashBuyoutAttacker::ethSpentCall {}),
            h.view(a, &FlashBuyoutAttacker::sharesReceivedCall {}),
            h.view(a, &FlashBuyoutAttacker::leftoverCall {}),
        ]
    }

    fn k(&mut self) -> U256 {
        let token = self.m.token;
        let (a, b) = self.m.reserves(self.pair, token);
        a * b
    }
}

#[test]
fn flash_sell_to_a_buyout_repaid_in_weth() {
    for credit in [false, true] {
        // The buyout pays 0.002 ETH a share, twice the pool's price.
        let mut lab = FlashLab::new(U256::from(2_000_000_000_000_000u64), credit);
        let (token, weth, pair, attacker) = (lab.m.token, lab.m.uni.weth, lab.pair, lab.attacker);
        let caller = lab.m.h.actors[1];
        let (r_shares, r_weth) = lab.m.reserves(pair, token);
        let k_before = lab.k();
        let owed = get_amount_in(eth(1_000), r_weth, r_shares);
        assert_eq!(
            lab.m.h.view(
                attacker,
                &FlashBuyoutAttacker::owedForCall {
                    amountOut: eth(1_000),
                    reserveIn: r_weth,
                    reserveOut: r_shares,
                },
            ),
            owed
        );

        // One wei short of the least input: the pair's K check refuses, and
        // nothing changes.
        let shortfall = U256::from(1);
        assert!(
            U256::from(997) * (owed - shortfall) * (r_shares - eth(1_000))
                < U256::from(1000) * r_weth * eth(1_000),
            "the test's amounts must make one wei matter"
        );
        lab.m.ok(
            caller,
            attacker,
            &FlashBuyoutAttacker::setShortfallCall { s: shortfall },
            U256::ZERO,
        );
        let before = lab.m.h.fingerprint();
        let call = FlashBuyoutAttacker::attackSellCall {
            shares: eth(1_000),
            pullEth: credit,
        };
        assert_eq!(
            revert_reason(&mut lab.m.h, caller, attacker, &call),
            "UniswapV2: K"
        );
        assert!(before.diff(&lab.m.h.fingerprint(), &[caller]).is_empty());

        lab.m.ok(
            caller,
            attacker,
            &FlashBuyoutAttacker::setShortfallCall { s: U256::ZERO },
            U256::ZERO,
        );
        lab.m.ok(caller, attacker, &call, U256::ZERO);
        let paid = eth(2);
        assert_eq!(
            lab.record(),
            [eth(1_000), owed, paid, U256::ZERO, U256::ZERO, paid - owed]
        );
        assert_eq!(lab.m.balance_of(weth, attacker), paid - owed);
        assert_eq!(lab.m.balance_of(token, lab.stub), eth(11_000));
        assert_eq!(
            lab.m.h.view(
                lab.stub,
                &FixedPriceBuyoutStub::creditedCall { seller: attacker }
            ),
            U256::ZERO
        );
        assert_eq!(
            lab.m.reserves(pair, token),
            (r_shares - eth(1_000), r_weth + owed)
        );
        lab.m.assert_synced(pair, token, weth);
        assert!(lab.k() >= k_before);
    }
}

#[test]
fn flash_buy_from_a_buyout_repaid_in_shares() {
    // The buyout sells at 0.0005 ETH a share, half the pool's price.
    let mut lab = FlashLab::new(U256::from(500_000_000_000_000u64), false);
    let (token, weth, pair, attacker) = (lab.m.token, lab.m.uni.weth, lab.pair, lab.attacker);
    let caller = lab.m.h.actors[1];
    let (r_shares, r_weth) = lab.m.reserves(pair, token);
    let k_before = lab.k();
    let bought = eth(2_000);
    assert_eq!(
        lab.m
            .h
            .view(lab.stub, &FixedPriceBuyoutStub::costCall { amount: bought }),
        eth(1)
    );
    let owed = get_amount_in(eth(1), r_shares, r_weth);

    lab.m.ok(
        caller,
        attacker,
        &FlashBuyoutAttacker::setShortfallCall { s: U256::from(1) },
        U256::ZERO,
    );
    assert!(
        U256::from(997) * (owed - U256::from(1)) * (r_weth - eth(1))
            < U256::from(1000) * r_shares * eth(1)
    );
    let call = FlashBuyoutAttacker::attackBuyCall {
        wethOut: eth(1),
        shares: bought,
    };
    assert_eq!(
        revert_reason(&mut lab.m.h, caller, attacker, &call),
        "UniswapV2: K"
    );

    lab.m.ok(
        caller,
        attacker,
        &FlashBuyoutAttacker::setShortfallCall { s: U256::ZERO },
        U256::ZERO,
    );
    let stub_eth = lab.m.h.node.balance(lab.stub);
    lab.m.ok(caller, attacker, &call, U256::ZERO);
    assert_eq!(
        lab.record(),
        [eth(1), owed, U256::ZERO, eth(1), bought, bought - owed]
    );
    assert_eq!(lab.m.balance_of(token, attacker), bought - owed);
    assert_eq!(lab.m.h.node.balance(lab.stub) - stub_eth, eth(1));
    assert_eq!(lab.m.h.node.balance(attacker), U256::ZERO);
    assert_eq!(
        lab.m.reserves(pair, token),
        (r_shares + owed, r_weth - eth(1))
    );
    lab.m.assert_synced(pair, token, weth);
    assert!(lab.k() >= k_before);
}

#[test]
fn deploys_over_json_rpc_on_the_devnode_server() {
    use alloy::network::EthereumWallet;
    use alloy::network::TransactionBuilder;
    use alloy::providers::{Provider, ProviderBuilder};
    use alloy::rpc::types::TransactionRequest;

    let node = stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())
        .expect("embedded devnode");
    let dev = node.dev_accounts().remove(0);
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(dev.signer.clone()))
        .connect_http(node.url().parse().expect("url"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (a, b) = (Address::repeat_byte(0x0a), Address::repeat_byte(0x0b));
    let (uni, router_size, pair) = rt.block_on(async {
        let uni = artifacts()
            .deploy_rpc(&provider, dev.address, dev.address)
            .await
            .expect("deploying over JSON-RPC");
        let call = |to: Address, data: Vec<u8>| {
            let provider = &provider;
            async move {
                provider
                    .call(TransactionRequest::default().with_to(to).with_input(data))
                    .await
                    .expect("eth_call")
            }
        };
        let factory = call(uni.router, IUniswapV2Router02::factoryCall {}.abi_encode()).await;
        assert_eq!(
            IUniswapV2Router02::factoryCall::abi_decode_returns(&factory).unwrap(),
            uni.factory
        );
        let weth = call(uni.router, IUniswapV2Router02::WETHCall {}.abi_encode()).await;
        assert_eq!(
            IUniswapV2Router02::WETHCall::abi_decode_returns(&weth).unwrap(),
            uni.weth
        );
        let setter = call(
            uni.factory,
            IUniswapV2Factory::feeToSetterCall {}.abi_encode(),
        )
        .await;
        assert_eq!(
            IUniswapV2Factory::feeToSetterCall::abi_decode_returns(&setter).unwrap(),
            dev.address
        );
        let router_size = provider.get_code_at(uni.router).await.expect("code").len();
        // A pair created over JSON-RPC lands where the router looks for it.
        let create = TransactionRequest::default()
            .with_from(dev.address)
            .with_to(uni.factory)
            .with_input(
                IUniswapV2Factory::createPairCall {
                    tokenA: a,
                    tokenB: b,
                }
                .abi_encode(),
            );
        let receipt = provider
            .send_transaction(create)
            .await
            .expect("createPair")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(receipt.status());
        let pair = call(
            uni.factory,
            IUniswapV2Factory::getPairCall {
                tokenA: b,
                tokenB: a,
            }
            .abi_encode(),
        )
        .await;
        (
            uni,
            router_size,
            IUniswapV2Factory::getPairCall::abi_decode_returns(&pair).unwrap(),
        )
    });
    assert_eq!(router_size, artifacts().runtime_sizes[2].1);
    assert_eq!(pair, uni.pair_for(a, b));
    node.shutdown().expect("shutdown");
}

/// A swap estimated in one second and mined in the next needs more gas than
/// its estimate: the pair writes its two price accumulators only when the
/// block timestamp has moved since its last update. With exactly the
/// estimate the swap reverts (the pair runs out of gas inside the router's
/// call — what made the demo's pool steps fail about one run in four); with
/// the deploy library's headroom ([`stylus_ip_deploy::with_gas_headroom`],
/// which every transaction it signs gets) it goes through.
#[test]
fn an_estimate_from_the_previous_second_needs_the_gas_headroom() {
    use alloy::network::{EthereumWallet, TransactionBuilder};
    use alloy::providers::{Provider, ProviderBuilder};
    use alloy::rpc::types::TransactionRequest;

    let node = stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::ephemeral())
        .expect("embedded devnode");
    let dev = node.dev_accounts().remove(0);
    let me = dev.address;
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(dev.signer))
        .connect_http(node.url().parse().expect("url"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let send = |tx: TransactionRequest| {
            let provider = &provider;
            async move {
                provider
                    .send_transaction(tx.with_from(me))
                    .await
                    .expect("send")
                    .get_receipt()
                    .await
                    .expect("receipt")
            }
        };
        let at = |ts: u64| {
            let provider = &provider;
            async move {
                let _: serde_json::Value = provider
                    .raw_request("evm_setNextBlockTimestamp".into(), (ts,))
                    .await
                    .expect("evm_setNextBlockTimestamp");
            }
        };
        let uni = artifacts()
            .deploy_rpc(&provider, me, me)
            .await
            .expect("Uniswap V2 over JSON-RPC");
        let r =
            send(TransactionRequest::default().with_deploy_code(test_token_code("TKN", 18))).await;
        let token = r.contract_address.expect("token address");
        let call =
            |to: Address, data: Vec<u8>| TransactionRequest::default().with_to(to).with_input(data);
        assert!(send(call(
            token,
            TestToken::mintCall {
                to: me,
                value: eth(1_000)
            }
            .abi_encode()
        ))
        .await
        .status());
        assert!(send(call(
            token,
            TestToken::approveCall {
                spender: uni.router,
                value: U256::MAX
            }
            .abi_encode()
        ))
        .await
        .status());
        let add = IUniswapV2Router02::addLiquidityETHCall {
            token,
            amountTokenDesired: eth(500),
            amountTokenMin: U256::ZERO,
            amountETHMin: U256::ZERO,
            to: me,
            deadline: NO_DEADLINE,
        };
        assert!(send(call(uni.router, add.abi_encode()).with_value(eth(5)))
            .await
            .status());
        let swap = |n: u128| {
            call(
                uni.router,
                IUniswapV2Router02::swapExactTokensForETHCall {
                    amountIn: eth(n),
                    amountOutMin: U256::ZERO,
                    path: vec![token, uni.weth],
                    to: me,
                    deadline: NO_DEADLINE,
                }
                .abi_encode(),
            )
        };
        // The pool's last update is at `t`; the estimate is made for a block
        // at `t` too (no accumulator writes), the swap is mined at `t + 1`.
        let t = provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .expect("block")
            .expect("latest")
            .header
            .timestamp
            + 100;
        at(t).await;
        assert!(send(swap(1)).await.status());
        at(t).await;
        let estimate = provider
            .estimate_gas(swap(2).with_from(me))
            .await
            .expect("estimate");
        at(t + 1).await;
        let exact = send(swap(2).with_gas_limit(estimate)).await;
        assert!(
            !exact.status(),
            "the swap fit its estimate ({estimate}): the pair wrote no accumulators"
        );
        at(t + 1).await;
        let padded =
            send(swap(2).with_gas_limit(stylus_ip_deploy::with_gas_headroom(estimate))).await;
        assert!(padded.status(), "the swap reverted with the headroom");
        eprintln!(
            "estimate {estimate}, used when mined a second later: {} (limit {})",
            padded.gas_used,
            stylus_ip_deploy::with_gas_headroom(estimate)
        );
    });
    node.shutdown().expect("shutdown");
}
