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

Course material: section 8 of the lecture notes the project follows.
"""

from __future__ import annotations

import random

from autograd import no_grad
from demos import _common as c
from nn import SGD, Neuron, batches, mse

NAME = "gradient_descent"
SEED = 0
N_SAMPLES = 100
NOISE = 0.1
TRUE_W, TRUE_B = (2.0, -3.0), 0.5
EPOCHS = 30
LR = 0.1  # the same for the three variants
MINI_BATCH = 10
LEARNING_RATES = {"too small (0.01)": 0.01, "right (0.5)": 0.5, "too large (1.1)": 1.1}  # batch GD
LR_EPOCHS = 25
DIVERGED = 1e6
QUICK_EPOCHS = 10
QUICK_LR_EPOCHS = 15


def make_data(n: int = N_SAMPLES, seed: int = SEED):
    """Inputs uniform in [-1, 1]^2 and targets from the true line plus Gaussian noise."""
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
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
    for _ in range(epochs):
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


def run(out=c.DEFAULT_OUT, quick: bool = False) -> dict:
    """Run the demo, write its pictures under `out/gradient_descent`, return the key numbers."""
    folder = c.demo_dir(out, NAME)
    epochs = QUICK_EPOCHS if quick else EPOCHS
    lr_epochs = QUICK_LR_EPOCHS if quick else LR_EPOCHS
    X, y = make_data()
    c.heading("Gradient descent: batch, stochastic, mini-batch; and the learning rate")
    noise_floor = NOISE**2
    c.say(
        f"Fit y = {_line()} + noise (s.d. {NOISE}) on {N_SAMPLES} samples "
        f"with a linear neuron and mean squared error; the best possible loss is about the noise variance, "
        f"{noise_floor:g}. Learning rate {LR} for all three variants, {epochs} epochs."
    )
    variants = {
        f"batch (all {N_SAMPLES})": None,
        f"mini-batch ({MINI_BATCH})": MINI_BATCH,
        "stochastic (1)": 1,
    }
    runs = {name: descend(X, y, size, LR, epochs) for name, size in variants.items()}
    rows = []
    for name, r in runs.items():
        pe = r["per_epoch"]
        rows.append((name, len(r["per_update"]) - 1, pe[1], pe[min(5, len(pe) - 1)], pe[-1]))
    c.table(rows, ["variant", "updates", "loss after 1 epoch", "after 5", f"after {epochs}"])
    c.say(
        "Per epoch every variant computes the same N per-sample gradients, but SGD turns them into N small "
        "steps and batch gradient descent into one: SGD is near the noise floor after one epoch. Per update "
        "the three make about the same progress here, but a batch update costs N per-sample gradients and an "
        "SGD update one; SGD's loss keeps jittering near the minimum because each step follows one sample."
    )
    variants_png = _plot_variants(runs, folder / "variants.png")

    print()
    c.say(f"Batch gradient descent with three learning rates, {lr_epochs} epochs:")
    lr_runs = {name: descend(X, y, None, lr, lr_epochs) for name, lr in LEARNING_RATES.items()}
    rows = []
    for name, r in lr_runs.items():
        rows.append((name, r["per_epoch"][1], r["per_epoch"][-1], "yes" if r["diverged"] else "no"))
    c.table(rows, ["learning rate", "loss after 1 epoch", "last loss", "diverges"])
    c.say(
        "Too small: each step is safe but tiny. Right: the loss drops to the noise floor within a few steps. "
        "Too large: every step jumps over the minimum to a point higher up the other side, so the loss grows "
        "geometrically."
    )
    rates_png = _plot_rates(lr_runs, folder / "learning_rates.png")
    c.wrote([variants_png, rates_png])
    return {
        "variants": {name: {k: v for k, v in r.items() if k != "model"} for name, r in runs.items()},
        "learning_rates": {name: {k: v for k, v in r.items() if k != "model"} for name, r in lr_runs.items()},
        "noise_floor": noise_floor,
        "images": [variants_png, rates_png],
    }


def _plot_variants(runs, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(15, 6))
        ax_epoch, ax_update = axes[0]
        c.loss_curves(
            ax_epoch,
            {name: r["per_epoch"] for name, r in runs.items()},
            "epoch (passes over the data)",
            "loss on all data (log scale)",
            "Loss against epochs",
            fmt="o-",
            ms=5,
        )
        for color, (name, r) in zip(c.COLORS, runs.items()):
            updates = range(1, len(r["per_update"]))
            ax_update.loglog(updates, r["per_update"][1:], color=color, lw=2, label=name)
        ax_update.set_xlabel("updates = gradient evaluations (log scale)")
        ax_update.set_ylabel("loss on all data (log scale)")
        ax_update.set_title("Loss against updates")
        ax_update.legend()
        return c.save_figure(fig, path)


def _plot_rates(lr_runs, path):
    with c.style():
        fig, ax = c.figure(size=(9, 6))
        c.loss_curves(
            ax,
            {name: r["per_epoch"] for name, r in lr_runs.items()},
            "step (batch gradient descent)",
            "loss (log scale)",
            "Learning rate: too small, right, too large",
            colors=[c.COLORS[2], c.COLORS[0], c.COLORS[1]],
            fmt="o-",
            ms=5,
        )
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.gradient_descent [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
