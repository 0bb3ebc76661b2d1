"""`train(..., compiled=True)`: the same training, with the model traced once and run on whole batches.

The per-sample loss, `loss([model(x)], [t])`, is compiled by `autograd.trace`;
every batch is then one NumPy forward and backward pass. The parameters live
in one NumPy vector while training, and the optimizer's update is the same
formula as in `nn.optim`, written for vectors (`VECTOR_UPDATES`). After every
epoch the numbers are written back into the model's Values (and the
optimizer's state into the optimizer), so pictures, `save()` and a later
scalar `train` see them.

Targets that are class indices for a model of k outputs become one-hot rows,
as `mse` and `cross_entropy` read them. Every loss of `nn.losses` is the mean
of its per-sample losses over the batch; for a loss given as a function the
first batch checks that this holds.
"""

from __future__ import annotations

import math

import numpy as np

from autograd import Value, no_grad, topological_order, trace
from autograd.trace import _numbers
from nn.data import make_rng
from nn.losses import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge, l1, mse
from nn.optim import SGD, Adagrad, Adam, RMSProp

__all__: list[str] = []  # used through train(..., compiled=True); nothing of its own to export


# ---- the optimizers of nn.optim, on a vector of parameters ------------------------------------------


class _Vector:
    """An optimizer's update on the first n entries of theta (its parameters), state in NumPy arrays."""

    def __init__(self, optimizer, n: int):
        self.opt, self.n = optimizer, n
        self.state = {name: np.array(getattr(optimizer, name), dtype=float) for name in self.STATE}

    def step(self, theta, grad) -> None:
        self.opt.steps += 1
        self.update(theta[: self.n], grad[: self.n])  # views: updated in place

    def write_back(self) -> None:
        """The optimizer's own lists get the state, so its next step() goes on from here."""
        for name, array in self.state.items():
            setattr(self.opt, name, array.tolist())


class _SGD(_Vector):
    STATE = ("velocity",)

    def update(self, p, grad):
        o = self.opt
        g = grad + o.weight_decay * p if o.weight_decay else grad
        if o.momentum:
            v = self.state["velocity"]
            b = g.copy() if o.steps == 1 else o.momentum * v + (1.0 - o.dampening) * g
            v[:] = b
            g = g + o.momentum * b if o.nesterov else b
        p -= o.lr * g


class _Adagrad(_Vector):
    STATE = ("sum_squares",)

    def update(self, p, grad):
        o = self.opt
        lr = o.lr / (1.0 + (o.steps - 1) * o.lr_decay)
        g = grad + o.weight_decay * p if o.weight_decay else grad
        s = self.state["sum_squares"]
        s += g * g
        p -= lr * g / (np.sqrt(s) + o.eps)


class _RMSProp(_Vector):
    STATE = ("square_avg", "grad_avg", "buffer")

    def update(self, p, grad):
        o, st = self.opt, self.state
        a = o.alpha
        g = grad + o.weight_decay * p if o.weight_decay else grad
        v = st["square_avg"]
        v[:] = a * v + (1.0 - a) * g * g
        if o.centered:
            m = st["grad_avg"]
            m[:] = a * m + (1.0 - a) * g
            denom = np.sqrt(np.maximum(v - m * m, 0.0)) + o.eps
        else:
            denom = np.sqrt(v) + o.eps
        if o.momentum:
            b = st["buffer"]
            b[:] = o.momentum * b + g / denom
            p -= o.lr * b
        else:
            p -= o.lr * g / denom


class _Adam(_Vector):
    STATE = ("m", "v", "v_max")

    def update(self, p, grad):
        o, st = self.opt, self.state
        (b1, b2), t = o.betas, o.steps
        step_size = o.lr / (1.0 - b1**t)
        root_correction = math.sqrt(1.0 - b2**t)
        g = grad + o.weight_decay * p if o.weight_decay else grad
        m, v = st["m"], st["v"]
        m[:] = b1 * m + (1.0 - b1) * g
        v[:] = b2 * v + (1.0 - b2) * g * g
        if o.amsgrad:
            v_max = st["v_max"]
            np.maximum(v_max, v, out=v_max)
            denom = np.sqrt(v_max) / root_correction + o.eps
        else:
            denom = np.sqrt(v) / root_correction + o.eps
        p -= step_size * m / denom


VECTOR_UPDATES = {SGD: _SGD, Adagrad: _Adagrad, RMSProp: _RMSProp, Adam: _Adam}
"""The optimizers the compiled path can run, and their vector form."""


def vector_optimizer(optimizer, n: int):
    """The vector form of `optimizer` for a parameter vector whose first n entries are its parameters."""
    for kind, vector in VECTOR_UPDATES.items():
        if type(optimizer)._update is kind._update:  # a subclass with its own update would be run wrong
            return vector(optimizer, n)
    raise TypeError(
        f"train(compiled=True): the optimizer must be one of {', '.join(k.__name__ for k in VECTOR_UPDATES)} "
        f"(their updates exist for NumPy vectors), not {type(optimizer).__name__}; use compiled=False for it"
    )


# ---- the data as arrays --------------------------------------------------------------------------------


def _outputs_of(output):
    if isinstance(output, Value):
        return None
    if isinstance(output, (list, tuple)) and output and all(isinstance(o, Value) for o in output):
        return len(output)
    raise TypeError(
        f"train(compiled=True): the model must return a Value or a list of Values, got {type(output).__name__}"
    )


def _target_rows(y, k, name: str) -> np.ndarray:
    """Targets as an array: (n,) for one output, (n, k) for k (class indices become one-hot rows)."""
    try:
        t = _numbers(y, f"train(compiled=True): {name}")
    except TypeError:
        t = None  # rows of different kinds (class indices and lists) read one by one below; None is refused
    if k is None:
        if t is None or t.ndim != 1:
            raise TypeError(f"train(compiled=True): {name} must be one number per sample for a model of one output")
        return t
    if t is not None and t.ndim == 2:
        if t.shape[1] != k:
            raise ValueError(f"train(compiled=True): {name} has rows of {t.shape[1]} values; the model has {k} outputs")
        return t
    if t is not None and t.ndim == 1:
        bad = np.flatnonzero((t != np.round(t)) | (t < 0) | (t >= k) | np.isnan(t))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"train(compiled=True): {name}[{i}] is {y[i]!r}; with {k} outputs a target is a class index "
                f"in 0..{k - 1} or a list of {k} numbers"
            )
        return np.eye(k)[t.astype(int)]
    return np.array([_target_rows([row], k, name)[0] for row in y])


def _inputs(X, name: str) -> np.ndarray:
    inputs = _numbers(X, f"train(compiled=True): {name}")
    if inputs.ndim == 1 and not inputs.size:
        raise ValueError(f"train: {name} is empty; there is nothing to train on")
    if inputs.ndim != 2:
        raise TypeError(
            f"train(compiled=True): {name} must be rows of numbers, one row per sample, not an array of shape "
            f"{inputs.shape}"
        )
    return inputs


def _check_values(loss_fn, array, what: str) -> None:
    """The checks the losses of nn.losses make on values in Python (a trace sees them for one sample only),
    made on the whole array: hinge labels are -1 or +1, binary targets and probabilities lie in [0, 1]."""
    binary = (binary_cross_entropy, binary_cross_entropy_with_logits)
    if loss_fn is hinge and what == "target":
        bad = np.flatnonzero((array != 1.0) & (array != -1.0))
        accepted = "labels must be -1 or +1 (map 0/1 labels by 2y - 1)"
    elif (loss_fn in binary and what == "target") or (loss_fn is binary_cross_entropy and what == "prediction"):
        bad = np.flatnonzero(~((array >= 0.0) & (array <= 1.0)))
        accepted = "targets must lie in [0, 1]" if what == "target" else "probabilities must lie in [0, 1]"
    else:
        return
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{loss_fn.__name__}: {what} {i} is {float(array.flat[i])!r}; {accepted}")


# ---- the loop ------------------------------------------------------------------------------------------


def run(model, X, y, *, loss_fn, metric_fn, optimizer, epochs, batch_size, shuffle, val, rng, progress, penalty,
        on_epoch, history, epoch_done):  # fmt: skip
    """The compiled form of `train`'s loop (its arguments already checked); fills and returns `history`."""
    inputs = _inputs(X, "X")
    if not len(inputs):
        raise ValueError("train: X and y are empty; there is nothing to train on")
    if len(inputs) != len(y):
        raise ValueError(f"train: X has {len(inputs)} inputs but y has {len(y)} targets; give one target per input")
    with no_grad():
        k = _outputs_of(model(inputs[0].tolist()))
    targets = _target_rows(y, k, "y")
    _check_values(loss_fn, targets, "target")

    def per_sample(x, t):
        out = model(x)
        outs = [out] if k is None else list(out)
        loss = loss_fn([out], [t])
        if not isinstance(loss, Value):
            raise TypeError(f"train: the loss must be a Value, got {type(loss).__name__}")
        if penalty is None:
            return [loss] + outs
        # the penalty, added to every sample's loss, adds itself to the batch mean: one program for both
        return [loss + penalty(model), loss] + outs

    program = trace(per_sample, inputs[0].tolist(), targets[0].tolist(), parameters=optimizer.params)
    if penalty is not None:
        _check_penalty(model, inputs[0], program, len(optimizer.params))
    first = 0 if penalty is None else 1  # the column of the loss without penalty; the model's outputs follow
    theta = program.read_parameters()
    update = vector_optimizer(optimizer, len(optimizer.params))
    if val is not None:
        val_inputs, val_targets = _inputs(val[0], "val"), _target_rows(val[1], k, "val targets")
        if val_inputs.shape[1] != inputs.shape[1] or len(val_inputs) != len(val_targets):
            raise ValueError(
                f"train: val has {len(val_inputs)} inputs of {val_inputs.shape[1]} numbers and {len(val_targets)} "
                f"targets; it needs one target per input and {inputs.shape[1]} numbers per input, as X"
            )
        _check_values(loss_fn, val_targets, "target")
    n = len(inputs)
    size = n if batch_size is None else batch_size
    checked = loss_fn in _MEAN_LOSSES
    pred_checked = loss_fn is binary_cross_entropy
    grad = None

    for epoch in range(1, epochs + 1):
        order = list(range(n))
        if shuffle:
            make_rng(rng).shuffle(order)  # the same draws as nn.batches
        loss_sum, outputs, seen = 0.0, [], []
        for start in range(0, n, size):
            chosen = order[start : start + size]
            outs, grad = program.gradient(theta, inputs[chosen], targets[chosen])
            if pred_checked:
                _check_values(loss_fn, outs[:, first + 1 :], "prediction")
            batch_loss = float(outs[:, 0].mean())
            if not checked:
                _check_mean(loss_fn, model, program, theta, X, y, chosen, outs[:, first])
                checked = True
            update.step(theta, grad)
            loss_sum += batch_loss * len(chosen)
            if metric_fn is not None:
                outputs.append(outs[:, first + 1 :])
                seen.extend(chosen)
        program.write_parameters(theta)
        update.write_back()
        history.loss.append(loss_sum / n)
        if metric_fn is not None:
            outs = np.concatenate(outputs)
            history.accuracy.append(metric_fn(_as_predictions(outs, k), [y[i] for i in seen]))
        if val is not None:
            outs = program.evaluate(theta, val_inputs, val_targets)
            if pred_checked:
                _check_values(loss_fn, outs[:, first + 1 :], "prediction")
            history.val_loss.append(float(outs[:, first].mean()))  # without the penalty, as the scalar path
            if metric_fn is not None:
                history.val_accuracy.append(metric_fn(_as_predictions(outs[:, first + 1 :], k), list(val[1])))
        if epoch_done(epoch, epochs, history, progress, on_epoch):
            break
    for p, g in zip(program.parameters, [] if grad is None else grad.tolist()):  # as the scalar loop: the last batch's
        p.grad = g
    return history


def _as_predictions(outs: np.ndarray, k):
    return outs[:, 0].tolist() if k is None else outs.tolist()


def _check_penalty(model, x, program, trained: int) -> None:
    """The penalty may use only the model's Values and the optimizer's (or numbers): other leaves would be
    trained by nobody."""
    model_leaves = {id(n) for out in _as_list(model(x.tolist())) for n in topological_order(out) if not n.op}
    extra = [p for p in program.parameters[trained:] if id(p) not in model_leaves]
    if extra:
        shown = ", ".join(repr(p) for p in extra[:3])
        raise ValueError(
            f"train(compiled=True): the penalty uses Values the model does not ({shown}); "
            "a penalty is a function of the model's parameters, such as lambda m: l2_penalty(m, 1e-4)"
        )


def _as_list(out):
    return [out] if isinstance(out, Value) else list(out)


def _check_mean(loss_fn, model, program, theta, X, y, chosen, per_sample) -> None:
    """A loss given as a function must be the mean of its per-sample losses, or compiling changes it."""
    few = chosen[:3]
    program.write_parameters(theta)
    with no_grad():
        batch = loss_fn([model(list(X[i])) for i in few], [y[i] for i in few])
    expected = float(batch.data if isinstance(batch, Value) else batch)
    mean = float(np.mean(per_sample[: len(few)]))
    if not math.isclose(expected, mean, rel_tol=1e-9, abs_tol=1e-12):
        raise ValueError(
            f"train(compiled=True): the loss of {len(few)} samples is {expected!r}, but the mean of their "
            f"per-sample losses is {mean!r}; the compiled path needs a loss that averages over the batch "
            "(as every loss of nn.losses does). Use compiled=False for this loss"
        )


_MEAN_LOSSES = {mse, l1, hinge, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy}
