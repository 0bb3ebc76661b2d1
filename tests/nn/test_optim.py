"""Optimizers: updates against hand-computed numbers and against torch.optim; no graph growth; errors."""

import math

import numpy as np
import pytest

from autograd import Value, is_grad_enabled
from nn import MLP, SGD, Adagrad, Adam, Optimizer, RMSProp


def run(optimizer_cls, grads, start=1.0, **options):
    """Parameter value after each step, feeding the gradients `grads` one per step."""
    p = Value(start, label="p")
    opt = optimizer_cls([p], **options)
    seen = []
    for g in grads:
        opt.zero_grad()
        p.grad = g
        opt.step()
        seen.append(p.data)
    return seen


# ---- by hand -------------------------------------------------------------------------


def test_sgd_by_hand():
    assert run(SGD, [0.5, 0.5], lr=0.1) == pytest.approx([0.95, 0.90])
    assert SGD([Value(0.0)]).lr == 0.001  # PyTorch's default (since 2.2)
    # momentum 0.9: b1 = g = 0.5 -> 0.95; b2 = 0.9 * 0.5 + 0.5 = 0.95 -> 0.95 - 0.095
    assert run(SGD, [0.5, 0.5], lr=0.1, momentum=0.9) == pytest.approx([0.95, 0.855])
    # dampening 0.5: b2 = 0.9 * 0.5 + 0.5 * 0.5 = 0.7 -> 0.95 - 0.07
    assert run(SGD, [0.5, 0.5], lr=0.1, momentum=0.9, dampening=0.5) == pytest.approx([0.95, 0.88])
    # nesterov: step with g + 0.9 b: 0.5 + 0.45 = 0.95 -> 1 - 0.095; then 0.5 + 0.9 * 0.95 = 1.355
    assert run(SGD, [0.5, 0.5], lr=0.1, momentum=0.9, nesterov=True) == pytest.approx([0.905, 0.905 - 0.1355])
    # weight decay 0.1 adds 0.1 * p to the gradient: 0.5 + 0.1 = 0.6 -> 0.94
    assert run(SGD, [0.5], lr=0.1, weight_decay=0.1) == pytest.approx([0.94])


def test_adagrad_by_hand():
    # s1 = 0.25 -> step lr * 0.5 / 0.5 = lr; s2 = 0.5 -> step lr * 0.5 / sqrt(0.5) = lr / sqrt(2)
    assert run(Adagrad, [0.5, 0.5], lr=0.1) == pytest.approx([0.9, 0.9 - 0.1 / math.sqrt(2)])
    # lr_decay 1: second step uses lr / 2
    assert run(Adagrad, [0.5, 0.5], lr=0.1, lr_decay=1.0) == pytest.approx([0.9, 0.9 - 0.05 / math.sqrt(2)])


def test_rmsprop_by_hand():
    # v1 = 0.01 * 0.25 = 0.0025, sqrt = 0.05: step 0.01 * 0.5 / 0.05 = 0.1
    # v2 = 0.99 * 0.0025 + 0.0025 = 0.004975
    first, second = run(RMSProp, [0.5, 0.5])
    assert first == pytest.approx(0.9)
    assert second == pytest.approx(0.9 - 0.01 * 0.5 / math.sqrt(0.004975))


def test_adam_by_hand():
    # with a constant gradient the bias-corrected m / sqrt(v) is g / |g| = 1: every step is lr
    assert run(Adam, [0.5, 0.5, 0.5]) == pytest.approx([0.999, 0.998, 0.997])
    # gradients 0.5 then -1: m2 = 0.9 * 0.05 - 0.1 = -0.055, v2 = 0.999 * 0.00025 + 0.001
    b1, b2 = 0.9, 0.999
    m2, v2 = -0.055, 0.999 * 0.00025 + 0.001
    step2 = 0.001 * (m2 / (1 - b1**2)) / (math.sqrt(v2 / (1 - b2**2)) + 1e-8)
    assert run(Adam, [0.5, -1.0]) == pytest.approx([0.999, 0.999 - step2])


# ---- against PyTorch --------------------------------------------------------------------

CONFIGS = [
    (SGD, "SGD", {"lr": 0.1}),
    (SGD, "SGD", {"lr": 0.05, "momentum": 0.9}),
    (SGD, "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
    (SGD, "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    (Adagrad, "Adagrad", {}),
    (Adagrad, "Adagrad", {"lr": 0.3, "lr_decay": 0.1, "weight_decay": 0.05, "initial_accumulator_value": 0.2}),
    (RMSProp, "RMSprop", {}),
    (RMSProp, "RMSprop", {"lr": 0.02, "alpha": 0.9, "momentum": 0.5, "weight_decay": 0.01}),
    (RMSProp, "RMSprop", {"lr": 0.02, "centered": True, "momentum": 0.3}),
    (Adam, "Adam", {}),
    (Adam, "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    (Adam, "Adam", {"lr": 0.05, "amsgrad": True}),
]


@pytest.mark.parametrize("ours, theirs, options", CONFIGS, ids=[f"{c[1]}-{i}" for i, c in enumerate(CONFIGS)])
def test_updates_match_torch_optim(ours, theirs, options):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    start = [0.5, -1.5, 2.0]
    # gradients of a quadratic bowl (p - c)^2 plus a changing push, so steps differ in size and sign
    centre = [0.3, 0.2, -0.4]
    params = [Value(x) for x in start]
    opt = ours(params, **options)
    tp = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, theirs)([tp], **options)
    for step in range(8):
        grads = [2 * (p.data - c) + 0.3 * math.sin(step + i) for i, (p, c) in enumerate(zip(params, centre))]
        opt.zero_grad()
        for p, g in zip(params, grads):
            p.grad = g
        opt.step()
        topt.zero_grad()
        tp.grad = torch.tensor(grads, dtype=torch.float64)
        topt.step()
        assert [p.data for p in params] == pytest.approx(tp.detach().tolist(), rel=1e-12, abs=1e-14)


# ---- graph and state -------------------------------------------------------------------


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSProp, Adam])
def test_step_changes_only_data_and_never_grows_the_graph(cls):
    model = MLP(2, [3, 1], rng=0)
    params = model.parameters()
    before = [p.data for p in params]
    opt = cls(model)  # a Module works as well as a list of parameters
    loss = model([1.0, -2.0]) ** 2
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert is_grad_enabled()  # no_grad() was left again
    assert model.parameters() == params  # the very same Value objects
    assert all(p._op == "" and p.parents == () for p in params)
    assert [p.data for p in params] != before
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in params)


@pytest.mark.parametrize("ours, theirs", [(SGD, "SGD"), (Adagrad, "Adagrad"), (RMSProp, "RMSprop"), (Adam, "Adam")])
def test_default_updates_match_torch_optim_built_with_its_own_defaults(ours, theirs):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    grads = [0.5, -1.2, 0.3, 2.0, -0.1]
    tp = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, theirs)([tp])  # no options: each side's defaults
    expected = []
    for g in grads:
        topt.zero_grad()
        tp.grad = torch.tensor([g], dtype=torch.float64)
        topt.step()
        expected.append(tp.item())
    assert run(ours, grads) == pytest.approx(expected, rel=1e-12, abs=1e-15)


class Sign(Optimizer):
    """signSGD, written once as its rule on vectors: theta <- theta - lr * sign(grad)."""

    def update(self, theta, grad):
        theta -= self.lr * np.sign(grad)


def test_a_subclass_writes_only_its_update_on_vectors():
    params = [Value(1.0), Value(-2.0), Value(0.5)]
    opt = Sign(params, lr=0.25)
    for p, g in zip(params, [3.0, -0.1, 0.0]):
        p.grad = g
    opt.step()
    assert [p.data for p in params] == [0.75, -1.75, 0.5]
    assert opt.steps == 1
    theta = np.array([1.0, 1.0, 1.0])
    opt.step_vector(theta, np.array([-1.0, 2.0, 0.0]))  # the same rule on a vector, changed in place
    assert theta.tolist() == [1.25, 0.75, 1.0] and opt.steps == 2
    assert [p.data for p in params] == [0.75, -1.75, 0.5]  # the Values are step()'s, not step_vector's
    with pytest.raises(NotImplementedError, match="Optimizer must define update"):
        Optimizer(params, lr=0.1).step()


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSProp, Adam])
def test_step_is_step_vector_on_the_parameters_numbers(cls):
    """step() gathers .data and .grad, runs the one update, writes .data back: as step_vector on a copy."""
    rng = np.random.default_rng(1)
    start = rng.normal(size=5)
    params = [Value(float(x)) for x in start]
    opt, twin = cls(params, lr=0.1), cls([Value(0.0) for _ in start], lr=0.1)
    theta = start.copy()
    for _ in range(4):
        grad = rng.normal(size=5)
        for p, g in zip(params, grad.tolist()):
            p.grad = g
        opt.step()
        twin.step_vector(theta, grad)
        assert [p.data for p in params] == theta.tolist()  # the same numbers to the last bit
        assert all(isinstance(p.data, float) for p in params)
    assert opt.steps == twin.steps == 4


def test_defaults_are_pytorchs():
    """The table of defaults as the slides give it (checked against PyTorch itself above and below)."""
    p = [Value(1.0)]
    assert (SGD(p).lr, SGD(p).momentum, SGD(p).weight_decay) == (0.001, 0.0, 0.0)
    assert (Adagrad(p).lr, Adagrad(p).eps) == (0.01, 1e-10)
    assert (RMSProp(p).lr, RMSProp(p).alpha, RMSProp(p).eps) == (0.01, 0.99, 1e-8)
    assert (Adam(p).lr, Adam(p).betas, Adam(p).eps) == (0.001, (0.9, 0.999), 1e-8)


def test_bad_arguments():
    p = Value(1.0, label="w")
    with pytest.raises(ValueError, match="empty"):
        SGD([])
    with pytest.raises(TypeError, match="not a Value"):
        SGD([p, 2.0])
    with pytest.raises(TypeError, match="one Value"):
        SGD(p)
    with pytest.raises(ValueError, match="appears twice"):
        Adam([p, p])
    with pytest.raises(ValueError, match="lr"):
        SGD([p], lr=-0.1)
    with pytest.raises(ValueError, match="nesterov"):
        SGD([p], nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        Adam([p], betas=(0.9, 1.0))


@pytest.mark.parametrize("ours, theirs", [(SGD, "SGD"), (Adagrad, "Adagrad"), (RMSProp, "RMSprop"), (Adam, "Adam")])
def test_defaults_match_the_installed_pytorch(ours, theirs):
    """Every keyword both have gets PyTorch's default, read from torch.optim's own signature."""
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    import inspect

    mine = inspect.signature(ours.__init__).parameters
    torch_params = inspect.signature(getattr(torch.optim, theirs).__init__).parameters
    shared = [name for name in mine if name not in ("self", "params") and name in torch_params]
    assert "lr" in shared
    for name in shared:
        expected = torch_params[name].default
        assert mine[name].default == (tuple(expected) if isinstance(expected, tuple) else expected), name
