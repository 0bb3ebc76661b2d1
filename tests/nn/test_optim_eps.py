"""eps = 0 with a gradient of exactly 0 (issue 22, case 10): refused when the optimizer is made or changed,
so the scalar path (step) and the compiled one (train(..., compiled=True)) cannot meet 0 / 0."""

import math

import pytest

from autograd import Value
from nn import MLP, SGD, Adagrad, Adam, RMSProp, train

DIVIDING = [Adam, RMSProp, Adagrad]


@pytest.mark.parametrize("optimizer", DIVIDING, ids=lambda o: o.__name__)
@pytest.mark.parametrize("eps", [0, 0.0, -0.0])
def test_eps_0_is_refused_at_construction(optimizer, eps):
    with pytest.raises(ValueError, match=f"{optimizer.__name__}: eps must be > 0, not .*0 / 0 = nan"):
        optimizer([Value(1.0)], eps=eps)


@pytest.mark.parametrize("optimizer", DIVIDING, ids=lambda o: o.__name__)
def test_eps_0_is_refused_when_set_later(optimizer):
    opt = optimizer([Value(1.0)])
    with pytest.raises(ValueError, match="eps must be > 0"):
        opt.eps = 0.0
    with pytest.raises(TypeError, match="eps must be a number"):
        opt.eps = "0"
    opt.eps = 1e-300  # a tiny eps is fine
    assert opt.eps == 1e-300


def _dead_input_data():
    """XOR-like data whose third input is always 0: the weights reading it get a gradient of exactly 0."""
    X = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0]]
    return X, [0.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("optimizer", DIVIDING, ids=lambda o: o.__name__)
@pytest.mark.parametrize("eps", [1e-300, 1e-8])
def test_a_gradient_of_exactly_0_steps_by_0_on_both_paths(optimizer, eps):
    X, y = _dead_input_data()
    histories, models = [], []
    for compiled in (False, True):
        model = MLP(3, [4, 1], activation="tanh", rng=3)
        dead = [n.w[2].data for n in model.layers[0].neurons]
        opt = optimizer(model.parameters(), lr=0.05, eps=eps)
        history = train(model, X, y, optimizer=opt, epochs=5, batch_size=2, rng=0, compiled=compiled, progress=False)
        assert all(math.isfinite(x) for x in history.loss)
        assert [n.w[2].data for n in model.layers[0].neurons] == dead  # exactly: the step was 0
        histories.append(history.loss)
        models.append(model)
    for a, b in zip(*histories):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_sgd_has_no_eps():
    with pytest.raises(TypeError):
        SGD([Value(1.0)], eps=1e-8)
