"""`train(..., compiled=True)`: the same training, with the model traced once and run on whole batches.

The per-sample loss, `loss([model(x)], [t])`, is compiled by `autograd.trace`;
every batch is then one NumPy forward and backward pass. The parameters live
in one NumPy vector while training, and the optimizer's own `update` (the one
its `step()` runs) moves that vector. `Steps` gives `train`'s epoch loop the
batches and the step of one batch; after every epoch the numbers are written
back into the model's Values, so pictures, `save()` and a later scalar `train`
see them (the optimizer's state is the optimizer's own all along).

Called again on the same model, loss and parameters (the playground trains one epoch
per frame), it reuses the program of its last call in this thread when the per-sample
loss records the very same graph (`Program.adopt`), instead of tracing and compiling.

A `.data` assigned between epochs (on_epoch annealing a leaf nobody trains, or clipping a weight) is
taken up by the next epoch, as the scalar path's next step reads it; the leaves the loss uses that the
optimizer does not train add every step's gradient to their `.grad`, as there.

A model whose forward pass uses a node computed before it from parameters training changes
(`self.c = self.w * 2.0` in `__init__`) is refused at the first step, before any update: the program
would compute that node again at every step, while the model keeps its old number (the scalar path
refuses it at its second step) or, computing it again only when its parameters changed, holds state
the program does not follow; such a model trains with compiled=False.

Targets that are class indices for a model of k outputs become one-hot rows,
as `mse` and `cross_entropy` read them. Every loss of `nn.losses` is the mean
of its per-sample losses over the batch; for a loss given as a function the
first batch checks that this holds.
"""

from __future__ import annotations

import math
import threading
import weakref
from operator import is_

import numpy as np

from autograd import TraceError, Value, no_grad, topological_order, trace
from autograd.compiler import recording
from autograd.compiler.program import as_batch_array
from autograd.core import graph
from autograd.core.value import described
from nn.data import as_rows
from nn.losses import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge, l1, mse
from nn.optim import SGD, Adagrad, Adam, Optimizer, RMSProp

__all__: list[str] = []  # used through train(..., compiled=True); nothing of its own to export


# ---- the optimizer's own update, on a vector of parameters ------------------------------------------

_BUILT_IN = (SGD, Adagrad, RMSProp, Adam)  # named when another optimizer is refused


class _VectorStep:
    """The optimizer's `step_vector` on the first n entries of theta (its parameters; views, updated in place)."""

    def __init__(self, optimizer: Optimizer, n: int):
        self.optimizer, self.n = optimizer, n

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self.optimizer.step_vector(theta[: self.n], grad[: self.n])


def vector_optimizer(optimizer, n: int) -> _VectorStep:
    """The step of `optimizer` for a parameter vector whose first n entries are its parameters.

    Only an `Optimizer` whose `step()` is its vector `update` can run here (SGD, Adagrad, RMSProp, Adam,
    or a subclass with its own `update`); a `step()` of its own would be skipped, so it is refused.
    """
    kind = type(optimizer)
    if not isinstance(optimizer, Optimizer) or kind.step is not Optimizer.step or kind.update is Optimizer.update:
        raise TypeError(
            f"train(compiled=True): the optimizer must be one of {', '.join(k.__name__ for k in _BUILT_IN)} "
            f"(their updates exist for NumPy vectors), not {kind.__name__}; use compiled=False for it"
        )
    return _VectorStep(optimizer, n)


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
        t = as_batch_array(y, f"train(compiled=True): {name}")
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


def _collection(data, name: str):
    """A NumPy array as it is (kept as an array); any other data set as the scalar path reads it: a list,
    tuple, generator or dict view becomes a list, and None, a number, a string, a set or a dict is
    refused naming `name` (nn.data.as_rows)."""
    if isinstance(data, np.ndarray) and data.ndim:
        return data
    return as_rows(data, name, "train")


def _inputs(X, name: str) -> np.ndarray:
    inputs = as_batch_array(X, f"train(compiled=True): {name}")
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


# ---- the steps of train's loop -----------------------------------------------------------------------


class Steps:
    """The compiled path's part of `train`'s epoch loop: the batches (lists of sample indices), the step of
    one batch, the end of an epoch and the validation, as `train`'s scalar path has them.

    Building it checks the data (arguments `train` already checked are taken as they are) and traces the
    per-sample loss once.
    """

    def __init__(self, model, X, y, *, loss_fn, optimizer, batch_size, shuffle, rng, val, penalty, measure):
        X, y = _collection(X, "X"), _collection(y, "y")
        inputs = _inputs(X, "X")
        if not len(inputs):
            raise ValueError("train: X and y are empty; there is nothing to train on")
        if len(inputs) != len(y):
            raise ValueError(f"train: X has {len(inputs)} inputs but y has {len(y)} targets; give one target per input")
        # recorded, as the scalar path's first forward pass: a node the model makes on its first call and
        # keeps (`if self.c is None: self.c = self.w * 2.0`) is then a computed node, which the first step
        # finds and refuses (_refuse_cached); under no_grad() it became a leaf, a constant the program never
        # trained through, silently (the MNIST network's call: 1.35 ms recorded, 1.32 ms not)
        k = _outputs_of(model(inputs[0].tolist()))
        targets = _target_rows(y, k, "y")
        _check_values(loss_fn, targets, "target")

        held = _held(model)  # the program kept for the next call must not keep the model alive (_program)

        def per_sample(x, t):
            model = held()
            out = model(x)
            outs = [out] if k is None else list(out)
            loss = loss_fn([out], [t])
            if not isinstance(loss, Value):
                raise TypeError(f"train: the loss must be a Value, got {type(loss).__name__}")
            if penalty is None:
                return [loss] + outs
            # the penalty, added to every sample's loss, adds itself to the batch mean: one program for both
            return [loss + penalty(model), loss] + outs

        program = _program(model, per_sample, inputs[0].tolist(), targets[0].tolist(), optimizer.params, loss_fn, k)
        if penalty is not None:
            _check_penalty(model, inputs[0], program, len(optimizer.params))
        self.vector = vector_optimizer(optimizer, len(optimizer.params))
        self.trained = len(optimizer.params)  # the first entries of theta: the parameters training changes
        self.cache_checked = False  # the first step's gradient call finds the nodes kept from before (_refuse_cached)
        if val is not None:
            val = (_collection(val[0], "val's X"), _collection(val[1], "val's y"))
            val_inputs, val_targets = _inputs(val[0], "val"), _target_rows(val[1], k, "val targets")
            if val_inputs.shape[1] != inputs.shape[1] or len(val_inputs) != len(val_targets):
                raise ValueError(
                    f"train: val has {len(val_inputs)} inputs of {val_inputs.shape[1]} numbers and "
                    f"{len(val_targets)} targets; it needs one target per input and {inputs.shape[1]} numbers "
                    "per input, as X"
                )
            _check_values(loss_fn, val_targets, "target")
            self.val = (val_inputs, val_targets, list(val[1]))
        self.model, self.X, self.y, self.loss_fn, self.k = model, X, y, loss_fn, k
        self.inputs, self.targets, self.program = inputs, targets, program
        self.theta = program.read_parameters()
        self.synced = graph.data_stamp()  # theta holds the Values' numbers as of this stamp (see batches)
        self.grad = np.zeros(len(self.theta))  # every batch's gradient is written here (Program.gradient's out)
        # the leaves the loss uses and the optimizer does not train: on the scalar path their .grad adds up
        # every step's gradient (zero_grad() zeroes only the optimizer's own), so here too; None, nothing to
        # add, when every leaf is trained (the usual case)
        untrained = len(self.theta) - self.trained
        self.summed = np.zeros(untrained) if untrained else None
        self.untrained_grad = self.grad[self.trained :]  # a view: each step's gradient of those leaves
        self.size = len(inputs) if batch_size is None else batch_size
        self.shuffle, self.rng, self.measure = shuffle, rng, measure
        self.first = 0 if penalty is None else 1  # the column of the loss without penalty; the outputs follow
        self.mean_checked = loss_fn in _MEAN_LOSSES
        self.pred_checked = loss_fn is binary_cross_entropy

    def threads(self):
        """The context train's epochs run in: BLAS threads chosen for this program's products."""
        return self.program.blas_threads(self.size)

    def batches(self):
        """One epoch's batches: arrays of sample indices, in the order nn.batches draws.

        Run at the start of every epoch, it first takes up what was assigned since the numbers were last
        written back (on_epoch annealing a leaf nobody trains, `p.data = ...` clipping a weight): the scalar
        path's next step uses the Values' numbers, so theta is read from them again (the optimizer's state
        stays, as there). One comparison of stamps when nothing was assigned (graph.data_changed)."""
        if graph.data_stamp() != self.synced:
            self.synced = graph.data_stamp()
            self.theta[:] = self.program.read_parameters()  # in place: the program's plan holds this vector
        if self.summed is not None:  # what those leaves' .grad hold now, the epoch's gradients added to it
            self.summed[:] = list(map(_grad_of, self.program.parameters[self.trained :]))
        order = list(range(len(self.inputs)))
        if self.shuffle:
            self.rng.shuffle(order)  # the same draws as nn.batches
        order = np.array(order, dtype=np.intp)  # batches gathered by an index array, not a list converted each step
        size = self.size
        return (order[start : start + size] for start in range(0, len(order), size))

    def step(self, chosen: np.ndarray):
        """Loss and gradient of one batch at theta, then the optimizer's update of theta.

        Returns (batch loss, batch size, predictions, targets), the last two None unless measured.
        """
        targets = self.targets[chosen]
        outs, _ = self.program.gradient(self.theta, self.inputs[chosen], targets, out=self.grad)
        if not self.cache_checked:  # the first call's structure guard traced samples again: before any update
            _refuse_cached(self.model, self.program, self.trained)
            self.cache_checked = True
        if self.summed is not None:
            self.summed += self.untrained_grad
        first = self.first
        if self.pred_checked:
            _check_values(self.loss_fn, outs[:, first + 1 :], "prediction")
        batch_loss = float(np.add.reduce(outs[:, 0])) / len(chosen)  # the mean, without np.mean's Python layers
        if not self.mean_checked:
            _check_mean(self.loss_fn, self.model, self, chosen, outs[:, first])
            self.mean_checked = True
        self.vector.step(self.theta, self.grad)
        if not self.measure:
            return batch_loss, len(chosen), None, None
        if self.measure == "arrays":  # for nn.accuracy on arrays: no Python loop over the samples
            return batch_loss, len(chosen), _predictions(outs, first, self.k), targets
        return batch_loss, len(chosen), _as_predictions(outs[:, first + 1 :], self.k), [self.y[i] for i in chosen]

    def end_epoch(self) -> None:
        """The numbers into the model's Values, as the scalar loop leaves them: the trained parameters, their
        .grad the last batch's gradient, and the .grad of the leaves nobody trains every step's added up."""
        self.write_trained()
        grads = self.grad.tolist()
        if self.summed is not None:
            grads[self.trained :] = self.summed.tolist()
        for p, g in zip(self.program.parameters, grads):
            p.grad = g

    def write_trained(self) -> None:
        """The trained parameters' numbers into their Values. Only theirs: the other leaves the loss uses kept
        their numbers, and an assignment, even of the same number, makes a node computed from that leaf
        stale (a model's node kept from before, built from a leaf nobody trains, stays usable, as on the
        scalar path)."""
        for p, v in zip(self.program.parameters[: self.trained], self.theta[: self.trained].tolist()):
            p.data = v
        self.synced = graph.data_stamp()  # the Values hold theta's numbers: nothing to read back (batches)

    def validate(self):
        """(validation loss without the penalty, as the scalar path; the predictions; the targets)."""
        val_inputs, val_targets, targets = self.val
        outs = self.program.evaluate(self.theta, val_inputs, val_targets)
        first = self.first
        if self.pred_checked:
            _check_values(self.loss_fn, outs[:, first + 1 :], "prediction")
        if self.measure == "arrays":
            return float(outs[:, first].mean()), _predictions(outs, first, self.k), val_targets
        return float(outs[:, first].mean()), _as_predictions(outs[:, first + 1 :], self.k), targets


_grad_of = Value.grad.fget  # a Value's .grad, read in C


_last: dict = {}  # thread id -> (model's weak reference, loss, outputs, program) of its last compiled train
_last_lock = threading.Lock()


def _held(model):
    """A function giving the model: a weak reference where the model allows one (else the model itself)."""
    try:
        return weakref.ref(model)
    except TypeError:  # a model that takes no weak references (a function with __slots__ ...): held strongly
        return lambda: model


def _program(model, per_sample, x, t, params, loss_fn, k):
    """The compiled per-sample loss: the program of this thread's last train(compiled=True) when it was
    for the same model, loss and parameters and the function records the same graph now (the
    playground trains one epoch per frame: one trace instead of trace and compile each time), else a
    new trace. The last program lives as long as its model (it holds it weakly) or until the thread's
    next compiled train."""
    thread = threading.get_ident()
    with _last_lock:
        last = _last.pop(thread, None)
    if last is not None:
        last_model, last_loss, last_k, program = last
        n = len(params)
        if (
            last_model() is model and last_loss is loss_fn and last_k == k
            and program.arg_shapes == [len(x), len(t) if isinstance(t, list) else None]
            and len(program.parameters) >= n and all(map(is_, program.parameters, params))
            and program.adopt(per_sample, x, t)
        ):  # fmt: skip
            _keep(thread, model, loss_fn, k, program)
            return program
    last = program = None  # let the old program go before the new one is made
    program = trace(per_sample, x, t, parameters=params)
    _keep(thread, model, loss_fn, k, program)
    return program


def _keep(thread, model, loss_fn, k, program) -> None:
    """Remember the program for the thread's next call, until the model goes."""

    def gone(_reference):
        with _last_lock:
            if _last.get(thread, (None,))[0] is _reference:
                del _last[thread]

    try:
        reference = weakref.ref(model, gone)
    except TypeError:
        return  # a model without weak references: nothing kept (it would stay alive with the program)
    with _last_lock:
        _last[thread] = (reference, loss_fn, k, program)


def _predictions(outs: np.ndarray, first: int, k):
    """The model's outputs among the program's: (n,) for one output, (n, k) for k."""
    return outs[:, first + 1] if k is None else outs[:, first + 1 :]


def _as_predictions(outs: np.ndarray, k):
    return outs[:, 0].tolist() if k is None else outs.tolist()


def _check_penalty(model, x, program, trained: int) -> None:
    """The penalty may use only the model's Values and the optimizer's (or numbers, or Values it makes anew in
    every call): other leaves would be trained by nobody."""
    model_leaves = {id(n) for out in _as_list(model(x.tolist())) for n in topological_order(out) if not n.op}
    extra = [p for p in program.parameters[trained:] if id(p) not in model_leaves]
    if extra:  # a Value the loss, the model or the penalty makes anew in every call is a constant, no stray leaf
        fresh = set(map(id, program.fresh_leaves()))
        extra = [p for p in extra if id(p) not in fresh]
    if extra:
        shown = ", ".join(repr(p) for p in extra[:3])
        raise ValueError(
            f"train(compiled=True): the penalty uses Values the model does not ({shown}); "
            "a penalty is a function of the model's parameters, such as lambda m: l2_penalty(m, 1e-4)"
        )


def _refuse_cached(model, program, trained: int) -> None:
    """A TraceError, before the first update, when the model's forward pass uses a node computed earlier
    from parameters training changes (`self.c = self.w * 2.0` in `__init__`, `x[0] * self.c` in
    `__call__`): the program computes every node again from the trained parameters at every step, without
    running the model's Python code between steps. A model that keeps the node describes another model
    (the scalar path refuses it at its second step: StaleGraphError, its parameter got new data after the
    node was computed from it); one that computes it again whenever the parameters changed (a memo) holds
    state the program does not follow (under no_grad(), in the scalar path's validation, the memo keeps a
    constant, and the next step does not train through it), so it trains with compiled=False. Nodes
    computed only from leaves nobody trains hold the same number at every step and are let through. The
    structure guard of the first gradient call found the nodes (`Program.cached_nodes`)."""
    used = program.cached_in_use()
    if not used:  # the usual case: nothing kept
        return
    changed = {id(p) for p in program.parameters[:trained]}

    def sources(node):  # the parameters training changes that `node` was computed from
        return [leaf for leaf in recording.full_order([node]) if id(leaf) in changed]

    refused = [(node, parents) for node in used if (parents := sources(node))]
    if not refused:
        return
    node, parents = refused[0]
    names = {id(p): name for name, p in model.named_parameters()} if hasattr(model, "named_parameters") else {}
    shown = ", ".join((f"{names[id(p)]!r} ({p.data!r})" if id(p) in names else described(p)) for p in parents[:3])
    shown += f" and {len(parents) - 3} more" if len(parents) > 3 else ""
    others = len(refused) - 1
    more = f" (and {others} more such {'node' if others == 1 else 'nodes'})" if others else ""
    attribute = [name for name, value in getattr(model, "__dict__", {}).items() if value is node]
    where = f" (the model's attribute {attribute[0]!r})" if attribute else ""
    parameters = "parameters" if len(parents) > 1 else "parameter"
    raise TraceError(
        f"train(compiled=True): the model's forward pass uses the node {described(node)}{where}, the result "
        f"of {node.op!r}, that it did not compute itself{more}: it was computed before this forward pass (in "
        f"__init__, or by an earlier call) from the {parameters} {shown} that training changes. The compiled "
        "program would compute it again from the trained parameters at every step, without running the "
        "model's Python code between steps. If the model keeps the node across updates, that is a different "
        "model from the one the Python code describes: the scalar path (compiled=False) refuses it at its "
        "second step (StaleGraphError: the first update gave the parameter new data after the node was "
        "computed from it). If the model computes it again whenever the parameters changed, train it with "
        "compiled=False, which runs that code at every step. To train compiled, compute it inside the forward "
        "pass (in __call__) from the current parameters. Nothing was trained"
    )


def _as_list(out):
    return [out] if isinstance(out, Value) else list(out)


def _check_mean(loss_fn, model, steps, chosen, per_sample) -> None:
    """A loss given as a function must be the mean of its per-sample losses, or compiling changes it."""
    few = chosen[:3]
    steps.write_trained()
    with no_grad():
        batch = loss_fn([model(list(steps.X[i])) for i in few], [steps.y[i] for i in few])
    expected = float(batch.data if isinstance(batch, Value) else batch)
    mean = float(np.mean(per_sample[: len(few)]))
    if not math.isclose(expected, mean, rel_tol=1e-9, abs_tol=1e-12):
        raise ValueError(
            f"train(compiled=True): the loss of {len(few)} samples is {expected!r}, but the mean of their "
            f"per-sample losses is {mean!r}; the compiled path needs a loss that averages over the batch "
            "(as every loss of nn.losses does). Use compiled=False for this loss"
        )


_MEAN_LOSSES = {mse, l1, hinge, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy}
