//! Token metadata per asset: the OpenSea metadata conventions (`name`,
//! `description`, `image`, `attributes`), the ERC-7007 AIGC fields
//! (`prompt`, `aigc_type`, `aigc_data`) and a `provenance` object with the
//! record's hashes, serialised in RFC 8785 canonical form (sorted keys, no
//! whitespace) so that its CIDv1 — and so the `tokenURI` — is reproducible
//! from the manifest and the files alone.

use alloy::primitives::B256;
use serde::Serialize;

use super::cid::Cid;
use super::manifest::{Asset, Attribute};
use crate::provenance::canonical_json;

/// ERC-7007's `aigc_type` for every studio asset.
pub const AIGC_TYPE: &str = "image";

/// The metadata document of one asset (before canonicalisation).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Metadata<'a> {
    /// The token's name.
    pub name: &'a str,
    /// The token's description.
    pub description: &'a str,
    /// `ipfs://<file cid>`.
    pub image: String,
    /// OpenSea attributes, as in the manifest.
    pub attributes: &'a [Attribute],
    /// ERC-7007: the prompt, in clear.
    pub prompt: &'a str,
    /// ERC-7007: the kind of content, [`AIGC_TYPE`].
    pub aigc_type: &'static str,
    /// ERC-7007: the content's sha-256 (`0x` hex), the record's `contentHash`.
    pub aigc_data: B256,
    /// The provenance record's hashes and model.
    pub provenance: ProvenanceFields,
}

/// The `provenance` object of the metadata: the record's field hashes and
/// the model id (a decimal string: the registry's id is a `uint256`).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProvenanceFields {
    /// keccak-256 of the prompt.
    pub prompt_hash: B256,
    /// keccak-256 of the ABI-encoded seed.
    pub seed_hash: B256,
    /// keccak-256 of the canonical parameters.
    pub params_hash: B256,
    /// sha-256 of the file.
    pub content_hash: B256,
    /// keccak-256 of the human-contribution note, or zero.
    pub human_hash: B256,
    /// The model's registry id.
    pub model_id: String,
}

/// An asset's metadata in its published form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataFile {
    /// The canonical JSON text (RFC 8785).
    pub json: String,
    /// Its CIDv1 (raw): the `tokenURI` is `ipfs://<cid>`.
    pub cid: Cid,
}

/// The metadata could not be serialised canonically (an attribute number
/// beyond what a double carries digit for digit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    /// The manifest line.
    pub line: usize,
    /// Why.
    pub message: String,
}

impl std::fmt::Display for MetadataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: metadata: {}", self.line, self.message)
    }
}

impl std::error::Error for MetadataError {}

impl Asset {
    /// The metadata document.
    #[must_use]
    pub fn metadata(&self) -> Metadata<'_> {
        let h = &self.hashes;
        Metadata {
            name: &self.entry.name,
            description: &self.entry.description,
            image: self.file_cid.uri(),
            attributes: &self.entry.attributes,
            prompt: &self.entry.prompt,
            aigc_type: AIGC_TYPE,
            aigc_data: h.content_hash,
            provenance: ProvenanceFields {
                prompt_hash: h.prompt_hash,
                seed_hash: h.seed_hash,
                params_hash: h.params_hash,
                content_hash: h.content_hash,
                human_hash: h.human_hash,
                model_id: self.entry.model_id.to_string(),
            },
        }
    }

    /// The metadata as published: canonical JSON and its CID.
    ///
    /// # Errors
    /// When the document cannot be canonicalised (never for a manifest that
    /// [`super::manifest::validate`] accepted, which checks the attributes).
    pub fn metadata_file(&self) -> Result<MetadataFile, MetadataError> {
        let err = |message: String| MetadataError {
            line: self.line,
            message,
        };
        let bytes = serde_json::to_vec(&self.metadata()).map_err(|e| err(e.to_string()))?;
        let json = canonical_json(&bytes).map_err(|e| err(format!("{e:#}")))?;
        let cid = Cid::of_bytes(json.as_bytes());
        Ok(MetadataFile { json, cid })
    }
}
