"""What train(..., compiled=True) accepts is what the scalar path accepts, and every refusal is clear.

Data as the scalar path reads it (generators, dict views, a val pair given as a generator) gives the
scalar path's History; bad arguments to the compiled path's public functions get an error naming the
argument, never a message from inside Python or NumPy.
"""

import numpy as np
import pytest

from autograd import Value, trace
from nn import MLP, SGD, accuracy, l1, train

X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
Y = [-1.0, 1.0, 1.0, -1.0]


def _history(X, y, val=None, compiled=True):
    model = MLP(2, [3, 1], rng=0)
    return train(model, X, y, optimizer=SGD(model.parameters(), lr=0.1), epochs=3, val=val, seed=0,
                 progress=False, compiled=compiled, batch_size=2)  # fmt: skip


@pytest.mark.parametrize(
    "make",
    [
        lambda: ((r for r in X), Y, None),
        lambda: (X, (t for t in Y), None),
        lambda: (dict(enumerate(X)).values(), dict(enumerate(Y)).values(), None),
        lambda: (tuple(X), tuple(Y), (p for p in (X, Y))),
        lambda: (np.array(X), Y, (np.array(X), (t for t in Y))),
    ],
    ids=["generator X", "generator y", "dict views", "val a generator", "val's y a generator"],
)
def test_data_the_scalar_path_accepts_trains_compiled_to_its_history(make):
    expected = _history(X, Y, val=(X, Y))
    X_, y_, val = make()
    history = _history(X_, y_, val=val)
    assert history.loss == pytest.approx(expected.loss, rel=1e-9)
    if val is not None:
        assert history.val_loss == pytest.approx(expected.val_loss, rel=1e-9)
    scalar = _history(*[part for part in make()[:2]], val=make()[2], compiled=False)
    assert scalar.loss == pytest.approx(expected.loss, rel=1e-9)


PYTHON_INTERNALS = ("has no len", "truth value of an array", "iteration over a 0-d", "int too large to convert",
                    "could not convert", "unhashable")  # fmt: skip


def _program():
    w = Value(0.5, label="w")
    return trace(lambda x: (w * x).tanh(), Value(0.0)), w


# fmt: off
PROBES = [
    ("train y None", lambda: _history(X, None), TypeError, ["train", "y", "None"]),
    ("train y 3", lambda: _history(X, 3), TypeError, ["train", "y", "3"]),
    ("train y a set", lambda: _history(X, {1.0, -1.0}), TypeError, ["train", "y", "set"]),
    ("train X None", lambda: _history(None, Y), TypeError, ["train", "X", "None"]),
    ("train X 0-d", lambda: _history(np.array(5.0), Y), TypeError, ["train", "X", "single number"]),
    ("train y 0-d", lambda: _history(X, np.array(1.0)), TypeError, ["train", "y", "single number"]),
    ("train X 10**400", lambda: _history([[10**400, 0.0]] + X[1:], Y), ValueError, ["X", "too large for a float"]),
    ("train loss array", lambda: train(MLP(2, [1]), X, Y, loss=np.array(["mse"]), optimizer=SGD([Value(0.0)])),
     TypeError, ["train", "loss", "ndarray"]),
    ("train metrics array", lambda: train(MLP(2, [1]), X, Y, metrics=np.array(["auto"]),
                                          optimizer=SGD([Value(0.0)])), TypeError, ["train", "metrics", "ndarray"]),
    ("l1 reduction array", lambda: l1([Value(1.0)], [0.0], reduction=np.array(["sum"])), TypeError,
     ["l1", "reduction", "ndarray"]),
    ("accuracy labels array", lambda: accuracy([0.1], [1.0], labels=np.array(["01"])), TypeError,
     ["accuracy", "labels", "ndarray"]),
    ("gradient reduction array", lambda: _program()[0].gradient([0.5], [1.0], reduction=np.array(["mean"])),
     TypeError, ["gradient", "reduction", "ndarray"]),
    ("value_and_grad reduction array", lambda: _program()[0].value_and_grad([1.0], reduction=np.array(["sum"])),
     TypeError, ["value_and_grad", "reduction", "ndarray"]),
    ("program argument 0-d", lambda: _program()[0](np.array(3.0)), ValueError, ["argument 0", "shape ()"]),
    ("program argument 10**400", lambda: _program()[0]([1.0, 10**400]), ValueError,
     ["argument 0", "too large for a float"]),
    ("theta 10**400", lambda: _program()[0].evaluate([10**400], [1.0]), ValueError, ["theta", "too large"]),
    ("theta a string", lambda: _program()[0].evaluate("ab", [1.0]), TypeError, ["theta", "str"]),
    ("gradient out wrong", lambda: _program()[0].gradient([0.5], [1.0], out=[0.0]), TypeError, ["out", "list"]),
    ("trace example bytes", lambda: trace(lambda x: x * 2.0, b"ab"), TypeError, ["example argument 0", "bytes"]),
    ("trace example 10**400", lambda: trace(lambda x: x * 2.0, 10**400), ValueError,
     ["example argument 0", "too large for a float"]),
    ("trace example list 10**400", lambda: trace(lambda x: x[0] * 2.0, [1.0, 10**400]), ValueError,
     ["example argument 0[1]", "too large for a float"]),
    ("trace parameters a set", lambda: trace(lambda x: x * 2.0, 1.0, parameters={Value(1.0), Value(2.0)}),
     TypeError, ["trace", "parameters", "a set has no order"]),
    ("trace example 2-d array", lambda: trace(lambda x: x * 2.0, np.zeros((2, 2))), TypeError,
     ["example argument 0", "2 dimensions"]),
]
# fmt: on


@pytest.mark.parametrize("name, call, kind, words", PROBES, ids=[p[0] for p in PROBES])
def test_the_compiled_path_refuses_clearly(name, call, kind, words):
    with pytest.raises(kind) as info:
        call()
    text = str(info.value)
    for word in words:
        assert word in text, (name, text)
    for internal in PYTHON_INTERNALS:
        assert internal not in text, (name, text)


# ---- accuracy on arrays: the same counting as on lists ------------------------------------------------------


@pytest.mark.parametrize(
    "preds, targets, kwargs",
    [
        ([0.3, -2.0, 1.0, -0.1], [1, -1, -1, -1], {}),
        ([0.7, 0.4, 0.5, 0.51], [1, 0, 1, 0], {}),
        ([0.2, -0.1, 0.0], [1, 0, 1], {"threshold": 0.0}),
        ([0.3, 0.9, -0.2], [1, 1, 1], {"labels": "pm1"}),
        ([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.5, 0.5, 0.0]], [1, 2, 2, 0], {}),
        ([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.4, 0.4, 0.2]], [[0, 1, 0], [0, 0, 1], [0, 1, 0]], {}),
    ],
    ids=["pm1 auto", "01 auto", "threshold", "pm1 chosen", "class indices (a tie)", "one-hot rows"],
)
def test_accuracy_on_arrays_counts_as_on_lists(preds, targets, kwargs):
    on_lists = accuracy(preds, targets, **kwargs)
    on_arrays = accuracy(np.array(preds, dtype=float), np.array(targets, dtype=float), **kwargs)
    assert on_arrays == on_lists and type(on_arrays) is float
    hits = 0  # by hand: the rule the docstring states
    for p, t in zip(preds, targets):
        if isinstance(p, list):
            truth = t if not isinstance(t, list) else t.index(max(t))
            hits += p.index(max(p)) == truth
        else:
            signed = kwargs.get("labels") == "pm1" or (kwargs.get("labels") is None and min(targets) < 0)
            cut = kwargs.get("threshold", 0.0 if signed else 0.5)
            hits += (p > cut) == (t > (0.0 if signed else 0.5))
    assert on_lists == hits / len(preds)


def test_accuracy_on_arrays_refuses_as_on_lists():
    with pytest.raises(ValueError, match=r"accuracy: target 1 must be a class index in 0\.\.2"):
        accuracy(np.zeros((2, 3)), np.array([0.0, 3.0]))
    with pytest.raises(ValueError, match=r"accuracy: target 0 is 2\.0; with labels='pm1'"):
        accuracy(np.zeros(2), np.array([2.0, 1.0]), labels="pm1")
