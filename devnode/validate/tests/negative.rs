//! Hand-written WAT modules, each breaking one activation rule.

use stylus_validate::{validate, Params, ValidationError};

const HEAD: &str = r#"(import "vm_hooks" "pay_for_memory_grow" (func $grow (param i32)))
    (memory (export "memory") 1)"#;

fn module(body: &str) -> Vec<u8> {
    wat::parse_str(format!("(module {HEAD} {body})")).unwrap()
}

/// Like [`module`], with extra imports placed before the memory.
fn module_importing(imports: &str, body: &str) -> Vec<u8> {
    wat::parse_str(format!("(module {imports} {HEAD} {body})")).unwrap()
}

fn entry(body: &str) -> String {
    format!(r#"(func (export "user_entrypoint") (param i32) (result i32) {body})"#)
}

#[test]
fn minimal_program_passes() {
    let wasm = module(&entry("i32.const 0"));
    let info = validate(&wasm, &Params::build_gate()).unwrap();
    assert_eq!(
        info.imports,
        vec![("vm_hooks".to_string(), "pay_for_memory_grow".to_string())]
    );
    assert_eq!(
        (info.funcs, info.initial_pages, info.uses_floats),
        (1, 1, false)
    );
}

#[test]
fn float_op_rejected_by_the_build_gate_only() {
    let wasm = module(&entry("f32.const 1.5 drop i32.const 0"));
    assert!(matches!(
        validate(&wasm, &Params::build_gate()),
        Err(ValidationError::FloatOp { func: 1, .. })
    ));
    // Nitro accepts it at activation (executing it runs out of ink).
    assert!(validate(&wasm, &Params::activation()).unwrap().uses_floats);
}

#[test]
fn start_function_rejected_unless_debug() {
    let wasm = module(&format!("(func $s) (start $s) {}", entry("i32.const 0")));
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::StartFunction)
    );
    let debug = Params {
        debug: true,
        ..Params::activation()
    };
    assert!(validate(&wasm, &debug).is_ok());
}

#[test]
fn unknown_import_rejected() {
    let wasm = module_importing(
        r#"(import "vm_hooks" "launch_rockets" (func))"#,
        &entry("i32.const 0"),
    );
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::UnknownImport {
            module: "vm_hooks".into(),
            name: "launch_rockets".into()
        })
    );
    let wasm = module_importing(r#"(import "env" "abort" (func))"#, &entry("i32.const 0"));
    assert!(matches!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::UnknownImport { .. })
    ));
    // console.* only on debug chains
    let wasm = module_importing(
        r#"(import "console" "log_i32" (func (param i32)))"#,
        &entry("i32.const 0"),
    );
    assert!(matches!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::UnknownImport { .. })
    ));
    assert!(validate(
        &wasm,
        &Params {
            debug: true,
            ..Params::activation()
        }
    )
    .is_ok());
}

#[test]
fn import_with_wrong_signature_rejected() {
    let wasm = module_importing(
        r#"(import "vm_hooks" "msg_value" (func (param i64)))"#,
        &entry("i32.const 0"),
    );
    assert!(matches!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::ImportSignature { ref name, .. }) if name == "msg_value"
    ));
}

#[test]
fn missing_or_mistyped_entrypoint_rejected() {
    let wasm = module(r#"(func (export "main") (param i32) (result i32) i32.const 0)"#);
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::MissingEntrypoint)
    );
    let wasm = module(r#"(func (export "user_entrypoint") (param i64) (result i32) i32.const 0)"#);
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::BadEntrypoint)
    );
}

#[test]
fn missing_memory_export_and_growable_memory_rules() {
    let wasm = wat::parse_str(format!(
        r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32))) (memory 1) {})"#,
        entry("i32.const 0")
    ))
    .unwrap();
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::MissingMemory)
    );
    let wasm = wat::parse_str(format!(
        r#"(module (memory (export "memory") 1) {})"#,
        entry("i32.const 0")
    ))
    .unwrap();
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::GrowWithoutPayForMemoryGrow)
    );
    // A fixed-size memory needs no pay_for_memory_grow.
    let wasm = wat::parse_str(format!(
        r#"(module (memory (export "memory") 1 1) {})"#,
        entry("i32.const 0")
    ))
    .unwrap();
    assert!(validate(&wasm, &Params::activation()).is_ok());
    let wasm = wat::parse_str(format!(
        r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32))) (memory (export "memory") 129) {})"#,
        entry("i32.const 0")
    ))
    .unwrap();
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::TooManyPages {
            pages: 129,
            limit: 128
        })
    );
}

#[test]
fn reserved_names_and_unsupported_ops_rejected() {
    let wasm = module(&format!(
        r#"(func (export "stylus_hack")) {}"#,
        entry("i32.const 0")
    ));
    assert_eq!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::ReservedName("stylus_hack".into()))
    );
    let wasm = module(&format!(
        r#"(data $d "hi") {}"#,
        entry("i32.const 0 i32.const 0 i32.const 2 memory.init $d i32.const 0")
    ));
    assert!(matches!(
        validate(&wasm, &Params::activation()),
        Err(ValidationError::UnsupportedOp { ref op, .. }) if op == "memory.init"
    ));
}

/// LLVM's reference-types encoding writes the `call_indirect` table index as a
/// padded 5-byte LEB; Nitro (no reference-types) rejects it. The same module
/// with a 1-byte index (what `--compress-relocations` produces) is accepted.
#[test]
fn padded_call_indirect_rejected_minimal_one_accepted() {
    let src = format!(
        r#"(module {HEAD} (type $t (func)) (table 1 funcref) (func $f) (elem (i32.const 0) $f)
           {})"#,
        entry("i32.const 0 call_indirect (type $t) i32.const 0")
    );
    let wasm = wat::parse_str(src).unwrap();
    assert!(validate(&wasm, &Params::activation()).is_ok());
    let padded = pad_call_indirect(&wasm);
    assert_ne!(padded, wasm);
    let err = validate(&padded, &Params::activation()).unwrap_err();
    assert!(matches!(err, ValidationError::Invalid { .. }), "{err:?}");
}

#[test]
fn oversized_module_rejected() {
    let mut wasm = module(&entry("i32.const 0"));
    // Append a 130 KiB custom section: still valid WASM, but too large.
    let payload = vec![b'x'; 130 * 1024];
    let mut section = vec![1u8, b'p'];
    section.extend_from_slice(&payload);
    wasm.push(0);
    let mut len = section.len() as u32;
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            wasm.push(byte);
            break;
        }
        wasm.push(byte | 0x80);
    }
    wasm.extend_from_slice(&section);
    // too large for MaxWasmSize before ArbOS 60 (128 KiB)...
    assert!(matches!(
        validate(&wasm, &Params::for_arbos(51)),
        Err(ValidationError::TooLarge { limit: 131_072, .. })
    ));
    // ...but within ArbOS 60+'s 256 KiB
    assert!(validate(&wasm, &Params::activation()).is_ok());
    let mut huge = wasm.clone();
    huge.resize(256 * 1024 + 1, 0);
    assert!(matches!(
        validate(&huge, &Params::activation()),
        Err(ValidationError::TooLarge { limit: 262_144, .. })
    ));
}

/// Rewrites the first `call_indirect` (0x11 typeidx 0x00) in the code section
/// with a 5-byte padded table index, fixing the (single-byte) size fields.
fn pad_call_indirect(wasm: &[u8]) -> Vec<u8> {
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        let size = wasm[pos + 1] as usize;
        assert!(size < 0x80, "test module sections are small");
        if id == 10 {
            let section = &wasm[pos + 2..pos + 2 + size];
            let mut body_pos = 1; // after the function count
            let mut out_section = vec![section[0]];
            for _ in 0..section[0] {
                let body_size = section[body_pos] as usize;
                let body = &section[body_pos + 1..body_pos + 1 + body_size];
                let mut new_body = body.to_vec();
                if let Some(i) = body.windows(3).position(|w| w[0] == 0x11 && w[2] == 0x00) {
                    new_body.splice(i + 2..i + 3, [0x80, 0x80, 0x80, 0x80, 0x00]);
                }
                out_section.push(new_body.len() as u8);
                out_section.extend_from_slice(&new_body);
                body_pos += 1 + body_size;
            }
            let mut out = wasm[..pos].to_vec();
            out.push(10);
            out.push(out_section.len() as u8);
            out.extend_from_slice(&out_section);
            out.extend_from_slice(&wasm[pos + 2 + size..]);
            return out;
        }
        pos += 2 + size;
    }
    panic!("no code section");
}

#[test]
fn multi_value_rejected_from_arbos_60() {
    use stylus_validate::rules::{max_wasm_size, ARBOS_VERSION_NO_MULTI_VALUE};
    let two_results = module(&format!(
        "(func $pair (result i32 i32) i32.const 1 i32.const 2) {}",
        entry("call $pair drop")
    ));
    let block_type = module(&entry(
        "i32.const 7 (block (param i32) (result i32)) drop i32.const 0",
    ));
    for wasm in [&two_results, &block_type] {
        // ArbOS 59 and Nitro's recompilation path (version 0) accept it
        for v in [0, ARBOS_VERSION_NO_MULTI_VALUE - 1] {
            assert!(validate(wasm, &Params::for_arbos(v)).is_ok(), "at {v}");
        }
        for v in [60, 61] {
            let err = validate(wasm, &Params::for_arbos(v)).unwrap_err();
            assert!(
                matches!(err, ValidationError::MultiValue { .. }),
                "at {v}: {err}"
            );
        }
    }
    // the default (ArbOS 61) rejects it, with wasmparser's words as Nitro reports them
    let text = validate(&two_results, &Params::activation())
        .unwrap_err()
        .to_string();
    assert!(
        text.starts_with(
            "rule no-multi-value: failed to validate user: func type returns multiple values"
        ),
        "{text}"
    );
    let text = validate(&block_type, &Params::activation())
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("blocks, loops, and ifs may only produce a resulttype"),
        "{text}"
    );
    // other invalid modules keep their own rule
    let simd = module(&entry("v128.const i64x2 0 0 drop i32.const 0"));
    assert!(matches!(
        validate(&simd, &Params::activation()),
        Err(ValidationError::Invalid { .. })
    ));
    assert_eq!(max_wasm_size(59), 128 * 1024);
    assert_eq!(max_wasm_size(60), 256 * 1024);
    assert_eq!(Params::activation().max_wasm_size, 256 * 1024);
}
