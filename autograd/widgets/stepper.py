"""The stepper: the step frames of `autograd.pictures` as a live widget, with node details, inputs and exercises.

`Stepper(root, mode="backward" | "forward" | "lecture", exercise=False)`
shows the frames `backward_steps`, `forward_steps` or `lecture_steps` make
(the one source of the frames), as SVG, with previous / next / play buttons
and the arrow keys. A click on a node shows its value, its local
derivatives and, on each input edge, local × upstream = contribution. The
inputs' values are number fields: a new value rebuilds the graph with the
same operations in the kernel, and every frame is drawn again.

`exercise=True` turns the numbers a frame has not reached yet ("?") into
input fields: the kernel checks each answer (`autograd.widgets.exercise`,
the same verdicts as `check_answers`), colours the field and says why, and
keeps a running score; "show" fills in the answers (for the teacher).

Without a widget front end (a terminal, GitHub's notebook viewer,
nbconvert) the stepper shows the current frame as a picture and one line
saying what it is.
"""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

import anywidget
import traitlets

from autograd.core import checks
from autograd.core.graph import topological_order
from autograd.core.registry import lookup
from autograd.core.value import Value
from autograd.language import Domain, resolve
from autograd.pictures import backward_steps, forward_steps, lecture_steps, naming
from autograd.transforms.forward import forward_derivatives
from autograd.widgets.exercise import DEFAULT_TOLERANCE, STATUS, GraphFacts, check_tolerance, read_number, verdict
from autograd.widgets.fallback import with_fallback

__all__ = ["Stepper", "MODES"]

MODES = ("backward", "forward", "lecture")
_WHO = "Stepper"
_ = Domain("autograd").gettext
N_ = Domain.mark
_HINT = N_("a live widget: in Jupyter with the `live` extra it has buttons; here is its current frame")
# What the page side writes (stepper.js), in the widget's language; {fields} are filled in by the page.
PAGE_TEXTS = {
    "previous": N_("◀ previous"),
    "next": N_("next ▶"),
    "play": N_("play"),
    "pause": N_("pause"),
    "show": N_("show answers"),
    "hide": N_("hide answers"),
    "previous_title": N_("previous frame (left arrow)"),
    "next_title": N_("next frame (right arrow)"),
    "play_title": N_("play the frames (space)"),
    "show_title": N_("for the teacher: fill in every answer"),
    "counter": N_("frame {frame} of {count}"),
    "score": N_("score: {right} of {tried} right"),
    "value_of": N_("value of {name}"),
    "gradient_of": N_("gradient of {name}"),
    "click": N_("Click a node to see its value, local derivatives and edges."),
    "an_input": N_("(an input)"),
    "value": N_("value {value}"),
    "edge": N_("edge"),
    "local": N_("local"),
    "times_tangent": N_("× tangent"),
    "times_upstream": N_("× upstream"),
    "contribution": N_("= contribution"),
}
_NODE_LABEL = re.compile(r"^\s*v(\d+) \[label=<(.*)>", re.MULTILINE)


def _asset(name: str) -> str:
    return resources.files("autograd.widgets").joinpath(name).read_text(encoding="utf-8")


def hidden_numbers(frame, cell: str = "grad") -> dict[int, list[str]]:
    """Which numbers a step frame hides, read from its DOT source: {node position: ["data", "grad"]}.

    The frames draw a number not reached yet as "?" (or leave it out); this
    is the same information the picture gives a student (steps.py has no
    per-frame data of its own to ask).
    """
    # a cell not reached: "data ?", "grad ?" ("d/da ?" for `cell` "d/da"), or the cell's name alone (left blank)
    unknown = re.compile(rf">(data|{re.escape(html.escape(cell))})(?: \?)?<")
    hidden = {}
    for match in _NODE_LABEL.finditer(frame.source):
        cells = ["data" if text == "data" else "grad" for text in unknown.findall(match.group(2))]
        if cells:
            hidden[int(match.group(1))] = cells
    return hidden


def rebuilt(root: Value, values: dict[int, float]) -> Value:
    """A new graph of the same operations as `root`'s, with the leaves at positions `values` set to new numbers.

    Every operation is applied again to the new operands (recorded constants
    stay), so data and local derivatives are those the engine computes for
    the new inputs; `root`'s graph is not changed. Labels are kept.
    """
    order = topological_order(root)
    new = {}
    for i, node in enumerate(order):
        if not node.parents:
            made = Value(values.get(i, node.data), label=node.label)
        else:
            operands = [new[id(item)] if isinstance(item, Value) else item for item in node.operands]
            record = lookup(node.op)
            made = record.apply(*operands) if record.apply is not None else record(*operands)
            made.label = node.label
        new[id(node)] = made
    return new[id(order[-1])]


class Stepper(anywidget.AnyWidget):
    """Step through the frames of a computation graph (see the module's docstring); `frame` is the frame shown."""

    _esm = _asset("stepper.js")
    _css = _asset("stepper.css")

    mode = traitlets.Unicode("backward").tag(sync=True)
    exercise = traitlets.Bool(False).tag(sync=True)
    svgs = traitlets.List(traitlets.Unicode()).tag(sync=True)
    titles = traitlets.List(traitlets.Unicode()).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    interval_ms = traitlets.Int(1200).tag(sync=True)
    hidden = traitlets.List().tag(sync=True)  # per frame: {position: ["data", "grad"]} as [[position, cells], ...]
    names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    leaves = traitlets.List().tag(sync=True)  # [{"position", "name", "value"}]
    leaf_values = traitlets.Dict().tag(sync=True)  # {name: number}, edited in the page
    selected = traitlets.Int(-1).tag(sync=True)  # the node clicked, -1: none
    details = traitlets.Dict().tag(sync=True)
    answers = traitlets.Dict().tag(sync=True)  # {"grad:g": "294"} typed in the page
    feedback = traitlets.Dict().tag(sync=True)  # {"grad:g": {"status", "message", "answer"}}
    score = traitlets.Dict({"right": 0, "tried": 0}).tag(sync=True)
    shown = traitlets.Bool(False).tag(sync=True)  # the teacher pressed "show"
    revealed = traitlets.Dict().tag(sync=True)  # {"grad:g": "294"} after "show"
    message = traitlets.Unicode("").tag(sync=True)
    tolerance = traitlets.Float(DEFAULT_TOLERANCE).tag(sync=True)
    texts = traitlets.Dict().tag(sync=True)  # PAGE_TEXTS in the widget's language

    def __init__(
        self,
        root: Value,
        mode: str = "backward",
        *,
        wrt: Value | None = None,
        exercise: bool = False,
        tolerance: float = DEFAULT_TOLERANCE,
        interval_ms: int = 1200,
        rankdir: str = "LR",
        max_steps: int = 60,
        language: str | None = None,
    ) -> None:
        naming.check_root(root, _WHO)
        self._language = resolve(language, _WHO)
        if mode not in MODES:
            raise ValueError(f"{_WHO}: mode must be one of {list(MODES)}, not {mode!r}")
        exercise = checks.flag(exercise, "exercise", _WHO)
        tolerance = check_tolerance(tolerance, _WHO)
        naming.check_count(interval_ms, "interval_ms", _WHO, 50)
        if wrt is not None and mode != "forward":
            raise ValueError(f"{_WHO}: wrt is for mode='forward' (d node/d wrt), not mode={mode!r}")
        self._root = root
        self._draw = {"rankdir": rankdir, "max_steps": max_steps, "language": self._language}
        facts = GraphFacts(root, _WHO)
        leaves = [i for i, node in enumerate(facts.order) if not node.parents]
        if mode == "forward":
            wrt = facts.order[leaves[0]] if wrt is None else wrt
            if not isinstance(wrt, Value) or wrt not in facts.index:
                raise ValueError(f"{_WHO}: wrt must be a Value of the graph of root, not {checks.shown(wrt)}")
        self._wrt_position = None if wrt is None else facts.index[wrt]
        texts = {key: _(text, self._language) for key, text in PAGE_TEXTS.items()}
        super().__init__(mode=mode, exercise=exercise, tolerance=tolerance, interval_ms=interval_ms, texts=texts)
        self._build(root)
        self.leaves = [{"position": i, "name": facts.names[i], "value": facts.data[i]} for i in leaves]

    # ---- the graph and its frames ------------------------------------------------

    def _frames(self, root: Value) -> list:
        draw = self._draw
        if self.mode == "backward":
            return backward_steps(root, **draw)
        if self.mode == "forward":
            wrt = topological_order(root)[self._wrt_position]
            return forward_steps(root, wrt, **draw)
        return lecture_steps(root, hide_unknown=self.exercise, **draw)

    def _build(self, root: Value) -> None:
        """Frames, their pictures and the facts for checking, for the graph of `root` (also after an edit)."""
        frames = self._frames(root)
        with ThreadPoolExecutor(max_workers=2) as pool:  # `dot` runs as a process: two at a time
            svgs = list(pool.map(lambda frame: frame.pipe(format="svg").decode("utf-8"), frames))
        self._root = root
        self._facts = GraphFacts(root, _WHO)
        if self.mode == "forward":
            tangents = forward_derivatives(root, self._facts.order[self._wrt_position])
            self._numbers = [tangents[node] for node in self._facts.order]
        else:
            self._numbers = list(self._facts.grads)
        with self.hold_sync():
            self.names = list(self._facts.names)
            cell = "grad" if self.mode != "forward" else f"d/d{self._facts.names[self._wrt_position]}"
            self.hidden = [sorted(hidden_numbers(frame, cell).items()) for frame in frames]
            self.titles = [getattr(frame, "step_title", "") for frame in frames]
            self.svgs = svgs
            self.frame = min(self.frame, len(frames) - 1)
            self._recheck()
            self._describe()

    @property
    def root(self) -> Value:
        """The graph shown (a new one after an input was edited)."""
        return self._root

    @property
    def language(self) -> str:
        """The language of the widget's texts ("de" or "en")."""
        return self._language

    @property
    def frame_count(self) -> int:
        return len(self.svgs)

    def next(self) -> None:
        """The next frame (stays on the last), as the page's next button does."""
        self.frame = min(self.frame + 1, self.frame_count - 1)

    def previous(self) -> None:
        """The frame before (stays on the first), as the page's previous button does."""
        self.frame = max(self.frame - 1, 0)

    def set_input(self, name: str, value) -> None:
        """Give the input `name` a new value: the graph is rebuilt and every frame drawn again."""
        self.leaf_values = {**self.leaf_values, name: value}

    @traitlets.validate("frame")
    def _valid_frame(self, proposal):
        value = proposal["value"]
        count = len(self.svgs)
        return max(0, min(value, count - 1)) if count else 0

    @traitlets.observe("leaf_values")
    def _edited(self, change) -> None:
        by_name = {leaf["name"]: leaf["position"] for leaf in self.leaves}
        values = {}
        language = self._language
        for name, value in change["new"].items():
            if name not in by_name:
                self.message = _("{name} is not an input of the graph; the inputs are {inputs}", language).format(
                    name=repr(name), inputs=sorted(by_name)
                )
                return
            number = read_number(value)
            if number is None:
                self.message = _("the value of {name} must be a finite number, not {value}", language).format(
                    name=name, value=repr(value)
                )
                return
            values[by_name[name]] = number
        try:
            root = rebuilt(self._root, values)
            self._build(root)
        except (ValueError, ArithmeticError) as exc:  # e.g. log of a negative number: say so, keep the old graph
            self.message = _("cannot compute the graph with these inputs: {error}", language).format(error=exc)
            return
        self.message = ""
        self.leaves = [{**leaf, "value": self._facts.data[leaf["position"]]} for leaf in self.leaves]

    # ---- details of a node ---------------------------------------------------------

    @traitlets.observe("selected", "frame", "shown")
    def _on_view(self, change) -> None:
        self._describe()

    def _known(self, i: int, cell: str) -> bool:
        if self.shown or not self.hidden:
            return True
        return cell not in dict(self.hidden[self.frame]).get(i, [])

    def _describe(self) -> None:
        """The clicked node's value, local derivatives and edges, as far as the frame shown has reached them."""
        i = self.selected
        facts = self._facts
        if not 0 <= i < len(facts.order):
            self.details = {}
            return
        node, fmt = facts.order[i], naming.formatter("{:.4g}", _WHO)
        data_known = self._known(i, "data")
        number_known = self._known(i, "grad")
        r = facts.root_name
        if self.mode == "forward":
            x = facts.names[self._wrt_position]
            number_name = f"d{facts.names[i]}/d{x}"
        else:
            number_name = f"d{r}/d{facts.names[i]}"
        edges = []
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            j = facts.index[parent]
            local_text = fmt(local) if data_known else "?"
            if self.mode == "forward":  # forward mode: local × the input's tangent flows into this node
                tangent_known = self._known(j, "grad")
                upstream_name = f"d{facts.names[j]}/d{x}"
                upstream = fmt(self._numbers[j]) if tangent_known else "?"
                share = fmt(local * self._numbers[j]) if tangent_known and data_known else "?"
            else:  # backward: local × this node's gradient flows to the input
                upstream_name = number_name
                upstream = fmt(self._numbers[i]) if number_known else "?"
                share = fmt(local * self._numbers[i]) if number_known and data_known else "?"
            edges.append(
                {
                    "input": facts.names[j],
                    "position": k,
                    "local_name": f"∂{facts.names[i]}/∂{facts.names[j]}",
                    "local": local_text,
                    "upstream_name": upstream_name,
                    "upstream": upstream,
                    "contribution": share,
                }
            )
        self.details = {
            "position": i,
            "name": facts.names[i],
            "formula": facts.formula(i),
            "value": fmt(node.data) if data_known else "?",
            "number_name": number_name,
            "number": fmt(self._numbers[i]) if number_known else "?",
            "edges": edges,
        }

    # ---- the exercise ----------------------------------------------------------------

    @traitlets.observe("answers")
    def _on_answers(self, change) -> None:
        self._recheck()

    def _expected(self, quantity: str, i: int) -> float:
        return self._facts.data[i] if quantity == "data" else self._numbers[i]

    def _recheck(self) -> None:
        feedback, right = {}, 0
        for key, answer in self.answers.items():
            quantity, _colon, name = key.partition(":")
            i = self._facts.position.get(name)
            if quantity not in ("data", "grad") or i is None:
                continue
            language = self._language
            checked = verdict(
                self._facts, quantity, i, answer, self.tolerance, self._expected(quantity, i), language
            )  # fmt: skip
            if self.mode == "forward" and quantity == "grad" and checked.status in ("wrong", "close"):
                x = self._facts.names[self._wrt_position]
                term = _("∂{node}/∂{input} (local) × d{input}/d{x} (tangent)", language)
                hint = " + ".join(
                    term.format(node=self._facts.names[i], input=self._facts.names[self._facts.index[p]], x=x)
                    for p in self._facts.order[i].parents
                )
                status = _(STATUS[checked.status], language)
                checked = type(checked)(
                    checked.name, quantity, checked.status, answer, checked.expected, f"{status}: {hint}", language
                )
            if checked.status != "missing":
                feedback[key] = {"status": checked.status, "message": checked.message, "answer": str(answer)}
                right += checked.right
        self.feedback = feedback
        self.score = {"right": right, "tried": len(feedback)}
        if self.shown:
            self._reveal()

    @traitlets.observe("shown")
    def _on_shown(self, change) -> None:
        if change["new"]:
            self._reveal()
        else:
            self.revealed = {}

    def _reveal(self) -> None:
        fmt = naming.formatter("{:.4g}", _WHO)
        self.revealed = {
            f"{cell}:{self._facts.names[i]}": fmt(self._expected(cell, i))
            for frame in self.hidden
            for i, cells in frame
            for cell in cells
        }

    # ---- without a widget front end ------------------------------------------------

    def __repr__(self) -> str:
        return _("<Stepper: {mode} frames of {root}, frame {frame} of {count}; {hint}>", self._language).format(
            mode=self.mode,
            root=repr(self._facts.root_name),
            frame=self.frame + 1,
            count=self.frame_count,
            hint=_(_HINT, self._language),
        )

    def _repr_mimebundle_(self, **kwargs):
        """The widget's view for front ends with widgets, and beside it the current frame as SVG and one line."""
        return with_fallback(super()._repr_mimebundle_(**kwargs), repr(self), {"image/svg+xml": self.svgs[self.frame]})
