"""The pictures, frames, explanations and the player in German and English (issue 21, item 1).

English is checked against the titles the frames had before their texts moved
into the catalog (written out below); German against the course's terms and
the word list of tests/demos/test_demo_language.py (English function words
such as "the", "of", "step" must not appear), which must also find the English.
"""

import html
import importlib.util
import re
import subprocess
from pathlib import Path

import pytest
from browser import CHROMIUM, check_played, needs_chromium, play_through
from checks import check_message, course_example, needs_dot

from autograd import (
    Value,
    backward_steps,
    draw_graph,
    draw_network,
    explain_chain_rule,
    forward_steps,
    lecture_steps,
    save_player,
    save_steps,
)
from autograd.language import set_language, using_language


def _word_list():
    """tests/demos/test_demo_language.py, loaded by its path (its folder is not on sys.path here)."""
    path = Path(__file__).parents[2] / "demos" / "test_demo_language.py"
    spec = importlib.util.spec_from_file_location("demo_language_words", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


english_lines = _word_list().english_lines


@pytest.fixture(autouse=True)
def no_setting():
    """Each test starts without a process-wide language and gives back the one it found."""
    before = set_language(None)
    yield
    set_language(before)


LECTURE_EN = [
    "Given: a = 1, b = 2, c = 3, d = 4. The forward pass computes the other values, one per frame.",
    "Question 1 of 12, forward: g = a + b = 1 + 2 = ?",
    "Step 1 of 12, forward: g = a + b = 1 + 2 = 3",
    "Question 2 of 12, forward: h = c + d = 3 + 4 = ?",
    "Step 2 of 12, forward: h = c + d = 3 + 4 = 7",
    "Question 3 of 12, forward: i = g · h = 3 · 7 = ?",
    "Step 3 of 12, forward: i = g · h = 3 · 7 = 21",
    "Question 4 of 12, forward: f = i² = 21² = ?",
    "Step 4 of 12, forward: f = i² = 21² = 441",
    "Step 5 of 12, backward: the seed df/df = 1",
    # TEACHING.md section 1: the slide's ∂f/∂i = 2 · 21 = 42, each local derivative in its formula first
    "Question 6 of 12, backward: df/di = 2 · i = 2 · 21 = ?",
    "Step 6 of 12, backward: df/di = 2 · i = 2 · 21 = 42",
    "Question 7 of 12, backward: df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 = ?",
    "Step 7 of 12, backward: df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 = 294",
    "Question 8 of 12, backward: df/dh = df/di · ∂i/∂h = 42 · g = 42 · 3 = ?",
    "Step 8 of 12, backward: df/dh = df/di · ∂i/∂h = 42 · g = 42 · 3 = 126",
    "Question 9 of 12, backward: df/dc = df/dh · ∂h/∂c = 126 · 1 = ?",
    "Step 9 of 12, backward: df/dc = df/dh · ∂h/∂c = 126 · 1 = 126",
    "Question 10 of 12, backward: df/dd = df/dh · ∂h/∂d = 126 · 1 = ?",
    "Step 10 of 12, backward: df/dd = df/dh · ∂h/∂d = 126 · 1 = 126",
    "Question 11 of 12, backward: df/da = df/dg · ∂g/∂a = 294 · 1 = ?",
    "Step 11 of 12, backward: df/da = df/dg · ∂g/∂a = 294 · 1 = 294",
    "Question 12 of 12, backward: df/db = df/dg · ∂g/∂b = 294 · 1 = ?",
    "Step 12 of 12, backward: df/db = df/dg · ∂g/∂b = 294 · 1 = 294",
]
BACKWARD_EN = [
    "Seed: df/df = 1. Backprop now visits the nodes from the output back.",
    "Step 1 of 4: f = i², upstream gradient df/df = 1; each input gets local × upstream",
    "Step 2 of 4: i = g · h, upstream gradient df/di = 42; each input gets local × upstream",
    "Step 3 of 4: h = c + d, upstream gradient df/dh = 126; each input gets local × upstream",
    "Step 4 of 4: g = a + b, upstream gradient df/dg = 294; each input gets local × upstream",
]
FORWARD_EN = [
    "Seed: da/da = 1. Forward mode now visits the nodes from the inputs to the output. "
    "b, c, d, h do not depend on a: d/da = 0.",
    "Step 1 of 3: g = a + b, dg/da = sum of local × tangent = 1",
    "Step 2 of 3: i = g · h, di/da = sum of local × tangent = 7",
    "Step 3 of 3: f = i², df/da = sum of local × tangent = 294",
]


def _frames(language):
    n = course_example()
    return {
        "lecture": lecture_steps(n["f"], questions=True, language=language),
        "backward": backward_steps(n["f"], language=language),
        "forward": forward_steps(n["f"], n["a"], language=language),
    }


def _label_texts(picture) -> list[str]:
    """The words of a frame's labels (its title, boxes and edge notes: `picture.parts`), HTML tags removed."""
    return [html.unescape(re.sub(r"<[^>]*>", " ", str(label))) for label in picture.parts.values()]


@needs_dot
def test_english_titles_are_those_of_before():
    frames = _frames("en")
    assert [p.step_title for p in frames["lecture"]] == LECTURE_EN
    assert [p.step_title for p in frames["backward"]] == BACKWARD_EN
    assert [p.step_title for p in frames["forward"]] == FORWARD_EN


@needs_dot
def test_german_frames_of_the_chain_rule_use_the_course_terms_and_no_english_word():
    german, english = _frames("de"), _frames("en")
    titles = [p.step_title for kind in german.values() for p in kind]
    text = "\n".join(titles)
    for term in ("Vorwärtsdurchlauf", "Rückwärtsdurchlauf", "Kettenregel", "Gradient", "Schritt", "Startwert", "Frage"):
        assert term in text, term
    assert (
        titles[0]
        == "Gegeben: a = 1, b = 2, c = 3, d = 4. Der Vorwärtsdurchlauf berechnet die übrigen Werte, einen pro Bild."
    )
    assert "Schritt 7 von 12, Rückwärtsdurchlauf (Kettenregel): df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 = 294" in titles
    # every word drawn, titles and labels, is German (or a name, a number, the cells' data / grad)
    drawn = [line for kind in german.values() for p in kind for line in _label_texts(p)]
    assert any("data 441" in line for line in drawn) and any("Schritt 1 von 12" in line for line in drawn)
    assert english_lines("\n".join(titles + drawn)) == []
    # the same check finds the English frames' English: it can fail
    english_titles = [p.step_title for kind in english.values() for p in kind]
    assert len(english_lines("\n".join(english_titles))) == len(english_titles)
    # the frames are the same pictures: same layout words apart from the titles
    for kind in german:
        for de, en in zip(german[kind], english[kind]):
            assert de.source.count("<TD>") == en.source.count("<TD>")


@needs_dot
def test_the_language_in_force_is_the_default_and_the_argument_wins():
    n = course_example()
    with using_language("de"):
        assert backward_steps(n["f"])[0].step_title.startswith("Startwert: df/df = 1.")
        assert backward_steps(n["f"], language="en")[0].step_title == BACKWARD_EN[0]
    assert backward_steps(n["f"])[0].step_title == BACKWARD_EN[0]  # the tests' locale is English (conftest)


@needs_dot
def test_german_words_inside_the_pictures():
    x = Value(2.0, label="x")
    y = x * x + x
    y.label = "y"
    de = draw_graph(y, show_local_grads=True, language="de").source
    en = draw_graph(y, show_local_grads=True, language="en").source
    assert " lokal 2 " in de and " local " not in de and " local 2 " in en
    partial = backward_steps(y, language="de")[1].source  # x has had one of its three parts: "(bisher)"
    assert "(bisher)" in partial and "(so far)" in backward_steps(y, language="en")[1].source
    deep = x
    for _ in range(12):
        deep = deep * 1.5
    with pytest.warns(UserWarning, match="max_nodes"):
        cut = draw_graph(deep, max_nodes=5, language="de").source
    assert "weitere Werte" in cut and "nicht gezeichnet" in cut


@needs_dot
def test_the_network_picture_in_german():
    from nn import MLP

    model = MLP(2, [3, 1], activation="tanh", rng=1)
    out = model([0.5, -1.0])
    for group in ("neuron", "layer"):
        de = draw_network(out, group=group, language="de").source
        en = draw_network(out, group=group, language="en").source
        assert "Schicht 1: 3 × tanh" in de and "layer 1: 3 × tanh" in en and "layer 1" not in de
    de, en = draw_network(out, language="de").source, draw_network(out, language="en").source
    assert "Neuron 1" in de and "neuron 1" in en and "neuron 1" not in de


def test_explain_chain_rule_in_both_languages():
    n = course_example()
    assert explain_chain_rule(n["f"], n["a"], language="en") == (
        "df/da: 1 path from a to f; multiply the local derivatives along it.\n"
        "df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294"
    )
    assert explain_chain_rule(n["f"], n["f"], language="en") == (
        "df/df: f is the output itself (the seed of the backward pass).\ndf/df = 1"
    )
    x = Value(2.0, label="x")
    y = x * x + x
    y.label = "y"
    assert explain_chain_rule(y, x, language="en") == (
        "dy/dx: 3 paths from x to y; multiply the local derivatives along each path, then add the paths.\n"
        "path 1: dy/dv1 · dv1/dx = 1 · 2 = 2\npath 2: dy/dv1 · dv1/dx = 1 · 2 = 2\npath 3: dy/dx = 1\n"
        "dy/dx = 2 + 2 + 1 = 5\nwhere v1 = x · x"
    )
    de = explain_chain_rule(y, x, language="de")
    assert de.splitlines()[0].startswith("dy/dx: 3 Pfade von x nach y;") and "Pfad 3: dy/dx = 1" in de
    assert de.endswith("wobei v1 = x · x") and de.splitlines()[-2] == "dy/dx = 2 + 2 + 1 = 5"
    assert english_lines(de) == [] and english_lines(explain_chain_rule(n["f"], n["f"], language="de")) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda n: backward_steps(n["f"], language="fr"),
        lambda n: lecture_steps(n["f"], language="fr"),
        lambda n: forward_steps(n["f"], n["a"], language="fr"),
        lambda n: draw_graph(n["f"], language="fr"),
        lambda n: draw_network(n["f"], language="fr"),
        lambda n: explain_chain_rule(n["f"], n["a"], language="fr"),
    ],
)
def test_an_unknown_language_is_refused_by_name(call):
    with pytest.raises(ValueError) as info:
        call(course_example())
    check_message(info, "language", "'fr'", "'de'", "'en'")


@needs_dot
def test_the_player_page_in_german(tmp_path):
    frames = _frames("de")["lecture"]
    page = save_steps(frames, tmp_path, fmt="svg")["html"].read_text(encoding="utf-8")
    assert '<html lang="de">' in page and "<title>Die Kettenregel, eine Zahl nach der anderen</title>" in page
    assert "&#9664; zurück</button>" in page and "weiter &#9654;</button>" in page and "Tasten:" in page
    labels = re.findall(r'data-label="([^"]*)"', page)
    assert labels[:3] == ["Gegeben", "Frage 1 von 12", "Schritt 1 von 12"]  # German keeps its capitals
    english = save_steps(_frames("en")["lecture"], tmp_path / "en", fmt="svg")["html"].read_text(encoding="utf-8")
    assert re.findall(r'data-label="([^"]*)"', english)[:3] == ["given", "question 1 of 12", "step 1 of 12"]
    assert '<html lang="en">' in english and "&#9664; previous</button>" in english
    # the page's language follows the frames unless it is given
    mixed = save_steps(frames, tmp_path / "mixed", fmt="svg", language="en")["html"].read_text(encoding="utf-8")
    assert "<title>The chain rule, one number at a time</title>" in mixed


def test_save_player_in_german(tmp_path):
    from matplotlib.figure import Figure

    paths = []
    for k in range(2):
        fig = Figure(figsize=(2, 2), dpi=50)
        fig.subplots().plot([0, 1], [0, k])
        paths.append(tmp_path / f"p{k}.png")
        fig.savefig(paths[-1])
    page = save_player(paths, tmp_path / "de.html", language="de").read_text(encoding="utf-8")
    assert "<title>Animation</title>" in page and 'alt="Bild 2 von 2"' in page and 'data-label="Bild 1 von 2"' in page
    assert '"frame": "Bild {k} von {count}"' in page  # the counter's fallback in the script
    english = save_player(paths, tmp_path / "en.html").read_text(encoding="utf-8")
    assert 'alt="frame 2 of 2"' in english and 'data-label="frame 1 of 2"' in english


@needs_dot
@needs_chromium
def test_the_german_player_in_a_browser(tmp_path):
    frames = backward_steps(course_example()["f"], language="de")
    saved = save_steps(frames, tmp_path, fmt="svg", interval_ms=100)
    sizes = []
    for path in saved["frames"]:
        root = re.search(r"<svg\b[^>]*>", path.read_text(encoding="utf-8")).group(0)
        sizes.append(tuple(float(re.search(rf'{key}="([0-9.]+)pt"', root).group(1)) for key in ("width", "height")))
    counters = check_played(play_through(saved["html"], tmp_path), sizes, [f.step_title for f in frames])
    assert counters == ["Startwert", "Schritt 1 von 4", "Schritt 2 von 4", "Schritt 3 von 4", "Schritt 4 von 4"]
    # the play button's words come from the page's texts table: "Pause" while playing, "abspielen" after
    text = saved["html"].read_text(encoding="utf-8")
    probe = (
        '<script>var b = document.getElementById("play"); b.click(); var during = b.textContent;'
        'setTimeout(function () { var pre = document.createElement("pre"); pre.id = "probe";'
        'pre.textContent = during + "|" + b.textContent; document.body.appendChild(pre); }, 1500);</script>'
    )
    probed = tmp_path / "played.html"
    probed.write_text(text.replace("</body>", probe + "</body>"), encoding="utf-8")
    run = subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--virtual-time-budget=3000", "--dump-dom"]
        + [probed.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout)
    assert found, run.stderr[-2000:]
    assert html.unescape(found.group(1)) == "❚❚ Pause|▶ abspielen"
