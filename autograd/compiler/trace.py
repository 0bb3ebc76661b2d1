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

This module is what a user calls: `trace` and the checks of its example
arguments. The compiler behind it, from the bottom up: numpy_forms.py (each
operation's NumPy form: the seam to the engine), instructions.py (operand
sources, the instruction kinds, fusion), recording.py (running a function on
placeholders), program.py (`Program`: compiling, running, checking, showing).
"""

from __future__ import annotations

import inspect
import numbers
from itertools import repeat

import numpy as np

from autograd.compiler import recording
from autograd.compiler.program import CHECKED_CALLS as CHECKED_CALLS  # re-exported: its old place
from autograd.compiler.program import CHECKED_SAMPLES as CHECKED_SAMPLES
from autograd.compiler.program import Program
from autograd.compiler.recording import TraceError, is_tracing
from autograd.core import checks
from autograd.core.value import Value, is_grad_enabled

__all__ = ["trace", "Program", "TraceError", "is_tracing"]


def _shape(a, i: int):
    """None for a single number (or Value), n for a list of n: the batched shape (batch,) or (batch, n)."""
    accepted = "give a Value, a number or a list of them"
    if isinstance(a, bool):
        raise TypeError(f"trace: example argument {i} is a bool; {accepted}")
    if isinstance(a, np.ndarray) and (a.ndim > 1 or a.dtype.kind not in "iuf"):
        raise TypeError(f"trace: example argument {i} is an array of {a.ndim} dimensions of {a.dtype}; {accepted}")
    if isinstance(a, (Value, numbers.Real)) or (isinstance(a, np.ndarray) and a.ndim == 0):
        _number(a, f"example argument {i}")
        return None
    if isinstance(a, (str, bytes, bytearray, set, frozenset, dict)) or not hasattr(a, "__len__"):
        raise TypeError(f"trace: example argument {i} is {checks.shown(a)}; {accepted}")
    if len(a) == 0:
        raise ValueError(f"trace: example argument {i} is an empty {type(a).__name__}; give at least one number")
    if set(map(type, a)) <= {float}:  # the usual example (a row's tolist()): every float is fine, none is a bool
        return len(a)
    for k, x in enumerate(a):
        if isinstance(x, bool) or not isinstance(x, (Value, numbers.Real)):
            raise TypeError(
                f"trace: example argument {i} holds a {type(x).__name__}; its items must be Values or numbers"
            )
        _number(x, f"example argument {i}[{k}]")
    return len(a)


def _number(x, name: str) -> None:
    """A number a float can hold (10**400 cannot); nan and infinities are fine as examples."""
    if not isinstance(x, Value):
        try:
            float(x)
        except OverflowError:
            raise ValueError(f"trace: {name} is {checks.shown(x, 40)}, too large for a float") from None


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
        if isinstance(parameters, Value):
            raise TypeError(f"trace: parameters must be a list of Values, not {checks.shown(parameters)}")
        parameters = checks.ordered(parameters, "parameters (a list of Values)", "trace", empty=True)
        if not all(map(isinstance, parameters, repeat(Value))):  # one C-level pass: a network has thousands
            i = next(i for i, p in enumerate(parameters) if not isinstance(p, Value))
            raise TypeError(f"trace: parameters[{i}] is a {type(parameters[i]).__name__}, not a Value")
    if not is_grad_enabled():
        raise RuntimeError(
            "trace: inside no_grad() no graph is recorded, so there is nothing to compile; trace outside it"
        )
    placeholders, call_args = recording.placeholders(example_args)
    _check_count(fn, len(call_args))
    with recording.collector_paused():
        outputs, several = recording.outputs(recording.call_traced(fn, call_args), "trace")
        return Program(fn, shapes, placeholders, outputs, several, parameters)
