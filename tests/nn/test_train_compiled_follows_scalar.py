"""train(..., compiled=True) where the user's code changes the Values between epochs, where the loss uses
leaves the optimizer does not train, and where a loss (or the model) makes a Value anew in every call.
The reference each time: `train(..., compiled=False)` on an identical model, the same History to 1e-9
and the same numbers in `.data` and `.grad`.
"""

import random

import numpy as np
import pytest

from autograd import StaleGraphError, Value
from nn import MLP, SGD, Adam, l2_penalty, train
from nn import compiled as compiled_module
from nn.layers import Module

REL = 1e-9


@pytest.fixture(autouse=True)
def _no_kept_program():
    compiled_module._last.clear()  # each test traces anew unless it trains one model twice itself
    yield
    compiled_module._last.clear()


def _same_history(h1, h2):
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        a, b = getattr(h1, name), getattr(h2, name)
        assert len(a) == len(b), name
        assert b == pytest.approx(a, rel=REL, abs=1e-12), name


class Scaled(Module):
    """A one-output network times a gain `scale` that the optimizer does not train (annealed by hand)."""

    def __init__(self):
        self.net = MLP(2, [4, 1], activation="tanh", rng=3)
        self.scale = Value(1.0, label="scale")

    def named_parameters(self):
        return self.net.named_parameters()

    def __call__(self, x):
        return self.net(x) * self.scale


def _regression(n=16, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X.tolist(), (np.sin(2 * X[:, 0]) - X[:, 1]).tolist()


def _on_both_paths(make_model, epochs=4, make_opt=None, on_epoch_of=None, **settings):
    """[(history, model, optimizer)] for compiled=False, then True, each on a fresh identical model;
    `on_epoch_of(model)` gives the run's on_epoch."""
    X, y = _regression()
    runs = []
    for compiled in (False, True):
        compiled_module._last.clear()
        model = make_model()
        opt = (make_opt or (lambda m: Adam(m.parameters(), lr=0.05)))(model)
        defaults = dict(epochs=epochs, batch_size=5, rng=random.Random(7), progress=False, val=_regression(6, 1))
        if on_epoch_of is not None:
            defaults["on_epoch"] = on_epoch_of(model)
        history = train(model, X, y, optimizer=opt, compiled=compiled, **{**defaults, **settings})
        runs.append((history, model, opt))
    return runs


def test_a_leaf_nobody_trains_changed_by_on_epoch_is_used_from_the_next_epoch():
    """/tmp/rev/anneal.py's case: the compiled path kept its own copy of `scale` (w 0.571 against 6.9)."""

    def anneal(model):
        def on_epoch(epoch, history):
            model.scale.data = 1.0 + epoch  # the model is net(x) * (1 + epoch) from epoch 2 on

        return on_epoch

    (h1, m1, o1), (h2, m2, o2) = _on_both_paths(Scaled, on_epoch_of=anneal)
    _same_history(h1, h2)
    assert [p.data for p in m2.parameters()] == pytest.approx([p.data for p in m1.parameters()], rel=REL)
    assert m1.scale.data == m2.scale.data == 5.0  # on_epoch of the last epoch ran too
    assert o1.steps == o2.steps == 16
    unannealed = _on_both_paths(Scaled)[0][0]  # the test can fail: annealing changes the History
    assert unannealed.loss[1:] != pytest.approx(h1.loss[1:], rel=1e-3)


def test_a_trained_weight_clipped_by_on_epoch_goes_on_from_the_clipped_number():
    """The optimizer's state (Adam's moments) stays, as on the scalar path; only the numbers are read."""

    def clip(model):
        def on_epoch(epoch, history):
            for p in model.parameters():
                p.data = max(-0.2, min(0.2, p.data))
            model.scale.data = 0.5  # and a leaf nobody trains in the same epoch

        return on_epoch

    (h1, m1, o1), (h2, m2, o2) = _on_both_paths(Scaled, on_epoch_of=clip)
    _same_history(h1, h2)
    assert [p.data for p in m2.parameters()] == pytest.approx([p.data for p in m1.parameters()], rel=REL)
    assert [p.grad for p in m2.parameters()] == pytest.approx([p.grad for p in m1.parameters()], rel=1e-7)
    assert all(abs(p.data) <= 0.2 for p in m1.parameters())  # on_epoch ran last
    unclipped = _on_both_paths(Scaled)[0][0]
    assert unclipped.loss[1:] != pytest.approx(h1.loss[1:], rel=1e-3)  # clipping did change the training


def test_an_unrelated_assignment_between_epochs_changes_nothing():
    other = Value(1.0)

    def touch(epoch, history):
        other.data = float(epoch)  # a Value outside the model: theta is read again, to the same numbers

    (h1, m1, _), (h2, m2, _) = _on_both_paths(Scaled, on_epoch_of=lambda model: touch)
    _same_history(h1, h2)
    assert [p.data for p in m2.parameters()] == pytest.approx([p.data for p in m1.parameters()], rel=REL)


class Gained(Module):
    """w * x + b, times a gain computed from a leaf `f` that the optimizer does not train."""

    def __init__(self, kept: bool):
        self.w, self.b = Value(0.3, label="w"), Value(-0.1, label="b")
        self.f = Value(0.8, label="f")
        self.kept = kept
        self.gain = self.f * 2.0 if kept else None  # kept: computed once (the same number at every step)

    def named_parameters(self):
        return [("w", self.w), ("b", self.b)]

    def __call__(self, x):
        gain = self.gain if self.kept else self.f * 2.0
        return (self.w * x[0] + self.b + x[1]) * gain


@pytest.mark.parametrize("kept", [False, True], ids=["in the forward pass", "kept from __init__"])
def test_the_grad_of_a_leaf_nobody_trains_adds_up_every_step_as_on_the_scalar_path(kept):
    """The scalar path's optimizer zeroes only its own parameters' .grad; f's adds up every step's gradient
    (from what it held before, over several train calls); the compiled path used to leave the last batch's."""
    X, y = _regression()
    seen = []
    for compiled in (False, True):
        compiled_module._last.clear()
        model = Gained(kept)
        model.f.grad = 0.25  # held before training: added to, as backward() adds
        opt = SGD(model.parameters(), lr=0.05, momentum=0.5)
        grads = []
        for _ in range(3):  # the second and third calls reuse the compiled program
            train(model, X, y, optimizer=opt, epochs=2, batch_size=4, shuffle=False, progress=False,
                  compiled=compiled)  # fmt: skip
            grads.append((model.f.grad, model.w.grad, model.b.grad))
        seen.append((grads, model.w.data, model.b.data))
    (g1, w1, b1), (g2, w2, b2) = seen
    assert [w2, b2] == pytest.approx([w1, b1], rel=REL)
    for scalar, compiled in zip(g1, g2):
        assert compiled == pytest.approx(scalar, rel=1e-9, abs=1e-12)
    assert g1[0][0] != g1[1][0] != g1[2][0]  # f's goes on adding up from call to call


def test_every_leaf_trained_leaves_the_last_batch_gradient():
    """The usual case, nothing added up: .grad is the last batch's gradient on both paths."""
    (h1, m1, _), (h2, m2, _) = _on_both_paths(lambda: MLP(2, [3, 1], rng=1), epochs=2)
    _same_history(h1, h2)
    assert [p.grad for p in m2.parameters()] == pytest.approx([p.grad for p in m1.parameters()], rel=1e-7)


def _summed_loss(preds, targets):
    """The mean squared error written by hand, its sum started from a Value(0.0) made in every call."""
    return sum(((p - t) ** 2 for p, t in zip(preds, targets)), Value(0.0)) * (1.0 / len(preds))


class Doubled(Module):
    """An MLP whose output is multiplied by a Value(2.0) made anew in every forward pass: a constant."""

    def __init__(self):
        self.net = MLP(2, [3, 1], rng=4)

    def named_parameters(self):
        return self.net.named_parameters()

    def __call__(self, x):
        return self.net(x) * Value(2.0)


@pytest.mark.parametrize("make_model", [lambda: MLP(2, [3, 1], rng=0), Doubled], ids=["MLP", "Value(2.0) inside"])
def test_a_value_made_anew_in_every_call_is_no_stray_leaf_of_the_penalty(make_model):
    """The penalty check blamed the loss's fresh Value(0.0) (or the model's Value(2.0)) on the penalty."""
    (h1, m1, _), (h2, m2, _) = _on_both_paths(
        make_model, epochs=3, loss=_summed_loss, penalty=lambda m: l2_penalty(m, 1e-3), val=None,
        make_opt=lambda m: SGD(m.parameters(), lr=0.1),
    )  # fmt: skip
    _same_history(h1, h2)
    assert [p.data for p in m2.parameters()] == pytest.approx([p.data for p in m1.parameters()], rel=REL)


def test_a_penalty_of_a_value_the_model_does_not_have_is_still_refused():
    stray = Value(0.5, label="stray")  # one Value, the same in every call: trained by nobody
    model = MLP(2, [3, 1], rng=0)
    X, y = _regression()
    with pytest.raises(ValueError, match=r"the penalty uses Values the model does not \(.*'stray'"):
        train(model, X, y, loss=_summed_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
              penalty=lambda m: l2_penalty(m, 1e-3) + stray * stray, progress=False, compiled=True)  # fmt: skip


def test_a_kept_node_whose_untrained_leaf_on_epoch_changes_is_refused_on_both_paths_at_the_same_step():
    """Gained(kept=True)'s gain = f * 2.0 was computed from f's old number: the scalar path's next backward
    refuses it; the compiled path's next step too (it read f's new number into theta, the kept node it
    cannot follow), after the same updates."""
    X, y = _regression()
    ends = []
    for compiled in (False, True):
        compiled_module._last.clear()
        model = Gained(kept=True)

        def anneal(epoch, history, model=model):
            model.f.data = 0.5

        with pytest.raises(StaleGraphError, match=r"leaf 0\.5 \(node 'f'\)"):
            train(model, X, y, optimizer=SGD(model.parameters(), lr=0.05), epochs=3, batch_size=4, shuffle=False,
                  on_epoch=anneal, progress=False, compiled=compiled)  # fmt: skip
        ends.append((model.w.data, model.b.data))
    assert ends[1] == pytest.approx(ends[0], rel=REL)
    assert ends[0][0] != 0.3  # the first epoch trained
