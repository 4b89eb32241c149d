//! `stylus-ip provenance hash|attest`: the off-chain half of the provenance
//! registry.
//!
//! * `provenance hash` hashes a generation's inputs (prompt, seed,
//!   parameters JSON, content file, optional human contribution) exactly as
//!   the registry expects them and, given the asset, model and creator, the
//!   record's EIP-712 struct hash (the commit–reveal commitment) and, given
//!   the registry and chain, the digest the model's attester signs.
//! * `provenance attest` signs that digest with the attester's key (read
//!   from an environment variable, never from the command line) and prints
//!   the 65-byte signature `recordProvenance`/`attest` accept and the
//!   ERC-7007 proof `verify` accepts.
//!
//! All the maths is the contract's own: the `stylus-ip-provenance-hash`
//! crate, which the provenance WASM is built from too. This module only reads
//! files, canonicalises the parameters JSON ([`canonical_json`]), converts
//! between this crate's alloy 1.x types and the contract's alloy-primitives
//! 0.8 types (through byte arrays), and signs.
//!
//! Both commands print JSON. `hash`'s output, once it has the record's asset,
//! model and creator, is a valid `--record` file for `attest`:
//!
//! ```sh
//! cargo ip provenance hash --prompt-file prompt.txt --seed 42 --params-file params.json \
//!   --content-file fox.png --collection 0x… --id 7 --model-id 1 --creator 0x… > record.json
//! ATTESTER_KEY=0x… cargo ip provenance attest --key-env ATTESTER_KEY \
//!   --registry 0x… --chain-id 412346 --record record.json
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use anyhow::{bail, ensure, Context, Result};
use clap::{Args, Subcommand};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use stylus_ip_provenance_hash as ph;

/// The contract's alloy-primitives (0.8), as re-exported by the hashing crate.
use ph::alloy_primitives as p08;

/// `provenance` subcommands.
#[derive(Subcommand, Debug, Clone)]
pub enum ProvenanceCmd {
    /// Hash a generation's prompt, seed, parameters, content and human contribution as the registry expects (JSON out).
    Hash {
        /// The generation's inputs.
        #[command(flatten)]
        inputs: Inputs,
        /// The record's asset, model, creator and parents (for the record hash).
        #[command(flatten)]
        ids: IdArgs,
        /// Registry address (with --chain-id: also print the EIP-712 digest).
        #[arg(long, requires = "chain_id")]
        registry: Option<Address>,
        /// Chain id (with --registry).
        #[arg(long, requires = "registry")]
        chain_id: Option<u64>,
    },
    /// Sign a record's EIP-712 digest with the model attester's key (JSON out: 65-byte signature, ERC-7007 proof).
    Attest {
        /// Environment variable holding the attester's private key (hex).
        #[arg(long)]
        key_env: String,
        /// The provenance registry's address (EIP-712 verifying contract).
        #[arg(long)]
        registry: Address,
        /// The chain id the registry is on.
        #[arg(long)]
        chain_id: u64,
        /// The record as JSON (the output of `provenance hash`); `-` reads stdin.
        #[arg(long, conflicts_with_all = [
            "prompt", "prompt_file", "seed", "seed_file", "params_file", "content_file",
            "human", "human_file", "collection", "id", "model_id", "creator", "parent",
        ])]
        record: Option<PathBuf>,
        /// The generation's inputs (instead of --record).
        #[command(flatten)]
        inputs: Inputs,
        /// The record's asset, model, creator and parents (instead of --record).
        #[command(flatten)]
        ids: IdArgs,
    },
}

/// A generation's inputs, as command-line arguments. All but the human
/// contribution are required; they are optional here only so that `attest`
/// can take `--record` instead.
#[derive(Args, Debug, Clone, Default)]
pub struct Inputs {
    /// The prompt text (hashed as its exact UTF-8 bytes).
    #[arg(long, conflicts_with = "prompt_file")]
    pub prompt: Option<String>,
    /// A file holding the prompt (exact bytes, UTF-8; a trailing newline is part of the prompt).
    #[arg(long)]
    pub prompt_file: Option<PathBuf>,
    /// Integer seed: hashed as keccak256(abi.encode(uint256(seed))).
    #[arg(long, conflicts_with = "seed_file")]
    pub seed: Option<u64>,
    /// A file holding a non-integer seed (hashed as keccak256 of its bytes).
    #[arg(long)]
    pub seed_file: Option<PathBuf>,
    /// Generation parameters as JSON; hashed in canonical form (RFC 8785 JCS).
    #[arg(long)]
    pub params_file: Option<PathBuf>,
    /// The asset file (hashed with sha-256, as `sha256sum`).
    #[arg(long)]
    pub content_file: Option<PathBuf>,
    /// A statement of the human contribution (default: none, the zero hash).
    #[arg(long, conflicts_with = "human_file")]
    pub human: Option<String>,
    /// A file describing the human contribution (default: none, the zero hash).
    #[arg(long)]
    pub human_file: Option<PathBuf>,
}

/// The record's asset, model, creator and parents, as command-line
/// arguments: all four of `--collection`, `--id`, `--model-id`, `--creator`,
/// or none.
#[derive(Args, Debug, Clone, Default)]
pub struct IdArgs {
    /// The asset's collection (ERC-721 or ERC-1155 contract).
    #[arg(long)]
    pub collection: Option<Address>,
    /// The asset's token id (decimal or 0x-hex).
    #[arg(long)]
    pub id: Option<U256>,
    /// The registry's id of the model that generated the asset.
    #[arg(long)]
    pub model_id: Option<U256>,
    /// The creator: the account that will write the record.
    #[arg(long)]
    pub creator: Option<Address>,
    /// A parent asset, `COLLECTION:ID` (repeat, in order; at most 8).
    #[arg(long, value_parser = parse_asset)]
    pub parent: Vec<AssetRef>,
}

/// A reference to an asset (ERC-721 token or ERC-1155 id).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AssetRef {
    /// The collection contract.
    pub collection: Address,
    /// The token id.
    pub id: U256,
}

/// The five field hashes of a record.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FieldHashes {
    /// keccak256 of the prompt's bytes.
    pub prompt_hash: B256,
    /// keccak256 of the ABI-encoded integer seed, or of the seed's bytes.
    pub seed_hash: B256,
    /// keccak256 of the canonical parameters JSON.
    pub params_hash: B256,
    /// sha-256 of the asset file.
    pub content_hash: B256,
    /// keccak256 of the human-contribution statement, or zero for none.
    pub human_hash: B256,
}

/// The identity part of a record: asset, model, creator, parents.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RecordIds {
    /// The asset's collection.
    pub collection: Address,
    /// The asset's token id.
    pub id: U256,
    /// The model's registry id.
    pub model_id: U256,
    /// The account that writes the record.
    pub creator: Address,
    /// Parent assets, in order.
    #[serde(default)]
    pub parents: Vec<AssetRef>,
}

/// Everything the attester signs: the EIP-712 `ProvenanceRecord`. Its JSON
/// form is flat, with the member names of the Solidity struct
/// (`collection`, `id`, `modelId`, `promptHash`, …, `parents`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Asset, model, creator, parents.
    #[serde(flatten)]
    pub ids: RecordIds,
    /// The five hashes.
    #[serde(flatten)]
    pub hashes: FieldHashes,
}

/// What `provenance hash` prints.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HashOutput {
    /// The five field hashes.
    #[serde(flatten)]
    pub hashes: FieldHashes,
    /// The exact parameters text that was hashed ([`canonical_json`]).
    pub canonical_params: String,
    /// Asset, model, creator, parents, when given.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub ids: Option<RecordIds>,
    /// The record's EIP-712 struct hash (also its commit–reveal commitment), when the ids are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_hash: Option<B256>,
    /// The registry, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<Address>,
    /// The chain id, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The EIP-712 digest the attester signs, when ids, registry and chain id are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<B256>,
}

/// What `provenance attest` prints.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Attestation {
    /// The attester's address (must be the model's registered attester).
    pub signer: Address,
    /// The registry the signature is for.
    pub registry: Address,
    /// The chain the signature is for.
    pub chain_id: u64,
    /// The record's EIP-712 struct hash.
    pub record_hash: B256,
    /// The signed EIP-712 digest.
    pub digest: B256,
    /// `r ‖ s ‖ v` (65 bytes, `v` 27 or 28, low `s`): `recordProvenance`'s
    /// and `attest`'s `signature`.
    pub signature: Bytes,
    /// `collection ‖ id ‖ signature` (117 bytes): ERC-7007 `verify`'s `proof`.
    pub proof: Bytes,
}

fn to08_address(a: Address) -> p08::Address {
    p08::Address::from(a.into_array())
}

fn to08_b256(b: B256) -> p08::B256 {
    p08::B256::from(b.0)
}

fn to08_u256(u: U256) -> p08::U256 {
    p08::U256::from_be_bytes(u.to_be_bytes::<32>())
}

fn from08_b256(b: p08::B256) -> B256 {
    B256::from(b.0)
}

fn to08_asset(a: &AssetRef) -> ph::AssetRef {
    ph::AssetRef {
        collection: to08_address(a.collection),
        id: to08_u256(a.id),
    }
}

impl Record {
    /// The record in the hashing crate's (the contract's) types.
    #[must_use]
    pub fn fields(&self) -> ph::RecordFields {
        let (i, h) = (&self.ids, &self.hashes);
        ph::RecordFields {
            asset: ph::AssetRef {
                collection: to08_address(i.collection),
                id: to08_u256(i.id),
            },
            model_id: to08_u256(i.model_id),
            prompt_hash: to08_b256(h.prompt_hash),
            seed_hash: to08_b256(h.seed_hash),
            params_hash: to08_b256(h.params_hash),
            content_hash: to08_b256(h.content_hash),
            human_hash: to08_b256(h.human_hash),
            creator: to08_address(i.creator),
            parents: i.parents.iter().map(to08_asset).collect(),
        }
    }

    /// The EIP-712 struct hash: what `commit` takes for commit–reveal models.
    #[must_use]
    pub fn struct_hash(&self) -> B256 {
        from08_b256(ph::record_struct_hash(&self.fields()))
    }

    /// The EIP-712 digest the attester signs for the registry at `registry`
    /// on chain `chain_id`.
    #[must_use]
    pub fn digest(&self, chain_id: u64, registry: Address) -> B256 {
        from08_b256(ph::record_digest(
            chain_id,
            to08_address(registry),
            &self.fields(),
        ))
    }

    /// Checks what the registry would refuse regardless of chain state: more
    /// than [`ph::MAX_PARENTS`] parents, or a repeated parent.
    ///
    /// # Errors
    /// When it would be refused.
    pub fn check(&self) -> Result<()> {
        let parents = &self.ids.parents;
        ensure!(
            parents.len() <= ph::MAX_PARENTS,
            "{} parents; the registry accepts at most {}",
            parents.len(),
            ph::MAX_PARENTS
        );
        let mut seen = BTreeSet::new();
        for p in parents {
            ensure!(
                seen.insert((p.collection, p.id)),
                "parent {}:{} is listed twice",
                p.collection,
                p.id
            );
        }
        Ok(())
    }
}

/// Parses `COLLECTION:ID` (address, then a decimal or 0x-hex id).
///
/// # Errors
/// When either part does not parse.
pub fn parse_asset(s: &str) -> Result<AssetRef> {
    let (c, id) = s
        .split_once(':')
        .with_context(|| format!("`{s}`: expected COLLECTION:ID"))?;
    Ok(AssetRef {
        collection: c
            .trim()
            .parse()
            .with_context(|| format!("`{c}` is not an address"))?,
        id: id
            .trim()
            .parse()
            .with_context(|| format!("`{id}` is not a uint256"))?,
    })
}

// ---------------------------------------------------------------------------
// Canonical JSON (RFC 8785, JCS)
// ---------------------------------------------------------------------------

/// The largest integer every JSON implementation reads exactly
/// (`Number.MAX_SAFE_INTEGER`, 2^53 - 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A parsed JSON value that remembers object members in input order and
/// refuses duplicate names (I-JSON, which JCS requires).
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    /// An integer literal (no fraction or exponent) within ±[`MAX_SAFE_INTEGER`].
    Int(i64),
    /// Any other number, as the nearest IEEE-754 double.
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Json, E> {
        match i64::try_from(n) {
            Ok(i) => self.visit_i64(i),
            // `as f64`: the nearest double, which is what is checked.
            Err(_) => exact_big_integer(&n.to_string(), n as f64),
        }
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Json, E> {
        if n.unsigned_abs() <= MAX_SAFE_INTEGER {
            Ok(Json::Int(n))
        } else {
            // `as f64`: the nearest double, which is what is checked.
            exact_big_integer(&n.to_string(), n as f64)
        }
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Json, E> {
        if !x.is_finite() {
            return Err(E::custom("number out of the IEEE-754 double range"));
        }
        Ok(Json::Float(x))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        Ok(Json::Str(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Json, E> {
        Ok(Json::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members: Vec<(String, Json)> = Vec::new();
        let mut names = BTreeSet::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            if !names.insert(k.clone()) {
                return Err(de::Error::custom(format_args!(
                    "duplicate member name {k:?}"
                )));
            }
            members.push((k, v));
        }
        Ok(Json::Object(members))
    }
}

/// An integer literal beyond ±(2^53 − 1), whose nearest double is `x`:
/// accepted only if RFC 8785 prints that double as the very same digits
/// (`100000000000000000000` is, `9007199254740993` is not), so that
/// canonicalisation never changes a number's meaning.
fn exact_big_integer<E: de::Error>(literal: &str, x: f64) -> Result<Json, E> {
    let printed = es_number(x);
    if printed == literal {
        Ok(Json::Float(x))
    } else {
        Err(E::custom(format_args!(
            "integer {literal} would be canonicalised as {printed} (an IEEE-754 double, as JSON \
             readers and RFC 8785 read it); write it as a string"
        )))
    }
}

/// Writes `s` as a JSON string the way ECMAScript's `JSON.stringify` does
/// (RFC 8785 §3.2.2.2): `"` and `\` escaped, `\b \t \n \f \r` by name, other
/// control characters as `\u00xx` (lower-case hex), everything else as is.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Formats a double as ECMAScript's `Number.prototype.toString` (RFC 8785
/// §3.2.2.3): the shortest digits that read back to the same double, in
/// plain notation for decimal exponents -7 < e < 21 and as `d.ddde±x`
/// otherwise; `-0` is `0`. Non-finite values (which JSON cannot hold) print
/// as `JSON.stringify` prints them, `null`.
#[must_use]
pub fn es_number(x: f64) -> String {
    if !x.is_finite() {
        return "null".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    // Rust's `{:e}` is the shortest round-trip representation, `d[.ddd]e[-]x`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // A finite double's decimal exponent is within ±324 and it has at most
    // 17 significant digits: the arithmetic below stays tiny (saturating
    // only for form's sake).
    let e: i64 = exp.parse().unwrap_or(0);
    let k = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    // value = 0.d1d2…dk × 10^n
    let n = e.saturating_add(1);
    let as_len = |v: i64| usize::try_from(v).unwrap_or(0);
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', as_len(n.saturating_sub(k))));
    } else if 0 < n && n <= 21 {
        // Here 0 < n < k, so both slices are in range (ASCII digits).
        let (int, frac) = digits.split_at(as_len(n));
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', as_len(n.saturating_neg())));
        out.push_str(&digits);
    } else {
        // x ≠ 0, so there is at least one (ASCII) digit.
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let exponent = n.saturating_sub(1);
        let sign = if exponent > 0 { '+' } else { '-' };
        // Writing to a String cannot fail.
        let _ = write!(out, "e{sign}{}", exponent.unsigned_abs());
    }
    out
}

fn write_canonical(out: &mut String, v: &Json) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(n) => {
            // Writing to a String cannot fail.
            let _ = write!(out, "{n}");
        }
        Json::Float(x) => out.push_str(&es_number(*x)),
        Json::Str(s) => write_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(out, item);
            }
            out.push(']');
        }
        Json::Object(members) => {
            let mut sorted: Vec<&(String, Json)> = members.iter().collect();
            // RFC 8785 §3.2.3: by the names' UTF-16 code units.
            sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_canonical(out, v);
            }
            out.push('}');
        }
    }
}

/// The canonical form of a parameters JSON document, whose keccak-256 is the
/// record's `paramsHash`: the RFC 8785 JSON Canonicalization Scheme (JCS),
/// i.e. what `JSON.stringify` prints for the parsed value once object members
/// are sorted:
///
/// * no whitespace outside strings;
/// * object members sorted by name, comparing UTF-16 code units;
/// * strings with only `"`, `\` and control characters escaped (`\b \t \n
///   \f \r` by name, others as `\u00xx`), all other characters as UTF-8;
/// * numbers as ECMAScript prints doubles: `1.0` → `1`, `1e2` → `100`,
///   `0.5e-6` → `5e-7`, `1e21` → `1e+21`, `-0` → `0`.
///
/// Refused, so that two tools never hash the same parameters differently
/// and canonicalisation never changes a value: invalid JSON or UTF-8,
/// duplicate member names, and integer literals that a double cannot carry
/// digit for digit (beyond ±(2^53 − 1), e.g. `9007199254740993`, which JSON
/// readers round; quote such numbers as strings). Fractional numbers are read
/// as the nearest double, as RFC 8785 specifies. The canonical form of any
/// accepted document is accepted and is its own canonical form.
///
/// # Errors
/// On the refusals above.
pub fn canonical_json(json: &[u8]) -> Result<String> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let value = Json::deserialize(&mut de).context("parameters JSON")?;
    de.end().context("parameters JSON: trailing characters")?;
    let mut out = String::with_capacity(json.len());
    write_canonical(&mut out, &value);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading the {what} file {}", path.display()))
}

impl Inputs {
    /// Hashes the inputs; returns the hashes and the canonical parameters.
    ///
    /// # Errors
    /// When a required input is missing, a file cannot be read, the prompt
    /// is not UTF-8, or the parameters are not canonicalisable JSON.
    pub fn hash(&self) -> Result<(FieldHashes, String)> {
        let prompt_hash = match (&self.prompt, &self.prompt_file) {
            (Some(p), _) => ph::prompt_hash(p),
            (None, Some(f)) => {
                let bytes = read(f, "prompt")?;
                let text = std::str::from_utf8(&bytes)
                    .with_context(|| format!("the prompt file {} is not UTF-8", f.display()))?;
                if text.ends_with('\n') {
                    eprintln!(
                        "note: {} ends with a newline, which is part of the hashed prompt",
                        f.display()
                    );
                }
                ph::prompt_hash(text)
            }
            (None, None) => bail!("missing --prompt or --prompt-file"),
        };
        let seed_hash = match (self.seed, &self.seed_file) {
            (Some(n), _) => ph::seed_hash(n),
            (None, Some(f)) => ph::seed_hash_bytes(&read(f, "seed")?),
            (None, None) => bail!("missing --seed or --seed-file"),
        };
        let params_file = self.params_file.as_ref().context("missing --params-file")?;
        let canonical = canonical_json(&read(params_file, "parameters")?)
            .with_context(|| params_file.display().to_string())?;
        let params_hash = ph::params_hash(canonical.as_bytes());
        let content_file = self
            .content_file
            .as_ref()
            .context("missing --content-file")?;
        let content_hash = ph::content_hash(&read(content_file, "content")?);
        let human_hash = match (&self.human, &self.human_file) {
            (Some(h), _) => ph::human_contribution_hash(h.as_bytes()),
            (None, Some(f)) => ph::human_contribution_hash(&read(f, "human contribution")?),
            (None, None) => p08::B256::ZERO,
        };
        Ok((
            FieldHashes {
                prompt_hash: from08_b256(prompt_hash),
                seed_hash: from08_b256(seed_hash),
                params_hash: from08_b256(params_hash),
                content_hash: from08_b256(content_hash),
                human_hash: from08_b256(human_hash),
            },
            canonical,
        ))
    }
}

impl IdArgs {
    /// The ids, if `--collection`, `--id`, `--model-id` and `--creator` are
    /// all given; `None` if none (and no `--parent`) is.
    ///
    /// # Errors
    /// When only some are given.
    pub fn ids(&self) -> Result<Option<RecordIds>> {
        match (self.collection, self.id, self.model_id, self.creator) {
            (Some(collection), Some(id), Some(model_id), Some(creator)) => Ok(Some(RecordIds {
                collection,
                id,
                model_id,
                creator,
                parents: self.parent.clone(),
            })),
            (None, None, None, None) if self.parent.is_empty() => Ok(None),
            _ => {
                let missing: Vec<&str> = [
                    ("--collection", self.collection.is_none()),
                    ("--id", self.id.is_none()),
                    ("--model-id", self.model_id.is_none()),
                    ("--creator", self.creator.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, absent)| absent.then_some(name))
                .collect();
                bail!(
                    "a record needs --collection, --id, --model-id and --creator; missing {}",
                    missing.join(", ")
                )
            }
        }
    }
}

/// `provenance hash`: the field hashes and, with the ids, the record hash
/// and, with `registry` and `chain_id`, the digest.
///
/// # Errors
/// See [`Inputs::hash`], [`IdArgs::ids`] and [`Record::check`].
pub fn hash(inputs: &Inputs, ids: &IdArgs, domain: Option<(u64, Address)>) -> Result<HashOutput> {
    let (hashes, canonical_params) = inputs.hash()?;
    let ids = ids.ids()?;
    let record = ids.clone().map(|ids| Record { ids, hashes });
    if let Some(r) = &record {
        r.check()?;
    }
    Ok(HashOutput {
        hashes,
        canonical_params,
        ids,
        record_hash: record.as_ref().map(Record::struct_hash),
        registry: domain.map(|(_, a)| a),
        chain_id: domain.map(|(c, _)| c),
        digest: record
            .as_ref()
            .zip(domain)
            .map(|(r, (chain_id, registry))| r.digest(chain_id, registry)),
    })
}

/// Reads a record from JSON (`provenance hash`'s output or the same
/// members). If the JSON carries a `recordHash`, it must be the record's.
///
/// # Errors
/// On malformed JSON, a missing member, or a `recordHash` that does not
/// match the other members.
pub fn record_from_json(json: &[u8]) -> Result<Record> {
    let record: Record = serde_json::from_slice(json).context("record JSON")?;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Claimed {
        record_hash: Option<B256>,
    }
    let claimed: Claimed = serde_json::from_slice(json).context("record JSON")?;
    if let Some(h) = claimed.record_hash {
        ensure!(
            h == record.struct_hash(),
            "the record's recordHash {h} does not match its members (hash {})",
            record.struct_hash()
        );
    }
    record.check()?;
    Ok(record)
}

/// Parses a hex private key (with or without `0x`) without ever echoing it.
///
/// # Errors
/// When it is not 32 bytes of hex or not a valid secp256k1 scalar.
pub fn signer_from_hex(key: &str) -> Result<PrivateKeySigner> {
    key.trim()
        .parse::<PrivateKeySigner>()
        .map_err(|_| anyhow::anyhow!("not a 32-byte hex secp256k1 private key"))
}

/// Signs `record` for the registry at `registry` on chain `chain_id`, and
/// checks the result the way the contract will (low `s`, recovery to the
/// signer).
///
/// # Errors
/// When signing fails or the signature does not check (never expected).
pub fn attest(
    record: &Record,
    chain_id: u64,
    registry: Address,
    signer: &PrivateKeySigner,
) -> Result<Attestation> {
    record.check()?;
    let digest = record.digest(chain_id, registry);
    let sig = signer.sign_hash_sync(&digest).context("signing")?;
    let bytes: [u8; ph::SIGNATURE_LEN] = sig.as_bytes();
    ensure!(
        ph::parse_signature(&bytes).is_some(),
        "the signer produced a non-canonical signature"
    );
    ensure!(
        sig.recover_address_from_prehash(&digest).ok() == Some(signer.address()),
        "the signature does not recover to the signer"
    );
    let proof = ph::encode_proof(
        &to08_asset(&AssetRef {
            collection: record.ids.collection,
            id: record.ids.id,
        }),
        &bytes,
    );
    Ok(Attestation {
        signer: signer.address(),
        registry,
        chain_id,
        record_hash: record.struct_hash(),
        digest,
        signature: Bytes::copy_from_slice(&bytes),
        proof: Bytes::from(proof),
    })
}

/// What a `provenance` subcommand prints (as JSON).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(untagged)]
pub enum Output {
    /// `provenance hash`.
    Hash(Box<HashOutput>),
    /// `provenance attest`.
    Attest(Attestation),
}

/// The `registry` / `chainId` a record file was hashed for, if any.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClaimedDomain {
    registry: Option<Address>,
    chain_id: Option<u64>,
}

/// Reads `--record` (a path, or `-` for stdin) for a signature on
/// `(chain_id, registry)`: a file hashed for another domain is refused.
fn read_record_file(path: &Path, chain_id: u64, registry: Address) -> Result<Record> {
    let json = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .context("reading the record from stdin")?;
        buf
    } else {
        read(path, "record")?
    };
    let record = record_from_json(&json).with_context(|| path.display().to_string())?;
    let claimed: ClaimedDomain = serde_json::from_slice(&json).context("record JSON")?;
    ensure!(
        claimed.registry.is_none_or(|r| r == registry)
            && claimed.chain_id.is_none_or(|c| c == chain_id),
        "{} was hashed for registry {:?} on chain {:?}, not {registry} on chain {chain_id}",
        path.display(),
        claimed.registry,
        claimed.chain_id
    );
    Ok(record)
}

/// Runs a `provenance` subcommand; returns what it prints.
///
/// # Errors
/// See [`hash`], [`record_from_json`], [`attest`]; also a missing or
/// malformed key variable, or a record file hashed for another registry or
/// chain.
pub fn execute(cmd: &ProvenanceCmd) -> Result<Output> {
    match cmd {
        ProvenanceCmd::Hash {
            inputs,
            ids,
            registry,
            chain_id,
        } => Ok(Output::Hash(Box::new(hash(
            inputs,
            ids,
            chain_id.zip(*registry),
        )?))),
        ProvenanceCmd::Attest {
            key_env,
            registry,
            chain_id,
            record,
            inputs,
            ids,
        } => {
            let record = match record {
                Some(path) => read_record_file(path, *chain_id, *registry)?,
                None => {
                    let (hashes, _) = inputs.hash()?;
                    let ids = ids.ids()?.context(
                        "attest needs --record, or --collection, --id, --model-id and --creator",
                    )?;
                    Record { ids, hashes }
                }
            };
            let key = std::env::var(key_env)
                .with_context(|| format!("environment variable {key_env} is not set"))?;
            let signer = signer_from_hex(&key).with_context(|| format!("${key_env}"))?;
            Ok(Output::Attest(attest(
                &record, *chain_id, *registry, &signer,
            )?))
        }
    }
}

/// Runs a `provenance` subcommand and prints its JSON to stdout.
///
/// # Errors
/// See [`execute`].
pub fn run(cmd: &ProvenanceCmd) -> Result<()> {
    let out = execute(cmd)?;
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};
    use proptest::prelude::*;

    use super::*;

    /// Hardhat/anvil dev account #0.
    const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const DEV_ADDR: Address =
        alloy::primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(subcommand)]
        cmd: ProvenanceCmd,
    }

    fn canon(s: &str) -> String {
        canonical_json(s.as_bytes()).unwrap_or_else(|e| panic!("{s}: {e:#}"))
    }

    fn refused(s: &str) -> String {
        match canonical_json(s.as_bytes()) {
            Ok(c) => panic!("{s} was accepted as {c}"),
            Err(e) => format!("{e:#}"),
        }
    }

    #[test]
    fn canonical_json_matches_rfc_8785_examples() {
        // RFC 8785 §3.2.4 (whitespace, numbers, strings, literals).
        let input = r#"{
            "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
            "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
            "literals": [null, true, false]
        }"#;
        assert_eq!(
            canon(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
        // RFC 8785 §3.2.3: members sorted by UTF-16 code units (the emoji's
        // surrogates sort before U+FB33, unlike in UTF-8 byte order).
        let input = r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#;
        assert_eq!(
            canon(input),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
             \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
             \"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        // Nested objects are sorted too; arrays keep their order.
        assert_eq!(
            canon(r#" { "b" : [3, {"z":1,"a":2}], "a" : {} , "c": [] } "#),
            r#"{"a":{},"b":[3,{"a":2,"z":1}],"c":[]}"#
        );
    }

    #[test]
    fn numbers_print_as_ecmascript_does() {
        for (x, s) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (4.5, "4.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (123e-20, "1.23e-18"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (295_147_905_179_352_830_000.0, "295147905179352830000"),
            (9_007_199_254_740_993.0, "9007199254740992"),
            (333_333_333.333_333_3, "333333333.3333333"),
            (f64::NAN, "null"),
            (f64::NEG_INFINITY, "null"),
        ] {
            assert_eq!(es_number(x), s, "{x:e}");
        }
        // Integer literals within the safe range print as integers; the
        // same value written as a float prints the same.
        assert_eq!(
            canon("[9007199254740991, -9007199254740991, 30, 30.0, 3e1, -0]"),
            "[9007199254740991,-9007199254740991,30,30,30,0]"
        );
    }

    #[test]
    fn ambiguous_json_is_refused() {
        assert!(refused(r#"{"a":1,"a":2}"#).contains("duplicate member name"));
        assert!(refused(r#"{"x":{"a":1,"a":1}}"#).contains("duplicate"));
        // Integers a double cannot carry digit for digit.
        assert!(refused("9007199254740993").contains("canonicalised as 9007199254740992"));
        assert!(refused("-9007199254740993").contains("as -9007199254740992"));
        assert!(refused("18446744073709551615").contains("as 18446744073709552000"));
        assert!(refused("1152921504606846976").contains("as 1152921504606847000"));
        // ... but big integers that are a double's exact shortest form are fine.
        for ok in [
            "9007199254740992",
            "-70784700624893700",
            "18446744073709552000",
            "100000000000000000000",
        ] {
            assert_eq!(canon(ok), ok);
        }
        assert!(refused(r#"{"a":1} x"#).contains("trailing"));
        refused(r#"{"a":1"#);
        refused(r#"["\ud800"]"#);
        refused("");
        refused("NaN");
        assert!(canonical_json(b"\"\xff\"").is_err());
    }

    /// Any JSON value (object members with distinct names).
    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            (-(MAX_SAFE_INTEGER as i64)..=MAX_SAFE_INTEGER as i64)
                .prop_map(serde_json::Value::from),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(serde_json::Value::from),
            ".*".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(3, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map(".*", inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Equal JSON values, numbers compared as doubles (`30.0` is `30`).
    fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value as V;
        match (a, b) {
            (V::Number(x), V::Number(y)) => x.as_f64() == y.as_f64(),
            (V::Array(x), V::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (V::Object(x), V::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    /// Reverses every object's member order (a different but equal document).
    fn reversed(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::Array(a) => {
                format!(
                    "[{}]",
                    a.iter().map(reversed).collect::<Vec<_>>().join(" , ")
                )
            }
            serde_json::Value::Object(m) => format!(
                "{{ {} }}",
                m.iter()
                    .rev()
                    .map(|(k, v)| format!(
                        "{} :\n{}",
                        serde_json::Value::from(k.clone()),
                        reversed(v)
                    ))
                    .collect::<Vec<_>>()
                    .join(",\t")
            ),
            other => other.to_string(),
        }
    }

    // Cases: PROPTEST_CASES (256 by default and in CI).
    proptest! {
        /// Whitespace and member order never change the canonical form; it
        /// is a fixed point, valid JSON, and parses back to the same value.
        #[test]
        fn canonical_form_is_order_and_whitespace_free(v in arb_json()) {
            let compact = canonical_json(v.to_string().as_bytes()).unwrap();
            let pretty = serde_json::to_string_pretty(&v).unwrap();
            prop_assert_eq!(&canonical_json(pretty.as_bytes()).unwrap(), &compact);
            prop_assert_eq!(&canonical_json(reversed(&v).as_bytes()).unwrap(), &compact);
            prop_assert_eq!(&canonical_json(compact.as_bytes()).unwrap(), &compact);
            let back: serde_json::Value = serde_json::from_str(&compact).unwrap();
            prop_assert!(same(&back, &v), "{} is not {}", back, v);
        }

        /// Any record survives its JSON form (what `hash` prints and
        /// `attest --record` reads), and any member changed after hashing is
        /// caught by the `recordHash` check.
        #[test]
        fn any_record_round_trips_through_json_and_tampering_is_caught(
            r in arb_record(),
            which in 0usize..10,
            bit in 0usize..160,
        ) {
            let out = HashOutput {
                hashes: r.hashes,
                canonical_params: "{}".into(),
                ids: Some(r.ids.clone()),
                record_hash: Some(r.struct_hash()),
                registry: None,
                chain_id: None,
                digest: None,
            };
            let json = serde_json::to_vec(&out).unwrap();
            let back = record_from_json(&json).unwrap();
            prop_assert_eq!(&back, &r);
            prop_assert_eq!(back.struct_hash(), r.struct_hash());
            prop_assert_eq!(
                r.struct_hash(),
                from08_b256(ph::record_struct_hash(&r.fields()))
            );

            let mut t = r.clone();
            let flip_b = |b: &mut B256| b.0[bit / 8 % 32] ^= 1 << (bit % 8);
            let flip_a = |a: &mut Address| a.0[bit / 8 % 20] ^= 1 << (bit % 8);
            let flip_u = |u: &mut U256| *u ^= U256::from(1) << (bit % 256);
            match which {
                0 => flip_a(&mut t.ids.collection),
                1 => flip_u(&mut t.ids.id),
                2 => flip_u(&mut t.ids.model_id),
                3 => flip_b(&mut t.hashes.prompt_hash),
                4 => flip_b(&mut t.hashes.seed_hash),
                5 => flip_b(&mut t.hashes.params_hash),
                6 => flip_b(&mut t.hashes.content_hash),
                7 => flip_b(&mut t.hashes.human_hash),
                8 => flip_a(&mut t.ids.creator),
                _ => match t.ids.parents.first_mut() {
                    Some(p) => flip_u(&mut p.id),
                    None => t.ids.parents.push(AssetRef { collection: Address::ZERO, id: U256::ZERO }),
                },
            }
            prop_assert_ne!(t.struct_hash(), r.struct_hash());
            let mut forged = serde_json::to_value(&out).unwrap();
            let tampered = serde_json::to_value(&t).unwrap();
            for (k, v) in tampered.as_object().unwrap() {
                forged[k] = v.clone();
            }
            let err = record_from_json(&serde_json::to_vec(&forged).unwrap()).unwrap_err();
            prop_assert!(format!("{err:#}").contains("does not match"), "{err:#}");
        }

        /// Any record signed by `attest` recovers to the signer under the
        /// contract's rules, and its proof decodes to the record's asset.
        #[test]
        fn any_attestation_recovers_to_the_attester(r in arb_record(), chain in any::<u64>(), registry in arb_address()) {
            let signer = signer_from_hex(DEV_KEY).unwrap();
            let a = attest(&r, chain, registry, &signer).unwrap();
            prop_assert_eq!(a.signer, DEV_ADDR);
            prop_assert_eq!(a.digest, r.digest(chain, registry));
            let sig = alloy::primitives::Signature::from_raw(&a.signature).unwrap();
            prop_assert_eq!(sig.recover_address_from_prehash(&a.digest).unwrap(), DEV_ADDR);
            prop_assert!(ph::parse_signature(&a.signature).is_some());
            let (asset, sig_bytes) = ph::decode_proof(&a.proof).unwrap();
            prop_assert_eq!(asset, to08_asset(&AssetRef { collection: r.ids.collection, id: r.ids.id }));
            prop_assert_eq!(sig_bytes, &a.signature[..]);
            // Another chain or registry gives another digest.
            prop_assert_ne!(r.digest(chain ^ 1, registry), a.digest);
        }
    }

    fn arb_address() -> impl Strategy<Value = Address> {
        any::<[u8; 20]>().prop_map(Address::from)
    }
    fn arb_b256() -> impl Strategy<Value = B256> {
        any::<[u8; 32]>().prop_map(B256::from)
    }
    fn arb_u256() -> impl Strategy<Value = U256> {
        any::<[u8; 32]>().prop_map(U256::from_be_bytes)
    }
    fn arb_record() -> impl Strategy<Value = Record> {
        (
            (arb_address(), arb_u256(), arb_u256(), arb_address()),
            [arb_b256(), arb_b256(), arb_b256(), arb_b256(), arb_b256()],
            proptest::collection::btree_set((arb_address(), arb_u256()), 0..=ph::MAX_PARENTS),
        )
            .prop_map(|((collection, id, model_id, creator), h, parents)| Record {
                ids: RecordIds {
                    collection,
                    id,
                    model_id,
                    creator,
                    parents: parents
                        .into_iter()
                        .map(|(collection, id)| AssetRef { collection, id })
                        .collect(),
                },
                hashes: FieldHashes {
                    prompt_hash: h[0],
                    seed_hash: h[1],
                    params_hash: h[2],
                    content_hash: h[3],
                    human_hash: h[4],
                },
            })
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stylus-ip-prov-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn inputs_hash_like_the_contract_crate() {
        let dir = temp_dir("inputs");
        let prompt = dir.join("prompt.txt");
        std::fs::write(&prompt, "a red fox in the snow, watercolour").unwrap();
        let params = dir.join("params.json");
        std::fs::write(&params, "{ \"steps\": 30, \"cfg\": 7.0 }\n").unwrap();
        let content = dir.join("fox.png");
        std::fs::write(&content, b"abc").unwrap();
        let human = dir.join("human.txt");
        std::fs::write(&human, b"hand-drawn mask").unwrap();
        let inputs = Inputs {
            prompt_file: Some(prompt),
            seed: Some(42),
            params_file: Some(params),
            content_file: Some(content),
            human_file: Some(human),
            ..Inputs::default()
        };
        let (h, canonical) = inputs.hash().unwrap();
        assert_eq!(canonical, r#"{"cfg":7,"steps":30}"#);
        assert_eq!(
            h.prompt_hash,
            from08_b256(ph::prompt_hash("a red fox in the snow, watercolour"))
        );
        assert_eq!(h.seed_hash, from08_b256(ph::seed_hash(42)));
        assert_eq!(
            h.params_hash,
            alloy::primitives::keccak256(r#"{"cfg":7,"steps":30}"#)
        );
        // sha256("abc"), the NIST vector: what `sha256sum` prints.
        assert_eq!(
            h.content_hash,
            alloy::primitives::b256!(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            )
        );
        assert_eq!(
            h.human_hash,
            alloy::primitives::keccak256("hand-drawn mask")
        );

        // Inline prompt and statement hash the same as the files; no human
        // contribution is the zero hash; a seed file is hashed as bytes.
        let seed_file = dir.join("seed.bin");
        std::fs::write(&seed_file, b"42").unwrap();
        let inline = Inputs {
            prompt: Some("a red fox in the snow, watercolour".into()),
            prompt_file: None,
            human: Some("hand-drawn mask".into()),
            human_file: None,
            ..inputs.clone()
        };
        assert_eq!(inline.hash().unwrap().0, h);
        let bare = Inputs {
            human_file: None,
            seed: None,
            seed_file: Some(seed_file),
            ..inputs.clone()
        };
        let (b, _) = bare.hash().unwrap();
        assert_eq!(b.human_hash, B256::ZERO);
        assert_eq!(b.seed_hash, alloy::primitives::keccak256(b"42"));

        // Missing or bad inputs.
        for (bad, msg) in [
            (
                Inputs {
                    prompt_file: None,
                    ..inputs.clone()
                },
                "--prompt",
            ),
            (
                Inputs {
                    seed: None,
                    ..inputs.clone()
                },
                "--seed",
            ),
            (
                Inputs {
                    params_file: None,
                    ..inputs.clone()
                },
                "--params-file",
            ),
            (
                Inputs {
                    content_file: None,
                    ..inputs.clone()
                },
                "--content-file",
            ),
            (
                Inputs {
                    content_file: Some(dir.join("nope")),
                    ..inputs.clone()
                },
                "reading the content file",
            ),
        ] {
            let e = format!("{:#}", bad.hash().unwrap_err());
            assert!(e.contains(msg), "{e}");
        }
        let latin1 = dir.join("latin1.txt");
        std::fs::write(&latin1, b"caf\xe9").unwrap();
        let e = Inputs {
            prompt_file: Some(latin1),
            ..inputs
        }
        .hash()
        .unwrap_err();
        assert!(format!("{e:#}").contains("not UTF-8"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn command_line_shape() {
        Cli::command().debug_assert();
        let a = "0x00000000000000000000000000000000000000c0";
        let cli = Cli::try_parse_from([
            "x",
            "hash",
            "--prompt",
            "fox",
            "--seed",
            "1",
            "--params-file",
            "p",
            "--content-file",
            "c",
            "--collection",
            a,
            "--id",
            "7",
            "--model-id",
            "0x1",
            "--creator",
            a,
            "--parent",
            &format!("{a}:1"),
            "--parent",
            &format!("{a}:0x2"),
        ])
        .unwrap();
        let ProvenanceCmd::Hash {
            ids,
            registry: None,
            chain_id: None,
            ..
        } = cli.cmd
        else {
            panic!("{cli:?}")
        };
        let ids = ids.ids().unwrap().unwrap();
        assert_eq!((ids.id, ids.model_id), (U256::from(7), U256::from(1)));
        assert_eq!(
            ids.parents.iter().map(|p| p.id).collect::<Vec<_>>(),
            [U256::from(1), U256::from(2)]
        );

        // --registry and --chain-id go together; --record excludes inputs;
        // --prompt excludes --prompt-file; a parent needs COLLECTION:ID.
        for args in [
            vec!["x", "hash", "--registry", a],
            vec!["x", "hash", "--chain-id", "1"],
            vec!["x", "hash", "--prompt", "p", "--prompt-file", "f"],
            vec!["x", "hash", "--parent", a],
            vec![
                "x",
                "attest",
                "--key-env",
                "K",
                "--registry",
                a,
                "--chain-id",
                "1",
                "--record",
                "r",
                "--seed",
                "1",
            ],
            vec![
                "x",
                "attest",
                "--registry",
                a,
                "--chain-id",
                "1",
                "--record",
                "r",
            ],
        ] {
            assert!(Cli::try_parse_from(&args).is_err(), "{args:?}");
        }
        let partial = IdArgs {
            collection: Some(Address::ZERO),
            id: Some(U256::ZERO),
            ..IdArgs::default()
        };
        let e = format!("{:#}", partial.ids().unwrap_err());
        assert!(e.contains("missing --model-id, --creator"), "{e}");
        assert_eq!(IdArgs::default().ids().unwrap(), None);
    }

    #[test]
    fn records_the_registry_would_refuse_are_refused() {
        let signer = signer_from_hex(DEV_KEY).unwrap();
        let p = |i: u64| AssetRef {
            collection: Address::repeat_byte(1),
            id: U256::from(i),
        };
        let mut r = Record {
            ids: RecordIds {
                collection: Address::repeat_byte(2),
                id: U256::from(1),
                model_id: U256::from(1),
                creator: Address::repeat_byte(3),
                parents: (0..=ph::MAX_PARENTS as u64).map(p).collect(),
            },
            hashes: FieldHashes {
                prompt_hash: B256::ZERO,
                seed_hash: B256::ZERO,
                params_hash: B256::ZERO,
                content_hash: B256::ZERO,
                human_hash: B256::ZERO,
            },
        };
        assert!(
            format!("{:#}", attest(&r, 1, Address::ZERO, &signer).unwrap_err())
                .contains("at most 8")
        );
        r.ids.parents = vec![p(1), p(2), p(1)];
        assert!(format!("{:#}", r.check().unwrap_err()).contains("listed twice"));
        r.ids.parents.pop();
        assert!(attest(&r, 1, Address::ZERO, &signer).is_ok());
        // Keys: with or without 0x, never echoed when malformed.
        assert_eq!(
            signer_from_hex(DEV_KEY.trim_start_matches("0x"))
                .unwrap()
                .address(),
            DEV_ADDR
        );
        let e = format!("{:#}", signer_from_hex("0x1234zz").unwrap_err());
        assert!(!e.contains("1234zz"), "{e}");
    }

    #[test]
    fn attest_reads_hash_output_and_refuses_another_domain() {
        let dir = temp_dir("domain");
        let file = dir.join("record.json");
        let registry = Address::repeat_byte(0x99);
        let record = Record {
            ids: RecordIds {
                collection: Address::repeat_byte(2),
                id: U256::from(1),
                model_id: U256::from(1),
                creator: Address::repeat_byte(3),
                parents: vec![],
            },
            hashes: FieldHashes {
                prompt_hash: B256::repeat_byte(1),
                seed_hash: B256::repeat_byte(2),
                params_hash: B256::repeat_byte(3),
                content_hash: B256::repeat_byte(4),
                human_hash: B256::ZERO,
            },
        };
        let out = HashOutput {
            hashes: record.hashes,
            canonical_params: "{}".into(),
            ids: Some(record.ids.clone()),
            record_hash: Some(record.struct_hash()),
            registry: Some(registry),
            chain_id: Some(5),
            digest: Some(record.digest(5, registry)),
        };
        std::fs::write(&file, serde_json::to_vec(&out).unwrap()).unwrap();
        assert_eq!(read_record_file(&file, 5, registry).unwrap(), record);
        assert!(read_record_file(&file, 6, registry).is_err());
        assert!(read_record_file(&file, 5, Address::ZERO).is_err());
        // A record without domain members is fine for any domain; without a
        // required member it is refused.
        let bare = serde_json::to_vec(&record).unwrap();
        std::fs::write(&file, &bare).unwrap();
        assert_eq!(read_record_file(&file, 6, Address::ZERO).unwrap(), record);
        let mut v: serde_json::Value = serde_json::from_slice(&bare).unwrap();
        v.as_object_mut().unwrap().remove("modelId");
        assert!(record_from_json(&serde_json::to_vec(&v).unwrap()).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
