"""Jacobians: the chain rule for whole layers, and the slides' 3-layer network computed three ways.

For f: R^n -> R^m the Jacobian is the m x n matrix of partial derivatives,
and the chain rule for g(f(x)) is the matrix product J_g J_f. The first part
prints each Jacobian of the slides for a small case, from the engine
(`autograd.jacobian`) beside the slides' formula in NumPy: the L2 and L1
rows (sign(0) = 0), the cross-entropy row at y = 2, the diagonal Jacobian of
an activation, the softmax matrix s_i (delta_ij - s_j), and for a = W x + b
the Jacobians W, I and delta_ik x_l (so dL/dW = dL/da outer x).

The second part is the network the slides end with: three 10 x 10 weight
matrices, 10 x 1 biases, sigmoid, sigmoid, identity, random x and y, and
L = sum (z3 - y)^2. Its gradients with respect to x, every W and every b are
computed by the engine's scalar backprop, by the slides' products of Jacobian
matrices in NumPy, and by PyTorch when it is installed (the slides' code, and
the engine's MLP moved over with `MLP.to_torch()`). They agree to rounding.
The products share their prefixes from the last layer to the first: that
sharing is backprop.

Course material: section 11 of the lecture notes the project follows.
"""

from __future__ import annotations

import numpy as np

from autograd import Value, dot, install_command, jacobian, total
from autograd.language import Domain
from demos import _common as c
from nn import MLP, l1, mse, softmax

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "jacobians"
SUMMARY = N_("Jacobians: the chain rule for whole layers, and the slides' 3-layer network computed three ways.")
SEED = 4  # NumPy's generator for the network's weights, x and y
SIZE = 10  # the slides: 10 inputs, 10 x 10 weights, 10 outputs
Y_HAT = [0.5, -1.0, 2.0]  # the small loss examples: the second output is exactly right
Y_TRUE = [0.2, -1.0, 2.5]
PROBS = [0.1, 0.2, 0.6, 0.1]  # cross-entropy over 4 classes ...
CLASS = 2  # ... with y = 2
ACT_X = [-1.0, 0.5, 2.0]  # the activation (sigmoid) example
LOGITS = [1.0, 2.0, 0.5]  # the softmax example
W_SMALL = [[1.0, -2.0, 0.5], [0.3, 0.8, -1.0]]  # a = W x + b with 2 outputs, 3 inputs
X_SMALL = [2.0, -1.0, 0.5]
B_SMALL = [0.1, -0.2]


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def values(numbers, label: str) -> list[Value]:
    return [Value(float(v), label=f"{label}{i}") for i, v in enumerate(numbers)]


# ---- part 1: the Jacobian of each piece ---------------------------------------------------


def small_jacobians() -> dict:
    """{name: (engine's Jacobian, the slides' formula)} for each Jacobian of section 11, small cases.

    The names are English, marked for the catalog: the printed table translates them.
    """
    cases = {}
    y_hat = values(Y_HAT, "y_hat")
    diff = np.array(Y_HAT) - np.array(Y_TRUE)
    cases[N_("L2 loss sum (y_hat - y)^2: row 2 (y_hat - y)")] = (
        jacobian(mse(y_hat, Y_TRUE) * len(Y_HAT), y_hat),
        2 * diff[None, :],
    )
    y_hat = values(Y_HAT, "y_hat")
    cases[N_("L1 loss sum |y_hat - y|: row sign(y_hat - y)")] = (
        jacobian(l1(y_hat, Y_TRUE, reduction="sum"), y_hat),
        np.sign(diff)[None, :],  # NumPy's sign(0) is 0, as the slides'
    )
    p = values(PROBS, "p")
    row = np.zeros((1, len(PROBS)))
    row[0, CLASS] = -1.0 / PROBS[CLASS]
    cases[N_("cross-entropy -log p_{k}: row [0, 0, -1/p_{k}, 0]").format(k=CLASS)] = (jacobian(-p[CLASS].log(), p), row)
    x = values(ACT_X, "x")
    s = _sigmoid(np.array(ACT_X))
    cases[N_("sigmoid element-wise: diag(f'(x_i))")] = (jacobian([v.sigmoid() for v in x], x), np.diag(s * (1 - s)))
    z = values(LOGITS, "z")
    e = np.exp(np.array(LOGITS))
    sm = e / e.sum()
    cases[N_("softmax: s_i (delta_ij - s_j)")] = (jacobian(softmax(z), z), np.diag(sm) - np.outer(sm, sm))
    W = [values(row, f"W{i}_") for i, row in enumerate(W_SMALL)]
    x, b = values(X_SMALL, "x"), values(B_SMALL, "b")
    a = [dot(W[i], x, b[i]) for i in range(len(W))]
    flat_W = [w for row in W for w in row]
    cases[N_("a = W x + b, d a / d x: W")] = (jacobian(a, x), np.array(W_SMALL))
    cases[N_("a = W x + b, d a / d b: I")] = (jacobian(a, b), np.eye(len(B_SMALL)))
    cases[N_("a = W x + b, d a_i / d W_kl: delta_ik x_l")] = (
        jacobian(a, flat_W),
        np.kron(np.eye(len(B_SMALL)), np.array(X_SMALL)[None, :]),  # row i: x in block i, 0 elsewhere
    )
    loss = total([ai * ai for ai in a])  # L = sum a_i^2, so dL/da = 2a
    loss.backward()
    a_np = np.array(W_SMALL) @ np.array(X_SMALL) + np.array(B_SMALL)
    cases[N_("L = sum a_i^2: dL/dW = (dL/da) outer x")] = (
        np.array([[w.grad for w in row] for row in W]),
        np.outer(2 * a_np, np.array(X_SMALL)),
    )
    return cases


# ---- part 2: the slides' network ----------------------------------------------------------


def slides_network(seed: int = SEED) -> dict:
    """The slides' random network: W1..W3 (10 x 10), b1..b3 (10 x 1), x and y (10 x 1), as NumPy arrays."""
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((SIZE, SIZE)) for _ in range(3)]
    b = [rng.standard_normal((SIZE, 1)) for _ in range(3)]
    return {"W": W, "b": b, "x": rng.standard_normal((SIZE, 1)), "y": rng.standard_normal((SIZE, 1))}


def as_mlp(net: dict) -> MLP:
    """The network as the engine's MLP(10, [10, 10, 10]) with sigmoid, sigmoid and a linear output."""
    model = MLP(SIZE, [SIZE, SIZE, SIZE], activation="sigmoid", output_activation="linear", rng=0)
    state = {}
    for k in range(3):
        for j in range(SIZE):
            for i in range(SIZE):
                state[f"layers.{k}.neurons.{j}.w.{i}"] = float(net["W"][k][j, i])
            state[f"layers.{k}.neurons.{j}.b"] = float(net["b"][k][j, 0])
    model.load_state_dict(state)
    return model


def engine_gradients(net: dict) -> dict:
    """Loss and gradients by the engine's scalar backprop: {"L", "x", "W": [3], "b": [3]}."""
    model = as_mlp(net)
    x = values(net["x"][:, 0], "x")
    z3 = model(x)
    loss = total([(o - float(t)) ** 2 for o, t in zip(z3, net["y"][:, 0])])
    loss.backward()
    layers = model.layers
    return {
        "L": loss.data,
        "x": np.array([[v.grad] for v in x]),
        "W": [np.array([[w.grad for w in n.w] for n in layer.neurons]) for layer in layers],
        "b": [np.array([[n.b.grad] for n in layer.neurons]) for layer in layers],
    }


def jacobian_products(net: dict) -> dict:
    """The slides' products of Jacobians in NumPy, each gradient computed from its own full product.

    dL/dx = J_L2 J_fout W3 J_f2 W2 J_f1 W1, dL/db3 = J_L2 J_fout, dL/dW3 = (J_L2 J_fout) outer z2, ...
    Also returns how many matrix products that takes, and how many when the shared prefixes are reused.
    """
    W, b, x, y = net["W"], net["b"], net["x"], net["y"]
    a1 = W[0] @ x + b[0]
    z1 = _sigmoid(a1)
    a2 = W[1] @ z1 + b[1]
    z2 = _sigmoid(a2)
    a3 = W[2] @ z2 + b[2]
    z3 = a3  # identity output
    J_L2 = 2 * (z3 - y).T  # 1 x 10
    J_fout = np.eye(SIZE)
    J_f2 = np.diag((_sigmoid(a2) * (1 - _sigmoid(a2)))[:, 0])
    J_f1 = np.diag((_sigmoid(a1) * (1 - _sigmoid(a1)))[:, 0])
    chains = {  # the factors of each gradient, left to right, as the slides write them
        "b3": [J_L2, J_fout],
        "b2": [J_L2, J_fout, W[2], J_f2],
        "b1": [J_L2, J_fout, W[2], J_f2, W[1], J_f1],
        "x": [J_L2, J_fout, W[2], J_f2, W[1], J_f1, W[0]],
    }
    rows = {}
    products_alone = 0
    for name, factors in chains.items():
        row = factors[0]
        for f in factors[1:]:
            row = row @ f
            products_alone += 1
        rows[name] = row
    products_shared = len(chains["x"]) - 1  # each prefix extends the previous one by one factor
    return {
        "L": float(np.sum((z3 - y) ** 2)),
        "x": rows["x"].T,
        "W": [np.outer(rows["b1"], x), np.outer(rows["b2"], z1), np.outer(rows["b3"], z2)],
        "b": [rows["b1"].T, rows["b2"].T, rows["b3"].T],
        "products_alone": products_alone,
        "products_shared": products_shared,
    }


def torch_gradients(net: dict):
    """The slides' PyTorch code (float64), and the MLP moved to PyTorch by `to_torch()`; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    W = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in net["W"]]
    b = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in net["b"]]
    x = torch.tensor(net["x"], dtype=torch.float64, requires_grad=True)
    y = torch.tensor(net["y"], dtype=torch.float64)
    z1 = torch.sigmoid(W[0] @ x + b[0])
    z2 = torch.sigmoid(W[1] @ z1 + b[1])
    z3 = W[2] @ z2 + b[2]
    loss = torch.sum((z3 - y) ** 2)
    loss.backward()
    slides = {
        "L": loss.item(),
        "x": x.grad.numpy(),
        "W": [w.grad.numpy() for w in W],
        "b": [v.grad.numpy() for v in b],
    }
    module = as_mlp(net).to_torch()  # Linear, Sigmoid, Linear, Sigmoid, Linear
    xt = torch.tensor(net["x"].T, dtype=torch.float64, requires_grad=True)  # one row: a batch of one
    loss = torch.sum((module(xt) - y.T) ** 2)
    loss.backward()
    linears = [m for m in module if isinstance(m, torch.nn.Linear)]
    bridged = {
        "L": loss.item(),
        "x": xt.grad.numpy().T,
        "W": [m.weight.grad.numpy() for m in linears],
        "b": [m.bias.grad.numpy()[:, None] for m in linears],
    }
    return {"slides' PyTorch code": slides, "MLP.to_torch()": bridged}


def largest_difference(a: dict, b: dict) -> float:
    """The largest |difference| over the loss and every gradient of two results."""
    pairs = [(a["L"], b["L"]), (a["x"], b["x"])] + list(zip(a["W"], b["W"])) + list(zip(a["b"], b["b"]))
    return max(float(np.max(np.abs(np.asarray(p) - np.asarray(q)))) for p, q in pairs)


def largest_gradient(result: dict) -> float:
    """The largest |entry| of any gradient of a result."""
    return max(float(np.max(np.abs(g))) for g in [result["x"], *result["W"], *result["b"]])


def _lines(matrix) -> list[str]:
    """A matrix as printed lines, one per row, its columns aligned (a single row as it is)."""
    cells = [[f"{v:.4g}" for v in row] for row in np.atleast_2d(matrix)]
    width = max(len(t) for row in cells for t in row) if len(cells) > 1 else 0
    return ["[" + " ".join(t.rjust(width) for t in row) + "]" for row in cells]


def _case_name(name: str, language: str) -> str:
    """A case's name from small_jacobians in `language` (the cross-entropy's carries the class)."""
    template = N_("cross-entropy -log p_{k}: row [0, 0, -1/p_{k}, 0]")
    if name == template.format(k=CLASS):
        return _(template, language).format(k=CLASS)
    return _(name, language)


def _print_cases(cases, language: str) -> None:
    """Each small case: its name, the engine's matrix row by row, the largest difference to the formula."""
    names = {name: _case_name(name, language) for name in cases}
    header = [_("Jacobian", language), _("engine", language), _("difference to the formula", language)]
    name_width = max(len(name) for name in [*names.values(), header[0]])
    matrix_width = max(len(line) for engine, _formula in cases.values() for line in _lines(engine))
    print(f"  {header[0]:<{name_width}}  {header[1]:<{matrix_width}}  {header[2]}")
    print(f"  {'-' * name_width}  {'-' * matrix_width}  {'-' * len(header[2])}")
    for name, (engine, formula) in cases.items():
        first, *rest = _lines(engine)
        shown = names[name]
        print(f"  {shown:<{name_width}}  {first:<{matrix_width}}  {float(np.max(np.abs(engine - formula))):.2g}")
        for line in rest:
            print(f"  {'':<{name_width}}  {line}")


@c.in_language
def run(out=c.DEFAULT_OUT, quick: bool = False, *, language: str | None = None) -> dict:
    """Run the demo, write its picture under `out/jacobians`, return the key numbers (quick changes nothing).

    The texts are in `language` ("de" or "en"; None: the language in force).
    """
    folder = c.demo_dir(out, NAME)
    c.heading(_("Jacobians: the chain rule for whole layers", language))
    c.say(
        _(
            "Each Jacobian of the slides for a small case: the engine's jacobian(outputs, inputs) (one backward "
            "sweep per output) beside the slides' formula in NumPy. y_hat = {y_hat}, y = {y}; p = {p}; sigmoid at "
            "{x}; softmax of {z}; W = {W}, x = {x_small}, b = {b}.",
            language,
        ).format(y_hat=Y_HAT, y=Y_TRUE, p=PROBS, x=ACT_X, z=LOGITS, W=W_SMALL, x_small=X_SMALL, b=B_SMALL)
    )
    cases = small_jacobians()
    _print_cases(cases, language)
    c.say(
        _(
            "The L1 row has 0 where y_hat equals y (sign(0) = 0); the cross-entropy row is zero except at the "
            "correct class; an element-wise activation gives a diagonal matrix; d a / d W is a 3-index tensor "
            "(written here as a 2 x 6 matrix over the flattened W), so in practice one multiplies dL/da by it at "
            "once: dL/dW = (dL/da) outer x.",
            language,
        )
    )

    print()
    net = slides_network()
    engine = engine_gradients(net)
    products = jacobian_products(net)
    torch_results = torch_gradients(net)
    c.say(
        _(
            "The slides' network: W1, W2, W3 of {size} x {size}, biases {size} x 1, sigmoid, sigmoid, identity, x "
            "and y drawn from N(0, 1) (NumPy seed {seed}), L = sum (z3 - y)^2 = {loss}. Gradients of L with respect "
            "to x, W1..W3 and b1..b3, computed:",
            language,
        ).format(size=SIZE, seed=SEED, loss=f"{engine['L']:.6g}")
    )
    results = {N_("engine (scalar backprop)"): engine, N_("Jacobian products (NumPy)"): products}
    if torch_results is not None:
        results.update(torch_results)
    differences = {name: largest_difference(engine, r) for name, r in results.items() if r is not engine}
    c.table(
        [
            (
                _(name, language),
                f"{r['L']:.10g}",
                f"{float(np.linalg.norm(r['x'])):.10g}",
                "-" if r is engine else f"{differences[name]:.2g}",
            )
            for name, r in results.items()
        ],
        [_("method", language), "L", "|dL/dx|", _("largest difference to the engine", language)],
    )
    if torch_results is None:
        c.say(
            _("(PyTorch is not installed, so its two rows are missing: {command})", language).format(
                command=install_command("torch")
            )
        )
    c.say(
        _(
            "The differences are rounding: the gradients reach {largest}. Written out, the products take {alone} "
            "matrix products when each gradient is computed from its own chain for dL/db3, dL/db2, dL/db1 and "
            "dL/dx, but every chain starts with the one before it: J_L2 J_fout is dL/db3, times W3 J_f2 it is "
            "dL/db2, times W2 J_f1 dL/db1, times W1 dL/dx (and each dL/dW is the outer product of one of these rows "
            "with the layer's input). Going from the last layer to the first and keeping each prefix needs "
            "{shared}, no more than dL/dx alone: that reuse is backprop, and it is what the engine's backward pass "
            "does one scalar at a time.",
            language,
        ).format(
            largest=f"{largest_gradient(engine):.3g}",
            alone=products["products_alone"],
            shared=products["products_shared"],
        )
    )
    picture = _plot(cases, engine, products, folder / "jacobians.png", language)
    c.wrote([picture], language)
    return {
        "cases": cases,
        "network": net,
        "engine": engine,
        "products": products,
        "torch": torch_results,
        "differences": differences,
        "images": [picture],
    }


def _plot(cases, engine, products, path, language: str):
    with c.style():
        fig, axes = c.figure(1, 3, size=(17.4, 6.2))  # 1914 pixels wide: one projector screen
        softmax_j = next(engine_j for name, (engine_j, _formula) in cases.items() if name.startswith("softmax"))
        panels = [
            (
                softmax_j,
                _("softmax Jacobian ds_i/dz_j\nat z = {z}", language).format(z=LOGITS),
                _("j (input z_j)", language),
                _("i (output s_i)", language),
            ),
            (engine["W"][0], _("dL/dW1 by the engine's backprop\n(row k, column l: dL/dW1[k, l])", language), "l", "k"),
            (
                np.abs(engine["W"][0] - products["W"][0]),
                _("|engine - Jacobian products|\nfor dL/dW1", language),
                "l",
                "k",
            ),
        ]
        for i, j in np.ndindex(*softmax_j.shape):  # the small matrix's numbers written in its cells
            axes[0][0].text(j, i, f"{softmax_j[i, j]:.3f}", ha="center", va="center", fontsize=14)
        for ax, (matrix, title, xlabel, ylabel) in zip(axes[0], panels):
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            if matrix.min() < 0:  # a diverging map with 0 in the middle
                top = float(np.max(np.abs(matrix)))
                image = ax.imshow(matrix, cmap="coolwarm", vmin=-top, vmax=top)
            else:
                image = ax.imshow(matrix, cmap="viridis")
            ax.set_xticks(range(matrix.shape[1]))
            ax.set_yticks(range(matrix.shape[0]))
            fig.colorbar(image, ax=ax, shrink=0.8)
            ax.set_title(title, fontsize=14)
            ax.grid(False)
        fig.suptitle(_("The slides' Jacobians: a small softmax, and the 10 x 10 network's first layer", language))
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.jacobians [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()
