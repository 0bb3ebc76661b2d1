"""Four classic backprop mistakes, each next to the right gradients and gradcheck's verdict.

All on one small graph with a shared node: e = a * b, d = e + b, f = d * e,
at a = 2, b = 3 (e = 6, d = 9, f = 54; df/da = 45, df/db = 36). The node e
is used twice (by d and by f), which is where the mistakes bite:

1. backward by plain recursion, without a topological order: e passes its
   gradient on before all of it has arrived, and again afterwards;
2. `parent.grad = ...` instead of `+=`: e keeps only its last user's share;
3. a second backward() on an engine that adds to every node (micrograd's):
   the interior nodes still hold the first pass's gradients and pass them on;
4. a training loop without zero_grad(): each step uses the sum of all
   gradients so far.

The wrong engines are short teaching functions in this file, not in the
engine. `gradcheck` judges each: the wrong gradient is put into a function
whose value is f and whose backprop slope is the wrong number (the trick of
the gradcheck demo's BuggySin), and gradcheck compares that slope with
central differences of f. The demo prints a table per mistake and writes,
per mistake, the graph with the wrong gradients beside the graph with the
right ones, and one bar chart of all four.

Course material: sections 1 and 3 of the lecture notes (the chain rule's
sum over paths, gradient checking) and the training loop of the slides.
"""

from __future__ import annotations

import html

from autograd import GradcheckError, Value, analytic_gradient, dot, gradcheck, topological_order
from autograd.language import Domain, resolve
from demos import _common as c

NAME = "misconceptions"
INPUTS = {"a": 2.0, "b": 3.0}
TARGET = 20.0  # the training loop lowers the loss (f - TARGET)^2, whose minimum is 0
LEARNING_RATE = 1e-4
TRAINING_STEPS = 4
LAYOUT = "LR"

_ = Domain("demos").gettext
N_ = Domain.mark

SUMMARY = N_("Four classic backprop mistakes, each next to the right gradients and gradcheck's verdict.")


def build(a=INPUTS["a"], b=INPUTS["b"]) -> dict:
    """The graph e = a * b, d = e + b, f = d * e with every node labelled; {label: Value}. a and b may be Values."""
    a = a if isinstance(a, Value) else Value(a, label="a")
    b = b if isinstance(b, Value) else Value(b, label="b")
    e = a * b
    d = e + b
    f = d * e
    for node, name in ((e, "e"), (d, "d"), (f, "f")):
        node.label = name
    return {"a": a, "b": b, "e": e, "d": d, "f": f}


# ----------------------------------------------------------------------------- the wrong engines (teaching code)


def backward_by_recursion(root: Value) -> None:
    """WRONG: each node passes its gradient to its inputs and recurses at once, with no topological order.

    A node used twice is visited twice: the first time with only part of its
    gradient, which it passes on; the second time with all of it, which it
    passes on again. Everything below it is counted too often.
    """
    root.grad = 1.0

    def visit(node: Value) -> None:
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
            visit(parent)

    visit(root)


def backward_with_assignment(root: Value) -> None:
    """WRONG: the right order, but `parent.grad = local * node.grad`: a node used twice keeps only one share."""
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = local * node.grad  # the mistake: every user's share must be added (+=)


def backward_adding_to_every_node(root: Value) -> None:
    """micrograd's backward: the seed is set, every other node adds to the .grad it already has.

    Right once, on fresh gradients; a second call starts from the interior
    nodes' old gradients and passes them on once more.
    """
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad


# ----------------------------------------------------------------------------- judging them


def of_f(nodes: dict) -> Value:
    """The output f of the graph the mistakes are shown on."""
    return nodes["f"]


def training_loss(nodes: dict) -> Value:
    """The loss of the training loop: (f - TARGET)^2."""
    return (nodes["f"] - TARGET) ** 2


def gradcheck_verdict(gradients: dict, point: dict, function=of_f) -> tuple[bool, str]:
    """gradcheck's verdict on `gradients` {"a": ..., "b": ...} as the slopes of `function` at `point`.

    Returns (agrees, message). The function handed to gradcheck has the
    value of `function(build(a, b))` (computed afresh at whatever point
    gradcheck evaluates, so its central differences are the true ones) and,
    as its backprop slopes, the given gradients: the BuggySin trick of the
    gradcheck demo.
    """
    slopes = [gradients["a"], gradients["b"]]

    def with_these_slopes(a: Value, b: Value) -> Value:
        value = function(build(a.data, b.data)).data
        return dot(slopes, [a - a.data, b - b.data], value)

    inputs = [Value(point["a"], label="a"), Value(point["b"], label="b")]
    try:
        gradcheck(with_these_slopes, inputs)
    except GradcheckError as exc:
        return False, str(exc)
    return True, _("gradcheck: backprop and central differences agree")


def right_gradients(point: dict, function=of_f) -> dict:
    """The gradient of `function` (f by default) at `point` by the engine's own backward (analytic_gradient)."""
    ga, gb = analytic_gradient(lambda a, b: function(build(a, b)), [point["a"], point["b"]])
    return {"a": ga, "b": gb}


def wrong_graph(key: str) -> dict:
    """A fresh graph after the wrong backward pass of mistake `key` (one of the first three): {label: Value}."""
    engine, calls = {
        "recursion": (backward_by_recursion, 1),
        "assignment": (backward_with_assignment, 1),
        "second_backward": (backward_adding_to_every_node, 2),
    }[key]
    nodes = build()
    for _call in range(calls):
        engine(nodes["f"])
    return nodes


def _train(zero_grad: bool, steps: int = TRAINING_STEPS, lr: float = LEARNING_RATE) -> dict:
    """Gradient descent on a and b to lower (f - TARGET)^2 with the engine's backward; zero_grad or not.

    Returns the point after the steps, the gradient the next step would use
    there and the loss before each step and at the end.
    """
    a, b = Value(INPUTS["a"], label="a"), Value(INPUTS["b"], label="b")
    losses = []
    for _step in range(steps):
        loss = training_loss(build(a, b))
        losses.append(loss.data)
        if zero_grad:
            a.grad = b.grad = 0.0
        loss.backward()
        a.data -= lr * a.grad
        b.data -= lr * b.grad
    point = {"a": a.data, "b": b.data}
    loss = training_loss(build(a, b))
    if zero_grad:
        a.grad = b.grad = 0.0
    loss.backward()
    losses.append(loss.data)
    return {"point": point, "used": {"a": a.grad, "b": b.grad}, "losses": losses}


# (key, title, why), in English: translated where they are shown (compare's language)
MISTAKES = [
    (
        "recursion",
        N_("backward by plain recursion, no topological order"),
        N_(
            "e is used by d and by f, so the recursion visits it twice and passes its gradient on before all of it "
            "has arrived and again afterwards: a and b get e's first share twice over."
        ),
    ),
    (
        "assignment",
        N_("parent.grad = ... instead of +="),
        N_(
            "e's gradient is the sum over its users (d and f); assigning keeps only the last user's share, "
            "so everything below e is too small."
        ),
    ),
    (
        "second_backward",
        N_("a second backward() on an engine that adds to every node"),
        N_(
            "the interior nodes still hold the first pass's gradients and the second pass passes them on again, "
            "so a leaf gets neither one gradient nor the sum of two; zero every gradient before backward()."
        ),
    ),
    (
        "no_zero_grad",
        N_("a training loop without zero_grad() ({steps} steps of gradient descent on (f - {target})^2)"),
        N_(
            "gradients accumulate across steps, so each step moves along the sum of all earlier gradients "
            "instead of the slope at the current point, and the steps overshoot: the loss rises again."
        ),
    ),
]
# each mistake's short name, for the tabs and the bar chart's panels
SHORT = {
    "recursion": N_("recursion"),
    "assignment": N_("assignment"),
    "second_backward": N_("second backward"),
    "no_zero_grad": N_("no zero_grad"),
}


def compare(language: str | None = None) -> list[dict]:
    """Each mistake's wrong gradients, the right ones at the same point, and gradcheck's verdict on both.

    The titles and reasons are in `language` (None: the language in force); gradcheck's message is its own.
    """
    language = resolve(language, "compare")
    start = dict(INPUTS)
    right_start = right_gradients(start)
    rows = []
    for key, title, why in MISTAKES:
        title = _(title, language).format(steps=TRAINING_STEPS, target=f"{TARGET:g}")
        why = _(why, language)
        if key == "no_zero_grad":
            wrong_run, right_run = _train(zero_grad=False), _train(zero_grad=True)
            point, gradients = wrong_run["point"], wrong_run["used"]
            extra = {"losses_wrong": wrong_run["losses"], "losses_right": right_run["losses"]}
        else:
            nodes = wrong_graph(key)
            point, gradients = start, {k: nodes[k].grad for k in "ab"}
            extra = {"nodes": {k: v.grad for k, v in nodes.items()}}
        function = training_loss if key == "no_zero_grad" else of_f
        right = right_gradients(point, function) if key == "no_zero_grad" else right_start
        agrees, message = gradcheck_verdict(gradients, point, function)
        right_agrees, _message = gradcheck_verdict(right, point, function)
        rows.append(
            {
                "key": key,
                "title": title,
                "why": why,
                "point": point,
                "wrong": gradients,
                "right": right,
                "gradcheck_wrong": agrees,
                "gradcheck_message": message,
                "gradcheck_right": right_agrees,
                **extra,
            }
        )
    return rows


# ----------------------------------------------------------------------------- the demo


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/misconceptions`, return the numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    c.heading(_("Four classic backprop mistakes on e = a * b, d = e + b, f = d * e", language))
    c.say(
        _(
            "At a = 2, b = 3: e = 6, d = 9, f = 54. e is used twice (by d and by f), so df/de = df/dd · 1 + df/de "
            "directly = e + d = 15, df/da = 15 · b = 45 and df/db = 15 · a + df/dd = 30 + 6 = 36.",
            language,
        )
    )
    rows = compare(language)
    agrees, fails = _("agrees", language), _("FAILS", language)
    for number, row in enumerate(rows, start=1):
        print()
        print(f"{number}. {row['title']}")
        c.table(
            [(k, row["wrong"][k], row["right"][k]) for k in "ab"],
            [_("input", language), _("wrong gradient", language), _("right gradient", language)],
        )
        c.say(
            _("gradcheck on the wrong gradients: {wrong}; on the right ones: {right}.", language).format(
                wrong=fails if not row["gradcheck_wrong"] else agrees,
                right=agrees if row["gradcheck_right"] else fails,
            )
        )
        c.say(_("Why it is wrong: {why}", language).format(why=row["why"]))
        if row["key"] == "no_zero_grad":
            c.say(
                _(
                    "The loss (f - {target})^2 before each step and at the end, without zero_grad: {wrong}; "
                    "with zero_grad: {right}",
                    language,
                ).format(
                    target=f"{TARGET:g}",
                    wrong=", ".join(f"{x:.4g}" for x in row["losses_wrong"]),
                    right=", ".join(f"{x:.4g}" for x in row["losses_right"]),
                )
            )
    pictures = _pictures(rows, folder, language)
    c.wrote(pictures)
    return {"rows": rows, "images": pictures}


def _pictures(rows: list[dict], folder, language: str) -> list:
    """Per mistake, the graph with the wrong gradients and the one with the right gradients; one bar chart of all."""
    from autograd import draw_graph

    paths = []
    right = build()
    right["f"].backward()
    for row in rows[:3]:  # the graph pictures: the mistakes of one backward pass
        wrong = wrong_graph(row["key"])
        paths.append(c.render_graph(draw_graph(wrong["f"], rankdir=LAYOUT), folder / f"{row['key']}_wrong.svg"))
    paths.append(c.render_graph(draw_graph(right["f"], rankdir=LAYOUT), folder / "right.svg"))
    paths.append(_bars(rows, folder / "misconceptions.png", language))
    return [p for p in paths if p is not None]


def _bars(rows: list[dict], path, language: str):
    """One panel per mistake: df/da and df/db, wrong next to right, with gradcheck's verdict in the title."""
    with c.style():
        fig, axes = c.figure(1, len(rows), size=(4.2 * len(rows), 4.6))
        for ax, row in zip(axes[0], rows):
            xs = range(2)
            wrong, right = _("wrong", language), _("right", language)
            ax.bar([x - 0.2 for x in xs], [row["wrong"][k] for k in "ab"], 0.4, label=wrong, color=c.COLORS[1])
            ax.bar([x + 0.2 for x in xs], [row["right"][k] for k in "ab"], 0.4, label=right, color=c.COLORS[0])
            of = "L" if row["key"] == "no_zero_grad" else "f"  # the training loop's loss L = (f - TARGET)^2
            ax.set_xticks(list(xs), [f"d{of}/da", f"d{of}/db"])
            verdict = _("gradcheck fails", language) if not row["gradcheck_wrong"] else _("gradcheck agrees", language)
            ax.set_title(f"{_(SHORT[row['key']], language)}\n({verdict})", fontsize=13)
            ax.legend(fontsize=11)
        return c.save_figure(fig, path)


def view(language: str | None = None):
    """The four mistakes as a widget (the `live` extra): one tab each, the wrong graph beside the right one.

    Each tab shows the graph with the wrong gradients next to the graph with
    the right ones (for the training loop: the loss per step), the numbers,
    gradcheck's verdict and why the mistake is wrong, in `language`.
    """
    language = resolve(language, "misconceptions.view")
    try:
        import ipywidgets
    except ImportError:
        from autograd.widgets.serve import LIVE_HINT

        raise ImportError(f"misconceptions.view() needs ipywidgets; {LIVE_HINT}") from None
    t = {
        key: html.escape(_(text, language))
        for key, text in {
            "step": N_("step"),
            "loss_no": N_("loss, no zero_grad"),
            "loss_yes": N_("loss, zero_grad"),
            "wrong": N_("wrong"),
            "right": N_("right"),
            "input": N_("input"),
            "wrong_gradient": N_("wrong gradient"),
            "right_gradient": N_("right gradient"),
            "why": N_("Why it is wrong:"),
        }.items()
    }
    from autograd import draw_graph

    rows = compare(language)
    right = build()
    right["f"].backward()
    right_svg = draw_graph(right["f"], rankdir="TB").pipe(format="svg").decode()
    tabs = []
    for row in rows:
        if row["key"] == "no_zero_grad":
            losses = "".join(
                f"<tr><td>{k}</td><td>{w:.4g}</td><td>{r:.4g}</td></tr>"
                for k, (w, r) in enumerate(zip(row["losses_wrong"], row["losses_right"]))
            )
            pictures = (
                f"<table><tr><th>{t['step']}</th><th>{t['loss_no']}</th><th>{t['loss_yes']}</th></tr>{losses}</table>"
            )
        else:
            wrong = wrong_graph(row["key"])
            wrong_svg = draw_graph(wrong["f"], rankdir="TB").pipe(format="svg").decode()
            pictures = (
                f'<div style="display:flex;gap:24px"><div><h4 style="color:#c92a2a">{t["wrong"]}</h4>'
                f'{wrong_svg}</div><div><h4 style="color:#2b8a3e">{t["right"]}</h4>{right_svg}</div></div>'
            )
        numbers = "".join(
            f"<tr><td>{k}</td><td>{row['wrong'][k]:.4g}</td><td>{row['right'][k]:.4g}</td></tr>" for k in "ab"
        )
        verdict = (
            _("gradcheck on the wrong gradients fails:", language)
            if not row["gradcheck_wrong"]
            else _("gradcheck on the wrong gradients agrees:", language)
        )
        tabs.append(
            ipywidgets.HTML(
                f"<h3>{html.escape(row['title'])}</h3>{pictures}"
                f"<table><tr><th>{t['input']}</th><th>{t['wrong_gradient']}</th><th>{t['right_gradient']}</th></tr>"
                f"{numbers}</table>"
                f"<p><b>{html.escape(verdict)}</b> {html.escape(row['gradcheck_message'])}</p>"
                f"<p><b>{t['why']}</b> {html.escape(row['why'])}</p>"
            )
        )
    tab = _tab_class(ipywidgets, language)(children=tabs)
    for k, row in enumerate(rows):
        tab.set_title(k, _(SHORT[row["key"]], language))
    return tab


def _tab_class(ipywidgets, language: str):
    """ipywidgets.Tab that shows every tab's page, one after another, where no widget front end runs."""
    from autograd.widgets.fallback import with_fallback

    class Mistakes(ipywidgets.Tab):
        def __repr__(self) -> str:
            return _(
                "<four backprop mistakes beside the right gradients: a live widget (one tab each) in Jupyter "
                "with the `live` extra; here every tab one after another>",
                language,
            )

        def _repr_mimebundle_(self, **kwargs):
            pages = "<hr>".join(child.value for child in self.children)
            return with_fallback(super()._repr_mimebundle_(**kwargs), repr(self), {"text/html": pages})

    return Mistakes


def main(argv=None) -> dict:
    """Command line: python -m demos.misconceptions [--out DIR] [--quick] [--lang de|en]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
