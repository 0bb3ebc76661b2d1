"""The live playground: a `Session` shown and driven by an anywidget (the `live` extra).

The widget is the view and the controls; the training is the session's. While
playing, training runs in an asyncio task on the kernel's own event loop: a
chunk of `epochs_per_frame` epochs, then a frame (the heat maps as bytes, the
losses, the curve) to the page, then the task waits until the page has drawn
it (at most FRAME_WAIT seconds). Between chunks the kernel handles the page's
messages, so Pause and every control answer at once.

The page's JavaScript and CSS (playground.js, playground.css) are package data:
nothing comes from a CDN. Every word the page shows comes from PAGE_TEXTS, translated
here into the playground's language (`Playground(..., language="de")`; None: the
language in force, see `autograd.language`), as are the kernel's messages. Where no
widget front end runs (a plain REPL, GitHub's notebook viewer, nbconvert) the widget
shows a still picture and a one-line hint.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import math
import os
import time
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from autograd.language import Domain, resolve, using_language
from nn.playground import picture
from nn.playground.scenario import (
    CONTROLS,
    FIELDS,
    MAX_SCENARIO_BYTES,
    SETTINGS,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
)
from nn.playground.session import DATA_FIELDS, NETWORK_FIELDS, Session

__all__ = ["Playground", "PAGE_TEXTS"]

_ = Domain("nn").gettext
N_ = Domain.mark

# What the page (playground.js) writes, by key, in English; sent translated in the `texts` trait.
# {fields} are filled in by the page.
PAGE_TEXTS = {
    "play_hint": N_("Play / Pause"),
    "play": N_("Play"),
    "pause": N_("Pause"),
    "step": N_("Step"),
    "step_hint": N_("one epoch"),
    "reset": N_("Reset"),
    "reset_hint": N_("back to epoch 0"),
    "epoch": N_("Epoch"),
    "learning_rate": N_("Learning rate"),
    "activation": N_("Activation"),
    "l2": N_("L2"),
    "batch_size": N_("Batch size"),
    "epochs_per_frame": N_("Epochs per frame"),
    "noise": N_("Noise %"),
    "train_percent": N_("Training data %"),
    "points": N_("Points"),
    "data": N_("Data"),
    "classes": N_("Classes"),
    "regenerate": N_("New data"),
    "too_large": N_("{file} has {size} bytes; a scenario has at most {limit}"),
    "save": N_("Save scenario"),
    "load": N_("Load scenario"),
    "add_layer": N_("+ layer"),
    "remove_layer": N_("− layer"),
    "inputs": N_("inputs"),
    "x1": N_("x₁, the first coordinate"),
    "x2": N_("x₂, the second coordinate"),
    "neuron_more": N_("one neuron more"),
    "neuron_less": N_("one neuron less"),
    "neurons_one": N_("{count} neuron"),
    "neurons_many": N_("{count} neurons"),
    "neuron_name": N_("layer {layer} neuron {neuron}"),
    "neuron_hint": N_("layer {layer}, neuron {neuron}: its output over the square"),
    "output_layer": N_("output"),
    "output_hint": N_("the output: tanh, -1 .. +1"),
    "logit_hint": N_("the logit of class {k}"),
    "output": N_("Output"),
    "click": N_("A click"),
    "click_select": N_("shows a point's graph"),
    "click_add": N_("adds class {k}"),
    "test_loss": N_("Test loss"),
    "train_loss": N_("Training loss"),
    "show_test": N_("show test data"),
    "discretize": N_("discretize output"),
    "network": N_("Network {shape}"),
    "dataset_xor": N_("xor"),
    "dataset_circles": N_("circles"),
    "dataset_moons": N_("moons"),
    "dataset_spiral": N_("spiral"),
    "dataset_blobs": N_("blobs"),
}

OUTPUT_RESOLUTION = 50  # the decision map: 50 x 50 points of the square, drawn smoothed
NEURON_RESOLUTION = 25  # each hidden neuron's map
CURVE_POINTS = 300  # the loss curves sent to the page: at most this many points
FRAME_WAIT = 0.5  # seconds a frame waits for the page to draw an earlier one (no page: training goes on)
IN_FLIGHT = 2  # frames sent and not yet drawn, at most: the kernel trains while the page draws
GRAPH_EVERY = 1.0  # seconds between redrawn sample graphs while playing

_HERE = Path(__file__).parent


def _bytes(values: np.ndarray, low: float, high: float) -> bytes:
    """Values in [low, high] as bytes 0..255 (the page's heat maps; nan, after a diverged run, as the middle)."""
    values = np.nan_to_num(values, nan=(low + high) / 2, posinf=high, neginf=low)
    scaled = (np.clip(values, low, high) - low) / (high - low) * 255.0
    return np.round(scaled).astype(np.uint8).tobytes()


def _diverged(epoch: int, what, language: str) -> str:
    return _(
        "Training stopped at epoch {epoch}: {what}. It diverged: the learning rate is too large for this "
        "network. Lower it and press Reset.",
        language,
    ).format(epoch=epoch, what=what)


def _finite(x: float):
    """x, or None (JSON's null) for nan and infinities, which JSON cannot carry."""
    return x if math.isfinite(x) else None


class Playground(anywidget.AnyWidget):
    """TensorFlow Playground's core, trained by this engine: `Playground(scenario=None, **settings)`.

    `scenario`: a scenario dict, the path of a scenario file, or None; keyword settings override its
    fields, e.g. `Playground(dataset="spiral", hidden=[8, 8], hidden_controls=["dataset"])`.
    `.session` is the training (nn.playground.Session); `.play()`, `.pause()`, `.step()`, `.reset()`
    and `.save(path)` do from Python what the buttons do.
    """

    _esm = _HERE / "playground.js"
    _css = _HERE / "playground.css"

    settings = traitlets.Dict().tag(sync=True)
    options = traitlets.Dict().tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    notes = traitlets.Unicode("").tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
    output_map = traitlets.Bytes(b"").tag(sync=True)
    neuron_maps = traitlets.Bytes(b"").tag(sync=True)
    points = traitlets.List().tag(sync=True)
    running = traitlets.Bool(False).tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    sample_svg = traitlets.Unicode("").tag(sync=True)
    sample_text = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    texts = traitlets.Dict().tag(sync=True)  # PAGE_TEXTS in the playground's language

    def __init__(self, scenario=None, *, language: str | None = None, **settings):
        language = resolve(language, "Playground")
        with using_language(language):  # a refused scenario or setting is told in the playground's language
            if isinstance(scenario, (str, os.PathLike)):
                scenario = load_scenario(scenario)
            session = Session(scenario, **settings)
        super().__init__()
        self._language = language
        self.texts = {key: _(text, language) for key, text in PAGE_TEXTS.items()}
        self.session = session
        self.options = {
            "fields": {name: [kind, details] for name, (kind, details, _) in FIELDS.items()
                       if kind in ("int", "number", "choice")},
            "controls": list(CONTROLS),
            "colors": list(picture.COLORS),
            "neutral": picture.NEUTRAL,
            "map_strength": picture.MAP_STRENGTH,
            "max_scenario_bytes": MAX_SCENARIO_BYTES,
            "output_resolution": OUTPUT_RESOLUTION,
            "neuron_resolution": NEURON_RESOLUTION,
        }  # fmt: skip
        self._task = None
        self._drawn = None  # an asyncio.Event of the running loop, set when the page reports a frame drawn
        self._frame_id = 0
        self._drawn_id = 0
        self._graph_time = 0.0
        self.on_msg(self._on_message)
        self._show_all()

    @property
    def language(self) -> str:
        """The language of the page's words and the messages ("de" or "en")."""
        return self._language

    # ---- what the page shows -----------------------------------------------------------------------

    def _show_all(self) -> None:
        with self.hold_sync():
            self.settings = {name: self.session.settings[name] for name in SETTINGS}
            self.title, self.notes = self.session.settings["title"], self.session.settings["notes"]
            self.points = self.session.points()
            self._push_frame()
            self._show_sample(force=True)

    def _push_frame(self) -> None:
        """Send the current heat maps, losses and curve as one message."""
        session = self.session
        maps = session.heat_maps(OUTPUT_RESOLUTION)
        step = OUTPUT_RESOLUTION // NEURON_RESOLUTION
        neurons = [layer[:, step // 2 :: step, step // 2 :: step] for layer in maps["neurons"]]
        output = maps["output"]
        history = session.history
        stride = max(1, -(-len(history) // CURVE_POINTS))
        curve = history[::stride] + ([history[-1]] if history and (len(history) - 1) % stride else [])
        train_loss, test_loss = session.losses()
        if not (math.isfinite(train_loss) and math.isfinite(test_loss)):
            self.running = False
            what = _("the loss is {train} (training) and {test} (test)", self._language)
            self.message = _diverged(session.epoch, what.format(train=train_loss, test=test_loss), self._language)
        curve = [[e, _finite(a), _finite(b)] for e, a, b in curve]
        self._frame_id += 1
        with self.hold_sync():
            self.output_map = _bytes(output, -1.0, 1.0) if output.ndim == 2 else _bytes(output, 0.0, 1.0)
            self.neuron_maps = _bytes(np.concatenate([n.ravel() for n in neurons]), -1.0, 1.0) if neurons else b""
            self.frame = {
                "id": self._frame_id,
                "epoch": session.epoch,
                "train_loss": _finite(train_loss),
                "test_loss": _finite(test_loss),
                "curve": curve,
                "layers": list(session.settings["hidden"]),
                "weights": session.weights_by_layer(),
                "classes": session.classes,
                "time": time.time(),
            }

    def _show_sample(self, force: bool = False) -> None:
        """Redraw the selected sample's graph (at most every GRAPH_EVERY seconds unless forced)."""
        if self.selected < 0:
            if self.sample_svg:
                self.sample_svg, self.sample_text = "", ""
            return
        now = time.monotonic()
        if not force and now - self._graph_time < GRAPH_EVERY:
            return
        self._graph_time = now
        text, dot = self._sample(self.selected)
        self.sample_text, self.sample_svg = text, self._svg(dot)

    def _sample(self, index: int):
        """(the words about sample `index`, the picture of its loss's graph as a graphviz.Digraph or None)."""
        x, cls, test = self.session.sample(index)
        loss = self.session.sample_loss(index)
        language = self._language
        if test:
            text = _("Test point {index}: x = ({x1}, {x2}), class {cls}; its loss {loss} at epoch {epoch}, with "
                     "values and gradients", language)  # fmt: skip
        else:
            text = _("Training point {index}: x = ({x1}, {x2}), class {cls}; its loss {loss} at epoch {epoch}, with "
                     "values and gradients", language)  # fmt: skip
        text = text.format(
            index=index, x1=f"{x[0]:.2f}", x2=f"{x[1]:.2f}", cls=cls, loss=f"{loss.data:.4g}", epoch=self.session.epoch
        )
        try:
            from autograd.pictures import draw_network

            return text, draw_network(loss, show_grad=True, language=language)
        except Exception as e:  # no Graphviz here: the text says so instead of a picture
            return text + _(" (no picture: {error})", language).format(error=e), None

    @staticmethod
    def _svg(dot) -> str:
        """The picture as SVG text (Graphviz's `dot` runs here: in a worker thread while playing)."""
        try:
            return "" if dot is None else dot.pipe(format="svg").decode("utf-8")
        except Exception:  # dot missing or failing: no picture, the text stands
            return ""

    # ---- the buttons, from Python or from the page -------------------------------------------------

    def step(self) -> None:
        """One epoch, shown (the Step button)."""
        self.session.step(1)
        with self.hold_sync():
            self._push_frame()
            self._show_sample(force=True)

    def reset(self) -> None:
        """Back to epoch 0 with the starting weights (the Reset button)."""
        self.pause()
        self.session.reset()
        self._show_all()

    def play(self) -> None:
        """Train in the background on the kernel's event loop until `pause()` (the Play button)."""
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()  # the kernel's, in Jupyter and on the page
        except RuntimeError:
            self.message = _(
                "Play needs a running kernel (Jupyter or the page); step() trains from plain Python", self._language
            )
            return
        self.running = True
        self._drawn = asyncio.Event()
        self._task = loop.create_task(self._run())

    def pause(self) -> None:
        """Stop training after the current chunk (the Pause button)."""
        self.running = False

    def save(self, path) -> Path:
        """Write the whole state to a scenario file."""
        return save_scenario(self.session.to_scenario(), path)

    def load(self, scenario) -> None:
        """Replace the whole state by a scenario: a dict, or the path of a scenario file."""
        with using_language(self._language):
            if isinstance(scenario, (str, os.PathLike)):
                scenario = load_scenario(scenario)
            session = Session(scenario)
        self.pause()
        self.session = session
        self.selected = -1
        self._show_all()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.running:
                # the next chunk trains while the page draws the frames on their way
                self.session.step(self.session.settings["epochs_per_frame"])
                deadline = time.monotonic() + FRAME_WAIT
                while self._frame_id - self._drawn_id >= IN_FLIGHT and time.monotonic() < deadline:
                    self._drawn.clear()
                    try:
                        await asyncio.wait_for(self._drawn.wait(), max(deadline - time.monotonic(), 0.0))
                    except asyncio.TimeoutError:
                        pass
                if not self.running:  # paused while waiting: the epochs trained are shown below
                    break
                self._push_frame()
                if self.selected >= 0 and time.monotonic() - self._graph_time >= GRAPH_EVERY:
                    self._graph_time = time.monotonic()
                    text, dot = self._sample(self.selected)  # the graph here; only Graphviz in the worker thread
                    svg = await loop.run_in_executor(None, functools.partial(self._svg, dot))
                    self.sample_text, self.sample_svg = text, svg
                await asyncio.sleep(0)
        except ArithmeticError as e:  # the engine refuses an overflow: training diverged
            self.message = _diverged(self.session.epoch, e, self._language)
        except Exception as e:  # anything else: stop and say why
            self.message = _("training stopped: {error}", self._language).format(error=e)
        finally:
            self.running = False
            self._push_frame()  # the last epochs are shown, whatever stopped the loop

    # ---- messages from the page --------------------------------------------------------------------

    def _on_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        with using_language(self._language):  # what the scenario and the session refuse, in the page's language
            self._handle(content)

    def _handle(self, content: dict) -> None:
        kind = content.get("do")
        if kind != "drawn":
            self.message = ""  # the last message was about the last request
        try:
            if kind == "drawn":
                drawn = content.get("id")
                if isinstance(drawn, int) and self._drawn_id < drawn <= self._frame_id:
                    self._drawn_id = drawn
                    if self._drawn is not None:
                        self._drawn.set()
            elif kind in ("play", "pause", "step", "reset"):
                getattr(self, kind)()
            elif kind == "regenerate":
                self.pause()
                self.session.regenerate()
                self.selected = -1
                self._show_all()
            elif kind == "set":
                self._set(content.get("changes"))
            elif kind == "add_point":
                self.session.add_point(content.get("x"), content.get("y"), content.get("cls"))
                self.points = self.session.points()
                self._push_frame()
            elif kind == "select":
                index = content.get("index")
                self.selected = index if isinstance(index, int) and 0 <= index < len(self.session.points()) else -1
                self._show_sample(force=True)
            elif kind == "save":
                self.send({"kind": "scenario", "text": dumps_scenario(self.session.to_scenario())})
            elif kind == "load":
                self.load(loads_scenario(str(content.get("text", "")), _("Load scenario", self._language)))
        except (TypeError, ValueError) as e:
            self.message = str(e)
        except ArithmeticError as e:  # the engine refuses an overflow: training diverged
            self.pause()
            self.message = _diverged(self.session.epoch, e, self._language)

    def _set(self, changes) -> None:
        if not isinstance(changes, dict):
            raise TypeError(_("Playground: a change of settings must be an object of fields", self._language))
        restart = any(name in DATA_FIELDS or name in NETWORK_FIELDS for name in changes)
        was_running = self.running
        if restart:
            self.pause()
        changed = self.session.update(**changes)
        if restart and changed:
            self.selected = -1
            self._show_all()
            if was_running:
                self.play()
        else:
            self.settings = {**self.settings, **{name: self.session.settings[name] for name in changes}}
            if "discretize" in changes or "show_test" in changes:
                self._push_frame()

    # ---- without a widget front end ----------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Playground: {self.session!r}; {_(HINT, self._language)}"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = repr(self)
        data["image/png"] = base64.b64encode(picture.still_picture(self.session)).decode("ascii")
        return bundle


HINT = N_("a live widget: run it in Jupyter (JupyterLab, Notebook 7, VS Code, Colab) or `python -m demos.playground`")
