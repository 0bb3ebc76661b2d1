"""Checks for the demo tests: every picture a teacher projects fits one 1920 x 1080 screen.

A picture's size is read from the file itself: a PNG's IHDR chunk, a GIF's
logical screen, an SVG's width and height (pt converted at 96 / 72 px per pt,
as browsers do). Pictures whose name says they are for print (`_print`) may be
larger.
"""

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from checks import png_size

SCREEN = (1920, 1080)
PICTURES = (".png", ".gif", ".svg")
PX_PER_UNIT = {"": 1.0, "px": 1.0, "pt": 96 / 72, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def gif_size(path) -> tuple[int, int]:
    """Width and height of a GIF's logical screen."""
    data = Path(path).read_bytes()[:10]
    assert data[:6] in (b"GIF87a", b"GIF89a"), f"{path} is not a GIF file"
    return struct.unpack("<HH", data[6:10])


def svg_size(path) -> tuple[float, float]:
    """Width and height of an SVG in pixels, from its root's width and height attributes."""
    root = ET.parse(path).getroot()
    size = []
    for key in ("width", "height"):
        text = root.get(key)
        assert text is not None, f"{path}: the <svg> element has no {key}"
        match = re.fullmatch(r"\s*([0-9.]+)\s*([a-z]*)\s*", text)
        assert match and match.group(2) in PX_PER_UNIT, f"{path}: {key}={text!r} is no length this check knows"
        size.append(float(match.group(1)) * PX_PER_UNIT[match.group(2)])
    return size[0], size[1]


def picture_size(path) -> tuple[float, float]:
    """A PNG, GIF or SVG's size in pixels."""
    suffix = Path(path).suffix
    return {".png": png_size, ".gif": gif_size, ".svg": svg_size}[suffix](path)


def pictures_in(folder) -> list[Path]:
    """Every picture file under `folder` (frames in subfolders included)."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix in PICTURES)


def too_large(folder) -> dict:
    """{file name: (width, height)} of the pictures under `folder` larger than one screen, print versions aside."""
    sizes = {p: picture_size(p) for p in pictures_in(folder) if "_print" not in p.stem}
    return {str(p.relative_to(folder)): size for p, size in sizes.items() if size[0] > SCREEN[0] or size[1] > SCREEN[1]}


def check_fits_screen(folder, at_least: int = 1) -> None:
    """Every picture under `folder` fits 1920 x 1080 (print versions aside), and there are at least `at_least`."""
    found = pictures_in(folder)
    assert len(found) >= at_least, f"{folder}: {len(found)} pictures, expected at least {at_least}"
    assert not too_large(folder), f"larger than a 1920 x 1080 screen: {too_large(folder)}"
