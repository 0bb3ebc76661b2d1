"""The playground in German and English (issue 21, item 1): the page's words, the kernel's messages, the page.

English is checked against the words the page and the kernel wrote before they moved into the catalog
(written out below); German against the course's terms and the word list of tests/demos/test_demo_language.py.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("anywidget", reason="the widget needs the live extra (anywidget)")

from live_page import chromium_browser, live_page, needs_live_page  # noqa: E402, F401 (chromium_browser: a fixture)

from autograd.language import set_language, using_language  # noqa: E402
from nn.playground import Playground  # noqa: E402
from nn.playground.widget import PAGE_TEXTS  # noqa: E402

JS = Path(__file__).parents[3] / "nn" / "playground" / "playground.js"


def _english_lines():
    path = Path(__file__).parents[2] / "demos" / "test_demo_language.py"
    spec = importlib.util.spec_from_file_location("demo_language_words", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.english_lines


english_lines = _english_lines()


@pytest.fixture(autouse=True)
def no_setting():
    before = set_language(None)
    yield
    set_language(before)


def message(widget, **content):
    widget._on_message(widget, content, [])


# What the page wrote before its words moved into PAGE_TEXTS (playground.js of the commit before).
ENGLISH_PAGE = {
    "play_hint": "Play / Pause", "play": "Play", "pause": "Pause", "step": "Step", "step_hint": "one epoch",
    "reset": "Reset", "reset_hint": "back to epoch 0", "epoch": "Epoch", "learning_rate": "Learning rate",
    "activation": "Activation", "l2": "L2", "batch_size": "Batch size", "epochs_per_frame": "Epochs per frame",
    "noise": "Noise %", "train_percent": "Training data %", "points": "Points", "data": "Data", "classes": "Classes",
    "regenerate": "New data", "save": "Save scenario", "load": "Load scenario", "add_layer": "+ layer",
    "remove_layer": "− layer", "inputs": "inputs", "output_layer": "output", "output": "Output", "click": "A click",
    "click_select": "shows a point's graph", "test_loss": "Test loss", "train_loss": "Training loss",
    "show_test": "show test data", "discretize": "discretize output", "dataset_circles": "circles",
}  # fmt: skip


def test_every_word_of_the_page_comes_from_the_texts_table():
    js = JS.read_text(encoding="utf-8")
    used = set(re.findall(r'\bt\("(\w+)"', js))
    used |= {key for pair in re.findall(r'\?\s*"(\w+)"\s*:\s*"(\w+)"', js) for key in pair}  # t(a ? "x" : "y")
    used |= {f"dataset_{name}" for name in ("xor", "circles", "moons", "spiral", "blobs")}  # t(`dataset_${name}`)
    assert used - set(PAGE_TEXTS) == set(), "keys the page asks for that PAGE_TEXTS lacks"
    assert set(PAGE_TEXTS) - used == set(), "PAGE_TEXTS entries the page never shows"
    # no English word is left in the page's code as a text: every make(..., { text: ... }) reads t(...)
    assert re.findall(r'(?:text|title): "[A-Za-z][^"]*"', js) == []


def test_the_english_page_and_messages_are_those_of_before():
    w = Playground(hidden=[2], seed=1, language="en")
    for key, text in ENGLISH_PAGE.items():
        assert w.texts[key] == text, key
    message(w, do="load", text="{not json")
    assert w.message == "Load scenario: the scenario is not valid JSON: Expecting property name enclosed in double " \
        "quotes at line 1, column 2"  # fmt: skip
    message(w, do="set", changes={"no_such": 1})
    assert w.message.startswith("Session.update: unknown field 'no_such'; a scenario has the fields format, ")
    bad = json.dumps({"format": "backprop-lab playground scenario", "version": 1, "discretize": "yes"})
    message(w, do="load", text=bad)
    assert w.message == "Load scenario: field 'discretize' must be true or false, not a string 'yes'"
    message(w, do="select", index=0)
    assert re.fullmatch(
        r"(Training|Test) point 0: x = \(-?\d+\.\d\d, -?\d+\.\d\d\), class \d; its loss \S+ at epoch 0, "
        r"with values and gradients",
        w.sample_text,
    )
    w.play()
    assert w.message == "Play needs a running kernel (Jupyter or the page); step() trains from plain Python"


def test_the_german_page_and_messages():
    w = Playground(hidden=[2], seed=1, language="de")
    assert w.language == "de"
    assert w.texts["learning_rate"] == "Lernrate" and w.texts["activation"] == "Aktivierungsfunktion"
    assert w.texts["reset"] == "Zurücksetzen" and w.texts["epoch"] == "Epoche" and w.texts["data"] == "Daten"
    assert w.texts["neurons_many"] == "{count} Neuronen" and w.texts["network"] == "Netz {shape}"
    assert english_lines("\n".join(w.texts.values())) == []
    assert len(english_lines("\n".join(Playground(hidden=[2], language="en").texts.values()))) > 5  # it can fail
    message(w, do="load", text="{not json")
    assert w.message.startswith("Szenario laden: das Szenario ist kein gültiges JSON: ")
    assert w.message.endswith("in Zeile 1, Spalte 2")
    message(w, do="set", changes={"no_such": 1})
    assert w.message.startswith("Session.update: unbekanntes Feld 'no_such'; ein Szenario hat die Felder ")
    bad = json.dumps({"format": "backprop-lab playground scenario", "version": 1, "discretize": "yes"})
    message(w, do="load", text=bad)
    assert w.message == "Szenario laden: Feld 'discretize' muss true oder false sein, nicht eine Zeichenkette 'yes'"
    message(w, do="select", index=0)
    assert re.match(r"(Trainingspunkt|Testpunkt) 0: x = .*, Klasse \d; sein Verlust .* in Epoche 0", w.sample_text)
    if w.sample_svg:  # with Graphviz: the sample's network picture speaks German too
        assert "Schicht 1" in w.sample_svg and "layer 1" not in w.sample_svg
    w.play()
    assert w.message.startswith("Start braucht einen laufenden Kernel")
    assert "ein Live-Widget" in repr(w)
    assert english_lines(w.message) == []


def test_a_diverging_run_says_so_in_german():
    w = Playground(
        dataset="spiral", classes=3, hidden=[8, 8], activation="relu", learning_rate=10.0, batch_size=1, seed=1,
        language="de",
    )  # fmt: skip
    for _ in range(10):
        message(w, do="step")
        if w.message:
            break
    assert "divergiert" in w.message and "Lernrate ist für dieses Netz zu groß" in w.message
    assert "Zurücksetzen" in w.message  # the button's own German name
    json.dumps(w.frame, allow_nan=False)


def test_the_language_in_force_and_a_refused_language():
    with using_language("de"):
        assert Playground(hidden=[2]).texts["points"] == "Punkte"
        assert Playground(hidden=[2], language="en").texts["points"] == "Points"
    assert Playground(hidden=[2]).texts["points"] == "Points"  # the tests' locale is English (conftest)
    with pytest.raises(ValueError, match=r"Playground: language must be one of 'en', 'de', not 'fr'"):
        Playground(language="fr")
    with pytest.raises(ValueError, match="unbekanntes Feld 'nonsense'"):
        Playground(nonsense=1, language="de")  # a refused setting, in the playground's language
    # the page's language does not leak: after a German playground's message, English is in force again
    w = Playground(hidden=[2], language="de")
    message(w, do="step")
    assert Playground(hidden=[2]).texts["step"] == "Step"


@needs_live_page
def test_the_german_page_in_a_browser(chromium_browser):  # noqa: F811
    cells = ["from nn.playground import Playground\nPlayground(hidden=[4], seed=1, points=60, language='de')"]
    with live_page(chromium_browser, cells, wait_for=".pg-root .pg-map") as live:
        page = live.page
        page.wait_for_function("document.querySelector('.pg-root').dataset.frames >= 1", timeout=60_000)
        text = page.inner_text(".pg-root")
        for word in ("Zurücksetzen", "Start", "Schritt", "Epoche", "Lernrate", "Aktivierungsfunktion", "Daten",
                     "Klassen", "Neue Daten", "Szenario speichern", "Eingaben", "4 Neuronen", "Ausgabe",
                     "Testverlust", "Trainingsverlust", "Netz 2-4-1", "Kreise", "Spirale"):  # fmt: skip
            assert word.lower() in text.lower(), word  # the headings are upper case (CSS)
        assert english_lines(text) == [], english_lines(text)
        assert page.get_attribute(".pg-play", "title") == "Start / Pause"
        page.click(".pg-play")
        page.wait_for_function("document.querySelector('.pg-play').textContent === 'Pause'", timeout=30_000)
        page.click(".pg-play")
        page.wait_for_function("document.querySelector('.pg-play').textContent === 'Start'", timeout=30_000)
        assert live.errors == [] and live.outside == []
