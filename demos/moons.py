"""Two moons: a 2-16-16-1 ReLU network learns a curved decision boundary (micrograd's classic demo).

100 points on two interleaving half circles, with noise, labelled -1 and +1.
The network MLP(2, [16, 16, 1]) gives one score per point; the max-margin
(hinge) loss mean(relu(1 - y * score)) plus an L2 penalty 1e-4 * sum(w^2)
is minimised by full-batch gradient descent whose learning rate decays from
1.0 to 0.1 over 100 steps. It reaches 100 % training accuracy; the picture
shows the decision boundary and the loss and accuracy per step; an
animation (GIF, a page to step through, last frame as PNG) shows it forming.
"""

from __future__ import annotations

import math
import random

from autograd import no_grad
from autograd.language import Domain
from demos import _animate
from demos import _common as c
from nn import MLP, SGD, accuracy, hinge, l2_penalty

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "moons"
SUMMARY = N_("Two moons: a 2-16-16-1 ReLU network learns a curved decision boundary (micrograd's classic demo).")
SEED = 1337
N_POINTS = 100
NOISE = 0.1
HIDDEN = [16, 16]
L2 = 1e-4
STEPS = 100
LR_START, LR_END = 1.0, 0.1  # lr = 1.0 - 0.9 * k / STEPS
GRID = 70  # decision-boundary picture: GRID x GRID forward passes
QUICK_GRID = 30
FRAMES, QUICK_FRAMES = 21, 3  # the animation of training: states drawn (every 5 / 50 steps)
FRAME_GRID = 40  # the animation's boundary: FRAME_GRID x FRAME_GRID forward passes per frame


def make_moons(n: int = N_POINTS, noise: float = NOISE, seed: int = SEED):
    """Two interleaving half circles: ([x1, x2] points, labels -1 / +1), shuffled, reproducible.

    The upper moon (label -1) is the half circle of radius 1 around (0, 0);
    the lower moon (label +1) is the same half circle turned upside down and
    moved to (1, 0.5). Each coordinate gets Gaussian noise of s.d. `noise`.
    """
    rng = random.Random(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    points = []
    for k in range(n_upper):
        t = math.pi * k / max(n_upper - 1, 1)
        points.append(([math.cos(t), math.sin(t)], -1))
    for k in range(n_lower):
        t = math.pi * k / max(n_lower - 1, 1)
        points.append(([1.0 - math.cos(t), 0.5 - math.sin(t)], 1))
    for p, _ in points:
        p[0] += rng.gauss(0.0, noise)
        p[1] += rng.gauss(0.0, noise)
    rng.shuffle(points)
    return [p for p, _ in points], [y for _, y in points]


def learning_rate(k: int, steps: int = STEPS) -> float:
    """The decaying step size of step k: LR_START down to LR_END in `steps` steps."""
    return LR_START - (LR_START - LR_END) * k / steps


def train(X, y, steps: int = STEPS, seed: int = SEED, log=None, snapshots_at=()):
    """Full-batch training of MLP(2, [16, 16, 1]) with hinge loss + L2; returns (model, history).

    history["snapshots"] holds {step: parameter values before that step} for
    the steps in `snapshots_at` (step `steps`: the trained parameters).
    """
    model = MLP(2, HIDDEN + [1], activation="relu", rng=seed)
    optimizer = SGD(model.parameters(), lr=LR_START)
    history = {"loss": [], "accuracy": [], "lr": [], "snapshots": {}}
    keep = set(snapshots_at)
    for k in range(steps):
        if k in keep:
            history["snapshots"][k] = [p.data for p in model.parameters()]
        scores = [model(x) for x in X]
        loss = hinge(scores, y) + l2_penalty(model.parameters(), L2)
        acc = accuracy(scores, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = learning_rate(k, steps)
        optimizer.step()
        history["loss"].append(loss.data)
        history["accuracy"].append(acc)
        history["lr"].append(optimizer.lr)
        if log and (k % 10 == 0 or k == steps - 1):
            log(k, loss.data, acc)
    if steps in keep:
        history["snapshots"][steps] = [p.data for p in model.parameters()]
    with no_grad():
        scores = [model(x).data for x in X]
    history["final_accuracy"] = sum((s > 0) == (t > 0) for s, t in zip(scores, y)) / len(y)
    return model, history


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its picture under `out/moons`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    steps = STEPS  # the full schedule is fast enough for --quick too
    c.heading(_("Two moons: MLP(2, [16, 16, 1]), max-margin loss, L2 penalty", language))
    X, y = make_moons()
    c.say(
        _(
            "{points} points, {noise} noise, seed {seed}. {steps} steps of full-batch gradient descent, learning rate "
            "{start} decaying to {end}; loss = mean(relu(1 - y * score)) + {l2} * sum(w^2).",
            language,
        ).format(points=len(X), noise=NOISE, seed=SEED, steps=steps, start=LR_START, end=LR_END, l2=f"{L2:g}")
    )
    rows = []
    frame_steps = _animate.frame_steps(steps, QUICK_FRAMES if quick else FRAMES)
    log = lambda k, loss, acc: rows.append((k, loss, f"{acc:.0%}"))  # noqa: E731
    with c.Timer() as t:
        model, history = train(X, y, steps, log=log, snapshots_at=frame_steps)
    c.table(rows, [_("step", language), _("loss", language), _("training accuracy", language)])
    accuracy = history["accuracy"]
    first_perfect = next((k for k, a in enumerate(accuracy) if a == 1.0), None)
    stays_from = next((k for k in range(len(accuracy)) if all(a == 1.0 for a in accuracy[k:])), None)
    when = ""
    if first_perfect is not None and stays_from is not None:
        when = _(" (first reached at step {first}, kept from step {kept} on)", language).format(
            first=first_perfect, kept=stays_from
        )
    c.say(
        _(
            "{count} parameters, {seconds} s. Final training accuracy {accuracy}{when}. The boundary bends around "
            "both moons: no straight line could separate them.",
            language,
        ).format(
            count=model.num_parameters(),
            seconds=f"{t.seconds:.1f}",
            accuracy=f"{history['final_accuracy']:.0%}",
            when=when,
        )
    )
    picture = _plot(model, X, y, history, folder / "moons.png", QUICK_GRID if quick else GRID, language)
    c.wrote([picture], language)
    movie = _animate_training(model, X, y, history, folder, frame_steps, language)
    c.say(
        _(
            "Animation: the boundary at {count} moments of training (steps {first}, {second}, ... {last}): it starts "
            "as a nearly straight cut and bends around the moons as the accuracy climbs. Step through "
            "moons_training.html with the arrow keys, or show the GIF.",
            language,
        ).format(count=len(frame_steps), first=frame_steps[0], second=frame_steps[1], last=frame_steps[-1])
    )
    c.wrote([movie["html"], movie["gif"], movie["png"]], language)
    return {
        "animation": {**movie, "steps": frame_steps},
        "accuracy": history["final_accuracy"],
        "loss": history["loss"][-1],
        "losses": history["loss"],
        "first_perfect_step": first_perfect,
        "n_params": model.num_parameters(),
        "seconds": t.seconds,
        "images": [picture],
    }


def _plot(model, X, y, history, path, grid: int, language: str):
    with c.style():
        fig, axes = c.figure(1, 2, size=(15, 6.5))
        ax, ax_loss = axes[0]
        c.decision_boundary(ax, lambda p: model(p).data, X, y, threshold=0.0, n=grid, language=language)
        title = _("Decision boundary, training accuracy {accuracy}", language)
        ax.set_title(title.format(accuracy=f"{history['final_accuracy']:.0%}"))
        steps = range(len(history["loss"]))
        ax_loss.plot(steps, history["loss"], color=c.COLORS[0], label=_("loss (hinge + L2)", language))
        ax_loss.set_xlabel(_("step", language))
        ax_loss.set_ylabel(_("loss", language), color=c.COLORS[0])
        ax_loss.set_ylim(bottom=0)
        ax_acc = ax_loss.twinx()
        ax_acc.plot(steps, [100 * a for a in history["accuracy"]], color=c.COLORS[1], label=_("accuracy", language))
        ax_acc.set_ylabel(_("training accuracy (%)", language), color=c.COLORS[1])
        ax_acc.set_ylim(40, 102)
        ax_acc.grid(False)
        ax_loss.set_title(_("Loss and accuracy per step", language))
        return c.save_figure(fig, path)


def _animate_training(model, X, y, history, folder, steps, language: str) -> dict:
    """The decision boundary, loss and accuracy at the given steps of training (from history's snapshots)."""
    trained = [p.data for p in model.parameters()]
    losses, accuracy = history["loss"], history["accuracy"]
    n = len(losses)

    def accuracy_at(s):  # before step s; after the last step, the final accuracy
        return accuracy[s] if s < n else history["final_accuracy"]

    def loss_at(s):
        return losses[s] if s < n else None

    captions = []
    for s in steps:
        accuracy_now = f"{accuracy_at(s):.0%}"
        if loss_at(s) is None:
            caption = _("Step {step} of {steps}: training accuracy {accuracy}", language)
        else:
            caption = _("Step {step} of {steps}: loss {loss}, training accuracy {accuracy}", language)
        captions.append(caption.format(step=s, steps=n, loss=f"{loss_at(s) or 0:.3f}", accuracy=accuracy_now))

    def draw(fig, axes, k):
        s = steps[k]
        ax, ax_loss, ax_acc = axes
        for p, value in zip(model.parameters(), history["snapshots"][s]):
            p.data = value
        c.decision_boundary(ax, lambda p: model(p).data, X, y, threshold=0.0, n=FRAME_GRID, language=language)
        ax.set_title(_("Decision boundary", language))
        upto = min(s, n - 1) + 1
        ax_loss.plot(range(upto), losses[:upto], color=c.COLORS[0])
        ax_loss.plot([upto - 1], [losses[upto - 1]], "o", color=c.COLORS[0])  # where training is now
        ax_loss.set_xlim(0, n)
        ax_loss.set_ylim(0, max(losses) * 1.05)
        ax_loss.set_xlabel(_("step", language))
        ax_loss.set_ylabel(_("loss (hinge + L2)", language))
        ax_loss.set_title(_("Loss", language))
        ax_acc.plot(range(upto), [100 * a for a in accuracy[:upto]], color=c.COLORS[1])
        ax_acc.plot([upto - 1], [100 * accuracy[upto - 1]], "o", color=c.COLORS[1])
        ax_acc.set_xlim(0, n)
        ax_acc.set_ylim(40, 102)
        ax_acc.set_xlabel(_("step", language))
        ax_acc.set_ylabel(_("training accuracy (%)", language))
        ax_acc.set_title(_("Accuracy", language))

    try:
        title = _("Two moons: the decision boundary forming", language)
        return _animate.animate(
            folder, "moons_training", draw, captions, grid=(1, 3), size=(17.4, 6), title=title, language=language
        )
    finally:
        for p, value in zip(model.parameters(), trained):
            p.data = value


def main(argv=None) -> dict:
    """Command line: python -m demos.moons [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
