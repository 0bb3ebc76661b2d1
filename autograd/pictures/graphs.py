"""Pictures of the computation graph: `draw_graph` builds one, `save_graph` writes it to a file.

* `draw_graph(root)` returns a `graphviz.Digraph`: one box per `Value`
  (label | data | grad) and one small node per operation between its inputs
  and its output. In Jupyter it displays itself as SVG.
* `save_graph(graph, "graph.svg")` writes SVG, PNG or PDF and the DOT source
  (`graph.gv`) beside it.

An operation node shows the constants and parameters the node recorded
(`* 0.5`, `2 -`, `hardtanh(-2, 2)`, `leaky_relu(0.1)`), read from
`node.operands`. Nodes are named by their position in `topological_order`
(inputs in the order they were written), so the same expression gives the
same DOT text on every run. The `graphviz` package is imported only when a
picture is made: `import autograd` works without it.
"""

from __future__ import annotations

import html
import textwrap
import warnings
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from autograd.core import checks
from autograd.core.graph import topological_order
from autograd.core.value import Value
from autograd.pictures import naming

if TYPE_CHECKING:  # for the annotations only; pictures import it when they are made
    import graphviz

__all__ = ["draw_graph", "save_graph", "GraphvizNotInstalled"]

# Colours: blue leaves (inputs, parameters), grey intermediates, orange output,
# crimson for what the step frames are doing right now.
_FONT = "Helvetica,Arial,sans-serif"
_LEAF_FILL, _LEAF_BORDER = "#d0e6ff", "#2f6db3"
_INNER_FILL, _INNER_BORDER = "#f4f4f4", "#7a7a7a"
_OUTPUT_FILL, _OUTPUT_BORDER = "#ffd8a8", "#d9480f"
_HIGHLIGHT_FILL, _HIGHLIGHT_BORDER = "#fff3bf", "#c2255c"
_GREY = "#9a9a9a"
_TITLE_WIDTH = 100  # characters per line of a frame's title
_ACTIVE = "#c2255c"


def _colours(node, is_output: bool) -> tuple[str, str]:
    """(fill, border) of a node's box: orange output, grey intermediate, blue leaf."""
    if is_output:
        return _OUTPUT_FILL, _OUTPUT_BORDER
    return (_INNER_FILL, _INNER_BORDER) if node.parents else (_LEAF_FILL, _LEAF_BORDER)


def _name_html(node, name: str) -> str:
    """A node's name in its box: bold for a label, grey italics for a made-up v<i>."""
    return f"<B>{_escape(name)}</B>" if node.label else f'<FONT COLOR="{_GREY}"><I>{name}</I></FONT>'


_INSTALL_HINT = (
    "Install Graphviz (the program, not only the Python package) and make sure `dot` is on PATH:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  Windows:        the installer from https://graphviz.org/download/ (tick 'add Graphviz to the system PATH')\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "then restart Python (or the Jupyter kernel)."
)

_PACKAGE_HINT = (
    "the graphviz Python package is not installed; install it with `pip install graphviz` "
    "(and Graphviz's `dot` program to render pictures: `sudo apt-get install graphviz`, `brew install graphviz`, "
    "or https://graphviz.org/download/)"
)

_FORMATS = ("svg", "png", "pdf")
DPI_RANGE = (24, 600)  # dots per inch save_graph accepts: a thumbnail to print quality


class GraphvizNotInstalled(RuntimeError):
    """Pictures need the `graphviz` Python package and Graphviz's `dot` program; one of them is missing."""


def _graphviz():
    """The `graphviz` module, imported when the first picture is made."""
    try:
        import graphviz
    except ImportError:
        raise GraphvizNotInstalled(_PACKAGE_HINT) from None
    return graphviz


_picture_class = None


def _GraphPicture():
    """A `graphviz.Digraph` subclass whose Jupyter display says how to install Graphviz when `dot` is missing."""
    global _picture_class
    if _picture_class is None:
        graphviz = _graphviz()

        class GraphPicture(graphviz.Digraph):
            summary = "a picture of a computation graph"

            def __repr__(self) -> str:
                return f"<{self.summary}: save_graph(picture, 'graph.svg') writes it; Jupyter shows it>"

            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
                try:
                    return super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
                except graphviz.ExecutableNotFound:
                    raise GraphvizNotInstalled(
                        "cannot display the graph: Graphviz's `dot` program was not found.\n" + _INSTALL_HINT
                    ) from None

        _picture_class = GraphPicture
    return _picture_class


def _escape(text: str) -> str:
    """Text for a Graphviz HTML-like label: entities escaped, newlines as line breaks, undrawable characters �."""
    text = naming.drawable(str(text)).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(ch if ch == "\n" or ch >= " " else " " for ch in text)  # other control characters
    return "<BR/>".join(html.escape(line, quote=True) for line in text.split("\n"))


def _kept_nodes(order: list[Value], index: dict, max_nodes) -> tuple[list[bool], int]:
    """Which nodes to draw: all, or the `max_nodes` nearest the root (breadth first through the parents)."""
    n = len(order)
    if max_nodes is None or n <= max_nodes:
        return [True] * n, 0
    keep = [False] * n
    queue = deque([order[-1]])
    keep[n - 1] = True
    count = 1
    while queue and count < max_nodes:
        node = queue.popleft()
        for parent in node.parents:
            j = index[parent]
            if not keep[j]:
                keep[j] = True
                count += 1
                queue.append(parent)
                if count >= max_nodes:
                    break
    return keep, n - count


def _box_label(name_html: str, cells: list[tuple[str, str]], border: str, fill: str, thick: bool) -> str:
    """The HTML-like label of a value's box: name | data | grad, cells already escaped."""
    tds = "".join(f"<VR/><TD{attrs}>{content}</TD>" for content, attrs in cells)
    return (
        f'<<TABLE BORDER="{3 if thick else 1}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="7" '
        f'COLOR="{border}" BGCOLOR="{fill}"><TR><TD>{name_html}</TD>{tds}</TR></TABLE>>'
    )


def _render(
    root: Value,
    *,
    who: str,
    rankdir: str,
    show_grad: bool,
    show_local_grads: bool,
    number_format,
    max_nodes,
    highlight,
    frame: dict | None = None,
) -> graphviz.Digraph:
    """Build the picture; a `frame` (from `autograd.steps`) overrides the numbers, highlights and edge labels.

    A frame holds, per node in topological order, `numbers` and `state`
    ("none": not computed yet, "partial": more to come, "final", "zero": does
    not depend on the variable), the name of its number cell (`cell`: "grad",
    "d/da"), the `active` node, the node whose input edges carry `notes`
    (`step`), the nodes whose number just `changed`, and a `title`. Lecture
    frames add `data_state` per node ("known", "new", "unknown": the value
    is not reached yet), `edge_notes` {(node, input position): text} for edges
    of other nodes than `step`, and `hide` (unknown numbers read "?"; else
    they are drawn in grey).
    """
    naming.check_root(root, who)
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"{who}: rankdir must be 'LR' (left to right) or 'TB' (top to bottom), not {rankdir!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1):
        raise ValueError(f"{who}: max_nodes must be a positive int or None, not {max_nodes!r}")
    show_grad = checks.flag(show_grad, "show_grad", who)
    show_local_grads = checks.flag(show_local_grads, "show_local_grads", who)
    fmt = naming.formatter(number_format, who)
    graphviz = _graphviz()
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    names = naming.drawn_names(order)

    highlighted: set[int] = set()
    if highlight is not None:
        if not isinstance(highlight, Value | Iterable) or isinstance(highlight, str):
            raise TypeError(f"{who}: highlight must be a Value or a list of Values, not {checks.shown(highlight)}")
        items = [highlight] if isinstance(highlight, Value) else list(highlight)
        for item in items:
            if not isinstance(item, Value):
                raise TypeError(f"{who}: highlight must be a Value or Values, not {checks.shown(item)}")
            if item not in index:
                raise ValueError(f"{who}: highlighted {item!r} is not in the graph of the root")
            highlighted.add(index[item])

    keep, hidden = _kept_nodes(order, index, max_nodes)
    if hidden:
        warnings.warn(
            f"{who}: the graph has {len(order)} values, more than max_nodes={max_nodes}; drawing only the "
            f"{len(order) - hidden} nearest to the output and summarising the other {hidden} in one grey "
            f"'not drawn' node. Pass a larger max_nodes (or None, slow for big graphs) to draw more.",
            stacklevel=3,
        )

    dot = _GraphPicture()(name="autograd", format="svg")
    operations = sum(1 for node in order if node.parents)
    dot.summary = (
        f"picture of the graph of {names[-1]!r}: {len(order)} value{'s' * (len(order) != 1)}, "
        f"{operations} operation{'s' * (operations != 1)}"
    )
    dot.attr(rankdir=rankdir, ordering="in", fontname=_FONT, fontsize="16", bgcolor="white")
    dot.attr(nodesep="0.25", ranksep="0.45" if rankdir in ("LR", "RL") else "0.3")  # top to bottom: ops between
    dot.attr("node", fontname=_FONT, fontsize="16")
    dot.attr("edge", fontname=_FONT, fontsize="13", color="#555555", arrowsize="0.8")
    if frame is not None and frame.get("title"):
        lines = textwrap.wrap(frame["title"], _TITLE_WIDTH, break_on_hyphens=False) or [""]
        title = '<BR ALIGN="LEFT"/>'.join(_escape(line) for line in lines) + '<BR ALIGN="LEFT"/>'
        dot.attr(label=f"<<B>{title}</B>>", labelloc="t", labeljust="l", fontsize="18")

    last = len(order) - 1
    for i, node in enumerate(order):
        if not keep[i]:
            continue
        fill, border = _colours(node, i == last)
        thick = i in highlighted or (frame is not None and frame["active"] == i)
        if thick:
            fill, border = _HIGHLIGHT_FILL, _HIGHLIGHT_BORDER
        name_html = _name_html(node, names[i])
        cells = [(f"data {_escape(fmt(node.data))}", "")]
        hide = frame is None or frame.get("hide", True)
        if frame is not None and "data_state" in frame:
            data_state = frame["data_state"][i]
            if data_state == "new":
                cells = [(f'<FONT COLOR="{_ACTIVE}"><B>{cells[0][0]}</B></FONT>', "")]
            elif data_state == "unknown":
                cells = [(f'<FONT COLOR="{_GREY}">{"data ?" if hide else cells[0][0]}</FONT>', "")]
        if frame is not None:
            state, number, cell = frame["state"][i], frame["numbers"][i], _escape(frame["cell"])
            if state == "none":
                shown = "?" if hide else _escape(fmt(number))
                cells.append((f'<FONT COLOR="{_GREY}">{cell} {shown}</FONT>', ""))
            else:
                text = f"{cell} {_escape(fmt(number))}" + (" (so far)" if state == "partial" else "")
                if i in frame["changed"] or frame["active"] == i:
                    text = f'<FONT COLOR="{_ACTIVE}"><B>{text}</B></FONT>'
                elif state in ("partial", "zero"):
                    text = f'<FONT COLOR="{_GREY}">{text}</FONT>'
                cells.append((text, ""))
        elif show_grad:
            cells.append((f"grad {_escape(fmt(node.grad))}", ""))
        dot.node(f"v{i}", label=_box_label(name_html, cells, border, fill, thick), shape="plain")

    if hidden:
        dot.node(
            "not_drawn",
            label=graphviz.nohtml(f"{hidden} more values\nnot drawn\n(max_nodes={max_nodes})"),
            shape="box",
            style="dashed,rounded",
            color=_GREY,
            fontcolor=_GREY,
        )

    for i, node in enumerate(order):
        if not keep[i] or not node.parents:
            continue
        op_name = f"v{i}_op"
        active = frame is not None and frame.get("step") == i
        dot.node(
            op_name,
            label=graphviz.nohtml(naming.drawable(naming.op_text(node))),
            shape="ellipse",
            style="filled",
            fillcolor="white",
            color=_ACTIVE if active else "#555555",
            penwidth="2.5" if active else "1",
            fontsize="15",
            margin="0.05,0.02",
            width="0.45",
            height="0.35",
        )
        missing = False
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            j = index[parent]
            if not keep[j]:
                missing = True
                continue
            attrs = {}
            note = frame["notes"].get(k) if active else frame.get("edge_notes", {}).get((i, k)) if frame else None
            if active or note:
                attrs = {"color": _ACTIVE, "fontcolor": _ACTIVE, "penwidth": "2.5", "fontsize": "15"}
                if note:
                    attrs["label"] = f" {note} "
            elif show_local_grads:
                attrs = {"label": f" local {fmt(local)} ", "fontcolor": "#1c7ed6"}
            dot.edge(f"v{j}", op_name, **{key: graphviz.nohtml(naming.drawable(v)) for key, v in attrs.items()})
        if missing:
            dot.edge("not_drawn", op_name, style="dashed", color=_GREY)
        dot.edge(op_name, f"v{i}", color=_ACTIVE if active else "#555555", penwidth="2.5" if active else "1")
    return dot


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grads: bool = False,
    number_format="{:.4g}",
    max_nodes: int | None = 500,
    highlight=None,
) -> graphviz.Digraph:
    """The computation graph of `root` as a `graphviz.Digraph` (shown inline as SVG in Jupyter).

    One box per value (label | data | grad) and one small node per operation
    between its inputs and its output. Leaves (inputs, parameters) are blue,
    intermediate values grey, the output orange; `highlight` (a Value or some
    Values) draws those boxes yellow with a thick crimson border.

    rankdir: "LR" left to right, "TB" top to bottom. show_grad=False hides
    the gradients (before `backward()` they are all zero). show_local_grads
    writes on each input edge the local derivative d(out)/d(input) the
    backward pass multiplies by. number_format: a format string or a callable.
    Graphs with more than `max_nodes` values are cut to the `max_nodes` values
    nearest the output, with a warning; `max_nodes=None` draws everything.
    """
    return _render(
        root,
        who="draw_graph",
        rankdir=rankdir,
        show_grad=show_grad,
        show_local_grads=show_local_grads,
        number_format=number_format,
        max_nodes=max_nodes,
        highlight=highlight,
    )


# ----------------------------------------------------------------------------- saving


def _not_installed(what: str) -> GraphvizNotInstalled:
    return GraphvizNotInstalled(f"{what}: Graphviz's `dot` program was not found.\n{_INSTALL_HINT}")


def save_graph(graph: graphviz.Digraph, path, *, dpi: int | None = 144) -> Path:
    """Render `graph` to `path` (format from the suffix: .svg .png .pdf) and write its DOT source beside it.

    `picture.svg` also gets `picture.gv`. The source is written first, so it
    exists even when Graphviz's `dot` program is missing; rendering then
    raises `GraphvizNotInstalled` saying how to install it. `dpi` sets the
    resolution of PNG files: a number from 24 to 600 (`DPI_RANGE`), 144 by
    default (sharp on projectors and high-density screens), or None for
    Graphviz's own 96. Characters no picture can hold (lone surrogates,
    noncharacters such as U+FFFE) are written as U+FFFD, in the source too.
    Returns the path of the image.
    """
    graphviz = _graphviz()
    if not isinstance(graph, graphviz.Graph | graphviz.Digraph):
        raise TypeError(f"save_graph needs a graphviz.Digraph (from draw_graph), not {type(graph).__name__}")
    low, high = DPI_RANGE
    if dpi is not None and (not isinstance(dpi, int | float) or isinstance(dpi, bool)):
        raise TypeError(f"save_graph: dpi must be a number of dots per inch or None, not {type(dpi).__name__} {dpi!r}")
    if dpi is not None and not low <= dpi <= high:
        raise ValueError(f"save_graph: dpi must lie between {low} and {high} dots per inch (or be None), not {dpi!r}")
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise ValueError(f"save_graph: cannot tell the format from {str(path)!r}; end the path in .svg, .png or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    source = graph.source
    to_render = graph
    if naming.drawable(source) != source:  # a graph built by hand (draw_graph's labels are drawable already)
        to_render = graph.copy()
        to_render.body[:] = [naming.drawable(line) for line in to_render.body]
        for attrs in (to_render.graph_attr, to_render.node_attr, to_render.edge_attr):
            attrs.update({key: naming.drawable(value) for key, value in attrs.items()})
        source = to_render.source
    path.with_suffix(".gv").write_text(naming.drawable(source), encoding="utf-8")
    if fmt == "png" and dpi is not None and "dpi" not in graph.graph_attr:
        to_render = to_render.copy()
        to_render.attr(dpi=f"{dpi:g}")
    try:
        data = to_render.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        source = path.with_suffix(".gv")
        raise _not_installed(
            f"save_graph could not render {str(path)!r} (its DOT source is in {str(source)!r})"
        ) from None
    path.write_bytes(data)
    return path
