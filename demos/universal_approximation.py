"""Universal approximation: 3 tanh units fit x^2, sin(pi x), |x| and a step.

After Bishop's figure 5.3: a network with one hidden layer of 3 tanh units
and a linear output, trained on N = 50 points drawn uniformly from (-1, 1),
fits four quite different functions. The output is a weighted sum of the
three hidden units plus a bias; the figure draws each hidden unit's
contribution (its tanh output times its output weight) dashed, so one sees
the fit being assembled from three S-shaped pieces.

Course material: section 9 of the lecture notes the project follows.
"""

from __future__ import annotations

import math
import random

from autograd import no_grad
from autograd.language import Domain
from demos import _common as c
from nn import MLP, Adam, mse

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "universal_approximation"
SUMMARY = N_("Universal approximation: 3 tanh units fit x^2, sin(pi x), |x| and a step.")
SEED = 0
N_POINTS = 50
HIDDEN = 3
LEARNING_RATE = 0.05  # Adam, full batch
STEPS = 2000
QUICK_STEPS = 400
TARGETS = {
    "x²": lambda x: x * x,
    "sin(πx)": lambda x: math.sin(math.pi * x),
    "|x|": abs,
    N_("H(x) (Heaviside step)"): lambda x: 1.0 if x > 0 else 0.0,
}  # the names are the keys of run()'s results; shown, they are translated


def sample(n: int = N_POINTS, seed: int = SEED) -> list[float]:
    """n inputs drawn uniformly from (-1, 1), sorted, reproducible."""
    rng = random.Random(seed)
    return sorted(rng.uniform(-1.0, 1.0) for _ in range(n))


def fit(xs, ys, steps: int = STEPS, seed: int = SEED):
    """Train MLP(1, [3, 1]) (tanh hidden, linear output) on (xs, ys) by full-batch Adam; (model, losses)."""
    model = MLP(1, [HIDDEN, 1], activation="tanh", output_activation="linear", rng=seed)
    optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
    losses = c.descend(lambda: mse([model([x]) for x in xs], ys), optimizer, steps)
    with no_grad():
        losses.append(mse([model([x]) for x in xs], ys).data)
    return model, losses


def hidden_contributions(model, x: float) -> list[float]:
    """Each hidden unit's share of the output at x: v_j * tanh(w_j x + b_j)."""
    hidden, output = model.layers
    out_neuron = output.neurons[0]
    return [v.data * math.tanh(n.w[0].data * x + n.b.data) for n, v in zip(hidden.neurons, out_neuron.w)]


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its picture under `out/universal_approximation`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    steps = QUICK_STEPS if quick else STEPS
    c.heading(_("Universal approximation with 3 tanh units", language))
    xs = sample()
    c.say(
        _(
            "{points} points uniform in (-1, 1); the network 1-{hidden}-1 (tanh, linear output) has {parameters} "
            "parameters; full-batch Adam, learning rate {rate}, {steps} steps per function.",
            language,
        ).format(points=N_POINTS, hidden=HIDDEN, parameters=3 * HIDDEN + 1, rate=LEARNING_RATE, steps=steps)
    )
    fits = {}
    shown = {name: _(name, language) for name in TARGETS}
    header = [
        _("target", language),
        _("MSE at start", language),
        _("MSE after training", language),
        _("time", language),
    ]
    widths = [max(len(header[0]), *map(len, shown.values())), max(12, len(header[1])), max(18, len(header[2])), 6]
    print("  " + "  ".join(h.ljust(w) if k == 0 else h.rjust(w) for k, (h, w) in enumerate(zip(header, widths))))
    print("  " + "  ".join("-" * w for w in widths))
    for name, fn in TARGETS.items():  # a line as each fit ends: the whole takes a while
        ys = [fn(x) for x in xs]
        with c.Timer() as t:
            model, losses = fit(xs, ys, steps)
        fits[name] = (model, ys, losses)
        print(
            f"  {shown[name]:{widths[0]}}  {losses[0]:{widths[1]}.4g}  {losses[-1]:{widths[2]}.4g}  "
            f"{t.seconds:{widths[3] - 1}.1f}s",
            flush=True,
        )
    c.say(
        _(
            "Three S-shaped pieces suffice for the smooth targets; the step is approximated by one steep tanh, "
            "and the kink of |x| by two tanh units pulling in opposite directions. The universal approximation "
            "theorem: with enough hidden units, one hidden layer approximates any continuous function on an "
            "interval as closely as wanted; more units would fit these four more closely.",
            language,
        )
    )
    picture = _plot(xs, fits, folder / "universal_approximation.png", language)
    c.wrote([picture])
    return {"mse": {name: f[2][-1] for name, f in fits.items()}, "steps": steps, "images": [picture]}


def _plot(xs, fits, path, language: str):
    grid = [-1.0 + 2.0 * k / 200 for k in range(201)]
    with c.style():
        fig, axes = c.figure(2, 2, size=(13, 9.5))  # 1430 x 1045 px: within a 1920 x 1080 projector
        for ax, (name, (model, ys, losses)) in zip(axes.flat, fits.items()):
            with no_grad():
                curve = [model([x]).data for x in grid]
            parts = [hidden_contributions(model, x) for x in grid]
            for j in range(HIDDEN):
                label = _("hidden unit {number}", language).format(number=j + 1)
                ax.plot(grid, [p[j] for p in parts], "--", lw=1.8, color=c.COLORS[2 + j], label=label)
            ax.scatter(xs, ys, s=40, color=c.COLORS[0], zorder=3, label=_("training points", language))
            ax.plot(grid, curve, color=c.COLORS[1], lw=3, zorder=4, label=_("network output", language))
            ax.set_title(f"{_(name, language)}   (MSE {losses[-1]:.1e})")
            ax.set_xlim(-1, 1)
            ax.set_xlabel("x")
        # one legend under the panels, where it covers no curve
        fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=5)
        fig.suptitle(
            _("A 1-3-1 tanh network fits four functions; dashed: each hidden unit × its output weight", language)
        )
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.universal_approximation [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
