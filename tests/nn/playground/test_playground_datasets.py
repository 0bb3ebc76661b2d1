"""The playground's data sets follow their rules (checked here from the points, not from the generators)."""

import numpy as np
import pytest

from nn.playground import DATASETS, EXTENT, make_dataset
from nn.playground.datasets import split


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("classes", [2, 3])
def test_shapes_classes_and_extent(name, classes):
    X, y = make_dataset(name, 61, noise=0.3, classes=classes, rng=np.random.default_rng(0))
    assert X.shape == (61, 2) and y.shape == (61,)
    assert set(y.tolist()) == set(range(classes))
    assert np.all(np.abs(X) <= EXTENT)
    again = make_dataset(name, 61, noise=0.3, classes=classes, rng=np.random.default_rng(0))
    assert np.array_equal(X, again[0]) and np.array_equal(y, again[1])


def test_xor_without_noise_is_the_sign_rule():
    X, y = make_dataset("xor", 300, rng=1)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    assert np.all(np.abs(X) >= 0.3)  # kept away from the axes


def test_circles_without_noise_inner_disk_is_class_1():
    X, y = make_dataset("circles", 300, rng=2)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all(r[y == 1] <= 2.0) and np.all(r[y == 0] >= 3.0)


def test_blobs_centres():
    X, y = make_dataset("blobs", 4000, rng=3)
    assert np.allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.1)
    assert np.allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.1)
    assert np.allclose(X[y == 1].var(axis=0), 0.5, atol=0.06)


def test_spiral_arms_are_point_symmetric():
    X, y = make_dataset("spiral", 200, rng=4)
    assert np.allclose(X[y == 1], -X[y == 0])  # arm 2 is arm 1 turned by pi
    assert np.max(np.hypot(X[:, 0], X[:, 1])) < 5.0


def test_moons_interleave():
    X, y = make_dataset("moons", 400, rng=5)
    upper, lower = X[y == 0], X[y == 1]
    assert upper[:, 1].mean() > lower[:, 1].mean() and upper[:, 0].mean() < lower[:, 0].mean()


def test_noise_flips_labels_near_borders():
    X, y = make_dataset("xor", 2000, noise=0.5, rng=6)
    wrong = np.mean(y != (X[:, 0] * X[:, 1] > 0))
    assert 0.1 < wrong < 0.5


def test_split():
    train, test = split(10, 50, np.random.default_rng(0))
    assert len(train) == 5 and sorted([*train, *test]) == list(range(10))
    assert len(split(10, 1, np.random.default_rng(0))[0]) == 1  # never an empty side


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(name="square"), ValueError, "name"),
        (dict(name=3), TypeError, "name"),
        (dict(n=0), ValueError, "n "),
        (dict(noise=0.9), ValueError, "noise"),
        (dict(classes=4), ValueError, "classes"),
        (dict(rng="x"), TypeError, "rng"),
    ],
)
def test_bad_arguments(kwargs, error, words):
    arguments = dict(name="xor", n=10) | kwargs
    name, n = arguments.pop("name"), arguments.pop("n")
    with pytest.raises(error, match=words):
        make_dataset(name, n, **arguments)
