"""What `.data` and `.grad` accept, graphs whose leaves changed after they were built, and backward() on a
result of no_grad(): the cases of issue 22 (items 3, 4, 5), written as a user meets them."""

import math
import pickle
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, backpropagate, grad, no_grad, topological_order, zero_grad
from nn import MLP

# ---- .data and .grad store Python floats, or refuse --------------------------------------


def test_micrograd_update_line_with_a_numpy_learning_rate_keeps_python_floats(tmp_path):
    model = MLP(2, [4, 1], rng=0)
    lr = np.float32(0.01)
    for _ in range(2):
        loss = sum((model([x, -x]) - 1.0) ** 2 for x in (0.5, -1.0))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad  # micrograd's own update line: lr * p.grad is a NumPy float32
    assert all(type(p.data) is float for p in model.parameters())
    out = model([0.3, 0.2]) * 3.0 + 1e-9
    assert type(out.data) is float
    path = tmp_path / "model.json"
    model.save(path)  # json refused float32 before
    assert MLP(2, [4, 1], rng=5).load(path).parameters()[0].data == model.parameters()[0].data


@pytest.mark.parametrize(
    "number, stored",
    [(5, 5.0), (np.float32(0.5), 0.5), (np.float64(0.1), 0.1), (np.int64(-3), -3.0), (True, 1.0), (math.inf, math.inf)],
)
def test_data_and_grad_store_floats(number, stored):
    x = Value(1.0)
    x.data = number
    x.grad = number
    assert type(x.data) is float and x.data == stored  # the README: data is always a float
    assert type(x.grad) is float and x.grad == stored
    assert type((x * 3.0).data) is float


def test_bool_is_converted_as_value_converts_it():
    assert Value(True).data == 1.0
    x = Value(0.0)
    x.data = True
    assert x.data == 1.0 and type(x.data) is float


@pytest.mark.parametrize("bad", ["five", None, np.array([1.0, 2.0]), np.array(2.0), 1j, [1.0], Value(2.0)])
@pytest.mark.parametrize("name", ["data", "grad"])
def test_data_and_grad_refuse_what_is_no_number(name, bad):
    x = Value(1.5, label="x")
    with pytest.raises(TypeError) as info:
        setattr(x, name, bad)
    message = str(info.value)
    assert f"Value.{name}" in message and type(bad).__name__ in message and "'x'" in message
    assert getattr(x, name) == (1.5 if name == "data" else 0.0)  # nothing stored


def test_grad_none_is_refused_where_it_is_assigned_not_inside_backward():
    x = Value(2.0)
    y = x * x
    with pytest.raises(TypeError, match="Value.grad"):
        x.grad = None
    y.backward()
    assert x.grad == 4.0


def test_data_of_an_operation_result_cannot_be_assigned():
    x = Value(2.0, label="x")
    y = (x * 3.0).tanh()
    with pytest.raises(AttributeError, match=r"Value\.data .*'tanh'.* leaf"):
        y.data = 0.5
    assert y.data == math.tanh(6.0)
    with no_grad():
        z = x * 3.0  # a leaf: no_grad() records no operation
    z.data = 1.0
    assert z.data == 1.0


def test_by_hand_backprop_of_the_lecture_still_assigns_grad():
    a, b = Value(2.0), Value(-3.0)
    o = a * b
    o.grad = 1  # the lecture writes o.grad = 1.0
    o._backward()
    assert (a.grad, b.grad) == (-3.0, 2.0) and type(a.grad) is float


# ---- a graph whose leaf changed after it was built ---------------------------------------------


def test_the_course_cell_raises_at_the_second_backward_naming_the_leaf():
    x = Value(4, label="x")
    f = x**3
    f.backward()
    assert x.grad == 48.0
    x.data = 5
    with pytest.raises(RuntimeError, match=r"leaf 5\.0 \(node 'x'\) got new data") as info:
        f.backward()  # micrograd gives 123, the old engine 96: neither is the slope of anything
    assert "compute the result again" in str(info.value)
    assert x.grad == 48.0  # nothing was added
    f = x**3  # computed again: fine
    x.grad = 0.0
    f.backward()
    assert x.grad == 75.0


def test_a_change_before_the_first_backward_is_refused_too():
    x, w = Value(1.0, label="x"), Value(0.5, label="w")
    y = (w * x + 1.0).tanh() * 2.0
    w.data = 0.7
    with pytest.raises(RuntimeError, match="'w'"):
        y.backward()
    with pytest.raises(RuntimeError, match="'w'"):
        backpropagate(y)


def test_the_training_loop_assigns_before_each_forward_pass_and_is_never_refused():
    w, b = Value(0.3), Value(-0.2)
    losses = []
    for _ in range(5):
        loss = (w * 2.0 + b - 1.0) ** 2
        w.grad = b.grad = 0.0
        loss.backward()
        w.data -= 0.05 * w.grad
        b.data -= 0.05 * b.grad
        losses.append(loss.data)
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0] / 10


def test_an_unrelated_leaf_changing_refuses_nothing():
    x, z = Value(4.0), Value(1.0)
    f = x**3
    z.data = 2.0
    f.backward()
    f.backward()
    assert x.grad == 96.0  # twice the slope: leaves accumulate, as documented
    x.data = 4.0  # the same number, still a new assignment: refused as PyTorch does
    with pytest.raises(RuntimeError):
        f.backward()


def test_a_change_after_a_clean_walk_is_still_caught():
    x, z = Value(4.0, label="x"), Value(1.0)
    f = (x**3).sin()
    z.data = 2.0  # makes f's nodes "possibly stale": the next walk looks and finds them fine
    f.backward()
    topological_order(f)
    x.data = 5.0
    with pytest.raises(RuntimeError, match="'x'"):
        f.backward()


def test_walks_of_other_graphs_and_zero_grad_do_not_hide_a_stale_graph():
    x = Value(4.0, label="x")
    f = x**3
    x.data = 5.0
    g = x * 2.0  # built after the change: fine
    topological_order(g)
    g.backward()
    zero_grad(f)  # zeroing gradients needs no slopes: allowed
    with pytest.raises(RuntimeError, match="'x'"):
        f.backward()
    with pytest.raises(RuntimeError, match="'x'"):
        topological_order(f)


def test_grad_and_the_lectures_backward_refuse_a_stale_graph():
    x = Value(1.0, label="x")
    y = x.exp() * 3.0
    x.data = 2.0
    with pytest.raises(RuntimeError, match="'x'"):
        grad(y, [x])
    with pytest.raises(RuntimeError, match="'x'"):
        y.parents[0]._backward()


def test_a_graph_from_a_pickle_backpropagates():
    x = Value(2.0, label="x")
    x.data = 3.0
    f = (x * x).tanh()
    x2, f2 = pickle.loads(pickle.dumps((x, f)))
    f2.backward()
    assert x2.grad == pytest.approx(2 * 3.0 * (1 - math.tanh(9.0) ** 2))


@st.composite
def graphs(draw):
    """A random graph over 4 leaves, which leaves it uses, and a leaf to change."""
    rng = random.Random(draw(st.integers(0, 10_000)))
    leaves = [Value(rng.uniform(0.5, 1.5), label=f"x{k}") for k in range(4)]
    pool = [leaves[0]]
    for _ in range(draw(st.integers(1, 12))):
        k = rng.randrange(4)
        if rng.random() < 0.4:
            pool.append(leaves[k])
        a, b = rng.choice(pool), rng.choice(pool)
        pool.append(rng.choice([a * b, a + b, a.tanh(), a * 2.0, a - b]))
    root = pool[-1]
    used = {id(n) for n in topological_order(root)}
    return leaves, root, used, draw(st.integers(0, 3))


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_backward_refuses_exactly_when_a_leaf_it_uses_changed(case):
    leaves, root, used, k = case
    if not root.op:
        return
    leaves[k].data = leaves[k].data + 0.25
    if id(leaves[k]) in used:
        with pytest.raises(RuntimeError, match=f"'x{k}'"):
            root.backward()
    else:
        root.backward()


# ---- backward() of a result of no_grad() -----------------------------------------------------------


def test_backward_of_a_result_built_under_no_grad_is_refused():
    x = Value(2.0)
    with no_grad():
        y = (x * 3.0).tanh()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()
    with pytest.raises(RuntimeError, match="no_grad"):
        backpropagate(y)
    assert y.grad == 0.0 and x.grad == 0.0
    leaf = Value(3.0)  # a leaf the user made: its own gradient, as in PyTorch
    leaf.backward()
    assert leaf.grad == 1.0


def test_a_graph_walked_once_is_still_checked_after_an_assignment():
    """The walk skips the stale check only from the root of the last clean walk with no assignment since:
    a second backward() after an assignment, a retry after a refusal and a walk after zero_grad let a stale
    graph through are all still refused."""
    from autograd.core.graph import StaleGraphError, zero_grad

    x = Value(4.0, label="x")
    f = x**3
    g = f * 2.0
    g.backward()
    g.backward()  # the second walk of a clean graph takes the unchecked path
    assert x.grad == 2 * (2 * 3 * 16.0)
    x.data = 5.0
    for _ in range(2):  # the refused walk marked some nodes; the retry must be refused too
        with pytest.raises(StaleGraphError, match="'x'"):
            g.backward()
    zero_grad(g)  # lets the stale graph through
    with pytest.raises(StaleGraphError, match="'x'"):
        g.backward()
    h = x**3 * 2.0  # built from the new data: fine, and fine again
    h.backward()
    h.backward()
