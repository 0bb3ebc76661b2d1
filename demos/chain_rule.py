"""The chain rule on f(a, b, c, d) = ((a + b) * (c + d))^2.

Divide and conquer: g = a + b, h = c + d, i = g * h, f = i^2. With
a, b, c, d = 1, 2, 3, 4 the forward pass gives g = 3, h = 7, i = 21, f = 441.
The backward pass starts from df/df = 1 and fills in one gradient at a time:
df/di = 2i = 42, df/dg = df/di * di/dg = 42 * 7 = 294, ... Each gradient is
the product of the local derivatives along the path from f. The demo prints
the table of the slides, the product along each path (also with four factors
through the product node gh, as a later slide writes it), and draws the graph,
the backward pass step by step, the lecture's frames (one number per frame:
the forward values, then the gradients; once more with "?" for the numbers
not reached yet, a class exercise) and, for comparison, forward accumulation
of d/da from the inputs to the output (PNG frames and HTML pages to click
through).

Course material: section 1 of the lecture notes the project follows.
"""

from __future__ import annotations

from autograd import Value, consumers, forward_derivatives, path_products
from demos import _common as c

NAME = "chain_rule"
INPUTS = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}
FRAME_FORMAT = "png"
# Top to bottom, inputs above and f below: every picture and frame fits a 1920 x 1080 projector at
# save_graph's 144 dpi (left to right, the widest frames were 2151 px wide).
LAYOUT = "TB"


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


def build_with_gh(inputs=None):
    """The same f with the product node named: gh = g * h, then i = gh * 1 (di/dgh = 1), f = i^2; {label: Value}."""
    nodes = build(inputs)
    gh = nodes["g"] * nodes["h"]
    i = gh * 1.0
    f = i**2
    for node, name in ((gh, "gh"), (i, "i"), (f, "f")):
        node.label = name
    return {**{k: nodes[k] for k in "abcdgh"}, "gh": gh, "i": i, "f": f}


def how(node: Value, root: Value, users) -> str:
    """How node.grad comes about: the sum over its users (from `consumers(root)`) of user's gradient * local."""
    if node is root:
        return f"d{root.label}/d{root.label} = 1, the seed of the backward pass"
    terms = users.get(node, [])
    symbols = " + ".join(f"d{root.label}/d{u.label} · d{u.label}/d{node.label}" for u, _ in terms)
    numbers = " + ".join(f"{u.grad:g} · {local:g}" for u, local in terms)
    return f"{symbols} = {numbers}"


def path_equations(root: Value, leaf: Value) -> list[str]:
    """'df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294' for each path from root to leaf."""
    lines = []
    for product, trail, locals_ in path_products(root, leaf):
        symbols = " · ".join(f"d{u.label}/d{v.label}" for u, v in zip(trail, trail[1:]))
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
    with_gh = build_with_gh()
    (through_gh,) = path_equations(with_gh["f"], with_gh["a"])
    c.say("With the product node named gh = g · h and passed on as i = gh (di/dgh = 1), the path has four factors:")
    print("  " + through_gh)
    tangents = forward_derivatives(f, nodes["a"])
    forward_from_a = {k: tangents[v] for k, v in nodes.items()}
    c.say(
        "Forward mode goes the other way: from a to f, each node's d/da is the sum over its inputs of "
        "local × the input's d/da: "
        + ", ".join(f"d{k}/da = {forward_from_a[k]:g}" for k in ("a", "g", "i", "f"))
        + f" (b, c, d and h do not depend on a: 0). The same df/da as backprop's {nodes['a'].grad:g}."
    )

    images, stepper, forward, lecture, exercise = _pictures(f, nodes["a"], folder)
    c.wrote(images + [page for page in (stepper, forward, lecture, exercise) if page])
    if stepper:
        c.say(f"Open {stepper} in a browser and step through the backward pass one node at a time.")
        c.say(f"Open {forward} to step through forward mode from a, one node at a time from the inputs.")
        c.say(f"Open {lecture} for the lecture's order, one number per frame, and {exercise} for the class exercise.")
    return {
        "values": {k: v.data for k, v in nodes.items()},
        "grads": {k: v.grad for k, v in nodes.items()},
        "paths": equations,
        "path_through_gh": through_gh,
        "forward_from_a": forward_from_a,
        "images": images,
        "html": stepper,
        "forward_html": forward,
        "lecture_html": lecture,
        "exercise_html": exercise,
    }


def _pictures(f: Value, a: Value, folder):
    """The graph with values and gradients; the backward pass, forward mode from `a` and the lecture's frames.

    Returns (images, backward page, forward page, lecture page, exercise page); pages are None without Graphviz.
    """
    from autograd import backward_steps, draw_graph, forward_steps, lecture_steps, save_steps

    images = []
    graph = draw_graph(f, show_local_grads=True, rankdir=LAYOUT)
    for suffix in (".png", ".svg"):
        images.append(c.render_graph(graph, folder / f"graph{suffix}"))
    images = [p for p in images if p is not None]
    if not images:
        return [], None, None, None, None
    saved = save_steps(backward_steps(f, rankdir=LAYOUT), folder / "backward_steps", fmt=FRAME_FORMAT)
    c.say(
        f"The backward pass in {len(saved['frames'])} frames: the seed, then one node per frame "
        "passing its gradient on to its inputs."
    )
    forward = save_steps(forward_steps(f, a, rankdir=LAYOUT), folder / "forward_steps", fmt=FRAME_FORMAT)
    c.say(f"Forward mode from a in {len(forward['frames'])} frames: the seed da/da = 1, then one node per frame.")
    lecture = save_steps(lecture_steps(f, rankdir=LAYOUT), folder / "lecture_steps", fmt=FRAME_FORMAT)
    exercise = save_steps(
        lecture_steps(f, hide_unknown=True, rankdir=LAYOUT), folder / "lecture_exercise", fmt=FRAME_FORMAT
    )
    c.say(
        f"The lecture's order in {len(lecture['frames'])} frames, one number each: the given inputs, the forward "
        "values g, h, i, f, then the gradients from f back to the inputs (not yet reached: grey; in the exercise: ?)."
    )
    frames = images + list(saved["frames"]) + list(forward["frames"]) + list(lecture["frames"])
    frames += list(exercise["frames"])
    return frames, saved["html"], forward["html"], lecture["html"], exercise["html"]


def main(argv=None) -> dict:
    """Command line: python -m demos.chain_rule [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
