"""Activation functions: each one drawn with its derivative from the backward pass, its range and its kinks.

Every activation of the course's table (nn.ACTIVATIONS) is evaluated on a
grid over its span, and its derivative at each point is what the engine's backward pass
puts into z.grad: no derivative formula appears in this demo. The table
gives the range seen on the grid beside the range in the lecture notes, the
slope at 0, and the points where the slope jumps (kinks) or the function
itself jumps. Then four facts of the section:

1. the step function cannot be trained by gradients: its derivative is 0
   wherever it exists, so gradient descent never moves a step neuron;
2. softmax is unchanged when the same constant is added to every input;
3. a sigmoid is a two-class softmax: sigmoid(z) = softmax([z, 0])[0];
4. the parametric ReLU's slope alpha is a parameter: d/d(alpha) = z for z < 0;
5. without a non-linearity a deep network collapses into one linear map: a
   3-4-4-2 network with linear activations computes W x + b with
   W = W3 W2 W1 and b = W3 (W2 b1 + b2) + b3 (the weight matrices multiplied
   out), while the same weights with tanh are no linear map at all.

Course material: section 6 of the lecture notes the project follows.
"""

from __future__ import annotations

import math
import random

from autograd import Value
from autograd.language import Domain
from demos import _common as c
from nn import MLP, SGD, Neuron, mse, softmax
from nn.activations import activation_entries

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "activations"
SUMMARY = N_(
    "Activation functions: each one drawn with its derivative from the backward pass, its range and its kinks."
)
# the activations whose names are English words: in German the table and the picture give the slides' word
WORDS = {"step": N_("step function")}
GRID_POINTS = 401  # an odd count puts 0 on the grid
QUICK_GRID_POINTS = 161
KINK_CANDIDATES = (-1.0, 0.0, 1.0)  # where the piecewise activations change formula
KINK_EPS = 1e-7  # one-sided slopes taken this far left and right of a candidate
STEP_DATA = ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 0.0, 0.0, 1.0])  # AND
STEP_WEIGHTS = [0.3, -0.2]
STEP_LR = 0.5
STEP_EPOCHS = 50
SOFTMAX_LOGITS = [1.0, 2.0, 0.5]
SOFTMAX_SHIFTS = [-3.0, 10.0, 1000.0]
PRELU_ALPHA = 0.25
PRELU_POINTS = [-2.0, -0.5, 1.5]
DEEP_SIZES = (3, [4, 4, 2])  # the network that collapses: 3 inputs, two hidden layers of 4, 2 outputs
SEED = 1
DEEP_INPUTS = [[1.0, 2.0, 3.0], [-0.5, 0.25, 2.0], [0.0, -1.5, 0.5], [2.0, 2.0, -1.0]]
SCREEN = (17.4, 9.8)  # inches: 1914 x 1078 pixels, one 1920 x 1080 projector screen
EXTRA_PANELS = 2  # after the activations: the two-class softmax and the key


def shown_name(name: str, language: str) -> str:
    """An activation's name as the table and the picture show it: the engine's name, in German the slides' word
    where that name is an English word (step: Stufenfunktion)."""
    return _(WORDS[name], language) if name in WORDS and language != "en" else name


def grid(span, n: int) -> list[float]:
    """n evenly spaced points from span[0] to span[1], both included."""
    lo, hi = span
    return [lo + (hi - lo) * k / (n - 1) for k in range(n)]


def grid_shape(panels: int) -> tuple[int, int]:
    """(rows, columns) for this many panels on one wide screen: about 5 columns to 3 rows (15 panels: 3 x 5)."""
    rows = max(1, round(math.sqrt(panels * 3 / 5)))
    return rows, math.ceil(panels / rows)


def value_and_slope(fn, z: float) -> tuple[float, float]:
    """fn(z) and dfn/dz at z, the slope from the engine's backward pass."""
    v = Value(z)
    out = fn(v)
    out.backward()
    return out.data, v.grad


def curve(fn, zs) -> tuple[list[float], list[float]]:
    """Values and backward-pass slopes of fn on the grid zs."""
    pairs = [value_and_slope(fn, z) for z in zs]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def breaks(fn) -> tuple[list[float], list[float]]:
    """The candidates where the slope jumps (kinks) and where the value jumps, from one-sided evaluations."""
    kinks, jumps = [], []
    for z in KINK_CANDIDATES:
        (f_left, s_left), (f_right, s_right) = value_and_slope(fn, z - KINK_EPS), value_and_slope(fn, z + KINK_EPS)
        if abs(f_right - f_left) > 1e-3:
            jumps.append(z)
        elif abs(s_right - s_left) > 1e-3:
            kinks.append(z)
    return kinks, jumps


def train_one_neuron(activation: str, epochs: int = STEP_EPOCHS) -> dict:
    """Gradient descent (MSE) on AND for one neuron; returns its weights before and after and the gradients."""
    neuron = Neuron(2, activation, rng=0)
    for w, v in zip(neuron.w, STEP_WEIGHTS):
        w.data = v
    start = [p.data for p in neuron.parameters()]
    optimizer = SGD(neuron.parameters(), lr=STEP_LR)
    X, y = STEP_DATA
    losses, grad_sizes = [], []
    for _ in range(epochs):
        loss = mse([neuron(x) for x in X], y)
        optimizer.zero_grad()
        loss.backward()
        grad_sizes.append(max(abs(p.grad) for p in neuron.parameters()))
        optimizer.step()
        losses.append(loss.data)
    return {
        "start": start,
        "end": [p.data for p in neuron.parameters()],
        "losses": losses,
        "largest_gradient": max(grad_sizes),
    }


def collapsed_network() -> dict:
    """The DEEP_SIZES network with linear activations and the one linear map it computes.

    Returns its weight matrices and biases per layer, W = W3 W2 W1 and
    b = W3 (W2 b1 + b2) + b3 multiplied out with NumPy, the deep network's
    outputs (the engine) and W x + b at DEEP_INPUTS, and how far f(x + y) - f(0)
    is from (f(x) - f(0)) + (f(y) - f(0)) for the linear network and for the
    same weights with tanh hidden units.
    """
    import numpy as np

    from autograd import no_grad

    nin, sizes = DEEP_SIZES
    linear = MLP(nin, sizes, activation="linear", output_activation="linear", rng=SEED)
    biases = random.Random(SEED)  # MLP starts its biases at 0; non-zero ones show they collapse too
    for layer in linear.layers:
        for neuron in layer.neurons:
            neuron.b.data = biases.uniform(-1.0, 1.0)
    curved = MLP(nin, sizes, activation="tanh", output_activation="linear", rng=SEED)
    curved.load_state_dict(linear.state_dict())  # the same weights and biases, tanh hidden units
    layers = [
        (np.array([[w.data for w in n.w] for n in layer.neurons]), np.array([n.b.data for n in layer.neurons]))
        for layer in linear.layers
    ]
    W, b = np.eye(nin), np.zeros(nin)
    for Wk, bk in layers:  # x -> Wk (W x + b) + bk
        W, b = Wk @ W, Wk @ b + bk
    with no_grad():

        def f(model, x):
            return np.array([o.data for o in model(list(map(float, x)))])

        deep = [f(linear, x) for x in DEEP_INPUTS]
        x, y, zero = np.array(DEEP_INPUTS[0]), np.array(DEEP_INPUTS[1]), np.zeros(nin)
        gaps = {
            name: float(np.max(np.abs((f(m, x + y) - f(m, zero)) - (f(m, x) - f(m, zero)) - (f(m, y) - f(m, zero)))))
            for name, m in (("linear", linear), ("tanh", curved))
        }
    one_map = [W @ np.array(x) + b for x in DEEP_INPUTS]
    return {
        "layers": layers,
        "W": W,
        "b": b,
        "deep": deep,
        "one_map": one_map,
        "largest_difference": float(max(np.max(np.abs(d - o)) for d, o in zip(deep, one_map))),
        "linear_additivity_gap": gaps["linear"],
        "tanh_additivity_gap": gaps["tanh"],
        "parameters": linear.num_parameters(),
    }


def _naive_softmax_outcome(logits, shift: float, language: str = "en") -> str:
    """What e^(z_i) / sum_j e^(z_j) without the shift by max z does for logits + shift, in words (in `language`)."""
    try:
        exps = [math.exp(z + shift) for z in logits]
    except OverflowError:
        return _("overflows (e^{power} is past the largest float)", language).format(power=f"{max(logits) + shift:g}")
    return _("gives [{probabilities}]", language).format(probabilities=", ".join(f"{e / sum(exps):.4f}" for e in exps))


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its picture under `out/activations`, return the key numbers.

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    n = QUICK_GRID_POINTS if quick else GRID_POINTS
    entries = activation_entries()
    spans = {entry.facts.span for entry in entries.values()}
    (lo, hi), *others = spans
    on = f"in [{lo:g}, {hi:g}]" if not others else _("over its span (see the picture)", language)
    c.heading(_("Activation functions and their derivatives", language))
    c.say(
        _(
            "Each activation on {count} points {where}; every slope below is z.grad after backward(), not a formula. "
            "'seen' is the range of the values on the grid; kinks are where the slope jumps.",
            language,
        ).format(count=n, where=on)
    )
    curves, rows = {}, []
    for name, entry in entries.items():
        fn, zs = entry.function, grid(entry.facts.span, n)
        fs, slopes = curve(fn, zs)
        kinks, jumps = breaks(fn)
        at0 = value_and_slope(fn, 0.0)
        curves[name] = {
            "z": zs,
            "f": fs,
            "slope": slopes,
            "min": min(fs),
            "max": max(fs),
            "kinks": kinks,
            "jumps": jumps,
            "at_0": at0,
        }
        kink, jump = _("kink at {z}", language), _("jump at {z}", language)
        where = ", ".join([kink.format(z=f"{z:g}") for z in kinks] + [jump.format(z=f"{z:g}") for z in jumps])
        seen = f"[{min(fs):.3g}, {max(fs):.3g}]"
        rows.append((shown_name(name, language), seen, entry.facts.range, at0[1], where or _("smooth", language)))
    header = [N_("activation"), N_("seen on the grid"), N_("range"), N_("slope at 0"), N_("kinks")]
    c.table(rows, [_(h, language) for h in header])
    c.say(
        _(
            "ReLU, leaky and parametric ReLU bend at 0, hardtanh at -1 and 1; there the engine takes one side "
            "(relu'(0) = 0, hardtanh slope 1 on its borders). ELU with alpha = 1 has no kink: both sides have slope "
            "1 at 0. GELU dips to about -0.17 near z = -0.75 before it rises.",
            language,
        )
    )

    # 1. the step function
    print()
    step_slopes = curves["step"]["slope"]
    step_run = train_one_neuron("step")
    sigmoid_run = train_one_neuron("sigmoid")
    c.say(
        _(
            "1. The step function: its slope is 0 at all {count} grid points (largest |slope| {largest}); at 0, "
            "where it jumps, it has no derivative at all (the engine returns 0 there too, the grid's middle point). "
            "A step neuron trained on AND by gradient descent (MSE, lr {lr}, {epochs} epochs) never moves: its "
            "largest gradient was {gradient}, its weights and bias stayed {start} and the loss stayed {loss}. The "
            "same neuron with a sigmoid went from loss {first} to {last}. That is why backprop needs smooth "
            "activations (the perceptron rule, which uses no gradient, can train a step neuron).",
            language,
        ).format(
            count=n,
            largest=f"{max(map(abs, step_slopes)):g}",
            lr=f"{STEP_LR:g}",
            epochs=STEP_EPOCHS,
            gradient=f"{step_run['largest_gradient']:g}",
            start=step_run["start"],
            loss=f"{step_run['losses'][-1]:.4g}",
            first=f"{sigmoid_run['losses'][0]:.4f}",
            last=f"{sigmoid_run['losses'][-1]:.4f}",
        )
    )

    # 2. softmax and a shift of all inputs
    base = [s.data for s in softmax([Value(z) for z in SOFTMAX_LOGITS])]
    shifted = {}
    for shift in SOFTMAX_SHIFTS:
        probs = [s.data for s in softmax([Value(z + shift) for z in SOFTMAX_LOGITS])]
        shifted[shift] = max(abs(p - q) for p, q in zip(probs, base))
    print()
    change = _("c = {c}: largest change {change}", language)
    c.say(
        _(
            "2. softmax({logits}) = [{probabilities}]. Adding the same constant c to every logit multiplies "
            "numerator and denominator by e^c: {changes}. The engine computes softmax(z - max z), so even c = 1000 "
            "does not overflow; written as e^(z_i) / sum_j e^(z_j) directly, c = 1000 {naive}.",
            language,
        ).format(
            logits=SOFTMAX_LOGITS,
            probabilities=", ".join(f"{p:.4f}" for p in base),
            changes="; ".join(change.format(c=f"{s:g}", change=f"{d:.2g}") for s, d in shifted.items()),
            naive=_naive_softmax_outcome(SOFTMAX_LOGITS, SOFTMAX_SHIFTS[-1], language),
        )
    )

    # 3. sigmoid is a two-class softmax
    value_gap = slope_gap = 0.0
    for z in curves["sigmoid"]["z"]:
        s, ds = value_and_slope(Value.sigmoid, z)
        two = Value(z)
        p = softmax([two, Value(0.0)])[0]
        p.backward()
        value_gap, slope_gap = max(value_gap, abs(p.data - s)), max(slope_gap, abs(two.grad - ds))
    print()
    c.say(
        _(
            "3. sigmoid(z) = e^z / (e^z + e^0) = softmax([z, 0])[0]: on the grid the values differ by at most "
            "{values} and the backward-pass slopes by at most {slopes} (rounding).",
            language,
        ).format(values=f"{value_gap:.2g}", slopes=f"{slope_gap:.2g}")
    )

    # 4. the parametric ReLU's gradient with respect to alpha
    prelu_rows = []
    for z in PRELU_POINTS:
        zv, alpha = Value(z), Value(PRELU_ALPHA, label="alpha")
        out = zv.leaky_relu(alpha)
        out.backward()
        prelu_rows.append((z, out.data, zv.grad, alpha.grad))
    print()
    c.say(
        _(
            "4. The parametric ReLU z if z > 0 else alpha z, with alpha = {alpha} a Value: backward() fills "
            "alpha.grad too. d/dz is alpha on the left and 1 on the right; d/d(alpha) is z on the left and 0 on the "
            "right, so training moves alpha only through negative inputs:",
            language,
        ).format(alpha=f"{PRELU_ALPHA:g}")
    )
    c.table(prelu_rows, ["z", "prelu(z)", "d/dz", "d/d(alpha)"])

    print()
    collapse = collapsed_network()
    W, b = collapse["W"], collapse["b"]
    c.say(
        _(
            "5. Without a non-linearity a deep network collapses into one linear map. A {sizes} network with linear "
            "activations (seed {seed}) has {count} parameters in three layers; multiplying its weight matrices out "
            "gives W = W3 W2 W1 and b = W3 (W2 b1 + b2) + b3:",
            language,
        ).format(sizes="-".join(map(str, [DEEP_SIZES[0], *DEEP_SIZES[1]])), seed=SEED, count=collapse["parameters"])
    )
    for k, row in enumerate(W):
        print(f"  W[{k}] = [{', '.join(f'{v:8.4f}' for v in row)}]   b[{k}] = {b[k]:8.4f}")
    c.table(
        [
            (str(x), f"[{', '.join(f'{v:.6f}' for v in deep)}]", f"[{', '.join(f'{v:.6f}' for v in one)}]")
            for x, deep, one in zip(DEEP_INPUTS, collapse["deep"], collapse["one_map"])
        ],
        [_("input x", language), _("the deep linear network", language), _("W x + b, one layer", language)],
    )
    c.say(
        _(
            "The same outputs to rounding (largest difference {largest}): the two hidden layers add nothing a single "
            "layer could not do. With tanh instead, the same weights are no linear map: f(x + y) - f(0) and "
            "(f(x) - f(0)) + (f(y) - f(0)) differ by {tanh} for the first two inputs (linear network: {linear}).",
            language,
        ).format(
            largest=f"{collapse['largest_difference']:.2g}",
            tanh=f"{collapse['tanh_additivity_gap']:.3g}",
            linear=f"{collapse['linear_additivity_gap']:.2g}",
        )
    )

    ranges = {name: entry.facts.range for name, entry in entries.items()}
    picture = _plot(curves, ranges, folder / "activations.png", language)
    c.wrote([picture], language)
    return {
        "curves": curves,
        "step": step_run,
        "sigmoid_neuron": sigmoid_run,
        "softmax": base,
        "softmax_shift_change": shifted,
        "sigmoid_vs_softmax": (value_gap, slope_gap),
        "prelu": prelu_rows,
        "collapse": collapse,
        "images": [picture],
    }


def _plot(curves, ranges, path, language: str):
    with c.style():
        fig, axes = c.figure(*grid_shape(len(curves) + EXTRA_PANELS), size=SCREEN)
        cells = list(axes.flat)
        for ax, (name, cv) in zip(cells, curves.items()):
            ax.plot(cv["z"], cv["f"], color=c.COLORS[0])
            ax.plot(cv["z"], cv["slope"], "--", color=c.COLORS[1])
            for z in cv["kinks"] + cv["jumps"]:
                ax.axvline(z, color=c.COLORS[6], lw=1.5, ls=":")
            title = _("{name}  range {range}", language)
            ax.set_title(
                title.format(name=shown_name(name, language), range=ranges[name].replace("inf", "∞")), fontsize=14
            )
            ax.set_ylim(-1.6, 2.6)
            if name == "leaky_relu":
                _magnify_left(ax, cv, language)
            ax.set_xlabel("z", labelpad=0)
        zs = curves["sigmoid"]["z"]
        two_class = [softmax([Value(z), Value(0.0)])[0].data for z in zs]
        ax = cells[len(curves)]
        ax.plot(zs, two_class, color=c.COLORS[2], label="softmax([z, 0])[0]")
        ax.plot(zs, curves["sigmoid"]["f"], ":", color=c.COLORS[0], lw=4, label="sigmoid(z)")
        ax.set_title(_("two-class softmax = sigmoid", language), fontsize=14)
        ax.set_xlabel("z", labelpad=0)
        key = cells[len(curves) + 1]  # the last cell is the key to every panel
        key.plot([], [], color=c.COLORS[0], label="f(z)")
        key.plot([], [], "--", color=c.COLORS[1], label=_("f'(z), from backward()", language))
        key.plot([], [], ls=":", lw=1.5, color=c.COLORS[6], label=_("kink or jump", language))
        key.plot([], [], color=c.COLORS[2], label="softmax([z, 0])[0]")
        key.plot([], [], ":", color=c.COLORS[0], lw=4, label="sigmoid(z)")
        key.axis("off")
        key.legend(loc="center", fontsize=14, frameon=False)
        for ax in cells[len(curves) + 2 :]:
            ax.set_visible(False)
        fig.suptitle(_("Each activation (solid) and its derivative from the backward pass (dashed)", language))
        return c.save_figure(fig, path)


def _magnify_left(ax, cv, language: str) -> None:
    """An inset for leaky ReLU: its left side with the y axis magnified, where the slope 0.01 otherwise looks flat."""
    left = [(z, f) for z, f in zip(cv["z"], cv["f"]) if z <= 0.5]
    inset = ax.inset_axes([0.17, 0.42, 0.42, 0.36])
    inset.plot([z for z, _ in left], [f for _, f in left], color=c.COLORS[0], lw=2)
    inset.set_ylim(-0.05, 0.02)
    inset.set_xlim(left[0][0], 0.5)
    inset.set_xticks([-4, -2, 0])
    inset.set_yticks([-0.04, 0])
    inset.set_title(
        _("z < 0, y magnified: slope {slope}", language).format(slope=f"{cv['slope'][0]:g}"), fontsize=11, pad=2
    )
    inset.tick_params(labelsize=9, pad=1)
    inset.set_facecolor("white")


def main(argv=None) -> dict:
    """Command line: python -m demos.activations [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
