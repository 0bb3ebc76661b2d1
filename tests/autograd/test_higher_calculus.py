"""The derivative table (autograd/calculus.py) against the float fast path (autograd/value.py).

For every operation of test_ops.py's table at each of its sample points, and at
the awkward points (kinks, 0, infinities, nan), each node's rule evaluated on
Values and on NumPy arrays gives the local derivatives the node recorded
while it was computed. `test_every_recorded_operation_has_a_rule` fails
when value.py records an operation that has no rule.
"""

import ast
import inspect
import math

import numpy as np
import pytest
from test_ops import CASES, OPERATIONS

import autograd.core.value
from autograd import Value, dot, grad, replay, topological_order, total
from autograd.core.calculus import NUMPY, RULES, VALUES, local_derivatives

INF, NAN = math.inf, math.nan

# Points where the float path takes a special branch: kinks, zero, infinities, nan.
AWKWARD = [
    ("relu at 0", lambda x: x.relu(), [(0.0,), (-0.0,), (NAN,), (INF,), (-INF,)]),
    ("abs at 0", lambda x: abs(x), [(0.0,), (NAN,), (-INF,)]),
    ("step at 0", lambda x: x.step(), [(0.0,), (NAN,)]),
    ("leaky_relu at 0", lambda x: x.leaky_relu(0.2), [(0.0,), (NAN,)]),
    ("prelu at 0", lambda x, a: x.leaky_relu(a), [(0.0, 0.3), (2.0, 0.0)]),
    ("hardtanh at its borders", lambda x: x.hardtanh(), [(1.0,), (-1.0,), (NAN,), (INF,)]),
    ("elu at 0", lambda x: x.elu(0.5), [(0.0,), (-INF,), (NAN,)]),
    ("gelu at the infinities", lambda x: x.gelu(), [(INF,), (-INF,), (0.0,), (-40.0,), (NAN,)]),
    ("sqrt at 0", lambda x: x.sqrt(), [(0.0,), (INF,)]),
    ("x ** 0.5 at 0", lambda x: x**0.5, [(0.0,)]),
    ("x ** 2 at 0", lambda x: x**2, [(0.0,)]),
    ("x ** 0 at 0", lambda x: x**0, [(0.0,)]),
    ("x ** y at x = 0", lambda x, y: x**y, [(0.0, 2.0), (0.0, 0.5), (0.0, 0.0), (0.0, 1.0)]),
    ("x ** y at y = 0", lambda x, y: x**y, [(2.0, 0.0), (-2.0, 0.0), (-2.0, 3.0)]),
    ("0 ** x", lambda x: 0.0**x, [(2.0,)]),
    ("(-2) ** x", lambda x: (-2.0) ** x, [(3.0,)]),
    ("sin, cos at inf", lambda x: x.sin() + x.cos(), [(INF,), (NAN,)]),
    ("tanh, sigmoid, softplus far out", lambda x: x.tanh() + x.sigmoid() + x.softplus(), [(800.0,), (-800.0,)]),
    ("exp, log", lambda x: x.exp() * x.log(), [(1e-300,), (700.0,)]),
    ("first-layer dot", lambda w, v: dot([w, v], [1.5, -2.0], 0.5), [(0.3, -0.7)]),
    ("dot of numbers and a Value", lambda x: dot([2.0, x], [x, 3.0]), [(0.3,)]),
    ("total with numbers", lambda a: total([a, 1.0, a]), [(0.3,)]),
]
AWKWARD_CASES = [(name, fn, point) for name, fn, points in AWKWARD for point in points]
ALL_CASES = [(entry[0], entry[1], point) for entry, point in CASES] + AWKWARD_CASES
IDS = [f"{name} at {point}" for name, _, point in ALL_CASES]


def interior_nodes(fn, point):
    out = fn(*(Value(p) for p in point))
    return [node for node in topological_order(out) if node.op]


def equal(table, recorded: float) -> bool:
    """The same float, bit for bit up to the sign of 0 (nan equal to nan): the rules use the float
    path's own formulas, in the same order of operations."""
    t = float(table)
    return t == recorded or (math.isnan(t) and math.isnan(recorded))


@pytest.mark.parametrize("name, fn, point", ALL_CASES, ids=IDS)
def test_rules_on_values_give_the_recorded_local_derivatives(name, fn, point):
    for node in interior_nodes(fn, point):
        table = local_derivatives(node)
        assert len(table) == len(node.local_grads), node.op
        for slope, recorded in zip(table, node.local_grads):
            assert isinstance(slope, (float, Value)), (node.op, slope)
            got = slope.data if isinstance(slope, Value) else slope
            assert equal(got, recorded), (node.op, got, recorded)


@pytest.mark.parametrize("name, fn, point", ALL_CASES, ids=IDS)
def test_rules_on_numpy_arrays_give_the_recorded_local_derivatives(name, fn, point):
    for node in interior_nodes(fn, point):
        args = tuple(np.array([a.data]) if isinstance(a, Value) else a for a in node.operands)
        with np.errstate(all="ignore"):
            table = RULES[node.op](args, np.array([node.data]), NUMPY)
        assert len(table) == len(node.local_grads), node.op
        for slope, recorded in zip(table, node.local_grads):
            got = np.broadcast_to(slope, (1,))[0]
            assert equal(got, recorded), (node.op, got, recorded)


def test_rules_evaluate_whole_arrays_at_once():
    """One call on a vector of points gives each point's derivative (what a compiler of graphs needs)."""
    xs = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    for op in ("tanh", "sigmoid", "relu", "abs", "elu", "gelu", "softplus", "sin"):
        method = getattr(Value, op) if op != "abs" else Value.__abs__
        nodes = [method(Value(x)) for x in xs]
        out = np.array([n.data for n in nodes])
        args = (xs, 1.0) if op == "elu" else (xs,)
        (slopes,) = RULES[op](args, out, NUMPY)
        assert np.broadcast_to(slopes, xs.shape).tolist() == [n.local_grads[0] for n in nodes], op


def test_every_recorded_operation_has_a_rule():
    """Every operation name that test_ops's complete table of operations records has a rule."""
    recorded = set()
    for _, fn, _, points in OPERATIONS:
        for point in points:
            recorded.update(node.op for node in interior_nodes(fn, point))
    assert len(recorded) >= 25  # the enumeration sees the operations (so this test can fail)
    assert not recorded - set(RULES), (
        f"operations without a rule in autograd/calculus.py: {sorted(recorded - set(RULES))}"
    )


def test_every_operation_name_in_value_py_has_a_rule():
    """The names passed to _result(...) in value.py, read from its syntax tree, all have rules
    (this also sees a branch that no sample point reaches)."""
    tree = ast.parse(inspect.getsource(autograd.core.value))
    names = {
        call.args[1].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and getattr(call.func, "id", "") == "_result"
        and len(call.args) > 1
        and isinstance(call.args[1], ast.Constant)
    }
    assert {"+", "*", "tanh", "dot", "sum", "rpow"} <= names
    assert not names - set(RULES), sorted(names - set(RULES))


def test_the_table_has_no_rule_for_unknown_operations():
    known = {node_op for _, fn, _, pts in OPERATIONS for node_op in (n.op for n in interior_nodes(fn, pts[0]))}
    assert set(RULES) - known == {"normal_cdf", "pow_inf"}  # the operations only derivatives make


# ---- inside derivative graphs ------------------------------------------------------------


def second_derivative_nodes(fn, point):
    """Every interior node of the graphs of all second derivatives of fn at point (create_graph twice),
    and of the first derivatives (GELU's second derivative no longer holds the normal_cdf node of its first)."""
    xs = [Value(p) for p in point]
    firsts = grad(fn(*xs), xs, create_graph=True)
    roots = firsts + [d for f in firsts for d in grad(f, xs, create_graph=True)]
    nodes = {id(n): n for root in roots for n in topological_order(root) if n.op}
    return list(nodes.values())


# x ** y at a base <= 0 with the exponent an input has no second derivatives (test_higher.py): left out
DERIVATIVE_CASES = [
    (name, fn, point)
    for name, fn, point in ALL_CASES
    if not (name.startswith("x ** y at") and point[0] <= 0.0) and name != "(-2) ** x"
]
DERIVATIVE_IDS = [f"{name} at {point}" for name, _, point in DERIVATIVE_CASES]


@pytest.mark.parametrize("name, fn, point", DERIVATIVE_CASES, ids=DERIVATIVE_IDS)
def test_replay_rebuilds_every_node_of_second_derivative_graphs(name, fn, point):
    """Including the nodes only derivatives make (normal_cdf in GELU's, pow_inf where a slope is infinite)."""
    for node in second_derivative_nodes(fn, point):
        again = replay(node)
        assert again.op == node.op and again.parents == node.parents, node.op
        assert equal(again.data, node.data), (node.op, again.data, node.data)
        assert len(again.local_grads) == len(node.local_grads)
        assert all(equal(a, b) for a, b in zip(again.local_grads, node.local_grads)), node.op


@pytest.mark.parametrize("name, fn, point", DERIVATIVE_CASES, ids=DERIVATIVE_IDS)
def test_rules_give_the_recorded_local_derivatives_inside_derivative_graphs(name, fn, point):
    for node in second_derivative_nodes(fn, point):
        table = local_derivatives(node)
        assert len(table) == len(node.local_grads), node.op
        for slope, recorded in zip(table, node.local_grads):
            assert equal(slope.data if isinstance(slope, Value) else slope, recorded), node.op


def test_derivative_graphs_hold_the_derivative_only_operations():
    """The two tests above see normal_cdf and pow_inf (so they can fail on them)."""
    seen = {node.op for _, fn, point in DERIVATIVE_CASES for node in second_derivative_nodes(fn, point)}
    assert {"normal_cdf", "pow_inf", "tanh", "rdiv", "sum"} <= seen


def test_values_namespace_and_constant_slopes():
    x = Value(0.7)
    assert VALUES.varies(x) and not VALUES.varies(2.0)
    assert local_derivatives(x + 2.0) == (1.0,) and local_derivatives(x.relu()) == (1.0,)
    (slope,) = local_derivatives(x.tanh())
    assert isinstance(slope, Value) and slope.op == "rsub"  # 1 - t^2, a node of the graph
