//! The `vm_hooks` host interface, engine-independent.
//!
//! Every hostio is written once here against the [`Guest`] trait (memory and
//! ink access), with Nitro's exact ink charges and semantics
//! (`user-host-trait/lib.rs`, `arbutil/src/evm/req.rs`). Hostios that need the
//! EVM (storage misses, flushes, calls, creates, logs, account queries, page
//! accounting) do not touch the EVM themselves: they return a [`Request`] and
//! the program is *suspended*; the revm glue performs the request and resumes
//! the program with a [`Response`] through [`complete`].

use std::collections::HashMap;

use revm::primitives::{keccak256, Address, Bytes, B256, U256};

use crate::pricing::{self, base};

/// Gas the program must hold before a storage access (`REQUIRED_ACCESS_GAS`).
pub const REQUIRED_ACCESS_GAS: u64 = 10;
/// EVM `SSTORE` sentry (EIP-2200).
pub const SSTORE_SENTRY_GAS: u64 = 2300;
/// Cold `SLOAD` gas (EIP-2929).
pub const COLD_SLOAD_GAS: u64 = 2100;
/// Cold account access gas (EIP-2929).
pub const COLD_ACCOUNT_GAS: u64 = 2600;
/// `TLOAD`/`TSTORE` gas.
pub const TRANSIENT_GAS: u64 = 100;
/// Log gas per topic.
pub const LOG_TOPIC_GAS: u64 = 375;
/// Log gas per data byte.
pub const LOG_DATA_GAS: u64 = 8;

/// Why a program stops running (host errors and traps, mapped as Nitro does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// The program ran out of ink.
    OutOfInk,
    /// `exit_early(status)`.
    Exit(u32),
    /// An out-of-bounds pointer.
    Memory(String),
    /// Any other failure of a hostio (bad arguments, static-context writes…).
    Logical(String),
    /// Not an error: the program waits for the EVM (see [`Request`]).
    Suspend,
}

impl std::fmt::Display for Escape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OutOfInk => write!(f, "out of ink"),
            Self::Exit(s) => write!(f, "exit early with status {s}"),
            Self::Memory(m) => write!(f, "memory access out of bounds: {m}"),
            Self::Logical(m) => write!(f, "{m}"),
            Self::Suspend => write!(f, "suspended for an EVM request"),
        }
    }
}

impl std::error::Error for Escape {}

/// Block, transaction and message data a program can read (Nitro's `EvmData`).
#[derive(Debug, Clone, Default)]
pub struct EvmData {
    /// ArbOS version.
    pub arbos_version: u64,
    /// `BASEFEE`.
    pub block_basefee: B256,
    /// Chain id.
    pub chainid: u64,
    /// `COINBASE`.
    pub block_coinbase: Address,
    /// Block gas limit.
    pub block_gas_limit: u64,
    /// Block number as programs see it (the L1 block number on Arbitrum).
    pub block_number: u64,
    /// Block timestamp.
    pub block_timestamp: u64,
    /// `ADDRESS`.
    pub contract_address: Address,
    /// `CALLER`.
    pub msg_sender: Address,
    /// `CALLVALUE`.
    pub msg_value: B256,
    /// `GASPRICE`.
    pub tx_gas_price: B256,
    /// `ORIGIN`.
    pub tx_origin: Address,
    /// 1 if the acting address has another open frame.
    pub reentrant: u32,
    /// Whether the frame is static (no writes).
    pub read_only: bool,
}

/// One cached storage slot.
#[derive(Debug, Clone, Copy)]
struct StorageWord {
    value: B256,
    known: Option<B256>,
}

/// Nitro's per-call storage cache with read and write tiers.
#[derive(Debug, Default, Clone)]
pub struct StorageCache {
    slots: HashMap<B256, StorageWord>,
    reads: usize,
    writes: usize,
}

impl StorageCache {
    fn read_gas(&mut self) -> u64 {
        self.reads += 1;
        match self.reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        }
    }

    fn write_gas(&mut self) -> u64 {
        self.writes += 1;
        match self.writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        }
    }

    /// Dirty slots (value differs from the known EVM value, or unknown), sorted by key.
    fn take_dirty(&mut self, clear: bool) -> Vec<(B256, B256)> {
        let mut dirty: Vec<(B256, B256)> = self
            .slots
            .iter_mut()
            .filter(|(_, w)| w.known != Some(w.value))
            .map(|(k, w)| {
                w.known = Some(w.value);
                (*k, w.value)
            })
            .collect();
        dirty.sort_unstable_by_key(|(k, _)| *k);
        if clear {
            self.slots.clear();
        }
        dirty
    }
}

/// Kinds of calls a program can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `CALL` with value.
    Call,
    /// `DELEGATECALL`.
    Delegate,
    /// `STATICCALL`.
    Static,
}

/// What `account_code`'s continuation does with the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeUse {
    /// `account_code(addr, offset, size, dest)`.
    Copy {
        /// Offset into the code.
        offset: u32,
        /// Bytes requested.
        size: u32,
        /// Guest destination.
        dest: u32,
    },
    /// `account_code_size(addr)`.
    Size,
}

/// An EVM operation a suspended program waits for.
#[derive(Debug, Clone)]
pub enum Request {
    /// Storage load that missed the cache (`GetBytes32`).
    GetBytes32 {
        /// Slot.
        key: B256,
        /// Guest destination.
        dest: u32,
        /// Gas already due besides the EVM cost (read tier + API overhead).
        extra_gas: u64,
    },
    /// A flush of dirty slots (`SetTrieSlots`) with the gas available.
    SetTrieSlots {
        /// Gas the stores may use (gas left + 1, as Nitro passes it).
        gas_left: u64,
        /// Dirty `(key, value)` pairs.
        slots: Vec<(B256, B256)>,
    },
    /// `TLOAD`.
    GetTransient {
        /// Slot.
        key: B256,
        /// Guest destination.
        dest: u32,
    },
    /// `TSTORE`.
    SetTransient {
        /// Slot.
        key: B256,
        /// Value.
        value: B256,
    },
    /// A sub-call.
    Call {
        /// Call kind.
        kind: CallKind,
        /// Callee.
        target: Address,
        /// Calldata.
        input: Bytes,
        /// Value (zero for delegate/static).
        value: U256,
        /// Gas the program has left.
        gas_left: u64,
        /// Gas the program asked to forward (already capped at `gas_left`).
        gas_req: u64,
        /// Guest address of the `u32` return-data length.
        ret_len_ptr: u32,
    },
    /// `CREATE`/`CREATE2` with EVM init code.
    Create {
        /// Init code.
        code: Bytes,
        /// Endowment.
        endowment: U256,
        /// `Some` for `CREATE2`.
        salt: Option<B256>,
        /// Gas the program has left.
        gas: u64,
        /// Guest address for the new contract's address.
        contract_ptr: u32,
        /// Guest address for the revert-data length.
        revert_len_ptr: u32,
    },
    /// `LOG0..4`.
    EmitLog {
        /// Topics.
        topics: Vec<B256>,
        /// Data.
        data: Bytes,
    },
    /// `BALANCE`.
    AccountBalance {
        /// Account.
        address: Address,
        /// Guest destination.
        dest: u32,
    },
    /// `EXTCODECOPY`/`EXTCODESIZE` (code is loaded either way).
    AccountCode {
        /// Account.
        address: Address,
        /// Gas left (no code is loaded when it cannot pay).
        gas_left: u64,
        /// What to do with the code.
        then: CodeUse,
    },
    /// `EXTCODEHASH`.
    AccountCodeHash {
        /// Account.
        address: Address,
        /// Guest destination.
        dest: u32,
    },
    /// Memory-model charge for `pay_for_memory_grow(pages)`.
    AddPages {
        /// New pages.
        pages: u16,
    },
}

/// Status of an EVM API call (Nitro's `apiStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStatus {
    /// Done.
    Success,
    /// Failed (ArbOS < 50 out-of-gas flush).
    Failure,
    /// Out of gas (flush).
    OutOfGas,
    /// Write in a static context.
    WriteProtection,
}

/// The EVM's answer to a [`Request`].
#[derive(Debug, Clone)]
pub enum Response {
    /// A word and its gas cost (`GetBytes32`, balance, codehash, `TLOAD`).
    Word {
        /// The word.
        value: B256,
        /// Gas cost.
        gas: u64,
    },
    /// A status and gas (`SetTrieSlots`, `TSTORE`).
    Status {
        /// Status.
        status: ApiStatus,
        /// Gas cost.
        gas: u64,
    },
    /// A finished sub-call.
    Call {
        /// 0 on success, 2 on any failure.
        status: u8,
        /// Return data.
        ret: Bytes,
        /// Gas the call cost the program.
        cost: u64,
    },
    /// A finished create: `Err` makes the whole program fail (static
    /// context, or less gas than the base cost).
    Create(Result<(Address, Bytes, u64), String>),
    /// A log was emitted (`Err` in a static context).
    Log(Result<(), String>),
    /// Code of an account and the gas cost.
    Code {
        /// Code (empty when the gas could not pay for loading it).
        code: Bytes,
        /// Gas cost.
        gas: u64,
    },
    /// Gas only (`AddPages`).
    Gas(u64),
}

/// Program-side state of one Stylus call, kept by the engine.
#[derive(Debug, Default)]
pub struct HostState {
    /// Calldata.
    pub args: Bytes,
    /// Output set by `write_result`.
    pub outs: Bytes,
    /// Block/tx/message data.
    pub evm_data: EvmData,
    /// Ink per gas.
    pub ink_price: u64,
    /// Whether debug hostios print.
    pub debug: bool,
    /// The storage cache.
    pub storage: StorageCache,
    /// Last call/create result data.
    pub return_data: Bytes,
    /// Length of `return_data` as the program sees it.
    pub return_data_len: u32,
    /// `account_code`'s one-entry cache.
    pub last_code: Option<(Address, Bytes)>,
    /// The request the program is suspended on.
    pub request: Option<Request>,
    /// `console.*` output (debug chains).
    pub console: Vec<String>,
    /// The hostio recorder, only when the transaction is traced (`None` costs one
    /// pointer test per hostio).
    pub recorder: Option<Box<HostioRecorder>>,
}

/// One hostio as Nitro's tracer sees it (`CaptureStylusHostio`): its name, its arguments and
/// outputs packed as in `user-host-trait` (big-endian integers, words and addresses
/// concatenated), and the ink before and after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostioRecord {
    /// Hostio name (`read_args`, `storage_load_bytes32`, …, `user_entrypoint`,
    /// `user_returned`).
    pub name: &'static str,
    /// Packed arguments.
    pub args: Vec<u8>,
    /// Packed outputs.
    pub outs: Vec<u8>,
    /// Ink left when the hostio started.
    pub start_ink: u64,
    /// Ink left when it finished.
    pub end_ink: u64,
}

/// A hostio suspended on the EVM: what its record needs once it completes.
#[derive(Debug, Clone)]
struct PendingRecord {
    name: &'static str,
    start_ink: u64,
    args: Vec<u8>,
}

/// Records the hostios of one program run, in order (only for traced transactions).
#[derive(Debug, Default, Clone)]
pub struct HostioRecorder {
    records: Vec<HostioRecord>,
    pending: Option<PendingRecord>,
    entry_ink: u64,
}

impl HostioRecorder {
    /// Takes the records made so far.
    pub fn take(&mut self) -> Vec<HostioRecord> {
        std::mem::take(&mut self.records)
    }

    /// Records a hostio.
    pub fn push(
        &mut self,
        name: &'static str,
        args: Vec<u8>,
        outs: Vec<u8>,
        start_ink: u64,
        end_ink: u64,
    ) {
        self.records.push(HostioRecord {
            name,
            args,
            outs,
            start_ink,
            end_ink,
        });
    }

    /// Records the program's entry (`user_entrypoint(args_len)` with the starting ink, as
    /// Nitro's `run_main` does).
    pub fn enter(&mut self, args_len: u32, ink: u64) {
        self.entry_ink = ink;
        self.push(
            "user_entrypoint",
            args_len.to_be_bytes().to_vec(),
            Vec::new(),
            ink,
            ink,
        );
    }

    /// Records the program's return status (`user_returned`; Nitro reports the starting ink
    /// as both start and end).
    pub fn returned(&mut self, status: u32) {
        let ink = self.entry_ink;
        self.push(
            "user_returned",
            Vec::new(),
            status.to_be_bytes().to_vec(),
            ink,
            ink,
        );
    }
}

/// The ink left, 0 once exhausted (what a record shows).
fn ink_now<G: Guest>(g: &G) -> u64 {
    if g.ink_status() != 0 {
        0
    } else {
        g.ink_raw()
    }
}

/// `Some(ink left)` when the program is traced: the one recorder test of a hostio.
#[inline]
fn trace_start<G: Guest>(g: &G) -> Option<u64> {
    if g.host_ref().recorder.is_some() {
        Some(ink_now(g))
    } else {
        None
    }
}

/// Records a finished hostio (the caller has checked that the run is traced).
#[cold]
fn record<G: Guest>(g: &mut G, start: u64, name: &'static str, args: Vec<u8>, outs: Vec<u8>) {
    let end = ink_now(g);
    if let Some(r) = g.host().recorder.as_mut() {
        r.push(name, args, outs, start, end);
    }
}

/// Keeps what the record of a suspended hostio needs until [`complete`] finishes it.
#[cold]
fn record_pending<G: Guest>(g: &mut G, start: u64, name: &'static str, args: Vec<u8>) {
    if let Some(r) = g.host().recorder.as_mut() {
        r.pending = Some(PendingRecord {
            name,
            start_ink: start,
            args,
        });
    }
}

/// Concatenates byte slices (a record's packed arguments or outputs).
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// What the hostio layer needs from an engine: guest memory and the ink globals.
pub trait Guest {
    /// Raw ink global.
    fn ink_raw(&self) -> u64;
    /// Sets the ink global.
    fn set_ink_raw(&mut self, ink: u64);
    /// Raw ink-status global (non-zero once exhausted).
    fn ink_status(&self) -> u32;
    /// Sets the ink-status global.
    fn set_ink_status(&mut self, status: u32);
    /// Reads guest memory.
    ///
    /// # Errors
    /// [`Escape::Memory`] when out of bounds.
    fn read(&self, ptr: u32, len: u32) -> Result<Vec<u8>, Escape>;
    /// Writes guest memory.
    ///
    /// # Errors
    /// [`Escape::Memory`] when out of bounds.
    fn write(&mut self, ptr: u32, data: &[u8]) -> Result<(), Escape>;
    /// The program-side host state.
    fn host(&mut self) -> &mut HostState;
    /// The program-side host state, shared.
    fn host_ref(&self) -> &HostState;

    /// Ink left, or out of ink once exhausted.
    ///
    /// # Errors
    /// [`Escape::OutOfInk`].
    fn ink_ready(&mut self) -> Result<u64, Escape> {
        if self.ink_status() != 0 {
            return Err(self.exhaust());
        }
        Ok(self.ink_raw())
    }
    /// Marks the program out of ink.
    fn exhaust(&mut self) -> Escape {
        self.set_ink_raw(0);
        self.set_ink_status(1);
        Escape::OutOfInk
    }
    /// Burns ink.
    ///
    /// # Errors
    /// [`Escape::OutOfInk`].
    fn buy_ink(&mut self, ink: u64) -> Result<(), Escape> {
        let left = self.ink_ready()?;
        if left < ink {
            return Err(self.exhaust());
        }
        self.set_ink_raw(left - ink);
        Ok(())
    }
    /// Checks ink without burning it.
    ///
    /// # Errors
    /// [`Escape::OutOfInk`].
    fn require_ink(&mut self, ink: u64) -> Result<(), Escape> {
        if self.ink_ready()? < ink {
            return Err(self.exhaust());
        }
        Ok(())
    }
    /// Burns gas.
    ///
    /// # Errors
    /// [`Escape::OutOfInk`].
    fn buy_gas(&mut self, gas: u64) -> Result<(), Escape> {
        let price = self.host_ref().ink_price;
        self.buy_ink(gas.saturating_mul(price))
    }
    /// Checks gas without burning it.
    ///
    /// # Errors
    /// [`Escape::OutOfInk`].
    fn require_gas(&mut self, gas: u64) -> Result<(), Escape> {
        let price = self.host_ref().ink_price;
        self.require_ink(gas.saturating_mul(price))
    }
    /// Gas left.
    ///
    /// # Errors
    /// [`Escape::OutOfInk`].
    fn gas_left(&mut self) -> Result<u64, Escape> {
        let price = self.host_ref().ink_price;
        Ok(self.ink_ready()? / price)
    }
    /// Reads a 32-byte word.
    ///
    /// # Errors
    /// [`Escape::Memory`].
    fn read_b256(&self, ptr: u32) -> Result<B256, Escape> {
        Ok(B256::from_slice(&self.read(ptr, 32)?))
    }
    /// Reads a 20-byte address.
    ///
    /// # Errors
    /// [`Escape::Memory`].
    fn read_address(&self, ptr: u32) -> Result<Address, Escape> {
        Ok(Address::from_slice(&self.read(ptr, 20)?))
    }
}

fn suspend<G: Guest>(g: &mut G, req: Request) -> Escape {
    g.host().request = Some(req);
    Escape::Suspend
}

/// [`suspend`], keeping the hostio's record open when traced (`args` is only built then).
fn suspend_traced<G: Guest>(
    g: &mut G,
    start: Option<u64>,
    name: &'static str,
    args: impl FnOnce() -> Vec<u8>,
    req: Request,
) -> Escape {
    if let Some(s) = start {
        record_pending(g, s, name, args());
    }
    suspend(g, req)
}

fn ink_to_gas_price<G: Guest>(g: &G) -> u64 {
    g.host_ref().ink_price
}

/// The hostio implementations. Each returns the value the WASM sees, or an
/// [`Escape`] (which may be [`Escape::Suspend`] with a pending [`Request`]).
pub mod io {
    use super::*;

    type R<T = ()> = Result<T, Escape>;

    /// `read_args(dest)`
    pub fn read_args<G: Guest>(g: &mut G, dest: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::READ_ARGS)?;
        let args = g.host_ref().args.clone();
        g.buy_ink(pricing::write_price(args.len() as u32))?;
        g.write(dest, &args)?;
        if let Some(s) = t {
            record(g, s, "read_args", Vec::new(), args.to_vec());
        }
        Ok(())
    }

    /// `write_result(ptr, len)`
    pub fn write_result<G: Guest>(g: &mut G, ptr: u32, len: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::WRITE_RESULT)?;
        g.buy_ink(pricing::read_price(len))?;
        g.buy_ink(pricing::read_price(len))?;
        let outs: Bytes = g.read(ptr, len)?.into();
        g.host().outs = outs.clone();
        if let Some(s) = t {
            record(g, s, "write_result", outs.to_vec(), Vec::new());
        }
        Ok(())
    }

    /// `exit_early(status)`
    pub fn exit_early<G: Guest>(g: &mut G, status: u32) -> R {
        if let Some(s) = trace_start(g) {
            record(
                g,
                s,
                "exit_early",
                status.to_be_bytes().to_vec(),
                Vec::new(),
            );
        }
        Err(Escape::Exit(status))
    }

    /// `storage_load_bytes32(key, dest)`
    pub fn storage_load_bytes32<G: Guest>(g: &mut G, key: u32, dest: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::STORAGE_LOAD)?;
        let api_gas = pricing::EVM_API_INK / ink_to_gas_price(g);
        g.require_gas(COLD_SLOAD_GAS + REQUIRED_ACCESS_GAS + api_gas)?;
        let key = g.read_b256(key)?;
        let host = g.host();
        let tier = host.storage.read_gas();
        if let Some(word) = host.storage.slots.get(&key) {
            let value = word.value;
            g.buy_gas(tier)?;
            g.write(dest, value.as_slice())?;
            if let Some(s) = t {
                record(g, s, "storage_load_bytes32", key.to_vec(), value.to_vec());
            }
            return Ok(());
        }
        Err(suspend_traced(
            g,
            t,
            "storage_load_bytes32",
            || key.to_vec(),
            Request::GetBytes32 {
                key,
                dest,
                extra_gas: tier + api_gas,
            },
        ))
    }

    /// `storage_cache_bytes32(key, value)`
    pub fn storage_cache_bytes32<G: Guest>(g: &mut G, key: u32, value: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::STORAGE_CACHE)?;
        g.require_gas(SSTORE_SENTRY_GAS + REQUIRED_ACCESS_GAS)?;
        let key = g.read_b256(key)?;
        let value = g.read_b256(value)?;
        let cache = &mut g.host().storage;
        let cost = cache.write_gas();
        cache
            .slots
            .entry(key)
            .and_modify(|w| w.value = value)
            .or_insert(StorageWord { value, known: None });
        g.buy_gas(cost)?;
        if let Some(s) = t {
            record(
                g,
                s,
                "storage_cache_bytes32",
                cat(&[key.as_slice(), value.as_slice()]),
                Vec::new(),
            );
        }
        Ok(())
    }

    /// `storage_flush_cache(clear)`
    pub fn storage_flush_cache<G: Guest>(g: &mut G, clear: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::STORAGE_FLUSH)?;
        g.require_gas(SSTORE_SENTRY_GAS)?;
        let gas_left = g.gas_left()?;
        let slots = g.host().storage.take_dirty(clear != 0);
        let args = || vec![u8::from(clear != 0)];
        if slots.is_empty() {
            if let Some(s) = t {
                record(g, s, "storage_flush_cache", args(), Vec::new());
            }
            return Ok(());
        }
        Err(suspend_traced(
            g,
            t,
            "storage_flush_cache",
            args,
            Request::SetTrieSlots {
                gas_left: gas_left + 1,
                slots,
            },
        ))
    }

    /// `transient_load_bytes32(key, dest)`
    pub fn transient_load_bytes32<G: Guest>(g: &mut G, key: u32, dest: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::TRANSIENT)?;
        g.buy_gas(TRANSIENT_GAS)?;
        let key = g.read_b256(key)?;
        Err(suspend_traced(
            g,
            t,
            "transient_load_bytes32",
            || key.to_vec(),
            Request::GetTransient { key, dest },
        ))
    }

    /// `transient_store_bytes32(key, value)`
    pub fn transient_store_bytes32<G: Guest>(g: &mut G, key: u32, value: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::TRANSIENT)?;
        g.buy_gas(TRANSIENT_GAS)?;
        let key = g.read_b256(key)?;
        let value = g.read_b256(value)?;
        Err(suspend_traced(
            g,
            t,
            "transient_store_bytes32",
            || cat(&[key.as_slice(), value.as_slice()]),
            Request::SetTransient { key, value },
        ))
    }

    /// `call_contract`, `delegate_call_contract`, `static_call_contract`
    #[allow(clippy::too_many_arguments)]
    pub fn call<G: Guest>(
        g: &mut G,
        kind: CallKind,
        contract: u32,
        data: u32,
        data_len: u32,
        value: Option<u32>,
        gas: u64,
        ret_len: u32,
    ) -> R<i32> {
        let t = trace_start(g);
        g.buy_ink(base::CALL)?;
        g.buy_ink(pricing::read_price(data_len))?;
        g.buy_ink(pricing::read_price(data_len))?;
        let gas_left = g.gas_left()?;
        let gas_req = gas.min(gas_left);
        let target = g.read_address(contract)?;
        let input: Bytes = g.read(data, data_len)?.into();
        let value = match value {
            Some(ptr) => Some(U256::from_be_bytes(g.read_b256(ptr)?.0)),
            None => None,
        };
        let name = match kind {
            CallKind::Call => "call_contract",
            CallKind::Delegate => "delegate_call_contract",
            CallKind::Static => "static_call_contract",
        };
        // Nitro records the gas the program asked for, the value only for `call_contract`.
        let args = || {
            let v = value.map(|v| v.to_be_bytes::<32>());
            cat(&[
                target.as_slice(),
                &gas.to_be_bytes(),
                v.as_ref().map_or(&[][..], |v| &v[..]),
                &input,
            ])
        };
        Err(suspend_traced(
            g,
            t,
            name,
            args,
            Request::Call {
                kind,
                target,
                input: input.clone(),
                value: value.unwrap_or_default(),
                gas_left,
                gas_req,
                ret_len_ptr: ret_len,
            },
        ))
    }

    /// `create1` / `create2`
    pub fn create<G: Guest>(
        g: &mut G,
        code: u32,
        code_len: u32,
        endowment: u32,
        salt: Option<u32>,
        contract: u32,
        revert_len: u32,
    ) -> R {
        let t = trace_start(g);
        g.buy_ink(if salt.is_some() {
            base::CREATE2
        } else {
            base::CALL
        })?;
        g.buy_ink(pricing::read_price(code_len))?;
        g.buy_ink(pricing::read_price(code_len))?;
        let code: Bytes = g.read(code, code_len)?.into();
        let endowment_word = g.read_b256(endowment)?;
        let endowment = U256::from_be_bytes(endowment_word.0);
        let salt = match salt {
            Some(p) => Some(g.read_b256(p)?),
            None => None,
        };
        let gas = g.gas_left()?;
        let name = if salt.is_some() { "create2" } else { "create1" };
        let args = || {
            cat(&[
                endowment_word.as_slice(),
                salt.as_ref().map_or(&[][..], |s| s.as_slice()),
                &code,
            ])
        };
        Err(suspend_traced(
            g,
            t,
            name,
            args,
            Request::Create {
                code: code.clone(),
                endowment,
                salt,
                gas,
                contract_ptr: contract,
                revert_len_ptr: revert_len,
            },
        ))
    }

    /// `read_return_data(dest, offset, size)`
    pub fn read_return_data<G: Guest>(g: &mut G, dest: u32, offset: u32, size: u32) -> R<i32> {
        let t = trace_start(g);
        g.buy_ink(base::READ_RETURN_DATA)?;
        let max = g.host_ref().return_data_len.saturating_sub(offset);
        g.buy_ink(pricing::write_price(size.min(max)))?;
        let args = || cat(&[&offset.to_be_bytes(), &size.to_be_bytes()]);
        if max == 0 {
            if let Some(s) = t {
                record(g, s, "read_return_data", args(), Vec::new());
            }
            return Ok(0);
        }
        let data = g.host_ref().return_data.clone();
        let start = (offset as usize).min(data.len());
        let end = (offset.saturating_add(size) as usize).min(data.len());
        let out = &data[start..end];
        if !out.is_empty() {
            g.write(dest, out)?;
        }
        if let Some(s) = t {
            record(g, s, "read_return_data", args(), out.to_vec());
        }
        Ok(out.len() as i32)
    }

    /// `return_data_size()`
    pub fn return_data_size<G: Guest>(g: &mut G) -> R<i32> {
        let t = trace_start(g);
        g.buy_ink(base::READ_ARGS)?;
        let len = g.host_ref().return_data_len;
        if let Some(s) = t {
            record(
                g,
                s,
                "return_data_size",
                Vec::new(),
                len.to_be_bytes().to_vec(),
            );
        }
        Ok(len as i32)
    }

    /// `emit_log(data, len, topics)`
    pub fn emit_log<G: Guest>(g: &mut G, data: u32, len: u32, topics: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::EMIT_LOG)?;
        if topics > 4 || len < topics * 32 {
            return Err(Escape::Logical("bad topic data".into()));
        }
        g.buy_ink(pricing::read_price(len))?;
        let cost =
            (1 + u64::from(topics)) * LOG_TOPIC_GAS + u64::from(len - topics * 32) * LOG_DATA_GAS;
        g.buy_gas(cost)?;
        let bytes = g.read(data, len)?;
        let split = topics as usize * 32;
        let topic_words = bytes[..split].chunks(32).map(B256::from_slice).collect();
        let log_data = Bytes::copy_from_slice(&bytes[split..]);
        Err(suspend_traced(
            g,
            t,
            "emit_log",
            || cat(&[&topics.to_be_bytes(), &bytes]),
            Request::EmitLog {
                topics: topic_words,
                data: log_data,
            },
        ))
    }

    /// `account_balance(address, dest)`
    pub fn account_balance<G: Guest>(g: &mut G, address: u32, dest: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::ACCOUNT_2PTR)?;
        g.require_gas(COLD_ACCOUNT_GAS)?;
        let address = g.read_address(address)?;
        Err(suspend_traced(
            g,
            t,
            "account_balance",
            || address.to_vec(),
            Request::AccountBalance { address, dest },
        ))
    }

    /// `account_code(address, offset, size, dest)` / `account_code_size(address)`
    pub fn account_code<G: Guest>(g: &mut G, address: u32, then: CodeUse) -> R<i32> {
        let t = trace_start(g);
        g.buy_ink(base::ACCOUNT_CODE)?;
        g.require_gas(COLD_ACCOUNT_GAS)?;
        let address = g.read_address(address)?;
        let gas_left = g.gas_left()?;
        let cached = g
            .host_ref()
            .last_code
            .as_ref()
            .filter(|(a, _)| *a == address)
            .map(|(_, c)| c.clone());
        if let Some(code) = cached {
            let r = finish_code(g, &code, then)?;
            if let Some(s) = t {
                record(
                    g,
                    s,
                    code_hostio(then),
                    code_args(address, then),
                    code_outs(&code, then),
                );
            }
            return Ok(r);
        }
        Err(suspend_traced(
            g,
            t,
            code_hostio(then),
            || code_args(address, then),
            Request::AccountCode {
                address,
                gas_left,
                then,
            },
        ))
    }

    /// `account_codehash(address, dest)`
    pub fn account_codehash<G: Guest>(g: &mut G, address: u32, dest: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(base::ACCOUNT_2PTR)?;
        g.require_gas(COLD_ACCOUNT_GAS)?;
        let address = g.read_address(address)?;
        Err(suspend_traced(
            g,
            t,
            "account_codehash",
            || address.to_vec(),
            Request::AccountCodeHash { address, dest },
        ))
    }

    /// Hostios that write a fixed word from [`EvmData`] (`name` is the hostio's, for traces).
    pub fn write_word<G: Guest>(
        g: &mut G,
        name: &'static str,
        dest: u32,
        pick: fn(&EvmData) -> Vec<u8>,
    ) -> R {
        let t = trace_start(g);
        g.buy_ink(base::ONE_PTR)?;
        let bytes = pick(&g.host_ref().evm_data);
        g.write(dest, &bytes)?;
        if let Some(s) = t {
            record(g, s, name, Vec::new(), bytes);
        }
        Ok(())
    }

    /// Hostios that return a `u64` from [`EvmData`] (`name` is the hostio's, for traces).
    pub fn read_u64<G: Guest>(g: &mut G, name: &'static str, pick: fn(&EvmData) -> u64) -> R<i64> {
        let t = trace_start(g);
        g.buy_ink(pricing::HOSTIO_INK)?;
        let v = pick(&g.host_ref().evm_data);
        if let Some(s) = t {
            record(g, s, name, Vec::new(), v.to_be_bytes().to_vec());
        }
        Ok(v as i64)
    }

    /// `evm_gas_left()`
    pub fn evm_gas_left<G: Guest>(g: &mut G) -> R<i64> {
        let t = trace_start(g);
        g.buy_ink(pricing::HOSTIO_INK)?;
        let gas = g.gas_left()?;
        if let Some(s) = t {
            record(g, s, "evm_gas_left", Vec::new(), gas.to_be_bytes().to_vec());
        }
        Ok(gas as i64)
    }

    /// `evm_ink_left()`
    pub fn evm_ink_left<G: Guest>(g: &mut G) -> R<i64> {
        let t = trace_start(g);
        g.buy_ink(pricing::HOSTIO_INK)?;
        let ink = g.ink_ready()?;
        if let Some(s) = t {
            record(g, s, "evm_ink_left", Vec::new(), ink.to_be_bytes().to_vec());
        }
        Ok(ink as i64)
    }

    /// `tx_ink_price()`
    pub fn tx_ink_price<G: Guest>(g: &mut G) -> R<i32> {
        let t = trace_start(g);
        g.buy_ink(pricing::HOSTIO_INK)?;
        let price = g.host_ref().ink_price as u32;
        if let Some(s) = t {
            record(
                g,
                s,
                "tx_ink_price",
                Vec::new(),
                price.to_be_bytes().to_vec(),
            );
        }
        Ok(price as i32)
    }

    /// `msg_reentrant()`
    pub fn msg_reentrant<G: Guest>(g: &mut G) -> R<i32> {
        let t = trace_start(g);
        g.buy_ink(pricing::HOSTIO_INK)?;
        let reentrant = g.host_ref().evm_data.reentrant;
        if let Some(s) = t {
            record(
                g,
                s,
                "msg_reentrant",
                Vec::new(),
                reentrant.to_be_bytes().to_vec(),
            );
        }
        Ok(reentrant as i32)
    }

    /// `math_div`, `math_mod`, `math_pow`, `math_add_mod`, `math_mul_mod`
    pub fn math<G: Guest>(g: &mut G, op: MathOp, a: u32, b: u32, c: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(match op {
            MathOp::Div | MathOp::Mod => base::MATH_DIV,
            MathOp::Pow => base::MATH_POW,
            MathOp::AddMod => base::MATH_ADD_MOD,
            MathOp::MulMod => base::MATH_MUL_MOD,
        })?;
        let xb = g.read_b256(a)?;
        let x = U256::from_be_bytes(xb.0);
        let yb = g.read_b256(b)?;
        let y = U256::from_be_bytes(yb.0);
        let mut mb = None;
        let result = match op {
            MathOp::Div => x.checked_div(y).unwrap_or_default(),
            MathOp::Mod => x.checked_rem(y).unwrap_or_default(),
            MathOp::Pow => {
                g.buy_ink(pricing::pow_price(&yb.0))?;
                x.wrapping_pow(y)
            }
            MathOp::AddMod | MathOp::MulMod => {
                let m = g.read_b256(c)?;
                mb = Some(m);
                let m = U256::from_be_bytes(m.0);
                if op == MathOp::AddMod {
                    x.add_mod(y, m)
                } else {
                    x.mul_mod(y, m)
                }
            }
        };
        let out = result.to_be_bytes::<32>();
        g.write(a, &out)?;
        if let Some(s) = t {
            let name = match op {
                MathOp::Div => "math_div",
                MathOp::Mod => "math_mod",
                MathOp::Pow => "math_pow",
                MathOp::AddMod => "math_add_mod",
                MathOp::MulMod => "math_mul_mod",
            };
            let m = mb.as_ref().map_or(&[][..], |m| m.as_slice());
            record(
                g,
                s,
                name,
                cat(&[xb.as_slice(), yb.as_slice(), m]),
                out.to_vec(),
            );
        }
        Ok(())
    }

    /// `native_keccak256(ptr, len, out)`
    pub fn native_keccak256<G: Guest>(g: &mut G, ptr: u32, len: u32, out: u32) -> R {
        let t = trace_start(g);
        g.buy_ink(pricing::keccak_price(len))?;
        let data = g.read(ptr, len)?;
        let digest = keccak256(&data);
        g.write(out, digest.as_slice())?;
        if let Some(s) = t {
            record(g, s, "native_keccak256", data, digest.to_vec());
        }
        Ok(())
    }

    /// `pay_for_memory_grow(pages)`
    pub fn pay_for_memory_grow<G: Guest>(g: &mut G, pages: u32) -> R {
        let t = trace_start(g);
        let pages = pages as u16; // a u16 on the host, as in Nitro
        if pages == 0 {
            g.buy_ink(pricing::HOSTIO_INK)?;
        }
        Err(suspend_traced(
            g,
            t,
            "pay_for_memory_grow",
            || pages.to_be_bytes().to_vec(),
            Request::AddPages { pages },
        ))
    }

    /// `console.log_txt(ptr, len)`
    pub fn log_txt<G: Guest>(g: &mut G, ptr: u32, len: u32) -> R {
        let t = trace_start(g);
        let text = g.read(ptr, len)?;
        if let Some(s) = t {
            record(g, s, "console_log_text", text.clone(), Vec::new());
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        g.host().console.push(text);
        Ok(())
    }

    /// `console.log_*` / `console.tee_*`
    pub fn log_value<G: Guest>(g: &mut G, text: String) {
        if let Some(s) = trace_start(g) {
            record(g, s, "console_log", text.as_bytes().to_vec(), Vec::new());
        }
        g.host().console.push(text);
    }

    pub(super) fn finish_code<G: Guest>(g: &mut G, code: &[u8], then: CodeUse) -> R<i32> {
        match then {
            CodeUse::Size => Ok(code.len() as i32),
            CodeUse::Copy { offset, size, dest } => {
                g.buy_ink(pricing::write_price(code.len() as u32))?;
                let start = (offset as usize).min(code.len());
                let end = (offset.saturating_add(size) as usize).min(code.len());
                g.write(dest, &code[start..end])?;
                Ok((end - start) as i32)
            }
        }
    }

    /// The hostio name of an `account_code*` request.
    pub(super) fn code_hostio(then: CodeUse) -> &'static str {
        match then {
            CodeUse::Size => "account_code_size",
            CodeUse::Copy { .. } => "account_code",
        }
    }

    /// Packed arguments of an `account_code*` record.
    pub(super) fn code_args(address: Address, then: CodeUse) -> Vec<u8> {
        match then {
            CodeUse::Size => address.to_vec(),
            CodeUse::Copy { offset, size, .. } => cat(&[
                address.as_slice(),
                &offset.to_be_bytes(),
                &size.to_be_bytes(),
            ]),
        }
    }

    /// Packed outputs of an `account_code*` record: the bytes copied, or the size.
    pub(super) fn code_outs(code: &[u8], then: CodeUse) -> Vec<u8> {
        match then {
            CodeUse::Size => (code.len() as u32).to_be_bytes().to_vec(),
            CodeUse::Copy { offset, size, .. } => {
                let start = (offset as usize).min(code.len());
                let end = (offset.saturating_add(size) as usize).min(code.len());
                code[start..end].to_vec()
            }
        }
    }
}

/// 256-bit math hostios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathOp {
    /// `math_div`
    Div,
    /// `math_mod`
    Mod,
    /// `math_pow`
    Pow,
    /// `math_add_mod`
    AddMod,
    /// `math_mul_mod`
    MulMod,
}

/// What the program resumes with after a request completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// The hostio returns nothing.
    Unit,
    /// The hostio returns an `i32`.
    I32(i32),
}

/// Finishes a suspended hostio with the EVM's response: charges its gas,
/// writes results into guest memory and gives the value to resume with.
///
/// # Errors
/// An [`Escape`] ends the program (out of ink, memory fault, failed create,
/// write-protected flush…).
pub fn complete<G: Guest>(g: &mut G, req: Request, resp: Response) -> Result<Resume, Escape> {
    let pending = match g.host().recorder.as_mut() {
        Some(r) => r.pending.take(),
        None => None,
    };
    let (resume, outs) = complete_untraced(g, req, resp, pending.is_some())?;
    if let Some(p) = pending {
        record(g, p.start_ink, p.name, p.args, outs);
    }
    Ok(resume)
}

/// [`complete`] without the record; `traced` asks for the record's packed outputs.
fn complete_untraced<G: Guest>(
    g: &mut G,
    req: Request,
    resp: Response,
    traced: bool,
) -> Result<(Resume, Vec<u8>), Escape> {
    let mut outs = Vec::new();
    match (req, resp) {
        (
            Request::GetBytes32 {
                key,
                dest,
                extra_gas,
            },
            Response::Word { value, gas },
        ) => {
            g.host().storage.slots.insert(
                key,
                StorageWord {
                    value,
                    known: Some(value),
                },
            );
            g.buy_gas(gas.saturating_add(extra_gas))?;
            g.write(dest, value.as_slice())?;
            if traced {
                outs = value.to_vec();
            }
        }
        (Request::SetTrieSlots { .. }, Response::Status { status, gas }) => {
            g.buy_gas(gas)?;
            match status {
                ApiStatus::Success => {}
                ApiStatus::OutOfGas => return Err(g.exhaust()),
                ApiStatus::WriteProtection => return Err(Escape::Logical("outcome Revert".into())),
                ApiStatus::Failure => return Err(Escape::Logical("outcome Failure".into())),
            }
        }
        (Request::GetTransient { dest, .. }, Response::Word { value, .. }) => {
            g.write(dest, value.as_slice())?;
            if traced {
                outs = value.to_vec();
            }
        }
        (Request::SetTransient { .. }, Response::Status { status, .. }) => {
            if status != ApiStatus::Success {
                return Err(Escape::Logical("outcome Revert".into()));
            }
        }
        (Request::Call { ret_len_ptr, .. }, Response::Call { status, ret, cost }) => {
            g.buy_gas(cost)?;
            let len = ret.len() as u32;
            let host = g.host();
            host.return_data = ret;
            host.return_data_len = len;
            g.write(ret_len_ptr, &len.to_le_bytes())?;
            if traced {
                outs = cat(&[&len.to_be_bytes(), &[status]]);
            }
            return Ok((Resume::I32(i32::from(status)), outs));
        }
        (
            Request::Create {
                contract_ptr,
                revert_len_ptr,
                ..
            },
            Response::Create(result),
        ) => {
            let (address, ret, cost) = result.map_err(Escape::Logical)?;
            g.buy_gas(cost)?;
            let len = ret.len() as u32;
            let host = g.host();
            host.return_data = ret;
            host.return_data_len = len;
            g.write(revert_len_ptr, &len.to_le_bytes())?;
            g.write(contract_ptr, address.as_slice())?;
            if traced {
                outs = cat(&[address.as_slice(), &len.to_be_bytes()]);
            }
        }
        (Request::EmitLog { .. }, Response::Log(result)) => result.map_err(Escape::Logical)?,
        (Request::AccountBalance { dest, .. }, Response::Word { value, gas })
        | (Request::AccountCodeHash { dest, .. }, Response::Word { value, gas }) => {
            g.buy_gas(gas)?;
            g.write(dest, value.as_slice())?;
            if traced {
                outs = value.to_vec();
            }
        }
        (Request::AccountCode { address, then, .. }, Response::Code { code, gas }) => {
            g.buy_gas(gas)?;
            if !code.is_empty() {
                g.host().last_code = Some((address, code.clone()));
            }
            let r = io::finish_code(g, &code, then)?;
            if traced {
                outs = io::code_outs(&code, then);
            }
            return Ok((Resume::I32(r), outs));
        }
        (Request::AddPages { .. }, Response::Gas(gas)) => g.buy_gas(gas)?,
        (req, resp) => {
            return Err(Escape::Logical(format!(
                "internal: response {resp:?} does not match {req:?}"
            )))
        }
    }
    Ok((Resume::Unit, outs))
}
