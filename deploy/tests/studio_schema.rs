//! Every metadata file the studio pipeline writes validates against
//! `examples/studio/metadata.schema.json` (OpenSea conventions + ERC-7007
//! fields + the provenance hashes), and metadata that breaks those
//! conventions does not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("examples/studio/metadata.schema.json"))
        .expect("the schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| e.to_string()).collect()
}

/// The example manifest's metadata, as the pipeline writes it.
fn written_metadata(tag: &str) -> Vec<Value> {
    let out = std::env::temp_dir().join(format!("studio-schema-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let assets = stylus_ip_deploy::studio::load(
        &root().join("examples/studio/manifest.jsonl"),
        &BTreeSet::from([1, 2]),
    )
    .expect("the example manifest is valid");
    let entries = stylus_ip_deploy::studio::write(&out, &assets).expect("output folder");
    let mut docs = Vec::new();
    for e in &entries {
        let text = std::fs::read_to_string(out.join(format!("metadata/{}.json", e.metadata_cid)))
            .expect("metadata file");
        docs.push(serde_json::from_str(&text).expect("metadata is JSON"));
    }
    std::fs::remove_dir_all(&out).expect("cleanup");
    docs
}

#[test]
fn every_written_metadata_file_validates() {
    let v = validator();
    let docs = written_metadata("valid");
    assert_eq!(docs.len(), 3);
    for doc in &docs {
        assert_eq!(errors(&v, doc), Vec::<String>::new(), "{doc}");
    }
}

#[test]
fn metadata_breaking_the_conventions_fails() {
    let v = validator();
    let good = written_metadata("invalid").remove(0);
    assert!(v.is_valid(&good));
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit); 12] = [
        ("no image", |d| {
            d.as_object_mut().unwrap().remove("image");
        }),
        ("image over http", |d| {
            d["image"] = json!("https://example.com/fox.png");
        }),
        ("image with a CIDv0", |d| {
            d["image"] = json!("ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
        }),
        ("blank name", |d| d["name"] = json!("   ")),
        ("no prompt", |d| {
            d.as_object_mut().unwrap().remove("prompt");
        }),
        ("unknown aigc_type", |d| d["aigc_type"] = json!("hologram")),
        ("aigc_data not 32 bytes", |d| {
            d["aigc_data"] = json!("0x1234")
        }),
        ("attribute value an object", |d| {
            d["attributes"] = json!([{"trait_type": "Palette", "value": {"r": 1}}]);
        }),
        ("attribute without trait_type", |d| {
            d["attributes"] = json!([{"value": "warm"}]);
        }),
        ("modelId a number", |d| {
            d["provenance"]["modelId"] = json!(1)
        }),
        ("upper-case hash", |d| {
            d["provenance"]["seedHash"] =
                json!("0xABCDEF0000000000000000000000000000000000000000000000000000000000");
        }),
        ("unknown member", |d| d["rarity"] = json!("legendary")),
    ];
    for (what, edit) in cases {
        let mut bad = good.clone();
        edit(&mut bad);
        assert!(!v.is_valid(&bad), "{what}: {bad}");
    }
    // OpenSea's optional members are accepted
    let mut extra = good;
    extra["external_url"] = json!("https://studio.example/fox");
    extra["background_color"] = json!("ffaa00");
    assert!(v.is_valid(&extra), "{:?}", errors(&v, &extra));
}
