"""Sum over paths: why backpropagation is dynamic programming.

When a variable reaches the output along several paths, its derivative is the
sum, over all paths, of the product of the local derivatives along the path.
Three graphs show it:

1. y = x * x: x reaches y along two edges, dy/dx = x + x.
2. The diamond s -> x, y, z -> f -> g, h -> L: 3 * 2 = 6 paths from L to s.
3. A chain of k diamonds (x -> sin x, cos x -> their sum -> ...): 2^k paths,
   but only 4k edges. Summing over paths explicitly costs exponential time;
   backprop visits each edge once (linear), because it stores every node's
   gradient and reuses it for all the paths that pass through that node.
   Forward mode (one sweep from x_0 to x_k) is linear too, and agrees.

The counting and listing of paths are autograd's `count_paths`,
`path_products` and `edge_count`; the demo only times and tabulates them.

Course material: section 2 of the lecture notes the project follows.
"""

from __future__ import annotations

import math

from autograd import Value, count_paths, edge_count, jvp, path_products, total, zero_grad
from autograd.language import Domain
from demos import _common as c

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "paths"
SUMMARY = N_("Sum over paths: why backpropagation is dynamic programming.")
X_SQUARED_AT = 3.0
DIAMOND_S = 0.5
CHAIN_X0 = 0.3
DEPTHS = [1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48, 64]  # diamonds in the chain
ENUMERATE_UP_TO = 16  # explicit path sums only up to this depth (2^16 = 65,536 paths)
QUICK_DEPTHS = [1, 2, 4, 6, 8, 10, 16, 32]
QUICK_ENUMERATE_UP_TO = 10


def path_sum(root: Value, x: Value) -> float:
    """dRoot/dx as the plain sum over paths of the products of local derivatives (exponential time)."""
    return sum(product for product, _, _ in path_products(root, x))


def diamond(s_value: float = DIAMOND_S):
    """The diamond of section 2 of the lecture notes: s -> x, y, z -> f -> g, h -> L. Returns (s, L)."""
    s = Value(s_value, label="s")
    x = s * 2.0
    y = s**2
    z = s.sin()
    f = total([x, y, z])
    g = f**2
    h = f.exp()
    L = g + h
    for node, name in zip((x, y, z, f, g, h, L), ("x", "y", "z", "f", "g", "h", "L")):
        node.label = name
    return s, L


def diamond_closed_form(s: float) -> float:
    """dL/ds of the diamond, by hand: (2f + e^f) * (2 + 2s + cos s) with f = 2s + s^2 + sin s."""
    f = 2 * s + s * s + math.sin(s)
    return (2 * f + math.exp(f)) * (2 + 2 * s + math.cos(s))


def diamond_chain(depth: int, x0: float = CHAIN_X0):
    """`depth` diamonds in a row: x_{j+1} = sin(x_j) + cos(x_j). Returns (x_0, x_depth)."""
    x0v = Value(x0, label="x0")
    x = x0v
    for j in range(depth):
        x = x.sin() + x.cos()
        x.label = f"x{j + 1}"
    return x0v, x


def best_backward_seconds(root: Value, repeats: int = 5) -> float:
    """The fastest of `repeats` backward passes from `root`, in seconds.

    One pass takes microseconds, so a single timing is mostly noise. Gradients are zeroed before
    each pass, so they end as after one pass.
    """
    best = math.inf
    for _ in range(repeats):
        zero_grad(root)
        with c.Timer() as t:
            root.backward()
        best = min(best, t.seconds)
    return best


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/paths`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    depths = QUICK_DEPTHS if quick else DEPTHS
    enumerate_up_to = QUICK_ENUMERATE_UP_TO if quick else ENUMERATE_UP_TO
    images = []
    c.heading(_("Sum over paths: why backprop is dynamic programming", language))

    # 1. x * x
    x = Value(X_SQUARED_AT, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    products = [p for p, _, _ in path_products(y, x)]
    say_products = " + ".join(f"{p:g}" for p in products)
    c.say(
        _(
            "1. y = x * x at x = {x}: the node y has x as a parent twice, so there are {count} paths from y to x, "
            "each with local derivative x = {x}. dy/dx = {products} = {total}; backprop gives {grad} (2x = {twice}).",
            language,
        ).format(
            x=f"{X_SQUARED_AT:g}",
            count=len(products),
            products=say_products,
            total=f"{sum(products):g}",
            grad=f"{x.grad:g}",
            twice=f"{2 * X_SQUARED_AT:g}",
        )
    )

    # 2. the diamond
    s, L = diamond()
    L.backward()
    diamond_paths = list(path_products(L, s))
    print()
    c.say(
        _(
            "2. The diamond s -> x, y, z -> f -> g, h -> L at s = {s} (x = 2s, y = s^2, z = sin s, f = x + y + z, "
            "g = f^2, h = e^f, L = g + h). {count} paths lead from L back to s; each contributes the product of its "
            "local derivatives:",
            language,
        ).format(s=f"{DIAMOND_S:g}", count=len(diamond_paths))
    )
    c.table(
        [
            (" <- ".join(n.label or n.op for n in trail), " * ".join(f"{v:.4g}" for v in locs), prod)
            for prod, trail, locs in diamond_paths
        ],
        [_("path", language), _("local derivatives", language), _("product", language)],
    )
    diamond_sum = sum(p for p, _, _ in diamond_paths)
    by_hand = diamond_closed_form(DIAMOND_S)
    c.say(
        _(
            "Sum over the {count} paths: {total}. Backprop: {grad}. By hand, (2f + e^f)(2 + 2s + cos s) = {by_hand}. "
            "Backprop never lists the paths: it adds g's and h's contributions into f.grad once, then sends f.grad "
            "down to x, y and z.",
            language,
        ).format(
            count=len(diamond_paths), total=f"{diamond_sum:.10g}", grad=f"{s.grad:.10g}", by_hand=f"{by_hand:.10g}"
        )
    )
    images.append(_draw(L, folder / "diamond.png", language))

    # 3. the deepening chain of diamonds
    print()
    c.say(
        _(
            "3. A chain of k diamonds, x_{j+1} = sin(x_j) + cos(x_j): the number of paths from x_k to x_0 doubles "
            "with every diamond, while the graph (and the work of one backward pass) grows by 4 edges.",
            language,
        )
    )
    rows, results = [], []
    for depth in depths:
        x0, xk = diamond_chain(depth)
        backprop_seconds = best_backward_seconds(xk)
        n_paths = count_paths(xk, x0)
        n_edges = edge_count(xk)
        forward = jvp(xk, [x0], [1.0])  # forward mode: one sweep from x_0, linear as well
        if depth <= enumerate_up_to:
            with c.Timer() as tp:
                by_paths = path_sum(xk, x0)
            path_time = f"{tp.seconds * 1e3:.3g} ms"
        else:
            by_paths, path_time = None, _("(too many)", language)
        rows.append((depth, n_paths, n_edges, path_time, f"{backprop_seconds * 1e3:.3g} ms", x0.grad))
        results.append(
            {
                "depth": depth,
                "paths": n_paths,
                "edges": n_edges,
                "backprop_grad": x0.grad,
                "path_sum_grad": by_paths,
                "forward_grad": forward,
                "path_seconds": tp.seconds if by_paths is not None else None,
                "backprop_seconds": backprop_seconds,
            }
        )
    header = [N_("diamonds k"), N_("paths 2^k"), N_("edges 4k"), N_("sum over paths"), N_("backprop"), "dx_k/dx_0"]
    c.table(rows, [_(h, language) for h in header])
    c.say(
        _(
            "Where both were computed they agree, and match forward mode (jvp: one sweep from x_0). At k = {depth} "
            "there are {paths} paths, far too many to list, yet backprop still does {edges} multiply-adds.",
            language,
        ).format(depth=depths[-1], paths=f"{results[-1]['paths']:.3g}", edges=results[-1]["edges"])
    )
    images.append(_plot(results, folder / "paths_vs_edges.png", language))
    c.wrote(images, language)
    return {
        "x_squared_grad": x.grad,
        "x_squared_paths": len(products),
        "diamond_paths": len(diamond_paths),
        "diamond_path_sum": diamond_sum,
        "diamond_backprop": s.grad,
        "diamond_by_hand": by_hand,
        "chain": results,
        "images": [p for p in images if p is not None],
    }


def _draw(root: Value, path, language: str):
    """The diamond top to bottom: left to right its seven levels make a strip too wide to read projected."""
    from autograd import draw_graph

    return c.render_graph(draw_graph(root, show_local_grads=True, rankdir="TB", language=language), path)


def _plot(results, path, language: str):
    with c.style():
        fig, ax = c.figure(size=(9, 6))
        depths = [r["depth"] for r in results]
        paths = _("paths from x_k to x_0 (2^k)", language)
        ax.semilogy(depths, [r["paths"] for r in results], "o-", color=c.COLORS[1], label=paths)
        edges = _("edges = backward multiply-adds (4k)", language)
        ax.semilogy(depths, [r["edges"] for r in results], "s-", color=c.COLORS[0], label=edges)
        ax.set_xlabel(_("diamonds in the chain, k", language))
        ax.set_ylabel(_("count (log scale)", language))
        ax.set_title(_("Sum over paths is exponential, backprop is linear", language))
        ax.legend(loc="upper left")
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.paths [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
