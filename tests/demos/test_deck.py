"""The course's slide deck (demos.deck): order, pictures, key numbers, languages, offline, browser and PDF.

One quick run of the demos (module-scoped) feeds an English and a German deck.
The key numbers on the slides are checked against the course's numbers
computed here independently (by hand, with math and NumPy), not against the
demos' results the deck was built from.
"""

import html
import math
import re
import shutil
import string
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import demos.deck as deck
from autograd.language import Domain
from demos.__main__ import DEMOS
from tests.demos.test_demo_language import english_lines, german_lines

TEACHING = Path(__file__).resolve().parents[3] / "shared" / "TEACHING.md"
CHROMIUM = deck.find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium to render or print the deck")


class Slides(HTMLParser):
    """The deck's slides as dicts: attributes, text, picture links, key-number rows, notes; and every link."""

    def __init__(self) -> None:
        super().__init__()
        self.slides, self.links, self._tags = [], [], []
        self._cell: list | None = None
        self._row: list = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if name in attrs:
                self.links.append(attrs[name])
        if tag == "section" and "slide" in attrs.get("class", ""):
            self.slides.append({**attrs, "text": "", "images": [], "rows": {}, "notes": [], "h1": ""})
        elif self.slides and tag == "img":
            self.slides[-1]["images"].append(attrs["src"])
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "tr":
            self._row = []
        self._tags.append((tag, attrs))

    def handle_endtag(self, tag):
        opened, attrs = self._tags.pop()
        if tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and len(self._row) == 2:
            self.slides[-1]["rows"][self._row[0]] = self._row[1]

    def handle_data(self, data):
        if not self.slides:
            return
        slide = self.slides[-1]
        slide["text"] += data
        if self._cell is not None:
            self._cell.append(data)
        tags = [t for t, _ in self._tags]
        if tags and tags[-1] == "h1":
            slide["h1"] += data
        if any(a.get("class") == "missing" for _, a in self._tags):
            slide["notes"].append(data)


def read(path: Path) -> Slides:
    parser = Slides()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One quick run of the demos; the English deck from it (with its PDF where Chromium is), the German one too."""
    root = tmp_path_factory.mktemp("deck")
    english = deck.build(root / "en", language="en", quick=True, out=root / "out", pdf=CHROMIUM is not None)
    german = deck.build(root / "de", language="de", out=root / "out", results=english["results"], pdf=False)
    return {"en": english, "de": german, "root": root}


def section_headings() -> dict[int, str]:
    if not TEACHING.is_file():
        pytest.skip(f"the course's list {TEACHING} is not beside the project")
    return {
        int(n): title for n, title in re.findall(r"^## (\d+)\. (.+?)\s*(?:\(seeds? .*)?$", TEACHING.read_text(), re.M)
    }


def rows_of(slides: Slides, section: int) -> dict[str, str]:
    (numbers,) = [s for s in slides.slides if s["data-kind"] == "numbers" and s["data-section"] == str(section)]
    return numbers["rows"]


def values(cell: str) -> list[float]:
    return [float(v) for v in cell.split(", ")]


# ----------------------------------------------------------------------------- order and content


def test_one_title_slide_per_section_in_the_order_of_the_course(built):
    headings = section_headings()
    slides = read(built["en"]["html"]).slides
    titles = [s for s in slides if s["data-kind"] == "title"]
    assert [int(s["data-section"]) for s in titles] == sorted(headings) == list(range(1, 13))
    for slide in titles:
        assert headings[int(slide["data-section"])].startswith(slide["h1"]), (slide["h1"], headings)
    sections = [int(s["data-section"]) for s in slides]
    assert sections == sorted(sections), "slides of a section must stay together, in the course's order"
    assert slides[0]["data-kind"] == "deck"
    for number in headings:
        kinds = [s["data-kind"] for s in slides if s["data-section"] == str(number)]
        assert kinds[:2] == ["title", "numbers"] and kinds.count("title") == 1 and kinds.count("numbers") == 1
        assert {"picture", "frame"} & set(kinds), f"section {number} shows no picture"
    assert (
        len(slides)
        == len(built["en"]["slides"])
        == int(re.search(r'data-count="(\d+)"', built["en"]["html"].read_text())[1])
    )


def test_section_one_shows_the_lecture_frames_one_per_slide(built):
    slides = read(built["en"]["html"]).slides
    frames = [s for s in slides if s["data-kind"] == "frame"]
    assert len(frames) >= 10, "the slides fill the graph in over ten slides, one number per slide"
    assert {s["data-section"] for s in frames} == {"1"}
    assert len({s["images"][0] for s in frames}) == len(frames)
    assert f"Frame 1 of {len(frames)}" in frames[0]["text"] and f"Frame {len(frames)} of" in frames[-1]["text"]


def test_every_picture_referenced_exists_inside_the_folder_and_nothing_is_missing(built):
    for language in ("en", "de"):
        folder = built[language]["html"].parent
        parsed = read(built[language]["html"])
        images = [src for s in parsed.slides for src in s["images"]]
        assert images
        for src in images:
            assert not src.startswith(("/", "\\")) and ".." not in src.split("/"), src
            assert (folder / src).is_file(), src
        assert built[language]["notes"] == [] and not any(s["notes"] for s in parsed.slides)


def test_no_external_url_anywhere(built):
    for language in ("en", "de"):
        page = built[language]["html"].read_text(encoding="utf-8")
        parsed = read(built[language]["html"])
        assert all(not re.match(r"^[a-z][a-z0-9+.-]*:|^//", link, re.I) for link in parsed.links), parsed.links
        assert not re.search(r"https?:|url\(|@import|<link\b|<iframe\b|\bfetch\(|XMLHttpRequest", page, re.I)
        for picture in (built[language]["html"].parent / deck.PICTURES).rglob("*.svg"):
            assert not re.search(r'href="https?:', picture.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- the key numbers, computed here


def test_section_one_gradients_by_hand(built):
    a, b, c, d = 1, 2, 3, 4
    g, h = a + b, c + d
    i = g * h
    f = i**2
    df_di = 2 * i  # the one non-trivial local derivative
    df_dg, df_dh = df_di * h, df_di * g
    expected = {"f": (f, 1), "i": (i, df_di), "g": (g, df_dg), "h": (h, df_dh)}
    expected |= {"a": (a, df_dg), "b": (b, df_dg), "c": (c, df_dh), "d": (d, df_dh)}
    rows = rows_of(read(built["en"]["html"]), 1)
    for node, pair in expected.items():
        assert values(rows[f"{node} (value, df/d{node})"]) == list(pair)
    assert rows["the one non-trivial local derivative"].endswith(f"2 · {i} = {df_di}")
    assert (f, df_di, df_dg, df_dh) == (441, 42, 294, 126)  # TEACHING.md's table


def test_section_three_says_the_planted_wrong_derivative_is_caught(built):
    rows = rows_of(read(built["en"]["html"]), 3)
    assert rows["a planted wrong derivative (sin recording sin instead of cos)"] == "caught by gradcheck"
    assert rows_of(read(built["de"]["html"]), 3)[
        "eine absichtlich falsche Ableitung (sin speichert sin statt cos)"
    ] == ("von gradcheck erkannt")


def test_section_four_hand_made_network_and_section_seven_losses(built):
    slides = read(built["en"]["html"])
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    step = lambda z: (z > 0).astype(float)  # noqa: E731
    hidden = step(inputs @ np.array([[1.0, 1.0], [1.0, 1.0]]).T + np.array([-1.5, -0.5]))
    outputs = step(hidden @ np.array([-1.0, 1.0]) - 0.5)
    assert (
        values(rows_of(slides, 4)["hand-made network on (0,0), (0,1), (1,0), (1,1)"]) == list(outputs) == [0, 1, 1, 0]
    )

    y_hat, target = [0.08, 0.25, 0.42, 0.25], [0, 1, 0, 0]
    rows = rows_of(slides, 7)
    assert values(rows["predicted class, accuracy"]) == [2, 0]
    entropy = -math.log(y_hat[1])
    squared = sum((p - t) ** 2 for p, t in zip(y_hat, target))
    loss_of = {
        label.split(":")[0]: float(cell.split(";")[0]) for label, cell in rows.items() if "loss, gradient" in label
    }
    assert loss_of["cross-entropy (probabilities)"] == pytest.approx(entropy, rel=1e-4)  # shown to 5 digits
    assert loss_of["cross-entropy (logits)"] == pytest.approx(entropy, rel=1e-4)
    assert loss_of["squared error L2"] == pytest.approx(squared, rel=1e-4)
    assert round(entropy, 4) == 1.3863 and round(squared, 4) == 0.8078  # TEACHING.md's numbers


def test_section_twelve_counts_of_equivalent_weight_vectors(built):
    rows = rows_of(read(built["en"]["html"]), 12)
    assert values(rows["equivalent weight vectors M! · 2^M, M = 3"]) == [math.factorial(3) * 2**3] == [48]
    assert values(rows["equivalent weight vectors M! · 2^M, M = 30"])[0] == pytest.approx(
        math.factorial(30) * 2**30, rel=1e-3
    )
    count, difference = values(rows["tanh copies: count, largest output difference"])
    assert count == 48 and difference < 1e-12


# ----------------------------------------------------------------------------- languages


def test_german_and_english_titles(built):
    english = read(built["en"]["html"])
    german = read(built["de"]["html"])
    assert 'lang="de"' in built["de"]["html"].read_text() and 'lang="en"' in built["en"]["html"].read_text()
    titles = [s["h1"] for s in english.slides if s["data-kind"] == "title"]
    german_titles = [s["h1"] for s in german.slides if s["data-kind"] == "title"]
    assert german_titles == [Domain("demos").gettext(t, "de") for t in titles]  # from the demos' catalog
    assert german_titles[0] == "Das Beispiel zur Kettenregel" and "Kettenregel" in german_titles[10]
    assert not set(titles) & set(german_titles)
    all_german = " ".join(s["text"] for s in german.slides)
    assert "Abschnitt 1" in all_german and "Kennzahlen" in all_german and "Section 1" not in all_german
    assert len(german.slides) == len(english.slides)
    labels = " ".join(label for s in german.slides for label in s["rows"])
    english_words = (
        "too small",
        "too large",
        "right (",
        "gradient descent",
        "cross-entropy",
        "Heaviside step",
        "held-out",
    )
    assert [word for word in english_words if word in labels] == []  # the demos' names of models and losses too
    # German numbers: a decimal comma, so lists are separated by semicolons
    assert rows_of(german, 1)["f (Wert, df/df)"] == "441; 1"
    assert "1,3863" in " ".join(rows_of(german, 7).values()) and "1.3863" not in " ".join(rows_of(german, 7).values())


def test_the_german_deck_has_no_english_sentence(built):
    # the page's words: slide texts, the picture captions' alt texts, the slides' labels, the page title
    def words(language: str) -> str:
        page = built[language]["html"].read_text(encoding="utf-8")
        shown = re.sub(r"<(script|style)>.*?</\1>", " ", page, flags=re.S)  # the page's own code is no text
        said = re.findall(r'(?:alt|aria-label)="([^"]*)"', shown)
        text = html.unescape("\n".join([re.sub(r"<[^>]*>", "\n", shown), *said]))
        return re.sub(r"\b(?:AND|OR|XOR)\b", " ", text)  # the gates' names, as the slides write them

    assert english_lines(words("de")) == []
    assert len(german_lines(words("de"))) > 100
    assert len(english_lines(words("en"))) > 100  # the check sees English where there is some


def test_every_deck_text_is_in_the_demos_catalog_with_german_and_the_same_fields():
    pytest.importorskip("babel", reason="extracting the messages needs Babel (the check extra)")
    from autograd.locale import catalogs

    def fields(message: str) -> set:
        return {name for _, name, _, _ in string.Formatter().parse(message) if name}

    german = Domain("demos")
    messages = [
        m.id
        for m in catalogs.extract("demos")
        if m.id and any(path.startswith("demos/deck/") for path, _ in m.locations)
    ]
    assert len(messages) > 100  # every title, caption, label and message of the deck
    for message in messages:
        if isinstance(message, tuple):  # a plural
            for n in (1, 2):
                english = message[0] if n == 1 else message[1]
                translated = german.ngettext(*message, n, "de")
                assert translated != english and fields(translated) == fields(english), message
            continue
        translated = german.gettext(message, "de")
        assert translated != message or message in ("Demos: {names}",), f"no German for {message!r}"
        assert fields(translated) == fields(message), message
    assert not (Path(deck.__file__).parent / "texts.py").exists(), "one place for the deck's texts: the catalog"
    assert deck.Words("en")("Key numbers") == "Key numbers" and deck.Words("de")("Key numbers") == "Kennzahlen"


# ----------------------------------------------------------------------------- tolerance and refusals


def test_a_missing_picture_or_number_is_a_note_on_its_slide_not_a_crash(built, tmp_path, monkeypatch):
    one = deck.Section(
        1, "The chain-rule example", "Key numbers", ("chain_rule",),
        (deck.Picture("chain_rule", "no_such_picture.png", "The graph with every value and gradient"),),
        lambda results, tr: [("x", results["chain_rule"]["no_such_key"])],
    )  # fmt: skip
    monkeypatch.setattr(deck, "SECTIONS", (one,))
    done = deck.build(
        tmp_path / "deck", language="de", out=built["root"] / "out", results=built["en"]["results"], pdf=False
    )
    notes = [note for s in read(done["html"]).slides for note in s["notes"]]
    assert len(notes) == 2 == len(done["notes"])
    assert "chain_rule/no_such_picture.png" in notes[1] and notes[1].startswith("Bild fehlt")
    assert "no_such_key" in notes[0]


def test_a_demo_that_failed_is_said_on_its_numbers_slide(built, tmp_path):
    results = dict(built["en"]["results"], losses=RuntimeError("boom"))
    done = deck.build(tmp_path / "deck", language="en", out=built["root"] / "out", results=results, pdf=False)
    (note,) = done["notes"]
    assert note == "The demo losses did not run: boom"


def test_refuses_a_file_as_folder_and_a_link_it_did_not_make(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(ValueError, match="file.txt"):
        deck.build(target, language="en", out=tmp_path, results={}, pdf=False)
    folder = tmp_path / "deck"
    folder.mkdir()
    (folder / "deck.html").symlink_to(target)
    with pytest.raises(ValueError, match="is a link"):
        deck.build(folder, language="en", out=tmp_path, results={}, pdf=False)
    assert target.read_text() == "x"
    theirs = tmp_path / "teaching"
    (theirs / "pictures").mkdir(parents=True)
    (theirs / "pictures" / "mine.png").write_bytes(b"not the deck's")
    with pytest.raises(ValueError, match="is not an earlier deck's"):
        deck.build(theirs, language="en", out=tmp_path, results={}, pdf=False)
    assert (theirs / "pictures" / "mine.png").read_bytes() == b"not the deck's"
    with pytest.raises(ValueError, match="language must be one of 'en', 'de', not 'fr'"):
        deck.build(tmp_path / "other", language="fr", out=tmp_path, results={}, pdf=False)
    with pytest.raises(ValueError, match="ist ein Link; die Folien überschreiben nur Dateien"):
        deck.build(folder, language="de", out=tmp_path, results={}, pdf=False)


def test_the_sections_agree_with_the_demos_own_course_material_lines():
    listed: dict[str, set[int]] = {}
    for section in deck.SECTIONS:
        for name in section.demos:
            listed.setdefault(name, set()).add(section.number)
    assert set(listed) <= set(DEMOS)
    for name, numbers in listed.items():
        doc = __import__(DEMOS[name], fromlist=["run"]).__doc__
        said = re.search(r"Course material: section (\d+)", doc)
        if said:
            assert int(said[1]) in numbers, (name, said[1], numbers)


# ----------------------------------------------------------------------------- the browser and the PDF


@needs_chromium
def test_the_page_renders_and_the_keys_move_through_the_slides(built, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package drives the browser")
    count = len(built["en"]["slides"])
    stick = tmp_path / "usb stick" / "deck"  # the folder copied elsewhere: its links must still find every picture
    shutil.copytree(built["en"]["html"].parent, stick)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto((stick / deck.HTML_NAME).as_uri())
            seen = lambda: page.evaluate(  # noqa: E731
                "() => [document.getElementById('counter').textContent,"
                " Array.from(document.querySelectorAll('.slide')).filter(s => getComputedStyle(s).display !== 'none')"
                ".map(s => s.id)]"
            )
            assert seen() == [f"1 / {count}", ["slide-1"]]
            box = page.locator("#slide-1").bounding_box()
            assert box["width"] == pytest.approx(1280, abs=1) and box["height"] == pytest.approx(720, abs=1)
            page.keyboard.press("ArrowRight")
            assert seen() == [f"2 / {count}", ["slide-2"]]
            page.keyboard.press("End")
            assert seen() == [f"{count} / {count}", [f"slide-{count}"]]
            page.keyboard.press("ArrowRight")
            assert seen()[0] == f"{count} / {count}"
            page.keyboard.press("ArrowLeft")
            assert seen() == [f"{count - 1} / {count}", [f"slide-{count - 1}"]]
            page.keyboard.press("Home")
            assert seen()[0] == f"1 / {count}"
            broken = page.evaluate(
                "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
            )
            assert broken == []
        finally:
            browser.close()


@needs_chromium
def test_the_pdf_has_one_landscape_page_per_slide(built):
    assert built["en"]["pdf_skipped"] is None, built["en"]["pdf_skipped"]
    pdf = built["en"]["pdf"].read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == len(built["en"]["slides"])
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf).groups())
    assert width / height == pytest.approx(16 / 9, rel=0.01)


def test_without_chromium_the_pdf_is_skipped_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(deck.shutil, "which", lambda name: None)
    reason = deck.print_pdf(tmp_path / "deck.html", tmp_path / "deck.pdf", language="en")
    assert "no Chromium found" in reason and not (tmp_path / "deck.pdf").exists()
    reason = deck.print_pdf(tmp_path / "deck.html", tmp_path / "deck.pdf", language="de")
    assert reason.startswith("kein Chromium gefunden") and not (tmp_path / "deck.pdf").exists()


# ----------------------------------------------------------------------------- the command lines


@pytest.mark.parametrize(
    "command, argv",
    [
        ("demos", ["--deck", "{folder}", "--lang", "de", "--quick"]),
        ("demos.deck", ["{folder}", "--lang", "de", "--quick", "--no-pdf"]),
    ],
)
def test_the_command_lines_build_the_deck_as_asked(command, argv, monkeypatch, tmp_path, capsys):
    calls = []

    def fake_build(folder, **options):
        calls.append((folder, options))
        return {"html": Path(folder) / "deck.html", "pdf": None, "pdf_skipped": "no Chromium found", "slides": [1, 2],
                "notes": [], "results": {"chain_rule": {}}}  # fmt: skip

    monkeypatch.setattr(deck, "build", fake_build)
    argv = [a.format(folder=tmp_path) for a in argv]
    if command == "demos":
        from demos.__main__ import main
    else:
        main = deck.main
    assert main(argv) == 0
    ((folder, options),) = calls
    assert folder == str(tmp_path) and options["language"] == "de" and options["quick"] is True
    assert options["pdf"] is (command == "demos")
    printed = capsys.readouterr().out  # in the deck's language, German here
    assert "(2 Folien;" in printed and "Kein PDF: no Chromium found" in printed
    assert english_lines(printed.replace("no Chromium found", "")) == []  # the fake build's reason is English


def test_deck_with_demo_names_or_a_wrong_language_is_refused(capsys):
    from demos.__main__ import main

    with pytest.raises(SystemExit):
        main(["--deck", "somewhere", "chain_rule"])
    assert "leave out the names (chain_rule)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        deck.main(["somewhere", "--lang", "fr"])
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_digits_skipped_for_want_of_its_extra_is_said_and_accuracies_read_as_percentages(built, tmp_path):
    results = dict(built["en"]["results"], digits={"skipped": True, "reason": "needs [digits]", "images": []})
    done = deck.build(tmp_path / "deck", language="en", out=built["root"] / "out", results=results, pdf=False)
    rows = rows_of(read(done["html"]), 5)
    assert rows["digits"] == "skipped in this build (its extra is not installed)"
    assert rows["two moons: training accuracy, loss"].startswith("100.0 %; ")
    assert deck.Words("de").percent(0.94444) == "94,4 %" and deck.Words("en").percent(0.125) == "12.5 %"


def test_section_five_shows_the_delta_rule_equal_to_backward(built):
    rows = rows_of(read(built["en"]["html"]), 5)
    assert float(rows["delta rule: largest difference of δ_j · out_i to backward()'s gradients"]) < 1e-12
    before, after = values(rows["delta rule: loss before and after one update −η δ out"])
    assert 0 < after < before  # one step against the gradient lowers this small loss
