"""Five optimizers on the network and on the Rosenbrock valley."""

import math

import pytest
from animation_checks import check_animation
from browser import check_played, needs_chromium, play_through
from checks import png_size
from picture_checks import check_image
from screen_checks import check_fits_screen

from autograd import Value
from demos import optimizers


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return optimizers.run(tmp_path_factory.mktemp("out"), quick=True)


def test_all_five(result):
    names = {"SGD", "Momentum", "Adagrad", "RMSProp", "Adam"}
    assert set(result["network_final_loss"]) == names
    assert set(result["rosenbrock_final"]) == names


def test_network_losses_fall(result):
    for losses in result["network_losses"].values():
        assert all(math.isfinite(v) for v in losses)
        assert losses[-1] < losses[0] / 2


def test_momentum_beats_sgd_in_the_valley(result):
    final = result["rosenbrock_final"]
    assert final["Momentum"] < 0.1 < final["SGD"]
    x, y = result["rosenbrock_end"]["Momentum"]
    assert abs(x - 1) < 0.2 and abs(y - 1) < 0.3


def test_rosenbrock_and_its_gradient():
    assert optimizers.rosenbrock(1.0, 1.0) == 0.0
    assert optimizers.rosenbrock(-1.5, 2.0) == pytest.approx(2.5**2 + 100 * (2.0 - 2.25) ** 2)
    x, y = Value(-1.5), Value(2.0)
    optimizers.rosenbrock(x, y).backward()
    # by hand: df/dx = -2(1 - x) - 400 x (y - x^2), df/dy = 200 (y - x^2)
    assert x.grad == pytest.approx(-2 * 2.5 - 400 * -1.5 * (2.0 - 2.25))
    assert y.grad == pytest.approx(200 * (2.0 - 2.25))


def test_pictures(result):
    assert len(result["images"]) == 2
    for path in result["images"]:
        check_image(path)


def test_the_paths_animation(result):
    movie = result["animation"]
    check_animation(movie, optimizers.QUICK_FRAMES)
    assert movie["steps"] == [0, 100, 200, 300, 400]  # of the 400 quick steps


@needs_chromium
def test_the_paths_page_in_a_browser(result, tmp_path):
    movie = result["animation"]
    captions = [f"Step {s} of 400: " for s in movie["steps"]]
    records = play_through(movie["html"], tmp_path)
    shown = [r["alt"] for r in records[: len(captions)]]
    assert [alt[: len(start)] for alt, start in zip(shown, captions)] == captions
    counters = check_played(records, [png_size(p) for p in movie["frames"]], shown)
    assert counters == [f"step {s} of 400" for s in movie["steps"]]


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=2)


def test_the_summary_is_the_docstrings_first_line():
    assert optimizers.SUMMARY == optimizers.__doc__.strip().splitlines()[0]


def test_a_german_run_computes_the_same_numbers_and_speaks_the_course_terms(result, tmp_path, capsys):
    german = optimizers.run(tmp_path, quick=True, language="de")
    text = " ".join(capsys.readouterr().out.split())
    for key in ("network_losses", "rosenbrock_final", "rosenbrock_end"):
        assert german[key] == result[key], key
    for term in ("Optimierer", "Lernrate", "Verlust", "Rosenbrock-Tal", "Startgewichte"):
        assert term in text, term
    page = german["animation"]["html"].read_text(encoding="utf-8")
    assert "<title>Fünf Optimierer im Rosenbrock-Tal</title>" in page and 'alt="Schritt 100 von 400: ' in page
