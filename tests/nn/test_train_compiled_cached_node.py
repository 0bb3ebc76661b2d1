"""train(..., compiled=True) and a node the model computed once, before its forward pass, from a parameter.

The scalar path trains one step with such a node and refuses it at the second (StaleGraphError: the
update gave the parameter new data after the node was computed from it); the compiled program would
compute the node again from the trained parameters at every step, another model. So the first compiled
call refuses it before any update. A model that computes the node again whenever its parameter changed
(a memo) trains on the scalar path, but holds state the program does not follow: it is refused too, by
a message that says so. The references: the scalar path's behaviour, measured here, and for a model
that computes the same node inside its forward pass, the scalar History (to 1e-9).
"""

import math
import random

import numpy as np
import pytest

from autograd import StaleGraphError, TraceError, Value
from nn import MLP, SGD, Adam, train
from nn import compiled as compiled_module
from nn.layers import Module

REL = 1e-9


class Gained(Module):
    """An MLP whose outputs are scaled by a gain tanh(2 s), s trained with the network; `kept=True` computes
    the gain once, in __init__ (the gap), `kept=False` in every forward pass (the fix the message asks)."""

    def __init__(self, kept: bool):
        self.net = MLP(3, [4, 2], activation="tanh", rng=0)
        self.s = Value(0.7, label="s")
        self.kept = kept
        if kept:
            self.gain = (self.s * 2.0).tanh()
            self.gain.label = "gain"

    def named_parameters(self):
        return [*(("net." + name, p) for name, p in self.net.named_parameters()), ("s", self.s)]

    def __call__(self, x):
        gain = self.gain if self.kept else (self.s * 2.0).tanh()
        return [out * gain for out in self.net(x)]


def _data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 3)).tolist(), rng.integers(0, 2, n).tolist()


def _train(model, compiled, opt=None, epochs=2, **settings):
    X, y = _data()
    opt = opt or SGD(model.parameters(), lr=0.2)
    defaults = dict(loss="cross_entropy", epochs=epochs, batch_size=4, rng=random.Random(1), progress=False)
    return train(model, X, y, optimizer=opt, compiled=compiled, **{**defaults, **settings})


@pytest.fixture(autouse=True)
def _no_kept_program():
    compiled_module._last.clear()  # each test traces anew (a kept program is the reuse tests' subject)
    yield
    compiled_module._last.clear()


def test_the_scalar_path_trains_one_step_then_refuses_the_kept_node():
    """What the refusal's message says of the scalar path, observed on it."""
    model = Gained(kept=True)
    before = [p.data for p in model.parameters()]
    with pytest.raises(StaleGraphError, match="got new data"):
        _train(model, compiled=False)
    assert [p.data for p in model.parameters()] != before  # the first step did update


def test_the_first_compiled_call_refuses_before_training_anything():
    model = Gained(kept=True)
    opt = Adam(model.parameters(), lr=0.05)
    before = [(p.data, p.grad) for p in model.parameters()]
    with pytest.raises(TraceError) as refused:
        _train(model, compiled=True, opt=opt, val=_data(5, seed=1))
    assert [(p.data, p.grad) for p in model.parameters()] == before  # no weight, no gradient changed
    assert opt.steps == 0
    message = str(refused.value)
    gain = model.gain
    for part in (
        "train(compiled=True)",
        f"{gain.data!r} (node 'gain')",  # the node: value and label
        "(the model's attribute 'gain')",
        "'tanh'",  # its operation
        f"'s' ({model.s.data!r})",  # the parameter training changes
        "before this forward pass",
        "compiled=False",
        "second step",
        "StaleGraphError",
        "inside the forward pass",
        "Nothing was trained",
    ):
        assert part in message, part
    assert "more such" not in message  # s * 2.0 is kept too, but only gain uses it


def test_the_refusal_names_an_unlabelled_node_by_value_and_operation():
    w = Value(1.5)
    c, d = w * 2.0, w + 1.0

    def model(x):
        return x[0] * c + x[1] * w + d

    expected = r"node 3\.0, the result of '\*', that .* itself \(and 1 more such node\): .*parameter 1\.5"
    with pytest.raises(TraceError, match=expected):
        train(model, [[1.0, 2.0], [0.5, -1.0]], [1.0, 0.0], optimizer=SGD([w], lr=0.1), epochs=1, progress=False,
              compiled=True)  # fmt: skip
    assert w.data == 1.5 and w.grad == 0.0


def test_refused_again_by_a_reused_program():
    """The refused call's program is kept for the model's next call; that call's first gradient refuses too."""
    model = Gained(kept=True)
    opt = SGD(model.parameters(), lr=0.2)
    before = [p.data for p in model.parameters()]
    for _ in range(2):
        with pytest.raises(TraceError, match="did not compute itself"):
            _train(model, compiled=True, opt=opt)
    assert [p.data for p in model.parameters()] == before


def test_the_node_computed_in_the_forward_pass_trains_as_on_the_scalar_path():
    runs = []
    for compiled in (False, True):
        model = Gained(kept=False)
        opt = SGD(model.parameters(), lr=0.2)
        history = _train(model, compiled, opt=opt, epochs=3, val=_data(5, seed=1))
        runs.append((history, [p.data for p in model.parameters()], opt.steps))
    (h1, p1, steps1), (h2, p2, steps2) = runs
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(getattr(h1, name)) == 3
        assert getattr(h2, name) == pytest.approx(getattr(h1, name), rel=REL, abs=1e-12), name
    assert p2 == pytest.approx(p1, rel=REL, abs=1e-12)
    assert p1[-1] != 0.7  # s itself was trained
    assert steps1 == steps2 == 9


class Lazy(Module):
    """The gain computed in the first forward pass and kept for the later ones."""

    def __init__(self):
        self.w = Value(1.0, label="w")
        self.c = None

    def named_parameters(self):
        return [("w", self.w)]

    def __call__(self, x):
        if self.c is None:
            self.c = self.w * 2.0
        return x[0] * self.c


@pytest.mark.parametrize("compiled", [False, True])
def test_a_node_kept_from_the_first_forward_pass_is_refused_too(compiled):
    """The scalar path refuses it at its second step; the compiled path before its first update (it had
    trained w not at all before: its first forward pass, counting the outputs, made c under no_grad(), a
    constant leaf, and the History differed from the scalar one without a word)."""
    model = Lazy()
    X, y = [[1.0], [2.0]], [1.0, 2.0]
    expected = (TraceError, "did not compute itself") if compiled else (StaleGraphError, "got new data")
    with pytest.raises(expected[0], match=expected[1]):
        train(model, X, y, optimizer=SGD([model.w], lr=0.1), epochs=3, batch_size=1, shuffle=False, progress=False,
              compiled=compiled)  # fmt: skip
    assert model.w.data == (1.0 if compiled else 0.6)  # the scalar path's one step: 1 - 0.1 * d/dw (2w - 1)^2


class Frozen(Module):
    """A kept node computed from a leaf nobody trains: the same number at every step, on both paths."""

    def __init__(self):
        self.w = Value(0.5)
        self.k = Value(3.0)
        self.c = self.k * 2.0

    def named_parameters(self):
        return [("w", self.w)]

    def __call__(self, x):
        return x[0] * self.w * self.c + x[1]


def test_a_kept_node_of_untrained_leaves_trains_on_both_paths_call_after_call():
    """And the compiled call writes back only the trained parameters: k keeps its data untouched, so the
    second call (a reused program) does not find c stale, as the scalar path does not."""
    X, y = [[1.0, 0.2], [0.5, -0.3], [-0.4, 0.1]], [1.0, 0.5, -0.2]
    runs = []
    for compiled in (False, True):
        compiled_module._last.clear()
        model = Frozen()
        opt = SGD(model.parameters(), lr=0.02)
        losses = []
        for _ in range(2):
            losses += train(model, X, y, optimizer=opt, epochs=2, batch_size=1, shuffle=False, progress=False,
                            compiled=compiled).loss  # fmt: skip
        runs.append((losses, model.w.data, model.k.data))
    (l1, w1, k1), (l2, w2, k2) = runs
    assert l2 == pytest.approx(l1, rel=REL, abs=1e-12)
    assert w2 == pytest.approx(w1, rel=REL) and w1 != 0.5
    assert k1 == k2 == 3.0


class Both(Module):
    """One kept node from a leaf nobody trains (harmless) and one from the trained w (refused)."""

    def __init__(self):
        self.w, self.f = Value(0.5, label="w"), Value(2.0, label="f")
        self.a = self.f * 3.0
        self.b = self.w * 2.0

    def named_parameters(self):
        return [("w", self.w)]

    def __call__(self, x):
        return x[0] * self.a * self.b


def test_more_such_nodes_counts_only_the_refused_kind():
    """/tmp/rev/cached.py's "Both": the harmless kept node `a` was counted as '(and 1 more such node)'."""
    model = Both()
    with pytest.raises(TraceError, match=r"uses the node 1\.0 \(the model's attribute 'b'\)") as refused:
        train(model, [[1.0], [2.0]], [1.0, 2.0], optimizer=SGD([model.w], lr=0.01), epochs=1, progress=False,
              compiled=True)  # fmt: skip
    assert "more such" not in str(refused.value)
    assert model.w.data == 0.5


class Memo(Module):
    """A derived weight computed again whenever its parameter changed (memoized on w.data)."""

    def __init__(self):
        self.w = Value(0.1, label="w")
        self._key = None

    def named_parameters(self):
        return [("w", self.w)]

    def derived(self):
        if self._key != self.w.data:
            self._c, self._key = (self.w * 2.0).tanh(), self.w.data
        return self._c

    def __call__(self, x):
        return x[0] * self.derived()


def test_a_model_that_computes_the_node_again_when_its_parameter_changed_is_refused_with_a_true_message():
    """/tmp/rev/memo.py: the scalar path trains it; the message claimed it refuses it. The compiled path
    cannot follow the memo's state (under no_grad(), as in the scalar path's validation, it keeps a constant
    for the next step), so it refuses, saying the scalar path refuses only a model that keeps the node,
    and that this one trains there."""
    X, y = [[1.0], [2.0], [3.0]], [0.5, 1.0, 1.5]
    scalar = Memo()
    train(scalar, X, y, optimizer=SGD([scalar.w], lr=0.05), epochs=5, batch_size=1, shuffle=False, progress=False)
    assert scalar.w.data == pytest.approx(math.atanh(0.5) / 2, rel=1e-4)  # trained to where x tanh(2w) = x / 2

    model = Memo()
    opt = SGD([model.w], lr=0.05)
    with pytest.raises(TraceError) as refused:
        train(model, X, y, optimizer=opt, epochs=5, batch_size=1, shuffle=False, progress=False, compiled=True)
    message = str(refused.value)
    for part in (
        "(the model's attribute '_c')",
        "'tanh'",
        "'w' (0.1)",
        "If the model keeps the node across updates",
        "refuses it at its second step",
        "If the model computes it again whenever the parameters changed, train it with compiled=False",
        "Nothing was trained",
    ):
        assert part in message, part
    assert model.w.data == 0.1 and model.w.grad == 0.0 and opt.steps == 0
