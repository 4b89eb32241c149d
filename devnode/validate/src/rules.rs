//! Nitro's activation-time checks on a Stylus WASM module.
//!
//! Re-implemented from the behaviour described in the project's
//! `stylus-runtime.md` §3 ("Validation at activation"): the WASM feature set,
//! the required exports, the `vm_hooks` import table with exact signatures,
//! the start-function and naming rules, and the count limits.

use std::collections::HashSet;

use wasmparser::{
    CompositeInnerType, ExternalKind, FuncType, Operator, Parser, Payload, TypeRef, ValType,
    Validator, WasmFeatures,
};

use crate::format::MAX_WASM_SIZE;

/// The ArbOS version the rules default to: 61, live on Arbitrum One and Nova
/// since 2026-08-20 (the devnode boots at it too).
pub const DEFAULT_ARBOS_VERSION: u64 = 61;

/// The first ArbOS version that rejects multi-value WASM at activation
/// (functions with several results, or `block`/`loop`/`if` with a function
/// type).
pub const ARBOS_VERSION_NO_MULTI_VALUE: u64 = 60;

/// `MaxWasmSize` from ArbOS 60 on: the decompressed WASM may reach 256 KiB.
pub const MAX_WASM_SIZE_ARBOS_60: usize = 256 * 1024;

/// Nitro's `MaxWasmSize` at `arbos_version`: 128 KiB before ArbOS 60,
/// 256 KiB from it.
#[must_use]
pub const fn max_wasm_size(arbos_version: u64) -> usize {
    if arbos_version >= 60 {
        MAX_WASM_SIZE_ARBOS_60
    } else {
        MAX_WASM_SIZE
    }
}

/// Nitro's `MaxFragmentCount` at `arbos_version`: none before ArbOS 60, 2 at
/// 60 (Nitro's initial value), 4 from 61 (Arbitrum One and Nova: 96 KB of
/// compressed code). A chain's live value is
/// `ArbOwnerPublic.getMaxStylusContractFragments()`.
#[must_use]
pub const fn max_fragment_count(arbos_version: u64) -> usize {
    if arbos_version >= 61 {
        4
    } else if arbos_version >= 60 {
        2
    } else {
        0
    }
}

/// Chain parameters the rules depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// ArbOS version (multi-value is rejected from ArbOS 60 on; 0 is Nitro's
    /// recompilation of an already active program, which accepts it).
    pub arbos_version: u64,
    /// Maximum memory pages (`PageLimit`, 128 by default).
    pub page_limit: u32,
    /// Maximum decompressed size (`MaxWasmSize`).
    pub max_wasm_size: usize,
    /// Debug chains accept `console.*`/`debug.*` imports and a start function.
    pub debug: bool,
    /// Build-gate mode: additionally reject any float instruction, which Nitro
    /// accepts at activation but prices at `u64::MAX` ink (it can only trap).
    pub reject_floats: bool,
}

impl Params {
    /// Nitro's defaults at [`DEFAULT_ARBOS_VERSION`] (61), activation semantics.
    #[must_use]
    pub const fn activation() -> Self {
        Self::for_arbos(DEFAULT_ARBOS_VERSION)
    }

    /// Nitro's activation rules at `arbos_version`: page limit 128, no debug
    /// imports, `MaxWasmSize` per [`max_wasm_size`].
    #[must_use]
    pub const fn for_arbos(arbos_version: u64) -> Self {
        Self {
            arbos_version,
            page_limit: 128,
            max_wasm_size: max_wasm_size(arbos_version),
            debug: false,
            reject_floats: false,
        }
    }

    /// The build pipeline's stricter gate: activation rules plus no floats.
    #[must_use]
    pub const fn build_gate() -> Self {
        Self {
            reject_floats: true,
            ..Self::activation()
        }
    }
}

impl Default for Params {
    fn default() -> Self {
        Self::activation()
    }
}

/// Each rule a module can break, named so that a failure says which one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValidationError {
    /// The binary exceeds `MaxWasmSize`.
    #[error("rule max-wasm-size: {size} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Size of the module.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// wasmparser rejected the binary under Nitro's feature set (this is how a
    /// padded reference-types `call_indirect` or a SIMD op shows up).
    #[error(
        "rule wasm-features: invalid under Nitro's feature set at offset {offset:#x}: {message}"
    )]
    Invalid {
        /// Byte offset of the problem.
        offset: usize,
        /// wasmparser's message.
        message: String,
    },
    /// Multi-value WASM at ArbOS 60 or later: a function type with more than
    /// one result, or a `block`/`loop`/`if` typed by a function type. The
    /// message is wasmparser's, as Nitro reports it ("failed to validate
    /// user: ...").
    #[error(
        "rule no-multi-value: failed to validate user: {message} (at offset {offset:#x}); \
         multi-value WASM is rejected from ArbOS 60 on"
    )]
    MultiValue {
        /// Byte offset of the problem.
        offset: usize,
        /// wasmparser's message.
        message: String,
    },
    /// A float instruction was found (build gate only).
    #[error(
        "rule no-floats: float instruction `{op}` in function {func} (it would run out of ink)"
    )]
    FloatOp {
        /// Index of the function (imports included).
        func: u32,
        /// The instruction.
        op: String,
    },
    /// A bulk-memory or table instruction Nitro's meter does not support.
    #[error("rule unsupported-op: `{op}` in function {func} is not supported by Stylus")]
    UnsupportedOp {
        /// Index of the function (imports included).
        func: u32,
        /// The instruction.
        op: String,
    },
    /// No `user_entrypoint` export.
    #[error("rule entrypoint: missing export `user_entrypoint`")]
    MissingEntrypoint,
    /// `user_entrypoint` is not a function of type `(i32) -> i32`.
    #[error("rule entrypoint: `user_entrypoint` must be a function (i32) -> i32")]
    BadEntrypoint,
    /// No memory exported as `memory`.
    #[error("rule memory: missing memory export `memory`")]
    MissingMemory,
    /// More than one memory.
    #[error("rule memory: at most one memory is allowed")]
    MultipleMemories,
    /// Too many initial pages.
    #[error("rule memory: {pages} initial pages exceed the limit of {limit}")]
    TooManyPages {
        /// Initial pages requested.
        pages: u64,
        /// The limit.
        limit: u32,
    },
    /// Growable memory without `vm_hooks.pay_for_memory_grow`.
    #[error("rule memory-grow: growable memory requires importing vm_hooks.pay_for_memory_grow")]
    GrowWithoutPayForMemoryGrow,
    /// A start function (allowed in debug mode only).
    #[error("rule start: start functions are not allowed")]
    StartFunction,
    /// An import that is not a known host function.
    #[error("rule imports: unknown import {module}.{name}")]
    UnknownImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A known host function imported with the wrong type.
    #[error("rule imports: {module}.{name} has type {found}, expected {expected}")]
    ImportSignature {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// The declared type.
        found: String,
        /// Nitro's type.
        expected: String,
    },
    /// A non-function import (memory, table, global, tag).
    #[error("rule imports: {module}.{name} must be a function import")]
    NonFunctionImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import or export name starting with `stylus`.
    #[error("rule names: `{0}` uses the reserved `stylus` prefix")]
    ReservedName(String),
    /// A name both imported and exported.
    #[error("rule names: `{0}` is both imported and exported")]
    ImportedAndExported(String),
    /// A name longer than 512 bytes.
    #[error("rule names: a name of {0} bytes exceeds 512")]
    NameTooLong(usize),
    /// A count limit was exceeded.
    #[error("rule limits: {count} {what} exceed the limit of {max}")]
    Limit {
        /// What was counted.
        what: &'static str,
        /// How many.
        count: u64,
        /// The limit.
        max: u64,
    },
}

/// Facts about a module that passed validation; the devnode derives its cost
/// predictions (after instrumentation) and the build prints its table from them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Size of the binary in bytes.
    pub wasm_len: usize,
    /// Host functions imported, as `(module, name)`.
    pub imports: Vec<(String, String)>,
    /// Functions defined in the module (imports excluded).
    pub funcs: u32,
    /// Byte length of the type section's contents.
    pub type_section_len: usize,
    /// Globals defined in the module.
    pub globals: u32,
    /// Initial memory pages.
    pub initial_pages: u64,
    /// Maximum memory pages, if declared.
    pub max_pages: Option<u64>,
    /// Total bytes of data segments.
    pub data_bytes: u64,
    /// Total element-segment entries.
    pub elem_entries: u64,
    /// Total instructions across all bodies.
    pub opcodes: u64,
    /// Whether any float instruction occurs (allowed at activation; traps when run).
    pub uses_floats: bool,
}

/// The host functions Nitro exports to programs, with their exact types.
/// `(name, params, results)` using `i`=i32, `I`=i64, `f`=f32, `F`=f64.
pub const VM_HOOKS: &[(&str, &str, &str)] = &[
    ("read_args", "i", ""),
    ("write_result", "ii", ""),
    ("exit_early", "i", ""),
    ("storage_load_bytes32", "ii", ""),
    ("storage_cache_bytes32", "ii", ""),
    ("storage_flush_cache", "i", ""),
    ("transient_load_bytes32", "ii", ""),
    ("transient_store_bytes32", "ii", ""),
    ("call_contract", "iiiiIi", "i"),
    ("delegate_call_contract", "iiiIi", "i"),
    ("static_call_contract", "iiiIi", "i"),
    ("create1", "iiiii", ""),
    ("create2", "iiiiii", ""),
    ("read_return_data", "iii", "i"),
    ("return_data_size", "", "i"),
    ("emit_log", "iii", ""),
    ("account_balance", "ii", ""),
    ("account_code", "iiii", "i"),
    ("account_code_size", "i", "i"),
    ("account_codehash", "ii", ""),
    ("evm_gas_left", "", "I"),
    ("evm_ink_left", "", "I"),
    ("block_basefee", "i", ""),
    ("block_coinbase", "i", ""),
    ("block_gas_limit", "", "I"),
    ("block_number", "", "I"),
    ("block_timestamp", "", "I"),
    ("chainid", "", "I"),
    ("contract_address", "i", ""),
    ("msg_sender", "i", ""),
    ("msg_value", "i", ""),
    ("tx_origin", "i", ""),
    ("tx_gas_price", "i", ""),
    ("tx_ink_price", "", "i"),
    ("msg_reentrant", "", "i"),
    ("math_div", "ii", ""),
    ("math_mod", "ii", ""),
    ("math_pow", "ii", ""),
    ("math_add_mod", "iii", ""),
    ("math_mul_mod", "iii", ""),
    ("native_keccak256", "iii", ""),
    ("pay_for_memory_grow", "i", ""),
];

/// Debug-mode host functions (`console.*`, `debug.*`).
pub const DEBUG_HOOKS: &[(&str, &str, &str, &str)] = &[
    ("console", "log_txt", "ii", ""),
    ("console", "log_i32", "i", ""),
    ("console", "log_i64", "I", ""),
    ("console", "log_f32", "f", ""),
    ("console", "log_f64", "F", ""),
    ("console", "tee_i32", "i", "i"),
    ("console", "tee_i64", "I", "I"),
    ("console", "tee_f32", "f", "f"),
    ("console", "tee_f64", "F", "F"),
    ("debug", "null_host", "", ""),
    ("debug", "start_benchmark", "", ""),
    ("debug", "end_benchmark", "", ""),
];

const MAX_IMPORTS: u64 = 513;
const MAX_DATA_SEGMENTS: u64 = 128;
const MAX_ELEMENT_SEGMENTS: u64 = 128;
const MAX_EXPORTS: u64 = 1024;
const MAX_FUNCTIONS: u64 = 4096;
const MAX_GLOBALS: u64 = 32_768;
const MAX_LOCALS: u64 = 348;
const MAX_OPCODES_PER_BODY: u64 = 65_536;
const MAX_TABLE_ENTRIES: u64 = 4096;
const MAX_ELEMENT_ENTRIES: u64 = 4096;
const MAX_NAME_LEN: usize = 512;

/// Nitro's WASM feature set: mutable globals, saturating float-to-int,
/// sign extension, bulk memory, floats, and multi-value before ArbOS 60.
#[must_use]
pub fn nitro_features(arbos_version: u64) -> WasmFeatures {
    let mut f = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS;
    if arbos_version < ARBOS_VERSION_NO_MULTI_VALUE {
        f |= WasmFeatures::MULTI_VALUE;
    }
    f
}

fn sig_string(params: &[ValType], results: &[ValType]) -> String {
    let t = |v: &ValType| match v {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        _ => "?",
    };
    format!(
        "({}) -> ({})",
        params.iter().map(t).collect::<Vec<_>>().join(", "),
        results.iter().map(t).collect::<Vec<_>>().join(", ")
    )
}

fn code_types(code: &str) -> Vec<ValType> {
    code.chars()
        .map(|c| match c {
            'i' => ValType::I32,
            'I' => ValType::I64,
            'f' => ValType::F32,
            _ => ValType::F64,
        })
        .collect()
}

fn expected_import(module: &str, name: &str, debug: bool) -> Option<(Vec<ValType>, Vec<ValType>)> {
    if module == "vm_hooks" {
        return VM_HOOKS
            .iter()
            .find(|h| h.0 == name)
            .map(|h| (code_types(h.1), code_types(h.2)));
    }
    if debug {
        return DEBUG_HOOKS
            .iter()
            .find(|h| h.0 == module && h.1 == name)
            .map(|h| (code_types(h.2), code_types(h.3)));
    }
    None
}

fn is_float_op(op: &Operator<'_>) -> bool {
    // Every instruction that consumes or produces f32/f64 mentions F32/F64 in
    // its name (f32.add, i32.trunc_f32_s, f64.convert_i64_u, reinterpret...).
    let name = format!("{op:?}");
    let head = name.split(['{', ' ', '(']).next().unwrap_or("");
    head.contains("F32") || head.contains("F64")
}

fn unsupported_op(op: &Operator<'_>) -> Option<&'static str> {
    Some(match op {
        Operator::MemoryInit { .. } => "memory.init",
        Operator::DataDrop { .. } => "data.drop",
        Operator::TableInit { .. } => "table.init",
        Operator::ElemDrop { .. } => "elem.drop",
        Operator::TableCopy { .. } => "table.copy",
        Operator::TableFill { .. } => "table.fill",
        Operator::TableGet { .. } => "table.get",
        Operator::TableSet { .. } => "table.set",
        Operator::TableGrow { .. } => "table.grow",
        Operator::TableSize { .. } => "table.size",
        _ => return None,
    })
}

fn limit(what: &'static str, count: u64, max: u64) -> Result<(), ValidationError> {
    if count > max {
        return Err(ValidationError::Limit { what, count, max });
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), ValidationError> {
    if name.len() > MAX_NAME_LEN {
        return Err(ValidationError::NameTooLong(name.len()));
    }
    if name.starts_with("stylus") {
        return Err(ValidationError::ReservedName(name.to_string()));
    }
    Ok(())
}

/// Validates `wasm` against Nitro's activation rules.
///
/// # Errors
/// The first [`ValidationError`] found, naming the rule broken.
pub fn validate(wasm: &[u8], params: &Params) -> Result<ModuleInfo, ValidationError> {
    if wasm.len() > params.max_wasm_size {
        return Err(ValidationError::TooLarge {
            size: wasm.len(),
            limit: params.max_wasm_size,
        });
    }
    let features = nitro_features(params.arbos_version);
    if let Err(e) = Validator::new_with_features(features).validate_all(wasm) {
        // A module that validates once multi-value is allowed broke only the
        // multi-value rule.
        let multi_value = !features.contains(WasmFeatures::MULTI_VALUE)
            && Validator::new_with_features(features | WasmFeatures::MULTI_VALUE)
                .validate_all(wasm)
                .is_ok();
        let (offset, message) = (e.offset() as usize, e.message().to_string());
        return Err(if multi_value {
            ValidationError::MultiValue { offset, message }
        } else {
            ValidationError::Invalid { offset, message }
        });
    }

    let mut info = ModuleInfo {
        wasm_len: wasm.len(),
        ..ModuleInfo::default()
    };
    let mut types: Vec<Option<FuncType>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new(); // type index per function, imports first
    let mut imported_names = HashSet::new();
    let mut exports = Vec::new();
    let mut memories = 0u32;
    let mut has_start = false;
    let mut func_index = 0u32;
    let mut imported_funcs = 0u32;

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| ValidationError::Invalid {
            offset: e.offset() as usize,
            message: e.message().to_string(),
        })?;
        let bad = |e: wasmparser::BinaryReaderError| ValidationError::Invalid {
            offset: e.offset() as usize,
            message: e.message().to_string(),
        };
        match payload {
            Payload::TypeSection(reader) => {
                let range = reader.range();
                info.type_section_len = (range.end - range.start) as usize;
                for group in reader {
                    for sub in group.map_err(bad)?.into_types() {
                        types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => Some(f.clone()),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                let count = u64::from(reader.count());
                limit("imports", count, MAX_IMPORTS)?;
                for import in reader.into_imports() {
                    let import = import.map_err(bad)?;
                    check_name(import.name)?;
                    check_name(import.module)?;
                    let TypeRef::Func(ty) = import.ty else {
                        return Err(ValidationError::NonFunctionImport {
                            module: import.module.into(),
                            name: import.name.into(),
                        });
                    };
                    let Some((params_t, results_t)) =
                        expected_import(import.module, import.name, params.debug)
                    else {
                        return Err(ValidationError::UnknownImport {
                            module: import.module.into(),
                            name: import.name.into(),
                        });
                    };
                    let found = types.get(ty as usize).cloned().flatten();
                    let matches = found
                        .as_ref()
                        .is_some_and(|f| f.params() == params_t && f.results() == results_t);
                    if !matches {
                        return Err(ValidationError::ImportSignature {
                            module: import.module.into(),
                            name: import.name.into(),
                            found: found.map_or_else(
                                || "?".into(),
                                |f| sig_string(f.params(), f.results()),
                            ),
                            expected: sig_string(&params_t, &results_t),
                        });
                    }
                    imported_names.insert(import.name.to_string());
                    info.imports
                        .push((import.module.into(), import.name.into()));
                    func_types.push(ty);
                    imported_funcs += 1;
                }
                func_index = imported_funcs;
            }
            Payload::FunctionSection(reader) => {
                info.funcs = reader.count();
                limit("functions", u64::from(reader.count()), MAX_FUNCTIONS)?;
                for ty in reader {
                    func_types.push(ty.map_err(bad)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(bad)?;
                    limit("table entries", table.ty.initial, MAX_TABLE_ENTRIES)?;
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader {
                    let mem = mem.map_err(bad)?;
                    memories += 1;
                    info.initial_pages = mem.initial;
                    info.max_pages = mem.maximum;
                }
            }
            Payload::GlobalSection(reader) => {
                info.globals = reader.count();
                limit("globals", u64::from(reader.count()), MAX_GLOBALS)?;
            }
            Payload::ExportSection(reader) => {
                limit("exports", u64::from(reader.count()), MAX_EXPORTS)?;
                for export in reader {
                    let export = export.map_err(bad)?;
                    check_name(export.name)?;
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            Payload::StartSection { .. } => has_start = true,
            Payload::ElementSection(reader) => {
                limit(
                    "element segments",
                    u64::from(reader.count()),
                    MAX_ELEMENT_SEGMENTS,
                )?;
                for elem in reader {
                    let elem = elem.map_err(bad)?;
                    info.elem_entries += u64::from(match &elem.items {
                        wasmparser::ElementItems::Functions(r) => r.count(),
                        wasmparser::ElementItems::Expressions(_, r) => r.count(),
                    });
                }
                limit("element entries", info.elem_entries, MAX_ELEMENT_ENTRIES)?;
            }
            Payload::DataSection(reader) => {
                limit(
                    "data segments",
                    u64::from(reader.count()),
                    MAX_DATA_SEGMENTS,
                )?;
                for data in reader {
                    info.data_bytes += data.map_err(bad)?.data.len() as u64;
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0u64;
                for local in body.get_locals_reader().map_err(bad)? {
                    locals += u64::from(local.map_err(bad)?.0);
                }
                limit("locals in one function", locals, MAX_LOCALS)?;
                let mut ops = 0u64;
                let mut reader = body.get_operators_reader().map_err(bad)?;
                while !reader.eof() {
                    let op = reader.read().map_err(bad)?;
                    ops += 1;
                    if let Some(name) = unsupported_op(&op) {
                        return Err(ValidationError::UnsupportedOp {
                            func: func_index,
                            op: name.into(),
                        });
                    }
                    if is_float_op(&op) {
                        info.uses_floats = true;
                        if params.reject_floats {
                            let op = format!("{op:?}");
                            return Err(ValidationError::FloatOp {
                                func: func_index,
                                op,
                            });
                        }
                    }
                }
                limit("opcodes in one function", ops, MAX_OPCODES_PER_BODY)?;
                info.opcodes += ops;
                func_index += 1;
            }
            _ => {}
        }
    }

    if has_start && !params.debug {
        return Err(ValidationError::StartFunction);
    }
    if memories > 1 {
        return Err(ValidationError::MultipleMemories);
    }
    for (name, _, _) in &exports {
        if imported_names.contains(name) {
            return Err(ValidationError::ImportedAndExported(name.clone()));
        }
    }
    let entry = exports
        .iter()
        .find(|(n, _, _)| n == "user_entrypoint")
        .ok_or(ValidationError::MissingEntrypoint)?;
    let entry_ok = entry.1 == ExternalKind::Func
        && func_types
            .get(entry.2 as usize)
            .and_then(|&t| types.get(t as usize).cloned().flatten())
            .is_some_and(|f| f.params() == [ValType::I32] && f.results() == [ValType::I32]);
    if !entry_ok {
        return Err(ValidationError::BadEntrypoint);
    }
    if !exports
        .iter()
        .any(|(n, k, _)| n == "memory" && *k == ExternalKind::Memory)
    {
        return Err(ValidationError::MissingMemory);
    }
    if info.initial_pages > u64::from(params.page_limit) {
        return Err(ValidationError::TooManyPages {
            pages: info.initial_pages,
            limit: params.page_limit,
        });
    }
    let growable = info.max_pages != Some(info.initial_pages);
    let pays = info
        .imports
        .iter()
        .any(|(m, n)| m == "vm_hooks" && n == "pay_for_memory_grow");
    if growable && !pays {
        return Err(ValidationError::GrowWithoutPayForMemoryGrow);
    }
    Ok(info)
}
