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

from typing import TYPE_CHECKING

from autograd.core import checks
from autograd.core.graph import topological_order
from autograd.core.value import Value
from autograd.pictures import naming
from autograd.pictures.graphs import (
    _ACTIVE,
    _FONT,
    _GREY,
    _LEAF_BORDER,
    _LEAF_FILL,
    _OUTPUT_BORDER,
    _OUTPUT_FILL,
    _colours,
    _escape,
    _GraphPicture,
    _graphviz,
    _name_html,
)

if TYPE_CHECKING:  # for the annotations only
    import graphviz

__all__ = ["draw_network"]

# Operations nn's activations record on a neuron's weighted sum (linear records none).
ACTIVATION_OPS = {"tanh", "sigmoid", "relu", "leaky_relu", "elu", "gelu", "softplus", "hardtanh", "step", "sin", "cos"}
_NEURON_FILL, _NEURON_BORDER = "#e6fcf5", "#0c8599"
_PADDING = 2  # points around the text of a cell


def _neurons(order: list[Value], index: dict, users: list[list[int]]) -> list[dict]:
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
        if len(after) == 1 and after[0].op in ACTIVATION_OPS and after[0].parents[0] is node:
            if all(not p.parents for p in after[0].parents[1:]):  # prelu's alpha is a leaf too
                out = index[after[0]]
        parameters = [index[p] for p in [*weights, bias, *order[out].parents[1:]]]
        found.append({"dot": i, "out": out, "weights": weights, "inputs": inputs, "bias": bias, "params": parameters})
    return found


def _row(text: str, colour: str | None = None, bold: bool = False) -> str:
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


def _table(rows: list[str], border: str, fill: str) -> str:
    return _box("".join(rows), border, fill)


def draw_network(
    root: Value,
    *,
    group: str = "neuron",
    show_values: bool = True,
    show_grad: bool = False,
    rankdir: str = "LR",
    number_format="{:.3g}",
    max_boxes: int = 300,
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
    more than `max_boxes` boxes (the loss of a whole data set) is refused:
    draw the loss of one sample.
    """
    who = "draw_network"
    naming.check_root(root, who)
    if group not in ("neuron", "layer"):
        raise ValueError(
            f"{who}: group must be 'neuron' (one box per neuron) or 'layer' (one per layer), not {group!r}"
        )
    show_values = checks.flag(show_values, "show_values", who)
    show_grad = checks.flag(show_grad, "show_grad", who)
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"{who}: rankdir must be 'LR' (left to right) or 'TB' (top to bottom), not {rankdir!r}")
    fmt = naming.formatter(number_format, who)
    naming.check_count(max_boxes, "max_boxes", who, 1)
    show_grad = show_grad and show_values
    graphviz = _graphviz()
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    names = naming.drawn_names(order)
    users: list[list[int]] = [[] for _ in order]
    for i, node in enumerate(order):
        for parent in node.parents:
            if not users[index[parent]] or users[index[parent]][-1] != i:
                users[index[parent]].append(i)
    neurons = _neurons(order, index, users)
    owner = {}  # node index -> the neuron it is folded into
    for n, neuron in enumerate(neurons):
        owner[neuron["dot"]] = owner[neuron["out"]] = n
    # Weights and biases used by neurons only are written in the neurons' boxes (shared by several samples too).
    absorbed = {j for neuron in neurons for j in neuron["params"] if all(u in owner for u in users[j])}

    # Constant inputs (plain numbers given to a neuron) get a box of their own, one per position and value.
    constants: dict[tuple[int, float], str] = {}

    def source(item, position: int) -> str:
        if isinstance(item, Value):
            j = index[item]
            return f"n{owner[j]}" if j in owner else f"v{j}"
        return constants.setdefault((position, item), f"c{len(constants)}")

    # Layers: neurons on the same inputs, numbered by where they start in the graph; a layer's depth is one more
    # than the deepest layer it reads (the same network applied to two samples has two layers of depth 1).
    layers: dict[tuple, list[int]] = {}
    for n, neuron in enumerate(neurons):
        key = tuple(source(x, k) for k, x in enumerate(neuron["inputs"]))
        layers.setdefault(key, []).append(n)
    layer_of, depth = {}, {}
    for number, (key, members) in enumerate(layers.items(), start=1):
        for position, n in enumerate(members, start=1):
            layer_of[n] = (number, position)
        depth[number] = 1 + max((depth[layer_of[int(s[1:])][0]] for s in key if s.startswith("n")), default=0)

    dot = _GraphPicture()(name="network", format="svg")
    dot.summary = (
        f"picture of the network graph of {names[-1]!r}: {len(neurons)} neurons in {len(layers)} layers, "
        f"grouped by {group}"
    )
    dot.attr(rankdir=rankdir, ordering="in", fontname=_FONT, fontsize="16", bgcolor="white")
    dot.attr(nodesep="0.12", ranksep="0.3")
    dot.attr("node", fontname=_FONT, fontsize="14")
    dot.attr("edge", fontname=_FONT, fontsize="14", color="#555555", arrowsize="0.8")

    def neuron_name(n: int) -> str:
        out = order[neurons[n]["out"]]
        layer, position = layer_of[n]
        return names[neurons[n]["out"]] if out.label else f"neuron {position}"

    def activation(n: int) -> str:
        neuron = neurons[n]
        return naming.op_text(order[neuron["out"]]) if neuron["out"] != neuron["dot"] else "linear"

    # Layer mode: leaves that feed one layer only become one input vector.
    grouped_inputs: dict[int, list[int]] = {}  # layer number -> leaf indices
    if group == "layer":
        for key, members in layers.items():
            layer = layer_of[members[0]][0]
            leaves = [int(s[1:]) for s in key if s.startswith("v") and not order[int(s[1:])].parents]
            if (
                leaves
                and len(leaves) == len(key)
                and all(all(u in owner and layer_of[owner[u]][0] == layer for u in users[j]) for j in leaves)
            ):
                grouped_inputs[layer] = leaves
    in_vector = {j: f"x{layer}" for layer, leaves in grouped_inputs.items() for j in leaves}

    # Value boxes and operation nodes for everything that is no neuron. An unlabelled value used once gets
    # no box (its operation points at its user's), and a chain of such one-input operations is one oval.
    last = len(order) - 1
    boxless = [
        bool(node.parents)
        and not node.label
        and i != last
        and i not in owner
        and len(users[i]) == 1
        and users[i][0] not in owner
        for i, node in enumerate(order)
    ]
    merged = [boxless[i] and len(order[users[i][0]].parents) == 1 for i in range(len(order))]
    units = len(layers) + len(grouped_inputs) if group == "layer" else len(neurons)
    boxes = (
        units
        + len(constants)
        + sum(1 for i in range(len(order)) if not (i in owner or i in absorbed or i in in_vector or boxless[i]))
    )
    if boxes > max_boxes:
        raise ValueError(
            f"{who}: the picture of {names[-1]!r} would have {boxes} boxes, more than max_boxes={max_boxes}; "
            "draw the loss of one sample (or pass a larger max_boxes)"
        )

    def tail(j: int) -> str:
        if j in owner:
            return f"L{layer_of[owner[j]][0]}" if group == "layer" else f"n{owner[j]}"
        if j in in_vector:
            return in_vector[j]
        return f"v{j}_op" if boxless[j] else f"v{j}"

    for i, node in enumerate(order):
        if i in owner or i in absorbed or i in in_vector or merged[i]:
            continue
        if not boxless[i]:
            fill, border = _colours(node, i == last)
            name = _name_html(node, names[i])
            cells = f"<VR/><TD>data {_escape(fmt(node.data))}</TD>" if show_values else ""
            if show_grad:
                cells += f"<VR/><TD>grad {_escape(fmt(node.grad))}</TD>"
            dot.node(f"v{i}", label=_box(f"<TR><TD>{name}</TD>{cells}</TR>", border, fill), shape="plain")
        if not node.parents:
            continue
        chain = [i]
        while merged[index[order[chain[0]].parents[0]]]:
            chain.insert(0, index[order[chain[0]].parents[0]])
        ops = [naming.op_text(order[c]) for c in chain]
        text = "\n→ ".join(" → ".join(ops[k : k + 2]) for k in range(0, len(ops), 2))  # two per line
        dot.node(
            f"v{i}_op",
            label=graphviz.nohtml(naming.drawable(text)),
            shape="ellipse" if len(chain) == 1 else "box",
            style="solid" if len(chain) == 1 else "rounded",
            fontsize="14",
            margin="0.05,0.02",
            width="0.45",
            height="0.35",
        )
        for parent in order[chain[0]].parents:
            dot.edge(tail(index[parent]), f"v{i}_op")
        if not boxless[i]:
            dot.edge(f"v{i}_op", f"v{i}")
    for (position, number), name in constants.items():
        text = f"x{position + 1} = {_escape(fmt(number))}" if show_values else f"x{position + 1}"
        dot.node(name, label=f"<{text}>", shape="box", style="rounded,filled", fillcolor=_LEAF_FILL, color=_LEAF_BORDER)

    if group == "neuron":
        _draw_neurons(
            dot,
            order,
            index,
            neurons,
            layers,
            layer_of,
            depth,
            neuron_name,
            activation,
            source,
            names,
            fmt,
            show_values,
            show_grad,
        )
    else:
        _draw_layers(
            dot,
            order,
            neurons,
            layers,
            layer_of,
            depth,
            activation,
            source,
            grouped_inputs,
            names,
            fmt,
            show_values,
            show_grad,
        )
    return dot


def _draw_neurons(
    dot,
    order,
    index,
    neurons,
    layers,
    layer_of,
    depth,
    neuron_name,
    activation,
    source,
    names,
    fmt,
    show_values,
    show_grad,
):
    """One box per neuron inside a frame per layer; each input edge carries its weight."""
    for number, members in enumerate(layers.values(), start=1):
        kinds = sorted({activation(n) for n in members})
        with dot.subgraph(name=f"cluster_layer{number}") as cluster:
            cluster.attr(
                label=f"layer {depth[number]}: {len(members)} × {', '.join(kinds)}",
                labeljust="l",
                style="dashed",
                color=_GREY,
                fontcolor="#555555",
                fontsize="15",
            )
            for n in members:
                cluster.node(
                    f"n{n}",
                    label=_neuron_box(n, neurons, order, neuron_name, activation, fmt, show_values, show_grad),
                    shape="plain",
                )
            if len(members) > 1:  # keep the neurons in their order, top to bottom
                chain = " -> ".join(f"n{n}" for n in reversed(members))  # dot stacks a same-rank chain upwards
                cluster.body.append("{rank=same; " + chain + " [style=invis]}")
    for n, neuron in enumerate(neurons):
        for k, x in enumerate(neuron["inputs"]):
            dot.edge(source(x, k), f"n{n}")


def _neuron_box(n, neurons, order, neuron_name, activation, fmt, show_values, show_grad) -> str:
    """The neuron's name, z = w·x + b and h = act(z), one per row; with values, also its bias and weights."""
    neuron = neurons[n]
    out, bias, weights = order[neuron["out"]], neuron["bias"], neuron["weights"]
    act = _escape(activation(n))
    name = f"<B>{_escape(neuron_name(n))}</B>"
    z, h = "z = w·x + b", (f"h = {act}(z)" if act != "linear" else "h = z (linear)")
    rows = []
    if show_values:
        name += f"   b = {_escape(fmt(bias.data))}" + (_crimson(f" grad {fmt(bias.grad)}") if show_grad else "")
        z += f" = {_escape(fmt(order[neuron['dot']].data))}"
        h += f" = {_escape(fmt(out.data))}" + (_crimson(f"  grad {fmt(out.grad)}") if show_grad else "")
        rows.append(_wrapped("w = ", [w.data for w in weights], fmt, 2 if len(weights) > 3 else 3))
        if show_grad:
            grads = _wrapped("grad w ", [w.grad for w in weights], fmt, 2 if len(weights) > 3 else 3)
            rows.append(f'<FONT COLOR="{_ACTIVE}">{grads}</FONT>')
    last = neuron["out"] == len(order) - 1
    fill, border = (_OUTPUT_FILL, _OUTPUT_BORDER) if last else (_NEURON_FILL, _NEURON_BORDER)
    return _table([_row(text) for text in (name, z, h, *rows)], border, fill)


def _wrapped(name: str, numbers: list[float], fmt, per_line: int = 3) -> str:
    """`name [a, b, c, d]` as escaped HTML on lines of at most `per_line` numbers, evenly filled (a long row
    widens the whole picture)."""
    parts = [fmt(x) for x in numbers]
    count = -(-len(parts) // per_line)  # lines needed
    per_line = -(-len(parts) // count) if parts else 1  # the same count of lines, filled evenly
    lines = [", ".join(parts[k : k + per_line]) for k in range(0, len(parts), per_line)]
    return _escape(name + "[") + ',<BR ALIGN="LEFT"/>'.join(_escape(line) for line in lines) + "]"


def _crimson(text: str) -> str:
    return f'<FONT COLOR="{_ACTIVE}">{_escape(text)}</FONT>'


def _draw_layers(
    dot,
    order,
    neurons,
    layers,
    layer_of,
    depth,
    activation,
    source,
    grouped_inputs,
    names,
    fmt,
    show_values,
    show_grad,
):
    """One box per layer, its numbers as vectors; one edge per pair of connected layers, named by its weights."""
    for layer, leaves in grouped_inputs.items():
        rows = [_row("x = [" + ", ".join(_escape(names[j]) for j in leaves) + "]", bold=True)]
        if show_values:
            rows.append(_row(_wrapped("= ", [order[j].data for j in leaves], fmt, 4)))
        if show_grad:
            rows.append(_row(_wrapped("grad ", [order[j].grad for j in leaves], fmt, 4), _ACTIVE))
        dot.node(f"x{layer}", label=_table(rows, _LEAF_BORDER, _LEAF_FILL), shape="plain")
    layer_index = {}
    for key, members in layers.items():
        number = layer_of[members[0]][0]
        layer_index[number] = key
        kinds = sorted({activation(n) for n in members})
        act = ", ".join(kinds)
        width = len(neurons[members[0]]["weights"])
        rows = [_row(f"layer {depth[number]}: {len(members)} × {_escape(act)}", bold=True)]
        rows.append(
            _row(
                f"h = {_escape(act)}(W x + b), W {len(members)}×{width}"
                if act != "linear"
                else f"h = W x + b, W {len(members)}×{width}"
            )
        )
        if show_values:
            rows.append(_row(_wrapped("b = ", [neurons[n]["bias"].data for n in members], fmt, 4)))
            rows.append(_row(_wrapped("z = ", [order[neurons[n]["dot"]].data for n in members], fmt, 4)))
            rows.append(_row(_wrapped("h = ", [order[neurons[n]["out"]].data for n in members], fmt, 4)))
        if show_grad:
            rows.append(_row(_wrapped("grad h ", [order[neurons[n]["out"]].grad for n in members], fmt, 4), _ACTIVE))
        last = any(neurons[n]["out"] == len(order) - 1 for n in members)
        fill, border = (_OUTPUT_FILL, _OUTPUT_BORDER) if last else (_NEURON_FILL, _NEURON_BORDER)
        dot.node(f"L{number}", label=_table(rows, border, fill), shape="plain")
        tails = []
        for name in key:
            if number in grouped_inputs:
                name = f"x{number}"
            elif name.startswith("n"):
                name = f"L{layer_of[int(name[1:])][0]}"
            if name not in tails:
                tails.append(name)
        for tail in tails:
            dot.edge(tail, f"L{number}", label=f" W{depth[number]} ")
