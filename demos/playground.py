"""The playground as a page of its own: TensorFlow Playground's core, trained live by this engine.

python -m demos.playground [SCENARIO.json] [--port N] [--no-browser] [--lang de|en]

Serves the playground (and a stepper through the chain-rule example) on
127.0.0.1 only, with Voilà, and opens the browser: for projecting in class
without a notebook. A scenario file (saved from the page, or written by hand,
see nn/playground/scenarios/) sets the data, the network, the training and the
controls the class sees. Everything the page loads comes from this computer:
the widget's JavaScript and CSS are package data, nothing from a CDN.
The page's words, the kernel's messages and what this command prints are in
the language of --lang (default: the locale's).
Needs the `live` extra (anywidget, ipywidgets, voila).
"""

from __future__ import annotations

import importlib.util
import sys

from autograd.language import Domain, resolve, using_language
from demos import _common as c

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "playground"
SUMMARY = N_("The playground as a page of its own: TensorFlow Playground's core, trained live by this engine.")
TITLE = N_("Backprop lab: playground")


def page_cells(scenario_text: str, *, stepper: bool = True, language: str | None = None) -> list:
    """The page's cells: the playground made from the (checked) scenario text, then the chain-rule stepper.

    The scenario reaches the page's kernel as a string literal and is read there by
    loads_scenario again: data, never code. The widgets speak `language` ("de"
    or "en"; None: the language in force here), passed to them in the cells.
    """
    language = resolve(language, "page_cells")
    cells = [
        "from nn.playground import Playground, loads_scenario\n"
        f"playground = Playground(loads_scenario({scenario_text!r}), language={language!r})\n"
        "playground"
    ]
    if stepper:
        heading = _("The chain rule, one step at a time", language)
        example = _("f = ((a + b)(c + d))², the example of the lecture.", language)
        cells += [
            ("markdown", f"## {heading}\n{example}"),
            "from autograd.widgets import Stepper\nfrom demos.chain_rule import build\n"
            f"Stepper(build()['f'], language={language!r})",
        ]
    return cells


def has_stepper() -> bool:
    """Whether this installation has the stepper widget (autograd.widgets.Stepper)."""
    return importlib.util.find_spec("autograd.widgets.stepper") is not None


def main(argv=None) -> int:
    """The command line; returns the exit status (2: a bad scenario or argument, 1: cannot serve)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    with using_language(c.language_in(argv)) as t:  # --help in the language asked for
        return _main(argv, t)


def _main(argv: list, t: str) -> int:
    parser = c.argument_parser("python -m demos.playground", _(SUMMARY, t), t)
    parser.add_argument("scenario", nargs="?", help=_("a scenario file (JSON) to start from", t))
    parser.add_argument("--port", type=int, default=None, help=_("the port on 127.0.0.1 (default: a free one)", t))
    parser.add_argument("--no-browser", action="store_true", help=_("do not open the browser", t))
    parser.add_argument("--no-stepper", action="store_true", help=_("the playground alone, without the stepper", t))
    c.add_language_option(parser, t)
    args = parser.parse_args(argv)

    from nn.playground import default_scenario, dumps_scenario, load_scenario

    try:
        scenario = load_scenario(args.scenario) if args.scenario else default_scenario()
    except (OSError, TypeError, ValueError) as e:
        print(f"python -m demos.playground: {e}", file=sys.stderr)
        return 2
    from autograd.widgets.serve import LiveExtraMissing, PortInUse, serve

    cells = page_cells(dumps_scenario(scenario), stepper=not args.no_stepper and has_stepper(), language=t)
    try:
        serve(cells, title=_(TITLE, t), port=args.port, open_browser=not args.no_browser, language=t)
    except LiveExtraMissing as e:
        print(f"python -m demos.playground: {e}", file=sys.stderr)
        return 1
    except PortInUse as e:
        print(f"python -m demos.playground: {e}", file=sys.stderr)
        return 1
    except ValueError as e:  # a port outside 1..65535
        print(f"python -m demos.playground: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
