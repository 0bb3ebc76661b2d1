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

from autograd.core import checks

__all__ = ["batches", "truth_table", "make_rng", "as_rows"]


def make_rng(rng, who: str = "make_rng"):
    """A random generator from None (Python's global `random`), an int seed or a `random.Random`.

    `who` is the function named in the error for anything else.
    """
    if rng is None:
        return random
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return random.Random(int(rng))
    if not isinstance(rng, bool) and all(hasattr(rng, name) for name in ("uniform", "gauss", "shuffle")):
        return rng
    raise TypeError(f"{who}: rng must be None, an int seed or a random.Random, not {checks.shown(rng)}")


def as_rows(data, name: str = "data", who: str = "as_rows") -> list:
    """A data set as a list of its rows (samples): a NumPy array becomes rows of plain floats.

        >>> import numpy as np
        >>> as_rows(np.array([[0, 1], [1, 0]]))
        [[0, 1], [1, 0]]

    A list, tuple, generator or NumPy array works; anything else raises a
    `TypeError` that names the function `who` and the argument `name`: None,
    a number, a string (not a list of its characters), a set (no order) or a
    dict. `batches`, `train` and `Perceptron.fit` read their X and y with it.
    """
    if not isinstance(name, str) or not isinstance(who, str):
        raise TypeError(f"as_rows: name and who must be strings, not {checks.shown(name)} and {checks.shown(who)}")
    return checks.ordered(data, name, who, empty=True)


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
    else:
        batch_size = checks.whole(batch_size, "batch_size (None or a positive whole number)", "batches", low=1)
    shuffle = checks.flag(shuffle, "shuffle", "batches")
    order = list(range(n))
    if shuffle:
        make_rng(rng, "batches").shuffle(order)
    return _batch_iterator(X, y, order, batch_size)  # checked above, now, not at the first next()


def _batch_iterator(X: list, y: list, order: list[int], batch_size: int):
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]


def truth_table(gate: str) -> tuple[list[list[float]], list[int]]:
    """The four inputs [0, 0], [0, 1], [1, 0], [1, 1] and the outputs of "and", "or" or "xor"."""
    gates = {"and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b}
    if not isinstance(gate, str):
        raise TypeError(f"truth_table: gate must be one of 'and', 'or', 'xor', not {checks.shown(gate)}")
    try:
        rule = gates[gate.lower()]
    except KeyError:
        raise ValueError(f"truth_table: unknown gate {gate!r}; valid: and, or, xor") from None
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    return [[float(a), float(b)] for a, b in inputs], [rule(a, b) for a, b in inputs]
