"""Checks for the demo tests: pictures are real PNG / SVG files."""

import xml.etree.ElementTree as ET
from pathlib import Path

from checks import png_size


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
