//! Stylus program format and Nitro's activation-time WASM validation.
//!
//! One implementation shared by the build pipeline (`stylus-ip build`, which
//! gates every contract before it ships) and by the embedded devnode (which
//! runs the same checks when `ArbWasm.activateProgram` is called):
//!
//! * [`format`]: cargo-stylus' on-chain encoding — custom-section stripping,
//!   brotli (quality 11, window 22), the `EF F0 00 00` prefix, decompression
//!   with the 128 KiB cap, and the 43-byte deploy init-code prelude.
//! * [`fragments`]: ArbOS 60+ fragmented programs — the compressed stream
//!   split over `EF F0 01` fragment contracts, the `EF F0 02` root naming
//!   them, and reassembly as activation does it.
//! * [`rules`]: the WASM feature set, exports, `vm_hooks` import signatures,
//!   start function, names and count limits, each failure naming its rule.
//!
//! ```
//! let wasm = wat::parse_str(r#"(module
//!     (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
//!     (memory (export "memory") 1)
//!     (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#).unwrap();
//! let info = stylus_validate::validate(&wasm, &stylus_validate::Params::build_gate()).unwrap();
//! assert_eq!(info.funcs, 1);
//! let code = stylus_validate::program_code(&wasm);
//! assert_eq!(stylus_validate::decompress_program(&code, 128 * 1024).unwrap(), wasm);
//! ```

pub mod format;
pub mod fragments;
pub mod rules;

pub use format::{
    compress, decompress_program, deploy_init_code, is_stylus_program, program_code,
    strip_custom_sections, strip_sections, FormatError, MAX_CODE_SIZE, MAX_WASM_SIZE,
    PREFIX_NO_DICT,
};
pub use fragments::{
    FragmentError, Root, Split, FRAGMENTED_MAX_WASM_SIZE, FRAGMENT_PREFIX, MAX_FRAGMENTS,
    ROOT_PREFIX,
};
pub use rules::{validate, ModuleInfo, Params, ValidationError};
