"""Loss functions (section 7 of the lecture notes): each takes a batch and returns one `Value`.

Predictions may be `Value`s or plain numbers, targets numbers (or Values).
Batch losses are built from the engine's fused `total`/`dot` nodes, so a
batch of m predictions costs a few nodes per prediction, not a long chain:

    >>> from autograd import Value
    >>> from nn import mse
    >>> p = [Value(0.5), Value(2.0)]
    >>> loss = mse(p, [1.0, 1.0])          # ((0.5 - 1)^2 + (2 - 1)^2) / 2
    >>> loss.data
    0.625

Mismatched lengths and empty batches raise `ValueError`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from autograd import Value, dot, total
from autograd.compiler.trace import is_tracing
from autograd.core import checks
from nn.activations import log_softmax as log_softmax  # softmax and log_softmax lived here once:
from nn.activations import logsumexp
from nn.activations import softmax as softmax  # still importable from nn.losses

__all__ = [
    "mse",
    "l1",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge",
    "l2_penalty",
    "accuracy",
]

LOG_FLOOR = -100.0
"""binary_cross_entropy clamps log(p) at -100 (as PyTorch does), so p = 0 or 1 gives a large, finite loss."""


# ---- checking and flattening batches ---------------------------------------------------


def _is_scalar(x) -> bool:
    return isinstance(x, Value) or (isinstance(x, numbers.Real) and not isinstance(x, bool))


def _as_list(x, name: str, what: str) -> list:
    if hasattr(x, "tolist") and not isinstance(x, Value):  # NumPy arrays
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return list(x)
    raise TypeError(f"{name}: {what} must be a list (or tuple, NumPy array), not {checks.shown(x)}")


def _check_targets(t: list, name: str) -> None:
    """Every target is a number (or a Value): a clear error instead of one from deep inside an operation."""
    for i, y in enumerate(t):
        if not _is_scalar(y):
            raise TypeError(f"{name}: target {i} is {checks.shown(y)}; targets are numbers")


def _value_of(x) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _pairs(preds, targets, name: str) -> tuple[list, list]:
    """Predictions and targets as two flat lists of equal, non-zero length.

    A prediction that is itself a list (a model with several outputs) is paired
    element by element with a list target, or with a class index (one-hot).
    """
    if _is_scalar(preds) and _is_scalar(targets):
        return [preds], [targets]
    preds, targets = _as_list(preds, name, "predictions"), _as_list(targets, name, "targets")
    if len(preds) != len(targets):
        raise ValueError(f"{name}: {len(preds)} predictions but {len(targets)} targets")
    if not preds:
        raise ValueError(f"{name}: empty batch (no predictions)")
    if all(_is_scalar(p) for p in preds):
        _check_targets(targets, name)
        return preds, targets
    flat_p, flat_t = [], []
    for i, (p, t) in enumerate(zip(preds, targets)):
        if _is_scalar(p):
            p = [p]
        p = _as_list(p, name, f"prediction {i}")
        if _is_scalar(t) and not isinstance(t, Value) and len(p) > 1:
            t = _one_hot(t, len(p), name, i)
        elif _is_scalar(t):
            t = [t]
        t = _as_list(t, name, f"target {i}")
        if len(p) != len(t):
            raise ValueError(f"{name}: sample {i} has {len(p)} outputs but {len(t)} target values")
        flat_p.extend(p)
        flat_t.extend(t)
    _check_targets(flat_t, name)
    return flat_p, flat_t


def _one_hot(index, k: int, name: str, i: int) -> list[float]:
    if isinstance(index, bool) or not isinstance(index, numbers.Real) or index != int(index) or not 0 <= index < k:
        raise ValueError(
            f"{name}: target {i} must be a class index in 0..{k - 1} or a list of {k} values, got {index!r}"
        )
    row = [0.0] * k
    row[int(index)] = 1.0
    return row


# ---- regression -------------------------------------------------------------------------


def mse(preds, targets, half: bool = False) -> Value:
    """Mean squared error 1/n sum (yhat - y)^2 over all n outputs (as torch.nn.MSELoss).

    half=True gives the slides' 1/(2n) sum (yhat - y)^2, whose gradient is (yhat - y)/n.
    For models with several outputs, targets may be lists or class indices (one-hot).
    """
    half = checks.flag(half, "half", "mse")
    p, t = _pairs(preds, targets, "mse")
    diffs = [a - b for a, b in zip(p, t)]
    loss = dot(diffs, diffs)  # sum of squares as one node
    return loss / (2 * len(diffs) if half else len(diffs))


def l1(preds, targets, reduction: str = "mean") -> Value:
    """Mean (or, with reduction="sum", total) absolute error sum |yhat - y|; slope sign(yhat - y), 0 at 0."""
    checks.choice(reduction, "reduction", "l1", ("mean", "sum"))
    p, t = _pairs(preds, targets, "l1")
    loss = total([abs(a - b) for a, b in zip(p, t)])
    return loss / len(p) if reduction == "mean" else loss


# ---- binary classification --------------------------------------------------------------


def _check_probability_targets(t: list, name: str) -> None:
    for i, y in enumerate(t):
        if not 0.0 <= _value_of(y) <= 1.0:
            raise ValueError(f"{name}: target {i} is {_value_of(y)!r}; targets must lie in [0, 1]")


_SMALLEST = math.exp(LOG_FLOOR)  # log(_SMALLEST) is LOG_FLOOR exactly


def _log(q):
    """log(q), clamped at LOG_FLOOR like PyTorch's BCELoss: log(max(q, e^-100)), slope 0 below e^-100.

    The scalar graph shows the clamp as a Python choice (a plain log, or the
    constant -100). Under `autograd.trace` that choice would be one sample's
    for every sample, so there the clamp is a hardtanh node: each sample
    takes its own side, with the same numbers and slopes.
    """
    if isinstance(q, Value) and is_tracing():
        return q.hardtanh(_SMALLEST, 1.0).log()
    v = _value_of(q)
    if v >= _SMALLEST:
        return q.log() if isinstance(q, Value) else math.log(v)
    return LOG_FLOOR


def binary_cross_entropy(probs, targets) -> Value:
    """-1/n sum [y log p + (1 - y) log(1 - p)] for probabilities p in [0, 1] (e.g. sigmoid outputs).

    log is clamped at -100 as in PyTorch. From raw scores, prefer
    `binary_cross_entropy_with_logits`: it is exact where sigmoid rounds to 0 or 1.
    """
    p, t = _pairs(probs, targets, "binary_cross_entropy")
    _check_probability_targets(t, "binary_cross_entropy")
    terms = []
    for i, (q, y) in enumerate(zip(p, t)):
        if not 0.0 <= _value_of(q) <= 1.0:
            raise ValueError(
                f"binary_cross_entropy: prediction {i} is {_value_of(q)!r}; probabilities must lie in [0, 1]"
            )
        if y == 1:
            terms.append(_log(q))
        elif y == 0:
            terms.append(_log(1 - q))
        else:
            terms.append(y * _log(q) + (1 - y) * _log(1 - q))
    return -total(terms) / len(terms)


def binary_cross_entropy_with_logits(logits, targets) -> Value:
    """Binary cross-entropy of sigmoid(z) computed from the logits z, stably:
    per sample softplus(z) - y z (= -[y log s(z) + (1 - y) log(1 - s(z))]), never overflowing."""
    z, t = _pairs(logits, targets, "binary_cross_entropy_with_logits")
    _check_probability_targets(t, "binary_cross_entropy_with_logits")
    terms = []
    for s, y in zip(z, t):
        if not isinstance(s, Value):
            s = Value(s)
        if y == 0:
            terms.append(s.softplus())
        elif y == 1:
            terms.append((-s).softplus())  # softplus(z) - z = softplus(-z)
        else:
            terms.append(s.softplus() - s * y)
    return total(terms) / len(terms)


def hinge(scores, targets) -> Value:
    """micrograd's max-margin loss: mean of relu(1 - y * score), labels y in {-1, +1}."""
    s, t = _pairs(scores, targets, "hinge")
    terms = []
    for i, (a, y) in enumerate(zip(s, t)):
        yv = _value_of(y)
        if yv not in (-1.0, 1.0):
            raise ValueError(f"hinge: target {i} is {yv!r}; labels must be -1 or +1 (map 0/1 labels by 2y - 1)")
        y = y if isinstance(y, Value) else yv  # a Value label stays one: autograd.trace then sees it as an input
        terms.append((1.0 - a * y).relu() if isinstance(a, Value) else max(0.0, 1.0 - float(a) * yv))
    return total(terms) / len(terms)


# ---- k classes --------------------------------------------------------------------------


def _logit_list(logits, name: str) -> list:
    z = _as_list(logits, name, "logits")
    if not z:
        raise ValueError(f"{name}: no logits")
    return z


def cross_entropy(logits_batch, targets) -> Value:
    """Mean cross-entropy over k classes, from logits (softmax is applied inside, stably):
    per sample -sum_k y_k log softmax(z)_k = logsumexp(z) - z_target.

    `logits_batch`: a list of logit lists (one per sample), or one logit list.
    `targets`: class indices, or one-hot (or probability) lists of length k.
    """
    batch = _as_list(logits_batch, "cross_entropy", "logits")
    if batch and _is_scalar(batch[0]):  # one sample
        if not _is_scalar(targets) or isinstance(targets, Value):
            raise ValueError(
                f"cross_entropy: logits_batch is one flat list of {len(batch)} logits, which is one sample, but "
                f"targets is {checks.shown(targets)}, not one class index. For one sample give its class, "
                "cross_entropy(z, 2), or wrap both: cross_entropy([z], [target]). If these are the outputs of a "
                "model with one output, cross_entropy needs k >= 2 logits per sample: use "
                "binary_cross_entropy_with_logits (or an MLP with k outputs)"
            )
        batch, targets = [batch], [targets]
    targets = _as_list(targets, "cross_entropy", "targets")
    if len(batch) != len(targets):
        raise ValueError(f"cross_entropy: {len(batch)} samples of logits but {len(targets)} targets")
    if not batch:
        raise ValueError("cross_entropy: empty batch (no samples)")
    losses = []
    for i, (z, y) in enumerate(zip(batch, targets)):
        z = _logit_list(z, "cross_entropy")
        if len(z) < 2:
            raise ValueError(
                f"cross_entropy: sample {i} has {len(z)} logit; cross_entropy needs k >= 2 classes "
                "(for one output per sample use binary_cross_entropy_with_logits)"
            )
        lse = logsumexp(z)
        if _is_scalar(y) and not isinstance(y, Value):
            k = int(_one_hot(y, len(z), "cross_entropy", i).index(1.0))
            losses.append(lse - z[k])
        else:
            y = _as_list(y, "cross_entropy", f"target {i}")
            if len(y) != len(z):
                raise ValueError(f"cross_entropy: sample {i} has {len(z)} logits but a target of length {len(y)}")
            mass = total(y) if any(isinstance(v, Value) for v in y) else sum(_value_of(v) for v in y)
            losses.append(lse * mass - dot(y, z))
    return total(losses) / len(losses)


# ---- regularisation and metrics -----------------------------------------------------------


def _check_labels(ys: np.ndarray, labels: str) -> None:
    if labels == "pm1":
        bad, rule = np.flatnonzero((ys != -1.0) & (ys != 1.0)), "targets must be -1 or +1"
    else:
        bad, rule = np.flatnonzero(~((ys >= 0.0) & (ys <= 1.0))), "targets must lie in [0, 1]"
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"accuracy: target {i} is {ys[i].item()!r}; with labels={labels!r} {rule}")


def l2_penalty(params, alpha: float = 1e-4) -> Value:
    """alpha * sum p^2 over the parameters (a Module or a list of Values): weight decay as a loss term."""
    alpha = checks.number(alpha, "alpha", "l2_penalty", low=0.0)
    if hasattr(params, "parameters"):
        params = params.parameters()
    params = checks.ordered(params, "params (a Module or a list of Values)", "l2_penalty", empty=True)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"l2_penalty: params[{i}] is {checks.shown(p)}, not a Value (a parameter)")
    return dot(params, params) * alpha


_ACCURACY_LABELS = ("auto", "01", "pm1")
"""The label conventions `accuracy` knows for one score per sample."""


def accuracy(preds, targets, threshold: float | None = None, labels: str = "auto") -> float:
    """Fraction of correct predictions, in [0, 1].

    One score per sample, `labels` says what the targets are:

    - labels="01": 0/1 (or probabilities in [0, 1]; positive when y > 0.5); a prediction is
      positive when score > threshold, by default 0.5 (probabilities; pass threshold=0 for logits);
    - labels="pm1": -1/+1; a prediction is positive when score > threshold, by default 0 (its sign);
    - labels="auto" (the default) guesses from the data: "pm1" when some label is negative,
      otherwise "01". A batch of +1 labels alone is therefore read as 0/1 with threshold 0.5:
      pass labels="pm1" (or threshold=0) for the scores of a -1/+1 model.

    A list of scores per sample: correct when the largest is at the target's class (targets
    class indices or one-hot lists); `labels` must then be "auto" and `threshold` None.
    """
    checks.choice(labels, "labels", "accuracy", _ACCURACY_LABELS)
    if threshold is not None:
        threshold = checks.number(threshold, "threshold", "accuracy", finite=False)
    arrays = _numeric_arrays(preds, targets)
    if arrays is not None:  # NumPy arrays of numbers (train(compiled=True) measures this way): no Python loop
        scores, ys = arrays
    else:
        scores, ys = _scores_and_targets(preds, targets)
    if scores.ndim == 1:
        if labels == "auto":
            labels = "pm1" if (ys < 0).any() else "01"
        else:
            _check_labels(ys, labels)
        signed = labels == "pm1"
        cut = threshold if threshold is not None else (0.0 if signed else 0.5)
        hits = np.count_nonzero((scores > cut) == (ys > (0.0 if signed else 0.5)))
    else:
        if labels != "auto":
            raise ValueError(
                f"accuracy: labels={labels!r} is for one score per sample; with a list of scores per sample "
                "the largest one is the predicted class"
            )
        if threshold is not None:
            raise ValueError(
                f"accuracy: threshold={threshold!r} is for one score per sample; with a list of scores per "
                "sample the largest one is the predicted class, whatever the threshold"
            )
        hits = np.count_nonzero(scores.argmax(axis=1) == ys)  # the first of equal largest scores, as max()
    return int(hits) / len(scores)


def _numeric_arrays(preds, targets):
    """(scores, targets) when both are float or integer NumPy arrays that fit together: scores (n,) with
    targets (n,), or scores (n, k) with class indices (n,) or rows (n, k) (given as their argmax); else None."""
    if not (isinstance(preds, np.ndarray) and isinstance(targets, np.ndarray)):
        return None
    if preds.dtype.kind not in "iuf" or targets.dtype.kind not in "iuf" or not len(preds):
        return None
    if preds.ndim == 1 and targets.shape == preds.shape:
        return preds.astype(float, copy=False), targets.astype(float, copy=False)
    if preds.ndim != 2 or not preds.shape[1] or len(targets) != len(preds):
        return None
    k = preds.shape[1]
    if targets.ndim == 2 and targets.shape[1] == k:
        return preds, targets.argmax(axis=1)
    if targets.ndim == 1:
        bad = np.flatnonzero((targets != np.round(targets)) | (targets < 0) | (targets >= k))
        if bad.size:
            i = int(bad[0])
            _one_hot(targets[i].item(), k, "accuracy", i)  # raises, naming the target
        return preds, targets.astype(int)
    return None


def _scores_and_targets(preds, targets):
    """Lists of predictions and targets checked one by one, as arrays: scores (n,) with targets (n,), or
    scores (n, k) with the target classes (n,) (a class index, or the largest of a one-hot row)."""
    preds = _as_list(preds, "accuracy", "predictions")
    targets = _as_list(targets, "accuracy", "targets")
    if len(preds) != len(targets):
        raise ValueError(f"accuracy: {len(preds)} predictions but {len(targets)} targets")
    if not preds:
        raise ValueError("accuracy: empty batch (no predictions)")
    if all(_is_scalar(p) for p in preds):
        _check_targets(targets, "accuracy")
        return np.array([_value_of(p) for p in preds], dtype=float), np.array([_value_of(y) for y in targets])
    rows, classes = [], []
    for i, (p, y) in enumerate(zip(preds, targets)):
        scores = _as_list(p, "accuracy", f"prediction {i}")
        if not scores:
            raise ValueError(f"accuracy: prediction {i} is an empty list of scores")
        for a in scores:
            if not _is_scalar(a):
                raise TypeError(f"accuracy: prediction {i} holds {checks.shown(a)}; scores are numbers or Values")
        if rows and len(scores) != len(rows[0]):
            raise ValueError(f"accuracy: prediction {i} has {len(scores)} scores, prediction 0 {len(rows[0])}")
        rows.append([_value_of(a) for a in scores])
        if _is_scalar(y):
            classes.append(_one_hot(_value_of(y), len(scores), "accuracy", i).index(1.0))
        else:
            row = _as_list(y, "accuracy", f"target {i}")
            if len(row) != len(scores):
                raise ValueError(f"accuracy: sample {i} has {len(scores)} scores but a target of length {len(row)}")
            _check_targets(row, "accuracy")
            row = [_value_of(a) for a in row]
            classes.append(max(range(len(row)), key=row.__getitem__))
    return np.array(rows, dtype=float), np.array(classes)
