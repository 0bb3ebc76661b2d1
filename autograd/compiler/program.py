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
import threading
from itertools import chain, compress, repeat
from operator import is_, itemgetter, not_

import numpy as np

from autograd.compiler import recording, speed
from autograd.compiler.instructions import Dot, Elementwise, Source, Sum, fuse, instructions_of, sorted_distinct
from autograd.compiler.numpy_forms import has_form, operations
from autograd.compiler.recording import TraceError
from autograd.core import checks, graph
from autograd.core.graph import Node, StaleGraphError, operation_of, stale_parent
from autograd.core.value import Value, described, recorded_constant
from autograd.language import Domain

__all__ = ["Program", "as_batch_array", "CHECKED_CALLS", "CHECKED_SAMPLES", "FIRST_CALL_BUDGET", "LATER_PERIOD"]

# The structure guard (Program._guard): which samples are traced again and compared with the compiled graph.
CHECKED_CALLS = 1  # the first call re-traces every sample, as far as the budget reaches ...
FIRST_CALL_BUDGET = 100_000  # ... samples x graph nodes (0.1-0.2 s); the first, middle and last sample always
CHECKED_SAMPLES = 3
LATER_PERIOD = 2  # later calls: one sample every max(20, graph nodes / LATER_PERIOD) calls, a few percent of their time
_ = Domain("autograd").gettext  # the words of Program.draw's pictures, in the language in force
_OWN = "own"  # Program._plan: the gradient goes into the workspace's own vector
FUSE = True  # run an element-wise instruction in the step before it (instructions.fuse); False for tests


_MATH_OPS = {"-": "−", "*": "·", "**": "( )ⁿ", "neg": "−( )"}


def _drawn_op(op: str) -> str:
    """An instruction's operation as the pictures write mathematics (− and ·, not Python's - and *)."""
    return _MATH_OPS.get(op, op)


class Program:
    """What `trace` compiled: the per-sample function as vector instructions over a batch.

    `program(*batched_args)` gives the per-sample outputs, shape (batch,) for one
    output and (batch, k) for k; `value_and_grad(...)` the reduced output and
    the gradient into each parameter's `.grad`; `print(program)` lists the
    instructions and `draw()` pictures them, one box per instruction.
    `parameters` are the leaves the function used that are not its arguments;
    `gradient(theta, ...)` works on a NumPy vector of them instead (training).
    `cached_nodes` are the computed nodes the function did not build itself but kept from before, found
    by the first call's checks (`train(..., compiled=True)` refuses those built from what it trains);
    `cached_in_use()` those of them the function uses directly. `fresh_leaves()` are the Values it makes
    anew in every call: constants.
    """

    def __init__(self, fn, arg_shapes, placeholders, outputs, several, parameters):
        self.fn = fn
        self.arg_shapes = arg_shapes  # None for a Value argument, n for a list of n
        self.several = several
        self.calls = 0  # calls so far (what the structure guard's schedule counts)
        flat = iter([p.data for p in placeholders])  # the example, to run it again (Program._fresh_leaves)
        self._example = [next(flat) if n is None else [next(flat) for _ in range(n)] for n in arg_shapes]
        self._names = None  # Program.names, made when first asked
        self._fresh = None  # positions of leaves the function makes anew on every call (found when needed)
        self.cached_nodes: tuple = ()  # computed nodes the function did not build anew (the guard finds them)
        self._consistent: tuple = ((), 0)  # (cached_nodes, the stamp up to which they were found consistent)
        self._lock = threading.Lock()  # the guard's counters; everything else a call uses is its own
        self._local = threading.local()  # each thread's arrays (Program._workspace)
        self._compile(placeholders, outputs, parameters)

    # -- compiling ------------------------------------------------------------------------------

    def _compile(self, placeholders, outputs, parameters):
        # Most nodes are leaves (a network's parameters) and a layer's dot nodes have hundreds of parents:
        # the bookkeeping below runs as C-level maps over whole lists, not Python loops over nodes, which
        # made most of the start-up (issue 23: compiling the MNIST network took 80 ms, now about 15)
        self._roots = list(outputs)  # where the structure guard starts its walk (Program._compare)
        self._order = None  # Program.order, made when first asked (messages and the full comparison read it)
        computed = recording.computed_order(outputs)  # the leaves are met as parents
        ops = list(map(operation_of, computed))
        column = dict(zip(map(id, placeholders), range(len(placeholders))))
        self.n_inputs = len(placeholders)
        for op in dict.fromkeys(ops):  # each operation asked once whether it has a NumPy form
            if op not in ("dot", "sum") and not has_form(op):
                node = computed[ops.index(op)]
                raise TraceError(
                    f"trace: the graph holds an operation {node.op!r} (node {node.label or '(unlabelled)'}) that has "
                    f"no NumPy form; traceable operations: {', '.join(operations())}"
                )
        given = list(parameters) if parameters is not None else []
        try:  # usually every leaf is a given parameter or an argument: no pass over the leaves to find others
            try:
                tables = self._tables(computed, placeholders, given, outputs)
            except KeyError:  # a leaf neither: a parameter after the given ones, in the order met
                leaves = list(compress(self.order, map(not_, map(operation_of, self.order))))
                known = dict.fromkeys(map(id, given))
                known.update(column)
                given += [p for p in leaves if id(p) not in known]
                tables = self._tables(computed, placeholders, given, outputs)
        except TypeError:
            self._refuse_unhashable(given)
            raise
        self.parameters = given
        pool, first, needs_grad, groups, templates = tables
        where_param = pool  # a parameter's place in the pool is its position in the parameter vector
        slot = dict(column)  # node id -> column of the batch values
        self.instructions = []
        start = self.n_inputs
        for (d, op, kinds), nodes in sorted(groups.items(), key=lambda item: (item[0][0], pool[item[1][0]])):
            for k, node in enumerate(nodes):
                slot[id(node)] = start + k
            instruction = self._instruction(op, nodes, d, start, slot, where_param, needs_grad, kinds)
            instruction.grad = any(map(needs_grad.__getitem__, nodes))
            instruction.number = len(self.instructions) + 1
            self.instructions.append(instruction)
            start += len(nodes)
        self.width = start
        self._steps = (
            fuse(self.instructions, outputs=[slot.get(id(out)) for out in outputs]) if FUSE else list(self.instructions)
        )
        if FUSE:
            self._steps = [speed.dense(step) for step in self._steps]
        self._slot = slot
        self._places = pool  # node -> place in the pool (a parameter's: its position in the vector)
        self.outputs = [self._leaf_source(out, slot, where_param, needs_grad) for out in outputs]
        self._layout()
        self._zero = speed.sole_writers(self._steps, self.outputs, len(self.parameters))  # zeroed each call
        if len(self._zero) == len(self.parameters):
            self._zero = slice(None)
        elif not len(self._zero):
            self._zero = None
        self._fill = speed.sole_readers(self._steps, self.outputs, self.arrays, 1 + self._n_args)
        self._size = len(pool)  # the graph's nodes, as the guard's budget counts them (given parameters all)
        self._pool = (list(self.parameters), first, len(computed), [pool[out] for out in outputs])
        self._computed = [  # its computed nodes from the outputs back: pool position, parents' positions
            (node, first + k, len(template), _items(template), inner, recorded_constant(node))
            for k, node, (template, inner) in zip(range(len(computed) - 1, -1, -1), computed[::-1], templates[::-1])
        ]

    def _refuse_unhashable(self, given) -> None:
        """A clear TypeError when a node of the graph cannot be hashed (its class defines __eq__ without
        __hash__): compiling keys its tables by the nodes themselves."""
        for node in chain(given, self.order):
            if type(node).__hash__ is None:
                name = type(node).__name__
                raise TypeError(
                    f"trace: the graph holds a Value of class {name}, which defines __eq__ without __hash__, so it "
                    f"cannot be hashed; compiling keys its tables by the nodes: give {name} "
                    "'__hash__ = Value.__hash__' (Values hash by identity)"
                )

    @staticmethod
    def _tables(computed, placeholders, given, outputs):
        """One pass over the computed nodes: (node -> its place in a pool of nodes (the parameters in the
        order given, then the arguments, then the computed nodes), the first computed node's place,
        node -> whether a gradient flows to it, the nodes grouped into instructions, each node's parents'
        places and where its computed parents are). A KeyError when a leaf is neither given nor an argument."""
        first = len(given) + len(placeholders)
        pool = dict(zip(given, range(len(given))))  # keyed by the nodes themselves (they hash by identity):
        pool.update(zip(placeholders, range(len(given), first)))  # no id() per parent
        # per computed node: its depth (a leaf's is 0), whether a gradient flows to it (to every parameter,
        # to no argument) and its operands' kinds, "v" as an argument, "p" a parameter, "c" a number: what
        # must agree for nodes to share an instruction
        needs_grad = dict.fromkeys(placeholders, False)
        needs_of = needs_grad.get
        kind_at = ["p"] * len(given) + ["v"] * (first - len(given) + len(computed))  # by place in the pool
        depth_at = [0] * (first + len(computed))  # by place: 0 for a leaf
        pool_of, kind_of, depth_of = pool.__getitem__, kind_at.__getitem__, depth_at.__getitem__
        groups, templates = {}, []
        for k, node in enumerate(computed):
            parents, operands = node.parents, node.operands
            template = list(map(pool_of, parents))
            levels = list(map(depth_of, template))
            inner = tuple(compress(range(len(levels)), levels))  # the computed parents
            depth_at[first + k] = d = 1 + max(map(levels.__getitem__, inner), default=0)
            needs_grad[node] = any(map(needs_of, parents, repeat(True)))
            pool[node] = first + k
            templates.append((template, tuple(zip(inner, map(template.__getitem__, inner)))))
            if operands is parents:  # no constants among them: their places are at hand
                signature = tuple(map(kind_of, template))
            else:
                signature = tuple(kind_at[pool[o]] if isinstance(o, Value) else "c" for o in operands)
            groups.setdefault((d, node.op, signature), []).append(node)
        for out in outputs:
            pool_of(out)  # an output that is a leaf must be known too
        return pool, first, needs_grad, groups, templates

    def _layout(self) -> None:
        """Where each step writes and each operand is read (speed and memory: see speed.py).

        The graph numbers its values by columns: the inputs, then every instruction's members. Running
        keeps only what a later step reads, in a store of arrays: the arguments themselves (an operand
        that lies within one argument is read from it, never copied), one array per step whose result
        is read only by operands that lie within it (a layer's output: contiguous, so the step writes
        into it directly), and one shared array for the results that operands mix, with the few input
        columns they mix in, copied in each call. A fused step's intermediate results are not stored.
        """
        widths = [1 if shape is None else shape for shape in self.arg_shapes]
        offsets = np.cumsum([0] + widths)
        n_args = len(widths)
        owner = np.full(self.width, -1, dtype=np.intp)  # graph column -> argument j, or n_args + step k
        for j in range(n_args):
            owner[offsets[j] : offsets[j + 1]] = j
        for k, step in enumerate(self._steps):
            owner[step.start : step.stop] = n_args + k
        sources, seen = [], set()
        for x in [x for step in self._steps for x in step.all_sources()] + self.outputs:
            if x.kind == "v" and id(x) not in seen:
                seen.add(id(x))
                sources.append(x)
        shared = set()  # owners whose columns go to the shared array: operands mix them with others
        for x in sources:
            owners = sorted_distinct(owner[x.columns])
            assert (owners >= 0).all(), "an operand reads a value no step stores"
            if len(owners) > 1:
                shared.update(owners.tolist())
        new = np.full(self.width, -1, dtype=np.intp)  # graph column -> column of its array
        array_of = np.zeros(self.width, dtype=np.intp)  # graph column -> its array in the store
        self._copies = []  # (argument, its columns, columns of the shared array) copied in each call
        column = 0
        for j in range(n_args):
            cols = np.arange(offsets[j], offsets[j + 1])
            new[cols], array_of[cols] = cols - offsets[j], 1 + j
            if j in shared:
                self._copies.append((j, cols - offsets[j], np.arange(column, column + len(cols))))
                column += len(cols)
        self.arrays = [0]  # the width of each computed array: [0] the shared one, then one per own step
        self._at: list[tuple[int, slice | None]] = []  # each step's (array, its columns there; None: all)
        for k, step in enumerate(self._steps):
            n = step.stop - step.start
            if n_args + k in shared:
                new[step.start : step.stop] = np.arange(column, column + n)
                self._at.append((0, slice(column, column + n)))
                column += n
            else:
                new[step.start : step.stop] = np.arange(n)
                array_of[step.start : step.stop] = 1 + n_args + len(self.arrays) - 1
                self._at.append((1 + n_args + len(self.arrays) - 1, None))  # None: the whole array
                self.arrays.append(n)
        self.arrays[0] = column
        self._n_args = n_args
        for x in sources:
            if len(sorted_distinct(owner[x.columns])) == 1:  # one argument (read in place) or one step's result
                array = int(array_of[x.columns.flat[0]])
                width = widths[array - 1] if 1 <= array <= n_args else self.arrays[max(array - n_args, 0)]
                x.bind(array, new[x.columns], width)
            else:  # mixed: everything it reads is in the shared array (copied inputs' columns there too)
                index = new[x.columns].copy()
                for j, _, dest in self._copies:
                    inside = (x.columns >= offsets[j]) & (x.columns < offsets[j + 1])
                    index[inside] = dest[x.columns[inside] - offsets[j]]
                x.bind(0, index)
        self.stored = sum(self.arrays)  # columns kept per sample
        self._out = None  # (array, columns) when every output is a value of one array: copied as one block
        if {x.kind for x in self.outputs} == {"v"} and len({x.array for x in self.outputs}) == 1:
            cols = np.array([int(x.index[0]) for x in self.outputs])
            block = len(cols) == 1 or bool((np.diff(cols) == 1).all())
            self._out = (self.outputs[0].array, slice(int(cols[0]), int(cols[-1]) + 1) if block else cols)
        self._out_groups = []  # otherwise: (array, its columns, the outputs' positions) per array of values
        for array in sorted({x.array for x in self.outputs if x.kind == "v"}):
            mine = [(k, int(x.index[0])) for k, x in enumerate(self.outputs) if x.kind == "v" and x.array == array]
            columns, positions = (_contiguous([pair[j] for pair in mine]) for j in (1, 0))
            self._out_groups.append((array, columns, positions))
        self._out_others = [(k, x) for k, x in enumerate(self.outputs) if x.kind != "v"]  # parameters, constants

    @property
    def order(self) -> list:
        """Every node of the traced graph, each after its parents (the outputs last): made when first asked."""
        if self._order is None:
            self._order = recording.full_order(self._roots)
        return self._order

    @property
    def names(self) -> dict:
        """Node id -> its label, or n<position> (for printing and errors: made when first asked)."""
        if self._names is None:
            self._names = {id(n): (n.label or f"n{k}") for k, n in enumerate(self.order)}
        return self._names

    @staticmethod
    def _kind(node, column, where_param) -> str:
        return "v" if (node.op or id(node) in column) else "p"

    @staticmethod
    def _leaf_source(node, slot, where_param, needs_grad):
        if id(node) in slot:
            return Source("v", [slot[id(node)]], grad=needs_grad[node])
        return Source("p", [where_param[node]])

    def _block(self, rows, slot, where_param, needs_grad):
        """A Source for operands `rows` (members x positions) of one kind ('v', 'p' or 'c')."""
        first = rows[0][0]
        if not isinstance(first, Value):
            return Source("c", const=np.array(rows, dtype=float))
        same = len(rows) > 1 and _same_rows(rows)  # a layer's input: one row for all members
        flat = list(rows[0] if same else chain.from_iterable(rows))
        if first.op or id(first) in slot:  # a computed node or an argument
            kind, grad = "v", any(map(needs_grad.__getitem__, flat))
            places = map(slot.__getitem__, map(id, flat))
        else:
            kind, grad, places = "p", True, map(where_param.__getitem__, flat)
        index = np.fromiter(places, dtype=np.intp, count=len(flat)).reshape(1 if same else len(rows), -1)
        if same:
            index = np.repeat(index, len(rows), axis=0)
        return Source(kind, index, grad=grad)

    def _instruction(self, op, nodes, d, start, slot, where_param, needs_grad, kinds):
        """The vector instruction of `nodes` (one depth, one operation, operands of the kinds `kinds`)."""
        operands = [n.operands for n in nodes]
        if op == "dot":
            n = len(operands[0]) // 2
            pairs: dict = {}
            for k in range(n):
                pairs.setdefault((kinds[2 * k], kinds[2 * k + 1]), []).append(k)
            parts = []
            for positions in pairs.values():
                left, right = (
                    self._block(list(map(_items([2 * k + side for k in positions]), operands)), slot, where_param,
                                needs_grad)
                    for side in (0, 1)
                )  # fmt: skip
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
            arr = a if type(a) is np.ndarray and a.dtype == np.float64 else as_batch_array(a, f"{who}: argument {i}")
            if arr.ndim != (1 if shape is None else 2) or (shape is not None and arr.shape[1] != shape):
                expected = "(batch,)" if shape is None else f"(batch, {shape})"
                raise ValueError(f"{who}: argument {i} has shape {arr.shape}; the traced function needs {expected}")
            if batch is not None and len(arr) != batch:
                raise ValueError(f"{who}: argument {i} has {len(arr)} samples, argument 0 has {batch}")
            batch = len(arr)
            if batch == 0:
                raise ValueError(f"{who}: empty batch (no samples)")
            columns.append(arr if shape is not None else arr.reshape(batch, 1))
        return columns, batch

    def blas_threads(self, batch: int):
        """A context for running this program on batches of `batch` samples with the BLAS threads that
        suit its matrix products (speed.blas_threads: one thread for small products, unless the user
        chose); `train(compiled=True)` runs its epochs inside it."""
        products = [
            ins.terms * len(ins.nodes)
            for ins in self.instructions
            if isinstance(ins, Dot) and any(m is not None for _, _, m in ins.parts)
        ]
        return speed.blas_threads(batch * max(products, default=0))

    def read_parameters(self) -> np.ndarray:
        """The parameters' current `.data` as one vector (the order of `parameters`)."""
        data = Value.data.fget  # the number each Value holds, read in C (what its .data property runs)
        return np.fromiter(map(data, self.parameters), dtype=float, count=len(self.parameters))

    def write_parameters(self, theta) -> None:
        """Set each parameter's `.data` from the vector `theta`."""
        for p, v in zip(self.parameters, self._theta(theta, "write_parameters").tolist()):
            p.data = v

    def _workspace(self, batch: int):
        """This thread's computed arrays and their gradients (lists by store position; None for the
        arguments), at least `batch` rows, and its gradient vector: made once, reused by every call (no
        allocation per call, and threads never share them)."""
        ws = self._local
        values = getattr(ws, "values", None)
        if values is None or ws.rows < batch:
            ws.rows = batch
            ws.values = [np.empty((batch, n)) for n in self.arrays]
            ws.grads = [np.empty((batch, n)) for n in self.arrays]
            ws.theta_grad = np.empty(len(self.parameters))
            ws.plans = {}  # batch size -> speed.Plan over these arrays
        if ws.rows == batch:
            values, grads = ws.values, ws.grads
        else:
            values, grads = [a[:batch] for a in ws.values], [a[:batch] for a in ws.grads]
        return values, grads, ws.theta_grad

    def _plan(self, batch: int, theta, theta_grad=None) -> speed.Plan:
        """This thread's plan for batches of `batch` samples with this parameter vector and gradient vector
        (an array; "own": the workspace's own; None: any, no gradient is taken), made on first use and
        whenever either vector is another array."""
        ws = self._local
        plan = getattr(ws, "plans", {}).get(batch) if getattr(ws, "rows", 0) >= batch else None
        if plan is not None and plan.theta is theta:
            wanted = ws.theta_grad if theta_grad is _OWN else theta_grad
            if wanted is None or plan.theta_grad is wanted:
                return plan
        values, grads, own = self._workspace(batch)
        if len(ws.plans) >= 8:  # many batch sizes (evaluation of odd sizes): keep the memory bounded
            ws.plans.clear()
        vector = own if theta_grad is None or theta_grad is _OWN else theta_grad
        plan = speed.Plan(self, batch, values, grads, theta, vector)
        ws.plans[batch] = plan
        return plan

    def _forward(self, theta, args, who, theta_grad=None):
        """(the plan that ran, outputs (batch, k), batch): the steps forward on the batch."""
        inputs, batch = self._batch(args, who)
        self._guard(inputs, batch)
        if self.cached_nodes:
            self._refuse_stale_cache(who)
        plan = self._plan(batch, theta, theta_grad)
        store = plan.store
        shared = store[0]
        for j, columns, dest in self._copies:
            shared[:, dest] = inputs[j][:, columns]
        plan.forward(inputs)
        if self._out is not None:  # a copy: the arrays are reused by the next call
            array, columns = self._out
            outs = store[array][:, columns]
            if isinstance(columns, slice):
                outs = outs.copy()
        else:  # outputs from several arrays (the loss and the model's outputs), or parameters and constants
            outs = np.empty((batch, len(self.outputs)))
            for array, columns, positions in self._out_groups:
                outs[:, positions] = store[array][:, columns]
            for k, x in self._out_others:
                outs[:, k] = np.broadcast_to(x.fetch(store, theta), (batch, 1))[:, 0]
        return plan, outs, batch

    def evaluate(self, theta, *batched_args) -> np.ndarray:
        """The per-sample outputs for the parameter vector `theta`: shape (batch,) or (batch, k)."""
        outs = self._forward(self._theta(theta, "evaluate"), batched_args, "program")[1]
        return outs if self.several else outs[:, 0]

    def gradient(self, theta, *batched_args, reduction: str = "mean", output: int = 0, out=None):
        """(per-sample outputs, d(reduced output `output`)/d theta) for the parameter vector `theta`.

        The reduction is the mean (or sum) over the batch; the outputs array is
        shaped as `evaluate`'s. The parameters' `.grad` are not touched. `out`, a float
        vector of one entry per parameter, receives the gradient (and is returned) instead of a
        new array: training writes every batch's gradient into the same one.
        """
        if type(reduction) is not str or (reduction != "mean" and reduction != "sum"):  # fast for the usual
            checks.choice(reduction, "reduction", "gradient", ("mean", "sum"))
        n = len(self.outputs)
        if type(output) is not int or not 0 <= output < n:
            if isinstance(output, bool) or not isinstance(output, numbers.Integral) or not 0 <= output < n:
                raise ValueError(
                    f"gradient: output must be the number of one of the {n} outputs (0..{n - 1}), got {output!r}"
                )
        theta = self._theta(theta, "gradient")
        if out is not None and not (
            type(out) is np.ndarray and out.dtype == np.float64 and out.shape == theta.shape and out.flags.writeable
        ):
            raise TypeError(
                f"gradient: out must be a writeable float64 NumPy vector of shape {theta.shape}, "
                f"not {checks.shown(out)}"
            )
        plan, outs, batch = self._forward(theta, batched_args, "value_and_grad", _OWN if out is None else out)
        plan.backward(self.outputs[output], 1.0 / batch if reduction == "mean" else 1.0)
        theta_grad = plan.theta_grad
        return (outs if self.several else outs[:, 0]), (theta_grad if out is not None else theta_grad.copy())

    def _theta(self, theta, who: str) -> np.ndarray:
        """theta as a float vector of one entry per parameter."""
        if type(theta) is np.ndarray and theta.dtype == np.float64 and theta.shape == (len(self.parameters),):
            return theta  # training's own vector: nothing to convert (the call's fixed cost)
        if isinstance(theta, (str, bytes, set, frozenset, dict)):
            raise TypeError(f"{who}: theta must be a vector of numbers, not {checks.shown(theta)}")
        try:
            theta = np.asarray(theta, dtype=float)
        except OverflowError:
            raise ValueError(f"{who}: theta holds a number too large for a float (such as 10**400)") from None
        except (TypeError, ValueError):
            raise TypeError(f"{who}: theta must be a vector of numbers, not {checks.shown(theta)}") from None
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
        checks.choice(reduction, "reduction", "value_and_grad", ("mean", "sum"))
        outs, theta_grad = self.gradient(self.read_parameters(), *batched_args, reduction=reduction)
        for p, g in zip(self.parameters, theta_grad.tolist()):
            p.grad += g
        return float(outs.mean() if reduction == "mean" else outs.sum())

    # -- honesty: is the graph the same for other samples? ---------------------------------------

    def _guard(self, inputs, batch: int) -> None:
        """Trace some samples again and compare their graphs with the compiled one (TraceError if one differs).

        The first call checks every sample as far as FIRST_CALL_BUDGET reaches (and always its first,
        middle and last); every later call checks one sample every max(20, graph nodes / LATER_PERIOD) calls, a
        different position each time, so the cost stays a few percent of the calls'. Under no_grad() too:
        evaluation is where a wrong branch would go unseen. What the guard cannot see, a value read that
        only samples it never traces would take differently, `check(...)` tests on a whole batch.
        """
        if not self.arg_shapes:
            return
        with self._lock:
            self.calls += 1
            calls = self.calls
        if calls <= CHECKED_CALLS:
            every = FIRST_CALL_BUDGET // max(self._size, 1)  # the spread three, or the first `every`
            picks = sorted({0, batch // 2, batch - 1} | (set(range(min(batch, every))) if every > 3 else set()))
        else:
            period = max(20, int(self._size // LATER_PERIOD))  # about 5% of small calls, less of larger ones
            if (calls - CHECKED_CALLS) % period:
                return
            picks = [((calls - CHECKED_CALLS) // period * 7919) % batch]  # a prime stride: other positions
        self._check(inputs, picks)

    def adopt(self, fn, *example_args) -> bool:
        """Run `fn` for this program from now on, if it records the very graph this program was compiled
        from on `example_args` (the same operations, constants, operands and parameters): True then, and
        the next call checks its samples as a first call does (its data may be new); False and nothing
        changed otherwise. Compiling again costs more than this one trace (train(compiled=True) reuses
        its last program this way when it is called again on the same model)."""
        placeholders, call_args = recording.placeholders(example_args)
        with recording.recording_on(), recording.collector_paused():
            try:
                outputs, _ = recording.outputs(recording.call_traced(fn, call_args), "adopt")
            except (ArithmeticError, ValueError, TypeError):
                return False
            if not self._same_graph(placeholders, outputs):
                return False
            recording.computed_order(outputs)  # a graph whose leaves changed after use is refused, as trace does
        with self._lock:
            self.fn, self.calls, self.cached_nodes = fn, 0, ()  # the first call's guard finds them again
        return True

    def check(self, *batched_args) -> None:
        """Trace every sample of this batch again and compare its graph with the compiled one: a `TraceError`
        names the first sample and node that differ (the function read a value in Python)."""
        inputs, batch = self._batch(batched_args, "check")
        self._check(inputs, range(batch))

    def _check(self, inputs, picks) -> None:
        # under no_grad() too: evaluation is where a wrong branch goes unseen
        with recording.recording_on(), recording.collector_paused():
            for i in picks:
                sample = [float(a[i, 0]) if n is None else a[i].tolist() for a, n in zip(inputs, self.arg_shapes)]
                placeholders, call_args = recording.placeholders(sample)
                try:
                    result = recording.call_traced(self.fn, call_args)
                except (ArithmeticError, ValueError) as e:  # a bad sample: the batch run reports it, naming it
                    if isinstance(e, TraceError):
                        raise
                    continue
                outputs = recording.outputs(result, "trace")[0]
                computed = recording.computed_order(outputs)  # stale nodes (a leaf's data assigned after use) refused
                if not self._same_graph(placeholders, outputs):
                    self._compare(placeholders, outputs, i)
                self._note_cached(computed)

    def _note_cached(self, computed) -> None:
        """Add to `cached_nodes` the sample's computed nodes that are nodes of the compiled graph themselves.

        A node the function builds is a new object in every run of it; one that is the very same object in
        the traced example and in this sample was built before both, from the leaves of then, and kept (a
        model's `self.c = self.w * 2.0` in `__init__`). The program computes it again from its leaves at
        every call; the function uses the number it holds. Both agree while those leaves keep their data:
        `train(..., compiled=True)` refuses such a node when it depends on the parameters training
        changes, and a call after its leaves got new data refuses it (`_refuse_stale_cache`). One C-level
        pass over the sample's computed nodes, found by identity in the compiled pool."""
        kept = list(filter(self._places.__contains__, computed))
        if kept:
            with self._lock:
                self.cached_nodes = tuple(dict.fromkeys([*self.cached_nodes, *kept]))

    def _refuse_stale_cache(self, who: str) -> None:
        """StaleGraphError when a leaf a cached node was computed from got new data since (see
        `_note_cached`): the function would go on with the old number, the program with the new one.

        O(1) while no Value's data was assigned since the nodes were last found consistent; a check that
        finds them consistent refreshes their marks and remembers the stamp it checked up to."""
        cached, changed = self.cached_nodes, graph.data_stamp()
        known, stamp = self._consistent
        if known is cached and stamp == changed:
            return
        for node in cached:
            if node._mark < changed and (leaf := stale_parent(node, node._mark)) is not None:
                used = self._user_of(node)
                raise StaleGraphError(
                    f"{who}: the traced function uses {described(used)}, the result of {used.op!r} that it did not "
                    f"compute in the call (it was computed earlier and kept), and the leaf {described(leaf)} it was "
                    "computed from got new data since. The function would still use the old number (and its "
                    "backward() refuses the node), the program would compute it from the new one. Compute it inside "
                    "the traced function and trace again"
                )
        graph.mark_consistent(cached, changed)
        self._consistent = (cached, changed)

    def cached_in_use(self) -> list:
        """The cached nodes the function's own nodes use directly (each a parent of a node the function
        built, or an output), in the graph's order: a kept `c = ((w * 2.0).tanh() + 1.0).relu()` is four
        cached nodes, of which the function uses `c`."""
        kept = set(map(id, self.cached_nodes))
        if not kept:
            return []
        used = {id(out) for out in self._roots if id(out) in kept}
        for node in self.order:
            if node._operation and id(node) not in kept:
                used.update(id(p) for p in node.parents if id(p) in kept)
        return [node for node in self.order if id(node) in used]

    def _user_of(self, node):
        """The cached node in use (`cached_in_use`) that `node` is, or is computed into; else `node`."""
        for used in self.cached_in_use():
            if any(n is node for n in recording.full_order([used])):
                return used
        return node

    def fresh_leaves(self) -> list:
        """The leaves of the traced graph, other than the arguments, that the function makes anew on every
        call (a `Value(2.0)` written inside it): constants, as the structure guard treats them."""
        return [self.order[k] for k in sorted(self._fresh_leaves())]

    def _fresh_leaves(self) -> set:
        """Positions of the leaves (not arguments) the function makes anew on each call, such as Value(2.0)
        written inside it: found by running the example again. A leaf that is the same object both times
        is a parameter, and a sample must use that very Value."""
        if self._fresh is None:
            placeholders, call_args = recording.placeholders(self._example)
            with recording.recording_on():
                order = recording.full_order(recording.outputs(recording.call_traced(self.fn, call_args), "trace")[0])
            same = len(order) == len(self.order)
            self._fresh = {
                k for k, (old, new) in enumerate(zip(self.order, order)) if not old.op and same and old is not new
            }
        return self._fresh

    def _same_graph(self, placeholders, outputs) -> bool:
        """True when the sample's graph is the compiled one, node for node (same operations, constants and
        operands; the same parameters; each placeholder for the same argument); False when it may differ
        (`_compare` then finds where, or lets it through: a leaf the function makes anew each call).

        The quick form of `_compare`: only the computed nodes are visited in Python (a hundred in the MNIST
        network). A pool holds, at each compiled node's position, the sample's node that must stand there:
        the parameters themselves, the sample's placeholders, and the computed nodes' counterparts as they
        are found; each node's parents are then compared in C, the pool's entries at the compiled parents'
        positions against the sample node's parents, by identity. Most of a network's graph is parameter
        leaves, and this made the guard's comparison about 20x cheaper than walking every node (issue 23).
        """
        parameters, first, n_computed, at_roots = self._pool
        if len(outputs) != len(at_roots) or len(placeholders) != self.n_inputs:
            return False
        pool = parameters + placeholders + [None] * n_computed
        for at, new in zip(at_roots, outputs):
            if at < first or (pool[at] is not None and pool[at] is not new):  # a leaf output: the full walk
                return False  # compares it; one node as two outputs must be one node in the sample too
            pool[at] = new
        identity = _identity_equality()
        for old, k, n, parents_of, inner, constant in self._computed:
            new = pool[k]
            if new is None or operation_of(new) != operation_of(old):
                return False
            new_parents = new.parents
            if len(new_parents) != n:
                return False
            for j, at in inner:  # computed operands: their counterparts are found here (or must agree below)
                if pool[at] is None:
                    pool[at] = new_parents[j]
            expected = parents_of(pool)  # the parameters, the sample's placeholders and counterparts
            if not (expected == new_parents if identity else all(map(is_, expected, new_parents))):
                return False
            new_constant = recorded_constant(new)
            if (constant is not None or new_constant is not None) and not _same_constant(constant, new_constant):
                return False
        return len(set(map(id, pool[first:]))) == n_computed  # no two nodes made one

    def _compare(self, placeholders, outputs, sample: int) -> None:
        """Walk the sample's graph alongside the compiled one, from the outputs to the leaves (the compiled
        order backwards): each node must have the same operation, constant and operands as its counterpart,
        shared where the compiled graph shares, and each leaf be the same argument or the same parameter.
        No sort of the sample's graph is needed: one pass over its edges."""
        column = {id(p): k for k, p in enumerate(placeholders)}
        last = len(self.order) - 1
        if len(outputs) != len(self._roots):
            self._differs(sample, last, f"{len(self._roots)} outputs", f"{len(outputs)} outputs")
        counterpart: dict = {}
        for old, new in zip(self._roots, outputs):
            if counterpart.setdefault(id(old), new) is not new:
                self._differs(sample, last, "one node as two outputs", "two different nodes")
        n_inputs = self.n_inputs
        for k in range(last, -1, -1):
            old = self.order[k]
            new = counterpart[id(old)]  # every node feeds an output, so its consumers gave it a counterpart
            if old.op != new.op:
                self._differs(sample, k, f"operation {old.op or 'leaf'!r}", f"operation {new.op or 'leaf'!r}")
            if not old.op:
                argument = self._slot.get(id(old), n_inputs)
                if argument < n_inputs or id(new) in column:
                    same = argument == column.get(id(new))
                elif old is new:  # a parameter: the same Value, not merely an equal number
                    same = self._places.get(old, len(self.parameters)) < len(self.parameters)
                else:  # another Value: fine only where the function makes a new leaf each call
                    same = old.data == new.data and k in self._fresh_leaves()
                if not same:
                    was = f"the leaf {old.data!r}" + (f" ({old.label!r})" if old.label else "")
                    now = f"the leaf {new.data!r}" + (f" ({new.label!r})" if new.label else "")
                    if old is not new and old.data == new.data:
                        now = f"another Value {now[4:]} (equal in value, but not the same parameter)"
                    self._differs(sample, k, was, now)
                continue
            old_parents, new_parents = old.parents, new.parents
            if len(old_parents) != len(new_parents):
                self._differs(sample, k, f"{len(old_parents)} operands", f"{len(new_parents)} operands")
            for a, b in zip(old_parents, new_parents):
                if counterpart.setdefault(id(a), b) is not b:
                    self._differs(sample, k, "an operand shared with another node", "a different operand there")
            a, b = recorded_constant(old), recorded_constant(new)
            if (a is not None or b is not None) and not _same_constant(a, b):
                self._differs(sample, k, f"the constant {a!r}", f"the constant {b!r}")
        if len({id(n) for n in counterpart.values()}) != len(counterpart):
            self._differs(sample, 0, f"{len(self.order)} distinct nodes", "fewer: some of them shared")

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
        from autograd.pictures.graphs import check_layout, new_picture, require_graphviz

        instructions = checks.flag(instructions, "instructions", "draw")
        require_graphviz()
        g = new_picture(graph_attr={"rankdir": "TB", "fontname": "Helvetica"}, node_attr={"fontname": "Helvetica"})
        widths = [1 if shape is None else shape for shape in self.arg_shapes]  # per argument: x 64, y 10
        count = " + ".join(map(str, widths)) if len(widths) > 1 else str(self.n_inputs)
        inputs = _("inputs\n{count} per sample").format(count=count)
        g.node("in", inputs, shape="box", style="filled", fillcolor="#d0e6ff")
        parameters = _("parameters\n{count}").format(count=len(self.parameters))
        g.node("theta", parameters, shape="box", style="filled", fillcolor="#d0e6ff")
        boxes = (
            [[ins] for ins in self.instructions] if instructions else [instructions_of(step) for step in self._steps]
        )
        owner = np.zeros(self.width, dtype=int)  # column -> box number (0: inputs)
        for k, members in enumerate(boxes, 1):
            for ins in members:
                owner[ins.start : ins.stop] = k
        for k, members in enumerate(boxes, 1):
            head = members[0]
            label = f"{_drawn_op(head.op)}\n{head.shape_text()}"
            if len(members) > 1:  # the element-wise steps that follow, e.g. the layer's activation
                then = _("then {operations}").format(operations=" → ".join(_drawn_op(ins.op) for ins in members[1:]))
                label += f"\n{then}\n(B, {len(members[-1].nodes)})"
            g.node(f"i{k}", label, shape="box", style="rounded,filled", fillcolor="#f4f4f4")
            drawn = set()
            for ins in members:
                for s in ins.sources:
                    if s.kind == "p":
                        drawn.add("theta")
                    elif s.kind == "v":
                        drawn.update(("in" if o == 0 else f"i{o}") for o in np.unique(owner[s.columns]) if o != k)
            for d in sorted(drawn):
                g.edge(d, f"i{k}")
        for n, s in enumerate(self.outputs):
            name = _("output") if len(self.outputs) == 1 else _("output {number}").format(number=n)
            g.node(f"out{n}", name, shape="ellipse")
            o = owner[s.columns[0]] if s.kind == "v" else None
            g.edge("theta" if o is None else ("in" if o == 0 else f"i{o}"), f"out{n}")
        return check_layout(g, "Program.draw", "Draw one box per layer (instructions=False) or trace less.")


def _contiguous(positions: list):
    """The positions as a slice when they are consecutive (copied as a block), else as an index array."""
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return slice(positions[0], positions[0] + len(positions))
    return np.array(positions)


def _items(positions: list):
    """A function giving the items of a tuple at `positions`, as a tuple (itemgetter runs in C)."""
    if len(positions) == 1:
        k = positions[0]
        return lambda row: (row[k],)
    return itemgetter(*positions)


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
            try:
                return np.array([float(x) for x in arr.flat], dtype=float).reshape(arr.shape)
            except OverflowError:
                big = next(x for x in arr.flat if isinstance(x, numbers.Integral) and abs(x) > 2**1024)
                raise ValueError(f"{who} holds {checks.shown(big, 40)}, too large for a float") from None
        bad = bad[0]
        raise TypeError(f"{who} holds {bad!r:.40}; give numbers (or Values), batch first")
    what = "rows of different lengths" if arr is None else f"{arr.dtype.name} values ({type(a).__name__})"
    raise TypeError(f"{who} must be an array of numbers, batch first; got {what}")


def _same_rows(rows) -> bool:
    """Whether every row (a tuple of nodes) holds the very nodes of the first."""
    first = rows[0]
    if _identity_equality():
        return rows.count(first) == len(rows)
    return all(len(row) == len(first) and all(map(is_, row, first)) for row in rows)


def _identity_equality() -> bool:
    """Whether `==` between graph nodes is identity (no Value class defines __eq__): then a tuple of nodes
    compares with another in C, an identical pair without a call (the guard's quick comparison)."""
    classes, seen = [Node], set()
    while classes:
        cls = classes.pop()
        if cls.__eq__ is not object.__eq__ or cls.__ne__ is not object.__ne__:
            return False
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                classes.append(sub)
    return True


def _same_constant(a, b) -> bool:
    if a is None or b is None:
        return a is b
    a, b = np.atleast_1d(np.array(a, dtype=float)), np.atleast_1d(np.array(b, dtype=float))
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))
