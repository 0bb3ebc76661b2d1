"""Every operation of the engine: value against plain `math`, gradient against
central differences, at several points away from kinks.

`OPERATIONS` is the table. `test_every_operation_has_sample_points` fails when
`Value` (or `autograd.core.operations`) gains an operation that no table entry calls, so
a new operation cannot land without being checked here.
"""

import inspect
import math

import pytest

import autograd
import autograd.core.operations
from autograd import Value

EPS = 1e-6


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def _phi(z):  # standard normal distribution function
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


# (id, function of Values -> Value, the same function on floats (the reference), sample points)
OPERATIONS = [
    # + - * / with two Values, with a number on the right, and reflected (number on the left)
    ("x + y", lambda x, y: x + y, lambda x, y: x + y, [(1.5, -0.3), (0.2, 2.0), (-3.0, 0.7)]),
    ("x + 2.5", lambda x: x + 2.5, lambda x: x + 2.5, [(1.5,), (-0.4,)]),
    ("2.5 + x", lambda x: 2.5 + x, lambda x: 2.5 + x, [(1.5,), (-0.4,)]),
    ("x + 3 (int)", lambda x: x + 3, lambda x: x + 3, [(1.5,), (-0.4,)]),
    ("x - y", lambda x, y: x - y, lambda x, y: x - y, [(1.5, -0.3), (0.2, 2.0)]),
    ("x - 2.5", lambda x: x - 2.5, lambda x: x - 2.5, [(1.5,), (-0.4,)]),
    ("2.5 - x", lambda x: 2.5 - x, lambda x: 2.5 - x, [(1.5,), (-0.4,)]),
    ("x * y", lambda x, y: x * y, lambda x, y: x * y, [(1.5, -0.3), (0.2, 2.0), (-3.0, -0.7)]),
    ("x * 2.5", lambda x: x * 2.5, lambda x: x * 2.5, [(1.5,), (-0.4,)]),
    ("2.5 * x", lambda x: 2.5 * x, lambda x: 2.5 * x, [(1.5,), (-0.4,)]),
    ("x / y", lambda x, y: x / y, lambda x, y: x / y, [(1.5, -0.3), (0.2, 2.0), (-3.0, 0.7)]),
    ("x / 2.5", lambda x: x / 2.5, lambda x: x / 2.5, [(1.5,), (-0.4,)]),
    ("2.5 / x", lambda x: 2.5 / x, lambda x: 2.5 / x, [(1.5,), (-0.4,), (3.0,)]),
    ("-x", lambda x: -x, lambda x: -x, [(1.5,), (-0.4,)]),
    ("abs(x)", lambda x: abs(x), lambda x: abs(x), [(1.5,), (-0.4,), (3.0,)]),
    ("x.abs()", lambda x: x.abs(), lambda x: abs(x), [(1.5,), (-0.4,)]),
    # ** in its three forms
    ("x ** 3", lambda x: x**3, lambda x: x**3, [(1.5,), (-0.4,), (2.0,)]),
    ("x ** 2", lambda x: x**2, lambda x: x**2, [(1.5,), (-0.4,)]),
    ("x ** -2", lambda x: x**-2, lambda x: x**-2, [(1.5,), (-0.4,)]),
    ("x ** 0.5", lambda x: x**0.5, lambda x: x**0.5, [(1.5,), (0.3,)]),
    ("x ** -1.5", lambda x: x**-1.5, lambda x: x**-1.5, [(1.5,), (0.3,)]),
    ("x ** 0", lambda x: x**0, lambda x: 1.0, [(1.5,), (-0.4,)]),
    ("x ** y", lambda x, y: x**y, lambda x, y: x**y, [(1.5, -0.3), (0.2, 2.0), (3.0, 0.7), (0.5, -2.5)]),
    ("2 ** x", lambda x: 2**x, lambda x: 2**x, [(1.5,), (-0.4,), (3.0,)]),
    ("0.5 ** x", lambda x: 0.5**x, lambda x: 0.5**x, [(1.5,), (-0.4,)]),
    # functions
    ("exp", lambda x: x.exp(), math.exp, [(1.5,), (-0.4,), (3.0,)]),
    ("log", lambda x: x.log(), math.log, [(1.5,), (0.4,), (30.0,)]),
    ("sqrt", lambda x: x.sqrt(), math.sqrt, [(1.5,), (0.4,), (30.0,)]),
    ("sin", lambda x: x.sin(), math.sin, [(1.5,), (-0.4,), (3.0,)]),
    ("cos", lambda x: x.cos(), math.cos, [(1.5,), (-0.4,), (3.0,)]),
    # activations (TEACHING.md section 6)
    ("tanh", lambda x: x.tanh(), math.tanh, [(1.5,), (-0.4,), (3.0,)]),
    ("sigmoid", lambda x: x.sigmoid(), _sigmoid, [(1.5,), (-0.4,), (-3.0,)]),
    ("relu", lambda x: x.relu(), lambda x: max(0.0, x), [(1.5,), (-0.4,), (3.0,)]),
    ("leaky_relu()", lambda x: x.leaky_relu(), lambda x: x if x > 0 else 0.01 * x, [(1.5,), (-0.4,)]),
    ("leaky_relu(0.2)", lambda x: x.leaky_relu(0.2), lambda x: x if x > 0 else 0.2 * x, [(1.5,), (-0.4,)]),
    (
        "leaky_relu(Value alpha)",
        lambda x, a: x.leaky_relu(a),
        lambda x, a: x if x > 0 else a * x,
        [(1.5, 0.2), (-0.4, 0.2), (-2.0, 0.05), (0.7, -0.3)],
    ),
    ("hardtanh()", lambda x: x.hardtanh(), lambda x: min(1.0, max(-1.0, x)), [(1.5,), (-0.4,), (-3.0,), (0.6,)]),
    (
        "hardtanh(-0.5, 2)",
        lambda x: x.hardtanh(-0.5, 2.0),
        lambda x: min(2.0, max(-0.5, x)),
        [(1.5,), (-0.4,), (-3.0,), (2.5,)],
    ),
    ("softplus", lambda x: x.softplus(), lambda x: math.log(1.0 + math.exp(x)), [(1.5,), (-0.4,), (-3.0,)]),
    ("elu()", lambda x: x.elu(), lambda x: x if x >= 0 else math.exp(x) - 1.0, [(1.5,), (-0.4,), (-3.0,)]),
    (
        "elu(0.7)",
        lambda x: x.elu(0.7),
        lambda x: x if x >= 0 else 0.7 * (math.exp(x) - 1.0),
        [(1.5,), (-0.4,), (-3.0,)],
    ),
    ("gelu", lambda x: x.gelu(), lambda x: x * _phi(x), [(1.5,), (-0.4,), (-3.0,), (0.1,)]),
    ("step", lambda x: x.step(), lambda x: 1.0 if x > 0 else 0.0, [(1.5,), (-0.4,)]),
    # many-parent nodes
    (
        "dot(w, x, b)",
        lambda w1, w2, x1, x2, b: autograd.dot([w1, w2], [x1, x2], b),
        lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b,
        [(0.5, -1.5, 2.0, 0.3, 0.1), (-0.2, 0.4, -1.0, 3.0, -2.0)],
    ),
    (
        "dot(mixed numbers and Values, number bias)",
        lambda w1, x2: autograd.dot([w1, 0.5], [1.5, x2], 0.25),
        lambda w1, x2: w1 * 1.5 + 0.5 * x2 + 0.25,
        [(0.5, -1.5), (-2.0, 0.3)],
    ),
    (
        "dot(same Value twice, no bias)",
        lambda w, x: autograd.dot([w, w], [x, w]),
        lambda w, x: w * x + w * w,
        [(0.5, -1.5), (-2.0, 0.3)],
    ),
    (
        "total",
        lambda a, b: autograd.total([a, b, 2.0, a, 3]),
        lambda a, b: a + b + 2.0 + a + 3,
        [(0.5, -1.5), (-2.0, 0.3)],
    ),
]

IDS = [entry[0] for entry in OPERATIONS]
CASES = [(entry, point) for entry in OPERATIONS for point in entry[3]]


def central_difference(fn, point, i, eps=EPS):
    """(f(x_i + eps) - f(x_i - eps)) / 2 eps on freshly built graphs."""
    up, down = list(point), list(point)
    up[i] += eps
    down[i] -= eps
    return (fn(*map(Value, up)).data - fn(*map(Value, down)).data) / (2 * eps)


@pytest.mark.parametrize("entry, point", CASES, ids=[f"{e[0]} at {p}" for e, p in CASES])
def test_operation_value_and_gradient(entry, point):
    _, fn, reference, _ = entry
    leaves = [Value(p, label=f"x{i}") for i, p in enumerate(point)]
    out = fn(*leaves)
    assert isinstance(out, Value)
    assert type(out.data) is float
    assert out.data == pytest.approx(reference(*point), rel=1e-12, abs=1e-15)
    out.backward()
    for i, leaf in enumerate(leaves):
        assert type(leaf.grad) is float
        numeric = central_difference(fn, point, i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-6, abs=1e-7), f"d/d x{i}"


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("entry, point", CASES, ids=[f"{e[0]} at {p}" for e, p in CASES])
def test_the_record_rebuilds_every_node_exactly(entry, point):
    """op + operands alone recompute each node's value and local derivatives, bit for bit."""
    _, fn, _, _ = entry
    out = fn(*(Value(p) for p in point))
    interior = [node for node in autograd.topological_order(out) if node.op]
    for node in interior:
        again = autograd.replay(node)
        assert again.op == node.op
        assert same(again.data, node.data)
        assert len(again.local_grads) == len(node.local_grads)
        assert all(same(x, y) for x, y in zip(again.local_grads, node.local_grads))
        assert again.parents == node.parents
        assert [v for v in node.operands if isinstance(v, Value)] == list(node.parents)
        assert all(type(v) is float for v in node.operands if not isinstance(v, Value))


def test_the_record_keeps_the_constants_themselves():
    x = Value(1e17, label="x")
    assert (x + 3).operands == (x, 3.0)  # (x + 3) - x is 0 in floats: the 3 is not recoverable from data
    assert (2.5 - x).operands == (2.5, x) and (2.5 - x).op == "rsub"
    assert (x**3).operands == (x, 3.0) and (0.5**x).op == "rpow" and (0.5**x).operands == (0.5, x)
    assert x.hardtanh(-2, 5).operands == (x, -2.0, 5.0)
    assert x.leaky_relu(0.2).operands == (x, 0.2) and x.elu(0.7).operands == (x, 0.7)
    w, b = Value(0.5), Value(0.1)
    assert autograd.dot([w, 2.0], [x, w], b).operands == (w, x, 2.0, w, b)
    assert autograd.dot([w], [3.0]).operands == (w, 3.0)
    assert autograd.total([x, 2.0, w, 1]).operands == (x, w, 3.0)
    assert autograd.total([x, w]).operands == (x, w)


def test_replay_uses_the_parents_current_values():
    x = Value(2.0)
    y = x.hardtanh(-1.0, 3.0) * 4.0
    x.data = 10.0
    assert autograd.replay(y.parents[0]).data == 3.0  # the recorded bound, not the old value 2.0
    with pytest.raises(ValueError, match="leaf"):
        autograd.replay(x)
    with pytest.raises(TypeError, match="replay needs a Value"):
        autograd.replay(2.0)


@pytest.mark.parametrize("entry", OPERATIONS, ids=IDS)
def test_every_entry_has_several_points(entry):
    assert len(entry[3]) >= 2


# Callables in the class that are not operations on values.
NOT_OPERATIONS = {"__init__", "__init_subclass__", "__setstate__", "__repr__", "__float__", "__format__", "backward"}
# Functions in `autograd.core.operations` that build no node of their own (replay repeats a node's operation),
# or only inside derivative graphs (normal_cdf, power_or_inf_node).
NOT_NODE_FUNCTIONS = {"is_grad_enabled", "replay", "normal_cdf", "power_or_inf_node"}


def value_operations():
    """Public methods and dunders of Value, except the few that are not operations."""
    names = set()
    for klass in Value.__mro__[:-1]:
        for name, attr in vars(klass).items():
            public = not name.startswith("_") or (name.startswith("__") and name.endswith("__"))
            if public and callable(attr):
                names.add(name)
    return names - NOT_OPERATIONS


def module_operations():
    """Functions of `autograd.core.operations` that make nodes (dot, total, ...)."""
    return {
        name
        for name in autograd.core.operations.__all__
        if inspect.isfunction(getattr(autograd.core.operations, name)) and name not in NOT_NODE_FUNCTIONS
    }


def test_operation_enumeration_sees_the_known_operations():
    """The enumeration itself works (so the completeness test below can fail)."""
    ops = value_operations()
    expected = {"__add__", "__radd__", "__rsub__", "__rtruediv__", "__pow__", "__rpow__", "__neg__", "__abs__"}
    assert expected | {"exp", "gelu", "leaky_relu", "step"} <= ops
    assert "backward" not in ops and "data" not in ops and "__init__" not in ops
    assert {"dot", "total"} <= module_operations()


def test_every_operation_has_sample_points(monkeypatch):
    """Run each table entry once with every operation wrapped to record its
    (outermost) calls; any operation that no entry calls fails the test."""
    called = set()
    depth = [0]

    def recording(name, original):
        def wrapper(*args, **kwargs):
            if depth[0] == 0:
                called.add(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return wrapper

    value_ops, module_ops = value_operations(), module_operations()
    for name in value_ops:
        monkeypatch.setattr(Value, name, recording(name, getattr(Value, name)))
    for name in module_ops:
        assert getattr(autograd, name) is getattr(autograd.core.operations, name), f"{name}: not in autograd"
        monkeypatch.setattr(autograd, name, recording(name, getattr(autograd, name)))
    for _, fn, _, points in OPERATIONS:
        fn(*map(Value, points[0]))
    missing = (value_ops | module_ops) - called
    assert not missing, f"operations without sample points in OPERATIONS: {sorted(missing)}"
