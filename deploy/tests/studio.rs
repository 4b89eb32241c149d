//! The studio pipeline's local half: manifest validation, CIDs, metadata and
//! the output folder (`stylus_ip_deploy::studio`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use alloy::primitives::{keccak256, Address, B256};
use serde_json::Value;
use stylus_ip_deploy::studio::cid::{base32_lower, MAX_SINGLE_BLOCK};
use stylus_ip_deploy::studio::{self, Cid, LineError, LineErrorKind, ManifestError, OutputError};
use stylus_ip_provenance_hash as ph;

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/studio")
}

fn models(ids: &[u64]) -> BTreeSet<u64> {
    ids.iter().copied().collect()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stylus-ip-studio-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A valid manifest line for `file`, with members overridden by `patch`
/// (a `null` in `patch` removes the member).
fn line(file: &str, patch: Value) -> String {
    let mut v = serde_json::json!({
        "file": file,
        "prompt": "p",
        "seed": 1,
        "params": {"steps": 1},
        "modelId": 1,
        "human": "",
        "name": "n",
        "description": "d",
        "attributes": [],
        "royalty": {"receiver": "0x0000000000000000000000000000000000000001", "bps": 100},
    });
    for (k, val) in patch.as_object().unwrap() {
        if val.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = val.clone();
        }
    }
    v.to_string()
}

// ---------------------------------------------------------------------------
// CIDs
// ---------------------------------------------------------------------------

/// CIDv1 (raw, sha2-256, base32) vectors.
///
/// * The empty file: `bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku`, the
///   widely published CID of the empty raw block (what
///   `ipfs add --cid-version 1 --raw-leaves` prints for an empty file).
/// * `"hello world\n"`: `bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4`,
///   the CID IPFS gateway tests and docs use for that block — e.g. `TestFile` in
///   ipfs/boxo (the library kubo is built on), `examples/gateway/car/main_test.go`,
///   which fetches
///   `/ipfs/bafkreifjj…devei4` and expect the body `"hello world\n"`.
///
/// Both were also derived independently, by hand, with Python's standard
/// library:
/// `"b" + base64.b32encode(bytes([1, 0x55, 0x12, 0x20]) + hashlib.sha256(data).digest()).decode().lower().rstrip("=")`.
#[test]
fn cids_match_published_vectors() {
    assert_eq!(
        Cid::of_bytes(b"").as_str(),
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    );
    assert_eq!(
        Cid::of_bytes(b"hello world\n").as_str(),
        "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
    );
    // The digest inside is the record's contentHash (sha-256, e3b0… for empty).
    let empty = B256::from(ph::content_hash(b"").0);
    assert_eq!(
        empty.to_string(),
        "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(Cid::raw_sha256(&empty), Cid::of_bytes(b""));
    // Multibase `b` is RFC 4648 base32 of the binary CID.
    assert_eq!(
        Cid::of_bytes(b"x").as_str(),
        format!(
            "b{}",
            base32_lower(&Cid::binary(&B256::from(ph::content_hash(b"x").0)))
        )
    );
}

/// The example images' CIDs, derived by hand with the Python one-liner of
/// [`cids_match_published_vectors`] over the committed files.
#[test]
fn example_manifest_validates_with_expected_cids_and_hashes() {
    let assets = studio::load(&example_dir().join("manifest.jsonl"), &models(&[1, 2])).unwrap();
    let cids: Vec<(usize, &str, &str)> = assets
        .iter()
        .map(|a| (a.line, a.entry.file.as_str(), a.file_cid.as_str()))
        .collect();
    assert_eq!(
        cids,
        [
            (
                1,
                "fox.png",
                "bafkreibfi6qiptqcnphuhifhmrrzl524kidiv74o4dmq5faleg3v7jrh54"
            ),
            (
                2,
                "snow.png",
                "bafkreigxsapw5y5s2et7zmdj6dqglo2qkbcrxzf76g3xc72nsu6m5gxldu"
            ),
            (
                3,
                "forest.png",
                "bafkreibyplxok2sp5uari4ye46vh6bhpmdiknwu3vlrwnhocfqymmcuubm"
            ),
        ]
    );
    let fox = &assets[0];
    // `sha256sum fox.png`.
    assert_eq!(
        fox.hashes.content_hash.to_string(),
        "0x2547a087ce026bcf43a0a7646395f75c52068aff8ee0d90e940b21b75fa627ef"
    );
    assert_eq!(
        fox.hashes.prompt_hash,
        keccak256("a red fox in the snow, watercolour")
    );
    assert_eq!(fox.hashes.seed_hash, B256::from(ph::seed_hash(42).0));
    assert_eq!(
        fox.canonical_params,
        r#"{"cfg":7,"sampler":"dpmpp_2m","steps":30}"#
    );
    assert_eq!(fox.hashes.params_hash, keccak256(&fox.canonical_params));
    assert_eq!(
        fox.hashes.human_hash,
        keccak256("hand-drawn mask around the fox")
    );
    assert_eq!(fox.size, 535);
    assert_eq!(fox.entry.supply, None);
    // An empty human note is "no contribution", the zero hash.
    assert_eq!(assets[1].hashes.human_hash, B256::ZERO);
    assert_eq!(assets[1].entry.supply, Some(100));
    assert_eq!(assets[1].canonical_params, r#"{"cfg":5.5,"steps":20}"#);
    assert_eq!(
        assets[2].canonical_params,
        r#"{"cfg":6,"loras":[{"name":"moss","weight":0.8}],"steps":25}"#
    );
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

#[test]
fn every_bad_line_is_reported_with_its_line_number() {
    let dir = temp_dir("bad");
    std::fs::write(dir.join("a.png"), b"aaa").unwrap();
    std::fs::write(dir.join("a-again.png"), b"aaa").unwrap();
    std::fs::write(dir.join("max.bin"), vec![7u8; 262_144]).unwrap();
    std::fs::write(dir.join("big.bin"), vec![7u8; 262_145]).unwrap();
    // One file of its own per line, so that only line 7 repeats content.
    for n in 2..=16 {
        std::fs::write(dir.join(format!("b{n}.png")), format!("file {n}")).unwrap();
    }
    let manifest = [
        /* 1 */ line("a.png", serde_json::json!({})),
        /* 2 */ "{\"file\": \"b2.png\",".to_owned(),
        /* 3 */ line("b3.png", serde_json::json!({"prompt": null})),
        /* 4 */ line("b4.png", serde_json::json!({"colour": "red"})),
        /* 5 */ line("b5.png", serde_json::json!({"royalty": {"receiver": "0x0000000000000000000000000000000000000001", "bps": 10001}})),
        /* 6 */ line("b6.png", serde_json::json!({"modelId": 9})),
        /* 7 */ line("a-again.png", serde_json::json!({})),
        /* 8 */ line("b8.png", serde_json::json!({"supply": 0})),
        /* 9 */ line("nope.png", serde_json::json!({})),
        /* 10 */ line("big.bin", serde_json::json!({})),
        /* 11 */ line("b11.png", serde_json::json!({"params": [1, 2]})),
        /* 12 */ line("../a.png", serde_json::json!({})),
        /* 13 */ line("b13.png", serde_json::json!({"seed": -1})),
        /* 14 */ String::new(),
        /* 15 */ line("max.bin", serde_json::json!({"royalty": {"receiver": "0x0000000000000000000000000000000000000001", "bps": 10000}})),
        /* 16 */ line("b16.png", serde_json::json!({"modelId": 8, "supply": 0})),
    ]
    .join("\n");
    let errors = studio::validate(manifest.as_bytes(), &dir, &models(&[1])).unwrap_err();
    let kinds: Vec<(usize, String)> = errors
        .iter()
        .map(|e| (e.line, format!("{:?}", e.kind)))
        .collect();
    let at = |line: usize| -> Vec<&LineErrorKind> {
        errors
            .iter()
            .filter(|e| e.line == line)
            .map(|e| &e.kind)
            .collect()
    };
    // Lines 1 and 15 are valid; every other line has exactly its problems.
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(
        lines,
        [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 16],
        "{kinds:#?}"
    );
    assert!(
        matches!(at(2)[..], [LineErrorKind::InvalidJson { .. }]),
        "{kinds:?}"
    );
    assert_eq!(
        at(3),
        [&LineErrorKind::MissingField {
            field: "prompt".into()
        }]
    );
    assert!(
        matches!(at(4)[..], [LineErrorKind::InvalidField { field: Some(f), .. }] if f == "colour"),
        "{kinds:?}"
    );
    assert_eq!(at(5), [&LineErrorKind::RoyaltyTooHigh { bps: 10001 }]);
    assert_eq!(at(6), [&LineErrorKind::UnknownModel { model_id: 9 }]);
    assert_eq!(
        at(7),
        [&LineErrorKind::DuplicateContent {
            first_line: 1,
            content_hash: B256::from(ph::content_hash(b"aaa").0),
        }]
    );
    assert_eq!(at(8), [&LineErrorKind::ZeroSupply]);
    assert!(
        matches!(at(9)[..], [LineErrorKind::MissingFile { path, .. }] if path.ends_with("nope.png")),
        "{kinds:?}"
    );
    assert!(
        matches!(
            at(10)[..],
            [LineErrorKind::FileTooLarge {
                size: 262_145,
                limit: MAX_SINGLE_BLOCK,
                ..
            }]
        ),
        "{kinds:?}"
    );
    assert!(
        matches!(at(11)[..], [LineErrorKind::InvalidField { field: Some(f), .. }] if f == "params"),
        "{kinds:?}"
    );
    assert!(
        matches!(at(12)[..], [LineErrorKind::InvalidField { field: Some(f), .. }] if f == "file"),
        "{kinds:?}"
    );
    assert!(
        matches!(at(13)[..], [LineErrorKind::InvalidField { field: None, message }] if message.contains("-1")),
        "{kinds:?}"
    );
    assert!(
        matches!(at(14)[..], [LineErrorKind::InvalidJson { .. }]),
        "{kinds:?}"
    );
    assert_eq!(
        at(16),
        [
            &LineErrorKind::UnknownModel { model_id: 8 },
            &LineErrorKind::ZeroSupply
        ]
    );
    // Messages name the line and the problem.
    let shown = LineError {
        line: 5,
        kind: LineErrorKind::RoyaltyTooHigh { bps: 10001 },
    }
    .to_string();
    assert_eq!(shown, "line 5: royalty of 10001 bps exceeds 10000 (100 %)");
    let too_large = errors.iter().find(|e| e.line == 10).unwrap().to_string();
    assert!(
        too_large.contains("262144 bytes (one IPFS block)"),
        "{too_large}"
    );

    // Without the bad lines, the same manifest passes: lines keep their numbers.
    let good = format!(
        "{}\n{}\n",
        line("a.png", serde_json::json!({})),
        line(
            "max.bin",
            serde_json::json!({"royalty": {"receiver": "0x0000000000000000000000000000000000000001", "bps": 10000}})
        ),
    );
    let assets = studio::validate(good.as_bytes(), &dir, &models(&[1])).unwrap();
    assert_eq!(assets.iter().map(|a| a.line).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(assets[1].size, MAX_SINGLE_BLOCK);
    assert_eq!(assets[1].entry.royalty.receiver, Address::with_last_byte(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn params_are_hashed_in_canonical_form_whatever_their_formatting() {
    let dir = temp_dir("params");
    std::fs::write(dir.join("a.png"), b"a").unwrap();
    std::fs::write(dir.join("b.png"), b"b").unwrap();
    let manifest = format!(
        "{}\n{}",
        r#"{"file":"a.png","prompt":"p","seed":1,"params":{ "z" : 1.50, "a":[1e2, "é"] },"modelId":1,"human":"","name":"n","description":"d","attributes":[],"royalty":{"receiver":"0x0000000000000000000000000000000000000001","bps":0}}"#,
        line(
            "b.png",
            serde_json::json!({"params": {"a": [100, "é"], "z": 1.5}})
        ),
    );
    let assets = studio::validate(manifest.as_bytes(), &dir, &models(&[1])).unwrap();
    assert_eq!(assets[0].canonical_params, r#"{"a":[100,"é"],"z":1.5}"#);
    assert_eq!(assets[0].canonical_params, assets[1].canonical_params);
    assert_eq!(assets[0].hashes.params_hash, assets[1].hashes.params_hash);
    assert_eq!(
        assets[0].hashes.params_hash,
        keccak256(r#"{"a":[100,"é"],"z":1.5}"#)
    );
    // Duplicate member names and unrepresentable integers are refused.
    for params in [r#"{"a":1,"a":2}"#, r#"{"a":9007199254740993}"#] {
        let bad = line("a.png", serde_json::json!({})).replace(r#"{"steps":1}"#, params);
        assert!(bad.contains(params), "{bad}");
        let errors = studio::validate(bad.as_bytes(), &dir, &models(&[1])).unwrap_err();
        assert!(
            matches!(&errors[..], [LineError { line: 1, kind: LineErrorKind::InvalidField { field: Some(f), .. } }] if f == "params"),
            "{errors:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_manifest_is_a_read_error() {
    let missing = temp_dir("missing").join("manifest.jsonl");
    let err = studio::load(&missing, &models(&[1])).unwrap_err();
    assert!(matches!(err, ManifestError::Read { .. }), "{err}");
    assert!(err.to_string().contains("manifest.jsonl"), "{err}");
}

// ---------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------

fn is_hash(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 66
            && s.starts_with("0x")
            && s[2..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

/// A schema check by hand: every required member, its type, no other member.
#[test]
fn metadata_has_every_required_field_with_its_type() {
    let assets = studio::load(&example_dir().join("manifest.jsonl"), &models(&[1, 2])).unwrap();
    for a in &assets {
        let m = a.metadata_file().unwrap();
        let v: Value = serde_json::from_str(&m.json).unwrap();
        let obj = v.as_object().unwrap();
        let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from([
                "aigc_data",
                "aigc_type",
                "attributes",
                "description",
                "image",
                "name",
                "prompt",
                "provenance"
            ])
        );
        assert_eq!(v["name"].as_str(), Some(a.entry.name.as_str()));
        assert_eq!(
            v["description"].as_str(),
            Some(a.entry.description.as_str())
        );
        assert_eq!(v["prompt"].as_str(), Some(a.entry.prompt.as_str()));
        assert_eq!(
            v["image"].as_str().unwrap(),
            format!("ipfs://{}", a.file_cid)
        );
        assert_eq!(v["aigc_type"], "image");
        assert!(is_hash(&v["aigc_data"]), "{v}");
        assert_eq!(
            v["aigc_data"].as_str().unwrap(),
            a.hashes.content_hash.to_string()
        );
        let attrs = v["attributes"].as_array().unwrap();
        assert_eq!(attrs.len(), a.entry.attributes.len());
        for attr in attrs {
            let o = attr.as_object().unwrap();
            assert_eq!(o.keys().collect::<Vec<_>>(), ["trait_type", "value"]);
            assert!(o["trait_type"].is_string());
            assert!(o["value"].is_string() || o["value"].is_number(), "{attr}");
        }
        let p = v["provenance"].as_object().unwrap();
        assert_eq!(
            p.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            BTreeSet::from([
                "contentHash",
                "humanHash",
                "modelId",
                "paramsHash",
                "promptHash",
                "seedHash"
            ])
        );
        for k in [
            "contentHash",
            "humanHash",
            "paramsHash",
            "promptHash",
            "seedHash",
        ] {
            assert!(is_hash(&p[k]), "{k}: {}", p[k]);
        }
        assert_eq!(p["modelId"].as_str().unwrap(), a.entry.model_id.to_string());
        assert_eq!(
            p["promptHash"].as_str().unwrap(),
            a.hashes.prompt_hash.to_string()
        );
        assert_eq!(
            p["paramsHash"].as_str().unwrap(),
            a.hashes.params_hash.to_string()
        );
    }
    // Numeric and text attribute values keep their types.
    let fox: Value = serde_json::from_str(&assets[0].metadata_file().unwrap().json).unwrap();
    assert_eq!(fox["attributes"][0]["value"], "warm");
    assert_eq!(fox["attributes"][1]["value"], 30);
}

#[test]
fn metadata_is_canonical_and_its_cid_reproducible() {
    let assets = studio::load(&example_dir().join("manifest.jsonl"), &models(&[1, 2])).unwrap();
    let fox = &assets[0];
    let m = fox.metadata_file().unwrap();
    // RFC 8785: no whitespace outside strings, members sorted.
    assert_eq!(
        stylus_ip_deploy::provenance::canonical_json(m.json.as_bytes()).unwrap(),
        m.json
    );
    assert!(
        m.json.starts_with(r#"{"aigc_data":"0x2547a087"#),
        "{}",
        m.json
    );
    assert!(m.json.contains(
        r#""image":"ipfs://bafkreibfi6qiptqcnphuhifhmrrzl524kidiv74o4dmq5faleg3v7jrh54""#
    ));
    assert_eq!(m.cid, Cid::of_bytes(m.json.as_bytes()));
    // The same inputs again give the same CID; another description another.
    let again = studio::load(&example_dir().join("manifest.jsonl"), &models(&[1, 2])).unwrap();
    assert_eq!(again[0].metadata_file().unwrap(), m);
    let mut changed = fox.clone();
    changed.entry.description.push('!');
    assert_ne!(changed.metadata_file().unwrap().cid, m.cid);
}

// ---------------------------------------------------------------------------
// Output folder
// ---------------------------------------------------------------------------

#[test]
fn output_folder_is_content_addressed_and_indexed() {
    let out = temp_dir("out");
    let assets = studio::load(&example_dir().join("manifest.jsonl"), &models(&[1, 2])).unwrap();
    let entries = studio::write(&out, &assets).unwrap();
    assert_eq!(entries.len(), 3);
    for (a, e) in assets.iter().zip(&entries) {
        // files/<cid>: the input's bytes, whose CID is the name.
        let copy = std::fs::read(out.join("files").join(e.file_cid.as_str())).unwrap();
        assert_eq!(copy, std::fs::read(&a.path).unwrap());
        assert_eq!(Cid::of_bytes(&copy), e.file_cid);
        // metadata/<cid>.json: canonical metadata, whose CID is the name.
        let json = std::fs::read(
            out.join("metadata")
                .join(format!("{}.json", e.metadata_cid)),
        )
        .unwrap();
        assert_eq!(Cid::of_bytes(&json), e.metadata_cid);
        assert_eq!(e.token_uri, format!("ipfs://{}", e.metadata_cid));
        let meta: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            meta["image"].as_str().unwrap(),
            format!("ipfs://{}", e.file_cid)
        );
    }
    assert_eq!(std::fs::read_dir(out.join("files")).unwrap().count(), 3);
    assert_eq!(std::fs::read_dir(out.join("metadata")).unwrap().count(), 3);

    // assets.json: one entry per line, with everything the mint needs.
    let index: Value =
        serde_json::from_slice(&std::fs::read(out.join("assets.json")).unwrap()).unwrap();
    let index = index.as_array().unwrap();
    assert_eq!(index.len(), 3);
    let snow = &index[1];
    assert_eq!(snow["line"], 2);
    assert_eq!(snow["file"], "snow.png");
    assert_eq!(
        snow["fileCid"],
        "bafkreigxsapw5y5s2et7zmdj6dqglo2qkbcrxzf76g3xc72nsu6m5gxldu"
    );
    assert_eq!(
        snow["tokenURI"],
        format!("ipfs://{}", entries[1].metadata_cid)
    );
    assert_eq!(snow["supply"], 100);
    assert_eq!(snow["royalty"]["bps"], 250);
    assert_eq!(snow["modelId"], 1);
    assert_eq!(snow["humanHash"], B256::ZERO.to_string());
    assert!(index[0].get("supply").is_none(), "{}", index[0]);
    for k in [
        "promptHash",
        "seedHash",
        "paramsHash",
        "contentHash",
        "canonicalParams",
        "metadataCid",
    ] {
        assert!(snow.get(k).is_some(), "{k}");
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_file_changed_after_validation_is_refused() {
    let dir = temp_dir("changed");
    std::fs::write(dir.join("a.png"), b"before").unwrap();
    let manifest = line("a.png", serde_json::json!({}));
    let assets = studio::validate(manifest.as_bytes(), &dir, &models(&[1])).unwrap();
    std::fs::write(dir.join("a.png"), b"after").unwrap();
    let err = studio::write(&dir.join("out"), &assets).unwrap_err();
    assert!(
        matches!(&err, OutputError::FileChanged { line: 1, found, .. } if *found == B256::from(ph::content_hash(b"after").0)),
        "{err}"
    );
    assert!(!dir.join("out/assets.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
