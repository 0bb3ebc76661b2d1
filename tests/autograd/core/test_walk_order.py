"""The walk behind topological_order and backward() (with its runs of single-parent nodes) gives exactly the
depth-first order the README documents: each node after its parents, parents in written order, as a plain
recursive depth-first search finds them."""

import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, topological_order, total
from autograd.core.graph import StaleGraphError, _order


def recursive_order(root, keep_leaves=True):
    order, seen = [], set()

    def visit(node):
        seen.add(id(node))
        for parent in node.parents:
            if id(parent) not in seen:
                visit(parent)
        if keep_leaves or node.op:
            order.append(node)

    visit(root)
    return order


@st.composite
def graphs(draw):
    rng = random.Random(draw(st.integers(0, 100_000)))
    pool = [Value(rng.uniform(0.5, 1.5), label=f"x{k}") for k in range(rng.randint(1, 4))]
    for _ in range(draw(st.integers(1, 30))):
        a, b, c = (rng.choice(pool[-6:] if rng.random() < 0.7 else pool) for _ in range(3))
        kind = rng.randrange(7)
        made = (
            a * b if kind == 0 else a + b if kind == 1 else a.tanh() if kind == 2 else a * 2.0 if kind == 3
            else a * a if kind == 4 else dot([a, b], [c, 1.5], a) if kind == 5 else total([a, b, c])
        )  # fmt: skip
        pool.append(made)
    return pool[-1]


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_walk_is_the_recursive_depth_first_order(root):
    assert [id(n) for n in topological_order(root)] == [id(n) for n in recursive_order(root)]
    backward_order = _order(root, backward=True) if root.op else []
    assert [id(n) for n in backward_order] == [id(n) for n in recursive_order(root, keep_leaves=False)]


def test_the_readme_order_and_a_long_chain():
    a, b, c, d = Value(1.0), Value(2.0), Value(3.0), Value(4.0)
    g, h = a + b, c + d
    i = g * h
    f = i**2
    assert topological_order(f) == [a, b, g, c, d, h, i, f]
    x = Value(0.5)
    y = x
    for _ in range(sys.getrecursionlimit() * 3):  # deeper than recursion could go
        y = (y * 1.0001 + 0.5).relu() * x
    order = topological_order(y)
    assert order[0] is x and order[-1] is y and len(order) == 1 + 4 * sys.getrecursionlimit() * 3


@settings(max_examples=200, deadline=None)
@given(graphs(), st.integers(0, 3), st.booleans())
def test_backward_refuses_exactly_the_graphs_whose_leaf_changed(root, which, walk_first):
    """The backward walk looks for stale nodes only among those with a leaf parent: a graph is refused
    exactly when one of its own leaves got new data after it was built, before or after a first walk."""
    if walk_first:
        root.backward()
    leaves = [n for n in recursive_order(root) if not n.op]
    pool = sorted({id(n): n for n in leaves}.values(), key=lambda n: n.label)
    leaf = pool[which % len(pool)]
    outsider = Value(2.0)
    outsider.data = 3.0  # an assignment to a leaf of no graph here: nothing to refuse
    root.backward()
    leaf.data = leaf.data + 0.25
    for _ in range(2):  # and a refusal is not forgotten
        with pytest.raises(StaleGraphError, match=repr(leaf.label)):
            root.backward()
