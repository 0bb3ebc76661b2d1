"""Checks and examples shared by the tests.

- `needs_dot`: skip a test when Graphviz's `dot` program is missing;
- `png_size`: a PNG file's width and height, after checking that it is a complete PNG;
- `central_difference`: the numerical derivative every gradient test compares against;
- `course_example`: the lecture notes' f = ((a + b)(c + d))^2 at 1, 2, 3, 4, and `TABLE`, its numbers;
- `check_message`: an error message names what it should (function, argument, value), in any wording.

The expected numbers come from the lecture notes (section 1, the chain-rule
table) and hand calculation, never from the code under test.
"""

import shutil
import struct
import zlib
from pathlib import Path

import pytest

from autograd import Value

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's `dot` program is not installed")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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


def central_difference(f, point, i: int, eps: float = 1e-6):
    """(f(x + eps e_i) - f(x - eps e_i)) / (2 eps) at x = `point`, a list of numbers.

    `f` maps a list of numbers to a number, or to a list of numbers (then one
    derivative per output is returned). It is called on copies of `point`.
    """
    up, down = list(point), list(point)
    up[i] += eps
    down[i] -= eps
    high, low = f(up), f(down)
    if isinstance(high, (list, tuple)):
        return [(h - lo) / (2 * eps) for h, lo in zip(high, low)]
    return (high - low) / (2 * eps)


def course_example(a=1.0, b=2.0, c=3.0, d=4.0) -> dict:
    """The lecture notes, section 1: f = ((a + b) * (c + d)) ** 2, every node labelled; {label: node}."""
    a, b, c, d = (Value(x, label=n) for x, n in zip((a, b, c, d), "abcd"))
    g = a + b
    h = c + d
    i = g * h
    f = i**2
    g.label, h.label, i.label, f.label = "g", "h", "i", "f"
    return dict(a=a, b=b, c=c, d=d, g=g, h=h, i=i, f=f)


def check_message(info, *parts) -> None:
    """The message of a caught exception (a pytest ExceptionInfo, or the exception) contains every part.

    Tests name what a message must mention (the function, the argument, the
    value, the label), not its sentence, so the wording can improve freely.
    """
    message = str(getattr(info, "value", info))
    for part in parts:
        assert str(part) in message, f"{part!r} not in {message!r}"


PYTHON_INTERNAL = ("object is not iterable", "unpack", "has no attribute", "object is not callable")


def check_refused(call, error, parts) -> None:
    """`call()` raises `error` whose message holds every part and none of Python's own wordings from deep inside."""
    with pytest.raises(error) as info:
        call()
    check_message(info, *parts)
    for internal in PYTHON_INTERNAL:
        assert internal not in str(info.value), f"{internal!r} in {str(info.value)!r}"


# The chain-rule table of the lecture notes, section 1: node -> (value, df/dnode)
TABLE = {
    "a": (1, 294),
    "b": (2, 294),
    "c": (3, 126),
    "d": (4, 126),
    "g": (3, 294),
    "h": (7, 126),
    "i": (21, 42),
    "f": (441, 1),
}
