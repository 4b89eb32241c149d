//! The provenance registry's models (`cargo ip models`, and the mint's
//! model check): read with `modelCount` / `modelOf`, printed as version
//! trees (`parentModelId` links; retired models marked).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;
use anyhow::{Context, Result};

use crate::bindings::ProvenanceRegistry;

/// One registered model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Its registry id (1-based).
    pub id: u64,
    /// Who registered it.
    pub owner: Address,
    /// Who signs its generations.
    pub attester: Address,
    /// The weights commitment.
    pub weights_hash: B256,
    /// Its version string.
    pub version: String,
    /// Its model card.
    pub uri: String,
    /// The model it derives from (0: none).
    pub parent: u64,
    /// Retired: no new records.
    pub retired: bool,
    /// Records need a commitment first (the batch pipeline refuses these).
    pub commit_reveal: bool,
}

/// `registerModel` for a root model (no parent, no commit–reveal, no model
/// NFT) whose weights commitment is the keccak of `weights`, attested by
/// `attester`.
#[must_use]
pub fn register_call(
    weights: &str,
    version: &str,
    uri: &str,
    attester: Address,
) -> ProvenanceRegistry::registerModelCall {
    ProvenanceRegistry::registerModelCall {
        weightsHash: alloy::primitives::keccak256(weights),
        version: version.into(),
        uri: uri.into(),
        attester,
        parentModelId: U256::ZERO,
        commitReveal: false,
        nftCollection: Address::ZERO,
        nftTokenId: U256::ZERO,
    }
}

/// `eth_call` of `call` on `to`, decoded.
pub(crate) async fn view<P: Provider, C: SolCall>(
    provider: &P,
    to: Address,
    call: &C,
) -> Result<C::Return> {
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let out = provider.call(tx).await?;
    Ok(C::abi_decode_returns(&out)?)
}

/// Every model of the registry at `registry`, by id.
///
/// # Errors
/// When a call fails (no registry at the address, transport).
pub async fn fetch<P: Provider>(provider: &P, registry: Address) -> Result<Vec<Model>> {
    let count: U256 = view(provider, registry, &ProvenanceRegistry::modelCountCall {})
        .await
        .with_context(|| format!("ProvenanceRegistry.modelCount at {registry}"))?;
    let count = u64::try_from(count).context("modelCount beyond u64")?;
    let mut out = Vec::new();
    for id in 1..=count {
        let m = view(
            provider,
            registry,
            &ProvenanceRegistry::modelOfCall {
                modelId: U256::from(id),
            },
        )
        .await
        .with_context(|| format!("ProvenanceRegistry.modelOf({id})"))?;
        out.push(Model {
            id,
            owner: m.owner,
            attester: m.attester,
            weights_hash: m.weightsHash,
            version: m.version,
            uri: m.uri,
            parent: u64::try_from(m.parentModelId).unwrap_or(u64::MAX),
            retired: m.retired,
            commit_reveal: m.commitReveal,
        });
    }
    Ok(out)
}

/// The ids of the active (not retired) models.
#[must_use]
pub fn active_ids(models: &[Model]) -> BTreeSet<u64> {
    models.iter().filter(|m| !m.retired).map(|m| m.id).collect()
}

/// One model's line of the tree.
fn describe(m: &Model) -> String {
    let mut s = format!("#{} {}", m.id, m.version);
    if m.retired {
        s.push_str(" [retired]");
    }
    if m.commit_reveal {
        s.push_str(" [commit-reveal]");
    }
    let _ = write!(s, "  attester {}", m.attester);
    if !m.uri.is_empty() {
        let _ = write!(s, "  {}", m.uri);
    }
    s
}

/// The models as version trees: a root per model without a (known)
/// parent, children under their parent in id order, box-drawn.
#[must_use]
pub fn render_tree(models: &[Model]) -> String {
    if models.is_empty() {
        return "no models registered\n".into();
    }
    let by_id: BTreeMap<u64, &Model> = models.iter().map(|m| (m.id, m)).collect();
    let mut children: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut roots = Vec::new();
    for m in models {
        // a parent must be registered before its child: a link to a later or
        // unknown id (never expected) makes the model a root
        if m.parent != 0 && m.parent < m.id && by_id.contains_key(&m.parent) {
            children.entry(m.parent).or_default().push(m.id);
        } else {
            roots.push(m.id);
        }
    }
    let mut out = String::new();
    fn walk(
        id: u64,
        prefix: &str,
        last: bool,
        root: bool,
        by_id: &BTreeMap<u64, &Model>,
        children: &BTreeMap<u64, Vec<u64>>,
        out: &mut String,
    ) {
        let (branch, next) = match (root, last) {
            (true, _) => ("", String::new()),
            (false, true) => ("└── ", format!("{prefix}    ")),
            (false, false) => ("├── ", format!("{prefix}│   ")),
        };
        let _ = writeln!(out, "{prefix}{branch}{}", describe(by_id[&id]));
        let kids = children.get(&id).map_or(&[][..], Vec::as_slice);
        for (i, &k) in kids.iter().enumerate() {
            walk(k, &next, i + 1 == kids.len(), false, by_id, children, out);
        }
    }
    for r in roots {
        walk(r, "", true, true, &by_id, &children, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(id: u64, parent: u64, version: &str, retired: bool) -> Model {
        Model {
            id,
            owner: Address::ZERO,
            attester: Address::repeat_byte(0xaa),
            weights_hash: B256::ZERO,
            version: version.into(),
            uri: String::new(),
            parent,
            retired,
            commit_reveal: false,
        }
    }

    #[test]
    fn models_print_as_version_trees() {
        let models = [
            model(1, 0, "koi 1.0", false),
            model(2, 1, "koi 1.1", true),
            model(3, 0, "carp 1.0", false),
            model(4, 2, "koi 1.1.1", false),
            model(5, 1, "koi 2.0", false),
            model(6, 9, "orphan", false),
        ];
        let a = format!("attester {}", Address::repeat_byte(0xaa));
        let expected = format!(
            "#1 koi 1.0  {a}\n\
             ├── #2 koi 1.1 [retired]  {a}\n\
             │   └── #4 koi 1.1.1  {a}\n\
             └── #5 koi 2.0  {a}\n\
             #3 carp 1.0  {a}\n\
             #6 orphan  {a}\n"
        );
        assert_eq!(render_tree(&models), expected);
        assert_eq!(active_ids(&models), BTreeSet::from([1, 3, 4, 5, 6]));
        assert_eq!(render_tree(&[]), "no models registered\n");
    }
}
