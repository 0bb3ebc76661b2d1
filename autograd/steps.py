"""Both orders of the chain rule, one frame per step, and a web page to step through the frames.

* `backward_steps(root)` replays the backward pass (reverse accumulation,
  lecture notes, section 1) one node at a time, from the output back.
* `forward_steps(output, wrt)` replays forward accumulation (lecture notes,
  section 2): d(node)/d(wrt) from the inputs to the output, one node a frame.
* `save_steps(frames, directory)` writes either kind of frames as numbered
  images and one self-contained HTML page (the player, `autograd/player.html`).

The frames are pictures of `autograd.pictures`; their numbers come from the
recorded local derivatives (`node.local_grads`), backward exactly as
`backward()` adds them and forward from `autograd.forward.forward_derivatives`.
No `.grad` is changed.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from autograd import _text
from autograd.forward import forward_derivatives
from autograd.graph import edges, topological_order
from autograd.pictures import _graphviz, _render, save_graph
from autograd.value import Value

if TYPE_CHECKING:  # for the annotations only
    import graphviz

__all__ = ["backward_steps", "forward_steps", "save_steps", "save_backward_steps"]

_DRAW_OPTIONS = {
    "rankdir": "LR",
    "show_local_grads": False,
    "number_format": "{:.4g}",
    "max_nodes": 500,
    "highlight": None,
}

# kind of frames -> (page file, default page title, image file prefix)
_KINDS = {
    "backward": ("backward_steps.html", "The backward pass, step by step", "step_"),
    "forward": ("forward_steps.html", "Forward-mode derivatives, step by step", "forward_step_"),
    None: ("steps.html", "Step by step", "step_"),
}


def _options(who: str, draw_options: dict) -> dict:
    """draw_graph's options for the frames (show_grad is always on); anything else is refused."""
    unknown = set(draw_options) - set(_DRAW_OPTIONS) - {"show_grad"}
    if unknown:
        raise TypeError(
            f"{who} got unexpected option(s) {sorted(unknown)}; it takes draw_graph's options {sorted(_DRAW_OPTIONS)}"
        )
    options = {**_DRAW_OPTIONS, **draw_options}
    options["show_grad"] = True
    return options


def _frame(root: Value, who: str, kind: str, options: dict, frame: dict):
    picture = _render(root, who=who, frame=frame, **options)
    picture.step_title = frame["title"]
    picture.step_kind = kind
    return picture


def _check_steps(count: int, max_steps, who: str, what: str) -> None:
    _text.check_count(max_steps, "max_steps", who, 0)
    if count > max_steps:
        raise ValueError(
            f"{who}: {what} of this graph has {count} steps, more than max_steps={max_steps};"
            " step through a smaller expression or pass a larger max_steps"
        )


# ----------------------------------------------------------------------------- backward


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
    who = "backward_steps"
    _text.check_root(root, who)
    options = _options(who, draw_options)
    fmt = _text.formatter(options["number_format"], who)
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    names = _text.names(order)
    steps = [index[node] for node in reversed(order) if node.parents]  # the order backward() visits them in
    _check_steps(len(steps), max_steps, who, "the backward pass")

    n = len(order)
    grads = [0.0] * n
    waiting = [0] * n  # edges from children not processed yet
    for node in order:
        for parent in node.parents:
            waiting[index[parent]] += 1
    reached = [False] * n
    last = n - 1
    grads[last] = 1.0
    reached[last] = True

    def frame(title: str, active: int, step, changed: set, notes: dict) -> graphviz.Digraph:
        state = ["none" if not reached[i] else ("partial" if waiting[i] else "final") for i in range(n)]
        content = {"title": title, "numbers": list(grads), "state": state, "cell": "grad"}
        content.update(active=active, step=step, changed=changed, notes=notes)
        return _frame(root, who, "backward", options, content)

    root_name = names[last]
    seed = f"Seed: d{root_name}/d{root_name} = 1. Backprop now visits the nodes from the output back."
    frames = [frame(seed, last, None, set(), {})]
    for number, i in enumerate(steps, start=1):
        node = order[i]
        upstream = grads[i]
        notes, changed = {}, set()
        for k, (parent, local) in enumerate(edges(node)):
            j = index[parent]
            contribution = local * upstream
            grads[j] += contribution
            waiting[j] -= 1
            reached[j] = True
            changed.add(j)
            notes[k] = f"{fmt(local)} × {fmt(upstream)} = {fmt(contribution)}"
        title = (
            f"Step {number} of {len(steps)}: {names[i]} = {_text.formula(node, index, names)}, "
            f"upstream gradient d{root_name}/d{names[i]} = {fmt(upstream)}; each input gets local × upstream"
        )
        frames.append(frame(_text.one_line(title), i, i, changed, notes))
    return frames


# ----------------------------------------------------------------------------- forward


def forward_steps(output: Value, wrt: Value, *, max_steps: int = 200, **draw_options) -> list[graphviz.Digraph]:
    """One picture per step of forward accumulation of d(node)/d(wrt), from the inputs to the output.

    Frame 0 seeds d(wrt)/d(wrt) = 1 and greys every node that does not
    depend on `wrt` (its derivative is 0, and the frame says which). Then,
    for every node that depends on `wrt`, in topological order, a frame
    highlights it, labels each edge from an input `local × tangent =
    contribution` (tangent: the input's d/d(wrt)) and shows their sum, the
    node's d/d(wrt). The last frame's output box holds d(output)/d(wrt), the
    number `backward()` would put into `wrt.grad`.

    The numbers are those of `autograd.forward.forward_derivatives`; no
    `.grad` is changed. `draw_options` are those of `draw_graph`.
    """
    who = "forward_steps"
    _text.check_root(output, who)
    if not isinstance(wrt, Value):
        raise TypeError(f"{who}: wrt must be a Value of the graph of output, not {type(wrt).__name__} {wrt!r}")
    options = _options(who, draw_options)
    fmt = _text.formatter(options["number_format"], who)
    order = topological_order(output)
    index = {node: i for i, node in enumerate(order)}
    names = _text.names(order)
    if wrt not in index:
        shown = repr(wrt.label) if wrt.label else repr(wrt)
        raise ValueError(
            f"{who}: wrt {shown} is not in the graph of {names[-1]!r}: {names[-1]} does not depend on it "
            "(every derivative would be 0)"
        )
    n, w = len(order), index[wrt]
    depends = [False] * n  # does the node depend on wrt? (the structure of the graph, no derivative)
    for i, node in enumerate(order):
        depends[i] = i == w or any(depends[index[p]] for p in node.parents)
    steps = [i for i in range(n) if depends[i] and i != w]
    _check_steps(len(steps), max_steps, who, "forward accumulation")
    tangents = forward_derivatives(output, wrt)
    shown_numbers = [0.0] * n
    state = ["none" if depends[i] else "zero" for i in range(n)]
    shown_numbers[w], state[w] = tangents[wrt], "final"
    cell = f"d/d{_text.one_line(names[w])}"

    def frame(title: str, active: int, step, notes: dict) -> graphviz.Digraph:
        content = {"title": title, "numbers": list(shown_numbers), "state": list(state), "cell": cell}
        content.update(active=active, step=step, changed={active}, notes=notes)
        return _frame(output, who, "forward", options, content)

    x = names[w]
    zeros = [names[i] for i in range(n) if not depends[i]]
    title = f"Seed: d{x}/d{x} = 1. Forward mode now visits the nodes from the inputs to the output."
    if zeros:
        title += f" {', '.join(zeros)} {'does' if len(zeros) == 1 else 'do'} not depend on {x}: d/d{x} = 0."
    frames = [frame(_text.one_line(title), w, None, {})]
    for number, i in enumerate(steps, start=1):
        node = order[i]
        notes = {}
        for k, (parent, local) in enumerate(edges(node)):
            tangent = tangents[parent]
            notes[k] = f"{fmt(local)} × {fmt(tangent)} = {fmt(local * tangent)}"
        shown_numbers[i], state[i] = tangents[node], "final"
        title = (
            f"Step {number} of {len(steps)}: {names[i]} = {_text.formula(node, index, names)}, "
            f"d{names[i]}/d{x} = sum of local × tangent = {fmt(tangents[node])}"
        )
        frames.append(frame(_text.one_line(title), i, i, notes))
    return frames


# ----------------------------------------------------------------------------- the player


def _inline_svg(data: bytes) -> str:
    """An SVG file's text without its XML declaration, doctype and comments, ready to sit inside HTML."""
    text = data.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return text.strip()


def _player(title: str, frames: str, interval_ms: int) -> str:
    """The player page (package data `autograd/player.html`) with its placeholders filled in, in one pass."""
    template = resources.files("autograd").joinpath("player.html").read_text(encoding="utf-8")
    values = {"TITLE": html.escape(title), "FRAMES": frames, "INTERVAL_MS": str(interval_ms)}
    return re.sub(r"\{\{(TITLE|FRAMES|INTERVAL_MS)\}\}", lambda m: values[m.group(1)], template)


def save_steps(
    frames: Iterable[graphviz.Digraph],
    directory,
    fmt: str = "png",
    *,
    title: str | None = None,
    interval_ms: int = 1500,
    dpi: int | None = 144,
) -> dict:
    """Write step frames (of `backward_steps` or `forward_steps`) as numbered images and one page to step through.

    Returns {"frames": [image paths], "html": page path}, all in `directory`:
    backward frames give step_000.png ... and backward_steps.html, forward
    frames forward_step_000.png ... and forward_steps.html, so both kinds can
    share a directory. The page embeds every image (SVG inline, PNG as
    base64), so it opens offline in any browser; previous / next / play
    buttons and the arrow keys move through the steps. `fmt` is "png" or
    "svg"; `title` defaults to one naming the kind of frames. Each frame's
    DOT source is written too (step_000.gv ...), even without Graphviz.
    """
    graphviz = _graphviz()
    frames = list(frames)
    if not frames:
        raise ValueError("save_steps: no frames to save (pass the list backward_steps or forward_steps returns)")
    for k, frame in enumerate(frames):
        if not isinstance(frame, graphviz.Graph | graphviz.Digraph):
            raise TypeError(f"save_steps: frame {k} is a {type(frame).__name__}, not a graphviz.Digraph")
    kinds = {getattr(frame, "step_kind", None) for frame in frames}
    if len(kinds) > 1:
        raise ValueError(
            f"save_steps: the frames mix kinds {sorted(str(kind) for kind in kinds)}; save the frames of "
            "backward_steps and of forward_steps separately"
        )
    page_name, default_title, prefix = _KINDS[kinds.pop()]
    if title is None:
        title = default_title
    if not isinstance(title, str):
        raise TypeError(f"save_steps: title must be a str, not {type(title).__name__} {title!r}")
    _text.check_count(interval_ms, "interval_ms", "save_steps", 1)
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ValueError(f"save_steps: fmt must be 'png' or 'svg' (formats a web page shows), not {fmt!r}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{prefix}{k:03d}.{fmt}" for k in range(len(frames))]
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
    page = directory / page_name
    page.write_text(_player(title, "\n".join(blocks), interval_ms), encoding="utf-8")
    return {"frames": paths, "html": page}


save_backward_steps = save_steps  # the old name, from when only the backward pass had frames
