"""Batch, stochastic and mini-batch gradient descent, and the learning rate.

One problem: fit y = 2 x1 - 3 x2 + 0.5 (plus noise) with a linear neuron,
loss = mean squared error, all runs starting from zero weights.

- Batch gradient descent uses all samples for each step: one exact, smooth
  step per epoch. Stochastic gradient descent takes a step after every
  sample (shuffled each epoch): noisy, but N steps per epoch. Mini-batch
  sits in between. Per epoch (the same number of per-sample gradients),
  SGD gets furthest; per update, batch steps are the best ones.
- The learning rate: too small crawls, right converges in a few steps, too
  large overshoots the minimum further on every step and diverges.
- Where "too large" begins: the loss is a quadratic, and gradient descent on
  a quadratic diverges once the learning rate passes 2 / lambda, lambda the
  largest eigenvalue of the Hessian. The engine computes the Hessian
  (`autograd.hessian`); runs just below and just above 2 / lambda show the
  edge. One Newton step with that Hessian lands on the minimum.
- SGD converges only with a decreasing learning rate: at a constant rate
  its loss keeps jittering above the minimum, with lr / (1 + t / T) it
  settles.
- A non-convex function: a small learning rate stops in the local minimum
  nearest the start; a larger one is carried over the hump by its first
  step and finds the lower one.

Course material: section 8 of the lecture notes the project follows.
"""

from __future__ import annotations

import random

import numpy as np

from autograd import Value, grad, hessian, no_grad
from autograd.language import Domain
from demos import _common as c
from nn import SGD, Neuron, batches, mse

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "gradient_descent"
SUMMARY = N_("Batch, stochastic and mini-batch gradient descent, and the learning rate.")
SEED = 0
N_SAMPLES = 100
NOISE = 0.1
TRUE_W, TRUE_B = (2.0, -3.0), 0.5
EPOCHS = 30
LR = 0.1  # the same for the three variants
MINI_BATCH = 10
# The runs' names (the keys of the results) are English; the demo shows them translated.
LEARNING_RATES = {N_("too small (0.01)"): 0.01, N_("right (0.5)"): 0.5, N_("too large (1.1)"): 1.1}  # batch GD
LR_EPOCHS = 25
# the axes of the batch runs' loss pictures
BATCH_LABELS = (N_("step (batch gradient descent)"), N_("loss (log scale)"))
DIVERGED = 1e6
QUICK_EPOCHS = 10
QUICK_LR_EPOCHS = 15
LIMIT_FACTORS = {N_("just below (0.95 x 2/lambda)"): 0.95, N_("just above (1.05 x 2/lambda)"): 1.05}
LIMIT_EPOCHS = 60
QUICK_LIMIT_EPOCHS = 40
SGD_LR = 0.1  # stochastic gradient descent, batch size 1: constant, or LR / (1 + t / DECAY_STEPS) at update t
DECAY_STEPS = 100
SGD_EPOCHS = 30
QUICK_SGD_EPOCHS = 10
# The non-convex function f(x) = (x^4 - 4 x^2 + x) / 4: a local minimum near 1.35, the global one near -1.47
NONCONVEX_START = 2.5
NONCONVEX_RATES = {N_("small (0.05)"): 0.05, N_("larger (0.3)"): 0.3}
NONCONVEX_STEPS = 100


def make_data(n: int = N_SAMPLES, seed: int = SEED):
    """Inputs uniform in [-1, 1]^2 and targets from the true line plus Gaussian noise."""
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _sample in range(n)]
    y = [TRUE_W[0] * a + TRUE_W[1] * b + TRUE_B + rng.gauss(0.0, NOISE) for a, b in X]
    return X, y


def _line() -> str:
    """The true line as text, e.g. '2 x1 - 3 x2 + 0.5'."""
    (w1, w2), b = TRUE_W, TRUE_B
    return f"{w1:g} x1 {'-' if w2 < 0 else '+'} {abs(w2):g} x2 {'-' if b < 0 else '+'} {abs(b):g}"


def new_model():
    """A linear neuron z = w1 x1 + w2 x2 + b with every parameter at 0 (all runs start alike)."""
    model = Neuron(2, activation="linear")
    for p in model.parameters():
        p.data = 0.0
    return model


def full_loss(model, X, y) -> float:
    """The mean squared error on the whole data set (no graph is built)."""
    with no_grad():
        return mse([model(x) for x in X], y).data


def descend(X, y, batch_size, lr: float, epochs: int, seed: int = SEED):
    """Gradient descent with batches of `batch_size` (None: all); returns the loss per epoch and per update.

    `per_epoch[0]` and `per_update[0]` are the loss before training. A run
    whose loss ends above where it started is marked diverged; it stops
    early if the loss passes DIVERGED.
    """

    model = new_model()
    optimizer = SGD(model.parameters(), lr=lr)
    rng = random.Random(seed)
    per_epoch = [full_loss(model, X, y)]
    per_update = [per_epoch[0]]
    for _epoch in range(epochs):
        for xb, yb in batches(X, y, batch_size, shuffle=True, rng=rng):
            loss = mse([model(x) for x in xb], yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            per_update.append(full_loss(model, X, y))
        per_epoch.append(per_update[-1])
        if per_epoch[-1] > DIVERGED:
            break
    diverged = per_epoch[-1] > per_epoch[0]  # worse than where it started
    return {"per_epoch": per_epoch, "per_update": per_update, "diverged": diverged, "model": model}


def curvature(X, y) -> dict:
    """The Hessian of the loss in (w1, w2, b) by the engine, its eigenvalues, the rate limit 2 / lambda_max,
    and the minimum reached by one Newton step from zero weights (exact: the loss is a quadratic)."""
    model = new_model()
    params = model.parameters()
    loss = mse([model(x) for x in X], y)
    h = hessian(loss, params)
    step = np.linalg.solve(h, grad(loss, params))  # Newton: theta - H^-1 gradient
    minimum = [p.data - d for p, d in zip(params, step.tolist())]
    for p, v in zip(params, minimum):
        p.data = v
    eigenvalues = np.linalg.eigvalsh(h)  # ascending
    return {
        "hessian": h,
        "eigenvalues": eigenvalues,
        "lambda_max": float(eigenvalues[-1]),
        "lr_limit": 2.0 / float(eigenvalues[-1]),
        "minimum": minimum,
        "min_loss": full_loss(model, X, y),
    }


def sgd_excess(X, y, lr: float, decay_steps, epochs: int, best: float, seed: int = SEED) -> dict:
    """SGD with batch size 1 at a constant rate (decay_steps None) or lr / (1 + t / decay_steps) at update t;
    the loss above the minimum `best` before training and after each epoch, and the last rate used."""
    model = new_model()
    optimizer = SGD(model.parameters(), lr=lr)
    rng = random.Random(seed)
    excess = [full_loss(model, X, y) - best]
    t = 0
    for _epoch in range(epochs):
        for xb, yb in batches(X, y, 1, shuffle=True, rng=rng):
            if decay_steps:
                optimizer.lr = lr / (1.0 + t / decay_steps)
            loss = mse([model(x) for x in xb], yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            t += 1
        excess.append(full_loss(model, X, y) - best)
    return {"excess": excess, "last_lr": optimizer.lr}


def nonconvex(x):
    """f(x) = (x^4 - 4 x^2 + x) / 4, for a float or a Value: two minima, the left one lower."""
    return (x**4 - 4 * x**2 + x) * 0.25


def descend_1d(lr: float, start: float = NONCONVEX_START, steps: int = NONCONVEX_STEPS) -> dict:
    """Gradient descent on `nonconvex`, slopes by the engine; the path, where it ends, f and f'' there."""
    path = [start]
    for _step in range(steps):
        x = Value(path[-1])
        (slope,) = grad(nonconvex(x), [x])
        path.append(path[-1] - lr * slope)
    x = Value(path[-1])
    (slope,) = grad(nonconvex(x), [x], create_graph=True)
    (second,) = grad(slope, [x])
    return {"path": path, "end": path[-1], "f_end": nonconvex(path[-1]), "second_derivative": second}


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/gradient_descent`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force); the numbers and the
    results' keys (the runs' English names) are the same in both.
    """
    folder = c.demo_dir(out, NAME)
    epochs = QUICK_EPOCHS if quick else EPOCHS
    lr_epochs = QUICK_LR_EPOCHS if quick else LR_EPOCHS
    X, y = make_data()
    c.heading(_("Gradient descent: batch, stochastic, mini-batch; and the learning rate"))
    noise_floor = NOISE**2
    c.say(
        _(
            "Fit y = {line} + noise (s.d. {noise}) on {n} samples with a linear neuron and mean squared error; "
            "the best possible loss is about the noise variance, {floor:g}. Learning rate {lr} for all three "
            "variants, {epochs} epochs."
        ).format(line=_line(), noise=NOISE, n=N_SAMPLES, floor=noise_floor, lr=LR, epochs=epochs)
    )
    variants = {  # the results' key: (the name as a template, its number, the batch size)
        f"batch (all {N_SAMPLES})": (N_("batch (all {n})"), N_SAMPLES, None),
        f"mini-batch ({MINI_BATCH})": (N_("mini-batch ({n})"), MINI_BATCH, MINI_BATCH),
        "stochastic (1)": (N_("stochastic ({n})"), 1, 1),
    }
    names = {key: _(template).format(n=n) for key, (template, n, _size) in variants.items()}
    runs = {key: descend(X, y, size, LR, epochs) for key, (_template, _n, size) in variants.items()}
    rows = []
    for key, r in runs.items():
        pe = r["per_epoch"]
        rows.append((names[key], len(r["per_update"]) - 1, pe[1], pe[min(5, len(pe) - 1)], pe[-1]))
    c.table(
        rows,
        [_("variant"), _("updates"), _("loss after 1 epoch"), _("after {n}").format(n=5),
         _("after {n}").format(n=epochs)],
    )  # fmt: skip
    c.say(
        _(
            "Per epoch every variant computes the same N per-sample gradients, but SGD turns them into N small "
            "steps and batch gradient descent into one: SGD is near the noise floor after one epoch. Per update "
            "the three make about the same progress here, but a batch update costs N per-sample gradients and an "
            "SGD update one; SGD's loss keeps jittering near the minimum because each step follows one sample."
        )
    )
    variants_png = _plot_variants(runs, names, folder / "variants.png")

    print()
    c.say(_("Batch gradient descent with three learning rates, {epochs} epochs:").format(epochs=lr_epochs))
    lr_runs = {name: descend(X, y, None, lr, lr_epochs) for name, lr in LEARNING_RATES.items()}
    rows = []
    for name, r in lr_runs.items():
        rows.append((_(name), r["per_epoch"][1], r["per_epoch"][-1], _yes_no(r["diverged"])))
    c.table(rows, [_("learning rate"), _("loss after 1 epoch"), _("last loss"), _("diverges")])
    c.say(
        _(
            "Too small: each step is safe but tiny. Right: the loss falls to the noise floor in about 15 steps. "
            "Too large: the loss falls for two steps, then grows geometrically: in one direction every step jumps "
            "over the minimum to a point higher up the other side (the next part finds that direction and the "
            "largest safe rate)."
        )
    )
    rates_png = _plot_rates(lr_runs, folder / "learning_rates.png")

    curve = curvature(X, y)
    limit_runs = _learning_rate_limit(X, y, curve, QUICK_LIMIT_EPOCHS if quick else LIMIT_EPOCHS)
    limit_png = _plot_limit(limit_runs, curve, folder / "learning_rate_limit.png")
    schedule, schedule_names = _sgd_schedule(X, y, curve["min_loss"], QUICK_SGD_EPOCHS if quick else SGD_EPOCHS)
    schedule_png = _plot_schedule(schedule, schedule_names, folder / "sgd_schedule.png")
    local = _local_minimum()
    local_png = _plot_nonconvex(local, folder / "local_minimum.png")
    images = [variants_png, rates_png, limit_png, schedule_png, local_png]
    c.wrote(images)
    return {
        "variants": {name: {k: v for k, v in r.items() if k != "model"} for name, r in runs.items()},
        "learning_rates": {name: {k: v for k, v in r.items() if k != "model"} for name, r in lr_runs.items()},
        "noise_floor": noise_floor,
        "curvature": curve,
        "limit_runs": {name: {k: v for k, v in r.items() if k != "model"} for name, r in limit_runs.items()},
        "sgd_schedule": schedule,
        "local_minimum": local,
        "images": images,
    }


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _learning_rate_limit(X, y, curve, epochs: int) -> dict:
    """Print the Hessian, 2 / lambda and the runs just below and above it; returns the runs."""
    c.heading(_("Where 'too large' begins: the curvature"))
    h = curve["hessian"]
    c.say(
        _(
            "The loss is a quadratic in (w1, w2, b), so its Hessian, the matrix of second derivatives, is the same "
            "everywhere. The engine computes it (autograd.hessian, derivatives of derivatives):"
        )
    )
    c.table([(name, *row) for name, row in zip(("w1", "w2", "b"), h.tolist())], ["", "d/dw1", "d/dw2", "d/db"])
    lam, limit = curve["lambda_max"], curve["lr_limit"]
    c.say(
        _(
            "Its eigenvalues are {eigenvalues}. Along the eigenvector of the largest, lambda = {lam:.4f}, one step "
            "multiplies the distance to the minimum by (1 - lr lambda): it shrinks while |1 - lr lambda| < 1, that "
            "is while lr < 2 / lambda = {limit:.4f}. The 'too large' rate 1.1 is past that limit, the 'right' 0.5 "
            "is below it. Just below and just above, {epochs} steps:"
        ).format(eigenvalues=", ".join(f"{e:.4f}" for e in curve["eigenvalues"]), lam=lam, limit=limit, epochs=epochs)
    )
    runs = {name: descend(X, y, None, factor * limit, epochs) for name, factor in LIMIT_FACTORS.items()}
    rows = [
        (_(name), f"{factor * limit:.4f}", r["per_epoch"][-1], _yes_no(r["diverged"]))
        for (name, factor), r in zip(LIMIT_FACTORS.items(), runs.values())
    ]
    c.table(rows, [_("learning rate"), "lr", _("last loss"), _("diverges")])
    c.say(
        _(
            "One Newton step from the start, theta - H^-1 gradient, lands on the minimum of a quadratic: loss "
            "{loss:.6f}, at w1 = {w1:.4f}, w2 = {w2:.4f}, b = {b:.4f} (the newton demo compares the two methods)."
        ).format(loss=curve["min_loss"], w1=curve["minimum"][0], w2=curve["minimum"][1], b=curve["minimum"][2])
    )
    return runs


def _sgd_schedule(X, y, best: float, epochs: int) -> tuple[dict, dict]:
    """SGD at a constant rate against a decreasing one; prints the loss above the minimum.

    Returns the runs (keyed by their English names) and {English name: the name shown}.
    """
    c.heading(_("SGD converges only with a decreasing learning rate"))
    constant, decreasing = f"constant {SGD_LR:g}", f"{SGD_LR:g} / (1 + t / {DECAY_STEPS})"
    runs = {
        constant: sgd_excess(X, y, SGD_LR, None, epochs, best),
        decreasing: sgd_excess(X, y, SGD_LR, DECAY_STEPS, epochs, best),
    }
    names = {constant: _("constant {lr}").format(lr=f"{SGD_LR:g}"), decreasing: decreasing}
    marks = sorted({1, min(5, epochs), epochs // 2, epochs})
    rows = [(names[name], *(r["excess"][e] for e in marks)) for name, r in runs.items()]
    c.say(
        _("Stochastic gradient descent (one sample per step), {epochs} epochs; loss minus the minimum loss:").format(
            epochs=epochs
        )
    )
    c.table(rows, [_("learning rate"), *(_("epoch {n}").format(n=e) for e in marks)])
    c.say(
        _(
            "Each sample's gradient points to that sample's own best line, not to the minimum of the whole loss; "
            "at a constant rate every step moves by about lr times that noise, so the loss never settles. A rate "
            "shrinking with the update count t averages the noise away (the condition: the rates sum to infinity, "
            "their squares do not): its loss, still noisy, sinks orders of magnitude below the constant rate's."
        )
    )
    return runs, names


def _local_minimum() -> dict:
    """Gradient descent from x = 2.5 on the non-convex f with a small and a larger rate; prints where each stops."""
    c.heading(_("A non-convex function: stuck in a local minimum"))
    runs = {name: descend_1d(lr) for name, lr in NONCONVEX_RATES.items()}
    c.say(
        _(
            "f(x) = (x^4 - 4 x^2 + x) / 4 has a local minimum near x = 1.35 and a lower one near x = -1.47, with a "
            "hump near 0.13 between them. Gradient descent from x = {start}, {steps} steps:"
        ).format(start=f"{NONCONVEX_START:g}", steps=NONCONVEX_STEPS)
    )
    rows = [
        (_(name), r["path"][1], r["end"], r["f_end"], r["second_derivative"], 2.0 / r["second_derivative"])
        for name, r in runs.items()
    ]
    c.table(rows, [_("learning rate"), _("x after 1 step"), _("x at the end"), "f(x)", "f''(x)", "2 / f''"])
    c.say(
        _(
            "The small rate walks down into the nearest valley and stays there: the local minimum. The larger "
            "rate's first step carries it over the hump, and it settles in the lower valley. It can stay there "
            "because it is below 2 / f'' at that minimum (f'' by the engine). A larger rate is no cure in "
            "general: the jump could as well land in a worse valley, or past 2 / f'' it does not settle at all."
        )
    )
    return runs


def _plot_variants(runs, names, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(15, 6))
        ax_epoch, ax_update = axes[0]
        c.loss_curves(
            ax_epoch,
            {names[key]: r["per_epoch"] for key, r in runs.items()},
            _("epoch (passes over the data)"),
            _("loss on all data (log scale)"),
            _("Loss against epochs"),
            fmt="o-",
            ms=5,
        )
        # Per update, batch and mini-batch run nearly on one curve: batch (few updates) is drawn on top with
        # large open markers, mini-batch dashed under it, SGD thin and underneath both.
        looks = [
            {"marker": "o", "ms": 9, "mfc": "none", "mew": 2, "lw": 1.5, "zorder": 3},
            {"ls": "--", "lw": 2.5, "zorder": 2},
            {"lw": 1.2, "alpha": 0.8, "zorder": 1},
        ]
        for color, look, (key, r) in zip(c.COLORS, looks, runs.items()):
            updates = range(1, len(r["per_update"]))
            ax_update.loglog(updates, r["per_update"][1:], color=color, label=names[key], **look)
        ax_update.set_xlabel(
            _("updates (log scale); one update uses {n}, {mini} or 1 samples' gradients").format(
                n=N_SAMPLES, mini=MINI_BATCH
            )
        )
        ax_update.set_ylabel(_("loss on all data (log scale)"))
        ax_update.set_title(_("Loss against updates (cost: see the epochs)"))
        ax_update.legend()
        return c.save_figure(fig, path)


def _per_epoch(runs) -> dict:
    """Each run's loss after every epoch, by its name shown: the curves the batch pictures draw."""
    return {_(name): r["per_epoch"] for name, r in runs.items()}


def _plot_losses(curves, labels, title, colors, path, ms=5, minimum=None):
    """One panel of loss curves (log scale, a marker per point) saved as PNG: the rates, limit and schedule pictures.

    `labels` is (x label, y label), shown translated. `minimum`, when given, is the loss one
    Newton step reaches, drawn as a dotted line for the curves to approach.
    """
    with c.style():
        fig, ax = c.figure(size=(9, 6))
        c.loss_curves(ax, curves, *(_(label) for label in labels), title, colors=colors, fmt="o-", ms=ms)
        if minimum is not None:
            ax.axhline(minimum, color="k", ls=":", lw=1.5, label=_("the minimum (one Newton step)"))
            ax.legend()
        return c.save_figure(fig, path)


def _plot_rates(lr_runs, path):
    colors = [c.COLORS[2], c.COLORS[0], c.COLORS[1]]
    title = _("Learning rate: too small, right, too large")
    return _plot_losses(_per_epoch(lr_runs), BATCH_LABELS, title, colors, path)


def _plot_limit(limit_runs, curve, path):
    title = _("The learning-rate limit 2 / lambda = {limit:.3f}").format(limit=curve["lr_limit"])
    colors = [c.COLORS[0], c.COLORS[1]]
    return _plot_losses(_per_epoch(limit_runs), BATCH_LABELS, title, colors, path, ms=4, minimum=curve["min_loss"])


def _plot_schedule(schedule, names, path):
    excess = {names[key]: [max(e, 1e-12) for e in r["excess"]] for key, r in schedule.items()}  # a log axis has no 0
    labels = (N_("epoch (stochastic gradient descent, one sample per step)"), N_("loss above the minimum (log scale)"))
    title = _("SGD: constant against decreasing learning rate")
    return _plot_losses(excess, labels, title, [c.COLORS[1], c.COLORS[0]], path)


def _plot_nonconvex(local, path):
    with c.style():
        fig, ax = c.figure(size=(9, 6))
        xs = np.linspace(-2.2, 2.7, 300)
        ax.plot(xs, nonconvex(xs), color="0.4", lw=2, label="f(x) = (x^4 - 4 x^2 + x) / 4")
        for color, marker, (name, r) in zip((c.COLORS[1], c.COLORS[0]), ("o", "s"), local.items()):
            shown = r["path"][:25]
            ax.plot(shown, [nonconvex(x) for x in shown], marker=marker, color=color, lw=1.2, ms=7, label=_(name))
        ax.plot([NONCONVEX_START], [nonconvex(NONCONVEX_START)], "k*", ms=16, label=_("start"), zorder=4)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.set_title(_("Small rate: local minimum; larger: over the hump (25 steps)"))
        ax.legend(loc="upper center")
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.gradient_descent [--out DIR] [--quick] [--lang de|en]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
