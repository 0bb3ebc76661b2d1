"""A still picture of a playground (its decision map and points) as PNG bytes, with NumPy and zlib only.

It is what a notebook shows where no widget front end runs (GitHub's viewer,
nbconvert): the live widget needs anywidget, a still picture needs nothing.
The colours are the ones the live page uses (its JavaScript reads `COLORS`).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from nn.playground.datasets import EXTENT

__all__ = ["COLORS", "NEUTRAL", "MAP_STRENGTH", "map_rgb", "png", "still_picture"]

COLORS = ("#f59322", "#0877bd", "#2ca25f")
"""Class 0, 1, 2 (orange and blue as TensorFlow Playground's negative and positive; green)."""
NEUTRAL = "#e8eaeb"
"""The colour of an undecided point of the map (output 0 of two classes)."""
MAP_STRENGTH = 0.7
"""The map's colours go this far from NEUTRAL towards the class colours, so the points (in full colour) stand out."""


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def map_rgb(output: np.ndarray, discretize: bool = False) -> np.ndarray:
    """The decision map as colours (r, r, 3) uint8: for two classes the tanh output from orange (-1) through
    grey (0) to blue (+1); for three the classes' colours mixed by their probabilities."""
    if output.ndim == 2:
        v = np.sign(output) if discretize else np.clip(output, -1.0, 1.0)
        towards = np.where(v[..., None] < 0, _rgb(COLORS[0]), _rgb(COLORS[1]))
        rgb = _rgb(NEUTRAL) + MAP_STRENGTH * np.abs(v)[..., None] * (towards - _rgb(NEUTRAL))
    else:
        p = np.eye(output.shape[2])[output.argmax(axis=2)] if discretize else output
        full = p @ np.array([_rgb(c) for c in COLORS[: output.shape[2]]])
        rgb = _rgb(NEUTRAL) + MAP_STRENGTH * (full - _rgb(NEUTRAL))
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8)


def png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an (h, w, 3) uint8 image (8-bit RGB, no filter)."""
    h, w, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[i].tobytes() for i in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b"")


def still_picture(session, size: int = 300) -> bytes:
    """PNG of the session's decision map (size x size pixels) with its points (test points ringed in black)."""
    maps = session.heat_maps(size // 3)
    rgb = np.repeat(np.repeat(map_rgb(maps["output"], session.settings["discretize"]), 3, 0), 3, 1)
    scale = rgb.shape[0] / (2 * EXTENT)
    yy, xx = np.mgrid[-4:5, -4:5]
    disc = xx**2 + yy**2
    for x, y, cls, test in session.points():
        if test and not session.settings["show_test"]:
            continue
        col, row = int((x + EXTENT) * scale), int((EXTENT - y) * scale)
        r, c = np.clip(row + yy, 0, rgb.shape[0] - 1), np.clip(col + xx, 0, rgb.shape[1] - 1)
        rim = np.array([0, 0, 0] if test else [255, 255, 255], dtype=np.uint8)
        rgb[r[disc <= 16], c[disc <= 16]] = rim
        rgb[r[disc <= 9], c[disc <= 9]] = _rgb(COLORS[cls]).astype(np.uint8)
    return png(rgb)
