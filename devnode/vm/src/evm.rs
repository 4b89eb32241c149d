//! revm glue: an EVM whose frames run either EVM bytecode or Stylus programs.
//!
//! [`StylusEvm`] wraps revm's mainnet `Evm` and implements `EvmTr` itself.
//! Frames stay revm's `EthFrame` (checkpoints, value transfer, precompiles,
//! create rules), and a side table marks the frames whose code is a Stylus
//! program. Such a frame runs its WASM in [`frame_run`](EvmTr::frame_run)
//! until it finishes or asks for a sub-call/create: then the WASM stays
//! *suspended* (wasmi resumable call), `frame_run` returns the child's
//! `FrameInit` and revm's ordinary loop runs the child; when the child
//! returns, [`frame_return_result`](EvmTr::frame_return_result) hands the
//! result to the Stylus frame, which resumes on its next `frame_run`. The
//! revm loop stays flat: no recursion, no `unsafe`.

use std::collections::HashMap;
use std::sync::Arc;

use revm::context::{BlockEnv, CfgEnv, Context, Evm, FrameStack, TxEnv};
use revm::context_interface::context::ContextError;
use revm::context_interface::result::{EVMError, ExecutionResult, ResultAndState};
use revm::context_interface::{Block, Cfg, ContextTr, JournalTr, Transaction};
use revm::handler::evm::{ContextDbError, FrameInitResult, FrameTr};
use revm::handler::instructions::{EthInstructions, InstructionProvider};
use revm::handler::{
    EthFrame, EvmTr, FrameData, FrameInitOrResult, FrameResult, Handler, ItemOrResult,
    MainnetHandler,
};
use revm::interpreter::instructions::Instruction;
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, FrameInput, Gas, InstructionResult,
    InterpreterAction, InterpreterResult,
};
use revm::interpreter::{InstructionContext, InstructionExecResult};
use revm::primitives::{Address, Bytes, Log, LogData, B256, U256};
use revm::Database;

use crate::arbos::{self, is_stylus_component, is_stylus_program, runs_as_wasm};
use crate::config::VmConfig;
use crate::engine::{Outcome, ProgramRun, Step, WasmiEngine, WasmiRun};
use crate::host::{
    ApiStatus, CallKind, EvmData, HostState, HostioRecord, HostioRecorder, Request, Response,
};
use crate::precompiles::ArbPrecompiles;
use crate::pricing::{evm_memory_cost, memory_gas};
use crate::recent::RecentPrograms;

/// The revm context the VM runs on, over any database.
pub type StylusContext<DB> = Context<BlockEnv, TxEnv, CfgEnv, DB>;
type Inner<DB> = Evm<
    StylusContext<DB>,
    (),
    EthInstructions<EthInterpreter, StylusContext<DB>>,
    ArbPrecompiles,
    EthFrame<EthInterpreter>,
>;

/// The shared part of the VM: configuration and the compiled-program cache.
/// Cheap to clone; share one per chain so modules are compiled once.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// Chain configuration.
    pub config: Arc<VmConfig>,
    /// Engine and compiled programs.
    pub engine: WasmiEngine,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new(VmConfig::default())
    }
}

impl Runtime {
    /// A runtime for `config`.
    #[must_use]
    pub fn new(config: VmConfig) -> Self {
        Self {
            config: Arc::new(config),
            engine: WasmiEngine::new(),
        }
    }

    /// The revm configuration for this chain (Osaka at ArbOS ≥ 50, 32M tx
    /// cap, EIP-3541 checked by the VM itself, no EIP-7623 floor).
    #[must_use]
    pub fn cfg_env(&self) -> CfgEnv {
        let c = &self.config;
        let mut cfg = CfgEnv::new_with_spec(c.spec());
        cfg.chain_id = c.chain_id;
        cfg.tx_gas_limit_cap = Some(c.tx_gas_limit_cap);
        cfg.limit_contract_code_size = Some(c.max_code_size);
        cfg.disable_eip3541 = true;
        cfg.disable_eip7623 = true;
        cfg
    }
}

/// Extra facts about an execution that revm's result does not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StylusTrace {
    /// `console.*` output of debug programs, in order.
    pub console: Vec<String>,
    /// Why Stylus frames failed to start or failed inside (e.g.
    /// `ProgramNotActivated`, a trap message), with the frame depth.
    pub errors: Vec<(usize, String)>,
    /// Number of Stylus frames run.
    pub programs_run: u64,
    /// Program entries that hit the per-block recent-programs cache (ArbOS
    /// 60+) and so paid the cached init cost instead of the full one.
    pub recent_cache_hits: u64,
    /// Frames entered and left and the hostios of Stylus frames, in execution
    /// order; empty unless the EVM traces ([`StylusEvm::set_tracing`]).
    pub events: Vec<TraceEvent>,
}

/// How a frame was entered (the opcode geth's tracers report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// `CALL` (or the transaction's call).
    Call,
    /// `CALLCODE`.
    CallCode,
    /// `DELEGATECALL`.
    DelegateCall,
    /// `STATICCALL`.
    StaticCall,
    /// `CREATE` (or a creation transaction).
    Create,
    /// `CREATE2`.
    Create2,
}

/// A frame starts (geth's `OnEnter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameEnter {
    /// 0 for the transaction's own frame.
    pub depth: usize,
    /// Opcode.
    pub kind: FrameKind,
    /// Caller (for `DELEGATECALL`, the delegating contract).
    pub from: Address,
    /// Code address called, or the address created (zero if creation failed early).
    pub to: Address,
    /// Calldata or init code.
    pub input: Bytes,
    /// Gas given to the frame.
    pub gas: u64,
    /// Value transferred (the apparent value for `DELEGATECALL`).
    pub value: U256,
}

/// A frame ends (geth's `OnExit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameExit {
    /// 0 for the transaction's own frame.
    pub depth: usize,
    /// Return data, revert data, or the deployed code.
    pub output: Bytes,
    /// Gas the frame used.
    pub gas_used: u64,
    /// revm's result (`Return`, `Revert`, `OutOfGas`, …).
    pub result: InstructionResult,
}

/// One event of a traced execution, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceEvent {
    /// A frame started.
    Enter(FrameEnter),
    /// A frame ended.
    Exit(FrameExit),
    /// A Stylus hostio finished (recorded when it completes, so a call's record follows
    /// the callee's frame).
    Hostio(HostioRecord),
}

/// Result of [`StylusEvm::transact`]: revm's result and state changes plus the trace.
#[derive(Debug, Clone)]
pub struct Execution {
    /// Result and the state changes to commit.
    pub result: ResultAndState,
    /// Stylus-specific facts.
    pub trace: StylusTrace,
}

impl Execution {
    /// The reason of a top-level Stylus failure, if any (e.g. `ProgramNotActivated`).
    #[must_use]
    pub fn top_level_error(&self) -> Option<&str> {
        self.trace
            .errors
            .iter()
            .find(|(d, _)| *d == 0)
            .map(|(_, m)| m.as_str())
    }

    /// Shortcut to the execution result.
    #[must_use]
    pub fn exec(&self) -> &ExecutionResult {
        &self.result.result
    }
}

struct PendingCall {
    base: u64,
    gas: u64,
}

struct PendingCreate {
    start_gas: u64,
    one64th: u64,
}

enum Waiting {
    None,
    Call(PendingCall),
    Create(PendingCreate),
}

struct StylusFrame {
    run: Option<WasmiRun>,
    resume: Option<Response>,
    waiting: Waiting,
    starting_gas: u64,
    open_before: u16,
    refund: i64,
    acting: Address,
    caller: Address,
    call_value: U256,
    is_static: bool,
}

#[derive(Default)]
struct FrameMeta {
    counted: Option<Address>,
    stylus: Option<Box<StylusFrame>>,
}

#[derive(Default)]
struct TxState {
    open: u16,
    ever: u16,
    programs: HashMap<Address, u32>,
    trace: StylusTrace,
}

/// An EVM that runs Stylus programs with Nitro's semantics.
pub struct StylusEvm<DB: Database> {
    inner: Inner<DB>,
    runtime: Runtime,
    frames: Vec<FrameMeta>,
    tx: TxState,
    recent: RecentPrograms,
    tracing: bool,
}

impl<DB: Database> std::fmt::Debug for StylusEvm<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StylusEvm").finish_non_exhaustive()
    }
}

type DbError<DB> = ContextError<<DB as Database>::Error>;

impl<DB: Database> StylusEvm<DB> {
    /// An EVM over `db` for `block`, with the runtime's chain configuration.
    pub fn new(runtime: &Runtime, db: DB, block: BlockEnv) -> Self {
        Self::with_cfg(runtime, db, block, runtime.cfg_env())
    }

    /// Like [`new`](Self::new) with an explicit revm `CfgEnv` (e.g. to disable
    /// nonce or balance checks for `eth_call`).
    pub fn with_cfg(runtime: &Runtime, db: DB, block: BlockEnv, cfg: CfgEnv) -> Self {
        let spec = cfg.spec;
        let ctx: StylusContext<DB> = Context::<BlockEnv, TxEnv, CfgEnv, DB>::new(db, spec)
            .with_cfg(cfg)
            .with_block(block);
        let mut instruction = EthInstructions::new_mainnet_with_spec(spec);
        let selfdestruct_gas = instruction.gas_table()[0xff];
        instruction.insert_instruction(
            0xff,
            Instruction::new(stylus_selfdestruct::<DB>),
            selfdestruct_gas,
        );
        let inner = Evm {
            ctx,
            inspector: (),
            instruction,
            precompiles: ArbPrecompiles::new(spec, runtime.engine.clone(), runtime.config.clone()),
            frame_stack: FrameStack::new_prealloc(8),
        };
        Self {
            inner,
            runtime: runtime.clone(),
            frames: Vec::new(),
            tx: TxState::default(),
            recent: RecentPrograms::new(),
            tracing: false,
        }
    }

    /// Turns recording of frames and hostios on or off for the next transactions; the
    /// events come back in [`StylusTrace::events`]. Off by default (and then free).
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
    }

    /// The recent-programs cache of the block this EVM executes in. It starts
    /// empty and carries over between the transactions run on this EVM, so
    /// one `StylusEvm` per block (or [`execute_in_block`]) models a block.
    #[must_use]
    pub fn recent_programs(&self) -> &RecentPrograms {
        &self.recent
    }

    /// Replaces the recent-programs cache (e.g. with the block's so far).
    pub fn set_recent_programs(&mut self, recent: RecentPrograms) {
        self.recent = recent;
    }

    /// Takes the recent-programs cache out, leaving an empty one.
    pub fn take_recent_programs(&mut self) -> RecentPrograms {
        std::mem::take(&mut self.recent)
    }

    /// The database.
    pub fn db_mut(&mut self) -> &mut DB {
        &mut self.inner.ctx.journaled_state.database
    }

    /// Consumes the EVM, returning the database.
    pub fn into_db(self) -> DB {
        self.inner.ctx.journaled_state.database
    }

    /// Runs `tx` without committing; returns the result, the state changes
    /// and the Stylus trace.
    ///
    /// # Errors
    /// Invalid transactions and database errors.
    pub fn transact(&mut self, tx: TxEnv) -> Result<Execution, EVMError<DB::Error>> {
        self.inner.ctx.tx = tx;
        self.tx = TxState::default();
        self.frames.clear();
        let mut handler =
            MainnetHandler::<Self, EVMError<DB::Error>, EthFrame<EthInterpreter>>::default();
        let result = handler.run(self);
        self.tx
            .trace
            .errors
            .extend(self.inner.precompiles.take_errors());
        let state = self.inner.ctx.journal_mut().finalize();
        let trace = std::mem::take(&mut self.tx.trace);
        self.frames.clear();
        Ok(Execution {
            result: ResultAndState::new(result?, state),
            trace,
        })
    }

    fn add_pages(&mut self, pages: u16) -> (u16, u16) {
        let (open, ever) = (self.tx.open, self.tx.ever);
        self.tx.open = open.saturating_add(pages);
        self.tx.ever = self.tx.ever.max(self.tx.open);
        (open, ever)
    }

    /// Starts the Stylus frame at the top of the stack: checks the program,
    /// charges its call cost and instantiates it.
    fn start_stylus(&mut self, idx: usize) -> Result<Step, DbError<DB>> {
        let cfg = self.runtime.config.clone();
        let frame = self.inner.frame_stack.get();
        let ctx = &mut self.inner.ctx;
        let depth = frame.depth;
        let codehash = frame.interpreter.bytecode.get_or_calculate_hash();
        let code = frame.interpreter.bytecode.original_bytes();
        let time: u64 = ctx.block().timestamp().saturating_to();
        let program = match arbos::active_program(ctx, &cfg, &codehash, time)? {
            Ok(p) => p,
            Err(e) => {
                self.tx.trace.errors.push((depth, e.name()));
                return Ok(Step::Done(Outcome::Failure(format!("!{}", e.name()))));
            }
        };
        let starting_gas = frame.interpreter.gas.remaining();
        let (open, ever) = (self.tx.open, self.tx.ever);
        let p = &cfg.stylus;
        let mut cost = memory_gas(program.footprint, open, ever, p.free_pages, p.page_gas);
        // Recorded before the init gas is charged, as Nitro does: even an entry
        // that then runs out of gas leaves the program in the block's cache.
        let recent_hit =
            cfg.recent_programs_cache() && self.recent.insert(codehash, p.block_cache_size);
        if recent_hit {
            self.tx.trace.recent_cache_hits += 1;
        }
        let cached = program.cached || recent_hit;
        if cached || p.version > 1 {
            cost = cost.saturating_add(program.cached_gas(&cfg));
        }
        if !cached {
            cost = cost.saturating_add(program.init_gas(&cfg));
        }
        if !frame.interpreter.gas.record_regular_cost(cost) {
            return Ok(Step::Done(Outcome::OutOfInk));
        }
        let gas = frame.interpreter.gas.remaining();
        let input = &frame.interpreter.input;
        let args = Bytes::copy_from_slice(&input.input.as_bytes(ctx));
        let acting = input.target_address;
        let caller = input.caller_address;
        let call_value = input.call_value;
        let is_static = frame.interpreter.runtime_flag.is_static;
        let block = ctx.block();
        let evm_data = EvmData {
            arbos_version: cfg.arbos_version,
            block_basefee: B256::from(U256::from(block.basefee())),
            chainid: cfg.chain_id,
            block_coinbase: block.beneficiary(),
            block_gas_limit: block.gas_limit(),
            block_number: block.number().saturating_to(),
            block_timestamp: time,
            contract_address: acting,
            msg_sender: caller,
            msg_value: B256::from(call_value),
            tx_gas_price: B256::from(U256::from(
                ctx.tx().effective_gas_price(u128::from(block.basefee())),
            )),
            tx_origin: ctx.tx().caller(),
            reentrant: u32::from(self.tx.programs.get(&acting).copied().unwrap_or(0) > 1),
            read_only: is_static,
        };
        if !self.runtime.engine.is_cached(&codehash) {
            // Nitro's recompilation: the root's fragments are read without
            // limits or gas, and the rules are those of ArbOS version 0.
            let prepared = arbos::program_wasm(ctx, &cfg, &code, None)?
                .map_err(|e| e.to_string())
                .and_then(|wasm| arbos::recompile(&self.runtime.engine, &cfg, &wasm, codehash));
            if let Err(e) = prepared {
                self.tx
                    .trace
                    .errors
                    .push((depth, format!("recompilation failed: {e}")));
                return Ok(Step::Done(Outcome::Failure(e)));
            }
        }
        let state = HostState {
            args,
            evm_data,
            ink_price: u64::from(p.ink_price),
            debug: cfg.debug,
            recorder: self.tracing.then(Box::<HostioRecorder>::default),
            ..HostState::default()
        };
        let mut run = match self.runtime.engine.instantiate(&codehash, state) {
            Ok(r) => r,
            Err(e) => {
                self.tx
                    .trace
                    .errors
                    .push((depth, format!("instantiation failed: {e}")));
                return Ok(Step::Done(Outcome::Failure(e)));
            }
        };
        self.add_pages(program.footprint);
        self.tx.trace.programs_run += 1;
        let step = run.start(
            gas.saturating_mul(u64::from(p.ink_price)),
            p.max_stack_depth,
        );
        let sf = self.frames[idx].stylus.as_mut().expect("stylus frame");
        sf.run = Some(run);
        sf.starting_gas = starting_gas;
        sf.open_before = open;
        sf.acting = acting;
        sf.caller = caller;
        sf.call_value = call_value;
        sf.is_static = is_static;
        Ok(step)
    }

    /// Runs (or resumes) the Stylus frame at index `idx`.
    fn run_stylus(
        &mut self,
        idx: usize,
    ) -> Result<FrameInitOrResult<EthFrame<EthInterpreter>>, DbError<DB>> {
        let started = self.frames[idx]
            .stylus
            .as_ref()
            .is_some_and(|s| s.run.is_some());
        let mut step = if started {
            let sf = self.frames[idx].stylus.as_mut().expect("stylus frame");
            let resp = sf.resume.take().unwrap_or(Response::Gas(0));
            sf.run.as_mut().expect("run").resume(resp)
        } else {
            self.start_stylus(idx)?
        };
        loop {
            match step {
                Step::Done(outcome) => {
                    self.drain_hostios(idx);
                    return self.finish_stylus(idx, outcome);
                }
                Step::Request(req) => match req {
                    Request::Call { .. } | Request::Create { .. } => {
                        match self.begin_child(idx, req)? {
                            Ok(init) => {
                                self.drain_hostios(idx);
                                return Ok(ItemOrResult::Item(init));
                            }
                            Err(resp) => step = self.resume(idx, resp),
                        }
                    }
                    other => {
                        let resp = self.service(idx, other)?;
                        step = self.resume(idx, resp);
                    }
                },
            }
        }
    }

    /// Moves the hostio records of the Stylus frame at `idx` into the trace (before the
    /// frame suspends on a child or finishes, so they precede the child's events).
    fn drain_hostios(&mut self, idx: usize) {
        if !self.tracing {
            return;
        }
        let records = self.frames[idx]
            .stylus
            .as_mut()
            .and_then(|sf| sf.run.as_mut())
            .map(ProgramRun::take_hostios)
            .unwrap_or_default();
        self.tx
            .trace
            .events
            .extend(records.into_iter().map(TraceEvent::Hostio));
    }

    fn resume(&mut self, idx: usize, resp: Response) -> Step {
        let sf = self.frames[idx].stylus.as_mut().expect("stylus frame");
        sf.run.as_mut().expect("run").resume(resp)
    }

    /// Performs an EVM request of a Stylus frame (everything but calls/creates).
    fn service(&mut self, idx: usize, req: Request) -> Result<Response, DbError<DB>> {
        let sf = self.frames[idx].stylus.as_ref().expect("stylus frame");
        let (acting, is_static) = (sf.acting, sf.is_static);
        let ctx = &mut self.inner.ctx;
        let cold = |c: bool, warm: u64, cold: u64| if c { cold } else { warm };
        Ok(match req {
            Request::GetBytes32 { key, .. } => {
                let load = ctx
                    .journal_mut()
                    .sload(acting, U256::from_be_bytes(key.0))?;
                Response::Word {
                    value: B256::from(load.data),
                    gas: cold(load.is_cold, 100, 2100),
                }
            }
            Request::SetTrieSlots { gas_left, slots } => {
                if is_static {
                    return Ok(Response::Status {
                        status: ApiStatus::WriteProtection,
                        gas: 0,
                    });
                }
                let gp = ctx.cfg().gas_params().clone();
                let mut left = gas_left;
                let mut out_of_gas = false;
                let mut refund = 0i64;
                for (key, value) in slots {
                    let r = ctx.journal_mut().sstore(
                        acting,
                        U256::from_be_bytes(key.0),
                        U256::from_be_bytes(value.0),
                    )?;
                    let cost =
                        gp.sstore_static_gas() + gp.sstore_dynamic_gas(true, &r.data, r.is_cold);
                    if cost > left {
                        left = 0;
                        out_of_gas = true;
                        break;
                    }
                    left -= cost;
                    refund += gp.sstore_refund(true, &r.data);
                }
                let status = if out_of_gas || left == 0 {
                    if self.runtime.config.arbos_version < 50 {
                        ApiStatus::Failure
                    } else {
                        ApiStatus::OutOfGas
                    }
                } else {
                    let sf = self.frames[idx].stylus.as_mut().expect("stylus frame");
                    sf.refund += refund;
                    ApiStatus::Success
                };
                Response::Status {
                    status,
                    gas: gas_left - left,
                }
            }
            Request::GetTransient { key, .. } => {
                let v = ctx.journal_mut().tload(acting, U256::from_be_bytes(key.0));
                Response::Word {
                    value: B256::from(v),
                    gas: 0,
                }
            }
            Request::SetTransient { key, value } => {
                if is_static {
                    return Ok(Response::Status {
                        status: ApiStatus::WriteProtection,
                        gas: 0,
                    });
                }
                ctx.journal_mut().tstore(
                    acting,
                    U256::from_be_bytes(key.0),
                    U256::from_be_bytes(value.0),
                );
                Response::Status {
                    status: ApiStatus::Success,
                    gas: 0,
                }
            }
            Request::EmitLog { topics, data } => {
                if is_static {
                    return Ok(Response::Log(Err("write protection".into())));
                }
                ctx.journal_mut().log(Log {
                    address: acting,
                    data: LogData::new_unchecked(topics, data),
                });
                Response::Log(Ok(()))
            }
            Request::AccountBalance { address, .. } => {
                let acc = ctx.journal_mut().load_account(address)?;
                let gas = cold(acc.is_cold, 100, 2600);
                Response::Word {
                    value: B256::from(acc.data.info.balance),
                    gas,
                }
            }
            Request::AccountCode {
                address, gas_left, ..
            } => {
                let is_cold = ctx.journal_mut().load_account(address)?.is_cold;
                let gas = cold(is_cold, 100, 2600)
                    + 700 * (self.runtime.config.max_code_size as u64 / 24_576);
                if gas_left < gas {
                    Response::Code {
                        code: Bytes::new(),
                        gas,
                    }
                } else {
                    Response::Code {
                        code: ctx.journal_mut().code(address)?.data,
                        gas,
                    }
                }
            }
            Request::AccountCodeHash { address, .. } => {
                let h = ctx.journal_mut().code_hash(address)?;
                Response::Word {
                    value: h.data,
                    gas: cold(h.is_cold, 100, 2600),
                }
            }
            Request::AddPages { pages } => {
                let (open, ever) = self.add_pages(pages);
                let p = &self.runtime.config.stylus;
                Response::Gas(memory_gas(pages, open, ever, p.free_pages, p.page_gas))
            }
            Request::Call { .. } | Request::Create { .. } => Response::Gas(0),
        })
    }

    /// Prepares a child frame for a call/create request, or answers at once.
    fn begin_child(
        &mut self,
        idx: usize,
        req: Request,
    ) -> Result<Result<FrameInit, Response>, DbError<DB>> {
        let sf = self.frames[idx].stylus.as_ref().expect("stylus frame");
        let (acting, caller, call_value, is_static) =
            (sf.acting, sf.caller, sf.call_value, sf.is_static);
        let ctx = &mut self.inner.ctx;
        let frame = self.inner.frame_stack.get();
        let depth = frame.depth + 1;
        match req {
            Request::Call {
                kind,
                target,
                input,
                value,
                gas_left,
                gas_req,
                ..
            } => {
                let fail = |cost| {
                    Ok(Err(Response::Call {
                        status: 2,
                        ret: Bytes::new(),
                        cost,
                    }))
                };
                if is_static && kind == CallKind::Call && value != U256::ZERO {
                    return fail(0);
                }
                let acc = ctx.journal_mut().load_account_with_code(target)?;
                let is_cold = acc.is_cold;
                let is_empty = acc.data.is_empty();
                let code = acc.data.info.code.clone().unwrap_or_default();
                let code_hash = acc.data.info.code_hash;
                let mut base = if is_cold { 2600 } else { 100 };
                if value != U256::ZERO {
                    base += 9000;
                    if is_empty {
                        base += 25_000;
                    }
                }
                if gas_left < base {
                    return fail(gas_left);
                }
                let start_gas = (gas_left - base) * 63 / 64;
                let mut gas = start_gas.min(gas_req);
                if value != U256::ZERO {
                    gas = gas.saturating_add(2300);
                }
                let (caller_addr, target_addr, value, scheme, is_static_child) = match kind {
                    CallKind::Call => (
                        acting,
                        target,
                        CallValue::Transfer(value),
                        CallScheme::Call,
                        is_static,
                    ),
                    CallKind::Delegate => (
                        caller,
                        acting,
                        CallValue::Apparent(call_value),
                        CallScheme::DelegateCall,
                        is_static,
                    ),
                    CallKind::Static => (
                        acting,
                        target,
                        CallValue::Transfer(U256::ZERO),
                        CallScheme::StaticCall,
                        true,
                    ),
                };
                let inputs = CallInputs {
                    input: CallInput::Bytes(input),
                    return_memory_offset: 0..0,
                    gas_limit: gas,
                    reservoir: 0,
                    bytecode_address: target,
                    known_bytecode: (code_hash, code),
                    target_address: target_addr,
                    caller: caller_addr,
                    value,
                    scheme,
                    is_static: is_static_child,
                    charged_new_account_state_gas: false,
                };
                let sf = self.frames[idx].stylus.as_mut().expect("stylus frame");
                sf.waiting = Waiting::Call(PendingCall { base, gas });
                Ok(Ok(FrameInit {
                    depth,
                    memory: frame.interpreter.memory.new_child_context(),
                    frame_input: FrameInput::Call(Box::new(inputs)),
                }))
            }
            Request::Create {
                code,
                endowment,
                salt,
                gas,
                ..
            } => {
                if is_static {
                    return Ok(Err(Response::Create(Err("write protection".into()))));
                }
                let mut base = 32_000u64;
                if salt.is_some() {
                    base += 6 * (code.len() as u64).div_ceil(32);
                }
                if gas < base {
                    return Ok(Err(Response::Create(Err("out of gas".into()))));
                }
                let mut child_gas = gas - base;
                let one64th = child_gas / 64;
                child_gas -= one64th;
                let scheme = match salt {
                    Some(s) => revm::context_interface::CreateScheme::Create2 {
                        salt: U256::from_be_bytes(s.0),
                    },
                    None => revm::context_interface::CreateScheme::Create,
                };
                let inputs = CreateInputs::new(acting, scheme, endowment, code, child_gas, 0);
                let sf = self.frames[idx].stylus.as_mut().expect("stylus frame");
                sf.waiting = Waiting::Create(PendingCreate {
                    start_gas: gas,
                    one64th,
                });
                Ok(Ok(FrameInit {
                    depth,
                    memory: frame.interpreter.memory.new_child_context(),
                    frame_input: FrameInput::Create(Box::new(inputs)),
                }))
            }
            other => Ok(Err(Response::Log(Err(format!(
                "internal: {other:?} is not a child request"
            ))))),
        }
    }

    /// Ends the Stylus frame at `idx` with `outcome`, as Nitro maps outcomes.
    fn finish_stylus(
        &mut self,
        idx: usize,
        outcome: Outcome,
    ) -> Result<FrameInitOrResult<EthFrame<EthInterpreter>>, DbError<DB>> {
        let mut sf = self.frames[idx].stylus.take().expect("stylus frame");
        let price = u64::from(self.runtime.config.stylus.ink_price);
        let ink_left = sf.run.as_ref().map_or(0, ProgramRun::ink_left);
        if let Some(run) = sf.run.as_mut() {
            self.tx.trace.console.extend(run.take_console());
            self.tx.open = sf.open_before;
        }
        let frame = self.inner.frame_stack.get();
        let depth = frame.depth;
        let mut gas = frame.interpreter.gas;
        let mut gas_left = ink_left / price;
        let (result, output) = match outcome {
            Outcome::Success(out) => (InstructionResult::Return, out),
            Outcome::Revert(out) => (InstructionResult::Revert, out),
            Outcome::Failure(msg) => {
                if let Some(name) = msg.strip_prefix('!') {
                    // the program could not start (not activated, expired…): all gas is taken
                    let _ = name;
                    gas_left = 0;
                    (InstructionResult::NotActivated, Bytes::new())
                } else {
                    self.tx.trace.errors.push((depth, msg));
                    (InstructionResult::Revert, Bytes::new())
                }
            }
            Outcome::OutOfInk => {
                gas_left = 0;
                (InstructionResult::OutOfGas, Bytes::new())
            }
            Outcome::OutOfStack => {
                gas_left = 0;
                (InstructionResult::StackOverflow, Bytes::new())
            }
        };
        let mut result = result;
        if !output.is_empty() && sf.run.is_some() {
            let evm_cost = evm_memory_cost(output.len() as u64);
            if sf.starting_gas < evm_cost {
                gas_left = 0;
                result = InstructionResult::OutOfGas;
            } else {
                gas_left = gas_left.min(sf.starting_gas - evm_cost);
            }
        }
        if sf.run.is_none() {
            // never started: out of gas for the call cost, or not activated
            gas_left = 0;
        }
        let output = if result.is_ok_or_revert() {
            output
        } else {
            Bytes::new()
        };
        gas.set_remaining(gas_left.min(gas.remaining()));
        if result.is_ok() {
            gas.record_refund(sf.refund);
        }
        sf.run = None;
        let action = InterpreterAction::Return(InterpreterResult {
            result,
            output,
            gas,
        });
        let ctx = &mut self.inner.ctx;
        frame.process_next_action(ctx, action).inspect(|i| {
            if i.is_result() {
                frame.set_finished(true);
            }
        })
    }
}

impl<DB: Database> EvmTr for StylusEvm<DB> {
    type Context = StylusContext<DB>;
    type Instructions = EthInstructions<EthInterpreter, StylusContext<DB>>;
    type Precompiles = ArbPrecompiles;
    type Frame = EthFrame<EthInterpreter>;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: <Self::Frame as FrameTr>::FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<Self::Context>> {
        let counted = match &frame_input.frame_input {
            FrameInput::Call(c) => {
                (!matches!(c.scheme, CallScheme::DelegateCall | CallScheme::CallCode))
                    .then_some(c.target_address)
            }
            _ => None,
        };
        let enter = self
            .tracing
            .then(|| frame_enter(&self.inner.ctx, &frame_input));
        let (is_stylus, created) = match self.inner.frame_init(frame_input)? {
            ItemOrResult::Result(r) => {
                if let Some(enter) = enter {
                    let depth = enter.depth;
                    self.tx.trace.events.push(TraceEvent::Enter(enter));
                    self.tx
                        .trace
                        .events
                        .push(TraceEvent::Exit(frame_exit(depth, &r)));
                }
                return Ok(ItemOrResult::Result(r));
            }
            ItemOrResult::Item(frame) => {
                if let Some(mut enter) = enter {
                    if let FrameData::Create(c) = &frame.data {
                        enter.to = c.created_address;
                    }
                    self.tx.trace.events.push(TraceEvent::Enter(enter));
                }
                let created = match &frame.data {
                    FrameData::Create(c) => Some(c.created_address),
                    FrameData::Call(_) => None,
                };
                let stylus = created.is_none()
                    && runs_as_wasm(
                        frame.interpreter.bytecode.original_byte_slice(),
                        self.runtime.config.arbos_version,
                    );
                (stylus, created)
            }
        };
        let idx = self.inner.frame_stack.index().unwrap_or(0);
        if self.frames.len() <= idx {
            self.frames.resize_with(idx + 1, FrameMeta::default);
        }
        let counted = counted.or(created);
        if let Some(a) = counted {
            *self.tx.programs.entry(a).or_insert(0) += 1;
        }
        self.frames[idx] = FrameMeta {
            counted,
            stylus: is_stylus.then(|| {
                Box::new(StylusFrame {
                    run: None,
                    resume: None,
                    waiting: Waiting::None,
                    starting_gas: 0,
                    open_before: 0,
                    refund: 0,
                    acting: Address::ZERO,
                    caller: Address::ZERO,
                    call_value: U256::ZERO,
                    is_static: false,
                })
            }),
        };
        Ok(ItemOrResult::Item(self.inner.frame_stack.get()))
    }

    fn frame_run(
        &mut self,
    ) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<Self::Context>> {
        let idx = self.inner.frame_stack.index().unwrap_or(0);
        if self.frames.get(idx).is_some_and(|m| m.stylus.is_some()) {
            return self.run_stylus(idx);
        }
        let frame = self.inner.frame_stack.get();
        let ctx = &mut self.inner.ctx;
        let instructions = &mut self.inner.instruction;
        let mut action = frame.interpreter.run_plain(
            instructions.instruction_table(),
            instructions.gas_table(),
            ctx,
        );
        // EIP-3541 is waived only for Stylus components.
        if let (FrameData::Create(_), InterpreterAction::Return(res)) = (&frame.data, &mut action) {
            if res.result.is_ok()
                && res.output.first() == Some(&0xEF)
                && !is_stylus_component(&res.output)
            {
                res.result = InstructionResult::CreateContractStartingWithEF;
            }
        }
        frame.process_next_action(ctx, action).inspect(|i| {
            if i.is_result() {
                frame.set_finished(true);
            }
        })
    }

    fn frame_return_result(
        &mut self,
        result: <Self::Frame as FrameTr>::FrameResult,
    ) -> Result<Option<<Self::Frame as FrameTr>::FrameResult>, ContextDbError<Self::Context>> {
        if self.inner.frame_stack.get().is_finished() {
            if self.tracing {
                let depth = self.inner.frame_stack.get().depth;
                self.tx
                    .trace
                    .events
                    .push(TraceEvent::Exit(frame_exit(depth, &result)));
            }
            let idx = self.inner.frame_stack.index().unwrap_or(0);
            if let Some(meta) = self.frames.get_mut(idx) {
                if let Some(a) = meta.counted.take() {
                    if let Some(n) = self.tx.programs.get_mut(&a) {
                        *n = n.saturating_sub(1);
                    }
                }
                meta.stylus = None;
            }
            self.inner.frame_stack.pop();
        }
        let Some(parent) = self.inner.frame_stack.index() else {
            return Ok(Some(result));
        };
        let Some(sf) = self.frames.get_mut(parent).and_then(|m| m.stylus.as_mut()) else {
            let ctx = &mut self.inner.ctx;
            self.inner
                .frame_stack
                .get()
                .return_result::<_, ContextDbError<Self::Context>>(ctx, result)?;
            return Ok(None);
        };
        // hand the child's result to the suspended Stylus frame
        self.inner
            .frame_stack
            .get()
            .interpreter
            .memory
            .free_child_context();
        revm::context_interface::context::take_error::<ContextDbError<Self::Context>, _>(
            self.inner.ctx.error(),
        )?;
        let waiting = std::mem::replace(&mut sf.waiting, Waiting::None);
        let response = match (result, waiting) {
            (FrameResult::Call(outcome), Waiting::Call(p)) => {
                let r = *outcome.instruction_result();
                let returned = settle_child(r, &outcome.gas(), &mut sf.refund);
                let ret = outcome.result.output;
                let cost = p.base.saturating_add(p.gas.saturating_sub(returned));
                Response::Call {
                    status: if r.is_ok() { 0 } else { 2 },
                    ret,
                    cost,
                }
            }
            (FrameResult::Create(outcome), Waiting::Create(p)) => {
                let r = *outcome.instruction_result();
                let returned = settle_child(r, outcome.gas(), &mut sf.refund);
                let address = if r.is_ok() {
                    outcome.address.unwrap_or_default()
                } else {
                    Address::ZERO
                };
                let ret = if r == InstructionResult::Revert {
                    outcome.result.output
                } else {
                    Bytes::new()
                };
                let cost = p
                    .start_gas
                    .saturating_sub(returned.saturating_add(p.one64th));
                Response::Create(Ok((address, ret, cost)))
            }
            (_, _) => Response::Log(Err("internal: unexpected child result".into())),
        };
        sf.resume = Some(response);
        Ok(None)
    }
}

/// The gas a finished child frame gives back to its Stylus caller (what it
/// has left after a success or a revert, none after a halt); a success's
/// refund is added to `refund`.
fn settle_child(r: InstructionResult, gas: &Gas, refund: &mut i64) -> u64 {
    if r.is_ok() {
        *refund += gas.refunded();
    }
    if r.is_ok_or_revert() {
        gas.remaining()
    } else {
        0
    }
}

/// The trace event of a frame about to start.
fn frame_enter<DB: Database>(ctx: &StylusContext<DB>, init: &FrameInit) -> FrameEnter {
    match &init.frame_input {
        FrameInput::Call(c) => FrameEnter {
            depth: init.depth,
            kind: match c.scheme {
                CallScheme::Call => FrameKind::Call,
                CallScheme::CallCode => FrameKind::CallCode,
                CallScheme::DelegateCall => FrameKind::DelegateCall,
                CallScheme::StaticCall => FrameKind::StaticCall,
            },
            from: c.caller,
            to: c.bytecode_address,
            input: c.input.bytes(ctx),
            gas: c.gas_limit,
            value: c.value.get(),
        },
        FrameInput::Create(c) => FrameEnter {
            depth: init.depth,
            kind: match c.scheme() {
                revm::context_interface::CreateScheme::Create2 { .. } => FrameKind::Create2,
                _ => FrameKind::Create,
            },
            from: c.caller(),
            to: Address::ZERO,
            input: c.init_code().clone(),
            gas: c.gas_limit(),
            value: c.value(),
        },
        FrameInput::Empty => FrameEnter {
            depth: init.depth,
            kind: FrameKind::Call,
            from: Address::ZERO,
            to: Address::ZERO,
            input: Bytes::new(),
            gas: 0,
            value: U256::ZERO,
        },
    }
}

/// The trace event of a frame that ended with `result`.
fn frame_exit(depth: usize, result: &FrameResult) -> FrameExit {
    let gas = result.gas();
    FrameExit {
        depth,
        output: result.interpreter_result().output.clone(),
        gas_used: gas.limit().saturating_sub(gas.remaining()),
        result: result.instruction_result(),
    }
}

/// `SELFDESTRUCT` that reverts when the acting account is a Stylus program
/// (Nitro's `opSelfdestruct6780`): reachable through a `DELEGATECALL` from a
/// program into EVM code.
fn stylus_selfdestruct<DB: Database>(
    ctx: InstructionContext<'_, StylusContext<DB>, EthInterpreter>,
) -> InstructionExecResult {
    use revm::interpreter::interpreter_types::InputsTr;
    let acting = ctx.interpreter.input.target_address();
    match ctx.host.journal_mut().code(acting) {
        Ok(code) if is_stylus_program(&code.data) || arbos::is_stylus_root(&code.data) => {
            return Err(InstructionResult::Revert)
        }
        Ok(_) => {}
        Err(_) => return Err(InstructionResult::FatalExternalError),
    }
    revm::interpreter::instructions::host::selfdestruct(ctx)
}

/// Runs one transaction on `db` in `block` and returns the result, the
/// state changes (not committed) and the Stylus trace.
///
/// This is the lower-level entry point for block builders: commit
/// `execution.result.state` into the database yourself if the tx is included.
///
/// # Errors
/// Invalid transactions and database errors.
pub fn execute<DB: Database>(
    runtime: &Runtime,
    db: DB,
    block: BlockEnv,
    tx: TxEnv,
) -> Result<Execution, EVMError<DB::Error>> {
    StylusEvm::new(runtime, db, block).transact(tx)
}

/// [`execute_with_cfg`] for a transaction included in a block: `recent` is
/// the block's recent-programs cache (ArbOS 60+), updated by this
/// transaction. Clear it when the block is sealed; pass a fresh one for
/// simulations (`eth_call`), as Nitro does.
///
/// # Errors
/// Invalid transactions and database errors.
pub fn execute_in_block<DB: Database>(
    runtime: &Runtime,
    db: DB,
    block: BlockEnv,
    cfg: CfgEnv,
    tx: TxEnv,
    recent: &mut RecentPrograms,
) -> Result<Execution, EVMError<DB::Error>> {
    let mut evm = StylusEvm::with_cfg(runtime, db, block, cfg);
    evm.set_recent_programs(std::mem::take(recent));
    let out = evm.transact(tx);
    *recent = evm.take_recent_programs();
    out
}

/// [`execute`] with an explicit revm configuration (e.g. nonce/balance/base-fee
/// checks disabled for `eth_call`/`eth_estimateGas`).
///
/// # Errors
/// Invalid transactions and database errors.
pub fn execute_with_cfg<DB: Database>(
    runtime: &Runtime,
    db: DB,
    block: BlockEnv,
    cfg: CfgEnv,
    tx: TxEnv,
) -> Result<Execution, EVMError<DB::Error>> {
    StylusEvm::with_cfg(runtime, db, block, cfg).transact(tx)
}

/// [`execute_in_block`] with tracing on: the [`Execution`]'s trace carries the frames and
/// hostios ([`StylusTrace::events`]).
///
/// # Errors
/// Invalid transactions and database errors.
pub fn execute_traced<DB: Database>(
    runtime: &Runtime,
    db: DB,
    block: BlockEnv,
    cfg: CfgEnv,
    tx: TxEnv,
    recent: &mut RecentPrograms,
) -> Result<Execution, EVMError<DB::Error>> {
    let mut evm = StylusEvm::with_cfg(runtime, db, block, cfg);
    evm.set_tracing(true);
    evm.set_recent_programs(std::mem::take(recent));
    let out = evm.transact(tx);
    *recent = evm.take_recent_programs();
    out
}

#[allow(dead_code)]
fn _assert_send<DB: Database + Send>(e: StylusEvm<DB>) -> impl Send {
    e.frames.len()
}
