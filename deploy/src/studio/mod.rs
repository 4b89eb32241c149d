//! A studio's batch pipeline (`cargo ip mint`): from a folder of generated
//! images and a JSON Lines manifest to a folder ready to publish on IPFS,
//! with every hash the provenance registry and the token contracts need,
//! then (the on-chain half, [`mint()`]) to minted tokens with attested
//! provenance records, in gas-sized batches resumable from a journal.
//!
//! 1. [`manifest::load`] / [`manifest::validate`]: parse every line into an
//!    [`Entry`] (unknown members refused), check it (royalty ≤ 100 %, known
//!    model, supply ≥ 1, readable file of at most one IPFS block, no two
//!    lines with the same bytes) and hash it: the record's field hashes
//!    (`paramsHash` over the RFC 8785 canonical form of `params`, so a line
//!    whose params are formatted otherwise is accepted and its canonical
//!    text is what is hashed) and the file's CIDv1. The whole manifest is
//!    validated first; any problem returns every [`LineError`] with its
//!    1-based line number and nothing else.
//! 2. [`cid`]: CIDv1, raw codec, sha2-256, base32 — what
//!    `ipfs add --cid-version 1 --raw-leaves` prints for a file of at most
//!    [`cid::MAX_SINGLE_BLOCK`] (262,144) bytes. Larger files are refused
//!    with [`LineErrorKind::FileTooLarge`] (kubo would build a UnixFS DAG,
//!    which this module does not).
//! 3. [`metadata`]: the token metadata (OpenSea fields, ERC-7007 fields, a
//!    `provenance` object), canonical JSON, its CID and the `tokenURI`.
//! 4. [`output::write`]: `<out>/files/<cid>`, `<out>/metadata/<cid>.json`,
//!    `<out>/assets.json`.
//!
//! 5. [`mint()`]: the on-chain half — the manifest checked against the
//!    registry's models ([`models`]), the batch plan ([`plan`]), the
//!    fsync'ed journal ([`journal`]), progress and summary ([`progress`]).
//!
//! The manifest's schema and the `cargo ip mint` flow are documented in
//! `examples/studio/README.md`.
//!
//! Each file is read once and hashed once: its sha-256 is both the record's
//! `contentHash` and the digest inside its CID.

pub mod cid;
pub mod journal;
pub mod manifest;
pub mod metadata;
pub mod mint;
pub mod models;
pub mod output;
pub mod plan;
pub mod progress;

pub use cid::Cid;
pub use manifest::{
    load, validate, Asset, Attribute, Entry, LineError, LineErrorKind, ManifestError, Royalty,
    TraitValue,
};
pub use metadata::{Metadata, MetadataFile};
pub use mint::{
    mint, AbortAt, Attesters, Boundary, MintError, MintOptions, MintReport, MintTarget,
};
pub use output::{write, AssetEntry, OutputError};
