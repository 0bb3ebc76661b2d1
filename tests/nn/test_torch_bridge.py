"""MLP.to_torch / MLP.from_torch: the same network in PyTorch, checked by PyTorch's own forward and backward.

PyTorch is the independent computation here: its modules and its autograd
compute the outputs and gradients that the engine's must equal (float64).
"""

import random
import sys

import pytest
from checks import check_message

from autograd import Value
from nn import ACTIVATIONS, MLP

SIZES = [3, [4, 5, 2]]  # two hidden layers, so a hidden activation is used twice


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")


def random_model(activation, output_activation, seed):
    """An MLP with random weights, biases and (for prelu) a different slope per neuron."""
    model = MLP(SIZES[0], SIZES[1], activation=activation, output_activation=output_activation, rng=seed)
    rng = random.Random(seed + 100)
    for name, p in model.named_parameters():
        p.data = rng.uniform(0.05, 0.6) if name.endswith("alpha") else rng.uniform(-1.5, 1.5)
    return model


def random_batch(seed, n=6):
    rng = random.Random(seed)
    return [[rng.uniform(-2.5, 2.5) for _ in range(SIZES[0])] for _ in range(n)]


CASES = [(a, a) for a in ACTIVATIONS] + [("tanh", "softmax"), ("relu", "linear"), ("prelu", "sigmoid")]


@pytest.mark.parametrize(("activation", "output_activation"), CASES)
def test_outputs_and_gradients_equal_pytorchs(torch, activation, output_activation):
    seed = 7
    model = random_model(activation, output_activation, seed)
    net = model.to_torch()
    X = random_batch(seed)
    coefficients = random_batch(seed + 1, n=len(X))  # a loss weighing each output differently
    coefficients = [row[: SIZES[1][-1]] for row in coefficients]

    # the engine: inputs as Values, so the gradient with respect to x is compared too
    xs = [[Value(v) for v in row] for row in X]
    outs = [model(row) for row in xs]
    outs = [o if isinstance(o, list) else [o] for o in outs]
    loss = sum(c * o for cs, os in zip(coefficients, outs) for c, o in zip(cs, os))
    loss.backward()

    # PyTorch
    tx = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    tout = net(tx)
    assert tout.dtype == torch.float64
    (tout * torch.tensor(coefficients, dtype=torch.float64)).sum().backward()

    mine = torch.tensor([[o.data for o in row] for row in outs], dtype=torch.float64)
    assert torch.allclose(mine, tout.detach(), rtol=1e-12, atol=1e-12)
    grad_x = torch.tensor([[v.grad for v in row] for row in xs], dtype=torch.float64)
    assert torch.allclose(grad_x, tx.grad, rtol=1e-12, atol=1e-12)

    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    prelus = [m for m in net if isinstance(m, torch.nn.PReLU)]
    for k, layer in enumerate(model.layers):
        w_grad = [[w.grad for w in n.w] for n in layer.neurons]
        b_grad = [n.b.grad for n in layer.neurons]
        assert torch.allclose(torch.tensor(w_grad, dtype=torch.float64), linears[k].weight.grad, rtol=1e-12, atol=1e-12)
        assert torch.allclose(torch.tensor(b_grad, dtype=torch.float64), linears[k].bias.grad, rtol=1e-12, atol=1e-12)
    prelu_layers = [layer for layer in model.layers if layer.activation == "prelu"]
    assert len(prelus) == len(prelu_layers)
    for layer, module in zip(prelu_layers, prelus):
        alpha_grad = torch.tensor([n.alpha.grad for n in layer.neurons], dtype=torch.float64)
        assert torch.allclose(alpha_grad, module.weight.grad, rtol=1e-12, atol=1e-12)
        assert alpha_grad.abs().sum() > 0  # the slopes really were trained by this loss


def test_the_modules_are_pytorchs_own_where_it_has_them(torch):
    nn = torch.nn
    expected = {
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "hardtanh": nn.Hardtanh,
        "relu": nn.ReLU,
        "leaky_relu": nn.LeakyReLU,
        "prelu": nn.PReLU,
        "softplus": nn.Softplus,
        "elu": nn.ELU,
        "gelu": nn.GELU,
    }
    for name, kind in expected.items():
        net = MLP(2, [3, 1], activation=name, rng=0).to_torch()
        assert [type(m) for m in net] == [nn.Linear, kind, nn.Linear]  # a linear output has no module
    assert MLP(2, [3, 1], activation="gelu", rng=0).to_torch()[1].approximate == "none"  # the erf form
    assert MLP(2, [3, 1], activation="leaky_relu", rng=0).to_torch()[1].negative_slope == 0.01
    assert type(MLP(2, [3], output_activation="softmax", rng=0).to_torch()[-1]) is nn.Softmax


def test_step_sin_cos_by_hand(torch):
    from nn.torch_bridge import Cos, Sin, Step

    z = torch.tensor([-1.0, 0.0, 0.5, 2.0], dtype=torch.float64, requires_grad=True)
    out = Step()(z)
    assert out.tolist() == [0.0, 0.0, 1.0, 1.0]  # 0 for z <= 0, the perceptron's convention
    out.sum().backward()
    assert z.grad.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert Sin()(torch.tensor([0.0], dtype=torch.float64)).item() == 0.0
    assert Cos()(torch.tensor([0.0], dtype=torch.float64)).item() == 1.0


def test_round_trip(torch):
    model = random_model("prelu", "softmax", 3)
    back = MLP.from_torch(model.to_torch())
    assert isinstance(back, MLP)
    assert back.sizes() == model.sizes()
    assert (back.activation, back.output_activation) == ("prelu", "softmax")
    assert back.state_dict() == model.state_dict()


def test_from_a_network_built_in_pytorch(torch):
    torch.manual_seed(0)
    nn = torch.nn
    net = nn.Sequential(nn.Linear(3, 4), nn.GELU(), nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 2), nn.Sigmoid())
    model = MLP.from_torch(net)  # float32 weights are read as they are
    assert model.sizes() == [3, 4, 4, 2]
    assert (model.activation, model.output_activation) == ("gelu", "sigmoid")
    x = [0.2, -1.0, 0.7]
    expected = net.double()(torch.tensor([x], dtype=torch.float64))[0].tolist()
    assert [o.data for o in model(x)] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # a single PReLU slope is shared by every neuron of the layer; no activation means linear
    net = nn.Sequential(nn.Linear(2, 3), nn.PReLU(init=0.1), nn.Linear(3, 1))
    model = MLP.from_torch(net)
    assert [n.alpha.data for n in model.layers[0].neurons] == pytest.approx([0.1, 0.1, 0.1])
    assert model.output_activation == "linear"


def bad_modules(torch):
    nn = torch.nn
    return [
        (nn.Sequential(nn.Linear(2, 3), nn.Conv1d(1, 1, 1)), "Conv1d"),
        (nn.Sequential(nn.Flatten(), nn.Linear(2, 3)), "Flatten"),
        (nn.Sequential(nn.Linear(2, 3, bias=False)), "bias"),
        (nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1)), "0.2"),
        (nn.Sequential(nn.Linear(2, 3), nn.GELU(approximate="tanh"), nn.Linear(3, 1)), "tanh"),
        (nn.Sequential(nn.Linear(2, 3), nn.Hardtanh(0.0, 6.0), nn.Linear(3, 1)), "Hardtanh"),
        (nn.Sequential(nn.Linear(2, 3), nn.Softplus(beta=2.0), nn.Linear(3, 1)), "beta"),
        (nn.Sequential(nn.Linear(2, 3), nn.ELU(alpha=0.5), nn.Linear(3, 1)), "ELU"),
        (nn.Sequential(nn.Linear(2, 3), nn.PReLU(2), nn.Linear(3, 1)), "PReLU"),
        (nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1)), "relu, tanh"),
        (nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=-1), nn.Linear(3, 1)), "output layer"),
        (nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=0)), "dim=-1"),
        (nn.Sequential(nn.Linear(2, 3), nn.Softmax()), "dim=None", "dim=-1"),  # torch's implicit dim
        (nn.Sequential(nn.Linear(2, 0)), "out_features=0", "one neuron"),
        (nn.Sequential(nn.Linear(0, 3)), "in_features=0", "one input"),
        (nn.Sequential(nn.Linear(2, 1), nn.Softmax(dim=-1)), "2 or more"),
        (nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), "3 outputs"),
        (nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Tanh()), "Tanh"),
        (nn.Sequential(), "empty"),
    ]


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # torch's own, building Linear(2, 0)
def test_bad_modules_are_refused_by_name(torch):
    for module, *parts in bad_modules(torch):
        with pytest.raises(ValueError) as info:
            MLP.from_torch(module)
        check_message(info, "from_torch", *parts)
    with pytest.raises(TypeError) as info:
        MLP.from_torch(torch.nn.Linear(2, 3))
    check_message(info, "from_torch", "Sequential", "Linear")


def test_a_network_with_nan_weights_is_refused(torch):
    net = torch.nn.Sequential(torch.nn.Linear(2, 1))
    with torch.no_grad():
        net[0].weight[0, 1] = float("nan")
    with pytest.raises(ValueError) as info:
        MLP.from_torch(net)
    check_message(info, "from_torch", "layers.0.neurons.0.w.1", "nan")


def test_an_activation_of_your_own_cannot_be_converted(torch):
    model = MLP(2, [3, 1], activation=lambda z: z * z.sigmoid(), rng=0)
    with pytest.raises(ValueError) as info:
        model.to_torch()
    check_message(info, "to_torch", "<lambda>", "sigmoid")


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    model = MLP(2, [1], rng=0)
    with pytest.raises(ImportError) as info:
        model.to_torch()
    check_message(info, "MLP.to_torch", "pip install torch==2.13.0", "[torch]")
    with pytest.raises(ImportError) as info:
        MLP.from_torch(object())
    check_message(info, "MLP.from_torch", "pip install torch==2.13.0")


def test_the_readme_example_runs(torch):
    from readme_sections import python_blocks, readme_section

    (block,) = [b for b in python_blocks(readme_section("Neural networks: nn")) if "to_torch" in b]
    assert ">>>" not in block  # not a doctest: a plain environment may lack torch
    exec(compile(block, "README.md: From here to PyTorch", "exec"), {})


def test_activations_given_as_functions_of_the_table(torch):
    model = MLP(2, [3, 2], activation=ACTIVATIONS["prelu"], output_activation=ACTIVATIONS["tanh"], rng=1)
    net = model.to_torch()
    assert [type(m) for m in net] == [torch.nn.Linear, torch.nn.PReLU, torch.nn.Linear, torch.nn.Tanh]
    assert net[1].weight.tolist() == [0.25, 0.25, 0.25]  # each neuron's learnable alpha
    x = [[0.3, -1.2]]
    got = net(torch.tensor(x, dtype=torch.float64))[0].tolist()
    assert got == pytest.approx([o.data for o in model(x[0])], rel=1e-12, abs=1e-12)


def test_a_layer_whose_neurons_differ_is_refused(torch):
    model = MLP(2, [3, 1], activation="tanh", rng=0)
    model.layers[0].neurons[1].nonlin = False  # micrograd's switch: this neuron is now linear
    with pytest.raises(ValueError) as info:
        model.to_torch()
    check_message(info, "to_torch", "layer 0", "linear", "tanh")
