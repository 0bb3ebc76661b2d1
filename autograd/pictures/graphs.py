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
import math
import re
import shutil
import subprocess
import textwrap
import warnings
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from autograd.core import checks, files
from autograd.core.graph import topological_order
from autograd.core.value import Value
from autograd.language import Domain, resolve
from autograd.pictures import naming

if TYPE_CHECKING:  # for the annotations only; pictures import it when they are made
    import graphviz

__all__ = ["draw_graph", "save_graph", "GraphvizNotInstalled"]

_ = Domain("autograd").gettext
ngettext = Domain("autograd").ngettext

# What the other picture modules of the package share (network, steps, the compiler's Program.draw):
# STYLE, colours, name_html, escape, require_graphviz, new_picture, start_picture, check_rankdir, indexed,
# DrawOptions, Frame and render.


@dataclass(frozen=True)
class Style:
    """The font and colours of every picture, so that a leaf is the same blue in all of them.

    Blue leaves (inputs, parameters), grey intermediates, orange output,
    crimson (`active`) for what the step frames are doing right now.
    """

    font: str = "Helvetica,Arial,sans-serif"
    leaf_fill: str = "#d0e6ff"
    leaf_border: str = "#2f6db3"
    inner_fill: str = "#f4f4f4"
    inner_border: str = "#7a7a7a"
    output_fill: str = "#ffd8a8"
    output_border: str = "#d9480f"
    highlight_fill: str = "#fff3bf"
    highlight_border: str = "#c2255c"
    grey: str = "#9a9a9a"
    active: str = "#c2255c"
    ink: str = "#555555"  # edges, operation ovals, frame labels


STYLE = Style()
_TITLE_WIDTH = 100  # characters per line of a frame's title
DEFAULT_NUMBER_FORMAT = "{:.4g}"  # draw_graph's and the step frames' numbers
_LOCAL_GRAD_BLUE = "#1c7ed6"


def colours(node, is_output: bool) -> tuple[str, str]:
    """(fill, border) of a node's box: orange output, grey intermediate, blue leaf."""
    if is_output:
        return STYLE.output_fill, STYLE.output_border
    return (STYLE.inner_fill, STYLE.inner_border) if node.parents else (STYLE.leaf_fill, STYLE.leaf_border)


def name_html(node, name: str) -> str:
    """A node's name in its box: bold for a label, grey italics for a made-up v<i>."""
    return f"<B>{escape(name)}</B>" if node.label else f'<FONT COLOR="{STYLE.grey}"><I>{name}</I></FONT>'


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


def require_graphviz():
    """The `graphviz` module, imported when the first picture is made (GraphvizNotInstalled says how to get it)."""
    try:
        import graphviz
    except ImportError:
        raise GraphvizNotInstalled(_PACKAGE_HINT) from None
    return graphviz


_picture_class = None


def picture_class():
    """A `graphviz.Digraph` subclass whose Jupyter display says how to install Graphviz when `dot` is missing."""
    global _picture_class
    if _picture_class is None:
        graphviz = require_graphviz()

        class GraphPicture(graphviz.Digraph):
            summary = "a picture of a computation graph"

            def __repr__(self) -> str:
                return f"<{self.summary}: save_graph(picture, 'graph.svg') writes it; Jupyter shows it>"

            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
                """Jupyter's display: SVG laid out as save_graph does (checked size, dot's limits, a timeout)."""
                svg = run_dot(self, "svg", "cannot display the graph")
                return {"image/svg+xml": svg.decode("utf-8")}

        _picture_class = GraphPicture
    return _picture_class


def new_picture(**attrs) -> graphviz.Digraph:
    """An empty picture: `graphviz.Digraph(**attrs)` that tells how to install Graphviz when Jupyter cannot show it."""
    return picture_class()(**attrs)


def start_picture(name: str, rankdir: str, spacing: tuple[str, str], font_sizes: tuple[str, str]) -> graphviz.Digraph:
    """An empty SVG picture in the shared look: white, the package font, inputs kept in the order written.

    `spacing` is (nodesep, ranksep) in inches, `font_sizes` the points of
    the node and of the edge labels.
    """
    dot = new_picture(name=name, format="svg")
    dot.attr(rankdir=rankdir, ordering="in", fontname=STYLE.font, fontsize="16", bgcolor="white")
    dot.attr(nodesep=spacing[0], ranksep=spacing[1])
    dot.attr("node", fontname=STYLE.font, fontsize=font_sizes[0])
    dot.attr("edge", fontname=STYLE.font, fontsize=font_sizes[1], color=STYLE.ink, arrowsize="0.8")
    return dot


def escape(text: str) -> str:
    """Text for a Graphviz HTML-like label: entities escaped, newlines as line breaks, undrawable characters �."""
    text = naming.drawable(str(text)).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(ch if ch == "\n" or ch >= " " else " " for ch in text)  # other control characters
    return "<BR/>".join(html.escape(line, quote=True) for line in text.split("\n"))


def check_rankdir(rankdir, who: str, auto: bool = False) -> None:
    """The direction of a picture: Graphviz's four, 'LR' left to right and 'TB' top to bottom the two that matter,
    and where `auto` allows it "auto" (`choose_direction`)."""
    checks.choice(rankdir, "rankdir", who, ("auto", "LR", "TB", "RL", "BT") if auto else ("LR", "TB", "RL", "BT"))


SCREEN = (1920, 1080)  # the projector a picture should fit, in pixels
SCREEN_DPI = 144  # save_graph's PNG resolution, at which pictures are measured against SCREEN
_MEASURED_UP_TO = 5_000  # the layout_cost up to which rankdir="auto" lays a picture out to measure it
_MEASURING_SECONDS = 10.0


def _shrink(picture) -> float | None:
    """How many times `picture` is larger than SCREEN at SCREEN_DPI (1 or less: it fits); None without dot."""
    try:
        plain = run_dot(picture, "plain", "measuring the picture", seconds=_MEASURING_SECONDS).decode("utf-8")
    except (GraphvizNotInstalled, PictureTooLarge):  # no dot, or it took too long: draw without measuring
        return None
    _, _, width, height = plain.split(None, 4)[:4]
    return max(float(width) * SCREEN_DPI / SCREEN[0], float(height) * SCREEN_DPI / SCREEN[1])


def choose_direction(root: Value, options: DrawOptions, frame: Frame | None = None) -> DrawOptions:
    """`options` with rankdir "auto" made "LR" or "TB": left to right when it fits the screen, else the direction
    that needs less shrinking to fit 1920 x 1080 pixels at 144 dpi, shrunk into them (Graphviz's size) when
    neither fits. Without dot, or for a picture too large to measure, "LR" as it is."""
    if options.rankdir != "auto":
        return options
    wide = replace(options, rankdir="LR")
    picture = render(root, wide, frame)
    if layout_cost(picture) > _MEASURED_UP_TO:
        return wide
    across = _shrink(picture)
    if across is None or across <= 1:
        return wide
    tall = replace(options, rankdir="TB")
    down = _shrink(render(root, tall, frame))
    chosen, shrink = (tall, down) if down is not None and down < across else (wide, across)
    if shrink > 1:  # Graphviz scales the drawing down into the screen
        chosen = replace(chosen, size=f"{SCREEN[0] / SCREEN_DPI:.4g},{SCREEN[1] / SCREEN_DPI:.4g}")
    return chosen


# ----------------------------------------------------------------------------- what dot lays out

# What dot lays out in about 2 s on a small laptop (with _DOT_LIMITS): 2,500 nodes, or 400 nodes and 20,000 bends
# of long edges; a node (its label, its place, its edges' routes) costs about as much as ten bends.
LAYOUT_LIMIT = 25_000
NODE_COST = 10
DOT_SECONDS = 60.0  # then dot is stopped and the picture refused
# Network simplex's iterations (ranking, then positions) cut short: pictures dot would spend minutes on are
# laid out in seconds, and every picture of the course demos comes out the same (checked by comparing them).
_DOT_LIMITS = {"nslimit": "1", "nslimit1": "1"}
_LIMITS_FROM = 2_000  # the layout_cost from which a picture's DOT text carries _DOT_LIMITS itself

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|->|--|[\[\]{};=,]|(?:[^\s\[\]{};=,"<-]|-(?![->]))+')
_COMMENT = re.compile(r"//[^\n]*|/\*.*?(?:\*/|$)|#[^\n]*", re.S)
_KEYWORDS = {"graph", "digraph", "strict", "node", "edge", "subgraph"}


def _tokens(source: str) -> list[str]:
    """The DOT text as tokens: an HTML-like label <...> is one token "<>", comments are dropped."""
    found, i, n = [], 0, len(source)
    while i < n:
        if source[i].isspace():
            i += 1
        elif source[i] == "<":  # up to the matching ">"
            depth = 0
            while i < n:
                depth += (source[i] == "<") - (source[i] == ">")
                i += 1
                if depth == 0:
                    break
            found.append("<>")
        elif (comment := _COMMENT.match(source, i)) and (source[i] != "#" or i == 0 or source[i - 1] == "\n"):
            i = comment.end()
        else:
            m = _TOKEN.match(source, i)
            found.append(m.group(0) if m else source[i])
            i = m.end() if m else i + 1
    return found


def _statements(source: str) -> tuple[int, list[tuple[int, int]]]:
    """The number of nodes of a DOT text and its edges (node numbers), attribute lists and settings skipped."""
    tokens = _tokens(source)
    nodes: dict[str, int] = {}
    edges, chain, arrow, k = [], None, False, 0
    while k < len(tokens):
        t = tokens[k]
        if t == "[":  # an attribute list: skipped whole
            while k < len(tokens) and tokens[k] != "]":
                k += 1
        elif t in ("->", "--"):
            arrow = True
        elif t in ("{", "}", ";", ",", "]", "="):
            chain, arrow = None, False
        elif k + 1 < len(tokens) and tokens[k + 1] == "=":  # name=value
            chain, arrow, k = None, False, k + 2
        elif t.lower() in _KEYWORDS:
            if t.lower() in ("subgraph", "graph", "digraph") and k + 1 < len(tokens) and tokens[k + 1] not in "{[":
                k += 1  # its name is no node
            chain, arrow = None, False
        else:
            node = nodes.setdefault(t, len(nodes))
            if arrow and chain is not None:
                edges.append((chain, node))
            chain, arrow = node, False
        k += 1
    return len(nodes), edges


def layout_size(graph) -> tuple[int, int]:
    """(nodes, bends): the nodes dot lays out for a picture and the bends of edges that span several ranks.

    dot puts every node on a rank and an edge across k ranks gets k - 1
    bend points, each laid out like a small node: a value used by 100
    operations far apart (Horner's scheme) makes thousands. The ranks are
    estimated by the longest path from the nodes without inputs, a node
    without inputs placed just before its first user.
    """
    source = graph if isinstance(graph, str) else graph.source
    n, edges = _statements(source)
    after: list[list[int]] = [[] for _ in range(n)]
    waiting = [0] * n
    for a, b in edges:
        if a != b:
            after[a].append(b)
            waiting[b] += 1
    starts = [a for a in range(n) if waiting[a] == 0]
    rank, queue = [0] * n, deque(starts)
    while queue:  # nodes in cycles keep the rank their inputs gave them so far
        a = queue.popleft()
        for b in after[a]:
            rank[b] = max(rank[b], rank[a] + 1)
            waiting[b] -= 1
            if waiting[b] == 0:
                queue.append(b)
    for a in starts:
        if after[a]:
            rank[a] = min(rank[b] for b in after[a]) - 1
    return n, sum(max(0, abs(rank[b] - rank[a]) - 1) for a, b in edges)


def layout_cost(graph) -> int:
    """The work of laying `graph` out, in bends: NODE_COST per node plus the bends (compared to LAYOUT_LIMIT)."""
    nodes, bends = layout_size(graph)
    return NODE_COST * nodes + bends


class PictureTooLarge(ValueError):
    """A picture dot could not lay out in seconds: refused before dot runs (or stopped after DOT_SECONDS)."""


def check_layout(graph, who: str, advice: str = "Draw a smaller part of it."):
    """`graph` itself when dot lays it out in seconds (`layout_cost` at most LAYOUT_LIMIT), else PictureTooLarge.

    Every picture function calls it before returning a picture, and
    `save_graph` and Jupyter's display before they run dot.
    """
    nodes, bends = layout_size(graph)
    if NODE_COST * nodes + bends > LAYOUT_LIMIT:
        raise PictureTooLarge(
            f"{who}: Graphviz's dot would have to lay out {nodes:,} nodes and {bends:,} bends of long edges (edges "
            "across several ranks), which could take minutes or crash it; in seconds it lays out "
            f"{LAYOUT_LIMIT // NODE_COST:,} nodes, or fewer nodes with up to {LAYOUT_LIMIT:,} bends. {advice}"
        )
    return graph


def with_limits(graph):
    """`graph`, or for a large one a copy whose DOT text cuts dot's network simplex short (_DOT_LIMITS)."""
    if layout_cost(graph) < _LIMITS_FROM or all(graph.graph_attr.get(k) == v for k, v in _DOT_LIMITS.items()):
        return graph
    limited = graph.copy()
    limited.attr(**_DOT_LIMITS)
    return limited


def run_dot(graph, fmt: str, what: str, seconds: float | None = None) -> bytes:
    """`graph` laid out by Graphviz's dot as `fmt` bytes, after `check_layout`, with _DOT_LIMITS and a timeout.

    `what` starts the messages ("save_graph could not render 'a.svg'"); dot
    is stopped after `seconds` (at most DOT_SECONDS).
    """
    seconds = DOT_SECONDS if seconds is None else min(seconds, DOT_SECONDS)
    check_layout(graph, what)
    program = shutil.which("dot")
    if program is None:
        raise GraphvizNotInstalled(f"{what}: Graphviz's `dot` program was not found.\n{_INSTALL_HINT}") from None
    limits = [f"-G{key}={value}" for key, value in _DOT_LIMITS.items()]
    try:
        done = subprocess.run(
            [program, "-Kdot", f"-T{fmt}", *limits],
            input=graph.source.encode("utf-8"),
            capture_output=True,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        raise PictureTooLarge(
            f"{what}: Graphviz's dot did not finish laying out the picture in {seconds:g} s and was stopped "
            "(a slow or busy computer?); draw a smaller part of it"
        ) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip()[:500]
        raise RuntimeError(f"{what}: Graphviz's dot failed (exit status {done.returncode}): {said or 'no message'}")
    return done.stdout


def indexed(root: Value) -> tuple[list[Value], dict[Value, int], list[str]]:
    """The graph of `root` in topological order, each node's position in it, and the names pictures give them."""
    order = topological_order(root)
    return order, {node: i for i, node in enumerate(order)}, naming.drawn_names(order)


# ----------------------------------------------------------------------------- options and frames


@dataclass(frozen=True)
class DrawOptions:
    """`draw_graph`'s options, checked once (`DrawOptions.checked`), for a picture and for every step frame."""

    who: str  # the public function, named in error messages and warnings
    rankdir: str
    show_grad: bool
    show_local_grads: bool
    number_format: object  # as given: a format string or a callable
    max_nodes: int | None
    highlight: tuple[Value, ...]  # the Values to draw yellow, all in the graph
    fmt: Callable[[float], str] = field(repr=False)  # number_format as a function
    size: str | None = None  # Graphviz's size: the inches a picture is shrunk into (rankdir="auto")
    language: str = "en"  # of the picture's words ("de" or "en"), already resolved

    @classmethod
    def checked(
        cls,
        root: Value,
        who: str,
        *,
        rankdir: str = "auto",
        show_grad: bool = True,
        show_local_grads: bool = False,
        number_format=DEFAULT_NUMBER_FORMAT,
        max_nodes: int | None = 500,
        highlight=None,
        language: str | None = None,
    ) -> DrawOptions:
        """The options of a picture of `root` after checking them (the errors name `who`); defaults as draw_graph's."""
        naming.check_root(root, who)
        language = resolve(language, who)
        check_rankdir(rankdir, who, auto=True)
        if max_nodes is not None:
            naming.check_count(max_nodes, "max_nodes (or None)", who, 1)
        show_grad = checks.flag(show_grad, "show_grad", who)
        show_local_grads = checks.flag(show_local_grads, "show_local_grads", who)
        fmt = naming.formatter(number_format, who)
        require_graphviz()
        items = _highlighted(root, highlight, who)
        return cls(who, rankdir, show_grad, show_local_grads, number_format, max_nodes, items, fmt, language=language)


OPTION_NAMES = ("rankdir", "show_grad", "show_local_grads", "number_format", "max_nodes", "highlight")


def _highlighted(root: Value, highlight, who: str) -> tuple[Value, ...]:
    """`highlight` (None, a Value or some Values) as a tuple of Values of the graph of `root`."""
    if highlight is None:
        return ()
    if not isinstance(highlight, Value | Iterable) or isinstance(highlight, str) or getattr(highlight, "ndim", 1) == 0:
        raise TypeError(f"{who}: highlight must be a Value or a list of Values, not {checks.shown(highlight)}")
    items = [highlight] if isinstance(highlight, Value) else list(highlight)
    in_graph = set(topological_order(root))
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(f"{who}: highlight must be a Value or Values, not {checks.shown(item)}")
        if item not in in_graph:
            raise ValueError(f"{who}: highlighted {item!r} is not in the graph of the root")
    return tuple(items)


UNKNOWN = ("blank", "?", "grey")  # how a frame shows numbers not reached yet


@dataclass(frozen=True)
class Frame:
    """What a step frame (`autograd.pictures.steps`) draws over the picture: its numbers, highlights and notes.

    Per node in topological order: `numbers` and `state` ("none": not
    computed yet, "partial": more to come, "final", "zero": does not depend
    on the variable). `cell` names the number cell ("grad", "d/da"),
    `active` is the node drawn crimson, `step` the node whose input edges
    carry `notes` {input position: text}, `changed` the nodes whose number
    just changed. Lecture frames add `data_state` per node ("known", "new",
    "unknown": the value is not reached yet), `edge_notes` {(node, input
    position): text} for edges of other nodes than `step`, and `asked`: the
    cell ("data" or the number cell) of `active` that a question frame asks
    for, drawn as a crimson "?". `unknown` is how numbers not reached yet
    read (UNKNOWN): "blank", "?" or "grey" (the number in grey).
    """

    title: str
    numbers: list[float]
    state: list[str]
    cell: str
    active: int
    step: int | None
    changed: set[int]
    notes: dict[int, str]
    data_state: list[str] | None = None
    edge_notes: dict[tuple[int, int], str] = field(default_factory=dict)
    unknown: str = "?"
    asked: str | None = None


@dataclass(frozen=True)
class Sizes:
    """The size in points every frame of a sequence gives each box, edge label and the title, so that dot lays
    all of them out alike and nothing moves from frame to frame (`steady_render`)."""

    boxes: dict[str, tuple[float, float]]  # DOT node name -> (width, height)
    edges: dict[tuple[int, int], tuple[float, float]]  # (node, input position) -> its label's size
    title: tuple[float, float] | None


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
        for parent in node.parents:
            j = index[parent]
            if not keep[j]:
                keep[j] = True
                count += 1
                queue.append(parent)
                if count >= max_nodes:
                    break
    return keep, n - count


@dataclass(frozen=True)
class _Scene:
    """One picture being drawn: the graph in topological order, which nodes are kept, and what to show."""

    order: list[Value]
    index: dict[Value, int]
    names: list[str]
    keep: list[bool]
    highlighted: set[int]
    options: DrawOptions
    frame: Frame | None
    sizes: Sizes | None = None


def _fixed(size: tuple[float, float] | None) -> str:
    """The attributes that give an HTML-like table a fixed size in points (nothing without a size)."""
    return "" if size is None else f' FIXEDSIZE="TRUE" WIDTH="{size[0]:g}" HEIGHT="{size[1]:g}"'


def _box_label(name: str, cells: list[str], border: str, fill: str, thick: bool, size=None) -> str:
    """The HTML-like label of a value's box: name | data | grad, all already escaped."""
    tds = "".join(f"<VR/><TD>{content}</TD>" for content in cells)
    return (
        f'<<TABLE BORDER="{3 if thick else 1}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="7" '
        f'COLOR="{border}" BGCOLOR="{fill}"{_fixed(size)}><TR><TD>{name}</TD>{tds}</TR></TABLE>>'
    )


def _text_label(text: str, points: str, size=None, bold: bool = False) -> str:
    """An HTML-like label of escaped `text` (lines end in <BR ALIGN="LEFT"/>) in a table, fixed in size or not."""
    if bold and text:
        text = f"<B>{text}</B>"
    if text:  # Graphviz refuses an empty <FONT></FONT>
        text = f'<FONT POINT-SIZE="{points}">{text}</FONT>'
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2"{_fixed(size)}><TR>'
        f'<TD ALIGN="LEFT" BALIGN="LEFT">{text}</TD></TR></TABLE>>'
    )


def _title_text(title: str) -> str:
    """A frame's title as escaped lines of at most _TITLE_WIDTH characters, each ending in a left-aligned break."""
    lines = textwrap.wrap(title, _TITLE_WIDTH, break_on_hyphens=False) or [""]
    return "".join(escape(line) + '<BR ALIGN="LEFT"/>' for line in lines)


def render(root: Value, options: DrawOptions, frame: Frame | None = None, sizes: Sizes | None = None):
    """The picture of the graph of `root`; a step `frame` overrides the numbers, highlights and edge labels.

    `options` are already checked; graphs of more than `options.max_nodes`
    values are cut (`checked_render` warns about it). With `sizes` every box,
    edge label and the title get the size given there (`steady_render`).
    The picture keeps its labels in `picture.parts` {key: HTML-like label}.
    """
    order, index, names = indexed(root)
    keep, hidden = _kept_nodes(order, index, options.max_nodes)
    highlighted = {index[item] for item in options.highlight}
    scene = _Scene(order, index, names, keep, highlighted, options, frame, sizes)

    ranksep = "0.45" if options.rankdir in ("LR", "RL") else "0.3"  # top to bottom: ops between
    dot = start_picture("autograd", options.rankdir, ("0.25", ranksep), ("16", "13"))
    if options.size is not None:
        dot.attr(size=options.size)
    operations = sum(1 for node in order if node.parents)
    dot.summary = (  # the picture's repr, for the programmer: English
        f"picture of the graph of {names[-1]!r}: {len(order)} value{'s' * (len(order) != 1)}, "
        f"{operations} operation{'s' * (operations != 1)}"
    )
    language = options.language
    dot.parts = {}
    if frame is not None and frame.title:
        if sizes is None:
            dot.attr(label=f"<<B>{_title_text(frame.title)}</B>>", labelloc="t", labeljust="l", fontsize="18")
        else:
            label = _text_label(_title_text(frame.title), "18", sizes.title, bold=True)
            dot.attr(label=label, labelloc="t", labeljust="l", fontsize="18")
        dot.parts["title"] = _text_label(_title_text(frame.title), "18", bold=True)
    for i in range(len(order)):
        if keep[i]:
            _draw_value(dot, scene, i)
    if hidden:
        dot.node(
            "not_drawn",
            label=require_graphviz().nohtml(
                ngettext(
                    "{count} more value\nnot drawn\n(max_nodes={max_nodes})",
                    "{count} more values\nnot drawn\n(max_nodes={max_nodes})",
                    hidden,
                    language,
                ).format(count=hidden, max_nodes=options.max_nodes)
            ),
            shape="box",
            style="dashed,rounded",
            color=STYLE.grey,
            fontcolor=STYLE.grey,
        )
    for i, node in enumerate(order):
        if keep[i] and node.parents:
            _draw_operation(dot, scene, i)
    dot.values_not_drawn = (len(order), hidden)
    return dot


def _draw_value(dot, scene: _Scene, i: int) -> None:
    """The box of value i: name | data | grad (or the frame's number), yellow when highlighted or active."""
    node, frame = scene.order[i], scene.frame
    fill, border = colours(node, i == len(scene.order) - 1)
    thick = i in scene.highlighted or (frame is not None and frame.active == i)
    if thick:
        fill, border = STYLE.highlight_fill, STYLE.highlight_border
    fmt = scene.options.fmt
    cells = [_data_cell(escape(fmt(node.data)), frame, i)]
    if frame is not None:
        cells.append(_number_cell(frame, i, fmt, scene.options.language))
    elif scene.options.show_grad:
        cells.append(f"grad {escape(fmt(node.grad))}")
    size = None if scene.sizes is None else scene.sizes.boxes.get(f"v{i}")
    name = name_html(node, scene.names[i])
    dot.node(f"v{i}", label=_box_label(name, cells, border, fill, thick, size), shape="plain")
    dot.parts[f"v{i}"] = _box_label(name, cells, border, fill, thick)


def _asked(cell: str) -> str:
    """The cell a question frame asks for: its name and a crimson, bold "?"."""
    return f'<FONT COLOR="{STYLE.active}"><B>{cell} ?</B></FONT>'


def _unknown(cell: str, number: str, frame: Frame) -> str:
    """A number not reached yet: left out, "?" or the number, in grey."""
    shown = {"blank": "", "?": " ?"}.get(frame.unknown, f" {number}")
    return f'<FONT COLOR="{STYLE.grey}">{cell}{shown}</FONT>'


def _data_cell(number: str, frame: Frame | None, i: int) -> str:
    """The data cell of value i: as it is, or in a lecture frame crimson when new or asked, or unknown."""
    data_state = None if frame is None or frame.data_state is None else frame.data_state[i]
    if frame is not None and frame.asked == "data" and frame.active == i:
        return _asked("data")
    if data_state == "new":
        return f'<FONT COLOR="{STYLE.active}"><B>data {number}</B></FONT>'
    if data_state == "unknown":
        return _unknown("data", number, frame)
    return f"data {number}"


def _number_cell(frame: Frame, i: int, fmt, language: str) -> str:
    """The frame's number of value i: grey until reached, crimson when it just changed, "(so far)" while partial."""
    state, number, cell = frame.state[i], frame.numbers[i], escape(frame.cell)
    if frame.asked == "number" and frame.active == i:
        return _asked(cell)
    if state == "none":
        return _unknown(cell, escape(fmt(number)), frame)
    text = f"{cell} {escape(fmt(number))}" + (" " + escape(_("(so far)", language)) if state == "partial" else "")
    if i in frame.changed or frame.active == i:
        return f'<FONT COLOR="{STYLE.active}"><B>{text}</B></FONT>'
    if state in ("partial", "zero"):
        return f'<FONT COLOR="{STYLE.grey}">{text}</FONT>'
    return text


def _draw_operation(dot, scene: _Scene, i: int) -> None:
    """The oval of node i's operation, the edges from its inputs (with notes or local derivatives) and to i."""
    nohtml = require_graphviz().nohtml
    node, frame = scene.order[i], scene.frame
    op_name = f"v{i}_op"
    active = frame is not None and frame.step == i
    colour, width = (STYLE.active, "2.5") if active else (STYLE.ink, "1")
    text = naming.drawable(naming.op_text(node))
    dot.node(
        op_name,
        label=nohtml(text),
        shape="ellipse",
        style="filled",
        fillcolor="white",
        color=colour,
        penwidth=width,
        fontsize="24" if text == "·" else "15",  # the product's dot alone is tiny at 15 points
        margin="0.05,0.02",
        width="0.45",
        height="0.35",
    )
    missing = False
    for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
        j = scene.index[parent]
        if not scene.keep[j]:
            missing = True
            continue
        attrs = {key: nohtml(naming.drawable(v)) for key, v in _edge_attrs(scene, i, k, local).items()}
        text = attrs.pop("label", None)
        if text is not None:
            dot.parts[(i, k)] = _text_label(escape(text.strip()), attrs.get("fontsize", "13"))
        if scene.sizes is not None and (i, k) in scene.sizes.edges:  # every frame labels it, maybe blank
            attrs["fontsize"] = attrs.get("fontsize", "13")
            label = escape(text.strip()) if text else ""
            attrs["label"] = _text_label(label, attrs["fontsize"], scene.sizes.edges[(i, k)])
        elif text is not None:
            attrs["label"] = text
        dot.edge(f"v{j}", op_name, **attrs)
    if missing:
        dot.edge("not_drawn", op_name, style="dashed", color=STYLE.grey)
    dot.edge(op_name, f"v{i}", color=colour, penwidth=width)


def _edge_attrs(scene: _Scene, i: int, k: int, local: float) -> dict[str, str]:
    """The look of the edge from input k to node i's operation: a frame's note in crimson, or the local derivative."""
    frame = scene.frame
    active = frame is not None and frame.step == i
    note = frame.notes.get(k) if active else frame.edge_notes.get((i, k)) if frame else None
    if active or note:
        attrs = {"color": STYLE.active, "fontcolor": STYLE.active, "penwidth": "2.5", "fontsize": "15"}
        if note:
            attrs["label"] = f" {note} "
        return attrs
    if scene.options.show_local_grads:
        text = _("local {number}", scene.options.language).format(number=naming.minus(scene.options.fmt(local)))
        return {"label": f" {text} ", "fontcolor": _LOCAL_GRAD_BLUE}
    return {}


def draw_graph(
    root: Value,
    *,
    rankdir: str = "auto",
    show_grad: bool = True,
    show_local_grads: bool = False,
    number_format="{:.4g}",
    max_nodes: int | None = 500,
    highlight=None,
    language: str | None = None,
) -> graphviz.Digraph:
    """The computation graph of `root` as a `graphviz.Digraph` (shown inline as SVG in Jupyter).

    One box per value (label | data | grad) and one small node per operation
    between its inputs and its output. Leaves (inputs, parameters) are blue,
    intermediate values grey, the output orange; `highlight` (a Value or some
    Values) draws those boxes yellow with a thick crimson border.

    rankdir: "LR" left to right, "TB" top to bottom, "auto" (the default)
    left to right unless that is wider than a 1920 x 1080 screen at
    save_graph's 144 dpi and top to bottom fits better. show_grad=False hides
    the gradients (before `backward()` they are all zero). show_local_grads
    writes on each input edge the local derivative d(out)/d(input) the
    backward pass multiplies by. number_format: a format string or a callable.
    Graphs with more than `max_nodes` values are cut to the `max_nodes` values
    nearest the output, with a warning; `max_nodes=None` draws everything.
    `language` ("de" or "en"; None: the language in force, see
    `autograd.language`) is that of the picture's words ("local", "not drawn").
    """
    options = DrawOptions.checked(
        root,
        "draw_graph",
        rankdir=rankdir,
        show_grad=show_grad,
        show_local_grads=show_local_grads,
        number_format=number_format,
        max_nodes=max_nodes,
        highlight=highlight,
        language=language,
    )
    return checked_render(root, options)


def checked_render(root: Value, options: DrawOptions, frame: Frame | None = None, stacklevel: int = 3):
    """`render` after making sure dot lays the picture out in seconds (the refusal says which max_nodes fits);
    a cut graph is a warning pointing `stacklevel` calls up (at the user's call)."""
    options = choose_direction(root, options, frame)
    picture = render(root, options, frame)
    if layout_cost(picture) > LAYOUT_LIMIT:
        low, high = 1, len(topological_order(root)) if options.max_nodes is None else options.max_nodes
        while low < high:  # the largest max_nodes whose picture fits
            middle = (low + high + 1) // 2
            if layout_cost(render(root, replace(options, max_nodes=middle), frame)) <= LAYOUT_LIMIT:
                low = middle
            else:
                high = middle - 1
        check_layout(
            picture,
            options.who,
            f"Pass max_nodes={low} (or fewer) to draw the values nearest the output, or draw a smaller expression.",
        )
    total, hidden = picture.values_not_drawn
    if hidden:
        warnings.warn(
            f"{options.who}: the graph has {total} values, more than max_nodes={options.max_nodes}; drawing only "
            f"the {total - hidden} nearest to the output and summarising the other {hidden} in one grey "
            f"'not drawn' node. Pass a larger max_nodes (or None, slow for big graphs) to draw more.",
            stacklevel=stacklevel,
        )
    return picture


def steady_render(root: Value, options: DrawOptions, frames: list[Frame], stacklevel: int = 3) -> list:
    """The pictures of a sequence of frames, every box, edge label and title as large as its largest version.

    dot places nodes by the sizes of their labels, so a number that grows
    from "?" to "294" or a note that appears on an edge would move the rows
    from frame to frame. Each label is measured once by dot (`_measure`) and
    all frames reserve the largest size: dot then lays every frame out the
    same way. Without dot the frames are drawn as they come.
    """
    options = choose_direction(root, options, frames[-1])  # the last frame has every number
    pictures = [checked_render(root, options, frame, stacklevel + 1) for frame in frames]
    if len(pictures) < 2:
        return pictures
    keys = {key for picture in pictures for key in picture.parts}
    try:
        measured = _measure({picture.parts[key] for picture in pictures for key in picture.parts})
    except (GraphvizNotInstalled, PictureTooLarge):
        return pictures

    def largest(key):
        found = [measured[picture.parts[key]] for picture in pictures if key in picture.parts]
        return max(w for w, _ in found), max(h for _, h in found)

    sizes = Sizes(
        boxes={key: largest(key) for key in keys if isinstance(key, str) and key != "title"},
        edges={key: largest(key) for key in keys if isinstance(key, tuple)},
        title=largest("title") if "title" in keys else None,
    )
    return [render(root, options, frame, sizes) for frame in frames]


def _measure(labels: set[str]) -> dict[str, tuple[float, float]]:
    """The width and height in points dot gives each HTML-like label, all measured in one run of dot.

    One node per label and no edges; the sizes are rounded up to the next
    point, so that a table fixed at that size holds its text.
    """
    labels = sorted(labels)
    measuring = new_picture(name="measure")
    measuring.attr("node", fontname=STYLE.font, fontsize="16", shape="plain")
    for k, label in enumerate(labels):
        measuring.node(f"m{k}", label=label)
    plain = run_dot(measuring, "plain", "measuring the frames' labels").decode("utf-8")
    sizes = {}
    for line in plain.splitlines():
        fields = line.split()
        if fields and fields[0] == "node":
            width, height = (math.ceil(float(x) * 72) + 1 for x in fields[4:6])
            sizes[labels[int(fields[1][1:])]] = (float(width), float(height))
    return sizes


# ----------------------------------------------------------------------------- saving


def save_graph(graph: graphviz.Digraph, path, *, dpi: int | None = 144) -> Path:
    """Render `graph` to `path` (format from the suffix: .svg .png .pdf) and write its DOT source beside it.

    `picture.svg` also gets `picture.gv`. The source is written first, so it
    exists even when Graphviz's `dot` program is missing; rendering then
    raises `GraphvizNotInstalled` saying how to install it. `dpi` sets the
    resolution of PNG files: a number from 24 to 600 (`DPI_RANGE`), 144 by
    default (sharp on projectors and high-density screens), or None for
    Graphviz's own 96. Characters no picture can hold (lone surrogates,
    noncharacters such as U+FFFE) are written as U+FFFD, in the source too.
    A picture dot could not lay out in seconds is refused before dot runs
    (`PictureTooLarge`, a ValueError), and dot is stopped after a minute.
    Both files are written whole or not at all, and a symbolic link standing
    at either name is replaced, never written through. Returns the path of
    the image.
    """
    who = "save_graph"
    graphviz = require_graphviz()
    if not isinstance(graph, graphviz.Graph | graphviz.Digraph):
        raise TypeError(f"{who} needs a graphviz.Digraph (from draw_graph), not {checks.shown(graph)}")
    low, high = DPI_RANGE
    if dpi is not None:
        if not checks.is_number(dpi):
            raise TypeError(f"{who}: dpi must be a number of dots per inch or None, not {checks.shown(dpi)}")
        dpi = checks.number(dpi, "dpi (dots per inch, or None)", who, low=low, high=high)
    path = Path(checks.path(path, "path", who))
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise ValueError(f"{who}: cannot tell the format from {str(path)!r}; end the path in .svg, .png or .pdf")
    to_render = graph
    if naming.drawable(graph.source) != graph.source:  # a graph built by hand (draw_graph's labels are drawable)
        to_render = graph.copy()
        to_render.body[:] = [naming.drawable(line) for line in to_render.body]
        for attrs in (to_render.graph_attr, to_render.node_attr, to_render.edge_attr):
            attrs.update({key: naming.drawable(value) for key, value in attrs.items()})
    check_layout(to_render, f"{who} refused {str(path)!r}")
    to_render = with_limits(to_render)
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_atomically(path.with_suffix(".gv"), naming.drawable(to_render.source), who)
    if fmt == "png" and dpi is not None and "dpi" not in graph.graph_attr:
        to_render = to_render.copy()
        to_render.attr(dpi=f"{dpi:g}")
    source = path.with_suffix(".gv")
    data = run_dot(to_render, fmt, f"{who} could not render {str(path)!r} (its DOT source is in {str(source)!r})")
    files.write_atomically(path, data, who)
    return path
