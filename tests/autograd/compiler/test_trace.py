"""trace(): the compiled program against the scalar loop over the batch followed by backward().

The reference is always the scalar engine itself, run sample by sample (its
own gradients are checked against central differences and PyTorch elsewhere).
"""

import math
import re

import numpy as np
import pytest

from autograd import Program, TraceError, Value, dot, total, trace
from autograd.compiler import program as program_module
from nn import ACTIVATIONS, MLP, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge, l1, mse

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extra: pip install -e '.[test]'")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

REL = 1e-12


def scalar_reference(fn, params, batch):
    """Per-sample outputs, and the mean over the batch's gradient of each parameter, by the scalar engine."""
    for p in params:
        p.grad = 0.0
    outs = []
    for sample in batch:
        args = [[Value(v) for v in a] if isinstance(a, (list, np.ndarray)) else Value(a) for a in sample]
        out = fn(*args)
        (out / len(batch)).backward()
        outs.append(out.data)
    grads = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    return np.array(outs), np.array(grads)


def assert_close(a, b, rel=REL, floor=1e-300):
    """Within rel of the largest of b (and of `floor`: a sum whose terms cancel, -0.5 + 1e-8 + 0.5, is exact
    only up to the rounding of its terms, and the compiler adds a sum's terms in another order)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(np.max(np.abs(b)), floor) if b.size else 1.0
    assert np.max(np.abs(a - b)) <= rel * scale, (a, b)


def columns(batch):
    """Samples [(arg0, arg1, ...), ...] as the batched arguments: one array per argument."""
    return [np.array([s[k] for s in batch], dtype=float) for k in range(len(batch[0]))]


def compiled(fn, params, batch, reduction="mean"):
    program = trace(fn, *batch[0])
    for p in params:
        p.grad = 0.0
    value = program.value_and_grad(*columns(batch), reduction=reduction)
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return program, value, grads


# ---- random functions ------------------------------------------------------------------------

UNARY = {
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "sin": Value.sin,
    "relu": Value.relu,
    "abs": abs,
    "softplus": Value.softplus,
    "gelu": Value.gelu,
    "elu": lambda v: v.elu(0.7),
    "leaky_relu": lambda v: v.leaky_relu(0.2),
    "hardtanh": lambda v: v.hardtanh(-0.5, 0.8),
    "step": Value.step,
    "neg": lambda v: -v,
    "scale": lambda v: v * 1.3,
    "shift": lambda v: 0.5 - v,
    "square": lambda v: v**2,
    "exp of tanh": lambda v: v.tanh().exp(),
    "log of 1 + square": lambda v: (1.0 + v * v).log(),
    "inverse": lambda v: 1.0 / (2.0 + v.sigmoid()),
    "root": lambda v: (v * v + 0.5).sqrt(),
}
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (1.5 + b.tanh()),
    "**": lambda a, b: (a * a + 1.0) ** b.tanh(),
    "prelu": lambda a, b: a.leaky_relu(b),
}


@st.composite
def programs(draw):
    """A random function of one input vector (3 numbers) and 3 parameters, as a list of instructions."""
    steps = []
    for _ in range(draw(st.integers(2, 10))):
        kind = draw(st.sampled_from(["unary", "binary", "dot", "sum"]))
        if kind == "unary":
            steps.append((kind, draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, 99)), None))
        elif kind == "binary":
            steps.append(
                (kind, draw(st.sampled_from(sorted(BINARY))), draw(st.integers(0, 99)), draw(st.integers(0, 99)))
            )
        else:
            steps.append((kind, None, draw(st.lists(st.integers(0, 99), min_size=1, max_size=4)), None))
    return steps


def build(steps, params):
    def fn(x):
        nodes = list(x) + list(params)
        for kind, name, a, b in steps:
            if kind == "unary":
                nodes.append(UNARY[name](nodes[a % len(nodes)]))
            elif kind == "binary":
                nodes.append(BINARY[name](nodes[a % len(nodes)], nodes[b % len(nodes)]))
            elif kind == "dot":
                picked = [nodes[i % len(nodes)] for i in a]
                nodes.append(dot(picked, list(reversed(picked)), 0.25))
            else:
                nodes.append(total([nodes[i % len(nodes)] for i in a] + [0.5]))
        return total(nodes[-3:])

    return fn


@settings(max_examples=60, deadline=None)
@given(
    programs(),
    st.lists(st.lists(st.floats(-2, 2), min_size=3, max_size=3), min_size=1, max_size=7),
    st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3),
)
def test_random_functions_match_the_scalar_loop(steps, xs, ps):
    params = [Value(v) for v in ps]
    fn = build(steps, params)
    batch = [(x,) for x in xs]
    expected, expected_grads = scalar_reference(fn, params, batch)
    program, value, grads = compiled(fn, params, batch)
    # the inputs and parameters are at most 2: a cancelling sum is exact to the rounding of terms that size
    assert_close(program(np.array(xs)), expected, floor=2.0)
    assert_close(value, expected.mean(), floor=2.0)
    assert_close(grads, expected_grads, floor=2.0)


# ---- networks: every activation, every loss --------------------------------------------------


def data(n=9, nin=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.5, 1.5, (n, nin))


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_activation(activation):
    model = MLP(3, [5, 4, 2], activation=activation, rng=1)
    params = model.parameters()
    X = data()
    T = np.random.default_rng(1).uniform(-1, 1, (len(X), 2))
    fn = lambda x, t: mse([model(x)], [t])  # noqa: E731
    batch = list(zip(X.tolist(), T.tolist()))
    expected, expected_grads = scalar_reference(fn, params, batch)
    _, value, grads = compiled(fn, params, batch)
    assert_close(value, expected.mean())
    assert_close(grads, expected_grads)


def one_hot(labels, k):
    return np.eye(k)[labels].tolist()


LOSS_CASES = {  # name -> (loss, output activation, outputs, targets per sample)
    "mse": (mse, "linear", 3, lambda rng, n: rng.uniform(-1, 1, (n, 3)).tolist()),
    "mse half": (lambda p, t: mse(p, t, half=True), "tanh", 3, lambda rng, n: rng.uniform(-1, 1, (n, 3)).tolist()),
    "l1": (l1, "linear", 2, lambda rng, n: rng.uniform(-1, 1, (n, 2)).tolist()),
    "l1 sum": (lambda p, t: l1(p, t, reduction="sum"), "linear", 1, lambda rng, n: rng.uniform(-1, 1, n).tolist()),
    "hinge": (hinge, "linear", 1, lambda rng, n: rng.choice([-1.0, 1.0], n).tolist()),
    "binary_cross_entropy": (binary_cross_entropy, "sigmoid", 1, lambda rng, n: rng.choice([0.0, 1.0], n).tolist()),
    "binary_cross_entropy soft": (binary_cross_entropy, "sigmoid", 1, lambda rng, n: rng.uniform(0, 1, n).tolist()),
    "binary_cross_entropy_with_logits": (
        binary_cross_entropy_with_logits,
        "linear",
        1,
        lambda rng, n: rng.choice([0.0, 1.0], n).tolist(),
    ),
    "cross_entropy": (cross_entropy, "linear", 4, lambda rng, n: one_hot(rng.integers(0, 4, n), 4)),
    "softmax + mse": (mse, "softmax", 4, lambda rng, n: one_hot(rng.integers(0, 4, n), 4)),
}


@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_every_loss(name):
    loss, output_activation, k, targets = LOSS_CASES[name]
    model = MLP(3, [4, k], activation="tanh", output_activation=output_activation, rng=2)
    params = model.parameters()
    X = data(n=11)
    T = targets(np.random.default_rng(3), len(X))

    def per_sample(x, t):
        out = model(x)
        return loss([out], [t])

    batch = list(zip(X.tolist(), T))
    expected, expected_grads = scalar_reference(per_sample, params, batch)
    _, value, grads = compiled(per_sample, params, batch)
    assert_close(value, expected.mean())
    assert_close(grads, expected_grads)
    # and the mean of the per-sample losses is the loss of the batch (every nn loss averages over samples)
    scalar_batch_loss = loss([model(x) for x in X.tolist()], T)
    if "sum" not in name:
        assert scalar_batch_loss.data == pytest.approx(value, rel=1e-12)


def test_reduction_sum_and_accumulation():
    w = Value(0.5)
    program = trace(lambda x: (w * x).sigmoid(), Value(0.0))
    xs = np.array([-1.0, 0.3, 2.0])
    mean = program.value_and_grad(xs)
    g_mean = w.grad
    w.grad = 0.0
    total_ = program.value_and_grad(xs, reduction="sum")
    assert total_ == pytest.approx(3 * mean, rel=1e-14)
    assert w.grad == pytest.approx(3 * g_mean, rel=1e-14)
    program.value_and_grad(xs, reduction="sum")  # gradients add up, as after two backward() calls
    assert w.grad == pytest.approx(6 * g_mean, rel=1e-14)
    # by hand: d/dw mean sigmoid(w x) = mean s (1 - s) x
    s = 1 / (1 + np.exp(-0.5 * xs))
    assert g_mean == pytest.approx(np.mean(s * (1 - s) * xs), rel=1e-12)
    with pytest.raises(ValueError, match="value_and_grad: reduction must be one of 'mean', 'sum', not str 'max'"):
        program.value_and_grad(xs, reduction="max")


@pytest.mark.parametrize("batch", [1, 7, 64])
def test_batch_sizes(batch):
    model = MLP(2, [3, 1], activation="relu", rng=4)
    X = data(n=batch, nin=2, seed=batch)
    program = trace(model, [0.0, 0.0])
    expected = [model(x.tolist()).data for x in X]
    assert program(X).shape == (batch,)
    assert_close(program(X), expected)


def test_several_outputs():
    model = MLP(2, [3, 4], rng=5)
    program = trace(model, [0.0, 0.0])
    X = data(n=5, nin=2)
    out = program(X)
    assert out.shape == (5, 4)
    assert_close(out, [[v.data for v in model(x.tolist())] for x in X])
    with pytest.raises(ValueError, match="returns 4 outputs; it needs one"):
        program.value_and_grad(X)


# ---- honesty: Python reading a value ---------------------------------------------------------


def test_a_float_read_is_caught_on_first_use():
    w = Value(1.5)

    def clipped(x):
        return w * x if float(x) > 0 else w * 0.0  # the branch is taken in Python, once

    program = trace(clipped, Value(1.0))
    with pytest.raises(TraceError) as raised:
        program([2.0, -1.0, 3.0])
    message = str(raised.value)
    assert "sample" in message and "float()" in message and "'*'" in message


def test_a_label_read_with_float_is_caught():
    """A hinge written with float(label) bakes the example's label in; nn.hinge keeps it a Value."""
    w = Value(0.3)

    def own_hinge(x, y):
        return (1.0 - w * x * float(y)).relu()

    program = trace(own_hinge, Value(1.0), Value(1.0))
    with pytest.raises(TraceError, match="constant"):
        program.value_and_grad([0.5, 0.2, 0.1, 0.7], [1.0, -1.0, 1.0, -1.0])
    fine = trace(lambda x, y: hinge([w * x], [y]), Value(1.0), Value(1.0))
    assert fine([0.5, 0.2], [1.0, -1.0]).tolist() == pytest.approx([1 - 0.15, 1 + 0.06])


def test_kinks_are_fine():
    w = Value(1.0)
    program = trace(lambda x: (w * x).relu() + abs(w * x).step() + (w * x).hardtanh(), Value(1.0))
    xs = [-2.0, -0.5, 0.0, 0.5, 2.0]
    expected = [max(x, 0) + (1.0 if abs(x) > 0 else 0.0) + min(1, max(-1, x)) for x in xs]
    assert program(xs).tolist() == pytest.approx(expected)


# ---- what it shows ------------------------------------------------------------------------------


def test_print_lists_the_vector_instructions():
    model = MLP(4, [3, 2], activation="tanh", rng=0)
    program = trace(lambda x, t: mse([model(x)], [t]), [0.0] * 4, [0.0, 0.0])
    text = str(program)
    assert "(B, 4) @ (4, 3)" in text and "(B, 3) @ (3, 2)" in text
    lines = text.splitlines()
    assert len(lines) == 2 + len(program.instructions)
    ops = [line.split()[2] for line in lines[2:]]
    assert ops[:4] == ["dot", "tanh", "dot", "-"]  # linear outputs, then the loss: y - t
    assert "3 nodes" in lines[2]
    assert len(program.parameters) == model.num_parameters() == 4 * 3 + 3 + 3 * 2 + 2


def test_draw_one_box_per_instruction():
    pytest.importorskip("graphviz", reason="the graphviz Python package is not installed")
    model = MLP(2, [3, 1], rng=0)
    program = trace(model, [0.0, 0.0])
    source = program.draw(instructions=True).source
    boxes = [line for line in source.splitlines() if re.match(r"\s*i\d+ \[label=", line)]
    assert len(boxes) == len(program.instructions)
    assert "in -> i1" in source and "theta -> i1" in source


def test_draw_speaks_the_language_in_force():
    pytest.importorskip("graphviz", reason="the graphviz Python package is not installed")
    from autograd.language import using_language

    program = trace(MLP(4, [5, 2], activation="tanh", rng=0), [0.0] * 4)
    with using_language("de"):
        german = program.draw().source
    english = program.draw().source
    assert "Eingaben" in german and "dann tanh" in german and "Ausgabe 1" in german and "then" not in german
    assert "inputs" in english and "then tanh" in english and "output 1" in english


def test_draw_one_box_per_layer():
    pytest.importorskip("graphviz", reason="the graphviz Python package is not installed")
    model = MLP(4, [5, 3, 2], activation="tanh", rng=0)  # three layers: tanh, tanh, linear
    source = trace(model, [0.0] * 4).draw().source
    boxes = re.findall(r"\s(i\d+) \[label=\"([^\"]*)\"", source)
    assert [name for name, _ in boxes] == ["i1", "i2", "i3"]
    assert "(B, 4) @ (4, 5) + b\nthen tanh\n(B, 5)" in boxes[0][1]
    assert "(B, 5) @ (5, 3) + b\nthen tanh\n(B, 3)" in boxes[1][1]
    assert "(B, 3) @ (3, 2) + b" in boxes[2][1] and "then" not in boxes[2][1]
    edges = set(re.findall(r"(\w+) -> (\w+)", source))
    assert edges == {("in", "i1"), ("theta", "i1"), ("i1", "i2"), ("theta", "i2"), ("i2", "i3"), ("theta", "i3"),
                     ("i3", "out0"), ("i3", "out1")}  # fmt: skip


def test_draw_writes_each_argument_and_mathematics():
    """A loss of (x, y) shows its inputs as 4 + 2 per sample, not 6; the error's steps read − and ( )ⁿ."""
    pytest.importorskip("graphviz", reason="the graphviz Python package is not installed")
    model = MLP(4, [3, 2], activation="sigmoid", rng=0)

    def loss(x, y):
        return sum(((o - t) ** 2 for o, t in zip(model(x), y)), Value(0.0))

    source = trace(loss, [0.0] * 4, [1.0, 0.0], parameters=model.parameters()).draw().source
    assert "inputs\n4 + 2 per sample" in source
    assert "then − → ( )ⁿ" in source and "→ -" not in source and "**" not in source


def test_parameters_order_can_be_given():
    a, b = Value(1.0), Value(2.0)
    program = trace(lambda x: a * x + b, Value(0.0), parameters=[b, a])
    assert program.parameters == [b, a]
    assert program.read_parameters().tolist() == [2.0, 1.0]
    out, grad = program.gradient(np.array([3.0, 5.0]), [1.0, 2.0])
    assert out.tolist() == [8.0, 13.0]  # 5 x + 3
    assert grad.tolist() == [1.0, 1.5]  # d/db = 1, d/da = mean x


# ---- bad input ------------------------------------------------------------------------------------


def test_bad_input_gets_a_clear_error():
    w = Value(1.0)
    program = trace(lambda x, v: w * x + dot([w, w], v), Value(0.0), [0.0, 0.0])
    with pytest.raises(TypeError, match="takes 2 arguments, got 1"):
        program([1.0])
    with pytest.raises(ValueError, match=r"argument 1 has shape \(2, 3\); the traced function needs \(batch, 2\)"):
        program([1.0, 2.0], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="argument 1 has 3 samples, argument 0 has 2"):
        program([1.0, 2.0], np.zeros((3, 2)))
    with pytest.raises(ValueError, match="empty batch"):
        program([], np.zeros((0, 2)))
    with pytest.raises(TypeError, match="argument 0 must be an array of numbers"):
        program(["a", "b"], np.zeros((2, 2)))
    with pytest.raises(TypeError, match="fn must be a function"):
        trace(3.0)
    with pytest.raises(TypeError, match="example argument 0 is set"):
        trace(lambda x: x, {1.0, 2.0})
    with pytest.raises(TypeError, match="must return a Value"):
        trace(lambda x: 3.0, Value(1.0))
    with pytest.raises(TypeError, match=r"parameters\[0\] is a float"):
        trace(lambda x: x, Value(1.0), parameters=[1.0])
    assert isinstance(program, Program) and "vector instructions" in repr(program)


def test_nan_propagates_like_the_scalar_engine():
    w = Value(2.0)
    program = trace(lambda x: (w * x).tanh(), Value(0.0))
    out = program([math.nan, 1.0])
    assert math.isnan(out[0]) and out[1] == pytest.approx(math.tanh(2.0))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_fused_steps_compute_what_the_instructions_do(activation, monkeypatch):
    """Element-wise instructions run fused with the step before them; run one by one they agree."""
    model = MLP(3, [5, 1], activation=activation, output_activation="tanh", rng=3)
    fn = lambda x, t: hinge([model(x) * 2.0 - 0.5], [t]) + 0.1 * model(x)  # noqa: E731
    program = trace(fn, [0.0] * 3, 1.0)
    assert len(program._steps) < len(program.instructions)
    X, t = data(n=6), np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    theta = program.read_parameters()
    fused = program.gradient(theta, X, t)
    monkeypatch.setattr(program_module, "FUSE", False)
    one_by_one = trace(fn, [0.0] * 3, 1.0)
    assert len(one_by_one._steps) == len(one_by_one.instructions)
    unfused = one_by_one.gradient(theta, X, t)
    assert_close(fused[0], unfused[0], rel=1e-15)
    assert_close(fused[1], unfused[1], rel=1e-15)


def test_a_derivative_graph_traces_and_an_untraceable_operation_is_named():
    """grad(create_graph=True) inside the traced function: gelu's derivative holds normal_cdf nodes."""
    from autograd import grad

    def slope(x):
        return grad(x.gelu(), [x], create_graph=True)[0]

    program = trace(slope, Value(0.3))
    xs = [0.3, -0.5, 2.0, -3.0]
    # d/dx x Phi(x) = Phi(x) + x phi(x), by hand
    expected = [0.5 * math.erfc(-x / math.sqrt(2)) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi) for x in xs]
    assert program(np.array(xs)).tolist() == pytest.approx(expected, rel=1e-14)
    with pytest.raises(TraceError, match="'pow_inf'.*no NumPy form"):  # sqrt's infinite slope at 0
        trace(lambda x: grad(x.sqrt(), [x], create_graph=True)[0], Value(0.0))
