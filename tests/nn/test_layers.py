"""Neuron, Layer, MLP: shapes, parameter counts and names, forward values, initialisation, seeds."""

import math
import random
import statistics

import pytest

from autograd import Value, gradcheck
from nn import INIT_SCHEMES, MLP, Layer, Neuron, truth_table, xor_step_network


def test_parameter_counts():
    assert Neuron(3).num_parameters() == 4
    assert Neuron(3, activation="prelu").num_parameters() == 5  # w0..w2, b, alpha
    assert Layer(3, 4).num_parameters() == 4 * 4
    assert MLP(2, [16, 16, 1]).num_parameters() == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)  # 337
    assert MLP(2, [2, 1]).num_parameters() == 9  # the slides' XOR network
    assert MLP(64, [30, 15, 10]).num_parameters() == 64 * 30 + 30 + 30 * 15 + 15 + 15 * 10 + 10
    # prelu in the hidden layer only: one alpha per hidden neuron
    assert MLP(2, [2, 1], activation="prelu").num_parameters() == 9 + 2


def test_parameter_names_are_stable_and_readable():
    names = [n for n, _ in MLP(2, [2, 1], rng=0).named_parameters()]
    assert names == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
        "layers.0.neurons.1.w.1",
        "layers.0.neurons.1.b",
        "layers.1.neurons.0.w.0",
        "layers.1.neurons.0.w.1",
        "layers.1.neurons.0.b",
    ]
    model = MLP(2, [2, 1], rng=0)
    assert [p.label for p in model.parameters()] == names
    assert all(isinstance(p, Value) and not p._parents for p in model.parameters())
    assert [n for n, _ in Neuron(2, activation="prelu").named_parameters()] == ["w.0", "w.1", "b", "alpha"]


def test_output_shapes():
    x = [0.3, -0.7]
    assert isinstance(MLP(2, [16, 16, 1], rng=0)(x), Value)
    out = MLP(2, [4, 3], rng=0)(x)
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)
    assert isinstance(Layer(2, 1, rng=0)(x), Value)
    assert len(Layer(2, 1, rng=0).forward(x)) == 1
    assert len(Layer(2, 5, rng=0)(x)) == 5
    assert isinstance(Neuron(2, rng=0)(x), Value)


def test_one_neuron_hidden_layer_chains():
    # micrograd issue #13: a layer of one neuron returned a bare Value that the next layer could not take
    model = MLP(2, [1, 1, 3, 1], activation="tanh", rng=2)
    out = model([0.5, -0.2])
    assert isinstance(out, Value)
    out.backward()
    assert model.layers[0].neurons[0].w[0].grad != 0.0


def test_micrograd_defaults_relu_hidden_linear_output():
    model = MLP(2, [3, 1], rng=0)
    assert [layer.activation for layer in model.layers] == ["relu", "linear"]
    state = {name: 0.0 for name in model.state_dict()}
    state["layers.0.neurons.0.b"] = -5.0  # hidden z negative: ReLU gives 0
    state["layers.0.neurons.1.b"] = 2.0
    state["layers.1.neurons.0.w.1"] = -3.0
    state["layers.1.neurons.0.b"] = 0.5
    model.load_state_dict(state)
    # hidden = [relu(-5), relu(2), relu(0)] = [0, 2, 0]; output linear: -3 * 2 + 0.5
    assert model([1.0, 1.0]).data == -5.5


def test_forward_matches_independent_matrix_computation():
    np = pytest.importorskip("numpy")
    model = MLP(3, [4, 5, 2], activation="tanh", output_activation="sigmoid", rng=7)
    state = model.state_dict()

    def weights(layer, nin, nout):
        W = np.array([[state[f"layers.{layer}.neurons.{j}.w.{i}"] for i in range(nin)] for j in range(nout)])
        b = np.array([state[f"layers.{layer}.neurons.{j}.b"] for j in range(nout)])
        return W, b

    x = np.array([0.2, -1.3, 0.8])
    W1, b1 = weights(0, 3, 4)
    W2, b2 = weights(1, 4, 5)
    W3, b3 = weights(2, 5, 2)
    h = np.tanh(W2 @ np.tanh(W1 @ x + b1) + b2)
    expected = 1 / (1 + np.exp(-(W3 @ h + b3)))
    got = [v.data for v in model(x)]  # a NumPy input works too
    assert got == pytest.approx(expected.tolist(), rel=1e-12)


def test_gradients_of_a_whole_mlp_against_finite_differences():
    model = MLP(2, [3, 2, 1], activation="tanh", output_activation="sigmoid", rng=3)
    x = [Value(0.4, label="x0"), Value(-0.9, label="x1")]
    assert gradcheck(lambda *_: model(x), model.parameters() + x)


def test_softmax_output_layer():
    model = MLP(2, [4, 3], output_activation="softmax", rng=1)
    probs = model([0.5, 0.1])
    assert len(probs) == 3
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert all(0.0 < p.data < 1.0 for p in probs)
    assert [layer.outputs_softmax for layer in model.layers] == [False, True]
    with pytest.raises(ValueError, match="softmax"):
        MLP(2, [4, 3], activation="softmax")
    with pytest.raises(ValueError, match="at least 2"):
        MLP(2, [4, 1], output_activation="softmax")


def test_inputs_numbers_values_numpy_and_scalars():
    model = MLP(1, [3, 1], rng=0)
    assert model([0.5]).data == model(0.5).data == model((Value(0.5),)).data
    np = pytest.importorskip("numpy")
    model2 = MLP(2, [3, 1], rng=0)
    assert model2(np.array([0.1, 0.2])).data == model2([0.1, 0.2]).data


def test_bad_arguments_give_clear_errors():
    model = MLP(2, [3, 1], rng=0)
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="expected 2 inputs, got 1"):
        Neuron(2, rng=0)([1.0])
    with pytest.raises(ValueError, match="nin"):
        Neuron(0)
    with pytest.raises(ValueError, match="layer size"):
        MLP(2, [3, 0])
    with pytest.raises(TypeError, match=r"list of layer sizes"):
        MLP(2, 3)
    with pytest.raises(ValueError, match="at least one layer"):
        MLP(2, [])
    with pytest.raises(ValueError) as err:
        MLP(2, [1], seed=1, rng=1)
    assert "seed" in str(err.value) and "rng" in str(err.value)
    with pytest.raises(TypeError, match="rng"):
        MLP(2, [1], rng="abc")
    with pytest.raises(ValueError, match=r"init must be one of 'uniform', 'normal', 'xavier', 'he', not str 'glorot'"):
        MLP(2, [1], init="glorot")


def test_custom_activation_function():
    neuron = Neuron(1, activation=lambda z: z * z, rng=0)
    neuron.load_state_dict({"w.0": 2.0, "b": 1.0})
    assert neuron([3.0]).data == 49.0
    bad = Neuron(1, activation=lambda z: 5.0, rng=0)
    with pytest.raises(TypeError, match="must return a Value"):
        bad([1.0])


def test_zero_grad():
    model = MLP(2, [3, 1], rng=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# ---- initialisation and seeds ---------------------------------------------------------


def _weights(layer):
    return [w.data for n in layer.neurons for w in n.w]


def test_init_schemes_have_the_documented_distributions():
    assert INIT_SCHEMES == ("uniform", "normal", "xavier", "he")
    nin, nout = 200, 50  # 10,000 weights
    uniform = _weights(Layer(nin, nout, init="uniform", rng=1))
    assert -1.0 <= min(uniform) < -0.99 and 0.99 < max(uniform) <= 1.0
    assert statistics.pstdev(uniform) == pytest.approx(1 / math.sqrt(3), rel=0.03)

    normal = _weights(Layer(nin, nout, init="normal", rng=1))
    assert statistics.mean(normal) == pytest.approx(0.0, abs=0.005)
    assert statistics.pstdev(normal) == pytest.approx(0.1, rel=0.03)
    wide = _weights(Layer(nin, nout, init="normal", rng=1, sigma=0.5))
    assert statistics.pstdev(wide) == pytest.approx(0.5, rel=0.03)

    bound = math.sqrt(6 / (nin + nout))
    xavier = _weights(Layer(nin, nout, init="xavier", rng=1))
    assert max(abs(w) for w in xavier) <= bound and max(xavier) > 0.99 * bound

    he = _weights(Layer(nin, nout, init="he", rng=1))
    assert statistics.pstdev(he) == pytest.approx(math.sqrt(2 / nin), rel=0.03)

    for scheme in INIT_SCHEMES:  # biases start at 0
        assert all(n.b.data == 0.0 for n in Layer(3, 4, init=scheme, rng=0).neurons)


def test_seed_reproducibility(global_random):
    a = MLP(2, [8, 8, 1], rng=3).state_dict()
    assert a == MLP(2, [8, 8, 1], rng=3).state_dict()
    assert a == MLP(2, [8, 8, 1], rng=random.Random(3)).state_dict()
    assert a != MLP(2, [8, 8, 1], rng=4).state_dict()
    # the global generator is used when no seed is given, so random.seed makes it reproducible
    random.seed(11)
    b = MLP(2, [4, 1]).state_dict()
    random.seed(11)
    assert b == MLP(2, [4, 1]).state_dict()


def test_seed_is_the_deprecated_name_of_rng():
    with pytest.warns(DeprecationWarning) as caught:
        old = MLP(2, [8, 8, 1], seed=3)
    message = str(caught[0].message)
    assert "seed" in message and "rng" in message  # says what to use instead
    assert caught[0].filename == __file__  # points at the caller, not at nn/layers.py
    assert old.state_dict() == MLP(2, [8, 8, 1], rng=3).state_dict()
    assert MLP(2, [8, 1], "relu", "linear", "uniform", 3).state_dict() == MLP(2, [8, 1], rng=3).state_dict()


# ---- the slides' hand-made XOR network ---------------------------------------------------


def test_xor_step_network_solves_xor_with_9_parameters():
    model = xor_step_network()
    assert model.num_parameters() == 9
    X, y = truth_table("xor")
    assert [model(x).data for x in X] == [float(t) for t in y] == [0.0, 1.0, 1.0, 0.0]
    s = model.state_dict()
    assert [s["layers.0.neurons.0.b"], s["layers.0.neurons.1.b"], s["layers.1.neurons.0.b"]] == [-1.5, -0.5, -0.5]
    assert [s["layers.1.neurons.0.w.0"], s["layers.1.neurons.0.w.1"]] == [-1.0, 1.0]
    # hidden neuron 0 is AND, hidden neuron 1 is OR
    hidden = [model.layers[0].forward(x) for x in X]
    assert [h[0].data for h in hidden] == [0.0, 0.0, 0.0, 1.0]
    assert [h[1].data for h in hidden] == [0.0, 1.0, 1.0, 1.0]


def test_a_table_function_as_activation_is_its_name():
    from nn import ACTIVATIONS

    by_function = Neuron(2, activation=ACTIVATIONS["prelu"], rng=0)
    by_name = Neuron(2, activation="prelu", rng=0)
    assert by_function.activation == "prelu"
    assert [n for n, _ in by_function.named_parameters()] == [n for n, _ in by_name.named_parameters()]


def test_layer_softmax_is_the_old_name_of_outputs_softmax():
    layer = Layer(2, 3, activation="softmax", rng=0)
    with pytest.warns(DeprecationWarning, match="outputs_softmax"):
        assert layer.softmax is True
    assert layer.outputs_softmax is True and Layer(2, 3, rng=0).outputs_softmax is False
