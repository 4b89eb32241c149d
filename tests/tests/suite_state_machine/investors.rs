//! Investors trading shares, end to end: one vault (ERC-721 token 1 of the
//! collection, its royalty to the vault) fractionalised among random
//! holders, with ETH and two ERC-20 revenue tokens of 6 and 18 decimals
//! (test tokens); its shares sold on the share offering, traded on two
//! Uniswap V2 pairs deployed from npm's artefacts (shares/WETH, created
//! empty at the start, and shares/6-decimal token, created by its first
//! liquidity) through the real Router02, and approved by EIP-2612 permits.
//!
//! Random actions:
//! - **offering**: `createOffering` by a holder paid in ETH or the 6-decimal
//!   token (random cap, minimum raise and deadline, and each invalid
//!   parameter: zero shares or price, a cost over 128 bits, a minimum raise
//!   above the cost, a deadline now or past a year, a zero or self payee, a
//!   token off the vault's list, shares not approved or not held), `buy`
//!   (exact, over the cap, more than unsold, zero, the wrong value, an
//!   unknown id, after the deadline), `refund` (approved or not: the
//!   vault's own `ERC20InsufficientAllowance` and `ERC20InsufficientBalance`
//!   pass through; in and out of the window), `withdrawProceeds`,
//!   `withdrawShares` (by the seller and others), and jumps to each
//!   deadline and refund-window end (the last second in, the first out);
//! - **pools**: `registerPool` of either pair before or after liquidity
//!   exists, twice, before the second pair is created, and of non-pairs (an
//!   actor, WETH, the offering, the 6/18-decimal tokens' own pair):
//!   `VaultInvalidPool`; `addLiquidityETH`/`addLiquidity` (the router's optimal
//!   amounts and the pair's minted liquidity computed here),
//!   `removeLiquidityETH` (shares through the router)/`removeLiquidity`,
//!   swaps both ways (`getAmountOut` exactly; a minimum one unit above it
//!   is refused), and shares sent straight to a pair then `skim`med to
//!   someone or `sync`ed in;
//! - **permits**: valid (signed with the owner's key, then spent by
//!   `transferFrom` or by `createOffering`), expired, replayed (the nonce
//!   is used: `ERC2612InvalidSigner` names the address the stale signature
//!   recovers to), signed by another actor, with a malformed `v`; rarely
//!   signed by ethers 6 or viem 2 (node), checked byte for byte against
//!   the model's alloy signature;
//! - **revenue** in ETH (plain transfers and leases of the vaulted token on
//!   the licence market, royalty and price both paid to the vault) and both
//!   ERC-20s (minted to the vault); claims of one or all currencies;
//!   share transfers and time warps.
//!
//! The reference model replays the vault's accumulator exactly
//! (`acc += ⌊fresh · 2¹²⁸ / accruing⌋`, one signed correction per account,
//! over the **accruing** supply: the registered pairs and the offering
//! accrue nothing), the offering's counters, the router's and the pairs'
//! arithmetic and every actor's ETH, and builds every transaction with its
//! expected outcome; an independent per-holder pro-rata sum
//! (`Σ fresh · balance / accruing` at each accounting) bounds the
//! accumulator. The offering escrows shares as a **non-accruing** account:
//! the revenue of unsold shares goes to the accruing holders.
//!
//! Invariants checked after every step (numbered as in tests/INVARIANTS.md):
//! 9. ETH is conserved across all accounts and contracts, and every actor's
//!    ETH balance moves exactly as the model says;
//! 10. every refused call reverts with the exact error (the vault's,
//!     the offering's, or the router's reason string) and changes nothing;
//! 12. every successful transaction emits exactly the vault's, the
//!     offering's, the market's and the asset's predicted events, in order
//!     (the tokens', WETH's and the pairs' own events are left out: their
//!     balances and reserves are checked instead);
//! 23. per currency, Σ claimed + Σ claimable (holders, pairs, offering,
//!     router) + revenue waiting while no share accrues + dust = deposits,
//!     the dust at most one unit per account plus one per registration;
//!     every `claimable` is the model's; no accruing account's claimed +
//!     claimable ever decreases; each account's total is at most its exact
//!     pro-rata share and less than one unit under it;
//! 24. a registered pair and the offering accrue nothing: `accrues` false,
//!     `claimable` 0; `accruingSupply` is the total minus their balances;
//!     only the factory's pairs of the shares can be registered, once;
//! 25. after every router action and every `skim`/`sync`, a pair's reserves
//!     equal its balances (the shares take no fee on transfer), with the
//!     model's amounts, liquidity and LP balances;
//! 26. per offering, payments in = paid to the payee + refunded + held,
//!     the offering's balance of each currency is the sum of what it holds,
//!     and its share balance is the sum of its escrows; Σ share balances =
//!     totalSupply;
//! 27. permit nonces only grow, by one per accepted permit.
//!
//! Every balance, flag, nonce, reserve, offering record and ETH balance is
//! read back after every step; a `claimable` amount or a purchase record is
//! read back whenever the model's value changed, and every one of them at
//! the start and at the end of the case (a case's reads are dominated by
//! the 24 `claimable` views, most of which a step does not change).
//!
//! Half the cases start with an offering of part of the first holder's
//! shares, and the actions' weights follow the state (purchases while an
//! offering is open, refunds once one failed, warps to its deadline while
//! its raise is short), so that short cases walk offerings through their
//! whole life. The clock stays within 300 days of the start: the devnode,
//! like Arbitrum, expires Stylus programs a year after their activation.

use std::sync::OnceLock;

use alloy::primitives::Signature;
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use alloy_primitives::{address, aliases::U96, Address, Bytes, B256, I256, U256, U512};
use alloy_sol_types::{sol, Eip712Domain, SolCall, SolEventInterface, SolStruct};
use proptest::prelude::*;
use proptest::sample::select;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_deploy::permit::{domain, Permit};
use stylus_ip_deploy::uniswap::bindings::{
    IUniswapV2Factory, IUniswapV2Pair, IUniswapV2Router02, IWETH9,
};
use stylus_ip_deploy::uniswap::{get_amount_out, MINIMUM_LIQUIDITY, NO_DEADLINE};
use stylus_ip_tests::js::{self, Library};
use stylus_ip_tests::rpc::actor_signer;
use stylus_ip_tests::sol::{test_token_code, TestToken};
use stylus_ip_tests::suite::abi::{
    IShareOffering, IShareVault, IpCollection, LicenseMarket, ShareOffering, ShareVault,
    VaultFactory,
};
use stylus_ip_tests::suite::{actor_address, nft_lease_events, Event, Sent, Suite};
use stylus_ip_tests::{Revert, ETH};
use ShareOffering::{ShareOfferingErrors as OE, ShareOfferingEvents as Oev};
use ShareVault::{ShareVaultErrors as VE, ShareVaultEvents as Vev};

/// Actors taking part (holders, buyers, liquidity providers, traders).
const N: usize = 4;
/// The creator who fractionalises token 1.
const CREATOR: usize = 0;
/// The vault's curator (publishes the lease offer at the start).
const CURATOR: usize = 1;
/// Account index of the shares/WETH pair.
const PAIR_W: usize = N;
/// Account index of the shares/6-decimal-token pair.
const PAIR_6: usize = N + 1;
/// Account index of the share offering.
const OFFERING: usize = N + 2;
/// Account index of Router02 (it holds shares inside `removeLiquidityETH`).
const ROUTER: usize = N + 3;
/// Accounts whose shares and revenue the model tracks.
const ACCOUNTS: usize = N + 4;
/// Allowance spender index of the offering (actors are `0..N`).
const OFFER_SP: usize = N;
/// Revenue currencies: ETH, then the 6- and 18-decimal test tokens.
const CURRENCIES: usize = 3;
/// Whether the offering's address is one of every vault's non-accruing
/// accounts (the shares it escrows earn nothing; their revenue goes to the
/// accruing holders).
const OFFERING_NON_ACCRUING: bool = true;
/// The vaulted token.
const TOKEN: u64 = 1;
/// Royalty of the vaulted token, to the vault (basis points).
const ROYALTY_BPS: u128 = 1_000;
/// The vault's lease offer on the market (the first offer of a fresh suite).
const LEASE_OFFER: u64 = 1;
/// Its price per second, wei.
const LEASE_PRICE: u128 = 999_999_937;
/// The vault's longest lease (= the offer's `maxDuration`).
const MAX_LEASE: u64 = 1_000;
/// One whole share (18 decimals).
const WAD: u128 = 1_000_000_000_000_000_000;
/// One day, seconds.
const DAY: u64 = 86_400;
/// The offering's refund window after a failed raise's deadline.
const REFUND_WINDOW: u64 = 30 * DAY;
/// Furthest an offering's deadline may be from its creation.
const MAX_OFFERING_DURATION: u64 = 365 * DAY;
/// How far a case's clock may run from its start: the devnode expires
/// Stylus programs a year after their activation (as Arbitrum does), so
/// a case stays well inside that year.
const HORIZON: u64 = 300 * DAY;
/// The share token's name (the EIP-712 domain's).
const NAME: &str = "Investor shares #1";
/// `2¹²⁸`, the accumulator's scale.
const SCALE_BITS: usize = 128;
/// Most ETH a single action moves from an actor (the actors start with 100).
const MAX_ETH_PER_ACTION: u128 = 10 * ETH;
/// The ArbSys precompile, which reports the chain id.
const ARBSYS: Address = address!("0000000000000000000000000000000000000064");
/// The router's refusal of a swap below its minimum output.
const INSUFFICIENT_OUTPUT: &str = "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT";

sol! {
    /// Arbitrum's ArbSys precompile (the devnode's and Nitro's).
    interface ArbSys {
        function arbChainID() external view returns (uint256);
    }
}

/// An event the machine compares: one the suite decodes (the vault's, the
/// market's, the collection's) or the offering's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Suite(Event),
    Offering(Oev),
}

/// The expected outcome of one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    /// Success with exactly these events.
    Ok(Vec<Ev>),
    /// A revert with this error of the vault (also through the offering).
    Vault(VE),
    /// A revert with this error of the offering.
    Offering(OE),
    /// A revert with this `Error(string)` reason (Uniswap).
    Reason(&'static str),
}

/// One transaction the model expects, fully built.
#[derive(Debug, Clone)]
struct Tx {
    from: Address,
    to: Address,
    data: Bytes,
    value: U256,
    want: Want,
    /// The exact return data on success, when checked.
    ret: Option<Bytes>,
    /// A share balance to read right after it: (account, shares).
    shares_after: Option<(Address, u128)>,
}

/// How an offering is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pay {
    Eth,
    /// The 6-decimal revenue token.
    T6,
    /// WETH: not one of the vault's revenue tokens.
    NotListed,
}

/// Who receives an offering's proceeds.
#[derive(Debug, Clone, Copy)]
enum Payee {
    Actor(usize),
    Zero,
    /// The offering contract itself (refused).
    Offering,
}

/// The call value of a purchase relative to its cost.
#[derive(Debug, Clone, Copy)]
enum Value {
    Exact,
    Over,
    Under,
}

/// How a permit is signed.
#[derive(Debug, Clone, Copy)]
enum Sig {
    /// By the owner, valid until `ttl` seconds from now (inclusive).
    Valid { ttl: u64 },
    /// By the owner, expired `ago` seconds ago.
    Expired { ago: u64 },
    /// The last accepted permit, sent again.
    Replay,
    /// By another actor's key.
    WrongSigner(usize),
    /// By the owner, with `v` = 29.
    BadV,
    /// By the owner's key in a wallet library (node).
    Wallet(Library, u64),
}

/// What `registerPool` is called with.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// Pair 0 (shares/WETH) or 1 (shares/6-decimal token).
    Pool(usize),
    Actor(usize),
    Weth,
    Offering,
    /// The pair of the two test tokens (a factory pair without the shares).
    TokenPair,
}

/// The arguments of `createOffering` (and whether the seller approves the
/// offering for the shares first).
#[derive(Debug, Clone)]
struct CreateArgs {
    seller: usize,
    shares: u128,
    price: U256,
    pay: Pay,
    cap: u128,
    deadline_in: u64,
    min_raise: U256,
    payee: Payee,
    approve: bool,
}

/// The one invalid parameter of a refused `createOffering`.
#[derive(Debug, Clone, Copy)]
enum Flaw {
    ZeroShares,
    MoreThanHeld,
    ZeroPrice,
    /// A price whose total cost does not fit the offering's counters.
    TooLarge,
    MinAboveCost,
    DeadlineNow,
    DeadlineTooFar,
    PayeeZero,
    PayeeOffering,
    /// WETH, not one of the vault's revenue tokens.
    NotListed,
    NotApproved,
}

/// One action.
#[derive(Debug, Clone)]
enum Action {
    Create(CreateArgs),
    Buy {
        buyer: usize,
        id: u64,
        shares: u128,
        value: Value,
    },
    /// `refund`, after approving the offering for the purchase's shares
    /// when `approve`.
    Refund {
        buyer: usize,
        id: u64,
        approve: bool,
    },
    Proceeds {
        by: usize,
        id: u64,
    },
    WithdrawShares {
        by: usize,
        id: u64,
    },
    /// `approve` of an actor or (`spender == OFFER_SP`) the offering.
    Approve {
        owner: usize,
        spender: usize,
        amount: u128,
    },
    Permit {
        owner: usize,
        spender: usize,
        value: u128,
        sig: Sig,
    },
    TransferFrom {
        spender: usize,
        from: usize,
        to: usize,
        amount: u128,
    },
    Transfer {
        from: usize,
        to: usize,
        amount: u128,
    },
    Register {
        by: usize,
        target: Target,
    },
    AddLiquidity {
        lp: usize,
        pool: usize,
        shares: u128,
        other: u128,
    },
    RemoveLiquidity {
        lp: usize,
        pool: usize,
        liquidity: u128,
    },
    /// ETH or the 6-decimal token in, shares out.
    BuyShares {
        trader: usize,
        pool: usize,
        amount_in: u128,
        greedy: bool,
    },
    /// Shares in, ETH or the 6-decimal token out.
    SellShares {
        trader: usize,
        pool: usize,
        shares: u128,
        greedy: bool,
    },
    /// Shares sent straight to a pair, then `skim` to `skim_to` or `sync`.
    Donate {
        from: usize,
        pool: usize,
        amount: u128,
        skim_to: Option<usize>,
    },
    Deposit {
        from: usize,
        cur: usize,
        amount: u128,
    },
    Lease {
        buyer: usize,
        seconds: u64,
    },
    /// A claim of one currency, or (`None`) of all three.
    Claim {
        holder: usize,
        cur: Option<usize>,
    },
    Warp {
        seconds: u64,
    },
}

/// One offering's terms and counters, as the contract keeps them.
#[derive(Debug, Clone)]
struct Offer {
    seller: usize,
    shares: u128,
    price: U256,
    t6: bool,
    cap: u128,
    deadline: u64,
    min_raise: u128,
    payee: usize,
    sold: u128,
    raised: u128,
    paid_out: u128,
    refunded_shares: u128,
    refunded_paid: u128,
    withdrawn: u128,
    /// Per actor: shares bought, amount paid, refunded.
    bought: [(u128, u128, bool); N],
}

impl Offer {
    /// 1 open, 2 succeeded, 3 refunding, 4 failed.
    fn phase(&self, now: u64) -> u8 {
        if now <= self.deadline && self.sold < self.shares {
            1
        } else if self.raised >= self.min_raise {
            2
        } else if now <= self.deadline + REFUND_WINDOW {
            3
        } else {
            4
        }
    }

    /// What the payee may be paid now.
    fn proceeds_due(&self, now: u64) -> u128 {
        if self.raised >= self.min_raise || self.phase(now) == 4 {
            self.raised - self.refunded_paid - self.paid_out
        } else {
            0
        }
    }

    /// The unsold and refunded shares the offering holds.
    fn escrow(&self) -> u128 {
        self.shares - self.sold + self.refunded_shares - self.withdrawn
    }

    /// The shares the seller may take back now.
    fn seller_due(&self, now: u64) -> u128 {
        if self.phase(now) == 1 {
            0
        } else {
            self.escrow()
        }
    }

    /// Payments the offering holds for this offering.
    fn held(&self) -> u128 {
        self.raised - self.paid_out - self.refunded_paid
    }
}

/// One Uniswap V2 pair of the shares: reserves (= balances between
/// actions), LP supply (the locked minimum included) and LP balances.
#[derive(Debug, Clone, Default)]
struct Pool {
    created: bool,
    shares: u128,
    other: u128,
    lp_supply: u128,
    lp: [u128; N],
}

/// One currency's books: the vault's accumulator and the money.
#[derive(Debug, Clone, Default)]
struct Ledger {
    acc: U256,
    corr: [I256; ACCOUNTS],
    accounted: u128,
    held: u128,
    deposited: u128,
    claimed: [u128; N],
    /// Independent pro-rata entitlement of each account, magnified by
    /// 2¹²⁸: `Σ ⌊fresh · balance · 2¹²⁸ / accruing⌋` over accountings.
    ent: [U512; ACCOUNTS],
    /// Accountings so far.
    accruals: u64,
}

/// A permit as sent.
#[derive(Debug, Clone)]
struct Signed {
    owner: usize,
    spender: Address,
    value: U256,
    nonce: u64,
    deadline: U256,
    v: u8,
    r: B256,
    s: B256,
}

#[derive(Debug, Clone)]
struct Model {
    vault: Address,
    market: Address,
    offering: Address,
    router: Address,
    weth: Address,
    /// ETH (zero), the 6- and 18-decimal tokens.
    tokens: [Address; CURRENCIES],
    /// The shares/WETH and shares/6-decimal pairs.
    pairs: [Address; 2],
    /// The pair of the two test tokens.
    token_pair: Address,
    chain_id: u64,
    /// The case's start and its clock.
    start: u64,
    now: u64,
    supply: u128,
    holders: Vec<(usize, u128)>,
    bal: [u128; ACCOUNTS],
    accrues: [bool; ACCOUNTS],
    /// `allowance[owner][spender]` (spender: actors, then the offering);
    /// `u128::MAX` is infinite. Every actor lets the router spend all.
    allowance: [[u128; N + 1]; N],
    nonces: [u64; N],
    last_permit: Option<Signed>,
    led: [Ledger; CURRENCIES],
    registrations: u128,
    pools: [Pool; 2],
    offerings: Vec<Offer>,
    /// Each actor's ETH since the start.
    eth: [i128; N],
    /// When the vaulted token's lease ends, and each licensee's.
    lease_until: u64,
    lease_of: [u64; N],
    /// The transactions of the last action, with their expected outcomes.
    txs: Vec<Tx>,
    /// Seconds the last action moved the clock.
    warped: u64,
    /// The last action's permit, to be signed again by a wallet library.
    wallet: Option<(Library, Signed)>,
}

fn shl(x: u128) -> U256 {
    U256::from(x) << SCALE_BITS
}

fn signed(x: U256) -> I256 {
    I256::try_from(x).expect("magnified amount in range")
}

/// `I256::MAX`: the vault's bound on `acc · supply`.
fn max_magnified() -> U256 {
    (U256::from(1) << 255) - U256::from(1)
}

/// An allowance or permit value on the wire (`u128::MAX`: `2²⁵⁶ − 1`).
fn wire(amount: u128) -> U256 {
    if amount == u128::MAX {
        U256::MAX
    } else {
        U256::from(amount)
    }
}

/// What `shares` cost at `price` per whole share: `⌈shares · price / 10¹⁸⌉`,
/// `None` when the product does not fit 256 bits.
fn cost(shares: u128, price: U256) -> Option<U256> {
    let product = U512::from(shares) * U512::from(price);
    if product > U512::from(U256::MAX) {
        return None;
    }
    let wad = U512::from(WAD);
    Some(U256::from((product + wad - U512::from(1)) / wad))
}

/// The cost of a whole offering, `None` when cost + shares exceeds 128 bits.
fn offering_cost(shares: u128, price: U256) -> Option<U256> {
    let total = cost(shares, price)?;
    (total.checked_add(U256::from(shares))? <= U256::from(u128::MAX)).then_some(total)
}

/// `UniswapV2Library.quote`.
fn quote(a: u128, ra: u128, rb: u128) -> u128 {
    (U256::from(a) * U256::from(rb) / U256::from(ra)).to()
}

/// An actor's signing key.
fn key(i: usize) -> &'static PrivateKeySigner {
    static KEYS: OnceLock<Vec<PrivateKeySigner>> = OnceLock::new();
    &KEYS.get_or_init(|| (0..N).map(actor_signer).collect())[i]
}

impl Model {
    fn account(&self, a: usize) -> Address {
        match a {
            _ if a < N => actor_address(a),
            PAIR_W => self.pairs[0],
            PAIR_6 => self.pairs[1],
            OFFERING => self.offering,
            ROUTER => self.router,
            _ => unreachable!("account {a}"),
        }
    }

    fn spender(&self, sp: usize) -> Address {
        if sp == OFFER_SP {
            self.offering
        } else {
            actor_address(sp)
        }
    }

    fn vev(&self, e: Vev) -> Ev {
        Ev::Suite(Event::Vault(self.vault, e))
    }

    fn tx<C: SolCall>(&mut self, from: Address, to: Address, call: &C, value: U256, want: Want) {
        self.txs.push(Tx {
            from,
            to,
            data: call.abi_encode().into(),
            value,
            want,
            ret: None,
            shares_after: None,
        });
    }

    /// `trader`'s swap through `router` of `amount_in` along `path` for at
    /// least `min` (ETH moved as `eth` says), expecting `want`; a swap that
    /// goes through (`out` given) answers `[amount_in, out]`.
    #[allow(clippy::too_many_arguments)]
    fn swap(
        &mut self,
        router: Address,
        trader: Address,
        eth: SwapEth,
        amount_in: u128,
        min: U256,
        path: Vec<Address>,
        want: Want,
        out: Option<u128>,
    ) {
        let (amount_in, to, deadline) = (U256::from(amount_in), trader, NO_DEADLINE);
        match eth {
            SwapEth::In => {
                let call = IUniswapV2Router02::swapExactETHForTokensCall {
                    amountOutMin: min,
                    path,
                    to,
                    deadline,
                };
                self.tx(trader, router, &call, amount_in, want);
            }
            SwapEth::Out => {
                let call = IUniswapV2Router02::swapExactTokensForETHCall {
                    amountIn: amount_in,
                    amountOutMin: min,
                    path,
                    to,
                    deadline,
                };
                self.tx(trader, router, &call, U256::ZERO, want);
            }
            SwapEth::None => {
                let call = IUniswapV2Router02::swapExactTokensForTokensCall {
                    amountIn: amount_in,
                    amountOutMin: min,
                    path,
                    to,
                    deadline,
                };
                self.tx(trader, router, &call, U256::ZERO, want);
            }
        }
        if let Some(out) = out {
            self.txs.last_mut().expect("sent").ret =
                router_ret::<IUniswapV2Router02::swapExactETHForTokensCall>(&vec![
                    amount_in,
                    U256::from(out),
                ]);
        }
    }

    /// A helper transaction without events the machine compares (a test
    /// token's mint or approval, an LP token approval).
    fn quiet<C: SolCall>(&mut self, from: Address, to: Address, call: &C) {
        self.tx(from, to, call, U256::ZERO, Want::Ok(Vec::new()));
    }

    // ------------------------------------------------------------------
    // The vault
    // ------------------------------------------------------------------

    /// The accruing supply: Σ balances of accruing accounts.
    fn accruing(&self) -> u128 {
        (0..ACCOUNTS)
            .filter(|&a| self.accrues[a])
            .map(|a| self.bal[a])
            .sum()
    }

    /// The accounting `sync` would do in `cur`: the fresh amount and the
    /// new accumulator, or `None` (nothing fresh, no share accrues, or
    /// beyond the vault's magnified bound: the revenue waits).
    fn pending(&self, cur: usize) -> Option<(u128, U256)> {
        let l = &self.led[cur];
        let fresh = l.held.saturating_sub(l.accounted);
        let accruing = self.accruing();
        if fresh == 0 || accruing == 0 {
            return None;
        }
        let next = l.acc.checked_add(shl(fresh) / U256::from(accruing))?;
        (next.checked_mul(U256::from(self.supply))? <= max_magnified()).then_some((fresh, next))
    }

    /// Accounts fresh revenue in `cur`; returns its event.
    fn sync(&mut self, cur: usize) -> Option<Ev> {
        let (fresh, next) = self.pending(cur)?;
        let accruing = U512::from(self.accruing());
        let (bal, accrues) = (self.bal, self.accrues);
        let l = &mut self.led[cur];
        for a in (0..ACCOUNTS).filter(|&a| accrues[a]) {
            l.ent[a] += ((U512::from(fresh) * U512::from(bal[a])) << SCALE_BITS) / accruing;
        }
        l.acc = next;
        l.accounted = l.held;
        l.accruals += 1;
        Some(self.vev(Vev::RevenueAccrued(ShareVault::RevenueAccrued {
            token: self.tokens[cur],
            amount: U256::from(fresh),
        })))
    }

    fn sync_all(&mut self) -> Vec<Ev> {
        (0..CURRENCIES).filter_map(|c| self.sync(c)).collect()
    }

    /// The model as the views see it: every currency accounted.
    fn synced(&self) -> Self {
        let mut m = self.clone();
        m.sync_all();
        m
    }

    /// `⌊(acc · effective balance + corr) / 2¹²⁸⌋`.
    fn due(&self, a: usize, cur: usize) -> u128 {
        let l = &self.led[cur];
        let balance = if self.accrues[a] { self.bal[a] } else { 0 };
        let x = signed(l.acc * U256::from(balance)) + l.corr[a];
        assert!(!x.is_negative(), "negative unclaimed amount of account {a}");
        u128::try_from(x.into_raw() >> SCALE_BITS).expect("claimable fits u128")
    }

    /// Moves `amount` shares from account `from` to `to` as the vault's
    /// `update` does: the balance check, then (when an accruing end moves
    /// shares) every currency accounted and the accruing ends' corrections
    /// moved, then the `Transfer`.
    fn move_shares(&mut self, from: usize, to: usize, amount: u128) -> Result<Vec<Ev>, VE> {
        if self.bal[from] < amount {
            return Err(VE::ERC20InsufficientBalance(
                ShareVault::ERC20InsufficientBalance {
                    sender: self.account(from),
                    balance: U256::from(self.bal[from]),
                    needed: U256::from(amount),
                },
            ));
        }
        let mut events = Vec::new();
        if amount != 0 && from != to && (self.accrues[from] || self.accrues[to]) {
            for cur in 0..CURRENCIES {
                events.extend(self.sync(cur));
                let (accrues, l) = (self.accrues, &mut self.led[cur]);
                let moved = signed(l.acc * U256::from(amount));
                if accrues[from] {
                    l.corr[from] += moved;
                }
                if accrues[to] {
                    l.corr[to] -= moved;
                }
            }
        }
        self.bal[from] -= amount;
        self.bal[to] += amount;
        events.push(self.vev(Vev::Transfer(ShareVault::Transfer {
            from: self.account(from),
            to: self.account(to),
            value: U256::from(amount),
        })));
        Ok(events)
    }

    /// `transferFrom` of actor `from`'s shares by spender `sp`.
    fn spend(&mut self, sp: usize, from: usize, to: usize, amount: u128) -> Result<Vec<Ev>, VE> {
        let allowance = self.allowance[from][sp];
        if allowance != u128::MAX && allowance < amount {
            return Err(VE::ERC20InsufficientAllowance(
                ShareVault::ERC20InsufficientAllowance {
                    spender: self.spender(sp),
                    allowance: U256::from(allowance),
                    needed: U256::from(amount),
                },
            ));
        }
        let events = self.move_shares(from, to, amount)?;
        if allowance != u128::MAX {
            self.allowance[from][sp] -= amount;
        }
        Ok(events)
    }

    fn approval(&mut self, owner: usize, sp: usize, amount: u128) -> Ev {
        self.allowance[owner][sp] = amount;
        self.vev(Vev::Approval(ShareVault::Approval {
            owner: actor_address(owner),
            spender: self.spender(sp),
            value: wire(amount),
        }))
    }

    fn claim(&mut self, holder: usize, curs: &[usize]) -> Want {
        let mut next = self.clone();
        let mut events = Vec::new();
        for &cur in curs {
            events.extend(next.sync(cur));
            let amount = next.due(holder, cur);
            if amount == 0 {
                continue;
            }
            let l = &mut next.led[cur];
            l.corr[holder] -= signed(shl(amount));
            l.accounted -= amount;
            l.held -= amount;
            l.claimed[holder] += amount;
            if cur == 0 {
                next.eth[holder] += amount as i128;
            }
            events.push(next.vev(Vev::RevenueClaimed(ShareVault::RevenueClaimed {
                holder: actor_address(holder),
                token: next.tokens[cur],
                amount: U256::from(amount),
            })));
        }
        if !events
            .iter()
            .any(|e| matches!(e, Ev::Suite(Event::Vault(_, Vev::RevenueClaimed(_)))))
        {
            return Want::Vault(VE::VaultNothingToClaim(ShareVault::VaultNothingToClaim {
                holder: actor_address(holder),
            }));
        }
        *self = next;
        Want::Ok(events)
    }

    fn register(&mut self, target: Target) -> (Address, Want) {
        let (pair, account) = match target {
            Target::Pool(p) => (self.pairs[p], Some(PAIR_W + p)),
            Target::Actor(i) => (actor_address(i), None),
            Target::Weth => (self.weth, None),
            Target::Offering => (self.offering, None),
            Target::TokenPair => (self.token_pair, None),
        };
        let account = account.filter(|&a| self.pools[a - PAIR_W].created && self.accrues[a]);
        let Some(a) = account else {
            return (
                pair,
                Want::Vault(VE::VaultInvalidPool(ShareVault::VaultInvalidPool { pair })),
            );
        };
        let mut events = Vec::new();
        for cur in 0..CURRENCIES {
            events.extend(self.sync(cur));
            // The pair's unclaimed revenue is fresh again.
            let x = self.due(a, cur);
            let l = &mut self.led[cur];
            l.accounted -= x;
            l.corr[a] = I256::ZERO;
            l.ent[a] = U512::ZERO;
        }
        self.accrues[a] = false;
        self.registrations += 1;
        events.push(self.vev(Vev::PoolRegistered(ShareVault::PoolRegistered { pair })));
        (pair, Want::Ok(events))
    }

    // ------------------------------------------------------------------
    // Permits
    // ------------------------------------------------------------------

    fn domain(&self) -> Eip712Domain {
        domain(NAME, self.chain_id, self.vault)
    }

    fn digest(&self, p: &Signed) -> B256 {
        Permit {
            owner: actor_address(p.owner),
            spender: p.spender,
            value: p.value,
            nonce: U256::from(p.nonce),
            deadline: p.deadline,
        }
        .eip712_signing_hash(&self.domain())
    }

    /// Signs `p` with actor `signer`'s key.
    fn sign(&self, p: &mut Signed, signer: usize) {
        let sig = key(signer)
            .sign_hash_sync(&self.digest(p))
            .expect("signing a permit");
        p.v = 27 + u8::from(sig.v());
        p.r = sig.r().into();
        p.s = sig.s().into();
    }

    fn permit(&mut self, owner: usize, sp: usize, value: u128, sig: Sig) {
        let nonce = self.nonces[owner];
        let mut p = match sig {
            Sig::Replay => self
                .last_permit
                .clone()
                .expect("precondition: a permit to replay"),
            _ => Signed {
                owner,
                spender: self.spender(sp),
                value: wire(value),
                nonce,
                deadline: U256::from(match sig {
                    Sig::Valid { ttl } | Sig::Wallet(_, ttl) => self.now + ttl,
                    Sig::Expired { ago } => self.now - ago,
                    _ => self.now + 3_600,
                }),
                v: 0,
                r: B256::ZERO,
                s: B256::ZERO,
            },
        };
        match sig {
            Sig::Replay => {}
            Sig::WrongSigner(j) => self.sign(&mut p, j),
            _ => self.sign(&mut p, owner),
        }
        if let Sig::BadV = sig {
            p.v = 29;
        }
        if let Sig::Wallet(library, _) = sig {
            self.wallet = Some((library, p.clone()));
        }
        let owner = p.owner;
        let call = ShareVault::permitCall {
            owner: actor_address(owner),
            spender: p.spender,
            value: p.value,
            deadline: p.deadline,
            v: p.v,
            r: p.r,
            s: p.s,
        };
        let want = if U256::from(self.now) > p.deadline {
            Want::Vault(VE::ERC2612ExpiredSignature(
                ShareVault::ERC2612ExpiredSignature {
                    deadline: p.deadline,
                },
            ))
        } else {
            // The vault checks the signature against the owner's current
            // nonce.
            let current = Signed {
                nonce: self.nonces[owner],
                ..p.clone()
            };
            let signer = if p.v == 27 || p.v == 28 {
                Signature::new(p.r.into(), p.s.into(), p.v == 28)
                    .recover_address_from_prehash(&self.digest(&current))
                    .unwrap_or_default()
            } else {
                Address::ZERO
            };
            if signer == actor_address(owner) {
                self.nonces[owner] += 1;
                let sp = if p.spender == self.offering {
                    OFFER_SP
                } else {
                    (0..N)
                        .find(|&i| actor_address(i) == p.spender)
                        .expect("an actor")
                };
                let amount = if p.value == U256::MAX {
                    u128::MAX
                } else {
                    p.value.to()
                };
                let event = self.approval(owner, sp, amount);
                self.last_permit = Some(p.clone());
                Want::Ok(vec![event])
            } else {
                Want::Vault(VE::ERC2612InvalidSigner(ShareVault::ERC2612InvalidSigner {
                    signer,
                    owner: actor_address(owner),
                }))
            }
        };
        // The spender relays its own permit; the owner relays one for the
        // offering.
        let from = (0..N)
            .map(actor_address)
            .find(|&a| a == p.spender)
            .unwrap_or(actor_address(owner));
        let vault = self.vault;
        self.tx(from, vault, &call, U256::ZERO, want);
    }

    // ------------------------------------------------------------------
    // The offering
    // ------------------------------------------------------------------

    fn offer(&self, id: u64) -> Option<&Offer> {
        let i = usize::try_from(id).ok()?.checked_sub(1)?;
        self.offerings.get(i)
    }

    fn unknown(id: u64) -> Want {
        Want::Offering(OE::OfferingUnknown(ShareOffering::OfferingUnknown {
            id: U256::from(id),
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        seller: usize,
        shares: u128,
        price: U256,
        pay: Pay,
        cap: u128,
        deadline: u64,
        min_raise: U256,
        payee: Address,
    ) -> Want {
        use ShareOffering as O;
        let err = |e| Want::Offering(e);
        if shares == 0 {
            return err(OE::OfferingZeroShares(O::OfferingZeroShares {}));
        }
        if price.is_zero() {
            return err(OE::OfferingZeroPrice(O::OfferingZeroPrice {}));
        }
        let Some(total) = offering_cost(shares, price) else {
            return err(OE::OfferingTooLarge(O::OfferingTooLarge {
                shares: U256::from(shares),
                price,
            }));
        };
        if min_raise > total {
            return err(OE::OfferingMinRaiseAboveCost(
                O::OfferingMinRaiseAboveCost {
                    minRaise: min_raise,
                    cost: total,
                },
            ));
        }
        let latest = self.now + MAX_OFFERING_DURATION;
        if deadline <= self.now || deadline > latest {
            return err(OE::OfferingInvalidDeadline(O::OfferingInvalidDeadline {
                deadline,
                now: self.now,
                latest,
            }));
        }
        if payee.is_zero() || payee == self.offering {
            return err(OE::OfferingInvalidPayee(O::OfferingInvalidPayee { payee }));
        }
        let token = match pay {
            Pay::Eth => Address::ZERO,
            Pay::T6 => self.tokens[1],
            Pay::NotListed => {
                return err(OE::OfferingTokenNotAllowed(O::OfferingTokenNotAllowed {
                    vault: self.vault,
                    token: self.weth,
                }))
            }
        };
        let mut next = self.clone();
        let id = self.offerings.len() as u64 + 1;
        let mut events = vec![Ev::Offering(Oev::OfferingCreated(O::OfferingCreated {
            id: U256::from(id),
            vault: self.vault,
            seller: actor_address(seller),
            shares: U256::from(shares),
            price,
            paymentToken: token,
            perBuyerCap: U256::from(cap),
            deadline,
            minRaise: min_raise,
            payee,
        }))];
        match next.spend(OFFER_SP, seller, OFFERING, shares) {
            Ok(moved) => events.extend(moved),
            Err(e) => return Want::Vault(e),
        }
        next.offerings.push(Offer {
            seller,
            shares,
            price,
            t6: pay == Pay::T6,
            cap,
            deadline,
            min_raise: min_raise.to(),
            payee: (0..N)
                .find(|&i| actor_address(i) == payee)
                .expect("an actor payee"),
            sold: 0,
            raised: 0,
            paid_out: 0,
            refunded_shares: 0,
            refunded_paid: 0,
            withdrawn: 0,
            bought: [(0, 0, false); N],
        });
        *self = next;
        Want::Ok(events)
    }

    /// The call value of a purchase and the cost a token offering pulls.
    fn buy_value(&self, id: u64, shares: u128, value: Value) -> (U256, U256) {
        let (expected, pulled) = match self.offer(id) {
            Some(o) => {
                let c = cost(shares, o.price).expect("bounded at creation");
                if o.t6 {
                    (U256::ZERO, c)
                } else {
                    (c, U256::ZERO)
                }
            }
            None => (U256::ZERO, U256::ZERO),
        };
        let value = match value {
            Value::Exact => expected,
            Value::Under if !expected.is_zero() => expected - U256::from(1),
            Value::Over | Value::Under => expected + U256::from(1),
        };
        (value, pulled)
    }

    fn buy(&mut self, buyer: usize, id: u64, shares: u128, value: U256) -> Want {
        use ShareOffering as O;
        let now = self.now;
        let Some(o) = self.offer(id).cloned() else {
            return Self::unknown(id);
        };
        let idw = U256::from(id);
        let phase = o.phase(now);
        if phase != 1 {
            return Want::Offering(OE::OfferingNotOpen(O::OfferingNotOpen {
                id: idw,
                state: phase,
            }));
        }
        if shares == 0 {
            return Want::Offering(OE::OfferingZeroShares(O::OfferingZeroShares {}));
        }
        let available = o.shares - o.sold;
        if shares > available {
            return Want::Offering(OE::OfferingInsufficientShares(
                O::OfferingInsufficientShares {
                    id: idw,
                    available: U256::from(available),
                    requested: U256::from(shares),
                },
            ));
        }
        let (bought, paid, _) = o.bought[buyer];
        if o.cap != 0 && bought + shares > o.cap {
            return Want::Offering(OE::OfferingCapExceeded(O::OfferingCapExceeded {
                id: idw,
                cap: U256::from(o.cap),
                total: U256::from(bought + shares),
            }));
        }
        let c: u128 = cost(shares, o.price).expect("bounded").to();
        let expected = if o.t6 { U256::ZERO } else { U256::from(c) };
        if value != expected {
            return Want::Offering(OE::OfferingWrongValue(O::OfferingWrongValue {
                expected,
                value,
            }));
        }
        let o = &mut self.offerings[id as usize - 1];
        o.sold += shares;
        o.raised += c;
        o.bought[buyer] = (bought + shares, paid + c, false);
        if !o.t6 {
            self.eth[buyer] -= c as i128;
        }
        let mut events = vec![Ev::Offering(Oev::SharesPurchased(O::SharesPurchased {
            id: idw,
            buyer: actor_address(buyer),
            shares: U256::from(shares),
            cost: U256::from(c),
        }))];
        events.extend(self.move_shares(OFFERING, buyer, shares).expect("escrowed"));
        Want::Ok(events)
    }

    fn refund(&mut self, buyer: usize, id: u64) -> Want {
        use ShareOffering as O;
        let now = self.now;
        let Some(o) = self.offer(id).cloned() else {
            return Self::unknown(id);
        };
        let idw = U256::from(id);
        match o.phase(now) {
            3 => {}
            4 => {
                return Want::Offering(OE::OfferingRefundWindowOver(O::OfferingRefundWindowOver {
                    id: idw,
                    windowEnd: o.deadline + REFUND_WINDOW,
                }))
            }
            state => {
                return Want::Offering(OE::OfferingNotFailed(O::OfferingNotFailed {
                    id: idw,
                    state,
                }))
            }
        }
        let (shares, paid, refunded) = o.bought[buyer];
        if shares == 0 || refunded {
            return Want::Offering(OE::OfferingNothingToRefund(O::OfferingNothingToRefund {
                id: idw,
                buyer: actor_address(buyer),
            }));
        }
        let mut next = self.clone();
        let mut events = vec![Ev::Offering(Oev::PurchaseRefunded(O::PurchaseRefunded {
            id: idw,
            buyer: actor_address(buyer),
            shares: U256::from(shares),
            amount: U256::from(paid),
        }))];
        match next.spend(OFFER_SP, buyer, OFFERING, shares) {
            Ok(moved) => events.extend(moved),
            Err(e) => return Want::Vault(e),
        }
        let o = &mut next.offerings[id as usize - 1];
        o.bought[buyer].2 = true;
        o.refunded_shares += shares;
        o.refunded_paid += paid;
        if !o.t6 {
            next.eth[buyer] += paid as i128;
        }
        *self = next;
        Want::Ok(events)
    }

    fn proceeds(&mut self, id: u64) -> Want {
        let now = self.now;
        let Some(o) = self.offer(id).cloned() else {
            return Self::unknown(id);
        };
        let due = o.proceeds_due(now);
        if due == 0 {
            return Want::Offering(OE::OfferingNothingToWithdraw(
                ShareOffering::OfferingNothingToWithdraw { id: U256::from(id) },
            ));
        }
        self.offerings[id as usize - 1].paid_out += due;
        if !o.t6 {
            self.eth[o.payee] += due as i128;
        }
        Want::Ok(vec![Ev::Offering(Oev::ProceedsWithdrawn(
            ShareOffering::ProceedsWithdrawn {
                id: U256::from(id),
                payee: actor_address(o.payee),
                amount: U256::from(due),
            },
        ))])
    }

    fn withdraw_shares(&mut self, by: usize, id: u64) -> Want {
        use ShareOffering as O;
        let now = self.now;
        let Some(o) = self.offer(id).cloned() else {
            return Self::unknown(id);
        };
        let idw = U256::from(id);
        if by != o.seller {
            return Want::Offering(OE::OfferingNotSeller(O::OfferingNotSeller {
                id: idw,
                account: actor_address(by),
            }));
        }
        if o.phase(now) == 1 {
            return Want::Offering(OE::OfferingNotClosed(O::OfferingNotClosed { id: idw }));
        }
        let due = o.seller_due(now);
        if due == 0 {
            return Want::Offering(OE::OfferingNothingToWithdraw(
                O::OfferingNothingToWithdraw { id: idw },
            ));
        }
        self.offerings[id as usize - 1].withdrawn += due;
        let mut events = vec![Ev::Offering(Oev::SharesWithdrawn(O::SharesWithdrawn {
            id: idw,
            seller: actor_address(by),
            shares: U256::from(due),
        }))];
        events.extend(self.move_shares(OFFERING, by, due).expect("escrowed"));
        Want::Ok(events)
    }

    // ------------------------------------------------------------------
    // The pairs (Router02 and UniswapV2Pair arithmetic)
    // ------------------------------------------------------------------

    /// `addLiquidity`'s amounts and minted liquidity, or `None` when the
    /// router or the pair would refuse them.
    fn add_amounts(&self, pool: usize, shares: u128, other: u128) -> Option<(u128, u128, u128)> {
        let p = &self.pools[pool];
        if shares == 0 || other == 0 {
            return None;
        }
        let (a, b) = if p.shares == 0 && p.other == 0 {
            (shares, other)
        } else {
            if p.shares == 0 || p.other == 0 {
                return None;
            }
            let b = quote(shares, p.shares, p.other);
            if b <= other {
                (shares, b)
            } else {
                (quote(other, p.other, p.shares), other)
            }
        };
        let liquidity = if p.lp_supply == 0 {
            let root: u128 = (U256::from(a) * U256::from(b)).root(2).to();
            root.checked_sub(u128::from(MINIMUM_LIQUIDITY))?
        } else {
            let ts = U256::from(p.lp_supply);
            let l0 = U256::from(a) * ts / U256::from(p.shares);
            let l1 = U256::from(b) * ts / U256::from(p.other);
            l0.min(l1).to()
        };
        (liquidity > 0).then_some((a, b, liquidity))
    }

    /// The amounts `burn` pays for `liquidity`, or `None` if one is zero.
    fn remove_amounts(&self, pool: usize, liquidity: u128) -> Option<(u128, u128)> {
        let p = &self.pools[pool];
        if p.lp_supply == 0 {
            return None;
        }
        let ts = U256::from(p.lp_supply);
        let a: u128 = (U256::from(liquidity) * U256::from(p.shares) / ts).to();
        let b: u128 = (U256::from(liquidity) * U256::from(p.other) / ts).to();
        (a > 0 && b > 0).then_some((a, b))
    }

    /// The output of a swap of `amount_in` (`shares_in`: shares in, else
    /// the other token in), or `None` when the router would refuse it.
    fn swap_out(&self, pool: usize, amount_in: u128, shares_in: bool) -> Option<u128> {
        let p = &self.pools[pool];
        if amount_in == 0 || p.shares == 0 || p.other == 0 {
            return None;
        }
        let (r_in, r_out) = if shares_in {
            (p.shares, p.other)
        } else {
            (p.other, p.shares)
        };
        let out: u128 =
            get_amount_out(U256::from(amount_in), U256::from(r_in), U256::from(r_out)).to();
        (out > 0).then_some(out)
    }

    fn lease(&mut self, buyer: usize, seconds: u64) -> Want {
        let expires = self.now + seconds;
        let price = LEASE_PRICE * u128::from(seconds);
        self.lease_until = expires;
        self.lease_of[buyer] = expires;
        // Royalty and price both go to the vault.
        self.led[0].held += price;
        self.led[0].deposited += price;
        self.eth[buyer] -= price as i128;
        Want::Ok(
            nft_lease_events(
                U256::from(TOKEN),
                U256::from(LEASE_OFFER),
                actor_address(buyer),
                expires,
                U256::from(price),
                U256::from(price * ROYALTY_BPS / 10_000),
                false,
            )
            .into_iter()
            .map(Ev::Suite)
            .collect(),
        )
    }
}

/// How a router swap moves ETH: in (pool 0, buying shares), out (pool 0,
/// selling shares) or not at all (pool 1, tokens for tokens).
#[derive(Debug, Clone, Copy)]
enum SwapEth {
    In,
    Out,
    None,
}

fn router_ret<C: SolCall>(ret: &C::Return) -> Option<Bytes> {
    Some(C::abi_encode_returns(ret).into())
}

/// An amount of shares: often all of `balance`, sometimes more.
fn amount_of(balance: u128) -> BoxedStrategy<u128> {
    prop_oneof![
        3 => Just(balance),
        4 => 0..=balance,
        1 => Just(balance + 1),
    ]
    .boxed()
}

/// A part of `balance` (at least one unit when it has any).
fn part_of(balance: u128) -> BoxedStrategy<u128> {
    if balance == 0 {
        return Just(0).boxed();
    }
    prop_oneof![
        2 => Just(balance),
        2 => Just((balance / 2).max(1)),
        3 => 1..=balance,
    ]
    .boxed()
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<Model> {
        // 1 to N distinct holders, mostly with whole shares.
        let stake = prop_oneof![1 => 1u128..1_000_000, 6 => WAD..100 * WAD];
        // Half the cases start with an offering of part of the first
        // holder's shares (so that short cases reach its deadline, refunds
        // and withdrawals): the part offered in percent, the currency, the
        // price, the cap in percent of the offer, the duration and the
        // minimum raise in percent of the cost.
        let opening = proptest::option::of((
            1u128..=100,
            any::<bool>(),
            0u128..1_000_000,
            prop_oneof![2 => Just(0u128), 1 => 1u128..=100],
            prop_oneof![1 => 1u64..=3_600, 1 => 1u64..=30 * DAY],
            prop_oneof![1 => Just(0u64), 3 => 50u64..=100, 2 => Just(100u64)],
        ));
        (
            proptest::sample::subsequence((0..N).collect::<Vec<_>>(), 1..=N),
            prop::collection::vec(stake, N),
            opening,
        )
            .prop_map(|(members, stakes, opening)| {
                let holders: Vec<(usize, u128)> = members.iter().map(|&h| (h, stakes[h])).collect();
                let mut bal = [0; ACCOUNTS];
                for &(h, v) in &holders {
                    bal[h] = v;
                }
                let t = Suite::template();
                let p = probe();
                let mut accrues = [true; ACCOUNTS];
                accrues[OFFERING] = !OFFERING_NON_ACCRUING;
                // The suite's vault factory makes Router02 non-accruing too:
                // it only holds shares in transit.
                accrues[ROUTER] = false;
                let mut pools: [Pool; 2] = Default::default();
                pools[0].created = true;
                let m = Model {
                    vault: p.vault,
                    market: t.market,
                    offering: t.offering,
                    router: t.amm.router,
                    weth: t.amm.weth,
                    tokens: [Address::ZERO, p.tokens[0], p.tokens[1]],
                    pairs: [
                        t.amm.pair_for(p.vault, t.amm.weth),
                        t.amm.pair_for(p.vault, p.tokens[0]),
                    ],
                    token_pair: t.amm.pair_for(p.tokens[0], p.tokens[1]),
                    chain_id: p.chain_id,
                    start: t.start,
                    now: t.start,
                    supply: holders.iter().map(|h| h.1).sum(),
                    holders,
                    bal,
                    accrues,
                    allowance: [[0; N + 1]; N],
                    nonces: [0; N],
                    last_permit: None,
                    led: Default::default(),
                    registrations: 0,
                    pools,
                    offerings: Vec::new(),
                    eth: [0; N],
                    lease_until: 0,
                    lease_of: [0; N],
                    txs: Vec::new(),
                    warped: 0,
                    wallet: None,
                };
                let Some((pct, t6, price, cap, deadline_in, min)) = opening else {
                    return m;
                };
                let (seller, stake) = m.holders[0];
                let shares = (stake * pct / 100).max(1);
                let price = if t6 {
                    1 + price * 5
                } else {
                    1_000_000_000_000 + price * 10_000_000_000
                };
                let total = cost(shares, U256::from(price)).expect("small");
                let args = CreateArgs {
                    seller,
                    shares,
                    price: U256::from(price),
                    pay: if t6 { Pay::T6 } else { Pay::Eth },
                    cap: shares * cap / 100,
                    deadline_in,
                    min_raise: total * U256::from(min) / U256::from(100),
                    payee: Payee::Actor((seller + 1) % N),
                    approve: true,
                };
                // The initial test replays these transactions.
                Self::apply(m, &Action::Create(args))
            })
            .boxed()
    }

    fn transitions(s: &Model) -> BoxedStrategy<Action> {
        let bal = s.bal;
        let holders: Vec<usize> = (0..N).filter(|&h| bal[h] > 0).collect();
        let holder = if holders.is_empty() {
            (0..N).boxed()
        } else {
            prop_oneof![4 => select(holders), 1 => 0..N].boxed()
        };
        let actor = 0..N;
        let count = s.offerings.len() as u64;
        let id = if count == 0 {
            prop_oneof![Just(0u64), Just(1u64)].boxed()
        } else {
            prop_oneof![10 => 1..=count, 1 => Just(0u64), 1 => Just(count + 1)].boxed()
        };
        let offers = s.offerings.clone();
        let offers2 = s.offerings.clone();
        let now = s.now;

        let flaw = prop_oneof![
            20 => Just(None),
            1 => Just(Some(Flaw::ZeroShares)),
            1 => Just(Some(Flaw::MoreThanHeld)),
            1 => Just(Some(Flaw::ZeroPrice)),
            1 => Just(Some(Flaw::TooLarge)),
            1 => Just(Some(Flaw::MinAboveCost)),
            1 => Just(Some(Flaw::DeadlineNow)),
            1 => Just(Some(Flaw::DeadlineTooFar)),
            1 => Just(Some(Flaw::PayeeZero)),
            1 => Just(Some(Flaw::PayeeOffering)),
            1 => Just(Some(Flaw::NotListed)),
            1 => Just(Some(Flaw::NotApproved)),
        ];
        let create = (holder.clone(), flaw)
            .prop_flat_map(move |(seller, flaw)| {
                let shares = part_of(bal[seller]);
                let t6 = any::<bool>();
                (Just(seller), Just(flaw), shares, t6)
            })
            .prop_flat_map(|(seller, flaw, shares, t6)| {
                let price = if t6 {
                    (1u128..5_000_000).boxed()
                } else {
                    (1_000_000_000_000u128..10_000_000_000_000_000).boxed()
                };
                let cap = if shares == 0 {
                    Just(0u128).boxed()
                } else {
                    prop_oneof![2 => Just(0u128), 1 => 1..=shares, 1 => Just(shares / 3 + 1)]
                        .boxed()
                };
                let deadline = prop_oneof![
                    3 => 1..=3_600u64,
                    3 => 1..=30 * DAY,
                    1 => Just(MAX_OFFERING_DURATION),
                ];
                let payee = prop_oneof![1 => Just(seller), 2 => 0..N];
                // The minimum raise: nothing, a part of the cost, all of it.
                let min = prop_oneof![1 => Just(0u64), 3 => 1..=100u64, 2 => Just(100u64)];
                (
                    (Just(seller), Just(flaw), Just(shares), Just(t6)),
                    (price, cap, deadline, payee, min),
                )
            })
            .prop_map(
                move |((seller, flaw, shares, t6), (price, cap, deadline_in, payee, min))| {
                    let mut a = CreateArgs {
                        seller,
                        shares,
                        price: U256::from(price),
                        pay: if t6 { Pay::T6 } else { Pay::Eth },
                        cap,
                        deadline_in,
                        min_raise: U256::ZERO,
                        payee: Payee::Actor(payee),
                        approve: true,
                    };
                    match flaw {
                        Some(Flaw::ZeroShares) => a.shares = 0,
                        Some(Flaw::MoreThanHeld) => a.shares = bal[seller] + 1,
                        Some(Flaw::ZeroPrice) => a.price = U256::ZERO,
                        // Even one share unit costs more than 128 bits.
                        Some(Flaw::TooLarge) => a.price = U256::from(1) << 255,
                        Some(Flaw::DeadlineNow) => a.deadline_in = 0,
                        Some(Flaw::DeadlineTooFar) => a.deadline_in = MAX_OFFERING_DURATION + 1,
                        Some(Flaw::PayeeZero) => a.payee = Payee::Zero,
                        Some(Flaw::PayeeOffering) => a.payee = Payee::Offering,
                        Some(Flaw::NotListed) => a.pay = Pay::NotListed,
                        Some(Flaw::NotApproved) => a.approve = false,
                        Some(Flaw::MinAboveCost) | None => {}
                    }
                    let total = cost(a.shares, a.price).unwrap_or(U256::MAX);
                    a.min_raise = if matches!(flaw, Some(Flaw::MinAboveCost)) {
                        total.saturating_add(U256::from(1))
                    } else {
                        total.saturating_mul(U256::from(min)) / U256::from(100)
                    };
                    Action::Create(a)
                },
            );

        let value =
            prop_oneof![8 => Just(Value::Exact), 1 => Just(Value::Over), 1 => Just(Value::Under)];
        // Purchases mostly from an open offering.
        let open_ids: Vec<u64> = (1..=count)
            .filter(|&i| s.offerings[i as usize - 1].phase(now) == 1)
            .collect();
        let buy_id = if open_ids.is_empty() {
            id.clone()
        } else {
            prop_oneof![4 => select(open_ids), 1 => id.clone()].boxed()
        };
        let buy = (actor.clone(), buy_id, value)
            .prop_flat_map(move |(buyer, id, value)| {
                let (available, left) = match usize::try_from(id)
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| offers.get(i))
                {
                    Some(o) => (
                        o.shares - o.sold,
                        if o.cap == 0 {
                            u128::MAX
                        } else {
                            o.cap.saturating_sub(o.bought[buyer].0)
                        },
                    ),
                    None => (WAD, u128::MAX),
                };
                let max = available.min(left);
                let shares = prop_oneof![
                    2 => if max == 0 { Just(1u128).boxed() } else { (1..=max).boxed() },
                    3 => 1..=(max / 4).max(1),
                    2 => Just(max.max(1)),
                    1 => Just(available.saturating_add(1)),
                    1 => Just(left.saturating_add(1).min(available)),
                    1 => Just(0u128),
                ];
                (Just(buyer), Just(id), shares, Just(value))
            })
            .prop_map(|(buyer, id, shares, value)| Action::Buy {
                buyer,
                id,
                shares,
                value,
            });

        // Refunds mostly by a buyer who holds an unrefunded purchase of a
        // failed offering in its window, else of a closed one.
        let unrefunded = |phases: &[u8]| -> Vec<(usize, u64)> {
            offers2
                .iter()
                .enumerate()
                .filter(|(_, o)| phases.contains(&o.phase(now)))
                .flat_map(|(i, o)| {
                    (0..N)
                        .filter(|&b| o.bought[b].0 > 0 && !o.bought[b].2)
                        .map(move |b| (b, i as u64 + 1))
                })
                .collect()
        };
        let in_window = unrefunded(&[3]);
        let closed = unrefunded(&[2, 4]);
        let can_refund = !in_window.is_empty();
        let refunder = match (in_window.is_empty(), closed.is_empty()) {
            (false, _) => {
                prop_oneof![6 => select(in_window), 1 => (actor.clone(), id.clone())].boxed()
            }
            (true, false) => {
                prop_oneof![3 => select(closed), 1 => (actor.clone(), id.clone())].boxed()
            }
            (true, true) => (actor.clone(), id.clone()).boxed(),
        };
        let refund = (refunder, prop_oneof![3 => Just(true), 1 => Just(false)])
            .prop_map(|((buyer, id), approve)| Action::Refund { buyer, id, approve });
        let sellers: Vec<usize> = s.offerings.iter().map(|o| o.seller).collect();
        let withdraw = (
            id.clone(),
            actor.clone(),
            prop_oneof![3 => Just(true), 1 => Just(false)],
        )
            .prop_map(move |(id, other, own)| {
                let seller = usize::try_from(id)
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| sellers.get(i).copied());
                Action::WithdrawShares {
                    by: if own { seller.unwrap_or(other) } else { other },
                    id,
                }
            });

        let spender = prop_oneof![2 => Just(OFFER_SP), 3 => 0..N];
        let approve = (holder.clone(), spender.clone())
            .prop_flat_map(move |(owner, spender)| {
                (
                    Just(owner),
                    Just(spender),
                    prop_oneof![1 => Just(u128::MAX), 3 => 0..=bal[owner] * 2],
                )
            })
            .prop_map(|(owner, spender, amount)| Action::Approve {
                owner,
                spender,
                amount,
            });
        let replay = s.last_permit.is_some();
        let sig = prop_oneof![
            8 => (0u64..3_600).prop_map(|ttl| Sig::Valid { ttl }),
            2 => (1u64..3_600).prop_map(|ago| Sig::Expired { ago }),
            3 => Just(if replay { Sig::Replay } else { Sig::Valid { ttl: 60 } }),
            2 => (1..N).prop_map(Sig::WrongSigner),
            1 => Just(Sig::BadV),
            1 => (prop_oneof![Just(Library::Ethers), Just(Library::Viem)], 0u64..3_600)
                .prop_map(|(l, ttl)| Sig::Wallet(l, ttl)),
        ];
        let permit = (holder.clone(), spender, sig)
            .prop_flat_map(move |(owner, spender, sig)| {
                let sig = match sig {
                    Sig::WrongSigner(k) => Sig::WrongSigner((owner + k) % N),
                    sig => sig,
                };
                (
                    Just(owner),
                    Just(spender),
                    prop_oneof![1 => Just(u128::MAX), 3 => 0..=bal[owner]],
                    Just(sig),
                )
            })
            .prop_map(|(owner, spender, value, sig)| Action::Permit {
                owner,
                spender,
                value,
                sig,
            });
        let allowance = s.allowance;
        let transfer_from = (actor.clone(), holder.clone(), actor.clone())
            .prop_flat_map(move |(spender, from, to)| {
                let cap = allowance[from][spender].min(bal[from]);
                (Just(spender), Just(from), Just(to), amount_of(cap))
            })
            .prop_map(|(spender, from, to, amount)| Action::TransferFrom {
                spender,
                from,
                to,
                amount,
            });
        let transfer = (holder.clone(), actor.clone())
            .prop_flat_map(move |(from, to)| (Just(from), Just(to), amount_of(bal[from])))
            .prop_map(|(from, to, amount)| Action::Transfer { from, to, amount });
        let register = (
            actor.clone(),
            prop_oneof![
                8 => (0..2usize).prop_map(Target::Pool),
                1 => (0..N).prop_map(Target::Actor),
                1 => Just(Target::Weth),
                1 => Just(Target::Offering),
                1 => Just(Target::TokenPair),
            ],
        )
            .prop_map(|(by, target)| Action::Register { by, target });

        // Liquidity near the pool's price when it has one.
        let pools = s.pools.clone();
        let add = (holder.clone(), 0..2usize)
            .prop_flat_map(move |(lp, pool)| {
                let p = &pools[pool];
                let other = if p.shares > 0 && p.other > 0 {
                    (1u64..=200)
                        .prop_map({
                            let (rs, ro) = (p.shares, p.other);
                            move |pct| {
                                (quote(bal[lp].max(1), rs, ro) * u128::from(pct) / 100).max(1)
                            }
                        })
                        .boxed()
                } else if pool == 0 {
                    (1_000_000_000_000u128..2_000_000_000_000_000_000).boxed()
                } else {
                    (1u128..10_000_000_000).boxed()
                };
                (Just(lp), Just(pool), part_of(bal[lp]), other)
            })
            .prop_map(|(lp, pool, shares, other)| Action::AddLiquidity {
                lp,
                pool,
                shares,
                other,
            });
        let pools = s.pools.clone();
        let providers: Vec<(usize, usize)> = (0..2)
            .flat_map(|p| (0..N).map(move |lp| (lp, p)))
            .filter(|&(lp, p)| s.pools[p].lp[lp] > 0)
            .collect();
        let providers_empty = providers.is_empty();
        let provider = if providers.is_empty() {
            (actor.clone(), 0..2usize).boxed()
        } else {
            select(providers).boxed()
        };
        let remove = provider
            .prop_flat_map(move |(lp, pool)| (Just(lp), Just(pool), part_of(pools[pool].lp[lp])))
            .prop_map(|(lp, pool, liquidity)| Action::RemoveLiquidity {
                lp,
                pool,
                liquidity,
            });
        let greedy = prop_oneof![7 => Just(false), 1 => Just(true)];
        let buy_shares = (actor.clone(), 0..2usize, greedy.clone())
            .prop_flat_map(|(trader, pool, greedy)| {
                let amount = if pool == 0 {
                    (1u128..1_000_000_000_000_000_000).boxed()
                } else {
                    (1u128..100_000_000).boxed()
                };
                (Just(trader), Just(pool), amount, Just(greedy))
            })
            .prop_map(|(trader, pool, amount_in, greedy)| Action::BuyShares {
                trader,
                pool,
                amount_in,
                greedy,
            });
        let sell_shares = (holder.clone(), 0..2usize, greedy)
            .prop_flat_map(move |(trader, pool, greedy)| {
                (Just(trader), Just(pool), part_of(bal[trader]), Just(greedy))
            })
            .prop_map(|(trader, pool, shares, greedy)| Action::SellShares {
                trader,
                pool,
                shares,
                greedy,
            });
        let donate = (holder, 0..2usize, proptest::option::of(actor.clone()))
            .prop_flat_map(move |(from, pool, skim_to)| {
                (Just(from), Just(pool), 0..=bal[from], Just(skim_to))
            })
            .prop_map(|(from, pool, amount, skim_to)| Action::Donate {
                from,
                pool,
                amount,
                skim_to,
            });
        let amount = |cur: usize| match cur {
            1 => prop_oneof![1u128..10_000, 1u128..3_000_000_000].boxed(),
            _ => prop_oneof![1u128..10_000, 1u128..2_000_000_000_000_000_000].boxed(),
        };
        let deposit = (actor.clone(), 0..CURRENCIES)
            .prop_flat_map(move |(from, cur)| (Just(from), Just(cur), amount(cur)))
            .prop_map(|(from, cur, amount)| Action::Deposit { from, cur, amount });
        let lease = (actor.clone(), 1u64..600)
            .prop_map(|(buyer, seconds)| Action::Lease { buyer, seconds });
        let view = s.synced();
        let due: Vec<usize> = (0..N)
            .filter(|&h| (0..CURRENCIES).any(|c| view.due(h, c) > 0))
            .collect();
        let due_empty = due.is_empty();
        let claimer = if due.is_empty() {
            (0..N).boxed()
        } else {
            prop_oneof![4 => select(due), 1 => 0..N].boxed()
        };
        let claim = (
            claimer,
            prop_oneof![2 => Just(None), 3 => (0..CURRENCIES).prop_map(Some)],
        )
            .prop_map(|(holder, cur)| Action::Claim { holder, cur });
        // Warps to the deadlines and refund-window ends ahead (their last
        // second in and their first out), or a few minutes.
        let mut ahead: Vec<u64> = s
            .offerings
            .iter()
            .flat_map(|o| [o.deadline, o.deadline + REFUND_WINDOW])
            .filter(|&t| t >= now)
            .flat_map(|t| [t - now, t + 1 - now])
            .filter(|&d| d > 0 && now + d <= s.start + HORIZON)
            .collect();
        ahead.sort_unstable();
        ahead.dedup();
        // Above all, past the deadline of an open offering whose buyers
        // have not reached its minimum raise (refunds follow).
        let failing: Vec<u64> = s
            .offerings
            .iter()
            .filter(|o| o.phase(now) == 1 && o.sold > 0 && o.raised < o.min_raise)
            .map(|o| o.deadline + 1 - now)
            .filter(|&d| now + d <= s.start + HORIZON)
            .collect();
        let warp = match (ahead.is_empty(), failing.is_empty()) {
            (true, _) => (1u64..1_200).boxed(),
            (false, true) => prop_oneof![1 => 1u64..1_200, 3 => select(ahead)].boxed(),
            (false, false) => {
                prop_oneof![1 => 1u64..1_200, 2 => select(ahead), 4 => select(failing)].boxed()
            }
        };
        let warp = warp.prop_map(|seconds| Action::Warp { seconds });
        let withdraw_proceeds = (actor, id).prop_map(|(by, id)| Action::Proceeds { by, id });

        // Weights follow the state, so that a short case walks an
        // offering through its life and trades on a pool with liquidity.
        let w = |yes: bool, hi: u32, lo: u32| if yes { hi } else { lo };
        let offers = &s.offerings;
        let open = offers.iter().any(|o| o.phase(now) == 1);
        let refunding = offers.iter().any(|o| o.phase(now) == 3);
        let proceeds = offers.iter().any(|o| o.proceeds_due(now) > 0);
        let unsold = offers.iter().any(|o| o.phase(now) != 1 && o.escrow() > 0);
        let liquid = s.pools.iter().any(|p| p.lp_supply > 0);
        let pending =
            s.pools.iter().any(|p| p.created) && s.accrues[PAIR_W..=PAIR_6].contains(&true);
        prop_oneof![
            w(offers.is_empty(), 8, 3) => create,
            w(open, 9, 1) => buy,
            if can_refund { 20 } else { w(refunding, 3, 1) } => refund,
            w(proceeds, 3, 1) => withdraw_proceeds,
            w(unsold, 3, 1) => withdraw,
            2 => approve,
            3 => permit,
            2 => transfer_from,
            2 => transfer,
            w(pending, 3, 1) => register,
            w(liquid, 3, 5) => add,
            w(!providers_empty, 2, 1) => remove,
            w(liquid, 3, 1) => buy_shares,
            w(liquid, 3, 1) => sell_shares,
            2 => donate,
            4 => deposit,
            1 => lease,
            w(!due_empty, 4, 1) => claim,
            w(offers.is_empty(), 2, 5) => warp,
        ]
        .boxed()
    }

    fn preconditions(s: &Model, t: &Action) -> bool {
        match *t {
            Action::Buy {
                id, shares, value, ..
            } => s.buy_value(id, shares, value).0 <= U256::from(MAX_ETH_PER_ACTION),
            Action::Permit { owner, sig, .. } => match sig {
                Sig::Replay => s.last_permit.is_some(),
                Sig::WrongSigner(j) => j != owner,
                _ => true,
            },
            Action::AddLiquidity {
                lp,
                pool,
                shares,
                other,
            } => {
                s.bal[lp] >= shares
                    && (pool == 1 || other <= MAX_ETH_PER_ACTION)
                    && s.add_amounts(pool, shares, other).is_some()
            }
            Action::RemoveLiquidity {
                lp,
                pool,
                liquidity,
            } => {
                liquidity > 0
                    && s.pools[pool].lp[lp] >= liquidity
                    && s.remove_amounts(pool, liquidity).is_some()
            }
            Action::BuyShares {
                pool, amount_in, ..
            } => s.swap_out(pool, amount_in, false).is_some(),
            Action::SellShares {
                trader,
                pool,
                shares,
                ..
            } => s.bal[trader] >= shares && s.swap_out(pool, shares, true).is_some(),
            Action::Donate {
                from,
                pool,
                amount,
                skim_to,
            } => {
                // A `sync` of an empty pair would leave one reserve zero,
                // which the router can never add liquidity to.
                s.pools[pool].created
                    && s.bal[from] >= amount
                    && (skim_to.is_some() || s.pools[pool].lp_supply > 0)
            }
            Action::Lease { buyer, .. } => s.lease_until < s.now && s.lease_of[buyer] < s.now,
            Action::Warp { seconds } => s.now + seconds <= s.start + HORIZON,
            _ => true,
        }
    }

    fn apply(mut s: Model, t: &Action) -> Model {
        s.txs.clear();
        s.warped = 0;
        s.wallet = None;
        let a = actor_address;
        let (vault, offering, router) = (s.vault, s.offering, s.router);
        match *t {
            Action::Create(CreateArgs {
                seller,
                shares,
                price,
                pay,
                cap,
                deadline_in,
                min_raise,
                payee,
                approve,
            }) => {
                if approve {
                    let event = s.approval(seller, OFFER_SP, shares);
                    let call = ShareVault::approveCall {
                        spender: offering,
                        value: U256::from(shares),
                    };
                    s.tx(a(seller), vault, &call, U256::ZERO, Want::Ok(vec![event]));
                }
                let deadline = s.now + deadline_in;
                let payee = match payee {
                    Payee::Actor(i) => a(i),
                    Payee::Zero => Address::ZERO,
                    Payee::Offering => offering,
                };
                let token = match pay {
                    Pay::Eth => Address::ZERO,
                    Pay::T6 => s.tokens[1],
                    Pay::NotListed => s.weth,
                };
                let call = ShareOffering::createOfferingCall {
                    vault,
                    shares: U256::from(shares),
                    price,
                    paymentToken: token,
                    perBuyerCap: U256::from(cap),
                    deadline,
                    minRaise: min_raise,
                    payee,
                };
                let want = s.create(seller, shares, price, pay, cap, deadline, min_raise, payee);
                s.tx(a(seller), offering, &call, U256::ZERO, want);
            }
            Action::Buy {
                buyer,
                id,
                shares,
                value,
            } => {
                let (value, pulled) = s.buy_value(id, shares, value);
                if !pulled.is_zero() {
                    let t6 = s.tokens[1];
                    s.quiet(
                        a(buyer),
                        t6,
                        &TestToken::mintCall {
                            to: a(buyer),
                            value: pulled,
                        },
                    );
                }
                let want = s.buy(buyer, id, shares, value);
                let call = ShareOffering::buyCall {
                    id: U256::from(id),
                    shares: U256::from(shares),
                };
                s.tx(a(buyer), offering, &call, value, want);
            }
            Action::Refund { buyer, id, approve } => {
                if approve {
                    let amount = s.offer(id).map_or(1, |o| o.bought[buyer].0.max(1));
                    let event = s.approval(buyer, OFFER_SP, amount);
                    let call = ShareVault::approveCall {
                        spender: offering,
                        value: U256::from(amount),
                    };
                    s.tx(a(buyer), vault, &call, U256::ZERO, Want::Ok(vec![event]));
                }
                let want = s.refund(buyer, id);
                let call = ShareOffering::refundCall { id: U256::from(id) };
                s.tx(a(buyer), offering, &call, U256::ZERO, want);
            }
            Action::Proceeds { by, id } => {
                let want = s.proceeds(id);
                let call = ShareOffering::withdrawProceedsCall { id: U256::from(id) };
                s.tx(a(by), offering, &call, U256::ZERO, want);
            }
            Action::WithdrawShares { by, id } => {
                let want = s.withdraw_shares(by, id);
                let call = ShareOffering::withdrawSharesCall { id: U256::from(id) };
                s.tx(a(by), offering, &call, U256::ZERO, want);
            }
            Action::Approve {
                owner,
                spender,
                amount,
            } => {
                let event = s.approval(owner, spender, amount);
                let call = ShareVault::approveCall {
                    spender: s.spender(spender),
                    value: wire(amount),
                };
                s.tx(a(owner), vault, &call, U256::ZERO, Want::Ok(vec![event]));
            }
            Action::Permit {
                owner,
                spender,
                value,
                sig,
            } => s.permit(owner, spender, value, sig),
            Action::TransferFrom {
                spender,
                from,
                to,
                amount,
            } => {
                let want = match s.spend(spender, from, to, amount) {
                    Ok(events) => Want::Ok(events),
                    Err(e) => Want::Vault(e),
                };
                let call = ShareVault::transferFromCall {
                    from: a(from),
                    to: a(to),
                    value: U256::from(amount),
                };
                s.tx(a(spender), vault, &call, U256::ZERO, want);
            }
            Action::Transfer { from, to, amount } => {
                let want = match s.move_shares(from, to, amount) {
                    Ok(events) => Want::Ok(events),
                    Err(e) => Want::Vault(e),
                };
                let call = ShareVault::transferCall {
                    to: a(to),
                    value: U256::from(amount),
                };
                s.tx(a(from), vault, &call, U256::ZERO, want);
            }
            Action::Register { by, target } => {
                let (pair, want) = s.register(target);
                s.tx(
                    a(by),
                    vault,
                    &ShareVault::registerPoolCall { pair },
                    U256::ZERO,
                    want,
                );
            }
            Action::AddLiquidity {
                lp,
                pool,
                shares,
                other,
            } => {
                let (x, y, liquidity) = s.add_amounts(pool, shares, other).expect("precondition");
                let events = s.move_shares(lp, PAIR_W + pool, x).expect("precondition");
                let p = &mut s.pools[pool];
                if p.lp_supply == 0 {
                    p.lp_supply = u128::from(MINIMUM_LIQUIDITY);
                }
                p.created = true;
                p.shares += x;
                p.other += y;
                p.lp_supply += liquidity;
                p.lp[lp] += liquidity;
                let (x, y, l) = (U256::from(x), U256::from(y), U256::from(liquidity));
                if pool == 0 {
                    s.eth[lp] -= y.to::<u128>() as i128;
                    let call = IUniswapV2Router02::addLiquidityETHCall {
                        token: vault,
                        amountTokenDesired: U256::from(shares),
                        amountTokenMin: U256::ZERO,
                        amountETHMin: U256::ZERO,
                        to: a(lp),
                        deadline: NO_DEADLINE,
                    };
                    s.tx(a(lp), router, &call, U256::from(other), Want::Ok(events));
                    s.txs.last_mut().expect("sent").ret =
                        router_ret::<IUniswapV2Router02::addLiquidityETHCall>(
                            &IUniswapV2Router02::addLiquidityETHReturn {
                                amountToken: x,
                                amountETH: y,
                                liquidity: l,
                            },
                        );
                } else {
                    let t6 = s.tokens[1];
                    s.quiet(
                        a(lp),
                        t6,
                        &TestToken::mintCall {
                            to: a(lp),
                            value: U256::from(other),
                        },
                    );
                    let call = IUniswapV2Router02::addLiquidityCall {
                        tokenA: vault,
                        tokenB: t6,
                        amountADesired: U256::from(shares),
                        amountBDesired: U256::from(other),
                        amountAMin: U256::ZERO,
                        amountBMin: U256::ZERO,
                        to: a(lp),
                        deadline: NO_DEADLINE,
                    };
                    s.tx(a(lp), router, &call, U256::ZERO, Want::Ok(events));
                    s.txs.last_mut().expect("sent").ret =
                        router_ret::<IUniswapV2Router02::addLiquidityCall>(
                            &IUniswapV2Router02::addLiquidityReturn {
                                amountA: x,
                                amountB: y,
                                liquidity: l,
                            },
                        );
                }
            }
            Action::RemoveLiquidity {
                lp,
                pool,
                liquidity,
            } => {
                let (x, y) = s.remove_amounts(pool, liquidity).expect("precondition");
                let pair = s.pairs[pool];
                s.quiet(
                    a(lp),
                    pair,
                    &IUniswapV2Pair::approveCall {
                        spender: router,
                        value: U256::from(liquidity),
                    },
                );
                let p = &mut s.pools[pool];
                p.shares -= x;
                p.other -= y;
                p.lp_supply -= liquidity;
                p.lp[lp] -= liquidity;
                let (xw, yw) = (U256::from(x), U256::from(y));
                if pool == 0 {
                    // The pair pays the router, which pays the provider.
                    let mut events = s.move_shares(PAIR_W, ROUTER, x).expect("reserves");
                    events.extend(s.move_shares(ROUTER, lp, x).expect("just received"));
                    s.eth[lp] += y as i128;
                    let call = IUniswapV2Router02::removeLiquidityETHCall {
                        token: vault,
                        liquidity: U256::from(liquidity),
                        amountTokenMin: U256::ZERO,
                        amountETHMin: U256::ZERO,
                        to: a(lp),
                        deadline: NO_DEADLINE,
                    };
                    s.tx(a(lp), router, &call, U256::ZERO, Want::Ok(events));
                    s.txs.last_mut().expect("sent").ret =
                        router_ret::<IUniswapV2Router02::removeLiquidityETHCall>(
                            &IUniswapV2Router02::removeLiquidityETHReturn {
                                amountToken: xw,
                                amountETH: yw,
                            },
                        );
                } else {
                    let events = s.move_shares(PAIR_6, lp, x).expect("reserves");
                    let call = IUniswapV2Router02::removeLiquidityCall {
                        tokenA: vault,
                        tokenB: s.tokens[1],
                        liquidity: U256::from(liquidity),
                        amountAMin: U256::ZERO,
                        amountBMin: U256::ZERO,
                        to: a(lp),
                        deadline: NO_DEADLINE,
                    };
                    s.tx(a(lp), router, &call, U256::ZERO, Want::Ok(events));
                    s.txs.last_mut().expect("sent").ret =
                        router_ret::<IUniswapV2Router02::removeLiquidityCall>(
                            &IUniswapV2Router02::removeLiquidityReturn {
                                amountA: xw,
                                amountB: yw,
                            },
                        );
                }
            }
            Action::BuyShares {
                trader,
                pool,
                amount_in,
                greedy,
            } => {
                let out = s.swap_out(pool, amount_in, false).expect("precondition");
                let other = if pool == 0 { s.weth } else { s.tokens[1] };
                if pool == 1 {
                    s.quiet(
                        a(trader),
                        other,
                        &TestToken::mintCall {
                            to: a(trader),
                            value: U256::from(amount_in),
                        },
                    );
                }
                let min = U256::from(out + u128::from(greedy));
                let path = vec![other, vault];
                let want = if greedy {
                    Want::Reason(INSUFFICIENT_OUTPUT)
                } else {
                    let p = &mut s.pools[pool];
                    p.other += amount_in;
                    p.shares -= out;
                    if pool == 0 {
                        s.eth[trader] -= amount_in as i128;
                    }
                    Want::Ok(s.move_shares(PAIR_W + pool, trader, out).expect("reserves"))
                };
                let eth = if pool == 0 {
                    SwapEth::In
                } else {
                    SwapEth::None
                };
                let out = (!greedy).then_some(out);
                s.swap(router, a(trader), eth, amount_in, min, path, want, out);
            }
            Action::SellShares {
                trader,
                pool,
                shares,
                greedy,
            } => {
                let out = s.swap_out(pool, shares, true).expect("precondition");
                let other = if pool == 0 { s.weth } else { s.tokens[1] };
                let min = U256::from(out + u128::from(greedy));
                let path = vec![vault, other];
                let want = if greedy {
                    Want::Reason(INSUFFICIENT_OUTPUT)
                } else {
                    let events = s
                        .move_shares(trader, PAIR_W + pool, shares)
                        .expect("precondition");
                    let p = &mut s.pools[pool];
                    p.shares += shares;
                    p.other -= out;
                    if pool == 0 {
                        s.eth[trader] += out as i128;
                    }
                    Want::Ok(events)
                };
                let eth = if pool == 0 {
                    SwapEth::Out
                } else {
                    SwapEth::None
                };
                let out = (!greedy).then_some(out);
                s.swap(router, a(trader), eth, shares, min, path, want, out);
            }
            Action::Donate {
                from,
                pool,
                amount,
                skim_to,
            } => {
                let pair = s.pairs[pool];
                let account = PAIR_W + pool;
                let events = s.move_shares(from, account, amount).expect("precondition");
                s.tx(
                    a(from),
                    vault,
                    &ShareVault::transferCall {
                        to: pair,
                        value: U256::from(amount),
                    },
                    U256::ZERO,
                    Want::Ok(events),
                );
                // The donation sits beside the reserve until skim or sync.
                let reserve = s.pools[pool].shares;
                s.txs.last_mut().expect("sent").shares_after = Some((pair, reserve + amount));
                match skim_to {
                    Some(to) => {
                        // The pair hands out both excesses: the donation,
                        // and zero of the other token.
                        let events = s.move_shares(account, to, amount).expect("donated");
                        s.tx(
                            a(from),
                            pair,
                            &IUniswapV2Pair::skimCall { to: a(to) },
                            U256::ZERO,
                            Want::Ok(events),
                        );
                    }
                    None => {
                        s.pools[pool].shares += amount;
                        s.tx(
                            a(from),
                            pair,
                            &IUniswapV2Pair::syncCall {},
                            U256::ZERO,
                            Want::Ok(Vec::new()),
                        );
                    }
                }
            }
            Action::Deposit { from, cur, amount } => {
                s.led[cur].held += amount;
                s.led[cur].deposited += amount;
                if cur == 0 {
                    s.eth[from] -= amount as i128;
                    s.txs.push(Tx {
                        from: a(from),
                        to: vault,
                        data: Bytes::new(),
                        value: U256::from(amount),
                        want: Want::Ok(Vec::new()),
                        ret: None,
                        shares_after: None,
                    });
                } else {
                    let token = s.tokens[cur];
                    s.quiet(
                        a(from),
                        token,
                        &TestToken::mintCall {
                            to: vault,
                            value: U256::from(amount),
                        },
                    );
                }
            }
            Action::Lease { buyer, seconds } => {
                let price = U256::from(LEASE_PRICE * u128::from(seconds));
                let want = s.lease(buyer, seconds);
                let market = s.market;
                let call = LicenseMarket::buyLeaseCall {
                    offerId: U256::from(LEASE_OFFER),
                    duration: seconds,
                    maxPrice: price,
                    version: 1,
                };
                s.tx(a(buyer), market, &call, price, want);
            }
            Action::Claim { holder, cur } => {
                let curs: Vec<usize> = cur.map_or((0..CURRENCIES).collect(), |c| vec![c]);
                let want = s.claim(holder, &curs);
                let tokens = curs.iter().map(|&c| s.tokens[c]).collect();
                s.tx(
                    a(holder),
                    vault,
                    &ShareVault::claimCall { tokens },
                    U256::ZERO,
                    want,
                );
            }
            Action::Warp { seconds } => {
                s.now += seconds;
                s.warped = seconds;
            }
        }
        s
    }
}

/// The 6- and 18-decimal test tokens, created by the admin in every fresh
/// suite (CREATE2: the same addresses in every case).
fn create_test_tokens(s: &mut Suite) -> [Address; 2] {
    let admin = s.admin();
    [(6u8, "T6"), (18, "T18")].map(|(decimals, symbol)| {
        s.create(
            admin,
            B256::with_last_byte(decimals),
            test_token_code(symbol, decimals),
        )
    })
}

/// What every case shares and the model needs in advance: the vault actor
/// `CREATOR` gets with salt 0, the test tokens and the chain id (probed
/// once on a fresh suite).
struct Probe {
    vault: Address,
    tokens: [Address; 2],
    chain_id: u64,
}

fn probe() -> &'static Probe {
    static PROBE: OnceLock<Probe> = OnceLock::new();
    PROBE.get_or_init(|| {
        let mut s = Suite::fresh();
        let tokens = create_test_tokens(&mut s);
        let factory = s.vault_factory;
        let vault = s.view(
            factory,
            &VaultFactory::predictVaultCall {
                creator: actor_address(CREATOR),
                salt: B256::ZERO,
            },
        );
        let chain_id = s.view(ARBSYS, &ArbSys::arbChainIDCall {}).to();
        Probe {
            vault,
            tokens,
            chain_id,
        }
    })
}

struct World {
    s: Suite,
    /// Every actor's ETH at the start.
    eth0: [U256; N],
    /// ETH across every account the suite can move.
    eth_total: U256,
    /// The accounts `eth_total` adds to the suite's own.
    extra: Vec<Address>,
    /// Each account's claimed + claimable per currency at the last check,
    /// and whether it accrued then.
    totals: [[u128; CURRENCIES]; ACCOUNTS],
    /// What the chain showed at the last check: each account's balance,
    /// accrual flag and claimable per currency, and each purchase record
    /// (re-read when the model's changes, and all of them at the start and
    /// the end of the case).
    seen: [[Option<(u128, bool, u128)>; CURRENCIES]; ACCOUNTS],
    seen_purchases: Vec<[(u128, u128, bool); N]>,
    accrued: [bool; ACCOUNTS],
    /// The permit nonces at the last check.
    nonces: [U256; N],
}

impl World {
    /// The events the machine compares: the suite's decoded ones and the
    /// offering's (tokens', WETH's and pairs' own are left out).
    fn observed(&self, events: Vec<Event>) -> Vec<Ev> {
        let offering = self.s.offering;
        events
            .into_iter()
            .filter_map(|e| match e {
                Event::Other(log) if log.address == offering => Some(Ev::Offering(
                    Oev::decode_raw_log(log.topics(), &log.data.data)
                        .unwrap_or_else(|e| panic!("undecodable offering log {log:?}: {e}")),
                )),
                Event::Other(_) => None,
                e => Some(Ev::Suite(e)),
            })
            .collect()
    }

    /// Checks one transaction's outcome against the model's.
    fn check(&self, t: Option<&Action>, i: usize, tx: &Tx, got: Result<Sent<Bytes>, Revert>) {
        use alloy_sol_types::{SolError, SolInterface};
        match (&tx.want, got) {
            (Want::Ok(want), Ok(sent)) => {
                // Invariant 12.
                assert_eq!(
                    &self.observed(sent.events),
                    want,
                    "events of transaction {i} of {t:?}"
                );
                if let Some(ret) = &tx.ret {
                    assert_eq!(&sent.ret, ret, "return of transaction {i} of {t:?}");
                }
            }
            (Want::Ok(_), Err(r)) => panic!(
                "transaction {i} of {t:?} reverted: {:?} / {:?} / {:?} ({r:?})",
                VE::abi_decode(&r.data).ok(),
                OE::abi_decode(&r.data).ok(),
                alloy_sol_types::Revert::abi_decode(&r.data).ok()
            ),
            (want, Ok(_)) => {
                panic!("transaction {i} of {t:?} succeeded, the model expected {want:?}")
            }
            // Invariant 10 (`Suite::send_raw` checked that nothing changed).
            (Want::Vault(e), Err(r)) => {
                assert_eq!(&r.decode::<VE>(), e, "error of transaction {i} of {t:?}");
            }
            (Want::Offering(e), Err(r)) => {
                assert_eq!(&r.decode::<OE>(), e, "error of transaction {i} of {t:?}");
            }
            (Want::Reason(why), Err(r)) => assert_eq!(
                alloy_sol_types::Revert::abi_decode(&r.data)
                    .map(|e| e.reason)
                    .ok()
                    .as_deref(),
                Some(*why),
                "reason of transaction {i} of {t:?}"
            ),
        }
    }

    fn vault_view<C: SolCall>(&mut self, m: &Model, call: &C) -> C::Return {
        self.s.view(m.vault, call)
    }

    fn token_balance(&mut self, token: Address, account: Address) -> U256 {
        self.s.view(token, &TestToken::balanceOfCall { account })
    }

    /// Checks the chain against the model: every balance, flag, nonce,
    /// reserve, offering and ETH balance; the claimable amounts and
    /// purchase records that the model says changed since they were last
    /// read, or (`full`) all of them.
    fn compare(&mut self, m: &Model, full: bool) {
        let vault = m.vault;
        let v = m.synced();
        // Invariant 22: shares are conserved.
        assert_eq!(m.bal.iter().sum::<u128>(), m.supply, "model shares");
        let supply = self.vault_view(m, &ShareVault::totalSupplyCall {});
        assert_eq!(supply, U256::from(m.supply), "totalSupply");
        for a in 0..ACCOUNTS {
            let account = m.account(a);
            let balance = self.vault_view(m, &ShareVault::balanceOfCall { account });
            assert_eq!(balance, U256::from(m.bal[a]), "shares of account {a}");
        }
        // Invariant 20.
        let accruing = self.vault_view(m, &ShareVault::accruingSupplyCall {});
        assert_eq!(accruing, U256::from(m.accruing()), "accruingSupply");
        for a in [PAIR_W, PAIR_6, OFFERING, ROUTER] {
            let account = m.account(a);
            let accrues = self.vault_view(m, &ShareVault::accruesCall { account });
            assert_eq!(accrues, m.accrues[a], "accrues of account {a}");
        }
        // Invariant 19, per currency.
        let supply = U512::from(m.supply);
        for cur in 0..CURRENCIES {
            let l = &v.led[cur];
            let token = m.tokens[cur];
            let n = U512::from(l.accruals);
            let mut owed = 0u128;
            for a in 0..ACCOUNTS {
                let holder = m.account(a);
                let due = v.due(a, cur);
                let key = Some((m.bal[a], m.accrues[a], due));
                if full || self.seen[a][cur] != key {
                    let claimable =
                        self.vault_view(m, &ShareVault::claimableCall { holder, token });
                    assert_eq!(claimable, U256::from(due), "claimable of {a} in {cur}");
                    self.seen[a][cur] = key;
                }
                if !m.accrues[a] {
                    assert_eq!(due, 0, "a non-accruing account {a} has revenue");
                }
                owed += due;
                let total = if a < N { l.claimed[a] } else { 0 } + due;
                if self.accrued[a] && m.accrues[a] {
                    assert!(
                        total >= self.totals[a][cur],
                        "claimed + claimable of {a} in {cur} fell from {} to {total}",
                        self.totals[a][cur]
                    );
                }
                self.totals[a][cur] = total;
                let magnified = U512::from(total) << SCALE_BITS;
                assert!(
                    magnified <= l.ent[a] + n,
                    "account {a} got more than its pro-rata share of {cur}"
                );
                assert!(
                    l.ent[a]
                        < magnified + (U512::from(1) << SCALE_BITS) + n * (supply + U512::from(1)),
                    "account {a} is a unit or more short of its pro-rata share of {cur}"
                );
            }
            let claimed: u128 = l.claimed.iter().sum();
            // Revenue that no accounting could share yet (no share accrues).
            let waiting = l.held - l.accounted;
            assert_eq!(
                l.held,
                l.deposited - claimed,
                "vault balance = deposits − claims"
            );
            let dust = l
                .deposited
                .checked_sub(claimed + owed + waiting)
                .unwrap_or_else(|| panic!("claims above deposits in {cur}"));
            assert!(
                dust <= ACCOUNTS as u128 + m.registrations,
                "dust of {dust} in {cur}"
            );
            let held = match cur {
                0 => self.s.balance(vault),
                _ => self.token_balance(token, vault),
            };
            assert_eq!(held, U256::from(l.held), "vault balance of {cur}");
        }
        self.accrued = m.accrues;
        // Invariant 23.
        for i in 0..N {
            let owner = actor_address(i);
            let nonce = self.vault_view(m, &ShareVault::noncesCall { owner });
            assert_eq!(nonce, U256::from(m.nonces[i]), "nonce of {i}");
            assert!(nonce >= self.nonces[i], "the nonce of {i} went down");
            self.nonces[i] = nonce;
        }
        // Invariant 21.
        for p in 0..2 {
            let (pool, pair) = (&m.pools[p], m.pairs[p]);
            let other = if p == 0 { m.weth } else { m.tokens[1] };
            if !pool.created {
                assert_eq!(m.bal[PAIR_W + p], 0, "shares at the uncreated pair {p}");
                continue;
            }
            assert_eq!(m.bal[PAIR_W + p], pool.shares, "pair {p}: shares = reserve");
            let r = self.s.view(pair, &IUniswapV2Pair::getReservesCall {});
            let (r0, r1) = (U256::from(r.reserve0), U256::from(r.reserve1));
            let reserves = if vault < other { (r0, r1) } else { (r1, r0) };
            let want = (U256::from(pool.shares), U256::from(pool.other));
            assert_eq!(reserves, want, "reserves of pair {p}");
            let held = self.token_balance(other, pair);
            assert_eq!(held, want.1, "the other token's balance of pair {p}");
            let lp = self.s.view(pair, &IUniswapV2Pair::totalSupplyCall {});
            assert_eq!(lp, U256::from(pool.lp_supply), "LP supply of pair {p}");
            for i in 0..N {
                let owner = actor_address(i);
                let lp = self.s.view(pair, &IUniswapV2Pair::balanceOfCall { owner });
                assert_eq!(lp, U256::from(pool.lp[i]), "LP tokens of {i} in pair {p}");
            }
        }
        let weth = self.s.view(m.weth, &IWETH9::totalSupplyCall {});
        assert_eq!(
            weth,
            U256::from(m.pools[0].other),
            "WETH exists only in pair 0"
        );
        // Invariant 22.
        let offering = m.offering;
        let count = self.s.view(offering, &ShareOffering::offeringCountCall {});
        assert_eq!(count, U256::from(m.offerings.len()), "offeringCount");
        let (mut eth_held, mut t6_held, mut escrow) = (0u128, 0u128, 0u128);
        for (i, o) in m.offerings.iter().enumerate() {
            let id = U256::from(i + 1);
            let got = self.s.view(offering, &ShareOffering::offeringCall { id });
            let want = IShareOffering::OfferingView {
                vault,
                seller: actor_address(o.seller),
                shares: U256::from(o.shares),
                price: o.price,
                paymentToken: if o.t6 { m.tokens[1] } else { Address::ZERO },
                perBuyerCap: U256::from(o.cap),
                deadline: o.deadline,
                minRaise: U256::from(o.min_raise),
                payee: actor_address(o.payee),
                sold: U256::from(o.sold),
                raised: U256::from(o.raised),
                paidOut: U256::from(o.paid_out),
                refundedShares: U256::from(o.refunded_shares),
                refundedAmount: U256::from(o.refunded_paid),
                sharesWithdrawn: U256::from(o.withdrawn),
                state: o.phase(m.now),
            };
            assert_eq!(got, want, "offering {}", i + 1);
            if self.seen_purchases.len() <= i {
                self.seen_purchases.push([(0, 0, false); N]);
            }
            let stale: Vec<usize> = (0..N)
                .filter(|&b| full || self.seen_purchases[i][b] != o.bought[b])
                .collect();
            for b in stale {
                self.seen_purchases[i][b] = o.bought[b];
                let buyer = actor_address(b);
                let got = self
                    .s
                    .view(offering, &ShareOffering::purchaseCall { id, buyer });
                let (shares, paid, refunded) = o.bought[b];
                let want = IShareOffering::Purchase {
                    shares: U256::from(shares),
                    paid: U256::from(paid),
                    refunded,
                };
                assert_eq!(got, want, "purchase of {b} in offering {}", i + 1);
            }
            // Payments in = paid to the payee + refunded + held.
            assert_eq!(o.raised, o.paid_out + o.refunded_paid + o.held());
            if o.t6 {
                t6_held += o.held();
            } else {
                eth_held += o.held();
            }
            escrow += o.escrow();
        }
        assert_eq!(
            self.s.balance(offering),
            U256::from(eth_held),
            "the offering's ETH"
        );
        let t6 = self.token_balance(m.tokens[1], offering);
        assert_eq!(t6, U256::from(t6_held), "the offering's 6-decimal tokens");
        assert_eq!(m.bal[OFFERING], escrow, "the offering's shares = Σ escrows");
        // Invariant 9.
        for i in 0..N {
            let want = if m.eth[i] >= 0 {
                self.eth0[i] + U256::from(m.eth[i].unsigned_abs())
            } else {
                self.eth0[i] - U256::from(m.eth[i].unsigned_abs())
            };
            assert_eq!(self.s.balance(actor_address(i)), want, "ETH of {i}");
        }
        assert_eq!(
            self.s.eth_total(&self.extra),
            self.eth_total,
            "ETH conservation"
        );
    }
}

struct InvestorsMachine;

impl StateMachineTest for InvestorsMachine {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(m: &Model) -> World {
        let mut s = Suite::fresh();
        let tokens = create_test_tokens(&mut s);
        assert_eq!(tokens, m.tokens[1..], "test token addresses");
        let (admin, collection, factory, amm) = (s.admin(), s.collection, s.vault_factory, s.amm);
        let (creator, curator) = (actor_address(CREATOR), actor_address(CURATOR));
        s.vaults.insert(m.vault);
        let mint = IpCollection::mintCall {
            to: creator,
            uri: String::new(),
            royaltyReceiver: m.vault,
            royaltyBps: U96::from(ROYALTY_BPS),
        };
        s.ok(admin, collection, &mint, U256::ZERO);
        let frac = VaultFactory::fractionalizeCall {
            asset: collection,
            id: U256::from(TOKEN),
            units: U256::ZERO,
            name: NAME.into(),
            symbol: "INV1".into(),
            holders: m.holders.iter().map(|h| actor_address(h.0)).collect(),
            amounts: m.holders.iter().map(|h| U256::from(h.1)).collect(),
            curator,
            revenueTokens: tokens.to_vec(),
            maxLeaseDuration: MAX_LEASE,
            salt: B256::ZERO,
        };
        let sent = s.ok(creator, factory, &frac, U256::ZERO);
        assert_eq!(sent.ret, m.vault, "vault address");
        // The curator's lease offer, paid to the vault in ETH.
        s.ok(
            curator,
            m.vault,
            &ShareVault::setMarketApprovalCall { approved: true },
            U256::ZERO,
        );
        let terms = IShareVault::OfferTerms {
            pricePerSecond: U256::from(LEASE_PRICE),
            paymentToken: Address::ZERO,
            minDuration: 1,
            maxDuration: MAX_LEASE,
            endTime: 0,
            maxLicensees: 1,
            payee: m.vault,
            termsHash: B256::repeat_byte(9),
            termsUri: "ipfs://vault-terms".into(),
            flags: 3,
            maxRoyaltyBps: 10_000,
        };
        let offer = s.ok(
            curator,
            m.vault,
            &ShareVault::createOfferCall { amount: 0, terms },
            U256::ZERO,
        );
        assert_eq!(offer.ret, U256::from(LEASE_OFFER), "lease offer id");
        // The shares/WETH pair, empty; the test tokens' own pair.
        for (a, b, at) in [
            (m.vault, amm.weth, m.pairs[0]),
            (tokens[0], tokens[1], m.token_pair),
        ] {
            let pair = s.ok(
                admin,
                amm.factory,
                &IUniswapV2Factory::createPairCall {
                    tokenA: a,
                    tokenB: b,
                },
                U256::ZERO,
            );
            assert_eq!(pair.ret, at, "pair address");
        }
        // Every actor lets the router move its shares and 6-decimal tokens,
        // and the offering its 6-decimal tokens (the shares it may move are
        // the machine's business).
        for i in 0..N {
            let who = actor_address(i);
            let all = ShareVault::approveCall {
                spender: amm.router,
                value: U256::MAX,
            };
            s.ok(who, m.vault, &all, U256::ZERO);
            for spender in [amm.router, s.offering] {
                let all = TestToken::approveCall {
                    spender,
                    value: U256::MAX,
                };
                s.ok(who, tokens[0], &all, U256::ZERO);
            }
            let accrues = s.view(m.vault, &ShareVault::accruesCall { account: who });
            assert!(accrues, "actor {i} accrues");
        }
        let separator = s.view(m.vault, &ShareVault::DOMAIN_SEPARATORCall {});
        assert_eq!(separator, m.domain().separator(), "EIP-712 domain");
        let extra = vec![
            s.offering,
            s.buyout,
            amm.weth,
            amm.router,
            amm.factory,
            m.pairs[0],
            m.pairs[1],
            m.token_pair,
        ];
        let mut w = World {
            eth0: std::array::from_fn(|i| s.balance(actor_address(i))),
            eth_total: s.eth_total(&extra),
            extra,
            s,
            totals: [[0; CURRENCIES]; ACCOUNTS],
            seen: [[None; CURRENCIES]; ACCOUNTS],
            seen_purchases: Vec::new(),
            accrued: [false; ACCOUNTS],
            nonces: [U256::ZERO; N],
        };
        // The opening offering, when the case has one.
        w.send(m, None);
        w.compare(m, true);
        w
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        if m.warped > 0 {
            w.s.warp(m.warped);
        }
        if let Some((library, p)) = &m.wallet {
            // The wallet library signs what the model signed with alloy.
            let permit = js::Permit {
                owner: actor_address(p.owner),
                spender: p.spender,
                value: p.value,
                nonce: U256::from(p.nonce),
                deadline: p.deadline,
            };
            let raw = js::sign_permit(*library, key(p.owner).to_bytes(), &m.domain(), &permit)
                .unwrap_or_else(|e| panic!("{library:?} signing a permit: {e:#}"));
            assert_eq!(&raw[..32], p.r.as_slice(), "{library:?}: r");
            assert_eq!(&raw[32..64], p.s.as_slice(), "{library:?}: s");
            assert_eq!(raw[64], p.v, "{library:?}: v");
        }
        w.send(m, Some(&t));
        assert_eq!(w.s.timestamp(), m.now, "clock");
        w.compare(m, false);
        w
    }

    fn teardown(mut w: World, m: Model) {
        // Every claimable amount and purchase record, once more.
        w.compare(&m, true);
    }
}

impl World {
    /// Sends the transactions of the model's last action (`t`; `None`:
    /// the initial state's) and checks each outcome.
    fn send(&mut self, m: &Model, t: Option<&Action>) {
        for (i, tx) in m.txs.iter().enumerate() {
            let got = self.s.send_raw(tx.from, tx.to, tx.data.to_vec(), tx.value);
            self.check(t, i, tx, got);
            if let Some((account, shares)) = tx.shares_after {
                let held = self.s.view(m.vault, &ShareVault::balanceOfCall { account });
                assert_eq!(
                    held,
                    U256::from(shares),
                    "shares of {account} after transaction {i}"
                );
            }
        }
    }
}

prop_state_machine! {
    #![proptest_config(crate::config())]

    fn investors_machine(sequential 1..20 => InvestorsMachine);
}

#[test]
fn investors_match_the_model() {
    crate::on_big_stack(investors_machine);
}

/// Revenue that waited while no share accrued must reach a holder who can
/// claim it, not Router02. Here every share sits in a registered pair, 1
/// ETH of revenue arrives and waits, then the only provider removes half
/// its liquidity with `removeLiquidityETH`: the pair pays the shares to the
/// router, which passes them on to the provider in the same transaction.
/// Regression: when the router accrued, it was the first accruing holder and
/// the vault credited it all the waiting revenue, which Router02 can never
/// claim (the router's `claimable` was the whole deposit, the provider's
/// zero). The vault factory now makes the suite's router non-accruing.
#[test]
fn waiting_revenue_is_not_stranded_in_the_router() {
    crate::on_big_stack(waiting_revenue_through_the_router);
}

fn waiting_revenue_through_the_router() {
    // Before the case's suite: over JSON-RPC a case owns the chain.
    let vault = probe().vault;
    let mut s = Suite::fresh();
    let (admin, collection, factory, amm) = (s.admin(), s.collection, s.vault_factory, s.amm);
    let lp = actor_address(CREATOR);
    s.vaults.insert(vault);
    let mint = IpCollection::mintCall {
        to: lp,
        uri: String::new(),
        royaltyReceiver: Address::ZERO,
        royaltyBps: U96::ZERO,
    };
    s.ok(admin, collection, &mint, U256::ZERO);
    let frac = VaultFactory::fractionalizeCall {
        asset: collection,
        id: U256::from(TOKEN),
        units: U256::ZERO,
        name: NAME.into(),
        symbol: "INV1".into(),
        holders: vec![lp],
        amounts: vec![U256::from(10 * WAD)],
        curator: Address::ZERO,
        revenueTokens: Vec::new(),
        maxLeaseDuration: MAX_LEASE,
        salt: B256::ZERO,
    };
    assert_eq!(s.ok(lp, factory, &frac, U256::ZERO).ret, vault);
    let create = IUniswapV2Factory::createPairCall {
        tokenA: vault,
        tokenB: amm.weth,
    };
    let pair = s.ok(admin, amm.factory, &create, U256::ZERO).ret;
    s.ok(
        lp,
        vault,
        &ShareVault::registerPoolCall { pair },
        U256::ZERO,
    );
    let approve = ShareVault::approveCall {
        spender: amm.router,
        value: U256::MAX,
    };
    s.ok(lp, vault, &approve, U256::ZERO);
    let add = IUniswapV2Router02::addLiquidityETHCall {
        token: vault,
        amountTokenDesired: U256::from(10 * WAD),
        amountTokenMin: U256::ZERO,
        amountETHMin: U256::ZERO,
        to: lp,
        deadline: NO_DEADLINE,
    };
    let liquidity = s.ok(lp, amm.router, &add, U256::from(ETH)).ret.liquidity;
    assert_eq!(
        s.view(vault, &ShareVault::accruingSupplyCall {}),
        U256::ZERO,
        "every share is in the pool"
    );
    // 1 ETH of revenue arrives; no share accrues, so it waits.
    s.send_raw(admin, vault, Vec::new(), U256::from(ETH))
        .expect("plain ETH to the vault");
    let claimable = |s: &mut Suite, holder| {
        s.view(
            vault,
            &ShareVault::claimableCall {
                holder,
                token: Address::ZERO,
            },
        )
    };
    assert_eq!(claimable(&mut s, lp), U256::ZERO);
    let approve = IUniswapV2Pair::approveCall {
        spender: amm.router,
        value: liquidity,
    };
    s.ok(lp, pair, &approve, U256::ZERO);
    let remove = IUniswapV2Router02::removeLiquidityETHCall {
        token: vault,
        liquidity: liquidity / U256::from(2),
        amountTokenMin: U256::ZERO,
        amountETHMin: U256::ZERO,
        to: lp,
        deadline: NO_DEADLINE,
    };
    s.ok(lp, amm.router, &remove, U256::ZERO);
    let (router, provider) = (claimable(&mut s, amm.router), claimable(&mut s, lp));
    assert_eq!(
        router,
        U256::ZERO,
        "revenue stranded in Router02 (provider: {provider})"
    );
    assert!(
        provider >= U256::from(ETH - 1),
        "the provider, the only accruing holder, gets the waiting revenue: {provider}"
    );
}
