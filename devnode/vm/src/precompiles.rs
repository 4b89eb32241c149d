//! Arbitrum precompiles: ArbWasm (0x71), ArbWasmCache (0x72, for cache
//! managers and chain owners), ArbSys (0x64, `arbOSVersion()` = 55 + the
//! ArbOS version), ArbOwnerPublic (0x6b, `getMaxStylusContractFragments()`
//! from ArbOS 60), ArbGasInfo (0x6c), ArbOwner (0x70, chain owners only) and
//! ArbDebug (0xff, `becomeChainOwner`), plus Ethereum's own, and the native
//! CacheManager system contract ([`crate::cache_manager`]). Methods Nitro
//! added in ArbOS 60 (`activationGas`, `getMaxStylusContractFragments`)
//! revert, taking all gas, before it.
//!
//! A precompile error that is not a revert (a failed activation, a non-owner
//! calling ArbOwner) halts the call taking all gas, as geth does for any
//! non-revert error, and its text is recorded with the call depth so that a
//! top-level failure reaches the RPC error message
//! ([`crate::evm::Execution::top_level_error`]).
//!
//! Errors are ABI-encoded Solidity custom errors so that cargo-stylus and
//! other clients recognise them. Precompile gas beyond activation is an
//! approximation of Nitro's burner (800 per storage read, copy gas).

use std::sync::Arc;

use alloy_sol_types::{SolEvent, SolInterface, SolValue};
use revm::context::Cfg;
use revm::context_interface::{Block, ContextTr, JournalTr};
use revm::handler::{EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{hardfork::SpecId, Address, Bytes, Log, B256, U256};

use crate::arbos::{self, ActivationError, AddressSet};
use crate::config::{
    VmConfig, ARB_DEBUG, ARB_GAS_INFO, ARB_OWNER, ARB_OWNER_PUBLIC, ARB_PRECOMPILES, ARB_SYS,
    ARB_WASM, ARB_WASM_CACHE, CACHE_MANAGER, CACHE_MANAGER_CODE, NETWORK_FEE_ACCOUNT,
};
use crate::engine::WasmiEngine;

use crate::abi::{ArbDebug, ArbGasInfo, ArbOwner, ArbOwnerPublic, ArbSys, ArbWasm, ArbWasmCache};

/// The error text of a call to ArbOwner by an account that is not a chain
/// owner (Nitro's owner-only wrapper).
pub const UNAUTHORIZED_OWNER_CALL: &str = "unauthorized caller to access-controlled method";
/// The prefix of the error text of an activation the validator rejected
/// (Nitro's `ErrProgramActivation`).
pub const ACTIVATION_FAILED: &str = "program activation failed";

/// Ethereum precompiles plus the Arbitrum ones.
#[derive(Debug, Clone)]
pub struct ArbPrecompiles {
    eth: EthPrecompiles,
    warm: revm::primitives::AddressSet,
    engine: WasmiEngine,
    config: Arc<VmConfig>,
    /// Non-revert errors of this transaction's precompile calls, with the
    /// call depth (0: the transaction's own call).
    errors: Vec<(usize, String)>,
}

impl ArbPrecompiles {
    /// Precompiles for `spec`, activating programs with `engine` under `config`.
    #[must_use]
    pub fn new(spec: SpecId, engine: WasmiEngine, config: Arc<VmConfig>) -> Self {
        let eth = EthPrecompiles::new(spec);
        let mut warm = eth.warm_addresses().clone();
        warm.extend(ARB_PRECOMPILES);
        Self {
            eth,
            warm,
            engine,
            config,
            errors: Vec::new(),
        }
    }

    /// Takes the non-revert errors recorded since the last call (call depth,
    /// message): a failed activation's reason, an unauthorized ArbOwner call.
    pub fn take_errors(&mut self) -> Vec<(usize, String)> {
        std::mem::take(&mut self.errors)
    }
}

/// What an Arbitrum precompile method produced.
pub(crate) enum Out {
    Ok(Bytes, u64),
    Revert(Bytes, u64),
    /// Revert consuming all gas.
    Fail,
    /// A non-revert error (halt) consuming all gas; the text is recorded.
    Error(String),
    /// Success charging nothing (an owner's ArbOwner call, as Nitro's
    /// owner-only wrapper does).
    Free(Bytes),
    /// Revert charging nothing (an owner's failed ArbOwner call).
    FreeRevert,
}

fn words(n: usize) -> u64 {
    (n as u64).div_ceil(32)
}

impl<CTX: ContextTr> PrecompileProvider<CTX> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        if changed {
            let mut warm = self.eth.warm_addresses().clone();
            warm.extend(ARB_PRECOMPILES);
            self.warm = warm;
        }
        changed
    }

    fn run(
        &mut self,
        ctx: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let addr = inputs.bytecode_address;
        if addr == CACHE_MANAGER
            && inputs.known_bytecode.1.original_byte_slice() == CACHE_MANAGER_CODE
        {
            let input = Bytes::copy_from_slice(&inputs.input.as_bytes(ctx));
            let (out, refund) = crate::cache_manager::run(self, ctx, inputs, &input)?;
            let mut result = self.finish(ctx, inputs, out, 0, false);
            if result.result.is_ok() {
                result.gas.record_refund(refund);
            }
            return Ok(Some(result));
        }
        if !ARB_PRECOMPILES.contains(&addr) {
            return self.eth.run(ctx, inputs);
        }
        let input = Bytes::copy_from_slice(&inputs.input.as_bytes(ctx));
        // Nitro: a precompile's methods may only run as the precompile itself
        // (no DELEGATECALL/CALLCODE into ArbOwner or ArbDebug).
        let acting_elsewhere = inputs.target_address != addr;
        let out = match addr {
            a if a == ARB_WASM => self.arb_wasm(ctx, inputs, &input)?,
            a if a == ARB_WASM_CACHE => self.arb_wasm_cache(ctx, inputs, &input)?,
            a if a == ARB_SYS => self.arb_sys(ctx, inputs, &input),
            a if a == ARB_OWNER_PUBLIC => self.arb_owner_public(ctx, &input)?,
            a if a == ARB_GAS_INFO => arb_gas_info(ctx, &input),
            a if a == ARB_OWNER && !acting_elsewhere => self.arb_owner(ctx, inputs, &input)?,
            a if a == ARB_DEBUG && !acting_elsewhere => self.arb_debug(ctx, inputs, &input)?,
            _ => Out::Fail,
        };
        let copy = 3 * words(input.len().saturating_sub(4));
        Ok(Some(self.finish(ctx, inputs, out, copy, true)))
    }

    fn warm_addresses(&self) -> &revm::primitives::AddressSet {
        &self.warm
    }

    fn contains(&self, address: &Address) -> bool {
        self.warm.contains(address)
    }
}

impl ArbPrecompiles {
    /// Turns a method's outcome into the call's result: `copy` is the
    /// argument-copy charge, `charge_output` whether returned words cost copy
    /// gas (a precompile's do; the CacheManager prices its own).
    fn finish<CTX: ContextTr>(
        &mut self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        out: Out,
        copy: u64,
        charge_output: bool,
    ) -> InterpreterResult {
        let limit = inputs.gas_limit;
        let mut gas = Gas::new(limit);
        match out {
            Out::Ok(data, used) | Out::Revert(data, used) if used.saturating_add(copy) > limit => {
                let _ = data;
                gas.spend_all();
                InterpreterResult::new(InstructionResult::PrecompileOOG, Bytes::new(), gas)
            }
            Out::Ok(data, used) => {
                let out_copy = if charge_output {
                    3 * words(data.len())
                } else {
                    0
                };
                let cost = used.saturating_add(copy).saturating_add(out_copy);
                if gas.record_regular_cost(cost) {
                    InterpreterResult::new(InstructionResult::Return, data, gas)
                } else {
                    // Nitro: the caller cannot afford the result data: revert, no gas left
                    gas.spend_all();
                    InterpreterResult::new(InstructionResult::Revert, Bytes::new(), gas)
                }
            }
            Out::Revert(data, used) => {
                let _ = gas.record_regular_cost(used.saturating_add(copy));
                InterpreterResult::new(InstructionResult::Revert, data, gas)
            }
            Out::Fail => {
                gas.spend_all();
                InterpreterResult::new(InstructionResult::Revert, Bytes::new(), gas)
            }
            Out::Error(message) => {
                // the journal's depth is 1 inside the transaction's own call
                let depth = ctx.journal_mut().depth().saturating_sub(1);
                self.errors.push((depth, message));
                gas.spend_all();
                InterpreterResult::new(InstructionResult::PrecompileError, Bytes::new(), gas)
            }
            Out::Free(data) => InterpreterResult::new(InstructionResult::Return, data, gas),
            Out::FreeRevert => InterpreterResult::new(InstructionResult::Revert, Bytes::new(), gas),
        }
    }
}

pub(crate) const READ: u64 = 800;

pub(crate) fn db<E: std::fmt::Display>(e: E) -> String {
    format!("database error: {e}")
}

impl ArbPrecompiles {
    pub(crate) fn code_hash_of<CTX: ContextTr>(ctx: &mut CTX, a: Address) -> Result<B256, String> {
        Ok(ctx.journal_mut().code_hash(a).map_err(db)?.data)
    }

    pub(crate) fn active<CTX: ContextTr>(
        &self,
        ctx: &mut CTX,
        codehash: &B256,
    ) -> Result<Result<arbos::Program, Out>, String> {
        let time: u64 = ctx.block().timestamp().saturating_to();
        Ok(arbos::active_program(ctx, &self.config, codehash, time)
            .map_err(db)?
            .map_err(|e| Out::Revert(e.abi(), READ)))
    }

    /// A view of the active program of `codehash` (ArbWasm's `codehash*` and
    /// `program*` views): `answer` of its record at a read's cost, or the
    /// revert an inactive program gets.
    fn view_active<CTX: ContextTr>(
        &self,
        ctx: &mut CTX,
        codehash: &B256,
        answer: impl FnOnce(&arbos::Program) -> Vec<u8>,
    ) -> Result<Out, String> {
        Ok(match self.active(ctx, codehash)? {
            Ok(prog) => Out::Ok(answer(&prog).into(), READ),
            Err(e) => e,
        })
    }

    #[allow(clippy::too_many_lines)]
    fn arb_wasm<CTX: ContextTr>(
        &self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
    ) -> Result<Out, String> {
        use ArbWasm::ArbWasmCalls as C;
        let Ok(call) = C::abi_decode(input) else {
            return Ok(Out::Fail);
        };
        let p = &self.config.stylus;
        let value = inputs.value.get();
        let mutates = matches!(call, C::activateProgram(_) | C::codehashKeepalive(_));
        if (value != U256::ZERO && !mutates) || (mutates && inputs.is_static) {
            return Ok(Out::Fail);
        }
        let time: u64 = ctx.block().timestamp().saturating_to();
        let ok = |b: Vec<u8>| Ok(Out::Ok(b.into(), READ));
        match call {
            C::activateProgram(c) => {
                let limit = inputs.gas_limit;
                let act = arbos::activate(ctx, &self.engine, &self.config, c.program, limit)
                    .map_err(db)?;
                let act = match act {
                    Ok(a) => a,
                    Err(ActivationError::Revert(data, used)) => return Ok(Out::Revert(data, used)),
                    // a plain error before validation (a corrupt stream, a bad
                    // root): Nitro reverts without data and keeps the gas left
                    Err(ActivationError::Failed(_, used)) => {
                        return Ok(Out::Revert(Bytes::new(), used))
                    }
                    // the validator rejected the WASM: Nitro's ErrProgramActivation,
                    // an error (not a revert) carrying the reason, all gas burnt
                    Err(ActivationError::TakeAllGas(reason)) => {
                        return Ok(Out::Error(format!("{ACTIVATION_FAILED}: {reason}")))
                    }
                    Err(ActivationError::OutOfGas) => return Ok(Out::Fail),
                };
                if value < act.data_fee {
                    let err = ArbWasm::ProgramInsufficientValue {
                        have: value,
                        want: act.data_fee,
                    };
                    return Ok(Out::Revert(
                        alloy_sol_types::SolError::abi_encode(&err).into(),
                        act.gas_used,
                    ));
                }
                let j = ctx.journal_mut();
                if act.data_fee > U256::ZERO {
                    if let Some(e) = j
                        .transfer(ARB_WASM, NETWORK_FEE_ACCOUNT, act.data_fee)
                        .map_err(db)?
                    {
                        return Err(format!("data fee transfer failed: {e:?}"));
                    }
                }
                let refund = value - act.data_fee;
                if refund > U256::ZERO {
                    if let Some(e) = j.transfer(ARB_WASM, inputs.caller, refund).map_err(db)? {
                        return Err(format!("refund failed: {e:?}"));
                    }
                }
                let event = ArbWasm::ProgramActivated {
                    codehash: act.codehash,
                    moduleHash: act.module_hash,
                    program: c.program,
                    dataFee: act.data_fee,
                    version: act.version,
                };
                j.log(Log {
                    address: ARB_WASM,
                    data: event.encode_log_data(),
                });
                let log_gas = 375 * 2 + 8 * 128;
                Ok(Out::Ok(
                    (act.version, act.data_fee).abi_encode_params().into(),
                    act.gas_used + log_gas,
                ))
            }
            C::stylusVersion(_) => ok((p.version,).abi_encode_params()),
            C::codehashVersion(c) => {
                self.view_active(ctx, &c.codehash, |prog| (prog.version,).abi_encode_params())
            }
            C::codehashAsmSize(c) => self.view_active(ctx, &c.codehash, |prog| {
                (prog.asm_estimate_kb.saturating_mul(1024),).abi_encode_params()
            }),
            C::codehashKeepalive(c) => {
                let prog = match self.active(ctx, &c.codehash)? {
                    Ok(prog) => prog,
                    Err(e) => return Ok(e),
                };
                let age = prog.age(time);
                if age < u64::from(p.keepalive_days) * 86_400 {
                    let err = ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age };
                    return Ok(Out::Revert(
                        alloy_sol_types::SolError::abi_encode(&err).into(),
                        READ,
                    ));
                }
                let fee = arbos::data_fee(ctx, prog.asm_estimate_kb.saturating_mul(1024), time)
                    .map_err(db)?;
                if value < fee {
                    let err = ArbWasm::ProgramInsufficientValue {
                        have: value,
                        want: fee,
                    };
                    return Ok(Out::Revert(
                        alloy_sol_types::SolError::abi_encode(&err).into(),
                        READ,
                    ));
                }
                let updated = arbos::Program {
                    activated_at: arbos::hours_since_arbitrum(time),
                    ..prog
                };
                arbos::set_program(ctx, &c.codehash, &updated).map_err(db)?;
                let j = ctx.journal_mut();
                if fee > U256::ZERO {
                    let _ = j.transfer(ARB_WASM, NETWORK_FEE_ACCOUNT, fee).map_err(db)?;
                }
                if value > fee {
                    let _ = j
                        .transfer(ARB_WASM, inputs.caller, value - fee)
                        .map_err(db)?;
                }
                let event = ArbWasm::ProgramLifetimeExtended {
                    codehash: c.codehash,
                    dataFee: fee,
                };
                j.log(Log {
                    address: ARB_WASM,
                    data: event.encode_log_data(),
                });
                Ok(Out::Ok(Bytes::new(), 20_000 + READ))
            }
            C::programVersion(c) => {
                let h = Self::code_hash_of(ctx, c.program)?;
                self.view_active(ctx, &h, |prog| (prog.version,).abi_encode_params())
            }
            C::programInitGas(c) => {
                let h = Self::code_hash_of(ctx, c.program)?;
                self.view_active(ctx, &h, |prog| {
                    let cached = prog.cached_gas(&self.config);
                    let mut init = prog.init_gas(&self.config);
                    if p.version > 1 {
                        init += cached;
                    }
                    (init, cached).abi_encode_params()
                })
            }
            C::programMemoryFootprint(c) => {
                let h = Self::code_hash_of(ctx, c.program)?;
                self.view_active(ctx, &h, |prog| (prog.footprint,).abi_encode_params())
            }
            C::programTimeLeft(c) => {
                let h = Self::code_hash_of(ctx, c.program)?;
                self.view_active(ctx, &h, |prog| {
                    let left = (u64::from(p.expiry_days) * 86_400).saturating_sub(prog.age(time));
                    (left,).abi_encode_params()
                })
            }
            C::inkPrice(_) => ok((p.ink_price,).abi_encode_params()),
            C::maxStackDepth(_) => ok((p.max_stack_depth,).abi_encode_params()),
            C::freePages(_) => ok((p.free_pages,).abi_encode_params()),
            C::pageGas(_) => ok((p.page_gas,).abi_encode_params()),
            C::pageRamp(_) => ok((p.page_ramp,).abi_encode_params()),
            C::pageLimit(_) => ok((p.page_limit,).abi_encode_params()),
            C::minInitGas(_) => ok((
                u64::from(p.min_init_gas) * 128,
                u64::from(p.min_cached_init_gas) * 32,
            )
                .abi_encode_params()),
            C::initCostScalar(_) => ok((u64::from(p.init_cost_scalar) * 2,).abi_encode_params()),
            C::expiryDays(_) => ok((p.expiry_days,).abi_encode_params()),
            C::keepaliveDays(_) => ok((p.keepalive_days,).abi_encode_params()),
            C::blockCacheSize(_) => ok((p.block_cache_size,).abi_encode_params()),
            // a method of ArbOS 60: before it, calling it reverts taking all gas
            C::activationGas(_) if self.config.arbos_version < 60 => Ok(Out::Fail),
            C::activationGas(_) => {
                let mut gas = 0;
                let value =
                    arbos::activation_gas_in_state(ctx, &self.config, &mut gas).map_err(db)?;
                Ok(Out::Ok((value,).abi_encode_params().into(), gas))
            }
        }
    }

    /// Whether `caller` may change the Stylus cache (Nitro's `hasAccess`: a
    /// cache manager or a chain owner). Adds the reads to `gas`.
    pub(crate) fn may_manage_cache<CTX: ContextTr>(
        ctx: &mut CTX,
        caller: Address,
        gas: &mut u64,
    ) -> Result<bool, String> {
        if AddressSet::CacheManagers
            .contains(ctx, caller, gas)
            .map_err(db)?
        {
            return Ok(true);
        }
        AddressSet::ChainOwners
            .contains(ctx, caller, gas)
            .map_err(db)
    }

    /// Caches or evicts `codehash` on behalf of `manager` (ArbWasmCache's
    /// `setProgramCached`, after the access check): caching needs an active,
    /// up-to-date program; a no-op when nothing changes; otherwise the
    /// record is updated, `UpdateProgramCache` is emitted and the program's
    /// init cost is burnt.
    pub(crate) fn set_cached<CTX: ContextTr>(
        &self,
        ctx: &mut CTX,
        manager: Address,
        codehash: B256,
        cache: bool,
    ) -> Result<Out, String> {
        let time: u64 = ctx.block().timestamp().saturating_to();
        let prog = arbos::get_program(ctx, &codehash).map_err(db)?;
        if cache {
            match arbos::active_program(ctx, &self.config, &codehash, time).map_err(db)? {
                Ok(_) => {}
                Err(e) => return Ok(Out::Revert(e.abi(), READ)),
            }
        }
        if prog.cached == cache {
            return Ok(Out::Ok(Bytes::new(), READ));
        }
        arbos::set_program(
            ctx,
            &codehash,
            &arbos::Program {
                cached: cache,
                ..prog
            },
        )
        .map_err(db)?;
        let event = ArbWasmCache::UpdateProgramCache {
            manager,
            codehash,
            cached: cache,
        };
        ctx.journal_mut().log(Log {
            address: ARB_WASM_CACHE,
            data: event.encode_log_data(),
        });
        Ok(Out::Ok(
            Bytes::new(),
            READ + 20_000 + u64::from(prog.init_cost),
        ))
    }

    pub(crate) fn arb_wasm_cache<CTX: ContextTr>(
        &self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
    ) -> Result<Out, String> {
        use ArbWasmCache::ArbWasmCacheCalls as C;
        let Ok(call) = C::abi_decode(input) else {
            return Ok(Out::Fail);
        };
        let view = matches!(
            call,
            C::isCacheManager(_) | C::allCacheManagers(_) | C::codehashIsCached(_)
        );
        if (!view && inputs.is_static) || inputs.value.get() != U256::ZERO {
            return Ok(Out::Fail);
        }
        let mut gas = 0;
        if !view && !Self::may_manage_cache(ctx, inputs.caller, &mut gas)? {
            // Nitro burns out the caller: a revert without data, all gas taken
            return Ok(Out::Fail);
        }
        let charged = |out: Out| match out {
            Out::Ok(d, g) => Out::Ok(d, g.saturating_add(gas)),
            Out::Revert(d, g) => Out::Revert(d, g.saturating_add(gas)),
            other => other,
        };
        match call {
            C::isCacheManager(c) => {
                let member = AddressSet::CacheManagers
                    .contains(ctx, c.manager, &mut gas)
                    .map_err(db)?;
                Ok(Out::Ok((member,).abi_encode_params().into(), gas))
            }
            C::allCacheManagers(_) => {
                let all = AddressSet::CacheManagers
                    .members(ctx, &mut gas)
                    .map_err(db)?;
                Ok(Out::Ok((all,).abi_encode_params().into(), gas))
            }
            C::cacheCodehash(c) => Ok(charged(self.set_cached(
                ctx,
                inputs.caller,
                c.codehash,
                true,
            )?)),
            C::cacheProgram(c) => {
                let h = Self::code_hash_of(ctx, c.addr)?;
                Ok(charged(self.set_cached(ctx, inputs.caller, h, true)?))
            }
            C::evictCodehash(c) => Ok(charged(self.set_cached(
                ctx,
                inputs.caller,
                c.codehash,
                false,
            )?)),
            C::codehashIsCached(c) => {
                let prog = arbos::get_program(ctx, &c.codehash).map_err(db)?;
                Ok(Out::Ok((prog.cached,).abi_encode_params().into(), READ))
            }
        }
    }

    fn arb_owner<CTX: ContextTr>(
        &self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
    ) -> Result<Out, String> {
        use ArbOwner::ArbOwnerCalls as C;
        let mut gas = 0;
        if !AddressSet::ChainOwners
            .contains(ctx, inputs.caller, &mut gas)
            .map_err(db)?
        {
            return Ok(Out::Error(UNAUTHORIZED_OWNER_CALL.into()));
        }
        // From here on Nitro charges the owner nothing, success or not.
        let Ok(call) = C::abi_decode(input) else {
            return Ok(Out::FreeRevert);
        };
        let view = matches!(call, C::isChainOwner(_) | C::getAllChainOwners(_));
        if inputs.value.get() != U256::ZERO || (!view && inputs.is_static) {
            return Ok(Out::FreeRevert);
        }
        // adding or removing a chain owner or a cache manager: one path
        let edit = match &call {
            C::addChainOwner(c) => Some((AddressSet::ChainOwners, c.newOwner, true)),
            C::removeChainOwner(c) => Some((AddressSet::ChainOwners, c.ownerToRemove, false)),
            C::addWasmCacheManager(c) => Some((AddressSet::CacheManagers, c.manager, true)),
            C::removeWasmCacheManager(c) => Some((AddressSet::CacheManagers, c.manager, false)),
            _ => None,
        };
        if let Some((set, member, add)) = edit {
            if add {
                set.add(ctx, member, &mut gas).map_err(db)?;
            } else if !set.remove(ctx, member, &mut gas).map_err(db)? {
                // "tried to remove non-owner" ("non-manager"): a plain
                // error, so a revert
                return Ok(Out::FreeRevert);
            }
        }
        let out: Vec<u8> = match call {
            // done just above
            C::addChainOwner(_)
            | C::removeChainOwner(_)
            | C::addWasmCacheManager(_)
            | C::removeWasmCacheManager(_) => Vec::new(),
            C::isChainOwner(c) => {
                let member = AddressSet::ChainOwners
                    .contains(ctx, c.addr, &mut gas)
                    .map_err(db)?;
                (member,).abi_encode_params()
            }
            C::getAllChainOwners(_) => {
                let all = AddressSet::ChainOwners.members(ctx, &mut gas).map_err(db)?;
                (all,).abi_encode_params()
            }
            C::setWasmActivationGas(c) => {
                if self.config.arbos_version < 60 {
                    // a method of ArbOS 60
                    return Ok(Out::FreeRevert);
                }
                arbos::set_activation_gas(ctx, c.gas, &mut gas).map_err(db)?;
                Vec::new()
            }
            C::setL1PricePerUnit(c) => {
                // The devnode has no L1 pricing: the L1 price is 0, as
                // nitro-devnode sets it. Setting 0 is a no-op; any other
                // price is not modelled and reverts.
                if c.pricePerUnit != U256::ZERO {
                    return Ok(Out::FreeRevert);
                }
                Vec::new()
            }
        };
        if !inputs.is_static {
            let mut method = [0u8; 4];
            method.copy_from_slice(&input[..4]);
            let event = ArbOwner::OwnerActs {
                method: method.into(),
                owner: inputs.caller,
                data: Bytes::copy_from_slice(input),
            };
            ctx.journal_mut().log(Log {
                address: ARB_OWNER,
                data: event.encode_log_data(),
            });
        }
        Ok(Out::Free(out.into()))
    }

    fn arb_debug<CTX: ContextTr>(
        &self,
        ctx: &mut CTX,
        inputs: &CallInputs,
        input: &[u8],
    ) -> Result<Out, String> {
        use ArbDebug::ArbDebugCalls as C;
        if !self.config.debug {
            return Ok(Out::Error("debug precompiles are disabled".into()));
        }
        let Ok(call) = C::abi_decode(input) else {
            return Ok(Out::Fail);
        };
        if inputs.is_static || inputs.value.get() != U256::ZERO {
            return Ok(Out::Fail);
        }
        match call {
            C::becomeChainOwner(_) => {
                let mut gas = READ;
                AddressSet::ChainOwners
                    .add(ctx, inputs.caller, &mut gas)
                    .map_err(db)?;
                Ok(Out::Ok(Bytes::new(), gas))
            }
        }
    }

    fn arb_sys<CTX: ContextTr>(&self, ctx: &mut CTX, inputs: &CallInputs, input: &[u8]) -> Out {
        use ArbSys::ArbSysCalls as C;
        let Ok(call) = C::abi_decode(input) else {
            return Out::Fail;
        };
        let data = match call {
            C::arbBlockNumber(_) => (ctx.block().number(),).abi_encode_params(),
            C::arbBlockHash(c) => {
                let n = ctx.block().number();
                if c.arbBlockNum >= n || c.arbBlockNum + U256::from(256) < n {
                    return Out::Revert(Bytes::new(), READ);
                }
                let hash = revm::Database::block_hash(ctx.db_mut(), c.arbBlockNum.saturating_to())
                    .unwrap_or_default();
                (hash,).abi_encode_params()
            }
            C::arbChainID(_) => (U256::from(self.config.chain_id),).abi_encode_params(),
            C::arbOSVersion(_) => (U256::from(55 + self.config.arbos_version),).abi_encode_params(),
            C::getStorageGasAvailable(_) => (U256::ZERO,).abi_encode_params(),
            C::isTopLevelCall(_) => {
                (inputs.caller == revm::context_interface::Transaction::caller(ctx.tx()),)
                    .abi_encode_params()
            }
            C::wasMyCallersAddressAliased(_) => (false,).abi_encode_params(),
            C::myCallersAddressWithoutAliasing(_) => {
                (revm::context_interface::Transaction::caller(ctx.tx()),).abi_encode_params()
            }
        };
        Out::Ok(data.into(), 0)
    }

    fn arb_owner_public<CTX: ContextTr>(&self, ctx: &mut CTX, input: &[u8]) -> Result<Out, String> {
        use ArbOwnerPublic::ArbOwnerPublicCalls as C;
        let Ok(call) = C::abi_decode(input) else {
            return Ok(Out::Fail);
        };
        let mut gas = 0;
        let data = match call {
            // a method of ArbOS 60: before it, calling it reverts taking all gas
            C::getMaxStylusContractFragments(_) if self.config.arbos_version < 60 => {
                return Ok(Out::Fail)
            }
            C::getMaxStylusContractFragments(_) => {
                // uint8, as Nitro returns it (a left-padded word)
                (U256::from(self.config.stylus.max_fragment_count),).abi_encode_params()
            }
            C::getNetworkFeeAccount(_) | C::getInfraFeeAccount(_) => {
                (NETWORK_FEE_ACCOUNT,).abi_encode_params()
            }
            C::isChainOwner(c) => (AddressSet::ChainOwners
                .contains(ctx, c.addr, &mut gas)
                .map_err(db)?,)
                .abi_encode_params(),
            C::getAllChainOwners(_) => {
                (AddressSet::ChainOwners.members(ctx, &mut gas).map_err(db)?,).abi_encode_params()
            }
            C::getBrotliCompressionLevel(_) => (11u64,).abi_encode_params(),
        };
        Ok(Out::Ok(data.into(), gas.max(READ)))
    }
}

fn arb_gas_info<CTX: ContextTr>(ctx: &mut CTX, input: &[u8]) -> Out {
    use revm::context_interface::Transaction;
    use ArbGasInfo::ArbGasInfoCalls as C;
    let Ok(call) = C::abi_decode(input) else {
        return Out::Fail;
    };
    let basefee = U256::from(ctx.block().basefee());
    let _ = ctx.tx().gas_price();
    let z = U256::ZERO;
    let data = match call {
        C::getPricesInWei(_) => (z, z, z, basefee, z, basefee).abi_encode_params(),
        C::getPricesInArbGas(_) => (z, z, z).abi_encode_params(),
        C::getMinimumGasPrice(_) => (basefee,).abi_encode_params(),
        C::getL1BaseFeeEstimate(_) | C::getL1GasPriceEstimate(_) | C::getCurrentTxL1GasFees(_) => {
            (z,).abi_encode_params()
        }
        C::getGasAccountingParams(_) => (
            U256::from(7_000_000u64),
            U256::from(32_000_000u64),
            U256::from(32_000_000u64),
        )
            .abi_encode_params(),
        C::getPricingInertia(_) => (102u64,).abi_encode_params(),
    };
    Out::Ok(data.into(), READ)
}
