"""The compiler's own walks (recording.computed_order, recording.full_order) give the engine's order.

Compiling visits only the computed nodes, and a program's full order is made when first asked: both must be
`topological_order`'s order (node numbers in messages, the guard's positions, the parameters' order met),
checked here on random graphs against the engine's walk.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, trace
from autograd.compiler import recording
from autograd.core.graph import StaleGraphError
from autograd.core.operations import dot, total


def _graph(choices):
    """A random graph from a list of (operation, operand picks): shared nodes, repeated operands, leaves."""
    nodes = [Value(0.1 * (k + 1)) for k in range(4)]
    for op, a, b, c in choices:
        x, y, z = nodes[a % len(nodes)], nodes[b % len(nodes)], nodes[c % len(nodes)]
        if op == 0:
            nodes.append(x + y)
        elif op == 1:
            nodes.append(x * y)
        elif op == 2:
            nodes.append(x.tanh())
        elif op == 3:
            nodes.append(dot([x, y], [z, 2.0], x))
        else:
            nodes.append(total([x, y, z, 1.5]))
    return nodes


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)), min_size=1,
             max_size=30),
    st.lists(st.integers(0, 99), min_size=1, max_size=4),
)  # fmt: skip
def test_the_compilers_walks_give_the_engines_order(choices, picks):
    nodes = _graph(choices)
    computed = nodes[4:]
    roots = [computed[p % len(computed)] for p in picks]
    expected = recording.order_of(roots)
    assert recording.full_order(roots) == expected
    assert recording.computed_order(roots) == [n for n in expected if n.op]


def test_a_programs_order_is_the_traced_graphs():
    w, v = Value(2.0), Value(3.0)
    program = trace(lambda x: [(w * x).tanh() + v, x * x], 1.0)
    placeholders, args = recording.placeholders([1.0])
    outputs = recording.outputs(recording.call_traced(program.fn, args), "test")[0]
    assert [n.op for n in program.order] == [n.op for n in recording.order_of(outputs)]
    assert program.parameters == [w, v]


def test_tracing_refuses_a_graph_whose_leaf_changed_after_use_as_the_engine_does():
    w = Value(2.0)

    def fn(x):
        y = w * x
        w.data = 5.0  # after y used it: y's recorded slope belongs to the old number
        return y + 1.0

    with pytest.raises(StaleGraphError, match="topological_order"):
        trace(fn, 1.0)
