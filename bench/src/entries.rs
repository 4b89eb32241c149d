//! How a lease transaction enters Stylus programs, and what each entry pays
//! before the recent-program cache (ArbOS 51) and with it (ArbOS 60+).
//!
//! Every run is the same transaction on the same WASM, accounts and state as
//! the main scenario ([`crate::stylus`]: ip-collection with a 5 % default
//! royalty, token 2 offered on a fresh licence market by its owner, bought
//! for 30 days, then renewed), on a fresh in-process chain
//! ([`stylus_vm::Sandbox`], whose outcomes carry the Stylus frames run and
//! the recent-cache hits that receipts do not). Only the ArbOS version,
//! ArbWasmCache and what ran earlier in the block change between runs:
//!
//! * own block: the transaction alone in its block, as every bench
//!   transaction over JSON-RPC (automine);
//! * after the same transaction in the block: a second market and
//!   collection with the same code (so the same code hashes) and the same
//!   state serve the same transaction first, in the same block
//!   ([`Sandbox::begin_block`]);
//! * cached: both programs cached through ArbWasmCache `cacheProgram`.
//!
//! How many times each program is entered is measured, not assumed: at
//! ArbOS 51 (no recent cache) caching one program through ArbWasmCache
//! removes exactly its `initGas` from each of its entries.

use alloy::primitives::{aliases::U96, Address, Bytes, U256};
use alloy::sol_types::{SolCall, SolConstructor};
use anyhow::{bail, ensure, Context, Result};
use stylus_vm::revm::context::TxEnv;
use stylus_vm::revm::primitives::TxKind;
use stylus_vm::{Runtime, Sandbox, VmConfig};

use crate::breakdown::{self, Kind};
use crate::chain::{
    init_and_cached_gas, ArbWasm, ArbWasmCache, ARB_WASM, ARB_WASM_CACHE, CONSTRUCTOR_SELECTOR,
};
use crate::report::{EnteredProgram, EntryRun, GasSplit, LeaseEntries};
use crate::stylus::{
    collection_ctor, lease_buy, lease_price, lease_renew, lease_terms, IpCollection, LicenseMarket,
    Wasm,
};

/// The ArbOS version the comparison starts from: the last default without
/// the recent-program cache (it applies from ArbOS 60).
pub const BEFORE_CACHE_ARBOS: u64 = 51;

/// The contracts a lease of an ERC-721 token enters, top-level first.
const PROGRAMS: [&str; 2] = ["license-market", "ip-collection"];

/// The market's calls into the collection on the ERC-721 purchase path, in
/// call order (license-market's `lease`: one `leaseTo`, which answers the
/// operator, holder and lock checks and the royalty quote and sets the
/// user). Used as labels only when the measured number of entries matches.
const PURCHASE_CALLS: [&str; 1] = ["leaseTo"];
/// The same for a renewal (the lock in the answer is the licensee's own).
const RENEWAL_CALLS: [&str; 1] = ["leaseTo"];

/// Which programs ArbWasmCache holds in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cached {
    None,
    All,
    /// Only `PROGRAMS[i]`.
    Only(usize),
}

/// The lease operations compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lease {
    Buy,
    Renew,
}

impl Lease {
    const ALL: [Self; 2] = [Self::Buy, Self::Renew];

    const fn op_id(self) -> &'static str {
        match self {
            Self::Buy => "lease.buy",
            Self::Renew => "lease.renew",
        }
    }

    fn data(self) -> Vec<u8> {
        match self {
            Self::Buy => lease_buy().abi_encode(),
            Self::Renew => lease_renew().abi_encode(),
        }
    }

    const fn calls(self) -> &'static [&'static str] {
        match self {
            Self::Buy => &PURCHASE_CALLS,
            Self::Renew => &RENEWAL_CALLS,
        }
    }

    const fn top_call(self) -> &'static str {
        match self {
            Self::Buy => "buyLease",
            Self::Renew => "renewLease",
        }
    }
}

/// A market and the collection it leases, set up as the main scenario's.
#[derive(Debug, Clone, Copy)]
struct Pair {
    market: Address,
    collection: Address,
}

/// One fresh in-process chain with two identical pairs deployed.
struct World {
    node: Sandbox,
    /// The pair measured.
    pair: Pair,
    /// Same code, same state: serves the transaction earlier in the block.
    twin: Pair,
    /// `(initGas, cachedGas)` of [`PROGRAMS`] as ArbWasm reports them here.
    costs: Vec<(u64, u64)>,
    /// The lessee (the main scenario's account 3).
    licensee: Address,
}

/// What one transaction did.
#[derive(Debug, Clone, Copy)]
struct Measured {
    gas: u64,
    programs_run: u64,
    recent_cache_hits: u64,
}

fn ok(out: &stylus_vm::TxOutcome, what: &str) -> Result<()> {
    if !out.success {
        bail!("in-process {what} failed: {out:?}");
    }
    Ok(())
}

fn send(n: &mut Sandbox, from: Address, to: Address, data: Vec<u8>, value: U256) -> Result<()> {
    let out = n
        .transact(from, to, Bytes::from(data), value)
        .map_err(anyhow::Error::msg)?;
    ok(&out, "setup transaction")
}

/// The transaction `from` → `to` as [`Sandbox::transact`] would send it.
fn tx(n: &Sandbox, from: Address, to: Address, data: Vec<u8>, value: U256) -> TxEnv {
    TxEnv {
        caller: from,
        gas_limit: stylus_vm::api::DEFAULT_TX_GAS,
        gas_price: u128::from(n.block().basefee),
        kind: TxKind::Call(to),
        value,
        data: Bytes::from(data),
        nonce: n.nonce(from),
        chain_id: Some(n.runtime().config.chain_id),
        ..TxEnv::default()
    }
}

impl World {
    /// A chain at `arbos` rules with `accounts` (the main scenario's dev
    /// accounts 0–3) funded, both pairs deployed and set up, `cached` in
    /// ArbWasmCache.
    fn new(runtime: &Runtime, wasm: &Wasm, accounts: &[Address], cached: Cached) -> Result<Self> {
        let &[admin, holder, owner, licensee, ..] = accounts else {
            bail!("four accounts needed");
        };
        let mut node = Sandbox::with_runtime(runtime.clone());
        for a in [admin, holder, owner, licensee] {
            node.fund(a, U256::from(10u64).pow(U256::from(22)));
        }
        let mut programs = Vec::new();
        for c in PROGRAMS {
            let a = node
                .deploy_and_activate(admin, wasm.get(c))
                .map_err(|o| anyhow::anyhow!("deploying {c} in process: {o:?}"))?;
            programs.push(a);
        }
        if cached != Cached::None {
            // only cache managers and chain owners may cache: the admin
            // becomes chain owner as nitro-devnode's dev key does (ArbDebug)
            let owner = stylus_vm::abi::ArbDebug::becomeChainOwnerCall {};
            send(
                &mut node,
                admin,
                stylus_vm::config::ARB_DEBUG,
                owner.abi_encode(),
                U256::ZERO,
            )?;
        }
        for (i, &p) in programs.iter().enumerate() {
            if cached == Cached::All || cached == Cached::Only(i) {
                let call = ArbWasmCache::cacheProgramCall { addr: p };
                send(
                    &mut node,
                    admin,
                    ARB_WASM_CACHE,
                    call.abi_encode(),
                    U256::ZERO,
                )?;
            }
        }
        let mut costs = Vec::new();
        for &p in &programs {
            let call = ArbWasm::programInitGasCall { program: p };
            let out = node
                .call(admin, ARB_WASM, call.abi_encode().into())
                .map_err(anyhow::Error::msg)?;
            ok(&out, "programInitGas")?;
            let r = ArbWasm::programInitGasCall::abi_decode_returns(&out.output)?;
            let version = runtime.config.stylus.version;
            costs.push(init_and_cached_gas(r.gas, r.gasWhenCached, version));
        }
        let pair = Pair {
            market: programs[0],
            collection: programs[1],
        };
        // The twin: the same code deployed again (active already).
        let twin = Pair {
            market: node
                .deploy_wasm(admin, wasm.get(PROGRAMS[0]))
                .map_err(|o| anyhow::anyhow!("deploying the twin market: {o:?}"))?,
            collection: node
                .deploy_wasm(admin, wasm.get(PROGRAMS[1]))
                .map_err(|o| anyhow::anyhow!("deploying the twin collection: {o:?}"))?,
        };
        for p in [pair, twin] {
            let mut ctor = CONSTRUCTOR_SELECTOR.to_vec();
            ctor.extend(collection_ctor(admin).abi_encode());
            send(&mut node, admin, p.collection, ctor, U256::ZERO)?;
            // Token 1 to account 1, token 2 (the one leased) to account 2.
            for to in [holder, owner] {
                let mint = IpCollection::mintCall {
                    to,
                    uri: "ipfs://bafy/1".into(),
                    royaltyReceiver: Address::ZERO,
                    royaltyBps: U96::ZERO,
                };
                send(
                    &mut node,
                    admin,
                    p.collection,
                    mint.abi_encode(),
                    U256::ZERO,
                )?;
            }
            let operator = IpCollection::setLeaseOperatorCall {
                operator: p.market,
                approved: true,
            };
            send(
                &mut node,
                owner,
                p.collection,
                operator.abi_encode(),
                U256::ZERO,
            )?;
            let offer = LicenseMarket::createOfferCall {
                collection: p.collection,
                tokenId: U256::from(2),
                amount: 0,
                terms: lease_terms(owner, node.timestamp()),
            };
            send(&mut node, owner, p.market, offer.abi_encode(), U256::ZERO)?;
        }
        Ok(Self {
            node,
            pair,
            twin,
            costs,
            licensee,
        })
    }

    /// Runs `lease` on the measured pair alone in its block (nothing
    /// committed).
    fn alone(&mut self, lease: Lease) -> Result<Measured> {
        let t = tx(
            &self.node,
            self.licensee,
            self.pair.market,
            lease.data(),
            lease_price(),
        );
        let exec = self.node.execute(t).map_err(anyhow::Error::msg)?;
        let out = stylus_vm::TxOutcome::from_execution(&exec);
        ok(&out, lease.op_id())?;
        Ok(Measured {
            gas: out.gas_used,
            programs_run: exec.trace.programs_run,
            recent_cache_hits: exec.trace.recent_cache_hits,
        })
    }

    /// Runs `lease` on the measured pair alone, traced (nothing committed),
    /// and splits each Stylus frame's gas ([`crate::breakdown`]), in the
    /// order the frames were entered.
    fn split(&mut self, lease: Lease) -> Result<Vec<GasSplit>> {
        let t = tx(
            &self.node,
            self.licensee,
            self.pair.market,
            lease.data(),
            lease_price(),
        );
        let exec = self.node.execute_traced(t).map_err(anyhow::Error::msg)?;
        ok(&stylus_vm::TxOutcome::from_execution(&exec), lease.op_id())?;
        let price = u64::from(self.node.runtime().config.stylus.ink_price);
        let mut frames = breakdown::frames(&exec.trace.events, price);
        // Callees return first; entry order is by depth, then return order.
        frames.sort_by_key(|f| f.depth);
        let mut collection_calls = lease.calls().iter();
        frames
            .into_iter()
            .map(|f| {
                let (program, call) = if f.program == self.pair.market {
                    ("license-market", lease.top_call())
                } else if f.program == self.pair.collection {
                    let call = collection_calls.next().copied().unwrap_or("call");
                    ("ip-collection", call)
                } else {
                    bail!("an unexpected Stylus frame at {}", f.program);
                };
                let kind = |k| f.hostios.get(&k).copied().unwrap_or(0);
                Ok(GasSplit {
                    program: program.into(),
                    call: call.into(),
                    gas_used: f.gas_used,
                    entry: f.entry,
                    storage_reads: kind(Kind::StorageRead),
                    storage_writes: kind(Kind::StorageWrite),
                    calls: kind(Kind::Call),
                    logs: kind(Kind::Log),
                    other_hostios: kind(Kind::Other),
                    hostio_count: f.counts.values().sum(),
                    callees: f.callees,
                    compute: f.compute,
                })
            })
            .collect()
    }

    /// Runs `lease` on the twin, then on the measured pair, in one block;
    /// the state is restored afterwards.
    fn after_twin(&mut self, lease: Lease, programs_run: u64) -> Result<Measured> {
        let snap = self.node.snapshot();
        self.node.begin_block();
        let price = lease_price();
        let first = self
            .node
            .transact(self.licensee, self.twin.market, lease.data().into(), price)
            .map_err(anyhow::Error::msg)?;
        ok(&first, "the twin's transaction")?;
        let out = self
            .node
            .transact(self.licensee, self.pair.market, lease.data().into(), price)
            .map_err(anyhow::Error::msg)?;
        self.node.end_block();
        self.node.revert(snap);
        ok(&out, lease.op_id())?;
        Ok(Measured {
            gas: out.gas_used,
            programs_run,
            recent_cache_hits: out.recent_cache_hits,
        })
    }

    /// Commits the purchase on both pairs (each in its own block), so that
    /// a renewal can be measured.
    fn buy_both(&mut self) -> Result<()> {
        for p in [self.pair, self.twin] {
            let data = Lease::Buy.data();
            send(&mut self.node, self.licensee, p.market, data, lease_price())?;
        }
        Ok(())
    }
}

/// A run configuration: rules, ArbWasmCache, and whether the transaction
/// follows the same one in its block.
#[derive(Debug, Clone, Copy)]
struct RunSpec {
    arbos: u64,
    cached: bool,
    after_twin: bool,
}

impl RunSpec {
    fn label(self) -> String {
        let mut s = format!(
            "ArbOS {}, {}",
            self.arbos,
            if self.cached { "cached" } else { "not cached" }
        );
        if self.after_twin {
            s.push_str(", after the same tx in the block");
        }
        s
    }
}

/// Measures the lease purchase and renewal entry by entry at
/// [`BEFORE_CACHE_ARBOS`] and at `arbos` (the version the rest of the bench
/// ran under): not cached, not cached after the same transaction earlier in
/// the block (where the rules have the recent cache), and cached.
/// `accounts` are the main scenario's dev accounts (0–3 are used).
///
/// # Errors
/// When a deployment or a transaction fails, or the entry counts do not
/// add up (a program entered a number of times no gas difference explains).
pub fn run(wasm: &Wasm, accounts: &[Address], arbos: u64) -> Result<Vec<LeaseEntries>> {
    let config = |v| VmConfig {
        // The in-process chain keeps programs whole; entry costs are the
        // same for a fragmented program (its root is the program).
        max_code_size: 128 * 1024,
        ..VmConfig::arbos(v)
    };
    let before = Runtime::new(config(BEFORE_CACHE_ARBOS));
    let after = Runtime::new(config(arbos));

    // Entries per program, from ArbOS 51 gas: caching only program i
    // removes its initGas from each of its entries.
    let mut counts: Vec<Vec<u64>> = Vec::new();
    let mut plain = World::new(&before, wasm, accounts, Cached::None)?;
    let mut only: Vec<World> = (0..PROGRAMS.len())
        .map(|i| World::new(&before, wasm, accounts, Cached::Only(i)))
        .collect::<Result<_>>()?;
    for lease in Lease::ALL {
        let base = plain.alone(lease)?;
        let mut per = Vec::new();
        for (i, w) in only.iter_mut().enumerate() {
            let m = w.alone(lease)?;
            let init = plain.costs[i].0;
            let saved = base.gas.checked_sub(m.gas).context("caching added gas")?;
            ensure!(
                init > 0 && saved % init == 0,
                "{}: caching {} saved {saved} gas, not a multiple of its initGas {init}",
                lease.op_id(),
                PROGRAMS[i]
            );
            per.push(saved / init);
        }
        ensure!(
            per.iter().sum::<u64>() == base.programs_run,
            "{}: {per:?} entries by gas, {} Stylus frames run",
            lease.op_id(),
            base.programs_run
        );
        counts.push(per);
        if lease == Lease::Buy {
            plain.buy_both()?;
            for w in &mut only {
                w.buy_both()?;
            }
        }
    }

    let mut specs = vec![
        RunSpec {
            arbos: BEFORE_CACHE_ARBOS,
            cached: false,
            after_twin: false,
        },
        RunSpec {
            arbos,
            cached: false,
            after_twin: false,
        },
    ];
    if VmConfig::arbos(arbos).recent_programs_cache() {
        specs.push(RunSpec {
            arbos,
            cached: false,
            after_twin: true,
        });
    }
    specs.extend([
        RunSpec {
            arbos: BEFORE_CACHE_ARBOS,
            cached: true,
            after_twin: false,
        },
        RunSpec {
            arbos,
            cached: true,
            after_twin: false,
        },
    ]);

    let mut out: Vec<LeaseEntries> = Lease::ALL
        .iter()
        .zip(&counts)
        .map(|(&lease, per)| {
            let programs = PROGRAMS
                .iter()
                .zip(per)
                .map(|(&c, &n)| EnteredProgram {
                    contract: c.to_string(),
                    entries: n,
                })
                .collect();
            LeaseEntries::new(lease.op_id(), programs, lease.top_call(), lease.calls())
        })
        .collect();
    for spec in specs {
        let runtime = if spec.arbos == BEFORE_CACHE_ARBOS {
            &before
        } else {
            &after
        };
        let cached = if spec.cached {
            Cached::All
        } else {
            Cached::None
        };
        let mut w = World::new(runtime, wasm, accounts, cached)?;
        for (i, lease) in Lease::ALL.into_iter().enumerate() {
            if spec.cached && spec.arbos == arbos {
                out[i].split = w.split(lease)?;
            }
            let alone = w.alone(lease)?;
            let m = if spec.after_twin {
                w.after_twin(lease, alone.programs_run)?
            } else {
                alone
            };
            out[i].runs.push(EntryRun {
                label: spec.label(),
                arbos_version: spec.arbos,
                recent_cache: runtime.config.recent_programs_cache(),
                arbwasm_cached: spec.cached,
                after_same_tx_in_block: spec.after_twin,
                gas: m.gas,
                programs_run: m.programs_run,
                recent_cache_hits: m.recent_cache_hits,
                program_costs: w.costs.clone(),
            });
            if lease == Lease::Buy {
                w.buy_both()?;
            }
        }
    }
    Ok(out)
}
