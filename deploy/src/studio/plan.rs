//! The batch plan of a studio mint, as pure functions of the validated
//! manifest and two gas models: no chain here.
//!
//! * [`gas_budget`]: what one batch transaction may use — at most half the
//!   block gas limit and never above the per-transaction cap.
//! * [`GasModel`] / [`batch_size`]: the largest batch whose estimate
//!   (`base + per_asset · n`) fits the budget.
//! * [`plan`]: the lines in order. ERC-721 lines are cut into mint batches
//!   (a batch holds consecutive lines with the same royalty) and, after
//!   each mint batch, the provenance batches of its lines (consecutive lines
//!   with the same model; one model per batch). ERC-1155 lines (`supply`)
//!   are cut into groups of the mint size: one `createId` per line (the
//!   edition, its URI and royalty), one `mintBatch` of the group's
//!   supplies, then the group's provenance batches on the editions
//!   contract.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::manifest::Royalty;

/// ArbOS 50+'s per-transaction gas cap (32M), the default cap of
/// [`gas_budget`] when the node does not say otherwise.
pub const DEFAULT_TX_GAS_CAP: u64 = 32_000_000;

/// The most assets in one batch, whatever the budget allows. Beyond 50 a
/// batch saves little (the fixed part of a batch, about 80k gas for a mint
/// and 126k for provenance, is under 3 % of a 50-asset batch's ~7M gas),
/// while a smaller batch keeps the journal's raw transactions small and
/// stays within what the embedded devnode's interpreter executes in one
/// call in a debug build (a 100-asset mint overflows its 64 MiB stack).
pub const MAX_BATCH: usize = 50;

/// The gas one batch may use: half of `block_gas_limit` (room for other
/// transactions in the block), capped at `tx_gas_cap`.
#[must_use]
pub fn gas_budget(block_gas_limit: u64, tx_gas_cap: u64) -> u64 {
    (block_gas_limit / 2).min(tx_gas_cap)
}

/// A linear gas model of one kind of batch: `base + per_asset · n`.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct GasModel {
    /// Gas of the transaction without its assets (intrinsic gas, entry).
    pub base: u64,
    /// Gas per asset.
    pub per_asset: u64,
}

impl GasModel {
    /// The model through two measured points: `gas_one` for one asset and
    /// `gas_n` for `n > 1` assets (a per-asset cost of at least 1 gas; a
    /// base of at least 0).
    #[must_use]
    pub fn from_probes(gas_one: u64, n: u64, gas_n: u64) -> Self {
        let per_asset = if n > 1 {
            gas_n.saturating_sub(gas_one) / (n - 1)
        } else {
            gas_one
        }
        .max(1);
        Self {
            base: gas_one.saturating_sub(per_asset),
            per_asset,
        }
    }

    /// The estimate for `n` assets (saturating).
    #[must_use]
    pub fn gas(&self, n: usize) -> u64 {
        self.base
            .saturating_add(self.per_asset.saturating_mul(n as u64))
    }
}

/// A batch plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Not even one asset fits the gas budget.
    BudgetTooSmall {
        /// What the batch kind costs.
        model: GasModel,
        /// The budget.
        budget: u64,
    },
    /// A batch size of zero was asked for.
    ZeroBatchSize,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BudgetTooSmall { model, budget } => write!(
                f,
                "one asset needs about {} gas ({} + {} per asset) but a batch may use {budget}",
                model.gas(1),
                model.base,
                model.per_asset
            ),
            Self::ZeroBatchSize => f.write_str("the batch size must be at least 1"),
        }
    }
}

impl std::error::Error for PlanError {}

/// The largest `n ≤ MAX_BATCH` with `model.gas(n) ≤ budget`.
///
/// # Errors
/// [`PlanError::BudgetTooSmall`] when not even one asset fits.
pub fn batch_size(model: GasModel, budget: u64) -> Result<usize, PlanError> {
    let room = budget.saturating_sub(model.base);
    let n = room / model.per_asset.max(1);
    if n == 0 {
        return Err(PlanError::BudgetTooSmall { model, budget });
    }
    Ok(usize::try_from(n).unwrap_or(MAX_BATCH).min(MAX_BATCH))
}

/// What the planner needs of one ERC-721 line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanItem {
    /// The manifest line (1-based).
    pub line: usize,
    /// The line's royalty (a mint batch shares one).
    pub royalty: Royalty,
    /// The line's model (a provenance batch has one).
    pub model_id: u64,
    /// ERC-1155 editions (none: an ERC-721 token).
    pub supply: Option<u64>,
}

/// The kind of a batch transaction.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum BatchKind {
    /// `IpCollection.mintBatch(to, digests, receiver, bps)`.
    Mint {
        /// The batch's royalty.
        royalty: Royalty,
    },
    /// `IpEditions.createId(supply, ipfs://<metadata cid>, receiver, bps)`
    /// for one ERC-1155 line.
    CreateEdition {
        /// The line's royalty.
        royalty: Royalty,
        /// Its maximum supply (all minted by the next `MintEditions`).
        supply: u64,
    },
    /// `IpEditions.mintBatch(to, ids, supplies, "")` of created editions.
    MintEditions,
    /// `ProvenanceRegistry.recordProvenanceBatch(collection, ids, model, …)`.
    Provenance {
        /// The batch's model.
        #[serde(rename = "modelId")]
        model_id: u64,
        /// Records of ERC-1155 editions (the editions contract) rather than
        /// ERC-721 tokens.
        #[serde(default)]
        editions: bool,
    },
}

/// One batch transaction of the plan.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    /// Its position in the plan (0-based).
    pub index: usize,
    /// What it sends.
    #[serde(flatten)]
    pub kind: BatchKind,
    /// The manifest lines it covers, in order.
    pub lines: Vec<usize>,
}

impl Batch {
    /// Whether this is an ERC-721 mint batch.
    #[must_use]
    pub fn is_mint(&self) -> bool {
        matches!(self.kind, BatchKind::Mint { .. })
    }

    /// Whether this batch gives its lines their token ids (an ERC-721 mint
    /// or an edition's creation).
    #[must_use]
    pub fn assigns_ids(&self) -> bool {
        matches!(
            self.kind,
            BatchKind::Mint { .. } | BatchKind::CreateEdition { .. }
        )
    }

    /// Whether this is a provenance batch (its lines are then complete).
    #[must_use]
    pub fn is_provenance(&self) -> bool {
        matches!(self.kind, BatchKind::Provenance { .. })
    }
}

/// Cuts `items` (in manifest order) into batches. ERC-721 lines: a mint
/// batch of at most `mint_size` consecutive lines with the same royalty,
/// then the provenance batches of exactly those lines (at most
/// `provenance_size` consecutive lines with the same model each), then the
/// next mint batch. ERC-1155 lines: groups of at most `mint_size`
/// consecutive lines, each a `CreateEdition` per line, one `MintEditions`
/// and the group's provenance batches. Every line is minted once and
/// recorded once, in order.
///
/// # Errors
/// [`PlanError::ZeroBatchSize`] when a size is 0.
pub fn plan(
    items: &[PlanItem],
    mint_size: usize,
    provenance_size: usize,
) -> Result<Vec<Batch>, PlanError> {
    if mint_size == 0 || provenance_size == 0 {
        return Err(PlanError::ZeroBatchSize);
    }
    let mut out = Vec::new();
    let push = |out: &mut Vec<Batch>, kind, lines: Vec<usize>| {
        out.push(Batch {
            index: out.len(),
            kind,
            lines,
        });
    };
    let lines = |run: &[PlanItem]| run.iter().map(|i| i.line).collect::<Vec<_>>();
    for same_kind in runs(items, usize::MAX, |i| i.supply.is_some()) {
        let editions = same_kind[0].supply.is_some();
        let groups = if editions {
            runs(same_kind, mint_size, |_| ())
        } else {
            runs(same_kind, mint_size, |i| i.royalty)
        };
        for group in groups {
            if editions {
                for i in group {
                    let kind = BatchKind::CreateEdition {
                        royalty: i.royalty,
                        supply: i.supply.unwrap_or(1),
                    };
                    push(&mut out, kind, vec![i.line]);
                }
                push(&mut out, BatchKind::MintEditions, lines(group));
            } else {
                let kind = BatchKind::Mint {
                    royalty: group[0].royalty,
                };
                push(&mut out, kind, lines(group));
            }
            for prov in runs(group, provenance_size, |i| i.model_id) {
                let kind = BatchKind::Provenance {
                    model_id: prov[0].model_id,
                    editions,
                };
                push(&mut out, kind, lines(prov));
            }
        }
    }
    Ok(out)
}

/// Consecutive runs of `items` with the same `key`, each at most `max` long
/// (`max ≥ 1`).
fn runs<K: PartialEq>(
    items: &[PlanItem],
    max: usize,
    key: impl Fn(&PlanItem) -> K,
) -> Vec<&[PlanItem]> {
    let mut out = Vec::new();
    let mut start = 0;
    for end in 1..=items.len() {
        let cut =
            end == items.len() || end - start == max || key(&items[end]) != key(&items[start]);
        if cut {
            out.push(&items[start..end]);
            start = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::Address;
    use proptest::prelude::*;

    fn royalty(bps: u32) -> Royalty {
        Royalty {
            receiver: Address::repeat_byte(1),
            bps,
        }
    }

    fn item(line: usize, bps: u32, model_id: u64) -> PlanItem {
        PlanItem {
            line,
            royalty: royalty(bps),
            model_id,
            supply: None,
        }
    }

    fn edition(line: usize, bps: u32, model_id: u64, supply: u64) -> PlanItem {
        PlanItem {
            supply: Some(supply),
            ..item(line, bps, model_id)
        }
    }

    #[test]
    fn the_budget_is_half_the_block_under_the_transaction_cap() {
        assert_eq!(gas_budget(30_000_000, DEFAULT_TX_GAS_CAP), 15_000_000);
        assert_eq!(gas_budget(1 << 50, DEFAULT_TX_GAS_CAP), DEFAULT_TX_GAS_CAP);
        assert_eq!(gas_budget(1, DEFAULT_TX_GAS_CAP), 0);
    }

    #[test]
    fn the_gas_model_goes_through_both_probes() {
        let m = GasModel::from_probes(100_000, 8, 380_000);
        assert_eq!(m.per_asset, 40_000);
        assert_eq!(m.base, 60_000);
        assert_eq!(m.gas(1), 100_000);
        assert_eq!(m.gas(8), 380_000);
        // a single probe: all of it per asset
        assert_eq!(
            GasModel::from_probes(5, 1, 5),
            GasModel {
                base: 0,
                per_asset: 5
            }
        );
        // a probe that got cheaper never yields a zero per-asset cost
        assert_eq!(GasModel::from_probes(10, 4, 9).per_asset, 1);
    }

    #[test]
    fn the_batch_size_is_the_largest_that_fits() {
        let m = GasModel {
            base: 60_000,
            per_asset: 40_000,
        };
        assert_eq!(batch_size(m, 1_000_000), Ok(23)); // 60k + 23·40k = 980k
        assert_eq!(batch_size(m, 100_000), Ok(1));
        assert_eq!(
            batch_size(m, 99_999),
            Err(PlanError::BudgetTooSmall {
                model: m,
                budget: 99_999
            })
        );
        assert_eq!(
            batch_size(m, 10),
            Err(PlanError::BudgetTooSmall {
                model: m,
                budget: 10
            })
        );
        assert_eq!(batch_size(m, u64::MAX), Ok(MAX_BATCH));
    }

    #[test]
    fn mint_batches_share_a_royalty_and_provenance_batches_a_model() {
        let items = [
            item(1, 500, 1),
            item(2, 500, 1),
            item(3, 500, 2),
            item(4, 700, 2),
            item(5, 700, 2),
            item(6, 700, 2),
            item(7, 500, 2),
        ];
        let p = plan(&items, 2, 10).unwrap();
        let shape: Vec<(bool, Vec<usize>)> =
            p.iter().map(|b| (b.is_mint(), b.lines.clone())).collect();
        assert_eq!(
            shape,
            vec![
                (true, vec![1, 2]),
                (false, vec![1, 2]),
                (true, vec![3]), // the royalty is the same, but the batch is full
                (false, vec![3]),
                (true, vec![4, 5]),
                (false, vec![4, 5]),
                (true, vec![6]),
                (false, vec![6]),
                (true, vec![7]),
                (false, vec![7]),
            ]
        );
        let p = plan(&items, 10, 2).unwrap();
        let shape: Vec<(BatchKind, Vec<usize>)> =
            p.iter().map(|b| (b.kind, b.lines.clone())).collect();
        assert_eq!(
            shape,
            vec![
                (
                    BatchKind::Mint {
                        royalty: royalty(500)
                    },
                    vec![1, 2, 3]
                ),
                (
                    BatchKind::Provenance {
                        model_id: 1,
                        editions: false
                    },
                    vec![1, 2]
                ),
                (
                    BatchKind::Provenance {
                        model_id: 2,
                        editions: false
                    },
                    vec![3]
                ),
                (
                    BatchKind::Mint {
                        royalty: royalty(700)
                    },
                    vec![4, 5, 6]
                ),
                (
                    BatchKind::Provenance {
                        model_id: 2,
                        editions: false
                    },
                    vec![4, 5]
                ),
                (
                    BatchKind::Provenance {
                        model_id: 2,
                        editions: false
                    },
                    vec![6]
                ),
                (
                    BatchKind::Mint {
                        royalty: royalty(500)
                    },
                    vec![7]
                ),
                (
                    BatchKind::Provenance {
                        model_id: 2,
                        editions: false
                    },
                    vec![7]
                ),
            ]
        );
        assert!(p.iter().enumerate().all(|(i, b)| b.index == i));
        assert_eq!(plan(&items, 0, 1), Err(PlanError::ZeroBatchSize));
        assert_eq!(plan(&items, 1, 0), Err(PlanError::ZeroBatchSize));
        assert_eq!(plan(&[], 3, 3), Ok(Vec::new()));
    }

    #[test]
    fn editions_are_created_one_by_one_then_minted_and_recorded_together() {
        let items = [
            item(1, 500, 1),
            edition(2, 500, 1, 10),
            edition(3, 700, 1, 5),
            edition(4, 700, 2, 1),
            item(5, 500, 1),
        ];
        let p = plan(&items, 2, 10).unwrap();
        let shape: Vec<(BatchKind, Vec<usize>)> =
            p.iter().map(|b| (b.kind, b.lines.clone())).collect();
        let prov = |model_id, editions| BatchKind::Provenance { model_id, editions };
        assert_eq!(
            shape,
            vec![
                (
                    BatchKind::Mint {
                        royalty: royalty(500)
                    },
                    vec![1]
                ),
                (prov(1, false), vec![1]),
                (
                    BatchKind::CreateEdition {
                        royalty: royalty(500),
                        supply: 10
                    },
                    vec![2]
                ),
                (
                    BatchKind::CreateEdition {
                        royalty: royalty(700),
                        supply: 5
                    },
                    vec![3]
                ),
                (BatchKind::MintEditions, vec![2, 3]),
                (prov(1, true), vec![2, 3]),
                (
                    BatchKind::CreateEdition {
                        royalty: royalty(700),
                        supply: 1
                    },
                    vec![4]
                ),
                (BatchKind::MintEditions, vec![4]),
                (prov(2, true), vec![4]),
                (
                    BatchKind::Mint {
                        royalty: royalty(500)
                    },
                    vec![5]
                ),
                (prov(1, false), vec![5]),
            ]
        );
        assert!(p[2].assigns_ids() && !p[4].assigns_ids() && p[5].is_provenance());
    }

    proptest! {
        #[test]
        fn every_line_is_minted_and_recorded_once_in_order(
            keys in proptest::collection::vec((0u32..3, 0u64..3, proptest::option::of(1u64..4)), 0..60),
            mint_size in 1usize..9,
            prov_size in 1usize..9,
        ) {
            let items: Vec<PlanItem> = keys
                .iter()
                .enumerate()
                .map(|(i, &(bps, m, supply))| PlanItem { supply, ..item(i + 1, bps, m) })
                .collect();
            let p = plan(&items, mint_size, prov_size).unwrap();
            let by_line = |l: usize| &items[l - 1];
            let mut minted: Vec<usize> = Vec::new();
            let mut created: Vec<usize> = Vec::new();
            let mut recorded: Vec<usize> = Vec::new();
            for b in &p {
                prop_assert!(!b.lines.is_empty());
                match b.kind {
                    BatchKind::Mint { royalty } => {
                        prop_assert!(b.lines.len() <= mint_size);
                        prop_assert!(b.lines.iter().all(|&l| by_line(l).royalty == royalty
                            && by_line(l).supply.is_none()));
                        // all provenance before this mint covers the previous mints
                        prop_assert_eq!(&recorded, &minted);
                        minted.extend(&b.lines);
                    }
                    BatchKind::CreateEdition { royalty, supply } => {
                        prop_assert_eq!(b.lines.len(), 1);
                        let i = by_line(b.lines[0]);
                        prop_assert_eq!((i.royalty, i.supply), (royalty, Some(supply)));
                        created.extend(&b.lines);
                    }
                    BatchKind::MintEditions => {
                        prop_assert!(b.lines.len() <= mint_size);
                        // exactly the editions created since the last mint
                        let fresh: Vec<usize> = created.iter().copied().filter(|l| !minted.contains(l)).collect();
                        prop_assert_eq!(&fresh, &b.lines);
                        minted.extend(&b.lines);
                    }
                    BatchKind::Provenance { model_id, editions } => {
                        prop_assert!(b.lines.len() <= prov_size);
                        prop_assert!(b.lines.iter().all(|&l| by_line(l).model_id == model_id
                            && by_line(l).supply.is_some() == editions
                            && minted.contains(&l)));
                        recorded.extend(&b.lines);
                    }
                }
            }
            let all: Vec<usize> = (1..=items.len()).collect();
            prop_assert_eq!(&minted, &all);
            prop_assert_eq!(&recorded, &all);
            let editions: Vec<usize> = items.iter().filter(|i| i.supply.is_some()).map(|i| i.line).collect();
            prop_assert_eq!(&created, &editions);
        }
    }
}
