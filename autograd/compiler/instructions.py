"""The compiled program's parts: where operands come from, the instruction kinds, and fusion.

A `Source` is one operand of every member of an instruction: columns of the
batch values, entries of the parameter vector, or constants, read (and its
gradient added) without copying where the index allows. An instruction runs
one operation on all its members over the whole batch, forward and backward:

* `Elementwise`: an operation with a NumPy form (numpy_forms.py), the only
  kind that asks that module anything;
* `Sum`: `total(...)` nodes, a row sum of a block of terms;
* `Dot`: `dot` nodes, a matrix product where the weights are parameters and
  the inputs the same for every member (a layer), else row-wise products;
* `Fused`: an instruction and the element-wise ones that only transform its
  result (a layer and its activation), run as one step by `fuse`.
"""

from __future__ import annotations

import numpy as np

from autograd.compiler.numpy_forms import can_refuse, forward_function, has_form, identity, overflow, refusal

__all__ = ["Source", "Instruction", "Elementwise", "Sum", "Dot", "Fused", "fuse", "instructions_of"]


def _needs_check(op: str, sources) -> bool:
    """Whether the float path could refuse an operand: never for a division by nonzero constants."""
    if not can_refuse(op):
        return False
    divisor = sources[1] if op == "/" and len(sources) == 2 else None
    return not (divisor is not None and divisor.kind == "c" and bool(np.all(divisor.const != 0.0)))


def _is_identity(ins) -> bool:
    """x * 1, x / 1, x + 0, x - 0 for every member: nothing to compute forward or backward."""
    c = identity(ins.op)
    if c is None or len(ins.sources) != 2 or ins.sources[1].kind != "c":
        return False
    return bool(np.all(ins.sources[1].const == c))


def sorted_distinct(index) -> np.ndarray:
    """The distinct entries of an index array, sorted (np.unique by sorting: NumPy 2's hashing unique
    took 2 ms for a layer's 23,520 weights, most of compiling it)."""
    flat = np.sort(index, axis=None)
    return flat[np.r_[True, flat[1:] != flat[:-1]]] if flat.size else flat


def _distinct(index) -> bool:
    """Whether no entry of an index array repeats."""
    flat = np.sort(index, axis=None)
    return bool((flat[1:] != flat[:-1]).all())


def _scaled(g, local):
    return g if type(local) is float and local == 1.0 else g * local


class Source:
    """Where one operand of every member of an instruction comes from.

    kind "v": columns `index` of the batch values (inputs and results, shape (batch, n));
    kind "p": entries `index` of the parameter vector; kind "c": the constants `const`.
    `index` has the shape of the operand block ((members,) or (members, terms)).
    """

    __slots__ = ("kind", "index", "const", "unique", "slice", "rows", "grad", "_views", "columns", "array", "whole")

    def __init__(self, kind, index=None, const=None, grad=True):
        self.kind, self.const, self.grad = kind, const, grad
        self.index = None if index is None else np.asarray(index, dtype=np.intp)
        self.columns = self.index  # the graph's columns (kind "v"): what pictures and fusion read
        self.array = 0  # kind "v": which array of the store holds them (Program._layout)
        self.whole = False  # kind "v": the operand is that whole array (read without making a view)
        self._layout()

    def bind(self, array: int, index, width: int | None = None) -> None:
        """Read the operand from array `array` of the store, at `index` (Program's compact layout); `width`:
        that array's width when known, to read it whole."""
        self.array, self.index = array, np.asarray(index, dtype=np.intp)
        self._layout()
        self.whole = width is not None and self.slice == slice(0, width, 1) and self.index.ndim == 1

    def _layout(self) -> None:
        self.unique = self.index is not None and _distinct(self.index)
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
            if step > 0 and (steps == step).all() and (self.kind == "p" or step == 1):
                self.slice = slice(first, int(self.index[-1]) + 1, step)
        elif self.kind == "p":
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

    def fetch(self, store, theta):
        """The operand of every member: store[array][:, index] (batch values), theta[index] or the constants."""
        if self.kind == "v":
            values = store[self.array]
            if self.whole:
                return values
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
        """Add d(reduced output)/d(operand) for every member into the gradients of its source (`grads`:
        the gradient arrays, one per array of the store)."""
        if not self.grad:
            return
        kind = self.kind
        if kind == "v":
            grads = grads[self.array]  # the gradients of the array the operand is read from
            if self.whole:
                grads += contribution
            elif self.slice is not None:
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
            c = np.add.reduce(c, axis=0)  # what .sum runs, without its Python wrapper
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


class Instruction:
    """One vector instruction: the same operation on `members` nodes of one depth, over the whole batch."""

    def __init__(self, op, nodes, depth, start, sources):
        self.op, self.nodes, self.depth, self.start = op, nodes, depth, start
        self.stop = start + len(nodes)
        self.sources = sources
        self.grad = True  # False when no parameter is upstream: nothing to do backward
        self.checked = _needs_check(op, sources)
        self.varying = tuple(s.kind != "c" for s in sources)  # which operands are not constants
        self.run = forward_function(op, self.varying) if has_form(op) else None  # args -> (result, slopes)
        self.number = 0  # the place in Program.instructions, from 1: what an error names (set by Program)

    def all_sources(self) -> list:
        """Every Source the instruction reads."""
        return list(self.sources)

    def describe(self, names) -> str:
        first, last = names[id(self.nodes[0])], names[id(self.nodes[-1])]
        span = first if len(self.nodes) == 1 else f"{first}..{last}"
        return f"{len(self.nodes)} node{'s' if len(self.nodes) > 1 else ''} {span}"

    def evaluate(self, args):
        """(result, slopes) of the operation on `args`, raising the float path's error for a refused sample:
        the inputs it refuses before computing, an overflow after. (NumPy's warnings are off: Program._forward.)"""
        if self.checked:
            check = refusal(self.op, args, np.broadcast_shapes(*map(np.shape, args)))
            if check is not None:
                self.refuse(check, args)
        out, local = self.run(args)
        if self.checked:
            check = overflow(self.op, args, out)
            if check is not None:
                self.refuse(check, args)
        return out, local

    def refuse(self, check, args):
        """Raise the float path's error for the first offending sample and member of `check` (a refusal)."""
        kind, mask, text = check
        mask = np.atleast_2d(mask)
        sample, member = (int(i) for i in np.argwhere(mask)[0])
        values = [repr(float(np.broadcast_to(np.atleast_2d(a), mask.shape)[sample, member])) for a in args]
        node = self.nodes[member]
        label = f", node {node.label!r}" if node.label else ""
        raise kind(
            f"{self.op}: " + text.format(*values) + f" in sample {sample} of the batch "
            f"(instruction {self.number}{label})"
        )


class Elementwise(Instruction):
    """One operation with a NumPy form (numpy_forms.py) on every member, its operands one column each."""

    def forward(self, store, theta):
        args = [s.fetch(store, theta) for s in self.sources]
        return self.evaluate(args) if self.checked else self.run(args)  # (result, the local slopes)

    def backward(self, saved, g, grads, theta_grad, batch):
        for source, local in zip(self.sources, saved):
            if source.kind != "c" and source.grad:
                source.add_grad(_scaled(g, local), grads, theta_grad, batch)

    def shape_text(self):
        return f"(B, {len(self.nodes)})"


class Sum(Instruction):
    """`total(...)` nodes of n terms each: the terms as a block (members, n), summed along a row."""

    def __init__(self, op, nodes, depth, start, sources, const):
        super().__init__(op, nodes, depth, start, sources)
        self.const = const  # the summed numbers, one per member (or None)

    def forward(self, store, theta):
        out = 0.0
        for s in self.sources:  # one block per kind of source
            out = out + np.add.reduce(s.fetch(store, theta), axis=-1)
        return (out if self.const is None else out + self.const), None

    def backward(self, saved, g, grads, theta_grad, batch):
        for s in self.sources:
            s.add_grad(g[..., None], grads, theta_grad, batch)

    def shape_text(self):
        n = sum(s.index.shape[1] for s in self.sources)
        return f"(B, {len(self.nodes)}) = sum of {n}"


class Dot(Instruction):
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
                    matrix = (w, Source("v", x.index[0], grad=x.grad))
            self.parts.append((left, right, matrix))
        self.squares = [  # sum_k w_k w_k (an L2 penalty, a squared error): one gradient 2 w instead of two halves
            m is None and left.kind == right.kind and left.kind in "pv" and np.array_equal(left.index, right.index)
            for left, right, m in self.parts
        ]

    def all_sources(self) -> list:
        """Every Source the instruction reads, the matrix products' own included."""
        return self.sources + [x for _, _, m in self.parts if m is not None for x in m]

    def forward(self, store, theta):
        out, saved = None, []
        for left, right, matrix in self.parts:
            if matrix is not None:
                w, x = matrix
                xs, ws = x.fetch(store, theta), w.fetch(store, theta)
                part = xs @ ws.T
            else:
                xs, ws = left.fetch(store, theta), right.fetch(store, theta)
                part = np.add.reduce(xs * ws, axis=-1)
            out = part if out is None else _plus(out, part)
            saved.append((xs, ws))
        if self.bias is not None:
            out = _plus(out, self.bias.fetch(store, theta))
        return out, saved

    def backward(self, saved, g, grads, theta_grad, batch):
        for (left, right, matrix), (xs, ws), square in zip(self.parts, saved, self.squares):
            if matrix is not None:
                w, x = matrix
                w.add_grad(g.T @ xs, grads, theta_grad, batch)
                if x.grad:
                    x.add_grad(g @ ws, grads, theta_grad, batch)
            elif square and left.kind == "p":
                left.add_grad(2.0 * g.sum(axis=0)[:, None] * ws, grads, theta_grad, batch)
            elif square:
                if left.grad:
                    left.add_grad(2.0 * (g[..., None] * ws), grads, theta_grad, batch)
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


class Fused:
    """An instruction followed by element-wise ones that only transform its result (a layer's
    activation, `x * 2.0`, `1.0 - x` ...): run as one step, the intermediate results never stored."""

    def __init__(self, head):
        self.head, self.tail = head, []
        self.members = []  # every instruction that joined, for pictures (the tail leaves out identities)
        self.positions = []  # for each member, the operand that is the step's result so far
        self.start, self.stop, self.grad = head.start, head.stop, head.grad

    def add(self, ins, position: int) -> None:
        self.start, self.stop = ins.start, ins.stop
        self.members.append(ins)
        self.positions.append(position)
        if ins.op == "sum" or _is_identity(ins):  # a total of one term, x * 1, x / 1 ...: the input itself
            return
        self.tail.append((ins, position))

    def all_sources(self) -> list:
        """The Sources the step reads: the head's, and the members' other operands (their operand at
        `position` is the step's own result, never stored)."""
        others = [s for ins, k in zip(self.members, self.positions) for j, s in enumerate(ins.sources) if j != k]
        return self.head.all_sources() + others

    def forward(self, store, theta):
        out, head_saved = self.head.forward(store, theta)
        slopes = []
        for ins, position in self.tail:
            args = [src.fetch(store, theta) for src in ins.sources]
            args[position] = out
            out, local = ins.evaluate(args) if ins.checked else ins.run(args)
            slopes.append(local[position])
        return out, (head_saved, slopes)

    def backward(self, saved, g, grads, theta_grad, batch):
        head_saved, slopes = saved
        factor = 1.0  # constant slopes (-1 of 1 - x, c of x * c) multiply as one number first
        for local in reversed(slopes):
            if type(local) is float:
                factor *= local
            else:
                g = g * local
        self.head.backward(head_saved, _scaled(g, factor), grads, theta_grad, batch)


def _fusable(ins):
    """(position, column range) of the one operand that could come straight from the previous step,
    or (None, None). The other operands must be constants or inputs that need no gradient."""
    if isinstance(ins, Sum):  # a total of a single term, nothing added
        src = ins.sources[0]
        if len(ins.sources) == 1 and ins.const is None and src.kind == "v" and src.index.shape[1] == 1:
            column = src.index[:, 0]
            if np.array_equal(column, np.arange(column[0], column[0] + column.size)):
                return 0, (int(column[0]), int(column[0]) + column.size)
        return None, None
    if not isinstance(ins, Elementwise):
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


def fuse(instructions, outputs):
    """The steps to run: each element-wise instruction whose one varying operand is exactly the
    previous step's result, used by nothing else, joins that step (fewer NumPy calls per batch)."""
    readers: dict = {}  # column -> how many operands (and outputs) read it
    for ins in instructions:
        for s in ins.sources:
            if s.kind == "v":
                for col in sorted_distinct(s.index).tolist():
                    readers[col] = readers.get(col, 0) + 1
    for col in outputs:
        if col is not None:
            readers[col] = readers.get(col, 0) + 2  # never fused away
    steps, by_range = [], {}
    for ins in instructions:
        position, key = _fusable(ins)
        if key is not None:
            step = by_range.get(key)
            head = step.head if isinstance(step, Fused) else step
            earlier = step is not None and all(  # the other operands are written before the step runs
                s.index.max() < head.start for k, s in enumerate(ins.sources) if s.kind == "v" and k != position
            )
            if step is not None and earlier and all(readers.get(c, 0) == 1 for c in range(*key)):
                fused = step if isinstance(step, Fused) else Fused(step)
                if fused is not step:
                    steps[steps.index(step)] = fused
                fused.add(ins, position)
                del by_range[key]
                by_range[(ins.start, ins.stop)] = fused
                continue
        steps.append(ins)
        by_range[(ins.start, ins.stop)] = ins
    return steps


def instructions_of(step) -> list:
    """The instructions one step runs: itself, or a fused head with every instruction that joined it."""
    step = getattr(step, "step", step)  # speed.Dense runs the step it was made from
    return [step.head, *step.members] if isinstance(step, Fused) else [step]
