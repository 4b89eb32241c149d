//! Rewrites a user WASM module the way Nitro instruments it at activation
//! (wasmparser → wasm-encoder), so that any engine meters exactly like Nitro.
//!
//! Passes, in Nitro's order (`binary.rs::instrument`):
//! 1. **start mover**: a start function is rejected, or in debug mode exported
//!    as `stylus_start`; outside debug mode exports are cut to the whitelist.
//! 2. **ink meter**: before each basic block, check and deduct the block's ink
//!    (`pricing_v1` + the 2450 header) from global `stylus_ink_left`; on
//!    shortage set `stylus_ink_status = 1` and trap.
//! 3. **dynamic meter**: `memory.copy` / `memory.fill` pay 100 ink per byte.
//! 4. **depth checker**: each function charges its worst-case frame
//!    (locals + operand stack + 4, measured on the metered code) against
//!    `stylus_stack_left`, trapping with it set to 0 when short.
//! 5. **heap bound**: `pay_for_memory_grow(pages)` is called before every
//!    `memory.grow` when the memory can grow.
//!
//! It also computes the activation-time predictions (init cost, cached init
//! cost, asm estimate, footprint) and the compile gas, from the same inputs
//! Nitro uses.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{BlockType, ExternalKind, Operator, Parser, Payload, TypeRef, ValType};

use crate::pricing::{ends_basic_block, opcode_ink, us_to_gas, INK_HEADER_COST, MEMORY_BYTE_INK};

/// Export name of the ink global.
pub const STYLUS_INK_LEFT: &str = "stylus_ink_left";
/// Export name of the ink status global (non-zero once out of ink).
pub const STYLUS_INK_STATUS: &str = "stylus_ink_status";
/// Export name of the scratch global shared by the passes.
pub const STYLUS_SCRATCH: &str = "stylus_scratch_global";
/// Export name of the stack-space global of the depth checker.
pub const STYLUS_STACK_LEFT: &str = "stylus_stack_left";
/// The program entry point.
pub const ENTRY_POINT: &str = "user_entrypoint";
/// Where a debug-mode start function is moved.
pub const STYLUS_START: &str = "stylus_start";

/// Largest frame (words) a function may need (`max_frame_size`).
pub const MAX_FRAME_SIZE: u32 = 10 * 1024;
/// Most values alive at once on a function's operand stack.
pub const MAX_FRAME_CONTENTION: u32 = 4096;
/// Most opcodes in one instrumented body.
pub const MAX_OPCODES_PER_BODY: usize = 65_536;

/// Knobs of the instrumentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstrumentConfig {
    /// Debug chains move the start function and keep every export.
    pub debug: bool,
    /// Pages the module's initial memory may use (`PageLimit` minus open pages).
    pub page_limit: u16,
    /// Stylus version (cached cost folds into init cost only in version 1).
    pub stylus_version: u16,
    /// ArbOS version of the activation (wasm bytes are charged from ArbOS 32).
    pub arbos_version: u64,
}

impl Default for InstrumentConfig {
    fn default() -> Self {
        Self {
            debug: false,
            page_limit: 128,
            stylus_version: 2,
            arbos_version: crate::config::DEFAULT_ARBOS_VERSION,
        }
    }
}

/// Costs predicted at activation and stored in the program record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgramCosts {
    /// `initCost` (gas, before the 8832 minimum).
    pub init_cost: u16,
    /// `cachedCost` (gas, before the 352 minimum).
    pub cached_init_cost: u16,
    /// Predicted native code size in bytes (drives the data fee).
    pub asm_estimate: u32,
    /// Initial memory pages.
    pub footprint: u16,
    /// Gas charged for compiling at activation (`us_to_gas` of the unit costs).
    pub compile_gas: u64,
}

/// An instrumented module and its predicted costs.
#[derive(Debug, Clone)]
pub struct Instrumented {
    /// The rewritten binary, ready for any engine.
    pub wasm: Vec<u8>,
    /// Costs stored at activation.
    pub costs: ProgramCosts,
}

/// Why a module cannot be instrumented (activation fails).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("instrumentation failed: {0}")]
pub struct InstrumentError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, InstrumentError> {
    Err(InstrumentError(msg.into()))
}

impl From<wasmparser::BinaryReaderError> for InstrumentError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        Self(format!("{} (at offset {})", e.message(), e.offset()))
    }
}

#[derive(Clone, Copy)]
struct Sig {
    params: u32,
    results: u32,
}

struct Globals {
    ink: u32,
    status: u32,
    scratch: u32,
    stack: u32,
}

/// Instruments `wasm` (already validated against the activation rules).
///
/// # Errors
/// [`InstrumentError`] for anything Nitro's instrumentation rejects: a start
/// function outside debug mode, unsupported opcodes (`memory.init`, tables,
/// reference types…), frames over the limits, a growable memory without
/// `vm_hooks.pay_for_memory_grow`, too many pages, a missing entry point.
pub fn instrument(wasm: &[u8], cfg: &InstrumentConfig) -> Result<Instrumented, InstrumentError> {
    let mut types: Vec<Sig> = Vec::new();
    let mut func_sigs: Vec<u32> = Vec::new(); // type index of every function (imports first)
    let mut imported_funcs = 0u32;
    let mut pay_func: Option<u32> = None;
    let mut memory: Option<(u64, Option<u64>)> = None;
    let mut memories = 0;
    let mut global_count = 0u32;
    let mut global_section = wasm_encoder::GlobalSection::new();
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut start: Option<u32> = None;
    let mut raw_before_globals: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut raw_after_start: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut raw_after_code: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut bodies: Vec<wasmparser::FunctionBody<'_>> = Vec::new();
    let mut data_bytes = 0u64;
    let mut elem_entries = 0u64;
    let mut reencoder = RoundtripReencoder;

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let raw = |p: &Payload<'_>| {
            p.as_section().map(|(id, r)| {
                // SAFETY-free: ranges come from the parser over `wasm`.
                (id, wasm[r.start as usize..r.end as usize].to_vec())
            })
        };
        match &payload {
            Payload::TypeSection(reader) => {
                for ty in reader.clone().into_iter_err_on_gc_types() {
                    let ty = ty?;
                    types.push(Sig {
                        params: ty.params().len() as u32,
                        results: ty.results().len() as u32,
                    });
                }
                raw_before_globals.extend(raw(&payload));
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import?;
                    match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            if import.module == "vm_hooks" && import.name == "pay_for_memory_grow" {
                                pay_func = Some(imported_funcs);
                            }
                            func_sigs.push(t);
                            imported_funcs += 1;
                        }
                        _ => {
                            return err(format!(
                                "import {}.{} is not a function",
                                import.module, import.name
                            ))
                        }
                    }
                }
                raw_before_globals.extend(raw(&payload));
            }
            Payload::FunctionSection(reader) => {
                for t in reader.clone() {
                    func_sigs.push(t?);
                }
                raw_before_globals.extend(raw(&payload));
            }
            Payload::TableSection(_) | Payload::TagSection(_) => {
                raw_before_globals.extend(raw(&payload))
            }
            Payload::MemorySection(reader) => {
                for mem in reader.clone() {
                    let mem = mem?;
                    memories += 1;
                    memory = Some((mem.initial, mem.maximum));
                }
                raw_before_globals.extend(raw(&payload));
            }
            Payload::GlobalSection(reader) => {
                global_count = reader.count();
                reencoder
                    .parse_global_section(&mut global_section, reader.clone())
                    .map_err(|e| InstrumentError(format!("globals: {e}")))?;
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export?;
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            Payload::StartSection { func, .. } => start = Some(*func),
            Payload::ElementSection(reader) => {
                for elem in reader.clone() {
                    let elem = elem?;
                    elem_entries += u64::from(match elem.items {
                        wasmparser::ElementItems::Functions(f) => f.count(),
                        wasmparser::ElementItems::Expressions(_, e) => e.count(),
                    });
                }
                raw_after_start.extend(raw(&payload));
            }
            Payload::DataCountSection { .. } => raw_after_start.extend(raw(&payload)),
            Payload::DataSection(reader) => {
                for data in reader.clone() {
                    data_bytes += data?.data.len() as u64;
                }
                raw_after_code.extend(raw(&payload));
            }
            Payload::CodeSectionEntry(body) => bodies.push(body.clone()),
            Payload::Version { .. }
            | Payload::CodeSectionStart { .. }
            | Payload::CustomSection(_)
            | Payload::End(_) => {}
            other => {
                return err(format!(
                    "unsupported section {:?}",
                    other.as_section().map(|s| s.0)
                ))
            }
        }
    }

    // --- start mover ---
    if start.is_some() && !cfg.debug {
        return err("start functions not allowed");
    }
    if let Some(f) = start {
        exports.push((STYLUS_START.into(), ExternalKind::Func, f));
    }
    if !cfg.debug {
        exports.retain(|(name, kind, _)| {
            matches!(
                (name.as_str(), kind),
                (ENTRY_POINT | STYLUS_START, ExternalKind::Func) | ("memory", ExternalKind::Memory)
            )
        });
    }

    // --- memory ---
    if memories > 1 {
        return err("too many memories");
    }
    let Some((initial, maximum)) = memory else {
        return err("missing memory with export name \"memory\"");
    };
    if initial > u64::from(cfg.page_limit) {
        return err(format!(
            "memory exceeds limit: {initial} > {}",
            cfg.page_limit
        ));
    }
    let growable = maximum != Some(initial);
    if growable && pay_func.is_none() {
        return err("missing import vm_hooks.pay_for_memory_grow for a growable memory");
    }
    if let Some(p) = pay_func {
        let sig = types.get(func_sigs[p as usize] as usize).copied();
        if !matches!(
            sig,
            Some(Sig {
                params: 1,
                results: 0
            })
        ) {
            return err("wrong type for pay_for_memory_grow");
        }
    }
    let heap_pay = if growable { pay_func } else { None };

    // --- entry point ---
    let entry = exports
        .iter()
        .find(|(n, k, _)| n == ENTRY_POINT && *k == ExternalKind::Func)
        .map(|e| e.2);
    let Some(entry) = entry else {
        return err("missing export with name user_entrypoint");
    };
    if !matches!(
        func_sigs
            .get(entry as usize)
            .and_then(|t| types.get(*t as usize)),
        Some(Sig {
            params: 1,
            results: 1
        })
    ) {
        return err("wrong type for user_entrypoint");
    }
    if !exports
        .iter()
        .any(|(n, k, _)| n == "memory" && *k == ExternalKind::Memory)
    {
        return err("missing memory with export name \"memory\"");
    }

    // --- globals added by the passes, in Nitro's order ---
    let g = Globals {
        ink: global_count,
        status: global_count + 1,
        scratch: global_count + 2,
        stack: global_count + 3,
    };
    let mutable = |ty| wasm_encoder::GlobalType {
        val_type: ty,
        mutable: true,
        shared: false,
    };
    global_section.global(
        mutable(wasm_encoder::ValType::I64),
        &wasm_encoder::ConstExpr::i64_const(0),
    );
    for _ in 0..3 {
        global_section.global(
            mutable(wasm_encoder::ValType::I32),
            &wasm_encoder::ConstExpr::i32_const(0),
        );
    }
    for (name, idx) in [
        (STYLUS_INK_LEFT, g.ink),
        (STYLUS_INK_STATUS, g.status),
        (STYLUS_SCRATCH, g.scratch),
        (STYLUS_STACK_LEFT, g.stack),
    ] {
        if exports.iter().any(|(n, _, _)| n == name) {
            return err(format!("export {name} already exists"));
        }
        exports.push((name.into(), ExternalKind::Global, idx));
    }

    // --- code ---
    let sig_of_type = |t: u32| types.get(t as usize).copied();
    let mut code = wasm_encoder::CodeSection::new();
    let mut instrumented_ops = 0u64;
    for (i, body) in bodies.iter().enumerate() {
        let mut locals = Vec::new();
        let mut local_count = 0u64;
        for local in body.get_locals_reader()? {
            let (n, ty) = local?;
            local_count += u64::from(n);
            locals.push((n, ty));
        }
        if local_count > 348 {
            return err(format!("too many wasm locals: {local_count} > 348"));
        }
        let mut reader = body.get_operators_reader()?;
        let mut ops = Vec::new();
        while !reader.eof() {
            ops.push(reader.read()?);
        }
        let metered = meter(ops, &g, |t| {
            sig_of_type(t).map_or(0, |s| u64::from(s.params))
        });
        let dynamic = dynamic_meter(metered, &g)?;
        let func_sig = |f: u32| func_sigs.get(f as usize).and_then(|t| sig_of_type(*t));
        let depth = depth_check(dynamic, local_count, &g, func_sig, sig_of_type)
            .map_err(|e| InstrumentError(format!("func {}: {e}", i as u32 + imported_funcs)))?;
        let done = heap_bound(depth, &g, heap_pay);
        if done.len() > MAX_OPCODES_PER_BODY {
            return err(format!(
                "too many opcodes in func body: {} > {MAX_OPCODES_PER_BODY}",
                done.len()
            ));
        }
        instrumented_ops += done.len() as u64;
        let mut func = wasm_encoder::Function::new(
            locals
                .iter()
                .map(|(n, t)| Ok::<_, InstrumentError>((*n, val_type(*t)?)))
                .collect::<Result<Vec<_>, _>>()?,
        );
        for op in done {
            let ins = reencoder
                .instruction(op)
                .map_err(|e| InstrumentError(format!("encode: {e}")))?;
            func.instruction(&ins);
        }
        code.function(&func);
    }

    // --- assemble ---
    let mut module = wasm_encoder::Module::new();
    for (id, data) in &raw_before_globals {
        module.section(&wasm_encoder::RawSection { id: *id, data });
    }
    module.section(&global_section);
    let mut export_section = wasm_encoder::ExportSection::new();
    for (name, kind, idx) in &exports {
        let kind = match kind {
            ExternalKind::Func | ExternalKind::FuncExact => wasm_encoder::ExportKind::Func,
            ExternalKind::Table => wasm_encoder::ExportKind::Table,
            ExternalKind::Memory => wasm_encoder::ExportKind::Memory,
            ExternalKind::Global => wasm_encoder::ExportKind::Global,
            ExternalKind::Tag => wasm_encoder::ExportKind::Tag,
        };
        export_section.export(name, kind, *idx);
    }
    module.section(&export_section);
    for (id, data) in &raw_after_start {
        module.section(&wasm_encoder::RawSection { id: *id, data });
    }
    if !bodies.is_empty() {
        module.section(&code);
    }
    for (id, data) in &raw_after_code {
        module.section(&wasm_encoder::RawSection { id: *id, data });
    }

    // --- cost predictions (binary.rs) ---
    let funcs = bodies.len() as u64;
    let globals = u64::from(global_count) + 4;
    let wasm_len = wasm.len() as u64;
    let footprint =
        u16::try_from(initial).map_err(|_| InstrumentError("memory too large".into()))?;
    let type_len: u64 = func_sigs[imported_funcs as usize..]
        .iter()
        .filter_map(|t| sig_of_type(*t))
        .map(|s| u64::from(s.params + s.results))
        .sum();
    let data_len = data_bytes + elem_entries;
    let asm_estimate = 512_000u64
        .saturating_add(funcs.saturating_mul(996_829) / 1000)
        .saturating_add(type_len.saturating_mul(11_416) / 1000)
        .saturating_add(wasm_len.saturating_mul(62_628) / 10_000);
    let cached_init = (funcs.saturating_mul(13_420) / 100_000)
        .saturating_add(type_len.saturating_mul(89) / 100_000)
        .saturating_add(wasm_len.saturating_mul(122) / 100_000)
        .saturating_add(globals.saturating_mul(1628) / 1000)
        .saturating_add(data_len.saturating_mul(75_244) / 100_000)
        .saturating_add(u64::from(footprint) * 5);
    let mut init = if cfg.stylus_version == 1 {
        cached_init
    } else {
        0
    };
    init = init
        .saturating_add(funcs.saturating_mul(8252) / 1000)
        .saturating_add(type_len.saturating_mul(1059) / 1000)
        .saturating_add(wasm_len.saturating_mul(1286) / 10_000);

    // --- compile gas (programs/mod.rs::activate), each unit rounded on its own ---
    let mut compile_gas = 0u64;
    if cfg.arbos_version >= 32 {
        compile_gas += us_to_gas(wasm_len.saturating_mul(31_733) / 100_000);
    }
    compile_gas += us_to_gas(funcs.saturating_mul(17_263) / 100_000);
    compile_gas += us_to_gas(data_bytes.saturating_mul(17_376) / 100_000);
    compile_gas += us_to_gas(elem_entries.saturating_mul(17_376) / 100_000);
    compile_gas += us_to_gas(initial.saturating_mul(2217));
    compile_gas += us_to_gas(instrumented_ops.saturating_mul(535) / 1000);

    let to16 = |v: u64, what: &str| {
        u16::try_from(v).map_err(|_| InstrumentError(format!("{what} too high")))
    };
    Ok(Instrumented {
        wasm: module.finish(),
        costs: ProgramCosts {
            init_cost: to16(init, "init cost")?,
            cached_init_cost: to16(cached_init, "cached cost")?,
            asm_estimate: u32::try_from(asm_estimate)
                .map_err(|_| InstrumentError("asm estimate too large".into()))?,
            footprint,
            compile_gas,
        },
    })
}

fn val_type(t: ValType) -> Result<wasm_encoder::ValType, InstrumentError> {
    Ok(match t {
        ValType::I32 => wasm_encoder::ValType::I32,
        ValType::I64 => wasm_encoder::ValType::I64,
        ValType::F32 => wasm_encoder::ValType::F32,
        ValType::F64 => wasm_encoder::ValType::F64,
        other => return err(format!("unsupported local type {other:?}")),
    })
}

/// Ink meter: a check-and-deduct header in front of every basic block.
fn meter<'a>(
    ops: Vec<Operator<'a>>,
    g: &Globals,
    sig_params: impl Fn(u32) -> u64,
) -> Vec<Operator<'a>> {
    let mut out = Vec::with_capacity(ops.len() * 2);
    let mut block = Vec::new();
    let mut cost = 0u64;
    for op in ops {
        cost = cost.saturating_add(opcode_ink(&op, &sig_params));
        let end = ends_basic_block(&op);
        block.push(op);
        if end {
            let total = cost.saturating_add(INK_HEADER_COST) as i64; // u64::MAX → -1: always short
            out.extend([
                Operator::GlobalGet {
                    global_index: g.ink,
                },
                Operator::I64Const { value: total },
                Operator::I64LtU,
            ]);
            out.extend(trap_if(g.status, 1));
            out.extend([
                Operator::GlobalGet {
                    global_index: g.ink,
                },
                Operator::I64Const { value: total },
                Operator::I64Sub,
                Operator::GlobalSet {
                    global_index: g.ink,
                },
            ]);
            out.append(&mut block);
            cost = 0;
        }
    }
    out.append(&mut block);
    out
}

/// When the comparison just pushed holds: set `global` to `value` and trap
/// (out of ink: the status global to 1; stack exhausted: the stack global
/// to 0).
fn trap_if<'a>(global: u32, value: i32) -> [Operator<'a>; 5] {
    [
        Operator::If {
            blockty: BlockType::Empty,
        },
        Operator::I32Const { value },
        Operator::GlobalSet {
            global_index: global,
        },
        Operator::Unreachable,
        Operator::End,
    ]
}

/// Dynamic meter: `memory.copy`/`memory.fill` pay per byte before running.
fn dynamic_meter<'a>(
    ops: Vec<Operator<'a>>,
    g: &Globals,
) -> Result<Vec<Operator<'a>>, InstrumentError> {
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } => {
                out.extend([
                    Operator::GlobalSet {
                        global_index: g.scratch,
                    },
                    Operator::GlobalGet {
                        global_index: g.ink,
                    },
                    Operator::GlobalGet {
                        global_index: g.ink,
                    },
                    Operator::GlobalGet {
                        global_index: g.scratch,
                    },
                    Operator::I64ExtendI32U,
                    Operator::I64Const {
                        value: MEMORY_BYTE_INK as i64,
                    },
                    Operator::I64Mul,
                    Operator::I64Sub,
                    Operator::GlobalSet {
                        global_index: g.ink,
                    },
                    Operator::GlobalGet {
                        global_index: g.ink,
                    },
                    Operator::I64LtU,
                ]);
                out.extend(trap_if(g.status, 1));
                out.push(Operator::GlobalGet {
                    global_index: g.scratch,
                });
            }
            Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::ElemDrop { .. }
            | Operator::TableInit { .. }
            | Operator::TableCopy { .. }
            | Operator::TableFill { .. }
            | Operator::TableGet { .. }
            | Operator::TableSet { .. }
            | Operator::TableGrow { .. }
            | Operator::TableSize { .. } => return err(format!("opcode not supported: {op:?}")),
            _ => {}
        }
        out.push(op);
    }
    Ok(out)
}

/// Depth checker: prologue charging the frame, reclaim before every return.
fn depth_check<'a>(
    mut ops: Vec<Operator<'a>>,
    locals: u64,
    g: &Globals,
    func_sig: impl Fn(u32) -> Option<Sig>,
    type_sig: impl Fn(u32) -> Option<Sig>,
) -> Result<Vec<Operator<'a>>, String> {
    let worst = worst_case_depth(&ops, &func_sig, &type_sig)?;
    if worst > u64::from(MAX_FRAME_CONTENTION) {
        return Err(format!(
            "too many values on the stack at once: {worst} > {MAX_FRAME_CONTENTION}"
        ));
    }
    let size = worst + locals + 4;
    if size > u64::from(MAX_FRAME_SIZE) {
        return Err(format!(
            "frame too large: {size} > {MAX_FRAME_SIZE}-word limit"
        ));
    }
    let size = size as i32;
    let mut out = Vec::with_capacity(ops.len() + 16);
    out.extend([
        Operator::GlobalGet {
            global_index: g.stack,
        },
        Operator::I32Const { value: size },
        Operator::I32LeU,
    ]);
    out.extend(trap_if(g.stack, 0));
    out.extend([
        Operator::GlobalGet {
            global_index: g.stack,
        },
        Operator::I32Const { value: size },
        Operator::I32Sub,
        Operator::GlobalSet {
            global_index: g.stack,
        },
    ]);
    let Some(last) = ops.pop() else {
        return Err("empty body".into());
    };
    ops.push(Operator::Return);
    ops.push(last);
    for op in ops {
        if matches!(op, Operator::Return) {
            out.extend([
                Operator::GlobalGet {
                    global_index: g.stack,
                },
                Operator::I32Const { value: size },
                Operator::I32Add,
                Operator::GlobalSet {
                    global_index: g.stack,
                },
            ]);
        }
        out.push(op);
    }
    Ok(out)
}

fn worst_case_depth(
    ops: &[Operator<'_>],
    func_sig: &impl Fn(u32) -> Option<Sig>,
    type_sig: &impl Fn(u32) -> Option<Sig>,
) -> Result<u64, String> {
    use Operator::*;
    let mut worst: u64 = 0;
    let mut stack: u64 = 0;
    let mut scopes = vec![0u64];
    macro_rules! push {
        ($n:expr) => {{
            stack += u64::from($n);
            worst = worst.max(stack);
        }};
    }
    macro_rules! pop {
        ($n:expr) => {{
            stack = stack.saturating_sub(u64::from($n));
        }};
    }
    let block_type = |bt: &BlockType, stack: &mut u64, worst: &mut u64| -> Result<(), String> {
        match bt {
            BlockType::Empty => {}
            BlockType::Type(_) => {
                *stack += 1;
                *worst = (*worst).max(*stack);
            }
            BlockType::FuncType(id) => {
                let s = type_sig(*id).ok_or_else(|| format!("missing type {id}"))?;
                *stack += u64::from(s.results);
                *worst = (*worst).max(*stack);
                *stack = stack.saturating_sub(u64::from(s.params));
            }
        }
        Ok(())
    };
    for op in ops {
        match op {
            Block { blockty } | Loop { blockty } => {
                block_type(blockty, &mut stack, &mut worst)?;
                scopes.push(stack);
            }
            If { blockty } => {
                pop!(1u32);
                block_type(blockty, &mut stack, &mut worst)?;
                scopes.push(stack);
            }
            Else => stack = *scopes.last().ok_or("malformed if-else scope")?,
            End => {
                stack = scopes
                    .pop()
                    .ok_or("malformed scoping detected at end of block")?
            }
            Call { function_index } => {
                let s = func_sig(*function_index)
                    .ok_or_else(|| format!("missing type for func {function_index}"))?;
                push!(s.results);
                pop!(s.params);
            }
            CallIndirect { type_index, .. } => {
                let s =
                    type_sig(*type_index).ok_or_else(|| format!("missing type {type_index}"))?;
                push!(s.results);
                pop!(s.params);
                pop!(1u32);
            }
            // memory.fill / memory.copy behave like a (i32 i32 i32) -> () call
            MemoryFill { .. } | MemoryCopy { .. } => pop!(3u32),
            Nop
            | Unreachable
            | I32Eqz
            | I64Eqz
            | I32Clz
            | I32Ctz
            | I32Popcnt
            | I64Clz
            | I64Ctz
            | I64Popcnt
            | Br { .. }
            | Return
            | LocalTee { .. }
            | MemoryGrow { .. }
            | I32Load { .. }
            | I64Load { .. }
            | F32Load { .. }
            | F64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
            | I32WrapI64
            | I64ExtendI32S
            | I64ExtendI32U
            | I32Extend8S
            | I32Extend16S
            | I64Extend8S
            | I64Extend16S
            | I64Extend32S
            | F32Abs
            | F32Neg
            | F32Ceil
            | F32Floor
            | F32Trunc
            | F32Nearest
            | F32Sqrt
            | F64Abs
            | F64Neg
            | F64Ceil
            | F64Floor
            | F64Trunc
            | F64Nearest
            | F64Sqrt
            | I32TruncF32S
            | I32TruncF32U
            | I32TruncF64S
            | I32TruncF64U
            | I64TruncF32S
            | I64TruncF32U
            | I64TruncF64S
            | I64TruncF64U
            | F32ConvertI32S
            | F32ConvertI32U
            | F32ConvertI64S
            | F32ConvertI64U
            | F32DemoteF64
            | F64ConvertI32S
            | F64ConvertI32U
            | F64ConvertI64S
            | F64ConvertI64U
            | F64PromoteF32
            | I32ReinterpretF32
            | I64ReinterpretF64
            | F32ReinterpretI32
            | F64ReinterpretI64
            | I32TruncSatF32S
            | I32TruncSatF32U
            | I32TruncSatF64S
            | I32TruncSatF64U
            | I64TruncSatF32S
            | I64TruncSatF32U
            | I64TruncSatF64S
            | I64TruncSatF64U => {}
            LocalGet { .. }
            | GlobalGet { .. }
            | MemorySize { .. }
            | I32Const { .. }
            | I64Const { .. }
            | F32Const { .. }
            | F64Const { .. } => push!(1u32),
            Drop
            | I32Eq
            | I32Ne
            | I32LtS
            | I32LtU
            | I32GtS
            | I32GtU
            | I32LeS
            | I32LeU
            | I32GeS
            | I32GeU
            | I64Eq
            | I64Ne
            | I64LtS
            | I64LtU
            | I64GtS
            | I64GtU
            | I64LeS
            | I64LeU
            | I64GeS
            | I64GeU
            | F32Eq
            | F32Ne
            | F32Lt
            | F32Gt
            | F32Le
            | F32Ge
            | F64Eq
            | F64Ne
            | F64Lt
            | F64Gt
            | F64Le
            | F64Ge
            | I32Add
            | I32Sub
            | I32Mul
            | I32DivS
            | I32DivU
            | I32RemS
            | I32RemU
            | I64Add
            | I64Sub
            | I64Mul
            | I64DivS
            | I64DivU
            | I64RemS
            | I64RemU
            | I32And
            | I32Or
            | I32Xor
            | I32Shl
            | I32ShrS
            | I32ShrU
            | I32Rotl
            | I32Rotr
            | I64And
            | I64Or
            | I64Xor
            | I64Shl
            | I64ShrS
            | I64ShrU
            | I64Rotl
            | I64Rotr
            | F32Add
            | F32Sub
            | F32Mul
            | F32Div
            | F32Min
            | F32Max
            | F32Copysign
            | F64Add
            | F64Sub
            | F64Mul
            | F64Div
            | F64Min
            | F64Max
            | F64Copysign
            | BrIf { .. }
            | BrTable { .. }
            | LocalSet { .. }
            | GlobalSet { .. } => pop!(1u32),
            Select
            | I32Store { .. }
            | I64Store { .. }
            | F32Store { .. }
            | F64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. } => pop!(2u32),
            other => return Err(format!("extension {other:?} not supported")),
        }
    }
    Ok(worst)
}

/// Heap bound: `pay_for_memory_grow(pages)` in front of `memory.grow`.
fn heap_bound<'a>(ops: Vec<Operator<'a>>, g: &Globals, pay: Option<u32>) -> Vec<Operator<'a>> {
    let Some(pay) = pay else { return ops };
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        if matches!(op, Operator::MemoryGrow { .. }) {
            out.extend([
                Operator::GlobalSet {
                    global_index: g.scratch,
                },
                Operator::GlobalGet {
                    global_index: g.scratch,
                },
                Operator::GlobalGet {
                    global_index: g.scratch,
                },
                Operator::Call {
                    function_index: pay,
                },
            ]);
        }
        out.push(op);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(body: &str) -> Vec<u8> {
        wat::parse_str(format!(
            r#"(module
                (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
                (memory (export "memory") 1)
                (func (export "user_entrypoint") (param i32) (result i32) {body})
                (func (export "other")))"#
        ))
        .unwrap()
    }

    fn exports(wasm: &[u8]) -> Vec<String> {
        let mut names = vec![];
        for p in Parser::new(0).parse_all(wasm) {
            if let Payload::ExportSection(r) = p.unwrap() {
                for e in r {
                    names.push(e.unwrap().name.to_string());
                }
            }
        }
        names
    }

    #[test]
    fn adds_globals_and_strips_exports() {
        let out = instrument(&module("i32.const 0"), &InstrumentConfig::default()).unwrap();
        wasmparser::validate(&out.wasm).unwrap();
        let names = exports(&out.wasm);
        assert!(names.contains(&"user_entrypoint".to_string()));
        assert!(names.contains(&STYLUS_INK_LEFT.to_string()));
        assert!(!names.contains(&"other".to_string()));
        let debug = instrument(
            &module("i32.const 0"),
            &InstrumentConfig {
                debug: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(exports(&debug.wasm).contains(&"other".to_string()));
        assert_eq!(out.costs.footprint, 1);
    }

    #[test]
    fn rejects_what_nitro_rejects() {
        let start = wat::parse_str(
            r#"(module (memory (export "memory") 1 1) (func $s) (start $s)
               (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        )
        .unwrap();
        assert!(instrument(&start, &InstrumentConfig::default())
            .unwrap_err()
            .0
            .contains("start"));
        assert!(instrument(
            &start,
            &InstrumentConfig {
                debug: true,
                ..Default::default()
            }
        )
        .is_ok());
        let growable = wat::parse_str(
            r#"(module (memory (export "memory") 1)
               (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        )
        .unwrap();
        assert!(instrument(&growable, &InstrumentConfig::default())
            .unwrap_err()
            .0
            .contains("pay_for_memory_grow"));
        let big = wat::parse_str(
            r#"(module (memory (export "memory") 3 3)
               (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        )
        .unwrap();
        assert!(instrument(
            &big,
            &InstrumentConfig {
                page_limit: 2,
                ..Default::default()
            }
        )
        .is_err());
        let no_entry = wat::parse_str(r#"(module (memory (export "memory") 1 1))"#).unwrap();
        assert!(instrument(&no_entry, &InstrumentConfig::default())
            .unwrap_err()
            .0
            .contains("user_entrypoint"));
    }

    #[test]
    fn costs_follow_nitro_formulas() {
        let wasm = module("i32.const 0");
        let out = instrument(&wasm, &InstrumentConfig::default()).unwrap();
        let len = wasm.len() as u64;
        // 2 funcs, type_len = (1+1) + 0, 4 globals, 1 page
        let (funcs, type_len, globals, pages) = (2u64, 2u64, 4u64, 1u64);
        let cached = funcs * 13_420 / 100_000
            + type_len * 89 / 100_000
            + len * 122 / 100_000
            + globals * 1628 / 1000
            + pages * 5;
        assert_eq!(u64::from(out.costs.cached_init_cost), cached);
        let init = funcs * 8252 / 1000 + type_len * 1059 / 1000 + len * 1286 / 10_000;
        assert_eq!(u64::from(out.costs.init_cost), init);
        let asm =
            512_000 + funcs * 996_829 / 1000 + type_len * 11_416 / 1000 + len * 62_628 / 10_000;
        assert_eq!(u64::from(out.costs.asm_estimate), asm);
        assert!(out.costs.compile_gas >= 2217 * 28);
    }
}
