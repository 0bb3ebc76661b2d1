"""micrograd's nn API on this project: Neuron(nin, nonlin=...), Layer, MLP, parameters(), zero_grad(),
and micrograd's demo training loop run unchanged through an import shim."""

import random
import subprocess
import sys

import pytest
from micrograd_shims import micrograd_shims
from readme_sections import ROOT, python_blocks, readme_section, run_examples

from autograd import Value, gradcheck
from demos.moons import make_moons
from nn import ACTIVATIONS, MLP, Layer, Module, Neuron, hinge, mse


def seeded(seed, make):
    """make() with Python's global generator seeded (as micrograd's demo does), restored afterwards."""
    state = random.getstate()
    try:
        random.seed(seed)
        return make()
    finally:
        random.setstate(state)


# ---- nonlin -----------------------------------------------------------------------------------


def test_nonlin_true_is_relu_and_false_is_linear():
    relu, linear = Neuron(2, nonlin=True, rng=0), Neuron(2, nonlin=False, rng=0)
    assert (relu.activation, linear.activation) == ("relu", "linear")
    assert (relu.nonlin, linear.nonlin) == (True, False)
    for n in (relu, linear):
        n.load_state_dict({"w.0": 1.0, "w.1": -2.0, "b": 0.5})
    # z = 1 * 1 - 2 * 2 + 0.5 = -2.5
    assert relu([1.0, 2.0]).data == 0.0
    assert linear([1.0, 2.0]).data == -2.5


def test_nonlin_defaults_and_other_activations():
    assert Neuron(2).nonlin is True and Neuron(2).activation == "relu"
    assert Neuron(2, activation="tanh").nonlin is True  # any activation but the identity counts as nonlinear
    assert Neuron(2, activation="linear").nonlin is False
    assert Neuron(2, False).activation == "linear"  # micrograd's positional form
    assert Neuron(2, True).activation == "relu"


@pytest.mark.parametrize(
    "activation, nonlin",
    [("relu", True), ("linear", False), (Value.relu, True), (ACTIVATIONS["linear"], False), (None, True), (True, True)],
)
def test_activation_and_nonlin_that_agree_are_fine(activation, nonlin):
    assert Neuron(2, activation, nonlin=nonlin).nonlin is nonlin


@pytest.mark.parametrize("activation, nonlin", [("tanh", True), ("relu", False), ("linear", True), ("prelu", False)])
def test_activation_and_nonlin_that_contradict_raise(activation, nonlin):
    with pytest.raises(ValueError, match=rf"Neuron: nonlin={nonlin} means .*activation='{activation}'"):
        Neuron(2, activation=activation, nonlin=nonlin)
    with pytest.raises(ValueError, match=rf"Layer: nonlin={nonlin} means .*activation='{activation}'"):
        Layer(2, 3, activation, nonlin=nonlin)


def test_positional_bool_and_nonlin_that_contradict_raise():
    with pytest.raises(ValueError, match=r"Neuron: nonlin=False contradicts activation=True"):
        Neuron(2, True, nonlin=False)


@pytest.mark.parametrize("bad", ["yes", [], 2, 0.5])
def test_nonlin_must_be_a_bool(bad):
    with pytest.raises(TypeError, match=r"nonlin must be True \(ReLU\) or False \(linear\).*got"):
        Neuron(2, nonlin=bad)
    neuron = Neuron(2)
    with pytest.raises(TypeError, match=r"Neuron: nonlin must be True"):
        neuron.nonlin = bad


def test_setting_nonlin_switches_the_activation_as_in_micrograd():
    neuron = Neuron(1, rng=0)
    neuron.load_state_dict({"w.0": 1.0, "b": 0.0})
    assert neuron([-3.0]).data == 0.0
    neuron.nonlin = False
    assert neuron.activation == "linear" and neuron([-3.0]).data == -3.0
    neuron.nonlin = True
    assert neuron.activation == "relu" and neuron([-3.0]).data == 0.0


def test_layer_passes_nonlin_to_every_neuron():
    layer = Layer(3, 4, nonlin=False, rng=0)
    assert layer.activation == "linear"
    assert [n.nonlin for n in layer.neurons] == [False] * 4
    assert [n.nonlin for n in Layer(3, 2, nonlin=True).neurons] == [True, True]
    with pytest.raises(ValueError, match="softmax"):
        Layer(2, 3, "softmax", nonlin=True)


# ---- what micrograd users touch ---------------------------------------------------------------


def test_micrograd_attributes_and_parameter_order():
    neuron = Neuron(3, rng=0)
    assert len(neuron.w) == 3 and all(isinstance(w, Value) for w in neuron.w)
    assert isinstance(neuron.b, Value) and neuron.b.data == 0  # micrograd starts the bias at 0
    assert all(-1.0 <= w.data <= 1.0 for w in neuron.w)  # U(-1, 1), as micrograd
    params = neuron.parameters()
    assert len(params) == 4 and all(p is q for p, q in zip(params, neuron.w + [neuron.b]))
    layer = Layer(3, 2, rng=0)
    assert len(layer.neurons) == 2
    assert all(p is q for p, q in zip(layer.parameters(), [p for n in layer.neurons for p in n.parameters()]))
    model = MLP(2, [16, 16, 1], rng=0)
    assert len(model.layers) == 3 and len(model.parameters()) == 337
    assert all(p is q for p, q in zip(model.parameters(), [p for lay in model.layers for p in lay.parameters()]))


def test_mlp_is_relu_except_the_last_layer():
    model = MLP(2, [16, 16, 1])
    assert [[n.nonlin for n in layer.neurons] for layer in model.layers] == [[True] * 16, [True] * 16, [False]]


def test_call_results_have_micrograd_shapes():
    x = [0.5, -1.0]
    assert isinstance(Neuron(2)(x), Value)
    assert isinstance(Layer(2, 1)(x), Value)
    out = Layer(2, 3)(x)
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(MLP(2, [4, 1])(x), Value)
    assert len(MLP(2, [4, 2])(x)) == 2
    # inputs may be Values, as micrograd's demo passes them (list(map(Value, row)))
    assert isinstance(MLP(2, [4, 1])(list(map(Value, x))), Value)


def test_zero_grad_zeroes_every_parameter():
    model = MLP(2, [3, 3, 1], rng=1)
    (model([1.0, -2.0]) * 5.0).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_same_seed_same_weights_and_gradients_as_real_micrograd():
    mg = pytest.importorskip("micrograd.nn", reason="the real micrograd (the `bench` extra) is not installed")
    theirs = seeded(3, lambda: mg.MLP(3, [4, 4, 1]))
    ours = seeded(3, lambda: MLP(3, [4, 4, 1]))
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    for x in ([0.5, -1.0, 2.0], [-0.3, 0.8, 0.1]):
        ours.zero_grad()
        theirs.zero_grad()
        a, b = ours(x), theirs(x)
        assert a.data == pytest.approx(b.data, rel=1e-12, abs=1e-15)
        a.backward()
        b.backward()
        assert [p.grad for p in ours.parameters()] == pytest.approx(
            [p.grad for p in theirs.parameters()], rel=1e-12, abs=1e-15
        )


def test_micrograd_style_module_subclass_defining_parameters_only():
    class Affine(Module):  # a micrograd user's module: parameters() and __call__, nothing else
        def __init__(self):
            self.a, self.c = Value(2.0), Value(-1.0)

        def __call__(self, x):
            return self.a * x + self.c

        def parameters(self):
            return [self.a, self.c]

    model = Affine()
    model(3.0).backward()
    assert (model.a.grad, model.c.grad) == (3.0, 1.0)
    model.zero_grad()
    assert (model.a.grad, model.c.grad) == (0.0, 0.0)
    assert model.num_parameters() == 2


# ---- Value subclasses in nn --------------------------------------------------------------------


class Param(Value):
    """A student's subclass of Value."""


def test_value_subclasses_as_inputs_and_predictions():
    model = MLP(2, [3, 1], activation="tanh", rng=2)
    x = [Param(0.4, label="x0"), Param(-0.9, label="x1")]
    assert gradcheck(lambda *_: model(x), model.parameters() + x)
    # losses keep the gradient of a subclass prediction (they used to take it for a plain number)
    score = Param(0.25)
    hinge([score], [1]).backward()  # relu(1 - 0.25) = 0.75, slope -1
    assert score.grad == -1.0
    pred = Param(3.0)
    mse([pred], [1.0]).backward()  # (3 - 1)^2, slope 2 (3 - 1)
    assert pred.grad == 4.0


# ---- micrograd's demo, run through the shim ------------------------------------------------------


def micrograd_demo(X, y, steps, seed=1337):
    """micrograd's demo notebook, in our words: the imports, the model, the max-margin loss with L2,
    accuracy, zero_grad, backward and a decaying learning rate. Returns (model, losses, accuracies)."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = seeded(seed, lambda: MLP(2, [16, 16, 1]))
    losses, accuracies = [], []
    for k in range(steps):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        margins = [(1 + -label * score).relu() for label, score in zip(y, scores)]
        data_loss = sum(margins) * (1.0 / len(margins))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        hits = [(label > 0) == (score.data > 0) for label, score in zip(y, scores)]
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
        accuracies.append(sum(hits) / len(hits))
    return model, losses, accuracies


@pytest.fixture(scope="module")
def trained():
    np = pytest.importorskip("numpy")
    X, y = make_moons(100, noise=0.1, seed=1337)
    X, y = np.array(X), np.array(y)  # the notebook's data are NumPy arrays: rows of float64, labels int64
    with micrograd_shims():
        model, losses, accuracies = micrograd_demo(X, y, steps=100)
    return model, losses, accuracies, X, y


def test_micrograd_demo_trains_two_moons(trained):
    model, losses, accuracies, X, y = trained
    assert isinstance(model, MLP)
    # measured with these data and seed: 100 % from step 11 on (>= 95 %), loss 1.0 -> 0.012
    assert accuracies[-1] >= 0.98
    assert min(accuracies[-10:]) >= 0.95
    assert losses[-1] < 0.1 * losses[0]


def test_micrograd_demo_decision_boundary(trained):
    np = pytest.importorskip("numpy")
    model, _, _, X, y = trained
    with micrograd_shims():
        from micrograd.engine import Value

        h = 0.25
        xx, yy = np.meshgrid(np.arange(-2.0, 3.0, h), np.arange(-1.5, 2.0, h))
        mesh = np.c_[xx.ravel(), yy.ravel()]
        scores = list(map(model, [list(map(Value, row)) for row in mesh]))
        Z = np.array([s.data > 0 for s in scores]).reshape(xx.shape)
    assert 0.1 < Z.mean() < 0.9  # both classes appear on the grid
    # the top of the upper moon (label -1) and the bottom of the lower moon (label +1)
    top = model(list(map(Value, [0.0, 1.0]))).data
    bottom = model(list(map(Value, [1.0, -0.5]))).data
    assert top < 0 < bottom
    training = [model(list(map(Value, row))).data > 0 for row in X]
    assert np.mean(np.array(training) == (y > 0)) >= 0.98


def test_micrograd_demo_matches_real_micrograd_step_by_step():
    pytest.importorskip("micrograd.nn", reason="the real micrograd (the `bench` extra) is not installed")
    np = pytest.importorskip("numpy")
    X, y = make_moons(16, noise=0.1, seed=5)
    X, y = np.array(X), np.array(y)
    _, real_losses, real_acc = micrograd_demo(X, y, steps=4, seed=11)
    with micrograd_shims():
        _, our_losses, our_acc = micrograd_demo(X, y, steps=4, seed=11)
    assert our_losses == pytest.approx(real_losses, rel=1e-10)
    assert our_acc == real_acc
    assert real_losses[-1] != real_losses[0]


# ---- the README's "Coming from micrograd" ------------------------------------------------------

MICROGRAD = "Coming from micrograd"


def test_readme_section_examples_run():
    blocks = python_blocks(readme_section(MICROGRAD))
    examples = "\n".join(b for b in blocks if ">>>" in b)
    test = run_examples(examples, MICROGRAD)
    assert len(test.examples) >= 4


def test_readme_import_shim_runs_micrograd_code_unchanged():
    blocks = [b for b in python_blocks(readme_section(MICROGRAD)) if ">>>" not in b]
    imports, shim = blocks[0], blocks[1]
    assert len(shim.strip().splitlines()) == 3
    micrograd_code = (
        "from micrograd.engine import Value\n"
        "from micrograd.nn import MLP, Neuron, Layer, Module\n"
        "import micrograd.engine\n"
        "import autograd, nn\n"
        "assert Value is autograd.Value and micrograd.engine.Value is Value and MLP is nn.MLP\n"
        "model = MLP(2, [4, 1])\n"
        "out = model(list(map(Value, [0.5, -1.0])))\n"
        "out.backward()\n"
        "assert len(model.parameters()) == 17 and isinstance(out, Value)\n"
        "print('ran')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", shim + micrograd_code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout == "ran\n", result.stderr
    result = subprocess.run(
        [sys.executable, "-c", imports + "assert Value(2.0) * MLP(1, [1])([1.0]) is not None\nprint(Neuron, Layer)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
