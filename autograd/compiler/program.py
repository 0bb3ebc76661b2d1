"""`Program`: what `trace` compiled, run over whole batches, checked, printed and drawn.

Compiling groups the traced graph's nodes by depth, operation and the kinds
of their operands into vector instructions (instructions.py) and fuses the
element-wise ones that follow a step into it. Running writes every
instruction's results into the columns of one (batch, width) array forward
and adds the gradients into one of the same shape backward. The first calls
re-trace a few of their samples (recording.py) and compare their graphs with
the compiled one: Python code that read a value chose one branch for the
example, and `TraceError` names the node where a sample differs.
"""

from __future__ import annotations

import numbers

import numpy as np

from autograd.compiler import recording
from autograd.compiler.instructions import Dot, Elementwise, Source, Sum, fuse, instructions_of
from autograd.compiler.numpy_forms import has_form, operations
from autograd.compiler.recording import TraceError
from autograd.core import checks
from autograd.core.graph import operation_of
from autograd.core.value import Value, is_grad_enabled, recorded_constant

__all__ = ["Program", "as_batch_array", "CHECKED_CALLS", "CHECKED_SAMPLES"]

CHECKED_CALLS = 2  # the first calls re-trace a few of their samples (see Program._check)
CHECKED_SAMPLES = 3


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
        order = recording.order_of(outputs)
        self.order = order
        column = {id(p): k for k, p in enumerate(placeholders)}
        self.n_inputs = len(placeholders)
        leaves = [n for n in order if not n.op and id(n) not in column]
        given = list(parameters) if parameters is not None else []
        known = {id(p) for p in given}
        self.parameters = given + [p for p in leaves if id(p) not in known]
        where_param = {id(p): k for k, p in enumerate(self.parameters)}

        depth, needs_grad = {}, {}
        runnable = {"dot", "sum", ""}  # operations checked to have a NumPy form (each asked once)
        for node in order:
            key, op = id(node), operation_of(node)
            if op not in runnable and has_form(op):
                runnable.add(op)
            if op not in runnable:
                raise TraceError(
                    f"trace: the graph holds an operation {node.op!r} (node {node.label or '(unlabelled)'}) that has "
                    f"no NumPy form; traceable operations: {', '.join(operations())}"
                )
            if not op:
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
            instruction.number = len(self.instructions) + 1
            self.instructions.append(instruction)
            start += len(nodes)
        self.width = start
        self._theta_grad = np.zeros(len(self.parameters))
        self._steps = fuse(self.instructions, outputs=[slot.get(id(out)) for out in outputs])
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
            ("v" if operation_of(a) or id(a) in column else "p") if isinstance(a, Value) else "c" for a in node.operands
        )

    @staticmethod
    def _leaf_source(node, slot, where_param, needs_grad):
        if id(node) in slot:
            return Source("v", [slot[id(node)]], grad=needs_grad[id(node)])
        return Source("p", [where_param[id(node)]])

    def _block(self, rows, slot, where_param, needs_grad):
        """A Source for operands `rows` (members x positions) of one kind ('v', 'p' or 'c')."""
        first = rows[0][0]
        if not isinstance(first, Value):
            return Source("c", const=np.array(rows, dtype=float))
        if first.op or id(first) in slot and id(first) not in where_param:
            index = [[slot[id(a)] for a in row] for row in rows]
            grad = any(needs_grad[id(a)] for row in rows for a in row)
            return Source("v", index, grad=grad)
        return Source("p", [[where_param[id(a)] for a in row] for row in rows])

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
            return Dot(op, nodes, d, start, parts, bias)
        if op == "sum":
            const = recorded_constant(nodes[0])
            terms = [list(n.parents) for n in nodes]
            kinds = [self._kind(a, slot, where_param) for a in terms[0]]
            sources = []
            for kind in ("v", "p"):
                positions = [k for k, t in enumerate(kinds) if t == kind]
                if positions:
                    rows = [[row[k] for k in positions] for row in terms]
                    sources.append(self._block(rows, slot, where_param, needs_grad))
            consts = None if const is None else np.array([recorded_constant(n) for n in nodes], dtype=float)
            return Sum(op, nodes, d, start, sources, consts)
        sources = [
            self._column([o[k] for o in operands], slot, where_param, needs_grad) for k in range(len(operands[0]))
        ]
        return Elementwise(op, nodes, d, start, sources)

    def _column(self, items, slot, where_param, needs_grad):
        """A Source for one operand of every member: index or constants of shape (members,)."""
        block = self._block([[a] for a in items], slot, where_param, needs_grad)
        if block.kind == "c":
            return Source("c", const=block.const[:, 0])
        return Source(block.kind, block.index[:, 0], grad=block.grad)

    # -- running ------------------------------------------------------------------------------

    def _batch(self, args, who: str) -> tuple[list, int]:
        """The batched arguments as (batch, n) arrays, checked against the traced shapes, and the batch size."""
        if len(args) != len(self.arg_shapes):
            raise TypeError(f"{who}: the traced function takes {len(self.arg_shapes)} arguments, got {len(args)}")
        if not args:
            return [], 1
        columns, batch = [], None
        for i, (a, shape) in enumerate(zip(args, self.arg_shapes)):
            arr = as_batch_array(a, f"{who}: argument {i}")
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
        with np.errstate(all="ignore"):  # the float path's errors are raised by the instructions instead
            for ins in self._steps:
                values[:, ins.start : ins.stop] = ins.forward(values, theta)
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
        theta_grad = self._theta_grad  # the same array every call: its layer views are made once (Source._view)
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
            placeholders, call_args = recording.placeholders(sample)
            try:
                result = recording.call_traced(self.fn, call_args)
            except (ArithmeticError, ValueError):  # a bad sample: the batch run reports it, naming the sample
                continue
            self._compare(placeholders, recording.outputs(result, "trace")[0], i)

    def _compare(self, placeholders, outputs, sample: int) -> None:
        order = recording.order_of(outputs)
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
            a, b = recorded_constant(old), recorded_constant(new)
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
        from autograd.pictures.graphs import new_picture, require_graphviz

        instructions = checks.flag(instructions, "instructions", "draw")
        require_graphviz()
        g = new_picture(graph_attr={"rankdir": "TB", "fontname": "Helvetica"}, node_attr={"fontname": "Helvetica"})
        g.node("in", f"inputs\n{self.n_inputs} per sample", shape="box", style="filled", fillcolor="#d0e6ff")
        g.node("theta", f"parameters\n{len(self.parameters)}", shape="box", style="filled", fillcolor="#d0e6ff")
        boxes = (
            [[ins] for ins in self.instructions] if instructions else [instructions_of(step) for step in self._steps]
        )
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


def as_batch_array(a, who: str) -> np.ndarray:
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


def _same_constant(a, b) -> bool:
    if a is None or b is None:
        return a is b
    a, b = np.atleast_1d(np.array(a, dtype=float)), np.atleast_1d(np.array(b, dtype=float))
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))
