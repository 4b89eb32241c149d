#!/usr/bin/env python3
"""Writes the three example images (16x16 RGB PNGs, a few hundred bytes each).

Deterministic: the same bytes on every run (zlib level 9, no timestamps), so
their CIDs in README.md stay valid. Run from this folder: python3 make_images.py
"""
import struct
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, pixel) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


IMAGES = {
    # A fox-orange diagonal gradient.
    "fox.png": lambda x, y: (200 + x * 3, 80 + y * 4, 20),
    # Blue and white checks (a "snowfield").
    "snow.png": lambda x, y: (230, 240, 255) if (x // 4 + y // 4) % 2 else (60, 90, 200),
    # A dark disc on green (a "forest").
    "forest.png": lambda x, y: (10, 40, 10) if (x - 8) ** 2 + (y - 8) ** 2 < 30 else (40, 160, 60),
}

if __name__ == "__main__":
    for name, pixel in IMAGES.items():
        with open(name, "wb") as f:
            f.write(png(16, 16, pixel))
