"""Forward and backward accumulation: both orders of the chain rule on one graph, and when each one wins.

Both are dynamic programming over the same recorded graph and the same local
derivatives. Forward accumulation starts at one input s and pushes d(node)/ds
towards the output (`autograd.forward_derivatives`, `jvp`): one sweep gives
the derivative of every node with respect to that one input. Backward
accumulation (backprop) starts at the output and gives the derivative of that
one output with respect to every node. The demo shows:

1. f(x, y) = x^2 y + sin(x y): forward sweeps from x and from y, and one
   backward sweep, giving the same df/dx and df/dy;
2. the directional derivative along a path (x(s), y(s)) = (cos s, sin s):
   df/ds = df/dx dx/ds + df/dy dy/ds, by `jvp`, by the backward gradients and
   by a finite difference in s;
3. the sweeps a full Jacobian of f: R^n -> R^m takes: n forward or m
   backward. For a loss (m = 1, n large) backward wins; for one input and
   many outputs that share their computation forward wins (a picture of
   both costs, counted and timed);
4. the chain-rule example f = ((a + b)(c + d))^2: the frames of forward
   accumulation from a beside the frames of the backward pass.

Course material: section 2 of the lecture notes the project follows.
"""

from __future__ import annotations

import math

from autograd import (
    GraphvizNotInstalled,
    Value,
    backward_steps,
    forward_derivatives,
    forward_steps,
    jacobian,
    jvp,
    save_steps,
    total,
    zero_grad,
)
from autograd.language import Domain
from demos import _common as c
from demos.chain_rule import build as chain_rule_example

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "forward_reverse"
SUMMARY = N_("Forward and backward accumulation: both orders of the chain rule on one graph, and when each one wins.")
POINT = {"x": 1.5, "y": -0.5}
PATH_AT = 0.7  # s on the path (cos s, sin s)
FD_EPS = 1e-6
SIZES = [1, 2, 4, 8, 16, 32, 64, 128]  # n for f: R^n -> R, and m for f: R -> R^m
QUICK_SIZES = [1, 2, 4, 8, 16, 32]
REPEATS = 3  # timings: the best of this many
FRAME_FORMAT = "png"
FORWARD_FROM_A = N_("forward accumulation from a")  # the frames' columns: in the table and the print picture
BACKWARD_FROM_F = N_("backward pass from f")


def example(x_value: float, y_value: float):
    """f(x, y) = x^2 y + sin(x y), every node labelled; returns (x, y, f, [nodes in order of creation])."""
    x, y = Value(x_value, label="x"), Value(y_value, label="y")
    x2 = x**2
    x2y = x2 * y
    xy = x * y
    s = xy.sin()
    f = x2y + s
    for node, name in ((x2, "x^2"), (x2y, "x^2 y"), (xy, "x y"), (s, "sin(x y)"), (f, "f")):
        node.label = name
    return x, y, f, [x, y, x2, x2y, xy, s, f]


def f_plain(x: float, y: float) -> float:
    return x * x * y + math.sin(x * y)


# ---- sweeps for a full Jacobian -----------------------------------------------------------


def many_to_one(n: int):
    """A loss-like f: R^n -> R, f = sum_i sin(x_i) x_(i+1 mod n); returns (inputs, [output])."""
    xs = [Value(0.1 * (i + 1), label=f"x{i}") for i in range(n)]
    return xs, [total([xs[i].sin() * xs[(i + 1) % n] for i in range(n)])]


def one_to_many(m: int):
    """f: R -> R^m, f_j = h_j s with h_j = sin((j + 1) x) and s = sum_k h_k; returns ([input], outputs).

    Every output reads the shared sum s, as the outputs of a layer read the
    same hidden values, so each of the m backward sweeps walks the whole
    graph below s, while one forward sweep from x walks the graph once.
    (With f_j = sin((j + 1) x) alone each backward sweep would visit only
    its own three nodes, and m of them would cost about one forward sweep.)
    """
    x = Value(0.3, label="x")
    h = [(x * float(j + 1)).sin() for j in range(m)]
    s = total(h)
    return [x], [hj * s for hj in h]


def jacobian_by_forward_sweeps(outputs, inputs):
    """The Jacobian column by column, one forward sweep (forward_derivatives) per input; (rows, sweeps)."""
    root = outputs[0] if len(outputs) == 1 else total(outputs)  # one graph holding every output
    columns = []
    for x in inputs:
        tangent = forward_derivatives(root, x)
        columns.append([tangent[o] for o in outputs])
    return [list(row) for row in zip(*columns)], len(inputs)


def jacobian_by_backward_sweeps(outputs, inputs):
    """The Jacobian row by row, one backward pass per output; (rows, sweeps)."""
    rows = []
    for output in outputs:
        zero_grad(output)
        output.backward()
        rows.append([x.grad for x in inputs])
    return rows, len(outputs)


def best_seconds(fn, repeats: int = REPEATS) -> float:
    best = math.inf
    for _ in range(repeats):
        with c.Timer() as t:
            fn()
        best = min(best, t.seconds)
    return best


def sweep_costs(sizes) -> dict:
    """For both shapes of f and each size: the sweeps and seconds of both orders, and the two Jacobians."""
    costs = {}
    for shape, make in (("n >> m", many_to_one), ("n << m", one_to_many)):
        rows = []
        for k in sizes:
            inputs, outputs = make(k)
            forward, n_forward = jacobian_by_forward_sweeps(outputs, inputs)
            backward, n_backward = jacobian_by_backward_sweeps(outputs, inputs)
            rows.append(
                {
                    "size": k,
                    "n": len(inputs),
                    "m": len(outputs),
                    "forward_sweeps": n_forward,
                    "backward_sweeps": n_backward,
                    "forward_seconds": best_seconds(lambda o=outputs, i=inputs: jacobian_by_forward_sweeps(o, i)),
                    "backward_seconds": best_seconds(lambda o=outputs, i=inputs: jacobian_by_backward_sweeps(o, i)),
                    "forward": forward,
                    "backward": backward,
                    "jacobian": jacobian(outputs, inputs).tolist(),
                }
            )
        costs[shape] = rows
    return costs


# ---- the demo ------------------------------------------------------------------------------


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/forward_reverse`, return the key numbers.

    The texts (and the frames' titles) are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    sizes = QUICK_SIZES if quick else SIZES
    c.heading(_("Forward and backward accumulation", language))

    # 1. one graph, both orders
    x, y, f, nodes = example(POINT["x"], POINT["y"])
    from_x = forward_derivatives(f, x)
    from_y = forward_derivatives(f, y)
    f.backward()
    c.say(
        _(
            "1. f(x, y) = x^2 y + sin(x y) at x = {x}, y = {y}. Forward accumulation from x fills the column "
            "d(node)/dx from the inputs down to f; another sweep from y gives d(node)/dy; one backward sweep from "
            "f gives df/d(node) for every node:",
            language,
        ).format(x=f"{POINT['x']:g}", y=f"{POINT['y']:g}")
    )
    c.table(
        [(n.label, n.data, from_x[n], from_y[n], n.grad) for n in nodes],
        [
            _(header, language)
            for header in (
                N_("node"),
                N_("value"),
                N_("d(node)/dx (forward)"),
                N_("d(node)/dy (forward)"),
                N_("df/d(node) (backward)"),
            )
        ],
    )
    both = {
        "forward": (from_x[f], from_y[f]),
        "backward": (x.grad, y.grad),
        "jacobian forward": tuple(jacobian(f, [x, y], mode="forward")[0]),
        "jacobian reverse": tuple(jacobian(f, [x, y], mode="reverse")[0]),
    }
    c.say(
        _(
            "The last row of the forward columns and the first two rows of the backward column are the same two "
            "numbers: df/dx = {dx}, df/dy = {dy} (backward: {backward_dx}, {backward_dy}). Forward mode needed one "
            "sweep per input (2), backward one per output (1).",
            language,
        ).format(
            dx=f"{from_x[f]:.10g}", dy=f"{from_y[f]:.10g}", backward_dx=f"{x.grad:.10g}", backward_dy=f"{y.grad:.10g}"
        )
    )

    # 2. the directional derivative along a path
    s0 = PATH_AT
    dxds, dyds = -math.sin(s0), math.cos(s0)
    x, y, f, _nodes = example(math.cos(s0), math.sin(s0))
    along = jvp(f, [x, y], [dxds, dyds])
    f.backward()
    by_gradient = x.grad * dxds + y.grad * dyds
    s = Value(s0, label="s")  # the path inside the graph: x = cos s, y = sin s
    xs, ys = s.cos(), s.sin()
    f_of_s = xs * xs * ys + (xs * ys).sin()
    in_graph = forward_derivatives(f_of_s, s)[f_of_s]
    numeric = (
        f_plain(math.cos(s0 + FD_EPS), math.sin(s0 + FD_EPS)) - f_plain(math.cos(s0 - FD_EPS), math.sin(s0 - FD_EPS))
    ) / (2 * FD_EPS)
    directional = {"jvp": along, "gradient": by_gradient, "s in the graph": in_graph, "finite difference": numeric}
    print()
    c.say(
        _(
            "2. Along the path (x(s), y(s)) = (cos s, sin s) at s = {s}: jvp(f, [x, y], [dx/ds, dy/ds]) = {jvp} in "
            "one forward sweep; df/dx dx/ds + df/dy dy/ds from the backward gradients = {gradient}; with s itself a "
            "node of the graph, forward_derivatives(f, s) = {in_graph}; a central difference in s: {numeric}.",
            language,
        ).format(
            s=f"{s0:g}",
            jvp=f"{along:.10g}",
            gradient=f"{by_gradient:.10g}",
            in_graph=f"{in_graph:.10g}",
            numeric=f"{numeric:.10g}",
        )
    )

    # 3. the cost of a full Jacobian
    print()
    costs = sweep_costs(sizes)
    c.say(
        _(
            "3. A full Jacobian of f: R^n -> R^m, built by hand from sweeps: n forward sweeps "
            "(forward_derivatives from each input) or m backward sweeps (backward() from each output). "
            "Timings are the best of {repeats}.",
            language,
        ).format(repeats=REPEATS)
    )
    for shape, rows in costs.items():
        c.table(
            [
                (
                    r["n"],
                    r["m"],
                    r["forward_sweeps"],
                    r["backward_sweeps"],
                    f"{r['forward_seconds'] * 1e3:.3g} ms",
                    f"{r['backward_seconds'] * 1e3:.3g} ms",
                )
                for r in rows
            ],
            [
                "n",
                "m",
                *(
                    _(header, language)
                    for header in (N_("forward sweeps"), N_("backward sweeps"), N_("forward time"), N_("backward time"))
                ),
            ],
        )
        last = rows[-1]
        slow, fast = sorted((last["forward_seconds"], last["backward_seconds"]), reverse=True)
        if last["backward_seconds"] < last["forward_seconds"]:
            verdict = N_(
                "{shape}: at n = {n}, m = {m} backward accumulation is {ratio} times faster; both give the same "
                "matrix as jacobian()."
            )
        else:
            verdict = N_(
                "{shape}: at n = {n}, m = {m} forward accumulation is {ratio} times faster; both give the same "
                "matrix as jacobian()."
            )
        c.say(_(verdict, language).format(shape=shape, n=last["n"], m=last["m"], ratio=f"{slow / fast:.3g}"))
    c.say(
        _(
            "The times grow faster than the sweep counts: every sweep walks a graph that itself grows with n "
            "(or m), so n sweeps cost about n times the graph, one sweep about the graph once. In the second "
            "shape every output f_j = h_j s reads the shared sum s = sum_k sin((k + 1) x), as a layer's outputs "
            "read the same hidden values. A loss has one output and as many inputs as the network has parameters: "
            "that is why training uses backward accumulation. Forward accumulation pays off for few inputs and "
            "many outputs.",
            language,
        )
    )
    images = [_plot(costs, folder / "sweeps.png", language)]

    # 4. the frames of both orders for the chain-rule example
    print()
    frames = _frames(folder, language)
    images += frames["images"]
    c.wrote(images)
    return {
        "both_orders": both,
        "table": [(n.label, n.data, from_x[n], from_y[n]) for n in nodes],
        "directional": directional,
        "costs": costs,
        "frames": frames,
        "images": images,
    }


def _frames(folder, language: str) -> dict:
    """Forward frames from a and backward frames of the chain-rule example, saved and drawn side by side.

    The frames' titles are in `language`.
    """
    nodes = chain_rule_example()
    f, a = nodes["f"], nodes["a"]
    forward, backward = forward_steps(f, a, language=language), backward_steps(f, language=language)
    titles = {
        "forward": [_short(fr.step_title) for fr in forward],
        "backward": [_short(fr.step_title) for fr in backward],
    }
    tangent = forward_derivatives(f, a)
    f.backward()
    c.say(
        _(
            "4. The chain-rule example f = ((a + b)(c + d))^2 at 1, 2, 3, 4: forward accumulation from a takes "
            "{forward} frames (h = c + d does not depend on a: its d/da is 0 and it is skipped), the backward "
            "pass {backward}. Forward gives da/da = 1, dg/da = {dg_da}, di/da = {di_da}, df/da = {df_da}; backward "
            "gives df/di = {df_di}, df/dg = {df_dg}, df/da = {grad_a}. The same 294, reached from opposite ends:",
            language,
        ).format(
            forward=len(forward),
            backward=len(backward),
            dg_da=f"{tangent[nodes['g']]:g}",
            di_da=f"{tangent[nodes['i']]:g}",
            df_da=f"{tangent[f]:g}",
            df_di=f"{nodes['i'].grad:g}",
            df_dg=f"{nodes['g'].grad:g}",
            grad_a=f"{a.grad:g}",
        )
    )
    width = max(len(frames) for frames in (forward, backward))
    c.table(
        [
            (k, titles["forward"][k] if k < len(forward) else "", titles["backward"][k] if k < len(backward) else "")
            for k in range(width)
        ],
        [_(header, language) for header in (N_("frame"), FORWARD_FROM_A, BACKWARD_FROM_F)],
    )
    result = {"titles": titles, "forward_da": tangent[f], "backward_da": a.grad, "images": [], "html": []}
    try:
        saved = [save_steps(frames, folder / "steps", fmt=FRAME_FORMAT) for frames in (forward, backward)]
    except GraphvizNotInstalled as exc:
        print(_("(frames not rendered: {reason})", language).format(reason=exc))
        return result
    result["html"] = [s["html"] for s in saved]
    result["images"] = [
        _side_by_side(saved[0]["frames"], saved[1]["frames"], folder / "side_by_side_print.png", language)
    ]
    c.say(
        _(
            "Both players to click through, one frame at a time at full size (for the projector): {forward} and "
            "{backward}; side_by_side_print.png puts all the frames on one page, for print (too tall for one "
            "screen).",
            language,
        ).format(forward=saved[0]["html"], backward=saved[1]["html"])
    )
    return result


def _short(title: str) -> str:
    """A frame's title up to its first full stop or semicolon."""
    return title.split(". ")[0].split(";")[0]


def _side_by_side(forward_paths, backward_paths, path, language: str):
    import matplotlib.image

    rows = max(len(forward_paths), len(backward_paths))
    with c.style():
        fig, axes = c.figure(rows, 2, size=(17.4, 2.3 * rows + 0.5))  # rows as tall as the frames: no gaps
        for col, (paths, title) in enumerate(((forward_paths, FORWARD_FROM_A), (backward_paths, BACKWARD_FROM_F))):
            for k in range(rows):
                ax = axes[k, col]
                ax.axis("off")
                if k < len(paths):
                    ax.imshow(matplotlib.image.imread(paths[k]))
                    ax.set_title(
                        _("{title}, frame {number}", language).format(title=_(title, language), number=k), fontsize=12
                    )
        fig.suptitle(_("f = ((a + b)(c + d))^2: forward accumulation beside the backward pass", language))
        return c.save_figure(fig, path)


def _plot(costs, path, language: str):
    with c.style():
        fig, axes = c.figure(2, 2, size=(14, 9.8))  # 1540 x 1078 pixels: one projector screen
        for col, (shape, rows) in enumerate(costs.items()):
            sizes = [r["size"] for r in rows]
            what = _("n inputs, m = 1 output", language) if shape == "n >> m" else _("n = 1 input, m outputs", language)
            forward, backward = _("forward", language), _("backward", language)
            top, bottom = axes[0, col], axes[1, col]
            top.loglog(
                sizes,
                [r["forward_sweeps"] for r in rows],
                "o-",
                color=c.COLORS[0],
                label=_("forward: n sweeps", language),
            )
            top.loglog(
                sizes,
                [r["backward_sweeps"] for r in rows],
                "s-",
                color=c.COLORS[1],
                label=_("backward: m sweeps", language),
            )
            top.set_title(f"{shape}: {what}")
            top.set_ylabel(_("sweeps for the Jacobian", language))
            top.set_xlabel("n" if shape == "n >> m" else "m")
            top.legend(loc="upper left")
            bottom.loglog(sizes, [r["forward_seconds"] * 1e3 for r in rows], "o-", color=c.COLORS[0], label=forward)
            bottom.loglog(sizes, [r["backward_seconds"] * 1e3 for r in rows], "s-", color=c.COLORS[1], label=backward)
            bottom.set_xlabel("n" if shape == "n >> m" else "m")
            bottom.set_ylabel(_("time for the Jacobian (ms)", language))
            bottom.legend(loc="upper left")
        fig.suptitle(_("A full Jacobian: n forward sweeps or m backward sweeps", language))
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.forward_reverse [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
