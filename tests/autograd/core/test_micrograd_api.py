"""micrograd's engine API on this engine: code written for micrograd and the lecture runs with an import shim.

Covers: the kind of expressions micrograd's own engine tests build (checked
against PyTorch and finite differences), the lecture's graph walking and
drawing through `_prev`, `_op`, `label`, by-hand backprop with `_backward()`,
and Value subclasses as operands.
"""

import math
import random
import sys

import pytest
from checks import needs_dot
from micrograd_shims import SHIMMED, micrograd_shims

import autograd
from autograd import Value, dot, gradcheck, total

# ---- the shim helper itself ----------------------------------------------------------------


def test_shims_expose_our_value_and_leave_nothing_behind():
    before = {name: sys.modules.get(name) for name in SHIMMED}
    with micrograd_shims():
        import micrograd.engine
        from micrograd.engine import Value as ShimValue

        assert ShimValue is Value
        assert micrograd.engine.Value is Value
    assert {name: sys.modules.get(name) for name in SHIMMED} == before


def test_shims_restore_a_real_micrograd():
    real = pytest.importorskip("micrograd.engine", reason="the real micrograd (the `bench` extra) is not installed")
    with micrograd_shims():
        from micrograd.engine import Value as ShimValue

        assert ShimValue is Value
    assert sys.modules["micrograd.engine"] is real
    from micrograd.engine import Value as RealValue

    assert RealValue is real.Value and RealValue is not Value


def test_shims_are_removed_after_an_error():
    before = {name: sys.modules.get(name) for name in SHIMMED}
    with pytest.raises(RuntimeError, match="inside"):
        with micrograd_shims():
            raise RuntimeError("inside")
    assert {name: sys.modules.get(name) for name in SHIMMED} == before


# ---- expressions of the kind micrograd's engine tests build ---------------------------------------
#
# Each builder takes a constructor (our Value or a float64 torch tensor that
# requires grad) and returns (output, leaves); the same code runs on both.


def chain_of_relus(make):
    x = make(-4.0)
    u = 1.5 * x - 2 + x * x  # reflected *, a constant, a product of a value with itself
    v = (u * x).relu() + u.relu() * 0.5
    w = (x * x * 0.25 - 3).relu()
    y = v + w * u + w / 2.0 + (-x).relu()
    return y, [x]


def in_place_chains(make):
    a, b = make(-4.0), make(2.0)
    c = a * b - b**2
    c += c * 2 + 1  # += rebinds: a new node each time
    c += 3 - c + (-b)
    d = a + b**3
    d += (a * 2 - b).relu() + d * 0.5
    d += (b - a).relu() * c  # (torch's += is in place: d itself must not be needed for its gradient)
    e = d - c
    f = e**2
    g = f / 3.0
    g += 5.0 / f
    g += 2 * (e / b).relu() - a / 4
    return g, [a, b]


def powers_and_quotients(make):
    a, b = make(-4.0), make(2.0)
    p = (a + b) ** 3 / (b**2 + 1)
    q = 1 / (a * a) + (b - 10) / a
    r = (p * q).relu() + (q - p).relu() ** 2
    return r + b**-2, [a, b]


BUILDERS = [chain_of_relus, in_place_chains, powers_and_quotients]


@pytest.mark.parametrize("build", BUILDERS)
def test_micrograd_style_expressions_against_torch(build):
    torch = pytest.importorskip("torch", reason="PyTorch (the `torch` extra) is not installed")
    out, leaves = build(Value)
    out.backward()
    t_out, t_leaves = build(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True))
    t_out.backward()
    assert out.data == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    for mine, theirs in zip(leaves, t_leaves):
        assert mine.grad == pytest.approx(theirs.grad.item(), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("build", BUILDERS)
def test_micrograd_style_expressions_against_finite_differences(build):
    _, leaves = build(Value)
    # Rebuild the expression from the (moved) leaf values on every evaluation.
    start = [x.data for x in leaves]

    def f(*xs):
        counter = iter(xs)
        return build(lambda _: next(counter))[0]

    inputs = [Value(v, label=f"x{i}") for i, v in enumerate(start)]
    assert gradcheck(f, inputs)


def test_the_expressions_are_not_trivial():
    # every builder's output depends on its leaves (a test of nothing would pass anyway)
    for build in BUILDERS:
        out, leaves = build(Value)
        out.backward()
        assert any(x.grad != 0.0 for x in leaves), build.__name__


# ---- the lecture's graph walking and drawing -----------------------------------------------------


def trace(root):
    """All nodes and edges (parent, child) below root, walking `_prev` recursively, as the lecture does."""
    nodes, edges = set(), set()

    def visit(v):
        if v in nodes:
            return
        nodes.add(v)
        for parent in v._prev:
            edges.add((parent, v))
            visit(parent)

    visit(root)
    return nodes, edges


def build_topo(root):
    """The lecture's recursive topological sort over `_prev`."""
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for parent in v._prev:
                visit(parent)
            order.append(v)

    visit(root)
    return order


def draw_dot(root):
    """The lecture's picture: one record box per value, one small node per operation."""
    graphviz = pytest.importorskip("graphviz", reason="the graphviz Python package is not installed")
    picture = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        picture.node(name=uid, label=f"{{ {n.label} | data {n.data:.4f} | grad {n.grad:.4f} }}", shape="record")
        if n._op:
            picture.node(name=uid + n._op, label=n._op)
            picture.edge(uid + n._op, uid)
    for parent, child in edges:
        picture.edge(str(id(parent)), str(id(child)) + child._op)
    return picture


def lecture_neuron(make=Value):
    """The lecture's worked neuron: o = tanh(x1 w1 + x2 w2 + b), every node labelled."""
    x1, x2 = make(2.0, label="x1"), make(0.0, label="x2")
    w1, w2 = make(-3.0, label="w1"), make(1.0, label="w2")
    b = make(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n)


# n = 2*(-3) + 0*1 + 6.88137... = 0.88137..., tanh(n) = 1/sqrt(2), 1 - o^2 = 1/2:
# x1.grad = w1/2, w1.grad = x1/2, x2.grad = w2/2, w2.grad = x2/2.
BY_HAND = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5}


def test_lecture_trace_and_picture():
    o, parts = lecture_neuron()
    nodes, edges = trace(o)
    assert len(nodes) == 10  # 5 leaves, 2 products, 2 sums, the tanh
    assert len(edges) == 9
    assert (parts["n"], o) in edges and (parts["x1"], parts["x1w1"]) in edges
    o.backward()
    picture = draw_dot(o)
    source = picture.source
    assert source.count("shape=record") == 10
    assert source.count("->") == 9 + 5  # every edge, plus op node -> result for the 5 operations
    assert "label=tanh" in source and "{ n | data 0.8814 | grad 0.5000 }" in source


@needs_dot
def test_lecture_picture_renders(tmp_path):
    o, _ = lecture_neuron()
    o.backward()
    path = draw_dot(o).render(tmp_path / "neuron")
    assert open(path, encoding="utf-8").read().lstrip().startswith(("<?xml", "<svg"))


def test_by_hand_backprop_on_the_lecture_neuron():
    o, p = lecture_neuron()
    assert o.data == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    assert o._op == "tanh" and p["n"]._op == "+" and p["x1w1"]._op == "*"
    o.grad = 1.0
    o._backward()
    assert p["n"].grad == pytest.approx(0.5)
    p["n"]._backward()
    assert p["b"].grad == pytest.approx(0.5) and p["x1w1x2w2"].grad == pytest.approx(0.5)
    p["b"]._backward()  # a leaf: nothing to pass on
    p["x1w1x2w2"]._backward()
    p["x1w1"]._backward()
    p["x2w2"]._backward()
    for name, expected in BY_HAND.items():
        assert p[name].grad == pytest.approx(expected, abs=1e-12), name


def test_topological_order_and_backward_steps_equal_backward():
    o, p = lecture_neuron()
    order = build_topo(o)
    assert order[-1] is o and len(order) == 10
    o.grad = 1.0
    for node in reversed(order):
        node._backward()
    o2, p2 = lecture_neuron()
    o2.backward()
    for name in p:
        assert p[name].grad == p2[name].grad, name
    for name, expected in BY_HAND.items():
        assert p[name].grad == pytest.approx(expected, abs=1e-12), name


def test_the_lecture_tanh_written_with_exp():
    # the lecture's second version: o = (e^(2n) - 1) / (e^(2n) + 1), from smaller operations
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert o.data == pytest.approx(1 / math.sqrt(2))
    got = {"x1": x1.grad, "w1": w1.grad, "x2": x2.grad, "w2": w2.grad, "b": b.grad}
    for name, value in got.items():
        assert value == pytest.approx(BY_HAND[name], abs=1e-12), name


def manual_backward(root):
    """Seed 1, then `_backward()` on every node in the lecture's topological order, from the end."""
    root.grad = 1.0
    for node in reversed(build_topo(root)):
        node._backward()


def test_by_hand_backprop_through_a_dot_node():
    def build():
        w = [Value(v, label=f"w{i}") for i, v in enumerate([0.5, -1.5, 2.0])]
        x = [Value(v, label=f"x{i}") for i, v in enumerate([1.0, 0.25, -0.75])]
        b = Value(0.3, label="b")
        z = dot(w, x, b)
        return (z.tanh() * z + total([z, w[0], 2.0])), w + x + [b]

    out, leaves = build()
    assert len(build_topo(out)) == 7 + 5  # 7 leaves; dot, tanh, *, sum, +
    manual_backward(out)
    out2, leaves2 = build()
    out2.backward()
    # the same sums, added in another order (the lecture's order follows set iteration): equal to rounding
    assert [v.grad for v in leaves] == pytest.approx([v.grad for v in leaves2], rel=1e-12, abs=1e-15)
    # and both are right: z = 0.5 - 0.375 - 1.5 + 0.3 = -1.075, d out/dz = tanh z + z (1 - tanh^2 z) + 1
    z = -1.075
    dz = math.tanh(z) + z * (1 - math.tanh(z) ** 2) + 1
    assert leaves[3].grad == pytest.approx(dz * 0.5)  # dz/dx0 = w0
    assert leaves[0].grad == pytest.approx(dz * 1.0 + 1)  # dz/dw0 = x0, plus the sum's own w0 term


def test_repeated_by_hand_backprop_accumulates_like_micrograd():
    # calling the whole by-hand pass twice without zeroing adds everything twice (as in micrograd);
    # backward() recomputes interior nodes, so there only the leaves double
    o, p = lecture_neuron()
    manual_backward(o)
    manual_backward(o)
    assert p["x1"].grad != pytest.approx(2 * BY_HAND["x1"])  # interior gradients double-counted
    o2, p2 = lecture_neuron()
    o2.backward()
    o2.backward()
    assert p2["x1"].grad == pytest.approx(2 * BY_HAND["x1"])
    assert p2["n"].grad == pytest.approx(BY_HAND["n"])


# ---- the lecture's own neuron classes ------------------------------------------------------------


class LectureNeuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self):
        return self.w + [self.b]


class LectureLayer:
    def __init__(self, nin, nout):
        self.neurons = [LectureNeuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class LectureMLP:
    def __init__(self, nin, nouts):
        sizes = [nin] + nouts
        self.layers = [LectureLayer(sizes[i], sizes[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def lecture_loss(model):
    preds = [model(x) for x in XS]
    return sum((pred - target) ** 2 for target, pred in zip(YS, preds))


def test_lecture_classes_by_hand_backprop_equals_backward(global_random):
    global_random.seed(42)
    model = LectureMLP(3, [4, 4, 1])
    params = model.parameters()
    assert len(params) == 41
    loss = lecture_loss(model)
    manual_backward(loss)
    by_hand = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    lecture_loss(model).backward()
    assert by_hand == pytest.approx([p.grad for p in params], rel=1e-12, abs=1e-15)
    assert any(g != 0.0 for g in by_hand)


def test_lecture_classes_train(global_random):
    global_random.seed(7)
    model = LectureMLP(3, [4, 4, 1])
    losses = []
    for _ in range(50):
        loss = lecture_loss(model)
        for p in model.parameters():
            p.grad = 0.0
        loss.backward()
        for p in model.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.1 * losses[0]
    assert [math.copysign(1, model(x).data) for x in XS] == YS


# ---- _prev, _op, and Value subclasses -----------------------------------------------------------


def test_prev_is_the_set_of_parents():
    a, b = Value(1.0), Value(2.0)
    for node in [a, a + b, a * a, a * 2.0, 2.0 - a, dot([a, b], [b, 3.0], a), total([a, b, a]), a.tanh()]:
        assert node._prev == set(node.parents)
        assert isinstance(node._prev, set)
    assert (a * a)._prev == {a} and len((a * a).parents) == 2
    assert a._prev == set() and a._op == ""
    assert (a * 2.0)._prev == {a}  # no leaf is made for the constant 2.0


def test_op_names_micrograd_users_meet():
    x, y = Value(3.0), Value(2.0)
    assert [(x + y)._op, (x * y)._op, x.relu()._op, (x**2)._op, (-x)._op] == ["+", "*", "relu", "**", "neg"]
    assert [(2 - x)._op, (2 / x)._op, (x - y)._op, (x / y)._op] == ["rsub", "rdiv", "-", "/"]
    assert (x**2).operands == (x, 2.0)  # the exponent is recorded with the node, not in the name


class Param(Value):
    """A student's subclass: a Value that knows it is a parameter."""

    def is_parameter(self):
        return True


BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "-": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "*": (lambda a, b: a * b, lambda a, b: (b, a)),
    "/": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
    "**": (lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), a**b * math.log(a))),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("left, right", [(Value, Param), (Param, Value), (Param, Param)])
def test_subclass_as_operand_on_either_side(op, left, right):
    f, slopes = BINARY[op]
    a, b = left(3.0, label="a"), right(2.0, label="b")
    out = f(a, b)
    assert type(out) is Value
    assert out.data == pytest.approx(f(3.0, 2.0))
    out.backward()
    assert (a.grad, b.grad) == pytest.approx(slopes(3.0, 2.0))


@pytest.mark.parametrize("op", sorted(BINARY))
def test_subclass_with_a_number_on_either_side(op):
    f, slopes = BINARY[op]
    p = Param(3.0)
    f(p, 2.0).backward()
    assert p.grad == pytest.approx(slopes(3.0, 2.0)[0])
    q = Param(2.0)
    f(3.0, q).backward()
    assert q.grad == pytest.approx(slopes(3.0, 2.0)[1])


def test_subclass_in_dot_total_and_functions():
    w, x, b = [Param(0.5), Value(-2.0)], [Value(3.0), Param(1.5)], Param(0.25)
    z = dot(w, x, b)
    s = total([w[0], x[1], 1.0])
    out = z.tanh() * s
    assert type(z) is Value and type(s) is Value
    out.backward()
    zd = 0.5 * 3.0 - 2.0 * 1.5 + 0.25
    sd = 0.5 + 1.5 + 1.0
    t = math.tanh(zd)
    assert out.data == pytest.approx(t * sd)
    assert w[0].grad == pytest.approx((1 - t * t) * 3.0 * sd + t)
    assert x[1].grad == pytest.approx((1 - t * t) * -2.0 * sd + t)
    assert b.grad == pytest.approx((1 - t * t) * sd)
    assert gradcheck(lambda *v: dot(v[:2], v[2:4], v[4]).tanh() * total([v[0], v[3], 1.0]), [*w, *x, b])


def test_micrograd_code_runs_on_this_engine_through_the_shim():
    # a micrograd user's import line, then micrograd-style code
    with micrograd_shims():
        from micrograd.engine import Value as MValue

        a, b = MValue(-4.0), MValue(2.0)
        c = a + b
        c += c * b + 1
        d = (c * a).relu() + b**3 / 2.0
        d.backward()
    # by hand: c0 = a + b = -2, c = c0 + c0 b + 1 = -5 with dc/da = 1 + b = 3, dc/db = 1 + c0 + b = 1;
    # c a = 20 > 0, so d = c a + b^3 / 2 = 24, dd/da = c + a dc/da = -17, dd/db = a dc/db + 3 b^2 / 2 = 2
    assert d.data == 24.0
    assert (a.grad, b.grad) == (-17.0, 2.0)
    assert isinstance(d, autograd.Value)
