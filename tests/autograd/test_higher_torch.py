"""Second and third derivatives against PyTorch's (`torch.autograd.grad(..., create_graph=True)`, float64):
every operation of test_torch.py's table, the kinks, and random expressions.

Optional: skipped when torch is not installed (pip install -e '.[torch]').
"""

import random

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
F = torch.nn.functional

from test_torch import CASES, evaluate, random_expression  # noqa: E402

from autograd import Value, grad, hessian  # noqa: E402


def engine_tensor(fn, point, order: int) -> np.ndarray:
    xs = [Value(p) for p in point]
    layer = [fn(*xs)]
    for _ in range(order - 1):
        layer = [d for f in layer for d in grad(f, xs, create_graph=True)]
    return np.array([d for f in layer for d in grad(f, xs)]).reshape((len(point),) * order)


def torch_tensor(fn, point, order: int) -> np.ndarray:
    xs = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]
    layer = [fn(*xs)]
    for k in range(order):
        last = k == order - 1
        next_layer = []
        for f in layer:
            if not f.requires_grad:  # a constant: all its derivatives are 0
                next_layer += [torch.zeros((), dtype=torch.float64) for _ in xs]
                continue
            ds = torch.autograd.grad(f, xs, create_graph=not last, retain_graph=True, allow_unused=True)
            next_layer += [torch.zeros((), dtype=torch.float64) if d is None else d for d in ds]
        layer = next_layer
    return np.array([d.item() for d in layer]).reshape((len(point),) * order)


@pytest.mark.parametrize("entry, point", CASES, ids=[f"{e[0]} at {p}" for e, p in CASES])
@pytest.mark.parametrize("order", [2, 3])
def test_second_and_third_derivatives_match_torch(entry, point, order):
    _, fn, t_fn, _ = entry
    engine, reference = engine_tensor(fn, point, order), torch_tensor(t_fn, point, order)
    assert np.allclose(engine, reference, rtol=1e-10, atol=1e-12), (engine, reference)


# At the kink itself: PyTorch's first derivative there is ours (test_torch.py), and so is its second;
# where the tangent is vertical (sqrt at 0) the second derivative is -inf in both.
KINKS = [
    ("relu", lambda x: x.relu(), torch.relu),
    ("abs", lambda x: abs(x), torch.abs),
    ("leaky_relu(0.2)", lambda x: x.leaky_relu(0.2), lambda x: F.leaky_relu(x, 0.2)),
    ("hardtanh() inside", lambda x: x.hardtanh() * 1.0, F.hardtanh),
    ("x ** 2", lambda x: x**2, lambda x: x**2),
    ("x ** 3", lambda x: x**3, lambda x: x**3),
    ("sqrt (a vertical tangent: -inf)", lambda x: x.sqrt(), torch.sqrt),
    ("x ** 0.5 (-inf)", lambda x: x**0.5, lambda x: x**0.5),
    ("x ** 0.3 (-inf)", lambda x: x**0.3, lambda x: x**0.3),
]


@pytest.mark.parametrize("name, fn, t_fn", KINKS, ids=[k[0] for k in KINKS])
def test_second_derivative_at_zero_matches_torch(name, fn, t_fn):
    assert engine_tensor(fn, (0.0,), 2).tolist() == torch_tensor(t_fn, (0.0,), 2).tolist()


@pytest.mark.parametrize("seed", range(25))
def test_random_expressions_hessians_match_torch(seed):
    rng = random.Random(seed)
    n_leaves = rng.randint(1, 3)
    point = [rng.uniform(-2.0, 2.0) for _ in range(n_leaves)]
    program = random_expression(rng, n_leaves, rng.randint(2, 15))
    leaves = [Value(p) for p in point]
    engine = hessian(evaluate(program, leaves, 0), leaves)
    reference = torch_tensor(lambda *xs: evaluate(program, xs, 1), point, 2)
    assert np.allclose(engine, reference, rtol=1e-8, atol=1e-10), (engine, reference)
