"""Plumbing shared by the demos: the command line, a run's language, output folders, plot style, narration, training.

Plots are drawn on `matplotlib.figure.Figure` objects and saved as PNG with
the Agg renderer, so no display and no global pyplot state are involved.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import inspect
import sys
import textwrap
import time
from pathlib import Path

from autograd.language import LANGUAGES, Domain, resolve, using_language

_ = Domain("demos").gettext

DEFAULT_OUT = "out"

# Large type and thick lines: the pictures are shown on a projector.
STYLE = {
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 14,
    "legend.fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "savefig.dpi": 110,
}

# What each demo needs beyond the engine: the optional extras of pyproject.toml
# (chain_rule draws with Graphviz alone; jacobians adds PyTorch's rows when the
# `torch` extra is there). The one place this is said: `python -m demos` and
# `python -m demos.NAME` check it before a demo starts.
NEEDS = {
    "chain_rule": (),
    "paths": ("demos",),
    "forward_reverse": ("demos",),
    "gradcheck": ("demos",),
    "perceptron_xor": ("demos",),
    "moons": ("demos",),
    "universal_approximation": ("demos",),
    "activations": ("demos",),
    "losses": ("demos",),
    "gradient_descent": ("demos",),
    "optimizers": ("demos",),
    "newton": ("demos",),
    "digits": ("demos", "digits"),
    "jacobians": ("demos",),
    "symmetries": ("demos",),
    "misconceptions": ("demos",),
    "delta_rule": (),  # numbers only, no pictures
    "playground": ("live",),  # a Voila page: python -m demos.playground
    "tutorial": ("notebook", "demos"),  # demos/tutorial.ipynb, opened with Jupyter
}

# The modules each extra brings (found without importing them).
EXTRA_MODULES = {
    "demos": ("matplotlib", "PIL"),
    "digits": ("sklearn",),
    "torch": ("torch",),
    "live": ("anywidget", "ipywidgets", "voila"),
    "notebook": ("notebook", "nbconvert", "ipykernel"),
}


class MissingExtra(RuntimeError):
    """A demo needs an optional extra that is not installed (the message says how to install it)."""


def missing_extras(name: str, needs=None) -> list[str]:
    """The extras demo `name` needs (NEEDS, or `needs`) whose modules are not installed, in that order."""
    return [
        extra
        for extra in (NEEDS[name] if needs is None else needs)
        if any(importlib.util.find_spec(module) is None for module in EXTRA_MODULES[extra])
    ]


def exit_unless_installed(name: str, needs=None) -> None:
    """Stop (exit status 1) with the message naming the missing extras and the command, before demo `name` starts."""
    missing = missing_extras(name, needs)
    if missing:
        raise SystemExit(missing_message({name: missing}))


def missing_message(missing: dict) -> str:
    """What to install for {demo: [extra, ...]}: which demo needs which extra (its modules), and the command."""
    from autograd import install_command

    extras = list(dict.fromkeys(extra for needed in missing.values() for extra in needed))
    joined = _(" and ")
    lines = [f"  {name}: {joined.join(describe_extra(extra) for extra in needed)}" for name, needed in missing.items()]
    if len(missing) == 1:
        head = _("This demo needs optional parts of backprop-lab that are not installed:")
    else:
        head = _("These demos need optional parts of backprop-lab that are not installed:")
    return head + "\n" + "\n".join(lines) + "\n" + _("Install them with:") + f"\n  {install_command(*extras)}"


def describe_extra(extra: str) -> str:
    """`[demos] (matplotlib, PIL)`: an extra and the modules it brings."""
    return f"[{extra}] ({', '.join(EXTRA_MODULES[extra])})"


# Colours that stay apart on a washed-out projector (and for colour-blind viewers).
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def parse_args(argv, description: str, module: str | None = None, *, summary: str | None = None) -> argparse.Namespace:
    """The options every demo understands: --out DIR, --quick and --lang de|en.

    `module` is the demo's module name (e.g. "demos.moons"), so --help says
    `usage: python -m demos.moons`, the command that runs it, not `moons.py`.
    The help's description is `summary` (the demo's SUMMARY, translated) or
    else the first line of `description` (its docstring); the help is in the
    language of --lang when the command line has one, else the locale's.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    language = resolve(language_in(argv))
    text = _(summary, language) if summary else description.strip().splitlines()[0]
    parser = argument_parser(_prog(module), text, language)
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help=_("pictures go to OUT/NAME (default: ./{out})", language).format(out=DEFAULT_OUT),
    )
    parser.add_argument("--quick", action="store_true", help=_("smaller settings, for tests (a few seconds)", language))
    add_language_option(parser, language)
    return parser.parse_args(argv)


def language_in(argv) -> str | None:
    """The language that `--lang de` (or `--lang=de`) in `argv` asks for; None without one (or with a wrong one).

    Read before the parser is made, so that --help speaks the language asked for.
    """
    argv = list(argv)
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[k + 1] if arg == "--lang" and k + 1 < len(argv) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGUAGES:
            return value
    return None


def add_language_option(parser: argparse.ArgumentParser, language: str | None = None) -> None:
    """The --lang option of every demo's command line, its help in `language`."""
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help=_("the language of the texts (default: the locale's)", language)
    )


def argument_parser(prog: str | None, description: str, language: str | None = None) -> argparse.ArgumentParser:
    """An ArgumentParser whose own words in --help (usage, section titles, -h) are in `language`.

    argparse's error messages stay as argparse writes them (English).
    """
    language = resolve(language, "argument_parser")
    prefix = _("usage: ", language)

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix_=None):
            super().add_usage(usage, actions, groups, prefix if prefix_ is None else prefix_)

    parser = argparse.ArgumentParser(prog=prog, description=description, formatter_class=Formatter, add_help=False)
    parser._positionals.title = _("positional arguments", language)
    parser._optionals.title = _("options", language)
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit", language))
    return parser


def _prog(module: str | None) -> str | None:
    """`python -m demos.moons` for a demo's module (None: argparse's default)."""
    if not module or module == "__main__":  # started as `python -m demos.moons`: __main__ knows its real name
        spec = getattr(sys.modules.get("__main__"), "__spec__", None)
        module = spec.name if spec is not None else None
    if module and module.startswith("demos.") and module != "demos.__main__":
        return f"python -m {module}"
    return None


def demo_dir(out, name: str) -> Path:
    """The folder `out/name` where demo `name` writes its files (created)."""
    path = Path(out) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def heading(title: str) -> None:
    """Print a demo's title, underlined."""
    print()
    print(title)
    print("=" * len(title))


def say(text: str) -> None:
    """Print a paragraph of narration, wrapped to 100 columns."""
    print(textwrap.fill(" ".join(text.split()), width=100))


def table(rows, header) -> None:
    """Print rows (sequences of str or numbers) as aligned columns under `header`."""
    cells = [[str(h) for h in header]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(header))]
    # numbers are right-aligned, text columns left-aligned
    text = [any(not _numeric(row[j]) for row in cells[1:]) for j in range(len(header))]
    for k, row in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) if t else c.rjust(w) for c, w, t in zip(row, widths, text)).rstrip())
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _numeric(text: str) -> bool:
    try:
        float(text.split()[0] if text.split() else "x")
        return True
    except ValueError:
        return False


def _cell(c) -> str:
    if isinstance(c, float):
        return f"{c:.4g}"
    return str(c)


def wrote(paths, language: str | None = None) -> None:
    """Print the files a demo wrote (the line above them in `language`; None: the language in force)."""
    paths = [p for p in paths if p is not None]
    if paths:
        print(_("Pictures written:", language))
        for p in paths:
            print(f"  {p}")


@contextlib.contextmanager
def style():
    """Apply the projector style to figures made inside the block."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def figure(nrows: int = 1, ncols: int = 1, size=(8, 6)):
    """A new (figure, axes) pair, drawn off-screen (call inside `style()`)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, (axes[0, 0] if nrows == ncols == 1 else axes)


def decision_boundary(
    ax, score, X, y, threshold: float = 0.0, n: int = 60, margin: float = 0.4, labels=None, language=None
) -> None:
    """Shade where `score(point) > threshold` over the data's range, and draw the points.

    `score` maps [x1, x2] to a float (evaluate the model under `no_grad()`);
    labels y are -1/+1 or 0/1 (the positive class is y > 0). The legend's
    `labels` are "class -1" and "class +1" in `language` unless given.
    """
    from autograd import no_grad

    if labels is None:
        labels = (_("class -1", language), _("class +1", language))

    x1s = [p[0] for p in X]
    x2s = [p[1] for p in X]
    lo1, hi1 = min(x1s) - margin, max(x1s) + margin
    lo2, hi2 = min(x2s) - margin, max(x2s) + margin
    g1 = [lo1 + (hi1 - lo1) * i / (n - 1) for i in range(n)]
    g2 = [lo2 + (hi2 - lo2) * j / (n - 1) for j in range(n)]
    with no_grad():
        scores = [[score([a, b]) for a in g1] for b in g2]
    ax.contourf(g1, g2, scores, levels=[-1e300, threshold, 1e300], colors=[COLORS[5], COLORS[4]], alpha=0.35)
    ax.contour(g1, g2, scores, levels=[threshold], colors="k", linewidths=2)
    neg = [p for p, t in zip(X, y) if t <= 0]
    pos = [p for p, t in zip(X, y) if t > 0]
    ax.scatter([p[0] for p in neg], [p[1] for p in neg], s=60, c=COLORS[0], edgecolors="k", label=labels[0])
    ax.scatter([p[0] for p in pos], [p[1] for p in pos], s=60, c=COLORS[1], marker="s", edgecolors="k", label=labels[1])
    ax.set_xlim(lo1, hi1)
    ax.set_ylim(lo2, hi2)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="lower left", framealpha=0.9)


def loss_curves(ax, curves, xlabel: str, ylabel: str, title: str, colors=COLORS, fmt: str | None = None, **line):
    """Draw each curve of {name: values} against its index on a log scale, in `colors`, then label and legend.

    `fmt` (e.g. "o-") and `line` (e.g. ms=5) style every curve alike.
    """
    for color, (name, values) in zip(colors, curves.items()):
        ax.semilogy(range(len(values)), values, *([fmt] if fmt else []), color=color, label=name, **line)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()


def save_figure(fig, path) -> Path:
    """Save a figure as PNG (Agg renderer) and return its path."""
    path = Path(path)
    fig.savefig(path, format="png")
    return path


def render_graph(graph, path) -> Path | None:
    """Render a Graphviz picture with autograd's `save_graph`, or say why not and return None."""
    from autograd import pictures

    try:
        return pictures.save_graph(graph, path)
    except pictures.GraphvizNotInstalled as exc:
        print(_("(graph not rendered: {reason})").format(reason=exc))
        return None


def descend(loss_fn, optimizer, steps: int) -> list[float]:
    """The training loop of the course: `steps` times build the loss, zero the gradients, backward, step.

    `loss_fn()` builds a fresh loss graph from the current parameters (a full
    batch: the same data every step). Returns the loss before each step.
    """
    losses = []
    for _ in range(steps):
        loss = loss_fn()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    return losses


class Timer:
    """`with Timer() as t: ...`; then `t.seconds`."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


def in_language(run):
    """Decorate a demo's `run(..., *, language=None)` so that its whole body speaks `language`.

    Every course demo's `run` wears it: the one way a demo takes its language.
    It checks `language` (a wrong one is refused with the demo's NAME), makes
    it the language in force while `run` runs (None keeps the one in force),
    passes `run` the checked value, and restores the setting of before
    afterwards, also after an error. Why: then every text of the run follows
    `language`, also a `_()` or a shared helper (`wrote`, `render_graph`) that
    is not handed it; a demo may still hand it on, as most do.
    """
    who = run.__globals__.get("NAME", run.__module__)

    @functools.wraps(run)
    def in_its_language(*args, language: str | None = None, **options):
        with using_language(resolve(language, who)) as chosen:
            return run(*args, language=chosen, **options)

    return in_its_language


def run_main(run, argv, description: str) -> dict:
    """What each demo's `main(argv)` does: parse the options, run in the language of --lang, return the numbers."""
    module = getattr(run, "__module__", None)
    found = getattr(inspect.unwrap(run), "__globals__", {})  # the demo's NAME and SUMMARY, however it was started
    args = parse_args(argv, description, module, summary=found.get("SUMMARY"))
    name = found.get("NAME")
    with using_language(args.lang):
        if name in NEEDS:
            exit_unless_installed(name)
        result = run(args.out, quick=args.quick)
    sys.stdout.flush()
    return result
