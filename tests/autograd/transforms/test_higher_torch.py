"""Second and third derivatives against PyTorch's (`torch.autograd.grad(..., create_graph=True)`, float64):
every operation of core/test_torch.py's table, the kinks, and random expressions.

Optional: skipped when torch is not installed (pip install -e '.[torch]').
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
F = torch.nn.functional

from test_torch import CASES, evaluate, random_case  # noqa: E402

from autograd import Value, dot, grad, hessian, total  # noqa: E402


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


# At the kink itself: PyTorch's first derivative there is ours (core/test_torch.py), and so is its second;
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
    point, program = random_case(seed, 3, 15)
    leaves = [Value(p) for p in point]
    engine = hessian(evaluate(program, leaves, 0), leaves)
    reference = torch_tensor(lambda *xs: evaluate(program, xs, 1), point, 2)
    assert np.allclose(engine, reference, rtol=1e-8, atol=1e-10), (engine, reference)


# ---- the edges of every operation, orders 2 to 4 -------------------------------------------
# Points where a derivative is infinite, overflows, underflows or is nan: each derivative tensor must be
# PyTorch's, inf for inf and nan for nan. Where PyTorch is no reference (its pow cuts the exponent's
# dependence at exponent 0, 0 ** x gives nan though 0 ** x is 0 for every x > 0, the limits of gelu at
# +-inf, -0.0 read as a negative number) test_higher.py checks closed forms instead.
TINY = 1e-300  # the slopes of x ** p (p < 1) and 1 / x here exceed the largest float: +-inf
INF, NAN = float("inf"), float("nan")
_POWERS = [0.5, 0.3, 1.5, 2.5, 3.5, 1.0, 2.0, 3.0, 4.0, 0.0]
EDGES = [
    ("sqrt", lambda x: x.sqrt(), torch.sqrt, [(0.0,), (TINY,), (INF,), (NAN,)]),
    *[(f"x ** {p}", lambda x, p=p: x**p, lambda x, p=p: x**p, [(0.0,), (TINY,)]) for p in _POWERS],
    ("x ** 3 below 0", lambda x: x**3, lambda x: x**3, [(-2.0,), (-TINY,)]),
    ("x ** -1", lambda x: x**-1, lambda x: x**-1, [(TINY,), (-TINY,), (-2.0,)]),
    ("x ** -2", lambda x: x**-2, lambda x: x**-2, [(1e-100,), (-2.0,)]),
    ("x ** y at a tiny x", lambda x, y: x**y, lambda x, y: x**y, [(TINY, 0.5)]),
    ("x ** Value(0.5)", lambda x: x ** Value(0.5), lambda x: x ** torch.tensor(0.5, dtype=torch.float64), [(0.0,)]),
    ("2 ** x", lambda x: 2.0**x, lambda x: 2.0**x, [(1000.0,), (-2000.0,)]),
    ("exp", lambda x: x.exp(), torch.exp, [(709.0,), (-800.0,), (-INF,), (NAN,)]),
    ("log", lambda x: x.log(), torch.log, [(TINY,), (1e-160,), (5e-324,), (INF,), (NAN,)]),
    ("1 / x", lambda x: 1.0 / x, lambda x: 1.0 / x, [(1e-160,), (TINY,), (INF,), (-INF,)]),
    ("x / y", lambda x, y: x / y, lambda x, y: x / y, [(1.0, 1e-160), (0.0, 1e-200), (INF, 1.0)]),
    ("abs", lambda x: abs(x), torch.abs, [(0.0,), (NAN,), (-INF,)]),
    ("relu", lambda x: x.relu(), torch.relu, [(0.0,), (INF,), (-INF,)]),
    ("leaky_relu(0.2)", lambda x: x.leaky_relu(0.2), lambda x: F.leaky_relu(x, 0.2), [(0.0,), (-INF,)]),
    ("hardtanh", lambda x: x.hardtanh() * 1.0, F.hardtanh, [(0.0,), (INF,), (-3.0,)]),
    ("elu", lambda x: x.elu(), F.elu, [(0.0,), (-INF,), (-800.0,)]),
    ("gelu", lambda x: x.gelu(), F.gelu, [(0.0,), (40.0,), (-40.0,), (-8.0,)]),
    ("sin", lambda x: x.sin(), torch.sin, [(INF,), (NAN,), (1e300,)]),
    ("cos", lambda x: x.cos(), torch.cos, [(INF,), (NAN,), (1e300,)]),
    ("tanh", lambda x: x.tanh(), torch.tanh, [(800.0,), (-800.0,), (INF,), (NAN,)]),
    ("sigmoid", lambda x: x.sigmoid(), torch.sigmoid, [(800.0,), (-800.0,), (INF,), (-INF,), (NAN,)]),
    ("softplus", lambda x: x.softplus(), F.softplus, [(800.0,), (-800.0,), (INF,), (-INF,)]),
    ("x * y", lambda x, y: x * y, lambda x, y: x * y, [(INF, 0.0), (NAN, 1.0)]),
    (
        "x + y, x - y, -x, 2 - y",
        lambda x, y: (x + y) + (x - y) - x + (2.0 - y),
        lambda x, y: (x + y) + (x - y) - x + (2.0 - y),
        [(INF, 1.0)],
    ),
    (
        "dot, total",
        lambda w, x: dot([w, x], [x, 3.0], 1.0) + total([w, x, w]),
        lambda w, x: w * x + x * 3.0 + 1.0 + w + x + w,
        [(INF, 0.0)],
    ),
    ("sqrt(sqrt(x))", lambda x: x.sqrt().sqrt(), lambda x: x.sqrt().sqrt(), [(0.0,)]),
    ("x sqrt(x)", lambda x: x * x.sqrt(), lambda x: x * x.sqrt(), [(0.0,)]),
    ("sqrt(x * x)", lambda x: (x * x).sqrt(), lambda x: (x * x).sqrt(), [(0.0,)]),
    ("sqrt(x) ** 2", lambda x: x.sqrt() ** 2, lambda x: x.sqrt() ** 2, [(0.0,)]),
    ("exp(sqrt(x))", lambda x: x.sqrt().exp(), lambda x: x.sqrt().exp(), [(0.0,)]),
]
EDGE_CASES = [(name, fn, t_fn, point) for name, fn, t_fn, points in EDGES for point in points]


def same_numbers(engine: np.ndarray, reference: np.ndarray) -> bool:
    """Equal to rounding, inf for inf (same sign), nan for nan."""
    return engine.shape == reference.shape and bool(
        np.all(np.isnan(engine) == np.isnan(reference))
        and np.allclose(engine, reference, rtol=1e-10, atol=0, equal_nan=True)
    )


@pytest.mark.parametrize("name, fn, t_fn, point", EDGE_CASES, ids=[f"{c[0]} at {c[3]}" for c in EDGE_CASES])
def test_derivatives_at_the_edges_match_torch_to_the_fourth_order(name, fn, t_fn, point):
    for order in (2, 3, 4):
        engine, reference = engine_tensor(fn, point, order), torch_tensor(t_fn, point, order)
        assert same_numbers(engine, reference), (order, engine.ravel().tolist(), reference.ravel().tolist())


def test_the_edges_reach_infinities_and_nan():
    """The table above is not all finite numbers: the comparison sees inf and nan (so it can fail on them)."""
    seen = np.concatenate([engine_tensor(fn, point, 3).ravel() for _, fn, _, point in EDGE_CASES])
    assert np.isposinf(seen).any() and np.isneginf(seen).any() and np.isnan(seen).any()


def test_an_input_listed_twice_matches_torch():
    xs = [Value(0.7), Value(-0.3)]
    ts = [torch.tensor(v.data, dtype=torch.float64, requires_grad=True) for v in xs]
    f, t_f = xs[0] * xs[0] * xs[1] + xs[0].sin(), ts[0] * ts[0] * ts[1] + ts[0].sin()
    expected = [d.item() for d in torch.autograd.grad(t_f, [ts[0], ts[1], ts[0]])]
    assert grad(f, [xs[0], xs[1], xs[0]]) == pytest.approx(expected, rel=1e-15)
