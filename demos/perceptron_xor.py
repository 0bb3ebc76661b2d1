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

Course material: section 4 of the lecture notes the project follows.
"""

from __future__ import annotations

from autograd import Value, no_grad
from demos import _common as c
from nn import MLP, Adam, Perceptron, binary_cross_entropy, truth_table, xor_step_network

NAME = "perceptron_xor"
SEED = 3
PERCEPTRON_LR = 0.1  # eta
MAX_EPOCHS = 20
HIDDEN = 4
LEARNING_RATE = 0.1  # Adam, full batch (the four points)
EPOCHS = 300  # cheap: four samples, so --quick runs them all too
GATES = ("and", "or", "xor")


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


def train_xor(epochs: int = EPOCHS, seed: int = SEED):
    """A 2-4-1 MLP (tanh, sigmoid output) trained by backprop on XOR; (model, losses, probabilities)."""
    X, y = truth_table("xor")
    model = MLP(2, [HIDDEN, 1], activation="tanh", output_activation="sigmoid", rng=seed)
    optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
    losses = c.descend(lambda: binary_cross_entropy([model(x) for x in X], y), optimizer, epochs)
    with no_grad():
        probs = [model(x).data for x in X]
        losses.append(binary_cross_entropy(probs, y).data)
    return model, losses, probs


def run(out=c.DEFAULT_OUT, quick: bool = False) -> dict:
    """Run the demo, write its pictures under `out/perceptron_xor`, return the key numbers."""
    folder = c.demo_dir(out, NAME)
    c.heading("The perceptron, XOR, and a network that learns XOR")
    c.say(
        f"1. The perceptron rule (eta = {PERCEPTRON_LR}, small random start, seed {SEED}), at most {MAX_EPOCHS} "
        f"epochs; mistakes per epoch:"
    )
    runs = perceptron_runs()
    for gate, (_, mistakes) in runs.items():
        verdict = f"converged after {len(mistakes)} epochs" if mistakes[-1] == 0 else "never converges"
        print(f"  {gate.upper():3}  {' '.join(map(str, mistakes))}   -> {verdict}")
    closest = []
    for gate in ("and", "or"):
        p = runs[gate][0]
        _, x = min((abs(p.net_input(x)), x) for x in truth_table(gate)[0])
        closest.append(f"for {gate.upper()}, ({x[0]:g}, {x[1]:g}) gets z = {p.net_input(x):.3f}")
    c.say(
        "The rule stops at the first line without mistakes, however close it passes to a point: "
        + " and ".join(closest)
        + ": on the right side, but only just (the step gives 0 for z <= 0, 1 above). That is why the lines "
        "in the picture touch those points."
    )
    xor_mistakes = runs["xor"][1]
    c.say(
        f"On XOR the mistakes per epoch never reach 0 (minimum {min(xor_mistakes)}): no line w1 x1 + w2 x2 + b = 0 "
        f"puts (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other."
    )

    print()
    c.say("2. The hand-made 2-2-1 step network: W1 = [[1, 1], [1, 1]], b1 = [-1.5, -0.5], W2 = [-1, 1], b2 = -0.5.")
    _, table = hand_made_network()
    X, y = truth_table("xor")
    c.table(
        [(f"{x[0]:g}, {x[1]:g}", f"{h[0]:g}", f"{h[1]:g}", f"{o:g}", t) for (x, (h, o)), t in zip(table.items(), y)],
        ["x1, x2", "h1 = AND", "h2 = OR", "output", "XOR"],
    )
    hand_correct = all(o == t for (_, o), t in zip(table.values(), y))
    c.say(f"All four correct: {hand_correct}. The hidden layer maps XOR to a problem a line can separate.")

    print()
    c.say(
        f"3. A 2-{HIDDEN}-1 network (tanh hidden, sigmoid output), binary cross-entropy, Adam with learning rate "
        f"{LEARNING_RATE}, {EPOCHS} full-batch steps on the four points:"
    )
    model, losses, probs = train_xor(EPOCHS)
    c.table(
        [(f"{x[0]:g}, {x[1]:g}", t, p, int(p > 0.5)) for x, t, p in zip(X, y, probs)],
        ["x1, x2", "target", "output probability", "class"],
    )
    learned_correct = all((p > 0.5) == (t == 1) for p, t in zip(probs, y))
    c.say(
        f"Loss {losses[0]:.3f} -> {losses[-1]:.4f}; all four classified correctly: {learned_correct}. "
        f"The network has {model.num_parameters()} parameters; backprop found values for them that work."
    )

    images = [_plot_perceptron(runs, folder / "perceptron.png")]
    images.append(_plot_network(model, losses, X, y, folder / "xor_network.png"))
    images.append(_draw_loss_graph(model, folder / "xor_graph.png"))
    c.wrote(images)
    return {
        "perceptron_mistakes": {gate: m for gate, (_, m) in runs.items()},
        "hand_made_outputs": [o for _, o in table.values()],
        "hand_made_correct": hand_correct,
        "xor_losses": losses,
        "xor_probabilities": probs,
        "xor_correct": learned_correct,
        "images": [p for p in images if p is not None],
    }


def _draw_loss_graph(model, path):
    """The computation graph of the trained network's loss on one sample, x = (1, 0), target 1."""
    from autograd import draw_graph

    for name, p in model.named_parameters():  # short names for the picture: w1[j,i], b1[j], ...
        parts = name.split(".")  # layers.L.neurons.J.w.I or layers.L.neurons.J.b
        layer, neuron = int(parts[1]) + 1, parts[3]
        p.label = f"w{layer}[{neuron},{parts[5]}]" if parts[4] == "w" else f"b{layer}[{neuron}]"
    x1, x2 = Value(1.0, label="x1"), Value(0.0, label="x2")
    out = model([x1, x2])
    out.label = "p"
    loss = binary_cross_entropy([out], [1])
    loss.label = "loss"
    model.zero_grad()
    loss.backward()
    graph = draw_graph(loss, number_format="{:.3g}")
    model.zero_grad()
    return c.render_graph(graph, path)


def _plot_perceptron(runs, path):
    with c.style():
        fig, axes = c.figure(1, 4, size=(20, 5.2))
        for ax, (gate, (p, mistakes)) in zip(axes[0], runs.items()):
            X, y = truth_table(gate)
            for x, t in zip(X, y):
                right = p.predict(x) == t
                ax.scatter(
                    *x,
                    s=260,
                    marker="s" if t else "o",
                    c=c.COLORS[1] if t else c.COLORS[0],
                    edgecolors="k" if right else "red",
                    linewidths=1 if right else 4,
                    zorder=3,
                )
            (w1, w2), b = p.weights, p.bias
            xs = [-0.5, 1.5]
            if abs(w2) > 1e-12:
                ax.plot(xs, [-(w1 * x + b) / w2 for x in xs], "k-", lw=2.5)
            ax.set_xlim(-0.5, 1.5)
            ax.set_ylim(-0.5, 1.5)
            ax.set_aspect("equal")
            ax.set_xlabel("x1")
            ax.set_ylabel("x2")
            status = "converged" if mistakes[-1] == 0 else "still wrong (red)"
            ax.set_title(f"{gate.upper()}: last line, {status}")
        ax = axes[0][3]
        for color, (gate, (_, mistakes)) in zip(c.COLORS, runs.items()):
            ax.plot(range(1, len(mistakes) + 1), mistakes, "o-", color=color, label=gate.upper())
        ax.set_xlabel("epoch")
        ax.set_ylabel("mistakes in the epoch")
        ax.set_ylim(-0.2, 4.2)
        ax.set_title("Perceptron rule: mistakes per epoch")
        ax.legend()
        return c.save_figure(fig, path)


def _plot_network(model, losses, X, y, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(14, 6))
        ax_loss, ax = axes[0]
        ax_loss.semilogy(range(len(losses)), losses, color=c.COLORS[0])
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("binary cross-entropy (log scale)")
        ax_loss.set_title(f"Training the 2-{HIDDEN}-1 network on XOR")
        c.decision_boundary(ax, lambda p: model(p).data, X, y, threshold=0.5, n=60, labels=("XOR = 0", "XOR = 1"))
        ax.set_title("Decision boundary (output probability 0.5)")
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.perceptron_xor [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
