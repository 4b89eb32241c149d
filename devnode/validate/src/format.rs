//! The on-chain Stylus program format: `EF F0 00 <dict>` + brotli(wasm).
//!
//! cargo-stylus strips custom sections, compresses with brotli quality 11 and
//! window 22, and prefixes `EF F0 00 00` (no dictionary). This module does the
//! same for the build pipeline, and parses/decompresses it for the devnode.

use std::io::{Read, Write};

/// Prefix of classic Stylus code without a brotli dictionary (`EF F0 00 00`).
pub const PREFIX_NO_DICT: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];

/// The EIP-170 code size limit Arbitrum applies to Stylus code (prefix included).
pub const MAX_CODE_SIZE: usize = 24_576;

/// Nitro's `MaxWasmSize` before ArbOS 60: the decompressed WASM may not exceed
/// 128 KiB (256 KiB from ArbOS 60, [`crate::rules::max_wasm_size`]).
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// Errors from parsing or decompressing Stylus code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    /// The code does not start with `EF F0 00` followed by a dictionary byte.
    #[error("not Stylus code: missing the EF F0 00 prefix")]
    NotStylus,
    /// The dictionary byte names a dictionary this implementation lacks.
    #[error("unsupported brotli dictionary {0} (only 0, none, is supported)")]
    UnsupportedDictionary(u8),
    /// The brotli stream is corrupt.
    #[error("brotli stream is corrupt: {0}")]
    Corrupt(String),
    /// The decompressed WASM exceeds the limit.
    #[error("decompressed wasm exceeds {limit} bytes")]
    TooLarge {
        /// The limit that was exceeded.
        limit: usize,
    },
}

/// Returns `true` when `code` carries a classic Stylus prefix (`EF F0 00`,
/// with at least one byte after it), as geth's `IsStylusProgram` does.
#[must_use]
pub fn is_stylus_program(code: &[u8]) -> bool {
    code.len() > 3 && code[..3] == [0xEF, 0xF0, 0x00]
}

/// Compresses `wasm` exactly as cargo-stylus does (brotli quality 11, window 22).
#[must_use]
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        // Writing into a Vec cannot fail.
        w.write_all(wasm).expect("in-memory write");
    }
    out
}

/// Builds the deployable program code: `EF F0 00 00 || brotli(wasm)`.
#[must_use]
pub fn program_code(wasm: &[u8]) -> Vec<u8> {
    let mut code = PREFIX_NO_DICT.to_vec();
    code.extend_from_slice(&compress(wasm));
    code
}

/// Decompresses classic Stylus code back to WASM, refusing more than `limit` bytes.
///
/// # Errors
/// [`FormatError`] when the prefix, dictionary or stream is bad, or the output
/// exceeds `limit`.
pub fn decompress_program(code: &[u8], limit: usize) -> Result<Vec<u8>, FormatError> {
    if !is_stylus_program(code) {
        return Err(FormatError::NotStylus);
    }
    if code[3] != 0 {
        return Err(FormatError::UnsupportedDictionary(code[3]));
    }
    let mut reader = brotli::Decompressor::new(&code[4..], 4096).take(limit as u64 + 1);
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .map_err(|e| FormatError::Corrupt(e.to_string()))?;
    if out.len() > limit {
        return Err(FormatError::TooLarge { limit });
    }
    Ok(out)
}

/// Removes every custom section (names, producers, debug info) from a WASM
/// binary, leaving all other sections byte-for-byte intact.
///
/// # Errors
/// Returns a message when the binary is truncated or not WASM.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    strip_sections(wasm, |id| id == 0)
}

/// `wasm` without the sections whose id `drop` selects (e.g. `0` custom,
/// `12` DataCount), every other section kept byte for byte.
///
/// # Errors
/// When `wasm` is not a well-formed sequence of sections.
pub fn strip_sections(wasm: &[u8], drop: impl Fn(u8) -> bool) -> Result<Vec<u8>, String> {
    if wasm.len() < 8 || wasm[..4] != *b"\0asm" {
        return Err("not a wasm binary".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut pos = 8;
    while pos < wasm.len() {
        let start = pos;
        let id = wasm[pos];
        pos += 1;
        let (size, len) = read_leb_u32(&wasm[pos..]).ok_or("bad section size")?;
        pos += len;
        let end = pos
            .checked_add(size as usize)
            .filter(|&e| e <= wasm.len())
            .ok_or("section overruns the binary")?;
        if !drop(id) {
            out.extend_from_slice(&wasm[start..end]);
        }
        pos = end;
    }
    Ok(out)
}

fn read_leb_u32(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut result: u32 = 0;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        result |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((result, i + 1));
        }
    }
    None
}

/// The EVM init code cargo-stylus deploys: a 43-byte prelude that returns
/// `code` as the new contract's runtime code.
///
/// Layout: `PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY, PUSH1 0, RETURN,
/// <version byte 0>, code`.
#[must_use]
pub fn deploy_init_code(code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(43 + code.len());
    init.push(0x7f); // PUSH32
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(code.len() as u64).to_be_bytes());
    init.extend_from_slice(&len);
    init.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend_from_slice(code);
    init
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_sections_drops_only_the_selected_ids() {
        let module = wat::parse_str("(module (memory 1) (data (i32.const 0) \"hi\"))").unwrap();
        // Insert a DataCount section (id 12, one segment) before the data
        // section, as wasm-opt writes it, and a custom section at the end.
        // The data section is the module's last: id 11, size, one segment
        // (flags 0, `i32.const 0`, `end`, length 2, "hi").
        let data_at = module.len() - (1 + 1 + 1 + 1 + 3 + 1 + 2);
        assert_eq!(module[data_at], 11);
        let mut with = module[..data_at].to_vec();
        with.extend_from_slice(&[12, 1, 1]);
        with.extend_from_slice(&module[data_at..]);
        with.extend_from_slice(&[0, 3, 2, b'n', b'm']);
        assert!(wasmparser::validate(&with).is_ok());
        let stripped = strip_sections(&with, |id| id == 0 || id == 12).unwrap();
        assert_eq!(stripped, module);
        assert_eq!(
            strip_custom_sections(&with).unwrap(),
            with[..with.len() - 5]
        );
        assert!(strip_sections(&with[..with.len() - 1], |_| false).is_err());
    }

    #[test]
    fn round_trip_and_limit() {
        let wasm = wat::parse_str("(module (memory 1) (func (export \"f\")))").unwrap();
        let code = program_code(&wasm);
        assert_eq!(code[..4], PREFIX_NO_DICT);
        assert_eq!(decompress_program(&code, MAX_WASM_SIZE).unwrap(), wasm);
        assert_eq!(
            decompress_program(&code, wasm.len() - 1),
            Err(FormatError::TooLarge {
                limit: wasm.len() - 1
            })
        );
        assert_eq!(
            decompress_program(&[0xEF, 0xF0, 0x00], 10),
            Err(FormatError::NotStylus)
        );
        let mut dict = code;
        dict[3] = 1;
        assert_eq!(
            decompress_program(&dict, 10),
            Err(FormatError::UnsupportedDictionary(1))
        );
        let mut bad = PREFIX_NO_DICT.to_vec();
        bad.extend_from_slice(&[0xff; 16]);
        assert!(matches!(
            decompress_program(&bad, 100),
            Err(FormatError::Corrupt(_))
        ));
    }

    #[test]
    fn strips_only_custom_sections() {
        let wasm =
            wat::parse_str("(module (@custom \"x\" \"hello\") (memory 1) (@custom \"y\" \"z\"))")
                .unwrap();
        let stripped = strip_custom_sections(&wasm).unwrap();
        assert!(stripped.len() < wasm.len());
        assert!(!stripped.windows(5).any(|w| w == b"hello"));
        // memory section (id 5) still there, and the binary still parses
        assert!(stripped.contains(&5));
        assert_eq!(strip_custom_sections(&stripped).unwrap(), stripped);
        assert!(strip_custom_sections(b"nope").is_err());
        assert!(strip_custom_sections(&wasm[..wasm.len() - 1]).is_err());
    }

    #[test]
    fn init_code_returns_the_code() {
        let code = [0xEF, 0xF0, 0x00, 0x00, 1, 2, 3];
        let init = deploy_init_code(&code);
        assert_eq!(init.len(), 43 + code.len());
        assert_eq!(init[0], 0x7f);
        assert_eq!(init[32], code.len() as u8);
        assert_eq!(init[35], 43); // PUSH1 43: offset of the code
        assert_eq!(&init[43..], &code);
    }
}
