"""The chain rule on f(a, b, c, d) = ((a + b) * (c + d))^2.

Divide and conquer: g = a + b, h = c + d, i = g * h, f = i^2. With
a, b, c, d = 1, 2, 3, 4 the forward pass gives g = 3, h = 7, i = 21, f = 441.
The backward pass starts from df/df = 1 and fills in one gradient at a time:
df/di = 2i = 42, df/dg = df/di * di/dg = 42 * 7 = 294, ... Each gradient is
the product of the local derivatives along the path from f. The demo prints
the table of the slides, the product along each path, and draws the graph and
the backward pass step by step (PNG frames and an HTML page to click through).

Course material: section 1 of the lecture notes the project follows.
"""

from __future__ import annotations

from autograd import Value, topological_order
from demos import _common as c
from demos.paths import path_products

NAME = "chain_rule"
INPUTS = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}
FRAME_FORMAT = "png"


def build(inputs=None):
    """The graph of f = ((a + b) * (c + d))^2 with every node labelled; returns {label: Value}."""
    inputs = INPUTS if inputs is None else inputs
    a, b, c_, d = (Value(inputs[k], label=k) for k in "abcd")
    g = a + b
    h = c_ + d
    i = g * h
    f = i**2
    for node, name in ((g, "g"), (h, "h"), (i, "i"), (f, "f")):
        node.label = name
    return {"a": a, "b": b, "c": c_, "d": d, "g": g, "h": h, "i": i, "f": f}


def consumers(root: Value) -> dict[int, list[tuple[Value, float]]]:
    """For every node, the nodes that use it and the local derivative d(user)/d(node)."""
    users: dict[int, list[tuple[Value, float]]] = {}
    for node in topological_order(root):
        for parent, local in zip(node._parents, node._local_grads):
            users.setdefault(id(parent), []).append((node, local))
    return users


def how(node: Value, root: Value, users) -> str:
    """How node.grad comes about: the sum over its users of (user's gradient * local derivative)."""
    if node is root:
        return f"d{root.label}/d{root.label} = 1, the seed of the backward pass"
    terms = users.get(id(node), [])
    symbols = " + ".join(f"d{root.label}/d{u.label} · d{u.label}/d{node.label}" for u, _ in terms)
    numbers = " + ".join(f"{u.grad:g} · {local:g}" for u, local in terms)
    return f"{symbols} = {numbers}"


def path_equations(root: Value, leaf: Value) -> list[str]:
    """'df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294' for each path from root to leaf."""
    lines = []
    for product, trail, locals_ in path_products(root, leaf):
        symbols = " · ".join(f"d{u}/d{v}" for u, v in zip(trail, trail[1:]))
        numbers = " · ".join(f"{x:g}" for x in locals_)
        lines.append(f"d{root.label}/d{leaf.label} = {symbols} = {numbers} = {product:g}")
    return lines


def run(out=c.DEFAULT_OUT, quick: bool = False) -> dict:
    """Run the demo, write its pictures under `out/chain_rule`, return the key numbers."""
    folder = c.demo_dir(out, NAME)
    nodes = build()
    f = nodes["f"]
    c.heading("The chain rule: f(a, b, c, d) = ((a + b) * (c + d))^2")
    c.say("Forward pass, with a, b, c, d = 1, 2, 3, 4: g = a + b, h = c + d, i = g * h, f = i^2.")
    f.backward()
    users = consumers(f)
    order = ["g", "h", "i", "f", "a", "b", "c", "d"]
    c.table(
        [(k, f"{nodes[k].data:g}", f"{nodes[k].grad:g}", how(nodes[k], f, users)) for k in order],
        ["node", "value", "df/dnode", "how"],
    )
    print()
    c.say("Each input's gradient is the product of the local derivatives along its path from f:")
    equations = {}
    for k in "abcd":
        equations[k] = path_equations(f, nodes[k])
        for line in equations[k]:
            print("  " + line)
    c.say(
        "Backprop computes df/dg = 294 once and reuses it for a and b: the shared part of the paths is "
        "multiplied only once."
    )

    images, stepper = _pictures(f, folder, quick)
    c.wrote(images + ([stepper] if stepper else []))
    if stepper:
        c.say(f"Open {stepper} in a browser and step through the backward pass one gradient at a time.")
    return {
        "values": {k: v.data for k, v in nodes.items()},
        "grads": {k: v.grad for k, v in nodes.items()},
        "paths": equations,
        "images": images,
        "html": stepper,
    }


def _pictures(f: Value, folder, quick: bool):
    """The graph with values and gradients, and the backward pass as frames plus an HTML stepper."""
    from autograd import draw

    images = []
    graph = draw.draw_graph(f, show_local_grads=True)
    for suffix in (".png", ".svg"):
        images.append(c.render_graph(graph, folder / f"graph{suffix}"))
    images = [p for p in images if p is not None]
    if not images:
        return [], None
    frames = draw.backward_steps(f)
    saved = draw.save_backward_steps(frames, folder / "backward_steps", fmt=FRAME_FORMAT)
    c.say(
        f"The backward pass in {len(saved['frames'])} frames: the seed, then one node per frame "
        "passing its gradient on to its inputs."
    )
    return images + list(saved["frames"]), saved["html"]


def main(argv=None) -> dict:
    """Command line: python -m demos.chain_rule [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
