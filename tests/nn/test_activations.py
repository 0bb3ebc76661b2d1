"""Every activation of TEACHING.md section 6, by name: value by its formula, gradient by finite differences."""

import math

import pytest
from activation_formulas import FORMULAS, PHI

from autograd import Value, gradcheck
from nn import ACTIVATIONS, MLP, Layer, Neuron, activation_names, get_activation

# z values on both sides of every kink, away from it (finite differences need smoothness)
POINTS = [-2.3, -0.6, 0.4, 1.7]


@pytest.mark.parametrize("name", activation_names())
def test_every_listed_name_works_in_neuron_layer_and_mlp(name):
    assert name in FORMULAS  # a name without an independent formula here fails
    x = [0.4, -0.9]
    assert isinstance(Neuron(2, activation=name, rng=0)(x), Value)
    assert len(Layer(2, 3, activation=name, rng=0)(x)) == 3
    assert isinstance(MLP(2, [3, 1], activation=name, output_activation=name, rng=0)(x), Value)


def test_every_activation_of_the_course_is_listed():
    assert set(activation_names()) == set(FORMULAS) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("z", POINTS)
def test_activation_value_and_gradient(name, z):
    neuron = Neuron(2, activation=name, rng=0)
    # w = [1, -0.5], x = [z, 0] - so z = w . x + b = z with b = 0
    state = {"w.0": 1.0, "w.1": -0.5, "b": 0.0}
    if name == "prelu":
        state["alpha"] = 0.25
    neuron.load_state_dict(state)
    x = [Value(z, label="x0"), Value(0.0, label="x1")]
    assert neuron(x).data == pytest.approx(FORMULAS[name](z), rel=1e-12, abs=1e-15)
    assert gradcheck(lambda *_: neuron(x), neuron.parameters() + x)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_every_table_entry_is_a_function_of_one_value(name):
    z = Value(-0.6)
    out = get_activation(name)(z)  # prelu too: its starting slope 0.25 (a Neuron learns its own)
    assert isinstance(out, Value) and out.data == pytest.approx(FORMULAS[name](-0.6), rel=1e-12)
    assert get_activation(name) is ACTIVATIONS[name]


def test_linear_is_the_identity_and_no_longer_a_method_of_value():
    z = Value(1.5)
    assert ACTIVATIONS["linear"](z) is z
    assert not hasattr(Value, "linear")  # an nn notion: it lives in the activations table
    neuron = Neuron(1, activation="linear", rng=0)
    neuron.load_state_dict({"w.0": 3.0, "b": 0.5})
    x = Value(-2.0)
    out = neuron([x])
    out.backward()
    assert (out.data, x.grad) == (-5.5, 3.0)


def test_softmax_lives_with_the_activations_and_is_still_importable_from_losses():
    import nn.activations
    import nn.losses

    assert nn.losses.softmax is nn.activations.softmax
    assert nn.losses.log_softmax is nn.activations.log_softmax
    assert "softmax" not in ACTIVATIONS  # a whole layer's activation, not one neuron's


def test_prelu_alpha_is_learnable():
    neuron = Neuron(1, activation="prelu", rng=0)
    neuron.load_state_dict({"w.0": 1.0, "b": 0.0, "alpha": 0.25})
    out = neuron([-2.0])
    assert out.data == -0.5
    out.backward()
    assert neuron.alpha.grad == -2.0  # d(alpha z)/d alpha = z
    assert neuron.alpha in neuron.parameters()


def test_activation_derivatives_from_the_table():
    # f'(z) column of section 6 at z = 0.4 and z = -0.6
    def slope(name, z):
        v = Value(z)
        get_activation(name)(v).backward()
        return v.grad

    s = 1 / (1 + math.exp(-0.4))
    assert slope("sigmoid", 0.4) == pytest.approx(s * (1 - s))
    assert slope("tanh", 0.4) == pytest.approx(1 - math.tanh(0.4) ** 2)
    assert slope("softplus", 0.4) == pytest.approx(s)
    assert slope("elu", -0.6) == pytest.approx(math.exp(-0.6))
    assert slope("leaky_relu", -0.6) == pytest.approx(0.01)
    assert slope("gelu", 0.4) == pytest.approx(PHI(0.4) + 0.4 * math.exp(-0.08) / math.sqrt(2 * math.pi))
    assert slope("hardtanh", -0.6) == 1.0 and slope("hardtanh", 1.7) == 0.0
    assert slope("relu", -0.6) == 0.0 and slope("relu", 0.4) == 1.0
    assert slope("step", 0.4) == 0.0 and slope("linear", -0.6) == 1.0


def engine_slope(name, z):
    v = Value(z)
    get_activation(name)(v).backward()
    return v.grad


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("z", POINTS)
def test_activation_derivatives_against_central_differences_of_the_formulas(name, z):
    """Independent of the engine's own derivative expressions: the slope of FORMULAS (plain floats)."""
    h = 1e-6
    numeric = (FORMULAS[name](z + h) - FORMULAS[name](z - h)) / (2 * h)
    assert engine_slope(name, z) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", sorted(set(FORMULAS) - {"step", "linear"}))
def test_activation_derivatives_match_pytorch(name):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    F = torch.nn.functional
    theirs = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "hardtanh": F.hardtanh,
        "relu": F.relu,
        "leaky_relu": F.leaky_relu,
        "prelu": lambda t: F.prelu(t, torch.tensor([0.25], dtype=torch.float64)),
        "softplus": F.softplus,
        "elu": F.elu,
        "gelu": F.gelu,
        "sin": torch.sin,
        "cos": torch.cos,
    }[name]
    for z in POINTS:
        t = torch.tensor([z], dtype=torch.float64, requires_grad=True)
        theirs(t).sum().backward()
        assert engine_slope(name, z) == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-15), z


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError) as err:
        Neuron(2, activation="swish")
    message = str(err.value)
    assert "swish" in message and all(name in message for name in FORMULAS)
    with pytest.raises(ValueError, match="output_activation='softmax'"):
        get_activation("softmax")
    with pytest.raises(TypeError):
        get_activation(3)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_a_model_with_every_activation_pickles(name):
    """Value's methods made from the operations' records are found by pickle (a model can be copied, saved)."""
    import pickle

    model = MLP(2, [3, 1], activation=name, rng=0)
    again = pickle.loads(pickle.dumps(model))
    assert again([0.3, -0.7]).data == model([0.3, -0.7]).data


def test_activations_cannot_be_assigned_and_say_what_to_do_instead():
    with pytest.raises(TypeError, match=r"read-only .* give your function itself: Neuron\(n, activation=f\)"):
        ACTIVATIONS["swish"] = lambda z: z * z.sigmoid()
