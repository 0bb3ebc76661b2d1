"""The delta rule by hand: each weight's gradient is the error term above times the output below.

Seed 001 of the lecture notes derives backprop for a 2-layer sigmoid network
with the loss L = 1/2 (y - NN(x))^2 and arrives at

    dL/dw_ij = delta_j * out_i,        update  Delta w_ij = -eta * delta_j * out_i

where out_i is what flows into the weight from below (an input x_i, a hidden
output h_i, or 1 for a bias) and delta_j = dL/da_j is the error term of the
neuron j above, a_j its weighted sum. The demo computes every delta and every
gradient by hand, with plain floats and the two formulas

    delta_out = (o - y) * o (1 - o)                  (o = sigmoid(a_out) the output)
    delta_j   = delta_out * v_j * h_j (1 - h_j)      (the error passed down through v_j)

prints them beside what `backward()` put into each weight's .grad, and takes
one step Delta w = -eta delta out by hand beside the optimizer's SGD step.

Course material: section 5 of the lecture notes the project follows.
"""

from __future__ import annotations

import math

from autograd.language import Domain
from demos import _common as c
from nn import MLP, SGD

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "delta_rule"
SUMMARY = N_("The delta rule by hand: each weight's gradient is the error term above times the output below.")
SIZES = (3, [3, 1])  # 3 inputs, 3 sigmoid hidden units, 1 sigmoid output
SEED = 1
X = [1.0, 0.5, -1.5]  # one sample
Y = 1.0  # its target
ETA = 0.5  # learning rate of the one update shown


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def network(seed: int = SEED) -> MLP:
    """The 3-3-1 sigmoid network (biases as weights from a constant 1)."""
    nin, sizes = SIZES
    return MLP(nin, sizes, activation="sigmoid", output_activation="sigmoid", rng=seed)


def numbers(model: MLP) -> dict:
    """The network's weights as plain floats: W[j][i] from input i to hidden j, b[j], v[j] to the output, c."""
    hidden, output = model.layers
    return {
        "W": [[w.data for w in n.w] for n in hidden.neurons],
        "b": [n.b.data for n in hidden.neurons],
        "v": [w.data for w in output.neurons[0].w],
        "c": output.neurons[0].b.data,
    }


def by_hand(p: dict, x, y: float) -> dict:
    """Forward pass, deltas and gradients of L = 1/2 (y - o)^2 with plain floats, no engine.

    Returns the hidden sums a and outputs h, the output o and loss L, delta_out,
    the hidden deltas, and the gradients {weight name: (delta, out, delta * out)}.
    """
    a = [sum(w * xi for w, xi in zip(row, x)) + bj for row, bj in zip(p["W"], p["b"])]
    h = [sigmoid(aj) for aj in a]
    o = sigmoid(sum(vj * hj for vj, hj in zip(p["v"], h)) + p["c"])
    loss = 0.5 * (y - o) ** 2
    delta_out = (o - y) * o * (1.0 - o)  # dL/do * do/da_out
    deltas = [delta_out * vj * hj * (1.0 - hj) for vj, hj in zip(p["v"], h)]  # dL/da_j
    grads = {}
    for j, hj in enumerate(h):
        grads[f"v{j + 1}"] = ("δ_out", delta_out, f"h{j + 1}", hj)
    grads["c"] = ("δ_out", delta_out, "1", 1.0)
    for j, dj in enumerate(deltas):
        for i, xi in enumerate(x):
            grads[f"w{i + 1}{j + 1}"] = (f"δ{j + 1}", dj, f"x{i + 1}", xi)
        grads[f"b{j + 1}"] = (f"δ{j + 1}", dj, "1", 1.0)
    return {"a": a, "h": h, "o": o, "loss": loss, "delta_out": delta_out, "deltas": deltas, "grads": grads}


def engine_gradients(model: MLP, x, y: float) -> tuple[float, dict]:
    """The loss 1/2 (y - NN(x))^2 built with the engine, backward(), and each weight's .grad by the hand names."""
    model.zero_grad()
    out = model(x)
    loss = 0.5 * (y - out) ** 2
    loss.backward()
    hidden, output = model.layers
    grads = {}
    for j, w in enumerate(output.neurons[0].w):
        grads[f"v{j + 1}"] = w.grad
    grads["c"] = output.neurons[0].b.grad
    for j, n in enumerate(hidden.neurons):
        for i, w in enumerate(n.w):
            grads[f"w{i + 1}{j + 1}"] = w.grad
        grads[f"b{j + 1}"] = n.b.grad
    return loss.data, grads


def weight_value(model: MLP, name: str):
    """The Value of the hand name v1, c, w12 (input 1 to hidden 2) or b3 in the 3-3-1 network."""
    hidden, output = model.layers
    kind, index = name[0], name[1:]
    if kind == "v":
        return output.neurons[0].w[int(index) - 1]
    if kind == "c":
        return output.neurons[0].b
    if kind == "w":
        return hidden.neurons[int(index[1]) - 1].w[int(index[0]) - 1]
    return hidden.neurons[int(index) - 1].b


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo and return the key numbers (it prints tables, draws nothing; `quick` changes nothing).

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    c.heading(_("The delta rule by hand: dL/dw_ij = delta_j * out_i", language))
    model = network()
    p = numbers(model)
    hand = by_hand(p, X, Y)
    c.say(
        _(
            "A {sizes} network, sigmoid everywhere (seed {seed}), one sample x = {x} with target y = {y}, loss "
            "L = 1/2 (y - NN(x))^2. Forward by hand: hidden sums a = [{a}], outputs h = sigmoid(a) = [{h}], "
            "output o = {o}, L = {loss}.",
            language,
        ).format(
            sizes=f"{SIZES[0]}-{'-'.join(map(str, SIZES[1]))}",
            seed=SEED,
            x=X,
            y=f"{Y:g}",
            a=", ".join(f"{v:.4f}" for v in hand["a"]),
            h=", ".join(f"{v:.4f}" for v in hand["h"]),
            o=f"{hand['o']:.6f}",
            loss=f"{hand['loss']:.6f}",
        )
    )
    c.say(
        _(
            "Error terms: δ_out = (o - y) o (1 - o) = {delta_out}; for hidden unit j, "
            "δ_j = δ_out v_j h_j (1 - h_j) = [{deltas}].",
            language,
        ).format(delta_out=f"{hand['delta_out']:.6f}", deltas=", ".join(f"{d:.6f}" for d in hand["deltas"]))
    )
    loss, engine = engine_gradients(model, X, Y)
    rows, largest = [], 0.0
    for name, (dname, delta, oname, value) in hand["grads"].items():
        product = delta * value
        largest = max(largest, abs(product - engine[name]))
        rows.append(
            (name, f"{dname} · {oname}", f"{delta:.6f}", f"{value:.4f}", f"{product:.8f}", f"{engine[name]:.8f}")
        )
    weight, by_hand_ = _("weight", language), _("by hand", language)
    c.table(rows, [weight, "δ_j · out_i", "δ_j", "out_i", by_hand_, "backward()"])
    c.say(
        _(
            "Every gradient by hand equals backward()'s to rounding (largest difference {largest}; the engine's "
            "loss {loss}). Each weight's gradient is the error term of the neuron above times the output of the "
            "neuron below: backward() computes exactly these products, reusing δ_out for every δ_j.",
            language,
        ).format(largest=f"{largest:.2g}", loss=f"{loss:.6f}")
    )

    print()
    update = {name: -ETA * delta * value for name, (_name, delta, _out, value) in hand["grads"].items()}
    before = {name: weight_value(model, name).data for name in update}
    SGD(model.parameters(), lr=ETA).step()  # the gradients are still those of backward() above
    stepped = {name: weight_value(model, name).data for name in update}
    step_gap = max(abs(before[name] + update[name] - stepped[name]) for name in update)
    c.say(
        _("One update with η = {eta}: Δw_ij = -η δ_j out_i by hand, and the optimizer's SGD step:", language).format(
            eta=f"{ETA:g}"
        )
    )
    c.table(
        [(name, before[name], update[name], before[name] + update[name], stepped[name]) for name in list(update)[:5]],
        [weight, _("before", language), "Δw = -η δ out", _("by hand after", language), _("SGD after", language)],
    )
    after_loss = by_hand(numbers(model), X, Y)["loss"]
    c.say(
        _(
            "(first five of {count} weights; all agree to {gap}). The loss on this sample falls from {before} to "
            "{after}.",
            language,
        ).format(count=len(update), gap=f"{step_gap:.2g}", before=f"{hand['loss']:.6f}", after=f"{after_loss:.6f}")
    )
    return {
        "weights": p,
        "hand": hand,
        "engine_loss": loss,
        "engine_grads": engine,
        "largest_difference": largest,
        "update": update,
        "before": before,
        "after_sgd": stepped,
        "step_difference": step_gap,
        "loss_after": after_loss,
    }


def main(argv=None) -> dict:
    """Command line: python -m demos.delta_rule [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
