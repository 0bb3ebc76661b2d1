"""The README read as a whole: its examples pass plain `python -m doctest README.md`, as a reader would run them;
its Contents list every `## ` section, and every link to one of its own headings finds it."""

import re
import subprocess
import sys

import pytest
from checks import HAS_DOT
from readme_sections import README, readme_section


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's `dot` is not installed; the README's picture examples render files")
def test_python_m_doctest_readme(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "doctest", str(README)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert (tmp_path / "chain_rule.svg").exists()  # the examples really ran (they write this picture)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def headings(level: str) -> list[str]:
    """The README's headings of one level ("##", "###"), outside code blocks, in order."""
    text = re.sub(r"^```.*?^```", "", README.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
    return re.findall(rf"^{level} (.+?)[ \t]*$", text, flags=re.MULTILINE)


def test_the_contents_link_every_section_in_order():
    contents = readme_section("Contents")
    links = re.findall(r"^- \[([^\]]+)\]\(#([^)]+)\)$", contents, flags=re.MULTILINE)
    sections = [title for title in headings("##") if title != "Contents"]
    assert len(set(sections)) == len(sections), "two sections with one title share one anchor"
    assert [title for title, _ in links] == sections, "the Contents list every ## section, in the file's order"
    for title, anchor in links:
        assert anchor == github_anchor(title), title
    # the sections a newcomer reads first come before the Contents; the operation API's two are listed
    assert sections.index("Quick start") < sections.index("The engine in one minute") < headings("##").index("Contents")
    assert {"Your own operation", "Adding an operation to the engine"} <= set(sections)


def test_every_link_inside_the_readme_reaches_a_heading():
    anchors = {github_anchor(title) for level in ("#", "##", "###", "####") for title in headings(level)}
    links = re.findall(r"\]\(#([^)]+)\)", README.read_text(encoding="utf-8"))
    assert links, "the README links its own sections"
    assert sorted(set(links) - anchors) == [], "links to headings that do not exist"
