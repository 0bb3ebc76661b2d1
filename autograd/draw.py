"""Pictures of the computation graph: draw it, save it, step through the backward pass, explain the chain rule.

* `draw_graph(root)` returns a `graphviz.Digraph`: one box per `Value`
  (label | data | grad) and one small node per operation between its inputs
  and its output. In Jupyter it displays itself as SVG.
* `save_graph(graph, "graph.svg")` writes SVG, PNG or PDF and the DOT source
  (`graph.gv`) beside it.
* `backward_steps(root)` replays the backward pass one node at a time and
  draws a frame per step; `save_backward_steps(frames, directory)` writes the
  frames as numbered images and one self-contained HTML page to step through.
* `explain_chain_rule(root, x)` writes out every path from `x` to `root`,
  the product of the local derivatives along it and the sum over the paths.

Nodes are named by their position in a fixed depth-first order of the graph
(inputs in the order they were written), so the same expression gives the
same DOT text on every run. Nodes without a label get
the automatic name `v<position>` in pictures and explanations alike.
"""

from __future__ import annotations

import base64
import html
import math
import re
import warnings
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

import graphviz

from autograd.graph import topological_order
from autograd.value import Value

__all__ = [
    "draw_graph",
    "save_graph",
    "backward_steps",
    "save_backward_steps",
    "explain_chain_rule",
    "GraphvizNotInstalled",
]

# Colours: blue leaves (inputs, parameters), grey intermediates, orange output,
# crimson for what the backward pass is doing right now.
_FONT = "Helvetica,Arial,sans-serif"
_LEAF_FILL, _LEAF_BORDER = "#d0e6ff", "#2f6db3"
_INNER_FILL, _INNER_BORDER = "#f4f4f4", "#7a7a7a"
_OUTPUT_FILL, _OUTPUT_BORDER = "#ffd8a8", "#d9480f"
_HIGHLIGHT_FILL, _HIGHLIGHT_BORDER = "#fff3bf", "#c2255c"
_GREY = "#9a9a9a"
_ACTIVE = "#c2255c"

_INSTALL_HINT = (
    "Install Graphviz (the program, not only the Python package) and make sure `dot` is on PATH:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  Windows:        the installer from https://graphviz.org/download/ (tick 'add Graphviz to the system PATH')\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "then restart Python (or the Jupyter kernel)."
)

_FORMATS = ("svg", "png", "pdf")


class GraphvizNotInstalled(RuntimeError):
    """Rendering needs Graphviz's `dot` program, and it is not installed (or not on PATH)."""


class _GraphPicture(graphviz.Digraph):
    """A `graphviz.Digraph` whose Jupyter display says how to install Graphviz when `dot` is missing."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        try:
            return super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotInstalled(
                "cannot display the graph: Graphviz's `dot` program was not found.\n" + _INSTALL_HINT
            ) from None


# ----------------------------------------------------------------------------- helpers


def _check_root(root, who: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{who} needs a Value as its root, not {type(root).__name__} {root!r}")


def _formatter(number_format, who: str) -> Callable[[float], str]:
    """A function float -> str from a format string like "{:.4g}" or a callable."""
    if callable(number_format):
        fmt = number_format
    elif isinstance(number_format, str):
        fmt = number_format.format
    else:
        raise TypeError(f"{who}: number_format must be a format string like '{{:.4g}}' or a callable")
    try:
        sample = fmt(1.5)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise ValueError(f"{who}: number_format {number_format!r} cannot format a float: {error}") from None
    if not isinstance(sample, str):
        raise TypeError(f"{who}: number_format must produce a str, got {type(sample).__name__}")
    return fmt


def _escape(text: str) -> str:
    """Text for a Graphviz HTML-like label: entities escaped, newlines as line breaks."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(ch if ch == "\n" or ch >= " " else " " for ch in text)  # other control characters
    return "<BR/>".join(html.escape(line, quote=True) for line in text.split("\n"))


def _names(order: list[Value]) -> list[str]:
    """Readable names: the label, or `v<index>` for unlabelled nodes (index in `topological_order`)."""
    return [node.label if node.label else f"v{i}" for i, node in enumerate(order)]


def _one_line(text: str) -> str:
    return " ".join(text.split()) if ("\n" in text or "\r" in text or "\t" in text) else text


_INFIX = {"+": "+", "-": "-", "*": "*", "/": "/", "**": "**", "rsub": "-", "rdiv": "/", "rpow": "**"}


def _constant_form(node: Value) -> tuple[str, str] | None:
    """For `x + 2`, `2 - x`, `x * 3`, `x / 4`, `4 / x`, `x ** 2`, `2 ** x`: the pieces left and right of x.

    The constant is the one the node recorded, shown with 6 significant digits.
    """
    if len(node._parents) != 1 or node._op not in _INFIX or node._const is None:
        return None
    text = f"{node._const:.6g}"
    shown = f"({text})" if text.startswith("-") else text
    symbol = _INFIX[node._op]
    if node._op.startswith("r"):
        return f"{shown} {symbol}", ""
    return "", f"{symbol} {shown}"


def _op_text(node: Value) -> str:
    """What the operation node shows: the op (`+`, `*`, `tanh`, `**2`, `dot` ...), with a constant operand."""
    pieces = _constant_form(node)
    if pieces is None:
        return node._op
    left, right = pieces
    return left or right


def _formula(node: Value, index: dict, names: list[str]) -> str:
    """`a * b`, `tanh(v2)`, `v3 ** 2`, `x + 2`: how a node was made, in the nodes' names."""
    args = [names[index[p]] for p in node._parents]
    op = node._op
    pieces = _constant_form(node)
    if pieces is not None:
        left, right = pieces
        return " ".join(part for part in (left, args[0], right) if part)
    if op in ("+", "-", "*", "/", "**") and len(args) == 2:
        return f"{args[0]} {op} {args[1]}"
    if op == "neg":
        return f"-{args[0]}"
    return f"{op}({', '.join(args)})"


# ----------------------------------------------------------------------------- drawing


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
        for parent in node._parents:
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
) -> _GraphPicture:
    """Build the picture; `frame` (from backward_steps) overrides gradients, highlights and edge labels."""
    _check_root(root, who)
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"{who}: rankdir must be 'LR' (left to right) or 'TB' (top to bottom), not {rankdir!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1):
        raise ValueError(f"{who}: max_nodes must be a positive int or None, not {max_nodes!r}")
    fmt = _formatter(number_format, who)
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    names = _names(order)

    highlighted: set[int] = set()
    if highlight is not None:
        items = [highlight] if isinstance(highlight, Value) else list(highlight)
        for item in items:
            if not isinstance(item, Value):
                raise TypeError(f"{who}: highlight must be a Value or Values, not {type(item).__name__}")
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

    dot = _GraphPicture(name="autograd", format="svg")
    dot.attr(rankdir=rankdir, ordering="in", fontname=_FONT, fontsize="16", bgcolor="white")
    dot.attr(nodesep="0.25", ranksep="0.45")
    dot.attr("node", fontname=_FONT, fontsize="16")
    dot.attr("edge", fontname=_FONT, fontsize="13", color="#555555", arrowsize="0.8")
    if frame is not None and frame.get("title"):
        dot.attr(label=f"<<B>{_escape(frame['title'])}</B>>", labelloc="t", labeljust="l", fontsize="18")

    last = len(order) - 1
    for i, node in enumerate(order):
        if not keep[i]:
            continue
        if i == last:
            fill, border = _OUTPUT_FILL, _OUTPUT_BORDER
        elif node._parents:
            fill, border = _INNER_FILL, _INNER_BORDER
        else:
            fill, border = _LEAF_FILL, _LEAF_BORDER
        thick = i in highlighted or (frame is not None and frame["active"] == i)
        if thick:
            fill, border = _HIGHLIGHT_FILL, _HIGHLIGHT_BORDER
        name_html = f"<B>{_escape(node.label)}</B>" if node.label else f'<FONT COLOR="{_GREY}"><I>{names[i]}</I></FONT>'
        cells = [(f"data {_escape(fmt(node.data))}", "")]
        if frame is not None:
            state, grad = frame["state"][i], frame["grads"][i]
            if state == "none":
                cells.append((f'<FONT COLOR="{_GREY}">grad ?</FONT>', ""))
            else:
                text = f"grad {_escape(fmt(grad))}" + (" (so far)" if state == "partial" else "")
                if i in frame["changed"] or frame["active"] == i:
                    text = f'<FONT COLOR="{_ACTIVE}"><B>{text}</B></FONT>'
                elif state == "partial":
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
        if not keep[i] or not node._parents:
            continue
        op_name = f"v{i}_op"
        active = frame is not None and frame.get("step") == i
        dot.node(
            op_name,
            label=graphviz.nohtml(_op_text(node)),
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
        for k, (parent, local) in enumerate(zip(node._parents, node._local_grads)):
            j = index[parent]
            if not keep[j]:
                missing = True
                continue
            attrs = {}
            if active:
                attrs = {"label": f" {frame['notes'][k]} ", "color": _ACTIVE, "fontcolor": _ACTIVE}
                attrs.update(penwidth="2.5", fontsize="15")
            elif show_local_grads:
                attrs = {"label": f" local {fmt(local)} ", "fontcolor": "#1c7ed6"}
            dot.edge(f"v{j}", op_name, **{key: graphviz.nohtml(value) for key, value in attrs.items()})
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
    resolution of PNG files (144: sharp on projectors and high-density screens).
    Returns the path of the image.
    """
    if not isinstance(graph, graphviz.Graph | graphviz.Digraph):
        raise TypeError(f"save_graph needs a graphviz.Digraph (from draw_graph), not {type(graph).__name__}")
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise ValueError(f"save_graph: cannot tell the format from {str(path)!r}; end the path in .svg, .png or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".gv").write_text(graph.source, encoding="utf-8")
    to_render = graph
    if fmt == "png" and dpi is not None and "dpi" not in graph.graph_attr:
        to_render = graph.copy()
        to_render.attr(dpi=str(dpi))
    try:
        data = to_render.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        source = path.with_suffix(".gv")
        raise _not_installed(
            f"save_graph could not render {str(path)!r} (its DOT source is in {str(source)!r})"
        ) from None
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- the backward pass, step by step


def backward_steps(root: Value, *, max_steps: int = 200, **draw_options) -> list[graphviz.Digraph]:
    """One picture per step of the backward pass, in the order backprop visits the nodes.

    Frame 0 shows the seed d(root)/d(root) = 1. Then, for every node with
    inputs in reverse topological order, a frame highlights that node, shows
    its (now complete) upstream gradient, and labels each edge to an input
    `local × upstream = contribution`; the inputs show the gradient summed so
    far. Gradients not computed yet read `grad ?` in grey.

    The gradients are replayed here from each node's inputs and local
    derivatives, exactly as `backward()` adds them; no `.grad` is changed.
    `draw_options` are those of `draw_graph` (show_grad is always on).
    Refuses graphs with more than `max_steps` steps.
    """
    _check_root(root, "backward_steps")
    allowed = {"rankdir", "show_grad", "show_local_grads", "number_format", "max_nodes", "highlight"}
    unknown = set(draw_options) - allowed
    if unknown:
        raise TypeError(f"backward_steps got unexpected option(s) {sorted(unknown)}; it takes draw_graph's options")
    options = {
        "rankdir": "LR",
        "show_local_grads": False,
        "number_format": "{:.4g}",
        "max_nodes": 500,
        "highlight": None,
    }
    options.update(draw_options)
    options["show_grad"] = True
    fmt = _formatter(options["number_format"], "backward_steps")
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    names = _names(order)
    # the order backward() visits the nodes in
    steps = [index[node] for node in reversed(order) if node._parents]
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 0:
        raise ValueError(f"backward_steps: max_steps must be an int >= 0, not {max_steps!r}")
    if len(steps) > max_steps:
        raise ValueError(
            f"backward_steps: the backward pass of this graph has {len(steps)} steps, more than max_steps={max_steps};"
            " step through a smaller expression or pass a larger max_steps"
        )

    n = len(order)
    grads = [0.0] * n
    waiting = [0] * n  # edges from children not processed yet
    for node in order:
        for parent in node._parents:
            waiting[index[parent]] += 1
    reached = [False] * n
    last = n - 1
    grads[last] = 1.0
    reached[last] = True

    def states() -> list[str]:
        return ["none" if not reached[i] else ("partial" if waiting[i] else "final") for i in range(n)]

    def draw(frame: dict) -> _GraphPicture:
        picture = _render(root, who="backward_steps", frame=frame, **options)
        picture.step_title = frame["title"]
        return picture

    root_name = names[last]
    frames = [
        draw(
            {
                "title": f"Seed: d{root_name}/d{root_name} = 1. Backprop now visits the nodes from the output back.",
                "grads": list(grads),
                "state": states(),
                "active": last,
                "step": None,
                "changed": set(),
                "notes": {},
            }
        )
    ]
    for number, i in enumerate(steps, start=1):
        node = order[i]
        upstream = grads[i]
        notes, changed = {}, set()
        for k, (parent, local) in enumerate(zip(node._parents, node._local_grads)):
            j = index[parent]
            contribution = local * upstream
            grads[j] += contribution
            waiting[j] -= 1
            reached[j] = True
            changed.add(j)
            notes[k] = f"{fmt(local)} × {fmt(upstream)} = {fmt(contribution)}"
        title = (
            f"Step {number} of {len(steps)}: {names[i]} = {_one_line(_formula(node, index, names))}, "
            f"upstream gradient d{root_name}/d{names[i]} = {fmt(upstream)}; each input gets local × upstream"
        )
        frames.append(
            draw(
                {
                    "title": _one_line(title),
                    "grads": list(grads),
                    "state": states(),
                    "active": i,
                    "step": i,
                    "changed": changed,
                    "notes": notes,
                }
            )
        )
    return frames


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; background: #fff; color: #222; }}
  .bar {{ display: flex; gap: 0.6em; align-items: center; margin-bottom: 1em; font-size: 1.2em; }}
  button {{ font-size: 1em; padding: 0.3em 1em; cursor: pointer; }}
  .frame {{ display: none; }}
  .frame.shown {{ display: block; }}
  .frame svg, .frame img {{ max-width: 100%; height: auto; }}
  .caption {{ font-size: 1.1em; margin: 0.4em 0 0.8em 0; }}
  .hint {{ color: #777; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<div class="bar">
  <button id="prev" title="previous (left arrow)">&#9664; previous</button>
  <button id="play" title="play / pause (space)">&#9654; play</button>
  <button id="next" title="next (right arrow)">next &#9654;</button>
  <span id="counter"></span>
  <span class="hint">keys: &larr; &rarr; space, Home, End</span>
</div>
{frames}
<script>
(function () {{
  var frames = document.querySelectorAll(".frame");
  var counter = document.getElementById("counter");
  var playButton = document.getElementById("play");
  var current = 0, timer = null;
  function show(k) {{
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) frames[i].classList.toggle("shown", i === current);
    counter.textContent = "frame " + (current + 1) + " of " + frames.length;
  }}
  function stop() {{ if (timer) {{ clearInterval(timer); timer = null; }} playButton.innerHTML = "&#9654; play"; }}
  function play() {{
    if (timer) {{ stop(); return; }}
    if (current === frames.length - 1) show(0);
    playButton.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {{
      if (current >= frames.length - 1) {{ stop(); return; }}
      show(current + 1);
    }}, {interval});
  }}
  document.getElementById("prev").onclick = function () {{ stop(); show(current - 1); }};
  document.getElementById("next").onclick = function () {{ stop(); show(current + 1); }};
  playButton.onclick = play;
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowLeft") {{ stop(); show(current - 1); }}
    else if (e.key === "ArrowRight") {{ stop(); show(current + 1); }}
    else if (e.key === " ") {{ e.preventDefault(); play(); }}
    else if (e.key === "Home") {{ stop(); show(0); }}
    else if (e.key === "End") {{ stop(); show(frames.length - 1); }}
  }});
  show(0);
}})();
</script>
</body>
</html>
"""


def _inline_svg(data: bytes) -> str:
    """An SVG file's text without its XML declaration and doctype, ready to sit inside HTML."""
    text = data.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return text.strip()


def save_backward_steps(
    frames: Iterable[graphviz.Digraph],
    directory,
    fmt: str = "png",
    *,
    title: str = "The backward pass, step by step",
    interval_ms: int = 1500,
    dpi: int | None = 144,
) -> dict:
    """Write the frames of `backward_steps` as numbered images and one HTML page that steps through them.

    Returns {"frames": [step_000.png, ...], "html": backward_steps.html}, all in
    `directory`. The page embeds every image (SVG inline, PNG as base64), so
    it opens offline in any browser; previous / next / play buttons and the
    arrow keys move through the steps. `fmt` is "png" or "svg". Each frame's
    DOT source is written too (step_000.gv ...), even without Graphviz.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("save_backward_steps: no frames to save (pass the list backward_steps returns)")
    for k, frame in enumerate(frames):
        if not isinstance(frame, graphviz.Graph | graphviz.Digraph):
            raise TypeError(f"save_backward_steps: frame {k} is a {type(frame).__name__}, not a graphviz.Digraph")
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ValueError(f"save_backward_steps: fmt must be 'png' or 'svg' (formats a web page shows), not {fmt!r}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"step_{k:03d}.{fmt}" for k in range(len(frames))]
    for frame, path in zip(frames, paths):  # all sources first: they are useful even without `dot`
        path.with_suffix(".gv").write_text(frame.source, encoding="utf-8")
    blocks = []
    for k, (frame, path) in enumerate(zip(frames, paths)):
        save_graph(frame, path, dpi=dpi)
        data = path.read_bytes()
        caption = getattr(frame, "step_title", f"frame {k}")
        if fmt == "svg":
            image = _inline_svg(data)
        else:
            encoded = base64.b64encode(data).decode("ascii")
            image = f'<img alt="{html.escape(caption)}" src="data:image/png;base64,{encoded}">'
        blocks.append(
            f'<div class="frame" id="frame{k}">\n<p class="caption">{html.escape(caption)}</p>\n{image}\n</div>'
        )
    page = directory / "backward_steps.html"
    page.write_text(
        _PAGE.format(title=html.escape(title), frames="\n".join(blocks), interval=int(interval_ms)), encoding="utf-8"
    )
    return {"frames": paths, "html": page}


# ----------------------------------------------------------------------------- the chain rule in words


def explain_chain_rule(root: Value, x: Value, *, max_paths: int = 64, number_format="{:g}") -> str:
    """Spell out d root / d x: every path from `x` to `root`, the product of local derivatives along it, their sum.

    For f = ((a + b) * (c + d)) ** 2 with the course's labels the text
    contains `df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294`. Paths are
    counted first (by dynamic programming); more than `max_paths` raises
    ValueError, since their number grows exponentially with depth, which is
    exactly why backprop sums them node by node instead of listing them.
    """
    _check_root(root, "explain_chain_rule")
    if not isinstance(x, Value):
        raise TypeError(f"explain_chain_rule: x must be a Value of the graph, not {type(x).__name__} {x!r}")
    if not isinstance(max_paths, int) or isinstance(max_paths, bool) or max_paths < 1:
        raise ValueError(f"explain_chain_rule: max_paths must be a positive int, not {max_paths!r}")
    fmt = _formatter(number_format, "explain_chain_rule")
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    base = _names(order)
    seen: dict[str, int] = {}
    for name in base:
        seen[name] = seen.get(name, 0) + 1
    # a label used by several nodes gets its position appended: w#3, w#7
    names = [f"{_one_line(name)}#{i}" if seen[name] > 1 else _one_line(name) for i, name in enumerate(base)]
    if x not in index:
        who = f"{x.label!r}" if x.label else repr(x)
        raise ValueError(
            f"explain_chain_rule: {who} is not in the graph of {names[-1]!r}: {names[-1]} does not depend on it"
        )
    xi = index[x]
    top, bottom = names[-1], names[xi]

    def num(v: float) -> str:
        text = fmt(v)
        return f"({text})" if text.startswith("-") else text

    # Number of paths from x to each node, parents before children: one pass, no enumeration.
    paths = [0] * len(order)
    paths[xi] = 1
    for i in range(xi + 1, len(order)):
        paths[i] = sum(paths[index[p]] for p in order[i]._parents)
    count = paths[-1]
    if count > max_paths:
        raise ValueError(
            f"explain_chain_rule: {count} paths lead from {bottom} to {top}, more than max_paths={max_paths}, too many "
            f"to list. Their number grows exponentially with the depth of the graph; backprop never enumerates them: "
            f"it adds local × upstream once per edge, summing all paths node by node (dynamic programming). "
            f"Read {bottom}.grad after {top}.backward(), or pass a larger max_paths."
        )

    header_of = f"d{top}/d{bottom}"
    if xi == len(order) - 1:
        return f"{header_of}: {bottom} is the output itself (the seed of the backward pass).\n{header_of} = 1\n"

    # Enumerate the paths from the root down to x, inputs in their order (iterative depth-first search).
    found: list[list[tuple[int, int, float]]] = []  # each: [(child, parent, local), ...] from the root down
    stack: list[tuple[int, list]] = [(len(order) - 1, [])]
    while stack:
        i, path = stack.pop()
        if i == xi:
            found.append(path)
            continue
        node = order[i]
        edges = [(index[p], local) for p, local in zip(node._parents, node._local_grads) if paths[index[p]]]
        for j, local in reversed(edges):
            stack.append((j, path + [(i, j, local)]))

    lines = []
    products = []
    for path in found:
        symbols = " · ".join(f"d{names[i]}/d{names[j]}" for i, j, _ in path)
        product = 1.0
        for _, _, local in path:
            product *= local
        products.append(product)
        factors = " · ".join(num(local) for _, _, local in path)
        if len(path) == 1:
            lines.append((symbols, f"{fmt(product)}"))
        else:
            lines.append((symbols, f"{factors} = {fmt(product)}"))

    out = []
    if count == 1:
        out.append(f"{header_of}: 1 path from {bottom} to {top}; multiply the local derivatives along it.")
        symbols, rest = lines[0]
        chain = f"{header_of} = {symbols} = {rest}" if symbols != header_of else f"{header_of} = {rest}"
        out.append(chain)
    else:
        out.append(
            f"{header_of}: {count} paths from {bottom} to {top}; multiply the local derivatives along each path, "
            "then add the paths."
        )
        for k, (symbols, rest) in enumerate(lines, start=1):
            out.append(f"path {k}: {symbols} = {rest}")
        total = math.fsum(products)
        out.append(f"{header_of} = {' + '.join(num(p) for p in products)} = {fmt(total)}")

    unnamed = sorted({i for path in found for edge in path for i in edge[:2] if not order[i].label})
    formulas = [f"{names[i]} = {_formula(order[i], index, names)}" for i in unnamed if order[i]._parents]
    if formulas:
        out.append("where " + ", ".join(formulas))
    return "\n".join(out) + "\n"
