//! The generation request body, the built-in model run, and the provenance
//! returned with every image: the registry's generation record and the model
//! lab's EIP-712 attestation, made with `cargo ip provenance`'s own code
//! ([`stylus_ip_deploy::provenance`]) so the licensee can record or mint it.
//!
//! The record's asset is the one the licensee says it will mint the output
//! as (`asset` in the body); without it, the licensed token itself. When the
//! two differ, the licensed token is the record's parent (lineage).

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use serde::{Deserialize, Serialize};
use stylus_ip_deploy::provenance::{self, AssetRef, Attestation, FieldHashes, Record, RecordIds};
use stylus_ip_provenance_hash as ph;

use crate::error::GatewayError;
use crate::png;

/// What a client asks the model for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationRequest {
    /// The prompt (hashed as its exact UTF-8 bytes).
    pub prompt: String,
    /// The seed.
    pub seed: u64,
    /// Model parameters (hashed in canonical JSON); `width` and `height`
    /// (1 to [`png::MAX_SIDE`], default 64) size the built-in model's image.
    #[serde(default = "empty_object")]
    pub params: serde_json::Value,
    /// The asset the output will be minted as, if not the licensed token.
    #[serde(default)]
    pub asset: Option<AssetRef>,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// The built-in model's output with its provenance.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Generated {
    /// The output file (a PNG from the built-in model).
    #[serde(skip)]
    pub content: Vec<u8>,
    /// The generation record, as the registry takes it.
    pub record: Record,
    /// The canonical parameters text that was hashed.
    pub canonical_params: String,
    /// The lab's attestation of the record.
    pub attestation: Attestation,
}

/// Parses a body.
///
/// # Errors
/// [`GatewayError::BadBody`] when it is not a generation request, its
/// parameters are not canonicalisable, or the image size is out of range.
pub fn parse_body(body: &[u8]) -> Result<(GenerationRequest, String, u32, u32), GatewayError> {
    let req: GenerationRequest =
        serde_json::from_slice(body).map_err(|e| GatewayError::BadBody(e.to_string()))?;
    if !req.params.is_object() {
        return Err(GatewayError::BadBody("params must be a JSON object".into()));
    }
    let text = serde_json::to_vec(&req.params).map_err(|e| GatewayError::BadBody(e.to_string()))?;
    let canonical =
        provenance::canonical_json(&text).map_err(|e| GatewayError::BadBody(format!("{e:#}")))?;
    let side = |k: &str| -> Result<u32, GatewayError> {
        match req.params.get(k) {
            None => Ok(64),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (1..=png::MAX_SIDE).contains(n))
                .ok_or_else(|| {
                    GatewayError::BadBody(format!("params.{k} must be 1 to {}", png::MAX_SIDE))
                }),
        }
    };
    let (w, h) = (side("width")?, side("height")?);
    Ok((req, canonical, w, h))
}

/// Everything that identifies a generation besides the body.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The licensee (the record's creator).
    pub account: Address,
    /// The licensed token.
    pub licensed: AssetRef,
    /// The model's registry id.
    pub model_id: U256,
    /// The registry's chain.
    pub chain_id: u64,
    /// The provenance registry.
    pub registry: Address,
    /// The lab's attester key.
    pub lab: &'a PrivateKeySigner,
}

fn b(x: ph::alloy_primitives::B256) -> B256 {
    B256::from(x.0)
}

/// The built-in model's PNG for `req`.
#[must_use]
pub fn render_builtin(req: &GenerationRequest, width: u32, height: u32) -> Vec<u8> {
    png::encode_rgb(
        width,
        height,
        &png::render(&req.prompt, req.seed, width, height),
    )
}

/// Runs the built-in model and attests the result.
///
/// # Errors
/// See [`attest_output`].
pub fn generate(
    req: &GenerationRequest,
    canonical_params: String,
    width: u32,
    height: u32,
    cx: &Context<'_>,
) -> Result<Generated, GatewayError> {
    attest_output(
        req,
        canonical_params,
        render_builtin(req, width, height),
        cx,
    )
}

/// Builds the generation record of `content` (whatever model made it) and
/// attests it with the lab's key.
///
/// # Errors
/// [`GatewayError::Internal`] if the attestation fails (never expected),
/// [`GatewayError::BadBody`] for a record the registry would refuse.
pub fn attest_output(
    req: &GenerationRequest,
    canonical_params: String,
    content: Vec<u8>,
    cx: &Context<'_>,
) -> Result<Generated, GatewayError> {
    let asset = req.asset.unwrap_or(cx.licensed);
    let record = Record {
        ids: RecordIds {
            collection: asset.collection,
            id: asset.id,
            model_id: cx.model_id,
            creator: cx.account,
            parents: if asset == cx.licensed {
                vec![]
            } else {
                vec![cx.licensed]
            },
        },
        hashes: FieldHashes {
            prompt_hash: b(ph::prompt_hash(&req.prompt)),
            seed_hash: b(ph::seed_hash(req.seed)),
            params_hash: keccak256(canonical_params.as_bytes()),
            content_hash: b(ph::content_hash(&content)),
            human_hash: B256::ZERO,
        },
    };
    record
        .check()
        .map_err(|e| GatewayError::BadBody(format!("{e:#}")))?;
    let attestation = provenance::attest(&record, cx.chain_id, cx.registry, cx.lab)
        .map_err(|e| GatewayError::Internal(format!("{e:#}")))?;
    Ok(Generated {
        content,
        record,
        canonical_params,
        attestation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::Signature;

    #[test]
    fn bodies() {
        let (r, canon, w, h) =
            parse_body(br#"{"prompt":"fox","seed":7,"params":{"width":8,"cfg":7.0,"a":[1]}}"#)
                .unwrap();
        assert_eq!((r.seed, w, h), (7, 8, 64));
        assert_eq!(canon, r#"{"a":[1],"cfg":7,"width":8}"#);
        for bad in [
            &br#"{"prompt":"fox"}"#[..],
            br#"{"prompt":"fox","seed":1,"params":[]}"#,
            br#"{"prompt":"fox","seed":1,"params":{"width":0}}"#,
            br#"{"prompt":"fox","seed":1,"params":{"height":513}}"#,
            br#"{"prompt":"fox","seed":1,"extra":1}"#,
            b"not json",
        ] {
            assert_eq!(parse_body(bad).unwrap_err().code(), "bad_body");
        }
    }

    #[test]
    fn provenance_matches_cargo_ip_provenance_and_recovers_to_the_lab() {
        let lab = PrivateKeySigner::random();
        let licensed = AssetRef {
            collection: Address::repeat_byte(1),
            id: U256::from(7),
        };
        let cx = Context {
            account: Address::repeat_byte(2),
            licensed,
            model_id: U256::from(3),
            chain_id: 412_346,
            registry: Address::repeat_byte(4),
            lab: &lab,
        };
        let (req, canon, w, h) =
            parse_body(br#"{"prompt":"a red fox","seed":42,"params":{"width":4,"height":4}}"#)
                .unwrap();
        let g = generate(&req, canon.clone(), w, h, &cx).unwrap();
        let rec = &g.record;
        assert_eq!(rec.ids.parents, []);
        assert_eq!(
            (rec.ids.creator, rec.ids.model_id),
            (cx.account, cx.model_id)
        );
        assert_eq!(rec.hashes.prompt_hash, keccak256("a red fox"));
        assert_eq!(
            rec.hashes.seed_hash,
            keccak256(U256::from(42).to_be_bytes::<32>())
        );
        assert_eq!(rec.hashes.params_hash, keccak256(canon.as_bytes()));
        assert_eq!(rec.hashes.content_hash, b(ph::content_hash(&g.content)));
        let a = &g.attestation;
        assert_eq!(a.digest, rec.digest(cx.chain_id, cx.registry));
        let sig = Signature::from_raw(&a.signature).unwrap();
        assert_eq!(
            sig.recover_address_from_prehash(&a.digest).unwrap(),
            lab.address()
        );
        // Minting as another asset: the licensed token is the parent.
        let mut other = req;
        other.asset = Some(AssetRef {
            collection: Address::repeat_byte(9),
            id: U256::from(1),
        });
        let g2 = generate(&other, canon, w, h, &cx).unwrap();
        assert_eq!(g2.record.ids.parents, [licensed]);
        assert_eq!(g2.record.hashes.content_hash, rec.hashes.content_hash);
        assert_ne!(g2.attestation.digest, a.digest);
    }
}
