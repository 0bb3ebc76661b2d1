"""A German run of the converted demos prints no English sentence; an English run prints what it printed before.

The German check is a word list: English function words ("the", "and", "of",
"is", ...) in what a demo prints, after leaving out file paths and code
(zero_grad(), parent.grad, chain_rule). The same check must find English in
the English run, or it proves nothing. The English sentences below were
printed by the demos before their texts moved into the catalogs.
"""

import contextlib
import io
import re

import pytest

from demos import chain_rule, misconceptions, sheets

ENGLISH = {
    "the", "and", "of", "is", "are", "with", "from", "to", "by", "each", "every", "which", "this", "that", "its",
    "not", "at", "for", "on", "into", "then", "once", "one", "only", "gets", "step", "steps", "open", "given",
}  # fmt: skip
GERMAN = {"der", "die", "das", "und", "nicht", "ist", "mit", "von", "für", "jeder", "eine", "zurück"}
_CODE = re.compile(r"\S*(?:/|_|\(\)|\.py|\.\w+\()\S*")  # paths, names with _, calls: code, not language


def words(text: str) -> list[str]:
    return re.findall(r"[a-zäöüß]+", _CODE.sub(" ", text.lower()))


def english_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if ENGLISH & set(words(line))]


def german_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if GERMAN & set(words(line)) or re.search("[äöüßÄÖÜ]", line)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, list[str]]:
    """What misconceptions, chain_rule (the course's example and your own) and the sheets print, per language."""
    out = tmp_path_factory.mktemp("language")
    printed = {}
    for language in ("de", "en"):
        argv = ["--quick", "--out", str(out / language), "--lang", language]
        printed[language] = []
        for main, extra in (
            (misconceptions.main, []),
            (chain_rule.main, []),
            (chain_rule.main, ["--expr", "(a+b)*(c+d) + a**2", "--values", "a=1,b=2,c=3,d=4"]),
            (sheets.main, ["--students", "2"]),
        ):
            with contextlib.redirect_stdout(io.StringIO()) as text:
                main([*argv, *extra])
            printed[language].append(text.getvalue())
    return printed


@pytest.mark.parametrize("demo", range(4), ids=["misconceptions", "chain_rule", "own_example", "sheets"])
def test_a_german_run_prints_no_english_sentence(runs, demo):
    german, english = runs["de"][demo], runs["en"][demo]
    assert english_lines(german) == []
    assert len(english_lines(english)) >= 2  # the check sees English where there is some
    assert german_lines(german) and german_lines(english) == []


def test_the_german_run_uses_the_course_terms(runs):
    text = runs["de"][1] + runs["de"][2]
    for term in ("Kettenregel", "Vorwärtsdurchlauf", "Rückwärtsdurchlauf", "Gradient", "Startwert", "Knoten"):
        assert term in text, term


def test_the_english_run_prints_the_sentences_of_before(runs):
    text = " ".join(" ".join(runs["en"]).split())  # the demos wrap lines at 100 characters
    for sentence in (
        "Four classic backprop mistakes on e = a * b, d = e + b, f = d * e",
        "gradcheck on the wrong gradients: FAILS; on the right ones: agrees.",
        "Why it is wrong: e's gradient is the sum over its users (d and f); assigning keeps only the last user's "
        "share, so everything below e is too small.",
        "The loss (f - 20)^2 before each step and at the end, without zero_grad:",
        "The chain rule: f(a, b, c, d) = ((a + b) · (c + d))²",
        "Each input's gradient is the product of the local derivatives along its path from f:",
        "df/df = 1, the seed of the backward pass",
        "Forward pass, one operation per line:",
        "Backward pass, from the seed df/df = 1 back to the inputs:",
        "Exercise sheets with answer keys",
        "Variant 2:",
        "e^z proportional to [7, 2, 1], shift 0, class 3",
    ):
        assert sentence in text, sentence


def test_the_readers_refusals_follow_the_language(capsys, tmp_path):
    for language, says in (("de", "Ausdruck 'a.b + c', Spalte 1: Attribute (x.y) sind nicht erlaubt"),
                           ("en", "expression 'a.b + c', column 1: attributes (x.y) not allowed")):  # fmt: skip
        with pytest.raises(SystemExit):
            chain_rule.main(["--quick", "--out", str(tmp_path), "--expr", "a.b + c", "--lang", language])
        error = capsys.readouterr().err
        assert says in error, error
    with pytest.raises(SystemExit):
        chain_rule.main(["--quick", "--out", str(tmp_path), "--expr", "a*b", "--values", "a=1,b=2,c=3", "--lang", "de"])
    assert "c hat einen Wert, kommt aber in 'a*b' nicht vor" in capsys.readouterr().err
