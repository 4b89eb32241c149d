//! IPFS CIDv1 of a single raw block: `b` + base32 (RFC 4648, lower case, no
//! padding) of `0x01` (CID version 1) ‖ `0x55` (the `raw` codec) ‖ `0x12`
//! (sha2-256) ‖ `0x20` (32-byte digest) ‖ the sha-256 of the bytes.
//!
//! This is the CID `ipfs add --cid-version 1 --raw-leaves` prints for a file
//! that fits in one block of kubo's default chunker (at most
//! [`MAX_SINGLE_BLOCK`] bytes): such a file is stored as one raw leaf, whose
//! CID is the CID of its bytes. Larger files become a UnixFS DAG (dag-pb
//! root over raw leaves) whose CID this module does not compute; the studio
//! pipeline refuses them (`LineErrorKind::FileTooLarge`).
//!
//! The digest is the record's `contentHash` (sha-256 of the file), so a
//! file is hashed once for both.

use std::fmt;

use alloy::primitives::B256;

/// The largest file stored as a single raw block by kubo's default chunker
/// (`size-262144`): 256 KiB.
pub const MAX_SINGLE_BLOCK: u64 = 262_144;

/// Multicodec of CIDv1.
const CID_V1: u8 = 0x01;
/// Multicodec `raw` (plain bytes).
const RAW: u8 = 0x55;
/// Multihash function code of sha2-256.
const SHA2_256: u8 = 0x12;
/// Multihash digest length of sha2-256.
const SHA2_256_LEN: u8 = 0x20;

/// A CIDv1 (raw codec, sha2-256) in its base32 text form (`bafkrei…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Cid(String);

impl Cid {
    /// The CID of a raw block whose sha-256 is `digest`.
    #[must_use]
    pub fn raw_sha256(digest: &B256) -> Self {
        Self(format!("b{}", base32_lower(&Self::binary(digest))))
    }

    /// The CID of the raw block `bytes`.
    #[must_use]
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self::raw_sha256(&B256::from(
            stylus_ip_provenance_hash::content_hash(bytes).0,
        ))
    }

    /// The binary CID: version, codec, multihash (36 bytes). Every code is
    /// below 0x80, so each unsigned varint is its one byte.
    #[must_use]
    pub fn binary(digest: &B256) -> [u8; 36] {
        let mut out = [0u8; 36];
        out[..4].copy_from_slice(&[CID_V1, RAW, SHA2_256, SHA2_256_LEN]);
        out[4..].copy_from_slice(digest.as_slice());
        out
    }

    /// The text form (`b` multibase prefix + base32).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `ipfs://<cid>`.
    #[must_use]
    pub fn uri(&self) -> String {
        format!("ipfs://{}", self.0)
    }
}

impl fmt::Display for Cid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// RFC 4648 §6 base32 in lower case without padding (multibase `b`).
#[must_use]
pub fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut acc: u16 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        acc = (acc << 8) | u16::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[usize::from((acc >> bits) & 31)]));
        }
        // Keep only the bits not yet written (fewer than 5).
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[usize::from((acc << (5 - bits)) & 31)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 §10 test vectors, lower-cased and without padding.
    #[test]
    fn base32_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "my"),
            ("fo", "mzxq"),
            ("foo", "mzxw6"),
            ("foob", "mzxw6yq"),
            ("fooba", "mzxw6ytb"),
            ("foobar", "mzxw6ytboi"),
        ] {
            assert_eq!(base32_lower(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn cid_binary_layout() {
        let d = B256::repeat_byte(0xab);
        let b = Cid::binary(&d);
        assert_eq!(&b[..4], &[0x01, 0x55, 0x12, 0x20]);
        assert_eq!(&b[4..], d.as_slice());
        let c = Cid::raw_sha256(&d);
        // 36 bytes = 288 bits → 58 base32 characters, plus the `b` prefix.
        assert_eq!(c.as_str().len(), 59);
        assert!(c.as_str().starts_with("bafkrei"), "{c}");
        assert_eq!(c.uri(), format!("ipfs://{c}"));
    }
}
