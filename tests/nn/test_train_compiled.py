"""train(..., compiled=True) against the scalar loop: the same History, parameters and optimizer state.

The reference is `train(..., compiled=False)` on an identical model (same
seed) and the same batches; the optimizer's update on the compiled path's
vector is checked step by step against its own `step()` on the Values.
"""

import random

import numpy as np
import pytest

from nn import (
    MLP,
    SGD,
    Adagrad,
    Adam,
    Optimizer,
    RMSProp,
    accuracy,
    cross_entropy,
    l2_penalty,
    mse,
    train,
)
from nn.compiled import vector_optimizer

REL = 1e-9

OPTIMIZERS = {
    "SGD": lambda p: SGD(p, lr=0.1),
    "SGD momentum dampening": lambda p: SGD(p, lr=0.05, momentum=0.9, dampening=0.3),
    "SGD nesterov weight_decay": lambda p: SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    "Adagrad": lambda p: Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.001, initial_accumulator_value=0.1),
    "RMSProp": lambda p: RMSProp(p, lr=0.01),
    "RMSProp centered momentum": lambda p: RMSProp(p, lr=0.01, centered=True, momentum=0.5, weight_decay=0.01),
    "Adam": lambda p: Adam(p, lr=0.01),
    "Adam amsgrad weight_decay": lambda p: Adam(p, lr=0.01, amsgrad=True, weight_decay=0.01, betas=(0.8, 0.99)),
}


def data(n=23, nin=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, nin)).tolist()
    return X, rng.integers(0, k, n).tolist()


def both(make_model, make_opt, X, y, **settings):
    """(scalar run, compiled run): each (history, model, optimizer)."""
    runs = []
    for compiled in (False, True):
        model = make_model()
        opt = make_opt(model.parameters())
        history = train(model, X, y, optimizer=opt, compiled=compiled, **settings)
        runs.append((history, model, opt))
    return runs


def assert_same(scalar, compiled):
    """The README's promise: the same History to 1e-9. It holds where no sample puts a pre-activation of a
    kinked operation (relu, abs, step ...) within rounding of its kink, since the compiled sums add the same
    terms in another order; the data here are random uniform numbers, never exactly on a kink."""
    (h1, m1, o1), (h2, m2, o2) = scalar, compiled
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        a, b = getattr(h1, name), getattr(h2, name)
        assert len(a) == len(b)
        assert a == pytest.approx(b, rel=REL, abs=1e-12), name
    p1 = [p.data for p in m1.parameters()]
    p2 = [p.data for p in m2.parameters()]
    assert p1 == pytest.approx(p2, rel=REL, abs=1e-12)
    g1 = [p.grad for p in m1.parameters()]
    g2 = [p.grad for p in m2.parameters()]
    assert g1 == pytest.approx(g2, rel=1e-7, abs=1e-12)  # the last batch's gradients, left in .grad
    assert o1.steps == o2.steps


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer(name):
    X, y = data()
    runs = both(
        lambda: MLP(3, [5, 3], activation="tanh", rng=1), OPTIMIZERS[name], X, y, loss="cross_entropy", epochs=3,
        batch_size=5, seed=2,
    )  # fmt: skip
    assert_same(*runs)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_vector_update_equals_the_optimizer_step(name):
    rng = np.random.default_rng(4)
    model_a, model_b = MLP(2, [3, 1], rng=5), MLP(2, [3, 1], rng=5)
    opt_a, opt_b = OPTIMIZERS[name](model_a.parameters()), OPTIMIZERS[name](model_b.parameters())
    vector = vector_optimizer(opt_b, len(opt_b.params))
    theta = np.array([p.data for p in model_b.parameters()])
    for _ in range(6):
        grads = rng.normal(size=theta.size)
        for p, g in zip(opt_a.params, grads):
            p.grad = float(g)
        opt_a.step()
        vector.step(theta, grads)
        assert theta.tolist() == pytest.approx([p.data for p in opt_a.params], rel=1e-14, abs=1e-16)
    state = [name for name, value in vars(opt_a).items() if isinstance(value, np.ndarray)]
    assert state  # momentum buffers, averages: the optimizer's own, on both paths
    for attribute in state:
        assert getattr(opt_b, attribute) == pytest.approx(getattr(opt_a, attribute), rel=1e-14, abs=1e-16)
    assert opt_b.steps == opt_a.steps == 6


LOSSES = {  # name -> (output activation, outputs, targets)
    "mse": ("sigmoid", 3, "index"),
    "l1": ("linear", 1, "real"),
    "hinge": ("linear", 1, "pm1"),
    "bce": ("sigmoid", 1, "01"),
    "bce_with_logits": ("linear", 1, "01"),
    "cross_entropy": ("linear", 3, "index"),
}


@pytest.mark.parametrize("loss", list(LOSSES))
def test_every_loss_by_name(loss):
    output, k, kind = LOSSES[loss]
    X, labels = data(n=17)
    y = {
        "index": labels,
        "real": [0.5 * a - 0.3 for a in labels],
        "pm1": [1.0 if a else -1.0 for a in labels],
        "01": [1.0 if a else 0.0 for a in labels],
    }[kind]
    runs = both(
        lambda: MLP(3, [4, k], activation="relu", output_activation=output, rng=6), lambda p: SGD(p, lr=0.1), X, y,
        loss=loss, epochs=2, batch_size=4, seed=1, val=(X[:6], y[:6]),
    )  # fmt: skip
    assert_same(*runs)
    assert runs[1][0].accuracy or loss in ("mse", "l1")  # "auto" measures accuracy for classification losses


@pytest.mark.parametrize("batch_size", [1, 7, None, 1000])
def test_batch_sizes(batch_size):
    X, y = data(n=15)
    runs = both(
        lambda: MLP(3, [4, 3], activation="sigmoid", rng=7), lambda p: Adam(p, lr=0.02), X, y, loss="mse",
        epochs=2, batch_size=batch_size, seed=3, metrics=accuracy,
    )  # fmt: skip
    assert_same(*runs)


def test_penalty_shuffle_off_and_early_stop():
    X, y = data(n=12)
    stop = lambda epoch, history: epoch == 2  # noqa: E731
    runs = both(
        lambda: MLP(3, [4, 3], rng=8), lambda p: SGD(p, lr=0.1, momentum=0.9), X, y, loss="cross_entropy",
        epochs=5, batch_size=5, shuffle=False, penalty=lambda m: l2_penalty(m, 1e-3), on_epoch=stop,
    )  # fmt: skip
    assert_same(*runs)
    assert runs[1][0].epochs == 2


def test_a_function_loss_that_averages_is_accepted():
    X, y = data(n=10)
    runs = both(
        lambda: MLP(3, [4, 3], rng=9), lambda p: SGD(p, lr=0.1), X, y, loss=lambda p, t: mse(p, t) * 10,
        epochs=2, batch_size=3, seed=0,
    )  # fmt: skip
    assert_same(*runs)


def test_a_function_loss_that_sums_is_refused():
    X, y = data(n=10)
    model = MLP(3, [4, 3], rng=9)
    summed = lambda p, t: cross_entropy(p, t) * len(p)  # noqa: E731
    with pytest.raises(ValueError, match="averages over the batch"):
        train(model, X, y, loss=summed, optimizer=SGD(model.parameters(), lr=0.1), epochs=1, batch_size=4,
              compiled=True)  # fmt: skip


def test_other_optimizers_are_refused():
    class Halving(SGD):  # a step() of its own, on the Values: the compiled path could not run it
        def step(self):
            for p in self.params:
                p.data *= 0.5

    X, y = data(n=4)
    model = MLP(3, [2, 3], rng=0)
    with pytest.raises(TypeError, match="optimizer must be one of SGD, Adagrad, RMSProp, Adam"):
        train(model, X, y, loss="cross_entropy", optimizer=Halving(model.parameters()), epochs=1, compiled=True)

    class Stepper:  # has step() and zero_grad(), as train asks, but no vector update
        params = model.parameters()

        def step(self):
            pass

        def zero_grad(self):
            pass

    with pytest.raises(TypeError, match="optimizer must be one of SGD, Adagrad, RMSProp, Adam"):
        train(model, X, y, loss="cross_entropy", optimizer=Stepper(), epochs=1, compiled=True)
    with pytest.raises(TypeError, match="compiled must be True or False"):
        train(model, X, y, loss="cross_entropy", optimizer=SGD(model.parameters()), epochs=1, compiled="yes")
    with pytest.raises(ValueError, match=r"y\[0\] is 7; with 3 outputs a target is a class index in 0..2"):
        train(model, X, [7, 0, 1, 2], loss="cross_entropy", optimizer=SGD(model.parameters()), compiled=True)


class Sign(Optimizer):
    """An optimizer of one's own: signSGD, theta <- theta - lr * sign(grad), written once as its update."""

    def update(self, theta, grad):
        theta -= self.lr * np.sign(grad)


def test_an_optimizer_of_ones_own_runs_its_update_on_both_paths():
    X, y = data(n=11)
    runs = both(
        lambda: MLP(3, [4, 3], rng=3), lambda p: Sign(p, lr=0.01), X, y, loss="cross_entropy", epochs=2,
        batch_size=4, seed=5,
    )  # fmt: skip
    assert_same(*runs)
    assert runs[1][2].steps == 6


def test_on_epoch_sees_the_epochs_parameters_and_last_gradients():
    """The compiled path writes the numbers back before on_epoch, as the scalar loop leaves them."""
    X, y = data(n=9)
    seen = {}
    for compiled in (False, True):
        model = MLP(3, [3, 3], rng=2)

        def look(epoch, history, model=model, compiled=compiled):
            seen.setdefault(compiled, []).append([(p.data, p.grad) for p in model.parameters()])

        train(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05), epochs=3,
              batch_size=4, seed=1, on_epoch=look, compiled=compiled)  # fmt: skip
    assert len(seen[True]) == len(seen[False]) == 3
    for fast, slow in zip(seen[True], seen[False]):
        assert np.allclose(fast, slow, rtol=1e-9, atol=1e-12)


def test_written_back_so_scalar_training_goes_on():
    """Two compiled epochs and one scalar epoch are three scalar epochs: Values and optimizer state were updated."""
    X, y = data(n=14)
    reference = MLP(3, [4, 3], rng=10)
    ref_opt = Adam(reference.parameters(), lr=0.05)
    ref_history = train(reference, X, y, loss="cross_entropy", optimizer=ref_opt, epochs=3, batch_size=4,
                        rng=random.Random(1))  # fmt: skip
    model = MLP(3, [4, 3], rng=10)
    opt = Adam(model.parameters(), lr=0.05)
    order = random.Random(1)
    h1 = train(model, X, y, loss="cross_entropy", optimizer=opt, epochs=2, batch_size=4, rng=order, compiled=True)
    h2 = train(model, X, y, loss="cross_entropy", optimizer=opt, epochs=1, batch_size=4, rng=order)
    assert h1.loss + h2.loss == pytest.approx(ref_history.loss, rel=REL)
    assert [p.data for p in model.parameters()] == pytest.approx([p.data for p in reference.parameters()], rel=REL)


def test_zero_epochs_change_nothing():
    X, y = data(n=5)
    model = MLP(3, [2, 3], rng=0)
    before = [(p.data, p.grad) for p in model.parameters()]
    history = train(model, X, y, loss="cross_entropy", optimizer=SGD(model.parameters()), epochs=0, compiled=True)
    assert history.epochs == 0 and history.loss == []
    assert [(p.data, p.grad) for p in model.parameters()] == before


def test_penalty_folded_in_with_val_and_metrics():
    """The penalty rides in the per-sample program; val_loss stays without it, as in the scalar path."""
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (20, 2)).tolist()
    y = [1.0 if a * b > 0 else -1.0 for a, b in X]
    val = (X[:6], y[:6])
    alpha = 0.05  # large, so a val_loss with the penalty in it could not pass for one without
    runs = both(
        lambda: MLP(2, [6, 1], rng=4), lambda p: SGD(p, lr=0.1), X, y, loss="hinge", epochs=3, batch_size=7,
        seed=1, val=val, penalty=lambda m: l2_penalty(m, alpha),
    )  # fmt: skip
    assert_same(*runs)
    model = runs[1][1]
    with_penalty = runs[1][0]
    assert with_penalty.val_accuracy and with_penalty.accuracy
    # the last val_loss by hand from the trained weights: mean relu(1 - y f(x)), no penalty
    by_hand = np.mean([max(0.0, 1.0 - t * model(x).data) for x, t in zip(*val)])
    assert with_penalty.val_loss[-1] == pytest.approx(by_hand, rel=1e-12)
