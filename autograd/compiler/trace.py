"""Trace once, run a whole batch: a scalar function compiled into NumPy vector instructions.

`trace(fn, *example_args)` calls `fn` once on placeholder Values and reads
the graph it recorded. That graph is the program: nodes of the same depth
and operation become one vector instruction (a layer of `dot` nodes over the
same inputs becomes one matrix product), and the program replays the
forward and backward pass with NumPy over a whole batch of samples at once.
This is what `jax.jit` and `torch.compile` do, at the size of a lecture:

    >>> from autograd import Value, trace
    >>> w = Value(2.0, label="w")
    >>> program = trace(lambda x: (w * x).tanh(), Value(0.0))
    >>> program([0.1, 0.5, 1.0]).round(4).tolist()
    [0.1974, 0.7616, 0.964]
    >>> round(program.value_and_grad([0.1, 0.5, 1.0]), 4), round(w.grad, 4)
    (0.641, 0.1256)

Only what the graph records is compiled. Python code that reads a value
(`if v.data > 0`, `float(v)`, indexing a list by a label) chose one branch
for the example; the program checks its first calls against fresh traces of
a few samples and raises `TraceError` naming the node where they differ.
"""

from __future__ import annotations

import inspect
import math
import numbers
import threading

import numpy as np

from autograd.core import checks
from autograd.core.graph import topological_order
from autograd.core.value import DomainError, Value, _const_of, is_grad_enabled, total

__all__ = ["trace", "Program", "TraceError", "is_tracing"]

CHECKED_CALLS = 2  # the first calls re-trace a few of their samples (see Program._check)
CHECKED_SAMPLES = 3


class TraceError(ValueError):
    """A sample's graph differs from the traced one: the function's structure depends on its values."""


_tracing = threading.local()


def is_tracing() -> bool:
    """True while `trace` runs a function on placeholders (to compile it, or to check a sample).

    A library function that must choose by a value in Python (a clamp, a
    shift for stability) asks this and records its choice as an operation
    instead, so every sample of a batch makes its own choice.
    """
    return getattr(_tracing, "depth", 0) > 0


def _call_traced(fn, args):
    _tracing.depth = getattr(_tracing, "depth", 0) + 1
    try:
        return fn(*args)
    finally:
        _tracing.depth -= 1


# ---- the NumPy form of every operation -----------------------------------------------------
# Each entry takes the operands in written order (`node.operands`: arrays for the parents,
# arrays of the recorded constants otherwise) and returns the result and the local
# derivative with respect to each operand, as value.py computes them for one number.
# tests/autograd/test_trace_ops.py checks every entry against the scalar engine. (value.py
# is the reference; autograd/calculus.py states the same slopes as Value expressions, for
# derivatives of derivatives; here result and slopes come out of one pass over the batch.)


def _power_slope(x, n):
    """n x^(n-1), with value.py's limits: 0 for n = 0, inf where x = 0 and 0 < n < 1."""
    with np.errstate(all="ignore"):
        slope = n * x ** (n - 1.0)
    slope = np.where(n == 0.0, 0.0, slope)
    return np.where((x == 0.0) & (n > 0.0) & (n < 1.0), np.inf, slope)


def _log_slope(out, base):
    """d/dy base^y = base^y ln(base): 0 at base 0, nan for a negative base (as value.py)."""
    with np.errstate(all="ignore"):
        slope = out * np.log(np.where(base > 0.0, base, 1.0))
    return np.where(base > 0.0, slope, np.where(base == 0.0, 0.0, np.nan))


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: no overflow
    r = 1.0 / (1.0 + e)
    return np.where(x >= 0.0, r, e * r)


def _erfc(x):
    try:
        from scipy.special import erfc
    except ImportError:  # scipy is optional: the standard library's, one number at a time
        return np.vectorize(math.erfc, otypes=[float])(x)
    return erfc(x)


def _gelu(x):
    cdf = 0.5 * _erfc(-x / math.sqrt(2.0))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    with np.errstate(invalid="ignore"):
        out, slope = x * cdf, cdf + x * pdf
    inf = np.isinf(x)
    return np.where(inf, np.maximum(x, 0.0), out), np.where(inf, (x > 0.0) * 1.0, slope)


def _normal_cdf(x):
    return 0.5 * _erfc(-x / math.sqrt(2.0)), np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _relu(x):
    return np.maximum(x, 0.0), x > 0.0  # maximum keeps nan, as value.py does; the slope as 0/1 booleans


def _abs(x):
    return np.abs(x), np.where(x > 0.0, 1.0, np.where(x < 0.0, -1.0, 0.0))


def _trig(f, slope):
    def apply(x):
        finite = np.isfinite(x)
        safe = np.where(finite, x, 0.0)
        return np.where(finite, f(safe), np.nan), np.where(finite, slope(safe), np.nan)

    return apply


def _leaky_relu(x, a):
    positive = x > 0.0
    return np.where(positive, x, a * x), (np.where(positive, 1.0, a), np.where(positive, 0.0, x))


def _hardtanh(x, lo, hi):
    out = np.where(x < lo, lo, np.where(x > hi, hi, x))
    return out, (np.where((x < lo) | (x > hi), 0.0, 1.0), 0.0, 0.0)


def _elu(x, alpha):
    positive = x >= 0.0
    with np.errstate(over="ignore"):
        return np.where(positive, x, alpha * np.expm1(x)), (np.where(positive, 1.0, alpha * np.exp(x)), 0.0)


def _softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))), _sigmoid(x)


def _step(x):
    return np.where(x > 0.0, 1.0, np.where(x <= 0.0, 0.0, x)), 0.0


def _div(a, b):
    q = a / b
    return q, (1.0 / b, -q / b)


def _tanh(x):
    t = np.tanh(x)
    return t, 1.0 - t * t


def _sqrt(x):
    s = np.sqrt(x)
    with np.errstate(divide="ignore"):
        return s, np.where(s > 0.0, 0.5 / np.where(s > 0.0, s, 1.0), np.inf)


def _pow(x, n):
    out = x**n
    return out, (_power_slope(x, n), _log_slope(out, x))


def _rpow(c, x):
    out = c**x
    return out, (0.0, _log_slope(out, c))


def _exp(x):
    e = np.exp(x)
    return e, e


def _sig(x):
    s = _sigmoid(x)
    return s, s * (1.0 - s)


NUMPY_OPS = {
    "+": lambda a, b: (a + b, (1.0, 1.0)),
    "-": lambda a, b: (a - b, (1.0, -1.0)),
    "rsub": lambda c, x: (c - x, (1.0, -1.0)),
    "neg": lambda x: (-x, -1.0),
    "*": lambda a, b: (a * b, (b, a)),
    "/": _div,
    "rdiv": _div,
    "**": _pow,
    "rpow": _rpow,
    "exp": _exp,
    "log": lambda x: (np.log(x), 1.0 / x),
    "sqrt": _sqrt,
    "abs": _abs,
    "sin": _trig(np.sin, np.cos),
    "cos": _trig(np.cos, lambda x: -np.sin(x)),
    "tanh": _tanh,
    "sigmoid": _sig,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
    "hardtanh": _hardtanh,
    "softplus": _softplus,
    "elu": _elu,
    "gelu": _gelu,
    "step": _step,
    "normal_cdf": _normal_cdf,  # made only by the derivative of gelu (grad(..., create_graph=True))
}
"""op -> f(*operands) -> (result, local derivatives): one operand gives one derivative, several a tuple."""


_CHECKED = {"log", "sqrt", "/", "rdiv", "exp", "**", "rpow"}

_IDENTITY = {"*": 1.0, "/": 1.0, "+": 0.0, "-": 0.0}  # x op c is x itself for this c (x / 1, x - 0 ...)


def _needs_check(op: str, sources) -> bool:
    """Whether value.py could refuse an operand: never for a division by nonzero constants."""
    if op not in _CHECKED:
        return False
    divisor = sources[1] if op == "/" and len(sources) == 2 else None
    return not (divisor is not None and divisor.kind == "c" and bool(np.all(divisor.const != 0.0)))


def _is_identity(ins) -> bool:
    """x * 1, x / 1, x + 0, x - 0 for every member: nothing to compute forward or backward."""
    if ins.op not in _IDENTITY or len(ins.sources) != 2 or ins.sources[1].kind != "c":
        return False
    return bool(np.all(ins.sources[1].const == _IDENTITY[ins.op]))


def _scaled(g, local):
    return g if type(local) is float and local == 1.0 else g * local


def _domain_check(op: str, args, out):
    """The errors value.py raises, for the first offending sample: (exception class, message) or None."""
    if op == "log":
        return DomainError, args[0] <= 0.0, "log({}) is undefined; log needs a positive number"
    if op == "sqrt":
        return DomainError, args[0] < 0.0, "sqrt({}) is undefined; sqrt needs a number >= 0"
    if op in ("/", "rdiv"):
        zero = args[1] == 0.0
        return (
            ZeroDivisionError,
            np.broadcast_to(zero, np.shape(out)) if np.any(zero) else False,
            "division of {} by zero",
        )
    if op == "exp":
        return OverflowError, np.isinf(out) & np.isfinite(args[0]), "exp({}) is too large for a float"
    if op in ("**", "rpow"):
        base, exponent = np.broadcast_arrays(args[0], args[1])
        zero = (base == 0.0) & (exponent < 0.0)
        fractional = (base < 0.0) & np.isfinite(exponent) & (exponent != np.round(exponent))
        if zero.any():
            return ZeroDivisionError, zero, "0.0 ** negative is undefined (division by zero), base {}"
        if fractional.any():
            return DomainError, fractional, "{} ** a fractional power has no real value"
        big = np.isinf(out) & np.isfinite(base) & np.isfinite(exponent)
        return OverflowError, big, "{} ** y is too large for a float"
    return None


# ---- the program ------------------------------------------------------------------------------


class _Source:
    """Where one operand of every member of an instruction comes from.

    kind "v": columns `index` of the batch values (inputs and results, shape (batch, n));
    kind "p": entries `index` of the parameter vector; kind "c": the constants `const`.
    `index` has the shape of the operand block ((members,) or (members, terms)).
    """

    __slots__ = ("kind", "index", "const", "unique", "slice", "rows", "grad", "_views")

    def __init__(self, kind, index=None, const=None, grad=True):
        self.kind, self.const, self.grad = kind, const, grad
        self.index = None if index is None else np.asarray(index, dtype=np.intp)
        self.unique = self.index is not None and len(np.unique(self.index)) == self.index.size
        # Read without copying where the index allows: a slice of columns (step 1 for batch
        # values), or, in the parameter vector, rows of n equally spaced (a layer's weights).
        self.slice = self.rows = None
        self._views = (None, None, None, None)  # the last two arrays read as rows, and their views
        if self.index is None or not self.index.size or not self.unique:
            return
        first = int(self.index.flat[0])
        if self.index.ndim == 1:
            steps = np.diff(self.index)
            step = int(steps[0]) if steps.size else 1
            if step > 0 and (steps == step).all() and (kind == "p" or step == 1):
                self.slice = slice(first, int(self.index[-1]) + 1, step)
        elif kind == "p":
            g, n = self.index.shape
            starts = self.index[:, 0]
            stride = int(starts[1] - starts[0]) if g > 1 else n
            if (
                stride >= n
                and (self.index == starts[:, None] + np.arange(n)).all()
                and (starts == first + stride * np.arange(g)).all()
            ):
                self.rows = (first, first + g * stride, g, stride, n)

    def _view(self, array):
        a, view_a, b, view_b = self._views  # training reads theta and writes theta_grad: the same arrays each batch
        if array is a:
            return view_a
        if array is b:
            return view_b
        start, stop, g, stride, n = self.rows
        # None where the last row ends the vector: no room for a whole stride
        view = None if stop > array.size else array[start:stop].reshape(g, stride)[:, :n]
        self._views = (array, view, a, view_a)
        return view

    def fetch(self, values, theta):
        if self.kind == "v":
            return values[:, self.slice] if self.slice is not None else values[:, self.index]
        if self.kind == "p":
            if self.slice is not None:
                return theta[self.slice]
            if self.rows is not None:
                view = self._view(theta)
                if view is not None:
                    return view
            return theta[self.index]
        return self.const

    def add_grad(self, contribution, grads, theta_grad, batch: int) -> None:
        """Add d(reduced output)/d(operand) for every member into the gradients of its source."""
        if not self.grad:
            return
        kind = self.kind
        if kind == "v":
            if self.slice is not None:
                grads[:, self.slice] += contribution
            elif self.unique:
                grads[:, self.index] += contribution
            else:  # a node used twice by one member, or by several: add the shares up first
                c = np.broadcast_to(contribution, (batch, *self.index.shape))
                flat = self.index.ravel()
                order = np.argsort(flat, kind="stable")
                sorted_index = flat[order]
                starts = np.flatnonzero(np.r_[True, sorted_index[1:] != sorted_index[:-1]])
                summed = np.add.reduceat(c.reshape(batch, -1)[:, order], starts, axis=1)
                grads[:, sorted_index[starts]] += summed
            return
        if kind == "c":
            return
        c = contribution
        if getattr(c, "ndim", 0) > self.index.ndim:  # per sample: the parameters' gradient sums them
            c = c.sum(axis=0)
        if self.slice is not None:
            theta_grad[self.slice] += c
            return
        view = self._view(theta_grad) if self.rows is not None else None
        if view is not None:
            view += c
        elif self.unique:
            theta_grad[self.index] += c
        else:
            c = np.broadcast_to(c, self.index.shape)
            theta_grad += np.bincount(self.index.ravel(), weights=c.ravel(), minlength=theta_grad.size)


class _Instruction:
    """One vector instruction: the same operation on `members` nodes of one depth, over the whole batch."""

    def __init__(self, op, nodes, depth, start, sources):
        self.op, self.nodes, self.depth, self.start = op, nodes, depth, start
        self.stop = start + len(nodes)
        self.sources = sources
        self.grad = True  # False when no parameter is upstream: nothing to do backward
        self.checked = _needs_check(op, sources)

    def describe(self, names) -> str:
        first, last = names[id(self.nodes[0])], names[id(self.nodes[-1])]
        span = first if len(self.nodes) == 1 else f"{first}..{last}"
        return f"{len(self.nodes)} node{'s' if len(self.nodes) > 1 else ''} {span}"


class _Elementwise(_Instruction):
    def forward(self, values, theta, program):
        args = [s.fetch(values, theta) for s in self.sources]
        out, local = NUMPY_OPS[self.op](*args)  # (numpy's warnings are off: _forward)
        if self.checked:
            check = _domain_check(self.op, args, out)
            if np.any(check[1]):
                program._domain_error(self, check, args)
        self.local = local if isinstance(local, tuple) else (local,)
        return out

    def backward(self, g, grads, theta_grad, batch):
        for source, local in zip(self.sources, self.local):
            if source.kind != "c" and source.grad:
                source.add_grad(_scaled(g, local), grads, theta_grad, batch)

    def shape_text(self):
        return f"(B, {len(self.nodes)})"


class _Sum(_Instruction):
    """`total(...)` nodes of n terms each: the terms as a block (members, n), summed along a row."""

    def __init__(self, op, nodes, depth, start, sources, const):
        super().__init__(op, nodes, depth, start, sources)
        self.const = const  # the summed numbers, one per member (or None)

    def forward(self, values, theta, program):
        out = 0.0
        for s in self.sources:  # one block per kind of source
            out = out + s.fetch(values, theta).sum(axis=-1)
        return out if self.const is None else out + self.const

    def backward(self, g, grads, theta_grad, batch):
        for s in self.sources:
            s.add_grad(g[..., None], grads, theta_grad, batch)

    def shape_text(self):
        n = sum(s.index.shape[1] for s in self.sources)
        return f"(B, {len(self.nodes)}) = sum of {n}"


class _Dot(_Instruction):
    """`dot` nodes of n terms each: sum_k w_k x_k (+ b), the terms split into parts by where w and x come from.

    A part whose one side is parameters and whose other side is the same values
    for every member (a layer of neurons on one input vector) is a matrix product.
    """

    def __init__(self, op, nodes, depth, start, parts, bias):
        sources = [s for part in parts for s in part] + ([bias] if bias is not None else [])
        super().__init__(op, nodes, depth, start, sources)
        self.parts, self.bias = [], bias
        self.terms = sum((s.index.shape[1] if s.index is not None else s.const.shape[1]) for s, _ in parts)
        for left, right in parts:
            matrix = None
            for w, x in ((left, right), (right, left)):
                if matrix is None and w.kind == "p" and x.kind == "v" and (x.index == x.index[:1]).all():
                    matrix = (w, _Source("v", x.index[0], grad=x.grad))
            self.parts.append((left, right, matrix))
        self.squares = [  # sum_k w_k w_k (an L2 penalty): one gradient 2 w instead of two halves
            m is None and left.kind == right.kind == "p" and np.array_equal(left.index, right.index)
            for left, right, m in self.parts
        ]
        self.cache = [None] * len(self.parts)

    def forward(self, values, theta, program):
        out = None
        for k, (left, right, matrix) in enumerate(self.parts):
            if matrix is not None:
                w, x = matrix
                xs, ws = x.fetch(values, theta), w.fetch(values, theta)
                part = xs @ ws.T
            else:
                xs, ws = left.fetch(values, theta), right.fetch(values, theta)
                part = (xs * ws).sum(axis=-1)
            out = part if out is None else _plus(out, part)
            self.cache[k] = (xs, ws)
        if self.bias is not None:
            out = _plus(out, self.bias.fetch(values, theta))
        return out

    def backward(self, g, grads, theta_grad, batch):
        for (left, right, matrix), (xs, ws), square in zip(self.parts, self.cache, self.squares):
            if matrix is not None:
                w, x = matrix
                w.add_grad(g.T @ xs, grads, theta_grad, batch)
                if x.grad:
                    x.add_grad(g @ ws, grads, theta_grad, batch)
            elif square:
                left.add_grad(2.0 * g.sum(axis=0)[:, None] * ws, grads, theta_grad, batch)
            else:
                g3 = g[..., None]
                for side, other in ((left, ws), (right, xs)):
                    if side.kind == "p" and np.ndim(other) == 2:  # nothing per sample: sum over the batch first
                        side.add_grad(g.sum(axis=0)[:, None] * other, grads, theta_grad, batch)
                    elif side.kind != "c":
                        side.add_grad(g3 * other, grads, theta_grad, batch)
        if self.bias is not None:
            self.bias.add_grad(g, grads, theta_grad, batch)

    def shape_text(self):
        n, m = self.terms, len(self.nodes)
        if len(self.parts) == 1 and self.parts[0][2] is not None:
            return f"(B, {n}) @ ({n}, {m})" + (" + b" if self.bias is not None else "")
        return f"(B, {m}) = {n}-term dots"


def _plus(out, x):
    """out + x, in place when out is a fresh (batch, members) result (x: one row or one per sample)."""
    if out.ndim == 2:
        out += x
        return out
    return out + x


class _Fused:
    """An instruction followed by element-wise ones that only transform its result (a layer's
    activation, `x * 2.0`, `1.0 - x` ...): run as one step, the intermediate results never stored."""

    def __init__(self, head):
        self.head, self.tail = head, []
        self.members = []  # every instruction that joined, for pictures (the tail leaves out identities)
        self.start, self.stop, self.grad = head.start, head.stop, head.grad

    def add(self, ins, position: int) -> None:
        self.start, self.stop = ins.start, ins.stop
        self.members.append(ins)
        if ins.op == "sum" or _is_identity(ins):  # a total of one term, x * 1, x / 1 ...: the input itself
            return
        self.tail.append((ins, position))

    def forward(self, values, theta, program):
        out = self.head.forward(values, theta, program)
        self.locals = []
        for ins, position in self.tail:
            args = [src.fetch(values, theta) for src in ins.sources]
            args[position] = out
            out, local = NUMPY_OPS[ins.op](*args)
            if ins.checked:
                check = _domain_check(ins.op, args, out)
                if np.any(check[1]):
                    program._domain_error(ins, check, args)
            self.locals.append(local[position] if isinstance(local, tuple) else local)
        return out

    def backward(self, g, grads, theta_grad, batch):
        factor = 1.0  # constant slopes (-1 of 1 - x, c of x * c) multiply as one number first
        for local in reversed(self.locals):
            if type(local) is float:
                factor *= local
            else:
                g = g * local
        self.head.backward(_scaled(g, factor), grads, theta_grad, batch)


def _fusable(ins):
    """(position, column range) of the one operand that could come straight from the previous step,
    or (None, None). The other operands must be constants or inputs that need no gradient."""
    if isinstance(ins, _Sum):  # a total of a single term, nothing added
        src = ins.sources[0]
        if len(ins.sources) == 1 and ins.const is None and src.kind == "v" and src.index.shape[1] == 1:
            column = src.index[:, 0]
            if np.array_equal(column, np.arange(column[0], column[0] + column.size)):
                return 0, (int(column[0]), int(column[0]) + column.size)
        return None, None
    if not isinstance(ins, _Elementwise):
        return None, None
    candidates = [k for k, s in enumerate(ins.sources) if s.kind == "v" and s.grad]
    others_fine = all(s.kind == "c" or (s.kind == "v" and not s.grad) for k, s in enumerate(ins.sources)
                      if k not in candidates)  # fmt: skip
    if len(candidates) != 1 or not others_fine:
        return None, None
    src = ins.sources[candidates[0]]
    if src.slice is None or src.slice.step != 1:
        return None, None
    return candidates[0], (src.slice.start, src.slice.stop)


def _fuse(instructions, outputs):
    """The steps to run: each element-wise instruction whose one varying operand is exactly the
    previous step's result, used by nothing else, joins that step (fewer NumPy calls per batch)."""
    readers: dict = {}  # column -> how many operands (and outputs) read it
    for ins in instructions:
        for s in ins.sources:
            if s.kind == "v":
                for col in np.unique(s.index).tolist():
                    readers[col] = readers.get(col, 0) + 1
    for col in outputs:
        if col is not None:
            readers[col] = readers.get(col, 0) + 2  # never fused away
    steps, by_range = [], {}
    for ins in instructions:
        position, key = _fusable(ins)
        if key is not None:
            step = by_range.get(key)
            head = step.head if isinstance(step, _Fused) else step
            earlier = step is not None and all(  # the other operands are written before the step runs
                s.index.max() < head.start for k, s in enumerate(ins.sources) if s.kind == "v" and k != position
            )
            if step is not None and earlier and all(readers.get(c, 0) == 1 for c in range(*key)):
                fused = step if isinstance(step, _Fused) else _Fused(step)
                if fused is not step:
                    steps[steps.index(step)] = fused
                fused.add(ins, position)
                del by_range[key]
                by_range[(ins.start, ins.stop)] = fused
                continue
        steps.append(ins)
        by_range[(ins.start, ins.stop)] = ins
    return steps


class Program:
    """What `trace` compiled: the per-sample function as vector instructions over a batch.

    `program(*batched_args)` gives the per-sample outputs, shape (batch,) for one
    output and (batch, k) for k; `value_and_grad(...)` the reduced output and
    the gradient into each parameter's `.grad`; `print(program)` lists the
    instructions and `draw()` pictures them, one box per instruction.
    `parameters` are the leaves the function used that are not its arguments;
    `gradient(theta, ...)` works on a NumPy vector of them instead (training).
    """

    def __init__(self, fn, arg_shapes, placeholders, outputs, several, parameters):
        self.fn = fn
        self.arg_shapes = arg_shapes  # None for a Value argument, n for a list of n
        self.several = several
        self.calls = 0
        self._compile(placeholders, outputs, parameters)

    # -- compiling ------------------------------------------------------------------------------

    def _compile(self, placeholders, outputs, parameters):
        order = _order_of(outputs)
        self.order = order
        column = {id(p): k for k, p in enumerate(placeholders)}
        self.n_inputs = len(placeholders)
        leaves = [n for n in order if not n.op and id(n) not in column]
        given = list(parameters) if parameters is not None else []
        known = {id(p) for p in given}
        self.parameters = given + [p for p in leaves if id(p) not in known]
        where_param = {id(p): k for k, p in enumerate(self.parameters)}

        depth, needs_grad = {}, {}
        for node in order:
            key = id(node)
            if node.op and node.op not in NUMPY_OPS and node.op not in ("dot", "sum"):
                raise TraceError(
                    f"trace: the graph holds an operation {node.op!r} (node {node.label or '(unlabelled)'}) that has "
                    f"no NumPy form; traceable operations: {', '.join(sorted(NUMPY_OPS))}"
                )
            if not node.op:
                depth[key] = 0
                needs_grad[key] = key in where_param
            else:
                depth[key] = 1 + max(depth[id(p)] for p in node.parents)
                needs_grad[key] = any(needs_grad[id(p)] for p in node.parents)

        groups: dict = {}
        for node in order:
            if node.op:
                groups.setdefault((depth[id(node)], node.op, self._signature(node, column, where_param)), []).append(
                    node
                )
        slot = dict(column)  # node id -> column of the batch values
        self.instructions = []
        start = self.n_inputs
        place = {id(n): k for k, n in enumerate(order)}
        for (d, op, _), nodes in sorted(groups.items(), key=lambda item: (item[0][0], place[id(item[1][0])])):
            for k, node in enumerate(nodes):
                slot[id(node)] = start + k
            instruction = self._instruction(op, nodes, d, start, slot, where_param, needs_grad)
            instruction.grad = any(needs_grad[id(n)] for n in nodes)
            self.instructions.append(instruction)
            start += len(nodes)
        self.width = start
        self._theta_grad = np.zeros(len(self.parameters))
        self._steps = _fuse(self.instructions, outputs=[slot.get(id(out)) for out in outputs])
        self._slot = slot
        self._where_param = where_param
        self.outputs = [self._leaf_source(out, slot, where_param, needs_grad) for out in outputs]
        kinds = {s.kind for s in self.outputs}
        self._out_columns = np.array([s.index[0] for s in self.outputs]) if kinds == {"v"} else None
        if self._out_columns is not None and (np.diff(self._out_columns) == 1).all():  # copied as a block
            self._out_columns = slice(int(self._out_columns[0]), int(self._out_columns[-1]) + 1)
        self.names = {id(n): (n.label or f"n{k}") for k, n in enumerate(order)}

    @staticmethod
    def _kind(node, column, where_param) -> str:
        return "v" if (node.op or id(node) in column) else "p"

    def _signature(self, node, column, where_param):
        """What must agree for nodes to share an instruction: the kind of each operand."""
        return tuple(
            ("v" if a._operation or id(a) in column else "p") if isinstance(a, Value) else "c" for a in node.operands
        )

    @staticmethod
    def _leaf_source(node, slot, where_param, needs_grad):
        if id(node) in slot:
            return _Source("v", [slot[id(node)]], grad=needs_grad[id(node)])
        return _Source("p", [where_param[id(node)]])

    def _block(self, rows, slot, where_param, needs_grad):
        """A _Source for operands `rows` (members x positions) of one kind ('v', 'p' or 'c')."""
        first = rows[0][0]
        if not isinstance(first, Value):
            return _Source("c", const=np.array(rows, dtype=float))
        if first.op or id(first) in slot and id(first) not in where_param:
            index = [[slot[id(a)] for a in row] for row in rows]
            grad = any(needs_grad[id(a)] for row in rows for a in row)
            return _Source("v", index, grad=grad)
        return _Source("p", [[where_param[id(a)] for a in row] for row in rows])

    def _instruction(self, op, nodes, d, start, slot, where_param, needs_grad):
        operands = [n.operands for n in nodes]
        if op == "dot":
            n = len(operands[0]) // 2
            kinds = self._signature(nodes[0], slot, where_param)
            pairs: dict = {}
            for k in range(n):
                pairs.setdefault((kinds[2 * k], kinds[2 * k + 1]), []).append(k)
            parts = []
            for positions in pairs.values():
                left = self._block([[o[2 * k] for k in positions] for o in operands], slot, where_param, needs_grad)
                right = self._block(
                    [[o[2 * k + 1] for k in positions] for o in operands], slot, where_param, needs_grad
                )
                parts.append((left, right))
            bias = None
            if len(operands[0]) % 2:
                bias = self._column([o[-1] for o in operands], slot, where_param, needs_grad)
            return _Dot(op, nodes, d, start, parts, bias)
        if op == "sum":
            const = _const_of(nodes[0])
            terms = [list(n.parents) for n in nodes]
            kinds = [self._kind(a, slot, where_param) for a in terms[0]]
            sources = []
            for kind in ("v", "p"):
                positions = [k for k, t in enumerate(kinds) if t == kind]
                if positions:
                    rows = [[row[k] for k in positions] for row in terms]
                    sources.append(self._block(rows, slot, where_param, needs_grad))
            consts = None if const is None else np.array([_const_of(n) for n in nodes], dtype=float)
            return _Sum(op, nodes, d, start, sources, consts)
        sources = [
            self._column([o[k] for o in operands], slot, where_param, needs_grad) for k in range(len(operands[0]))
        ]
        return _Elementwise(op, nodes, d, start, sources)

    def _column(self, items, slot, where_param, needs_grad):
        """A _Source for one operand of every member: index or constants of shape (members,)."""
        block = self._block([[a] for a in items], slot, where_param, needs_grad)
        if block.kind == "c":
            return _Source("c", const=block.const[:, 0])
        return _Source(block.kind, block.index[:, 0], grad=block.grad)

    # -- running ------------------------------------------------------------------------------

    def _batch(self, args, who: str) -> tuple[list, int]:
        """The batched arguments as (batch, n) arrays, checked against the traced shapes, and the batch size."""
        if len(args) != len(self.arg_shapes):
            raise TypeError(f"{who}: the traced function takes {len(self.arg_shapes)} arguments, got {len(args)}")
        if not args:
            return [], 1
        columns, batch = [], None
        for i, (a, shape) in enumerate(zip(args, self.arg_shapes)):
            arr = _numbers(a, f"{who}: argument {i}")
            expected = "(batch,)" if shape is None else f"(batch, {shape})"
            if arr.ndim != (1 if shape is None else 2) or (shape is not None and arr.shape[1] != shape):
                raise ValueError(f"{who}: argument {i} has shape {arr.shape}; the traced function needs {expected}")
            if batch is not None and len(arr) != batch:
                raise ValueError(f"{who}: argument {i} has {len(arr)} samples, argument 0 has {batch}")
            batch = len(arr)
            if batch == 0:
                raise ValueError(f"{who}: empty batch (no samples)")
            columns.append(arr.reshape(batch, -1))
        return columns, batch

    def read_parameters(self) -> np.ndarray:
        """The parameters' current `.data` as one vector (the order of `parameters`)."""
        return np.array([p.data for p in self.parameters], dtype=float)

    def write_parameters(self, theta) -> None:
        """Set each parameter's `.data` from the vector `theta`."""
        for p, v in zip(self.parameters, self._theta(theta, "write_parameters").tolist()):
            p.data = v

    def _forward(self, theta, args, who):
        inputs, batch = self._batch(args, who)
        if self.calls < CHECKED_CALLS and self.arg_shapes and is_grad_enabled():  # no graph under no_grad()
            self._check(args, batch)
            self.calls += 1
        values = np.empty((batch, self.width))
        start = 0
        for column in inputs:  # each argument's columns, written in place
            values[:, start : start + column.shape[1]] = column
            start += column.shape[1]
        with np.errstate(all="ignore"):  # value.py's errors are raised by _domain_check instead
            for ins in self._steps:
                values[:, ins.start : ins.stop] = ins.forward(values, theta, self)
        if self._out_columns is not None:  # a copy: a view would keep every intermediate result alive
            outs = values[:, self._out_columns]
            if isinstance(self._out_columns, slice):
                outs = outs.copy()
        else:
            outs = np.column_stack([np.broadcast_to(s.fetch(values, theta), (batch, 1)) for s in self.outputs])
        return values, outs, batch

    def evaluate(self, theta, *batched_args) -> np.ndarray:
        """The per-sample outputs for the parameter vector `theta`: shape (batch,) or (batch, k)."""
        _, outs, _ = self._forward(self._theta(theta, "evaluate"), batched_args, "program")
        return outs if self.several else outs[:, 0]

    def gradient(self, theta, *batched_args, reduction: str = "mean", output: int = 0):
        """(per-sample outputs, d(reduced output `output`)/d theta) for the parameter vector `theta`.

        The reduction is the mean (or sum) over the batch; the outputs array is
        shaped as `evaluate`'s. The parameters' `.grad` are not touched.
        """
        if reduction not in ("mean", "sum"):
            raise ValueError(f"value_and_grad: reduction must be 'mean' or 'sum', got {reduction!r}")
        if isinstance(output, bool) or not isinstance(output, numbers.Integral) or not 0 <= output < len(self.outputs):
            raise ValueError(
                f"gradient: output must be the number of one of the {len(self.outputs)} outputs "
                f"(0..{len(self.outputs) - 1}), got {output!r}"
            )
        theta = self._theta(theta, "gradient")
        values, outs, batch = self._forward(theta, batched_args, "value_and_grad")
        grads = np.zeros(values.shape)
        theta_grad = self._theta_grad  # the same array every call: its layer views are made once (_Source._view)
        theta_grad.fill(0.0)
        seed = 1.0 / batch if reduction == "mean" else 1.0
        source = self.outputs[output]
        source.add_grad(seed if source.kind == "v" else np.full((batch, 1), seed), grads, theta_grad, batch)
        for ins in reversed(self._steps):
            if ins.grad:
                ins.backward(grads[:, ins.start : ins.stop], grads, theta_grad, batch)
        return (outs if self.several else outs[:, 0]), theta_grad.copy()

    def _theta(self, theta, who: str) -> np.ndarray:
        """theta as a float vector of one entry per parameter."""
        try:
            theta = np.asarray(theta, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{who}: theta must be a vector of numbers, not {type(theta).__name__}") from None
        if theta.shape != (len(self.parameters),):
            raise ValueError(
                f"{who}: theta has shape {theta.shape}; the program has {len(self.parameters)} parameters, "
                f"so theta needs shape ({len(self.parameters)},)"
            )
        return theta

    def __call__(self, *batched_args) -> np.ndarray:
        """Evaluate a whole batch with the parameters' current values."""
        return self.evaluate(self.read_parameters(), *batched_args)

    def value_and_grad(self, *batched_args, reduction: str = "mean") -> float:
        """The mean (or sum) over the batch of the output, as a float; its gradient is added into each
        parameter's `.grad`, as the scalar loop over the batch followed by `backward()` would."""
        if self.several:
            raise ValueError(
                f"value_and_grad: the traced function returns {len(self.outputs)} outputs; it needs one (a loss)"
            )
        outs, theta_grad = self.gradient(self.read_parameters(), *batched_args, reduction=reduction)
        for p, g in zip(self.parameters, theta_grad.tolist()):
            p.grad += g
        return float(outs.mean() if reduction == "mean" else outs.sum())

    # -- honesty: is the graph the same for other samples? ---------------------------------------

    def _check(self, args, batch: int) -> None:
        picks = sorted({0, batch - 1, batch // 2})[:CHECKED_SAMPLES]
        for i in picks:
            sample = [np.asarray(a, dtype=float)[i] for a in args]
            placeholders, call_args = _placeholders(sample)
            try:
                result = _call_traced(self.fn, call_args)
            except (ArithmeticError, ValueError):  # a bad sample: the batch run reports it, naming the sample
                continue
            self._compare(placeholders, _outputs(result, "trace")[0], i)

    def _compare(self, placeholders, outputs, sample: int) -> None:
        order = _order_of(outputs)
        column = {id(p): k for k, p in enumerate(placeholders)}
        mine = {id(p): k for k, p in enumerate(self.order)}
        position = {id(n): k for k, n in enumerate(order)}
        for k in range(max(len(order), len(self.order))):
            if k >= len(order) or k >= len(self.order):
                self._differs(sample, k, f"{len(self.order)} nodes", f"{len(order)} nodes")
            old, new = self.order[k], order[k]
            if old.op != new.op:
                self._differs(sample, k, f"operation {old.op or 'leaf'!r}", f"operation {new.op or 'leaf'!r}")
            if not old.op:
                if id(new) in column:
                    same = self._slot.get(id(old)) == column[id(new)]
                else:
                    same = (old is new or old.data == new.data) and id(old) in self._where_param
                if not same:
                    self._differs(sample, k, f"the leaf {old.data!r}", f"the leaf {new.data!r}")
                continue
            old_parents = [mine[id(p)] for p in old.parents]
            new_parents = [position[id(p)] for p in new.parents]
            if old_parents != new_parents:
                self._differs(sample, k, f"parents {old_parents}", f"parents {new_parents}")
            a, b = _const_of(old), _const_of(new)
            if not _same_constant(a, b):
                self._differs(sample, k, f"the constant {a!r}", f"the constant {b!r}")

    def _differs(self, sample, k, was, now):
        node = self.order[k] if k < len(self.order) else None
        where = f"node {k}" + (f" ({node.op or 'leaf'!r}, {self.names[id(node)]!r})" if node is not None else "")
        raise TraceError(
            f"trace: sample {sample} of the batch records a different graph than the traced example: at {where} "
            f"the example has {was}, this sample {now}. The function reads a value in Python (a `.data` or "
            "`float()` read, an `if` on a Value, indexing by a label), so the example's choice would be used for "
            "every sample. Compute with operations on Values instead (relu, abs, step, hardtanh are fine) or pass "
            "the value in as an argument."
        )

    def _domain_error(self, ins, check, args):
        kind, mask, text = check
        mask = np.atleast_2d(mask)
        sample, member = (int(i) for i in np.argwhere(mask)[0])
        value = np.broadcast_to(np.atleast_2d(args[0]), mask.shape)[sample, member]
        node = ins.nodes[member]
        label = f", node {node.label!r}" if node.label else ""
        raise kind(
            f"{ins.op}: " + text.format(repr(float(value))) + f" in sample {sample} of the batch "
            f"(instruction {next(k for k, i in enumerate(self.instructions, 1) if i is ins)}{label})"
        )

    # -- showing what was compiled ----------------------------------------------------------------

    def __repr__(self) -> str:
        return (
            f"<Program: {len(self.instructions)} vector instructions, {len(self.parameters)} parameters, "
            f"{self.n_inputs} inputs per sample>"
        )

    def __str__(self) -> str:
        args = ", ".join("x" + str(i) + ("" if s is None else f"[{s}]") for i, s in enumerate(self.arg_shapes))
        lines = [
            f"Program({args}): {len(self.order)} scalar nodes -> {len(self.instructions)} vector instructions, "
            f"{len(self.parameters)} parameters, batch size B",
        ]
        rows = [("#", "depth", "op", "shape", "nodes")]
        for k, ins in enumerate(self.instructions, 1):
            rows.append((str(k), str(ins.depth), ins.op, ins.shape_text(), ins.describe(self.names)))
        widths = [max(len(r[j]) for r in rows) for j in range(5)]
        for r in rows:
            lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        return "\n".join(lines)

    def draw(self, instructions: bool = False):
        """A `graphviz.Digraph` of the program: the inputs, the parameters and one box per step the program
        runs, so one per layer of an MLP (its matrix product with the activation after it);
        `instructions=True` draws one box per vector instruction instead, as `print` lists them."""
        from autograd.pictures.graphs import _GraphPicture, _graphviz

        instructions = checks.flag(instructions, "instructions", "draw")
        _graphviz()
        g = _GraphPicture()(graph_attr={"rankdir": "TB", "fontname": "Helvetica"}, node_attr={"fontname": "Helvetica"})
        g.node("in", f"inputs\n{self.n_inputs} per sample", shape="box", style="filled", fillcolor="#d0e6ff")
        g.node("theta", f"parameters\n{len(self.parameters)}", shape="box", style="filled", fillcolor="#d0e6ff")
        boxes = [[ins] for ins in self.instructions] if instructions else [_members(step) for step in self._steps]
        owner = np.zeros(self.width, dtype=int)  # column -> box number (0: inputs)
        for k, members in enumerate(boxes, 1):
            for ins in members:
                owner[ins.start : ins.stop] = k
        for k, members in enumerate(boxes, 1):
            head = members[0]
            label = f"{head.op}\n{head.shape_text()}"
            if len(members) > 1:  # the element-wise steps that follow, e.g. the layer's activation
                label += "\nthen " + " → ".join(ins.op for ins in members[1:]) + f"\n(B, {len(members[-1].nodes)})"
            g.node(f"i{k}", label, shape="box", style="rounded,filled", fillcolor="#f4f4f4")
            drawn = set()
            for ins in members:
                for s in ins.sources:
                    if s.kind == "p":
                        drawn.add("theta")
                    elif s.kind == "v":
                        drawn.update(("in" if o == 0 else f"i{o}") for o in np.unique(owner[s.index]) if o != k)
            for d in sorted(drawn):
                g.edge(d, f"i{k}")
        for n, s in enumerate(self.outputs):
            g.node(f"out{n}", "output" if len(self.outputs) == 1 else f"output {n}", shape="ellipse")
            o = owner[s.index[0]] if s.kind == "v" else None
            g.edge("theta" if o is None else ("in" if o == 0 else f"i{o}"), f"out{n}")
        return g


def _numbers(a, who: str) -> np.ndarray:
    """A batched argument as a float array; None, bools, strings and complex numbers are refused
    (NumPy would read None as nan and drop an imaginary part)."""
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError):  # rows of different lengths
        arr = None
    if arr is not None and arr.dtype.kind in "iuf":
        return arr.astype(float, copy=False)
    if arr is not None and arr.dtype.kind == "O":
        bad = [x for x in arr.flat if isinstance(x, bool) or not isinstance(x, (numbers.Real, Value))]
        if not bad:
            return np.array([float(x) for x in arr.flat], dtype=float).reshape(arr.shape)
        bad = bad[0]
        raise TypeError(f"{who} holds {bad!r:.40}; give numbers (or Values), batch first")
    what = "rows of different lengths" if arr is None else f"{arr.dtype.name} values ({type(a).__name__})"
    raise TypeError(f"{who} must be an array of numbers, batch first; got {what}")


def _members(step) -> list:
    """The instructions one step runs: itself, or a fused head with every instruction that joined it."""
    return [step.head, *step.members] if isinstance(step, _Fused) else [step]


def _order_of(outputs) -> list:
    """Every node the outputs depend on, each after its parents (one traversal for all of them)."""
    if len(outputs) == 1:
        return topological_order(outputs[0])
    root = total(outputs)  # a node joining them, left out of the order
    return [n for n in topological_order(root) if n is not root]


def _same_constant(a, b) -> bool:
    if a is None or b is None:
        return a is b
    a, b = np.atleast_1d(np.array(a, dtype=float)), np.atleast_1d(np.array(b, dtype=float))
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def _placeholders(example_args):
    """Fresh leaves standing for the arguments: (all placeholders, the arguments to call fn with), shapes."""
    flat, call = [], []
    for a in example_args:
        if isinstance(a, Value) or (isinstance(a, numbers.Real) and not isinstance(a, bool)) or np.ndim(a) == 0:
            v = Value(a.data if isinstance(a, Value) else float(a))
            flat.append(v)
            call.append(v)
        else:
            row = [Value(x.data if isinstance(x, Value) else float(x)) for x in a]
            flat.extend(row)
            call.append(row)
    return flat, call


def _shape(a, i: int):
    if isinstance(a, bool):
        raise TypeError(f"trace: example argument {i} is a bool; give a Value, a number or a list of them")
    if isinstance(a, (Value, numbers.Real)) or (isinstance(a, np.ndarray) and a.ndim == 0):
        return None
    if isinstance(a, (set, frozenset, dict)) or not hasattr(a, "__len__"):
        raise TypeError(
            f"trace: example argument {i} is a {type(a).__name__}; give a Value, a number or a list of them"
        )
    if len(a) == 0:
        raise ValueError(f"trace: example argument {i} is an empty {type(a).__name__}; give at least one number")
    for x in a:
        if isinstance(x, bool) or not isinstance(x, (Value, numbers.Real)):
            raise TypeError(
                f"trace: example argument {i} holds a {type(x).__name__}; its items must be Values or numbers"
            )
    return len(a)


def _outputs(result, who: str):
    if isinstance(result, Value):
        return [result], False
    if isinstance(result, (list, tuple)) and result and all(isinstance(r, Value) for r in result):
        return list(result), True
    raise TypeError(f"{who}: the function must return a Value or a non-empty list of Values, got {result!r:.80}")


def _check_count(fn, n: int) -> None:
    """fn must take the example arguments: else a clear error here, not Python's from inside the call."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have none: the call will tell
        return
    try:
        signature.bind(*[None] * n)
    except TypeError as e:
        name = getattr(fn, "__name__", "fn")
        raise TypeError(
            f"trace: {name}{signature} cannot take the {n} example argument{'s' if n != 1 else ''} given ({e}); "
            "give one example per argument of fn"
        ) from None


def trace(fn, *example_args, parameters=None) -> Program:
    """Compile `fn` for batches: run it once on placeholders shaped like `example_args` and read its graph.

    `fn` takes Values (or lists of Values) and returns a Value or a list of them.
    Each example argument is a Value or a number (then its batched form has shape
    (batch,)) or a list of them (shape (batch, n)); their values are used for the
    one run. Leaves the function uses that are not its arguments (a model's
    parameters) are the program's `parameters`: in the order of the list
    `parameters` when one is given, the others after them in the order met.
    """
    if not callable(fn):
        raise TypeError(f"trace: fn must be a function, not {type(fn).__name__}")
    shapes = [_shape(a, i) for i, a in enumerate(example_args)]
    if parameters is not None:
        if isinstance(parameters, (Value, str)) or not hasattr(parameters, "__iter__"):
            raise TypeError(f"trace: parameters must be a list of Values, not {type(parameters).__name__}")
        parameters = list(parameters)
        for i, p in enumerate(parameters):
            if not isinstance(p, Value):
                raise TypeError(f"trace: parameters[{i}] is a {type(p).__name__}, not a Value")
    if not is_grad_enabled():
        raise RuntimeError(
            "trace: inside no_grad() no graph is recorded, so there is nothing to compile; trace outside it"
        )
    placeholders, call_args = _placeholders(example_args)
    _check_count(fn, len(call_args))
    outputs, several = _outputs(_call_traced(fn, call_args), "trace")
    return Program(fn, shapes, placeholders, outputs, several, parameters)
