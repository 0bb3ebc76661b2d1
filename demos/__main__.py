"""`python -m demos`: list the course demos and run them.

python -m demos                 run every demo, pictures into ./out
python -m demos NAME [NAME...]  run some of them
python -m demos --list          list them, one line each
python -m demos --quick         smaller settings (what the tests use)
python -m demos --out DIR       write the pictures into DIR
python -m demos --deck DIR      run them all and build the course's slide deck in DIR (deck.html, deck.pdf)
python -m demos --lang de       the texts in German (or en; default: the locale's)
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback

from autograd.language import Domain, resolve, using_language
from demos import _common as c

_ = Domain("demos").gettext

# Name -> module in this package, in the order of the course.
DEMOS = {
    "chain_rule": "demos.chain_rule",
    "paths": "demos.paths",
    "forward_reverse": "demos.forward_reverse",
    "gradcheck": "demos.gradcheck",
    "misconceptions": "demos.misconceptions",
    "perceptron_xor": "demos.perceptron_xor",
    "moons": "demos.moons",
    "delta_rule": "demos.delta_rule",
    "universal_approximation": "demos.universal_approximation",
    "activations": "demos.activations",
    "losses": "demos.losses",
    "gradient_descent": "demos.gradient_descent",
    "optimizers": "demos.optimizers",
    "newton": "demos.newton",
    "digits": "demos.digits",
    "jacobians": "demos.jacobians",
    "symmetries": "demos.symmetries",
}


def summary(name: str, language: str | None = None) -> str:
    """What demo `name` shows, in one line: its SUMMARY in `language`, else the first line of its docstring."""
    module = importlib.import_module(DEMOS[name])
    if getattr(module, "SUMMARY", None):
        return _(module.SUMMARY, language)
    return (module.__doc__ or "").strip().splitlines()[0]


def run_demos(names, out=c.DEFAULT_OUT, quick: bool = False) -> dict:
    """Run the named demos one after another; returns {name: (seconds, result or exception)}.

    Demos whose optional extras are missing are not started: one notice up
    front names them and the command that installs what they need, and their
    result is the MissingExtra.
    """
    missing = {name: c.missing_extras(name) for name in names}
    missing = {name: extras for name, extras in missing.items() if extras}
    if missing:
        print(c.missing_message(missing), file=sys.stderr)
        if len(missing) < len(names):
            print(_("The other demos run now."), file=sys.stderr)
        sys.stderr.flush()
    results = {}
    for name in names:
        if name in missing:
            results[name] = (0.0, c.MissingExtra(_("needs [{extras}]").format(extras=",".join(missing[name]))))
            continue
        module = importlib.import_module(DEMOS[name])
        start = time.perf_counter()
        try:
            outcome = module.run(out, quick=quick)
        except Exception as exc:  # report it and go on with the other demos
            traceback.print_exc()
            outcome = exc
        results[name] = (time.perf_counter() - start, outcome)
        sys.stdout.flush()
    return results


def status(result, language: str | None = None) -> str:
    """A demo's line in the summary: ok, skipped, not run (a missing extra) or FAILED, in `language`."""
    if isinstance(result, c.MissingExtra):
        return _("not run: {reason}", language).format(reason=result)
    if isinstance(result, Exception):
        return _("FAILED", language)
    return _("skipped", language) if result.get("skipped") else _("ok", language)


def tutorial_note(language: str | None = None) -> str:
    """Where the tutorial notebook is and how to open it (it needs Jupyter: the `notebook` extra), in `language`."""
    from importlib import resources

    path = resources.files("demos") / "tutorial.ipynb"
    note = _("The tutorial notebook: jupyter notebook {path}", language).format(path=path)
    missing = c.missing_extras("tutorial")
    if missing:
        from autograd import install_command

        needs = _(" and ", language).join(c.describe_extra(extra) for extra in missing)
        note += "\n  " + _("It needs {needs}, not installed here: {command}", language).format(
            needs=needs, command=install_command(*missing)
        )
    return note


def engine_problem() -> str | None:
    """Why `import autograd` does not give this project's engine (another project of that name shadows it), or None."""
    try:
        import autograd
    except ImportError as exc:
        return f"the engine cannot be imported: {exc}"
    if hasattr(autograd, "install_command"):
        return None
    return (
        f"`import autograd` finds another project's package of that name ({autograd.__file__}), not backprop-lab's "
        "engine, so the demos cannot run. Install backprop-lab into a virtual environment of its own "
        "(python -m venv .venv; see the README's section on installing)."
    )


def main(argv=None) -> int:
    """The command line; returns the exit status (1 if any demo failed)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    t = resolve(c.language_in(argv))  # the language of --help, before the options are read
    parser = c.argument_parser("python -m demos", _("Run the backprop-lab course demos.", t), t)
    parser.add_argument("names", nargs="*", metavar="NAME", help=_("demos to run (default: all)", t))
    parser.add_argument("--list", action="store_true", help=_("list the demos and exit", t))
    parser.add_argument(
        "--out",
        default=c.DEFAULT_OUT,
        help=_("pictures go to OUT/NAME (default: ./{out})", t).format(out=c.DEFAULT_OUT),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=_("smaller settings, what the tests run: all demos in about half a minute", t),
    )
    parser.add_argument(
        "--deck",
        metavar="DIR",
        help=_("run every demo and build one slide deck of the course in DIR (see demos.deck)", t),
    )
    c.add_language_option(parser, t)
    args = parser.parse_args(argv)
    problem = engine_problem()
    if problem:
        parser.exit(1, f"{parser.prog}: {problem}\n")

    if args.list:
        language = resolve(args.lang)
        width = max(map(len, DEMOS))
        for name in DEMOS:
            print(f"{name.ljust(width)}  {summary(name, language)}")
        print()
        print(tutorial_note(language))
        return 0
    if args.deck is not None:
        if args.names:
            parser.error(f"--deck runs every demo the deck needs; leave out the names ({', '.join(args.names)})")
        from demos import deck

        return deck.run_from_arguments(args.deck, args, parser)
    unknown = [n for n in args.names if n not in DEMOS]
    if unknown:
        parser.error(f"unknown demo {', '.join(unknown)}; choose from {', '.join(DEMOS)} (see --list)")

    names = args.names or list(DEMOS)
    start = time.perf_counter()
    with using_language(args.lang) as language:
        results = run_demos(names, args.out, args.quick)
        total = time.perf_counter() - start
        failed = [n for n, (_seconds, r) in results.items() if isinstance(r, Exception)]
        if len(names) > 1:
            c.heading(_("Summary", language))
            for name, (seconds, result) in results.items():
                print(f"  {name.ljust(24)} {seconds:6.1f} s  {status(result, language)}")
            everything = _("total", language).ljust(24)
            where = _("pictures under {out}/", language).format(out=args.out)
            print(f"  {everything} {total:6.1f} s; {where}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
