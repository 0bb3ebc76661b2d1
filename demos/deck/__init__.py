"""One slide deck of the whole course: `python -m demos.deck DIR [--lang de|en] [--quick]`.

The demos run (as `python -m demos` runs them, in the chosen language), and
their pictures and key numbers become one offline HTML page, DIR/deck.html,
in the order of the course (TEACHING.md's sections 1 to 12): a title slide per
section, a slide of its key numbers, one slide per picture, and for section 1
the lecture's frames, one number per frame. 16:9 slides; → / Space next,
← back, Home / End first / last, a slide counter; printed, each slide is one
16:9 landscape page, and DIR/deck.pdf is that print made by headless Chromium
when it is installed (skipped with the reason otherwise).

The pictures are copied beside the page into DIR/pictures/<demo>/, not
embedded as data URIs: the page stays small and quick to open (the PNGs would
grow by a third in base64), a teacher can take any single picture from the
folder, and relative links keep the folder working wherever it is copied (a
USB stick). Nothing is fetched from the network: the style and the script are
written into the page.

Every number on the slides is read from what the demos' `run()` returned in
this build; none is written here. A picture a demo did not write (renamed, or
a demo that failed) becomes a visible note on its slide, not a crash.
"""

from __future__ import annotations

import contextlib
import html
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from autograd.language import Domain, resolve, using_language

__all__ = ["SECTIONS", "Section", "Picture", "Words", "build", "print_pdf", "find_chromium", "main"]

_ = Domain("demos").gettext  # the deck's texts are messages of the demos' catalog, like every demo's
ngettext = Domain("demos").ngettext
N_ = Domain.mark

HTML_NAME = "deck.html"
TITLE = N_("Backpropagation: the course in pictures")
PDF_NAME = "deck.pdf"
PICTURES = "pictures"


@dataclass(frozen=True)
class Picture:
    """A picture of a demo, by its file name under the demo's output folder; `frames`: a glob, one slide per file."""

    demo: str
    file: str
    caption: str
    frames: bool = False


@dataclass(frozen=True)
class Section:
    """One section of the course: its title slide, its key numbers (from the demos' results) and its pictures."""

    number: int
    title: str  # TEACHING.md's heading, in English (marked N_, translated where the slide is made)
    subtitle: str
    demos: tuple[str, ...]
    pictures: tuple[Picture, ...]
    numbers: Callable[[dict, Words], list[tuple[str, str]]] = field(repr=False)  # the key numbers' rows


# ----------------------------------------------------------------------------- numbers from the demos' results


def number(x) -> str:
    """A number as a slide shows it: integers whole (very large ones with an exponent), others to 5 digits."""
    if isinstance(x, bool):
        raise TypeError(f"number: {x!r} is a truth value, not a number")
    if isinstance(x, int) or (hasattr(x, "is_integer") and float(x).is_integer() and abs(x) < 1e15):
        whole = int(x)
        return str(whole) if abs(whole) < 10**15 else f"{whole:.3e}"
    return f"{float(x):.5g}"


class Words:
    """The deck's words and numbers in one language: `words(message)` translated, numbers as the language writes them.

    German writes a decimal comma (0,8078), so its lists of numbers are separated by semicolons.
    """

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, message: str) -> str:
        """`message`, an English text marked for the demos' catalog, in the deck's language."""
        return _(message, self.language)

    def name(self, key: str) -> str:
        """A name from a demo's results (a model, a loss, a learning rate): translated where known, else as given.

        The names the demos give today are marked in RESULT_NAMES, so the catalog has them.
        """
        return _(key, self.language)

    def number(self, x) -> str:
        """A number as the deck writes it (a decimal comma in German)."""
        written = number(x)
        return written.replace(".", ",") if self.language == "de" else written

    def percent(self, fraction) -> str:
        """A fraction as a percentage to one decimal: 0.94444 -> '94.4 %' ('94,4 %' in German)."""
        written = f"{100 * float(fraction):.1f} %"
        return written.replace(".", ",") if self.language == "de" else written

    def numbers(self, values) -> str:
        """Numbers in a row: commas between them, semicolons in German."""
        return ("; " if self.language == "de" else ", ").join(self.number(v) for v in values)


# The names the demos give their runs in their results (learning rates, losses, models, ways, targets), marked
# for the catalog so the key numbers' labels read German too; a name not here is shown as the demo gives it.
RESULT_NAMES = (
    N_("too small (0.01)"),
    N_("right (0.5)"),
    N_("too large (1.1)"),
    N_("gradient descent (lr 0.25)"),
    N_("MSE, the slides' half form"),
    N_("binary cross-entropy"),
    N_("cross-entropy (logits)"),
    N_("cross-entropy (probabilities)"),
    N_("hinge (max-margin)"),
    N_("squared error L2"),
    N_("sigmoid, MSE, SGD lr 0.8"),
    N_("ReLU, softmax + cross-entropy, Adam lr 0.01"),
    N_("sigmoid, mse, SGD 0.8"),
    N_("relu, softmax, cross-entropy, Adam"),
    N_("Jacobian products (NumPy)"),
    N_("slides' PyTorch code"),
    N_("H(x) (Heaviside step)"),
)


def _chain_rule(r, tr):
    cr = r["chain_rule"]
    rows = [
        (_("{node} (value, df/d{node})", tr.language).format(node=k), tr.numbers((cr["values"][k], cr["grads"][k])))
        for k in ("f", "i", "g", "h", "a", "b", "c", "d")
    ]
    rows.append((_("the one non-trivial local derivative", tr.language), cr["how"]["i"]))
    rows.append((_("df/da along its path", tr.language), cr["paths"]["a"][0]))
    return rows


def _paths(r, tr):
    p, fr = r["paths"], r["forward_reverse"]
    deepest = p["chain"][-1]
    forward, backward = fr["both_orders"]["forward"], fr["both_orders"]["backward"]
    return [
        (_("y = x · x at x = 3: paths, dy/dx", tr.language), tr.numbers((p["x_squared_paths"], p["x_squared_grad"]))),
        (_("diamond: paths from L to s", tr.language), tr.number(p["diamond_paths"])),
        (
            _("diamond dL/ds: backprop, sum over paths, by hand", tr.language),
            tr.numbers((p["diamond_backprop"], p["diamond_path_sum"], p["diamond_by_hand"])),
        ),
        (
            _("chain of {depth} diamonds: paths, edges", tr.language).format(depth=deepest["depth"]),
            tr.numbers((deepest["paths"], deepest["edges"])),
        ),
        (
            _("f(x, y) = x² y + sin(x y): df/dx, df/dy forward and backward", tr.language),
            f"{tr.numbers(forward)} | {tr.numbers(backward)}",
        ),
    ]


def _gradcheck(r, tr):
    g = r["gradcheck"]
    eps, error = min(g["central_errors"].items(), key=lambda item: item[1])
    return [
        (
            _("parameters checked, largest difference to central differences", tr.language),
            tr.numbers((g["n_params"], g["max_difference"])),
        ),
        (
            _("loss evaluations for central differences, backward passes", tr.language),
            tr.numbers((g["fd_evaluations"], 1)),
        ),
        (_("smallest error of central differences, at ε", tr.language), tr.numbers((error, eps))),
        (
            _("a planted wrong derivative (sin recording sin instead of cos)", tr.language),
            _("caught by gradcheck", tr.language) if g["bug_caught"] else _("missed by gradcheck", tr.language),
        ),
    ]


def _perceptron(r, tr):
    p = r["perceptron_xor"]
    rows = [
        (_("perceptron mistakes per epoch, {gate}", tr.language).format(gate=gate.upper()), tr.numbers(mistakes))
        for gate, mistakes in p["perceptron_mistakes"].items()
    ]
    rows.append((_("hand-made network on (0,0), (0,1), (1,0), (1,1)", tr.language), tr.numbers(p["hand_made_outputs"])))
    rows.append((_("trained 2-4-1 network's outputs", tr.language), tr.numbers(p["xor_probabilities"])))
    return rows


def _mlp(r, tr):
    rows = []
    moons = r["moons"]
    rows.append(
        (
            _("two moons: training accuracy, loss", tr.language),
            f"{tr.percent(moons['accuracy'])}; {tr.number(moons['loss'])}",
        )
    )
    delta = r["delta_rule"]
    rows.append(
        (
            _("delta rule: δ of the output, δ_j of the hidden neurons", tr.language),
            f"{tr.number(delta['hand']['delta_out'])} | {tr.numbers(delta['hand']['deltas'])}",
        )
    )
    rows.append(
        (
            _("delta rule: largest difference of δ_j · out_i to backward()'s gradients", tr.language),
            tr.number(delta["largest_difference"]),
        )
    )
    rows.append(
        (
            _("delta rule: loss before and after one update −η δ out", tr.language),
            tr.numbers((delta["engine_loss"], delta["loss_after"])),
        )
    )
    d = r["digits"]
    if d.get("skipped"):
        return rows + [(_("digits", tr.language), _("skipped in this build (its extra is not installed)", tr.language))]
    rows.append((_("training images, held-out images", tr.language), tr.numbers((d["n_train"], d["n_test"]))))
    for model, accuracy in d["test_accuracy"].items():
        rows.append(
            (
                _("digits: held-out accuracy after {epochs} epochs, {model}", tr.language).format(
                    epochs=d["epochs"], model=tr.name(model)
                ),
                tr.percent(accuracy),
            )
        )
    for model, runs in d["keras"].items():
        last = runs["after_last"]
        label = _("Keras model {model}: held-out accuracy, mean (lowest–highest) of {count} seeds", tr.language)
        rows.append(
            (
                label.format(model=tr.name(model), count=len(d["seeds"])),
                f"{tr.percent(last['mean'])} ({tr.percent(last['min'])}–{tr.percent(last['max'])})",
            )
        )
    return rows


def _activations(r, tr):
    a = r["activations"]
    shifts = a["softmax_shift_change"]
    return [
        (_("step function: largest gradient during training", tr.language), tr.number(a["step"]["largest_gradient"])),
        (
            _("softmax(z + c) − softmax(z), largest, for c = {shifts}", tr.language).format(shifts=tr.numbers(shifts)),
            tr.number(max(shifts.values())),
        ),
        (
            _("three linear layers against their one map W3 W2 W1: largest difference", tr.language),
            tr.number(a["collapse"]["largest_difference"]),
        ),
    ]


def _losses(r, tr):
    lo = r["losses"]
    rows = [(_("predicted class, accuracy", tr.language), tr.numbers((lo["predicted"], lo["accuracy"])))]
    for name, (loss, gradient) in lo["losses"].items():
        rows.append(
            (
                _("{loss}: loss, gradient", tr.language).format(loss=tr.name(name)),
                f"{tr.number(loss)}; [{tr.numbers(gradient)}]",
            )
        )
    return rows


def _descent(r, tr):
    gd = r["gradient_descent"]
    curvature = gd["curvature"]
    rows = [
        (
            _("Hessian's largest eigenvalue λ, learning-rate limit 2/λ", tr.language),
            tr.numbers((curvature["lambda_max"], curvature["lr_limit"])),
        )
    ]
    for name, run in gd["learning_rates"].items():
        verdict = (
            _("diverges", tr.language)
            if run["diverged"]
            else _("converges, loss {loss}", tr.language).format(loss=tr.number(run["per_epoch"][-1]))
        )
        rows.append((_("learning rate {rate}", tr.language).format(rate=tr.name(name)), verdict))
    for name, loss in r["optimizers"]["network_final_loss"].items():
        rows.append((_("final loss of the network, {optimizer}", tr.language).format(optimizer=name), tr.number(loss)))
    for method, steps in r["newton"]["one_dimension"]["steps"].items():
        rows.append(
            (
                _("e^x − 2x: steps to the minimum ln 2, {method}", tr.language).format(method=tr.name(method)),
                _("not reached", tr.language) if steps is None else tr.number(steps),
            )
        )
    return rows


def _approximation(r, tr):
    return [
        (_("mean squared error of the fit, {target}", tr.language).format(target=tr.name(target)), tr.number(mse))
        for target, mse in r["universal_approximation"]["mse"].items()
    ]


def _graphs(r, tr):
    return [
        (_("trained XOR network's outputs p(1)", tr.language), tr.numbers(r["perceptron_xor"]["xor_probabilities"]))
    ]


def _jacobians(r, tr):
    return [
        (
            _("largest difference to the engine's backprop, {way}", tr.language).format(way=tr.name(way)),
            tr.number(difference),
        )
        for way, difference in r["jacobians"]["differences"].items()
    ]


def _symmetries(r, tr):
    s = r["symmetries"]
    rows = [
        (_("equivalent weight vectors M! · 2^M, M = {m}", tr.language).format(m=m), tr.number(count))
        for m, count in s["counts"].items()
    ]
    copies = s["tanh"]["copies"]
    rows.append(
        (
            _("tanh copies: count, largest output difference", tr.language),
            tr.numbers((len(copies), max(copy["difference"] for copy in copies))),
        )
    )
    return rows


# ----------------------------------------------------------------------------- the course, in TEACHING.md's order

SECTIONS = (
    Section(
        1,
        N_("The chain-rule example"),
        N_("f(a, b, c, d) = ((a + b) · (c + d))², divide and conquer: g = a + b, h = c + d, i = g · h, f = i²"),
        ("chain_rule",),
        (
            Picture("chain_rule", "graph.png", N_("The graph with every value and gradient")),
            Picture(
                "chain_rule",
                "lecture_steps/lecture_step_*.png",
                N_("The lecture's order: one number per frame"),
                frames=True,
            ),
        ),
        _chain_rule,
    ),
    Section(
        2,
        N_("Sum over paths, and why backprop is dynamic programming"),
        N_("Several paths to the output: the derivative is the sum over the paths; forward and backward accumulation"),
        ("paths", "forward_reverse"),
        (
            Picture("paths", "diamond.png", N_("The diamond: 6 paths from L to s")),
            Picture("paths", "paths_vs_edges.png", N_("Paths grow exponentially, edges linearly")),
            Picture("forward_reverse", "sweeps.png", N_("Sweeps needed: forward against backward")),
        ),
        _paths,
    ),
    Section(
        3,
        N_("Finite differences versus backprop"),
        N_("(L(w + ε) − L(w − ε)) / 2ε: two loss evaluations per parameter, never exact"),
        ("gradcheck", "misconceptions"),
        (
            Picture("gradcheck", "error_vs_eps.png", N_("The error of the difference quotient against ε")),
            Picture(
                "misconceptions", "misconceptions.png", N_("Four classic backprop mistakes beside the right gradients")
            ),
        ),
        _gradcheck,
    ),
    Section(
        4,
        N_("The artificial neuron and the perceptron"),
        N_("The perceptron rule learns AND and OR, never XOR; stacked neurons solve XOR"),
        ("perceptron_xor",),
        (
            Picture("perceptron_xor", "perceptron.png", N_("The perceptron on AND, OR and XOR")),
            Picture("perceptron_xor", "xor_network.png", N_("The hand-made 2-2-1 network of step neurons solves XOR")),
            Picture("perceptron_xor", "xor_training.png", N_("A 2-4-1 network trained by backprop learns XOR")),
        ),
        _perceptron,
    ),
    Section(
        5,
        N_("Multi-layer perceptrons"),
        N_("Layers of neurons; the slides' digits network 784-30-15-10 (here the 8x8 digits, 64-30-15-10)"),
        ("moons", "delta_rule", "digits"),
        (
            Picture("moons", "moons.png", N_("Two moons: a 2-16-16-1 ReLU network")),
            Picture("digits", "digits_training.png", N_("Digits: sigmoid + MSE + SGD against ReLU + softmax + Adam")),
            Picture("digits", "digits_keras_history.png", N_("The slides' two Keras models: the training history")),
            Picture("digits", "digits_predictions.png", N_("Predictions on held-out digits")),
        ),
        _mlp,
    ),
    Section(
        6,
        N_("Activation functions"),
        N_("Each activation with its derivative from the backward pass"),
        ("activations",),
        (Picture("activations", "activations.png", N_("Activations and their derivatives")),),
        _activations,
    ),
    Section(
        7,
        N_("Loss functions"),
        N_("The four-class example: correct class 1, output [0.08, 0.25, 0.42, 0.25]"),
        ("losses",),
        (
            Picture("losses", "gradients.png", N_("Each loss's gradient with respect to the outputs")),
            Picture("losses", "loss_vs_accuracy.png", N_("Loss against accuracy")),
        ),
        _losses,
    ),
    Section(
        8,
        N_("Gradient descent and its variants"),
        N_("Batch, stochastic, mini-batch; the learning rate; Momentum, RMSProp, Adagrad, Adam"),
        ("gradient_descent", "optimizers", "newton"),
        (
            Picture("gradient_descent", "variants.png", N_("Batch, stochastic and mini-batch")),
            Picture("gradient_descent", "learning_rates.png", N_("Learning rates: too small, right, too large")),
            Picture("gradient_descent", "learning_rate_limit.png", N_("The limit 2/λ of the learning rate")),
            Picture("gradient_descent", "local_minimum.png", N_("Too small a learning rate stays in a local minimum")),
            Picture("optimizers", "network_loss.png", N_("Five optimizers on one network")),
            Picture("optimizers", "rosenbrock.png", N_("The Rosenbrock valley")),
            Picture("newton", "newton_1d.png", N_("Newton's method against gradient descent")),
        ),
        _descent,
    ),
    Section(
        9,
        N_("Universal approximation"),
        N_("3 tanh hidden units fit x², sin(πx), |x| and the step H(x) (Bishop fig. 5.3)"),
        ("universal_approximation",),
        (Picture("universal_approximation", "universal_approximation.png", N_("Four fits, hidden units dashed")),),
        _approximation,
    ),
    Section(
        10,
        N_("Computation graphs"),
        N_("Goldberg's three pictures: on symbols, with an input, with the loss"),
        ("perceptron_xor",),
        (
            Picture("perceptron_xor", "xor_graph_symbols.png", N_("The network on symbols")),
            Picture("perceptron_xor", "xor_graph_input.png", N_("With a concrete input")),
            Picture("perceptron_xor", "xor_graph.png", N_("With the loss attached")),
        ),
        _graphs,
    ),
    Section(
        11,
        N_("Jacobians: the chain rule for whole layers"),
        N_("The slides' 3-layer network's gradients three ways"),
        ("jacobians",),
        (Picture("jacobians", "jacobians.png", N_("Each Jacobian against the engine")),),
        _jacobians,
    ),
    Section(
        12,
        N_("Symmetries of the parameter space"),
        N_("M! · 2^M weight vectors compute the same function"),
        ("symmetries",),
        (Picture("symmetries", "symmetries.png", N_("48 weight vectors, one function")),),
        _symmetries,
    ),
)


def demo_names() -> list[str]:
    """The demos the deck needs, each once, in the order of the course."""
    names: list[str] = []
    for section in SECTIONS:
        names += [name for name in section.demos if name not in names]
    return names


# ----------------------------------------------------------------------------- the slides


@dataclass
class Slide:
    """One slide: its kind, its section (0: the deck's title), its HTML and the notes of what is missing on it."""

    kind: str  # "deck", "title", "numbers", "picture", "frame"
    section: int  # 0 for the deck's own title slide
    body: str  # HTML
    notes: list[str] = field(default_factory=list)  # what is missing on it


def _e(text_: str) -> str:
    return html.escape(str(text_), quote=True)


def _missing_note(message: str) -> str:
    return f'<p class="missing">{_e(message)}</p>'


def _copy_picture(source: Path, folder: Path, out: Path) -> str:
    """Copy `source` (under `out`) to folder/pictures/...; returns the link relative to the page."""
    relative = source.relative_to(out)
    target = folder / PICTURES / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return "/".join((PICTURES, *relative.parts))


def _figure(link: str, caption: str) -> str:
    return f'<figure><img src="{_e(link)}" alt="{_e(caption)}"><figcaption>{_e(caption)}</figcaption></figure>'


def _picture_slides(section: Section, picture: Picture, folder: Path, out: Path, tr) -> list[Slide]:
    caption = tr(picture.caption)
    demo_folder = out / picture.demo
    sources = sorted(demo_folder.glob(picture.file)) if picture.frames else [demo_folder / picture.file]
    sources = [s for s in sources if s.is_file() and not s.is_symlink()]
    heading = f"<h2>{_e(tr(section.title))}</h2>"
    if not sources:
        note = _("Picture missing: {name} (the demo did not write it in this run).", tr.language).format(
            name=f"{picture.demo}/{picture.file}"
        )
        return [
            Slide(
                "frame" if picture.frames else "picture",
                section.number,
                heading + _figure_missing(caption, note),
                [note],
            )
        ]
    slides = []
    for k, source in enumerate(sources, 1):
        link = _copy_picture(source, folder, out)
        shown = caption
        if picture.frames:
            frame = _("Frame {k} of {n}", tr.language).format(k=k, n=len(sources))
            shown = f"{caption} · {frame}"
        slides.append(Slide("frame" if picture.frames else "picture", section.number, heading + _figure(link, shown)))
    return slides


def _figure_missing(caption: str, note: str) -> str:
    return f'<figure class="absent"><figcaption>{_e(caption)}</figcaption>{_missing_note(note)}</figure>'


def _numbers_slide(section: Section, results: dict, tr) -> Slide:
    key_numbers = _("Key numbers", tr.language)
    heading = f"<h2>{_e(tr(section.title))}: {_e(key_numbers)}</h2>"
    notes = []
    for demo in section.demos:
        outcome = results.get(demo)
        if isinstance(outcome, BaseException) or outcome is None:
            notes.append(
                _("The demo {demo} did not run: {reason}", tr.language).format(demo=demo, reason=outcome or "-")
            )
    rows = []
    if not notes:
        try:
            rows = section.numbers(results, tr)
        except KeyError as exc:  # a demo changed what it returns: say so on the slide
            notes.append(
                _("Key numbers missing: the demo {demo} gave no {key} in this run.", tr.language).format(
                    demo=", ".join(section.demos), key=exc.args[0] if exc.args else "?"
                )
            )
    body = heading
    if rows:
        dense = " dense" if len(rows) > 9 else ""
        cells = "".join(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>" for label, value in rows)
        body += f'<table class="numbers{dense}">{cells}</table>'
    body += "".join(_missing_note(note) for note in notes)
    return Slide("numbers", section.number, body, notes)


def _title_slide(section: Section, tr) -> Slide:
    kicker = _("Section {number}", tr.language).format(number=section.number)
    demos = _("Demos: {names}", tr.language).format(names=", ".join(section.demos))
    body = (
        f'<p class="kicker">{_e(kicker)}</p>'
        f"<h1>{_e(tr(section.title))}</h1>"
        f'<p class="subtitle">{_e(tr(section.subtitle))}</p>'
        f'<p class="demos">{_e(demos)}</p>'
    )
    return Slide("title", section.number, body)


def _deck_slide(quick: bool, tr) -> Slide:
    run = (
        _("Built from a quick run (smaller settings): training results differ from a full run.", tr.language)
        if quick
        else _("Built from a full run of the demos.", tr.language)
    )
    origin = _("Every picture and number below was computed by the course's demos (python -m demos).", tr.language)
    keys = _("Keys: → or Space next, ← back, Home first, End last.", tr.language)
    body = (
        f"<h1>{_e(tr(TITLE))}</h1>"
        f'<p class="subtitle">{_e(origin)}</p>'
        f'<p class="note">{_e(run)}</p>'
        f'<p class="note">{_e(keys)}</p>'
    )
    return Slide("deck", 0, body)


def slides_of(results: dict, folder: Path, out: Path, quick: bool, language: str) -> list[Slide]:
    """Every slide of the deck in order, pictures copied beside the page."""

    tr = Words(language)
    slides = [_deck_slide(quick, tr)]
    for section in SECTIONS:
        slides.append(_title_slide(section, tr))
        slides.append(_numbers_slide(section, results, tr))
        for picture in section.pictures:
            slides += _picture_slides(section, picture, folder, out, tr)
    return slides


def page(slides: list[Slide], language: str) -> str:
    """The deck's HTML: one file with its style and script inside (package data deck.html, deck.css, deck.js)."""
    data = resources.files(__name__)
    template = string.Template(data.joinpath("deck.html").read_text(encoding="utf-8"))
    slide = _e(_("slide", language))
    sections = "\n".join(
        f'<section class="slide kind-{s.kind}" data-kind="{s.kind}" data-section="{s.section}" '
        f'id="slide-{k}" aria-label="{slide} {k}">{s.body}</section>'
        for k, s in enumerate(slides, 1)
    )
    return template.substitute(
        language=language,
        title=_e(_(TITLE, language)),
        style=data.joinpath("deck.css").read_text(encoding="utf-8"),
        script=data.joinpath("deck.js").read_text(encoding="utf-8"),
        slides=sections,
        count=len(slides),
    )


# ----------------------------------------------------------------------------- PDF by headless Chromium


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) to print with, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = 300, language: str | None = None) -> str | None:
    """Print the page to a PDF with headless Chromium; returns None when written, else the reason it was not.

    The reason is in `language` (None: the language in force).
    """
    language = resolve(language, "print_pdf")
    chromium = find_chromium()
    if chromium is None:
        return _(
            "no Chromium found (chromium, chromium-browser or google-chrome): install one to get the PDF", language
        )
    with tempfile.TemporaryDirectory(prefix="deck-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return _("Chromium did not finish printing within {seconds} s", language).format(seconds=f"{timeout:g}")
    if done.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or [_("no message", language)])[-1]
        return _("Chromium could not print the deck (exit status {status}: {message})", language).format(
            status=done.returncode, message=last
        )
    return None


# ----------------------------------------------------------------------------- building


def _check_folder(folder, language: str) -> Path:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            _("deck: folder must be a folder to write the deck into, not the file {path}", language).format(path=folder)
        )
    for name in (HTML_NAME, PDF_NAME, PICTURES):
        if (folder / name).is_symlink():
            raise ValueError(
                _("deck: {path} is a link; the deck writes only files it makes itself", language).format(
                    path=folder / name
                )
            )
    if (folder / PICTURES).exists() and not (folder / HTML_NAME).is_file():
        raise ValueError(
            _(
                "deck: {path} exists and is not an earlier deck's (no {page} beside it); choose a new or empty folder",
                language,
            ).format(path=folder / PICTURES, page=HTML_NAME)
        )
    return folder


def build(folder, language: str | None = None, quick: bool = False, out=None, pdf: bool = True, results=None) -> dict:
    """Run the demos and write the deck into `folder`: deck.html, pictures/ and (with Chromium) deck.pdf.

    `language` "de" or "en" (None: the language in force); `quick` runs the demos' smaller settings;
    `out` keeps the demos' whole output there (default: a temporary folder, removed afterwards);
    `results` ({demo: result} of an earlier run into `out`) skips running them.
    Returns {"html", "pdf" (or None), "pdf_skipped" (the reason, or None), "slides", "notes", "results"}.
    """
    language = resolve(language, "deck")
    folder = _check_folder(folder, language)
    if results is not None and out is None:
        raise ValueError("deck: results of an earlier run need out=, the folder that run wrote its pictures into")
    keep = contextlib.nullcontext(str(out)) if out is not None else tempfile.TemporaryDirectory(prefix="deck-demos-")
    with keep as out_name:
        out_folder = Path(out_name)
        if results is None:
            from demos.__main__ import run_demos

            with using_language(language):
                timed = run_demos(demo_names(), out_folder, quick=quick)
            results = {name: outcome for name, (_seconds, outcome) in timed.items()}
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / PICTURES).is_dir():
            shutil.rmtree(folder / PICTURES)  # pictures of an earlier build would linger
        slides = slides_of(results, folder, Path(out_folder), quick, language)
    html_path = folder / HTML_NAME
    html_path.write_text(page(slides, language), encoding="utf-8")
    pdf_path = folder / PDF_NAME
    skipped: str | None = _("not asked for (pdf=False)", language)
    if pdf:
        skipped = print_pdf(html_path, pdf_path, language=language)
    return {
        "html": html_path,
        "pdf": None if skipped else pdf_path,
        "pdf_skipped": skipped,
        "slides": slides,
        "notes": [note for slide in slides for note in slide.notes],
        "results": results,
    }


def main(argv=None) -> int:
    """`python -m demos.deck DIR [--lang de|en] [--quick] [--out OUT] [--no-pdf]`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m demos.deck", description="Build the course's slide deck.")
    parser.add_argument("folder", metavar="DIR", help="where deck.html, pictures/ and deck.pdf go")
    parser.add_argument(
        "--lang", choices=("de", "en"), default=None, help="the deck's language (default: the locale's)"
    )
    parser.add_argument("--quick", action="store_true", help="the demos' smaller settings (what the tests run)")
    parser.add_argument("--out", default=None, help="keep the demos' whole output in OUT (default: not kept)")
    parser.add_argument("--no-pdf", action="store_true", help="do not print deck.pdf with Chromium")
    args = parser.parse_args(argv)
    return run_from_arguments(args.folder, args, parser)


def run_from_arguments(folder, args, parser) -> int:
    """Build the deck as the command line asked (`args`: lang, quick, out, no_pdf) and say what was written.

    Returns the exit status: 1 if a demo failed (its slides say so), else 0.
    """
    language = resolve(args.lang, "deck")
    try:
        done = build(folder, language=language, quick=args.quick, out=args.out, pdf=not getattr(args, "no_pdf", False))
    except ValueError as exc:
        parser.error(str(exc))
    count = len(done["slides"])
    said = ngettext(
        "The deck: {page} ({count} slide; open it in a browser, → for the next slide)",
        "The deck: {page} ({count} slides; open it in a browser, → for the next slide)",
        count,
        language,
    )
    print("\n" + said.format(page=done["html"], count=count))
    if done["pdf"]:
        print(_("Its PDF: {path}", language).format(path=done["pdf"]))
    else:
        print(_("No PDF: {reason}", language).format(reason=done["pdf_skipped"]))
    for note in done["notes"]:
        print(_("  note on a slide: {note}", language).format(note=note), file=sys.stderr)
    failed = [name for name, outcome in done["results"].items() if isinstance(outcome, Exception)]
    return 1 if failed else 0
