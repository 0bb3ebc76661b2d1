"""The NumPy form of every operation (autograd/compiler/numpy_forms.py) against the scalar engine.

The scalar engine is the reference here: its values are checked against `math`
and its local derivatives against central differences in core/test_ops.py (and
against PyTorch in core/test_torch.py). Each row of core/test_ops.py's OPERATIONS table is
evaluated both ways, at its sample points and at the kinks and special values
below, and compiled by `trace` as a whole program.
"""

import math

import numpy as np
import pytest
from test_ops import OPERATIONS

from autograd import DomainError, Value, trace
from autograd.compiler.numpy_forms import forward_function, has_form, operations

REL = 1e-13
SPECIAL = [  # kinks, borders, limits and non-finite inputs: where the one-sided choices are made
    ("relu at 0", lambda x: x.relu(), [0.0, -0.0, math.nan, math.inf, -math.inf]),
    ("abs at 0", lambda x: abs(x), [0.0, math.nan]),
    ("step at 0", lambda x: x.step(), [0.0, math.nan, 1e-300]),
    ("leaky_relu at 0", lambda x: x.leaky_relu(0.1), [0.0, math.nan]),
    ("elu at 0", lambda x: x.elu(0.5), [0.0, -1e-3, math.nan]),
    ("hardtanh borders", lambda x: x.hardtanh(-0.5, 2.0), [-0.5, 2.0, -0.5000001, 2.0000001, math.nan]),
    ("sqrt at 0", lambda x: x.sqrt(), [0.0]),
    ("x ** 0.5 at 0", lambda x: x**0.5, [0.0]),
    ("x ** 3 at 0", lambda x: x**3, [0.0]),
    ("x ** 0 at 0", lambda x: x**0, [0.0]),
    ("2 ** x", lambda x: 2.0**x, [-3.0, 0.0]),
    ("0 ** x", lambda x: 0.0**x, [2.0]),
    ("sin inf", lambda x: x.sin(), [math.inf, math.nan]),
    ("cos inf", lambda x: x.cos(), [-math.inf]),
    ("gelu limits", lambda x: x.gelu(), [math.inf, -math.inf, -30.0, 0.0]),
    ("sigmoid far", lambda x: x.sigmoid(), [-800.0, 800.0, 0.0]),
    ("softplus far", lambda x: x.softplus(), [-800.0, 800.0, 0.0]),
    ("tanh far", lambda x: x.tanh(), [-30.0, 30.0]),
    ("exp nan", lambda x: x.exp(), [math.nan, -math.inf]),
]


def close(a, b) -> bool:
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= REL * max(abs(a), abs(b), 1e-300) or a == b


def check_node(node):
    """The NumPy form of node.op on the node's operands gives its data and each parent's local derivative."""
    operands = node.operands
    arrays = [np.array([a.data if isinstance(a, Value) else a]) for a in operands]
    with np.errstate(all="ignore"):  # as the compiler runs them: both branches of a where are computed
        out, local = forward_function(node.op, tuple(isinstance(a, Value) for a in operands))(arrays)
    assert len(local) == len(operands), (node.op, local)
    assert close(np.asarray(out)[0], node.data), (node.op, operands, out, node.data)
    parent_slopes = [np.broadcast_to(d, (1,))[0] for a, d in zip(operands, local) if isinstance(a, Value)]
    for mine, theirs in zip(parent_slopes, node.local_grads, strict=True):
        assert close(mine, theirs), (node.op, [getattr(a, "data", a) for a in operands], mine, theirs)


def all_nodes(root):
    seen, stack, out = set(), [root], []
    while stack:
        n = stack.pop()
        if id(n) in seen or not n.op:
            continue
        seen.add(id(n))
        out.append(n)
        stack.extend(n.parents)
    return out


@pytest.mark.parametrize("name, fn, _, points", OPERATIONS, ids=[row[0] for row in OPERATIONS])
def test_numpy_form_matches_the_scalar_engine(name, fn, _, points):
    for point in points:
        root = fn(*[Value(v) for v in point])
        if isinstance(root, Value):
            for node in all_nodes(root):
                if node.op not in ("sum", "dot"):
                    check_node(node)


@pytest.mark.parametrize("name, fn, points", SPECIAL, ids=[row[0] for row in SPECIAL])
def test_kinks_and_special_values(name, fn, points):
    for x in points:
        check_node(fn(Value(x)))


def test_the_table_covers_every_operation_the_engine_records():
    recorded = set()
    for _, fn, _, points in OPERATIONS:
        root = fn(*[Value(v) for v in points[0]])
        if isinstance(root, Value):
            recorded |= {n.op for n in all_nodes(root)}
    # normal_cdf is made only by gelu's derivative (grad(..., create_graph=True)): checked below
    assert recorded - {"sum", "dot"} == set(operations()) - {"normal_cdf"}
    assert all(has_form(op) for op in operations()) and not has_form("dot") and not has_form("sum")


def test_normal_cdf_matches_the_node_that_gelus_derivative_makes():
    from autograd import grad

    for x in (-40.0, -3.0, -0.5, 0.0, 0.7, 5.0):
        v = Value(x)
        slope = grad(v.gelu(), [v], create_graph=True)[0]
        node = next(n for n in all_nodes(slope) if n.op == "normal_cdf")
        out, local = forward_function("normal_cdf", (True,))([np.array([node.parents[0].data])])
        assert out[0] == pytest.approx(node.data, rel=1e-15, abs=1e-300)
        assert local[0] == pytest.approx(node.local_grads[0], rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("name, fn, _, points", OPERATIONS, ids=[row[0] for row in OPERATIONS])
def test_compiled_operation_matches_the_scalar_loop(name, fn, _, points):
    """The first operand varies per sample (a batch of the sample points), the others are parameters."""
    arity = len(points[0])
    params = [Value(1.0) for _ in range(arity - 1)]
    rows = [p for p in points if p[1:] == points[0][1:]]  # the parameters' values are fixed
    for p, v in zip(params, rows[0][1:]):
        p.data = v
    program = trace(lambda x: fn(x, *params), Value(rows[0][0]))
    xs = [r[0] for r in rows]
    expected, grads = [], [0.0] * len(params)
    for x in xs:
        inputs = [Value(x)] + [Value(p.data) for p in params]
        out = fn(*inputs)
        out.backward()
        expected.append(out.data)
        grads = [g + q.grad / len(xs) for g, q in zip(grads, inputs[1:])]
    assert all(close(a, b) for a, b in zip(program(xs), expected))
    value = program.value_and_grad(xs)
    assert close(value, sum(expected) / len(xs))
    assert all(close(p.grad, g) for p, g in zip(params, grads))


@pytest.mark.parametrize(
    "fn, x, error, words",
    [
        (lambda x: x.log(), -0.5, DomainError, "log(-0.5)"),
        (lambda x: x.sqrt(), -2.0, DomainError, "sqrt(-2.0)"),
        (lambda x: 1.0 / x, 0.0, ZeroDivisionError, "division of 1.0 by zero"),
        (lambda x: x.exp(), 1000.0, OverflowError, "exp(1000.0)"),
        (lambda x: x**-1.0, 0.0, ZeroDivisionError, "0.0 ** -1.0 is undefined"),  # the float path's words
        (lambda x: x**0.5, -1.0, DomainError, "fractional power"),
    ],
)
def test_errors_where_the_scalar_engine_raises(fn, x, error, words):
    with pytest.raises(error):
        fn(Value(x))  # the scalar engine refuses this input too
    program = trace(fn, Value(1.0))
    with pytest.raises(error, match="sample 2 of the batch") as raised:
        program([1.0, 2.0, x, 3.0])
    assert words in str(raised.value)
