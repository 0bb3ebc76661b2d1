"""The derivatives of each operation's record evaluated on Values (autograd.core.registry.local_derivatives),
inside the graphs that grad(..., create_graph=True) builds.

Derivative graphs hold nodes of their own (normal_cdf in GELU's, pow_inf where
a slope is infinite): each is rebuilt by `replay` and its record's derivatives
give what it recorded. The nodes of the users' graphs are checked against their
records in core/test_operations.py.
"""

import pytest
from test_operations import ALL_CASES, assert_value_slopes_recorded, close

from autograd import Value, grad, replay, topological_order
from autograd.core.numerics import VALUES
from autograd.core.registry import local_derivatives

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
        assert close(again.data, node.data), (node.op, again.data, node.data)
        assert len(again.local_grads) == len(node.local_grads)
        assert all(close(a, b) for a, b in zip(again.local_grads, node.local_grads)), node.op


@pytest.mark.parametrize("name, fn, point", DERIVATIVE_CASES, ids=DERIVATIVE_IDS)
def test_rules_give_the_recorded_local_derivatives_inside_derivative_graphs(name, fn, point):
    for node in second_derivative_nodes(fn, point):
        assert_value_slopes_recorded(node)


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
