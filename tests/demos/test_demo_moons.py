"""Two moons: the data set is right and MLP(2, [16, 16, 1]) reaches 100 % training accuracy."""

import math

import pytest
from animation_checks import check_animation
from picture_checks import check_image
from screen_checks import check_fits_screen

from autograd import no_grad
from demos import moons
from nn import MLP, hinge, l2_penalty


def test_make_moons_shape_and_reproducibility():
    X, y = moons.make_moons(100, noise=0.1, seed=5)
    assert len(X) == len(y) == 100
    assert sorted(set(y)) == [-1, 1] and y.count(1) == 50
    assert moons.make_moons(100, noise=0.1, seed=5) == (X, y)
    assert moons.make_moons(100, noise=0.1, seed=6) != (X, y)


def test_make_moons_geometry_without_noise():
    X, y = moons.make_moons(40, noise=0.0)
    for (a, b), t in zip(X, y):
        if t == -1:  # upper half circle around (0, 0)
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:  # lower half circle around (1, 0.5)
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_learning_rate_schedule():
    assert moons.learning_rate(0) == 1.0
    assert moons.learning_rate(50) == pytest.approx(0.55)
    assert moons.learning_rate(100) == pytest.approx(0.1)


def test_full_training_reaches_100_percent(tmp_path):
    result = moons.run(tmp_path, quick=True)
    assert result["accuracy"] == 1.0
    assert result["n_params"] == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert result["losses"][-1] < result["losses"][0] / 10
    for path in result["images"]:
        check_image(path)
    movie = result["animation"]  # the boundary forming: 3 states of training
    check_animation(movie, moons.QUICK_FRAMES)
    assert movie["steps"] == [0, 50, 100]
    check_fits_screen(tmp_path / "moons", at_least=3)  # every PNG and GIF, frames included, fits 1920 x 1080


def test_snapshots_are_the_states_of_training():
    X, y = moons.make_moons()
    model, history = moons.train(X, y, steps=12, snapshots_at=[0, 5, 12])
    assert sorted(history["snapshots"]) == [0, 5, 12]
    assert history["snapshots"][12] == [p.data for p in model.parameters()]  # the trained parameters
    fresh = MLP(2, moons.HIDDEN + [1], activation="relu", rng=moons.SEED)
    assert history["snapshots"][0] == [p.data for p in fresh.parameters()]
    for p, value in zip(fresh.parameters(), history["snapshots"][5]):
        p.data = value
    with no_grad():  # the parameters before step 5 give the loss recorded at step 5
        scores = [fresh(x) for x in X]
        loss = hinge(scores, y) + l2_penalty(fresh.parameters(), moons.L2)
    assert loss.data == pytest.approx(history["loss"][5], rel=1e-12)
