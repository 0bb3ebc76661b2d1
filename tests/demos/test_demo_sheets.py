"""Exercise sheets: every answer of every variant equals an independent computation (plain floats, fractions,
NumPy; never the engine), seeds give different variants and the same seed the same sheet, the key holds
every answer and the sheet none, in German and in English, as A4 pages and PDFs."""

import math
import re
import shutil
from fractions import Fraction
from html.parser import HTMLParser

import numpy as np
import pytest
from checks import needs_dot

from autograd.language import set_language, using_language
from demos import sheets

SEEDS = range(8)


def answers(exercise) -> dict:
    return {name: answer.value for name, answer in exercise.answers.items()}


# ----------------------------------------------------------------------------- independent computations


class Dual:
    """a + b ε with ε² = 0: forward-mode derivatives by hand, for the chain-rule check."""

    def __init__(self, a, b=0.0):
        self.a, self.b = a, b

    @staticmethod
    def of(x):
        return x if isinstance(x, Dual) else Dual(x)

    def __add__(self, other):
        other = Dual.of(other)
        return Dual(self.a + other.a, self.b + other.b)

    __radd__ = __add__

    def __sub__(self, other):
        other = Dual.of(other)
        return Dual(self.a - other.a, self.b - other.b)

    def __rsub__(self, other):
        return Dual.of(other) - self

    def __mul__(self, other):
        other = Dual.of(other)
        return Dual(self.a * other.a, self.a * other.b + self.b * other.a)

    __rmul__ = __mul__

    def __neg__(self):
        return Dual(-self.a, -self.b)

    def __pow__(self, n):
        return Dual(self.a**n, n * self.a ** (n - 1) * self.b)


def relu(x):
    x = Dual.of(x)
    return Dual(x.a, x.b) if x.a > 0 else Dual(0.0, 0.0)


def chain_rule_by_hand(given) -> dict:
    """Forward values of the steps, and d root / d node for every node by dual numbers seeded at that node."""

    def forward(seed=None):
        known = {name: Dual(value, 1.0 if name == seed else 0.0) for name, value in given["values"].items()}
        for name, formula in given["steps"]:
            value = eval(formula, {"__builtins__": {}, "relu": relu}, dict(known))  # noqa: S307 (the test's own)
            known[name] = Dual(value.a, 1.0) if name == seed else value
        return known

    values = {name: d.a for name, d in forward().items()}
    result = {f"value {name}": value for name, value in values.items()}
    for name in values:
        result[f"grad {name}"] = forward(seed=name)[given["root"]].b
    return result


def perceptron_by_hand(given) -> dict:
    w = [Fraction(str(x)) for x in given["w"]]
    eta = Fraction(str(given["eta"]))
    result = {}
    for k, (x, y) in enumerate(given["samples"], start=1):
        a = w[0] + w[1] * x[0] + w[2] * x[1]
        yhat = 1 if a > 0 else 0
        w = [w[0] + eta * (y - yhat), w[1] + eta * (y - yhat) * x[0], w[2] + eta * (y - yhat) * x[1]]
        result.update({f"a {k}": a, f"yhat {k}": yhat, **{f"w{j} after {k}": w[j] for j in range(3)}})
    return result


def delta_rule_by_hand(given) -> dict:
    """Seed 001's derivation with NumPy: delta = -(y - out) out (1 - out), delta_j = delta w_j h_j (1 - h_j)."""
    x, w, v, y, eta = np.array(given["x"]), np.array(given["w"]), np.array(given["v"]), given["y"], given["eta"]
    z_hidden = x @ w  # z_j = sum_i w_ij x_i
    h = 1 / (1 + np.exp(-z_hidden))
    z = h @ v
    out = 1 / (1 + np.exp(-z))
    delta = -(y - out) * out * (1 - out)
    deltas = delta * v * h * (1 - h)
    result = {"z1": z_hidden[0], "z2": z_hidden[1], "h1": h[0], "h2": h[1], "z": z, "out": out,
              "L": 0.5 * (y - out) ** 2, "delta": delta, "delta1": deltas[0], "delta2": deltas[1]}  # fmt: skip
    for j in range(2):
        result[f"dL/dw{j + 1}"] = delta * h[j]
        result[f"update w{j + 1}"] = -eta * delta * h[j]
        for i in range(2):
            result[f"dL/dw{i + 1}{j + 1}"] = deltas[j] * x[i]
            result[f"update w{i + 1}{j + 1}"] = -eta * deltas[j] * x[i]
    return result


def softmax_by_hand(given) -> dict:
    s = np.array(given["shares"], dtype=float) / sum(given["shares"])  # e^(ln a + c) / sum = a / sum(a)
    jac = np.diag(s) - np.outer(s, s)
    grad = s - np.eye(3)[given["label"] - 1]
    result = {f"s{i + 1}": s[i] for i in range(3)}
    result.update({f"J{i + 1}{j + 1}": jac[i, j] for i in range(3) for j in range(3)})
    result.update({f"dL/dz{j + 1}": grad[j] for j in range(3)})
    return result


def learning_rate_by_hand(given) -> dict:
    p, q, eta = given["p"], given["q"], given["eta"]
    lam = sorted((2 * p, 2 * q))
    result = {"lambda_min": lam[0], "lambda_max": lam[1], "eta_max": 2 / lam[1]}
    theta = list(given["start"])
    for k in (1, 2):
        theta = [theta[0] * (1 - 2 * p * eta), theta[1] * (1 - 2 * q * eta)]
        result.update({f"theta1 step {k}": theta[0], f"theta2 step {k}": theta[1]})
    limit = Fraction(1) / Fraction(str(max(p, q)))  # 2 / (2 max(p, q)), exactly
    for rate in given["rates"]:
        ratio = Fraction(rate).limit_denominator(1000) / limit
        word = "converges" if ratio < 1 else "oscillates" if ratio == 1 else "diverges"
        result[f"verdict {sheets.decimals(rate)}"] = word
    return result


BY_HAND = {
    "chain_rule": chain_rule_by_hand,
    "perceptron": perceptron_by_hand,
    "delta_rule": delta_rule_by_hand,
    "softmax": softmax_by_hand,
    "learning_rate": learning_rate_by_hand,
}


@pytest.mark.parametrize("seed", SEEDS)
def test_every_answer_equals_the_independent_computation(seed):
    for exercise in sheets.make_exercises(seed):
        expected = BY_HAND[exercise.kind](exercise.given)
        got = answers(exercise)
        if exercise.kind == "chain_rule":  # the given inputs are no blanks: only their gradients are asked
            expected = {k: v for k, v in expected.items() if k in got}
        assert set(got) == set(expected), (exercise.kind, set(got) ^ set(expected))
        for name, value in expected.items():
            if isinstance(value, str):
                assert got[name] == value, (seed, exercise.kind, name)
            else:
                assert math.isclose(got[name], float(value), rel_tol=1e-12, abs_tol=1e-12), (seed, name)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_answers_are_readable(seed):
    for exercise in sheets.make_exercises(seed):
        for name, answer in exercise.answers.items():
            if isinstance(answer.value, str):
                continue
            if exercise.kind == "chain_rule":  # small integers
                assert answer.value == int(answer.value) and abs(answer.value) <= 400, (name, answer)
                assert answer.shown == str(int(answer.value))
            elif exercise.kind in ("perceptron", "softmax", "learning_rate"):  # short decimals, shown exactly
                assert abs(float(answer.shown) - answer.value) < 1e-9, (exercise.kind, name, answer)
                assert len(answer.shown.lstrip("-").split(".")[-1]) <= 6
            else:  # sigmoids: four decimals, as the sheet asks
                assert abs(float(answer.shown) - answer.value) <= 5e-5, (name, answer)


def test_the_given_numbers_are_short():
    for seed in SEEDS:
        chain, perceptron, delta, softmax, rate = sheets.make_exercises(seed)
        assert all(value == int(value) and -3 <= value <= 4 for value in chain.given["values"].values())
        assert all(round(w * 10) == w * 10 for w in perceptron.given["w"])
        assert all(x * 2 == int(x * 2) for x in delta.given["x"] + delta.given["v"] + sum(delta.given["w"], []))
        assert sum(softmax.given["shares"]) in (4, 5, 8, 10)
        assert rate.given["eta"] == round(rate.given["eta"], 5)


def test_seeds_give_different_variants_and_the_same_seed_the_same():
    summaries = {seed: tuple(sheets.summary(e) for e in sheets.make_exercises(seed)) for seed in range(12)}
    assert len(set(summaries.values())) == 12  # every seed its own sheet
    for k, kind in enumerate(sheets.KINDS):
        assert len({s[k] for s in summaries.values()}) >= 6, kind  # and each exercise varies by itself
    again = [sheets.summary(e) for e in sheets.make_exercises(5)]
    assert tuple(again) == summaries[5]
    assert sheets.page(sheets.make_exercises(5), "de", 5, key=True) == sheets.page(
        sheets.make_exercises(5), "de", 5, key=True
    )


def test_each_exercise_draws_from_its_own_stream():
    # leaving exercises out changes none of the others' numbers
    full = {e.kind: sheets.summary(e) for e in sheets.make_exercises(7)}
    part = {e.kind: sheets.summary(e) for e in sheets.make_exercises(7, kinds=("softmax", "chain_rule"))}
    assert part == {kind: full[kind] for kind in part}


class Cells(HTMLParser):
    """The text of every answer cell (<td class="answer">) and of the whole page."""

    def __init__(self):
        super().__init__()
        self.answers, self.text, self.inside = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "td" and ("class", "answer") in attrs:
            self.inside = True
            self.answers.append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self.inside = False

    def handle_data(self, data):
        self.text.append(data)
        if self.inside:
            self.answers[-1] += data


def cells(page: str) -> Cells:
    parser = Cells()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_key_holds_every_answer_and_the_sheet_none(language):
    for seed in (0, 3):
        exercises = sheets.make_exercises(seed, language)
        sheet, key = (cells(sheets.page(exercises, language, seed, key=k)) for k in (False, True))
        shown = [a.shown for e in exercises for a in e.answers.values()]
        assert key.answers == shown and all(shown)
        assert sheet.answers == [""] * len(shown)
        # no answer hides elsewhere on the sheet: the numbers of the task are the only ones there
        task = " ".join(line for e in exercises for line in e.task)
        sheet_text = " ".join(sheet.text)
        for e in exercises:
            for name, answer in e.answers.items():
                pattern = rf"(?<![\w.]){re.escape(answer.shown)}(?![\w.])"
                if len(answer.shown) >= 3 and not re.search(pattern, task) and name != "lambda_max":
                    assert not re.search(pattern, sheet_text), (seed, name, answer.shown)


def test_german_and_english_texts():
    de = sheets.page(sheets.make_exercises(2, "de"), "de", 2, key=False)
    en = sheets.page(sheets.make_exercises(2, "en"), "en", 2, key=False)
    for term in ("Kettenregel", "Vorwärtsdurchlauf", "Rückwärtsdurchlauf", "Gradient", "Lernrate",
                 "Verlustfunktion", "Aktivierungsfunktion", "Aufgabe", "Jacobi-Matrix"):  # fmt: skip
        assert term in de and (term == "Gradient" or term not in en), term
    for term in ("chain rule", "Forward pass", "Backward pass", "learning rate", "Loss function", "Exercise"):
        assert term in en and term not in de, term
    assert '<html lang="de">' in de and '<html lang="en">' in en
    with pytest.raises(ValueError, match="make_exercises: language must be one of 'en', 'de', not 'fr'"):
        sheets.make_exercises(1, "fr")


def test_the_language_in_force_is_the_default(monkeypatch):
    """No language given: the process-wide setting, else the locale's (German for LANG=de_DE.UTF-8), else English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    before = set_language(None)  # no process-wide setting; the locale read again
    assert sheets.make_exercises(2)[0].title == "The chain rule on a computation graph"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    set_language(None)
    try:
        assert sheets.make_exercises(2)[0].title == "Kettenregel im Berechnungsgraphen"
        with using_language("en"):
            assert sheets.make_exercises(2)[0].title == "The chain rule on a computation graph"
    finally:
        monkeypatch.undo()
        set_language(None)  # the locale of the test run again
        set_language(before)


@needs_dot
def test_the_chain_rule_graph_is_embedded_as_svg(tmp_path):
    exercises = sheets.make_exercises(4, kinds=("chain_rule",))
    written = sheets.write_sheets(exercises, tmp_path, "de", 4, pdf=False)
    sheet, key = written["sheet"].read_text(), written["key"].read_text()
    assert sheet.count("<svg") == 1 and key.count("<svg") == 1 and "<?xml" not in sheet
    (exercise,) = exercises
    computed = len(exercise.given["steps"])
    nodes = computed + len(exercise.given["values"])
    figure = sheet[sheet.index("<svg") : sheet.index("</svg>")]
    assert figure.count("data ?") == computed and figure.count("grad ?") == nodes  # nothing but the inputs given
    assert "Step" not in figure and "Given" not in figure  # the frame's English title is left out
    drawn = key[key.index("<svg") : key.index("</svg>")]
    assert "?" not in drawn
    for name, answer in exercise.answers.items():  # the key's graph shows every value and gradient
        cell = "data" if name.startswith("value") else "grad"
        assert f">{cell} {answer.shown.replace('-', '&#45;')}<" in drawn, name


def test_the_command_line_and_the_students_variants(tmp_path, capsys):
    result = sheets.main(["--seed", "2", "--students", "2", "--quick", "--out", str(tmp_path), "--only",
                          "perceptron,softmax"])  # fmt: skip
    folder = tmp_path / "sheets"
    assert sorted(p.name for p in folder.iterdir()) == ["variant_002", "variant_003"]
    assert set(result["variants"]) == {2, 3}
    # student 2 of seed 2 has the sheet of seed 3
    alone = sheets.main(["--seed", "3", "--quick", "--out", str(tmp_path / "alone"), "--only", "perceptron,softmax"])
    assert (folder / "variant_003" / "key.html").read_text() == alone["variants"][3]["files"]["key"].read_text()
    assert "Variant 2:" in capsys.readouterr().out
    sheets.main(["--seed", "2", "--quick", "--out", str(tmp_path / "de"), "--only", "softmax", "--lang", "de"])
    out = capsys.readouterr().out
    assert "Übungsblätter mit Lösungen" in out and "Variante 2:" in out and "Klasse" in out
    for argv, says in [
        (["--students", "0"], "--students 0: from 1 to 500"),
        (["--seed", "-1"], "a seed is an int >= 0"),
        (["--only", "perceptron,calculus"], "choose from chain_rule"),
        (["--lang", "fr"], "invalid choice"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            sheets.main(["--quick", "--out", str(tmp_path), *argv])
        assert exit_.value.code == 2 and says in capsys.readouterr().err, argv


@pytest.mark.skipif(sheets.chromium() is None, reason="chromium is not installed: no PDF to print")
def test_pdfs_are_printed_on_a4(tmp_path):
    written = sheets.write_sheets(sheets.make_exercises(1, kinds=("softmax", "learning_rate")), tmp_path, "de", 1)
    for kind in ("sheet", "key"):
        pdf = written[f"{kind}_pdf"]
        data = pdf.read_bytes()
        assert data[:5] == b"%PDF-"
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", data)
        assert box and abs(float(box.group(1)) - 595.3) < 1 and abs(float(box.group(2)) - 841.9) < 1  # A4 in pt


def test_without_chromium_the_pages_stay_and_say_why(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    written = sheets.write_sheets(sheets.make_exercises(1, kinds=("softmax",)), tmp_path, "en", 1)
    assert written["sheet"].is_file() and written["sheet_pdf"] is None
    assert any("chromium is not installed" in reason for reason in written["skipped"])
    german = sheets.write_sheets(sheets.make_exercises(1, kinds=("softmax",)), tmp_path / "de", "de", 1)
    assert "PDF nicht erzeugt: chromium ist nicht installiert (apt-get install chromium)" in german["skipped"][0]


def test_a_link_planted_at_the_sheet_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "sheet.html").symlink_to(victim)
    written = sheets.write_sheets(sheets.make_exercises(1, kinds=("softmax",)), folder, "de", 1, pdf=False)
    assert victim.read_text() == "keep me"
    assert not written["sheet"].is_symlink() and "Übungsblatt" in written["sheet"].read_text()
