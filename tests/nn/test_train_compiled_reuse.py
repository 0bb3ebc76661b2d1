"""train(..., compiled=True) called again on the same model reuses its last program (the playground
trains one epoch per frame), and only when the function records the very same graph.

The references: the scalar path's History (to 1e-9, as for every compiled run), a new trace for
every call, and the structure guard's refusal of a sample that takes another branch.
"""

import random

import numpy as np
import pytest

from autograd import TraceError, Value
from nn import MLP, SGD, l2_penalty, train
from nn import compiled as compiled_module

REL = 1e-9


def _data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 3)).tolist(), rng.integers(0, 2, n).tolist()


@pytest.fixture
def traces(monkeypatch):
    """The number of new traces train(compiled=True) makes."""
    made = []
    real = compiled_module.trace

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(compiled_module, "trace", counting)
    compiled_module._last.clear()
    return made


def _epochs_one_call_at_a_time(compiled, calls, penalty=None):
    model = MLP(3, [5, 2], activation="tanh", rng=0)
    opt, rng = SGD(model.parameters(), lr=0.2), random.Random(1)
    X, y = _data()
    losses = []
    for _ in range(calls):
        history = train(model, X, y, loss="cross_entropy", optimizer=opt, epochs=1, batch_size=5, rng=rng,
                        metrics=None, progress=False, penalty=penalty, compiled=compiled)  # fmt: skip
        losses += history.loss
    return losses, [p.data for p in model.parameters()]


def test_a_second_call_on_the_same_model_reuses_the_program_and_gives_the_scalar_history(traces):
    scalar = _epochs_one_call_at_a_time(False, 4)
    compiled = _epochs_one_call_at_a_time(True, 4)
    assert len(traces) == 1  # traced once, reused three times
    assert compiled[0] == pytest.approx(scalar[0], rel=REL, abs=1e-12)
    assert compiled[1] == pytest.approx(scalar[1], rel=REL, abs=1e-12)


def test_a_penalty_made_anew_for_every_call_is_the_same_graph(traces):
    def penalty(model):
        return l2_penalty(model, 1e-3)

    scalar = _epochs_one_call_at_a_time(False, 3, penalty=penalty)
    compiled = _epochs_one_call_at_a_time(True, 3, penalty=penalty)
    assert len(traces) == 1
    assert compiled[0] == pytest.approx(scalar[0], rel=REL, abs=1e-12)


def test_another_model_loss_or_parameter_is_traced_anew(traces):
    X, y = _data()
    model = MLP(3, [5, 2], activation="tanh", rng=0)
    settings = dict(epochs=1, batch_size=5, metrics=None, progress=False, compiled=True)
    train(model, X, y, loss="cross_entropy", optimizer=SGD(model.parameters(), lr=0.1), **settings)
    train(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), **settings)  # another loss
    other = MLP(3, [5, 2], activation="tanh", rng=0)
    train(other, X, y, loss="mse", optimizer=SGD(other.parameters(), lr=0.1), **settings)  # another model
    neuron = model.layers[0].neurons[0]
    neuron.w[0] = Value(0.5)  # the same structure, a parameter replaced
    train(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), **settings)
    assert len(traces) == 4


def test_a_reused_program_checks_the_new_datas_samples_as_a_first_call(traces):
    """The program of positive inputs, reused for data whose first sample is positive (the same graph)
    but whose others are not: the first call of the new train traces its samples again and refuses."""
    w = Value(0.5)

    def model(x):
        return w * x[0] if float(x[0]) > 0 else w * 0.0

    settings = dict(loss="mse", epochs=1, batch_size=4, shuffle=False, metrics=None, progress=False, compiled=True)
    train(model, [[1.0], [2.0], [3.0], [4.0]], [1.0, 1.0, 1.0, 1.0], optimizer=SGD([w], lr=0.1), **settings)
    with pytest.raises(TraceError, match="different graph"):
        train(model, [[1.0], [-2.0], [-3.0], [-4.0]], [1.0, 1.0, 1.0, 1.0], optimizer=SGD([w], lr=0.1), **settings)
    assert len(traces) == 1  # the second call did reuse the program: its guard found the other branch


def test_the_kept_program_does_not_keep_its_model_alive():
    import gc
    import weakref

    compiled_module._last.clear()
    model = MLP(3, [4, 2], activation="tanh", rng=0)
    X, y = _data()
    train(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=1, batch_size=6,
          metrics=None, progress=False, compiled=True)  # fmt: skip
    assert compiled_module._last  # kept for the next call
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None and not compiled_module._last


def test_a_reused_program_refuses_a_model_whose_cached_graph_went_stale(traces):
    """A node the model built once from a parameter is stale once the parameter gets new data: a call that
    reuses the program refuses it, as the scalar path and a new trace do (it trained silently on the reused
    program, while the model's own forward pass kept the old number). The first call refuses such a node
    itself, before training (test_train_compiled_cached_node.py); here the parameter is assigned by hand."""
    from autograd import StaleGraphError
    from nn.layers import Module

    class Cached(Module):
        def __init__(self):
            self.w = Value(1.0)
            self.c = self.w * 2.0  # built once, from w's data of now

        def named_parameters(self):
            return [("w", self.w)]

        def __call__(self, x):
            return x[0] * self.c

    model = Cached()
    opt = SGD(model.parameters(), lr=0.1)
    X, y = [[1.0], [2.0]], [1.0, 2.0]
    with pytest.raises(TraceError, match="did not compute itself"):
        train(model, X, y, optimizer=opt, epochs=1, compiled=True, progress=False)
    model.w.data = 1.5  # c was computed from w's old data
    with pytest.raises(StaleGraphError, match="got new data"):
        train(model, X, y, optimizer=opt, epochs=1, compiled=True, progress=False)
    assert len(traces) == 1  # the refusal came from the kept program's reuse
    with pytest.raises(StaleGraphError):
        train(model, X, y, optimizer=opt, epochs=1, compiled=False, progress=False)
