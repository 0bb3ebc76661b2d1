"""Finite differences versus backprop.

The slope of the loss in one parameter w can be estimated from two loss
evaluations, (L(w + eps) - L(w - eps)) / (2 eps), with an error of order
eps^2. That costs two evaluations per parameter and is never exact.
Backprop gives every gradient in one backward pass, exactly (up to rounding).
The demo checks backprop against central differences on a small network,
shows how the error of the estimate depends on eps, times both on a larger
network, and catches a deliberately wrong derivative.

Course material: section 3 of the lecture notes the project follows.
"""

from __future__ import annotations

import math
import random

from autograd import GradcheckError, Value, analytic_gradient, dot, gradcheck, no_grad, numerical_gradient, total
from autograd.language import Domain
from demos import _common as c

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "gradcheck"
SUMMARY = N_("Finite differences versus backprop.")
SEED = 0
SMALL = [2, 4, 1]  # the network whose gradients are listed one by one
LARGE = [2, 16, 16, 1]  # the network that is timed
N_POINTS = 8
EPSILONS = [10.0**-k for k in range(1, 13)]
QUICK_LARGE = [2, 8, 8, 1]


class BuggySin(Value):
    """A Value whose sin() has a planted bug: it records d sin(x)/dx as sin(x) instead of cos(x).

    Made only of public operations: dot([slope], [x - x.data], sin x) has the value sin(x)
    and the local derivative `slope` (the tangent line at x, here with the wrong slope).
    """

    def sin(self) -> Value:
        value = math.sin(self.data)
        slope = math.sin(self.data)  # the bug: the slope of sin at x is cos(x)
        return dot([slope], [self - self.data], value)


def make_network(sizes, rng: random.Random):
    """Weights and biases of a tanh MLP with a linear output, as labelled leaves."""
    layers = []
    for layer, (nin, nout) in enumerate(zip(sizes, sizes[1:]), start=1):
        neurons = []
        for j in range(nout):
            w = [Value(rng.uniform(-1, 1), label=f"w{layer}[{j},{i}]") for i in range(nin)]
            b = Value(rng.uniform(-0.5, 0.5), label=f"b{layer}[{j}]")
            neurons.append((w, b))
        layers.append(neurons)
    return layers


def parameters(layers) -> list[Value]:
    """All weights and biases, in a fixed order."""
    return [p for neurons in layers for w, b in neurons for p in (*w, b)]


def forward(layers, x):
    """The network's output for one input: tanh hidden layers, linear output."""
    h = x
    for k, neurons in enumerate(layers):
        z = [dot(w, h, b) for w, b in neurons]
        h = z if k == len(layers) - 1 else [zj.tanh() for zj in z]
    return h[0]


def make_data(rng: random.Random, n: int = N_POINTS):
    """n points in the square with target sin(x1) * x2."""
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    return xs, [math.sin(3 * x1) * x2 for x1, x2 in xs]


def loss_function(layers, xs, ys):
    """L() -> mean squared error of the network on the data (closes over the parameters)."""

    def loss(*_params):
        return total([(forward(layers, x) - y) ** 2 for x, y in zip(xs, ys)]) / len(xs)

    return loss


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its picture under `out/gradcheck`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    rng = random.Random(SEED)
    c.heading(_("Backprop against central finite differences", language))
    xs, ys = make_data(rng)
    layers = make_network(SMALL, rng)
    params = parameters(layers)
    loss = loss_function(layers, xs, ys)

    L = loss()
    L.backward()
    backprop = [p.grad for p in params]
    numeric = numerical_gradient(loss, params, eps=1e-6)
    diffs = [abs(a - n) for a, n in zip(backprop, numeric)]
    c.say(
        _(
            "A {sizes} tanh network, mean squared error on {points} points: {count} parameters. Backprop: one "
            "forward and one backward pass. Central differences with eps = 1e-6: {passes} forward passes (two per "
            "parameter).",
            language,
        ).format(sizes="-".join(map(str, SMALL)), points=N_POINTS, count=len(params), passes=2 * len(params))
    )
    c.table(
        [(p.label, f"{a:+.10f}", f"{n:+.10f}", f"{d:.1e}") for p, a, n, d in zip(params, backprop, numeric, diffs)],
        [_(h, language) for h in (N_("parameter"), N_("backprop"), N_("central difference"), N_("|difference|"))],
    )
    ok = gradcheck(loss, params)
    c.say(
        _(
            "Largest difference: {largest}. autograd.gradcheck(loss, params) -> {ok}: they agree within "
            "atol 1e-5 + rtol 1e-3.",
            language,
        ).format(largest=f"{max(diffs):.1e}", ok=ok)
    )

    # How the estimate's error depends on eps: truncation (eps^2) against rounding (1/eps).
    print()
    central_err, forward_err = [], []
    for eps in EPSILONS:
        num = numerical_gradient(loss, params, eps=eps)
        central_err.append(max(abs(a - n) for a, n in zip(backprop, num)))
        forward_err.append(_forward_difference_error(loss, params, backprop, eps))
    best = min(range(len(EPSILONS)), key=lambda k: central_err[k])
    c.table(
        [(f"1e-{k + 1}", f"{fe:.1e}", f"{ce:.1e}") for k, (fe, ce) in enumerate(zip(forward_err, central_err))],
        ["eps", _("forward difference error", language), _("central difference error", language)],
    )
    c.say(
        _(
            "The central difference's error shrinks like eps^2 (100x per step of 10) until rounding takes over; "
            "it is smallest, {error}, at eps = {eps}. The one-sided forward difference (L(w + eps) - L(w)) / eps "
            "only improves like eps.",
            language,
        ).format(error=f"{central_err[best]:.1e}", eps=f"{EPSILONS[best]:.0e}")
    )
    picture = _plot(forward_err, central_err, folder / "error_vs_eps.png", language)

    # Cost on a larger network.
    print()
    sizes = QUICK_LARGE if quick else LARGE
    big = make_network(sizes, random.Random(SEED + 1))
    big_params = parameters(big)
    big_loss = loss_function(big, xs, ys)
    with c.Timer() as tb:
        Lb = big_loss()
        Lb.backward()
    with c.Timer() as tn:
        big_numeric = numerical_gradient(big_loss, big_params)
    big_diff = max(abs(p.grad - n) for p, n in zip(big_params, big_numeric))
    c.say(
        _(
            "A {sizes} network has {count} parameters. Backprop: {backprop} ms. Central differences: {evaluations} "
            "loss evaluations, {numeric} ms ({ratio} times longer), largest difference {largest}. The gap grows with "
            "the number of parameters: finite differences are a test, not a training method.",
            language,
        ).format(
            sizes="-".join(map(str, sizes)),
            count=len(big_params),
            backprop=f"{tb.seconds * 1e3:.1f}",
            evaluations=2 * len(big_params),
            numeric=f"{tn.seconds * 1e3:.0f}",
            ratio=f"{tn.seconds / tb.seconds:.0f}",
            largest=f"{big_diff:.1e}",
        )
    )

    # A wrong derivative is caught.
    print()
    x = BuggySin(0.7, label="x")
    recorded = analytic_gradient(lambda x: x.sin(), [x])[0]  # what backprop believes d sin(x)/dx is
    try:
        gradcheck(lambda x: x.sin() * x, [x])
        caught = None
    except GradcheckError as exc:
        caught = str(exc)
    c.say(
        _(
            "Finally a planted bug: a Value subclass whose sin() records the derivative sin(x) = {recorded} where "
            "it should be cos(x) = {right}. gradcheck on x sin(x) reports: {report}",
            language,
        ).format(
            recorded=f"{recorded:.4f}",
            right=f"{math.cos(x.data):.4f}",
            report=caught if language == "en" or caught is None else _disagreement(x, language),
        )
    )
    c.wrote([picture], language)
    return {
        "n_params": len(params),
        "max_difference": max(diffs),
        "gradcheck": ok,
        "fd_evaluations": 2 * len(params),
        "central_errors": dict(zip(EPSILONS, central_err)),
        "forward_errors": dict(zip(EPSILONS, forward_err)),
        "large_params": len(big_params),
        "large_max_difference": big_diff,
        "backprop_seconds": tb.seconds,
        "finite_difference_seconds": tn.seconds,
        "bug_caught": caught,
        "images": [picture],
    }


def _forward_difference_error(loss, params, backprop, eps: float) -> float:
    """max over parameters of |(L(w + eps) - L(w)) / eps - backprop|."""
    with no_grad():
        base = loss().data
    worst = 0.0
    for p, a in zip(params, backprop):
        original = p.data
        p.data = original + eps
        with no_grad():
            up = loss().data
        p.data = original
        worst = max(worst, abs((up - base) / eps - a))
    return worst


def _disagreement(x: Value, language: str) -> str:
    """What gradcheck's refusal of x sin(x) at x says, in `language`: backprop's slope against central differences.

    gradcheck's own message is English; the numbers here are the same ones, computed again.
    """
    backprop = analytic_gradient(lambda x: x.sin() * x, [x])[0]
    central = numerical_gradient(lambda x: x.sin() * x, [x])[0]
    return _(
        "the gradient with respect to x at {at} disagrees: backprop gives {backprop}, central differences give "
        "{central} (difference {difference}).",
        language,
    ).format(
        at=repr(x.data), backprop=repr(backprop), central=repr(central), difference=f"{abs(backprop - central):.3g}"
    )


def _plot(forward_err, central_err, path, language: str):
    with c.style():
        fig, ax = c.figure(size=(9, 6))
        forward = _("forward difference (error ~ eps)", language)
        ax.loglog(EPSILONS, forward_err, "o-", color=c.COLORS[1], label=forward)
        ax.loglog(
            EPSILONS, central_err, "s-", color=c.COLORS[0], label=_("central difference (error ~ eps²)", language)
        )
        ax.set_xlabel(_("eps, the step of the finite difference (larger to the right)", language))
        ax.set_ylabel(_("largest |finite difference − backprop|", language))
        ax.set_title(_("Finite differences only approximate the gradient", language))
        # what dominates at each end of the axis
        ends = {"ha": "left", "va": "bottom", "transform": ax.transAxes, "fontsize": 12}
        ax.text(0.02, 0.03, _("← smaller eps:\nrounding error grows (~1/eps)", language), **ends)
        ax.text(0.98, 0.03, _("larger eps →\ntruncation error grows", language), **{**ends, "ha": "right"})
        ax.legend(loc="upper center")
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.gradcheck [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
