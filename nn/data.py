"""Going through a data set in batches (section 8 of the lecture notes), and the logic-gate data sets.

    batch_size=None   batch gradient descent: one batch with all samples per epoch
    batch_size=1      stochastic gradient descent: one sample per step
    batch_size=s      mini-batch gradient descent: batches of s samples

With shuffle=True the order is new in every epoch; pass the same
`random.Random` to every epoch (not the same int seed, which would repeat
one order) to get a reproducible sequence of different orders.
"""

from __future__ import annotations

import numbers
import random

__all__ = ["batches", "truth_table", "make_rng", "as_rows"]


def make_rng(rng):
    """A random generator from None (Python's global `random`), an int seed or a `random.Random`."""
    if rng is None:
        return random
    if isinstance(rng, bool):
        raise TypeError("rng must be an int seed or a random.Random, not a bool")
    if isinstance(rng, numbers.Integral):
        return random.Random(int(rng))
    if all(hasattr(rng, name) for name in ("uniform", "gauss", "shuffle")):
        return rng
    raise TypeError(f"rng must be None, an int seed or a random.Random, not {type(rng).__name__}")


def as_rows(data, name: str = "data", who: str = "as_rows") -> list:
    """A data set as a list of its rows (samples): a NumPy array becomes rows of plain floats.

        >>> import numpy as np
        >>> as_rows(np.array([[0, 1], [1, 0]]))
        [[0, 1], [1, 0]]

    Anything iterable works (a list, tuple, generator); anything else raises a
    `TypeError` that names the function `who` and the argument `name`.
    `batches`, `train` and `Perceptron.fit` read their X and y with it.
    """
    if hasattr(data, "tolist"):  # NumPy array: rows of plain floats
        data = data.tolist()
    try:
        return list(data)
    except TypeError:
        raise TypeError(
            f"{who}: {name} must be a sequence (list, tuple, NumPy array), not {type(data).__name__}"
        ) from None


def batches(X, y, batch_size=None, shuffle=True, rng=None):
    """An iterator of (X_batch, y_batch) pairs of lists covering the data set once (one epoch).

    The last batch is smaller when batch_size does not divide the number of
    samples. `rng`: None (Python's global `random`), an int seed or a `random.Random`.
    """
    X, y = as_rows(X, "X", "batches"), as_rows(y, "y", "batches")
    if len(X) != len(y):
        raise ValueError(f"batches: {len(X)} inputs but {len(y)} targets")
    if not X:
        raise ValueError("batches: empty data set")
    n = len(X)
    if batch_size is None:
        batch_size = n
    elif isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be None or a positive whole number, got {batch_size!r}")
    order = list(range(n))
    if shuffle:
        make_rng(rng).shuffle(order)
    return _batch_iterator(X, y, order, batch_size)  # checked above, now, not at the first next()


def _batch_iterator(X: list, y: list, order: list[int], batch_size: int):
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]


def truth_table(gate: str) -> tuple[list[list[float]], list[int]]:
    """The four inputs [0, 0], [0, 1], [1, 0], [1, 1] and the outputs of "and", "or" or "xor"."""
    gates = {"and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b}
    try:
        rule = gates[gate.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"truth_table: unknown gate {gate!r}; valid: and, or, xor") from None
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    return [[float(a), float(b)] for a, b in inputs], [rule(a, b) for a, b in inputs]
