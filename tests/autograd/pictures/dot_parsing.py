"""Helpers for the picture tests: a small parser of the DOT text the pictures produce.

The course example and its table are in tests/checks.py.
"""

import html
import re

BOX = re.compile(r"^\s*(v\d+) \[label=<(.*)> shape=plain\]$")
OP = re.compile(r"^\s*(v\d+_op) \[label=(\"[^\"]*\"|\S+) ")
EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")


def boxes(source: str) -> dict:
    """{dot name: [cell texts]} for every value box in a DOT source (tags stripped, entities decoded)."""
    found = {}
    for line in source.splitlines():
        m = BOX.match(line)
        if m:
            cells = re.findall(r"<TD[^>]*>(.*?)</TD>", m.group(2))
            found[m.group(1)] = [html.unescape(re.sub(r"<[^>]+>", "", c.replace("<BR/>", "\n"))) for c in cells]
    return found


def by_label(source: str) -> dict:
    """{label: (data text, grad text or None)} from the boxes."""
    result = {}
    for cells in boxes(source).values():
        label, data = cells[0], cells[1]
        grad = cells[2] if len(cells) > 2 else None
        result[label] = (data, grad)
    return result


def ops(source: str) -> dict:
    return {m.group(1): m.group(2).strip('"') for line in source.splitlines() if (m := OP.match(line))}


def edges(source: str) -> list:
    return [(m.group(1), m.group(2), m.group(3) or "") for line in source.splitlines() if (m := EDGE.match(line))]


def edge_label(attrs: str) -> str:
    """An edge's label text: a quoted label, or an HTML-like label with its tags stripped ("" for none)."""
    m = re.search(r'label="([^"]*)"', attrs) or re.search(r"label=<(.*)>(?: |$)", attrs)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else ""


def check_install_message(error):
    """A GraphvizNotInstalled error that says how to install Graphviz's `dot` program."""
    from autograd import GraphvizNotInstalled

    message = str(error)
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert "graphviz.org" in message
    assert isinstance(error, GraphvizNotInstalled) and isinstance(error, RuntimeError)
    assert type(error).__module__ == "autograd.pictures.graphs"  # not graphviz's own ExecutableNotFound
