//! The WASM engine behind the [`ProgramRun`] trait: wasmi 2 with resumable
//! host calls.
//!
//! A program runs until it finishes or until a hostio needs the EVM; then the
//! wasmi invocation is kept (suspended) and the [`Request`] handed to the revm
//! glue, which resumes it later with the [`Response`]. Compiled modules are
//! cached by code hash.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use revm::primitives::{Bytes, B256};
use wasmi::{
    AsContext, Caller, CompilationMode, Config, Engine, Func, Global, Instance, Linker, Memory,
    Module, ResumableCall, ResumableCallHostTrap, Store, Val,
};

use crate::host::{
    complete, io, CallKind, CodeUse, Escape, EvmData, Guest, HostState, HostioRecord, MathOp,
    Request, Response, Resume,
};
use crate::instrument::{STYLUS_INK_LEFT, STYLUS_INK_STATUS, STYLUS_STACK_LEFT};

/// How a program run ended (Nitro's `UserOutcome`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Returned 0: the output.
    Success(Bytes),
    /// Returned non-zero (or `exit_early(non-zero)`): the output.
    Revert(Bytes),
    /// Trap or failed hostio: no data.
    Failure(String),
    /// Out of ink: all gas consumed.
    OutOfInk,
    /// Depth checker tripped: all gas consumed.
    OutOfStack,
}

/// One step of a program run.
#[derive(Debug)]
pub enum Step {
    /// The program finished.
    Done(Outcome),
    /// The program waits for the EVM.
    Request(Request),
}

/// A running program, engine-agnostic.
pub trait ProgramRun {
    /// Starts `user_entrypoint(args.len())` with `ink` and `stack` words.
    fn start(&mut self, ink: u64, stack: u32) -> Step;
    /// Resumes the pending hostio with the EVM's answer.
    fn resume(&mut self, response: Response) -> Step;
    /// Ink left (0 once exhausted).
    fn ink_left(&self) -> u64;
    /// Drains `console.*` output.
    fn take_console(&mut self) -> Vec<String>;
    /// Drains the hostio records made so far (empty unless the run is traced, i.e. its
    /// [`HostState::recorder`] is set).
    fn take_hostios(&mut self) -> Vec<HostioRecord>;
}

/// Store data of a wasmi program.
#[derive(Debug, Default)]
pub struct WasmiHost {
    state: HostState,
    memory: Option<Memory>,
    ink: Option<Global>,
    status: Option<Global>,
}

struct G<C>(C);

impl wasmi::errors::HostError for Escape {}

fn global_u64(g: Option<Global>, ctx: impl AsContext) -> u64 {
    match g.map(|g| g.get(ctx)) {
        Some(Val::I64(v)) => v as u64,
        Some(Val::I32(v)) => u64::from(v as u32),
        _ => 0,
    }
}

macro_rules! impl_guest {
    ($ty:ty) => {
        impl Guest for $ty {
            fn ink_raw(&self) -> u64 {
                global_u64(self.0.data().ink, &self.0)
            }
            fn set_ink_raw(&mut self, ink: u64) {
                if let Some(g) = self.0.data().ink {
                    let _ = g.set(&mut self.0, Val::I64(ink as i64));
                }
            }
            fn ink_status(&self) -> u32 {
                global_u64(self.0.data().status, &self.0) as u32
            }
            fn set_ink_status(&mut self, status: u32) {
                if let Some(g) = self.0.data().status {
                    let _ = g.set(&mut self.0, Val::I32(status as i32));
                }
            }
            fn read(&self, ptr: u32, len: u32) -> Result<Vec<u8>, Escape> {
                let mem = self
                    .0
                    .data()
                    .memory
                    .ok_or_else(|| Escape::Memory("no memory".into()))?;
                let data = mem.data(&self.0);
                let end = (ptr as usize)
                    .checked_add(len as usize)
                    .filter(|e| *e <= data.len());
                match end {
                    Some(end) => Ok(data[ptr as usize..end].to_vec()),
                    None => Err(Escape::Memory(format!("read {len} bytes at {ptr}"))),
                }
            }
            fn write(&mut self, ptr: u32, src: &[u8]) -> Result<(), Escape> {
                let mem = self
                    .0
                    .data()
                    .memory
                    .ok_or_else(|| Escape::Memory("no memory".into()))?;
                let data = mem.data_mut(&mut self.0);
                let end = (ptr as usize)
                    .checked_add(src.len())
                    .filter(|e| *e <= data.len());
                match end {
                    Some(end) => {
                        data[ptr as usize..end].copy_from_slice(src);
                        Ok(())
                    }
                    None => Err(Escape::Memory(format!(
                        "write {} bytes at {ptr}",
                        src.len()
                    ))),
                }
            }
            fn host(&mut self) -> &mut HostState {
                &mut self.0.data_mut().state
            }
            fn host_ref(&self) -> &HostState {
                &self.0.data().state
            }
        }
    };
}

impl_guest!(G<Caller<'_, WasmiHost>>);
impl_guest!(G<&mut Store<WasmiHost>>);

// SAFETY-free conversion helpers: wasm passes pointers and lengths as i32.
#[allow(clippy::cast_sign_loss)]
const fn u(x: i32) -> u32 {
    x as u32
}

fn wrap<T>(r: Result<T, Escape>) -> Result<T, wasmi::Error> {
    r.map_err(wasmi::Error::host)
}

type C<'a> = Caller<'a, WasmiHost>;

/// Reads one value of the call's [`EvmData`] (a hostio's answer).
type Pick<T> = fn(&EvmData) -> T;

#[allow(clippy::too_many_lines)]
fn build_linker(engine: &Engine) -> Result<Linker<WasmiHost>, wasmi::Error> {
    let mut l = Linker::<WasmiHost>::new(engine);
    let vm = "vm_hooks";
    l.func_wrap(vm, "read_args", |c: C<'_>, p: i32| {
        wrap(io::read_args(&mut G(c), u(p)))
    })?;
    l.func_wrap(vm, "write_result", |c: C<'_>, p: i32, n: i32| {
        wrap(io::write_result(&mut G(c), u(p), u(n)))
    })?;
    l.func_wrap(vm, "exit_early", |c: C<'_>, s: i32| {
        wrap(io::exit_early(&mut G(c), u(s)))
    })?;
    l.func_wrap(vm, "storage_load_bytes32", |c: C<'_>, k: i32, d: i32| {
        wrap(io::storage_load_bytes32(&mut G(c), u(k), u(d)))
    })?;
    l.func_wrap(vm, "storage_cache_bytes32", |c: C<'_>, k: i32, v: i32| {
        wrap(io::storage_cache_bytes32(&mut G(c), u(k), u(v)))
    })?;
    l.func_wrap(vm, "storage_flush_cache", |c: C<'_>, clear: i32| {
        wrap(io::storage_flush_cache(&mut G(c), u(clear)))
    })?;
    l.func_wrap(vm, "transient_load_bytes32", |c: C<'_>, k: i32, d: i32| {
        wrap(io::transient_load_bytes32(&mut G(c), u(k), u(d)))
    })?;
    l.func_wrap(vm, "transient_store_bytes32", |c: C<'_>, k: i32, v: i32| {
        wrap(io::transient_store_bytes32(&mut G(c), u(k), u(v)))
    })?;
    l.func_wrap(
        vm,
        "call_contract",
        |c: C<'_>, a: i32, d: i32, n: i32, v: i32, gas: i64, r: i32| {
            wrap(io::call(
                &mut G(c),
                CallKind::Call,
                u(a),
                u(d),
                u(n),
                Some(u(v)),
                gas as u64,
                u(r),
            ))
        },
    )?;
    for (name, kind) in [
        ("delegate_call_contract", CallKind::Delegate),
        ("static_call_contract", CallKind::Static),
    ] {
        l.func_wrap(
            vm,
            name,
            move |c: C<'_>, a: i32, d: i32, n: i32, gas: i64, r: i32| {
                wrap(io::call(
                    &mut G(c),
                    kind,
                    u(a),
                    u(d),
                    u(n),
                    None,
                    gas as u64,
                    u(r),
                ))
            },
        )?;
    }
    l.func_wrap(
        vm,
        "create1",
        |c: C<'_>, code: i32, n: i32, e: i32, addr: i32, r: i32| {
            wrap(io::create(
                &mut G(c),
                u(code),
                u(n),
                u(e),
                None,
                u(addr),
                u(r),
            ))
        },
    )?;
    l.func_wrap(
        vm,
        "create2",
        |c: C<'_>, code: i32, n: i32, e: i32, s: i32, addr: i32, r: i32| {
            wrap(io::create(
                &mut G(c),
                u(code),
                u(n),
                u(e),
                Some(u(s)),
                u(addr),
                u(r),
            ))
        },
    )?;
    l.func_wrap(
        vm,
        "read_return_data",
        |c: C<'_>, d: i32, o: i32, s: i32| wrap(io::read_return_data(&mut G(c), u(d), u(o), u(s))),
    )?;
    l.func_wrap(vm, "return_data_size", |c: C<'_>| {
        wrap(io::return_data_size(&mut G(c)))
    })?;
    l.func_wrap(vm, "emit_log", |c: C<'_>, d: i32, n: i32, t: i32| {
        wrap(io::emit_log(&mut G(c), u(d), u(n), u(t)))
    })?;
    l.func_wrap(vm, "account_balance", |c: C<'_>, a: i32, d: i32| {
        wrap(io::account_balance(&mut G(c), u(a), u(d)))
    })?;
    l.func_wrap(
        vm,
        "account_code",
        |c: C<'_>, a: i32, o: i32, s: i32, d: i32| {
            wrap(io::account_code(
                &mut G(c),
                u(a),
                CodeUse::Copy {
                    offset: u(o),
                    size: u(s),
                    dest: u(d),
                },
            ))
        },
    )?;
    l.func_wrap(vm, "account_code_size", |c: C<'_>, a: i32| {
        wrap(io::account_code(&mut G(c), u(a), CodeUse::Size))
    })?;
    l.func_wrap(vm, "account_codehash", |c: C<'_>, a: i32, d: i32| {
        wrap(io::account_codehash(&mut G(c), u(a), u(d)))
    })?;
    l.func_wrap(vm, "evm_gas_left", |c: C<'_>| {
        wrap(io::evm_gas_left(&mut G(c)))
    })?;
    l.func_wrap(vm, "evm_ink_left", |c: C<'_>| {
        wrap(io::evm_ink_left(&mut G(c)))
    })?;
    // the block, message and transaction values: one table of words, one
    // of integers
    let words: [(&str, Pick<Vec<u8>>); 7] = [
        ("block_basefee", |e| e.block_basefee.to_vec()),
        ("block_coinbase", |e| e.block_coinbase.to_vec()),
        ("contract_address", |e| e.contract_address.to_vec()),
        ("msg_sender", |e| e.msg_sender.to_vec()),
        ("msg_value", |e| e.msg_value.to_vec()),
        ("tx_origin", |e| e.tx_origin.to_vec()),
        ("tx_gas_price", |e| e.tx_gas_price.to_vec()),
    ];
    for (name, pick) in words {
        l.func_wrap(vm, name, move |c: C<'_>, d: i32| {
            wrap(io::write_word(&mut G(c), name, u(d), pick))
        })?;
    }
    let integers: [(&str, Pick<u64>); 4] = [
        ("block_gas_limit", |e| e.block_gas_limit),
        ("block_number", |e| e.block_number),
        ("block_timestamp", |e| e.block_timestamp),
        ("chainid", |e| e.chainid),
    ];
    for (name, pick) in integers {
        l.func_wrap(vm, name, move |c: C<'_>| {
            wrap(io::read_u64(&mut G(c), name, pick))
        })?;
    }
    l.func_wrap(vm, "tx_ink_price", |c: C<'_>| {
        wrap(io::tx_ink_price(&mut G(c)))
    })?;
    l.func_wrap(vm, "msg_reentrant", |c: C<'_>| {
        wrap(io::msg_reentrant(&mut G(c)))
    })?;
    for (name, op) in [
        ("math_div", MathOp::Div),
        ("math_mod", MathOp::Mod),
        ("math_pow", MathOp::Pow),
    ] {
        l.func_wrap(vm, name, move |c: C<'_>, a: i32, b: i32| {
            wrap(io::math(&mut G(c), op, u(a), u(b), 0))
        })?;
    }
    for (name, op) in [
        ("math_add_mod", MathOp::AddMod),
        ("math_mul_mod", MathOp::MulMod),
    ] {
        l.func_wrap(vm, name, move |c: C<'_>, a: i32, b: i32, m: i32| {
            wrap(io::math(&mut G(c), op, u(a), u(b), u(m)))
        })?;
    }
    l.func_wrap(
        vm,
        "native_keccak256",
        |c: C<'_>, p: i32, n: i32, o: i32| wrap(io::native_keccak256(&mut G(c), u(p), u(n), u(o))),
    )?;
    l.func_wrap(vm, "pay_for_memory_grow", |c: C<'_>, p: i32| {
        wrap(io::pay_for_memory_grow(&mut G(c), u(p)))
    })?;
    // debug-only imports (activation rejects them on non-debug chains)
    let con = "console";
    l.func_wrap(con, "log_txt", |c: C<'_>, p: i32, n: i32| {
        wrap(io::log_txt(&mut G(c), u(p), u(n)))
    })?;
    l.func_wrap(con, "log_i32", |c: C<'_>, v: i32| {
        io::log_value(&mut G(c), v.to_string())
    })?;
    l.func_wrap(con, "log_i64", |c: C<'_>, v: i64| {
        io::log_value(&mut G(c), v.to_string())
    })?;
    l.func_wrap(con, "log_f32", |c: C<'_>, v: f32| {
        io::log_value(&mut G(c), format!("{v:?}"))
    })?;
    l.func_wrap(con, "log_f64", |c: C<'_>, v: f64| {
        io::log_value(&mut G(c), format!("{v:?}"))
    })?;
    l.func_wrap(con, "tee_i32", |c: C<'_>, v: i32| {
        io::log_value(&mut G(c), v.to_string());
        v
    })?;
    l.func_wrap(con, "tee_i64", |c: C<'_>, v: i64| {
        io::log_value(&mut G(c), v.to_string());
        v
    })?;
    l.func_wrap(con, "tee_f32", |c: C<'_>, v: f32| {
        io::log_value(&mut G(c), format!("{v:?}"));
        v
    })?;
    l.func_wrap(con, "tee_f64", |c: C<'_>, v: f64| {
        io::log_value(&mut G(c), format!("{v:?}"));
        v
    })?;
    l.func_wrap("debug", "null_host", |_c: C<'_>| {})?;
    l.func_wrap("debug", "start_benchmark", |_c: C<'_>| {})?;
    l.func_wrap("debug", "end_benchmark", |_c: C<'_>| {})?;
    Ok(l)
}

/// Compiled programs and the engine that runs them; cheap to clone and share.
#[derive(Clone)]
pub struct WasmiEngine {
    engine: Engine,
    linker: Arc<Linker<WasmiHost>>,
    modules: Arc<Mutex<HashMap<B256, Module>>>,
}

impl std::fmt::Debug for WasmiEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmiEngine").finish_non_exhaustive()
    }
}

impl Default for WasmiEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl WasmiEngine {
    /// A new engine with Nitro's WASM feature set and deep recursion allowed.
    ///
    /// # Panics
    /// Never in practice: the host table is static and always links.
    #[must_use]
    pub fn new() -> Self {
        let mut config = Config::default();
        config
            .wasm_mutable_global(true)
            .wasm_sign_extension(true)
            .wasm_saturating_float_to_int(true)
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            .floats(true)
            .set_max_recursion_depth(1 << 20)
            .set_max_stack_height(1 << 24)
            .compilation_mode(CompilationMode::LazyTranslation);
        let engine = Engine::new(&config);
        // SAFETY: the linker only registers distinct names with fixed types.
        let linker = build_linker(&engine).expect("host functions link");
        Self {
            engine,
            linker: Arc::new(linker),
            modules: Arc::default(),
        }
    }

    /// Whether a module for `key` is cached.
    #[must_use]
    pub fn is_cached(&self, key: &B256) -> bool {
        self.modules.lock().is_ok_and(|m| m.contains_key(key))
    }

    /// Compiles an instrumented module and caches it under `key`.
    ///
    /// # Errors
    /// The engine's validation error (should not happen for instrumented modules).
    pub fn compile(&self, key: B256, instrumented: &[u8]) -> Result<(), String> {
        let module = Module::new(&self.engine, instrumented).map_err(|e| e.to_string())?;
        if let Ok(mut m) = self.modules.lock() {
            m.insert(key, module);
        }
        Ok(())
    }

    /// Instantiates the cached module `key` for one call.
    ///
    /// # Errors
    /// When the module is not cached or fails to instantiate.
    pub fn instantiate(&self, key: &B256, state: HostState) -> Result<WasmiRun, String> {
        let module = self
            .modules
            .lock()
            .map_err(|_| "module cache poisoned".to_string())?
            .get(key)
            .cloned()
            .ok_or("module not compiled")?;
        let mut store = Store::new(
            &self.engine,
            WasmiHost {
                state,
                ..WasmiHost::default()
            },
        );
        let instance: Instance = self
            .linker
            .instantiate_and_start(&mut store, &module)
            .map_err(|e| e.to_string())?;
        let memory = instance.get_memory(&store, "memory");
        let ink = instance.get_global(&store, STYLUS_INK_LEFT);
        let status = instance.get_global(&store, STYLUS_INK_STATUS);
        let stack = instance
            .get_global(&store, STYLUS_STACK_LEFT)
            .ok_or("missing stack global")?;
        let entry = instance
            .get_func(&store, crate::instrument::ENTRY_POINT)
            .ok_or("missing entry point")?;
        let data = store.data_mut();
        data.memory = memory;
        data.ink = ink;
        data.status = status;
        Ok(WasmiRun {
            store,
            entry,
            stack,
            invocation: None,
            pending: None,
        })
    }
}

/// A wasmi program run (one Stylus call frame).
pub struct WasmiRun {
    store: Store<WasmiHost>,
    entry: Func,
    stack: Global,
    invocation: Option<ResumableCallHostTrap>,
    pending: Option<Request>,
}

impl std::fmt::Debug for WasmiRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmiRun")
            .field("pending", &self.pending)
            .finish_non_exhaustive()
    }
}

impl WasmiRun {
    /// Records `user_returned(status)` when traced (a normal return or `exit_early`).
    fn returned(&mut self, status: u32) {
        if let Some(r) = self.store.data_mut().state.recorder.as_mut() {
            r.returned(status);
        }
    }

    fn escape_outcome(&mut self, escape: Escape) -> Outcome {
        if let Escape::Exit(status) = escape {
            self.returned(status);
        }
        let outs = self.store.data().state.outs.clone();
        match escape {
            Escape::Exit(0) => Outcome::Success(outs),
            Escape::Exit(_) => Outcome::Revert(outs),
            Escape::OutOfInk => Outcome::OutOfInk,
            Escape::Memory(m) | Escape::Logical(m) => Outcome::Failure(m),
            Escape::Suspend => Outcome::Failure("suspended without a request".into()),
        }
    }

    fn handle(&mut self, result: Result<ResumableCall, wasmi::Error>, out: &[Val]) -> Step {
        match result {
            Ok(ResumableCall::Finished) => {
                let status = match out.first() {
                    Some(Val::I32(s)) => *s,
                    _ => 1,
                };
                self.returned(status as u32);
                let outs = self.store.data().state.outs.clone();
                Step::Done(if status == 0 {
                    Outcome::Success(outs)
                } else {
                    Outcome::Revert(outs)
                })
            }
            Ok(ResumableCall::HostTrap(inv)) => {
                let escape = inv.host_error().downcast_ref::<Escape>().cloned();
                match escape {
                    Some(Escape::Suspend) => match self.store.data_mut().state.request.take() {
                        Some(req) => {
                            self.invocation = Some(inv);
                            self.pending = Some(req.clone());
                            Step::Request(req)
                        }
                        None => Step::Done(Outcome::Failure("suspended without a request".into())),
                    },
                    Some(e) => Step::Done(self.escape_outcome(e)),
                    None => Step::Done(Outcome::Failure(inv.host_error().to_string())),
                }
            }
            Ok(ResumableCall::OutOfFuel(_)) => Step::Done(Outcome::Failure("out of fuel".into())),
            Err(e) => {
                if global_u64(Some(self.stack), &self.store) == 0 {
                    return Step::Done(Outcome::OutOfStack);
                }
                if global_u64(self.store.data().status, &self.store) != 0 {
                    return Step::Done(Outcome::OutOfInk);
                }
                if let Some(escape) = e.downcast_ref::<Escape>() {
                    let escape = escape.clone();
                    return Step::Done(self.escape_outcome(escape));
                }
                if matches!(e.as_trap_code(), Some(wasmi::TrapCode::StackOverflow)) {
                    return Step::Done(Outcome::OutOfStack);
                }
                Step::Done(Outcome::Failure(e.to_string()))
            }
        }
    }
}

impl ProgramRun for WasmiRun {
    fn start(&mut self, ink: u64, stack: u32) -> Step {
        let mut g = G(&mut self.store);
        g.set_ink_raw(ink);
        g.set_ink_status(0);
        let _ = self.stack.set(&mut self.store, Val::I32(stack as i32));
        let len = self.store.data().state.args.len() as i32;
        if let Some(r) = self.store.data_mut().state.recorder.as_mut() {
            r.enter(len as u32, ink);
        }
        let mut out = [Val::I32(0)];
        let result = self
            .entry
            .call_resumable(&mut self.store, &[Val::I32(len)], &mut out);
        self.handle(result, &out)
    }

    fn resume(&mut self, response: Response) -> Step {
        let (Some(req), Some(inv)) = (self.pending.take(), self.invocation.take()) else {
            return Step::Done(Outcome::Failure("nothing to resume".into()));
        };
        let resume = complete(&mut G(&mut self.store), req, response);
        let mut out = [Val::I32(0)];
        let result = match resume {
            Err(escape) => {
                drop(inv);
                return Step::Done(self.escape_outcome(escape));
            }
            Ok(Resume::Unit) => inv.resume(&mut self.store, &[], &mut out),
            Ok(Resume::I32(v)) => inv.resume(&mut self.store, &[Val::I32(v)], &mut out),
        };
        self.handle(result, &out)
    }

    fn ink_left(&self) -> u64 {
        if global_u64(self.store.data().status, &self.store) != 0 {
            return 0;
        }
        global_u64(self.store.data().ink, &self.store)
    }

    fn take_console(&mut self) -> Vec<String> {
        std::mem::take(&mut self.store.data_mut().state.console)
    }

    fn take_hostios(&mut self) -> Vec<HostioRecord> {
        self.store
            .data_mut()
            .state
            .recorder
            .as_mut()
            .map(|r| r.take())
            .unwrap_or_default()
    }
}
