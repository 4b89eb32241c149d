//! ArbOS program state: program records, module hashes and the data pricer,
//! kept in the storage of [`ARBOS_STATE_ADDRESS`] so they are journaled (an
//! activation inside a reverted call is rolled back), snapshotted and dumped
//! with the rest of the state. Also: preparing (validate + instrument +
//! compile) and activating programs.

use revm::context_interface::{ContextTr, JournalTr};
use revm::primitives::{keccak256, Address, Bytes, B256, U256};

use crate::config::{VmConfig, ARBITRUM_START_TIME, ARBOS_STATE_ADDRESS};
use crate::engine::WasmiEngine;
use crate::instrument::{instrument, InstrumentConfig, ProgramCosts};

/// Gas the data pricer's model state slots live at.
const PRICER_DEMAND: &[u8] = b"stylus.pricer.demand";
const PRICER_LAST_UPDATE: &[u8] = b"stylus.pricer.last_update";
const INITIAL_BYTES_PER_SECOND: u64 = (1u64 << 40) / (365 * 24) / 3600;
const INITIAL_MIN_PRICE: u64 = 82_928_201;
const INITIAL_INERTIA: u64 = 21_360_419;

/// A program record (`programs.go::Program`), stored in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Program {
    /// Stylus version (0: not activated).
    pub version: u16,
    /// Init cost.
    pub init_cost: u16,
    /// Cached init cost.
    pub cached_cost: u16,
    /// Initial pages.
    pub footprint: u16,
    /// Hours since Arbitrum's start at activation.
    pub activated_at: u32,
    /// Asm estimate in KiB.
    pub asm_estimate_kb: u32,
    /// Cached by ArbWasmCache.
    pub cached: bool,
}

impl Program {
    /// Packs the record as Nitro does.
    #[must_use]
    pub fn encode(&self) -> B256 {
        let mut w = [0u8; 32];
        w[0..2].copy_from_slice(&self.version.to_be_bytes());
        w[2..4].copy_from_slice(&self.init_cost.to_be_bytes());
        w[4..6].copy_from_slice(&self.cached_cost.to_be_bytes());
        w[6..8].copy_from_slice(&self.footprint.to_be_bytes());
        w[8..11].copy_from_slice(&self.activated_at.to_be_bytes()[1..]);
        w[11..14].copy_from_slice(&self.asm_estimate_kb.to_be_bytes()[1..]);
        w[14] = u8::from(self.cached);
        B256::from(w)
    }

    /// Unpacks a record.
    #[must_use]
    pub fn decode(w: &B256) -> Self {
        let b = w.0;
        let u24 = |s: &[u8]| u32::from_be_bytes([0, s[0], s[1], s[2]]);
        Self {
            version: u16::from_be_bytes([b[0], b[1]]),
            init_cost: u16::from_be_bytes([b[2], b[3]]),
            cached_cost: u16::from_be_bytes([b[4], b[5]]),
            footprint: u16::from_be_bytes([b[6], b[7]]),
            activated_at: u24(&b[8..11]),
            asm_estimate_kb: u24(&b[11..14]),
            cached: b[14] != 0,
        }
    }

    /// Seconds since activation at `time`.
    #[must_use]
    pub fn age(&self, time: u64) -> u64 {
        let activated =
            ARBITRUM_START_TIME.saturating_add(u64::from(self.activated_at).saturating_mul(3600));
        time.saturating_sub(activated)
    }

    /// Gas charged on every uncached call (`initGas`).
    #[must_use]
    pub fn init_gas(&self, cfg: &VmConfig) -> u64 {
        let p = &cfg.stylus;
        let base = u64::from(p.min_init_gas) * 128;
        let dyno = u64::from(self.init_cost).saturating_mul(u64::from(p.init_cost_scalar) * 2);
        base.saturating_add(dyno.div_ceil(100))
    }

    /// Gas charged on every call (`cachedGas`).
    #[must_use]
    pub fn cached_gas(&self, cfg: &VmConfig) -> u64 {
        let p = &cfg.stylus;
        let base = u64::from(p.min_cached_init_gas) * 32;
        let dyno = u64::from(self.cached_cost).saturating_mul(u64::from(p.cached_cost_scalar) * 2);
        base.saturating_add(dyno.div_ceil(100))
    }
}

/// Why a program cannot run (`getActiveProgram`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramError {
    /// `ProgramNotActivated()`
    NotActivated,
    /// `ProgramNeedsUpgrade(version, stylusVersion)`
    NeedsUpgrade(u16, u16),
    /// `ProgramExpired(ageInSeconds)`
    Expired(u64),
}

impl ProgramError {
    /// The ABI-encoded custom error.
    #[must_use]
    pub fn abi(&self) -> Bytes {
        use crate::abi::ArbWasm as W;
        use alloy_sol_types::SolError;
        match *self {
            Self::NotActivated => W::ProgramNotActivated {}.abi_encode().into(),
            Self::NeedsUpgrade(v, s) => W::ProgramNeedsUpgrade {
                version: v,
                stylusVersion: s,
            }
            .abi_encode()
            .into(),
            Self::Expired(age) => W::ProgramExpired { ageInSeconds: age }.abi_encode().into(),
        }
    }

    /// The error's name, as Nitro's RPC error text shows it.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Self::NotActivated => "ProgramNotActivated".into(),
            Self::NeedsUpgrade(v, s) => format!("ProgramNeedsUpgrade({v}, {s})"),
            Self::Expired(a) => format!("ProgramExpired({a})"),
        }
    }
}

fn slot(tag: &[u8], key: &B256) -> U256 {
    let mut pre = tag.to_vec();
    pre.extend_from_slice(key.as_slice());
    U256::from_be_bytes(keccak256(pre).0)
}

fn fixed_slot(tag: &[u8]) -> U256 {
    U256::from_be_bytes(keccak256(tag).0)
}

type DbErr<CTX> = <<CTX as ContextTr>::Db as revm::Database>::Error;

fn load<CTX: ContextTr>(ctx: &mut CTX, key: U256) -> Result<U256, DbErr<CTX>> {
    ctx.journal_mut().load_account(ARBOS_STATE_ADDRESS)?;
    Ok(ctx.journal_mut().sload(ARBOS_STATE_ADDRESS, key)?.data)
}

fn store<CTX: ContextTr>(ctx: &mut CTX, key: U256, value: U256) -> Result<(), DbErr<CTX>> {
    // Keep the state account non-empty so that EIP-161 never clears its storage.
    {
        let mut acc = ctx.journal_mut().load_account_mut(ARBOS_STATE_ADDRESS)?;
        if revm::context_interface::journaled_state::account::JournaledAccountTr::nonce(&*acc) == 0
        {
            revm::context_interface::journaled_state::account::JournaledAccountTr::set_nonce(
                &mut *acc, 1,
            );
        }
    }
    ctx.journal_mut().sstore(ARBOS_STATE_ADDRESS, key, value)?;
    Ok(())
}

/// Gas Nitro's storage burner charges for reading an ArbOS state word.
pub const STORAGE_READ_GAS: u64 = 800;
/// Gas Nitro's storage burner charges for writing a non-zero ArbOS state word.
pub const STORAGE_WRITE_GAS: u64 = 20_000;
/// Gas Nitro's storage burner charges for writing zero to an ArbOS state word.
pub const STORAGE_WRITE_ZERO_GAS: u64 = 5_000;

fn burn(gas: &mut u64, amount: u64) {
    *gas = gas.saturating_add(amount);
}

/// [`load`], adding a storage read to `gas`.
fn read<CTX: ContextTr>(ctx: &mut CTX, key: U256, gas: &mut u64) -> Result<U256, DbErr<CTX>> {
    burn(gas, STORAGE_READ_GAS);
    load(ctx, key)
}

/// [`store`], adding the write's gas to `gas`.
fn write<CTX: ContextTr>(
    ctx: &mut CTX,
    key: U256,
    value: U256,
    gas: &mut u64,
) -> Result<(), DbErr<CTX>> {
    burn(gas, write_gas(value));
    store(ctx, key, value)
}

fn write_gas(value: U256) -> u64 {
    if value.is_zero() {
        STORAGE_WRITE_ZERO_GAS
    } else {
        STORAGE_WRITE_GAS
    }
}

/// A set of addresses kept in the ArbOS state as Nitro's `AddressSet` keeps
/// it: a size word, members at positions 1..=size (insertion order; a removal
/// moves the last member into the hole) and each member's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressSet {
    /// The chain owners (`ArbOwner`, `ArbOwnerPublic.isChainOwner`).
    ChainOwners,
    /// The Stylus cache managers (`ArbWasmCache.isCacheManager`).
    CacheManagers,
}

impl AddressSet {
    fn tag(self) -> &'static [u8] {
        match self {
            Self::ChainOwners => b"arbos.chain_owners",
            Self::CacheManagers => b"stylus.cache_managers",
        }
    }

    fn size_slot(self) -> U256 {
        let mut t = self.tag().to_vec();
        t.extend_from_slice(b".size");
        fixed_slot(&t)
    }

    fn member_slot(self, position: u64) -> U256 {
        let mut t = self.tag().to_vec();
        t.extend_from_slice(b".member");
        slot(&t, &B256::from(U256::from(position)))
    }

    fn position_slot(self, address: Address) -> U256 {
        let mut t = self.tag().to_vec();
        t.extend_from_slice(b".position");
        slot(&t, &address.into_word())
    }

    /// The storage words (slot, value) of the ArbOS state account holding a
    /// set of exactly `members` (duplicates dropped): what genesis writes.
    #[must_use]
    pub fn genesis_storage(self, members: &[Address]) -> Vec<(U256, U256)> {
        let mut out = Vec::new();
        let mut seen: Vec<Address> = Vec::new();
        for &m in members {
            if seen.contains(&m) {
                continue;
            }
            seen.push(m);
            let position = seen.len() as u64;
            out.push((self.member_slot(position), address_word(m)));
            out.push((self.position_slot(m), U256::from(position)));
        }
        out.push((self.size_slot(), U256::from(seen.len())));
        out
    }

    /// Whether `address` is a member; adds the read to `gas`.
    ///
    /// # Errors
    /// Database errors.
    pub fn contains<CTX: ContextTr>(
        self,
        ctx: &mut CTX,
        address: Address,
        gas: &mut u64,
    ) -> Result<bool, DbErr<CTX>> {
        Ok(!read(ctx, self.position_slot(address), gas)?.is_zero())
    }

    /// Adds `address` (nothing if already a member); returns whether it was
    /// added. Adds the storage reads and writes to `gas`.
    ///
    /// # Errors
    /// Database errors.
    pub fn add<CTX: ContextTr>(
        self,
        ctx: &mut CTX,
        address: Address,
        gas: &mut u64,
    ) -> Result<bool, DbErr<CTX>> {
        if self.contains(ctx, address, gas)? {
            return Ok(false);
        }
        let size: u64 = read(ctx, self.size_slot(), gas)?.saturating_to();
        let position = size.saturating_add(1);
        for (k, v) in [
            (self.member_slot(position), address_word(address)),
            (self.position_slot(address), U256::from(position)),
            (self.size_slot(), U256::from(position)),
        ] {
            write(ctx, k, v, gas)?;
        }
        Ok(true)
    }

    /// Removes `address`; returns whether it was a member. Adds the storage
    /// reads and writes to `gas`.
    ///
    /// # Errors
    /// Database errors.
    pub fn remove<CTX: ContextTr>(
        self,
        ctx: &mut CTX,
        address: Address,
        gas: &mut u64,
    ) -> Result<bool, DbErr<CTX>> {
        let position: u64 = read(ctx, self.position_slot(address), gas)?.saturating_to();
        if position == 0 {
            return Ok(false);
        }
        let size: u64 = read(ctx, self.size_slot(), gas)?.saturating_to();
        let mut writes = Vec::with_capacity(5);
        if position != size {
            let last = read(ctx, self.member_slot(size), gas)?;
            let last_address = word_address(last);
            writes.push((self.member_slot(position), last));
            writes.push((self.position_slot(last_address), U256::from(position)));
        }
        writes.push((self.member_slot(size), U256::ZERO));
        writes.push((self.position_slot(address), U256::ZERO));
        writes.push((self.size_slot(), U256::from(size.saturating_sub(1))));
        for (k, v) in writes {
            write(ctx, k, v, gas)?;
        }
        Ok(true)
    }

    /// All members, in storage order. Adds the reads to `gas`.
    ///
    /// # Errors
    /// Database errors.
    pub fn members<CTX: ContextTr>(
        self,
        ctx: &mut CTX,
        gas: &mut u64,
    ) -> Result<Vec<Address>, DbErr<CTX>> {
        let size: u64 = read(ctx, self.size_slot(), gas)?.saturating_to();
        let mut out = Vec::new();
        for position in 1..=size {
            let w = read(ctx, self.member_slot(position), gas)?;
            out.push(word_address(w));
        }
        Ok(out)
    }
}

/// The address in the low 20 bytes of a storage word.
fn word_address(w: U256) -> Address {
    Address::from_word(B256::from(w.to_be_bytes::<32>()))
}

fn address_word(a: Address) -> U256 {
    U256::from_be_bytes(a.into_word().0)
}

const ACTIVATION_GAS_OVERRIDE: &[u8] = b"stylus.activation_gas";

/// `ArbWasm.activationGas()` as the chain state has it: the value the chain
/// owner set with `ArbOwner.setWasmActivationGas` if any, else the configured
/// [`VmConfig::activation_gas`]; 0 before ArbOS 60. Adds the read to `gas`.
///
/// # Errors
/// Database errors.
pub fn activation_gas_in_state<CTX: ContextTr>(
    ctx: &mut CTX,
    cfg: &VmConfig,
    gas: &mut u64,
) -> Result<u64, DbErr<CTX>> {
    if cfg.arbos_version < 60 {
        return Ok(0);
    }
    let w = read(ctx, fixed_slot(ACTIVATION_GAS_OVERRIDE), gas)?;
    // stored as gas + 1, so that 0 means "not set"
    Ok(if w.is_zero() {
        cfg.activation_gas
    } else {
        w.saturating_sub(U256::from(1)).saturating_to()
    })
}

/// Sets `ArbWasm.activationGas()` (`ArbOwner.setWasmActivationGas`). Adds
/// the write to `gas`.
///
/// # Errors
/// Database errors.
pub fn set_activation_gas<CTX: ContextTr>(
    ctx: &mut CTX,
    value: u64,
    gas: &mut u64,
) -> Result<(), DbErr<CTX>> {
    burn(gas, STORAGE_WRITE_GAS);
    store(
        ctx,
        fixed_slot(ACTIVATION_GAS_OVERRIDE),
        U256::from(value).saturating_add(U256::from(1)),
    )
}

/// Reads the program record of `codehash`.
///
/// # Errors
/// Database errors.
pub fn get_program<CTX: ContextTr>(ctx: &mut CTX, codehash: &B256) -> Result<Program, DbErr<CTX>> {
    let w = load(ctx, slot(b"stylus.program", codehash))?;
    Ok(Program::decode(&B256::from(w.to_be_bytes::<32>())))
}

/// Writes the program record of `codehash`.
///
/// # Errors
/// Database errors.
pub fn set_program<CTX: ContextTr>(
    ctx: &mut CTX,
    codehash: &B256,
    program: &Program,
) -> Result<(), DbErr<CTX>> {
    store(
        ctx,
        slot(b"stylus.program", codehash),
        U256::from_be_bytes(program.encode().0),
    )
}

/// Reads the module hash of `codehash`.
///
/// # Errors
/// Database errors.
pub fn get_module_hash<CTX: ContextTr>(ctx: &mut CTX, codehash: &B256) -> Result<B256, DbErr<CTX>> {
    Ok(B256::from(
        load(ctx, slot(b"stylus.module", codehash))?.to_be_bytes::<32>(),
    ))
}

/// The active program of `codehash` at `time`, or why it cannot run.
///
/// # Errors
/// Outer: database errors. Inner: [`ProgramError`].
pub fn active_program<CTX: ContextTr>(
    ctx: &mut CTX,
    cfg: &VmConfig,
    codehash: &B256,
    time: u64,
) -> Result<Result<Program, ProgramError>, DbErr<CTX>> {
    let program = get_program(ctx, codehash)?;
    if program.version == 0 {
        return Ok(Err(ProgramError::NotActivated));
    }
    if program.version != cfg.stylus.version {
        return Ok(Err(ProgramError::NeedsUpgrade(
            program.version,
            cfg.stylus.version,
        )));
    }
    let age = program.age(time);
    if age > u64::from(cfg.stylus.expiry_days) * 86_400 {
        return Ok(Err(ProgramError::Expired(age)));
    }
    Ok(Ok(program))
}

/// Hours since Arbitrum's start (`hoursSinceArbitrum`), saturating at u24.
#[must_use]
pub fn hours_since_arbitrum(time: u64) -> u32 {
    (time.saturating_sub(ARBITRUM_START_TIME) / 3600).min(0xFF_FFFF) as u32
}

/// `ApproxExpBasisPoints(value, accuracy)`: b·e^(x/b) by Horner's method.
#[must_use]
pub fn approx_exp_bips(x: u64, accuracy: u64) -> u64 {
    let b = 10_000u64;
    let mut res = b + x / accuracy;
    let mut i = accuracy - 1;
    while i > 0 {
        res = b + res.saturating_mul(x) / (i * b);
        i -= 1;
    }
    res
}

/// Updates the data pricer with `bytes` of new demand and returns the fee in wei.
///
/// # Errors
/// Database errors.
pub fn data_fee<CTX: ContextTr>(ctx: &mut CTX, bytes: u32, time: u64) -> Result<U256, DbErr<CTX>> {
    let demand_key = fixed_slot(PRICER_DEMAND);
    let last_key = fixed_slot(PRICER_LAST_UPDATE);
    let demand: u64 = load(ctx, demand_key)?.saturating_to();
    let mut last: u64 = load(ctx, last_key)?.saturating_to();
    if last == 0 {
        last = ARBITRUM_START_TIME;
    }
    let passed = time.saturating_sub(last).min(u64::from(u32::MAX));
    let credit = INITIAL_BYTES_PER_SECOND
        .saturating_mul(passed)
        .min(u64::from(u32::MAX));
    let demand = (demand as u32)
        .saturating_sub(credit as u32)
        .saturating_add(bytes);
    store(ctx, demand_key, U256::from(demand))?;
    store(ctx, last_key, U256::from(time))?;
    let exponent = 10_000u64 * u64::from(demand) / INITIAL_INERTIA;
    let multiplier = approx_exp_bips(exponent, 12);
    let cost_per_byte = INITIAL_MIN_PRICE.saturating_mul(multiplier) / 10_000;
    Ok(U256::from(cost_per_byte) * U256::from(bytes))
}

/// A program prepared for running: its costs and module hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    /// Cost predictions.
    pub costs: ProgramCosts,
    /// Hash identifying the instrumented module.
    pub module_hash: B256,
}

/// Validates (with `stylus-validate`, the build gate's rules), instruments
/// and compiles the decompressed program `wasm`, caching the module under
/// `codehash`.
///
/// # Errors
/// A message naming the rule or step that failed (activation takes all gas).
pub fn prepare(
    engine: &WasmiEngine,
    cfg: &VmConfig,
    wasm: &[u8],
    codehash: B256,
    page_limit: u16,
) -> Result<Prepared, String> {
    prepare_at(engine, cfg, cfg.arbos_version, wasm, codehash, page_limit)
}

/// Recompiles an already active program (its compiled module is gone) as
/// Nitro does: validated at ArbOS version 0, so rules added since its
/// activation (multi-value) do not lock it out.
///
/// # Errors
/// A message naming the rule or step that failed.
pub fn recompile(
    engine: &WasmiEngine,
    cfg: &VmConfig,
    wasm: &[u8],
    codehash: B256,
) -> Result<Prepared, String> {
    prepare_at(engine, cfg, 0, wasm, codehash, cfg.stylus.page_limit)
}

fn prepare_at(
    engine: &WasmiEngine,
    cfg: &VmConfig,
    rules_version: u64,
    wasm: &[u8],
    codehash: B256,
    page_limit: u16,
) -> Result<Prepared, String> {
    let wasm = wasm.to_vec();
    let params = stylus_validate::Params {
        arbos_version: rules_version,
        page_limit: u32::from(page_limit),
        max_wasm_size: cfg.stylus.max_wasm_size as usize,
        debug: cfg.debug,
        reject_floats: false,
    };
    stylus_validate::validate(&wasm, &params).map_err(|e| e.to_string())?;
    let out = instrument(
        &wasm,
        &InstrumentConfig {
            debug: cfg.debug,
            page_limit,
            stylus_version: cfg.stylus.version,
            arbos_version: cfg.arbos_version,
        },
    )
    .map_err(|e| e.to_string())?;
    engine.compile(codehash, &out.wasm)?;
    let mut pre = b"stylus-vm module v1".to_vec();
    pre.extend_from_slice(&out.wasm);
    Ok(Prepared {
        costs: out.costs,
        module_hash: keccak256(pre),
    })
}

/// Decompresses classic Stylus code (`EF F0 00 <dict> brotli`).
///
/// # Errors
/// Not Stylus code, unsupported dictionary, corrupt or oversized stream.
pub fn decompress(code: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    stylus_validate::decompress_program(code, limit).map_err(|e| e.to_string())
}

/// Whether `code` carries the classic Stylus prefix (`EF F0 00`).
#[must_use]
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.len() > 3 && code[..3] == [0xEF, 0xF0, 0x00]
}

/// Whether `code` is a root program (`EF F0 02`, ArbOS 60).
#[must_use]
pub fn is_stylus_root(code: &[u8]) -> bool {
    stylus_validate::fragments::is_root(code)
}

/// Whether `code` runs as WASM at `arbos_version` (classic, or a root from ArbOS 60).
#[must_use]
pub fn runs_as_wasm(code: &[u8], arbos_version: u64) -> bool {
    is_stylus_program(code) || (arbos_version >= 60 && is_stylus_root(code))
}

/// Builds root-program code: `EF F0 02 <dict 0> <u32 BE wasm length> <fragment addresses>`.
#[must_use]
pub fn root_code(wasm_len: u32, fragments: &[Address]) -> Vec<u8> {
    let addresses: Vec<[u8; 20]> = fragments.iter().map(|a| a.0 .0).collect();
    stylus_validate::fragments::root_code(wasm_len, &addresses)
}

/// Gas accounting of an activation's fragment reads (Nitro's fragment read
/// charger): before each fragment is read the activation must still hold a
/// worst-case read (100 warm / 2600 cold + 3 per word of a `MaxCodeSize`
/// fragment), otherwise it runs out of gas; after the read it pays the
/// EXTCODECOPY-style cost of the actual code (100 warm / 2600 cold + 3 per
/// word), and the fragment's address becomes warm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragmentMeter {
    /// Gas used by the activation so far (fragment reads are added).
    pub gas_used: u64,
    /// The activation's gas limit.
    pub gas_limit: u64,
    /// `MaxCodeSize`: the largest fragment a read may have to copy.
    pub max_code_size: usize,
}

/// Gas to read a fragment of `code_len` bytes (`fragmentReadGasCost`).
#[must_use]
pub const fn fragment_read_gas(warm: bool, code_len: usize) -> u64 {
    let access = if warm { 100 } else { 2600 };
    access + 3 * (code_len as u64).div_ceil(32)
}

/// Why [`program_wasm`] found no WASM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmError {
    /// `ProgramNotWasm()`: no code, or (ArbOS 60+) code that is no Stylus
    /// component (a Solidity custom error: revert with it, keep the gas).
    NotWasm,
    /// Any other reason, e.g. a fragment activated directly or too many
    /// fragments (a plain error: empty revert data, the gas left is kept).
    Invalid(String),
    /// The activation cannot pay for the next fragment read (all gas is taken).
    OutOfGas,
}

use stylus_validate::fragments::is_fragment;

/// Whether `address` is in the transaction's access list, without warming it.
fn is_warm<CTX: ContextTr>(ctx: &mut CTX, address: Address) -> Result<bool, DbErr<CTX>> {
    use revm::context_interface::journaled_state::JournalLoadError;
    match ctx
        .journal_mut()
        .load_account_info_skip_cold_load(address, false, true)
    {
        Ok(_) => Ok(true),
        Err(JournalLoadError::ColdLoadSkipped) => Ok(false),
        Err(JournalLoadError::DBError(e)) => Err(e),
    }
}

/// The code at `address` without adding it to the access list (Nitro's
/// recompilation reads fragments with `GetCode`, which warms nothing). A cold
/// account cannot have been changed in this transaction, so the database
/// has its code.
fn read_code_quietly<CTX: ContextTr>(ctx: &mut CTX, address: Address) -> Result<Bytes, DbErr<CTX>> {
    if is_warm(ctx, address)? {
        return Ok(ctx.journal_mut().code(address)?.data);
    }
    let db = ctx.db_mut();
    let Some(info) = revm::Database::basic(db, address)? else {
        return Ok(Bytes::new());
    };
    let code = match info.code {
        Some(c) => c,
        None => revm::Database::code_by_hash(db, info.code_hash)?,
    };
    Ok(code.original_bytes())
}

impl std::fmt::Display for WasmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotWasm => f.write_str("ProgramNotWasm"),
            Self::Invalid(e) => f.write_str(e),
            Self::OutOfGas => f.write_str("out of gas reading the fragments"),
        }
    }
}

/// The decompressed WASM of program `code`, as Nitro's `getWasm` finds it:
/// classic code, or (ArbOS 60+) a root whose fragments are read from the state.
///
/// With a `meter` this is an activation: the root's declared length must fit
/// `MaxWasmSize`, its fragment count `MaxFragmentCount`, and every fragment
/// read is charged to the meter. Without one it is a recompilation (a call
/// of an active program whose compiled module is gone): no limits, no gas, as
/// in Nitro. A call never reads fragments for gas: the root's init cost was
/// fixed at activation.
///
/// # Errors
/// Outer: database errors. Inner: [`WasmError`].
pub fn program_wasm<CTX: ContextTr>(
    ctx: &mut CTX,
    cfg: &VmConfig,
    code: &[u8],
    mut meter: Option<&mut FragmentMeter>,
) -> Result<Result<Vec<u8>, WasmError>, DbErr<CTX>> {
    let max = cfg.stylus.max_wasm_size as usize;
    if code.is_empty() {
        return Ok(Err(WasmError::NotWasm));
    }
    if is_stylus_program(code) {
        return Ok(decompress(code, max).map_err(WasmError::Invalid));
    }
    if cfg.arbos_version < 60 {
        return Ok(Err(WasmError::Invalid(
            "specified bytecode is not a Stylus program".into(),
        )));
    }
    if is_fragment(code) {
        return Ok(Err(WasmError::Invalid("fragmented stylus programs cannot be activated directly; activate the root program instead".into())));
    }
    if !is_stylus_root(code) {
        return Ok(Err(WasmError::NotWasm));
    }
    if code.len() < 8 {
        return Ok(Err(WasmError::Invalid(format!(
            "stylus program root too short: need at least 8 bytes, got {}",
            code.len()
        ))));
    }
    if !(code.len() - 8).is_multiple_of(20) {
        return Ok(Err(WasmError::Invalid(format!(
            "stylus program root address data has invalid length: {} (must be multiple of 20)",
            code.len() - 8
        ))));
    }
    let declared = u32::from_be_bytes([code[4], code[5], code[6], code[7]]) as usize;
    let addresses: Vec<Address> = code[8..].chunks(20).map(Address::from_slice).collect();
    if meter.is_some() {
        if declared > max {
            return Ok(Err(WasmError::Invalid(format!(
                "invalid wasm: decompressedLength {declared} is greater then MaxWasmSize {max}"
            ))));
        }
        if addresses.len() > usize::from(cfg.stylus.max_fragment_count) {
            return Ok(Err(WasmError::Invalid(format!(
                "invalid wasm: fragment count exceeds limit of {}",
                cfg.stylus.max_fragment_count
            ))));
        }
    }
    if addresses.is_empty() {
        return Ok(Err(WasmError::Invalid(
            "invalid wasm: fragment count cannot be zero".into(),
        )));
    }
    let mut compressed = Vec::new();
    for a in addresses {
        if let Some(m) = meter.as_deref_mut() {
            let worst = fragment_read_gas(is_warm(ctx, a)?, m.max_code_size);
            if m.gas_limit.saturating_sub(m.gas_used) < worst {
                return Ok(Err(WasmError::OutOfGas));
            }
        }
        let frag = if let Some(m) = meter.as_deref_mut() {
            let frag = ctx.journal_mut().code(a)?;
            m.gas_used = m
                .gas_used
                .saturating_add(fragment_read_gas(!frag.is_cold, frag.data.len()));
            if m.gas_used > m.gas_limit {
                return Ok(Err(WasmError::OutOfGas));
            }
            frag.data
        } else {
            read_code_quietly(ctx, a)?
        };
        if !is_fragment(&frag) {
            return Ok(Err(WasmError::Invalid(
                "specified bytecode is not a Stylus program fragment".into(),
            )));
        }
        compressed.extend_from_slice(&frag[3..]);
    }
    if code[3] != 0 {
        return Ok(Err(WasmError::Invalid(format!(
            "unsupported dictionary type: {}",
            code[3]
        ))));
    }
    let mut prefixed = vec![0xEF, 0xF0, 0x00, 0x00];
    prefixed.extend_from_slice(&compressed);
    let wasm = match decompress(&prefixed, declared) {
        Ok(w) => w,
        Err(e) => return Ok(Err(WasmError::Invalid(e))),
    };
    if wasm.len() != declared {
        return Ok(Err(WasmError::Invalid(format!(
            "invalid wasm: decompressed length {} does not match expected length {declared}",
            wasm.len()
        ))));
    }
    Ok(Ok(wasm))
}

/// Whether `code` is any Stylus component (classic, fragment or root): the
/// only `0xEF` code that may be deployed.
#[must_use]
pub fn is_stylus_component(code: &[u8]) -> bool {
    code.len() > 3 && code[0] == 0xEF && code[1] == 0xF0 && code[2] <= 2
}

/// Outcome of `activateProgram`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivationError {
    /// An ABI-encoded custom error: revert with the data and charge the gas
    /// used so far (the second field), keeping the rest.
    Revert(Bytes, u64),
    /// A plain error before validation (e.g. a fragment activated directly,
    /// too many fragments, a corrupt stream): revert without data, charge
    /// the gas used so far (the second field), keep the rest.
    Failed(String, u64),
    /// The WASM failed validation or instrumentation ("program activation
    /// failed: ..."): revert and take all gas.
    TakeAllGas(String),
    /// Not enough gas.
    OutOfGas,
}

/// A successful activation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    /// Stylus version.
    pub version: u16,
    /// Code hash.
    pub codehash: B256,
    /// Module hash.
    pub module_hash: B256,
    /// Data fee in wei.
    pub data_fee: U256,
    /// Gas used.
    pub gas_used: u64,
}

/// The configured constant charge burnt before every activation
/// (`ArbWasm.activationGas()`): the configured value from ArbOS 60, 0 before.
/// The chain owner may override it in the state
/// ([`activation_gas_in_state`]).
#[must_use]
pub const fn activation_gas(cfg: &VmConfig) -> u64 {
    if cfg.arbos_version >= 60 {
        cfg.activation_gas
    } else {
        0
    }
}

/// Activates the program at `program` (ArbWasm `activateProgram`), up to the
/// data-fee payment which the precompile does. The gas, in Nitro's order:
/// `activationGas` (ArbOS 60+), the fixed 1,659,168, the parameter reads,
/// then (roots) each fragment read, the compile gas and the record writes.
///
/// # Errors
/// Outer: database errors. Inner: [`ActivationError`].
pub fn activate<CTX: ContextTr>(
    ctx: &mut CTX,
    engine: &WasmiEngine,
    cfg: &VmConfig,
    program: Address,
    gas_limit: u64,
) -> Result<Result<Activation, ActivationError>, DbErr<CTX>> {
    use crate::abi::ArbWasm as W;
    use alloy_sol_types::SolError;
    let time: u64 = revm::context_interface::Block::timestamp(ctx.block()).saturating_to();
    let mut reads = 0;
    let mut gas_used = activation_gas_in_state(ctx, cfg, &mut reads)?
        .saturating_add(cfg.activation_fixed_gas)
        .saturating_add(2 * 800);
    if gas_used > gas_limit {
        return Ok(Err(ActivationError::OutOfGas));
    }
    let code = ctx.journal_mut().code(program)?.data;
    let codehash = ctx.journal_mut().code_hash(program)?.data;
    let existing = get_program(ctx, &codehash)?;
    let expired = existing.activated_at == 0
        || existing.age(time) > u64::from(cfg.stylus.expiry_days) * 86_400;
    if existing.version == cfg.stylus.version && !expired {
        return Ok(Err(ActivationError::Revert(
            W::ProgramUpToDate {}.abi_encode().into(),
            gas_used,
        )));
    }
    let mut meter = FragmentMeter {
        gas_used,
        gas_limit,
        max_code_size: cfg.max_code_size,
    };
    let wasm = match program_wasm(ctx, cfg, &code, Some(&mut meter))? {
        Ok(w) => w,
        Err(WasmError::NotWasm) => {
            return Ok(Err(ActivationError::Revert(
                W::ProgramNotWasm {}.abi_encode().into(),
                meter.gas_used,
            )))
        }
        Err(WasmError::Invalid(e)) => return Ok(Err(ActivationError::Failed(e, meter.gas_used))),
        Err(WasmError::OutOfGas) => return Ok(Err(ActivationError::OutOfGas)),
    };
    gas_used = meter.gas_used;
    let prepared = match prepare(engine, cfg, &wasm, codehash, cfg.stylus.page_limit) {
        Ok(p) => p,
        Err(e) => return Ok(Err(ActivationError::TakeAllGas(e))),
    };
    gas_used = gas_used.saturating_add(prepared.costs.compile_gas);
    if gas_used > gas_limit {
        return Ok(Err(ActivationError::OutOfGas));
    }
    let data_fee = data_fee(ctx, prepared.costs.asm_estimate, time)?;
    let record = Program {
        version: cfg.stylus.version,
        init_cost: prepared.costs.init_cost,
        cached_cost: prepared.costs.cached_init_cost,
        footprint: prepared.costs.footprint,
        activated_at: hours_since_arbitrum(time),
        asm_estimate_kb: prepared.costs.asm_estimate.div_ceil(1024),
        cached: existing.cached,
    };
    set_program(ctx, &codehash, &record)?;
    store(
        ctx,
        slot(b"stylus.module", &codehash),
        U256::from_be_bytes(prepared.module_hash.0),
    )?;
    // storage writes (record, module hash, pricer) as Nitro's burner prices them
    gas_used = gas_used.saturating_add(4 * 20_000);
    if gas_used > gas_limit {
        return Ok(Err(ActivationError::OutOfGas));
    }
    Ok(Ok(Activation {
        version: cfg.stylus.version,
        codehash,
        module_hash: prepared.module_hash,
        data_fee,
        gas_used,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trip_and_costs() {
        let p = Program {
            version: 2,
            init_cost: 1234,
            cached_cost: 56,
            footprint: 3,
            activated_at: 0x12_3456,
            asm_estimate_kb: 0xAB_CDEF,
            cached: true,
        };
        assert_eq!(Program::decode(&p.encode()), p);
        let cfg = VmConfig::default();
        assert_eq!(p.init_gas(&cfg), 8832 + 1234);
        assert_eq!(p.cached_gas(&cfg), 352 + 56);
        assert_eq!(approx_exp_bips(0, 12), 10_000);
        // e ≈ 2.718
        assert!((27_100..27_200).contains(&approx_exp_bips(10_000, 12)));
        assert_eq!(hours_since_arbitrum(ARBITRUM_START_TIME + 7200), 2);
        assert!(is_stylus_component(&[0xEF, 0xF0, 0x02, 0]));
        assert!(!is_stylus_component(&[0xEF, 0xF0, 0x03, 0]));
        assert!(!is_stylus_program(&[0xEF, 0xF0, 0x00]));
    }
}
