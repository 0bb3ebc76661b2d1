"""SGD, Momentum, Adagrad, RMSProp and Adam on the same problems.

1. A 1-12-1 tanh network fits a wiggly curve (40 points, full batch): the
   loss curves of the five optimizers in one figure.
2. The Rosenbrock valley f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2):
   a narrow curved valley, steep across and flat along. Plain gradient
   descent must keep its step small for the steep direction and then crawls
   along the flat one; momentum builds up speed along the valley; Adagrad's
   steps shrink as squared gradients pile up; RMSProp and Adam divide each
   coordinate's step by a running size of its gradients. The picture shows
   the paths on the contour map and the loss per step; an animation (GIF,
   a page to step through, last frame as PNG) shows them advancing.
Learning rates were chosen per optimizer (each near its best for the problem).

Course material: section 8 of the lecture notes the project follows.
"""

from __future__ import annotations

import math
import random

from autograd import Value
from autograd.language import Domain
from demos import _animate
from demos import _common as c
from nn import MLP, SGD, Adagrad, Adam, RMSProp, mse

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "optimizers"
SUMMARY = N_("SGD, Momentum, Adagrad, RMSProp and Adam on the same problems.")
SEED = 0
N_POINTS = 40
HIDDEN = 12
NET_STEPS = 400
ROSENBROCK_START = (-1.5, 2.0)
ROSENBROCK_STEPS = 1000
QUICK_NET_STEPS = 80
QUICK_ROSENBROCK_STEPS = 400
FRAMES, QUICK_FRAMES = 21, 5  # the animation of the paths: states drawn (every 50 / 100 steps)

# name -> (optimizer class name in nn.optim, keyword arguments) for each problem
NET_OPTIMIZERS = {
    "SGD": ("SGD", {"lr": 0.1}),
    "Momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}),
    "Adagrad": ("Adagrad", {"lr": 0.1}),
    "RMSProp": ("RMSProp", {"lr": 0.005}),
    "Adam": ("Adam", {"lr": 0.02}),
}
ROSENBROCK_OPTIMIZERS = {
    "SGD": ("SGD", {"lr": 1e-3}),
    "Momentum": ("SGD", {"lr": 1e-3, "momentum": 0.9}),
    "Adagrad": ("Adagrad", {"lr": 0.5}),
    "RMSProp": ("RMSProp", {"lr": 0.005}),
    "Adam": ("Adam", {"lr": 0.05}),
}


def target(x: float) -> float:
    """The curve the network fits."""
    return math.sin(math.pi * x) + 0.5 * x * math.cos(3 * math.pi * x)


def make_optimizer(spec, params):
    """An optimizer of nn given (class name, keyword arguments)."""
    cls, kwargs = spec
    return {"SGD": SGD, "Adagrad": Adagrad, "RMSProp": RMSProp, "Adam": Adam}[cls](params, **kwargs)


def describe(spec) -> str:
    """'SGD(lr=0.1, momentum=0.9)'."""
    cls, kwargs = spec
    return f"{cls}({', '.join(f'{k}={v:g}' for k, v in kwargs.items())})"


def train_network(spec, steps: int):
    """Full-batch training of MLP(1, [12, 1]) on the curve; the loss before each step, then the final one."""
    rng = random.Random(SEED)
    xs = sorted(rng.uniform(-1, 1) for _point in range(N_POINTS))
    ys = [target(x) for x in xs]
    model = MLP(1, [HIDDEN, 1], activation="tanh", rng=SEED + 3)  # the same start for every optimizer
    optimizer = make_optimizer(spec, model.parameters())
    return c.descend(lambda: mse([model([x]) for x in xs], ys), optimizer, steps)


def rosenbrock(x, y):
    """(1 - x)^2 + 100 (y - x^2)^2: minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def descend_rosenbrock(spec, steps: int):
    """Minimise the Rosenbrock function from ROSENBROCK_START; returns (path of (x, y), losses)."""
    x, y = Value(ROSENBROCK_START[0], label="x"), Value(ROSENBROCK_START[1], label="y")
    optimizer = make_optimizer(spec, [x, y])
    path, losses = [(x.data, y.data)], []
    for _step in range(steps):
        f = rosenbrock(x, y)
        optimizer.zero_grad()
        f.backward()
        optimizer.step()
        losses.append(f.data)
        path.append((x.data, y.data))
    losses.append(rosenbrock(x.data, y.data))
    return path, losses


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/optimizers`, return the key numbers.

    The texts (and the animation page's) are in `language` ("de" or "en"; None: the language in
    force); the numbers are the same in both.
    """
    folder = c.demo_dir(out, NAME)
    net_steps = QUICK_NET_STEPS if quick else NET_STEPS
    rb_steps = QUICK_ROSENBROCK_STEPS if quick else ROSENBROCK_STEPS
    c.heading(_("Optimizers: SGD, Momentum, Adagrad, RMSProp, Adam"))
    c.say(
        _(
            "1. A 1-{hidden}-1 tanh network fits sin(πx) + 0.5 x cos(3πx) on {points} points, full batch, {steps} "
            "steps, the same starting weights for every optimizer."
        ).format(hidden=HIDDEN, points=N_POINTS, steps=net_steps)
    )
    net = {name: train_network(spec, net_steps) for name, spec in NET_OPTIMIZERS.items()}
    marks = [k for k in (0, 50, 100, 200, net_steps - 1) if k < net_steps]
    c.table(
        [(name, describe(NET_OPTIMIZERS[name])) + tuple(losses[k] for k in marks) for name, losses in net.items()],
        [_("optimizer"), _("settings")] + [_("loss @ {step}").format(step=k) for k in marks],
    )
    best = min(net, key=lambda n: net[n][-1])
    worst = max(net, key=lambda n: net[n][-1])
    c.say(
        _(
            "Lowest final loss: {best} ({best_loss:.3g}); highest: {worst} ({worst_loss:.3g}). With a learning rate "
            "each can afford, momentum and the adaptive methods move faster than plain SGD."
        ).format(best=best, best_loss=net[best][-1], worst=worst, worst_loss=net[worst][-1])
    )

    print()
    c.say(
        _(
            "2. The Rosenbrock valley (1 - x)^2 + 100 (y - x^2)^2 from {start}, {steps} steps; the minimum is 0 at "
            "(1, 1)."
        ).format(start=ROSENBROCK_START, steps=rb_steps)
    )
    valley = {name: descend_rosenbrock(spec, rb_steps) for name, spec in ROSENBROCK_OPTIMIZERS.items()}
    c.table(
        [
            (name, describe(ROSENBROCK_OPTIMIZERS[name]), losses[-1], f"({path[-1][0]:.3f}, {path[-1][1]:.3f})")
            for name, (path, losses) in valley.items()
        ],
        [_("optimizer"), _("settings"), _("final f"), _("final (x, y)")],
    )
    c.say(
        _(
            "SGD's learning rate is capped by the steep walls (a larger one diverges), so it crawls along the "
            "valley floor. Momentum accumulates the small, consistent pull along the valley. Adagrad's step "
            "shrinks with every squared gradient it has seen. RMSProp and Adam scale each coordinate separately."
        )
    )
    net_png = _plot_network(net, folder / "network_loss.png")
    valley_png = _plot_valley(valley, folder / "rosenbrock.png")
    c.wrote([net_png, valley_png])
    frame_steps = _animate.frame_steps(rb_steps, QUICK_FRAMES if quick else FRAMES)
    movie = _animate_valley(valley, folder, frame_steps)
    c.say(
        _(
            "Animation: the five paths advancing, drawn every {steps} steps; watch Momentum overshoot and then run "
            "along the valley while SGD and Adagrad crawl."
        ).format(steps=frame_steps[1])
    )
    c.wrote([movie["html"], movie["gif"], movie["png"]])
    return {
        "animation": {**movie, "steps": frame_steps},
        "network_final_loss": {name: losses[-1] for name, losses in net.items()},
        "network_losses": net,
        "rosenbrock_final": {name: losses[-1] for name, (_path, losses) in valley.items()},
        "rosenbrock_end": {name: path[-1] for name, (path, _losses) in valley.items()},
        "images": [net_png, valley_png],
    }


def _plot_network(net, path):
    with c.style():
        fig, ax = c.figure(size=(9, 6))
        c.loss_curves(
            ax,
            {f"{name}: {describe(NET_OPTIMIZERS[name])}": losses for name, losses in net.items()},
            _("step"),
            _("training loss (MSE, log scale)"),
            _("Five optimizers train the same 1-{hidden}-1 network").format(hidden=HIDDEN),
        )
        return c.save_figure(fig, path)


def _draw_valley(ax, valley, upto=None) -> None:
    """The contour map, each path up to step `upto` (all of it by default) ending in a dot, and the minimum."""
    import numpy as np

    gx, gy = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1, 3, 300))
    ax.contour(gx, gy, np.log10(rosenbrock(gx, gy) + 1e-3), levels=15, colors="0.6", linewidths=1)
    styles = ["-", "--", "-", "-.", ":"]
    for k, (color, (name, (trail, _losses))) in enumerate(zip(c.COLORS, valley.items())):
        trail = trail if upto is None else trail[: upto + 1]
        ax.plot([p[0] for p in trail], [p[1] for p in trail], styles[k], color=color, lw=2.5, label=name, zorder=5 - k)
        ax.plot(*trail[-1], "o", color=color, ms=10, mec="k", zorder=6)
    ax.plot(*ROSENBROCK_START, "ko", ms=9, label=_("start {point}").format(point=ROSENBROCK_START))
    # the minimum on top of everything, white-rimmed, so the paths' end dots near it cannot hide it
    ax.plot(1, 1, "*", color="k", mec="w", mew=1.5, ms=24, zorder=10, label=_("minimum (1, 1)"))
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 3)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="lower right")


def _plot_valley(valley, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(16, 6.5))
        ax, ax_loss = axes[0]
        _draw_valley(ax, valley)
        ax.set_title(_("Paths through the Rosenbrock valley"))
        curves = {name: values for name, (_path, values) in valley.items()}
        c.loss_curves(ax_loss, curves, _("step"), _("f(x, y) (log scale)"), _("Loss per step"))
        return c.save_figure(fig, path)


def _animate_valley(valley, folder, steps) -> dict:
    """The five paths through the valley and their losses, drawn up to each of `steps`."""
    total = len(next(iter(valley.values()))[1]) - 1  # the number of steps taken
    values = [v for _path, losses in valley.values() for v in losses]
    captions = [
        _("Step {step} of {total}: ").format(step=s, total=total)
        + ", ".join(f"{name} f = {losses[s]:.3g}" for name, (_path, losses) in valley.items())
        for s in steps
    ]

    def draw(fig, axes, k):
        s = steps[k]
        ax, ax_loss = axes
        _draw_valley(ax, valley, upto=s)
        ax.set_title(_("Paths through the Rosenbrock valley"))
        c.loss_curves(
            ax_loss,
            {name: losses[: s + 1] for name, (_path, losses) in valley.items()},
            _("step"),
            _("f(x, y) (log scale)"),
            _("Loss per step"),
        )
        ax_loss.set_xlim(0, total)
        ax_loss.set_ylim(min(values) / 2, max(values) * 2)

    title = _("Five optimizers in the Rosenbrock valley")
    return _animate.animate(folder, "rosenbrock_paths", draw, captions, grid=(1, 2), size=(16, 7), title=title)


def main(argv=None) -> dict:
    """Command line: python -m demos.optimizers [--out DIR] [--quick] [--lang de|en]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
