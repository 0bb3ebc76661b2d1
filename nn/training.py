"""A small training loop: epochs of batches, forward, loss, backward, step.

    >>> from nn import MLP, Adam, train, truth_table
    >>> X, y = truth_table("xor")
    >>> model = MLP(2, [8, 1], activation="tanh", rng=1)
    >>> history = train(model, X, y, loss="mse", optimizer=Adam(model.parameters(), lr=0.05), epochs=300)
    >>> history.loss[-1] < 0.01
    True

Written out, each step is exactly the loop a demo may show by hand:

    for X_batch, y_batch in batches(X, y, batch_size, rng=rng):
        preds = [model(x) for x in X_batch]
        loss = loss_fn(preds, y_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

`train(..., compiled=True)` runs the same epoch loop: `nn.compiled.Steps` supplies its
batches and the step of one batch (the traced program's gradient, the optimizer's own update).
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field

import numpy as np

from autograd import Value, no_grad
from autograd.core import checks
from nn import compiled as _compiled
from nn.data import as_rows, batches, make_rng
from nn.losses import accuracy, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge, l1, mse

__all__ = ["History", "train", "LOSSES"]

LOSSES = {
    "mse": mse,
    "l1": l1,
    "hinge": hinge,
    "binary_cross_entropy": binary_cross_entropy,
    "bce": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "bce_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
}
"""Loss names `train` accepts, mapped to the functions of nn.losses."""

# For classification losses, metrics="auto" reports accuracy with these labels and this
# threshold (cross_entropy: "auto" and None, the largest of several outputs wins).
_ACCURACY_SETTINGS = {
    "hinge": ("pm1", 0.0),
    "binary_cross_entropy": ("01", 0.5),
    "bce": ("01", 0.5),
    "binary_cross_entropy_with_logits": ("01", 0.0),
    "bce_with_logits": ("01", 0.0),
    "cross_entropy": ("auto", None),
}


@dataclass
class History:
    """What `train` measured, one entry per epoch.

    `loss`: the epoch's batch losses (penalty included), each taken before
    that batch's update, averaged with each batch weighted by its size; `accuracy`: of the same
    predictions. `val_loss`, `val_accuracy`: on the validation data after the
    epoch (loss without penalty). Lists stay empty when not measured.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.loss)


def _loss_function(loss):
    if callable(loss):
        return loss
    if not isinstance(loss, str):
        raise TypeError(
            f"train: loss must be a name ({', '.join(LOSSES)}) or a function (preds, targets) -> Value, "
            f"not {checks.shown(loss)}"
        )
    try:
        return LOSSES[loss]
    except KeyError:
        raise ValueError(
            f"train: unknown loss {loss!r}; valid names: {', '.join(LOSSES)}, or a function (preds, targets) -> Value"
        ) from None


def _metric_function(metrics, loss):
    if metrics is None or callable(metrics):
        return metrics
    if not isinstance(metrics, str) or metrics != "auto":  # never == on an array: its truth is ambiguous
        kind = ValueError if isinstance(metrics, str) else TypeError
        raise kind(
            f"train: metrics must be 'auto', None or a function (preds, targets) -> float, not {checks.shown(metrics)}"
        )
    if isinstance(loss, str) and loss in _ACCURACY_SETTINGS:
        labels, threshold = _ACCURACY_SETTINGS[loss]

        def measured(preds, targets):
            several = (
                preds.ndim == 2 if isinstance(preds, np.ndarray) else any(isinstance(p, (list, tuple)) for p in preds)
            )
            if several:  # several outputs: the largest is the class
                return accuracy(preds, targets)
            return accuracy(preds, targets, threshold=threshold, labels=labels)

        measured.on_arrays = True  # takes the compiled path's arrays as they are
        return measured
    return None


def _numbers(output):
    """A model output (a Value or a list of Values) as plain numbers."""
    if isinstance(output, Value):
        return output.data
    if isinstance(output, (list, tuple)):
        return [_numbers(o) for o in output]
    return output


def _show_progress(stream, epoch: int, epochs: int, history: History) -> None:
    width = 30
    done = width * epoch // epochs
    text = f"\repoch {epoch}/{epochs} [{'#' * done}{'.' * (width - done)}] loss {history.loss[-1]:.4g}"
    if history.accuracy:
        text += f" acc {history.accuracy[-1]:.3f}"
    if history.val_loss:
        text += f" val_loss {history.val_loss[-1]:.4g}"
    stream.write(text + ("\n" if epoch == epochs else ""))
    stream.flush()


def _check_arguments(model, optimizer, batch_size, shuffle, val, progress, penalty, on_epoch):
    """The checks of `train`'s arguments that no later step makes at once, each naming the argument;
    returns val as a list (X_val, y_val) or None."""
    checks.function(model, "model", "train", "of one input such as MLP(2, [4, 1])")
    if not (callable(getattr(optimizer, "step", None)) and callable(getattr(optimizer, "zero_grad", None))):
        hint = " (a name is not enough: it holds the model's parameters)" if isinstance(optimizer, str) else ""
        raise TypeError(
            f"train: optimizer must be an optimizer such as SGD(model.parameters(), lr=0.1), "
            f"not {checks.shown(optimizer)}{hint}"
        )
    if batch_size is not None:
        checks.whole(batch_size, "batch_size (None or a positive whole number)", "train", low=1)
    checks.flag(shuffle, "shuffle", "train")
    if val is not None:
        val = checks.ordered(val, "val (a pair X_val, y_val)", "train", empty=True)
        if len(val) != 2:
            raise ValueError(f"train: val must be a pair (X_val, y_val), not {len(val)} items")
    if progress is not None:
        checks.flag(progress, "progress (None, True or False)", "train")
    if penalty is not None:
        checks.function(penalty, "penalty", "train", "model -> Value, e.g. lambda m: l2_penalty(m, 1e-4)")
    if on_epoch is not None:
        checks.function(on_epoch, "on_epoch", "train", "(epoch, history) -> bool or None")
    return val  # a pair read once: a generator of (X_val, y_val) is spent by reading it


class _ScalarSteps:
    """The scalar path's part of `train`'s epoch loop: batches of rows, and the step of one batch through the
    graph (forward, loss, backward, optimizer.step()); nn.compiled.Steps is the compiled path's."""

    def __init__(self, model, X, y, *, loss_fn, optimizer, batch_size, shuffle, rng, val, penalty, measure):
        X, y = as_rows(X, "X", "train"), as_rows(y, "y", "train")
        if len(X) != len(y):
            raise ValueError(f"train: X has {len(X)} inputs but y has {len(y)} targets; give one target per input")
        if not X:
            raise ValueError("train: X and y are empty; there is nothing to train on")
        if val is not None:
            self.val = tuple(as_rows(part, "val", "train") for part in val)
        self.model, self.X, self.y, self.loss_fn, self.optimizer = model, X, y, loss_fn, optimizer
        self.batch_size, self.shuffle, self.rng, self.penalty, self.measure = batch_size, shuffle, rng, penalty, measure

    def batches(self):
        """One epoch's (X_batch, y_batch) pairs."""
        return batches(self.X, self.y, self.batch_size, shuffle=self.shuffle, rng=self.rng)

    def step(self, batch):
        """Forward, loss, backward, optimizer step: (batch loss, batch size, predictions as numbers or None
        unless measured, targets)."""
        X_batch, y_batch = batch
        model = self.model
        preds = [model(x) for x in X_batch]
        batch_loss = self.loss_fn(preds, y_batch)
        if self.penalty is not None:
            batch_loss = batch_loss + self.penalty(model)
        if not isinstance(batch_loss, Value):
            raise TypeError(f"train: the loss must be a Value, got {type(batch_loss).__name__}")
        self.optimizer.zero_grad()
        batch_loss.backward()
        self.optimizer.step()
        outputs = [_numbers(p) for p in preds] if self.measure else None  # numbers only: the graph can go
        return batch_loss.data, len(X_batch), outputs, y_batch

    def threads(self):
        """The context the epochs run in: the scalar engine uses no BLAS, so nothing to choose."""
        return contextlib.nullcontext()

    def end_epoch(self) -> None:
        """Nothing to do: the Values were updated in place."""

    def validate(self):
        """(validation loss, predictions, targets)."""
        X_val, y_val = self.val
        val_preds = [self.model(x) for x in X_val]
        return self.loss_fn(val_preds, y_val).data, val_preds, y_val


def train(
    model,
    X,
    y,
    *,
    loss="mse",
    optimizer,
    epochs: int = 100,
    batch_size=None,
    shuffle: bool = True,
    val=None,
    metrics="auto",
    rng=None,
    seed=None,
    progress=None,
    penalty=None,
    on_epoch=None,
    compiled: bool = False,
) -> History:
    """Train `model` on inputs X and targets y; return the History of losses (and accuracies).

    loss: a name from LOSSES or a function (preds, targets) -> Value; preds is the
        list of model outputs for a batch.
    optimizer: e.g. SGD(model.parameters(), lr=0.1) or Adam(model.parameters()).
    batch_size: None (all samples: batch GD), 1 (SGD) or s (mini-batches); the
        order is shuffled every epoch by `rng` / `seed` (an int or random.Random).
    val: (X_val, y_val) to measure after every epoch.
    metrics: "auto" (accuracy for classification losses), None, or a function
        (preds, targets) -> float.
    progress: None shows a progress bar on stderr when it is a terminal; True/False force it.
    penalty: a function model -> Value added to every batch loss, e.g.
        lambda m: l2_penalty(m, 1e-4).
    on_epoch: a function (epoch, history) called after every epoch (epoch counts from 1);
        returning True stops training.
    compiled: True traces the model's per-sample loss once (autograd.trace) and runs every
        batch as NumPy vector instructions: the same History, much faster (see nn.compiled).
    """
    if seed is not None and rng is not None:
        raise ValueError("train: give seed or rng, not both")
    val = _check_arguments(model, optimizer, batch_size, shuffle, val, progress, penalty, on_epoch)
    epochs = checks.whole(epochs, "epochs", "train", low=0)
    checks.flag(compiled, "compiled", "train")
    loss_fn = _loss_function(loss)
    metric_fn = _metric_function(metrics, loss)
    rng = make_rng(seed if seed is not None else rng, "train")
    if progress is None:
        progress = getattr(sys.stderr, "isatty", lambda: False)()
    history = History()
    # the compiled path keeps NumPy arrays as arrays (as_rows would make Python lists of 60,000 images)
    arrays = metric_fn is accuracy or getattr(metric_fn, "on_arrays", False)  # takes NumPy arrays as they are
    measure = None if metric_fn is None else "arrays" if arrays else "lists"
    steps = (_compiled.Steps if compiled else _ScalarSteps)(
        model, X, y, loss_fn=loss_fn, optimizer=optimizer, batch_size=batch_size, shuffle=shuffle, rng=rng, val=val,
        penalty=penalty, measure=measure,
    )  # fmt: skip
    with steps.threads():
        _epochs(steps, epochs, history, metric_fn, val is not None, progress, on_epoch)
    return history


def _epochs(steps, epochs: int, history: History, metric_fn, validate: bool, progress, on_epoch) -> None:
    """train's epoch loop, the same for both paths: `steps` gives the batches and runs each."""
    for epoch in range(1, epochs + 1):
        loss_sum, count, outputs, targets = 0.0, 0, [], []
        for batch in steps.batches():
            batch_loss, size, batch_outputs, batch_targets = steps.step(batch)
            loss_sum += batch_loss * size
            count += size
            if metric_fn is not None:
                outputs.append(batch_outputs)
                targets.append(batch_targets)
        steps.end_epoch()
        history.loss.append(loss_sum / count)
        if metric_fn is not None:
            history.accuracy.append(metric_fn(_joined(outputs), _joined(targets)))
        if validate:
            with no_grad():
                val_loss, val_preds, val_targets = steps.validate()
                history.val_loss.append(val_loss)
                if metric_fn is not None:
                    history.val_accuracy.append(metric_fn(val_preds, val_targets))
        if progress:
            _show_progress(sys.stderr, epoch, epochs, history)
        if on_epoch is not None and on_epoch(epoch, history) is True:
            if progress:
                sys.stderr.write("\n")
            break


def _joined(chunks: list):
    """One epoch's batches of predictions (or targets) as one: NumPy arrays joined, lists chained."""
    if chunks and isinstance(chunks[0], np.ndarray):
        return np.concatenate(chunks)
    return [item for chunk in chunks for item in chunk]
