"""Every course demo speaks German with --lang de: what it prints and the words on its pictures.

Each demo runs once per language (--quick). What it prints is checked with
the word lists of test_demo_language; so are the texts on its matplotlib
figures (titles, axis labels, legends, annotations) and the labels of its
Graphviz graphs, collected where `demos._common` saves them. The English run
must show English to the same check, or the check proves nothing.

Each run is asked for its language by `run(..., language=...)` while the
other language is in force, so a text that follows the language in force
instead of the demo's (a `_()` or a shared helper without it) is the other
language's; a line (or a picture's text) that is a whole message of the
catalog in the other language is caught even when the word lists miss it.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import re

import pytest

from autograd.language import catalog, using_language
from demos import _common as c
from demos.__main__ import DEMOS
from tests.demos.test_demo_language import english_lines, german_lines, words

_LABEL = re.compile(r'(?:label|xlabel|tooltip)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|<(.*?)>\s*[\],;\n])', re.S)
_TAG = re.compile(r"<[^>]*>")
_FIELD = re.compile(r"\{[^{}]*\}")
OTHER = {"de": "en", "en": "de"}


@functools.cache
def whole_messages(language: str) -> re.Pattern:
    """A line that is one of the demos' catalog messages in `language`, its {fields} filled in any way.

    Only messages that differ between the languages and say a word of four
    letters or more beside their fields: "{name}: {value}" could be any line.
    """
    pairs = [(k, v) for k, v in catalog("demos", "de")._catalog.items() if isinstance(k, str) and k and k != v]
    texts = [english if language == "en" else german for english, german in pairs]
    patterns = [
        ".*?".join(re.escape(part) for part in _FIELD.split(text.strip()))
        for text in texts
        if "\n" not in text and re.search(r"[A-Za-zÄÖÜäöüß]{4}", _FIELD.sub(" ", text))
    ]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def messages_of(language: str, lines) -> list[str]:
    """The `lines` that are whole catalog messages in `language`."""
    found = whole_messages(language)
    return [line for line in lines if found.fullmatch(line.strip())]


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
    with pytest.MonkeyPatch.context() as patch, using_language(OTHER[language]):
        patch.setattr(c, "save_figure", saving_figure)
        patch.setattr(c, "render_graph", rendering_graph)
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            module.run(out / language, quick=True, language=language)
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
    for run, printed, pictures in (("de", german, german_pictures), ("en", english, english_pictures)):
        other = OTHER[run]
        assert messages_of(other, printed.splitlines()) == [], f"the {run} run prints {other} messages"
        assert messages_of(other, pictures) == [], f"the {run} run's pictures show {other} messages"
