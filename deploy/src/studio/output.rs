//! The publishable output folder:
//!
//! ```text
//! <out>/files/<file cid>            the input files, byte for byte
//! <out>/metadata/<metadata cid>.json the canonical metadata
//! <out>/assets.json                 one entry per manifest line
//! ```

use std::path::{Path, PathBuf};

use alloy::primitives::B256;
use serde::Serialize;
use stylus_ip_provenance_hash as ph;

use super::cid::Cid;
use super::manifest::{Asset, Royalty};
use super::metadata::MetadataError;
use crate::provenance::FieldHashes;

/// One entry of `assets.json`.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AssetEntry {
    /// The manifest line.
    pub line: usize,
    /// The file as named in the manifest.
    pub file: String,
    /// The file's CIDv1.
    pub file_cid: Cid,
    /// The metadata's CIDv1.
    pub metadata_cid: Cid,
    /// `ipfs://<metadata cid>`.
    #[serde(rename = "tokenURI")]
    pub token_uri: String,
    /// The record's five field hashes.
    #[serde(flatten)]
    pub hashes: FieldHashes,
    /// The canonical parameters that were hashed.
    pub canonical_params: String,
    /// The model's registry id.
    pub model_id: u64,
    /// The royalty.
    pub royalty: Royalty,
    /// ERC-1155 editions, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supply: Option<u64>,
}

/// Writing the output folder failed.
#[derive(Debug)]
pub enum OutputError {
    /// A file could not be read or written.
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An input file changed since it was validated.
    FileChanged {
        /// Its manifest line.
        line: usize,
        /// Its path.
        path: PathBuf,
        /// The sha-256 validated.
        expected: B256,
        /// The sha-256 now.
        found: B256,
    },
    /// A metadata document could not be serialised.
    Metadata(MetadataError),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Self::FileChanged {
                line,
                path,
                expected,
                found,
            } => write!(
                f,
                "line {line}: {} changed since validation (sha-256 {expected}, now {found})",
                path.display()
            ),
            Self::Metadata(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for OutputError {}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes the output folder for validated `assets` under `out` (created if
/// needed; files already there with the same name are overwritten) and
/// returns the `assets.json` entries. Every input file is read again and
/// must still have the sha-256 it was validated with.
///
/// # Errors
/// [`OutputError`] on the first failure.
pub fn write(out: &Path, assets: &[Asset]) -> Result<Vec<AssetEntry>, OutputError> {
    let files = out.join("files");
    let metadata = out.join("metadata");
    std::fs::create_dir_all(&files).map_err(io(&files))?;
    std::fs::create_dir_all(&metadata).map_err(io(&metadata))?;
    let mut entries = Vec::with_capacity(assets.len());
    for a in assets {
        let bytes = std::fs::read(&a.path).map_err(io(&a.path))?;
        let found = B256::from(ph::content_hash(&bytes).0);
        if found != a.hashes.content_hash {
            return Err(OutputError::FileChanged {
                line: a.line,
                path: a.path.clone(),
                expected: a.hashes.content_hash,
                found,
            });
        }
        let dest = files.join(a.file_cid.as_str());
        std::fs::write(&dest, &bytes).map_err(io(&dest))?;
        let m = a.metadata_file().map_err(OutputError::Metadata)?;
        let dest = metadata.join(format!("{}.json", m.cid));
        std::fs::write(&dest, &m.json).map_err(io(&dest))?;
        entries.push(AssetEntry {
            line: a.line,
            file: a.entry.file.clone(),
            file_cid: a.file_cid.clone(),
            token_uri: m.cid.uri(),
            metadata_cid: m.cid,
            hashes: a.hashes,
            canonical_params: a.canonical_params.clone(),
            model_id: a.entry.model_id,
            royalty: a.entry.royalty,
            supply: a.entry.supply,
        });
    }
    let index = out.join("assets.json");
    let mut json = serde_json::to_vec_pretty(&entries).map_err(|e| OutputError::Io {
        path: index.clone(),
        source: e.into(),
    })?;
    json.push(b'\n');
    std::fs::write(&index, json).map_err(io(&index))?;
    Ok(entries)
}
