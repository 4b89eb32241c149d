//! End-to-end harness: the suite's real WASM (`target/wasm/*.wasm`, built by
//! `cargo ip build`) deployed and activated on the in-process devnode
//! (`stylus-vm`) or, for the state machines' [`suite`], on any JSON-RPC node
//! ([`rpc`]), driven through ABI bindings generated from `abi/`.
//!
//! Tests call contracts with [`Harness::send`] / [`Harness::view`], which
//! encode with the `sol!` types of the exported ABI and decode returns and
//! custom errors, so a selector or type drift between the contracts and
//! `abi/` fails here.

pub mod js;
pub mod rpc;
pub mod sol;
pub mod suite;
pub mod uniswap;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolConstructor, SolInterface};
use stylus_ip_deploy::stylus::STYLUS_CONSTRUCTOR_SELECTOR;
use stylus_vm::Sandbox;

/// One ether in wei.
pub const ETH: u128 = 1_000_000_000_000_000_000;

/// What a reverted call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revert {
    /// Raw revert data (a custom error's ABI encoding, or empty).
    pub data: Bytes,
    /// The devnode's description (halt reason, Stylus error), if any.
    pub reason: Option<String>,
}

impl Revert {
    /// Decodes the revert data as one of a contract's custom errors.
    ///
    /// # Panics
    /// When the data is not one of `E`'s errors (the test expected a typed error).
    #[must_use]
    pub fn decode<E: SolInterface>(&self) -> E {
        E::abi_decode(&self.data).unwrap_or_else(|e| {
            panic!(
                "revert data {} is not a typed error: {e} ({:?})",
                self.data, self.reason
            )
        })
    }
}

/// The devnode plus funded actors.
#[derive(Debug)]
pub struct Harness {
    /// The in-process chain.
    pub node: Sandbox,
    /// Deployer and administrator of everything.
    pub admin: Address,
    /// Funded actors (not including `admin`).
    pub actors: Vec<Address>,
}

/// Stack of the threads that drive the devnode in tests: activation and
/// nested Stylus frames recurse deeply in debug builds.
pub const BIG_STACK: usize = 256 << 20;

/// Runs `f` on a thread named `name` with a [`BIG_STACK`]-byte stack and
/// returns its result, re-raising its panic.
///
/// # Panics
/// When the thread cannot be spawned, or `f` panics.
pub fn big_stack<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(BIG_STACK)
        .spawn(f)
        .expect("spawning a big-stack thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Path of a contract's built WASM.
#[must_use]
pub fn wasm_path(contract: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/wasm")
        .join(format!("{contract}.wasm"))
}

/// Reads a contract's built WASM.
///
/// # Panics
/// When it has not been built: run `cargo ip build` first (the README's test
/// command does).
#[must_use]
pub fn wasm(contract: &str) -> Vec<u8> {
    let path = wasm_path(contract);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo ip build` first", path.display()))
}

impl Harness {
    /// A fresh chain with an admin and `actors` funded actors (100 ETH each)
    /// at `0xA0…01`, `0xA0…02`, ….
    #[must_use]
    pub fn new(actors: usize) -> Self {
        Self::with_actors(
            (1..=actors as u64)
                .map(|i| {
                    let mut b = [0u8; 20];
                    b[0] = 0xA0;
                    b[12..].copy_from_slice(&i.to_be_bytes());
                    Address::from(b)
                })
                .collect(),
        )
    }

    /// A fresh chain with an admin (`0xADAD…`, 1,000 ETH) and these actors
    /// (100 ETH each).
    #[must_use]
    pub fn with_actors(actors: Vec<Address>) -> Self {
        let mut node = Sandbox::new();
        let admin = Address::repeat_byte(0xAD);
        node.fund(admin, U256::from(1000 * ETH));
        for a in &actors {
            node.fund(*a, U256::from(100 * ETH));
        }
        Self {
            node,
            admin,
            actors,
        }
    }

    /// Deploys and activates `contract`'s WASM as `admin`.
    ///
    /// # Panics
    /// When deployment or activation fails.
    pub fn deploy(&mut self, contract: &str) -> Address {
        let code = wasm(contract);
        self.node
            .deploy_and_activate(self.admin, &code)
            .unwrap_or_else(|o| panic!("deploying {contract} failed: {o:?}"))
    }

    /// Calls `program`'s Stylus constructor (calldata
    /// [`STYLUS_CONSTRUCTOR_SELECTOR`] ‖ `args`) as `admin`, after
    /// [`Harness::deploy`].
    ///
    /// # Panics
    /// When the constructor reverts or the devnode fails.
    pub fn construct<C: SolConstructor>(&mut self, program: Address, args: &C) {
        let mut data = STYLUS_CONSTRUCTOR_SELECTOR.to_vec();
        data.extend(args.abi_encode());
        let admin = self.admin;
        self.send_raw(admin, program, data, U256::ZERO)
            .unwrap_or_else(|r| panic!("constructor of {program} failed: {r:?}"));
    }

    /// Sends a transaction calling `call` on `to`; returns the decoded return
    /// value and the gas used, or the revert.
    ///
    /// # Panics
    /// When the devnode itself fails (not a revert).
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<(C::Return, u64), Revert> {
        let out = self
            .node
            .transact(from, to, Bytes::from(call.abi_encode()), value)
            .unwrap_or_else(|e| panic!("devnode error: {e}"));
        if !out.success {
            return Err(Revert {
                data: out.output,
                reason: out.halt.or(out.stylus_error),
            });
        }
        let ret = C::abi_decode_returns(&out.output)
            .unwrap_or_else(|e| panic!("bad return data for {}: {e}", C::SIGNATURE));
        Ok((ret, out.gas_used))
    }

    /// Calls a view without committing.
    ///
    /// # Panics
    /// When the call reverts or the devnode fails.
    pub fn view<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        let out = self
            .view_raw(to, call.abi_encode())
            .unwrap_or_else(|r| panic!("view {} reverted: {r:?}", C::SIGNATURE));
        C::abi_decode_returns(&out)
            .unwrap_or_else(|e| panic!("bad return data for {}: {e}", C::SIGNATURE))
    }

    /// Sends raw calldata (for malformed-input tests).
    ///
    /// # Panics
    /// When the devnode itself fails.
    pub fn send_raw(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<Bytes, Revert> {
        let out = self
            .node
            .transact(from, to, Bytes::from(data), value)
            .unwrap_or_else(|e| panic!("devnode error: {e}"));
        returned(out)
    }

    /// Calls `to` with raw calldata as the admin, committing nothing: the
    /// return data, or the revert.
    ///
    /// # Panics
    /// When the devnode itself fails.
    pub fn view_raw(&mut self, to: Address, data: Vec<u8>) -> Result<Bytes, Revert> {
        let out = self
            .node
            .call(self.admin, to, Bytes::from(data))
            .unwrap_or_else(|e| panic!("devnode error: {e}"));
        returned(out)
    }
}

/// An outcome's return data, or its revert.
fn returned(out: stylus_vm::TxOutcome) -> Result<Bytes, Revert> {
    if out.success {
        Ok(out.output)
    } else {
        Err(Revert {
            data: out.output,
            reason: out.halt.or(out.stylus_error),
        })
    }
}

/// One account of a [`StateFingerprint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFingerprint {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code hash.
    pub code_hash: B256,
    /// Non-zero storage slots.
    pub storage: BTreeMap<U256, U256>,
}

/// The whole chain state: every non-empty account with its balance, nonce,
/// code hash and non-zero storage. Two equal fingerprints mean no balance
/// and no storage slot of any contract or actor differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFingerprint(pub BTreeMap<Address, AccountFingerprint>);

impl StateFingerprint {
    /// What changed from `self` to `after`, one line per difference,
    /// ignoring the nonces of `senders` (a reverted transaction still
    /// consumes its sender's nonce).
    #[must_use]
    pub fn diff(&self, after: &Self, senders: &[Address]) -> Vec<String> {
        let empty = AccountFingerprint {
            balance: U256::ZERO,
            nonce: 0,
            code_hash: B256::ZERO,
            storage: BTreeMap::new(),
        };
        let mut out = Vec::new();
        let addresses: BTreeSet<_> = self.0.keys().chain(after.0.keys()).collect();
        for a in addresses {
            let x = self.0.get(a).unwrap_or(&empty);
            let y = after.0.get(a).unwrap_or(&empty);
            if x.balance != y.balance {
                out.push(format!("{a}: balance {} -> {}", x.balance, y.balance));
            }
            if x.nonce != y.nonce && !senders.contains(a) {
                out.push(format!("{a}: nonce {} -> {}", x.nonce, y.nonce));
            }
            if x.code_hash != y.code_hash {
                out.push(format!("{a}: code {} -> {}", x.code_hash, y.code_hash));
            }
            let slots: BTreeSet<_> = x.storage.keys().chain(y.storage.keys()).collect();
            for s in slots {
                let (u, v) = (x.storage.get(s), y.storage.get(s));
                if u != v {
                    out.push(format!("{a}: slot {s:#x} {u:?} -> {v:?}"));
                }
            }
        }
        out
    }
}

impl Harness {
    /// The current [`StateFingerprint`].
    #[must_use]
    pub fn fingerprint(&self) -> StateFingerprint {
        let mut accounts = BTreeMap::new();
        for (address, account) in &self.node.db().cache.accounts {
            let storage: BTreeMap<U256, U256> = account
                .storage
                .iter()
                .filter(|(_, v)| !v.is_zero())
                .map(|(k, v)| (*k, *v))
                .collect();
            let info = &account.info;
            let empty_code =
                info.code_hash.is_zero() || info.code_hash == alloy_primitives::KECCAK256_EMPTY;
            if info.balance.is_zero() && info.nonce == 0 && empty_code && storage.is_empty() {
                continue;
            }
            accounts.insert(
                *address,
                AccountFingerprint {
                    balance: info.balance,
                    nonce: info.nonce,
                    code_hash: info.code_hash,
                    storage,
                },
            );
        }
        StateFingerprint(accounts)
    }
}
