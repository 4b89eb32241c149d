//! Buyouts, end to end: one vault per case holding an ERC-721 token of the
//! collection or ERC-1155 units of the editions (both kinds across cases),
//! fractionalised among random holders, with revenue in ETH and in a test
//! ERC-20 of 6 or 18 decimals; optionally a registered Uniswap V2
//! share/WETH pool with liquidity (non-accruing), and optionally a paid
//! licence offer by the vault's curator (bought before, during and after
//! a buyout while the vault holds the asset).
//!
//! Random actions against the singleton `share-buyout`: proposals (valid,
//! and refused: one already running or succeeded, zero value, shares ≥
//! supply, no approval, too few shares), sales into the pool, purchases
//! from it (exact value, one wei off, more than the pool), `end` (too
//! early, success, failure), cash-outs, `claimAsset` (ERC-1155 units
//! frozen by a licence at `end` are released once it lapsed), withdrawals;
//! and, around them, share transfers (also straight to the buyout
//! contract), revenue arriving in both currencies (plain deposits and
//! licence payments), claims, swaps on the pool, and warps that hit the
//! periods' bounds to the second (`start + 2 days − 1`, `start + 2 days`,
//! `start + 4 days − 1`, `start + 4 days`, a licence's expiry and the
//! second after).
//!
//! The reference model keeps the buyout record and escrow exactly as the
//! contract's documentation specifies (prices as rationals, payouts
//! rounded down, charges up, success iff `pool · 1000 / supply > 500`, the
//! cash price `held / outside`, dust to the proposer with the last
//! cash-out), and the vault's accumulator over the **accruing** supply
//! (the buyout contract and the registered pair accrue nothing; with no
//! accruing share, revenue is credited to the account that received the
//! asset, else it waits), so every custom error, event, balance and
//! `claimable` is predicted exactly.
//!
//! Invariants checked after every step (numbered as in tests/INVARIANTS.md;
//! in process a step's checks read what it could have changed, see
//! `Scope`: a refusal is proven to change nothing by `Suite::send_raw`'s
//! whole-chain fingerprint, and nothing but the asset's licence depends on
//! time; over JSON-RPC everything is read after every step):
//! 19. buyout escrow conservation: ETH in (proposals and purchases) equals
//!     sales, cash-outs, credits and held together, the buyout's ETH
//!     balance is held plus unwithdrawn credits, held covers the shares outside the pool at the
//!     offer price while trading and the outstanding cash-outs at the cash
//!     price after a success, and the rounding dust stays below one wei
//!     per trade and per cash-out; `buyoutOf` is the model's record;
//! 20. the asset is owned by the vault, or after a success and its release
//!     by the winning proposer, never anyone else; a paid licence is never
//!     cut short (`isLicensed` until its expiry, whoever holds the asset);
//! 21. no holder's accrued revenue (claimed + claimable) ever decreases;
//!     per currency Σ claimed + Σ claimable + pending + dust = deposits,
//!     with dust below one base unit per holder; the buyout contract and
//!     the pool accrue nothing;
//! 22. one buyout per vault at a time: a proposal while one runs, or after
//!     a success, is refused;
//! 7, 9, 10, 12 as for the vault machine: every `claimable` is the
//!     accumulator's, ETH is conserved, refusals carry the exact error and
//!     change nothing, and successful transactions emit exactly the
//!     predicted events (the vault's, the buyout's, the asset's and the
//!     market's; the test token's, WETH's and the pair's are left out, their
//!     balances are checked instead).

use alloy_primitives::{aliases::U96, Address, Bytes, B256, I256, U256};
use alloy_sol_types::{SolCall, SolEventInterface};
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use stylus_ip_deploy::uniswap::bindings::{IUniswapV2Factory, IUniswapV2Router02};
use stylus_ip_deploy::uniswap::{get_amount_out, NO_DEADLINE};
use stylus_ip_tests::sol::{test_token_code, TestToken};
use stylus_ip_tests::suite::abi::{
    IShareBuyout, IShareVault, IpCollection, IpEditions, LicenseMarket, ShareBuyout, ShareVault,
    VaultFactory,
};
use stylus_ip_tests::suite::{
    actor_address, create_address, lease_event, nft_lease_events, Event, Sent, Suite,
};
use stylus_ip_tests::{Revert, ETH};
use IpEditions::IpEditionsErrors as D;
use ShareBuyout::{ShareBuyoutErrors as BE, ShareBuyoutEvents as Bev};
use ShareVault::{ShareVaultErrors as VE, ShareVaultEvents as Vev};

/// Actors taking part (holders, proposers, buyers, licensees).
const N: usize = 4;
/// Account index of the buyout contract in the share books.
const BUYOUT: usize = N;
/// Account index of the Uniswap V2 pair in the share books.
const PAIR: usize = N + 1;
/// Accounts holding shares: the actors, the buyout contract, the pair.
const ACCOUNTS: usize = N + 2;
/// Fractionalises the asset and provides the pool's liquidity.
const CREATOR: usize = 0;
/// The vault's curator.
const CURATOR: usize = 1;
/// One day in seconds.
const DAY: u64 = 86_400;
/// `PROPOSAL_PERIOD()`.
const PROPOSAL_PERIOD: u64 = 2 * DAY;
/// `REJECTION_PERIOD()`.
const REJECTION_PERIOD: u64 = 4 * DAY;
/// The vault's longest lease (its offer's `maxDuration`): longer than a
/// buyout, so a licence can outlive one.
const MAX_LEASE: u64 = 7 * DAY;
/// Price of the vault's licence offer, wei per second.
const PRICE: u128 = 1_000_000_007;
/// Royalty of the vaulted asset, to the vault (basis points).
const ROYALTY_BPS: u128 = 1_000;
/// The vaulted ERC-721 token of the collection.
const TOKEN_ID: u64 = 1;
/// The vaulted ERC-1155 edition (created per case; editions 1 and 2 exist).
const EDITION: u64 = 3;
/// ERC-1155 units in the vault.
const UNITS: u64 = 10;
/// ERC-1155 units one licence freezes.
const LEASED: u64 = 4;
/// The vault's licence offer.
const OFFER: u64 = 1;
/// Revenue currencies: ETH, then the test token.
const CURRENCIES: usize = 2;
/// ETH an actor may spend during a case (each is funded with 100 ETH).
const BUDGET: i128 = 80 * ETH as i128;
/// `2¹²⁸`, the accumulator's scale.
const SCALE_BITS: usize = 128;
/// The licence offer's terms hash.
const TERMS: B256 = B256::repeat_byte(9);

/// What an expected refusal decodes as: the buyout's own errors, or a
/// vault's or an asset's revert data passed on verbatim.
#[derive(Debug, Clone, PartialEq)]
enum Fail {
    Buyout(Box<BE>),
    Vault(Box<VE>),
    Editions(Box<D>),
}

/// A refusal of the buyout contract.
fn bo(e: BE) -> Fail {
    Fail::Buyout(Box::new(e))
}

/// A vault's refusal, passed on verbatim.
fn va(e: VE) -> Fail {
    Fail::Vault(Box::new(e))
}

/// The editions' refusal, passed on verbatim.
fn ed(e: D) -> Fail {
    Fail::Editions(Box::new(e))
}

/// An event, decoded by its emitter.
#[derive(Debug, Clone, PartialEq)]
enum Ev {
    /// One of the suite's contracts (vault, asset, market).
    S(Event),
    /// The buyout contract.
    B(Bev),
}

/// What the model expects of one transaction.
type Want = Result<Vec<Ev>, Fail>;

/// One action.
#[derive(Debug, Clone)]
enum Action {
    /// `propose(vault, shares)` with `value`, after approving the buyout
    /// for `shares` when `approve`.
    Propose {
        by: usize,
        shares: u128,
        value: u128,
        approve: bool,
    },
    Sell {
        by: usize,
        amount: u128,
        approve: bool,
    },
    /// `buyShares(vault, amount)` sending `value`.
    Buy {
        by: usize,
        amount: u128,
        value: u128,
    },
    End {
        by: usize,
    },
    Cash {
        by: usize,
        amount: u128,
        approve: bool,
    },
    ClaimAsset {
        by: usize,
    },
    Withdraw {
        by: usize,
    },
    /// A share transfer to an actor, or (`to == BUYOUT`) straight to the
    /// buyout contract.
    Transfer {
        from: usize,
        to: usize,
        amount: u128,
    },
    /// Revenue: plain ETH from `from`, or test tokens minted to the vault.
    Deposit {
        from: usize,
        cur: usize,
        amount: u128,
    },
    Claim {
        holder: usize,
        cur: usize,
    },
    /// A licence of the vaulted asset from the curator's offer.
    Lease {
        buyer: usize,
        seconds: u64,
    },
    /// A swap on the pool: `amount` wei for shares (`buy`) or `amount`
    /// shares for ETH.
    Swap {
        by: usize,
        buy: bool,
        amount: u128,
    },
    Warp {
        seconds: u64,
    },
}

/// The buyout record and the vault's escrow.
#[derive(Debug, Clone, Default)]
struct Record {
    /// 0 none, 1 active, 2 succeeded, 3 failed.
    state: u8,
    proposer: usize,
    start: u64,
    /// The offer price `num / den` wei per share.
    num: u128,
    den: u128,
    /// Wei held for the vault.
    held: u128,
    /// The cash price after a success (`den` zero when nothing was outside).
    cash_num: u128,
    cash_den: u128,
    outstanding: u128,
    released: bool,
    // Since the vault's first proposal: the escrow's money.
    eth_in: u128,
    paid_out: u128,
    credited: u128,
    // Of the current record: trades, shares sent to the pool directly
    // (before the proposal too) and cash-outs, which bound the dust.
    trades: u128,
    direct: u128,
    cashouts: u128,
}

/// One currency's books at the vault.
#[derive(Debug, Clone, Default)]
struct Ledger {
    acc: U256,
    corr: [I256; N],
    accounted: u128,
    /// The vault's balance.
    held: u128,
    deposited: u128,
    claimed: [u128; N],
}

#[derive(Debug, Clone)]
struct Model {
    vault: Address,
    buyout: Address,
    pair: Address,
    weth: Address,
    collection: Address,
    editions: Address,
    /// The test token (revenue currency 1) and its decimals.
    token: Address,
    decimals: u8,
    /// ERC-1155 units (else an ERC-721 token).
    units: bool,
    now: u64,
    supply: u128,
    holders: Vec<(usize, u128)>,
    /// The pool's initial (shares, wei), if any.
    liquidity: Option<(u128, u128)>,
    /// Whether the curator published a licence offer.
    offer: bool,
    bal: [u128; ACCOUNTS],
    /// Allowances of the actors to the buyout contract.
    allowance: [u128; N],
    /// The pair's reserves (shares, wei).
    reserves: Option<(u128, u128)>,
    /// Licences bought: (licensee, expiry), in order (ERC-1155 record ids
    /// count from 1).
    leases: Vec<(usize, u64)>,
    led: [Ledger; CURRENCIES],
    /// Who received the asset (revenue with no accruing share goes there).
    recipient: Option<usize>,
    b: Record,
    credit: [u128; N],
    /// ETH each actor gained (negative: spent) since the case started.
    eth: [i128; N],
    last: Want,
}

fn shl(x: u128) -> U256 {
    U256::from(x) << SCALE_BITS
}

fn signed(x: U256) -> I256 {
    I256::try_from(x).expect("magnified amount in range")
}

/// `a · num / den` rounded down, and whether it was inexact.
fn mul_div(a: u128, num: u128, den: u128) -> (u128, bool) {
    let p = U256::from(a) * U256::from(num);
    let d = U256::from(den);
    let q = u128::try_from(p / d).expect("value fits u128");
    (q, !(p % d).is_zero())
}

fn floor(a: u128, num: u128, den: u128) -> u128 {
    mul_div(a, num, den).0
}

fn ceil(a: u128, num: u128, den: u128) -> u128 {
    let (q, inexact) = mul_div(a, num, den);
    q + u128::from(inexact)
}

fn bev(e: Bev) -> Ev {
    Ev::B(e)
}

impl Model {
    fn addr(&self, i: usize) -> Address {
        match i {
            BUYOUT => self.buyout,
            PAIR => self.pair,
            _ => actor_address(i),
        }
    }

    fn vev(&self, e: Vev) -> Ev {
        Ev::S(Event::Vault(self.vault, e))
    }

    fn currency(&self, cur: usize) -> Address {
        if cur == 0 {
            Address::ZERO
        } else {
            self.token
        }
    }

    /// The shares revenue is shared over: the buyout contract and the
    /// (registered) pair accrue nothing.
    fn accruing(&self) -> u128 {
        self.supply - self.bal[BUYOUT] - self.bal[PAIR]
    }

    fn status(&self) -> u8 {
        if self.b.released {
            4
        } else {
            2
        }
    }

    /// ETH `i` may still spend.
    fn avail(&self, i: usize) -> i128 {
        BUDGET + self.eth[i]
    }

    fn proposal_end(&self) -> u64 {
        self.b.start + PROPOSAL_PERIOD
    }

    fn rejection_end(&self) -> u64 {
        self.b.start + REJECTION_PERIOD
    }

    /// The licence in force, if any: (licensee, expiry, index).
    fn lease_in_force(&self) -> Option<(usize, u64, usize)> {
        self.leases
            .iter()
            .enumerate()
            .rev()
            .find(|(_, l)| l.1 >= self.now)
            .map(|(i, l)| (l.0, l.1, i))
    }

    /// Accounts fresh revenue in `cur` as the vault's `sync` does; its
    /// event.
    fn sync(&mut self, cur: usize) -> Option<Ev> {
        let fresh = self.led[cur].held - self.led[cur].accounted;
        if fresh == 0 {
            return None;
        }
        let accruing = self.accruing();
        let supply = self.supply;
        let recipient = self.recipient;
        let l = &mut self.led[cur];
        if accruing == 0 {
            // Nobody accrues: credited to the asset's recipient, else it
            // waits.
            let p = recipient?;
            l.corr[p] += signed(shl(fresh));
        } else {
            let next = l.acc.checked_add(shl(fresh) / U256::from(accruing))?;
            // The vault's bound: `acc · totalSupply ≤ I256::MAX`.
            let max = U256::from(1) << 255;
            if next
                .checked_mul(U256::from(supply))
                .is_none_or(|x| x >= max)
            {
                return None;
            }
            l.acc = next;
        }
        l.accounted = l.held;
        let token = self.currency(cur);
        Some(self.vev(Vev::RevenueAccrued(ShareVault::RevenueAccrued {
            token,
            amount: U256::from(fresh),
        })))
    }

    fn sync_all(&mut self) -> Vec<Ev> {
        (0..CURRENCIES).filter_map(|c| self.sync(c)).collect()
    }

    /// `⌊(acc · balance + corr) / 2¹²⁸⌋` of actor `h`.
    fn due(&self, h: usize, cur: usize) -> u128 {
        let l = &self.led[cur];
        let x = signed(l.acc * U256::from(self.bal[h])) + l.corr[h];
        assert!(!x.is_negative(), "negative unclaimed amount of {h}");
        u128::try_from(x.into_raw() >> SCALE_BITS).expect("claimable fits u128")
    }

    /// What `claimable(h, cur)` shows now.
    fn claimable(&self, h: usize, cur: usize) -> u128 {
        let mut m = self.clone();
        m.sync(cur);
        m.due(h, cur)
    }

    /// Revenue in `cur` that arrived and cannot be accounted now.
    fn pending(&self, cur: usize) -> u128 {
        let mut m = self.clone();
        m.sync(cur);
        m.led[cur].held - m.led[cur].accounted
    }

    /// Moves `amount` shares (the balance was checked): the vault's
    /// `update` with its revenue hook.
    fn move_shares(&mut self, from: usize, to: usize, amount: u128) -> Vec<Ev> {
        let (from_acc, to_acc) = (from < N, to < N);
        let mut events = Vec::new();
        if amount != 0 && from != to && (from_acc || to_acc) {
            events = self.sync_all();
            for l in &mut self.led {
                let moved = signed(l.acc * U256::from(amount));
                if from_acc {
                    l.corr[from] += moved;
                }
                if to_acc {
                    l.corr[to] -= moved;
                }
            }
        }
        self.bal[from] -= amount;
        self.bal[to] += amount;
        events.push(self.vev(Vev::Transfer(ShareVault::Transfer {
            from: self.addr(from),
            to: self.addr(to),
            value: U256::from(amount),
        })));
        events
    }

    /// `transfer(to, amount)` by `from`.
    fn transfer(&mut self, from: usize, to: usize, amount: u128) -> Want {
        if self.bal[from] < amount {
            return Err(va(insufficient(self.addr(from), self.bal[from], amount)));
        }
        Ok(self.move_shares(from, to, amount))
    }

    /// The buyout's `transferFrom(from, buyout, amount)`.
    fn pull(&mut self, from: usize, amount: u128) -> Want {
        let allowance = self.allowance[from];
        if allowance < amount {
            return Err(va(VE::ERC20InsufficientAllowance(
                ShareVault::ERC20InsufficientAllowance {
                    spender: self.buyout,
                    allowance: U256::from(allowance),
                    needed: U256::from(amount),
                },
            )));
        }
        self.allowance[from] -= amount;
        self.transfer(from, BUYOUT, amount)
    }

    fn not_active(&self) -> Fail {
        bo(BE::BuyoutNotActive(ShareBuyout::BuyoutNotActive {
            vault: self.vault,
            state: self.b.state,
        }))
    }

    fn not_succeeded(&self) -> Fail {
        bo(BE::BuyoutNotSucceeded(ShareBuyout::BuyoutNotSucceeded {
            vault: self.vault,
            state: self.b.state,
        }))
    }

    fn credit_to(&mut self, who: usize, amount: u128) -> Option<Ev> {
        if amount == 0 {
            return None;
        }
        self.credit[who] += amount;
        self.b.credited += amount;
        Some(bev(Bev::Credited(ShareBuyout::Credited {
            account: actor_address(who),
            vault: self.vault,
            amount: U256::from(amount),
        })))
    }

    fn propose(&mut self, by: usize, shares: u128, value: u128) -> Want {
        let vault = self.vault;
        if self.status() != 2 {
            return Err(bo(BE::BuyoutVaultNotActive(
                ShareBuyout::BuyoutVaultNotActive {
                    vault,
                    status: self.status(),
                },
            )));
        }
        // Invariant 22.
        match self.b.state {
            1 => {
                return Err(bo(BE::BuyoutAlreadyActive(
                    ShareBuyout::BuyoutAlreadyActive {
                        vault,
                        rejectionEnd: self.rejection_end(),
                    },
                )))
            }
            2 => {
                return Err(bo(BE::BuyoutAlreadySucceeded(
                    ShareBuyout::BuyoutAlreadySucceeded { vault },
                )))
            }
            _ => {}
        }
        if shares >= self.supply {
            return Err(bo(BE::BuyoutInvalidShares(
                ShareBuyout::BuyoutInvalidShares {
                    shares: U256::from(shares),
                    totalSupply: U256::from(self.supply),
                },
            )));
        }
        if value == 0 {
            return Err(bo(BE::BuyoutInvalidValue(
                ShareBuyout::BuyoutInvalidValue { value: U256::ZERO },
            )));
        }
        let den = self.supply - shares;
        let now = self.now;
        let before = std::mem::take(&mut self.b);
        self.b = Record {
            state: 1,
            proposer: by,
            start: now,
            num: value,
            den,
            held: value,
            eth_in: before.eth_in + value,
            paid_out: before.paid_out,
            credited: before.credited,
            // Shares sent here while no buyout ran join the pool.
            direct: self.bal[BUYOUT],
            ..Record::default()
        };
        self.eth[by] -= value as i128;
        let mut events = vec![bev(Bev::BuyoutStarted(ShareBuyout::BuyoutStarted {
            vault,
            proposer: actor_address(by),
            shares: U256::from(shares),
            priceNumerator: U256::from(value),
            priceDenominator: U256::from(den),
            proposalEnd: now + PROPOSAL_PERIOD,
            rejectionEnd: now + REJECTION_PERIOD,
        }))];
        if shares > 0 {
            events.extend(self.pull(by, shares)?);
        }
        Ok(events)
    }

    fn sell(&mut self, by: usize, amount: u128) -> Want {
        if self.b.state != 1 {
            return Err(self.not_active());
        }
        if self.now >= self.proposal_end() {
            return Err(bo(BE::BuyoutProposalPeriodOver(
                ShareBuyout::BuyoutProposalPeriodOver {
                    time: self.now,
                    proposalEnd: self.proposal_end(),
                },
            )));
        }
        if amount == 0 {
            return Err(zero());
        }
        let value = floor(amount, self.b.num, self.b.den);
        if value > self.b.held {
            return Err(bo(BE::BuyoutArithmeticOverflow(
                ShareBuyout::BuyoutArithmeticOverflow {},
            )));
        }
        self.b.held -= value;
        self.b.paid_out += value;
        self.b.trades += 1;
        self.eth[by] += value as i128;
        let mut events = vec![bev(Bev::SharesSold(ShareBuyout::SharesSold {
            vault: self.vault,
            seller: actor_address(by),
            amount: U256::from(amount),
            value: U256::from(value),
        }))];
        events.extend(self.pull(by, amount)?);
        Ok(events)
    }

    fn buy(&mut self, by: usize, amount: u128, value: u128) -> Want {
        if self.b.state != 1 {
            return Err(self.not_active());
        }
        if self.now >= self.rejection_end() {
            return Err(bo(BE::BuyoutRejectionPeriodOver(
                ShareBuyout::BuyoutRejectionPeriodOver {
                    time: self.now,
                    rejectionEnd: self.rejection_end(),
                },
            )));
        }
        if amount == 0 {
            return Err(zero());
        }
        let expected = ceil(amount, self.b.num, self.b.den);
        if value != expected {
            return Err(bo(BE::BuyoutWrongValue(ShareBuyout::BuyoutWrongValue {
                value: U256::from(value),
                expected: U256::from(expected),
            })));
        }
        let pool = self.bal[BUYOUT];
        if amount > pool {
            return Err(bo(BE::ERC20InsufficientBalance(
                ShareBuyout::ERC20InsufficientBalance {
                    sender: self.buyout,
                    balance: U256::from(pool),
                    needed: U256::from(amount),
                },
            )));
        }
        self.b.held += value;
        self.b.eth_in += value;
        self.b.trades += 1;
        self.eth[by] -= value as i128;
        let mut events = vec![bev(Bev::SharesBought(ShareBuyout::SharesBought {
            vault: self.vault,
            buyer: actor_address(by),
            amount: U256::from(amount),
            value: U256::from(value),
        }))];
        events.extend(self.move_shares(BUYOUT, by, amount));
        Ok(events)
    }

    /// The vault's `releaseAsset(proposer)`: its events, or the asset's
    /// refusal (ERC-1155 units frozen by a licence in force).
    fn release(&mut self) -> Want {
        let p = self.b.proposer;
        let to = actor_address(p);
        let mut events = vec![self.vev(Vev::AssetReleased(ShareVault::AssetReleased { to }))];
        if self.units {
            if self.lease_in_force().is_some() {
                return Err(ed(D::EditionsInsufficientUnfrozenBalance(
                    IpEditions::EditionsInsufficientUnfrozenBalance {
                        owner: self.vault,
                        tokenId: U256::from(EDITION),
                        available: U256::from(UNITS - LEASED),
                        needed: U256::from(UNITS),
                    },
                )));
            }
            events.push(Ev::S(Event::Editions(
                IpEditions::IpEditionsEvents::TransferSingle(IpEditions::TransferSingle {
                    operator: self.vault,
                    from: self.vault,
                    to,
                    id: U256::from(EDITION),
                    value: U256::from(UNITS),
                }),
            )));
        } else {
            events.push(Ev::S(Event::Collection(
                IpCollection::IpCollectionEvents::Transfer(IpCollection::Transfer {
                    from: self.vault,
                    to,
                    tokenId: U256::from(TOKEN_ID),
                }),
            )));
            // A licence in force keeps its user; a lapsed one is cleared.
            if self.leases.last().is_some_and(|l| l.1 < self.now) {
                events.push(Ev::S(Event::Collection(
                    IpCollection::IpCollectionEvents::UpdateUser(IpCollection::UpdateUser {
                        tokenId: U256::from(TOKEN_ID),
                        user: Address::ZERO,
                        expires: 0,
                    }),
                )));
            }
        }
        self.b.released = true;
        self.recipient = Some(p);
        Ok(events)
    }

    fn end(&mut self) -> Want {
        if self.b.state != 1 {
            return Err(self.not_active());
        }
        if self.now < self.rejection_end() {
            return Err(bo(BE::BuyoutRejectionPeriodOpen(
                ShareBuyout::BuyoutRejectionPeriodOpen {
                    time: self.now,
                    rejectionEnd: self.rejection_end(),
                },
            )));
        }
        let (pool, supply, held) = (self.bal[BUYOUT], self.supply, self.b.held);
        let success = U256::from(pool) * U256::from(1000) >= U256::from(supply) * U256::from(501);
        let proposer = self.b.proposer;
        let mut events = Vec::new();
        let mut released = false;
        let eth = if success {
            let outside = supply - pool;
            self.b.state = 2;
            self.b.cash_num = held;
            self.b.cash_den = outside;
            self.b.cashouts = 0;
            if outside == 0 {
                self.b.held = 0;
                events.extend(self.credit_to(proposer, held));
            } else {
                self.b.outstanding = outside;
            }
            // A refused release leaves the asset for `claimAsset`.
            let mut next = self.clone();
            if let Ok(release) = next.release() {
                *self = next;
                events.extend(release);
                released = true;
            }
            held
        } else {
            self.b.state = 3;
            self.b.held = 0;
            events.extend(self.credit_to(proposer, held));
            held
        };
        events.push(bev(Bev::BuyoutEnded(ShareBuyout::BuyoutEnded {
            vault: self.vault,
            proposer: actor_address(proposer),
            success,
            poolShares: U256::from(pool),
            totalSupply: U256::from(supply),
            eth: U256::from(eth),
            assetReleased: released,
        })));
        if !success && pool > 0 {
            events.extend(self.move_shares(BUYOUT, proposer, pool));
        }
        Ok(events)
    }

    /// Counts `amount` outstanding shares as cashed out: (value, dust).
    fn cash_out(&mut self, amount: u128) -> (u128, u128) {
        let value = floor(amount, self.b.cash_num, self.b.cash_den);
        self.b.held -= value;
        self.b.outstanding -= amount;
        self.b.cashouts += 1;
        if self.b.outstanding == 0 {
            let dust = self.b.held;
            self.b.held = 0;
            (value, dust)
        } else {
            (value, 0)
        }
    }

    fn cash(&mut self, by: usize, amount: u128) -> Want {
        if self.b.state != 2 {
            return Err(self.not_succeeded());
        }
        if amount == 0 {
            return Err(zero());
        }
        if amount > self.b.outstanding {
            return Err(bo(BE::BuyoutCashExceedsOutstanding(
                ShareBuyout::BuyoutCashExceedsOutstanding {
                    amount: U256::from(amount),
                    outstanding: U256::from(self.b.outstanding),
                },
            )));
        }
        let (value, dust) = self.cash_out(amount);
        self.b.paid_out += value;
        self.eth[by] += value as i128;
        let proposer = self.b.proposer;
        let mut events: Vec<Ev> = self.credit_to(proposer, dust).into_iter().collect();
        events.push(bev(Bev::Cashed(ShareBuyout::Cashed {
            vault: self.vault,
            holder: actor_address(by),
            amount: U256::from(amount),
            value: U256::from(value),
        })));
        events.extend(self.pull(by, amount)?);
        Ok(events)
    }

    fn claim_asset(&mut self) -> Want {
        if self.b.state != 2 {
            return Err(self.not_succeeded());
        }
        // Shares here beyond the pool's and the cashed ones were sent
        // directly since the end: their cash value goes to the proposer.
        let kept = self.supply - self.b.outstanding;
        let forfeited = self.bal[BUYOUT]
            .saturating_sub(kept)
            .min(self.b.outstanding);
        let proposer = self.b.proposer;
        let mut events = Vec::new();
        if forfeited > 0 {
            let (value, dust) = self.cash_out(forfeited);
            events.extend(self.credit_to(proposer, value + dust));
        }
        if self.b.released {
            if forfeited == 0 {
                return Err(bo(BE::BuyoutNothingToClaim(
                    ShareBuyout::BuyoutNothingToClaim { vault: self.vault },
                )));
            }
            return Ok(events);
        }
        match self.release() {
            Ok(release) => {
                events.extend(release);
                events.push(bev(Bev::AssetClaimed(ShareBuyout::AssetClaimed {
                    vault: self.vault,
                    proposer: actor_address(proposer),
                })));
                Ok(events)
            }
            Err(_) if forfeited > 0 => Ok(events),
            Err(e) => Err(e),
        }
    }

    fn withdraw(&mut self, by: usize) -> Want {
        let amount = self.credit[by];
        if amount == 0 {
            return Err(bo(BE::BuyoutNothingToWithdraw(
                ShareBuyout::BuyoutNothingToWithdraw {
                    account: actor_address(by),
                },
            )));
        }
        self.credit[by] = 0;
        self.eth[by] += amount as i128;
        Ok(vec![bev(Bev::Withdrawn(ShareBuyout::Withdrawn {
            account: actor_address(by),
            amount: U256::from(amount),
        }))])
    }

    fn claim(&mut self, holder: usize, cur: usize) -> Want {
        let events: Vec<Ev> = self.sync(cur).into_iter().collect();
        let amount = self.due(holder, cur);
        if amount == 0 {
            return Err(va(VE::VaultNothingToClaim(
                ShareVault::VaultNothingToClaim {
                    holder: actor_address(holder),
                },
            )));
        }
        let l = &mut self.led[cur];
        l.corr[holder] -= signed(shl(amount));
        l.accounted -= amount;
        l.held -= amount;
        l.claimed[holder] += amount;
        if cur == 0 {
            self.eth[holder] += amount as i128;
        }
        let mut events = events;
        events.push(self.vev(Vev::RevenueClaimed(ShareVault::RevenueClaimed {
            holder: actor_address(holder),
            token: self.currency(cur),
            amount: U256::from(amount),
        })));
        Ok(events)
    }

    fn lease(&mut self, buyer: usize, seconds: u64) -> Want {
        let price = PRICE * u128::from(seconds);
        let royalty = price * ROYALTY_BPS / 10_000;
        let expires = self.now + seconds;
        self.leases.push((buyer, expires));
        self.eth[buyer] -= price as i128;
        // Royalty and payee share both go to the vault.
        self.led[0].held += price;
        self.led[0].deposited += price;
        let (price, royalty) = (U256::from(price), U256::from(royalty));
        let buyer = actor_address(buyer);
        if self.units {
            let record = self.leases.len();
            Ok(vec![
                Ev::S(Event::Editions(
                    IpEditions::IpEditionsEvents::CreateUserRecord(IpEditions::CreateUserRecord {
                        recordId: U256::from(record),
                        tokenId: U256::from(EDITION),
                        amount: LEASED,
                        owner: self.vault,
                        user: buyer,
                        expiry: expires,
                    }),
                )),
                Ev::S(lease_event(
                    U256::from(OFFER),
                    buyer,
                    expires,
                    price,
                    royalty,
                    false,
                )),
            ])
        } else {
            Ok(nft_lease_events(
                U256::from(TOKEN_ID),
                U256::from(OFFER),
                buyer,
                expires,
                price,
                royalty,
                false,
            )
            .into_iter()
            .map(Ev::S)
            .collect())
        }
    }

    /// What a swap pays out (shares for `amount` wei, or wei for `amount`
    /// shares), if the pool exists.
    fn swap_out(&self, buy: bool, amount: u128) -> Option<u128> {
        let (rs, rw) = self.reserves?;
        let (r_in, r_out) = if buy { (rw, rs) } else { (rs, rw) };
        let out = get_amount_out(U256::from(amount), U256::from(r_in), U256::from(r_out));
        Some(u128::try_from(out).expect("fits"))
    }

    fn swap(&mut self, by: usize, buy: bool, amount: u128) -> Want {
        let out = self.swap_out(buy, amount).expect("a pool");
        let (rs, rw) = self.reserves.expect("a pool");
        if buy {
            self.reserves = Some((rs - out, rw + amount));
            self.eth[by] -= amount as i128;
            Ok(self.move_shares(PAIR, by, out))
        } else {
            self.reserves = Some((rs + amount, rw - out));
            self.eth[by] += out as i128;
            Ok(self.move_shares(by, PAIR, amount))
        }
    }

    /// Applies `t`: the expected outcome (the state is left as it was on a
    /// refusal by the caller).
    fn step(&mut self, t: &Action) -> Want {
        match *t {
            Action::Propose {
                by,
                shares,
                value,
                approve,
            } => {
                if approve {
                    self.allowance[by] = shares;
                }
                self.propose(by, shares, value)
            }
            Action::Sell {
                by,
                amount,
                approve,
            } => {
                if approve {
                    self.allowance[by] = amount;
                }
                self.sell(by, amount)
            }
            Action::Buy { by, amount, value } => self.buy(by, amount, value),
            Action::End { .. } => self.end(),
            Action::Cash {
                by,
                amount,
                approve,
            } => {
                if approve {
                    self.allowance[by] = amount;
                }
                self.cash(by, amount)
            }
            Action::ClaimAsset { .. } => self.claim_asset(),
            Action::Withdraw { by } => self.withdraw(by),
            Action::Transfer { from, to, amount } => {
                let want = self.transfer(from, to, amount);
                if to == BUYOUT && want.is_ok() && self.b.state == 1 {
                    self.b.direct += amount;
                }
                want
            }
            Action::Deposit { from, cur, amount } => {
                self.led[cur].held += amount;
                self.led[cur].deposited += amount;
                if cur == 0 {
                    self.eth[from] -= amount as i128;
                }
                Ok(Vec::new())
            }
            Action::Claim { holder, cur } => self.claim(holder, cur),
            Action::Lease { buyer, seconds } => self.lease(buyer, seconds),
            Action::Swap { by, buy, amount } => self.swap(by, buy, amount),
            Action::Warp { seconds } => {
                self.now += seconds;
                Ok(Vec::new())
            }
        }
    }

    /// The record as `buyoutOf` should show it.
    fn view(&self) -> IShareBuyout::BuyoutView {
        let b = &self.b;
        let (proposal_end, rejection_end) = if b.state == 0 {
            (0, 0)
        } else {
            (self.proposal_end(), self.rejection_end())
        };
        let proposer = if b.state == 0 {
            Address::ZERO
        } else {
            actor_address(b.proposer)
        };
        IShareBuyout::BuyoutView {
            state: b.state,
            proposer,
            start: b.start,
            proposalEnd: proposal_end,
            rejectionEnd: rejection_end,
            priceNumerator: U256::from(b.num),
            priceDenominator: U256::from(b.den),
            poolShares: U256::from(self.bal[BUYOUT]),
            ethHeld: U256::from(b.held),
            cashNumerator: U256::from(b.cash_num),
            cashDenominator: U256::from(b.cash_den),
            outstanding: U256::from(b.outstanding),
            assetReleased: b.released,
        }
    }
}

fn zero() -> Fail {
    bo(BE::BuyoutZeroAmount(ShareBuyout::BuyoutZeroAmount {}))
}

fn insufficient(sender: Address, balance: u128, needed: u128) -> VE {
    VE::ERC20InsufficientBalance(ShareVault::ERC20InsufficientBalance {
        sender,
        balance: U256::from(balance),
        needed: U256::from(needed),
    })
}

/// An amount of shares: often all of `balance`, sometimes none or more.
fn amount_of(balance: u128) -> BoxedStrategy<u128> {
    prop_oneof![
        3 => Just(balance),
        4 => 0..=balance,
        1 => Just(balance + 1),
    ]
    .boxed()
}

/// Revenue amounts in base units of a currency with `decimals`: dust or
/// whole units.
fn revenue(decimals: u8) -> BoxedStrategy<u128> {
    let whole = 10u128.pow(u32::from(decimals));
    prop_oneof![1u128..10_000, 1u128..3 * whole].boxed()
}

/// Weighted choice among `options`, leaving out those of weight 0.
fn pick(options: Vec<(u32, BoxedStrategy<Action>)>) -> BoxedStrategy<Action> {
    Union::new_weighted(options.into_iter().filter(|o| o.0 > 0).collect()).boxed()
}

struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<Model> {
        // The creator always holds (it provides the liquidity), with up to
        // three others; stakes are rounding-sized or 18-decimal.
        let stake = prop_oneof![
            1u128..1_000,
            1_000_000_000_000_000_000u128..100_000_000_000_000_000_000
        ];
        (
            proptest::sample::subsequence((1..N).collect::<Vec<_>>(), 0..N),
            prop::collection::vec(stake, N),
            any::<bool>(),
            prop_oneof![Just(6u8), Just(18u8)],
            prop::option::weighted(0.5, 100_000_000_000_000_000u128..5 * ETH),
            prop::option::weighted(0.6, Just(())),
        )
            .prop_map(|(others, stakes, units, decimals, pool, offer)| {
                let holders: Vec<(usize, u128)> = std::iter::once(CREATOR)
                    .chain(others)
                    .map(|h| (h, stakes[h]))
                    .collect();
                let mut bal = [0; ACCOUNTS];
                for &(h, v) in &holders {
                    bal[h] = v;
                }
                // A quarter of the creator's stake (at least one share)
                // goes into the pool.
                let liquidity = pool.map(|wei| ((bal[CREATOR] / 4).max(1), wei));
                let mut reserves = None;
                if let Some((shares, wei)) = liquidity {
                    bal[CREATOR] -= shares;
                    bal[PAIR] = shares;
                    reserves = Some((shares, wei));
                }
                let t = Suite::template();
                let vault = predicted_vault();
                Model {
                    vault,
                    buyout: t.buyout,
                    pair: t.amm.pair_for(vault, t.amm.weth),
                    weth: t.amm.weth,
                    collection: t.collection,
                    editions: t.editions,
                    token: test_token(decimals),
                    decimals,
                    units,
                    now: t.start,
                    supply: holders.iter().map(|h| h.1).sum(),
                    holders,
                    liquidity,
                    offer: offer.is_some(),
                    bal,
                    allowance: [0; N],
                    reserves,
                    leases: Vec::new(),
                    led: Default::default(),
                    recipient: None,
                    b: Record::default(),
                    credit: [0; N],
                    eth: [0; N],
                    last: Ok(Vec::new()),
                }
            })
            .boxed()
    }

    fn transitions(s: &Model) -> BoxedStrategy<Action> {
        let bal = s.bal;
        let actor = 0..N;
        let holders: Vec<usize> = (0..N).filter(|&h| bal[h] > 0).collect();
        let holder = if holders.is_empty() {
            (0..N).boxed()
        } else {
            prop_oneof![4 => proptest::sample::select(holders), 1 => 0..N].boxed()
        };
        let top = (0..N).max_by_key(|&h| bal[h]).unwrap_or(0);
        let b = &s.b;
        let (active, succeeded) = (b.state == 1, b.state == 2);
        let selling = active && s.now < s.proposal_end();
        let buying = active && s.now < s.rejection_end();
        let endable = active && s.now >= s.rejection_end();
        let supply = s.supply;
        let (num, den, pool) = (b.num, b.den, bal[BUYOUT]);
        let avail: Vec<u128> = (0..N).map(|i| s.avail(i).max(0) as u128).collect();

        let propose = (
            prop_oneof![3 => Just(top), 2 => holder.clone()],
            prop_oneof![1 => Just(0u128), 2 => 1u128..=1_000, 5 => 1_000_000_000_000_000u128..=5 * ETH],
            prop_oneof![6 => Just(true), 1 => Just(false)],
        )
            .prop_flat_map(move |(by, value, approve)| {
                let b = bal[by];
                let shares = prop_oneof![
                    4 => Just(b),
                    3 => 0..=b,
                    1 => Just(supply),
                    1 => Just(b + 1),
                ];
                (Just(by), shares, Just(value), Just(approve))
            })
            .prop_map(|(by, shares, value, approve)| Action::Propose {
                by,
                shares,
                value,
                approve,
            })
            .boxed();
        let sell = (
            holder.clone(),
            prop_oneof![6 => Just(true), 1 => Just(false)],
        )
            .prop_flat_map(move |(by, approve)| (Just(by), amount_of(bal[by]), Just(approve)))
            .prop_map(|(by, amount, approve)| Action::Sell {
                by,
                amount,
                approve,
            })
            .boxed();
        let buy = (actor.clone(), 0..8u8)
            .prop_flat_map(move |(by, kind)| {
                // Within what the buyer can pay.
                let afford = if num == 0 {
                    1
                } else {
                    let most = U256::from(avail[by]) * U256::from(den) / U256::from(num);
                    u128::try_from(most).unwrap_or(u128::MAX)
                };
                let amount = match kind {
                    0 => Just(0).boxed(),
                    1 => Just(pool + 1).boxed(),
                    _ => (1..=pool.min(afford).max(1)).boxed(),
                };
                (Just(by), amount, Just(kind))
            })
            .prop_map(move |(by, amount, kind)| {
                let exact = if den == 0 { 0 } else { ceil(amount, num, den) };
                let value = match kind {
                    2 => exact + 1,
                    3 => exact.saturating_sub(1),
                    _ => exact,
                };
                Action::Buy { by, amount, value }
            })
            .boxed();
        let outstanding = b.outstanding;
        let cash = (
            holder.clone(),
            prop_oneof![6 => Just(true), 1 => Just(false)],
        )
            .prop_flat_map(move |(by, approve)| {
                let amount = prop_oneof![
                    4 => Just(bal[by].min(outstanding)),
                    3 => 0..=bal[by],
                    1 => Just(outstanding + 1),
                ];
                (Just(by), amount, Just(approve))
            })
            .prop_map(|(by, amount, approve)| Action::Cash {
                by,
                amount,
                approve,
            })
            .boxed();
        let credited: Vec<usize> = (0..N).filter(|&i| s.credit[i] > 0).collect();
        let withdrawer = if credited.is_empty() {
            (0..N).boxed()
        } else {
            prop_oneof![3 => proptest::sample::select(credited), 1 => 0..N].boxed()
        };
        let transfer = (holder.clone(), prop_oneof![5 => 0..N, 1 => Just(BUYOUT)])
            .prop_flat_map(move |(from, to)| (Just(from), Just(to), amount_of(bal[from])))
            .prop_map(|(from, to, amount)| Action::Transfer { from, to, amount })
            .boxed();
        let decimals = s.decimals;
        let deposit = (actor.clone(), 0..CURRENCIES)
            .prop_flat_map(move |(from, cur)| {
                let amount = if cur == 0 {
                    revenue(18)
                } else {
                    revenue(decimals)
                };
                (Just(from), Just(cur), amount)
            })
            .prop_map(|(from, cur, amount)| Action::Deposit { from, cur, amount })
            .boxed();
        let due: Vec<(usize, usize)> = (0..N)
            .flat_map(|h| (0..CURRENCIES).map(move |c| (h, c)))
            .filter(|&(h, c)| s.claimable(h, c) > 0)
            .collect();
        let claimer = if due.is_empty() {
            (0..N, 0..CURRENCIES).boxed()
        } else {
            prop_oneof![3 => proptest::sample::select(due), 1 => (0..N, 0..CURRENCIES)].boxed()
        };
        let claim = claimer
            .prop_map(|(holder, cur)| Action::Claim { holder, cur })
            .boxed();
        let lease = (
            actor.clone(),
            prop_oneof![3 => 1..=MAX_LEASE, 1 => Just(MAX_LEASE)],
        )
            .prop_map(|(buyer, seconds)| Action::Lease { buyer, seconds })
            .boxed();
        let swap = (holder, any::<bool>())
            .prop_flat_map(move |(by, buy)| {
                let amount = if buy {
                    (1_000_000_000_000u128..ETH).boxed()
                } else {
                    (1..=bal[by].max(1)).boxed()
                };
                (Just(by), Just(buy), amount)
            })
            .prop_map(|(by, buy, amount)| Action::Swap { by, buy, amount })
            .boxed();
        // Warps to the periods' bounds and a licence's expiry, to the second.
        let mut bounds: Vec<u64> = Vec::new();
        if active {
            bounds.extend([
                s.proposal_end() - 1,
                s.proposal_end(),
                s.rejection_end() - 1,
                s.rejection_end(),
            ]);
        }
        if let Some((_, until, _)) = s.lease_in_force() {
            bounds.extend([until, until + 1]);
        }
        let offsets: Vec<u64> = bounds
            .into_iter()
            .filter(|&t| t > s.now)
            .map(|t| t - s.now)
            .collect();
        // The next bound first: a lifecycle needs few warps.
        let next = offsets.iter().min().copied();
        let warp = match next {
            None => (1..2 * DAY)
                .prop_map(|seconds| Action::Warp { seconds })
                .boxed(),
            Some(next) => prop_oneof![
                4 => Just(next),
                3 => proptest::sample::select(offsets),
                1 => 1..2 * DAY,
            ]
            .prop_map(|seconds| Action::Warp { seconds })
            .boxed(),
        };
        let leasable = s.offer && !b.released && s.lease_in_force().is_none();
        // A success whose asset waits for a licence to lapse.
        let unclaimed = succeeded && !b.released && s.lease_in_force().is_some();
        let w = |on: bool, hi: u32, lo: u32| if on { hi } else { lo };
        pick(vec![
            (w(b.state != 1 && b.state != 2, 10, 1), propose),
            (w(selling, 6, 1), sell),
            (w(buying, 4, 1), buy),
            (
                w(endable, 12, 1),
                actor.clone().prop_map(|by| Action::End { by }).boxed(),
            ),
            (w(succeeded, 6, 1), cash),
            (
                if succeeded && !b.released {
                    w(s.lease_in_force().is_none(), 10, 2)
                } else {
                    1
                },
                actor.prop_map(|by| Action::ClaimAsset { by }).boxed(),
            ),
            (
                w(s.credit.iter().any(|&c| c > 0), 5, 1),
                withdrawer.prop_map(|by| Action::Withdraw { by }).boxed(),
            ),
            (3, transfer),
            (3, deposit),
            (3, claim),
            (w(leasable, w(active, 5, 3), 0), lease),
            (w(s.reserves.is_some(), 2, 0), swap),
            (w((active && !endable) || unclaimed, 12, 3), warp),
        ])
    }

    fn apply(s: Model, t: &Action) -> Model {
        let mut next = s.clone();
        match next.step(t) {
            Ok(events) => {
                next.last = Ok(events);
                next
            }
            Err(e) => {
                // The transaction reverts: nothing changes (an approval sent
                // before it stands).
                let mut s = s;
                match *t {
                    Action::Propose {
                        by,
                        shares: amount,
                        approve: true,
                        ..
                    }
                    | Action::Sell {
                        by,
                        amount,
                        approve: true,
                    }
                    | Action::Cash {
                        by,
                        amount,
                        approve: true,
                    } => s.allowance[by] = amount,
                    _ => {}
                }
                s.last = Err(e);
                s
            }
        }
    }

    fn preconditions(s: &Model, t: &Action) -> bool {
        match *t {
            Action::Warp { seconds } => seconds > 0,
            Action::Propose { by, value, .. } | Action::Buy { by, value, .. } => {
                (value as i128) <= s.avail(by)
            }
            Action::Deposit { from, cur, amount } => cur != 0 || (amount as i128) <= s.avail(from),
            Action::Lease { buyer, seconds } => {
                s.offer
                    && !s.b.released
                    && s.lease_in_force().is_none()
                    && ((PRICE * u128::from(seconds)) as i128) <= s.avail(buyer)
            }
            Action::Swap { by, buy, amount } => {
                let Some(out) = s.swap_out(buy, amount) else {
                    return false;
                };
                out > 0
                    && if buy {
                        (amount as i128) <= s.avail(by)
                    } else {
                        amount <= s.bal[by]
                    }
            }
            _ => true,
        }
    }
}

/// The test token with `decimals`, created by the admin in every fresh
/// suite (CREATE2: the same address on every backend).
fn token_code(decimals: u8) -> (B256, Vec<u8>) {
    let symbol = if decimals == 6 { "T6" } else { "T18" };
    (
        B256::with_last_byte(decimals),
        test_token_code(symbol, decimals),
    )
}

fn test_token(decimals: u8) -> Address {
    let (salt, code) = token_code(decimals);
    create_address(salt, &code)
}

/// The vault actor `CREATOR` gets with salt 0.
fn predicted_vault() -> Address {
    static VAULT: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *VAULT.get_or_init(|| {
        let mut s = Suite::fresh();
        let factory = s.vault_factory;
        s.view(
            factory,
            &VaultFactory::predictVaultCall {
                creator: actor_address(CREATOR),
                salt: B256::ZERO,
            },
        )
    })
}

/// The terms of the vault's licence offer.
fn offer_terms(vault: Address) -> IShareVault::OfferTerms {
    IShareVault::OfferTerms {
        pricePerSecond: U256::from(PRICE),
        paymentToken: Address::ZERO,
        minDuration: 1,
        maxDuration: MAX_LEASE,
        endTime: 0,
        maxLicensees: 1,
        payee: vault,
        termsHash: TERMS,
        termsUri: "ipfs://vault-terms".into(),
        flags: 3,
        maxRoyaltyBps: 10_000,
    }
}

/// What a step may have changed, hence what [`World::compare`] reads
/// beyond the clock, the asset, the licence and the actors' ETH.
#[derive(Debug, Clone, Copy)]
struct Scope {
    /// Share balances and the accruing supply.
    shares: bool,
    /// Every `claimable` and the vault's balances.
    revenue: bool,
    /// The buyout record, credits and ETH.
    buyout: bool,
}

impl Scope {
    const ALL: Self = Self {
        shares: true,
        revenue: true,
        buyout: true,
    };
    const NONE: Self = Self {
        shares: false,
        revenue: false,
        buyout: false,
    };

    /// After `t`, whose expected outcome is `m.last`: over JSON-RPC
    /// everything (a refusal is only checked there not to move ETH); in
    /// process nothing for a refusal or a warp (`Suite::send_raw` proved
    /// that a reverted transaction changed no balance and no storage slot,
    /// and no balance, claim or record depends on time), share balances
    /// when shares moved, and the buyout's books after its own calls or
    /// shares reaching or leaving it.
    fn of(s: &Suite, m: &Model, t: &Action) -> Self {
        if s.over_rpc() {
            return Self::ALL;
        }
        let Ok(events) = &m.last else {
            return Self::NONE;
        };
        if matches!(t, Action::Warp { .. }) {
            return Self::NONE;
        }
        let moved: Vec<(Address, Address)> = events
            .iter()
            .filter_map(|e| match e {
                Ev::S(Event::Vault(_, Vev::Transfer(x))) => Some((x.from, x.to)),
                _ => None,
            })
            .collect();
        let buyout_call = matches!(
            t,
            Action::Propose { .. }
                | Action::Sell { .. }
                | Action::Buy { .. }
                | Action::End { .. }
                | Action::Cash { .. }
                | Action::ClaimAsset { .. }
                | Action::Withdraw { .. }
        );
        Self {
            shares: !moved.is_empty(),
            revenue: true,
            buyout: buyout_call || moved.iter().any(|&(a, b)| a == m.buyout || b == m.buyout),
        }
    }
}

struct World {
    s: Suite,
    /// The actors' ETH when the case started.
    eth0: [U256; N],
    /// Every ETH balance the suite can move, summed.
    eth_total: U256,
    /// Each actor's claimed + claimable per currency at the last check.
    accrued: [[u128; CURRENCIES]; N],
}

impl World {
    /// The events of `sent`: the suite's, and the buyout's decoded; the
    /// test token's, WETH's and the pair's left out.
    fn events(&self, m: &Model, sent: Sent<Bytes>) -> Vec<Ev> {
        sent.events
            .into_iter()
            .filter_map(|e| match e {
                Event::Other(log) if log.address == m.buyout => Some(Ev::B(
                    Bev::decode_raw_log(log.topics(), &log.data.data)
                        .unwrap_or_else(|e| panic!("undecodable buyout log {log:?}: {e}")),
                )),
                Event::Other(log) => {
                    assert!(
                        [m.token, m.weth, m.pair].contains(&log.address),
                        "a log from an unexpected emitter: {log:?}"
                    );
                    None
                }
                e => Some(Ev::S(e)),
            })
            .collect()
    }

    /// Invariants 10 and 12: the exact events of a success, the exact
    /// error of a refusal.
    fn check(&self, m: &Model, t: &Action, got: Result<Sent<Bytes>, Revert>) {
        match (&m.last, got) {
            (Ok(want), Ok(sent)) => {
                assert_eq!(&self.events(m, sent), want, "events of {t:?}");
            }
            (Ok(_), Err(r)) => panic!(
                "{t:?} reverted: {:?} / {:?} / {:?} ({r:?})",
                <BE as alloy_sol_types::SolInterface>::abi_decode(&r.data),
                <VE as alloy_sol_types::SolInterface>::abi_decode(&r.data),
                <D as alloy_sol_types::SolInterface>::abi_decode(&r.data),
            ),
            (Err(e), Ok(_)) => panic!("{t:?} succeeded, the model expected {e:?}"),
            (Err(e), Err(r)) => match e {
                Fail::Buyout(e) => assert_eq!(&r.decode::<BE>(), &**e, "error of {t:?}"),
                Fail::Vault(e) => assert_eq!(&r.decode::<VE>(), &**e, "error of {t:?}"),
                Fail::Editions(e) => assert_eq!(&r.decode::<D>(), &**e, "error of {t:?}"),
            },
        }
    }

    fn send<C: SolCall>(
        &mut self,
        from: usize,
        to: Address,
        call: &C,
        value: u128,
    ) -> Result<Sent<Bytes>, Revert> {
        self.s.send_raw(
            actor_address(from),
            to,
            call.abi_encode(),
            U256::from(value),
        )
    }

    /// `approve(spender, amount)` of `by`'s shares, which must succeed.
    fn approve(&mut self, m: &Model, by: usize, spender: Address, amount: u128) {
        let call = ShareVault::approveCall {
            spender,
            value: U256::from(amount),
        };
        let sent = self.s.ok(actor_address(by), m.vault, &call, U256::ZERO);
        let want = vec![Event::Vault(
            m.vault,
            Vev::Approval(ShareVault::Approval {
                owner: actor_address(by),
                spender,
                value: U256::from(amount),
            }),
        )];
        assert_eq!(sent.events, want, "approval events");
    }

    /// Every account's shares and the accruing supply (invariant 21: the
    /// buyout contract and the pool accrue nothing).
    fn compare_shares(&mut self, m: &Model) {
        // Invariant 21.
        let vault = m.vault;
        for i in 0..ACCOUNTS {
            let account = m.addr(i);
            let got = self.s.view(vault, &ShareVault::balanceOfCall { account });
            assert_eq!(got, U256::from(m.bal[i]), "shares of {i}");
        }
        let accruing = self.s.view(vault, &ShareVault::accruingSupplyCall {});
        assert_eq!(accruing, U256::from(m.accruing()), "accruing supply");
    }

    /// Every actor's `claimable` in each currency (invariants 7 and 21).
    fn compare_revenue(&mut self, m: &Model) {
        // Invariants 7 and 21.
        let vault = m.vault;
        for cur in 0..CURRENCIES {
            let l = &m.led[cur];
            let held = if cur == 0 {
                self.s.balance(vault)
            } else {
                self.s
                    .view(m.token, &TestToken::balanceOfCall { account: vault })
            };
            assert_eq!(held, U256::from(l.held), "vault balance of {cur}");
            let mut owed = 0;
            for h in 0..N {
                let call = ShareVault::claimableCall {
                    holder: actor_address(h),
                    token: m.currency(cur),
                };
                let got = self.s.view(vault, &call);
                let want = m.claimable(h, cur);
                assert_eq!(got, U256::from(want), "claimable of {h} in {cur}");
                let total = l.claimed[h] + want;
                assert!(
                    total >= self.accrued[h][cur],
                    "the accrued revenue of {h} in {cur} fell"
                );
                self.accrued[h][cur] = total;
                owed += want;
            }
            // The buyout contract and the pool never have anything to claim.
            let pool = m.reserves.map(|_| PAIR);
            for i in std::iter::once(BUYOUT).chain(pool) {
                let call = ShareVault::claimableCall {
                    holder: m.addr(i),
                    token: m.currency(cur),
                };
                assert_eq!(self.s.view(vault, &call), U256::ZERO, "claimable of {i}");
            }
            let claimed: u128 = l.claimed.iter().sum();
            assert_eq!(l.held, l.deposited - claimed, "balance = deposits − claims");
            let dust = l
                .held
                .checked_sub(owed + m.pending(cur))
                .expect("claimable and pending revenue within the vault's balance");
            assert!(dust <= N as u128, "dust {dust} in {cur}");
        }
    }

    /// The buyout record, credits and escrow (invariants 19 and 22).
    fn compare_buyout(&mut self, m: &Model) {
        // Invariants 19 and 22.
        let (vault, buyout) = (m.vault, m.buyout);
        let got = self.s.view(buyout, &ShareBuyout::buyoutOfCall { vault });
        assert_eq!(got, m.view(), "buyoutOf");
        let mut credits = 0;
        for i in 0..N {
            let account = actor_address(i);
            let got = self.s.view(buyout, &ShareBuyout::creditCall { account });
            assert_eq!(got, U256::from(m.credit[i]), "credit of {i}");
            credits += m.credit[i];
        }
        let b = &m.b;
        assert_eq!(
            b.eth_in,
            b.paid_out + b.credited + b.held,
            "escrow conservation"
        );
        assert_eq!(
            self.s.balance(buyout),
            U256::from(b.held + credits),
            "the buyout holds the escrow and the credits"
        );
        match b.state {
            1 => {
                // held ≥ outside · num / den, and above it by less than a
                // wei per trade (shares sent directly add their value).
                let outside = U256::from(m.supply - m.bal[BUYOUT]);
                let slack = (U256::from(b.held) * U256::from(b.den))
                    .checked_sub(outside * U256::from(b.num))
                    .expect("the escrow covers the shares outside the pool");
                let dust = slack
                    .checked_sub(U256::from(b.direct) * U256::from(b.num))
                    .expect("the shares sent directly are worth their price");
                assert!(
                    dust < U256::from(b.trades) * U256::from(b.den) || dust.is_zero(),
                    "trading dust {dust} after {} trades",
                    b.trades
                );
            }
            2 if b.cash_den > 0 => {
                // held ≥ ⌊outstanding · cash price⌋, above it by less than a
                // wei per cash-out.
                let dust = (U256::from(b.held) * U256::from(b.cash_den))
                    .checked_sub(U256::from(b.outstanding) * U256::from(b.cash_num))
                    .expect("the reserve covers the outstanding cash-outs");
                assert!(
                    dust < U256::from(b.cashouts) * U256::from(b.cash_den) || dust.is_zero(),
                    "cash-out dust {dust} after {} cash-outs",
                    b.cashouts
                );
            }
            _ => assert!(b.state != 3 || b.held == 0, "a failed buyout holds nothing"),
        }
    }

    /// Checks the chain against the model: what `scope` says the last step
    /// may have changed, and always the clock, the asset, the licence in
    /// force and every actor's ETH.
    fn compare(&mut self, m: &Model, scope: Scope) {
        let (vault, buyout) = (m.vault, m.buyout);
        assert_eq!(self.s.timestamp(), m.now, "clock");
        if scope.shares {
            self.compare_shares(m);
        }
        if scope.revenue {
            self.compare_revenue(m);
        }
        if scope.buyout {
            self.compare_buyout(m);
        }
        // Invariant 20: the asset and the licence in force.
        let b = &m.b;
        let owner = if b.released {
            actor_address(b.proposer)
        } else {
            vault
        };
        if m.units {
            for (who, units) in [(vault, !b.released), (owner, true)] {
                let call = IpEditions::balanceOfCall {
                    account: who,
                    id: U256::from(EDITION),
                };
                let got = self.s.view(m.editions, &call);
                assert_eq!(
                    got,
                    U256::from(if units { UNITS } else { 0 }),
                    "units of {who}"
                );
            }
        } else {
            let call = IpCollection::ownerOfCall {
                tokenId: U256::from(TOKEN_ID),
            };
            assert_eq!(
                self.s.view(m.collection, &call),
                owner,
                "owner of the token"
            );
        }
        if let Some((licensee, until, _)) = m.lease_in_force() {
            let (asset, id) = if m.units {
                (m.editions, EDITION)
            } else {
                (m.collection, TOKEN_ID)
            };
            let call = LicenseMarket::isLicensedCall {
                collection: asset,
                tokenId: U256::from(id),
                account: actor_address(licensee),
            };
            let got = self.s.view(self.s.market, &call);
            assert_eq!(
                (got._0, got._1, got._2),
                (true, until, TERMS),
                "the licence of {licensee} until {until}"
            );
        }
        // Invariant 9, per actor exactly.
        for i in 0..N {
            let got = self.s.balance(actor_address(i));
            let want = if m.eth[i] >= 0 {
                self.eth0[i] + U256::from(m.eth[i])
            } else {
                self.eth0[i] - U256::from(-m.eth[i])
            };
            assert_eq!(got, want, "ETH of {i}");
        }
        let total = self.s.eth_total(&[buyout, m.weth, m.pair]);
        assert_eq!(total, self.eth_total, "ETH conservation");
    }
}

struct BuyoutMachine;

impl StateMachineTest for BuyoutMachine {
    type SystemUnderTest = World;
    type Reference = Reference;

    fn init_test(m: &Model) -> World {
        let mut s = Suite::fresh();
        let admin = s.admin();
        let (creator, curator) = (actor_address(CREATOR), actor_address(CURATOR));
        let (salt, code) = token_code(m.decimals);
        assert_eq!(s.create(admin, salt, code), m.token, "test token address");
        s.vaults.insert(m.vault);
        // The asset, its royalty to the vault-to-be.
        let (asset, id, units) = if m.units {
            let create = IpEditions::createIdCall {
                maxSupply: U256::ZERO,
                uri: String::new(),
                royaltyReceiver: m.vault,
                royaltyBps: U96::from(ROYALTY_BPS),
            };
            let created = s.ok(admin, m.editions, &create, U256::ZERO);
            assert_eq!(created.ret, U256::from(EDITION), "edition id");
            let mint = IpEditions::mintCall {
                to: creator,
                id: U256::from(EDITION),
                amount: U256::from(UNITS),
                data: Bytes::new(),
            };
            s.ok(admin, m.editions, &mint, U256::ZERO);
            (m.editions, EDITION, UNITS)
        } else {
            let mint = IpCollection::mintCall {
                to: creator,
                uri: String::new(),
                royaltyReceiver: m.vault,
                royaltyBps: U96::from(ROYALTY_BPS),
            };
            s.ok(admin, m.collection, &mint, U256::ZERO);
            (m.collection, TOKEN_ID, 0)
        };
        let frac = VaultFactory::fractionalizeCall {
            asset,
            id: U256::from(id),
            units: U256::from(units),
            name: "Bought out shares".into(),
            symbol: "BOS".into(),
            holders: m.holders.iter().map(|h| actor_address(h.0)).collect(),
            amounts: m.holders.iter().map(|h| U256::from(h.1)).collect(),
            curator,
            revenueTokens: vec![m.token],
            maxLeaseDuration: MAX_LEASE,
            salt: B256::ZERO,
        };
        let factory = s.vault_factory;
        assert_eq!(s.ok(creator, factory, &frac, U256::ZERO).ret, m.vault);
        assert!(!s.view(m.vault, &ShareVault::accruesCall { account: m.buyout }));
        if m.offer {
            let approve = ShareVault::setMarketApprovalCall { approved: true };
            s.ok(curator, m.vault, &approve, U256::ZERO);
            let offer = ShareVault::createOfferCall {
                amount: if m.units { LEASED } else { 0 },
                terms: offer_terms(m.vault),
            };
            let created = s.ok(curator, m.vault, &offer, U256::ZERO);
            assert_eq!(created.ret, U256::from(OFFER), "offer id");
        }
        if let Some((shares, wei)) = m.liquidity {
            // The pair, registered as a pool, then the creator's liquidity.
            let amm = s.amm;
            let create = IUniswapV2Factory::createPairCall {
                tokenA: m.vault,
                tokenB: amm.weth,
            };
            assert_eq!(s.ok(creator, amm.factory, &create, U256::ZERO).ret, m.pair);
            let register = ShareVault::registerPoolCall { pair: m.pair };
            s.ok(actor_address(2), m.vault, &register, U256::ZERO);
            let approve = ShareVault::approveCall {
                spender: amm.router,
                value: U256::from(shares),
            };
            s.ok(creator, m.vault, &approve, U256::ZERO);
            let add = IUniswapV2Router02::addLiquidityETHCall {
                token: m.vault,
                amountTokenDesired: U256::from(shares),
                amountTokenMin: U256::from(shares),
                amountETHMin: U256::from(wei),
                to: creator,
                deadline: NO_DEADLINE,
            };
            s.ok(creator, amm.router, &add, U256::from(wei));
        }
        let eth0 = std::array::from_fn(|i| s.balance(actor_address(i)));
        let eth_total = s.eth_total(&[m.buyout, m.weth, m.pair]);
        let mut w = World {
            s,
            eth0,
            eth_total,
            accrued: [[0; CURRENCIES]; N],
        };
        w.compare(m, Scope::ALL);
        w
    }

    fn apply(mut w: World, m: &Model, t: Action) -> World {
        let (vault, buyout) = (m.vault, m.buyout);
        let got = match t {
            Action::Propose {
                by,
                shares,
                value,
                approve,
            } => {
                if approve {
                    w.approve(m, by, buyout, shares);
                }
                let call = ShareBuyout::proposeCall {
                    vault,
                    shares: U256::from(shares),
                };
                w.send(by, buyout, &call, value)
            }
            Action::Sell {
                by,
                amount,
                approve,
            } => {
                if approve {
                    w.approve(m, by, buyout, amount);
                }
                let call = ShareBuyout::sellSharesCall {
                    vault,
                    amount: U256::from(amount),
                };
                w.send(by, buyout, &call, 0)
            }
            Action::Buy { by, amount, value } => {
                let call = ShareBuyout::buySharesCall {
                    vault,
                    amount: U256::from(amount),
                };
                w.send(by, buyout, &call, value)
            }
            Action::End { by } => w.send(by, buyout, &ShareBuyout::endCall { vault }, 0),
            Action::Cash {
                by,
                amount,
                approve,
            } => {
                if approve {
                    w.approve(m, by, buyout, amount);
                }
                let call = ShareBuyout::cashCall {
                    vault,
                    amount: U256::from(amount),
                };
                w.send(by, buyout, &call, 0)
            }
            Action::ClaimAsset { by } => {
                w.send(by, buyout, &ShareBuyout::claimAssetCall { vault }, 0)
            }
            Action::Withdraw { by } => w.send(by, buyout, &ShareBuyout::withdrawCall {}, 0),
            Action::Transfer { from, to, amount } => {
                let call = ShareVault::transferCall {
                    to: m.addr(to),
                    value: U256::from(amount),
                };
                w.send(from, vault, &call, 0)
            }
            Action::Deposit { from, cur, amount } => {
                if cur == 0 {
                    w.s.send_raw(actor_address(from), vault, Vec::new(), U256::from(amount))
                } else {
                    let call = TestToken::mintCall {
                        to: vault,
                        value: U256::from(amount),
                    };
                    w.send(from, m.token, &call, 0)
                }
            }
            Action::Claim { holder, cur } => {
                let call = ShareVault::claimCall {
                    tokens: vec![m.currency(cur)],
                };
                w.send(holder, vault, &call, 0)
            }
            Action::Lease { buyer, seconds } => {
                let price = PRICE * u128::from(seconds);
                let call = LicenseMarket::buyLeaseCall {
                    offerId: U256::from(OFFER),
                    duration: seconds,
                    maxPrice: U256::from(price),
                    version: 1,
                };
                let market = w.s.market;
                w.send(buyer, market, &call, price)
            }
            Action::Swap { by, buy, amount } => {
                let amm = w.s.amm;
                let deadline = NO_DEADLINE;
                if buy {
                    let call = IUniswapV2Router02::swapExactETHForTokensCall {
                        amountOutMin: U256::ZERO,
                        path: vec![amm.weth, vault],
                        to: actor_address(by),
                        deadline,
                    };
                    w.send(by, amm.router, &call, amount)
                } else {
                    w.approve(m, by, amm.router, amount);
                    let call = IUniswapV2Router02::swapExactTokensForETHCall {
                        amountIn: U256::from(amount),
                        amountOutMin: U256::ZERO,
                        path: vec![vault, amm.weth],
                        to: actor_address(by),
                        deadline,
                    };
                    w.send(by, amm.router, &call, 0)
                }
            }
            Action::Warp { seconds } => {
                w.s.warp(seconds);
                Ok(Sent::default())
            }
        };
        w.check(m, &t, got);
        let scope = Scope::of(&w.s, m, &t);
        w.compare(m, scope);
        w
    }
}

prop_state_machine! {
    #![proptest_config(crate::config())]

    fn buyout_machine(sequential 1..32 => BuyoutMachine);
}

#[test]
fn buyout_matches_the_model() {
    crate::on_big_stack(buyout_machine);
}
