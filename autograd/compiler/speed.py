"""The compiled program's speed devices, in one place: what each saves, and why it gives the same numbers.

The instructions (instructions.py) are written for any traced graph; this module adds what makes the
common case, a network's layers, as fast as NumPy written by hand (issue 23's targets, measured by
`python -m demos.benchmark`):

* `Dense`: a layer step, x @ W.T + b and its activation, run with the fewest NumPy calls: the product
  written straight into the step's own array (no temporary, no copy), the activation applied there
  in place (`IN_PLACE`), and the weights' gradient written straight into the gradient vector where
  nothing else adds to those entries (`sole_writers`), so that vector needs no zeroing first.
  Same arithmetic as the general `Fused(Dot, ...)` step, in the same order, so the same numbers.
* `Plan`: everything one call needs for one batch size, one parameter vector and one gradient vector,
  found once: each step's operands (views of the parameters' rows, of computed arrays), its target
  and its gradient's view, what to zero; per call only the inputs change. The same steps on the same
  operands, so the same numbers.
* `square_sum`: a squared error d . d (then / n) read as a view of d's columns, its gradient added
  into them, where the general `Dot` would gather d twice through an index and scatter back: the same
  products and sums in the same order, so the same bits (test_speed).
* `IN_PLACE`: activations computed on their input array itself. sigmoid is 1 / (1 + e^-z) in four
  operations: under NumPy's ignored overflow e^-z = inf gives exactly 0, the right limit, so the
  two-branch form that floats need (math.exp raises) is not needed for arrays; the result differs
  from the two-branch form by at most an ulp or two (test_speed). The slope still comes from the
  operation's one record (its rule reads only the result for these operations).
* `blas_threads`: how many BLAS threads a program's matrix products get. A layer of a small batch
  is a product of microseconds; a second thread costs more to wake than it saves, and on a busy
  machine much more (issue 23: the MNIST epoch took 2.3 s instead of 0.77 s with NumPy's default
  two threads). One thread below `THREADS_FROM` multiply-adds per product; what the user set
  (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, or threadpoolctl's limits) always wins.

Threads and per-call arrays: every array a call writes comes from `Program._workspace`, one set per
thread, made once and reused (no allocation per call); the plans are per thread too, and what a step
keeps between its forward and its backward lives in its plan, never in the step.

Elsewhere, for the same targets: the start-up (trace, compile, the structure guard's first samples) is
a handful of C-level passes over the graph's edges, where most nodes are parameter leaves: only the
computed nodes are walked (`recording.computed_order`; the full order is made when an error or a print
asks), one pass over them builds every table compiling needs, keyed by the nodes themselves
(`Program._tables`), and the guard compares a sample's node with its compiled counterpart in one C-level
tuple comparison against a pool of the sample's nodes (`Program._same_graph`); the collector is paused
while tracing (`recording.collector_paused`). Per call: SGD's update into a buffer it keeps
(nn/optim.py), and train's reuse of its last program for the same model (`Program.adopt`,
nn/compiled.py).
"""

from __future__ import annotations

import contextlib
import os

import numpy as np

from autograd.compiler.instructions import Dot, Elementwise, Fused, Source
from autograd.core.numerics import NUMPY
from autograd.core.registry import REGISTRY

__all__ = ["Dense", "Plan", "IN_PLACE", "dense", "sole_writers", "blas_threads", "THREADS_FROM"]


def _sigmoid_in_place(z):
    np.negative(z, out=z)
    np.exp(z, out=z)  # inf for z < -709: then 1 / inf = 0 below, the limit
    z += 1.0
    np.reciprocal(z, out=z)


IN_PLACE = {"sigmoid": _sigmoid_in_place, "tanh": lambda z: np.tanh(z, out=z)}
"""Operation -> f(z) computing it on z in place. Only operations whose derivative rule reads the
result alone (sigmoid: s (1 - s); tanh: 1 - t^2), since the input is overwritten."""


class Dense:
    """A layer step: x @ W.T (+ b) with W rows of the parameter vector and x the same columns for every
    member, then its element-wise tail (the activation ...), as `Fused` runs it, with fewer NumPy calls."""

    def __init__(self, step):
        self.step = step  # the general step it replaces (pictures and the layout read its parts)
        head = step.head if isinstance(step, Fused) else step
        self.head = head
        self.w, self.x = head.parts[0][2]
        self.bias = head.bias
        self.tail = []  # (instruction, position of the step's result, in-place kernel and its slope rule or None)
        for ins, position in step.tail if isinstance(step, Fused) else []:
            kernel = IN_PLACE.get(ins.op) if len(ins.sources) == 1 and not ins.checked else None
            self.tail.append((ins, position, kernel and (kernel, REGISTRY[ins.op].derivatives[0])))
        self.start, self.stop, self.grad = step.start, step.stop, step.grad
        self.assign_w = self.assign_b = self.assign_x = False  # set by sole_writers: write gradients, not add

    def all_sources(self) -> list:
        """Every Source of the step it replaces (the compiler's bookkeeping asks)."""
        return self.step.all_sources()

    def reads(self) -> list:
        """The Sources it reads while running (not the Dot's term blocks that the matrix product replaces)."""
        tail = [src for ins, position, _ in self.tail for k, src in enumerate(ins.sources) if k != position]
        return [self.w, self.x] + ([self.bias] if self.bias is not None else []) + tail

    def bind(self, plan, target, g_out):
        """(forward, backward) of this layer for one `Plan`: the product written into `target`, the
        upstream gradient read from `g_out` (and scaled there, in place: nothing reads it after this step)."""
        store, theta, grads, theta_grad, batch = plan.store, plan.theta, plan.grads, plan.theta_grad, plan.batch
        w_now, x_now = plan.reader(self.w), plan.reader(self.x)
        b_now = plan.reader(self.bias) if self.bias is not None else None
        tail, state = self.tail, []

        def forward():
            xs, W = x_now(), w_now()
            z = np.matmul(xs, W.T, out=target)
            if b_now is not None:
                z += b_now()
            slopes = []
            for ins, position, in_place in tail:
                if in_place is not None:
                    kernel, rule = in_place
                    kernel(z)
                    slopes.append(rule(None, z, NUMPY))
                    continue
                args = [src.fetch(store, theta) for src in ins.sources]
                args[position] = z
                z, local = ins.evaluate(args) if ins.checked else ins.run(args)
                slopes.append(local[position])
            if z is not target:
                target[...] = z
            state[:] = xs, W, slopes

        w, x, b = self.w, self.x, self.bias
        g_w = w._view(theta_grad) if self.assign_w and w.rows is not None else None
        g_b = theta_grad[b.slice] if b is not None and self.assign_b and b.slice is not None else None
        g_x = grads[x.array] if self.assign_x else None

        def backward():
            xs, W, slopes = state
            g, factor = g_out, 1.0
            for local in reversed(slopes):
                if type(local) is float:
                    factor *= local
                else:
                    np.multiply(g, local, out=g)
            if factor != 1.0:
                np.multiply(g, factor, out=g)
            if g_w is not None:
                np.matmul(g.T, xs, out=g_w)
            elif not self.assign_w:
                w.add_grad(g.T @ xs, grads, theta_grad, batch)
            else:  # the weights' entries in another order than rows: written through the index
                theta_grad[w.index] = g.T @ xs
            if g_x is not None:
                np.matmul(g, W, out=g_x)
            elif x.grad:
                x.add_grad(g @ W, grads, theta_grad, batch)
            if g_b is not None:
                np.add.reduce(g, axis=0, out=g_b)
            elif b is not None:
                if not self.assign_b:
                    b.add_grad(g, grads, theta_grad, batch)
                else:
                    theta_grad[b.index] = np.add.reduce(g, axis=0)

        return forward, backward


def square_sum(step, plan, target, g_out):
    """(forward, backward) for a sum of squares of one sample's consecutive computed values, d . d (the
    squared error of `mse`), and the element-wise steps on constants after it (Keras' / n); else None.

    As a general `Dot` it gathers d twice by an index into new arrays and adds its gradient back through
    that index; here d is a view of its columns and the gradient is added into them: at batch 10 that
    was a tenth of the step. The same products, sums and quotients in the same order: the same numbers.
    """
    head = step.head if isinstance(step, Fused) else step
    if not isinstance(head, Dot) or len(head.parts) != 1 or head.bias is not None or not head.squares[0]:
        return None
    left = head.parts[0][0]
    if left.kind != "v" or left.index.shape[0] != 1:
        return None
    first, n = int(left.index[0, 0]), left.index.shape[1]
    if not (left.index[0] == np.arange(first, first + n)).all():
        return None
    tail = []
    for ins, position in step.tail if isinstance(step, Fused) else []:
        others = [src for k, src in enumerate(ins.sources) if k != position]
        if not isinstance(ins, Elementwise) or ins.checked or any(src.kind != "c" for src in others):
            return None
        tail.append((ins, position, [src.const for src in ins.sources]))
    columns = slice(first, first + n)
    d_source = Source("v", np.arange(first, first + n))
    d_source.bind(left.array, np.arange(first, first + n))  # read as a view of its columns
    d_now = plan.reader(d_source)
    grads, state = plan.grads, []

    def forward():
        d = d_now()
        z = np.add.reduce(d * d, axis=1, keepdims=True)
        slopes = []
        for ins, position, args in tail:
            args = list(args)
            args[position] = z
            z, local = ins.run(args)
            slopes.append(local[position])
        target[...] = z
        state[:] = d, slopes

    def backward():
        d, slopes = state
        g, factor = g_out, 1.0
        for local in reversed(slopes):
            if type(local) is float:
                factor *= local
            else:
                g = g * local
        if factor != 1.0:
            g = g * factor
        if left.grad:
            grads[left.array][:, columns] += 2.0 * (g * d)

    return forward, backward


class Plan:
    """One call's work for one batch size, one parameter vector and one gradient vector, bound once.

    A call of a small batch is microseconds of NumPy; finding each operand (which array, which view of the
    parameters), each step's target and gradient, and what to zero, took as long again (issue 23: 25 us of
    a 133 us step at batch 10). A plan finds them once and keeps, per step, a forward and a backward with
    everything but the call's inputs bound; `Program` keeps one plan per batch size for each thread and
    makes a new one when theta or the gradient vector is another array. The steps run in the same order on
    the same operands, so the numbers are the same.
    """

    def __init__(self, program, batch, values, grads, theta, theta_grad):
        n_args = program._n_args
        self.batch, self.theta, self.theta_grad = batch, theta, theta_grad
        self.store = [values[0], *([None] * n_args), *values[1:]]  # the inputs go in at each call
        self.grads = [grads[0], *([None] * n_args), *grads[1:]]
        self._first_computed = 1 + n_args
        self.inputs = slice(1, 1 + n_args)
        self.forwards, self.backwards = [], []
        for step, (array, at) in zip(program._steps, program._at):
            target = self.store[array] if at is None else self.store[array][:, at]
            g_out = self.grads[array] if at is None else self.grads[array][:, at]
            if type(step) is Dense:
                forward, backward = step.bind(self, target, g_out)
            else:
                forward, backward = square_sum(step, self, target, g_out) or self._general(step, target, g_out)
            self.forwards.append(forward)
            if step.grad:
                self.backwards.append(backward)
        self.backwards.reverse()
        self.fill = [grads[k] for k in program._fill if grads[k].size]  # the gradients added to: zeroed each call
        self.zero = program._zero

    def reader(self, source):
        """A function giving the operand now: a view bound once where it stays the same array (the
        parameters' rows, a computed array), else fetched at each call (the inputs change)."""
        store, theta = self.store, self.theta
        if source.kind == "c":
            const = source.const
            return lambda: const
        fixed = source.kind == "p" or (source.kind == "v" and source.array >= self._first_computed)
        if fixed:
            now = source.fetch(store, theta)
            if np.may_share_memory(now, theta if source.kind == "p" else store[source.array]):
                return lambda: now
        if source.kind == "v" and source.whole:
            array = source.array
            return lambda: store[array]
        return lambda: source.fetch(store, theta)

    def _general(self, step, target, g_out):
        store, theta, grads, theta_grad, batch = self.store, self.theta, self.grads, self.theta_grad, self.batch
        saved = []

        def forward():
            out, state = step.forward(store, theta)
            if out is not target:
                target[...] = out
            saved[:] = (state,)

        def backward():
            step.backward(saved[0], g_out, grads, theta_grad, batch)

        return forward, backward

    def forward(self, inputs) -> None:
        """Every step forward on these inputs ((batch, n) arrays, read where they are)."""
        self.store[self.inputs] = inputs
        with np.errstate(all="ignore"):  # the float path's errors are raised by the instructions instead
            for forward in self.forwards:
                forward()

    def backward(self, source, seed: float) -> None:
        """Every step backward from `seed` added into the output `source`'s gradient (after zeroing the
        gradients that are added to)."""
        for array in self.fill:
            array.fill(0.0)
        if self.zero is not None:
            self.theta_grad[self.zero] = 0.0  # the entries no layer writes whole (sole_writers)
        seed = seed if source.kind == "v" else np.full((self.batch, 1), seed)
        source.add_grad(seed, self.grads, self.theta_grad, self.batch)
        for backward in self.backwards:
            backward()


def dense(step):
    """The step as a `Dense` when it is a layer (one matrix product of parameters, a parameter bias or
    none, then element-wise operations of one varying operand), else the step itself."""
    head = step.head if isinstance(step, Fused) else step
    if not isinstance(head, Dot) or len(head.parts) != 1 or head.parts[0][2] is None:
        return step
    if head.bias is not None and head.bias.kind != "p":
        return step
    for ins, _ in step.tail if isinstance(step, Fused) else []:
        if not isinstance(ins, Elementwise):
            return step
    return Dense(step)


def sole_writers(steps, outputs, n_parameters: int) -> np.ndarray:
    """Mark each Dense step's weights and bias whose gradient entries nothing else adds to: their gradient
    is written, not added. Returns the entries of the gradient vector no step writes (to zero each call)."""
    count = np.zeros(n_parameters, dtype=np.intp)
    sources = {id(s): s for step in steps for s in step.all_sources()}  # a Dot's matrix side is also a part
    sources.update((id(s), s) for s in outputs)
    for source in sources.values():
        if source.kind == "p" and source.grad:
            np.add.at(count, source.index.ravel(), 1)
    written = np.zeros(n_parameters, dtype=bool)
    for step in steps:
        if not isinstance(step, Dense) or not step.grad:
            continue
        w, b = step.w, step.bias
        if w.unique and (count[w.index] == 1).all():
            step.assign_w = True
            written[w.index.ravel()] = True
        if b is not None and b.unique and (count[b.index] == 1).all():
            step.assign_b = True
            written[b.index] = True
    return np.flatnonzero(~written)


def sole_readers(steps, outputs, arrays: list, first_computed: int) -> list:
    """Mark each Dense step that is the only reader of a whole computed array (the layer below's result):
    it writes that array's gradient instead of adding to it. Returns the computed arrays (positions in
    the list `arrays` of their widths) whose gradients must still be zeroed each call."""
    readers: dict = {}
    sources = {id(s): s for step in steps for s in (step.reads() if isinstance(step, Dense) else step.all_sources())}
    sources.update((id(s), s) for s in outputs)
    for source in sources.values():
        if source.kind == "v" and source.grad:
            readers.setdefault(source.array, []).append(source)
    for source in outputs:  # the seed is added
        readers.setdefault(source.array, []).append(None)
    written = set()
    for step in steps:
        if isinstance(step, Dense) and step.grad and step.x.grad and step.x.array >= first_computed:
            x, k = step.x, step.x.array - first_computed + 1
            whole = x.slice is not None and x.slice == slice(0, arrays[k], 1)
            if whole and readers.get(x.array) == [x]:
                step.assign_x = True
                written.add(k)
    return [k for k in range(len(arrays)) if k not in written]


# ---- BLAS threads ---------------------------------------------------------------------------------------

THREADS_FROM = 4_000_000
"""Multiply-adds of a program's largest product per call from which BLAS may use more than one thread."""

_USER_SETTINGS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def _controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: without it NumPy's own setting stands
        return None
    return ThreadpoolController()


def blas_threads(multiply_adds: int):
    """A context in which BLAS runs with one thread when the largest product has fewer than
    THREADS_FROM multiply-adds; nothing changes when the user chose the threads (an environment
    variable, or threadpoolctl limits below the machine's cores) or without threadpoolctl."""
    if multiply_adds >= THREADS_FROM or any(os.environ.get(k) for k in _USER_SETTINGS):
        return contextlib.nullcontext()
    controller = _controller()
    if controller is None:
        return contextlib.nullcontext()
    blas = controller.select(user_api="blas")
    cores = os.cpu_count() or 1
    if not blas.lib_controllers or any(c.num_threads < cores for c in blas.lib_controllers):
        return contextlib.nullcontext()  # already limited: the user's choice (or one core)
    return blas.limit(limits=1)
