"""Loss functions on the slides' four-class example, each with its gradient with respect to every output.

The network's output for one sample is y_hat = [0.08, 0.25, 0.42, 0.25] and
the correct class is y = 1 (one-hot [0, 1, 0, 0]). The predicted class is
argmax = 2, so the accuracy is 0; the cross-entropy is -ln 0.25 = 1.3863 and
the squared error 0.08^2 + 0.75^2 + 0.42^2 + 0.25^2 = 0.8078. Every loss of
the section (from `nn.losses`) is computed on this example and backward()
gives its gradient with respect to each of the four outputs.

Then cross-entropy from probabilities against cross-entropy from logits
(the same number, but only the second survives logits of +-1000), and loss
against accuracy while probability moves from class 2 to class 1: the loss
falls smoothly, the accuracy jumps from 0 to 1 at one point.

Course material: section 7 of the lecture notes the project follows.
"""

from __future__ import annotations

import math

from autograd import DomainError, Value
from autograd.language import Domain, resolve
from demos import _common as c
from nn import binary_cross_entropy, cross_entropy, hinge, l1, mse, softmax

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "losses"
SUMMARY = N_("Loss functions on the slides' four-class example, each with its gradient with respect to every output.")
Y_HAT = [0.08, 0.25, 0.42, 0.25]  # the slides' network output
Y = 1  # the correct class
HUGE_LOGITS = [1000.0, -1000.0, 0.0, 500.0]  # class 1 far below the others
SHIFT_STEPS = 101  # points on the path from the slides' output to a confident right answer
QUICK_SHIFT_STEPS = 41  # with 101 or 41 the tie at t = 0.085 falls between grid points (81 put it on one)
SHIFT_MAX = 0.4  # probability moved from class 2 to class 1 at the end of the path


def one_hot(k: int, n: int) -> list[float]:
    return [1.0 if i == k else 0.0 for i in range(n)]


def with_gradient(loss_of, outputs) -> tuple[float, list[float]]:
    """loss_of(outputs as Values) and its gradient with respect to each output, by backward()."""
    vs = [Value(o) for o in outputs]
    loss = loss_of(vs)
    loss.backward()
    return loss.data, [v.grad for v in vs]


def cross_entropy_from_probabilities(probs, y: int):
    """-log p_y: the cross-entropy of a one-hot target, from probabilities."""
    return -probs[y].log()


def losses_on(y_hat, y: int) -> dict:
    """Every loss of section 7 on one output y_hat with correct class y: {name: (formula, loss, gradient)}.

    The names and formulas are English, marked for the catalog: translated where they are shown.
    """
    target = one_hot(y, len(y_hat))
    n = len(y_hat)
    signs = [2 * t - 1 for t in target]  # the hinge loss takes labels -1 / +1
    logits = [math.log(p) for p in y_hat]  # softmax of these logits is y_hat again
    table = {
        N_("cross-entropy (probabilities)"): ("-log p_y", lambda v: cross_entropy_from_probabilities(v, y), y_hat),
        N_("cross-entropy (logits)"): (
            N_("logsumexp(z) - z_y, at logits z = log y_hat"),
            lambda v: cross_entropy(v, y),
            logits,
        ),
        N_("squared error L2"): (N_("sum (y_hat - y)^2"), lambda v: mse(v, target) * n, y_hat),
        "MSE": (N_("1/n sum (y_hat - y)^2"), lambda v: mse(v, target), y_hat),
        N_("MSE, the slides' half form"): (N_("1/(2n) sum (y_hat - y)^2"), lambda v: mse(v, target, half=True), y_hat),
        "L1": (N_("sum |y_hat - y|"), lambda v: l1(v, target, reduction="sum"), y_hat),
        N_("binary cross-entropy"): (
            N_("-1/n sum y log p + (1-y) log(1-p)"),
            lambda v: binary_cross_entropy(v, target),
            y_hat,
        ),
        N_("hinge (max-margin)"): (N_("1/n sum max(0, 1 - s y), y in -1/+1"), lambda v: hinge(v, signs), y_hat),
    }
    return {name: (formula, *with_gradient(fn, inputs)) for name, (formula, fn, inputs) in table.items()}


def _wrt(name: str, language: str | None = None) -> str:
    """What a row's gradient is taken with respect to: the logits for the cross-entropy from logits."""
    return _("each logit z_k", language) if "logits" in name else _("each output y_hat_k", language)


def stable_and_naive(logits, y: int, language: str | None = None) -> dict:
    """Cross-entropy from probabilities (softmax, then log) and from logits, for logits that may be huge.

    Where the first fails, its entry is the reason, in `language` (None: the language in force).
    """
    language = resolve(language, "stable_and_naive")
    outcome, probs = {}, None
    try:
        probs = softmax([Value(z) for z in logits])
        outcome["probabilities"] = cross_entropy_from_probabilities(probs, y).data
    except (DomainError, ValueError) as exc:
        reason = str(exc)  # the engine's message, in English
        if language != "en" and probs is not None and probs[y].data == 0.0:  # the case shown: log of a rounded 0
            reason = _("log(0.0) is undefined; log needs a positive number", language)
        outcome["probabilities"] = _("fails: {reason}", language).format(reason=reason)
    outcome["logits"] = cross_entropy([Value(z) for z in logits], y).data
    return outcome


def loss_against_accuracy(steps: int) -> list[tuple[float, float, float, float]]:
    """(moved, cross-entropy, squared error, accuracy) while probability t moves from class 2 to class 1."""
    target = one_hot(Y, len(Y_HAT))
    rows = []
    for k in range(steps):
        t = SHIFT_MAX * k / (steps - 1)
        p = list(Y_HAT)
        p[Y] += t
        p[2] -= t
        probs = [Value(q) for q in p]
        ce = cross_entropy_from_probabilities(probs, Y).data
        se = (mse(probs, target) * len(p)).data
        accuracy = 1.0 if max(range(len(p)), key=p.__getitem__) == Y else 0.0
        rows.append((t, ce, se, accuracy))
    return rows


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/losses`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    steps = QUICK_SHIFT_STEPS if quick else SHIFT_STEPS
    c.heading(_("Loss functions on the four-class example", language))
    predicted = max(range(len(Y_HAT)), key=Y_HAT.__getitem__)
    accuracy = 1.0 if predicted == Y else 0.0
    c.say(
        _(
            "Network output y_hat = {y_hat}, correct class y = {y} (one-hot {one_hot}). Predicted class: "
            "argmax y_hat = {predicted}, so this sample counts as wrong: accuracy {accuracy}.",
            language,
        ).format(y_hat=Y_HAT, y=Y, one_hot=one_hot(Y, len(Y_HAT)), predicted=predicted, accuracy=f"{accuracy:g}")
    )
    losses = losses_on(Y_HAT, Y)
    c.table(
        [
            (
                _(name, language),
                _(formula, language),
                f"{loss:.4f}",
                "[" + ", ".join(f"{g:.4g}" for g in grad) + "]",
                _wrt(name, language),
            )
            for name, (formula, loss, grad) in losses.items()
        ],
        [_(header, language) for header in (N_("loss"), N_("formula"), N_("value"), N_("gradient"),
                                             N_("with respect to"))],
    )  # fmt: skip
    ce, se = losses["cross-entropy (probabilities)"][1], losses["squared error L2"][1]
    c.say(
        _(
            "Cross-entropy -ln 0.25 = {ce}: only the probability of the correct class counts, and its "
            "gradient -1/p_y = {gradient} pushes it up. Squared error {se} = 0.08^2 + 0.75^2 + 0.42^2 + 0.25^2 "
            "looks at every output, gradient 2 (y_hat - y). L1's gradient is the sign of each error (0 where an "
            "output is exactly right). From logits z = log y_hat the cross-entropy is the same number, and its "
            "gradient with respect to the logits is softmax(z) - one-hot = y_hat - y, the simple form a softmax "
            "output with cross-entropy gets.",
            language,
        ).format(ce=f"{ce:.4f}", gradient=f"{losses['cross-entropy (probabilities)'][2][Y]:.4g}", se=f"{se:.4f}")
    )

    print()
    moderate = stable_and_naive([math.log(p) for p in Y_HAT], Y, language)
    huge = stable_and_naive(HUGE_LOGITS, Y, language)
    c.say(
        _(
            "From probabilities or from logits: for z = log y_hat both give {probabilities} and {logits}. For "
            "the logits {huge} the correct class has probability e^-2000, which rounds to 0: softmax then log "
            "{naive}; from the logits, logsumexp(z) - z_y = {stable} exactly. That is why cross_entropy takes "
            "logits.",
            language,
        ).format(
            probabilities=f"{moderate['probabilities']:.10f}",
            logits=f"{moderate['logits']:.10f}",
            huge=HUGE_LOGITS,
            naive=huge["probabilities"],
            stable=f"{huge['logits']:g}",
        )
    )

    print()
    path = loss_against_accuracy(steps)
    flip = next(t for t, _ce, _se, acc in path if acc == 1.0)
    c.say(
        _(
            "Loss against accuracy: move probability t from class 2 to class 1 (t from 0 to {t_max}). The "
            "cross-entropy falls smoothly from {ce_start} to {ce_end}, the squared error from {se_start} to "
            "{se_end}; the accuracy stays 0 until class 1 overtakes class 2 (t = {tie}, first grid point t = "
            "{flip}) and then jumps to 1. A step has gradient 0 almost everywhere, so we train on the loss and "
            "only report the accuracy.",
            language,
        ).format(
            t_max=f"{SHIFT_MAX:g}",
            ce_start=f"{path[0][1]:.4f}",
            ce_end=f"{path[-1][1]:.4f}",
            se_start=f"{path[0][2]:.4f}",
            se_end=f"{path[-1][2]:.4f}",
            tie=f"{(Y_HAT[2] - Y_HAT[Y]) / 2:g}",
            flip=f"{flip:.3g}",
        )
    )
    images = [
        _plot_gradients(losses, folder / "gradients.png", language),
        _plot_path(path, folder / "loss_vs_accuracy.png", language),
    ]
    c.wrote(images)
    return {
        "predicted": predicted,
        "accuracy": accuracy,
        "losses": {name: (loss, grad) for name, (_formula, loss, grad) in losses.items()},
        "moderate_logits": moderate,
        "huge_logits": huge,
        "path": path,
        "images": images,
    }


def _plot_gradients(losses, path, language: str):
    shown = ["cross-entropy (probabilities)", "squared error L2", "L1", "binary cross-entropy", "hinge (max-margin)"]
    width = 0.8 / len(shown)
    with c.style():
        fig, ax = c.figure(size=(12, 6))
        for k, name in enumerate(shown):
            grad = losses[name][2]
            xs = [i - 0.4 + width * (k + 0.5) for i in range(len(grad))]
            ax.bar(xs, grad, width, color=c.COLORS[k], label=f"{_(name, language)} ({losses[name][1]:.4f})")
        ax.set_xticks(
            range(len(Y_HAT)),
            [
                _("output {index}\ny_hat = {value}", language).format(index=i, value=f"{p:g}")
                for i, p in enumerate(Y_HAT)
            ],
        )
        ax.axhline(0, color="k", lw=1)
        ax.set_ylabel(_("d loss / d output", language))
        ax.set_title(
            _("Gradients of each loss at y_hat = {y_hat}, correct class {y}", language).format(y_hat=Y_HAT, y=Y)
        )
        ax.legend(title=_("loss (its value)", language), loc="lower right")
        return c.save_figure(fig, path)


def _plot_path(rows, path, language: str):
    with c.style():
        fig, ax = c.figure(size=(10, 6))
        ts = [r[0] for r in rows]
        ax.plot(ts, [r[1] for r in rows], color=c.COLORS[0], label=_("cross-entropy", language))
        ax.plot(ts, [r[2] for r in rows], color=c.COLORS[2], label=_("squared error", language))
        ax.step(ts, [r[3] for r in rows], where="post", color=c.COLORS[1], label=_("accuracy", language))
        tie = (Y_HAT[2] - Y_HAT[Y]) / 2  # 0.25 + t = 0.42 - t
        ax.axvline(tie, color=c.COLORS[6], ls=":", lw=1.5)
        ax.text(tie + 0.01, 0.05, _("t = {tie}: class 1 overtakes class 2", language).format(tie=f"{tie:g}"))
        ax.set_xlabel(_("probability moved from class 2 to the correct class 1", language))
        ax.set_ylabel(_("loss, or accuracy (0 or 1)", language))
        ax.set_title(_("The loss is smooth in the outputs, the accuracy is a step", language))
        ax.legend()
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.losses [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
