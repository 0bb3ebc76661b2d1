"""Batch / mini-batch / stochastic gradient descent, three learning rates, the limit 2 / lambda, SGD's schedule and a
local minimum behave as section 8 says (checked against numpy least squares and closed forms)."""

import numpy as np
import pytest
from picture_checks import check_image
from screen_checks import check_fits_screen

from demos import gradient_descent as gd


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return gd.run(tmp_path_factory.mktemp("out"), quick=True)


def least_squares_loss():
    """The smallest mean squared error any line can reach, by numpy's least squares."""
    X, y = gd.make_data()
    A = np.column_stack([np.array(X), np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, np.array(y), rcond=None)
    return float(np.mean((A @ coef - np.array(y)) ** 2))


def test_updates_per_epoch(result):
    runs = result["variants"]
    epochs = gd.QUICK_EPOCHS
    counts = sorted(len(r["per_update"]) - 1 for r in runs.values())
    assert counts == [epochs, epochs * gd.N_SAMPLES // gd.MINI_BATCH, epochs * gd.N_SAMPLES]


def test_sgd_gets_further_per_epoch(result):
    runs = result["variants"]
    batch, mini, sgd = (runs[name]["per_epoch"][1] for name in runs)
    assert sgd < mini < batch
    best = least_squares_loss()
    assert sgd < 2 * best  # one epoch of SGD is near the minimum


def test_learning_rates(result):
    small, right, large = result["learning_rates"].values()
    best = least_squares_loss()
    assert not small["diverged"] and small["per_epoch"][-1] > 100 * best
    assert not right["diverged"] and right["per_epoch"][-1] == pytest.approx(best, rel=0.05)
    assert large["diverged"] and large["per_epoch"][-1] > 10 * large["per_epoch"][0]


def test_pictures(result):
    names = [path.name for path in result["images"]]
    assert names == [
        "variants.png",
        "learning_rates.png",
        "learning_rate_limit.png",
        "sgd_schedule.png",
        "local_minimum.png",
    ]
    for path in result["images"]:
        check_image(path)


def closed_form_hessian():
    """The loss (1/N) |A theta - y|^2 has the Hessian (2/N) A^T A, A = [x1 x2 1]."""
    X, _ = gd.make_data()
    A = np.column_stack([np.array(X), np.ones(len(X))])
    return 2.0 * A.T @ A / len(X)


def test_the_hessian_and_the_learning_rate_limit(result):
    curve = result["curvature"]
    expected = closed_form_hessian()
    assert np.allclose(curve["hessian"], expected, rtol=1e-12, atol=1e-14)
    lam = np.linalg.eigvalsh(expected).max()
    assert curve["lambda_max"] == pytest.approx(lam, rel=1e-12)
    assert curve["lr_limit"] == pytest.approx(2.0 / lam, rel=1e-12)
    rates = gd.LEARNING_RATES.values()
    assert max(rates) > curve["lr_limit"] > sorted(rates)[-2]  # the "too large" rate is past it, "right" below


def test_just_below_the_limit_converges_and_just_above_diverges(result):
    below, above = result["limit_runs"].values()
    best = least_squares_loss()
    assert not below["diverged"] and below["per_epoch"][-1] < 1.1 * best
    assert above["diverged"] and above["per_epoch"][-1] > 100 * above["per_epoch"][0]


def test_one_newton_step_lands_on_the_least_squares_minimum(result):
    X, y = gd.make_data()
    A = np.column_stack([np.array(X), np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, np.array(y), rcond=None)
    assert np.allclose(result["curvature"]["minimum"], coef, rtol=1e-9, atol=1e-12)
    assert result["curvature"]["min_loss"] == pytest.approx(least_squares_loss(), rel=1e-9)


def test_sgd_settles_only_with_a_decreasing_rate(result):
    constant, decreasing = result["sgd_schedule"].values()
    assert len(constant["excess"]) == gd.QUICK_SGD_EPOCHS + 1
    assert constant["last_lr"] == gd.SGD_LR
    t = gd.QUICK_SGD_EPOCHS * gd.N_SAMPLES - 1  # the last update's index
    assert decreasing["last_lr"] == pytest.approx(gd.SGD_LR / (1 + t / gd.DECAY_STEPS))
    assert decreasing["excess"][-1] < constant["excess"][-1] / 10
    assert min(constant["excess"][1:]) > 1e-4  # a constant rate never gets close
    assert all(e >= -1e-15 for run in (constant, decreasing) for e in run["excess"])  # the minimum is a minimum


def test_a_small_rate_stops_in_the_local_minimum_a_larger_one_does_not(result):
    small, larger = result["local_minimum"].values()
    critical = sorted(np.roots([4.0, 0.0, -8.0, 1.0]).real)  # f'(x) = (4 x^3 - 8 x + 1) / 4 = 0
    left, hump, right = critical
    assert small["end"] == pytest.approx(right, abs=1e-6)
    assert larger["end"] == pytest.approx(left, abs=1e-6)
    assert larger["path"][1] < hump < small["path"][1]  # the first step decides
    assert larger["f_end"] < small["f_end"]
    for run, x in ((small, right), (larger, left)):
        assert run["second_derivative"] == pytest.approx(3 * x * x - 2, rel=1e-6)  # f'' = (12 x^2 - 8) / 4
    assert max(gd.NONCONVEX_RATES.values()) < 2 / (3 * left * left - 2)  # stable in the lower valley


def test_the_narrated_shapes_of_the_learning_rate_runs(result):
    """'Right' reaches the noise floor in about 15 steps; 'too large' falls for two steps, then grows
    geometrically (the slow directions still converge while the steepest one diverges)."""
    _, right, large = result["learning_rates"].values()
    best = least_squares_loss()
    assert right["per_epoch"][10] > 1.2 * best and right["per_epoch"][15] < 1.02 * best
    loss = large["per_epoch"]
    assert loss[0] > loss[1] > loss[2] < loss[3]
    ratios = [b / a for a, b in zip(loss[4:], loss[5:])]
    assert min(ratios) > 1.3 and max(ratios) / min(ratios) < 1.2  # a nearly constant factor per step


def test_printed_numbers(tmp_path, capsys):
    gd.main(["--quick", "--out", str(tmp_path)])
    out = " ".join(capsys.readouterr().out.split())  # narration is wrapped: compare words
    lam = np.linalg.eigvalsh(closed_form_hessian())
    assert f"Its eigenvalues are {lam[0]:.4f}, {lam[1]:.4f}, {lam[2]:.4f}." in out
    assert f"lr < 2 / lambda = {2 / lam[2]:.4f}" in out
    for factor in (0.95, 1.05):
        assert f"{factor} x 2/lambda) {factor * 2 / lam[2]:.4f}" in out


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=5)


def test_the_summary_is_the_docstrings_first_line():
    assert gd.SUMMARY == gd.__doc__.strip().splitlines()[0]


def test_a_german_run_computes_the_same_numbers_and_speaks_the_course_terms(result, tmp_path, capsys):
    german = gd.run(tmp_path, quick=True, language="de")
    text = capsys.readouterr().out
    for key in ("variants", "learning_rates", "limit_runs", "sgd_schedule", "local_minimum", "noise_floor"):
        assert german[key] == result[key], key  # the same runs, keyed by the same (English) names
    assert np.array_equal(german["curvature"]["hessian"], result["curvature"]["hessian"])
    for term in ("Gradientenabstieg", "Lernrate", "Epoche", "Verlust", "Hesse-Matrix", "lokalen Minimum"):
        assert term in text, term
    with pytest.raises(ValueError, match="gradient_descent: language must be one of 'en', 'de', not 'fr'"):
        gd.run(tmp_path, quick=True, language="fr")
