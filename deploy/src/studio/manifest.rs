//! The studio manifest (JSON Lines, one generation per line) and its
//! validation: every line is parsed, its file read and hashed, and every
//! problem collected with its 1-based line number before anything is
//! returned.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use alloy::primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use stylus_ip_provenance_hash as ph;

use super::cid::{Cid, MAX_SINGLE_BLOCK};
use crate::provenance::{canonical_json, FieldHashes};

/// The largest royalty: 10,000 basis points (100 %).
pub const MAX_ROYALTY_BPS: u32 = 10_000;

/// One line of the manifest, as written (members in camelCase; unknown
/// members are refused).
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Entry {
    /// The generated file, relative to the manifest's folder (no absolute
    /// path, no `..`).
    pub file: String,
    /// The prompt (hashed as its exact UTF-8 bytes).
    pub prompt: String,
    /// The integer seed (hashed as `keccak256(abi.encode(uint256(seed)))`).
    pub seed: u64,
    /// The generation parameters, a JSON object; hashed in its RFC 8785
    /// canonical form, whatever its formatting in the manifest.
    pub params: Box<RawValue>,
    /// The provenance registry's id of the model.
    pub model_id: u64,
    /// The human-contribution note (hashed as its UTF-8 bytes; an empty note
    /// is "none", the zero hash).
    pub human: String,
    /// The token's name.
    pub name: String,
    /// The token's description.
    pub description: String,
    /// OpenSea-style attributes.
    pub attributes: Vec<Attribute>,
    /// The EIP-2981 royalty.
    pub royalty: Royalty,
    /// ERC-1155 editions; absent for a one-of-one (ERC-721) token.
    #[serde(default)]
    pub supply: Option<u64>,
}

/// An OpenSea attribute: `{"trait_type": …, "value": …}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// The trait's name.
    pub trait_type: String,
    /// Its value: a string or a number.
    pub value: TraitValue,
}

/// An attribute's value.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum TraitValue {
    /// A number (OpenSea shows it as a numeric trait).
    Number(serde_json::Number),
    /// A string.
    Text(String),
}

/// A royalty: receiver and basis points (at most [`MAX_ROYALTY_BPS`]).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Royalty {
    /// Who receives the royalty.
    pub receiver: Address,
    /// Basis points of the sale price.
    pub bps: u32,
}

/// A validated line, with everything computed locally.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The manifest line (1-based).
    pub line: usize,
    /// The line as parsed.
    pub entry: Entry,
    /// The file's path (the manifest's folder joined with `entry.file`).
    pub path: PathBuf,
    /// The file's size in bytes.
    pub size: u64,
    /// The exact parameters text that was hashed (RFC 8785).
    pub canonical_params: String,
    /// The record's five field hashes (`contentHash` = sha-256 of the file).
    pub hashes: FieldHashes,
    /// The file's CIDv1 (raw codec, sha2-256; see [`super::cid`]).
    pub file_cid: Cid,
}

/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineErrorKind {
    /// The line is not JSON (syntax error, truncated, not UTF-8, empty).
    InvalidJson {
        /// The parser's message.
        message: String,
    },
    /// A required member is absent.
    MissingField {
        /// Its name.
        field: String,
    },
    /// A member is unknown, of the wrong type or out of range.
    InvalidField {
        /// Its name, when known.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The file does not exist or cannot be read.
    MissingFile {
        /// The path tried.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The file is larger than one raw IPFS block ([`MAX_SINGLE_BLOCK`]):
    /// its CID would be a UnixFS DAG's, which this pipeline does not build.
    FileTooLarge {
        /// The path.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit, [`MAX_SINGLE_BLOCK`].
        limit: u64,
    },
    /// The royalty exceeds 100 %.
    RoyaltyTooHigh {
        /// The basis points given.
        bps: u32,
    },
    /// The model id is not among the known models.
    UnknownModel {
        /// The model id given.
        model_id: u64,
    },
    /// Another line has a file with identical bytes.
    DuplicateContent {
        /// The earlier line with the same content.
        first_line: usize,
        /// The shared sha-256.
        content_hash: B256,
    },
    /// `supply` is 0.
    ZeroSupply,
    /// The model is registered but retired (no new records).
    RetiredModel {
        /// The model id given.
        model_id: u64,
    },
    /// The model requires commit–reveal, which batch minting does not do.
    CommitRevealModel {
        /// The model id given.
        model_id: u64,
    },
    /// An ERC-1155 line (`supply`) for a deployment without an editions
    /// contract.
    EditionsUnsupported,
}

/// A problem with one manifest line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: LineErrorKind,
}

impl fmt::Display for LineErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidJson { message } => write!(f, "not a JSON object: {message}"),
            Self::MissingField { field } => write!(f, "missing field `{field}`"),
            Self::InvalidField {
                field: Some(field),
                message,
            } => write!(f, "field `{field}`: {message}"),
            Self::InvalidField {
                field: None,
                message,
            } => f.write_str(message),
            Self::MissingFile { path, reason } => {
                write!(f, "cannot read {}: {reason}", path.display())
            }
            Self::FileTooLarge { path, size, limit } => write!(
                f,
                "{} is {size} bytes; files above {limit} bytes (one IPFS block) are not supported",
                path.display()
            ),
            Self::RoyaltyTooHigh { bps } => {
                write!(f, "royalty of {bps} bps exceeds {MAX_ROYALTY_BPS} (100 %)")
            }
            Self::UnknownModel { model_id } => write!(f, "unknown model id {model_id}"),
            Self::DuplicateContent {
                first_line,
                content_hash,
            } => write!(
                f,
                "same file content as line {first_line} (sha-256 {content_hash})"
            ),
            Self::ZeroSupply => f.write_str("supply must be at least 1"),
            Self::RetiredModel { model_id } => {
                write!(f, "model {model_id} is retired (no new provenance records)")
            }
            Self::CommitRevealModel { model_id } => write!(
                f,
                "model {model_id} requires commit–reveal; batch minting records without commitments"
            ),
            Self::EditionsUnsupported => f.write_str(
                "ERC-1155 editions (`supply`) need the suite's editions instance, which this \
                 deployment does not have; remove `supply` for a one-of-one ERC-721 token",
            ),
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl std::error::Error for LineError {}

/// The manifest could not be processed.
#[derive(Debug)]
pub enum ManifestError {
    /// The manifest file itself cannot be read.
    Read {
        /// Its path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// One or more lines are invalid (all of them, in line order).
    Lines(Vec<LineError>),
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read { path, source } => {
                write!(f, "reading the manifest {}: {source}", path.display())
            }
            Self::Lines(errors) => {
                write!(f, "{} invalid manifest line(s)", errors.len())?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ManifestError {}

/// Reads the manifest at `path` and validates it ([`validate`]), files
/// resolved against the manifest's folder.
///
/// # Errors
/// [`ManifestError::Read`] when the manifest cannot be read;
/// [`ManifestError::Lines`] with every invalid line otherwise.
pub fn load(path: &Path, known_models: &BTreeSet<u64>) -> Result<Vec<Asset>, ManifestError> {
    let text = std::fs::read(path).map_err(|source| ManifestError::Read {
        path: path.to_owned(),
        source,
    })?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    validate(&text, base, known_models).map_err(ManifestError::Lines)
}

/// Validates a whole manifest (JSON Lines; a final newline is optional, an
/// empty line is an error) and hashes every file: the assets in line order,
/// or every problem of every line (a line may have several, e.g. an unknown
/// model and a royalty over 100 %). Nothing is returned unless every line
/// is valid.
///
/// # Errors
/// All the [`LineError`]s, in line order.
pub fn validate(
    manifest: &[u8],
    base: &Path,
    known_models: &BTreeSet<u64>,
) -> Result<Vec<Asset>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut assets = Vec::new();
    let mut seen: BTreeMap<B256, usize> = BTreeMap::new();
    let body = manifest.strip_suffix(b"\n").unwrap_or(manifest);
    if body.is_empty() {
        return Ok(Vec::new());
    }
    for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let mut push = |kind| errors.push(LineError { line, kind });
        match check_line(raw, base, known_models) {
            Ok((asset_parts, problems)) => {
                problems.into_iter().for_each(&mut push);
                if let Some(asset) = asset_parts {
                    let hash = asset.hashes.content_hash;
                    if let Some(&first_line) = seen.get(&hash) {
                        push(LineErrorKind::DuplicateContent {
                            first_line,
                            content_hash: hash,
                        });
                    } else {
                        seen.insert(hash, line);
                        assets.push(Asset { line, ..asset });
                    }
                }
            }
            Err(kind) => push(kind),
        }
    }
    if errors.is_empty() {
        Ok(assets)
    } else {
        Err(errors)
    }
}

/// A parse failure as a typed error.
fn serde_error(e: &serde_json::Error) -> LineErrorKind {
    use serde_json::error::Category;
    let text = e.to_string();
    match e.classify() {
        Category::Data => {
            // serde's messages name the member between backquotes.
            let named = |prefix: &str| {
                text.strip_prefix(prefix)
                    .and_then(|rest| rest.split('`').next())
                    .map(str::to_owned)
            };
            if let Some(field) = named("missing field `") {
                LineErrorKind::MissingField { field }
            } else {
                LineErrorKind::InvalidField {
                    field: named("unknown field `"),
                    message: text,
                }
            }
        }
        Category::Io | Category::Syntax | Category::Eof => {
            LineErrorKind::InvalidJson { message: text }
        }
    }
}

/// Parses and checks one line. `Err` when the line cannot be parsed at all;
/// otherwise the asset (when its file could be hashed) and the problems
/// found (the asset is discarded by the caller if there are any).
fn check_line(
    raw: &[u8],
    base: &Path,
    known_models: &BTreeSet<u64>,
) -> Result<(Option<Asset>, Vec<LineErrorKind>), LineErrorKind> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(LineErrorKind::InvalidJson {
            message: "empty line".into(),
        });
    }
    let entry: Entry = serde_json::from_slice(raw).map_err(|e| serde_error(&e))?;
    let mut problems = Vec::new();
    let invalid = |field: &str, message: &str| LineErrorKind::InvalidField {
        field: Some(field.to_owned()),
        message: message.to_owned(),
    };

    let canonical_params = if entry.params.get().starts_with('{') {
        match canonical_json(entry.params.get().as_bytes()) {
            Ok(c) => Some(c),
            Err(e) => {
                problems.push(invalid("params", &format!("{e:#}")));
                None
            }
        }
    } else {
        problems.push(invalid("params", "must be a JSON object"));
        None
    };
    if entry.royalty.bps > MAX_ROYALTY_BPS {
        problems.push(LineErrorKind::RoyaltyTooHigh {
            bps: entry.royalty.bps,
        });
    }
    if !known_models.contains(&entry.model_id) {
        problems.push(LineErrorKind::UnknownModel {
            model_id: entry.model_id,
        });
    }
    if entry.supply == Some(0) {
        problems.push(LineErrorKind::ZeroSupply);
    }
    // Attribute numbers must survive canonicalisation (the metadata is RFC 8785).
    if let Err(e) = serde_json::to_vec(&entry.attributes)
        .map_err(anyhow::Error::from)
        .and_then(|b| canonical_json(&b))
    {
        problems.push(invalid("attributes", &format!("{e:#}")));
    }
    if entry.name.trim().is_empty() {
        problems.push(invalid("name", "must not be empty"));
    }

    let rel = Path::new(&entry.file);
    let file_ok = !entry.file.is_empty()
        && rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !file_ok {
        problems.push(invalid(
            "file",
            "must be a relative path inside the manifest's folder (no absolute path, no `..`)",
        ));
        return Ok((None, problems));
    }
    let path = base.join(rel);
    let (bytes, size) = match read_block(&path) {
        Ok(b) => b,
        Err(kind) => {
            problems.push(kind);
            return Ok((None, problems));
        }
    };
    let Some(canonical_params) = canonical_params else {
        return Ok((None, problems));
    };
    let content_hash = B256::from(ph::content_hash(&bytes).0);
    let hashes = FieldHashes {
        prompt_hash: B256::from(ph::prompt_hash(&entry.prompt).0),
        seed_hash: B256::from(ph::seed_hash(entry.seed).0),
        params_hash: B256::from(ph::params_hash(canonical_params.as_bytes()).0),
        content_hash,
        human_hash: human_hash(&entry.human),
    };
    let asset = Asset {
        line: 0,
        path,
        size,
        canonical_params,
        hashes,
        file_cid: Cid::raw_sha256(&content_hash),
        entry,
    };
    Ok((Some(asset), problems))
}

/// The human-contribution hash of a note: the zero hash for an empty note
/// (no contribution, as `provenance hash` without `--human`), else
/// keccak-256 of its UTF-8 bytes.
#[must_use]
pub fn human_hash(note: &str) -> B256 {
    if note.is_empty() {
        B256::ZERO
    } else {
        B256::from(ph::human_contribution_hash(note.as_bytes()).0)
    }
}

/// Reads a file of at most [`MAX_SINGLE_BLOCK`] bytes in one pass (never
/// more than the limit + 1 bytes, whatever the file's size claims).
fn read_block(path: &Path) -> Result<(Vec<u8>, u64), LineErrorKind> {
    let missing = |e: std::io::Error| LineErrorKind::MissingFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(missing)?;
    let claimed = file.metadata().map_err(missing)?.len();
    if !file.metadata().map_err(missing)?.is_file() {
        return Err(LineErrorKind::MissingFile {
            path: path.to_owned(),
            reason: "not a regular file".into(),
        });
    }
    let too_large = |size| LineErrorKind::FileTooLarge {
        path: path.to_owned(),
        size,
        limit: MAX_SINGLE_BLOCK,
    };
    if claimed > MAX_SINGLE_BLOCK {
        return Err(too_large(claimed));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(claimed).unwrap_or(0));
    file.take(MAX_SINGLE_BLOCK + 1)
        .read_to_end(&mut bytes)
        .map_err(missing)?;
    let size = bytes.len() as u64;
    if size > MAX_SINGLE_BLOCK {
        return Err(too_large(size));
    }
    Ok((bytes, size))
}
