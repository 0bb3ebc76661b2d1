"""The chain rule on f(a, b, c, d) = ((a + b) · (c + d))².

Divide and conquer: g = a + b, h = c + d, i = g * h, f = i^2. With
a, b, c, d = 1, 2, 3, 4 the forward pass gives g = 3, h = 7, i = 21, f = 441.
The backward pass starts from df/df = 1 and fills in one gradient at a time:
df/di = 2i = 42, df/dg = df/di * di/dg = 42 * 7 = 294, ... Each gradient is
the product of the local derivatives along the path from f. The demo prints
the table of the slides, the product along each path (also with four factors
through the product node gh, as a later slide writes it), and draws the graph,
the backward pass step by step, the lecture's frames (one number per frame:
the forward values, then the gradients; once more with "?" for the numbers
not reached yet, a class exercise) and, for comparison, forward accumulation
of d/da from the inputs to the output (PNG frames and HTML pages to click
through).

Your own example: `--expr "(a+b)*(c+d)" --values a=1,b=2,c=3,d=4` reads the
formula with the safe reader of `demos.expression` (names, numbers, + - * / **,
unary minus and the engine's functions; nothing else is evaluated), names its
steps as the lecture does (g, h, i, ..., f), prints the forward pass, the table
with each local derivative's formula and the paths, and draws the graph and the
backward pass top to bottom within 1920 x 1080; `--lecture` adds the lecture's
frames, `--exercise` an exercise sheet with its answer key (`demos.sheets`).

Course material: section 1 of the lecture notes the project follows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograd import Value, count_paths, forward_derivatives, path_products, topological_order
from autograd.language import LANGUAGES, Domain, resolve, using_language
from autograd.pictures import naming
from demos import _common as c
from demos import expression
from demos.expression import number_text

NAME = "chain_rule"
INPUTS = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}
FRAME_FORMAT = "png"
# Top to bottom, inputs above and f below: every picture and frame fits a 1920 x 1080 projector at
# save_graph's 144 dpi (left to right, the widest frames were 2151 px wide).
LAYOUT = "TB"
FIT_INCHES = "13.3,7.45"  # Graphviz's size: at most 1915 x 1073 px at 144 dpi, whatever the expression
OWN = "own_example"  # the folder of --expr's pictures, beside the course example's
MAX_PATHS_SHOWN = 8  # more paths from an input to the output are counted, not listed

_ = Domain("demos").gettext
ngettext = Domain("demos").ngettext

N_ = Domain.mark

SUMMARY = N_("The chain rule on f(a, b, c, d) = ((a + b) · (c + d))².")


def build(inputs=None):
    """The graph of f = ((a + b) * (c + d))^2 with every node labelled; returns {label: Value}."""
    inputs = INPUTS if inputs is None else inputs
    a, b, c_, d = (Value(inputs[k], label=k) for k in "abcd")
    g = a + b
    h = c_ + d
    i = g * h
    f = i**2
    for node, name in ((g, "g"), (h, "h"), (i, "i"), (f, "f")):
        node.label = name
    return {"a": a, "b": b, "c": c_, "d": d, "g": g, "h": h, "i": i, "f": f}


def build_with_gh(inputs=None):
    """The same f with the product node named: gh = g * h, then i = gh * 1 (di/dgh = 1), f = i^2; {label: Value}."""
    nodes = build(inputs)
    gh = nodes["g"] * nodes["h"]
    i = gh * 1.0
    f = i**2
    for node, name in ((gh, "gh"), (i, "i"), (f, "f")):
        node.label = name
    return {**{k: nodes[k] for k in "abcdgh"}, "gh": gh, "i": i, "f": f}


def local_formula(node: Value, k: int, values: dict | None = None) -> str | None:
    """d(node)/d(input k) as the lecture writes it, over the inputs' labels: '2 · i' for f = i ** 2 (with
    `values` {label: number}, in numbers: '2 · 21'). The formula is the operation's own, from its record
    (`Operation.formulas`); None where the record has none (the table then shows the number only)."""
    nodes = [*node.parents, node]
    if values is None:
        if not all(v.label for v in nodes):
            return None
        texts = [v.label for v in nodes]
    else:
        texts = [_text(values.get(v.label, v.data)) for v in nodes]
    return naming.local_formula(node, k, texts[:-1], texts[-1])


def _text(x: float) -> str:
    """A number as the lecture writes it, with − for minus."""
    return naming.minus(number_text(x))


def _num(x: float) -> str:
    """A number inside a formula: − for minus, negative ones in parentheses."""
    return naming.bracketed(_text(x))


def how(node: Value, root: Value, order=None, language: str | None = None) -> str:
    """How node.grad comes about, in symbols, in the local derivatives' formulas, and in numbers.

    'df/di = 2 · i = 2 · 21 = 42' for f = i², 'df/di · di/dg = 42 · h = 42 · 7 = 294' for i = g · h:
    the sum over the node's users of upstream gradient × local derivative (computed by `backward()`),
    each local derivative written with its operation's formula (`Operation.formulas`).
    """
    r = root.label
    if node is root:
        return _("d{r}/d{r} = 1, the seed of the backward pass", language).format(r=r)
    order = topological_order(root) if order is None else order
    values = {v.label: v.data for v in order if v.label}
    terms = []
    for user in order:
        for k, (p, local) in enumerate(zip(user.parents, user.local_grads)):
            if p is node:
                shown, worked = local_formula(user, k), local_formula(user, k, values)
                terms.append((user.label, user is root, _text(user.grad), shown, worked, _text(local)))
    return naming.chain_sum(r, node.label, terms, _text(node.grad), partial="d", named=False)


def path_equations(root: Value, leaf: Value) -> list[str]:
    """'df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294' for each path from root to leaf."""
    lines = []
    for product, trail, locals_ in path_products(root, leaf):
        symbols = " · ".join(f"d{u.label}/d{v.label}" for u, v in zip(trail, trail[1:]))
        numbers = " · ".join(_num(x) for x in locals_)
        parts = [f"d{root.label}/d{leaf.label}", symbols, numbers, _text(product)]
        lines.append(" = ".join(p for k, p in enumerate(parts) if k == 0 or p != parts[k - 1]))  # df/db = g: once
    return lines


def _fit(picture):
    """At save_graph's 144 dpi, a picture no larger than a 1920 x 1080 projector (Graphviz shrinks larger ones)."""
    picture.attr(size=FIT_INCHES)
    return picture


@c.in_language
def run(
    out=c.DEFAULT_OUT,
    quick: bool = False,
    *,
    expr: str | None = None,
    values=None,
    lecture: bool = False,
    exercise: bool = False,
    language: str | None = None,
) -> dict:
    """Run the demo, write its pictures under `out/chain_rule`, return the key numbers.

    With `expr` (and `values`, {name: number} or 'a=1,b=2'): your own example instead of the course's,
    under `out/chain_rule/own_example`; `lecture` adds the lecture's frames, `exercise` an exercise sheet
    with its answer key. The texts are in `language` ("de" or "en"; None: the language in force).
    """
    if expr is not None:
        return run_expression(out, expr, values, lecture=lecture, exercise=exercise, language=language, quick=quick)
    folder = c.demo_dir(out, NAME)
    nodes = build()
    f = nodes["f"]
    c.heading(_("The chain rule: {formula}", language).format(formula="f(a, b, c, d) = ((a + b) · (c + d))²"))
    c.say(_("Forward pass, with a, b, c, d = 1, 2, 3, 4: g = a + b, h = c + d, i = g · h, f = i².", language))
    f.backward()
    order = topological_order(f)
    shown = ["g", "h", "i", "f", "a", "b", "c", "d"]
    hows = {k: how(nodes[k], f, order, language) for k in shown}
    c.table(
        [(k, _text(nodes[k].data), _text(nodes[k].grad), hows[k]) for k in shown],
        _table_header("f", language),
    )
    print()
    c.say(
        _(
            "The one local derivative that is neither 1 nor a neighbour's value, f = i²; every gradient below f "
            "starts from it:",
            language,
        )
    )
    print("  " + hows["i"])
    c.say(_("Each input's gradient is the product of the local derivatives along its path from f:", language))
    equations = {}
    for k in "abcd":
        equations[k] = path_equations(f, nodes[k])
        for line in equations[k]:
            print("  " + line)
    c.say(
        _(
            "Backprop computes df/dg = 294 once and reuses it for a and b: the shared part of the paths is "
            "multiplied only once.",
            language,
        )
    )
    with_gh = build_with_gh()
    (through_gh,) = path_equations(with_gh["f"], with_gh["a"])
    c.say(
        _(
            "With the product node named gh = g · h and passed on as i = gh (di/dgh = 1), the path has four factors:",
            language,
        )
    )
    print("  " + through_gh)
    tangents = forward_derivatives(f, nodes["a"])
    forward_from_a = {k: tangents[v] for k, v in nodes.items()}
    c.say(
        _(
            "Forward mode goes the other way: from a to f, each node's d/da is the sum over its inputs of "
            "local × the input's d/da: {tangents} (b, c, d and h do not depend on a: 0). The same df/da as "
            "backprop's {grad}.",
            language,
        ).format(
            tangents=", ".join(f"d{k}/da = {forward_from_a[k]:g}" for k in ("a", "g", "i", "f")),
            grad=f"{nodes['a'].grad:g}",
        )
    )

    images, stepper, forward, lecture_page, exercise_page = _pictures(f, nodes["a"], folder, language)
    sheet = _sheet("((a + b) * (c + d)) ** 2", INPUTS, folder, language, quick) if exercise else None
    c.wrote(images + [page for page in (stepper, forward, lecture_page, exercise_page) if page])
    if stepper:
        c.say(_("Open {page} in a browser and step through the backward pass one node at a time.", language)
              .format(page=stepper))  # fmt: skip
        c.say(_("Open {page} to step through forward mode from a, one node at a time from the inputs.", language)
              .format(page=forward))  # fmt: skip
        c.say(
            _("Open {lecture} for the lecture's order, one number per frame, and {exercise} for the class exercise.",
              language).format(lecture=lecture_page, exercise=exercise_page)
        )  # fmt: skip
    return {
        "values": {k: v.data for k, v in nodes.items()},
        "grads": {k: v.grad for k, v in nodes.items()},
        "how": hows,
        "paths": equations,
        "path_through_gh": through_gh,
        "forward_from_a": forward_from_a,
        "images": images,
        "html": stepper,
        "forward_html": forward,
        "lecture_html": lecture_page,
        "exercise_html": exercise_page,
        "sheet": sheet,
    }


def _read_example(expr: str, values):
    """`expr` read by `demos.expression` and its values checked: (Expression, {name: float})."""
    parsed = expression.parse(expr)
    if values is None:
        raise expression.ExpressionError(
            _("give every name of {expr} a value: --values {values}").format(
                expr=repr(expr), values=",".join(f"{n}=1" for n in parsed.names)
            )
        )
    if isinstance(values, str):
        return parsed, expression.parse_values(values, parsed)
    return parsed, expression.check_values(parsed, values)


def run_expression(
    out, expr: str, values, *, lecture: bool = False, exercise: bool = False, language: str | None = None, quick=False
) -> dict:
    """Your own example: the table, the paths and the pictures of `expr` at `values`, under out/chain_rule/own_example.

    Refuses (ExpressionError) a formula outside the allow-list of `demos.expression` and values that do not
    give every name of it exactly one number.
    """
    language = resolve(language, "run_expression")
    with using_language(language):  # the reader's refusals in the same language
        parsed, given = _read_example(expr, values)
        nodes, steps = parsed.build_steps(given)
    root = list(nodes.values())[-1]
    r = root.label
    folder = c.demo_dir(Path(out) / NAME, OWN)
    c.heading(_("The chain rule: {formula}", language).format(formula=f"{r} = {naming.minus(parsed.math())}"))
    c.say(_("Given: {values}.", language).format(values=", ".join(f"{n} = {_text(x)}" for n, x in given.items())))
    c.say(_("Forward pass, one operation per line:", language))
    for name, symbols, numbers, _made in steps:
        print(f"  {name} = {naming.minus(symbols)} = {naming.minus(numbers)} = {_text(nodes[name].data)}")
    root.backward()
    order = topological_order(root)
    shown = [step[0] for step in reversed(steps)] + list(parsed.names)
    hows = {k: how(nodes[k], root, order, language) for k in shown}
    print()
    c.say(_("Backward pass, from the seed d{r}/d{r} = 1 back to the inputs:", language).format(r=r))
    c.table(
        [(k, _text(nodes[k].data), _text(nodes[k].grad), hows[k]) for k in shown],
        _table_header(r, language),
    )
    print()
    equations = {}
    for name in parsed.names:
        count = count_paths(root, nodes[name])
        if count > MAX_PATHS_SHOWN:
            c.say(
                _("{count} paths lead from {name} to {r}; backprop adds them node by node instead of listing them.",
                  language).format(count=count, name=name, r=r)
            )  # fmt: skip
            continue
        equations[name] = path_equations(root, nodes[name])
        for line in equations[name]:
            print("  " + line)
        if count > 1:
            sentence = _("d{r}/d{name} is the sum over the {count} paths: {grad}", language)
            print("  " + sentence.format(r=r, name=name, count=count, grad=_text(nodes[name].grad)))

    images, pages = [], {}
    graph = _fit(draw_graph_tb(root))
    images = [p for p in (c.render_graph(graph, folder / f"graph{suffix}") for suffix in (".png", ".svg")) if p]
    if images:
        from autograd import backward_steps, lecture_steps, save_steps

        saved = save_steps([_fit(p) for p in backward_steps(root, rankdir=LAYOUT)], folder / "backward_steps",
                           fmt=FRAME_FORMAT)  # fmt: skip
        images += saved["frames"]
        pages["html"] = saved["html"]
        if lecture:
            for key, hide, sub in (
                ("lecture_html", False, "lecture_steps"),
                ("exercise_html", True, "lecture_exercise"),
            ):
                frames = [_fit(p) for p in lecture_steps(root, hide_unknown=hide, rankdir=LAYOUT)]
                saved = save_steps(frames, folder / sub, fmt=FRAME_FORMAT)
                images += saved["frames"]
                pages[key] = saved["html"]
            c.say(_("The lecture's frames, one number each: {lecture} (and with '?': {exercise}).", language)
                  .format(lecture=pages["lecture_html"], exercise=pages["exercise_html"]))  # fmt: skip
    sheet = _sheet(expr, given, folder, language, quick) if exercise else None
    c.wrote(images + list(pages.values()))
    return {
        "expression": parsed,
        "values": {k: v.data for k, v in nodes.items()},
        "grads": {k: v.grad for k, v in nodes.items()},
        "steps": steps,
        "how": hows,
        "paths": equations,
        "images": images,
        "folder": folder,
        "sheet": sheet,
        **{key: pages.get(key) for key in ("html", "lecture_html", "exercise_html")},
    }


def draw_graph_tb(root: Value):
    """The graph of `root` drawn top to bottom with values, gradients and local derivatives."""
    from autograd import draw_graph

    return draw_graph(root, show_local_grads=True, rankdir=LAYOUT)


def _table_header(r: str, language: str) -> list[str]:
    """The columns of the table of gradients: node, value, d{r}/dnode, how."""
    return [_("node", language), _("value", language), f"d{r}/dnode", _("how", language)]


def _sheet(expr: str, values: dict, folder: Path, language: str, quick: bool) -> dict:
    """The exercise sheet and answer key for this expression (demos.sheets), in `folder`/sheet; PDFs unless quick."""
    from demos import sheets

    exercise = sheets.chain_rule_exercise(expr, values, language)
    written = sheets.write_sheets([exercise], folder / "sheet", language, pdf=not quick)
    c.say(
        _("Exercise sheet: {sheet}; its answer key: {key}.", language).format(
            sheet=written["sheet"], key=written["key"]
        )
    )
    for reason in written["skipped"]:
        c.say(reason)
    return written


def _pictures(f: Value, a: Value, folder, language: str):
    """The graph with values and gradients; the backward pass, forward mode from `a` and the lecture's frames.

    Returns (images, backward page, forward page, lecture page, exercise page); pages are None without Graphviz.
    """
    from autograd import backward_steps, forward_steps, lecture_steps, save_steps

    images = []
    graph = _fit(draw_graph_tb(f))
    for suffix in (".png", ".svg"):
        images.append(c.render_graph(graph, folder / f"graph{suffix}"))
    images = [p for p in images if p is not None]
    if not images:
        return [], None, None, None, None
    saved = save_steps(
        [_fit(p) for p in backward_steps(f, rankdir=LAYOUT)], folder / "backward_steps", fmt=FRAME_FORMAT
    )
    c.say(
        _("The backward pass in {count} frames: the seed, then one node per frame passing its gradient on to its "
          "inputs.", language).format(count=len(saved["frames"]))
    )  # fmt: skip
    forward = save_steps(
        [_fit(p) for p in forward_steps(f, a, rankdir=LAYOUT)], folder / "forward_steps", fmt=FRAME_FORMAT
    )
    c.say(_("Forward mode from a in {count} frames: the seed da/da = 1, then one node per frame.", language)
          .format(count=len(forward["frames"])))  # fmt: skip
    lecture = save_steps(
        [_fit(p) for p in lecture_steps(f, rankdir=LAYOUT)], folder / "lecture_steps", fmt=FRAME_FORMAT
    )
    exercise = save_steps(
        [_fit(p) for p in lecture_steps(f, hide_unknown=True, rankdir=LAYOUT)],
        folder / "lecture_exercise",
        fmt=FRAME_FORMAT,
    )
    c.say(
        _("The lecture's order in {count} frames, one number each: the given inputs, the forward values g, h, i, f, "
          "then the gradients from f back to the inputs (not yet reached: left out; in the exercise: ?).",
          language).format(count=len(lecture["frames"]))
    )  # fmt: skip
    frames = images + list(saved["frames"]) + list(forward["frames"]) + list(lecture["frames"])
    frames += list(exercise["frames"])
    return frames, saved["html"], forward["html"], lecture["html"], exercise["html"]


def main(argv=None) -> dict:
    """Command line: python -m demos.chain_rule [--expr FORMULA --values a=1,b=2] [--lecture] [--exercise]."""
    parser = argparse.ArgumentParser(prog="python -m demos.chain_rule", description=__doc__.strip().splitlines()[0])
    parser.add_argument("--out", default=c.DEFAULT_OUT, help=f"pictures go to OUT/{NAME} (default: ./{c.DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true", help="smaller settings, for tests (a few seconds)")
    parser.add_argument(
        "--expr", metavar="FORMULA", help=f"your own example, e.g. '(a+b)*(c+d)'; allowed: {expression.allowed()}"
    )
    parser.add_argument("--values", metavar="a=1,b=2", help="a number for every name of --expr")
    parser.add_argument("--lecture", action="store_true", help="also write the lecture's frames for --expr")
    parser.add_argument("--exercise", action="store_true", help="also write an exercise sheet and its answer key")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of the texts and the sheet (default: the locale's)")
    args = parser.parse_args(argv)
    if args.values is not None and args.expr is None:
        parser.error("--values goes with --expr (the course's example has its own values)")
    try:
        with using_language(args.lang):
            result = run(
                args.out, quick=args.quick, expr=args.expr, values=args.values, lecture=args.lecture,
                exercise=args.exercise,
            )  # fmt: skip
    except expression.ExpressionError as error:
        parser.error(str(error))
    sys.stdout.flush()
    return result


if __name__ == "__main__":
    main()
