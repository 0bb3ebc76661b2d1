"""The Value object itself: repr, float, format, __slots__, identity
semantics, ordered parents, and what each operation records."""

import copy
import math
import pickle
import subprocess
import sys

import pytest
from checks import check_message

from autograd import Value, dot, no_grad, topological_order, total


def test_new_value():
    v = Value(3)
    assert (v.data, v.grad, v.label, v._op, v.parents, v.local_grads) == (3.0, 0.0, "", "", (), ())
    assert type(v.data) is float and type(v.grad) is float


def test_repr_with_and_without_label():
    f = Value(441.0, label="f")
    f.grad = 1.0
    assert repr(f) == "Value(data=441.0, grad=1.0, label='f')"
    assert repr(Value(-0.5)) == "Value(data=-0.5, grad=0.0)"
    assert str(Value(2.0, label="x")) == "Value(data=2.0, grad=0.0, label='x')"


def test_repr_after_backward_of_the_chain_rule_example():
    a, b, c, d = (Value(x) for x in (1.0, 2.0, 3.0, 4.0))
    f = ((a + b) * (c + d)) ** 2
    f.label = "f"
    assert repr(f) == "Value(data=441.0, grad=0.0, label='f')"
    f.backward()
    assert repr(f) == "Value(data=441.0, grad=1.0, label='f')"


def test_float_and_format():
    v = Value(2.5, label="v")
    assert float(v) == 2.5 and type(float(v)) is float
    assert f"{v:.3f}" == "2.500"
    assert format(v, "e") == "2.500000e+00"
    assert f"{v}" == repr(v)
    assert math.sqrt(Value(4.0)) == 2.0  # float() makes Values usable where math wants a number


def test_an_operation_result_has_an_empty_label_that_can_be_set():
    y = Value(2.0) * 3.0
    assert y.label == ""
    y.label = 42
    assert y.label == "42" and repr(y) == "Value(data=6.0, grad=0.0, label='42')"


def test_label_is_a_string():
    assert Value(1.0, label=7).label == "7"


def test_slots_reject_misspelled_attributes():
    v = Value(1.0)
    with pytest.raises(AttributeError):
        v.gard = 1.0
    assert not hasattr(v, "__dict__")


def test_identity_semantics():
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b  # no value comparison: two nodes with the same number are different nodes
    assert Value.__eq__ is object.__eq__ and Value.__hash__ is object.__hash__
    seen = {a: "a", b: "b"}
    assert seen[a] == "a" and seen[b] == "b" and len({a, b, a}) == 2


def test_parents_are_an_ordered_tuple_and_a_times_a_keeps_both_edges():
    a, b = Value(2.0), Value(5.0)
    prod = a * b
    assert prod.parents == (a, b) and prod.local_grads == (5.0, 2.0)
    assert (b * a).parents == (b, a)
    square = a * a
    assert square.parents == (a, a) and square.local_grads == (2.0, 2.0)
    assert isinstance(square.parents, tuple) and isinstance(square.local_grads, tuple)
    diff = a - b
    assert diff.parents == (a, b) and diff.local_grads == (1.0, -1.0)
    quotient = a / b
    assert quotient.local_grads == (1 / 5.0, -2.0 / 25.0)


def test_numbers_stay_numbers():
    """x * 2.0 needs no leaf node for 2.0: one parent, local derivative 2."""
    x = Value(3.0)
    for node in (x * 2.0, 2.0 * x):
        assert node.parents == (x,) and node.local_grads == (2.0,)
    assert (2.0 - x).local_grads == (-1.0,)
    assert (2.0 / x).local_grads == (pytest.approx(-2.0 / 9.0),)


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda x, y: x + y, "+"),
        (lambda x, y: x - y, "-"),
        (lambda x, y: x * y, "*"),
        (lambda x, y: x / y, "/"),
        (lambda x, y: -x, "neg"),
        (lambda x, y: x**y, "**"),
        (lambda x, y: x**2, "**"),
        (lambda x, y: 2**x, "rpow"),
        (lambda x, y: 2 - x, "rsub"),
        (lambda x, y: 2 / x, "rdiv"),
        (lambda x, y: x.exp(), "exp"),
        (lambda x, y: x.tanh(), "tanh"),
        (lambda x, y: (-x).leaky_relu(y), "leaky_relu"),
        (lambda x, y: dot([x], [y]), "dot"),
        (lambda x, y: total([x, y]), "sum"),
    ],
)
def test_op_names(make, op):
    assert make(Value(1.5), Value(0.5))._op == op


def test_dot_and_total_are_single_nodes_with_many_parents():
    ws = [Value(float(i)) for i in range(5)]
    xs = [Value(float(-i)) for i in range(5)]
    b = Value(0.5)
    z = dot(ws, xs, b)
    local = {id(p): g for p, g in zip(z.parents, z.local_grads)}  # one edge per Value operand
    assert len(z.parents) == 11 and set(local) == {id(v) for v in ws + xs + [b]}
    assert all(local[id(w)] == x.data and local[id(x)] == w.data for w, x in zip(ws, xs)) and local[id(b)] == 1.0
    assert z.data == sum(-(i * i) for i in range(5)) + 0.5
    s = total(xs)
    assert s.parents == tuple(xs) and s.data == -10.0
    assert total([]).data == 0.0 and total([1, 2.5]).data == 3.5
    assert dot([1.0, 2.0], [3.0, 4.0], 1.0).data == 12.0


def test_no_grad_results_are_leaves():
    x = Value(2.0)
    with no_grad():
        y = x * 3.0
    assert y.parents == () and y._op == "" and y.data == 6.0


def test_public_views_of_the_record():
    a, b = Value(2.0, label="a"), Value(5.0)
    prod = a * b
    assert (prod.op, prod.parents, prod.local_grads) == ("*", (a, b), (5.0, 2.0))
    assert (a.op, a.parents, a.local_grads, a.operands) == ("", (), (), ())
    assert (a + 1).op == "+" and (a * a).parents == (a, a)


@pytest.mark.parametrize("name", ["op", "parents", "local_grads"])
def test_views_are_read_only(name):
    v = Value(2.0) * 3.0
    with pytest.raises(AttributeError) as info:
        setattr(v, name, None)
    check_message(info, f"Value.{name}", "read-only")


def test_micrograd_prev_is_the_set_of_parents():
    a, b = Value(2.0), Value(5.0)
    assert (a * b)._prev == {a, b} and (a * a)._prev == {a} and a._prev == set()


def test_backward_by_hand_with_micrograd_backward():
    a, b = Value(2.0), Value(-3.0)
    c = a * b  # -6
    t = c.tanh()
    d = t + a
    d.grad = 1.0
    d._backward()
    assert (t.grad, a.grad, c.grad) == (1.0, 1.0, 0.0)  # only d's own edges so far
    t._backward()
    slope = 1.0 - math.tanh(-6.0) ** 2  # d tanh(c)/dc, by hand
    assert c.grad == pytest.approx(slope, rel=1e-15)
    c._backward()
    assert a.grad == pytest.approx(1.0 + slope * -3.0, rel=1e-15) and b.grad == pytest.approx(slope * 2.0, rel=1e-15)
    by_hand = (a.grad, b.grad)
    a.grad = b.grad = 0.0
    d.backward()
    assert (a.grad, b.grad) == by_hand


def test_micrograd_names_are_read_only_views_too():
    y = Value(2.0) * 3.0
    for name in ("_op", "_prev", "operands"):
        with pytest.raises(AttributeError) as info:
            setattr(y, name, None)
        check_message(info, f"Value.{name}", "read-only")
    assert (y._op, y.op) == ("*", "*")


@pytest.mark.parametrize("call", [lambda: Value(1.0, (), "+"), lambda: Value(1.0, (Value(2.0),))])
def test_micrograd_constructor_form_gets_a_clear_error(call):
    with pytest.raises(TypeError) as info:
        call()
    check_message(info, "Value", "_children", "operations")


def test_a_subclass_that_is_false_is_still_a_parent():
    """Leaves are told apart by their operation (""), never by the truth of a parent."""

    class Falsy(Value):
        def __bool__(self):
            return self.data != 0.0

        def __len__(self):
            return 0

    x = Falsy(0.0)
    (x * 1.0).exp().backward()
    assert x.grad == 1.0
    y = Falsy(0.0)
    y.exp().backward()
    assert y.grad == 1.0


def test_a_copied_graph_backpropagates():
    x = Value(0.5)
    loss = (x * x).tanh() + x
    loss.backward()
    expected = x.grad
    twin = copy.deepcopy(loss)
    twin.backward()
    leaf = topological_order(twin)[0]
    assert leaf is not x and leaf.grad == 2 * expected  # the copy's leaf accumulates, as the original did


class Tagged(Value):
    """A subclass with a __dict__ (no __slots__ of its own)."""


def test_a_copied_subclass_keeps_its_own_attributes():
    p = Tagged(2.0, label="p")
    p.note = "a parameter"
    twin = copy.deepcopy(p)
    assert (twin.note, twin.label, twin.data) == ("a parameter", "p", 2.0)
    loads = pickle.loads(pickle.dumps(p))
    assert loads.note == "a parameter" and (loads * loads).data == 4.0


def test_a_pickled_graph_backpropagates_in_another_process(tmp_path):
    """A node's traversal stamp is not carried into another process, where stamps start again."""
    x = Value(0.5, label="x")
    loss = (x * x).tanh() + x.relu() * 3.0
    for _ in range(5):
        loss.backward()  # stamps in this process are well past 0 now
    x.grad = 0.0
    path = tmp_path / "graph.pickle"
    path.write_bytes(pickle.dumps(loss))
    script = (
        "import pickle, sys\n"
        "loss = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "from autograd import topological_order\n"
        "order = topological_order(loss)\n"
        "loss.backward()\n"
        "print(len(order), [n.grad for n in order if n.label == 'x'][0])\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    count, grad = out.stdout.split()
    x.grad = 0.0
    loss.backward()
    assert int(count) == len(topological_order(loss)) and float(grad) == x.grad
