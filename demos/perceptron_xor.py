"""The perceptron learns AND and OR but never XOR; stacked neurons solve XOR.

1. The perceptron rule w <- w + eta (y - yhat) x stops once an epoch has no
   mistakes. On AND and OR (linearly separable) it does after a few epochs;
   on XOR no straight line separates the classes, so every epoch has mistakes.
2. The slides' hand-made 2-2-1 network of step neurons solves XOR: hidden
   neuron 1 computes AND, hidden neuron 2 OR, and the output "OR and not AND".
3. Step neurons have gradient 0, so backprop cannot train them. With smooth
   activations (tanh hidden, sigmoid output) a 2-4-1 network trained by
   gradient descent on binary cross-entropy learns XOR by itself: loss curve,
   decision boundary and the computation graph of its loss are drawn.
4. Two animations (GIF, a page to step through, and the last frame as PNG):
   the perceptron's line on AND and XOR epoch by epoch, and the 2-4-1
   network's boundary and hidden space as it trains.

Course material: section 4 of the lecture notes the project follows.
"""

from __future__ import annotations

import math

from autograd import Value, no_grad
from autograd.language import Domain
from demos import _animate
from demos import _common as c
from nn import MLP, Adam, Perceptron, binary_cross_entropy, truth_table, xor_step_network

_ = Domain("demos").gettext
ngettext = Domain("demos").ngettext
N_ = Domain.mark

NAME = "perceptron_xor"
SUMMARY = N_("The perceptron learns AND and OR but never XOR; stacked neurons solve XOR.")
SEED = 3
PERCEPTRON_LR = 0.1  # eta
MAX_EPOCHS = 20
HIDDEN = 4
LEARNING_RATE = 0.1  # Adam, full batch (the four points)
EPOCHS = 300  # cheap: four samples, so --quick runs them all too
GATES = ("and", "or", "xor")
ANIMATED_GATES = ("and", "xor")  # the perceptron animation: one gate it learns, one it never does
QUICK_PERCEPTRON_EPOCHS = 4  # epochs the animation shows with --quick (MAX_EPOCHS otherwise)
XOR_FRAMES, QUICK_XOR_FRAMES = 16, 4  # the 2-4-1 network's training: states drawn (every 20 / 100 steps)
NEAR = 0.1  # an input closer than this to the perceptron's line gets its z written beside it
GRAPH_SCREEN_INCHES = "13.33,7.5"  # 1920 x 1080 pixels at the 144 dpi of save_graph's PNGs
ZOOM_HALF_WIDTH = 0.1  # the close-ups of perceptron.png: 0.2 x 0.2 around the input nearest the line
YES_NO = {True: N_("True"), False: N_("False")}  # a verdict inside a sentence
GATE_NAMES = {"and": N_("AND"), "or": N_("OR"), "xor": N_("XOR")}  # German courses say UND, ODER
STEP, CROSS_ENTROPY_LOG = N_("step"), N_("binary cross-entropy (log scale)")  # the loss curves' axes


def gate_name(gate: str, language: str | None = None) -> str:
    """The name of logic gate `gate` ("and", "or", "xor") as the course writes it in `language`: AND, or UND."""
    return _(GATE_NAMES[gate], language)


def perceptron_runs(max_epochs: int = MAX_EPOCHS, seed: int = SEED) -> dict:
    """Train a perceptron on each gate; {gate: (perceptron, mistakes per epoch)}."""
    runs = {}
    for gate in GATES:
        X, y = truth_table(gate)
        p = Perceptron(2, lr=PERCEPTRON_LR, rng=seed)
        runs[gate] = (p, p.fit(X, y, max_epochs=max_epochs))
    return runs


def hand_made_network():
    """The slides' 2-2-1 step network: {input: (hidden outputs, output)} for the four XOR inputs."""
    model = xor_step_network()
    X, _ = truth_table("xor")
    table = {}
    with no_grad():
        for x in X:
            hidden = model.layers[0].forward(x)
            table[tuple(x)] = ([h.data for h in hidden], model(x).data)
    return model, table


def train_xor(epochs: int = EPOCHS, seed: int = SEED, snapshots_at=()):
    """A 2-4-1 MLP (tanh, sigmoid output) trained by backprop on XOR; (model, losses, probabilities).

    With `snapshots_at` (step numbers), returns a fourth item too: {step: the
    parameter values before that step} (step `epochs`: the trained ones).
    """
    X, y = truth_table("xor")
    model = MLP(2, [HIDDEN, 1], activation="tanh", output_activation="sigmoid", rng=seed)
    optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
    losses, done, snapshots = [], 0, {}
    for stop in sorted({*snapshots_at, epochs}):  # descend in pieces; Adam keeps its state between them
        losses += c.descend(lambda: binary_cross_entropy([model(x) for x in X], y), optimizer, stop - done)
        done = stop
        snapshots[stop] = [p.data for p in model.parameters()]
    with no_grad():
        probs = [model(x).data for x in X]
        losses.append(binary_cross_entropy(probs, y).data)
    if snapshots_at:
        return model, losses, probs, {k: snapshots[k] for k in sorted(snapshots_at)}
    return model, losses, probs


def perceptron_epochs(epochs: int, gates=ANIMATED_GATES, seed: int = SEED) -> dict:
    """The perceptron rule one epoch at a time: {gate: [(weights, bias, mistakes in the epoch)]}.

    Entry 0 is the start (no epoch yet, mistakes None); a gate stops at its
    first epoch without mistakes, as `Perceptron.fit` does.
    """
    states = {}
    for gate in gates:
        X, y = truth_table(gate)
        p = Perceptron(2, lr=PERCEPTRON_LR, rng=seed)
        states[gate] = [(list(p.weights), p.bias, None)]
        while len(states[gate]) <= epochs and states[gate][-1][2] != 0:
            (mistakes,) = p.fit(X, y, max_epochs=1)
            states[gate].append((list(p.weights), p.bias, mistakes))
    return states


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its pictures under `out/perceptron_xor`, return the key numbers.

    The texts, on the pictures too, are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    c.heading(_("The perceptron, XOR, and a network that learns XOR", language))
    c.say(
        _(
            "1. The perceptron rule (eta = {eta}, small random start, seed {seed}), at most {epochs} epochs; "
            "mistakes per epoch:",
            language,
        ).format(eta=PERCEPTRON_LR, seed=SEED, epochs=MAX_EPOCHS)
    )
    runs = perceptron_runs()
    width = max(len(gate_name(gate, language)) for gate in runs)
    for gate, (_p, mistakes) in runs.items():
        if mistakes[-1] == 0:
            verdict = ngettext(
                "converged after {count} epoch", "converged after {count} epochs", len(mistakes), language
            ).format(count=len(mistakes))
        else:
            verdict = _("never converges", language)
        print(f"  {gate_name(gate, language):{width}}  {' '.join(map(str, mistakes))}   -> {verdict}")
    closest = []
    for gate in ("and", "or"):
        distance, x, z = _closest(runs[gate][0], gate)
        closest.append(
            _("for {gate}, ({x1}, {x2}) gets z = {z}, {distance} from the line", language).format(
                gate=gate_name(gate, language), x1=f"{x[0]:g}", x2=f"{x[1]:g}", z=f"{z:.3f}", distance=f"{distance:.3f}"
            )
        )
    c.say(
        _(
            "The rule stops at the first line without mistakes, however close it passes to a point: {first} and "
            "{second}: on the right side, but only just (the step gives 0 for z <= 0, 1 above). At the pictures' "
            "scale the lines seem to touch those points; perceptron.png magnifies them tenfold beside the panels. "
            "Shaded: the side the perceptron calls 1 (orange) and 0 (blue).",
            language,
        ).format(first=closest[0], second=closest[1])
    )
    xor_mistakes = runs["xor"][1]
    c.say(
        _(
            "On XOR the mistakes per epoch never reach 0 (minimum {minimum}): no line w1 x1 + w2 x2 + b = 0 puts "
            "(0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other.",
            language,
        ).format(minimum=min(xor_mistakes))
    )

    print()
    c.say(
        _(
            "2. The hand-made 2-2-1 step network: W1 = [[1, 1], [1, 1]], b1 = [-1.5, -0.5], W2 = [-1, 1], b2 = -0.5.",
            language,
        )
    )
    _model, table = hand_made_network()
    X, y = truth_table("xor")
    c.table(
        [(f"{x[0]:g}, {x[1]:g}", f"{h[0]:g}", f"{h[1]:g}", f"{o:g}", t) for (x, (h, o)), t in zip(table.items(), y)],
        ["x1, x2", _("h1 = AND", language), _("h2 = OR", language), _("output", language), gate_name("xor", language)],
    )
    hand_correct = all(o == t for (_h, o), t in zip(table.values(), y))
    c.say(
        _("All four correct: {correct}. The hidden layer maps XOR to a problem a line can separate.", language).format(
            correct=_(YES_NO[hand_correct], language)
        )
    )

    print()
    c.say(
        _(
            "3. A 2-{hidden}-1 network (tanh hidden, sigmoid output), binary cross-entropy, Adam with learning rate "
            "{rate}, {epochs} full-batch steps on the four points:",
            language,
        ).format(hidden=HIDDEN, rate=LEARNING_RATE, epochs=EPOCHS)
    )
    model, losses, probs = train_xor(EPOCHS)
    c.table(
        [(f"{x[0]:g}, {x[1]:g}", t, p, int(p > 0.5)) for x, t, p in zip(X, y, probs)],
        ["x1, x2", _("target", language), _("output probability", language), _("class", language)],
    )
    learned_correct = all((p > 0.5) == (t == 1) for p, t in zip(probs, y))
    c.say(
        _(
            "Loss {start} -> {end}; all four classified correctly: {correct}. The network has {count} parameters; "
            "backprop found values for them that work.",
            language,
        ).format(
            start=f"{losses[0]:.3f}",
            end=f"{losses[-1]:.4f}",
            correct=_(YES_NO[learned_correct], language),
            count=model.num_parameters(),
        )
    )

    images = [_plot_perceptron(runs, folder / "perceptron.png", language)]
    images.append(_plot_network(model, losses, X, y, folder / "xor_network.png", language))
    images.extend(_draw_loss_graph(model, folder / "xor_graph.png", language))
    c.wrote(images)

    print()
    epochs = QUICK_PERCEPTRON_EPOCHS if quick else MAX_EPOCHS
    perceptron_movie = _animate_perceptron(folder, epochs, language)
    xor_movie = _animate_xor_network(folder, QUICK_XOR_FRAMES if quick else XOR_FRAMES, language)
    c.say(
        _(
            "Animations: the perceptron's line on AND and XOR after each of {epochs} epochs ({perceptron_frames} "
            "frames), and the 2-{hidden}-1 network's boundary and hidden space (its {hidden} units projected to "
            "2-D: the output's net input and the widest direction across it) at {xor_frames} moments of training: "
            "in the hidden space the four points move until the output neuron's line (v·h + c = 0) separates them "
            "({correct} of 4 at the end). Open the .html pages to step through them (arrow keys), or show the GIFs.",
            language,
        ).format(
            epochs=epochs,
            perceptron_frames=len(perceptron_movie["frames"]),
            hidden=HIDDEN,
            xor_frames=len(xor_movie["frames"]),
            correct=xor_movie["correct"][EPOCHS],
        )
    )
    movies = {"perceptron_training": perceptron_movie, "xor_training": xor_movie}
    c.wrote([m[key] for m in movies.values() for key in ("html", "gif", "png")])
    return {
        "animations": movies,
        "perceptron_mistakes": {gate: m for gate, (_p, m) in runs.items()},
        "hand_made_outputs": [o for _h, o in table.values()],
        "hand_made_correct": hand_correct,
        "xor_losses": losses,
        "xor_probabilities": probs,
        "xor_correct": learned_correct,
        "images": [p for p in images if p is not None],
    }


def enough_digits(x: float) -> str:
    """x to 4 significant digits, more where those would round it to a whole number it is not.

    sigmoid(8.08) = 0.99969 shows as 0.9997, not 1, beside its loss 0.000309; tanh(-6.19) = -0.9999916 as
    -0.99999; an exact 1 or 0 stays "1" or "0".
    """
    for digits in range(4, 16):
        text = f"{x:.{digits}g}"
        if float(text) != round(float(text)) or float(text) == x:
            return text
    return repr(x)


def _draw_loss_graph(model, path, language: str):
    """Goldberg's three pictures of the trained network (lecture notes, section 10), one box per neuron.

    `path` (xor_graph.png) gets the graph of the loss on one sample, x = (1, 0) with target 1, with values
    and gradients; beside it xor_graph_symbols.png (the network as operations on symbols),
    xor_graph_input.png (the same with the concrete input) and xor_graph_full.svg (every scalar node).
    Returns the paths written (None for a picture Graphviz could not render). Their words are in `language`.
    """
    from pathlib import Path

    from autograd import draw_graph, draw_network

    for name, p in model.named_parameters():  # short names for the picture: w1[j,i], b1[j], ...
        parts = name.split(".")  # layers.L.neurons.J.w.I or layers.L.neurons.J.b
        layer, neuron = int(parts[1]) + 1, parts[3]
        p.label = f"w{layer}[{neuron},{parts[5]}]" if parts[4] == "w" else f"b{layer}[{neuron}]"
    x1, x2 = Value(1.0, label="x1"), Value(0.0, label="x2")
    out = model([x1, x2])
    out.label = "p"
    loss = binary_cross_entropy([out], [1])
    loss.label = _("loss", language)  # a name in the pictures: Verlust in German
    model.zero_grad()
    loss.backward()
    path = Path(path)
    pictures = [
        (draw_network(out, show_values=False, language=language), path.with_name(f"{path.stem}_symbols.png")),
        (draw_network(out, number_format=enough_digits, language=language), path.with_name(f"{path.stem}_input.png")),
        (draw_network(loss, show_grad=True, number_format=enough_digits, language=language), path),
        (draw_graph(loss, number_format="{:.3g}", language=language), path.with_name(f"{path.stem}_full.svg")),
    ]
    for graph, _path in pictures:  # dot shrinks a larger layout into one 1920 x 1080 screen (PNGs at 144 dpi)
        graph.attr(size=GRAPH_SCREEN_INCHES)
    model.zero_grad()
    c.say(
        _(
            "Goldberg's three pictures of this network: without input (symbols), with the input x = (1, 0), and "
            "with the loss attached; one box per neuron. The full scalar graph, every weight a box, is "
            "xor_graph_full.svg.",
            language,
        )
    )
    return [c.render_graph(graph, target) for graph, target in pictures]


def _draw_gate(
    ax, gate, weights, bias, limits=((-0.5, 1.5), (-0.5, 1.5)), note_near: bool = True, language: str | None = None
) -> int:
    """A gate's four inputs (circle: target 0, square: target 1, red rim: misclassified), the line
    w1 x1 + w2 x2 + b = 0 of these weights and the two sides shaded by what the perceptron answers there
    (orange: z > 0, class 1; blue: z <= 0, class 0); returns the number misclassified.

    `limits` are the panel's (x1, x2) ranges. With `note_near`, a correctly classified input closer to the
    line than NEAR gets its z and distance written in the panel: the rule stops at the first line
    without mistakes, however close it passes. The notes are in `language` (None: the language in force).
    """
    import numpy as np

    X, y = truth_table(gate)
    (w1, w2), b = weights, bias
    note = _("({x1}, {x2}): z = {z}, {distance} from the line", language)
    g1, g2 = np.meshgrid(np.linspace(*limits[0], 201), np.linspace(*limits[1], 201))
    ax.contourf(
        g1, g2, w1 * g1 + w2 * g2 + b, levels=[-np.inf, 0.0, np.inf], colors=[c.COLORS[5], c.COLORS[4]], alpha=0.35
    )
    if abs(w2) > 1e-12:
        ax.plot(limits[0], [-(w1 * x + b) / w2 for x in limits[0]], "k-", lw=2)
    elif abs(w1) > 1e-12:
        ax.axvline(-b / w1, color="k", lw=2)
    wrong, notes = 0, []
    norm = math.hypot(w1, w2)
    for x, t in zip(X, y):
        z = w1 * x[0] + w2 * x[1] + b
        right = (z > 0) == (t == 1)  # the perceptron's step: class 1 only for z > 0
        wrong += not right
        ax.scatter(
            *x,
            s=150,
            marker="s" if t else "o",
            c=c.COLORS[1] if t else c.COLORS[0],
            edgecolors="k" if right else "red",
            linewidths=1 if right else 3.5,
            zorder=3,
        )
        if note_near and right and norm > 0 and abs(z) / norm < NEAR:
            notes.append(note.format(x1=f"{x[0]:g}", x2=f"{x[1]:g}", z=f"{z:.3f}", distance=f"{abs(z) / norm:.3f}"))
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    if notes:  # inside the panel, at the bottom, where no input lies: the animation's layout stays put
        ax.text(
            0.02,
            0.02,
            "\n".join(notes),
            transform=ax.transAxes,
            fontsize=12,
            va="bottom",
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "0.5", "alpha": 0.75},
            zorder=4,
        )
    ax.set_ylabel("x2")
    return wrong


def _gate_legend(where, language: str, loc="outside lower center", ncol=3) -> None:
    """One legend for the markers, the line and the shading (`where`: the figure, or an empty axes), in `language`."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Line2D([], [], ls="", marker="o", ms=12, mfc=c.COLORS[0], mec="k", label=_("target 0", language)),
        Line2D([], [], ls="", marker="s", ms=12, mfc=c.COLORS[1], mec="k", label=_("target 1", language)),
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=12,
            mfc="white",
            mec="red",
            mew=3.5,
            label=_("misclassified (red rim)", language),
        ),
        Line2D([], [], color="k", lw=2, label=_("the line w1 x1 + w2 x2 + b = 0", language)),
        Patch(color=c.COLORS[4], alpha=0.35, label=_("z > 0: the perceptron says 1", language)),
        Patch(color=c.COLORS[5], alpha=0.35, label=_("z ≤ 0: the perceptron says 0", language)),
    ]
    where.legend(handles=handles, loc=loc, ncol=ncol)


def _mistakes_axes(ax, epochs: int, language: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(_("Updates per epoch", language))
    ax.set_xlabel(_("epoch", language))
    ax.set_ylabel(_("updates (= mistakes met) in the epoch", language))
    ax.set_xlim(0.5, epochs + 0.5)
    ax.set_ylim(-0.2, 4.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole numbers only
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="center right")


def _closest(p, gate):
    """The input of `gate` nearest to the perceptron's line: (distance, input, z)."""
    norm = math.hypot(*p.weights) or 1.0
    return min((abs(p.net_input(x)) / norm, tuple(x), p.net_input(x)) for x in truth_table(gate)[0])


def _plot_perceptron(runs, path, language: str):
    with c.style():
        from matplotlib.figure import Figure

        fig = Figure(figsize=(17.4, 9.6), layout="constrained")  # 1914 x 1056 px: within a 1920 x 1080 projector
        axes = fig.subplot_mosaic(
            [["and", "or", "xor", "mistakes"], ["and zoom", "or zoom", "key", "key"]], height_ratios=[1.6, 1]
        )
        for gate, (p, mistakes) in runs.items():
            ax = axes[gate]
            _draw_gate(ax, gate, p.weights, p.bias, language=language)
            if mistakes[-1] == 0:
                title = _("{gate}: last line, converged", language)
            else:
                title = _("{gate}: last line, still wrong (red)", language)
            ax.set_title(title.format(gate=gate_name(gate, language)))
        for gate in ("and", "or"):
            p, ax = runs[gate][0], axes[f"{gate} zoom"]
            distance, x, z = _closest(p, gate)
            half = ZOOM_HALF_WIDTH
            _draw_gate(
                ax,
                gate,
                p.weights,
                p.bias,
                limits=[(v - half, v + half) for v in x],
                note_near=False,
                language=language,
            )
            point = {"x1": f"{x[0]:g}", "x2": f"{x[1]:g}"}
            ax.set_title(
                _("{gate} near ({x1}, {x2}), magnified ×{factor}", language).format(
                    gate=gate_name(gate, language), factor=f"{2 / (2 * half):g}", **point
                ),
                fontsize=14,
            )  # the panels above span 2 units, this one 2 * half
            note = _("({x1}, {x2}): z = {z}, {distance} from the line", language)
            ax.set_xlabel(f"x1   {note.format(z=f'{z:.3f}', distance=f'{distance:.3f}', **point)}", fontsize=13)
        ax = axes["mistakes"]
        for color, (gate, (_p, mistakes)) in zip(c.COLORS, runs.items()):
            ax.plot(range(1, len(mistakes) + 1), mistakes, "o-", color=color, label=gate_name(gate, language))
        _mistakes_axes(ax, max(len(m) for _p, m in runs.values()), language)
        axes["key"].axis("off")
        _gate_legend(axes["key"], language, loc="center", ncol=2)
        return c.save_figure(fig, path)


def _animate_perceptron(folder, epochs: int, language: str) -> dict:
    """The line of the perceptron rule after each epoch on AND and XOR, and the mistakes so far, in `language`."""
    states = perceptron_epochs(epochs)

    def state(gate, k):  # a gate that has converged keeps its last line
        return states[gate][min(k, len(states[gate]) - 1)]

    captions = [_("Start: small random weights, before the first epoch", language)]
    for k in range(1, epochs + 1):
        parts = []
        for gate in ANIMATED_GATES:
            if k < len(states[gate]):
                parts.append(
                    _("{gate} {count} times", language).format(gate=gate_name(gate, language), count=states[gate][k][2])
                )
            else:
                parts.append(
                    _("{gate} 0 times (converged in epoch {epoch})", language).format(
                        gate=gate_name(gate, language), epoch=len(states[gate]) - 1
                    )
                )
        captions.append(
            _(
                "Epoch {number} of {count}: the line moved at each mistake met, {updates}; drawn: the line after "
                "the epoch",
                language,
            ).format(number=k, count=epochs, updates=", ".join(parts))
        )

    def draw(fig, axes, k):
        for ax, gate in zip(axes, ANIMATED_GATES):
            weights, bias, _mistakes = state(gate, k)
            wrong = _draw_gate(ax, gate, weights, bias, language=language)
            ax.set_title(
                _("{gate}: this line puts {wrong} of 4 on the wrong side", language).format(
                    gate=gate_name(gate, language), wrong=wrong
                )
            )
        ax = axes[2]
        for color, gate in zip(c.COLORS[::2], ANIMATED_GATES):
            mistakes = [m for _w, _b, m in states[gate][1 : k + 1]]
            ax.plot(range(1, len(mistakes) + 1), mistakes, "o-", color=color, label=gate_name(gate, language))
        _mistakes_axes(ax, epochs, language)
        _gate_legend(fig, language)

    title = _("The perceptron rule on AND and XOR, epoch by epoch", language)
    return _animate.animate(folder, "perceptron_training", draw, captions, grid=(1, 3), size=(17, 6.6), title=title)


def _hidden_views(model, snapshot):
    """The 2-4-1 network with these parameters, seen in its hidden space (4-D, so seen along two directions).

    Horizontal: the output neuron's net input z = v·h + c (p = 0.5 at z = 0).
    Vertical: the direction orthogonal to v along which the four hidden
    points spread most. Returns (z, s) of the four inputs, the (z, s) curves
    of the grid lines x1 = const and x2 = const of the unit square, and z of the four.
    """
    import numpy as np

    for p, value in zip(model.parameters(), snapshot):
        p.data = value
    hidden, output = model.layers
    W = np.array([[w.data for w in n.w] for n in hidden.neurons])
    b = np.array([n.b.data for n in hidden.neurons])
    v = np.array([w.data for w in output.neurons[0].w])
    c0 = output.neurons[0].b.data
    X, _ = truth_table("xor")

    def h(points):
        return np.tanh(np.asarray(points, dtype=float) @ W.T + b)

    H = h(X)
    unit = v / (np.linalg.norm(v) or 1.0)
    mean = H.mean(axis=0)
    rest = (H - mean) - np.outer((H - mean) @ unit, unit)  # the spread left after removing v's direction
    u = np.linalg.svd(rest)[2][0]
    if (H[3] - H[0]) @ u < 0:  # a fixed orientation from frame to frame: (1, 1) above (0, 0)
        u = -u

    def view(points):
        Hp = h(points)
        return Hp @ v + c0, (Hp - mean) @ u

    t = np.linspace(0, 1, 40)
    lines = [view(np.column_stack([np.full_like(t, a), t])) for a in (0, 0.25, 0.5, 0.75, 1)]
    lines += [view(np.column_stack([t, np.full_like(t, a)])) for a in (0, 0.25, 0.5, 0.75, 1)]
    return view(X), lines


def _animate_xor_network(folder, frames: int, language: str) -> dict:
    """The 2-4-1 network's decision boundary, hidden space and loss as training goes on, in `language`."""
    steps = _animate.frame_steps(EPOCHS, frames)
    model, losses, _probs, snapshots = train_xor(EPOCHS, snapshots_at=steps)
    X, y = truth_table("xor")
    views = {s: _hidden_views(model, snapshots[s]) for s in steps}
    zs = [z for (points, lines) in views.values() for z in [*points[0], *(zi for lz, _ls in lines for zi in lz)]]
    ss = [s for (points, lines) in views.values() for s in [*points[1], *(si for _lz, ls in lines for si in ls)]]
    zlim = (min(zs) - 0.1 * (max(zs) - min(zs)), max(zs) + 0.1 * (max(zs) - min(zs)))
    slim = (min(ss) - 0.15 * (max(ss) - min(ss)), max(ss) + 0.15 * (max(ss) - min(ss)))
    correct = {s: sum((z > 0) == (t == 1) for z, t in zip(views[s][0][0], y)) for s in steps}
    caption = _("Step {number} of {count}: loss {loss}, {correct} of 4 classified correctly", language)
    captions = [caption.format(number=s, count=EPOCHS, loss=f"{losses[s]:.3f}", correct=correct[s]) for s in steps]

    def draw(fig, axes, k):
        s = steps[k]
        ax_in, ax_hidden, ax_loss = axes
        _hidden_views(model, snapshots[s])  # loads the parameters of step s into the model
        c.decision_boundary(ax_in, lambda p: model(p).data, X, y, threshold=0.5, n=40, labels=("XOR = 0", "XOR = 1"))
        ax_in.set_title(_("Input space: boundary p = 0.5", language))
        (z, sv), lines = views[s]
        ax_hidden.axvspan(zlim[0], 0, color=c.COLORS[5], alpha=0.35)
        ax_hidden.axvspan(0, zlim[1], color=c.COLORS[4], alpha=0.35)
        ax_hidden.axvline(0, color="k", lw=2)
        for lz, ls in lines:
            ax_hidden.plot(lz, ls, color="0.45", lw=1)
        for zi, si, t in zip(z, sv, y):
            marker, color = ("s", c.COLORS[1]) if t else ("o", c.COLORS[0])
            ax_hidden.scatter(zi, si, s=90, marker=marker, c=color, edgecolors="k", zorder=3)
        ax_hidden.set_xlim(*zlim)
        ax_hidden.set_ylim(*slim)
        ax_hidden.set_xlabel(_("output's net input v·h + c", language))
        ax_hidden.set_ylabel(_("h projected on its widest other direction", language))
        ax_hidden.set_title(
            _("Hidden space: {units} units, projected to 2-D\n(grey: the input square's grid)", language).format(
                units=HIDDEN
            )
        )
        ax_loss.semilogy(range(s + 1), losses[: s + 1], color=c.COLORS[0])
        ax_loss.plot([s], [losses[s]], "o", color=c.COLORS[0])
        ax_loss.set_xlim(0, EPOCHS)
        ax_loss.set_ylim(min(losses) * 0.7, max(losses) * 1.5)
        ax_loss.set_xlabel(_(STEP, language))
        ax_loss.set_ylabel(_(CROSS_ENTROPY_LOG, language))
        ax_loss.set_title(_("Loss", language))

    title = _("The 2-{hidden}-1 network learning XOR", language).format(hidden=HIDDEN)
    result = _animate.animate(folder, "xor_training", draw, captions, grid=(1, 3), size=(17.4, 6.4), title=title)
    return {**result, "steps": steps, "correct": correct}


def _plot_network(model, losses, X, y, path, language: str):
    with c.style():
        fig, axes = c.figure(1, 2, size=(14, 6))
        ax_loss, ax = axes[0]
        ax_loss.semilogy(range(len(losses)), losses, color=c.COLORS[0])
        ax_loss.set_xlabel(_(STEP, language))
        ax_loss.set_ylabel(_(CROSS_ENTROPY_LOG, language))
        ax_loss.set_title(_("Training the 2-{hidden}-1 network on XOR", language).format(hidden=HIDDEN))
        c.decision_boundary(ax, lambda p: model(p).data, X, y, threshold=0.5, n=60, labels=("XOR = 0", "XOR = 1"))
        ax.set_title(_("Decision boundary (output probability 0.5)", language))
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.perceptron_xor [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
