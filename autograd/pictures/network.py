"""Pictures of a network's computation graph that fit a screen: one box per neuron, or one per layer.

The scalar graph of even a 2-4-1 network has dozens of boxes (`draw_graph`
draws them all, and stays the full picture). `draw_network(root)` finds the
neurons in the graph, as nn's `Neuron` makes them (`dot(w, x, b)`, then an
activation, with the weights and the bias as leaves), and draws each neuron
as one box: its weighted sum z and its output, the weights on the edges from
its inputs. `group="layer"` draws one box per layer instead, its numbers as
vectors. Everything else (the inputs, a loss) is drawn as `draw_graph` draws
it. Neurons with the same inputs form a layer.

Goldberg's three pictures (lecture notes, section 10) are three calls:
`show_values=False` on the network's output (operations on symbols), the
same with values (a concrete input), and `draw_network(loss)` (the loss
attached).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograd.core import checks
from autograd.core.registry import lookup
from autograd.core.value import Value
from autograd.language import Domain, resolve
from autograd.pictures import naming
from autograd.pictures.graphs import (
    STYLE,
    check_layout,
    check_rankdir,
    colours,
    escape,
    indexed,
    name_html,
    require_graphviz,
    start_picture,
)

if TYPE_CHECKING:  # for the annotations only
    from collections.abc import Callable

    import graphviz

__all__ = ["draw_network"]

_ = Domain("autograd").gettext

_NEURON_FILL, _NEURON_BORDER = "#e6fcf5", "#0c8599"
_PADDING = 2  # points around the text of a cell


def activation_of(node: Value) -> str | None:
    """The activation `node` applies (its operation's name) when it is one, else None.

    This decides which operation after a neuron's `dot` is the activation
    of its layer: exactly those whose record in the engine's REGISTRY has an
    `activation`, so a new activation is drawn as one with no change here.
    Any other operation (`* 2.0`, a user's own) is no activation: the neuron
    is drawn "linear" (h = z) and that operation after it, as the graph has
    it. An operation the engine does not know is a KeyError naming the known ones.
    """
    return node.op if lookup(node.op).activation is not None else None


@dataclass(frozen=True)
class _Neuron:
    """A dot(w, x, b) of the graph and the activation after it, by position in the topological order."""

    dot: int
    out: int  # the activation's output, or `dot` for a linear neuron
    weights: list[Value]
    inputs: list  # Values or plain numbers
    bias: Value
    params: list[int]  # the weights, the bias and the activation's own parameters (prelu's alpha)


def _users(order: list[Value], index: dict) -> list[list[int]]:
    """For each node, the nodes that use it (each once), in topological order."""
    users: list[list[int]] = [[] for _ in order]
    for i, node in enumerate(order):
        for parent in node.parents:
            if not users[index[parent]] or users[index[parent]][-1] != i:
                users[index[parent]].append(i)
    return users


def _neurons(order: list[Value], index: dict, users: list[list[int]]) -> list[_Neuron]:
    """Every dot(w, x, b) of the graph whose weights and bias are leaves, with the activation that follows it."""
    found = []
    for i, node in enumerate(order):
        operands = node.operands
        if node.op != "dot" or len(operands) < 3 or len(operands) % 2 == 0:
            continue
        weights, inputs, bias = list(operands[0:-1:2]), list(operands[1:-1:2]), operands[-1]
        if not all(isinstance(w, Value) and not w.parents for w in [*weights, bias]):
            continue
        out = i
        after = [order[u] for u in users[i]]
        if len(after) == 1 and activation_of(after[0]) is not None and after[0].parents[0] is node:
            if all(not p.parents for p in after[0].parents[1:]):  # prelu's alpha is a leaf too
                out = index[after[0]]
        parameters = [index[p] for p in [*weights, bias, *order[out].parents[1:]]]
        found.append(_Neuron(i, out, weights, inputs, bias, parameters))
    return found


@dataclass
class _Layout:
    """The network found in the graph of a root, built once by `_layout`, read by the drawing functions.

    Node numbers are positions in the topological order; `n` numbers a
    neuron, a layer's `number` counts layers in the order they start.
    """

    order: list[Value]
    index: dict[Value, int]
    names: list[str]
    users: list[list[int]]
    neurons: list[_Neuron]
    group: str  # "neuron" or "layer"
    fmt: Callable[[float], str]
    show_values: bool
    show_grad: bool
    owner: dict[int, int] = field(default_factory=dict)  # node -> the neuron it is folded into
    absorbed: set[int] = field(default_factory=set)  # weights and biases written in the neurons' boxes
    constants: dict[tuple[int, float], str] = field(default_factory=dict)  # (input position, number) -> box
    layers: dict[tuple, list[int]] = field(default_factory=dict)  # the neurons' sources -> the neurons
    layer_of: dict[int, tuple[int, int]] = field(default_factory=dict)  # neuron -> (layer number, position)
    depth: dict[int, int] = field(default_factory=dict)  # layer number -> depth
    grouped_inputs: dict[int, list[int]] = field(default_factory=dict)  # layer number -> leaves of its x vector
    in_vector: dict[int, str] = field(default_factory=dict)  # leaf -> its x vector's node
    boxless: list[bool] = field(default_factory=list)  # drawn as its operation only
    merged: list[bool] = field(default_factory=list)  # drawn inside its user's operation oval
    language: str = "en"  # of the words drawn ("layer", "neuron")

    def source(self, item, position: int) -> str:
        """The DOT node an input of a neuron comes from; a plain number gets a box, one per position and value."""
        if isinstance(item, Value):
            j = self.index[item]
            return f"n{self.owner[j]}" if j in self.owner else f"v{j}"
        return self.constants.setdefault((position, item), f"c{len(self.constants)}")

    def tail(self, j: int) -> str:
        """The DOT node an edge from node j starts at: its neuron, layer, input vector, operation or box."""
        if j in self.owner:
            return f"L{self.layer_of[self.owner[j]][0]}" if self.group == "layer" else f"n{self.owner[j]}"
        if j in self.in_vector:
            return self.in_vector[j]
        return f"v{j}_op" if self.boxless[j] else f"v{j}"

    def neuron_name(self, n: int) -> str:
        """The label of the neuron's output, else its place in its layer."""
        out = self.order[self.neurons[n].out]
        if out.label:
            return self.names[self.neurons[n].out]
        return _("neuron {number}", self.language).format(number=self.layer_of[n][1])

    def activation_text(self, n: int) -> str:
        """The neuron's activation as written in the pictures (`leaky_relu(0.1)`), or "linear"."""
        neuron = self.neurons[n]
        return naming.op_text(self.order[neuron.out]) if neuron.out != neuron.dot else "linear"

    def activations(self, members: list[int]) -> str:
        """The activations of a layer's neurons, as its frame or box names them ("tanh"; mixed: "linear, tanh")."""
        return ", ".join(sorted({self.activation_text(n) for n in members}))

    def hidden(self, i: int) -> bool:
        """Is node i drawn inside another box (a neuron, a layer, an input vector), not as a box of its own?"""
        return i in self.owner or i in self.absorbed or i in self.in_vector


def _layout(root: Value, group: str, fmt: Callable[[float], str], show_values: bool, show_grad: bool) -> _Layout:
    """Find the neurons of the graph of `root`, their layers and what else gets a box."""
    order, index, names = indexed(root)
    users = _users(order, index)
    net = _Layout(order, index, names, users, _neurons(order, index, users), group, fmt, show_values, show_grad)
    for n, neuron in enumerate(net.neurons):
        net.owner[neuron.dot] = net.owner[neuron.out] = n
    # Weights and biases used by neurons only are written in the neurons' boxes (shared by several samples too).
    net.absorbed = {j for neuron in net.neurons for j in neuron.params if all(u in net.owner for u in users[j])}
    _find_layers(net)
    if group == "layer":
        _group_inputs(net)
    _find_boxless(net)
    return net


def _find_layers(net: _Layout) -> None:
    """Layers: neurons on the same inputs, numbered by where they start in the graph.

    A layer's depth is one more than the deepest layer it reads (the same
    network applied to two samples has two layers of depth 1).
    """
    for n, neuron in enumerate(net.neurons):
        key = tuple(net.source(x, k) for k, x in enumerate(neuron.inputs))
        net.layers.setdefault(key, []).append(n)
    for number, (key, members) in enumerate(net.layers.items(), start=1):
        for position, n in enumerate(members, start=1):
            net.layer_of[n] = (number, position)
        reads = (net.depth[net.layer_of[int(s[1:])][0]] for s in key if s.startswith("n"))
        net.depth[number] = 1 + max(reads, default=0)


def _group_inputs(net: _Layout) -> None:
    """Layer mode: leaves that feed one layer only become one input vector."""
    for key, members in net.layers.items():
        layer = net.layer_of[members[0]][0]
        leaves = [int(s[1:]) for s in key if s.startswith("v") and not net.order[int(s[1:])].parents]
        feeds_only_this_layer = (
            all(u in net.owner and net.layer_of[net.owner[u]][0] == layer for u in net.users[j]) for j in leaves
        )
        if leaves and len(leaves) == len(key) and all(feeds_only_this_layer):
            net.grouped_inputs[layer] = leaves
    net.in_vector = {j: f"x{layer}" for layer, leaves in net.grouped_inputs.items() for j in leaves}


def _find_boxless(net: _Layout) -> None:
    """An unlabelled value used once gets no box (its operation points at its user's), and a chain of such
    one-input operations is one oval."""
    order, users, last = net.order, net.users, len(net.order) - 1
    net.boxless = [
        bool(node.parents)
        and not node.label
        and i != last
        and i not in net.owner
        and len(users[i]) == 1
        and users[i][0] not in net.owner
        for i, node in enumerate(order)
    ]
    net.merged = [net.boxless[i] and len(order[users[i][0]].parents) == 1 for i in range(len(order))]


def _box_count(net: _Layout) -> int:
    """How many boxes the picture has: neurons (or layers and input vectors), constants, other values and the
    ovals of their operations (a chain of one-input operations is one), each a node dot lays out."""
    units = len(net.layers) + len(net.grouped_inputs) if net.group == "layer" else len(net.neurons)
    values = sum(1 for i in range(len(net.order)) if not (net.hidden(i) or net.boxless[i]))
    ovals = sum(1 for i, node in enumerate(net.order) if node.parents and not (net.hidden(i) or net.merged[i]))
    return units + len(net.constants) + values + ovals


def draw_network(
    root: Value,
    *,
    group: str = "neuron",
    show_values: bool = True,
    show_grad: bool = False,
    rankdir: str = "LR",
    number_format="{:.3g}",
    max_boxes: int = 300,
    language: str | None = None,
) -> graphviz.Digraph:
    """The computation graph of `root` with each neuron (or each layer) drawn as one box, small enough to project.

    group="neuron": one box per neuron (its weighted sum z = w·x + b and its
    activation), the weights on the edges from its inputs, each layer framed.
    group="layer": one box per layer, its biases, sums and outputs as vectors,
    one edge per pair of connected layers. show_values=False draws symbols only
    (the network as operations, no numbers); show_grad=True adds the gradients
    (of the neurons' outputs, weights and biases) after `backward()`.
    rankdir and number_format as in `draw_graph`. Graphs without neurons are
    drawn as `draw_graph` would draw them, one box per value. A picture of
    more than `max_boxes` boxes and operation ovals (the loss of a whole
    data set) is refused: draw the loss of one sample. So is a picture that
    Graphviz could not lay out in seconds (`PictureTooLarge`). `language`
    ("de" or "en"; None: the language in force) is that of the words
    drawn ("layer", "neuron").
    """
    who = "draw_network"
    naming.check_root(root, who)
    language = resolve(language, who)
    checks.choice(group, "group", who, ("neuron", "layer"))
    show_values = checks.flag(show_values, "show_values", who)
    show_grad = checks.flag(show_grad, "show_grad", who)
    check_rankdir(rankdir, who)
    fmt = naming.formatter(number_format, who)
    naming.check_count(max_boxes, "max_boxes", who, 1)
    require_graphviz()
    net = _layout(root, group, fmt, show_values, show_grad and show_values)
    net.language = language
    boxes = _box_count(net)
    if boxes > max_boxes:
        raise ValueError(
            f"{who}: the picture of {net.names[-1]!r} would have {boxes} boxes and operations, more than "
            f"max_boxes={max_boxes}; draw the loss of one sample (or pass a larger max_boxes)"
        )
    dot = start_picture("network", rankdir, ("0.12", "0.3"), ("14", "14"))
    dot.summary = (
        f"picture of the network graph of {net.names[-1]!r}: {len(net.neurons)} neurons in {len(net.layers)} layers, "
        f"grouped by {group}"
    )
    for i in range(len(net.order)):
        if not (net.hidden(i) or net.merged[i]):
            _draw_value(dot, net, i)
    _draw_constants(dot, net)
    if group == "neuron":
        _draw_neurons(dot, net, rankdir)
    else:
        _draw_layers(dot, net)
    return check_layout(dot, who, "Draw the loss of one sample, or a smaller part of the graph.")


# ----------------------------------------------------------------------------- values that are no neuron


def _draw_value(dot, net: _Layout, i: int) -> None:
    """Node i as draw_graph draws it (a box and its operation), unless it is boxless; a chain is one oval, or
    the formula in the box when the chain ends in a box of its own (`loss = -sum(log(p)) / 1`)."""
    node = net.order[i]
    chain = [i] if node.parents else []
    while chain and net.merged[net.index[net.order[chain[0]].parents[0]]]:
        chain.insert(0, net.index[net.order[chain[0]].parents[0]])
    named = not net.boxless[i] and len(chain) > 1  # one named box: no oval
    if not net.boxless[i]:
        fill, border = colours(node, i == len(net.order) - 1)
        cells = f"<VR/><TD>data {escape(net.fmt(node.data))}</TD>" if net.show_values else ""
        if net.show_grad:
            cells += f"<VR/><TD>grad {escape(net.fmt(node.grad))}</TD>"
        name = name_html(node, net.names[i]) + (f" = {escape(_chain_formula(net, chain))}" if named else "")
        row = f"<TR><TD>{name}</TD>{cells}</TR>"
        dot.node(f"v{i}", label=_box(row, border, fill), shape="plain")
    if not node.parents:
        return
    if named:
        for parent in net.order[chain[0]].parents:
            dot.edge(net.tail(net.index[parent]), f"v{i}")
        return
    ops = [naming.op_text(net.order[c]) for c in chain]
    text = "\n→ ".join(" → ".join(ops[k : k + 2]) for k in range(0, len(ops), 2))  # two per line
    dot.node(
        f"v{i}_op",
        label=require_graphviz().nohtml(naming.drawable(text)),
        shape="ellipse" if len(chain) == 1 else "box",
        style="solid" if len(chain) == 1 else "rounded",
        fontsize="14",
        margin="0.05,0.02",
        width="0.45",
        height="0.35",
    )
    for parent in net.order[chain[0]].parents:
        dot.edge(net.tail(net.index[parent]), f"v{i}_op")
    if not net.boxless[i]:
        dot.edge(f"v{i}_op", f"v{i}")


def _chain_formula(net: _Layout, chain: list[int]) -> str:
    """A chain of one-input operations written as one formula of its input: `-sum(log(p)) / 1`."""
    names = list(net.names)
    for j in range(len(names)):
        if j in net.owner:  # a neuron's output is named as its box
            names[j] = net.neuron_name(net.owner[j])
    for c in chain:
        names[c] = naming.formula(net.order[c], net.index, names, math=True)
    return names[chain[-1]]


def _draw_constants(dot, net: _Layout) -> None:
    """A box per plain number given to a neuron as an input, named by its position."""
    for (position, number), name in net.constants.items():
        text = f"x{position + 1} = {escape(net.fmt(number))}" if net.show_values else f"x{position + 1}"
        dot.node(
            name,
            label=f"<{text}>",
            shape="box",
            style="rounded,filled",
            fillcolor=STYLE.leaf_fill,
            color=STYLE.leaf_border,
        )


# ----------------------------------------------------------------------------- HTML-like labels


def _row(text: str, colour: str | None = None, bold: bool = False) -> str:
    """One left-aligned row of a neuron's or layer's box."""
    if bold:
        text = f"<B>{text}</B>"
    if colour:
        text = f'<FONT COLOR="{colour}">{text}</FONT>'
    return f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{text}</TD></TR>'


def _box(rows: str, border: str, fill: str) -> str:
    """An HTML-like label: a table of `rows` (<TR> elements) with a coloured border and background."""
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{_PADDING}" COLOR="{border}" '
        f'BGCOLOR="{fill}">{rows}</TABLE>>'
    )


def _unit_box(rows: list[str], is_output: bool) -> str:
    """The box of a neuron or a layer: orange when it gives the output, else teal."""
    border, fill = (STYLE.output_border, STYLE.output_fill) if is_output else (_NEURON_BORDER, _NEURON_FILL)
    return _box("".join(rows), border, fill)


def _wrapped(name: str, numbers: list[float], fmt, per_line: int = 3) -> str:
    """`name [a, b, c, d]` as escaped HTML on lines of at most `per_line` numbers, evenly filled (a long row
    widens the whole picture)."""
    parts = [fmt(x) for x in numbers]
    count = -(-len(parts) // per_line)  # lines needed
    per_line = -(-len(parts) // count) if parts else 1  # the same count of lines, filled evenly
    lines = [", ".join(parts[k : k + per_line]) for k in range(0, len(parts), per_line)]
    return escape(name + "[") + ',<BR ALIGN="LEFT"/>'.join(escape(line) for line in lines) + "]"


def _crimson(text: str) -> str:
    return f'<FONT COLOR="{STYLE.active}">{escape(text)}</FONT>'


# ----------------------------------------------------------------------------- group="neuron"


def _draw_neurons(dot, net: _Layout, rankdir: str) -> None:
    """One box per neuron inside a frame per layer; each input edge carries its weight."""
    for number, members in enumerate(net.layers.values(), start=1):
        with dot.subgraph(name=f"cluster_layer{number}") as cluster:
            cluster.attr(
                label=_("layer {number}: {count} × {activation}", net.language).format(
                    number=net.depth[number], count=len(members), activation=net.activations(members)
                ),
                labeljust="l",
                style="dashed",
                color=STYLE.grey,
                fontcolor=STYLE.ink,
                fontsize="15",
            )
            for n in members:
                cluster.node(f"n{n}", label=_neuron_box(net, n), shape="plain")
            if len(members) > 1:  # keep the neurons in their order, top to bottom
                chain = " -> ".join(f"n{n}" for n in reversed(members))  # dot stacks a same-rank chain upwards
                cluster.body.append("{rank=same; " + chain + " [style=invis]}")
    side = {"LR": "w", "TB": "n", "RL": "e", "BT": "s"}[rankdir]
    for n, neuron in enumerate(net.neurons):
        for k, x in enumerate(neuron.inputs):  # into the box's near side, not across its layer's label
            dot.edge(net.source(x, k), f"n{n}", headport=side)


def _neuron_box(net: _Layout, n: int) -> str:
    """The neuron's name, z = w·x + b and h = act(z), one per row; with values, also its bias and weights."""
    neuron, fmt = net.neurons[n], net.fmt
    out, bias, weights = net.order[neuron.out], neuron.bias, neuron.weights
    act = escape(net.activation_text(n))
    name = f"<B>{escape(net.neuron_name(n))}</B>"
    z, h = "z = w·x + b", (f"h = {act}(z)" if act != "linear" else "h = z (linear)")
    rows = []
    if net.show_values:
        name += f"   b = {escape(fmt(bias.data))}" + (_crimson(f" grad {fmt(bias.grad)}") if net.show_grad else "")
        z += f" = {escape(fmt(net.order[neuron.dot].data))}"
        h += f" = {escape(fmt(out.data))}" + (_crimson(f"  grad {fmt(out.grad)}") if net.show_grad else "")
        per_line = 2 if len(weights) > 3 else 3
        rows.append(_wrapped("w = ", [w.data for w in weights], fmt, per_line))
        if net.show_grad:
            grads = _wrapped("grad w ", [w.grad for w in weights], fmt, per_line)
            rows.append(f'<FONT COLOR="{STYLE.active}">{grads}</FONT>')
    return _unit_box([_row(text) for text in (name, z, h, *rows)], neuron.out == len(net.order) - 1)


# ----------------------------------------------------------------------------- group="layer"


def _draw_layers(dot, net: _Layout) -> None:
    """One box per layer, its numbers as vectors; one edge per pair of connected layers, named by its weights."""
    for layer, leaves in net.grouped_inputs.items():
        rows = [_row("x = [" + ", ".join(escape(net.names[j]) for j in leaves) + "]", bold=True)]
        if net.show_values:
            rows.append(_row(_wrapped("= ", [net.order[j].data for j in leaves], net.fmt, 4)))
        if net.show_grad:
            rows.append(_row(_wrapped("grad ", [net.order[j].grad for j in leaves], net.fmt, 4), STYLE.active))
        dot.node(f"x{layer}", label=_box("".join(rows), STYLE.leaf_border, STYLE.leaf_fill), shape="plain")
    for key, members in net.layers.items():
        number = net.layer_of[members[0]][0]
        is_output = any(net.neurons[n].out == len(net.order) - 1 for n in members)
        dot.node(f"L{number}", label=_unit_box(_layer_rows(net, number, members), is_output), shape="plain")
        tails = []
        for name in key:
            if number in net.grouped_inputs:
                name = f"x{number}"
            elif name.startswith("n"):
                name = f"L{net.layer_of[int(name[1:])][0]}"
            if name not in tails:
                tails.append(name)
        for tail in tails:
            dot.edge(tail, f"L{number}", label=f" W{net.depth[number]} ")


def _layer_rows(net: _Layout, number: int, members: list[int]) -> list[str]:
    """The rows of a layer's box: its size and activation, h = act(W x + b), and its vectors b, z, h (grad h)."""
    act = net.activations(members)
    width = len(net.neurons[members[0]].weights)
    title = _("layer {number}: {count} × {activation}", net.language)
    rows = [_row(escape(title.format(number=net.depth[number], count=len(members), activation=act)), bold=True)]
    rows.append(
        _row(
            f"h = {escape(act)}(W x + b), W {len(members)}×{width}"
            if act != "linear"
            else f"h = W x + b, W {len(members)}×{width}"
        )
    )
    if net.show_values:
        rows.append(_row(_wrapped("b = ", [net.neurons[n].bias.data for n in members], net.fmt, 4)))
        rows.append(_row(_wrapped("z = ", [net.order[net.neurons[n].dot].data for n in members], net.fmt, 4)))
        rows.append(_row(_wrapped("h = ", [net.order[net.neurons[n].out].data for n in members], net.fmt, 4)))
    if net.show_grad:
        grads = [net.order[net.neurons[n].out].grad for n in members]
        rows.append(_row(_wrapped("grad h ", grads, net.fmt, 4), STYLE.active))
    return rows
