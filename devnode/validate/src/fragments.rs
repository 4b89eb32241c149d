//! Fragmented Stylus programs (ArbOS 60+): compressed code too large for one
//! contract is spread over *fragment* contracts, and a small *root* contract
//! names them.
//!
//! * A fragment's code is `EF F0 01` followed by a slice of the compressed
//!   (brotli) WASM stream. Fragments cannot be activated or called.
//! * A root's code is `EF F0 02`, a dictionary byte, the decompressed WASM
//!   length as a big-endian `u32`, then the fragments' 20-byte addresses in
//!   order. Activating the root concatenates the fragments' slices,
//!   decompresses the result and checks its length against the declared one.
//!   The root is the program: ArbWasm keys its record by the root's code hash.
//!
//! The chain bounds both: `MaxFragmentCount` fragments
//! (`ArbOwnerPublic.getMaxStylusContractFragments()`, 4 on Arbitrum One at
//! ArbOS 61, 0 before ArbOS 60), each fragment's code at most `MaxCodeSize`
//! bytes prefix included, and the decompressed WASM at most `MaxWasmSize`.
//!
//! ```
//! use stylus_validate::fragments;
//! let wasm = vec![7u8; 1000];
//! let brotli = stylus_validate::compress(&wasm);
//! let split = fragments::split(&brotli, wasm.len(), 8);
//! assert_eq!(split.fragments.len(), brotli.len().div_ceil(5));
//! let root = fragments::root_code(split.wasm_len, &[[1; 20]; 2]);
//! assert_eq!(&root[..4], &[0xEF, 0xF0, 0x02, 0x00]);
//! ```

use crate::format::{decompress_program, FormatError, PREFIX_NO_DICT};

/// Prefix of a fragment's code (`EF F0 01`).
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];

/// Prefix of a root program's code (`EF F0 02`), followed by the dictionary byte.
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];

/// Length of a root's header: prefix, dictionary byte, `u32` WASM length.
pub const ROOT_HEADER_LEN: usize = 8;

/// `MaxFragmentCount` on Arbitrum One and Nova at ArbOS 61 (the value to
/// plan against; read the target chain's with
/// `ArbOwnerPublic.getMaxStylusContractFragments()`).
pub const MAX_FRAGMENTS: usize =
    crate::rules::max_fragment_count(crate::rules::DEFAULT_ARBOS_VERSION);

/// `MaxWasmSize` at ArbOS 60+: the decompressed WASM may reach 256 KiB.
pub const FRAGMENTED_MAX_WASM_SIZE: usize = crate::rules::MAX_WASM_SIZE_ARBOS_60;

/// Errors from parsing fragments and roots or reassembling a program.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FragmentError {
    /// The code does not start with `EF F0 02`, or its address list is not
    /// a whole number of 20-byte addresses.
    #[error("not a Stylus root program (EF F0 02 <dict> <u32 length> <20-byte addresses>)")]
    NotRoot,
    /// The root names no fragment.
    #[error("the root names no fragment")]
    NoFragments,
    /// A fragment's code lacks the `EF F0 01` prefix.
    #[error("fragment {index} lacks the EF F0 01 prefix")]
    NotFragment {
        /// Position of the fragment in the root's list.
        index: usize,
    },
    /// The root names another number of fragments than were supplied.
    #[error("the root names {named} fragments, {given} were supplied")]
    FragmentCount {
        /// Fragments the root names.
        named: usize,
        /// Fragments supplied.
        given: usize,
    },
    /// The reassembled stream does not decompress.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// The decompressed WASM has another length than the root declares.
    #[error("decompressed length {actual} does not match the declared {declared}")]
    LengthMismatch {
        /// Length in the root.
        declared: u32,
        /// Length decompressed.
        actual: usize,
    },
}

/// Whether `code` is a fragment (`EF F0 01`).
#[must_use]
pub fn is_fragment(code: &[u8]) -> bool {
    code.len() >= FRAGMENT_PREFIX.len() && code[..3] == FRAGMENT_PREFIX
}

/// Whether `code` is a root program (`EF F0 02` with at least one more byte),
/// as geth's `IsStylusRootProgramPrefix` decides.
#[must_use]
pub fn is_root(code: &[u8]) -> bool {
    code.len() > ROOT_PREFIX.len() && code[..3] == ROOT_PREFIX
}

/// Whether `code` runs as a Stylus program on a chain at ArbOS 60+: classic
/// (`EF F0 00`) or a root (`EF F0 02`).
#[must_use]
pub fn is_program(code: &[u8]) -> bool {
    crate::format::is_stylus_program(code) || is_root(code)
}

/// The largest slice of the compressed stream one fragment carries when a
/// contract's code may hold `max_code_size` bytes.
#[must_use]
pub const fn fragment_capacity(max_code_size: usize) -> usize {
    max_code_size.saturating_sub(FRAGMENT_PREFIX.len())
}

/// How many fragments a program whose brotli stream is `brotli_len` bytes
/// needs: 0 when the classic code (`EF F0 00 00` + stream) fits in
/// `max_code_size`, which is also cargo-stylus's rule for splitting.
#[must_use]
pub fn fragments_needed(brotli_len: usize, max_code_size: usize) -> usize {
    if PREFIX_NO_DICT.len() + brotli_len <= max_code_size {
        0
    } else {
        brotli_len.div_ceil(fragment_capacity(max_code_size).max(1))
    }
}

/// A program's compressed stream cut into fragment codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Decompressed WASM length (the root declares it).
    pub wasm_len: u32,
    /// Each fragment's full code, `EF F0 01` + slice, in order.
    pub fragments: Vec<Vec<u8>>,
}

/// Cuts `brotli` (the compressed WASM, no prefix) into fragment codes of at
/// most `max_code_size` bytes each, every one full but the last.
///
/// # Panics
/// When `wasm_len` exceeds `u32::MAX` or `max_code_size` leaves no room
/// after the prefix.
#[must_use]
pub fn split(brotli: &[u8], wasm_len: usize, max_code_size: usize) -> Split {
    let capacity = fragment_capacity(max_code_size);
    assert!(capacity > 0, "max_code_size {max_code_size} leaves no room");
    let fragments = brotli
        .chunks(capacity)
        .map(|slice| {
            let mut code = Vec::with_capacity(FRAGMENT_PREFIX.len() + slice.len());
            code.extend_from_slice(&FRAGMENT_PREFIX);
            code.extend_from_slice(slice);
            code
        })
        .collect();
    Split {
        wasm_len: u32::try_from(wasm_len).expect("wasm length fits in u32"),
        fragments,
    }
}

/// A root's code: `EF F0 02 00` (no dictionary), `wasm_len` big-endian, then
/// the fragments' addresses.
#[must_use]
pub fn root_code(wasm_len: u32, fragments: &[[u8; 20]]) -> Vec<u8> {
    let mut code = Vec::with_capacity(ROOT_HEADER_LEN + 20 * fragments.len());
    code.extend_from_slice(&ROOT_PREFIX);
    code.push(0);
    code.extend_from_slice(&wasm_len.to_be_bytes());
    for f in fragments {
        code.extend_from_slice(f);
    }
    code
}

/// A parsed root program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Brotli dictionary byte (0: none).
    pub dictionary: u8,
    /// Declared decompressed WASM length.
    pub wasm_len: u32,
    /// Fragment addresses, in order.
    pub fragments: Vec<[u8; 20]>,
}

/// Parses a root's code.
///
/// # Errors
/// [`FragmentError::NotRoot`] for other code or a ragged address list,
/// [`FragmentError::NoFragments`] for a root naming none.
pub fn parse_root(code: &[u8]) -> Result<Root, FragmentError> {
    if !is_root(code)
        || code.len() < ROOT_HEADER_LEN
        || !(code.len() - ROOT_HEADER_LEN).is_multiple_of(20)
    {
        return Err(FragmentError::NotRoot);
    }
    let fragments: Vec<[u8; 20]> = code[ROOT_HEADER_LEN..]
        .chunks_exact(20)
        .map(|c| c.try_into().expect("20-byte chunk"))
        .collect();
    if fragments.is_empty() {
        return Err(FragmentError::NoFragments);
    }
    Ok(Root {
        dictionary: code[3],
        wasm_len: u32::from_be_bytes([code[4], code[5], code[6], code[7]]),
        fragments,
    })
}

/// Reassembles the WASM of `root` from its fragments' codes (in the root's
/// order), as activation does: concatenate the slices, decompress with at
/// most `limit` bytes, and check the declared length.
///
/// # Errors
/// A missing or extra fragment, a fragment without its prefix, a bad
/// dictionary or stream, or a length other than declared.
pub fn assemble(root: &Root, fragments: &[&[u8]], limit: usize) -> Result<Vec<u8>, FragmentError> {
    if fragments.len() != root.fragments.len() {
        return Err(FragmentError::FragmentCount {
            named: root.fragments.len(),
            given: fragments.len(),
        });
    }
    let mut classic = PREFIX_NO_DICT.to_vec();
    classic[3] = root.dictionary;
    for (index, code) in fragments.iter().enumerate() {
        if !is_fragment(code) {
            return Err(FragmentError::NotFragment { index });
        }
        classic.extend_from_slice(&code[FRAGMENT_PREFIX.len()..]);
    }
    let limit = limit.min(root.wasm_len as usize);
    let wasm = decompress_program(&classic, limit)?;
    if wasm.len() != root.wasm_len as usize {
        return Err(FragmentError::LengthMismatch {
            declared: root.wasm_len,
            actual: wasm.len(),
        });
    }
    Ok(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{compress, MAX_CODE_SIZE};

    /// Incompressible bytes (xorshift), so the stream is as long as the input.
    fn noise(len: usize, mut seed: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    }

    #[test]
    fn split_and_assemble_round_trip() {
        let wasm = noise(60_000, 1);
        let brotli = compress(&wasm);
        assert!(brotli.len() > 2 * fragment_capacity(MAX_CODE_SIZE));
        let split = split(&brotli, wasm.len(), MAX_CODE_SIZE);
        assert_eq!(split.wasm_len, 60_000);
        assert_eq!(split.fragments.len(), 3);
        assert_eq!(
            split.fragments.len(),
            fragments_needed(brotli.len(), MAX_CODE_SIZE)
        );
        for (i, f) in split.fragments.iter().enumerate() {
            assert_eq!(&f[..3], &[0xEF, 0xF0, 0x01], "fragment {i}");
            assert!(f.len() <= MAX_CODE_SIZE);
            assert!(is_fragment(f) && !is_root(f) && !is_program(f));
        }
        // every fragment but the last is full
        assert_eq!(split.fragments[0].len(), MAX_CODE_SIZE);
        assert_eq!(split.fragments[1].len(), MAX_CODE_SIZE);
        assert_eq!(
            split.fragments[2].len(),
            3 + brotli.len() - 2 * fragment_capacity(MAX_CODE_SIZE)
        );
        let addresses = [[0xa1; 20], [0xa2; 20], [0xa3; 20]];
        let code = root_code(split.wasm_len, &addresses);
        assert_eq!(code.len(), 8 + 3 * 20);
        assert_eq!(&code[..8], &[0xEF, 0xF0, 0x02, 0x00, 0, 0, 0xEA, 0x60]);
        assert!(is_root(&code) && is_program(&code) && !is_fragment(&code));
        let root = parse_root(&code).unwrap();
        assert_eq!(
            root,
            Root {
                dictionary: 0,
                wasm_len: 60_000,
                fragments: addresses.to_vec(),
            }
        );
        let codes: Vec<&[u8]> = split.fragments.iter().map(Vec::as_slice).collect();
        assert_eq!(
            assemble(&root, &codes, FRAGMENTED_MAX_WASM_SIZE).unwrap(),
            wasm
        );
    }

    #[test]
    fn fragments_needed_follows_the_classic_limit() {
        // classic code is the 4-byte prefix + stream
        assert_eq!(fragments_needed(MAX_CODE_SIZE - 4, MAX_CODE_SIZE), 0);
        assert_eq!(fragments_needed(MAX_CODE_SIZE - 3, MAX_CODE_SIZE), 1);
        assert_eq!(fragments_needed(24_573, MAX_CODE_SIZE), 1);
        assert_eq!(fragments_needed(24_574, MAX_CODE_SIZE), 2);
        assert_eq!(fragments_needed(4 * 24_573, MAX_CODE_SIZE), 4);
        assert_eq!(fragments_needed(4 * 24_573 + 1, MAX_CODE_SIZE), 5);
        assert_eq!(fragment_capacity(MAX_CODE_SIZE), 24_573);
        // one oversized-by-one program still fits a single fragment
        let s = split(&[9; 24_573], 1, MAX_CODE_SIZE);
        assert_eq!(s.fragments.len(), 1);
        assert_eq!(s.fragments[0].len(), MAX_CODE_SIZE);
    }

    #[test]
    fn parse_and_assemble_refuse_bad_input() {
        assert_eq!(parse_root(&[0xEF, 0xF0, 0x02]), Err(FragmentError::NotRoot));
        assert_eq!(
            parse_root(&[0xEF, 0xF0, 0x00, 0, 0, 0, 0, 1]),
            Err(FragmentError::NotRoot)
        );
        assert_eq!(
            parse_root(&root_code(5, &[])),
            Err(FragmentError::NoFragments)
        );
        let mut ragged = root_code(5, &[[1; 20]]);
        ragged.push(0);
        assert_eq!(parse_root(&ragged), Err(FragmentError::NotRoot));

        let wasm = noise(3_000, 7);
        let brotli = compress(&wasm);
        let split = split(&brotli, wasm.len(), 1_000);
        let n = split.fragments.len();
        let codes: Vec<&[u8]> = split.fragments.iter().map(Vec::as_slice).collect();
        let root = parse_root(&root_code(split.wasm_len, &vec![[1; 20]; n])).unwrap();
        assert_eq!(assemble(&root, &codes, usize::MAX).unwrap(), wasm);
        assert_eq!(
            assemble(&root, &codes[1..], usize::MAX),
            Err(FragmentError::FragmentCount {
                named: n,
                given: n - 1
            })
        );
        let mut swapped = codes.clone();
        swapped.swap(0, 1);
        assert!(assemble(&root, &swapped, usize::MAX).is_err());
        let classic = crate::format::program_code(&wasm);
        let mut bad = codes.clone();
        bad[1] = &classic;
        assert_eq!(
            assemble(&root, &bad, usize::MAX),
            Err(FragmentError::NotFragment { index: 1 })
        );
        let short = Root {
            wasm_len: split.wasm_len + 1,
            ..root.clone()
        };
        assert_eq!(
            assemble(&short, &codes, usize::MAX),
            Err(FragmentError::LengthMismatch {
                declared: split.wasm_len + 1,
                actual: wasm.len()
            })
        );
        let long = Root {
            wasm_len: split.wasm_len - 1,
            ..root.clone()
        };
        assert!(matches!(
            assemble(&long, &codes, usize::MAX),
            Err(FragmentError::Format(FormatError::TooLarge { .. }))
        ));
        assert!(matches!(
            assemble(&root, &codes, 100),
            Err(FragmentError::Format(FormatError::TooLarge { limit: 100 }))
        ));
    }
}
