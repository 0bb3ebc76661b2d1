"""Property tests on random expression graphs (TEACHING.md section 3).

A program is a few leaf values and a list of instructions; instruction k
applies an operation to earlier nodes, chosen freely, so nodes are reused and
diamonds appear. The output is the sum of all nodes nobody uses. Operations
with a restricted domain are guarded (outside their safe region the
instruction takes tanh of its first operand instead), and every guard and
kink side is recorded as a decision: central differences are only compared
when the perturbed runs took the same decisions as the unperturbed one, so no
example straddles a kink or a guard.

Run many more examples with HYPOTHESIS_PROFILE=thorough (tests/conftest.py).
"""

import math

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extra: pip install -e '.[test]'")
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from order_checks import check_topological_order  # noqa: E402

from autograd import Value, dot, gradcheck, topological_order, total  # noqa: E402

EPS = 1e-6
BOUND = 100.0  # examples with larger intermediate values are rejected (finite differences get inexact)


class Run:
    """Records the decisions (guards, kink sides) one evaluation of a program takes."""

    def __init__(self):
        self.decisions = []

    def guard(self, ok, make, fallback):
        self.decisions.append(bool(ok))
        return make() if ok else fallback.tanh()

    def kink(self, x, *corners):
        for c in corners:
            self.decisions.append((x.data > c, x.data < c))


def small(*xs, limit=10.0):
    return all(abs(x.data) < limit for x in xs)


# name -> (arity, implementation(run, *operands) -> Value)
OPS = {
    "tanh": (1, lambda r, x: x.tanh()),
    "sigmoid": (1, lambda r, x: x.sigmoid()),
    "sin": (1, lambda r, x: x.sin()),
    "cos": (1, lambda r, x: x.cos()),
    "softplus": (1, lambda r, x: x.softplus()),
    "gelu": (1, lambda r, x: x.gelu()),
    "neg": (1, lambda r, x: -x),
    "scale": (1, lambda r, x: x * 1.7),
    "rscale": (1, lambda r, x: 0.6 * x),
    "shift": (1, lambda r, x: x + 0.5),
    "rsub": (1, lambda r, x: 2.5 - x),
    "div_number": (1, lambda r, x: x / 3.0),
    "identity": (1, lambda r, x: x),
    "square": (1, lambda r, x: r.guard(small(x), lambda: x**2, x)),
    "cube": (1, lambda r, x: r.guard(small(x, limit=5.0), lambda: x**3, x)),
    "reciprocal": (1, lambda r, x: r.guard(abs(x.data) > 0.2, lambda: 2.0 / x, x)),
    "exp": (1, lambda r, x: r.guard(x.data < 4.0, lambda: x.exp(), x)),
    "log": (1, lambda r, x: r.guard(x.data > 0.1, lambda: x.log(), x)),
    "sqrt": (1, lambda r, x: r.guard(x.data > 0.1, lambda: x.sqrt(), x)),
    "pow_half": (1, lambda r, x: r.guard(x.data > 0.1, lambda: x**0.5, x)),
    "pow_negative": (1, lambda r, x: r.guard(x.data > 0.2, lambda: x**-1.5, x)),
    "number_base": (1, lambda r, x: r.guard(abs(x.data) < 6.0, lambda: 2**x, x)),
    "abs": (1, lambda r, x: (r.kink(x, 0.0), abs(x))[1]),
    "relu": (1, lambda r, x: (r.kink(x, 0.0), x.relu())[1]),
    "leaky_relu": (1, lambda r, x: (r.kink(x, 0.0), x.leaky_relu(0.1))[1]),
    "hardtanh": (1, lambda r, x: (r.kink(x, -1.0, 1.0), x.hardtanh())[1]),
    "elu": (1, lambda r, x: (r.kink(x, 0.0), x.elu(0.8))[1]),
    "step": (1, lambda r, x: (r.kink(x, 0.0), x.step())[1]),
    "+": (2, lambda r, a, b: a + b),
    "-": (2, lambda r, a, b: a - b),
    "*": (2, lambda r, a, b: r.guard(small(a, b), lambda: a * b, a)),
    "/": (2, lambda r, a, b: r.guard(abs(b.data) > 0.2 and small(a), lambda: a / b, a)),
    "**": (2, lambda r, a, b: r.guard(0.2 < a.data < 5.0 and abs(b.data) < 3.0, lambda: a**b, a)),
    "prelu": (2, lambda r, a, b: (r.kink(a, 0.0), a.leaky_relu(b))[1]),
    "dot": (5, lambda r, w1, w2, x1, x2, b: r.guard(small(w1, w2, x1, x2), lambda: dot([w1, w2], [x1, x2], b), w1)),
    "total": (3, lambda r, a, b, c: total([a, b, c])),
}
# Operations that keep a long chain's values bounded (the squashing ones come often).
CHAIN_OPS = ["tanh", "sin", "cos", "sigmoid", "gelu", "neg", "scale", "shift", "rsub", "square", "exp", "log"]
CHAIN_OPS += ["relu", "elu", "leaky_relu", "abs", "hardtanh", "+", "*", "prelu", "-"]


def execute(program, leaf_values, leaves=None):
    """Build the program's graph (on new leaves, or on the given ones); returns (leaves, nodes, output, run)."""
    _, instructions = program
    run = Run()
    if leaves is None:
        leaves = [Value(v, label=f"x{i}") for i, v in enumerate(leaf_values)]
    nodes = list(leaves)
    used = set()
    for name, args in instructions:
        operands = [nodes[i] for i in args]
        used.update(args)
        nodes.append(OPS[name][1](run, *operands))
    sinks = [n for i, n in enumerate(nodes) if i >= len(leaves) and i not in used]
    out = total(sinks)
    return leaves, nodes, out, run


@st.composite
def programs(draw, max_leaves=4, max_steps=20):
    """Random DAGs: operands chosen among all earlier nodes, favouring recent ones."""
    n_leaves = draw(st.integers(1, max_leaves))
    leaf_values = draw(st.lists(st.floats(-2.0, 2.0), min_size=n_leaves, max_size=n_leaves))
    instructions = []
    for k in range(draw(st.integers(1, max_steps))):
        size = n_leaves + k
        name = draw(st.sampled_from(sorted(OPS)))
        args = tuple(size - 1 - draw(st.integers(0, size - 1)) for _ in range(OPS[name][0]))
        instructions.append((name, args))
    return leaf_values, instructions


@st.composite
def deep_chains(draw, min_length=50, max_length=300):
    """A long chain on one leaf; binary steps also use a second leaf (a path around the chain)."""
    leaf_values = draw(st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2))
    instructions = []
    for k in range(draw(st.integers(min_length, max_length))):
        previous = 2 + k - 1 if k else 0
        name = draw(st.sampled_from(CHAIN_OPS))
        arity = OPS[name][0]
        instructions.append((name, (previous,) if arity == 1 else (previous, 1)))
    return leaf_values, instructions


def checked_run(program):
    """Execute, backpropagate, and reject examples outside the safe region."""
    leaf_values = program[0]
    leaves, nodes, out, run = execute(program, leaf_values)
    assume(all(math.isfinite(n.data) and abs(n.data) < BOUND for n in nodes + [out]))
    out.backward()
    # Central differences err by about (third derivative) * eps^2 / 6: past slopes of BOUND^2 they are
    # no reference any more (x ** 32768 at x = 1 has slope 32768, and the difference is off by 6).
    assume(all(abs(leaf.grad) < BOUND**2 for leaf in leaves))
    return leaves, nodes, out, run


def assert_matches_central_differences(program):
    leaves, nodes, out, run = checked_run(program)
    leaf_values = program[0]
    for i, leaf in enumerate(leaves):
        outputs = []
        for shift in (EPS, -EPS):
            moved = list(leaf_values)
            moved[i] += shift
            _, _, shifted_out, shifted_run = execute(program, moved)
            assume(shifted_run.decisions == run.decisions)
            outputs.append(shifted_out.data)
        numeric = (outputs[0] - outputs[1]) / (2 * EPS)
        assert math.isfinite(leaf.grad)
        assert abs(leaf.grad - numeric) <= 1e-5 + 1e-4 * abs(numeric), (i, leaf.grad, numeric)


@given(programs())
def test_random_graphs_match_central_differences(program):
    assert_matches_central_differences(program)


@given(deep_chains())
def test_deep_chains_match_central_differences(program):
    assert_matches_central_differences(program)


@given(programs())
def test_backward_twice_doubles_leaves_and_keeps_interior(program):
    leaves, nodes, out, _ = checked_run(program)
    leaf_ids = {id(v) for v in leaves}
    order = topological_order(out)
    first = [n.grad for n in order]
    leaf_first = [v.grad for v in leaves]
    out.backward()
    for node, grad in zip(order, first):
        if id(node) in leaf_ids:
            continue
        assert node.grad == grad  # interior: recomputed, the same
    # Leaves: accumulated. Exactly 2x up to rounding: the second pass adds its contributions onto the
    # first total, so cancelling paths (e.g. exp(x) - x near 0) round differently; scale by their size.
    size = {id(v): 0.0 for v in leaves}
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            if id(parent) in size:
                size[id(parent)] += abs(local * node.grad)
    for leaf, grad in zip(leaves, leaf_first):
        assert abs(leaf.grad - 2 * grad) <= 1e-12 * size[id(leaf)]


@given(programs(max_steps=30))
def test_topological_order_property(program):
    leaves, nodes, out, _ = execute(program, program[0])
    check_topological_order(out, topological_order(out))


@given(programs(max_leaves=3, max_steps=10))
def test_gradcheck_accepts_random_graphs_and_leaves_grads_alone(program):
    leaves, nodes, out, run = checked_run(program)
    before = [v.grad for v in leaves]

    def f(*inputs):
        return execute(program, None, list(inputs))[2]

    for i in range(len(leaves)):  # only where no kink or guard is near
        for shift in (EPS, -EPS):
            moved = list(program[0])
            moved[i] += shift
            assume(execute(program, moved)[3].decisions == run.decisions)
    assert gradcheck(f, leaves, atol=1e-5, rtol=1e-3)
    assert [v.grad for v in leaves] == before
