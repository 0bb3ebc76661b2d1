"""The shared test helpers (tests/checks.py, tests/readme_sections.py) do what they say."""

import math
import struct
import zlib

import pytest
from checks import TABLE, central_difference, check_message, course_example, png_size
from readme_sections import python_blocks, readme_section, run_examples


def test_central_difference_of_a_number_and_of_a_list():
    assert central_difference(lambda p: p[0] ** 3 * p[1], [2.0, 5.0], 0) == pytest.approx(3 * 4 * 5, rel=1e-9)
    slopes = central_difference(lambda p: [math.sin(p[0]), p[0] * p[1]], [0.3, 2.0], 0)
    assert slopes == pytest.approx([math.cos(0.3), 2.0], rel=1e-9)


def test_central_difference_leaves_the_point_alone():
    point = [1.0, 2.0]
    central_difference(lambda p: p[0] + p[1], point, 1)
    assert point == [1.0, 2.0]


def test_course_example_is_the_table():
    n = course_example()
    n["f"].backward()
    assert {label: (node.data, node.grad) for label, node in n.items()} == TABLE
    assert all(node.label == label for label, node in n.items())


def _png(width, height, chunks=(b"IHDR", b"IDAT", b"IEND")):
    out = b"\x89PNG\r\n\x1a\n"
    for kind in chunks:
        body = struct.pack(">II", width, height) + b"\x08\x02\x00\x00\x00" if kind == b"IHDR" else b""
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return out


def test_png_size_reads_the_header_and_checks_the_file(tmp_path):
    good = tmp_path / "good.png"
    good.write_bytes(_png(640, 480))
    assert png_size(good) == (640, 480)
    broken = tmp_path / "broken.png"
    broken.write_bytes(_png(640, 480)[:-1] + b"\x00")  # a wrong CRC in IEND
    with pytest.raises(AssertionError, match="CRC"):
        png_size(broken)
    no_data = tmp_path / "no_data.png"
    no_data.write_bytes(_png(640, 480, (b"IHDR", b"IEND")))
    with pytest.raises(AssertionError, match="without image data"):
        png_size(no_data)
    not_png = tmp_path / "not.png"
    not_png.write_bytes(b"GIF89a")
    with pytest.raises(AssertionError, match="not a PNG"):
        png_size(not_png)


def test_readme_section_is_one_level_two_section():
    section = readme_section("The engine in one minute")
    assert section.startswith("## The engine in one minute")
    assert "### Checking gradients yourself" in section  # its subsections belong to it
    assert "\n## " not in section  # and it ends before the next section
    with pytest.raises(AssertionError, match="no section"):
        readme_section("A section the README does not have")


def test_python_blocks_and_run_examples():
    section = "## S\n```python\n>>> 1 + 1\n2\n```\ntext\n```python\n>>> 'a' * 2\n'aa'\n```\n"
    blocks = python_blocks(section)
    assert blocks == [">>> 1 + 1\n2\n", ">>> 'a' * 2\n'aa'\n"]
    assert len(run_examples("\n".join(blocks), "S").examples) == 2
    with pytest.raises(AssertionError, match="failed"):
        run_examples(">>> 1 + 1\n3\n", "S")
    with pytest.raises(AssertionError, match="no >>> examples"):
        run_examples("plain text, no examples\n", "S")
    with pytest.raises(AssertionError, match="no section"):
        readme_section("The engine")  # a heading's beginning is not the heading


def test_check_message_needs_every_part():
    error = ValueError("dot: 2 weights but 3 inputs")
    check_message(error, "dot", "2", "3")
    with pytest.raises(AssertionError, match="'bias' not in"):
        check_message(error, "dot", "bias")
