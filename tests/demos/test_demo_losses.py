"""The losses demo: the slides' four-class example (lecture notes, section 7) and each loss's gradient, by hand."""

import math

import numpy as np
import pytest
from picture_checks import check_image
from screen_checks import check_fits_screen

from demos import losses

Y_HAT = np.array([0.08, 0.25, 0.42, 0.25])
ONE_HOT = np.array([0.0, 1.0, 0.0, 0.0])


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return losses.run(tmp_path_factory.mktemp("out"), quick=True)


def test_the_slides_numbers(result):
    assert losses.Y_HAT == Y_HAT.tolist() and losses.Y == 1
    assert result["predicted"] == 2 and result["accuracy"] == 0.0
    assert round(result["losses"]["cross-entropy (probabilities)"][0], 4) == 1.3863
    assert round(result["losses"]["cross-entropy (logits)"][0], 4) == 1.3863
    assert round(result["losses"]["squared error L2"][0], 4) == 0.8078


def expected_losses():
    """Each loss and its gradient with respect to the outputs (logits for the logit form), by hand with NumPy."""
    n = len(Y_HAT)
    d = Y_HAT - ONE_HOT
    bce = -np.mean(ONE_HOT * np.log(Y_HAT) + (1 - ONE_HOT) * np.log(1 - Y_HAT))
    bce_grad = (-(ONE_HOT / Y_HAT) + (1 - ONE_HOT) / (1 - Y_HAT)) / n
    s = 2 * ONE_HOT - 1
    margins = 1 - s * Y_HAT  # all positive here, so every term is active
    return {
        "cross-entropy (probabilities)": (-math.log(0.25), [0, -1 / 0.25, 0, 0]),
        "cross-entropy (logits)": (-math.log(0.25), d),  # softmax(log y_hat) - one-hot
        "squared error L2": (np.sum(d**2), 2 * d),
        "MSE": (np.mean(d**2), 2 * d / n),
        "MSE, the slides' half form": (np.sum(d**2) / (2 * n), d / n),
        "L1": (np.sum(np.abs(d)), np.sign(d)),
        "binary cross-entropy": (bce, bce_grad),
        "hinge (max-margin)": (np.mean(np.maximum(0, margins)), -s / n),
    }


def test_every_loss_and_its_gradient(result):
    expected = expected_losses()
    assert set(result["losses"]) == set(expected)
    for name, (loss, grad) in expected.items():
        got_loss, got_grad = result["losses"][name]
        assert got_loss == pytest.approx(float(loss), rel=1e-12), name
        assert got_grad == pytest.approx(list(map(float, grad)), rel=1e-12, abs=1e-15), name


def test_probabilities_against_logits(result):
    moderate = result["moderate_logits"]
    assert moderate["probabilities"] == pytest.approx(-math.log(0.25), rel=1e-14)
    assert moderate["logits"] == pytest.approx(-math.log(0.25), rel=1e-14)
    huge = result["huge_logits"]
    assert isinstance(huge["probabilities"], str) and "fails" in huge["probabilities"]
    # logsumexp([1000, -1000, 0, 500]) = 1000 (the others add less than e^-500), minus z_1 = -1000
    assert huge["logits"] == 2000.0


def test_loss_is_smooth_and_accuracy_a_step(result):
    path = result["path"]
    ts = [t for t, *_ in path]
    ce = [row[1] for row in path]
    assert ce == pytest.approx([-math.log(0.25 + t) for t in ts], rel=1e-12)
    assert all(a > b for a, b in zip(ce, ce[1:]))  # falls at every point
    # class 1 overtakes class 2 when 0.25 + t > 0.42 - t, at t = 0.085
    assert [acc for *_, acc in path] == [1.0 if t > 0.085 else 0.0 for t in ts]
    # the full run's grid too: no grid point on the tie, where rounding alone would pick the class
    for steps in (losses.SHIFT_STEPS, losses.QUICK_SHIFT_STEPS):
        full = losses.loss_against_accuracy(steps)
        assert min(abs(t - 0.085) for t, *_ in full) > 1e-6
        assert [acc for *_, acc in full] == [1.0 if t > 0.085 else 0.0 for t, *_ in full]


def test_pictures_and_main(result, tmp_path, capsys):
    assert [p.name for p in result["images"]] == ["gradients.png", "loss_vs_accuracy.png"]
    for path in result["images"]:
        check_image(path)
    losses.main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "1.3863" in out and "0.8078" in out and "argmax y_hat = 2" in out


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=2)


def test_the_table_says_what_each_gradient_is_taken_with_respect_to(tmp_path, capsys):
    losses.run(tmp_path, quick=True)
    rows = {line.split("  ")[1]: line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert "with respect to" in rows["loss"] and "wrt each output" not in " ".join(rows.values())
    assert rows["cross-entropy (logits)"].rstrip().endswith("each logit z_k")
    for name in ("cross-entropy (probabilities)", "squared error L2", "MSE", "L1", "binary cross-entropy"):
        assert rows[name].rstrip().endswith("each output y_hat_k"), name


def test_summary_is_the_first_line_of_the_docstring():
    assert losses.SUMMARY == losses.__doc__.splitlines()[0]


def test_softmax_then_log_says_why_it_fails_in_either_language():
    english = losses.stable_and_naive(losses.HUGE_LOGITS, losses.Y, "en")["probabilities"]
    assert english.startswith("fails: ") and "log(0.0) is undefined" in english  # the engine's own message
    german = losses.stable_and_naive(losses.HUGE_LOGITS, losses.Y, "de")["probabilities"]
    assert german == "scheitert: log(0.0) ist nicht definiert; log braucht eine positive Zahl"


def test_in_german_the_course_terms_and_the_same_numbers(result, tmp_path, capsys):
    german = losses.run(tmp_path, quick=True, language="de")
    out = capsys.readouterr().out
    for term in ("Verlustfunktionen", "Kreuzentropie (aus Wahrscheinlichkeiten)", "quadratischer Fehler L2",
                 "Genauigkeit 0", "jeder Ausgabe y_hat_k", "jedem Logit z_k", "1/n Σ (y_hat - y)^2"):  # fmt: skip
        assert term in out, term
    assert german["losses"] == result["losses"] and german["path"] == result["path"]  # keyed by the English names
