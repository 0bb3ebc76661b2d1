"""Both orders of the chain rule, one frame per step, and a web page to step through the frames.

* `backward_steps(root)` replays the backward pass (reverse accumulation,
  lecture notes, section 1) one node at a time, from the output back.
* `lecture_steps(root)` fills the graph in as the lecture does, one number
  per frame: the forward values, then the gradients (optionally "?" for the
  numbers not reached yet, a class exercise).
* `forward_steps(output, wrt)` replays forward accumulation (lecture notes,
  section 2): d(node)/d(wrt) from the inputs to the output, one node a frame.
* `save_steps(frames, directory)` writes either kind of frames as numbered
  images and one self-contained HTML page (the player, `autograd/pictures/player.html`);
  `save_player(images, page)` writes the same page for any PNG or SVG pictures.

The frames are pictures of `autograd.pictures`; their numbers come from the
recorded local derivatives (`node.local_grads`), backward exactly as
`backward()` adds them and forward from `autograd.forward.forward_derivatives`.
No `.grad` is changed.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from autograd.core import checks, files
from autograd.core.graph import edges, reverse_accumulate
from autograd.core.value import Value
from autograd.language import Domain, resolve
from autograd.pictures import naming
from autograd.pictures.graphs import (
    DEFAULT_NUMBER_FORMAT,
    OPTION_NAMES,
    DrawOptions,
    Frame,
    check_layout,
    indexed,
    require_graphviz,
    save_graph,
    steady_render,
)
from autograd.transforms.forward import forward_derivatives

if TYPE_CHECKING:  # for the annotations only
    import graphviz

__all__ = ["backward_steps", "lecture_steps", "forward_steps", "save_steps", "save_backward_steps", "save_player"]

_ = Domain("autograd").gettext
ngettext = Domain("autograd").ngettext
N_ = Domain.mark

_STEP_OPTIONS = sorted(set(OPTION_NAMES) - {"show_grad"})  # draw_graph's options; show_grad is always on

# kind of frames -> (page file, default page title, image file prefix)
_KINDS = {
    "backward": ("backward_steps.html", N_("The backward pass, step by step"), "step_"),
    "forward": ("forward_steps.html", N_("Forward-mode derivatives, step by step"), "forward_step_"),
    "lecture": ("lecture_steps.html", N_("The chain rule, one number at a time"), "lecture_step_"),
    None: ("steps.html", N_("Step by step"), "step_"),
}

# The player page's words (player.html's {{TEXTS}}), translated where the page is written.
_PLAYER_TEXTS = {
    "previous": N_("previous"),
    "previous_hint": N_("previous (left arrow)"),
    "play": N_("play"),
    "pause": N_("pause"),
    "play_hint": N_("play / pause (space)"),
    "next": N_("next"),
    "next_hint": N_("next (right arrow)"),
    "keys": N_("keys: ← → space, Home, End"),
    "frame": N_("frame {k} of {count}"),
}


def _options(who: str, draw_options: dict) -> tuple[dict, Callable[[float], str]]:
    """draw_graph's options for the frames (show_grad is always on; anything else is refused) and the number format.

    The other options are checked by `DrawOptions.checked` just before the
    first frame, so that a step count over `max_steps` is reported first.
    """
    unknown = set(draw_options) - set(_STEP_OPTIONS) - {"show_grad"}
    if unknown:
        raise TypeError(
            f"{who} got unexpected option(s) {sorted(unknown)}; it takes draw_graph's options {_STEP_OPTIONS}"
        )
    fmt = naming.formatter(draw_options.get("number_format", DEFAULT_NUMBER_FORMAT), who)
    return {**draw_options, "show_grad": True}, lambda x: naming.minus(fmt(x))  # titles write − for minus


def _pictures(root: Value, kind: str, options: DrawOptions, frames: list[Frame]) -> list:
    """The step frames as pictures that keep every node in its place, their titles, kind and language kept for
    `save_steps`."""
    pictures = steady_render(root, options, frames, stacklevel=4)  # warnings point at the caller of backward_steps
    for picture, frame in zip(pictures, frames):
        picture.step_title = frame.title
        picture.step_kind = kind
        picture.step_language = options.language
    return pictures


def _check_steps(count: int, max_steps, who: str, what: str) -> None:
    naming.check_count(max_steps, "max_steps", who, 0)
    if count > max_steps:
        raise ValueError(
            f"{who}: {what} of this graph has {count} steps, more than max_steps={max_steps};"
            " step through a smaller expression or pass a larger max_steps"
        )


# ----------------------------------------------------------------------------- backward


def backward_steps(
    root: Value, *, max_steps: int = 200, language: str | None = None, **draw_options
) -> list[graphviz.Digraph]:
    """One picture per step of the backward pass, in the order backprop visits the nodes.

    Frame 0 shows the seed d(root)/d(root) = 1. Then, for every node with
    inputs in reverse topological order, a frame highlights that node, shows
    its (now complete) upstream gradient, and labels each edge to an input
    `local × upstream = contribution`; the inputs show the gradient summed so
    far. Gradients not computed yet read `grad ?` in grey.

    The gradients are replayed here from each node's inputs and local
    derivatives, exactly as `backward()` adds them; no `.grad` is changed.
    `draw_options` are those of `draw_graph` (show_grad is always on).
    Refuses graphs with more than `max_steps` steps. `language` ("de" or
    "en"; None: the language in force) is that of the titles.
    """
    who = "backward_steps"
    naming.check_root(root, who)
    language = resolve(language, who)
    options, fmt = _options(who, draw_options)
    order, index, names = indexed(root)
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

    def frame(title: str, active: int, step, changed: set, notes: dict) -> Frame:
        state = ["none" if not reached[i] else ("partial" if waiting[i] else "final") for i in range(n)]
        return Frame(title, list(grads), state, "grad", active, step, changed, notes)

    draw = DrawOptions.checked(root, who, language=language, **options)
    root_name = names[last]
    seed = _("Seed: d{r}/d{r} = 1. Backprop now visits the nodes from the output back.", language).format(r=root_name)
    frames = [frame(seed, last, None, set(), {})]

    def passed_on(node, upstream, sent):  # one frame per node that passes gradients on
        if not sent:
            return
        i = index[node]
        notes, changed = {}, set()
        for k, (parent, local, contribution) in enumerate(sent):
            j = index[parent]
            grads[j] += contribution  # the sums so far, as the frames show them
            waiting[j] -= 1
            reached[j] = True
            changed.add(j)
            notes[k] = f"{_times(fmt(local), fmt(upstream))} = {fmt(contribution)}"
        title = _(
            "Step {number} of {count}: {name} = {formula}, upstream gradient d{r}/d{name} = {upstream}; "
            "each input gets local × upstream",
            language,
        ).format(
            number=len(frames),
            count=len(steps),
            name=names[i],
            formula=naming.formula(node, index, names, math=True),
            r=root_name,
            upstream=fmt(upstream),
        )
        frames.append(frame(naming.one_line(title), i, i, changed, notes))

    reverse_accumulate(order, root, on_node=passed_on)
    return _pictures(root, "backward", draw, frames)


# ----------------------------------------------------------------------------- lecture mode


def lecture_steps(
    root: Value,
    *,
    hide_unknown: bool = False,
    questions: bool = False,
    max_steps: int = 200,
    language: str | None = None,
    **draw_options,
):
    """The graph filled in as a lecture does it, one number per frame: the forward values, then the gradients.

    Frame 0 shows the given inputs (the leaves and their values). Then one
    frame per computed value in topological order (`g = a + b = 1 + 2 = 3`),
    then one frame per gradient in the order backprop completes them: the
    seed d(root)/d(root) = 1, then each node the moment its last contribution
    arrives, written as the sum over its users, each local derivative (∂)
    first as its operation's formula, then in numbers (`df/dg = df/di ·
    ∂i/∂g = 42 · h = 42 · 7 = 294`; `df/di = 2 · i = 2 · 21 = 42` where the
    user is the output), with `local × upstream = contribution` on those
    edges.
    The frame's new number is crimson. Numbers not reached yet are left out
    (nothing on the projector gives them away), or read "?" with
    `hide_unknown=True`. `questions=True` (a class exercise) puts a question
    frame before each answer: the next node highlighted, its number a
    crimson "?", the title asking for it (`g = a + b = 1 + 2 = ?`). Every
    node keeps its place in all frames. Titles are written as mathematics:
    `·` for a product, `i²`, `(−1.5)²`, − for minus.

    Like `backward_steps`, the numbers are replayed from the recorded local
    derivatives and no `.grad` is changed; `draw_options` are those of
    `draw_graph`. Refuses graphs of more than `max_steps` numbers to fill in.
    `language` ("de" or "en"; None: the language in force) is that of the
    titles: the German ones speak of Vorwärts- and Rückwärtsdurchlauf.
    """
    who = "lecture_steps"
    naming.check_root(root, who)
    language = resolve(language, who)
    unknown = "?" if checks.flag(hide_unknown, "hide_unknown", who) else "blank"
    questions = checks.flag(questions, "questions", who)
    options, fmt = _options(who, draw_options)
    order, index, names = indexed(root)
    n, last = len(order), len(order) - 1
    computed = [i for i in range(n) if order[i].parents]
    _check_steps(len(computed) + n, max_steps, who, "the lecture")

    # The backward pass replayed: the order in which gradients become complete, and where their parts come from.
    grads = [0.0] * n
    grads[last] = 1.0
    waiting = [0] * n  # edges from users not processed yet
    for node in order:
        for parent in node.parents:
            waiting[index[parent]] += 1
    uses: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]  # (user, input position, local)
    completed = [last]

    def passed_on(node, upstream, sent):
        for k, (parent, local, contribution) in enumerate(sent):
            j = index[parent]
            grads[j] += contribution
            uses[j].append((index[node], k, local))
            waiting[j] -= 1
            if waiting[j] == 0:
                completed.append(j)

    reverse_accumulate(order, root, on_node=passed_on)

    known = [not order[i].parents for i in range(n)]
    state = ["none"] * n
    total_steps = len(computed) + len(completed)

    def frame(title: str, active: int, data_new: int | None, step, edge_notes: dict, asked=None) -> Frame:
        data_state = ["new" if i == data_new else "known" if known[i] else "unknown" for i in range(n)]
        changed = {active} if data_new is None and asked is None else set()
        numbers = Frame(title, list(grads), list(state), "grad", active, step, changed, {}, unknown=unknown)
        return replace(numbers, data_state=data_state, edge_notes=edge_notes, asked=asked)

    draw = DrawOptions.checked(root, who, language=language, **options)
    leaves = [i for i in range(n) if known[i]]
    given = ", ".join(f"{names[i]} = {fmt(order[i].data)}" for i in leaves[:8]) + (", ..." if len(leaves) > 8 else "")
    title = _("Given: {given}. The forward pass computes the other values, one per frame.", language).format(
        given=given
    )
    frames = [frame(title, -1, None, None, {})]  # nothing highlighted yet
    number = 0
    values = [fmt(node.data) for node in order]
    for i in computed:
        number += 1
        node = order[i]
        asked = (
            f"{names[i]} = {naming.formula(node, index, names, math=True)} = "
            f"{naming.formula(node, index, values, math=True)} ="
        )
        if questions:
            question = _("Question {number} of {count}, forward: {asked} ?", language)
            question = question.format(number=number, count=total_steps, asked=asked)
            frames.append(frame(naming.one_line(question), i, None, i, {}, asked="data"))
        title = _("Step {number} of {count}, forward: {asked} {value}", language).format(
            number=number, count=total_steps, asked=asked, value=fmt(order[i].data)
        )
        frames.append(frame(naming.one_line(title), i, i, i, {}))
        known[i] = True
    r = names[last]
    for j in completed:
        number += 1
        if j == last:
            state[j] = "final"
            title = _("Step {number} of {count}, backward: the seed d{r}/d{r} = 1", language).format(
                number=number, count=total_steps, r=r
            )
            frames.append(frame(title, j, None, None, {}))
            continue
        asked = _gradient_sum(order, index, names, grads, fmt, uses[j], j)
        if questions:
            factors = {(i, k): f"{_times(fmt(local), fmt(grads[i]))}" for i, k, local in uses[j]}
            question = _("Question {number} of {count}, backward: {asked} ?", language)
            question = question.format(number=number, count=total_steps, asked=asked)
            frames.append(frame(naming.one_line(question), j, None, None, factors, asked="number"))
        state[j] = "final"
        title = _("Step {number} of {count}, backward: {asked} {value}", language).format(
            number=number, count=total_steps, asked=asked, value=fmt(grads[j])
        )
        notes = {(i, k): f"{_times(fmt(local), fmt(grads[i]))} = {fmt(local * grads[i])}" for i, k, local in uses[j]}
        frames.append(frame(naming.one_line(title), j, None, None, notes))
    return _pictures(root, "lecture", draw, frames)


def _gradient_sum(order, index, names, grads, fmt, uses, j: int) -> str:
    """`df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 =`: node j's gradient as the sum over its users of upstream ×
    local derivative, each local derivative in its formula (the operation's record), then in numbers."""
    terms = []
    for i, k, local in uses:
        user = order[i]
        by_name = naming.local_formula(user, k, [names[index[p]] for p in user.parents], names[i])
        by_number = naming.local_formula(user, k, [fmt(p.data) for p in user.parents], fmt(user.data))
        terms.append((names[i], i == len(order) - 1, fmt(grads[i]), by_name, by_number, fmt(local)))
    return naming.chain_sum(names[-1], names[j], terms, fmt(grads[j]), open_end=True)


def _times(left: str, right: str, sign: str = "×") -> str:
    """`local × upstream` as the edges write it (or a product in a title, `42 · 7`), a negative factor in brackets."""
    return f"{naming.bracketed(left)} {sign} {naming.bracketed(right)}"


# ----------------------------------------------------------------------------- forward


def forward_steps(
    output: Value, wrt: Value, *, max_steps: int = 200, language: str | None = None, **draw_options
) -> list[graphviz.Digraph]:
    """One picture per step of forward accumulation of d(node)/d(wrt), from the inputs to the output.

    Frame 0 seeds d(wrt)/d(wrt) = 1 and greys every node that does not
    depend on `wrt` (its derivative is 0, and the frame says which). Then,
    for every node that depends on `wrt`, in topological order, a frame
    highlights it, labels each edge from an input `local × tangent =
    contribution` (tangent: the input's d/d(wrt)) and shows their sum, the
    node's d/d(wrt). The last frame's output box holds d(output)/d(wrt), the
    number `backward()` would put into `wrt.grad`.

    The numbers are those of `autograd.forward.forward_derivatives`; no
    `.grad` is changed. `draw_options` are those of `draw_graph`; `language`
    ("de" or "en"; None: the language in force) is that of the titles.
    """
    who = "forward_steps"
    naming.check_root(output, who)
    language = resolve(language, who)
    if not isinstance(wrt, Value):
        raise TypeError(f"{who}: wrt must be a Value of the graph of output, not {checks.shown(wrt)}")
    options, fmt = _options(who, draw_options)
    order, index, names = indexed(output)
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
    cell = f"d/d{naming.one_line(names[w])}"

    def frame(title: str, active: int, step, notes: dict) -> Frame:
        return Frame(title, list(shown_numbers), list(state), cell, active, step, {active}, notes)

    draw = DrawOptions.checked(output, who, language=language, **options)
    x = names[w]
    zeros = [names[i] for i in range(n) if not depends[i]]
    title = _("Seed: d{x}/d{x} = 1. Forward mode now visits the nodes from the inputs to the output.", language)
    title = title.format(x=x)
    if zeros:
        title += " " + ngettext(
            "{names} does not depend on {x}: d/d{x} = 0.", "{names} do not depend on {x}: d/d{x} = 0.", len(zeros),
            language,
        ).format(names=", ".join(zeros), x=x)  # fmt: skip
    frames = [frame(naming.one_line(title), w, None, {})]
    for number, i in enumerate(steps, start=1):
        node = order[i]
        notes = {}
        for k, (parent, local) in enumerate(edges(node)):
            tangent = tangents[parent]
            notes[k] = f"{_times(fmt(local), fmt(tangent))} = {fmt(local * tangent)}"
        shown_numbers[i], state[i] = tangents[node], "final"
        title = _(
            "Step {number} of {count}: {name} = {formula}, d{name}/d{x} = sum of local × tangent = {value}", language
        ).format(
            number=number,
            count=len(steps),
            name=names[i],
            formula=naming.formula(node, index, names, math=True),
            x=x,
            value=fmt(tangents[node]),
        )
        frames.append(frame(naming.one_line(title), i, i, notes))
    return _pictures(output, "forward", draw, frames)


# ----------------------------------------------------------------------------- the player


def _inline_svg(data: bytes) -> str:
    """An SVG file's text without its XML declaration, doctype and comments, ready to sit inside HTML."""
    text = data.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return text.strip()


def player_texts(language: str | None = None) -> dict[str, str]:
    """The player page's words (buttons, their hints, the counter's "frame {k} of {count}") in `language`."""
    language = resolve(language, "player_texts")
    return {key: _(text, language) for key, text in _PLAYER_TEXTS.items()}


def _player(title: str, frames: str, interval_ms: int, language: str) -> str:
    """The player page (package data `autograd/pictures/player.html`) with its placeholders filled in, in one pass."""
    template = resources.files("autograd.pictures").joinpath("player.html").read_text(encoding="utf-8")
    texts = player_texts(language)
    values = {"TITLE": html.escape(title), "FRAMES": frames, "INTERVAL_MS": str(interval_ms), "LANG": language}
    values |= {key.upper(): html.escape(text) for key, text in texts.items()}
    values["TEXTS"] = json.dumps(texts, ensure_ascii=False).replace("<", "\\u003c")  # no "</script>" in the script
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


_CSS_PX = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def _image_size(data: bytes, fmt: str) -> tuple[float, float] | None:
    """The picture's width and height in CSS pixels: a PNG's pixels, an SVG's width and height (or viewBox)."""
    if fmt == "png":
        if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
            return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return None
    root = re.search(r"<svg\b[^>]*>", data.decode("utf-8", "replace"))
    if not root:
        return None
    attrs = dict(re.findall(r'([\w:-]+)\s*=\s*"([^"]*)"', root.group(0)))
    sizes = [re.fullmatch(r"\s*([0-9.]+)\s*([a-z]*)\s*", attrs.get(key, "")) for key in ("width", "height")]
    if all(m and m.group(2) in _CSS_PX for m in sizes):
        return tuple(float(m.group(1)) * _CSS_PX[m.group(2)] for m in sizes)
    box = attrs.get("viewBox", "").replace(",", " ").split()
    return (float(box[2]), float(box[3])) if len(box) == 4 else None


def _player_page(title: str, images: list, captions: list, labels: list, interval_ms: int, language: str) -> str:
    """The page for `images` [(bytes, "png" or "svg")]: one fixed stage as large as the largest frame.

    Every frame is drawn at the same scale (its width a share of the stage's),
    so neither the frames nor the buttons move as one clicks through. The
    caption is the image's alternative text only (the frames carry their own
    titles); `labels` are the counter's text per frame.
    """
    sizes = [_image_size(data, fmt) for data, fmt in images]
    if None in sizes:
        k = sizes.index(None)
        raise ValueError(f"frame {k} ({images[k][1]}) has no readable width and height")
    width, height = max(w for w, _ in sizes), max(h for _, h in sizes)
    blocks = []
    for k, ((data, fmt), (w, _), caption, label) in enumerate(zip(images, sizes, captions, labels)):
        share = f"width: {100 * w / width:.3f}%"
        if fmt == "svg":
            before, svg, after = _inline_svg(data).partition("<svg")
            image = f'{before}{svg} role="img" aria-label="{html.escape(caption)}" style="{share}"{after}'
        else:
            encoded = base64.b64encode(data).decode("ascii")
            image = f'<img alt="{html.escape(caption)}" style="{share}" src="data:image/png;base64,{encoded}">'
        blocks.append(f'<div class="frame" id="frame{k}" data-label="{html.escape(label)}">\n{image}\n</div>')
    stage = f'<div class="stage" style="max-width: {width:.0f}px; aspect-ratio: {width:.0f} / {height:.0f}">'
    return _player(title, "\n".join([stage, *blocks, "</div>"]), interval_ms, language)


def _counter_label(caption: str, k: int, count: int, language: str) -> str:
    """What the counter says for frame k: the caption's own numbering ("Step 3 of 4", "Schritt 3 von 4") or
    heading ("Seed:"), lower case in English (German keeps its nouns' capitals)."""
    numbered = re.match(r"[^\W\d_]+ \d+ (?:of|von) \d+\b|\w+(?=:)", caption)
    if numbered:
        return numbered.group(0).lower() if language == "en" else numbered.group(0)
    return _(_PLAYER_TEXTS["frame"], language).format(k=k + 1, count=count)


_MAX_INTERVAL_MS = 3_600_000  # an hour per frame


def _checked_title(title, who: str) -> str:
    if not isinstance(title, str):
        raise TypeError(f"{who}: title must be a str, not {checks.shown(title)}")
    return title


def save_player(
    images: Iterable, page, *, captions=None, title: str | None = None, interval_ms: int = 500, language=None
) -> Path:
    """Write one offline web page that steps through pictures (PNG or SVG files, e.g. matplotlib frames).

    The page is the one `save_steps` writes: previous / next / play buttons,
    the arrow keys, every image embedded, all frames shown at one scale on a
    stage as large as the largest. `images` is a sequence (a list, tuple or
    generator; a set has no order) of file paths. `captions` (one str per
    image, in a sequence too) become the images' alternative text; put what
    a frame shows into the picture itself. The counter repeats a caption's
    numbering ("Epoch 3 of 20: ..." gives "epoch 3 of 20") or heading
    ("Start: ..." gives "start"), else it counts frames. The page is written
    whole or not at all, never through a symbolic link standing at its name.
    `language` ("de" or "en"; None: the language in force) is that of the
    buttons, the counter and the default title ("Animation"). Returns the
    page's path.
    """
    who = "save_player"
    language = resolve(language, who)
    if isinstance(images, str | bytes | Path):
        raise TypeError(f"{who}: images must be a list of PNG or SVG file paths, not one path ({checks.shown(images)})")
    items = checks.ordered(images, "images (a list of PNG or SVG file paths)", who)
    paths = [Path(checks.path(item, f"images[{k}]", who)) for k, item in enumerate(items)]
    page = Path(checks.path(page, "page", who))
    for path in paths:
        if path.suffix.lower() not in (".png", ".svg"):
            raise ValueError(f"{who}: image {str(path)!r} is not a .png or .svg file (formats a web page shows)")
        if not path.is_file():
            raise ValueError(f"{who}: image {str(path)!r} does not exist")
    if captions is None:
        captions = [_(_PLAYER_TEXTS["frame"], language).format(k=k + 1, count=len(paths)) for k in range(len(paths))]
    captions = checks.ordered(captions, "captions (one str per image)", who, empty=True)
    if len(captions) != len(paths):
        raise ValueError(f"{who}: captions must be one str per image ({len(paths)}), not {len(captions)} of them")
    for k, caption in enumerate(captions):
        if not isinstance(caption, str):
            raise TypeError(f"{who}: captions[{k}] must be a str, not {checks.shown(caption)}")
    title = _("Animation", language) if title is None else _checked_title(title, who)
    naming.check_count(interval_ms, "interval_ms", who, 1, _MAX_INTERVAL_MS)
    data = [(files.read_regular(path, who, _MAX_IMAGE_BYTES), path.suffix.lower().lstrip(".")) for path in paths]
    labels = [_counter_label(caption, k, len(paths), language) for k, caption in enumerate(captions)]
    try:
        text = _player_page(title, data, captions, labels, interval_ms, language)
    except ValueError as exc:
        raise ValueError(f"{who}: {exc}") from None
    if page.is_dir():
        raise IsADirectoryError(f"{who}: page {str(page)!r} is a folder; give the path of the .html file to write")
    page.parent.mkdir(parents=True, exist_ok=True)
    return files.write_atomically(page, text, who, "page")


_MAX_IMAGE_BYTES = 200 * 10**6  # one frame of a page a browser shows


def save_steps(
    frames: Iterable[graphviz.Digraph],
    directory,
    fmt: str = "png",
    *,
    title: str | None = None,
    interval_ms: int = 1500,
    dpi: int | None = 144,
    language: str | None = None,
) -> dict:
    """Write step frames (of `backward_steps` or `forward_steps`) as numbered images and one page to step through.

    Returns {"frames": [image paths], "html": page path}, all in `directory`:
    backward frames give step_000.png ... and backward_steps.html, forward
    frames forward_step_000.png ... and forward_steps.html, so both kinds can
    share a directory. The page embeds every image (SVG inline, PNG as
    base64), so it opens offline in any browser; previous / next / play
    buttons and the arrow keys move through the steps; the counter numbers
    them as the frames' titles do ("step 3 of 4"). `fmt` is "png" or
    "svg"; `title` defaults to one naming the kind of frames. Each frame's
    DOT source is written too (step_000.gv ...), even without Graphviz.
    Every file is written whole, never through a symbolic link standing at
    its name (the link is replaced). `language` is that of the page's title,
    buttons and counter; None: the frames' own language.
    """
    who = "save_steps"
    graphviz = require_graphviz()
    if isinstance(frames, Value | graphviz.Graph | graphviz.Digraph):
        raise TypeError(
            f"{who}: frames must be the list backward_steps or forward_steps returns, not one "
            f"{type(frames).__name__} (a Value or one picture)"
        )
    frames = checks.ordered(frames, "frames (the list backward_steps or forward_steps returns)", who)
    for k, frame in enumerate(frames):
        if not isinstance(frame, graphviz.Graph | graphviz.Digraph):
            raise TypeError(f"{who}: frame {k} is a {type(frame).__name__}, not a graphviz.Digraph")
    directory = Path(checks.path(directory, "directory", who))
    kinds = {getattr(frame, "step_kind", None) for frame in frames}
    if len(kinds) > 1:
        raise ValueError(
            f"{who}: the frames mix kinds {sorted(str(kind) for kind in kinds)}; save the frames of "
            "backward_steps and of forward_steps separately"
        )
    page_name, default_title, prefix = _KINDS[kinds.pop()]
    if language is None:
        spoken = {getattr(frame, "step_language", None) for frame in frames} - {None}
        language = spoken.pop() if len(spoken) == 1 else None
    language = resolve(language, who)
    title = _(default_title, language) if title is None else _checked_title(title, who)
    naming.check_count(interval_ms, "interval_ms", who, 1, _MAX_INTERVAL_MS)
    if isinstance(fmt, str):
        fmt = fmt.lower().lstrip(".")
    checks.choice(fmt, "fmt", who, ("png", "svg"))
    for frame in frames:  # before anything is written
        check_layout(frame, who)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{prefix}{k:03d}.{fmt}" for k in range(len(frames))]
    for frame, path in zip(frames, paths):  # all sources first: they are useful even without `dot`
        files.write_atomically(path.with_suffix(".gv"), frame.source, who)
    images, captions = [], []
    for k, (frame, path) in enumerate(zip(frames, paths)):
        save_graph(frame, path, dpi=dpi)
        images.append((files.read_regular(path, who, _MAX_IMAGE_BYTES), fmt))
        default = _(_PLAYER_TEXTS["frame"], language).format(k=k + 1, count=len(frames))
        captions.append(getattr(frame, "step_title", default))
    labels = [_counter_label(caption, k, len(frames), language) for k, caption in enumerate(captions)]
    page = files.write_atomically(
        directory / page_name, _player_page(title, images, captions, labels, interval_ms, language), who
    )
    return {"frames": paths, "html": page}


save_backward_steps = save_steps  # the old name, from when only the backward pass had frames
