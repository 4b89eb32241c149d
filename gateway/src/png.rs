//! The built-in model: a deterministic procedural image from prompt + seed,
//! encoded as a PNG by hand (stored deflate blocks, CRC-32, Adler-32: no
//! compression, so tiny and dependency-free).

use alloy::primitives::keccak256;

/// The largest side accepted.
pub const MAX_SIDE: u32 = 512;

/// CRC-32 (ISO-HDLC, as PNG chunks use).
#[must_use]
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc = CRC_TABLE[usize::from((crc as u8) ^ b)] ^ (crc >> 8);
    }
    !crc
}

/// CRC-32's byte table (reflected polynomial `0xEDB88320`): one lookup per
/// byte instead of eight shifts.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut k = 0;
        while k < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            k += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// Adler-32 (zlib's trailer).
#[must_use]
pub fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in bytes.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks.
#[must_use]
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// Encodes 8-bit RGB pixels (`width × height × 3` bytes, rows top-down).
///
/// # Panics
/// When `rgb` has another length.
#[must_use]
pub fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let row = width as usize * 3;
    assert_eq!(rgb.len(), row * height as usize, "pixel buffer size");
    let mut raw = Vec::with_capacity((row + 1) * height as usize);
    for line in rgb.chunks(row.max(1)).take(height as usize) {
        raw.push(0); // filter: none
        raw.extend_from_slice(line);
    }
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit, truecolour, deflate, adaptive, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// The procedural image for `prompt` and `seed`: a palette from the prompt,
/// interference bands from the seed. Same inputs, same pixels.
#[must_use]
pub fn render(prompt: &str, seed: u64, width: u32, height: u32) -> Vec<u8> {
    let mut material = prompt.as_bytes().to_vec();
    material.extend_from_slice(&seed.to_be_bytes());
    let h = keccak256(&material);
    let c = |i: usize| [h[i], h[i + 1], h[i + 2]];
    let (a, b) = (c(0), c(3));
    let fx = u32::from(h[6] % 7) + 1;
    let fy = u32::from(h[7] % 5) + 1;
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        for x in 0..width {
            let wave = (x * fx + y * fy + u32::from(h[8])) % 64;
            let t = if wave < 32 { wave * 8 } else { (63 - wave) * 8 };
            for k in 0..3 {
                let mix = (u32::from(a[k]) * (255 - t) + u32::from(b[k]) * t) / 255;
                let grain = u32::from(h[9 + k]) ^ ((x ^ y) & 15);
                rgb.push(u8::try_from((mix + grain / 8) % 256).unwrap_or(0));
            }
        }
    }
    rgb
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn checksum_vectors() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
    }

    /// Decodes what [`encode_rgb`] writes (checking every CRC, the zlib
    /// header, stored blocks and Adler-32).
    fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let mut i = 8;
        let (mut w, mut h, mut idat) = (0, 0, Vec::new());
        loop {
            let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
            let kind = &png[i + 4..i + 8];
            let data = &png[i + 8..i + 8 + len];
            let crc = u32::from_be_bytes(png[i + 8 + len..i + 12 + len].try_into().unwrap());
            assert_eq!(crc, crc32(&png[i + 4..i + 8 + len]));
            match kind {
                b"IHDR" => {
                    w = u32::from_be_bytes(data[..4].try_into().unwrap());
                    h = u32::from_be_bytes(data[4..8].try_into().unwrap());
                    assert_eq!(&data[8..], [8, 2, 0, 0, 0]);
                }
                b"IDAT" => idat.extend_from_slice(data),
                b"IEND" => break,
                _ => panic!("unexpected chunk"),
            }
            i += 12 + len;
        }
        assert_eq!(idat[..2], [0x78, 0x01]);
        assert_eq!((u16::from(idat[0]) << 8 | u16::from(idat[1])) % 31, 0);
        let (mut j, mut raw) = (2, Vec::new());
        loop {
            let last = idat[j] & 1 == 1;
            let len = u16::from_le_bytes([idat[j + 1], idat[j + 2]]);
            assert_eq!(!len, u16::from_le_bytes([idat[j + 3], idat[j + 4]]));
            raw.extend_from_slice(&idat[j + 5..j + 5 + len as usize]);
            j += 5 + len as usize;
            if last {
                break;
            }
        }
        assert_eq!(
            u32::from_be_bytes(idat[j..j + 4].try_into().unwrap()),
            adler32(&raw)
        );
        let row = w as usize * 3 + 1;
        assert_eq!(raw.len(), row * h as usize);
        let pixels = raw
            .chunks(row)
            .flat_map(|r| {
                assert_eq!(r[0], 0);
                r[1..].to_vec()
            })
            .collect();
        (w, h, pixels)
    }

    #[test]
    fn render_is_deterministic_and_seed_sensitive() {
        let a = render("a red fox", 1, 16, 8);
        assert_eq!(a, render("a red fox", 1, 16, 8));
        assert_ne!(a, render("a red fox", 2, 16, 8));
        assert_ne!(a, render("a red fax", 1, 16, 8));
        assert_eq!(a.len(), 16 * 8 * 3);
    }

    proptest! {
        /// Every encoded image decodes back to its pixels, including images
        /// spanning several 64 KiB stored blocks.
        #[test]
        fn png_round_trips(w in 1u32..200, h in 1u32..120, seed in any::<u64>()) {
            let rgb = render("p", seed, w, h);
            let (dw, dh, px) = decode(&encode_rgb(w, h, &rgb));
            prop_assert_eq!((dw, dh), (w, h));
            prop_assert_eq!(px, rgb);
        }
    }
}
