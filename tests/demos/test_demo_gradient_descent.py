"""Batch / mini-batch / stochastic gradient descent and three learning rates behave as section 8 says."""

import numpy as np
import pytest
from picture_checks import check_image

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
    assert len(result["images"]) == 2
    for path in result["images"]:
        check_image(path)
