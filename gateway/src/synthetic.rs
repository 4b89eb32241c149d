//! A synthetic generation batch from the built-in model ([`crate::png`]): a
//! folder of PNGs and the studio manifest (JSON Lines, the schema of
//! `examples/studio/README.md`) that describes them, the same for the same
//! [`Spec`]. The studio pipeline's end-to-end test and its benchmark mint
//! such batches.

use std::io;
use std::path::{Path, PathBuf};

use alloy::primitives::Address;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Images (manifest lines `1..=count`).
    pub count: usize,
    /// The provenance registry's model id every line names.
    pub model_id: u64,
    /// Seed of the generator: prompts, seeds and so pixels follow from it.
    pub seed: u64,
    /// Side of each square image, pixels (at most [`crate::png::MAX_SIDE`];
    /// 16 gives 858-byte files, 295 the largest under one IPFS block).
    pub side: u32,
    /// Lines after this one get a 7.5 % royalty instead of 5 % (a second
    /// mint batch).
    pub royalty_switch: Option<usize>,
}

/// One generated line, as the manifest states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// The prompt.
    pub prompt: String,
    /// The seed.
    pub seed: u64,
    /// The file, relative to the manifest's folder.
    pub file: String,
}

/// Every line's royalty receiver.
pub const ROYALTY_RECEIVER: Address = Address::repeat_byte(0x5a);

/// A seeded generator (splitmix64): the same stream for the same seed.
#[derive(Debug, Clone)]
pub struct Seeded(pub u64);

impl Seeded {
    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Writes the batch into `dir` (`images/NNNN.png` and `manifest.jsonl`) and
/// returns the manifest's path and its lines.
///
/// # Errors
/// When a file cannot be written.
pub fn write(dir: &Path, spec: &Spec) -> io::Result<(PathBuf, Vec<Generation>)> {
    std::fs::create_dir_all(dir.join("images"))?;
    let mut g = Seeded(spec.seed);
    let mut manifest = String::new();
    let mut lines = Vec::with_capacity(spec.count);
    let palette = ["koi", "heron", "lantern", "maple", "tide", "comet"];
    let side = spec.side.min(crate::png::MAX_SIDE);
    for i in 1..=spec.count {
        let prompt = format!(
            "{} #{i}, ukiyo-e, variation {}",
            palette[usize::try_from(g.next_u64() % 6).unwrap_or(0)],
            g.next_u64() % 1000
        );
        let seed = g.next_u64();
        let rgb = crate::png::render(&prompt, seed, side, side);
        let file = format!("images/{i:04}.png");
        std::fs::write(dir.join(&file), crate::png::encode_rgb(side, side, &rgb))?;
        let bps = match spec.royalty_switch {
            Some(at) if i > at => 750,
            _ => 500,
        };
        let line = serde_json::json!({
            "file": file,
            "prompt": prompt,
            "seed": seed,
            "params": {"steps": 20 + (seed % 10), "cfg": 7.5, "size": [side, side]},
            "modelId": spec.model_id,
            "human": if i % 3 == 0 { "curated by the studio" } else { "" },
            "name": format!("Studio #{i}"),
            "description": "a synthetic test image",
            "attributes": [{"trait_type": "series", "value": "e2e"}, {"trait_type": "index", "value": i}],
            "royalty": {"receiver": format!("{ROYALTY_RECEIVER}"), "bps": bps},
        });
        manifest.push_str(&line.to_string());
        manifest.push('\n');
        lines.push(Generation { prompt, seed, file });
    }
    let path = dir.join("manifest.jsonl");
    std::fs::write(&path, manifest)?;
    Ok((path, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(seed: u64) -> Spec {
        Spec {
            count: 5,
            model_id: 3,
            seed,
            side: 16,
            royalty_switch: Some(2),
        }
    }

    #[test]
    fn the_same_spec_writes_the_same_batch_and_another_seed_another() {
        let base = std::env::temp_dir().join(format!("synthetic-{}", std::process::id()));
        let (m1, l1) = write(&base.join("a"), &spec(7)).unwrap();
        let (m2, l2) = write(&base.join("b"), &spec(7)).unwrap();
        let (m3, l3) = write(&base.join("c"), &spec(8)).unwrap();
        let text = |p: &Path| std::fs::read_to_string(p).unwrap();
        assert_eq!(text(&m1), text(&m2));
        assert_eq!(l1, l2);
        assert_ne!(l1, l3);
        assert_ne!(text(&m1), text(&m3));
        let lines: Vec<serde_json::Value> = text(&m1)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 5);
        let bps: Vec<u64> = lines
            .iter()
            .map(|l| l["royalty"]["bps"].as_u64().unwrap())
            .collect();
        assert_eq!(bps, [500, 500, 750, 750, 750]);
        for (l, g) in lines.iter().zip(&l1) {
            assert_eq!(l["modelId"], 3);
            assert_eq!(l["prompt"], g.prompt.as_str());
            let png = std::fs::read(m1.parent().unwrap().join(&g.file)).unwrap();
            let rgb = crate::png::render(&g.prompt, g.seed, 16, 16);
            assert_eq!(png, crate::png::encode_rgb(16, 16, &rgb));
        }
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn a_295_pixel_image_fits_one_ipfs_block() {
        let rgb = crate::png::render("x", 1, 295, 295);
        let len = crate::png::encode_rgb(295, 295, &rgb).len();
        assert!(len <= 262_144 && len > 250_000, "{len}");
        let rgb = crate::png::render("x", 1, 296, 296);
        assert!(crate::png::encode_rgb(296, 296, &rgb).len() > 262_144);
    }
}

/// The demo's work "Neon Koi": the built-in model's output for the demo's
/// prompt and seed, committed as `examples/studio/neon-koi.png` (the demo
/// mints it through the studio pipeline).
#[cfg(test)]
mod demo_image {
    const PROMPT: &str = "a koi made of neon light, ukiyo-e, night rain";
    const SEED: u64 = 421_337;
    const SIDE: u32 = 32;

    #[test]
    fn the_demo_image_is_the_built_in_models_output() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/studio/neon-koi.png");
        let png = crate::png::encode_rgb(SIDE, SIDE, &crate::png::render(PROMPT, SEED, SIDE, SIDE));
        if std::env::var_os("STYLUS_IP_BLESS").is_some() {
            std::fs::write(&path, &png).unwrap();
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            png,
            "regenerate with STYLUS_IP_BLESS=1"
        );
    }
}
