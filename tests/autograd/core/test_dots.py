"""dots(weight_rows, inputs, biases), a layer's weighted sums at once: the very nodes dot() records
neuron by neuron, whichever path makes them (Value inputs, float inputs, or anything else through dot)."""

import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, replay
from autograd.core import operations
from autograd.core.operations import dots
from autograd.core.value import recorded_constant


class Tagged(Value):
    """A Value subclass: an operand like Value itself, which dots leaves to dot."""


def expected_sum(ws: list[float], xs: list[float], b: float) -> float:
    z = 0.0
    for w, x in zip(ws, xs):
        z += w * x
    return z + b


def assert_same_node(node, reference, ws: list[float], xs: list[float], b: float) -> None:
    """node and reference record the same operation on the same parents; the sum is w . x + b
    (exactly on 3.11; from 3.12 sum() compensates rounding, so a few units in the last place)."""
    assert node.op == reference.op == "dot"
    assert [id(p) for p in node.parents] == [id(p) for p in reference.parents]
    assert node.local_grads == reference.local_grads
    assert type(node.local_grads) is tuple and type(node.parents) is tuple
    assert [id(o) if isinstance(o, Value) else o for o in node.operands] == [
        id(o) if isinstance(o, Value) else o for o in reference.operands
    ]
    assert recorded_constant(node) == recorded_constant(reference)
    want = expected_sum(ws, xs, b)
    if sys.version_info < (3, 12):
        assert node.data == want
    else:
        size = sum(abs(w * x) for w, x in zip(ws, xs)) + abs(b)
        assert math.isclose(node.data, want, rel_tol=0.0, abs_tol=4 * (len(ws) + 1) * math.ulp(size))
    assert math.isclose(node.data, reference.data, rel_tol=0.0, abs_tol=1e-12)
    assert replay(node).data == node.data


numbers = st.floats(-3, 3)
kinds = st.sampled_from(["value", "float", "int", "subclass"])


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 20).flatmap(
        lambda nin: st.tuples(
            st.lists(st.lists(st.tuples(numbers, kinds), min_size=nin, max_size=nin), min_size=1, max_size=6),
            st.lists(st.tuples(numbers, kinds), min_size=nin, max_size=nin),
            st.sampled_from(["values", "floats", "mixed"]),
            st.lists(numbers, min_size=6, max_size=6),
            st.booleans(),
        )
    )
)
def test_dots_records_what_dot_records_neuron_by_neuron(case):
    """Half the layers have Value weights only (what dots makes itself when the inputs allow), the
    others any operands (what it leaves to dot)."""
    rows_spec, inputs_spec, input_kind, bias_numbers, plain_weights = case
    if plain_weights:
        rows_spec = [[(w, "value") for w, _ in row] for row in rows_spec]

    def operand(number, kind):
        if kind == "value":
            return Value(number)
        if kind == "subclass":
            return Tagged(number)
        if kind == "int":
            return int(number)
        return number

    rows = [[operand(w, kind) for w, kind in row] for row in rows_spec]
    if input_kind == "values":
        inputs = [Value(x) for x, _ in inputs_spec]
    elif input_kind == "floats":
        inputs = [x for x, _ in inputs_spec]
    else:
        inputs = [operand(x, kind) for x, kind in inputs_spec]
    biases = [Value(b) for b in bias_numbers[: len(rows)]]
    nodes = dots(rows, inputs, biases)
    assert len(nodes) == len(rows)
    for node, row, b in zip(nodes, rows, biases):
        ws = [float(w.data if isinstance(w, Value) else w) for w in row]
        xs = [float(x.data if isinstance(x, Value) else x) for x in inputs]
        assert_same_node(node, dot(row, inputs, b), ws, xs, b.data)


def test_layers_of_two_neurons_or_more_do_not_go_through_dot(monkeypatch):
    """Float inputs from two neurons on, Value inputs from 32 products on: the list operations make the
    nodes (one neuron, or fewer products of Values, is as fast through dot's own loop)."""
    monkeypatch.setattr(operations, "dot", None)  # dots would fail calling it
    assert [z.data for z in dots([[Value(0.5)] * 16] * 2, [Value(1.0)] * 16, [Value(0.0)] * 2)] == [8.0, 8.0]
    assert [z.data for z in dots([[Value(0.5)] * 2] * 2, [1.0, 2.0], [Value(0.0)] * 2)] == [1.5, 1.5]
    with pytest.raises(TypeError):  # one neuron: dot's loop
        dots([[Value(0.5)] * 16], [Value(1.0)] * 16, [Value(0.0)])


def test_a_hidden_layer_node_interleaves_weights_and_inputs():
    """Two Value inputs, two neurons: the parents are w_0, x_0, w_1, x_1, b, each slope the other factor."""
    x = [Value(2.0), Value(-3.0)]
    w = [[Value(0.5), Value(4.0)], [Value(-1.0), Value(0.25)]]
    b = [Value(1.0), Value(-2.0)]
    first, second = dots(w, x, b)
    assert first.parents == (w[0][0], x[0], w[0][1], x[1], b[0])
    assert first.local_grads == (2.0, 0.5, -3.0, 4.0, 1.0)
    assert first.data == 0.5 * 2.0 + 4.0 * -3.0 + 1.0
    assert second.parents == (w[1][0], x[0], w[1][1], x[1], b[1])
    assert second.local_grads == (2.0, -1.0, -3.0, 0.25, 1.0)
    assert second.data == -1.0 * 2.0 + 0.25 * -3.0 - 2.0


def test_a_first_layer_node_records_the_numbers_where_they_stand():
    w = [[Value(0.5), Value(4.0)], [Value(-1.0), Value(0.25)]]
    b = [Value(1.0), Value(-2.0)]
    first, second = dots(w, [2.0, -3.0], b)
    assert first.parents == (w[0][0], w[0][1], b[0])
    assert first.local_grads == second.local_grads == (2.0, -3.0, 1.0)
    assert first.operands == (w[0][0], 2.0, w[0][1], -3.0, b[0])
    assert second.operands == (w[1][0], 2.0, w[1][1], -3.0, b[1])
    assert second.data == -1.0 * 2.0 + 0.25 * -3.0 - 2.0


def test_gradients_through_dots_match_central_differences():
    """8 Value inputs, 4 neurons (32 products: the list operations' path), both inputs and weights learn."""
    x = [Value(0.3 * k - 1.0) for k in range(8)]
    w = [[Value(0.1 * ((3 * j + 5 * k) % 7) - 0.3) for k in range(8)] for j in range(4)]
    b = [Value(0.1 * j) for j in range(4)]
    leaves = [*x, *(v for row in w for v in row), *b]

    def f():
        h = [z.tanh() for z in dots(w, x, b)]
        return (h[0] * h[1] + h[2] - h[3]).sigmoid()

    f().backward()
    for leaf in leaves:
        saved = leaf.data
        leaf.data = saved + 1e-6
        up = f().data
        leaf.data = saved - 1e-6
        down = f().data
        leaf.data = saved
        assert math.isclose(leaf.grad, (up - down) / 2e-6, rel_tol=1e-6, abs_tol=1e-9)


def test_bad_operands_get_dots_own_clear_errors():
    """Errors come from dot, naming the operand, as when each neuron calls it."""
    w = [[Value(1.0), Value(2.0)]]
    b = [Value(0.0)]
    with pytest.raises(TypeError, match=r"dot: inputs\[1\] is .*str"):
        dots(w, [1.0, "2"], b)
    with pytest.raises(TypeError, match=r"dot: weights\[0\] is .*None"):
        dots([[None, Value(1.0)]], [1.0, 2.0], b)
    with pytest.raises(ValueError, match="dot: 2 weights but 3 inputs"):
        dots(w, [1.0, 2.0, 3.0], b)
    with pytest.raises(ValueError, match="dots: 1 rows of weights but 2 biases"):
        dots(w, [1.0, 2.0], [Value(0.0), Value(1.0)])
