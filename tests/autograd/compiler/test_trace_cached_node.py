"""A traced function that uses a node it computed before it was traced, from a parameter, and kept.

The program computes such a node again from its leaves at every call; the function uses the number it
holds. While those leaves keep their data the two agree, and tracing it is fine; once a leaf gets new
data the function's graph is stale (its backward() refuses it) and the program's next call refuses too,
where before it went on silently with the new number. References: the function run on Values.
"""

import pytest

from autograd import StaleGraphError, Value, trace
from autograd.compiler import program as program_module
from autograd.core import graph
from autograd.core.graph import stale_parent

XS = [0.3, -1.2, 2.0, 0.7]


def _scalar(fn, xs, params):
    """(the outputs, the gradient of their mean into each parameter) through the engine, one sample at a time."""
    for p in params:
        p.grad = 0.0
    outs = [fn(Value(x)) for x in xs]
    total = outs[0]
    for o in outs[1:]:
        total = total + o
    (total * (1.0 / len(outs))).backward()
    return [o.data for o in outs], [p.grad for p in params]


def test_a_kept_node_is_traced_as_it_is_while_its_parameter_keeps_its_data():
    w, b = Value(0.8, label="w"), Value(-0.1, label="b")
    c = (w * 2.0).tanh()  # computed once, before the trace

    def fn(x):
        return (x * c + b) ** 2

    expected, grads = _scalar(fn, XS, [w, b])
    program = trace(fn, Value(0.0))
    assert program(XS).tolist() == pytest.approx(expected, rel=1e-12)
    assert list(map(id, program.cached_nodes)) == [id(c.parents[0]), id(c)]  # w * 2.0, then its tanh
    for p in (w, b):
        p.grad = 0.0
    program.value_and_grad(XS)
    assert [w.grad, b.grad] == pytest.approx(grads, rel=1e-12)
    assert program(XS).tolist() == pytest.approx(expected, rel=1e-12)  # called again: nothing changed, fine


def test_a_call_after_the_kept_nodes_parameter_got_new_data_refuses():
    w = Value(0.8, label="w")
    c = w * 2.0
    c.label = "c"

    def fn(x):
        return x * c

    program = trace(fn, Value(0.0))
    program.value_and_grad(XS)
    w.data -= 0.1 * w.grad  # a step of training by hand
    with pytest.raises(StaleGraphError, match=r"value_and_grad: the traced function uses 1\.6 \(node 'c'\).*'\*'"):
        program.value_and_grad(XS)
    with pytest.raises(StaleGraphError, match=r"leaf .* \(node 'w'\) it was computed from got new data"):
        program(XS)
    with pytest.raises(StaleGraphError):  # the function's own graph refuses it too, as the message says
        fn(Value(1.0)).backward()


def test_a_node_built_in_every_call_is_not_kept_and_follows_its_parameter():
    w = Value(0.8, label="w")

    def fn(x):
        return x * (w * 2.0)

    program = trace(fn, Value(0.0))
    program(XS)
    assert program.cached_nodes == ()
    w.data = 0.5
    expected, grads = _scalar(fn, XS, [w])
    assert program(XS).tolist() == pytest.approx(expected, rel=1e-12)
    w.grad = 0.0
    program.value_and_grad(XS)
    assert w.grad == pytest.approx(grads[0], rel=1e-12)


def test_the_stale_refusal_names_the_kept_node_the_function_uses_and_the_leaf_that_changed():
    """/tmp/rev/trace_deep.py: it named the innermost kept node, w * 2.0, not c, which the function uses."""
    w = Value(0.5, label="w")
    c = ((w * 2.0).tanh() + 1.0).relu()
    c.label = "c"
    program = trace(lambda x: x * c, Value(1.0))
    program(XS)
    assert program.cached_in_use() == [c]  # four kept nodes; the function uses c
    w.data = 0.9
    with pytest.raises(StaleGraphError) as refused:
        program(XS)
    message = str(refused.value)
    assert f"the traced function uses {c.data!r} (node 'c'), the result of 'relu'" in message
    assert "the leaf 0.9 (node 'w') it was computed from got new data" in message


def _counting_stale_parent(monkeypatch):
    """Replace the program's stale_parent (its look at one kept node's parents) by one that counts calls."""
    calls = []

    def counted(node, mark):
        calls.append(node)
        return stale_parent(node, mark)

    monkeypatch.setattr(program_module, "stale_parent", counted)
    return calls


def test_kept_nodes_found_consistent_are_not_looked_at_again_until_an_assignment(monkeypatch):
    """/tmp/rev/cost.py: after any assignment anywhere, every call looked at every kept node's parents
    (0.57 ms a call with 4000 kept nodes), their marks never refreshed. Now one check per assignment."""
    f = Value(0.5, label="f")
    c = f
    for _ in range(50):
        c = (c * 1.0001).tanh()
    w = Value(0.3, label="w")
    program = trace(lambda x: x * w * c, Value(1.0), parameters=[w])
    program(XS)
    assert len(program.cached_nodes) == 100
    calls = _counting_stale_parent(monkeypatch)
    other = Value(1.0)
    other.data = 2.0  # an assignment elsewhere: the kept nodes are looked at once ...
    program(XS)
    assert len(calls) == 100
    assert all(node._mark >= graph._last_change for node in program.cached_nodes)  # ... and marked consistent
    for _ in range(3):
        program(XS)
        program.value_and_grad(XS)
    assert len(calls) == 100  # ... and not again
    f.data = 0.7  # then a kept node's own leaf changes: refused still
    with pytest.raises(StaleGraphError, match=r"uses .*'tanh'.*leaf 0\.7 \(node 'f'\)"):
        program(XS)
    with pytest.raises(StaleGraphError):  # and at every call after
        program(XS)
