//! The WASM pipeline: compile every contract for `wasm32-unknown-unknown`,
//! process it as cargo-stylus does, and gate it against Nitro's rules.
//!
//! The compiler is chosen (and on Debian installed or upgraded, never
//! downloaded) by [`crate::toolchain`].

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use stylus_validate::fragments::{fragment_capacity, fragments_needed};
use stylus_validate::{
    validate, Params, FRAGMENTED_MAX_WASM_SIZE, MAX_CODE_SIZE, MAX_FRAGMENTS, PREFIX_NO_DICT,
};

use crate::toolchain::{Toolchain, TARGET};
use crate::workspace::{contract_crates, ContractCrate};

/// One contract's processed artefact and its figures.
///
/// Two limits apply to the deployed code. A single program is one contract:
/// `EF F0 00 00` + brotli stream, at most [`MAX_CODE_SIZE`] bytes. Above
/// that, ArbOS 60+ deploys it *fragmented*: the stream split over up to
/// [`MAX_FRAGMENTS`] fragment contracts (`EF F0 01` + at most 24,573 bytes
/// each) named by a root program, with the decompressed WASM at most
/// [`FRAGMENTED_MAX_WASM_SIZE`]. The gate fails only above the fragmented
/// limit (or on a broken rule).
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    /// Cargo package name.
    pub contract: String,
    /// Stripped WASM (`target/wasm/<contract>.wasm`).
    pub wasm_path: PathBuf,
    /// Raw (stripped) WASM size in bytes.
    pub raw_bytes: usize,
    /// Compressed size as a single program: `EF F0 00 00` prefix + brotli stream.
    pub code_bytes: usize,
    /// `code_bytes` as a percentage of the 24,576-byte single-program limit.
    pub percent_of_limit: f64,
    /// Fragments the program needs (0: it fits as a single program).
    pub fragments: usize,
    /// Bytes left under the single-program limit (`MAX_CODE_SIZE - code_bytes`;
    /// negative above it).
    pub single_headroom: i64,
    /// Bytes of brotli stream left under the fragmented limit
    /// (`MAX_FRAGMENTS` × 24,573 − stream; negative above it).
    pub fragmented_headroom: i64,
    /// Bytes left under the fragmented decompressed limit
    /// (`FRAGMENTED_MAX_WASM_SIZE - raw_bytes`).
    pub wasm_headroom: i64,
    /// Host functions imported.
    pub imports: usize,
    /// The first rule the module breaks, if any (the fragmented limits included).
    pub error: Option<String>,
}

impl Artifact {
    /// Whether the artefact passes the gate (a fragmented program passes).
    #[must_use]
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// The status column: `ok`, `fragmented (N)`, or the broken rule.
    #[must_use]
    pub fn status(&self) -> String {
        match (&self.error, self.fragments) {
            (Some(e), _) => e.clone(),
            (None, 0) => "ok".into(),
            (None, n) => format!("fragmented ({n})"),
        }
    }
}

fn headroom(limit: usize, used: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX) - i64::try_from(used).unwrap_or(i64::MAX)
}

/// Size levers of the Debian build (it compiles std itself, so it can build
/// std the way a contract needs; rustup's prebuilt std cannot), measured
/// together at −1.4 to −3.9 KB compressed per contract:
/// * `panic = "immediate-abort"`: every panic, in std and core too, is a
///   bare `unreachable` trap — no panic machinery, no message formatting
///   (a contract's own panic handler only traps as well, so behaviour is the
///   same: the call reverts);
/// * std's `optimize_for_size` feature (smaller algorithms in core/alloc);
/// * `-Zfmt-debug=none` (`Debug` impls print nothing: nothing on-chain
///   prints) and `-Zlocation-detail=none` (no file/line strings in the data
///   segment, which also lowers `cachedGas`: Nitro prices data bytes).
///
/// The rustflags entry is appended to `.cargo/config.toml`'s (cargo merges
/// `--config` arrays), so `--compress-relocations` and the stack size stay.
const DEBIAN_SIZE_FLAGS: [&str; 6] = [
    "-Zbuild-std-features=optimize_for_size",
    "-Zpanic-immediate-abort",
    "--config",
    "profile.release.panic=\"immediate-abort\"",
    "--config",
    "target.wasm32-unknown-unknown.rustflags=[\"-Zfmt-debug=none\",\"-Zlocation-detail=none\"]",
];

/// Compiles one contract to WASM and returns the directory holding its
/// `<lib_name>.wasm`. One package per cargo invocation, as cargo-stylus does:
/// building several together would unify their dependencies' features and
/// make each WASM larger.
///
/// # Errors
/// When cargo fails.
pub fn compile(root: &Path, toolchain: Toolchain, contract: &ContractCrate) -> Result<PathBuf> {
    let (mut cmd, target_dir) = match toolchain {
        Toolchain::Rustup => {
            let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
            c.args([
                "build",
                "--release",
                "--locked",
                "--lib",
                "--target",
                TARGET,
            ]);
            c.env("RUSTUP_AUTO_INSTALL", "0");
            (c, root.join("target"))
        }
        Toolchain::Debian => {
            let mut c = Command::new("/usr/bin/cargo");
            c.args([
                "build",
                "--release",
                "--locked",
                "--lib",
                "--target",
                TARGET,
                "-Zbuild-std=std,panic_abort",
            ]);
            c.args(DEBIAN_SIZE_FLAGS);
            c.args(["--target-dir", "target/debian"]);
            c.env("RUSTC", "/usr/bin/rustc")
                .env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-19")
                .env_remove("RUSTUP_TOOLCHAIN")
                .env_remove("RUSTC_WRAPPER");
            (c, root.join("target/debian"))
        }
    };
    // .cargo/config.toml's `--compress-relocations` must apply: RUSTFLAGS would override it.
    cmd.env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR");
    cmd.env_remove("CARGO_BUILD_TARGET_DIR");
    cmd.args(["-p", &contract.package]);
    cmd.current_dir(root);
    let status = cmd.status().context("running cargo")?;
    if !status.success() {
        bail!("cargo build for {TARGET} failed ({status})");
    }
    Ok(target_dir.join(TARGET).join("release"))
}

/// `wasm-opt` flags: size optimisation with the two post-MVP features rustc
/// emits and Nitro accepts (bulk memory's `memory.copy`/`memory.fill`, sign
/// extension). Measured on every contract: the same compressed size within
/// ±3 %, but `cachedGas` −1.3k to −2.6k and `initGas` −1.5k to −3.5k per
/// call, because Nitro prices a module by its data bytes and function
/// count, and rustc's data segment is mostly zeros (wasm-opt's memory
/// packing drops them) while wasm-opt also inlines small functions.
pub const WASM_OPT_FLAGS: [&str; 3] = ["-Os", "--enable-bulk-memory", "--enable-sign-ext"];

/// Extra `wasm-opt` passes tried after [`WASM_OPT_FLAGS`] alone: the build
/// keeps whichever output compresses smallest ([`optimize`]). Brotli's
/// output moves by a few hundred bytes with the order and inlining of the
/// same code, and no one setting wins everywhere (measured: `--converge`
/// saves 327 B on provenance and 123 B on ip-editions but costs 184 B on
/// share-vault; `-Oz --converge` saves 177 B on share-offering).
pub const WASM_OPT_VARIANTS: [&[&str]; 3] = [&[], &["--converge"], &["-Oz", "--converge"]];

/// The DataCount section's id: wasm-opt writes one whenever bulk memory is
/// enabled, but it is only needed by `memory.init`/`data.drop`, which the
/// gate rejects anyway; rustc never writes one, so the deployed module
/// keeps rustc's section layout.
const DATA_COUNT_SECTION: u8 = 12;

/// Runs `wasm-opt` ([`WASM_OPT_FLAGS`] with each of [`WASM_OPT_VARIANTS`])
/// on a compiled contract and writes to `output` the result that is
/// smallest once stripped and compressed as deployed (the first on a tie,
/// so the choice is deterministic).
///
/// # Errors
/// When wasm-opt fails (its output is in the message).
pub fn optimize(wasm_opt: &Path, input: &Path, output: &Path) -> Result<()> {
    let mut best: Option<(usize, Vec<u8>)> = None;
    let candidate = output.with_extension("candidate.wasm");
    for extra in WASM_OPT_VARIANTS {
        let mut flags: Vec<&str> = WASM_OPT_FLAGS.to_vec();
        // A later `-O` level replaces the first.
        flags.extend_from_slice(extra);
        let out = Command::new(wasm_opt)
            .args(&flags)
            .arg(input)
            .arg("-o")
            .arg(&candidate)
            .output()
            .with_context(|| format!("running {}", wasm_opt.display()))?;
        if !out.status.success() {
            bail!(
                "wasm-opt {} failed on {}: {}",
                flags.join(" "),
                input.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let bytes = std::fs::read(&candidate)?;
        let size = deployed_size(&bytes).with_context(|| format!("{}", input.display()))?;
        if best.as_ref().is_none_or(|(b, _)| size < *b) {
            best = Some((size, bytes));
        }
    }
    let _ = std::fs::remove_file(&candidate);
    // WASM_OPT_VARIANTS is not empty, so a result exists.
    let (_, bytes) = best.context("no wasm-opt variant")?;
    std::fs::write(output, bytes)?;
    Ok(())
}

/// A compiled contract as deployed: without custom sections and the
/// DataCount section.
fn deployed_wasm(bytes: &[u8]) -> Result<Vec<u8>> {
    stylus_validate::strip_sections(bytes, |id| id == 0 || id == DATA_COUNT_SECTION)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Compressed size of a compiled contract as [`process`] deploys it.
fn deployed_size(bytes: &[u8]) -> Result<usize> {
    Ok(stylus_validate::compress(&deployed_wasm(bytes)?).len())
}

/// Strips, validates and compresses one compiled contract, writing
/// `out_dir/<contract>.wasm` and `out_dir/<contract>.wasm.br`.
///
/// # Errors
/// On I/O errors or a malformed binary; rule violations (the fragmented
/// size limits included) are recorded in the returned [`Artifact`] instead.
pub fn process(
    contract: &str,
    compiled: &Path,
    out_dir: &Path,
    topics: &[[u8; 32]],
) -> Result<Artifact> {
    let bytes =
        std::fs::read(compiled).with_context(|| format!("reading {}", compiled.display()))?;
    let wasm = deployed_wasm(&bytes).with_context(|| compiled.display().to_string())?;
    // The gate's rules are the default ArbOS version's (256 KiB of WASM from 60).
    let (imports, error) = match validate(&wasm, &Params::build_gate()) {
        Ok(info) => (info.imports.len(), None),
        Err(e) => (0, Some(e.to_string())),
    };
    let brotli = stylus_validate::compress(&wasm);
    let code_bytes = PREFIX_NO_DICT.len() + brotli.len();
    let fragments = fragments_needed(brotli.len(), MAX_CODE_SIZE);
    std::fs::create_dir_all(out_dir)?;
    let wasm_path = out_dir.join(format!("{contract}.wasm"));
    std::fs::write(&wasm_path, &wasm)?;
    std::fs::write(out_dir.join(format!("{contract}.wasm.br")), &brotli)?;
    let capacity = fragment_capacity(MAX_CODE_SIZE);
    let error = error
        .or_else(|| {
            (fragments > MAX_FRAGMENTS).then(|| {
                format!(
                    "rule max-fragments: {code_bytes} bytes of code need {fragments} fragments of \
                     {capacity} bytes, at most {MAX_FRAGMENTS}"
                )
            })
        })
        .or_else(|| software_keccak(&wasm))
        .or_else(|| topics_in_data(&wasm, topics));
    Ok(Artifact {
        contract: contract.to_string(),
        wasm_path,
        raw_bytes: wasm.len(),
        code_bytes,
        percent_of_limit: code_bytes as f64 * 100.0 / MAX_CODE_SIZE as f64,
        fragments,
        single_headroom: headroom(MAX_CODE_SIZE, code_bytes),
        fragmented_headroom: headroom(MAX_FRAGMENTS * capacity, brotli.len()),
        wasm_headroom: headroom(FRAGMENTED_MAX_WASM_SIZE, wasm.len()),
        imports,
        error,
    })
}

/// The 24 round constants of Keccak-f\[1600\] (FIPS 202, ι step).
const KECCAK_ROUND_CONSTANTS: [u64; 24] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808A,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808B,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008A,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000A,
    0x0000_0000_8000_808B,
    0x8000_0000_0000_008B,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800A,
    0x8000_0000_8000_000A,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// How many distinct distinctive round constants make a software Keccak:
/// half of the 16 (see [`distinctive_round_constants`]). Keccak-f needs all
/// of them (a 12-round Keccak-p the last 12, of which 10 are distinctive),
/// while no other code has reason to hold more than one or two.
const KECCAK_CONSTANTS_THRESHOLD: usize = 8;

/// The round constants with a bit above bit 15 set, deduplicated (16 of the
/// 24): values such as 1, 0x88 or 0x808b also occur in ordinary code, these
/// do not.
fn distinctive_round_constants() -> Vec<u64> {
    let mut v: Vec<u64> = KECCAK_ROUND_CONSTANTS
        .iter()
        .copied()
        .filter(|c| *c > 0xFFFF)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// `i64.const value`: opcode `0x42` and the signed LEB128 immediate.
fn i64_const(value: u64) -> Vec<u8> {
    let mut v = value as i64;
    let mut out = vec![0x42];
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return out;
        }
    }
}

/// The `no-software-keccak` rule: a Stylus program must hash with the
/// `native_keccak256` hostio (a few dozen gas), never with a Keccak compiled
/// into its WASM (thousands of gas of metered code per hash, and kilobytes of
/// code). A dependency that enables alloy-primitives' `tiny-keccak` (or
/// `sha3-keccak`) feature silently switches every `keccak256` of the
/// program, `StorageMap` slots included, to software; this rule catches it.
///
/// A software Keccak-f\[1600\] carries its round constants, either as a
/// table of little-endian `u64`s in a data segment (tiny-keccak's loop) or as
/// `i64.const` immediates (an unrolled permutation). The module is flagged
/// when at least [`KECCAK_CONSTANTS_THRESHOLD`] of the 16 distinctive
/// constants occur in either form anywhere in its bytes. Matching each
/// constant on its own, not the table as one run, stays robust when
/// wasm-opt splits a data segment at its zero runs or the compiler reorders
/// an unrolled loop.
#[must_use]
pub fn software_keccak(wasm: &[u8]) -> Option<String> {
    let contains = |needle: &[u8]| wasm.windows(needle.len()).any(|w| w == needle);
    let distinctive = distinctive_round_constants();
    let (mut in_data, mut in_code) = (0usize, 0usize);
    for c in &distinctive {
        if contains(&c.to_le_bytes()) {
            in_data += 1;
        } else if contains(&i64_const(*c)) {
            in_code += 1;
        }
    }
    (in_data + in_code >= KECCAK_CONSTANTS_THRESHOLD).then(|| {
        format!(
            "rule no-software-keccak: {} of the {} distinctive Keccak-f[1600] round constants \
             found ({in_data} as data, {in_code} as i64.const): a software keccak is linked in \
             (a dependency enables alloy-primitives' tiny-keccak/sha3-keccak); hash with the \
             native_keccak256 hostio (stylus_sdk::crypto::keccak, StorageMap)",
            in_data + in_code,
            distinctive.len()
        )
    })
}

/// Every event topic (signature hash) the suite's exported ABIs declare
/// (`abi/*.json`), for the `no-topics-in-data` rule.
///
/// # Errors
/// When `abi/` cannot be read or a file is not a JSON ABI.
pub fn suite_event_topics(root: &Path) -> Result<Vec<[u8; 32]>> {
    let mut topics = Vec::new();
    let dir = root.join("abi");
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path)?;
            let abi: alloy::json_abi::JsonAbi = serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", path.display()))?;
            topics.extend(abi.events().map(|e| e.selector().0));
        }
    }
    topics.sort_unstable();
    topics.dedup();
    Ok(topics)
}

/// The `no-topics-in-data` rule: no event topic of the suite may sit in a
/// program's data segment. Nitro prices every data-segment byte into the
/// program's `cachedGas` (about 0.75 gas a byte, on every entry into the
/// program), so a 32-byte topic there costs about 24 gas on every call,
/// whichever function runs; built from code immediates
/// (`stylus_ip_common::topic!`) it costs nothing per entry. A topic in
/// code is four separate `i64.const` immediates, so any 32 contiguous bytes
/// equal to a topic are data.
#[must_use]
pub fn topics_in_data(wasm: &[u8], topics: &[[u8; 32]]) -> Option<String> {
    let found = wasm
        .windows(32)
        .filter(|w| topics.binary_search_by(|t| t.as_slice().cmp(w)).is_ok())
        .count();
    (found > 0).then(|| {
        format!(
            "rule no-topics-in-data: {found} event topic(s) of abi/*.json in the data segment: \
             each costs about 24 gas of cachedGas on every entry into the program; build topic \
             0 with stylus_ip_common::topic! (or emit!) instead of SolEvent::SIGNATURE_HASH"
        )
    })
}

/// Renders the size table: sizes, fragments needed, headroom against the
/// single-program and the fragmented limits, and the gate's verdict.
#[must_use]
pub fn table(artifacts: &[Artifact]) -> String {
    let mut s = format!(
        "{:<20} {:>10} {:>11} {:>8} {:>6} {:>11} {:>11} {:>11}  {}\n",
        "contract",
        "raw bytes",
        "code bytes",
        "% single",
        "frags",
        "single room",
        "frag. room",
        "wasm room",
        "status"
    );
    for a in artifacts {
        s.push_str(&format!(
            "{:<20} {:>10} {:>11} {:>7.1}% {:>6} {:>11} {:>11} {:>11}  {}\n",
            a.contract,
            a.raw_bytes,
            a.code_bytes,
            a.percent_of_limit,
            a.fragments,
            a.single_headroom,
            a.fragmented_headroom,
            a.wasm_headroom,
            a.status()
        ));
    }
    s.push_str(&format!(
        "(code bytes = EF F0 00 00 prefix + brotli q11 w22 of the stripped WASM; single-program limit \
         {MAX_CODE_SIZE}; above it the program is deployed fragmented (ArbOS 60+): at most \
         {MAX_FRAGMENTS} fragments of EF F0 01 + {} bytes, WASM at most {FRAGMENTED_MAX_WASM_SIZE} \
         bytes; room = bytes left, negative above the limit)\n",
        fragment_capacity(MAX_CODE_SIZE)
    ));
    s
}

/// Builds, processes and gates every contract (or only `only`, if given),
/// writing `target/wasm/` and `target/wasm/sizes.json`.
///
/// # Errors
/// When the build fails or any contract breaks a rule or the fragmented
/// size limit (a program only above the single-program limit passes, shown
/// as `fragmented (N)`).
pub fn build_all(root: &Path, only: &[String]) -> Result<Vec<Artifact>> {
    let mut crates = contract_crates(root)?;
    if !only.is_empty() {
        for name in only {
            if !crates.iter().any(|c| &c.package == name) {
                bail!("unknown contract `{name}`");
            }
        }
        crates.retain(|c| only.contains(&c.package));
    }
    if crates.is_empty() {
        bail!(
            "no contract crates (contracts/*/Stylus.toml) found under {}",
            root.display()
        );
    }
    let toolchain = crate::toolchain::select(root)?;
    eprintln!(
        "building {} contract(s) with the {toolchain:?} toolchain",
        crates.len()
    );
    let wasm_opt = crate::toolchain::wasm_opt()?;
    let topics = suite_event_topics(root)?;
    let mut dir = PathBuf::new();
    for c in &crates {
        dir = compile(root, toolchain, c)?;
    }
    let out_dir = root.join("target/wasm");
    std::fs::create_dir_all(&out_dir)?;
    let artifacts = crates
        .iter()
        .map(|c| {
            let optimised = out_dir.join(format!("{}.opt.wasm", c.package));
            optimize(
                &wasm_opt,
                &dir.join(format!("{}.wasm", c.lib_name())),
                &optimised,
            )?;
            process(&c.package, &optimised, &out_dir, &topics)
        })
        .collect::<Result<Vec<_>>>()?;
    std::fs::write(
        out_dir.join("sizes.json"),
        serde_json::to_string_pretty(&artifacts)?,
    )?;
    print!("{}", table(&artifacts));
    let failed: Vec<_> = artifacts
        .iter()
        .filter(|a| !a.ok())
        .map(|a| a.contract.as_str())
        .collect();
    if !failed.is_empty() {
        bail!("Stylus gate failed for: {}", failed.join(", "));
    }
    Ok(artifacts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wasm(dir: &Path, name: &str, wat: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
        path
    }

    fn tempdir(tag: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("stylus-ip-build-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn process_writes_artifacts_and_passes_a_valid_program() {
        let dir = tempdir("ok");
        let src = write_wasm(
            &dir,
            "in.wasm",
            r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                 (memory (export "memory") 1) (@custom "name" "junk")
                 (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        );
        let a = process("demo", &src, &dir.join("out"), &[]).unwrap();
        assert!(a.ok(), "{a:?}");
        let written = std::fs::read(dir.join("out/demo.wasm")).unwrap();
        assert_eq!(written.len(), a.raw_bytes);
        assert!(
            !written.windows(4).any(|w| w == b"junk"),
            "custom sections are stripped"
        );
        let br = std::fs::read(dir.join("out/demo.wasm.br")).unwrap();
        assert_eq!(a.code_bytes, br.len() + 4);
        assert!(table(&[a]).contains("demo"));
    }

    /// A program with `data_len` bytes of incompressible data (xorshift).
    fn noisy_program(data_len: usize) -> String {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut data = String::new();
        for _ in 0..data_len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            data.push_str(&format!("\\{:02x}", x as u8));
        }
        let pages = (1024 + data_len).div_ceil(65_536);
        format!(
            r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                 (memory (export "memory") {pages} {pages})
                 (data (i32.const 1024) "{data}")
                 (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    }

    #[test]
    fn above_the_single_limit_is_fragmented_and_passes() {
        let dir = tempdir("frag");
        let src = write_wasm(&dir, "in.wasm", &noisy_program(40_000));
        let a = process("big", &src, &dir.join("out"), &[]).unwrap();
        assert!(a.ok(), "{a:?}");
        assert!(a.code_bytes > MAX_CODE_SIZE);
        assert_eq!(a.fragments, 2);
        assert_eq!(a.status(), "fragmented (2)");
        assert!(a.single_headroom < 0);
        assert_eq!(
            a.fragmented_headroom,
            4 * 24_573 - (a.code_bytes as i64 - 4)
        );
        assert_eq!(a.wasm_headroom, 256 * 1024 - a.raw_bytes as i64);
        let t = table(std::slice::from_ref(&a));
        assert!(t.contains("fragmented (2)"), "{t}");
        // the JSON beside the WASM carries the new figures
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["fragments"], 2);
        assert!(json["single_headroom"].as_i64().unwrap() < 0);
    }

    #[test]
    fn above_the_fragmented_limit_fails() {
        let dir = tempdir("toobig");
        let src = write_wasm(&dir, "in.wasm", &noisy_program(4 * 24_573 + 100));
        let a = process("huge", &src, &dir.join("out"), &[]).unwrap();
        assert!(!a.ok());
        assert_eq!(a.fragments, 5);
        assert!(a.fragmented_headroom < 0);
        assert!(
            a.error.as_deref().unwrap().contains("rule max-fragments"),
            "{a:?}"
        );
    }

    /// A module with `n` distinctive round constants as a little-endian
    /// data table and `m` more as `i64.const` immediates.
    fn keccak_like_program(n: usize, m: usize) -> String {
        let consts = distinctive_round_constants();
        let data: String = consts[..n]
            .iter()
            .flat_map(|c| c.to_le_bytes())
            .map(|b| format!("\\{b:02x}"))
            .collect();
        let code: String = consts[n..n + m]
            .iter()
            .map(|c| format!("i64.const {} drop ", *c as i64))
            .collect();
        format!(
            r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                 (memory (export "memory") 1 1)
                 (data (i32.const 1024) "{data}")
                 (func (export "user_entrypoint") (param i32) (result i32) {code} i32.const 0))"#
        )
    }

    #[test]
    fn i64_const_encodes_signed_leb128() {
        assert_eq!(i64_const(0), [0x42, 0x00]);
        assert_eq!(i64_const(63), [0x42, 0x3f]);
        assert_eq!(i64_const(64), [0x42, 0xc0, 0x00]);
        assert_eq!(i64_const(u64::MAX), [0x42, 0x7f]);
        // The assembler agrees on a real constant.
        let wasm =
            wat::parse_str("(module (func (result i64) i64.const 0x800000000000808a))").unwrap();
        let needle = i64_const(0x8000_0000_0000_808A);
        assert!(wasm.windows(needle.len()).any(|w| w == needle.as_slice()));
    }

    #[test]
    fn the_keccak_gate_flags_round_constants_as_data_or_code() {
        assert_eq!(distinctive_round_constants().len(), 16);
        let dir = tempdir("keccak");
        for (n, m, flagged) in [
            (16, 0, true), // tiny-keccak's table
            (0, 16, true), // an unrolled permutation
            (4, 4, true),  // mixed, at the threshold
            (7, 0, false), // below it
            (0, 0, false),
        ] {
            let src = write_wasm(&dir, "k.wasm", &keccak_like_program(n, m));
            let a = process("k", &src, &dir.join("out"), &[]).unwrap();
            assert_eq!(!a.ok(), flagged, "{n} data + {m} code: {a:?}");
            if flagged {
                let e = a.error.unwrap();
                assert!(e.contains("rule no-software-keccak"), "{e}");
                assert!(e.contains(&format!("{n} as data, {m} as i64.const")), "{e}");
            }
        }
        // The full 24-entry table, as tiny-keccak lays it out, is flagged too.
        let table: Vec<u8> = KECCAK_ROUND_CONSTANTS
            .iter()
            .flat_map(|c| c.to_le_bytes())
            .collect();
        let mut module = wat::parse_str("(module)").unwrap();
        module.extend_from_slice(&table);
        assert!(software_keccak(&module).is_some());
        assert!(software_keccak(&wat::parse_str("(module)").unwrap()).is_none());
    }

    /// A program holding `topic` as a data segment (`as_data`) or as the
    /// four `i64.const` immediates `stylus_ip_common::topic!` compiles to.
    fn topic_program(topic: [u8; 32], as_data: bool) -> String {
        let (data, code) = if as_data {
            let bytes: String = topic.iter().map(|b| format!("\\{b:02x}")).collect();
            (
                format!(r#"(data (i32.const 1024) "{bytes}")"#),
                String::new(),
            )
        } else {
            let code: String = topic
                .chunks(8)
                .map(|c| {
                    let w = u64::from_le_bytes(c.try_into().unwrap());
                    format!("i64.const {} drop ", w as i64)
                })
                .collect();
            (String::new(), code)
        };
        format!(
            r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                 (memory (export "memory") 1 1) {data}
                 (func (export "user_entrypoint") (param i32) (result i32) {code} i32.const 0))"#
        )
    }

    #[test]
    fn the_topic_gate_flags_a_suite_topic_in_data_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let topics = suite_event_topics(&root).unwrap();
        // ERC-721 `Transfer`, which ip-collection emits, is among them.
        let transfer = alloy_primitives::keccak256("Transfer(address,address,uint256)").0;
        assert!(topics.contains(&transfer));
        assert!(topics.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        let dir = tempdir("topics");
        for (as_data, flagged) in [(true, true), (false, false)] {
            let src = write_wasm(&dir, "t.wasm", &topic_program(transfer, as_data));
            let a = process("t", &src, &dir.join("out"), &topics).unwrap();
            assert_eq!(!a.ok(), flagged, "as data: {as_data}: {a:?}");
            if flagged {
                let e = a.error.unwrap();
                assert!(e.contains("rule no-topics-in-data: 1 event topic"), "{e}");
            }
        }
        // A 32-byte constant that is no suite topic passes.
        let other = alloy_primitives::keccak256("not an event").0;
        let src = write_wasm(&dir, "t.wasm", &topic_program(other, true));
        assert!(process("t", &src, &dir.join("out"), &topics).unwrap().ok());
    }

    #[test]
    fn process_records_the_broken_rule() {
        let dir = tempdir("bad");
        let src = write_wasm(
            &dir,
            "in.wasm",
            r#"(module (memory (export "memory") 1 1))"#,
        );
        let a = process("bad", &src, &dir.join("out"), &[]).unwrap();
        assert!(!a.ok());
        assert!(a.error.unwrap().contains("rule entrypoint"));
    }
}
