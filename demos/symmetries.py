"""Symmetries of the parameter space: 48 different weight vectors of a 1-3-1 network compute the same function.

Permuting the M hidden neurons of a layer, each with its incoming weights,
bias and outgoing weight, changes nothing: M! ways. With tanh, flipping the
signs of one neuron's incoming weights, bias and outgoing weight changes
nothing either, since tanh(-z) = -tanh(z): 2^M ways. Together M! 2^M
equivalent points, 3! 2^3 = 48 for M = 3. The demo trains a 1-3-1 tanh
network, builds all 48 copies and compares their outputs; does the same for
sigmoid, where the flip needs the output bias adjusted (sigmoid(-z) =
1 - sigmoid(z)); counts M! 2^M for the layer sizes of the slides' network
(30 -> about 2.85e41); and draws the loss along the straight line between two
equivalent minima: equal at both ends, higher in between. Every minimum has
that many copies, so no training run needs to find "the" global minimum.

Course material: section 12 of the lecture notes the project follows.
"""

from __future__ import annotations

import itertools
import math

from autograd import no_grad
from autograd.language import Domain
from demos import _common as c
from nn import MLP, Adam, mse

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "symmetries"
SUMMARY = N_(
    "Symmetries of the parameter space: 48 different weight vectors of a 1-3-1 network compute the same function."
)
SEED = 0
HIDDEN = 3
N_POINTS = 20
TARGET = "sin(pi x)"
LEARNING_RATE = 0.05
STEPS = 1500
QUICK_STEPS = 300
GRID = [-1.0 + 2.0 * k / 100 for k in range(101)]  # where the copies' outputs are compared
SLIDES_HIDDEN_SIZES = [30, 15]  # the slides' 784-30-15-10 network
SLICE = (-0.25, 1.25)  # t on the line (1 - t) theta + t theta'
SLICE_POINTS = 121
QUICK_SLICE_POINTS = 31  # t = 0 and t = 1 on the grid, as with 121
SLICE_COPY = ((1, 0, 2), (1, 1, -1))  # the copy the slice goes to: units 0 and 1 swapped, unit 2 flipped


def data() -> tuple[list[float], list[float]]:
    """N_POINTS inputs evenly spread over [-1, 1] and sin(pi x) at them."""
    xs = [-1.0 + 2.0 * k / (N_POINTS - 1) for k in range(N_POINTS)]
    return xs, [math.sin(math.pi * x) for x in xs]


def train(activation: str, steps: int) -> MLP:
    """A 1-3-1 network (linear output) fitted to the data by full-batch Adam."""
    xs, ys = data()
    model = MLP(1, [HIDDEN, 1], activation=activation, output_activation="linear", rng=SEED)
    optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
    c.descend(lambda: mse([model([x]) for x in xs], ys), optimizer, steps)
    return model


def weights(model: MLP) -> dict:
    """The 1-3-1 network's numbers: input weights w, hidden biases b, output weights v, output bias c."""
    hidden, output = model.layers
    return {
        "w": [n.w[0].data for n in hidden.neurons],
        "b": [n.b.data for n in hidden.neurons],
        "v": [w.data for w in output.neurons[0].w],
        "c": output.neurons[0].b.data,
    }


def transformed(p: dict, perm, signs, activation: str = "tanh") -> dict:
    """Hidden unit k of the copy is unit perm[k] of p, its signs flipped where signs[k] = -1.

    A flipped tanh unit negates w, b and v; a flipped sigmoid unit does too, and adds the old v to the
    output bias, since v sigmoid(z) = v - v sigmoid(-z).
    """
    new = {
        "w": [s * p["w"][j] for j, s in zip(perm, signs)],
        "b": [s * p["b"][j] for j, s in zip(perm, signs)],
        "v": [s * p["v"][j] for j, s in zip(perm, signs)],
        "c": p["c"],
    }
    if activation == "sigmoid":
        new["c"] += sum(p["v"][j] for j, s in zip(perm, signs) if s < 0)
    return new


def with_weights(p: dict, activation: str) -> MLP:
    """A fresh 1-3-1 network holding the numbers p."""
    model = MLP(1, [HIDDEN, 1], activation=activation, output_activation="linear", rng=SEED)
    state = {}
    for k in range(HIDDEN):
        state[f"layers.0.neurons.{k}.w.0"] = p["w"][k]
        state[f"layers.0.neurons.{k}.b"] = p["b"][k]
        state[f"layers.1.neurons.0.w.{k}"] = p["v"][k]
    state["layers.1.neurons.0.b"] = p["c"]
    model.load_state_dict(state)
    return model


def outputs(model: MLP, xs) -> list[float]:
    with no_grad():
        return [model([x]).data for x in xs]


def all_copies(p: dict, activation: str, adjust_bias: bool = True) -> list[dict]:
    """Every permutation and sign flip of the hidden units: M! 2^M copies of p (p itself included)."""
    kind = activation if adjust_bias else "tanh"  # without the adjustment a sigmoid copy is flipped like tanh
    return [
        {"perm": perm, "signs": signs, "weights": transformed(p, perm, signs, kind)}
        for perm in itertools.permutations(range(HIDDEN))
        for signs in itertools.product((1, -1), repeat=HIDDEN)
    ]


def compare(p: dict, activation: str, adjust_bias: bool = True) -> dict:
    """Build every copy, evaluate it on GRID; the largest output difference to p and the distinct points."""
    reference = outputs(with_weights(p, activation), GRID)
    copies = all_copies(p, activation, adjust_bias)
    largest = 0.0
    for copy in copies:
        got = outputs(with_weights(copy["weights"], activation), GRID)
        copy["difference"] = max(abs(a - b) for a, b in zip(got, reference))
        largest = max(largest, copy["difference"])
    distinct = {tuple(round(v, 12) for key in "wbv" for v in cp["weights"][key]) for cp in copies}
    return {"copies": copies, "largest_difference": largest, "distinct": len(distinct)}


def equivalent_points(m: int) -> int:
    """M! 2^M: the permutations and sign flips of a layer of M hidden units."""
    return math.factorial(m) * 2**m


def training_loss(p: dict, activation: str) -> float:
    """The MSE of the network with numbers p on the training data."""
    xs, ys = data()
    model = with_weights(p, activation)
    with no_grad():
        return mse([model([x]) for x in xs], ys).data


def loss_slice(p: dict, q: dict, activation: str, points: int) -> list[tuple[float, float]]:
    """(t, training MSE) on the line (1 - t) p + t q."""
    rows = []
    for k in range(points):
        t = SLICE[0] + (SLICE[1] - SLICE[0]) * k / (points - 1)
        mix = {key: [(1 - t) * a + t * b for a, b in zip(p[key], q[key])] for key in "wbv"}
        mix["c"] = (1 - t) * p["c"] + t * q["c"]
        rows.append((t, training_loss(mix, activation)))
    return rows


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its picture under `out/symmetries`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    steps = QUICK_STEPS if quick else STEPS
    c.heading(_("Symmetries of the parameter space", language))
    tanh_model = train("tanh", steps)
    p = weights(tanh_model)
    trained_loss = training_loss(p, "tanh")
    c.say(
        _(
            "A 1-{hidden}-1 tanh network trained on {target} at {points} points ({steps} Adam steps, MSE {mse}): "
            "input weights {w}, biases {b}, output weights {v}.",
            language,
        ).format(
            hidden=HIDDEN,
            target=TARGET,
            points=N_POINTS,
            steps=steps,
            mse=f"{trained_loss:.3g}",
            **{key: [round(v, 3) for v in p[key]] for key in "wbv"},
        )
    )
    tanh = compare(p, "tanh")
    c.say(
        _(
            "All {hidden}! * 2^{hidden} = {count} permutations and sign flips of the hidden units: {distinct} "
            "different weight vectors, and on {inputs} inputs in [-1, 1] their outputs differ from the trained "
            "network's by at most {largest} (rounding).",
            language,
        ).format(
            hidden=HIDDEN,
            count=equivalent_points(HIDDEN),
            distinct=tanh["distinct"],
            inputs=len(GRID),
            largest=f"{tanh['largest_difference']:.2g}",
        )
    )
    c.table(
        [
            (str(cp["perm"]), str(cp["signs"]), f"{cp['difference']:.2g}")
            for cp in tanh["copies"][:: len(tanh["copies"]) // 8]
        ],
        [_("order of the units", language), _("signs", language), _("largest output difference", language)],
    )

    print()
    sig_model = train("sigmoid", steps)
    ps = weights(sig_model)
    sigmoid = compare(ps, "sigmoid")
    naive = compare(ps, "sigmoid", adjust_bias=False)
    c.say(
        _(
            "The same with sigmoid units: flipping a unit's w, b and v alone is not enough (the largest output "
            "difference over the 48 copies is {naive}), because sigmoid(-z) = 1 - sigmoid(z): v sigmoid(z) = "
            "v - v sigmoid(-z). Adding the old v to the output bias repairs it: {distinct} different weight vectors, "
            "largest difference {largest}.",
            language,
        ).format(
            naive=f"{naive['largest_difference']:.3g}",
            distinct=sigmoid["distinct"],
            largest=f"{sigmoid['largest_difference']:.2g}",
        )
    )

    print()
    counts = {m: equivalent_points(m) for m in [HIDDEN, *SLIDES_HIDDEN_SIZES]}
    whole = math.prod(counts[m] for m in SLIDES_HIDDEN_SIZES)
    c.table(
        [(m, f"{math.factorial(m):.3g}", f"{2**m:.3g}", f"{n:.3g}") for m, n in counts.items()],
        [_("hidden units M", language), "M!", "2^M", _("M! 2^M equivalent points", language)],
    )
    c.say(
        _(
            "The slides' 784-30-15-10 network (hidden layers of 30 and 15 sigmoid units, whose flips work with the "
            "bias adjusted) has {copies} copies of every set of weights: each minimum of its loss is one of that "
            "many equivalent minima, so training needs to find a good minimum, not the global one.",
            language,
        ).format(copies=f"{whole:.3g}")
    )

    print()
    copy_perm, copy_signs = SLICE_COPY
    q = transformed(p, copy_perm, copy_signs)
    points = QUICK_SLICE_POINTS if quick else SLICE_POINTS
    line = loss_slice(p, q, "tanh", points)
    at = {0.0: training_loss(p, "tanh"), 1.0: training_loss(q, "tanh")}
    top = max((r for r in line if 0.0 < r[0] < 1.0), key=lambda r: r[1])
    c.say(
        _(
            "The loss along the line from the trained weights (t = 0) to the copy with units {perm} and signs "
            "{signs} (t = 1): {start} at t = 0 and {end} at t = 1, but {top} at t = {t} in between. Two equivalent "
            "minima with a ridge between them: the loss surface is not convex.",
            language,
        ).format(
            perm=copy_perm,
            signs=copy_signs,
            start=f"{at[0.0]:.4g}",
            end=f"{at[1.0]:.4g}",
            top=f"{top[1]:.3g}",
            t=f"{top[0]:.2g}",
        )
    )
    picture = _plot(tanh, line, folder / "symmetries.png", language)
    c.wrote([picture], language)
    return {
        "trained": p,
        "trained_loss": trained_loss,
        "tanh": tanh,
        "sigmoid_trained": ps,
        "sigmoid": sigmoid,
        "sigmoid_without_bias_adjustment": naive,
        "counts": counts,
        "slides_network_copies": whole,
        "slice": line,
        "slice_ends": at,
        "slice_top": top,
        "images": [picture],
    }


def weight_rows(copies) -> tuple[list[list[float]], list[str]]:
    """Each copy's 10 numbers as a row (w1..w3, b1..b3, v1..v3, c) and the column names: the heat map's cells."""
    names = [f"{key}{k + 1}" for key in "wbv" for k in range(HIDDEN)] + ["c"]
    rows = [[v for key in "wbv" for v in cp["weights"][key]] + [cp["weights"]["c"]] for cp in copies]
    return rows, names


def _plot(tanh, line, path, language: str):
    xs, ys = data()
    n = len(tanh["copies"])
    with c.style():
        fig, axes = c.figure(1, 3, size=(17.4, 6.4))  # 1914 x 704 px: one projector screen
        weights_ax, left, right = axes[0]
        rows, names = weight_rows(tanh["copies"])
        top = max(abs(v) for row in rows for v in row)
        image = weights_ax.imshow(rows, aspect="auto", cmap="RdBu_r", vmin=-top, vmax=top, interpolation="nearest")
        weights_ax.set_xticks(range(len(names)), names)
        weights_ax.set_ylabel(_("copy (permutation and signs)", language))
        weights_ax.set_title(_("The {count} weight vectors: all different", language).format(count=n))
        weights_ax.grid(False)
        fig.colorbar(image, ax=weights_ax, shrink=0.8, label=_("weight", language))
        # drawn in turn, each copy's curve narrower than the last, in colours that change: all 48 stay visible
        colors = matplotlib_colormap("viridis", n)
        for k, copy in enumerate(tanh["copies"]):
            width = 7.0 - 6.0 * k / max(n - 1, 1)
            left.plot(GRID, outputs(with_weights(copy["weights"], "tanh"), GRID), color=colors[k], lw=width)
        left.scatter(xs, ys, color="k", zorder=3, label=_("training points", language))
        widths = _("copy 1 (widest) ... copy {count} (thinnest)", language).format(count=n)
        left.plot([], [], color=colors[0], lw=7, label=widths)
        left.set_title(_("{count} weight vectors, one function", language).format(count=n))
        xlabel = _("x      (largest difference between copies: {largest})", language)
        left.set_xlabel(xlabel.format(largest=f"{tanh['largest_difference']:.1g}"))
        left.set_ylabel(_("network output", language))
        left.legend(loc="lower right")
        right.plot([t for t, _ in line], [v for _, v in line], color=c.COLORS[1])
        right.axvline(0.0, color=c.COLORS[6], ls=":", lw=1)
        right.axvline(1.0, color=c.COLORS[6], ls=":", lw=1)
        right.set_yscale("log")
        for t, text, side in ((0.0, N_("θ: trained"), 1), (1.0, N_("θ': its copy"), -1)):
            where = {"xycoords": ("data", "axes fraction"), "xytext": (8 * side, 0), "textcoords": "offset points"}
            right.annotate(_(text, language), (t, 0.2), ha="left" if side > 0 else "right", **where)
        right.set_xlabel(_("t: weights (1 - t) θ + t θ'", language))
        right.set_ylabel(_("training MSE", language))
        right.set_title(_("The loss between two equivalent minima", language))
        return c.save_figure(fig, path)


def matplotlib_colormap(name: str, n: int) -> list:
    """n colours evenly spread over a matplotlib colour map."""
    import matplotlib

    cmap = matplotlib.colormaps[name]
    return [cmap(k / max(n - 1, 1)) for k in range(n)]


def main(argv=None) -> dict:
    """Command line: python -m demos.symmetries [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
