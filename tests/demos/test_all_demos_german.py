"""Every course demo speaks German with --lang de: what it prints and the words on its pictures.

Each demo runs once per language (--quick). What it prints is checked with
the word lists of test_demo_language; so are the texts on its matplotlib
figures (titles, axis labels, legends, annotations) and the labels of its
Graphviz graphs, collected where `demos._common` saves them. The English run
must show English to the same check, or the check proves nothing.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re

import pytest

from autograd.language import using_language
from demos import _common as c
from demos.__main__ import DEMOS
from tests.demos.test_demo_language import english_lines, german_lines, words

_LABEL = re.compile(r'(?:label|xlabel|tooltip)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|<(.*?)>\s*[\],;\n])', re.S)
_TAG = re.compile(r"<[^>]*>")


def graph_texts(source: str) -> list[str]:
    """The label texts of a DOT source (quoted or HTML-like), tags removed."""
    texts = []
    for quoted, html in _LABEL.findall(source):
        texts += _TAG.sub(" ", quoted or html).replace("\\n", "\n").replace("\\l", "\n").splitlines()
    return texts


def figure_texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]


def run_demo(name: str, language: str, out) -> tuple[str, list[str]]:
    """What demo `name` prints in `language`, and the texts on the pictures it saves."""
    shown: list[str] = []
    save_figure, render_graph = c.save_figure, c.render_graph

    def saving_figure(fig, path):
        shown.extend(figure_texts(fig))
        return save_figure(fig, path)

    def rendering_graph(graph, path):
        shown.extend(graph_texts(getattr(graph, "source", "")))
        return render_graph(graph, path)

    module = importlib.import_module(DEMOS[name])
    with pytest.MonkeyPatch.context() as patch, using_language(language):
        patch.setattr(c, "save_figure", saving_figure)
        patch.setattr(c, "render_graph", rendering_graph)
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            module.run(out / language, quick=True)
    return printed.getvalue(), shown


@pytest.mark.parametrize("name", list(DEMOS))
def test_a_german_run_has_no_english_sentence(name, tmp_path):
    german, german_pictures = run_demo(name, "de", tmp_path)
    english, english_pictures = run_demo(name, "en", tmp_path)
    assert english_lines(german) == [], "printed"
    assert english_lines("\n".join(german_pictures)) == [], "on the pictures"
    assert english_lines(english), "the check sees the English run's English"
    if any(len(word) > 2 for word in words("\n".join(english_pictures))):
        assert german_pictures != english_pictures, "the pictures' words follow the language"
    assert german_lines(german), "the German run prints German"
