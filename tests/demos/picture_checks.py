"""Checks for the demo tests: pictures are real PNG / SVG files; `dot` may be missing."""

import shutil
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` program is not installed")


def png_size(path) -> tuple[int, int]:
    """Width and height of a PNG after checking its signature, its chunk CRCs and its IEND chunk."""
    data = Path(path).read_bytes()
    assert data[:8] == PNG_MAGIC, f"{path} is not a PNG file"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path}: bad CRC in chunk {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND", f"{path}: PNG chunks out of order"
    assert any(kind == b"IDAT" for kind, _ in chunks), f"{path}: PNG without image data"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    return width, height


def check_png(path, min_size: int = 100) -> None:
    """The file is a complete PNG of a sensible size."""
    width, height = png_size(path)
    assert width >= min_size and height >= min_size // 2, f"{path}: tiny picture {width}x{height}"


def check_svg(path) -> None:
    """The file parses as XML with an <svg> root."""
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), f"{path}: root element is {root.tag}, not svg"


def check_image(path) -> None:
    """A PNG or SVG picture (by suffix) that exists and is valid."""
    path = Path(path)
    assert path.is_file(), f"{path} was not written"
    if path.suffix == ".png":
        check_png(path)
    elif path.suffix == ".svg":
        check_svg(path)
    else:
        raise AssertionError(f"unexpected picture type {path}")
