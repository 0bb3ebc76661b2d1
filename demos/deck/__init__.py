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

from autograd.language import resolve, using_language
from demos.deck.texts import text

__all__ = ["SECTIONS", "Section", "Picture", "Words", "build", "print_pdf", "find_chromium", "main"]

HTML_NAME = "deck.html"
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
    title: str  # TEACHING.md's heading, in English (translated by texts.TEXTS)
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
        return text(message, self.language)

    def name(self, key: str) -> str:
        """A name from a demo's results (a model, a loss, a learning rate): translated where known, else as given."""
        return text(key, self.language, strict=False)

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


def _chain_rule(r, tr):
    cr = r["chain_rule"]
    rows = [
        (tr("{node} (value, df/d{node})").format(node=k), tr.numbers((cr["values"][k], cr["grads"][k])))
        for k in ("f", "i", "g", "h", "a", "b", "c", "d")
    ]
    rows.append((tr("the one non-trivial local derivative"), cr["how"]["i"]))
    rows.append((tr("df/da along its path"), cr["paths"]["a"][0]))
    return rows


def _paths(r, tr):
    p, fr = r["paths"], r["forward_reverse"]
    deepest = p["chain"][-1]
    forward, backward = fr["both_orders"]["forward"], fr["both_orders"]["backward"]
    return [
        (tr("y = x · x at x = 3: paths, dy/dx"), tr.numbers((p["x_squared_paths"], p["x_squared_grad"]))),
        (tr("diamond: paths from L to s"), tr.number(p["diamond_paths"])),
        (
            tr("diamond dL/ds: backprop, sum over paths, by hand"),
            tr.numbers((p["diamond_backprop"], p["diamond_path_sum"], p["diamond_by_hand"])),
        ),
        (
            tr("chain of {depth} diamonds: paths, edges").format(depth=deepest["depth"]),
            tr.numbers((deepest["paths"], deepest["edges"])),
        ),
        (
            tr("f(x, y) = x² y + sin(x y): df/dx, df/dy forward and backward"),
            f"{tr.numbers(forward)} | {tr.numbers(backward)}",
        ),
    ]


def _gradcheck(r, tr):
    g = r["gradcheck"]
    eps, error = min(g["central_errors"].items(), key=lambda item: item[1])
    return [
        (
            tr("parameters checked, largest difference to central differences"),
            tr.numbers((g["n_params"], g["max_difference"])),
        ),
        (tr("loss evaluations for central differences, backward passes"), tr.numbers((g["fd_evaluations"], 1))),
        (tr("smallest error of central differences, at ε"), tr.numbers((error, eps))),
        (tr("a wrong derivative, caught"), g["bug_caught"]),
    ]


def _perceptron(r, tr):
    p = r["perceptron_xor"]
    rows = [
        (tr("perceptron mistakes per epoch, {gate}").format(gate=gate.upper()), tr.numbers(mistakes))
        for gate, mistakes in p["perceptron_mistakes"].items()
    ]
    rows.append((tr("hand-made network on (0,0), (0,1), (1,0), (1,1)"), tr.numbers(p["hand_made_outputs"])))
    rows.append((tr("trained 2-4-1 network's outputs"), tr.numbers(p["xor_probabilities"])))
    return rows


def _mlp(r, tr):
    rows = []
    moons = r["moons"]
    rows.append(
        (tr("two moons: training accuracy, loss"), f"{tr.percent(moons['accuracy'])}; {tr.number(moons['loss'])}")
    )
    delta = r["delta_rule"]
    rows.append(
        (
            tr("delta rule: δ of the output, δ_j of the hidden neurons"),
            f"{tr.number(delta['hand']['delta_out'])} | {tr.numbers(delta['hand']['deltas'])}",
        )
    )
    rows.append(
        (
            tr("delta rule: largest difference of δ_j · out_i to backward()'s gradients"),
            tr.number(delta["largest_difference"]),
        )
    )
    rows.append(
        (
            tr("delta rule: loss before and after one update −η δ out"),
            tr.numbers((delta["engine_loss"], delta["loss_after"])),
        )
    )
    d = r["digits"]
    if d.get("skipped"):
        return rows + [(tr("digits"), tr("skipped in this build (its extra is not installed)"))]
    rows.append((tr("training images, held-out images"), tr.numbers((d["n_train"], d["n_test"]))))
    for model, accuracy in d["test_accuracy"].items():
        rows.append(
            (
                tr("digits: held-out accuracy after {epochs} epochs, {model}").format(
                    epochs=d["epochs"], model=tr.name(model)
                ),
                tr.percent(accuracy),
            )
        )
    for model, runs in d["keras"].items():
        last = runs["after_last"]
        label = tr("Keras model {model}: held-out accuracy, mean (lowest–highest) of {count} seeds")
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
        (tr("step function: largest gradient during training"), tr.number(a["step"]["largest_gradient"])),
        (
            tr("softmax(z + c) − softmax(z), largest, for c = {shifts}").format(shifts=tr.numbers(shifts)),
            tr.number(max(shifts.values())),
        ),
        (
            tr("three linear layers against their one map W3 W2 W1: largest difference"),
            tr.number(a["collapse"]["largest_difference"]),
        ),
    ]


def _losses(r, tr):
    lo = r["losses"]
    rows = [(tr("predicted class, accuracy"), tr.numbers((lo["predicted"], lo["accuracy"])))]
    for name, (loss, gradient) in lo["losses"].items():
        rows.append(
            (tr("{loss}: loss, gradient").format(loss=tr.name(name)), f"{tr.number(loss)}; [{tr.numbers(gradient)}]")
        )
    return rows


def _descent(r, tr):
    gd = r["gradient_descent"]
    curvature = gd["curvature"]
    rows = [
        (
            tr("Hessian's largest eigenvalue λ, learning-rate limit 2/λ"),
            tr.numbers((curvature["lambda_max"], curvature["lr_limit"])),
        )
    ]
    for name, run in gd["learning_rates"].items():
        verdict = (
            tr("diverges")
            if run["diverged"]
            else tr("converges, loss {loss}").format(loss=tr.number(run["per_epoch"][-1]))
        )
        rows.append((tr("learning rate {rate}").format(rate=tr.name(name)), verdict))
    for name, loss in r["optimizers"]["network_final_loss"].items():
        rows.append((tr("final loss of the network, {optimizer}").format(optimizer=name), tr.number(loss)))
    for method, steps in r["newton"]["one_dimension"]["steps"].items():
        rows.append(
            (
                tr("e^x − 2x: steps to the minimum ln 2, {method}").format(method=tr.name(method)),
                tr("not reached") if steps is None else tr.number(steps),
            )
        )
    return rows


def _approximation(r, tr):
    return [
        (tr("mean squared error of the fit, {target}").format(target=tr.name(target)), tr.number(mse))
        for target, mse in r["universal_approximation"]["mse"].items()
    ]


def _graphs(r, tr):
    return [(tr("trained XOR network's outputs p(1)"), tr.numbers(r["perceptron_xor"]["xor_probabilities"]))]


def _jacobians(r, tr):
    return [
        (tr("largest difference to the engine's backprop, {way}").format(way=tr.name(way)), tr.number(difference))
        for way, difference in r["jacobians"]["differences"].items()
    ]


def _symmetries(r, tr):
    s = r["symmetries"]
    rows = [
        (tr("equivalent weight vectors M! · 2^M, M = {m}").format(m=m), tr.number(count))
        for m, count in s["counts"].items()
    ]
    copies = s["tanh"]["copies"]
    rows.append(
        (
            tr("tanh copies: count, largest output difference"),
            tr.numbers((len(copies), max(copy["difference"] for copy in copies))),
        )
    )
    return rows


# ----------------------------------------------------------------------------- the course, in TEACHING.md's order

SECTIONS = (
    Section(
        1,
        "The chain-rule example",
        "f(a, b, c, d) = ((a + b) · (c + d))², divide and conquer: g = a + b, h = c + d, i = g · h, f = i²",
        ("chain_rule",),
        (
            Picture("chain_rule", "graph.png", "The graph with every value and gradient"),
            Picture(
                "chain_rule",
                "lecture_steps/lecture_step_*.png",
                "The lecture's order: one number per frame",
                frames=True,
            ),
        ),
        _chain_rule,
    ),
    Section(
        2,
        "Sum over paths, and why backprop is dynamic programming",
        "Several paths to the output: the derivative is the sum over the paths; forward and backward accumulation",
        ("paths", "forward_reverse"),
        (
            Picture("paths", "diamond.png", "The diamond: 6 paths from L to s"),
            Picture("paths", "paths_vs_edges.png", "Paths grow exponentially, edges linearly"),
            Picture("forward_reverse", "sweeps.png", "Sweeps needed: forward against backward"),
        ),
        _paths,
    ),
    Section(
        3,
        "Finite differences versus backprop",
        "(L(w + ε) − L(w − ε)) / 2ε: two loss evaluations per parameter, never exact",
        ("gradcheck", "misconceptions"),
        (
            Picture("gradcheck", "error_vs_eps.png", "The error of the difference quotient against ε"),
            Picture(
                "misconceptions", "misconceptions.png", "Four classic backprop mistakes beside the right gradients"
            ),
        ),
        _gradcheck,
    ),
    Section(
        4,
        "The artificial neuron and the perceptron",
        "The perceptron rule learns AND and OR, never XOR; stacked neurons solve XOR",
        ("perceptron_xor",),
        (
            Picture("perceptron_xor", "perceptron.png", "The perceptron on AND, OR and XOR"),
            Picture("perceptron_xor", "xor_network.png", "The hand-made 2-2-1 network of step neurons solves XOR"),
            Picture("perceptron_xor", "xor_training.png", "A 2-4-1 network trained by backprop learns XOR"),
        ),
        _perceptron,
    ),
    Section(
        5,
        "Multi-layer perceptrons",
        "Layers of neurons; the slides' digits network 784-30-15-10 (here the 8x8 digits, 64-30-15-10)",
        ("moons", "delta_rule", "digits"),
        (
            Picture("moons", "moons.png", "Two moons: a 2-16-16-1 ReLU network"),
            Picture("digits", "digits_training.png", "Digits: sigmoid + MSE + SGD against ReLU + softmax + Adam"),
            Picture("digits", "digits_keras_history.png", "The slides' two Keras models: the training history"),
            Picture("digits", "digits_predictions.png", "Predictions on held-out digits"),
        ),
        _mlp,
    ),
    Section(
        6,
        "Activation functions",
        "Each activation with its derivative from the backward pass",
        ("activations",),
        (Picture("activations", "activations.png", "Activations and their derivatives"),),
        _activations,
    ),
    Section(
        7,
        "Loss functions",
        "The four-class example: correct class 1, output [0.08, 0.25, 0.42, 0.25]",
        ("losses",),
        (
            Picture("losses", "gradients.png", "Each loss's gradient with respect to the outputs"),
            Picture("losses", "loss_vs_accuracy.png", "Loss against accuracy"),
        ),
        _losses,
    ),
    Section(
        8,
        "Gradient descent and its variants",
        "Batch, stochastic, mini-batch; the learning rate; Momentum, RMSProp, Adagrad, Adam",
        ("gradient_descent", "optimizers", "newton"),
        (
            Picture("gradient_descent", "variants.png", "Batch, stochastic and mini-batch"),
            Picture("gradient_descent", "learning_rates.png", "Learning rates: too small, right, too large"),
            Picture("gradient_descent", "learning_rate_limit.png", "The limit 2/λ of the learning rate"),
            Picture("gradient_descent", "local_minimum.png", "Too small a learning rate stays in a local minimum"),
            Picture("optimizers", "network_loss.png", "Five optimizers on one network"),
            Picture("optimizers", "rosenbrock.png", "The Rosenbrock valley"),
            Picture("newton", "newton_1d.png", "Newton's method against gradient descent"),
        ),
        _descent,
    ),
    Section(
        9,
        "Universal approximation",
        "3 tanh hidden units fit x², sin(πx), |x| and the step H(x) (Bishop fig. 5.3)",
        ("universal_approximation",),
        (Picture("universal_approximation", "universal_approximation.png", "Four fits, hidden units dashed"),),
        _approximation,
    ),
    Section(
        10,
        "Computation graphs",
        "Goldberg's three pictures: on symbols, with an input, with the loss",
        ("perceptron_xor",),
        (
            Picture("perceptron_xor", "xor_graph_symbols.png", "The network on symbols"),
            Picture("perceptron_xor", "xor_graph_input.png", "With a concrete input"),
            Picture("perceptron_xor", "xor_graph.png", "With the loss attached"),
        ),
        _graphs,
    ),
    Section(
        11,
        "Jacobians: the chain rule for whole layers",
        "The slides' 3-layer network's gradients three ways",
        ("jacobians",),
        (Picture("jacobians", "jacobians.png", "Each Jacobian against the engine"),),
        _jacobians,
    ),
    Section(
        12,
        "Symmetries of the parameter space",
        "M! · 2^M weight vectors compute the same function",
        ("symmetries",),
        (Picture("symmetries", "symmetries.png", "48 weight vectors, one function"),),
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
        note = tr("Picture missing: {name} (the demo did not write it in this run).").format(
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
            shown = f"{caption} · {tr('Frame {k} of {n}').format(k=k, n=len(sources))}"
        slides.append(Slide("frame" if picture.frames else "picture", section.number, heading + _figure(link, shown)))
    return slides


def _figure_missing(caption: str, note: str) -> str:
    return f'<figure class="absent"><figcaption>{_e(caption)}</figcaption>{_missing_note(note)}</figure>'


def _numbers_slide(section: Section, results: dict, tr) -> Slide:
    heading = f"<h2>{_e(tr(section.title))}: {_e(tr('Key numbers'))}</h2>"
    notes = []
    for demo in section.demos:
        outcome = results.get(demo)
        if isinstance(outcome, BaseException) or outcome is None:
            notes.append(tr("The demo {demo} did not run: {reason}").format(demo=demo, reason=outcome or "-"))
    rows = []
    if not notes:
        try:
            rows = section.numbers(results, tr)
        except KeyError as exc:  # a demo changed what it returns: say so on the slide
            notes.append(
                tr("Key numbers missing: the demo {demo} gave no {key} in this run.").format(
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
    body = (
        f'<p class="kicker">{_e(tr("Section {number}").format(number=section.number))}</p>'
        f"<h1>{_e(tr(section.title))}</h1>"
        f'<p class="subtitle">{_e(tr(section.subtitle))}</p>'
        f'<p class="demos">{_e(tr("Demos: {names}").format(names=", ".join(section.demos)))}</p>'
    )
    return Slide("title", section.number, body)


def _deck_slide(quick: bool, tr) -> Slide:
    run = (
        tr("Built from a quick run (smaller settings): training results differ from a full run.")
        if quick
        else tr("Built from a full run of the demos.")
    )
    origin = tr("Every picture and number below was computed by the course's demos (python -m demos).")
    body = (
        f"<h1>{_e(tr('Backpropagation: the course in pictures'))}</h1>"
        f'<p class="subtitle">{_e(origin)}</p>'
        f'<p class="note">{_e(run)}</p>'
        f'<p class="note">{_e(tr("Keys: → or Space next, ← back, Home first, End last."))}</p>'
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
    sections = "\n".join(
        f'<section class="slide kind-{s.kind}" data-kind="{s.kind}" data-section="{s.section}" '
        f'id="slide-{k}" aria-label="{_e(text("slide", language))} {k}">{s.body}</section>'
        for k, s in enumerate(slides, 1)
    )
    return template.substitute(
        language=language,
        title=_e(text("Backpropagation: the course in pictures", language)),
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


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = 300) -> str | None:
    """Print the page to a PDF with headless Chromium; returns None when written, else the reason it was not."""
    chromium = find_chromium()
    if chromium is None:
        return "no Chromium found (chromium, chromium-browser or google-chrome): install one to get the PDF"
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
            return f"Chromium did not finish printing within {timeout:g} s"
    if done.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"Chromium could not print the deck (exit status {done.returncode}: {last})"
    return None


# ----------------------------------------------------------------------------- building


def _check_folder(folder) -> Path:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"deck: folder must be a folder to write the deck into, not the file {folder}")
    for name in (HTML_NAME, PDF_NAME, PICTURES):
        if (folder / name).is_symlink():
            raise ValueError(f"deck: {folder / name} is a link; the deck writes only files it makes itself")
    if (folder / PICTURES).exists() and not (folder / HTML_NAME).is_file():
        raise ValueError(
            f"deck: {folder / PICTURES} exists and is not an earlier deck's (no {HTML_NAME} beside it); "
            "choose a new or empty folder"
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
    folder = _check_folder(folder)
    if results is not None and out is None:
        raise ValueError("deck: results of an earlier run need out=, the folder that run wrote its pictures into")
    keep = contextlib.nullcontext(str(out)) if out is not None else tempfile.TemporaryDirectory(prefix="deck-demos-")
    with keep as out_name:
        out_folder = Path(out_name)
        if results is None:
            from demos.__main__ import run_demos

            with using_language(language):
                timed = run_demos(demo_names(), out_folder, quick=quick)
            results = {name: outcome for name, (_, outcome) in timed.items()}
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / PICTURES).is_dir():
            shutil.rmtree(folder / PICTURES)  # pictures of an earlier build would linger
        slides = slides_of(results, folder, Path(out_folder), quick, language)
    html_path = folder / HTML_NAME
    html_path.write_text(page(slides, language), encoding="utf-8")
    pdf_path = folder / PDF_NAME
    skipped: str | None = "not asked for (pdf=False)"
    if pdf:
        skipped = print_pdf(html_path, pdf_path)
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
    try:
        done = build(folder, language=args.lang, quick=args.quick, out=args.out, pdf=not getattr(args, "no_pdf", False))
    except ValueError as exc:
        parser.error(str(exc))
    print(f"\nThe deck: {done['html']} ({len(done['slides'])} slides; open it in a browser, → for the next slide)")
    if done["pdf"]:
        print(f"Its PDF: {done['pdf']}")
    else:
        print(f"No PDF: {done['pdf_skipped']}")
    for note in done["notes"]:
        print(f"  note on a slide: {note}", file=sys.stderr)
    failed = [name for name, outcome in done["results"].items() if isinstance(outcome, Exception)]
    return 1 if failed else 0
