"""Samples that take the other side of a library function's value choice, at batch positions the
structure guard does not re-trace: compiled and scalar must agree, and both equal the numbers by hand.

With its budget set to 0 (below) the guard re-traces samples 0, B // 2 and B - 1 of the first call
and no sample later; with B = 7 the samples 1, 2, 4 and 5 are seen by the compiled program only.
"""

import math

import numpy as np
import pytest
from test_trace import scalar_reference

from autograd import Value, topological_order, trace
from autograd.compiler import program as program_module
from autograd.compiler.trace import CHECKED_SAMPLES, is_tracing
from nn import MLP, SGD, binary_cross_entropy, cross_entropy, hinge, logsumexp, softmax, train

UNCHECKED = (1, 2, 4, 5)  # of a batch of 7


@pytest.fixture(autouse=True)
def guard_at_three_samples(monkeypatch):
    """Only the first call's first, middle and last samples are traced again."""
    monkeypatch.setattr(program_module, "FIRST_CALL_BUDGET", 0)
    monkeypatch.setattr(program_module, "LATER_PERIOD", 1e-9)  # a period of more calls than any test makes


def test_the_positions_used_here_are_not_checked():
    seen = []
    w = Value(1.0)
    program = trace(lambda x: seen.append(x.data) or w * x, Value(-1.0))
    seen.clear()
    for _ in range(3):
        program(np.arange(7.0))
    assert len(seen) == CHECKED_SAMPLES and not set(seen) & set(UNCHECKED)


def compiled(fn, params, rows, example):
    program = trace(fn, *example)
    for p in params:
        p.grad = 0.0
    value = program.value_and_grad(*[np.array([r[k] for r in rows], dtype=float) for k in range(len(rows[0]))])
    outs = program(*[np.array([r[k] for r in rows], dtype=float) for k in range(len(rows[0]))])
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return value, outs, grads


# ---- binary_cross_entropy's clamp of log p at -100 ---------------------------------------------


def bce_by_hand(w, b, x, t):
    """-[t log p + (1 - t) log(1 - p)] with log clamped at -100, and its slope in w and b (0 when clamped)."""
    z = w * x + b
    p = 1.0 / (1.0 + math.exp(-z))
    q = p if t == 1.0 else 1.0 - p
    if q < math.exp(-100.0):
        return 100.0, 0.0, 0.0
    dz = (p - 1.0) if t == 1.0 else p  # d(-log q)/dz for a sigmoid
    return -math.log(q), dz * x, dz


@pytest.mark.parametrize("example_x", [0.3, -200.0], ids=["example unclamped", "example clamped"])
def test_bce_clamp_below_e_minus_100_at_unchecked_samples(example_x):
    w, b = Value(1.0, label="w"), Value(0.5, label="b")

    def per_sample(x, t):
        return binary_cross_entropy([(w * x + b).sigmoid()], [t])

    # x = -200: p = e^-199.5 < e^-100 with t = 1 (clamped); x = 60: p rounds to 1.0 with t = 0 (clamped)
    rows = [(0.2, 1.0), (-200.0, 1.0), (60.0, 0.0), (0.4, 0.0), (-150.0, 1.0), (-1.0, 0.0), (1.5, 1.0)]
    value, outs, grads = compiled(per_sample, [w, b], rows, (example_x, 1.0))
    ref_outs, ref_grads = scalar_reference(per_sample, [w, b], rows)
    hand = [bce_by_hand(1.0, 0.5, x, t) for x, t in rows]
    expected = np.array([h[0] for h in hand])
    expected_grad = np.array([sum(h[1] for h in hand), sum(h[2] for h in hand)]) / len(rows)
    assert outs[[1, 2, 4]].tolist() == [100.0, 100.0, 100.0]  # the unclamped log would give 199.5, 60, 149.5
    np.testing.assert_allclose(outs, expected, rtol=1e-12)
    np.testing.assert_allclose(ref_outs, expected, rtol=1e-12)
    np.testing.assert_allclose(grads, expected_grad, rtol=1e-12)
    np.testing.assert_allclose(ref_grads, expected_grad, rtol=1e-12)
    assert value == pytest.approx(expected.mean(), rel=1e-12)


def test_bce_scalar_graph_keeps_its_plain_log_and_the_traced_one_clamps():
    ops = [n.op for n in topological_order(binary_cross_entropy([Value(0.3)], [1]))]
    assert ops == ["", "log", "sum", "neg", "/"] and not is_tracing()  # the course's pictures stay as they were
    program = trace(lambda q, t: binary_cross_entropy([q], [t]), 0.3, 1.0)
    assert "hardtanh" in str(program)
    # straight on probabilities: 0 and 1 clamp on the side the target reads, both ways
    got = program(np.array([0.5, 0.0, 1.0, 0.25, 1.0, 0.0, 0.75]), np.array([1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]))
    np.testing.assert_allclose(got, [math.log(2), 100, 100, math.log(4), 0, 0, math.log(4)], rtol=1e-12)


# ---- logsumexp and softmax: logits beyond the shift threshold (+-600) -------------------------


def np_logsumexp(z):
    z = np.asarray(z, dtype=float)
    m = z.max()
    return m + math.log(np.exp(z - m).sum())


@pytest.mark.parametrize("example", [[0.1, 0.2, 0.3], [650.0, 640.0, 0.0]], ids=["example small", "example large"])
def test_logits_beyond_the_shift_at_unchecked_samples(example):
    w = Value(1.0, label="w")

    def per_sample(z):
        return logsumexp([w * a for a in z]) - w * z[0]

    big = [[0.1, 0.2, 0.3], [650.0, 640.0, 0.0], [-700.0, -690.0, -695.0], [1.0, -1.0, 2.0],
           [605.0, 700.0, 601.0], [-650.0, -640.0, -655.0], [3.0, 2.0, 1.0]]  # fmt: skip
    rows = [(z,) for z in big]
    value, outs, grads = compiled(per_sample, [w], rows, (example,))
    ref_outs, ref_grads = scalar_reference(per_sample, [w], rows)
    expected = np.array([np_logsumexp(z) - z[0] for z in big])
    # d/dw of logsumexp(w z) - w z_0 at w = 1: sum softmax(z)_j z_j - z_0
    expected_grad = np.mean([np.dot(np.exp(np.array(z) - max(z)) / np.exp(np.array(z) - max(z)).sum(), z) - z[0]
                             for z in big])  # fmt: skip
    np.testing.assert_allclose(outs, expected, rtol=1e-12, atol=1e-12 * 700)
    np.testing.assert_allclose(ref_outs, expected, rtol=1e-12, atol=1e-12 * 700)
    assert grads[0] == pytest.approx(expected_grad, rel=1e-10, abs=1e-9)
    assert ref_grads[0] == pytest.approx(expected_grad, rel=1e-10, abs=1e-9)
    assert value == pytest.approx(expected.mean(), rel=1e-12)


def test_cross_entropy_and_softmax_beyond_the_shift():
    def ce(z, k):
        return cross_entropy([z], [k])

    logits = np.array([[0.5, 1.5], [650.0, 649.0], [-640.0, -641.0], [2.0, 0.0], [700.0, 705.0], [1.0, 1.0], [0, 3]])
    labels = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    program = trace(ce, [0.0, 0.0], [1.0, 0.0])
    expected = [np_logsumexp(z) - z[int(y[1])] for z, y in zip(logits, labels)]
    np.testing.assert_allclose(program(logits, labels), expected, rtol=1e-12, atol=1e-12)
    first = trace(lambda z: softmax(z)[0], [0.0, 0.0])
    np.testing.assert_allclose(first(logits), 1.0 / (1.0 + np.exp(logits[:, 1] - logits[:, 0])), rtol=1e-12)


def test_logits_too_large_for_the_compiled_shift_are_refused_naming_the_sample():
    program = trace(lambda z: logsumexp(z), [0.0, 0.0])
    with pytest.raises(OverflowError, match="sample 2 of the batch"):
        program(np.array([[0.0, 1.0], [2.0, 3.0], [800.0, 0.0]]))
    assert logsumexp([Value(800.0), Value(0.0)]).data == 800.0  # the scalar engine shifts: fine there


def test_is_tracing_only_inside_trace():
    seen = []

    def fn(x):
        seen.append(is_tracing())
        return x * 2.0

    program = trace(fn, 1.0)
    program(np.arange(7.0))  # the first call re-traces a few samples: also traced
    assert seen and all(seen) and not is_tracing()


# ---- train(compiled=True) checks the values the losses check in Python --------------------------


@pytest.mark.parametrize(
    "loss, y, message",
    [
        ("hinge", [1.0, -1.0, 0.0, 1.0], r"hinge: target 2 is 0.0; labels must be -1 or \+1"),
        ("bce", [1.0, 0.0, 1.0, 2.0], r"binary_cross_entropy: target 3 is 2.0; targets must lie in \[0, 1\]"),
        ("bce_with_logits", [1.0, -1.0, 1.0, 0.0], "binary_cross_entropy_with_logits: target 1 is -1.0"),
    ],
)
def test_compiled_train_refuses_targets_the_loss_refuses(loss, y, message):
    X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    for compiled_path in (False, True):
        model = MLP(2, [3, 1], output_activation="sigmoid" if loss == "bce" else "linear", rng=0)
        with pytest.raises(ValueError, match=message):
            train(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
                  batch_size=None, shuffle=False, compiled=compiled_path)  # fmt: skip


def test_compiled_train_refuses_probabilities_outside_0_1():
    X = [[0.0, 1.0], [1.0, 0.0], [3.0, 3.0], [0.0, 0.0]]
    for compiled_path in (False, True):
        model = MLP(2, [1], output_activation="linear", rng=0)
        for p in model.parameters():
            p.data = 0.2  # outputs 0.4, 0.4, 1.4, 0.2: the third is no probability
        with pytest.raises(ValueError, match=r"prediction 2 is 1\.4.*probabilities must lie in \[0, 1\]"):
            train(model, X, [1.0, 0.0, 1.0, 0.0], loss="bce", optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
                  shuffle=False, compiled=compiled_path)  # fmt: skip


def test_hinge_compiled_with_labels_at_unchecked_samples():
    w = Value(0.5, label="w")
    program = trace(lambda x, t: hinge([w * x], [t]), 1.0, 1.0)
    x = np.array([1.0, 3.0, -3.0, 0.5, 4.0, -1.0, 2.0])
    t = np.array([1.0, -1.0, -1.0, 1.0, 1.0, 1.0, -1.0])
    np.testing.assert_allclose(program(x, t), np.maximum(0.0, 1.0 - 0.5 * x * t), rtol=1e-15)
