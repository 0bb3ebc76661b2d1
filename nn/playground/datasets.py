"""The playground's data sets: points in the square [-6, 6]^2 with 2 or 3 classes.

Each generator draws `n` points of `classes` groups (as equal in size as n
allows) with a NumPy `Generator`, and returns (X, y): X of shape (n, 2),
y the class of each point (0, 1 or 2). `noise` in [0, 0.5] makes the task
harder as in TensorFlow Playground: for xor and circles the label is read
at a jittered copy of the point (labels near a border flip), for spiral and
moons the points themselves are jittered, for blobs the spread grows.

    >>> import numpy as np
    >>> X, y = make_dataset("xor", 8, noise=0.0, classes=2, rng=np.random.default_rng(0))
    >>> X.shape, sorted(set(y.tolist()))
    ((8, 2), [0, 1])
"""

from __future__ import annotations

import math

import numpy as np

from autograd.core import checks

__all__ = ["DATASETS", "make_dataset", "split", "EXTENT"]

EXTENT = 6.0
"""Points and heat maps cover [-EXTENT, EXTENT] in both coordinates."""


def _groups(n: int, classes: int) -> np.ndarray:
    """The group of each of n points: 0, 1, ... in turn sizes as equal as possible (n=5, k=2: 0 0 0 1 1)."""
    return np.repeat(np.arange(classes), [n // classes + (c < n % classes) for c in range(classes)])


def xor(n: int, noise: float, classes: int, rng: np.random.Generator):
    """A k x k checkerboard on [-5.3, 5.3]^2: cell (i, j) has class (i + j + 1) mod k.

    For k = 2 this is XOR of the signs: same signs are class 1. Points keep 0.3 away
    from the cell borders; the label is read at the point moved by noise * U(-5, 5).
    """
    half, pad = 5.3, 0.3
    width = 2 * half / classes
    cells = rng.integers(0, classes, size=(n, 2))
    X = -half + cells * width + rng.uniform(pad, width - pad, size=(n, 2))
    moved = X + noise * rng.uniform(-5.0, 5.0, size=(n, 2))
    where = np.clip(np.floor((moved + half) / width), 0, classes - 1).astype(int)
    return X, (where.sum(axis=1) + 1) % classes


def circles(n: int, noise: float, classes: int, rng: np.random.Generator):
    """A disk and rings around the origin (radius 5 split into k bands with gaps between them).

    The label is the band the point falls in after a move by noise * U(-5, 5); the
    inner disk is class 1 for k = 2 (and the outer ring class 0), as the playground draws it.
    """
    radius, gap = 5.0, 1.0
    band = radius / classes
    group = _groups(n, classes)
    low = group * band + np.where(group > 0, gap / 2, 0.0)
    high = (group + 1) * band - np.where(group < classes - 1, gap / 2, 0.0)
    r = rng.uniform(low, high)
    angle = rng.uniform(0.0, 2 * math.pi, size=n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    moved = X + noise * rng.uniform(-radius, radius, size=(n, 2))
    where = np.clip(np.floor(np.hypot(moved[:, 0], moved[:, 1]) / band), 0, classes - 1).astype(int)
    return X, (where + 1) % classes


def spiral(n: int, noise: float, classes: int, rng: np.random.Generator):
    """k arms winding 1.75 turns out to radius 5, arm c turned by 2 pi c / k; jitter noise * U(-1, 1)."""
    group = _groups(n, classes)
    X = np.empty((n, 2))
    for c in range(classes):
        members = np.flatnonzero(group == c)
        t = np.arange(len(members)) / max(len(members), 1)
        angle = 1.75 * t * 2 * math.pi + 2 * math.pi * c / classes
        X[members] = np.column_stack([5 * t * np.sin(angle), 5 * t * np.cos(angle)])
    X += noise * rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, (group + 1) % classes


def moons(n: int, noise: float, classes: int, rng: np.random.Generator):
    """Interleaved half circles (scikit-learn's two moons; a third moon continues the row).

    Moon c is the half circle (c + (-1)^c cos t, (-1)^c sin t + 0.5 (c mod 2)), t in [0, pi],
    scaled to fit [-5, 5]; each point is moved by a normal jitter of standard deviation 0.6 noise.
    """
    group = _groups(n, classes)
    t = rng.uniform(0.0, math.pi, size=n)
    sign = np.where(group % 2 == 0, 1.0, -1.0)
    X = np.column_stack([group + sign * np.cos(t), sign * np.sin(t) + 0.5 * (group % 2)])
    X += rng.normal(0.0, 0.6 * noise, size=(n, 2)) if noise else 0.0
    scale = 10.0 / (classes + 1)
    return (X - [(classes - 1) / 2, 0.25]) * scale, group


def blobs(n: int, noise: float, classes: int, rng: np.random.Generator):
    """Gaussian blobs centred on a circle of radius 2 sqrt 2 (for k = 2 at (2, 2) and (-2, -2), as the
    playground's); the variance grows from 0.5 (noise 0) to 4 (noise 0.5)."""
    group = _groups(n, classes)
    angle = math.pi / 4 + 2 * math.pi * group / classes
    centres = 2 * math.sqrt(2) * np.column_stack([np.cos(angle), np.sin(angle)])
    variance = 0.5 + 7.0 * noise
    return centres + rng.normal(0.0, math.sqrt(variance), size=(n, 2)), (group + 1) % classes


DATASETS = {"xor": xor, "circles": circles, "moons": moons, "spiral": spiral, "blobs": blobs}
"""The data sets by name."""


def make_dataset(name: str, n: int, *, noise: float = 0.0, classes: int = 2, rng=None):
    """(X, y) of data set `name` (one of DATASETS): n points, class labels 0 .. classes - 1.

    noise: 0 to 0.5 (the playground's 0 % to 50 %); rng: a NumPy Generator or an int seed.
    """
    who = "make_dataset"
    checks.choice(name, "name", who, tuple(DATASETS))
    n = checks.whole(n, "n (the number of points)", who, low=1, high=100_000)
    noise = checks.number(noise, "noise", who, low=0.0, high=0.5)
    classes = checks.whole(classes, "classes", who, low=2, high=3)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(None if rng is None else checks.whole(rng, "rng (a seed)", who))
    X, y = DATASETS[name](n, noise, classes, rng)
    return np.clip(X, -EXTENT, EXTENT), np.asarray(y, dtype=int)


def split(n: int, train_percent: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and the test points: a random order, the first train_percent % for training
    (at least one point each side)."""
    order = rng.permutation(n)
    cut = min(max(n * train_percent // 100, 1), n - 1)
    return np.sort(order[:cut]), np.sort(order[cut:])
