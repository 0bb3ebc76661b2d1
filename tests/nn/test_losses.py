"""Losses: values by their formulas (and PyTorch where installed), gradients by finite differences, errors."""

import math

import pytest

from autograd import Value, gradcheck
from nn import (
    accuracy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    l1,
    l2_penalty,
    log_softmax,
    logsumexp,
    mse,
    softmax,
)


def values(*xs):
    return [Value(x, label=f"p{i}") for i, x in enumerate(xs)]


# ---- values by hand -----------------------------------------------------------------


def test_mse_by_hand():
    p = values(0.5, 2.0, -1.0)
    y = [1.0, 1.0, 1.0]
    # squared errors 0.25, 1, 4: mean 5.25 / 3, slides' form 5.25 / 6
    assert mse(p, y).data == pytest.approx(5.25 / 3)
    assert mse(p, y, half=True).data == pytest.approx(5.25 / 6)
    loss = mse(p, y, half=True)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([-0.5 / 3, 1 / 3, -2 / 3])  # (yhat - y) / m
    assert mse(Value(3.0), 1.0).data == 4.0  # one prediction, one target


def test_mse_with_several_outputs_and_class_targets():
    preds = [values(0.2, 0.7, 0.1), values(0.5, 0.5, 0.0)]
    # class 1 and class 0 as one-hot rows
    expected = ((0.2**2 + 0.3**2 + 0.1**2) + (0.5**2 + 0.5**2 + 0.0)) / 6
    assert mse(preds, [1, 0]).data == pytest.approx(expected)
    assert mse(preds, [[0, 1, 0], [1, 0, 0]]).data == pytest.approx(expected)


def test_l1_by_hand():
    p = values(0.5, 2.0, -1.0)
    assert l1(p, [1.0, 1.0, 1.0]).data == pytest.approx(3.5 / 3)
    loss = l1(p, [1.0, 1.0, 1.0], reduction="sum")
    assert loss.data == pytest.approx(3.5)
    loss.backward()
    assert [v.grad for v in p] == [-1.0, 1.0, -1.0]  # sign(yhat - y)
    with pytest.raises(ValueError, match="reduction"):
        l1(p, [1, 1, 1], reduction="max")


def test_binary_cross_entropy_by_hand():
    p = values(0.9, 0.2, 0.6)
    y = [1, 0, 0.5]
    expected = -(math.log(0.9) + math.log(0.8) + 0.5 * math.log(0.6) + 0.5 * math.log(0.4)) / 3
    assert binary_cross_entropy(p, y).data == pytest.approx(expected)
    # log clamped at -100, as PyTorch: a certain wrong answer costs 100, not a crash
    assert binary_cross_entropy([Value(1.0)], [0]).data == pytest.approx(100.0)
    assert binary_cross_entropy([Value(1.0)], [1]).data == 0.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        binary_cross_entropy([Value(1.2)], [1])
    with pytest.raises(ValueError, match="target 0"):
        binary_cross_entropy([Value(0.5)], [2])


def test_binary_cross_entropy_with_logits_matches_sigmoid_form_and_is_stable():
    z = [0.3, -1.2, 2.5]
    y = [1, 0, 0.25]
    sig = [1 / (1 + math.exp(-a)) for a in z]
    expected = -sum(t * math.log(s) + (1 - t) * math.log(1 - s) for s, t in zip(sig, y)) / 3
    assert binary_cross_entropy_with_logits(values(*z), y).data == pytest.approx(expected, rel=1e-12)
    big = binary_cross_entropy_with_logits(values(1000.0, -1000.0), [0, 1])
    assert big.data == pytest.approx(1000.0)  # exact, where sigmoid would round to 1 and 0
    right = binary_cross_entropy_with_logits(values(1000.0, -1000.0), [1, 0])
    assert right.data == 0.0


def test_softmax_and_log_softmax():
    z = [1.0, 2.0, 0.5]
    e = [math.exp(a) for a in z]
    assert [s.data for s in softmax(values(*z))] == pytest.approx([a / sum(e) for a in e])
    assert [s.data for s in log_softmax(values(*z))] == pytest.approx([math.log(a / sum(e)) for a in e])
    # stable: shifting all logits changes nothing, even far beyond exp's range
    shifted = [s.data for s in softmax(values(*(a + 1000.0 for a in z)))]
    assert shifted == pytest.approx([a / sum(e) for a in e])
    assert [s.data for s in log_softmax(values(-1000.0, 0.0))] == pytest.approx([-1000.0, 0.0])
    with pytest.raises(ValueError, match="no logits"):
        softmax([])


def test_logsumexp_by_hand_and_stable():
    z = [1.0, 2.0, 0.5]
    assert logsumexp(values(*z)).data == pytest.approx(math.log(sum(math.exp(a) for a in z)), rel=1e-12)
    assert logsumexp(z).data == pytest.approx(logsumexp(values(*z)).data, rel=1e-15)  # plain numbers too
    assert logsumexp(values(1000.0, 1000.0)).data == pytest.approx(1000.0 + math.log(2.0))  # e^1000 overflows
    with pytest.raises(ValueError, match="logsumexp: no logits"):
        logsumexp([])


def test_cross_entropy_by_hand_index_and_one_hot():
    z = [[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]
    targets = [0, 2]

    def nll(row, k):
        return -math.log(math.exp(row[k]) / sum(math.exp(a) for a in row))

    expected = (nll(z[0], 0) + nll(z[1], 2)) / 2
    assert cross_entropy([values(*r) for r in z], targets).data == pytest.approx(expected)
    one_hot = [[1, 0, 0], [0, 0, 1]]
    assert cross_entropy([values(*r) for r in z], one_hot).data == pytest.approx(expected)
    assert cross_entropy(values(*z[0]), 0).data == pytest.approx(nll(z[0], 0))  # one sample
    huge = cross_entropy([values(1000.0, 0.0)], [1])
    assert huge.data == pytest.approx(1000.0)
    with pytest.raises(ValueError, match="class index"):
        cross_entropy([values(1.0, 2.0)], [2])
    with pytest.raises(ValueError, match="length 3"):
        cross_entropy([values(1.0, 2.0)], [[0, 1, 0]])


def test_hinge_by_hand():
    s = values(2.0, 0.5, -0.3)
    y = [1, 1, -1]
    # relu(1 - 2) = 0, relu(1 - 0.5) = 0.5, relu(1 - 0.3) = 0.7
    loss = hinge(s, y)
    assert loss.data == pytest.approx(1.2 / 3)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([0.0, -1 / 3, 1 / 3])
    with pytest.raises(ValueError, match="-1 or \\+1"):
        hinge(s, [1, 0, 1])


def test_l2_penalty():
    p = values(1.0, -2.0, 3.0)
    loss = l2_penalty(p, alpha=0.01)
    assert loss.data == pytest.approx(0.14)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([0.02, -0.04, 0.06])  # 2 alpha p
    assert l2_penalty(p).data == pytest.approx(14e-4)


def test_accuracy():
    assert accuracy([0.3, -2.0, 1.0, -0.1], [1, -1, -1, -1]) == 0.75  # labels -1/+1: sign
    assert accuracy([Value(0.7), Value(0.4)], [1, 0]) == 1.0  # labels 0/1: probabilities, 0.5
    assert accuracy([0.2, -0.1], [1, 0], threshold=0.0) == 1.0  # logits
    assert accuracy([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]], [1, 2]) == 0.5  # argmax
    assert accuracy([[0.1, 0.8, 0.1]], [[0, 1, 0]]) == 1.0


def test_accuracy_label_conventions_can_be_chosen():
    scores, plus_ones = [0.3, -0.2, 0.9], [1, 1, 1]
    # auto reads a batch of +1 labels alone as 0/1, cut at 0.5: only 0.9 counts as positive
    assert accuracy(scores, plus_ones) == pytest.approx(1 / 3)
    assert accuracy(scores, plus_ones, labels="01") == pytest.approx(1 / 3)
    assert accuracy(scores, plus_ones, labels="pm1") == pytest.approx(2 / 3)  # the sign: 0.3 and 0.9
    assert accuracy([0.2, -0.1], [1, 0], labels="01", threshold=0.0) == 1.0
    assert accuracy([0.3, -2.0], [1, -1], labels="pm1") == accuracy([0.3, -2.0], [1, -1]) == 1.0


def test_accuracy_rejects_labels_outside_the_chosen_convention():
    for call, named in [
        (lambda: accuracy([0.5], [0], labels="pm1"), "pm1"),
        (lambda: accuracy([0.5], [-1], labels="01"), "01"),
        (lambda: accuracy([0.5], [1], labels="sign"), "sign"),
        (lambda: accuracy([[0.5, 0.2]], [1], labels="01"), "01"),
    ]:
        with pytest.raises(ValueError) as err:
            call()
        assert "accuracy" in str(err.value) and "labels" in str(err.value) and named in str(err.value)


# ---- gradients by finite differences ----------------------------------------------------

CASES = {
    "mse": (lambda p: mse(p, [0.3, -1.0, 2.0]), [0.5, 0.1, 1.2]),
    "mse_half": (lambda p: mse(p, [0.3, -1.0, 2.0], half=True), [0.5, 0.1, 1.2]),
    "l1": (lambda p: l1(p, [0.3, -1.0, 2.0]), [0.5, 0.1, 1.2]),
    "bce": (lambda p: binary_cross_entropy(p, [1, 0, 0.3]), [0.8, 0.35, 0.6]),
    "bce_with_logits": (lambda p: binary_cross_entropy_with_logits(p, [1, 0, 0.3]), [1.5, -0.4, 0.2]),
    "softmax": (lambda p: softmax(p)[1] * 2.0 + softmax(p)[2], [0.3, -1.1, 0.8]),
    "log_softmax": (lambda p: log_softmax(p)[0] - log_softmax(p)[2] * 0.5, [0.3, -1.1, 0.8]),
    "logsumexp": (lambda p: logsumexp(p), [0.3, -1.1, 0.8]),
    "cross_entropy_index": (lambda p: cross_entropy([p[:3], p[3:]], [2, 0]), [0.3, -1.1, 0.8, 2.0, 0.1, -0.5]),
    "cross_entropy_soft": (
        lambda p: cross_entropy([p[:3], p[3:]], [[0.2, 0.3, 0.5], [0, 1, 0]]),
        [0.3, -1.1, 0.8, 2.0, 0.1, -0.5],
    ),
    "hinge": (lambda p: hinge(p, [1, -1, 1]), [0.5, 0.1, 1.2]),
    "l2_penalty": (lambda p: l2_penalty(p, alpha=0.1), [0.5, -0.1, 1.2]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_gradients_against_finite_differences(name):
    loss, point = CASES[name]
    inputs = values(*point)
    assert gradcheck(lambda *p: loss(list(p)), inputs)


# ---- PyTorch as an independent reference -------------------------------------------------


def test_losses_match_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    F = torch.nn.functional
    t = lambda xs: torch.tensor(xs, dtype=torch.float64)
    p, y = [0.5, 0.1, 1.2, -0.7], [0.3, -1.0, 2.0, 0.0]
    assert mse(values(*p), y).data == pytest.approx(F.mse_loss(t(p), t(y)).item(), rel=1e-12)
    assert l1(values(*p), y).data == pytest.approx(F.l1_loss(t(p), t(y)).item(), rel=1e-12)
    q, b = [0.8, 0.35, 0.6, 0.01], [1.0, 0.0, 0.3, 1.0]
    assert binary_cross_entropy(values(*q), b).data == pytest.approx(F.binary_cross_entropy(t(q), t(b)).item())
    z = [1.5, -0.4, 0.2, 30.0]
    assert binary_cross_entropy_with_logits(values(*z), b).data == pytest.approx(
        F.binary_cross_entropy_with_logits(t(z), t(b)).item(), rel=1e-12
    )
    logits = [[0.3, -1.1, 0.8], [2.0, 0.1, -0.5], [50.0, -20.0, 3.0]]
    classes = [2, 0, 1]
    ours = cross_entropy([values(*r) for r in logits], classes)
    assert ours.data == pytest.approx(F.cross_entropy(t(logits), torch.tensor(classes)).item(), rel=1e-12)
    assert [s.data for s in softmax(values(*logits[2]))] == pytest.approx(F.softmax(t(logits[2]), 0).tolist())
    # gradients too
    leaves = [values(*r) for r in logits]
    cross_entropy(leaves, classes).backward()
    tz = t(logits).requires_grad_()
    F.cross_entropy(tz, torch.tensor(classes)).backward()
    assert [v.grad for r in leaves for v in r] == pytest.approx(tz.grad.flatten().tolist(), rel=1e-9, abs=1e-15)


# ---- errors ---------------------------------------------------------------------------

ALL_LOSSES = {
    "mse": mse,
    "l1": l1,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "hinge": hinge,
    "cross_entropy": cross_entropy,
}


@pytest.mark.parametrize("name", sorted(ALL_LOSSES))
def test_mismatched_lengths_and_empty_batches(name):
    fn = ALL_LOSSES[name]
    if name == "cross_entropy":
        short, long_ = [values(0.1, 0.2)], [0, 1]
    else:
        short, long_ = values(0.5, 0.5), [1, 1, 1]
    with pytest.raises(ValueError, match=name):
        fn(short, long_)
    with pytest.raises(ValueError, match="empty"):
        fn([], [])
    with pytest.raises(TypeError, match=name):
        fn("abc", {1})


def test_cross_entropy_gradient_wrt_value_targets():
    """Soft targets given as Values: d/dy_k [lse * sum(y) - y . z] = lse - z_k (the target mass counts too)."""
    z, y = values(0.3, -1.8, 0.7), [Value(0.2), Value(0.5), Value(0.3)]
    loss = cross_entropy([z], [y])
    loss.backward()
    lse = math.log(sum(math.exp(v.data) for v in z))
    assert [t.grad for t in y] == pytest.approx([lse - v.data for v in z], rel=1e-12)
    assert gradcheck(lambda *a: cross_entropy([list(a[:3])], [list(a[3:])]), [0.3, -1.8, 0.7, 0.2, 0.5, 0.3])
