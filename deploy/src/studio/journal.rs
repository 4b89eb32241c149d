//! The mint journal, `<out>/journal.jsonl`: append-only JSON Lines, each
//! line written whole and fsync'ed before the next step.
//!
//! ```text
//! {"type":"header", chain, contracts, minter, recipient, assetsDigest, batch sizes}
//! {"type":"intent", batch, kind, lines, nonce, hash, raw}   before sending
//! {"type":"done",   batch, hash, ids, gasUsed, block}       after the receipt
//! ```
//!
//! On restart the journal is replayed ([`State::replay`]): the header must
//! describe the same manifest (the digest of every asset's hashes, CIDs,
//! royalty and model), chain, contracts and accounts; each batch is done,
//! pending (an intent without `done`: [`recover`] decides from its receipt
//! and the account's nonce) or not started. The same raw signed transaction
//! is sent again when it may still be mined (its hash can be mined only
//! once), so no asset is minted twice and none is skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

use super::manifest::Royalty;
use super::plan::{Batch, BatchKind};
use crate::provenance::FieldHashes;

/// The journal's format version.
pub const VERSION: u32 = 1;

/// The journal's file name inside the output folder.
pub const FILE_NAME: &str = "journal.jsonl";

/// What a run is about; the first line of the journal.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    /// [`VERSION`].
    pub version: u32,
    /// The chain id.
    pub chain_id: u64,
    /// The chain's genesis block hash (tells a restarted dev chain from
    /// the one the journal was written on).
    pub genesis: B256,
    /// The ERC-721 collection minted into.
    pub collection: Address,
    /// The ERC-1155 editions contract (zero: none).
    pub editions: Address,
    /// The provenance registry.
    pub registry: Address,
    /// The account that signs the transactions.
    pub minter: Address,
    /// The tokens' recipient.
    pub recipient: Address,
    /// [`assets_digest`] of the validated manifest.
    pub assets_digest: B256,
    /// How many assets.
    pub assets: usize,
    /// The mint batch size of the plan.
    pub mint_batch_size: usize,
    /// The provenance batch size of the plan.
    pub provenance_batch_size: usize,
}

/// A transaction about to be sent.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Intent {
    /// The batch's index in the plan.
    pub batch: usize,
    /// What it sends.
    #[serde(flatten)]
    pub kind: BatchKind,
    /// The manifest lines.
    pub lines: Vec<usize>,
    /// The token ids (provenance batches; empty for a mint).
    #[serde(default)]
    pub ids: Vec<U256>,
    /// The transaction's nonce.
    pub nonce: u64,
    /// Its hash.
    pub hash: B256,
    /// The raw signed transaction (EIP-2718).
    pub raw: Bytes,
}

/// A batch mined successfully.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Done {
    /// The batch's index in the plan.
    pub batch: usize,
    /// The transaction's hash.
    pub hash: B256,
    /// The token ids of its lines, in order.
    pub ids: Vec<U256>,
    /// Gas used.
    pub gas_used: u64,
    /// The block it was mined in.
    pub block: u64,
}

/// One journal line.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Entry {
    /// The first line.
    Header(Header),
    /// Before sending.
    Intent(Intent),
    /// After the receipt.
    Done(Done),
}

/// Why a journal cannot be used.
#[derive(Debug)]
pub enum JournalError {
    /// The file cannot be read or written.
    Io {
        /// The journal.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not a journal entry.
    Corrupt {
        /// Its 1-based line number.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// The journal was written for another manifest, chain, contract,
    /// account or batch plan.
    Mismatch {
        /// What differs.
        field: &'static str,
        /// The journal's value.
        journal: String,
        /// This run's value.
        now: String,
    },
    /// An entry does not fit the plan (another batch cut, a `done` without
    /// its intent).
    Inconsistent {
        /// The batch.
        batch: usize,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "journal {}: {source}", path.display()),
            Self::Corrupt { line, message } => {
                write!(f, "journal line {line} is not a journal entry: {message}")
            }
            Self::Mismatch {
                field,
                journal,
                now,
            } => write!(
                f,
                "the journal is for another run ({field}: journal {journal}, now {now}); \
                 a journal must be resumed with the same manifest content, chain and keys \
                 (use another --out for a new run)"
            ),
            Self::Inconsistent { batch, message } => {
                write!(f, "journal batch {batch}: {message}")
            }
        }
    }
}

impl std::error::Error for JournalError {}

/// What the journal's digest covers of one asset: everything that goes on
/// chain for it.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DigestItem {
    /// The manifest line.
    pub line: usize,
    /// The record's five hashes.
    pub hashes: FieldHashes,
    /// The metadata's CID (so the `tokenURI`).
    pub metadata_cid: String,
    /// The model.
    pub model_id: u64,
    /// The royalty.
    pub royalty: Royalty,
    /// ERC-1155 editions, if any.
    pub supply: Option<u64>,
}

/// A digest of everything that goes on chain for the manifest.
#[must_use]
pub fn assets_digest(items: &[DigestItem]) -> B256 {
    // DigestItem serialises infallibly (numbers, strings, hex); were it
    // ever to fail, every digest would be that of the empty input and a
    // header check would fall back on the number of assets and the rest.
    keccak256(serde_json::to_vec(items).unwrap_or_default())
}

/// Parses the journal's text. A last line without its newline that does
/// not parse is a write torn by a crash and is ignored (its transaction
/// was never sent: the intent is synced before sending).
///
/// # Errors
/// [`JournalError::Corrupt`] for any other unparsable line.
pub fn parse(text: &str) -> Result<Vec<Entry>, JournalError> {
    let complete = text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        match serde_json::from_str::<Entry>(l) {
            Ok(e) => out.push(e),
            Err(_) if i + 1 == lines.len() && !complete => break,
            Err(e) => {
                return Err(JournalError::Corrupt {
                    line: i + 1,
                    message: e.to_string(),
                })
            }
        }
    }
    Ok(out)
}

/// The journal replayed against this run's header and plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Batches done, by index.
    pub done: BTreeMap<usize, Done>,
    /// Batches with an intent and no `done` (the latest intent), by index.
    pub pending: BTreeMap<usize, Intent>,
}

fn mismatch<T: fmt::Debug + PartialEq>(
    field: &'static str,
    journal: &T,
    now: &T,
) -> Result<(), JournalError> {
    if journal == now {
        Ok(())
    } else {
        Err(JournalError::Mismatch {
            field,
            journal: format!("{journal:?}"),
            now: format!("{now:?}"),
        })
    }
}

/// Compares a journal's header with this run's.
///
/// # Errors
/// [`JournalError::Mismatch`] naming the first field that differs.
pub fn check_header(journal: &Header, now: &Header) -> Result<(), JournalError> {
    mismatch("format version", &journal.version, &now.version)?;
    mismatch(
        "manifest content (assets digest)",
        &journal.assets_digest,
        &now.assets_digest,
    )?;
    mismatch("number of assets", &journal.assets, &now.assets)?;
    mismatch("chain id", &journal.chain_id, &now.chain_id)?;
    mismatch("chain (genesis block)", &journal.genesis, &now.genesis)?;
    mismatch("collection", &journal.collection, &now.collection)?;
    mismatch("editions", &journal.editions, &now.editions)?;
    mismatch("provenance registry", &journal.registry, &now.registry)?;
    mismatch("minter", &journal.minter, &now.minter)?;
    mismatch("recipient", &journal.recipient, &now.recipient)
}

impl State {
    /// Replays `entries` (the header first) for a run whose header is
    /// `now` and whose plan is `plan` (made with the journal's batch sizes).
    ///
    /// # Errors
    /// [`JournalError::Mismatch`] for another run's journal,
    /// [`JournalError::Inconsistent`] for entries that do not fit the plan.
    pub fn replay(entries: &[Entry], now: &Header, plan: &[Batch]) -> Result<Self, JournalError> {
        let mut state = Self::default();
        let mut iter = entries.iter();
        match iter.next() {
            Some(Entry::Header(h)) => check_header(h, now)?,
            Some(_) => {
                return Err(JournalError::Corrupt {
                    line: 1,
                    message: "the first line is not the header".into(),
                })
            }
            None => return Ok(state),
        }
        for e in iter {
            match e {
                Entry::Header(_) => {
                    return Err(JournalError::Corrupt {
                        line: 0,
                        message: "a second header".into(),
                    })
                }
                Entry::Intent(i) => {
                    let bad = |message: String| JournalError::Inconsistent {
                        batch: i.batch,
                        message,
                    };
                    let b = plan
                        .get(i.batch)
                        .ok_or_else(|| bad("beyond the plan".into()))?;
                    if b.kind != i.kind || b.lines != i.lines {
                        return Err(bad(format!(
                            "the journal's batch ({:?}, lines {:?}) is not the plan's ({:?}, lines {:?})",
                            i.kind, i.lines, b.kind, b.lines
                        )));
                    }
                    if state.done.contains_key(&i.batch) {
                        return Err(bad("an intent after its batch was done".into()));
                    }
                    state.pending.insert(i.batch, i.clone());
                }
                Entry::Done(d) => {
                    let bad = |message: String| JournalError::Inconsistent {
                        batch: d.batch,
                        message,
                    };
                    let intent = state
                        .pending
                        .remove(&d.batch)
                        .ok_or_else(|| bad("done without an intent".into()))?;
                    if intent.hash != d.hash {
                        return Err(bad(format!(
                            "done by {} but the last intent is {}",
                            d.hash, intent.hash
                        )));
                    }
                    if d.ids.len() != intent.lines.len() {
                        return Err(bad(format!(
                            "{} ids for {} lines",
                            d.ids.len(),
                            intent.lines.len()
                        )));
                    }
                    state.done.insert(d.batch, d.clone());
                }
            }
        }
        // The plan runs in order: a batch is started only when every
        // earlier one is done.
        if let Some(first_open) = plan
            .iter()
            .map(|b| b.index)
            .find(|i| !state.done.contains_key(i))
        {
            if let Some(&later) = state
                .done
                .keys()
                .chain(state.pending.keys())
                .find(|&&k| k > first_open)
            {
                return Err(JournalError::Inconsistent {
                    batch: later,
                    message: format!("started before batch {first_open} was done"),
                });
            }
        }
        Ok(state)
    }
}

/// What the chain says about a pending intent's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// No receipt (not mined, or unknown to the node).
    None,
    /// Mined and successful.
    Success,
    /// Mined and reverted (nothing changed but the nonce).
    Reverted,
}

/// What to do with a pending intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// It was mined: record `done` from the receipt.
    RecordDone,
    /// Not mined and its nonce is still free: send the same raw signed
    /// transaction again (it may also still be in a mempool; the same hash
    /// is mined at most once).
    Resend,
    /// It can never be mined (its nonce went to another transaction) or it
    /// reverted (changing nothing): write a new intent for the batch.
    Supersede,
}

/// Decides a pending intent's fate from its receipt and the account's
/// nonce (the next nonce of the mined state).
#[must_use]
pub fn recover(intent_nonce: u64, receipt: Receipt, account_nonce: u64) -> Recovery {
    match receipt {
        Receipt::Success => Recovery::RecordDone,
        Receipt::Reverted => Recovery::Supersede,
        Receipt::None if account_nonce <= intent_nonce => Recovery::Resend,
        Receipt::None => Recovery::Supersede,
    }
}

/// The journal file, opened for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: std::fs::File,
}

impl Journal {
    /// Opens (creating it if needed) the journal at `path`; its entries so
    /// far.
    ///
    /// # Errors
    /// [`JournalError::Io`], [`JournalError::Corrupt`].
    pub fn open(path: &Path) -> Result<(Self, Vec<Entry>), JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_owned(),
            source,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io(e)),
        };
        let entries = parse(&text)?;
        if !text.is_empty() && !text.ends_with('\n') {
            // a torn last line: cut it, so the next entry starts on its own line
            let keep = text.rfind('\n').map_or(0, |i| i + 1) as u64;
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|f| {
                    f.set_len(keep)?;
                    f.sync_data()
                })
                .map_err(io)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        if text.is_empty() {
            // a new file: make its directory entry durable too
            if let Some(dir) = path.parent() {
                if let Ok(d) = std::fs::File::open(dir) {
                    let _ = d.sync_all();
                }
            }
        }
        Ok((
            Self {
                path: path.to_owned(),
                file,
            },
            entries,
        ))
    }

    /// Appends `entry` as one line and fsyncs it.
    ///
    /// # Errors
    /// [`JournalError::Io`].
    pub fn append(&mut self, entry: &Entry) -> Result<(), JournalError> {
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(entry).map_err(|e| io(e.into()))?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(io)?;
        self.file.sync_data().map_err(io)
    }

    /// The journal's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studio::manifest::Royalty;
    use crate::studio::plan::{plan, PlanItem};

    fn header() -> Header {
        Header {
            version: VERSION,
            chain_id: 412_346,
            genesis: B256::repeat_byte(4),
            collection: Address::repeat_byte(1),
            editions: Address::ZERO,
            registry: Address::repeat_byte(2),
            minter: Address::repeat_byte(3),
            recipient: Address::repeat_byte(3),
            assets_digest: B256::repeat_byte(9),
            assets: 4,
            mint_batch_size: 2,
            provenance_batch_size: 2,
        }
    }

    fn the_plan() -> Vec<Batch> {
        let items: Vec<PlanItem> = (1..=4)
            .map(|line| PlanItem {
                line,
                royalty: Royalty {
                    receiver: Address::ZERO,
                    bps: 0,
                },
                model_id: 1,
                supply: None,
            })
            .collect();
        plan(&items, 2, 2).unwrap()
    }

    fn intent(b: &Batch, nonce: u64) -> Intent {
        Intent {
            batch: b.index,
            kind: b.kind,
            lines: b.lines.clone(),
            ids: Vec::new(),
            nonce,
            hash: B256::repeat_byte(u8::try_from(nonce).unwrap() + 1),
            raw: Bytes::from(vec![0x02, u8::try_from(nonce).unwrap()]),
        }
    }

    fn done(i: &Intent) -> Done {
        Done {
            batch: i.batch,
            hash: i.hash,
            ids: (1..=i.lines.len()).map(U256::from).collect(),
            gas_used: 21_000,
            block: 7,
        }
    }

    #[test]
    fn replay_finds_done_and_pending_batches() {
        let p = the_plan();
        assert_eq!(p.len(), 4);
        let i0 = intent(&p[0], 0);
        let i1 = intent(&p[1], 1);
        let entries = vec![
            Entry::Header(header()),
            Entry::Intent(i0.clone()),
            Entry::Done(done(&i0)),
            Entry::Intent(i1.clone()),
        ];
        let s = State::replay(&entries, &header(), &p).unwrap();
        assert_eq!(s.done.keys().copied().collect::<Vec<_>>(), vec![0]);
        assert_eq!(s.pending.get(&1), Some(&i1));
        // a superseding intent replaces the pending one
        let mut i1b = intent(&p[1], 2);
        i1b.batch = 1;
        let mut more = entries;
        more.push(Entry::Intent(i1b.clone()));
        let s = State::replay(&more, &header(), &p).unwrap();
        assert_eq!(s.pending.get(&1), Some(&i1b));
        // done by the old hash after a supersede is inconsistent
        more.push(Entry::Done(done(&i1)));
        assert!(matches!(
            State::replay(&more, &header(), &p),
            Err(JournalError::Inconsistent { batch: 1, .. })
        ));
        // an empty journal: nothing done
        assert_eq!(State::replay(&[], &header(), &p).unwrap(), State::default());
    }

    #[test]
    fn another_manifest_chain_or_account_is_refused() {
        let p = the_plan();
        let entries = vec![Entry::Header(header())];
        for (field, now) in [
            (
                "manifest content (assets digest)",
                Header {
                    assets_digest: B256::repeat_byte(8),
                    ..header()
                },
            ),
            (
                "chain id",
                Header {
                    chain_id: 1,
                    ..header()
                },
            ),
            (
                "collection",
                Header {
                    collection: Address::repeat_byte(7),
                    ..header()
                },
            ),
            (
                "recipient",
                Header {
                    recipient: Address::repeat_byte(7),
                    ..header()
                },
            ),
        ] {
            let e = State::replay(&entries, &now, &p).unwrap_err();
            assert!(
                matches!(&e, JournalError::Mismatch { field: f, .. } if *f == field),
                "{e}"
            );
            assert!(e.to_string().contains("another --out"), "{e}");
        }
    }

    #[test]
    fn entries_that_do_not_fit_the_plan_are_refused() {
        let p = the_plan();
        let mut wrong = intent(&p[0], 0);
        wrong.lines = vec![1];
        let e = State::replay(
            &[Entry::Header(header()), Entry::Intent(wrong)],
            &header(),
            &p,
        );
        assert!(matches!(
            e,
            Err(JournalError::Inconsistent { batch: 0, .. })
        ));
        let orphan = done(&intent(&p[0], 0));
        let e = State::replay(
            &[Entry::Header(header()), Entry::Done(orphan)],
            &header(),
            &p,
        );
        assert!(matches!(
            e,
            Err(JournalError::Inconsistent { batch: 0, .. })
        ));
        // batch 2 started while batch 1 is pending
        let (i0, i1, i2) = (intent(&p[0], 0), intent(&p[1], 1), intent(&p[2], 2));
        let e = State::replay(
            &[
                Entry::Header(header()),
                Entry::Intent(i0.clone()),
                Entry::Done(done(&i0)),
                Entry::Intent(i1),
                Entry::Intent(i2),
            ],
            &header(),
            &p,
        );
        assert!(matches!(
            e,
            Err(JournalError::Inconsistent { batch: 2, .. })
        ));
        let e = State::replay(&[Entry::Intent(i0)], &header(), &p);
        assert!(matches!(e, Err(JournalError::Corrupt { line: 1, .. })));
    }

    #[test]
    fn recovery_resends_only_while_the_nonce_is_free() {
        assert_eq!(recover(5, Receipt::Success, 6), Recovery::RecordDone);
        assert_eq!(recover(5, Receipt::Reverted, 6), Recovery::Supersede);
        assert_eq!(recover(5, Receipt::None, 5), Recovery::Resend);
        assert_eq!(recover(5, Receipt::None, 3), Recovery::Resend);
        assert_eq!(recover(5, Receipt::None, 6), Recovery::Supersede);
    }

    #[test]
    fn the_file_round_trips_and_a_torn_last_line_is_ignored() {
        let dir = std::env::temp_dir().join(format!("studio-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE_NAME);
        let _ = std::fs::remove_file(&path);
        let p = the_plan();
        let i0 = intent(&p[0], 0);
        {
            let (mut j, entries) = Journal::open(&path).unwrap();
            assert!(entries.is_empty());
            j.append(&Entry::Header(header())).unwrap();
            j.append(&Entry::Intent(i0.clone())).unwrap();
        }
        // a crash in the middle of writing `done`
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"type\":\"done\",\"bat");
        std::fs::write(&path, &text).unwrap();
        let (mut j, entries) = Journal::open(&path).unwrap();
        assert_eq!(
            entries,
            vec![Entry::Header(header()), Entry::Intent(i0.clone())]
        );
        j.append(&Entry::Done(done(&i0))).unwrap();
        let (_, entries) = Journal::open(&path).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2], Entry::Done(done(&i0)));
        // a bad line in the middle is corruption, not a torn write
        std::fs::write(&path, "{\"type\":\"header\"}\nnot json\n").unwrap();
        assert!(matches!(
            Journal::open(&path),
            Err(JournalError::Corrupt { line: 1, .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
