"""Newton's method against gradient descent, with second derivatives from the engine.

Gradient descent steps by -lr * f'(x) with one learning rate for every
direction. Newton's method divides by the curvature instead: x <- x - f'/f''
in one dimension, theta <- theta - H^-1 gradient in several, H the Hessian.
Both derivatives come from the engine: `grad(..., create_graph=True)` gives
f' as a Value, differentiated again for f''; `hessian` gives H.

1. f(x) = e^x - 2x (minimum at ln 2): Newton converges quadratically (the
   number of correct digits doubles each step), gradient descent linearly.
2. The Rosenbrock valley of the optimizers demo: H tells why gradient
   descent's rate is capped (2 / lambda_max of H at the minimum), and Newton's
   steps follow the curved valley, reaching (1, 1) in a handful of steps,
   although its loss goes up on the way: a pure Newton step is no descent.
3. Newton's method seeks f' = 0, a maximum as readily as a minimum: on the
   gradient_descent demo's non-convex function it can climb to the hump.

Course material: section 8 of the lecture notes the project follows (one step further: curvature).
"""

from __future__ import annotations

import math

import numpy as np

from autograd import Value, grad, hessian
from autograd.language import Domain
from demos import _common as c
from demos.gradient_descent import nonconvex
from demos.optimizers import ROSENBROCK_START, rosenbrock

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "newton"
SUMMARY = N_("Newton's method against gradient descent, with second derivatives from the engine.")
TOLERANCE = 1e-6  # converged: within this distance of the minimum
START_1D = 2.0
MINIMUM_1D = math.log(2.0)
LR_1D = 0.25  # below 2 / f''(x) = 2 e^-x all along the way from x = 2
STEPS_1D = 200
ZOOM_1D = (0.63, 0.86)  # the x range of the picture's zoom on the minimum
ROSENBROCK_MINIMUM = (1.0, 1.0)
LR_ROSENBROCK = 1e-3  # the optimizers demo's SGD rate
NEWTON_STEPS = 20
GD_STEPS = 50000
QUICK_GD_STEPS = 3000
HUMP_START = 0.3
GRADIENT_DESCENT = N_("gradient descent (lr {lr})")  # a method's name: the results' keys are the English ones


def f_1d(x):
    """e^x - 2x, for a Value (or, through `math`, a float)."""
    return x.exp() - 2.0 * x if isinstance(x, Value) else math.exp(x) - 2.0 * x


def _until(path, minimum):
    """The number of steps until the path first comes within TOLERANCE of the minimum, or None."""
    for k, p in enumerate(path):
        if math.dist(np.atleast_1d(p), np.atleast_1d(minimum)) < TOLERANCE:
            return k
    return None


def newton_1d(f, start: float, steps: int) -> list[float]:
    """x <- x - f'(x) / f''(x), both derivatives by the engine."""
    path = [start]
    for _step in range(steps):
        x = Value(path[-1])
        (slope,) = grad(f(x), [x], create_graph=True)
        (curvature,) = grad(slope, [x])
        path.append(path[-1] - slope.data / curvature)
    return path


def descent_1d(f, start: float, lr: float, steps: int) -> list[float]:
    """x <- x - lr f'(x)."""
    path = [start]
    for _step in range(steps):
        x = Value(path[-1])
        (slope,) = grad(f(x), [x])
        path.append(path[-1] - lr * slope)
    return path


def newton_2d(f, start, steps: int) -> list[tuple]:
    """theta <- theta - H^-1 gradient with the engine's gradient and Hessian; stops early at a zero gradient."""
    path = [tuple(start)]
    for _step in range(steps):
        x, y = Value(path[-1][0]), Value(path[-1][1])
        out = f(x, y)
        g = grad(out, [x, y])
        if not any(g):
            break
        step = np.linalg.solve(hessian(out, [x, y]), g)
        path.append((path[-1][0] - float(step[0]), path[-1][1] - float(step[1])))
    return path


def descent_2d(f, start, lr: float, steps: int, minimum) -> list[tuple]:
    """theta <- theta - lr gradient; stops once within TOLERANCE of `minimum`."""
    path = [tuple(start)]
    for _step in range(steps):
        x, y = Value(path[-1][0]), Value(path[-1][1])
        gx, gy = grad(f(x, y), [x, y])
        path.append((path[-1][0] - lr * gx, path[-1][1] - lr * gy))
        if math.dist(path[-1], minimum) < TOLERANCE:
            break
    return path


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/newton`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force); the numbers and the
    results' keys (the methods' English names) are the same in both.
    """
    folder = c.demo_dir(out, NAME)
    gd_steps = QUICK_GD_STEPS if quick else GD_STEPS
    c.heading(_("Newton's method against gradient descent"))
    one = _one_dimension()
    two = _rosenbrock(gd_steps)
    hump = _the_hump()
    one_png = _plot_1d(one, folder / "newton_1d.png")
    two_png = _plot_rosenbrock(two, folder / "newton_rosenbrock.png")
    c.wrote([one_png, two_png])
    return {"one_dimension": one, "rosenbrock": two, "hump": hump, "images": [one_png, two_png]}


def _methods(lr: float) -> dict:
    """{the key of the results' "steps" (English): the name shown} of Newton and of gradient descent at rate `lr`."""
    return {"Newton": "Newton", GRADIENT_DESCENT.format(lr=f"{lr:g}"): _(GRADIENT_DESCENT).format(lr=f"{lr:g}")}


def _one_dimension() -> dict:
    c.say(
        _(
            "1. f(x) = e^x - 2x from x = {start}; the minimum is at ln 2 = {minimum:.6f}, where f'' = 2. Gradient "
            "descent with learning rate {lr}, Newton's method with f'' by the engine (grad of grad). Converged: "
            "within {tolerance} of the minimum."
        ).format(start=f"{START_1D:g}", minimum=MINIMUM_1D, lr=f"{LR_1D:g}", tolerance=f"{TOLERANCE:g}")
    )
    newton = newton_1d(f_1d, START_1D, 8)
    descent = descent_1d(f_1d, START_1D, LR_1D, STEPS_1D)
    methods = _methods(LR_1D)
    steps = dict(zip(methods, (_until(newton, MINIMUM_1D), _until(descent, MINIMUM_1D))))
    rows = [(k, newton[k], abs(newton[k] - MINIMUM_1D), descent[k], abs(descent[k] - MINIMUM_1D)) for k in range(7)]
    c.table(rows, [_("step"), _("Newton x"), _("error"), _("gradient descent x"), _("error")])
    c.table([(methods[name], n) for name, n in steps.items()], [_("method"), _("steps to converge")])
    errors = ", ".join(f"{abs(x - MINIMUM_1D):.0e}" for x in newton[1:6])
    ratio = abs(descent[21] - MINIMUM_1D) / abs(descent[20] - MINIMUM_1D)
    c.say(
        _(
            "Newton's error is about squared each step ({errors}: the correct digits double); gradient descent's "
            "shrinks by a constant factor, |1 - lr f''| = {factor} near the minimum (measured from step 20 to 21: "
            "{ratio:.4f})."
        ).format(errors=errors, factor=f"{abs(1 - LR_1D * 2):g}", ratio=ratio)
    )
    return {"newton": newton, "descent": descent, "steps": steps}


def _rosenbrock(gd_steps: int) -> dict:
    print()
    x, y = Value(ROSENBROCK_MINIMUM[0]), Value(ROSENBROCK_MINIMUM[1])
    at_minimum = hessian(rosenbrock(x, y), [x, y])
    lam = np.linalg.eigvalsh(at_minimum)
    c.say(
        _(
            "2. The Rosenbrock valley (1 - x)^2 + 100 (y - x^2)^2 from {start}, minimum 0 at (1, 1). Its Hessian at "
            "the minimum, by the engine, is {hessian}, eigenvalues {small:.4f} and {large:.1f}: the valley curves "
            "{ratio:.0f} times more sharply across than along. Gradient descent must stay below 2 / {large:.1f} = "
            "{limit:.5f} to settle there; it uses {lr} (the optimizers demo's SGD), and near the minimum, along the "
            "valley, each step shrinks the distance only by the factor 1 - lr x {small:.4f} = {factor:.4f}."
        ).format(
            start=ROSENBROCK_START,
            hessian=at_minimum.tolist(),
            small=lam[0],
            large=lam[1],
            ratio=lam[1] / lam[0],
            limit=2 / lam[1],
            lr=f"{LR_ROSENBROCK:g}",
            factor=1 - LR_ROSENBROCK * lam[0],
        )
    )
    newton = newton_2d(rosenbrock, ROSENBROCK_START, NEWTON_STEPS)
    descent = descent_2d(rosenbrock, ROSENBROCK_START, LR_ROSENBROCK, gd_steps, ROSENBROCK_MINIMUM)
    methods = _methods(LR_ROSENBROCK)
    steps = dict(zip(methods, (_until(newton, ROSENBROCK_MINIMUM), _until(descent, ROSENBROCK_MINIMUM))))
    rows = [(k, f"({p[0]:.4f}, {p[1]:.4f})", rosenbrock(*p)) for k, p in enumerate(newton[:8])]
    c.table(rows, [_("Newton step"), "(x, y)", "f(x, y)"])
    last = descent[-1]
    not_within = _("not within {steps}").format(steps=len(descent) - 1)
    c.table(
        [(methods[name], not_within if n is None else n) for name, n in steps.items()],
        [_("method"), _("steps to converge")],
    )
    c.say(
        _(
            "Gradient descent after {steps} steps: ({x:.6f}, {y:.6f}), f = {f:.3g}. Newton's second step jumps far "
            "out of the valley (f goes up to {highest:.0f}): a pure Newton step goes to the minimum of the local "
            "quadratic model, which is no promise of a lower f. It still lands on (1, 1) a few steps later. Each "
            "Newton step costs a Hessian (n + 1 reverse passes here, n^3 for the solve in general): cheap for 2 "
            "parameters, out of reach for a network's millions."
        ).format(
            steps=len(descent) - 1,
            x=last[0],
            y=last[1],
            f=rosenbrock(*last),
            highest=max(rosenbrock(*p) for p in newton),
        )
    )
    return {"newton": newton, "descent": descent, "steps": steps, "hessian_at_minimum": at_minimum, "eigenvalues": lam}


def _the_hump() -> dict:
    print()
    path = newton_1d(nonconvex, HUMP_START, 10)
    x = Value(path[-1])
    (slope,) = grad(nonconvex(x), [x], create_graph=True)
    (curvature,) = grad(slope, [x])
    c.say(
        _(
            "3. Newton's method solves f'(x) = 0, and a maximum has f' = 0 too. On f(x) = (x^4 - 4 x^2 + x) / 4 (the "
            "gradient_descent demo's non-convex function) from x = {start} it goes to x = {end:.6f}, where f'' = "
            "{curvature:.4f} < 0: the top of the hump. Gradient descent from there would roll down; practical "
            "Newton methods check the curvature (and the decrease of f) before they step."
        ).format(start=f"{HUMP_START:g}", end=path[-1], curvature=curvature)
    )
    return {"path": path, "end": path[-1], "second_derivative": curvature}


def _plot_1d(one, path):
    with c.style():
        fig, axes = c.figure(1, 3, size=(17.4, 6))  # 1914 x 660 px: one projector screen
        ax, ax_zoom, ax_err = axes[0]
        # the whole way, and a zoom on the minimum, where the last steps crowd together
        panels = ((ax, (0.0, 2.2), _("Paths (first 12 steps)")), (ax_zoom, ZOOM_1D, _("Near the minimum")))
        for panel, (low, high), title in panels:
            xs = np.linspace(low, high, 200)
            panel.plot(xs, np.exp(xs) - 2 * xs, color="0.4", label="f(x) = e^x - 2x")
            panel.plot(
                MINIMUM_1D, f_1d(MINIMUM_1D), "*", color="w", mec="k", ms=20, label=_("minimum (ln 2)"), zorder=2
            )
            for color, marker, name in ((c.COLORS[1], "s", "newton"), (c.COLORS[0], "o", "descent")):
                shown = one[name][:12]
                label = "Newton" if name == "newton" else _(GRADIENT_DESCENT).format(lr=f"{LR_1D:g}")
                panel.plot(shown, [f_1d(x) for x in shown], marker=marker, color=color, lw=1.2, label=label, zorder=3)
            panel.set_xlabel("x")
            panel.set_ylabel("f(x)")
            panel.set_title(title)
        low, high = f_1d(MINIMUM_1D) - 0.002, f_1d(ZOOM_1D[1])
        ax.indicate_inset([ZOOM_1D[0], low, ZOOM_1D[1] - ZOOM_1D[0], high - low], edgecolor="k")
        ax_zoom.set_xlim(*ZOOM_1D)
        ax_zoom.set_ylim(low, high)
        ax.legend()
        errors = {
            "Newton": [abs(x - MINIMUM_1D) for x in one["newton"] if x != MINIMUM_1D],  # exact: off the log axis
            _(GRADIENT_DESCENT).format(lr=f"{LR_1D:g}"): [abs(x - MINIMUM_1D) for x in one["descent"][:40]],
        }
        c.loss_curves(
            ax_err,
            errors,
            _("step"),
            _("distance to the minimum (log scale)"),
            _("Quadratic against linear"),
            colors=[c.COLORS[1], c.COLORS[0]],
            fmt="o-",
            ms=5,
        )
        return c.save_figure(fig, path)


def _plot_rosenbrock(two, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(16, 6.5))
        ax, ax_f = axes[0]
        gx, gy = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-3, 3, 300))
        ax.contour(gx, gy, np.log10(rosenbrock(gx, gy) + 1e-3), levels=15, colors="0.6", linewidths=1)
        descent, newton = two["descent"], two["newton"]
        done = {name.split(" (")[0]: n for name, n in two["steps"].items()}  # steps to converge, or None
        ax.plot(
            [p[0] for p in descent],
            [p[1] for p in descent],
            color=c.COLORS[0],
            lw=2.5,
            label=_steps_label(_("gradient descent"), done["gradient descent"], len(descent) - 1),
        )
        ax.plot(
            [p[0] for p in newton],
            [p[1] for p in newton],
            "s--",
            color=c.COLORS[1],
            lw=2,
            ms=8,
            label=_steps_label("Newton", done["Newton"], len(newton) - 1),
            zorder=4,
        )
        ax.plot(*ROSENBROCK_START, "ko", ms=9, label=_("start"))
        ax.plot(*ROSENBROCK_MINIMUM, "*", color="w", mec="k", ms=20, label=_("minimum (1, 1)"), zorder=5)
        ax.set_xlim(-2, 2)
        ax.set_ylim(-3, 3)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(_("Paths through the Rosenbrock valley"))
        ax.legend(loc="upper right")  # over contour lines only: right of x = 0 the paths stay below y = 1.1
        # f = 0 exactly (Newton's last step) has no place on a log axis: the curve stops before it
        values = [[rosenbrock(*p) for p in newton], [rosenbrock(*p) for p in descent]]
        names = ("Newton", _("gradient descent"))
        curves = {name: f[: f.index(0.0)] if 0.0 in f else f for name, f in zip(names, values)}
        labels = (_("step"), _("f(x, y) (log scale)"), _("f per step"))
        c.loss_curves(ax_f, curves, *labels, colors=[c.COLORS[1], c.COLORS[0]])
        ax_f.set_xscale("symlog", linthresh=10)
        return c.save_figure(fig, path)


def _steps_label(name: str, converged_at, taken: int) -> str:
    if converged_at is None:
        return _("{name} ({steps} steps, not converged)").format(name=name, steps=taken)
    return _("{name} (within {tolerance} after {steps} steps)").format(
        name=name, tolerance=f"{TOLERANCE:g}", steps=converged_at
    )


def main(argv=None) -> dict:
    """Command line: python -m demos.newton [--out DIR] [--quick] [--lang de|en]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
